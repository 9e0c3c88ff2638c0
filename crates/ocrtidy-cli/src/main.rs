//! The `ocrtidy` command line: argument parsing, inputs and outputs, progress and error
//! reporting over the `ocrtidy` library, which does the work.
//!
//! Conventions follow ripgrep and fd: `-` is stdin, errors are printed with their context and
//! exit with status 2, and a closed pipe on stdout ends the program quietly with status 0.

mod args;
mod clean;
mod dir;
mod eval;
mod explain;
mod io;
mod jsonl;
mod learn;
mod report;
mod writeback;

use std::io::Write;

use clap::Parser;

use args::{Cli, Command};

fn main() {
    std::process::exit(run());
}

/// Runs the program and returns its exit status.
fn run() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    let result = match cli.command {
        Command::Clean(args) => clean::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Learn(args) => learn::run(args),
        Command::Explain(args) => explain::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            if io::is_broken_pipe(&err) {
                return 0;
            }
            let mut stderr = std::io::stderr().lock();
            let _ = write!(stderr, "ocrtidy: error: {err}");
            for cause in err.chain().skip(1) {
                let _ = write!(stderr, ": {cause}");
            }
            let _ = writeln!(stderr);
            2
        }
    }
}

/// Applies `--passes` (run only these) and `--skip` (leave these out) to a pipeline builder.
fn select_passes(
    mut builder: ocrtidy::PipelineBuilder,
    passes: &[String],
    skip: &[String],
) -> anyhow::Result<ocrtidy::PipelineBuilder> {
    use anyhow::Context as _;
    fn parse(names: &[String]) -> anyhow::Result<Vec<ocrtidy::PassId>> {
        names
            .iter()
            .filter(|n| !n.trim().is_empty())
            .map(|n| ocrtidy::registry::lookup(n.trim()).map_err(anyhow::Error::from))
            .collect()
    }
    if !passes.is_empty() {
        builder = builder.only(parse(passes).context("in --passes")?);
    }
    Ok(builder.skip(parse(skip).context("in --skip")?))
}
