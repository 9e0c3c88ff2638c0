//! Paragraphs from geometry, and the text of lines and paragraphs.
//!
//! A new paragraph starts at a line that is indented from its column's local left edge, after
//! a line that stops short of the local right edge by more than the next line's first word
//! would need, or after a vertical gap well above the usual line pitch. Lines of a paragraph
//! and the words of a line are joined without a space between Chinese characters and with one
//! elsewhere (see [`sep`]).

use super::columns::line_height;
use super::furniture::pitch;
use super::stats::{median, quantile};
use super::{Converted, Span, VLine};
use crate::model::HyphenPart;

/// True for CJK ideographs, kana, hangul and full-width punctuation.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{2FDF}'
        | '\u{3000}'..='\u{30FF}'
        | '\u{3100}'..='\u{31FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7AF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FF60}'
        | '\u{FFE0}'..='\u{FFE6}'
        | '\u{20000}'..='\u{3FFFF}')
}

/// The printed width of `text` in ems, roughly: CJK 1, spaces 0.3, other characters 0.55.
pub(crate) fn units(text: &str) -> f32 {
    text.chars()
        .map(|c| {
            if is_cjk(c) {
                1.0
            } else if c.is_whitespace() {
                0.3
            } else {
                0.55
            }
        })
        .sum()
}

/// Local left and right edges of each line's column: the second-outermost edges of the ten
/// nearest lines of the same column (robust to a stray box and to page rotation, and right on
/// pages of one-line paragraphs, where most lines are indented or short).
fn local_edges(lines: &[VLine]) -> Vec<(f32, f32)> {
    const K: usize = 10;
    lines
        .iter()
        .map(|l| {
            let cy = l.b().cy();
            let mut near: Vec<&VLine> = lines.iter().filter(|o| o.col == l.col).collect();
            near.sort_by(|a, b| (a.b().cy() - cy).abs().total_cmp(&(b.b().cy() - cy).abs()));
            near.truncate(K);
            let x0: Vec<f32> = near.iter().map(|o| o.b().x0).collect();
            let x1: Vec<f32> = near.iter().map(|o| o.b().x1).collect();
            (
                quantile(&x0, 0.1).unwrap_or(l.b().x0),
                quantile(&x1, 0.9).unwrap_or(l.b().x1),
            )
        })
        .collect()
}

fn first_word_units(l: &VLine) -> f32 {
    let t = l.pieces.first().map_or("", |p| p.text.as_str());
    match t.chars().next() {
        Some(c) if is_cjk(c) => 1.0,
        Some(_) => units(t.split_whitespace().next().unwrap_or("")) + 0.3,
        None => 0.0,
    }
}

/// Groups lines in reading order into paragraphs.
pub(crate) fn group(lines: Vec<VLine>, _gutters: &[f32]) -> Vec<Vec<VLine>> {
    if lines.is_empty() {
        return Vec::new();
    }
    let h = line_height(&lines);
    let ems: Vec<f32> = lines
        .iter()
        .filter(|l| l.text_units() >= 6.0)
        .map(|l| l.b().width() / l.text_units())
        .collect();
    let em = median(&ems).unwrap_or(h).max(1.0);
    let p = pitch(&lines, h).unwrap_or(1.5 * h);
    let edges = local_edges(&lines);
    let few = lines.len() < 3;
    let mut breaks = vec![false; lines.len()];
    for i in 1..lines.len() {
        let (prev, next) = (&lines[i - 1], &lines[i]);
        let (pb, nb) = (prev.b(), next.b());
        let indent = !few && nb.x0 - edges[i].0 > 0.75 * em;
        let short = !few && edges[i - 1].1 - pb.x1 > (first_word_units(next) + 1.0) * em;
        let gap = prev.col == next.col && nb.cy() - pb.cy() > 1.45 * p && nb.y0 > pb.y1;
        let upward = prev.col == next.col && nb.cy() < pb.cy() - 0.5 * h;
        breaks[i] = indent || short || gap || upward;
    }
    let mut out: Vec<Vec<VLine>> = Vec::new();
    for (l, b) in lines.into_iter().zip(breaks) {
        match out.last_mut() {
            Some(last) if !b => last.push(l),
            _ => out.push(vec![l]),
        }
    }
    out
}

/// True for characters that sit tight against Chinese text: CJK characters and quotes.
fn is_tight(c: char) -> bool {
    is_cjk(c) || matches!(c, '“' | '”' | '‘' | '’' | '"')
}

/// The separator between two words of one printed line, or between the end of a line and the
/// start of the next line of its paragraph. Engines split Chinese text into words without a
/// space between them, and Latin words at spaces; like Tesseract's own text output, a space
/// separates every pair of words except between Chinese characters (quotes included), and
/// a Latin word hyphenated at a line end is joined to its second half (the hyphen is kept: it
/// may be a real one).
///
/// Between a Chinese character and a parenthesis, the gap between the boxes (`gap`, in line
/// heights, for words of one line) decides: a full-width `（` carries blank space inside its
/// glyph and stands apart, a half-width `(` is glued to the character before it. The text keeps
/// that evidence as a space or none, as Tesseract's own text output does.
fn sep(a: &str, b: &str, across_lines: bool, gap: Option<f32>) -> &'static str {
    let mut back = a.chars().rev();
    let (Some(la), Some(fb)) = (back.next(), b.chars().next()) else {
        return "";
    };
    let paren = (is_cjk(la) && matches!(fb, '(' | ')')) || (matches!(la, '(' | ')') && is_cjk(fb));
    if let (true, Some(g)) = (paren, gap) {
        return if g > 0.3 { " " } else { "" };
    }
    if is_tight(la) && is_tight(fb) && (is_cjk(la) || is_cjk(fb)) {
        return "";
    }
    if across_lines
        && la == '-'
        && back.next().is_some_and(char::is_alphabetic)
        && fb.is_lowercase()
    {
        return "";
    }
    " "
}

/// Appends the paragraphs to `out`, one per line, and records a span for every piece.
pub(crate) fn emit(paras: &[Vec<VLine>], out: &mut Converted) {
    for (pi, para) in paras.iter().enumerate() {
        if pi > 0 {
            out.text.push('\n');
        }
        let mut skip_first = false;
        for (li, line) in para.iter().enumerate() {
            let h = line.b().height().max(1.0);
            for (wi, piece) in line.pieces.iter().enumerate() {
                if wi == 0 && skip_first {
                    skip_first = false;
                    continue;
                }
                let mut text = piece.text.as_str();
                if wi > 0 || li > 0 {
                    let gap = match (wi.checked_sub(1).map(|k| &line.pieces[k]), piece.bbox) {
                        (Some(prev), Some(b)) => prev.bbox.map(|a| (b.x0 - a.x1) / h),
                        _ => None,
                    };
                    let s = sep(&out.text, text, wi == 0, gap);
                    out.text.push_str(s);
                }
                // ALTO: a word hyphenated across lines is written whole, once.
                if wi + 1 == line.pieces.len() {
                    if let (Some((HyphenPart::First, whole)), Some(next)) = (
                        &piece.hyphen,
                        para.get(li + 1).and_then(|n| n.pieces.first()),
                    ) {
                        if matches!(next.hyphen, Some((HyphenPart::Second, _))) && !whole.is_empty()
                        {
                            text = whole.as_str();
                            skip_first = true;
                        }
                    }
                }
                let start = out.text.len();
                out.text.push_str(text);
                out.spans.push(Span {
                    range: start..out.text.len(),
                    source: piece.src.clone(),
                    conf: piece.conf,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sep;

    #[test]
    fn separators() {
        // (end of the text so far, next word, across a line break, gap in line heights, separator)
        let cases: &[(&str, &str, bool, Option<f32>, &str)] = &[
            ("中文", "字符", false, None, ""),
            ("第一行的末尾", "第二行", true, None, ""),
            ("风格的", "“man”", false, None, ""),
            ("“man”", "手册页", false, None, ""),
            ("使用", "apt", false, None, " "),
            ("使用", "apt", false, Some(-0.05), " "),
            ("apt", "命令", false, None, " "),
            ("Unix", "“man”", false, None, " "),
            ("Debian", "Edu", false, None, " "),
            ("命令", "(译注", false, Some(0.5), " "),
            ("命令", "(译注", false, Some(0.05), ""),
            ("命令", "(译注", true, None, " "),
            ("exam-", "ple", true, None, ""),
            ("exam-", "ple", false, None, " "),
            ("e-", "Mail", true, None, " "),
            ("", "开头", false, None, ""),
        ];
        for &(a, b, across, gap, want) in cases {
            assert_eq!(sep(a, b, across, gap), want, "{a:?} + {b:?}");
        }
    }
}
