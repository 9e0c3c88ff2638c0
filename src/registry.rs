//! The pass registry: which passes this build provides and how each is built from [`Config`].

use std::fmt;

use ocrtidy_core::{Pass, PassId};
use ocrtidy_layout::{Dehyphenate, Furniture, LineJoin, SplitFragments};
use ocrtidy_noise::{Duplicates, StrayTokens};
use ocrtidy_normalize::{
    BlankLines, CjkPunct, CjkSpacing, ControlChars, MixedScript, Newlines, ParagraphSeparator,
    ScriptConversion, ScriptConvert, TrailingSpace, UnicodeForms, Width,
};

/// The typed configuration of a pipeline. Each field configures one pass family.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Config {
    /// How paragraphs are separated in the output.
    pub paragraph_separator: ParagraphSeparator,
    /// Traditional/Simplified conversion (`None`: off, the default). `script-convert` runs only
    /// when this is set.
    pub script: Option<ScriptConversion>,
    /// Keep page furniture (headers, page numbers, continuation markers) in the text and only
    /// tag it in the ledger as suggestions.
    pub keep_furniture: bool,
    /// Typo correction: the confidence (0..1) from which a correction is applied rather than
    /// suggested (`None`: the pass's default).
    pub typo_threshold: Option<f32>,
    /// A user lexicon (lines `word [frequency [tag]]`) layered over the embedded word list.
    pub lexicon_path: Option<std::path::PathBuf>,
    /// Protected terms, one per line: never corrected.
    pub protect_path: Option<std::path::PathBuf>,
    /// Extra confusion tables (for instance written by `ocrtidy learn`).
    pub confusion_paths: Vec<std::path::PathBuf>,
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

/// The passes this build provides, in pipeline order: every registered pass except `decode`,
/// which is a step of [`crate::Pipeline::clean_bytes`], not a text pass.
pub fn available_passes() -> &'static [PassId] {
    static PASSES: std::sync::OnceLock<Vec<PassId>> = std::sync::OnceLock::new();
    PASSES.get_or_init(|| {
        PassId::ALL
            .iter()
            .copied()
            .filter(|&p| p != PassId::Decode)
            .collect()
    })
}

/// A one-line description of a pass, for `--list-passes`.
pub fn describe(id: PassId) -> &'static str {
    match id {
        PassId::ControlChars => "NUL and other control characters removed (tab, LF, CR, FF kept)",
        PassId::Newlines => "CRLF, CR and Unicode line separators to LF; form feeds kept",
        PassId::UnicodeForms => "NFC, Kangxi radicals, zero-width chars, soft hyphens, ligatures",
        PassId::Width => "full-width ASCII letters and digits to half-width",
        PassId::ScriptConvert => "Traditional/Simplified conversion with OpenCC (needs --script)",
        PassId::MixedScript => "isolated Traditional chars in a Simplified text, and reverse",
        PassId::CjkPunct => "punctuation width by script context, bracket misreads",
        PassId::CjkSpacing => "OCR spaces between Chinese chars and around punctuation removed",
        PassId::TrailingSpace => "spaces and tabs at line ends removed",
        PassId::StrayTokens => "OCR garbage removed: symbol runs, stray punctuation and letters",
        PassId::Furniture => "running headers, page numbers and continuation markers removed",
        PassId::Dehyphenate => "Latin words hyphenated across line breaks joined",
        PassId::LineJoin => "soft line wraps joined, paragraph breaks kept, indents removed",
        PassId::SplitFragments => "paragraphs cut apart by columns rejoined",
        PassId::Duplicates => "lines, blocks and sentences that OCR repeated removed",
        PassId::Typo => {
            "misread characters corrected by dictionary, confusion sets and document evidence"
        }
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
    Ok(Some(match id {
        PassId::ControlChars => Box::new(ControlChars),
        PassId::Newlines => Box::new(Newlines),
        PassId::UnicodeForms => Box::new(UnicodeForms),
        PassId::Width => Box::new(Width),
        PassId::ScriptConvert => match config.script {
            Some(conversion) => {
                Box::new(
                    ScriptConvert::new(conversion).map_err(|e| BuildError::Invalid {
                        pass: id,
                        message: e.to_string(),
                    })?,
                )
            }
            None if explicit => return Err(BuildError::Invalid {
                pass: id,
                message:
                    "needs a conversion (--script t2s|s2t|s2tw|tw2s|s2hk|hk2s|t2tw|s2twp|tw2sp|…)"
                        .to_string(),
            }),
            None => return Ok(None),
        },
        PassId::MixedScript => Box::new(MixedScript),
        PassId::CjkPunct => Box::new(CjkPunct),
        PassId::CjkSpacing => Box::new(CjkSpacing),
        PassId::TrailingSpace => Box::new(TrailingSpace),
        PassId::StrayTokens => Box::new(StrayTokens),
        PassId::Furniture if config.keep_furniture => Box::new(Furniture::keep()),
        PassId::Furniture => Box::new(Furniture::new()),
        PassId::Dehyphenate => Box::new(Dehyphenate),
        PassId::LineJoin => Box::new(LineJoin),
        PassId::SplitFragments => Box::new(SplitFragments::default()),
        PassId::Duplicates => Box::new(Duplicates),
        PassId::Typo => Box::new(build_typo(config)?),
        PassId::BlankLines => Box::new(BlankLines::new(config.paragraph_separator)),
        other => return Err(BuildError::Unavailable(other)),
    }))
}

/// The typo pass: the embedded model, or one with the user's lexicon, protected terms and
/// confusion tables (read and validated here, so that the pass itself cannot fail).
fn build_typo(config: &Config) -> Result<ocrtidy_typo::Typo, BuildError> {
    use ocrtidy_typo::{ConfusionKind, ConfusionTable, Lexicon, Typo};
    let invalid = |message: String| BuildError::Invalid {
        pass: PassId::Typo,
        message,
    };
    let read = |p: &std::path::Path| {
        std::fs::read_to_string(p).map_err(|e| invalid(format!("cannot read {}: {e}", p.display())))
    };
    let custom = config.lexicon_path.is_some()
        || config.protect_path.is_some()
        || !config.confusion_paths.is_empty();
    let typo = if custom {
        let mut lexicon = Lexicon::over_embedded();
        if let Some(p) = &config.lexicon_path {
            let text = read(p)?;
            lexicon
                .load_user(text.as_bytes(), &p.display().to_string())
                .map_err(|e| invalid(e.to_string()))?;
        }
        if let Some(p) = &config.protect_path {
            let text = read(p)?;
            lexicon
                .load_protected(text.as_bytes(), &p.display().to_string())
                .map_err(|e| invalid(e.to_string()))?;
        }
        let mut table = ConfusionTable::embedded();
        for p in &config.confusion_paths {
            let text = read(p)?;
            table
                .load(&text, ConfusionKind::Learned, &p.display().to_string())
                .map_err(|e| invalid(e.to_string()))?;
        }
        Typo::new(&lexicon, &table)
    } else {
        Typo::embedded()
    };
    Ok(match config.typo_threshold {
        Some(t) if t > 0.0 && t < 1.0 => typo.with_threshold(t),
        Some(t) => return Err(invalid(format!("threshold {t} is not between 0 and 1"))),
        None => typo,
    })
}
