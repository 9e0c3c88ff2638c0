//! Document evidence: the words that recur in the document (a cache model of the context
//! score), and their near-variants (words one confusion away, which make a position suspect).

use std::cell::RefCell;

use super::segment::{segment_run, RunBuffers};
use super::{Params, Slot};
use crate::flat::KeyFilter;
use crate::model::{pack, Model, Partners};
use rustc_hash::FxHashMap as FxMap;

/// Document evidence: the words of two or more characters of the best segmentation of every
/// run, and the names inside longer words, counted; which positions stand alone; the number of
/// words.
pub(super) fn doc_evidence(
    runs: &[Vec<Slot>],
    model: &Model,
    params: &Params,
    partners: &Partners,
) -> (FxMap<u64, u32>, Vec<Vec<bool>>, usize) {
    let mut doc: FxMap<u64, u32> = FxMap::default();
    let mut single_flags = Vec::with_capacity(runs.len());
    let mut doc_words = 0usize;
    let mut ids: Vec<u16> = Vec::new();
    let mut buffers = RunBuffers::default();
    for run in runs {
        ids.clear();
        ids.extend(run.iter().map(|x| x.id));
        let (single, words) = run_evidence(&ids, model, params, partners, &mut buffers, |k| {
            *doc.entry(k).or_insert(0) += 1;
        });
        doc_words += words;
        single_flags.push(single);
    }
    (doc, single_flags, doc_words)
}

/// What one run adds to [`doc_evidence`]: `key` is called for each word it counts (with
/// repetition); returns which positions stand alone and the number of words of the run's
/// segmentation.
pub(super) fn run_evidence(
    ids: &[u16],
    model: &Model,
    params: &Params,
    partners: &Partners,
    buffers: &mut RunBuffers,
    mut key: impl FnMut(u64),
) -> (Vec<bool>, usize) {
    let mut words = 0usize;
    let single = segment_run(ids, model, params, partners, buffers, |s, e| {
        words += 1;
        if e - s >= 2 {
            if let Some(k) = pack(&ids[s..e]) {
                key(k);
            }
        }
        // Names inside longer words count too (清徐 in 清徐县).
        for a in s..e {
            for b in a + 2..=e {
                if b - a < e - s && model.is_name(&ids[a..b]) {
                    if let Some(k) = pack(&ids[a..b]) {
                        key(k);
                    }
                }
            }
        }
    });
    (single, words)
}

/// Near-variants of recurring words: the words of the text that become a word recurring at
/// least `evidence_min` times in the document when one character is replaced by a character it
/// is misread for (清徐 × 9 makes 清除 suspicious).
///
/// A Bloom filter over the variant keys ([`KeyFilter`]) answers most windows of the text with a
/// probe; the few that pass are checked exactly against the recurring words with one character
/// left out ([`NearVariants::hits`]).
pub(super) struct NearVariants {
    /// The variant keys (empty: the document has no recurring word with a confusion).
    filter: KeyFilter,
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
}

impl NearVariants {
    pub(super) fn new(doc: &FxMap<u64, u32>, model: &Model, params: &Params) -> NearVariants {
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
                filter: KeyFilter::default(),
                masked: Vec::new(),
                sorted: RefCell::default(),
            };
        }
        let mut v = NearVariants {
            filter: KeyFilter::with_keys(count),
            masked: Vec::new(),
            sorted: RefCell::default(),
        };
        for (&k, _) in recurring() {
            let len = key_len(k);
            for j in 0..len {
                let shift = 16 * (len - 1 - j);
                let rest = k & !(0xffff << shift);
                v.masked.push((rest, mask_tag(len, j), key_id(k, j)));
                for &(obs, _) in &model.reverse[usize::from(key_id(k, j))] {
                    if obs != 0 {
                        v.filter.insert(rest | (u64::from(obs) << shift));
                    }
                }
            }
        }
        v.masked.sort_unstable();
        v
    }

    pub(super) fn is_empty(&self) -> bool {
        self.filter.is_empty()
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
            let intended = &intended[..intended.partition_point(|m| (m.0, m.1) == (rest, tag))];
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
