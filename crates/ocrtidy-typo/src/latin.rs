//! Latin-script correction by document evidence: the words that recur in the same document are
//! the dictionary (Debian docs and manuals are full of terms no general word list has).
//!
//! - OCR-typical edits (`1`→`l`/`i`/`I`, `0`→`o`/`O`, `5`→`s`/`S`, `rn`→`m`, `cl`→`d`,
//!   `vv`→`w`, `l1`→`h`): a token that becomes a recurring document word by such edits is corrected
//!   (`tl1e` → `the`, `Deb1an` → `Debian`). Rule `typo-latin-ocr`.
//! - Words glued by OCR (`DebianEdu`, `TheFreeSoftwareHerald`): a CamelCase token seen once whose
//!   parts all recur on their own is split. Rule `typo-latin-split`.
//! - Other unknown words one edit away from a recurring word are suggested (confidence 0.5),
//!   found with a symmetric-delete index (SymSpell). Rule `typo-latin`.
//!
//! Next to the document evidence, an English word list with frequencies (SymSpell's
//! `frequency_dictionary_en_82_765.txt`, MIT, embedded and parsed on first use) is the general
//! dictionary, used conservatively:
//! - a token that no dictionary knows and that recurs nowhere becomes a frequent dictionary word
//!   by OCR-typical edits: applied when a digit stood for a letter inside the word (`tl1e` →
//!   `the`, `0pen` → `open`), suggested for letter-only edits (`rnodern` → `modern`) unless the
//!   word is frequent and unambiguous, or the token a lowercase word of seven letters or
//!   more (`rnistakes` → `mistakes`). Rule `typo-latin-ocr`.
//! - a token whose digits stand for letters (`tl1e`) is corrected wherever it recurs: OCR
//!   misreads the same glyph the same way, so its recurrence is no evidence of a word. So is a
//!   recurring letter token that no dictionary knows when one occurrence would be corrected
//!   (applied) by an OCR-typical edit or a look-alike letter (`rnust`, `cornrnittee`,
//!   `availabie` twice); other recurring unknown words (`passwd`, `preseed`) are terms.
//! - glued words: a CamelCase token of dictionary words with a function word among them, not
//!   last (`TheFreeSoftwareHerald`, `theUnited`; not `LibreOffice`, `DuckDuckGo`, `HowTo`), and
//!   an unknown lowercase token that splits into as few frequent words as possible, one of them
//!   a function word (`thenumberof`, `anddistribute`; not `username`, `modprobe`). Rule
//!   `typo-latin-split`.
//! - an unknown word of five letters or more one edit away from a dictionary word: applied when
//!   the edit is a look-alike letter (`availabie`, `contfol`) or an extra `i` inside the word
//!   (`wouild`, `examiple`: a speck between two letters; rule `typo-latin-ocr`), suggested
//!   otherwise (rule `typo-latin`).
//!
//! Each fix has a confidence and says whether its rules allow applying it at all
//! ([`LatinFix::may_apply`]: not when another reading competes or the token recurs, unless its
//! digits stand for letters or it is a recurring misread as above); it is
//! applied when they do and its confidence reaches the threshold, [`LATIN_THRESHOLD`] by default
//! (which reproduces the rules' own decisions), or the threshold given to the pass.

use rustc_hash::FxHashMap as FxMap;

/// The embedded English word list: `word frequency` lines, lowercase, sorted by byte order.
static EN_WORDS: &str = include_str!("../../../data/lexicon/en-frequency-symspell.txt");

/// The embedded English word bigrams: `word word frequency` lines, lowercase, sorted by byte
/// order (SymSpell's 242,342 most frequent bigrams, each seen at least 6.4 million times).
static EN_BIGRAMS: &str = include_str!("../../../data/lexicon/en-bigrams-symspell.txt");

/// The frequency of a word in the English word list (any case), 0 when unknown: a lookup in
/// a hash index of the embedded text's lines (see `EnglishIndex`), built on first use.
pub fn english_freq(word: &str) -> u64 {
    if word.is_empty() || word.len() > 64 {
        return 0;
    }
    let mut buf = [0u8; 64];
    let key = &mut buf[..word.len()];
    key.copy_from_slice(word.as_bytes());
    key.make_ascii_lowercase();
    english_index().freq(key)
}

/// How often the two words follow each other in English text (any case; 0 when the bigram
/// list lacks them): a binary search of the embedded bigram lines (sorted) for a run's first
/// lookups, then a lookup in a hash index of them, built when a run asks more.
pub fn english_bigram(first: &str, second: &str) -> u64 {
    let n = first.len() + 1 + second.len();
    if first.is_empty() || second.is_empty() || n > 64 {
        return 0;
    }
    let mut buf = [0u8; 64];
    buf[..first.len()].copy_from_slice(first.as_bytes());
    buf[first.len()] = b' ';
    buf[first.len() + 1..n].copy_from_slice(second.as_bytes());
    let key = &mut buf[..n];
    key.make_ascii_lowercase();
    // The list is sorted: the first lookups of a run search it (some thousand instructions
    // each); only a run that asks more builds the hash index, which costs as much as tens of
    // thousands of them (most runs ask a few hundred).
    use std::sync::atomic::{AtomicUsize, Ordering};
    static INDEX: std::sync::OnceLock<EnglishIndex> = std::sync::OnceLock::new();
    static SEARCHED: AtomicUsize = AtomicUsize::new(0);
    if let Some(index) = INDEX.get() {
        return index.freq(key);
    }
    if SEARCHED.fetch_add(1, Ordering::Relaxed) < BIGRAM_SEARCHES {
        return sorted_freq(EN_BIGRAMS, 1, key);
    }
    INDEX
        .get_or_init(|| EnglishIndex::build(EN_BIGRAMS, 2))
        .freq(key)
}

/// Bigram lookups a run answers by binary search before it builds the bigram index.
const BIGRAM_SEARCHES: usize = 4096;

/// The frequency of `key` (lowercase, with `spaces` spaces) in an embedded list whose lines
/// are sorted by their keys (byte order), 0 when the list does not have it: a binary search
/// over the text, each step at the line around the middle of the range. It finds what
/// [`EnglishIndex::freq`] finds (a unit test checks the order of the lists).
fn sorted_freq(list: &str, spaces: usize, key: &[u8]) -> u64 {
    if key.is_empty()
        || key.contains(&b'\n')
        || key.iter().filter(|&&b| b == b' ').count() != spaces
    {
        return 0;
    }
    let text = list.as_bytes();
    // `lo` is the start of a line, `hi` the start of a line or the end of the text.
    let (mut lo, mut hi) = (0, text.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let start = text[lo..mid]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(lo, |p| lo + p + 1);
        // The line's key: up to its space after `spaces` of them, or to its end.
        let (mut end, mut seen) = (start, 0);
        while end < text.len() && text[end] != b'\n' {
            if text[end] == b' ' {
                if seen == spaces {
                    break;
                }
                seen += 1;
            }
            end += 1;
        }
        match text[start..end].cmp(key) {
            std::cmp::Ordering::Equal => {
                return if text.get(end) == Some(&b' ') {
                    parse_freq(&text[end..])
                } else {
                    0
                };
            }
            std::cmp::Ordering::Less => {
                lo = text[end..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(text.len(), |p| end + p + 1);
            }
            std::cmp::Ordering::Greater => hi = start,
        }
    }
    0
}

/// FNV-1a with a final mix: the hash of a word for [`EnglishIndex`].
#[inline]
fn word_hash(word: &[u8]) -> u64 {
    fnv_finish(word.iter().fold(FNV_OFFSET, |h, &b| fnv_step(h, b)))
}

/// The start of [`word_hash`].
const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// [`word_hash`] of a word's bytes so far, then `b`.
#[inline]
fn fnv_step(h: u64, b: u8) -> u64 {
    (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
}

/// [`word_hash`]'s final mix.
#[inline]
fn fnv_finish(h: u64) -> u64 {
    (h ^ (h >> 29)).wrapping_mul(0xbf58_476d_1ce4_e5b9)
}

/// An open-addressing hash index over the lines of an embedded list (the English words, or
/// their bigrams): slot → 1 + the offset of a line (0 marks an empty slot), probed linearly. A
/// line's key is its first `fields` space-separated fields, its value the next one. The keys
/// are unique and lowercase, so a lookup finds the one line whose key is asked.
struct EnglishIndex {
    text: &'static str,
    /// Spaces in a key: its fields minus one.
    spaces: usize,
    slots: Vec<u32>,
    /// Slot of a hash: its top bits.
    shift: u32,
}

impl EnglishIndex {
    fn build(list: &'static str, fields: usize) -> EnglishIndex {
        let text = list.as_bytes();
        let lines = count_line_breaks(text) + 1;
        let n = (lines * 2).next_power_of_two();
        let mut index = EnglishIndex {
            text: list,
            spaces: fields - 1,
            slots: vec![0; n],
            shift: 64 - n.trailing_zeros(),
        };
        let mask = n - 1;
        if fields == 1 {
            // The key is the first field.
            for (start, first, _) in list_lines(text) {
                if first > start {
                    let mut slot = (word_hash(&text[start..first]) >> index.shift) as usize;
                    while index.slots[slot] != 0 {
                        slot = (slot + 1) & mask;
                    }
                    index.slots[slot] = start as u32 + 1;
                }
            }
            return index;
        }
        let mut i = 0;
        while i < text.len() {
            let start = i;
            // The key, hashed as it is read: its fields, up to the space after the last (or the
            // line's end, if the line has fewer).
            let (mut h, mut spaces) = (FNV_OFFSET, 0);
            while let Some(&b) = text.get(i) {
                if b == b'\n' || (b == b' ' && spaces + 1 == fields) {
                    break;
                }
                spaces += usize::from(b == b' ');
                h = fnv_step(h, b);
                i += 1;
            }
            if i > start {
                let mut slot = (fnv_finish(h) >> index.shift) as usize;
                while index.slots[slot] != 0 {
                    slot = (slot + 1) & mask;
                }
                index.slots[slot] = start as u32 + 1;
            }
            while i < text.len() && text[i] != b'\n' {
                i += 1;
            }
            i += 1;
        }
        index
    }

    /// The frequency of `key` (lowercase), 0 when the list does not have it.
    fn freq(&self, key: &[u8]) -> u64 {
        // A key has no line break, and as many spaces as the list's keys.
        if key.is_empty()
            || key.contains(&b'\n')
            || key.iter().filter(|&&b| b == b' ').count() != self.spaces
        {
            return 0;
        }
        let text = self.text.as_bytes();
        let mask = self.slots.len() - 1;
        let mut slot = (word_hash(key) >> self.shift) as usize;
        loop {
            let at = self.slots[slot] as usize;
            if at == 0 {
                return 0;
            }
            let start = at - 1;
            let end = start + key.len();
            if text.get(start..end) == Some(key) && text.get(end) == Some(&b' ') {
                return parse_freq(&text[end..]);
            }
            slot = (slot + 1) & mask;
        }
    }
}

/// The frequency at the start of `rest` (a line's rest from the space before its frequency
/// on): the number its text up to the line break is, trimmed; 0 when it is none. The lists
/// hold plain digits, read here without building a string; anything else takes the general
/// way.
#[inline]
fn parse_freq(rest: &[u8]) -> u64 {
    let digits = rest.get(1..).unwrap_or_default();
    let mut n = 0u64;
    for (i, &b) in digits.iter().enumerate() {
        if b == b'\n' && (1..=19).contains(&i) {
            return n;
        }
        if !b.is_ascii_digit() || i >= 19 {
            break;
        }
        n = n * 10 + u64::from(b - b'0');
    }
    // The last line, or no plain number: as `str::parse` reads the trimmed field.
    let stop = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
    std::str::from_utf8(&rest[..stop])
        .ok()
        .and_then(|f| f.trim().parse().ok())
        .unwrap_or(0)
}

/// The line breaks in `text`, counted eight bytes at a time: each byte that is one becomes 1 in
/// its byte of a sum (exactly: no carry crosses bytes), and the sums' bytes are added up before
/// any of them can overflow.
fn count_line_breaks(text: &[u8]) -> usize {
    let chunks = text.chunks_exact(8);
    let mut n = chunks.remainder().iter().filter(|&&b| b == b'\n').count();
    let (mut sums, mut held) = (0u64, 0);
    for c in chunks {
        let x = u64::from_le_bytes(c.try_into().unwrap_or_default()) ^ splat(b'\n');
        sums += zero_lanes(x) >> 7;
        held += 1;
        if held == 255 {
            n += byte_sum(sums);
            (sums, held) = (0, 0);
        }
    }
    n + byte_sum(sums)
}

/// The sum of the bytes of `w`.
fn byte_sum(w: u64) -> usize {
    let pairs = (w & 0x00ff_00ff_00ff_00ff) + ((w >> 8) & 0x00ff_00ff_00ff_00ff);
    (pairs.wrapping_mul(0x0001_0001_0001_0001) >> 48) as usize
}

fn english_index() -> &'static EnglishIndex {
    static INDEX: std::sync::OnceLock<EnglishIndex> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| EnglishIndex::build(EN_WORDS, 1))
}

/// A Bloom filter over the English word list (2^20 bits, two probes: about 2 % false
/// positives), built on first use by a near-miss search or a split, so that the hundreds of
/// spellings one edit away from an unknown word, and the substrings of a glued one, cost a
/// probe each rather than a lookup.
///
/// Its hash is a polynomial in the bytes ([`Poly`]): the hash of a spelling one edit away, or
/// of a substring, comes from the word's prefix hashes in a few operations, without building
/// the spelling or reading its bytes again.
struct WordFilter {
    bits: Vec<u64>,
    /// The number of bits minus one.
    mask: u64,
}

impl WordFilter {
    const BITS: u32 = 20;

    /// An empty filter of `2^log2` bits.
    fn new(log2: u32) -> WordFilter {
        WordFilter {
            bits: vec![0; 1 << (log2 - 6)],
            mask: (1 << log2) - 1,
        }
    }

    /// Adds the word of `len` bytes whose polynomial hash is `poly`.
    fn insert(&mut self, poly: u64, len: usize) {
        let (a, b) = self.probes(poly, len);
        self.bits[a / 64] |= 1 << (a % 64);
        self.bits[b / 64] |= 1 << (b % 64);
    }

    /// The two bits of a word of `len` bytes whose polynomial hash is `poly`.
    #[inline]
    fn probes(&self, poly: u64, len: usize) -> (usize, usize) {
        let z = poly_mix(poly, len);
        ((z & self.mask) as usize, ((z >> 32) & self.mask) as usize)
    }

    /// False when the word of `len` bytes whose polynomial hash is `poly` is certainly not in
    /// the list.
    #[inline]
    fn may_contain(&self, poly: u64, len: usize) -> bool {
        let (a, b) = self.probes(poly, len);
        self.bits[a / 64] & (1 << (a % 64)) != 0 && self.bits[b / 64] & (1 << (b % 64)) != 0
    }
}

/// The polynomial hash of a spelling of `len` bytes, mixed with its length by splitmix64's
/// finaliser: every bit of the polynomial reaches every bit of the result.
#[inline]
fn poly_mix(poly: u64, len: usize) -> u64 {
    let mut z = poly ^ (len as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The multiplier of [`Poly`] (odd, so that no power of it is zero mod 2^64).
const POLY_BASE: u64 = 0x100_0000_01b3;

/// Prefix hashes of a word for [`WordFilter`]: `pre[i]` is the hash of its first `i` bytes,
/// so that with the powers of the base ([`POLY_POW`]) the hash of any concatenation of pieces of
/// the word and single bytes is a few multiplications (`hash(xy) = hash(x) * base^|y| +
/// hash(y)`). Held in an array (a word of at most [`Poly::MAX`] bytes), not allocated: a
/// near-miss search makes one for each unknown word.
struct Poly {
    pre: [u64; Poly::MAX + 1],
}

/// `POLY_POW[k]`: the base of [`Poly`] to the `k` (up to an insertion's suffix, one byte more
/// than the longest word), computed at compile time.
static POLY_POW: [u64; Poly::MAX + 2] = {
    let mut pow = [1u64; Poly::MAX + 2];
    let mut k = 1;
    while k < pow.len() {
        pow[k] = pow[k - 1].wrapping_mul(POLY_BASE);
        k += 1;
    }
    pow
};

impl Poly {
    /// The longest word: the searches ask about words of 40 bytes or fewer, and the English
    /// word list's longest has 28 (a unit test checks).
    const MAX: usize = 40;

    /// The prefix hashes of `word` (at most [`Poly::MAX`] bytes).
    #[inline]
    fn new(word: &[u8]) -> Poly {
        assert!(word.len() <= Poly::MAX, "a word of {} bytes", word.len());
        let mut pre = [0; Poly::MAX + 1];
        let mut h = 0u64;
        for (i, &b) in word.iter().enumerate() {
            h = poly_push(h, b);
            pre[i + 1] = h;
        }
        Poly { pre }
    }

    /// The hash of the bytes `i..j` of the word.
    #[inline]
    fn range(&self, i: usize, j: usize) -> u64 {
        self.pre[j].wrapping_sub(self.pre[i].wrapping_mul(POLY_POW[j - i]))
    }

    /// The hash of `head` followed by the bytes `i..j` of the word.
    #[inline]
    fn then(&self, head: u64, i: usize, j: usize) -> u64 {
        head.wrapping_mul(POLY_POW[j - i])
            .wrapping_add(self.range(i, j))
    }
}

/// The hash of `head` followed by the byte `b`.
#[inline]
fn poly_push(head: u64, b: u8) -> u64 {
    head.wrapping_mul(POLY_BASE).wrapping_add(u64::from(b))
}

fn english_filter() -> &'static WordFilter {
    static FILTER: std::sync::OnceLock<WordFilter> = std::sync::OnceLock::new();
    FILTER.get_or_init(|| {
        let mut f = WordFilter::new(WordFilter::BITS);
        // One pass over the text: hash each line's word, skip its frequency.
        let text = EN_WORDS.as_bytes();
        for (start, first, _) in list_lines(text) {
            let h = text[start..first].iter().fold(0, |h, &b| poly_push(h, b));
            f.insert(h, first - start);
        }
        f
    })
}

/// A Bloom filter over SymSpell's keys of the frequent dictionary words ([`DICT_MIN_FREQ`] or
/// more, the only targets of [`dictionary_near_miss`]): each word and its one-letter deletions
/// (2^22 bits for some 200,000 keys). A word one edit (insertion, deletion, substitution,
/// transposition) from a frequent word shares a key with it, so a token none of whose keys
/// passes has no near miss, and its hundreds of spellings one edit away are not tried.
fn near_miss_filter() -> &'static WordFilter {
    static FILTER: std::sync::OnceLock<WordFilter> = std::sync::OnceLock::new();
    FILTER.get_or_init(|| {
        let mut f = WordFilter::new(22);
        // One pass over the text: each line's word up to its first space, and the frequency
        // after it read as `EnglishIndex::freq` reads it; a line without a space has neither.
        let text = EN_WORDS.as_bytes();
        for (start, first, end) in list_lines(text) {
            let word = &text[start..first];
            // The frequency field from the space on (empty when the line has none): a plain
            // number of seven digits or more (no leading zero) is at least `DICT_MIN_FREQ`, one
            // of fewer is below it; anything else is parsed.
            let field = &text[first..end];
            let digits = field.len().saturating_sub(1);
            let plain =
                digits >= 1 && field[1] != b'0' && field[1..].iter().all(u8::is_ascii_digit);
            let frequent = if plain && digits <= 19 {
                digits >= DICT_MIN_DIGITS
            } else {
                !field.is_empty() && parse_freq(field) >= DICT_MIN_FREQ
            };
            if frequent {
                let (poly, n) = (Poly::new(word), word.len());
                f.insert(poly.pre[n], n);
                for i in 0..n {
                    f.insert(poly.then(poly.pre[i], i + 1, n), n - 1);
                }
            }
        }
        f
    })
}

/// The lines of an embedded list: `(start, first, end)`, where the line starts, where its
/// first field ends (its first space, or its end), and where it ends (its line break, or the
/// end of the text). The spaces and line breaks are found eight bytes at a time.
fn list_lines(text: &[u8]) -> impl Iterator<Item = (usize, usize, usize)> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        if i >= text.len() {
            return None;
        }
        let start = i;
        let first = find_either(text, i, b' ', b'\n');
        let end = if text.get(first) == Some(&b' ') {
            find_either(text, first, b'\n', b'\n')
        } else {
            first
        };
        i = end + 1;
        Some((start, first, end))
    })
}

/// The position of the first byte `a` or `b` in `text` from `i` on (`text.len()` when there is
/// none), eight bytes at a time.
#[inline]
fn find_either(text: &[u8], mut i: usize, a: u8, b: u8) -> usize {
    while let Some(chunk) = text.get(i..i + 8) {
        let w = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let found = zero_lanes(w ^ splat(a)) | zero_lanes(w ^ splat(b));
        if found != 0 {
            return i + (found.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < text.len() && text[i] != a && text[i] != b {
        i += 1;
    }
    i
}

/// 0x80 in each byte of `x` that is zero, 0 in the others (exactly: no sum carries into the
/// next byte).
#[inline]
fn zero_lanes(x: u64) -> u64 {
    !(((x & splat(0x7f)) + splat(0x7f)) | x) & splat(0x80)
}

/// A dictionary word this frequent is a likely target of an OCR-edit correction.
const DICT_MIN_FREQ: u64 = 1_000_000;
/// The digits of [`DICT_MIN_FREQ`]: a plain number with this many or more (no leading zero) is
/// at least as large.
const DICT_MIN_DIGITS: usize = 7;
/// Letter-only OCR edits (`rn`→`m`) toward the dictionary are applied only for words at least
/// this frequent.
const DICT_LETTERS_FREQ: u64 = 20_000_000;

/// A lowercase token this long (`rnistakes`) takes letter-only OCR edits toward a dictionary
/// word of [`DICT_LONG_FREQ`] or more: long words have few look-alike neighbours, and names,
/// which the word list lacks, are capitalised.
const LONG_WORD: usize = 7;
/// See [`LONG_WORD`].
const DICT_LONG_FREQ: u64 = 2_000_000;

/// The confidence of a suggestion one edit from a frequent dictionary word that an English
/// bigram with a neighbouring word supports (`wouild like` → `would like`): above the display
/// threshold of suggestions (0.5), below [`LATIN_THRESHOLD`]. Without that support: 0.3.
const NEAR_MISS_IN_CONTEXT: f32 = 0.6;

/// Occurrences a word needs elsewhere in the document to count as evidence.
const MIN_EVIDENCE: u32 = 2;
/// Occurrences needed for a correction by letter edits only (`rn`→`m`), which are riskier.
const MIN_EVIDENCE_LETTERS: u32 = 3;
/// Shortest unknown word questioned for a suggestion.
const MIN_SUGGEST_LEN: usize = 6;
/// Occurrences a word needs to be suggested instead of a near-miss.
const MIN_SUGGEST_EVIDENCE: u32 = 4;

/// The confidence from which a Latin correction that its rules allow ([`LatinFix::may_apply`])
/// is applied by default: the lowest confidence of an applied fix, `1 - 1/(n + 2)` for a word
/// the document has `n = 2` times. The other applied fixes have 0.8 or more (0.9 for splits and
/// look-alikes or specks toward a dictionary or recurring word, 0.8 for a reading the English
/// bigrams chose), the suggestions 0.6 (near a dictionary word that a bigram with a neighbour
/// supports), 0.5 (near a recurring word, or an ambiguous or letter-only dictionary edit) and
/// 0.3 (near a dictionary word), so at this value the
/// confidences decide exactly what the rules always decided. A threshold given to the pass
/// (`Typo::with_threshold`, `--typo-threshold`) replaces it.
pub const LATIN_THRESHOLD: f32 = 0.75;

/// One Latin correction.
#[derive(Clone, Debug, PartialEq)]
pub struct LatinFix {
    pub start: usize,
    pub end: usize,
    pub replacement: String,
    pub rule: &'static str,
    /// Applied at the default threshold: `may_apply && confidence >= LATIN_THRESHOLD`.
    pub apply: bool,
    /// Whether the rules allow applying the fix at any threshold: false when another reading
    /// competes (`ambiguous`) or the token itself recurs in the document.
    pub may_apply: bool,
    /// Confidence in [0, 1].
    pub confidence: f32,
}

impl LatinFix {
    fn new(
        start: usize,
        end: usize,
        replacement: String,
        rule: &'static str,
        may_apply: bool,
        confidence: f32,
    ) -> LatinFix {
        LatinFix {
            start,
            end,
            replacement,
            rule,
            apply: may_apply && confidence >= LATIN_THRESHOLD,
            may_apply,
            confidence,
        }
    }

    /// Whether the fix is applied at `threshold` (a suggestion otherwise).
    pub fn applies_at(&self, threshold: f32) -> bool {
        self.may_apply && self.confidence >= threshold
    }
}

/// The Latin tokens of a text with their byte offsets: runs of ASCII letters and digits with a
/// letter among them, not glued to a non-ASCII letter (a Chinese word, an accented letter: not
/// a whole Latin word).
///
/// The text is read eight bytes at a time: eight bytes of non-ASCII characters (a run of
/// Chinese text, most of what the pass reads) are passed over at once, and in others the
/// letters and digits are found by arithmetic on the eight bytes together.
fn tokens(text: &str) -> Vec<(usize, &str)> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    // Where the run of letters and digits being read started, if the last byte read is in one.
    let mut run: Option<usize> = None;
    let mut push = |start: usize, end: usize| {
        let glued = |b: Option<&u8>| b.is_some_and(|b| *b >= 0x80);
        let t = &text[start..end];
        if t.bytes().any(|b| b.is_ascii_alphabetic())
            && !(start > 0 && glued(bytes.get(start - 1)))
            && !glued(bytes.get(end))
        {
            out.push((start, t));
        }
    };
    let load = |c: &[u8]| u64::from_le_bytes(c.try_into().unwrap_or_default());
    // The chunk of eight bytes being read starts at `base`.
    let mut base = 0;
    loop {
        if run.is_none() {
            // Chinese text: on to the next chunk with an ASCII byte.
            while let Some(c) = bytes.get(base..base + 8) {
                if load(c) & HIGH != HIGH {
                    break;
                }
                base += 8;
            }
        }
        let w = match bytes.get(base..base + 8) {
            Some(c) => load(c),
            None => {
                // The last bytes padded with zeros (no letters).
                let rest = bytes.get(base..).unwrap_or_default();
                let mut last = [0u8; 8];
                last[..rest.len()].copy_from_slice(rest);
                u64::from_le_bytes(last)
            }
        };
        // Bit `i`: byte `i` of the chunk is an ASCII letter or digit (the padding, zeros, is
        // not).
        let alnum = lanes_to_bits(alphanumeric_lanes(w));
        // Bit `i`: the byte before byte `i` is one.
        let before = (alnum << 1) | u32::from(run.is_some());
        let mut starts = alnum & !before;
        let mut ends = !alnum & before & 0xff;
        // Runs alternate with the gaps between them: take each start and end in order.
        while starts | ends != 0 {
            let s = starts.trailing_zeros();
            let e = ends.trailing_zeros();
            if s < e {
                run = Some(base + s as usize);
                starts &= starts - 1;
            } else {
                if let Some(start) = run.take() {
                    push(start, base + e as usize);
                }
                ends &= ends - 1;
            }
        }
        if base + 8 >= bytes.len() {
            break;
        }
        base += 8;
    }
    if let Some(start) = run {
        push(start, bytes.len());
    }
    out
}

/// Every byte of `w` with the value `b`.
const fn splat(b: u8) -> u64 {
    0x0101_0101_0101_0101 * b as u64
}

/// 0x80 in each byte of `w` that is an ASCII letter or digit, 0 in the others. Each byte is
/// compared with the ranges by adding to its low seven bits: no sum carries into the next
/// byte.
#[inline]
fn alphanumeric_lanes(w: u64) -> u64 {
    let low = w & splat(0x7f);
    // 0x80 in the bytes `lo..=hi` among bytes below 0x80.
    let within = |x: u64, lo: u8, hi: u8| {
        x.wrapping_add(splat(0x80 - lo)) & !x.wrapping_add(splat(0x7f - hi)) & splat(0x80)
    };
    // `| 0x20` folds the capitals onto the small letters (and no other byte onto them).
    let letters = within(low | splat(0x20), b'a', b'z');
    (letters | within(low, b'0', b'9')) & !w
}

/// The bytes of `lanes` (each 0x80 or 0) as the bits of a byte, the first byte lowest.
#[inline]
fn lanes_to_bits(lanes: u64) -> u32 {
    ((lanes >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56) as u32
}

/// The tokens of the last text [`correct_memo`] corrected (joined by spaces, each marked by
/// whether a single space separates it from the token before) and its corrections with the
/// index of their token.
pub(crate) type Memo = (String, Vec<(usize, LatinFix)>);

/// [`correct`], remembering the last text in `last` (the pass's memory of a run): the
/// corrections depend on the text only through its tokens and which of them only a space
/// separates (the bigram context), and the pipeline's second round
/// (which confirms the fixed point) most often reads the same tokens again, only moved by edits
/// of other passes.
pub(crate) fn correct_memo(text: &str, last: &mut Option<Memo>) -> Vec<LatinFix> {
    let toks = tokens(text);
    if toks.is_empty() {
        return Vec::new();
    }
    let around = around(text, &toks);
    let mut key = String::with_capacity(toks.iter().map(|t| t.1.len() + 2).sum());
    for ((_, t), &a) in toks.iter().zip(&around) {
        key.push(char::from(b'a' + a));
        key.push_str(t);
        key.push(' ');
    }
    let hit = match &*last {
        Some((k, found)) if *k == key => Some(
            found
                .iter()
                .map(|(i, f)| LatinFix {
                    start: toks[*i].0,
                    end: toks[*i].0 + toks[*i].1.len(),
                    ..f.clone()
                })
                .collect(),
        ),
        _ => None,
    };
    if let Some(out) = hit {
        return out;
    }
    let out = correct_tokens(&toks, &around);
    let found: Vec<(usize, LatinFix)> = out
        .iter()
        .filter_map(|f| {
            let i = toks.partition_point(|t| t.0 < f.start);
            let &(start, t) = toks.get(i)?;
            (start == f.start && start + t.len() == f.end).then(|| (i, f.clone()))
        })
        .collect();
    // Every correction is of one whole token.
    if found.len() == out.len() {
        *last = Some((key, found));
    }
    out
}

/// Finds the Latin corrections of a text.
pub fn correct(text: &str) -> Vec<LatinFix> {
    let toks = tokens(text);
    correct_tokens(&toks, &around(text, &toks))
}

/// [`around`]: a single space separates the token from the one before; the two are then words
/// of one phrase, and an English bigram of them is evidence (see [`bigram_context`]).
const SPACED: u8 = 1;
/// [`around`]: the token is the head of a contraction the word list has (`shouldn` of
/// `shouldn't`): a word, not a misread.
const CONTRACTION: u8 = 2;
/// [`around`]: the token names a manual page (`ncurses(3)`, `passwd (5)`): a command or file
/// name, which the English word list does not speak for.
const MAN_PAGE: u8 = 4;

/// For each token, what the text around it says ([`SPACED`], [`CONTRACTION`], [`MAN_PAGE`]).
fn around(text: &str, toks: &[(usize, &str)]) -> Vec<u8> {
    let b = text.as_bytes();
    let mut prev_end = None;
    toks.iter()
        .map(|&(start, t)| {
            let end = start + t.len();
            let mut flags = 0;
            // One space between the two tokens, and nothing else.
            if prev_end.is_some_and(|e| e + 1 == start && b[e] == b' ') {
                flags |= SPACED;
            }
            prev_end = Some(end);
            let rest = &b[end..];
            let apostrophe = match rest {
                [b'\'', ..] => 1,
                // U+2019, the typographic apostrophe.
                [0xE2, 0x80, 0x99, ..] => 3,
                _ => 0,
            };
            if apostrophe > 0 {
                let after = end + apostrophe;
                let n = b[after..]
                    .iter()
                    .take_while(|c| c.is_ascii_alphabetic())
                    .count();
                if (1..=3).contains(&n)
                    && english_freq(&format!("{t}'{}", &text[after..after + n])) > 0
                {
                    flags |= CONTRACTION;
                }
            }
            // `(` and a digit, right after the token or after one space.
            let paren = if rest.first() == Some(&b' ') { 1 } else { 0 };
            if rest.get(paren) == Some(&b'(') && rest.get(paren + 1).is_some_and(u8::is_ascii_digit)
            {
                flags |= MAN_PAGE;
            }
            flags
        })
        .collect()
}

/// The bigram counts of `word` in place of token `idx`: with the token before it and with the
/// token after it, each where only a single space separates them (`None` where none does).
/// The words around a misread tell which of its readings was printed (`the rnodern world`:
/// `modern`, not `modem`).
type Bigrams = (Option<u64>, Option<u64>);

fn bigram_context(word: &str, idx: usize, toks: &[(usize, &str)], around: &[u8]) -> Bigrams {
    let spaced = |i: usize| around[i] & SPACED != 0;
    let left = (idx > 0 && spaced(idx)).then(|| english_bigram(toks[idx - 1].1, word));
    let right =
        (idx + 1 < toks.len() && spaced(idx + 1)).then(|| english_bigram(word, toks[idx + 1].1));
    (left, right)
}

/// The bigram list leaves out every bigram seen fewer than 6.4 million times: an unlisted one
/// counts as half that.
const UNLISTED_BIGRAM: f64 = 3.2e6;

/// How likely a reading of frequency `freq` is with its neighbours (proportional to the
/// probability of the two or three words together): `c(prev w)·c(w next)/c(w)` with both
/// neighbours, one bigram's count with one, the word's frequency with none.
fn in_context(freq: u64, (left, right): Bigrams) -> f64 {
    let seen = |c: u64| (c as f64).max(UNLISTED_BIGRAM);
    match (left, right) {
        (None, None) => freq as f64,
        (Some(c), None) | (None, Some(c)) => seen(c),
        (Some(l), Some(r)) => seen(l) * seen(r) / (freq as f64).max(1.0),
    }
}

/// [`correct`] of a text whose tokens (see `tokens`) are `toks`, with what the text [`around`]
/// each of them says.
fn correct_tokens(toks: &[(usize, &str)], around: &[u8]) -> Vec<LatinFix> {
    // Each distinct spelling's slot (in the order first seen), its count in `seen`, and each
    // token's slot: a token's own count and memo need no second lookup.
    let mut slots: FxMap<&str, u32> = FxMap::default();
    let mut seen: Vec<u32> = Vec::new();
    let tok_slot: Vec<u32> = toks
        .iter()
        .map(|&(_, t)| {
            let next = seen.len() as u32;
            let slot = *slots.entry(t).or_insert(next);
            if slot == next {
                seen.push(0);
            }
            seen[slot as usize] += 1;
            slot
        })
        .collect();
    let count = |w: &str| slots.get(w).map_or(0, |&s| seen[s as usize]);
    // Symmetric-delete index over recurring words (see `Deletes`), built when a token first
    // asks for it.
    let mut deletes: Option<Deletes> = None;
    let mut scratch = DeletionKeys::default();
    let mut out = Vec::new();
    // What `recurring_misread` found for a spelling, by slot.
    let mut recurring: Vec<Option<Recurring>> = vec![None; seen.len()];
    let english = english_context(toks);
    for (idx, &(start, t)) in toks.iter().enumerate() {
        let end = start + t.len();
        // The English word list speaks only for English text: elsewhere (Latin, German,
        // French…) only the document's own recurring words are evidence.
        let english = english[idx];
        let context = |w: &str| bigram_context(w, idx, toks, around);
        if around[idx] & CONTRACTION != 0 {
            continue;
        }
        // The name of a manual page (`ncurses(3)`) is only corrected for a misread letter
        // (`seript(1)`), never split or suggested toward a word one other edit away.
        let man_page = around[idx] & MAN_PAGE != 0;
        let n_t = seen[tok_slot[idx] as usize];
        if n_t >= MIN_EVIDENCE && is_letters(t) {
            // A recurring word no dictionary knows: corrected where one occurrence would be,
            // the same way at every occurrence (asked once per spelling), or where the words
            // around an occurrence decide between readings of about the same frequency. (A
            // spelling shorter than five letters has none: see `recurring_misread`.)
            if english && t.len() >= 5 {
                let (fix, ambiguous) = recurring[tok_slot[idx] as usize]
                    .get_or_insert_with(|| recurring_misread(t))
                    .clone();
                let fix = fix.or_else(|| {
                    ambiguous
                        .then(|| dictionary_ocr_fix(start, t, &context))
                        .flatten()
                        .filter(|f| f.apply)
                        .map(|f| (f.replacement, f.confidence))
                });
                if let Some((word, confidence)) = fix {
                    out.push(LatinFix::new(
                        start,
                        end,
                        word,
                        "typo-latin-ocr",
                        true,
                        confidence,
                    ));
                }
            }
            continue;
        }
        // OCR-typical edits.
        let mut best: Option<(String, u32)> = None;
        let mut ambiguous = false;
        // A token without OCR-typical letters has no variant but itself.
        let has_variants = has_ocr_variants(t);
        let variants = if has_variants {
            ocr_variants(t)
        } else {
            Vec::new()
        };
        for v in variants {
            let n = count(&v);
            let needed = if has_digit(t) {
                MIN_EVIDENCE
            } else {
                MIN_EVIDENCE_LETTERS
            };
            if v != t && n >= needed && is_letters(&v) {
                match &best {
                    Some((b, bn)) if *b != v => {
                        if n > *bn {
                            ambiguous = *bn * 3 > n;
                            best = Some((v, n));
                        } else {
                            ambiguous |= n * 3 > *bn;
                        }
                    }
                    Some(_) => {}
                    None => best = Some((v, n)),
                }
            }
        }
        if let Some((v, n)) = best {
            out.push(LatinFix::new(
                start,
                end,
                v,
                "typo-latin-ocr",
                !ambiguous && (n_t == 1 || is_digit_misread(t)),
                1.0 - 1.0 / (n as f32 + 2.0),
            ));
            continue;
        }
        if n_t != 1 && !is_digit_misread(t) {
            continue;
        }
        // (`dictionary_ocr_fix` has nothing for a token without OCR variants.)
        if let Some(fix) = (english && has_variants)
            .then(|| dictionary_ocr_fix(start, t, &context))
            .flatten()
        {
            out.push(fix);
            continue;
        }
        if !is_letters(t) {
            continue;
        }
        // Glued CamelCase words: parts that recur alone, or dictionary words one of which, not
        // the last, is a function word (names such as DuckDuckGo, LibreOffice or HowTo are
        // not).
        // The near-miss search is asked at most once per token.
        let mut near: Option<Option<String>> = None;
        // Whether the token is `unknown_lowercase`, asked with the near-miss search.
        let mut unknown = false;
        // (A token without a lowercase letter before a capital is one part: no allocation.)
        let parts = if has_camel_boundary(t) {
            camel_parts(t)
        } else {
            Vec::new()
        };
        let glued = parts.len() >= 2
            && (parts.iter().all(|p| count(p) >= MIN_EVIDENCE)
                || (english
                    && parts[..parts.len() - 1].iter().any(|p| is_function_word(p))
                    && parts
                        .iter()
                        .all(|p| (p.len() >= 2 || *p == "A") && english_freq(p) >= DICT_MIN_FREQ)));
        let replacement = if glued {
            Some(parts.join(" "))
        } else if !english || man_page {
            None
        } else if near
            .get_or_insert_with(|| {
                unknown = unknown_lowercase(t);
                unknown.then(|| near_miss_search(t)).flatten()
            })
            .as_ref()
            .is_some_and(|w| ocr_substitution(t, w))
        {
            // A misread letter (athers → others) rather than glued words (at hers).
            None
        } else if unknown {
            split_glued(t)
        } else {
            None
        };
        if let Some(replacement) = replacement {
            out.push(LatinFix::new(
                start,
                end,
                replacement,
                "typo-latin-split",
                true,
                0.9,
            ));
            continue;
        }
        // One edit from a recurring word: a suggestion.
        if t.len() >= MIN_SUGGEST_LEN {
            let mut cands: Vec<&str> = Vec::new();
            let deletes = deletes.get_or_insert_with(|| {
                let counts = slots.iter().map(|(&w, &s)| (w, seen[s as usize]));
                Deletes::build(counts, &mut scratch)
            });
            deletes.sharing(t, &mut scratch, |w| {
                // Not the same word in another case (`debian` in a path or a host name,
                // `Unstable` at a sentence start): OCR misreads letters, not the case of a
                // word.
                if !w.eq_ignore_ascii_case(t) && !cands.contains(&w) && within_one_edit(t, w) {
                    cands.push(w);
                }
            });
            cands.sort_by_key(|w| std::cmp::Reverse(count(w)));
            if let Some(&w) = cands.first() {
                // A look-alike letter or a speck (`Deblan`, `Debtan` for a recurring `Debian`)
                // with no other recurring word as near: applied, as toward a dictionary word.
                let clear = cands.get(1).is_none_or(|&x| count(x) * 3 < count(w));
                let look_alike = clear && one_letter_misread(t, w);
                out.push(LatinFix::new(
                    start,
                    end,
                    w.to_string(),
                    if look_alike {
                        "typo-latin-ocr"
                    } else {
                        "typo-latin"
                    },
                    true,
                    if look_alike { 0.9 } else { 0.5 },
                ));
            } else if let Some(w) = english
                .then(|| near.unwrap_or_else(|| dictionary_near_miss(t)))
                .flatten()
                .filter(|w| {
                    !american_spelling(t, w)
                        && (!man_page || (t.len() >= MIN_SUGGEST_LEN && one_letter_misread(t, w)))
                })
            {
                // One letter misread as a look-alike (availabie, contfol) is applied.
                let look_alike = t.len() >= MIN_SUGGEST_LEN && one_letter_misread(t, &w);
                // English text has the word next to its neighbours here: a suggestion worth
                // showing.
                let (l, r) = context(&w);
                let supported = !look_alike && (l.unwrap_or(0) > 0 || r.unwrap_or(0) > 0);
                out.push(LatinFix::new(
                    start,
                    end,
                    w,
                    if look_alike {
                        "typo-latin-ocr"
                    } else {
                        "typo-latin"
                    },
                    true,
                    if look_alike {
                        0.9
                    } else if supported {
                        NEAR_MISS_IN_CONTEXT
                    } else {
                        0.3
                    },
                ));
            }
        }
    }
    out
}

/// A symmetric-delete index over the recurring words of a text (seen [`MIN_SUGGEST_EVIDENCE`]
/// times or more, letters only, five or more): each word's keys, the word itself and its
/// one-letter deletions, so that the recurring words one edit from a token are those that
/// share a key with it. Built when a token first asks for it (most texts have none that
/// does).
///
/// A key is its spelling's polynomial hash ([`Poly`], mixed with its length), computed from the
/// word's prefix hashes without building the spelling; a match on the hash is checked byte by
/// byte, so the index answers as one keyed by the spellings would. A small Bloom filter of the
/// keys settles most of a token's keys, none of which most often is a recurring word's.
struct Deletes<'a> {
    /// `(key, word, position)`: the key of the word with its byte at `position` deleted (the
    /// word itself when `position` is its length), sorted by key and, within a key, in the
    /// order they were made.
    entries: Vec<(u64, &'a str, usize)>,
    /// The Bloom filter: two bits of each key, from its top bits.
    bits: Vec<u64>,
    /// The top bits of a key that pick a bit.
    shift: u32,
}

/// Buffers for the keys of a word's deletions (see [`deletion_keys`]).
#[derive(Default)]
struct DeletionKeys {
    pre: Vec<u64>,
    keys: Vec<u64>,
}

/// The keys of `w`'s one-letter deletions and of `w` itself into `buf.keys`: `keys[i]` of `w`
/// without its byte `i`, `keys[w.len()]` of `w`.
fn deletion_keys(w: &[u8], buf: &mut DeletionKeys) {
    let n = w.len();
    buf.pre.clear();
    buf.pre.push(0);
    let mut h = 0;
    for &b in w {
        h = poly_push(h, b);
        buf.pre.push(h);
    }
    buf.keys.clear();
    buf.keys.resize(n + 1, 0);
    buf.keys[n] = deletion_key(h, n);
    // From the end: the hash of the bytes after `i`, and the base to their number.
    let (mut suffix, mut pow) = (0u64, 1u64);
    for i in (0..n).rev() {
        buf.keys[i] = deletion_key(buf.pre[i].wrapping_mul(pow).wrapping_add(suffix), n - 1);
        suffix = u64::from(w[i]).wrapping_mul(pow).wrapping_add(suffix);
        pow = pow.wrapping_mul(POLY_BASE);
    }
}

/// The key in [`Deletes`] of a spelling of `len` bytes whose polynomial hash is `poly`: one
/// multiplication mixes it enough for the filter's probes (its top bits and the ones below the
/// middle), and a match is checked byte by byte anyway.
#[inline]
fn deletion_key(poly: u64, len: usize) -> u64 {
    (poly ^ (len as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)).wrapping_mul(0xbf58_476d_1ce4_e5b9)
}

/// Whether `a` without its byte `i` is `b` without its byte `j` (a position at the end deletes
/// nothing).
fn same_deletion(a: &[u8], i: usize, b: &[u8], j: usize) -> bool {
    let (a1, a2) = a.split_at(i.min(a.len()));
    let (b1, b2) = b.split_at(j.min(b.len()));
    let (a2, b2) = (
        a2.get(1..).unwrap_or_default(),
        b2.get(1..).unwrap_or_default(),
    );
    a1.len() + a2.len() == b1.len() + b2.len() && a1.iter().chain(a2).eq(b1.iter().chain(b2))
}

impl<'a> Deletes<'a> {
    /// The index of the recurring words among the spellings and counts of a text (in the order
    /// of the map that counted them).
    fn build(
        counts: impl IntoIterator<Item = (&'a str, u32)>,
        buf: &mut DeletionKeys,
    ) -> Deletes<'a> {
        let mut entries = Vec::new();
        for (w, n) in counts {
            if n >= MIN_SUGGEST_EVIDENCE && w.len() >= MIN_SUGGEST_LEN - 1 && is_letters(w) {
                deletion_keys(w.as_bytes(), buf);
                // The deletions in order, then the word itself.
                entries.extend(buf.keys.iter().enumerate().map(|(i, &k)| (k, w, i)));
            }
        }
        // Stable: within a key, the order they were made.
        entries.sort_by_key(|e| e.0);
        let log2 = (entries.len() * 16)
            .next_power_of_two()
            .max(64)
            .trailing_zeros();
        let mut index = Deletes {
            entries,
            bits: vec![0; 1 << (log2 - 6)],
            shift: 64 - log2,
        };
        for i in 0..index.entries.len() {
            let (a, b) = index.probes(index.entries[i].0);
            index.bits[a / 64] |= 1 << (a % 64);
            index.bits[b / 64] |= 1 << (b % 64);
        }
        index
    }

    /// The two filter bits of a key.
    #[inline]
    fn probes(&self, key: u64) -> (usize, usize) {
        (
            (key >> self.shift) as usize,
            (key.rotate_left(32) >> self.shift) as usize,
        )
    }

    /// Calls `f` with each recurring word that shares a key with `t`, in the order of `t`'s
    /// keys (`t` itself, then its deletions from the first byte on) and, for each key, of the
    /// words' keys as made; a word once for each key of its own that is the same spelling.
    fn sharing(&self, t: &str, buf: &mut DeletionKeys, mut f: impl FnMut(&'a str)) {
        if self.entries.is_empty() {
            return;
        }
        let b = t.as_bytes();
        deletion_keys(b, buf);
        for i in std::iter::once(b.len()).chain(0..b.len()) {
            let key = buf.keys[i];
            let (p, q) = self.probes(key);
            if self.bits[p / 64] & (1 << (p % 64)) == 0 || self.bits[q / 64] & (1 << (q % 64)) == 0
            {
                continue;
            }
            let from = self.entries.partition_point(|e| e.0 < key);
            for &(k, w, j) in &self.entries[from..] {
                if k != key {
                    break;
                }
                if same_deletion(b, i, w.as_bytes(), j) {
                    f(w);
                }
            }
        }
    }
}

/// An OCR-edit correction of a token seen once toward a frequent dictionary word, if the token
/// itself is no word. When two readings are about as frequent (`rnodern`: `modern`, `modem`),
/// their `context` (English bigrams with the words around, see [`bigram_context`]) decides if
/// it clearly prefers one.
fn dictionary_ocr_fix(
    start: usize,
    t: &str,
    context: &dyn Fn(&str) -> Bigrams,
) -> Option<LatinFix> {
    if t.len() < 3 || !has_ocr_variants(t) || english_freq(t) > 0 || !plausible_ocr_token(t) {
        return None;
    }
    let digits = has_digit(t);
    // The distinct words (a word in another spelling of the digits, 0 → o or O, is the same).
    let mut readings: Vec<(String, u64)> = Vec::new();
    for v in ocr_variants(t) {
        if v == t || !is_letters(&v) {
            continue;
        }
        let f = english_freq(&v);
        if f < DICT_MIN_FREQ {
            continue;
        }
        let v = with_case_of(t, &v);
        if !readings.iter().any(|(b, _)| b.eq_ignore_ascii_case(&v)) {
            readings.push((v, f));
        }
    }
    // Most frequent first; of equally frequent ones, the first found.
    readings.sort_by_key(|r| std::cmp::Reverse(r.1));
    let first = readings.first()?.1;
    let second = readings.get(1).map_or(0, |r| r.1);
    // Ambiguous when another reading is at least a tenth as frequent, unless with the words
    // around one reading is ten times as likely as every other.
    let mut pick = 0;
    let mut clear = second.saturating_mul(10) < first;
    let mut by_context = false;
    if !clear {
        let s: Vec<f64> = readings
            .iter()
            .map(|(w, f)| in_context(*f, context(w)))
            .collect();
        let top = (0..s.len()).fold(0, |b, i| if s[i] > s[b] { i } else { b });
        let rest = (0..s.len())
            .filter(|&i| i != top)
            .map(|i| s[i])
            .fold(0.0, f64::max);
        if s[top] >= 10.0 * rest {
            (pick, clear, by_context) = (top, true, true);
        }
    }
    let (v, f) = readings.swap_remove(pick);
    let long_lowercase = t.len() >= LONG_WORD && t.bytes().all(|c| c.is_ascii_lowercase());
    let sure = digits
        || (f >= DICT_LETTERS_FREQ && t.len() >= 5)
        || (f >= DICT_LONG_FREQ && long_lowercase);
    let confidence = match (clear && sure, by_context) {
        (true, false) => 0.9,
        (true, true) => 0.8,
        (false, _) => 0.5,
    };
    Some(LatinFix::new(
        start,
        start + t.len(),
        v,
        "typo-latin-ocr",
        clear,
        confidence,
    ))
}

/// What [`recurring_misread`] finds for a spelling: its correction and confidence, and whether
/// the words around each occurrence may decide between readings.
type Recurring = (Option<(String, f32)>, bool);

/// The correction of a recurring letter token that no dictionary knows, with its confidence:
/// the one a single occurrence gets applied by default, an OCR-typical edit toward a frequent
/// dictionary word (`rnust` → `must`, `cornrnittee` → `committee`) or one look-alike letter
/// (`availabie` → `available`). OCR misreads the same glyph the same way wherever it was
/// printed, so the recurrence of such a token is no evidence of a word; a term one other edit
/// away (`passwd`, `preseed`, `ncurses`) is never a correction here, not even a suggestion.
/// The flag says that the OCR edits give readings of about the same frequency, between which
/// the words around each occurrence may decide (see [`dictionary_ocr_fix`]).
fn recurring_misread(t: &str) -> Recurring {
    if t.len() < 5 || english_freq(t) > 0 {
        return (None, false);
    }
    match dictionary_ocr_fix(0, t, &|_| (None, None)) {
        Some(fix) if fix.apply => return (Some((fix.replacement, fix.confidence)), false),
        Some(fix) if !fix.may_apply => return (None, true),
        _ => {}
    }
    let fix = dictionary_near_miss(t)
        .filter(|w| t.len() >= MIN_SUGGEST_LEN && one_letter_misread(t, w))
        .map(|w| (w, 0.9));
    (fix, false)
}

/// A token with digits that look like misread letters (`tl1e`, `0pen`): the same misread
/// recurs wherever the same glyph was printed, so its recurrence is no evidence of a word.
fn is_digit_misread(t: &str) -> bool {
    has_digit(t) && t.bytes().any(|c| c.is_ascii_alphabetic()) && plausible_ocr_token(t)
}

/// Tokens whose digits look like misread letters: letters around them, not a version, an
/// ordinal, a unit or an identifier (`i386`, `ext4`, `md5`, `10th`, `2nd`).
fn plausible_ocr_token(t: &str) -> bool {
    let b = t.as_bytes();
    let n_digits = b.iter().filter(|c| c.is_ascii_digit()).count();
    if n_digits == 0 {
        return true;
    }
    // Only the digits that look like letters, at most a third of the token, and the token
    // must not end in a digit (md5, sha1, ext4, python3).
    b.iter()
        .all(|c| !c.is_ascii_digit() || matches!(c, b'0' | b'1' | b'5'))
        && n_digits * 3 <= b.len()
        && !b[b.len() - 1].is_ascii_digit()
        && !(b[0].is_ascii_digit() && b.len() > 1 && b[1].is_ascii_digit())
}

/// `word` (lowercase letters) cased like `token`: all capitals, capitalised, or lowercase.
fn with_case_of(token: &str, word: &str) -> String {
    let letters: Vec<u8> = token.bytes().filter(|b| b.is_ascii_alphabetic()).collect();
    let upper = letters.iter().filter(|b| b.is_ascii_uppercase()).count();
    if letters.len() >= 2 && upper == letters.len() {
        return word.to_ascii_uppercase();
    }
    let first_upper = token
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_uppercase() || (b == b'0' && upper > 0));
    let mut w = word.to_ascii_lowercase();
    if first_upper {
        w[..1].make_ascii_uppercase();
    }
    w
}

/// The most frequent dictionary word one edit away from an unknown lowercase word, when it is
/// clearly the most frequent of them.
fn dictionary_near_miss(t: &str) -> Option<String> {
    unknown_lowercase(t).then(|| near_miss_search(t)).flatten()
}

/// What a near-miss search ([`dictionary_near_miss`]) and a split into words ([`split_glued`])
/// ask of a token first: five to 40 lowercase letters, and no word of the list.
fn unknown_lowercase(t: &str) -> bool {
    (MIN_SUGGEST_LEN - 1..=Poly::MAX).contains(&t.len())
        && t.bytes().all(|b| b.is_ascii_lowercase())
        && english_freq(t) == 0
}

/// [`dictionary_near_miss`] of a token that is [`unknown_lowercase`].
fn near_miss_search(t: &str) -> Option<String> {
    let b = t.as_bytes();
    let (poly, n) = (Poly::new(b), b.len());
    let keys = near_miss_filter();
    // Which of the token's keys (itself, each one-letter deletion) the frequent words share.
    // A frequent word one edit away shares a known one: an insertion into the token has the
    // token among its deletions; a deletion from it, or a substitution at `i`, has its deletion
    // at `i`; a transposition at `i` its deletions at `i` and `i + 1`. Spellings whose key no
    // frequent word has are not tried.
    let whole = keys.may_contain(poly.pre[n], n);
    let mut deleted = [false; Poly::MAX];
    for (i, d) in deleted[..n].iter_mut().enumerate() {
        *d = keys.may_contain(poly.then(poly.pre[i], i + 1, n), n - 1);
    }
    if !whole && !deleted[..n].contains(&true) {
        return None;
    }
    let mut cands: Vec<(u64, String)> = Vec::new();
    let filter = english_filter();
    // Every spelling one edit away that may be a frequent word, in a fixed order (ties in
    // frequency keep the first found); the filters reject almost all of them on their hash
    // (a frequent word is one of the keys, and a word of the list), and only the others are
    // built and looked up.
    let mut buf = [0u8; 48];
    let mut try_word = |hash: u64, len: usize, build: &dyn Fn(&mut [u8])| {
        if !keys.may_contain(hash, len) || !filter.may_contain(hash, len) {
            return;
        }
        build(&mut buf[..len]);
        let Ok(w) = std::str::from_utf8(&buf[..len]) else {
            return;
        };
        let f = english_freq(w);
        if f >= DICT_MIN_FREQ && !cands.iter().any(|(_, x)| x == w) {
            cands.push((f, w.to_string()));
        }
    };
    for i in 0..=n {
        let head = poly.pre[i];
        if i < n && deleted[i] {
            // Deletion.
            try_word(poly.then(head, i + 1, n), n - 1, &|w| {
                w[..i].copy_from_slice(&b[..i]);
                w[i..].copy_from_slice(&b[i + 1..]);
            });
            // Transposition.
            if i + 1 < n && deleted[i + 1] {
                let swapped = poly_push(poly_push(head, b[i + 1]), b[i]);
                try_word(poly.then(swapped, i + 2, n), n, &|w| {
                    w.copy_from_slice(b);
                    w.swap(i, i + 1);
                });
            }
        }
        let substitute = i < n && deleted[i];
        if !whole && !substitute {
            continue;
        }
        for c in b'a'..=b'z' {
            let with_c = poly_push(head, c);
            // Insertion.
            if whole {
                try_word(poly.then(with_c, i, n), n + 1, &|w| {
                    w[..i].copy_from_slice(&b[..i]);
                    w[i] = c;
                    w[i + 1..].copy_from_slice(&b[i..]);
                });
            }
            // Substitution.
            if substitute && b[i] != c {
                try_word(poly.then(with_c, i + 1, n), n, &|w| {
                    w.copy_from_slice(b);
                    w[i] = c;
                });
            }
        }
    }
    cands.sort_by_key(|c| std::cmp::Reverse(c.0));
    let first = cands.first()?;
    let clear = cands
        .get(1)
        .is_none_or(|s| s.0.saturating_mul(10) < first.0);
    clear.then(|| first.1.clone())
}

/// True when `t` is the dictionary word `w` in American spelling (`favorite` of `favourite`):
/// the word list has a few words in British spelling only.
fn american_spelling(t: &str, w: &str) -> bool {
    w.len() == t.len() + 1
        && w.match_indices("our")
            .any(|(i, _)| t.get(..=i) == w.get(..=i) && t.get(i + 1..) == w.get(i + 2..))
}

/// Short words that glue to their neighbours in OCR output (`thenumberof`, `torun`).
const FUNCTION_WORDS: &[&str] = &[
    "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "with", "from", "and", "or", "as",
    "is", "are", "be", "it", "that", "this", "not", "can", "will",
];

/// [`FUNCTION_WORDS`] in a [`word_table`].
static FUNCTION_TABLE: [(u64, u8); 64] = word_table(&[(FUNCTION_WORDS, 1)]);

/// Whether `w` is one of the [`FUNCTION_WORDS`] in any case (asked of every short substring of
/// a glued word: a table lookup, not a comparison with each).
fn is_function_word(w: &str) -> bool {
    w.len() <= 7 && word_flags(&FUNCTION_TABLE, lower_key(w)) != 0
}

/// A lowercase token that no dictionary knows, split into as few frequent dictionary words as
/// possible (two to four; content words of four letters or more) when one of them is a function
/// word (`thenumberof` → `the number of`, `tohave` → `to have`); compounds of content words
/// (`username`, `stayinformed`) and commands (`modprobe`, `inittab`, `runit`) are left alone.
/// The token is [`unknown_lowercase`] (the caller has asked, with the near-miss search).
fn split_glued(t: &str) -> Option<String> {
    const MAX_PARTS: usize = 4;
    debug_assert!(unknown_lowercase(t), "{t}");
    let n = t.len();
    let (filter, poly) = (english_filter(), Poly::new(t.as_bytes()));
    // The frequency of a part that may be one (0 otherwise): most substrings are no word, and
    // the filter settles them on their hash.
    let part_freq = |i: usize, j: usize| {
        let p = &t[i..j];
        if (p.len() >= 4 || is_function_word(p)) && filter.may_contain(poly.range(i, j), j - i) {
            english_freq(p)
        } else {
            0
        }
    };
    // best[j][k]: the best score of t[..j] in k parts, and where its last part starts; a split
    // scores the sum of ln(frequency) of its parts, so fewer and commoner words win.
    let mut best = vec![[(f64::NEG_INFINITY, 0usize, false); MAX_PARTS + 1]; n + 1];
    best[0][0] = (0.0, 0, false);
    for j in 1..=n {
        for i in 0..j {
            let f = part_freq(i, j);
            if f < DICT_MIN_FREQ {
                continue;
            }
            let p = &t[i..j];
            let lp = (f as f64).ln();
            for k in 1..=MAX_PARTS {
                let (prev, _, func) = best[i][k - 1];
                if prev > f64::NEG_INFINITY && prev + lp > best[j][k].0 {
                    best[j][k] = (prev + lp, i, func || is_function_word(p));
                }
            }
        }
    }
    // The fewest parts, if a function word is among them.
    let k = (2..=MAX_PARTS).find(|&k| best[n][k].0 > f64::NEG_INFINITY)?;
    if !best[n][k].2 {
        return None;
    }
    let mut parts = Vec::with_capacity(k);
    let (mut j, mut k) = (n, k);
    while k > 0 {
        let i = best[j][k].1;
        parts.push(&t[i..j]);
        j = i;
        k -= 1;
    }
    parts.reverse();
    // A short function word glued at the end is most often a word's own ending (`compat` is not
    // `comp at`, `tempor` not `temp or`): only after a long content word (`numberof`).
    if let [.., content, last] = parts.as_slice() {
        if is_function_word(last) && last.len() <= 2 && (last.len() == 1 || content.len() < 6) {
            return None;
        }
    }
    Some(parts.join(" "))
}

/// English function words that are not words of the other languages below.
const EN_STOP: &[&str] = &[
    "the", "of", "and", "to", "is", "that", "it", "for", "was", "on", "are", "with", "as", "be",
    "by", "this", "have", "from", "or", "not", "but", "at", "which", "an", "were", "they", "you",
    "we", "he", "she", "his", "her", "their", "has", "had", "will", "would", "can", "there",
    "been", "its", "all", "if", "when", "what", "who", "more", "into", "than", "these", "so",
];

/// Function words of other languages written in Latin script (Latin, German, French, Spanish,
/// Italian, Dutch, Portuguese), not English words.
const OTHER_STOP: &[&str] = &[
    // Latin
    "et", "est", "non", "ad", "cum", "quod", "ut", "sed", "qui", "quae", "ex", "sunt", "esse",
    "enim", "quam", "atque", "neque", "nec", "ab", "quid", "hoc", "ac", "autem", "tamen", "vel",
    "etiam", "sit", "erat", "ita", // German
    "der", "die", "und", "das", "ist", "nicht", "mit", "den", "von", "zu", "sich", "auf", "ein",
    "eine", "dem", "des", "auch", "wird", "werden", "oder", "aus", "nach", "wie", "bei", "sind",
    // French
    "le", "la", "les", "des", "une", "du", "que", "dans", "pour", "pas", "sur", "au", "avec", "ce",
    "sont", "mais", "ou", "il", "elle", "nous", "vous", "leur",
    // Spanish, Portuguese, Italian
    "el", "los", "las", "del", "por", "con", "una", "para", "es", "se", "como", "lo", "y", "di",
    "che", "della", "gli", "sono", "em", "os", "um", "uma", "nao", "mas", // Dutch
    "het", "een", "van", "en", "niet", "dat", "op", "zijn", "ook", "voor", "wordt",
];

/// A word of at most 7 ASCII bytes as an integer, its bytes from the high end: distinct words
/// (no zero byte) have distinct keys, so a function word is found by comparing integers.
const fn stop_key(w: &[u8]) -> u64 {
    let mut k = 0u64;
    let mut i = 0;
    while i < w.len() {
        k = (k << 8) | w[i] as u64;
        i += 1;
    }
    k
}

/// An open-addressing hash table (probed linearly) of the [`stop_key`]s of lists of short
/// words, built at compile time: `(key, flags)`, each list's flag set in the slots of its
/// words; key 0 (no word's) marks an empty slot. `N` is a power of two, several times the
/// words, so that a probe most often ends at its first slot. Each word is at most 7 bytes
/// (checked at compile time).
const fn word_table<const N: usize>(lists: &[(&[&str], u8)]) -> [(u64, u8); N] {
    let mut table = [(0u64, 0u8); N];
    let mut l = 0;
    while l < lists.len() {
        let (list, flag) = lists[l];
        let mut i = 0;
        while i < list.len() {
            assert!(!list[i].is_empty() && list[i].len() <= 7);
            let key = stop_key(list[i].as_bytes());
            let mut slot = table_slot(key, N);
            while table[slot].0 != 0 && table[slot].0 != key {
                slot = (slot + 1) % N;
            }
            table[slot] = (key, table[slot].1 | flag);
            i += 1;
        }
        l += 1;
    }
    table
}

/// The slot where a probe for a [`stop_key`] starts in a [`word_table`] of `n` slots.
const fn table_slot(key: u64, n: usize) -> usize {
    (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - n.trailing_zeros())) as usize
}

/// The flags of a [`stop_key`] in a [`word_table`] (0 for a word of none of its lists).
#[inline]
fn word_flags<const N: usize>(table: &[(u64, u8); N], key: u64) -> u8 {
    let mut slot = table_slot(key, N);
    loop {
        let (k, flags) = table[slot];
        if k == key {
            return flags;
        }
        if k == 0 {
            return 0;
        }
        slot = (slot + 1) % N;
    }
}

/// The [`stop_key`] of a token of at most 7 bytes in lowercase.
#[inline]
fn lower_key(t: &str) -> u64 {
    t.bytes()
        .fold(0u64, |k, b| (k << 8) | u64::from(b.to_ascii_lowercase()))
}

/// The function words: 1 for an English one ([`EN_STOP`]), 2 for one of another language
/// ([`OTHER_STOP`]).
static STOP_TABLE: [(u64, u8); 512] = word_table(&[(EN_STOP, 1), (OTHER_STOP, 2)]);

/// Whether each token stands in English text: among the tokens around it (40 on each side),
/// English function words are not outnumbered by those of other Latin-script languages (half
/// as many or fewer). A stretch without evidence either way counts as English.
fn english_context(toks: &[(usize, &str)]) -> Vec<bool> {
    const WINDOW: usize = 40;
    // The function words of each kind among the first `i` tokens, at `i`.
    let mut seen = Vec::with_capacity(toks.len() + 1);
    let (mut en, mut other) = (0u32, 0u32);
    seen.push((en, other));
    for &(_, t) in toks {
        // Function words are short: longer tokens are not looked up, nor lower-cased.
        if t.len() <= 7 {
            let flags = word_flags(&STOP_TABLE, lower_key(t));
            en += u32::from(flags & 1);
            other += u32::from(flags >> 1);
        }
        seen.push((en, other));
    }
    // No function word of another language anywhere (most texts): English throughout.
    if other == 0 {
        return vec![true; toks.len()];
    }
    (0..toks.len())
        .map(|i| {
            let lo = seen[i.saturating_sub(WINDOW)];
            let hi = seen[(i + WINDOW + 1).min(toks.len())];
            let (e, o) = (hi.0 - lo.0, hi.1 - lo.1);
            o == 0 || e >= 2 * o
        })
        .collect()
}

/// Letters that OCR engines read as one another (lowercase, both orders).
const LOOKALIKES: &[(u8, u8)] = &[
    (b'i', b'l'),
    (b'i', b't'),
    (b'i', b'j'),
    (b'l', b't'),
    (b'f', b't'),
    (b'f', b'r'),
    (b'f', b'l'),
    (b't', b'r'),
    (b'e', b'c'),
    (b'e', b'o'),
    (b'c', b'o'),
    (b'a', b'o'),
    (b'u', b'y'),
    (b'v', b'y'),
    (b'c', b'v'),
    (b'h', b'b'),
];

/// True when `t` is `w` with one letter misread: a look-alike ([`ocr_substitution`]) or a
/// speck ([`speck_letter`]). Every rule that applies a one-letter correction asks this, so a
/// token is corrected alike wherever it stands (once, recurring, or as a manual page's name).
fn one_letter_misread(t: &str, w: &str) -> bool {
    ocr_substitution(t, w) || speck_letter(t, w)
}

/// True when `t` is `w` with one more `i` inside it (`wouild`, `examiple`): a speck of a
/// degraded page between two letters, which OCR reads as the thinnest letter.
fn speck_letter(t: &str, w: &str) -> bool {
    let (t, w) = (t.as_bytes(), w.as_bytes());
    if t.len() != w.len() + 1 {
        return false;
    }
    let p = t.iter().zip(w).take_while(|(x, y)| x == y).count();
    // The extra letter: the first place they differ (or, in a run of `i`, its first).
    p > 0 && p + 1 < t.len() && t[p] == b'i' && t[p + 1..] == w[p..]
}

/// True when `a` and `b` differ in exactly one letter and the two letters look alike.
fn ocr_substitution(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut diffs = a.iter().zip(b).filter(|(x, y)| x != y);
    match (diffs.next(), diffs.next()) {
        (Some((&x, &y)), None) => LOOKALIKES
            .iter()
            .any(|&(p, q)| (x, y) == (p, q) || (x, y) == (q, p)),
        _ => false,
    }
}

fn is_letters(w: &str) -> bool {
    !w.is_empty() && w.bytes().all(|b| b.is_ascii_alphabetic())
}

fn has_digit(w: &str) -> bool {
    w.bytes().any(|b| b.is_ascii_digit())
}

/// True when `a` and `b` are at most one insertion, deletion, substitution or transposition
/// apart (ASCII).
fn within_one_edit(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let p = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let s = a[p..]
        .iter()
        .rev()
        .zip(b[p..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ra, rb) = (a.len() - p - s, b.len() - p - s);
    match (ra, rb) {
        (0, 0) | (0, 1) | (1, 0) | (1, 1) => true,
        (2, 2) => a[p] == b[p + 1] && a[p + 1] == b[p],
        _ => false,
    }
}

/// Whether [`camel_parts`] splits `t`: a lowercase letter before an uppercase one.
fn has_camel_boundary(t: &str) -> bool {
    t.as_bytes()
        .windows(2)
        .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase())
}

/// Splits a CamelCase token at every lowercase→uppercase boundary.
fn camel_parts(t: &str) -> Vec<&str> {
    let b = t.as_bytes();
    let mut parts = Vec::new();
    let mut start = 0;
    for i in 1..b.len() {
        if b[i - 1].is_ascii_lowercase() && b[i].is_ascii_uppercase() {
            parts.push(&t[start..i]);
            start = i;
        }
    }
    parts.push(&t[start..]);
    parts
}

/// True when [`ocr_variants`] has more than the token itself: it has a digit `0`, `1` or `5`, or
/// one of `rn`, `cl`, `vv`, `l1`.
fn has_ocr_variants(t: &str) -> bool {
    let b = t.as_bytes();
    b.iter().any(|c| matches!(c, b'0' | b'1' | b'5'))
        || b.windows(2)
            .any(|w| matches!(w, b"rn" | b"cl" | b"vv" | b"l1"))
}

/// The OCR-typical spelling that starts at byte `i` of `t` with its readings, the spelling
/// itself first (`rn`: `rn`, `m`), or none.
fn ocr_readings(t: &str, i: usize) -> &'static [&'static str] {
    let b = t.as_bytes();
    let two = if i + 1 < b.len() { &t[i..i + 2] } else { "" };
    match (b[i], two) {
        (_, "rn") => &["rn", "m"],
        (_, "cl") => &["cl", "d"],
        (_, "vv") => &["vv", "w"],
        (_, "l1") => &["l1", "h", "ll", "li", "lI"],
        (b'1', _) => &["1", "l", "i", "I"],
        (b'0', _) => &["0", "o", "O"],
        (b'5', _) => &["5", "s", "S"],
        _ => &[],
    }
}

/// Spellings reachable by OCR-typical edits (at most 64): the token itself first, then the
/// others in the order of the readings' positions (the last piece varying fastest), each piece
/// in the order of its readings.
fn ocr_variants(t: &str) -> Vec<String> {
    const MAX: usize = 64;
    let b = t.as_bytes();
    // The token in pieces: a run of bytes kept as they are (no readings), or an OCR-typical
    // spelling with its readings (the first the spelling itself).
    let mut pieces: Vec<(&str, &[&str])> = Vec::new();
    let (mut i, mut plain) = (0, 0);
    while i < b.len() {
        let opts = ocr_readings(t, i);
        if opts.is_empty() {
            i += 1;
            continue;
        }
        if plain < i {
            pieces.push((&t[plain..i], &[]));
        }
        pieces.push((&t[i..i + opts[0].len()], opts));
        i += opts[0].len();
        plain = i;
    }
    if plain < b.len() {
        pieces.push((&t[plain..], &[]));
    }
    let n = pieces
        .iter()
        .fold(1usize, |n, p| n.saturating_mul(p.1.len().max(1)))
        .min(MAX);
    // The reading of each piece, counted up like the digits of a number.
    let mut choice = vec![0usize; pieces.len()];
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let mut v = String::with_capacity(t.len() + 1);
        for (&(own, opts), &c) in pieces.iter().zip(&choice) {
            v.push_str(if opts.is_empty() { own } else { opts[c] });
        }
        out.push(v);
        for (&(_, opts), c) in pieces.iter().zip(choice.iter_mut()).rev() {
            if opts.is_empty() {
                continue;
            }
            *c += 1;
            if *c < opts.len() {
                break;
            }
            *c = 0;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn applied(text: &str) -> Vec<(String, String, &'static str)> {
        correct(text)
            .into_iter()
            .filter(|f| f.apply)
            .map(|f| (text[f.start..f.end].to_string(), f.replacement, f.rule))
            .collect()
    }

    #[test]
    fn ocr_edits_toward_recurring_words() {
        let t =
            "the cat and the dog. tl1e end of the story. Debian is free; Deb1an runs on Debian.";
        assert_eq!(
            applied(t),
            vec![
                ("tl1e".into(), "the".into(), "typo-latin-ocr"),
                ("Deb1an".into(), "Debian".into(), "typo-latin-ocr")
            ]
        );
    }

    #[test]
    fn glued_camel_case_is_split_when_its_parts_recur() {
        let t = "Debian Edu is a project. Install Debian Edu today. DebianEdu ships a server.";
        assert_eq!(
            applied(t),
            vec![("DebianEdu".into(), "Debian Edu".into(), "typo-latin-split")]
        );
        // LibreOffice: its parts never occur alone, so it stays.
        assert!(applied("LibreOffice and Office and Office").is_empty());
    }

    #[test]
    fn keeps_words_with_legitimate_digits_and_unknown_words() {
        for t in [
            "Use i386 or amd64 with x86 and ext4; UTF8, IPv6 and mp3 too.",
            "The modern corner of the burn unit.",
            "A word seen once: zyxwvut.",
            // Capitalised (a name) or short: no letter-only edit toward a rarer word.
            "Mr Clawson and Mr Horner met the clerk.",
            "the the the 1",
        ] {
            assert!(applied(t).is_empty(), "{t}");
        }
    }

    #[test]
    fn one_edit_from_a_recurring_word_is_suggested() {
        let t = "package package package package; the pakcage is here";
        let f = correct(t);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].replacement, "package");
        assert!(!f[0].apply);
        assert_eq!(f[0].rule, "typo-latin");
    }

    #[test]
    fn dictionary_ocr_edits_without_document_evidence() {
        // (text, the applied corrections)
        let cases: &[(&str, &[(&str, &str)])] = &[
            ("Tl1e package is ready.", &[("Tl1e", "The")]),
            ("Please 0pen the file.", &[("0pen", "open")]),
            ("The file is availabie here.", &[("availabie", "available")]),
            (
                "Under the contfol of the system.",
                &[("contfol", "control")],
            ),
            ("Read the rnanual first.", &[("rnanual", "manual")]),
            // A long lowercase word takes a letter-only edit toward a less frequent word.
            ("We learn from rnistakes.", &[("rnistakes", "mistakes")]),
            // The same digit misread, wherever it recurs.
            (
                "This is tl1e first line. And tl1e second one.",
                &[("tl1e", "the"), ("tl1e", "the")],
            ),
        ];
        for &(text, want) in cases {
            let got = applied(text);
            let got: Vec<(&str, &str)> = got
                .iter()
                .map(|(a, b, _)| (a.as_str(), b.as_str()))
                .collect();
            assert_eq!(got, want, "{text}");
        }
    }

    #[test]
    fn dictionary_keeps_terms_identifiers_and_names() {
        for t in [
            "Edit /etc/passwd and the preseed file, then run ncurses tools and read manpages.",
            "Check the md5 and sha1 sums on ext4 with python3 on the 10th and the 2nd day.",
            "Search with DuckDuckGo, write in LibreOffice, present with PowerPoint.",
            "The systemd unit starts dselect; cgroups and debconf follow.",
            "Debian GNU/Linux ships the Linux kernel and the GNU tools.",
        ] {
            assert!(applied(t).is_empty(), "{t}: {:?}", applied(t));
        }
    }

    #[test]
    fn glued_phrases_of_dictionary_words_are_split() {
        assert_eq!(
            applied("TheFreeSoftwareHerald Tuesday"),
            vec![(
                "TheFreeSoftwareHerald".into(),
                "The Free Software Herald".into(),
                "typo-latin-split"
            )]
        );
    }

    #[test]
    fn other_latin_script_languages_get_no_english_corrections() {
        for text in [
            "Tum ille inquit, res publica non est, et sed quod literis mandatum est, ut tempor \
             ad nos venit cum hoc libro.",
            "Die Stadt ist alt und das Haus der Familie steht nicht weit von dem Markt, \
             wo auch ein Brunnen ist; compat nulla.",
            "Le livre est sur la table et les enfants ne sont pas dans la maison avec leur mere.",
        ] {
            assert!(applied(text).is_empty(), "{text}: {:?}", applied(text));
        }
        // The document's own recurring words are evidence in any language.
        let text = "liber est et liber erat et liber manet; sed 1iber non est hic.";
        assert_eq!(
            applied(text),
            vec![("1iber".into(), "liber".into(), "typo-latin-ocr")]
        );
    }

    #[test]
    fn a_word_ending_like_a_short_function_word_is_not_split() {
        for text in [
            "Enable the compat layer for the old kernel.",
            "The tempor field is kept.",
            "A publica of the archive.",
        ] {
            assert!(applied(text).is_empty(), "{text}: {:?}", applied(text));
        }
        // A long content word before the function word is still a glued phrase.
        let got = applied("Moreover thenumberof packages grows.");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].1, "the number of");
    }

    #[test]
    fn glued_lowercase_words_with_a_function_word_are_split() {
        let cases: &[(&str, &str)] = &[
            ("Moreover thenumberof packages grows.", "the number of"),
            ("Users need tohave an account.", "to have"),
            ("Developed anddistribute freely.", "and distribute"),
            ("Based in theUnited States.", "the United"),
        ];
        for &(text, want) in cases {
            let got = applied(text);
            assert_eq!(got.len(), 1, "{text}: {got:?}");
            assert_eq!((got[0].1.as_str(), got[0].2), (want, "typo-latin-split"));
        }
        // Compounds, commands and names stay glued.
        for t in [
            "Set the username and the hostname; stayinformed about the filesystem.",
            "Run modprobe, edit inittab, use runit or kinit, try shellinabox and installdocs.",
            "Read the HowTo and the DebianEdu FAQ.",
        ] {
            assert!(applied(t).is_empty(), "{t}: {:?}", applied(t));
        }
    }

    #[test]
    fn unknown_words_near_a_dictionary_word_are_suggested() {
        let f = correct("The machies are ready.");
        assert_eq!(f.len(), 1);
        assert_eq!((f[0].replacement.as_str(), f[0].apply), ("machines", false));
    }

    #[test]
    fn the_english_index_finds_every_listed_word_and_nothing_else() {
        for line in EN_WORDS.lines().step_by(7) {
            let (word, freq) = line.split_once(' ').unwrap();
            assert_eq!(english_freq(word), freq.parse::<u64>().unwrap(), "{word}");
            assert_eq!(english_freq(&word.to_ascii_uppercase()), english_freq(word));
        }
        for w in [
            "",
            "zyxwvut",
            "a 9081174698",
            "aah\naachen",
            "the ",
            " the",
            "thé",
        ] {
            assert_eq!(english_freq(w), 0, "{w:?}");
        }
        assert!(english_freq("The") > 1_000_000_000);
    }

    #[test]
    fn the_bigram_index_finds_every_listed_bigram_and_nothing_else() {
        for line in EN_BIGRAMS.lines().step_by(11) {
            let mut f = line.split(' ');
            let (a, b, n) = (f.next().unwrap(), f.next().unwrap(), f.next().unwrap());
            assert_eq!(english_bigram(a, b), n.parse::<u64>().unwrap(), "{line}");
            assert_eq!(
                english_bigram(&a.to_ascii_uppercase(), b),
                english_bigram(a, b)
            );
        }
        // Reversed, half a key, a key with a frequency in it, a word of the word list.
        assert!(english_bigram("modern", "the") == 0 && english_bigram("the", "modern") > 0);
        for (a, b) in [
            ("", "the"),
            ("the", ""),
            ("a", "a 211350912"),
            ("the", "zyxwvut"),
        ] {
            assert_eq!(english_bigram(a, b), 0, "{a:?} {b:?}");
        }
        // The word index does not answer for a bigram's key, nor the bigram index for a word.
        assert_eq!(english_freq("the modern"), 0);
    }

    #[test]
    fn the_words_around_decide_between_readings_of_about_the_same_frequency() {
        // `rnodern` reads `modern` or `modem` (a quarter as frequent): the words around decide.
        assert_eq!(
            applied("The rnodern world is here and we must go to it now."),
            vec![("rnodern".into(), "modern".into(), "typo-latin-ocr")]
        );
        // Without neighbours that decide, a suggestion as before.
        let f = correct("Xq rnodern zv");
        assert_eq!(f.len(), 1);
        assert!(!f[0].apply && f[0].confidence <= 0.5, "{f:?}");
    }

    #[test]
    fn a_near_miss_that_english_bigrams_support_is_a_suggestion_worth_showing() {
        let f = correct("The tests stop when ruaning the suite on a slow machine.");
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(
            (f[0].replacement.as_str(), f[0].rule),
            ("running", "typo-latin")
        );
        assert!(!f[0].apply && f[0].confidence > 0.5, "{f:?}");
        // The same edit between words no bigram joins it to stays at 0.3.
        let f = correct("The tests stop. Ruaning? The suite on a slow machine.");
        assert!(f.iter().all(|f| f.confidence < 0.5), "{f:?}");
    }

    #[test]
    fn an_extra_i_inside_a_word_is_a_speck() {
        for (t, want) in [
            (
                "After you comipile them, place the binaries here.",
                "compile",
            ),
            ("For examiple, run the command twice.", "example"),
        ] {
            let got = applied(t);
            assert_eq!(got.len(), 1, "{t}: {got:?}");
            assert_eq!((got[0].1.as_str(), got[0].2), (want, "typo-latin-ocr"));
        }
        // Not at the start or the end of a word, and not another extra letter (`ltrace`,
        // `nowadlays`): those stay suggestions or nothing.
        // Recurring, as once (`recurring_misread` asks the same question).
        assert_eq!(
            applied("We examiple one case. The examiple shows it.")
                .iter()
                .map(|f| f.1.as_str())
                .collect::<Vec<_>>(),
            ["example", "example"]
        );
        assert!(speck_letter("wouild", "would"));
        assert!(!speck_letter("iwould", "would") && !speck_letter("wouldi", "would"));
        assert!(!speck_letter("nowadlays", "nowadays"));
        assert!(applied("Trace it with ltrace and strace today.").is_empty());
    }

    #[test]
    fn a_look_alike_of_a_recurring_word_is_applied() {
        let t = "Debian runs here. Debian is free. Install Debian today. Debian 12 is out. \
                 The Deblan archive and the Debtan mirrors.";
        assert_eq!(
            applied(t),
            vec![
                ("Deblan".into(), "Debian".into(), "typo-latin-ocr"),
                ("Debtan".into(), "Debian".into(), "typo-latin-ocr"),
            ]
        );
        // Another edit (a letter dropped) stays a suggestion.
        let t = "package package package package; the pakage is here";
        let f = correct(t);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(!f[0].apply && f[0].rule == "typo-latin", "{f:?}");
    }

    #[test]
    fn a_recurring_word_in_another_case_is_no_misread() {
        // `debian` in a host name, `Unstable` at the start of a sentence: the word that recurs
        // in another case is no evidence of a misread.
        let t = "Debian is free. Debian runs here. Install Debian. Debian 12 is out. See \
                 security.debian.org for updates. Unstable is a branch: unstable, unstable, \
                 unstable and unstable.";
        assert!(correct(t).is_empty(), "{:?}", correct(t));
    }

    #[test]
    fn contractions_manual_pages_and_american_spellings_are_words() {
        for t in [
            "Users shouldn't be using packages from there, and they wouldn’t either.",
            "Configure the console with ncurses(3) and read passwd (5) first.",
            "Let users choose their favorite tools when there are two of them.",
        ] {
            assert!(correct(t).is_empty(), "{t}: {:?}", correct(t));
        }
        // A misread letter in a manual page's name is still corrected.
        assert_eq!(
            applied("Record the session with seript(1) and replay it."),
            vec![("seript".into(), "script".into(), "typo-latin-ocr")]
        );
    }

    #[test]
    fn the_filter_passes_every_listed_word_and_edit_hashes_are_those_of_the_spellings() {
        let filter = english_filter();
        let hash = |w: &[u8]| w.iter().fold(0, |h, &b| poly_push(h, b));
        for line in EN_WORDS.lines() {
            let word = line.split_once(' ').unwrap().0.as_bytes();
            assert!(filter.may_contain(hash(word), word.len()), "{line}");
        }
        let word = b"availabie";
        let (poly, n) = (Poly::new(word), word.len());
        for i in 0..n {
            for j in i..=n {
                assert_eq!(poly.range(i, j), hash(&word[i..j]));
            }
            let deleted = [&word[..i], &word[i + 1..]].concat();
            assert_eq!(poly.then(poly.pre[i], i + 1, n), hash(&deleted));
            let inserted = [&word[..i], b"x", &word[i..]].concat();
            assert_eq!(
                poly.then(poly_push(poly.pre[i], b'x'), i, n),
                hash(&inserted)
            );
        }
        // The near-miss search finds what looking up every spelling one edit away finds.
        let brute = |t: &str| {
            let b = t.as_bytes();
            let mut cands: Vec<(u64, String)> = Vec::new();
            let mut spellings: Vec<Vec<u8>> = Vec::new();
            for i in 0..=b.len() {
                if i < b.len() {
                    spellings.push([&b[..i], &b[i + 1..]].concat());
                    if i + 1 < b.len() {
                        let mut w = b.to_vec();
                        w.swap(i, i + 1);
                        spellings.push(w);
                    }
                }
                for c in b'a'..=b'z' {
                    spellings.push([&b[..i], &[c], &b[i..]].concat());
                    if i < b.len() && b[i] != c {
                        let mut w = b.to_vec();
                        w[i] = c;
                        spellings.push(w);
                    }
                }
            }
            for w in spellings {
                let w = String::from_utf8(w).unwrap();
                let f = english_freq(&w);
                if f >= DICT_MIN_FREQ && !cands.iter().any(|(_, x)| *x == w) {
                    cands.push((f, w));
                }
            }
            cands.sort_by_key(|c| std::cmp::Reverse(c.0));
            let first = cands.first()?;
            let clear = cands.get(1).is_none_or(|s| s.0 * 10 < first.0);
            clear.then(|| first.1.clone())
        };
        for t in [
            "availabie",
            "contfol",
            "pakcage",
            "athers",
            "anddistribute",
            "wouild",
            "regukir",
            "mariagement",
            "abuot",
            "peopel",
            "xqzvwk",
            "aboutt",
            "nanie",
            "peoplle",
            "tbe",
        ] {
            // The search's own conditions (five lowercase letters or more, no word itself).
            if t.len() < MIN_SUGGEST_LEN - 1 {
                assert_eq!(dictionary_near_miss(t), None);
                continue;
            }
            assert_eq!(dictionary_near_miss(t), brute(t), "{t}");
        }
        // Listed words with one letter changed, dropped, added or swapped.
        for line in EN_WORDS.lines().step_by(211) {
            let w = line.split_once(' ').unwrap().0.as_bytes();
            if w.len() < MIN_SUGGEST_LEN - 1 || !w.iter().all(u8::is_ascii_lowercase) {
                continue;
            }
            let m = w.len() / 2;
            let mut swapped = w.to_vec();
            swapped.swap(m - 1, m);
            for t in [
                [&w[..m], b"x", &w[m + 1..]].concat(),
                [&w[..m], &w[m + 1..]].concat(),
                [&w[..m], b"e", &w[m..]].concat(),
                swapped,
            ] {
                let t = String::from_utf8(t).unwrap();
                if t.len() >= MIN_SUGGEST_LEN - 1 && english_freq(&t) == 0 {
                    assert_eq!(dictionary_near_miss(&t), brute(&t), "{t}");
                }
            }
        }
        assert_eq!(
            dictionary_near_miss("availabie").as_deref(),
            Some("available")
        );
    }

    #[test]
    fn the_memo_gives_the_corrections_of_the_text_as_it_is() {
        let text = "the cat and the dog. tl1e end of the story. Debian is free; Deb1an runs.\n\n\
                    Please 0pen the file, it is availabie in the pakcage.";
        let moved = text.replace("\n\n", "\n").replace(". ", ".  ");
        let fixed = text.replace("tl1e", "the");
        let glued = text.replace(" is free", "是free");
        let mut last = None;
        for t in [text, text, &moved, &fixed, &glued, text] {
            assert_eq!(correct_memo(t, &mut last), correct(t), "{t}");
        }
        assert!(correct(&moved).iter().filter(|f| f.apply).count() >= 3);
    }

    /// The token scan as it was, a byte at a time.
    fn tokens_bytewise(text: &str) -> Vec<(usize, &str)> {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        loop {
            while i < bytes.len() && !bytes[i].is_ascii_alphanumeric() {
                i += 1;
            }
            if i >= bytes.len() {
                return out;
            }
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                i += 1;
            }
            let glued = |b: Option<&u8>| b.is_some_and(|b| *b >= 0x80);
            if (start > 0 && glued(bytes.get(start - 1))) || glued(bytes.get(i)) {
                continue;
            }
            let t = &text[start..i];
            if t.bytes().any(|b| b.is_ascii_alphabetic()) {
                out.push((start, t));
            }
        }
    }

    /// Every string of at most `n` of `parts` one after another (the empty one included).
    fn concatenations(parts: &[&str], n: usize) -> Vec<String> {
        let mut all = vec![String::new()];
        let mut last = all.clone();
        for _ in 0..n {
            last = last
                .iter()
                .flat_map(|t| parts.iter().map(move |p| format!("{t}{p}")))
                .collect();
            all.extend(last.iter().cloned());
        }
        all
    }

    #[test]
    fn the_token_scan_passes_over_chinese_text_and_finds_every_token() {
        let pieces = [
            "中文",
            "的",
            "Debian",
            " ",
            "12",
            "x86",
            "，",
            "。",
            "\n",
            "rn",
            "é",
            "a",
            "1",
            "(",
            "ü",
            "GNU/Linux",
            "  ",
            "用户",
            "tl1e",
            "𠀀",
            "-",
        ];
        // Every text of up to four pieces, and longer ones from a fixed sequence of pieces.
        let mut texts = concatenations(&pieces, 4);
        let mut x = 7usize;
        for _ in 0..500 {
            let mut t = String::new();
            for _ in 0..40 {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                t.push_str(pieces[(x >> 33) % pieces.len()]);
            }
            texts.push(t);
        }
        for t in &texts {
            assert_eq!(tokens(t), tokens_bytewise(t), "{t:?}");
        }
    }

    /// What the text around each token says, as it was read: with `str` methods.
    fn around_by_str(text: &str, toks: &[(usize, &str)]) -> Vec<u8> {
        let b = text.as_bytes();
        let mut prev_end = None;
        toks.iter()
            .map(|&(start, t)| {
                let end = start + t.len();
                let mut flags = 0;
                if prev_end.is_some_and(|e| text.get(e..start) == Some(" ")) {
                    flags |= SPACED;
                }
                prev_end = Some(end);
                let rest = &text[end..];
                let after_apostrophe = rest
                    .strip_prefix('\'')
                    .or_else(|| rest.strip_prefix('\u{2019}'));
                if let Some(after) = after_apostrophe {
                    let n = after.bytes().take_while(u8::is_ascii_alphabetic).count();
                    if (1..=3).contains(&n) && english_freq(&format!("{t}'{}", &after[..n])) > 0 {
                        flags |= CONTRACTION;
                    }
                }
                let paren = b[end..].iter().position(|&c| c != b' ').map(|i| end + i);
                if paren.is_some_and(|i| {
                    i - end <= 1 && b[i] == b'(' && b.get(i + 1).is_some_and(u8::is_ascii_digit)
                }) {
                    flags |= MAN_PAGE;
                }
                flags
            })
            .collect()
    }

    /// Whether each token stands in English text, as it was found: windows of every token.
    fn english_context_by_windows(toks: &[(usize, &str)]) -> Vec<bool> {
        let is = |t: &str, list: &[&str]| list.iter().any(|w| w.eq_ignore_ascii_case(t));
        (0..toks.len())
            .map(|i| {
                let window = &toks[i.saturating_sub(40)..(i + 41).min(toks.len())];
                let e = window.iter().filter(|t| is(t.1, EN_STOP)).count();
                let o = window.iter().filter(|t| is(t.1, OTHER_STOP)).count();
                o == 0 || e >= 2 * o
            })
            .collect()
    }

    #[test]
    fn what_the_text_around_says_and_which_tokens_are_english() {
        let pieces = [
            "shouldn", "'", "\u{2019}", "t", "ve", "passwd", " ", "  ", "(", "5", ")", "的", "the",
            "der", "und", "et", "of", "Die", "THE", "x", "\n",
        ];
        let mut x = 11usize;
        let mut texts: Vec<String> = Vec::new();
        for len in [3, 10, 200, 400] {
            for _ in 0..300 {
                let mut t = String::new();
                for _ in 0..len {
                    x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                    t.push_str(pieces[(x >> 33) % pieces.len()]);
                }
                texts.push(t);
            }
        }
        texts.push("Users shouldn't, they wouldn\u{2019}t; see passwd (5) and ncurses(3).".into());
        for t in &texts {
            let toks = tokens(t);
            assert_eq!(around(t, &toks), around_by_str(t, &toks), "{t:?}");
            assert_eq!(
                english_context(&toks),
                english_context_by_windows(&toks),
                "{t:?}"
            );
        }
    }

    /// The OCR variants as they were made: every prefix, extended a piece at a time.
    fn ocr_variants_by_prefixes(t: &str) -> Vec<String> {
        let mut out = vec![String::new()];
        let b = t.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let opts = ocr_readings(t, i);
            let (opts, step): (Vec<&str>, usize) = if opts.is_empty() {
                (vec![&t[i..i + 1]], 1)
            } else {
                (opts.to_vec(), opts[0].len())
            };
            let mut next = Vec::with_capacity(out.len() * opts.len());
            for prefix in &out {
                for o in &opts {
                    if next.len() < 64 {
                        next.push(format!("{prefix}{o}"));
                    }
                }
            }
            out = next;
            i += step;
        }
        out
    }

    #[test]
    fn ocr_variants_are_those_made_prefix_by_prefix() {
        let parts = [
            "rn", "cl", "vv", "l1", "1", "0", "5", "a", "l", "r", "n", "c", "v", "x",
        ];
        let mut tokens = concatenations(&parts, 4);
        tokens.extend(
            [
                "tl1e",
                "cornrnittee",
                "1l1l1l1l",
                "0O0o5s5S1",
                "rnrnrnrnrnrnrn",
            ]
            .map(String::from),
        );
        for t in &tokens {
            assert_eq!(ocr_variants(t), ocr_variants_by_prefixes(t), "{t}");
        }
    }

    #[test]
    fn the_function_word_table_holds_the_lists() {
        for (list, flag) in [(EN_STOP, 1), (OTHER_STOP, 2)] {
            for w in list {
                assert!(word_flags(&STOP_TABLE, lower_key(w)) & flag != 0, "{w}");
                assert!(word_flags(&STOP_TABLE, lower_key(&w.to_uppercase())) & flag != 0);
            }
        }
        for line in EN_WORDS.lines().step_by(5) {
            let w = line.split_once(' ').unwrap().0;
            if w.len() <= 7 {
                let want =
                    u8::from(EN_STOP.contains(&w)) | (u8::from(OTHER_STOP.contains(&w)) << 1);
                assert_eq!(word_flags(&STOP_TABLE, lower_key(w)), want, "{w}");
            }
        }
        let mut words: Vec<String> = EN_WORDS
            .lines()
            .map(|l| l.split_once(' ').unwrap().0.to_string())
            .filter(|w| w.len() <= 9)
            .collect();
        words.extend(FUNCTION_WORDS.iter().map(|w| w.to_uppercase()));
        words.extend(["", "A", "Of", "tHe", "WITH", "withs", "th", "o", "ands"].map(String::from));
        for w in &words {
            let want = FUNCTION_WORDS.iter().any(|f| f.eq_ignore_ascii_case(w));
            assert_eq!(is_function_word(w), want, "{w}");
        }
    }

    /// An index's slots built as they were: the key's bytes found first, then hashed.
    fn index_slots_two_passes(list: &'static str, fields: usize) -> Vec<u32> {
        let text = list.as_bytes();
        let lines = text.iter().filter(|&&b| b == b'\n').count() + 1;
        let n = (lines * 2).next_power_of_two();
        let mut slots = vec![0u32; n];
        let shift = 64 - n.trailing_zeros();
        let mut i = 0;
        while i < text.len() {
            let start = i;
            for field in 0..fields {
                if field > 0 && i < text.len() && text[i] == b' ' {
                    i += 1;
                }
                while i < text.len() && text[i] != b' ' && text[i] != b'\n' {
                    i += 1;
                }
            }
            if i > start {
                let mut slot = (word_hash(&text[start..i]) >> shift) as usize;
                while slots[slot] != 0 {
                    slot = (slot + 1) & (n - 1);
                }
                slots[slot] = start as u32 + 1;
            }
            while i < text.len() && text[i] != b'\n' {
                i += 1;
            }
            i += 1;
        }
        slots
    }

    #[test]
    fn the_indexes_and_filters_are_those_built_the_plain_way() {
        assert_eq!(english_index().slots, index_slots_two_passes(EN_WORDS, 1));
        assert_eq!(
            EnglishIndex::build(EN_BIGRAMS, 2).slots,
            index_slots_two_passes(EN_BIGRAMS, 2)
        );
        // Lines of other shapes: fields apart by two spaces, a leading space, no frequency,
        // a line break alone, no final line break.
        for list in [
            "a  b 5\n a 3\nab\n\nx y\r\nz",
            " \n  \nq r s 9\nq r 8",
            "one 1\ntwo  2\nthree 3 4",
        ] {
            for fields in 1..=3 {
                assert_eq!(
                    EnglishIndex::build(list, fields).slots,
                    index_slots_two_passes(list, fields),
                    "{list:?} {fields}"
                );
            }
        }
        // The near-miss keys, from the words as `str` methods split and parse them.
        let mut f = WordFilter::new(22);
        for line in EN_WORDS.lines() {
            let Some((word, freq)) = line.split_once(' ') else {
                continue;
            };
            assert!(word.len() <= Poly::MAX, "{word}");
            if freq.trim().parse::<u64>().unwrap_or(0) < DICT_MIN_FREQ {
                continue;
            }
            let (b, n) = (word.as_bytes(), word.len());
            let poly = Poly::new(b);
            f.insert(poly.pre[n], n);
            for i in 0..n {
                f.insert(poly.then(poly.pre[i], i + 1, n), n - 1);
            }
        }
        assert!(f.bits == near_miss_filter().bits);
        let mut f = WordFilter::new(WordFilter::BITS);
        for line in EN_WORDS.lines() {
            let word = line.split(' ').next().unwrap().as_bytes();
            f.insert(word.iter().fold(0, |h, &b| poly_push(h, b)), word.len());
        }
        assert!(f.bits == english_filter().bits);
        // The lines as found a byte at a time.
        let naive = |text: &[u8]| {
            let (mut out, mut i) = (Vec::new(), 0);
            while i < text.len() {
                let start = i;
                while i < text.len() && text[i] != b' ' && text[i] != b'\n' {
                    i += 1;
                }
                let first = i;
                while i < text.len() && text[i] != b'\n' {
                    i += 1;
                }
                out.push((start, first, i));
                i += 1;
            }
            out
        };
        for text in [
            "ab cd\nefghijklmnop\n\nq 1 2\nrstuvwxyzabcdefgh 12345678901\nz",
            "",
            "\n\n",
            " x\n   \nabcdefghijkl",
            "abcdefgh abcdefghijklmnopq\n",
        ] {
            let lines: Vec<_> = list_lines(text.as_bytes()).collect();
            assert_eq!(lines, naive(text.as_bytes()), "{text:?}");
        }
        assert!(list_lines(EN_WORDS.as_bytes()).eq(naive(EN_WORDS.as_bytes())));
        for text in [
            EN_WORDS,
            EN_BIGRAMS,
            "",
            "\n",
            "a\nb\n\n\ncdefghijklmnop\nq\n",
        ] {
            let want = text.bytes().filter(|&b| b == b'\n').count();
            assert_eq!(count_line_breaks(text.as_bytes()), want);
            // Past the 255 sums held at once, and at every alignment.
            let times = if text.len() > 1000 { 2 } else { 300 };
            let many = format!("x{}", text.repeat(times));
            assert_eq!(count_line_breaks(many.as_bytes()), want * times);
        }
        assert_eq!(count_line_breaks(&[b'\n'; 8 * 600]), 8 * 600);
        for rest in [
            " 123\n",
            " 123",
            " 0\n",
            " 12a\n",
            " \n",
            " 99999999999999999999\n",
            "  7 \n",
        ] {
            let want = rest[1..]
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .parse()
                .unwrap_or(0);
            assert_eq!(parse_freq(rest.as_bytes()), want, "{rest:?}");
        }
    }

    #[test]
    fn the_lists_are_sorted_and_their_search_finds_what_the_index_finds() {
        for (list, fields) in [(EN_WORDS, 1), (EN_BIGRAMS, 2)] {
            let key = |line: &'static str| {
                let mut at = line.match_indices(' ').map(|(i, _)| i);
                &line[..at.nth(fields - 1).unwrap()]
            };
            let keys: Vec<&str> = list.lines().map(key).collect();
            assert!(keys.windows(2).all(|w| w[0] < w[1]));
            let index = EnglishIndex::build(list, fields);
            let mut asked: Vec<String> = Vec::new();
            for k in keys.iter().step_by(13) {
                asked.push(k.to_string());
                asked.push(format!("{k}s"));
                asked.push(k[..k.len() - 1].to_string());
            }
            asked.extend(
                [
                    "",
                    "a",
                    "zzzz",
                    "zzzz zzzz",
                    "a a",
                    "the",
                    "of the",
                    " ",
                    "\n",
                ]
                .map(String::from),
            );
            for k in &asked {
                let k = k.as_bytes();
                assert_eq!(sorted_freq(list, fields - 1, k), index.freq(k), "{k:?}");
            }
        }
    }

    #[test]
    fn the_deletion_index_finds_what_one_keyed_by_spellings_finds() {
        let deletions = |w: &str| -> Vec<String> {
            (0..w.len())
                .map(|i| [&w[..i], &w[i + 1..]].concat())
                .collect()
        };
        // Words that recur, some one edit apart, some with a repeated letter (`book`: two
        // deletions are `bok`), in several cases; and tokens near them and not.
        let words = [
            "package", "packages", "pakage", "Package", "debian", "Debian", "Debtan", "book",
            "booke", "bookk", "system", "systen", "sytsem", "mirror", "mirrors", "aaaaa", "aaaa",
            "aaaaaa", "server", "severs",
        ];
        let mut text = String::new();
        for (i, w) in words.iter().enumerate() {
            for _ in 0..(2 + i % 4) {
                text.push_str(w);
                text.push(' ');
            }
        }
        let toks = tokens(&text);
        let mut counts: FxMap<&str, u32> = FxMap::default();
        for &(_, t) in &toks {
            *counts.entry(t).or_insert(0) += 1;
        }
        let mut by_spelling: FxMap<String, Vec<&str>> = FxMap::default();
        for (&w, &n) in &counts {
            if n >= MIN_SUGGEST_EVIDENCE && w.len() >= MIN_SUGGEST_LEN - 1 && is_letters(w) {
                for d in deletions(w) {
                    by_spelling.entry(d).or_default().push(w);
                }
                by_spelling.entry(w.to_string()).or_default().push(w);
            }
        }
        let mut buf = DeletionKeys::default();
        let index = Deletes::build(counts.iter().map(|(&w, &n)| (w, n)), &mut buf);
        let mut asked: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        for w in words {
            asked.extend(deletions(w));
            asked.push(format!("{w}s"));
            asked.push(format!("x{w}"));
        }
        for t in &asked {
            let mut want = Vec::new();
            let keys = std::iter::once(t.to_string()).chain(deletions(t));
            for k in keys {
                want.extend(by_spelling.get(&k).into_iter().flatten().copied());
            }
            let mut got = Vec::new();
            index.sharing(t, &mut buf, |w| got.push(w));
            assert_eq!(got, want, "{t}");
        }
        assert!(same_deletion(b"book", 1, b"book", 2) && !same_deletion(b"book", 0, b"book", 1));
        assert!(same_deletion(b"bok", 3, b"book", 1) && !same_deletion(b"bok", 3, b"book", 4));
    }

    #[test]
    fn edit_distance_helper() {
        assert!(within_one_edit("pakcage", "package"));
        assert!(within_one_edit("packge", "package"));
        assert!(within_one_edit("packagr", "package"));
        assert!(!within_one_edit("pkcgae", "package"));
    }
}
