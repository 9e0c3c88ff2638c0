//! The new texts of the elements under the edits of a converted text.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use crate::error::ErrorKind;
use crate::layout::Converted;
use crate::{Format, FormatError};

/// New texts for the elements under `edits` (`(range of the converted text, replacement)`,
/// sorted, disjoint), keyed by element id. An edit inside one element changes that element;
/// an edit across several goes whole into the first and deletes its part of the others; an
/// insertion between two elements joins the one before it. Edits of the separators alone
/// (spaces and line breaks between elements) change no element: the file keeps its layout.
/// Elements without an id are left out.
pub fn element_texts(
    converted: &Converted,
    edits: &[(Range<usize>, &str)],
) -> HashMap<String, String> {
    let (new_texts, touched) = rewrite_spans(converted, edits);
    addressed(converted, new_texts, &touched)
        .into_iter()
        .filter_map(|(_, id, text)| Some((id?, text)))
        .collect()
}

/// [`element_texts`] for a file of `format`, where an edit that changes the text of an element
/// without an id of its own (no id, or one that several spans share) is an error naming the
/// element, rather than a correction silently left out.
pub fn element_texts_checked(
    converted: &Converted,
    edits: &[(Range<usize>, &str)],
    format: Format,
) -> Result<HashMap<String, String>, FormatError> {
    let (texts, unplaced) = element_texts_placed(converted, edits);
    match unplaced.into_iter().next() {
        Some(u) => Err(FormatError::new(
            format,
            ErrorKind::WriteBack(u.to_string()),
        )),
        None => Ok(texts),
    }
}

/// A correction of an element without an id of its own (no id, or one that several spans
/// share): it cannot be written back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unplaced {
    /// The element's text and its correction.
    pub old: String,
    pub new: String,
    /// Where the element is: the indices of its page, block and line, and of the word when
    /// the line has word elements (as in [`crate::SourceRef`]).
    pub page: usize,
    pub block: usize,
    pub line: usize,
    pub word: Option<usize>,
}

impl fmt::Display for Unplaced {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self;
        let what = if s.word.is_some() { "word" } else { "line" };
        write!(
            f,
            "the {what} `{}` (page {}, block {}, line {}) has no id of its own, so its \
             correction to `{}` cannot be written back",
            self.old,
            s.page + 1,
            s.block + 1,
            s.line + 1,
            self.new
        )
    }
}

/// [`element_texts`], and the corrections of elements without an id of their own (no id, or
/// one that several spans share), which cannot be written back, in text order.
pub fn element_texts_placed(
    converted: &Converted,
    edits: &[(Range<usize>, &str)],
) -> (HashMap<String, String>, Vec<Unplaced>) {
    let (new_texts, touched) = rewrite_spans(converted, edits);
    let mut out = HashMap::new();
    let mut unplaced = Vec::new();
    for (i, id, text) in addressed(converted, new_texts, &touched) {
        match id {
            Some(id) => {
                out.insert(id, text);
            }
            None => {
                let span = &converted.spans[i];
                let old = converted.text.get(span.range.clone()).unwrap_or("");
                if text != old {
                    let s = &span.source;
                    unplaced.push(Unplaced {
                        old: old.to_string(),
                        new: text,
                        page: s.page,
                        block: s.block,
                        line: s.line,
                        word: s.word,
                    });
                }
            }
        }
    }
    (out, unplaced)
}

/// The touched spans' new texts with the id that addresses them (`None`: no id, or one that
/// several spans share), with the span's index, in span order (untouched spans left out).
fn addressed(
    converted: &Converted,
    mut new_texts: Vec<String>,
    touched: &[bool],
) -> Vec<(usize, Option<String>, String)> {
    let spans = &converted.spans;
    // An id that several spans share (words without ids of one line) names no single element.
    let mut count: HashMap<&str, usize> = HashMap::new();
    for s in spans {
        if let Some(id) = s.source.id.as_deref() {
            *count.entry(id).or_default() += 1;
        }
    }
    let mut out = Vec::new();
    for (i, span) in spans.iter().enumerate() {
        if !touched[i] {
            continue;
        }
        let id = span
            .source
            .id
            .as_deref()
            .filter(|id| count.get(id) == Some(&1))
            .map(str::to_string);
        out.push((i, id, std::mem::take(&mut new_texts[i])));
    }
    out
}

/// Every span's text after `edits`, and whether an edit touched it.
fn rewrite_spans(
    converted: &Converted,
    edits: &[(Range<usize>, &str)],
) -> (Vec<String>, Vec<bool>) {
    let ranges: Vec<Range<usize>> = converted.spans.iter().map(|s| s.range.clone()).collect();
    rewrite_ranges(&converted.text, &ranges, edits)
}

/// The text of each of `spans` (sorted, disjoint ranges of `text`) after `edits` (sorted,
/// disjoint), and whether an edit touched it: an edit inside one span changes that span, one
/// across several goes whole into the first and deletes its part of the others, an insertion
/// between two joins the one before it; edits of the text between spans alone change none.
pub(super) fn rewrite_ranges(
    text: &str,
    spans: &[Range<usize>],
    edits: &[(Range<usize>, &str)],
) -> (Vec<String>, Vec<bool>) {
    let mut new_texts: Vec<String> = spans
        .iter()
        .map(|s| text.get(s.clone()).unwrap_or("").to_string())
        .collect();
    let mut touched = vec![false; spans.len()];
    // From the last edit to the first, so that the offsets of earlier edits stay valid.
    for (range, replacement) in edits.iter().rev() {
        let hit: Vec<usize> = if range.is_empty() {
            let p = range.start;
            let at = spans
                .iter()
                .position(|s| s.start <= p && p <= s.end)
                .or_else(|| spans.iter().rposition(|s| s.end <= p));
            at.into_iter().collect()
        } else {
            (0..spans.len())
                .filter(|&i| spans[i].start < range.end && range.start < spans[i].end)
                .collect()
        };
        for (k, &i) in hit.iter().enumerate() {
            let span = &spans[i];
            let lo = range.start.clamp(span.start, span.end) - span.start;
            let hi = range.end.clamp(span.start, span.end) - span.start;
            let t = &mut new_texts[i];
            if lo <= hi && t.is_char_boundary(lo) && t.is_char_boundary(hi) {
                t.replace_range(lo..hi, if k == 0 { replacement } else { "" });
                touched[i] = true;
            }
        }
    }
    (new_texts, touched)
}

/// The character edits that turn `old` into `new` (`(byte range of old, replacement)`, sorted,
/// disjoint): the fewest substitutions, insertions and deletions, adjacent ones run together.
/// Texts too long to align (over a million character pairs between their common prefix and
/// suffix) give one edit from the first difference to the last.
pub(super) fn char_edits(old: &str, new: &str) -> Vec<(Range<usize>, String)> {
    let a: Vec<(usize, char)> = old.char_indices().collect();
    let b: Vec<char> = new.chars().collect();
    let at = |k: usize| a.get(k).map_or(old.len(), |&(i, _)| i);
    let prefix = a.iter().zip(&b).take_while(|((_, x), y)| x == *y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|((_, x), y)| x == *y)
        .count();
    let (n, m) = (a.len() - prefix - suffix, b.len() - prefix - suffix);
    if n == 0 && m == 0 {
        return Vec::new();
    }
    if (n + 1).saturating_mul(m + 1) > 1 << 20 {
        let text = b[prefix..prefix + m].iter().collect();
        return vec![(at(prefix)..at(prefix + n), text)];
    }
    let (x, y) = (&a[prefix..prefix + n], &b[prefix..prefix + m]);
    let w = m + 1;
    let mut cost = vec![0u32; (n + 1) * w];
    for (j, c) in cost.iter_mut().enumerate().take(w) {
        *c = j as u32;
    }
    for i in 1..=n {
        cost[i * w] = i as u32;
        for j in 1..=m {
            let sub = cost[(i - 1) * w + j - 1] + u32::from(x[i - 1].1 != y[j - 1]);
            cost[i * w + j] = sub
                .min(cost[(i - 1) * w + j] + 1)
                .min(cost[i * w + j - 1] + 1);
        }
    }
    // Back from the end: each step keeps, substitutes, deletes or inserts a character; the
    // edits come out last first.
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut open: Option<(usize, usize, String)> = None;
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        let here = cost[i * w + j];
        let diagonal =
            i > 0 && j > 0 && here == cost[(i - 1) * w + j - 1] + u32::from(x[i - 1].1 != y[j - 1]);
        let (di, dj) = if diagonal {
            (1, 1)
        } else if i > 0 && here == cost[(i - 1) * w + j] + 1 {
            (1, 0)
        } else {
            (0, 1)
        };
        let keep = di == 1 && dj == 1 && x[i - 1].1 == y[j - 1];
        if keep {
            if let Some((lo, hi, text)) = open.take() {
                edits.push((at(prefix + lo)..at(prefix + hi), text));
            }
        } else {
            let run = open.get_or_insert((i, i, String::new()));
            run.0 = i - di;
            if dj == 1 {
                run.2.insert(0, y[j - 1]);
            }
        }
        i -= di;
        j -= dj;
    }
    if let Some((lo, hi, text)) = open {
        edits.push((at(prefix + lo)..at(prefix + hi), text));
    }
    edits.reverse();
    edits
}

#[cfg(test)]
mod tests {
    use super::char_edits;

    #[test]
    fn character_edits() {
        let apply = |old: &str, edits: &[(std::ops::Range<usize>, String)]| {
            let mut s = old.to_string();
            for (r, t) in edits.iter().rev() {
                s.replace_range(r.clone(), t);
            }
            s
        };
        let cases = [
            ("qiuck", "quick"),
            ("The qiuck ~ brown", "The quick brown"),
            ("Men-", "Men-"),
            ("第一段安妆过程。", "第一段安装过程。"),
            ("ａｐｔ", "apt"),
            ("", "new"),
            ("old", ""),
            ("abc def", "abcdef"),
        ];
        for (old, new) in cases {
            let edits = char_edits(old, new);
            assert_eq!(apply(old, &edits), new, "{old} → {new}: {edits:?}");
        }
        // Two corrections far apart are two edits, each in its place.
        let edits = char_edits("The qiuck brown fax", "The quick brown fox");
        let at: Vec<&str> = edits
            .iter()
            .map(|(r, _)| &"The qiuck brown fax"[r.clone()])
            .collect();
        assert_eq!(edits.len(), 2, "{edits:?}");
        assert_eq!(at.last(), Some(&"a"));
    }
}
