use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Clean up text produced by OCR: repair what is sure, propose what is not, and account for
/// every change.
#[derive(Debug, Parser)]
#[command(name = "ocrtidy", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Clean text files (or stdin) and write the cleaned text.
    Clean(CleanArgs),
}

#[derive(Debug, Args)]
pub struct CleanArgs {
    /// Input files; `-` or no path reads standard input.
    #[arg(value_name = "FILE")]
    pub inputs: Vec<PathBuf>,

    /// Write the cleaned text here instead of standard output.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,

    /// Write every change (applied and suggested) as JSON Lines to this file.
    #[arg(long, value_name = "FILE")]
    pub changes: Option<PathBuf>,

    /// Run only these passes (comma-separated names, see --list-passes).
    #[arg(long, value_name = "PASS,...", value_delimiter = ',')]
    pub passes: Vec<String>,

    /// Leave these passes out (comma-separated names).
    #[arg(long, value_name = "PASS,...", value_delimiter = ',')]
    pub skip: Vec<String>,

    /// List the available passes in pipeline order and exit.
    #[arg(long)]
    pub list_passes: bool,

    /// How paragraphs are separated in the output.
    #[arg(long, value_enum, default_value_t = ParagraphSep::Line)]
    pub paragraph_sep: ParagraphSep,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ParagraphSep {
    /// One paragraph per line.
    Line,
    /// A blank line between paragraphs.
    Blank,
}
