use ocrtidy_core::{EditSink, Pass, PassId, PassInput};

/// Removes NUL and the other C0/C1 control characters that OCR engines and PDF extractors leak
/// into text. Tab, line feed, carriage return and form feed are kept (the form feed separates
/// pages), and so is NEL (U+0085), which the `newlines` pass turns into a line feed. A vertical
/// tab is a line break in word-processor exports and becomes `\n`.
///
/// Each run of removed characters is one change.
///
/// Rules: `nul` (a run containing NUL), `control-char`, `vertical-tab`.
#[derive(Debug, Default, Clone)]
pub struct ControlChars;

/// A control character this pass removes.
fn is_removed(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}' | '\u{b}' | '\u{85}'))
        || c == '\u{7f}'
}

impl Pass for ControlChars {
    fn id(&self) -> PassId {
        PassId::ControlChars
    }

    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        let text = input.text;
        let mut run: Option<(usize, bool)> = None;
        for (i, c) in text.char_indices() {
            if is_removed(c) {
                let r = run.get_or_insert((i, false));
                r.1 |= c == '\0';
                continue;
            }
            if let Some((s, nul)) = run.take() {
                let _ = sink.delete(s..i, if nul { "nul" } else { "control-char" }, 1.0);
            }
            if c == '\u{b}' {
                let _ = sink.replace(i..i + 1, "\n", "vertical-tab", 0.9);
            }
        }
        if let Some((s, nul)) = run {
            let _ = sink.delete(s..text.len(), if nul { "nul" } else { "control-char" }, 1.0);
        }
    }
}
