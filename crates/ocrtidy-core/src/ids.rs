use std::fmt;

/// The closed registry of passes. The declaration order is the order in which a default
/// pipeline runs them; names are stable kebab-case identifiers used by `--passes`, `--skip` and
/// every report.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
#[non_exhaustive]
pub enum PassId {
    /// Input decoding (not a text pass): records the byte runs that could not be decoded and
    /// were replaced by U+FFFD (`Pipeline::clean_bytes`).
    Decode,
    /// Remove NUL and other control characters (keeps `\t`, `\n`, `\r`, `\f`).
    ControlChars,
    /// CRLF and lone CR become LF; form feeds stay as page separators.
    Newlines,
    /// NFC, Kangxi radicals, zero-width characters, soft hyphens, ligatures.
    UnicodeForms,
    /// Full-width ASCII letters and digits to half-width.
    Width,
    /// Traditional/Simplified conversion with OpenCC configurations (off by default).
    ScriptConvert,
    /// Isolated characters of the other script in a mostly Simplified or Traditional document.
    MixedScript,
    /// Punctuation width by script context, bracket misreads.
    CjkPunct,
    /// Spaces inside Chinese text and around Chinese punctuation.
    CjkSpacing,
    /// Spaces and tabs at line ends.
    TrailingSpace,
    /// OCR garbage: symbol runs, stray letters and digits, stray Latin words.
    StrayTokens,
    /// Running headers and footers, page numbers, continuation markers.
    Furniture,
    /// Latin words hyphenated across lines.
    Dehyphenate,
    /// Soft line wraps joined, paragraph breaks kept.
    LineJoin,
    /// Paragraphs split by columns and pages rejoined.
    SplitFragments,
    /// Repeated lines, sentences and blocks.
    Duplicates,
    /// Misread characters and words corrected by dictionary similarity.
    Typo,
    /// Blank lines between paragraphs collapsed to the output convention.
    BlankLines,
}

impl PassId {
    /// Every pass id, in pipeline order.
    pub const ALL: &'static [PassId] = &[
        PassId::Decode,
        PassId::ControlChars,
        PassId::Newlines,
        PassId::UnicodeForms,
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

    /// The stable kebab-case name.
    pub fn name(self) -> &'static str {
        match self {
            PassId::Decode => "decode",
            PassId::ControlChars => "control-chars",
            PassId::Newlines => "newlines",
            PassId::UnicodeForms => "unicode-forms",
            PassId::Width => "width",
            PassId::ScriptConvert => "script-convert",
            PassId::MixedScript => "mixed-script",
            PassId::CjkPunct => "cjk-punct",
            PassId::CjkSpacing => "cjk-spacing",
            PassId::TrailingSpace => "trailing-space",
            PassId::StrayTokens => "stray-tokens",
            PassId::Furniture => "furniture",
            PassId::Dehyphenate => "dehyphenate",
            PassId::LineJoin => "line-join",
            PassId::SplitFragments => "split-fragments",
            PassId::Duplicates => "duplicates",
            PassId::Typo => "typo",
            PassId::BlankLines => "blank-lines",
        }
    }

    /// Looks a pass up by its kebab-case name.
    pub fn from_name(name: &str) -> Result<PassId, UnknownPass> {
        PassId::ALL
            .iter()
            .copied()
            .find(|p| p.name() == name)
            .ok_or_else(|| UnknownPass(name.to_string()))
    }

    /// Position in the pipeline order.
    pub fn order(self) -> usize {
        PassId::ALL
            .iter()
            .position(|p| *p == self)
            .unwrap_or(usize::MAX)
    }
}

impl fmt::Display for PassId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A pass name that is not in the registry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownPass(pub String);

impl fmt::Display for UnknownPass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = PassId::ALL.iter().map(|p| p.name()).collect();
        write!(f, "unknown pass `{}` (known: {})", self.0, names.join(", "))
    }
}

impl std::error::Error for UnknownPass {}

impl serde::Serialize for PassId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_kebab_case() {
        for &p in PassId::ALL {
            assert_eq!(PassId::from_name(p.name()), Ok(p));
            assert!(p.name().chars().all(|c| c.is_ascii_lowercase() || c == '-'));
        }
        assert!(PassId::from_name("nope").is_err());
    }
}
