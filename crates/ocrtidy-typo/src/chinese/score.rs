//! The corrections of a run: the candidates of each position (from the confusion tables and
//! document evidence), their scores (context gain, channel, OCR confidence, bonds, document
//! support), the posterior of each against the others, and which corrections are applied.

use ocrtidy_core::text::TextRange;
use ocrtidy_core::Context;

use super::evidence::NearVariants;
use super::lm::{window_ln_prob, LmScratch, WordLm, LM_SIDE};
use super::segment::{Edges, Links, Scorer, Segmented, Window};
use super::support::DocSeq;
use super::{Correction, Params, Slot, NFEATURES, SUPPORT_CONTEXT};
use crate::confusion::ConfusionKind;
use crate::model::{IdConfusion, Model, MAX_WORD};

/// A run and its place in the document.
pub(super) struct Place<'a> {
    pub(super) run: &'a [Slot],
    pub(super) single: &'a [bool],
    /// Index of the run's first character in `doc.seq`.
    pub(super) at: usize,
    pub(super) doc: &'a DocSeq,
}

/// Candidates of a position weighed with the language model, when there is one.
const LM_CANDIDATES: usize = 3;

/// The language model weighs the candidates of a position only when the best of them scores at
/// least this (log-odds before the posterior; shown suggestions score about 4, applied
/// corrections about 6).
const LM_MIN_DELTA: f32 = -1.0;

/// A candidate for a position: its id, channel log-likelihood and confusion table, and where
/// its pairs with the neighbours are in the partner lists (see [`Candidate::links`]).
#[derive(Clone, Copy)]
struct Candidate {
    id: u16,
    channel: f32,
    kind: ConfusionKind,
    links: Links,
}

/// Where a candidate's pairs with the previous and the next character are in the partner lists
/// (see [`Links`]).
type Found = (Option<usize>, Option<usize>);

/// The buffers of [`correct_run`], kept from run to run (and by the memo from round to round).
#[derive(Default)]
pub(super) struct RunScratch {
    links: LinkCache,
    evidence: Vec<Vec<u16>>,
    window: Vec<u16>,
    edges: Option<Edges>,
    cands: Vec<Candidate>,
    all: Vec<Scored>,
    lm: LmScratch,
}

/// The result of scoring each of a run's positions on its own, before the run's results are
/// combined (see [`correct_run`]): the position and its correction, if any, with the byte range
/// of the character when it was scored.
pub(super) type RawRun = Vec<(u32, Option<Correction>)>;

/// The results of positions of a run that [`correct_run`] takes instead of scoring them, and
/// where it records the result of each position it scores or takes.
pub(super) struct Raw<'a> {
    /// Results known to be those of scoring the positions now, by position (increasing).
    pub(super) known: &'a [(u32, Option<Correction>)],
    /// Receives, by position (increasing), the result of every position scored or taken.
    pub(super) record: &'a mut RawRun,
    /// The corrections wanted: only those are appended to the output (the results are kept
    /// in `record`, and most corrections are suggestions that would be dropped).
    pub(super) keep: &'a dyn Fn(&Correction) -> bool,
}

/// Scores the positions of a run, appending their corrections to `out` in run order.
///
/// With `applied_only`, only the corrections that are applied are wanted (a run that keeps no
/// ledger, whose suggestions go nowhere): a position that is not questioned is never applied,
/// and is scored only when it is near enough to a correction that would be applied to compete
/// with it (see `settle_overlaps`); the applied corrections are the same as without it, the
/// others are left out or not.
///
/// With `raw`, a position whose result is known is not scored again (see [`Raw`]); `RAW` says
/// whether there is one (the scoring of a run without stays as lean as it was).
#[allow(clippy::too_many_arguments)]
pub(super) fn correct_run<const RAW: bool>(
    place: &Place<'_>,
    scorer: &Scorer<'_>,
    variants: &NearVariants,
    protected: &[(usize, usize)],
    context: &Context,
    applied_only: bool,
    mut raw: Option<Raw<'_>>,
    scratch: &mut RunScratch,
    out: &mut Vec<Correction>,
) {
    debug_assert_eq!(RAW, raw.is_some());
    let run = place.run;
    let n = run.len();
    if n < 2 {
        return;
    }
    let model = scorer.model;
    let params = scorer.params;
    let RunScratch {
        links: link_cache,
        evidence,
        window,
        edges,
        cands,
        all,
        lm: lm_scratch,
    } = scratch;
    // A common character standing alone is not questioned.
    let common = |id: u16| {
        model
            .word(&[id])
            .is_some_and(|(_, f)| f > params.max_single_freq)
    };
    evidence_candidates(run, model, variants, evidence);
    let mut found: Vec<(usize, Correction)> = Vec::new();
    // Made for the first position with candidates.
    let mut fresh = true;
    // Positions left for later (see `applied_only`).
    let mut later: Vec<usize> = Vec::new();
    let mut score = |pos: &Position<'_>| {
        pos.candidates(&evidence[pos.i], cands, link_cache);
        if cands.is_empty() {
            return None;
        }
        let edges = edges.get_or_insert_with(|| Edges::new(n));
        if fresh {
            edges.reset(n);
            fresh = false;
        }
        pos.correct(cands, context, window, edges, all, lm_scratch)
    };
    let mut score_at = |i: usize, later: Option<&mut Vec<usize>>| {
        let slot = run[i];
        if slot.id == 0
            || protected
                .iter()
                .any(|&(a, b)| slot.start < b && a < slot.end)
        {
            return None;
        }
        let pos = Position {
            place,
            scorer,
            i,
            slot,
            prev: if i > 0 { run[i - 1].id } else { 0 },
            next: if i + 1 < n { run[i + 1].id } else { 0 },
            questioned: place.single[i] && !common(slot.id),
        };
        // Neither questioned nor pointed at by document evidence: no candidate.
        if !pos.questioned && evidence[i].is_empty() {
            return None;
        }
        if let Some(later) = later.filter(|_| !pos.questioned) {
            later.push(i);
            return None;
        }
        let Some(raw) = raw.as_mut().filter(|_| RAW) else {
            return score(&pos);
        };
        // A position is scored on its own: its result stays what it was while nothing it
        // depends on changed, only moved with its character.
        let c = match raw.known.binary_search_by_key(&(i as u32), |k| k.0) {
            Ok(k) => raw.known[k].1.as_ref().map(|c| Correction {
                start: slot.start,
                end: slot.end,
                ..c.clone()
            }),
            Err(_) => score(&pos),
        };
        // A correction is recorded once the run's results are combined (below).
        if c.is_none() {
            raw.record.push((i as u32, None));
        }
        c
    };
    for i in 0..n {
        // Most positions are neither questioned nor pointed at by document evidence: they have
        // no candidate, and are passed over here (the same test as `score_at`'s, made first).
        if evidence[i].is_empty() && (!place.single[i] || common(run[i].id)) {
            continue;
        }
        let later = applied_only.then_some(&mut later);
        if let Some(c) = score_at(i, later) {
            found.push((i, c));
        }
    }
    if !later.is_empty() {
        // A position is scored on its own: the order does not change its correction.
        let applied: Vec<usize> = found
            .iter()
            .filter(|(_, c)| c.apply)
            .map(|&(i, _)| i)
            .collect();
        let before = found.len();
        for &i in &later {
            if applied.iter().any(|&p| p.abs_diff(i) < MAX_WORD) {
                if let Some(c) = score_at(i, None) {
                    found.push((i, c));
                }
            }
        }
        if found.len() > before {
            found.sort_by_key(|&(i, _)| i);
        }
    }
    let Some(raw) = raw.filter(|_| RAW) else {
        // Most runs have no correction.
        if !found.is_empty() {
            settle_overlaps(&mut found, params.margin);
            out.extend(found.into_iter().map(|(_, c)| c));
        }
        return;
    };
    // The results before they are combined are recorded, the combined ones given if wanted.
    let apply: Vec<bool> = found.iter().map(|(_, c)| c.apply).collect();
    settle_overlaps(&mut found, params.margin);
    for ((i, mut c), apply) in found.into_iter().zip(apply) {
        if (raw.keep)(&c) {
            out.push(c.clone());
        }
        c.apply = apply;
        raw.record.push((i as u32, Some(c)));
    }
    raw.record.sort_unstable_by_key(|r| r.0);
}

/// Candidates from document evidence, per position of `run`: the characters that make a window
/// of the run a word that recurs in the document (see [`NearVariants`]).
/// `evidence` gets (at least) one list a position, of which the run's first `run.len()` are
/// its own.
pub(super) fn evidence_candidates(
    run: &[Slot],
    model: &Model,
    variants: &NearVariants,
    evidence: &mut Vec<Vec<u16>>,
) {
    let n = run.len();
    // Only the run's positions are read: the lists of a longer run before stay as they are.
    for e in evidence.iter_mut().take(n) {
        e.clear();
    }
    if evidence.len() < n {
        evidence.resize_with(n, Vec::new);
    }
    if !variants.is_empty() {
        // The windows' keys (see `pack`) built one character at a time; the filter, sized
        // for the group's recurring words, stays in cache.
        for s in 0..n {
            let mut k = 0u64;
            for len in 1..MAX_WORD.min(n - s) + 1 {
                let id = run[s + len - 1].id;
                if id == 0 {
                    break;
                }
                k = k << 16 | u64::from(id);
                // No near-variant starts with the window's first two characters: none of the
                // windows from `s` is one.
                if len == 2 && !variants.may_start(k) {
                    break;
                }
                if len >= 2 && variants.may_contain(k) {
                    variants.hits(k, model, |j, intended| {
                        if !evidence[s + j].contains(&intended) {
                            evidence[s + j].push(intended);
                        }
                    });
                }
            }
        }
    }
}

/// Whether document evidence points at one of the positions of `run` (ids) that `marked`
/// marks: whether [`evidence_candidates`] would give one of them a candidate. Only the windows
/// that hold a marked position are asked about, and the answer is the first found.
pub(super) fn evidence_at(
    run: &[u16],
    model: &Model,
    variants: &NearVariants,
    marked: &[bool],
) -> bool {
    if variants.is_empty() {
        return false;
    }
    let n = run.len();
    // A window of at most `MAX_WORD` characters holds position `m` only if it starts at most
    // `MAX_WORD - 1` before it: only those starts are looked at, each once.
    let mut next = 0;
    for m in (0..n).filter(|&m| marked[m]) {
        for s in next.max((m + 1).saturating_sub(MAX_WORD))..m + 1 {
            let mut k = 0u64;
            let mut holds = false;
            for len in 1..MAX_WORD.min(n - s) + 1 {
                let id = run[s + len - 1];
                if id == 0 {
                    break;
                }
                k = k << 16 | u64::from(id);
                // As in `evidence_candidates`.
                if len == 2 && !variants.may_start(k) {
                    break;
                }
                holds |= marked[s + len - 1];
                if len >= 2 && holds && variants.may_contain(k) {
                    let mut hit = false;
                    variants.hits(k, model, |j, _| hit |= marked[s + j]);
                    if hit {
                        return true;
                    }
                }
            }
        }
        next = m + 1;
    }
    false
}

/// The look-ups of [`Position::candidates`] for a questioned position (its confusions' pairs with
/// the neighbours in the partner lists), by neighbours and observed character: they depend on
/// the model alone. Only the confusions that pair with a neighbour are kept.
#[derive(Default)]
pub(super) struct LinkCache {
    /// (previous id, observed id, next id) → where its linked confusions are in `linked`.
    at: rustc_hash::FxHashMap<u64, (u32, u32)>,
    /// Index of the confusion, and its pairs with the neighbours (`u32::MAX`: none).
    linked: Vec<(u32, u32, u32)>,
}

impl LinkCache {
    /// At most this many positions are kept; then the cache starts again.
    const MAX_KEYS: usize = 1 << 16;

    /// The linked confusions of `key` (index, pairs with the neighbours, by index), found by
    /// `find` (which appends them to the vector it is given) when they are not known.
    fn linked(
        &mut self,
        key: u64,
        find: impl FnOnce(&mut Vec<(u32, u32, u32)>),
    ) -> &[(u32, u32, u32)] {
        let (from, len) = match self.at.get(&key) {
            Some(&at) => at,
            None => {
                if self.at.len() >= Self::MAX_KEYS {
                    self.at.clear();
                    self.linked.clear();
                }
                let from = self.linked.len();
                find(&mut self.linked);
                let at = (from as u32, (self.linked.len() - from) as u32);
                self.at.insert(key, at);
                at
            }
        };
        &self.linked[from as usize..(from + len) as usize]
    }

    /// An entry of [`LinkCache::linked`].
    fn entry(k: usize, before: Option<usize>, after: Option<usize>) -> (u32, u32, u32) {
        let none = |i: Option<usize>| i.map_or(u32::MAX, |i| i as u32);
        (k as u32, none(before), none(after))
    }

    /// A place in the partner lists of an entry (`u32::MAX`: none).
    fn place(i: u32) -> Option<usize> {
        (i != u32::MAX).then_some(i as usize)
    }
}

/// Corrections whose windows overlap compete: only a clear winner is applied.
#[inline(always)]
fn settle_overlaps(found: &mut [(usize, Correction)], margin: f32) {
    let scores: Vec<(usize, f32)> = found.iter().map(|(i, c)| (*i, c.candidates[0].1)).collect();
    for (k, (i, c)) in found.iter_mut().enumerate() {
        if c.apply {
            let best = c.candidates[0].1;
            c.apply = !scores
                .iter()
                .enumerate()
                .any(|(j, &(p, s))| j != k && p.abs_diff(*i) < MAX_WORD && s >= best - margin);
        }
    }
}

/// One position of a run: the observed character and its neighbours.
struct Position<'a> {
    place: &'a Place<'a>,
    scorer: &'a Scorer<'a>,
    /// Index in the run.
    i: usize,
    slot: Slot,
    /// The neighbours' ids (0 at an end of the run).
    prev: u16,
    next: u16,
    /// The character stands alone in the run's best segmentation and is not a common one.
    questioned: bool,
}

/// What every candidate of a position is weighed against, computed once per position, and
/// the look-ups that their scores share.
struct Baseline {
    /// Index of the window's first character in the run.
    lo: usize,
    /// Index of the position in the window.
    focus: usize,
    /// Context score of the window as it is.
    base: f32,
    /// How well the observed character bonds with its neighbours.
    bond_base: f32,
    /// The channel's shift by the OCR engine's confidence in the observed character.
    ocr_prior: f32,
    /// The observed character forms a word with neither neighbour.
    orphan: bool,
    /// The observed character's shared contexts (see `DocSeq::support`), once asked.
    observed: Option<[u32; SUPPORT_CONTEXT + 1]>,
}

/// A scored candidate.
struct Scored {
    ch: char,
    /// Log-odds score before the posterior.
    delta: f32,
    /// `exp(delta)` (capped), set by [`posterior`].
    odds: f32,
    /// Supported by document evidence.
    ev: bool,
    /// Uncommon characters standing alone near it (see [`Scorer::segment`]).
    noisy: usize,
    features: [f32; NFEATURES],
    id: u16,
}

/// The posteriors of the candidates of a position, and what the best says for the decision to
/// apply it.
struct Posterior {
    /// The candidates that reach `Params::suggest` (character, posterior, supported), best
    /// first, at most three.
    candidates: Vec<(char, f32, bool)>,
    /// The best's noisy neighbours, score terms and id.
    noisy: usize,
    features: [f32; NFEATURES],
    id: u16,
}

impl Position<'_> {
    /// The candidates for the observed character: those document evidence points at and, when
    /// the position is questioned, up to `Params::max_candidates` of its confusions that form
    /// a word with a neighbour.
    fn candidates(&self, evidence: &[u16], cands: &mut Vec<Candidate>, cache: &mut LinkCache) {
        let (scorer, model) = (self.scorer, self.scorer.model);
        // `Model::pair` on the partner lists, with the neighbours' lists, which stay in cache for
        // all the confusions of a character. Both sides are looked up once here and the answers
        // kept for the scoring of the candidate (`Model::pair`, `Model::bond`, and the words
        // with the neighbours).
        let partners = scorer.partners;
        let between = partners.between(self.prev, self.next);
        let look_up = |c: u16| between.find(c);
        let confusions = &model.confusions[self.slot.id as usize];
        let candidate = |conf: &IdConfusion, (before, after): Found| Candidate {
            id: conf.intended,
            channel: conf.channel,
            kind: conf.kind,
            links: Links {
                before,
                after,
                // A two-character word is a pair of `Model::pair`; its word is kept next to
                // its place in the neighbour's list.
                after_word: partners.word_left_at(after),
            },
        };
        cands.clear();
        if !self.questioned {
            // Only what document evidence points at.
            for conf in confusions {
                if evidence.contains(&conf.intended) {
                    cands.push(candidate(conf, look_up(conf.intended)));
                }
            }
            return;
        }
        // A questioned position asks about every confusion (the same neighbours and character
        // were most often asked about before: the page scored again after its own correction,
        // a misread that recurs); the confusions that pair with a neighbour, in order.
        let key = u64::from(self.prev) << 32 | u64::from(self.slot.id) << 16 | u64::from(self.next);
        let linked = cache.linked(key, |linked| {
            // All the look-ups first, independent of each other (most are cache misses, which
            // then overlap).
            between.find_each(confusions.iter().map(|c| c.intended), |k, before, after| {
                if before.is_some() || after.is_some() {
                    linked.push(LinkCache::entry(k, before, after));
                }
            });
        });
        let max = scorer.params.max_candidates;
        if evidence.is_empty() {
            for &(k, before, after) in linked.iter().take(max) {
                let found = (LinkCache::place(before), LinkCache::place(after));
                cands.push(candidate(&confusions[k as usize], found));
            }
            return;
        }
        // The confusions in order: those evidence points at, and those that pair with a
        // neighbour while there are fewer than `max` candidates.
        let mut next = linked.iter().peekable();
        for (k, conf) in confusions.iter().enumerate() {
            let found = next
                .next_if(|e| e.0 as usize == k)
                .map(|&(_, before, after)| (LinkCache::place(before), LinkCache::place(after)));
            if evidence.contains(&conf.intended) || (cands.len() < max && found.is_some()) {
                cands.push(candidate(conf, found.unwrap_or((None, None))));
            }
        }
    }

    /// The correction of the observed character by `cands`, or `None` when none of them
    /// scores `Params::suggest`. `window` is scratch space, `edges` the run's look-ups.
    fn correct(
        &self,
        cands: &[Candidate],
        context: &Context,
        window: &mut Vec<u16>,
        edges: &mut Edges,
        all: &mut Vec<Scored>,
        lm_scratch: &mut LmScratch,
    ) -> Option<Correction> {
        let params = self.scorer.params;
        let slot = self.slot;
        let ocr_confidence = context.confidence_in(TextRange::new(slot.start, slot.end));
        let mut baseline = self.baseline(window, edges, ocr_confidence);
        all.clear();
        for &cand in cands {
            all.push(self.score(cand, &mut baseline, window, edges));
        }
        if let Some(lm) = self.scorer.lm.filter(|_| self.questioned) {
            // Only where the observed character stands alone: a word of the text that document
            // evidence questions is judged on that evidence (the general model prefers the
            // common word, 清除 to the county 清徐 the page names eleven times). A position
            // whose best candidate is far below what is shown or applied is left as it is: the
            // model's gain rarely moves a score that far, and it costs.
            if all.iter().any(|c| c.delta >= LM_MIN_DELTA) && !self.recurs(&mut baseline) {
                self.lm_adjust(lm, all, lm_scratch);
            }
        }
        let best = posterior(all, params)?;
        let top = best.candidates[0].1;
        let runner_up = best.candidates.get(1).map_or(f32::NEG_INFINITY, |c| c.1);
        let apply = self.questioned
            && !self.strands_a_neighbour(best.id)
            && (params.allow_bonded || baseline.bond_base == 0.0)
            && best.noisy <= params.max_noisy_neighbours
            && top >= params.apply
            && top - runner_up >= params.margin;
        Some(Correction {
            start: slot.start,
            end: slot.end,
            candidates: best.candidates,
            apply,
            ocr_confidence,
            features: best.features,
        })
    }

    /// Fills `window` with the run around the position and scores it as it is.
    fn baseline(
        &self,
        window: &mut Vec<u16>,
        edges: &mut Edges,
        ocr_confidence: Option<f32>,
    ) -> Baseline {
        let (scorer, params) = (self.scorer, self.scorer.params);
        let (run, i, id) = (self.place.run, self.i, self.slot.id);
        let (prev, next) = (self.prev, self.next);
        let lo = i.saturating_sub(MAX_WORD - 1);
        let hi = (i + MAX_WORD).min(run.len());
        window.clear();
        window.extend(run[lo..hi].iter().map(|s| s.id));
        let focus = i - lo;
        let whole = Window {
            ids: window,
            lo,
            focus,
            links: None,
        };
        let base = scorer.score_as_is(&whole, edges);
        // The observed character's pairs with its neighbours, found once for their bonds and
        // for whether they are pairs at all (`Model::bond`, `Model::pair`).
        let partners = scorer.partners;
        let (before, after) = (partners.find(prev, id), partners.find(id, next));
        let bond_base = partners.bond_at(before) + partners.bond_at(after);
        let ocr_prior = ocr_confidence.map_or(0.0, |c| {
            let lo = (1.0 - params.ocr_reference).max(1e-3);
            params.ocr_weight * ((1.0 - c).max(1e-3) / lo).ln().clamp(-2.5, 2.5)
        });
        Baseline {
            lo,
            focus,
            base,
            bond_base,
            ocr_prior,
            orphan: self.questioned && before.is_none() && after.is_none(),
            observed: None,
        }
    }

    /// The score of candidate `cand` at the position, `window` holding the run around it.
    fn score(
        &self,
        Candidate {
            id: cand,
            channel,
            kind,
            links,
        }: Candidate,
        baseline: &mut Baseline,
        window: &mut [u16],
        edges: &mut Edges,
    ) -> Scored {
        let (scorer, model, params) = (self.scorer, self.scorer.model, self.scorer.params);
        let support = self.place.doc.support(
            self.place.at + self.i,
            cand,
            (self.slot.id, &mut baseline.observed),
            params.support_min,
            params.support_min_context,
        );
        let (ratio, shared) = support.map_or((0.0, 0.0), |s| (s.log_ratio(), s.k as f32));
        let orphan_gain = if baseline.orphan {
            let lp = |w: Option<(f32, u32)>| w.map_or(f32::NEG_INFINITY, |w| w.0);
            let best = lp(scorer.partners.word_at(links.before)).max(lp(links.after_word));
            (best - params.orphan_floor).max(0.0)
        } else {
            0.0
        };
        let focus = baseline.focus;
        window[focus] = cand;
        let with_cand = Window {
            ids: window,
            lo: baseline.lo,
            focus,
            links: Some(links),
        };
        let Segmented {
            score,
            evidence: ev,
            noisy,
        } = scorer.segment(&with_cand, edges);
        let base = baseline.base;
        // Only where the observed character forms a word with neither neighbour.
        let long_word = baseline.orphan && completes_long_word(model, window, focus, links);
        // Word formation only matters where the character stands alone; a word's near-variant
        // is judged on document evidence.
        let bond = if self.questioned {
            // Found by `candidates`, with the neighbours' lists.
            let partners = scorer.partners;
            partners.bond_at(links.before) + partners.bond_left_at(links.after) - baseline.bond_base
        } else {
            0.0
        };
        let features = [
            score - base,
            channel,
            bond,
            f32::from(u8::from(kind == ConfusionKind::Visual)),
            f32::from(u8::from(kind == ConfusionKind::Phonetic)),
            f32::from(u8::from(kind == ConfusionKind::Learned)),
            f32::from(u8::from(ev)),
            f32::from(u8::from(self.questioned)),
            ratio,
            shared,
            support.map_or(0.0, |s| s.n as f32),
            orphan_gain,
            0.0,
            f32::from(u8::from(long_word)),
        ];
        let delta = params.context_weight * (score - base)
            + params.channel_weight * channel
            + baseline.ocr_prior
            + params.bond_weight * bond
            + match kind {
                ConfusionKind::Visual => params.visual_offset,
                ConfusionKind::Phonetic => params.phonetic_offset,
                ConfusionKind::Learned => params.learned_offset,
            }
            + if ev { params.evidence_offset } else { 0.0 }
            + params.support_weight * shared * ratio
            + params.orphan_weight * orphan_gain
            + if long_word {
                params.long_word_offset
            } else {
                0.0
            };
        let ev = ev || support.is_some_and(|s| s.log_ratio() > 0.0);
        Scored {
            ch: model.chars[cand as usize],
            delta,
            odds: 0.0,
            ev,
            noisy,
            features,
            id: cand,
        }
    }

    /// The observed character recurs elsewhere in the document next to the same neighbour at
    /// three or more places: a form the document repeats (a term such as 过孔 on a page about
    /// circuit boards) is judged on the document, not on how common the alternatives are in
    /// general text.
    fn recurs(&self, baseline: &mut Baseline) -> bool {
        let (doc, g, id) = (self.place.doc, self.place.at + self.i, self.slot.id);
        let hist = baseline.observed.get_or_insert_with(|| doc.shared(g, id));
        hist[1..].iter().sum::<u32>() >= 3
    }

    /// Weighs the best candidates (at most [`LM_CANDIDATES`], by score) with the language model:
    /// the gain in ln P of the window around the position (up to [`LM_SIDE`] characters each
    /// side) with the candidate takes [`Params::lm_weight`] of the place of the lexicon's
    /// context gain.
    fn lm_adjust(&self, lm: &dyn WordLm, all: &mut [Scored], scratch: &mut LmScratch) {
        let (model, params) = (self.scorer.model, self.scorer.params);
        let (run, i) = (self.place.run, self.i);
        let lo = i.saturating_sub(LM_SIDE);
        let hi = (i + LM_SIDE + 1).min(run.len());
        // An id the model lacks is a character no word list knows: the unknown word.
        let ch = |id: u16| {
            model
                .chars
                .get(id as usize)
                .copied()
                .filter(|_| id != 0)
                .unwrap_or('\u{3013}')
        };
        let mut order: Vec<usize> = (0..all.len()).collect();
        order.sort_by(|&a, &b| all[b].delta.total_cmp(&all[a].delta));
        order.truncate(LM_CANDIDATES);
        // Document evidence outweighs the general model: a word this document uses is not
        // judged by how common it is elsewhere.
        order.retain(|&k| !all[k].ev);
        if order.is_empty() {
            return;
        }
        let mut chars: Vec<char> = run[lo..hi].iter().map(|s| ch(s.id)).collect();
        let base = window_ln_prob(lm, &chars, scratch);
        for k in order {
            chars[i - lo] = ch(all[k].id);
            let gain = window_ln_prob(lm, &chars, scratch) - base;
            let c = &mut all[k];
            c.delta += params.lm_weight * (gain - c.features[0]);
            c.features[12] = gain;
        }
    }

    /// The correction to `best` would take a character from a two-character word of the text
    /// as it is and leave its other character stranded (贵 + 工厂 read as 员工 + 厂): the text
    /// reads well as it stands, so at most a suggestion. Taking one from a longer word leaves
    /// a word behind (残疾 + 人士), and a common character stands alone well (宙 + 现在 → 实现
    /// + 在).
    fn strands_a_neighbour(&self, best: u16) -> bool {
        let (model, params) = (self.scorer.model, self.scorer.params);
        let (run, single, i) = (self.place.run, self.place.single, self.i);
        let (prev, next, n) = (self.prev, self.next, run.len());
        let at = |k: usize| run.get(k).map_or(0, |s| s.id);
        let word = |w: &[u16]| w.iter().all(|&c| c != 0) && model.word(w).is_some();
        let stranded = |c: u16| {
            model
                .word(&[c])
                .is_none_or(|(_, f)| f <= params.max_single_freq)
        };
        let takes_right = i + 2 < n
            && stranded(at(i + 2))
            && !word(&[prev, best])
            && word(&[best, next])
            && !single[i + 1]
            && word(&[next, at(i + 2)])
            && !word(&[best, next, at(i + 2)]);
        let takes_left = i >= 2
            && stranded(at(i - 2))
            && !word(&[best, next])
            && word(&[prev, best])
            && !single[i - 1]
            && word(&[at(i - 2), prev])
            && (i < 3 || !word(&[at(i - 3), at(i - 2), prev]))
            && !word(&[at(i - 2), prev, best]);
        takes_right || takes_left
    }
}

/// Whether a lexicon word of [`MAX_WORD`] characters (the longest the model has) in `window`
/// covers `focus` (see [`Params::long_word_offset`]). Every pair of neighbours in a word is a
/// pair of `Model::pair`, so only the windows whose pairs with the candidate at `focus` exist
/// (`links`) are looked up.
fn completes_long_word(model: &Model, window: &[u16], focus: usize, links: Links) -> bool {
    let len = MAX_WORD;
    (focus.saturating_sub(len - 1)..=focus)
        .filter(|&st| st + len <= window.len())
        .filter(|&st| {
            (st == focus || links.before.is_some())
                && (st + len == focus + 1 || links.after.is_some())
        })
        .any(|st| model.word(&window[st..st + len]).is_some())
}

/// The posterior of each candidate against the observed character (odds 1) and every other
/// candidate, `ln(odds_c / (1 + sum of the other odds))`, calibrated; `None` when no candidate
/// reaches `Params::suggest`.
fn posterior(all: &mut [Scored], params: &Params) -> Option<Posterior> {
    // Each candidate's odds, computed once: for the sum and for its own share.
    for c in all.iter_mut() {
        c.odds = c.delta.min(60.0).exp();
    }
    let total: f32 = all.iter().map(|c| c.odds).sum();
    let mut best_post = f32::NEG_INFINITY;
    let mut best = Posterior {
        candidates: Vec::new(),
        noisy: usize::MAX,
        features: [0.0; NFEATURES],
        id: 0,
    };
    for c in &*all {
        let others = (1.0 + total - c.odds).max(1.0);
        let post = params.cal_scale * (c.delta - others.ln()) + params.cal_bias;
        if post >= params.suggest {
            best.candidates.push((c.ch, post, c.ev));
            if post > best_post {
                best_post = post;
                best.noisy = c.noisy;
                best.features = c.features;
                best.id = c.id;
            }
        }
    }
    if best.candidates.is_empty() {
        return None;
    }
    best.candidates.sort_by(|a, b| b.1.total_cmp(&a.1));
    best.candidates.truncate(3);
    Some(best)
}
