//! Reading order from geometry, for engines that list lines top to bottom over the whole page:
//! lines merged across a gutter are split, fragments of one printed line are grouped, and the
//! page is read in bands separated by full-width lines, each band column by column. Files
//! with whole lines (an engine's own segmentation) keep their lines and only have the pieces
//! of a line that the engine put in another block merged ([`merge_row_fragments`]).

use super::columns::line_height;
use super::paragraphs::units;
use super::stats::quantile;
use super::{Piece, VLine};
use crate::model::BBox;

pub(crate) fn geometric(lines: Vec<VLine>, gutters: &[f32], fragments: bool) -> Vec<VLine> {
    let h = line_height(&lines);
    let lines = split_merged(lines, gutters, h);
    let ncols = gutters.len() + 1;
    // Group fragments per column (and among full-width lines).
    let mut spanning = Vec::new();
    let mut by_col: Vec<Vec<VLine>> = vec![Vec::new(); ncols];
    for l in lines {
        match l.col {
            Some(c) if c < ncols => by_col[c].push(l),
            _ => spanning.push(l),
        }
    }
    let group = |v: Vec<VLine>| {
        if fragments {
            group_fragments(v)
        } else {
            top_to_bottom(v)
        }
    };
    let by_col: Vec<Vec<VLine>> = by_col.into_iter().map(group).collect();
    let spanning = group(spanning);
    // Bands: the full-width lines cut the columns.
    let cuts: Vec<f32> = spanning.iter().map(|l| l.b().cy()).collect();
    let band = |l: &VLine| cuts.iter().filter(|&&c| c < l.b().cy()).count();
    let mut out = Vec::new();
    let mut cols: Vec<std::vec::IntoIter<VLine>> =
        by_col.into_iter().map(|c| c.into_iter()).collect();
    let mut pending: Vec<Option<VLine>> = cols.iter_mut().map(|c| c.next()).collect();
    let mut spanning = spanning.into_iter();
    for b in 0..=cuts.len() {
        for (c, col) in cols.iter_mut().enumerate() {
            while let Some(l) = pending[c].take() {
                if band(&l) == b {
                    out.push(l);
                    pending[c] = col.next();
                } else {
                    pending[c] = Some(l);
                    break;
                }
            }
        }
        if let Some(s) = spanning.next() {
            out.push(s);
        }
    }
    // Anything left (cannot happen with consistent bands) keeps its place at the end.
    for (c, col) in cols.into_iter().enumerate() {
        out.extend(pending[c].take());
        out.extend(col);
    }
    out
}

/// Joins, in a file's own reading order, the pieces of one printed line that the engine put
/// in separate blocks (Tesseract cuts a line at a wide space or a dropped glyph and lists the
/// rest after the block): a line from another block of the same column that shares the row of
/// an earlier line, overlaps none of its words (by more than half a line height: the engine
/// may give both a glyph at the seam) and stands within a line height of one of them is merged
/// into that line, its words in x order. Lines of one block never share a row, so
/// a block's own lines are never merged, and a column's lines are never merged with another's.
/// Repeated until nothing merges (a fragment listed before the one that bridges the gap).
pub(crate) fn merge_row_fragments(mut lines: Vec<VLine>) -> Vec<VLine> {
    let h = line_height(&lines);
    loop {
        let n = lines.len();
        lines = merge_once(lines, h);
        if lines.len() == n {
            return lines;
        }
    }
}

fn merge_once(lines: Vec<VLine>, h: f32) -> Vec<VLine> {
    let block = |l: &VLine| l.pieces.first().map(|p| p.src.block);
    let mut out: Vec<VLine> = Vec::new();
    for l in lines {
        let b = l.b();
        let host = out.iter().position(|g| {
            let gb = g.b();
            if g.col != l.col
                || g.pieces.iter().any(|p| Some(p.src.block) == block(&l))
                || gb.v_overlap(&b) < 0.5 * gb.height().min(b.height())
            {
                return false;
            }
            let boxes = g.pieces.iter().map(|p| p.bbox.or(p.src.bbox).unwrap_or(gb));
            let mut near = f32::INFINITY;
            for pb in boxes {
                let overlap = pb.x1.min(b.x1) - pb.x0.max(b.x0);
                if overlap > 0.3 * pb.width().min(b.width()) && overlap > 0.5 * h {
                    return false;
                }
                near = near.min(-overlap);
            }
            near <= h
        });
        match host {
            Some(i) => absorb(&mut out[i], l),
            None => out.push(l),
        }
    }
    out
}

/// Adds the pieces of `l` to the line `g` (they share its row), left to right.
fn absorb(g: &mut VLine, l: VLine) {
    g.bbox = Some(g.b().union(&l.b()));
    g.pieces.extend(l.pieces);
    g.pieces.sort_by(|x, y| {
        let xb = x.bbox.or(x.src.bbox).map_or(0.0, |b| b.x0);
        let yb = y.bbox.or(y.src.bbox).map_or(0.0, |b| b.x0);
        xb.total_cmp(&yb)
    });
}

/// Lines sorted top to bottom (lines that are whole already).
fn top_to_bottom(mut lines: Vec<VLine>) -> Vec<VLine> {
    lines.sort_by(|a, b| a.b().cy().total_cmp(&b.b().cy()));
    lines
}

/// Groups lines whose boxes share a text line and do not overlap horizontally, sorted top to
/// bottom; the pieces of a group are sorted left to right.
fn group_fragments(mut lines: Vec<VLine>) -> Vec<VLine> {
    lines.sort_by(|a, b| a.b().cy().total_cmp(&b.b().cy()));
    let mut out: Vec<VLine> = Vec::new();
    for l in lines {
        let b = l.b();
        let target = out.iter().rev().take(3).position(|g| {
            let gb = g.b();
            let same_row = gb.v_overlap(&b) >= 0.5 * gb.height().min(b.height());
            let disjoint = g.pieces.iter().all(|p| {
                let pb = p.bbox.or(p.src.bbox).unwrap_or(gb);
                (pb.x1.min(b.x1) - pb.x0.max(b.x0)) < 0.3 * pb.width().min(b.width())
            });
            same_row && disjoint
        });
        match target {
            Some(k) => {
                let i = out.len() - 1 - k;
                absorb(&mut out[i], l);
            }
            None => out.push(l),
        }
    }
    out
}

/// Splits lines that an engine merged across a gutter into their two columns. A line is split
/// when it crosses exactly one gutter, starts at the left edge of a column, and both columns
/// have lines just above or just below it (a centred full-width heading does not start at the
/// edge; a full-width band has no columns beside it). When its text is far too short for its
/// box (the recogniser dropped part of it) it is not split but kept in the left column.
fn split_merged(lines: Vec<VLine>, gutters: &[f32], h: f32) -> Vec<VLine> {
    if gutters.is_empty() {
        return lines;
    }
    let has_col = |c: usize, from: f32, to: f32| {
        lines
            .iter()
            .any(|o| o.col == Some(c) && o.b().cy() > from && o.b().cy() < to)
    };
    let edge = |c: usize, right: bool, q: f32| {
        let v: Vec<f32> = lines
            .iter()
            .filter(|o| o.col == Some(c))
            .map(|o| if right { o.b().x1 } else { o.b().x0 })
            .collect();
        quantile(&v, q)
    };
    // A page whose engine merged nearly every line across the gutter (found from the words,
    // see `columns`) has no column lines to compare with: each merged line is split.
    let crossing = lines.iter().filter(|l| l.col.is_none()).count();
    let merged_page = crossing * 5 > lines.len() * 4;
    let mut plan = Vec::new();
    for l in &lines {
        let b = l.b();
        let crossed: Vec<usize> = (0..gutters.len())
            .filter(|&k| b.x0 < gutters[k] - h && b.x1 > gutters[k] + h)
            .collect();
        let split = match crossed.as_slice() {
            [k] if l.col.is_none() => {
                let k = *k;
                let cy = b.cy();
                let above = has_col(k, cy - 3.0 * h, cy) && has_col(k + 1, cy - 3.0 * h, cy);
                let below = has_col(k, cy, cy + 3.0 * h) && has_col(k + 1, cy, cy + 3.0 * h);
                // It reaches from the left edge of one column to the right edge of the next.
                let reach = edge(k, false, 0.3).is_some_and(|l0| b.x0 < l0 + 3.0 * h);
                match (
                    (above || below) && reach,
                    edge(k, true, 0.7),
                    edge(k + 1, false, 0.3),
                ) {
                    (true, Some(lr), Some(rl)) => Some((k, gutters[k], lr, rl)),
                    _ if merged_page => Some((k, gutters[k], gutters[k], gutters[k])),
                    _ => None,
                }
            }
            _ => None,
        };
        plan.push(split);
    }
    let ems: Vec<f32> = lines
        .iter()
        .filter(|l| l.col.is_some() && l.text_units() >= 6.0)
        .map(|l| l.b().width() / l.text_units())
        .collect();
    let em = quantile(&ems, 0.5).unwrap_or(h);
    let mut out = Vec::new();
    for (mut l, split) in lines.into_iter().zip(plan) {
        let Some((k, g, lr, rl)) = split else {
            out.push(l);
            continue;
        };
        if l.pieces.len() == 1 && l.text_units() * em < 0.75 * l.b().width() {
            l.col = Some(k);
            out.push(l);
            continue;
        }
        match split_line(&l, k, g, lr, rl) {
            Some((a, b)) => {
                out.push(a);
                out.push(b);
            }
            None => out.push(l),
        }
    }
    out
}

/// Splits one line at gutter `g` between columns `k` and `k + 1` whose typical right and
/// left edges are `lr` and `rl`: by word boxes when it has several, otherwise by the share of
/// its text that fits left of the gutter (snapped to a space when one is near).
fn split_line(l: &VLine, k: usize, g: f32, lr: f32, rl: f32) -> Option<(VLine, VLine)> {
    let b = l.b();
    let make = |pieces: Vec<Piece>, bbox: BBox, col: usize| VLine {
        pieces,
        bbox: Some(bbox),
        col: Some(col),
        role: l.role,
        weak_start: false,
    };
    if l.pieces.len() > 1 {
        let (left, right): (Vec<Piece>, Vec<Piece>) = l
            .pieces
            .iter()
            .cloned()
            .partition(|p| p.bbox.is_some_and(|pb| (pb.x0 + pb.x1) / 2.0 < g));
        if left.is_empty() || right.is_empty() {
            return None;
        }
        let lb = BBox::union_all(left.iter().filter_map(|p| p.bbox.as_ref()))?;
        let rb = BBox::union_all(right.iter().filter_map(|p| p.bbox.as_ref()))?;
        return Some((make(left, lb, k), make(right, rb, k + 1)));
    }
    let piece = l.pieces.first()?;
    let wl = (lr.min(b.x1) - b.x0).max(0.0);
    let wr = (b.x1 - rl.max(b.x0)).max(0.0);
    if wl + wr <= 0.0 {
        return None;
    }
    let share = wl / (wl + wr);
    let chars: Vec<(usize, char)> = piece.text.char_indices().collect();
    let total = units(&piece.text);
    let mut acc = 0.0;
    let mut cut = chars.len();
    for (n, &(_, c)) in chars.iter().enumerate() {
        if acc >= share * total {
            cut = n;
            break;
        }
        acc += units(c.encode_utf8(&mut [0; 4]));
    }
    // Snap to the nearest space within three characters.
    let near = (0..=3usize)
        .flat_map(|d| [cut.checked_sub(d), cut.checked_add(d)])
        .flatten()
        .find(|&n| chars.get(n).is_some_and(|&(_, c)| c.is_whitespace()));
    let cut = near.unwrap_or(cut);
    let at = chars.get(cut).map_or(piece.text.len(), |&(i, _)| i);
    let (a, z) = piece.text.split_at(at);
    let (a, z) = (a.trim_end(), z.trim_start());
    if a.is_empty() || z.is_empty() {
        return None;
    }
    let lb = BBox::new(b.x0, b.y0, lr.clamp(b.x0 + 1.0, b.x1), b.y1)?;
    let rb = BBox::new(rl.clamp(b.x0, b.x1 - 1.0), b.y0, b.x1, b.y1)?;
    let mut pa = piece.clone();
    pa.text = a.to_string();
    pa.bbox = Some(lb);
    let mut pz = piece.clone();
    pz.text = z.to_string();
    pz.bbox = Some(rb);
    Some((make(vec![pa], lb, k), make(vec![pz], rb, k + 1)))
}
