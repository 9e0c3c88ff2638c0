use ocrtidy_core::{EditSink, Pass, PassId, PassInput};

/// Line ends to `\n`: CRLF and lone CR, NEL and the Unicode line and paragraph separators.
/// Form feeds are kept: they separate pages.
///
/// Rules: `crlf`, `cr`, `unicode-line-separator`.
#[derive(Debug, Default, Clone)]
pub struct Newlines;

impl Pass for Newlines {
    fn id(&self) -> PassId {
        PassId::Newlines
    }

    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        let text = input.text;
        let bytes = text.as_bytes();
        for (i, c) in text.char_indices() {
            let (len, rule) = match c {
                '\r' if bytes.get(i + 1) == Some(&b'\n') => (2, "crlf"),
                '\r' => (1, "cr"),
                '\u{85}' | '\u{2028}' | '\u{2029}' => (c.len_utf8(), "unicode-line-separator"),
                _ => continue,
            };
            let _ = sink.replace(i..i + len, "\n", rule, 1.0);
        }
    }
}
