use crate::{EditSet, TextRange};

/// One changed region: bytes `src` of the source text became bytes `dst` of the destination.
/// Outside the segments of a map, source and destination are the same text, shifted.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Segment {
    pub src: TextRange,
    pub dst: TextRange,
}

/// Which side of a changed region an offset inside it should map to.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Bias {
    /// The start of the region on the other side.
    Left,
    /// The end of the region on the other side.
    Right,
}

/// Maps offsets between a source text and a destination text produced from it by edits.
///
/// Maps compose: if `a` maps the original to the text after pass 1 and `b` maps that text to the
/// text after pass 2, `a.compose(&b)` maps the original to the text after pass 2. This is how an
/// offset anywhere in the final output is traced back to the original input.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct OffsetMap {
    segments: Vec<Segment>,
    src_len: usize,
    dst_len: usize,
}

impl OffsetMap {
    /// The map of a text to itself.
    pub fn identity(len: usize) -> Self {
        OffsetMap {
            segments: Vec::new(),
            src_len: len,
            dst_len: len,
        }
    }

    /// The map from `src` (of length `src_len`) to the result of applying `edits` to it.
    pub fn from_edits(edits: &EditSet, src_len: usize) -> Self {
        let mut segments = Vec::with_capacity(edits.len());
        let mut shift: isize = 0;
        for e in edits {
            let dst_start = (e.range.start as isize + shift) as usize;
            segments.push(Segment {
                src: e.range,
                dst: TextRange::new(dst_start, dst_start + e.insert.len()),
            });
            shift += e.delta();
        }
        OffsetMap {
            segments,
            src_len,
            dst_len: (src_len as isize + shift) as usize,
        }
    }

    /// A map from its changed regions, which must be sorted, disjoint and consistent with the
    /// two lengths (as the segments of another map or of [`merge_segments`] are).
    pub fn from_segments(segments: Vec<Segment>, src_len: usize, dst_len: usize) -> Self {
        OffsetMap {
            segments,
            src_len,
            dst_len,
        }
    }

    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    pub fn src_len(&self) -> usize {
        self.src_len
    }

    pub fn dst_len(&self) -> usize {
        self.dst_len
    }

    /// `self` maps A to B, `next` maps B to C; the result maps A to C. Changed regions that touch
    /// or overlap in B are fused into one region.
    pub fn compose(&self, next: &OffsetMap) -> OffsetMap {
        let old: Vec<(Segment, ())> = self.segments.iter().map(|s| (*s, ())).collect();
        let new: Vec<(Segment, ())> = next.segments.iter().map(|s| (*s, ())).collect();
        let segments = merge_segments(&old, &new, |src, dst, _, _| {
            Some((Segment { src, dst }, ()))
        })
        .into_iter()
        .map(|(s, ())| s)
        .collect();
        OffsetMap {
            segments,
            src_len: self.src_len,
            dst_len: next.dst_len,
        }
    }

    /// Maps a destination offset back to the source. Offsets inside a changed region map to its
    /// start or end according to `bias`.
    pub fn to_src(&self, offset: usize, bias: Bias) -> usize {
        map_offset(&self.segments, offset, bias, |s| s.dst, |s| s.src)
    }

    /// Maps a source offset to the destination. Offsets inside a changed region map to its start
    /// or end according to `bias`.
    pub fn to_dst(&self, offset: usize, bias: Bias) -> usize {
        map_offset(&self.segments, offset, bias, |s| s.src, |s| s.dst)
    }
}

fn map_offset(
    segments: &[Segment],
    offset: usize,
    bias: Bias,
    from: impl Fn(&Segment) -> TextRange,
    to: impl Fn(&Segment) -> TextRange,
) -> usize {
    // The last segment starting at or before the offset decides.
    let idx = segments.partition_point(|s| from(s).start <= offset);
    if idx == 0 {
        return offset;
    }
    // Several segments can start at one offset (an insertion before a replacement); pick by bias.
    let mut i = idx - 1;
    if bias == Bias::Left {
        while i > 0 && from(&segments[i - 1]).start == offset && from(&segments[i]).start == offset
        {
            i -= 1;
        }
    }
    let s = &segments[i];
    let f = from(s);
    let t = to(s);
    if f.is_empty() && offset == f.start {
        // An insertion point: before or after what was inserted there.
        return match bias {
            Bias::Left => t.start,
            Bias::Right => t.end,
        };
    }
    if offset == f.start {
        // The boundary before a changed region is unambiguous.
        return t.start;
    }
    if offset >= f.end {
        // Past this region: shift by its length difference.
        return t.end + (offset - f.end);
    }
    match bias {
        Bias::Left => t.start,
        Bias::Right => t.end,
    }
}

/// Fuses two consecutive layers of changed regions.
///
/// `old` holds regions from an original text O to an intermediate text M (sorted by position),
/// `new` holds regions from M to an output text N (sorted). Regions that overlap in M, or touch
/// in M where one of them is empty there, form one cluster; `combine` receives each cluster's
/// range in O and in N with the payloads of its members and returns the fused payload, or `None`
/// to drop the cluster (for instance when a later pass restored the original text).
pub fn merge_segments<A, B, R>(
    old: &[(Segment, A)],
    new: &[(Segment, B)],
    mut combine: impl FnMut(TextRange, TextRange, &[&A], &[&B]) -> Option<(Segment, R)>,
) -> Vec<(Segment, R)> {
    let mut out = Vec::with_capacity(old.len() + new.len());
    let (mut i, mut j) = (0, 0);
    // Length changes of the old and new regions before the current cluster.
    let mut d_old: isize = 0;
    let mut d_new: isize = 0;
    let mut olds: Vec<&A> = Vec::new();
    let mut news: Vec<&B> = Vec::new();
    while i < old.len() || j < new.len() {
        // Start a cluster with whichever region comes first in M.
        let take_old = match (old.get(i), new.get(j)) {
            (Some(o), Some(n)) => (o.0.dst.start, o.0.dst.end) <= (n.0.src.start, n.0.src.end),
            (Some(_), None) => true,
            _ => false,
        };
        let first = if take_old { old[i].0.dst } else { new[j].0.src };
        let lo = first.start;
        let mut hi = first.end;
        let mut hi_empty_point = first.is_empty();
        let (mut c_old, mut c_new): (isize, isize) = (0, 0);
        olds.clear();
        news.clear();
        if take_old {
            c_old += old[i].0.dst.len() as isize - old[i].0.src.len() as isize;
            olds.push(&old[i].1);
            i += 1;
        } else {
            c_new += new[j].0.dst.len() as isize - new[j].0.src.len() as isize;
            news.push(&new[j].1);
            j += 1;
        }
        loop {
            let joins = |r: TextRange, hi: usize, hi_empty_point: bool| {
                r.start < hi || (r.start == hi && (r.is_empty() || hi_empty_point))
            };
            let next_old = old.get(i).map(|o| o.0.dst);
            let next_new = new.get(j).map(|n| n.0.src);
            let pick_old = match (next_old, next_new) {
                (Some(o), Some(n)) => (o.start, o.end) <= (n.start, n.end),
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            let r = if pick_old {
                next_old.unwrap_or_default()
            } else {
                next_new.unwrap_or_default()
            };
            if !joins(r, hi, hi_empty_point) {
                break;
            }
            if r.end > hi {
                hi = r.end;
                hi_empty_point = r.is_empty();
            } else if r.end == hi && r.is_empty() {
                hi_empty_point = true;
            }
            if pick_old {
                c_old += old[i].0.dst.len() as isize - old[i].0.src.len() as isize;
                olds.push(&old[i].1);
                i += 1;
            } else {
                c_new += new[j].0.dst.len() as isize - new[j].0.src.len() as isize;
                news.push(&new[j].1);
                j += 1;
            }
        }
        let src = TextRange::new(
            (lo as isize - d_old) as usize,
            (hi as isize - d_old - c_old) as usize,
        );
        let dst = TextRange::new(
            (lo as isize + d_new) as usize,
            (hi as isize + d_new + c_new) as usize,
        );
        if let Some(r) = combine(src, dst, &olds, &news) {
            out.push(r);
        }
        d_old += c_old;
        d_new += c_new;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Edit;

    fn edits(text: &str, list: Vec<Edit>) -> EditSet {
        let mut b = EditSet::builder(text);
        for e in list {
            b.push(e).unwrap();
        }
        b.finish()
    }

    #[test]
    fn maps_offsets_around_a_replacement() {
        let text = "ab,cd";
        let set = edits(text, vec![Edit::replace(2..3, "，")]);
        let map = OffsetMap::from_edits(&set, text.len());
        assert_eq!(map.dst_len(), 7);
        assert_eq!(map.to_src(0, Bias::Left), 0);
        assert_eq!(map.to_src(3, Bias::Left), 2);
        assert_eq!(map.to_src(3, Bias::Right), 3);
        assert_eq!(map.to_src(5, Bias::Left), 3);
        assert_eq!(map.to_dst(4, Bias::Left), 6);
    }

    #[test]
    fn composes_two_passes() {
        // Pass 1: "a ,b" -> "a ，b"; pass 2 deletes the space before the comma.
        let t0 = "a ,b";
        let e1 = edits(t0, vec![Edit::replace(2..3, "，")]);
        let t1 = e1.apply(t0);
        let e2 = edits(&t1, vec![Edit::delete(1..2)]);
        let t2 = e2.apply(&t1);
        assert_eq!(t2, "a，b");
        let m = OffsetMap::from_edits(&e1, t0.len()).compose(&OffsetMap::from_edits(&e2, t1.len()));
        // Touching non-empty regions stay separate: the deletion and the replacement.
        assert_eq!(
            m.segments(),
            &[
                Segment {
                    src: TextRange::new(1, 2),
                    dst: TextRange::new(1, 1)
                },
                Segment {
                    src: TextRange::new(2, 3),
                    dst: TextRange::new(1, 4)
                }
            ]
        );
        assert_eq!(m.to_src(t2.len(), Bias::Left), t0.len());
    }
}
