//! Chinese correction: noisy-channel scoring of single-character substitutions.
//!
//! For every position the corrector considers the candidates of the confusion tables and scores
//! `ln P(context | candidate) + ln P(observed | candidate) - ln P(context | observed)`, where the
//! context score is the best unigram segmentation of a window of up to seven characters around
//! the position (lexicon frequencies, a penalty for each single-character word, and document
//! evidence: words that recur in the same document weigh more). Positions are considered when
//! the observed character stands alone in the segmentation (it forms no word with its
//! neighbours), or when a word that recurs in the document is one confusion away from the
//! observed characters (清徐 × 9 makes 清除 suspicious). A correction of a character that
//! already forms a word is only ever suggested: replacing one valid word by another on document
//! evidence alone is not safe enough to apply.

use crate::model::{pack, FxMap, Model, MAX_WORD};

/// Scoring parameters.
#[derive(Clone, Copy, Debug)]
pub struct Params {
    /// Cost of every single-character word in a segmentation (characters that form words with
    /// their neighbours are more likely what the page printed).
    pub single_penalty: f32,
    /// ln P for a character the lexicon does not know.
    pub unknown: f32,
    /// Each occurrence of a word elsewhere in the document adds this much to its frequency.
    pub evidence_freq: f32,
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
}

impl Default for Params {
    fn default() -> Self {
        Params {
            single_penalty: 4.0,
            unknown: -20.0,
            evidence_freq: 5000.0,
            evidence_min: 2,
            max_single_freq: 60_000,
            max_candidates: 24,
            apply: 2.0,
            margin: 1.0,
            suggest: -1.0,
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
    // Document evidence: every known word of two or more characters, counted where it occurs.
    let mut doc: FxMap<u64, u32> = FxMap::default();
    for run in &runs {
        let ids: Vec<u16> = run.iter().map(|x| x.id).collect();
        for s in 0..ids.len() {
            for len in 2..=MAX_WORD.min(ids.len() - s) {
                let w = &ids[s..s + len];
                if model.word(w).is_some() {
                    if let Some(k) = pack(w) {
                        *doc.entry(k).or_insert(0) += 1;
                    }
                }
            }
        }
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
    let scorer = Scorer { model, params, doc: &doc };
    let mut out = Vec::new();
    for run in &runs {
        correct_run(run, &scorer, &variants, &protected, &mut out);
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
        let boosted = (f as f32 + self.params.evidence_freq * n as f32).ln() - self.model.ln_total;
        Some((boosted.max(lp), true))
    }

    /// Best segmentation score of `ids`, and whether a word of the best path that covers
    /// `focus` was supported by document evidence. `original` says that `ids` are the text as
    /// it is (its words covering `focus` are then counted once less as evidence).
    fn segment(&self, ids: &[u16], focus: usize, original: bool) -> (f32, bool) {
        let n = ids.len();
        let mut best = [f32::NEG_INFINITY; 2 * MAX_WORD + 1];
        let mut back = [(0usize, false); 2 * MAX_WORD + 1];
        best[0] = 0.0;
        for j in 1..=n {
            for len in 1..=MAX_WORD.min(j) {
                let s = j - len;
                if best[s] == f32::NEG_INFINITY {
                    continue;
                }
                let own = u32::from(original && s <= focus && focus < j);
                if let Some((lp, ev)) = self.word_lp(&ids[s..j], own) {
                    let v = best[s] + lp;
                    if v > best[j] {
                        best[j] = v;
                        back[j] = (s, ev);
                    }
                }
            }
        }
        let mut j = n;
        let mut evidence = false;
        while j > 0 {
            let (s, ev) = back[j];
            if s <= focus && focus < j {
                evidence = ev;
            }
            j = s;
        }
        (best[n], evidence)
    }
}

/// Flags the positions of a run that stand alone in its best segmentation.
fn singles(run: &[Slot], scorer: &Scorer<'_>) -> Vec<bool> {
    let n = run.len();
    let ids: Vec<u16> = run.iter().map(|s| s.id).collect();
    let mut best = vec![f32::NEG_INFINITY; n + 1];
    let mut back = vec![0usize; n + 1];
    best[0] = 0.0;
    for j in 1..=n {
        for len in 1..=MAX_WORD.min(j) {
            let s = j - len;
            let lp = if len == 1 {
                scorer.model.word(&ids[s..j]).map(|(lp, _)| lp).unwrap_or(scorer.params.unknown)
                    - scorer.params.single_penalty
            } else {
                match scorer.model.word(&ids[s..j]) {
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
    let mut j = n;
    while j > 0 {
        let s = back[j];
        if j - s == 1 {
            single[s] = true;
        }
        j = s;
    }
    single
}

fn correct_run(
    run: &[Slot],
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
    let single = singles(run, scorer);
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
        if slot.id == 0 || protected.iter().any(|&(a, b)| slot.start < b && a < slot.end) {
            continue;
        }
        let prev = if i > 0 { run[i - 1].id } else { 0 };
        let next = if i + 1 < n { run[i + 1].id } else { 0 };
        let mut cands: Vec<(u16, f32)> = Vec::new();
        let questioned = single[i]
            && model
                .word(&[slot.id])
                .is_none_or(|(_, f)| f <= params.max_single_freq);
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
        let (base, _) = scorer.segment(&window, focus, true);
        let mut scored: Vec<(char, f32, bool)> = Vec::new();
        for (cand, channel) in cands {
            window[focus] = cand;
            let (score, ev) = scorer.segment(&window, focus, false);
            let delta = score - base + channel;
            if delta >= params.suggest {
                scored.push((model.chars[cand as usize], delta, ev));
            }
        }
        if scored.is_empty() {
            continue;
        }
        scored.sort_by(|a, b| b.1.total_cmp(&a.1));
        scored.truncate(3);
        let best = scored[0].1;
        let runner_up = scored.get(1).map_or(f32::NEG_INFINITY, |c| c.1);
        let apply = questioned && best >= params.apply && best - runner_up >= params.margin;
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
