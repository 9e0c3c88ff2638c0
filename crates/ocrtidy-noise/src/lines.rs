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
