//! Chinese correction: noisy-channel scoring of single-character substitutions.
//!
//! For every position the corrector considers the candidates of the confusion tables and scores
//! `ln P(context | candidate) + ln P(observed | candidate) - ln P(context | observed)` (log-odds):
//! - the channel `ln P(observed | candidate)` comes from the confusion weights (visual
//!   similarity, homophony, learned probabilities; see `ChannelParams`);
//! - the context score is the best unigram segmentation of a window of up to seven characters
//!   around the position, with overlapping compounds (残疾人 + 人士), lexicon frequencies and
//!   document evidence as a cache model (words that recur in the same document are likelier),
//!   plus how readily the character forms words with its neighbours (`Model::bond`);
//! - document support: how often the candidate occurs elsewhere in the document in the same
//!   context (`n`, at least three times with at least three shared characters) against how
//!   often the observed character does (`m`), `support_weight * k * ln((n + ½) / (m + ½))` with
//!   `k` the shared characters (up to six). Counts, not shares of the page: 总体国家安全观 four
//!   times makes 总体国家安全关 suspect on a long page as on a short one. The candidate's form
//!   must be more than twice as frequent as the observed one (Tesseract repeats its misreadings);
//! - sound-alike candidates lose [`Params::phonetic_offset`]: OCR misreads look alike;
//! - the OCR engine's confidence in the observed character, when the input had one
//!   (`Context::with_confidences`), moves the channel: `ln((1 - c) / (1 - reference))`.
//!
//! The scores of all candidates of a position are turned into a posterior against the observed
//! character and every other candidate, `ln(odds_c / (1 + Σ other odds))` (two plausible
//! readings make both unlikely), and calibrated, `confidence = sigmoid(cal_scale * posterior +
//! cal_bias)`, with the scale and bias fitted by logistic regression on the corrections of half
//! A of the development corpus (is the top candidate what the ground truth has?); on half B the
//! top candidates with confidence ≥ 0.8 are right 94 % of the time (mean confidence 0.94).
//!
//! Positions are questioned when the observed character stands alone in the segmentation (it
//! forms no word with its neighbours), or when a word that recurs in the document is one
//! confusion away from the observed characters (清徐 × 9 makes 清除 suspicious). A correction is
//! applied only when its confidence passes [`Params::apply`], beats its runner-up and every
//! competing correction nearby by [`Params::margin`], and its context is not garbled; a
//! correction of a character that already forms a word is only ever suggested: replacing one
//! valid word by another on document evidence alone is not safe enough to apply.

use ocrtidy_core::text::TextRange;
use ocrtidy_core::Context;

use crate::confusion::ConfusionKind;
use crate::model::{pack, Model, Partners, MAX_WORD};
use rustc_hash::FxHashMap as FxMap;

/// Scoring parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Params {
    /// Cost of every single-character word in a segmentation (characters that form words with
    /// their neighbours are more likely what the page printed).
    pub single_penalty: f32,
    /// ln P for a character the lexicon does not know.
    pub unknown: f32,
    /// Document evidence as a cache language model: a word's probability is
    /// `freq / lexicon total + evidence_weight * occurrences elsewhere / cache`, where `cache` is
    /// the number of words in the document, at most [`Params::cache_words`].
    pub evidence_weight: f32,
    /// The cache model's size in words: on a longer document a recurring word counts as much
    /// as on a document of this length (evidence is not diluted by the page's length).
    pub cache_words: f32,
    /// A word must occur this often in the document to make its near-variants suspicious.
    pub evidence_min: u32,
    /// A standalone character more frequent than this (的, 是, 在 ...) is not questioned unless
    /// document evidence points at it.
    pub max_single_freq: u32,
    /// Candidates per position from the confusion tables.
    pub max_candidates: usize,
    /// Apply a correction whose score (log-odds) reaches this, beats the next candidate and
    /// every correction competing for the same window by [`Params::margin`].
    pub apply: f32,
    /// See [`Params::apply`].
    pub margin: f32,
    /// Record a suggestion whose score reaches this.
    pub suggest: f32,
    /// Weight of word formation across neighbours: how much better the candidate bonds with
    /// the characters on each side than the observed character does (see `Model::bond`).
    pub bond_weight: f32,
    /// Apply corrections of a character that forms words with a neighbour elsewhere in the
    /// lexicon (off: such a character is more likely part of a word the lexicon lacks).
    pub allow_bonded: bool,
    /// Score overlapping compounds (a word starting on the last character of the previous
    /// word) in the context windows.
    pub overlap: bool,
    /// Garbled context: a correction is only applied when, after it, at most this many
    /// uncommon characters within two of it (itself included) still stand alone.
    pub max_noisy_neighbours: usize,
    /// Calibration of the posterior log-odds into a confidence: `confidence =
    /// sigmoid(cal_scale * posterior + cal_bias)` (fitted on half A of the development corpus).
    pub cal_scale: f32,
    /// See [`Params::cal_scale`].
    pub cal_bias: f32,
    /// Weight of the context gain (segmentation score with the candidate minus without).
    pub context_weight: f32,
    /// Weight of the channel log-likelihood.
    pub channel_weight: f32,
    /// Added to the score of a candidate by the table it comes from.
    pub visual_offset: f32,
    /// See [`Params::visual_offset`].
    pub phonetic_offset: f32,
    /// See [`Params::visual_offset`].
    pub learned_offset: f32,
    /// Added when a word with the candidate recurs in the document.
    pub evidence_offset: f32,
    /// Weight of the document support of a candidate: the score gains `support_weight * k *
    /// ln((n + 0.5) / (m + 0.5))`, where `n` is how often the candidate occurs elsewhere in the
    /// document with at least `k` characters of the same context around it (both sides
    /// together, at most [`SUPPORT_CONTEXT`]), and `m` how often the observed character does.
    /// Counts, not shares: a phrase that recurs four times is the same evidence on a long
    /// page as on a short one. Every shared character makes the recurrence less likely a
    /// coincidence, hence the factor `k`.
    pub support_weight: f32,
    /// Document support needs at least this many characters of shared context (one is a mere
    /// frequent bigram, 上面 for 上画; two still match many common phrases).
    pub support_min_context: usize,
    /// Document support needs the candidate's form at least this often elsewhere.
    pub support_min: u32,
    /// Added when the observed character forms a word with neither neighbour and the candidate
    /// forms a two-character word with one of them (weighted by that word's ln P above the
    /// floor `orphan_floor`). Off: on the development corpus it corrects more (残疾人土) but
    /// breaks as many correct characters (您便用 → 您使用, 上画 → 上面): the bond term already
    /// carries what it knows.
    pub orphan_weight: f32,
    /// See [`Params::orphan_weight`].
    pub orphan_floor: f32,
    /// Weight of the OCR engine's confidence in the observed character: the channel gains
    /// `ocr_weight * ln((1 - c) / (1 - ocr_reference))` (clamped to ±2.5), so a character read
    /// with low confidence is a likelier misread and one read with high confidence less so.
    pub ocr_weight: f32,
    /// The confidence at which the engine's confidence changes nothing.
    pub ocr_reference: f32,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            single_penalty: 0.0,
            unknown: -20.0,
            evidence_weight: 1.0,
            cache_words: 1000.0,
            evidence_min: 2,
            max_single_freq: 60_000,
            max_candidates: 24,
            apply: 1.4,
            margin: 0.7,
            suggest: -5.0,
            max_noisy_neighbours: 1,
            bond_weight: 0.25,
            allow_bonded: true,
            overlap: true,
            cal_scale: 0.7,
            cal_bias: -2.9,
            context_weight: 1.0,
            channel_weight: 1.0,
            visual_offset: 0.0,
            phonetic_offset: -1.0,
            learned_offset: 0.0,
            evidence_offset: 0.0,
            support_weight: 0.6,
            support_min_context: 3,
            support_min: 3,
            orphan_weight: 0.0,
            orphan_floor: -14.0,
            ocr_weight: 0.75,
            ocr_reference: 0.9,
        }
    }
}

/// A scored correction of one character.
#[derive(Clone, Debug, PartialEq)]
pub struct Correction {
    /// Byte range of the observed character in the text.
    pub start: usize,
    pub end: usize,
    /// Candidates, best first: (character, log-odds score, supported by document evidence).
    pub candidates: Vec<(char, f32, bool)>,
    /// True when the best candidate should replace the observed character; false for a
    /// suggestion.
    pub apply: bool,
    /// The OCR engine's confidence in the observed character, when the input had one.
    pub ocr_confidence: Option<f32>,
    /// The best candidate's score terms (context gain, channel, bond, visual, phonetic,
    /// learned, evidence, questioned, support log-ratio, support context, support count,
    /// orphan gain), for calibration tools.
    #[doc(hidden)]
    pub features: [f32; NFEATURES],
}

/// Number of score terms in [`Correction::features`].
#[doc(hidden)]
pub const NFEATURES: usize = 12;

/// The longest shared context (characters on both sides together) that document support
/// measures.
pub const SUPPORT_CONTEXT: usize = 6;

/// At most this many occurrences of a character next to the same neighbour are compared when
/// measuring document support.
const SUPPORT_SCAN: usize = 4096;

/// One character of a Han run.
#[derive(Clone, Copy)]
struct Slot {
    start: usize,
    end: usize,
    id: u16,
}

/// Finds the corrections of a text (scores at least `params.suggest`), in text order.
pub fn correct(text: &str, model: &Model, params: &Params) -> Vec<Correction> {
    correct_in(text, model, params, &Context::default())
}

/// [`correct`] with the OCR engine's confidences of the text's spans (in `text`'s offsets).
pub fn correct_in(
    text: &str,
    model: &Model,
    params: &Params,
    context: &Context,
) -> Vec<Correction> {
    correct_runs(text, model, params, context)
}

/// The last document a [`Typo`](crate::Typo) pass scored in a run (kept in the pass's
/// [`ocrtidy_core::PassMemory`]): the pipeline runs
/// every pass at least twice on a document (the second round confirms the fixed point), and
/// the second time the Han text is most often the same, only moved by edits of other passes
/// (paragraph breaks, spaces). The corrections depend on the text only through its Han runs
/// (with no protected terms and no OCR confidences), and those of a document group (see
/// [`DOCUMENT_CHARS`]) only through the runs of the group, so they are reused group by group,
/// moved to the runs' new offsets: on a long text, a round that changed a few characters scores
/// again only the groups that hold them.
pub(crate) struct Memo {
    /// The parameters the corrections were found with.
    params: Params,
    /// Every document group, in order.
    groups: Vec<GroupMemo>,
}

/// One document group of a [`Memo`].
#[derive(Default)]
struct GroupMemo {
    /// The runs' lengths, and their ids one after the other (2 bytes a Han character).
    key: RunKey,
    /// The corrections with the run (in the group) and the position in it of their character.
    found: Vec<(usize, usize, Correction)>,
}

/// The Han runs of a document group as ids: what its corrections depend on.
#[derive(Default, PartialEq)]
struct RunKey {
    lens: Vec<u32>,
    ids: Vec<u16>,
}

impl RunKey {
    fn of(runs: &[Vec<Slot>]) -> RunKey {
        RunKey {
            lens: runs.iter().map(|run| run.len() as u32).collect(),
            ids: runs.iter().flatten().map(|s| s.id).collect(),
        }
    }
}

/// [`correct_in`], remembering the last document in `last` (see [`Memo`]).
pub(crate) fn correct_memo(
    text: &str,
    model: &Model,
    params: &Params,
    context: &Context,
    last: &mut Option<Memo>,
) -> Vec<Correction> {
    if !context.is_empty() || !model.protected.is_empty() {
        return correct_in(text, model, params, context);
    }
    let mut old = last
        .take()
        .filter(|m| m.params == *params)
        .map_or_else(Vec::new, |m| m.groups);
    let mut groups = Vec::new();
    let mut out = Vec::new();
    let mut complete = true;
    for_each_group(text, model, |g, runs| {
        let key = RunKey::of(runs);
        match old.get_mut(g).filter(|m| m.key == key) {
            Some(m) => {
                out.extend(m.found.iter().map(|(r, p, c)| Correction {
                    start: runs[*r][*p].start,
                    end: runs[*r][*p].end,
                    ..c.clone()
                }));
                groups.push(std::mem::take(m));
            }
            None => {
                let before = out.len();
                // No protected terms here (see above).
                correct_group(runs, model, params, context, &[], &mut out);
                let mut found = Vec::with_capacity(out.len() - before);
                locate(runs, &out[before..], &mut found);
                complete &= found.len() == out.len() - before;
                groups.push(GroupMemo { key, found });
            }
        }
    });
    if complete && !groups.is_empty() {
        *last = Some(Memo {
            params: *params,
            groups,
        });
    }
    out
}

/// The most Han characters whose runs are scored as one document. The document evidence (word
/// counts, near-variants, shared contexts) grows with the document, and with it the work per
/// character: on text without real words (garbage OCR), cost grows faster than the length. A
/// longer text is scored in consecutive groups of runs of about this size (some 300 KB of
/// Chinese, a chapter or fifty newspaper pages), so the pass stays linear; shorter texts, all
/// pages and records in practice, are one group.
///
/// Groups are formed while the text is read and dropped once scored: the pass holds the runs of
/// one group at a time, not of the whole text.
const DOCUMENT_CHARS: usize = if cfg!(test) { 60 } else { 100_000 };

/// Calls `f(run)` for every maximal run of Han characters of `text`, in order.
fn for_each_run(text: &str, model: &Model, mut f: impl FnMut(&[Slot])) {
    let mut cur: Vec<Slot> = Vec::new();
    for (i, c) in text.char_indices() {
        if crate::model::is_han(c) {
            cur.push(Slot {
                start: i,
                end: i + c.len_utf8(),
                id: model.id(c).unwrap_or(0),
            });
        } else if !cur.is_empty() {
            f(&cur);
            cur.clear();
        }
    }
    if !cur.is_empty() {
        f(&cur);
    }
}

/// Calls `f(index, runs)` for every document group of the Han runs of `text`, in order (see
/// [`DOCUMENT_CHARS`]): a group is the longest sequence of runs of at most that many characters
/// together, or one longer run.
fn for_each_group(text: &str, model: &Model, mut f: impl FnMut(usize, &[Vec<Slot>])) {
    let mut group: Vec<Vec<Slot>> = Vec::new();
    let (mut g, mut chars) = (0, 0);
    for_each_run(text, model, |run| {
        if !group.is_empty() && chars + run.len() > DOCUMENT_CHARS {
            f(g, &group);
            group.clear();
            (g, chars) = (g + 1, 0);
        }
        chars += run.len();
        group.push(run.to_vec());
    });
    if !group.is_empty() {
        f(g, &group);
    }
}

/// Scores the Han runs of `text` group by group (see [`for_each_group`]).
fn correct_runs(text: &str, model: &Model, params: &Params, context: &Context) -> Vec<Correction> {
    let protected = protected_ranges(text, model);
    let mut out = Vec::new();
    for_each_group(text, model, |_, runs| {
        correct_group(runs, model, params, context, &protected, &mut out);
    });
    out
}

/// Pushes each of `found` (corrections of characters of `runs`, in text order) into `memo` with
/// the index of its run in `runs` and its position in the run; stops at one that is of no
/// character of the runs (then `memo` is shorter than `found`).
fn locate(runs: &[Vec<Slot>], found: &[Correction], memo: &mut Vec<(usize, usize, Correction)>) {
    for c in found {
        let Some(r) = runs
            .partition_point(|run| run[0].start <= c.start)
            .checked_sub(1)
        else {
            return;
        };
        let p = runs[r].partition_point(|s| s.start < c.start);
        if runs[r].get(p).is_none_or(|s| s.start != c.start) {
            return;
        }
        memo.push((r, p, c.clone()));
    }
}

/// Scores the runs of one document group (see [`DOCUMENT_CHARS`]), appending to `out`.
fn correct_group(
    runs: &[Vec<Slot>],
    model: &Model,
    params: &Params,
    context: &Context,
    protected: &[(usize, usize)],
    out: &mut Vec<Correction>,
) {
    let chars: usize = runs.iter().map(Vec::len).sum();
    let partners = (chars >= PARTNER_LISTS_FROM).then(|| model.partners());
    let (doc, single_flags, doc_words) = doc_evidence(runs, model, params, partners);
    let variants = NearVariants::new(&doc, model, params);
    let doc_seq = DocSeq::new(runs);
    let scorer = Scorer {
        model,
        params,
        doc: &doc,
        doc_words: (doc_words.max(1) as f32).min(params.cache_words.max(1.0)),
        partners,
    };
    for ((run, single), &at) in runs.iter().zip(&single_flags).zip(&doc_seq.run_start) {
        let place = Place {
            run,
            single,
            at,
            doc: &doc_seq,
        };
        correct_run(&place, &scorer, &variants, protected, context, out);
    }
}

/// Document evidence: the words of two or more characters of the best segmentation of every
/// run, and the names inside longer words, counted; which positions stand alone; the number of
/// words.
fn doc_evidence(
    runs: &[Vec<Slot>],
    model: &Model,
    params: &Params,
    partners: Option<&Partners>,
) -> (FxMap<u64, u32>, Vec<Vec<bool>>, usize) {
    let mut doc: FxMap<u64, u32> = FxMap::default();
    let mut single_flags = Vec::with_capacity(runs.len());
    let mut doc_words = 0usize;
    for run in runs {
        let ids: Vec<u16> = run.iter().map(|x| x.id).collect();
        let (single, words) = segment_run(&ids, model, params, partners);
        doc_words += words.len();
        for (s, e) in words {
            if e - s >= 2 {
                if let Some(k) = pack(&ids[s..e]) {
                    *doc.entry(k).or_insert(0) += 1;
                }
            }
            // Names inside longer words count too (清徐 in 清徐县).
            for a in s..e {
                for b in a + 2..=e {
                    if b - a < e - s && model.is_name(&ids[a..b]) {
                        if let Some(k) = pack(&ids[a..b]) {
                            *doc.entry(k).or_insert(0) += 1;
                        }
                    }
                }
            }
        }
        single_flags.push(single);
    }
    (doc, single_flags, doc_words)
}

/// Near-variants of recurring words: the words of the text that become a word recurring at
/// least `evidence_min` times in the document when one character is replaced by a character it
/// is misread for (清徐 × 9 makes 清除 suspicious).
///
/// A Bloom filter over the variant keys answers most windows of the text with a probe or two;
/// the few that pass are checked exactly against the document's words ([`NearVariants::hits`]).
struct NearVariants<'a> {
    /// Filter bits (a power of two of them), two probes per key.
    bits: Vec<u64>,
    /// 64 - log2(bits.len() * 64).
    shift: u32,
    doc: &'a FxMap<u64, u32>,
    min: u32,
}

impl<'a> NearVariants<'a> {
    fn new(doc: &'a FxMap<u64, u32>, model: &Model, params: &Params) -> NearVariants<'a> {
        let recurring = || doc.iter().filter(|&(_, &n)| n >= params.evidence_min);
        let count: usize = recurring()
            .map(|(&k, _)| {
                (0..key_len(k))
                    .map(|j| model.reverse[usize::from(key_id(k, j))].len())
                    .sum::<usize>()
            })
            .sum();
        if count == 0 {
            return NearVariants {
                bits: Vec::new(),
                shift: 0,
                doc,
                min: params.evidence_min,
            };
        }
        let nbits = (count * 16).next_power_of_two().max(64);
        let mut v = NearVariants {
            bits: vec![0; nbits / 64],
            shift: 64 - nbits.trailing_zeros(),
            doc,
            min: params.evidence_min,
        };
        for (&k, _) in recurring() {
            let len = key_len(k);
            for j in 0..len {
                let shift = 16 * (len - 1 - j);
                let rest = k & !(0xffff << shift);
                for &(obs, _) in &model.reverse[usize::from(key_id(k, j))] {
                    if obs != 0 {
                        let (a, b) = v.probes(rest | (u64::from(obs) << shift));
                        v.bits[a / 64] |= 1 << (a % 64);
                        v.bits[b / 64] |= 1 << (b % 64);
                    }
                }
            }
        }
        v
    }

    fn is_empty(&self) -> bool {
        self.bits.is_empty()
    }

    #[inline]
    fn probes(&self, key: u64) -> (usize, usize) {
        let h = key.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mask = (self.bits.len() * 64 - 1) as u64;
        ((h >> self.shift) as usize, ((h >> 16) & mask) as usize)
    }

    #[inline]
    fn may_contain(&self, key: u64) -> bool {
        if self.bits.is_empty() {
            return false;
        }
        let (a, b) = self.probes(key);
        self.bits[a / 64] & (1 << (a % 64)) != 0 && self.bits[b / 64] & (1 << (b % 64)) != 0
    }

    /// Calls `hit(j, intended)` for every recurring word that `key` (a window of the text) is
    /// a near-variant of: the word is `key` with its `j`-th character replaced by `intended`,
    /// a candidate of the confusion tables for that character.
    fn hits(&self, key: u64, model: &Model, mut hit: impl FnMut(usize, u16)) {
        if !self.may_contain(key) {
            return;
        }
        let len = key_len(key);
        for j in 0..len {
            let shift = 16 * (len - 1 - j);
            let rest = key & !(0xffff << shift);
            for conf in &model.confusions[usize::from(key_id(key, j))] {
                let word = rest | (u64::from(conf.intended) << shift);
                if conf.intended != 0 && self.doc.get(&word).is_some_and(|&n| n >= self.min) {
                    hit(j, conf.intended);
                }
            }
        }
    }
}

/// The number of ids packed in a key (see [`pack`]: the first id in the highest bits).
#[inline]
fn key_len(k: u64) -> usize {
    (64 - k.leading_zeros()).div_ceil(16) as usize
}

/// The `j`-th id of a packed key of [`key_len`] ids.
#[inline]
fn key_id(k: u64, j: usize) -> u16 {
    ((k >> (16 * (key_len(k) - 1 - j))) & 0xffff) as u16
}

/// The document's Han characters as one sequence of ids (runs separated by 0, with a 0 at
/// both ends), and where each id occurs in it after a given character and before one.
struct DocSeq {
    seq: Vec<u16>,
    /// (previous id, id) → positions of the id.
    after: PairIndex,
    /// (id, next id) → positions of the id.
    before: PairIndex,
    /// Index in `seq` of the first character of every run.
    run_start: Vec<usize>,
}

/// Positions by pair of ids: `pair << 32 | position`, sorted, so that the positions of a pair
/// are one run in increasing order, found by binary search.
struct PairIndex {
    entries: Vec<u64>,
    /// For a long document, where the entries of each first id start (`first[a]..first[a + 1]`),
    /// so that a look-up searches only the entries of its first id.
    first: Vec<u32>,
}

/// From this many entries a [`PairIndex`] has its `first` table.
const FIRST_TABLE_FROM: usize = 4096;

impl PairIndex {
    fn new(mut entries: Vec<u64>) -> PairIndex {
        entries.sort_unstable();
        let mut first = Vec::new();
        if entries.len() >= FIRST_TABLE_FROM && u32::try_from(entries.len()).is_ok() {
            let max = entries.last().map_or(0, |&e| (e >> 48) as usize);
            first = vec![0u32; max + 2];
            for &e in &entries {
                first[(e >> 48) as usize + 1] += 1;
            }
            for a in 0..=max {
                first[a + 1] += first[a];
            }
        }
        PairIndex { entries, first }
    }

    /// The entries of `key` (the position is the low 32 bits).
    fn get(&self, key: u32) -> &[u64] {
        let a = (key >> 16) as usize;
        let within = if self.first.is_empty() {
            &self.entries[..]
        } else if a + 1 < self.first.len() {
            &self.entries[self.first[a] as usize..self.first[a + 1] as usize]
        } else {
            &[]
        };
        let lo = u64::from(key) << 32;
        let from = within.partition_point(|&e| e < lo);
        let n = within[from..].partition_point(|&e| e >> 32 == u64::from(key));
        &within[from..from + n]
    }
}

/// Document support of a candidate: it occurs `n` times elsewhere in the document with at
/// least `k` characters of the same context around it (on both sides together), and the
/// observed character `m` times with that much context.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Support {
    n: u32,
    m: u32,
    k: usize,
}

impl DocSeq {
    fn new(runs: &[Vec<Slot>]) -> DocSeq {
        let total: usize = runs.iter().map(Vec::len).sum();
        let mut seq = Vec::with_capacity(total + runs.len() + 1);
        let mut run_start = Vec::with_capacity(runs.len());
        for run in runs {
            seq.push(0);
            run_start.push(seq.len());
            seq.extend(run.iter().map(|s| s.id));
        }
        seq.push(0);
        let mut after = Vec::with_capacity(total);
        let mut before = Vec::with_capacity(total);
        for (i, w) in seq.windows(3).enumerate() {
            let (Ok(p), &[a, b, c]) = (u32::try_from(i + 1), w) else {
                continue;
            };
            if b == 0 {
                continue;
            }
            if a != 0 {
                after.push(u64::from(pair(a, b)) << 32 | u64::from(p));
            }
            if c != 0 {
                before.push(u64::from(pair(b, c)) << 32 | u64::from(p));
            }
        }
        let (after, before) = (PairIndex::new(after), PairIndex::new(before));
        DocSeq {
            seq,
            after,
            before,
            run_start,
        }
    }

    /// How many occurrences of `c` elsewhere share 1, 2, ... [`SUPPORT_CONTEXT`] characters of
    /// context with position `g` (the longest common run to the left plus to the right); only
    /// the occurrences next to the same neighbour as `g` on one side are compared (the others
    /// share nothing), so the cost does not grow with the frequency of `c`.
    fn shared(&self, g: usize, c: u16) -> [u32; SUPPORT_CONTEXT + 1] {
        let mut hist = [0u32; SUPPORT_CONTEXT + 1];
        let at = |i: usize| self.seq.get(i).copied().unwrap_or(0);
        let (prev, next) = (if g > 0 { at(g - 1) } else { 0 }, at(g + 1));
        fn list(index: &PairIndex, a: u16, b: u16) -> impl Iterator<Item = usize> + '_ {
            let entries = if a == 0 || b == 0 {
                &[]
            } else {
                index.get(pair(a, b))
            };
            entries.iter().map(|&e| (e & 0xffff_ffff) as usize)
        }
        let same_prev = list(&self.after, prev, c).take(SUPPORT_SCAN);
        // Occurrences after the same character were counted with `same_prev`.
        let same_next_only = list(&self.before, c, next)
            .take(SUPPORT_SCAN)
            .filter(|&p| prev == 0 || at(p.saturating_sub(1)) != prev);
        for p in same_prev.chain(same_next_only) {
            if p == g {
                continue;
            }
            let mut l = 0;
            while l < SUPPORT_CONTEXT && l < p && l < g {
                let a = at(p - 1 - l);
                if a == 0 || a != at(g - 1 - l) {
                    break;
                }
                l += 1;
            }
            let mut r = 0;
            while l + r < SUPPORT_CONTEXT {
                let a = at(p + 1 + r);
                if a == 0 || a != at(g + 1 + r) {
                    break;
                }
                r += 1;
            }
            hist[l + r] += 1;
        }
        hist
    }

    /// The support of candidate `c` for the observed character `o` at `g` (`observed` caches
    /// its histogram from [`DocSeq::shared`]): the longest context `k` (at least 1) that `c`
    /// shares with `g` at `min` or more places elsewhere, or `None`. There is no support
    /// either unless the candidate's form is more than twice as frequent as the observed one
    /// (Tesseract repeats its misreadings; two valid readings of a phrase both recur).
    fn support(
        &self,
        g: usize,
        c: u16,
        (o, observed): (u16, &mut Option<[u32; SUPPORT_CONTEXT + 1]>),
        min: u32,
        min_context: usize,
    ) -> Option<Support> {
        if min_context > SUPPORT_CONTEXT {
            return None;
        }
        let hist = self.shared(g, c);
        let mut n = 0;
        for k in (min_context.max(1)..=SUPPORT_CONTEXT).rev() {
            n += hist[k];
            if n >= min.max(1) {
                let observed = observed.get_or_insert_with(|| self.shared(g, o));
                let m: u32 = observed[k..].iter().sum();
                return (n > 2 * m).then_some(Support { n, m, k });
            }
        }
        None
    }
}

impl Support {
    /// `ln((n + 0.5) / (m + 0.5))`: how much likelier the candidate's form is in this document
    /// than the observed one, whatever the document's length.
    fn log_ratio(&self) -> f32 {
        ((self.n as f32 + 0.5) / (self.m as f32 + 0.5)).ln()
    }
}

/// A run and its place in the document.
struct Place<'a> {
    run: &'a [Slot],
    single: &'a [bool],
    /// Index of the run's first character in `doc.seq`.
    at: usize,
    doc: &'a DocSeq,
}

#[inline]
fn pair(a: u16, b: u16) -> u32 {
    (u32::from(a) << 16) | u32::from(b)
}

fn protected_ranges(text: &str, model: &Model) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    for term in &model.protected {
        if term.is_empty() {
            continue;
        }
        for (i, _) in text.match_indices(term.as_str()) {
            ranges.push((i, i + term.len()));
        }
    }
    ranges
}

struct Scorer<'a> {
    model: &'a Model,
    params: &'a Params,
    doc: &'a FxMap<u64, u32>,
    /// Words in the document's segmentation (at least 1, at most `Params::cache_words`).
    doc_words: f32,
    /// The model's pairs as partner lists, for a group of [`PARTNER_LISTS_FROM`] characters or
    /// more (the same answers as `Model::pair`, faster when asked often; built once per process).
    partners: Option<&'a Partners>,
}

/// The longest window [`Scorer::segment`] scores.
const W: usize = 2 * MAX_WORD + 1;

/// What [`Scorer::word_lp`] says of a word (`None`: not a word).
type WordLp = Option<(f32, bool)>;

/// What [`Scorer::segment`] looks up in a window and is the same for every candidate at its
/// focus, computed on first use (a new one for each focus).
#[derive(Default)]
struct Edges {
    /// [`Scorer::word_lp`] of the words that do not cover the focus, by end and length.
    words: [[Option<WordLp>; MAX_WORD]; W],
    /// `links[t]`: the characters `t` and `t + 1` occur together in some word, for the pairs
    /// that do not include the focus.
    links: [Option<bool>; W],
}

/// Groups of at least this many Han characters test pairs on [`Model::partners`].
const PARTNER_LISTS_FROM: usize = 20_000;

impl Scorer<'_> {
    /// [`Model::pair`] (on the partner lists when the group has them).
    #[inline]
    fn pair(&self, a: u16, b: u16) -> bool {
        match self.partners {
            Some(p) => p.pair(a, b),
            None => self.model.pair(a, b),
        }
    }

    /// ln P of a word with document evidence (minus `own` occurrences: the word at the scored
    /// position is no evidence for itself), or `None` when the lexicon does not know it.
    #[inline]
    fn word_lp(&self, ids: &[u16], own: u32) -> Option<(f32, bool)> {
        if ids.len() == 1 {
            let lp = self
                .model
                .word(ids)
                .map(|(lp, _)| lp)
                .unwrap_or(self.params.unknown);
            return Some((lp - self.params.single_penalty, false));
        }
        let (lp, f) = self.model.word(ids)?;
        let n = pack(ids)
            .and_then(|k| self.doc.get(&k).copied())
            .unwrap_or(0)
            .saturating_sub(own);
        if n == 0 {
            return Some((lp, false));
        }
        let lex = f as f32 / self.model.ln_total.exp();
        let boosted = (lex + self.params.evidence_weight * n as f32 / self.doc_words).ln();
        Some((boosted.max(lp), true))
    }

    /// Best segmentation score of `ids`, and whether a word of the best path that covers
    /// `focus` was supported by document evidence. `original` says that `ids` are the text as
    /// it is; the words that are in the text at this place are counted once less as evidence.
    ///
    /// The third value counts the uncommon characters within two of `focus` (and `focus`
    /// itself) that stand alone in the best path: a measure of how garbled the context is.
    fn segment(
        &self,
        ids: &[u16],
        focus: usize,
        original: bool,
        edges: &mut Edges,
    ) -> (f32, bool, usize) {
        let n = ids.len();
        // Consecutive characters up to `j` that occur together in words: a word of the lexicon
        // has every pair of neighbours in `Model::pair`, so a longer one is not looked up.
        let mut chain = 0;
        // State (j, k): the best path over ids[..j] whose last word is a single character
        // (k = 0) or longer (k = 1). Back pointer: previous state, start of the last word,
        // evidence flag.
        let mut best = [[f32::NEG_INFINITY; 2]; W];
        let mut back = [[(0usize, 0usize, 0usize, false); 2]; W];
        best[0][0] = 0.0;
        for j in 1..=n {
            if j >= 2 {
                let t = j - 2;
                let linked = if t + 1 == focus || t == focus {
                    self.pair(ids[t], ids[t + 1])
                } else {
                    *edges.links[t].get_or_insert_with(|| self.pair(ids[t], ids[t + 1]))
                };
                chain = if linked { chain + 1 } else { 0 };
            }
            for len in 1..=MAX_WORD.min(j) {
                let s = j - len;
                if len > chain + 1 {
                    break;
                }
                let k = usize::from(len > 1);
                // Words that are in the text at this very place are no evidence for themselves.
                let covers = s <= focus && focus < j;
                let own = u32::from(original || !covers);
                // A word that does not cover `focus` is the same for every candidate there.
                let word = if covers {
                    self.word_lp(&ids[s..j], own)
                } else {
                    *edges.words[j][len - 1].get_or_insert_with(|| self.word_lp(&ids[s..j], own))
                };
                let Some((lp, ev)) = word else {
                    continue;
                };
                for pk in 0..2 {
                    let v = best[s][pk] + lp;
                    if v > best[j][k] {
                        best[j][k] = v;
                        back[j][k] = (s, pk, s, ev);
                    }
                }
                // Overlapping compounds: a word that starts on the last character of the
                // previous word (残疾人 + 人士 → 残疾人士) costs P(word) / P(shared char).
                if len >= 2 && self.params.overlap && s + 1 < W && s < n {
                    let from = s + 1;
                    if best[from][1] > f32::NEG_INFINITY {
                        let shared = self
                            .model
                            .word(&ids[s..s + 1])
                            .map_or(self.params.unknown, |w| w.0);
                        let v = best[from][1] + lp - shared;
                        if v > best[j][1] {
                            best[j][1] = v;
                            back[j][1] = (from, 1, s, ev);
                        }
                    }
                }
            }
        }
        let (mut j, mut k) = if best[n][0] >= best[n][1] {
            (n, 0)
        } else {
            (n, 1)
        };
        let score = best[n][k];
        let mut evidence = false;
        let mut noisy = 0;
        while j > 0 {
            let (prev, pk, s, ev) = back[j][k];
            if s <= focus && focus < j {
                evidence |= ev;
            }
            if j - s == 1
                && s.abs_diff(focus) <= 2
                && self
                    .model
                    .word(&ids[s..j])
                    .is_none_or(|(_, f)| f <= self.params.max_single_freq)
            {
                noisy += 1;
            }
            j = prev;
            k = pk;
        }
        (score, evidence, noisy)
    }
}

/// The best segmentation of a run: which positions stand alone, and the words (start, end).
/// `partners`: [`Model::partners`], or `None` to ask [`Model::pair`].
fn segment_run(
    ids: &[u16],
    model: &Model,
    params: &Params,
    partners: Option<&Partners>,
) -> (Vec<bool>, Vec<(usize, usize)>) {
    let n = ids.len();
    let mut best = vec![f32::NEG_INFINITY; n + 1];
    let mut back = vec![0usize; n + 1];
    best[0] = 0.0;
    // Consecutive characters up to `j` that occur together in words (a word of the lexicon has
    // every pair of neighbours in `Model::pair`): longer words are not looked up.
    let mut chain = 0;
    for j in 1..=n {
        if j >= 2 {
            let (a, b) = (ids[j - 2], ids[j - 1]);
            let linked = partners.map_or_else(|| model.pair(a, b), |p| p.pair(a, b));
            chain = if linked { chain + 1 } else { 0 };
        }
        for len in 1..=MAX_WORD.min(j) {
            if len > chain + 1 {
                break;
            }
            let s = j - len;
            let lp = if len == 1 {
                model
                    .word(&ids[s..j])
                    .map(|(lp, _)| lp)
                    .unwrap_or(params.unknown)
                    - params.single_penalty
            } else {
                match model.word(&ids[s..j]) {
                    Some((lp, _)) => lp,
                    None => continue,
                }
            };
            if best[s] + lp > best[j] {
                best[j] = best[s] + lp;
                back[j] = s;
            }
        }
    }
    let mut single = vec![false; n];
    let mut words = Vec::new();
    let mut j = n;
    while j > 0 {
        let s = back[j];
        if j - s == 1 {
            single[s] = true;
        }
        words.push((s, j));
        j = s;
    }
    (single, words)
}

fn correct_run(
    place: &Place<'_>,
    scorer: &Scorer<'_>,
    variants: &NearVariants<'_>,
    protected: &[(usize, usize)],
    context: &Context,
    out: &mut Vec<Correction>,
) {
    let (run, single) = (place.run, place.single);
    let n = run.len();
    if n < 2 {
        return;
    }
    let model = scorer.model;
    let params = scorer.params;
    let common: Vec<bool> = run
        .iter()
        .map(|s| {
            model
                .word(&[s.id])
                .is_some_and(|(_, f)| f > params.max_single_freq)
        })
        .collect();
    // Candidates from document evidence, per position.
    let mut evidence: Vec<Vec<u16>> = vec![Vec::new(); n];
    if !variants.is_empty() {
        let ids: Vec<u16> = run.iter().map(|s| s.id).collect();
        for s in 0..n {
            for len in 2..=MAX_WORD.min(n - s) {
                if let Some(k) = pack(&ids[s..s + len]) {
                    variants.hits(k, model, |j, intended| {
                        if !evidence[s + j].contains(&intended) {
                            evidence[s + j].push(intended);
                        }
                    });
                }
            }
        }
    }
    // `Model::pair`, from the partner lists on a long text (see `Scorer::partners`): with the
    // neighbour's list, which stays in cache for all the confusions of a character.
    let pair = |a: u16, b: u16| scorer.pair(a, b);
    let pair_left = |a: u16, b: u16| match scorer.partners {
        Some(p) => p.pair_left(a, b),
        None => model.pair(a, b),
    };
    let mut found: Vec<(usize, Correction)> = Vec::new();
    let mut window: Vec<u16> = Vec::with_capacity(2 * MAX_WORD);
    for i in 0..n {
        let slot = run[i];
        if slot.id == 0
            || protected
                .iter()
                .any(|&(a, b)| slot.start < b && a < slot.end)
        {
            continue;
        }
        let prev = if i > 0 { run[i - 1].id } else { 0 };
        let next = if i + 1 < n { run[i + 1].id } else { 0 };
        let questioned = single[i] && !common[i];
        // Neither questioned nor pointed at by document evidence: no candidate.
        if !questioned && evidence[i].is_empty() {
            continue;
        }
        let mut cands: Vec<(u16, f32, ConfusionKind)> = Vec::new();
        for conf in &model.confusions[slot.id as usize] {
            let from_evidence = evidence[i].contains(&conf.intended);
            if from_evidence
                || (questioned
                    && cands.len() < params.max_candidates
                    && (pair(prev, conf.intended) || pair_left(conf.intended, next)))
            {
                cands.push((conf.intended, conf.channel, conf.kind));
            }
        }
        if cands.is_empty() {
            continue;
        }
        let lo = i.saturating_sub(MAX_WORD - 1);
        let hi = (i + MAX_WORD).min(n);
        window.clear();
        window.extend(run[lo..hi].iter().map(|s| s.id));
        let focus = i - lo;
        let mut edges = Edges::default();
        let (base, _, _) = scorer.segment(&window, focus, true, &mut edges);
        let bond_base = model.bond(prev, slot.id) + model.bond(slot.id, next);
        let ocr_confidence = context.confidence_in(TextRange::new(slot.start, slot.end));
        let ocr_prior = ocr_confidence.map_or(0.0, |c| {
            let lo = (1.0 - params.ocr_reference).max(1e-3);
            params.ocr_weight * ((1.0 - c).max(1e-3) / lo).ln().clamp(-2.5, 2.5)
        });
        let g = place.at + i;
        let mut observed = None;
        // The observed character forms a word with neither neighbour.
        let orphan = questioned && !model.pair(prev, slot.id) && !model.pair(slot.id, next);
        let mut all: Vec<(char, f32, bool, usize, [f32; NFEATURES], u16)> =
            Vec::with_capacity(cands.len());
        for (cand, channel, kind) in cands {
            let support = place.doc.support(
                g,
                cand,
                (slot.id, &mut observed),
                params.support_min,
                params.support_min_context,
            );
            let (ratio, shared) = support.map_or((0.0, 0.0), |s| (s.log_ratio(), s.k as f32));
            let orphan_gain = if orphan {
                let lp = |a: u16, b: u16| model.word(&[a, b]).map_or(f32::NEG_INFINITY, |w| w.0);
                let best = lp(prev, cand).max(lp(cand, next));
                (best - params.orphan_floor).max(0.0)
            } else {
                0.0
            };
            window[focus] = cand;
            let (score, ev, noisy) = scorer.segment(&window, focus, false, &mut edges);
            // Word formation only matters where the character stands alone; a word's near-variant
            // is judged on document evidence.
            let bond = if questioned {
                model.bond(prev, cand) + model.bond(cand, next) - bond_base
            } else {
                0.0
            };
            let features = [
                score - base,
                channel,
                bond,
                f32::from(u8::from(kind == ConfusionKind::Visual)),
                f32::from(u8::from(kind == ConfusionKind::Phonetic)),
                f32::from(u8::from(kind == ConfusionKind::Learned)),
                f32::from(u8::from(ev)),
                f32::from(u8::from(questioned)),
                ratio,
                shared,
                support.map_or(0.0, |s| s.n as f32),
                orphan_gain,
            ];
            let delta = params.context_weight * (score - base)
                + params.channel_weight * channel
                + ocr_prior
                + params.bond_weight * bond
                + match kind {
                    ConfusionKind::Visual => params.visual_offset,
                    ConfusionKind::Phonetic => params.phonetic_offset,
                    ConfusionKind::Learned => params.learned_offset,
                }
                + if ev { params.evidence_offset } else { 0.0 }
                + params.support_weight * shared * ratio
                + params.orphan_weight * orphan_gain;
            let ev = ev || support.is_some_and(|s| s.log_ratio() > 0.0);
            all.push((model.chars[cand as usize], delta, ev, noisy, features, cand));
        }
        // Posterior of each candidate against the observed character (odds 1) and every other
        // candidate: ln(odds_c / (1 + sum of the other odds)), then calibrated.
        let total: f32 = all.iter().map(|c| c.1.min(60.0).exp()).sum();
        let mut scored: Vec<(char, f32, bool)> = Vec::new();
        let mut best_noisy = usize::MAX;
        let mut best_post = f32::NEG_INFINITY;
        let mut best_features = [0.0; NFEATURES];
        let mut best_id = 0u16;
        for &(ch, delta, ev, noisy, features, id) in &all {
            let others = (1.0 + total - delta.min(60.0).exp()).max(1.0);
            let post = params.cal_scale * (delta - others.ln()) + params.cal_bias;
            if post >= params.suggest {
                scored.push((ch, post, ev));
                if post > best_post {
                    best_post = post;
                    best_noisy = noisy;
                    best_features = features;
                    best_id = id;
                }
            }
        }
        if scored.is_empty() {
            continue;
        }
        scored.sort_by(|a, b| b.1.total_cmp(&a.1));
        scored.truncate(3);
        let best = scored[0].1;
        let runner_up = scored.get(1).map_or(f32::NEG_INFINITY, |c| c.1);
        // The correction would take a character from a two-character word of the text as it
        // is and leave its other character stranded (贵 + 工厂 read as 员工 + 厂): the text
        // reads well as it stands, so at most a suggestion. Taking one from a longer word
        // leaves a word behind (残疾 + 人士), and a common character stands alone well (宙 +
        // 现在 → 实现 + 在).
        let at = |k: usize| run.get(k).map_or(0, |s| s.id);
        let word = |w: &[u16]| w.iter().all(|&c| c != 0) && model.word(w).is_some();
        let stranded = |c: u16| {
            model
                .word(&[c])
                .is_none_or(|(_, f)| f <= params.max_single_freq)
        };
        let takes_right = i + 2 < n
            && stranded(at(i + 2))
            && !word(&[prev, best_id])
            && word(&[best_id, next])
            && !single[i + 1]
            && word(&[next, at(i + 2)])
            && !word(&[best_id, next, at(i + 2)]);
        let takes_left = i >= 2
            && stranded(at(i - 2))
            && !word(&[best_id, next])
            && word(&[prev, best_id])
            && !single[i - 1]
            && word(&[at(i - 2), prev])
            && (i < 3 || !word(&[at(i - 3), at(i - 2), prev]))
            && !word(&[at(i - 2), prev, best_id]);
        let apply = questioned
            && !takes_right
            && !takes_left
            && (params.allow_bonded || bond_base == 0.0)
            && best_noisy <= params.max_noisy_neighbours
            && best >= params.apply
            && best - runner_up >= params.margin;
        found.push((
            i,
            Correction {
                start: slot.start,
                end: slot.end,
                candidates: scored,
                apply,
                ocr_confidence,
                features: best_features,
            },
        ));
    }
    // Corrections whose windows overlap compete: only a clear winner is applied.
    let scores: Vec<(usize, f32)> = found.iter().map(|(i, c)| (*i, c.candidates[0].1)).collect();
    for (k, (i, c)) in found.iter_mut().enumerate() {
        if c.apply {
            let best = c.candidates[0].1;
            c.apply = !scores.iter().enumerate().any(|(j, &(p, s))| {
                j != k && p.abs_diff(*i) < MAX_WORD && s >= best - params.margin
            });
        }
    }
    out.extend(found.into_iter().map(|(_, c)| c));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(texts: &[&[u16]]) -> Vec<Vec<Slot>> {
        texts
            .iter()
            .map(|ids| {
                ids.iter()
                    .map(|&id| Slot {
                        start: 0,
                        end: 0,
                        id,
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn the_memo_gives_the_corrections_of_the_text_as_it_is() {
        let typo = crate::Typo::embedded();
        let model = typo.model_for_debug();
        let params = *typo.params();
        let strict = Params {
            apply: 3.0,
            ..params
        };
        let none = Context::default();
        // The same Han runs moved (paragraph breaks, spaces), one character changed, a run
        // split: each text gets exactly its own corrections, whatever the memo saw before.
        let text = "把思想统一到科学发展观上来。学习科学发展观的内涵。坚持科学发展观不动摇。\n\n\
                    贯彻落实科学发展观。我们要牢固树立科学发展关，推动经济发展。";
        let moved = text.replace("\n\n", "\n").replace('，', " ， ");
        let fixed = text.replace("发展关", "发展观");
        let split = text.replace("树立科学", "树立 科学");
        let steps = [
            (text, &params),
            (text, &params),
            (moved.as_str(), &params),
            (moved.as_str(), &strict),
            (fixed.as_str(), &params),
            (split.as_str(), &params),
            (text, &params),
        ];
        let mut last = None;
        for (t, p) in steps {
            let want = correct_in(t, model, p, &none);
            assert_eq!(correct_memo(t, model, p, &none, &mut last), want, "{t}");
        }
        let want = correct_in(&moved, model, &params, &none);
        assert!(want
            .iter()
            .any(|c| c.apply && &moved[c.start..c.end] == "关"));
    }

    #[test]
    fn the_memo_scores_again_only_the_groups_that_changed() {
        let typo = crate::Typo::embedded();
        let model = typo.model_for_debug();
        let params = *typo.params();
        let none = Context::default();
        // Many groups (of DOCUMENT_CHARS = 60 in tests): one character changed in one of them,
        // a run split in another, runs moved; each text gets exactly its own corrections.
        let page = "把思想统一到科学发展观上来。学习科学发展观的内涵。坚持科学发展观不动摇。\n\n\
                    贯彻落实科学发展观。我们要牢固树立科学发展关，推动经济发展。\n";
        let text = page.repeat(6);
        let fixed = text.replacen("发展关", "发展观", 1);
        let split = fixed.replacen("树立科学", "树立 科学", 2);
        let moved = split.replace("\n\n", "\n");
        let mut last = None;
        for t in [&text, &text, &fixed, &split, &moved, &text, &moved] {
            let want = correct_in(t, model, &params, &none);
            assert_eq!(
                correct_memo(t, model, &params, &none, &mut last),
                want,
                "{t}"
            );
        }
        assert!(!correct_in(&text, model, &params, &none).is_empty());
    }

    #[test]
    fn partner_lists_answer_as_the_pair_table() {
        let typo = crate::Typo::embedded();
        let model = typo.model_for_debug();
        let partners = model.partners();
        let ids: Vec<u16> = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处府受本义"
            .chars()
            .filter_map(|c| model.id(c))
            .chain([0, 1, u16::MAX])
            .collect();
        let mut linked = 0;
        for &a in &ids {
            for &b in &ids {
                let want = a != u16::MAX && b != u16::MAX && model.pair(a, b);
                assert_eq!(partners.pair(a, b), want, "{a} {b}");
                assert_eq!(partners.pair_left(a, b), want, "{a} {b}");
                linked += usize::from(want);
            }
        }
        assert!(linked > 100);
    }

    #[test]
    fn pair_index_with_a_first_table_finds_what_a_search_does() {
        // Ids 1..40 in a fixed pseudo-random order: more than FIRST_TABLE_FROM positions.
        let ids: Vec<u16> = (0..3 * FIRST_TABLE_FROM as u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u16 % 40 + 1)
            .collect();
        let doc = DocSeq::new(&runs(&[&ids[..]]));
        assert!(!doc.after.first.is_empty());
        for a in 0..=41 {
            for b in 0..=41 {
                let key = pair(a, b);
                let want: Vec<u64> = doc
                    .after
                    .entries
                    .iter()
                    .copied()
                    .filter(|&e| e >> 32 == u64::from(key))
                    .collect();
                assert_eq!(doc.after.get(key), &want[..]);
            }
        }
    }

    #[test]
    fn support_counts_shared_context_not_page_length() {
        // Runs: 1 2 3 4 9 (three times), 1 2 3 5 (the variant: 5 for 9), and a long run of 7s.
        let long = vec![7u16; 5000];
        let doc = DocSeq::new(&runs(&[
            &[1, 2, 3, 4, 9],
            &[1, 2, 3, 4, 9, 8],
            &[6, 2, 3, 4, 9],
            &[1, 2, 3, 4, 5],
            &long,
        ]));
        // The variant's 5 is the last character of the fourth run.
        let g = doc.run_start[3] + 4;
        let mut observed = None;
        let s = doc.support(g, 9, (5, &mut observed), 3, 3);
        // Three occurrences of 9 share at least 3 characters (2 3 4) with it, none of 5.
        assert_eq!(s, Some(Support { n: 3, m: 0, k: 3 }));
        // Two of them share 4 (1 2 3 4): the longest context with 3 occurrences is 3.
        assert_eq!(doc.shared(g, 9)[4], 2);
        // Needing four occurrences, or more context than exists: no support.
        assert_eq!(doc.support(g, 9, (5, &mut None), 4, 3), None);
        assert_eq!(doc.support(g, 9, (5, &mut None), 3, 5), None);
    }

    #[test]
    fn a_variant_as_frequent_as_half_the_phrase_is_no_support() {
        let doc = DocSeq::new(&runs(&[
            &[1, 2, 3, 9],
            &[1, 2, 3, 9],
            &[1, 2, 3, 9],
            &[1, 2, 3, 5],
            &[1, 2, 3, 5],
        ]));
        let g = doc.run_start[4] + 3;
        // n = 3, m = 1: supported. With one more 1 2 3 5, n = 3 ≤ 2 m = 4: not.
        assert_eq!(
            doc.support(g, 9, (5, &mut None), 3, 3),
            Some(Support { n: 3, m: 1, k: 3 })
        );
        let doc = DocSeq::new(&runs(&[
            &[1, 2, 3, 9],
            &[1, 2, 3, 9],
            &[1, 2, 3, 9],
            &[1, 2, 3, 5],
            &[1, 2, 3, 5],
            &[1, 2, 3, 5],
        ]));
        let g = doc.run_start[5] + 3;
        assert_eq!(doc.support(g, 9, (5, &mut None), 3, 3), None);
    }
}
