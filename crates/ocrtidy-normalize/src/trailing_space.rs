use ocrtidy_core::{EditSink, Pass, PassId, PassInput};

use crate::is_horizontal_space;

/// Removes spaces and tabs (also no-break and ideographic spaces) at the end of every line and
/// of the text. Leading indentation is left for the layout passes, which read it as evidence.
///
/// Rule: `trailing-space`.
#[derive(Debug, Default, Clone)]
pub struct TrailingSpace;

impl Pass for TrailingSpace {
    fn id(&self) -> PassId {
        PassId::TrailingSpace
    }

    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        let text = input.text;
        let mut run_start: Option<usize> = None;
        for (i, c) in text.char_indices() {
            if is_horizontal_space(c) {
                run_start.get_or_insert(i);
            } else {
                if matches!(c, '\n' | '\r' | '\u{c}') {
                    if let Some(s) = run_start {
                        let _ = sink.delete(s..i, "trailing-space", 1.0);
                    }
                }
                run_start = None;
            }
        }
        if let Some(s) = run_start {
            let _ = sink.delete(s..text.len(), "trailing-space", 1.0);
        }
    }
}
