//! Write-back: corrections written into the OCR file they came from, every other byte kept.
//!
//! The layout turns a file into text and a [`Converted::spans`] map from text ranges to the
//! elements (ids, boxes) they came from. After cleaning, [`element_texts`] maps the edits of
//! the text (the ledger's applied changes, in the converted text's offsets) back to new texts
//! for those elements, and [`write_back`] (or [`write_back_report`], which also lists the
//! texts it left stale) rewrites the elements' text in the original file:
//!
//! - hOCR: the content of the element with that `id` (an `ocrx_word`, or a line without word
//!   elements); markup nested inside a rewritten word is replaced along with its text.
//! - ALTO: the `CONTENT` attribute of the `String` with that `ID`. A `String` followed by a
//!   `HYP` was read with the hyphen appended, so a trailing hyphen of its new text is dropped
//!   (the `HYP` keeps printing it). A word hyphenated across lines (`SUBS_TYPE="HypPart1"`,
//!   then `HypPart2`, the whole word in `SUBS_CONTENT`) stays consistent. The layout writes
//!   such a pair as its whole word, on the first part's span, so a new text for the first
//!   part alone is the corrected whole word when it does not end in the hyphen the part (as
//!   read) ends in and is no nearer the part than the whole word; it is then split back into
//!   the two `CONTENT`s at the edit (unchanged characters stay in their part; an edit across
//!   the break is aligned character by character; an insertion at the break goes to the
//!   first part). Otherwise it is the new text of that part. Either way `SUBS_CONTENT` of each
//!   part becomes the new whole word (the first part without its hyphen, then the second)
//!   when it was the old parts joined. When it was not, which characters of the whole word are
//!   whose is unknown: a corrected part leaves `SUBS_CONTENT`, a corrected whole word goes
//!   into `SUBS_CONTENT` only, and the pair is reported in [`WrittenBack::stale`].
//! - PAGE: the `TextEquiv/Unicode` text of the `Word` (or `TextLine`, `TextRegion`) with that
//!   `id`: the `TextEquiv` the reader read (the lowest `index`). PAGE files repeat the text on
//!   every level, so the levels above follow: a `TextLine`'s text (its lowest-`index`
//!   `TextEquiv`) is rewritten when its `Word`s change, and a `TextRegion`'s when its
//!   `TextLine`s (or nested regions) change, but only when the old text was consistent with
//!   the children: the children's old texts (trimmed, empty ones skipped), in file order,
//!   separated and surrounded by whitespace only (`PAGE reading order`, `第一行\n第二行`, or
//!   Chinese words with nothing between them). Each child's part is then replaced by its new
//!   text and the file's own separators stay. A level whose text was not consistent (another
//!   reading, other spacing of punctuation, text that cannot be decoded) is left as it was
//!   and reported in [`WrittenBack::stale`]: rewriting it would throw away what the file says
//!   there (the region above a reported line repeats the line, so it stays as well). A line
//!   without text of its own cannot carry the change up: a region with text above it is
//!   reported. Other `TextEquiv`s (other readings), `Glyph` texts (not rewritten), ids,
//!   coordinates and `conf` stay.
//!
//! A word whose correction removes it whole (a stray token) keeps its element with an empty
//! text (`CONTENT=""`, an empty `ocrx_word` or `Unicode`) and its box: the element's id may
//! be referenced from outside (IIIF annotations, METS structure links, ground-truth pairs),
//! and its box still records that the engine saw something there. Readers skip empty words.
//! In a PAGE line or region text the emptied word is dropped together with the separator
//! before it (after it, for the first), so the text reads `a b`, not `a  b`.
//!
//! Only those bytes change: coordinates, ids, confidences, attribute order, whitespace and
//! comments stay as the file wrote them. Elements are found by id; an element without one (or
//! an id the file does not have) cannot be written back and is an error, never a guess.
//! Writing back the same texts into the written file changes nothing.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::ops::Range;

use ocrtidy_text::distance::levenshtein;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::error::{line_of, ErrorKind};
use crate::layout::Converted;
use crate::{Format, FormatError};

/// New texts for the elements under `edits` (`(range of the converted text, replacement)`,
/// sorted, disjoint), keyed by element id. An edit inside one element changes that element;
/// an edit across several goes whole into the first and deletes its part of the others; an
/// insertion between two elements joins the one before it. Edits of the separators alone
/// (spaces and line breaks between elements) change no element: the file keeps its layout.
/// Elements without an id are left out.
pub fn element_texts(
    converted: &Converted,
    edits: &[(Range<usize>, &str)],
) -> HashMap<String, String> {
    let (new_texts, touched) = rewrite_spans(converted, edits);
    addressed(converted, new_texts, &touched)
        .into_iter()
        .filter_map(|(_, id, text)| Some((id?, text)))
        .collect()
}

/// [`element_texts`] for a file of `format`, where an edit that changes the text of an element
/// without an id of its own (no id, or one that several spans share) is an error naming the
/// element, rather than a correction silently left out.
pub fn element_texts_checked(
    converted: &Converted,
    edits: &[(Range<usize>, &str)],
    format: Format,
) -> Result<HashMap<String, String>, FormatError> {
    let (new_texts, touched) = rewrite_spans(converted, edits);
    let mut out = HashMap::new();
    for (i, id, text) in addressed(converted, new_texts, &touched) {
        match id {
            Some(id) => {
                out.insert(id, text);
            }
            None => {
                let span = &converted.spans[i];
                let old = converted.text.get(span.range.clone()).unwrap_or("");
                if text == old {
                    continue;
                }
                let s = &span.source;
                let what = if s.word.is_some() { "word" } else { "line" };
                return Err(FormatError::new(
                    format,
                    ErrorKind::WriteBack(format!(
                        "the {what} `{old}` (page {}, block {}, line {}) has no id of its own, \
                         so its correction to `{text}` cannot be written back",
                        s.page + 1,
                        s.block + 1,
                        s.line + 1,
                    )),
                ));
            }
        }
    }
    Ok(out)
}

/// The touched spans' new texts with the id that addresses them (`None`: no id, or one that
/// several spans share), with the span's index, in span order (untouched spans left out).
fn addressed(
    converted: &Converted,
    mut new_texts: Vec<String>,
    touched: &[bool],
) -> Vec<(usize, Option<String>, String)> {
    let spans = &converted.spans;
    // An id that several spans share (words without ids of one line) names no single element.
    let mut count: HashMap<&str, usize> = HashMap::new();
    for s in spans {
        if let Some(id) = s.source.id.as_deref() {
            *count.entry(id).or_default() += 1;
        }
    }
    let mut out = Vec::new();
    for (i, span) in spans.iter().enumerate() {
        if !touched[i] {
            continue;
        }
        let id = span
            .source
            .id
            .as_deref()
            .filter(|id| count.get(id) == Some(&1))
            .map(str::to_string);
        out.push((i, id, std::mem::take(&mut new_texts[i])));
    }
    out
}

/// Every span's text after `edits`, and whether an edit touched it.
fn rewrite_spans(
    converted: &Converted,
    edits: &[(Range<usize>, &str)],
) -> (Vec<String>, Vec<bool>) {
    let text = converted.text.as_str();
    let spans = &converted.spans;
    let mut new_texts: Vec<String> = spans
        .iter()
        .map(|s| text.get(s.range.clone()).unwrap_or("").to_string())
        .collect();
    let mut touched = vec![false; spans.len()];
    // From the last edit to the first, so that the offsets of earlier edits stay valid.
    for (range, replacement) in edits.iter().rev() {
        let hit: Vec<usize> = if range.is_empty() {
            let p = range.start;
            let at = spans
                .iter()
                .position(|s| s.range.start <= p && p <= s.range.end)
                .or_else(|| spans.iter().rposition(|s| s.range.end <= p));
            at.into_iter().collect()
        } else {
            (0..spans.len())
                .filter(|&i| spans[i].range.start < range.end && range.start < spans[i].range.end)
                .collect()
        };
        for (k, &i) in hit.iter().enumerate() {
            let span = &spans[i].range;
            let lo = range.start.clamp(span.start, span.end) - span.start;
            let hi = range.end.clamp(span.start, span.end) - span.start;
            let t = &mut new_texts[i];
            if lo <= hi && t.is_char_boundary(lo) && t.is_char_boundary(hi) {
                t.replace_range(lo..hi, if k == 0 { replacement } else { "" });
                touched[i] = true;
            }
        }
    }
    (new_texts, touched)
}

/// HTML elements without an end tag (hOCR).
const VOID: [&str; 8] = ["area", "base", "br", "hr", "img", "input", "link", "meta"];

/// Characters that end the first part of a hyphenated word.
const HYPHENS: [char; 7] = [
    '-', '\u{2010}', '\u{2011}', '\u{00AC}', '\u{00AD}', '\u{2E17}', '\u{FF0D}',
];

/// A text the write-back left as it was although the texts it repeats changed (see the
/// module doc).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    /// The element's local name (`TextLine`, `TextRegion`, `String`).
    pub element: String,
    pub id: Option<String>,
    /// The line of the file where the element starts (from 1).
    pub line: usize,
    /// Why its text was left.
    pub reason: String,
}

impl fmt::Display for Stale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: `{}`", self.line, self.element)?;
        if let Some(id) = &self.id {
            write!(f, " `{id}`")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// A written-back file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenBack {
    pub text: String,
    /// Texts left as they were although the texts under them changed, in file order.
    pub stale: Vec<Stale>,
}

/// A byte range of the input and its replacement.
type Edit = (Range<usize>, String);

/// Rewrites the text of the elements named in `texts` (id → new text) in `input`, a file of
/// `format` (hOCR, ALTO or PAGE), keeping every other byte (see the module doc).
pub fn write_back(
    input: &str,
    format: Format,
    texts: &HashMap<String, String>,
) -> Result<String, FormatError> {
    write_back_report(input, format, texts).map(|w| w.text)
}

/// [`write_back`], with the texts it left stale: PAGE line and region texts that were not
/// their children's texts joined, ALTO hyphenated pairs whose `SUBS_CONTENT` was not their
/// parts joined.
pub fn write_back_report(
    input: &str,
    format: Format,
    texts: &HashMap<String, String>,
) -> Result<WrittenBack, FormatError> {
    let mut stale = Vec::new();
    let mut edits = match format {
        Format::Hocr => hocr_edits(input, texts)?,
        Format::Alto => alto_edits(input, texts, &mut stale)?,
        Format::Page => page_edits(input, texts, &mut stale)?,
        other => {
            return Err(FormatError::new(
                other,
                ErrorKind::WriteBack(format!("cannot write corrections back into {other}")),
            ))
        }
    };
    edits.sort_by_key(|(r, _)| r.start);
    let mut out = String::with_capacity(input.len());
    let mut at = 0;
    for (range, text) in edits {
        if range.start < at || range.end > input.len() {
            continue;
        }
        out.push_str(&input[at..range.start]);
        out.push_str(&text);
        at = range.end;
    }
    out.push_str(&input[at..]);
    stale.sort_by_key(|s| s.line);
    Ok(WrittenBack { text: out, stale })
}

fn pos(r: &Reader<&[u8]>) -> usize {
    usize::try_from(r.buffer_position()).unwrap_or(usize::MAX)
}

/// The next event of `reader` over `input`, with the byte offsets where it starts and ends.
fn next_event<'i>(
    reader: &mut Reader<&'i [u8]>,
    input: &str,
    f: Format,
) -> Result<(Event<'i>, usize, usize), FormatError> {
    let before = pos(reader);
    let ev = reader
        .read_event()
        .map_err(|e| syntax(f, input, before, e.to_string()))?;
    Ok((ev, before, pos(reader)))
}

fn syntax(format: Format, input: &str, at: usize, msg: String) -> FormatError {
    FormatError::new(format, ErrorKind::Syntax(msg)).at_line(Some(line_of(input, at)))
}

fn unwritable(format: Format, input: &str, at: usize, msg: String) -> FormatError {
    FormatError::new(format, ErrorKind::WriteBack(msg)).at_line(Some(line_of(input, at)))
}

/// An error naming an id of `texts` that is not in `found`.
fn check_found(
    format: Format,
    texts: &HashMap<String, String>,
    found: &HashSet<&str>,
) -> Result<(), FormatError> {
    let mut missing: Vec<&String> = texts
        .keys()
        .filter(|k| !found.contains(k.as_str()))
        .collect();
    missing.sort();
    match missing.first() {
        Some(id) => Err(FormatError::new(
            format,
            ErrorKind::WriteBack(format!("no element with id `{id}`")),
        )),
        None => Ok(()),
    }
}

/// hOCR: the content of each element named in `texts`.
fn hocr_edits(input: &str, texts: &HashMap<String, String>) -> Result<Vec<Edit>, FormatError> {
    let f = Format::Hocr;
    let mut edits = Vec::new();
    let mut found = HashSet::new();
    let mut reader = Reader::from_str(input);
    reader.config_mut().check_end_names = false;
    // The element being rewritten: (its id, depth of nesting inside it, content start).
    let mut open: Option<(&str, usize, usize)> = None;
    loop {
        let (ev, before, after) = next_event(&mut reader, input, f)?;
        match ev {
            Event::Start(s) | Event::Empty(s) if open.is_none() => {
                let empty = input.get(before..after).is_some_and(|t| t.ends_with("/>"));
                let Some(id) = attr_value(&s, "id") else {
                    continue;
                };
                let Some((key, _)) = texts.get_key_value(id.as_str()) else {
                    continue;
                };
                found.insert(key.as_str());
                if empty {
                    return Err(unwritable(
                        f,
                        input,
                        before,
                        format!("element `{id}` has no text to rewrite"),
                    ));
                }
                open = Some((key.as_str(), 0, after));
            }
            Event::Start(s) => {
                if let Some(o) = open.as_mut() {
                    let name =
                        String::from_utf8_lossy(s.local_name().as_ref()).to_ascii_lowercase();
                    if !VOID.contains(&name.as_str()) {
                        o.1 += 1;
                    }
                }
            }
            Event::End(_) => match open.as_mut() {
                Some((id, 0, start)) => {
                    edits.push((*start..before, escape(&texts[*id])));
                    open = None;
                }
                Some((_, depth, _)) => *depth -= 1,
                None => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some((id, ..)) = open {
        return Err(syntax(
            f,
            input,
            input.len(),
            format!("the file ends inside element `{id}`"),
        ));
    }
    check_found(f, texts, &found)?;
    Ok(edits)
}

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

/// The `String`s of an ALTO file in file order, and every `ID` with where its element starts.
fn alto_strings(input: &str) -> Result<(Vec<AltoString>, HashMap<String, usize>), FormatError> {
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
                    ids.entry(id.clone()).or_insert(before);
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
fn alto_edits(
    input: &str,
    texts: &HashMap<String, String>,
    stale: &mut Vec<Stale>,
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
            return Err(unwritable(
                f,
                input,
                s.at,
                format!("element `{key}` has no `CONTENT` to rewrite"),
            ));
        }
        content[i] = Some(s.content_for(new));
    }
    for (id, &at) in &ids {
        if texts.contains_key(id) && !found.contains(id.as_str()) {
            return Err(unwritable(
                f,
                input,
                at,
                format!("element `{id}` has no `CONTENT` to rewrite"),
            ));
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

#[derive(Debug, Clone, Copy, PartialEq)]
enum PageKind {
    Region,
    Line,
    Word,
    /// Any other element with an `id` (its own `TextEquiv` can be rewritten, nothing follows).
    Other,
}

impl PageKind {
    /// Whether the text of a `self` element repeats the texts of its `child` elements.
    fn repeats(self, child: PageKind) -> bool {
        matches!(
            (self, child),
            (PageKind::Line, PageKind::Word)
                | (PageKind::Region, PageKind::Line | PageKind::Region)
        )
    }

    fn children(self) -> &'static str {
        match self {
            PageKind::Line => "words",
            _ => "lines",
        }
    }
}

/// The `Unicode` of a `TextEquiv`.
struct Slot {
    /// Its content, or the whole tag of an empty `<Unicode/>`.
    range: Range<usize>,
    /// The qualified name of an empty `<Unicode/>`, which gets an end tag when rewritten.
    empty_tag: Option<String>,
    /// The text, unless markup or an unknown entity hides it.
    text: Option<String>,
}

struct PageNode {
    kind: PageKind,
    /// The local name.
    name: String,
    id: Option<String>,
    at: usize,
    /// `<Word id="w"/>`: no content to write into.
    empty: bool,
    children: Vec<usize>,
    /// The `Unicode` of its own `TextEquiv` with the lowest `index`, and that index.
    best: Option<(f32, Slot)>,
}

impl PageNode {
    /// Its text; `Some("")` without a `TextEquiv`, `None` when it cannot be read.
    fn text(&self) -> Option<&str> {
        match &self.best {
            Some((_, slot)) => slot.text.as_deref(),
            None => Some(""),
        }
    }
}

/// The regions, lines and words of a PAGE file (and other elements with an `id`), parents
/// before their children.
fn page_nodes(input: &str) -> Result<Vec<PageNode>, FormatError> {
    let f = Format::Page;
    let mut reader = Reader::from_str(input);
    reader.config_mut().check_end_names = true;
    let mut nodes: Vec<PageNode> = Vec::new();
    // Open elements: (local name, the node it is).
    let mut stack: Vec<(String, Option<usize>)> = Vec::new();
    // The `TextEquiv` being read: (its node, stack depth inside it, index, `Unicode` found).
    let mut equiv: Option<(usize, usize, f32, Option<Slot>)> = None;
    // Where the content of the `Unicode` being read starts.
    let mut unicode: Option<usize> = None;
    loop {
        let (ev, before, after) = next_event(&mut reader, input, f)?;
        let empty = matches!(ev, Event::Empty(_));
        match ev {
            Event::Start(s) | Event::Empty(s) => {
                let name = String::from_utf8_lossy(s.local_name().as_ref()).into_owned();
                let depth = stack.len();
                let parent = stack.iter().rev().find_map(|(_, n)| *n);
                let kind = match name.as_str() {
                    "TextRegion" => Some(PageKind::Region),
                    "TextLine" => Some(PageKind::Line),
                    "Word" => Some(PageKind::Word),
                    _ => None,
                };
                let id = attr_value(&s, "id");
                let mut node = None;
                if kind.is_some() || id.is_some() {
                    let this = nodes.len();
                    node = Some(this);
                    if let Some(p) = parent {
                        nodes[p].children.push(this);
                    }
                    nodes.push(PageNode {
                        kind: kind.unwrap_or(PageKind::Other),
                        name: name.clone(),
                        id,
                        at: before,
                        empty,
                        children: Vec::new(),
                        best: None,
                    });
                }
                let owner = stack.last().and_then(|(_, n)| *n);
                match (name.as_str(), owner) {
                    ("TextEquiv", Some(owner)) if !empty => {
                        let index = attr_value(&s, "index")
                            .and_then(|v| v.trim().parse::<f32>().ok())
                            .unwrap_or(0.0);
                        equiv = Some((owner, depth + 1, index, None));
                    }
                    ("Unicode", _) => {
                        if let Some((.., slot)) = equiv.as_mut().filter(|e| e.1 == depth) {
                            if empty {
                                let q = String::from_utf8_lossy(s.name().as_ref()).into_owned();
                                *slot = Some(Slot {
                                    range: before..after,
                                    empty_tag: Some(q),
                                    text: Some(String::new()),
                                });
                            } else {
                                unicode = Some(after);
                            }
                        }
                    }
                    _ => {}
                }
                if !empty {
                    stack.push((name, node));
                }
            }
            Event::End(_) => {
                let Some((name, _)) = stack.pop() else {
                    continue;
                };
                let depth = stack.len();
                match name.as_str() {
                    "Unicode" => {
                        if let (Some(start), Some((_, d, _, slot))) = (unicode, equiv.as_mut()) {
                            if *d == depth {
                                let raw = input.get(start..before).unwrap_or("");
                                *slot = Some(Slot {
                                    range: start..before,
                                    empty_tag: None,
                                    text: decode(raw),
                                });
                                unicode = None;
                            }
                        }
                    }
                    "TextEquiv" if equiv.as_ref().is_some_and(|e| e.1 == depth + 1) => {
                        if let Some((owner, _, index, Some(slot))) = equiv.take() {
                            let best = &mut nodes[owner].best;
                            if best.as_ref().is_none_or(|(i, _)| index < *i) {
                                *best = Some((index, slot));
                            }
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if let Some((name, _)) = stack.last() {
        return Err(syntax(
            f,
            input,
            input.len(),
            format!("the file ends before `</{name}>`"),
        ));
    }
    Ok(nodes)
}

/// The text of a `Unicode` element's content, unless it holds markup or unknown entities.
fn decode(raw: &str) -> Option<String> {
    if raw.contains('<') {
        return None;
    }
    quick_xml::escape::unescape(raw)
        .ok()
        .map(|t| t.into_owned())
}

/// PAGE: the `TextEquiv/Unicode` of each element named in `texts`, then the line and region
/// texts that repeat them.
fn page_edits(
    input: &str,
    texts: &HashMap<String, String>,
    stale: &mut Vec<Stale>,
) -> Result<Vec<Edit>, FormatError> {
    let f = Format::Page;
    let nodes = page_nodes(input)?;
    let mut found = HashSet::new();
    // New texts to write (`Some`), and whether the element's text changed (it may have
    // changed without one: a line without text of its own whose words changed).
    let mut new: Vec<Option<String>> = vec![None; nodes.len()];
    let mut changed = vec![false; nodes.len()];
    // Children come after their parents: from the last node back, children are done first.
    for i in (0..nodes.len()).rev() {
        let node = &nodes[i];
        if let Some((key, given)) = node.id.as_deref().and_then(|id| texts.get_key_value(id)) {
            found.insert(key.as_str());
            if node.empty {
                return Err(unwritable(
                    f,
                    input,
                    node.at,
                    format!("element `{key}` has no text to rewrite"),
                ));
            }
            if node.best.is_none() {
                return Err(unwritable(
                    f,
                    input,
                    node.at,
                    format!("element `{key}` has no `TextEquiv/Unicode`"),
                ));
            }
            changed[i] = node.text().map(str::trim) != Some(given.as_str());
            new[i] = Some(given.clone());
            continue;
        }
        let parts: Vec<usize> = node
            .children
            .iter()
            .copied()
            .filter(|&c| node.kind.repeats(nodes[c].kind))
            .collect();
        if !parts.iter().any(|&c| changed[c]) {
            continue;
        }
        let Some((_, slot)) = &node.best else {
            // No text here to keep consistent; the level above cannot follow either.
            changed[i] = true;
            continue;
        };
        let children: Vec<(Option<&str>, Option<&str>)> = parts
            .iter()
            .map(|&c| {
                let old = nodes[c].text().map(str::trim);
                let now = if changed[c] {
                    new[c].as_deref().map(str::trim)
                } else {
                    old
                };
                (old, now)
            })
            .collect();
        match follow(slot.text.as_deref(), &children, node.kind) {
            Ok(text) => {
                if slot.text.as_deref() != Some(text.as_str()) {
                    changed[i] = true;
                    new[i] = Some(text);
                }
            }
            Err(reason) => stale.push(Stale {
                element: node.name.clone(),
                id: node.id.clone(),
                line: line_of(input, node.at),
                reason,
            }),
        }
    }
    check_found(f, texts, &found)?;
    let mut edits = Vec::new();
    for (node, text) in nodes.iter().zip(new) {
        let (Some(text), Some((_, slot))) = (text, &node.best) else {
            continue;
        };
        let text = escape(&text);
        edits.push((
            slot.range.clone(),
            match &slot.empty_tag {
                Some(q) => format!("<{q}>{text}</{q}>"),
                None => text,
            },
        ));
    }
    Ok(edits)
}

/// The new text of an element whose text `old` repeats its children's texts, given each
/// child's `(old, new)` text (trimmed; `None`: unreadable or not there): `old` with each
/// child's part replaced, the separators kept. An error (why) when `old` is not the children's
/// old texts separated by whitespace.
fn follow(
    old: Option<&str>,
    children: &[(Option<&str>, Option<&str>)],
    kind: PageKind,
) -> Result<String, String> {
    let what = kind.children();
    let old = old.ok_or_else(|| {
        "its text could not be read (markup or an unknown entity), so it was left".to_string()
    })?;
    let mut parts: Vec<(&str, &str)> = Vec::new();
    for &(was, now) in children {
        let (Some(was), Some(now)) = (was, now) else {
            return Err(if was == Some("") {
                format!(
                    "one of its {what} changed but has no text of its own to carry the change \
                     up, so its text was left"
                )
            } else {
                format!("the text of one of its {what} could not be read, so its text was left")
            });
        };
        if was.is_empty() {
            if now.is_empty() {
                continue;
            }
            return Err(format!(
                "one of its {what} had no text and now has `{now}`: where it goes in the \
                 text is unknown, so the text was left"
            ));
        }
        parts.push((was, now));
    }
    // The children's parts of `old`: whitespace only before, between and after them.
    let mut ranges = Vec::with_capacity(parts.len());
    let mut at = 0;
    for (was, _) in &parts {
        at = old.len() - old[at..].trim_start().len();
        if !old[at..].starts_with(was) {
            return Err(inconsistent(old, &parts, what));
        }
        ranges.push(at..at + was.len());
        at += was.len();
    }
    if !old[at..].trim().is_empty() {
        return Err(inconsistent(old, &parts, what));
    }
    let (lead, trail) = match (ranges.first(), ranges.last()) {
        (Some(first), Some(last)) => (&old[..first.start], &old[last.end..]),
        _ => (old, ""),
    };
    let mut out = lead.to_string();
    let mut first = true;
    for (k, (range, (_, now))) in ranges.iter().zip(&parts).enumerate() {
        if now.is_empty() {
            // Emptied: dropped with the separator before it.
            continue;
        }
        if !first {
            out.push_str(&old[ranges[k - 1].end..range.start]);
        }
        out.push_str(now);
        first = false;
    }
    out.push_str(trail);
    Ok(out)
}

fn inconsistent(old: &str, parts: &[(&str, &str)], what: &str) -> String {
    const SHOWN: usize = 3;
    let mut was: Vec<String> = parts
        .iter()
        .take(SHOWN)
        .map(|(w, _)| format!("`{}`", brief(w)))
        .collect();
    if parts.len() > SHOWN {
        was.push(format!("and {} more", parts.len() - SHOWN));
    }
    format!(
        "its text `{}` is not its {what} {} joined, so it was left (it may be another \
         reading)",
        brief(old),
        was.join(" ")
    )
}

/// `s` on one line and at most 40 characters, for a message.
fn brief(s: &str) -> String {
    const MAX: usize = 40;
    let one_line: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    match one_line.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &one_line[..cut]),
        None => one_line,
    }
}
/// The unescaped value of attribute `name` (exact local name).
fn attr_value(s: &BytesStart<'_>, name: &str) -> Option<String> {
    s.attributes().with_checks(false).flatten().find_map(|a| {
        (a.key.local_name().as_ref() == name.as_bytes())
            .then(|| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .ok()
                    .map(|v| v.into_owned())
            })
            .flatten()
    })
}

/// The byte range of the value of attribute `name` inside the tag at `tag` (without quotes).
fn attr_range(input: &str, tag: Range<usize>, name: &str) -> Option<Range<usize>> {
    let t = input.get(tag.clone())?;
    let b = t.as_bytes();
    let mut from = 0;
    while let Some(k) = t[from..].find(name) {
        let k = from + k;
        from = k + name.len();
        // A whole attribute name: after whitespace, followed by `=` (spaces allowed).
        if k == 0 || !b[k - 1].is_ascii_whitespace() {
            continue;
        }
        let rest = t[from..].trim_start();
        let Some(rest) = rest.strip_prefix('=') else {
            continue;
        };
        let rest = rest.trim_start();
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let start = t.len() - rest.len() + 1;
        let end = start + t[start..].find(quote)?;
        return Some(tag.start + start..tag.start + end);
    }
    None
}

fn escape(s: &str) -> String {
    quick_xml::escape::escape(s).into_owned()
}
