//! Runs passes through the core runner and checks output, rule ids and the ledger invariant.

#![allow(dead_code)]

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

/// One case: input, expected output, expected rule ids of the applied changes (sorted, deduped).
pub type Case<'a> = (&'a str, &'a str, &'a [&'a str]);

pub fn check(make: impl Fn() -> Box<dyn Pass>, cases: &[Case<'_>]) {
    check_passes(|| vec![make()], cases);
}

/// [`check`] with several passes run together.
pub fn check_passes(make: impl Fn() -> Vec<Box<dyn Pass>>, cases: &[Case<'_>]) {
    for &(input, want, rules) in cases {
        let cleaned = run(make(), input);
        assert_eq!(cleaned.text, want, "input {input:?}");
        let mut got: Vec<&str> = cleaned.applied().map(|c| c.rule).collect();
        got.sort_unstable();
        got.dedup();
        assert_eq!(got, rules, "rules for {input:?}");
        let again = run(make(), &cleaned.text);
        assert_eq!(again.text, cleaned.text, "not idempotent on {input:?}");
    }
}

/// Texts that the pass must leave exactly as they are.
pub fn keep(make: impl Fn() -> Box<dyn Pass>, texts: &[&str]) {
    keep_passes(|| vec![make()], texts);
}

/// [`keep`] with several passes run together.
pub fn keep_passes(make: impl Fn() -> Vec<Box<dyn Pass>>, texts: &[&str]) {
    for &t in texts {
        let cleaned = run(make(), t);
        assert_eq!(cleaned.text, t, "changed a keep-case");
        assert_eq!(cleaned.applied().count(), 0, "changes on a keep-case {t:?}");
    }
}
