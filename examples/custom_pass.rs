//! A user's own pass in the default pipeline: scans from Google Books carry the stamp
//! `Digitized by Google` at the foot of many pages, which no built-in pass knows. The pass
//! declares itself (id, rules with explanations), pushes edits like a built-in pass, and its
//! changes carry its own id in the ledger.
//!
//! `cargo run --example custom_pass < page.txt` prints the cleaned text and the changes.
//! Adding a pass is this: one file with the pass and its `PassSpec`, and one line that places it
//! (here `insert_before`; a built-in pass has its line in `src/registry.rs`).

use std::io::Read;

use ocrtidy::{EditSink, Pass, PassId, PassInput, PassKind, PassSpec, Pipeline, RuleSpec};

/// Removes the lines that are only a digitisation stamp.
pub struct DigitizationStamp;

impl DigitizationStamp {
    pub const SPEC: PassSpec = PassSpec {
        id: PassId::new("digitization-stamp"),
        summary: "`Digitized by Google` stamps removed",
        kind: PassKind::Layout,
        removes_text: true,
        rerun: true,
        local: false,
        written_back: false,
        rules: &[RuleSpec {
            id: "google-stamp",
            explain: "A line that is only the stamp `Digitized by Google` (any case, OCR \
                      spacing) is removed with its line break: the scanner added it, the book \
                      does not say it.",
        }],
    };
}

impl Pass for DigitizationStamp {
    fn spec(&self) -> &'static PassSpec {
        &Self::SPEC
    }

    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        let mut at = 0;
        for line in input.text.split_inclusive('\n') {
            let words: Vec<String> = line.split_whitespace().map(str::to_lowercase).collect();
            if words == ["digitized", "by", "google"] {
                let _ = sink.delete(at..at + line.len(), "google-stamp", 0.95);
            }
            at += line.len();
        }
    }
}

/// The default pipeline with the stamp removed before lines are joined.
pub fn pipeline() -> Result<Pipeline, ocrtidy::BuildError> {
    Pipeline::builder()
        .insert_before(PassId::LineJoin, DigitizationStamp)
        .build()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input)?;
    let cleaned = pipeline()?.clean(&input);
    println!("{}", cleaned.text);
    for c in &cleaned.changes {
        eprintln!("{}/{} {:?} → {:?}", c.pass, c.rule, c.before, c.after);
    }
    Ok(())
}
