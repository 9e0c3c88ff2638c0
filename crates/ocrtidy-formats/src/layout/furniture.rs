//! Running headers and footers from their position: the top (bottom) row of a page (the lines
//! near the topmost line's centre and the lines that share a row with them) is a
//! header (footer) when it holds at most four items, lies in the top (bottom) fifth of the
//! page, and is set apart from the rest by a gap of at least 1.5 times the usual line pitch
//! (1.2 times when its words leave a blank of four line heights, as a title on the left and a
//! date on the right do). A row without such a blank must also be narrow (at most 60 % of the
//! text width, as a page number or a centred title is): a full body line is never furniture.

use super::columns::line_height;
use super::stats::quantile;
use super::{Role, VLine};
use crate::model::BBox;

/// The usual distance between the centres of a line and the next line below it that it
/// overlaps horizontally (a low quantile: paragraph gaps make some distances larger).
pub(crate) fn pitch(lines: &[VLine], h: f32) -> Option<f32> {
    let mut d = Vec::new();
    for a in lines {
        let a = a.b();
        let mut best: Option<f32> = None;
        for b in lines {
            let b = b.b();
            let dy = b.cy() - a.cy();
            let xo = a.x1.min(b.x1) - a.x0.max(b.x0);
            if dy > 0.5 * h && xo > 0.3 * a.width().min(b.width()) {
                best = Some(best.map_or(dy, |m: f32| m.min(dy)));
            }
        }
        if let Some(x) = best {
            d.push(x);
        }
    }
    quantile(&d, 0.3)
}

/// Tags header and footer lines with their role.
pub(crate) fn tag(lines: &mut [VLine], page: Option<BBox>) {
    if lines.len() < 6 {
        return;
    }
    let h = line_height(lines);
    let Some(p) = pitch(lines, h) else { return };
    let Some(ext) = BBox::union_all(lines.iter().filter_map(|l| l.bbox.as_ref())) else {
        return;
    };
    let page = page.filter(|pg| pg.height() > 0.0).unwrap_or(ext);
    let cys: Vec<f32> = lines.iter().map(|l| l.b().cy()).collect();

    // Header: the top row.
    let top = cys.iter().copied().fold(f32::INFINITY, f32::min);
    let row: Vec<usize> = (0..lines.len())
        .filter(|&i| cys[i] <= top + 0.6 * h)
        .collect();
    let row = widen_row(lines, row);
    let row_bottom = row
        .iter()
        .map(|&i| cys[i])
        .fold(f32::NEG_INFINITY, f32::max);
    let next = (0..lines.len())
        .filter(|i| !row.contains(i))
        .map(|i| cys[i])
        .fold(f32::INFINITY, f32::min);
    let split = split_row(lines, &row, h);
    let apart = if split { 1.2 } else { 1.5 };
    if row.len() <= 4
        && (split || row_width(lines, &row) <= 0.6 * ext.width())
        && next - row_bottom >= apart * p
        && row_bottom <= page.y0 + 0.2 * page.height()
    {
        for &i in &row {
            lines[i].role = Role::Header;
        }
    }

    // Footer: the bottom row.
    let bottom = cys.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let row: Vec<usize> = (0..lines.len())
        .filter(|&i| cys[i] >= bottom - 0.6 * h && lines[i].role == Role::Body)
        .collect();
    let row: Vec<usize> = widen_row(lines, row)
        .into_iter()
        .filter(|&i| lines[i].role == Role::Body)
        .collect();
    let row_top = row.iter().map(|&i| cys[i]).fold(f32::INFINITY, f32::min);
    let prev = (0..lines.len())
        .filter(|i| !row.contains(i))
        .map(|i| cys[i])
        .fold(f32::NEG_INFINITY, f32::max);
    let split = split_row(lines, &row, h);
    let apart = if split { 1.2 } else { 1.5 };
    if !row.is_empty()
        && row.len() <= 4
        && (split || row_width(lines, &row) <= 0.6 * ext.width())
        && row_top - prev >= apart * p
        && row_top >= page.y1 - 0.2 * page.height()
    {
        for &i in &row {
            lines[i].role = Role::Footer;
        }
    }
}

/// The row's lines and every line that shares the row with one of them (overlaps it by half
/// the smaller height): on a rotated page a date at the right of a header sits lower than the
/// title at the left.
fn widen_row(lines: &[VLine], row: Vec<usize>) -> Vec<usize> {
    (0..lines.len())
        .filter(|i| {
            row.contains(i)
                || row.iter().any(|&r| {
                    let (a, b) = (lines[r].b(), lines[*i].b());
                    a.v_overlap(&b) >= 0.5 * a.height().min(b.height())
                })
        })
        .collect()
}

/// True when the words of a row leave a wide blank between them (a title on the left and a
/// date on the right): a header's shape, not a body line's.
fn split_row(lines: &[VLine], row: &[usize], h: f32) -> bool {
    let mut xs: Vec<(f32, f32)> = row
        .iter()
        .flat_map(|&i| {
            let lb = lines[i].b();
            lines[i]
                .pieces
                .iter()
                .map(move |p| p.bbox.map_or((lb.x0, lb.x1), |b| (b.x0, b.x1)))
        })
        .collect();
    xs.sort_by(|a, b| a.0.total_cmp(&b.0));
    xs.windows(2).any(|w| w[1].0 - w[0].1 >= 4.0 * h)
}

/// The width of the union of a row's boxes.
fn row_width(lines: &[VLine], row: &[usize]) -> f32 {
    BBox::union_all(row.iter().filter_map(|&i| lines[i].bbox.as_ref())).map_or(0.0, |b| b.width())
}
