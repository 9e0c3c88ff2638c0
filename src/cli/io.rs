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
