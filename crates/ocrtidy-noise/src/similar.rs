//! Comparison keys, a cheap lower bound of the edit distance, normalised edit similarity and a
//! character-shingle index.

use std::collections::HashMap;

/// The comparison key of a fragment: its characters without whitespace, ASCII lower-cased and
/// full-width ASCII folded to half-width, so that two OCR copies that differ only in spacing or
/// width compare equal.
pub(crate) fn key(s: &str) -> Vec<char> {
    key_and_digits(s).0
}

/// [`key`], and the number of ASCII digits of `s` (before folding), in one scan.
pub(crate) fn key_and_digits(s: &str) -> (Vec<char>, usize) {
    // Sized once (the byte length bounds the character count) rather than grown while filtering.
    let mut out = Vec::with_capacity(s.len());
    let mut digits = 0;
    for c in s.chars() {
        digits += usize::from(c.is_ascii_digit());
        if c.is_whitespace() {
            continue;
        }
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        };
        out.push(c.to_ascii_lowercase());
    }
    (out, digits)
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
    let sa: String = a.iter().collect();
    let sb: String = b.iter().collect();
    let sim = strsim::normalized_levenshtein(&sa, &sb);
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
/// look-ups that it cannot rule out.
#[derive(Debug, Default)]
pub(crate) struct ShingleFilter {
    bits: Vec<u64>,
    /// log2 of the number of bits.
    log: u32,
}

impl ShingleFilter {
    /// A filter sized for about `n` shingles (16 bits each).
    pub(crate) fn with_capacity(n: usize) -> Self {
        let bits = (n.max(1) * 16).next_power_of_two().max(64);
        ShingleFilter {
            bits: vec![0; bits / 64],
            log: bits.trailing_zeros(),
        }
    }

    fn slot(&self, hash: u64) -> Option<(usize, u64)> {
        if self.bits.is_empty() {
            return None;
        }
        // The high bits of a multiplicative mix of the hash.
        let b = (hash.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - self.log)) as usize;
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

/// Positions of character shingles in a document's key stream.
#[derive(Debug, Default)]
pub(crate) struct ShingleIndex {
    postings: HashMap<u64, Postings, FastHash>,
}

/// The positions of one shingle, in insertion order. Most shingles of a document occur once:
/// those need no allocation of their own.
#[derive(Debug)]
enum Postings {
    One(usize),
    Many(Vec<usize>),
}

impl Postings {
    fn as_slice(&self) -> &[usize] {
        match self {
            Postings::One(p) => std::slice::from_ref(p),
            Postings::Many(v) => v,
        }
    }

    fn push(&mut self, p: usize) {
        match self {
            Postings::One(first) => *self = Postings::Many(vec![*first, p]),
            Postings::Many(v) => v.push(p),
        }
    }
}

/// rustc's FxHash for integer keys that are positions or already hashes (shingle hashes): one
/// multiplication instead of SipHash. Nothing depends on the iteration order of the maps that
/// use it.
pub(crate) type FastHash = rustc_hash::FxBuildHasher;

impl ShingleIndex {
    /// An empty index with room for `n` shingles, so that filling it never rehashes.
    pub(crate) fn with_capacity(n: usize) -> Self {
        ShingleIndex {
            postings: HashMap::with_capacity_and_hasher(n, FastHash::default()),
        }
    }

    /// Indexes every shingle that lies wholly inside `stream[range]`.
    pub(crate) fn insert(&mut self, stream: &[char], range: std::ops::Range<usize>) {
        if range.len() < SHINGLE {
            return;
        }
        for p in range.start..=range.end - SHINGLE {
            match self.postings.entry(shingle_hash(&stream[p..])) {
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(Postings::One(p));
                }
                std::collections::hash_map::Entry::Occupied(mut e) => {
                    if e.get().as_slice().len() < MAX_POSTINGS {
                        e.get_mut().push(p);
                    }
                }
            }
        }
    }

    /// The indexed positions of the shingle starting at `chars[0]`.
    pub(crate) fn get(&self, chars: &[char]) -> &[usize] {
        if chars.len() < SHINGLE {
            return &[];
        }
        self.postings
            .get(&shingle_hash(chars))
            .map_or(&[], Postings::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let s = key("甲乙丙丁戊己庚辛");
        let mut idx = ShingleIndex::default();
        idx.insert(&s, 0..s.len());
        assert_eq!(idx.get(&s[2..]), &[2]);
        assert!(idx.get(&s[4..]).is_empty());
    }
}
