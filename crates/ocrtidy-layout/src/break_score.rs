//! Typographic features of a line break for fitting a line-break scorer offline: the line's
//! and the next lines' width against the page's full width, the line's final mark after noise
//! stripping, blank lines, how the next line starts, a dictionary word across the break, how
//! noisy the page is and how its blocks are cut. Never the content of a text.
//!
//! [`crate::trace_line_breaks`] returns them for every break of a page of raw OCR lines that
//! [`crate::LineJoin`] decides from the text; `examples/line_join_dump.rs` (root package) dumps
//! them for a corpus and `scripts/fit_line_breaks.py` fits a logistic model on them.
//!
//! The pass does not use a fitted model: fitted on half of the development corpus's documents,
//! it did not beat the hand rules on the other half (see the script's docstring for the figures
//! and how to rerun the experiment).

use ocrtidy_lexicon::Lexicon;

use crate::line_join::{strip_noise_tail, SHORT_TOLERANCE, STANDALONE_WIDTH};
use crate::page::{is_space, is_wide, Line};

/// Names of the features, in the order of [`BreakTrace::features`].
pub const FEATURE_NAMES: [&str; N] = [
    "bias",
    "def_a",
    "def_b",
    "def_c",
    "no_c",
    "fin_stop",
    "fin_colon",
    "fin_close",
    "fin_look",
    "ends",
    "noise_tail",
    "comma",
    "blank",
    "blank_after_b",
    "blank_share",
    "cjk",
    "b_cap",
    "b_digit",
    "b_open",
    "b_list",
    "seam_word",
    "page_noise",
    "page_open",
    "prev_keep",
    "first",
    "rule_indented",
    "rule_open_end",
    "rule_comma_end",
    "short_a",
    "tiny_a",
    "b_short",
    "ends_blank",
    "ends_short",
    "open_blank",
    "open_short",
    "open_noise",
    "open_page_open",
    "ends_def_a",
    "open_def_a",
    "b_indented",
    "rules",
    "def_prev",
    "b_ends",
    "b_indent_shape",
    "a_noise",
    "a_block_inv",
    "b_block_inv",
    "a_block_first",
    "def_a_block",
];

/// The number of features.
pub const N: usize = 49;

/// Breaks are traced on pages of at least this many lines (not furniture): the page-level
/// features (full width, shares of open lines and blank breaks, noise) need a page (the corpus
/// pages have 15 to 60 lines).
pub(crate) const MIN_LINES: usize = 12;

/// Page-level evidence for the features.
pub(crate) struct PageFacts {
    full: usize,
    blank_share: f32,
    /// Share of visible characters that are neither CJK, nor ASCII letters and digits, nor
    /// common punctuation: how much OCR noise the page has.
    noise: f32,
    /// Share of the long lines that end without final punctuation.
    open: f32,
    /// For every item, the number of lines and the widest line of its block (lines between
    /// blank lines), and whether it starts its block.
    block: Vec<(usize, usize, bool)>,
}

impl PageFacts {
    pub(crate) fn new(
        text: &str,
        lines: &[Line],
        items: &[usize],
        item_width: &[usize],
        item_ends: &[bool],
        full: usize,
        blank_breaks: usize,
    ) -> PageFacts {
        let breaks = items.len().saturating_sub(1).max(1);
        let min_width = (2 * STANDALONE_WIDTH).max(full / 2);
        let (mut long, mut open) = (0usize, 0usize);
        for (w, e) in item_width.iter().zip(item_ends) {
            if *w > min_width {
                long += 1;
                open += usize::from(!e);
            }
        }
        let mut block = Vec::with_capacity(items.len());
        let mut start = 0;
        for k in 1..=items.len() {
            if k == items.len() || items[k] > items[k - 1] + 1 {
                let widest = item_width[start..k].iter().copied().max().unwrap_or(0);
                block.extend((start..k).map(|j| (k - start, widest, j == start)));
                start = k;
            }
        }
        PageFacts {
            full,
            block,
            blank_share: blank_breaks as f32 / breaks as f32,
            noise: page_noise(text, lines, items).0,
            open: open as f32 / long.max(1) as f32,
        }
    }
}

/// Share of the visible characters of the lines `items` that are neither CJK, nor ASCII letters
/// and digits, nor common punctuation: how much OCR noise a page has; and the share that are
/// wide (CJK).
pub(crate) fn page_noise(text: &str, lines: &[Line], items: &[usize]) -> (f32, f32) {
    let (mut visible, mut noisy, mut wide) = (0usize, 0usize, 0usize);
    for &i in items {
        let b = lines[i].text(text).as_bytes();
        let mut j = 0;
        while j < b.len() {
            match b[j] {
                // Unified ideographs, the bulk of Chinese text.
                0xE5..=0xE9 => {
                    visible += 1;
                    wide += 1;
                    j += 3;
                }
                x if x < 0x80 => {
                    let c = char::from(x);
                    if !c.is_ascii_whitespace() {
                        visible += 1;
                        noisy += usize::from(
                            !(c.is_ascii_alphanumeric() || ".,;:!?()'\"-/".contains(c)),
                        );
                    }
                    j += 1;
                }
                _ => {
                    let s = &lines[i].text(text)[j..];
                    let Some(c) = s.chars().next() else {
                        break;
                    };
                    j += c.len_utf8();
                    if !is_space(c) {
                        visible += 1;
                        let w = is_wide(c);
                        noisy += usize::from(!w);
                        wide += usize::from(w);
                    }
                }
            }
        }
    }
    let visible = visible.max(1) as f32;
    (noisy as f32 / visible, wide as f32 / visible)
}

/// One break of a page as the scorer sees it.
pub(crate) struct BreakView<'a> {
    pub(crate) text: &'a str,
    pub(crate) lines: &'a [Line],
    pub(crate) items: &'a [usize],
    pub(crate) item_width: &'a [usize],
    pub(crate) item_ends: &'a [bool],
    /// The break is between `items[k]` and `items[k + 1]`.
    pub(crate) k: usize,
    pub(crate) blank: bool,
    pub(crate) cjk: bool,
    /// The break before was kept (or this is the first).
    pub(crate) prev_keep: bool,
    /// The hand rules `first-line indent`, `open end` and `comma end` (see `LineJoin`), and
    /// the decision of all rules.
    pub(crate) rules: [bool; 4],
}

/// The feature vector of a break (see [`FEATURE_NAMES`]).
pub(crate) fn break_features(v: &BreakView<'_>, p: &PageFacts) -> [f32; N] {
    let f = |b: bool| if b { 1.0 } else { 0.0 };
    let full = p.full.max(1) as f32;
    let deficit = |w: usize| ((full - w as f32) / full).clamp(-0.5, 1.0);
    let k = v.k;
    let a = v.lines[v.items[k]].text(v.text);
    let b_line = &v.lines[v.items[k + 1]];
    let b = b_line.text(v.text);
    let wa = v.item_width[k];
    let wb = v.item_width[k + 1];
    // The line after `b`, on the same page.
    let c = v.items.get(k + 2);
    let latin = !a.chars().any(is_wide);
    let core = strip_noise_tail(a, latin);
    let last = core.chars().next_back().unwrap_or(' ');
    let ends = v.item_ends[k];
    let fin_stop = matches!(last, '。' | '！' | '？' | '!' | '?' | '…' | '．')
        || (last == '.' && (ends || !latin));
    let fin_colon = matches!(last, '：' | '；' | ':' | ';');
    let fin_close = matches!(last, '”' | '」' | '』' | '）' | ')' | ']');
    let fin_look = matches!(last, '*' | '=' | '"' | '\'' | '’' | '“' | '‘');
    let comma = matches!(last, '，' | ',' | '、');
    let tolerance = if v.cjk {
        SHORT_TOLERANCE
    } else {
        SHORT_TOLERANCE / 2
    };
    let short = wa + tolerance < p.full;
    let mut bc = b.chars();
    let b0 = bc.next().unwrap_or(' ');
    let b1 = bc.next().unwrap_or(' ');
    let b_cap = b0.is_uppercase() && (b1.is_lowercase() || b1 == ' ');
    let b_open = matches!(
        b0,
        '（' | '(' | '“' | '「' | '『' | '《' | '【' | '[' | '"' | '‘'
    );
    let b_list = matches!(b0, '•' | '·' | '●' | '■' | '–' | '—' | '-' | '*')
        || ((b0.is_ascii_digit() || "一二三四五六七八九十".contains(b0))
            && matches!(b1, '.' | '、' | ')' | '）' | '．'));
    let def_a = deficit(wa);
    let open = f(!ends);
    let mut x = [0.0f32; N];
    x[0] = 1.0;
    x[1] = def_a;
    x[2] = deficit(wb);
    x[3] = c.map_or(0.0, |_| deficit(v.item_width[k + 2]));
    x[4] = f(c.is_none());
    x[5] = f(fin_stop);
    x[6] = f(fin_colon);
    x[7] = f(fin_close);
    x[8] = f(fin_look);
    x[9] = f(ends);
    x[10] = f(core.len() < a.len());
    x[11] = f(comma);
    x[12] = f(v.blank);
    x[13] = f(c.is_some_and(|&c| c > v.items[k + 1] + 1));
    x[14] = p.blank_share;
    x[15] = f(v.cjk);
    x[16] = f(b_cap);
    x[17] = f(b0.is_ascii_digit());
    x[18] = f(b_open);
    x[19] = f(b_list);
    x[20] = f(seam_word(a, b));
    x[21] = p.noise;
    x[22] = p.open;
    x[23] = f(v.prev_keep);
    x[24] = f(k == 0);
    x[25] = f(v.rules[0]);
    x[26] = f(v.rules[1]);
    x[27] = f(v.rules[2]);
    x[28] = f(short);
    x[29] = f(wa * 2 < p.full);
    x[30] = f(wb + tolerance < p.full);
    x[31] = f(ends && v.blank);
    x[32] = f(ends && short);
    x[33] = open * f(v.blank);
    x[34] = open * f(short);
    x[35] = open * p.noise;
    x[36] = open * p.open;
    x[37] = f(ends) * def_a;
    x[38] = open * def_a;
    x[39] = f(b_line.indented());
    x[40] = f(v.rules[3]);
    x[41] = if k > 0 {
        deficit(v.item_width[k - 1])
    } else {
        0.0
    };
    x[42] = f(v.item_ends[k + 1]);
    // The next line is about two ems short of the full width: a first-line indent that OCR
    // dropped.
    x[43] = f((3..=5).contains(&p.full.saturating_sub(wb)));
    x[44] = line_noise(a);
    let (a_block, a_widest, a_first) = p.block.get(k).copied().unwrap_or((1, wa, true));
    let b_block = p.block.get(k + 1).map_or(1, |b| b.0);
    x[45] = 1.0 / a_block as f32;
    x[46] = 1.0 / b_block as f32;
    x[47] = f(a_first);
    x[48] = (a_widest.saturating_sub(wa)) as f32 / a_widest.max(1) as f32;
    x
}

/// The share of visible characters of `s` that are neither CJK, nor ASCII letters and digits,
/// nor common punctuation.
fn line_noise(s: &str) -> f32 {
    let (mut visible, mut noisy) = (0usize, 0usize);
    for c in s.chars() {
        if is_space(c) {
            continue;
        }
        visible += 1;
        noisy += usize::from(!is_plain(c));
    }
    noisy as f32 / visible.max(1) as f32
}

/// Characters of plain text: CJK, ASCII letters and digits, common ASCII punctuation.
fn is_plain(c: char) -> bool {
    is_wide(c) || c.is_ascii_alphanumeric() || ".,;:!?()'\"-/".contains(c)
}

/// A frequent dictionary word of two to four characters across the break between `p` and `q`
/// (both sides CJK): evidence that the line runs on.
fn seam_word(p: &str, q: &str) -> bool {
    const MIN_FREQ: u32 = 500;
    let mut left = ['\0'; 2];
    let mut n = 0;
    for c in p.chars().rev().take(2) {
        left[1 - n] = c;
        n += 1;
    }
    let left = &left[2 - n..];
    let mut right = ['\0'; 2];
    let mut m = 0;
    for c in q.chars().take(2) {
        right[m] = c;
        m += 1;
    }
    let right = &right[..m];
    if n == 0 || m == 0 || !left.iter().chain(right).all(|c| is_wide(*c)) {
        return false;
    }
    let lex = Lexicon::embedded();
    let mut word = String::with_capacity(12);
    for l in (1..=left.len()).rev() {
        for r in (1..=right.len()).rev() {
            word.clear();
            word.extend(left[left.len() - l..].iter().chain(&right[..r]));
            let min = if l + r == 2 { MIN_FREQ } else { MIN_FREQ / 10 };
            if lex.freq(&word).is_some_and(|f| f >= min) {
                return true;
            }
        }
    }
    false
}

/// One line break of a text as `LineJoin` decided it, for fitting a scorer offline
/// ([`crate::trace_line_breaks`]).
#[derive(Clone, Debug)]
pub struct BreakTrace {
    /// Byte range of the break in the text (the end of the line's content to the start of
    /// the next line's content).
    pub start: usize,
    pub end: usize,
    /// The break's features (`None` outside the pages a scorer would decide: a page with blank
    /// lines between all of its lines or none, reflowed text, a page not wrapped at a column
    /// width or shorter than 12 lines, or a break with a geometry hint).
    pub features: Option<[f32; N]>,
    /// The decision of the hand rules.
    pub rules: bool,
    /// A structural guard keeps the break whatever the text says (furniture, bylines, titles,
    /// dates, standalone lines, reflowed text).
    pub guard: bool,
    /// The final decision.
    pub keep: bool,
}
