//! Chinese correction: noisy-channel scoring of single-character substitutions.
//!
//! For every position the corrector considers the candidates of the confusion tables and scores
//! `ln P(context | candidate) + ln P(observed | candidate) - ln P(context | observed)` (log-odds):
//! - the channel `ln P(observed | candidate)` comes from the confusion weights (visual
//!   similarity, homophony, learned probabilities; see `ChannelParams`);
//! - the context score is the best unigram segmentation of a window of up to seven characters
//!   around the position, with overlapping compounds (残疾人 + 人士), lexicon frequencies and
//!   document evidence as a cache model (words that recur in the same document are likelier),
//!   plus how readily the character forms words with its neighbours (`Model::bond`);
//! - where the observed character forms a word with neither neighbour, a candidate that
//!   completes a four-character lexicon word with them gains `Params::long_word_offset`;
//! - document support: how often the candidate occurs elsewhere in the document in the same
//!   context (`n`, at least three times with at least three shared characters) against how
//!   often the observed character does (`m`), `support_weight * k * ln((n + ½) / (m + ½))` with
//!   `k` the shared characters (up to six). Counts, not shares of the page: 总体国家安全观 four
//!   times makes 总体国家安全关 suspect on a long page as on a short one. The candidate's form
//!   must be more than twice as frequent as the observed one (Tesseract repeats its misreadings);
//! - sound-alike candidates lose [`Params::phonetic_offset`]: OCR misreads look alike;
//! - the OCR engine's confidence in the observed character, when the input had one
//!   (`Context::with_confidences`), moves the channel: `ln((1 - c) / (1 - reference))`.
//!
//! The scores of all candidates of a position are turned into a posterior against the observed
//! character and every other candidate, `ln(odds_c / (1 + Σ other odds))` (two plausible
//! readings make both unlikely), and calibrated, `confidence = sigmoid(cal_scale * posterior +
//! cal_bias)`, with the scale and bias fitted by logistic regression on the corrections of half
//! A of the development corpus (is the top candidate what the ground truth has?); on half B the
//! top candidates with confidence ≥ 0.8 are right 94 % of the time (mean confidence 0.94).
//!
//! Positions are questioned when the observed character stands alone in the segmentation (it
//! forms no word with its neighbours), or when a word that recurs in the document is one
//! confusion away from the observed characters (清徐 × 9 makes 清除 suspicious). A correction is
//! applied only when its confidence passes [`Params::apply`], beats its runner-up and every
//! competing correction nearby by [`Params::margin`], and its context is not garbled; a
//! correction of a character that already forms a word is only ever suggested: replacing one
//! valid word by another on document evidence alone is not safe enough to apply.

//!
//! The code, by concern:
//! - `params`: [`Params`], the scoring parameters and their defaults;
//! - `groups`: the Han runs of a text, and the document groups that are scored as one document;
//! - `memo`: the corrections of the last document, reused group by group in the next round;
//! - `evidence`: words that recur in the document, and their near-variants;
//! - `support`: the document as one sequence of ids, indexed by pair, and the support of a
//!   candidate (shared contexts elsewhere in the document);
//! - `segment`: segmentation of runs and scoring windows (the context score);
//! - `score`: the candidates of each position of a run, their scores, posteriors and the
//!   decision to apply.

mod evidence;
mod groups;
mod lm;
mod memo;
mod params;
mod score;
mod segment;
mod support;

use ocrtidy_core::Context;

use crate::model::Model;
use evidence::{
    doc_evidence, segment_group, DocEvidence, NearVariants, Present, Reuse, Segmentation,
};
use groups::{for_each_group, Runs};
use score::{correct_run, Place, Raw, RawRun, RunScratch};
use segment::Scorer;
use support::DocSeq;

pub use lm::WordLm;
pub(crate) use memo::{correct_memo, Memo};
pub use params::Params;
pub use support::SUPPORT_CONTEXT;

/// A scored correction of one character.
#[derive(Clone, Debug, PartialEq)]
pub struct Correction {
    /// Byte range of the observed character in the text.
    pub start: usize,
    pub end: usize,
    /// Candidates, best first: (character, log-odds score, supported by document evidence).
    pub candidates: Vec<(char, f32, bool)>,
    /// True when the best candidate should replace the observed character; false for a
    /// suggestion.
    pub apply: bool,
    /// The OCR engine's confidence in the observed character, when the input had one.
    pub ocr_confidence: Option<f32>,
    /// The best candidate's score terms (context gain, channel, bond, visual, phonetic,
    /// learned, evidence, questioned, support log-ratio, support context, support count,
    /// orphan gain, language-model gain, whether the candidate completes a four-character
    /// word where the observed character stands alone), for calibration tools.
    #[doc(hidden)]
    pub features: [f32; NFEATURES],
}

/// Number of score terms in [`Correction::features`].
#[doc(hidden)]
pub const NFEATURES: usize = 14;

/// One character of a Han run.
#[derive(Clone, Copy)]
struct Slot {
    start: usize,
    end: usize,
    id: u16,
}

/// Finds the corrections of a text (scores at least `params.suggest`), in text order.
pub fn correct(text: &str, model: &Model, params: &Params) -> Vec<Correction> {
    correct_in(text, model, params, &Context::default())
}

/// [`correct`] with the OCR engine's confidences of the text's spans (in `text`'s offsets).
pub fn correct_in(
    text: &str,
    model: &Model,
    params: &Params,
    context: &Context,
) -> Vec<Correction> {
    correct_lm(text, model, params, context, None)
}

/// [`correct_in`] with a word language model as a feature of the context (see [`WordLm`]).
pub fn correct_lm(
    text: &str,
    model: &Model,
    params: &Params,
    context: &Context,
    lm: Option<&dyn WordLm>,
) -> Vec<Correction> {
    let protected = protected_ranges(text, model);
    let mut out = Vec::new();
    let mut scratch = RunScratch::default();
    for_each_group(text, model, |_, runs| {
        let wanted = Wanted {
            protected: &protected,
            applied_only: false,
        };
        correct_group(
            runs,
            model,
            params,
            context,
            lm,
            &wanted,
            None,
            None,
            &mut scratch,
            &mut out,
        );
    });
    out
}

/// Which corrections [`correct_group`] is to find.
struct Wanted<'a> {
    /// The byte ranges of protected terms, never corrected.
    protected: &'a [(usize, usize)],
    /// Only those that are applied: the others may be left out (see `score::correct_run`).
    applied_only: bool,
}

/// Where [`correct_group`] records the positions' results, run by run, and which corrections
/// it is to give (see [`Raw`]).
type Record<'a> = (&'a mut Vec<RawRun>, &'a dyn Fn(&Correction) -> bool);

/// Scores the runs of one document group (see [`groups::DOCUMENT_CHARS`]), appending to `out`,
/// with the segmentation of the runs that `reuse` has and the buffers and look-ups of
/// `scratch`; returns the number of words of its
/// segmentation (see [`Group::doc_words`]), the segmentation and the evidence the memo may
/// keep ([`Kept`]). With `raw`, records the
/// result of each position scored, run by run, and appends only the corrections its
/// predicate keeps (see [`Raw`]).
#[allow(clippy::too_many_arguments)]
fn correct_group(
    runs: &Runs,
    model: &Model,
    params: &Params,
    context: &Context,
    lm: Option<&dyn WordLm>,
    wanted: &Wanted<'_>,
    reuse: Option<&Reuse<'_>>,
    mut raw: Option<Record<'_>>,
    scratch: &mut RunScratch,
    out: &mut Vec<Correction>,
) -> (usize, Segmentation, Kept) {
    let group = Group::new(runs, model, params, reuse);
    for r in 0..runs.len() {
        let mut record = RawRun::new();
        let run_raw = raw.as_ref().map(|&(_, keep)| Raw {
            known: &[],
            record: &mut record,
            keep,
        });
        group.correct_run(r, runs, context, lm, wanted, run_raw, scratch, out);
        if let Some((raw, _)) = raw.as_mut() {
            raw.push(record);
        }
    }
    group.into_parts()
}

/// The evidence of a document group that does not follow from its segmentation alone, kept by
/// the memo for the next round (see `memo::rescore`), where the group's evidence is made from
/// it and from what the runs that changed count ([`Group::again`]).
struct Kept {
    doc: rustc_hash::FxHashMap<u64, u32>,
    variants: NearVariants,
    /// The characters the near-variants were made for (see [`NearVariants::new`]).
    present: Present,
}

/// A document group's evidence, what the scores of its positions depend on besides their runs.
struct Group<'m> {
    model: &'m Model,
    params: &'m Params,
    /// Words of the document (see [`doc_evidence`]).
    doc: rustc_hash::FxHashMap<u64, u32>,
    /// Which characters stand alone, in the layout of `DocSeq::seq` (run `r` from
    /// `doc_seq.run_start[r]`).
    single_flags: Vec<bool>,
    /// The number of words of the group's segmentation.
    doc_words: usize,
    variants: NearVariants,
    /// The characters `variants` were made for, when not `doc_seq.present` (see
    /// [`Group::again`]).
    variants_present: Option<Present>,
    doc_seq: DocSeq,
    /// The segmentation of the runs (kept by the memo).
    segmentation: Segmentation,
}

impl<'m> Group<'m> {
    /// The evidence of the group of `runs`, with the segmentation of the runs that `reuse` has.
    fn new(
        runs: &Runs,
        model: &'m Model,
        params: &'m Params,
        reuse: Option<&Reuse<'_>>,
    ) -> Group<'m> {
        let DocEvidence {
            doc,
            recurring,
            single_flags,
            doc_words,
            segmentation,
        } = doc_evidence(runs, model, params, model.partners(), reuse);
        let doc_seq = DocSeq::new(runs);
        let variants = NearVariants::new(&recurring, model, &doc_seq.present);
        Group {
            model,
            params,
            doc,
            single_flags,
            doc_words,
            variants,
            variants_present: None,
            doc_seq,
            segmentation,
        }
    }

    /// The evidence of the group of `runs`, made from `last`, the evidence of the group of
    /// the last round, and `delta`, what the runs that changed count (those of this group that
    /// `reuse` does not match, counted up, and those of the last group that it does not
    /// match, counted down): the same as [`Group::new`]'s, at the cost of the change but for
    /// the segmentation's walk and the pair index (`DocSeq`), made anew.
    ///
    /// The word counts are the last ones with `delta`. The near-variants are the last ones
    /// when no word became or ceased to be a recurring word and the group has no character
    /// that they were not made for: a near-variant whose misread character the group lacks
    /// is only a key more in their filters, which answer "maybe" for keys they lack too (the
    /// recurring words, which decide, are the same); otherwise they are updated
    /// ([`NearVariants::update`]), or made anew when their filters are full.
    fn again(
        runs: &Runs,
        model: &'m Model,
        params: &'m Params,
        reuse: &Reuse<'_>,
        last: Kept,
        delta: &rustc_hash::FxHashMap<u64, i64>,
    ) -> Group<'m> {
        let (single_flags, doc_words, segmentation) = segment_group(
            runs,
            model,
            params,
            model.partners(),
            Some(reuse),
            None::<fn(u64)>,
        );
        let Kept {
            mut doc,
            variants,
            present,
        } = last;
        // As `doc_evidence` lists the recurring words.
        let min = params.evidence_min.max(1);
        // The words that became recurring words, and those that ceased to be.
        let (mut added, mut removed) = (Vec::new(), Vec::new());
        for (&k, &d) in delta {
            if d == 0 {
                continue;
            }
            let was = doc.get(&k).copied().unwrap_or(0);
            let now = i64::from(was) + d;
            debug_assert!(now >= 0);
            let now = u32::try_from(now).unwrap_or(0);
            match (was >= min, now >= min) {
                (false, true) => added.push(k),
                (true, false) => removed.push(k),
                _ => {}
            }
            if now == 0 {
                doc.remove(&k);
            } else {
                doc.insert(k, now);
            }
        }
        let doc_seq = DocSeq::new(runs);
        let (mut variants, present) = (variants, present);
        let variants_present =
            if added.is_empty() && removed.is_empty() && doc_seq.present.is_subset(&present) {
                Some(present)
            } else {
                if !variants.update(&added, &removed, model, &doc_seq.present, &present) {
                    let recurring: Vec<u64> = doc
                        .iter()
                        .filter(|&(_, &n)| n >= min)
                        .map(|(&k, _)| k)
                        .collect();
                    variants = NearVariants::new(&recurring, model, &doc_seq.present);
                }
                None
            };
        Group {
            model,
            params,
            doc,
            single_flags,
            doc_words,
            variants,
            variants_present,
            doc_seq,
            segmentation,
        }
    }

    /// The number of words of the segmentation, the segmentation, and the evidence the memo
    /// may keep.
    fn into_parts(self) -> (usize, Segmentation, Kept) {
        let present = self.variants_present.unwrap_or(self.doc_seq.present);
        let kept = Kept {
            doc: self.doc,
            variants: self.variants,
            present,
        };
        (self.doc_words, self.segmentation, kept)
    }

    /// Scores run `r` of `runs` (those the group was made of), appending to `out`.
    #[allow(clippy::too_many_arguments)]
    fn correct_run(
        &self,
        r: usize,
        runs: &Runs,
        context: &Context,
        lm: Option<&dyn WordLm>,
        wanted: &Wanted<'_>,
        raw: Option<Raw<'_>>,
        scratch: &mut RunScratch,
        out: &mut Vec<Correction>,
    ) {
        let (model, params) = (self.model, self.params);
        let scorer = Scorer {
            model,
            params,
            doc: &self.doc,
            doc_words: cache_words(self.doc_words, params),
            partners: model.partners(),
            lm,
        };
        let at = self.doc_seq.run_start[r];
        let place = Place {
            run: &runs[r],
            single: &self.single_flags[at..at + runs[r].len()],
            at,
            doc: &self.doc_seq,
        };
        // The scoring compiled for a memo's record, or without one (see `correct_run`).
        let correct = if raw.is_some() {
            correct_run::<true>
        } else {
            correct_run::<false>
        };
        correct(
            &place,
            &scorer,
            &self.variants,
            wanted.protected,
            context,
            wanted.applied_only,
            raw,
            scratch,
            out,
        );
    }
}

/// The size of the cache model of a document of `doc_words` words (see
/// [`Params::cache_words`]).
fn cache_words(doc_words: usize, params: &Params) -> f32 {
    (doc_words.max(1) as f32).min(params.cache_words.max(1.0))
}

/// The byte ranges of the protected terms' occurrences in `text`.
fn protected_ranges(text: &str, model: &Model) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    for term in &model.protected {
        if term.is_empty() {
            continue;
        }
        for (i, _) in text.match_indices(term.as_str()) {
            ranges.push((i, i + term.len()));
        }
    }
    ranges
}
