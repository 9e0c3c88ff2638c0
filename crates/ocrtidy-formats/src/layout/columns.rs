//! Columns from box x-positions: a gutter is the vertical strip that the fewest lines cross
//! (at most a quarter of them), with at least a fifth of the lines entirely on each side.

use super::stats::median;
use super::VLine;
use crate::model::BBox;

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
    out.sort_by(f32::total_cmp);
    out
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
    let step = (w / 1000.0).max(1.0);
    let bin = |x: f32| (((x - ext.x0) / step).floor().max(0.0) as usize).min(1000);
    let mut cov = vec![0usize; bin(ext.x1) + 1];
    for b in boxes {
        for c in &mut cov[bin(b.x0)..=bin(b.x1)] {
            *c += 1;
        }
    }
    // Engines merge lines across a gutter now and then: tolerate a quarter of the lines
    // crossing it, as long as a fifth of the lines lie entirely on each side.
    let allowed = (n / 4).max(1);
    let need = ((n as f32 * 0.2).ceil() as usize).max(3);
    let (lo, hi) = (bin(ext.x0 + 0.2 * w), bin(ext.x1 - 0.2 * w));
    // (coverage, -width, gutter x)
    let mut best: Option<(usize, f32, f32)> = None;
    let mut i = lo;
    while i <= hi {
        if cov[i] > allowed {
            i += 1;
            continue;
        }
        let start = i;
        let mut min_cov = cov[i];
        while i <= hi && cov[i] <= allowed {
            min_cov = min_cov.min(cov[i]);
            i += 1;
        }
        let x0 = ext.x0 + start as f32 * step;
        let x1 = ext.x0 + i as f32 * step;
        let g = (x0 + x1) / 2.0;
        let left = boxes.iter().filter(|b| b.x1 <= g + h && (b.x0 + b.x1) / 2.0 < g).count();
        let right = boxes.iter().filter(|b| b.x0 >= g - h && (b.x0 + b.x1) / 2.0 > g).count();
        if left >= need && right >= need {
            let cand = (min_cov, -(x1 - x0), g);
            if best.is_none_or(|b| (cand.0, cand.1) < (b.0, b.1)) {
                best = Some(cand);
            }
        }
    }
    if let Some((_, _, g)) = best {
        out.push(g);
        let left: Vec<BBox> = boxes.iter().copied().filter(|b| b.x1 <= g).collect();
        let right: Vec<BBox> = boxes.iter().copied().filter(|b| b.x0 >= g).collect();
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
