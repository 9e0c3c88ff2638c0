//! Runs one pass over a text and checks the output, the rules applied and the rules suggested.

use ocrtidy_core::{Context, Pass, Runner};

/// One data-driven case: `input` becomes `output`; `applied` and `suggested` are the rule ids of
/// the applied changes and of the suggestions, in text order.
pub struct Case {
    pub input: &'static str,
    pub output: &'static str,
    pub applied: &'static [&'static str],
    pub suggested: &'static [&'static str],
}

/// A case that must not change and raise no suggestion.
pub const fn keep(input: &'static str) -> Case {
    Case {
        input,
        output: input,
        applied: &[],
        suggested: &[],
    }
}

pub const fn fix(
    input: &'static str,
    output: &'static str,
    applied: &'static [&'static str],
) -> Case {
    Case {
        input,
        output,
        applied,
        suggested: &[],
    }
}

pub const fn suggest(input: &'static str, suggested: &'static [&'static str]) -> Case {
    Case {
        input,
        output: input,
        applied: &[],
        suggested,
    }
}

/// Runs `pass` on every case and reports all failures at once. Every output must also be a fixed
/// point of the pass.
pub fn check<P: Pass + Clone + 'static>(pass: P, cases: &[Case]) {
    let runner = Runner::new(vec![Box::new(pass)]);
    let ctx = Context::default();
    let mut failures = Vec::new();
    for case in cases {
        let out = runner.run(case.input, &ctx);
        let applied: Vec<&str> = out.applied().map(|c| c.rule).collect();
        let suggested: Vec<&str> = out.suggestions().map(|c| c.rule).collect();
        let again = runner.run(&out.text, &ctx);
        if out.text != case.output
            || applied != case.applied
            || suggested != case.suggested
            || again.text != out.text
        {
            failures.push(format!(
                "input:    {:?}\nexpected: {:?} applied {:?} suggested {:?}\ngot:      {:?} applied {:?} suggested {:?}\nagain:    {:?}\n",
                case.input,
                case.output,
                case.applied,
                case.suggested,
                out.text,
                applied,
                suggested,
                again.text
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing case(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
