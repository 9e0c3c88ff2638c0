//! Output files that are never half-written, file identities, and JSON values as Python
//! objects.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::pipeline::os_error;

/// A JSON value as the Python object `json.loads` would give.
pub fn json_to_py<'py>(py: Python<'py>, value: &serde_json::Value) -> PyResult<Bound<'py, PyAny>> {
    use serde_json::Value;
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any(),
            (None, Some(u)) => u.into_pyobject(py)?.into_any(),
            _ => {
                // The library's f32s (confidences) as the float that prints the same.
                let f = n.as_f64().unwrap_or(f64::NAN);
                crate::ledger::py_float(f as f32)
                    .into_pyobject(py)?
                    .into_any()
            }
        },
        Value::String(s) => s.into_pyobject(py)?.into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json_to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, json_to_py(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

/// Whether `a` and `b` name the same existing file (also through a link).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(ma), Ok(mb)) => identity(&ma) == identity(&mb),
        _ => false,
    }
}

#[cfg(unix)]
fn identity(m: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (m.dev(), m.ino())
}

#[cfg(not(unix))]
fn identity(m: &std::fs::Metadata) -> (u64, u64) {
    // No inode numbers: size and modification time as a weak stand-in.
    let t = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos() as u64);
    (m.len(), t)
}

/// An output file written through a temporary file in its directory and renamed into place
/// by [`OutputFile::commit`]; dropped without a commit, it leaves no file and an existing one
/// as it was. Devices, FIFOs and paths under `/dev` and `/proc` are written directly.
pub struct OutputFile {
    writer: BufWriter<File>,
    /// The temporary file and the destination, when not written directly.
    rename: Option<(PathBuf, PathBuf)>,
}

impl OutputFile {
    pub fn create(dest: &Path) -> PyResult<OutputFile> {
        Self::create_io(dest).map_err(|e| os_error(&e, dest))
    }

    fn create_io(dest: &Path) -> io::Result<OutputFile> {
        let existing = std::fs::metadata(dest).ok();
        let special = dest.starts_with("/dev")
            || dest.starts_with("/proc")
            || existing.as_ref().is_some_and(|m| !m.is_file());
        if special {
            return Ok(OutputFile {
                writer: BufWriter::new(File::create(dest)?),
                rename: None,
            });
        }
        let dir = match dest.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = dest
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "output".to_string());
        let mut n = 0u32;
        let (file, tmp) = loop {
            let tmp = dir.join(format!(".{name}.ocrtidy-{}-{n}.tmp", std::process::id()));
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&tmp)
            {
                Ok(f) => break (f, tmp),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
                Err(e) => return Err(e),
            }
        };
        if let Some(m) = existing {
            // A replaced file keeps its permissions.
            let _ = std::fs::set_permissions(&tmp, m.permissions());
        }
        Ok(OutputFile {
            writer: BufWriter::with_capacity(1 << 20, file),
            rename: Some((tmp, dest.to_path_buf())),
        })
    }

    /// Flushes the file and renames it into place.
    pub fn commit(mut self) -> io::Result<()> {
        self.writer.flush()?;
        if let Some((tmp, dest)) = self.rename.take() {
            if let Err(e) = std::fs::rename(&tmp, &dest) {
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
        }
        Ok(())
    }
}

impl Write for OutputFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writer.write(buf)
    }
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.writer.write_all(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.writer.flush()
    }
}

impl Drop for OutputFile {
    fn drop(&mut self) {
        if let Some((tmp, _)) = self.rename.take() {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// Writes `bytes` to `dest` through a temporary file renamed into place.
pub fn save_file(dest: &Path, bytes: &[u8]) -> PyResult<()> {
    let mut out = OutputFile::create(dest)?;
    out.write_all(bytes)
        .and_then(|()| out.commit())
        .map_err(|e| os_error(&e, dest))
}
