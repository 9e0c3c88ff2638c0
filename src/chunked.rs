//! Cleaning a long plain text piece by piece, in bounded memory.
//!
//! When every pass of a pipeline is line-local ([`crate::PassSpec::local`]: what it does to a line
//! depends on that line alone, and it never adds, removes or moves a line feed), cleaning a
//! text gives the same output and the same ledger as cleaning its pieces cut right after line
//! feeds one by one and putting them together, with the offsets of each piece's changes moved
//! to where the piece lies in the whole text. [`Rebase`] does the moving; [`clean_reader`]
//! reads UTF-8 text from any reader, cuts it into pieces of about [`CHUNK_BYTES`] at line
//! feeds and hands each cleaned piece to a callback as soon as it is done, so that memory is
//! bounded by the piece size (and the longest line), not by the input.
//!
//! ```
//! use ocrtidy::chunked::{clean_reader, ChunkOptions};
//! use ocrtidy::{Config, PassId, Pipeline, ScriptConversion};
//!
//! let mut config = Config::default();
//! config.script = Some(ScriptConversion::T2s);
//! let pipeline = Pipeline::builder()
//!     .config(config)
//!     .only([PassId::ScriptConvert])
//!     .build()
//!     .unwrap();
//! assert!(pipeline.is_local());
//! let input = "開放中文轉換\n簡繁轉換\n";
//! let mut out = String::new();
//! let mut changes = Vec::new();
//! let mut options = ChunkOptions::default();
//! options.chunk_bytes = 8;
//! clean_reader(&pipeline, input.as_bytes(), &options, |piece| {
//!     out.push_str(&piece.text);
//!     changes.extend(piece.changes.iter().cloned());
//!     Ok::<(), std::convert::Infallible>(())
//! })
//! .unwrap();
//! let whole = pipeline.clean(input);
//! assert_eq!((out.as_str(), &changes), (whole.text.as_str(), &whole.changes));
//! assert_eq!(ocrtidy::replay(input, &changes).as_deref(), Some(out.as_str()));
//! ```

use std::io::Read;

use ocrtidy_core::{Change, Cleaned, PassId};

use crate::Pipeline;

/// The default size of a piece: large enough that the per-piece work is negligible, small
/// enough that a piece's text, ledger and the passes' work on it stay in the processor's cache
/// and below the allocator's threshold for fresh pages (with 256 KiB the kernel's page
/// faults took a sixth of a t2s run's time; a t2s piece's ledger is about 2 MB).
pub const CHUNK_BYTES: usize = 32 * 1024;

/// Moves the results of cleaning consecutive pieces of one text to the offsets of the whole.
#[derive(Clone, Debug, Default)]
pub struct Rebase {
    /// Where the next piece starts: bytes and code points of the input, bytes of the output.
    start: usize,
    char_start: usize,
    out_start: usize,
}

impl Rebase {
    /// Rebasing from `start` bytes (`char_start` code points) into the input on, for input
    /// that does not start at 0 (after a byte order mark).
    pub fn starting_at(start: usize, char_start: usize) -> Rebase {
        Rebase {
            start,
            char_start,
            out_start: 0,
        }
    }

    /// Moves the ledger of `cleaned`, the result of cleaning `piece`, the next piece of the
    /// input, to the offsets of the whole input and output.
    pub fn rebase(&mut self, piece: &str, cleaned: &mut Cleaned) {
        for c in &mut cleaned.changes {
            shift(c, self.start, self.char_start, self.out_start);
        }
        self.start += piece.len();
        self.char_start += count_chars(piece);
        self.out_start += cleaned.text.len();
    }
}

fn shift(c: &mut Change, bytes: usize, chars: usize, out: usize) {
    c.start += bytes;
    c.end += bytes;
    c.char_start += chars;
    c.char_end += chars;
    c.out_start += out;
    c.out_end += out;
}

fn count_chars(s: &str) -> usize {
    // Every byte that is not a UTF-8 continuation byte starts a code point.
    s.bytes().filter(|&b| (b as i8) >= -0x40).count()
}

/// How [`clean_reader`] cuts and finishes its input.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ChunkOptions {
    /// A piece is cut at the last line feed of every block of this many bytes (at least 4); a
    /// line longer than that makes a longer piece ([`CHUNK_BYTES`]).
    pub chunk_bytes: usize,
    /// The output ends with a line break, recorded in the ledger as
    /// [`crate::end_with_newline`] records it (true).
    pub final_newline: bool,
    /// A UTF-8 byte order mark at the start of the input is removed and recorded as a
    /// `decode`/`bom` change, as [`crate::record_bom`] does, and offsets count it (true).
    pub strip_bom: bool,
    /// Each piece comes with its ledger (true). Without, the pieces' changes are empty and
    /// the ledger is never built ([`Pipeline::clean_text`]), for a caller that only writes the
    /// text; the text is the same.
    pub ledger: bool,
}

impl Default for ChunkOptions {
    fn default() -> Self {
        ChunkOptions {
            chunk_bytes: CHUNK_BYTES,
            final_newline: true,
            strip_bom: true,
            ledger: true,
        }
    }
}

/// What [`clean_reader`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChunkSummary {
    /// Bytes of input read.
    pub bytes: usize,
    /// Pieces cleaned.
    pub pieces: usize,
    /// Edits the passes pushed that were refused (a pass bug), over all pieces.
    pub rejected_edits: usize,
}

/// Why [`clean_reader`] stopped.
#[derive(Debug)]
#[non_exhaustive]
pub enum ChunkError<E> {
    /// A pass of the pipeline is not line-local ([`crate::PassSpec::local`]): the text must be cleaned
    /// whole.
    NotLocal(PassId),
    /// The input could not be read.
    Read(std::io::Error),
    /// The input is not UTF-8: the first byte of the first malformed sequence.
    NotUtf8 { offset: usize },
    /// The callback failed.
    Emit(E),
}

impl<E: std::fmt::Display> std::fmt::Display for ChunkError<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChunkError::NotLocal(id) => write!(
                f,
                "the pass `{id}` reads more than one line at a time: the text must be cleaned whole"
            ),
            ChunkError::Read(e) => write!(f, "cannot read the input: {e}"),
            ChunkError::NotUtf8 { offset } => {
                write!(
                    f,
                    "the input is not UTF-8 (first bad byte at offset {offset})"
                )
            }
            ChunkError::Emit(e) => e.fmt(f),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for ChunkError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ChunkError::Read(e) => Some(e),
            ChunkError::Emit(e) => Some(e),
            _ => None,
        }
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Cleans the UTF-8 text read from `reader` piece by piece with a line-local `pipeline`,
/// handing each cleaned piece to `emit` in order: its text, and its ledger in offsets of the
/// whole input and output. The pieces' texts put together are the output of
/// [`Pipeline::clean`] on the whole text (followed by [`crate::end_with_newline`] and
/// [`crate::record_bom`], as [`ChunkOptions`] says), and their ledgers put together its ledger.
///
/// Memory is bounded by [`ChunkOptions::chunk_bytes`] and the longest line. Fails before
/// reading when a pass is not line-local, and at the first malformed UTF-8 sequence (after the
/// pieces before it were emitted).
pub fn clean_reader<R: Read, E>(
    pipeline: &Pipeline,
    mut reader: R,
    options: &ChunkOptions,
    mut emit: impl FnMut(Cleaned) -> Result<(), E>,
) -> Result<ChunkSummary, ChunkError<E>> {
    if let Some(id) = pipeline.nonlocal_pass() {
        return Err(ChunkError::NotLocal(id));
    }
    let chunk = options.chunk_bytes.max(4);
    let mut buf: Vec<u8> = Vec::with_capacity(chunk);
    let mut eof = false;
    let mut summary = ChunkSummary::default();
    // Bytes of the input before `buf`.
    let mut consumed = 0;
    let mut rebase = Rebase::default();
    let mut bom = false;
    let mut first = true;
    loop {
        let mut want = chunk;
        let (cut, last) = loop {
            eof = eof || fill(&mut reader, &mut buf, want).map_err(ChunkError::Read)?;
            if eof {
                break (buf.len(), true);
            }
            match memchr::memrchr(b'\n', &buf) {
                // Something follows the cut, so the piece is not the last.
                Some(i) if i + 1 < buf.len() => break (i + 1, false),
                _ => want = buf.len() + chunk,
            }
        };
        if first && options.strip_bom && buf.starts_with(BOM) {
            bom = true;
            rebase = Rebase::starting_at(BOM.len(), 1);
        }
        let from = if first && bom { BOM.len() } else { 0 };
        let piece = utf8(&buf[from..cut]).map_err(|e| ChunkError::NotUtf8 {
            offset: consumed + from + e.valid_up_to(),
        })?;
        let mut cleaned = if options.ledger {
            pipeline.clean(piece)
        } else {
            let (text, stats) = pipeline.runner.run_text(piece, &pipeline.context);
            Cleaned {
                text,
                changes: Vec::new(),
                stats,
            }
        };
        if last && options.final_newline {
            crate::end_with_newline(&mut cleaned, piece);
        }
        if options.ledger {
            rebase.rebase(piece, &mut cleaned);
        }
        if first && bom {
            // The same change as `record_bom`'s; the offsets already count the mark.
            let mut mark = Cleaned::default();
            crate::record_bom(&mut mark, "\u{feff}");
            cleaned.changes.splice(0..0, mark.changes);
        }
        if !options.ledger {
            cleaned.changes.clear();
        }
        summary.pieces += 1;
        summary.rejected_edits += cleaned.stats.rejected_edits;
        emit(cleaned).map_err(ChunkError::Emit)?;
        first = false;
        consumed += cut;
        buf.drain(..cut);
        if last {
            summary.bytes = consumed;
            return Ok(summary);
        }
    }
}

/// `bytes` as UTF-8: checked fast, and where it fails again by the standard library, which
/// says where.
fn utf8(bytes: &[u8]) -> Result<&str, std::str::Utf8Error> {
    match simdutf8::basic::from_utf8(bytes) {
        Ok(s) => Ok(s),
        Err(_) => std::str::from_utf8(bytes),
    }
}

/// Reads into `buf` until it holds `want` bytes or the input ends; returns whether it ended.
fn fill(reader: &mut impl Read, buf: &mut Vec<u8>, want: usize) -> std::io::Result<bool> {
    while buf.len() < want {
        let len = buf.len();
        buf.resize(want, 0);
        match reader.read(&mut buf[len..]) {
            Ok(0) => {
                buf.truncate(len);
                return Ok(true);
            }
            Ok(n) => buf.truncate(len + n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => buf.truncate(len),
            Err(e) => {
                buf.truncate(len);
                return Err(e);
            }
        }
    }
    Ok(false)
}
