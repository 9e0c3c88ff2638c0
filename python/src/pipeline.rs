//! `ocrtidy.Pipeline`: the library's `Pipeline` built from keyword arguments, cleaning one
//! text, the pages of one document, or a batch in parallel with the GIL released.

use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString, PyTuple, PyType};
use rayon::prelude::*;

use ocrtidy::{Config, ParagraphSeparator, PassId, ScriptConversion};

use crate::document::CleanedDocument;
use crate::jsonl::JsonlArgs;
use crate::ledger::{Change, Cleaned};

/// The most text one group of pages may hold, as the command line's default
/// `--max-doc-bytes`: a longer run of pages of one document is cut into several groups.
pub const MAX_GROUP_BYTES: usize = 64 << 20;

/// How many units of a batch are cleaned between two checks for a signal (Ctrl-C).
const SIGNAL_CHECK_UNITS: usize = 2048;

/// A pipeline: passes with their configuration, ready to clean text. Reusable and thread-safe;
/// cleaning releases the GIL.
#[pyclass(frozen, subclass, module = "ocrtidy")]
pub struct Pipeline {
    pub inner: Arc<ocrtidy::Pipeline>,
    /// Layout furniture of engine documents is kept rather than marked for removal.
    pub keep_furniture: bool,
    /// The constructor's arguments, normalised: what `pickle` rebuilds the pipeline from.
    args: Py<PyDict>,
}

/// A list of names given as one comma-separated string or an iterable of strings.
fn names(arg: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Option<Vec<String>>> {
    let Some(arg) = arg.filter(|a| !a.is_none()) else {
        return Ok(None);
    };
    if let Ok(s) = arg.cast::<PyString>() {
        return Ok(Some(
            s.to_cow()?
                .split(',')
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty())
                .collect(),
        ));
    }
    let mut out = Vec::new();
    for item in arg.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "{what}: expected a str or an iterable of str, got {}",
            type_name(arg)
        ))
    })? {
        let item = item?;
        let s = item.cast::<PyString>().map_err(|_| {
            PyTypeError::new_err(format!(
                "{what}: expected pass names (str), got {}",
                type_name(&item)
            ))
        })?;
        let name = s.to_cow()?.trim().to_string();
        if !name.is_empty() {
            out.push(name);
        }
    }
    Ok(Some(out))
}

pub fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".to_string())
}

fn lookup(names: &[String], what: &str) -> PyResult<Vec<PassId>> {
    names
        .iter()
        .map(|n| {
            ocrtidy::registry::lookup(n).map_err(|e| PyValueError::new_err(format!("{what}: {e}")))
        })
        .collect()
}

/// A path (`str` or `os.PathLike`), or `None` when `arg` is not one.
fn as_path(arg: &Bound<'_, PyAny>) -> Option<PathBuf> {
    if arg.is_instance_of::<PyString>() || arg.hasattr("__fspath__").unwrap_or(false) {
        arg.extract::<PathBuf>().ok()
    } else {
        None
    }
}

/// Checks that `path` can be read, so that a missing file is an `OSError` (FileNotFoundError,
/// PermissionError, ...) naming it rather than a configuration error.
pub fn check_readable(path: &std::path::Path) -> PyResult<()> {
    std::fs::File::open(path)
        .map(drop)
        .map_err(|e| os_error(&e, path))
}

/// An `OSError` of the subclass that `e` calls for, with the file name.
pub fn os_error(e: &std::io::Error, path: &std::path::Path) -> PyErr {
    let message = e.to_string();
    // Strip the " (os error N)" that Rust appends; Python prints the errno itself.
    let message = match message.rfind(" (os error") {
        Some(i) => message[..i].to_string(),
        None => message,
    };
    match e.raw_os_error() {
        Some(errno) => {
            pyo3::exceptions::PyOSError::new_err((errno, message, path.display().to_string()))
        }
        None => pyo3::exceptions::PyOSError::new_err(format!("{}: {message}", path.display())),
    }
}

/// Strings of an iterable (`what` names the argument in errors).
fn strings(arg: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<String>> {
    let mut out = Vec::new();
    let iter = arg.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "{what}: expected a path or an iterable of str, got {}",
            type_name(arg)
        ))
    })?;
    for item in iter {
        let item = item?;
        let s = item.cast::<PyString>().map_err(|_| {
            PyTypeError::new_err(format!(
                "{what}: expected str items, got {}",
                type_name(&item)
            ))
        })?;
        out.push(s.to_cow()?.into_owned());
    }
    Ok(out)
}

/// A file or its lines given in memory.
enum FileOrLines {
    File(PathBuf),
    Lines(Vec<String>),
}

/// The argument `what`: a path (checked to be readable) or an iterable of lines; recorded in
/// `args`.
fn file_or_lines(
    arg: Option<&Bound<'_, PyAny>>,
    what: &str,
    args: &Bound<'_, PyDict>,
) -> PyResult<Option<FileOrLines>> {
    let Some(arg) = arg.filter(|a| !a.is_none()) else {
        return Ok(None);
    };
    Ok(Some(match as_path(arg) {
        Some(path) => {
            check_readable(&path)?;
            args.set_item(what, &path)?;
            FileOrLines::File(path)
        }
        None => {
            let lines = strings(arg, what)?;
            args.set_item(what, lines.clone())?;
            FileOrLines::Lines(lines)
        }
    }))
}

/// Pools of worker threads by size, made again in a child process after `fork` (whose copy of
/// the parent's pool has no threads).
type Pools = HashMap<usize, Arc<rayon::ThreadPool>>;

/// The process id the pools were made in, and the pools.
static POOLS: Mutex<Option<(u32, Pools)>> = Mutex::new(None);

pub fn default_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn pool(threads: usize) -> PyResult<Arc<rayon::ThreadPool>> {
    let pid = std::process::id();
    let mut pools = POOLS.lock().unwrap_or_else(|e| e.into_inner());
    if pools.as_ref().is_some_and(|(p, _)| *p != pid) {
        if let Some((_, old)) = pools.take() {
            // Inherited through fork: its threads do not exist here; never join them.
            std::mem::forget(old);
        }
    }
    let (_, map) = pools.get_or_insert_with(|| (pid, HashMap::new()));
    if let Some(p) = map.get(&threads) {
        return Ok(p.clone());
    }
    let p = Arc::new(
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("ocrtidy-{i}"))
            .build()
            .map_err(|e| PyValueError::new_err(format!("cannot start worker threads: {e}")))?,
    );
    map.insert(threads, p.clone());
    Ok(p)
}

/// Runs `f` over `items` on `threads` workers (in this thread for one), in order.
pub fn par_map<T: Sync, U: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> U + Sync + Send,
) -> PyResult<Vec<U>> {
    if threads <= 1 || items.len() <= 1 {
        return Ok(items.iter().map(f).collect());
    }
    let pool = pool(threads)?;
    Ok(pool.install(|| items.par_iter().map(f).collect()))
}

pub fn threads_arg(threads: Option<usize>) -> PyResult<usize> {
    match threads {
        Some(0) => Err(PyValueError::new_err("threads must be at least 1")),
        Some(n) => Ok(n),
        None => Ok(default_threads()),
    }
}

#[pymethods]
impl Pipeline {
    #[new]
    #[pyo3(signature = (
        passes=None, skip=None, *, script=None, lexicon=None, protect=None,
        typo_threshold=None, confusions=None, paragraph_sep="line", keep_furniture=false,
        all_suggestions=false, modernise=false, lm=None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        passes: Option<&Bound<'_, PyAny>>,
        skip: Option<&Bound<'_, PyAny>>,
        script: Option<&str>,
        lexicon: Option<&Bound<'_, PyAny>>,
        protect: Option<&Bound<'_, PyAny>>,
        typo_threshold: Option<f64>,
        confusions: Option<&Bound<'_, PyAny>>,
        paragraph_sep: &str,
        keep_furniture: bool,
        all_suggestions: bool,
        modernise: bool,
        lm: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Pipeline> {
        let args = PyDict::new(py);
        let mut config = Config::default();
        let only = names(passes, "passes")?;
        let skip = names(skip, "skip")?.unwrap_or_default();
        if let Some(only) = &only {
            args.set_item("passes", only.clone())?;
        }
        if !skip.is_empty() {
            args.set_item("skip", skip.clone())?;
        }
        if let Some(name) = script {
            config.script = Some(
                name.parse::<ScriptConversion>()
                    .map_err(|e| PyValueError::new_err(format!("script: {e}")))?,
            );
            args.set_item("script", name)?;
        }
        match file_or_lines(lexicon, "lexicon", &args)? {
            Some(FileOrLines::File(path)) => config.lexicon_path = Some(path),
            Some(FileOrLines::Lines(lines)) => config.lexicon_text = Some(lines.join("\n")),
            None => {}
        }
        match file_or_lines(protect, "protect", &args)? {
            Some(FileOrLines::File(path)) => config.protect_path = Some(path),
            Some(FileOrLines::Lines(terms)) => config.protected_terms = terms,
            None => {}
        }
        if let Some(confusions) = confusions.filter(|a| !a.is_none()) {
            let paths: Vec<PathBuf> = match as_path(confusions) {
                Some(path) => vec![path],
                None => confusions
                    .try_iter()?
                    .map(|p| {
                        let p = p?;
                        as_path(&p).ok_or_else(|| {
                            PyTypeError::new_err(format!(
                                "confusions: expected paths, got {}",
                                type_name(&p)
                            ))
                        })
                    })
                    .collect::<PyResult<_>>()?,
            };
            for p in &paths {
                check_readable(p)?;
            }
            args.set_item("confusions", paths.clone())?;
            config.confusion_paths = paths;
        }
        if let Some(t) = typo_threshold {
            if !(t > 0.0 && t < 1.0) {
                return Err(PyValueError::new_err(format!(
                    "typo_threshold: {t} is not between 0 and 1"
                )));
            }
            config.typo_threshold = Some(t as f32);
            args.set_item("typo_threshold", t)?;
        }
        config.paragraph_separator = match paragraph_sep {
            "line" => ParagraphSeparator::Line,
            "blank" => ParagraphSeparator::Blank,
            other => {
                return Err(PyValueError::new_err(format!(
                    "paragraph_sep: {other:?} is not \"line\" or \"blank\""
                )))
            }
        };
        if paragraph_sep != "line" {
            args.set_item("paragraph_sep", paragraph_sep)?;
        }
        config.keep_furniture = keep_furniture;
        if keep_furniture {
            args.set_item("keep_furniture", true)?;
        }
        config.all_suggestions = all_suggestions;
        if all_suggestions {
            args.set_item("all_suggestions", true)?;
        }
        config.modernise = modernise;
        if modernise {
            args.set_item("modernise", true)?;
        }
        if let Some(lm) = lm.filter(|a| !a.is_none()) {
            let path = as_path(lm).ok_or_else(|| {
                PyTypeError::new_err(format!("lm: expected a path, got {}", type_name(lm)))
            })?;
            check_readable(&path)?;
            args.set_item("lm", path.clone())?;
            config.lm_path = Some(path);
        }
        let mut builder = ocrtidy::Pipeline::builder().config(config);
        if let Some(only) = &only {
            builder = builder.only(lookup(only, "passes")?);
        }
        builder = builder.skip(lookup(&skip, "skip")?);
        // Building reads the user's lexicon and may build the word model (about 0.1 s).
        let built = py
            .detach(|| builder.build())
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        Ok(Pipeline {
            inner: Arc::new(built),
            keep_furniture,
            args: args.unbind(),
        })
    }

    /// The names of the passes this pipeline runs, in order.
    #[getter]
    fn passes(&self) -> Vec<&'static str> {
        self.inner.passes().iter().map(|p| p.name()).collect()
    }

    /// Cleans one text.
    fn clean(&self, py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Cleaned> {
        let text = text_arg(text, "text")?;
        let pipeline = &self.inner;
        let cleaned = py.detach(|| pipeline.clean(&text));
        Cleaned::new(py, cleaned)
    }

    /// Cleans the pages of one document together (running headers, page numbers and
    /// fragments continued across pages are seen), one result per page.
    fn clean_pages(&self, py: Python<'_>, pages: &Bound<'_, PyAny>) -> PyResult<Vec<Cleaned>> {
        let pages: Vec<String> = pages
            .try_iter()?
            .enumerate()
            .map(|(i, p)| text_arg(&p?, &format!("pages[{i}]")))
            .collect::<PyResult<_>>()?;
        let pipeline = &self.inner;
        let cleaned = py.detach(|| {
            let refs: Vec<&str> = pages.iter().map(String::as_str).collect();
            pipeline.clean_pages(&refs)
        });
        cleaned.into_iter().map(|c| Cleaned::new(py, c)).collect()
    }

    /// Cleans many texts (an iterable of `str`; `None` stays `None`) in parallel on `threads`
    /// workers (default: one per core) with the GIL released, and returns the cleaned texts
    /// in input order (an unchanged text as the same object). `group_by`: one key per text;
    /// consecutive texts with equal keys are the pages of one document, cleaned together (a
    /// `None` key is a document of its own). With `changes=True`, returns `(texts, changes)`,
    /// `changes[i]` the list of `Change` of text `i`. `ocrtidy.Pipeline.clean_batch` also
    /// takes pyarrow arrays.
    #[pyo3(signature = (texts, *, group_by=None, changes=false, threads=None))]
    fn clean_batch<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        group_by: Option<&Bound<'py, PyAny>>,
        changes: bool,
        threads: Option<usize>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let threads = threads_arg(threads)?;
        let mut objects: Vec<Bound<'py, PyAny>> = Vec::new();
        let mut items: Vec<Option<String>> = Vec::new();
        let iter = texts.try_iter().map_err(|_| {
            PyTypeError::new_err(format!(
                "texts: expected an iterable of str, got {}",
                type_name(texts)
            ))
        })?;
        for (i, item) in iter.enumerate() {
            let item = item?;
            items.push(if item.is_none() {
                None
            } else {
                Some(text_arg(&item, &format!("texts[{i}]"))?)
            });
            objects.push(item);
        }
        let units = units(&items, group_by)?;
        let pipeline = &self.inner;
        let results: Vec<Vec<ocrtidy::Cleaned>> = py.detach(|| -> PyResult<_> {
            let mut results = Vec::with_capacity(units.len());
            // In slices, so that Ctrl-C (a signal Python handles) stops a long batch.
            for slice in units.chunks(SIGNAL_CHECK_UNITS) {
                results.extend(par_map(slice, threads, |unit| {
                    let pages: Vec<&str> = items[unit.clone()]
                        .iter()
                        .map(|t| t.as_deref().unwrap_or_default())
                        .collect();
                    // Without `changes` nobody reads the ledger: the texts alone are cleaned
                    // (the same rounds on the same texts, without the ledger's and the
                    // suggestions' work).
                    let text = |text| ocrtidy::Cleaned {
                        text,
                        ..ocrtidy::Cleaned::default()
                    };
                    match (pages.as_slice(), changes) {
                        ([one], true) => vec![pipeline.clean(one)],
                        ([one], false) => vec![text(pipeline.clean_text(one))],
                        (_, true) => pipeline.clean_pages(&pages),
                        (_, false) => pipeline
                            .clean_pages_text(&pages)
                            .into_iter()
                            .map(text)
                            .collect(),
                    }
                })?);
                if results.len() < units.len() {
                    Python::attach(|py| py.check_signals())?;
                }
            }
            Ok(results)
        })?;
        let out = PyList::empty(py);
        let all_changes = PyList::empty(py);
        // One result per item, in order: the units cover the items in order.
        let cleaned = results.into_iter().flatten();
        for ((object, item), c) in objects.iter().zip(&items).zip(cleaned) {
            match item {
                Some(text) => {
                    if c.text == *text {
                        // Unchanged: the caller's own string object.
                        out.append(object)?;
                    } else {
                        out.append(PyString::new(py, &c.text))?;
                    }
                    if changes {
                        let list = PyList::empty(py);
                        for change in c.changes {
                            list.append(Py::new(py, Change(change))?)?;
                        }
                        all_changes.append(list)?;
                    }
                }
                None => {
                    out.append(py.None())?;
                    if changes {
                        all_changes.append(py.None())?;
                    }
                }
            }
        }
        if changes {
            Ok(PyTuple::new(py, [out.into_any(), all_changes.into_any()])?.into_any())
        } else {
            Ok(out.into_any())
        }
    }

    /// Reads a file (a path: `str` or `os.PathLike`) or bytes, decodes it (UTF-8, UTF-16,
    /// GB18030/GBK, Big5; `encoding` forces a WHATWG label), reads it as OCR engine output in
    /// `format` (`auto` detects: `hocr`, `alto`, `page`, `tesseract-tsv`, `paddleocr-json`,
    /// `rapidocr-json`) with the engine's confidences, line breaks and running headers as
    /// evidence, or as plain `text`, and cleans it as `ocrtidy clean --input-format` does
    /// (without the final line break the command line adds to its output file). Returns a
    /// `CleanedDocument`, whose `write_back` puts the corrections into an hOCR, ALTO or PAGE
    /// file.
    ///
    /// Raises OSError for a file that cannot be read, ValueError for a malformed file, a
    /// binary file (unless `encoding` is given) or one over `max_doc_bytes`.
    #[pyo3(signature = (source, format="auto", *, encoding=None, max_doc_bytes=MAX_GROUP_BYTES))]
    fn clean_document(
        &self,
        py: Python<'_>,
        source: &Bound<'_, PyAny>,
        format: &str,
        encoding: Option<&str>,
        max_doc_bytes: usize,
    ) -> PyResult<Py<CleanedDocument>> {
        let init = self.clean_document_impl(py, source, format, encoding, max_doc_bytes)?;
        Py::new(py, init)
    }

    /// Cleans the text field of every record of the JSON Lines file `src` into `dst` as
    /// `ocrtidy clean --jsonl` does, byte for byte, with its guarantees: only the field is
    /// rewritten; one output line per input line, in order; a line that cannot be cleaned is
    /// passed through and reported in `errors` (`{file, line, id, reason}`); `changes`
    /// receives the ledger (`{file, line, id, ...change}`). No output may be the input or
    /// another output (ValueError); outputs are renamed into place when the run succeeds.
    /// `group_by`: fields whose equal values in consecutive records make them pages of one
    /// document; `layout_fields`: fields holding the OCR engine's output (inline, or a path
    /// under `layout_root`, default the input's directory). Runs on `threads` workers with the
    /// GIL released; Ctrl-C stops it. Returns the counts (`lines`, `records`, `changed`,
    /// `blank`, `errors`, `warnings`, `from_layout`, `layout_fallbacks`, `input_bytes`,
    /// `output_bytes`).
    #[pyo3(signature = (
        src, dst, *, field="text", id_field="id", group_by=None, layout_fields=None,
        layout_format="auto", layout_root=None, changes=None, errors=None, threads=None,
        max_doc_bytes=MAX_GROUP_BYTES
    ))]
    #[allow(clippy::too_many_arguments)]
    fn clean_jsonl<'py>(
        &self,
        py: Python<'py>,
        src: PathBuf,
        dst: PathBuf,
        field: &str,
        id_field: &str,
        group_by: Option<&Bound<'py, PyAny>>,
        layout_fields: Option<&Bound<'py, PyAny>>,
        layout_format: &str,
        layout_root: Option<PathBuf>,
        changes: Option<PathBuf>,
        errors: Option<PathBuf>,
        threads: Option<usize>,
        max_doc_bytes: usize,
    ) -> PyResult<Bound<'py, PyDict>> {
        let args = JsonlArgs {
            field: field.to_string(),
            id_field: id_field.to_string(),
            group_by: names(group_by, "group_by")?.unwrap_or_default(),
            layout_fields: names(layout_fields, "layout_fields")?.unwrap_or_default(),
            layout_format: layout_format.to_string(),
            layout_root,
            threads: threads_arg(threads)?,
            max_doc_bytes,
        };
        self.clean_jsonl_impl(py, src, dst, changes, errors, args)
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let rebuild = py
            .import("ocrtidy._ocrtidy")?
            .getattr("_rebuild_pipeline")?;
        let args = PyTuple::new(
            py,
            [
                slf.get_type().into_any(),
                slf.get().args.bind(py).copy()?.into_any(),
            ],
        )?;
        PyTuple::new(py, [rebuild, args.into_any()])
    }

    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        let args = slf.get().args.bind(slf.py());
        let mut parts = Vec::new();
        for (k, v) in args.iter() {
            parts.push(format!("{}={}", k.str()?, v.repr()?));
        }
        Ok(format!("{}({})", slf.get_type().name()?, parts.join(", ")))
    }
}

/// Unpickles a pipeline: `cls(**kwargs)`.
#[pyfunction]
pub fn _rebuild_pipeline<'py>(
    cls: &Bound<'py, PyType>,
    kwargs: &Bound<'py, PyDict>,
) -> PyResult<Bound<'py, PyAny>> {
    cls.call((), Some(kwargs))
}

/// The text of a `str` argument as UTF-8: a TypeError for another type, a ValueError (a
/// UnicodeEncodeError) for a lone surrogate.
pub fn text_arg(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    let s = obj.cast::<PyString>().map_err(|_| {
        PyTypeError::new_err(format!("{what}: expected str, got {}", type_name(obj)))
    })?;
    s.to_cow().map(|c| c.into_owned()).map_err(|e| {
        let py = obj.py();
        PyValueError::new_err(format!(
            "{what}: the text cannot be encoded as UTF-8 ({})",
            e.value(py)
        ))
    })
}

/// The units of a batch: single items, or runs of consecutive items with equal group keys
/// (the pages of one document, as with the command line's `--group-by`). An item without
/// text (None) or without a key (None) is a unit of its own; a run is cut when its text
/// would exceed [`MAX_GROUP_BYTES`].
fn units(
    items: &[Option<String>],
    group_by: Option<&Bound<'_, PyAny>>,
) -> PyResult<Vec<Range<usize>>> {
    let keys: Option<Vec<Bound<'_, PyAny>>> = match group_by.filter(|g| !g.is_none()) {
        None => None,
        Some(g) => Some(
            g.try_iter()
                .map_err(|_| {
                    PyTypeError::new_err(format!(
                        "group_by: expected an iterable of keys, got {}",
                        type_name(g)
                    ))
                })?
                .collect::<PyResult<_>>()?,
        ),
    };
    let Some(keys) = keys else {
        return Ok((0..items.len()).map(|i| i..i + 1).collect());
    };
    if keys.len() != items.len() {
        return Err(PyValueError::new_err(format!(
            "group_by: {} keys for {} texts",
            keys.len(),
            items.len()
        )));
    }
    let mut units = Vec::new();
    let mut i = 0;
    while i < items.len() {
        let start = i;
        i += 1;
        let (Some(first), false) = (&items[start], keys[start].is_none()) else {
            units.push(start..i);
            continue;
        };
        let mut size = first.len();
        while i < items.len() {
            let Some(next) = &items[i] else { break };
            if keys[i].is_none() || !keys[i].eq(&keys[start])? {
                break;
            }
            if size + next.len() > MAX_GROUP_BYTES {
                break;
            }
            size += next.len();
            i += 1;
        }
        units.push(start..i);
    }
    Ok(units)
}
