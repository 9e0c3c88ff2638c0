//! The metrics of one (prediction, ground truth) pair and their micro-averaged summary.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::AddAssign;

use ocrtidy_text::chars::{is_cjk_letter, is_tight_punct};

use serde::Serialize;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

use crate::align::{align, distance, Op};
use crate::fuzz::{partial_ratio, ratio};

/// What a "character" is for CER and the paragraph-break alignment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Unit {
    /// Extended grapheme clusters after NFC (as dinglehopper and ocrevalUAtion count).
    #[default]
    Grapheme,
    /// Unicode code points of the text as given (as `score.py` counts with Python's `len`).
    CodePoint,
}

/// Raw counts of one record or a sum over records. Summing counts and dividing at the end is
/// micro-averaging, as `score.py` does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Edit distance on the texts as they are, and the length of the ground truth.
    pub ed_raw: usize,
    pub n_raw: usize,
    /// The same with all whitespace removed from both texts.
    pub ed_content: usize,
    pub n_content: usize,
    /// Word edit distance and the number of ground-truth words ([`words`]: words split at
    /// whitespace, every CJK character a word of its own).
    pub ed_words: usize,
    pub n_words: usize,
    /// Paragraph boundaries: matched, in the prediction, in the ground truth.
    pub lb_tp: usize,
    pub lb_pred: usize,
    pub lb_gt: usize,
    /// Ground-truth furniture items still present in the prediction, and their number.
    pub furn_leaked: usize,
    pub furn_total: usize,
}

impl AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.ed_raw += o.ed_raw;
        self.n_raw += o.n_raw;
        self.ed_content += o.ed_content;
        self.n_content += o.n_content;
        self.ed_words += o.ed_words;
        self.n_words += o.n_words;
        self.lb_tp += o.lb_tp;
        self.lb_pred += o.lb_pred;
        self.lb_gt += o.lb_gt;
        self.furn_leaked += o.furn_leaked;
        self.furn_total += o.furn_total;
    }
}

/// Micro-averaged rates of a group of records.
///
/// An error rate whose ground truth is empty (no characters, no words) is `0.0` when there is
/// no error either and [`f64::INFINITY`] when there is (text predicted where there is none:
/// undefined, as dinglehopper reports it; JSON `null`, `n/a` in the CLI's table). In a group,
/// such a record still adds its errors to the sum, so the group's rate is infinite only when
/// the whole group has no ground truth. The paragraph-break rates and the furniture leak are 0
/// with an empty denominator, as in `score.py`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Summary {
    pub records: usize,
    pub gt_chars: usize,
    #[serde(rename = "CER_raw")]
    pub cer_raw: f64,
    #[serde(rename = "CER_content")]
    pub cer_content: f64,
    #[serde(rename = "WER")]
    pub wer: f64,
    pub lb_precision: f64,
    pub lb_recall: f64,
    pub lb_f1: f64,
    pub furniture_leak: f64,
}

/// `num / den`, 0 when both are 0.
fn rate(num: usize, den: usize) -> f64 {
    if den == 0 {
        if num == 0 {
            0.0
        } else {
            f64::INFINITY
        }
    } else {
        num as f64 / den as f64
    }
}

impl Counts {
    /// The rates of these counts, summed over `records` records.
    pub fn summary(&self, records: usize) -> Summary {
        let share = |num: usize, den: usize| if den == 0 { 0.0 } else { rate(num, den) };
        let p = share(self.lb_tp, self.lb_pred);
        let r = share(self.lb_tp, self.lb_gt);
        let f = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        Summary {
            records,
            gt_chars: self.n_raw,
            cer_raw: rate(self.ed_raw, self.n_raw),
            cer_content: rate(self.ed_content, self.n_content),
            wer: rate(self.ed_words, self.n_words),
            lb_precision: p,
            lb_recall: r,
            lb_f1: f,
            furniture_leak: share(self.furn_leaked, self.furn_total),
        }
    }
}

/// Whitespace as Python's `str.isspace` (and the `\s` of its regular expressions) defines it.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Text cut into units and mapped to integer symbols (equal units get equal symbols).
struct Units {
    syms: Vec<u32>,
    /// Per unit: true when it is whitespace, and when it holds a `\n`.
    space: Vec<bool>,
    newline: Vec<bool>,
}

#[derive(Default)]
struct Interner(HashMap<String, u32>);

impl Interner {
    fn symbol(&mut self, s: &str) -> u32 {
        let mut it = s.chars();
        if let (Some(c), None) = (it.next(), it.next()) {
            return c as u32;
        }
        let next = 0x11_0000 + self.0.len() as u32;
        *self.0.entry(s.to_string()).or_insert(next)
    }
}

/// The text cut into units (`text` is already normalised for the unit, see [`normalise`]).
fn units(text: &str, unit: Unit, interner: &mut Interner) -> Units {
    let mut u = Units {
        syms: Vec::new(),
        space: Vec::new(),
        newline: Vec::new(),
    };
    let mut push = |s: &str, sym: u32| {
        u.syms.push(sym);
        u.space.push(s.chars().all(is_space));
        u.newline.push(s.contains('\n'));
    };
    match unit {
        Unit::CodePoint => {
            let mut buf = [0u8; 4];
            for c in text.chars() {
                push(c.encode_utf8(&mut buf), c as u32);
            }
        }
        Unit::Grapheme => {
            for g in text.graphemes(true) {
                let sym = interner.symbol(g);
                push(g, sym);
            }
        }
    }
    u
}

/// Above this many units of both texts, the whitespace-free and the word distances are
/// computed on a second thread while the first aligns the texts.
const PARALLEL_UNITS: usize = 20_000;

/// Scores one prediction against its ground truth and furniture items.
pub fn score(pred: &str, gt: &str, furniture: &[String], unit: Unit) -> Counts {
    score_with(pred, gt, furniture, unit, align, distance)
}

/// [`score`] with the aligner and the distance given (the tests give plain DP).
fn score_with(
    pred: &str,
    gt: &str,
    furniture: &[String],
    unit: Unit,
    align: fn(&[u32], &[u32]) -> Vec<Op>,
    distance: fn(&[u32], &[u32]) -> usize,
) -> Counts {
    let furn = furniture_counts(pred, furniture);
    let (pred, gt) = (normalise(pred, unit), normalise(gt, unit));
    let (pred, gt) = (pred.as_ref(), gt.as_ref());
    let mut interner = Interner::default();
    let p = units(pred, unit, &mut interner);
    let g = units(gt, unit, &mut interner);
    let strip = |u: &Units| -> Vec<u32> {
        u.syms
            .iter()
            .zip(&u.space)
            .filter(|(_, &sp)| !sp)
            .map(|(&s, _)| s)
            .collect()
    };
    let (pc, gc) = (strip(&p), strip(&g));
    // One alignment gives both the raw edit distance and the paragraph-break matching; the
    // whitespace-free and the word distances are independent of it (a second thread computes
    // them, one after the other, while the first aligns).
    let others = || {
        let content = distance(&pc, &gc);
        let mut vocab = Interner::default();
        let pw: Vec<u32> = words(pred).map(|w| vocab.word(w)).collect();
        let gw: Vec<u32> = words(gt).map(|w| vocab.word(w)).collect();
        (content, distance(&pw, &gw), gw.len())
    };
    let (ops, (ed_content, ed_words, n_words)) = if g.syms.len() + p.syms.len() > PARALLEL_UNITS {
        std::thread::scope(|scope| {
            let others = scope.spawn(others);
            let ops = align(&p.syms, &g.syms);
            // A panic in the other thread is re-raised here rather than hidden.
            let d = others
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e));
            (ops, d)
        })
    } else {
        (align(&p.syms, &g.syms), others())
    };
    let mut c = Counts {
        ed_raw: ops.iter().filter(|&&op| op != Op::Equal).count(),
        n_raw: g.syms.len(),
        ed_content,
        n_content: gc.len(),
        ed_words,
        n_words,
        ..Counts::default()
    };
    (c.lb_tp, c.lb_pred, c.lb_gt) = breaks(&p, &g, &ops);
    (c.furn_leaked, c.furn_total) = furn;
    c
}

/// The text as CER, WER and the paragraph-break alignment see it: without a leading byte order
/// mark (an encoding mark, not text), and in NFC for [`Unit::Grapheme`] (as given for
/// [`Unit::CodePoint`], which counts as `score.py` does).
fn normalise(text: &str, unit: Unit) -> Cow<'_, str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    match unit {
        Unit::Grapheme => Cow::Owned(text.nfc().collect()),
        Unit::CodePoint => Cow::Borrowed(text),
    }
}

/// The words of WER: the text is split at whitespace, and every CJK character (Han, kana,
/// hangul, bopomofo) and full-width CJK punctuation mark (`，。、；：？！` and brackets) is a word
/// of its own, so that unsegmented Chinese or Japanese is compared character by character and
/// Latin words embedded in it as words (`使用apt命令` is `使 用 apt 命 令`). Marks that Latin
/// text uses as well (`—`, `…`, `·`, curly quotes) stay in the run they are in, so English is
/// split at whitespace only. Combining marks stay with the character before them.
///
/// ```
/// use ocrtidy_eval::metrics::words;
/// let w: Vec<&str> = words("使用apt命令，the  quick-fox").collect();
/// assert_eq!(w, ["使", "用", "apt", "命", "令", "，", "the", "quick-fox"]);
/// ```
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        rest = rest.trim_start_matches(is_space);
        let mut chars = rest.char_indices();
        let (_, first) = chars.next()?;
        let single = is_cjk_letter(first) || is_tight_punct(first);
        let mut end = rest.len();
        for (i, c) in chars {
            let ends = if is_combining_mark(c) {
                false
            } else {
                single || is_space(c) || is_cjk_letter(c) || is_tight_punct(c)
            };
            if ends {
                end = i;
                break;
            }
        }
        let (word, tail) = rest.split_at(end);
        rest = tail;
        Some(word)
    })
}

impl Interner {
    fn word(&mut self, w: &str) -> u32 {
        let next = self.0.len() as u32;
        *self.0.entry(w.to_string()).or_insert(next)
    }
}

/// Paragraph-boundary matching of `score.py`: every `\n` of the ground truth is a boundary;
/// every maximal whitespace run of the prediction holding a `\n` is one. A prediction boundary
/// is correct when one of its units is aligned to a ground-truth `\n`, or is an extra unit
/// inserted right before or after one; each ground-truth boundary matches once.
fn breaks(p: &Units, g: &Units, ops: &[Op]) -> (usize, usize, usize) {
    let n_gt = g.newline.iter().filter(|&&b| b).count();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < p.syms.len() {
        if p.space[i] {
            let start = i;
            while i < p.syms.len() && p.space[i] {
                i += 1;
            }
            if p.newline[start..i].iter().any(|&b| b) {
                runs.push((start, i));
            }
        } else {
            i += 1;
        }
    }
    if runs.is_empty() {
        return (0, 0, n_gt);
    }
    if n_gt == 0 {
        return (0, runs.len(), 0);
    }
    // Per prediction unit: Ok(gt index) when aligned, Err(gt position) when inserted there.
    let mut aligned: Vec<Result<usize, usize>> = Vec::with_capacity(p.syms.len());
    let mut j = 0;
    for &op in ops {
        match op {
            Op::Equal | Op::Replace => {
                aligned.push(Ok(j));
                j += 1;
            }
            Op::Delete => aligned.push(Err(j)),
            Op::Insert => j += 1,
        }
    }
    let mut used = vec![false; g.syms.len()];
    let mut tp = 0;
    let n_runs = runs.len();
    for (a, b) in runs {
        let mut cands: Vec<usize> = Vec::new();
        for al in &aligned[a..b] {
            match *al {
                Ok(gi) => cands.push(gi),
                Err(gj) => {
                    if gj > 0 {
                        cands.push(gj - 1);
                    }
                    cands.push(gj);
                }
            }
        }
        if let Some(&gi) = cands
            .iter()
            .find(|&&gi| gi < g.syms.len() && g.newline[gi] && !used[gi])
        {
            used[gi] = true;
            tp += 1;
        }
    }
    (tp, n_runs, n_gt)
}

const DASHES: &str = "—–―‒-－一ー_~〜";

/// NFKC, whitespace removed, dashes (and the look-alike `一`) unified to `-`.
fn norm_furn(s: &str) -> Vec<char> {
    s.nfkc()
        .filter(|c| !is_space(*c))
        .map(|c| if DASHES.contains(c) { '-' } else { c })
        .collect()
}

/// Letters, digits and CJK ideographs only (after dropping `一`).
fn core(s: &[char]) -> Vec<char> {
    s.iter()
        .copied()
        .filter(|&c| c != '一')
        .filter(|&c| c.is_ascii_alphanumeric() || ('\u{3400}'..='\u{9fff}').contains(&c))
        .collect()
}

/// Furniture leak of `score.py`: an item leaks when some line of the prediction matches it
/// with `ratio >= 80`, or has the same letters, digits and ideographs, or (items of 5+
/// characters) contains it with `partial_ratio >= 80` while being at least 80 % as long.
pub fn furniture_counts(pred: &str, furniture: &[String]) -> (usize, usize) {
    const THRESHOLD: f64 = 80.0;
    let lines: Vec<Vec<char>> = pred
        .split('\n')
        .map(norm_furn)
        .filter(|l| !l.is_empty())
        .collect();
    let cores: Vec<Vec<char>> = lines.iter().map(|l| core(l)).collect();
    let mut leaked = 0;
    let mut total = 0;
    for item in furniture {
        let f = norm_furn(item);
        if f.is_empty() {
            continue;
        }
        total += 1;
        let fc = core(&f);
        let hit = lines.iter().zip(&cores).any(|(l, lc)| {
            ratio(&f, l) >= THRESHOLD
                || (!fc.is_empty() && fc == *lc)
                || (f.len() >= 5
                    && l.len() as f64 >= f.len() as f64 * 0.8
                    && partial_ratio(&f, l) >= THRESHOLD)
        });
        leaked += usize::from(hit);
    }
    (leaked, total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::align::reference::{naive, reference_align};
    use proptest::prelude::*;

    fn plain_align(a: &[u32], b: &[u32]) -> Vec<Op> {
        reference_align(a, b, usize::MAX)
    }

    /// Text from pieces that exercise units and tokens: CJK, Latin words, combining marks
    /// (precomposed and not), an emoji sequence, spaces, line breaks and blank lines.
    fn text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("第"),
            Just("一"),
            Just("段"),
            Just("，"),
            Just("テ"),
            Just("한"),
            Just("word"),
            Just("the"),
            Just("e\u{301}"),
            Just("é"),
            Just("a\u{308}\u{301}"),
            Just("🇨🇳"),
            Just(" "),
            Just("\u{3000}"),
            Just("\n"),
            Just("\n\n"),
            Just("\r\n"),
            Just("\u{c}"),
        ];
        proptest::collection::vec(piece, 0..60).prop_map(|v| v.concat())
    }

    proptest! {
        /// The fast distance and alignment give exactly the metrics of plain dynamic
        /// programming with rapidfuzz's backtracking.
        #[test]
        fn fast_path_matches_plain_dp(pred in text(), gt in text(), cp in any::<bool>()) {
            let unit = if cp { Unit::CodePoint } else { Unit::Grapheme };
            let fast = score(&pred, &gt, &[], unit);
            let plain = score_with(&pred, &gt, &[], unit, plain_align, naive);
            prop_assert_eq!(fast, plain);
        }
    }
}
