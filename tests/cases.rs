//! Data-driven cases (`tests/cases/*.cases`, format in `tests/cases/README.md`): expected
//! outputs, keep-cases, the pass/rule of every applied change and suggestion, with the ledger's
//! invariants. Every failing case is reported, not only the first.

use std::path::Path;

use ocrtidy::{Cleaned, Config, ParagraphSeparator, PassId, Pipeline, ScriptConversion};

/// The header of a case: what to run and what to check besides the output. The header lines
/// of a file before its first case are the defaults of all its cases.
#[derive(Debug, Clone, Default)]
struct Header {
    passes: Option<Vec<PassId>>,
    config: Config,
    rules: Option<Vec<String>>,
    suggests: Option<Vec<String>>,
    /// `suggest:` lines: the `before` of a suggestion and its leading candidates.
    suggest: Vec<(String, Vec<String>)>,
    uses: Vec<String>,
    escapes: bool,
    /// `None`: cleaning the output again must change nothing; `Some(reason)`: not checked.
    not_idempotent: Option<String>,
}

#[derive(Debug)]
struct Case {
    file: String,
    name: String,
    header: Header,
    input: String,
    output: String,
    keep: bool,
}

/// Rust's string escapes: `\n`, `\r`, `\t`, `\0`, `\\`, `\"` and `\u{…}`.
fn unescape(s: &str) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('0') => out.push('\0'),
            Some('\\') => out.push('\\'),
            Some('"') => out.push('"'),
            Some('u') => {
                let rest = chars.as_str();
                let hex = rest
                    .strip_prefix('{')
                    .and_then(|r| r.split_once('}'))
                    .map(|(h, _)| h)
                    .ok_or_else(|| format!("bad \\u escape in {s:?}"))?;
                let c = u32::from_str_radix(hex, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or_else(|| format!("bad \\u escape in {s:?}"))?;
                out.push(c);
                chars = rest[hex.len() + 2..].chars();
            }
            other => return Err(format!("unknown escape \\{other:?} in {s:?}")),
        }
    }
    Ok(out)
}

/// The quoted strings of a `suggest:` line: `"before" → "first", "second"`.
fn quoted(line: &str) -> Result<Vec<String>, String> {
    let mut strings = Vec::new();
    let mut rest = line.trim();
    while !rest.is_empty() {
        rest = rest
            .strip_prefix('"')
            .ok_or_else(|| format!("expected a quoted string at {rest:?}"))?;
        let mut end = None;
        let mut escaped = false;
        for (i, c) in rest.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => {
                    end = Some(i);
                    break;
                }
                _ => {}
            }
        }
        let end = end.ok_or_else(|| format!("unterminated string in {line:?}"))?;
        strings.push(unescape(&rest[..end])?);
        rest = rest[end + 1..].trim_start();
        rest = rest
            .strip_prefix('→')
            .or_else(|| rest.strip_prefix(','))
            .unwrap_or(rest)
            .trim_start();
    }
    Ok(strings)
}

/// Applies one header line; `Ok(false)` when the line is not a header line.
fn header_line(h: &mut Header, line: &str) -> Result<bool, String> {
    let Some((key, value)) = line.split_once(':') else {
        return Ok(false);
    };
    let value = value.trim();
    let list = || value.split_whitespace().map(str::to_string).collect();
    match key {
        "passes" if value == "default" => h.passes = None,
        "passes" => {
            h.passes = Some(
                value
                    .split(',')
                    .map(|p| ocrtidy::registry::lookup(p.trim()).map_err(|e| e.to_string()))
                    .collect::<Result<_, _>>()?,
            )
        }
        "script" => {
            h.config.script = Some(
                value
                    .parse::<ScriptConversion>()
                    .map_err(|e| e.to_string())?,
            )
        }
        "config" => {
            for item in value.split_whitespace() {
                let (k, v) = item.split_once('=').unwrap_or((item, "yes"));
                match (k, v) {
                    ("paragraph-separator", "line") => {
                        h.config.paragraph_separator = ParagraphSeparator::Line
                    }
                    ("paragraph-separator", "blank") => {
                        h.config.paragraph_separator = ParagraphSeparator::Blank
                    }
                    ("keep-furniture", "yes") => h.config.keep_furniture = true,
                    ("keep-furniture", "no") => h.config.keep_furniture = false,
                    ("all-suggestions", "yes") => h.config.all_suggestions = true,
                    ("all-suggestions", "no") => h.config.all_suggestions = false,
                    ("modernise", "yes") => h.config.modernise = true,
                    ("modernise", "no") => h.config.modernise = false,
                    ("typo-threshold", t) => {
                        h.config.typo_threshold = Some(t.parse().map_err(|e| format!("{e}"))?)
                    }
                    _ => return Err(format!("unknown config {item:?}")),
                }
            }
        }
        "rules" => h.rules = Some(list()),
        "suggests" => h.suggests = Some(list()),
        "suggest" => {
            let mut s = quoted(value)?;
            if s.len() < 2 {
                return Err(format!(
                    "suggest needs \"before\" → \"candidate\": {value:?}"
                ));
            }
            let before = s.remove(0);
            h.suggest.push((before, s));
        }
        "uses" => h.uses = list(),
        "escapes" => h.escapes = value == "yes",
        "idempotent" => {
            h.not_idempotent = match value.split_once(' ') {
                _ if value == "yes" => None,
                Some(("no", reason)) => Some(reason.trim_start_matches(['—', '-', ' ']).into()),
                _ => return Err(format!("idempotent: yes, or no — a reason: {value:?}")),
            }
        }
        _ => return Ok(false),
    }
    Ok(true)
}

fn parse(file: &str, text: &str) -> Result<Vec<Case>, String> {
    let mut defaults = Header::default();
    let mut cases = Vec::new();
    let mut case: Option<Case> = None;
    // Which block the following lines belong to: 0 header, 1 input, 2 output.
    let mut block = 0;
    let finish = |c: Option<Case>, cases: &mut Vec<Case>| -> Result<(), String> {
        let Some(mut c) = c else { return Ok(()) };
        // Line breaks at the end of a block separate cases, they are not text.
        for t in [&mut c.input, &mut c.output] {
            while t.ends_with('\n') {
                t.pop();
            }
        }
        if c.header.escapes {
            c.input = unescape(&c.input)?;
            if c.output != "same" {
                c.output = unescape(&c.output)?;
            }
        }
        if c.output == "same" {
            c.output = c.input.clone();
            c.keep = true;
        }
        cases.push(c);
        Ok(())
    };
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches('\n');
        if let Some(name) = bare.strip_prefix("### ") {
            finish(case.take(), &mut cases)?;
            case = Some(Case {
                file: file.to_string(),
                name: name.trim().to_string(),
                header: defaults.clone(),
                input: String::new(),
                output: String::new(),
                keep: false,
            });
            block = 0;
            continue;
        }
        let Some(c) = case.as_mut() else {
            // Header lines before the first case: the defaults of the file.
            if !(bare.trim().is_empty()
                || bare.starts_with('#')
                || header_line(&mut defaults, bare)?)
            {
                return Err(format!("unexpected line before the first case: {bare:?}"));
            }
            continue;
        };
        match (block, bare) {
            (_, "--- input") => block = 1,
            (_, "--- output") => block = 2,
            (0, l) if l.trim().is_empty() || l.starts_with('#') => {}
            (0, l) => {
                if !header_line(&mut c.header, l).map_err(|e| format!("{}: {e}", c.name))? {
                    return Err(format!("case {}: unexpected header line {l:?}", c.name));
                }
            }
            (1, _) => c.input.push_str(line),
            (_, _) => c.output.push_str(line),
        }
    }
    finish(case, &mut cases)?;
    Ok(cases)
}

fn pipeline(h: &Header) -> Pipeline {
    let mut builder = Pipeline::builder().config(h.config.clone());
    if let Some(p) = &h.passes {
        builder = builder.only(p.iter().copied());
    }
    builder.build().expect("the pipeline builds")
}

fn rule(c: &ocrtidy::Change) -> String {
    format!("{}/{}", c.pass, c.rule)
}

/// What is wrong with the result of one case (nothing: empty).
fn check(case: &Case) -> Vec<String> {
    let h = &case.header;
    let p = pipeline(h);
    let cleaned = p.clean(&case.input);
    let mut wrong = Vec::new();
    let applied: Vec<String> = cleaned.applied().map(rule).collect();
    let suggested: Vec<String> = cleaned.suggestions().map(rule).collect();
    if cleaned.text != case.output {
        wrong.push(format!(
            "output\n    want: {:?}\n    got:  {:?}\n    changes: {:?}",
            case.output,
            cleaned.text,
            cleaned
                .applied()
                .map(|c| format!("{} {:?}→{:?}", rule(c), c.before, c.after))
                .collect::<Vec<_>>()
        ));
    }
    if case.keep && h.rules.is_none() && !applied.is_empty() {
        wrong.push(format!("a keep-case with applied changes {applied:?}"));
    }
    if let Some(rules) = &h.rules {
        if &applied != rules {
            wrong.push(format!("rules\n    want: {rules:?}\n    got:  {applied:?}"));
        }
    }
    if let Some(want) = &h.suggests {
        if &suggested != want {
            wrong.push(format!(
                "suggests\n    want: {want:?}\n    got:  {suggested:?}"
            ));
        }
    }
    for (before, candidates) in &h.suggest {
        let found = cleaned.suggestions().any(|s| {
            &s.before == before
                && if candidates.len() == 1 {
                    s.after == candidates[0]
                } else {
                    s.candidates.len() >= candidates.len()
                        && s.candidates
                            .iter()
                            .zip(candidates)
                            .all(|(c, w)| &c.text == w)
                }
        });
        if !found {
            wrong.push(format!(
                "no suggestion {before:?} → {candidates:?}; got {:?}",
                suggestions(&cleaned)
            ));
        }
    }
    let used: Vec<String> = cleaned
        .changes
        .iter()
        .flat_map(|c| {
            std::iter::once(rule(c))
                .chain(c.history.iter().map(|s| format!("{}/{}", s.pass, s.rule)))
        })
        .collect();
    for u in &h.uses {
        if !used.contains(u) {
            wrong.push(format!("uses: {u} not in the ledger {used:?}"));
        }
    }
    if cleaned.stats.rejected_edits != 0 {
        wrong.push(format!("{} rejected edits", cleaned.stats.rejected_edits));
    }
    if let Some(c) = cleaned
        .changes
        .iter()
        .find(|c| c.candidates.windows(2).any(|w| w[0].score < w[1].score))
    {
        wrong.push(format!("candidates not ranked: {:?}", c.candidates));
    }
    if ocrtidy::replay(&case.input, &cleaned.changes).as_deref() != Some(cleaned.text.as_str()) {
        wrong.push("replay differs from the output".to_string());
    }
    // Script conversion is a one-way mapping, not a repair: cleaning again may convert again.
    if h.config.script.is_none() && h.not_idempotent.is_none() {
        let again = p.clean(&cleaned.text);
        if again.text != cleaned.text || again.applied().count() != 0 {
            wrong.push(format!(
                "not idempotent: {:?} → {:?} ({:?})",
                cleaned.text,
                again.text,
                again.applied().map(rule).collect::<Vec<_>>()
            ));
        }
    }
    wrong
}

fn suggestions(cleaned: &Cleaned) -> Vec<String> {
    cleaned
        .suggestions()
        .map(|s| {
            let c: Vec<&str> = s.candidates.iter().map(|c| c.text.as_str()).collect();
            format!("{} {:?} → {c:?}", rule(s), s.before)
        })
        .collect()
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
        let cases = match parse(&name, &text) {
            Ok(cases) => cases,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        for case in cases {
            count += 1;
            let wrong = check(&case);
            if !wrong.is_empty() {
                failures.push(format!(
                    "{}: {}\n  input: {:?}\n  {}",
                    case.file,
                    case.name,
                    case.input,
                    wrong.join("\n  ")
                ));
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

/// With `autotests = false` (the root package holds the library's tests, `crates/ocrtidy-cli`
/// those that run the binary, both from this folder), a test file that neither manifest lists
/// would silently never run.
#[test]
fn every_test_file_is_a_test_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifests = [
        std::fs::read_to_string(root.join("Cargo.toml")).unwrap(),
        std::fs::read_to_string(root.join("crates/ocrtidy-cli/Cargo.toml")).unwrap(),
    ];
    for entry in std::fs::read_dir(root.join("tests")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            let name = path.file_stem().unwrap().to_str().unwrap();
            let listed = format!("name = \"{name}\"");
            assert!(
                manifests.iter().any(|m| m.contains(&listed)),
                "tests/{name}.rs is not a [[test]] of Cargo.toml or crates/ocrtidy-cli/Cargo.toml"
            );
        }
    }
}
