use serde::{Deserialize, Serialize};

use crate::PassId;

/// A ranked alternative for a suggestion (or the rejected alternatives of an applied change).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub text: String,
    /// A score in [0, 1]; higher is more likely.
    pub score: f32,
}

impl Candidate {
    pub fn new(text: impl Into<String>, score: f32) -> Self {
        Candidate {
            text: text.into(),
            score: score.clamp(0.0, 1.0),
        }
    }
}

/// An earlier edit that was fused into a change because a later pass edited the same text.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Step {
    pub pass: PassId,
    pub rule: &'static str,
    pub confidence: f32,
}

/// One entry of the change ledger.
///
/// Offsets `start`/`end` are bytes and `char_start`/`char_end` code points of the ORIGINAL input;
/// `out_start`/`out_end` are bytes of the output text. `before` is the original text of the span
/// for an applied change, and the text the pass saw for a suggestion; `after` is the replacement
/// (for a suggestion, its top candidate).
///
/// When several passes edit the same stretch of text their edits are fused into one change so
/// that applied changes stay disjoint in the original: `pass` and `rule` name the principal
/// edit — the last one that removed or inserted material text (anything but whitespace), or the
/// last edit when all of them only moved whitespace — and `history` the others, oldest first.
/// So a header removed by `furniture` whose surrounding blank lines `blank-lines` then tidied is
/// a `furniture` change.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Change {
    pub pass: PassId,
    pub rule: &'static str,
    pub start: usize,
    pub end: usize,
    pub char_start: usize,
    pub char_end: usize,
    pub before: String,
    pub after: String,
    pub confidence: f32,
    pub applied: bool,
    pub candidates: Vec<Candidate>,
    pub out_start: usize,
    pub out_end: usize,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<Step>,
}

/// A [`Step`] as read back from text: its rule id is interned (see [`crate::intern`]).
#[derive(Deserialize)]
struct StepRecord {
    pass: PassId,
    rule: String,
    confidence: f32,
}

impl From<StepRecord> for Step {
    fn from(r: StepRecord) -> Step {
        Step {
            pass: r.pass,
            rule: crate::intern(&r.rule),
            confidence: r.confidence,
        }
    }
}

/// A [`Change`] as read back from text (a saved ledger): its rule id is interned, other fields
/// (such as the record id that the CLI adds) are ignored.
#[derive(Deserialize)]
struct ChangeRecord {
    pass: PassId,
    rule: String,
    start: usize,
    end: usize,
    char_start: usize,
    char_end: usize,
    before: String,
    after: String,
    confidence: f32,
    applied: bool,
    #[serde(default)]
    candidates: Vec<Candidate>,
    out_start: usize,
    out_end: usize,
    #[serde(default)]
    history: Vec<StepRecord>,
}

impl<'de> Deserialize<'de> for Step {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        StepRecord::deserialize(d).map(Step::from)
    }
}

impl<'de> Deserialize<'de> for Change {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        ChangeRecord::deserialize(d).map(Change::from)
    }
}

impl From<ChangeRecord> for Change {
    fn from(r: ChangeRecord) -> Change {
        Change {
            pass: r.pass,
            rule: crate::intern(&r.rule),
            start: r.start,
            end: r.end,
            char_start: r.char_start,
            char_end: r.char_end,
            before: r.before,
            after: r.after,
            confidence: r.confidence,
            applied: r.applied,
            candidates: r.candidates,
            out_start: r.out_start,
            out_end: r.out_end,
            history: r.history.into_iter().map(Step::from).collect(),
        }
    }
}

/// Applies the applied changes of a ledger to the original input. The result equals the
/// pipeline's output; this is the ledger's central invariant. Returns `None` when the changes do
/// not fit the input (overlap, bad offsets, or `before` differing from the input).
pub fn replay(original: &str, changes: &[Change]) -> Option<String> {
    let mut applied: Vec<&Change> = changes.iter().filter(|c| c.applied).collect();
    applied.sort_by_key(|c| (c.start, c.end));
    let mut out = String::with_capacity(original.len());
    let mut pos = 0;
    for c in applied {
        if c.start < pos || original.get(c.start..c.end)? != c.before {
            return None;
        }
        out.push_str(&original[pos..c.start]);
        out.push_str(&c.after);
        pos = c.end;
    }
    out.push_str(original.get(pos..)?);
    Some(out)
}
