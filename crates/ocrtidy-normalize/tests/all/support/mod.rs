//! Runs passes through the core runner and checks the ledger invariant.

use ocrtidy_core::{replay, Cleaned, Context, Pass, Runner};

pub fn run(passes: Vec<Box<dyn Pass>>, input: &str) -> Cleaned {
    let cleaned = Runner::new(passes).run(input, &Context::default());
    assert_eq!(
        replay(input, &cleaned.changes).as_deref(),
        Some(cleaned.text.as_str()),
        "ledger does not replay for {input:?}"
    );
    cleaned
}
