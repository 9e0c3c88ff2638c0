//! Segmentation: the best unigram segmentation of a run (which characters stand alone, which
//! words the document has), and the context score of a window around a scored position, with
//! document evidence and overlapping compounds.

use super::Params;
use crate::model::{pack, Model, Partners, MAX_WORD};
use rustc_hash::FxHashMap as FxMap;

/// Scores windows of a run with the model and the document's words.
pub(super) struct Scorer<'a> {
    pub(super) model: &'a Model,
    pub(super) params: &'a Params,
    pub(super) doc: &'a FxMap<u64, u32>,
    /// Words in the document's segmentation (at least 1, at most `Params::cache_words`).
    pub(super) doc_words: f32,
    /// [`Model::partners`]: the same answers as `Model::pair`, faster when asked often.
    pub(super) partners: &'a Partners,
    /// A word language model, when one was given (see [`super::lm`]).
    pub(super) lm: Option<&'a dyn super::WordLm>,
}

/// The longest window [`Scorer::segment`] scores.
const W: usize = 2 * MAX_WORD + 1;

/// What [`Scorer::word_lp`] says of a word (`None`: not a word).
type WordLp = Option<(f32, bool)>;

/// What [`Scorer::segment`] looks up in the windows of one run and is the same for every
/// window and candidate that leaves it as it is, computed on first use (a new one for each run).
pub(super) struct Edges {
    /// [`Scorer::word_lp`] of the run's words as they are (`own` = 1), by start and length.
    words: Vec<[Option<WordLp>; MAX_WORD]>,
    /// `links[t]`: the run's characters `t` and `t + 1` occur together in some word.
    links: Vec<Option<bool>>,
    /// The last window as it is, before its focus (see [`Scorer::segment`]).
    prefix: Prefix,
}

impl Edges {
    /// Forgets the look-ups made, for a run of `n` characters.
    pub(super) fn reset(&mut self, n: usize) {
        self.words.clear();
        self.words.resize(n, [None; MAX_WORD]);
        self.links.clear();
        self.links.resize(n, None);
    }

    /// The look-ups of a run of `n` characters, none made yet.
    pub(super) fn new(n: usize) -> Edges {
        Edges {
            words: vec![[None; MAX_WORD]; n],
            links: vec![None; n],
            prefix: Prefix {
                best: [[f32::NEG_INFINITY; 2]; W],
                back: [[(0, 0, 0, false); 2]; W],
                chain: 0,
                noisy: [[0; 2]; W],
            },
        }
    }
}

/// A window of a run for [`Scorer::segment`]: its ids, where it starts in the run, and the
/// position whose candidates are scored in it.
pub(super) struct Window<'a> {
    pub(super) ids: &'a [u16],
    pub(super) lo: usize,
    pub(super) focus: usize,
    /// For a candidate at `focus`: its pairs with the neighbours, already looked up.
    pub(super) links: Option<Links>,
}

/// Where a candidate's pairs with its neighbours are in the partner lists: with the previous
/// character ([`Partners::find`]) and with the next ([`Partners::find_left`]).
#[derive(Clone, Copy)]
pub(super) struct Links {
    pub(super) before: Option<usize>,
    pub(super) after: Option<usize>,
    /// [`Model::word`] of the candidate and the next character.
    pub(super) after_word: Option<(f32, u32)>,
}

/// A back pointer of [`Scorer::segment`]: previous state, start of the last word, evidence
/// (indices in a window of at most [`W`] characters: bytes, so that the tables a call fills
/// and copies are small).
type Back = (u8, u8, u8, bool);

/// The state of [`Scorer::segment`] on a window as it is, after the characters before the
/// focus: the same for every candidate at the focus.
struct Prefix {
    best: [[f32; 2]; W],
    back: [[Back; 2]; W],
    chain: usize,
    /// Per state up to the focus: the noisy characters of its best path (see
    /// [`Segmented::noisy`]), which no candidate changes.
    noisy: [[u8; 2]; W],
}

impl Scorer<'_> {
    /// One step of [`Scorer::segment_as`]: the paths to state (`j`, `LONG`) whose last word is
    /// `ids[j - len..j]` (`LONG`: of two or more characters), made apart for each kind of state
    /// so that the state is a constant.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn relax<const ORIGINAL: bool, const LONG: bool>(
        &self,
        window: &Window<'_>,
        j: usize,
        len: usize,
        best: &mut [[f32; 2]; W],
        back: &mut [[Back; 2]; W],
        edges: &mut Edges,
    ) {
        let Window {
            ids,
            lo,
            focus,
            links,
        } = *window;
        let n = ids.len();
        let s = j - len;
        let k = usize::from(LONG);
        // A word of the text as it is is the same for every window and candidate. A word made
        // with a candidate counts all of its occurrences as evidence; one that is in the text at
        // this very place is no evidence for itself (`own` = 1).
        let word = if s <= focus && focus < j && !ORIGINAL {
            match links {
                // The word of the previous character and the candidate.
                Some(l) if len == 2 && s + 1 == focus => {
                    self.word_lp_of(&ids[s..j], 0, self.partners.word_at(l.before))
                }
                // The word of the candidate and the next character.
                Some(l) if len == 2 && s == focus => self.word_lp_of(&ids[s..j], 0, l.after_word),
                _ => self.word_lp(&ids[s..j], 0),
            }
        } else {
            *edges.words[lo + s][len - 1].get_or_insert_with(|| self.word_lp(&ids[s..j], 1))
        };
        let Some((lp, ev)) = word else {
            return;
        };
        for pk in 0..2 {
            let v = best[s][pk] + lp;
            if v > best[j][k] {
                best[j][k] = v;
                back[j][k] = (s as u8, pk as u8, s as u8, ev);
            }
        }
        // Overlapping compounds: a word that starts on the last character of the previous word
        // (残疾人 + 人士 → 残疾人士) costs P(word) / P(shared char).
        if LONG && self.params.overlap && s + 1 < W && s < n {
            let from = s + 1;
            if best[from][1] > f32::NEG_INFINITY {
                let shared = self
                    .model
                    .word(&ids[s..s + 1])
                    .map_or(self.params.unknown, |w| w.0);
                let v = best[from][1] + lp - shared;
                if v > best[j][1] {
                    best[j][1] = v;
                    back[j][1] = (from as u8, 1, s as u8, ev);
                }
            }
        }
    }

    /// The word `ids[s..j]` of a best path is a noisy character (see [`Segmented::noisy`]).
    #[inline]
    fn noisy(&self, ids: &[u16], s: usize, j: usize, focus: usize) -> bool {
        j - s == 1
            && s.abs_diff(focus) <= 2
            && self
                .model
                .word(&ids[s..j])
                .is_none_or(|(_, f)| f <= self.params.max_single_freq)
    }

    /// [`Model::pair`], on the partner lists.
    #[inline]
    pub(super) fn pair(&self, a: u16, b: u16) -> bool {
        self.partners.pair(a, b)
    }

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
        self.word_lp_of(ids, own, self.model.word(ids))
    }

    /// [`Scorer::word_lp`] of a word of two or more ids whose [`Model::word`] is `word`.
    #[inline]
    fn word_lp_of(&self, ids: &[u16], own: u32, word: Option<(f32, u32)>) -> Option<(f32, bool)> {
        let (lp, f) = word?;
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

    /// The score of the best segmentation of the window's ids as they are (see [`Segmented`]);
    /// the words that are in the text at this place are counted once less as evidence. `edges`
    /// holds the look-ups of the window's run, and gets the paths over the characters before
    /// the focus, which are the same with any candidate at the focus: [`Scorer::segment`] on
    /// the same window, with a candidate, starts from them.
    #[inline]
    pub(super) fn score_as_is(&self, window: &Window<'_>, edges: &mut Edges) -> f32 {
        self.segment_as::<true>(window, edges).score
    }

    /// Best segmentation of the window's ids with a candidate at the focus (see
    /// [`Segmented`]), after [`Scorer::score_as_is`] on the window.
    #[inline]
    pub(super) fn segment(&self, window: &Window<'_>, edges: &mut Edges) -> Segmented {
        self.segment_as::<false>(window, edges)
    }

    /// [`Scorer::score_as_is`] (`ORIGINAL`, which gives the score alone) and
    /// [`Scorer::segment`], made apart so that neither asks at every step which it is.
    fn segment_as<const ORIGINAL: bool>(
        &self,
        window: &Window<'_>,
        edges: &mut Edges,
    ) -> Segmented {
        let original = ORIGINAL;
        let Window {
            ids,
            lo,
            focus,
            links,
        } = *window;
        let n = ids.len();
        // A window has at most `W` characters (and the indices below are within the tables).
        assert!(n < W && focus < n);
        // Consecutive characters up to `j` that occur together in words: a word of the lexicon
        // has every pair of neighbours in `Model::pair`, so a longer one is not looked up.
        let mut chain = 0;
        // State (j, k): the best path over ids[..j] whose last word is a single character
        // (k = 0) or longer (k = 1). Back pointer: previous state, start of the last word,
        // evidence flag.
        let mut best = [[f32::NEG_INFINITY; 2]; W];
        let mut back: [[Back; 2]; W] = [[(0, 0, 0, false); 2]; W];
        best[0][0] = 0.0;
        let mut first = 1;
        if !original {
            // Up to the focus, as the call on the window as it is left them (and the states
            // after it as they start).
            let prefix = &edges.prefix;
            best = prefix.best;
            back = prefix.back;
            chain = prefix.chain;
            first = focus + 1;
        }
        // Exclusive ranges, here and in the other loops of this file: an inclusive one is slower
        // to step through.
        for j in first..n + 1 {
            if original && j == focus + 1 {
                // The states after the focus are as they start: the whole tables are kept.
                let prefix = &mut edges.prefix;
                prefix.best = best;
                prefix.back = back;
                prefix.chain = chain;
                // The noisy characters of each state's path (as the walk below counts them).
                prefix.noisy = [[0; 2]; W];
                for t in 1..j {
                    for k in 0..2 {
                        if best[t][k] == f32::NEG_INFINITY {
                            continue;
                        }
                        let (prev, pk, s, _) = back[t][k];
                        let (prev, pk, s) = (usize::from(prev), usize::from(pk), usize::from(s));
                        prefix.noisy[t][k] =
                            prefix.noisy[prev][pk] + u8::from(self.noisy(ids, s, t, focus));
                    }
                }
            }
            if j >= 2 {
                let t = j - 2;
                // A pair with a candidate is searched in the list of its other character, which
                // stays in cache for all the candidates (or was, by `Position::candidates`).
                let linked = if !original && t + 1 == focus {
                    match links {
                        Some(l) => l.before.is_some(),
                        None => self.partners.pair(ids[t], ids[t + 1]),
                    }
                } else if !original && t == focus {
                    match links {
                        Some(l) => l.after.is_some(),
                        None => self.partners.pair_left(ids[t], ids[t + 1]),
                    }
                } else {
                    *edges.links[lo + t].get_or_insert_with(|| self.pair(ids[t], ids[t + 1]))
                };
                chain = if linked { chain + 1 } else { 0 };
            }
            // The last word: one character (state k = 0) and, as far as the chain goes, longer
            // ones (k = 1), in that order.
            self.relax::<ORIGINAL, false>(window, j, 1, &mut best, &mut back, edges);
            for len in 2..MAX_WORD.min(j) + 1 {
                if len > chain + 1 {
                    break;
                }
                self.relax::<ORIGINAL, true>(window, j, len, &mut best, &mut back, edges);
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
        if original {
            return Segmented {
                score,
                evidence,
                noisy,
            };
        }
        while j > 0 {
            if j <= focus {
                // The rest of the path is the window's as it is, before the focus: none of its
                // words covers the focus, and its noisy characters were counted.
                noisy += usize::from(edges.prefix.noisy[j][k]);
                break;
            }
            let (prev, pk, s, ev) = back[j][k];
            let (prev, pk, s) = (usize::from(prev), usize::from(pk), usize::from(s));
            if s <= focus && focus < j {
                evidence |= ev;
            }
            if self.noisy(ids, s, j, focus) {
                noisy += 1;
            }
            j = prev;
            k = pk;
        }
        Segmented {
            score,
            evidence,
            noisy,
        }
    }
}

/// What [`Scorer::segment`] finds of a window.
pub(super) struct Segmented {
    /// The best segmentation's score.
    pub(super) score: f32,
    /// A word of the best path that covers the focus was supported by document evidence.
    pub(super) evidence: bool,
    /// The uncommon characters within two of the focus (and the focus itself) that stand alone
    /// in the best path: a measure of how garbled the context is.
    pub(super) noisy: usize,
}

/// The buffers of [`segment_run`], kept from run to run (a document has thousands of short
/// runs).
#[derive(Default)]
pub(super) struct RunBuffers {
    best: Vec<f32>,
    back: Vec<usize>,
    /// Per end `j`: ln P of the words of 1, 2, ... [`MAX_WORD`] characters ending there
    /// (`NEG_INFINITY`: none), and the links before it (see [`segment_run`]).
    words: Vec<[f32; MAX_WORD]>,
    chain: Vec<usize>,
}

/// The best segmentation of a run: `word(start, end)` is called for each of its words, last
/// first.
pub(super) fn segment_run(
    ids: &[u16],
    model: &Model,
    params: &Params,
    partners: &Partners,
    buffers: &mut RunBuffers,
    mut word: impl FnMut(usize, usize),
) {
    let n = ids.len();
    let RunBuffers {
        best,
        back,
        words,
        chain: chains,
    } = buffers;
    // The look-ups first, all independent of each other (most are cache misses, which then
    // overlap), and then the best path, which only adds.
    //
    // Consecutive characters up to `j` that occur together in words (a word of the lexicon has
    // every pair of neighbours in `Model::pair`): longer words are not looked up.
    chains.clear();
    chains.resize(n + 1, 0);
    words.clear();
    words.resize(n + 1, [f32::NEG_INFINITY; MAX_WORD]);
    let mut chain = 0;
    for j in 1..n + 1 {
        words[j][0] = model
            .word(&ids[j - 1..j])
            .map(|(lp, _)| lp)
            .unwrap_or(params.unknown)
            - params.single_penalty;
        if j >= 2 {
            // The pair of the last two characters in the partner lists: whether they are
            // linked, and the two-character word they make.
            let found = partners.find(ids[j - 2], ids[j - 1]);
            chain = if found.is_some() { chain + 1 } else { 0 };
            if let Some((lp, _)) = partners.word_at(found) {
                words[j][1] = lp;
            }
        }
        chains[j] = chain;
    }
    for j in 3..n + 1 {
        for len in 3..MAX_WORD.min(j).min(chains[j] + 1) + 1 {
            if let Some((lp, _)) = model.word(&ids[j - len..j]) {
                words[j][len - 1] = lp;
            }
        }
    }
    best.clear();
    best.resize(n + 1, f32::NEG_INFINITY);
    back.clear();
    back.resize(n + 1, 0);
    best[0] = 0.0;
    for j in 1..n + 1 {
        for len in 1..MAX_WORD.min(j).min(chains[j] + 1) + 1 {
            let s = j - len;
            let lp = words[j][len - 1];
            if lp == f32::NEG_INFINITY {
                continue;
            }
            if best[s] + lp > best[j] {
                best[j] = best[s] + lp;
                back[j] = s;
            }
        }
    }
    let mut j = n;
    while j > 0 {
        let s = back[j];
        word(s, j);
        j = s;
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn partner_lists_answer_alike_from_either_side() {
        let typo = crate::Typo::embedded();
        let model = typo.model_for_debug();
        let partners = model.partners();
        let ids: Vec<u16> = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处府受本义"
            .chars()
            .filter_map(|c| model.id(c))
            .chain([0, 1, u16::MAX])
            .collect();
        let mut linked = 0;
        for &a in &ids {
            for &b in &ids {
                let want = a != u16::MAX && b != u16::MAX && model.pair(a, b);
                assert_eq!(partners.pair(a, b), want, "{a} {b}");
                assert_eq!(partners.pair_left(a, b), want, "{a} {b}");
                assert_eq!(model.bond(a, b) > 0.0, want, "{a} {b}");
                assert_eq!(partners.bond_left(a, b), model.bond(a, b), "{a} {b}");
                linked += usize::from(want);
            }
        }
        assert!(linked > 100);
        for &a in ids.iter().step_by(7) {
            for &b in ids.iter().step_by(11) {
                let between = partners.between(a, b);
                for &c in &ids {
                    let want = (partners.find(a, c), partners.find_left(c, b));
                    assert_eq!(between.find(c), want, "{a} {c} {b}");
                }
                let mut each = Vec::new();
                between.find_each(ids.iter().copied(), |k, before, after| {
                    each.push((k, (before, after)));
                });
                let want: Vec<_> = ids.iter().map(|&c| between.find(c)).enumerate().collect();
                assert_eq!(each, want, "{a} {b}");
            }
        }
    }
}
