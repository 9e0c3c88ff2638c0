use ocrtidy_core::{EditSink, Pass, PassId, PassInput, PassKind, PassSpec, RuleSpec};

use crate::is_horizontal_space;

/// Removes spaces and tabs (also no-break and ideographic spaces) at the end of every line and
/// of the text. Leading indentation is left for the layout passes, which read it as evidence.
///
/// Rule: `trailing-space`.
#[derive(Debug, Default, Clone)]
pub struct TrailingSpace;

impl TrailingSpace {
    /// The pass's declaration: id, summary, flags and every rule it may record.
    pub const SPEC: PassSpec = PassSpec {
        id: PassId::TrailingSpace,
        summary: "spaces and tabs at line ends removed",
        kind: PassKind::Layout,
        removes_text: false,
        rerun: true,
        local: false,
        written_back: false,
        rules: &[
            RuleSpec {
                id: "trailing-space",
                explain: "Spaces, tabs, no-break spaces and ideographic spaces at the end of a line (before a line feed, carriage return or form feed) or at the end of the text are deleted: `第一段   \\n` → `第一段\\n`. Always applied (confidence 1.0). Leading indentation is left alone, because the layout passes read it as evidence of paragraph starts.",
            },
        ],
    };
}

impl Pass for TrailingSpace {
    fn spec(&self) -> &'static PassSpec {
        &Self::SPEC
    }

    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        let text = input.text;
        if !has_trailing_space(text) {
            return;
        }
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

/// Whether a space or tab stands before a line break or at the end of `text`: the line
/// breaks are found on the bytes and only the char before each is decoded.
fn has_trailing_space(text: &str) -> bool {
    let before = |i: usize| {
        text[..i]
            .chars()
            .next_back()
            .is_some_and(is_horizontal_space)
    };
    before(text.len())
        || text
            .bytes()
            .enumerate()
            .any(|(i, b)| matches!(b, b'\n' | b'\r' | 0x0c) && before(i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_space_found_before_breaks() {
        for t in ["a ", "a \nb", "a\u{3000}\r\n", "x\t\u{c}y", " "] {
            assert!(has_trailing_space(t), "{t:?}");
        }
        for t in ["", "a", "a\nb", " a\n b", "中文\n\n", "\n"] {
            assert!(!has_trailing_space(t), "{t:?}");
        }
    }
}
