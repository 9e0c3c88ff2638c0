//! The change ledger on the Python side: `Change`, `Candidate`, `Step`, `RunStats` and
//! `Cleaned`, each a frozen wrapper around the library's own value.

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

/// An `f32` of the library as the Python float that prints the same (`0.9`, not
/// `0.8999999761581421`): its shortest decimal form read as an `f64`.
pub(crate) fn py_float(x: f32) -> f64 {
    x.to_string().parse().unwrap_or(f64::from(x))
}

/// `repr(value)` as Python writes it.
pub(crate) fn py_repr<'py, T: IntoPyObject<'py>>(py: Python<'py>, value: T) -> String {
    use pyo3::BoundObject;
    value
        .into_pyobject(py)
        .ok()
        .and_then(|v| v.into_any().into_bound().repr().ok().map(|r| r.to_string()))
        .unwrap_or_default()
}

/// One ranked alternative of a change: `text` and its `score` in [0, 1].
#[pyclass(frozen, eq, module = "ocrtidy")]
#[derive(Clone, PartialEq)]
pub struct Candidate(pub ocrtidy::Candidate);

#[pymethods]
impl Candidate {
    #[getter]
    fn text(&self) -> &str {
        &self.0.text
    }

    #[getter]
    fn score(&self) -> f64 {
        py_float(self.0.score)
    }

    /// `{"text": ..., "score": ...}`, as in the `--changes` ledger.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("text", &self.0.text)?;
        d.set_item("score", self.score())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Candidate(text={}, score={})",
            py_repr(py, &self.0.text),
            py_repr(py, self.score())
        )
    }
}

/// An earlier edit fused into a change: `pass_` (also `getattr(step, "pass")`), `rule`,
/// `confidence`.
#[pyclass(frozen, eq, module = "ocrtidy")]
#[derive(Clone, PartialEq)]
pub struct Step(pub ocrtidy::Step);

#[pymethods]
impl Step {
    #[getter(pass_)]
    fn pass_(&self) -> &'static str {
        self.0.pass.name()
    }

    #[getter(r#pass)]
    fn pass_keyword(&self) -> &'static str {
        self.0.pass.name()
    }

    #[getter]
    fn rule(&self) -> &'static str {
        self.0.rule
    }

    #[getter]
    fn confidence(&self) -> f64 {
        py_float(self.0.confidence)
    }

    /// `{"pass": ..., "rule": ..., "confidence": ...}`, as in the `--changes` ledger.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("pass", self.0.pass.name())?;
        d.set_item("rule", self.0.rule)?;
        d.set_item("confidence", self.confidence())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Step(pass={}, rule={}, confidence={})",
            py_repr(py, self.0.pass.name()),
            py_repr(py, self.0.rule),
            py_repr(py, self.confidence())
        )
    }
}

/// One entry of the change ledger, with the fields of the `--changes` JSON Lines records.
#[pyclass(frozen, eq, module = "ocrtidy")]
#[derive(Clone, PartialEq)]
pub struct Change(pub ocrtidy::Change);

#[pymethods]
impl Change {
    /// The pass that made the change (`pass` is a Python keyword: also
    /// `getattr(change, "pass")` and `change.to_dict()["pass"]`).
    #[getter(pass_)]
    fn pass_(&self) -> &'static str {
        self.0.pass.name()
    }

    #[getter(r#pass)]
    fn pass_keyword(&self) -> &'static str {
        self.0.pass.name()
    }

    #[getter]
    fn rule(&self) -> &'static str {
        self.0.rule
    }

    #[getter]
    fn start(&self) -> usize {
        self.0.start
    }

    #[getter]
    fn end(&self) -> usize {
        self.0.end
    }

    #[getter]
    fn char_start(&self) -> usize {
        self.0.char_start
    }

    #[getter]
    fn char_end(&self) -> usize {
        self.0.char_end
    }

    #[getter]
    fn before(&self) -> &str {
        &self.0.before
    }

    #[getter]
    fn after(&self) -> &str {
        &self.0.after
    }

    #[getter]
    fn confidence(&self) -> f64 {
        py_float(self.0.confidence)
    }

    #[getter]
    fn applied(&self) -> bool {
        self.0.applied
    }

    #[getter]
    fn candidates(&self) -> Vec<Candidate> {
        self.0.candidates.iter().cloned().map(Candidate).collect()
    }

    #[getter]
    fn out_start(&self) -> usize {
        self.0.out_start
    }

    #[getter]
    fn out_end(&self) -> usize {
        self.0.out_end
    }

    #[getter]
    fn history(&self) -> Vec<Step> {
        self.0.history.iter().cloned().map(Step).collect()
    }

    /// The change as a dict with the keys of a `--changes` record, in its order (`history`
    /// only when there is one, as there).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let c = &self.0;
        let d = PyDict::new(py);
        d.set_item("pass", c.pass.name())?;
        d.set_item("rule", c.rule)?;
        d.set_item("start", c.start)?;
        d.set_item("end", c.end)?;
        d.set_item("char_start", c.char_start)?;
        d.set_item("char_end", c.char_end)?;
        d.set_item("before", &c.before)?;
        d.set_item("after", &c.after)?;
        d.set_item("confidence", self.confidence())?;
        d.set_item("applied", c.applied)?;
        let candidates = PyList::empty(py);
        for cand in &c.candidates {
            candidates.append(Candidate(cand.clone()).to_dict(py)?)?;
        }
        d.set_item("candidates", candidates)?;
        d.set_item("out_start", c.out_start)?;
        d.set_item("out_end", c.out_end)?;
        if !c.history.is_empty() {
            let history = PyList::empty(py);
            for step in &c.history {
                history.append(Step(step.clone()).to_dict(py)?)?;
            }
            d.set_item("history", history)?;
        }
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let c = &self.0;
        format!(
            "Change(pass={}, rule={}, start={}, end={}, before={}, after={}, confidence={}, \
             applied={})",
            py_repr(py, c.pass.name()),
            py_repr(py, c.rule),
            c.start,
            c.end,
            py_repr(py, &c.before),
            py_repr(py, &c.after),
            py_repr(py, self.confidence()),
            py_repr(py, c.applied)
        )
    }
}

/// Counters of one run: `rounds` of all passes, whether the run `converged` (its output is a
/// fixed point), `rejected_edits` (a pass bug: always 0), `superseded_suggestions`.
#[pyclass(frozen, eq, module = "ocrtidy")]
#[derive(Clone, PartialEq)]
pub struct RunStats(pub ocrtidy::RunStats);

#[pymethods]
impl RunStats {
    #[getter]
    fn rounds(&self) -> usize {
        self.0.rounds
    }

    #[getter]
    fn converged(&self) -> bool {
        self.0.converged
    }

    #[getter]
    fn rejected_edits(&self) -> usize {
        self.0.rejected_edits
    }

    #[getter]
    fn superseded_suggestions(&self) -> usize {
        self.0.superseded_suggestions
    }

    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("rounds", self.0.rounds)?;
        d.set_item("converged", self.0.converged)?;
        d.set_item("rejected_edits", self.0.rejected_edits)?;
        d.set_item("superseded_suggestions", self.0.superseded_suggestions)?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "RunStats(rounds={}, converged={}, rejected_edits={}, superseded_suggestions={})",
            self.0.rounds,
            py_repr(py, self.0.converged),
            self.0.rejected_edits,
            self.0.superseded_suggestions
        )
    }
}

/// The result of cleaning one text: the cleaned `text`, its `changes` (applied changes and
/// suggestions, sorted by position in the original) and the run's `stats`. `str(cleaned)` is
/// the text.
#[pyclass(frozen, subclass, module = "ocrtidy")]
pub struct Cleaned {
    pub text: String,
    pub changes: Vec<Py<Change>>,
    pub stats: Py<RunStats>,
}

impl Cleaned {
    pub fn new(py: Python<'_>, cleaned: ocrtidy::Cleaned) -> PyResult<Cleaned> {
        let changes = cleaned
            .changes
            .into_iter()
            .map(|c| Py::new(py, Change(c)))
            .collect::<PyResult<_>>()?;
        Ok(Cleaned {
            text: cleaned.text,
            changes,
            stats: Py::new(py, RunStats(cleaned.stats))?,
        })
    }

    fn filtered<'py>(&self, py: Python<'py>, applied: bool) -> PyResult<Bound<'py, PyList>> {
        PyList::new(
            py,
            self.changes
                .iter()
                .filter(|c| c.get().0.applied == applied)
                .map(|c| c.clone_ref(py)),
        )
    }
}

#[pymethods]
impl Cleaned {
    #[getter]
    fn text(&self) -> &str {
        &self.text
    }

    /// Every change: applied ones and suggestions, sorted by position in the original.
    #[getter]
    fn changes<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.changes.iter().map(|c| c.clone_ref(py)))
    }

    /// The applied changes only.
    #[getter]
    fn applied<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        self.filtered(py, true)
    }

    /// The suggestions only (changes the text does not have).
    #[getter]
    fn suggestions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        self.filtered(py, false)
    }

    #[getter]
    fn stats(&self, py: Python<'_>) -> Py<RunStats> {
        self.stats.clone_ref(py)
    }

    fn __str__(&self) -> &str {
        &self.text
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        let applied = self.changes.iter().filter(|c| c.get().0.applied).count();
        format!(
            "Cleaned(text={}, changes={} applied + {} suggested)",
            py_repr(py, &self.text),
            applied,
            self.changes.len() - applied
        )
    }
}

/// Applies the applied changes of `changes` to `original` (replaces each `start:end` byte
/// range of it by `after`): the cleaned text, when `changes` is the ledger of cleaning
/// `original`.
///
/// Raises ValueError when the changes do not fit `original` (overlapping, out of range, or
/// `before` not the text at their place).
#[pyfunction]
pub fn replay(original: &str, changes: Vec<Bound<'_, Change>>) -> PyResult<String> {
    let changes: Vec<ocrtidy::Change> = changes.iter().map(|c| c.get().0.clone()).collect();
    ocrtidy::replay(original, &changes).ok_or_else(|| {
        PyValueError::new_err("the changes do not apply to this text (offsets or `before` differ)")
    })
}
