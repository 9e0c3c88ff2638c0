//! Document evidence: the words that recur in the document (a cache model of the context
//! score), and their near-variants (words one confusion away, which make a position suspect).

use std::cell::RefCell;

use super::groups::Runs;
use super::segment::{segment_run, RunBuffers};
use super::Params;
use crate::flat::KeyFilter;
use crate::model::{pack, Model, Partners};
use rustc_hash::FxHashMap as FxMap;

/// The best segmentation of the runs of a document group, their ids one after the other (as
/// the memo keeps them, `RunKey`): bit `i` is set when a word starts at the `i`-th character.
/// A run's segmentation depends on its ids alone, so the memo keeps the group's, and the runs
/// of the next round that are the same are not segmented again ([`Reuse`]).
#[derive(Default)]
pub(super) struct Segmentation {
    starts: Vec<u64>,
}

impl Segmentation {
    fn set(&mut self, i: usize) {
        let w = i / 64;
        if w >= self.starts.len() {
            self.starts.resize(w + 1, 0);
        }
        self.starts[w] |= 1 << (i % 64);
    }

    fn starts_at(&self, i: usize) -> bool {
        self.starts
            .get(i / 64)
            .is_some_and(|w| w & (1 << (i % 64)) != 0)
    }
}

/// The segmentation of a group of the last round, for the runs of this group that are the same
/// as one of its runs.
pub(super) struct Reuse<'a> {
    pub(super) last: &'a Segmentation,
    /// The index of the first character of each run of the last group, in `last`.
    pub(super) at: &'a [usize],
    /// For each run of this group, the run of the last group that has the same ids.
    pub(super) matched: &'a [Option<usize>],
}

/// Document evidence: the words of two or more characters of the best segmentation of every
/// run, and the names inside longer words, counted, and those that recur; which positions
/// stand alone; the number of words; the segmentation. The runs that `reuse` matches with a run of the last round take
/// that run's segmentation (the same words, counted in the same order).
pub(super) fn doc_evidence(
    runs: &Runs,
    model: &Model,
    params: &Params,
    partners: &Partners,
    reuse: Option<&Reuse<'_>>,
) -> DocEvidence {
    let total = runs.slots().len();
    // Sized at once for a word of two characters in every two (the map grew, and rehashed,
    // several times a page; no one reads it in the order of its entries but to collect them).
    let mut doc: FxMap<u64, u32> =
        FxMap::with_capacity_and_hasher(total / 2, rustc_hash::FxBuildHasher);
    // A word is listed as it reaches `evidence_min` (a word counted is counted once at least).
    let min = params.evidence_min.max(1);
    let mut recurring = Vec::new();
    let count = |k| {
        let n = doc.entry(k).or_insert(0);
        *n += 1;
        if *n == min {
            recurring.push(k);
        }
    };
    let (single_flags, doc_words, segmentation) =
        segment_group(runs, model, params, partners, reuse, Some(count));
    DocEvidence {
        doc,
        recurring,
        single_flags,
        doc_words,
        segmentation,
    }
}

/// The segmentation of the runs of a group, with the segmentation of the runs that `reuse`
/// has: which characters stand alone (in the layout of `DocSeq::seq`), the number of words and
/// the segmentation; `count`, when given, is called for each word counted (see
/// [`doc_evidence`]).
pub(super) fn segment_group(
    runs: &Runs,
    model: &Model,
    params: &Params,
    partners: &Partners,
    reuse: Option<&Reuse<'_>>,
    mut count: Option<impl FnMut(u64)>,
) -> (Vec<bool>, usize, Segmentation) {
    // In the layout of `DocSeq::seq`: a place before each run and one at the end.
    let total = runs.slots().len();
    let mut single_flags = vec![false; total + runs.len() + 1];
    let mut doc_words = 0usize;
    let mut ids: Vec<u16> = Vec::new();
    let mut buffers = RunBuffers::default();
    let mut segmentation = Segmentation::default();
    // The run's first character in `segmentation` and in `single_flags`.
    let (mut at, mut seq_at) = (0, 1);
    for (r, run) in runs.iter().enumerate() {
        ids.clear();
        ids.extend(run.iter().map(|x| x.id));
        let single = &mut single_flags[seq_at..seq_at + ids.len()];
        let last = reuse.and_then(|u| u.matched.get(r).copied().flatten().map(|i| (u, u.at[i])));
        let words = match last {
            Some((u, from)) => {
                let n = ids.len();
                let mut words = 0;
                // The words last first, as `segment_run` gives them.
                let mut end = n;
                for s in (0..n).rev() {
                    if u.last.starts_at(from + s) {
                        segmentation.set(at + s);
                        single[s] = end - s == 1;
                        words += 1;
                        if let Some(count) = count.as_mut() {
                            count_word(&ids, s, end, model, count);
                        }
                        end = s;
                    }
                }
                words
            }
            None => {
                let mut words = 0usize;
                segment_run(&ids, model, params, partners, &mut buffers, |s, e| {
                    words += 1;
                    segmentation.set(at + s);
                    single[s] = e - s == 1;
                    if let Some(count) = count.as_mut() {
                        count_word(&ids, s, e, model, count);
                    }
                });
                words
            }
        };
        at += ids.len();
        seq_at += ids.len() + 1;
        doc_words += words;
    }
    (single_flags, doc_words, segmentation)
}

/// What [`doc_evidence`] finds of a document group.
pub(super) struct DocEvidence {
    /// The words counted, and how often.
    pub(super) doc: FxMap<u64, u32>,
    /// The words of `doc` counted `Params::evidence_min` times or more, in no order.
    pub(super) recurring: Vec<u64>,
    /// Which characters stand alone, in the layout of `DocSeq::seq`.
    pub(super) single_flags: Vec<bool>,
    /// The number of words of the segmentation.
    pub(super) doc_words: usize,
    pub(super) segmentation: Segmentation,
}

/// What one run adds to [`doc_evidence`]: `word` is called with the start and end of each word
/// of its segmentation, last first, and `key` for each word it counts (with repetition);
/// returns the number of words of the run's segmentation.
pub(super) fn run_evidence(
    ids: &[u16],
    model: &Model,
    params: &Params,
    partners: &Partners,
    buffers: &mut RunBuffers,
    mut word: impl FnMut(usize, usize),
    mut key: impl FnMut(u64),
) -> usize {
    let mut words = 0usize;
    segment_run(ids, model, params, partners, buffers, |s, e| {
        words += 1;
        word(s, e);
        count_word(ids, s, e, model, &mut key);
    });
    words
}

/// Calls `key` for what the word `ids[s..e]` of a segmentation counts: itself when it has two
/// or more characters, and the names inside it.
fn count_word(ids: &[u16], s: usize, e: usize, model: &Model, key: &mut impl FnMut(u64)) {
    if e - s >= 2 {
        if let Some(k) = pack(&ids[s..e]) {
            key(k);
        }
    }
    // Names inside longer words count too (清徐 in 清徐县): a name has two characters or more,
    // so only a word of three or more holds one (most words are shorter).
    if e - s < 3 {
        return;
    }
    for a in s..e {
        for b in a + 2..e + 1 {
            if b - a < e - s && model.is_name(&ids[a..b]) {
                if let Some(k) = pack(&ids[a..b]) {
                    key(k);
                }
            }
        }
    }
}

/// Near-variants of recurring words: the words of the text that become a word recurring at
/// least `evidence_min` times in the document when one character is replaced by a character it
/// is misread for (清徐 × 9 makes 清除 suspicious).
///
/// A Bloom filter over the variant keys ([`KeyFilter`]) answers most windows of the text with a
/// probe; the few that pass are checked exactly against the recurring words with one character
/// left out ([`NearVariants::hits`]). The filter holds only the variants whose misread character
/// occurs in the document ([`Present`]): the windows asked about are the document's, and a
/// recurring word's characters have some forty misreadings each, of which a page has a few.
pub(super) struct NearVariants {
    /// The variant keys (empty: the document has no recurring word with a confusion).
    filter: KeyFilter,
    /// The first two ids of the variant keys (see [`NearVariants::may_start`]).
    starts: PairFilter,
    /// The recurring words with one character left out: (the word with zeros in the place of
    /// that character, length << 4 | its index, the character left out), sorted. A window that
    /// passes the filter is a near-variant by its `j`-th character only if it is here with
    /// its `j`-th character left out, and then of these words only. A sorted list rather than
    /// a map of lists: it is built for every document and asked only for the few windows that
    /// pass the filter.
    masked: Vec<(u64, u8, u16)>,
    /// The ids of the confusions of the observed characters [`NearVariants::hits`] has met,
    /// sorted (`Model::confusions` are in channel order), so that the recurring words a window
    /// may be a variant of, sorted too, are matched against them in one pass.
    sorted: RefCell<FxMap<u16, Box<[u16]>>>,
    /// How many keys more the filters take at the density they were made for (see
    /// [`NearVariants::update`]).
    room: usize,
}

impl NearVariants {
    /// The near-variants of the `recurring` words (see [`DocEvidence::recurring`]) whose
    /// misread character is in `present` (the characters of the document whose windows will
    /// be asked about).
    pub(super) fn new(recurring: &[u64], model: &Model, present: &Present) -> NearVariants {
        let mut masked = Vec::new();
        let mut keys = Vec::new();
        for &k in recurring {
            let len = key_len(k);
            for j in 0..len {
                let shift = 16 * (len - 1 - j);
                let rest = k & !(0xffff << shift);
                masked.push((rest, mask_tag(len, j), key_id(k, j)));
                // The misreadings of the `j`-th character that the document has.
                keys.extend(
                    model.reverse[usize::from(key_id(k, j))]
                        .iter()
                        .filter(|&&(obs, _)| present.contains(obs))
                        .map(|&(obs, _)| rest | (u64::from(obs) << shift)),
                );
            }
        }
        if keys.is_empty() {
            return NearVariants {
                filter: KeyFilter::default(),
                starts: PairFilter::default(),
                masked: Vec::new(),
                sorted: RefCell::default(),
                room: 0,
            };
        }
        let mut filter = KeyFilter::with_keys(keys.len());
        let mut starts = PairFilter::with_keys(keys.len());
        for &k in &keys {
            filter.insert(k);
            starts.insert((k >> (16 * key_len(k).saturating_sub(2))) as u32);
        }
        masked.sort_unstable();
        // 16 bits a key in the key filter, 64 in the pair filter.
        let room = (filter.words().len() * 4)
            .min(starts.bits.len())
            .saturating_sub(keys.len());
        NearVariants {
            filter,
            starts,
            masked,
            sorted: RefCell::default(),
            room,
        }
    }

    /// Makes these near-variants, made for the characters `made_for`, those of their recurring
    /// words less `removed` plus `added` for the characters `present`, as
    /// [`NearVariants::new`] would make them but for the filters, which may answer "maybe"
    /// for more keys (the keys of the words removed, and of characters not in `present`): a
    /// window that passes them is a near-variant only if [`NearVariants::hits`] finds it among
    /// the recurring words, which are the same. False, leaving them to be made anew, when the
    /// filters would be fuller than they were made for (or were made for no key).
    pub(super) fn update(
        &mut self,
        added: &[u64],
        removed: &[u64],
        model: &Model,
        present: &Present,
        made_for: &Present,
    ) -> bool {
        if self.filter.is_empty() {
            return false;
        }
        let entries = |k: u64| {
            let len = key_len(k);
            (0..len).map(move |j| {
                let shift = 16 * (len - 1 - j);
                (k & !(0xffff << shift), mask_tag(len, j), key_id(k, j))
            })
        };
        // The key of an entry of `masked` with `obs` in the place of its character.
        let key = |&(rest, tag, _): &(u64, u8, u16), obs: u16| {
            let (len, j) = (usize::from(tag >> 4), usize::from(tag & 15));
            rest | u64::from(obs) << (16 * (len - 1 - j))
        };
        if !removed.is_empty() {
            let mut gone: Vec<(u64, u8, u16)> = removed.iter().flat_map(|&k| entries(k)).collect();
            gone.sort_unstable();
            self.masked.retain(|m| gone.binary_search(m).is_err());
        }
        let mut keys = Vec::new();
        // The characters whose keys the filters lack, of the words they have.
        let new = present.minus(made_for);
        if new.any() {
            for m in &self.masked {
                keys.extend(
                    model.reverse[usize::from(m.2)]
                        .iter()
                        .filter(|&&(obs, _)| new.contains(obs))
                        .map(|&(obs, _)| key(m, obs)),
                );
            }
        }
        let from = self.masked.len();
        self.masked.extend(added.iter().flat_map(|&k| entries(k)));
        for m in &self.masked[from..] {
            keys.extend(
                model.reverse[usize::from(m.2)]
                    .iter()
                    .filter(|&&(obs, _)| present.contains(obs))
                    .map(|&(obs, _)| key(m, obs)),
            );
        }
        if keys.len() > self.room {
            return false;
        }
        self.room -= keys.len();
        for &k in &keys {
            self.filter.insert(k);
            self.starts
                .insert((k >> (16 * key_len(k).saturating_sub(2))) as u32);
        }
        self.masked.sort_unstable();
        true
    }

    pub(super) fn is_empty(&self) -> bool {
        self.filter.is_empty()
    }

    /// False when no near-variant starts with the two ids of `pair` (a key, see [`pack`]): then
    /// no window that starts with them is one, and the longer windows at a place of the text
    /// need not be asked about (most places of a text start none).
    #[inline]
    pub(super) fn may_start(&self, pair: u64) -> bool {
        self.starts.may_contain(pair as u32)
    }

    /// The filter's answer for `key`: false when `key` is certainly no near-variant (see
    /// [`NearVariants::hits`], which asks it first).
    #[inline]
    pub(super) fn may_contain(&self, key: u64) -> bool {
        self.filter.may_contain(key)
    }

    /// Calls `hit(j, intended)` for every recurring word that `key` (a window of the text) is
    /// a near-variant of: the word is `key` with its `j`-th character replaced by `intended`,
    /// a candidate of the confusion tables for that character.
    pub(super) fn hits(&self, key: u64, model: &Model, mut hit: impl FnMut(usize, u16)) {
        if !self.may_contain(key) {
            return;
        }
        let len = key_len(key);
        for j in 0..len {
            let shift = 16 * (len - 1 - j);
            let rest = key & !(0xffff << shift);
            // The recurring words this window can be a near-variant of by its `j`-th character.
            let tag = mask_tag(len, j);
            let from = self.masked.partition_point(|m| (m.0, m.1) < (rest, tag));
            let intended = &self.masked[from..];
            // A few words at most (a scan, where a second search was as long as the first).
            let same = intended
                .iter()
                .take_while(|m| (m.0, m.1) == (rest, tag))
                .count();
            let intended = &intended[..same];
            // The words whose `j`-th character is a confusion of the window's: a few are
            // looked for in its confusions, more with both lists sorted by id (`masked` is
            // sorted), walked together.
            let obs = key_id(key, j);
            if intended.len() <= FEW_WORDS {
                let confusions = &model.confusions[usize::from(obs)];
                for m in intended {
                    if m.2 != 0 && confusions.iter().any(|c| c.intended == m.2) {
                        hit(j, m.2);
                    }
                }
                continue;
            }
            let mut sorted = self.sorted.borrow_mut();
            let confusions = sorted.entry(obs).or_insert_with(|| {
                let mut ids: Vec<u16> = model.confusions[usize::from(obs)]
                    .iter()
                    .map(|c| c.intended)
                    .filter(|&c| c != 0)
                    .collect();
                ids.sort_unstable();
                ids.into()
            });
            let mut c = confusions.iter().peekable();
            for m in intended {
                while c.next_if(|&&c| c < m.2).is_some() {}
                if c.peek() == Some(&&m.2) {
                    hit(j, m.2);
                }
            }
        }
    }
}

/// A set of pairs of ids (`a << 16 | b`) that may answer yes for a pair it lacks: a bit for
/// each pair at a place given by a multiplicative hash, in a table of 64 bits for each pair
/// (about one false yes in 64). Cheaper to fill and to ask than a [`KeyFilter`] (one
/// multiplication, one bit), for [`NearVariants::may_start`], asked at every place of a text.
#[derive(Default)]
struct PairFilter {
    bits: Vec<u64>,
    /// 32 - log2 of the number of bits.
    shift: u32,
}

impl PairFilter {
    fn with_keys(n: usize) -> PairFilter {
        let words = n.clamp(1, 1 << 26).next_power_of_two();
        PairFilter {
            bits: vec![0; words],
            shift: 32 - (words * 64).trailing_zeros(),
        }
    }

    #[inline]
    fn place(&self, pair: u32) -> usize {
        (pair.wrapping_mul(0x9e37_79b1) >> self.shift) as usize
    }

    fn insert(&mut self, pair: u32) {
        let i = self.place(pair);
        if let Some(w) = self.bits.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }

    /// False when `pair` was certainly not added (always, for the empty filter).
    #[inline]
    fn may_contain(&self, pair: u32) -> bool {
        let i = self.place(pair);
        self.bits
            .get(i / 64)
            .is_some_and(|w| w >> (i % 64) & 1 != 0)
    }
}

/// The known ids that occur in a document group, as a bit set over all ids (8 KB: every id has
/// its bit, so that neither setting nor testing one checks the length).
#[derive(Clone, PartialEq)]
pub(super) struct Present {
    bits: Box<[u64; PRESENT_WORDS]>,
}

/// The words of [`Present`]: one bit for every 16-bit id.
const PRESENT_WORDS: usize = (u16::MAX as usize + 1) / 64;

impl Present {
    /// The known ids of `ids` (0, an unknown character or no character, is left out: it is no
    /// misreading).
    pub(super) fn of(ids: &[u16]) -> Present {
        let mut bits = Box::new([0u64; PRESENT_WORDS]);
        for &id in ids {
            bits[usize::from(id / 64)] |= 1 << (id % 64);
        }
        bits[0] &= !1;
        Present { bits }
    }

    #[inline]
    pub(super) fn contains(&self, id: u16) -> bool {
        self.bits[usize::from(id / 64)] & (1 << (id % 64)) != 0
    }

    /// Whether every id of `self` is in `other`.
    pub(super) fn is_subset(&self, other: &Present) -> bool {
        self.bits
            .iter()
            .zip(other.bits.iter())
            .all(|(a, b)| a & !b == 0)
    }

    /// The ids of `self` that are not in `other`.
    fn minus(&self, other: &Present) -> Present {
        let mut bits = self.bits.clone();
        for (a, b) in bits.iter_mut().zip(other.bits.iter()) {
            *a &= !b;
        }
        Present { bits }
    }

    /// Whether `self` has an id.
    fn any(&self) -> bool {
        self.bits.iter().any(|&w| w != 0)
    }
}

/// Up to this many recurring words that a window may be a variant of are looked for in the
/// confusions one by one (see [`NearVariants::hits`]).
const FEW_WORDS: usize = 4;

/// The tag of a word of `len` ids with its `j`-th left out in [`NearVariants::masked`].
#[inline]
fn mask_tag(len: usize, j: usize) -> u8 {
    (len << 4 | j) as u8
}

/// The number of ids packed in a key (see [`pack`]: the first id in the highest bits).
#[inline]
pub(super) fn key_len(k: u64) -> usize {
    (64 - k.leading_zeros()).div_ceil(16) as usize
}

/// The `j`-th id of a packed key of [`key_len`] ids.
#[inline]
pub(super) fn key_id(k: u64, j: usize) -> u16 {
    ((k >> (16 * (key_len(k) - 1 - j))) & 0xffff) as u16
}
