//! Layout fields: a record that carries the OCR engine's own output (hOCR, ALTO, PAGE,
//! Tesseract TSV, PaddleOCR or RapidOCR JSON) next to its plain text is cleaned from that
//! output laid out as text ([`ocrtidy_formats::convert`]), with the engine's confidences and the
//! geometry's line-break hints in the [`Context`](crate::Context).
//!
//! A layout field's value is one of:
//! - a string holding the engine output inline: after leading whitespace it starts with `<`,
//!   `{` or `[`;
//! - a JSON object or array holding it inline (RapidOCR / PaddleOCR JSON);
//! - any other string: a file path, relative paths resolved against a base directory (the
//!   layout root). The path must resolve inside the root after every symbolic link is
//!   followed (an absolute path, `../` or a link that leads out of it is refused), and it must
//!   name a regular file (a directory, a FIFO, a socket or a device is refused without being
//!   opened, so a FIFO never blocks the run). An untrusted dataset cannot read other files.
//!
//! `null`, a missing field and an empty (or whitespace-only) string mean "no layout": the next
//! layout field is tried. Numbers and booleans, unreadable files and malformed engine output are
//! [`LayoutError`]s: the caller cleans the record from its text field and reports the error.

use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

use ocrtidy_formats::{Converted, Format, FormatError, Furniture};

use crate::document::EngineDocument;
/// Moved to [`crate::document`], re-exported here where the JSON Lines engine uses them.
pub use crate::document::{layout_context, layout_options};

/// Why a record's layout field could not be used.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LayoutError {
    /// The layout field.
    pub field: String,
    /// The file the field names (resolved against the base directory), when it is a path.
    pub path: Option<PathBuf>,
    pub kind: LayoutErrorKind,
}

/// What was wrong with a layout field.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LayoutErrorKind {
    /// The value is neither a string, an object nor an array (the JSON type is given).
    WrongType(&'static str),
    /// The value is a string that cannot be decoded (a lone surrogate escape, say).
    InvalidString(String),
    /// The file cannot be read (the IO error's message).
    Unreadable(String),
    /// The path resolves outside the layout root (absolute, `../`, or a symbolic link out).
    OutsideRoot(PathBuf),
    /// The path names something other than a regular file (what it is is given).
    NotRegularFile(&'static str),
    /// The file is larger than the limit ([`LayoutReader::max_bytes`]).
    TooLarge { bytes: u64, limit: usize },
    /// The content is not OCR engine output that a reader recognises.
    NotLayout,
    /// The reader of the (given or detected) format rejected the content.
    Format(Box<FormatError>),
}

impl fmt::Display for LayoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "layout field `{}`", self.field)?;
        if let Some(p) = &self.path {
            write!(f, " ({})", p.display())?;
        }
        match &self.kind {
            LayoutErrorKind::WrongType(t) => {
                write!(f, " is {t}, not a string, object or array")
            }
            LayoutErrorKind::InvalidString(m) => write!(f, ": undecodable string: {m}"),
            LayoutErrorKind::Unreadable(m) => write!(f, ": cannot read: {m}"),
            LayoutErrorKind::OutsideRoot(root) => write!(
                f,
                ": refused: the path resolves outside the layout root {} (give --layout-root)",
                root.display()
            ),
            LayoutErrorKind::NotRegularFile(what) => {
                write!(f, ": refused: {what}, not a regular file")
            }
            // A device or a growing file reports a size that may not be over the limit.
            LayoutErrorKind::TooLarge { bytes, limit } if *bytes > *limit as u64 => {
                write!(
                    f,
                    ": file of {bytes} bytes is over the limit of {limit} bytes"
                )
            }
            LayoutErrorKind::TooLarge { limit, .. } => {
                write!(f, ": more than the limit of {limit} bytes to read")
            }
            LayoutErrorKind::NotLayout => {
                f.write_str(": not OCR engine output (read as plain text)")
            }
            LayoutErrorKind::Format(e) => write!(f, ": {e}"),
        }
    }
}

impl std::error::Error for LayoutError {}

/// What a layout field's raw JSON value holds.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum LayoutValue<'a> {
    /// No layout: `null`, or an empty or whitespace-only string.
    Absent,
    /// The engine output itself (a string's content, or an object or array as written).
    Inline(Cow<'a, str>),
    /// A file path, as written in the record.
    Path(String),
}

/// Tells what the raw JSON value `raw` of a layout field holds.
pub(crate) fn classify(raw: &str) -> Result<LayoutValue<'_>, LayoutErrorKind> {
    let raw = raw.trim();
    match raw.as_bytes().first() {
        Some(b'"') => {
            let s: String = serde_json::from_str(raw)
                .map_err(|e| LayoutErrorKind::InvalidString(e.to_string()))?;
            let body = s.trim_start();
            Ok(if body.is_empty() {
                LayoutValue::Absent
            } else if body.starts_with(['<', '{', '[']) {
                LayoutValue::Inline(Cow::Owned(s))
            } else {
                LayoutValue::Path(s)
            })
        }
        Some(b'{' | b'[') => Ok(LayoutValue::Inline(Cow::Borrowed(raw))),
        Some(b'n') => Ok(LayoutValue::Absent),
        Some(b't' | b'f') => Err(LayoutErrorKind::WrongType("a boolean")),
        _ => Err(LayoutErrorKind::WrongType("a number")),
    }
}

/// How layout fields are read: the format (`Auto` detects it per value; `Text` is taken as
/// `Auto`), the furniture option of the layout analysis, the base directory of relative
/// paths (`None`: the current directory) and the largest file read.
#[derive(Clone, Copy, Debug)]
pub struct LayoutReader<'a> {
    pub format: Format,
    pub furniture: Furniture,
    pub root: Option<&'a Path>,
    pub max_bytes: usize,
}

impl LayoutReader<'_> {
    /// Reads the layout of one record from the raw JSON values of its layout fields (in the
    /// order of preference, `None` for a missing field) and lays it out. `Ok(None)`: the record
    /// has no layout. The first field with a value other than "no layout" decides: it is used,
    /// or it is the error.
    pub fn read<'v>(
        &self,
        fields: impl IntoIterator<Item = (&'v str, Option<&'v str>)>,
    ) -> Result<Option<Converted>, LayoutError> {
        for (field, raw) in fields {
            let Some(raw) = raw else { continue };
            let error = |path: Option<PathBuf>, kind| LayoutError {
                field: field.to_string(),
                path,
                kind,
            };
            let (content, path) = match classify(raw).map_err(|k| error(None, k))? {
                LayoutValue::Absent => continue,
                LayoutValue::Inline(s) => (s, None),
                LayoutValue::Path(p) => {
                    let path = match self.root {
                        Some(root) => root.join(&p),
                        None => PathBuf::from(p),
                    };
                    let bytes = self
                        .read_file(&path)
                        .map_err(|kind| error(Some(path.clone()), kind))?;
                    let decoded = ocrtidy_decode::decode(&bytes, &Default::default());
                    (Cow::Owned(decoded.text), Some(path))
                }
            };
            return self
                .convert(&content)
                .map(Some)
                .map_err(|kind| error(path, kind));
        }
        Ok(None)
    }

    fn read_file(&self, path: &Path) -> Result<Vec<u8>, LayoutErrorKind> {
        use std::io::Read;
        let unreadable = |e: std::io::Error| LayoutErrorKind::Unreadable(e.to_string());
        let root = self.root.unwrap_or(Path::new("."));
        let root = root.canonicalize().map_err(|e| {
            LayoutErrorKind::Unreadable(format!("layout root {}: {e}", root.display()))
        })?;
        // Every symbolic link followed: the file itself must be inside the root.
        let resolved = path.canonicalize().map_err(unreadable)?;
        if !resolved.starts_with(&root) {
            return Err(LayoutErrorKind::OutsideRoot(root));
        }
        let meta = std::fs::metadata(&resolved).map_err(unreadable)?;
        check_regular(&meta)?;
        let file = open_nonblocking(&resolved).map_err(unreadable)?;
        // The file may have been swapped between the check and the open: check what was opened.
        let meta = file.metadata().map_err(unreadable)?;
        check_regular(&meta)?;
        let limit = self.max_bytes as u64;
        if meta.len() > limit {
            return Err(LayoutErrorKind::TooLarge {
                bytes: meta.len(),
                limit: self.max_bytes,
            });
        }
        let mut bytes = Vec::new();
        // One byte over the limit tells a file over it (its length may change while read).
        file.take(limit.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(unreadable)?;
        if bytes.len() as u64 > limit {
            return Err(LayoutErrorKind::TooLarge {
                bytes: bytes.len() as u64,
                limit: self.max_bytes,
            });
        }
        Ok(bytes)
    }

    /// Lays out engine output with the reader's format (detected for `Auto` and `Text`).
    pub fn convert(&self, content: &str) -> Result<Converted, LayoutErrorKind> {
        let format = match self.format {
            Format::Text => Format::Auto,
            f => f,
        };
        match EngineDocument::read(content, format, self.furniture) {
            Ok(Some(document)) => Ok(document.into_converted()),
            Ok(None) => Err(LayoutErrorKind::NotLayout),
            Err(e) => Err(LayoutErrorKind::Format(Box::new(e))),
        }
    }
}

/// Refuses anything but a regular file.
fn check_regular(meta: &std::fs::Metadata) -> Result<(), LayoutErrorKind> {
    let t = meta.file_type();
    if t.is_file() {
        return Ok(());
    }
    let what = if t.is_dir() {
        "a directory"
    } else {
        special_kind(&t)
    };
    Err(LayoutErrorKind::NotRegularFile(what))
}

#[cfg(unix)]
fn special_kind(t: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt as _;
    if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else {
        "a special file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> &'static str {
    "a special file"
}

/// Opens a file for reading without blocking on a FIFO (which a concurrent swap could put in
/// the checked file's place).
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_layout_values() {
        use LayoutValue::{Absent, Inline, Path};
        let cases: &[(&str, Result<LayoutValue<'_>, LayoutErrorKind>)] = &[
            (r#""hocr/p1.hocr""#, Ok(Path("hocr/p1.hocr".into()))),
            (r#""/abs/页1.json""#, Ok(Path("/abs/页1.json".into()))),
            (r#""  <html>…""#, Ok(Inline("  <html>…".into()))),
            (
                r#""\n{\"lines\": []}""#,
                Ok(Inline("\n{\"lines\": []}".into())),
            ),
            (r#""[[1]]""#, Ok(Inline("[[1]]".into()))),
            (r#"{"lines": []}"#, Ok(Inline(r#"{"lines": []}"#.into()))),
            (" [[1, 2]] ", Ok(Inline("[[1, 2]]".into()))),
            ("null", Ok(Absent)),
            (r#""""#, Ok(Absent)),
            (r#"" \t ""#, Ok(Absent)),
            ("42", Err(LayoutErrorKind::WrongType("a number"))),
            ("-1.5e3", Err(LayoutErrorKind::WrongType("a number"))),
            ("true", Err(LayoutErrorKind::WrongType("a boolean"))),
        ];
        for (raw, want) in cases {
            assert_eq!(&classify(raw), want, "{raw}");
        }
        assert!(matches!(
            classify(r#""\ud800""#),
            Err(LayoutErrorKind::InvalidString(_))
        ));
    }

    #[test]
    fn the_first_field_with_a_layout_wins() {
        let reader = LayoutReader {
            format: Format::Auto,
            furniture: Furniture::default(),
            root: None,
            max_bytes: 1 << 20,
        };
        let json = r#"[[[[10,10],[90,10],[90,30],[10,30]],["第一行",0.98]]]"#;
        let got = reader
            .read([
                ("hocr", None),
                ("a", Some("null")),
                ("b", Some(json)),
                ("c", Some("1")),
            ])
            .unwrap()
            .unwrap();
        assert_eq!(got.text, "第一行");
        assert_eq!(reader.read([("a", Some(r#""""#)), ("b", None)]), Ok(None));
        let err = reader
            .read([("c", Some("1")), ("b", Some(json))])
            .unwrap_err();
        assert_eq!(err.field, "c");
        assert_eq!(
            err.to_string(),
            "layout field `c` is a number, not a string, object or array"
        );
        // Brackets that are not engine output are not taken for text.
        let err = reader.read([("b", Some(r#""[1] 第一段""#))]).unwrap_err();
        assert_eq!(err.kind, LayoutErrorKind::NotLayout);
    }
}
