//! Corpus evaluation: every record of a JSON Lines corpus cleaned by a pipeline, and both its
//! raw OCR text and the cleaned text scored against its ground truth with the metrics of the
//! `ocrtidy-eval` crate (CER, whitespace-free CER, WER, paragraph-break P/R/F1, furniture
//! leak), summed per group of records (micro-averaged, as `score.py` does). A record with an
//! empty ground truth adds its insertions to its groups' errors and nothing to their lengths;
//! a group with no ground truth at all and errors has an infinite (undefined) error rate, see
//! [`Summary`].
//!
//! With [`CorpusOptions::layout_fields`], a record is cleaned from the OCR engine output it
//! carries (hOCR, RapidOCR JSON, …; inline or a file path, see [`crate::stream::layout`]) laid
//! out as text, as `ocrtidy clean --jsonl --layout-field` does; the raw row stays the OCR text
//! field. This is `ocrtidy eval --corpus`.
//!
//! ```
//! use ocrtidy::eval::{evaluate_corpus, CorpusOptions};
//!
//! let corpus = concat!(
//!     r#"{"id": 1, "engine": "a", "ocr": "第一段  \n\n第二段", "gt": "第一段\n第二段"}"#, "\n",
//!     r#"{"id": 2, "engine": "b", "ocr": "文字", "gt": "文字"}"#, "\n",
//! );
//! let mut options = CorpusOptions::default();
//! options.by = vec!["engine".to_string()];
//! let mut cleaned = Vec::new();
//! let report = evaluate_corpus(
//!     &ocrtidy::Pipeline::default(),
//!     corpus.as_bytes(),
//!     &options,
//!     |record| {
//!         cleaned.push(record.cleaned.text);
//!         Ok(())
//!     },
//! )?;
//! assert_eq!(cleaned, ["第一段\n第二段", "文字"]);
//! let keys: Vec<&str> = report.groups.iter().map(|(key, _)| key.as_str()).collect();
//! assert_eq!(keys, ["ALL", "engine=a", "engine=b"]);
//! let all = &report.groups[0].1;
//! assert_eq!(all.records, 2);
//! assert!(all.cleaned.summary(all.records).cer_raw < all.raw.summary(all.records).cer_raw);
//! # Ok::<(), ocrtidy::eval::CorpusError>(())
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, BufRead};
use std::path::PathBuf;

use serde_json::Value;

use crate::stream::layout::{LayoutError, LayoutReader};
use crate::{Cleaned, Pipeline};

pub use ocrtidy_eval::{score, Counts, Summary, Unit};

/// What [`evaluate_corpus`] reads from the records and how it groups them.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CorpusOptions {
    /// The field with the OCR text, cleaned and scored (default `ocr`). Fields are dotted
    /// paths: `a.b` reaches into a nested object.
    pub ocr_field: String,
    /// The field with the ground truth (default `gt`).
    pub gt_field: String,
    /// The field with the page-furniture items, a list of strings (default `gt_furniture`);
    /// a record without it has none.
    pub furniture_field: String,
    /// Group the results by these fields: one group per value of the first field, then per
    /// value pair of the first two, and so on, after the group `ALL` of every record.
    pub by: Vec<String>,
    /// The unit of CER and of the paragraph-break alignment.
    pub unit: Unit,
    /// Fields that may hold the OCR engine's output (the first one a record has is used);
    /// empty: every record is cleaned from its OCR text field.
    pub layout_fields: Vec<String>,
    /// The directory relative layout paths are resolved against (`None`: the current
    /// directory).
    pub layout_root: Option<PathBuf>,
}

impl Default for CorpusOptions {
    fn default() -> Self {
        CorpusOptions {
            ocr_field: "ocr".to_string(),
            gt_field: "gt".to_string(),
            furniture_field: "gt_furniture".to_string(),
            by: Vec::new(),
            unit: Unit::Grapheme,
            layout_fields: Vec::new(),
            layout_root: None,
        }
    }
}

/// Where the cleaned text of a record came from.
#[derive(Debug)]
#[non_exhaustive]
pub enum CleanedFrom {
    /// The OCR text field.
    Text,
    /// The record's engine output laid out as text.
    Layout,
    /// The OCR text field, because the record's layout could not be used (why is given).
    Fallback(LayoutError),
}

/// One evaluated record, as [`evaluate_corpus`] hands it to its callback.
#[derive(Debug)]
#[non_exhaustive]
pub struct RecordEval<'a> {
    /// The 1-based line of the corpus.
    pub line: usize,
    /// The record.
    pub record: &'a Value,
    /// The OCR text and the ground truth of the record.
    pub raw: &'a str,
    pub gt: &'a str,
    /// The result of cleaning, and what was cleaned.
    pub cleaned: Cleaned,
    pub from: CleanedFrom,
    /// The scores of the raw and of the cleaned text.
    pub raw_counts: Counts,
    pub cleaned_counts: Counts,
}

/// The summed scores of a group of records.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Group {
    pub records: usize,
    pub raw: Counts,
    pub cleaned: Counts,
}

/// The result of [`evaluate_corpus`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CorpusReport {
    /// The groups: `ALL` first, then the others in name order (`engine=a`,
    /// `engine=a lang=zh`, …).
    pub groups: Vec<(String, Group)>,
    /// Records cleaned from their layout, and records whose layout could not be used.
    pub from_layout: usize,
    pub fallbacks: usize,
}

/// Why a corpus could not be evaluated. Errors that concern one record carry its 1-based
/// line; its display leaves the line out (the caller names the corpus and the line).
#[derive(Debug)]
#[non_exhaustive]
pub enum CorpusError {
    /// The corpus cannot be read.
    Read(io::Error),
    /// A line is not a JSON record.
    NotJson {
        line: usize,
        source: serde_json::Error,
    },
    /// A record has no string at one of the text fields.
    MissingField { line: usize, field: String },
    /// The callback failed.
    Callback(io::Error),
}

impl CorpusError {
    /// The 1-based line of the record the error concerns, if it concerns one.
    pub fn line(&self) -> Option<usize> {
        match self {
            CorpusError::NotJson { line, .. } | CorpusError::MissingField { line, .. } => {
                Some(*line)
            }
            _ => None,
        }
    }
}

impl fmt::Display for CorpusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CorpusError::Read(e) | CorpusError::Callback(e) => fmt::Display::fmt(e, f),
            CorpusError::NotJson { .. } => f.write_str("not a JSON record"),
            CorpusError::MissingField { field, .. } => write!(f, "no string field `{field}`"),
        }
    }
}

impl std::error::Error for CorpusError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            CorpusError::NotJson { source, .. } => Some(source),
            // Displayed as the IO error itself.
            CorpusError::Read(e) | CorpusError::Callback(e) => e.source(),
            CorpusError::MissingField { .. } => None,
        }
    }
}

/// A record field by dotted path (`degradation.level` reaches into a nested object).
///
/// ```
/// let record = serde_json::json!({"id": 7, "meta": {"lang": "zh"}});
/// assert_eq!(ocrtidy::eval::field(&record, "meta.lang"), Some(&serde_json::json!("zh")));
/// assert_eq!(ocrtidy::eval::field(&record, "meta.engine"), None);
/// ```
pub fn field<'v>(record: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(record, |v, k| v.get(k))
}

/// A record field by dotted path as text: a string as it is, another value as JSON, `-` when
/// the record has no such field.
///
/// ```
/// let record = serde_json::json!({"id": 7, "engine": "tesseract"});
/// assert_eq!(ocrtidy::eval::field_text(&record, "engine"), "tesseract");
/// assert_eq!(ocrtidy::eval::field_text(&record, "id"), "7");
/// assert_eq!(ocrtidy::eval::field_text(&record, "lang"), "-");
/// ```
pub fn field_text(record: &Value, path: &str) -> String {
    match field(record, path) {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => "-".to_string(),
    }
}

/// Cleans every record of the JSON Lines `corpus` with `pipeline` and scores its raw and its
/// cleaned text against its ground truth; `on_record` sees each record, in order, as soon as it
/// is scored (to write the predictions, keep texts for a report, warn about a fallback). Blank
/// lines are skipped. A line that is not a JSON record or lacks a text field stops the
/// evaluation with an error naming its line; a layout that cannot be used does not (the record
/// is cleaned from its OCR text field, [`CleanedFrom::Fallback`]).
pub fn evaluate_corpus<R, F>(
    pipeline: &Pipeline,
    corpus: R,
    options: &CorpusOptions,
    mut on_record: F,
) -> Result<CorpusReport, CorpusError>
where
    R: BufRead,
    F: FnMut(RecordEval<'_>) -> io::Result<()>,
{
    let mut groups: BTreeMap<String, Group> = BTreeMap::new();
    let layout_fields: Vec<&str> = options
        .layout_fields
        .iter()
        .map(|f| f.trim())
        .filter(|f| !f.is_empty())
        .collect();
    let reader = LayoutReader {
        format: ocrtidy_formats::Format::Auto,
        furniture: ocrtidy_formats::Furniture::Mark,
        root: options.layout_root.as_deref(),
        max_bytes: usize::MAX,
    };
    let (mut from_layout, mut fallbacks) = (0usize, 0usize);
    for (n, line) in corpus.lines().enumerate() {
        let line = line.map_err(CorpusError::Read)?;
        if line.trim().is_empty() {
            continue;
        }
        let n = n + 1;
        let rec: Value = serde_json::from_str(&line)
            .map_err(|source| CorpusError::NotJson { line: n, source })?;
        let text_of = |name: &str| -> Result<&str, CorpusError> {
            field(&rec, name)
                .and_then(Value::as_str)
                .ok_or_else(|| CorpusError::MissingField {
                    line: n,
                    field: name.to_string(),
                })
        };
        let raw = text_of(&options.ocr_field)?;
        let gt = text_of(&options.gt_field)?;
        let furniture: Vec<String> = field(&rec, &options.furniture_field)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let layout = if layout_fields.is_empty() {
            Ok(None)
        } else {
            let values: Vec<Option<String>> = layout_fields
                .iter()
                .map(|f| field(&rec, f).map(Value::to_string))
                .collect();
            reader.read(
                layout_fields
                    .iter()
                    .copied()
                    .zip(values.iter().map(Option::as_deref)),
            )
        };
        let (cleaned, from) = match layout {
            Ok(Some(converted)) => {
                from_layout += 1;
                let context = crate::document::layout_context(&converted);
                (
                    pipeline.clean_with(&converted.text, &context),
                    CleanedFrom::Layout,
                )
            }
            Ok(None) => (pipeline.clean(raw), CleanedFrom::Text),
            Err(e) => {
                fallbacks += 1;
                (pipeline.clean(raw), CleanedFrom::Fallback(e))
            }
        };
        let raw_counts = score(raw, gt, &furniture, options.unit);
        let cleaned_counts = score(&cleaned.text, gt, &furniture, options.unit);
        let mut keys = vec!["ALL".to_string()];
        let mut name = String::new();
        for f in &options.by {
            if !name.is_empty() {
                name.push(' ');
            }
            name.push_str(&format!("{f}={}", field_text(&rec, f)));
            keys.push(name.clone());
        }
        for k in keys {
            let g = groups.entry(k).or_default();
            g.records += 1;
            g.raw += raw_counts;
            g.cleaned += cleaned_counts;
        }
        on_record(RecordEval {
            line: n,
            record: &rec,
            raw,
            gt,
            cleaned,
            from,
            raw_counts,
            cleaned_counts,
        })
        .map_err(CorpusError::Callback)?;
    }
    // "ALL" first, then the groups in name order.
    let mut groups: Vec<(String, Group)> = groups.into_iter().collect();
    groups.sort_by(|(a, _), (b, _)| (a != "ALL", a).cmp(&(b != "ALL", b)));
    Ok(CorpusReport {
        groups,
        from_layout,
        fallbacks,
    })
}
