//! The `ocrtidy` Python package's native module, `ocrtidy._ocrtidy`: a thin layer over the
//! `ocrtidy` library. The Python package (`python/ocrtidy/`) re-exports it and adds the
//! pyarrow conversions; `python/ocrtidy/_ocrtidy.pyi` documents every name.

use pyo3::prelude::*;

mod document;
mod jsonl;
mod ledger;
mod pipeline;
mod util;

/// The passes of this build, in pipeline order: `(name, summary)` pairs.
#[pyfunction]
fn list_passes() -> Vec<(&'static str, &'static str)> {
    ocrtidy::registry::registered()
        .iter()
        .map(|r| (r.spec.id.name(), r.spec.summary))
        .collect()
}

/// The explanation of a rule, `"pass/rule"` or `"rule"` (every pass that declares it), as
/// `(pass, rule, explanation)` triples; empty for an unknown rule.
#[pyfunction]
fn explain(rule: &str) -> Vec<(&'static str, &'static str, &'static str)> {
    ocrtidy::registry::find_rule(rule)
        .into_iter()
        .map(|(spec, rule)| (spec.id.name(), rule.id, rule.explain))
        .collect()
}

#[pymodule]
fn _ocrtidy(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("MAX_DOC_BYTES", pipeline::MAX_GROUP_BYTES)?;
    m.add_class::<pipeline::Pipeline>()?;
    m.add_class::<ledger::Cleaned>()?;
    m.add_class::<ledger::Change>()?;
    m.add_class::<ledger::Candidate>()?;
    m.add_class::<ledger::Step>()?;
    m.add_class::<ledger::RunStats>()?;
    m.add_class::<document::CleanedDocument>()?;
    m.add_class::<document::WriteBack>()?;
    m.add_function(wrap_pyfunction!(ledger::replay, m)?)?;
    m.add_function(wrap_pyfunction!(list_passes, m)?)?;
    m.add_function(wrap_pyfunction!(explain, m)?)?;
    m.add_function(wrap_pyfunction!(pipeline::_rebuild_pipeline, m)?)?;
    Ok(())
}
