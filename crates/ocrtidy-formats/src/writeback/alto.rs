//! ALTO: the `CONTENT` of each `String`, and `SUBS_CONTENT` of hyphenated pairs kept
//! consistent with their parts (see the parent module).

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use ocrtidy_text::distance::levenshtein;
use quick_xml::events::Event;
use quick_xml::Reader;

use super::markup::{attr_range, attr_value, check_found, escape, next_event};
use super::{Edit, Skipped, Stale};
use crate::error::line_of;
use crate::{Format, FormatError};

/// Characters that end the first part of a hyphenated word.
const HYPHENS: [char; 7] = [
    '-', '\u{2010}', '\u{2011}', '\u{00AC}', '\u{00AD}', '\u{2E17}', '\u{FF0D}',
];

/// An ALTO `String` as the file wrote it.
struct AltoString {
    id: Option<String>,
    /// Where its tag starts.
    at: usize,
    /// The `TextLine` it is in (a count).
    line: usize,
    /// The `CONTENT` value's range and text.
    content: Option<(Range<usize>, String)>,
    subs_type: Option<String>,
    /// The `SUBS_CONTENT` value's range and text.
    subs: Option<(Range<usize>, String)>,
    /// The `CONTENT` of a `HYP` after it on its line (`-` without one).
    hyp: Option<String>,
}

impl AltoString {
    fn is(&self, subs_type: &str) -> bool {
        self.subs_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case(subs_type))
    }

    fn content(&self) -> &str {
        self.content.as_ref().map_or("", |(_, c)| c.trim())
    }

    fn subs(&self) -> Option<&str> {
        self.subs.as_ref().map(|(_, s)| s.as_str())
    }

    /// Its text as the reader read it: the `CONTENT` and the `HYP`'s hyphen.
    fn read_text(&self) -> String {
        format!("{}{}", self.content(), self.hyp.as_deref().unwrap_or(""))
    }

    /// Its `CONTENT` for a new text read as [`Self::read_text`]: without the hyphen the `HYP`
    /// prints.
    fn content_for(&self, new: &str) -> String {
        match &self.hyp {
            Some(h) => new
                .strip_suffix(h.as_str())
                .or_else(|| new.strip_suffix(HYPHENS))
                .unwrap_or(new)
                .to_string(),
            None => new.to_string(),
        }
    }
}

/// Every `ID` of an ALTO file: the local name of its element and where that starts.
type AltoIds = HashMap<String, (String, usize)>;

/// The `String`s of an ALTO file in file order, and every `ID` with its element.
fn alto_strings(input: &str) -> Result<(Vec<AltoString>, AltoIds), FormatError> {
    let f = Format::Alto;
    let mut reader = Reader::from_str(input);
    reader.config_mut().check_end_names = false;
    let mut out: Vec<AltoString> = Vec::new();
    let mut ids = HashMap::new();
    let mut line = 0;
    loop {
        let (ev, before, after) = next_event(&mut reader, input, f)?;
        match ev {
            Event::Start(s) | Event::Empty(s) => {
                let id = attr_value(&s, "ID");
                if let Some(id) = &id {
                    let name = String::from_utf8_lossy(s.local_name().as_ref()).into_owned();
                    ids.entry(id.clone()).or_insert((name, before));
                }
                match s.local_name().as_ref() {
                    b"TextLine" => line += 1,
                    b"String" => {
                        let value = |name: &str| {
                            let range = attr_range(input, before..after, name)?;
                            Some((range, attr_value(&s, name).unwrap_or_default()))
                        };
                        out.push(AltoString {
                            id,
                            at: before,
                            line,
                            content: value("CONTENT"),
                            subs_type: attr_value(&s, "SUBS_TYPE"),
                            subs: value("SUBS_CONTENT"),
                            hyp: None,
                        });
                    }
                    b"HYP" => {
                        if let Some(last) = out.last_mut().filter(|w| w.line == line) {
                            last.hyp =
                                Some(attr_value(&s, "CONTENT").unwrap_or_else(|| "-".into()));
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok((out, ids))
}

/// ALTO: `CONTENT` of each `String` named in `texts`, and `SUBS_CONTENT` of hyphenated pairs.
pub(super) fn alto_edits(
    input: &str,
    texts: &HashMap<String, String>,
    stale: &mut Vec<Stale>,
    skipped: &mut Vec<Skipped>,
) -> Result<Vec<Edit>, FormatError> {
    let f = Format::Alto;
    let (strings, ids) = alto_strings(input)?;
    let mut found = HashSet::new();
    let new_of = |s: &AltoString| s.id.as_deref().and_then(|id| texts.get_key_value(id));
    // New `CONTENT` and `SUBS_CONTENT` of each string (`None`: unchanged).
    let mut content: Vec<Option<String>> = vec![None; strings.len()];
    let mut subs: Vec<Option<String>> = vec![None; strings.len()];
    for (i, s) in strings.iter().enumerate() {
        let Some((key, new)) = new_of(s) else {
            continue;
        };
        found.insert(key.as_str());
        if s.content.is_none() {
            skipped.push(Skipped {
                element: "String".into(),
                id: Some(key.clone()),
                line: line_of(input, s.at),
                text: new.clone(),
                reason: "the `String` has no `CONTENT` to write it into".into(),
            });
            continue;
        }
        content[i] = Some(s.content_for(new));
    }
    // An id of another element (a `TextLine` whose `String`s have no ids of their own): its
    // words cannot be told apart.
    for (id, (name, at)) in &ids {
        if let Some((key, new)) = texts
            .get_key_value(id)
            .filter(|_| !found.contains(id.as_str()))
        {
            found.insert(key.as_str());
            skipped.push(Skipped {
                element: name.clone(),
                id: Some(id.clone()),
                line: line_of(input, *at),
                text: new.clone(),
                reason: format!("a `{name}` has no `CONTENT` to write it into"),
            });
        }
    }
    check_found(f, texts, &found)?;
    // Hyphenated pairs: the first part, then the second as the next `String`.
    for i in 1..strings.len() {
        let (a, b) = (&strings[i - 1], &strings[i]);
        if !a.is("HypPart1") || !b.is("HypPart2") {
            continue;
        }
        let (na, nb) = (new_of(a).map(|(_, t)| t), new_of(b).map(|(_, t)| t));
        if na.is_none() && nb.is_none() {
            continue;
        }
        let (c1, c2) = (a.content(), b.content());
        let whole = a.subs().unwrap_or("");
        // The first part without its hyphen (unless the whole word keeps it: `e-` `mail`).
        let (stem, hyphen) = match c1.strip_suffix(HYPHENS) {
            Some(stem) if whole != format!("{c1}{c2}") => (stem, &c1[stem.len()..]),
            _ => (c1, ""),
        };
        let joined = format!("{stem}{c2}");
        let consistent = whole == joined;
        let read_whole = match (na, nb) {
            (Some(n), None) => reads_whole(n, &a.read_text(), whole),
            _ => false,
        };
        let new_whole = match na {
            Some(n) if read_whole => {
                if consistent {
                    let (p1, p2) = split_whole(stem, c2, n);
                    content[i - 1] = Some(format!("{p1}{hyphen}"));
                    content[i] = (p2 != c2).then_some(p2);
                } else {
                    // Which characters of the whole word are whose is unknown: parts left.
                    content[i - 1] = None;
                }
                n.clone()
            }
            _ => {
                let p1 = content[i - 1].as_deref().unwrap_or(c1);
                let p2 = content[i].as_deref().unwrap_or(c2);
                let p1 = match p1.strip_suffix(hyphen) {
                    Some(s) if !hyphen.is_empty() => s,
                    _ => p1,
                };
                format!("{p1}{p2}")
            }
        };
        for (k, s) in [(i - 1, a), (i, b)] {
            let Some(old) = s.subs() else {
                continue;
            };
            if old == joined || (read_whole && old == whole) {
                if old != new_whole {
                    subs[k] = Some(new_whole.clone());
                }
            } else if old != new_whole && new_whole != joined {
                let now =
                    |k: usize, c: &'_ str| content[k].clone().unwrap_or_else(|| c.to_string());
                stale.push(Stale {
                    element: "String".into(),
                    id: s.id.clone(),
                    line: line_of(input, s.at),
                    reason: format!(
                        "`SUBS_CONTENT` `{old}` is not the parts `{c1}` `{c2}` joined, so it \
                         was left (the parts are now `{}` `{}`)",
                        now(i - 1, c1),
                        now(i, c2),
                    ),
                });
            }
        }
        if read_whole && !consistent && new_whole != whole {
            stale.push(Stale {
                element: "String".into(),
                id: a.id.clone(),
                line: line_of(input, a.at),
                reason: format!(
                    "`SUBS_CONTENT` `{whole}` is not the parts `{c1}` `{c2}` joined, so the \
                     corrected word `{new_whole}` went into `SUBS_CONTENT` only"
                ),
            });
        }
    }
    let mut edits = Vec::new();
    for (i, s) in strings.iter().enumerate() {
        if let (Some(new), Some((range, _))) = (&content[i], &s.content) {
            edits.push((range.clone(), escape(new)));
        }
        if let (Some(new), Some((range, _))) = (&subs[i], &s.subs) {
            edits.push((range.clone(), escape(new)));
        }
    }
    Ok(edits)
}

/// Whether `new`, the new text of the first part of a hyphenated pair written as one span,
/// is the corrected whole word (the layout writes a pair on consecutive lines as its
/// `SUBS_CONTENT`, `whole`) rather than the corrected part (`part`, as the reader read it).
fn reads_whole(new: &str, part: &str, whole: &str) -> bool {
    if whole.is_empty() || new == part {
        return false;
    }
    if new == whole {
        return true;
    }
    // The part ends in its hyphen and character corrections keep it; the whole word has none.
    // The new text must also be at least as near the whole word as the part (`exem`, the
    // part without its hyphen, is not the whole word `example`).
    if part.ends_with(HYPHENS) && !whole.ends_with(HYPHENS) {
        return !new.ends_with(HYPHENS) && distance(new, whole) <= distance(new, part);
    }
    distance(new, whole) < distance(new, part)
}

/// Levenshtein distance in characters (texts of words; long ones count as far apart).
fn distance(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().saturating_mul(b.len()) > 1 << 16 {
        return a.len().max(b.len());
    }
    levenshtein(&a, &b)
}

/// `new`, the corrected `p1` + `p2`, split into its two parts at the edit: the unchanged
/// prefix and suffix stay where they were, so an edit inside one part changes that part and
/// a character inserted at the break goes to the first. An edit across the break is aligned
/// character by character (least edits, substitutions first), so `ｉｎｆｏｒ` `ｍａｔｉｏｎ`
/// → `information` splits as `infor` `mation`.
fn split_whole(p1: &str, p2: &str, new: &str) -> (String, String) {
    let old: Vec<char> = p1.chars().chain(p2.chars()).collect();
    let new: Vec<char> = new.chars().collect();
    let b = p1.chars().count();
    let prefix = old.iter().zip(&new).take_while(|(x, y)| x == y).count();
    let room = old.len().min(new.len()) - prefix;
    let suffix = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take(room)
        .take_while(|(x, y)| x == y)
        .count();
    let cut = if old.len() - suffix <= b {
        // Inside the first part (or at the break): the second is the unchanged end.
        new.len() - (old.len() - b)
    } else if prefix >= b {
        b
    } else {
        let old_mid = &old[prefix..old.len() - suffix];
        let new_mid = &new[prefix..new.len() - suffix];
        prefix + aligned_cut(old_mid, new_mid, b - prefix)
    };
    (new[..cut].iter().collect(), new[cut..].iter().collect())
}

/// Where the `b`-th character of `old` falls in `new`, aligned with least edits.
fn aligned_cut(old: &[char], new: &[char], b: usize) -> usize {
    let (n, m) = (old.len(), new.len());
    if (n + 1).saturating_mul(m + 1) > 1 << 16 {
        // Too long to align: the same share of the new text.
        return (m * b).checked_div(n).unwrap_or(m);
    }
    let w = m + 1;
    let mut cost = vec![0usize; (n + 1) * w];
    for (j, c) in cost.iter_mut().enumerate().take(w) {
        *c = j;
    }
    for i in 1..=n {
        cost[i * w] = i;
        for j in 1..=m {
            let sub = cost[(i - 1) * w + j - 1] + usize::from(old[i - 1] != new[j - 1]);
            cost[i * w + j] = sub
                .min(cost[(i - 1) * w + j] + 1)
                .min(cost[i * w + j - 1] + 1);
        }
    }
    // Back from the end to the break's row (steps left on it would be characters inserted at
    // the break: the first part's).
    let (mut i, mut j) = (n, m);
    while i > b {
        let here = cost[i * w + j];
        if j > 0 && here == cost[(i - 1) * w + j - 1] + usize::from(old[i - 1] != new[j - 1]) {
            i -= 1;
            j -= 1;
        } else if here == cost[(i - 1) * w + j] + 1 {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    j
}
