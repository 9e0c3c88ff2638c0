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
        for range in trailing_runs(input.text) {
            let _ = sink.delete(range, "trailing-space", 1.0);
        }
    }
}

/// The runs of horizontal space that end a line (before a `\n`, `\r` or form feed) or the
/// text, in order. The line breaks are single bytes, found with `memchr`, and only the chars
/// before each are decoded.
fn trailing_runs(text: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    // The start of the run of horizontal space that ends at `i`.
    let run_start = |i: usize| {
        let mut s = i;
        while let Some(c) = text[..s]
            .chars()
            .next_back()
            .filter(|&c| is_horizontal_space(c))
        {
            s -= c.len_utf8();
        }
        s
    };
    memchr::memchr3_iter(b'\n', b'\r', 0x0c, text.as_bytes())
        .chain(std::iter::once(text.len()))
        .map(move |i| run_start(i)..i)
        .filter(|r| r.start < r.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The runs as the pass found them before, reading every char.
    fn runs_by_chars(text: &str) -> Vec<std::ops::Range<usize>> {
        let mut out = Vec::new();
        let mut run_start: Option<usize> = None;
        for (i, c) in text.char_indices() {
            if is_horizontal_space(c) {
                run_start.get_or_insert(i);
            } else {
                if matches!(c, '\n' | '\r' | '\u{c}') {
                    if let Some(s) = run_start {
                        out.push(s..i);
                    }
                }
                run_start = None;
            }
        }
        if let Some(s) = run_start {
            out.push(s..text.len());
        }
        out
    }

    #[test]
    fn runs_as_by_chars() {
        // Every text of up to five chars from breaks, whitespace and letters.
        let alphabet = [
            '\n', '\u{c}', ' ', '\t', '\r', '\u{3000}', '\u{a0}', 'a', '甲',
        ];
        let texts = crate::all_texts(&alphabet, 5);
        assert_eq!(texts.len(), 1 + 9 + 81 + 729 + 6561 + 59049);
        for t in &texts {
            assert_eq!(
                trailing_runs(t).collect::<Vec<_>>(),
                runs_by_chars(t),
                "{t:?}"
            );
        }
    }
}
