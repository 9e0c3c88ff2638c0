//! Runs a deletion planner until its output triggers nothing more.
//!
//! Removing one piece of noise can expose another (a stray letter whose removal leaves a line
//! of punctuation only). Rather than foresee every such chain in the rules, a pass plans its
//! deletions, applies them to a scratch copy, plans again on the copy, and maps the new
//! deletions back to the text it was given, a few rounds at most. The pass's output is then a
//! fixed point of the pass.

use std::ops::Range;

use ocrtidy_core::EditSink;

/// A planned deletion: range, rule id, confidence.
pub(crate) type Deletion = (Range<usize>, &'static str, f32);

/// The most planning rounds; each round can only delete more, and real text settles in two.
const MAX_ROUNDS: usize = 4;

/// Plans with `plan` until a round adds nothing, and returns the deletions in offsets of `text`,
/// sorted and disjoint. Suggestions are kept from the first round only (pushed into `sink`).
pub(crate) fn converge(
    text: &str,
    sink: &mut EditSink<'_>,
    mut plan: impl FnMut(&str, &mut EditSink<'_>) -> Vec<Deletion>,
) -> Vec<Deletion> {
    let mut dels = normalise(plan(text, sink));
    for _ in 1..MAX_ROUNDS {
        if dels.is_empty() {
            break;
        }
        let (current, kept) = apply(text, &dels);
        // The suggestions of later rounds are dropped: they need not be made.
        let mut scratch = EditSink::new(&current).without_suggestions();
        let more = plan(&current, &mut scratch);
        if more.is_empty() {
            break;
        }
        for (r, rule, c) in more {
            if r.start < r.end {
                let start = to_original(&kept, r.start, false);
                let end = to_original(&kept, r.end, true);
                dels.push((start..end, rule, c));
            }
        }
        dels = normalise(dels);
    }
    dels
}

/// Sorts deletions and merges the overlapping ones (the earlier one gives the rule).
fn normalise(mut dels: Vec<Deletion>) -> Vec<Deletion> {
    dels.retain(|(r, _, _)| r.start < r.end);
    dels.sort_by_key(|(r, _, _)| (r.start, r.end));
    let mut out: Vec<Deletion> = Vec::with_capacity(dels.len());
    for d in dels {
        match out.last_mut() {
            Some(last) if d.0.start < last.0.end => {
                last.0.end = last.0.end.max(d.0.end);
                last.2 = last.2.min(d.2);
            }
            _ => out.push(d),
        }
    }
    out
}

/// The text without the deletions, and the kept pieces as (offset in the new text, range in
/// the original).
fn apply(text: &str, dels: &[Deletion]) -> (String, Vec<(usize, Range<usize>)>) {
    let mut out = String::with_capacity(text.len());
    let mut kept = Vec::new();
    let mut pos = 0;
    for (r, _, _) in dels {
        if r.start > pos {
            kept.push((out.len(), pos..r.start));
            out.push_str(&text[pos..r.start]);
        }
        pos = pos.max(r.end);
    }
    if pos < text.len() {
        kept.push((out.len(), pos..text.len()));
        out.push_str(&text[pos..]);
    }
    (out, kept)
}

/// Maps an offset of the new text back to the original. An `end` offset that falls between
/// two kept pieces maps to the end of the earlier piece, a start offset to the start of the
/// later one, so that a deletion never grows over text it did not cover.
fn to_original(kept: &[(usize, Range<usize>)], at: usize, end: bool) -> usize {
    let i = kept.partition_point(|(s, _)| if end { *s < at } else { *s <= at });
    if i == 0 {
        return kept.first().map_or(at, |(_, r)| r.start);
    }
    let (s, r) = &kept[i - 1];
    let off = at - s;
    if off < r.len() || (end && off == r.len()) {
        r.start + off
    } else {
        // Past the end of the piece: the start of the next piece.
        kept.get(i).map_or(r.end, |(_, next)| next.start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_map_back() {
        let text = "ab--cd--ef";
        let dels = vec![(2..4, "x", 1.0), (6..8, "x", 1.0)];
        let (cur, kept) = apply(text, &dels);
        assert_eq!(cur, "abcdef");
        assert_eq!(to_original(&kept, 2, false), 4);
        assert_eq!(to_original(&kept, 2, true), 2);
        assert_eq!(to_original(&kept, 3, true), 5);
        assert_eq!(to_original(&kept, 6, true), 10);
    }

    #[test]
    fn rounds_until_nothing_changes() {
        // A planner that deletes the first "x" it sees: three rounds remove three.
        let text = "axbxcx";
        let mut sink = EditSink::new(text);
        let dels = converge(text, &mut sink, |t, _| {
            t.find('x')
                .map(|i| vec![(i..i + 1, "x", 1.0)])
                .unwrap_or_default()
        });
        let ranges: Vec<_> = dels.into_iter().map(|d| d.0).collect();
        assert_eq!(ranges, vec![1..2, 3..4, 5..6]);
    }
}
