//! `auto`: tells the format from the content.

use crate::error::ErrorKind;
use crate::{Format, FormatError};

/// Detects the format of `input` from its content. Anything that does not look like XML, JSON
/// or Tesseract TSV is plain text; XML or JSON of an unknown kind is an error.
pub fn detect(input: &str) -> Result<Format, FormatError> {
    let s = input.trim_start_matches('\u{feff}').trim_start();
    let head: String = s.chars().take(4096).collect();
    if s.starts_with('<') {
        let lower = head.to_ascii_lowercase();
        if lower.contains("ocr_page") || lower.contains("ocr_line") || lower.contains("ocrx_word") {
            return Ok(Format::Hocr);
        }
        if lower.contains("<alto") || lower.contains(":alto") {
            return Ok(Format::Alto);
        }
        if lower.contains("pcgts") {
            return Ok(Format::Page);
        }
        if lower.contains("<html") || lower.contains("<!doctype html") {
            // hOCR whose first page element is far from the start.
            if s.contains("ocr_page") {
                return Ok(Format::Hocr);
            }
        }
        return Err(FormatError::new(
            Format::Auto,
            ErrorKind::Unrecognized(
                "XML that is neither hOCR, ALTO nor PAGE; give --input-format".into(),
            ),
        ));
    }
    if s.starts_with('{') || s.starts_with('[') {
        let json: serde_json::Value = match serde_json::from_str(s) {
            Ok(v) => v,
            // Brackets at the start of plain text.
            Err(_) => return Ok(Format::Text),
        };
        return json_kind(&json).ok_or_else(|| {
            FormatError::new(
                Format::Auto,
                ErrorKind::Unrecognized(
                    "JSON that is neither PaddleOCR nor RapidOCR output; give --input-format"
                        .into(),
                ),
            )
        });
    }
    let first = s.lines().next().unwrap_or("");
    if first.starts_with("level\tpage_num") {
        return Ok(Format::TesseractTsv);
    }
    let looks_tsv = s.lines().take(5).filter(|l| !l.trim().is_empty()).all(|l| {
        let f: Vec<&str> = l.split('\t').collect();
        (11..=12).contains(&f.len()) && f[..10].iter().all(|x| x.trim().parse::<i64>().is_ok())
    });
    if looks_tsv && !s.trim().is_empty() {
        return Ok(Format::TesseractTsv);
    }
    Ok(Format::Text)
}

fn json_kind(v: &serde_json::Value) -> Option<Format> {
    use serde_json::Value;
    match v {
        Value::Object(o) => {
            if o.contains_key("res") || o.contains_key("rec_texts") {
                Some(Format::PaddleOcrJson)
            } else if o.contains_key("lines") || o.contains_key("txts") {
                Some(Format::RapidOcrJson)
            } else {
                None
            }
        }
        Value::Array(a) => {
            let first = a.iter().find(|x| !x.is_null())?;
            match first {
                Value::Object(_) => json_kind(first),
                Value::Array(e) => match e.get(1) {
                    // [box, text, score]
                    Some(Value::String(_)) => Some(Format::RapidOcrJson),
                    // [box, [text, score]]
                    Some(Value::Array(t)) if t.first().is_some_and(Value::is_string) => {
                        Some(Format::PaddleOcrJson)
                    }
                    // A page: a list of lines.
                    _ => match e.first() {
                        Some(inner @ Value::Array(_)) => {
                            json_kind(&Value::Array(vec![inner.clone()]))
                        }
                        _ => None,
                    },
                },
                _ => None,
            }
        }
        _ => None,
    }
}
