//! Learning confusions from OCR output paired with its ground truth: both texts are aligned
//! character by character (Levenshtein, whitespace ignored) and every substitution of one Han
//! character by another is counted. The result, P(observed | intended) per pair, is a confusion
//! table in the pairs format of [`crate::confusion`].

use std::collections::HashMap;
use std::io::{self, Write};

use crate::model::is_han;

/// Texts whose alignment matrix would exceed this many cells are skipped.
const MAX_CELLS: usize = 64_000_000;

/// Accumulates aligned confusions.
#[derive(Debug, Default, Clone)]
pub struct Learner {
    subs: HashMap<(char, char), u32>,
    seen: HashMap<char, u32>,
    pairs: usize,
    skipped: usize,
}

/// One learned confusion.
#[derive(Debug, Clone, PartialEq)]
pub struct Learned {
    pub observed: char,
    pub intended: char,
    /// P(observed | intended): substitutions over all aligned occurrences of `intended`.
    pub probability: f32,
    pub count: u32,
}

impl Learner {
    pub fn new() -> Self {
        Self::default()
    }

    /// Aligns one OCR text with its ground truth and counts the substitutions. Returns false
    /// (and counts the pair as skipped) when the texts are too long to align.
    pub fn add_pair(&mut self, ocr: &str, truth: &str) -> bool {
        let o: Vec<char> = ocr.chars().filter(|c| !c.is_whitespace()).collect();
        let t: Vec<char> = truth.chars().filter(|c| !c.is_whitespace()).collect();
        if (o.len() + 1).saturating_mul(t.len() + 1) > MAX_CELLS {
            self.skipped += 1;
            return false;
        }
        self.pairs += 1;
        for (a, b) in align(&o, &t) {
            if let (Some(a), Some(b)) = (a, b) {
                if is_han(b) {
                    *self.seen.entry(b).or_insert(0) += 1;
                    if a != b && is_han(a) {
                        *self.subs.entry((a, b)).or_insert(0) += 1;
                    }
                }
            }
        }
        true
    }

    /// Pairs aligned and pairs skipped.
    pub fn counts(&self) -> (usize, usize) {
        (self.pairs, self.skipped)
    }

    /// The confusions seen at least `min_count` times, most frequent first.
    pub fn confusions(&self, min_count: u32) -> Vec<Learned> {
        let mut v: Vec<Learned> = self
            .subs
            .iter()
            .filter(|(_, &n)| n >= min_count)
            .map(|(&(observed, intended), &count)| Learned {
                observed,
                intended,
                probability: count as f32
                    / self
                        .seen
                        .get(&intended)
                        .copied()
                        .unwrap_or(count)
                        .max(count) as f32,
                count,
            })
            .collect();
        v.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then(a.observed.cmp(&b.observed))
                .then(a.intended.cmp(&b.intended))
        });
        v
    }

    /// Writes the table: `observed<TAB>intended<TAB>probability<TAB>count` lines.
    pub fn write_tsv(&self, mut w: impl Write, min_count: u32) -> io::Result<usize> {
        writeln!(w, "# learned by `ocrtidy learn`: observed<TAB>intended<TAB>P(observed|intended)<TAB>count")?;
        let v = self.confusions(min_count);
        for l in &v {
            writeln!(
                w,
                "{}\t{}\t{:.4}\t{}",
                l.observed, l.intended, l.probability, l.count
            )?;
        }
        Ok(v.len())
    }
}

/// Levenshtein alignment: pairs of (observed, intended), `None` for an insertion or deletion.
fn align(o: &[char], t: &[char]) -> Vec<(Option<char>, Option<char>)> {
    let (n, m) = (o.len(), t.len());
    let w = m + 1;
    // 0: diagonal, 1: up (skip an observed char), 2: left (skip an intended char).
    let mut dir = vec![0u8; (n + 1) * w];
    let mut prev: Vec<u32> = (0..=m as u32).collect();
    let mut cur = vec![0u32; w];
    for d in dir.iter_mut().take(w).skip(1) {
        *d = 2;
    }
    for i in 1..=n {
        cur[0] = i as u32;
        dir[i * w] = 1;
        for j in 1..=m {
            let diag = prev[j - 1] + u32::from(o[i - 1] != t[j - 1]);
            let up = prev[j] + 1;
            let left = cur[j - 1] + 1;
            let (v, d) = if diag <= up && diag <= left {
                (diag, 0)
            } else if up <= left {
                (up, 1)
            } else {
                (left, 2)
            };
            cur[j] = v;
            dir[i * w + j] = d;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    let mut out = Vec::with_capacity(n.max(m));
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        match dir[i * w + j] {
            0 if i > 0 && j > 0 => {
                out.push((Some(o[i - 1]), Some(t[j - 1])));
                i -= 1;
                j -= 1;
            }
            1 if i > 0 => {
                out.push((Some(o[i - 1]), None));
                i -= 1;
            }
            _ if j > 0 => {
                out.push((None, Some(t[j - 1])));
                j -= 1;
            }
            _ => {
                out.push((Some(o[i - 1]), None));
                i -= 1;
            }
        }
    }
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_substitutions_through_insertions_and_spaces() {
        let mut l = Learner::new();
        assert!(l.add_pair("允许找贝和发布", "允许拷贝和发布"));
        assert!(l.add_pair("完整 找 贝 。", "完整拷贝。"));
        assert!(l.add_pair("文档的拷贝", "文档的拷贝"));
        assert!(l.add_pair("网时x", "同时"));
        let v = l.confusions(1);
        assert_eq!(v[0].observed, '找');
        assert_eq!(v[0].intended, '拷');
        assert_eq!(v[0].count, 2);
        assert!((v[0].probability - 2.0 / 3.0).abs() < 1e-6);
        assert!(v.iter().any(|x| x.observed == '网' && x.intended == '同'));
        assert_eq!(l.confusions(2).len(), 1);
        let mut buf = Vec::new();
        assert_eq!(l.write_tsv(&mut buf, 2).unwrap(), 1);
        let text = String::from_utf8(buf).unwrap();
        assert!(text.ends_with("找\t拷\t0.6667\t2\n"));
    }
}
