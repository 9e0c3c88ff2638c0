//! Lexicons for ocrtidy: a Chinese word list with frequencies (jieba's `dict.txt`, embedded
//! behind the default `embedded-dict` feature), gazetteer tags (place, person and organisation
//! names from the same list's part-of-speech tags), user lexicons and protected terms.
//!
//! Loaders take any [`BufRead`], not only a path. Parse errors name the source and line.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::BufRead;
use std::sync::OnceLock;

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
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub freq: u32,
    pub tag: Tag,
}

/// An error in a lexicon file.
#[derive(Debug)]
#[non_exhaustive]
pub enum LexiconError {
    Io {
        source_name: String,
        error: std::io::Error,
    },
    Parse {
        source_name: String,
        line: usize,
        text: String,
        reason: &'static str,
    },
}

impl fmt::Display for LexiconError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LexiconError::Io { source_name, error } => write!(f, "{source_name}: {error}"),
            LexiconError::Parse {
                source_name,
                line,
                text,
                reason,
            } => {
                write!(f, "{source_name}:{line}: {reason}: `{text}`")
            }
        }
    }
}

impl std::error::Error for LexiconError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LexiconError::Io { error, .. } => Some(error),
            LexiconError::Parse { .. } => None,
        }
    }
}

/// A word list with frequencies and tags, optionally layered over the embedded list, plus a
/// set of protected terms that correctors must never change.
#[derive(Debug, Default)]
pub struct Lexicon {
    base: Option<&'static Lexicon>,
    words: HashMap<Box<str>, Entry>,
    total: u64,
    max_word_chars: usize,
    protected: HashSet<Box<str>>,
}

#[cfg(feature = "embedded-dict")]
static EMBEDDED_DICT: &str = include_str!("../../../data/lexicon/jieba-dict.txt");

impl Lexicon {
    /// An empty lexicon.
    pub fn new() -> Self {
        Lexicon::default()
    }

    /// The embedded jieba word list, parsed once on first use. Without the `embedded-dict`
    /// feature this is an empty lexicon.
    pub fn embedded() -> &'static Lexicon {
        static LEX: OnceLock<Lexicon> = OnceLock::new();
        LEX.get_or_init(|| {
            let mut lex = Lexicon::new();
            #[cfg(feature = "embedded-dict")]
            for line in EMBEDDED_DICT.lines() {
                // The embedded list is known to be well formed; a bad line would be skipped.
                let _ = lex.add_line(line);
            }
            lex
        })
    }

    /// A new, empty layer over the embedded list: user words added to it take precedence.
    pub fn over_embedded() -> Self {
        Lexicon {
            base: Some(Lexicon::embedded()),
            total: Lexicon::embedded().total,
            max_word_chars: Lexicon::embedded().max_word_chars,
            ..Lexicon::default()
        }
    }

    /// Adds one `word [freq [tag]]` line (separated by spaces or tabs). Blank lines and lines
    /// starting with `#` are ignored. A missing frequency defaults to a modest 10.
    fn add_line(&mut self, line: &str) -> Result<(), &'static str> {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return Ok(());
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
        self.insert(word, Entry { freq, tag });
        Ok(())
    }

    /// Adds or replaces a word.
    pub fn insert(&mut self, word: &str, entry: Entry) {
        if let Some(old) = self.words.insert(word.into(), entry) {
            self.total = self.total.saturating_sub(u64::from(old.freq));
        }
        self.total += u64::from(entry.freq);
        self.max_word_chars = self.max_word_chars.max(word.chars().count());
    }

    /// Loads a user lexicon: TSV (or space separated) lines `word [frequency [tag]]`.
    pub fn load_user(
        &mut self,
        reader: impl BufRead,
        source_name: &str,
    ) -> Result<usize, LexiconError> {
        let mut n = 0;
        for (i, line) in reader.lines().enumerate() {
            let line = line.map_err(|error| LexiconError::Io {
                source_name: source_name.to_string(),
                error,
            })?;
            self.add_line(&line).map_err(|reason| LexiconError::Parse {
                source_name: source_name.to_string(),
                line: i + 1,
                text: line.clone(),
                reason,
            })?;
            n += 1;
        }
        Ok(n)
    }

    /// Loads protected terms, one per line (`#` comments and blank lines ignored). Protected
    /// terms are never corrected and count as known words.
    pub fn load_protected(
        &mut self,
        reader: impl BufRead,
        source_name: &str,
    ) -> Result<usize, LexiconError> {
        let mut n = 0;
        for line in reader.lines() {
            let line = line.map_err(|error| LexiconError::Io {
                source_name: source_name.to_string(),
                error,
            })?;
            let term = line.trim();
            if term.is_empty() || term.starts_with('#') {
                continue;
            }
            self.protect(term);
            n += 1;
        }
        Ok(n)
    }

    /// Marks a term as protected.
    pub fn protect(&mut self, term: &str) {
        self.max_word_chars = self.max_word_chars.max(term.chars().count());
        self.protected.insert(term.into());
    }

    pub fn get(&self, word: &str) -> Option<Entry> {
        self.words
            .get(word)
            .copied()
            .or_else(|| self.base.and_then(|b| b.get(word)))
    }

    pub fn freq(&self, word: &str) -> Option<u32> {
        self.get(word).map(|e| e.freq)
    }

    pub fn contains(&self, word: &str) -> bool {
        self.get(word).is_some() || self.is_protected(word)
    }

    pub fn tag(&self, word: &str) -> Option<Tag> {
        self.get(word).map(|e| e.tag)
    }

    /// True for a protected term (this layer or the base).
    pub fn is_protected(&self, word: &str) -> bool {
        self.protected.contains(word) || self.base.is_some_and(|b| b.is_protected(word))
    }

    /// The protected terms of this layer.
    pub fn protected_terms(&self) -> impl Iterator<Item = &str> {
        self.protected.iter().map(|s| &**s)
    }

    /// The sum of all frequencies.
    pub fn total_freq(&self) -> u64 {
        self.total.max(1)
    }

    /// Natural log of the word's relative frequency, or `None` for an unknown word.
    pub fn log_prob(&self, word: &str) -> Option<f64> {
        self.freq(word)
            .map(|f| (f64::from(f.max(1))).ln() - (self.total_freq() as f64).ln())
    }

    /// The length in chars of the longest word.
    pub fn max_word_chars(&self) -> usize {
        self.max_word_chars
    }

    /// The number of words in this layer (not counting the base).
    pub fn len(&self) -> usize {
        self.words.len()
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.base.is_none_or(|b| b.is_empty())
    }

    /// Iterates over the words of this layer and then the base (a word in both is yielded
    /// twice; callers that build indexes deduplicate).
    pub fn iter(&self) -> impl Iterator<Item = (&str, Entry)> {
        self.words.iter().map(|(w, e)| (&**w, *e)).chain(
            self.base
                .into_iter()
                .flat_map(|b| b.words.iter().map(|(w, e)| (&**w, *e))),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "embedded-dict")]
    #[test]
    fn embedded_has_words_and_names() {
        let lex = Lexicon::embedded();
        assert!(lex.len() > 300_000);
        assert!(lex.contains("伴随"));
        assert!(lex.freq("伴随").unwrap() > 100);
        assert_eq!(lex.tag("清徐"), Some(Tag::Person)); // jieba tags this county `nr`
        assert!(!lex.contains("伴随者随"));
        assert!(lex.log_prob("伴随").unwrap() < 0.0);
    }

    #[test]
    fn user_lexicon_layers_and_reports_bad_lines() {
        let mut lex = Lexicon::over_embedded();
        let n = lex
            .load_user(
                "# comment\n清徐县\t50\tns\n残疾人士\n".as_bytes(),
                "user.tsv",
            )
            .unwrap();
        assert_eq!(n, 3);
        assert_eq!(lex.tag("清徐县"), Some(Tag::Place));
        assert_eq!(lex.freq("残疾人士"), Some(10));
        let err = lex
            .load_user("好词\tmany\n".as_bytes(), "bad.tsv")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "bad.tsv:1: frequency is not a whole number: `好词\tmany`"
        );
    }

    #[test]
    fn protected_terms_are_known() {
        let mut lex = Lexicon::new();
        lex.load_protected("清除\n\n# x\n".as_bytes(), "p.txt")
            .unwrap();
        assert!(lex.is_protected("清除"));
        assert!(lex.contains("清除"));
        assert!(!lex.is_protected("清徐"));
    }
}
