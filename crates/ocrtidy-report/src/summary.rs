//! The per-run summary record of the JSON Lines change stream.
//!
//! The stream written by `ocrtidy clean --changes FILE` (and `--report FILE.jsonl`) has one
//! JSON object per line. Change records carry `file` plus the fields of
//! [`ocrtidy_core::Change`]: `pass`, `rule`, `start`, `end` (bytes of the original),
//! `char_start`, `char_end` (code points of the original), `before`, `after`, `confidence`,
//! `applied`, `candidates` (`[{text, score}]`), `out_start`, `out_end` (bytes of the output)
//! and, when edits were fused, `history` (`[{pass, rule, confidence}]`). After the changes of a
//! file comes one summary record, recognised by its `summary` key:
//!
//! ```json
//! {"file":"page.txt","summary":{"changes":3,"applied":2,"suggested":1,
//!   "by_pass":{"newlines":{"applied":2,"suggested":0},"typo":{"applied":0,"suggested":1}},
//!   "by_rule":{"newlines/crlf":{"applied":2,"suggested":0},"typo/confusion":{"applied":0,"suggested":1}},
//!   "input_bytes":120,"output_bytes":118}}
//! ```
//!
//! The format is stable: fields may be added, none are removed or renamed.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::Document;

/// Applied and suggested counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub applied: usize,
    pub suggested: usize,
}

impl Tally {
    fn add(&mut self, applied: bool) {
        if applied {
            self.applied += 1;
        } else {
            self.suggested += 1;
        }
    }
}

/// Counts of one run over one document.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub changes: usize,
    pub applied: usize,
    pub suggested: usize,
    /// Per pass name.
    pub by_pass: BTreeMap<String, Tally>,
    /// Per rule, keyed `pass/rule`.
    pub by_rule: BTreeMap<String, Tally>,
    pub input_bytes: usize,
    pub output_bytes: usize,
}

impl Summary {
    pub fn of(doc: &Document<'_>) -> Summary {
        let mut s = Summary {
            input_bytes: doc.original.len(),
            output_bytes: doc.output.len(),
            ..Summary::default()
        };
        for c in doc.changes {
            s.changes += 1;
            if c.applied {
                s.applied += 1;
            } else {
                s.suggested += 1;
            }
            s.by_pass
                .entry(c.pass.name().to_string())
                .or_default()
                .add(c.applied);
            s.by_rule
                .entry(format!("{}/{}", c.pass.name(), c.rule))
                .or_default()
                .add(c.applied);
        }
        s
    }
}

/// The summary line of the JSON Lines stream: `{"file": …, "summary": {…}}`.
#[derive(Serialize)]
pub struct SummaryRecord<'a> {
    pub file: &'a str,
    pub summary: &'a Summary,
}

#[cfg(test)]
mod tests {
    use super::*;
    use ocrtidy_core::{Change, PassId};

    #[test]
    fn counts_per_pass_and_rule() {
        let mk = |pass, rule, applied| Change {
            pass,
            rule,
            start: 0,
            end: 0,
            char_start: 0,
            char_end: 0,
            before: String::new(),
            after: String::new(),
            confidence: 1.0,
            applied,
            candidates: vec![],
            out_start: 0,
            out_end: 0,
            history: vec![],
        };
        let changes = [
            mk(PassId::Newlines, "crlf", true),
            mk(PassId::Newlines, "crlf", true),
            mk(PassId::Typo, "confusion", false),
        ];
        let doc = Document {
            name: "p",
            original: "ab",
            output: "a",
            changes: &changes,
        };
        let s = Summary::of(&doc);
        let json = serde_json::to_string(&SummaryRecord {
            file: "p",
            summary: &s,
        })
        .unwrap();
        assert_eq!(
            json,
            r#"{"file":"p","summary":{"changes":3,"applied":2,"suggested":1,"by_pass":{"newlines":{"applied":2,"suggested":0},"typo":{"applied":0,"suggested":1}},"by_rule":{"newlines/crlf":{"applied":2,"suggested":0},"typo/confusion":{"applied":0,"suggested":1}},"input_bytes":2,"output_bytes":1}}"#
        );
    }
}
