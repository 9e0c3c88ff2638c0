//! What the writers of the three dialects share: XML events with their byte offsets, attribute
//! values and ranges, escapes, and errors that name the line.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::error::{line_of, ErrorKind};
use crate::{Format, FormatError};

fn pos(r: &Reader<&[u8]>) -> usize {
    usize::try_from(r.buffer_position()).unwrap_or(usize::MAX)
}

/// The next event of `reader` over `input`, with the byte offsets where it starts and ends.
pub(super) fn next_event<'i>(
    reader: &mut Reader<&'i [u8]>,
    input: &str,
    f: Format,
) -> Result<(Event<'i>, usize, usize), FormatError> {
    let before = pos(reader);
    let ev = reader
        .read_event()
        .map_err(|e| syntax(f, input, before, e.to_string()))?;
    Ok((ev, before, pos(reader)))
}

pub(super) fn syntax(format: Format, input: &str, at: usize, msg: String) -> FormatError {
    FormatError::new(format, ErrorKind::Syntax(msg)).at_line(Some(line_of(input, at)))
}

/// An error naming an id of `texts` that is not in `found`.
pub(super) fn check_found(
    format: Format,
    texts: &HashMap<String, String>,
    found: &HashSet<&str>,
) -> Result<(), FormatError> {
    let mut missing: Vec<&String> = texts
        .keys()
        .filter(|k| !found.contains(k.as_str()))
        .collect();
    missing.sort();
    match missing.first() {
        Some(id) => Err(FormatError::new(
            format,
            ErrorKind::WriteBack(format!("no element with id `{id}`")),
        )),
        None => Ok(()),
    }
}

/// The unescaped value of attribute `name` (exact local name).
pub(super) fn attr_value(s: &BytesStart<'_>, name: &str) -> Option<String> {
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
pub(super) fn attr_range(input: &str, tag: Range<usize>, name: &str) -> Option<Range<usize>> {
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

pub(super) fn escape(s: &str) -> String {
    quick_xml::escape::escape(s).into_owned()
}
