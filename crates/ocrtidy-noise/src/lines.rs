//! Line and token spans, and the neighbours of a span across whitespace and line breaks.

use std::ops::Range;

use crate::chars::is_horizontal_space;

/// The byte ranges of the lines of `text` (without their separators `\n`, `\f`, `\r`), empty
/// lines included.
pub(crate) fn line_ranges(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    line_ranges_into(text, &mut out);
    out
}

/// [`line_ranges`] written into `out` (cleared first), so that its buffer serves again.
pub(crate) fn line_ranges_into(text: &str, out: &mut Vec<Range<usize>>) {
    out.clear();
    // Room for lines of 64 bytes on average (OCR lines are shorter), so that the vector is
    // moved at most once or twice as it grows.
    out.reserve(text.len() / 64 + 1);
    let mut start = 0;
    // The separators are ASCII, and an ASCII byte is always a whole character in UTF-8.
    for i in memchr::memchr3_iter(b'\n', b'\x0c', b'\r', text.as_bytes()) {
        out.push(start..i);
        start = i + 1;
    }
    out.push(start..text.len());
}

/// No line of the old text (see [`match_lines`]).
pub(crate) const NO_LINE: usize = usize::MAX;

/// For each line of `text`, a line of `old_text` with the same text, or [`NO_LINE`], written
/// into `found` (cleared first; left empty when there are no old lines). The lines are looked
/// for where the old text had them: a few lines around the offset that the last match maps the
/// line's start to (other passes change a text in a few places, join or split a few lines).
/// The ranges may be any lines of the texts in order (all, or the paragraphs only).
pub(crate) fn match_lines(
    text: &str,
    lines: &[Range<usize>],
    old_text: &str,
    old: &[Range<usize>],
    found: &mut Vec<usize>,
) {
    found.clear();
    if old.is_empty() {
        return;
    }
    found.reserve(lines.len());
    // The old offset of offset 0 of the new text, as of the last match: old = new + shift.
    let mut shift = 0isize;
    // The old line that holds (or is the first after) the offset the next line maps to.
    let mut j = 0;
    let (new_bytes, old_bytes) = (text.as_bytes(), old_text.as_bytes());
    for line in lines {
        let here = &new_bytes[line.clone()];
        let at = (line.start as isize).saturating_add(shift);
        while j + 1 < old.len() && (old[j].end as isize) < at {
            j += 1;
        }
        while j > 0 && (old[j - 1].end as isize) >= at {
            j -= 1;
        }
        // The line at the offset first (of equal lines, blank ones most of all, the one in
        // place keeps the shift right), then the next two (lines the other passes removed),
        // then the one before.
        let equal = |k: usize| {
            old.get(k)
                .is_some_and(|o| o.len() == here.len() && old_bytes[o.clone()] == *here)
        };
        let hit = if equal(j) {
            Some(j)
        } else {
            [j + 1, j + 2, j.wrapping_sub(1)]
                .into_iter()
                .find(|&k| equal(k))
        };
        if let Some(k) = hit {
            shift = old[k].start as isize - line.start as isize;
        }
        found.push(hit.unwrap_or(NO_LINE));
    }
}

/// The end of the horizontal whitespace that starts at `pos`.
pub(crate) fn skip_hspace(text: &str, pos: usize) -> usize {
    text[pos..]
        .char_indices()
        .find(|&(_, c)| !is_horizontal_space(c))
        .map_or(text.len(), |(i, _)| pos + i)
}

/// The start of the horizontal whitespace that ends at `pos`.
pub(crate) fn skip_hspace_back(text: &str, pos: usize) -> usize {
    text[..pos]
        .char_indices()
        .rev()
        .find(|&(_, c)| !is_horizontal_space(c))
        .map_or(0, |(i, c)| i + c.len_utf8())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_spaces() {
        let t = "ab  cd\n\u{c}中 文\n";
        let lines = line_ranges(t);
        assert_eq!(lines, vec![0..6, 7..7, 8..15, 16..16]);
        assert_eq!(skip_hspace(t, 2), 4);
        assert_eq!(skip_hspace_back(t, 4), 2);
    }
}
