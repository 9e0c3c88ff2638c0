//! Cross-page evidence: lines at the top or bottom of several pages that are the same once
//! digits are normalised (or within a misread).

use std::collections::HashMap;
use std::ops::Range;

use ocrtidy_core::text::distance::levenshtein_within;

use super::classify::{Known, Memo, Q};
use super::headers::is_numbered_header;
use crate::page::visible_chars_upto;

/// Lines at the top or bottom of two or more pages that are equal with digits normalised.
pub(super) fn recurring(memo: &mut Memo<'_>, pages: &[Range<usize>], known: &Known) -> Vec<usize> {
    let lines = memo.lines;
    // Each distinct key once, with the (page, line) pairs where it stands at an edge.
    type Hits = Vec<(usize, usize)>;
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut keys: Vec<(Vec<char>, Hits)> = Vec::new();
    for (p, range) in pages.iter().enumerate() {
        let mut body = range
            .clone()
            .filter(|&i| !lines[i].is_blank() && known.get(i).is_none());
        // Only the first and the last line: the classification loop peels a header of several
        // lines one by one, and line joins can only make an edge line longer, never bring a
        // body line to the edge.
        let first = body.next();
        let last = body.next_back();
        for i in first.into_iter().chain(last) {
            // Only lines that could be furniture: a title, a date, a page label.
            let candidate = memo.ask(i, Q::Title)
                || memo.date_like(i)
                || memo.ask(i, Q::PageNumber)
                || is_numbered_header(memo.text(i));
            if !candidate {
                continue;
            }
            let key = normalise(memo.text(i));
            if visible_chars_upto(&key, 2) >= 2 {
                let k = *index.entry(key).or_insert_with_key(|key| {
                    keys.push((key.chars().collect(), Vec::new()));
                    keys.len() - 1
                });
                keys[k].1.push((p, i));
            }
        }
    }
    // Keys equal up to OCR misreads (`数字生活导报` and `数字生活粤报`) on other pages count
    // too: at least four chars and at most one edit in four. The relation is symmetric, so each
    // pair of keys is compared once (the keys are some two a page: the comparisons grow with
    // the square of the pages).
    let mut alike: Vec<Vec<usize>> = vec![Vec::new(); keys.len()];
    for (k, (key, _)) in keys.iter().enumerate() {
        for (o, (other, _)) in keys.iter().enumerate().skip(k + 1) {
            if similar(key, other) {
                alike[k].push(o);
                alike[o].push(k);
            }
        }
    }
    let mut out = Vec::new();
    for ((_, hits), alike) in keys.iter().zip(&alike) {
        let mut pages_hit: Vec<usize> = hits.iter().map(|(p, _)| *p).collect();
        for &o in alike {
            pages_hit.extend(keys[o].1.iter().map(|(p, _)| *p));
        }
        pages_hit.sort_unstable();
        pages_hit.dedup();
        if pages_hit.len() >= 2 {
            out.extend(hits.iter().map(|(_, i)| *i));
        }
    }
    out.sort_unstable();
    out
}

/// Two edge-line keys that differ by at most one edit in four chars (both at least four long);
/// symmetric.
fn similar(a: &[char], b: &[char]) -> bool {
    let n = a.len().max(b.len());
    if a.len().min(b.len()) < 4 || a.len().abs_diff(b.len()) * 4 > n {
        return false;
    }
    levenshtein_within(a, b, n / 4).is_some()
}

/// Digits become `#`, whitespace goes: `2021年3月18日` and `2021年4月1日` compare equal.
fn normalise(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_whitespace() {
            continue;
        }
        if c.is_ascii_digit() {
            if !out.ends_with('#') {
                out.push('#');
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_is_symmetric() {
        // `recurring` compares each pair of keys once: keys of up to ten chars of a small
        // alphabet, near and far apart.
        let alphabet = ['数', '字', '生', '活', '导', '报', '粤', '#', 'A', 'B'];
        let mut rng = ocrtidy_core::testing::Lcg::new(0x1234_5678_9abc_def1);
        let mut next = |n: usize| rng.below(n);
        let mut hits = 0;
        for _ in 0..20_000 {
            let a: Vec<char> = (0..next(11)).map(|_| alphabet[next(10)]).collect();
            let mut b = a.clone();
            for _ in 0..next(4) {
                match next(3) {
                    0 if !b.is_empty() => {
                        b.remove(next(b.len()));
                    }
                    1 => b.insert(next(b.len() + 1), alphabet[next(10)]),
                    _ if !b.is_empty() => {
                        let i = next(b.len());
                        b[i] = alphabet[next(10)];
                    }
                    _ => {}
                }
            }
            assert_eq!(similar(&a, &b), similar(&b, &a), "{a:?} {b:?}");
            hits += usize::from(similar(&a, &b));
        }
        assert!(hits > 1000, "{hits}");
    }
}
