//! The string similarity ratios of rapidfuzz's `fuzz` module that the furniture metric uses.
//!
//! Both are based on the Indel distance (insertions and deletions only):
//! `ratio = 100 · (1 − indel / (len₁ + len₂))`, with `indel = len₁ + len₂ − 2 · LCS`.

use std::collections::{HashMap, HashSet};

/// Length of the longest common subsequence (bit-parallel when `a` fits a machine word).
fn lcs(a: &[char], b: &[char]) -> usize {
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    if a.len() <= 64 {
        let mut pm: HashMap<char, u64> = HashMap::new();
        for (i, &c) in a.iter().enumerate() {
            *pm.entry(c).or_default() |= 1 << i;
        }
        let mut s: u64 = !0;
        for c in b {
            let m = pm.get(c).copied().unwrap_or(0);
            let u = s & m;
            s = s.wrapping_add(u) | s.wrapping_sub(u);
        }
        let mask = if a.len() == 64 {
            !0
        } else {
            (1u64 << a.len()) - 1
        };
        return (!s & mask).count_ones() as usize;
    }
    let mut prev = vec![0usize; b.len() + 1];
    for x in a {
        let mut cur = vec![0usize; b.len() + 1];
        for (j, y) in b.iter().enumerate() {
            cur[j + 1] = if x == y {
                prev[j] + 1
            } else {
                prev[j + 1].max(cur[j])
            };
        }
        prev = cur;
    }
    prev[b.len()]
}

fn normalized_similarity(a: &[char], b: &[char]) -> f64 {
    let total = a.len() + b.len();
    if total == 0 {
        return 1.0;
    }
    let dist = total - 2 * lcs(a, b);
    1.0 - dist as f64 / total as f64
}

/// `rapidfuzz.fuzz.ratio`.
pub fn ratio(a: &[char], b: &[char]) -> f64 {
    normalized_similarity(a, b) * 100.0
}

/// `rapidfuzz.fuzz.partial_ratio`: the best `ratio` of the shorter string against the windows
/// of the longer one (windows of the shorter one's length, plus shorter windows at both ends),
/// considering only windows whose outer character occurs in the shorter string.
pub fn partial_ratio(a: &[char], b: &[char]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 100.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let (short, long) = if a.len() > b.len() { (b, a) } else { (a, b) };
    let mut best = partial_impl(short, long);
    if best != 1.0 && a.len() == b.len() {
        best = best.max(partial_impl(long, short));
    }
    best * 100.0
}

fn partial_impl(s1: &[char], s2: &[char]) -> f64 {
    let set: HashSet<char> = s1.iter().copied().collect();
    let (len1, len2) = (s1.len(), s2.len());
    let mut best = 0.0f64;
    let mut consider = |w: &[char]| {
        let r = normalized_similarity(s1, w);
        if r > best {
            best = r;
        }
        best == 1.0
    };
    for i in 1..len1 {
        if set.contains(&s2[i - 1]) && consider(&s2[..i]) {
            return 1.0;
        }
    }
    for i in 0..len2 - len1 {
        if set.contains(&s2[i + len1 - 1]) && consider(&s2[i..i + len1]) {
            return 1.0;
        }
    }
    for i in len2 - len1..len2 {
        if set.contains(&s2[i]) && consider(&s2[i..]) {
            return 1.0;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn values_agree_with_rapidfuzz() {
        // Reference values from rapidfuzz 3.14.
        assert!(
            (ratio(&c("this is a test"), &c("this is a test!")) - 96.55172413793103).abs() < 1e-9
        );
        assert!((ratio(&c("《开源技术周报》"), &c("《开源技朮周报》")) - 87.5).abs() < 1e-9);
        assert_eq!(ratio(&c(""), &c("")), 100.0);
        assert!((partial_ratio(&c("this is a test"), &c("this is a test!")) - 100.0).abs() < 1e-9);
        assert!(
            (partial_ratio(&c("a certain string"), &c("cetain")) - 83.33333333333334).abs() < 1e-9
        );
        assert!(
            (partial_ratio(&c("（下转第5版）"), &c("文本内容（下转第5版）")) - 100.0).abs() < 1e-9
        );
        assert!(
            partial_ratio(
                &c("2023年5月22日星期一"),
                &c("与本页无关的一行中文正文内容")
            ) < 80.0
        );
    }
}
