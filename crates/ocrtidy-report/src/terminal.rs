//! The terminal inline diff: the cleaned text with every change marked where it happened.
//!
//! Applied changes are refined into character-level (Chinese) or word-level (Latin) pieces, as
//! `git diff --word-diff` does but correct for CJK. Without colour, deletions read `[-…-]`,
//! insertions `{+…+}` and suggestions `[?text→candidate?]`; with colour, deletions are red,
//! insertions green and suggestions yellow and underlined, still with their top candidate.
//! Deleted or inserted whitespace is made visible (`↵` for a line break, `\f` for a page break).
//! Control characters of the input (an escape sequence, a backspace) are shown escaped
//! (`\x1b`), never sent to the terminal.

use crate::tokens::{refine, Piece};
use crate::{escape_controls, in_output_order, visible, Document};

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW_UL: &str = "\x1b[33;4m";
const RESET: &str = "\x1b[0m";

/// Whether to emit ANSI colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Color {
    Always,
    Never,
}

/// Renders the inline diff of one document.
pub fn render(doc: &Document<'_>, color: Color) -> String {
    let out = doc.output;
    let mut s = String::with_capacity(out.len() + out.len() / 4);
    let mut pos = 0;
    let paint = |s: &mut String, code: &str, open: &str, text: &str, close: &str| match color {
        Color::Always => {
            s.push_str(code);
            s.push_str(text);
            s.push_str(RESET);
        }
        Color::Never => {
            s.push_str(open);
            s.push_str(text);
            s.push_str(close);
        }
    };
    for (_, c) in in_output_order(out, doc.changes) {
        s.push_str(&escape_controls(&out[pos..c.out_start]));
        let span = &out[c.out_start..c.out_end];
        if c.applied {
            for piece in refine(&c.before, &c.after) {
                match piece {
                    Piece::Same(t) => s.push_str(&escape_controls(t)),
                    Piece::Del(t) => paint(&mut s, RED, "[-", &visible(t), "-]"),
                    Piece::Ins(t) => {
                        // An inserted line break is both shown and kept, so lines stay lines.
                        paint(&mut s, GREEN, "{+", &visible(t), "+}");
                        if t.contains('\n') {
                            s.push('\n');
                        }
                    }
                }
            }
        } else {
            let top = c
                .candidates
                .first()
                .map_or(c.after.as_str(), |k| k.text.as_str());
            let label = format!("{}→{}", visible(span), visible(top));
            paint(&mut s, YELLOW_UL, "[?", &label, "?]");
        }
        pos = c.out_end;
    }
    s.push_str(&escape_controls(&out[pos..]));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use ocrtidy_core::{Candidate, Change, PassId};

    fn change(before: &str, after: &str, start: usize, out_start: usize, applied: bool) -> Change {
        Change {
            pass: PassId::Typo,
            rule: "typo/test",
            start,
            end: start + before.len(),
            char_start: 0,
            char_end: 0,
            before: before.into(),
            after: after.into(),
            confidence: 0.9,
            applied,
            candidates: if applied {
                vec![]
            } else {
                vec![Candidate::new(after, 0.7)]
            },
            out_start,
            out_end: out_start + if applied { after.len() } else { before.len() },
            history: vec![],
        }
    }

    #[test]
    fn marks_deletions_insertions_and_suggestions() {
        let original = "他己经走了 \n明天再来";
        let output = "他已经走了\n明天再来";
        let changes = [
            change("己", "已", 3, 3, true),
            change(" ", "", 15, 15, true),
            change("明天", "明日", 17, 16, false),
        ];
        let doc = Document {
            name: "t",
            original,
            output,
            changes: &changes,
        };
        assert_eq!(
            render(&doc, Color::Never),
            "他[-己-]{+已+}经走了[-·-]\n[?明天→明日?]再来"
        );
        let coloured = render(&doc, Color::Always);
        assert!(coloured.contains("\x1b[31m己\x1b[0m\x1b[32m已\x1b[0m"));
    }

    #[test]
    fn control_characters_of_the_input_are_shown_escaped() {
        let output = "a\x1b[2Jb\u{9b}c\n";
        let changes = [change("\x1b]0;x\x07", "", 8, 8, true)];
        let original = "a\x1b[2Jb\u{9b}\x1b]0;x\x07c\n";
        let doc = Document {
            name: "t",
            original,
            output,
            changes: &changes,
        };
        let got = render(&doc, Color::Never);
        assert_eq!(got, "a\\x1b[2Jb\\x9b[-\\x1b]0;x\\x07-]c\n");
        let coloured = render(&doc, Color::Always);
        assert_eq!(
            coloured.matches('\x1b').count(),
            2,
            "only our colour codes: {coloured:?}"
        );
    }

    #[test]
    fn unchanged_text_is_copied_and_bad_spans_are_skipped() {
        let mut bad = change("x", "y", 0, 100, true);
        bad.out_end = 101;
        let doc = Document {
            name: "t",
            original: "没有变化",
            output: "没有变化",
            changes: &[bad],
        };
        assert_eq!(render(&doc, Color::Never), "没有变化");
    }
}
