//! `ocrtidy clean`.

use std::io::{IsTerminal, Write};

use anyhow::{Context as _, Result};
use serde::Serialize;

use ocrtidy::{available_passes, Change, Config, ParagraphSeparator, PassId, Pipeline};

use super::args::{CleanArgs, ParagraphSep};
use super::io::{create_file, decode_utf8, open_output, Source};

pub fn run(args: CleanArgs) -> Result<i32> {
    if args.list_passes {
        let mut out = std::io::stdout().lock();
        for &id in available_passes() {
            writeln!(out, "{:<16} {}", id.name(), ocrtidy::registry::describe(id))?;
        }
        return Ok(0);
    }
    let pipeline = build_pipeline(&args)?;

    let mut sources: Vec<Source> = args.inputs.iter().map(|p| Source::from_arg(p)).collect();
    if sources.is_empty() {
        if std::io::stdin().is_terminal() {
            anyhow::bail!("no input: give a FILE, or `-` to read standard input");
        }
        sources.push(Source::Stdin);
    }

    let mut out = open_output(args.output.as_deref())?;
    let mut changes_out = match &args.changes {
        Some(p) => Some(create_file(p, "changes")?),
        None => None,
    };
    for (i, source) in sources.iter().enumerate() {
        let bytes = source.read_bytes()?;
        let text = decode_utf8(source, bytes)?;
        let cleaned = pipeline.clean(&text);
        if i > 0 && !cleaned.text.is_empty() {
            out.write_all(b"\n")?;
        }
        out.write_all(cleaned.text.as_bytes())
            .context("cannot write the cleaned text")?;
        if let Some(w) = changes_out.as_mut() {
            write_changes(w, &source.name(), &cleaned.changes)
                .context("cannot write the changes file")?;
        }
    }
    if !sources.is_empty() {
        out.write_all(b"\n")?;
    }
    out.flush().context("cannot write the cleaned text")?;
    if let Some(mut w) = changes_out {
        w.flush().context("cannot write the changes file")?;
    }
    Ok(0)
}

fn parse_passes(names: &[String]) -> Result<Vec<PassId>> {
    names
        .iter()
        .filter(|n| !n.trim().is_empty())
        .map(|n| PassId::from_name(n.trim()).map_err(anyhow::Error::from))
        .collect()
}

fn build_pipeline(args: &CleanArgs) -> Result<Pipeline> {
    let mut config = Config::default();
    config.paragraph_separator = match args.paragraph_sep {
        ParagraphSep::Line => ParagraphSeparator::Line,
        ParagraphSep::Blank => ParagraphSeparator::Blank,
    };
    let mut builder = Pipeline::builder().config(config);
    if !args.passes.is_empty() {
        builder = builder.only(parse_passes(&args.passes).context("in --passes")?);
    }
    builder = builder.skip(parse_passes(&args.skip).context("in --skip")?);
    Ok(builder.build()?)
}

/// One change record of the `--changes` JSON Lines output.
#[derive(Serialize)]
struct ChangeRecord<'a> {
    file: &'a str,
    #[serde(flatten)]
    change: &'a Change,
}

fn write_changes(w: &mut impl Write, file: &str, changes: &[Change]) -> Result<()> {
    for change in changes {
        serde_json::to_writer(&mut *w, &ChangeRecord { file, change })?;
        w.write_all(b"\n")?;
    }
    Ok(())
}
