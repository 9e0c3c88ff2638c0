//! Dumps, for every record of an OCR corpus (JSON Lines with `id`, `engine`, `ocr`), the text
//! that `line-join` receives (the default pipeline's passes before it) and every line break of
//! it as the pass decides it, with the features a fitted scorer would read: the input of
//! `scripts/fit_line_breaks.py`.
//!
//! `cargo run --release --example line_join_dump -- CORPUS.jsonl > breaks.jsonl`

use std::io::{BufRead, Write};

use ocrtidy::{PassId, Pipeline};
use serde_json::{json, Value};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: line_join_dump CORPUS.jsonl")?;
    let before: Vec<PassId> = Pipeline::default()
        .passes()
        .into_iter()
        .take_while(|&p| p != PassId::LineJoin)
        .collect();
    let pipeline = Pipeline::builder().only(before).build()?;
    let out = std::io::stdout();
    let mut out = out.lock();
    writeln!(
        out,
        "{}",
        json!({ "features": ocrtidy_layout::FEATURE_NAMES.to_vec() })
    )?;
    for line in std::io::BufReader::new(std::fs::File::open(path)?).lines() {
        let rec: Value = serde_json::from_str(&line?)?;
        let raw = rec["ocr"].as_str().unwrap_or_default();
        let text = pipeline.clean(raw).text;
        // Byte offsets to char offsets (the fitting script works in Python strings).
        let mut char_at = vec![0usize; text.len() + 1];
        let mut n = 0;
        for (i, c) in text.char_indices() {
            for b in 0..c.len_utf8() {
                char_at[i + b] = n;
            }
            n += 1;
        }
        char_at[text.len()] = n;
        let breaks: Vec<Value> = ocrtidy_layout::trace_line_breaks(&text)
            .into_iter()
            .map(|t| {
                json!({
                    "s": char_at[t.start], "e": char_at[t.end],
                    "f": t.features.map(|f| f.to_vec()),
                    "rules": t.rules, "guard": t.guard, "keep": t.keep,
                })
            })
            .collect();
        let rec_out = json!({
            "id": rec["id"], "engine": rec["engine"], "doc_id": rec["doc_id"],
            "lang": rec["lang"], "level": rec["degradation"]["level"],
            "layout": rec["layout"]["type"], "text": text, "breaks": breaks,
        });
        writeln!(out, "{rec_out}")?;
    }
    Ok(())
}
