//! Shared streaming-XML helpers over quick-xml: events with positions, attributes by local
//! name, text with entity references resolved, and errors naming line and element.

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::Reader;

use crate::error::{line_of, ErrorKind, FormatError};
use crate::Format;

/// One event of interest, owned.
pub(crate) enum Ev {
    /// An element opens (`empty` for `<x/>`, which gets no `End`).
    Start {
        name: String,
        attrs: Vec<(String, String)>,
        empty: bool,
    },
    End {
        name: String,
    },
    Text(String),
    Eof,
}

pub(crate) struct XmlReader<'a> {
    input: &'a str,
    reader: Reader<&'a [u8]>,
    format: Format,
    /// HTML tolerance (hOCR): void elements, mismatched end tags.
    html: bool,
    /// Open elements, for error messages.
    pub(crate) stack: Vec<String>,
}

const VOID: [&str; 8] = ["area", "base", "br", "hr", "img", "input", "link", "meta"];

impl<'a> XmlReader<'a> {
    pub(crate) fn new(input: &'a str, format: Format) -> Self {
        let mut reader = Reader::from_reader(input.as_bytes());
        let config = reader.config_mut();
        config.check_end_names = true;
        config.trim_text(false);
        XmlReader {
            input,
            reader,
            format,
            html: false,
            stack: Vec::new(),
        }
    }

    /// A reader tolerant of HTML: void elements without `/>` and end tags that close several
    /// open elements (or none).
    pub(crate) fn new_html(input: &'a str, format: Format) -> Self {
        let mut r = XmlReader::new(input, format);
        r.reader.config_mut().check_end_names = false;
        r.html = true;
        r
    }

    fn pos(&self) -> usize {
        usize::try_from(self.reader.buffer_position()).unwrap_or(usize::MAX)
    }

    pub(crate) fn line(&self) -> usize {
        line_of(self.input, self.pos())
    }

    /// An error at the current position, in the innermost open element.
    pub(crate) fn error(&self, kind: ErrorKind) -> FormatError {
        let mut e = FormatError::new(self.format, kind).at_line(Some(self.line()));
        if let Some(el) = self.stack.last() {
            e = e.element(el.clone());
        }
        e
    }

    pub(crate) fn next(&mut self) -> Result<Ev, FormatError> {
        loop {
            let ev = match self.reader.read_event() {
                Ok(ev) => ev,
                Err(e) => {
                    let at = usize::try_from(self.reader.error_position()).unwrap_or(usize::MAX);
                    let mut err = FormatError::new(self.format, ErrorKind::Syntax(e.to_string()))
                        .at_line(Some(line_of(self.input, at)));
                    if let Some(el) = self.stack.last() {
                        err = err.element(el.clone());
                    }
                    return Err(err);
                }
            };
            return Ok(match ev {
                Event::Start(s) => {
                    let (name, attrs) = self.start(&s)?;
                    let void = self.html && VOID.contains(&name.to_ascii_lowercase().as_str());
                    if !void {
                        self.stack.push(name.clone());
                    }
                    Ev::Start {
                        name,
                        attrs,
                        empty: void,
                    }
                }
                Event::Empty(s) => {
                    let (name, attrs) = self.start(&s)?;
                    Ev::Start {
                        name,
                        attrs,
                        empty: true,
                    }
                }
                Event::End(e) => {
                    let name = local(e.name().as_ref());
                    if self.html {
                        match self
                            .stack
                            .iter()
                            .rposition(|n| n.eq_ignore_ascii_case(&name))
                        {
                            Some(i) => self.stack.truncate(i),
                            None => continue,
                        }
                    } else {
                        self.stack.pop();
                    }
                    Ev::End { name }
                }
                Event::Text(t) => match t.decode() {
                    Ok(s) => Ev::Text(s.into_owned()),
                    Err(e) => return Err(self.error(ErrorKind::Syntax(e.to_string()))),
                },
                Event::CData(t) => match t.decode() {
                    Ok(s) => Ev::Text(s.into_owned()),
                    Err(e) => return Err(self.error(ErrorKind::Syntax(e.to_string()))),
                },
                Event::GeneralRef(r) => Ev::Text(self.reference(&r)?),
                Event::Eof => {
                    // HTML may leave elements open; the reader decides what matters.
                    if let Some(open) = self.stack.last().filter(|_| !self.html) {
                        return Err(self.error(ErrorKind::Syntax(format!(
                            "the file ends before `</{open}>`"
                        ))));
                    }
                    Ev::Eof
                }
                _ => continue,
            });
        }
    }

    fn start(&self, s: &BytesStart<'_>) -> Result<(String, Vec<(String, String)>), FormatError> {
        let name = local(s.name().as_ref());
        let mut attrs = Vec::new();
        for a in s.attributes().with_checks(false) {
            let a = a.map_err(|e| {
                self.error(ErrorKind::Syntax(e.to_string()))
                    .element(name.clone())
            })?;
            let key = local(a.key.as_ref());
            let value = match a.normalized_value(quick_xml::XmlVersion::Implicit1_0) {
                Ok(v) => v.into_owned(),
                // HTML entities such as `&nbsp;` in an hOCR title: keep the raw text.
                Err(_) => String::from_utf8_lossy(&a.value).into_owned(),
            };
            attrs.push((key, value));
        }
        Ok((name, attrs))
    }

    fn reference(&self, r: &BytesRef<'_>) -> Result<String, FormatError> {
        if let Ok(Some(c)) = r.resolve_char_ref() {
            return Ok(c.to_string());
        }
        let name = r
            .decode()
            .map_err(|e| self.error(ErrorKind::Syntax(e.to_string())))?;
        Ok(match name.as_ref() {
            "lt" => "<",
            "gt" => ">",
            "amp" => "&",
            "quot" => "\"",
            "apos" => "'",
            "nbsp" | "ensp" | "emsp" | "thinsp" => " ",
            "shy" => "\u{ad}",
            "mdash" => "—",
            "ndash" => "–",
            other => {
                return Err(self.error(ErrorKind::Syntax(format!("unknown entity `&{other};`"))))
            }
        }
        .to_string())
    }
}

/// The local name (without namespace prefix) as a string.
pub(crate) fn local(qname: &[u8]) -> String {
    let s = String::from_utf8_lossy(qname);
    match s.rsplit_once(':') {
        Some((_, l)) => l.to_string(),
        None => s.into_owned(),
    }
}

/// The value of attribute `key` (local name, ASCII case-insensitive).
pub(crate) fn attr<'a>(attrs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.as_str())
}

/// Parses a number attribute; a present but malformed value is an error.
pub(crate) fn num_attr(
    r: &XmlReader<'_>,
    attrs: &[(String, String)],
    key: &str,
    element: &str,
) -> Result<Option<f32>, FormatError> {
    match attr(attrs, key) {
        None => Ok(None),
        Some(v) => match v.trim().parse::<f32>() {
            Ok(n) if n.is_finite() => Ok(Some(n)),
            _ => Err(r
                .error(ErrorKind::Value(format!("`{key}` is not a number: `{v}`")))
                .element(element.to_string())),
        },
    }
}
