//! Paragraphs from geometry, and the text of lines and paragraphs.
//!
//! A new paragraph starts at a line that is indented from its column's local left edge, after
//! a line that stops short of the local right edge by more than the next line's first word
//! would need, or after a vertical gap well above the usual line pitch. A break that rests on
//! one of these alone is weak (a speck widens a line's box, a paragraph's last line may be
//! full): it is marked so that the text passes decide it (see [`VLine::weak_start`]); two or
//! more agreeing make a paragraph break the line-join pass keeps. Lines of a paragraph
//! and the words of a line are joined without a space between Chinese characters and with one
//! elsewhere (see [`sep`]).

use ocrtidy_text::chars::is_wide;

use super::columns::line_height;
use super::furniture::pitch;
use super::stats::{median, quantile};
use super::{Converted, LineBreak, Role, Span, VLine};
use crate::model::HyphenPart;

/// The printed width of `text` in ems, roughly: CJK 1, spaces 0.3, other characters 0.55.
pub(crate) fn units(text: &str) -> f32 {
    text.chars()
        .map(|c| {
            if is_wide(c) {
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
/// pages of one-line paragraphs, where most lines are indented or short); the left edge from
/// the lines that do not start with a stray mark ([`clean_x0`]).
fn local_edges(lines: &[VLine]) -> Vec<(f32, f32)> {
    const K: usize = 10;
    lines
        .iter()
        .map(|l| {
            let cy = l.b().cy();
            let mut near: Vec<&VLine> = lines.iter().filter(|o| o.col == l.col).collect();
            near.sort_by(|a, b| (a.b().cy() - cy).abs().total_cmp(&(b.b().cy() - cy).abs()));
            near.truncate(K);
            let x0 = clean_x0(&near);
            let x1: Vec<f32> = near.iter().map(|o| o.b().x1).collect();
            (
                quantile(&x0, 0.1).unwrap_or(l.b().x0),
                quantile(&x1, 0.9).unwrap_or(l.b().x1),
            )
        })
        .collect()
}

/// The left edges of the lines that start with a letter, digit or ideograph (a line that
/// starts with a stray mark, as noise and misread punctuation are, reaches past the column's
/// edge), or of all lines when fewer than half do.
fn clean_x0(near: &[&VLine]) -> Vec<f32> {
    let clean: Vec<f32> = near
        .iter()
        .filter(|o| {
            let t = o.pieces.first().map_or("", |p| p.text.as_str());
            t.chars().next().is_some_and(char::is_alphanumeric)
        })
        .map(|o| o.b().x0)
        .collect();
    if clean.len() * 2 >= near.len() {
        clean
    } else {
        near.iter().map(|o| o.b().x0).collect()
    }
}

fn first_word_units(l: &VLine) -> f32 {
    let t = l.pieces.first().map_or("", |p| p.text.as_str());
    match t.chars().next() {
        Some(c) if is_wide(c) => 1.0,
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
    let mut weak = vec![false; lines.len()];
    let indent_of = |i: usize| lines[i].b().x0 - edges[i].0;
    let is_short =
        |i: usize| edges[i - 1].1 - lines[i - 1].b().x1 > (first_word_units(&lines[i]) + 1.0) * em;
    // The page's own paragraph indent: the median indent of lines after a short line.
    let indents: Vec<f32> = (1..lines.len())
        .filter(|&i| !few && indent_of(i) > 0.75 * em && is_short(i))
        .map(indent_of)
        .collect();
    let usual_indent = median(&indents).filter(|_| indents.len() >= 3);
    for i in 1..lines.len() {
        let (prev, next) = (&lines[i - 1], &lines[i]);
        let (pb, nb) = (prev.b(), next.b());
        let indent = !few && indent_of(i) > 0.75 * em;
        let short = !few && is_short(i);
        let gap = prev.col == next.col && nb.cy() - pb.cy() > 1.45 * p && nb.y0 > pb.y1;
        let upward = prev.col == next.col && nb.cy() < pb.cy() - 0.5 * h;
        // An indent as deep as the page's usual paragraph indent is evidence enough on its
        // own (a paragraph's last line may be full); another depth is a damaged line start.
        let usual = indent && usual_indent.is_some_and(|u| (indent_of(i) - u).abs() <= 0.4 * em);
        breaks[i] = indent || short || gap || upward;
        weak[i] = !usual && [indent, short, gap, upward].iter().filter(|&&e| e).count() == 1;
    }
    let mut out: Vec<Vec<VLine>> = Vec::new();
    for ((mut l, b), w) in lines.into_iter().zip(breaks).zip(weak) {
        match out.last_mut() {
            Some(last) if !b => last.push(l),
            _ => {
                l.weak_start = w;
                out.push(vec![l]);
            }
        }
    }
    out
}

/// True for characters that sit tight against Chinese text: CJK characters and curly quotes.
fn is_tight(c: char) -> bool {
    is_wide(c) || matches!(c, '“' | '”' | '‘' | '’')
}

/// Half-width punctuation that closes or ends a phrase and is set against the word before it.
fn is_closing(c: char) -> bool {
    matches!(c, ')' | ']' | '}' | ',' | '.' | ':' | ';' | '?' | '!')
}

/// True when `word` starts with closing punctuation that is not part of a Latin word (as the
/// dot of `.deb` is).
fn closes(word: &str) -> bool {
    let mut cs = word.chars();
    cs.next().is_some_and(is_closing) && !cs.next().is_some_and(char::is_alphanumeric)
}

/// Half-width punctuation that opens a phrase and is set against the word after it.
fn is_opening(c: char) -> bool {
    matches!(c, '(' | '[' | '{')
}

/// A gap wider than this (in line heights) between a Chinese character and a half-width
/// symbol shows a space: Chinese glyphs stand about 0.05–0.1 apart, a space is 0.25 or more.
const SYMBOL_SPACE_GAP: f32 = 0.15;

/// A Latin word's box that overlaps the next box by more than this (in line heights) is no
/// evidence about the space after it (Tesseract's word boxes can take in the next glyph).
const OVERLAP_NO_EVIDENCE: f32 = -0.3;

/// A gap at most this wide (in line heights) after a Latin word, before a Chinese character,
/// shows that no space was printed.
const LATIN_TIGHT_GAP: f32 = 0.05;

/// What [`sep`] knows about the place where two words meet.
#[derive(Debug, Clone, Copy, Default)]
struct Join {
    /// The second word starts the next line of the paragraph.
    across_lines: bool,
    /// The distance between the two words' boxes, in line heights (words of one line).
    gap: Option<f32>,
    /// A double quote is open in the paragraph so far (see [`quote_state`]).
    quote_open: bool,
    /// The page sets a space between Chinese and Latin words (see [`script_spacing`]).
    mixed_spaced: bool,
}

/// The separator between two words of one printed line, or between the end of a line and the
/// start of the next line of its paragraph. Engines split Chinese text into words without a
/// space between them, and Latin words at spaces; like Tesseract's own text output, a space
/// separates Latin words, and the boxes decide where Chinese meets anything else.
///
/// Within a line (the gap between the boxes is known):
/// - between Chinese characters, curly quotes and other non-ASCII symbols next to Chinese: none;
/// - a Chinese character before closing punctuation (`) , . : ;`…), or opening punctuation
///   (`( [ {`) before a Chinese character: none;
/// - between a straight quote and the Chinese text it encloses: none;
/// - otherwise between a Chinese character and a half-width symbol (`(`, `)`, `"`, `-`, `/`…):
///   a space when the gap is wider than [`SYMBOL_SPACE_GAP`];
/// - a Latin word before a Chinese character: a space unless the boxes touch
///   ([`LATIN_TIGHT_GAP`]), or, when its box takes in the next glyph, as the page does;
///   a Chinese character before a Latin word: a space on pages that set one (the boxes of
///   Chinese glyphs before a Latin word say little), else only where the boxes are apart.
///
/// Across lines (or without boxes), as the line-join pass joins plain text: none next to a CJK
/// character, except a space between Chinese and a Latin letter or digit on pages that set
/// one; a Latin word hyphenated at a line end is joined to its second half (the hyphen is
/// kept: it may be a real one); a space elsewhere.
fn sep(a: &str, b: &str, j: Join) -> &'static str {
    let mut back = a.chars().rev();
    let (Some(la), Some(fb)) = (back.next(), b.chars().next()) else {
        return "";
    };
    let (ca, cb) = (is_wide(la), is_wide(fb));
    if is_tight(la) && is_tight(fb) && (ca || cb) {
        return "";
    }
    // Exactly one side a Chinese character (not punctuation), the other not CJK at all.
    let han = |c: char| is_wide(c) && c.is_alphabetic();
    let mixed = (han(la) && !cb) || (han(fb) && !ca);
    let Some(g) = j.gap.filter(|_| mixed) else {
        let space = if ca || cb {
            let other = if ca { fb } else { la };
            !is_wide(other) && other.is_alphanumeric() && j.mixed_spaced
        } else {
            !(j.across_lines && joins_hyphenated(la, back.next(), fb))
        };
        return if space { " " } else { "" };
    };
    let other = if ca { fb } else { la };
    // Inside a straight-quoted phrase: after its opening quote, before its closing one.
    let inside = j.quote_open && ((!ca && la == '"') || (ca && fb == '"'));
    let space = if inside {
        false
    } else if other.is_alphanumeric() {
        if ca {
            j.mixed_spaced || g > 0.0
        } else if g <= OVERLAP_NO_EVIDENCE {
            j.mixed_spaced
        } else {
            g > LATIN_TIGHT_GAP
        }
    } else if !other.is_ascii() || (ca && closes(b)) || (cb && is_opening(la)) {
        false
    } else {
        g > SYMBOL_SPACE_GAP
    };
    if space {
        " "
    } else {
        ""
    }
}

/// Whether a double quote is open after `text`, given whether one was open before it: `“`
/// opens, `”` closes, a straight `"` closes an open quote and opens otherwise (OCR reads the
/// two sides of one pair as either).
fn quote_state(mut open: bool, text: &str) -> bool {
    for c in text.chars() {
        match c {
            '“' => open = true,
            '”' => open = false,
            '"' => open = !open,
            _ => {}
        }
    }
    open
}

/// True when a line ending in `la` (after `before`) ends a Latin word hyphenated across the
/// line break, whose second half starts with `fb`.
fn joins_hyphenated(la: char, before: Option<char>, fb: char) -> bool {
    la == '-' && before.is_some_and(char::is_alphabetic) && fb.is_lowercase()
}

/// The gap between consecutive words of a line, in line heights, when both have boxes.
fn word_gap(line: &VLine, wi: usize) -> Option<f32> {
    let h = line.b().height().max(1.0);
    let a = line.pieces.get(wi.checked_sub(1)?)?.bbox?;
    let b = line.pieces.get(wi)?.bbox?;
    Some((b.x0 - a.x1) / h)
}

/// True when the page sets a space between Chinese characters and Latin letters or digits:
/// when at most half of the places inside lines where a Latin word meets a following Chinese
/// character show touching boxes (see [`LATIN_TIGHT_GAP`]; boxes that overlap the next glyph
/// are no evidence). The plain-text line-join pass reads the same from the text.
fn script_spacing<'a>(paras: impl IntoIterator<Item = &'a Vec<VLine>>) -> bool {
    let (mut spaced, mut tight) = (0usize, 0usize);
    for line in paras.into_iter().flatten() {
        for wi in 1..line.pieces.len() {
            let (a, b) = (&line.pieces[wi - 1].text, &line.pieces[wi].text);
            let (Some(la), Some(fb)) = (a.chars().next_back(), b.chars().next()) else {
                continue;
            };
            let latin = !is_wide(la) && la.is_alphanumeric();
            let han = is_wide(fb) && fb.is_alphabetic();
            match word_gap(line, wi) {
                Some(g) if latin && han && g > OVERLAP_NO_EVIDENCE => {
                    if g <= LATIN_TIGHT_GAP {
                        tight += 1;
                    } else {
                        spaced += 1;
                    }
                }
                _ => {}
            }
        }
    }
    tight <= spaced
}

/// Appends the paragraphs to `out`, one per line (or, with `printed`, one printed line per
/// line and a blank line between paragraphs), and records a span for every piece. With `mark`,
/// the header and footer lines (paragraphs of their own) are listed in
/// [`Converted::furniture`], and the spacing of the rest is decided from the body alone, as it
/// is when they are left out.
pub(crate) fn emit(paras: &[Vec<VLine>], printed: bool, mark: bool, out: &mut Converted) {
    let furniture = |p: &Vec<VLine>| p.first().is_some_and(|l| l.role != Role::Body);
    let mixed_spaced = if mark {
        script_spacing(paras.iter().filter(|p| !furniture(p)))
    } else {
        script_spacing(paras)
    };
    for (pi, para) in paras.iter().enumerate() {
        if pi > 0 {
            // A break on one piece of evidence gets no hint: the text decides.
            if printed && !para.first().is_some_and(|l| l.weak_start) {
                for k in 0..2 {
                    out.breaks.push(LineBreak {
                        at: out.text.len() + k,
                        paragraph: true,
                    });
                }
            }
            out.text.push_str(if printed { "\n\n" } else { "\n" });
        }
        let para_start = out.text.len();
        let mut skip_first = false;
        // A double quote is open in the paragraph so far.
        let mut quote_open = false;
        for (li, line) in para.iter().enumerate() {
            // The line's first piece was the second part of a word written whole on the line
            // before: the line's break comes before its next piece.
            let mut skipped = false;
            for (wi, piece) in line.pieces.iter().enumerate() {
                if wi == 0 && skip_first {
                    skip_first = false;
                    skipped = true;
                    continue;
                }
                let mut text = piece.text.as_str();
                if wi > 0 || li > 0 {
                    let across_lines = wi == 0 || (wi == 1 && skipped);
                    let j = Join {
                        across_lines,
                        gap: word_gap(line, wi).filter(|_| !across_lines),
                        quote_open,
                        mixed_spaced,
                    };
                    let s = if printed && j.across_lines {
                        out.breaks.push(LineBreak {
                            at: out.text.len(),
                            paragraph: false,
                        });
                        "\n"
                    } else {
                        sep(&out.text, text, j)
                    };
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
                quote_open = quote_state(quote_open, text);
                out.spans.push(Span {
                    range: start..out.text.len(),
                    source: piece.src.clone(),
                    conf: piece.conf,
                });
            }
        }
        if mark && furniture(para) && out.text.len() > para_start {
            out.furniture
                .push((para_start..out.text.len(), para[0].role));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{sep, Join};

    #[test]
    fn separators() {
        // (text so far, next word, across a line break, gap in line heights, a quote is open,
        // the page spaces Chinese and Latin, separator)
        type Case = (
            &'static str,
            &'static str,
            bool,
            Option<f32>,
            bool,
            bool,
            &'static str,
        );
        let cases: &[Case] = &[
            // Chinese with Chinese, curly quotes and full-width punctuation: never a space.
            ("中文", "字符", false, Some(0.4), false, true, ""),
            ("第一行的末尾", "第二行", true, None, false, true, ""),
            ("风格的", "“man”", false, Some(0.3), false, true, ""),
            ("“man”", "手册页", false, Some(0.3), false, true, ""),
            ("中文", "—", false, Some(0.3), false, true, ""),
            // Latin words: always a space.
            ("Debian", "Edu", false, Some(0.0), false, true, " "),
            ("Unix", "“man”", false, None, false, true, " "),
            // Chinese before a Latin word: a space; a Latin word before Chinese: unless the
            // boxes touch (an overlap of 0.3 line heights or more is no evidence).
            ("使用", "apt", false, Some(-0.05), false, true, " "),
            ("apt", "命令", false, Some(0.3), false, true, " "),
            ("JPEG", "做为", false, Some(0.02), false, true, ""),
            ("Wilber", "作为", false, Some(-2.5), false, true, " "),
            // On a page that sets Chinese and Latin tight: only where the boxes are apart.
            ("使用", "JPEG", false, Some(-0.05), false, false, ""),
            ("使用", "JPEG", false, Some(0.2), false, false, " "),
            ("Wilber", "作为", false, Some(-2.5), false, false, ""),
            // Closing punctuation after Chinese, opening before it: none.
            ("命令", ")", false, Some(0.4), false, true, ""),
            ("命令", ":", false, Some(0.4), false, true, ""),
            ("文件（即", ".deb", false, Some(0.3), false, true, " "),
            ("文件（即", ".deb", false, Some(0.1), false, true, ""),
            ("(", "译注", false, Some(0.4), false, true, ""),
            // Other half-width symbols next to Chinese: the gap decides.
            ("命令", "(译注", false, Some(0.5), false, true, " "),
            ("命令", "(译注", false, Some(0.05), false, true, ""),
            ("译注)", "可以", false, Some(0.3), false, true, " "),
            ("盲", "/埋孔", false, Some(0.02), false, true, ""),
            // Straight quotes: a space outside when the gap shows one, never inside.
            ("使用", "\"下一层\"", false, Some(0.3), false, true, " "),
            ("\"下一层\"", "或", false, Some(0.3), false, true, " "),
            ("使用 \"", "下一层", false, Some(0.3), true, true, ""),
            ("使用 \"下一层", "\"", false, Some(0.3), true, true, ""),
            // Across lines, as the line-join pass joins plain text.
            ("命令", "(译注", true, None, false, true, ""),
            ("看天.", "上的", true, None, false, true, ""),
            ("使用", "apt", true, None, false, true, " "),
            ("使用", "JPEG", true, None, false, false, ""),
            ("exam-", "ple", true, None, false, true, ""),
            ("exam-", "ple", false, None, false, true, " "),
            ("e-", "Mail", true, None, false, true, " "),
            ("", "开头", false, None, false, true, ""),
        ];
        for &(a, b, across_lines, gap, quote_open, mixed_spaced, want) in cases {
            let j = Join {
                across_lines,
                gap,
                quote_open,
                mixed_spaced,
            };
            assert_eq!(sep(a, b, j), want, "{a:?} + {b:?} ({j:?})");
        }
    }
}
