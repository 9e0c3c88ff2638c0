//! `Pipeline.clean_jsonl`: a JSON Lines file cleaned into another by the library's streaming
//! engine, with the command line's guarantees (one output line per input line, in order; bad
//! lines passed through and reported; no output replaces an input; no half-written output).

use std::fs::File;
use std::io::{self, BufReader, Write};
use std::path::{Path, PathBuf};

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use ocrtidy::document::{Format, Furniture};
use ocrtidy::stream::{
    clean_jsonl, ChangeRecord, ErrorRecord, JsonlOptions, LineError, LineStatus,
};

use crate::pipeline::{os_error, Pipeline};
use crate::util::{same_file, OutputFile};

/// The arguments of [`Pipeline::clean_jsonl_impl`] besides the files.
pub struct JsonlArgs {
    pub field: String,
    pub id_field: String,
    pub group_by: Vec<String>,
    pub layout_fields: Vec<String>,
    pub layout_format: String,
    pub layout_root: Option<PathBuf>,
    pub threads: usize,
    pub max_doc_bytes: usize,
}

fn absolute(p: &Path) -> PathBuf {
    std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf())
}

/// The same path, or the same existing file.
fn same(a: &Path, b: &Path) -> bool {
    absolute(a) == absolute(b) || same_file(a, b)
}

impl Pipeline {
    pub fn clean_jsonl_impl<'py>(
        &self,
        py: Python<'py>,
        src: PathBuf,
        dst: PathBuf,
        changes: Option<PathBuf>,
        errors: Option<PathBuf>,
        args: JsonlArgs,
    ) -> PyResult<Bound<'py, PyDict>> {
        let input = File::open(&src).map_err(|e| os_error(&e, &src))?;
        if input.metadata().is_ok_and(|m| m.is_dir()) {
            return Err(pyo3::exceptions::PyIsADirectoryError::new_err((
                21,
                "Is a directory",
                src.display().to_string(),
            )));
        }
        let outputs: Vec<(&str, &Path)> = [
            ("dst", Some(dst.as_path())),
            ("changes", changes.as_deref()),
            ("errors", errors.as_deref()),
        ]
        .into_iter()
        .filter_map(|(n, p)| Some((n, p?)))
        .collect();
        for (i, (name, path)) in outputs.iter().enumerate() {
            if same(path, &src) {
                return Err(PyValueError::new_err(format!(
                    "{name} ({}) is the input file; no output may replace an input",
                    path.display()
                )));
            }
            if let Some((other, _)) = outputs[..i].iter().find(|(_, p)| same(p, path)) {
                return Err(PyValueError::new_err(format!(
                    "{other} and {name} name one file ({})",
                    path.display()
                )));
            }
        }
        let mut options = JsonlOptions::default();
        options.field = args.field;
        options.id_field = args.id_field;
        options.group_by = args.group_by;
        options.max_line_bytes = args.max_doc_bytes.max(1);
        options.threads = Some(args.threads);
        options.keep_changes = changes.is_some();
        options.layout_format = match crate::document::parse_format(&args.layout_format)? {
            // `text` means: detect the layout's format per record, as the command line.
            Format::Text => Format::Auto,
            f => f,
        };
        if self.keep_furniture {
            options.layout_furniture = Furniture::Keep;
        }
        options.layout_root = match args.layout_root {
            Some(root) => Some(root),
            // As the command line: relative layout paths are resolved against the input's
            // directory.
            None if !args.layout_fields.is_empty() => Some(
                src.parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
            ),
            None => None,
        };
        options.layout_fields = args.layout_fields;

        let mut out = OutputFile::create(&dst)?;
        let mut changes_out = changes.as_deref().map(OutputFile::create).transpose()?;
        let mut errors_out = errors.as_deref().map(OutputFile::create).transpose()?;
        let file = src.display().to_string();
        let pipeline = &self.inner;
        let mut interrupted: Option<PyErr> = None;
        let (mut warnings, mut fallbacks) = (0u64, 0u64);
        let result = py.detach(|| {
            let reader = BufReader::with_capacity(1 << 20, input);
            clean_jsonl(pipeline, reader, &mut out, &options, |r| {
                if r.line % 1024 == 0 {
                    // Ctrl-C reaches a long run: signals are checked now and then.
                    if let Err(e) = Python::attach(|py| py.check_signals()) {
                        interrupted = Some(e);
                        return Err(io::Error::other("interrupted"));
                    }
                }
                let id = r.id.as_deref();
                let mut record =
                    |reason: String, fallback: bool, warning: bool| match errors_out.as_mut() {
                        Some(w) => {
                            let rec = ErrorRecord {
                                file: &file,
                                line: r.line,
                                id,
                                reason: &reason,
                                fallback,
                                warning,
                            };
                            serde_json::to_writer(&mut *w, &rec)?;
                            w.write_all(b"\n")
                        }
                        None => Ok(()),
                    };
                if r.status == LineStatus::Error {
                    let reason = r
                        .error
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default();
                    record(reason, false, false)?;
                }
                match &r.warning {
                    Some(w @ LineError::Layout(_)) => {
                        fallbacks += 1;
                        record(w.to_string(), true, false)?;
                    }
                    Some(w) => {
                        warnings += 1;
                        record(w.to_string(), false, true)?;
                    }
                    None => {}
                }
                if let Some(w) = changes_out.as_mut() {
                    for change in &r.changes {
                        let rec = ChangeRecord {
                            file: &file,
                            line: Some(r.line),
                            id,
                            change,
                        };
                        serde_json::to_writer(&mut *w, &rec)?;
                        w.write_all(b"\n")?;
                    }
                }
                Ok(())
            })
        });
        if let Some(e) = interrupted {
            return Err(e);
        }
        let summary = result.map_err(|e| os_error(&e, &src))?;
        let commit = |w: OutputFile, path: &Path| w.commit().map_err(|e| os_error(&e, path));
        commit(out, &dst)?;
        if let (Some(w), Some(p)) = (changes_out, changes.as_deref()) {
            commit(w, p)?;
        }
        if let (Some(w), Some(p)) = (errors_out, errors.as_deref()) {
            commit(w, p)?;
        }
        let d = PyDict::new(py);
        d.set_item("lines", summary.lines)?;
        d.set_item("records", summary.records)?;
        d.set_item("changed", summary.changed)?;
        d.set_item("blank", summary.blank)?;
        d.set_item("errors", summary.errors)?;
        d.set_item("warnings", warnings)?;
        d.set_item("from_layout", summary.from_layout)?;
        d.set_item("layout_fallbacks", fallbacks)?;
        d.set_item("input_bytes", summary.input_bytes)?;
        d.set_item("output_bytes", summary.output_bytes)?;
        Ok(d)
    }
}
