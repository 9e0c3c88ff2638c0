//! Comparison keys, a cheap lower bound of the edit distance, normalised edit similarity and a
//! character-shingle index.

use ocrtidy_core::text::chars::fold_fullwidth;
use ocrtidy_core::text::distance::levenshtein_within;

/// The comparison key of a fragment: its characters without whitespace, ASCII lower-cased and
/// full-width ASCII folded to half-width, so that two OCR copies that differ only in spacing or
/// width compare equal.
pub(crate) fn key(s: &str) -> Vec<char> {
    key_and_digits(s).0
}

/// [`key`], and the number of ASCII digits of `s` (before folding), in one scan.
pub(crate) fn key_and_digits(s: &str) -> (Vec<char>, usize) {
    let mut out = Vec::new();
    let digits = key_and_digits_into(s, &mut out);
    (out, digits)
}

/// [`key_and_digits`], the key appended to `out` (one buffer can hold the keys of many
/// fragments, one after another).
pub(crate) fn key_and_digits_into(s: &str, out: &mut Vec<char>) -> usize {
    // Room for one character per byte, at most: reserved once rather than grown while filtering.
    out.reserve(s.len());
    let mut digits = 0;
    let mut rest = s.as_bytes();
    loop {
        match *rest {
            // Fast paths on the lead byte: `E4`..`E9` (U+4000..U+9FFF: ideographs, neither
            // whitespace nor full-width forms, kept as they are) and ASCII, decoded in place (the
            // text is valid UTF-8, so the continuation bytes follow).
            [x @ 0xE4..=0xE9, y, z, ref tail @ ..] => {
                // At most U+9FFF: never a surrogate, so the conversion cannot fail.
                let c =
                    (u32::from(x - 0xE0) << 12) | (u32::from(y & 0x3F) << 6) | u32::from(z & 0x3F);
                out.push(char::from_u32(c).unwrap_or(char::REPLACEMENT_CHARACTER));
                rest = tail;
            }
            [x @ 0x00..=0x7F, ref tail @ ..] => {
                // ASCII: whitespace is `\t`..`\r` and the space, and nothing is full-width.
                digits += usize::from(x.is_ascii_digit());
                if !matches!(x, b' ' | b'\t'..=b'\r') {
                    out.push(char::from(x.to_ascii_lowercase()));
                }
                rest = tail;
            }
            [] => break,
            _ => {
                let Some(c) = s[s.len() - rest.len()..].chars().next() else {
                    break;
                };
                rest = &rest[c.len_utf8()..];
                if !c.is_whitespace() {
                    out.push(fold_fullwidth(c).to_ascii_lowercase());
                }
            }
        }
    }
    digits
}

/// A fixed-size histogram of a key's characters. Every edit operation changes the L1 distance of
/// two histograms by at most 2, so half that distance bounds the edit distance from below.
#[derive(Clone, Debug)]
pub(crate) struct Histogram([u16; 64]);

impl Histogram {
    pub(crate) fn of(key: &[char]) -> Self {
        let mut h = [0u16; 64];
        for &c in key {
            let b = (c as u32 % 64) as usize;
            h[b] = h[b].saturating_add(1);
        }
        Histogram(h)
    }

    /// A lower bound of the edit distance between the keys of `self` and `other`.
    pub(crate) fn distance_bound(&self, other: &Histogram) -> usize {
        let l1: usize = self
            .0
            .iter()
            .zip(other.0.iter())
            .map(|(&a, &b)| usize::from(a.abs_diff(b)))
            .sum();
        l1.div_ceil(2)
    }
}

/// Whether keys of lengths `a` and `b` can have a similarity of at least `min` (the first,
/// cheapest test of [`similarity_at_least`]; callers use it to skip building histograms).
pub(crate) fn lengths_allow(a: usize, b: usize, min: f64) -> bool {
    let max_dist = ((1.0 - min) * a.max(b) as f64).floor() as usize;
    a.abs_diff(b) <= max_dist
}

/// The normalised edit similarity of two keys (1 − Levenshtein / longer length, over code
/// points), or `None` when it is certainly below `min` (checked cheaply first from the lengths
/// and the histograms).
pub(crate) fn similarity_at_least(
    a: &[char],
    ha: &Histogram,
    b: &[char],
    hb: &Histogram,
    min: f64,
) -> Option<f64> {
    let longest = a.len().max(b.len());
    if longest == 0 {
        return Some(1.0);
    }
    let max_dist = ((1.0 - min) * longest as f64).floor() as usize;
    if !lengths_allow(a.len(), b.len(), min) || ha.distance_bound(hb) > max_dist {
        return None;
    }
    if a == b {
        return Some(1.0);
    }
    // A distance above `max_dist + 1` leaves the similarity certainly below `min`; up to it the
    // distance is exact, and the similarity is computed and compared as before (the bound only
    // decides what need not be computed).
    let dist = levenshtein_within(a, b, max_dist + 1)?;
    let sim = 1.0 - dist as f64 / longest as f64;
    (sim >= min).then_some(sim)
}

/// The shingle length in characters.
pub(crate) const SHINGLE: usize = 6;

/// The most positions kept per shingle: boilerplate that recurs more often than this is not
/// evidence of a duplicated fragment, and the cap keeps look-ups linear in the document size.
const MAX_POSTINGS: usize = 16;

/// The hash of the `SHINGLE` characters starting at `chars[0]`.
pub(crate) fn shingle_hash(chars: &[char]) -> u64 {
    let fnv = |h: u64, &c: &char| (h ^ u64::from(c as u32)).wrapping_mul(0x0100_0000_01b3);
    const SEED: u64 = 0xcbf2_9ce4_8422_2325;
    // A whole shingle (the usual case) as a fixed-size array: the loop unrolls.
    match chars.first_chunk::<SHINGLE>() {
        Some(whole) => whole.iter().fold(SEED, fnv),
        None => chars.iter().fold(SEED, fnv),
    }
}

/// A one-hash Bloom filter of shingle hashes: whether a shingle was certainly never indexed. It
/// is cheap to fill (one bit per shingle), so the [`ShingleIndex`] need only be built for the
/// look-ups that it cannot rule out. It never changes what a look-up finds, only whether the
/// index is consulted.
#[derive(Debug, Default)]
pub(crate) struct ShingleFilter {
    bits: Vec<u64>,
}

impl ShingleFilter {
    /// A filter sized for about `n` shingles (16 bits each, 2 bytes).
    pub(crate) fn with_capacity(n: usize) -> Self {
        ShingleFilter {
            bits: vec![0; n.max(4).div_ceil(4)],
        }
    }

    fn slot(&self, hash: u64) -> Option<(usize, u64)> {
        if self.bits.is_empty() {
            return None;
        }
        // A multiplicative mix of the hash, mapped onto the bits by its high part.
        let mixed = hash.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let nbits = self.bits.len() as u128 * 64;
        let b = ((u128::from(mixed) * nbits) >> 64) as usize;
        Some((b / 64, 1u64 << (b % 64)))
    }

    /// Records every shingle that lies wholly inside `stream[range]`.
    pub(crate) fn insert(&mut self, stream: &[char], range: std::ops::Range<usize>) {
        if range.len() < SHINGLE {
            return;
        }
        for p in range.start..=range.end - SHINGLE {
            if let Some((w, m)) = self.slot(shingle_hash(&stream[p..])) {
                self.bits[w] |= m;
            }
        }
    }

    /// Whether the shingle starting at `chars[0]` may have been recorded (false: certainly
    /// not).
    pub(crate) fn may_contain(&self, chars: &[char]) -> bool {
        if chars.len() < SHINGLE {
            return false;
        }
        self.slot(shingle_hash(chars))
            .is_some_and(|(w, m)| self.bits[w] & m != 0)
    }
}

/// rustc's FxHash for integer keys that are positions or already hashes (shingle hashes): one
/// multiplication instead of SipHash. Nothing depends on the iteration order of the maps that
/// use it.
pub(crate) type FastHash = rustc_hash::FxBuildHasher;

/// Positions of character shingles in a document's key stream: a multimap from a shingle hash to
/// the first [`MAX_POSTINGS`] positions that have it, filled in position order and queried in
/// between.
///
/// It takes 8 bytes per indexed position (plus a quarter of slack at most, and a transient
/// buffer while merging): an entry packs the high 32 bits of the hash with the position (a
/// `u32`: positions past `u32::MAX` are not indexed). The entries are a few runs sorted by
/// entry, each covering a later stretch of positions than the run before it (merged so that a
/// run is at least four times as long as the next one: at most about log4(n) runs), then the
/// newest entries in position order ([`PENDING`] at most), until they are sorted into a run. A
/// look-up searches each run for the high half of the hash (and scans the newest entries), and
/// checks the whole hash of every candidate with a callback, so it finds exactly the positions a
/// map keyed by the whole hash would. Positions that share the high half are all kept; the cap
/// applies to the look-up.
#[derive(Debug, Default)]
pub(crate) struct ShingleIndex {
    /// `(hash >> 32) << 32 | position`: the runs, then the newest entries.
    entries: Vec<u64>,
    /// The end of each run in `entries`.
    runs: Vec<usize>,
    /// How many newest entries look-ups have scanned since the last run was sorted.
    scanned: std::cell::Cell<usize>,
    /// Every indexed position is below this one (the next batch starts at or after it).
    next: u64,
}

/// The positions of one shingle, in position order (at most [`MAX_POSTINGS`]).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Postings {
    buf: [u32; MAX_POSTINGS],
    len: usize,
}

impl Postings {
    pub(crate) fn as_slice(&self) -> &[u32] {
        &self.buf[..self.len]
    }
}

impl ShingleIndex {
    /// Adds one batch of `(shingle hash, position)`: its positions are increasing and follow
    /// every position already indexed (they are skipped otherwise, as are positions that do not
    /// fit in a `u32`).
    pub(crate) fn extend(&mut self, batch: impl IntoIterator<Item = (u64, usize)>) {
        let start = self.entries.len();
        for (hash, pos) in batch {
            let Ok(p) = u32::try_from(pos) else {
                break;
            };
            if u64::from(p) < self.next {
                continue;
            }
            self.next = u64::from(p) + 1;
            if self.entries.len() == self.entries.capacity() {
                // Grown by a quarter rather than doubled: at most a quarter of slack.
                self.entries.reserve_exact((self.entries.len() / 4).max(64));
            }
            self.entries.push((hash & HIGH) | u64::from(p));
        }
        // The newest entries stay in position order, looked up by a scan, until they are many
        // or scanning them has cost more than sorting them would.
        let sorted = self.runs.last().copied().unwrap_or(0);
        let pending = self.entries.len() - sorted;
        if self.entries.len() == start
            || (pending < PENDING && self.scanned.get() < SCANS_PER_SORT * pending)
        {
            return;
        }
        self.scanned.set(0);
        sort_entries(&mut self.entries[sorted..]);
        self.runs.push(self.entries.len());
        // Keep each run at least four times as long as the next one.
        while let [.., b, c] = self.runs[..] {
            let a = match self.runs[..] {
                [.., a, _, _] => a,
                _ => 0,
            };
            if b - a >= 4 * (c - b) {
                break;
            }
            merge_tail(&mut self.entries[a..c], b - a);
            self.runs.remove(self.runs.len() - 2);
        }
    }

    /// The first [`MAX_POSTINGS`] indexed positions whose shingle hash is `hash`;
    /// `hash_at(position)` gives the whole hash of an indexed position.
    pub(crate) fn get(&self, hash: u64, hash_at: impl Fn(usize) -> u64) -> Postings {
        let mut out = Postings::default();
        let key = hash & HIGH;
        let mut start = 0;
        let pending = self.entries.len();
        for (r, end) in self.runs.iter().copied().chain([pending]).enumerate() {
            let run = &self.entries[start..end];
            start = end;
            let group = if r < self.runs.len() {
                // The entries with that high half follow, in position order: they are only
                // read until the cap is reached (a shingle of boilerplate can have thousands).
                &run[lower_bound(run.len(), |i| run[i], key)..]
            } else {
                self.scanned.set(self.scanned.get() + run.len());
                run
            };
            let sorted = r < self.runs.len();
            for &e in group
                .iter()
                .take_while(|&&e| !sorted || e & HIGH == key)
                .filter(|&&e| e & HIGH == key)
            {
                let p = (e & !HIGH) as u32;
                if hash_at(p as usize) == hash {
                    out.buf[out.len] = p;
                    out.len += 1;
                    if out.len == MAX_POSTINGS {
                        return out;
                    }
                }
            }
        }
        out
    }
}

/// The first `i < len` such that `at(i) >= key`, or `len`, where `at` is non-decreasing: by
/// interpolation while the range is wide (a few probes when the values are spread evenly, as
/// hashes and stream positions are, where a binary search makes one cache miss per halving), then
/// by bisection.
pub(crate) fn lower_bound(len: usize, at: impl Fn(usize) -> u64, key: u64) -> usize {
    // The answer is in `lo..=hi`.
    let (mut lo, mut hi) = (0, len);
    for _ in 0..8 {
        if hi - lo <= 16 {
            break;
        }
        let (a, b) = (at(lo), at(hi - 1));
        if key <= a {
            return lo;
        }
        if key > b {
            return hi;
        }
        // `a < key <= b`: the guess is in `lo + 1..hi`.
        let span = (hi - 1 - lo) as u128;
        let guess = lo + (u128::from(key - a) * span).div_ceil(u128::from(b - a)) as usize;
        if at(guess) < key {
            lo = guess + 1;
        } else {
            hi = guess;
        }
    }
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if at(mid) < key {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

/// How many of the newest entries may wait, in position order, before they are sorted into a
/// run: fewer, longer runs to merge (small in tests, so that they merge too).
const PENDING: usize = if cfg!(test) { 8 } else { 1024 };

/// Sorts entries whose high bits are spread evenly (hashes): two stable counting passes on the
/// top 16 bits, then an insertion sort that only has to order the few entries that share them.
fn sort_entries(v: &mut [u64]) {
    if v.len() < 64 {
        v.sort_unstable();
        return;
    }
    let mut buf = vec![0u64; v.len()];
    for shift in [48, 56] {
        let digit = |e: u64| ((e >> shift) & 0xff) as usize;
        let mut start = [0usize; 257];
        for &e in v.iter() {
            start[digit(e) + 1] += 1;
        }
        for d in 0..256 {
            start[d + 1] += start[d];
        }
        for &e in v.iter() {
            let d = digit(e);
            buf[start[d]] = e;
            start[d] += 1;
        }
        v.copy_from_slice(&buf);
    }
    for i in 1..v.len() {
        let x = v[i];
        let mut j = i;
        while j > 0 && v[j - 1] > x {
            v[j] = v[j - 1];
            j -= 1;
        }
        v[j] = x;
    }
}

/// Scanned entries per pending entry from which the pending entries are sorted into a run.
const SCANS_PER_SORT: usize = 32;

/// The high half of a `u64`.
const HIGH: u64 = !0 << 32;

/// Merges the sorted `v[..mid]` and `v[mid..]` in place, with a buffer the size of the shorter
/// one. When that one is much the shorter (a new run joining a long one), the longer one is
/// moved in blocks found by galloping; otherwise value by value.
fn merge_tail(v: &mut [u64], mid: usize) {
    let (short, long) = (mid.min(v.len() - mid), mid.max(v.len() - mid));
    let blocks = short * 16 < long;
    if mid <= v.len() - mid {
        // Forwards: each head value goes after the values of `v[j..]` below it. The write
        // position never passes `j`.
        let head = v[..mid].to_vec();
        let (mut out, mut j) = (0, mid);
        if blocks {
            for x in head {
                let n = gallop(&v[j..], x);
                v.copy_within(j..j + n, out);
                out += n;
                j += n;
                v[out] = x;
                out += 1;
            }
        } else {
            for x in head {
                while j < v.len() && v[j] < x {
                    v[out] = v[j];
                    out += 1;
                    j += 1;
                }
                v[out] = x;
                out += 1;
            }
        }
    } else {
        // Backwards, symmetrically: each tail value goes before the values of `v[..i]` above
        // it.
        let tail = v[mid..].to_vec();
        let (mut out, mut i) = (v.len(), mid);
        if blocks {
            for x in tail.into_iter().rev() {
                let pos = gallop_back(&v[..i], x);
                let n = i - pos;
                v.copy_within(pos..i, out - n);
                out -= n;
                i = pos;
                out -= 1;
                v[out] = x;
            }
        } else {
            for x in tail.into_iter().rev() {
                while i > 0 && v[i - 1] > x {
                    i -= 1;
                    out -= 1;
                    v[out] = v[i];
                }
                out -= 1;
                v[out] = x;
            }
        }
    }
}

/// `v.partition_point(|&e| e < x)` for a sorted `v`, searched from the start.
fn gallop(v: &[u64], x: u64) -> usize {
    // `v[..lo]` are below `x`; `hi` doubles until `v[hi]` is not.
    let (mut lo, mut hi) = (0, 1);
    while hi <= v.len() && v[hi - 1] < x {
        lo = hi;
        hi *= 2;
    }
    let hi = hi.min(v.len() + 1) - 1;
    lo + v[lo..hi].partition_point(|&e| e < x)
}

/// `v.partition_point(|&e| e < x)` for a sorted `v`, searched from the end.
fn gallop_back(v: &[u64], x: u64) -> usize {
    // The last `lo` values are not below `x`; `hi` doubles until the last `hi` are not all so.
    let n = v.len();
    let (mut lo, mut hi) = (0, 1);
    while hi <= n && v[n - hi] >= x {
        lo = hi;
        hi *= 2;
    }
    let from = (n + 1).saturating_sub(hi);
    from + v[from..n - lo].partition_point(|&e| e < x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_as_by_chars() {
        let ascii: String = (0u8..0x80).map(char::from).collect();
        for s in [ascii.as_str(), "Ａｂ 1２ 中文，\u{3000}x\u{85}Y\t9"] {
            let want: Vec<char> = s
                .chars()
                .filter(|c| !c.is_whitespace())
                .map(|c| fold_fullwidth(c).to_ascii_lowercase())
                .collect();
            let digits = s.chars().filter(char::is_ascii_digit).count();
            assert_eq!(key_and_digits(s), (want, digits), "{s:?}");
        }
    }

    #[test]
    fn key_fast_paths_agree_with_a_plain_scan() {
        let plain = |s: &str| -> (Vec<char>, usize) {
            let key = s
                .chars()
                .filter(|c| !c.is_whitespace())
                .map(|c| fold_fullwidth(c).to_ascii_lowercase())
                .collect();
            (key, s.chars().filter(char::is_ascii_digit).count())
        };
        let mut all = String::new();
        for c in (0..=0x10FFFF).step_by(7).filter_map(char::from_u32) {
            all.push(c);
        }
        for s in [
            "",
            "Ab 12 中文，ＡＢ１\u{3000}乙\u{a0}x",
            "䀀鿿\u{2003}丙\u{85}",
            all.as_str(),
        ] {
            assert_eq!(key_and_digits(s), plain(s), "{s:?}");
        }
    }

    #[test]
    fn keys_ignore_spacing_case_and_width() {
        assert_eq!(key("Ａ b\tC 中"), key("abc中"));
    }

    #[test]
    fn similarity_thresholds() {
        let a = key("对排查出的密接、次密接人员已全部转运隔离。");
        let b = key("对排查出的密接、次密接人员己全部转运隔离。");
        let (ha, hb) = (Histogram::of(&a), Histogram::of(&b));
        let s = similarity_at_least(&a, &ha, &b, &hb, 0.9);
        assert!(s.is_some_and(|s| s > 0.94 && s < 1.0));
        let c = key("快速流调溯源。发挥公安、公卫、工信联动优势。");
        assert_eq!(
            similarity_at_least(&a, &ha, &c, &Histogram::of(&c), 0.5),
            None
        );
    }

    #[test]
    fn filter_has_no_false_negatives() {
        let s = key("甲乙丙丁戊己庚辛壬癸子丑寅卯");
        let mut f = ShingleFilter::with_capacity(s.len());
        f.insert(&s, 0..8);
        for p in 0..=2 {
            assert!(f.may_contain(&s[p..]));
        }
        assert!(!f.may_contain(&s[10..12]));
        assert!(!ShingleFilter::default().may_contain(&s));
    }

    #[test]
    fn index_finds_shingles() {
        let s = key("甲乙丙丁戊己庚辛甲乙丙丁戊己");
        let mut idx = ShingleIndex::default();
        idx.extend((0..=s.len() - SHINGLE).map(|p| (shingle_hash(&s[p..]), p)));
        let at = |p: usize| shingle_hash(&s[p..]);
        assert_eq!(idx.get(shingle_hash(&s[2..]), at).as_slice(), &[2]);
        assert_eq!(idx.get(shingle_hash(&s[0..]), at).as_slice(), &[0, 8]);
        assert!(idx
            .get(shingle_hash(&key("子丑寅卯辰巳")), at)
            .as_slice()
            .is_empty());
        assert!(ShingleIndex::default().get(1, at).as_slice().is_empty());
    }

    #[test]
    fn merges_keep_runs_sorted() {
        for (a, b) in [
            (vec![1, 4, 9], vec![2, 3, 10, 11, 12]),
            (vec![1, 2, 3, 4, 5, 6], vec![0, 7]),
            (vec![5], vec![]),
            (vec![], vec![5]),
        ] {
            let mut v: Vec<u64> = a.iter().chain(&b).copied().collect();
            merge_tail(&mut v, a.len());
            let mut want = v.clone();
            want.sort_unstable();
            assert_eq!(v, want);
        }
    }

    use proptest::prelude::*;

    proptest! {
        #[test]
        fn merges_and_gallops_agree_with_sorting(
            mut a in prop::collection::vec(prop_oneof![any::<u64>(), 0u64..50], 0..200),
            mut b in prop::collection::vec(prop_oneof![any::<u64>(), 0u64..50], 0..200),
            x in prop_oneof![any::<u64>(), 0u64..50],
        ) {
            a.sort_unstable();
            b.sort_unstable();
            prop_assert_eq!(gallop(&a, x), a.partition_point(|&e| e < x));
            prop_assert_eq!(gallop_back(&a, x), a.partition_point(|&e| e < x));
            let mut v: Vec<u64> = a.iter().chain(&b).copied().collect();
            merge_tail(&mut v, a.len());
            let mut want: Vec<u64> = a.iter().chain(&b).copied().collect();
            want.sort_unstable();
            prop_assert_eq!(v, want);
        }

        #[test]
        fn entries_sort_like_sort_unstable(
            v in prop::collection::vec(
                prop_oneof![any::<u64>(), (0u64..4, any::<u32>()).prop_map(|(h, p)| h << 50 | u64::from(p))],
                0..400,
            ),
        ) {
            let mut got = v.clone();
            sort_entries(&mut got);
            let mut want = v;
            want.sort_unstable();
            prop_assert_eq!(got, want);
        }

        #[test]
        fn lower_bound_is_a_partition_point(
            mut v in prop::collection::vec(prop_oneof![any::<u64>(), 0u64..50, Just(u64::MAX)], 0..300),
            keys in prop::collection::vec(prop_oneof![any::<u64>(), 0u64..50, Just(u64::MAX)], 1..20),
        ) {
            v.sort_unstable();
            for key in keys.into_iter().chain(v.iter().copied()) {
                prop_assert_eq!(lower_bound(v.len(), |i| v[i], key), v.partition_point(|&e| e < key));
            }
        }
    }

    /// The index as it was: a map from the whole hash to the first positions that have it.
    fn naive_get(map: &HashMap<u64, Vec<usize>>, hash: u64) -> Vec<u32> {
        map.get(&hash).map_or(Vec::new(), |v| {
            v.iter().take(MAX_POSTINGS).map(|&p| p as u32).collect()
        })
    }

    use std::collections::HashMap;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Batches of positions with hashes drawn from a few values that often share their high
        /// half: every look-up between batches answers what the map keyed by the whole hash
        /// does, including the cap.
        #[test]
        fn index_answers_like_a_map(
            batches in prop::collection::vec(
                prop::collection::vec((0u64..3, 0u64..3, 1usize..4), 0..40),
                1..12,
            ),
        ) {
            // Hashes with the same `hi` share their high half.
            let hash = |hi: u64, lo: u64| (hi << 32) | lo;
            let mut idx = ShingleIndex::default();
            let mut map: HashMap<u64, Vec<usize>> = HashMap::new();
            let mut hash_of: HashMap<usize, u64> = HashMap::new();
            let mut pos = 0usize;
            for batch in batches {
                let mut items = Vec::new();
                for (hi, lo, gap) in batch {
                    pos += gap;
                    let h = hash(hi, lo);
                    items.push((h, pos));
                    map.entry(h).or_default().push(pos);
                    hash_of.insert(pos, h);
                }
                idx.extend(items);
                for hi in 0..4 {
                    for lo in 0..4 {
                        let h = hash(hi, lo);
                        let got = idx.get(h, |p| hash_of[&p]);
                        let want = naive_get(&map, h);
                        prop_assert_eq!(got.as_slice(), want.as_slice());
                    }
                }
            }
            // Runs shrink at least fourfold from one to the next.
            let mut start = 0;
            let lens: Vec<usize> = idx.runs.iter().map(|&e| { let l = e - start; start = e; l }).collect();
            prop_assert!(lens.windows(2).all(|w| w[0] >= 4 * w[1]), "{:?}", lens);
        }
    }
}
