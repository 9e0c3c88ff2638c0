//! OCR engine documents: the output of an OCR engine with coordinates (hOCR, ALTO, PAGE,
//! Tesseract TSV, PaddleOCR or RapidOCR JSON) read and laid out as text
//! ([`EngineDocument::read`]), cleaned with the evidence its geometry gives
//! ([`EngineDocument::clean`]: the engine's confidences, line-break hints, running headers and
//! footers), and, for hOCR, ALTO and PAGE, the corrections written back into the file itself
//! ([`EngineDocument::write_back`]).
//!
//! This is what `ocrtidy clean --input-format FORMAT [--write-back FILE]` does for a file; the
//! JSON Lines engine does the same for a record's layout field ([`crate::stream::layout`]).
//! Nothing here prints or touches the file system: errors are typed.
//!
//! ```
//! use ocrtidy::document::{EngineDocument, Format, Furniture};
//!
//! let hocr = "<div class='ocr_page' title='bbox 0 0 600 100'>\
//!   <span class='ocr_line' title='bbox 0 0 600 20'>\
//!     <span class='ocrx_word' id='w1' title='bbox 0 0 100 20; x_wconf 90'>使用</span>\
//!     <span class='ocrx_word' id='w2' title='bbox 100 0 200 20; x_wconf 60'>ａｐｔ命令</span>\
//!   </span></div>";
//! let document = EngineDocument::read(hocr, Format::Auto, Furniture::Mark)?
//!     .expect("hOCR, not plain text");
//! assert_eq!(document.format(), Format::Hocr);
//! assert_eq!(document.text(), "使用ａｐｔ命令");
//! let cleaned = document.clean(&ocrtidy::Pipeline::default());
//! assert_eq!(cleaned.text, "使用apt命令");
//! # Ok::<(), ocrtidy::document::FormatError>(())
//! ```

mod writeback;

pub use ocrtidy_formats::writeback::{Options as WriteBackOptions, Skipped, Stale, Unplaced};
pub use ocrtidy_formats::{Converted, Format, FormatError, Furniture, LayoutOptions, Span};
pub use writeback::{split_change, written_back, WriteBack, WriteBackError};

use crate::{Change, Cleaned, Context, Pipeline};
use ocrtidy_core::{FurnitureHint, LineBreakHint};
use ocrtidy_formats::Role;

/// An OCR engine document laid out as text: the text the passes clean, and the map from its
/// ranges back to the elements (words, lines) of the file, with their boxes and confidences.
#[derive(Debug, Clone)]
pub struct EngineDocument {
    format: Format,
    converted: Converted,
}

impl EngineDocument {
    /// Reads the engine output `content` in `format` ([`Format::Auto`] detects it) and lays it
    /// out as text with [`layout_options`]. `Ok(None)` when the format (given or detected) is
    /// plain text: there is nothing to lay out, clean `content` itself. `furniture` says what
    /// becomes of the running headers and footers found by their position:
    /// [`Furniture::Mark`] (the command line's default) keeps them in the text and marks them
    /// in the [`context`](EngineDocument::context), so the `furniture` pass removes them as
    /// recorded changes; [`Furniture::Keep`] keeps them unmarked.
    ///
    /// ```
    /// use ocrtidy::document::{EngineDocument, Format, Furniture};
    /// let plain = EngineDocument::read("第一段\n第二段\n", Format::Auto, Furniture::Mark)?;
    /// assert!(plain.is_none());
    /// let broken = EngineDocument::read("<alto><Layout>", Format::Alto, Furniture::Mark);
    /// assert!(broken.is_err());
    /// # Ok::<(), ocrtidy::document::FormatError>(())
    /// ```
    pub fn read(
        content: &str,
        format: Format,
        furniture: Furniture,
    ) -> Result<Option<EngineDocument>, FormatError> {
        let format = match format {
            Format::Auto => ocrtidy_formats::detect(content)?,
            f => f,
        };
        if format == Format::Text {
            return Ok(None);
        }
        let options = layout_options(format, furniture);
        let converted = ocrtidy_formats::convert(content, format, &options)?;
        Ok(Some(EngineDocument { format, converted }))
    }

    /// The format the document was read in (never `Auto` or `Text`).
    pub fn format(&self) -> Format {
        self.format
    }

    /// The laid-out text: one printed line per line for the word-level formats, pages
    /// separated by a form feed.
    pub fn text(&self) -> &str {
        &self.converted.text
    }

    /// The laid-out text with its source map, confidences, line breaks and furniture.
    pub fn converted(&self) -> &Converted {
        &self.converted
    }

    /// The laid-out text with its source map, taken out of the document.
    pub fn into_converted(self) -> Converted {
        self.converted
    }

    /// The evidence of the geometry for the pipeline ([`layout_context`]).
    pub fn context(&self) -> Context {
        layout_context(&self.converted)
    }

    /// Cleans the laid-out text with the evidence of the geometry: the same as
    /// `pipeline.clean_with(self.text(), &self.context())`.
    pub fn clean(&self, pipeline: &Pipeline) -> Cleaned {
        pipeline.clean_with(self.text(), &self.context())
    }

    /// The elements of the file (id or index, box, confidence) under the original text of
    /// `change`, a change of a run on [`text`](EngineDocument::text).
    ///
    /// ```
    /// use ocrtidy::document::{EngineDocument, Format, Furniture};
    /// let hocr = "<div class='ocr_page' title='bbox 0 0 600 100'>\
    ///   <span class='ocr_line' title='bbox 0 0 600 20'>\
    ///     <span class='ocrx_word' id='w1' title='bbox 0 0 100 20'>使用ａｐｔ</span>\
    ///   </span></div>";
    /// let document = EngineDocument::read(hocr, Format::Hocr, Furniture::Mark)?.unwrap();
    /// let cleaned = document.clean(&ocrtidy::Pipeline::default());
    /// let ids: Vec<_> = document
    ///     .elements(&cleaned.changes[0])
    ///     .filter_map(|span| span.source.id.as_deref())
    ///     .collect();
    /// assert_eq!(ids, ["w1"]);
    /// # Ok::<(), ocrtidy::document::FormatError>(())
    /// ```
    pub fn elements<'d>(&'d self, change: &Change) -> impl Iterator<Item = &'d Span> + 'd {
        self.converted.sources(change.start..change.end)
    }
}

/// The layout options used for engine output of `format`: word-level formats (hOCR, ALTO,
/// PAGE, Tesseract TSV) keep their printed lines for the text passes, the line-level JSON
/// formats (PaddleOCR, RapidOCR) get their paragraphs from the geometry. This is what
/// `ocrtidy clean --input-format` does for files; on the corpus it beats the alternatives
/// (`scripts/eval_formats.py`).
///
/// Running headers and footers found by their position are never dropped silently here:
/// [`Furniture::Drop`] is laid out as [`Furniture::Mark`], so that the furniture pass removes
/// them as recorded changes (given the [`layout_context`]) and `--skip furniture` keeps them.
/// [`Furniture::Keep`] keeps them without marks.
///
/// ```
/// use ocrtidy::document::{layout_options, Format, Furniture};
/// assert!(layout_options(Format::Hocr, Furniture::Drop).printed_lines);
/// assert!(!layout_options(Format::RapidOcrJson, Furniture::Mark).printed_lines);
/// ```
pub fn layout_options(format: Format, furniture: Furniture) -> LayoutOptions {
    let mut options = LayoutOptions::default();
    options.furniture = match furniture {
        Furniture::Drop => Furniture::Mark,
        f => f,
    };
    options.printed_lines = !matches!(format, Format::PaddleOcrJson | Format::RapidOcrJson);
    options
}

/// The evidence a laid-out document gives the pipeline: the engine's confidences, the
/// geometry's line-break hints and its furniture lines ([`Furniture::Mark`]), in the offsets of
/// `converted.text`.
///
/// ```
/// use ocrtidy::document::{layout_context, layout_options, Format, Furniture};
/// let json = r#"{"lines": [{"box": [[0, 0], [90, 0], [90, 20], [0, 20]], "text": "第一行", "score": 0.5}]}"#;
/// let options = layout_options(Format::RapidOcrJson, Furniture::Mark);
/// let converted = ocrtidy_formats::convert(json, Format::RapidOcrJson, &options).unwrap();
/// let cleaned = ocrtidy::Pipeline::default().clean_with(&converted.text, &layout_context(&converted));
/// assert_eq!(cleaned.text, "第一行");
/// ```
pub fn layout_context(converted: &Converted) -> Context {
    let hint = |b: &ocrtidy_formats::LineBreak| {
        let kind = if b.paragraph {
            LineBreakHint::ParagraphBreak
        } else {
            LineBreakHint::Wrap
        };
        (b.at, kind)
    };
    let furniture = converted.furniture.iter().filter_map(|(r, role)| {
        let hint = match role {
            Role::Header => FurnitureHint::Header,
            Role::Footer => FurnitureHint::Footer,
            Role::Body => return None,
        };
        Some((r.clone(), hint))
    });
    Context::with_confidences(converted.confidences())
        .with_line_breaks(converted.breaks.iter().map(hint))
        .with_furniture(furniture)
}
