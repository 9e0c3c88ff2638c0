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
    // too: at least four chars and at most one edit in four.
    let mut out = Vec::new();
    for (k, (key, hits)) in keys.iter().enumerate() {
        let mut pages_hit: Vec<usize> = hits.iter().map(|(p, _)| *p).collect();
        for (o, (other, other_hits)) in keys.iter().enumerate() {
            if o != k && similar(key, other) {
                pages_hit.extend(other_hits.iter().map(|(p, _)| *p));
            }
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

/// Two edge-line keys that differ by at most one edit in four chars (both at least four long).
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
