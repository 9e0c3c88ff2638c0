//! `ocrtidy clean --diff`, `--report FILE` and `--color`: rendering the change ledger.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use clap::{Args, ValueEnum};
use serde::Serialize;

use ocrtidy::{Change, Cleaned};
use ocrtidy_report::summary::{Summary, SummaryRecord};
use ocrtidy_report::{html, terminal, unified, Document};

use super::io::create_file;

/// Report options of `ocrtidy clean`.
#[derive(Debug, Args)]
#[command(next_help_heading = "Reports")]
pub struct ReportArgs {
    /// Write an inline diff of every change instead of the cleaned text (character-level for
    /// Chinese, word-level for Latin; suggestions shown with their top candidate).
    ///
    /// Without colour, a deletion reads `[-old-]`, an insertion `{+new+}`, and a suggestion
    /// (not applied: the text keeps it) `[?text→candidate?]` with its top candidate. With
    /// colour (see --color), deletions are red, insertions green and suggestions yellow and
    /// underlined, without the brackets. Deleted or inserted whitespace is made visible: `·`
    /// for a space, `↵` for a line break, `\f` for a page break, `\t` and `\r`; control
    /// characters of the input are shown escaped (`\x1b`), never sent to the terminal.
    #[arg(long)]
    pub diff: bool,

    /// Write a report of the changes; the format follows the extension: `.diff`/`.patch`
    /// unified diff, `.html` self-contained HTML page, `.json`/`.jsonl` change records followed
    /// by a summary record per file.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,

    /// Colour the --diff output: `auto` colours only a terminal and honours NO_COLOR.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Unified,
    Html,
    Json,
}

fn format_of(path: &Path) -> Result<Format> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("diff" | "patch") => Ok(Format::Unified),
        Some("html" | "htm") => Ok(Format::Html),
        Some("json" | "jsonl") => Ok(Format::Json),
        _ => anyhow::bail!(
            "--report {}: unknown format; use a .diff, .patch, .html, .json or .jsonl file",
            path.display()
        ),
    }
}

struct Doc {
    name: String,
    original: String,
    output: String,
    changes: Vec<Change>,
}

/// Collects the cleaned documents of a run and renders the requested reports.
pub struct Reports {
    diff: Option<terminal::Color>,
    report: Option<(PathBuf, Format)>,
    docs: Vec<Doc>,
}

impl Reports {
    /// Validates the options. `to_stdout` tells whether the cleaned text goes to standard
    /// output (colour is only automatic there).
    pub fn new(args: &ReportArgs, to_stdout: bool) -> Result<Reports> {
        let report = match &args.report {
            Some(p) => Some((p.clone(), format_of(p)?)),
            None => None,
        };
        let color = match args.color {
            ColorWhen::Always => terminal::Color::Always,
            ColorWhen::Never => terminal::Color::Never,
            ColorWhen::Auto => {
                let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
                if to_stdout && !no_color && std::io::stdout().is_terminal() {
                    terminal::Color::Always
                } else {
                    terminal::Color::Never
                }
            }
        };
        Ok(Reports {
            diff: args.diff.then_some(color),
            report,
            docs: Vec::new(),
        })
    }

    /// Records one cleaned document and returns the text to write: the cleaned text, or the
    /// inline diff with `--diff`.
    /// Whether a report or diff was asked for: then [`Reports::add`] reads the change ledger.
    pub fn reads_ledger(&self) -> bool {
        self.diff.is_some() || self.report.is_some()
    }

    pub fn add(&mut self, name: &str, original: &str, cleaned: &Cleaned) -> Option<String> {
        let shown = self.diff.map(|color| {
            terminal::render(
                &Document {
                    name,
                    original,
                    output: &cleaned.text,
                    changes: &cleaned.changes,
                },
                color,
            )
        });
        if self.report.is_some() {
            self.docs.push(Doc {
                name: name.to_string(),
                original: original.to_string(),
                output: cleaned.text.clone(),
                changes: cleaned.changes.clone(),
            });
        }
        shown
    }

    /// Writes the report file, if one was requested.
    pub fn finish(self) -> Result<()> {
        let Some((path, format)) = self.report else {
            return Ok(());
        };
        let docs: Vec<Document<'_>> = self
            .docs
            .iter()
            .map(|d| Document {
                name: &d.name,
                original: &d.original,
                output: &d.output,
                changes: &d.changes,
            })
            .collect();
        let mut w = create_file(&path, "report")?;
        match format {
            Format::Unified => {
                for d in &docs {
                    w.write_all(unified::render(d).as_bytes())?;
                }
            }
            Format::Html => {
                // Each rule explained in the words of its pass's declaration.
                let explain = |pass: &str, rule: &str| {
                    let id = ocrtidy::registry::lookup(pass).ok()?;
                    ocrtidy::registry::explain(id, rule)
                };
                let options = html::Options::default().explain(&explain);
                w.write_all(html::render_with(&docs, &options).as_bytes())?
            }
            Format::Json => {
                #[derive(Serialize)]
                struct ChangeRecord<'a> {
                    file: &'a str,
                    #[serde(flatten)]
                    change: &'a Change,
                }
                for d in &docs {
                    for change in d.changes {
                        serde_json::to_writer(
                            &mut w,
                            &ChangeRecord {
                                file: d.name,
                                change,
                            },
                        )?;
                        w.write_all(b"\n")?;
                    }
                    let summary = Summary::of(d);
                    serde_json::to_writer(
                        &mut w,
                        &SummaryRecord {
                            file: d.name,
                            summary: &summary,
                        },
                    )?;
                    w.write_all(b"\n")?;
                }
            }
        }
        w.flush()
            .with_context(|| format!("cannot write the report {}", path.display()))?;
        w.commit()
    }
}
