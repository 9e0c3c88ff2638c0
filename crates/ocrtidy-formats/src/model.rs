//! The geometry model every reader produces: pages of blocks of lines of words, each with its
//! box, confidence and source id, in the order the file lists them.
//!
//! Ids and coordinates are kept exactly as read (in the file's own units), so that corrections
//! can later be written back into the element they came from.

use serde::Serialize;

/// An axis-aligned box: `x0 <= x1`, `y0 <= y1`, y growing downwards (the units of the file).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BBox {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl BBox {
    /// A box from two corners in any order; `None` when a coordinate is not finite.
    pub fn new(x0: f32, y0: f32, x1: f32, y1: f32) -> Option<BBox> {
        if ![x0, y0, x1, y1].iter().all(|v| v.is_finite()) {
            return None;
        }
        Some(BBox {
            x0: x0.min(x1),
            y0: y0.min(y1),
            x1: x0.max(x1),
            y1: y0.max(y1),
        })
    }

    /// The bounding box of a polygon; `None` for an empty or non-finite polygon.
    pub fn from_points(points: &[(f32, f32)]) -> Option<BBox> {
        let (&(fx, fy), rest) = points.split_first()?;
        let mut b = BBox::new(fx, fy, fx, fy)?;
        for &(x, y) in rest {
            b = b.union(&BBox::new(x, y, x, y)?);
        }
        Some(b)
    }

    pub fn width(&self) -> f32 {
        self.x1 - self.x0
    }

    pub fn height(&self) -> f32 {
        self.y1 - self.y0
    }

    pub fn cy(&self) -> f32 {
        (self.y0 + self.y1) / 2.0
    }

    pub fn union(&self, o: &BBox) -> BBox {
        BBox {
            x0: self.x0.min(o.x0),
            y0: self.y0.min(o.y0),
            x1: self.x1.max(o.x1),
            y1: self.y1.max(o.y1),
        }
    }

    /// The union of the boxes, `None` when there is none.
    pub fn union_all<'a>(boxes: impl IntoIterator<Item = &'a BBox>) -> Option<BBox> {
        boxes.into_iter().fold(None, |acc, b| match acc {
            None => Some(*b),
            Some(a) => Some(a.union(b)),
        })
    }

    /// Length of the vertical overlap of two boxes (0 when disjoint).
    pub fn v_overlap(&self, o: &BBox) -> f32 {
        (self.y1.min(o.y1) - self.y0.max(o.y0)).max(0.0)
    }
}

/// Where an ALTO string stands in a word hyphenated across lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum HyphenPart {
    First,
    Second,
}

/// One recognised word (or, for engines that only give lines, one recognised line fragment).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Word {
    pub text: String,
    pub bbox: Option<BBox>,
    /// Recognition confidence in `0.0..=1.0`.
    pub conf: Option<f32>,
    pub id: Option<String>,
    /// ALTO `SUBS_TYPE`/`SUBS_CONTENT`: the part of a hyphenated word and the whole word.
    pub hyphen: Option<(HyphenPart, String)>,
}

impl Word {
    pub fn new(text: impl Into<String>) -> Word {
        Word {
            text: text.into(),
            bbox: None,
            conf: None,
            id: None,
            hyphen: None,
        }
    }
}

/// A printed line: its words in reading order.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Line {
    pub words: Vec<Word>,
    pub bbox: Option<BBox>,
    pub conf: Option<f32>,
    pub id: Option<String>,
}

impl Line {
    /// The line's box, or the union of its words' boxes.
    pub fn effective_bbox(&self) -> Option<BBox> {
        self.bbox
            .or_else(|| BBox::union_all(self.words.iter().filter_map(|w| w.bbox.as_ref())))
    }

    /// True when no word has visible text.
    pub fn is_blank(&self) -> bool {
        self.words.iter().all(|w| w.text.trim().is_empty())
    }
}

/// A text block (hOCR `ocr_carea`/`ocr_par`, ALTO `TextBlock`, PAGE `TextRegion`).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Block {
    pub lines: Vec<Line>,
    pub bbox: Option<BBox>,
    pub id: Option<String>,
}

/// One page.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Page {
    pub blocks: Vec<Block>,
    /// The page's extent (image size), when the file gives it.
    pub bbox: Option<BBox>,
    pub id: Option<String>,
}

/// A read document and whether its element order is a reading order.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Document {
    pub pages: Vec<Page>,
    /// True when the file's element order is the engine's reading order (hOCR, ALTO, PAGE with
    /// or without `ReadingOrder`, Tesseract TSV); false when lines come sorted top to bottom
    /// over the whole page (PaddleOCR, RapidOCR), so that the order must come from geometry.
    pub ordered: bool,
    /// True when the blocks are an engine's own page segmentation (Tesseract's hOCR and TSV):
    /// its lines are whole printed lines, but its block order mixes columns and lists the
    /// pieces of a line it cut in other blocks, so the layout takes the order from geometry
    /// (see [`crate::LayoutOptions`]) and keeps the lines.
    pub segmented: bool,
}

impl Document {
    /// A document of one page holding one block of `lines`, in reading order.
    pub fn single_block(lines: Vec<Line>) -> Document {
        Document {
            pages: vec![Page {
                blocks: vec![Block {
                    lines,
                    ..Block::default()
                }],
                ..Page::default()
            }],
            ordered: true,
            segmented: false,
        }
    }
}
