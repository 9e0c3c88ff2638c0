//! PAGE: the `TextEquiv/Unicode` of each element, and the line and region texts that repeat
//! their children's texts (see the parent module).

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::elements::{char_edits, rewrite_ranges};
use super::markup::{attr_range, attr_value, check_found, escape, next_event, syntax};
use super::{Edit, Skipped, Stale};
use crate::error::line_of;
use crate::page_xml::preferred;
use crate::{Format, FormatError};

#[derive(Debug, Clone, Copy, PartialEq)]
enum PageKind {
    Region,
    Line,
    Word,
    Glyph,
    /// Any other element with an `id` (its own `TextEquiv` can be rewritten, nothing follows).
    Other,
}

impl PageKind {
    /// Whether the text of a `self` element repeats the texts of its `child` elements.
    fn repeats(self, child: PageKind) -> bool {
        matches!(
            (self, child),
            (PageKind::Line, PageKind::Word)
                | (PageKind::Word, PageKind::Glyph)
                | (PageKind::Region, PageKind::Line | PageKind::Region)
        )
    }

    fn children(self) -> &'static str {
        match self {
            PageKind::Line => "words",
            PageKind::Word => "glyphs",
            _ => "lines",
        }
    }
}

/// A `TextEquiv`'s `(index, conf)`, which decide the one the reader reads.
type Rank = (f32, Option<f32>);

/// The `Unicode` of a `TextEquiv`.
struct Slot {
    /// Its content, or the whole tag of an empty `<Unicode/>`.
    range: Range<usize>,
    /// The qualified name of an empty `<Unicode/>`, which gets an end tag when rewritten.
    empty_tag: Option<String>,
    /// The text, unless markup or an unknown entity hides it.
    text: Option<String>,
    /// Its `TextEquiv`, in the element's [`PageNode::equivs`].
    equiv: usize,
}

/// A `TextEquiv` start tag of an element.
struct EquivTag {
    /// Where the tag starts.
    at: usize,
    /// Its qualified name.
    qname: String,
    /// The range of its `index` value, and the value.
    index: Option<(Range<usize>, String)>,
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
    /// The `Unicode` of its own `TextEquiv` the reader reads, and that one's `(index, conf)`.
    best: Option<(Rank, Slot)>,
    /// Its own `TextEquiv`s, in file order.
    equivs: Vec<EquivTag>,
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
    // The `TextEquiv` being read: (its node, stack depth inside it, (index, conf), `Unicode`
    // found).
    let mut equiv: Option<(usize, usize, Rank, Option<Slot>)> = None;
    // Where the content of the `Unicode` being read starts, and its `TextEquiv`.
    let mut unicode: Option<(usize, usize)> = None;
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
                    "Glyph" => Some(PageKind::Glyph),
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
                        equivs: Vec::new(),
                    });
                }
                let owner = stack.last().and_then(|(_, n)| *n);
                match (name.as_str(), owner) {
                    ("TextEquiv", Some(owner)) if !empty => {
                        let number = |name| {
                            attr_value(&s, name)
                                .and_then(|v| v.trim().parse::<f32>().ok())
                                .filter(|v| v.is_finite())
                        };
                        let key = (number("index").unwrap_or(0.0), number("conf"));
                        equiv = Some((owner, depth + 1, key, None));
                        let index = attr_range(input, before..after, "index")
                            .map(|r| (r.clone(), input[r].to_string()));
                        nodes[owner].equivs.push(EquivTag {
                            at: before,
                            qname: String::from_utf8_lossy(s.name().as_ref()).into_owned(),
                            index,
                        });
                    }
                    ("Unicode", _) => {
                        if let Some((owner, _, _, slot)) = equiv.as_mut().filter(|e| e.1 == depth) {
                            let equiv = nodes[*owner].equivs.len().saturating_sub(1);
                            if empty {
                                let q = String::from_utf8_lossy(s.name().as_ref()).into_owned();
                                *slot = Some(Slot {
                                    range: before..after,
                                    empty_tag: Some(q),
                                    text: Some(String::new()),
                                    equiv,
                                });
                            } else {
                                unicode = Some((after, equiv));
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
                        if let (Some((start, te)), Some((_, d, _, slot))) =
                            (unicode, equiv.as_mut())
                        {
                            if *d == depth {
                                let raw = input.get(start..before).unwrap_or("");
                                *slot = Some(Slot {
                                    range: start..before,
                                    empty_tag: None,
                                    text: decode(raw),
                                    equiv: te,
                                });
                                unicode = None;
                            }
                        }
                    }
                    "TextEquiv" if equiv.as_ref().is_some_and(|e| e.1 == depth + 1) => {
                        if let Some((owner, _, key, Some(slot))) = equiv.take() {
                            let best = &mut nodes[owner].best;
                            if best.as_ref().is_none_or(|(k, _)| preferred(key, *k)) {
                                *best = Some((key, slot));
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
pub(super) fn page_edits(
    input: &str,
    texts: &HashMap<String, String>,
    stale: &mut Vec<Stale>,
    skipped: &mut Vec<Skipped>,
    keep_readings: bool,
) -> Result<Vec<Edit>, FormatError> {
    let f = Format::Page;
    let nodes = page_nodes(input)?;
    let mut found = HashSet::new();
    // New texts to write (`Some`), and whether the element's text changed (it may have
    // changed without one: a line without text of its own whose words changed).
    let mut new: Vec<Option<String>> = vec![None; nodes.len()];
    let mut changed = vec![false; nodes.len()];
    // Texts given, or carried down from a given text: the levels below do not rebuild them.
    let mut fixed = vec![false; nodes.len()];
    for (i, node) in nodes.iter().enumerate() {
        let Some((key, given)) = node.id.as_deref().and_then(|id| texts.get_key_value(id)) else {
            continue;
        };
        found.insert(key.as_str());
        if node.empty || node.best.is_none() {
            skipped.push(Skipped {
                element: node.name.clone(),
                id: Some(key.clone()),
                line: line_of(input, node.at),
                text: given.clone(),
                reason: "the element has no `TextEquiv/Unicode` to write it into".into(),
            });
            continue;
        }
        changed[i] = node.text().map(str::trim) != Some(given.as_str());
        new[i] = Some(given.clone());
        fixed[i] = true;
    }
    // Down: a given line text goes into its words, a word's into its glyphs (parents first).
    for i in 0..nodes.len() {
        let node = &nodes[i];
        let parts = repeated(&nodes, i, |k| matches!(k, PageKind::Word | PageKind::Glyph));
        if !changed[i] || !fixed[i] || parts.is_empty() || parts.iter().any(|&c| fixed[c]) {
            continue;
        }
        let olds: Vec<Option<&str>> = parts.iter().map(|&c| nodes[c].text()).collect();
        let now = new[i].as_deref().unwrap_or("");
        match spread(node.text(), now, &olds, node.kind) {
            Ok(texts) => {
                for (&c, text) in parts.iter().zip(texts) {
                    if nodes[c].text().map(str::trim) != Some(text.as_str()) {
                        changed[c] = true;
                        new[c] = Some(text);
                    }
                    fixed[c] = true;
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
    // Up: children come after their parents, so from the last node back children are done
    // first.
    for i in (0..nodes.len()).rev() {
        let node = &nodes[i];
        if fixed[i] {
            continue;
        }
        let parts = repeated(&nodes, i, |_| true);
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
    for ((node, text), changed) in nodes.iter().zip(new).zip(changed) {
        let (Some(text), Some((_, slot))) = (text, &node.best) else {
            continue;
        };
        let text = escape(&text);
        if keep_readings {
            // A text that is already the one read gets no second reading.
            if changed {
                edits.extend(new_reading(node, slot, &text));
            }
            continue;
        }
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

/// The edits that give `node` a new `TextEquiv` with `text` (escaped) and `index="1"`, before
/// the one the reader read (`slot`'s), its other `TextEquiv`s kept in their order from
/// `index="2"` on (OCR-D: the first index is the text to use, the others are other readings).
fn new_reading(node: &PageNode, slot: &Slot, text: &str) -> Vec<Edit> {
    let Some(read) = node.equivs.get(slot.equiv) else {
        return Vec::new();
    };
    let index = |e: &EquivTag| e.index.as_ref().map(|(_, v)| v.trim().parse::<i64>().ok());
    let lowest = node
        .equivs
        .iter()
        .filter_map(|e| index(e).unwrap_or(Some(0)))
        .min()
        .unwrap_or(0);
    let shift = 2i64.saturating_sub(lowest);
    let q = &read.qname;
    let prefix = q
        .rsplit_once(':')
        .map_or(String::new(), |(p, _)| format!("{p}:"));
    let mut edits = vec![(
        read.at..read.at,
        format!(
            "<{q} index=\"1\" comments=\"ocrtidy\"><{prefix}Unicode>{text}</{prefix}Unicode></{q}>"
        ),
    )];
    for e in &node.equivs {
        match (&e.index, index(e)) {
            (Some((range, _)), Some(Some(i))) => {
                edits.push((range.clone(), i.saturating_add(shift).to_string()));
            }
            (None, _) => {
                let after_name = e.at + 1 + e.qname.len();
                edits.push((after_name..after_name, format!(" index=\"{shift}\"")));
            }
            // An index that is not a whole number: left.
            _ => {}
        }
    }
    edits
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
    let was: Vec<&str> = parts.iter().map(|(w, _)| *w).collect();
    let ranges = locate(old, &was).ok_or_else(|| inconsistent(old, &was, what))?;
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

/// Where each of `parts` is in `text`, when `text` is them in order with only whitespace (or
/// nothing) before, between and after them.
fn locate(text: &str, parts: &[&str]) -> Option<Vec<Range<usize>>> {
    let mut ranges = Vec::with_capacity(parts.len());
    let mut at = 0;
    for was in parts {
        at = text.len() - text[at..].trim_start().len();
        if !text[at..].starts_with(was) {
            return None;
        }
        ranges.push(at..at + was.len());
        at += was.len();
    }
    text[at..].trim().is_empty().then_some(ranges)
}

/// The new texts of the children of an element whose text was `old` (`None`: unreadable) and
/// is now `now`, given the children's old texts (`None`: unreadable): `old`'s character edits
/// applied to the children's parts of it (an edit across several goes into the first, an
/// insertion between two into the one before it). An error (why) when `old` is not the
/// children's texts in order, separated by whitespace or nothing, or when the new texts do
/// not read as `now`.
fn spread(
    old: Option<&str>,
    now: &str,
    children: &[Option<&str>],
    kind: PageKind,
) -> Result<Vec<String>, String> {
    let what = kind.children();
    let old = old.ok_or_else(|| {
        format!("its text could not be read (markup or an unknown entity), so its {what} were left")
    })?;
    let olds = children
        .iter()
        .map(|c| c.map(str::trim))
        .collect::<Option<Vec<&str>>>()
        .ok_or_else(|| {
            format!("the text of one of its {what} could not be read, so they were left")
        })?;
    let shown: Vec<&str> = olds.iter().copied().filter(|t| !t.is_empty()).collect();
    let ranges = locate(old, &shown).ok_or_else(|| {
        format!(
            "its {what} {} are not its text `{}` in order, so its new text `{}` did not go into \
             them (they may be another reading)",
            listed(&shown),
            brief(old),
            brief(now)
        )
    })?;
    let edits = char_edits(old, now);
    let refs: Vec<(Range<usize>, &str)> =
        edits.iter().map(|(r, t)| (r.clone(), t.as_str())).collect();
    let (texts, _) = rewrite_ranges(old, &ranges, &refs);
    let mut texts = texts.into_iter().map(|t| t.trim().to_string());
    let out: Vec<String> = olds
        .iter()
        .map(|t| match t.is_empty() {
            true => String::new(),
            false => texts.next().unwrap_or_default(),
        })
        .collect();
    let parts: Vec<&str> = out
        .iter()
        .map(String::as_str)
        .filter(|t| !t.is_empty())
        .collect();
    if locate(now.trim(), &parts).is_none() {
        return Err(format!(
            "its new text `{}` does not divide into its {what} {}, so they were left",
            brief(now),
            listed(&shown)
        ));
    }
    Ok(out)
}

/// The children of node `i` whose texts its text repeats, of the kinds `kinds` lets through.
fn repeated(nodes: &[PageNode], i: usize, kinds: impl Fn(PageKind) -> bool) -> Vec<usize> {
    let node = &nodes[i];
    node.children
        .iter()
        .copied()
        .filter(|&c| node.kind.repeats(nodes[c].kind) && kinds(nodes[c].kind))
        .collect()
}

fn inconsistent(old: &str, parts: &[&str], what: &str) -> String {
    format!(
        "its text `{}` is not its {what} {} joined, so it was left (it may be another \
         reading)",
        brief(old),
        listed(parts)
    )
}

/// The first texts of `parts`, quoted, for a message.
fn listed(parts: &[&str]) -> String {
    const SHOWN: usize = 3;
    let mut was: Vec<String> = parts
        .iter()
        .take(SHOWN)
        .map(|w| format!("`{}`", brief(w)))
        .collect();
    if parts.len() > SHOWN {
        was.push(format!("and {} more", parts.len() - SHOWN));
    }
    was.join(" ")
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
