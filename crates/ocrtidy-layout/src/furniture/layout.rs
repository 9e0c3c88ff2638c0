//! The furniture lines that the page geometry found, as whole lines of the text.

use std::ops::Range;

use ocrtidy_core::text::TextRange;
use ocrtidy_core::FurnitureHint;

use crate::page::is_space;

/// A furniture line of the layout, found in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Marked {
    /// The line without indentation and trailing whitespace.
    pub(super) content: Range<usize>,
    /// What is removed: the whole line with the line breaks that set it apart from its page's
    /// body.
    pub(super) remove: Range<usize>,
    pub(super) rule: &'static str,
}

/// The layout's furniture lines (ranges of `text`) as whole lines of `text`, with what to
/// remove for each, sorted and disjoint. A range that is no longer a line of its own (a pass
/// before this one joined it to another, or it holds a line break) is left alone.
pub(super) fn layout_lines(text: &str, furniture: &[(TextRange, FurnitureHint)]) -> Vec<Marked> {
    let mut out: Vec<Marked> = Vec::new();
    let bytes = text.as_bytes();
    for &(r, hint) in furniture {
        let (start, end) = (r.start, r.end);
        if end > text.len()
            || start >= end
            || !text.is_char_boundary(start)
            || !text.is_char_boundary(end)
            || text[start..end].contains(['\n', '\u{c}'])
        {
            continue;
        }
        // The whole line, indentation and trailing whitespace included.
        let ls = start - (text[..start].len() - text[..start].trim_end_matches(is_space).len());
        let le = end + (text[end..].len() - text[end..].trim_start_matches(is_space).len());
        let at_start = ls == 0 || matches!(bytes[ls - 1], b'\n' | b'\x0c');
        let at_end = le == text.len() || matches!(bytes[le], b'\n' | b'\x0c');
        if !at_start || !at_end || text[ls..le].trim_matches(is_space).is_empty() {
            continue;
        }
        let content = ls + (le - ls - text[ls..le].trim_start_matches(is_space).len())
            ..le - (text[ls..le].len() - text[ls..le].trim_end_matches(is_space).len());
        // The breaks after the line, when body text follows on its page.
        let after = {
            let n = bytes[le..].iter().take_while(|&&b| b == b'\n').count();
            (n > 0 && bytes.get(le + n).is_some_and(|&b| b != b'\x0c')).then_some(le..le + n)
        };
        // The breaks before the line, when body text precedes it on its page.
        let before = {
            let n = bytes[..ls]
                .iter()
                .rev()
                .take_while(|&&b| b == b'\n')
                .count();
            (n > 0 && ls > n && bytes[ls - n - 1] != b'\x0c').then_some(ls - n..ls)
        };
        let (remove, rule) = match hint {
            FurnitureHint::Header => (
                after
                    .map(|a| ls..a.end)
                    .or(before.map(|b| b.start..le))
                    .unwrap_or(ls..le),
                "layout-header",
            ),
            FurnitureHint::Footer => (
                before
                    .map(|b| b.start..le)
                    .or(after.map(|a| ls..a.end))
                    .unwrap_or(ls..le),
                "layout-footer",
            ),
        };
        out.push(Marked {
            content,
            remove,
            rule,
        });
    }
    out.sort_by_key(|m| (m.remove.start, m.remove.end));
    // Two lines that claim the same breaks (a page of furniture only): the later one keeps
    // only what the earlier leaves.
    let mut end = 0;
    out.retain_mut(|m| {
        m.remove.start = m.remove.start.max(end);
        if m.remove.start >= m.remove.end {
            return false;
        }
        end = m.remove.end;
        true
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mark_that_is_no_longer_a_line_of_its_own_is_left_alone() {
        let text = "正文 484) 接着写\n下一行";
        let marks = [(TextRange::new(7, 11), FurnitureHint::Footer)];
        assert!(layout_lines(text, &marks).is_empty());
        // Out of bounds or across a line break: ignored.
        let marks = [
            (TextRange::new(0, 100), FurnitureHint::Header),
            (TextRange::new(0, 20), FurnitureHint::Header),
        ];
        assert!(layout_lines(text, &marks).is_empty());
    }
}
