//! `Pipeline.clean_document`: a file or bytes, decoded (UTF-8, UTF-16, GB18030/GBK, Big5),
//! read as OCR engine output (hOCR, ALTO, PAGE, Tesseract TSV, PaddleOCR/RapidOCR JSON) or
//! plain text, and cleaned as the command line cleans a file; `CleanedDocument.write_back`
//! puts the corrections into the hOCR, ALTO or PAGE file.

use std::path::PathBuf;

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyList, PyMemoryView, PyString};

use ocrtidy::document::{EngineDocument, Format, Furniture};
use ocrtidy::{DecodeOptions, Decoded, EncodingChoice};

use crate::ledger::{py_repr, Change, Cleaned};
use crate::pipeline::{os_error, type_name, Pipeline};
use crate::util::{json_to_py, same_file, save_file};

/// A cleaned document: [`Cleaned`] with the format it was read in and what write-back needs.
#[pyclass(frozen, extends = Cleaned, module = "ocrtidy")]
pub struct CleanedDocument {
    format: Format,
    encoding: &'static str,
    /// The text the ledger's offsets refer to.
    source_text: String,
    path: Option<PathBuf>,
    /// For engine output: the laid-out document and the decoded file.
    document: Option<(EngineDocument, Decoded)>,
}

/// What cleaning a document gives, before it becomes Python objects.
struct Outcome {
    cleaned: ocrtidy::Cleaned,
    source_text: String,
    encoding: &'static str,
    document: Option<(EngineDocument, Decoded)>,
}

/// The bytes of `source`: a path is read (refused over `max_bytes` before reading), bytes-like
/// objects are taken as they are.
fn source_bytes(
    source: &Bound<'_, PyAny>,
    max_bytes: usize,
) -> PyResult<(Vec<u8>, Option<PathBuf>)> {
    if let Ok(b) = source.cast::<PyBytes>() {
        return Ok((b.as_bytes().to_vec(), None));
    }
    if source.is_instance_of::<PyByteArray>() || source.is_instance_of::<PyMemoryView>() {
        let b = source.py().get_type::<PyBytes>().call1((source,))?;
        return Ok((b.cast::<PyBytes>()?.as_bytes().to_vec(), None));
    }
    if source.is_instance_of::<PyString>() || source.hasattr("__fspath__")? {
        let path: PathBuf = source.extract()?;
        let meta = std::fs::metadata(&path).map_err(|e| os_error(&e, &path))?;
        if meta.is_dir() {
            return Err(pyo3::exceptions::PyIsADirectoryError::new_err((
                21,
                "Is a directory",
                path.display().to_string(),
            )));
        }
        if meta.is_file() && meta.len() > max_bytes as u64 {
            return Err(PyValueError::new_err(format!(
                "{}: {} bytes, over max_doc_bytes ({max_bytes})",
                path.display(),
                meta.len()
            )));
        }
        let bytes = std::fs::read(&path).map_err(|e| os_error(&e, &path))?;
        return Ok((bytes, Some(path)));
    }
    Err(PyTypeError::new_err(format!(
        "source: expected a path (str or os.PathLike) or bytes, got {}",
        type_name(source)
    )))
}

pub fn parse_format(format: &str) -> PyResult<Format> {
    format.parse::<Format>().map_err(|e| {
        let known: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
        PyValueError::new_err(format!("{e} (known: {})", known.join(", ")))
    })
}

impl Pipeline {
    pub fn clean_document_impl(
        &self,
        py: Python<'_>,
        source: &Bound<'_, PyAny>,
        format: &str,
        encoding: Option<&str>,
        max_doc_bytes: usize,
    ) -> PyResult<PyClassInitializer<CleanedDocument>> {
        let format = parse_format(format)?;
        let choice = match encoding {
            Some(label) => {
                EncodingChoice::parse(label).map_err(|e| PyValueError::new_err(e.to_string()))?
            }
            None => EncodingChoice::Default,
        };
        let (bytes, path) = source_bytes(source, max_doc_bytes)?;
        let name = path
            .as_deref()
            .map_or_else(|| "<bytes>".to_string(), |p| p.display().to_string());
        if bytes.len() > max_doc_bytes {
            return Err(PyValueError::new_err(format!(
                "{name}: {} bytes, over max_doc_bytes ({max_doc_bytes})",
                bytes.len()
            )));
        }
        // As the command line: layout furniture is marked for the furniture pass to remove,
        // or kept with keep_furniture.
        let furniture = if self.keep_furniture {
            Furniture::Keep
        } else {
            Furniture::Mark
        };
        let forced = encoding.is_some();
        let pipeline = &self.inner;
        let outcome = py.detach(move || -> Result<Outcome, String> {
            let decoded = ocrtidy::decode(&bytes, &DecodeOptions::new(choice));
            drop(bytes);
            if decoded.report.binary && !forced {
                return Err(format!(
                    "{name}: a binary file, not text; give encoding=... to clean it as text anyway"
                ));
            }
            let document = EngineDocument::read(&decoded.text, format, furniture)
                .map_err(|e| e.in_file(name.clone()).to_string())?;
            let encoding = decoded.report.encoding;
            Ok(match document {
                Some(document) => Outcome {
                    cleaned: document.clean(pipeline),
                    source_text: document.text().to_string(),
                    encoding,
                    document: Some((document, decoded)),
                },
                None => {
                    let mut cleaned = pipeline.clean(&decoded.text);
                    ocrtidy::record_invalid_bytes(&mut cleaned, &decoded.text, &decoded.report);
                    let utf8 =
                        decoded.report.encoding == "UTF-8" && decoded.report.invalid.is_empty();
                    let mut source_text = decoded.text;
                    if utf8 && decoded.report.bom {
                        // Offsets refer to the input as it was, BOM included.
                        ocrtidy::record_bom(&mut cleaned, "\u{feff}");
                        source_text.insert(0, '\u{feff}');
                    }
                    Outcome {
                        cleaned,
                        source_text,
                        encoding,
                        document: None,
                    }
                }
            })
        });
        let outcome = outcome.map_err(PyValueError::new_err)?;
        let format = outcome
            .document
            .as_ref()
            .map_or(Format::Text, |(d, _)| d.format());
        let base = Cleaned::new(py, outcome.cleaned)?;
        Ok(
            PyClassInitializer::from(base).add_subclass(CleanedDocument {
                format,
                encoding: outcome.encoding,
                source_text: outcome.source_text,
                path,
                document: outcome.document,
            }),
        )
    }
}

/// What [`CleanedDocument::write_back`] wrote: the file's `text` with the corrections in its
/// elements, how many applied changes went in (`written`) or were left out as layout
/// (`left_out`), how many `elements` were rewritten, the enclosing elements whose text was
/// left as it was (`stale`, one message each) and the corrections that could not be placed
/// (`skipped`, one message each).
#[pyclass(frozen, get_all, module = "ocrtidy")]
pub struct WriteBack {
    text: String,
    written: usize,
    elements: usize,
    left_out: usize,
    stale: Vec<String>,
    skipped: Vec<String>,
}

#[pymethods]
impl WriteBack {
    fn __repr__(&self) -> String {
        format!(
            "WriteBack(written={}, elements={}, left_out={}, stale={}, skipped={})",
            self.written,
            self.elements,
            self.left_out,
            self.stale.len(),
            self.skipped.len()
        )
    }
}

#[pymethods]
impl CleanedDocument {
    /// The format the document was read in: `hocr`, `alto`, `page`, `tesseract-tsv`,
    /// `paddleocr-json`, `rapidocr-json`, or `text`.
    #[getter]
    fn format(&self) -> &'static str {
        self.format.name()
    }

    /// The encoding the input was decoded from (`UTF-8`, `GBK`, `UTF-16LE`, ...).
    #[getter]
    fn encoding(&self) -> &'static str {
        self.encoding
    }

    /// The text that was cleaned, which the changes' offsets refer to: the laid-out text of
    /// engine output, or the decoded text (with its byte order mark, when the UTF-8 input had
    /// one: the ledger records its removal).
    #[getter]
    fn source_text(&self) -> &str {
        &self.source_text
    }

    /// The path the document was read from, or None for bytes.
    #[getter]
    fn path(&self) -> Option<PathBuf> {
        self.path.clone()
    }

    /// The elements of the file (id, box, confidence, role, ...) under the original text of
    /// `change`, one dict each; empty for plain text.
    fn elements<'py>(
        &self,
        py: Python<'py>,
        change: &Bound<'py, Change>,
    ) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        if let Some((document, _)) = &self.document {
            for span in document.elements(&change.get().0) {
                let value =
                    serde_json::to_value(span).map_err(|e| PyValueError::new_err(e.to_string()))?;
                list.append(json_to_py(py, &value)?)?;
            }
        }
        Ok(list)
    }

    /// Writes the applied corrections back into the hOCR, ALTO or PAGE file (only the texts
    /// of the elements that changed; every other byte stays). Returns a `WriteBack`; with
    /// `path`, also saves the file there (through a temporary file renamed into place; never
    /// over the input).
    #[pyo3(signature = (path=None))]
    fn write_back(slf: &Bound<'_, Self>, path: Option<PathBuf>) -> PyResult<WriteBack> {
        let py = slf.py();
        let this = slf.get();
        let Some((document, decoded)) = &this.document else {
            return Err(PyValueError::new_err(
                "write_back: the document is plain text, which has no elements to write \
                 corrections into; clean an hOCR, ALTO or PAGE file",
            ));
        };
        let base = slf.as_super().get();
        let cleaned = ocrtidy::Cleaned {
            text: base.text.clone(),
            changes: base.changes.iter().map(|c| c.get().0.clone()).collect(),
            stats: base.stats.get().0.clone(),
        };
        let outcome = py
            .detach(|| document.write_back(decoded, &cleaned))
            .map_err(|e| PyValueError::new_err(format!("write_back: {e}")))?;
        if let Some(dest) = &path {
            if let Some(input) = &this.path {
                if same_file(input, dest) {
                    return Err(PyValueError::new_err(format!(
                        "write_back: {} is the input file; write the corrections to another file",
                        dest.display()
                    )));
                }
            }
            save_file(dest, outcome.text.as_bytes())?;
        }
        Ok(WriteBack {
            text: outcome.text,
            written: outcome.written,
            elements: outcome.elements,
            left_out: outcome.left_out,
            stale: outcome.stale.iter().map(ToString::to_string).collect(),
            skipped: (outcome.unplaced.iter().map(ToString::to_string))
                .chain(outcome.skipped.iter().map(ToString::to_string))
                .collect(),
        })
    }

    fn __repr__(slf: &Bound<'_, Self>) -> String {
        let py = slf.py();
        let this = slf.get();
        let base = slf.as_super().get();
        format!(
            "CleanedDocument(format={}, encoding={}, text={}, changes={})",
            py_repr(py, this.format.name()),
            py_repr(py, this.encoding),
            py_repr(py, &base.text),
            base.changes.len()
        )
    }
}
