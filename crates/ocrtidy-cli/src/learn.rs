//! `ocrtidy learn`: aligns OCR text with ground truth and writes the observed confusions.

use std::io::BufRead;
use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::Args;

use ocrtidy_typo::learn::Learner;

use super::io::{create_file, open_output, Source};

#[derive(Debug, Args)]
pub struct LearnArgs {
    /// JSON Lines with one OCR text and its ground truth per record (`-`: standard input).
    #[arg(long, value_name = "FILE.jsonl")]
    pub pairs: PathBuf,

    /// The record field holding the OCR text.
    #[arg(long, value_name = "NAME", default_value = "ocr")]
    pub ocr_field: String,

    /// The record field holding the ground truth.
    #[arg(long, value_name = "NAME", default_value = "gt")]
    pub gt_field: String,

    /// Keep confusions seen at least this often.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub min_count: u32,

    /// Write the table here (default: standard output); load it with `clean --confusions`.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
}

pub fn run(args: LearnArgs) -> Result<i32> {
    let source = Source::from_arg(&args.pairs);
    let bytes = source.read_bytes()?;
    let mut learner = Learner::new();
    for (i, line) in bytes.lines().enumerate() {
        let line = line.with_context(|| format!("{}: line {}", source.name(), i + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let record: serde_json::Value = serde_json::from_str(&line)
            .with_context(|| format!("{}:{}: not a JSON record", source.name(), i + 1))?;
        let field = |name: &str| {
            record
                .get(name)
                .and_then(|v| v.as_str())
                .with_context(|| format!("{}:{}: no string field `{name}`", source.name(), i + 1))
        };
        learner.add_pair(field(&args.ocr_field)?, field(&args.gt_field)?);
    }
    let (aligned, skipped) = learner.counts();
    let n = match &args.output {
        Some(p) if p.as_os_str() != "-" => {
            let mut w = create_file(p, "confusion table")?;
            let n = learner.write_tsv(&mut w, args.min_count)?;
            w.commit()?;
            n
        }
        _ => {
            let mut w = open_output(None)?;
            let n = learner.write_tsv(&mut w, args.min_count)?;
            w.commit()?;
            n
        }
    };
    eprintln!("ocrtidy learn: {aligned} pairs aligned, {skipped} too long skipped, {n} confusions written");
    Ok(0)
}
