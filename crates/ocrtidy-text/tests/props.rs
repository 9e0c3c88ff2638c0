//! Property tests: the edit-set builder agrees with a naive model, and offset maps compose.

use ocrtidy_text::{Bias, Edit, EditSet, OffsetMap, TextRange};
use proptest::prelude::*;

/// Char-boundary offsets of a text, including its end.
fn boundaries(text: &str) -> Vec<usize> {
    text.char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect()
}

/// Edits on char boundaries chosen by index; they may overlap.
fn raw_edits(text: &str, picks: &[(usize, usize, String)]) -> Vec<Edit> {
    let b = boundaries(text);
    picks
        .iter()
        .map(|(x, len, ins)| {
            let s = x % b.len();
            let e = (s + len % 3).min(b.len() - 1);
            Edit::replace(b[s]..b[e], ins.clone())
        })
        .collect()
}

fn naive_conflict(a: &TextRange, b: &TextRange) -> bool {
    if a.is_empty() && b.is_empty() {
        return a.start == b.start;
    }
    if a.is_empty() {
        return b.start < a.start && a.start < b.end;
    }
    if b.is_empty() {
        return a.start < b.start && b.start < a.end;
    }
    a.start < b.end && b.start < a.end
}

fn text_strategy() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-c清徐 ，\n]{0,24}").unwrap()
}

fn picks_strategy() -> impl Strategy<Value = Vec<(usize, usize, String)>> {
    proptest::collection::vec((0usize..40, 0usize..3, "[xy观]{0,2}"), 0..8)
}

/// Keeps the edits that do not conflict with an earlier one (first wins), as the builder does.
fn accept(text: &str, edits: Vec<Edit>) -> (EditSet, Vec<Edit>) {
    let mut builder = EditSet::builder(text);
    let mut kept: Vec<Edit> = Vec::new();
    for e in edits {
        let expect_ok = !kept.iter().any(|k| naive_conflict(&k.range, &e.range));
        let got = builder.push(e.clone());
        assert_eq!(got.is_ok(), expect_ok, "edit {e:?} against {kept:?}");
        if expect_ok {
            kept.push(e);
        }
    }
    (builder.finish(), kept)
}

fn naive_apply(text: &str, edits: &[Edit]) -> String {
    let mut sorted = edits.to_vec();
    sorted.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out = String::new();
    let mut pos = 0;
    for e in sorted {
        out.push_str(&text[pos..e.range.start]);
        out.push_str(&e.insert);
        pos = e.range.end;
    }
    out.push_str(&text[pos..]);
    out
}

proptest! {
    #[test]
    fn builder_matches_naive_model(text in text_strategy(), picks in picks_strategy()) {
        let (set, kept) = accept(&text, raw_edits(&text, &picks));
        prop_assert_eq!(set.apply(&text), naive_apply(&text, &kept));
        // Sorted and disjoint.
        let v: Vec<&Edit> = set.iter().collect();
        for w in v.windows(2) {
            prop_assert!(w[0].range.end <= w[1].range.start);
        }
    }

    #[test]
    fn composed_map_reproduces_the_output(
        text in text_strategy(),
        p1 in picks_strategy(),
        p2 in picks_strategy(),
    ) {
        let (e1, _) = accept(&text, raw_edits(&text, &p1));
        let t1 = e1.apply(&text);
        let (e2, _) = accept(&t1, raw_edits(&t1, &p2));
        let t2 = e2.apply(&t1);
        let m1 = OffsetMap::from_edits(&e1, text.len());
        let m2 = OffsetMap::from_edits(&e2, t1.len());
        let m = m1.compose(&m2);
        prop_assert_eq!(m.src_len(), text.len());
        prop_assert_eq!(m.dst_len(), t2.len());
        // The composed regions, read as edits against the original, give the final text.
        let mut builder = EditSet::builder(&text);
        for s in m.segments() {
            builder.push(Edit::replace(s.src, &t2[s.dst.as_range()])).unwrap();
        }
        prop_assert_eq!(builder.finish().apply(&text), t2.clone());
        // Unchanged regions map exactly, both ways.
        let mut prev_src = 0;
        let mut prev_dst = 0;
        for s in m.segments().iter().copied().chain([ocrtidy_text::Segment {
            src: TextRange::empty(text.len()),
            dst: TextRange::empty(t2.len()),
        }]) {
            prop_assert_eq!(s.src.start - prev_src, s.dst.start - prev_dst);
            for k in 0..(s.src.start - prev_src) {
                // At the first byte after a change, Right bias means "after the change".
                prop_assert_eq!(m.to_dst(prev_src + k, Bias::Right), prev_dst + k);
                prop_assert_eq!(m.to_src(prev_dst + k, Bias::Right), prev_src + k);
                if k > 0 {
                    prop_assert_eq!(m.to_dst(prev_src + k, Bias::Left), prev_dst + k);
                    prop_assert_eq!(m.to_src(prev_dst + k, Bias::Left), prev_src + k);
                }
                prop_assert_eq!(text.as_bytes()[prev_src + k], t2.as_bytes()[prev_dst + k]);
            }
            prev_src = s.src.end;
            prev_dst = s.dst.end;
        }
    }
}
