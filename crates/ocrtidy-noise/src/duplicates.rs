use std::borrow::{Borrow, Cow};
use std::collections::HashMap;
use std::ops::Range;

use ocrtidy_core::{Candidate, EditSink, Pass, PassId, PassInput, PassKind, PassSpec, RuleSpec};

use crate::chars::{is_dash, is_horizontal_space, is_strong_junk, is_weak_junk};
use crate::converge::{converge, Deletion};
use crate::lines::{line_ranges, match_lines, skip_hspace_back, NO_LINE};
use crate::similar::{
    key, key_and_digits_into, lengths_allow, lower_bound, shingle_hash, similarity_at_least,
    FastHash, Histogram, Postings, ShingleFilter, ShingleIndex, SHINGLE,
};

/// Removes lines, blocks of lines and sentences that OCR repeated (overlapping regions, double
/// text layers, re-scanned strips), and proposes the removal of repeats it is not sure about.
///
/// It runs after the layout passes, so a line is a paragraph. Fragments are compared by a key
/// without whitespace (ASCII lower-cased, full-width folded); two copies are near-equal when their
/// normalised edit similarity is at least 0.9. Detection is linear in the document size: lines
/// are compared with the few lines before them only, and sentences are looked up in a
/// character-shingle index of the earlier text.
///
/// Rules:
/// - `repeated-line` / `repeated-block`: a paragraph (or a block of up to 8) that repeats the
///   one(s) right before it. Removed when the copy has at least 20 characters and is exact, or
///   near-exact with at least 30 characters and the same digits; otherwise (8+ characters)
///   suggested.
/// - `repeated-sentence`: a sentence that repeats the sentence right before it in the same
///   paragraph (removed from 10 characters when exact, from 20 when near-exact), and the first
///   sentence (12+ characters) of a paragraph that repeats the end of the previous one, at the
///   seam (removed): the engine read the same line twice. A sentence that recurs elsewhere in
///   the text — the last sentence of a paragraph that an earlier paragraph already said, copies
///   of 15+ characters inside a paragraph — is only suggested: real text repeats itself (a
///   manual that ends two paragraphs with the same caution).
///
/// Kept: short lines (refrains, table cells, headings), table-like lines, a headline or
/// subheading that the body restates (it has no sentence-ending punctuation), list items that
/// share a prefix, a sentence in quotes.
#[derive(Debug, Default, Clone)]
pub struct Duplicates;

/// How many preceding paragraphs a paragraph is compared with (the longest repeated block).
const MAX_BLOCK: usize = 8;
/// The similarity from which two fragments are near-equal.
const NEAR: f64 = 0.9;

/// A paragraph: its bytes, its key (a stretch of the buffer of all paragraphs' keys, or its
/// own once removals changed it) and whether it is table-like.
#[derive(Clone)]
struct Para<'k> {
    range: Range<usize>,
    key: Cow<'k, [char]>,
    table_like: bool,
}

/// The paragraphs of the pass's last plan in a run, kept in the run's [`PassMemory`]: the
/// round that confirms the run's fixed point plans again on a text whose paragraphs are nearly
/// all the same, and a paragraph's key and table-likeness depend on its text alone.
#[derive(Default)]
struct ParaMemo {
    /// The text of the last plan.
    text: String,
    /// Its paragraphs' ranges, in order.
    order: Vec<Range<usize>>,
    /// When the last plan removed and suggested nothing: whether its sink kept suggestions.
    quiet: Option<bool>,
    /// The keys of its paragraphs, one after another.
    keys: Vec<char>,
    /// By the hash of a paragraph's text: its range in `text`, its key's range in `keys` and
    /// whether it is table-like (one paragraph per hash; a paragraph whose hash is taken by
    /// another text is not kept).
    paras: Known,
    /// For each paragraph, how far the scan of [`repeated_lines`] went on from it (0 where it did
    /// not stop).
    steps: Vec<u8>,
}

/// [`ParaMemo::paras`].
type Known = HashMap<u64, (Range<usize>, Range<usize>, bool), FastHash>;

/// The hash of a paragraph's text for [`ParaMemo`].
fn para_hash(line: &str) -> u64 {
    use std::hash::BuildHasher;
    FastHash::default().hash_one(line)
}

/// The non-blank lines of `text`: its paragraphs.
fn paragraph_ranges(text: &str) -> Vec<Range<usize>> {
    let mut lines = line_ranges(text);
    lines.retain(|r| !text[r.clone()].trim().is_empty());
    lines
}

/// The paragraphs `lines` (from [`paragraph_ranges`]) of `text`, their keys written one after another into
/// `keys` (cleared first): one buffer for all rather than one allocation each. The key of a
/// paragraph that `memo` holds (the same text in the pass's last plan) is copied from it.
/// Also returns the paragraphs for the next [`ParaMemo`] (of `text` and `keys`).
fn paragraphs<'k>(
    text: &str,
    lines: &[Range<usize>],
    keys: &'k mut Vec<char>,
    memo: &ParaMemo,
) -> (Vec<Para<'k>>, Known) {
    keys.clear();
    // Room for every key at once (a key has at most one character per byte of its paragraph):
    // one buffer grown by doubling would hold up to twice the keys. Pages of it that no key
    // reaches are never touched.
    keys.reserve(lines.iter().map(|r| r.len()).sum());
    // The paragraphs of a text too long for a memo are not kept (see `MEMO_BYTES`).
    let remember = text.len() <= MEMO_BYTES;
    let mut seen = Known::with_capacity_and_hasher(memo.paras.len(), FastHash::default());
    // Each paragraph's range, the end of its key in `keys`, whether it is table-like.
    let mut found: Vec<(Range<usize>, usize, bool)> = Vec::with_capacity(lines.len());
    for range in lines.iter().cloned() {
        let line = &text[range.clone()];
        let start = keys.len();
        let hash = para_hash(line);
        let known = memo
            .paras
            .get(&hash)
            .filter(|(r, _, _)| memo.text[r.clone()] == *line);
        let table_like = if let Some((_, k, table_like)) = known {
            keys.extend_from_slice(&memo.keys[k.clone()]);
            *table_like
        } else {
            let digits = key_and_digits_into(line, keys);
            // [`is_table_like`], with the counts the key gives (its length is the visible
            // count).
            if line.contains("  ") {
                is_table_like(line)
            } else {
                digits * 2 > keys.len() - start
            }
        };
        if remember {
            seen.entry(hash)
                .or_insert((range.clone(), start..keys.len(), table_like));
        }
        found.push((range, keys.len(), table_like));
    }
    let keys: &'k [char] = keys;
    let mut start = 0;
    let paras = found
        .into_iter()
        .map(|(range, end, table_like)| {
            let key = Cow::Borrowed(&keys[start..end]);
            start = end;
            Para {
                range,
                key,
                table_like,
            }
        })
        .collect();
    (paras, seen)
}

impl<'k> Para<'k> {
    /// The paragraph as it reads once the `cut` ranges are removed, if any overlaps it.
    fn without(&self, text: &str, cut: &Cuts) -> Option<Para<'k>> {
        let inside: Vec<&Range<usize>> = cut.overlapping(&self.range).collect();
        if inside.is_empty() {
            return None;
        }
        let mut s = String::new();
        let mut pos = self.range.start;
        for c in inside {
            s.push_str(&text[pos..c.start.max(pos)]);
            pos = pos.max(c.end);
        }
        s.push_str(&text[pos.min(self.range.end)..self.range.end]);
        let k = key(&s);
        Some(Para {
            table_like: is_table_like(&s),
            key: Cow::Owned(k),
            range: self.range.clone(),
        })
    }
}

/// Byte ranges sorted by start, and the furthest end before each one, to find the ranges that
/// overlap a paragraph by binary search.
struct Cuts {
    ranges: Vec<Range<usize>>,
    /// `reach[i]`: the largest end of `ranges[..i]` (0 for none).
    reach: Vec<usize>,
}

impl Cuts {
    fn new(mut ranges: Vec<Range<usize>>) -> Self {
        ranges.sort_by_key(|r| (r.start, r.end));
        let reach = std::iter::once(0)
            .chain(ranges.iter().scan(0, |m, r| {
                *m = r.end.max(*m);
                Some(*m)
            }))
            .collect();
        Cuts { ranges, reach }
    }

    /// The ranges that overlap `r`, in order.
    fn overlapping<'c>(&'c self, r: &Range<usize>) -> impl Iterator<Item = &'c Range<usize>> {
        let (start, end) = (r.start, r.end);
        let hi = self.ranges.partition_point(|c| c.start < end);
        let lo = self.ranges[..hi].partition_point(|c| c.start < start);
        // Ranges that start before `r` overlap it only when one of them reaches into it (never
        // for the removals of sentences, which stay inside their paragraph).
        let from = if self.reach[lo] > start { 0 } else { lo };
        self.ranges[from..hi]
            .iter()
            .filter(move |c| c.start < end && c.end > start)
    }
}

struct Sentence<'a> {
    /// Bytes of the sentence in the text (from its first visible character).
    range: Range<usize>,
    /// Its key: a stretch of its paragraph's key.
    key: &'a [char],
    /// Ends with sentence-ending punctuation.
    terminal: bool,
    quoted: bool,
}

/// What to do with a detected repeat.
enum Verdict {
    Remove(f32),
    Suggest(f32),
    Keep,
}

impl Duplicates {
    /// The pass's declaration: id, summary, flags and every rule it may record.
    pub const SPEC: PassSpec = PassSpec {
        id: PassId::Duplicates,
        summary: "lines, blocks and sentences that OCR repeated removed",
        kind: PassKind::Layout,
        removes_text: true,
        rerun: true,
        local: false,
        written_back: false,
        rules: &[
            RuleSpec {
                id: "repeated-line",
                explain: "A paragraph that repeats the paragraph right before it (compared without whitespace, ASCII case and width folded) is deleted with the line break before it: OCR read an overlapping region twice. Applied with confidence 0.95 when the copy is exact and has at least 20 characters, or 0.8 when it is near-equal (edit similarity at least 0.9) with at least 30 characters and the same digits; a shorter or otherwise differing repeat of 8+ characters is only suggested (confidence similarity × 0.7, candidate: delete). Table-like lines (3+ cells separated by wide gaps, or mostly digits) and repeats under 8 characters are kept.",
            },
            RuleSpec {
                id: "repeated-block",
                explain: "The same as `repeated-line` for a block of 2 to 8 consecutive paragraphs that repeats the block right before it, paragraph by paragraph (a re-scanned strip or a doubled text layer). Deleted with confidence 0.95 if exact and at least 20 characters in total, or 0.8 if near-equal with at least 30 characters and the same digits; otherwise, from 8 characters, each paragraph of the block is only suggested for deletion. A page break is never deleted with the block.",
            },
            RuleSpec {
                id: "repeated-sentence",
                explain: "A sentence repeated by OCR is deleted: one that repeats the sentence right before it in the same paragraph (exact with at least 10 characters, confidence 0.9; near-equal with at least 20 characters and the same digits, 0.8), or the first sentence of a paragraph (12+ characters) that exactly repeats the last sentence of the previous one, at the seam (0.85). Only suggested: a near repeat of the previous sentence that misses those limits (similarity × 0.7), a paragraph's last sentence already said in an earlier paragraph (similarity × 0.6), and other exact copies of 15+ characters of an earlier sentence (0.5). Quoted sentences and headlines restated by the body are kept.",
            },
        ],
    };
}

impl Pass for Duplicates {
    fn spec(&self) -> &'static PassSpec {
        &Self::SPEC
    }

    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        input.memory.with(|memo: &mut ParaMemo| {
            for (range, rule, confidence) in
                converge(input.text, sink, |text, sink| plan(text, sink, memo))
            {
                let _ = sink.delete(range, rule, confidence);
            }
        });
    }
}

/// Plans the removals of one round: repeated lines and blocks, then repeated sentences, then
/// the lines that the sentence removals left repeating their neighbour.
fn plan(text: &str, sink: &mut EditSink<'_>, memo: &mut ParaMemo) -> Vec<Deletion> {
    let lines = paragraph_ranges(text);
    // Every decision of this pass reads the texts of the paragraphs, in order, and nothing else
    // (the text between them and the offsets shape only the removals): the same paragraphs as
    // those of a plan of this run that found nothing, with a sink that keeps suggestions as
    // that plan's did or not, give nothing again.
    if memo.quiet == Some(sink.keeps_suggestions())
        && lines.len() == memo.order.len()
        && lines
            .iter()
            .zip(&memo.order)
            .all(|(a, b)| text[a.clone()] == memo.text[b.clone()])
    {
        return Vec::new();
    }
    let mut keys = Vec::new();
    let (paras, seen) = paragraphs(text, &lines, &mut keys, memo);
    let mut sink = Suggestions { sink, made: 0 };
    let mut steps = Vec::new();
    let edits = if memo.quiet == Some(false)
        && !sink.keeps_suggestions()
        && quiet_again(text, &lines, &paras, memo, &mut sink, &mut steps)
    {
        Vec::new()
    } else {
        // What `quiet_again` counted is counted again.
        sink.made = 0;
        plan_paragraphs(text, &paras, &mut sink, &mut steps)
    };
    drop(paras);
    // The next plan of the run finds this one's paragraphs; a long document's are not kept
    // (see `MEMO_BYTES`).
    *memo = if text.len() <= MEMO_BYTES {
        ParaMemo {
            text: text.to_string(),
            order: lines,
            quiet: (edits.is_empty() && sink.made == 0).then(|| sink.keeps_suggestions()),
            keys,
            paras: seen,
            steps,
        }
    } else {
        ParaMemo::default()
    };
    edits
}

/// The longest text whose paragraphs a [`ParaMemo`] keeps. The memo holds a copy of the text
/// and its keys (4 bytes a character) for the whole run, which on a long document would add
/// several bytes of memory per byte of input while every pass runs; records and pages, where
/// the confirming round is most of what the memo saves, are far below it.
const MEMO_BYTES: usize = if cfg!(test) { 1 << 10 } else { 1 << 20 };

/// A plan's sink, counting the suggestions pushed into it (see [`ParaMemo::quiet`]).
struct Suggestions<'s, 'e> {
    sink: &'s mut EditSink<'e>,
    made: usize,
}

impl Suggestions<'_, '_> {
    fn suggest(&mut self, range: Range<usize>, cands: Vec<Candidate>, rule: &'static str, c: f32) {
        self.made += 1;
        let _ = self.sink.suggest(range, cands, rule, c);
    }

    fn keeps_suggestions(&self) -> bool {
        self.sink.keeps_suggestions()
    }
}

/// [`plan`] on the paragraphs of `text`; the steps of the scan of [`repeated_lines`] go into
/// `steps`.
fn plan_paragraphs(
    text: &str,
    paras: &[Para<'_>],
    sink: &mut Suggestions<'_, '_>,
    steps: &mut Vec<u8>,
) -> Vec<Deletion> {
    let mut edits: Vec<(Range<usize>, &'static str, f32)> = Vec::new();
    let removed = repeated_lines(text, paras, &mut edits, Some(&mut *sink), Some(steps));
    let before = edits.len();
    repeated_sentences(text, paras, &removed, &mut edits, sink);
    // Removing sentences can leave a paragraph that repeats its neighbour: compare again what
    // stays, so that the output holds no repeat this pass would remove.
    let cut = Cuts::new(edits[before..].iter().map(|(r, _, _)| r.clone()).collect());
    if !cut.ranges.is_empty() {
        // The paragraphs that no removal touched are borrowed, not copied.
        let reduced: Vec<Cow<'_, Para<'_>>> = paras
            .iter()
            .zip(&removed)
            .filter(|(_, &gone)| !gone)
            .map(|(p, _)| p.without(text, &cut).map_or(Cow::Borrowed(p), Cow::Owned))
            .collect();
        repeated_lines(text, &reduced, &mut edits, None, None);
    }
    edits
}

/// Whether [`plan_paragraphs`] finds nothing on `paras` (of `text`, at `lines`), decided from
/// `memo`, a plan of this run that found nothing, with a sink that dropped suggestions as `sink`
/// does (copies of earlier sentences, the only decisions that read the whole text before a
/// paragraph, are not looked up then). Other passes changed the text in a few paragraphs since:
/// the paragraphs are matched with the memo's by their text, and only what reads a paragraph
/// that is new, or new next to its neighbours, is decided again:
/// - the scan of [`repeated_lines`] stops at a paragraph, goes on from it as it did at the
///   memo's paragraph of the same text when the `2 * MAX_BLOCK` paragraphs around it that the
///   comparisons read are the same, in the same order (and as near the ends), and compares
///   there again otherwise;
/// - [`repeated_sentences`] reads a paragraph and the last sentence of the paragraph before
///   it: a pair of paragraphs that followed one another in the memo is passed over.
///
/// Returns false as soon as something may be found (then the whole plan is made). The steps of
/// the scan go into `steps`.
fn quiet_again(
    text: &str,
    lines: &[Range<usize>],
    paras: &[Para<'_>],
    memo: &ParaMemo,
    sink: &mut Suggestions<'_, '_>,
    steps: &mut Vec<u8>,
) -> bool {
    let n = paras.len();
    let mut matched = Vec::new();
    match_lines(text, lines, &memo.text, &memo.order, &mut matched);
    if matched.len() != n {
        return false;
    }
    // The first paragraph of the run of paragraphs that follow one another as they did in the
    // memo, for each matched paragraph.
    let mut run = vec![NO_LINE; n];
    for x in 0..n {
        if matched[x] != NO_LINE {
            let go_on = x > 0 && matched[x - 1] != NO_LINE && matched[x - 1] + 1 == matched[x];
            run[x] = if go_on { run[x - 1] } else { x };
        }
    }
    let together = |a: usize, b: usize| run[a] != NO_LINE && run[a] == run[b];
    let old_n = memo.order.len();
    steps.clear();
    steps.resize(n, 0);
    let mut blocks = Blocks::new(paras);
    let mut j = 1;
    while j < n {
        let reach = MAX_BLOCK.min(j).min(n - j);
        let old = matched[j];
        let known = (old != NO_LINE
            && together(j - reach, j + reach - 1)
            && MAX_BLOCK.min(old).min(old_n - old) == reach)
            .then(|| memo.steps[old])
            .filter(|&step| step != 0);
        let step = match known {
            Some(step) => usize::from(step),
            None => match blocks.at(j) {
                None => 1,
                Some((k, _)) => {
                    // A block of 8 characters or more is removed or suggested.
                    if (j..j + k).map(|i| paras[i].key.len()).sum::<usize>() >= 8 {
                        return false;
                    }
                    k
                }
            },
        };
        // A step is at most `MAX_BLOCK`.
        steps[j] = step as u8;
        j += step;
    }
    // No paragraph is removed: every one that is not table-like is read for its sentences.
    let mut scan = SentenceScan {
        earlier: None,
        sents: Vec::new(),
        keep: Vec::new(),
    };
    let mut edits = Vec::new();
    // The previous paragraph that is not table-like, and the last one read with its last
    // sentence.
    let mut prev: Option<usize> = None;
    let mut last: Option<(usize, Option<&[char]>)> = None;
    for (p, para) in paras.iter().enumerate() {
        if para.table_like {
            continue;
        }
        if !prev.is_some_and(|q| together(q, p)) {
            let prev_last = match (prev, last) {
                (None, _) => None,
                (Some(q), Some((at, sentence))) if at == q => sentence,
                // Read for its last sentence only: it found nothing in the memo.
                (Some(q), _) => scan.paragraph(text, &paras[q], None, &mut edits, sink),
            };
            let sentence = scan.paragraph(text, para, prev_last, &mut edits, sink);
            if !edits.is_empty() || sink.made > 0 {
                return false;
            }
            last = Some((p, sentence));
        }
        prev = Some(p);
    }
    true
}

/// A line of a table: cells separated by wide gaps, or mostly digits.
fn is_table_like(line: &str) -> bool {
    // Without a double space the line is one cell: only the digits can decide.
    if !line.contains("  ") {
        let (visible, digits) = line.chars().fold((0usize, 0usize), |(v, d), c| {
            (
                v + usize::from(!c.is_whitespace()),
                d + usize::from(c.is_ascii_digit()),
            )
        });
        return digits * 2 > visible;
    }
    let gaps = line
        .trim()
        .split("  ")
        .filter(|s| !s.trim().is_empty())
        .count();
    let visible = line.chars().filter(|c| !c.is_whitespace()).count();
    let digits = line.chars().filter(|c| c.is_ascii_digit()).count();
    gaps >= 3 || digits * 2 > visible
}

fn digits(k: &[char]) -> Vec<char> {
    k.iter().copied().filter(char::is_ascii_digit).collect()
}

/// The blocks of paragraphs that repeat the ones right before them, found by comparing each
/// paragraph with the `MAX_BLOCK` before it (similarities and key histograms cached).
struct Blocks<'p, 'k, P: Borrow<Para<'k>>> {
    paras: &'p [P],
    /// The paragraphs `b` compared are at most `MAX_BLOCK` apart (from `j` on): the similarity
    /// of `a` and `b` is cached at `sims[b % MAX_BLOCK].1[b - a - 1]`, in the row of `b` (`.0`).
    sims: [(usize, [Option<Option<f64>>; MAX_BLOCK]); MAX_BLOCK],
    /// The paragraphs compared are less than `2 * MAX_BLOCK` apart: the histogram of the key of
    /// paragraph `i`, built on first use, is kept at `hists[i % (2 * MAX_BLOCK)]`.
    hists: [Option<(usize, Histogram)>; 2 * MAX_BLOCK],
    _key: std::marker::PhantomData<&'k ()>,
}

impl<'p, 'k: 'p, P: Borrow<Para<'k>>> Blocks<'p, 'k, P> {
    fn new(paras: &'p [P]) -> Self {
        Blocks {
            paras,
            sims: [(usize::MAX, [None; MAX_BLOCK]); MAX_BLOCK],
            hists: std::array::from_fn(|_| None),
            _key: std::marker::PhantomData,
        }
    }

    /// The similarity of paragraphs `a` and `b` (`a < b`, at most `MAX_BLOCK` apart), if they
    /// are near-equal.
    fn sim(&mut self, a: usize, b: usize) -> Option<f64> {
        let paras = self.paras;
        let para = |i: usize| -> &'p Para<'k> { paras[i].borrow() };
        let hists = &mut self.hists;
        let row = &mut self.sims[b % MAX_BLOCK];
        if row.0 != b {
            *row = (b, [None; MAX_BLOCK]);
        }
        *row.1[b - a - 1].get_or_insert_with(|| {
            let (pa, pb) = (para(a), para(b));
            if pa.table_like || pb.table_like {
                return None;
            }
            if !lengths_allow(pa.key.len(), pb.key.len(), NEAR) {
                return None;
            }
            for i in [a, b] {
                let slot = &mut hists[i % (2 * MAX_BLOCK)];
                if slot.as_ref().is_none_or(|(at, _)| *at != i) {
                    *slot = Some((i, Histogram::of(&para(i).key)));
                }
            }
            let hist = |i: usize| hists[i % (2 * MAX_BLOCK)].as_ref().map(|(_, h)| h);
            let (Some(ha), Some(hb)) = (hist(a), hist(b)) else {
                return None;
            };
            similarity_at_least(&pa.key, ha, &pb.key, hb, NEAR)
        })
    }

    /// The longest block of `k` paragraphs from `j` on that repeats the `k` before it, with the
    /// lowest similarity of its pairs. It reads paragraphs `j - K..j + K` only, for `K` the
    /// largest `k` looked for (`MAX_BLOCK`, or less near the ends).
    fn at(&mut self, j: usize) -> Option<(usize, f64)> {
        let n = self.paras.len();
        for k in (1..=MAX_BLOCK.min(j).min(n - j)).rev() {
            let mut min_sim = 1.0f64;
            let all = (0..k).all(|t| match self.sim(j - k + t, j + t) {
                Some(s) => {
                    min_sim = min_sim.min(s);
                    true
                }
                None => false,
            });
            if all {
                return Some((k, min_sim));
            }
        }
        None
    }
}

/// Finds paragraphs and blocks of paragraphs that repeat the ones right before them; pushes the
/// removals into `edits`, the suggestions into `sink`, and returns which paragraphs go. The scan
/// goes on from the end of each block found; `steps` (when given) gets, for each paragraph the
/// scan stopped at, how far it went on from it (0 for the others).
fn repeated_lines<'k, P: Borrow<Para<'k>>>(
    text: &str,
    paras: &[P],
    edits: &mut Vec<(Range<usize>, &'static str, f32)>,
    mut sink: Option<&mut Suggestions<'_, '_>>,
    mut steps: Option<&mut Vec<u8>>,
) -> Vec<bool> {
    let para = |i: usize| -> &Para<'k> { paras[i].borrow() };
    let n = paras.len();
    let mut removed = vec![false; n];
    if let Some(steps) = steps.as_deref_mut() {
        steps.clear();
        steps.resize(n, 0);
    }
    let mut blocks = Blocks::new(paras);
    let mut j = 1;
    while j < n {
        let found = blocks.at(j);
        if let Some(steps) = steps.as_deref_mut() {
            // A step is at most `MAX_BLOCK`.
            steps[j] = found.map_or(1, |(k, _)| k as u8);
        }
        let Some((k, min_sim)) = found else {
            j += 1;
            continue;
        };
        let block = j..j + k;
        let chars: usize = block.clone().map(|i| para(i).key.len()).sum();
        let exact = min_sim >= 1.0;
        let same_digits = block
            .clone()
            .all(|i| digits(&para(i).key) == digits(&para(i - k).key));
        let verdict = if chars >= 20 && exact {
            Verdict::Remove(0.95)
        } else if chars >= 30 && same_digits {
            Verdict::Remove(0.8)
        } else if chars >= 8 {
            Verdict::Suggest(min_sim as f32 * 0.7)
        } else {
            Verdict::Keep
        };
        let rule = if k == 1 {
            "repeated-line"
        } else {
            "repeated-block"
        };
        match verdict {
            Verdict::Remove(c) => {
                for r in block_ranges(text, paras, block.clone()) {
                    edits.push((r, rule, c));
                }
                for i in block.clone() {
                    removed[i] = true;
                }
            }
            Verdict::Suggest(c) => {
                if let Some(sink) = sink.as_deref_mut() {
                    for i in block.clone() {
                        let cands = vec![Candidate::new("", c)];
                        sink.suggest(para(i).range.clone(), cands, rule, c);
                    }
                }
            }
            Verdict::Keep => {}
        }
        j = block.end;
    }
    removed
}

/// The byte ranges that remove paragraphs `block` with the line breaks before them, without
/// removing a page break: when one lies in the way, the breaks after the block go instead, or
/// the contents of the lines only.
fn block_ranges<'k, P: Borrow<Para<'k>>>(
    text: &str,
    paras: &[P],
    block: Range<usize>,
) -> Vec<Range<usize>> {
    let para = |i: usize| -> &Para<'k> { paras[i].borrow() };
    let first = &para(block.start).range;
    let last = &para(block.end - 1).range;
    let before = para(block.start - 1).range.end..last.end;
    if !text[before.clone()].contains('\u{c}') {
        return vec![before];
    }
    if let Some(next) = (block.end < paras.len()).then(|| para(block.end)) {
        let after = first.start..next.range.start;
        if !text[after.clone()].contains('\u{c}') {
            return vec![after];
        }
    }
    block.map(|i| para(i).range.clone()).collect()
}

/// Splits a paragraph into sentences: after `。！？!?` (with the closing quotes and brackets that
/// follow) and after a `.` that ends a Latin word before a space.
/// They are written into `out` (cleared first, so that one buffer serves every paragraph).
fn sentences<'a>(text: &str, para: &'a Para<'_>, out: &mut Vec<Sentence<'a>>) {
    let s = &text[para.range.clone()];
    out.clear();
    // The key of a sentence is the stretch of the paragraph's key between the numbers of
    // non-whitespace characters before its ends, counted while scanning (`seen`). An open
    // sentence: its start, the count at its start, whether it has a letter or digit.
    let mut seen = 0usize;
    let mut open: Option<(usize, usize, bool)> = None;
    // `chars` yields offsets from `base`: it starts again after a run of characters passed over
    // by their bytes ([`inert_run`]).
    let bytes = s.as_bytes();
    let mut base = 0;
    let mut chars = s.char_indices().peekable();
    let mut prev: Option<char> = None;
    let push = |out: &mut Vec<Sentence<'a>>,
                (a, ka, alnum): (usize, usize, bool),
                (b, kb): (usize, usize),
                terminal: bool| {
        // Punctuation and symbols alone are no sentence.
        if !alnum {
            return;
        }
        let body = &s[a..b];
        let k = &para.key[ka..kb];
        debug_assert_eq!(k, key(body).as_slice());
        out.push(Sentence {
            range: para.range.start + a..para.range.start + b,
            key: k,
            terminal,
            quoted: body.starts_with(['“', '「', '"', '‘']),
        });
    };
    while let Some((i, c)) = chars.next() {
        let i = base + i;
        if open.is_none() {
            if is_horizontal_space(c) {
                // Horizontal space is whitespace: not in the key.
                prev = Some(c);
                continue;
            }
            open = Some((i, seen, false));
        }
        // Looked up until the first letter or digit only (a Unicode table look-up).
        if let Some(sentence) = open.as_mut().filter(|o| !o.2) {
            sentence.2 = c.is_alphanumeric();
        }
        // Most chars of Chinese text: an ideograph of the main block is in the key and ends
        // no sentence.
        if ('\u{4e00}'..='\u{9fff}').contains(&c) {
            seen += 1;
        } else {
            seen += usize::from(!c.is_whitespace());
            let ends = match c {
                '。' | '！' | '？' | '!' | '?' => true,
                '.' => {
                    prev.is_some_and(|p| p.is_alphabetic())
                        && chars.peek().is_none_or(|&(_, n)| is_horizontal_space(n))
                }
                _ => false,
            };
            if ends {
                prev = Some(c);
                let mut end = i + c.len_utf8();
                while let Some(&(j, d)) = chars.peek() {
                    if matches!(d, '”' | '’' | '」' | '』' | '）' | ')' | '》' | '"') {
                        end = base + j + d.len_utf8();
                        seen += 1;
                        chars.next();
                    } else {
                        break;
                    }
                }
                if let Some(sentence) = open.take() {
                    push(out, sentence, (end, seen), true);
                }
                continue;
            }
        }
        prev = Some(c);
        // In a sentence that has its letter, the characters that follow and can end nothing
        // change only the count and `prev`: they are passed over by their bytes, and the last
        // one only is decoded.
        if open.is_some_and(|o| o.2) {
            let from = i + c.len_utf8();
            let (j, visible, last) = inert_run(bytes, from);
            if j > from {
                seen += visible;
                prev = s[j - last..].chars().next();
                base = j;
                chars = s[j..].char_indices().peekable();
            }
        }
    }
    if let Some(sentence) = open {
        // The trailing space after `b` is whitespace: `seen` counts up to `b`.
        let b = s.trim_end_matches(is_horizontal_space).len();
        if b > sentence.0 {
            push(out, sentence, (b, seen), false);
        }
    }
}

/// The run of characters from byte `j` of a paragraph that [`sentences`] only counts: ASCII
/// other than `.!?`, the ideographs of the main block (lead byte `E5`..`E9`, or `E4` then
/// `B8`..`BF`; the text is valid UTF-8) and the Chinese punctuation that ends no sentence
/// ([`is_inner_punct`]). Returns its end, the number of its non-whitespace
/// characters and the byte length of its last character.
fn inert_run(bytes: &[u8], mut j: usize) -> (usize, usize, usize) {
    let (mut visible, mut last) = (0, 0);
    while j < bytes.len() {
        let x = bytes[j];
        if x < 0x80 {
            if matches!(x, b'.' | b'!' | b'?') {
                break;
            }
            // ASCII whitespace is `\t`..`\r` and the space.
            visible += usize::from(!matches!(x, b' ' | b'\t'..=b'\r'));
            last = 1;
        } else if (0xE5..=0xE9).contains(&x)
            || (x == 0xE4 && bytes[j + 1] >= 0xB8)
            || is_inner_punct(&bytes[j..])
        {
            visible += 1;
            last = 3;
        } else {
            break;
        }
        j += last;
    }
    (j, visible, last)
}

/// Whether the character at the start of `b` is Chinese punctuation that [`sentences`] only
/// counts: neither whitespace nor a sentence end (`。！？`), and kept in the key (`，：；`,
/// `（）`, `、`, `《》〈〉「」『』`, curly quotes).
#[inline(always)]
fn is_inner_punct(b: &[u8]) -> bool {
    matches!(
        b,
        [0xEF, 0xBC, 0x8C | 0x9A | 0x9B | 0x88 | 0x89, ..]
            | [0xE3, 0x80, 0x81 | 0x88..=0x8F, ..]
            | [0xE2, 0x80, 0x98..=0x9D, ..]
    )
}

/// The earlier text: the keys of the kept sentences of the paragraphs seen so far, one stream,
/// indexed by shingles. Before a look-up, the shingles pushed since the last one go into a Bloom
/// filter; the index itself is filled (in stream order, so with the same postings) only right
/// before a look-up that the filter cannot rule out, so a document without repeats never builds
/// it.
///
/// The stream is not copied: it is the sentences' keys (stretches of their paragraphs' keys) in
/// order, and a stream position is found in them by binary search on their starts.
#[derive(Default)]
struct Earlier<'a> {
    /// Each sentence: its start in the stream, and its key.
    sentences: Vec<(usize, &'a [char])>,
    /// The length of the stream.
    len: usize,
    index: ShingleIndex,
    filter: ShingleFilter,
    /// The sentences `sentences[..filtered]` are in the filter.
    filtered: usize,
    /// The sentences `sentences[..indexed]` are in the index.
    indexed: usize,
}

impl<'a> Earlier<'a> {
    /// An empty stream that will hold at most `total` characters.
    fn with_capacity(total: usize) -> Self {
        Earlier {
            filter: ShingleFilter::with_capacity(total),
            ..Earlier::default()
        }
    }

    fn push(&mut self, k: &'a [char]) {
        self.sentences.push((self.len, k));
        self.len += k.len();
    }

    /// The sentence (its number) that holds stream position `p`, if any.
    fn sentence_of(&self, p: usize) -> Option<usize> {
        if p >= self.len {
            return None;
        }
        // Keys are never empty, but an empty one before `p` would be skipped all the same.
        let starts = |i: usize| self.sentences[i].0 as u64;
        Some(lower_bound(self.sentences.len(), starts, p as u64 + 1) - 1)
    }

    /// The rest of the sentence from stream position `p` (empty past the end).
    fn rest(&self, p: usize) -> &'a [char] {
        self.sentence_of(p).map_or(&[], |id| {
            let (start, k) = self.sentences[id];
            &k[p - start..]
        })
    }

    /// Records in the filter the sentences pushed since the last look-up.
    fn filter_catch_up(&mut self) {
        for &(_, k) in &self.sentences[self.filtered..] {
            self.filter.insert(k, 0..k.len());
        }
        self.filtered = self.sentences.len();
    }

    /// Indexes the sentences pushed since the last look-up.
    fn catch_up(&mut self) {
        let new = &self.sentences[self.indexed..];
        self.index.extend(new.iter().flat_map(|&(start, k)| {
            (0..(k.len() + 1).saturating_sub(SHINGLE))
                .map(move |o| (shingle_hash(&k[o..]), start + o))
        }));
        self.indexed = self.sentences.len();
    }

    /// The indexed positions of the shingle that starts at `chars[0]`.
    fn get(&self, chars: &[char]) -> Postings {
        if chars.len() < SHINGLE {
            return Postings::default();
        }
        self.index
            .get(shingle_hash(chars), |p| shingle_hash(self.rest(p)))
    }

    /// Whether `k` occurs word for word inside one earlier sentence.
    fn contains(&mut self, k: &[char]) -> bool {
        if k.len() < SHINGLE {
            return false;
        }
        self.filter_catch_up();
        // A copy inside one earlier sentence has all its shingles indexed.
        if !(0..=k.len() - SHINGLE).all(|o| self.filter.may_contain(&k[o..])) {
            return false;
        }
        self.catch_up();
        self.get(k)
            .as_slice()
            .iter()
            .any(|&p| self.rest(p as usize).starts_with(k))
    }

    /// The best similarity (at least `min`) of `k` with a stretch of one earlier sentence,
    /// found by voting shingles onto alignment diagonals.
    fn near(&mut self, k: &[char], min: f64) -> Option<f64> {
        if k.len() < SHINGLE {
            return None;
        }
        self.filter_catch_up();
        // A diagonal gets at most one vote per shingle of `k`, and only from an indexed one.
        let need = ((k.len() - SHINGLE + 1) / 4).max(2);
        let found = (0..=k.len() - SHINGLE)
            .filter(|&o| self.filter.may_contain(&k[o..]))
            .count();
        if found < need {
            return None;
        }
        self.catch_up();
        let mut votes: HashMap<usize, usize, FastHash> =
            HashMap::with_capacity_and_hasher(k.len(), FastHash::default());
        for o in 0..=k.len() - SHINGLE {
            for &p in self.get(&k[o..]).as_slice() {
                let p = p as usize;
                if p >= o {
                    *votes.entry(p - o).or_default() += 1;
                }
            }
        }
        let mut best: Vec<(usize, usize)> = votes.into_iter().filter(|&(_, v)| v >= need).collect();
        best.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let hk = Histogram::of(k);
        best.into_iter()
            .take(4)
            .filter_map(|(d, _)| {
                let rest = Some(self.rest(d)).filter(|r| !r.is_empty())?;
                let region = &rest[..k.len().min(rest.len())];
                similarity_at_least(k, &hk, region, &Histogram::of(region), min)
            })
            .reduce(f64::max)
    }
}

/// Finds repeated sentences in the paragraphs that stay; pushes removals into `edits` and
/// suggestions into `sink`.
fn repeated_sentences(
    text: &str,
    paras: &[Para<'_>],
    removed: &[bool],
    edits: &mut Vec<(Range<usize>, &'static str, f32)>,
    sink: &mut Suggestions<'_, '_>,
) {
    // Copies of earlier paragraphs' sentences are only ever suggested: when the sink drops
    // suggestions (a run without a ledger, a later planning round), the earlier text is not
    // kept and looked up at all, which is most of this pass's work on a long document.
    let suggest_copies = sink.keeps_suggestions();
    // The stream holds at most the keys of all paragraphs: the filter is sized for them.
    let total: usize = if suggest_copies {
        paras.iter().map(|p| p.key.len()).sum()
    } else {
        0
    };
    let mut scan = SentenceScan {
        earlier: suggest_copies.then(|| Earlier::with_capacity(total)),
        sents: Vec::new(),
        keep: Vec::new(),
    };
    let mut prev_last: Option<&[char]> = None;
    for (p, para) in paras.iter().enumerate() {
        if removed[p] || para.table_like {
            continue;
        }
        prev_last = scan.paragraph(text, para, prev_last, edits, sink);
    }
}

/// What [`repeated_sentences`] keeps from paragraph to paragraph: the earlier text (when copies
/// of its sentences are suggested) and buffers.
struct SentenceScan<'a> {
    earlier: Option<Earlier<'a>>,
    sents: Vec<Sentence<'a>>,
    keep: Vec<bool>,
}

impl<'a> SentenceScan<'a> {
    /// Finds the repeated sentences of paragraph `para`, whose previous paragraph (that stays,
    /// and is not table-like) ended with the sentence `prev_last` (if it ended with sentence-
    /// ending punctuation). Returns the last sentence of `para` for the next paragraph.
    fn paragraph(
        &mut self,
        text: &str,
        para: &'a Para<'_>,
        prev_last: Option<&'a [char]>,
        edits: &mut Vec<(Range<usize>, &'static str, f32)>,
        sink: &mut Suggestions<'_, '_>,
    ) -> Option<&'a [char]> {
        const RULE: &str = "repeated-sentence";
        let (sents, keep) = (&mut self.sents, &mut self.keep);
        sentences(text, para, sents);
        let sents = &*sents;
        keep.clear();
        keep.resize(sents.len(), true);
        // A sentence that repeats the one before it.
        let mut last_kept: Option<usize> = None;
        for (i, s) in sents.iter().enumerate() {
            if let Some(l) = last_kept {
                let a = &sents[l];
                let close = lengths_allow(a.key.len(), s.key.len(), NEAR);
                let sim = close.then(|| {
                    let (ha, hs) = (Histogram::of(a.key), Histogram::of(s.key));
                    similarity_at_least(a.key, &ha, s.key, &hs, NEAR)
                });
                if let Some(sim) = sim.flatten() {
                    let n = s.key.len();
                    let exact = sim >= 1.0;
                    if (exact && n >= 10) || (n >= 20 && digits(a.key) == digits(s.key)) {
                        keep[i] = false;
                        let start = skip_hspace_back(text, s.range.start).max(a.range.end);
                        // Symbols after it go too, the space before the next sentence stays.
                        let end = skip_noise(text, s.range.end, para.range.end);
                        let end = skip_hspace_back(text, end).max(s.range.end);
                        edits.push((start..end, RULE, if exact { 0.9 } else { 0.8 }));
                        continue;
                    } else if n >= 10 {
                        let c = sim as f32 * 0.7;
                        sink.suggest(s.range.clone(), vec![Candidate::new("", c)], RULE, c);
                    }
                }
            }
            last_kept = Some(i);
        }
        let kept = |keep: &[bool]| keep.iter().filter(|&&k| k).count();
        // The first sentence repeats the end of the previous paragraph.
        if let (Some(first), Some(prev)) = (keep.iter().position(|&k| k), prev_last) {
            let s = &sents[first];
            if kept(keep) >= 2 && s.terminal && !s.quoted && s.key.len() >= 12 && s.key == prev {
                keep[first] = false;
                edits.push((
                    s.range.start
                        ..skip_noise(text, next_kept_start(sents, keep, first), para.range.end),
                    RULE,
                    0.85,
                ));
            }
        }
        // The last sentence repeats an earlier paragraph: real text repeats itself too (a
        // manual ends two paragraphs with the same caution), and nothing in the text says the
        // engine read it twice, so this is a suggestion only.
        let earlier = &mut self.earlier;
        if let Some(earlier) = earlier.as_mut().filter(|_| kept(keep) >= 2) {
            if let Some(i) = keep.iter().rposition(|&k| k) {
                let s = &sents[i];
                if s.terminal && !s.quoted && s.key.len() >= 12 {
                    let sim = if earlier.contains(s.key) {
                        Some(1.0)
                    } else {
                        earlier.near(s.key, 0.85)
                    };
                    if let Some(sim) = sim {
                        let c = sim as f32 * 0.6;
                        sink.suggest(s.range.clone(), vec![Candidate::new("", c)], RULE, c);
                    }
                }
            }
        }
        if let Some(earlier) = earlier {
            // Other copies of earlier sentences are only flagged.
            let last = keep.iter().rposition(|&k| k);
            for (i, s) in sents.iter().enumerate() {
                if keep[i]
                    && Some(i) != last
                    && s.terminal
                    && !s.quoted
                    && s.key.len() >= 15
                    && earlier.contains(s.key)
                {
                    sink.suggest(s.range.clone(), vec![Candidate::new("", 0.5)], RULE, 0.5);
                }
            }
            for (i, s) in sents.iter().enumerate() {
                if keep[i] {
                    earlier.push(s.key);
                }
            }
        }
        keep.iter()
            .rposition(|&k| k)
            .filter(|&i| sents[i].terminal)
            .map(|i| sents[i].key)
    }
}

/// The end of the removal of sentence `i` at a paragraph start: up to the next kept sentence.
fn next_kept_start(sents: &[Sentence<'_>], keep: &[bool], i: usize) -> usize {
    sents[i + 1..]
        .iter()
        .zip(&keep[i + 1..])
        .find(|(_, &k)| k)
        .map_or(sents[i].range.end, |(s, _)| s.range.start)
}

/// Whitespace and the symbols the `stray-tokens` pass removes: a removal takes them along, so
/// that it leaves none at a new line edge.
fn is_noise(c: char) -> bool {
    is_horizontal_space(c) || is_strong_junk(c) || is_weak_junk(c) || (is_dash(c) && c.is_ascii())
}

/// The end of the noise that starts at `pos`, at most `ceil`.
fn skip_noise(text: &str, pos: usize, ceil: usize) -> usize {
    text[pos..ceil]
        .char_indices()
        .find(|&(_, c)| !is_noise(c))
        .map_or(ceil, |(i, _)| pos + i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The earlier text as it was first written: the stream copied, a sentence number per
    /// character, and a map from each shingle hash to its first 16 positions.
    #[derive(Default)]
    struct Naive {
        stream: Vec<char>,
        sentence_of: Vec<usize>,
        bounds: Vec<Range<usize>>,
        postings: HashMap<u64, Vec<usize>>,
    }

    impl Naive {
        fn push(&mut self, k: &[char]) {
            let start = self.stream.len();
            let id = self.bounds.len();
            self.stream.extend_from_slice(k);
            self.sentence_of.extend(std::iter::repeat_n(id, k.len()));
            for p in start..(start + k.len() + 1).saturating_sub(SHINGLE) {
                let v = self
                    .postings
                    .entry(shingle_hash(&self.stream[p..]))
                    .or_default();
                if v.len() < 16 {
                    v.push(p);
                }
            }
            self.bounds.push(start..self.stream.len());
        }

        fn get(&self, chars: &[char]) -> &[usize] {
            if chars.len() < SHINGLE {
                return &[];
            }
            self.postings
                .get(&shingle_hash(chars))
                .map_or(&[], Vec::as_slice)
        }

        fn contains(&self, k: &[char]) -> bool {
            k.len() >= SHINGLE
                && self.get(k).iter().any(|&p| {
                    let end = p + k.len();
                    end <= self.stream.len()
                        && self.sentence_of[p] == self.sentence_of[end - 1]
                        && self.stream[p..end] == *k
                })
        }

        fn near(&self, k: &[char], min: f64) -> Option<f64> {
            if k.len() < SHINGLE {
                return None;
            }
            let need = ((k.len() - SHINGLE + 1) / 4).max(2);
            let mut votes: HashMap<usize, usize> = HashMap::new();
            for o in 0..=k.len() - SHINGLE {
                for &p in self.get(&k[o..]) {
                    if p >= o {
                        *votes.entry(p - o).or_default() += 1;
                    }
                }
            }
            let mut best: Vec<(usize, usize)> =
                votes.into_iter().filter(|&(_, v)| v >= need).collect();
            best.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let hk = Histogram::of(k);
            best.into_iter()
                .take(4)
                .filter_map(|(d, _)| {
                    let b = &self.bounds[*self.sentence_of.get(d)?];
                    let region = &self.stream[d.max(b.start)..(d + k.len()).min(b.end)];
                    similarity_at_least(k, &hk, region, &Histogram::of(region), min)
                })
                .reduce(f64::max)
        }
    }

    /// Sentences over a small alphabet, so that shingles recur (over two letters, often more
    /// than 16 times).
    fn sentences() -> impl Strategy<Value = Vec<Vec<char>>> {
        prop_oneof![
            Just(vec!['甲', '乙', '丙', '丁', 'a', '。']),
            Just(vec!['甲', '乙']),
        ]
        .prop_flat_map(|alphabet| {
            let chars = prop::sample::select(alphabet);
            prop::collection::vec(prop::collection::vec(chars, 1..40), 1..60)
        })
    }

    /// A stretch of the text (its start, scaled to the text, and its length), maybe with one
    /// character changed: many are (near) copies of earlier sentences.
    type Probe = (f64, usize, Option<(usize, char)>);

    fn probes() -> impl Strategy<Value = Vec<Probe>> {
        let change = prop::option::of((0usize..40, prop::sample::select(vec!['乙', '戊'])));
        prop::collection::vec((0.0f64..1.0, 6usize..40, change), 1..6)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Every look-up, made before each sentence is pushed, answers as the naive earlier
        /// text does.
        #[test]
        fn earlier_answers_like_the_naive_stream(
            sents in sentences(),
            probes in probes(),
            min in 0.5f64..1.0,
        ) {
            let all: Vec<char> = sents.concat();
            let total = all.len();
            let mut earlier = Earlier::with_capacity(total);
            let mut naive = Naive::default();
            for s in &sents {
                let mut queries: Vec<Vec<char>> = vec![s.clone(), s[s.len() / 3..].to_vec()];
                for &(at, len, change) in &probes {
                    let start = ((at * naive.stream.len() as f64) as usize).min(total);
                    let mut q = all[start..(start + len).min(total)].to_vec();
                    if let Some((i, c)) = change.filter(|&(i, _)| i < q.len()) {
                        q[i] = c;
                    }
                    queries.push(q);
                }
                for k in &queries {
                    prop_assert_eq!(earlier.contains(k), naive.contains(k));
                    prop_assert_eq!(earlier.near(k, min), naive.near(k, min));
                }
                earlier.push(s);
                naive.push(s);
            }
        }
    }

    #[test]
    fn earlier_finds_copies_inside_one_sentence() {
        let a = key("截至目前，对筛查出的相关人员已全部落实管控措施。");
        let b = key("各街道连夜组织力量，逐户核实登记信息。");
        let mut earlier = Earlier::with_capacity(a.len() + b.len());
        earlier.push(&a);
        earlier.push(&b);
        // Inside one sentence: found; across the seam of two: not.
        assert!(earlier.contains(&key("对筛查出的相关人员已全部落实管控措施。")));
        let seam: Vec<char> = a[a.len() - 6..].iter().chain(&b[..6]).copied().collect();
        assert!(!earlier.contains(&seam));
        // One misread character: near, not contained.
        let near = key("对筛查出的相关人员己全部落实管控措施。");
        assert!(!earlier.contains(&near));
        assert!(earlier
            .near(&near, 0.85)
            .is_some_and(|s| s > 0.9 && s < 1.0));
        assert_eq!(
            earlier.near(&key("快速流调溯源，发挥公安联动优势。"), 0.85),
            None
        );
    }

    /// [`sentences`] as a plain scan of the chars does it (no run passed over by its bytes):
    /// each sentence's range in the paragraph, its key's length and whether it is terminal.
    fn sentences_by_chars(s: &str) -> Vec<(Range<usize>, usize, bool)> {
        let mut out = Vec::new();
        let visible = |r: Range<usize>| s[r].chars().filter(|c| !c.is_whitespace()).count();
        let mut open: Option<(usize, bool)> = None;
        let mut prev: Option<char> = None;
        let mut chars = s.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if open.is_none() && is_horizontal_space(c) {
                prev = Some(c);
                continue;
            }
            let (start, alnum) = open.get_or_insert((i, false));
            *alnum |= c.is_alphanumeric();
            let ends = match c {
                '。' | '！' | '？' | '!' | '?' => true,
                '.' => {
                    prev.is_some_and(char::is_alphabetic)
                        && chars.peek().is_none_or(|&(_, n)| is_horizontal_space(n))
                }
                _ => false,
            };
            prev = Some(c);
            if ends {
                let mut end = i + c.len_utf8();
                while let Some(&(j, d)) = chars.peek() {
                    if !matches!(d, '”' | '’' | '」' | '』' | '）' | ')' | '》' | '"') {
                        break;
                    }
                    end = j + d.len_utf8();
                    chars.next();
                }
                let (start, alnum) = (*start, *alnum);
                open = None;
                if alnum {
                    out.push((start..end, visible(start..end), true));
                }
            }
        }
        if let Some((start, true)) = open {
            let end = s.trim_end_matches(is_horizontal_space).len();
            if end > start {
                out.push((start..end, visible(start..end), false));
            }
        }
        out
    }

    #[test]
    fn sentences_as_by_chars() {
        let pieces = [
            "中文", "一", "，", "。", "！", "？", "、", "：", "；", "（", "）", "《", "》", "「",
            "」", "『", "』", "“", "”", "‘", "’", "〈", "〉", "\u{3000}", " ", "\t", "ab", "C",
            "7", ".", "!", "?", ")", "\"", "é", "—", "…", "．", "Ａ", "\u{2003}", "㐀",
        ];
        let mut seed = 1u64;
        for round in 0..4000 {
            let mut s = String::new();
            for _ in 0..(round % 40) {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                s.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            let mut keys = Vec::new();
            key_and_digits_into(&s, &mut keys);
            let para = Para {
                range: 0..s.len(),
                key: Cow::Borrowed(&keys),
                table_like: false,
            };
            let mut sents = Vec::new();
            super::sentences(&s, &para, &mut sents);
            let got: Vec<_> = (sents.iter())
                .map(|t| (t.range.clone(), t.key.len(), t.terminal))
                .collect();
            assert_eq!(got, sentences_by_chars(&s), "{s:?}");
            for t in &sents {
                assert_eq!(t.key, key(&s[t.range.clone()]).as_slice(), "{s:?}");
            }
        }
    }

    #[test]
    fn remembered_paragraphs_read_as_new_ones() {
        let first = "甲乙丙丁戊己庚辛。\n\nab  cd  ef\n12 34 5x\n重复的段落。\n重复的段落。\n";
        let second =
            "甲乙丙丁戊己庚辛。\n12 34 5x\nAb Ｃd\n\n重复的段落。\n新的 段落\n重复的段落。";
        let mut memo = ParaMemo::default();
        for text in [first, second, second, first] {
            let (mut fresh_keys, mut kept_keys) = (Vec::new(), Vec::new());
            let lines = paragraph_ranges(text);
            let (fresh, _) = paragraphs(text, &lines, &mut fresh_keys, &ParaMemo::default());
            let (kept, seen) = paragraphs(text, &lines, &mut kept_keys, &memo);
            let read = |p: &[Para<'_>]| -> Vec<_> {
                p.iter()
                    .map(|p| (p.range.clone(), p.key.to_vec(), p.table_like))
                    .collect()
            };
            assert_eq!(read(&kept), read(&fresh));
            drop(kept);
            memo = ParaMemo {
                text: text.to_string(),
                order: lines,
                quiet: None,
                keys: kept_keys,
                paras: seen,
                steps: Vec::new(),
            };
        }
    }

    #[test]
    fn remembered_plans_plan_as_new_ones() {
        let quiet = "第一段没有重复的内容。\n第二段也没有。\n";
        let spaced = "第一段没有重复的内容。\n\n\n第二段也没有。";
        let repeated = "对排查出的密接人员已全部转运隔离。\n对排查出的密接人员已全部转运隔离。\n";
        let suggested = "短句重复了一次。\n短句重复了一次。\n";
        let mut memo = ParaMemo::default();
        for text in [
            quiet, spaced, quiet, repeated, repeated, suggested, suggested, quiet, quiet,
        ] {
            let kept = plan(text, &mut EditSink::new(text), &mut memo);
            let fresh = plan(text, &mut EditSink::new(text), &mut ParaMemo::default());
            assert_eq!(kept, fresh, "{text:?}");
            let mut scratch = EditSink::new(text).without_suggestions();
            let kept = plan(text, &mut scratch, &mut memo);
            let mut scratch = EditSink::new(text).without_suggestions();
            let fresh = plan(text, &mut scratch, &mut ParaMemo::default());
            assert_eq!(kept, fresh, "{text:?}");
        }
    }

    #[test]
    fn plans_on_edited_texts_plan_as_new_ones() {
        // Texts of paragraphs that are quiet alone, repeat their neighbours (short repeats the
        // scan passes over, longer ones it removes or suggests), repeat sentences inside
        // themselves or at the seam with the previous one, or are table-like; each text is the
        // one before with a paragraph changed, inserted, removed or copied. The plan with the
        // run's memo finds what a plan without it finds, and leaves the same memo.
        let pool = [
            "第一段没有重复的内容。",
            "这是第二个段落，讲的是别的事情。",
            "短",
            "短句",
            "对排查出的密接人员已全部转运隔离。",
            "今天的天气非常非常好。今天的天气非常非常好。",
            "前面的话。这是一个很长的结尾句子啊。",
            "这是一个很长的结尾句子啊。然后继续说下去。",
            "12 34 56 78",
            "a  b  c  d",
            "The quick brown fox jumps over the lazy dog.",
            "第三段也不重复，但是比较长一些，长到可以比较。",
            "第三段也不重复，但是比较长一些，长到可以比一比。",
        ];
        // A sentence repeated at the seam of two paragraphs that did not follow one another in
        // the last plan (one was removed between them; the one before them changed).
        let (ends, starts) = (pool[6], pool[7]);
        for texts in [
            [
                format!("甲段没有重复的内容。\n乙段也没有重复。\n{ends}\n丁段没有。"),
                format!("甲段没有重复的内容。\n乙段也没有重复。\n{ends}\n{starts}"),
            ],
            [
                format!("{ends}\n丙段没有重复的东西。\n{starts}"),
                format!("{ends}\n{starts}"),
            ],
        ] {
            let mut memo = ParaMemo::default();
            for text in &texts {
                let kept = plan(
                    text,
                    &mut EditSink::new(text).without_suggestions(),
                    &mut memo,
                );
                let mut fresh_memo = ParaMemo::default();
                let mut sink = EditSink::new(text).without_suggestions();
                let fresh = plan(text, &mut sink, &mut fresh_memo);
                assert_eq!(kept, fresh, "{text:?}");
                assert_eq!(memo.quiet, fresh_memo.quiet, "{text:?}");
            }
            assert_eq!(memo.quiet, None);
        }
        let mut rng = ocrtidy_core::testing::Lcg::new(0x2545_f491_4f6c_dd1d);
        let mut next = move |n: usize| rng.below(n);
        let mut fast = 0;
        for _ in 0..400 {
            // Short enough for the memo (`MEMO_BYTES`).
            let mut paras: Vec<&str> = (0..next(16) + 2).map(|_| pool[next(4)]).collect();
            let mut memo = ParaMemo::default();
            for _ in 0..12 {
                let at = next(paras.len());
                match next(10) {
                    0 | 1 => paras[at] = pool[next(pool.len())],
                    2 => paras.insert(at, pool[next(pool.len())]),
                    3 if paras.len() > 2 => {
                        paras.remove(at);
                    }
                    4 => paras.insert(at, paras[at]),
                    _ => paras[at] = pool[next(4)],
                }
                paras.truncate(24);
                let text = paras.join(["\n", "\n\n"][next(2)].as_ref());
                let keep = next(6) == 0;
                let sink = |text| {
                    let sink = EditSink::new(text);
                    if keep {
                        sink
                    } else {
                        sink.without_suggestions()
                    }
                };
                fast += usize::from(memo.quiet == Some(false) && !keep);
                let kept = plan(&text, &mut sink(&text), &mut memo);
                let mut fresh_memo = ParaMemo::default();
                let fresh = plan(&text, &mut sink(&text), &mut fresh_memo);
                assert_eq!(kept, fresh, "{text:?}");
                assert_eq!(
                    (memo.quiet, &memo.steps),
                    (fresh_memo.quiet, &fresh_memo.steps),
                    "{text:?}"
                );
            }
        }
        assert!(fast > 600, "{fast}");
    }

    #[test]
    fn a_long_text_is_planned_without_a_memo() {
        let long: String = (0..200)
            .map(|i| format!("第{i}段没有重复的内容。\n"))
            .collect();
        assert!(long.len() > MEMO_BYTES);
        let mut memo = ParaMemo::default();
        for _ in 0..2 {
            let kept = plan(&long, &mut EditSink::new(&long), &mut memo);
            assert_eq!(kept, Vec::new());
            assert!(memo.text.is_empty() && memo.keys.is_empty() && memo.quiet.is_none());
            assert!(memo.steps.is_empty());
        }
        let short = "第一段没有重复的内容。\n";
        plan(short, &mut EditSink::new(short), &mut memo);
        assert_eq!((memo.text.as_str(), memo.quiet), (short, Some(true)));
    }

    #[test]
    fn cuts_overlapping_a_range() {
        let cuts = Cuts::new(vec![10..12, 0..30, 20..20, 5..6, 40..45]);
        let found = |r: Range<usize>| cuts.overlapping(&r).cloned().collect::<Vec<_>>();
        assert_eq!(found(8..15), vec![0..30, 10..12]);
        assert_eq!(found(31..40), Vec::<Range<usize>>::new());
        assert_eq!(found(19..21), vec![0..30, 20..20]);
        assert_eq!(found(44..50), vec![40..45]);
        let inside = Cuts::new(vec![3..4, 12..14]);
        assert_eq!(
            inside.overlapping(&(10..20)).cloned().collect::<Vec<_>>(),
            vec![12..14]
        );
    }
}
