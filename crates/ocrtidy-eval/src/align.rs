//! Levenshtein distance and alignment of symbol sequences in bounded memory.
//!
//! The distance is computed with the bit-parallel algorithm of Myers/Hyyrö (64 cells per
//! machine word), restricted to a diagonal band that doubles until it provably contains an
//! optimal path (Ukkonen's cut-off), so near-identical book-length texts cost
//! `O(n·k/64)` time for distance `k` and `O(n/64)` memory.
//!
//! The alignment is the one `rapidfuzz.distance.Levenshtein.opcodes` computes (common prefix and
//! suffix stripped, the bit matrix of the middle part backtracked from the end preferring
//! deletion, then insertion, then the diagonal) whenever the middle part's bit matrix fits in
//! [`FULL_MATRIX_WORDS`] words; larger inputs are split by Hirschberg's method (banded forward
//! and backward passes meeting in the middle row) until the parts fit, so memory stays linear.
//! Both give an optimal alignment; only the choice among equally good ones can differ.

/// Above this many 64-bit words per bit matrix (`ceil(n/64) · m`), alignment switches from the
/// full bit matrix to Hirschberg splitting. 4 Mi words = 32 MiB per matrix (two are kept).
pub const FULL_MATRIX_WORDS: usize = 1 << 22;

/// One step of an alignment of `a` (the prediction) to `b` (the reference).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `a[i] == b[j]`; consumes one symbol of each.
    Equal,
    /// `a[i] != b[j]`; consumes one symbol of each.
    Replace,
    /// A symbol only in `a` (consumes `a[i]`).
    Delete,
    /// A symbol only in `b` (consumes `b[j]`).
    Insert,
}

/// The Levenshtein distance between `a` and `b` (unit costs).
pub fn distance(a: &[u32], b: &[u32]) -> usize {
    let (p, s) = common_affix(a, b);
    let (a, b) = (&a[p..a.len() - s], &b[p..b.len() - s]);
    banded_distance(a, b).0
}

/// An optimal alignment of `a` to `b` as a list of steps from the start.
pub fn align(a: &[u32], b: &[u32]) -> Vec<Op> {
    let (p, s) = common_affix(a, b);
    let mut ops = vec![Op::Equal; p];
    let (ma, mb) = (&a[p..a.len() - s], &b[p..b.len() - s]);
    if fits_full(ma.len(), mb.len()) {
        full_align(ma, mb, &mut ops);
    } else {
        let k = banded_distance(ma, mb).0;
        hirschberg(ma, mb, k, &mut ops);
    }
    ops.extend(std::iter::repeat_n(Op::Equal, s));
    ops
}

fn common_affix(a: &[u32], b: &[u32]) -> (usize, usize) {
    let p = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let s = a[p..]
        .iter()
        .rev()
        .zip(b[p..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    (p, s)
}

fn fits_full(n: usize, m: usize) -> bool {
    n.div_ceil(64).saturating_mul(m) <= FULL_MATRIX_WORDS
}

/// Match masks of `a`: for each symbol, the bits of the positions where it occurs. Frequent
/// symbols get a dense mask per word; rare ones a position list (so a text with thousands of
/// distinct ideographs does not need `distinct × words` memory).
struct Peq {
    words: usize,
    dense: std::collections::HashMap<u32, Vec<u64>>,
    sparse: std::collections::HashMap<u32, Vec<u32>>,
}

impl Peq {
    fn new(a: &[u32]) -> Peq {
        let words = a.len().div_ceil(64);
        let mut positions: std::collections::HashMap<u32, Vec<u32>> = Default::default();
        for (i, &c) in a.iter().enumerate() {
            positions.entry(c).or_default().push(i as u32);
        }
        let mut dense = std::collections::HashMap::new();
        let mut sparse = std::collections::HashMap::new();
        for (c, pos) in positions {
            if pos.len() >= words.div_ceil(2).max(1) {
                let mut v = vec![0u64; words];
                for p in pos {
                    v[p as usize / 64] |= 1 << (p % 64);
                }
                dense.insert(c, v);
            } else {
                sparse.insert(c, pos);
            }
        }
        Peq {
            words,
            dense,
            sparse,
        }
    }

    /// Fills `out[w0..=w1]` with the match mask of `c`.
    fn fill(&self, c: u32, w0: usize, w1: usize, out: &mut [u64]) {
        if let Some(v) = self.dense.get(&c) {
            out[w0..=w1].copy_from_slice(&v[w0..=w1]);
            return;
        }
        out[w0..=w1].fill(0);
        if let Some(pos) = self.sparse.get(&c) {
            let lo = (w0 * 64) as u32;
            let hi = ((w1 + 1) * 64) as u32;
            let start = pos.partition_point(|&p| p < lo);
            for &p in pos[start..].iter().take_while(|&&p| p < hi) {
                out[p as usize / 64] |= 1 << (p % 64);
            }
        }
    }
}

/// One 64-cell block of the bit-parallel recurrence (Hyyrö's formulation as in edlib). `pv`/`mv`
/// are the vertical +1/-1 deltas of the previous column, `eq` the match mask, `hin` the
/// horizontal delta entering at the top. Returns the delta leaving at the bottom.
#[inline]
fn block(pv: &mut u64, mv: &mut u64, mut eq: u64, hin: i32) -> i32 {
    let hin_neg = (hin < 0) as u64;
    let xv = eq | *mv;
    eq |= hin_neg;
    let xh = ((eq & *pv).wrapping_add(*pv) ^ *pv) | eq;
    let mut ph = *mv | !(xh | *pv);
    let mut mh = *pv & xh;
    let hout = (ph >> 63) as i32 - (mh >> 63) as i32;
    ph <<= 1;
    mh <<= 1;
    mh |= hin_neg;
    ph |= (hin > 0) as u64;
    *pv = mh | !(xv | ph);
    *mv = ph & xv;
    hout
}

fn mask_upto(bits: usize) -> u64 {
    if bits >= 64 {
        !0
    } else {
        (1u64 << bits) - 1
    }
}

/// The outcome of a banded pass: `D[n][m]` (an upper bound when the band is too narrow) and,
/// on request, the last column `D[i][m]` for `i in 0..=n` (`usize::MAX` outside the band).
struct BandResult {
    dist: usize,
    column: Vec<usize>,
}

/// Runs the recurrence of `a` (bits) against `b` (rows) inside the diagonals `i - j` in
/// `[dlo, dhi]`. Cells outside the band are overestimated, never underestimated, so every
/// value on a path that stays in the band is exact.
fn band_pass(a: &[u32], b: &[u32], dlo: isize, dhi: isize, want_column: bool) -> BandResult {
    let n = a.len();
    let m = b.len();
    if n == 0 {
        return BandResult {
            dist: m,
            column: vec![m],
        };
    }
    let peq = Peq::new(a);
    let nw = peq.words;
    let (n_i, m_i) = (n as isize, m as isize);
    let w_lo = |j: isize| ((j + dlo).clamp(1, n_i) - 1) as usize / 64;
    let w_hi = |j: isize| ((j + dhi).clamp(1, n_i) - 1) as usize / 64;
    let mut pv = vec![!0u64; nw];
    let mut mv = vec![0u64; nw];
    let mut eq = vec![0u64; nw];
    let mut first = 0usize;
    let mut last = w_hi(1);
    // `top` is D[first*64][j]: the cell just above the first active block.
    let mut top: usize = 0;
    for j in 1..=m_i {
        let (lo, hi) = (w_lo(j), w_hi(j));
        while first < lo.min(last) {
            top = (top as isize + pv[first].count_ones() as isize - mv[first].count_ones() as isize)
                as usize;
            first += 1;
        }
        while last < hi {
            last += 1;
            pv[last] = !0;
            mv[last] = 0;
        }
        let c = b[(j - 1) as usize];
        peq.fill(c, first, last, &mut eq);
        let mut h = 1;
        for ((p, m), &e) in pv[first..=last]
            .iter_mut()
            .zip(&mut mv[first..=last])
            .zip(&eq[first..=last])
        {
            h = block(p, m, e, h);
        }
        top += 1;
    }
    let mut dist = top as isize;
    let mut column = Vec::new();
    if want_column {
        column = vec![usize::MAX; n + 1];
        column[first * 64] = top;
    }
    for w in first..=last {
        let bits = (n - w * 64).min(64);
        if want_column {
            let mut v = dist;
            for bit in 0..bits {
                v += ((pv[w] >> bit) & 1) as isize - ((mv[w] >> bit) & 1) as isize;
                column[w * 64 + bit + 1] = v as usize;
            }
        }
        let mask = mask_upto(bits);
        dist += (pv[w] & mask).count_ones() as isize - (mv[w] & mask).count_ones() as isize;
    }
    BandResult {
        dist: dist as usize,
        column,
    }
}

/// The diagonal band that holds every path of cost at most `k` from (0,0) to (n,m).
fn band_for(n: usize, m: usize, k: usize) -> (isize, isize) {
    let d = n as isize - m as isize;
    let slack = (k as isize - d.abs()).max(0) / 2;
    (d.min(0) - slack, d.max(0) + slack)
}

/// Exact distance by doubling the band; returns (distance, band bound used).
fn banded_distance(a: &[u32], b: &[u32]) -> (usize, usize) {
    let (n, m) = (a.len(), b.len());
    if n == 0 || m == 0 {
        return (n.max(m), n.max(m));
    }
    let mut k = n.abs_diff(m).max(64);
    loop {
        let (dlo, dhi) = band_for(n, m, k);
        let full = dlo <= -(m as isize) && dhi >= n as isize;
        let r = band_pass(a, b, dlo, dhi, false);
        if r.dist <= k || full {
            return (r.dist, k);
        }
        // The pass's result bounds the distance from above, so a band that wide is enough.
        k = k.saturating_mul(2).min(r.dist);
    }
}

/// Full bit matrix and the backtracking of rapidfuzz's `Levenshtein.editops`.
fn full_align(a: &[u32], b: &[u32], ops: &mut Vec<Op>) {
    let (n, m) = (a.len(), b.len());
    if n == 0 || m == 0 {
        ops.extend(std::iter::repeat_n(Op::Delete, n));
        ops.extend(std::iter::repeat_n(Op::Insert, m));
        return;
    }
    let peq = Peq::new(a);
    let nw = peq.words;
    let mut pv = vec![!0u64; nw];
    let mut mv = vec![0u64; nw];
    let mut eq = vec![0u64; nw];
    let mut all_pv = Vec::with_capacity(nw * m);
    let mut all_mv = Vec::with_capacity(nw * m);
    for &c in b {
        peq.fill(c, 0, nw - 1, &mut eq);
        let mut h = 1;
        for w in 0..nw {
            h = block(&mut pv[w], &mut mv[w], eq[w], h);
        }
        all_pv.extend_from_slice(&pv);
        all_mv.extend_from_slice(&mv);
    }
    let bit = |v: &[u64], row: usize, col: usize| (v[row * nw + col / 64] >> (col % 64)) & 1 == 1;
    let mut rev = Vec::with_capacity(n.max(m) + 8);
    let (mut col, mut row) = (n, m);
    while row != 0 && col != 0 {
        if bit(&all_pv, row - 1, col - 1) {
            col -= 1;
            rev.push(Op::Delete);
        } else {
            row -= 1;
            if row != 0 && bit(&all_mv, row - 1, col - 1) {
                rev.push(Op::Insert);
            } else {
                col -= 1;
                rev.push(if a[col] == b[row] {
                    Op::Equal
                } else {
                    Op::Replace
                });
            }
        }
    }
    rev.extend(std::iter::repeat_n(Op::Delete, col));
    rev.extend(std::iter::repeat_n(Op::Insert, row));
    ops.extend(rev.into_iter().rev());
}

/// Hirschberg's divide and conquer with banded passes; `k` is the exact distance of (a, b).
fn hirschberg(a: &[u32], b: &[u32], k: usize, ops: &mut Vec<Op>) {
    let (n, m) = (a.len(), b.len());
    if fits_full(n, m) || m < 2 || n == 0 {
        full_align(a, b, ops);
        return;
    }
    let mid = m / 2;
    let (dlo, dhi) = band_for(n, m, k);
    let d = n as isize - m as isize;
    // The forward and backward passes are independent: run them on two threads.
    let (fwd, bwd) = std::thread::scope(|scope| {
        let back = scope.spawn(|| {
            let ra: Vec<u32> = a.iter().rev().copied().collect();
            let rb: Vec<u32> = b[mid..].iter().rev().copied().collect();
            band_pass(&ra, &rb, d - dhi, d - dlo, true).column
        });
        let fwd = band_pass(a, &b[..mid], dlo, dhi, true).column;
        // A panic in the other thread is re-raised here rather than hidden.
        let bwd = back.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
        (fwd, bwd)
    });
    let mut best = (usize::MAX, 0usize);
    for i in 0..=n {
        let (f, g) = (fwd[i], bwd[n - i]);
        if f != usize::MAX && g != usize::MAX && f + g < best.0 {
            best = (f + g, i);
        }
    }
    let i = best.1;
    let (k1, k2) = (fwd[i], bwd[n - i]);
    hirschberg(&a[..i], &b[..mid], k1, ops);
    hirschberg(&a[i..], &b[mid..], k2, ops);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(a: &[u32], b: &[u32]) -> usize {
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for (i, x) in a.iter().enumerate() {
            let mut cur = vec![i + 1; b.len() + 1];
            for (j, y) in b.iter().enumerate() {
                cur[j + 1] = (prev[j] + usize::from(x != y))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1);
            }
            prev = cur;
        }
        prev[b.len()]
    }

    fn cost(ops: &[Op], a: &[u32], b: &[u32]) -> usize {
        let (mut i, mut j, mut c) = (0, 0, 0);
        for op in ops {
            match op {
                Op::Equal => {
                    assert_eq!(a[i], b[j]);
                    i += 1;
                    j += 1;
                }
                Op::Replace => {
                    assert_ne!(a[i], b[j]);
                    i += 1;
                    j += 1;
                    c += 1;
                }
                Op::Delete => {
                    i += 1;
                    c += 1;
                }
                Op::Insert => {
                    j += 1;
                    c += 1;
                }
            }
        }
        assert_eq!((i, j), (a.len(), b.len()));
        c
    }

    fn syms(s: &str) -> Vec<u32> {
        s.chars().map(|c| c as u32).collect()
    }

    #[test]
    fn known_distances() {
        for (a, b, d) in [
            ("", "", 0),
            ("abc", "", 3),
            ("", "机器", 2),
            ("kitten", "sitting", 3),
            ("使用 apt 命令", "使用apt命令", 2),
            ("第一段\n第二段", "第一段第二段", 1),
        ] {
            let (a, b) = (syms(a), syms(b));
            assert_eq!(distance(&a, &b), d);
            assert_eq!(cost(&align(&a, &b), &a, &b), d);
        }
    }

    #[test]
    fn rapidfuzz_tie_breaking() {
        // rapidfuzz: Levenshtein.opcodes("qabxcd", "abycdf") =
        // delete q, equal ab, replace x->y, equal cd, insert f
        let ops = align(&syms("qabxcd"), &syms("abycdf"));
        use Op::*;
        assert_eq!(
            ops,
            vec![Delete, Equal, Equal, Replace, Equal, Equal, Insert]
        );
        // Where line breaks land decides the paragraph-break metric; these are rapidfuzz's.
        let cases = [
            (
                "甲\n\n乙丙\n丁",
                "甲\n乙\n丙丁",
                vec![Equal, Equal, Insert, Equal, Delete, Equal, Delete, Equal],
            ),
            (
                "ab  \ncd",
                "ab\ncd e",
                vec![
                    Equal, Equal, Delete, Delete, Equal, Equal, Equal, Insert, Insert,
                ],
            ),
            (
                "第一段第二\n段",
                "第一段\n第二段",
                vec![Equal, Equal, Equal, Insert, Equal, Equal, Delete, Equal],
            ),
        ];
        for (a, b, expected) in cases {
            assert_eq!(align(&syms(a), &syms(b)), expected, "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn long_inputs_cross_many_words_and_split() {
        // Deterministic pseudo-random texts over a small alphabet, long enough for several
        // words per row; alignment forced through Hirschberg by calling it directly.
        let mut x: u64 = 12345;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % 5) as u32
        };
        let a: Vec<u32> = (0..700).map(|_| next()).collect();
        let mut b = a.clone();
        for k in 0..60 {
            let p = (k * 37) % b.len();
            match k % 3 {
                0 => b[p] = 9,
                1 => {
                    b.remove(p);
                }
                _ => b.insert(p, 7),
            }
        }
        let d = naive(&a, &b);
        assert_eq!(distance(&a, &b), d);
        let mut ops = Vec::new();
        hirschberg_forced(&a, &b, d, &mut ops);
        assert_eq!(cost(&ops, &a, &b), d);
    }

    /// Hirschberg that always splits (ignores the full-matrix threshold) down to tiny parts.
    fn hirschberg_forced(a: &[u32], b: &[u32], k: usize, ops: &mut Vec<Op>) {
        let (n, m) = (a.len(), b.len());
        if m < 2 || n == 0 {
            full_align(a, b, ops);
            return;
        }
        let mid = m / 2;
        let (dlo, dhi) = band_for(n, m, k);
        let fwd = band_pass(a, &b[..mid], dlo, dhi, true).column;
        let d = n as isize - m as isize;
        let ra: Vec<u32> = a.iter().rev().copied().collect();
        let rb: Vec<u32> = b[mid..].iter().rev().copied().collect();
        let bwd = band_pass(&ra, &rb, d - dhi, d - dlo, true).column;
        let (mut best, mut at) = (usize::MAX, 0);
        for i in 0..=n {
            let (f, g) = (fwd[i], bwd[n - i]);
            if f != usize::MAX && g != usize::MAX && f + g < best {
                best = f + g;
                at = i;
            }
        }
        assert_eq!(best, k);
        hirschberg_forced(&a[..at], &b[..mid], fwd[at], ops);
        hirschberg_forced(&a[at..], &b[mid..], bwd[n - at], ops);
    }

    proptest::proptest! {
        #[test]
        fn matches_naive(a in proptest::collection::vec(0u32..4, 0..200),
                         b in proptest::collection::vec(0u32..4, 0..200)) {
            let d = naive(&a, &b);
            proptest::prop_assert_eq!(distance(&a, &b), d);
            proptest::prop_assert_eq!(cost(&align(&a, &b), &a, &b), d);
            let mut ops = Vec::new();
            let (p, s) = common_affix(&a, &b);
            hirschberg_forced(&a[p..a.len()-s], &b[p..b.len()-s], d, &mut ops);
            proptest::prop_assert_eq!(cost(&ops, &a[p..a.len()-s], &b[p..b.len()-s]), d);
        }
    }
}
