//! Bytes to text for ocrtidy.
//!
//! OCR output still arrives in the legacy encodings of Chinese (GB18030/GBK, Big5) as well as in
//! UTF-8 and UTF-16. [`decode`] turns bytes into a `String` and accounts for every byte it could
//! not decode: each malformed sequence becomes one U+FFFD and is listed in the
//! [`DecodeReport`] with its byte range in the input and its offset in the text. Decoding never
//! fails on content; only a bad encoding label is an error.
//!
//! How the encoding is chosen ([`EncodingChoice`]):
//! - a byte order mark (UTF-8, UTF-16LE, UTF-16BE) always wins, and is removed;
//! - [`EncodingChoice::Default`]: UTF-8 when the bytes are UTF-8 (valid, or with at most one
//!   malformed sequence per 4 well-formed multi-byte characters: damaged UTF-8 stays UTF-8 and
//!   its bad bytes are reported), else detection;
//! - [`EncodingChoice::Auto`]: detection with `chardetng` (which may answer UTF-8);
//! - [`EncodingChoice::Forced`]: the encoding of a WHATWG label (`gbk`, `gb18030`, `big5`,
//!   `utf-16le`, …); a BOM of that same encoding is still removed.
//!
//! Encodings are those of the WHATWG Encoding Standard through `encoding_rs`; its `gbk` decoder
//! is the GB18030 decoder, so GBK and GB18030 input both decode fully.

use std::fmt;

use encoding_rs::{DecoderResult, Encoding, UTF_8};

/// How to choose the encoding of the input bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EncodingChoice {
    /// UTF-8 if the bytes are (mostly) UTF-8, else detection; a BOM wins.
    #[default]
    Default,
    /// Detection (after BOM sniffing).
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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeReport {
    /// The encoding used (WHATWG name: `UTF-8`, `GBK`, `gb18030`, `Big5`, `UTF-16LE`, …).
    pub encoding: &'static str,
    /// A byte order mark was found and removed.
    pub bom: bool,
    /// The encoding was guessed by detection.
    pub detected: bool,
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
}

/// Decoded text with its report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub report: DecodeReport,
}

/// Decodes `bytes`. Never fails: malformed sequences become U+FFFD and are reported.
pub fn decode(bytes: &[u8], options: &DecodeOptions) -> Decoded {
    let sniffed = Encoding::for_bom(bytes).filter(|&(e, _)| match options.encoding {
        EncodingChoice::Forced(f) => f == e,
        _ => true,
    });
    let (encoding, bom, detected) = match (sniffed, options.encoding) {
        (Some((e, len)), _) => (e, len, false),
        (None, EncodingChoice::Forced(f)) => (f, 0, false),
        (None, EncodingChoice::Default) if mostly_utf8(bytes) => (UTF_8, 0, false),
        (None, _) => (detect(bytes), 0, true),
    };
    let (text, invalid) = decode_with(encoding, &bytes[bom..], bom);
    Decoded {
        text,
        report: DecodeReport {
            encoding: encoding.name(),
            bom: bom > 0,
            detected,
            invalid,
        },
    }
}

/// The bytes are UTF-8, perhaps with a few damaged sequences: at least 4 well-formed multi-byte
/// characters for every malformed sequence (text in a legacy encoding read as UTF-8 has almost
/// none), or no malformed sequence at all.
fn mostly_utf8(bytes: &[u8]) -> bool {
    let (mut good, mut bad) = (0usize, 0usize);
    for chunk in bytes.utf8_chunks() {
        good += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        bad += usize::from(!chunk.invalid().is_empty());
    }
    bad == 0 || good >= 4 * bad
}

/// Guesses the encoding of bytes without a BOM.
pub fn detect(bytes: &[u8]) -> &'static Encoding {
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
