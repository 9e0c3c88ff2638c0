//! `ocrtidy clean`.

use std::io::{IsTerminal, Write};

use anyhow::{Context as _, Result};
use serde::Serialize;

use ocrtidy::document::{EngineDocument, Furniture, WriteBackOptions};
use ocrtidy::{
    Change, Config, DecodeOptions, EncodingChoice, ParagraphSeparator, Pipeline, ScriptConversion,
};

use super::args::{CleanArgs, ParagraphSep};
use super::io::{check_outputs, create_file, decode_input, open_output, InputIds, Source};

pub fn run(args: CleanArgs) -> Result<i32> {
    if args.list_passes {
        let mut out = std::io::stdout().lock();
        for r in ocrtidy::registry::registered() {
            writeln!(out, "{:<16} {}", r.spec.id.name(), r.spec.summary)?;
        }
        return Ok(0);
    }
    let pipeline = build_pipeline(&args)?;
    let decode_options = decode_options(&args)?;

    let mut sources: Vec<Source> = args.inputs.iter().map(|p| Source::from_arg(p)).collect();
    if sources.is_empty() {
        if std::io::stdin().is_terminal() {
            anyhow::bail!("no input: give a FILE, or `-` to read standard input");
        }
        sources.push(Source::Stdin);
    }
    let is_dir = matches!(sources.as_slice(), [Source::File(d)] if d.is_dir());
    if (args.report.diff || args.report.report.is_some()) && (is_dir || args.stream.jsonl) {
        anyhow::bail!("--diff and --report work on text files, not on a directory or --jsonl");
    }
    let write_back_to = super::writeback::check(&args, &sources, is_dir)?;
    if let [Source::File(dir)] = sources.as_slice() {
        if dir.is_dir() {
            return super::dir::run(&args, &pipeline, dir);
        }
    }
    // No output may be an input, and no two outputs one file: checked before anything is read
    // or created.
    let outputs: Vec<(&str, &std::path::Path)> = [
        ("-o", args.output.as_deref()),
        ("--changes", args.changes.as_deref()),
        ("--errors", args.stream.errors.as_deref()),
        ("--attributes", args.stream.attributes.as_deref()),
        ("--report", args.report.report.as_deref()),
        ("--write-back", args.write_back.as_deref()),
    ]
    .into_iter()
    .filter_map(|(o, p)| Some((o, p?)))
    .collect();
    check_outputs(&InputIds::of(&sources), &outputs)?;
    if args.stream.jsonl {
        return super::jsonl::run(&args, &pipeline, &sources);
    }

    let mut out = open_output(args.output.as_deref())?;
    let to_stdout = args.output.as_deref().is_none_or(|p| p.as_os_str() == "-");
    let mut reports = super::report::Reports::new(&args.report, to_stdout)?;
    let mut changes_out = match &args.changes {
        Some(p) => Some(create_file(p, "changes")?),
        None => None,
    };
    let mut written_back = None;
    // The change ledger is read by --changes, a report or diff and the write-back only.
    let needs_ledger = changes_out.is_some() || reports.reads_ledger() || write_back_to.is_some();
    for source in &sources {
        if streamable(
            &args,
            &pipeline,
            &decode_options,
            source,
            write_back_to.is_some(),
        )? {
            if let Source::File(path) = source {
                if let Ok((head, _)) = super::io::utf8_head(path, 64 << 10) {
                    warn_json_lines(&args, source, &head);
                }
            }
            clean_streamed(&pipeline, source, &mut out, changes_out.as_mut())?;
            continue;
        }
        let bytes = source.read_bytes_limited(args.stream.max_doc_bytes, "--max-doc-bytes")?;
        if args.encoding.is_none() {
            if let Some(at) = binary_at(&bytes) {
                eprintln!(
                    "ocrtidy: warning: {}: binary file (NUL byte at offset {at}), skipped; \
                     give --encoding LABEL to clean it as text anyway",
                    source.name()
                );
                continue;
            }
        }
        let mut decoded = decode_input(source, &bytes, &decode_options);
        // The raw bytes are not needed any more (a large input is held as few times as can be).
        drop(bytes);
        let converted = read_document(&args, source, &decoded.text)?;
        if let Some(c) = &converted {
            if c.text().trim().is_empty() && !args.stream.quiet {
                eprintln!(
                    "ocrtidy: warning: {}: the {} file holds no text (no recognised text in \
                     any of its elements)",
                    source.name(),
                    c.format().name()
                );
            }
        }
        if write_back_to.is_some() && converted.is_none() {
            anyhow::bail!(
                "--write-back: {} is plain text, which has no elements to write corrections \
                 into; give an hOCR, ALTO or PAGE file (--input-format hocr|alto|page|auto)",
                source.name()
            );
        }
        if converted.is_none() && !needs_ledger {
            // Nobody reads the ledger: the text alone is cleaned, in a fraction of the memory,
            // in the buffer it was decoded into (the same text as with the ledger, ended with a
            // line break as `end_with_newline` ends it).
            let cleaned = pipeline.clean_text_owned(std::mem::take(&mut decoded.text));
            out.write_all(cleaned.as_bytes())
                .context("cannot write the cleaned text")?;
            if !cleaned.is_empty() && !cleaned.ends_with('\n') {
                out.write_all(b"\n")
                    .context("cannot write the cleaned text")?;
            }
            continue;
        }
        // Neither text is copied: plain text is moved out of `decoded` (only the write-back of a
        // converted file reads the decoded text again), converted text is borrowed.
        let plain;
        let text: &str = match &converted {
            Some(c) => c.text(),
            None => {
                plain = std::mem::take(&mut decoded.text);
                &plain
            }
        };
        // The engine's confidences of the converted text are evidence for the typo pass, the
        // geometry's line breaks for the line-join pass.
        let mut cleaned = match &converted {
            // The geometry's furniture lines too, for the furniture pass to remove.
            Some(c) => c.clean(&pipeline),
            None => pipeline.clean(text),
        };
        if converted.is_none() {
            ocrtidy::record_invalid_bytes(&mut cleaned, text, &decoded.report);
        }
        // The output is a text file: it ends with one line break, recorded in the ledger like
        // every other change, so that the bytes written and the replay of `--changes` agree.
        ocrtidy::end_with_newline(&mut cleaned, text);
        // Built before any output is written, so that an error leaves no half-done outputs.
        if let (Some(_), Some(c)) = (&write_back_to, &converted) {
            let options = WriteBackOptions::default().keep_readings(args.keep_ocr_reading);
            let outcome = c
                .write_back_with(&decoded, &cleaned, &options)
                .with_context(|| {
                    format!("cannot write the corrections back into {}", source.name())
                })?;
            written_back = Some((source.name(), outcome));
        }
        let shown = reports.add(&source.name(), text, &cleaned);
        let shown = shown.as_deref().unwrap_or(&cleaned.text);
        out.write_all(shown.as_bytes())
            .context("cannot write the cleaned text")?;
        // What the ledger's offsets refer to: the input bytes themselves for UTF-8 (a BOM is
        // recorded as a change), else the UTF-8 text decoded from the input (named in every
        // change record).
        let mut offsets_in = None;
        if converted.is_none() {
            let utf8 = decoded.report.encoding == "UTF-8" && decoded.report.invalid.is_empty();
            if utf8 && decoded.report.bom {
                ocrtidy::record_bom(&mut cleaned, "\u{feff}");
            } else if !utf8 {
                offsets_in = Some(decoded.report.encoding);
            }
        }
        if let Some(w) = changes_out.as_mut() {
            write_changes(
                w,
                &source.name(),
                &cleaned.changes,
                converted.as_ref(),
                offsets_in,
            )
            .context("cannot write the changes file")?;
        }
    }
    out.commit()?;
    if let Some(w) = changes_out {
        w.commit()?;
    }
    reports.finish()?;
    if let (Some(dest), Some((name, outcome))) = (write_back_to, written_back) {
        super::writeback::save(&dest, &name, &outcome, args.stream.quiet)?;
    }
    Ok(0)
}

/// Whether `source` can be cleaned piece by piece in bounded memory ([`ocrtidy::chunked`]) with
/// the same output and ledger as whole: every pass is line-local, nothing needs the whole text
/// at once (no report, no write-back), and the input is a plain-text file that decodes as UTF-8
/// with nothing replaced, within `--max-doc-bytes` (a larger one is refused by the whole path).
fn streamable(
    args: &CleanArgs,
    pipeline: &Pipeline,
    decode: &DecodeOptions,
    source: &Source,
    write_back: bool,
) -> Result<bool> {
    let Source::File(path) = source else {
        return Ok(false);
    };
    let utf8 = match decode.encoding {
        EncodingChoice::Default => true,
        EncodingChoice::Forced(e) => e.name() == "UTF-8",
        _ => false,
    };
    if !pipeline.is_local()
        || write_back
        || args.report.diff
        || args.report.report.is_some()
        || !utf8
        || !std::fs::metadata(path)
            .is_ok_and(|m| m.is_file() && m.len() <= args.stream.max_doc_bytes as u64)
    {
        return Ok(false);
    }
    let format = args.input_format().format();
    if format == ocrtidy_formats::Format::Auto {
        // Detection reads the start of the text; what it needs is in the first 64 KiB (at
        // least 5 lines of it) unless the text starts like XML or JSON, which is read whole.
        let (head, whole) = super::io::utf8_head(path, 64 << 10)?;
        let start = head.trim_start_matches('\u{feff}').trim_start();
        let decided = whole || head.bytes().filter(|&b| b == b'\n').count() >= 5;
        if start.starts_with(['<', '{', '['])
            || !decided
            || !matches!(
                ocrtidy_formats::detect(&head),
                Ok(ocrtidy_formats::Format::Text)
            )
        {
            return Ok(false);
        }
    } else if format != ocrtidy_formats::Format::Text {
        return Ok(false);
    }
    super::io::is_plain_utf8(path)
}

/// Cleans a plain UTF-8 file piece by piece, writing the output and the changes as it goes.
fn clean_streamed(
    pipeline: &Pipeline,
    source: &Source,
    out: &mut impl Write,
    mut changes_out: Option<&mut super::io::OutputFile>,
) -> Result<()> {
    let Source::File(path) = source else {
        anyhow::bail!("only a file is cleaned piece by piece");
    };
    let name = source.name();
    let file = std::fs::File::open(path).with_context(|| format!("cannot read {name}"))?;
    let mut options = ocrtidy::chunked::ChunkOptions::default();
    // Nobody reads the ledger without --changes (a report or write-back cleans whole).
    options.ledger = changes_out.is_some();
    let done = ocrtidy::chunked::clean_reader(pipeline, file, &options, |piece| {
        out.write_all(piece.text.as_bytes())
            .context("cannot write the cleaned text")?;
        if let Some(w) = changes_out.as_deref_mut() {
            write_changes(w, &name, &piece.changes, None, None)
                .context("cannot write the changes file")?;
        }
        Ok::<(), anyhow::Error>(())
    });
    match done {
        Ok(_) => Ok(()),
        Err(ocrtidy::chunked::ChunkError::Emit(e)) => Err(e),
        Err(e) => Err(anyhow::anyhow!("{name}: {e}")),
    }
}

fn decode_options(args: &CleanArgs) -> Result<DecodeOptions> {
    let choice = match &args.encoding {
        Some(label) => EncodingChoice::parse(label).context("in --encoding")?,
        None => EncodingChoice::Default,
    };
    Ok(DecodeOptions::new(choice))
}

fn build_pipeline(args: &CleanArgs) -> Result<Pipeline> {
    let mut config = Config::default();
    // `--script` values are the OpenCC configuration names of `ScriptConversion`.
    config.script = match args.script.as_str() {
        "off" => None,
        name => Some(name.parse::<ScriptConversion>().context("--script")?),
    };
    config.paragraph_separator = match args.paragraph_sep {
        ParagraphSep::Line => ParagraphSeparator::Line,
        ParagraphSep::Blank => ParagraphSeparator::Blank,
    };
    config.keep_furniture = args.keep_furniture;
    config.modernise = args.modernise;
    typo_config(&args.typo, &mut config);
    let builder = Pipeline::builder().config(config);
    Ok(super::select_passes(builder, &args.passes, &args.skip)?.build()?)
}

/// One change record of the `--changes` JSON Lines output.
#[derive(Serialize)]
struct ChangeRecord<'a> {
    file: &'a str,
    /// For input not in UTF-8 (or with bytes replaced by U+FFFD): the encoding it was decoded
    /// from; offsets then refer to the UTF-8 text decoded from the input (`"offsets":
    /// "decoded"`), not to the input's bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    encoding: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    offsets: Option<&'static str>,
    #[serde(flatten)]
    change: &'a Change,
    /// The OCR elements (id or index, box, confidence) the changed text came from.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    elements: Vec<&'a ocrtidy::document::Span>,
}

/// Reads OCR engine output (`--input-format`, given or detected) and lays it out as text;
/// Warns when an input cleaned as plain text by default looks like an engine's hOCR, ALTO or
/// PAGE file: its markup would be cleaned as text. (With `--write-back` the error says so.)
fn warn_engine_markup(args: &CleanArgs, source: &Source, text: &str) {
    use ocrtidy_formats::Format;
    let start = text.trim_start_matches('\u{feff}').trim_start();
    if args.input_format.is_some()
        || args.write_back.is_some()
        || args.stream.quiet
        || !start.starts_with('<')
    {
        return;
    }
    if let Ok(format @ (Format::Hocr | Format::Alto | Format::Page)) = ocrtidy_formats::detect(text)
    {
        eprintln!(
            "ocrtidy: warning: {}: looks like {format} but is cleaned as plain text, markup \
             included; give --input-format auto (or {format}) to clean it from its layout",
            source.name()
        );
    }
}

/// Warns when a file cleaned as plain text looks like JSON Lines (its first line is a JSON
/// object with a string field): cleaned as text, the JSON syntax is cleaned too (escapes such
/// as `\n` read as letters, quotes and braces as punctuation), which is rarely what was meant.
fn warn_json_lines(args: &CleanArgs, source: &Source, text: &str) {
    // Plain text asked for by name (--input-format text) is not second-guessed.
    if args.stream.jsonl || args.stream.quiet || args.input_format.is_some() {
        return;
    }
    let first = text
        .trim_start_matches('\u{feff}')
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if !(first.starts_with('{') && first.ends_with('}')) {
        return;
    }
    let Ok(serde_json::Value::Object(record)) = serde_json::from_str::<serde_json::Value>(first)
    else {
        return;
    };
    let Some((field, _)) = record.iter().find(|(_, v)| v.is_string()) else {
        return;
    };
    let field = if record.contains_key("text") {
        "text"
    } else {
        field.as_str()
    };
    eprintln!(
        "ocrtidy: warning: {}: looks like JSON Lines but is cleaned as plain text, JSON syntax \
         included; give --jsonl (with --field {field} for the field to clean) to clean each \
         record's text",
        source.name()
    );
}

/// `None` for plain text input.
fn read_document(args: &CleanArgs, source: &Source, text: &str) -> Result<Option<EngineDocument>> {
    warn_engine_markup(args, source, text);
    warn_json_lines(args, source, text);
    // Without --keep-furniture the layout marks the furniture for the furniture pass, which
    // removes it as recorded changes (`layout_options`).
    let furniture = if args.keep_furniture {
        Furniture::Keep
    } else {
        Furniture::Mark
    };
    Ok(
        EngineDocument::read(text, args.input_format().format(), furniture)
            .map_err(|e| e.in_file(source.name()))?,
    )
}

fn write_changes(
    w: &mut impl Write,
    file: &str,
    changes: &[Change],
    document: Option<&EngineDocument>,
    offsets_in: Option<&str>,
) -> Result<()> {
    for change in changes {
        let elements = document
            .map(|d| d.elements(change).collect())
            .unwrap_or_default();
        serde_json::to_writer(
            &mut *w,
            &ChangeRecord {
                file,
                encoding: offsets_in,
                offsets: offsets_in.map(|_| "decoded"),
                change,
                elements,
            },
        )?;
        w.write_all(b"\n")?;
    }
    Ok(())
}

/// Where a binary file (an executable, an image, an archive) shows itself: the offset of its
/// first NUL byte, when [`ocrtidy_decode::looks_binary`] takes it for binary (NUL bytes with
/// many other control bytes in the first 8 KiB). OCR text with a stray NUL (a recorded repair of
/// the control-chars pass) and UTF-16 text (whose ASCII has NUL high bytes) are not binary.
pub(super) fn binary_at(bytes: &[u8]) -> Option<usize> {
    if !ocrtidy_decode::looks_binary(bytes) {
        return None;
    }
    let head = &bytes[..bytes.len().min(ocrtidy_decode::SNIFF_LEN)];
    Some(memchr::memchr(0, head).unwrap_or(0))
}

/// The text of a UTF-8 input (its BOM apart), or why it cannot be cleaned as such.
pub(super) fn utf8_text(bytes: &[u8]) -> std::result::Result<(&str, &str), String> {
    if let Some(at) = binary_at(bytes) {
        return Err(format!("binary file (NUL byte at offset {at})"));
    }
    let (bom, body) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => ("\u{feff}", rest),
        None => ("", bytes),
    };
    std::str::from_utf8(body).map(|t| (bom, t)).map_err(|e| {
        format!(
            "not UTF-8 (first bad byte at offset {})",
            e.valid_up_to() + bom.len()
        )
    })
}

/// The typo corrector's options in the configuration (shared by `clean` and `eval`).
pub(crate) fn typo_config(typo: &crate::args::TypoArgs, config: &mut Config) {
    config.typo_threshold = typo.typo_threshold;
    config.all_suggestions = typo.all_suggestions;
    config.lexicon_path = typo.lexicon.clone();
    config.protect_path = typo.protect.clone();
    config.confusion_paths = typo.confusions.clone();
    config.lm_path = typo.lm.clone();
}
