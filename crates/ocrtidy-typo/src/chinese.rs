//! Chinese correction: noisy-channel scoring of single-character substitutions.
//!
//! For every position the corrector considers the candidates of the confusion tables and scores
//! `ln P(context | candidate) + ln P(observed | candidate) - ln P(context | observed)` (log-odds):
//! - the channel `ln P(observed | candidate)` comes from the confusion weights (visual
//!   similarity, homophony, learned probabilities; see `ChannelParams`);
//! - the context score is the best unigram segmentation of a window of up to seven characters
//!   around the position, with overlapping compounds (残疾人 + 人士), lexicon frequencies and
//!   document evidence as a cache model (words that recur in the same document are likelier),
//!   plus how readily the character forms words with its neighbours (`Model::bond`).
//!
//! Positions are questioned when the observed character stands alone in the segmentation (it
//! forms no word with its neighbours), or when a word that recurs in the document is one
//! confusion away from the observed characters (清徐 × 9 makes 清除 suspicious). A correction is
//! applied only when its score passes [`Params::apply`], beats its runner-up and every competing
//! correction nearby by [`Params::margin`], and its context is not garbled; a correction of a
//! character that already forms a word is only ever suggested: replacing one valid word by
//! another on document evidence alone is not safe enough to apply.

use crate::model::{pack, FxMap, Model, MAX_WORD};

/// Scoring parameters.
#[derive(Clone, Copy, Debug)]
pub struct Params {
    /// Cost of every single-character word in a segmentation (characters that form words with
    /// their neighbours are more likely what the page printed).
    pub single_penalty: f32,
    /// ln P for a character the lexicon does not know.
    pub unknown: f32,
    /// Document evidence as a cache language model: a word's probability is
    /// `freq / lexicon total + evidence_weight * occurrences elsewhere / words in the document`.
    pub evidence_weight: f32,
    /// A word must occur this often in the document to make its near-variants suspicious.
    pub evidence_min: u32,
    /// A standalone character more frequent than this (的, 是, 在 ...) is not questioned unless
    /// document evidence points at it.
    pub max_single_freq: u32,
    /// Candidates per position from the confusion tables.
    pub max_candidates: usize,
    /// Apply a correction whose score (log-odds) reaches this, beats the next candidate and
    /// every correction competing for the same window by [`Params::margin`].
    pub apply: f32,
    /// See [`Params::apply`].
    pub margin: f32,
    /// Record a suggestion whose score reaches this.
    pub suggest: f32,
    /// Weight of word formation across neighbours: how much better the candidate bonds with
    /// the characters on each side than the observed character does (see `Model::bond`).
    pub bond_weight: f32,
    /// Apply corrections of a character that forms words with a neighbour elsewhere in the
    /// lexicon (off: such a character is more likely part of a word the lexicon lacks).
    pub allow_bonded: bool,
    /// Score overlapping compounds (a word starting on the last character of the previous
    /// word) in the context windows.
    pub overlap: bool,
    /// Garbled context: a correction is only applied when, after it, at most this many
    /// uncommon characters within two of it (itself included) still stand alone.
    pub max_noisy_neighbours: usize,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            single_penalty: 0.0,
            unknown: -20.0,
            evidence_weight: 1.0,
            evidence_min: 2,
            max_single_freq: 60_000,
            max_candidates: 24,
            apply: 6.0,
            margin: 1.0,
            suggest: -3.0,
            max_noisy_neighbours: 1,
            bond_weight: 0.5,
            allow_bonded: true,
            overlap: true,
        }
    }
}

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
}

/// One character of a Han run.
#[derive(Clone, Copy)]
struct Slot {
    start: usize,
    end: usize,
    id: u16,
}

/// Finds the corrections of a text (scores at least `params.suggest`), in text order.
pub fn correct(text: &str, model: &Model, params: &Params) -> Vec<Correction> {
    let runs = han_runs(text, model);
    if runs.is_empty() {
        return Vec::new();
    }
    // Document evidence: the words of two or more characters of the best segmentation of
    // every run, and the names inside longer words, counted.
    let mut doc: FxMap<u64, u32> = FxMap::default();
    let mut single_flags = Vec::with_capacity(runs.len());
    let mut doc_words = 0usize;
    for run in &runs {
        let ids: Vec<u16> = run.iter().map(|x| x.id).collect();
        let (single, words) = segment_run(&ids, model, params);
        doc_words += words.len();
        for (s, e) in words {
            if e - s >= 2 {
                if let Some(k) = pack(&ids[s..e]) {
                    *doc.entry(k).or_insert(0) += 1;
                }
            }
            // Names inside longer words count too (清徐 in 清徐县).
            for a in s..e {
                for b in a + 2..=e {
                    if b - a < e - s && model.is_name(&ids[a..b]) {
                        if let Some(k) = pack(&ids[a..b]) {
                            *doc.entry(k).or_insert(0) += 1;
                        }
                    }
                }
            }
        }
        single_flags.push(single);
    }
    // Near-variants of recurring words: variant key → (position in the word, intended id).
    let mut variants: FxMap<u64, Vec<(usize, u16)>> = FxMap::default();
    for (&k, &n) in &doc {
        if n < params.evidence_min {
            continue;
        }
        let ids = unpack(k);
        for j in 0..ids.len() {
            for &(obs, _) in &model.reverse[ids[j] as usize] {
                let mut v = ids.clone();
                v[j] = obs;
                if let Some(vk) = pack(&v) {
                    variants.entry(vk).or_default().push((j, ids[j]));
                }
            }
        }
    }
    let protected = protected_ranges(text, model);
    let scorer = Scorer {
        model,
        params,
        doc: &doc,
        doc_words: doc_words.max(1) as f32,
    };
    let mut out = Vec::new();
    for (run, single) in runs.iter().zip(&single_flags) {
        correct_run(run, single, &scorer, &variants, &protected, &mut out);
    }
    out
}

fn unpack(mut k: u64) -> Vec<u16> {
    let mut v = Vec::with_capacity(MAX_WORD);
    while k != 0 {
        v.push((k & 0xffff) as u16);
        k >>= 16;
    }
    v.reverse();
    v
}

/// Maximal runs of Han characters.
fn han_runs(text: &str, model: &Model) -> Vec<Vec<Slot>> {
    let mut runs = Vec::new();
    let mut cur: Vec<Slot> = Vec::new();
    for (i, c) in text.char_indices() {
        if crate::model::is_han(c) {
            cur.push(Slot {
                start: i,
                end: i + c.len_utf8(),
                id: model.id(c).unwrap_or(0),
            });
        } else if !cur.is_empty() {
            runs.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        runs.push(cur);
    }
    runs
}

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

struct Scorer<'a> {
    model: &'a Model,
    params: &'a Params,
    doc: &'a FxMap<u64, u32>,
    /// Words in the document's segmentation (at least 1).
    doc_words: f32,
}

impl Scorer<'_> {
    /// ln P of a word with document evidence (minus `own` occurrences: the word at the scored
    /// position is no evidence for itself), or `None` when the lexicon does not know it.
    #[inline]
    fn word_lp(&self, ids: &[u16], own: u32) -> Option<(f32, bool)> {
        if ids.len() == 1 {
            let lp = self
                .model
                .word(ids)
                .map(|(lp, _)| lp)
                .unwrap_or(self.params.unknown);
            return Some((lp - self.params.single_penalty, false));
        }
        let (lp, f) = self.model.word(ids)?;
        let n = pack(ids)
            .and_then(|k| self.doc.get(&k).copied())
            .unwrap_or(0)
            .saturating_sub(own);
        if n == 0 {
            return Some((lp, false));
        }
        let lex = f as f32 / self.model.ln_total.exp();
        let boosted = (lex + self.params.evidence_weight * n as f32 / self.doc_words).ln();
        Some((boosted.max(lp), true))
    }

    /// Best segmentation score of `ids`, and whether a word of the best path that covers
    /// `focus` was supported by document evidence. `original` says that `ids` are the text as
    /// it is; the words that are in the text at this place are counted once less as evidence.
    ///
    /// The third value counts the uncommon characters within two of `focus` (and `focus`
    /// itself) that stand alone in the best path: a measure of how garbled the context is.
    fn segment(&self, ids: &[u16], focus: usize, original: bool) -> (f32, bool, usize) {
        const W: usize = 2 * MAX_WORD + 1;
        let n = ids.len();
        // State (j, k): the best path over ids[..j] whose last word is a single character
        // (k = 0) or longer (k = 1). Back pointer: previous state, start of the last word,
        // evidence flag.
        let mut best = [[f32::NEG_INFINITY; 2]; W];
        let mut back = [[(0usize, 0usize, 0usize, false); 2]; W];
        best[0][0] = 0.0;
        for j in 1..=n {
            for len in 1..=MAX_WORD.min(j) {
                let s = j - len;
                let k = usize::from(len > 1);
                // Words that are in the text at this very place are no evidence for themselves.
                let covers = s <= focus && focus < j;
                let own = u32::from(original || !covers);
                let Some((lp, ev)) = self.word_lp(&ids[s..j], own) else {
                    continue;
                };
                for pk in 0..2 {
                    let v = best[s][pk] + lp;
                    if v > best[j][k] {
                        best[j][k] = v;
                        back[j][k] = (s, pk, s, ev);
                    }
                }
                // Overlapping compounds: a word that starts on the last character of the
                // previous word (残疾人 + 人士 → 残疾人士) costs P(word) / P(shared char).
                if len >= 2 && self.params.overlap && s + 1 < W && s < n {
                    let from = s + 1;
                    if best[from][1] > f32::NEG_INFINITY {
                        let shared = self
                            .model
                            .word(&ids[s..s + 1])
                            .map_or(self.params.unknown, |w| w.0);
                        let v = best[from][1] + lp - shared;
                        if v > best[j][1] {
                            best[j][1] = v;
                            back[j][1] = (from, 1, s, ev);
                        }
                    }
                }
            }
        }
        let (mut j, mut k) = if best[n][0] >= best[n][1] {
            (n, 0)
        } else {
            (n, 1)
        };
        let score = best[n][k];
        let mut evidence = false;
        let mut noisy = 0;
        while j > 0 {
            let (prev, pk, s, ev) = back[j][k];
            if s <= focus && focus < j {
                evidence |= ev;
            }
            if j - s == 1
                && s.abs_diff(focus) <= 2
                && self
                    .model
                    .word(&ids[s..j])
                    .is_none_or(|(_, f)| f <= self.params.max_single_freq)
            {
                noisy += 1;
            }
            j = prev;
            k = pk;
        }
        (score, evidence, noisy)
    }
}

/// The best segmentation of a run: which positions stand alone, and the words (start, end).
fn segment_run(ids: &[u16], model: &Model, params: &Params) -> (Vec<bool>, Vec<(usize, usize)>) {
    let n = ids.len();
    let mut best = vec![f32::NEG_INFINITY; n + 1];
    let mut back = vec![0usize; n + 1];
    best[0] = 0.0;
    for j in 1..=n {
        for len in 1..=MAX_WORD.min(j) {
            let s = j - len;
            let lp = if len == 1 {
                model
                    .word(&ids[s..j])
                    .map(|(lp, _)| lp)
                    .unwrap_or(params.unknown)
                    - params.single_penalty
            } else {
                match model.word(&ids[s..j]) {
                    Some((lp, _)) => lp,
                    None => continue,
                }
            };
            if best[s] + lp > best[j] {
                best[j] = best[s] + lp;
                back[j] = s;
            }
        }
    }
    let mut single = vec![false; n];
    let mut words = Vec::new();
    let mut j = n;
    while j > 0 {
        let s = back[j];
        if j - s == 1 {
            single[s] = true;
        }
        words.push((s, j));
        j = s;
    }
    (single, words)
}

fn correct_run(
    run: &[Slot],
    single: &[bool],
    scorer: &Scorer<'_>,
    variants: &FxMap<u64, Vec<(usize, u16)>>,
    protected: &[(usize, usize)],
    out: &mut Vec<Correction>,
) {
    let n = run.len();
    if n < 2 {
        return;
    }
    let model = scorer.model;
    let params = scorer.params;
    let common: Vec<bool> = run
        .iter()
        .map(|s| {
            model
                .word(&[s.id])
                .is_some_and(|(_, f)| f > params.max_single_freq)
        })
        .collect();
    // Candidates from document evidence, per position.
    let mut evidence: Vec<Vec<u16>> = vec![Vec::new(); n];
    if !variants.is_empty() {
        let ids: Vec<u16> = run.iter().map(|s| s.id).collect();
        for s in 0..n {
            for len in 2..=MAX_WORD.min(n - s) {
                if let Some(hits) = pack(&ids[s..s + len]).and_then(|k| variants.get(&k)) {
                    for &(j, intended) in hits {
                        if !evidence[s + j].contains(&intended) {
                            evidence[s + j].push(intended);
                        }
                    }
                }
            }
        }
    }
    let mut found: Vec<(usize, Correction)> = Vec::new();
    let mut window: Vec<u16> = Vec::with_capacity(2 * MAX_WORD);
    for i in 0..n {
        let slot = run[i];
        if slot.id == 0
            || protected
                .iter()
                .any(|&(a, b)| slot.start < b && a < slot.end)
        {
            continue;
        }
        let prev = if i > 0 { run[i - 1].id } else { 0 };
        let next = if i + 1 < n { run[i + 1].id } else { 0 };
        let mut cands: Vec<(u16, f32)> = Vec::new();
        let questioned = single[i] && !common[i];
        for conf in &model.confusions[slot.id as usize] {
            let from_evidence = evidence[i].contains(&conf.intended);
            if from_evidence
                || (questioned
                    && cands.len() < params.max_candidates
                    && (model.pair(prev, conf.intended) || model.pair(conf.intended, next)))
            {
                cands.push((conf.intended, conf.channel));
            }
        }
        if cands.is_empty() {
            continue;
        }
        let lo = i.saturating_sub(MAX_WORD - 1);
        let hi = (i + MAX_WORD).min(n);
        window.clear();
        window.extend(run[lo..hi].iter().map(|s| s.id));
        let focus = i - lo;
        let (base, _, _) = scorer.segment(&window, focus, true);
        let bond_base = model.bond(prev, slot.id) + model.bond(slot.id, next);
        let mut scored: Vec<(char, f32, bool)> = Vec::new();
        let mut best_noisy = usize::MAX;
        let mut best_delta = f32::NEG_INFINITY;
        for (cand, channel) in cands {
            window[focus] = cand;
            let (score, ev, noisy) = scorer.segment(&window, focus, false);
            // Word formation only matters where the character stands alone; a word's near-variant
            // is judged on document evidence.
            let bond = if questioned {
                model.bond(prev, cand) + model.bond(cand, next) - bond_base
            } else {
                0.0
            };
            let delta = score - base + channel + params.bond_weight * bond;

            if delta >= params.suggest {
                scored.push((model.chars[cand as usize], delta, ev));
                if delta > best_delta {
                    best_delta = delta;
                    best_noisy = noisy;
                }
            }
        }
        if scored.is_empty() {
            continue;
        }
        scored.sort_by(|a, b| b.1.total_cmp(&a.1));
        scored.truncate(3);
        let best = scored[0].1;
        let runner_up = scored.get(1).map_or(f32::NEG_INFINITY, |c| c.1);
        let apply = questioned
            && (params.allow_bonded || bond_base == 0.0)
            && best_noisy <= params.max_noisy_neighbours
            && best >= params.apply
            && best - runner_up >= params.margin;
        found.push((
            i,
            Correction {
                start: slot.start,
                end: slot.end,
                candidates: scored,
                apply,
            },
        ));
    }
    // Corrections whose windows overlap compete: only a clear winner is applied.
    let scores: Vec<(usize, f32)> = found.iter().map(|(i, c)| (*i, c.candidates[0].1)).collect();
    for (k, (i, c)) in found.iter_mut().enumerate() {
        if c.apply {
            let best = c.candidates[0].1;
            c.apply = !scores.iter().enumerate().any(|(j, &(p, s))| {
                j != k && p.abs_diff(*i) < MAX_WORD && s >= best - params.margin
            });
        }
    }
    out.extend(found.into_iter().map(|(_, c)| c));
}
