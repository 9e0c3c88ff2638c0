use std::collections::HashMap;

use ocrtidy_core::{Candidate, EditSink, Pass, PassId, PassInput, PassKind, PassSpec, RuleSpec};

use crate::furniture::{is_date_like, opens_title};
use crate::page::{self, Line};

/// Joins Latin words hyphenated across a line break: `infor-\nmation` → `information`, and
/// keeps real hyphens: `well-\nknown` → `well-known`. The hyphen may be `-`, the Fraktur `⸗`,
/// `¬`, U+2010 or a soft hyphen (always joined: `Men\u{ad}\nschen` → `Menschen`); `=` and `—`,
/// which OCR engines read for `⸗`, count only where the document writes the joined word too.
///
/// A break qualifies when a line ends with a letter and a hyphen and the next line of the same
/// page (blank lines between are allowed) starts with a lower-case letter. The decision uses the
/// document's own word forms first: the joined form written elsewhere (`information`) removes
/// the hyphen, the hyphenated form written elsewhere on one line (`well-known`) keeps it.
/// Without such evidence the hyphen is kept when the first part is a common compound element
/// (`well`, `self`, `non`, `multi`, …, a small list written for this crate) and removed
/// otherwise; both decisions record the alternative as a rejected candidate.
///
/// The break itself is removed in both cases, so the line-join pass sees one line. Lines that
/// read as dates or dated headers are left alone (see [`crate::LineJoin`]).
///
/// Rules: `dehyphenate`, `hyphen-kept`.
#[derive(Debug, Default, Clone)]
pub struct Dehyphenate;

/// First elements of English compounds that are usually written with a hyphen. Written for
/// ocrtidy (same licence as the crate); deliberately small.
const COMPOUND_HEADS: &[&str] = &[
    "all", "anti", "best", "built", "co", "command", "cross", "data", "down", "end", "ever", "ex",
    "far", "first", "free", "full", "half", "high", "ill", "long", "low", "many", "mid", "much",
    "multi", "near", "non", "off", "old", "on", "one", "open", "out", "over", "part", "post",
    "pre", "quasi", "read", "ready", "real", "run", "second", "self", "semi", "short", "so",
    "state", "sub", "third", "three", "time", "two", "under", "up", "user", "well", "wide",
    "world", "write",
];

impl Dehyphenate {
    /// The pass's declaration: id, summary, flags and every rule it may record.
    pub const SPEC: PassSpec = PassSpec {
        id: PassId::Dehyphenate,
        summary: "Latin words hyphenated across line breaks joined",
        kind: PassKind::Layout,
        removes_text: false,
        rerun: true,
        local: false,
        written_back: false,
        rules: &[
            RuleSpec {
                id: "dehyphenate",
                explain: "A Latin word broken across a line break with a hyphen is joined and the hyphen removed: `infor-\\nmation` → `information`. It applies when a line ends with a letter and a hyphen (`-`, `⸗`, `¬`, U+2010 or a soft hyphen) and the next line of the same page starts with a lowercase letter. Always applied, confidence 0.95 when the document itself writes the joined word more often than the hyphenated one (or for a soft hyphen), 0.7 when decided by default because the first part is not a common compound element; the hyphenated form is recorded as the rejected alternative. `=` or `—` at a line end count only where the document writes the joined word; date lines and page titles are left alone.",
            },
            RuleSpec {
                id: "hyphen-kept",
                explain: "A line-end hyphen that belongs to a real compound is kept and only the line break after it is removed: `well-\\nknown` → `well-known`. Chosen when the document writes the hyphenated form more often than the joined one (confidence 0.95), or, without such evidence, when the first part is a common compound element such as `well`, `self`, `non`, `multi` (confidence 0.7); the joined word is recorded as the rejected alternative. Always applied.",
            },
        ],
    };
}

impl Pass for Dehyphenate {
    fn spec(&self) -> &'static PassSpec {
        &Self::SPEC
    }

    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        let text = input.text;
        // Most texts have no line that a hyphenated break could start on: they are not cut
        // into lines.
        if !may_break(text) {
            return;
        }
        let lines = page::lines(text);
        let nonblank: Vec<&Line> = lines.iter().filter(|l| !l.is_blank()).collect();
        // The hyphenated breaks: (hyphen offset, start of the next line, left part, right part).
        let mut breaks = Vec::new();
        for (k, pair) in nonblank.windows(2).enumerate() {
            let (a, b) = (pair[0], pair[1]);
            if a.page != b.page {
                continue;
            }
            let Some((hyphen, left, right, mark)) = hyphenated(text, a, b) else {
                continue;
            };
            // The joined line must not end up directly above a date line, where it would read
            // as a publication title on the next cleaning.
            let above_date = nonblank
                .get(k + 2)
                .is_some_and(|c| c.page == b.page && is_date_like(c.text(text)));
            let page_title =
                opens_title(a.text(text)) && (k == 0 || nonblank[k - 1].page != a.page);
            if above_date || page_title {
                continue;
            }
            breaks.push((hyphen, b.content.start, left, right, mark));
        }
        if breaks.is_empty() {
            return;
        }
        let forms = word_forms(text, &breaks);
        for (hyphen, next_start, left, right, mark) in &breaks {
            decide(sink, &forms, *hyphen, *next_start, left, right, *mark);
        }
    }
}

/// Whether some line of `text` could start a hyphenated break: its text (without trailing
/// spaces, see `page::lines`) ends with a hyphen mark, and a `\n` ends it (a line that a form
/// feed ends is the last of its page, and the text's last line has none after it). Read from
/// the line ends back, without cutting the text into lines; a blank line's trimmed end is the
/// break before it, no mark.
fn may_break(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memchr_iter(b'\n', b).any(|end| {
        let trimmed = page::trim_end_spaces(&b[..end]);
        // The trimmed bytes end at a char boundary (the spaces are whole chars).
        text[..trimmed.len()]
            .chars()
            .next_back()
            .is_some_and(|c| mark_of(c).is_some())
    })
}

/// The hyphen marks a word broken across lines may end with: `-`, the Fraktur double hyphen
/// `⸗`, `¬`, U+2010, the soft hyphen U+00AD (always removed: it is a hyphenation point by
/// definition), and what OCR engines read for `⸗` (`=`, `—`; only on the document's evidence).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Mark {
    Hyphen(char),
    Soft,
    Misread(char),
}

fn mark_of(c: char) -> Option<Mark> {
    match c {
        '-' | '⸗' | '¬' | '\u{2010}' => Some(Mark::Hyphen(c)),
        '\u{ad}' => Some(Mark::Soft),
        '=' | '—' => Some(Mark::Misread(c)),
        _ => None,
    }
}

/// If `a` ends with `letters` and a hyphen mark and `b` starts with lower-case letters: the
/// mark's offset, the two parts and the mark.
fn hyphenated(text: &str, a: &Line, b: &Line) -> Option<(usize, String, String, Mark)> {
    let a_text = a.text(text);
    // The cheap test first: most lines do not end with a hyphen.
    let last = a_text.chars().next_back()?;
    let mark = mark_of(last)?;
    let stem = &a_text[..a_text.len() - last.len_utf8()];
    if is_date_like(a_text) || is_date_like(b.text(text)) {
        return None;
    }
    let left: String = {
        let rev: Vec<char> = stem
            .chars()
            .rev()
            .take_while(|c| c.is_alphabetic() && !crate::page::is_wide(*c))
            .collect();
        rev.into_iter().rev().collect()
    };
    if left.is_empty() {
        return None;
    }
    let right: String = b
        .text(text)
        .chars()
        .take_while(|c| c.is_alphabetic() && !crate::page::is_wide(*c))
        .collect();
    if !right.chars().next()?.is_lowercase() {
        return None;
    }
    Some((a.content.end - last.len_utf8(), left, right, mark))
}

#[allow(clippy::too_many_arguments)]
fn decide(
    sink: &mut EditSink<'_>,
    forms: &HashMap<String, usize>,
    hyphen: usize,
    next_start: usize,
    left: &str,
    right: &str,
    mark: Mark,
) {
    let joined = format!("{left}{right}").to_lowercase();
    let compound = format!("{left}-{right}").to_lowercase();
    let n_joined = forms.get(&joined).copied().unwrap_or(0);
    let n_compound = forms.get(&compound).copied().unwrap_or(0);
    let keep = match mark {
        Mark::Soft => false,
        // A dash or `=` at a line end is a misread hyphen only where the document writes the
        // joined word elsewhere.
        Mark::Misread(_) if n_joined <= n_compound => return,
        _ if n_joined != n_compound => n_compound > n_joined,
        _ => COMPOUND_HEADS.contains(&left.to_lowercase().as_str()),
    };
    let confidence = if n_joined != n_compound || mark == Mark::Soft {
        0.95
    } else {
        0.7
    };
    let mark_len = match mark {
        Mark::Hyphen(c) | Mark::Misread(c) => c.len_utf8(),
        Mark::Soft => '\u{ad}'.len_utf8(),
    };
    if keep {
        let _ = sink.replace_with_alternatives(
            hyphen + mark_len..next_start,
            "",
            "hyphen-kept",
            confidence,
            vec![Candidate::new(format!("{left}{right}"), 1.0 - confidence)],
        );
    } else {
        let _ = sink.replace_with_alternatives(
            hyphen..next_start,
            "",
            "dehyphenate",
            confidence,
            vec![Candidate::new(format!("{left}-{right}"), 1.0 - confidence)],
        );
    }
}

/// How often the text writes each joined and hyphenated form of the `breaks` (lower-cased, on
/// one line; hyphenated compounds count as one word).
fn word_forms(
    text: &str,
    breaks: &[(usize, usize, String, String, Mark)],
) -> HashMap<String, usize> {
    let mut forms: HashMap<String, usize> = HashMap::new();
    for (_, _, left, right, _) in breaks {
        forms.insert(format!("{left}{right}").to_lowercase(), 0);
        forms.insert(format!("{left}-{right}").to_lowercase(), 0);
    }
    let mut lower = String::new();
    for w in words(text) {
        let w = w.trim_matches('-');
        if w.chars().nth(1).is_none() {
            continue;
        }
        lower.clear();
        if w.is_ascii() {
            lower.extend(w.chars().map(|c| c.to_ascii_lowercase()));
        } else {
            lower.push_str(&w.to_lowercase());
        }
        if let Some(n) = forms.get_mut(lower.as_str()) {
            *n += 1;
        }
    }
    forms
}

/// A char of a word of [`word_forms`]: a letter that is not wide, or a hyphen. Whether it is
/// wide is asked first: CJK punctuation and full-width forms are, by a range test, before a
/// Unicode table look-up.
fn is_word(c: char) -> bool {
    c == '-' || (!crate::page::is_wide(c) && c.is_alphabetic())
}

/// The runs of [`is_word`] chars of `text`, in order: the pieces of splitting `text` at
/// every other char, without the empty ones. Read by byte: an ASCII byte is classified by
/// itself, and a char led by `E4`–`E9` (U+4000–U+9FFF: ideographs, wide, and the Yijing
/// hexagrams, no letters) is skipped without decoding it, so a Chinese text is passed over at
/// a few instructions a char instead of a Unicode table look-up for every one.
fn words(text: &str) -> impl Iterator<Item = &str> {
    let b = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        let mut start = None;
        while i < b.len() {
            let (word, len) = match b[i] {
                x if x < 0x80 => (x.is_ascii_alphabetic() || x == b'-', 1),
                0xE4..=0xE9 => (false, 3),
                _ => {
                    // A lead byte at `i`, as `i` only ever steps over whole chars.
                    let c = text[i..].chars().next().unwrap_or_default();
                    (is_word(c), c.len_utf8())
                }
            };
            match (word, start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    let w = &text[s..i];
                    i += len;
                    return Some(w);
                }
                _ => {}
            }
            i += len;
        }
        start.map(|s| &text[s..])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reference: splitting at every char that is not a word char (a letter that is not
    /// wide, or a hyphen), as the pass did.
    fn words_by_split(text: &str) -> Vec<&str> {
        let is_word = |c: char| (c.is_alphabetic() && !crate::page::is_wide(c)) || c == '-';
        text.split(|c: char| !is_word(c))
            .filter(|w| !w.is_empty())
            .collect()
    }

    #[test]
    fn words_are_the_pieces_of_splitting_at_other_chars() {
        // Edge chars: ASCII letters and hyphens, separators, ideographs and the Yijing
        // hexagrams (lead byte E4), CJK punctuation (E3), Latin letters with accents (two
        // bytes), Greek, Cyrillic, wide and narrow letters of other blocks (E1, EA, EF),
        // four-byte letters and symbols.
        let pieces = [
            "a", "Z", "-", " ", "\n", "1", "中", "䷀", "㐀", "。", "é", "Ω", "ж", "ᄀ", "ꙁ", "ｶ",
            "Ａ", "𝐀", "😀", "\u{ad}", "—",
        ];
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..20_000 {
            let len = (next() % 12) as usize;
            let text: String = (0..len)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            assert_eq!(
                words(&text).collect::<Vec<_>>(),
                words_by_split(&text),
                "{text:?}"
            );
        }
        // Every char of the E4–E9 lead bytes that the scan skips undecoded is no word char,
        // and every char is one as the reference reads it.
        for c in '\u{4000}'..='\u{9FFF}' {
            assert!(!is_word(c), "{c:?}");
        }
        for c in ('\0'..='\u{10FFFF}').step_by(7) {
            assert_eq!(
                words_by_split(&c.to_string()).len(),
                usize::from(is_word(c)),
                "{c:?}"
            );
        }
    }
}

#[cfg(test)]
mod break_tests {
    use super::*;

    #[test]
    fn may_break_where_a_line_ended_by_a_newline_ends_with_a_mark() {
        // The reference: the lines of the text as the pass cuts them.
        let by_lines = |text: &str| {
            page::lines(text).iter().any(|l| {
                !l.is_blank()
                    && text[l.range.end..].starts_with('\n')
                    && l.text(text).chars().next_back().and_then(mark_of).is_some()
            })
        };
        let pieces = [
            "a", "中", "-", "=", "—", "¬", "\u{ad}", "\u{2010}", "⸗", "–", " ", "\t", "\r",
            "\u{a0}", "\u{3000}", "\u{2003}", "\n", "\n", "\u{c}",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut found = 0;
        for _ in 0..50_000 {
            let len = (next() % 10) as usize;
            let text: String = (0..len)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            let want = by_lines(&text);
            assert_eq!(may_break(&text), want, "{text:?}");
            found += usize::from(want);
        }
        assert!(found > 1000, "{found}");
    }
}
