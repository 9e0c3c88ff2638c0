//! The new texts of the elements under the edits of a converted text.

use std::collections::HashMap;
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
    let (new_texts, touched) = rewrite_spans(converted, edits);
    let mut out = HashMap::new();
    for (i, id, text) in addressed(converted, new_texts, &touched) {
        match id {
            Some(id) => {
                out.insert(id, text);
            }
            None => {
                let span = &converted.spans[i];
                let old = converted.text.get(span.range.clone()).unwrap_or("");
                if text == old {
                    continue;
                }
                let s = &span.source;
                let what = if s.word.is_some() { "word" } else { "line" };
                return Err(FormatError::new(
                    format,
                    ErrorKind::WriteBack(format!(
                        "the {what} `{old}` (page {}, block {}, line {}) has no id of its own, \
                         so its correction to `{text}` cannot be written back",
                        s.page + 1,
                        s.block + 1,
                        s.line + 1,
                    )),
                ));
            }
        }
    }
    Ok(out)
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
    let text = converted.text.as_str();
    let spans = &converted.spans;
    let mut new_texts: Vec<String> = spans
        .iter()
        .map(|s| text.get(s.range.clone()).unwrap_or("").to_string())
        .collect();
    let mut touched = vec![false; spans.len()];
    // From the last edit to the first, so that the offsets of earlier edits stay valid.
    for (range, replacement) in edits.iter().rev() {
        let hit: Vec<usize> = if range.is_empty() {
            let p = range.start;
            let at = spans
                .iter()
                .position(|s| s.range.start <= p && p <= s.range.end)
                .or_else(|| spans.iter().rposition(|s| s.range.end <= p));
            at.into_iter().collect()
        } else {
            (0..spans.len())
                .filter(|&i| spans[i].range.start < range.end && range.start < spans[i].range.end)
                .collect()
        };
        for (k, &i) in hit.iter().enumerate() {
            let span = &spans[i].range;
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
