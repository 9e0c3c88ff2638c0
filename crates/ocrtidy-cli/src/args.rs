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
    /// Score OCR output against ground truth (files, or a JSONL corpus cleaned on the fly).
    Eval(super::eval::EvalArgs),
    /// Learn a confusion table from OCR output aligned with ground truth.
    Learn(super::learn::LearnArgs),
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

    /// The encoding of the input: `auto` (detect), or a label such as utf-8, gbk, gb18030,
    /// big5, utf-16le. Default: UTF-8 if the bytes are valid UTF-8, else detect. A BOM wins.
    #[arg(long, value_name = "auto|LABEL")]
    pub encoding: Option<String>,

    /// Traditional/Simplified conversion with an OpenCC configuration.
    #[arg(long, value_enum, value_name = "CONVERSION", default_value_t = ScriptArg::Off)]
    pub script: ScriptArg,

    /// Keep page furniture (running headers, page numbers, continuation markers) in the text;
    /// it is only tagged in the changes file as suggestions.
    #[arg(long)]
    pub keep_furniture: bool,

    /// The format of the input files: OCR engine output with coordinates is laid out as text
    /// (reading order, paragraphs, headers and footers from the boxes) before cleaning.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = InputFormat::Text)]
    pub input_format: InputFormat,

    /// Also write the input hOCR, ALTO or PAGE file here with the character corrections
    /// written into its elements (ids, boxes, confidences and every other byte kept; layout
    /// changes such as furniture removal, line joins and dehyphenation stay in the text only).
    /// One input file, never overwritten; `-` is standard output when the cleaned text goes to
    /// a file (`-o`).
    #[arg(long, value_name = "FILE")]
    pub write_back: Option<PathBuf>,

    #[command(flatten)]
    pub stream: StreamArgs,

    #[command(flatten)]
    pub report: super::report::ReportArgs,

    #[command(flatten)]
    pub typo: TypoArgs,
}

/// Options of the typo corrector.
#[derive(Debug, Args)]
pub struct TypoArgs {
    /// A user lexicon layered over the embedded one: lines `word [frequency [tag]]`.
    #[arg(long, value_name = "FILE")]
    pub lexicon: Option<PathBuf>,

    /// Protected terms, one per line: never corrected.
    #[arg(long, value_name = "FILE")]
    pub protect: Option<PathBuf>,

    /// Confidence (0..1) from which a typo correction is applied; below, it is suggested.
    /// Confidences are fitted to how often corrections were right on OCR pages (at 0.8 and
    /// above, 94 % were); mid-range values run low. Default 0.8.
    #[arg(long, value_name = "X")]
    pub typo_threshold: Option<f32>,

    /// An extra confusion table (as written by `ocrtidy learn`); may be repeated.
    #[arg(long, value_name = "FILE")]
    pub confusions: Vec<PathBuf>,
}

/// Options of JSON Lines and directory mode.
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

    /// Write a JSON record {file, line, id, reason} for every line passed through unchanged
    /// because it could not be cleaned, and {file, line, id, reason, "fallback": true} for
    /// every record cleaned from its text field because its layout could not be used.
    #[arg(long, value_name = "FILE")]
    pub errors: Option<PathBuf>,

    /// Write dolma-style attributes, one line per output line:
    /// {"id", "attributes": {"ocrtidy__changes": [[start, end, score], ...]}} (code points of the
    /// cleaned text).
    #[arg(long, value_name = "FILE")]
    pub attributes: Option<PathBuf>,

    /// Lines longer than this many bytes are passed through unchanged (and reported).
    #[arg(long, value_name = "BYTES", default_value_t = 64 << 20)]
    pub max_doc_bytes: usize,

    /// Worker threads (default: all cores).
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,

    /// No progress bar and no per-line warnings on standard error.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `--script`: OpenCC configuration names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScriptArg {
    /// Traditional to Simplified.
    T2s,
    /// Simplified to Traditional.
    S2t,
    /// Simplified to Traditional (Taiwan standard).
    S2tw,
    /// Traditional (Taiwan standard) to Simplified.
    Tw2s,
    /// Simplified to Traditional (Hong Kong standard).
    S2hk,
    /// Traditional (Hong Kong standard) to Simplified.
    Hk2s,
    /// Traditional (OpenCC standard) to Taiwan standard.
    T2tw,
    /// Simplified to Taiwan standard with Taiwanese phrases (软件 → 軟體).
    S2twp,
    /// Taiwan standard to Simplified with Mainland phrases.
    Tw2sp,
    /// Taiwan standard to Traditional (OpenCC standard).
    Tw2t,
    /// Simplified to Hong Kong standard with Hong Kong phrases.
    S2hkp,
    /// Hong Kong standard to Simplified with Mainland phrases.
    Hk2sp,
    /// Hong Kong standard to Traditional (OpenCC standard).
    Hk2t,
    /// Traditional (OpenCC standard) to Hong Kong standard.
    T2hk,
    /// Japanese Shinjitai to Traditional (Kyūjitai).
    Jp2t,
    /// Traditional (Kyūjitai) to Japanese Shinjitai.
    T2jp,
    /// No conversion (the default).
    Off,
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
