//! One JSON Lines record: finding the text field in the raw line and splicing a new value in.
//!
//! The line is never re-serialised: the fields are read as borrowed [`RawValue`]s, whose text
//! points into the line, so the byte range of the text field's value is known and only that
//! range is replaced. Every other byte (key order, whitespace, escapes, numbers of any size,
//! nested objects) passes through as it was. With duplicate keys the last one counts, as in
//! most JSON readers.

use std::borrow::Cow;
use std::fmt;
use std::ops::Range;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

/// Why a line was passed through unchanged.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LineError {
    /// The line is not valid UTF-8; `valid_up_to` is the offset of the first bad byte.
    InvalidUtf8 { valid_up_to: usize },
    /// The line is not one JSON object (the message is serde_json's).
    Malformed(String),
    /// The object has no text field.
    MissingField(String),
    /// The text field is not a string.
    NotAString(String),
    /// The text field is a string that cannot be decoded (a lone surrogate escape, say).
    InvalidString(String),
    /// The record's layout field could not be used; the record was cleaned from its text field
    /// (a warning: see [`super::LineReport::warning`]).
    Layout(super::LayoutError),
    /// The line is longer than the configured limit.
    TooLarge { bytes: u64, limit: usize },
    /// The object has the text field more than once (`count` times): the last one was
    /// cleaned, the others passed through as they were (a warning).
    DuplicateField { name: String, count: usize },
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LineError::InvalidUtf8 { valid_up_to } => {
                write!(f, "invalid UTF-8 (first bad byte at offset {valid_up_to})")
            }
            LineError::Malformed(m) => write!(f, "malformed JSON: {m}"),
            LineError::MissingField(name) => write!(f, "no field `{name}`"),
            LineError::NotAString(name) => write!(f, "field `{name}` is not a string"),
            LineError::InvalidString(m) => write!(f, "undecodable string: {m}"),
            LineError::Layout(e) => write!(f, "{e}; cleaned from the text field"),
            LineError::TooLarge { bytes, limit } => {
                write!(
                    f,
                    "line of {bytes} bytes is over the limit of {limit} bytes"
                )
            }
            LineError::DuplicateField { name, count } => write!(
                f,
                "field `{name}` appears {count} times; the last one was cleaned, the others \
                 were passed through unchanged"
            ),
        }
    }
}

impl std::error::Error for LineError {}

/// The names a record is read for.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FieldNames<'n> {
    pub text: &'n str,
    pub id: &'n str,
    pub group_by: &'n [String],
    /// The layout fields, in order of preference.
    pub layout: &'n [String],
}

/// The fields of one record, borrowed from its line.
#[derive(Debug)]
pub(crate) struct Record<'a> {
    /// Byte range of the text field's JSON value in the line.
    pub value: Range<usize>,
    /// The decoded text.
    pub text: String,
    pub id: Option<&'a RawValue>,
    /// The raw values of the group-by fields; `None` when one is missing.
    pub key: Option<Vec<&'a str>>,
    /// The raw values of the layout fields, in the order of [`FieldNames::layout`]; `None` for
    /// a missing one.
    pub layouts: Vec<Option<&'a RawValue>>,
    /// How many times the text field's key appears (more than 1: duplicate keys).
    pub text_keys: usize,
}

/// The line's content without its line end, and the line end.
pub(crate) fn split_line_end(line: &[u8]) -> (&[u8], &[u8]) {
    let mut n = line.len();
    if line[..n].ends_with(b"\n") {
        n -= 1;
        if line[..n].ends_with(b"\r") {
            n -= 1;
        }
    }
    line.split_at(n)
}

/// True for a line with nothing but whitespace: it is passed through silently.
pub(crate) fn is_blank(content: &[u8]) -> bool {
    content.iter().all(|b| b.is_ascii_whitespace())
}

/// Reads one record. `content` is the line without its line end; `skip` leading bytes (a BOM)
/// are not part of the JSON.
pub(crate) fn parse<'a>(
    content: &'a [u8],
    skip: usize,
    names: FieldNames<'_>,
) -> Result<Record<'a>, (LineError, Option<&'a RawValue>)> {
    // Checked fast, and where that fails again by the standard library, which says where.
    let line = match simdutf8::basic::from_utf8(content) {
        Ok(line) => Ok(line),
        Err(_) => std::str::from_utf8(content),
    };
    let line = line.map_err(|e| {
        (
            LineError::InvalidUtf8 {
                valid_up_to: e.valid_up_to(),
            },
            None,
        )
    })?;
    let json = &line[skip.min(line.len())..];
    let mut de = serde_json::Deserializer::from_str(json);
    let found = FieldsSeed { names }
        .deserialize(&mut de)
        .and_then(|f| de.end().map(|()| f))
        .map_err(|e| (LineError::Malformed(e.to_string()), None))?;
    let id = found.id;
    let Some(raw) = found.text else {
        return Err((LineError::MissingField(names.text.to_string()), id));
    };
    let raw_text = raw.get();
    if !raw_text.starts_with('"') {
        return Err((LineError::NotAString(names.text.to_string()), id));
    }
    let text = match unescape(raw_text) {
        Some(text) => text,
        None => serde_json::from_str(raw_text)
            .map_err(|e| (LineError::InvalidString(e.to_string()), id))?,
    };
    let start = raw_text.as_ptr() as usize - line.as_ptr() as usize;
    let key = if names.group_by.is_empty() {
        None
    } else {
        found
            .keys
            .iter()
            .map(|k| k.map(RawValue::get))
            .collect::<Option<Vec<&str>>>()
    };
    Ok(Record {
        value: start..start + raw_text.len(),
        text,
        id,
        key,
        layouts: found.layouts,
        text_keys: found.text_keys,
    })
}

/// The text of a JSON string (`raw`, quotes included) that the parser has read, when it has
/// no `\u` escape; `None` when it has one (serde_json decodes it, and rejects a lone
/// surrogate).
///
/// The parser has checked the string while skipping it for the raw value (every escape is one
/// of JSON's, no control character stands unescaped), so only the escapes are read here: the
/// runs between them are copied as they are, found with one search each, where decoding it
/// again with serde_json would scan every byte for the end of the string a second time and
/// copy the text twice.
fn unescape(raw: &str) -> Option<String> {
    let body = raw.get(1..raw.len().checked_sub(1)?)?;
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(i) = memchr::memchr(b'\\', rest.as_bytes()) {
        out.push_str(&rest[..i]);
        out.push(match rest.as_bytes().get(i + 1)? {
            b'n' => '\n',
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b't' => '\t',
            b'r' => '\r',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            _ => return None,
        });
        rest = &rest[i + 2..];
    }
    out.push_str(rest);
    Some(out)
}

/// `content` with the value at `value` replaced by `text` as a JSON string.
pub(crate) fn splice(content: &[u8], value: &Range<usize>, text: &str, line_end: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + text.len() / 8 + line_end.len() + 2);
    out.extend_from_slice(&content[..value.start]);
    write_json_str(&mut out, text);
    out.extend_from_slice(&content[value.end..]);
    out.extend_from_slice(line_end);
    out
}

/// Writes `s` as a JSON string, escaped as serde_json escapes it (`\"`, `\\`, `\b`, `\f`,
/// `\n`, `\r`, `\t`, other control characters as `\u00xx`, nothing else), reading 32 bytes
/// at a time, then eight: most of a text needs no escape, and its runs are copied whole.
fn write_json_str(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    out.push(b'"');
    // The run not yet written starts at `start`; `i` is where the search goes on.
    let (mut start, mut i) = (0, 0);
    let load = |c: &[u8]| u64::from_le_bytes(c.try_into().unwrap_or_default());
    while i < b.len() {
        // Thirty-two bytes at a time while none needs an escape (escapes are rare in text).
        while let Some(block) = b.get(i..i + 32) {
            let lanes = escape_lanes(load(&block[..8]))
                | escape_lanes(load(&block[8..16]))
                | escape_lanes(load(&block[16..24]))
                | escape_lanes(load(&block[24..]));
            if lanes != 0 {
                break;
            }
            i += 32;
        }
        match b.get(i..i + 8) {
            None if i == b.len() => break,
            Some(chunk) => {
                let lanes = escape_lanes(load(chunk));
                if lanes == 0 {
                    i += 8;
                    continue;
                }
                // The lowest lane found is one to escape (those above it may not be).
                i += (lanes.trailing_zeros() / 8) as usize;
            }
            None if !needs_escape(b[i]) => {
                i += 1;
                continue;
            }
            None => {}
        }
        out.extend_from_slice(&b[start..i]);
        push_escape(out, b[i]);
        i += 1;
        start = i;
    }
    out.extend_from_slice(&b[start..]);
    out.push(b'"');
}

/// Whether serde_json escapes the byte in a string.
fn needs_escape(b: u8) -> bool {
    b < 0x20 || b == b'"' || b == b'\\'
}

/// 0x80 in the lowest byte of `w` that [`needs_escape`], and in none below it (a byte above it
/// may have 0x80 without needing an escape: a borrow carries into it).
#[inline]
fn escape_lanes(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    // 0x80 in the bytes below `n` (bytes below 0x80), from the lowest of them on.
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x;
    let quote = w ^ (ONES * u64::from(b'"'));
    let backslash = w ^ (ONES * u64::from(b'\\'));
    (below(w, 0x20) | below(quote, 1) | below(backslash, 1)) & (ONES << 7)
}

/// Writes the escape of a byte that [`needs_escape`].
fn push_escape(out: &mut Vec<u8>, b: u8) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    match b {
        b'"' => out.extend_from_slice(b"\\\""),
        b'\\' => out.extend_from_slice(b"\\\\"),
        0x08 => out.extend_from_slice(b"\\b"),
        0x0c => out.extend_from_slice(b"\\f"),
        b'\n' => out.extend_from_slice(b"\\n"),
        b'\r' => out.extend_from_slice(b"\\r"),
        b'\t' => out.extend_from_slice(b"\\t"),
        _ => out.extend_from_slice(&[
            b'\\',
            b'u',
            b'0',
            b'0',
            HEX[usize::from(b >> 4)],
            HEX[usize::from(b & 0xf)],
        ]),
    }
}

struct Found<'de> {
    text: Option<&'de RawValue>,
    id: Option<&'de RawValue>,
    keys: Vec<Option<&'de RawValue>>,
    layouts: Vec<Option<&'de RawValue>>,
    text_keys: usize,
}

struct FieldsSeed<'n> {
    names: FieldNames<'n>,
}

impl<'de> DeserializeSeed<'de> for FieldsSeed<'_> {
    type Value = Found<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Found<'de>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FieldsSeed<'_> {
    type Value = Found<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Found<'de>, A::Error> {
        let names = self.names;
        let mut found = Found {
            text: None,
            id: None,
            keys: vec![None; names.group_by.len()],
            layouts: vec![None; names.layout.len()],
            text_keys: 0,
        };
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            let key = key.as_ref();
            let wanted = key == names.text
                || key == names.id
                || names.group_by.iter().any(|g| g == key)
                || names.layout.iter().any(|l| l == key);
            if !wanted {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
            let value: &'de RawValue = map.next_value()?;
            if key == names.text {
                found.text = Some(value);
                found.text_keys += 1;
            }
            if key == names.id {
                found.id = Some(value);
            }
            for (slot, g) in found.keys.iter_mut().zip(names.group_by) {
                if g == key {
                    *slot = Some(value);
                }
            }
            for (slot, l) in found.layouts.iter_mut().zip(names.layout) {
                if l == key {
                    *slot = Some(value);
                }
            }
        }
        Ok(found)
    }
}

/// An object key, borrowed from the line when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: FieldNames<'static> = FieldNames {
        text: "text",
        id: "id",
        group_by: &[],
        layout: &[],
    };

    #[test]
    fn finds_the_value_range_and_splices() {
        let line = br#"{"id": 7, "text" : "a\u4e2db", "meta": {"text": 1}}"#;
        let rec = parse(line, 0, NAMES).unwrap();
        assert_eq!(rec.text, "a中b");
        assert_eq!(&line[rec.value.clone()], br#""a\u4e2db""#);
        assert_eq!(rec.id.map(RawValue::get), Some("7"));
        let out = splice(line, &rec.value, "x\"y", b"\r\n");
        assert_eq!(
            out,
            br#"{"id": 7, "text" : "x\"y", "meta": {"text": 1}}"#
                .iter()
                .chain(b"\r\n")
                .copied()
                .collect::<Vec<u8>>()
        );
    }

    #[test]
    fn reports_why_a_line_is_skipped() {
        let cases: &[(&[u8], &str)] = &[
            (b"{\"text\": 1}", "is not a string"),
            (b"{\"id\": 1}", "no field"),
            (b"[1, 2]", "malformed"),
            (b"{\"text\": \"a\"", "malformed"),
            (b"{\"text\": \"\\ud800\"}", "undecodable"),
            (b"{\"text\": \"\xff\"}", "invalid UTF-8"),
        ];
        for (line, want) in cases {
            let (err, _) = parse(line, 0, NAMES).unwrap_err();
            assert!(err.to_string().contains(want), "{err} for {line:?}");
        }
    }

    /// Strings of the characters that JSON escapes or that border them.
    fn tricky() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::strategy::Strategy;
        let chars = proptest::sample::select(vec![
            '"', '\\', '/', '\n', '\r', '\t', '\u{0}', '\u{8}', '\u{c}', '\u{1f}', ' ', '\u{7f}',
            'a', 'é', '中', '\u{2028}', '😀',
        ]);
        proptest::collection::vec(chars, 0..40).prop_map(|v| v.into_iter().collect())
    }

    proptest::proptest! {
        #[test]
        fn strings_are_written_and_read_as_serde_json_does(s in tricky(), t in ".{0,40}") {
            for s in [&s, &t] {
                let mut out = Vec::new();
                write_json_str(&mut out, s);
                let want = serde_json::to_string(s).unwrap();
                proptest::prop_assert_eq!(std::str::from_utf8(&out).unwrap(), want.as_str());
                // Read here unless it has a `\u` escape (a control character).
                let control = s.chars().any(|c| c < ' ' && !"\n\r\t\u{8}\u{c}".contains(c));
                let read = if control { None } else { Some(s.clone()) };
                proptest::prop_assert_eq!(unescape(&want), read.clone());
                // Escaped as other writers may: solidus and \u escapes.
                let other = want.replace('/', "\\/");
                proptest::prop_assert_eq!(unescape(&other), read);
                // In a record, with a `\u` escape of a letter (not inside another escape).
                let spelled = if want.contains("\\u") { want.clone() } else { want.replace('a', "\\u0061") };
                let line = format!("{{\"text\": {spelled}}}");
                let rec = parse(line.as_bytes(), 0, NAMES).unwrap();
                proptest::prop_assert_eq!(&rec.text, s);
            }
        }
    }

    #[test]
    fn last_duplicate_key_wins_and_escaped_keys_match() {
        let line = br#"{"text": "first", "te\u0078t": "second"}"#;
        let rec = parse(line, 0, NAMES).unwrap();
        assert_eq!(rec.text, "second");
    }
}
