//! Levenshtein distance and alignment of symbol sequences in bounded memory.
//!
//! The distance is computed with the bit-parallel algorithm of Myers/Hyyrö (64 cells per
//! machine word). A first pass gives the cost `u` of some path: over the diagonal band of
//! `|n - m|` when that is at most 4096 wide (the distance itself when it is at most that
//! width), else (and when that pass did not prove it) over a window of 4096 cells per row that
//! moves down the rows with the cheapest cell (`adaptive_bound`, `O(m · 64)` words whatever
//! the distance; on the 1 MB OCR pair its `u` is the distance in all three of `score`'s
//! computations). A second pass over the band of `u` (Ukkonen's bound) skips, per row, the
//! 64-cell blocks whose cells cannot lie on a path of cost at most `u`
//! (`D[i][j] + |(n - i) - (m - j)| > u`), which proves the distance. Time `O(n·u/64)`, memory
//! `O(n/64)` plus the band.
//!
//! The alignment is the one `rapidfuzz.distance.Levenshtein.opcodes` computes, by the same
//! recursion as rapidfuzz's `levenshtein_align_hirschberg`: at every level the common prefix
//! and suffix are stripped; a part whose two band matrices (`2 · min(n, 2·max + 1) · m` bits,
//! `max` being `max(n, m)` at the top and the part's own distance below) take less than
//! [`LEAF_MATRIX_BYTES`] (1 MiB), or with `n < 65` or `m < 10`, is aligned with one bit matrix
//! backtracked from the end preferring deletion, then insertion, then the diagonal; a larger
//! one is split at the middle row of `b` and at the first `i` of `a` where an optimal path
//! crosses it (rapidfuzz's `find_hirschberg_pos`), found by a backward and a forward pass, both
//! pruned to the part's bound. The second pass is pruned much harder than by Ukkonen's cut-off:
//! the first one's column at the middle row, spread by a distance transform, bounds from below
//! the cost still needed from any cell (`split_columns`). Each pass also keeps a column near
//! the middle row of the half that shares its corner, which prunes that half's first pass the
//! same way (`Hint`); only the top level's first pass has Ukkonen's cut-off alone. The halves
//! of a large part are aligned on two threads. The leaf matrices are banded to the part's
//! distance, so memory stays linear; the band, like the pruning, changes no choice (every cell
//! of an optimal path is exact, every other one overestimated — see `leaf_align`), which the
//! tests check against the same recursion on plain dynamic programming. The top-level split
//! needs no separate distance pass: the first pass's `u` bounds it.
//!
//! Work on a pair of 1 MB texts (468k and 436k characters, distance 130,516), all of
//! `score` (this alignment, the whitespace-free and the word distances): about 1.27 G steps of
//! a 64-cell block; 1.48 G without the kept columns; about 2.2 G before the adaptive window
//! and the pruning by the other pass's column.

/// rapidfuzz's threshold: a part is aligned with one bit matrix when its two band matrices
/// (`2 · full_band · m` bits, `full_band = min(n, 2·max + 1)`) take less than this many bytes,
/// else split by Hirschberg's method.
pub const LEAF_MATRIX_BYTES: usize = 1 << 20;

/// A Hirschberg split of a part of at least this many cells (`n · m`) aligns its two halves on
/// two threads.
const PARALLEL_CELLS: usize = 1 << 33;

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
    banded_distance(a, b)
}

/// An optimal alignment of `a` to `b` as a list of steps from the start: the one
/// `rapidfuzz.distance.Levenshtein.opcodes(a, b)` gives.
pub fn align(a: &[u32], b: &[u32]) -> Vec<Op> {
    align_with(a, b, LEAF_MATRIX_BYTES)
}

/// [`align`] with another leaf threshold (the tests make it tiny to split small inputs).
fn align_with(a: &[u32], b: &[u32], leaf_bytes: usize) -> Vec<Op> {
    let (p, s) = common_affix(a, b);
    let (ma, mb) = (&a[p..a.len() - s], &b[p..b.len() - s]);
    // rapidfuzz starts from `max = max(n, m)`; the bound only prunes.
    let max = a.len().max(b.len());
    let bound = if rf_leaf(ma.len(), mb.len(), ma.len().max(mb.len()), leaf_bytes) {
        max
    } else {
        narrow_bound(ma, mb).unwrap_or_else(|u| u)
    };
    let mut ops = Vec::with_capacity(a.len().max(b.len()) + 8);
    rf_align(a, b, max, bound, leaf_bytes, None, &mut ops);
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

/// Match masks of `a`: for each symbol, the bits of the positions where it occurs. Symbols in
/// at least one of 512 positions get a dense mask per word (setting the bits of a list costs
/// more per row than copying the mask above about that density; at most 512 such masks, 64
/// bytes per symbol of `a`); rarer ones a position list (so a text with thousands of distinct
/// ideographs does not need `distinct × words` memory).
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
            if pos.len() >= words.div_ceil(8).max(1) {
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
/// are the vertical +1/-1 deltas of the previous column, `eq` the match mask, `(hp, hn)` the
/// horizontal delta entering at the top as two bits (+1: `(1, 0)`, -1: `(0, 1)`, 0: `(0, 0)`).
/// Returns the delta leaving at the bottom, the same way. Two bits rather than an integer keep
/// conversions off the carry chain from block to block, which bounds the speed of a row.
#[inline]
fn block(pv: &mut u64, mv: &mut u64, mut eq: u64, hp: u64, hn: u64) -> (u64, u64) {
    let xv = eq | *mv;
    eq |= hn;
    let xh = ((eq & *pv).wrapping_add(*pv) ^ *pv) | eq;
    let ph = *mv | !(xh | *pv);
    let mh = *pv & xh;
    let out = (ph >> 63, mh >> 63);
    let ph = (ph << 1) | hp;
    let mh = (mh << 1) | hn;
    *pv = mh | !(xv | ph);
    *mv = ph & xv;
    out
}

fn mask_upto(bits: usize) -> u64 {
    if bits >= 64 {
        !0
    } else {
        (1u64 << bits) - 1
    }
}

/// The outcome of a banded pass: `D[n][m]` (an upper bound when the band is too narrow,
/// `usize::MAX` when the pass pruned it) and, on request, the last column `D[i][m]` for
/// `i in 0..=n` (`u32::MAX` outside the cells computed).
struct BandResult {
    dist: usize,
    column: Vec<u32>,
    /// The column of row `keep`, when asked for (as `column`).
    kept: Vec<u32>,
}

/// The column `D[i][j]` of the current row, `i in 0..=n`, from the blocks `first..=last`
/// (`u32::MAX` outside them; `top` is the cell above the first block).
fn column_of(n: usize, first: usize, last: usize, top: usize, pv: &[u64], mv: &[u64]) -> Vec<u32> {
    let mut column = vec![u32::MAX; n + 1];
    column[first * 64] = top as u32;
    let mut v = top as isize;
    for w in first..=last {
        for bit in 0..(n - w * 64).min(64) {
            v += ((pv[w] >> bit) & 1) as isize - ((mv[w] >> bit) & 1) as isize;
            column[w * 64 + bit + 1] = v as u32;
        }
    }
    column
}

/// Where a pass may go: the diagonals `i - j` in `[dlo, dhi]`, and with `bound = Some(k)` only
/// cells that can lie on a path of cost at most `k` to the corner `(n, rows)` (Ukkonen's
/// cut-off: `D[i][j] + |(n - i) - (rows - j)| <= k`; `rows` is `b.len()` for a whole problem,
/// more for the first half of a Hirschberg split).
#[derive(Clone, Copy)]
struct Limits {
    dlo: isize,
    dhi: isize,
    rows: usize,
    bound: Option<usize>,
}

/// Runs the recurrence of `a` (bits) against `b` (rows) inside `limits`. Cells outside the
/// computed blocks are overestimated, never underestimated, and every computed value is the
/// cost of a real path; a cell on a path of cost at most the bound that stays in the band is
/// exact.
///
/// Pruning keeps, per row, a range of 64-cell blocks. A block is dropped at the bottom or the
/// top when none of its cells can satisfy the cut-off (tested on the block's bottom cell: a
/// cell `t` above it is at most `t` cheaper and at most `t` nearer the corner's diagonal). The
/// next row adds the block below the last one (a path moves at most one cell down per row),
/// and a row adds blocks below while its bottom cell can still be extended downwards (a run of
/// deletions) within the bound. The smallest cell index on a path never decreases from row to
/// row, so a block dropped at the top is never needed again.
fn band_pass(
    a: &[u32],
    b: &[u32],
    limits: Limits,
    want_column: bool,
    mut record: Option<&mut BandMatrix>,
    ahead: Option<(&[u32], usize)>,
    keep: Option<usize>,
) -> BandResult {
    let n = a.len();
    let m = b.len();
    if n == 0 {
        return BandResult {
            dist: m,
            column: vec![m as u32],
            kept: keep.map(|j| vec![j as u32]).unwrap_or_default(),
        };
    }
    let Limits {
        dlo,
        dhi,
        rows,
        bound,
    } = limits;
    let peq = Peq::new(a);
    let nw = peq.words;
    let n_i = n as isize;
    let w_lo = |j: isize| ((j + dlo).clamp(1, n_i) - 1) as usize / 64;
    let w_hi = |j: isize| ((j + dhi).clamp(1, n_i) - 1) as usize / 64;
    // `lb(e, j)`: the cost still needed at least from cell `e` of row `j` to the corner.
    let lb = |e: usize, j: usize| (n - e).abs_diff(rows.saturating_sub(j));
    let k = bound.unwrap_or(usize::MAX);
    // With `ahead = (t, extra)`, also the cost still needed from cell `e` of row `j` to a row
    // `extra` rows after the pass's last one and on from there: `t[x]` bounds it with
    // `x = e + m + extra - j`, the cell reached diagonally (1-Lipschitz in `x`, like `lb` in
    // `e`, so the block test below holds).
    let ahead_lb = |e: usize, j: usize| match ahead {
        None => 0,
        Some((t, extra)) => {
            let x = e + (m + extra - j);
            if x <= n {
                t[x] as usize
            } else {
                (t[n] as usize).saturating_add(x - n)
            }
        }
    };
    // A block whose bottom cell is `e` with value `s` holds no cell within the bound.
    let hopeless = |s: usize, e: usize, j: usize| {
        bound.is_some() && s.saturating_add(lb(e, j).max(ahead_lb(e, j))) > k.saturating_add(128)
    };
    let mut pv = vec![!0u64; nw];
    let mut mv = vec![0u64; nw];
    let mut eq = vec![0u64; nw];
    let mut first = 0usize;
    let mut last = w_hi(1);
    // `top` is D[first*64][j]: the cell just above the first active block; `bottom` is D at the
    // last active block's last bit (cell (last + 1) * 64, beyond `n` in the last block). The
    // cells between are `top` plus the vertical deltas, summed only where needed (`delta`).
    let mut top: usize = 0;
    let mut bottom: usize = (last + 1) * 64;
    let delta = |pv: &[u64], mv: &[u64], w: usize| {
        pv[w].count_ones() as usize as isize - mv[w].count_ones() as usize as isize
    };
    let add = |x: usize, d: isize| x.wrapping_add_signed(d);
    let mut kept = Vec::new();
    // The end of a row: blocks below while the bottom cell can go on down within the bound
    // (the row's carry `$h` leaves the last block), then, with `$prune`, the record, the
    // pruning of hopeless blocks at both ends and the kept column.
    macro_rules! finish_row {
        ($ju:expr, $hi:expr, $c:expr, $h:expr, $eq:expr, $prune:expr) => {{
            let (ju, hi, c, mut h) = ($ju, $hi, $c, $h);
            if bound.is_some() {
                loop {
                    let e = (last + 1) * 64;
                    if last + 1 >= nw || last >= hi {
                        break;
                    }
                    let diag = (n + ju).saturating_sub(rows);
                    let step = if e < diag { 0 } else { 2 };
                    if bottom.saturating_add((lb(e, ju) + step).max(ahead_lb(e, ju))) > k {
                        break;
                    }
                    // The new block's cells in the previous row: its bottom cell there plus 1,
                    // 2, …
                    let prev = (bottom + h.1 as usize).wrapping_sub(h.0 as usize);
                    last += 1;
                    pv[last] = !0;
                    mv[last] = 0;
                    peq.fill(c, last, last, $eq);
                    h = block(&mut pv[last], &mut mv[last], $eq[last], h.0, h.1);
                    bottom = (prev + 64 + h.0 as usize).wrapping_sub(h.1 as usize);
                }
            }
            if $prune {
                if let Some(r) = record.as_deref_mut() {
                    r.push(first, &pv[first..=last], &mv[first..=last]);
                }
                if bound.is_some() {
                    while last > first && last + 1 < nw && hopeless(bottom, (last + 1) * 64, ju) {
                        bottom = add(bottom, -delta(&pv, &mv, last));
                        last -= 1;
                    }
                    while first < last {
                        let s = add(top, delta(&pv, &mv, first));
                        if !hopeless(s, (first + 1) * 64, ju) {
                            break;
                        }
                        top = s;
                        first += 1;
                    }
                }
                if keep == Some(ju) {
                    kept = column_of(n, first, last, top, &pv, &mv);
                }
            }
        }};
    }
    // Rows go in pairs where nothing is recorded or kept after the first: the second row's
    // block `w - 1` is computed with the first row's block `w`, two independent carry chains
    // (one row's chain is the loop's critical path). The first row is then neither pruned
    // (which only computes more cells) nor its end moved before the second row's.
    let mut eq2 = vec![0u64; nw];
    let mut j = 1usize;
    while j <= m {
        let ju = j;
        let (lo, hi) = (w_lo(j as isize), w_hi(j as isize));
        while first < lo.min(last) {
            top = add(top, delta(&pv, &mv, first));
            first += 1;
        }
        // A path reaches at most one cell further down than in the previous row; without a
        // bound this is the band's own growth.
        let grow_to = if bound.is_some() {
            hi.min(last + 1)
        } else {
            hi
        };
        while last < grow_to {
            bottom += 64;
            last += 1;
            pv[last] = !0;
            mv[last] = 0;
        }
        let c = b[ju - 1];
        peq.fill(c, first, last, &mut eq);
        let pair = record.is_none() && keep != Some(ju) && ju < m;
        let mut h = (1, 0);
        if !pair {
            for ((p, m), &e) in pv[first..=last]
                .iter_mut()
                .zip(&mut mv[first..=last])
                .zip(&eq[first..=last])
            {
                h = block(p, m, e, h.0, h.1);
            }
            bottom = (bottom + h.0 as usize).wrapping_sub(h.1 as usize);
            top += 1;
            finish_row!(ju, hi, c, h, &mut eq, true);
            j += 1;
            continue;
        }
        let (j2, c2) = (ju + 1, b[ju]);
        let (lo2, hi2) = (w_lo(j2 as isize), w_hi(j2 as isize));
        let f2 = first.max(lo2.min(last));
        peq.fill(c2, f2, last, &mut eq2);
        let mut h2 = (1, 0);
        for w in first..=f2 {
            h = block(&mut pv[w], &mut mv[w], eq[w], h.0, h.1);
        }
        for w in f2 + 1..=last {
            h = block(&mut pv[w], &mut mv[w], eq[w], h.0, h.1);
            h2 = block(&mut pv[w - 1], &mut mv[w - 1], eq2[w - 1], h2.0, h2.1);
        }
        // The second row has its blocks `f2..last` (none when `f2 == last`).
        let next2 = last;
        bottom = (bottom + h.0 as usize).wrapping_sub(h.1 as usize);
        top += 1;
        finish_row!(ju, hi, c, h, &mut eq, false);
        // The second row: the cell above its first block is the first row's there plus 1.
        for w in first..f2 {
            top = add(top, delta(&pv, &mv, w));
        }
        top += 1;
        first = f2;
        let grow_to = if bound.is_some() {
            hi2.min(last + 1)
        } else {
            hi2
        };
        while last < grow_to {
            bottom += 64;
            last += 1;
            pv[last] = !0;
            mv[last] = 0;
        }
        peq.fill(c2, next2, last, &mut eq2);
        for w in next2..=last {
            h2 = block(&mut pv[w], &mut mv[w], eq2[w], h2.0, h2.1);
        }
        bottom = (bottom + h2.0 as usize).wrapping_sub(h2.1 as usize);
        finish_row!(j2, hi2, c2, h2, &mut eq2, true);
        j += 2;
    }
    let column = if want_column {
        column_of(n, first, last, top, &pv, &mv)
    } else {
        Vec::new()
    };
    let mut dist = top as isize;
    for w in first..=last {
        let mask = mask_upto((n - w * 64).min(64));
        dist += (pv[w] & mask).count_ones() as isize - (mv[w] & mask).count_ones() as isize;
    }
    BandResult {
        dist: if last + 1 == nw {
            dist as usize
        } else {
            usize::MAX
        },
        column,
        kept,
    }
}

/// The diagonal band that holds every path of cost at most `k` from (0,0) to (n,m).
fn band_for(n: usize, m: usize, k: usize) -> (isize, isize) {
    let d = n as isize - m as isize;
    let slack = (k as isize - d.abs()).max(0) / 2;
    (d.min(0) - slack, d.max(0) + slack)
}

/// The cost of one path from `(0, 0)` to `(n, m)` (an upper bound on the distance): the
/// recurrence on a window of `wb` 64-cell blocks per row that moves down the rows with the
/// cheapest cell (keeping it in its upper half). Cells above the
/// window count as reached by insertions, new cells below it by deletions, so every value is
/// the cost of a real path. Time `O(m·wb)`, whatever the distance.
fn adaptive_bound(a: &[u32], b: &[u32], wb: usize) -> usize {
    let (n, m) = (a.len(), b.len());
    if n == 0 || m == 0 {
        return n.max(m);
    }
    let peq = Peq::new(a);
    let nw = peq.words;
    let wb = wb.clamp(1, nw);
    let mut pv = vec![!0u64; nw];
    let mut mv = vec![0u64; nw];
    let mut eq = vec![0u64; nw];
    let mut score: Vec<usize> = (1..=nw).map(|w| w * 64).collect();
    let (mut first, mut last) = (0usize, wb - 1);
    let mut top = 0usize;
    for &c in b {
        peq.fill(c, first, last, &mut eq);
        let mut h = (1, 0);
        for (((p, q), &e), s) in pv[first..=last]
            .iter_mut()
            .zip(&mut mv[first..=last])
            .zip(&eq[first..=last])
            .zip(&mut score[first..=last])
        {
            h = block(p, q, e, h.0, h.1);
            *s = (*s + h.0 as usize).wrapping_sub(h.1 as usize);
        }
        top += 1;
        let mut best = (usize::MAX, first);
        for (w, &s) in score.iter().enumerate().take(last + 1).skip(first) {
            if s < best.0 {
                best = (s, w);
            }
        }
        while last + 1 < nw && best.1 > first + wb / 2 {
            top = score[first];
            first += 1;
            last += 1;
            score[last] = score[last - 1] + 64;
            pv[last] = !0;
            mv[last] = 0;
        }
    }
    let mut dist = top as isize;
    for w in first..=last {
        let mask = mask_upto(n - w * 64);
        dist += (pv[w] & mask).count_ones() as isize - (mv[w] & mask).count_ones() as isize;
    }
    dist as usize + n.saturating_sub((last + 1) * 64)
}

/// The window of [`adaptive_bound`] in 64-cell blocks (4096 cells): on the OCR pairs it follows
/// an optimal path (a 1 MB pair: the bound is the distance); 16 or 32 blocks lost it.
const ADAPTIVE_BLOCKS: usize = 64;

/// An upper bound on the distance (`Err`), or the distance itself (`Ok`) when a pass over the
/// diagonal band of `|n - m|` (at least 64) proves it, which is tried only when that band is
/// no wider than the adaptive window. The adaptive window's cost of a path, else: when it
/// lost the path (bound above half the length), the band of `|n - m|` as well.
fn narrow_bound(a: &[u32], b: &[u32]) -> Result<usize, usize> {
    let (n, m) = (a.len(), b.len());
    if n == 0 || m == 0 {
        return Ok(n.max(m));
    }
    let k = n.abs_diff(m).max(64);
    let diagonal = || {
        let (dlo, dhi) = band_for(n, m, k);
        let limits = Limits {
            dlo,
            dhi,
            rows: m,
            bound: None,
        };
        let d = band_pass(a, b, limits, false, None, None, None).dist;
        let full = dlo <= -(m as isize) && dhi >= n as isize;
        (d, d <= k || full)
    };
    let cheap = k <= ADAPTIVE_BLOCKS * 64;
    let mut u = usize::MAX;
    if cheap {
        let (d, exact) = diagonal();
        if exact {
            return Ok(d);
        }
        u = d;
    }
    u = u.min(adaptive_bound(a, b, ADAPTIVE_BLOCKS));
    if !cheap && u > n.max(m) / 2 {
        u = u.min(diagonal().0);
    }
    Err(u)
}

/// Exact distance: a narrow pass gives the cost of a path, a pass pruned to that cost proves
/// the distance.
fn banded_distance(a: &[u32], b: &[u32]) -> usize {
    match narrow_bound(a, b) {
        Ok(d) => d,
        Err(u) => {
            let (dlo, dhi) = band_for(a.len(), b.len(), u);
            let limits = Limits {
                dlo,
                dhi,
                rows: b.len(),
                bound: Some(u),
            };
            band_pass(a, b, limits, false, None, None, None).dist
        }
    }
}

/// The bit rows a banded pass computed, row by row: for row `j` (0-based: after `b[j]`) the
/// words `first[j]..first[j] + len[j]` of the vertical deltas, from `start[j]` in `pv`/`mv`.
#[derive(Default)]
struct BandMatrix {
    first: Vec<usize>,
    start: Vec<usize>,
    pv: Vec<u64>,
    mv: Vec<u64>,
}

impl BandMatrix {
    fn push(&mut self, first: usize, pv: &[u64], mv: &[u64]) {
        self.first.push(first);
        self.start.push(self.pv.len());
        self.pv.extend_from_slice(pv);
        self.mv.extend_from_slice(mv);
    }

    /// The bit of cell `col + 1` of row `row` in `pv` (`vertical`) or `mv`; `false` outside
    /// the stored words (never read: see [`leaf_align`]).
    fn bit(&self, vertical: bool, row: usize, col: usize) -> bool {
        let w = col / 64;
        let first = self.first[row];
        let end = self.start.get(row + 1).copied().unwrap_or(self.pv.len());
        let at = self.start[row] + w.wrapping_sub(first);
        if w < first || at >= end {
            return false;
        }
        let v = if vertical { &self.pv } else { &self.mv };
        (v[at] >> (col % 64)) & 1 == 1
    }
}

/// The bit matrix of `a` against `b` inside the band of cost `k` (at least the distance), and
/// the backtracking of rapidfuzz's `Levenshtein.editops` over it (from the end, preferring
/// deletion, then insertion, then the diagonal).
///
/// The band does not change the result: every cell on an optimal path is computed exactly,
/// every other cell is overestimated, and each test reads the delta that ends in a cell of the
/// optimal path being followed, so a test comes out as on the exact matrix (a deletion needs
/// the left neighbour one less, which puts it on an optimal path and makes it exact; an
/// insertion is taken when the diagonal predecessor is not on an optimal path, and then it is
/// one more on the exact matrix and at least that here). rapidfuzz's own banded matrix gives
/// its exact backtracking for the same reason.
fn leaf_align(a: &[u32], b: &[u32], k: usize, ops: &mut Vec<Op>) {
    let (n, m) = (a.len(), b.len());
    if n == 0 || m == 0 {
        ops.extend(std::iter::repeat_n(Op::Delete, n));
        ops.extend(std::iter::repeat_n(Op::Insert, m));
        return;
    }
    let k = k.min(n.max(m));
    let (dlo, dhi) = band_for(n, m, k);
    let limits = Limits {
        dlo,
        dhi,
        rows: m,
        bound: Some(k),
    };
    let mut mat = BandMatrix::default();
    band_pass(a, b, limits, false, Some(&mut mat), None, None);
    let mut rev = Vec::with_capacity(n.max(m) + 8);
    let (mut col, mut row) = (n, m);
    while row != 0 && col != 0 {
        if mat.bit(true, row - 1, col - 1) {
            col -= 1;
            rev.push(Op::Delete);
        } else {
            row -= 1;
            if row != 0 && mat.bit(false, row - 1, col - 1) {
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

/// Whether rapidfuzz aligns `a` (`n` symbols, affixes stripped) to `b` (`m`) with one bit
/// matrix rather than a Hirschberg split: its rule in `levenshtein_align_hirschberg`, with
/// `max` its bound at this level and `leaf_bytes` its 1 MiB.
fn rf_leaf(n: usize, m: usize, max: usize, leaf_bytes: usize) -> bool {
    let full_band = n.min(max.saturating_mul(2).saturating_add(1));
    full_band.saturating_mul(2).saturating_mul(m) / 8 < leaf_bytes || n < 65 || m < 10
}

/// A column that a pass of a Hirschberg split keeps for the half of the split that shares the
/// pass's starting corner, `(0, 0)` for the forward pass or `(n, m)` for the backward one:
/// `col[x]` is the cost from that corner to the cell `x` cells from it in the row `row` rows
/// from it. Like the pass, it is exact on every optimal path of the split part (so on every
/// optimal path of the half) and never below the true cost elsewhere.
struct Hint {
    from_start: bool,
    row: usize,
    col: Vec<u32>,
}

/// rapidfuzz's `levenshtein_align_hirschberg`: strip the common affix, then either one banded
/// bit matrix or a split of `b` in the middle at rapidfuzz's split of `a`, each half aligned
/// the same way with its own distance as `max`. `bound` is an upper bound on the distance
/// and `hint` a column of the parent's split; both only prune the passes (they do not change
/// the result).
fn rf_align(
    a: &[u32],
    b: &[u32],
    max: usize,
    bound: usize,
    leaf_bytes: usize,
    hint: Option<Hint>,
    ops: &mut Vec<Op>,
) {
    let (p, s) = common_affix(a, b);
    ops.extend(std::iter::repeat_n(Op::Equal, p));
    let (a, b) = (&a[p..a.len() - s], &b[p..b.len() - s]);
    let (n, m) = (a.len(), b.len());
    let max = max.min(n.max(m));
    let bound = bound.min(max);
    if rf_leaf(n, m, max, leaf_bytes) {
        leaf_align(a, b, bound, ops);
    } else {
        // The hint's corner must not have moved, and its row must lie in its half of the split.
        let hint = hint
            .filter(|h| {
                if h.from_start {
                    p == 0 && h.row <= m / 2
                } else {
                    s == 0 && h.row <= m - m / 2
                }
            })
            .map(|mut h| {
                h.col.truncate(n + 1);
                h
            });
        let Split {
            mid,
            i,
            f,
            g,
            left,
            right,
        } = rf_split(a, b, bound, hint.as_ref());
        drop(hint);
        if n.saturating_mul(m) >= PARALLEL_CELLS {
            // The halves are independent: the second on another thread.
            std::thread::scope(|scope| {
                let second = scope.spawn(|| {
                    let mut ops = Vec::with_capacity((n - i).max(m - mid) + 8);
                    rf_align(&a[i..], &b[mid..], g, g, leaf_bytes, right, &mut ops);
                    ops
                });
                rf_align(&a[..i], &b[..mid], f, f, leaf_bytes, left, ops);
                // A panic in the other thread is re-raised here rather than hidden.
                let second = second
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e));
                ops.extend(second);
            });
        } else {
            rf_align(&a[..i], &b[..mid], f, f, leaf_bytes, left, ops);
            rf_align(&a[i..], &b[mid..], g, g, leaf_bytes, right, ops);
        }
    }
    ops.extend(std::iter::repeat_n(Op::Equal, s));
}

/// The outcome of a split: the middle row, the split of `a`, both halves' costs and the
/// columns kept for them.
struct Split {
    mid: usize,
    i: usize,
    f: usize,
    g: usize,
    left: Option<Hint>,
    right: Option<Hint>,
}

/// rapidfuzz's `find_hirschberg_pos`: `b` splits at `m / 2`, `a` at the first `i` in `0..=n`
/// with the least `D(a[..i], b[..mid]) + D(a[i..], b[mid..])`. The pruned passes are exact on
/// every cell with the least sum (it is the distance, at most `k`) and overestimate the
/// others, so the choice is the exact one.
fn rf_split(a: &[u32], b: &[u32], k: usize, hint: Option<&Hint>) -> Split {
    let n = a.len();
    let (mid, fwd, bwd, left, right) = split_columns(a, b, k, hint);
    let mut best = (usize::MAX, 0usize);
    for i in 0..=n {
        let (f, g) = (fwd[i], bwd[n - i]);
        if f != u32::MAX && g != u32::MAX && (f as usize + g as usize) < best.0 {
            best = (f as usize + g as usize, i);
        }
    }
    let i = best.1;
    Split {
        mid,
        i,
        f: fwd[i] as usize,
        g: bwd[n - i] as usize,
        left,
        right,
    }
}

/// Rows from a corner at which a split's passes keep a column for the halves: 64 before the
/// half's own middle row, which the half's common affix on that side moves by up to 64 when
/// it is at most 128 long.
fn hint_row(rows: usize) -> Option<usize> {
    (rows / 2).checked_sub(64).filter(|&r| r > 0)
}

/// The forward pass over the first half of the rows and the backward pass over the second
/// half, pruned to `k`: first the pass away from the hint's corner, pruned by the hint as well
/// (without a hint the backward pass, by Ukkonen's cut-off only), then the other one, pruned by
/// the first one's last column as well (a cell whose value plus the least cost from there
/// through the middle row to the far corner exceeds `k` is dropped; [`distance_transform`]).
/// Returns the middle row, both last columns and the columns kept for the halves.
#[allow(clippy::type_complexity)]
fn split_columns(
    a: &[u32],
    b: &[u32],
    k: usize,
    hint: Option<&Hint>,
) -> (usize, Vec<u32>, Vec<u32>, Option<Hint>, Option<Hint>) {
    let (n, m) = (a.len(), b.len());
    let mid = m / 2;
    let (dlo, dhi) = band_for(n, m, k);
    let d = n as isize - m as isize;
    let forward = Limits {
        dlo,
        dhi,
        rows: m,
        bound: Some(k),
    };
    let backward = Limits {
        dlo: d - dhi,
        dhi: d - dlo,
        ..forward
    };
    let ra: Vec<u32> = a.iter().rev().copied().collect();
    let rb: Vec<u32> = b[mid..].iter().rev().copied().collect();
    let (keep_f, keep_b) = (hint_row(mid), hint_row(m - mid));
    let run_fwd = |ahead: Option<(&[u32], usize)>| {
        band_pass(a, &b[..mid], forward, true, None, ahead, keep_f)
    };
    let run_bwd =
        |ahead: Option<(&[u32], usize)>| band_pass(&ra, &rb, backward, true, None, ahead, keep_b);
    let (fwd, bwd) = match hint {
        Some(h) if !h.from_start => {
            let fwd = run_fwd(Some((&distance_transform(&h.col), m - h.row - mid)));
            let bwd = run_bwd(Some((&distance_transform(&fwd.column), 0)));
            (fwd, bwd)
        }
        _ => {
            let bwd = match hint {
                Some(h) => run_bwd(Some((&distance_transform(&h.col), mid - h.row))),
                None => run_bwd(None),
            };
            let fwd = run_fwd(Some((&distance_transform(&bwd.column), 0)));
            (fwd, bwd)
        }
    };
    let left = keep_f.map(|row| Hint {
        from_start: true,
        row,
        col: fwd.kept,
    });
    let right = keep_b.map(|row| Hint {
        from_start: false,
        row,
        col: bwd.kept,
    });
    (mid, fwd.column, bwd.column, left, right)
}

/// `t[x] = min over i of bwd[n - i] + |i - x|` for `x in 0..=n`, from the backward pass's last
/// column (`bwd[n - i]`: the cost from cell `i` of the middle row to the corner): no path from
/// a cell `x` of that row, or from a cell reaching it diagonally, through a cell where `bwd` is
/// exact costs less. `bwd` is exact on every optimal path and never below the true cost
/// elsewhere, so `t` never exceeds the true remaining cost on an optimal path, which is all
/// the forward pass's pruning needs.
fn distance_transform(bwd: &[u32]) -> Vec<u32> {
    let n = bwd.len() - 1;
    let mut t: Vec<u32> = (0..=n).map(|i| bwd[n - i]).collect();
    for x in 1..=n {
        t[x] = t[x].min(t[x - 1].saturating_add(1));
    }
    for x in (0..n).rev() {
        t[x] = t[x].min(t[x + 1].saturating_add(1));
    }
    t
}

/// Plain dynamic programming, the reference the fast paths are tested against.
#[cfg(test)]
pub(crate) mod reference {
    use super::{common_affix, Op};

    pub(crate) fn naive(a: &[u32], b: &[u32]) -> usize {
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

    /// The full DP matrix `d[j][i]` (row `j` of `b`, column `i` of `a`).
    pub(crate) fn matrix(a: &[u32], b: &[u32]) -> Vec<Vec<usize>> {
        let mut d = vec![(0..=a.len()).collect::<Vec<usize>>()];
        for (j, y) in b.iter().enumerate() {
            let prev = &d[j];
            let mut cur = vec![j + 1; a.len() + 1];
            for (i, x) in a.iter().enumerate() {
                cur[i + 1] = (prev[i] + usize::from(x != y))
                    .min(prev[i + 1] + 1)
                    .min(cur[i] + 1);
            }
            d.push(cur);
        }
        d
    }

    /// rapidfuzz's backtracking, read off the plain DP matrix.
    pub(crate) fn reference_full(a: &[u32], b: &[u32], ops: &mut Vec<Op>) {
        let d = matrix(a, b);
        let (mut i, mut j) = (a.len(), b.len());
        let mut rev = Vec::new();
        while i != 0 && j != 0 {
            if d[j][i] == d[j][i - 1] + 1 {
                i -= 1;
                rev.push(Op::Delete);
            } else {
                j -= 1;
                if j != 0 && d[j][i] + 1 == d[j][i - 1] {
                    rev.push(Op::Insert);
                } else {
                    i -= 1;
                    rev.push(if a[i] == b[j] { Op::Equal } else { Op::Replace });
                }
            }
        }
        rev.extend(std::iter::repeat_n(Op::Delete, i));
        rev.extend(std::iter::repeat_n(Op::Insert, j));
        ops.extend(rev.into_iter().rev());
    }

    /// rapidfuzz's Hirschberg recursion on plain DP rows (`levenshtein_align_hirschberg` and
    /// `find_hirschberg_pos`): affixes stripped at every level, a leaf when its rule says so,
    /// else `b` split in the middle and `a` at the first `i` with the least cost, each half
    /// with its own cost as `max`. Nothing banded or pruned.
    pub(crate) fn reference_rf(
        a: &[u32],
        b: &[u32],
        max: usize,
        leaf_bytes: usize,
        ops: &mut Vec<Op>,
    ) {
        let (p, s) = common_affix(a, b);
        ops.extend(std::iter::repeat_n(Op::Equal, p));
        let (a, b) = (&a[p..a.len() - s], &b[p..b.len() - s]);
        let (n, m) = (a.len(), b.len());
        let max = max.min(n.max(m));
        let full_band = n.min(2 * max + 1);
        if (2 * full_band).saturating_mul(m) / 8 < leaf_bytes || n < 65 || m < 10 {
            reference_full(a, b, ops);
        } else {
            let mid = m / 2;
            let fwd = matrix(a, &b[..mid]).pop().unwrap_or_default();
            let ra: Vec<u32> = a.iter().rev().copied().collect();
            let rb: Vec<u32> = b[mid..].iter().rev().copied().collect();
            let bwd = matrix(&ra, &rb).pop().unwrap_or_default();
            let i = (0..=n)
                .min_by_key(|&i| (fwd[i] + bwd[n - i], i))
                .unwrap_or(0);
            reference_rf(&a[..i], &b[..mid], fwd[i], leaf_bytes, ops);
            reference_rf(&a[i..], &b[mid..], bwd[n - i], leaf_bytes, ops);
        }
        ops.extend(std::iter::repeat_n(Op::Equal, s));
    }

    pub(crate) fn reference_align(a: &[u32], b: &[u32], leaf_bytes: usize) -> Vec<Op> {
        let mut ops = Vec::new();
        reference_rf(a, b, a.len().max(b.len()), leaf_bytes, &mut ops);
        ops
    }
}

#[cfg(test)]
mod tests {
    use super::reference::*;
    use super::*;

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

    /// A deterministic pseudo-random sequence (xorshift64) from the seed `x`.
    fn xorshift(mut x: u64) -> impl FnMut() -> u64 {
        move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        }
    }

    /// `n` edits for [`damage`] drawn from `next`, each of a kind in `0..5`, at a position,
    /// with a symbol below `symbols`.
    fn random_edits(next: &mut impl FnMut() -> u64, n: usize, symbols: u32) -> Vec<(u8, u16, u32)> {
        (0..n)
            .map(|_| {
                let r = next();
                ((r % 5) as u8, (r >> 8) as u16, (r >> 32) as u32 % symbols)
            })
            .collect()
    }

    /// `a` damaged as OCR damages text: substitutions, deletions, insertions, and blocks of
    /// inserted or lost material (furniture, a dropped line).
    fn damage(a: &[u32], edits: &[(u8, u16, u32)]) -> Vec<u32> {
        let mut b = a.to_vec();
        for &(kind, at, sym) in edits {
            if b.is_empty() {
                b.push(sym);
                continue;
            }
            let p = at as usize % b.len();
            match kind % 5 {
                0 => b[p] = sym,
                1 => {
                    b.remove(p);
                }
                2 => b.insert(p, sym),
                3 => {
                    let block: Vec<u32> = (0..sym % 90).map(|x| 100 + x % 7).collect();
                    b.splice(p..p, block);
                }
                _ => {
                    let end = (p + (sym as usize % 90)).min(b.len());
                    b.drain(p..end);
                }
            }
        }
        b
    }

    #[test]
    fn long_inputs_cross_many_words_and_split() {
        // Deterministic pseudo-random texts over a small alphabet, long enough for many words
        // per row, split by Hirschberg down to tiny parts.
        let mut next = xorshift(12345);
        let a: Vec<u32> = (0..3000).map(|_| (next() % 5) as u32).collect();
        let edits = random_edits(&mut next, 200, 11);
        let b = damage(&a, &edits);
        let d = naive(&a, &b);
        assert_eq!(distance(&a, &b), d);
        assert_eq!(distance(&b, &a), d);
        for leaf_bytes in [1, 1 << 10, LEAF_MATRIX_BYTES] {
            let ops = align_with(&a, &b, leaf_bytes);
            assert_eq!(cost(&ops, &a, &b), d);
            assert_eq!(ops, reference_align(&a, &b, leaf_bytes), "{leaf_bytes}");
        }
    }

    #[test]
    fn adaptive_window_bounds_the_distance() {
        // A window narrower than the texts: the bound is the cost of a real path (never below
        // the distance), and the pruned pass at that bound proves the distance.
        let mut next = xorshift(777);
        for alphabet in [2u64, 7, 3000] {
            let a: Vec<u32> = (0..2500).map(|_| (next() % alphabet) as u32).collect();
            let edits = random_edits(&mut next, 150, 200);
            let b = damage(&a, &edits);
            let d = naive(&a, &b);
            for wb in [1, 2, 3, 8, 64] {
                for (p, q) in [(&a, &b), (&b, &a)] {
                    let u = adaptive_bound(p, q, wb);
                    assert!(u >= d, "{wb}: {u} < {d}");
                    let (dlo, dhi) = band_for(p.len(), q.len(), u);
                    let limits = Limits {
                        dlo,
                        dhi,
                        rows: q.len(),
                        bound: Some(u),
                    };
                    assert_eq!(band_pass(p, q, limits, false, None, None, None).dist, d);
                }
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        #[test]
        fn matches_naive(a in proptest::collection::vec(0u32..4, 0..200),
                         b in proptest::collection::vec(0u32..4, 0..200)) {
            let d = naive(&a, &b);
            proptest::prop_assert_eq!(distance(&a, &b), d);
            proptest::prop_assert_eq!(cost(&align(&a, &b), &a, &b), d);
            for leaf_bytes in [1, 3, 256] {
                let ops = align_with(&a, &b, leaf_bytes);
                proptest::prop_assert_eq!(cost(&ops, &a, &b), d);
                proptest::prop_assert_eq!(ops, reference_align(&a, &b, leaf_bytes));
            }
        }

        /// Long damaged copies: many 64-cell blocks per row, so the pruning of blocks at the
        /// top and the bottom of the band and their growth are exercised.
        #[test]
        fn damaged_copies_match_the_reference(
            alphabet in proptest::sample::select(vec![2u32, 5, 40, 3000]),
            seed in proptest::collection::vec(0u32..u32::MAX, 200..900),
            edits in proptest::collection::vec((0u8..5, 0u16..u16::MAX, 0u32..200), 0..60),
            leaf_bytes in proptest::sample::select(vec![1usize, 64, 4096, 1 << 14]),
        ) {
            let a: Vec<u32> = seed.iter().map(|x| x % alphabet).collect();
            let b = damage(&a, &edits);
            let d = naive(&a, &b);
            proptest::prop_assert_eq!(distance(&a, &b), d);
            proptest::prop_assert_eq!(distance(&b, &a), d);
            let ops = align_with(&a, &b, leaf_bytes);
            proptest::prop_assert_eq!(cost(&ops, &a, &b), d);
            proptest::prop_assert_eq!(&ops, &reference_align(&a, &b, leaf_bytes));
            proptest::prop_assert_eq!(align_with(&b, &a, leaf_bytes), reference_align(&b, &a, leaf_bytes));
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4))]

        /// Inputs above rapidfuzz's switch (`n · m >= 4 Mi` after the affixes) with the real
        /// threshold: the top level splits, and the parts become leaves or split again by
        /// rapidfuzz's rule with their own distance as the band.
        #[test]
        fn above_the_switch_matches_rapidfuzz(
            alphabet in proptest::sample::select(vec![3u32, 30, 3000]),
            seed in proptest::collection::vec(0u32..u32::MAX, 2200..2600),
            edits in proptest::collection::vec((0u8..5, 0u16..u16::MAX, 0u32..200), 0..120),
        ) {
            let a: Vec<u32> = seed.iter().map(|x| x % alphabet).collect();
            let b = damage(&a, &edits);
            let (p, s) = common_affix(&a, &b);
            proptest::prop_assume!((a.len() - p - s) * (b.len() - p - s) >= 1 << 22);
            let ops = align(&a, &b);
            proptest::prop_assert_eq!(cost(&ops, &a, &b), naive(&a, &b));
            proptest::prop_assert_eq!(&ops, &reference_align(&a, &b, LEAF_MATRIX_BYTES));
            proptest::prop_assert_eq!(align(&b, &a), reference_align(&b, &a, LEAF_MATRIX_BYTES));
        }
    }
}
