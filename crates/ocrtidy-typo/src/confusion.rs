//! Confusion tables: which intended character an OCR engine may have misread as an observed one,
//! and how plausible that is.
//!
//! Two text formats are read (`#` comments and blank lines ignored):
//! - compact, one line per observed character: `observed<TAB>intended:weight intended:weight ...`
//!   (the generated `data/confusion/visual.tsv` and `phonetic.tsv`; weights are similarities in
//!   (0, 1]);
//! - pairs, one line per confusion: `observed<TAB>intended<TAB>probability[<TAB>count]`
//!   (written by `ocrtidy learn`; the probability is P(observed | intended)).

use std::collections::HashMap;
use std::fmt;

/// Where a confusion comes from; each kind has its own channel model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ConfusionKind {
    /// Glyphs that look alike.
    Visual,
    /// Characters that sound alike (input-method and dictation errors).
    Phonetic,
    /// Observed in aligned OCR output and ground truth.
    Learned,
}

/// One candidate for an observed character.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Confusion {
    pub intended: char,
    pub weight: f32,
    pub kind: ConfusionKind,
}

/// An error in a confusion table file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfusionError {
    pub source_name: String,
    pub line: usize,
    pub reason: &'static str,
}

impl fmt::Display for ConfusionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.source_name, self.line, self.reason)
    }
}

impl std::error::Error for ConfusionError {}

/// Observed character → candidate intended characters.
#[derive(Clone, Debug, Default)]
pub struct ConfusionTable {
    map: HashMap<char, Vec<Confusion>>,
}

static VISUAL: &str = include_str!("../../../data/confusion/visual.tsv");
static PHONETIC: &str = include_str!("../../../data/confusion/phonetic.tsv");
static LEARNED: &str = include_str!("../../../data/confusion/learned-dev-a.tsv");

impl ConfusionTable {
    pub fn new() -> Self {
        Self::default()
    }

    /// The committed visual, phonetic and learned tables.
    pub fn embedded() -> ConfusionTable {
        let mut t = ConfusionTable::new();
        // The embedded tables are generated and well formed; a bad line would be skipped.
        let _ = t.load(VISUAL, ConfusionKind::Visual, "visual.tsv");
        let _ = t.load(PHONETIC, ConfusionKind::Phonetic, "phonetic.tsv");
        let _ = t.load(LEARNED, ConfusionKind::Learned, "learned-dev-a.tsv");
        t
    }

    /// Adds one confusion; a pair already present keeps its higher weight per kind.
    pub fn add(&mut self, observed: char, intended: char, weight: f32, kind: ConfusionKind) {
        if observed == intended || weight.is_nan() || weight <= 0.0 {
            return;
        }
        let list = self.map.entry(observed).or_default();
        match list
            .iter_mut()
            .find(|c| c.intended == intended && c.kind == kind)
        {
            Some(c) => c.weight = c.weight.max(weight),
            None => list.push(Confusion {
                intended,
                weight: weight.min(1.0),
                kind,
            }),
        }
    }

    /// Loads a table in either format (see the module docs). Returns the number of pairs read.
    pub fn load(
        &mut self,
        text: &str,
        kind: ConfusionKind,
        source_name: &str,
    ) -> Result<usize, ConfusionError> {
        let mut n = 0;
        for (i, line) in text.lines().enumerate() {
            let err = |reason| ConfusionError {
                source_name: source_name.to_string(),
                line: i + 1,
                reason,
            };
            let line = line.trim_end_matches('\r');
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let mut fields = line.split('\t');
            let observed =
                single_char(fields.next()).ok_or(err("observed is not one character"))?;
            let second = fields.next().ok_or(err("missing intended character"))?;
            match fields.next() {
                Some(p) => {
                    let intended =
                        single_char(Some(second)).ok_or(err("intended is not one character"))?;
                    let p: f32 = p
                        .trim()
                        .parse()
                        .map_err(|_| err("probability is not a number"))?;
                    if !(0.0..=1.0).contains(&p) {
                        return Err(err("probability is not in [0, 1]"));
                    }
                    self.add(observed, intended, p, kind);
                    n += 1;
                }
                None => {
                    for item in second.split(' ').filter(|s| !s.is_empty()) {
                        let (c, w) = item
                            .split_once(':')
                            .ok_or(err("expected intended:weight"))?;
                        let intended =
                            single_char(Some(c)).ok_or(err("intended is not one character"))?;
                        let w: f32 = w.parse().map_err(|_| err("weight is not a number"))?;
                        if !(0.0..=1.0).contains(&w) {
                            return Err(err("weight is not in [0, 1]"));
                        }
                        self.add(observed, intended, w, kind);
                        n += 1;
                    }
                }
            }
        }
        Ok(n)
    }

    /// The candidates for an observed character.
    pub fn candidates(&self, observed: char) -> &[Confusion] {
        self.map.get(&observed).map(Vec::as_slice).unwrap_or(&[])
    }

    /// All (observed, candidates) entries.
    pub fn iter(&self) -> impl Iterator<Item = (char, &[Confusion])> {
        self.map.iter().map(|(c, v)| (*c, v.as_slice()))
    }

    pub fn len(&self) -> usize {
        self.map.values().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

fn single_char(s: Option<&str>) -> Option<char> {
    let mut it = s?.chars();
    let c = it.next()?;
    it.next().is_none().then_some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_tables_know_the_classic_pairs() {
        let t = ConfusionTable::embedded();
        let has = |o: char, i: char, k: ConfusionKind| {
            t.candidates(o)
                .iter()
                .any(|c| c.intended == i && c.kind == k)
        };
        assert!(has('土', '士', ConfusionKind::Visual));
        assert!(has('未', '末', ConfusionKind::Visual));
        assert!(has('己', '已', ConfusionKind::Visual));
        assert!(has('除', '徐', ConfusionKind::Visual));
        assert!(has('关', '观', ConfusionKind::Phonetic));
        assert!(!has('土', '水', ConfusionKind::Visual));
    }

    #[test]
    fn both_formats_load_and_errors_name_the_line() {
        let mut t = ConfusionTable::new();
        let n = t
            .load(
                "# c\n找\t拷\t0.25\t15\n网\t同:0.5 问:0.2\n",
                ConfusionKind::Learned,
                "x",
            )
            .unwrap();
        assert_eq!(n, 3);
        assert_eq!(t.candidates('网').len(), 2);
        assert_eq!(t.candidates('找')[0].weight, 0.25);
        let e = t
            .load("找\t拷\tmuch\n", ConfusionKind::Learned, "bad.tsv")
            .unwrap_err();
        assert_eq!(e.to_string(), "bad.tsv:1: probability is not a number");
        let e = t
            .load("找贝\t拷\t0.1\n", ConfusionKind::Learned, "bad.tsv")
            .unwrap_err();
        assert_eq!(e.line, 1);
    }
}
