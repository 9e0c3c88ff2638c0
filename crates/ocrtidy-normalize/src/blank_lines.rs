use ocrtidy_core::{EditSink, Pass, PassId, PassInput, PassKind, PassSpec, RuleSpec};

use crate::is_horizontal_space;

/// How paragraphs are separated in the output.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ParagraphSeparator {
    /// One paragraph per line, separated by a single `\n` (the default).
    #[default]
    Line,
    /// Paragraphs separated by one blank line (`\n\n`).
    Blank,
}

/// Brings the breaks between lines to the output convention: every run of line breaks (with
/// blank or whitespace-only lines inside it) becomes one separator, a run that contains a form
/// feed becomes `\n\f` (a page break before the next line), and breaks at the start and end of
/// the text are removed.
///
/// It runs last: by then the layout passes have joined soft wraps, so every remaining break is
/// a paragraph break.
///
/// Rules: `blank-lines`, `page-break`, `document-start`, `document-end`.
#[derive(Debug, Default, Clone)]
pub struct BlankLines {
    separator: ParagraphSeparator,
}

impl BlankLines {
    pub fn new(separator: ParagraphSeparator) -> Self {
        BlankLines { separator }
    }
}

impl BlankLines {
    /// The pass's declaration: id, summary, flags and every rule it may record.
    pub const SPEC: PassSpec = PassSpec {
        id: PassId::BlankLines,
        summary: "breaks between paragraphs brought to the output convention",
        kind: PassKind::Layout,
        removes_text: false,
        rerun: true,
        local: false,
        written_back: false,
        rules: &[
            RuleSpec {
                id: "blank-lines",
                explain: "Every run of line breaks between paragraphs (with any blank or whitespace-only lines inside it) becomes one separator: a single `\\n` by default, or one blank line `\\n\\n` with `--paragraph-sep blank`: `第一段\\n\\n\\n第二段` → `第一段\\n第二段`. Always applied (confidence 1.0); a run that is already the separator is not recorded. It runs last, when every remaining break is a paragraph break; the indentation after the last break is not part of the run.",
            },
            RuleSpec {
                id: "page-break",
                explain: "A run of line breaks that contains a form feed (a page boundary) becomes exactly `\\n\\f`, a line break followed by the page separator, whatever blank lines surrounded it: `…段\\n\\n\\f\\n下页` → `…段\\n\\f下页`. Always applied (confidence 1.0). The form feed itself is never removed, so pages can be split again.",
            },
            RuleSpec {
                id: "document-start",
                explain: "Line breaks and blank lines at the very start of the text (with any spaces before them) are deleted, so the output starts with its first paragraph: `\\n\\n标题` → `标题`. Always applied (confidence 1.0). When a document's pages are cleaned together, the breaks left at the start of each page are removed under the same name, fused with the changes there.",
            },
            RuleSpec {
                id: "document-end",
                explain: "Line breaks, blank lines and trailing spaces at the very end of the text are deleted: `最后一段\\n\\n\\n` → `最后一段`. Always applied (confidence 1.0). When a document's pages are cleaned together, the breaks left at the end of each page are removed under the same name; the command line then adds one final line break back (`final-newline`).",
            },
            RuleSpec {
                id: "final-newline",
                explain: "When the command line writes the cleaned text to a file, it ends it with exactly one line break, as text files end, and records that here so the ledger replays to the bytes written: `最后一段` → `最后一段\\n`. Always applied (confidence 1.0); usually fused into the `document-end` change at the end of the text, and dropped when it simply restores the input's own final line break. The library's `clean()` does not add it.",
            },
        ],
    };
}

impl Pass for BlankLines {
    fn spec(&self) -> &'static PassSpec {
        &Self::SPEC
    }

    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        let text = input.text;
        let sep = match self.separator {
            ParagraphSeparator::Line => "\n",
            ParagraphSeparator::Blank => "\n\n",
        };
        for (start, end, page) in break_runs(text) {
            let at_start = text[..start]
                .chars()
                .all(|x| is_horizontal_space(x) || x == '\r');
            let at_end = text[end..]
                .chars()
                .all(|x| is_horizontal_space(x) || x == '\r');
            if at_start {
                let _ = sink.delete(0..end, "document-start", 1.0);
            } else if at_end {
                let _ = sink.delete(start..text.len(), "document-end", 1.0);
            } else if page {
                let _ = sink.replace(start..end, "\n\u{c}", "page-break", 1.0);
            } else {
                let _ = sink.replace(start..end, sep, "blank-lines", 1.0);
            }
        }
    }
}

/// The runs of line breaks of `text`, with whether each holds a form feed: `(start, end, page)`.
/// A run goes from a break to the last break reached through whitespace only; the whitespace
/// after the last break is the next line's indentation. The breaks are single bytes, found
/// with `memchr`.
fn break_runs(text: &str) -> impl Iterator<Item = (usize, usize, bool)> + '_ {
    let is_break = |c: char| matches!(c, '\n' | '\u{c}');
    // Where the search goes on: past the run just read.
    let mut pos = 0;
    std::iter::from_fn(move || {
        let start = pos + memchr::memchr2(b'\n', 0x0c, &text.as_bytes()[pos..])?;
        let mut end = start + 1;
        let mut page = text.as_bytes()[start] == 0x0c;
        // The next char not read yet.
        let mut j = end;
        while let Some(d) = text[j..].chars().next() {
            if is_break(d) {
                page |= d == '\u{c}';
                end = j + d.len_utf8();
                j = end;
            } else if is_horizontal_space(d) || d == '\r' {
                match space_before_break(&text[j..]) {
                    Some(ws) => j += ws,
                    None => break,
                }
            } else {
                break;
            }
        }
        pos = j;
        Some((start, end, page))
    })
}

/// The length of the horizontal whitespace (and carriage returns) that starts `rest`, when a
/// line or page break follows it: whitespace between breaks belongs to their run, and
/// whitespace before text is the next line's indentation (`None`).
fn space_before_break(rest: &str) -> Option<usize> {
    let ws = rest
        .char_indices()
        .find(|&(_, x)| !(is_horizontal_space(x) || x == '\r'))
        .map_or(rest.len(), |(k, _)| k);
    rest[ws..]
        .chars()
        .next()
        .filter(|&x| matches!(x, '\n' | '\u{c}'))
        .map(|_| ws)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The runs as the pass found them before, reading every char.
    fn runs_by_chars(text: &str) -> Vec<(usize, usize, bool)> {
        let mut out = Vec::new();
        let is_break = |c: char| matches!(c, '\n' | '\u{c}');
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if !is_break(c) {
                continue;
            }
            // The run goes from this break to the last break reached through whitespace only;
            // the whitespace after the last break is the next line's indentation.
            let start = i;
            let mut end = i + c.len_utf8();
            let mut page = c == '\u{c}';
            while let Some(&(j, d)) = chars.peek() {
                if is_break(d) {
                    page |= d == '\u{c}';
                    end = j + d.len_utf8();
                    chars.next();
                } else if is_horizontal_space(d) || d == '\r' {
                    match space_before_break(&text[j..]) {
                        Some(ws) => {
                            while chars.peek().is_some_and(|&(k, _)| k < j + ws) {
                                chars.next();
                            }
                        }
                        None => break,
                    }
                } else {
                    break;
                }
            }
            out.push((start, end, page));
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
            assert_eq!(break_runs(t).collect::<Vec<_>>(), runs_by_chars(t), "{t:?}");
        }
    }
}
