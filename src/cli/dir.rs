//! `ocrtidy clean DIR -o OUTDIR`: cleans every file of a directory tree into a mirrored tree,
//! files in parallel. Text files by default; with `--jsonl`, every file is JSON Lines (and
//! `--attributes` names a directory that mirrors the tree too).
//!
//! A file that cannot be cleaned (not UTF-8) is copied unchanged and reported; a file that
//! cannot be read or written is reported and the others go on (exit status 1).

use std::fs::{self, File};
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use rayon::prelude::*;

use ocrtidy::Pipeline;

use super::args::CleanArgs;
use super::io::Source;
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
                let r = clean_file(args, pipeline, &options, &reporting, dir, out_dir, rel);
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
    Ok(if failures.is_empty() { 0 } else { 1 })
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

fn clean_file(
    args: &CleanArgs,
    pipeline: &Pipeline,
    options: &ocrtidy::stream::JsonlOptions,
    reporting: &Reporting,
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
    let create = |p: &Path| -> Result<BufWriter<File>> {
        Ok(BufWriter::new(File::create(p).with_context(|| {
            format!("cannot create {}", p.display())
        })?))
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
        if let Some(mut w) = attrs {
            w.flush()?;
        }
    } else {
        let bytes = Source::File(src.clone()).read_bytes()?;
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        match std::str::from_utf8(body) {
            Ok(text) => {
                let cleaned = pipeline.clean(text);
                out.write_all(cleaned.text.as_bytes())?;
                if !cleaned.text.ends_with('\n') {
                    out.write_all(b"\n")?;
                }
                reporting.changes(&name, None, None, &cleaned.changes)?;
            }
            Err(e) => {
                out.write_all(&bytes)?;
                let reason = format!(
                    "not UTF-8 (first bad byte at offset {}); copied unchanged",
                    e.valid_up_to()
                );
                reporting.error(&name, 0, None, &reason)?;
            }
        }
    }
    out.flush()
        .with_context(|| format!("cannot write {}", dst.display()))?;
    Ok(())
}
