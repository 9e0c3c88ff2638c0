//! Furniture found by the page geometry goes through the ledger: a running header and a page
//! number of an hOCR page stay in the laid-out text, marked, and the furniture pass removes
//! them as recorded `furniture` changes (`layout-header`, `layout-footer`); `--skip furniture`
//! keeps them, `--keep-furniture` keeps them without a record; replaying the changes on the
//! laid-out text gives the output, which is the text a layout that drops them gives.

use std::path::PathBuf;
use std::process::Command;

use ocrtidy::stream::layout::{layout_context, layout_options};
use ocrtidy::{PassId, Pipeline};
use ocrtidy_formats::{convert, Converted, Format, Furniture, Role};

/// An hOCR page: a header row (title left, date right), five body lines and a page number,
/// set apart from the body.
fn hocr() -> String {
    hocr_with("正文")
}

/// [`hocr`] with body lines that start with `body` (pages of one document differ).
fn hocr_with(body_start: &str) -> String {
    let mut lines = vec![
        (40, 40, 140, "晨光学报"),
        (320, 40, 440, "2024年1月1日"),
        (80, 100, 440, "正文的第一行从这里开始"),
        (40, 130, 440, "正文的第二行一直写到右边"),
        (40, 160, 440, "正文的第三行一直写到右边"),
        (40, 190, 440, "正文的第四行一直写到右边"),
        (40, 220, 200, "正文结束。"),
        (200, 400, 280, "— Vl —"),
    ];
    let mut body = String::new();
    for (i, (x0, y0, x1, text)) in lines.drain(..).enumerate() {
        let text = if body_start == "正文" || !text.starts_with("正文") {
            text.to_string()
        } else {
            // Other lines altogether: lines that recur on both pages are furniture too.
            format!("{body_start}{}", &text.chars().count().to_string())
                + &"字".repeat(text.chars().count().saturating_sub(3) * (i % 3 + 1) / 2)
        };
        let b = format!("{x0} {y0} {x1} {}", y0 + 20);
        body.push_str(&format!(
            "<span class='ocr_line' id='line_{i}' title='bbox {b}'>\
             <span class='ocrx_word' id='word_{i}' title='bbox {b}; x_wconf 95'>{text}</span>\
             </span>\n"
        ));
    }
    format!(
        "<html><body><div class='ocr_page' id='page_1' title='bbox 0 0 480 440'>\n\
         <div class='ocr_carea' id='block_1' title='bbox 40 40 440 420'>\n{body}</div></div>\
         </body></html>\n"
    )
}

fn laid_out(furniture: Furniture) -> Converted {
    convert(
        &hocr(),
        Format::Hocr,
        &layout_options(Format::Hocr, furniture),
    )
    .unwrap()
}

fn tmpdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ocrtidy-furn-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_pipeline_layout_marks_furniture_instead_of_dropping_it() {
    let marked = laid_out(Furniture::Drop);
    assert!(marked.dropped.is_empty());
    let lines: Vec<(&str, Role)> = marked
        .furniture
        .iter()
        .map(|(r, role)| (&marked.text[r.clone()], *role))
        .collect();
    assert_eq!(
        lines,
        [
            ("晨光学报", Role::Header),
            ("2024年1月1日", Role::Header),
            ("— Vl —", Role::Footer)
        ]
    );
    // `--keep-furniture`: kept, no marks.
    let kept = laid_out(Furniture::Keep);
    assert!(kept.furniture.is_empty() && kept.text.contains("— Vl —"));
    assert!(layout_context(&kept).furniture().is_empty());
    assert_eq!(layout_context(&marked).furniture().len(), 3);
}

#[test]
fn layout_furniture_is_removed_as_recorded_changes_and_replays() {
    let converted = laid_out(Furniture::Drop);
    let pipeline = Pipeline::builder().build().unwrap();
    let cleaned = pipeline.clean_with(&converted.text, &layout_context(&converted));
    for line in ["晨光学报", "2024年1月1日", "— Vl —"] {
        assert!(
            !cleaned.text.contains(line),
            "{line} left in {:?}",
            cleaned.text
        );
        let change = cleaned
            .changes
            .iter()
            .find(|c| c.applied && c.before.contains(line))
            .unwrap_or_else(|| panic!("no change removes {line}"));
        assert_eq!(change.pass, PassId::Furniture, "{line}");
        assert!(
            ["layout-header", "layout-footer"].contains(&change.rule),
            "{line}: {}",
            change.rule
        );
        assert!((change.confidence - 0.95).abs() < 1e-6);
    }
    let rules: Vec<&str> = cleaned.changes.iter().map(|c| c.rule).collect();
    assert!(rules.contains(&"layout-header") && rules.contains(&"layout-footer"));
    assert_eq!(
        ocrtidy::replay(&converted.text, &cleaned.changes).as_deref(),
        Some(cleaned.text.as_str())
    );
    // The output is what cleaning the layout without the furniture gives.
    let mut options = layout_options(Format::Hocr, Furniture::Drop);
    options.furniture = Furniture::Drop;
    let dropped = convert(&hocr(), Format::Hocr, &options).unwrap();
    assert_eq!(dropped.dropped.len(), 3);
    let before = pipeline.clean_with(&dropped.text, &layout_context(&dropped));
    assert_eq!(cleaned.text, before.text);
    // Cleaning again changes nothing.
    assert_eq!(pipeline.clean(&cleaned.text).text, cleaned.text);
}

#[test]
fn without_the_furniture_pass_the_lines_stay() {
    let converted = laid_out(Furniture::Drop);
    let pipeline = Pipeline::builder()
        .skip([PassId::Furniture])
        .build()
        .unwrap();
    let cleaned = pipeline.clean_with(&converted.text, &layout_context(&converted));
    for line in ["晨光学报", "2024年1月1日", "— Vl —"] {
        assert!(
            cleaned.text.contains(line),
            "{line} lost: {:?}",
            cleaned.text
        );
    }
    assert!(cleaned.changes.iter().all(|c| c.pass != PassId::Furniture));
}

#[test]
fn the_cli_records_layout_furniture_and_skip_furniture_keeps_it() {
    let dir = tmpdir("cli");
    let input = dir.join("page.hocr");
    std::fs::write(&input, hocr()).unwrap();
    let run = |extra: &[&str]| {
        let (out, changes) = (dir.join("out.txt"), dir.join("changes.jsonl"));
        let status = Command::new(env!("CARGO_BIN_EXE_ocrtidy"))
            .arg("clean")
            .arg(&input)
            .args(["--input-format", "hocr"])
            .arg("-o")
            .arg(&out)
            .arg("--changes")
            .arg(&changes)
            .args(extra)
            .output()
            .unwrap();
        assert!(status.status.success(), "{status:?}");
        let records: Vec<serde_json::Value> = std::fs::read_to_string(&changes)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        (std::fs::read_to_string(&out).unwrap(), records)
    };

    let (out, records) = run(&[]);
    assert!(
        !out.contains("— Vl —") && !out.contains("晨光学报"),
        "{out}"
    );
    let footer = records
        .iter()
        .find(|r| r["before"].as_str().is_some_and(|b| b.contains("— Vl —")))
        .expect("the page number is in --changes");
    assert_eq!(footer["pass"], "furniture");
    assert_eq!(footer["rule"], "layout-footer");
    // The elements under the change name the page number's word.
    let ids: Vec<&str> = footer["elements"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["source"]["id"].as_str())
        .collect();
    assert!(ids.contains(&"word_7"), "{footer}");
    let header = records
        .iter()
        .find(|r| r["before"].as_str().is_some_and(|b| b.contains("晨光学报")))
        .expect("the header is in --changes");
    assert_eq!(header["pass"], "furniture");
    assert_eq!(header["rule"], "layout-header");
    // Replaying the changes on the laid-out text gives the output.
    let text = laid_out(Furniture::Drop).text;
    let mut replayed = String::new();
    let mut at = 0;
    let mut applied: Vec<&serde_json::Value> =
        records.iter().filter(|r| r["applied"] == true).collect();
    applied.sort_by_key(|r| r["start"].as_u64());
    for r in applied {
        let (s, e) = (
            r["start"].as_u64().unwrap() as usize,
            r["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&text[s..e], r["before"].as_str().unwrap());
        replayed.push_str(&text[at..s]);
        replayed.push_str(r["after"].as_str().unwrap());
        at = e;
    }
    replayed.push_str(&text[at..]);
    assert_eq!(replayed, out);

    // The pass not run: the lines stay.
    let (out, records) = run(&["--skip", "furniture"]);
    assert!(out.contains("— Vl —") && out.contains("晨光学报"), "{out}");
    assert!(records.iter().all(|r| r["pass"] != "furniture"));

    // --keep-furniture: kept, and no layout rule fires.
    let (out, records) = run(&["--keep-furniture"]);
    assert!(out.contains("— Vl —") && out.contains("晨光学报"), "{out}");
    assert!(records.iter().all(|r| {
        let rule = r["rule"].as_str().unwrap_or("");
        !rule.starts_with("layout-")
    }));
}

#[test]
fn pages_cleaned_together_keep_their_furniture_evidence() {
    let options = layout_options(Format::Hocr, Furniture::Drop);
    let (a, b) = (
        laid_out(Furniture::Drop),
        convert(&hocr_with("本文"), Format::Hocr, &options).unwrap(),
    );
    let (ca, cb) = (layout_context(&a), layout_context(&b));
    let pipeline = Pipeline::builder().build().unwrap();
    let pages = pipeline.clean_pages_with(&[(&a.text, &ca), (&b.text, &cb)]);
    assert_eq!(pages.len(), 2);
    for (page, laid) in pages.iter().zip([&a, &b]) {
        assert!(
            !page.text.contains("— Vl —") && !page.text.contains("晨光学报"),
            "{:?}",
            page.text
        );
        // Every furniture change, with the steps fused into it: the footer of one page and
        // the header of the next are one change of the joined text (with the page break
        // between them), cut at the page boundary, each piece named after the whole.
        let rules: Vec<&str> = page
            .changes
            .iter()
            .filter(|c| c.pass == PassId::Furniture)
            .flat_map(|c| c.history.iter().map(|s| s.rule).chain([c.rule]))
            .collect();
        assert!(rules.contains(&"layout-header"), "{rules:?}");
        assert!(rules.contains(&"layout-footer"), "{rules:?}");
        assert_eq!(
            ocrtidy::replay(&laid.text, &page.changes).as_deref(),
            Some(page.text.as_str())
        );
    }
}
