use std::sync::{Arc, OnceLock};

use ocrtidy_core::{Candidate, EditSink, Pass, PassId, PassInput, PassKind, PassSpec, RuleSpec};
use ocrtidy_lexicon::Lexicon;

use crate::chinese::{self, Params};
use crate::confusion::ConfusionTable;
use crate::model::{is_han, ChannelParams, Model, MAX_WORD};

/// Corrects misread characters by dictionary similarity.
///
/// Chinese: every character that forms no word with its neighbours, and every near-variant of a
/// word that recurs in the document, is tested against the candidates of the confusion tables
/// (visual, phonetic, and learned tables given to [`Typo::new`]) with a
/// noisy-channel score (see [`crate::chinese`]). A candidate whose confidence reaches the
/// threshold is applied; a weaker one (confidence at least 0.7 %) is a suggestion with its
/// ranked candidates. Protected terms of the lexicon are never touched, nor a character inside
/// an occurrence of a lexicon word longer than the model's words (see `LongWords`).
///
/// Latin script: OCR-typical edits toward words that recur in the document or toward frequent
/// words of the embedded English word list, glued CamelCase words split, near-misses suggested
/// (see [`crate::latin`]). Applied from [`crate::latin::LATIN_THRESHOLD`] by default, from the
/// threshold given to [`Typo::with_threshold`] when there is one.
///
/// Suggestions are recorded only above [`SUGGESTION_FLOOR`] unless
/// [`Typo::with_all_suggestions`] asks for every one.
///
/// The OCR engine's confidences in the input (`Context::with_confidences`) enter the channel: a
/// character read with low confidence is a likelier misread.
///
/// Rules: `typo-zh` (lexicon and confusion evidence), `typo-zh-evidence` (the corrected word
/// recurs in the document, or the candidate recurs in the same context: 总体国家安全观 × 4
/// makes 总体国家安全关 a misreading however long the page), `typo-zh-low-confidence` (the engine's confidence in the character
/// was below the reference and raised the score), `typo-latin-ocr`, `typo-latin-split`,
/// `typo-latin`.
#[derive(Debug, Clone)]
pub struct Typo {
    model: Arc<Model>,
    params: Params,
    /// The confidence from which a Latin fix that its rules allow is applied.
    latin_apply: f32,
    /// Record every suggestion, not only those above [`SUGGESTION_FLOOR`].
    all_suggestions: bool,
    /// A word language model for Chinese context ([`Typo::with_lm`]).
    lm: Option<Arc<dyn chinese::WordLm>>,
    /// The lexicon's words longer than the model's (see [`LongWords`]).
    long_words: LongWords,
}

/// The lexicon's Han words of more than [`MAX_WORD`] characters (列支敦士登, 马克思主义者),
/// which the model's segmentation does not see: a correction inside an occurrence of one is
/// dropped, since the word as printed is in the lexicon and a misread would have broken it.
#[derive(Debug, Clone)]
enum LongWords {
    /// Those of [`Lexicon::embedded`], looked up there.
    Embedded,
    /// Those of another lexicon, collected when the pass is built.
    Own(Arc<std::collections::HashSet<Box<str>>>),
}

impl LongWords {
    fn of(lexicon: &Lexicon) -> LongWords {
        let words = lexicon
            .iter()
            .map(|(w, _)| w)
            .filter(|w| w.chars().count() > MAX_WORD && w.chars().all(is_han))
            .map(Box::from)
            .collect();
        LongWords::Own(Arc::new(words))
    }

    fn contains(&self, word: &str) -> bool {
        match self {
            LongWords::Embedded => Lexicon::embedded().contains(word),
            LongWords::Own(set) => set.contains(word),
        }
    }

    /// True when the Han characters around `start..end` of `text` (the span of one character)
    /// hold a word of more than [`MAX_WORD`] characters, up to [`LONG_WORD_MAX`], that covers it.
    fn covers(&self, text: &str, start: usize, end: usize) -> bool {
        let before: Vec<usize> = text[..start]
            .char_indices()
            .rev()
            .take_while(|&(_, c)| is_han(c))
            .take(LONG_WORD_MAX - 1)
            .map(|(i, _)| i)
            .collect();
        let after: Vec<usize> = text[end..]
            .char_indices()
            .take_while(|&(_, c)| is_han(c))
            .take(LONG_WORD_MAX - 1)
            .map(|(i, c)| end + i + c.len_utf8())
            .collect();
        if before.len() + after.len() < MAX_WORD {
            return false;
        }
        // `l` characters before the span and `r` after it.
        (0..=before.len()).any(|l| {
            let from = if l == 0 { start } else { before[l - 1] };
            (0..=after.len()).any(|r| {
                let len = l + 1 + r;
                let to = if r == 0 { end } else { after[r - 1] };
                len > MAX_WORD && len <= LONG_WORD_MAX && self.contains(&text[from..to])
            })
        })
    }
}

/// The longest lexicon word [`LongWords::covers`] looks for, in characters.
const LONG_WORD_MAX: usize = 8;

/// What the pass keeps in its [`ocrtidy_core::PassMemory`] from one round of a run to the next:
/// the corrections of the last text, reused where the text did not change (see
/// `chinese::correct_memo`, `latin::correct_memo`).
#[derive(Default)]
struct TypoMemory {
    latin: Option<crate::latin::Memo>,
    chinese: Option<chinese::Memo>,
}

/// The default confidence from which a correction is applied rather than suggested. The
/// confidences are calibrated (see [`crate::chinese`]): of the Chinese corrections of half B
/// of the development corpus applied at this threshold, 106 of 109 were right, two broke a
/// correct character (one of them restoring a typo of the ground truth) and one was neutral
/// (both characters wrong).
pub const DEFAULT_THRESHOLD: f32 = 0.8;

/// The display threshold: by default a suggestion of the pass is recorded only when its
/// confidence (its top candidate's) is above this value; [`Typo::with_all_suggestions`]
/// (`Config::all_suggestions`, `--all-suggestions`) records the rest. Applied corrections are
/// not affected.
///
/// Fitted with `scripts/typo_suggestions.py` on the development corpus split by md5 of the
/// document id (the halves of `scripts/typo_eval.py`, on which the confidences were
/// calibrated): on half A (plain text / hOCR layout), Chinese suggestions are right (top
/// candidate = ground truth) 51 % / 48 % of the time above 0.3, 59 % / 56 % above 0.4 and
/// 62 % / 60 % above 0.5; Latin suggestions (confidence 0.3 or 0.5) 12 %–22 %, at no confidence
/// half the time. Above 0.5 (which leaves out Latin suggestions) is the lowest value right at
/// least half the time at every higher one for both scripts. Checked on held-out half B:
/// Chinese above 0.5 right 43 of 83 (52 %) / 55 of 104 (53 %). Of the corpus's 2,212 / 2,458
/// typo suggestions, 141 / 169 are recorded by default (2026-12-06).
pub const SUGGESTION_FLOOR: f32 = 0.5;

impl Typo {
    /// The pass with the embedded lexicon and confusion tables (the model is prebuilt at
    /// compile time and loaded once per process).
    pub fn embedded() -> Typo {
        static MODEL: OnceLock<Arc<Model>> = OnceLock::new();
        let model = MODEL.get_or_init(|| Arc::new(Model::embedded())).clone();
        Typo::from_model(model, LongWords::Embedded)
    }

    /// The pass with a lexicon (for instance a user layer over the embedded one, with protected
    /// terms) and confusion tables.
    pub fn new(lexicon: &Lexicon, confusions: &ConfusionTable) -> Typo {
        Typo::from_model(
            Arc::new(Model::build(lexicon, confusions, ChannelParams::default())),
            LongWords::of(lexicon),
        )
    }

    /// The pass with explicit channel parameters (for tuning and experiments).
    #[doc(hidden)]
    pub fn with_channel(
        lexicon: &Lexicon,
        confusions: &ConfusionTable,
        channel: ChannelParams,
    ) -> Typo {
        Typo::from_model(
            Arc::new(Model::build(lexicon, confusions, channel)),
            LongWords::of(lexicon),
        )
    }

    fn from_model(model: Arc<Model>, long_words: LongWords) -> Typo {
        let mut t = Typo {
            model,
            long_words,
            params: Params::default(),
            latin_apply: crate::latin::LATIN_THRESHOLD,
            all_suggestions: false,
            lm: None,
        };
        t.params.apply = logit(DEFAULT_THRESHOLD);
        t
    }

    /// Applies corrections whose confidence is at least `threshold` (in (0, 1)); weaker ones are
    /// suggested. Values outside (0, 1) are clamped. The threshold decides for both scripts:
    /// Latin fixes that their rules allow are applied from it too, instead of from
    /// [`crate::latin::LATIN_THRESHOLD`] (so 0.8, the Chinese default, also turns Latin fixes
    /// toward a word the document has only twice, confidence 0.75, into suggestions).
    pub fn with_threshold(mut self, threshold: f32) -> Typo {
        let threshold = threshold.clamp(0.01, 0.9999);
        self.params.apply = logit(threshold);
        self.params.suggest = self.params.suggest.min(self.params.apply);
        self.latin_apply = threshold;
        self
    }

    /// Records every suggestion (`true`), or only those above [`SUGGESTION_FLOOR`] (`false`,
    /// the default).
    pub fn with_all_suggestions(mut self, all: bool) -> Typo {
        self.all_suggestions = all;
        self
    }

    /// Weighs Chinese candidates with a word language model as well (see
    /// [`crate::chinese::WordLm`]; `--lm PATH` loads a KenLM binary with [`crate::kenlm`]).
    pub fn with_lm(mut self, lm: Arc<dyn chinese::WordLm>) -> Typo {
        self.lm = Some(lm);
        self
    }

    /// Whether a suggestion of this confidence is recorded.
    fn shows(&self, confidence: f32) -> bool {
        self.all_suggestions || confidence > SUGGESTION_FLOOR
    }

    /// Replaces the scoring parameters (for tuning and experiments).
    pub fn with_params(mut self, params: Params) -> Typo {
        self.params = params;
        self
    }

    pub fn params(&self) -> &Params {
        &self.params
    }

    /// Whether the pass drops a Chinese correction of `text[start..end]` because it lies inside
    /// a lexicon word longer than the model's words (see `LongWords`): for tools that call
    /// [`crate::chinese::correct`] and must see what the pass keeps.
    #[doc(hidden)]
    pub fn inside_long_word(&self, text: &str, start: usize, end: usize) -> bool {
        self.long_words.covers(text, start, end)
    }

    /// The model, for [`crate::chinese::correct`] in tools and experiments.
    #[doc(hidden)]
    pub fn model_for_debug(&self) -> &crate::model::Model {
        &self.model
    }
}

fn logit(p: f32) -> f32 {
    (p / (1.0 - p)).ln()
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

impl Typo {
    /// The pass's declaration: id, summary, flags and every rule it may record.
    pub const SPEC: PassSpec = PassSpec {
        id: PassId::Typo,
        summary: "misread characters corrected by dictionary, confusion sets and document evidence",
        kind: PassKind::Character,
        removes_text: false,
        rerun: true,
        local: false,
        written_back: true,
        rules: &[
            RuleSpec {
                id: "typo-zh",
                explain: "A Chinese character that forms no word with its neighbours is replaced by a look-alike or sound-alike from the confusion tables when the lexicon makes the candidate much likelier in context: `己经` → `已经`; a candidate that completes a lexicon word of four or more characters with the neighbours counts for more (`束面环境` → `桌面环境`). Applied when the calibrated confidence reaches the threshold (0.8 by default, `--typo-threshold`), beats the runner-up and nearby competing corrections by a margin, and the context is not garbled; otherwise suggested with up to 3 ranked candidates: above 0.5 confidence by default, down to about 0.7 % with `--all-suggestions`. A character that already forms a word, or whose correction would strand a neighbour, is at most suggested; protected terms are never touched, and neither is a character inside a lexicon word of more than four characters as printed (`列支敦士登`). This name is used when neither document evidence nor a low engine confidence contributed.",
            },
            RuleSpec {
                id: "typo-zh-evidence",
                explain: "The same Chinese correction as `typo-zh`, where the winning candidate is backed by the document itself: the corrected word recurs elsewhere in the text, or the candidate occurs at least 3 times in the same 3+-character context more often than the observed character: `总体国家安全观` four times makes `总体国家安全关` → `总体国家安全观`. Applied at the same threshold as `typo-zh` (0.8 by default), otherwise suggested. This name takes precedence over `typo-zh-low-confidence`.",
            },
            RuleSpec {
                id: "typo-zh-low-confidence",
                explain: "The same Chinese correction as `typo-zh`, where the OCR engine's own confidence in the character (from hOCR, ALTO, PAGE, TSV or JSON input) was below 0.9, which raised the score of the misread hypothesis: a `己` read with confidence 0.4 → `已`. Applied at the same threshold (0.8 by default), otherwise suggested. Plain text has no engine confidences, so this rule appears only for OCR formats.",
            },
            RuleSpec {
                id: "typo-latin-ocr",
                explain: "A Latin token is corrected by OCR-typical edits (`1`→`l`/`i`, `0`→`o`, `5`→`s`, `rn`→`m`, `cl`→`d`, `vv`→`w`, `l1`→`h`, or one look-alike letter): `tl1e` → `the`, `Deb1an` → `Debian`, `availabie` → `available`. Applied when the token occurs once (a token whose digits stand for letters may recur: the same glyph misread again) and the result recurs in the document (2+ times, 3+ for letter-only edits) without a competing reading, when a digit stood for a letter and the result is a frequent English word clearly ahead of other readings, for letter-only edits toward very frequent words or, in a lowercase token of 7+ letters (`rnistakes`), toward common ones, or for a 6+-letter unknown word one look-alike letter or one extra `i` (a speck between two letters: `wouild`) from a dictionary word or from a word recurring 4+ times in the document (`Deblan` near `Debian`) (confidence 0.9; a fix toward a word the document has n times has 1 - 1/(n+2)). When two readings are about as frequent (`rnodern`: `modern`, `modem`), English word bigrams with the neighbouring words decide if they make one ten times likelier (`the rnodern world` → `modern`, confidence 0.8); otherwise suggested (confidence 0.5). A recurring unknown token is corrected at every occurrence where one occurrence would be applied (`rnust` twice → `must` twice: OCR misreads the same glyph the same way). Applied from 0.75 by default, from `--typo-threshold` when it is given; never when another reading competes. The English word list is used only in English context; version strings and identifiers (`i386`, `ext4`, `md5`), manual-page names other than for a look-alike letter (`ncurses(3)`) and heads of contractions (`shouldn't`) are left alone.",
            },
            RuleSpec {
                id: "typo-latin-split",
                explain: "A Latin token in which OCR glued words together is split with spaces: a CamelCase token seen once whose parts all recur on their own (`DebianEdu` → `Debian Edu`), or in English text a CamelCase token of frequent words with a function word before the last (`TheFreeSoftwareHerald`), or an unknown lowercase token that splits into 2–4 frequent words including a function word (`thenumberof` → `the number of`). Applied (confidence 0.9) unless `--typo-threshold` is above 0.9. Names (`LibreOffice`, `DuckDuckGo`), content-word compounds (`username`) and commands (`modprobe`) are left alone.",
            },
            RuleSpec {
                id: "typo-latin",
                explain: "An unknown Latin word of 6+ letters seen once that is one edit (insertion, deletion, substitution or transposition) away from a word recurring at least 4 times in the document is flagged with that word: `Debain` → suggest `Debian` (confidence 0.5); the same word in another case (`debian` in a host name) is not. In English text, a near-miss of a frequent dictionary word that is not a look-alike letter swap is also flagged: confidence 0.6 when an English word bigram with a neighbour supports it (`when ruaning the tests` → `running`; shown by default, such suggestions were right 4 of 5 times on the development corpus), 0.3 otherwise; American spellings the word list has only in British spelling (`favorite`) are not flagged. Suggested; those at 0.5 or below are recorded only with `--all-suggestions` (they were right less than half the time); applied only when `--typo-threshold` is set at or below its confidence.",
            },
        ],
    };
}

impl Pass for Typo {
    fn spec(&self) -> &'static PassSpec {
        &Self::SPEC
    }

    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        let (latin, found) = input.memory.with(|m: &mut TypoMemory| {
            let latin = crate::latin::correct_memo(input.text, &mut m.latin);
            // Only what the loop below reads: applied corrections and shown suggestions, or only
            // the applied ones when the sink keeps no suggestion (a run without a ledger).
            let applied_only = !sink.keeps_suggestions();
            let keep = |c: &chinese::Correction| {
                c.candidates.first().is_some_and(|&(_, score, _)| {
                    c.apply || (!applied_only && self.shows(sigmoid(score)))
                })
            };
            let found = chinese::correct_memo(
                input.text,
                &self.model,
                &self.params,
                input.context,
                self.lm.as_deref(),
                &keep,
                applied_only,
                &mut m.chinese,
            );
            (latin, found)
        });
        for f in latin {
            let _ = if f.applies_at(self.latin_apply) {
                sink.replace(f.start..f.end, f.replacement, f.rule, f.confidence)
            } else if !self.shows(f.confidence) {
                continue;
            } else {
                sink.suggest(
                    f.start..f.end,
                    vec![Candidate::new(f.replacement, f.confidence)],
                    f.rule,
                    f.confidence,
                )
            };
        }
        for c in found {
            let Some(&(best, score, evidence)) = c.candidates.first() else {
                continue;
            };
            if self.inside_long_word(input.text, c.start, c.end) {
                continue;
            }
            // The engine's low confidence in the character is recorded in the rule.
            let low = c
                .ocr_confidence
                .is_some_and(|x| x < self.params.ocr_reference);
            let rule = match (evidence, low) {
                (true, _) => "typo-zh-evidence",
                (false, true) => "typo-zh-low-confidence",
                (false, false) => "typo-zh",
            };
            let conf = sigmoid(score);
            if c.apply {
                let others = c.candidates[1..]
                    .iter()
                    .map(|&(ch, s, _)| Candidate::new(ch.to_string(), sigmoid(s)))
                    .collect();
                let _ = sink.replace_with_alternatives(
                    c.start..c.end,
                    best.to_string(),
                    rule,
                    conf,
                    others,
                );
            } else if self.shows(conf) {
                let cands = c
                    .candidates
                    .iter()
                    .map(|&(ch, s, _)| Candidate::new(ch.to_string(), sigmoid(s)))
                    .collect();
                let _ = sink.suggest(c.start..c.end, cands, rule, conf);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_words_cover_only_characters_inside_a_long_lexicon_word() {
        let lexicon = Lexicon::from_word_list("列支敦士登 50 ns\n国家 900 n\n马克思主义者 30 n\n");
        let words = LongWords::of(&lexicon);
        let text = "去列支敦士登，a马克思主义者b列支敦士。";
        let at = |s: &str, nth: usize| text.match_indices(s).nth(nth).unwrap().0;
        let covers = |i: usize| {
            let c = text[i..].chars().next().unwrap();
            words.covers(text, i, i + c.len_utf8())
        };
        // Every character of the five-character name, none around it.
        for ch in ["列", "支", "敦", "士", "登"] {
            assert!(covers(at(ch, 0)), "{ch}");
        }
        assert!(!covers(at("去", 0)));
        // A six-character word between Latin letters.
        assert!(covers(at("克", 0)));
        assert!(covers(at("者", 0)));
        // The name cut short is not a word: its characters are not covered.
        assert!(!covers(at("敦", 1)));
        // Short words are the model's business.
        assert!(!LongWords::of(&lexicon).contains("国家"));
        // The embedded lexicon answers for the embedded pass.
        assert!(LongWords::Embedded.covers("在列支敦士登", 9, 12));
    }
}
