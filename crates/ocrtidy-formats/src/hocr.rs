//! hOCR (Tesseract, Kraken, OCRopus): `ocr_page` → `ocr_carea`/`ocr_par` → `ocr_line` (and
//! `ocrx_line`, `ocr_header`, `ocr_caption`, `ocr_textfloat`) → `ocrx_word`, with `bbox` and
//! `x_wconf` in the `title` properties. Lines without word elements take their own text.

use crate::error::ErrorKind;
use crate::model::{BBox, Block, Document, Line, Page, Word};
use crate::xml::{attr, Ev, XmlReader};
use crate::{Format, FormatError};

#[derive(Clone, Copy, PartialEq)]
enum Role {
    Page,
    Block,
    Line,
    Word,
    Other,
}

const LINE_CLASSES: [&str; 6] = [
    "ocr_line",
    "ocrx_line",
    "ocr_header",
    "ocr_caption",
    "ocr_textfloat",
    "ocr_footer",
];

#[derive(Default)]
struct Props {
    bbox: Option<BBox>,
    wconf: Option<f32>,
}

/// Parses the `title` properties this reader uses: `bbox` and `x_wconf`.
fn props(title: &str) -> Result<Props, String> {
    let mut p = Props::default();
    for part in title.split(';') {
        let mut it = part.split_whitespace();
        match it.next() {
            Some("bbox") => {
                let v: Vec<f32> = it
                    .map(|n| n.parse::<f32>())
                    .collect::<Result<_, _>>()
                    .map_err(|_| format!("bad bbox `{}`", part.trim()))?;
                if v.len() != 4 {
                    return Err(format!("bbox needs 4 numbers: `{}`", part.trim()));
                }
                p.bbox = BBox::new(v[0], v[1], v[2], v[3]);
                if p.bbox.is_none() {
                    return Err(format!("bad bbox `{}`", part.trim()));
                }
            }
            Some("x_wconf") => {
                let v = it
                    .next()
                    .and_then(|n| n.parse::<f32>().ok())
                    .filter(|n| n.is_finite())
                    .ok_or_else(|| format!("bad x_wconf `{}`", part.trim()))?;
                p.wconf = Some((v / 100.0).clamp(0.0, 1.0));
            }
            _ => {}
        }
    }
    Ok(p)
}

pub(crate) fn read(input: &str) -> Result<Document, FormatError> {
    let mut r = XmlReader::new_html(input, Format::Hocr);
    let mut doc = Document {
        pages: Vec::new(),
        ordered: true,
        segmented: true,
    };
    // Parallel to the reader's stack of open elements.
    let mut roles: Vec<Role> = Vec::new();
    let mut line: Option<Line> = None;
    let mut loose = String::new();
    let mut word: Option<Word> = None;
    let mut saw_page = false;
    loop {
        match r.next()? {
            Ev::Start {
                name, attrs, empty, ..
            } => {
                let class = attr(&attrs, "class").unwrap_or("");
                let has = |c: &str| class.split_whitespace().any(|x| x == c);
                let role = if has("ocr_page") {
                    Role::Page
                } else if has("ocr_carea") || has("ocr_par") || has("ocrx_block") {
                    Role::Block
                } else if LINE_CLASSES.iter().any(|c| has(c)) {
                    Role::Line
                } else if has("ocrx_word") {
                    Role::Word
                } else {
                    Role::Other
                };
                let p = match attr(&attrs, "title") {
                    Some(t) if role != Role::Other => {
                        props(t).map_err(|m| r.error(ErrorKind::Value(m)).element(name.clone()))?
                    }
                    _ => Props::default(),
                };
                let id = attr(&attrs, "id").map(str::to_string);
                match role {
                    Role::Page => {
                        saw_page = true;
                        doc.pages.push(Page {
                            blocks: Vec::new(),
                            bbox: p.bbox,
                            id,
                        });
                    }
                    Role::Block => {
                        let page = current_page(&mut doc);
                        page.blocks.push(Block {
                            lines: Vec::new(),
                            bbox: p.bbox,
                            id,
                        });
                    }
                    Role::Line if line.is_none() => {
                        line = Some(Line {
                            words: Vec::new(),
                            bbox: p.bbox,
                            conf: p.wconf,
                            id,
                        });
                        loose.clear();
                    }
                    Role::Word if word.is_none() => {
                        word = Some(Word {
                            text: String::new(),
                            bbox: p.bbox,
                            conf: p.wconf,
                            id,
                            hyphen: None,
                        });
                    }
                    _ => {}
                }
                if name.eq_ignore_ascii_case("br") {
                    loose.push(' ');
                }
                if !empty {
                    roles.push(role);
                    roles.truncate(r.stack.len());
                }
            }
            Ev::End { .. } => {
                while roles.len() > r.stack.len() {
                    match roles.pop() {
                        Some(Role::Word) => {
                            if let Some(w) = word.take() {
                                let l = line.get_or_insert_with(Line::default);
                                l.words.push(w);
                            }
                        }
                        Some(Role::Line) => {
                            if let Some(mut l) = line.take() {
                                if l.words.is_empty() && !loose.trim().is_empty() {
                                    let mut w = Word::new(loose.trim());
                                    w.bbox = l.bbox;
                                    w.conf = l.conf;
                                    l.words.push(w);
                                }
                                loose.clear();
                                let page = current_page(&mut doc);
                                if page.blocks.is_empty() {
                                    page.blocks.push(Block::default());
                                }
                                if let Some(b) = page.blocks.last_mut() {
                                    b.lines.push(l);
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            Ev::Text(t) => {
                if let Some(w) = word.as_mut() {
                    w.text.push_str(&t);
                } else if line.is_some() {
                    loose.push_str(&t);
                }
            }
            Ev::Eof => {
                if roles.iter().any(|r| *r != Role::Other) {
                    return Err(r.error(ErrorKind::Syntax(
                        "the file ends inside an OCR element".into(),
                    )));
                }
                break;
            }
        }
    }
    if !saw_page {
        return Err(FormatError::new(
            Format::Hocr,
            ErrorKind::Structure("no element with class `ocr_page`".into()),
        ));
    }
    for page in &mut doc.pages {
        for b in &mut page.blocks {
            for l in &mut b.lines {
                for w in &mut l.words {
                    let t = w.text.split_whitespace().collect::<Vec<_>>().join(" ");
                    w.text = t;
                }
                l.words.retain(|w| !w.text.is_empty());
            }
            b.lines.retain(|l| !l.words.is_empty());
        }
        page.blocks.retain(|b| !b.lines.is_empty());
    }
    Ok(doc)
}

fn current_page(doc: &mut Document) -> &mut Page {
    if doc.pages.is_empty() {
        doc.pages.push(Page::default());
    }
    let n = doc.pages.len() - 1;
    &mut doc.pages[n]
}
