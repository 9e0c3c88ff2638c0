//! Latin-script correction by document evidence: the words that recur in the same document are
//! the dictionary (Debian docs and manuals are full of terms no general word list has).
//!
//! - OCR-typical edits (`1`→`l`/`i`/`I`, `0`→`o`/`O`, `5`→`s`/`S`, `rn`→`m`, `cl`→`d`,
//!   `vv`→`w`, `l1`→`h`): a token that becomes a recurring document word by such edits is corrected
//!   (`tl1e` → `the`, `Deb1an` → `Debian`). Rule `typo-latin-ocr`.
//! - Words glued by OCR (`DebianEdu`, `TheFreeSoftwareHerald`): a CamelCase token seen once whose
//!   parts all recur on their own is split. Rule `typo-latin-split`.
//! - Other unknown words one edit away from a recurring word are suggested, never applied, found
//!   with a symmetric-delete index (SymSpell). Rule `typo-latin`.

use std::collections::HashMap;

/// Occurrences a word needs elsewhere in the document to count as evidence.
const MIN_EVIDENCE: u32 = 2;
/// Occurrences needed for a correction by letter edits only (`rn`→`m`), which are riskier.
const MIN_EVIDENCE_LETTERS: u32 = 3;
/// Shortest unknown word questioned for a suggestion.
const MIN_SUGGEST_LEN: usize = 6;
/// Occurrences a word needs to be suggested instead of a near-miss.
const MIN_SUGGEST_EVIDENCE: u32 = 4;

/// One Latin correction.
#[derive(Clone, Debug, PartialEq)]
pub struct LatinFix {
    pub start: usize,
    pub end: usize,
    pub replacement: String,
    pub rule: &'static str,
    pub apply: bool,
    /// Confidence in [0, 1].
    pub confidence: f32,
}

fn tokens(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < bytes.len() && !bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
        if i >= bytes.len() {
            return None;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
        // A token glued to a non-ASCII letter (a Chinese word, an accented letter) is skipped:
        // it is not a whole Latin word.
        let glued = |b: Option<&u8>| b.is_some_and(|b| *b >= 0x80);
        if (start > 0 && glued(bytes.get(start - 1))) || glued(bytes.get(i)) {
            return Some((start, ""));
        }
        Some((start, &text[start..i]))
    })
    .filter(|(_, t)| t.bytes().any(|b| b.is_ascii_alphabetic()))
}

/// Finds the Latin corrections of a text.
pub fn correct(text: &str) -> Vec<LatinFix> {
    let mut counts: HashMap<&str, u32> = HashMap::new();
    for (_, t) in tokens(text) {
        *counts.entry(t).or_insert(0) += 1;
    }
    let count = |w: &str| counts.get(w).copied().unwrap_or(0);
    // Symmetric-delete index over recurring words: every one-character deletion → words.
    let mut deletes: HashMap<String, Vec<&str>> = HashMap::new();
    for (&w, &n) in &counts {
        if n >= MIN_SUGGEST_EVIDENCE && w.len() >= MIN_SUGGEST_LEN - 1 && is_letters(w) {
            for d in deletions(w) {
                deletes.entry(d).or_default().push(w);
            }
            deletes.entry(w.to_string()).or_default().push(w);
        }
    }
    let mut out = Vec::new();
    for (start, t) in tokens(text) {
        let end = start + t.len();
        if count(t) >= MIN_EVIDENCE && is_letters(t) {
            continue;
        }
        // OCR-typical edits.
        let mut best: Option<(String, u32)> = None;
        let mut ambiguous = false;
        for v in ocr_variants(t) {
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
            out.push(LatinFix {
                start,
                end,
                replacement: v,
                rule: "typo-latin-ocr",
                apply: !ambiguous && count(t) == 1,
                confidence: 1.0 - 1.0 / (n as f32 + 2.0),
            });
            continue;
        }
        if count(t) != 1 || !is_letters(t) {
            continue;
        }
        // Glued CamelCase words.
        let parts = camel_parts(t);
        if parts.len() >= 2 && parts.iter().all(|p| count(p) >= MIN_EVIDENCE) {
            out.push(LatinFix {
                start,
                end,
                replacement: parts.join(" "),
                rule: "typo-latin-split",
                apply: true,
                confidence: 0.95,
            });
            continue;
        }
        // One edit from a recurring word: a suggestion.
        if t.len() >= MIN_SUGGEST_LEN {
            let mut cands: Vec<&str> = Vec::new();
            for key in std::iter::once(t.to_string()).chain(deletions(t)) {
                if let Some(ws) = deletes.get(&key) {
                    for &w in ws {
                        if w != t && !cands.contains(&w) && within_one_edit(t, w) {
                            cands.push(w);
                        }
                    }
                }
            }
            cands.sort_by_key(|w| std::cmp::Reverse(count(w)));
            if let Some(&w) = cands.first() {
                out.push(LatinFix {
                    start,
                    end,
                    replacement: w.to_string(),
                    rule: "typo-latin",
                    apply: false,
                    confidence: 0.5,
                });
            }
        }
    }
    out
}

fn is_letters(w: &str) -> bool {
    !w.is_empty() && w.bytes().all(|b| b.is_ascii_alphabetic())
}

fn has_digit(w: &str) -> bool {
    w.bytes().any(|b| b.is_ascii_digit())
}

fn deletions(w: &str) -> impl Iterator<Item = String> + '_ {
    (0..w.len()).map(move |i| {
        let mut s = String::with_capacity(w.len() - 1);
        s.push_str(&w[..i]);
        s.push_str(&w[i + 1..]);
        s
    })
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

/// Spellings reachable by OCR-typical edits (at most 64).
fn ocr_variants(t: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let b = t.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let two = if i + 1 < b.len() { &t[i..i + 2] } else { "" };
        let opts: &[&str] = match (b[i], two) {
            (_, "rn") => &["rn", "m"],
            (_, "cl") => &["cl", "d"],
            (_, "vv") => &["vv", "w"],
            (_, "l1") => &["l1", "h", "ll", "li", "lI"],
            (b'1', _) => &["1", "l", "i", "I"],
            (b'0', _) => &["0", "o", "O"],
            (b'5', _) => &["5", "s", "S"],
            _ => &[],
        };
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
    fn edit_distance_helper() {
        assert!(within_one_edit("pakcage", "package"));
        assert!(within_one_edit("packge", "package"));
        assert!(within_one_edit("packagr", "package"));
        assert!(!within_one_edit("pkcgae", "package"));
    }
}
