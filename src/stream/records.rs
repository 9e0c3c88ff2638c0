//! The records of the JSON Lines side files, `--errors` and `--changes`, as the command line
//! and the bindings write them: one definition of their format.

use serde::Serialize;
use serde_json::value::RawValue;

use crate::Change;

/// One record of the errors file: a line passed through unchanged, a record cleaned from its
/// text field because its layout could not be used (`fallback`), or a warning about a cleaned
/// record (`warning`, such as a duplicate text field).
#[derive(Debug, Serialize)]
pub struct ErrorRecord<'a> {
    pub file: &'a str,
    pub line: u64,
    /// The record's id field, as it is in the input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<&'a RawValue>,
    pub reason: &'a str,
    /// The record was cleaned from its text field (its layout could not be used), not passed
    /// through.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub fallback: bool,
    /// The record was cleaned; the reason is a warning about it (duplicate text fields).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub warning: bool,
}

/// One record of the changes file: the change's fields after the file, line and id of the
/// record it belongs to.
#[derive(Debug, Serialize)]
pub struct ChangeRecord<'a> {
    pub file: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u64>,
    /// The record's id field, as it is in the input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<&'a RawValue>,
    #[serde(flatten)]
    pub change: &'a Change,
}
