//! `ocrtidy clean --jsonl`: JSON Lines in, JSON Lines out, through the streaming engine of
//! [`ocrtidy::stream`], with side outputs (changes, errors, attributes) and a progress bar.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufReader, IsTerminal, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::{Context as _, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use serde_json::value::RawValue;

use ocrtidy::stream::{
    clean_jsonl, ChangeRecord, ErrorRecord, JsonlOptions, LineReport, LineStatus, StreamSummary,
};
use ocrtidy::{Change, Pipeline};

use super::args::CleanArgs;
use super::io::{create_file, open_output, OutputFile, Source};

/// Per-line warnings printed on standard error before the rest are only counted.
const WARNING_BUDGET: u64 = 20;

/// A side output shared by the workers of one run.
pub(super) type Shared = Mutex<OutputFile>;

/// The side outputs and reporting shared by every input of a run.
pub(super) struct Reporting {
    pub changes: Option<Shared>,
    pub errors: Option<Shared>,
    pub quiet: bool,
    warnings: AtomicU64,
    fallbacks: AtomicU64,
    notes: AtomicU64,
    lines: AtomicU64,
    pub progress: Option<ProgressBar>,
}

impl Reporting {
    pub fn new(args: &CleanArgs) -> Result<Reporting> {
        let open = |p: &Option<std::path::PathBuf>, what: &str| -> Result<Option<Shared>> {
            Ok(match p {
                Some(p) => Some(Mutex::new(create_file(p, what)?)),
                None => None,
            })
        };
        Ok(Reporting {
            changes: open(&args.changes, "changes")?,
            errors: open(&args.stream.errors, "errors")?,
            quiet: args.stream.quiet,
            warnings: AtomicU64::new(0),
            fallbacks: AtomicU64::new(0),
            notes: AtomicU64::new(0),
            lines: AtomicU64::new(0),
            progress: None,
        })
    }

    /// Shows a progress bar on standard error when it is a terminal and --quiet is not given.
    pub fn start_progress(&mut self, total_bytes: Option<u64>, template: &str) {
        if self.quiet || !io::stderr().is_terminal() {
            return;
        }
        let bar = match total_bytes {
            Some(n) => ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::stderr()),
            None => ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
        };
        let template = if total_bytes.is_some() {
            template
        } else {
            "{spinner} {bytes} {bytes_per_sec} {elapsed} {msg}"
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(200));
        self.progress = Some(bar);
    }

    /// Reports a line that was passed through unchanged.
    pub fn error(
        &self,
        file: &str,
        line: u64,
        id: Option<&RawValue>,
        reason: &str,
    ) -> io::Result<()> {
        self.report(Kind::PassedThrough, file, line, id, reason)
    }

    /// Reports a record cleaned from its text field because its layout could not be used.
    pub fn fallback(
        &self,
        file: &str,
        line: u64,
        id: Option<&RawValue>,
        reason: &str,
    ) -> io::Result<()> {
        self.report(Kind::Fallback, file, line, id, reason)
    }

    /// Reports a record that was cleaned but deserves a word (duplicate text fields).
    pub fn warning(
        &self,
        file: &str,
        line: u64,
        id: Option<&RawValue>,
        reason: &str,
    ) -> io::Result<()> {
        self.report(Kind::Warning, file, line, id, reason)
    }

    /// Counts, prints and records one report of `kind`.
    fn report(
        &self,
        kind: Kind,
        file: &str,
        line: u64,
        id: Option<&RawValue>,
        reason: &str,
    ) -> io::Result<()> {
        let what = match kind {
            Kind::PassedThrough => "passed through unchanged: ",
            Kind::Fallback => {
                self.fallbacks.fetch_add(1, Ordering::Relaxed);
                ""
            }
            Kind::Warning => {
                self.notes.fetch_add(1, Ordering::Relaxed);
                ""
            }
        };
        self.warn(|| format!("ocrtidy: warning: {file}:{line}: {what}{reason}"));
        self.write_record(file, line, id, reason, kind)
    }

    /// Counts a warning and prints it (above the progress bar) unless quiet or over the budget.
    fn warn(&self, msg: impl FnOnce() -> String) {
        let n = self.warnings.fetch_add(1, Ordering::Relaxed);
        if !self.quiet && n < WARNING_BUDGET {
            let msg = msg();
            match &self.progress {
                Some(bar) => bar.println(msg),
                None => eprintln!("{msg}"),
            }
        }
    }

    fn write_record(
        &self,
        file: &str,
        line: u64,
        id: Option<&RawValue>,
        reason: &str,
        kind: Kind,
    ) -> io::Result<()> {
        if let Some(w) = &self.errors {
            let rec = ErrorRecord {
                file,
                line,
                id,
                reason,
                fallback: kind == Kind::Fallback,
                warning: kind == Kind::Warning,
            };
            let mut w = w.lock().unwrap_or_else(|e| e.into_inner());
            serde_json::to_writer(&mut *w, &rec)?;
            w.write_all(b"\n")?;
        }
        Ok(())
    }

    pub fn changes(
        &self,
        file: &str,
        line: Option<u64>,
        id: Option<&RawValue>,
        changes: &[Change],
    ) -> io::Result<()> {
        let Some(w) = &self.changes else {
            return Ok(());
        };
        if changes.is_empty() {
            return Ok(());
        }
        let mut w = w.lock().unwrap_or_else(|e| e.into_inner());
        for change in changes {
            serde_json::to_writer(
                &mut *w,
                &ChangeRecord {
                    file,
                    line,
                    id,
                    change,
                },
            )?;
            w.write_all(b"\n")?;
        }
        Ok(())
    }

    /// Flushes the side outputs and prints the final count of lines passed through.
    pub fn finish(self) -> Result<()> {
        if let Some(bar) = &self.progress {
            bar.finish_and_clear();
        }
        for w in [self.changes, self.errors].into_iter().flatten() {
            w.into_inner().unwrap_or_else(|e| e.into_inner()).commit()?;
        }
        let all = self.warnings.into_inner();
        let fallbacks = self.fallbacks.into_inner();
        let notes = self.notes.into_inner();
        let more = if !self.quiet && all > WARNING_BUDGET {
            format!(" ({} warnings not shown)", all - WARNING_BUDGET)
        } else {
            String::new()
        };
        // Warnings about cleaned records are neither passed through nor fallbacks.
        let n = all - notes;
        if n > fallbacks {
            eprintln!(
                "ocrtidy: {} line(s) or file(s) passed through unchanged{more}",
                n - fallbacks
            );
        }
        if fallbacks > 0 {
            let more = if n > fallbacks { "" } else { more.as_str() };
            eprintln!(
                "ocrtidy: {fallbacks} record(s) cleaned from the text field because their \
                 layout could not be used{more}"
            );
        }
        if notes > 0 {
            let more = if n > 0 { "" } else { more.as_str() };
            eprintln!("ocrtidy: {notes} record(s) cleaned with a warning{more}");
        }
        Ok(())
    }
}

/// What an `--errors` record reports.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    PassedThrough,
    Fallback,
    Warning,
}

/// A dolma-style attributes record, row-aligned with the output.
#[derive(Serialize)]
struct AttributesRecord<'a> {
    id: Option<&'a RawValue>,
    attributes: Attributes,
}

#[derive(Serialize)]
struct Attributes {
    /// Applied changes: `[start, end, confidence]` in code points of the cleaned text.
    #[serde(rename = "ocrtidy__changes")]
    changes: Vec<(usize, usize, f32)>,
    /// Suggestions: `[start, end, confidence]` in code points of the cleaned text.
    #[serde(rename = "ocrtidy__suggestions")]
    suggestions: Vec<(usize, usize, f32)>,
}

/// Writes the attributes record of one line.
fn write_attributes(w: &mut dyn Write, r: &LineReport) -> io::Result<()> {
    let mut attrs = Attributes {
        changes: Vec::new(),
        suggestions: Vec::new(),
    };
    for (c, &(s, e)) in r.changes.iter().zip(&r.output_char_spans) {
        let list = if c.applied {
            &mut attrs.changes
        } else {
            &mut attrs.suggestions
        };
        list.push((s, e, c.confidence));
    }
    serde_json::to_writer(
        &mut *w,
        &AttributesRecord {
            id: r.id.as_deref(),
            attributes: attrs,
        },
    )?;
    w.write_all(b"\n")
}

/// The engine options given by the command line.
pub(super) fn options(args: &CleanArgs, threads: Option<usize>) -> JsonlOptions {
    let s = &args.stream;
    let mut o = JsonlOptions::default();
    o.field = s.field.clone();
    o.id_field = s.id_field.clone();
    o.group_by = s
        .group_by
        .iter()
        .filter(|g| !g.is_empty())
        .cloned()
        .collect();
    o.max_line_bytes = s.max_doc_bytes;
    o.threads = threads;
    o.keep_changes = args.changes.is_some() || s.attributes.is_some();
    o.layout_fields = s
        .layout_field
        .iter()
        .map(|f| f.trim())
        .filter(|f| !f.is_empty())
        .map(str::to_string)
        .collect();
    // `--input-format text` (the default) means: detect the layout's format per record.
    o.layout_format = match args.input_format().format() {
        ocrtidy_formats::Format::Text => ocrtidy_formats::Format::Auto,
        f => f,
    };
    if args.keep_furniture {
        o.layout_furniture = ocrtidy_formats::Furniture::Keep;
    }
    o.layout_root = s.layout_root.clone();
    o
}

/// `options` with the base directory of relative layout paths for the input `name` (a path,
/// or `-` for standard input): `--layout-root` when given, else the input's directory, or the
/// current directory for standard input.
fn with_layout_root<'o>(options: &'o JsonlOptions, name: &str) -> Cow<'o, JsonlOptions> {
    if options.layout_fields.is_empty() || options.layout_root.is_some() || name == "-" {
        return Cow::Borrowed(options);
    }
    let mut o = options.clone();
    o.layout_root = Path::new(name).parent().map(Path::to_path_buf);
    Cow::Owned(o)
}

/// Cleans one JSON Lines stream into `out`, reporting through `reporting`.
pub(super) fn clean_stream(
    pipeline: &Pipeline,
    input: impl io::BufRead,
    name: &str,
    out: &mut dyn Write,
    mut attributes: Option<&mut dyn Write>,
    options: &JsonlOptions,
    reporting: &Reporting,
) -> io::Result<StreamSummary> {
    let options = with_layout_root(options, name);
    clean_jsonl(pipeline, input, out, &options, |r| {
        if let Some(bar) = &reporting.progress {
            bar.inc(r.input_bytes);
            if r.line % 1000 == 0 {
                let secs = bar.elapsed().as_secs_f64().max(1e-3);
                let docs = reporting.lines.fetch_add(1000, Ordering::Relaxed) + 1000;
                bar.set_message(format!("{docs} lines, {:.0} lines/s", docs as f64 / secs));
            }
        }
        if r.status == LineStatus::Error {
            let reason = r
                .error
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default();
            reporting.error(name, r.line, r.id.as_deref(), &reason)?;
        }
        match &r.warning {
            Some(w @ ocrtidy::stream::LineError::Layout(_)) => {
                reporting.fallback(name, r.line, r.id.as_deref(), &w.to_string())?;
            }
            Some(w) => reporting.warning(name, r.line, r.id.as_deref(), &w.to_string())?,
            None => {}
        }
        reporting.changes(name, Some(r.line), r.id.as_deref(), &r.changes)?;
        if let Some(w) = attributes.as_deref_mut() {
            write_attributes(w, r)?;
        }
        Ok(())
    })
}

/// `ocrtidy clean --jsonl [FILE|-]...`
pub fn run(args: &CleanArgs, pipeline: &Pipeline, sources: &[Source]) -> Result<i32> {
    let options = options(args, args.stream.threads);
    if options.layout_fields.is_empty() && args.input_format() != super::args::InputFormat::Text {
        anyhow::bail!(
            "--input-format with --jsonl is the format of the layout fields: give --layout-field"
        );
    }
    let mut reporting = Reporting::new(args)?;
    let total: Option<u64> = sources
        .iter()
        .map(|s| match s {
            Source::File(p) => std::fs::metadata(p).ok().map(|m| m.len()),
            Source::Stdin => None,
        })
        .sum();
    reporting.start_progress(
        total,
        "{spinner} {bytes}/{total_bytes} {bytes_per_sec} {wide_bar} eta {eta} {msg}",
    );
    let mut out = open_output(args.output.as_deref())?;
    let mut attributes = match &args.stream.attributes {
        Some(p) => Some(create_file(p, "attributes")?),
        None => None,
    };
    for source in sources {
        let name = source.name();
        let attrs = attributes.as_mut().map(|w| w as &mut dyn Write);
        match source {
            Source::Stdin => {
                let stdin = io::stdin().lock();
                let input = BufReader::with_capacity(1 << 20, stdin);
                clean_stream(
                    pipeline, input, &name, &mut out, attrs, &options, &reporting,
                )
            }
            Source::File(p) => {
                let file = File::open(p).with_context(|| format!("cannot read {}", p.display()))?;
                let input = BufReader::with_capacity(1 << 20, file);
                clean_stream(
                    pipeline, input, &name, &mut out, attrs, &options, &reporting,
                )
            }
        }
        .with_context(|| format!("while cleaning {name}"))?;
    }
    out.commit()?;
    if let Some(w) = attributes {
        w.commit()?;
    }
    reporting.finish()?;
    Ok(0)
}
