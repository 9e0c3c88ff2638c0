//! The scoring parameters of the Chinese corrector and their defaults (fitted on the
//! development corpus; see the parent module).

/// Scoring parameters.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Params {
    /// Cost of every single-character word in a segmentation (characters that form words with
    /// their neighbours are more likely what the page printed).
    pub single_penalty: f32,
    /// ln P for a character the lexicon does not know.
    pub unknown: f32,
    /// Document evidence as a cache language model: a word's probability is
    /// `freq / lexicon total + evidence_weight * occurrences elsewhere / cache`, where `cache` is
    /// the number of words in the document, at most [`Params::cache_words`].
    pub evidence_weight: f32,
    /// The cache model's size in words: on a longer document a recurring word counts as much
    /// as on a document of this length (evidence is not diluted by the page's length).
    pub cache_words: f32,
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
    /// uncommon characters within two of it (itself included) still stand alone. Three: on
    /// both halves of the development corpus, 1 (the value from before the posterior was
    /// calibrated) withheld 14 right corrections and no wrong one.
    pub max_noisy_neighbours: usize,
    /// Calibration of the posterior log-odds into a confidence: `confidence =
    /// sigmoid(cal_scale * posterior + cal_bias)` (fitted on half A of the development corpus).
    pub cal_scale: f32,
    /// See [`Params::cal_scale`].
    pub cal_bias: f32,
    /// Weight of the context gain (segmentation score with the candidate minus without).
    pub context_weight: f32,
    /// Weight of the channel log-likelihood.
    pub channel_weight: f32,
    /// Added to the score of a candidate by the table it comes from.
    pub visual_offset: f32,
    /// See [`Params::visual_offset`].
    pub phonetic_offset: f32,
    /// See [`Params::visual_offset`].
    pub learned_offset: f32,
    /// Added when a word with the candidate recurs in the document.
    pub evidence_offset: f32,
    /// Weight of the document support of a candidate: the score gains `support_weight * k *
    /// ln((n + 0.5) / (m + 0.5))`, where `n` is how often the candidate occurs elsewhere in the
    /// document with at least `k` characters of the same context around it (both sides
    /// together, at most [`SUPPORT_CONTEXT`](super::SUPPORT_CONTEXT)), and `m` how often the observed character does.
    /// Counts, not shares: a phrase that recurs four times is the same evidence on a long
    /// page as on a short one. Every shared character makes the recurrence less likely a
    /// coincidence, hence the factor `k`.
    pub support_weight: f32,
    /// Document support needs at least this many characters of shared context (one is a mere
    /// frequent bigram, 上面 for 上画; two still match many common phrases).
    pub support_min_context: usize,
    /// Document support needs the candidate's form at least this often elsewhere.
    pub support_min: u32,
    /// Added when the observed character forms a word with neither neighbour and the candidate
    /// forms a two-character word with one of them (weighted by that word's ln P above the
    /// floor `orphan_floor`). Off: on the development corpus it corrects more (残疾人土) but
    /// breaks as many correct characters (您便用 → 您使用, 上画 → 上面): the bond term already
    /// carries what it knows.
    pub orphan_weight: f32,
    /// See [`Params::orphan_weight`].
    pub orphan_floor: f32,
    /// Added when the observed character forms a word with neither neighbour and the
    /// candidate completes a four-character lexicon word (the longest the model has) with
    /// them. A unigram segmentation weighs such a word as one word against three or four, not
    /// as the coincidence it would be: one look-alike turning a character that fits nowhere into the
    /// missing piece of a long word. 5 (fitted on half A of the development corpus, checked on
    /// half B): one more right correction on each half, none wrong, none on clean text.
    pub long_word_offset: f32,
    /// Weight of the OCR engine's confidence in the observed character: the channel gains
    /// `ocr_weight * ln((1 - c) / (1 - ocr_reference))` (clamped to ±2.5), so a character read
    /// with low confidence is a likelier misread and one read with high confidence less so.
    pub ocr_weight: f32,
    /// The confidence at which the engine's confidence changes nothing.
    pub ocr_reference: f32,
    /// With a word language model (`--lm`): the share of the context gain that the model's
    /// gain replaces, `context gain + lm_weight * (lm gain - context gain)` (see
    /// `chinese::lm`). Without a model nothing changes.
    pub lm_weight: f32,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            single_penalty: 0.0,
            unknown: -20.0,
            evidence_weight: 1.0,
            cache_words: 1000.0,
            evidence_min: 2,
            max_single_freq: 60_000,
            max_candidates: 24,
            apply: 1.4,
            margin: 0.7,
            suggest: -5.0,
            max_noisy_neighbours: 3,
            bond_weight: 0.25,
            allow_bonded: true,
            overlap: true,
            cal_scale: 0.7,
            cal_bias: -2.9,
            context_weight: 1.0,
            channel_weight: 1.0,
            visual_offset: 0.0,
            phonetic_offset: -1.0,
            learned_offset: 0.0,
            evidence_offset: 0.0,
            support_weight: 0.6,
            support_min_context: 3,
            support_min: 3,
            orphan_weight: 0.0,
            orphan_floor: -14.0,
            long_word_offset: 5.0,
            ocr_weight: 0.75,
            ocr_reference: 0.9,
            lm_weight: 0.3,
        }
    }
}
