//! Tesseract TSV: `level page_num block_num par_num line_num word_num left top width height
//! conf text`, one row per page (1), block (2), paragraph (3), line (4) and word (5). The header
//! row is optional; `conf` is -1 on rows that are not words.

use crate::error::ErrorKind;
use crate::model::{BBox, Block, Document, Line, Page, Word};
use crate::{Format, FormatError};

const COLUMNS: [&str; 12] = [
    "level",
    "page_num",
    "block_num",
    "par_num",
    "line_num",
    "word_num",
    "left",
    "top",
    "width",
    "height",
    "conf",
    "text",
];

pub(crate) fn read(input: &str) -> Result<Document, FormatError> {
    let mut doc = Document {
        pages: Vec::new(),
        ordered: true,
        segmented: true,
    };
    let mut rows = 0;
    for (i, raw) in input.lines().enumerate() {
        let lineno = i + 1;
        let row = raw.trim_end_matches('\r');
        if row.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = row.split('\t').collect();
        if i == 0 && fields.first().is_some_and(|f| f.trim() == "level") {
            continue;
        }
        let err = |kind: ErrorKind, col: &str| {
            FormatError::new(Format::TesseractTsv, kind)
                .at_line(Some(lineno))
                .element(col.to_string())
        };
        if fields.len() < 11 {
            return Err(err(
                ErrorKind::Structure(format!(
                    "expected 12 tab-separated fields, found {}",
                    fields.len()
                )),
                "row",
            ));
        }
        let mut nums = [0f32; 11];
        for (k, n) in nums.iter_mut().enumerate() {
            *n = fields[k]
                .trim()
                .parse::<f32>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| {
                    err(
                        ErrorKind::Value(format!("not a number: `{}`", fields[k])),
                        COLUMNS[k],
                    )
                })?;
        }
        rows += 1;
        let text = fields.get(11).copied().unwrap_or("").trim();
        let bbox = BBox::new(nums[6], nums[7], nums[6] + nums[8], nums[7] + nums[9]);
        let conf = (nums[10] >= 0.0).then(|| (nums[10] / 100.0).clamp(0.0, 1.0));
        let key = |a: usize, b: usize| format!("{}_{}", nums[a] as i64, nums[b] as i64);
        match nums[0] as i64 {
            1 => doc.pages.push(Page {
                blocks: Vec::new(),
                bbox,
                id: Some(format!("page_{}", nums[1] as i64)),
            }),
            2 | 3 => {
                let page = page(&mut doc);
                let id = Some(format!("block_{}_{}", key(2, 3), nums[1] as i64));
                if nums[0] as i64 == 3 || page.blocks.is_empty() {
                    page.blocks.push(Block {
                        lines: Vec::new(),
                        bbox,
                        id,
                    });
                }
            }
            4 => {
                let page = page(&mut doc);
                if page.blocks.is_empty() {
                    page.blocks.push(Block::default());
                }
                if let Some(b) = page.blocks.last_mut() {
                    b.lines.push(Line {
                        words: Vec::new(),
                        bbox,
                        conf: None,
                        id: Some(format!("line_{}_{}", key(2, 3), nums[4] as i64)),
                    });
                }
            }
            5 => {
                if text.is_empty() {
                    continue;
                }
                let page = page(&mut doc);
                if page.blocks.is_empty() {
                    page.blocks.push(Block::default());
                }
                if let Some(b) = page.blocks.last_mut() {
                    if b.lines.is_empty() {
                        b.lines.push(Line::default());
                    }
                    if let Some(l) = b.lines.last_mut() {
                        l.words.push(Word {
                            text: text.to_string(),
                            bbox,
                            conf,
                            id: Some(format!(
                                "word_{}_{}_{}",
                                key(2, 3),
                                nums[4] as i64,
                                nums[5] as i64
                            )),
                            hyphen: None,
                        });
                    }
                }
            }
            other => {
                return Err(err(
                    ErrorKind::Value(format!("unknown level {other}")),
                    "level",
                ))
            }
        }
    }
    if rows == 0 {
        return Err(FormatError::new(
            Format::TesseractTsv,
            ErrorKind::Structure("no data rows".into()),
        ));
    }
    for p in &mut doc.pages {
        for b in &mut p.blocks {
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
