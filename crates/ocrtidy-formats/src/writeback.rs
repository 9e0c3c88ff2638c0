//! Write-back: corrections written into the OCR file they came from, every other byte kept.
//!
//! The layout turns a file into text and a [`Converted::spans`] map from text ranges to the
//! elements (ids, boxes) they came from. After cleaning, [`element_texts`] maps the edits of
//! the text (the ledger's applied changes, in the converted text's offsets) back to new texts
//! for those elements, and [`write_back`] rewrites the elements' text in the original file:
//!
//! - hOCR: the content of the element with that `id` (an `ocrx_word`, or a line without word
//!   elements); markup nested inside a rewritten word is replaced along with its text;
//! - ALTO: the `CONTENT` attribute of the `String` with that `ID`;
//! - PAGE: the `TextEquiv/Unicode` text of the `Word` (or `TextLine`, `TextRegion`) with that
//!   `id`: the `TextEquiv` the reader read (the lowest `index`).
//!
//! Only those bytes change: coordinates, ids, confidences, attribute order, whitespace and
//! comments stay as the file wrote them. Elements are found by id; an element without one (or
//! an id the file does not have) cannot be written back and is an error, never a guess.

use std::collections::HashMap;
use std::ops::Range;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::error::{line_of, ErrorKind};
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

/// HTML elements without an end tag (hOCR).
const VOID: [&str; 8] = ["area", "base", "br", "hr", "img", "input", "link", "meta"];

/// What to rewrite in one element.
enum Target {
    /// Everything between the start tag and its end tag (hOCR).
    Content,
    /// The value of this attribute in the start tag (ALTO `CONTENT`).
    Attribute(&'static str),
    /// The `Unicode` text of the element's own `TextEquiv` with the lowest `index` (PAGE).
    TextEquiv,
}

/// Rewrites the text of the elements named in `texts` (id → new text) in `input`, a file of
/// `format` (hOCR, ALTO or PAGE), keeping every other byte.
pub fn write_back(
    input: &str,
    format: Format,
    texts: &HashMap<String, String>,
) -> Result<String, FormatError> {
    let (id_attr, target) = match format {
        Format::Hocr => ("id", Target::Content),
        Format::Alto => ("ID", Target::Attribute("CONTENT")),
        Format::Page => ("id", Target::TextEquiv),
        other => {
            return Err(FormatError::new(
                other,
                ErrorKind::WriteBack(format!("cannot write corrections back into {other}")),
            ))
        }
    };
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut found: HashMap<&str, ()> = HashMap::new();
    let mut reader = Reader::from_str(input);
    reader.config_mut().check_end_names = false;
    let err = |at: usize, msg: String| {
        FormatError::new(format, ErrorKind::Syntax(msg)).at_line(Some(line_of(input, at)))
    };
    let unwritable = |at: usize, msg: String| {
        FormatError::new(format, ErrorKind::WriteBack(msg)).at_line(Some(line_of(input, at)))
    };
    let pos = |r: &Reader<&[u8]>| usize::try_from(r.buffer_position()).unwrap_or(usize::MAX);
    // The element being rewritten: (id, depth of nesting inside it, content start, for PAGE the
    // best TextEquiv so far (index, Unicode text range), the TextEquiv being read).
    struct Open<'i> {
        id: &'i str,
        depth: usize,
        start: usize,
        best: Option<(f32, Range<usize>)>,
        equiv: Option<(f32, Option<usize>, Option<Range<usize>>)>,
    }
    let mut open: Option<Open<'_>> = None;
    loop {
        let before = pos(&reader);
        let ev = reader
            .read_event()
            .map_err(|e| err(before, e.to_string()))?;
        let after = pos(&reader);
        match ev {
            Event::Start(s) | Event::Empty(s) if open.is_none() => {
                let empty = input.get(before..after).is_some_and(|t| t.ends_with("/>"));
                let Some(id) = attr_value(&s, id_attr) else {
                    continue;
                };
                let Some((key, _)) = texts.get_key_value(id.as_str()) else {
                    continue;
                };
                found.insert(key.as_str(), ());
                match target {
                    Target::Attribute(name) => {
                        let range = attr_range(input, before..after, name).ok_or_else(|| {
                            unwritable(before, format!("element `{id}` has no `{name}` to rewrite"))
                        })?;
                        edits.push((range, escape(&texts[key])));
                    }
                    _ if empty => {
                        return Err(unwritable(
                            before,
                            format!("element `{id}` has no text to rewrite"),
                        ))
                    }
                    _ => {
                        open = Some(Open {
                            id: key.as_str(),
                            depth: 0,
                            start: after,
                            best: None,
                            equiv: None,
                        })
                    }
                }
            }
            Event::Start(s) => {
                if let Some(o) = open.as_mut() {
                    let name = String::from_utf8_lossy(s.local_name().as_ref()).into_owned();
                    if matches!(format, Format::Hocr)
                        && VOID.contains(&name.to_ascii_lowercase().as_str())
                    {
                        continue;
                    }
                    o.depth += 1;
                    if matches!(target, Target::TextEquiv) {
                        if o.depth == 1 && name == "TextEquiv" {
                            let idx = attr_value(&s, "index")
                                .and_then(|v| v.trim().parse::<f32>().ok())
                                .unwrap_or(0.0);
                            o.equiv = Some((idx, None, None));
                        } else if o.depth == 2 && name == "Unicode" {
                            if let Some(e) = o.equiv.as_mut() {
                                e.1 = Some(after);
                            }
                        }
                    }
                }
            }
            Event::End(e) => {
                let Some(o) = open.as_mut() else { continue };
                if o.depth == 0 {
                    let id = o.id;
                    let range = match target {
                        Target::Content => Some(o.start..before),
                        _ => o.best.take().map(|(_, r)| r),
                    };
                    let range = range.ok_or_else(|| {
                        unwritable(before, format!("element `{id}` has no `TextEquiv/Unicode`"))
                    })?;
                    edits.push((range, escape(&texts[id])));
                    open = None;
                    continue;
                }
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if o.depth == 2 && name == "Unicode" {
                    if let Some((_, Some(start), r)) = o.equiv.as_mut() {
                        *r = Some(*start..before);
                    }
                } else if o.depth == 1 && name == "TextEquiv" {
                    if let Some((idx, _, Some(r))) = o.equiv.take() {
                        if o.best.as_ref().is_none_or(|(i, _)| idx < *i) {
                            o.best = Some((idx, r));
                        }
                    }
                }
                o.depth -= 1;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some(o) = open {
        return Err(err(
            input.len(),
            format!("the file ends inside element `{}`", o.id),
        ));
    }
    if let Some(missing) = texts.keys().find(|k| !found.contains_key(k.as_str())) {
        return Err(FormatError::new(
            format,
            ErrorKind::WriteBack(format!("no element with id `{missing}`")),
        ));
    }
    edits.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(input.len());
    let mut at = 0;
    for (range, text) in edits {
        if range.start < at || range.end > input.len() {
            continue;
        }
        out.push_str(&input[at..range.start]);
        out.push_str(&text);
        at = range.end;
    }
    out.push_str(&input[at..]);
    Ok(out)
}

/// The unescaped value of attribute `name` (exact local name).
fn attr_value(s: &BytesStart<'_>, name: &str) -> Option<String> {
    s.attributes().with_checks(false).flatten().find_map(|a| {
        (a.key.local_name().as_ref() == name.as_bytes())
            .then(|| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .ok()
                    .map(|v| v.into_owned())
            })
            .flatten()
    })
}

/// The byte range of the value of attribute `name` inside the tag at `tag` (without quotes).
fn attr_range(input: &str, tag: Range<usize>, name: &str) -> Option<Range<usize>> {
    let t = input.get(tag.clone())?;
    let b = t.as_bytes();
    let mut from = 0;
    while let Some(k) = t[from..].find(name) {
        let k = from + k;
        from = k + name.len();
        // A whole attribute name: after whitespace, followed by `=` (spaces allowed).
        if k == 0 || !b[k - 1].is_ascii_whitespace() {
            continue;
        }
        let rest = t[from..].trim_start();
        let Some(rest) = rest.strip_prefix('=') else {
            continue;
        };
        let rest = rest.trim_start();
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let start = t.len() - rest.len() + 1;
        let end = start + t[start..].find(quote)?;
        return Some(tag.start + start..tag.start + end);
    }
    None
}

fn escape(s: &str) -> String {
    quick_xml::escape::escape(s).into_owned()
}
