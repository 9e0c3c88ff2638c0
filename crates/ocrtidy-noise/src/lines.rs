//! Line and token spans, and the neighbours of a span across whitespace and line breaks.

use std::ops::Range;

use crate::chars::is_hspace;

/// The byte ranges of the lines of `text` (without their separators `\n`, `\f`, `\r`), empty
/// lines included.
pub(crate) fn line_ranges(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    // The separators are ASCII, and an ASCII byte is always a whole character in UTF-8.
    for (i, &b) in text.as_bytes().iter().enumerate() {
        if matches!(b, b'\n' | b'\x0c' | b'\r') {
            out.push(start..i);
            start = i + 1;
        }
    }
    out.push(start..text.len());
    out
}

/// The byte ranges of the tokens (maximal runs of non-space characters) inside `line`.
pub(crate) fn token_ranges(text: &str, line: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text[line.clone()].char_indices() {
        let i = i + line.start;
        if is_hspace(c) {
            if let Some(s) = start.take() {
                out.push(s..i);
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push(s..line.end);
    }
    out
}

/// The end of the horizontal whitespace that starts at `pos`.
pub(crate) fn skip_hspace(text: &str, pos: usize) -> usize {
    text[pos..]
        .char_indices()
        .find(|&(_, c)| !is_hspace(c))
        .map_or(text.len(), |(i, _)| pos + i)
}

/// The start of the horizontal whitespace that ends at `pos`.
pub(crate) fn skip_hspace_back(text: &str, pos: usize) -> usize {
    text[..pos]
        .char_indices()
        .rev()
        .find(|&(_, c)| !is_hspace(c))
        .map_or(0, |(i, c)| i + c.len_utf8())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_tokens() {
        let t = "ab  cd\n\u{c}中 文\n";
        let lines = line_ranges(t);
        assert_eq!(lines, vec![0..6, 7..7, 8..15, 16..16]);
        let toks: Vec<&str> = token_ranges(t, 0..6).into_iter().map(|r| &t[r]).collect();
        assert_eq!(toks, ["ab", "cd"]);
        let wide = "\u{3000}中\u{a0}文\t，\u{3000}";
        let toks: Vec<&str> = token_ranges(wide, 0..wide.len())
            .into_iter()
            .map(|r| &wide[r])
            .collect();
        assert_eq!(toks, ["中", "文", "，"]);
        assert_eq!(skip_hspace(t, 2), 4);
        assert_eq!(skip_hspace_back(t, 4), 2);
    }
}
