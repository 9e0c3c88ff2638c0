//! OpenCC's conversion algorithm over OpenCC's own dictionaries (`data/opencc/`, Apache-2.0,
//! embedded with `include_str!`).
//!
//! A configuration (OpenCC's `config/*.json`) is a normalisation step, an optional
//! segmentation and a chain of conversion steps. Each step is a dictionary group; a group either
//! takes the first of its dictionaries that matches (`short_circuit`) or the longest match of all
//! of them (`union`). A step converts a text by maximum forward matching: at each position the
//! longest key that the group matches is replaced by its first value, and a character no key
//! starts with is copied (an ideographic description sequence, `⿰木东`, is copied whole). With a
//! segmentation (`mmseg`), the text is first cut by maximum forward matching over the
//! segmentation dictionary (each match one segment, each run of unmatched characters one
//! segment) and every segment goes through the chain on its own, so that a later step never
//! matches across the boundary of an earlier phrase.
//!
//! Dictionaries OpenCC generates at build time are generated here on first use, the same way:
//! `TWVariantsRev`, `HKVariantsRev` and `JPShinjitaiCharactersRev` (the tables reversed,
//! honouring `# @reverse-prefer`), `TSCharactersExt` (the `# @tofu-risk` forms, which OpenCC leaves out of
//! its configurations by default and only uses to generate the next one) and
//! `STPhrases_GeneratedFromRegionalPhrases` (the keys of `HKPhrases` and `TWPhrases` converted
//! with t2s, kept when at least 3 characters long).
//!
//! Every dictionary is parsed once per process, when a configuration first needs it.

use std::sync::OnceLock;

use ocrtidy_core::text::chars::is_compatibility_ideograph;
use rustc_hash::{FxHashMap, FxHashSet};

/// The dictionaries, by OpenCC's file names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DictId {
    CjkCompatibilityIdeographs,
    StCharacters,
    StPhrases,
    StPhrasesGenerated,
    TsCharacters,
    TsCharactersExt,
    TsPhrases,
    TwVariants,
    TwVariantsPhrases,
    TwVariantsRev,
    TwVariantsRevPhrases,
    HkVariants,
    HkVariantsPhrases,
    HkVariantsRev,
    HkVariantsRevPhrases,
    TwPhrases,
    TwPhrasesRev,
    HkPhrases,
    HkPhrasesRev,
    JpShinjitaiPhrases,
    JpShinjitaiCharacters,
    JpShinjitaiCharactersRev,
}

const DICT_COUNT: usize = 22;

macro_rules! opencc_data {
    ($name:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/opencc/",
            $name,
            ".txt"
        ))
    };
}

impl DictId {
    fn load(self) -> Leaf {
        use DictId::*;
        match self {
            CjkCompatibilityIdeographs => Leaf::parse(opencc_data!("CJK_Compatibility_Ideographs")),
            StCharacters => Leaf::parse(opencc_data!("STCharacters")),
            StPhrases => Leaf::parse(opencc_data!("STPhrases")),
            StPhrasesGenerated => Leaf::parse(leak(generate_st_phrases())),
            TsCharacters => Leaf::parse(opencc_data!("TSCharacters")),
            TsCharactersExt => Leaf::parse(leak(tofu_risk(opencc_data!("TSCharacters")))),
            TsPhrases => Leaf::parse(opencc_data!("TSPhrases")),
            TwVariants => Leaf::parse(opencc_data!("TWVariants")),
            TwVariantsPhrases => Leaf::parse(opencc_data!("TWVariantsPhrases")),
            TwVariantsRev => Leaf::parse(leak(reverse(opencc_data!("TWVariants")))),
            TwVariantsRevPhrases => Leaf::parse(opencc_data!("TWVariantsRevPhrases")),
            HkVariants => Leaf::parse(opencc_data!("HKVariants")),
            HkVariantsPhrases => Leaf::parse(opencc_data!("HKVariantsPhrases")),
            HkVariantsRev => Leaf::parse(leak(reverse(opencc_data!("HKVariants")))),
            HkVariantsRevPhrases => Leaf::parse(opencc_data!("HKVariantsRevPhrases")),
            TwPhrases => Leaf::parse(opencc_data!("TWPhrases")),
            TwPhrasesRev => Leaf::parse(opencc_data!("TWPhrasesRev")),
            HkPhrases => Leaf::parse(opencc_data!("HKPhrases")),
            HkPhrasesRev => Leaf::parse(opencc_data!("HKPhrasesRev")),
            JpShinjitaiPhrases => Leaf::parse(opencc_data!("JPShinjitaiPhrases")),
            JpShinjitaiCharacters => Leaf::parse(opencc_data!("JPShinjitaiCharacters")),
            JpShinjitaiCharactersRev => {
                Leaf::parse(leak(reverse(opencc_data!("JPShinjitaiCharacters"))))
            }
        }
    }

    /// The dictionary, parsed on first use.
    fn get(self) -> &'static Leaf {
        static DICTS: [OnceLock<Leaf>; DICT_COUNT] = [const { OnceLock::new() }; DICT_COUNT];
        DICTS[self as usize].get_or_init(|| self.load())
    }
}

/// A generated dictionary lives as long as the process, like the embedded ones.
fn leak(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// The entries of a dictionary file: key and values, in file order (comments and blank lines
/// skipped, as OpenCC's `TextDict` and its Python scripts do).
fn entries(text: &str) -> impl Iterator<Item = (&str, &str)> + '_ {
    text.lines().filter_map(|line| {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.starts_with('#') || line.trim().is_empty() {
            return None;
        }
        line.split_once('\t')
    })
}

/// OpenCC's `reverse.py`: every value becomes a key whose values are the keys it came from, in
/// file order, with the one named by `# @reverse-prefer: KEY [VALUE]` first.
fn reverse(text: &str) -> String {
    let mut order: Vec<&str> = Vec::new();
    let mut rev: FxHashMap<&str, Vec<&str>> = FxHashMap::default();
    for (key, values) in entries(text) {
        for v in values.split(' ') {
            rev.entry(v)
                .or_insert_with(|| {
                    order.push(v);
                    Vec::new()
                })
                .push(key);
        }
    }
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# @reverse-prefer:") {
            let fields: Vec<&str> = rest.split_whitespace().collect();
            let (Some(&key), Some(&preferred)) = (fields.first(), fields.last()) else {
                continue;
            };
            if let Some(values) = rev.get_mut(key) {
                if let Some(i) = values.iter().position(|&v| v == preferred) {
                    let v = values.remove(i);
                    values.insert(0, v);
                }
            }
        }
    }
    let mut out = String::new();
    for key in order {
        out.push_str(key);
        out.push('\t');
        out.push_str(&rev[key].join(" "));
        out.push('\n');
    }
    out
}

/// OpenCC's `extract_tofu_risk.py`: the entry after each `# @tofu-risk` line, without the key
/// among its own values.
fn tofu_risk(text: &str) -> String {
    let mut out = String::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if !line.starts_with("# @tofu-risk:") {
            continue;
        }
        let Some((key, values)) = lines.next().and_then(|l| l.split_once('\t')) else {
            continue;
        };
        let values: Vec<&str> = values.split_whitespace().filter(|&v| v != key).collect();
        if !values.is_empty() {
            out.push_str(key);
            out.push('\t');
            out.push_str(&values.join(" "));
            out.push('\n');
        }
    }
    out
}

/// OpenCC's `generate_st_phrases_from_regional_phrases.py`: the keys of `HKPhrases` and
/// `TWPhrases` converted to Simplified (t2s with the tofu-risk table, as OpenCC's build runs it),
/// each of at least 3 characters mapped to the first key it came from. Keeps a Simplified phrase
/// whole before the Simplified-to-Traditional step cuts it differently.
fn generate_st_phrases() -> String {
    let Some(t2s) = converter("t2s", true) else {
        // Only if the embedded configurations lost t2s: no generated phrases, no panic.
        debug_assert!(false, "t2s is an embedded configuration");
        return String::new();
    };
    let mut order: Vec<String> = Vec::new();
    let mut first: FxHashMap<String, &str> = FxHashMap::default();
    for text in [opencc_data!("HKPhrases"), opencc_data!("TWPhrases")] {
        for (key, _) in entries(text) {
            let converted = t2s.convert(key);
            if converted.chars().count() < 3 {
                continue;
            }
            if !first.contains_key(&converted) {
                first.insert(converted.clone(), key);
                order.push(converted);
            }
        }
    }
    let mut out = String::new();
    for key in order {
        out.push_str(&key);
        out.push('\t');
        out.push_str(first[&key]);
        out.push('\n');
    }
    out
}

/// What a dictionary knows about the keys that start with one character.
#[derive(Clone, Copy, Debug)]
struct Start {
    /// The length in characters of the longest key that starts with the character.
    longest: usize,
    /// The value of the one-character key, if there is one.
    single: Option<&'static str>,
}

/// One dictionary: its keys by first character, and its phrases (keys of several characters)
/// with every prefix of two characters or more of a phrase (`None` when the prefix is not a key
/// itself), so that matching walks forward and stops at the first prefix that no key has, like a
/// trie. A key listed twice keeps its first entry, and an entry's value is its first value
/// (OpenCC's default candidate).
///
/// Two tables make the common lookups cheap: the starts of BMP characters by code point, and a
/// bit per (hashed) pair of first two characters of a phrase, so that most positions are
/// settled without hashing a string or touching the large phrase table.
#[derive(Debug, Default)]
struct Leaf {
    starts: FxHashMap<char, Start>,
    phrases: FxHashMap<&'static str, Option<&'static str>>,
    /// `bmp[c]`: 1 + the index in `slots` of BMP character `c`'s start, 0 when no key starts
    /// with it, `u16::MAX` to look in `starts`. Small, so that its CJK part stays in cache.
    bmp: Box<[u16]>,
    slots: Vec<Slot>,
    /// The values of the one-character keys, by [`Slot::single`].
    singles: Vec<&'static str>,
    /// The pairs of first two characters of the phrases, hashed (see [`pair_bit`]).
    pairs: Box<[u64]>,
}

/// A [`Start`] in 8 bytes: the longest key's length in characters, and the index of the
/// one-character key's value in [`Leaf::singles`] (`u32::MAX`: none).
#[derive(Clone, Copy, Debug)]
struct Slot {
    longest: u32,
    single: u32,
}

/// Bits of the pair filter of a [`Leaf`] (64 KiB).
const PAIR_BITS: u32 = 19;

/// The bit of the pair filter for a phrase that starts with `a` then `b`.
#[inline]
fn pair_bit(a: char, b: char) -> usize {
    let h = (a as u32).wrapping_mul(0x9E37_79B1) ^ (b as u32).wrapping_mul(0x85EB_CA77);
    (h.rotate_left(13).wrapping_mul(0xC2B2_AE3D) >> (32 - PAIR_BITS)) as usize
}

/// Keys longer than this many characters are left out (OpenCC's longest is 15).
const MAX_KEY_CHARS: usize = 32;

impl Leaf {
    fn parse(text: &'static str) -> Leaf {
        use std::collections::hash_map::Entry;
        let mut leaf = Leaf::default();
        let entries: Vec<(&'static str, &'static str)> = entries(text).collect();
        // Room for the phrases and about as many prefixes.
        let phrases = entries.iter().filter(|(k, _)| k.chars().nth(1).is_some());
        leaf.phrases.reserve(2 * phrases.count());
        for (key, values) in entries {
            let mut chars = key.char_indices();
            let Some((_, c)) = chars.next() else {
                continue;
            };
            let n = key.chars().count();
            if n > MAX_KEY_CHARS {
                continue;
            }
            let value = values.split(' ').next().unwrap_or("");
            let start = leaf.starts.entry(c).or_insert(Start {
                longest: 0,
                single: None,
            });
            start.longest = start.longest.max(n);
            if n == 1 {
                if start.single.is_none() {
                    start.single = Some(value);
                }
                continue;
            }
            match leaf.phrases.entry(key) {
                Entry::Vacant(e) => {
                    e.insert(Some(value));
                }
                Entry::Occupied(mut e) => {
                    // A prefix of an earlier key, or a key listed twice (the first one stays).
                    if e.get().is_none() {
                        e.insert(Some(value));
                    }
                }
            }
            for (i, _) in chars.skip(1) {
                leaf.phrases.entry(&key[..i]).or_insert(None);
            }
        }
        leaf.bmp = vec![0; 0x10000].into_boxed_slice();
        for (&c, &start) in &leaf.starts {
            let Some(entry) = leaf.bmp.get_mut(c as usize) else {
                continue;
            };
            if leaf.slots.len() + 1 >= u16::MAX as usize {
                *entry = u16::MAX;
                continue;
            }
            let single = match start.single {
                Some(v) => {
                    leaf.singles.push(v);
                    leaf.singles.len() as u32 - 1
                }
                None => u32::MAX,
            };
            leaf.slots.push(Slot {
                longest: start.longest as u32,
                single,
            });
            *entry = leaf.slots.len() as u16;
        }
        leaf.pairs = vec![0; 1 << (PAIR_BITS - 6)].into_boxed_slice();
        for key in leaf.phrases.keys() {
            let mut chars = key.chars();
            if let (Some(a), Some(b)) = (chars.next(), chars.next()) {
                let bit = pair_bit(a, b);
                leaf.pairs[bit >> 6] |= 1 << (bit & 63);
            }
        }
        leaf
    }

    #[inline]
    fn start(&self, c: char) -> Option<Start> {
        match self.bmp.get(c as usize) {
            Some(0) => None,
            Some(&u16::MAX) | None => self.starts.get(&c).copied(),
            Some(&i) => self.slots.get(i as usize - 1).map(|slot| Start {
                longest: slot.longest as usize,
                single: self.singles.get(slot.single as usize).copied(),
            }),
        }
    }

    /// The longest key that the text of `ends` starts with (its first character is `c`): the
    /// key's length in bytes and its value.
    fn longest(&self, c: char, ends: &mut Ends<'_>) -> Option<(usize, &'static str)> {
        let start = self.start(c)?;
        let mut best = start.single.map(|v| (c.len_utf8(), v));
        for n in 2..=start.longest {
            let Some(end) = ends.get(n) else {
                break;
            };
            if n == 2 {
                let second = ends.s[c.len_utf8()..end].chars().next().unwrap_or_default();
                let bit = pair_bit(c, second);
                if self
                    .pairs
                    .get(bit >> 6)
                    .is_none_or(|w| w & (1 << (bit & 63)) == 0)
                {
                    break;
                }
            }
            match self.phrases.get(&ends.s[..end]) {
                None => break,
                Some(Some(v)) => best = Some((end, v)),
                Some(None) => {}
            }
        }
        best
    }

    fn first_chars(&self, into: &mut Starts) {
        for &c in self.starts.keys() {
            into.insert(c);
        }
    }
}

/// The char boundaries of the start of a text, computed as far as a match needs them.
struct Ends<'a> {
    s: &'a str,
    /// `ends[k]`: byte length of the first `k + 1` characters.
    ends: [usize; MAX_KEY_CHARS],
    known: usize,
    done: bool,
}

impl<'a> Ends<'a> {
    fn new(s: &'a str) -> Self {
        Ends {
            s,
            ends: [0; MAX_KEY_CHARS],
            known: 0,
            done: false,
        }
    }

    /// The same for the text `s`, reusing the array (a scan makes one per position).
    fn reset(&mut self, s: &'a str) {
        self.s = s;
        self.known = 0;
        self.done = false;
    }

    /// The byte length of the first `n` characters, if `s` has that many.
    fn get(&mut self, n: usize) -> Option<usize> {
        debug_assert!((1..=MAX_KEY_CHARS).contains(&n));
        while self.known < n && !self.done {
            let from = if self.known == 0 {
                0
            } else {
                self.ends[self.known - 1]
            };
            match self.s[from..].chars().next() {
                Some(c) => {
                    self.ends[self.known] = from + c.len_utf8();
                    self.known += 1;
                }
                None => self.done = true,
            }
        }
        (n <= self.known).then(|| self.ends[n - 1])
    }
}

/// A dictionary group.
#[derive(Clone, Debug)]
enum Node {
    Leaf(DictId),
    /// `short_circuit`: the first member that matches at all.
    First(Vec<Node>),
    /// `union`: the longest match of all members (the earlier member on a tie).
    Union(Vec<Node>),
}

/// A node with its dictionaries loaded.
#[derive(Debug)]
enum Group {
    Leaf(&'static Leaf),
    First(Vec<Group>),
    Union(Vec<Group>),
}

impl Node {
    fn build(&self) -> Group {
        match self {
            Node::Leaf(id) => Group::Leaf(id.get()),
            Node::First(v) => Group::First(v.iter().map(Node::build).collect()),
            Node::Union(v) => Group::Union(v.iter().map(Node::build).collect()),
        }
    }
}

impl Group {
    fn longest(&self, c: char, ends: &mut Ends<'_>) -> Option<(usize, &'static str)> {
        match self {
            Group::Leaf(leaf) => leaf.longest(c, ends),
            Group::First(members) => members.iter().find_map(|m| m.longest(c, ends)),
            Group::Union(members) => {
                let mut best: Option<(usize, &'static str)> = None;
                for m in members {
                    if let Some(found) = m.longest(c, ends) {
                        if best.is_none_or(|b| found.0 > b.0) {
                            best = Some(found);
                        }
                    }
                }
                best
            }
        }
    }

    fn first_chars(&self, into: &mut Starts) {
        match self {
            Group::Leaf(leaf) => leaf.first_chars(into),
            Group::First(v) | Group::Union(v) => v.iter().for_each(|g| g.first_chars(into)),
        }
    }
}

/// The characters that start a key of a group: a bit per BMP character, a set above.
struct Starts {
    bmp: Box<[u64; 1024]>,
    astral: FxHashSet<char>,
}

impl Starts {
    fn new() -> Self {
        Starts {
            bmp: Box::new([0; 1024]),
            astral: FxHashSet::default(),
        }
    }

    fn insert(&mut self, c: char) {
        let u = c as usize;
        if u < 0x10000 {
            self.bmp[u >> 6] |= 1 << (u & 63);
        } else {
            self.astral.insert(c);
        }
    }

    #[inline]
    fn contains(&self, c: char) -> bool {
        let u = c as usize;
        if u < 0x10000 {
            self.bmp[u >> 6] & (1 << (u & 63)) != 0
        } else {
            self.astral.contains(&c)
        }
    }
}

/// One dictionary group ready to match: the group and the characters its keys start with.
struct Step {
    group: Group,
    starts: Starts,
}

impl Step {
    fn new(node: &Node) -> Step {
        let group = node.build();
        let mut starts = Starts::new();
        group.first_chars(&mut starts);
        // Ideographic description operators stop every unmatched run (`⿰木东` is kept whole).
        for c in '\u{2ff0}'..='\u{2fff}' {
            starts.insert(c);
        }
        Step { group, starts }
    }

    /// Calls `matched(range, Some(value))` for every key found in `text` by maximum forward
    /// matching and `matched(range, None)` for every run of text in between (both in order, and
    /// together covering `text`).
    fn scan<'t>(&self, text: &'t str, mut matched: impl FnMut(&'t str, Option<&'static str>)) {
        let bytes = text.as_bytes();
        let mut run = 0; // start of the pending unmatched run
        let mut i = 0;
        let mut ends = Ends::new(text);
        while i < text.len() {
            // ASCII: no key of OpenCC's starts with it; skip the whole run at once.
            if bytes[i] < 0x80 && !self.starts.contains(bytes[i] as char) {
                i += 1;
                continue;
            }
            let c = text[i..].chars().next().unwrap_or_default();
            let len = c.len_utf8();
            if !self.starts.contains(c) {
                i += len;
                continue;
            }
            ends.reset(&text[i..]);
            if let Some((key_len, value)) = self.group.longest(c, &mut ends) {
                if run < i {
                    matched(&text[run..i], None);
                }
                matched(&text[i..i + key_len], Some(value));
                i += key_len;
                run = i;
            } else {
                i += ids_len(&text[i..]).unwrap_or(len);
            }
        }
        if run < text.len() {
            matched(&text[run..], None);
        }
    }

    /// Converts `text`, appending to `out`.
    fn convert_into(&self, text: &str, out: &mut String) {
        self.scan(text, |s, value| out.push_str(value.unwrap_or(s)));
    }
}

/// The length of the complete ideographic description sequence `s` starts with (an operator and
/// its operands, recursively), as OpenCC's `NextIdeographicDescriptionSequenceLength`.
fn ids_len(s: &str) -> Option<usize> {
    fn arity(c: char) -> usize {
        match c {
            '\u{2ff2}' | '\u{2ff3}' => 3,
            '\u{2ffe}' | '\u{2fff}' => 1,
            '\u{2ff0}'..='\u{2ffd}' => 2,
            _ => 0,
        }
    }
    fn consume(s: &str, depth: usize, count: &mut usize) -> Option<usize> {
        if depth == 0 || *count >= 64 {
            return None;
        }
        let c = s.chars().next()?;
        *count += 1;
        let mut at = c.len_utf8();
        for _ in 0..arity(c) {
            at += consume(&s[at..], depth - 1, count)?;
        }
        Some(at)
    }
    let c = s.chars().next()?;
    if arity(c) == 0 {
        return None;
    }
    consume(s, 16, &mut 0)
}

/// Whether `text` holds a CJK compatibility ideograph, found by its UTF-8 lead bytes: U+F900 to
/// U+FAFF are `EF A4`..`EF AB`, U+2F800 to U+2FA1F are `F0 AF A0`..`F0 AF A8`.
fn has_compatibility_ideograph(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr2_iter(0xEF, 0xF0, bytes).any(|i| {
        let next = bytes.get(i + 1).copied().unwrap_or(0);
        let candidate = if bytes[i] == 0xEF {
            (0xA4..=0xAB).contains(&next)
        } else {
            next == 0xAF
        };
        candidate
            && text
                .get(i..)
                .and_then(|t| t.chars().next())
                .is_some_and(is_compatibility_ideograph)
    })
}

/// A configuration: segmentation and conversion chain (the normalisation step is the same for
/// every configuration).
struct Config {
    segmentation: Option<Node>,
    chain: Vec<Node>,
}

impl Config {
    fn build(&self) -> Converter {
        Converter {
            normalization: Step::new(&Node::Leaf(DictId::CjkCompatibilityIdeographs)),
            segmentation: self.segmentation.as_ref().map(Step::new),
            chain: self.chain.iter().map(Step::new).collect(),
        }
    }
}

/// A loaded OpenCC configuration.
pub(crate) struct Converter {
    normalization: Step,
    segmentation: Option<Step>,
    chain: Vec<Step>,
}

impl std::fmt::Debug for Converter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Converter")
            .field("steps", &self.chain.len())
            .field("segmented", &self.segmentation.is_some())
            .finish()
    }
}

/// OpenCC's configurations by name, as in its `config/*.json`. The dictionaries marked
/// `may_output_tofu` (rare Simplified forms that common fonts cannot show) are left out unless
/// `include_tofu` is set, as OpenCC does by default (`--include-tofu-risk-dictionaries`).
pub(crate) fn converter(name: &str, include_tofu: bool) -> Option<Converter> {
    use DictId::*;
    use Node::{First, Leaf as L, Union};
    let st_phrases = || Union(vec![L(StPhrases), L(StPhrasesGenerated)]);
    let st = || First(vec![st_phrases(), L(StCharacters)]);
    let ts = || {
        let mut dicts = vec![L(TsPhrases), L(TsCharacters)];
        if include_tofu {
            dicts.insert(1, L(TsCharactersExt));
        }
        First(dicts)
    };
    let config = match name {
        "t2s" => Config {
            segmentation: None,
            chain: vec![ts()],
        },
        "s2t" => Config {
            segmentation: None,
            chain: vec![st()],
        },
        "s2tw" => Config {
            segmentation: Some(st_phrases()),
            chain: vec![st(), First(vec![L(TwVariantsPhrases), L(TwVariants)])],
        },
        "tw2s" => Config {
            segmentation: Some(L(TsPhrases)),
            chain: vec![First(vec![L(TwVariantsRevPhrases), L(TwVariantsRev)]), ts()],
        },
        "s2hk" => Config {
            segmentation: Some(st_phrases()),
            chain: vec![st(), First(vec![L(HkVariantsPhrases), L(HkVariants)])],
        },
        "hk2s" => Config {
            segmentation: Some(L(TsPhrases)),
            chain: vec![First(vec![L(HkVariantsRevPhrases), L(HkVariantsRev)]), ts()],
        },
        "t2tw" => Config {
            segmentation: None,
            chain: vec![First(vec![L(TwVariantsPhrases), L(TwVariants)])],
        },
        "s2twp" => Config {
            segmentation: Some(st_phrases()),
            chain: vec![
                st(),
                First(vec![L(TwPhrases), L(TwVariantsPhrases), L(TwVariants)]),
            ],
        },
        "tw2sp" => Config {
            segmentation: Some(L(TsPhrases)),
            chain: vec![
                First(vec![
                    L(TwPhrasesRev),
                    L(TwVariantsRevPhrases),
                    L(TwVariantsRev),
                ]),
                ts(),
            ],
        },
        "tw2t" => Config {
            segmentation: None,
            chain: vec![First(vec![L(TwVariantsRevPhrases), L(TwVariantsRev)])],
        },
        "s2hkp" => Config {
            segmentation: Some(st_phrases()),
            chain: vec![
                st(),
                First(vec![L(HkPhrases), L(HkVariantsPhrases), L(HkVariants)]),
            ],
        },
        "hk2sp" => Config {
            segmentation: Some(L(TsPhrases)),
            chain: vec![
                First(vec![
                    L(HkPhrasesRev),
                    L(HkVariantsRevPhrases),
                    L(HkVariantsRev),
                ]),
                ts(),
            ],
        },
        "hk2t" => Config {
            segmentation: None,
            chain: vec![First(vec![L(HkVariantsRevPhrases), L(HkVariantsRev)])],
        },
        "t2hk" => Config {
            segmentation: None,
            chain: vec![First(vec![L(HkVariantsPhrases), L(HkVariants)])],
        },
        "jp2t" => Config {
            segmentation: None,
            chain: vec![First(vec![L(JpShinjitaiPhrases), L(JpShinjitaiCharacters)])],
        },
        "t2jp" => Config {
            segmentation: None,
            chain: vec![L(JpShinjitaiCharactersRev)],
        },
        _ => return None,
    };
    Some(config.build())
}

impl Converter {
    /// Converts `text` as OpenCC does.
    pub(crate) fn convert(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + text.len() / 4);
        self.convert_into(text, &mut out);
        out
    }

    /// Converts `text` as OpenCC does, appending the result to `out`.
    pub(crate) fn convert_into(&self, text: &str, out: &mut String) {
        let mut normalized = String::new();
        let text = if has_compatibility_ideograph(text) {
            self.normalization.convert_into(text, &mut normalized);
            normalized.as_str()
        } else {
            text
        };
        match &self.segmentation {
            None => self.convert_segment(text, out, &mut Vec::new()),
            Some(seg) => {
                let mut scratch = Vec::new();
                seg.scan(text, |s, _| self.convert_segment(s, out, &mut scratch));
            }
        }
    }

    /// Runs one segment through the chain, appending to `out`.
    fn convert_segment(&self, segment: &str, out: &mut String, scratch: &mut Vec<String>) {
        let Some((last, first)) = self.chain.split_last() else {
            out.push_str(segment);
            return;
        };
        if first.is_empty() {
            last.convert_into(segment, out);
            return;
        }
        scratch.resize_with(2, String::new);
        let (a, b) = scratch.split_at_mut(1);
        let (mut cur, mut next) = (&mut a[0], &mut b[0]);
        cur.clear();
        cur.push_str(segment);
        for step in first {
            next.clear();
            step.convert_into(cur, next);
            std::mem::swap(&mut cur, &mut next);
        }
        last.convert_into(cur, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_sequences() {
        assert_eq!(ids_len("⿰木东x"), Some("⿰木东".len()));
        assert_eq!(ids_len("⿱⿰木木东x"), Some("⿱⿰木木东".len()));
        assert_eq!(ids_len("⿰木"), None);
        assert_eq!(ids_len("木"), None);
    }

    #[test]
    fn reverse_prefers() {
        let text = "# @reverse-prefer: 么 幺\n幺\t么\n麼\t麼 么\n";
        let r = reverse(text);
        assert!(r.contains("么\t幺 麼\n"), "{r}");
        assert!(r.contains("麼\t麼\n"), "{r}");
    }

    #[test]
    fn every_dictionary_parses() {
        for id in [
            DictId::CjkCompatibilityIdeographs,
            DictId::StCharacters,
            DictId::StPhrases,
            DictId::StPhrasesGenerated,
            DictId::TsCharacters,
            DictId::TsCharactersExt,
            DictId::TsPhrases,
            DictId::TwVariants,
            DictId::TwVariantsPhrases,
            DictId::TwVariantsRev,
            DictId::TwVariantsRevPhrases,
            DictId::HkVariants,
            DictId::HkVariantsPhrases,
            DictId::HkVariantsRev,
            DictId::HkVariantsRevPhrases,
            DictId::TwPhrases,
            DictId::TwPhrasesRev,
            DictId::HkPhrases,
            DictId::HkPhrasesRev,
            DictId::JpShinjitaiPhrases,
            DictId::JpShinjitaiCharacters,
            DictId::JpShinjitaiCharactersRev,
        ] {
            assert!(!id.get().starts.is_empty(), "{id:?} is empty");
        }
    }

    #[test]
    fn compatibility_ideographs_found_by_their_bytes() {
        for c in [
            '\u{F8FF}',
            '\u{F900}',
            '\u{FA0E}',
            '\u{FAFF}',
            '\u{FB00}',
            '\u{FF0C}',
            '\u{2F7FF}',
            '\u{2F800}',
            '\u{2FA1F}',
            '\u{2FA20}',
            '\u{2A6D6}',
            '東',
            'a',
        ] {
            let text = format!("中{c}文");
            assert_eq!(
                has_compatibility_ideograph(&text),
                text.chars().any(is_compatibility_ideograph),
                "{c:?}"
            );
        }
    }

    #[test]
    fn conversions() {
        let t2s = converter("t2s", false).unwrap();
        assert_eq!(t2s.convert("開放中文轉換 ⿰木東"), "开放中文转换 ⿰木東");
        let s2t = converter("s2t", false).unwrap();
        assert_eq!(s2t.convert("于飞"), "于飛");
        assert!(converter("x2y", false).is_none());
    }

    /// The three OpenCC test cases that expect the tofu-risk forms (OpenCC runs its test cases
    /// with `--include-tofu-risk-dictionaries`; its default, and ours, leaves them out).
    #[test]
    fn tofu_risk_forms_only_when_included() {
        let cases = [
            ("殢 殢云尤雨 𣨼 𣨼云尤雨", "𣨼 𣨼云尤雨 𣨼 𣨼云尤雨"),
            (
                "剔团𪢮月儿初淡 剔團圞月兒初淡",
                "剔团𪢮月儿初淡 剔团𪢮月儿初淡",
            ),
            ("樠谿", "𣗊溪"),
        ];
        let with = converter("t2s", true).unwrap();
        let without = converter("t2s", false).unwrap();
        for (input, want) in cases {
            assert_eq!(with.convert(input), want);
            assert_ne!(without.convert(input), want);
        }
    }
}
