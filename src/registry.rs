//! The pass registry: which passes this build provides and how each is built from [`Config`].

use std::fmt;

use ocrtidy_core::{Pass, PassId, PassSpec, RuleSpec};
use ocrtidy_layout::{Dehyphenate, Furniture, LineJoin, SplitFragments};
use ocrtidy_noise::{Duplicates, StrayTokens};
use ocrtidy_normalize::{
    BlankLines, CjkPunct, CjkSpacing, ControlChars, MixedScript, Modernise, Newlines,
    ParagraphSeparator, ScriptConversion, ScriptConvert, TrailingSpace, UnicodeForms, Width,
};
use ocrtidy_typo::Typo;

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
    /// Historical Latin letters in modern spelling (`ſ` → `s`, `ꝛ` → `r`, `aͤ` → `ä`): the
    /// `modernise` pass runs only when this is set; by default historical text keeps them.
    pub modernise: bool,
    /// Typo correction: the confidence (0..1) from which a correction is applied rather than
    /// suggested, for Chinese and Latin alike (`None`: the pass's defaults, 0.8 for Chinese and
    /// 0.75 for Latin, [`ocrtidy_typo::latin::LATIN_THRESHOLD`], which keeps the Latin rules'
    /// own decisions).
    pub typo_threshold: Option<f32>,
    /// Typo correction: record every suggestion, not only those whose confidence is above the
    /// display threshold ([`ocrtidy_typo::SUGGESTION_FLOOR`], 0.5: fitted so that the top
    /// candidate of the suggestions shown is right at least half the time). Applied
    /// corrections and the output text are the same either way.
    pub all_suggestions: bool,
    /// A user lexicon (lines `word [frequency [tag]]`) layered over the embedded word list.
    pub lexicon_path: Option<std::path::PathBuf>,
    /// Protected terms, one per line: never corrected.
    pub protect_path: Option<std::path::PathBuf>,
    /// Extra confusion tables (for instance written by `ocrtidy learn`).
    pub confusion_paths: Vec<std::path::PathBuf>,
    /// A word n-gram language model (KenLM binary) for the context of Chinese typo
    /// corrections (see [`ocrtidy_typo::kenlm`]).
    pub lm_path: Option<std::path::PathBuf>,
    /// A user lexicon given in memory (same format as the file of `lexicon_path`), layered over
    /// the embedded word list after that file.
    pub lexicon_text: Option<String>,
    /// Protected terms given in memory: never corrected.
    pub protected_terms: Vec<String>,
    /// Confusion tables given in memory (same format as the files of `confusion_paths`).
    pub confusion_texts: Vec<String>,
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

/// How a registered pass is built from the configuration. `explicit` is true when the user
/// named the pass, so that a pass that is off by default (such as script conversion) runs
/// anyway; `Ok(None)` for a pass that the configuration turns off.
type Build = fn(&Config, bool) -> Result<Option<Box<dyn Pass>>, BuildError>;

/// A pass of this build: its declaration and how it is built.
pub struct Registered {
    /// The pass's declaration, next to its code.
    pub spec: &'static PassSpec,
    build: Build,
}

impl fmt::Debug for Registered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registered")
            .field("id", &self.spec.id)
            .finish()
    }
}

/// Every text pass of this build, in pipeline order: its declaration and how it is built.
/// Adding a pass is its own file (the pass and its `SPEC`) and one line here.
static REGISTRY: &[Registered] = &[
    Registered {
        spec: &ControlChars::SPEC,
        build: |_, _| Ok(Some(Box::new(ControlChars))),
    },
    Registered {
        spec: &Newlines::SPEC,
        build: |_, _| Ok(Some(Box::new(Newlines))),
    },
    Registered {
        spec: &UnicodeForms::SPEC,
        build: |_, _| Ok(Some(Box::new(UnicodeForms))),
    },
    Registered {
        spec: &Modernise::SPEC,
        build: |config, _| {
            Ok(config
                .modernise
                .then(|| Box::new(Modernise) as Box<dyn Pass>))
        },
    },
    Registered {
        spec: &Width::SPEC,
        build: |_, _| Ok(Some(Box::new(Width))),
    },
    Registered {
        spec: &ScriptConvert::SPEC,
        build: build_script_convert,
    },
    Registered {
        spec: &MixedScript::SPEC,
        build: |_, _| Ok(Some(Box::new(MixedScript))),
    },
    Registered {
        spec: &CjkPunct::SPEC,
        build: |_, _| Ok(Some(Box::new(CjkPunct))),
    },
    Registered {
        spec: &CjkSpacing::SPEC,
        build: |_, _| Ok(Some(Box::new(CjkSpacing))),
    },
    Registered {
        spec: &TrailingSpace::SPEC,
        build: |_, _| Ok(Some(Box::new(TrailingSpace))),
    },
    Registered {
        spec: &StrayTokens::SPEC,
        build: |_, _| Ok(Some(Box::new(StrayTokens))),
    },
    Registered {
        spec: &Furniture::SPEC,
        build: |c, _| Ok(Some(Box::new(furniture(c)))),
    },
    Registered {
        spec: &Dehyphenate::SPEC,
        build: |_, _| Ok(Some(Box::new(Dehyphenate))),
    },
    Registered {
        spec: &LineJoin::SPEC,
        build: |_, _| Ok(Some(Box::new(LineJoin))),
    },
    Registered {
        spec: &SplitFragments::SPEC,
        build: |_, _| Ok(Some(Box::new(SplitFragments::default()))),
    },
    Registered {
        spec: &Duplicates::SPEC,
        build: |_, _| Ok(Some(Box::new(Duplicates))),
    },
    Registered {
        spec: &Typo::SPEC,
        build: |c, _| Ok(Some(Box::new(build_typo(c)?))),
    },
    Registered {
        spec: &BlankLines::SPEC,
        build: |c, _| Ok(Some(Box::new(BlankLines::new(c.paragraph_separator)))),
    },
];

/// The text passes of this build, in pipeline order (`decode` is a step of
/// [`crate::Pipeline::clean_bytes`], not a text pass).
pub fn registered() -> &'static [Registered] {
    REGISTRY
}

/// The ids of the text passes of this build, in pipeline order.
pub fn available_passes() -> &'static [PassId] {
    static PASSES: std::sync::OnceLock<Vec<PassId>> = std::sync::OnceLock::new();
    PASSES.get_or_init(|| REGISTRY.iter().map(|r| r.spec.id).collect())
}

/// Every declaration of this build: `decode`, then the text passes in pipeline order.
pub fn specs() -> impl Iterator<Item = &'static PassSpec> {
    std::iter::once(&crate::DECODE).chain(REGISTRY.iter().map(|r| r.spec))
}

/// The declaration of pass `id`, if this build has it.
pub fn spec(id: PassId) -> Option<&'static PassSpec> {
    specs().find(|s| s.id == id)
}

/// The pass named `name` (a built-in pass of this build, `decode` included).
pub fn lookup(name: &str) -> Result<PassId, UnknownPass> {
    specs()
        .map(|s| s.id)
        .find(|id| id.name() == name)
        .ok_or_else(|| UnknownPass(name.to_string()))
}

/// The rules named `rule` — `rule` alone, or `pass/rule` — with the passes that declare them.
/// A rule id may be shared by passes (each explains its own); an unknown one gives nothing.
pub fn find_rule(rule: &str) -> Vec<(&'static PassSpec, &'static RuleSpec)> {
    let (pass, rule) = match rule.split_once('/') {
        Some((p, r)) => (Some(p), r),
        None => (None, rule),
    };
    specs()
        .filter(|s| pass.is_none_or(|p| s.id.name() == p))
        .filter_map(|s| s.rule(rule).map(|r| (s, r)))
        .collect()
}

/// The explanation of rule `rule` of pass `pass`, if declared (for reports).
pub fn explain(pass: PassId, rule: &str) -> Option<&'static str> {
    spec(pass).and_then(|s| s.rule(rule)).map(|r| r.explain)
}

/// A pass name that is not in the registry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownPass(pub String);

impl fmt::Display for UnknownPass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = available_passes().iter().map(|p| p.name()).collect();
        write!(f, "unknown pass `{}` (known: {})", self.0, names.join(", "))
    }
}

impl std::error::Error for UnknownPass {}

/// Builds the registered pass `id` (see [`Build`]); `Ok(None)` when the configuration turns it
/// off.
pub(crate) fn build_pass(
    id: PassId,
    config: &Config,
    explicit: bool,
) -> Result<Option<Box<dyn Pass>>, BuildError> {
    match REGISTRY.iter().find(|r| r.spec.id == id) {
        Some(r) => (r.build)(config, explicit),
        None => Err(BuildError::Unavailable(id)),
    }
}

fn furniture(config: &Config) -> Furniture {
    if config.keep_furniture {
        Furniture::keep()
    } else {
        Furniture::new()
    }
}

/// Script conversion runs only with a conversion: off by default, an error when named without.
fn build_script_convert(
    config: &Config,
    explicit: bool,
) -> Result<Option<Box<dyn Pass>>, BuildError> {
    let id = PassId::ScriptConvert;
    match config.script {
        Some(conversion) => Ok(Some(Box::new(ScriptConvert::new(conversion).map_err(
            |e| BuildError::Invalid {
                pass: id,
                message: e.to_string(),
            },
        )?))),
        None if explicit => Err(BuildError::Invalid {
            pass: id,
            message: "needs a conversion (--script t2s|s2t|s2tw|tw2s|s2hk|hk2s|t2tw|s2twp|tw2sp|…)"
                .to_string(),
        }),
        None => Ok(None),
    }
}

/// The typo pass: the embedded model, or one with the user's lexicon, protected terms and
/// confusion tables (read and validated here, so that the pass itself cannot fail).
fn build_typo(config: &Config) -> Result<Typo, BuildError> {
    use ocrtidy_typo::{ConfusionKind, ConfusionTable, Lexicon};
    let invalid = |message: String| BuildError::Invalid {
        pass: PassId::Typo,
        message,
    };
    let read = |p: &std::path::Path| {
        std::fs::read_to_string(p).map_err(|e| invalid(format!("cannot read {}: {e}", p.display())))
    };
    let custom = config.lexicon_path.is_some()
        || config.protect_path.is_some()
        || !config.confusion_paths.is_empty()
        || config.lexicon_text.is_some()
        || !config.protected_terms.is_empty()
        || !config.confusion_texts.is_empty();
    let typo = if custom {
        let mut lexicon = Lexicon::over_embedded();
        if let Some(p) = &config.lexicon_path {
            let text = read(p)?;
            lexicon
                .load_user(text.as_bytes(), &p.display().to_string())
                .map_err(|e| invalid(e.to_string()))?;
        }
        if let Some(text) = &config.lexicon_text {
            lexicon
                .load_user(text.as_bytes(), "the in-memory lexicon")
                .map_err(|e| invalid(e.to_string()))?;
        }
        if let Some(p) = &config.protect_path {
            let text = read(p)?;
            lexicon
                .load_protected(text.as_bytes(), &p.display().to_string())
                .map_err(|e| invalid(e.to_string()))?;
        }
        if !config.protected_terms.is_empty() {
            let text = config.protected_terms.join("\n");
            lexicon
                .load_protected(text.as_bytes(), "the in-memory protected terms")
                .map_err(|e| invalid(e.to_string()))?;
        }
        let mut table = ConfusionTable::embedded();
        for p in &config.confusion_paths {
            let text = read(p)?;
            table
                .load(&text, ConfusionKind::Learned, &p.display().to_string())
                .map_err(|e| invalid(e.to_string()))?;
        }
        for (i, text) in config.confusion_texts.iter().enumerate() {
            table
                .load(
                    text,
                    ConfusionKind::Learned,
                    &format!("in-memory confusion table {}", i + 1),
                )
                .map_err(|e| invalid(e.to_string()))?;
        }
        Typo::new(&lexicon, &table)
    } else {
        Typo::embedded()
    };
    let mut typo = typo.with_all_suggestions(config.all_suggestions);
    if let Some(p) = &config.lm_path {
        let lm = ocrtidy_typo::kenlm::KenLm::open(p).map_err(|e| {
            // Name the file once (some errors already do).
            let (msg, path) = (e.to_string(), p.display().to_string());
            invalid(if msg.contains(&path) {
                msg
            } else {
                format!("language model {path}: {msg}")
            })
        })?;
        typo = typo.with_lm(std::sync::Arc::new(lm));
    }
    Ok(match config.typo_threshold {
        Some(t) if t > 0.0 && t < 1.0 => typo.with_threshold(t),
        Some(t) => return Err(invalid(format!("threshold {t} is not between 0 and 1"))),
        None => typo,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_declaration_is_complete_and_unique() {
        let mut ids = Vec::new();
        for spec in specs() {
            assert!(PassId::is_valid_name(spec.id.name()), "{}", spec.id);
            assert!(!ids.contains(&spec.id), "{} declared twice", spec.id);
            ids.push(spec.id);
            assert!(!spec.summary.is_empty(), "{} has no summary", spec.id);
            assert!(!spec.rules.is_empty(), "{} declares no rule", spec.id);
            for (i, rule) in spec.rules.iter().enumerate() {
                assert!(PassId::is_valid_name(rule.id), "{}/{}", spec.id, rule.id);
                assert!(
                    spec.rules[..i].iter().all(|r| r.id != rule.id),
                    "{}/{} declared twice",
                    spec.id,
                    rule.id
                );
                assert!(
                    rule.explain.len() > 40 && rule.explain.ends_with('.'),
                    "{}/{} needs a paragraph of explanation",
                    spec.id,
                    rule.id
                );
            }
        }
        assert_eq!(ids[0], PassId::Decode);
        assert_eq!(&ids[1..], available_passes());
        // Reports order passes as the pipeline runs them.
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn passes_and_rules_are_found_by_name() {
        assert_eq!(lookup("typo"), Ok(PassId::Typo));
        assert_eq!(lookup("decode"), Ok(PassId::Decode));
        assert!(lookup("typos")
            .unwrap_err()
            .to_string()
            .contains("known: control-chars"));
        // `bom` is a rule of two passes; `pass/rule` picks one.
        let both: Vec<PassId> = find_rule("bom").iter().map(|(s, _)| s.id).collect();
        assert_eq!(both, [PassId::Decode, PassId::UnicodeForms]);
        let one = find_rule("unicode-forms/bom");
        assert_eq!(one.len(), 1);
        assert!(find_rule("typo/bom").is_empty() && find_rule("no-such-rule").is_empty());
        assert!(explain(PassId::Typo, "typo-zh").is_some_and(|e| e.len() > 40));
        assert_eq!(explain(PassId::new("mine"), "typo-zh"), None);
    }

    #[test]
    fn configuration_turns_passes_on_and_off() {
        let config = Config::default();
        assert!(build_pass(PassId::ScriptConvert, &config, false)
            .unwrap()
            .is_none());
        assert!(build_pass(PassId::ScriptConvert, &config, true).is_err());
        assert!(matches!(
            build_pass(PassId::Decode, &config, true),
            Err(BuildError::Unavailable(PassId::Decode))
        ));
        let built = build_pass(PassId::Typo, &config, false).unwrap().unwrap();
        assert_eq!(built.spec().id, PassId::Typo);
    }
}
