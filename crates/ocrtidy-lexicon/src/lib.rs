//! Lexicons for ocrtidy: a Chinese word list with frequencies (jieba's `dict.txt`, embedded
//! behind the default `embedded-dict` feature), gazetteer tags (place, person and organisation
//! names from the same list's part-of-speech tags), user lexicons and protected terms.
//!
//! Loaders take any [`BufRead`], not only a path. Parse errors name the source and line.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::BufRead;
use std::sync::OnceLock;

mod dict;

use dict::Sorted;
pub use dict::{Entry, Tag};

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
///
/// A whole word list (the embedded one, or one read with [`Lexicon::from_word_list`]) is held in
/// a compact sorted form that is read in place; words added one by one go to a hash map that
/// takes precedence over it.
#[derive(Debug, Default)]
pub struct Lexicon {
    base: Option<&'static Lexicon>,
    words: HashMap<Box<str>, Entry>,
    sorted: Sorted,
    /// Words of `words` that are also in `sorted`.
    shadowed: usize,
    total: u64,
    max_word_chars: usize,
    protected: HashSet<Box<str>>,
}

/// jieba's `dict.txt` in the sorted form of [`dict`], LZ4-compressed (block format, size
/// prepended), written by `build.rs`.
#[cfg(feature = "embedded-dict")]
static EMBEDDED_DICT_LZ4: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/jieba-dict.bin.lz4"));

impl Lexicon {
    /// An empty lexicon.
    pub fn new() -> Self {
        Lexicon::default()
    }

    /// The embedded jieba word list (sorted at build time, decompressed on first use and read
    /// in place: nothing is parsed at run time). Without the `embedded-dict` feature this is an
    /// empty lexicon.
    pub fn embedded() -> &'static Lexicon {
        static LEX: OnceLock<Lexicon> = OnceLock::new();
        LEX.get_or_init(|| {
            #[cfg(feature = "embedded-dict")]
            if let Some(sorted) = lz4_flex::decompress_size_prepended(EMBEDDED_DICT_LZ4)
                .ok()
                .and_then(|bytes| Sorted::read(std::borrow::Cow::Owned(bytes)))
            {
                return Lexicon::from_sorted(sorted);
            }
            // `build.rs` writes what `Sorted::read` accepts: this is the list without the
            // `embedded-dict` feature.
            Lexicon::new()
        })
    }

    /// A lexicon of a whole word list in jieba's `dict.txt` format (lines `word [freq [tag]]`;
    /// a later line for the same word replaces an earlier one, bad lines are skipped), held in
    /// the same compact form as the embedded list. [`Lexicon::iter`] yields its words in byte
    /// order, as it does the embedded list's.
    pub fn from_word_list(text: &str) -> Lexicon {
        Lexicon::from_sorted(Sorted::from_text(text))
    }

    fn from_sorted(sorted: Sorted) -> Lexicon {
        Lexicon {
            total: sorted.total(),
            max_word_chars: sorted.max_word_chars(),
            sorted,
            ..Lexicon::default()
        }
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
        if let Some((word, entry)) = dict::parse_line(line)? {
            self.insert(word, entry);
        }
        Ok(())
    }

    /// Adds or replaces a word.
    pub fn insert(&mut self, word: &str, entry: Entry) {
        let old = match self.words.insert(word.into(), entry) {
            Some(old) => Some(old),
            None => {
                let old = self.sorted.get(word);
                self.shadowed += usize::from(old.is_some());
                old
            }
        };
        if let Some(old) = old {
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
            .or_else(|| self.sorted.get(word))
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
        self.words.len() + self.sorted.len() - self.shadowed
    }

    /// The number of entries [`Lexicon::iter`] yields: the words of this layer and of the base
    /// (a word in both counted twice).
    pub fn len_with_base(&self) -> usize {
        self.len() + self.base.map_or(0, Lexicon::len)
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.sorted.is_empty() && self.base.is_none_or(|b| b.is_empty())
    }

    /// Iterates over the words of this layer and then the base (a word in both is yielded
    /// twice; callers that build indexes deduplicate). Words added one by one come first, in
    /// no particular order; a whole word list follows in byte order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Entry)> {
        self.layer_iter()
            .chain(self.base.into_iter().flat_map(Lexicon::layer_iter))
    }

    /// The words of this layer (see [`Lexicon::iter`]).
    fn layer_iter(&self) -> impl Iterator<Item = (&str, Entry)> {
        let sorted = self
            .sorted
            .iter()
            .filter(|(w, _)| self.shadowed == 0 || !self.words.contains_key(*w));
        self.words.iter().map(|(w, e)| (&**w, *e)).chain(sorted)
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
        assert_eq!(lex.len(), 2);
        assert_eq!(lex.len_with_base(), Lexicon::embedded().len() + 2);
        assert_eq!(lex.iter().count(), lex.len_with_base());
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

    /// The sorted form built at compile time holds exactly what reading the list line by line
    /// gives.
    #[cfg(feature = "embedded-dict")]
    #[test]
    fn embedded_sorted_form_holds_every_line_of_the_list() {
        let text = include_str!("../../../data/lexicon/jieba-dict.txt");
        let mut by_line = Lexicon::new();
        by_line
            .load_user(text.as_bytes(), "jieba-dict.txt")
            .unwrap();
        let lex = Lexicon::embedded();
        assert_eq!(lex.len(), by_line.len());
        assert_eq!(lex.total_freq(), by_line.total_freq());
        assert_eq!(lex.max_word_chars(), by_line.max_word_chars());
        for (word, entry) in by_line.iter() {
            assert_eq!(lex.get(word), Some(entry), "{word}");
        }
        let words: Vec<&str> = lex.iter().map(|(w, _)| w).collect();
        assert!(words.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn word_list_keeps_the_last_line_of_a_word_in_byte_order() {
        let lex = Lexicon::from_word_list(
            "# 注释\n清除 300 v\n清徐 20 nr\n\n清除 280 v\n清徐县 很多\n太原\n",
        );
        let words: Vec<(&str, u32)> = lex.iter().map(|(w, e)| (w, e.freq)).collect();
        assert_eq!(words, [("太原", 10), ("清徐", 20), ("清除", 280)]);
        assert_eq!(lex.tag("清徐"), Some(Tag::Person));
        assert_eq!(lex.total_freq(), 310);
        assert_eq!(lex.max_word_chars(), 2);
        assert!(!lex.contains("清徐县")); // its frequency is not a number
        assert!(!lex.contains("清"));
        assert!(!lex.contains("太原市"));
    }

    #[test]
    fn words_added_to_a_word_list_take_precedence() {
        let mut lex = Lexicon::from_word_list("清除 300 v\n清徐 20 nr\n");
        lex.insert(
            "清徐",
            Entry {
                freq: 50,
                tag: Tag::Place,
            },
        );
        lex.insert(
            "清徐县",
            Entry {
                freq: 5,
                tag: Tag::Place,
            },
        );
        assert_eq!(lex.tag("清徐"), Some(Tag::Place));
        assert_eq!(lex.freq("清徐"), Some(50));
        assert_eq!(lex.freq("清除"), Some(300));
        assert_eq!(lex.len(), 3);
        assert_eq!(lex.total_freq(), 355);
        assert_eq!(lex.max_word_chars(), 3);
        let mut words: Vec<(&str, u32)> = lex.iter().map(|(w, e)| (w, e.freq)).collect();
        words.sort();
        assert_eq!(words, [("清徐", 50), ("清徐县", 5), ("清除", 300)]);
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            /// A word list read whole answers like one read line by line into a hash map.
            #[test]
            fn word_list_agrees_with_line_by_line(
                lines in prop::collection::vec(("[清徐除县a-c]{1,3}", 0u32..1000, 0usize..4), 0..40),
                probes in prop::collection::vec("[清徐除县a-c]{1,3}", 0..20),
            ) {
                let text: String = lines
                    .iter()
                    .map(|(w, f, t)| format!("{w} {f} {}\n", ["ns", "nr", "nt", "v"][*t]))
                    .collect();
                let whole = Lexicon::from_word_list(&text);
                let mut by_line = Lexicon::new();
                by_line.load_user(text.as_bytes(), "t").unwrap();
                prop_assert_eq!(whole.len(), by_line.len());
                prop_assert_eq!(whole.total_freq(), by_line.total_freq());
                for (w, e) in by_line.iter() {
                    prop_assert_eq!(whole.get(w), Some(e));
                }
                for w in &probes {
                    prop_assert_eq!(whole.get(w), by_line.get(w));
                }
            }
        }
    }
}
