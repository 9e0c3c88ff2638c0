//! Noise passes of ocrtidy: what OCR and text extraction add but the page never said.
//!
//! - [`StrayTokens`] removes symbol garbage read from rules, borders and specks, stray
//!   punctuation at line starts and isolated lowercase letters inside Chinese sentences, and
//!   proposes (never applies) a replacement for stray English function words in Chinese text.
//! - [`Duplicates`] removes lines, blocks and sentences that OCR repeated, and proposes the
//!   removal of repeats it is not sure about.
//!
//! One pass per module; the shared helpers are in `chars` (character classes), `lines`
//! (line and token spans), `similar` (normalised keys, shingles and edit similarity) and
//! `converge` (planning deletions until the output triggers nothing more).

mod chars;
mod converge;
mod duplicates;
mod lines;
mod similar;
mod stray_tokens;

pub use duplicates::Duplicates;
pub use stray_tokens::StrayTokens;
