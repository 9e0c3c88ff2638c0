//! `ocrtidy clean --write-back FILE`: the options checked and the written-back file saved. The
//! corrections are put into the file by [`ocrtidy::document::EngineDocument::write_back`] (which
//! passes go back: [`ocrtidy::document::written_back`]).

use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Context as _, Result};

use ocrtidy::document::WriteBack;

use super::args::CleanArgs;
use super::io::Source;

/// Where the written-back file goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dest {
    File(PathBuf),
    Stdout,
}

/// Checks `--write-back` against the other options and the inputs, before anything is read.
pub fn check(args: &CleanArgs, sources: &[Source], is_dir: bool) -> Result<Option<Dest>> {
    let Some(path) = args.write_back.as_deref() else {
        return Ok(None);
    };
    if is_dir {
        bail!("--write-back needs one hOCR, ALTO or PAGE file, not a directory");
    }
    if args.stream.jsonl {
        bail!("--write-back works on one hOCR, ALTO or PAGE file, not with --jsonl");
    }
    if sources.len() != 1 {
        bail!(
            "--write-back needs exactly one input file, got {}",
            sources.len()
        );
    }
    let text_to_stdout = args.output.as_deref().is_none_or(|p| p.as_os_str() == "-");
    if path.as_os_str() == "-" {
        if text_to_stdout {
            bail!(
                "--write-back -: the cleaned text already goes to standard output; \
                 give -o FILE for it, or a file for --write-back"
            );
        }
        return Ok(Some(Dest::Stdout));
    }
    // The same file as the input (also through a hard or symbolic link) or as another output
    // is refused by `io::check_outputs` with every other output of the run.
    let _ = sources;
    Ok(Some(Dest::File(path.to_path_buf())))
}

/// Writes the written-back file to `dest` and says on standard error what went into it
/// (unless `quiet`).
pub fn save(dest: &Dest, input: &str, outcome: &WriteBack, quiet: bool) -> Result<()> {
    match dest {
        Dest::File(path) => {
            let mut w = super::io::create_file(path, "written-back")?;
            w.write_all(outcome.text.as_bytes()).with_context(|| {
                format!("cannot write the written-back file {}", path.display())
            })?;
            w.commit()?;
        }
        Dest::Stdout => {
            let mut out = std::io::stdout().lock();
            out.write_all(outcome.text.as_bytes())
                .and_then(|()| out.flush())
                .context("cannot write the written-back file to standard output")?;
        }
    }
    if !quiet {
        for stale in &outcome.stale {
            eprintln!("ocrtidy: warning: {input}: {stale}");
        }
        for unplaced in &outcome.unplaced {
            eprintln!("ocrtidy: warning: {input}: {unplaced}");
        }
        for skipped in &outcome.skipped {
            eprintln!("ocrtidy: warning: {input}: {skipped}");
        }
        let to = match dest {
            Dest::File(path) => path.display().to_string(),
            Dest::Stdout => "standard output".to_string(),
        };
        let not_placed = outcome.unplaced.len() + outcome.skipped.len();
        let not_placed = match not_placed {
            0 => String::new(),
            n => format!(
                "; {n} element correction{} not written back (in the warnings above)",
                plural(n)
            ),
        };
        eprintln!(
            "ocrtidy: {input}: {} correction{} written back into {} element{} ({to}); {} \
             layout change{} left in the text only{not_placed}",
            outcome.written,
            plural(outcome.written),
            outcome.elements,
            plural(outcome.elements),
            outcome.left_out,
            plural(outcome.left_out),
        );
    }
    Ok(())
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
