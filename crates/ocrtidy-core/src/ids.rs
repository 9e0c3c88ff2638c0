use std::fmt;

/// The id of a pass: its stable kebab-case name, used by `--passes`, `--skip`, the ledger and
/// every report.
///
/// An id is declared with the pass it names, in the pass's [`crate::PassSpec`]; any crate can
/// declare one with [`PassId::new`], so a user's own pass has its own id in the ledger. The
/// built-in passes' ids are associated constants named like the passes (`PassId::Typo`), so
/// they read like enum variants and can be used in `match` patterns.
///
/// Ids compare by name; they order the built-in passes in pipeline order, then any other id
/// by name.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct PassId(&'static str);

#[allow(non_upper_case_globals)]
impl PassId {
    /// Input decoding (not a text pass): BOM removal and byte runs that could not be decoded.
    pub const Decode: PassId = PassId("decode");
    pub const ControlChars: PassId = PassId("control-chars");
    pub const Newlines: PassId = PassId("newlines");
    pub const UnicodeForms: PassId = PassId("unicode-forms");
    pub const Modernise: PassId = PassId("modernise");
    pub const Width: PassId = PassId("width");
    pub const ScriptConvert: PassId = PassId("script-convert");
    pub const MixedScript: PassId = PassId("mixed-script");
    pub const CjkPunct: PassId = PassId("cjk-punct");
    pub const CjkSpacing: PassId = PassId("cjk-spacing");
    pub const TrailingSpace: PassId = PassId("trailing-space");
    pub const StrayTokens: PassId = PassId("stray-tokens");
    pub const Furniture: PassId = PassId("furniture");
    pub const Dehyphenate: PassId = PassId("dehyphenate");
    pub const LineJoin: PassId = PassId("line-join");
    pub const SplitFragments: PassId = PassId("split-fragments");
    pub const Duplicates: PassId = PassId("duplicates");
    pub const Typo: PassId = PassId("typo");
    pub const BlankLines: PassId = PassId("blank-lines");
}

/// The built-in ids in pipeline order: only the order of ids in reports comes from here (what
/// runs, and in which order, is the pass registry's list).
const BUILTIN_ORDER: &[PassId] = &[
    PassId::Decode,
    PassId::ControlChars,
    PassId::Newlines,
    PassId::UnicodeForms,
    PassId::Modernise,
    PassId::Width,
    PassId::ScriptConvert,
    PassId::MixedScript,
    PassId::CjkPunct,
    PassId::CjkSpacing,
    PassId::TrailingSpace,
    PassId::StrayTokens,
    PassId::Furniture,
    PassId::Dehyphenate,
    PassId::LineJoin,
    PassId::SplitFragments,
    PassId::Duplicates,
    PassId::Typo,
    PassId::BlankLines,
];

impl PassId {
    /// An id named `name`, which should be kebab-case (`a-z`, `0-9`, `-`) and unique among the
    /// passes of a pipeline (the pipeline builder checks both).
    pub const fn new(name: &'static str) -> PassId {
        PassId(name)
    }

    /// The stable kebab-case name.
    pub const fn name(self) -> &'static str {
        self.0
    }

    /// The id named `name`, for ids read back from text (a saved ledger): the name is interned,
    /// so each distinct name is allocated once per process.
    pub fn intern(name: &str) -> PassId {
        match BUILTIN_ORDER.iter().find(|p| p.0 == name) {
            Some(&p) => p,
            None => PassId(crate::intern(name)),
        }
    }

    /// Whether the name is a valid id: non-empty kebab-case.
    pub fn is_valid_name(name: &str) -> bool {
        !name.is_empty()
            && !name.starts_with('-')
            && !name.ends_with('-')
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    }

    /// Whether this is the id of one of ocrtidy's own passes.
    pub fn is_builtin(self) -> bool {
        BUILTIN_ORDER.contains(&self)
    }

    /// The position of a built-in pass in the pipeline order; any other id comes after them
    /// all (the same position for each).
    pub fn order(self) -> usize {
        BUILTIN_ORDER
            .iter()
            .position(|p| *p == self)
            .unwrap_or(BUILTIN_ORDER.len())
    }
}

impl PartialOrd for PassId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for PassId {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.order(), self.0).cmp(&(other.order(), other.0))
    }
}

impl fmt::Display for PassId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Debug for PassId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl serde::Serialize for PassId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

impl<'de> serde::Deserialize<'de> for PassId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = std::borrow::Cow::<'de, str>::deserialize(d)?;
        if !PassId::is_valid_name(&name) {
            return Err(serde::de::Error::custom(format!(
                "`{name}` is not a pass id (kebab-case)"
            )));
        }
        Ok(PassId::intern(&name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_names_are_kebab_case_unique_and_ordered() {
        let mut names: Vec<&str> = BUILTIN_ORDER.iter().map(|p| p.name()).collect();
        assert!(names.iter().all(|n| PassId::is_valid_name(n)));
        assert!(BUILTIN_ORDER.windows(2).all(|w| w[0] < w[1]));
        names.sort();
        names.dedup();
        assert_eq!(names.len(), BUILTIN_ORDER.len());
        // Other ids come after the built-ins.
        assert!(PassId::BlankLines < PassId::new("aaa"));
        assert!(!PassId::is_valid_name("Bad Name") && !PassId::is_valid_name("-x"));
    }

    #[test]
    fn ids_read_back_from_text_are_the_same_ids() {
        assert_eq!(PassId::intern("typo"), PassId::Typo);
        let a = PassId::intern("my-pass");
        let b = PassId::intern("my-pass");
        assert_eq!(a, b);
        assert!(std::ptr::eq(a.name(), b.name()));
        let id: PassId = serde_json::from_str("\"width\"").unwrap();
        assert_eq!(id, PassId::Width);
        assert!(serde_json::from_str::<PassId>("\"Not An Id\"").is_err());
    }
}
