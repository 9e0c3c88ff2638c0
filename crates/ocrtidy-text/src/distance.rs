//! Levenshtein (edit) distance of short sequences — words, lines, comparison keys — with unit
//! costs, over chars or any other 32-bit symbols: [`levenshtein`] exactly, [`levenshtein_within`]
//! when only distances up to a bound matter (much faster for pairs that are far apart).
//!
//! (Book-length texts are aligned by the bit-parallel aligner of `ocrtidy-eval`, which also
//! returns the alignment.)

/// A symbol of the sequences compared: a char, or a 32-bit id.
pub trait Symbol: Copy + Eq + Into<u32> {}
impl<T: Copy + Eq + Into<u32>> Symbol for T {}

/// The Levenshtein distance of `a` and `b` (over their symbols: for chars, code points, as
/// `strsim::levenshtein`). Quadratic in the worst case: meant for words and lines; see
/// [`levenshtein_within`] when a bound is known.
pub fn levenshtein<T: Symbol>(a: &[T], b: &[T]) -> usize {
    let most = a.len().max(b.len());
    // With the bound at the longer length the band is the whole table and every row stays
    // within it: the result is always there.
    levenshtein_within(a, b, most).unwrap_or(most)
}

/// The Levenshtein distance of `a` and `b` (over their symbols: for chars, as
/// `strsim::levenshtein`) when it is at most `k`, `None` otherwise. Linear work for keys that
/// are far apart, whatever their length: common prefix and suffix are skipped, long keys that
/// share too few bigrams to be within `k` are ruled out (q-gram lemma: each edit destroys at
/// most two bigrams), and the dynamic programme only fills the band of diagonals within `k` of
/// the main one, stopping as soon as a whole row exceeds `k` (Ukkonen).
pub fn levenshtein_within<T: Symbol>(a: &[T], b: &[T], k: usize) -> Option<usize> {
    let p = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[p..], &b[p..]);
    let s = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a, b) = (&a[..a.len() - s], &b[..b.len() - s]);
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > k {
        return None;
    }
    if n == 0 || m == 0 {
        return Some(n.max(m));
    }
    // The band costs about `2k + 1` cells a row: a long pair is first filtered by bigrams.
    if n.min(m).saturating_mul(2 * k + 1) > 4096 && !enough_common_bigrams(a, b, k) {
        return None;
    }
    // Cells outside the band, or above `k`, hold `k + 1`: every value up to `k` stays exact.
    let cap = k + 1;
    let mut prev = vec![cap; m + 1];
    let mut cur = vec![cap; m + 1];
    for (j, v) in prev.iter_mut().enumerate().take(m.min(k) + 1) {
        *v = j;
    }
    for i in 1..=n {
        let lo = i.saturating_sub(k).max(1);
        let hi = (i + k).min(m);
        cur[lo - 1] = if lo == 1 && i <= k { i } else { cap };
        let mut row_min = cur[lo - 1];
        let ai = a[i - 1];
        for j in lo..=hi {
            let v = (prev[j - 1] + usize::from(ai != b[j - 1]))
                .min(prev[j] + 1)
                .min(cur[j - 1] + 1)
                .min(cap);
            cur[j] = v;
            row_min = row_min.min(v);
        }
        // The next row reads one cell further right: outside this row's band.
        if hi < m {
            cur[hi + 1] = cap;
        }
        if row_min > k {
            return None;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    (prev[m] <= k).then_some(prev[m])
}

/// Whether `a` and `b` share enough bigrams (counted with multiplicity) to be within edit
/// distance `k`: an edit destroys at most two bigrams of the longer key, so two keys within `k`
/// share at least `max(n, m) - 1 - 2k`.
fn enough_common_bigrams<T: Symbol>(a: &[T], b: &[T], k: usize) -> bool {
    let need = a.len().max(b.len()).saturating_sub(1 + 2 * k);
    if need == 0 {
        return true;
    }
    let grams = |s: &[T]| -> Vec<u64> {
        let mut v: Vec<u64> = s
            .windows(2)
            .map(|w| u64::from(w[0].into()) << 32 | u64::from(w[1].into()))
            .collect();
        v.sort_unstable();
        v
    };
    let (ga, gb) = (grams(a), grams(b));
    let (mut i, mut j, mut common) = (0, 0, 0);
    while i < ga.len() && j < gb.len() {
        match ga[i].cmp(&gb[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    common >= need
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn known_distances() {
        for (a, b, d) in [
            ("", "", 0),
            ("", "abc", 3),
            ("kitten", "sitting", 3),
            ("清徐县", "清除县", 1),
            ("flaw", "lawn", 2),
            ("intention", "execution", 5),
        ] {
            assert_eq!(levenshtein(&chars(a), &chars(b)), d, "{a} {b}");
            assert_eq!(levenshtein(&chars(b), &chars(a)), d, "{b} {a}");
            assert_eq!(levenshtein_within(&chars(a), &chars(b), d), Some(d));
            if d > 0 {
                assert_eq!(levenshtein_within(&chars(a), &chars(b), d - 1), None);
            }
        }
        assert_eq!(levenshtein(&[1u32, 2, 3], &[1, 3]), 1);
    }

    proptest::proptest! {
        /// The banded, filtered distance is `strsim`'s whenever that is at most `k`, and
        /// `None` otherwise; keys over a small alphabet (many near pairs) and long ones (the
        /// bigram filter).
        #[test]
        fn bounded_levenshtein_is_strsims(
            a in proptest::collection::vec(proptest::sample::select(vec!['甲', '乙', '丙', 'a']), 0..120),
            edits in proptest::collection::vec((0usize..120, proptest::sample::select(vec!['甲', '丁', 'b']), 0u8..3), 0..30),
            k in 0usize..40,
        ) {
            let mut b = a.clone();
            for (at, c, op) in edits {
                let at = at.min(b.len());
                match op {
                    0 => b.insert(at, c),
                    1 if at < b.len() => { b.remove(at); }
                    _ if at < b.len() => b[at] = c,
                    _ => b.push(c),
                }
            }
            let sa: String = a.iter().collect();
            let sb: String = b.iter().collect();
            let d = strsim::levenshtein(&sa, &sb);
            proptest::prop_assert_eq!(levenshtein_within(&a, &b, k), (d <= k).then_some(d));
        }
    }

    proptest::proptest! {
        /// The plain distance is `strsim`'s, on texts of any chars.
        #[test]
        fn plain_levenshtein_is_strsims(a in "[a-c清徐 ]{0,40}", b in "[a-c清除 ]{0,40}") {
            let d = strsim::levenshtein(&a, &b);
            proptest::prop_assert_eq!(levenshtein(&chars(&a), &chars(&b)), d);
        }
    }
}
