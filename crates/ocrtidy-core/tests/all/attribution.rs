//! A fused change is named after its principal pass: the one whose edit removed or inserted
//! material text. Whitespace tidying around it, before or after, is history.

use ocrtidy_core::{
    replay, Context, EditSink, Pass, PassId, PassInput, PassKind, PassSpec, RuleSpec, Runner,
};
use proptest::prelude::*;

/// Deletes every `#`-run and the spaces and tabs right after it (a stray-token remover).
struct DeleteHashes;

static DELETE_HASHES: PassSpec = PassSpec {
    id: PassId::StrayTokens,
    summary: "a toy pass",
    kind: PassKind::Character,
    removes_text: true,
    rerun: true,
    local: false,
    written_back: false,
    rules: &[RuleSpec {
        id: "hash",
        explain: "",
    }],
};

impl Pass for DeleteHashes {
    fn spec(&self) -> &'static PassSpec {
        &DELETE_HASHES
    }
    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        let b = input.text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'#' {
                let start = i;
                while i < b.len() && b[i] == b'#' {
                    i += 1;
                }
                let _ = sink.delete(start..i, "hash", 0.9);
            } else {
                i += 1;
            }
        }
    }
}

/// Collapses every run of two or more line breaks (with spaces between) to one line break: a
/// whitespace-only tidying pass.
struct CollapseBreaks;

static COLLAPSE_BREAKS: PassSpec = PassSpec {
    id: PassId::BlankLines,
    summary: "a toy pass",
    kind: PassKind::Character,
    removes_text: true,
    rerun: true,
    local: false,
    written_back: false,
    rules: &[RuleSpec {
        id: "blank-lines",
        explain: "",
    }],
};

impl Pass for CollapseBreaks {
    fn spec(&self) -> &'static PassSpec {
        &COLLAPSE_BREAKS
    }
    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        let b = input.text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'\n' {
                let start = i;
                let mut breaks = 0;
                while i < b.len() && matches!(b[i], b'\n' | b' ') {
                    breaks += usize::from(b[i] == b'\n');
                    i += 1;
                }
                if breaks > 1 || i - start > 1 {
                    let _ = sink.replace(start..i, "\n", "blank-lines", 1.0);
                }
            } else {
                i += 1;
            }
        }
    }
}

/// Trims spaces before a line break (runs first: tidying before the material edit).
struct TrimSpaces;

static TRIM_SPACES: PassSpec = PassSpec {
    id: PassId::TrailingSpace,
    summary: "a toy pass",
    kind: PassKind::Character,
    removes_text: true,
    rerun: true,
    local: false,
    written_back: false,
    rules: &[RuleSpec {
        id: "trailing-space",
        explain: "",
    }],
};

impl Pass for TrimSpaces {
    fn spec(&self) -> &'static PassSpec {
        &TRIM_SPACES
    }
    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        let b = input.text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b' ' {
                let start = i;
                while i < b.len() && b[i] == b' ' {
                    i += 1;
                }
                if i < b.len() && b[i] == b'\n' {
                    let _ = sink.delete(start..i, "trailing-space", 1.0);
                }
            } else {
                i += 1;
            }
        }
    }
}

fn runner() -> Runner {
    Runner::new(vec![
        Box::new(TrimSpaces),
        Box::new(DeleteHashes),
        Box::new(CollapseBreaks),
    ])
}

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{1,6}".prop_map(|s| s),
        Just("#".to_string()),
        Just("##".to_string()),
        Just(" ".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just(" \n".to_string()),
        Just("第一".to_string()),
    ]
}

proptest! {
    #[test]
    fn a_removal_with_whitespace_tidying_is_the_removers_change(
        pieces in proptest::collection::vec(piece(), 0..30)
    ) {
        let text: String = pieces.concat();
        let cleaned = runner().run(&text, &Context::default());
        let replayed = replay(&text, &cleaned.changes);
        prop_assert_eq!(replayed.as_deref(), Some(cleaned.text.as_str()));
        for c in cleaned.changes.iter().filter(|c| c.applied) {
            if c.before.contains('#') {
                // The material removal names the change, whatever tidying fused with it.
                prop_assert_eq!(c.pass, PassId::StrayTokens, "{:?}", c);
                prop_assert!(c.history.iter().all(|s| s.pass != PassId::StrayTokens
                    || s.rule == "hash"), "{:?}", c);
            } else {
                // Whitespace-only changes keep the last tidying pass's name.
                prop_assert_ne!(c.pass, PassId::StrayTokens, "{:?}", c);
            }
        }
    }
}

#[test]
fn a_header_between_blank_lines_is_named_after_its_removal() {
    let text = "正文一  \n\n## \n\n正文二\n";
    let cleaned = runner().run(text, &Context::default());
    assert_eq!(cleaned.text, "正文一\n正文二\n");
    let fused: Vec<_> = cleaned
        .changes
        .iter()
        .filter(|c| c.before.contains('#'))
        .collect();
    assert_eq!(fused.len(), 1, "{:?}", cleaned.changes);
    let c = fused[0];
    assert_eq!((c.pass, c.rule), (PassId::StrayTokens, "hash"));
    let history: Vec<_> = c.history.iter().map(|s| s.pass).collect();
    assert!(history.contains(&PassId::BlankLines), "{history:?}");
    assert!(history.contains(&PassId::TrailingSpace), "{history:?}");
}
