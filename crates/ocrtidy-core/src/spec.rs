//! What a pass declares about itself: one [`PassSpec`] next to each pass's code, read by the
//! pass registry, `--list-passes`, `ocrtidy explain`, write-back and the reports.

use crate::PassId;

/// The declaration of a pass.
///
/// ```
/// use ocrtidy_core::{PassId, PassKind, PassSpec, RuleSpec};
/// static SPEC: PassSpec = PassSpec {
///     id: PassId::new("shouting"),
///     summary: "words in capitals lowered",
///     kind: PassKind::Character,
///     removes_text: false,
///     rerun: true,
///     local: false,
///     written_back: true,
///     rules: &[RuleSpec {
///         id: "caps-word",
///         explain: "A word written all in capitals is lowered: `LOUD` → `loud`.",
///     }],
/// };
/// assert_eq!(SPEC.rule("caps-word").map(|r| r.id), Some("caps-word"));
/// assert!(SPEC.rule("other").is_none());
/// ```
#[derive(Debug)]
pub struct PassSpec {
    /// The pass's id (its kebab-case name).
    pub id: PassId,
    /// One line for `--list-passes`.
    pub summary: &'static str,
    /// Whether the pass edits characters in place or the layout (lines, paragraphs, furniture).
    pub kind: PassKind,
    /// Whether it removes printed text whole — page furniture, repeated lines or fragments —
    /// rather than repairing characters: a change it took part in is not written back into an
    /// engine file, as the characters other passes corrected in it are gone from the text.
    /// (Removing OCR garbage such as a stray symbol is a character repair.)
    pub removes_text: bool,
    /// Whether the runner may run the pass again in later rounds, on text that includes its
    /// own output: true for repairs (their output is a fixed point), false for a pass that must
    /// see each text only once, such as a script conversion (`于飞` → `于飛` with s2t, but
    /// `于飛` → `於飛`).
    pub rerun: bool,
    /// Whether the pass is line-local: what it does to a line depends on that line alone, and
    /// it never inserts, removes or moves a line feed (`\n`) and no edit spans one. Cleaning a
    /// text with passes that all are gives the same output and ledger as cleaning its pieces
    /// cut right after line feeds, one by one, and putting the results together (offsets
    /// moved), which lets a long plain text be cleaned in bounded memory
    /// (`ocrtidy::chunked`). Script conversion is (OpenCC's matching never crosses a line
    /// break); passes that read neighbouring lines or the whole document are not.
    pub local: bool,
    /// Whether its applied edits are written back into the elements of an hOCR, ALTO or PAGE
    /// file (character corrections are; layout changes stay in the text).
    pub written_back: bool,
    /// Every rule the pass may name in an edit or suggestion.
    pub rules: &'static [RuleSpec],
}

/// A rule of a pass: its id (as recorded in the ledger) and what it does, for a reviewer.
#[derive(Debug)]
pub struct RuleSpec {
    /// The kebab-case rule id.
    pub id: &'static str,
    /// One paragraph: what the rule changes, on what evidence, whether it is applied or only
    /// suggested, and what it leaves alone.
    pub explain: &'static str,
}

/// What a pass works on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PassKind {
    /// Characters edited in place (normalisation, punctuation, typo correction).
    Character,
    /// Lines, paragraphs and page furniture (joins, removals, breaks).
    Layout,
}

impl PassSpec {
    /// The declaration of rule `id`, if the pass declares it.
    pub fn rule(&self, id: &str) -> Option<&'static RuleSpec> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Whether the pass declares rule `id`.
    pub fn declares(&self, id: &str) -> bool {
        self.rule(id).is_some()
    }
}

/// Interns a string read back from text (a pass id or rule of a saved ledger): each distinct
/// string is allocated once per process and lives as long as it.
pub fn intern(s: &str) -> &'static str {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static SET: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut set = SET
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(&known) = set.get(s) {
        return known;
    }
    let leaked: &'static str = Box::leak(s.to_owned().into_boxed_str());
    set.insert(leaked);
    leaked
}
