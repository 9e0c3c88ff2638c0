//! Word-list lines and the compact sorted form of a whole list.
//!
//! This file is also compiled into the crate's `build.rs`, which turns the embedded jieba list
//! into the sorted form at build time (so that start-up parses nothing): it may use only `std`.
//!
//! The sorted form, all integers little-endian:
//! `MAGIC`, word count `n` (u32), total frequency (u64), longest word in chars (u32), `n + 1`
//! word end offsets (u32, the first is 0), `n` frequencies (u32), `n` tags (u8), then the words'
//! UTF-8 bytes concatenated in byte order, each word once.

use std::borrow::Cow;
use std::cmp::Ordering;

/// What kind of word an entry is, as far as the correctors care.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tag {
    /// A place name (jieba `ns`).
    Place,
    /// A person name (jieba `nr`, `nrfg`, `nrt`).
    Person,
    /// An organisation name (jieba `nt`).
    Organisation,
    /// Any other word.
    Other,
}

impl Tag {
    /// Maps a jieba / ICTCLAS part-of-speech tag.
    pub fn from_pos(pos: &str) -> Tag {
        match pos {
            "ns" => Tag::Place,
            "nr" | "nrfg" | "nrt" => Tag::Person,
            "nt" => Tag::Organisation,
            _ => Tag::Other,
        }
    }

    /// True for names (places, people, organisations): the gazetteer.
    pub fn is_name(self) -> bool {
        !matches!(self, Tag::Other)
    }

    fn code(self) -> u8 {
        match self {
            Tag::Place => 1,
            Tag::Person => 2,
            Tag::Organisation => 3,
            Tag::Other => 0,
        }
    }

    fn from_code(code: u8) -> Tag {
        match code {
            1 => Tag::Place,
            2 => Tag::Person,
            3 => Tag::Organisation,
            _ => Tag::Other,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub freq: u32,
    pub tag: Tag,
}

/// Parses one `word [freq [tag]]` line (separated by spaces or tabs). Blank lines and lines
/// starting with `#` give `None`. A missing frequency defaults to a modest 10.
pub fn parse_line(line: &str) -> Result<Option<(&str, Entry)>, &'static str> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let mut parts = line.split(['\t', ' ']).filter(|p| !p.is_empty());
    let word = parts.next().ok_or("empty word")?;
    let freq = match parts.next() {
        Some(f) => f
            .parse::<u32>()
            .map_err(|_| "frequency is not a whole number")?,
        None => 10,
    };
    let tag = parts.next().map(Tag::from_pos).unwrap_or(Tag::Other);
    Ok(Some((word, Entry { freq, tag })))
}

/// The entries of a whole word list in byte order of the words, each word once (a later line
/// replaces an earlier one; bad lines are skipped).
pub fn parse_list(text: &str) -> Vec<(&str, Entry)> {
    let mut entries: Vec<(&str, Entry)> = text
        .lines()
        .filter_map(|line| parse_line(line).ok().flatten())
        .collect();
    // Stable: among equal words the last line stays last.
    entries.sort_by(|a, b| a.0.cmp(b.0));
    let mut out: Vec<(&str, Entry)> = Vec::with_capacity(entries.len());
    for e in entries {
        match out.last_mut() {
            Some(last) if last.0 == e.0 => *last = e,
            _ => out.push(e),
        }
    }
    out
}

const MAGIC: &[u8; 8] = b"OTLEX\0\0\x01";
const HEADER: usize = 8 + 4 + 8 + 4;

/// The sorted form of `entries`, which must be in byte order with each word once (as
/// [`parse_list`] returns them).
pub fn encode(entries: &[(&str, Entry)]) -> Vec<u8> {
    let n = entries.len();
    let text_len: usize = entries.iter().map(|(w, _)| w.len()).sum();
    let mut out = Vec::with_capacity(HEADER + 4 * (n + 1) + 5 * n + text_len);
    let total: u64 = entries.iter().map(|(_, e)| u64::from(e.freq)).sum();
    let max_chars = entries
        .iter()
        .map(|(w, _)| w.chars().count())
        .max()
        .unwrap_or(0);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(n as u32).to_le_bytes());
    out.extend_from_slice(&total.to_le_bytes());
    out.extend_from_slice(&(max_chars as u32).to_le_bytes());
    let mut end = 0u32;
    out.extend_from_slice(&end.to_le_bytes());
    for (w, _) in entries {
        end += w.len() as u32;
        out.extend_from_slice(&end.to_le_bytes());
    }
    for (_, e) in entries {
        out.extend_from_slice(&e.freq.to_le_bytes());
    }
    out.extend(entries.iter().map(|(_, e)| e.tag.code()));
    for (w, _) in entries {
        out.extend_from_slice(w.as_bytes());
    }
    out
}

/// A word list in the sorted form, read in place (from static bytes or a buffer of its own):
/// lookups are binary searches.
#[derive(Clone)]
pub struct Sorted {
    bytes: Cow<'static, [u8]>,
    len: usize,
    total: u64,
    max_word_chars: usize,
    /// Where the offsets, frequencies, tags and words start in `bytes`.
    ends_at: usize,
    freqs_at: usize,
    tags_at: usize,
    text_at: usize,
}

impl Default for Sorted {
    fn default() -> Self {
        Sorted::empty()
    }
}

impl std::fmt::Debug for Sorted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sorted")
            .field("len", &self.len)
            .field("total", &self.total)
            .finish_non_exhaustive()
    }
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    let mut b = [0u8; 4];
    b.copy_from_slice(&bytes[at..at + 4]);
    u32::from_le_bytes(b)
}

impl Sorted {
    /// Reads the sorted form in constant time (the list is not parsed or checked word by word);
    /// `None` when `bytes` are not one (wrong magic, sizes that do not add up). A list that is
    /// corrupt inside gives wrong answers, never a panic.
    pub fn read(bytes: Cow<'static, [u8]>) -> Option<Sorted> {
        let rest = bytes.strip_prefix(MAGIC)?;
        let n = u32::from_le_bytes(rest.get(0..4)?.try_into().ok()?) as usize;
        let total = u64::from_le_bytes(rest.get(4..12)?.try_into().ok()?);
        let max_word_chars = u32::from_le_bytes(rest.get(12..16)?.try_into().ok()?) as usize;
        let ends_at = HEADER;
        let freqs_at = n.checked_add(1)?.checked_mul(4)?.checked_add(ends_at)?;
        let tags_at = n.checked_mul(4)?.checked_add(freqs_at)?;
        let text_at = tags_at.checked_add(n)?;
        let text_len = bytes.len().checked_sub(text_at)?;
        if u32_at(&bytes, ends_at) != 0 || u32_at(&bytes, freqs_at - 4) as usize != text_len {
            return None;
        }
        Some(Sorted {
            len: n,
            total,
            max_word_chars,
            ends_at,
            freqs_at,
            tags_at,
            text_at,
            bytes,
        })
    }

    /// The sorted form of a word list's text (see [`parse_list`]).
    pub fn from_text(text: &str) -> Sorted {
        let bytes = encode(&parse_list(text));
        // `encode` writes what `read` accepts.
        Sorted::read(Cow::Owned(bytes)).unwrap_or_else(Sorted::empty)
    }

    /// A list without words.
    pub fn empty() -> Sorted {
        Sorted {
            bytes: Cow::Borrowed(&[]),
            len: 0,
            total: 0,
            max_word_chars: 0,
            ends_at: 0,
            freqs_at: 0,
            tags_at: 0,
            text_at: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The sum of all frequencies.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The length in chars of the longest word.
    pub fn max_word_chars(&self) -> usize {
        self.max_word_chars
    }

    #[inline]
    fn word_bytes(&self, i: usize) -> &[u8] {
        let start = u32_at(&self.bytes, self.ends_at + 4 * i) as usize;
        let end = u32_at(&self.bytes, self.ends_at + 4 * i + 4) as usize;
        self.bytes
            .get(self.text_at + start..self.text_at + end)
            .unwrap_or(&[])
    }

    /// The `i`-th word in byte order.
    #[inline]
    pub fn word(&self, i: usize) -> &str {
        // `encode` writes whole words; a corrupt list would give empty ones.
        std::str::from_utf8(self.word_bytes(i)).unwrap_or("")
    }

    /// The `i`-th entry.
    #[inline]
    pub fn entry(&self, i: usize) -> Entry {
        Entry {
            freq: u32_at(&self.bytes, self.freqs_at + 4 * i),
            tag: Tag::from_code(self.bytes[self.tags_at + i]),
        }
    }

    pub fn get(&self, word: &str) -> Option<Entry> {
        let word = word.as_bytes();
        let (mut lo, mut hi) = (0, self.len);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.word_bytes(mid).cmp(word) {
                Ordering::Less => lo = mid + 1,
                Ordering::Greater => hi = mid,
                Ordering::Equal => return Some(self.entry(mid)),
            }
        }
        None
    }

    /// The words and entries in byte order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Entry)> {
        (0..self.len).map(|i| (self.word(i), self.entry(i)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn reads_back_what_it_encodes() {
        let s = Sorted::from_text("清除 300 v\n清徐 20 nr\n太原 5 ns\n");
        assert_eq!(s.len(), 3);
        assert_eq!(s.total(), 325);
        assert_eq!(s.max_word_chars(), 2);
        assert_eq!(
            s.get("清徐"),
            Some(Entry {
                freq: 20,
                tag: Tag::Person
            })
        );
        assert_eq!(s.get("清"), None);
        assert!(Sorted::read(Cow::Borrowed(b"OTLEX")).is_none());
        assert!(Sorted::read(Cow::Borrowed(b"")).is_none());
    }

    proptest! {
        /// Damaged bytes are refused or answer something, never panic.
        #[test]
        fn damaged_bytes_never_panic(
            cut in 0usize..200,
            flips in prop::collection::vec((0usize..200, any::<u8>()), 0..6),
            probe in "[清徐除a-c]{1,3}",
        ) {
            let mut bytes = encode(&parse_list("清除 300 v\n清徐 20 nr\nabc 7\n"));
            for (i, b) in flips {
                let n = bytes.len();
                bytes[i % n] = b;
            }
            bytes.truncate(cut.max(1));
            if let Some(s) = Sorted::read(Cow::Owned(bytes)) {
                let _ = s.get(&probe);
                let _ = s.iter().count();
            }
        }
    }
}
