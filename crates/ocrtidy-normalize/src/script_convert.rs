//! Traditional/Simplified conversion with OpenCC's configurations.

use std::fmt;
use std::str::FromStr;

use ocrtidy_core::{EditSink, Pass, PassId, PassInput, PassKind, PassSpec, RuleSpec};

/// An OpenCC conversion configuration (what each does: [`ScriptConversion::description`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScriptConversion {
    T2s,
    S2t,
    S2tw,
    Tw2s,
    S2hk,
    Hk2s,
    T2tw,
    S2twp,
    Tw2sp,
    Tw2t,
    S2hkp,
    Hk2sp,
    Hk2t,
    T2hk,
    Jp2t,
    T2jp,
}

impl ScriptConversion {
    pub const ALL: &'static [ScriptConversion] = &[
        ScriptConversion::T2s,
        ScriptConversion::S2t,
        ScriptConversion::S2tw,
        ScriptConversion::Tw2s,
        ScriptConversion::S2hk,
        ScriptConversion::Hk2s,
        ScriptConversion::T2tw,
        ScriptConversion::S2twp,
        ScriptConversion::Tw2sp,
        ScriptConversion::Tw2t,
        ScriptConversion::S2hkp,
        ScriptConversion::Hk2sp,
        ScriptConversion::Hk2t,
        ScriptConversion::T2hk,
        ScriptConversion::Jp2t,
        ScriptConversion::T2jp,
    ];

    /// OpenCC's name of the configuration (`t2s`, `s2tw`, …).
    pub fn name(self) -> &'static str {
        match self {
            ScriptConversion::T2s => "t2s",
            ScriptConversion::S2t => "s2t",
            ScriptConversion::S2tw => "s2tw",
            ScriptConversion::Tw2s => "tw2s",
            ScriptConversion::S2hk => "s2hk",
            ScriptConversion::Hk2s => "hk2s",
            ScriptConversion::T2tw => "t2tw",
            ScriptConversion::S2twp => "s2twp",
            ScriptConversion::Tw2sp => "tw2sp",
            ScriptConversion::Tw2t => "tw2t",
            ScriptConversion::S2hkp => "s2hkp",
            ScriptConversion::Hk2sp => "hk2sp",
            ScriptConversion::Hk2t => "hk2t",
            ScriptConversion::T2hk => "t2hk",
            ScriptConversion::Jp2t => "jp2t",
            ScriptConversion::T2jp => "t2jp",
        }
    }

    /// What the configuration converts, in one line (the CLI's help for `--script`).
    pub fn description(self) -> &'static str {
        match self {
            ScriptConversion::T2s => "Traditional to Simplified",
            ScriptConversion::S2t => "Simplified to Traditional",
            ScriptConversion::S2tw => "Simplified to Traditional (Taiwan standard)",
            ScriptConversion::Tw2s => "Traditional (Taiwan standard) to Simplified",
            ScriptConversion::S2hk => "Simplified to Traditional (Hong Kong standard)",
            ScriptConversion::Hk2s => "Traditional (Hong Kong standard) to Simplified",
            ScriptConversion::T2tw => "Traditional (OpenCC standard) to Taiwan standard",
            ScriptConversion::S2twp => {
                "Simplified to Traditional (Taiwan standard) with Taiwanese phrases (软件 → 軟體)"
            }
            ScriptConversion::Tw2sp => {
                "Traditional (Taiwan standard) to Simplified with Mainland phrases"
            }
            ScriptConversion::Tw2t => {
                "Traditional (Taiwan standard) to Traditional (OpenCC standard)"
            }
            ScriptConversion::S2hkp => {
                "Simplified to Traditional (Hong Kong standard) with Hong Kong phrases"
            }
            ScriptConversion::Hk2sp => {
                "Traditional (Hong Kong standard) to Simplified with Mainland phrases"
            }
            ScriptConversion::Hk2t => {
                "Traditional (Hong Kong standard) to Traditional (OpenCC standard)"
            }
            ScriptConversion::T2hk => "Traditional (OpenCC standard) to Hong Kong standard",
            ScriptConversion::Jp2t => "Japanese Shinjitai to Traditional (Kyūjitai)",
            ScriptConversion::T2jp => "Traditional (Kyūjitai) to Japanese Shinjitai",
        }
    }
}

impl fmt::Display for ScriptConversion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ScriptConversion {
    type Err = ScriptConvertError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ScriptConversion::ALL
            .iter()
            .copied()
            .find(|c| c.name() == s)
            .ok_or_else(|| ScriptConvertError::UnknownConversion(s.to_string()))
    }
}

/// Why a script conversion could not be set up.
#[derive(Debug)]
#[non_exhaustive]
pub enum ScriptConvertError {
    /// Not one of OpenCC's configuration names that this crate supports.
    UnknownConversion(String),
    /// This build has no OpenCC data (the `opencc` cargo feature is off).
    Unavailable,
    /// OpenCC failed to load its embedded configuration.
    Load(String),
}

impl fmt::Display for ScriptConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScriptConvertError::UnknownConversion(s) => {
                let names: Vec<&str> = ScriptConversion::ALL.iter().map(|c| c.name()).collect();
                write!(
                    f,
                    "unknown script conversion `{s}` (known: {})",
                    names.join(", ")
                )
            }
            ScriptConvertError::Unavailable => {
                f.write_str("script conversion is not available in this build (feature `opencc`)")
            }
            ScriptConvertError::Load(e) => write!(f, "cannot load the OpenCC configuration: {e}"),
        }
    }
}

impl std::error::Error for ScriptConvertError {}

/// Converts between Traditional and Simplified Chinese with one of OpenCC's configurations:
/// OpenCC's algorithm over OpenCC's current dictionaries (embedded, `data/opencc/`), output
/// identical to OpenCC's. Off by default: converting a document's script is a choice, not a
/// repair.
///
/// The pass runs once per run ([`Pass::rerun`] is false): a conversion is not idempotent
/// (`于飞` → `于飛`, and `于飛` → `於飛`), so it must never read its own output.
///
/// Each line is converted as a whole (OpenCC's phrase matching never crosses a line break); when
/// the conversion keeps the number of characters, every run of changed characters is one change,
/// otherwise the changed middle of the line is.
///
/// Rule: `opencc`.
pub struct ScriptConvert {
    conversion: ScriptConversion,
    #[cfg(feature = "opencc")]
    converter: crate::opencc::Converter,
}

impl fmt::Debug for ScriptConvert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScriptConvert")
            .field("conversion", &self.conversion)
            .finish_non_exhaustive()
    }
}

impl ScriptConvert {
    /// Loads the OpenCC configuration.
    pub fn new(conversion: ScriptConversion) -> Result<Self, ScriptConvertError> {
        #[cfg(feature = "opencc")]
        {
            let converter =
                crate::opencc::converter(conversion.name(), false).ok_or_else(|| {
                    ScriptConvertError::Load(format!("no configuration `{conversion}`"))
                })?;
            Ok(ScriptConvert {
                conversion,
                converter,
            })
        }
        #[cfg(not(feature = "opencc"))]
        {
            let _ = conversion;
            Err(ScriptConvertError::Unavailable)
        }
    }

    pub fn conversion(&self) -> ScriptConversion {
        self.conversion
    }

    /// Converts a whole string (no ledger); what OpenCC's command line prints.
    pub fn convert(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + text.len() / 4);
        self.convert_into(text, &mut out);
        out
    }

    /// Converts `text`, appending the result to `out`.
    pub fn convert_into(&self, text: &str, out: &mut String) {
        #[cfg(feature = "opencc")]
        {
            self.converter.convert_into(text, out)
        }
        #[cfg(not(feature = "opencc"))]
        {
            out.push_str(text)
        }
    }
}

impl ScriptConvert {
    /// The pass's declaration: id, summary, flags and every rule it may record.
    pub const SPEC: PassSpec = PassSpec {
        id: PassId::ScriptConvert,
        summary: "Traditional/Simplified conversion with OpenCC (needs --script)",
        kind: PassKind::Character,
        removes_text: false,
        rerun: false,
        local: true,
        written_back: true,
        rules: &[
            RuleSpec {
                id: "opencc",
                explain: "The text is converted between Traditional and Simplified Chinese with the OpenCC configuration chosen by `--script` (t2s, s2t, s2tw, s2twp, …), line by line, giving exactly OpenCC's output: with s2t `学习` → `學習`, with s2twp `软件` → `軟體`. Always applied (confidence 1.0), but the pass is off unless a conversion is given, and it reads each text only once, since converting twice can change more (`于飞` → `于飛` → `於飛`). Each run of changed characters is one change; where a phrase conversion changes the length, the changed middle of the line is one change. Pure-ASCII lines are skipped.",
            },
        ],
    };
}

impl Pass for ScriptConvert {
    fn spec(&self) -> &'static PassSpec {
        &Self::SPEC
    }

    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        // One buffer for the conversion of every line.
        let mut out = String::new();
        for (base, line) in crate::script::lines(input.text) {
            if line.is_ascii() {
                continue;
            }
            out.clear();
            self.convert_into(line, &mut out);
            if out != line {
                push_diff(base, line, &out, sink);
            }
        }
    }
}

/// Pushes the difference between `line` and its conversion `out`: each run of changed
/// characters when both have as many characters, else the changed middle.
fn push_diff(base: usize, line: &str, out: &str, sink: &mut EditSink<'_>) {
    let mut replace = |from: usize, to: usize, with: &str| {
        let _ = sink.replace(base + from..base + to, with, "opencc", 1.0);
    };
    if line.chars().count() == out.chars().count() {
        // The start of the pending run of changed characters, in `line` and in `out`.
        let mut run: Option<(usize, usize)> = None;
        for ((i, a), (j, b)) in line.char_indices().zip(out.char_indices()) {
            match (run, a == b) {
                (None, false) => run = Some((i, j)),
                (Some((ri, rj)), true) => {
                    replace(ri, i, &out[rj..j]);
                    run = None;
                }
                _ => {}
            }
        }
        if let Some((ri, rj)) = run {
            replace(ri, line.len(), &out[rj..]);
        }
        return;
    }
    // The common prefix and, after it, the common suffix, in bytes of each text.
    let pre = line
        .char_indices()
        .zip(out.chars())
        .find(|((_, a), b)| a != b)
        .map_or(line.len().min(out.len()), |((i, _), _)| i);
    let (a, b) = (&line[pre..], &out[pre..]);
    let suf: usize = a
        .chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum();
    replace(pre, line.len() - suf, &b[..b.len() - suf]);
}
