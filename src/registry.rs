//! The pass registry: which passes this build provides and how each is built from [`Config`].

use std::fmt;

use ocrtidy_core::{Pass, PassId};
use ocrtidy_normalize::{BlankLines, Newlines, ParagraphSeparator, TrailingSpace};

/// The typed configuration of a pipeline. Each field configures one pass family.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Config {
    /// How paragraphs are separated in the output.
    pub paragraph_separator: ParagraphSeparator,
}

/// Why a pipeline could not be built.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// The pass exists in the registry but this build does not provide it.
    Unavailable(PassId),
    /// A pass's configuration or data is invalid.
    Invalid { pass: PassId, message: String },
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Unavailable(p) => write!(f, "pass `{p}` is not available in this build"),
            BuildError::Invalid { pass, message } => write!(f, "pass `{pass}`: {message}"),
        }
    }
}

impl std::error::Error for BuildError {}

/// The passes this build provides, in pipeline order.
pub fn available_passes() -> &'static [PassId] {
    &[PassId::Newlines, PassId::TrailingSpace, PassId::BlankLines]
}

/// A one-line description of a pass, for `--list-passes`.
pub fn describe(id: PassId) -> &'static str {
    match id {
        PassId::Newlines => "CRLF, CR and Unicode line separators to LF; form feeds kept",
        PassId::TrailingSpace => "spaces and tabs at line ends removed",
        PassId::BlankLines => "breaks between paragraphs brought to the output convention",
        _ => "",
    }
}

/// Builds one pass. `explicit` is true when the user named the pass, so that a pass that is
/// off by default (such as script conversion) runs anyway. Returns `Ok(None)` for a pass that
/// the configuration turns off.
pub(crate) fn build_pass(
    id: PassId,
    config: &Config,
    explicit: bool,
) -> Result<Option<Box<dyn Pass>>, BuildError> {
    let _ = explicit;
    Ok(Some(match id {
        PassId::Newlines => Box::new(Newlines),
        PassId::TrailingSpace => Box::new(TrailingSpace),
        PassId::BlankLines => Box::new(BlankLines::new(config.paragraph_separator)),
        other => return Err(BuildError::Unavailable(other)),
    }))
}
