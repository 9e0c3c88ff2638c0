//! Layout from geometry: turns a [`Document`] into plain text (one paragraph per line, pages
//! separated by `\f`) and a map from text ranges to the elements they came from.
//!
//! Per page: running headers and footers are found from their position (`furniture`),
//! columns from the gaps between box x-positions (`columns`), lines that an engine merged
//! across a gutter are split and fragments of one printed line grouped, the reading order
//! is the file's own where it has one ([`Document::ordered`]; the pieces of a printed line
//! it lists in other blocks are merged into the line) and otherwise, or for an engine's own
//! segmentation ([`Document::segmented`]), bands of columns read left to right under
//! full-width lines (`order`); paragraphs are then found from
//! indentation, vertical gaps and line lengths (`paragraphs`).

mod columns;
mod furniture;
mod order;
mod paragraphs;
mod stats;

use std::ops::Range;

use serde::Serialize;

use crate::model::{BBox, Document, HyphenPart, Page};

/// What to do with running headers and footers found from their position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Furniture {
    /// Leave them out of the text; they are listed in [`Converted::dropped`].
    #[default]
    Drop,
    /// Keep them, each as its own paragraph (headers first, footers last), tagged with their
    /// [`Role`] in the span map.
    Keep,
    /// Keep them where [`Furniture::Keep`] puts them and list each line's range and role in
    /// [`Converted::furniture`]: evidence for the furniture pass, which removes them as
    /// recorded changes (so that the removal is in the ledger and `--skip furniture` keeps
    /// them). The rest of the text is laid out as with [`Furniture::Drop`]: removing each
    /// listed line with the breaks that set it apart gives the text `Drop` gives.
    Mark,
}

/// Whose reading order to follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum Order {
    /// The file's order when the format has one, geometry otherwise (and for an engine's own
    /// block segmentation, [`Document::segmented`]).
    #[default]
    Auto,
    /// Always the order of the elements in the file.
    File,
    /// Always from geometry (columns and bands).
    Geometry,
}

/// Options of the layout analysis.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct LayoutOptions {
    pub furniture: Furniture,
    pub order: Order,
    /// Keep one output line per printed line instead of joining lines into paragraphs.
    pub keep_lines: bool,
    /// Write the printed lines of a paragraph one per line and separate paragraphs with a
    /// blank line, as Tesseract's own text output does, instead of one paragraph per line. The
    /// text passes then see the line edges they read (garbage at a line's start or end, lines
    /// of symbols) and the line-join pass joins the lines, with the paragraph breaks found
    /// from the geometry marked by the blank lines and every line break's decision given in
    /// [`Converted::breaks`] (a break on one piece of evidence gets none: the text decides).
    pub printed_lines: bool,
}

/// The role of a line on its page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Role {
    Body,
    /// A running header (top of the page, set apart from the body).
    Header,
    /// A running footer or page number (bottom of the page, set apart from the body).
    Footer,
}

/// The element a range of the output text comes from. Indices are positions in the
/// [`Document`] (page, block, line, word); `id` and `bbox` are as the file wrote them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceRef {
    pub page: usize,
    pub block: usize,
    pub line: usize,
    /// The word, when the format has word elements.
    pub word: Option<usize>,
    /// The id of the finest element that has one (word, else line).
    pub id: Option<String>,
    pub bbox: Option<BBox>,
    pub role: Role,
}

/// A range of the output text (byte offsets) and its source element.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Span {
    pub range: Range<usize>,
    pub source: SourceRef,
    /// The engine's confidence for the element, in `0.0..=1.0`.
    pub conf: Option<f32>,
}

/// A line left out of the text (a running header or footer with [`Furniture::Drop`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DroppedLine {
    pub text: String,
    pub source: SourceRef,
    pub conf: Option<f32>,
}

/// Plain text laid out from a document, with its source map.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Converted {
    /// One paragraph per line (see [`LayoutOptions::printed_lines`]), pages separated by `\n\f`.
    pub text: String,
    /// The text's ranges that come from an element, sorted and disjoint. The characters
    /// between spans (the spaces and line breaks of the layout) come from no element.
    pub spans: Vec<Span>,
    pub dropped: Vec<DroppedLine>,
    /// What the geometry decided about the line breaks inside a page of the text (with
    /// [`LayoutOptions::printed_lines`]: both `\n`s of a paragraph break that two pieces of
    /// evidence or the page's usual indent support, and every wrap), sorted by offset.
    /// Evidence for the line-join pass.
    pub breaks: Vec<LineBreak>,
    /// With [`Furniture::Mark`]: the running headers and footers kept in the text, each line's
    /// range (from its first to its last character, without the line breaks around it) and
    /// role ([`Role::Header`] or [`Role::Footer`]), sorted by offset. Evidence for the
    /// furniture pass. A header stands before the body of its page and a footer after it,
    /// each as a paragraph of its own.
    pub furniture: Vec<(Range<usize>, Role)>,
}

/// What the layout decided about the line break at a `\n` of [`Converted::text`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LineBreak {
    /// Byte offset of the `\n`.
    pub at: usize,
    /// True for a paragraph break, false for a soft wrap inside a paragraph.
    pub paragraph: bool,
}

impl Converted {
    /// Plain text as it is: one span per line, without boxes.
    pub fn passthrough(text: &str) -> Converted {
        let mut spans = Vec::new();
        let mut at = 0;
        for (i, line) in text.split_inclusive('\n').enumerate() {
            let body = line.trim_end_matches(['\n', '\r']);
            if !body.is_empty() {
                spans.push(Span {
                    range: at..at + body.len(),
                    source: SourceRef {
                        page: 0,
                        block: 0,
                        line: i,
                        word: None,
                        id: None,
                        bbox: None,
                        role: Role::Body,
                    },
                    conf: None,
                });
            }
            at += line.len();
        }
        Converted {
            text: text.to_string(),
            spans,
            dropped: Vec::new(),
            breaks: Vec::new(),
            furniture: Vec::new(),
        }
    }

    /// The spans that overlap `range` (an empty range: the spans that contain or touch it).
    pub fn sources(&self, range: Range<usize>) -> impl Iterator<Item = &Span> {
        let first = self.spans.partition_point(|s| s.range.end < range.start);
        self.spans[first..].iter().take_while(move |s| {
            s.range.start < range.end || (range.is_empty() && s.range.start <= range.start)
        })
    }

    /// The lowest confidence of the elements under `range`, if any has one.
    pub fn min_confidence(&self, range: Range<usize>) -> Option<f32> {
        self.sources(range)
            .filter_map(|s| s.conf)
            .fold(None, |m: Option<f32>, c| Some(m.map_or(c, |m| m.min(c))))
    }

    /// Every range of the text with the confidence of its element: the evidence a later pass
    /// (the typo pass) needs to treat low-confidence characters as likelier misreads.
    pub fn confidences(&self) -> impl Iterator<Item = (Range<usize>, f32)> + '_ {
        self.spans
            .iter()
            .filter_map(|s| s.conf.map(|c| (s.range.clone(), c)))
    }
}

/// One piece of text with its source (a word, or part of one).
#[derive(Debug, Clone)]
pub(crate) struct Piece {
    pub text: String,
    pub src: SourceRef,
    pub conf: Option<f32>,
    pub bbox: Option<BBox>,
    pub hyphen: Option<(HyphenPart, String)>,
}

/// A printed line during layout.
#[derive(Debug, Clone)]
pub(crate) struct VLine {
    pub pieces: Vec<Piece>,
    pub bbox: Option<BBox>,
    /// Column index, or `None` for a line across columns (or a page without columns).
    pub col: Option<usize>,
    pub role: Role,
    /// The line starts a paragraph on one piece of geometric evidence only (an indent, a
    /// short line before it or a gap): the break is left to the text passes to confirm.
    pub weak_start: bool,
}

impl VLine {
    /// The line's box; lines without one never reach the geometric steps.
    pub fn b(&self) -> BBox {
        self.bbox.unwrap_or(BBox {
            x0: 0.0,
            y0: 0.0,
            x1: 0.0,
            y1: 0.0,
        })
    }

    pub fn text_units(&self) -> f32 {
        self.pieces
            .iter()
            .map(|p| paragraphs::units(&p.text))
            .sum::<f32>()
    }
}

/// Lays out every page of `doc`.
pub fn convert_document(doc: &Document, options: &LayoutOptions) -> Converted {
    let mut out = Converted::default();
    let mut first = true;
    for (pi, page) in doc.pages.iter().enumerate() {
        let paras = layout_page(pi, page, doc, options, &mut out.dropped);
        if paras.is_empty() {
            continue;
        }
        if !first {
            out.text.push_str("\n\u{c}");
        }
        first = false;
        let mark = options.furniture == Furniture::Mark;
        paragraphs::emit(&paras, options.printed_lines, mark, &mut out);
    }
    out
}

/// The lines of one page as paragraphs of lines, in reading order.
fn layout_page(
    pi: usize,
    page: &Page,
    doc: &Document,
    options: &LayoutOptions,
    dropped: &mut Vec<DroppedLine>,
) -> Vec<Vec<VLine>> {
    let mut lines = Vec::new();
    for (bi, block) in page.blocks.iter().enumerate() {
        for (li, line) in block.lines.iter().enumerate() {
            let pieces: Vec<Piece> = line
                .words
                .iter()
                .enumerate()
                .filter(|(_, w)| !w.text.trim().is_empty())
                .map(|(wi, w)| Piece {
                    text: w.text.clone(),
                    src: SourceRef {
                        page: pi,
                        block: bi,
                        line: li,
                        word: (line.words.len() > 1 || w.id.is_some()).then_some(wi),
                        id: w.id.clone().or_else(|| line.id.clone()),
                        bbox: w.bbox.or(line.bbox),
                        role: Role::Body,
                    },
                    conf: w.conf.or(line.conf),
                    bbox: w.bbox,
                    hyphen: w.hyphen.clone(),
                })
                .collect();
            if pieces.is_empty() {
                continue;
            }
            lines.push(VLine {
                pieces,
                bbox: line.effective_bbox(),
                col: None,
                role: Role::Body,
                weak_start: false,
            });
        }
    }
    if lines.is_empty() {
        return Vec::new();
    }
    if lines.iter().any(|l| l.bbox.is_none()) {
        // No geometry: the file's order, one paragraph per line.
        return lines.into_iter().map(|l| vec![l]).collect();
    }
    let extent = page.bbox;
    furniture::tag(&mut lines, extent);
    let mut header = Vec::new();
    let mut footer = Vec::new();
    let mut body = Vec::new();
    for mut l in lines {
        let role = l.role;
        if role == Role::Body {
            body.push(l);
            continue;
        }
        for p in &mut l.pieces {
            p.src.role = role;
        }
        match options.furniture {
            Furniture::Drop => dropped.extend(l.pieces.iter().map(|p| DroppedLine {
                text: p.text.clone(),
                source: p.src.clone(),
                conf: p.conf,
            })),
            Furniture::Keep | Furniture::Mark if role == Role::Header => header.push(l),
            Furniture::Keep | Furniture::Mark => footer.push(l),
        }
    }
    let geometric = match options.order {
        Order::Auto => !doc.ordered || doc.segmented,
        Order::File => false,
        Order::Geometry => true,
    };
    let cols = columns::detect(&body);
    columns::assign(&mut body, &cols);
    let body = if geometric {
        if doc.ordered {
            // Whole lines from the file: only the pieces it cut off are merged into them.
            order::geometric(order::merge_row_fragments(body), &cols, false)
        } else {
            order::geometric(body, &cols, true)
        }
    } else {
        order::merge_row_fragments(body)
    };
    let mut paras: Vec<Vec<VLine>> = header.into_iter().map(|l| vec![l]).collect();
    if options.keep_lines {
        paras.extend(body.into_iter().map(|l| vec![l]));
    } else {
        paras.extend(paragraphs::group(body, &cols));
    }
    paras.extend(footer.into_iter().map(|l| vec![l]));
    paras
}
