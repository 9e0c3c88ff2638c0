//! A word n-gram language model as a feature of the corrector (`--lm PATH`): the log-probability
//! of a window of a Han run around the scored position, with the candidate and as it is, each
//! segmented into the model's words by the best path (Viterbi over the word lattice, trigram
//! context kept per last word).
//!
//! The model is an interface ([`WordLm`]); [`crate::kenlm::KenLm`] implements it for KenLM
//! binaries such as fcitx's `zh_CN.lm` (Debian's `libime-data-language-model`).

use std::fmt;

/// A word language model with integer word ids and log10 probabilities (KenLM's conventions).
pub trait WordLm: Send + Sync + fmt::Debug {
    /// The id of a word, `None` when the model does not know it.
    fn index(&self, word: &str) -> Option<u32>;
    /// The id of the unknown word.
    fn unk(&self) -> u32;
    /// log10 P(word | context), the context most recent last (at most `order() - 1` words are
    /// used, with the model's back-off).
    fn log10_prob(&self, context: &[u32], word: u32) -> f32;
    /// The longest word, in characters, that [`WordLm::index`] is asked about.
    fn max_word_chars(&self) -> usize {
        4
    }
}

impl WordLm for crate::kenlm::KenLm {
    fn index(&self, word: &str) -> Option<u32> {
        crate::kenlm::KenLm::index(self, word)
    }
    fn unk(&self) -> u32 {
        crate::kenlm::KenLm::unk(self)
    }
    fn log10_prob(&self, context: &[u32], word: u32) -> f32 {
        self.score(context, word)
    }
}

/// Characters each side of the scored position in the window.
pub(super) const LM_SIDE: usize = 5;

/// Reusable buffers of [`window_ln_prob`].
#[derive(Default)]
pub(super) struct LmScratch {
    /// Per end position: (score, last word, word before it).
    states: Vec<Vec<(f32, u32, u32)>>,
    word: String,
}

const NONE: u32 = u32::MAX;

/// ln P of `chars` under `lm`, over its best segmentation into the model's words (a character
/// the model does not know is the unknown word).
pub(super) fn window_ln_prob(lm: &dyn WordLm, chars: &[char], scratch: &mut LmScratch) -> f32 {
    let n = chars.len();
    if n == 0 {
        return 0.0;
    }
    let max = lm.max_word_chars().max(1);
    let states = &mut scratch.states;
    if states.len() < n + 1 {
        states.resize_with(n + 1, Vec::new);
    }
    for s in states.iter_mut().take(n + 1) {
        s.clear();
    }
    states[0].push((0.0, NONE, NONE));
    for j in 0..n {
        if states[j].is_empty() {
            continue;
        }
        for k in j + 1..=(j + max).min(n) {
            scratch.word.clear();
            scratch.word.extend(&chars[j..k]);
            let id = match lm.index(&scratch.word) {
                Some(id) => id,
                None if k == j + 1 => lm.unk(),
                None => continue,
            };
            let mut best = (f32::NEG_INFINITY, NONE);
            for &(score, last, prev) in &states[j] {
                let p = match (prev, last) {
                    (NONE, NONE) => lm.log10_prob(&[], id),
                    (NONE, l) => lm.log10_prob(&[l], id),
                    (p, l) => lm.log10_prob(&[p, l], id),
                };
                if score + p > best.0 {
                    best = (score + p, last);
                }
            }
            let at = &mut states[k];
            match at.iter_mut().find(|e| e.1 == id) {
                Some(e) if best.0 > e.0 => *e = (best.0, id, best.1),
                Some(_) => {}
                None => at.push((best.0, id, best.1)),
            }
        }
    }
    let best = states[n]
        .iter()
        .map(|e| e.0)
        .fold(f32::NEG_INFINITY, f32::max);
    best * std::f32::consts::LN_10
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// A toy bigram model: known words, unigram and bigram log10 probabilities.
    #[derive(Debug)]
    struct Toy {
        ids: HashMap<String, u32>,
        uni: Vec<f32>,
        bi: HashMap<(u32, u32), f32>,
    }

    impl WordLm for Toy {
        fn index(&self, w: &str) -> Option<u32> {
            self.ids.get(w).copied()
        }
        fn unk(&self) -> u32 {
            0
        }
        fn log10_prob(&self, ctx: &[u32], w: u32) -> f32 {
            // Back-off costs 0.5 after a word; a first word has its unigram probability.
            match ctx.last() {
                None => self.uni[w as usize],
                Some(&l) => self
                    .bi
                    .get(&(l, w))
                    .copied()
                    .unwrap_or(self.uni[w as usize] - 0.5),
            }
        }
    }

    fn toy() -> Toy {
        let words = ["<unk>", "残疾", "人士", "残疾人", "士", "土", "及"];
        let uni = vec![-7.0, -4.0, -4.0, -4.5, -5.0, -4.5, -2.0];
        let ids = words
            .iter()
            .enumerate()
            .map(|(i, w)| (w.to_string(), i as u32))
            .collect();
        let mut bi = HashMap::new();
        bi.insert((1, 2), -1.0); // 残疾 人士
        Toy { ids, uni, bi }
    }

    fn lp(lm: &Toy, s: &str) -> f32 {
        let chars: Vec<char> = s.chars().collect();
        window_ln_prob(lm, &chars, &mut LmScratch::default())
    }

    #[test]
    fn the_best_segmentation_is_scored() {
        let lm = toy();
        // 残疾 人士: -4 + -1 (bigram); 残疾人 士: -4.5 + (-5 - 0.5).
        let want = -5.0 * std::f32::consts::LN_10;
        assert!((lp(&lm, "残疾人士") - want).abs() < 1e-4);
        // The misread form can only be 残疾人 土 (or worse): -4.5 + -5.0.
        assert!(lp(&lm, "残疾人士") > lp(&lm, "残疾人土"));
    }

    #[test]
    fn unknown_characters_are_the_unknown_word() {
        let lm = toy();
        let want = (-7.0 + (-7.5)) * std::f32::consts::LN_10;
        assert!((lp(&lm, "甲乙") - want).abs() < 1e-3);
        assert_eq!(lp(&lm, ""), 0.0);
    }
}
