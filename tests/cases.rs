//! Data-driven cases (`tests/cases/*.cases`, format in `tests/cases/README.md`): expected
//! outputs, keep-cases and the pass/rule of every applied change, with the ledger's invariants.

use std::path::Path;

use ocrtidy::{Config, PassId, Pipeline, ScriptConversion};

#[derive(Debug, Default)]
struct Case {
    file: String,
    name: String,
    passes: Option<Vec<PassId>>,
    script: Option<ScriptConversion>,
    rules: Option<Vec<String>>,
    input: String,
    output: String,
}

fn parse(file: &str, text: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut case: Option<Case> = None;
    // Which block the following lines belong to: 0 header, 1 input, 2 output.
    let mut block = 0;
    let finish = |c: Option<Case>, cases: &mut Vec<Case>| {
        if let Some(mut c) = c {
            // Line breaks at the end of a block separate cases, they are not text.
            for t in [&mut c.input, &mut c.output] {
                while t.ends_with('\n') {
                    t.pop();
                }
            }
            if c.output == "same" {
                c.output = c.input.clone();
            }
            cases.push(c);
        }
    };
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches('\n');
        if let Some(name) = bare.strip_prefix("### ") {
            finish(case.take(), &mut cases);
            case = Some(Case {
                file: file.to_string(),
                name: name.trim().to_string(),
                ..Case::default()
            });
            block = 0;
            continue;
        }
        let Some(c) = case.as_mut() else { continue };
        match (block, bare) {
            (_, "--- input") => block = 1,
            (_, "--- output") => block = 2,
            (0, l) if l.starts_with("passes:") => {
                let v = l["passes:".len()..].trim();
                if v != "default" {
                    c.passes = Some(
                        v.split(',')
                            .map(|p| ocrtidy::registry::lookup(p.trim()).expect("a pass name"))
                            .collect(),
                    );
                }
            }
            (0, l) if l.starts_with("script:") => {
                c.script = Some(match l["script:".len()..].trim() {
                    "s2t" => ScriptConversion::S2t,
                    "t2s" => ScriptConversion::T2s,
                    "s2tw" => ScriptConversion::S2tw,
                    "tw2s" => ScriptConversion::Tw2s,
                    "s2hk" => ScriptConversion::S2hk,
                    "hk2s" => ScriptConversion::Hk2s,
                    "t2tw" => ScriptConversion::T2tw,
                    other => panic!("{file}: unknown script {other}"),
                });
            }
            (0, l) if l.starts_with("rules:") => {
                c.rules = Some(
                    l["rules:".len()..]
                        .split_whitespace()
                        .map(str::to_string)
                        .collect(),
                );
            }
            (0, l) if l.trim().is_empty() || l.starts_with('#') => {}
            (0, l) => panic!("{file}: case {}: unexpected header line {l:?}", c.name),
            (1, _) => c.input.push_str(line),
            (_, _) => c.output.push_str(line),
        }
    }
    finish(case, &mut cases);
    cases
}

fn pipeline(case: &Case) -> Pipeline {
    let mut config = Config::default();
    config.script = case.script;
    let mut builder = Pipeline::builder().config(config);
    if let Some(p) = &case.passes {
        builder = builder.only(p.iter().copied());
    }
    builder.build().expect("the pipeline builds")
}

#[test]
fn data_driven_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "cases"))
        .collect();
    files.sort();
    let mut failures = Vec::new();
    let mut count = 0;
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(&path).unwrap();
        for case in parse(&name, &text) {
            count += 1;
            let p = pipeline(&case);
            let cleaned = p.clean(&case.input);
            let label = format!("{}: {}", case.file, case.name);
            if cleaned.text != case.output {
                failures.push(format!(
                    "{label}\n  input:  {:?}\n  want:   {:?}\n  got:    {:?}\n  changes: {:?}",
                    case.input,
                    case.output,
                    cleaned.text,
                    cleaned
                        .applied()
                        .map(|c| format!("{}/{} {:?}→{:?}", c.pass, c.rule, c.before, c.after))
                        .collect::<Vec<_>>()
                ));
                continue;
            }
            if let Some(rules) = &case.rules {
                let got: Vec<String> = cleaned
                    .applied()
                    .map(|c| format!("{}/{}", c.pass, c.rule))
                    .collect();
                if &got != rules {
                    failures.push(format!("{label}: rules {got:?}, want {rules:?}"));
                }
            }
            if ocrtidy::replay(&case.input, &cleaned.changes).as_deref()
                != Some(cleaned.text.as_str())
            {
                failures.push(format!("{label}: replay differs from the output"));
            }
            if case.script.is_none() {
                let again = p.clean(&cleaned.text);
                if again.text != cleaned.text {
                    failures.push(format!(
                        "{label}: not idempotent: {:?} → {:?}",
                        cleaned.text, again.text
                    ));
                }
            }
        }
    }
    assert!(count > 0, "no cases found in {}", dir.display());
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
