//! ALTO XML (v2–v4): `Page` → `TextBlock` → `TextLine` → `String@CONTENT` with
//! `HPOS/VPOS/WIDTH/HEIGHT`, `WC`, `SUBS_TYPE`/`SUBS_CONTENT` hyphenation and `HYP`.

use crate::error::ErrorKind;
use crate::model::{BBox, Block, Document, HyphenPart, Line, Page, Word};
use crate::xml::{attr, num_attr, Ev, XmlReader};
use crate::{Format, FormatError};

fn bbox(
    r: &XmlReader<'_>,
    attrs: &[(String, String)],
    el: &str,
) -> Result<Option<BBox>, FormatError> {
    let h = num_attr(r, attrs, "HPOS", el)?;
    let v = num_attr(r, attrs, "VPOS", el)?;
    let w = num_attr(r, attrs, "WIDTH", el)?;
    let ht = num_attr(r, attrs, "HEIGHT", el)?;
    Ok(match (h, v, w, ht) {
        (Some(h), Some(v), Some(w), Some(ht)) => BBox::new(h, v, h + w, v + ht),
        _ => None,
    })
}

pub(crate) fn read(input: &str) -> Result<Document, FormatError> {
    let mut r = XmlReader::new(input, Format::Alto);
    let mut doc = Document {
        pages: Vec::new(),
        ordered: true,
        segmented: false,
    };
    let mut saw_root = false;
    loop {
        match r.next()? {
            Ev::Start { name, attrs, .. } => match name.as_str() {
                "alto" => saw_root = true,
                "Page" => {
                    let w = num_attr(&r, &attrs, "WIDTH", &name)?;
                    let h = num_attr(&r, &attrs, "HEIGHT", &name)?;
                    doc.pages.push(Page {
                        blocks: Vec::new(),
                        bbox: match (w, h) {
                            (Some(w), Some(h)) => BBox::new(0.0, 0.0, w, h),
                            _ => None,
                        },
                        id: attr(&attrs, "ID").map(str::to_string),
                    });
                }
                "TextBlock" => {
                    let b = Block {
                        lines: Vec::new(),
                        bbox: bbox(&r, &attrs, &name)?,
                        id: attr(&attrs, "ID").map(str::to_string),
                    };
                    page(&mut doc).blocks.push(b);
                }
                "TextLine" => {
                    let l = Line {
                        words: Vec::new(),
                        bbox: bbox(&r, &attrs, &name)?,
                        conf: None,
                        id: attr(&attrs, "ID").map(str::to_string),
                    };
                    block(&mut doc).lines.push(l);
                }
                "String" => {
                    let content = attr(&attrs, "CONTENT").ok_or_else(|| {
                        r.error(ErrorKind::Structure("`String` without `CONTENT`".into()))
                            .element("String")
                    })?;
                    let conf = num_attr(&r, &attrs, "WC", &name)?.map(|c| c.clamp(0.0, 1.0));
                    let hyphen = match (attr(&attrs, "SUBS_TYPE"), attr(&attrs, "SUBS_CONTENT")) {
                        (Some("HypPart1"), Some(s)) => Some((HyphenPart::First, s.to_string())),
                        (Some("HypPart2"), Some(s)) => Some((HyphenPart::Second, s.to_string())),
                        _ => None,
                    };
                    let w = Word {
                        text: content.trim().to_string(),
                        bbox: bbox(&r, &attrs, &name)?,
                        conf,
                        id: attr(&attrs, "ID").map(str::to_string),
                        hyphen,
                    };
                    line(&mut doc).words.push(w);
                }
                "HYP" => {
                    let c = attr(&attrs, "CONTENT").unwrap_or("-").to_string();
                    if let Some(w) = line(&mut doc).words.last_mut() {
                        w.text.push_str(&c);
                    }
                }
                _ => {}
            },
            Ev::Eof => break,
            _ => {}
        }
    }
    if !saw_root {
        return Err(FormatError::new(
            Format::Alto,
            ErrorKind::Structure("no `alto` root element".into()),
        ));
    }
    for p in &mut doc.pages {
        for b in &mut p.blocks {
            for l in &mut b.lines {
                l.words.retain(|w| !w.text.is_empty());
            }
            b.lines.retain(|l| !l.words.is_empty());
        }
        p.blocks.retain(|b| !b.lines.is_empty());
    }
    Ok(doc)
}

fn page(doc: &mut Document) -> &mut Page {
    if doc.pages.is_empty() {
        doc.pages.push(Page::default());
    }
    let n = doc.pages.len() - 1;
    &mut doc.pages[n]
}

fn block(doc: &mut Document) -> &mut Block {
    let p = page(doc);
    if p.blocks.is_empty() {
        p.blocks.push(Block::default());
    }
    let n = p.blocks.len() - 1;
    &mut p.blocks[n]
}

fn line(doc: &mut Document) -> &mut Line {
    let b = block(doc);
    if b.lines.is_empty() {
        b.lines.push(Line::default());
    }
    let n = b.lines.len() - 1;
    &mut b.lines[n]
}
