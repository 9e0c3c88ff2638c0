//! Read-only reader of KenLM binary language models (binary format version 5).
//!
//! KenLM (<https://kheafield.com/code/kenlm/>) writes an n-gram backoff model as one file that it
//! maps into memory and queries in place. This module reads the same file the same way: the bytes
//! are loaded once and every query decodes the tables where they lie, so a model costs its file
//! size and nothing else (the only heap structures are a few per-order descriptors).
//!
//! Supported data structures (the `model_type` of the header):
//!
//! | type | name                   | supported |
//! |------|------------------------|-----------|
//! | 0    | probing                | no        |
//! | 1    | probing with rest costs| no        |
//! | 2    | trie                   | yes       |
//! | 3    | quantized trie         | yes       |
//! | 4    | trie, array pointers   | yes       |
//! | 5    | quantized array trie   | yes       |
//!
//! fcitx/libime's Chinese word trigram model `zh_CN.lm` is type 5.
//!
//! # Layout (as written by KenLM's `build_binary`, little-endian machines)
//!
//! - Header: the 56-byte magic `mmap lm http://kheafield.com/code format version 5\n`, sanity
//!   values (`0.0f`, `1.0f`, `-0.5f`, `1u32`, `u32::MAX`, pad, `1u64`), then the fixed parameters
//!   (order `u8`, probing multiplier `f32`, model type `u32`, has-vocabulary `bool`, search
//!   version `u32`; 20 bytes with C padding) and one `u64` count per order, padded to 8 bytes.
//! - Vocabulary: a `u64` count, then the sorted 64-bit MurmurHash64A hashes of the words (seed 0);
//!   the id of a word is its position + 1 (`<unk>` is 0 and is not in the table).
//! - Search (trie, stored *reversed*: an n-gram `a b c` is reached from `c` through `b` to `a`):
//!   optional quantization tables, the unigram array (`prob f32, backoff f32, next u64` per word
//!   plus end sentinels), one bit-packed table per middle order (word id, probability and backoff,
//!   pointer to the next order; with "array" compression the high bits of the pointers live in a
//!   separate sorted `u64` array) and the bit-packed highest order (word id, probability).
//! - After the search data, when the header says so, the vocabulary strings in id order, each
//!   followed by NUL.
//!
//! Scores follow KenLM's backoff semantics exactly (`FullScoreForgotState` of `lm/model.cc`):
//! the longest matching n-gram gives the probability, and the backoff weights of the context
//! n-grams longer than the match are added. On `zh_CN.lm` and on fixtures of the four trie types
//! the scores are bit-identical to the python `kenlm` module's.
//!
//! Limitations: probing models (types 0 and 1) and ARPA text files are refused with a clear
//! error; files built on big-endian machines are refused ([`LmError::ForeignBuild`]: KenLM's bit
//! packing differs there). A model without `<s>` and `</s>` (libime's has neither) maps them to
//! `<unk>`, as KenLM does. Damaged data inside the tables is not detected when opening (that
//! would mean reading every table) but never makes a query panic: reads past the end are zeros.

use std::fmt;
use std::path::{Path, PathBuf};

/// The magic string (without its trailing NULs) that starts every version 5 binary.
const MAGIC: &[u8] = b"mmap lm http://kheafield.com/code format version 5\n";
/// What precedes the version number in every KenLM binary, of any version.
const MAGIC_BEFORE_VERSION: &[u8] = b"mmap lm http://kheafield.com/code format version";
/// A binary whose build did not finish starts with this.
const MAGIC_INCOMPLETE: &[u8] = b"mmap lm http://kheafield.com/code incomplete\n";
/// Size of the sanity block: the magic padded to 56 bytes, then the test values.
const SANITY_SIZE: usize = 88;
/// Size of the fixed parameters (order, probing multiplier, model type, has vocabulary, search
/// version) with C struct padding.
const FIXED_SIZE: usize = 20;
/// The largest order accepted (KenLM's default build supports 6; larger ones are rare).
const MAX_ORDER: usize = 16;
/// Bytes of one unigram record: probability, backoff, pointer into the bigrams.
const UNIGRAM_RECORD: u64 = 16;

/// The data structure of a KenLM binary (`model_type` in its header).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelType {
    /// Trie with full-precision values and plain pointers (KenLM `TRIE`, 2).
    Trie,
    /// Trie with quantized values (KenLM `QUANT_TRIE`, 3).
    QuantTrie,
    /// Trie with array-compressed pointers (KenLM `ARRAY_TRIE`, 4).
    ArrayTrie,
    /// Trie with quantized values and array-compressed pointers (KenLM `QUANT_ARRAY_TRIE`, 5).
    QuantArrayTrie,
}

impl ModelType {
    /// The number KenLM stores in the header.
    pub fn code(self) -> u32 {
        match self {
            ModelType::Trie => 2,
            ModelType::QuantTrie => 3,
            ModelType::ArrayTrie => 4,
            ModelType::QuantArrayTrie => 5,
        }
    }

    fn quantized(self) -> bool {
        matches!(self, ModelType::QuantTrie | ModelType::QuantArrayTrie)
    }

    fn array_pointers(self) -> bool {
        matches!(self, ModelType::ArrayTrie | ModelType::QuantArrayTrie)
    }
}

/// KenLM's names of its model types, by header code.
const MODEL_NAMES: [&str; 6] = [
    "probing hash tables",
    "probing hash tables with rest costs",
    "trie",
    "trie with quantization",
    "trie with array-compressed pointers",
    "trie with quantization and array-compressed pointers",
];

/// Why a file could not be opened as a KenLM binary model.
#[derive(Debug)]
pub enum LmError {
    /// The file does not exist.
    NotFound(PathBuf),
    /// The file exists but could not be read.
    Io(PathBuf, std::io::Error),
    /// The file does not start with KenLM's binary magic (an ARPA file, or something else).
    NotKenLm,
    /// A KenLM binary of another format version (this reader knows version 5).
    UnsupportedVersion(String),
    /// `build_binary` did not finish writing this file.
    Incomplete,
    /// The magic matches but the sanity values do not: built on a machine of another byte
    /// order or word size, or damaged.
    ForeignBuild,
    /// A model type this reader does not implement (probing hash tables) or does not know.
    UnsupportedModelType(u32),
    /// The header or the data are inconsistent.
    Corrupt(String),
    /// The file is shorter than its header says.
    Truncated {
        /// Bytes the header implies.
        expected: u64,
        /// Bytes in the file.
        actual: u64,
    },
}

impl fmt::Display for LmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LmError::NotFound(path) => write!(f, "language model {} not found", path.display()),
            LmError::Io(path, err) => {
                write!(f, "cannot read language model {}: {err}", path.display())
            }
            LmError::NotKenLm => write!(
                f,
                "not a KenLM binary language model (ARPA files must be converted with build_binary)"
            ),
            LmError::UnsupportedVersion(version) => write!(
                f,
                "KenLM binary format version {version} is not supported (only version 5)"
            ),
            LmError::Incomplete => write!(f, "KenLM binary file did not finish building"),
            LmError::ForeignBuild => write!(
                f,
                "KenLM binary sanity values do not match: built for another byte order or word \
                 size, or damaged"
            ),
            LmError::UnsupportedModelType(code) => match MODEL_NAMES.get(*code as usize) {
                Some(name) => write!(
                    f,
                    "unsupported KenLM model type {code} ({name}); rebuild with `build_binary \
                     trie` (only trie models are read)"
                ),
                None => write!(f, "unknown KenLM model type {code}"),
            },
            LmError::Corrupt(what) => write!(f, "corrupt KenLM binary: {what}"),
            LmError::Truncated { expected, actual } => write!(
                f,
                "truncated KenLM binary: {actual} bytes, the header implies at least {expected}"
            ),
        }
    }
}

impl std::error::Error for LmError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LmError::Io(_, err) => Some(err),
            _ => None,
        }
    }
}

/// The result of scoring one word: its log10 probability and the length of the n-gram that
/// matched (1 for a unigram, up to the order).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    /// log10 P(word | context), backoff weights included.
    pub log10_prob: f32,
    /// Length of the longest n-gram found (the word and `ngram_length - 1` context words).
    pub ngram_length: u8,
}

/// Geometry of one bit-packed table (a middle order or the highest order).
#[derive(Debug, Clone, Copy)]
struct Packed {
    /// Byte offset of the bit array in the file.
    base: usize,
    word_bits: u8,
    word_mask: u64,
    total_bits: u8,
    /// Number of n-grams (records) in the table.
    entries: u64,
}

/// How a middle table stores the pointers to the next order.
#[derive(Debug, Clone, Copy)]
enum NextPointers {
    /// The whole pointer inline.
    Plain { mask: u64 },
    /// Low `bits` inline; the high part is the position in a sorted array of `u64` record
    /// indices (`offsets` byte offset, `count` entries): KenLM's `ArrayBhiksha`.
    Array {
        bits: u8,
        mask: u64,
        offsets: usize,
        count: usize,
    },
}

#[derive(Debug, Clone, Copy)]
struct Middle {
    packed: Packed,
    /// Bits of the value (probability and backoff) between the word and the pointer.
    value_bits: u8,
    next: NextPointers,
}

/// Quantization: bit widths and the byte offsets of the float tables of each order.
#[derive(Debug, Clone)]
struct Quant {
    prob_bits: u8,
    backoff_bits: u8,
    /// Per middle order: (probability table, backoff table).
    middle: Vec<(usize, usize)>,
    longest: usize,
}

/// A KenLM binary language model of a trie type, read in place.
///
/// ```no_run
/// use ocrtidy_typo::kenlm::KenLm;
/// let lm = KenLm::open("zh_CN.lm")?;
/// let context = [lm.bos()];
/// let word = lm.index("我们").unwrap_or(lm.unk());
/// let p = lm.score(&context, word); // log10 P(我们 | <s>)
/// let total = lm.sentence_logprob(&["我们", "是"], true, true);
/// # let _ = (p, total);
/// # Ok::<(), ocrtidy_typo::kenlm::LmError>(())
/// ```
pub struct KenLm {
    data: Vec<u8>,
    model_type: ModelType,
    counts: Vec<u64>,
    /// Byte offset of the first vocabulary hash.
    vocab: usize,
    /// Number of hashes (words other than `<unk>`).
    vocab_len: usize,
    /// Byte offset of the unigram records.
    unigrams: usize,
    middles: Vec<Middle>,
    longest: Packed,
    quant: Option<Quant>,
    /// Byte range of the NUL-terminated vocabulary strings, when present.
    strings: Option<(usize, usize)>,
    bos: u32,
    eos: u32,
}

impl fmt::Debug for KenLm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KenLm")
            .field("model_type", &self.model_type)
            .field("counts", &self.counts)
            .field("bytes", &self.data.len())
            .finish()
    }
}

fn align8(n: u64) -> Option<u64> {
    n.checked_add(7).map(|n| n & !7)
}

/// Bits needed to store integers up to `max` (KenLM's `RequiredBits`: 0 for 0).
fn required_bits(max: u64) -> u8 {
    (64 - max.leading_zeros()) as u8
}

fn mask(bits: u8) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}

/// Bits KenLM's array pointer compression chops off the inline pointers (`ChopBits` of
/// `lm/bhiksha.cc`), for `max_offset` records pointing up to `max_next`.
fn chop_bits(max_offset: u64, max_next: u64, configured: u8) -> u8 {
    let required = required_bits(max_next);
    let mut best = 0;
    let mut lowest = i64::MAX;
    for chop in 0..=required.min(configured) {
        // KenLM computes this in unsigned 64-bit arithmetic and stores it in an int64.
        let change = ((max_next >> (required - chop)).wrapping_mul(64))
            .wrapping_sub(max_offset.wrapping_mul(u64::from(chop))) as i64;
        if change < lowest {
            lowest = change;
            best = chop;
        }
    }
    best
}

/// Entries of the pointer array (`ArrayCount` of `lm/bhiksha.cc`).
fn array_count(max_offset: u64, max_next: u64, configured: u8) -> u64 {
    let required = required_bits(max_next);
    let chop = chop_bits(max_offset, max_next, configured);
    (max_next >> (required - chop)) + 1
}

/// Bytes of a bit-packed table of `entries` records of `total_bits` (one extra record for the
/// final pointer, rounded up, plus 8 bytes of slack for 64-bit reads).
fn packed_size(entries: u64, total_bits: u8) -> Option<u64> {
    entries
        .checked_add(1)?
        .checked_mul(u64::from(total_bits))?
        .checked_add(7)
        .map(|bits| bits / 8 + 8)
}

/// MurmurHash64A with seed 0, the hash of KenLM's sorted vocabulary.
fn murmur64a(key: &[u8]) -> u64 {
    const M: u64 = 0xc6a4_a793_5bd1_e995;
    const R: u32 = 47;
    let mut h = (key.len() as u64).wrapping_mul(M);
    let mut chunks = key.chunks_exact(8);
    for chunk in &mut chunks {
        let mut k = u64::from_le_bytes(chunk.try_into().expect("8-byte chunk"));
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h ^= k;
        h = h.wrapping_mul(M);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        for (i, &b) in rest.iter().enumerate() {
            h ^= u64::from(b) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> R;
    h = h.wrapping_mul(M);
    h ^= h >> R;
    h
}

/// Little-endian `u64` at byte offset `at`, zero-padded past the end (never panics).
#[inline]
fn read_u64(data: &[u8], at: usize) -> u64 {
    match data.get(at..at.wrapping_add(8)) {
        Some(bytes) => u64::from_le_bytes(bytes.try_into().expect("8 bytes")),
        None => {
            let mut buf = [0u8; 8];
            if let Some(tail) = data.get(at..) {
                let n = tail.len().min(8);
                buf[..n].copy_from_slice(&tail[..n]);
            }
            u64::from_le_bytes(buf)
        }
    }
}

#[inline]
fn read_u32(data: &[u8], at: usize) -> u32 {
    read_u64(data, at) as u32
}

#[inline]
fn read_f32(data: &[u8], at: usize) -> f32 {
    f32::from_bits(read_u32(data, at))
}

/// Up to 57 bits at bit offset `bit` from byte offset `base` (KenLM's `ReadInt57`).
#[inline]
fn read_bits(data: &[u8], base: usize, bit: u64, mask: u64) -> u64 {
    let at = base.wrapping_add((bit >> 3) as usize);
    (read_u64(data, at) >> (bit & 7)) & mask
}

impl KenLm {
    /// Reads the model at `path` into memory and checks its header and table sizes.
    pub fn open(path: impl AsRef<Path>) -> Result<KenLm, LmError> {
        let path = path.as_ref();
        let data = std::fs::read(path).map_err(|err| {
            if err.kind() == std::io::ErrorKind::NotFound {
                LmError::NotFound(path.to_path_buf())
            } else {
                LmError::Io(path.to_path_buf(), err)
            }
        })?;
        KenLm::from_bytes(data)
    }

    /// Reads a model from the bytes of a binary file.
    pub fn from_bytes(data: Vec<u8>) -> Result<KenLm, LmError> {
        check_magic(&data)?;
        let len = data.len() as u64;
        let truncated = |expected: u64| LmError::Truncated {
            expected,
            actual: len,
        };
        let fixed = SANITY_SIZE;
        if data.len() < fixed + FIXED_SIZE {
            return Err(truncated((fixed + FIXED_SIZE) as u64));
        }
        let order = usize::from(data[fixed]);
        let model_code = read_u32(&data, fixed + 8);
        let has_vocabulary = data[fixed + 12] != 0;
        let search_version = read_u32(&data, fixed + 16);
        let model_type = match model_code {
            2 => ModelType::Trie,
            3 => ModelType::QuantTrie,
            4 => ModelType::ArrayTrie,
            5 => ModelType::QuantArrayTrie,
            other => return Err(LmError::UnsupportedModelType(other)),
        };
        if search_version != 1 {
            return Err(LmError::Corrupt(format!(
                "trie search version {search_version}, expected 1"
            )));
        }
        if !(2..=MAX_ORDER).contains(&order) {
            return Err(LmError::Corrupt(format!(
                "order {order} (supported: 2 to {MAX_ORDER})"
            )));
        }
        let counts_at = fixed + FIXED_SIZE;
        let header_size = align8((counts_at + 8 * order) as u64).expect("small");
        if len < header_size {
            return Err(truncated(header_size));
        }
        let counts: Vec<u64> = (0..order)
            .map(|i| read_u64(&data, counts_at + 8 * i))
            .collect();
        if counts[0] == 0 || counts[0] > u64::from(u32::MAX) {
            return Err(LmError::Corrupt(format!("{} unigrams", counts[0])));
        }
        if let Some(i) = counts.iter().position(|&c| c >= 1 << 57) {
            return Err(LmError::Corrupt(format!("{} {}-grams", counts[i], i + 1)));
        }
        let corrupt_size = || LmError::Corrupt("table sizes overflow".to_string());

        // Vocabulary: count, then one hash per unigram (the slot of <unk> stays unused).
        let vocab_at = header_size;
        let vocab_size = counts[0]
            .checked_mul(8)
            .and_then(|n| n.checked_add(8))
            .ok_or_else(corrupt_size)?;
        let search_at = vocab_at.checked_add(vocab_size).ok_or_else(corrupt_size)?;
        // The configuration bytes of the search are read before its size is known.
        if len < search_at + 8 {
            return Err(truncated(search_at + 8));
        }
        let vocab_len = read_u64(&data, vocab_at as usize);
        if vocab_len >= counts[0] {
            return Err(LmError::Corrupt(format!(
                "{vocab_len} vocabulary hashes for {} unigrams",
                counts[0]
            )));
        }

        // Search: quantization tables, unigrams, middles, longest.
        let mut at = search_at;
        let quant_header = if model_type.quantized() {
            let version = data[at as usize];
            let prob_bits = data[at as usize + 1];
            let backoff_bits = data[at as usize + 2];
            if version != 2 {
                return Err(LmError::Corrupt(format!(
                    "quantization version {version}, expected 2"
                )));
            }
            if !(1..=25).contains(&prob_bits) || !(1..=25).contains(&backoff_bits) {
                return Err(LmError::Corrupt(format!(
                    "quantization to {prob_bits} probability and {backoff_bits} backoff bits"
                )));
            }
            Some((prob_bits, backoff_bits))
        } else {
            None
        };
        let quant = quant_header.map(|(prob_bits, backoff_bits)| {
            let prob_table = 4u64 << prob_bits;
            let backoff_table = 4u64 << backoff_bits;
            let mut table = at + 8;
            let mut middle = Vec::with_capacity(order - 2);
            for _ in 0..order - 2 {
                middle.push((table as usize, (table + prob_table) as usize));
                table += prob_table + backoff_table;
            }
            Quant {
                prob_bits,
                backoff_bits,
                middle,
                longest: table as usize,
            }
        });
        if let Some((prob_bits, backoff_bits)) = quant_header {
            at += (order as u64 - 2) * ((4u64 << prob_bits) + (4u64 << backoff_bits))
                + (4u64 << prob_bits)
                + 8;
        }
        let unigrams_at = at;
        at = counts[0]
            .checked_add(2)
            .and_then(|n| n.checked_mul(UNIGRAM_RECORD))
            .and_then(|n| n.checked_add(at))
            .ok_or_else(corrupt_size)?;

        let (middle_value_bits, longest_value_bits) = match quant_header {
            Some((p, b)) => (p + b, p),
            None => (63, 31),
        };
        let word_bits = required_bits(counts[0]);
        let mut configured_chop = 0u8;
        if model_type.array_pointers() && order > 2 {
            if len < at + 2 {
                return Err(truncated(at + 2));
            }
            let version = data[at as usize];
            if version != 0 {
                return Err(LmError::Corrupt(format!(
                    "pointer array compression version {version}, expected 0"
                )));
            }
            configured_chop = data[at as usize + 1];
        }
        let mut middles = Vec::with_capacity(order - 2);
        for n in 2..order {
            // The table of n-grams: entries counts[n-1], pointers up to counts[n].
            let entries = counts[n - 1];
            let max_next = counts[n];
            let max_offset = entries + 1;
            let (array_size, inline_bits) = if model_type.array_pointers() {
                let count = array_count(max_offset, max_next, configured_chop);
                let size = count
                    .checked_add(1)
                    .and_then(|c| c.checked_mul(8))
                    .and_then(|c| c.checked_add(7))
                    .ok_or_else(corrupt_size)?;
                (
                    size,
                    required_bits(max_next) - chop_bits(max_offset, max_next, configured_chop),
                )
            } else {
                (0, required_bits(max_next))
            };
            let next = if model_type.array_pointers() {
                // The array is 8-byte aligned in memory; the file is mapped page-aligned.
                let offsets = align8(at).ok_or_else(corrupt_size)? + 8;
                NextPointers::Array {
                    bits: inline_bits,
                    mask: mask(inline_bits),
                    offsets: offsets as usize,
                    count: array_count(max_offset, max_next, configured_chop) as usize,
                }
            } else {
                NextPointers::Plain {
                    mask: mask(inline_bits),
                }
            };
            let total_bits =
                u32::from(word_bits) + u32::from(middle_value_bits) + u32::from(inline_bits);
            if total_bits > 255 || word_bits > 57 || inline_bits > 57 {
                return Err(LmError::Corrupt(format!("{total_bits}-bit records")));
            }
            let base = at.checked_add(array_size).ok_or_else(corrupt_size)?;
            let size = packed_size(entries, total_bits as u8).ok_or_else(corrupt_size)?;
            middles.push(Middle {
                packed: Packed {
                    base: base as usize,
                    word_bits,
                    word_mask: mask(word_bits),
                    total_bits: total_bits as u8,
                    entries,
                },
                value_bits: middle_value_bits,
                next,
            });
            at = base.checked_add(size).ok_or_else(corrupt_size)?;
        }
        let longest_bits = word_bits + longest_value_bits;
        let longest = Packed {
            base: at as usize,
            word_bits,
            word_mask: mask(word_bits),
            total_bits: longest_bits,
            entries: counts[order - 1],
        };
        let end = packed_size(counts[order - 1], longest_bits)
            .and_then(|size| at.checked_add(size))
            .ok_or_else(corrupt_size)?;
        if len < end {
            return Err(truncated(end));
        }

        let mut lm = KenLm {
            data,
            model_type,
            counts,
            vocab: vocab_at as usize + 8,
            vocab_len: vocab_len as usize,
            unigrams: unigrams_at as usize,
            middles,
            longest,
            quant,
            strings: None,
            bos: 0,
            eos: 0,
        };
        if has_vocabulary {
            lm.strings = Some(lm.check_strings(end as usize)?);
        }
        lm.bos = lm.index("<s>").unwrap_or(0);
        lm.eos = lm.index("</s>").unwrap_or(0);
        Ok(lm)
    }

    /// Checks the vocabulary strings after the search data: `<unk>` first, one per id.
    fn check_strings(&self, start: usize) -> Result<(usize, usize), LmError> {
        let tail = &self.data[start..];
        if !tail.starts_with(b"<unk>\0") {
            return Err(if tail.len() < 6 {
                LmError::Truncated {
                    expected: start as u64 + 6,
                    actual: self.data.len() as u64,
                }
            } else {
                LmError::Corrupt("the vocabulary strings do not start with <unk>".to_string())
            });
        }
        let bound = self.vocab_len + 1;
        let mut seen = 0usize;
        let mut end = start;
        for (i, &b) in tail.iter().enumerate() {
            if b == 0 {
                seen += 1;
                if seen == bound {
                    end = start + i + 1;
                    break;
                }
            }
        }
        if seen < bound {
            return Err(LmError::Corrupt(format!(
                "{seen} vocabulary strings for {bound} words (truncated file?)"
            )));
        }
        if std::str::from_utf8(&self.data[start..end]).is_err() {
            return Err(LmError::Corrupt(
                "the vocabulary strings are not UTF-8".to_string(),
            ));
        }
        Ok((start, end))
    }

    /// The order of the model (3 for a trigram model).
    pub fn order(&self) -> usize {
        self.counts.len()
    }

    /// The data structure of the file.
    pub fn model_type(&self) -> ModelType {
        self.model_type
    }

    /// Number of n-grams of each order, unigrams first (as in the header).
    pub fn counts(&self) -> &[u64] {
        &self.counts
    }

    /// Number of word ids, `<unk>` (0) included: ids are `0..vocab_size()`.
    pub fn vocab_size(&self) -> usize {
        self.vocab_len + 1
    }

    /// The id of `<unk>`, 0.
    pub fn unk(&self) -> u32 {
        0
    }

    /// The id of the sentence start `<s>` (0 if the model lacks it).
    pub fn bos(&self) -> u32 {
        self.bos
    }

    /// The id of the sentence end `</s>` (0 if the model lacks it).
    pub fn eos(&self) -> u32 {
        self.eos
    }

    /// KenLM's id of `word`, or `None` when it is not in the vocabulary (`<unk>` is `Some(0)`).
    pub fn index(&self, word: &str) -> Option<u32> {
        if word == "<unk>" {
            return Some(0);
        }
        let key = murmur64a(word.as_bytes());
        let (mut lo, mut hi) = (0usize, self.vocab_len);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let hash = read_u64(&self.data, self.vocab + 8 * mid);
            match hash.cmp(&key) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid as u32 + 1),
            }
        }
        None
    }

    /// The id of `word`, `<unk>` (0) when it is unknown, as KenLM maps words.
    pub fn index_or_unk(&self, word: &str) -> u32 {
        self.index(word).unwrap_or(0)
    }

    /// The vocabulary strings in id order (`<unk>` first), when the file stores them.
    pub fn words(&self) -> Option<impl Iterator<Item = &str> + '_> {
        let (start, end) = self.strings?;
        let bytes = &self.data[start..end - 1];
        Some(
            bytes
                .split(|&b| b == 0)
                .map(|w| std::str::from_utf8(w).unwrap_or("")),
        )
    }

    /// log10 P(`word` | `context`) with KenLM's backoff; `context` has the most recent word
    /// last and only its last `order() - 1` words count. Ids out of range are read as `<unk>`.
    pub fn score(&self, context: &[u32], word: u32) -> f32 {
        self.full_score(context, word).log10_prob
    }

    /// [`KenLm::score`] with the length of the n-gram that matched.
    pub fn full_score(&self, context: &[u32], word: u32) -> Score {
        let keep = context.len().min(self.order() - 1);
        let context = &context[context.len() - keep..];
        // KenLM walks the context from the most recent word backwards.
        let ctx = |i: usize| self.clamp(context[keep - 1 - i]);
        let word = self.clamp(word);

        // The longest n-gram ending in `word`.
        let (mut prob, _, mut range) = self.unigram(word);
        let mut length = 1usize;
        let mut independent = range.0 >= range.1;
        let mut i = 0;
        while i < keep && !independent {
            if i + 2 == self.order() {
                if let Some(p) = self.find_longest(ctx(i), range) {
                    prob = p;
                    length = self.order();
                }
                break;
            }
            match self.find_middle(i, ctx(i), &mut range) {
                Some((p, _)) => {
                    prob = p;
                    length = i + 2;
                    independent = range.0 >= range.1;
                }
                None => break,
            }
            i += 1;
        }

        // Backoff weights of the context n-grams longer than the match (lengths `length` up to
        // the whole context).
        if keep >= length {
            let (_, backoff, mut node) = self.unigram(ctx(0));
            let mut j = 1;
            if length <= 1 {
                prob += backoff;
            } else {
                // Walk to the context n-gram of length `length - 1`.
                while j < length - 1 {
                    if node.0 >= node.1 || self.find_middle(j - 1, ctx(j), &mut node).is_none() {
                        return Score {
                            log10_prob: prob,
                            ngram_length: length as u8,
                        };
                    }
                    j += 1;
                }
            }
            while j < keep {
                match self.find_middle(j - 1, ctx(j), &mut node) {
                    Some((_, backoff)) => prob += backoff,
                    None => break,
                }
                j += 1;
            }
        }
        Score {
            log10_prob: prob,
            ngram_length: length as u8,
        }
    }

    /// Scores of each word of a sentence and of the end `</s>` when `eos`, starting from `<s>`
    /// when `bos` (KenLM's `full_scores`); unknown words are `<unk>`.
    pub fn sentence_scores(&self, words: &[&str], bos: bool, eos: bool) -> Vec<Score> {
        let mut ids = Vec::with_capacity(words.len() + 2);
        if bos {
            ids.push(self.bos);
        }
        let first = ids.len();
        ids.extend(words.iter().map(|w| self.index_or_unk(w)));
        if eos {
            ids.push(self.eos);
        }
        (first..ids.len())
            .map(|i| self.full_score(&ids[..i], ids[i]))
            .collect()
    }

    /// log10 probability of a sentence (KenLM's `score(sentence, bos, eos)`).
    pub fn sentence_logprob(&self, words: &[&str], bos: bool, eos: bool) -> f32 {
        self.sentence_scores(words, bos, eos)
            .iter()
            .map(|s| s.log10_prob)
            .sum()
    }

    fn clamp(&self, word: u32) -> u32 {
        if (word as u64) < self.vocab_size() as u64 {
            word
        } else {
            0
        }
    }

    /// Probability, backoff and the range of bigram records of a unigram.
    fn unigram(&self, word: u32) -> (f32, f32, (u64, u64)) {
        let at = self.unigrams + word as usize * UNIGRAM_RECORD as usize;
        let prob = read_f32(&self.data, at);
        let backoff = read_f32(&self.data, at + 4);
        let begin = read_u64(&self.data, at + 8);
        let end = read_u64(&self.data, at + 8 + UNIGRAM_RECORD as usize);
        (prob, backoff, (begin, end))
    }

    /// Finds `word` among records `range` of a bit-packed table; its record index.
    fn find_packed(&self, table: &Packed, word: u32, range: (u64, u64)) -> Option<u64> {
        let key = u64::from(word);
        let (mut lo, mut hi) = (range.0, range.1.min(table.entries));
        let total = u64::from(table.total_bits);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let found = read_bits(&self.data, table.base, mid * total, table.word_mask);
            match found.cmp(&key) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(mid),
            }
        }
        None
    }

    /// Finds `word` in the middle table of order `order_minus_2 + 2` within `range`; on success
    /// returns (probability, backoff) and replaces `range` by the records of the next order.
    fn find_middle(
        &self,
        order_minus_2: usize,
        word: u32,
        range: &mut (u64, u64),
    ) -> Option<(f32, f32)> {
        let middle = self.middles.get(order_minus_2)?;
        let table = &middle.packed;
        let index = self.find_packed(table, word, *range)?;
        let total = u64::from(table.total_bits);
        let value = index * total + u64::from(table.word_bits);
        let data = &self.data;
        let (prob, backoff) = match &self.quant {
            Some(q) => {
                let (prob_table, backoff_table) = q.middle[order_minus_2];
                let b = read_bits(data, table.base, value, mask(q.backoff_bits));
                let p = read_bits(
                    data,
                    table.base,
                    value + u64::from(q.backoff_bits),
                    mask(q.prob_bits),
                );
                (
                    read_f32(data, prob_table + 4 * p as usize),
                    read_f32(data, backoff_table + 4 * b as usize),
                )
            }
            None => {
                let p = read_bits(data, table.base, value, 0x7fff_ffff) as u32 | 0x8000_0000;
                let b = read_bits(data, table.base, value + 31, 0xffff_ffff) as u32;
                (f32::from_bits(p), f32::from_bits(b))
            }
        };
        let next = value + u64::from(middle.value_bits);
        *range = match middle.next {
            NextPointers::Plain { mask, .. } => (
                read_bits(data, table.base, next, mask),
                read_bits(data, table.base, next + total, mask),
            ),
            NextPointers::Array {
                bits,
                mask,
                offsets,
                count,
            } => {
                let offset = |k: usize| read_u64(data, offsets + 8 * k);
                // Last array position whose record index is <= index, then <= index + 1.
                let (mut lo, mut hi) = (0usize, count);
                while lo < hi {
                    let mid = lo + (hi - lo) / 2;
                    if offset(mid) <= index {
                        lo = mid + 1;
                    } else {
                        hi = mid;
                    }
                }
                let begin_at = lo.saturating_sub(1);
                let mut end_at = begin_at + 1;
                while end_at < count && offset(end_at) <= index + 1 {
                    end_at += 1;
                }
                end_at -= 1;
                (
                    ((begin_at as u64) << bits) | read_bits(data, table.base, next, mask),
                    ((end_at as u64) << bits) | read_bits(data, table.base, next + total, mask),
                )
            }
        };
        Some((prob, backoff))
    }

    /// Finds `word` in the highest order within `range`; its probability.
    fn find_longest(&self, word: u32, range: (u64, u64)) -> Option<f32> {
        let table = &self.longest;
        let index = self.find_packed(table, word, range)?;
        let value = index * u64::from(table.total_bits) + u64::from(table.word_bits);
        Some(match &self.quant {
            Some(q) => {
                let p = read_bits(&self.data, table.base, value, mask(q.prob_bits));
                read_f32(&self.data, q.longest + 4 * p as usize)
            }
            None => f32::from_bits(
                read_bits(&self.data, table.base, value, 0x7fff_ffff) as u32 | 0x8000_0000,
            ),
        })
    }
}

/// Checks the magic and the sanity values at the start of a file.
fn check_magic(data: &[u8]) -> Result<(), LmError> {
    let mut sanity = [0u8; SANITY_SIZE];
    sanity[..MAGIC.len()].copy_from_slice(MAGIC);
    sanity[60..64].copy_from_slice(&1.0f32.to_le_bytes());
    sanity[64..68].copy_from_slice(&(-0.5f32).to_le_bytes());
    sanity[68..72].copy_from_slice(&1u32.to_le_bytes());
    sanity[72..76].copy_from_slice(&u32::MAX.to_le_bytes());
    sanity[80..88].copy_from_slice(&1u64.to_le_bytes());
    if data.len() >= SANITY_SIZE && data[..SANITY_SIZE] == sanity {
        return Ok(());
    }
    if data.starts_with(MAGIC_INCOMPLETE) {
        return Err(LmError::Incomplete);
    }
    if let Some(rest) = data.strip_prefix(MAGIC_BEFORE_VERSION) {
        let rest = rest.strip_prefix(b" ").unwrap_or(rest);
        let digits: String = rest
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .map(|&b| b as char)
            .collect();
        if !digits.is_empty() && digits != "5" {
            return Err(LmError::UnsupportedVersion(digits));
        }
        if data.len() < SANITY_SIZE {
            return Err(LmError::Truncated {
                expected: SANITY_SIZE as u64,
                actual: data.len() as u64,
            });
        }
        return Err(LmError::ForeignBuild);
    }
    Err(LmError::NotKenLm)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn murmur_matches_kenlm() {
        // Values of KenLM's util::MurmurHash64A(str, len, 0).
        for (word, hash) in [
            ("", 0),
            ("a", 510_903_276_987_443_985),
            ("<unk>", 16_902_545_233_577_457_963),
            ("<s>", 33_080_154_819_493_488),
            ("我们", 16_014_621_576_556_688_305),
            ("中国人民银行", 4_330_076_088_403_883_643),
            ("0123456789abcdef", 10_640_085_186_775_239_623),
        ] {
            assert_eq!(murmur64a(word.as_bytes()), hash, "{word}");
        }
    }

    #[test]
    fn required_bits_like_kenlm() {
        assert_eq!(required_bits(0), 0);
        assert_eq!(required_bits(1), 1);
        assert_eq!(required_bits(2), 2);
        assert_eq!(required_bits(255), 8);
        assert_eq!(required_bits(256), 9);
    }
}
