//! Bytes to text for ocrtidy.
//!
//! OCR output still arrives in the legacy encodings of Chinese (GB18030/GBK, Big5) as well as in
//! UTF-8 and UTF-16. [`decode`] turns bytes into a `String` and accounts for every byte it could
//! not decode: each malformed sequence becomes one U+FFFD and is listed in the
//! [`DecodeReport`] with its byte range in the input and its offset in the text. Decoding never
//! fails on content; only a bad encoding label is an error.
//!
//! How the encoding is chosen ([`EncodingChoice`]):
//! - a byte order mark (UTF-8, UTF-16LE, UTF-16BE) always wins, and is removed
//!   ([`DecodeReport::bom_len`] says how many input bytes it took);
//! - [`EncodingChoice::Forced`]: the encoding of a WHATWG label (`gbk`, `gb18030`, `big5`,
//!   `utf-16le`, …); a BOM of that same encoding is still removed;
//! - otherwise UTF-16 without a BOM is recognized first ([`detect_utf16`]);
//! - [`EncodingChoice::Default`]: then UTF-8 when the bytes are UTF-8, valid or damaged by a few
//!   stray bytes (the rule is under [`decode`]: damaged UTF-8 stays UTF-8 and its bad bytes are
//!   reported), else detection;
//! - [`EncodingChoice::Auto`]: then detection with `chardetng` (which may answer UTF-8).
//!
//! Binary input (an executable, an image, an archive) is not refused — decoding never fails —
//! but flagged: [`DecodeReport::binary`], by the rule of [`looks_binary`]. A caller that cleans
//! files should skip those unless an encoding was forced.
//!
//! # Offsets
//!
//! Every offset of the cleaned text and of its ledger is a byte offset into the decoded
//! `String`. It is a byte offset into the input file only in the identity case
//! ([`DecodeReport::text_is_input_bytes`]: UTF-8, no byte replaced), and then after adding
//! [`DecodeReport::bom_len`]. For UTF-8 with replaced bytes, [`DecodeReport::input_offset`] maps
//! text offsets to input offsets exactly; for any other encoding (UTF-16, GBK, Big5, …) text
//! offsets have no simple relation to input offsets and must be labelled as offsets into the
//! decoded text.
//!
//! Encodings are those of the WHATWG Encoding Standard through `encoding_rs`; its `gbk` decoder
//! is the GB18030 decoder, so GBK and GB18030 input both decode fully.

use std::fmt;

use encoding_rs::{DecoderResult, Encoding, UTF_16BE, UTF_16LE, UTF_8};

/// How to choose the encoding of the input bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EncodingChoice {
    /// UTF-16 recognized without a BOM, else UTF-8 if the bytes are (mostly) UTF-8, else
    /// detection; a BOM wins (see [`decode`]).
    #[default]
    Default,
    /// Detection (after BOM sniffing): UTF-16 recognized without a BOM, else `chardetng`.
    Auto,
    /// This encoding (after BOM sniffing for the same encoding).
    Forced(&'static Encoding),
}

impl EncodingChoice {
    /// Parses `auto`, `default` or a WHATWG encoding label (`utf-8`, `gbk`, `gb18030`, `big5`,
    /// `utf-16le`, `utf-16be`, …; case-insensitive).
    pub fn parse(label: &str) -> Result<EncodingChoice, DecodeError> {
        let l = label.trim();
        if l.eq_ignore_ascii_case("auto") {
            return Ok(EncodingChoice::Auto);
        }
        if l.eq_ignore_ascii_case("default") {
            return Ok(EncodingChoice::Default);
        }
        match Encoding::for_label(l.as_bytes()) {
            Some(e) if e == encoding_rs::REPLACEMENT => {
                Err(DecodeError::UnsupportedEncoding(e.name().to_string()))
            }
            Some(e) => Ok(EncodingChoice::Forced(e)),
            None => Err(DecodeError::UnknownLabel(label.to_string())),
        }
    }
}

/// Options of [`decode`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DecodeOptions {
    pub encoding: EncodingChoice,
}

impl DecodeOptions {
    pub fn new(encoding: EncodingChoice) -> Self {
        DecodeOptions { encoding }
    }
}

/// Why decoding could not start.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeError {
    /// Not an encoding label of the WHATWG Encoding Standard.
    UnknownLabel(String),
    /// A label of an encoding that cannot decode text (the `replacement` encoding).
    UnsupportedEncoding(String),
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::UnknownLabel(l) => write!(
                f,
                "unknown encoding `{l}` (use `auto` or a label such as utf-8, gbk, gb18030, big5, utf-16le)"
            ),
            DecodeError::UnsupportedEncoding(e) => write!(f, "encoding `{e}` cannot decode text"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// One malformed byte sequence, replaced by one U+FFFD.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidRun {
    /// Byte range of the malformed sequence in the input bytes.
    pub input_start: usize,
    pub input_end: usize,
    /// Byte offset of its U+FFFD in the decoded text (it is 3 bytes long).
    pub text_offset: usize,
}

/// How the input was decoded.
///
/// Offsets: the decoded text starts after the BOM, so text offset 0 is input offset
/// [`bom_len`](Self::bom_len). Text offsets equal input offsets minus `bom_len` exactly when
/// [`text_is_input_bytes`](Self::text_is_input_bytes); see also
/// [`input_offset`](Self::input_offset).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeReport {
    /// The encoding used (WHATWG name: `UTF-8`, `GBK`, `gb18030`, `Big5`, `UTF-16LE`, …).
    pub encoding: &'static str,
    /// A byte order mark was found and removed.
    pub bom: bool,
    /// How many input bytes the removed byte order mark took: 3 for UTF-8, 2 for UTF-16, 0 if
    /// there was none. The decoded text begins at this input offset.
    pub bom_len: usize,
    /// The encoding was guessed by detection (chardetng, or UTF-16 recognized without a BOM).
    pub detected: bool,
    /// The input looks binary ([`looks_binary`]) and was not decoded as UTF-16: not text, the
    /// decoded string is mojibake. Set whatever the [`EncodingChoice`]; a caller that cleans
    /// files should skip such input unless an encoding was forced.
    pub binary: bool,
    /// Every malformed sequence, in input order.
    pub invalid: Vec<InvalidRun>,
}

impl DecodeReport {
    /// The number of input bytes that could not be decoded.
    pub fn invalid_bytes(&self) -> usize {
        self.invalid
            .iter()
            .map(|r| r.input_end - r.input_start)
            .sum()
    }

    /// True when the decoded text is the input's bytes after the BOM, unchanged: UTF-8 and no
    /// malformed sequence. Then text byte offset `i` is input byte offset `i + bom_len`. False
    /// for any other encoding, and for UTF-8 with replaced bytes (a malformed sequence of 1 to 3
    /// bytes became a 3-byte U+FFFD, which shifts the offsets after it; see
    /// [`input_offset`](Self::input_offset)).
    pub fn text_is_input_bytes(&self) -> bool {
        self.encoding == UTF_8.name() && self.invalid.is_empty()
    }

    /// The input byte offset of text byte offset `text_offset`, when the input was decoded as
    /// UTF-8 (with or without replaced bytes): `text_offset + bom_len`, plus what the malformed
    /// sequences before it took in the input beyond their 3-byte U+FFFD. The start of a U+FFFD
    /// that replaced bytes maps to the start of those bytes, its end to their end; an offset
    /// inside such a U+FFFD maps to `None`. `None` for every other encoding, whose text offsets
    /// have no simple relation to input offsets. Offsets past the end of the text are not
    /// checked.
    pub fn input_offset(&self, text_offset: usize) -> Option<usize> {
        if self.encoding != UTF_8.name() {
            return None;
        }
        let mut shift = self.bom_len as isize;
        for run in &self.invalid {
            if text_offset <= run.text_offset {
                break;
            }
            let replacement_end = run.text_offset + REPLACEMENT_LEN;
            if text_offset < replacement_end {
                return None;
            }
            shift += (run.input_end - run.input_start) as isize - REPLACEMENT_LEN as isize;
        }
        usize::try_from(text_offset as isize + shift).ok()
    }
}

/// Bytes of U+FFFD in UTF-8.
const REPLACEMENT_LEN: usize = 3;

/// Decoded text with its report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub report: DecodeReport,
}

/// Decodes `bytes`. Never fails: malformed sequences become U+FFFD and are reported.
///
/// The choice of encoding (after the BOM and a forced label, see the crate documentation):
/// 1. UTF-16LE/BE without a BOM when [`detect_utf16`] recognizes it (`detected`);
/// 2. with [`EncodingChoice::Default`], UTF-8 when the bytes are valid UTF-8, or damaged UTF-8:
///    counting the malformed sequences (`bad`, as they would be replaced), the well-formed
///    non-ASCII characters (`multi`) and the input length in bytes (`len`), UTF-8 when
///    - `2 × bad ≤ multi` (UTF-8 text with real multi-byte characters, a few damaged), or
///    - `8 × bad ≤ len + 8 × multi` — at most one bad sequence per 8 bytes, each well-formed
///      multi-byte character counting as 8 bytes — and no bad sequence looks like legacy text:
///      none touches another bad sequence (legacy CJK encodings such as GBK and Big5 write each
///      character as two high bytes, which read as UTF-8 give runs of malformed sequences), and
///      none is a single byte that is a Latin letter or a curly quote in windows-1252
///      (`0xC0..=0xFF` but `×` `÷`, `Š Œ Ž š œ ž Ÿ`, `‘ ’ “ ”`) next to an ASCII letter, as in
///      `caf\xE9` (an ASCII file with one such byte is ambiguous: it is left to detection,
///      which answers windows-1252);
/// 3. else detection with `chardetng`.
pub fn decode(bytes: &[u8], options: &DecodeOptions) -> Decoded {
    let sniffed = Encoding::for_bom(bytes).filter(|&(e, _)| match options.encoding {
        EncodingChoice::Forced(f) => f == e,
        _ => true,
    });
    let (encoding, bom, detected) = match (sniffed, options.encoding) {
        (Some((e, len)), _) => (e, len, false),
        (None, EncodingChoice::Forced(f)) => (f, 0, false),
        (None, choice) => match detect_utf16(bytes) {
            Some(e) => (e, 0, true),
            None if choice == EncodingChoice::Default && mostly_utf8(bytes) => (UTF_8, 0, false),
            None => (detect_legacy(bytes), 0, true),
        },
    };
    let (text, invalid) = decode_with(encoding, &bytes[bom..], bom);
    let utf16 = encoding == UTF_16LE || encoding == UTF_16BE;
    Decoded {
        text,
        report: DecodeReport {
            encoding: encoding.name(),
            bom: bom > 0,
            bom_len: bom,
            detected,
            binary: !utf16 && looks_binary(bytes),
            invalid,
        },
    }
}

/// How many leading bytes [`looks_binary`] and [`detect_utf16`] look at.
pub const SNIFF_LEN: usize = 8192;

/// Whether `bytes` look like binary data (an executable, an image, an archive) rather than text.
///
/// The rule, on the first [`SNIFF_LEN`] bytes (8 KiB): not binary when the input starts with a
/// byte order mark or is UTF-16 recognized by [`detect_utf16`]; else binary when they contain a
/// NUL byte and at least 4 control bytes that make up at least 1/32 of them, control bytes being
/// the C0 controls other than TAB, LF, VT, FF, CR and ESC (`0x00..=0x08`, `0x0E..=0x1A`,
/// `0x1C..=0x1F`). Executables, images and compressed data hold from 10 % to 80 % of such
/// bytes; a text with a stray NUL or two (which the cleaning removes) is not binary, as are texts
/// with ANSI escapes, form feeds or backspace overstrikes and no NUL.
pub fn looks_binary(bytes: &[u8]) -> bool {
    let window = &bytes[..bytes.len().min(SNIFF_LEN)];
    if !window.contains(&0) || Encoding::for_bom(bytes).is_some() {
        return false;
    }
    let controls = window
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | 0x1B))
        .count();
    controls >= 4 && controls * 32 >= window.len() && detect_utf16(bytes).is_none()
}

/// Recognizes UTF-16 without a byte order mark: UTF-16LE or UTF-16BE, or `None`.
///
/// The evidence is the NUL bytes of the characters U+0001 to U+00FF (ASCII, Latin-1: letters,
/// digits, spaces, line breaks) at every other byte, which 8-bit text does not have. On the
/// first [`SNIFF_LEN`] bytes, read as 16-bit units in one byte order, that order is accepted
/// when
/// - at least 2 units are U+0001..=U+00FF,
/// - at least 95 % of the units are characters of common scripts (ASCII printable and
///   whitespace, Latin, Greek, Cyrillic, Hebrew, Arabic, Thai, general punctuation and symbols,
///   CJK, kana, Hangul, fullwidth forms, surrogate pairs) and at most 1 % (or 1) are impossible
///   in text (NUL, other C0 and C1 controls, lone surrogates, U+FFFE, U+FFFF),
/// - and either a quarter of the units are U+0001..=U+00FF (Latin or mixed text), or the bytes
///   are not valid UTF-8 (CJK text whose few ASCII characters give few NULs: text in an 8-bit
///   encoding with a stray NUL or two is valid UTF-8, or fails the 95 %).
///
/// Both orders accepted: the one with more U+0001..=U+00FF units. Limit: UTF-16 text with fewer
/// than two ASCII or Latin-1 characters in its first 8 KiB (CJK without a space, digit or line
/// break) is not recognized; use a BOM or force the encoding.
pub fn detect_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    let window = &bytes[..bytes.len().min(SNIFF_LEN) & !1];
    if !window.contains(&0) {
        return None;
    }
    let utf8 = match std::str::from_utf8(window) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    };
    let le = Utf16Stats::of(window, true);
    let be = Utf16Stats::of(window, false);
    [(le, UTF_16LE), (be, UTF_16BE)]
        .into_iter()
        .filter(|(s, _)| s.plausible(utf8))
        .max_by_key(|(s, _)| s.latin)
        .map(|(_, e)| e)
}

/// Counts of the 16-bit units of a window read in one byte order.
#[derive(Clone, Copy, Debug, Default)]
struct Utf16Stats {
    units: usize,
    /// U+0001..=U+00FF.
    latin: usize,
    /// Characters of common scripts.
    good: usize,
    /// Impossible in text.
    bad: usize,
}

impl Utf16Stats {
    fn of(window: &[u8], le: bool) -> Utf16Stats {
        let mut s = Utf16Stats::default();
        let units: Vec<u16> = window
            .chunks_exact(2)
            .map(|p| {
                let pair = [p[0], p[1]];
                if le {
                    u16::from_le_bytes(pair)
                } else {
                    u16::from_be_bytes(pair)
                }
            })
            .collect();
        let mut i = 0;
        while i < units.len() {
            let u = units[i];
            s.units += 1;
            i += 1;
            match u {
                0xD800..=0xDBFF => match units.get(i) {
                    Some(0xDC00..=0xDFFF) => {
                        s.units += 1;
                        s.good += 2;
                        i += 1;
                    }
                    // A high surrogate cut by the end of the window.
                    None => s.units -= 1,
                    Some(_) => s.bad += 1,
                },
                0xDC00..=0xDFFF | 0xFFFE | 0xFFFF => s.bad += 1,
                _ => {
                    if (1..=0xFF).contains(&u) {
                        s.latin += 1;
                    }
                    if common_char(u) {
                        s.good += 1;
                    } else if matches!(u, 0..=0x08 | 0x0E..=0x1F | 0x7F..=0x9F) {
                        s.bad += 1;
                    }
                }
            }
        }
        s
    }

    fn plausible(&self, window_is_utf8: bool) -> bool {
        self.units >= 2
            && self.latin >= 2
            && self.bad * 100 <= self.units.max(100)
            && self.good * 20 >= self.units * 19
            && (self.latin * 4 >= self.units || !window_is_utf8)
    }
}

/// A BMP character of a common script, punctuation or symbol block (see [`detect_utf16`]).
fn common_char(u: u16) -> bool {
    matches!(u,
        0x09..=0x0D | 0x20..=0x7E | 0xA0..=0x24F // ASCII, Latin-1, Latin Extended-A/B
        | 0x370..=0x52F // Greek, Cyrillic
        | 0x590..=0x6FF // Hebrew, Arabic
        | 0xE00..=0xE7F // Thai
        | 0x1E00..=0x1FFF // Latin Extended Additional, Greek Extended
        | 0x2000..=0x27BF // punctuation, currency, letterlike, arrows, math, box drawing, symbols
        | 0x3000..=0x33FF // CJK symbols and punctuation, kana, bopomofo, Hangul jamo, enclosed
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF // CJK ideographs
        | 0xAC00..=0xD7A3 // Hangul syllables
        | 0xF900..=0xFAFF | 0xFE30..=0xFE4F // CJK compatibility
        | 0xFEFF..=0xFFEF // ZWNBSP, halfwidth and fullwidth forms
    )
}

/// The bytes are UTF-8, perhaps damaged by a few stray bytes (the rule is under [`decode`]).
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut multi, mut bad, mut legacy) = (0usize, 0usize, false);
    let mut pos = 0;
    let mut prev_bad_end = None;
    for chunk in bytes.utf8_chunks() {
        multi += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        pos += chunk.valid().len();
        let invalid = chunk.invalid();
        if invalid.is_empty() {
            continue;
        }
        bad += 1;
        let (start, end) = (pos, pos + invalid.len());
        legacy = legacy
            || prev_bad_end == Some(start)
            || (invalid.len() == 1
                && latin1252_letter(invalid[0])
                && (start > 0 && bytes[start - 1].is_ascii_alphabetic()
                    || bytes.get(end).is_some_and(u8::is_ascii_alphabetic)));
        prev_bad_end = Some(end);
        pos = end;
    }
    bad == 0 || 2 * bad <= multi || (!legacy && 8 * bad <= bytes.len().saturating_add(8 * multi))
}

/// A byte that is a Latin letter or a curly quote in windows-1252.
fn latin1252_letter(b: u8) -> bool {
    matches!(b, 0xC0..=0xFF | 0x8A | 0x8C | 0x8E | 0x91..=0x94 | 0x9A | 0x9C | 0x9E | 0x9F)
        && b != 0xD7
        && b != 0xF7
}

/// Guesses the encoding of bytes without a BOM: UTF-16 by [`detect_utf16`], else `chardetng`
/// (which may answer UTF-8).
pub fn detect(bytes: &[u8]) -> &'static Encoding {
    detect_utf16(bytes).unwrap_or_else(|| detect_legacy(bytes))
}

/// `chardetng`'s guess.
fn detect_legacy(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    detector.guess(None, chardetng::Utf8Detection::Allow)
}

/// Decodes `src` (the input after `offset` BOM bytes) without BOM sniffing, recording every
/// malformed sequence.
fn decode_with(
    encoding: &'static Encoding,
    src: &[u8],
    offset: usize,
) -> (String, Vec<InvalidRun>) {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let cap = decoder
        .max_utf8_buffer_length_without_replacement(src.len())
        .unwrap_or(src.len().saturating_mul(3))
        .saturating_add(16);
    let mut out = String::with_capacity(cap);
    let mut invalid = Vec::new();
    let mut pos = 0;
    loop {
        let (result, read) =
            decoder.decode_to_string_without_replacement(&src[pos..], &mut out, true);
        pos += read;
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::OutputFull => out.reserve(out.capacity().max(64)),
            DecoderResult::Malformed(bad, after) => {
                let end = pos - usize::from(after);
                let start = end.saturating_sub(usize::from(bad));
                if out.capacity() - out.len() < 3 {
                    out.reserve(64);
                }
                invalid.push(InvalidRun {
                    input_start: offset + start,
                    input_end: offset + end,
                    text_offset: out.len(),
                });
                out.push('\u{fffd}');
            }
        }
    }
    (out, invalid)
}
