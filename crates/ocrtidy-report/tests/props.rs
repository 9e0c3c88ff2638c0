//! Property tests: for arbitrary text and arbitrary ledgers, no renderer panics, the HTML page
//! has one mark per change, and the unified diff turns the original into the output.

use ocrtidy_core::{Candidate, Change, PassId};
use ocrtidy_report::{html, summary::Summary, terminal, unified, Document};
use proptest::prelude::*;

/// Builds a consistent ledger from edits `(char offset, deleted chars, inserted text, applied)`.
fn ledger(original: &str, edits: &[(usize, usize, String, bool)]) -> (String, Vec<Change>) {
    let bounds: Vec<usize> = original
        .char_indices()
        .map(|(i, _)| i)
        .chain([original.len()])
        .collect();
    let nchars = bounds.len() - 1;
    let mut spans: Vec<(usize, usize, String, bool)> = Vec::new();
    let mut last_end = 0;
    let mut sorted = edits.to_vec();
    sorted.sort_by_key(|e| e.0);
    for (at, del, ins, applied) in sorted {
        let s = at % (nchars + 1);
        let e = (s + del).min(nchars);
        if s < last_end || (s == e && ins.is_empty()) {
            continue;
        }
        // A suggestion needs a non-empty span of text to question.
        if !applied && s == e {
            continue;
        }
        spans.push((bounds[s], bounds[e], ins, applied));
        last_end = e.max(s + 1);
    }
    let mut out = String::new();
    let mut changes = Vec::new();
    let mut pos = 0;
    for (s, e, ins, applied) in spans {
        out.push_str(&original[pos..s]);
        let out_start = out.len();
        let before = original[s..e].to_string();
        if applied {
            out.push_str(&ins);
        } else {
            out.push_str(&before);
        }
        changes.push(Change {
            pass: if applied {
                PassId::LineJoin
            } else {
                PassId::Typo
            },
            rule: "prop",
            start: s,
            end: e,
            char_start: original[..s].chars().count(),
            char_end: original[..e].chars().count(),
            before,
            after: ins.clone(),
            confidence: 0.5,
            applied,
            candidates: if applied {
                vec![]
            } else {
                vec![Candidate::new(ins, 0.5)]
            },
            out_start,
            out_end: out.len(),
            history: vec![],
        });
        pos = e;
    }
    out.push_str(&original[pos..]);
    (out, changes)
}

/// Applies a unified diff produced by `unified::render` to `original`.
fn apply(original: &str, diff: &str) -> String {
    let old: Vec<&str> = original.split_inclusive('\n').collect();
    let mut out = String::new();
    let mut next = 0; // next original line to copy
    let mut lines = diff.split_inclusive('\n').skip(2).peekable();
    while let Some(l) = lines.next() {
        if let Some(h) = l.strip_prefix("@@ -") {
            let start: usize = h
                .split([',', ' '])
                .next()
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            let count_zero = h.split(' ').next().is_some_and(|s| s.ends_with(",0"));
            let first = if count_zero {
                start
            } else {
                start.saturating_sub(1)
            };
            for l in &old[next..first] {
                out.push_str(l);
            }
            next = first;
            continue;
        }
        let no_eol = lines.peek().is_some_and(|n| n.starts_with('\\'));
        let body = &l[1..];
        let body = if no_eol {
            body.strip_suffix('\n').unwrap_or(body)
        } else {
            body
        };
        if no_eol {
            lines.next();
        }
        match &l[..1] {
            " " => {
                out.push_str(body);
                next += 1;
            }
            "-" => next += 1,
            "+" => out.push_str(body),
            _ => {}
        }
    }
    for l in &old[next.min(old.len())..] {
        out.push_str(l);
    }
    out
}

fn text() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-z 一二三，。\n\r\t\u{c}<>&\"]{0,60}").expect("regex")
}

proptest! {
    #[test]
    fn renderers_hold_for_arbitrary_ledgers(
        original in text(),
        edits in proptest::collection::vec((0usize..70, 0usize..4, text(), any::<bool>()), 0..8),
    ) {
        let (output, changes) = ledger(&original, &edits);
        let doc = Document { name: "p.txt", original: &original, output: &output, changes: &changes };
        let _ = terminal::render(&doc, terminal::Color::Always);
        let plain = terminal::render(&doc, terminal::Color::Never);
        prop_assert!(changes.is_empty() || plain != output || changes.iter().all(|c| c.before == c.after));
        let page = html::render(&[doc]);
        prop_assert_eq!(page.matches("<mark ").count(), changes.len());
        prop_assert_eq!(page.matches("<script>").count(), 1);
        let explain = |pass: &str, rule: &str| Some(if pass.len() > rule.len() { "<b>&" } else { "x" });
        let explained = html::render_with(&[doc], &html::Options::default().explain(&explain));
        prop_assert_eq!(explained.matches("<mark ").count(), changes.len());
        prop_assert_eq!(explained.matches("<script>").count(), 1);
        prop_assert_eq!(explained.contains("Rules used"), !changes.is_empty());
        let diff = unified::render(&doc);
        if changes.iter().any(|c| c.applied) && original != output {
            prop_assert_eq!(apply(&original, &diff), output.clone(), "diff:\n{}", diff);
        }
        let s = Summary::of(&doc);
        prop_assert_eq!(s.applied + s.suggested, changes.len());
    }
}

#[test]
fn diff_of_a_page_applies() {
    let original =
        "标题\n\n第一行  \n第二行\n第三行\n第四行\n第五行\n第六行\n第七行\n第八行\n第九行\n末行";
    let last = original.chars().count();
    // Two edits near the top (one hunk) and one at the very end, 8 lines away (a second hunk).
    let (output, changes) = ledger(
        original,
        &[
            (0, 3, String::new(), true),
            (7, 2, String::new(), true),
            (last, 0, "。".into(), true),
        ],
    );
    let doc = Document {
        name: "p",
        original,
        output: &output,
        changes: &changes,
    };
    let diff = unified::render(&doc);
    assert_eq!(apply(original, &diff), output, "{diff}");
    assert_eq!(diff.matches("@@ ").count(), 2, "{diff}");
}
