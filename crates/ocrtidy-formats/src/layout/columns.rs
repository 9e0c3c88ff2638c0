//! Columns from box x-positions: a gutter is the x-position in the middle three fifths of the
//! page that the fewest lines cross, among those with at least 12 % of the lines (and three)
//! entirely on each side. Engines merge lines across narrow gutters, so up to four fifths of
//! the lines may cross it; a single-column page has no lines entirely in its right half.

use super::stats::median;
use super::VLine;
use crate::model::BBox;

/// Inside a column, a gutter needs the median line on each side to be at least this share of
/// the side's width.
const FULL_SIDE: f32 = 0.5;

/// The median line height of `lines`.
pub(crate) fn line_height(lines: &[VLine]) -> f32 {
    let h: Vec<f32> = lines.iter().map(|l| l.b().height()).collect();
    median(&h).unwrap_or(1.0).max(1.0)
}

/// The x-positions of the gutters between columns, left to right (empty: one column).
pub(crate) fn detect(lines: &[VLine]) -> Vec<f32> {
    let boxes: Vec<BBox> = lines.iter().filter_map(|l| l.bbox).collect();
    let h = line_height(lines);
    let mut out = Vec::new();
    find(&boxes, h, 0, &mut out);
    if out.is_empty() {
        out.extend(word_river(lines, h));
    }
    out.sort_by(f32::total_cmp);
    out
}

/// A gutter that the lines hide because the engine merged nearly all of them across it (more
/// than the four fifths [`find`] allows): the x-position in the middle two fifths of the page
/// that the fewest lines' word boxes cover, when at most a fifth of the lines cover it and at
/// least half have words a line height or more away on both sides of it. Word spaces of one
/// column are too narrow and too scattered to leave such a river through a fifth of the
/// lines; Chinese words abut. The centre of the widest stretch of least cover is taken.
fn word_river(lines: &[VLine], h: f32) -> Option<f32> {
    let rows: Vec<Vec<BBox>> = lines
        .iter()
        .map(|l| l.pieces.iter().filter_map(|p| p.bbox).collect::<Vec<_>>())
        .filter(|b| b.len() >= 2)
        .collect();
    let n = rows.len();
    if n < 8 {
        return None;
    }
    let ext = BBox::union_all(rows.iter().flatten())?;
    let w = ext.width();
    if w <= 8.0 * h {
        return None;
    }
    let tol = 0.15 * h;
    let step = (w / 400.0).max(1.0);
    // (x, lines covering it) of every eligible position.
    let mut cover = Vec::new();
    let mut all = Vec::new();
    let mut g = ext.x0 + 0.3 * w;
    while g <= ext.x1 - 0.3 * w {
        let mut covered = 0;
        let mut both = 0;
        for r in &rows {
            if r.iter().any(|b| b.x0 - tol <= g && g <= b.x1 + tol) {
                covered += 1;
            } else if r.iter().any(|b| b.x1 < g - h) && r.iter().any(|b| b.x0 > g + h) {
                both += 1;
            }
        }
        if both * 2 >= n {
            cover.push((g, covered));
        }
        all.push(covered);
        g += step;
    }
    // The river: covered by at most a third of the lines and half as many as the median
    // position of the middle of the page.
    let typical = median(&all.iter().map(|&c| c as f32).collect::<Vec<_>>())?;
    let least = cover.iter().map(|&(_, c)| c).min()?;
    if least * 3 > n || least as f32 * 2.0 > typical {
        return None;
    }
    // The widest run of consecutive positions with the least cover, and its centre.
    let mut best: Option<(usize, f32)> = None;
    let mut run: Option<(f32, f32, usize)> = None;
    for &(x, c) in &cover {
        run = match run {
            Some((a, b, k)) if c == least && x - b <= step * 1.5 => Some((a, x, k + 1)),
            _ if c == least => Some((x, x, 1)),
            _ => None,
        };
        if let Some((a, b, k)) = run {
            if best.is_none_or(|(bk, _)| k > bk) {
                best = Some((k, (a + b) / 2.0));
            }
        }
    }
    best.map(|(_, x)| x)
}

fn find(boxes: &[BBox], h: f32, depth: usize, out: &mut Vec<f32>) {
    let n = boxes.len();
    if n < 8 || depth > 2 {
        return;
    }
    let Some(ext) = BBox::union_all(boxes.iter()) else {
        return;
    };
    let w = ext.width();
    if w <= 4.0 * h {
        return;
    }
    let tol = 0.5 * h;
    let need = ((n as f32 * 0.12).ceil() as usize).max(3);
    let step = (w / 400.0).max(1.0);
    // (lines crossing, -(lines beside), x)
    let mut best: Option<(usize, isize, f32)> = None;
    // Inside a column, the lines beside a gutter are mostly as wide as their side: lines of a
    // column that stop short (a paragraph's last line, a fragment the engine cut off) leave
    // no gutter.
    let full = |g: f32| {
        let side = |left: bool| {
            let (lo, hi) = if left { (ext.x0, g) } else { (g, ext.x1) };
            let widths: Vec<f32> = boxes
                .iter()
                .filter(|b| {
                    let cx = (b.x0 + b.x1) / 2.0;
                    if left {
                        b.x1 <= g + tol && cx < g
                    } else {
                        b.x0 >= g - tol && cx > g
                    }
                })
                .map(|b| b.width())
                .collect();
            median(&widths).is_some_and(|m| m >= FULL_SIDE * (hi - lo))
        };
        side(true) && side(false)
    };
    let mut g = ext.x0 + 0.2 * w;
    while g <= ext.x1 - 0.2 * w {
        let mut left = 0;
        let mut right = 0;
        let mut crossing = 0;
        for b in boxes {
            let cx = (b.x0 + b.x1) / 2.0;
            if b.x1 <= g + tol && cx < g {
                left += 1;
            } else if b.x0 >= g - tol && cx > g {
                right += 1;
            } else if b.x0 < g - tol && b.x1 > g + tol {
                crossing += 1;
            }
        }
        if left >= need && right >= need && crossing * 5 <= n * 4 && (depth == 0 || full(g)) {
            let cand = (crossing, -((left + right) as isize), g);
            if best.is_none_or(|b| (cand.0, cand.1) < (b.0, b.1)) {
                best = Some(cand);
            }
        }
        g += step;
    }
    if let Some((_, _, g)) = best {
        out.push(g);
        let left: Vec<BBox> = boxes.iter().copied().filter(|b| b.x1 <= g + tol).collect();
        let right: Vec<BBox> = boxes.iter().copied().filter(|b| b.x0 >= g - tol).collect();
        find(&left, h, depth + 1, out);
        find(&right, h, depth + 1, out);
    }
}

/// Sets each line's column: the column its centre is in, or `None` for a line that reaches
/// well into two columns.
pub(crate) fn assign(lines: &mut [VLine], gutters: &[f32]) {
    let h = line_height(lines);
    for l in lines.iter_mut() {
        let b = l.b();
        let crosses = gutters.iter().any(|&g| b.x0 < g - h && b.x1 > g + h);
        l.col = if crosses {
            None
        } else {
            let cx = (b.x0 + b.x1) / 2.0;
            Some(gutters.iter().filter(|&&g| g < cx).count())
        };
    }
}
