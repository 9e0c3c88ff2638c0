//! Readers for the formats OCR engines write, with their coordinates, and the layout analysis
//! that turns boxes into clean plain text: reading order (columns from box positions), lines
//! from fragments, paragraphs from indentation, gaps and line lengths, running headers and
//! footers from their position, and a map from every range of the text back to the element
//! (id or index, and box) it came from.
//!
//! ```
//! use ocrtidy_formats::{convert, Format, LayoutOptions};
//! let json = r#"[[[[10,10],[90,10],[90,30],[10,30]],["第一行",0.98]]]"#;
//! let out = convert(json, Format::Auto, &LayoutOptions::default()).unwrap();
//! assert_eq!(out.text, "第一行");
//! assert_eq!(out.spans[0].source.line, 0);
//! ```
//!
//! Architecture invariants: readers never panic on any input (they return a [`FormatError`]
//! naming the line and element); the model keeps ids and coordinates as the file wrote them;
//! this crate does no IO and prints nothing.

mod alto;
mod detect;
mod error;
mod hocr;
mod json;
pub mod layout;
mod model;
mod page_xml;
mod tsv;
pub mod writeback;
mod xml;

use std::fmt;
use std::str::FromStr;

pub use detect::detect;
pub use error::{ErrorKind, FormatError};
pub use layout::{
    convert_document, Converted, DroppedLine, Furniture, LayoutOptions, LineBreak, Role, SourceRef,
    Span,
};
pub use model::{BBox, Block, Document, HyphenPart, Line, Page, Word};
pub use writeback::{element_texts, element_texts_checked, element_texts_placed, write_back};

/// An input format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[non_exhaustive]
pub enum Format {
    /// Detect the format from the content.
    Auto,
    /// Plain text (no geometry).
    Text,
    Hocr,
    Alto,
    /// PAGE XML (PRImA).
    Page,
    TesseractTsv,
    /// PaddleOCR 2.x `[[box, [text, score]], ...]` or 3.x `{"res": {"rec_texts", ...}}`.
    PaddleOcrJson,
    /// RapidOCR: `{"lines": [{"box", "text", "score"}]}`, `{"boxes", "txts", "scores"}` or
    /// `[[box, text, score], ...]`.
    RapidOcrJson,
}

impl Format {
    /// Every format, in the order of `--input-format`.
    pub const ALL: [Format; 8] = [
        Format::Auto,
        Format::Text,
        Format::Hocr,
        Format::Alto,
        Format::Page,
        Format::TesseractTsv,
        Format::PaddleOcrJson,
        Format::RapidOcrJson,
    ];

    /// The stable kebab-case name.
    pub fn name(self) -> &'static str {
        match self {
            Format::Auto => "auto",
            Format::Text => "text",
            Format::Hocr => "hocr",
            Format::Alto => "alto",
            Format::Page => "page",
            Format::TesseractTsv => "tesseract-tsv",
            Format::PaddleOcrJson => "paddleocr-json",
            Format::RapidOcrJson => "rapidocr-json",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A format name that is not known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownFormat(pub String);

impl fmt::Display for UnknownFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown input format `{}`", self.0)
    }
}

impl std::error::Error for UnknownFormat {}

impl FromStr for Format {
    type Err = UnknownFormat;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| UnknownFormat(s.to_string()))
    }
}

/// Reads `input` as `format` (detecting it for [`Format::Auto`]). Plain text becomes one page
/// with one block per paragraph and one line per input line, without boxes.
pub fn read(input: &str, format: Format) -> Result<Document, FormatError> {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    let format = match format {
        Format::Auto => detect(input)?,
        f => f,
    };
    match format {
        Format::Auto | Format::Text => Ok(text_document(input)),
        Format::Hocr => hocr::read(input),
        Format::Alto => alto::read(input),
        Format::Page => page_xml::read(input),
        Format::TesseractTsv => tsv::read(input),
        Format::PaddleOcrJson => json::read_paddle(input),
        Format::RapidOcrJson => json::read_rapid(input),
    }
}

/// Reads `input` and lays it out as plain text with its source map. Plain text input is passed
/// through unchanged (one span per line, no boxes).
pub fn convert(
    input: &str,
    format: Format,
    options: &LayoutOptions,
) -> Result<Converted, FormatError> {
    let input = input.strip_prefix('\u{feff}').unwrap_or(input);
    let format = match format {
        Format::Auto => detect(input)?,
        f => f,
    };
    if format == Format::Text {
        return Ok(Converted::passthrough(input));
    }
    let doc = read(input, format)?;
    Ok(convert_document(&doc, options))
}

fn text_document(input: &str) -> Document {
    let lines = input
        .lines()
        .map(|l| Line {
            words: vec![Word::new(l)],
            ..Line::default()
        })
        .collect();
    Document::single_block(lines)
}
