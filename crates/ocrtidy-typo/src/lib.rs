//! Typo correction for ocrtidy: the [`Typo`] pass finds characters an OCR engine misread and
//! corrects them (when sure) or proposes ranked candidates (when not).
//!
//! - [`confusion`]: confusion tables (visual and phonetic, generated from Unihan and glyph
//!   bitmaps by `scripts/gen_confusions.py`; learned ones written by `ocrtidy learn`).
//! - [`learn`]: aligns OCR text with ground truth and counts the confusions.
//! - [`chinese`]: candidate generation and noisy-channel scoring with document evidence.
//! - [`latin`]: OCR-typical edits, glued words and near-misses of recurring Latin words.

pub mod chinese;
pub mod confusion;
mod flat;
pub mod kenlm;
pub mod latin;
pub mod learn;
#[doc(hidden)]
pub mod model;
mod prebuilt;
mod typo;

pub use confusion::{Confusion, ConfusionError, ConfusionKind, ConfusionTable};
pub use model::ChannelParams;
pub use ocrtidy_lexicon::Lexicon;
pub use typo::{Typo, DEFAULT_THRESHOLD, SUGGESTION_FLOOR};
