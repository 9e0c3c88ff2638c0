use std::path::PathBuf;

use clap::builder::{PossibleValue, PossibleValuesParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use ocrtidy::ScriptConversion;

/// Clean up text produced by OCR: repair what is sure, propose what is not, and account for
/// every change.
#[derive(Debug, Parser)]
#[command(name = "ocrtidy", version, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Clean text files, OCR engine files (hOCR, ALTO, PAGE, ...), JSON Lines or a directory
    /// tree, and write the cleaned text.
    #[command(after_help = CLEAN_EXAMPLES)]
    Clean(CleanArgs),
    /// Score OCR output against ground truth (files, or a JSONL corpus cleaned on the fly).
    Eval(super::eval::EvalArgs),
    /// Learn a confusion table from OCR output aligned with ground truth.
    Learn(super::learn::LearnArgs),
    /// Explain a rule or a pass (what it changes, on what evidence, applied or suggested), or
    /// list every pass and rule.
    Explain(super::explain::ExplainArgs),
}

const CLEAN_EXAMPLES: &str = "\
Examples:
  ocrtidy clean page.txt -o clean.txt --changes changes.jsonl
  ocrtidy clean page.txt --diff                  # see every change inline
  ocrtidy clean page.hocr --input-format auto --write-back fixed.hocr
  ocrtidy clean --jsonl --field text pages.jsonl -o clean.jsonl
  ocrtidy clean in_dir -o out_dir                # a directory tree, files in parallel";

#[derive(Debug, Args)]
pub struct CleanArgs {
    /// Input files, or one directory (cleaned into -o OUTDIR); `-` or no path reads standard
    /// input.
    ///
    /// Several files are cleaned one after the other into one output. A directory is cleaned
    /// into a mirrored tree: `ocrtidy clean DIR -o OUTDIR` cleans every file under DIR
    /// (symbolic links are skipped) into the same relative path under OUTDIR, files in
    /// parallel (--threads). Files are text, or JSON Lines with --jsonl (then --attributes
    /// names a directory mirroring the tree too). A file that cannot be cleaned (binary, not
    /// UTF-8, over --max-doc-bytes) is copied unchanged and reported (on standard error and in
    /// --errors); --changes gets the changes of every file. No output file may be an input
    /// file.
    #[arg(value_name = "FILE|DIR")]
    pub inputs: Vec<PathBuf>,

    /// Write the cleaned text here instead of standard output (with a directory input: the
    /// output directory).
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

    /// List the available passes in pipeline order and exit (`ocrtidy explain` lists their rules
    /// and explains each).
    #[arg(long)]
    pub list_passes: bool,

    /// The encoding of the input: `auto` (detect), or a label such as utf-8, gbk, gb18030,
    /// big5, utf-16le. Default: UTF-8 if the bytes are valid UTF-8, else detect. A BOM wins.
    #[arg(long, value_name = "auto|LABEL", help_heading = "Input")]
    pub encoding: Option<String>,

    /// The format of the input files: OCR engine output with coordinates is laid out as text
    /// (reading order, paragraphs, headers and footers from the boxes) before cleaning.
    /// [default: text; a file that looks like hOCR, ALTO or PAGE gets a warning]
    #[arg(long, value_enum, value_name = "FORMAT", help_heading = "Input")]
    pub input_format: Option<InputFormat>,

    /// Also write the input hOCR, ALTO or PAGE file here with the character corrections
    /// written into its elements (ids, boxes, confidences and every other byte kept; layout
    /// changes such as furniture removal, line joins and dehyphenation stay in the text only).
    /// One input file, never overwritten; `-` is standard output when the cleaned text goes to
    /// a file (`-o`).
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    pub write_back: Option<PathBuf>,

    /// With --write-back into a PAGE file: keep the engine's reading (OCR-D provenance). Each
    /// corrected text goes into a new `TextEquiv index="1"` (`comments="ocrtidy"`) and the
    /// element's other `TextEquiv`s follow from `index="2"` on, instead of the text read being
    /// rewritten in place.
    #[arg(long, requires = "write_back", help_heading = "Input")]
    pub keep_ocr_reading: bool,

    /// How paragraphs are separated in the output.
    #[arg(
        long,
        value_enum,
        value_name = "SEP",
        default_value_t = ParagraphSep::Line,
        help_heading = "Cleaning"
    )]
    pub paragraph_sep: ParagraphSep,

    /// Keep page furniture (running headers, page numbers, continuation markers) in the text;
    /// it is only tagged in the changes file as suggestions.
    #[arg(long, help_heading = "Cleaning")]
    pub keep_furniture: bool,

    /// Write historical Latin letters in modern spelling: long s `ſ` → `s`, r rotunda `ꝛ` → `r`,
    /// `aͤ` → `ä` (the `modernise` pass). By default historical text keeps them.
    #[arg(long, visible_alias = "modernize", help_heading = "Cleaning")]
    pub modernise: bool,

    /// Traditional/Simplified conversion with an OpenCC configuration.
    #[arg(
        long,
        value_parser = script_values(),
        value_name = "CONVERSION",
        default_value = "off",
        help_heading = "Cleaning"
    )]
    pub script: String,

    #[command(flatten)]
    pub typo: TypoArgs,

    #[command(flatten)]
    pub report: super::report::ReportArgs,

    #[command(flatten)]
    pub stream: StreamArgs,
}

/// Options of the typo corrector.
#[derive(Debug, Args)]
#[command(next_help_heading = "Typo correction")]
pub struct TypoArgs {
    /// A user lexicon layered over the embedded one: lines `word [frequency [tag]]`.
    #[arg(long, value_name = "FILE")]
    pub lexicon: Option<PathBuf>,

    /// Protected terms, one per line: never corrected.
    #[arg(long, value_name = "FILE")]
    pub protect: Option<PathBuf>,

    /// Confidence (0..1) from which a typo correction is applied; below, it is suggested.
    /// Chinese confidences are fitted to how often corrections were right on OCR pages (at 0.8
    /// and above, 94 % were); mid-range values run low. Default: 0.8 for Chinese, 0.75 for
    /// Latin-script words (what the Latin rules applied before they had a threshold); a value
    /// given here applies to both.
    #[arg(long, value_name = "X")]
    pub typo_threshold: Option<f32>,

    /// Record every typo suggestion. By default only those with confidence above 0.5 are
    /// recorded (in --changes, the reports and the diff): below it, a suggestion's top
    /// candidate was right less than half the time on OCR pages. The output text is the same.
    #[arg(long)]
    pub all_suggestions: bool,

    /// An extra confusion table (as written by `ocrtidy learn`); may be repeated.
    #[arg(long, value_name = "FILE")]
    pub confusions: Vec<PathBuf>,

    /// A word n-gram language model (KenLM binary, such as fcitx's `zh_CN.lm` from Debian's
    /// `libime-data-language-model`: /usr/lib/x86_64-linux-gnu/libime/zh_CN.lm) weighing the
    /// candidates of Chinese typo corrections in their context. Not embedded (see data/README.md).
    #[arg(long, value_name = "FILE")]
    pub lm: Option<PathBuf>,
}

/// Options of JSON Lines and directory mode, and the limits and messages of every mode.
#[derive(Debug, Args)]
#[command(next_help_heading = "JSON Lines and directories")]
pub struct StreamArgs {
    /// Read and write JSON Lines: one record per line, only its text field is rewritten.
    #[arg(long)]
    pub jsonl: bool,

    /// The field holding the text (JSON Lines).
    #[arg(long, value_name = "NAME", default_value = "text")]
    pub field: String,

    /// The field holding the document id, carried into --changes, --errors and --attributes.
    #[arg(long, value_name = "NAME", default_value = "id")]
    pub id_field: String,

    /// Consecutive records with the same values of these fields are the pages of one
    /// document, cleaned together (e.g. `doc_id,engine`).
    #[arg(long, value_name = "FIELD,...", value_delimiter = ',')]
    pub group_by: Vec<String>,

    /// Fields that may hold the OCR engine's output with coordinates (hOCR, RapidOCR JSON, ...):
    /// inline, or a file path. The first one a record has is laid out as text and cleaned into
    /// the text field; --input-format gives its format (default: detect). A record whose
    /// layout cannot be used is cleaned from its text field and reported.
    #[arg(long, value_name = "NAME,...", value_delimiter = ',')]
    pub layout_field: Vec<String>,

    /// The directory relative layout paths are resolved against (default: the directory of
    /// the input file; the current directory for standard input).
    #[arg(long, value_name = "DIR")]
    pub layout_root: Option<PathBuf>,

    /// Write a JSON record {file, line, id, reason} for every line (or file of a directory)
    /// passed through unchanged because it could not be cleaned, and {file, line, id, reason,
    /// "fallback": true} for every record cleaned from its text field because its layout could
    /// not be used.
    #[arg(long, value_name = "FILE")]
    pub errors: Option<PathBuf>,

    /// Write dolma-style attributes, one line per output line:
    /// {"id", "attributes": {"ocrtidy__changes": [[start, end, score], ...]}} (code points of the
    /// cleaned text).
    #[arg(long, value_name = "FILE")]
    pub attributes: Option<PathBuf>,

    /// Worker threads for JSON Lines and directories (default: all cores).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,

    /// The largest document cleaned (a number of bytes, or with a unit: 500K, 64MiB, 2G).
    ///
    /// Units: K, M, G or KiB, MiB, GiB (powers of 1024), KB, MB, GB (powers of 1000). A text file
    /// or standard input over it is refused (exit status 2; a file's size is checked before it
    /// is read), a JSON Lines line over it is passed through unchanged and reported, a file of
    /// a directory is copied unchanged and reported.
    #[arg(
        long,
        value_name = "SIZE",
        default_value = "64MiB",
        value_parser = parse_size,
        help_heading = "Input"
    )]
    pub max_doc_bytes: usize,

    /// No progress bar, and no warning per line, record or file on standard error (errors and
    /// totals are still printed).
    #[arg(long, short, help_heading = None::<&str>)]
    pub quiet: bool,
}

/// Parses a size in bytes: a whole number with an optional unit (case-insensitive, a space
/// before it allowed): `B`; `K`, `M`, `G`, `T` or `KiB`, `MiB`, `GiB`, `TiB` (powers of 1024);
/// `KB`, `MB`, `GB`, `TB` (powers of 1000).
pub fn parse_size(s: &str) -> Result<usize, String> {
    let s = s.trim();
    let digits = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (number, unit) = s.split_at(digits);
    let unit = unit.trim_start().to_ascii_lowercase();
    let bad = || {
        format!(
            "`{s}` is not a size: give a number of bytes, or a number with a unit (K, M, G or \
             KiB, MiB, GiB: powers of 1024; KB, MB, GB: powers of 1000), e.g. 64MiB"
        )
    };
    let number: u64 = number.parse().map_err(|_| bad())?;
    let factor: u64 = match unit.as_str() {
        "" | "b" => 1,
        "k" | "kib" => 1 << 10,
        "m" | "mib" => 1 << 20,
        "g" | "gib" => 1 << 30,
        "t" | "tib" => 1 << 40,
        "kb" => 1_000,
        "mb" => 1_000_000,
        "gb" => 1_000_000_000,
        "tb" => 1_000_000_000_000,
        _ => return Err(bad()),
    };
    number
        .checked_mul(factor)
        .and_then(|n| usize::try_from(n).ok())
        .ok_or_else(|| format!("`{s}` is too large a size"))
}

/// `--script`: OpenCC's configuration names with the library's descriptions, and `off`.
fn script_values() -> PossibleValuesParser {
    let mut values: Vec<PossibleValue> = ScriptConversion::ALL
        .iter()
        .map(|c| PossibleValue::new(c.name()).help(c.description()))
        .collect();
    values.push(PossibleValue::new("off").help("No conversion (the default)"));
    PossibleValuesParser::new(values)
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ParagraphSep {
    /// One paragraph per line.
    Line,
    /// A blank line between paragraphs.
    Blank,
}

/// `--input-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// Detect from the content (XML, JSON and TSV kinds; anything else is text).
    Auto,
    /// Plain text.
    Text,
    /// hOCR (Tesseract, Kraken).
    Hocr,
    /// ALTO XML.
    Alto,
    /// PAGE XML.
    Page,
    /// Tesseract TSV.
    TesseractTsv,
    /// PaddleOCR 2.x/3.x JSON.
    #[value(name = "paddleocr-json")]
    PaddleOcrJson,
    /// RapidOCR JSON.
    #[value(name = "rapidocr-json")]
    RapidOcrJson,
}

impl CleanArgs {
    /// `--input-format`, plain text when not given.
    pub fn input_format(&self) -> InputFormat {
        self.input_format.unwrap_or(InputFormat::Text)
    }
}

impl InputFormat {
    pub fn format(self) -> ocrtidy_formats::Format {
        use ocrtidy_formats::Format;
        match self {
            InputFormat::Auto => Format::Auto,
            InputFormat::Text => Format::Text,
            InputFormat::Hocr => Format::Hocr,
            InputFormat::Alto => Format::Alto,
            InputFormat::Page => Format::Page,
            InputFormat::TesseractTsv => Format::TesseractTsv,
            InputFormat::PaddleOcrJson => Format::PaddleOcrJson,
            InputFormat::RapidOcrJson => Format::RapidOcrJson,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_take_binary_and_decimal_units() {
        let cases: &[(&str, usize)] = &[
            ("0", 0),
            ("67108864", 64 << 20),
            ("64MiB", 64 << 20),
            ("64 MiB", 64 << 20),
            ("64m", 64 << 20),
            ("500k", 500 << 10),
            ("500K", 500 << 10),
            ("500kB", 500_000),
            ("2G", 2 << 30),
            ("2gib", 2 << 30),
            ("3GB", 3_000_000_000),
            ("12B", 12),
        ];
        for &(s, n) in cases {
            assert_eq!(parse_size(s), Ok(n), "{s}");
        }
        for s in [
            "",
            "MiB",
            "-1",
            "1.5G",
            "64 parsecs",
            "1 K B",
            "99999999999999999999",
        ] {
            assert!(parse_size(s).is_err(), "{s}");
        }
        assert!(parse_size("16777216T").unwrap_err().contains("too large"));
    }
}
