//! `ocrtidy explain`: what a pass or a rule does, read from the passes' own declarations
//! (`ocrtidy::PassSpec`), so that the words a reviewer reads are the ones next to the code.

use std::io::Write;

use anyhow::{bail, Result};
use clap::Args;
use ocrtidy::{registry, PassKind, PassSpec, RuleSpec};

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule (`typo-zh`), a pass and one of its rules (`typo/typo-zh`), or a pass (`typo`).
    /// Without one, every pass and its rules are listed.
    #[arg(value_name = "RULE|PASS")]
    pub name: Option<String>,

    /// Print JSON: an array with one object per rule (pass, rule, explain, and the pass's
    /// summary, kind and flags).
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: ExplainArgs) -> Result<i32> {
    let rules: Vec<(&'static PassSpec, &'static RuleSpec)> = match args.name.as_deref() {
        None => registry::specs()
            .flat_map(|s| s.rules.iter().map(move |r| (s, r)))
            .collect(),
        Some(name) => {
            let found = registry::find_rule(name);
            if !found.is_empty() {
                found
            } else if let Some(spec) = registry::specs().find(|s| s.id.name() == name) {
                spec.rules.iter().map(|r| (spec, r)).collect()
            } else {
                bail!("no pass or rule is named `{name}` (`ocrtidy explain` lists them all)");
            }
        }
    };
    let mut out = std::io::stdout().lock();
    if args.json {
        let records: Vec<serde_json::Value> = rules
            .iter()
            .map(|(s, r)| {
                serde_json::json!({
                    "pass": s.id,
                    "rule": r.id,
                    "explain": r.explain,
                    "summary": s.summary,
                    "kind": s.kind,
                    "removes_text": s.removes_text,
                    "rerun": s.rerun,
                    "written_back": s.written_back,
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &records)?;
        writeln!(out)?;
        return Ok(0);
    }
    if args.name.is_none() {
        // The list: each pass with its summary, then its rules.
        let mut last = None;
        for (spec, rule) in &rules {
            if last != Some(spec.id) {
                writeln!(out, "{:<16} {}", spec.id.name(), spec.summary)?;
                last = Some(spec.id);
            }
            writeln!(out, "  {}/{}", spec.id, rule.id)?;
        }
        writeln!(
            out,
            "\n`ocrtidy explain RULE` explains one rule, `ocrtidy explain PASS` a pass."
        )?;
        return Ok(0);
    }
    let mut last = None;
    for (spec, rule) in &rules {
        if last != Some(spec.id) {
            if last.is_some() {
                writeln!(out)?;
            }
            describe_pass(&mut out, spec)?;
            last = Some(spec.id);
        }
        writeln!(out, "\n  {}/{}", spec.id, rule.id)?;
        for line in wrap(rule.explain, 76) {
            writeln!(out, "    {line}")?;
        }
    }
    Ok(0)
}

fn describe_pass(out: &mut impl Write, spec: &PassSpec) -> std::io::Result<()> {
    let yes = |b: bool| if b { "yes" } else { "no" };
    writeln!(out, "{}: {}", spec.id, spec.summary)?;
    writeln!(
        out,
        "  {} pass; removes printed text: {}\n  runs again on its own output: {}; written \
         back into engine files: {}",
        match spec.kind {
            PassKind::Character => "character",
            PassKind::Layout => "layout",
        },
        yes(spec.removes_text),
        yes(spec.rerun),
        yes(spec.written_back),
    )
}

/// Breaks `text` into lines of at most `width` characters at spaces (a longer word stands alone).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let len = line.chars().count();
        if len > 0 && len + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_at_spaces_within_the_width() {
        let lines = wrap("one two three four five six", 9);
        assert_eq!(lines, ["one two", "three", "four five", "six"]);
        assert_eq!(
            wrap("averyveryverylongword x", 5),
            ["averyveryverylongword", "x"]
        );
        assert!(wrap("", 10).is_empty());
    }
}
