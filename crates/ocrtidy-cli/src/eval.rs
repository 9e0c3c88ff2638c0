//! `ocrtidy eval`: score OCR output against ground truth.
//!
//! - `ocrtidy eval --gt GT --pred PRED` scores one pair of text files.
//! - `ocrtidy eval --corpus FILE.jsonl` runs the pipeline over the `--ocr-field` text of every
//!   record and scores the raw and the cleaned text against `--gt-field`, grouped by `--by`
//!   fields (dotted paths such as `degradation.level` reach into nested objects). With
//!   `--layout-field`, the cleaned text comes from the record's OCR engine output (hOCR,
//!   RapidOCR JSON, inline or a path relative to `--layout-root`) laid out as text, as
//!   `ocrtidy clean --jsonl --layout-field` does; the raw row stays the `--ocr-field` text.
//!
//! The evaluation itself is [`ocrtidy::eval::evaluate_corpus`]; this module reads the options
//! and writes the table, the JSON, the predictions and the HTML page. An error rate against an
//! empty ground truth is undefined (infinite): `n/a` in the table and the page, `null` in JSON.

use std::collections::BTreeMap;
use std::io::{BufReader, Write};
use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::{Args, ValueEnum};
use serde::Serialize;
use serde_json::Value;

use ocrtidy::eval::{
    evaluate_corpus, field_text, score, CleanedFrom, CorpusError, CorpusOptions, Summary, Unit,
};
use ocrtidy::Pipeline;
use ocrtidy_report::html::{render_eval, EvalRecord};

use super::io::{create_file, decode_utf8, Source};

/// What the metrics mean, after `ocrtidy eval --help`.
const EVAL_NOTES: &str = "\
Metrics: CER_raw (Levenshtein distance / ground-truth length, on grapheme clusters after NFC
with --unit grapheme), CER_cont (the same without whitespace), WER (word edit distance /
ground-truth words, on the same normalised text: words are split at whitespace, and every CJK
character (Han, kana, hangul) and full-width CJK punctuation mark is a word of its own, so on
Chinese text WER counts characters and an embedded Latin word as one), LB_P/LB_R/LB_F1
(paragraph breaks), furn (share of page-furniture items left in the text). Counts are summed
over the records of a group before dividing. A leading byte order mark is no text. An error
rate against an empty ground truth is undefined when anything was predicted: n/a in the table,
null in JSON (a group's rate is defined when any of its records has ground truth).";

#[derive(Debug, Args)]
#[command(after_help = EVAL_NOTES)]
pub struct EvalArgs {
    /// Ground-truth text file (with --pred).
    #[arg(long, value_name = "GT", requires = "pred", conflicts_with = "corpus")]
    pub gt: Option<PathBuf>,

    /// Predicted text file to score against --gt.
    #[arg(long, value_name = "PRED", requires = "gt")]
    pub pred: Option<PathBuf>,

    /// A JSON Lines corpus: every record's --ocr-field text is cleaned and both raw and
    /// cleaned text are scored against its --gt-field.
    #[arg(long, value_name = "FILE.jsonl", required_unless_present = "gt")]
    pub corpus: Option<PathBuf>,

    /// The field with the OCR text, cleaned and scored (corpus mode).
    // `--field` is its old name, kept (hidden) for the scripts that use it.
    #[arg(long, value_name = "NAME", default_value = "ocr", alias = "field")]
    pub ocr_field: String,

    /// The field with the ground truth (corpus mode).
    #[arg(long, value_name = "NAME", default_value = "gt")]
    pub gt_field: String,

    /// The field with the page-furniture items, a list of strings (corpus mode).
    #[arg(long, value_name = "NAME", default_value = "gt_furniture")]
    pub furniture_field: String,

    /// Group the results by these record fields (e.g. `engine,lang`): one row per value of
    /// the first field, then per value pair of the first two, and so on.
    #[arg(long, value_name = "FIELD,...", value_delimiter = ',')]
    pub by: Vec<String>,

    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,

    /// Also write an HTML page with the table and, per record, ground truth, raw and cleaned
    /// text side by side.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,

    /// Write the cleaned texts as JSON Lines {id, engine, text} (the prediction format of
    /// score.py).
    #[arg(long, value_name = "FILE")]
    pub write_pred: Option<PathBuf>,

    /// The unit of CER and of the paragraph-break alignment.
    #[arg(long, value_enum, default_value_t = UnitArg::Grapheme)]
    pub unit: UnitArg,

    /// Run only these passes when cleaning (comma-separated names).
    #[arg(long, value_name = "PASS,...", value_delimiter = ',')]
    pub passes: Vec<String>,

    /// Leave these passes out when cleaning.
    #[arg(long, value_name = "PASS,...", value_delimiter = ',')]
    pub skip: Vec<String>,

    /// Clean from these fields' OCR engine output (hOCR, RapidOCR JSON, ...; inline or a file
    /// path) when a record has one, as `clean --jsonl --layout-field` does; the raw row stays
    /// the --ocr-field text. A record whose layout cannot be used is cleaned from --ocr-field.
    #[arg(long, value_name = "NAME,...", value_delimiter = ',')]
    pub layout_field: Vec<String>,

    /// The directory relative layout paths are resolved against (default: the corpus file's
    /// directory).
    #[arg(long, value_name = "DIR")]
    pub layout_root: Option<PathBuf>,

    #[command(flatten)]
    pub typo: super::args::TypoArgs,
}

/// `--unit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum UnitArg {
    /// Extended grapheme clusters after NFC.
    Grapheme,
    /// Unicode code points as given (Python's `len`).
    Codepoint,
}

impl From<UnitArg> for Unit {
    fn from(u: UnitArg) -> Unit {
        match u {
            UnitArg::Grapheme => Unit::Grapheme,
            UnitArg::Codepoint => Unit::CodePoint,
        }
    }
}

pub fn run(args: EvalArgs) -> Result<i32> {
    let unit = Unit::from(args.unit);
    if let (Some(gt), Some(pred)) = (&args.gt, &args.pred) {
        return run_pair(&args, gt, pred, unit);
    }
    let Some(corpus) = &args.corpus else {
        anyhow::bail!("give --gt and --pred, or --corpus");
    };
    run_corpus(&args, corpus, unit)
}

fn read_text(p: &std::path::Path) -> Result<String> {
    let source = Source::from_arg(p);
    let bytes = source.read_bytes()?;
    decode_utf8(&source, bytes)
}

fn run_pair(
    args: &EvalArgs,
    gt: &std::path::Path,
    pred: &std::path::Path,
    unit: Unit,
) -> Result<i32> {
    let (g, p) = (read_text(gt)?, read_text(pred)?);
    let s = score(&p, &g, &[], unit).summary(1);
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &s)?;
        writeln!(out)?;
    } else {
        writeln!(out, "{}", header())?;
        writeln!(out, "{}", row(&pred.display().to_string(), "pred", &s))?;
    }
    Ok(0)
}

fn pipeline(args: &EvalArgs) -> Result<Pipeline> {
    let mut config = ocrtidy::Config::default();
    super::clean::typo_config(&args.typo, &mut config);
    let builder = Pipeline::builder().config(config);
    Ok(super::select_passes(builder, &args.passes, &args.skip)?.build()?)
}

#[derive(Serialize)]
struct GroupJson {
    raw: Summary,
    cleaned: Summary,
}

#[derive(Serialize)]
struct CorpusJson<'a> {
    corpus: String,
    field: &'a str,
    unit: &'a str,
    passes: Vec<&'static str>,
    groups: BTreeMap<String, GroupJson>,
}

#[derive(Serialize)]
struct Pred<'a> {
    id: &'a Value,
    engine: &'a Value,
    text: &'a str,
}

/// A record kept for the HTML page.
struct Kept {
    key: String,
    metrics: String,
    gt: String,
    raw: String,
    cleaned: String,
}

fn run_corpus(args: &EvalArgs, corpus: &std::path::Path, unit: Unit) -> Result<i32> {
    let pipeline = pipeline(args)?;
    let file =
        std::fs::File::open(corpus).with_context(|| format!("cannot read {}", corpus.display()))?;
    let mut pred_out = match &args.write_pred {
        Some(p) => Some(create_file(p, "predictions")?),
        None => None,
    };
    let mut kept: Vec<Kept> = Vec::new();
    let mut options = CorpusOptions::default();
    options.ocr_field = args.ocr_field.clone();
    options.gt_field = args.gt_field.clone();
    options.furniture_field = args.furniture_field.clone();
    options.by = args.by.clone();
    options.unit = unit;
    options.layout_fields = args.layout_field.clone();
    options.layout_root = args
        .layout_root
        .clone()
        .or_else(|| corpus.parent().map(std::path::Path::to_path_buf));
    let report = evaluate_corpus(&pipeline, BufReader::new(file), &options, |r| {
        if let CleanedFrom::Fallback(e) = &r.from {
            eprintln!(
                "ocrtidy: warning: {}:{}: {e}; cleaned from field `{}`",
                corpus.display(),
                r.line,
                args.ocr_field
            );
        }
        if let Some(w) = pred_out.as_mut() {
            let null = Value::Null;
            serde_json::to_writer(
                &mut *w,
                &Pred {
                    id: r.record.get("id").unwrap_or(&null),
                    engine: r.record.get("engine").unwrap_or(&null),
                    text: &r.cleaned.text,
                },
            )?;
            w.write_all(b"\n")?;
        }
        if args.html.is_some() {
            let (sr, sc) = (r.raw_counts.summary(1), r.cleaned_counts.summary(1));
            kept.push(Kept {
                key: format!(
                    "{} {}",
                    field_text(r.record, "id"),
                    field_text(r.record, "engine")
                ),
                metrics: format!(
                    "CER {} → {}, LB_F1 {:.3} → {:.3}, furn {:.2} → {:.2}",
                    error_rate(sr.cer_raw, 4),
                    error_rate(sc.cer_raw, 4),
                    sr.lb_f1,
                    sc.lb_f1,
                    sr.furniture_leak,
                    sc.furniture_leak
                ),
                gt: r.gt.to_string(),
                raw: r.raw.to_string(),
                cleaned: r.cleaned.text,
            });
        }
        Ok(())
    })
    .map_err(|e| match e {
        CorpusError::Read(e) => {
            anyhow::Error::new(e).context(format!("cannot read {}", corpus.display()))
        }
        // Writing the predictions failed (a broken pipe is no error): the IO error itself.
        CorpusError::Callback(e) => anyhow::Error::new(e),
        e => match e.line() {
            Some(n) => anyhow::Error::new(e).context(format!("{}:{n}", corpus.display())),
            None => anyhow::Error::new(e),
        },
    })?;
    if let Some(mut w) = pred_out {
        w.flush().context("cannot write the predictions")?;
        w.commit()?;
    }
    if !options.layout_fields.iter().all(|f| f.trim().is_empty()) {
        eprintln!(
            "ocrtidy: {} record(s) cleaned from their layout, {} from field `{}` because their \
             layout could not be used",
            report.from_layout, report.fallbacks, args.ocr_field
        );
    }
    let ordered = &report.groups;
    let unit_name = match unit {
        Unit::Grapheme => "grapheme",
        Unit::CodePoint => "codepoint",
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        let doc = CorpusJson {
            corpus: corpus.display().to_string(),
            field: &args.ocr_field,
            unit: unit_name,
            passes: pipeline.passes().iter().map(|p| p.name()).collect(),
            groups: ordered
                .iter()
                .map(|(k, g)| {
                    (
                        k.clone(),
                        GroupJson {
                            raw: g.raw.summary(g.records),
                            cleaned: g.cleaned.summary(g.records),
                        },
                    )
                })
                .collect(),
        };
        serde_json::to_writer_pretty(&mut out, &doc)?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "corpus={} field={} unit={unit_name}",
            corpus.display(),
            args.ocr_field
        )?;
        writeln!(out, "{}", header())?;
        for (k, g) in ordered {
            writeln!(out, "{}", row(k, "raw", &g.raw.summary(g.records)))?;
            writeln!(out, "{}", row("", "clean", &g.cleaned.summary(g.records)))?;
        }
    }
    out.flush()?;
    if let Some(path) = &args.html {
        let mut table = vec![[
            "group", "recs", "gt_chars", "text", "CER_raw", "CER_cont", "WER", "LB_P", "LB_R",
            "LB_F1", "furn",
        ]
        .map(String::from)
        .to_vec()];
        for (k, g) in ordered {
            for (label, c) in [("raw", &g.raw), ("clean", &g.cleaned)] {
                let s = c.summary(g.records);
                let mut cells = vec![
                    k.clone(),
                    s.records.to_string(),
                    s.gt_chars.to_string(),
                    label.to_string(),
                ];
                cells.extend(metric_cells(&s));
                table.push(cells);
            }
        }
        let records: Vec<EvalRecord<'_>> = kept
            .iter()
            .map(|k| EvalRecord {
                key: k.key.clone(),
                metrics: k.metrics.clone(),
                gt: &k.gt,
                raw: &k.raw,
                cleaned: &k.cleaned,
            })
            .collect();
        let title = format!("ocrtidy eval — {}", corpus.display());
        let mut w = create_file(path, "HTML")?;
        w.write_all(render_eval(&title, &table, &records).as_bytes())?;
        w.flush().context("cannot write the HTML page")?;
        w.commit()?;
    }
    Ok(0)
}

fn header() -> String {
    format!(
        "{:<32}{:>5}{:>9}  {:<6}{:>9}{:>9}{:>8}{:>7}{:>7}{:>7}{:>7}",
        "group",
        "recs",
        "gt_chars",
        "text",
        "CER_raw",
        "CER_cont",
        "WER",
        "LB_P",
        "LB_R",
        "LB_F1",
        "furn"
    )
}

fn row(group: &str, label: &str, s: &Summary) -> String {
    let (recs, chars) = if group.is_empty() {
        (String::new(), String::new())
    } else {
        (s.records.to_string(), s.gt_chars.to_string())
    };
    let [cer, cont, wer, p, r, f, furn] = metric_cells(s);
    format!(
        "{group:<32}{recs:>5}{chars:>9}  {label:<6}{cer:>9}{cont:>9}{wer:>8}{p:>7}{r:>7}{f:>7}{furn:>7}"
    )
}

/// The metrics of a row, as the table and the HTML page print them.
fn metric_cells(s: &Summary) -> [String; 7] {
    [
        error_rate(s.cer_raw, 4),
        error_rate(s.cer_content, 4),
        error_rate(s.wer, 4),
        format!("{:.3}", s.lb_precision),
        format!("{:.3}", s.lb_recall),
        format!("{:.3}", s.lb_f1),
        format!("{:.3}", s.furniture_leak),
    ]
}

/// An error rate with `digits` decimals, `n/a` when it is undefined (errors against an empty
/// ground truth, [`Summary`]'s infinity).
fn error_rate(rate: f64, digits: usize) -> String {
    if rate.is_finite() {
        format!("{rate:.digits$}")
    } else {
        "n/a".to_string()
    }
}
