//! Reading inputs and writing outputs with context-rich errors.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};

/// Where an input comes from.
#[derive(Debug, Clone)]
pub enum Source {
    Stdin,
    File(PathBuf),
}

impl Source {
    pub fn from_arg(p: &Path) -> Source {
        if p.as_os_str() == "-" {
            Source::Stdin
        } else {
            Source::File(p.to_path_buf())
        }
    }

    /// The name used in messages and in change records.
    pub fn name(&self) -> String {
        match self {
            Source::Stdin => "-".to_string(),
            Source::File(p) => p.display().to_string(),
        }
    }

    pub fn read_bytes(&self) -> Result<Vec<u8>> {
        let mut buf = Vec::new();
        match self {
            Source::Stdin => {
                io::stdin()
                    .lock()
                    .read_to_end(&mut buf)
                    .context("cannot read standard input")?;
            }
            Source::File(p) => {
                File::open(p)
                    .and_then(|mut f| f.read_to_end(&mut buf))
                    .with_context(|| format!("cannot read {}", p.display()))?;
            }
        }
        Ok(buf)
    }
}

/// Decodes input bytes as UTF-8 (a leading BOM is dropped).
pub fn decode_utf8(source: &Source, bytes: Vec<u8>) -> Result<String> {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        anyhow::anyhow!(
            "{} is not valid UTF-8 (first bad byte at offset {at})",
            source.name()
        )
    })
}

/// Decodes input bytes with `options` (UTF-8, UTF-16 by BOM, legacy Chinese encodings by
/// detection or label) and warns on standard error when the encoding was guessed and when bytes
/// had to be replaced by U+FFFD.
pub fn decode_input(
    source: &Source,
    bytes: &[u8],
    options: &ocrtidy::DecodeOptions,
) -> ocrtidy_decode::Decoded {
    let decoded = ocrtidy_decode::decode(bytes, options);
    if decoded.report.detected {
        // A guess can be wrong on short inputs: say what was chosen, so mojibake is never silent.
        eprintln!(
            "ocrtidy: warning: {}: not valid UTF-8; decoded as {} by detection \
             (use --encoding LABEL to force an encoding)",
            source.name(),
            decoded.report.encoding,
        );
    }
    let n = decoded.report.invalid_bytes();
    if n > 0 {
        let first = decoded.report.invalid.first().map_or(0, |r| r.input_start);
        eprintln!(
            "ocrtidy: warning: {}: {n} invalid byte{} replaced by U+FFFD in {} sequence{} \
             (decoded as {}; first at byte {first})",
            source.name(),
            if n == 1 { "" } else { "s" },
            decoded.report.invalid.len(),
            if decoded.report.invalid.len() == 1 {
                ""
            } else {
                "s"
            },
            decoded.report.encoding,
        );
    }
    decoded
}

/// Opens the destination for the cleaned text: a file, or standard output.
pub fn open_output(path: Option<&Path>) -> Result<Box<dyn Write>> {
    Ok(match path {
        Some(p) if p.as_os_str() != "-" => Box::new(BufWriter::new(
            File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        )),
        _ => Box::new(BufWriter::new(io::stdout().lock())),
    })
}

/// Creates a file for a side output (changes, reports).
pub fn create_file(path: &Path, what: &str) -> Result<BufWriter<File>> {
    Ok(BufWriter::new(File::create(path).with_context(|| {
        format!("cannot create the {what} file {}", path.display())
    })?))
}

/// True when the error (or any of its causes) is a broken pipe.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}
