//! Document support: the document's Han characters as one sequence of ids, indexed by pair of
//! neighbours, and how often a candidate occurs elsewhere in the same context as the observed
//! character.

use super::evidence::Present;
use super::groups::Runs;

/// The longest shared context (characters on both sides together) that document support
/// measures.
pub const SUPPORT_CONTEXT: usize = 6;

/// At most this many occurrences of a character next to the same neighbour are compared when
/// measuring document support.
pub(super) const SUPPORT_SCAN: usize = 4096;

/// The document's Han characters as one sequence of ids (runs separated by 0, with a 0 at
/// both ends), and where each id occurs in it after a given character and before one.
pub(super) struct DocSeq {
    seq: Vec<u16>,
    /// (previous id, id) → positions of the id; the positions of the id before a given one
    /// (`a` before `b`) are those of the pair `a b` less one.
    after: PairIndex,
    /// Index in `seq` of the first character of every run.
    pub(super) run_start: Vec<usize>,
    /// The ids in `seq` (but 0).
    pub(super) present: Present,
}

/// Positions by pair of ids: `pair << 32 | position`, grouped by a hash of the pair into
/// buckets (a counting sort: linear, where sorting all the entries was a tenth of the pass on
/// short pages), and sorted within each bucket, so that the positions of a pair are one run in
/// increasing order, found in its bucket by two binary searches (a bucket holds about one pair;
/// a binary search in a long document's entries was a cache miss a step).
struct PairIndex {
    entries: Vec<u64>,
    /// Bucket `b` holds `entries[start[b]..start[b + 1]]`.
    start: Vec<u32>,
    /// Bits of a bucket number.
    bits: u32,
}

impl PairIndex {
    /// The index of the pairs of neighbours of `seq` (a pair with a 0 is none), by position of
    /// the second, read from `seq` where they are counted and where they are placed (they were
    /// collected in a vector first: a page's index is made for a few questions, and its making
    /// is most of its cost). `pairs` is at least their number (the buckets are sized for it).
    fn of_seq(seq: &[u16], pairs: usize) -> PairIndex {
        // A position is at most `u32::MAX` (the pairs after it, of no real text, are left out).
        let seq = &seq[..seq.len().min(u32::MAX as usize)];
        let bits = pairs.max(16).next_power_of_two().trailing_zeros();
        let buckets = 1usize << bits;
        let mut start = vec![0u32; buckets + 1];
        let mut a = 0;
        for &b in seq {
            if a != 0 && b != 0 {
                start[Self::bucket(pair(a, b), bits) + 1] += 1;
            }
            a = b;
        }
        let mut sum = 0;
        for s in &mut start {
            sum += *s;
            *s = sum;
        }
        let mut next = start.clone();
        let mut grouped = vec![0u64; sum as usize];
        // The entries come in increasing position, so a bucket is in order unless it holds
        // pairs out of order: only the buckets where an entry follows a greater one are sorted
        // (a walk over all the buckets to find those of more than one entry cost more than
        // the sorting).
        let mut unsorted = Vec::new();
        let mut a = 0;
        for (p, &b) in (0u32..).zip(seq) {
            if a != 0 && b != 0 {
                let key = pair(a, b);
                let e = u64::from(key) << 32 | u64::from(p);
                let b = Self::bucket(key, bits);
                let at = next[b] as usize;
                if at > start[b] as usize && grouped[at - 1] > e {
                    unsorted.push(b);
                }
                grouped[at] = e;
                next[b] += 1;
            }
            a = b;
        }
        // A bucket may be listed more than once: sorting it again leaves it as it is.
        for b in unsorted {
            grouped[start[b] as usize..start[b + 1] as usize].sort_unstable();
        }
        PairIndex {
            entries: grouped,
            start,
            bits,
        }
    }

    #[inline]
    fn bucket(key: u32, bits: u32) -> usize {
        (key.wrapping_mul(0x9e37_79b1) >> (32 - bits)) as usize
    }

    /// The entries of `key` (the position is the low 32 bits), in increasing order.
    fn get(&self, key: u32) -> &[u64] {
        let b = Self::bucket(key, self.bits);
        let (Some(&from), Some(&to)) = (self.start.get(b), self.start.get(b + 1)) else {
            return &[];
        };
        let bucket = &self.entries[from as usize..to as usize];
        let lo = bucket.partition_point(|&e| ((e >> 32) as u32) < key);
        let hi = lo + bucket[lo..].partition_point(|&e| (e >> 32) as u32 == key);
        &bucket[lo..hi]
    }
}

/// Document support of a candidate: it occurs `n` times elsewhere in the document with at
/// least `k` characters of the same context around it (on both sides together), and the
/// observed character `m` times with that much context.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Support {
    pub(super) n: u32,
    pub(super) m: u32,
    pub(super) k: usize,
}

impl DocSeq {
    pub(super) fn new(runs: &Runs) -> DocSeq {
        let total = runs.slots().len();
        let mut seq = Vec::with_capacity(total + runs.len() + 1);
        let mut run_start = Vec::with_capacity(runs.len());
        for run in runs.iter() {
            seq.push(0);
            run_start.push(seq.len());
            seq.extend(run.iter().map(|s| s.id));
        }
        seq.push(0);
        let present = Present::of(&seq);
        // At most a pair a character but the first of each run.
        let after = PairIndex::of_seq(&seq, total - runs.len());
        DocSeq {
            seq,
            after,
            run_start,
            present,
        }
    }

    /// How many occurrences of `c` elsewhere share 1, 2, ... [`SUPPORT_CONTEXT`] characters of
    /// context with position `g` (the longest common run to the left plus to the right); only
    /// the occurrences next to the same neighbour as `g` on one side are compared (the others
    /// share nothing), so the cost does not grow with the frequency of `c`.
    pub(super) fn shared(&self, g: usize, c: u16) -> [u32; SUPPORT_CONTEXT + 1] {
        let mut hist = [0u32; SUPPORT_CONTEXT + 1];
        let at = |i: usize| self.seq.get(i).copied().unwrap_or(0);
        let (prev, next) = (if g > 0 { at(g - 1) } else { 0 }, at(g + 1));
        // The places of `b` after `a`, less `back`.
        let list = |a: u16, b: u16, back: usize| {
            let entries = if a == 0 || b == 0 {
                &[]
            } else {
                self.after.get(pair(a, b))
            };
            entries
                .iter()
                .map(move |&e| (e & 0xffff_ffff) as usize - back)
        };
        let same_prev = list(prev, c, 0).take(SUPPORT_SCAN);
        // Occurrences after the same character were counted with `same_prev`.
        let same_next_only = list(c, next, 1)
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

    /// The places where `a` is followed by `b` (the place of `a`), in increasing order.
    pub(super) fn pair_starts(&self, a: u16, b: u16) -> impl Iterator<Item = usize> + '_ {
        let entries = if a == 0 || b == 0 {
            &[]
        } else {
            self.after.get(pair(a, b))
        };
        entries.iter().map(|&e| (e & 0xffff_ffff) as usize - 1)
    }

    /// The id at place `i` of the sequence (0 beyond it).
    pub(super) fn at(&self, i: usize) -> u16 {
        self.seq.get(i).copied().unwrap_or(0)
    }

    /// The longest list of places [`DocSeq::shared`] may scan for the pair `a b` (`b` after
    /// `a`, or `a` before `b`).
    pub(super) fn pair_places(&self, a: u16, b: u16) -> usize {
        self.after.get(pair(a, b)).len()
    }

    /// How many places of `c` are next to the same neighbour as position `g` on one side or the
    /// other (counting a place twice when both): a bound on what [`DocSeq::shared`] counts.
    fn neighbours(&self, g: usize, c: u16) -> usize {
        let at = |i: usize| self.seq.get(i).copied().unwrap_or(0);
        let (prev, next) = (if g > 0 { at(g - 1) } else { 0 }, at(g + 1));
        let len = |a: u16, b: u16| {
            if a == 0 || b == 0 {
                0
            } else {
                self.after.get(pair(a, b)).len()
            }
        };
        len(prev, c) + len(c, next)
    }

    /// The support of candidate `c` for the observed character `o` at `g` (`observed` caches
    /// its histogram from [`DocSeq::shared`]): the longest context `k` (at least 1) that `c`
    /// shares with `g` at `min` or more places elsewhere, or `None`. There is no support
    /// either unless the candidate's form is more than twice as frequent as the observed one
    /// (Tesseract repeats its misreadings; two valid readings of a phrase both recur).
    pub(super) fn support(
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
        // A candidate the document does not have (most) is next to no neighbour in it: a bit
        // tested instead of the two pair lists searched by `neighbours`.
        if !self.present.contains(c) {
            return None;
        }
        // Every occurrence counted is next to the same neighbour as `g` on one side: fewer
        // than `min` such places (most candidates) cannot be support.
        if self.neighbours(g, c) < min.max(1) as usize {
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
    pub(super) fn log_ratio(&self) -> f32 {
        ((self.n as f32 + 0.5) / (self.m as f32 + 0.5)).ln()
    }
}

#[inline]
fn pair(a: u16, b: u16) -> u32 {
    (u32::from(a) << 16) | u32::from(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chinese::Slot;

    fn runs(texts: &[&[u16]]) -> Runs {
        let mut runs = Runs::default();
        for ids in texts {
            let run: Vec<Slot> = ids
                .iter()
                .map(|&id| Slot {
                    start: 0,
                    end: 0,
                    id,
                })
                .collect();
            runs.push(&run);
        }
        runs
    }

    #[test]
    fn pair_index_finds_every_position_of_a_pair_in_order() {
        // Ids 1..40 in a fixed pseudo-random order: thousands of positions, every pair many times.
        let ids: Vec<u16> = (0..12_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u16 % 40 + 1)
            .collect();
        // One run, and the same ids with unknown ones (0, no pair) in runs of 1 to 30
        // characters (the index is sized for a pair a character but the first of a run).
        let unknown: Vec<u16> = ids
            .iter()
            .enumerate()
            .map(|(i, &id)| if i % 17 == 5 { 0 } else { id })
            .collect();
        let mut pieces: Vec<&[u16]> = Vec::new();
        let mut rest = &unknown[..];
        for len in (1..=30).cycle() {
            let (piece, after) = rest.split_at(len.min(rest.len()));
            pieces.push(piece);
            rest = after;
            if rest.is_empty() {
                break;
            }
        }
        for doc in [DocSeq::new(&runs(&[&ids[..]])), DocSeq::new(&runs(&pieces))] {
            let mut found = 0;
            for a in 0..=41 {
                for b in 0..=41 {
                    let want: Vec<u64> = (1..doc.seq.len())
                        .filter(|&p| doc.seq[p - 1] == a && doc.seq[p] == b && b != 0 && a != 0)
                        .map(|p| u64::from(pair(a, b)) << 32 | p as u64)
                        .collect();
                    assert_eq!(doc.after.get(pair(a, b)), &want[..], "{a} {b}");
                    found += want.len();
                }
            }
            assert_eq!(found, doc.after.entries.len());
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
