//! JSON output of line-level engines. Every recognised line becomes a [`Line`] with one word
//! (its text, box and score), in the engine's output order (top to bottom over the whole page:
//! [`Document::ordered`] is false).
//!
//! - PaddleOCR 2.x `ocr()`: `[[box, [text, score]], ...]`, or one such list per page (`null` for
//!   a page without text).
//! - PaddleOCR 3.x `save_to_json`: `{"res": {"rec_texts", "rec_scores", "rec_polys" | "rec_boxes"}}`
//!   (with or without the `res` wrapper), or a list of those, one per page.
//! - RapidOCR: `{"lines": [{"box", "text", "score"}]}`, `{"boxes", "txts", "scores"}`, or
//!   `[[box, text, score], ...]`.
//!
//! A box is a polygon `[[x, y], ...]` or `[x0, y0, x1, y1]`.

use serde_json::Value;

use crate::error::ErrorKind;
use crate::model::{BBox, Block, Document, Line, Page, Word};
use crate::{Format, FormatError};

fn parse(input: &str, format: Format) -> Result<Value, FormatError> {
    serde_json::from_str(input).map_err(|e| {
        FormatError::new(format, ErrorKind::Syntax(e.to_string())).at_line(Some(e.line()))
    })
}

fn structure(format: Format, path: &str, msg: impl Into<String>) -> FormatError {
    FormatError::new(format, ErrorKind::Structure(msg.into())).element(path.to_string())
}

fn bbox(v: &Value, format: Format, path: &str) -> Result<BBox, FormatError> {
    let bad = || {
        FormatError::new(format, ErrorKind::Value(format!("not a box: {}", short(v))))
            .element(path.to_string())
    };
    let arr = v.as_array().ok_or_else(bad)?;
    if arr.len() == 4 && arr.iter().all(Value::is_number) {
        let n: Vec<f32> = arr
            .iter()
            .filter_map(|x| x.as_f64())
            .map(|x| x as f32)
            .collect();
        return BBox::new(n[0], n[1], n[2], n[3]).ok_or_else(bad);
    }
    let mut pts = Vec::new();
    for p in arr {
        match p.as_array().map(|a| a.as_slice()) {
            Some([x, y, ..]) => match (x.as_f64(), y.as_f64()) {
                (Some(x), Some(y)) => pts.push((x as f32, y as f32)),
                _ => return Err(bad()),
            },
            _ => return Err(bad()),
        }
    }
    BBox::from_points(&pts).ok_or_else(bad)
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    match s.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

fn score(v: Option<&Value>) -> Option<f32> {
    v.and_then(Value::as_f64)
        .map(|s| s as f32)
        .filter(|s| s.is_finite())
        .map(|s| s.clamp(0.0, 1.0))
}

fn line(text: &str, bbox: BBox, conf: Option<f32>) -> Line {
    Line {
        words: vec![Word {
            text: text.split_whitespace().collect::<Vec<_>>().join(" "),
            bbox: Some(bbox),
            conf,
            id: None,
            hyphen: None,
        }],
        bbox: Some(bbox),
        conf,
        id: None,
    }
}

fn page_of(lines: Vec<Line>) -> Page {
    let lines: Vec<Line> = lines.into_iter().filter(|l| !l.is_blank()).collect();
    Page {
        blocks: if lines.is_empty() {
            Vec::new()
        } else {
            vec![Block {
                lines,
                ..Block::default()
            }]
        },
        ..Page::default()
    }
}

/// `[box, [text, score]]` (PaddleOCR 2.x) or `[box, text, score]` (RapidOCR).
fn is_line_entry(v: &Value) -> bool {
    match v.as_array().map(|a| a.as_slice()) {
        Some([b, t, ..]) => {
            b.is_array()
                && (t.is_string()
                    || t.as_array()
                        .is_some_and(|a| a.first().is_some_and(Value::is_string)))
        }
        _ => false,
    }
}

fn entries(arr: &[Value], format: Format, path: &str) -> Result<Vec<Line>, FormatError> {
    let mut out = Vec::new();
    for (i, e) in arr.iter().enumerate() {
        let p = format!("{path}[{i}]");
        let a = e.as_array().filter(|_| is_line_entry(e)).ok_or_else(|| {
            structure(
                format,
                &p,
                "expected [box, [text, score]] or [box, text, score]",
            )
        })?;
        let b = bbox(&a[0], format, &format!("{p}[0]"))?;
        let (text, conf) = match &a[1] {
            Value::String(t) => (t.as_str(), score(a.get(2))),
            Value::Array(ts) => (ts[0].as_str().unwrap_or(""), score(ts.get(1))),
            _ => ("", None),
        };
        out.push(line(text, b, conf));
    }
    Ok(out)
}

/// The `{"rec_texts", "rec_scores", "rec_polys"|"rec_boxes"}` object of PaddleOCR 3.x, or
/// RapidOCR's `{"boxes", "txts", "scores"}`.
fn parallel(
    obj: &serde_json::Map<String, Value>,
    format: Format,
    path: &str,
    keys: [&str; 3],
) -> Result<Vec<Line>, FormatError> {
    let [tk, sk, bk] = keys;
    let texts = obj
        .get(tk)
        .and_then(Value::as_array)
        .ok_or_else(|| structure(format, path, format!("no `{tk}` array")))?;
    let boxes = obj
        .get(bk)
        .or_else(|| obj.get("rec_boxes"))
        .or_else(|| obj.get("dt_polys"))
        .and_then(Value::as_array)
        .ok_or_else(|| structure(format, path, format!("no `{bk}` array")))?;
    if boxes.len() != texts.len() {
        return Err(structure(
            format,
            path,
            format!("{} texts but {} boxes", texts.len(), boxes.len()),
        ));
    }
    let scores = obj.get(sk).and_then(Value::as_array);
    let mut out = Vec::new();
    for (i, (t, b)) in texts.iter().zip(boxes).enumerate() {
        let text = t
            .as_str()
            .ok_or_else(|| structure(format, &format!("{path}.{tk}[{i}]"), "not a string"))?;
        let b = bbox(b, format, &format!("{path}.{bk}[{i}]"))?;
        out.push(line(text, b, score(scores.and_then(|s| s.get(i)))));
    }
    Ok(out)
}

pub(crate) fn read_paddle(input: &str) -> Result<Document, FormatError> {
    let f = Format::PaddleOcrJson;
    let v = parse(input, f)?;
    let mut pages = Vec::new();
    let one_page = |v: &Value, path: &str| -> Result<Page, FormatError> {
        match v {
            Value::Null => Ok(Page::default()),
            Value::Object(o) => {
                let (o, path) = match o.get("res").and_then(Value::as_object) {
                    Some(res) => (res, format!("{path}.res")),
                    None => (o, path.to_string()),
                };
                Ok(page_of(parallel(
                    o,
                    f,
                    &path,
                    ["rec_texts", "rec_scores", "rec_polys"],
                )?))
            }
            Value::Array(a) => Ok(page_of(entries(a, f, path)?)),
            _ => Err(structure(
                f,
                path,
                "expected a list of lines or an object with `res`",
            )),
        }
    };
    match &v {
        Value::Array(a) if a.first().is_some_and(is_line_entry) || a.is_empty() => {
            pages.push(one_page(&v, "$")?);
        }
        Value::Array(a) => {
            for (i, p) in a.iter().enumerate() {
                pages.push(one_page(p, &format!("$[{i}]"))?);
            }
        }
        other => pages.push(one_page(other, "$")?),
    }
    Ok(Document {
        pages,
        ordered: false,
        segmented: false,
    })
}

pub(crate) fn read_rapid(input: &str) -> Result<Document, FormatError> {
    let f = Format::RapidOcrJson;
    let v = parse(input, f)?;
    let lines = match &v {
        Value::Object(o) if o.contains_key("lines") => {
            let arr = o
                .get("lines")
                .and_then(Value::as_array)
                .ok_or_else(|| structure(f, "$.lines", "not a list"))?;
            let mut out = Vec::new();
            for (i, l) in arr.iter().enumerate() {
                let p = format!("$.lines[{i}]");
                let o = l
                    .as_object()
                    .ok_or_else(|| structure(f, &p, "not an object"))?;
                let b = bbox(
                    o.get("box").ok_or_else(|| structure(f, &p, "no `box`"))?,
                    f,
                    &format!("{p}.box"),
                )?;
                let text = o
                    .get("text")
                    .or_else(|| o.get("txt"))
                    .and_then(Value::as_str)
                    .ok_or_else(|| structure(f, &p, "no `text` string"))?;
                out.push(line(text, b, score(o.get("score"))));
            }
            out
        }
        Value::Object(o) => parallel(o, f, "$", ["txts", "scores", "boxes"])?,
        Value::Array(a) => entries(a, f, "$")?,
        Value::Null => Vec::new(),
        _ => {
            return Err(structure(
                f,
                "$",
                "expected an object with `lines` or a list of [box, text, score]",
            ))
        }
    };
    Ok(Document {
        pages: vec![page_of(lines)],
        ordered: false,
        segmented: false,
    })
}
