//! OCR evaluation metrics for ocrtidy, defined as OCR evaluation tools (dinglehopper,
//! ocrevalUAtion) and the corpus scorer `score.py` define them:
//!
//! - **CER_raw**: Levenshtein distance / ground-truth length, on extended grapheme clusters
//!   after NFC by default ([`Unit::Grapheme`]) or on code points ([`Unit::CodePoint`]).
//! - **CER_content**: the same with all whitespace removed from both texts.
//! - **WER**: word-level Levenshtein distance / ground-truth words, on the same normalised text
//!   as CER (NFC for [`Unit::Grapheme`]). Words are split at whitespace, and every CJK character
//!   (Han, kana, hangul, bopomofo) and full-width CJK punctuation mark is a word of its own
//!   ([`metrics::words`]), so that unsegmented Chinese is not one "word" per line: on CJK text
//!   this WER is a character error rate that counts an embedded Latin word as one unit.
//! - **LB P/R/F1**: paragraph-break precision, recall and F1 (see [`metrics::score`]).
//! - **furniture_leak**: the fraction of page-furniture items (headers, footers, page numbers)
//!   still present in the prediction.
//!
//! All rates are micro-averaged: [`Counts`] are summed over records and divided at the end.
//! A leading byte order mark is not text and is dropped from both texts. An error rate against
//! an empty ground truth is undefined when there are errors (pure insertions): the [`Summary`]
//! says [`f64::INFINITY`] (JSON `null`), not 0; see [`Summary`] for groups.
//! Alignment runs in linear memory for long texts ([`align`]).
//!
//! Agreement with `score.py`: the same definitions, whitespace as Python's `\s`, NFKC and
//! rapidfuzz's `ratio`/`partial_ratio` for furniture, and rapidfuzz's choice among equally good
//! alignments for the paragraph-break matching. [`Unit::CodePoint`] counts exactly as
//! `score.py` does; the default [`Unit::Grapheme`] differs only on text with combining marks,
//! emoji sequences or `\r\n` (none occur in the OCR corpus).
//!
//! ```
//! use ocrtidy_eval::{score, Unit};
//! let c = score("第一段\n第二\n段", "第一段\n第二段", &[], Unit::Grapheme);
//! assert_eq!((c.ed_raw, c.n_raw), (1, 7));
//! assert_eq!((c.lb_tp, c.lb_pred, c.lb_gt), (1, 2, 1));
//! let s = c.summary(1);
//! assert!((s.lb_precision - 0.5).abs() < 1e-12);
//! ```

pub mod align;
pub mod fuzz;
pub mod metrics;

pub use metrics::{furniture_counts, score, words, Counts, Summary, Unit};
