//! JSON Lines records that carry the OCR engine's own output (hOCR, RapidOCR JSON) in a layout
//! field, inline or as a file path: the text field is rewritten with the cleaned text of the
//! laid-out layout; an unusable layout falls back to the text field and is reported.
//!
//! Fixtures: `tests/data/layout/` (two hOCR pages of one document, and page 1 as RapidOCR
//! JSON): page 1 has two paragraphs of printed lines, page 2 continues the second one.

use std::path::{Path, PathBuf};
use std::process::Command;

use ocrtidy::stream::{clean_jsonl, JsonlOptions, LineError, LineReport, LineStatus};
use ocrtidy::stream::{LayoutErrorKind, StreamSummary};
use ocrtidy::{Context, Pipeline};
use proptest::prelude::*;

/// Page 1 as the OCR engine's plain text: one printed line per line, no paragraph evidence.
const PAGE1_TEXT: &str = "第一段使用命令安装软件包，内容比较长\n这是第一段的第二行，还有一些说明文字\n第一段结束。\n第二段从这里开始，它也很长很长的内容\n到此为止，下页继续";
/// Page 1 cleaned from its plain text: without geometry the wraps are not joined.
const PAGE1_FROM_TEXT: &str = PAGE1_TEXT;
/// Page 1 cleaned from its layout: the geometry tells wraps from paragraph breaks.
const PAGE1_FROM_LAYOUT: &str = "第一段使用命令安装软件包，内容比较长这是第一段的第二行，还有一些说明文字第一段结束。\n第二段从这里开始，它也很长很长的内容到此为止，下页继续";
const PAGE2_TEXT: &str = "接着上一页的第二段继续写下去，内容还很多\n第二段完。";
const PAGE2_FROM_LAYOUT: &str = "接着上一页的第二段继续写下去，内容还很多第二段完。";

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/layout")
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(data().join(name)).unwrap()
}

/// A JSON string literal.
fn js(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

fn options(fields: &[&str]) -> JsonlOptions {
    let mut o = JsonlOptions::default();
    o.layout_fields = fields.iter().map(|f| f.to_string()).collect();
    o.layout_root = Some(data());
    o
}

fn run(input: &str, options: &JsonlOptions) -> (String, Vec<LineReport>, StreamSummary) {
    let mut out = Vec::new();
    let mut reports = Vec::new();
    let summary = clean_jsonl(
        &Pipeline::default(),
        input.as_bytes(),
        &mut out,
        options,
        |r| {
            reports.push(r.clone());
            Ok(())
        },
    )
    .unwrap();
    assert_eq!(summary.lines, reports.len() as u64);
    (String::from_utf8(out).unwrap(), reports, summary)
}

/// The text field of every output line.
fn texts(out: &str) -> Vec<String> {
    out.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["text"].as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn each_kind_of_layout_value_is_laid_out_and_cleaned() {
    let hocr = fixture("page1.hocr");
    let rapid = fixture("page1.rapidocr.json");
    let t = js(PAGE1_TEXT);
    let lines = [
        // Inline hOCR in a string.
        format!("{{\"id\":1,\"text\":{t},\"hocr\":{}}}", js(&hocr)),
        // Inline RapidOCR JSON as a JSON value.
        format!("{{\"id\":2,\"text\":{t},\"boxes\":{}}}", rapid.trim()),
        // Inline RapidOCR JSON in a string, after whitespace.
        format!(
            "{{\"id\":3,\"text\":{t},\"boxes\":{}}}",
            js(&format!("\n {rapid}"))
        ),
        // A path relative to the layout root.
        format!("{{\"id\":4,\"text\":{t},\"hocr\":\"page1.hocr\"}}"),
        format!("{{\"id\":5,\"text\":{t},\"boxes\":\"page1.rapidocr.json\"}}"),
        // An absolute path.
        format!(
            "{{\"id\":6,\"text\":{t},\"hocr\":{}}}",
            js(data().join("page1.hocr").to_str().unwrap())
        ),
        // No layout (missing, null, empty): cleaned from the text field, silently.
        format!("{{\"id\":7,\"text\":{t}}}"),
        format!("{{\"id\":8,\"text\":{t},\"hocr\":null,\"boxes\":\"\"}}"),
    ];
    let input = lines.join("\n") + "\n";
    let (out, reports, summary) = run(&input, &options(&["hocr", "boxes"]));
    let mut want = vec![PAGE1_FROM_LAYOUT; 6];
    want.extend([PAGE1_FROM_TEXT; 2]);
    assert_eq!(texts(&out), want);
    for (i, r) in reports.iter().enumerate() {
        assert_eq!(r.line, i as u64 + 1);
        assert_eq!(r.from_layout, i < 6, "line {}", r.line);
        assert_eq!(r.warning, None, "line {}", r.line);
        assert_eq!(r.error, None, "line {}", r.line);
    }
    assert_eq!(summary.records, 8);
    assert_eq!(summary.from_layout, 6);
    assert_eq!((summary.layout_fallbacks, summary.errors), (0, 0));
}

#[test]
fn the_first_layout_field_present_wins() {
    let t = js(PAGE1_TEXT);
    // `hocr` names page 2, `boxes` page 1.
    let line =
        format!("{{\"text\":{t},\"boxes\":\"page1.rapidocr.json\",\"hocr\":\"page2.hocr\"}}\n");
    let (out, _, _) = run(&line, &options(&["hocr", "boxes"]));
    assert_eq!(texts(&out), [PAGE2_FROM_LAYOUT]);
    let (out, _, _) = run(&line, &options(&["boxes", "hocr"]));
    assert_eq!(texts(&out), [PAGE1_FROM_LAYOUT]);
    // Without layout fields, the layout is an ordinary field.
    let (out, _, _) = run(&line, &JsonlOptions::default());
    assert_eq!(texts(&out), [PAGE1_FROM_TEXT]);
}

#[test]
fn an_unusable_layout_falls_back_to_the_text_field_and_is_reported() {
    let t = js(PAGE1_TEXT);
    let truncated: String = fixture("page1.hocr").chars().take(600).collect();
    // (record, field named in the warning, expected part of the message)
    let cases = [
        (
            format!("{{\"id\":\"a\",\"text\":{t},\"hocr\":\"missing.hocr\"}}"),
            "hocr",
            "missing.hocr): cannot read",
        ),
        (
            format!("{{\"id\":\"b\",\"text\":{t},\"hocr\":{}}}", js(&truncated)),
            "hocr",
            "not valid hocr",
        ),
        (
            format!("{{\"id\":\"c\",\"text\":{t},\"hocr\":\"<html><body><p>no page</p></body></html>\"}}"),
            "hocr",
            "neither hOCR",
        ),
        (
            format!("{{\"id\":\"d\",\"text\":{t},\"boxes\":{{\"lines\":[{{\"box\":1}}]}}}}"),
            "boxes",
            "not valid rapidocr-json",
        ),
        (
            format!("{{\"id\":\"e\",\"text\":{t},\"boxes\":\"[not json\"}}"),
            "boxes",
            "not OCR engine output",
        ),
        (
            format!("{{\"id\":\"f\",\"text\":{t},\"hocr\":17,\"boxes\":\"page1.rapidocr.json\"}}"),
            "hocr",
            "is a number",
        ),
    ];
    let input: String = cases.iter().map(|c| c.0.clone() + "\n").collect();
    let (out, reports, summary) = run(&input, &options(&["hocr", "boxes"]));
    assert_eq!(texts(&out), vec![PAGE1_FROM_TEXT; cases.len()]);
    for (r, (_, field, want)) in reports.iter().zip(&cases) {
        assert_eq!(r.status, LineStatus::Unchanged, "line {}", r.line);
        assert!(!r.from_layout);
        assert_eq!(r.error, None);
        let Some(LineError::Layout(e)) = &r.warning else {
            panic!("line {}: no layout warning: {:?}", r.line, r.warning);
        };
        assert_eq!(e.field, *field, "line {}", r.line);
        let msg = r.warning.as_ref().unwrap().to_string();
        assert!(msg.contains(want), "line {}: {msg}", r.line);
        assert!(msg.starts_with(&format!("layout field `{field}`")), "{msg}");
        assert!(msg.ends_with("cleaned from the text field"), "{msg}");
    }
    let Some(LineError::Layout(e)) = &reports[0].warning else {
        unreachable!()
    };
    assert_eq!(
        e.path.as_deref(),
        Some(data().join("missing.hocr").as_path())
    );
    assert!(matches!(e.kind, LayoutErrorKind::Unreadable(_)));
    // A fallback is a cleaned record, not an error.
    assert_eq!(summary.records, cases.len() as u64);
    assert_eq!(summary.layout_fallbacks, cases.len() as u64);
    assert_eq!((summary.errors, summary.from_layout), (0, 0));
}

#[test]
fn a_layout_file_over_the_size_limit_is_not_read() {
    let line = format!("{{\"text\":{},\"hocr\":\"page1.hocr\"}}\n", js(PAGE1_TEXT));
    let mut o = options(&["hocr"]);
    o.max_line_bytes = 4000; // page1.hocr has 4578 bytes
    let (out, reports, summary) = run(&line, &o);
    assert_eq!(texts(&out), [PAGE1_FROM_TEXT]);
    let msg = reports[0].warning.as_ref().unwrap().to_string();
    assert!(
        msg.contains("file of 4578 bytes is over the limit of 4000 bytes"),
        "{msg}"
    );
    assert_eq!(summary.layout_fallbacks, 1);
}

#[test]
fn a_layout_does_not_rescue_a_record_without_a_text_field() {
    let line = "{\"id\":1,\"hocr\":\"page1.hocr\"}\n";
    let (out, reports, summary) = run(line, &options(&["hocr"]));
    assert_eq!(out, line);
    assert_eq!(reports[0].status, LineStatus::Error);
    assert_eq!(summary.errors, 1);
}

#[test]
fn only_the_text_value_changes_and_lines_stay_in_order() {
    let hocr = js(&fixture("page1.hocr"));
    let t = js(PAGE1_TEXT);
    // (before the text value, after it): odd spacing, key order, huge numbers, escapes,
    // the layout before or after the text, CRLF.
    let frames: Vec<(String, String)> = vec![
        (
            format!("{{ \"hocr\" :{hocr},\"n\":1e400, \"text\" : "),
            " ,\"z\":[{\"text\":\"x  \"}]}\n".to_string(),
        ),
        (
            "{\"text\":".to_string(),
            ",\"hocr\":\"page1.hocr\",\"k\":\"\\u4e2d\"}\r\n".to_string(),
        ),
        (
            "{\"text\":".to_string(),
            ",\"hocr\":\"nope.hocr\"}\n".to_string(),
        ),
        (
            "{\"text\":".to_string(),
            ",\"boxes\":\"page1.rapidocr.json\"}".to_string(),
        ),
    ];
    let mut input = String::new();
    for (i, (a, b)) in frames.iter().enumerate() {
        input.push_str(&format!("{a}{t}{b}"));
        if i == 1 {
            // Bad and blank lines in between pass through.
            input.push_str("not json\n\n");
        }
    }
    let (out, reports, _) = run(&input, &options(&["hocr", "boxes"]));
    let got: Vec<&str> = out.split_inclusive('\n').collect();
    assert_eq!(got.len(), 6);
    let records = [got[0], got[1], got[4], got[5]];
    let want = [
        PAGE1_FROM_LAYOUT,
        PAGE1_FROM_LAYOUT,
        PAGE1_FROM_TEXT,
        PAGE1_FROM_LAYOUT,
    ];
    for ((line, (a, b)), text) in records.iter().zip(&frames).zip(want) {
        assert_eq!(*line, format!("{a}{}{b}", js(text)));
    }
    assert_eq!(got[2], "not json\n");
    assert_eq!(got[3], "\n");
    let lines: Vec<u64> = reports.iter().map(|r| r.line).collect();
    assert_eq!(lines, [1, 2, 3, 4, 5, 6]);
    let statuses: Vec<LineStatus> = reports.iter().map(|r| r.status).collect();
    use LineStatus::*;
    assert_eq!(
        statuses,
        [Changed, Changed, Error, Blank, Unchanged, Changed]
    );
}

#[test]
fn pages_with_layouts_are_cleaned_together() {
    let line = |page: u32, text: &str, hocr: &str| {
        format!(
            "{{\"doc\":\"d1\",\"page\":{page},\"text\":{},\"hocr\":{}}}\n",
            js(text),
            js(hocr)
        )
    };
    let input = line(1, PAGE1_TEXT, "page1.hocr")
        + &line(2, PAGE2_TEXT, "page2.hocr")
        + &line(3, PAGE2_TEXT, "gone.hocr")
        + "{\"doc\":\"d2\",\"text\":\"另一份文件  \"}\n";
    let mut o = options(&["hocr"]);
    o.group_by = vec!["doc".into()];
    o.keep_changes = true;
    let (out, reports, summary) = run(&input, &o);

    // The same as cleaning the laid-out pages (page 3: its text) together.
    let pipeline = Pipeline::default();
    let convert = |name: &str| {
        let reader = ocrtidy::stream::layout::LayoutReader {
            format: ocrtidy_formats::Format::Auto,
            furniture: ocrtidy_formats::Furniture::Drop,
            root: None,
            max_bytes: usize::MAX,
        };
        reader.convert(&fixture(name)).unwrap()
    };
    let (p1, p2) = (convert("page1.hocr"), convert("page2.hocr"));
    let (c1, c2) = (
        ocrtidy::stream::layout::layout_context(&p1),
        ocrtidy::stream::layout::layout_context(&p2),
    );
    let empty = Context::default();
    let together = pipeline.clean_pages_with(&[
        (p1.text.as_str(), &c1),
        (p2.text.as_str(), &c2),
        (PAGE2_TEXT, &empty),
    ]);
    let mut want: Vec<String> = together.iter().map(|c| c.text.clone()).collect();
    want.push("另一份文件".to_string());
    assert_eq!(texts(&out), want);
    assert_eq!(want[..2], [PAGE1_FROM_LAYOUT, PAGE2_FROM_LAYOUT]);
    // Each page's ledger is in the offsets of the text it was cleaned from.
    for (r, (c, source)) in
        reports.iter().zip(
            together
                .iter()
                .zip([p1.text.as_str(), &p2.text, PAGE2_TEXT]),
        )
    {
        assert_eq!(r.changes, c.changes);
        assert_eq!(
            ocrtidy::replay(source, &r.changes).as_deref(),
            Some(c.text.as_str())
        );
    }
    let from: Vec<bool> = reports.iter().map(|r| r.from_layout).collect();
    assert_eq!(from, [true, true, false, false]);
    assert!(matches!(reports[2].warning, Some(LineError::Layout(_))));
    assert_eq!(
        (
            summary.records,
            summary.from_layout,
            summary.layout_fallbacks
        ),
        (4, 2, 1)
    );
}

#[test]
fn pages_without_evidence_clean_as_before() {
    let pipeline = Pipeline::default();
    let pages = ["第一页  \n\n正文", "第二页\n正文  ", ""];
    let empty = Context::default();
    let with: Vec<(&str, &Context)> = pages.iter().map(|p| (*p, &empty)).collect();
    let a = pipeline.clean_pages(&pages);
    let b = pipeline.clean_pages_with(&with);
    assert_eq!(a.len(), b.len());
    for (a, b) in a.iter().zip(&b) {
        assert_eq!((&a.text, &a.changes), (&b.text, &b.changes));
    }
}

#[test]
fn one_and_two_threads_give_the_same_output() {
    let t1 = js(PAGE1_TEXT);
    let t2 = js(PAGE2_TEXT);
    let mut input = String::new();
    for i in 0..40 {
        let line = match i % 5 {
            0 => format!(
                "{{\"i\":{i},\"doc\":{},\"text\":{t1},\"hocr\":\"page1.hocr\"}}\n",
                i / 2
            ),
            1 => format!(
                "{{\"i\":{i},\"doc\":{},\"text\":{t2},\"hocr\":\"page2.hocr\"}}\n",
                i / 2
            ),
            2 => format!(
                "{{\"i\":{i},\"doc\":{},\"text\":{t1},\"boxes\":\"page1.rapidocr.json\"}}\n",
                i / 2
            ),
            3 => format!(
                "{{\"i\":{i},\"doc\":{},\"text\":{t1},\"hocr\":\"missing.hocr\"}}\n",
                i / 2
            ),
            _ => format!("{{\"i\":{i},\"doc\":{},\"text\":{t2}}}\n", i / 2),
        };
        input.push_str(&line);
    }
    for group in [false, true] {
        let mut runs = Vec::new();
        for threads in [1, 2] {
            let mut o = options(&["hocr", "boxes"]);
            o.threads = Some(threads);
            o.batch_lines = 7;
            if group {
                o.group_by = vec!["doc".into()];
            }
            let (out, reports, summary) = run(&input, &o);
            let warnings: Vec<Option<String>> = reports
                .iter()
                .map(|r| r.warning.as_ref().map(ToString::to_string))
                .collect();
            runs.push((out, warnings, summary));
        }
        assert_eq!(runs[0], runs[1], "group_by: {group}");
        assert_eq!(runs[0].2.from_layout, 24);
        assert_eq!(runs[0].2.layout_fallbacks, 8);
    }
}

#[test]
fn the_cli_resolves_layout_paths_next_to_the_input_and_reports_fallbacks() {
    let dir = std::env::temp_dir().join(format!("ocrtidy-jsonl-layout-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("hocr")).unwrap();
    std::fs::copy(data().join("page1.hocr"), dir.join("hocr/p1.hocr")).unwrap();
    let t = js(PAGE1_TEXT);
    let input = format!(
        "{{\"id\":1,\"ocr\":{t},\"hocr\":\"hocr/p1.hocr\"}}\n{{\"id\":2,\"ocr\":{t},\"hocr\":\"hocr/p2.hocr\"}}\n"
    );
    std::fs::write(dir.join("in.jsonl"), &input).unwrap();
    let bin = env!("CARGO_BIN_EXE_ocrtidy");
    let errors = dir.join("errors.jsonl");
    let out = Command::new(bin)
        .args([
            "clean",
            "--jsonl",
            "--field",
            "ocr",
            "--layout-field",
            "hocr,boxes",
        ])
        .arg(dir.join("in.jsonl"))
        .arg("--errors")
        .arg(&errors)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(got[0]["ocr"], PAGE1_FROM_LAYOUT);
    assert_eq!(got[1]["ocr"], PAGE1_FROM_TEXT);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("in.jsonl:2: layout field `hocr`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 record(s) cleaned from the text field"),
        "{stderr}"
    );
    let rec: serde_json::Value =
        serde_json::from_str(std::fs::read_to_string(&errors).unwrap().trim()).unwrap();
    assert_eq!(
        (rec["line"].as_u64(), rec["id"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(rec["fallback"], true);
    assert!(rec["reason"].as_str().unwrap().contains("p2.hocr"));

    // --layout-root elsewhere: nothing found there, both records fall back.
    let out = Command::new(bin)
        .args([
            "clean",
            "--jsonl",
            "-q",
            "--field",
            "ocr",
            "--layout-field",
            "hocr",
        ])
        .arg("--layout-root")
        .arg(dir.join("hocr"))
        .arg(dir.join("in.jsonl"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 2);
    assert!(!stdout.contains(&js(PAGE1_FROM_LAYOUT)));

    // --input-format in JSON Lines mode is the layout's format: it needs --layout-field.
    let out = Command::new(bin)
        .args(["clean", "--jsonl", "--input-format", "hocr"])
        .arg(dir.join("in.jsonl"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--layout-field"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_layout_page_after_a_text_page_in_one_group() {
    // (How the pages' evidence is moved into the joined text is unit-tested in
    // `stream::pages`: here the blank lines of the laid-out text decide as well.)
    let input = format!(
        "{{\"doc\":1,\"text\":{}}}\n{{\"doc\":1,\"text\":{},\"hocr\":\"page1.hocr\"}}\n",
        js(PAGE1_TEXT),
        js(PAGE1_TEXT)
    );
    let mut o = options(&["hocr"]);
    o.group_by = vec!["doc".into()];
    let (out, reports, _) = run(&input, &o);
    assert_eq!(texts(&out), [PAGE1_FROM_TEXT, PAGE1_FROM_LAYOUT]);
    assert!(reports[1].from_layout);
}

fn page_strategy() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("中文".to_string()),
        Just("text".to_string()),
        Just(" ".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("\u{c}".to_string()),
        Just("。".to_string()),
        "\\PC{0,3}",
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Pages with evidence of their own (confidences on arbitrary ranges, hints on some of
    /// their `\n`s): no panic, and every page's ledger replays on the page to its output.
    #[test]
    fn pages_with_evidence_split_back(
        pages in prop::collection::vec((page_strategy(), any::<u64>()), 0..5)
    ) {
        let contexts: Vec<Context> = pages
            .iter()
            .map(|(p, seed)| {
                let breaks = p.match_indices('\n').enumerate().filter_map(|(i, (at, _))| {
                    let hint = match (seed >> (2 * (i % 32))) & 3 {
                        0 => Some(ocrtidy::LineBreakHint::Wrap),
                        1 => Some(ocrtidy::LineBreakHint::ParagraphBreak),
                        _ => None,
                    };
                    hint.map(|h| (at, h))
                });
                let bounds: Vec<usize> = (0..=p.len()).filter(|&i| p.is_char_boundary(i)).collect();
                let confidences = bounds
                    .windows(2)
                    .enumerate()
                    .filter(|(i, _)| seed >> (i % 64) & 1 == 1)
                    .map(|(i, w)| (w[0]..w[1], (i % 10) as f32 / 10.0));
                Context::with_confidences(confidences).with_line_breaks(breaks)
            })
            .collect();
        let with: Vec<(&str, &Context)> = pages
            .iter()
            .zip(&contexts)
            .map(|((p, _), c)| (p.as_str(), c))
            .collect();
        let cleaned = Pipeline::default().clean_pages_with(&with);
        prop_assert_eq!(cleaned.len(), pages.len());
        for ((page, _), c) in pages.iter().zip(&cleaned) {
            let replayed = ocrtidy::replay(page, &c.changes);
            prop_assert_eq!(replayed.as_deref(), Some(c.text.as_str()));
        }
    }
}
