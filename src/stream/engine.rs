//! The streaming engine: ordered batches of lines, parsed and cleaned in parallel, written in
//! input order.

use std::io::{self, BufRead, Write};
use std::ops::Range;
use std::path::PathBuf;

use ocrtidy_core::text::CharIndex;
use ocrtidy_core::{Change, Cleaned, Context};
use ocrtidy_formats::{Format, Furniture};
use rayon::prelude::*;
use rayon::ThreadPool;
use serde_json::value::RawValue;

use super::layout::{layout_context, LayoutReader};
use super::record::{self, FieldNames, LineError, Record};
use crate::Pipeline;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// How [`clean_jsonl`] reads records and batches work.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct JsonlOptions {
    /// The field holding the text to clean (`text`).
    pub field: String,
    /// The field holding the document id, carried into reports (`id`).
    pub id_field: String,
    /// Consecutive records with equal values of these fields are the pages of one document.
    /// A record that lacks one of them is a document of its own.
    pub group_by: Vec<String>,
    /// Lines longer than this (in bytes, line end included) are passed through unchanged
    /// without being held in memory; it also caps the size of a group of pages (counted by
    /// their text fields) and of a layout file (a larger one is not read: the record falls
    /// back to its text field).
    pub max_line_bytes: usize,
    /// A batch is read until it holds this many bytes (or, when its lines are long, until it
    /// holds four lines per thread or eight times this many bytes)...
    pub batch_bytes: usize,
    /// ...or this many lines.
    pub batch_lines: usize,
    /// Number of worker threads; `None` uses rayon's global pool.
    pub threads: Option<usize>,
    /// Keep each record's change ledger in its [`LineReport`].
    pub keep_changes: bool,
    /// Fields that may hold the OCR engine's own output with coordinates (hOCR, ALTO, PAGE,
    /// Tesseract TSV, PaddleOCR/RapidOCR JSON), inline or as a file path; the first one a record
    /// has (not `null`, not empty) is used. A record with a usable layout gets its text field
    /// rewritten with the cleaned text of the laid-out layout; see [`super::layout`].
    pub layout_fields: Vec<String>,
    /// The format of the layout fields; `Auto` (the default) detects it per record.
    pub layout_format: Format,
    /// Running headers and footers found from the layout's geometry: dropped (the default) or
    /// kept.
    pub layout_furniture: Furniture,
    /// The directory relative layout paths are resolved against; `None`: the current directory.
    pub layout_root: Option<PathBuf>,
}

impl Default for JsonlOptions {
    fn default() -> Self {
        JsonlOptions {
            field: "text".to_string(),
            id_field: "id".to_string(),
            group_by: Vec::new(),
            max_line_bytes: 64 << 20,
            batch_bytes: 4 << 20,
            batch_lines: 4096,
            threads: None,
            keep_changes: false,
            layout_fields: Vec::new(),
            layout_format: Format::Auto,
            layout_furniture: Furniture::Mark,
            layout_root: None,
        }
    }
}

/// What happened to one line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineStatus {
    /// The record's text was cleaned and changed.
    Changed,
    /// The record's text was already clean; the line is written back byte for byte.
    Unchanged,
    /// An empty or whitespace-only line, passed through.
    Blank,
    /// The line could not be cleaned and was passed through; see [`LineReport::error`].
    Error,
}

/// The report on one input line, delivered in input order after the line was written.
#[derive(Clone, Debug)]
pub struct LineReport {
    /// 1-based line number in the input.
    pub line: u64,
    /// The raw JSON value of the id field, when the record has one.
    pub id: Option<Box<RawValue>>,
    pub status: LineStatus,
    /// Why the line was passed through ([`LineStatus::Error`] only).
    pub error: Option<LineError>,
    /// A problem that did not stop the record from being cleaned: an unusable layout field
    /// ([`LineError::Layout`]), after which the record was cleaned from its text field.
    pub warning: Option<LineError>,
    /// True when the record was cleaned from its layout field rather than its text field.
    pub from_layout: bool,
    /// The record's ledger, when [`JsonlOptions::keep_changes`] is set. Its offsets are in the
    /// text that was cleaned: the record's text field, or the laid-out layout when
    /// [`LineReport::from_layout`].
    pub changes: Vec<Change>,
    /// For each change, its span in the cleaned text in code points.
    pub output_char_spans: Vec<(usize, usize)>,
    /// Bytes of the input line and of the output line, line ends included.
    pub input_bytes: u64,
    pub output_bytes: u64,
}

/// Counters of a [`clean_jsonl`] run.
///
/// `records` counts the records that were cleaned (`changed` of them changed), `errors` the
/// lines passed through unchanged. A record whose layout field could not be used is still
/// cleaned (from its text field): it counts in `records` (and `changed`) and, besides, in
/// `layout_fallbacks`; it is not an error. `from_layout` counts the records cleaned from
/// their layout.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StreamSummary {
    pub lines: u64,
    pub records: u64,
    pub changed: u64,
    pub blank: u64,
    pub errors: u64,
    pub from_layout: u64,
    pub layout_fallbacks: u64,
    pub input_bytes: u64,
    pub output_bytes: u64,
}

impl StreamSummary {
    fn add(&mut self, r: &LineReport) {
        self.lines += 1;
        match r.status {
            LineStatus::Changed => {
                self.records += 1;
                self.changed += 1;
            }
            LineStatus::Unchanged => self.records += 1,
            LineStatus::Blank => self.blank += 1,
            LineStatus::Error => self.errors += 1,
        }
        self.from_layout += u64::from(r.from_layout);
        self.layout_fallbacks += u64::from(matches!(r.warning, Some(LineError::Layout(_))));
        self.input_bytes += r.input_bytes;
        self.output_bytes += r.output_bytes;
    }
}

/// Cleans the text field of every JSON Lines record of `input` into `output`, one output line
/// per input line in input order, and calls `on_line` with the report on each line after it was
/// written. Fails only on IO errors (of `input`, `output` or `on_line`); a bad record is passed
/// through and reported.
pub fn clean_jsonl<R, W, F>(
    pipeline: &Pipeline,
    mut input: R,
    output: &mut W,
    options: &JsonlOptions,
    mut on_line: F,
) -> io::Result<StreamSummary>
where
    R: BufRead,
    W: Write + ?Sized,
    F: FnMut(&LineReport) -> io::Result<()>,
{
    let pool = match options.threads {
        Some(n) => Some(
            rayon::ThreadPoolBuilder::new()
                .num_threads(n)
                .build()
                .map_err(io::Error::other)?,
        ),
        None => None,
    };
    let engine = Engine {
        pipeline,
        options,
        pool: pool.as_ref(),
        names: FieldNames {
            text: &options.field,
            id: &options.id_field,
            group_by: &options.group_by,
            layout: &options.layout_fields,
        },
    };
    let limit = options.max_line_bytes.max(1);
    // With long documents a batch holds at least a few per thread (up to 8 batch sizes), so
    // that the threads stay busy to the end of the batch.
    let threads = pool
        .as_ref()
        .map_or_else(rayon::current_num_threads, |p| p.current_num_threads());
    let min_lines = 4 * threads;
    let mut summary = StreamSummary::default();
    let mut batch: Vec<RawLine> = Vec::new();
    let mut next_line = 1u64;
    let mut eof = false;
    loop {
        let (mut read_bytes, mut read_lines) = (0usize, 0usize);
        let mut oversize = None;
        while !eof
            && read_lines < options.batch_lines.max(1)
            && (read_bytes < options.batch_bytes
                || (read_lines < min_lines && read_bytes < options.batch_bytes * 8))
        {
            let mut buf = Vec::new();
            match read_line_bounded(&mut input, &mut buf, limit)? {
                Read::Eof => eof = true,
                Read::Line => {
                    read_bytes += buf.len();
                    read_lines += 1;
                    batch.push(RawLine {
                        no: next_line,
                        bytes: buf,
                    });
                    next_line += 1;
                }
                Read::TooLong => {
                    oversize = Some(RawLine {
                        no: next_line,
                        bytes: buf,
                    });
                    next_line += 1;
                    break;
                }
            }
        }
        let complete = eof || oversize.is_some();
        let done = engine.process(&batch, complete, output, &mut on_line, &mut summary)?;
        batch.drain(..done);
        if let Some(head) = oversize {
            let report = copy_oversize(head, &mut input, output, limit)?;
            summary.add(&report);
            on_line(&report)?;
        }
        if eof && batch.is_empty() {
            break;
        }
    }
    output.flush()?;
    Ok(summary)
}

/// One input line with its line end.
struct RawLine {
    no: u64,
    bytes: Vec<u8>,
}

impl RawLine {
    fn bom_len(&self) -> usize {
        if self.no == 1 && self.bytes.starts_with(BOM) {
            BOM.len()
        } else {
            0
        }
    }
}

enum Parsed<'a> {
    Blank,
    Bad(LineError, Option<&'a RawValue>),
    Doc(Record<'a>),
}

/// Consecutive lines cleaned together: one line, or the pages of one document.
struct Unit {
    lines: Range<usize>,
}

/// What a record is cleaned from: its laid-out layout and the layout's evidence, or (`None`)
/// its text field, with a warning when its layout field could not be used.
#[derive(Default)]
struct Source {
    layout: Option<(String, Context)>,
    warning: Option<LineError>,
}

/// The result for one line: the new line (`None`: the input line unchanged) and its report.
struct Done {
    out: Option<Vec<u8>>,
    report: LineReport,
}

struct Engine<'e> {
    pipeline: &'e Pipeline,
    options: &'e JsonlOptions,
    pool: Option<&'e ThreadPool>,
    names: FieldNames<'e>,
}

impl Engine<'_> {
    fn par_map<'a, T: Sync, U: Send>(
        &self,
        items: &'a [T],
        f: impl Fn(&'a T) -> U + Sync + Send,
    ) -> Vec<U> {
        let run = || items.par_iter().map(&f).collect();
        match self.pool {
            Some(pool) => pool.install(run),
            None => run(),
        }
    }

    /// Cleans and writes the lines of `batch`. Returns how many lines were done: with grouping,
    /// the last group may continue in the next batch and is held back unless `complete`.
    fn process<W: Write + ?Sized>(
        &self,
        batch: &[RawLine],
        complete: bool,
        output: &mut W,
        on_line: &mut impl FnMut(&LineReport) -> io::Result<()>,
        summary: &mut StreamSummary,
    ) -> io::Result<usize> {
        if batch.is_empty() {
            return Ok(0);
        }
        let parsed = self.par_map(batch, |raw| {
            let (content, _) = record::split_line_end(&raw.bytes);
            if record::is_blank(content.get(raw.bom_len()..).unwrap_or_default()) {
                return Parsed::Blank;
            }
            match record::parse(content, raw.bom_len(), self.names) {
                Ok(rec) => Parsed::Doc(rec),
                Err((e, id)) => Parsed::Bad(e, id),
            }
        });
        let (units, done) = self.units(&parsed, complete);
        let results = self.par_map(&units, |u| self.clean_unit(batch, &parsed, u));
        for done in results.into_iter().flatten() {
            let raw = &batch[(done.report.line - batch[0].no) as usize];
            match &done.out {
                Some(out) => output.write_all(out)?,
                None => output.write_all(&raw.bytes)?,
            }
            summary.add(&done.report);
            on_line(&done.report)?;
        }
        Ok(done)
    }

    /// Splits the parsed lines into units; returns them and the number of lines they cover.
    fn units(&self, parsed: &[Parsed<'_>], complete: bool) -> (Vec<Unit>, usize) {
        let mut units = Vec::new();
        let mut i = 0;
        let mut held_back = parsed.len();
        while i < parsed.len() {
            let start = i;
            let key = if self.options.group_by.is_empty() {
                None
            } else {
                key_of(&parsed[i])
            };
            i += 1;
            let Some(key) = key else {
                units.push(Unit { lines: start..i });
                continue;
            };
            let mut size = text_len(&parsed[start]);
            let mut capped = false;
            while i < parsed.len() && key_of(&parsed[i]).as_ref() == Some(&key) {
                let next = text_len(&parsed[i]);
                if size + next > self.options.max_line_bytes {
                    capped = true;
                    break;
                }
                size += next;
                i += 1;
            }
            if i == parsed.len() && !complete && !capped {
                // The group may go on in the next batch.
                held_back = start;
                break;
            }
            units.push(Unit { lines: start..i });
        }
        (units, held_back)
    }

    fn clean_unit(&self, batch: &[RawLine], parsed: &[Parsed<'_>], unit: &Unit) -> Vec<Done> {
        let range = unit.lines.clone();
        if range.len() == 1 {
            let i = range.start;
            let raw = &batch[i];
            return vec![match &parsed[i] {
                Parsed::Blank => passthrough(raw, LineStatus::Blank, None, None),
                Parsed::Bad(e, id) => passthrough(raw, LineStatus::Error, Some(e.clone()), *id),
                Parsed::Doc(rec) => {
                    let source = self.source(rec);
                    let cleaned = match &source.layout {
                        Some((text, context)) => self.pipeline.clean_with(text, context),
                        // Without --changes or attributes nobody reads the ledger: the text
                        // alone is cleaned (the same rounds on the same texts).
                        None if !self.options.keep_changes => Cleaned {
                            text: self.pipeline.clean_text(&rec.text),
                            ..Cleaned::default()
                        },
                        None => self.pipeline.clean(&rec.text),
                    };
                    self.finish(raw, rec, cleaned, source)
                }
            }];
        }
        let recs: Vec<&Record<'_>> = parsed[range.clone()]
            .iter()
            .filter_map(|p| match p {
                Parsed::Doc(rec) => Some(rec),
                _ => None,
            })
            .collect();
        // The layouts are read here, in the worker, one group at a time.
        let sources: Vec<Source> = recs.iter().map(|r| self.source(r)).collect();
        if !self.options.keep_changes && sources.iter().all(|s| s.layout.is_none()) {
            // Nobody reads the ledger: the pages' texts alone are cleaned, as a record's are.
            let texts: Vec<&str> = recs.iter().map(|r| r.text.as_str()).collect();
            let cleaned = self.pipeline.clean_pages_text(&texts);
            return batch[range]
                .iter()
                .zip(recs)
                .zip(sources)
                .zip(cleaned)
                .map(|(((raw, rec), source), text)| {
                    let cleaned = Cleaned {
                        text,
                        ..Cleaned::default()
                    };
                    self.finish(raw, rec, cleaned, source)
                })
                .collect();
        }
        let empty = Context::default();
        let pages: Vec<(&str, &Context)> = recs
            .iter()
            .zip(&sources)
            .map(|(r, s)| match &s.layout {
                Some((text, context)) => (text.as_str(), context),
                None => (r.text.as_str(), &empty),
            })
            .collect();
        let cleaned = self.pipeline.clean_pages_with(&pages);
        drop(pages);
        batch[range]
            .iter()
            .zip(recs)
            .zip(sources)
            .zip(cleaned)
            .map(|(((raw, rec), source), c)| self.finish(raw, rec, c, source))
            .collect()
    }

    /// What a record is cleaned from: its layout, when it has a usable one, else its text
    /// field (with a warning when a layout field was there but unusable).
    fn source(&self, rec: &Record<'_>) -> Source {
        if self.options.layout_fields.is_empty() {
            return Source::default();
        }
        let reader = LayoutReader {
            format: self.options.layout_format,
            furniture: self.options.layout_furniture,
            root: self.options.layout_root.as_deref(),
            max_bytes: self.options.max_line_bytes,
        };
        let fields = self
            .options
            .layout_fields
            .iter()
            .zip(&rec.layouts)
            .map(|(f, v)| (f.as_str(), v.map(RawValue::get)));
        match reader.read(fields) {
            Ok(Some(converted)) => {
                let context = layout_context(&converted);
                Source {
                    layout: Some((converted.text, context)),
                    warning: None,
                }
            }
            Ok(None) => Source::default(),
            Err(e) => Source {
                layout: None,
                warning: Some(LineError::Layout(e)),
            },
        }
    }

    fn finish(&self, raw: &RawLine, rec: &Record<'_>, cleaned: Cleaned, source: Source) -> Done {
        let changed = cleaned.text != rec.text;
        let out = changed.then(|| {
            let (content, line_end) = record::split_line_end(&raw.bytes);
            record::splice(content, &rec.value, &cleaned.text, line_end)
        });
        let (changes, output_char_spans) = if self.options.keep_changes {
            let chars = CharIndex::new(&cleaned.text);
            let spans = cleaned
                .changes
                .iter()
                .map(|c| {
                    (
                        chars.char_offset(c.out_start.min(cleaned.text.len())),
                        chars.char_offset(c.out_end.min(cleaned.text.len())),
                    )
                })
                .collect();
            (cleaned.changes, spans)
        } else {
            (Vec::new(), Vec::new())
        };
        let output_bytes = out.as_ref().map_or(raw.bytes.len(), Vec::len) as u64;
        Done {
            out,
            report: LineReport {
                line: raw.no,
                id: rec.id.map(ToOwned::to_owned),
                status: if changed {
                    LineStatus::Changed
                } else {
                    LineStatus::Unchanged
                },
                error: None,
                warning: source.warning.or_else(|| {
                    (rec.text_keys > 1).then(|| LineError::DuplicateField {
                        name: self.options.field.clone(),
                        count: rec.text_keys,
                    })
                }),
                from_layout: source.layout.is_some(),
                changes,
                output_char_spans,
                input_bytes: raw.bytes.len() as u64,
                output_bytes,
            },
        }
    }
}

fn key_of<'a>(p: &Parsed<'a>) -> Option<Vec<&'a str>> {
    match p {
        Parsed::Doc(rec) => rec.key.clone(),
        _ => None,
    }
}

fn text_len(p: &Parsed<'_>) -> usize {
    match p {
        Parsed::Doc(rec) => rec.text.len(),
        _ => 0,
    }
}

fn passthrough(
    raw: &RawLine,
    status: LineStatus,
    error: Option<LineError>,
    id: Option<&RawValue>,
) -> Done {
    Done {
        out: None,
        report: LineReport {
            line: raw.no,
            id: id.map(ToOwned::to_owned),
            status,
            error,
            warning: None,
            from_layout: false,
            changes: Vec::new(),
            output_char_spans: Vec::new(),
            input_bytes: raw.bytes.len() as u64,
            output_bytes: raw.bytes.len() as u64,
        },
    }
}

enum Read {
    Eof,
    Line,
    TooLong,
}

/// Reads one line (with its `\n`) into `buf`, stopping early once it holds more than `limit`
/// bytes.
fn read_line_bounded<R: BufRead>(
    input: &mut R,
    buf: &mut Vec<u8>,
    limit: usize,
) -> io::Result<Read> {
    loop {
        let avail = match input.fill_buf() {
            Ok(a) => a,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            return Ok(if buf.is_empty() {
                Read::Eof
            } else {
                Read::Line
            });
        }
        if let Some(i) = memchr::memchr(b'\n', avail) {
            buf.extend_from_slice(&avail[..=i]);
            input.consume(i + 1);
            return Ok(if buf.len() > limit {
                Read::TooLong
            } else {
                Read::Line
            });
        }
        let n = avail.len();
        buf.extend_from_slice(avail);
        input.consume(n);
        if buf.len() > limit {
            return Ok(Read::TooLong);
        }
    }
}

/// Copies an over-long line through: its head (already read) and the rest up to its `\n`.
fn copy_oversize<R: BufRead, W: Write + ?Sized>(
    head: RawLine,
    input: &mut R,
    output: &mut W,
    limit: usize,
) -> io::Result<LineReport> {
    output.write_all(&head.bytes)?;
    let mut total = head.bytes.len() as u64;
    if !head.bytes.ends_with(b"\n") {
        loop {
            let avail = match input.fill_buf() {
                Ok(a) => a,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if avail.is_empty() {
                break;
            }
            let (n, end) = match memchr::memchr(b'\n', avail) {
                Some(i) => (i + 1, true),
                None => (avail.len(), false),
            };
            output.write_all(&avail[..n])?;
            input.consume(n);
            total += n as u64;
            if end {
                break;
            }
        }
    }
    Ok(LineReport {
        line: head.no,
        id: None,
        status: LineStatus::Error,
        error: Some(LineError::TooLarge {
            bytes: total,
            limit,
        }),
        warning: None,
        from_layout: false,
        changes: Vec::new(),
        output_char_spans: Vec::new(),
        input_bytes: total,
        output_bytes: total,
    })
}
