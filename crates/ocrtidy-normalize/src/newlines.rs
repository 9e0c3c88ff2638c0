use ocrtidy_core::{EditSink, Pass, PassId, PassInput, PassKind, PassSpec, RuleSpec};

/// Line ends to `\n`: CRLF and lone CR, NEL and the Unicode line and paragraph separators.
/// Form feeds are kept: they separate pages.
///
/// Rules: `crlf`, `cr`, `unicode-line-separator`.
#[derive(Debug, Default, Clone)]
pub struct Newlines;

impl Newlines {
    /// The pass's declaration: id, summary, flags and every rule it may record.
    pub const SPEC: PassSpec = PassSpec {
        id: PassId::Newlines,
        summary: "CRLF, CR and Unicode line separators to LF; form feeds kept",
        kind: PassKind::Layout,
        removes_text: false,
        rerun: true,
        local: false,
        written_back: false,
        rules: &[
            RuleSpec {
                id: "crlf",
                explain: "A Windows line end, carriage return followed by line feed (`\\r\\n`), becomes a single line feed `\\n`. Always applied (confidence 1.0). Form feeds, which separate pages, are left alone.",
            },
            RuleSpec {
                id: "cr",
                explain: "A carriage return that is not followed by a line feed (old Mac line ends, or a stray `\\r`) becomes a line feed `\\n`, so `a\\rb` is two lines. Always applied (confidence 1.0). A CR that is part of a CRLF pair is handled by `crlf` instead.",
            },
            RuleSpec {
                id: "unicode-line-separator",
                explain: "The Unicode line-break characters NEL (U+0085), LINE SEPARATOR (U+2028) and PARAGRAPH SEPARATOR (U+2029) each become a plain line feed `\\n`, the only line break the later passes read. Always applied (confidence 1.0). Form feeds are kept as page separators.",
            },
        ],
    };
}

impl Pass for Newlines {
    fn spec(&self) -> &'static PassSpec {
        &Self::SPEC
    }

    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        let text = input.text;
        let bytes = text.as_bytes();
        // Most texts hold none of these: four quick searches instead of decoding every char.
        if !bytes.contains(&b'\r')
            && !["\u{85}", "\u{2028}", "\u{2029}"]
                .iter()
                .any(|s| text.contains(s))
        {
            return;
        }
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
