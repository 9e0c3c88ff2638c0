//! `ocrtidy clean DIR -o OUTDIR`: cleans every file of a directory tree into a mirrored tree,
//! files in parallel. Text files by default; with `--jsonl`, every file is JSON Lines (and
//! `--attributes` names a directory that mirrors the tree too).
//!
//! A file that cannot be cleaned (not UTF-8, binary, or over `--max-doc-bytes`) is copied
//! unchanged and reported; a file that cannot be read or written is reported and the others go
//! on (exit status 2 at the end). Every output file is written through a temporary file renamed
//! into place, and no output may replace an input file (compared by device and inode).

use std::fs::{self, File};
use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use rayon::prelude::*;

use ocrtidy::Pipeline;

use super::args::CleanArgs;
use super::io::{check_outputs, FileId, InputIds, OutputFile, Source};
use super::jsonl::{self, Reporting};

/// `ocrtidy clean DIR -o OUTDIR`
pub fn run(args: &CleanArgs, pipeline: &Pipeline, dir: &Path) -> Result<i32> {
    let Some(out_dir) = args.output.as_deref() else {
        bail!("directory mode needs an output directory: ocrtidy clean DIR -o OUTDIR");
    };
    if out_dir.exists() && !out_dir.is_dir() {
        bail!("{} is not a directory", out_dir.display());
    }
    fs::create_dir_all(out_dir).with_context(|| format!("cannot create {}", out_dir.display()))?;
    let in_root = dir
        .canonicalize()
        .with_context(|| format!("cannot read {}", dir.display()))?;
    let out_root = out_dir
        .canonicalize()
        .with_context(|| format!("cannot read {}", out_dir.display()))?;
    if in_root == out_root {
        bail!("the output directory must differ from the input directory");
    }
    let attr_dir = args.stream.attributes.as_deref();
    let skip: Vec<PathBuf> = std::iter::once(out_root.clone())
        .chain(attr_dir.and_then(|a| {
            fs::create_dir_all(a).ok()?;
            a.canonicalize().ok()
        }))
        .collect();
    let mut files = Vec::new();
    walk(&in_root, Path::new(""), &skip, &mut files)?;
    let mut inputs = InputIds::default();
    for (rel, _) in &files {
        if let Some(id) = FileId::of(&in_root.join(rel)) {
            inputs.push(id, dir.join(rel).display().to_string());
        }
    }
    let outputs: Vec<(&str, &Path)> = [
        ("--changes", args.changes.as_deref()),
        ("--errors", args.stream.errors.as_deref()),
    ]
    .into_iter()
    .filter_map(|(o, p)| Some((o, p?)))
    .collect();
    check_outputs(&inputs, &outputs)?;

    let mut reporting = Reporting::new(args)?;
    let total: u64 = files.iter().map(|(_, len)| len).sum();
    reporting.start_progress(
        Some(total),
        "{spinner} {bytes}/{total_bytes} {bytes_per_sec} {wide_bar} eta {eta} {msg}",
    );
    let options = jsonl::options(args, None);
    let job = || {
        files
            .par_iter()
            .filter_map(|(rel, len)| {
                let r = clean_file(
                    args, pipeline, &options, &reporting, &inputs, dir, out_dir, rel,
                );
                if let (Some(bar), false) = (&reporting.progress, args.stream.jsonl) {
                    bar.inc(*len);
                }
                r.err().map(|e| (rel.clone(), e))
            })
            .collect::<Vec<_>>()
    };
    let failures = match args.stream.threads {
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .context("cannot start the worker threads")?
            .install(job),
        None => job(),
    };
    reporting.finish()?;
    for (rel, err) in &failures {
        eprintln!("ocrtidy: error: {}: {err:#}", rel.display());
    }
    Ok(if failures.is_empty() { 0 } else { 2 })
}

/// Collects the regular files under `root/rel` (relative paths and sizes), in name order.
/// Symbolic links are not followed; `skip` directories (the output) are left out.
fn walk(root: &Path, rel: &Path, skip: &[PathBuf], files: &mut Vec<(PathBuf, u64)>) -> Result<()> {
    let here = root.join(rel);
    if skip.iter().any(|s| s == &here) {
        return Ok(());
    }
    let mut entries: Vec<_> = fs::read_dir(&here)
        .with_context(|| format!("cannot read {}", here.display()))?
        .collect::<std::io::Result<_>>()
        .with_context(|| format!("cannot read {}", here.display()))?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let kind = entry.file_type()?;
        let rel = rel.join(entry.file_name());
        if kind.is_dir() {
            walk(root, &rel, skip, files)?;
        } else if kind.is_file() {
            let len = entry.metadata().map(|m| m.len()).unwrap_or(0);
            files.push((rel, len));
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn clean_file(
    args: &CleanArgs,
    pipeline: &Pipeline,
    options: &ocrtidy::stream::JsonlOptions,
    reporting: &Reporting,
    inputs: &InputIds,
    dir: &Path,
    out_dir: &Path,
    rel: &Path,
) -> Result<()> {
    let src = dir.join(rel);
    let dst = out_dir.join(rel);
    if let Some(parent) = dst.parent() {
        fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let name = src.display().to_string();
    let create = |p: &Path| -> Result<OutputFile> {
        if let Some(input) = inputs.find(p) {
            bail!(
                "{} is the input file {input}; refusing to overwrite an input",
                p.display()
            );
        }
        OutputFile::create(p, "output")
    };
    let mut out = create(&dst)?;
    if args.stream.jsonl {
        let input = BufReader::with_capacity(
            1 << 20,
            File::open(&src).with_context(|| format!("cannot read {name}"))?,
        );
        let mut attrs = match &args.stream.attributes {
            Some(a) => {
                let p = a.join(rel);
                if let Some(parent) = p.parent() {
                    fs::create_dir_all(parent)?;
                }
                Some(create(&p)?)
            }
            None => None,
        };
        jsonl::clean_stream(
            pipeline,
            input,
            &name,
            &mut out,
            attrs.as_mut().map(|w| w as &mut dyn Write),
            options,
            reporting,
        )?;
        if let Some(w) = attrs {
            w.commit()?;
        }
    } else {
        let limit = args.stream.max_doc_bytes;
        let source = Source::File(src.clone());
        let bytes = match source.read_bytes_limited(limit, "--max-doc-bytes") {
            Ok(b) => b,
            Err(e) if e.is::<super::io::TooLarge>() => {
                std::io::copy(
                    &mut File::open(&src).with_context(|| format!("cannot read {name}"))?,
                    &mut out,
                )
                .with_context(|| format!("cannot write {}", dst.display()))?;
                out.commit()?;
                let reason = format!("{e:#}; copied unchanged");
                reporting.error(&name, 0, None, &reason)?;
                return Ok(());
            }
            Err(e) => return Err(e),
        };
        match super::clean::utf8_text(&bytes) {
            Ok((bom, text)) => {
                let mut cleaned = pipeline.clean(text);
                ocrtidy::end_with_newline(&mut cleaned, text);
                ocrtidy::record_bom(&mut cleaned, bom);
                out.write_all(cleaned.text.as_bytes())?;
                reporting.changes(&name, None, None, &cleaned.changes)?;
            }
            Err(reason) => {
                out.write_all(&bytes)?;
                let reason = format!("{reason}; copied unchanged");
                reporting.error(&name, 0, None, &reason)?;
            }
        }
    }
    out.commit()
        .with_context(|| format!("cannot write {}", dst.display()))?;
    Ok(())
}
