//! Streaming JSON Lines: cleaning the text field of every record of a large input in bounded
//! memory, in parallel, with exactly one output line per input line, in order.
//!
//! ```
//! use ocrtidy::stream::{clean_jsonl, JsonlOptions};
//!
//! let input = "{\"id\":1,\"text\":\"第一段  \\n\\n第二段\",\"n\":1e400}\r\nnot json\n";
//! let mut output = Vec::new();
//! let mut errors = Vec::new();
//! let summary = clean_jsonl(
//!     &ocrtidy::Pipeline::default(),
//!     input.as_bytes(),
//!     &mut output,
//!     &JsonlOptions::default(),
//!     |report| {
//!         if let Some(e) = &report.error {
//!             errors.push((report.line, e.to_string()));
//!         }
//!         Ok(())
//!     },
//! )
//! .unwrap();
//! assert_eq!(
//!     String::from_utf8(output).unwrap(),
//!     "{\"id\":1,\"text\":\"第一段\\n第二段\",\"n\":1e400}\r\nnot json\n"
//! );
//! assert_eq!(summary.lines, 2);
//! assert_eq!(errors.len(), 1);
//! assert_eq!(errors[0].0, 2);
//! ```
//!
//! Guarantees:
//! - Only the value of the text field is rewritten (spliced into the raw line); every other byte
//!   of the line, its line end (`\n` or `\r\n`) and blank lines pass through unchanged. A record
//!   whose text does not change is written back byte for byte.
//! - A line that cannot be cleaned (invalid UTF-8, malformed JSON, a missing or non-string field,
//!   an undecodable string, a line over the size limit) is written back unchanged and reported
//!   through [`LineReport::error`]; the run goes on.
//! - Records are cleaned in parallel (rayon) over ordered batches: memory is bounded by the batch
//!   size and the longest line, not by the input. A line over the limit is copied through in
//!   chunks without being held in memory.
//! - With [`JsonlOptions::group_by`], consecutive records with the same values of those fields
//!   are the pages of one document and are cleaned together ([`crate::Pipeline::clean_pages`]);
//!   each is still written back as its own line.
//! - With [`JsonlOptions::layout_fields`], a record that carries the OCR engine's own output
//!   (hOCR, RapidOCR JSON, ..., inline or as a file path) is cleaned from that output laid out
//!   as text, with the engine's confidences and line-break hints ([`layout`]); the file is read
//!   by the worker that cleans the record. A layout that cannot be used does not stop the run:
//!   the record is cleaned from its text field and the problem is in
//!   [`LineReport::warning`].
//! - The output does not depend on the number of threads or the batch size.

mod engine;
pub mod layout;
pub mod pages;
mod record;
mod records;

/// The types of [`JsonlOptions::layout_format`] and [`JsonlOptions::layout_furniture`].
pub use crate::document::{Format, Furniture};
pub use engine::{clean_jsonl, JsonlOptions, LineReport, LineStatus, StreamSummary};
pub use layout::{LayoutError, LayoutErrorKind};
pub use record::LineError;
pub use records::{ChangeRecord, ErrorRecord};
