//! The compact model the corrector runs on: dense ids for Han characters, a hash index of
//! lexicon words up to [`MAX_WORD`] characters keyed by packed ids, their log-probabilities, and
//! the confusion table translated to ids with channel log-likelihoods.
//!
//! The model of the embedded lexicon and confusion tables is built at compile time: `build.rs`
//! compiles this file (with `confusion.rs` and `flat.rs`), runs [`Model::build`] and stores the
//! result with [`Model::write`]; start-up reads it back with [`Model::read`] (see
//! `Model::embedded`). So this file may use only `std`, `ocrtidy_lexicon`, `ocrtidy_text`,
//! `crate::confusion` and `crate::flat`.

use std::collections::HashMap;

use ocrtidy_lexicon::Lexicon;

use crate::confusion::{ConfusionKind, ConfusionTable};
use crate::flat::{IntMap, IntMapBuilder, KeyFilter, Reader, Wire};

/// Longest word (in characters) the corrector looks up.
pub const MAX_WORD: usize = 4;

/// First and last code point with a dense id (CJK Extension A and the Unified Ideographs block).
const ID_FIRST: u32 = 0x3400;
const ID_LAST: u32 = 0x9FFF;

/// The Han characters the corrector reads as words: the workspace's [`is_han`].
pub use ocrtidy_text::chars::is_han;

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
#[derive(Clone, Copy, Debug, PartialEq)]
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
    /// 10 with the blurred four-face visual table (2026-12-06): from 12 (the previous table's
    /// fit) to 10, both halves of the development corpus gain corrections and neither a wrong
    /// one (`scripts/typo_eval.py`, Tesseract and RapidOCR Chinese: half A 87 → 94 right of
    /// 96, half B 93 → 106 right of 109); 9 and 8 correct five more on half A but add two
    /// wrong ones on half B.
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
            visual_slope: 10.0,
            phonetic_base: -8.0,
            learned_floor: -6.0,
        }
    }
}

/// Everything the corrector needs, built once per pipeline.
#[derive(Debug, PartialEq)]
pub struct Model {
    /// Dense id of each code point in ID_FIRST..=ID_LAST (0: unknown).
    dense: Vec<u16>,
    /// Ids of other Han code points.
    sparse: HashMap<char, u16>,
    /// id → char.
    pub chars: Vec<char>,
    /// Packed word → (ln P(word), raw frequency).
    words: IntMap<u64, (f32, u32)>,
    /// The one-character words of `words` by id (frequency 0: not a word), derived from it:
    /// the corrector asks about single characters most, and this table stays in cache.
    singles: Vec<(f32, u32)>,
    /// A Bloom filter over the words of three and four characters of `words`: most such
    /// windows of a text are no word, and the filter, a fraction of the size of `words`,
    /// settles them without a probe of the big table.
    long: KeyFilter,
    /// Packed words that are names (places, people, organisations).
    names: IntMap<u64, ()>,
    /// Adjacent id pairs occurring inside words of two or more characters, with ln(1 + the
    /// summed frequency of those words / 100): how readily the two characters form words
    /// together; as sorted lists of partners per character (see [`Model::partners`]).
    partners: Partners,
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
    /// Builds the model. Character ids are given in the order of [`Lexicon::iter`] (for the
    /// embedded list: byte order), so the same lexicon always gives the same model.
    pub fn build(lexicon: &Lexicon, table: &ConfusionTable, channel: ChannelParams) -> Model {
        // A capacity from the lexicon's size, not from the count of usable words, so that the
        // tables of a model built here and of one built by `build.rs` are laid out alike.
        let hint = lexicon.len_with_base();
        let mut words = IntMapBuilder::with_capacity(hint);
        let mut names = IntMapBuilder::with_capacity(hint / 8);
        let mut pairs = IntMapBuilder::with_capacity(hint);
        let mut model = Model {
            dense: vec![0; (ID_LAST - ID_FIRST + 1) as usize],
            sparse: HashMap::new(),
            chars: vec!['\0'],
            words: IntMap::default(),
            singles: Vec::new(),
            long: KeyFilter::default(),
            names: IntMap::default(),
            partners: Partners::default(),
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
                    names.get_or_insert(k, ());
                }
                if !words.contains_key(k) {
                    let f = entry.freq.max(1);
                    words.get_or_insert(k, ((f as f32).ln() - model.ln_total, f));
                }
                if ids.len() >= 2 {
                    for w in ids.windows(2) {
                        if let Some(v) = pairs.get_or_insert(pair_key(w[0], w[1]), 0.0) {
                            *v += entry.freq as f32;
                        }
                    }
                }
            }
        }
        for v in pairs.values_mut() {
            *v = (1.0 + *v / 100.0).ln();
        }
        model.words = words.freeze();
        model.singles = singles(&model.words, model.chars.len());
        model.long = long_words(&model.words);
        model.names = names.freeze();
        model.partners = Partners::of(&pairs.freeze(), &model.words, model.chars.len());
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

    /// What a model is built from, as far as [`Model::read`] checks it: the size and total
    /// frequency of the lexicon (the channel parameters and the embedded confusion tables are
    /// compiled into `build.rs` along with this crate).
    pub fn stamp(lexicon: &Lexicon) -> Vec<u8> {
        let mut out = b"ocrtidy-typo model 3".to_vec();
        (lexicon.len() as u64).put(&mut out);
        lexicon.total_freq().put(&mut out);
        out
    }

    /// Appends the byte form of the model, led by `stamp` (what it was built from, checked by
    /// [`Model::read`]).
    pub fn write(&self, stamp: &[u8], out: &mut Vec<u8>) {
        put_bytes(stamp, out);
        self.ln_total.put(out);
        put_list(&self.dense, out);
        let mut sparse: Vec<(u32, u16)> =
            self.sparse.iter().map(|(c, i)| (*c as u32, *i)).collect();
        sparse.sort_unstable();
        put_list(&sparse, out);
        let chars: Vec<u32> = self.chars.iter().map(|c| *c as u32).collect();
        put_list(&chars, out);
        self.words.write(out);
        put_list(self.long.words(), out);
        self.names.write(out);
        self.partners.write(out);
        for list in &self.confusions {
            let list: Vec<(u16, (f32, u8))> = list
                .iter()
                .map(|c| (c.intended, (c.channel, c.kind as u8)))
                .collect();
            put_list(&list, out);
        }
        for list in &self.reverse {
            put_list(list, out);
        }
        (self.protected.len() as u64).put(out);
        for term in &self.protected {
            put_bytes(term.as_bytes(), out);
        }
    }

    /// Reads a model written by [`Model::write`] with the same `stamp`; `None` when the stamp
    /// differs or the bytes are not a model.
    pub fn read(stamp: &[u8], bytes: &[u8]) -> Option<Model> {
        Model::read_from(stamp, Reader::new(bytes))
    }

    /// [`Model::read`] of static bytes (the binary's): the word and pair tables are used in
    /// place, not copied.
    pub fn read_static(stamp: &[u8], bytes: &'static [u8]) -> Option<Model> {
        Model::read_from(stamp, Reader::new_static(bytes))
    }

    fn read_from(stamp: &[u8], mut r: Reader<'_>) -> Option<Model> {
        if get_list::<u8>(&mut r)? != stamp {
            return None;
        }
        let ln_total = r.get::<f32>()?;
        let dense: Vec<u16> = get_list(&mut r)?;
        if dense.len() != (ID_LAST - ID_FIRST + 1) as usize {
            return None;
        }
        let sparse = get_list::<(u32, u16)>(&mut r)?
            .into_iter()
            .map(|(c, i)| Some((char::from_u32(c)?, i)))
            .collect::<Option<HashMap<char, u16>>>()?;
        let chars = get_list::<u32>(&mut r)?
            .into_iter()
            .map(char::from_u32)
            .collect::<Option<Vec<char>>>()?;
        let words = IntMap::read(&mut r)?;
        let long = KeyFilter::from_words(get_list(&mut r)?)?;
        let names = IntMap::read(&mut r)?;
        let partners = Partners::read(&mut r)?;
        let mut confusions = Vec::with_capacity(chars.len());
        for _ in 0..chars.len() {
            let list = get_list::<(u16, (f32, u8))>(&mut r)?
                .into_iter()
                .map(|(intended, (channel, kind))| {
                    let kind = match kind {
                        k if k == ConfusionKind::Visual as u8 => ConfusionKind::Visual,
                        k if k == ConfusionKind::Phonetic as u8 => ConfusionKind::Phonetic,
                        k if k == ConfusionKind::Learned as u8 => ConfusionKind::Learned,
                        _ => return None,
                    };
                    Some(IdConfusion {
                        intended,
                        channel,
                        kind,
                    })
                })
                .collect::<Option<Vec<_>>>()?;
            confusions.push(list);
        }
        let mut reverse = Vec::with_capacity(chars.len());
        for _ in 0..chars.len() {
            reverse.push(get_list::<(u16, f32)>(&mut r)?);
        }
        let n = usize::try_from(r.get::<u64>()?).ok()?;
        let mut protected = Vec::new();
        for _ in 0..n {
            protected.push(String::from_utf8(get_list(&mut r)?).ok()?);
        }
        let ids_ok = |id: u16| usize::from(id) < chars.len();
        let valid = r.is_done()
            && dense.iter().all(|&i| ids_ok(i))
            && sparse.values().all(|&i| ids_ok(i))
            && confusions.iter().flatten().all(|c| ids_ok(c.intended))
            && reverse.iter().flatten().all(|&(i, _)| ids_ok(i));
        valid.then(|| Model {
            dense,
            sparse,
            singles: singles(&words, chars.len()),
            chars,
            words,
            long,
            names,
            partners,
            ln_total,
            confusions,
            reverse,
            protected,
        })
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
        match *ids {
            [id] => self
                .singles
                .get(usize::from(id))
                .copied()
                .filter(|&(_, f)| f > 0),
            [a, b] => self.partners.word(a, b),
            _ => pack(ids)
                .filter(|&k| self.long.may_contain(k))
                .and_then(|k| self.words.get(k)),
        }
    }

    /// True for a known name (place, person, organisation).
    #[inline]
    pub fn is_name(&self, ids: &[u16]) -> bool {
        pack(ids).is_some_and(|k| self.names.contains_key(k))
    }

    /// True when `a` followed by `b` occurs inside some word of two or more characters.
    #[inline]
    pub fn pair(&self, a: u16, b: u16) -> bool {
        self.partners.pair(a, b)
    }

    /// The pairs as sorted lists of each character's partners on either side: [`Model::pair`]
    /// and [`Model::bond`] are a binary search in one character's short list, which stays in
    /// cache for all the questions about that character (a probe of a hash table of all pairs
    /// was a cache miss each). Built with the model, so stored in the prebuilt one.
    #[inline]
    pub fn partners(&self) -> &Partners {
        &self.partners
    }

    /// How readily `a` followed by `b` forms words (0 when it never does).
    #[inline]
    pub fn bond(&self, a: u16, b: u16) -> f32 {
        self.partners.bond(a, b)
    }
}

/// The characters each character forms words with, on either side, and how readily (see
/// [`Model::partners`], [`Model::bond`]).
#[derive(Debug, Default, PartialEq)]
pub struct Partners {
    /// By left character: its right-hand partners.
    right: Lists,
    /// By right character: its left-hand partners.
    left: Lists,
}

/// What [`Partners`] know of one pair, in one place: its bond (on the side of the list that
/// holds it) and the two-character word it makes (ln P, frequency; frequency 0: none), as
/// `Model::word` has it. The pair of a candidate and its neighbour is found in the neighbour's
/// list, and its bond and word are then one cache line away, whichever side was searched.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct PairInfo {
    bond: f32,
    word: (f32, u32),
}

/// One side of [`Partners`]: `ids[start[x]..start[x + 1]]` are the partners of `x`, sorted, and
/// `info` the bond and word of each pair, in the same order.
#[derive(Debug, Default, PartialEq)]
struct Lists {
    start: Vec<u32>,
    ids: Vec<u16>,
    /// The bonds are stored; the words are stored once, in the order of the right-hand lists,
    /// and put next to the bonds of both sides when the lists are built or read.
    info: Vec<PairInfo>,
    /// Derived from `start` and `ids` when the lists are built or read (not stored).
    index: ListIndex,
}

/// A list longer than this is searched in a bitmap (see [`ListIndex`]). 32 rather than 128
/// (2026-12-07): the confusions of a questioned character, some fifty, are each searched in its
/// neighbours' lists, and a list of a few dozen partners was a binary search; on the 5 MB
/// benchmark 147 M fewer instructions, for about 6 MB more memory and 20 M more when the model
/// is loaded.
const BITMAP_LIST: usize = 32;

/// How [`Lists::find`] searches: the longer lists (common characters have hundreds of partners,
/// and are the characters asked about most: every candidate of a position is paired with the
/// same neighbours) are bitmaps over all ids with a count of the partners before each word, so that
/// a search is a bit test and a population count instead of a dozen dependent steps of a binary
/// search; the other lists are searched.
#[derive(Debug, Default, PartialEq)]
struct ListIndex {
    /// Per `x`: where its list starts and ends in `ids`, and the first word of its bitmap in
    /// `bits` (`u32::MAX`: none, the list is searched). One cache line for both ends.
    heads: Vec<[u32; 3]>,
    /// The bitmaps, `words` words each: bit `y` is set when `y` is a partner.
    bits: Vec<u64>,
    /// For each word of `bits`: the partners in the words of its bitmap before it.
    ranks: Vec<u32>,
    /// Words of a bitmap: enough for every id in the lists.
    words: usize,
}

impl ListIndex {
    fn of(start: &[u32], ids: &[u16]) -> ListIndex {
        let words = ids
            .iter()
            .max()
            .map_or(0, |&m| (usize::from(m) + 1).div_ceil(64));
        let list = |w: &[u32]| ids.get(w[0] as usize..w[1] as usize).unwrap_or(&[]);
        let bitmap: Vec<bool> = start
            .windows(2)
            .map(|w| {
                let list = list(w);
                list.len() > BITMAP_LIST && list.is_sorted_by(|a, b| a < b)
            })
            .collect();
        // The bitmaps and their ranks allocated at once, zeroed (rather than grown list by list,
        // which copied them over and over when the model was loaded).
        let size = bitmap.iter().filter(|&&b| b).count() * words;
        let mut index = ListIndex {
            heads: Vec::with_capacity(bitmap.len()),
            bits: vec![0; size],
            ranks: vec![0; size],
            words,
        };
        let mut first = 0;
        for (w, &bitmap) in start.windows(2).zip(&bitmap) {
            if bitmap {
                let bits = &mut index.bits[first..first + words];
                for &y in list(w) {
                    bits[usize::from(y) / 64] |= 1 << (y % 64);
                }
                let mut before = 0;
                for (rank, &word) in index.ranks[first..first + words].iter_mut().zip(&*bits) {
                    *rank = before;
                    // Most words of a bitmap are empty.
                    if word != 0 {
                        before += word.count_ones();
                    }
                }
            }
            index
                .heads
                .push([w[0], w[1], if bitmap { first as u32 } else { u32::MAX }]);
            if bitmap {
                first += words;
            }
        }
        index
    }
}

/// A pair key of [`Partners`]: the left id in the high half.
type PairKey = u32;

impl Partners {
    /// The partner lists of `pairs` (pair key → bond) and the two-character words of `words`,
    /// for the ids below `n`.
    fn of(pairs: &IntMap<PairKey, f32>, words: &IntMap<u64, (f32, u32)>, n: usize) -> Partners {
        // Pairs of ids past `chars` (none in a valid model) are left out of both sides.
        let pairs: Vec<(PairKey, f32)> = pairs
            .keys()
            .filter(|&k| ((k >> 16) as usize) < n && ((k & 0xffff) as usize) < n)
            .map(|k| (k, pairs.get(k).unwrap_or(0.0)))
            .collect();
        let left = pairs.iter().map(|&(k, v)| (k.rotate_left(16), v)).collect();
        let right = Lists::of(pairs, n);
        let words: Vec<(f32, u32)> = right
            .keys()
            .map(|k| words.get(u64::from(k)).unwrap_or((0.0, 0)))
            .collect();
        Partners::with_words(right, Lists::of(left, n), &words)
            .expect("the two sides hold the same pairs")
    }

    /// `right` and `left` with the words of the pairs of `right` (in its order) put next to the
    /// bonds of both sides; `None` when the lists do not match.
    fn with_words(mut right: Lists, mut left: Lists, words: &[(f32, u32)]) -> Option<Partners> {
        if words.len() != right.ids.len() || left.ids.len() != right.ids.len() {
            return None;
        }
        for (info, &word) in right.info.iter_mut().zip(words) {
            info.word = word;
        }
        // The pairs of `right` in its order (by left id, then right id) are those of each
        // left-hand list in its order: `cursor[y]` is the next place in the list of `y`.
        let mut cursor: Vec<u32> = left.start.clone();
        for (x, w) in right.start.windows(2).enumerate() {
            let (s, e) = (w[0] as usize, w[1] as usize);
            for (&y, &word) in right.ids.get(s..e)?.iter().zip(words.get(s..e)?) {
                let at = cursor.get_mut(usize::from(y))?;
                let info = left.info.get_mut(*at as usize)?;
                if left.ids[*at as usize] as usize != x {
                    return None;
                }
                info.word = word;
                *at += 1;
            }
        }
        Some(Partners { right, left })
    }

    fn write(&self, out: &mut Vec<u8>) {
        self.right.write(out);
        self.left.write(out);
        let words: Vec<(f32, u32)> = self.right.info.iter().map(|i| i.word).collect();
        put_list(&words, out);
    }

    fn read(r: &mut Reader<'_>) -> Option<Partners> {
        let right = Lists::read(r)?;
        let left = Lists::read(r)?;
        let words: Vec<(f32, u32)> = get_list(r)?;
        Partners::with_words(right, left, &words)
    }

    /// [`Model::word`] of the two characters `a b`.
    #[inline]
    fn word(&self, a: u16, b: u16) -> Option<(f32, u32)> {
        if a == 0 || b == 0 {
            return None;
        }
        let i = self.right.find(a, b)?;
        self.right
            .info
            .get(i)
            .map(|i| i.word)
            .filter(|&(_, f)| f > 0)
    }

    /// [`Model::pair`]: `a` followed by `b` occurs inside some word.
    #[inline]
    pub fn pair(&self, a: u16, b: u16) -> bool {
        a != 0 && b != 0 && self.right.find(a, b).is_some()
    }

    /// The same as [`Partners::pair`], searched in the list of `b`'s left partners (for many
    /// questions about one right-hand character).
    #[inline]
    pub fn pair_left(&self, a: u16, b: u16) -> bool {
        a != 0 && b != 0 && self.left.find(b, a).is_some()
    }

    /// Where the pair `a b` is in the list of `a`'s right partners (`None`: not a pair): the
    /// answer of [`Partners::pair`], [`Partners::bond`] and [`Model::word`] of `a b` at once,
    /// through [`Partners::word_at`] and [`Partners::bond_at`].
    #[inline]
    pub fn find(&self, a: u16, b: u16) -> Option<usize> {
        if a == 0 || b == 0 {
            return None;
        }
        self.right.find(a, b)
    }

    /// Where the pair `a b` is in the list of `b`'s left partners (`None`: not a pair): the
    /// answer of [`Partners::pair_left`] and [`Partners::bond_left`] at once, through
    /// [`Partners::bond_left_at`].
    #[inline]
    pub fn find_left(&self, a: u16, b: u16) -> Option<usize> {
        if a == 0 || b == 0 {
            return None;
        }
        self.left.find(b, a)
    }

    /// For many characters `c` between `a` and `b`: [`Partners::find`] of `a c` and
    /// [`Partners::find_left`] of `c b` (see [`Between::find`]), with the two lists found once.
    #[inline]
    pub fn between(&self, a: u16, b: u16) -> Between<'_> {
        Between {
            before: if a == 0 {
                ListView::Empty
            } else {
                self.right.view(a)
            },
            after: if b == 0 {
                ListView::Empty
            } else {
                self.left.view(b)
            },
        }
    }

    /// [`Model::word`] of the pair found by [`Partners::find`].
    #[inline]
    pub fn word_at(&self, found: Option<usize>) -> Option<(f32, u32)> {
        found
            .and_then(|i| self.right.info.get(i))
            .map(|i| i.word)
            .filter(|&(_, f)| f > 0)
    }

    /// [`Model::word`] of the pair found by [`Partners::find_left`].
    #[inline]
    pub fn word_left_at(&self, found: Option<usize>) -> Option<(f32, u32)> {
        found
            .and_then(|i| self.left.info.get(i))
            .map(|i| i.word)
            .filter(|&(_, f)| f > 0)
    }

    /// [`Partners::bond`] of the pair found by [`Partners::find`].
    #[inline]
    pub fn bond_at(&self, found: Option<usize>) -> f32 {
        found
            .and_then(|i| self.right.info.get(i))
            .map_or(0.0, |i| i.bond)
    }

    /// [`Partners::bond_left`] of the pair found by [`Partners::find_left`].
    #[inline]
    pub fn bond_left_at(&self, found: Option<usize>) -> f32 {
        found
            .and_then(|i| self.left.info.get(i))
            .map_or(0.0, |i| i.bond)
    }

    /// [`Model::bond`], searched in the list of `a`'s right partners.
    #[inline]
    pub fn bond(&self, a: u16, b: u16) -> f32 {
        if a == 0 || b == 0 {
            return 0.0;
        }
        self.right.bond(a, b)
    }

    /// [`Model::bond`], searched in the list of `b`'s left partners.
    #[inline]
    pub fn bond_left(&self, a: u16, b: u16) -> f32 {
        if a == 0 || b == 0 {
            return 0.0;
        }
        self.left.bond(b, a)
    }
}

/// The right-hand partners of one character and the left-hand partners of another (see
/// [`Partners::between`]).
#[derive(Clone, Copy)]
pub struct Between<'a> {
    before: ListView<'a>,
    after: ListView<'a>,
}

impl Between<'_> {
    /// [`Partners::find`] of the left character and `c`, and [`Partners::find_left`] of `c` and
    /// the right character.
    #[inline(always)]
    pub fn find(&self, c: u16) -> (Option<usize>, Option<usize>) {
        if c == 0 {
            return (None, None);
        }
        (self.before.find(c), self.after.find(c))
    }

    /// [`Between::find`] of each id of `ids` in order: `f(k, before, after)` for the `k`-th.
    /// The kinds of the two lists are told apart once, not at each id (a character's fifty
    /// confusions are asked about together).
    #[inline]
    pub fn find_each(
        &self,
        ids: impl Iterator<Item = u16>,
        f: impl FnMut(usize, Option<usize>, Option<usize>),
    ) {
        match self.before {
            ListView::Empty => each_after(ids, f, |_| None, self.after),
            ListView::Bitmap { start, bits, ranks } => each_after(
                ids,
                f,
                move |y| find_in_bitmap(start, bits, ranks, y),
                self.after,
            ),
            ListView::Sorted { start, ids: list } => {
                each_after(ids, f, move |y| find_in_sorted(start, list, y), self.after)
            }
        }
    }
}

/// [`Between::find_each`] with the search of the left list `before`, the kind of `after` told
/// apart.
#[inline(always)]
fn each_after(
    ids: impl Iterator<Item = u16>,
    f: impl FnMut(usize, Option<usize>, Option<usize>),
    before: impl Fn(u16) -> Option<usize>,
    after: ListView<'_>,
) {
    match after {
        ListView::Empty => each(ids, f, before, |_| None),
        ListView::Bitmap { start, bits, ranks } => each(ids, f, before, move |y| {
            find_in_bitmap(start, bits, ranks, y)
        }),
        ListView::Sorted { start, ids: list } => {
            each(ids, f, before, move |y| find_in_sorted(start, list, y))
        }
    }
}

/// [`Between::find_each`] with the searches of both lists.
#[inline(always)]
fn each(
    ids: impl Iterator<Item = u16>,
    mut f: impl FnMut(usize, Option<usize>, Option<usize>),
    before: impl Fn(u16) -> Option<usize>,
    after: impl Fn(u16) -> Option<usize>,
) {
    for (k, c) in ids.enumerate() {
        if c == 0 {
            f(k, None, None);
        } else {
            f(k, before(c), after(c));
        }
    }
}

/// [`ListView::find`] in a bitmap.
#[inline(always)]
fn find_in_bitmap(start: usize, bits: &[u64], ranks: &[u32], y: u16) -> Option<usize> {
    let w = usize::from(y) / 64;
    let word = *bits.get(w)?;
    let bit = 1u64 << (y % 64);
    if word & bit == 0 {
        return None;
    }
    let rank = *ranks.get(w)? + (word & (bit - 1)).count_ones();
    Some(start + rank as usize)
}

/// [`ListView::find`] in a sorted list.
#[inline(always)]
fn find_in_sorted(start: usize, ids: &[u16], y: u16) -> Option<usize> {
    ids.binary_search(&y).ok().map(|i| start + i)
}

/// The list of one character in [`Lists`], found once for many searches in it: the answers of
/// [`Lists::find`] for that character.
#[derive(Clone, Copy)]
enum ListView<'a> {
    /// No list.
    Empty,
    /// A bitmap: its words and the partners before each (see [`ListIndex`]), and where the
    /// list starts in `ids`.
    Bitmap {
        start: usize,
        bits: &'a [u64],
        ranks: &'a [u32],
    },
    /// A sorted list, and where it starts in `ids`.
    Sorted { start: usize, ids: &'a [u16] },
}

impl ListView<'_> {
    /// [`Lists::find`] of the view's character and `y` (inlined: it is called for each of the
    /// confusions of a character, where a call was a good part of the cost).
    #[inline(always)]
    fn find(&self, y: u16) -> Option<usize> {
        match *self {
            ListView::Empty => None,
            ListView::Bitmap { start, bits, ranks } => find_in_bitmap(start, bits, ranks, y),
            ListView::Sorted { start, ids } => find_in_sorted(start, ids, y),
        }
    }
}

impl Lists {
    /// The list of `x`, for [`ListView::find`].
    #[inline]
    fn view(&self, x: u16) -> ListView<'_> {
        let index = &self.index;
        let Some(&[s, e, first]) = index.heads.get(usize::from(x)) else {
            return ListView::Empty;
        };
        if first != u32::MAX {
            // The words `first..first + words` (those `Lists::find` reads), as far as they are.
            let part = |len: usize| {
                let from = (first as usize).min(len);
                from..(first as usize).saturating_add(index.words).min(len)
            };
            return ListView::Bitmap {
                start: s as usize,
                bits: &index.bits[part(index.bits.len())],
                ranks: &index.ranks[part(index.ranks.len())],
            };
        }
        match self.ids.get(s as usize..e as usize) {
            Some(ids) => ListView::Sorted {
                start: s as usize,
                ids,
            },
            None => ListView::Empty,
        }
    }

    /// The lists of `pairs` (`x << 16 | y` → bond), for the `x` below `n`.
    fn of(mut pairs: Vec<(PairKey, f32)>, n: usize) -> Lists {
        pairs.sort_unstable_by_key(|p| p.0);
        let n = n.max(1);
        let mut start = vec![0u32; n + 1];
        for &(k, _) in &pairs {
            if let Some(s) = start.get_mut((k >> 16) as usize + 1) {
                *s += 1;
            }
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        // Keys of ids past `chars` (none in a valid model) are left out.
        pairs.retain(|&(k, _)| ((k >> 16) as usize) < n);
        let ids: Vec<u16> = pairs.iter().map(|&(k, _)| k as u16).collect();
        Lists {
            index: ListIndex::of(&start, &ids),
            start,
            ids,
            info: pairs
                .iter()
                .map(|&(_, bond)| PairInfo {
                    bond,
                    word: (0.0, 0),
                })
                .collect(),
        }
    }

    /// The pair keys, in the order of `ids`.
    fn keys(&self) -> impl Iterator<Item = PairKey> + '_ {
        self.start.windows(2).enumerate().flat_map(move |(x, w)| {
            let list = self.ids.get(w[0] as usize..w[1] as usize).unwrap_or(&[]);
            list.iter()
                .map(move |&y| ((x as PairKey) << 16) | PairKey::from(y))
        })
    }

    /// The index in `ids` of `y` in the list of `x`.
    #[inline]
    fn find(&self, x: u16, y: u16) -> Option<usize> {
        let index = &self.index;
        let &[s, e, first] = index.heads.get(usize::from(x))?;
        if first != u32::MAX {
            let at = first as usize + usize::from(y) / 64;
            if usize::from(y) / 64 >= index.words {
                return None;
            }
            let word = *index.bits.get(at)?;
            let bit = 1u64 << (y % 64);
            if word & bit == 0 {
                return None;
            }
            let rank = *index.ranks.get(at)? + (word & (bit - 1)).count_ones();
            return Some(s as usize + rank as usize);
        }
        let list = self.ids.get(s as usize..e as usize)?;
        list.binary_search(&y).ok().map(|i| s as usize + i)
    }

    /// The bond of `x` with its partner `y` (0 when `y` is none).
    #[inline]
    fn bond(&self, x: u16, y: u16) -> f32 {
        self.find(x, y)
            .and_then(|i| self.info.get(i))
            .map_or(0.0, |i| i.bond)
    }

    fn write(&self, out: &mut Vec<u8>) {
        put_list(&self.start, out);
        put_list(&self.ids, out);
        let bonds: Vec<f32> = self.info.iter().map(|i| i.bond).collect();
        put_list(&bonds, out);
    }

    fn read(r: &mut Reader<'_>) -> Option<Lists> {
        let start: Vec<u32> = get_list(r)?;
        let ids: Vec<u16> = get_list(r)?;
        let bonds: Vec<f32> = get_list(r)?;
        if bonds.len() != ids.len() || start.last().is_some_and(|&e| e as usize != ids.len()) {
            return None;
        }
        Some(Lists {
            index: ListIndex::of(&start, &ids),
            start,
            ids,
            info: bonds
                .into_iter()
                .map(|bond| PairInfo {
                    bond,
                    word: (0.0, 0),
                })
                .collect(),
        })
    }
}

/// The Bloom filter of the words of three and four ids of `words` (see `Model::long`).
fn long_words(words: &IntMap<u64, (f32, u32)>) -> KeyFilter {
    let long = || words.keys().filter(|&k| k >> 32 != 0);
    let mut filter = KeyFilter::with_keys(long().count());
    for k in long() {
        filter.insert(k);
    }
    filter
}

/// The one-character words of `words` for the ids below `n`, by id (see `Model::singles`).
fn singles(words: &IntMap<u64, (f32, u32)>, n: usize) -> Vec<(f32, u32)> {
    (0..n)
        .map(|id| words.get(id as u64).unwrap_or((0.0, 0)))
        .collect()
}

fn put_bytes(bytes: &[u8], out: &mut Vec<u8>) {
    (bytes.len() as u64).put(out);
    out.extend_from_slice(bytes);
}

/// A length and the values.
fn put_list<T: Wire + Copy>(list: &[T], out: &mut Vec<u8>) {
    (list.len() as u64).put(out);
    for &x in list {
        x.put(out);
    }
}

fn get_list<T: Wire>(r: &mut Reader<'_>) -> Option<Vec<T>> {
    if T::SIZE == 0 {
        return None;
    }
    let n = usize::try_from(r.get::<u64>()?).ok()?;
    let bytes = r.take(n.checked_mul(T::SIZE)?)?;
    Some(bytes.chunks_exact(T::SIZE).map(T::get).collect())
}

#[inline]
fn pair_key(a: u16, b: u16) -> u32 {
    (u32::from(a) << 16) | u32::from(b)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_long_word_filter_passes_every_long_word() {
        let typo = crate::Typo::embedded();
        let model = typo.model_for_debug();
        let mut long = 0;
        for k in model.words.keys().filter(|&k| k >> 32 != 0) {
            assert!(model.long.may_contain(k), "{k:x}");
            long += 1;
        }
        assert!(long > 100_000);
        // It rejects most keys that are no word: here, words with their last id changed.
        let passed = model
            .words
            .keys()
            .filter(|&k| k >> 32 != 0)
            .map(|k| k ^ 1)
            .filter(|&k| model.long.may_contain(k) && model.words.get(k).is_none())
            .count();
        assert!(passed * 20 < long, "{passed} of {long}");
    }

    #[test]
    fn the_bitmaps_of_long_partner_lists_find_what_a_search_finds() {
        let typo = crate::Typo::embedded();
        let model = typo.model_for_debug();
        for lists in [&model.partners.right, &model.partners.left] {
            let n = lists.start.len() - 1;
            let mut bitmaps = 0;
            for x in 0..=n {
                let x = x as u16;
                let searched = |y: u16| {
                    let (s, e) = (
                        lists.start.get(usize::from(x))?,
                        lists.start.get(usize::from(x) + 1)?,
                    );
                    let list = &lists.ids[*s as usize..*e as usize];
                    list.binary_search(&y).ok().map(|i| *s as usize + i)
                };
                let head = lists.index.heads.get(usize::from(x));
                if head.is_some_and(|h| h[2] != u32::MAX) {
                    bitmaps += 1;
                    for y in (0..=n + 70).map(|y| y as u16).chain([u16::MAX]) {
                        assert_eq!(lists.find(x, y), searched(y), "{x} {y}");
                    }
                } else if x % 16 == 0 {
                    for y in (0..=n).step_by(7).map(|y| y as u16) {
                        assert_eq!(lists.find(x, y), searched(y), "{x} {y}");
                    }
                }
            }
            assert!(bitmaps > 100);
        }
    }
}
