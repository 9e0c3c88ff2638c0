use ocrtidy_core::{EditSink, Pass, PassId, PassInput};

use crate::furniture::{classify_page, is_date_like, opens_title};
use crate::page::{self, is_wide, visible_chars, width, Line};

/// Decides for every line break inside a page whether it is a soft wrap (join) or a paragraph
/// break (keep), and removes the first-line indent of paragraphs.
///
/// Evidence, weighed per page:
/// - sentence-final punctuation at the line end (`。！？；：…` and closing quotes and brackets,
///   `.!?;:` in Latin text, and `*` `=` `"` `'` `’` `“` `‘` that OCR reads for a degraded `。`
///   or `”`);
/// - the line's width against the page's typical full line (the upper quartile of widths, in
///   half-em units), so a short last line ends its paragraph;
/// - blank lines: when a page has blank lines between some of its lines (tesseract's blocks),
///   a line ending a sentence before a blank line ends its paragraph; when it has none
///   (RapidOCR, or text already reflowed) every line ending a sentence does;
/// - an open line (no final punctuation) well short of the full width, before a blank line on a
///   page wrapped at a column width, ends its paragraph: OCR of degraded pages loses or misreads
///   the final `。` (not for the first line, fragments of fewer than four CJK characters, or
///   before a line less than half the full width: missed furniture and columns read out of
///   order);
/// - reflowed text: a page whose breaks are all blank or none (one paragraph per line, with or
///   without blank separators) and whose widths do not cluster at a column width keeps its
///   breaks, so the output of this pass is left as it is when it is cleaned again;
/// - short standalone lines at a paragraph start (headlines at most half as wide as the line
///   after them, bylines such as `张慧 摄` or `（李俊华）`, list items) are never glued to the
///   next line;
/// - page furniture (see [`crate::Furniture`]) stands alone when it is kept, and so does any
///   line that reads as a date or a dated header (a join must never make one).
///
/// A line that does not end a sentence is joined to the next line of the same page, even across
/// blank lines (OCR emits those inside paragraphs too). Chinese and Japanese joins insert
/// nothing; Latin joins insert one space, a join after a hyphen none; a join between Latin and
/// CJK text follows the document's own spacing habit. Breaks across a page (`\f`) are never
/// joined. The output is a fixed point: on reflowed text every kept break is kept again.
///
/// Rules: `soft-wrap`, `soft-wrap-blank` (across blank lines), `first-line-indent`.
#[derive(Debug, Default, Clone)]
pub struct LineJoin;

/// A line shorter than the full width by more than this many half-em units ends a paragraph
/// (CJK text; Latin text uses half of it).
const SHORT_TOLERANCE: usize = 6;
/// Lines at most this wide (half-em units) without punctuation that start a paragraph stand
/// alone: headlines, bylines, list items.
pub(crate) const STANDALONE_WIDTH: usize = 12;

impl Pass for LineJoin {
    fn id(&self) -> PassId {
        PassId::LineJoin
    }

    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        let text = input.text;
        let lines = page::lines(text);
        let mixed_space = spaces_between_scripts(text);
        for range in page::pages(&lines) {
            let furniture: Vec<usize> = classify_page(text, &lines, range.clone())
                .into_iter()
                .map(|(i, _)| i)
                .collect();
            let items: Vec<usize> = range.filter(|&i| !lines[i].is_blank()).collect();
            join_page(text, &lines, &items, &furniture, mixed_space, sink);
        }
    }
}

fn join_page(
    text: &str,
    lines: &[Line],
    items: &[usize],
    furniture: &[usize],
    mixed_space: bool,
    sink: &mut EditSink<'_>,
) {
    let Some(&first) = items.first() else {
        return;
    };
    let widths: Vec<usize> = items
        .iter()
        .filter(|i| !furniture.contains(i))
        .map(|&i| width(lines[i].text(text)))
        .collect();
    let full = page::full_width(&widths);
    let breaks = items.len().saturating_sub(1);
    let blank_breaks = items.windows(2).filter(|w| w[1] > w[0] + 1).count();
    let has_blanks = breaks > 0 && blank_breaks * 10 >= breaks;
    // Text whose paragraphs are already one per line keeps its breaks: its long lines end
    // sentences, or its widths do not cluster at a column width.
    let body: Vec<usize> = items
        .iter()
        .filter(|i| !furniture.contains(i))
        .map(|&i| width(lines[i].text(text)))
        .collect();
    // Every break blank, or none: the layout of reflowed text (one paragraph per line, with or
    // without blank separators); OCR mixes the two. Such a page is only cut at a column width
    // when its widths say so.
    let uniform = !has_blanks || blank_breaks == breaks;
    let wrapped = is_wrapped(&body, full);
    let reflowed = is_reflowed(text, lines, items, furniture, full)
        || (uniform && body.len() >= 4 && !wrapped);

    // A date line, and the line directly above it, stay as they are: joined, they could read
    // as a header or a publication title on the next cleaning.
    let date_like: Vec<bool> = items
        .iter()
        .map(|&i| is_date_like(lines[i].text(text)))
        .collect();

    strip_indent(&lines[first], sink);
    let mut paragraph_start = true;
    for (k, w) in items.windows(2).enumerate() {
        let (a, b) = (&lines[w[0]], &lines[w[1]]);
        let b_above_date = date_like.get(k + 2).copied().unwrap_or(false);
        let (a_text, b_text) = (a.text(text), b.text(text));
        let blank = w[1] > w[0] + 1;
        let (Some(a_last), Some(b_first)) = (a_text.chars().last(), b_text.chars().next()) else {
            continue;
        };
        let cjk = is_wide(a_last) || is_wide(b_first);
        let wa = width(a_text);
        let tolerance = if cjk {
            SHORT_TOLERANCE
        } else {
            SHORT_TOLERANCE / 2
        };
        let short = wa + tolerance < full;
        // An open line well short of the full width ends its paragraph when a blank line follows
        // on a page wrapped at a column width (OCR lost its final punctuation). Not the first
        // line, nor a bare number or a fragment (missed furniture, or a column read out of
        // order), and only before a line that starts a paragraph of some width. Once reflowed,
        // the page reads as reflowed text (see above), so the break stays on the next cleaning.
        let open_end = cjk
            && short
            && wa * 5 < full * 4
            && blank
            && !uniform
            && wrapped
            && k > 0
            && a_text.chars().filter(|&c| is_wide(c)).count() >= 4
            && width(b_text) * 2 >= full;
        let ends_sentence = is_final(a_last);
        let standalone = paragraph_start
            && (wa <= STANDALONE_WIDTH || wa * 2 <= width(b_text))
            && visible_chars(a_text) >= 1
            && !a_text.contains(INNER_PUNCT);
        let keep = (ends_sentence && (blank || short || !has_blanks))
            || open_end
            || is_byline(a_text)
            || date_like[k]
            || date_like[k + 1]
            || b_above_date
            || (k == 0 && opens_title(a_text))
            || is_byline(b_text)
            || reflowed
            || standalone
            || furniture.contains(&w[0])
            || furniture.contains(&w[1]);
        if keep {
            strip_indent(b, sink);
            paragraph_start = true;
            continue;
        }
        let glue = if a_last == '-' || (is_wide(a_last) && is_wide(b_first)) {
            ""
        } else if cjk {
            if mixed_space && (a_last.is_alphanumeric() || b_first.is_alphanumeric()) {
                " "
            } else {
                ""
            }
        } else {
            " "
        };
        let (rule, confidence) = if blank {
            ("soft-wrap-blank", 0.75)
        } else {
            ("soft-wrap", 0.9)
        };
        let _ = sink.replace(a.content.end..b.content.start, glue, rule, confidence);
        paragraph_start = false;
    }
}

/// True when the page's long lines (wider than half the full width, so headlines do not count)
/// nearly all end a sentence: its paragraphs are already one per line, and a line that does not
/// end a sentence is a heading or a fragment, not a wrap.
fn is_reflowed(
    text: &str,
    lines: &[Line],
    items: &[usize],
    furniture: &[usize],
    full: usize,
) -> bool {
    let long: Vec<&str> = items[..items.len().saturating_sub(1)]
        .iter()
        .filter(|i| !furniture.contains(i))
        .map(|&i| lines[i].text(text))
        .filter(|t| width(t) > (2 * STANDALONE_WIDTH).max(full / 2))
        .collect();
    let open = long
        .iter()
        .filter(|t| t.chars().last().is_some_and(|c| !is_final(c)))
        .count();
    long.len() >= 3 && open * 5 < long.len()
}

/// True when most lines of a page (their widths in `widths`) lie within a few half-em units of
/// the full width `full` (at least four of them): the text is wrapped at a column width, as OCR
/// emits it. Paragraphs that are one per line vary far more in width.
fn is_wrapped(widths: &[usize], full: usize) -> bool {
    let tolerance = SHORT_TOLERANCE.max(full / 8);
    let near = widths
        .iter()
        .filter(|&&w| w.abs_diff(full) <= tolerance)
        .count();
    near >= 4 && near * 3 >= widths.len()
}

/// A short line entirely in brackets, as a byline or a source note: `（李俊华）`.
fn is_byline(s: &str) -> bool {
    let bracketed =
        (s.starts_with('（') && s.ends_with('）')) || (s.starts_with('(') && s.ends_with(')'));
    bracketed && width(s) <= 2 * STANDALONE_WIDTH
}

fn strip_indent(line: &Line, sink: &mut EditSink<'_>) {
    if line.indented() {
        let _ = sink.delete(
            line.range.start..line.content.start,
            "first-line-indent",
            0.9,
        );
    }
}

/// Punctuation inside a sentence: a line containing it is not a standalone heading.
pub(crate) const INNER_PUNCT: &[char] = &['，', '。', '、', '；', '：', ',', ';', ':'];

/// Characters that end a sentence (or a standalone unit) at a line end, including the symbols
/// that OCR reads for a degraded `。` or `”` (an opening quote cannot end a printed CJK line).
pub(crate) fn is_final(c: char) -> bool {
    matches!(
        c,
        '。' | '！'
            | '？'
            | '!'
            | '?'
            | '；'
            | ';'
            | '：'
            | ':'
            | '…'
            | '”'
            | '」'
            | '』'
            | '）'
            | ')'
            | '.'
            | '．'
            | '“'
            | '‘'
            | '*'
            | '='
            | '"'
            | '\''
            | '’'
    )
}

/// True when the text writes a space between CJK and Latin letters or digits more often than
/// not (`使用 apt 命令` against `使用apt命令`).
fn spaces_between_scripts(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let (mut spaced, mut tight) = (0usize, 0usize);
    let mixed = |x: char, y: char| {
        (is_wide(x) && y.is_ascii_alphanumeric()) || (x.is_ascii_alphanumeric() && is_wide(y))
    };
    for i in 1..chars.len() {
        if mixed(chars[i - 1], chars[i]) {
            tight += 1;
        } else if i >= 2 && chars[i - 1] == ' ' && mixed(chars[i - 2], chars[i]) {
            spaced += 1;
        }
    }
    spaced > tight
}
