//! The compact model the corrector runs on: dense ids for Han characters, a hash index of
//! lexicon words up to [`MAX_WORD`] characters keyed by packed ids, their log-probabilities, and
//! the confusion table translated to ids with channel log-likelihoods.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use ocrtidy_lexicon::Lexicon;

use crate::confusion::{ConfusionKind, ConfusionTable};

/// Longest word (in characters) the corrector looks up.
pub const MAX_WORD: usize = 4;

/// First and last code point with a dense id (CJK Extension A and the Unified Ideographs block).
const ID_FIRST: u32 = 0x3400;
const ID_LAST: u32 = 0x9FFF;

/// True for the Han characters the corrector reads as words.
pub fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
}

/// FxHash (rustc's hasher): fast for the integer keys used here.
#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl Hasher for FxHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
}

pub type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// Packs up to [`MAX_WORD`] non-zero 16-bit ids into a key (zero ids mean "unknown").
#[inline]
pub fn pack(ids: &[u16]) -> Option<u64> {
    if ids.is_empty() || ids.len() > MAX_WORD {
        return None;
    }
    let mut k = 0u64;
    for &id in ids {
        if id == 0 {
            return None;
        }
        k = (k << 16) | u64::from(id);
    }
    Some(k)
}

/// A candidate intended character for an observed one, in id space.
#[derive(Clone, Copy, Debug)]
pub struct IdConfusion {
    pub intended: u16,
    /// ln P(observed | intended), the channel log-likelihood.
    pub channel: f32,
    pub kind: ConfusionKind,
}

/// Channel model: how the weights of each table become log-likelihoods.
#[derive(Clone, Copy, Debug)]
pub struct ChannelParams {
    /// ln P(misread) for a visual pair of weight 1; weight `w` adds `visual_slope * (w - 1)`.
    pub visual_base: f32,
    pub visual_slope: f32,
    /// ln P(misread) for a same-tone homophone; other tones add ln(weight).
    pub phonetic_base: f32,
    /// Learned probabilities are used as they are, floored at this log value.
    pub learned_floor: f32,
}

impl Default for ChannelParams {
    fn default() -> Self {
        ChannelParams {
            visual_base: -2.5,
            visual_slope: 12.0,
            phonetic_base: -8.0,
            learned_floor: -6.0,
        }
    }
}

/// Everything the corrector needs, built once per pipeline.
#[derive(Debug)]
pub struct Model {
    /// Dense id of each code point in ID_FIRST..=ID_LAST (0: unknown).
    dense: Vec<u16>,
    /// Ids of other Han code points.
    sparse: HashMap<char, u16>,
    /// id → char.
    pub chars: Vec<char>,
    /// Packed word → (ln P(word), raw frequency).
    words: FxMap<u64, (f32, u32)>,
    /// Packed words that are names (places, people, organisations).
    names: FxMap<u64, ()>,
    /// Adjacent id pairs occurring inside words of two or more characters → ln(1 + the summed
    /// frequency of those words / 100): how readily the two characters form words together.
    pairs: FxMap<u32, f32>,
    /// ln of the lexicon's total frequency.
    pub ln_total: f32,
    /// Observed id → candidates, best channel first.
    pub confusions: Vec<Vec<IdConfusion>>,
    /// Intended id → observed ids it may be misread as (the reverse of `confusions`).
    pub reverse: Vec<Vec<(u16, f32)>>,
    /// Protected terms (never corrected).
    pub protected: Vec<String>,
}

impl Model {
    pub fn build(lexicon: &Lexicon, table: &ConfusionTable, channel: ChannelParams) -> Model {
        let mut model = Model {
            dense: vec![0; (ID_LAST - ID_FIRST + 1) as usize],
            sparse: HashMap::new(),
            chars: vec!['\0'],
            words: FxMap::default(),
            names: FxMap::default(),
            pairs: FxMap::default(),
            ln_total: (lexicon.total_freq() as f64).ln() as f32,
            confusions: Vec::new(),
            reverse: Vec::new(),
            protected: Vec::new(),
        };
        let mut ids = Vec::with_capacity(MAX_WORD);
        for (word, entry) in lexicon.iter() {
            ids.clear();
            for c in word.chars() {
                if !is_han(c) || ids.len() == MAX_WORD {
                    ids.clear();
                    break;
                }
                ids.push(model.intern(c));
            }
            if ids.is_empty() || word.chars().count() > MAX_WORD {
                continue;
            }
            if let Some(k) = pack(&ids) {
                // Layers are iterated first, so the first entry of a word wins.
                if entry.tag.is_name() {
                    model.names.insert(k, ());
                }
                model.words.entry(k).or_insert_with(|| {
                    let f = entry.freq.max(1);
                    ((f as f32).ln() - model.ln_total, f)
                });
                if ids.len() >= 2 {
                    for w in ids.windows(2) {
                        *model.pairs.entry(pair_key(w[0], w[1])).or_insert(0.0) +=
                            entry.freq as f32;
                    }
                }
            }
        }
        for v in model.pairs.values_mut() {
            *v = (1.0 + *v / 100.0).ln();
        }
        let n = model.chars.len();
        model.confusions = vec![Vec::new(); n];
        model.reverse = vec![Vec::new(); n];
        for (observed, cands) in table.iter() {
            let Some(o) = model.id(observed) else {
                continue;
            };
            for c in cands {
                let Some(i) = model.id(c.intended) else {
                    continue;
                };
                let w = c.weight.max(1e-4);
                let channel = match c.kind {
                    ConfusionKind::Visual => channel.visual_base + channel.visual_slope * (w - 1.0),
                    ConfusionKind::Phonetic => channel.phonetic_base + w.ln(),
                    ConfusionKind::Learned => w.ln().max(channel.learned_floor),
                };
                let list = &mut model.confusions[o as usize];
                match list.iter_mut().find(|x| x.intended == i) {
                    Some(x) if x.channel < channel => {
                        x.channel = channel;
                        x.kind = c.kind;
                    }
                    Some(_) => {}
                    None => list.push(IdConfusion {
                        intended: i,
                        channel,
                        kind: c.kind,
                    }),
                }
            }
        }
        for (o, list) in model.confusions.iter_mut().enumerate() {
            list.sort_by(|a, b| b.channel.total_cmp(&a.channel));
            for c in list.iter() {
                model.reverse[c.intended as usize].push((o as u16, c.channel));
            }
        }
        let mut protected: Vec<String> = lexicon.protected_terms().map(str::to_string).collect();
        protected.sort();
        protected.dedup();
        model.protected = protected;
        model
    }

    fn intern(&mut self, c: char) -> u16 {
        if let Some(id) = self.id(c) {
            return id;
        }
        if self.chars.len() >= usize::from(u16::MAX) {
            return 0;
        }
        let id = self.chars.len() as u16;
        self.chars.push(c);
        let cp = c as u32;
        if (ID_FIRST..=ID_LAST).contains(&cp) {
            self.dense[(cp - ID_FIRST) as usize] = id;
        } else {
            self.sparse.insert(c, id);
        }
        id
    }

    /// The id of a character, if the lexicon knows it.
    #[inline]
    pub fn id(&self, c: char) -> Option<u16> {
        let cp = c as u32;
        let id = if (ID_FIRST..=ID_LAST).contains(&cp) {
            self.dense[(cp - ID_FIRST) as usize]
        } else {
            self.sparse.get(&c).copied().unwrap_or(0)
        };
        (id != 0).then_some(id)
    }

    /// ln P(word) and its frequency, for a known word of 1..=MAX_WORD ids.
    #[inline]
    pub fn word(&self, ids: &[u16]) -> Option<(f32, u32)> {
        pack(ids).and_then(|k| self.words.get(&k).copied())
    }

    /// True for a known name (place, person, organisation).
    #[inline]
    pub fn is_name(&self, ids: &[u16]) -> bool {
        pack(ids).is_some_and(|k| self.names.contains_key(&k))
    }

    /// True when `a` followed by `b` occurs inside some word of two or more characters.
    #[inline]
    pub fn pair(&self, a: u16, b: u16) -> bool {
        a != 0 && b != 0 && self.pairs.contains_key(&pair_key(a, b))
    }

    /// How readily `a` followed by `b` forms words (0 when it never does).
    #[inline]
    pub fn bond(&self, a: u16, b: u16) -> f32 {
        if a == 0 || b == 0 {
            return 0.0;
        }
        self.pairs.get(&pair_key(a, b)).copied().unwrap_or(0.0)
    }
}

#[inline]
fn pair_key(a: u16, b: u16) -> u32 {
    (u32::from(a) << 16) | u32::from(b)
}
