//! Write-back: corrections written into the OCR file they came from, every other byte kept.
//!
//! The layout turns a file into text and a [`Converted::spans`](crate::Converted::spans) map from text ranges to the
//! elements (ids, boxes) they came from. After cleaning, [`element_texts`] maps the edits of
//! the text (the ledger's applied changes, in the converted text's offsets) back to new texts
//! for those elements, and [`write_back`] (or [`write_back_report`], which also lists the
//! texts it left stale) rewrites the elements' text in the original file:
//!
//! - hOCR: the content of the element with that `id` (an `ocrx_word`, or a line without word
//!   elements); markup nested inside a rewritten word is replaced along with its text.
//! - ALTO: the `CONTENT` attribute of the `String` with that `ID`. A `String` followed by a
//!   `HYP` was read with the hyphen appended, so a trailing hyphen of its new text is dropped
//!   (the `HYP` keeps printing it). A word hyphenated across lines (`SUBS_TYPE="HypPart1"`,
//!   then `HypPart2`, the whole word in `SUBS_CONTENT`) stays consistent. The layout writes
//!   such a pair as its whole word, on the first part's span, so a new text for the first
//!   part alone is the corrected whole word when it does not end in the hyphen the part (as
//!   read) ends in and is no nearer the part than the whole word; it is then split back into
//!   the two `CONTENT`s at the edit (unchanged characters stay in their part; an edit across
//!   the break is aligned character by character; an insertion at the break goes to the
//!   first part). Otherwise it is the new text of that part. Either way `SUBS_CONTENT` of each
//!   part becomes the new whole word (the first part without its hyphen, then the second)
//!   when it was the old parts joined. When it was not, which characters of the whole word are
//!   whose is unknown: a corrected part leaves `SUBS_CONTENT`, a corrected whole word goes
//!   into `SUBS_CONTENT` only, and the pair is reported in [`WrittenBack::stale`].
//! - PAGE: the `TextEquiv/Unicode` text of the `Word` (or `TextLine`, `TextRegion`) with that
//!   `id`: the `TextEquiv` the reader read (the lowest `index`). PAGE files repeat the text on
//!   every level, so the levels above follow: a `TextLine`'s text (its lowest-`index`
//!   `TextEquiv`) is rewritten when its `Word`s change, and a `TextRegion`'s when its
//!   `TextLine`s (or nested regions) change, but only when the old text was consistent with
//!   the children: the children's old texts (trimmed, empty ones skipped), in file order,
//!   separated and surrounded by whitespace only (`PAGE reading order`, `第一行\n第二行`, or
//!   Chinese words with nothing between them). Each child's part is then replaced by its new
//!   text and the file's own separators stay. A level whose text was not consistent (another
//!   reading, other spacing of punctuation, text that cannot be decoded) is left as it was
//!   and reported in [`WrittenBack::stale`]: rewriting it would throw away what the file says
//!   there (the region above a reported line repeats the line, so it stays as well). A line
//!   without text of its own cannot carry the change up: a region with text above it is
//!   reported. Down the levels: the reader reads a line's own text whole when its words do
//!   not spell it out (see `page_xml`), so a corrected `TextLine` text goes into its `Word`s
//!   when they are its text in order, separated by whitespace or nothing (`Monatsſchrift`
//!   `.`): the line's character edits are applied to the words' parts of it (an edit across
//!   several words goes into the first, an insertion between two into the one before it).
//!   Likewise a corrected `Word` text goes into its `Glyph`s when they spell it out. Words or
//!   glyphs that do not (listed out of order, another reading) are left and the element is
//!   reported in [`WrittenBack::stale`]. The `TextEquiv` rewritten is the one the reader
//!   reads: the lowest `index`, then the highest `conf`. Other `TextEquiv`s (other
//!   readings), ids, coordinates and `conf` stay.
//!
//! A word whose correction removes it whole (a stray token) keeps its element with an empty
//! text (`CONTENT=""`, an empty `ocrx_word` or `Unicode`) and its box: the element's id may
//! be referenced from outside (IIIF annotations, METS structure links, ground-truth pairs),
//! and its box still records that the engine saw something there. Readers skip empty words.
//! In a PAGE line or region text the emptied word is dropped together with the separator
//! before it (after it, for the first), so the text reads `a b`, not `a  b`.
//!
//! Only those bytes change: coordinates, ids, confidences, attribute order, whitespace and
//! comments stay as the file wrote them. Elements are found by id; an id the file does not
//! have is an error, never a guess. A correction that cannot be placed does not stop the
//! others: one of an element without an id of its own (a line of a PAGE region that has text
//! but no `TextLine`, an ALTO `String` without `ID`) is returned by [`element_texts_placed`]
//! as [`Unplaced`], one of an element without a text to rewrite (a PAGE element without
//! `TextEquiv/Unicode`, an ALTO id that is not a `String`'s) is listed in
//! [`WrittenBack::skipped`]; the rest is written.
//! Writing back the same texts into the written file changes nothing.
//!
//! The code: `elements` maps the edits of the converted text to new texts per element (the
//! same for every format); `markup` holds what the three writers share (events with their byte
//! offsets, attributes, escapes, errors); `hocr`, `alto` and `page` find the elements in their
//! dialect and rewrite them.

mod alto;
mod elements;
mod hocr;
mod markup;
mod page;

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use crate::error::ErrorKind;
use crate::{Format, FormatError};

pub use elements::{element_texts, element_texts_checked, element_texts_placed, Unplaced};

/// A text the write-back left as it was although the texts it repeats changed (see the
/// module doc).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    /// The element's local name (`TextLine`, `TextRegion`, `String`).
    pub element: String,
    pub id: Option<String>,
    /// The line of the file where the element starts (from 1).
    pub line: usize,
    /// Why its text was left.
    pub reason: String,
}

impl fmt::Display for Stale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        at_element(f, self.line, &self.element, self.id.as_deref())?;
        write!(f, ": {}", self.reason)
    }
}

/// `line N: `Element` `id``, where a message is about.
fn at_element(
    f: &mut fmt::Formatter<'_>,
    line: usize,
    element: &str,
    id: Option<&str>,
) -> fmt::Result {
    write!(f, "line {line}: `{element}`")?;
    match id {
        Some(id) => write!(f, " `{id}`"),
        None => Ok(()),
    }
}

/// A correction that was not written back: the element it belongs to has no text to rewrite
/// (a PAGE `Word` without `TextEquiv/Unicode`, an ALTO `TextLine` id given for a line of
/// `String`s), so it stays in the cleaned text only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The element's local name.
    pub element: String,
    pub id: Option<String>,
    /// The line of the file where the element starts (from 1).
    pub line: usize,
    /// The correction's text.
    pub text: String,
    /// Why it was not written.
    pub reason: String,
}

impl fmt::Display for Skipped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        at_element(f, self.line, &self.element, self.id.as_deref())?;
        write!(
            f,
            ": the correction to `{}` was not written back: {}",
            self.text, self.reason
        )
    }
}

/// A written-back file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenBack {
    pub text: String,
    /// Texts left as they were although the texts under (or over) them changed, in file order.
    pub stale: Vec<Stale>,
    /// Corrections of elements that have no text to rewrite, in file order.
    pub skipped: Vec<Skipped>,
}

/// A byte range of the input and its replacement.
type Edit = (Range<usize>, String);

/// Rewrites the text of the elements named in `texts` (id → new text) in `input`, a file of
/// `format` (hOCR, ALTO or PAGE), keeping every other byte (see the module doc).
pub fn write_back(
    input: &str,
    format: Format,
    texts: &HashMap<String, String>,
) -> Result<String, FormatError> {
    write_back_report(input, format, texts).map(|w| w.text)
}

/// [`write_back`], with the texts it left stale (PAGE line and region texts that were not
/// their children's texts joined, words and glyphs that do not spell out their corrected line
/// or word, ALTO hyphenated pairs whose `SUBS_CONTENT` was not their parts joined) and the
/// corrections it skipped (elements without a text to rewrite).
pub fn write_back_report(
    input: &str,
    format: Format,
    texts: &HashMap<String, String>,
) -> Result<WrittenBack, FormatError> {
    write_back_with(input, format, texts, &Options::default())
}

/// How the write-back writes a corrected text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// PAGE: keep the engine's reading. Each corrected text goes into a new `TextEquiv`
    /// (`index="1"`, `comments="ocrtidy"`) before the one read, and the element's other
    /// `TextEquiv`s keep their order from `index="2"` on, as OCR-D keeps the provenance of a
    /// text; by default the `Unicode` read is rewritten in place.
    pub keep_readings: bool,
}

impl Options {
    /// Options with [`Options::keep_readings`] set to `keep`.
    pub fn keep_readings(mut self, keep: bool) -> Options {
        self.keep_readings = keep;
        self
    }
}

/// [`write_back_report`] with `options`.
pub fn write_back_with(
    input: &str,
    format: Format,
    texts: &HashMap<String, String>,
    options: &Options,
) -> Result<WrittenBack, FormatError> {
    let (mut stale, mut skipped) = (Vec::new(), Vec::new());
    let mut edits = match format {
        Format::Hocr => hocr::hocr_edits(input, texts, &mut skipped)?,
        Format::Alto => alto::alto_edits(input, texts, &mut stale, &mut skipped)?,
        Format::Page => page::page_edits(
            input,
            texts,
            &mut stale,
            &mut skipped,
            options.keep_readings,
        )?,
        other => {
            return Err(FormatError::new(
                other,
                ErrorKind::WriteBack(format!("cannot write corrections back into {other}")),
            ))
        }
    };
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
    stale.sort_by_key(|s| s.line);
    skipped.sort_by_key(|s| s.line);
    Ok(WrittenBack {
        text: out,
        stale,
        skipped,
    })
}
