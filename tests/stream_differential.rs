//! Differential tests: cleaning records one by one, streaming them, and streaming them in
//! parallel with various batch sizes give byte-identical output; so do grouped pages streamed
//! and cleaned with `Pipeline::clean_pages`.

use ocrtidy::stream::{clean_jsonl, JsonlOptions};
use ocrtidy::Pipeline;
use proptest::prelude::*;

fn stream(pipeline: &Pipeline, input: &[u8], options: &JsonlOptions) -> Vec<u8> {
    let mut out = Vec::new();
    clean_jsonl(pipeline, input, &mut out, options, |_| Ok(())).unwrap();
    out
}

fn configs() -> Vec<JsonlOptions> {
    let mut all = Vec::new();
    for (threads, batch_lines, batch_bytes) in [
        (Some(1), 1, 1 << 20),
        (Some(2), 3, 1 << 20),
        (Some(2), 1000, 64),
        (None, 4096, 4 << 20),
    ] {
        let mut o = JsonlOptions::default();
        o.threads = threads;
        o.batch_lines = batch_lines;
        o.batch_bytes = batch_bytes;
        all.push(o);
    }
    all
}

#[derive(Clone, Debug)]
enum Line {
    Record { doc: u8, text: String },
    Bad(String),
    Blank,
}

fn text_strategy() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("中文".to_string()),
        Just("OCR text".to_string()),
        Just("  ".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\u{c}".to_string()),
        Just("。".to_string()),
        Just("\u{3000}".to_string()),
        Just("-\n".to_string()),
        "\\PC{0,4}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..10).prop_map(|v| v.concat())
}

fn line_strategy() -> impl Strategy<Value = Line> {
    prop_oneof![
        6 => (0u8..3, text_strategy()).prop_map(|(doc, text)| Line::Record { doc, text }),
        1 => "[^\n]{0,10}".prop_map(Line::Bad),
        1 => Just(Line::Blank),
    ]
}

fn render(lines: &[Line], crlf: bool) -> Vec<(String, Option<(u8, String)>)> {
    let end = if crlf { "\r\n" } else { "\n" };
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| match l {
            Line::Record { doc, text } => (
                format!(
                    "{{\"id\":{i},\"doc\":{doc},\"text\":{},\"n\":1e999}}{end}",
                    serde_json::to_string(text).unwrap()
                ),
                Some((*doc, text.clone())),
            ),
            Line::Bad(s) => (format!("{s}{end}"), None),
            Line::Blank => (end.to_string(), None),
        })
        .collect()
}

fn with_text(_line: &str, i: usize, doc: u8, text: &str, crlf: bool) -> String {
    let end = if crlf { "\r\n" } else { "\n" };
    format!(
        "{{\"id\":{i},\"doc\":{doc},\"text\":{},\"n\":1e999}}{end}",
        serde_json::to_string(text).unwrap()
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn streaming_and_parallel_equal_single_documents(lines in prop::collection::vec(line_strategy(), 0..20), crlf: bool) {
        let pipeline = Pipeline::default();
        let rendered = render(&lines, crlf);
        let input: String = rendered.iter().map(|(l, _)| l.as_str()).collect();
        // Single-document mode: each record cleaned alone and written back.
        let mut expected = String::new();
        for (i, (line, rec)) in rendered.iter().enumerate() {
            match rec {
                Some((doc, text)) => {
                    let cleaned = pipeline.clean(text);
                    if cleaned.text == *text {
                        expected.push_str(line);
                    } else {
                        expected.push_str(&with_text(line, i, *doc, &cleaned.text, crlf));
                    }
                }
                None => expected.push_str(line),
            }
        }
        for options in configs() {
            let out = stream(&pipeline, input.as_bytes(), &options);
            prop_assert_eq!(String::from_utf8(out).unwrap(), expected.clone(), "{:?}", options);
        }
    }

    #[test]
    fn grouped_streaming_equals_clean_pages(lines in prop::collection::vec(line_strategy(), 0..20)) {
        let pipeline = Pipeline::default();
        let rendered = render(&lines, false);
        let input: String = rendered.iter().map(|(l, _)| l.as_str()).collect();
        // Runs of consecutive records of the same doc, cleaned with clean_pages.
        let mut expected: Vec<String> = rendered.iter().map(|(l, _)| l.clone()).collect();
        let mut i = 0;
        while i < rendered.len() {
            let Some((doc, _)) = &rendered[i].1 else { i += 1; continue };
            let mut j = i + 1;
            while j < rendered.len() && rendered[j].1.as_ref().is_some_and(|(d, _)| d == doc) {
                j += 1;
            }
            let pages: Vec<&str> = (i..j).map(|k| rendered[k].1.as_ref().unwrap().1.as_str()).collect();
            for (k, c) in (i..j).zip(pipeline.clean_pages(&pages)) {
                if c.text != pages[k - i] {
                    expected[k] = with_text(&rendered[k].0, k, *doc, &c.text, false);
                }
            }
            i = j;
        }
        let expected: String = expected.concat();
        // Without a ledger to keep, the pages' texts are cleaned alone
        // (`Pipeline::clean_pages_text`); with one, through the ledger: the same outputs.
        for keep_changes in [false, true] {
            for mut options in configs() {
                options.group_by = vec!["doc".to_string()];
                options.keep_changes = keep_changes;
                let out = stream(&pipeline, input.as_bytes(), &options);
                prop_assert_eq!(String::from_utf8(out).unwrap(), expected.clone(), "{:?}", options);
            }
        }
    }
}
