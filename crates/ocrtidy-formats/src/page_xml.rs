//! PAGE XML (PRImA, 2010–2019 schemas): `TextRegion` → `TextLine` → `Word`, `Coords@points`
//! (or legacy `Point` children), `TextEquiv/Unicode` with `@conf` at any level, nested
//! regions, and `ReadingOrder` (regions it names come first, in its order; the others follow
//! in file order).
//!
//! PAGE's `TextEquiv` hierarchy: each level may repeat the text of the level below, and a
//! line's own text is what the file says the line reads (ground truth is transcribed line by
//! line; its `Word`s may be listed out of order, or cut `Monatsſchrift.` into `Monatsſchrift`
//! and `.`). So a `TextLine` with a text of its own is read as that text, whole, unless its
//! `Word`s reproduce it ([`reproduces`]: their texts in file order, separated by one space, or
//! by nothing next to wide CJK characters, are the line's text with its whitespace collapsed);
//! then the words are read, with their ids, boxes and confidences. A line without text is its
//! words. A region without lines is its own text, one line per line of it. Among several
//! `TextEquiv`s of one element the lowest `index` is read (OCR-D's `index="1"` before `2`; no
//! index counts as 0), and on equal indices the higher `conf` ([`preferred`]).

use crate::error::ErrorKind;
use crate::model::{BBox, Block, Document, Line, Page, Word};
use crate::xml::{attr, num_attr, Ev, XmlReader};
use crate::{Format, FormatError};
use ocrtidy_text::chars::is_wide;

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Region,
    Line,
    Word,
    Glyph,
}

/// An element being read, with the best `TextEquiv` found so far.
struct Open {
    kind: Kind,
    id: Option<String>,
    bbox: Option<BBox>,
    points: Vec<(f32, f32)>,
    /// The preferred `TextEquiv` so far: `(index, conf)` and its text.
    text: Option<((f32, Option<f32>), String)>,
    conf: Option<f32>,
    words: Vec<Word>,
    lines: Vec<Line>,
}

impl Open {
    fn new(kind: Kind, id: Option<String>) -> Open {
        Open {
            kind,
            id,
            bbox: None,
            points: Vec::new(),
            text: None,
            conf: None,
            words: Vec::new(),
            lines: Vec::new(),
        }
    }
}

fn parse_points(s: &str) -> Option<Vec<(f32, f32)>> {
    let mut out = Vec::new();
    for pair in s.split_whitespace() {
        let (x, y) = pair.split_once(',')?;
        out.push((x.trim().parse().ok()?, y.trim().parse().ok()?));
    }
    Some(out)
}

pub(crate) fn read(input: &str) -> Result<Document, FormatError> {
    let mut r = XmlReader::new(input, Format::Page);
    let mut doc = Document {
        pages: Vec::new(),
        ordered: true,
        segmented: false,
    };
    let mut saw_root = false;
    let mut order: Vec<Vec<String>> = Vec::new();
    let mut open: Vec<Open> = Vec::new();
    // (priority index, conf, text being collected) of the TextEquiv being read.
    let mut equiv: Option<(f32, Option<f32>, String)> = None;
    let mut in_unicode = false;
    loop {
        match r.next()? {
            Ev::Start {
                name, attrs, empty, ..
            } => match name.as_str() {
                "PcGts" => saw_root = true,
                "Page" => {
                    let w = num_attr(&r, &attrs, "imageWidth", &name)?;
                    let h = num_attr(&r, &attrs, "imageHeight", &name)?;
                    doc.pages.push(Page {
                        blocks: Vec::new(),
                        bbox: match (w, h) {
                            (Some(w), Some(h)) => BBox::new(0.0, 0.0, w, h),
                            _ => None,
                        },
                        id: attr(&attrs, "imageFilename").map(str::to_string),
                    });
                    order.push(Vec::new());
                }
                "RegionRefIndexed" | "RegionRef" => {
                    if let (Some(o), Some(id)) = (order.last_mut(), attr(&attrs, "regionRef")) {
                        o.push(id.to_string());
                    }
                }
                "TextRegion" | "TextLine" | "Word" | "Glyph" => {
                    let kind = match name.as_str() {
                        "TextRegion" => Kind::Region,
                        "TextLine" => Kind::Line,
                        "Word" => Kind::Word,
                        _ => Kind::Glyph,
                    };
                    let o = Open::new(kind, attr(&attrs, "id").map(str::to_string));
                    if empty {
                        close(o, &mut open, &mut doc);
                    } else {
                        open.push(o);
                    }
                }
                "Coords" => {
                    let Some(o) = open.last_mut() else { continue };
                    if let Some(p) = attr(&attrs, "points") {
                        let pts = parse_points(p).ok_or_else(|| {
                            r.error(ErrorKind::Value(format!("bad points `{p}`")))
                                .element("Coords")
                        })?;
                        o.bbox = BBox::from_points(&pts);
                    }
                }
                "Point" => {
                    let x = num_attr(&r, &attrs, "x", &name)?;
                    let y = num_attr(&r, &attrs, "y", &name)?;
                    if let (Some(o), Some(x), Some(y)) = (open.last_mut(), x, y) {
                        o.points.push((x, y));
                        o.bbox = BBox::from_points(&o.points);
                    }
                }
                "TextEquiv" if !empty => {
                    let idx = num_attr(&r, &attrs, "index", &name)?.unwrap_or(0.0);
                    let conf = num_attr(&r, &attrs, "conf", &name)?.map(|c| c.clamp(0.0, 1.0));
                    equiv = Some((idx, conf, String::new()));
                }
                "Unicode" if !empty => in_unicode = equiv.is_some(),
                _ => {}
            },
            Ev::Text(t) => {
                if in_unicode {
                    if let Some((_, _, s)) = equiv.as_mut() {
                        s.push_str(&t);
                    }
                }
            }
            Ev::End { name } => match name.as_str() {
                "Unicode" => in_unicode = false,
                "TextEquiv" => {
                    if let (Some((idx, conf, text)), Some(o)) = (equiv.take(), open.last_mut()) {
                        let better = o
                            .text
                            .as_ref()
                            .is_none_or(|(key, _)| preferred((idx, conf), *key));
                        if better {
                            o.text = Some(((idx, conf), text));
                            o.conf = conf;
                        }
                    }
                }
                "TextRegion" | "TextLine" | "Word" | "Glyph" => {
                    if let Some(o) = open.pop() {
                        close(o, &mut open, &mut doc);
                    }
                }
                _ => {}
            },
            Ev::Eof => break,
        }
    }
    if !saw_root {
        return Err(FormatError::new(
            Format::Page,
            ErrorKind::Structure("no `PcGts` root element".into()),
        ));
    }
    for (page, order) in doc.pages.iter_mut().zip(order) {
        if order.is_empty() {
            continue;
        }
        let rank = |b: &Block| {
            b.id.as_ref()
                .and_then(|id| order.iter().position(|o| o == id))
                .unwrap_or(usize::MAX)
        };
        // A stable sort keeps unreferenced regions in file order, after the ordered ones.
        page.blocks.sort_by_key(rank);
    }
    Ok(doc)
}

/// Files a finished element into its parent.
fn close(o: Open, open: &mut [Open], doc: &mut Document) {
    match o.kind {
        Kind::Glyph => {}
        Kind::Word => {
            let Some((_, text)) = o.text else { return };
            let text = text.trim().to_string();
            if text.is_empty() {
                return;
            }
            if let Some(parent) = open.last_mut() {
                parent.words.push(Word {
                    text,
                    bbox: o.bbox,
                    conf: o.conf,
                    id: o.id,
                    hyphen: None,
                });
            }
        }
        Kind::Line => {
            let own = o.text.map(|(_, t)| collapse(&t)).filter(|t| !t.is_empty());
            let words = match own {
                // The line's own text, whole: the layout addresses it by the line's id.
                Some(text) if !reproduces(&o.words, &text) => vec![Word {
                    text,
                    bbox: o.bbox,
                    conf: o.conf,
                    id: None,
                    hyphen: None,
                }],
                _ if o.words.is_empty() => return,
                _ => o.words,
            };
            let line = Line {
                words,
                bbox: o.bbox,
                conf: o.conf,
                id: o.id,
            };
            if let Some(parent) = open.iter_mut().rev().find(|p| p.kind == Kind::Region) {
                parent.lines.push(line);
            }
        }
        Kind::Region => {
            let mut lines = o.lines;
            if lines.is_empty() {
                if let Some((_, t)) = o.text {
                    lines = t
                        .lines()
                        .filter(|l| !l.trim().is_empty())
                        .map(|l| Line {
                            words: vec![Word::new(l.trim())],
                            conf: o.conf,
                            ..Line::default()
                        })
                        .collect();
                }
            }
            if lines.is_empty() {
                return;
            }
            if doc.pages.is_empty() {
                doc.pages.push(Page::default());
            }
            if let Some(page) = doc.pages.last_mut() {
                page.blocks.push(Block {
                    lines,
                    bbox: o.bbox,
                    id: o.id,
                });
            }
        }
    }
}

/// Whether a `TextEquiv` with `(index, conf)` is preferred over the one chosen so far: the
/// lower `index`, then the higher `conf` (one without `conf` last); on a tie the first stays.
/// The write-back rewrites the one this picks.
pub(crate) fn preferred(new: (f32, Option<f32>), old: (f32, Option<f32>)) -> bool {
    if new.0 != old.0 {
        return new.0 < old.0;
    }
    match (new.1, old.1) {
        (Some(n), Some(o)) => n > o,
        (Some(_), None) => true,
        _ => false,
    }
}

/// `text` with its whitespace runs collapsed to one space, trimmed.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `words`, in file order, read as `line` (whitespace collapsed): separated by one
/// space, or by nothing where a wide (CJK) character is on either side, as the layout joins
/// them.
fn reproduces(words: &[Word], line: &str) -> bool {
    let mut rest = line;
    for (k, w) in words.iter().enumerate() {
        if k > 0 {
            let before = words[k - 1].text.chars().next_back();
            let after = w.text.chars().next();
            let tight = before.into_iter().chain(after).any(is_wide);
            match rest.strip_prefix(' ') {
                Some(r) if !tight => rest = r,
                None if tight => {}
                _ => return false,
            }
        }
        match rest.strip_prefix(w.text.as_str()) {
            Some(r) => rest = r,
            None => return false,
        }
    }
    rest.is_empty()
}
