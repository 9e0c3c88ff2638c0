//! The ledger's invariants, checked with toy passes that edit overlapping stretches of text.

use ocrtidy_core::{
    replay, Candidate, Change, Context, EditSink, Pass, PassId, PassInput, PassKind, PassSpec,
    RuleSpec, Runner,
};
use proptest::prelude::*;

/// A toy pass's declaration (leaked once per id and rule list: the passes of these tests pick their ids).
fn toy_spec(id: PassId, rules: &'static [RuleSpec]) -> &'static PassSpec {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static SPECS: OnceLock<Mutex<HashMap<(PassId, usize), &'static PassSpec>>> = OnceLock::new();
    let mut specs = SPECS.get_or_init(Default::default).lock().unwrap();
    specs
        .entry((id, rules.as_ptr() as usize))
        .or_insert_with(|| {
            Box::leak(Box::new(PassSpec {
                id,
                summary: "a toy pass",
                kind: PassKind::Character,
                removes_text: true,
                rerun: true,
                local: false,
                written_back: false,
                rules,
            }))
        })
}

/// Replaces every occurrence of `from` with `to`.
struct ReplaceAll {
    id: PassId,
    from: &'static str,
    to: &'static str,
}

impl Pass for ReplaceAll {
    fn spec(&self) -> &'static PassSpec {
        toy_spec(
            self.id,
            &[RuleSpec {
                id: "replace",
                explain: "",
            }],
        )
    }
    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        for (i, _) in input.text.match_indices(self.from) {
            let _ = sink.replace(i..i + self.from.len(), self.to, "replace", 0.9);
        }
    }
}

/// Suggests `观` for every `关`.
struct SuggestGuan;

impl Pass for SuggestGuan {
    fn spec(&self) -> &'static PassSpec {
        toy_spec(
            PassId::Typo,
            &[RuleSpec {
                id: "similar",
                explain: "",
            }],
        )
    }
    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        for (i, _) in input.text.match_indices('关') {
            let _ = sink.suggest(i..i + 3, vec![Candidate::new("观", 0.6)], "similar", 0.6);
        }
    }
}

fn runner() -> Runner {
    Runner::new(vec![
        Box::new(ReplaceAll {
            id: PassId::Newlines,
            from: "\r\n",
            to: "\n",
        }),
        Box::new(ReplaceAll {
            id: PassId::Width,
            from: "a",
            to: "bb",
        }),
        Box::new(ReplaceAll {
            id: PassId::CjkPunct,
            from: ",",
            to: "，",
        }),
        Box::new(SuggestGuan),
        Box::new(ReplaceAll {
            id: PassId::CjkSpacing,
            from: " ，",
            to: "，",
        }),
        Box::new(ReplaceAll {
            id: PassId::TrailingSpace,
            from: "b\n",
            to: "\n",
        }),
        Box::new(ReplaceAll {
            id: PassId::BlankLines,
            from: "\n\n",
            to: "\n",
        }),
    ])
}

fn check_ledger(original: &str, output: &str, changes: &[Change]) {
    assert_eq!(
        replay(original, changes).as_deref(),
        Some(output),
        "{changes:#?}"
    );
    let applied: Vec<&Change> = changes.iter().filter(|c| c.applied).collect();
    for w in applied.windows(2) {
        assert!(w[0].end <= w[1].start, "applied changes overlap: {w:?}");
        assert!(w[0].out_end <= w[1].out_start);
    }
    for c in changes {
        assert_eq!(c.char_start, original[..c.start].chars().count());
        assert_eq!(c.char_end, original[..c.end].chars().count());
        if c.applied {
            assert_eq!(&original[c.start..c.end], c.before);
            assert_eq!(&output[c.out_start..c.out_end], c.after);
            assert_ne!(c.before, c.after);
        } else {
            // A suggestion still points at the text it was made about.
            assert_eq!(&output[c.out_start..c.out_end], c.before);
        }
    }
}

#[test]
fn fuses_edits_of_several_passes() {
    let original = "a ,关\r\n\r\nx";
    let cleaned = runner().run(original, &Context::default());
    assert_eq!(cleaned.text, "bb，关\nx");
    check_ledger(original, &cleaned.text, &cleaned.changes);
    let fused = cleaned
        .changes
        .iter()
        .find(|c| c.before == " ,")
        .expect("the space and comma edits are fused");
    assert_eq!(fused.pass, PassId::CjkSpacing);
    assert_eq!(fused.history.len(), 1);
    assert_eq!(fused.history[0].pass, PassId::CjkPunct);
    let suggestion = cleaned.suggestions().next().unwrap();
    assert_eq!(
        (suggestion.before.as_str(), suggestion.after.as_str()),
        ("关", "观")
    );
    assert_eq!(&original[suggestion.start..suggestion.end], "关");
}

#[test]
fn a_later_pass_that_restores_the_text_leaves_no_change() {
    let r = Runner::new(vec![
        Box::new(ReplaceAll {
            id: PassId::Width,
            from: "x",
            to: "y",
        }),
        Box::new(ReplaceAll {
            id: PassId::Typo,
            from: "y",
            to: "x",
        }),
    ]);
    let cleaned = r.run("axb", &Context::default());
    assert_eq!(cleaned.text, "axb");
    assert!(cleaned.changes.is_empty());
}

#[test]
fn suggestions_on_changed_text_are_superseded() {
    let r = Runner::new(vec![
        Box::new(SuggestGuan),
        Box::new(ReplaceAll {
            id: PassId::Typo,
            from: "关",
            to: "观",
        }),
    ]);
    let cleaned = r.run("安全关", &Context::default());
    assert_eq!(cleaned.text, "安全观");
    assert_eq!(cleaned.suggestions().count(), 0);
    assert_eq!(cleaned.stats.superseded_suggestions, 1);
}

proptest! {
    #[test]
    fn replaying_the_ledger_reproduces_the_output(original in "[ab ,关\r\n清]{0,40}") {
        let cleaned = runner().run(&original, &Context::default());
        check_ledger(&original, &cleaned.text, &cleaned.changes);
    }
}

#[test]
fn passes_rerun_until_the_text_is_a_fixed_point() {
    // One run of this pass halves runs of `a`; the runner repeats until nothing changes.
    let r = Runner::new(vec![Box::new(ReplaceAll {
        id: PassId::Width,
        from: "aa",
        to: "a",
    })]);
    let cleaned = r.run("xaaaaaaaay", &Context::default());
    assert_eq!(cleaned.text, "xay");
    assert!(cleaned.stats.converged);
    assert_eq!(cleaned.stats.rounds, 4);
    check_ledger("xaaaaaaaay", &cleaned.text, &cleaned.changes);
    let again = r.run(&cleaned.text, &Context::default());
    assert!(again.changes.is_empty());
    assert_eq!(again.stats.rounds, 1);
}

/// Inserts a mark at the start every time: it never converges.
struct AlwaysInsert;

impl Pass for AlwaysInsert {
    fn spec(&self) -> &'static PassSpec {
        toy_spec(
            PassId::Typo,
            &[RuleSpec {
                id: "mark",
                explain: "",
            }],
        )
    }
    fn run(&self, _input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        let _ = sink.insert(0, "#", "mark", 0.5);
    }
}

#[test]
fn a_run_that_does_not_converge_says_so() {
    let cleaned = Runner::new(vec![Box::new(AlwaysInsert)]).run("x", &Context::default());
    assert!(!cleaned.stats.converged);
    assert_eq!(cleaned.stats.rounds, Runner::MAX_ROUNDS);
    assert_eq!(cleaned.text, format!("{}x", "#".repeat(Runner::MAX_ROUNDS)));
    assert_eq!(cleaned.changes.len(), 1);
    assert_eq!(cleaned.changes[0].history.len(), Runner::MAX_ROUNDS - 1);
}
