//! JSON Lines fidelity: only the text field is rewritten, every other byte of every line passes
//! through, one output line per input line, bad lines passed through and reported.

use std::io::Write;
use std::process::{Command, Stdio};

use ocrtidy::stream::{clean_jsonl, JsonlOptions, LineReport, LineStatus};
use ocrtidy::Pipeline;

fn run(input: &[u8], options: &JsonlOptions) -> (Vec<u8>, Vec<LineReport>) {
    let mut out = Vec::new();
    let mut reports = Vec::new();
    let summary = clean_jsonl(&Pipeline::default(), input, &mut out, options, |r| {
        reports.push(r.clone());
        Ok(())
    })
    .unwrap();
    assert_eq!(summary.lines, reports.len() as u64);
    assert_eq!(summary.output_bytes, out.len() as u64);
    (out, reports)
}

fn lines(bytes: &[u8]) -> Vec<&[u8]> {
    bytes.split_inclusive(|&b| b == b'\n').collect()
}

/// (input line, expected output line, expected status). Lines carry their own line ends.
const CASES: &[(&[u8], &[u8], LineStatus)] = &[
    // Only the text value changes; spacing, key order and other fields stay byte for byte.
    (
        b"{ \"id\" : \"a\",\"text\":\"\xe7\xac\xac\xe4\xb8\x80\xe6\xae\xb5  \\n\\n\xe7\xac\xac\xe4\xba\x8c\xe6\xae\xb5\" ,\"z\":[1,2]}\n",
        b"{ \"id\" : \"a\",\"text\":\"\xe7\xac\xac\xe4\xb8\x80\xe6\xae\xb5\\n\xe7\xac\xac\xe4\xba\x8c\xe6\xae\xb5\" ,\"z\":[1,2]}\n",
        LineStatus::Changed,
    ),
    // CRLF line end kept.
    (
        b"{\"text\":\"a  \"}\r\n",
        b"{\"text\":\"a\"}\r\n",
        LineStatus::Changed,
    ),
    // Unicode escapes in a clean text: the line is not re-encoded.
    (
        b"{\"text\":\"\\u4e2d\\u6587\\ud83d\\ude00\",\"id\":1}\n",
        b"{\"text\":\"\\u4e2d\\u6587\\ud83d\\ude00\",\"id\":1}\n",
        LineStatus::Unchanged,
    ),
    // Huge numbers, deep nesting and a nested `text` key elsewhere pass through.
    (
        b"{\"n\":123456789012345678901234567890e999,\"m\":{\"text\":\"x  \",\"a\":[[[[[[{}]]]]]]},\"text\":\"ok\"}\n",
        b"{\"n\":123456789012345678901234567890e999,\"m\":{\"text\":\"x  \",\"a\":[[[[[[{}]]]]]]},\"text\":\"ok\"}\n",
        LineStatus::Unchanged,
    ),
    // Duplicate keys: the last one is the text; the first stays as it was.
    (
        b"{\"text\":\"first  \",\"text\":\"second  \"}\n",
        b"{\"text\":\"first  \",\"text\":\"second\"}\n",
        LineStatus::Changed,
    ),
    // Blank lines (also with CRLF and spaces) pass through silently.
    (b"\n", b"\n", LineStatus::Blank),
    (b"\r\n", b"\r\n", LineStatus::Blank),
    (b"   \n", b"   \n", LineStatus::Blank),
    // Bad lines pass through unchanged.
    (b"not json\n", b"not json\n", LineStatus::Error),
    (b"{\"text\": 42}\n", b"{\"text\": 42}\n", LineStatus::Error),
    (b"{\"body\": \"x  \"}\n", b"{\"body\": \"x  \"}\n", LineStatus::Error),
    (b"{\"text\": \"\\ud800  \"}\n", b"{\"text\": \"\\ud800  \"}\n", LineStatus::Error),
    (b"{\"text\": \"\xff\xfe  \"}\n", b"{\"text\": \"\xff\xfe  \"}\n", LineStatus::Error),
    (b"[\"text\", \"x  \"]\n", b"[\"text\", \"x  \"]\n", LineStatus::Error),
    (b"{\"text\": \"a  \"} trailing\n", b"{\"text\": \"a  \"} trailing\n", LineStatus::Error),
    // Control characters produced by cleaning are escaped as JSON requires.
    (
        b"{\"text\":\"\\u00a0\\t\\\"quoted\\\"\\\\  \"}\n",
        b"{\"text\":\"\xc2\xa0\\t\\\"quoted\\\"\\\\\"}\n",
        LineStatus::Changed,
    ),
    // The last line without a line end stays without one.
    (b"{\"text\":\"end  \"}", b"{\"text\":\"end\"}", LineStatus::Changed),
];

#[test]
fn every_line_passes_through_or_has_only_its_text_rewritten() {
    let pipeline = Pipeline::builder()
        .only([
            ocrtidy::PassId::Newlines,
            ocrtidy::PassId::TrailingSpace,
            ocrtidy::PassId::BlankLines,
        ])
        .build()
        .unwrap();
    let input: Vec<u8> = CASES.iter().flat_map(|c| c.0.iter().copied()).collect();
    let mut out = Vec::new();
    let mut reports = Vec::new();
    clean_jsonl(
        &pipeline,
        &input[..],
        &mut out,
        &JsonlOptions::default(),
        |r| {
            reports.push(r.clone());
            Ok(())
        },
    )
    .unwrap();
    let got = lines(&out);
    assert_eq!(got.len(), CASES.len());
    for (i, ((inp, want, status), got)) in CASES.iter().zip(got).enumerate() {
        assert_eq!(
            String::from_utf8_lossy(got),
            String::from_utf8_lossy(want),
            "line {} from {:?}",
            i + 1,
            String::from_utf8_lossy(inp)
        );
        assert_eq!(reports[i].status, *status, "line {}", i + 1);
        assert_eq!(reports[i].line, i as u64 + 1);
        assert_eq!(reports[i].error.is_some(), *status == LineStatus::Error);
    }
}

#[test]
fn a_byte_order_mark_is_kept_and_skipped_when_parsing() {
    let input = b"\xEF\xBB\xBF{\"text\":\"a  \"}\n{\"text\":\"b\"}\n";
    let (out, reports) = run(input, &JsonlOptions::default());
    assert_eq!(out, b"\xEF\xBB\xBF{\"text\":\"a\"}\n{\"text\":\"b\"}\n");
    assert_eq!(reports[0].status, LineStatus::Changed);
}

#[test]
fn the_field_and_id_names_are_configurable() {
    let mut options = JsonlOptions::default();
    options.field = "content".into();
    options.id_field = "doc".into();
    options.keep_changes = true;
    let input = b"{\"doc\":{\"n\":[7]},\"text\":\"x  \",\"content\":\"y  \"}\n";
    let (out, reports) = run(input, &options);
    assert_eq!(
        out,
        b"{\"doc\":{\"n\":[7]},\"text\":\"x  \",\"content\":\"y\"}\n"
    );
    assert_eq!(reports[0].id.as_ref().map(|v| v.get()), Some("{\"n\":[7]}"));
    assert_eq!(reports[0].changes.len(), 1);
    assert_eq!(reports[0].changes[0].rule, "trailing-space");
}

#[test]
fn a_line_over_the_limit_is_copied_through_and_reported() {
    let mut options = JsonlOptions::default();
    options.max_line_bytes = 64;
    let long = format!("{{\"id\":1,\"text\":\"{}  \"}}\n", "长".repeat(100));
    let input = format!("{{\"text\":\"a  \"}}\n{long}{{\"text\":\"b  \"}}\n");
    let (out, reports) = run(input.as_bytes(), &options);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        format!("{{\"text\":\"a\"}}\n{long}{{\"text\":\"b\"}}\n")
    );
    assert_eq!(reports[1].status, LineStatus::Error);
    let reason = reports[1].error.as_ref().unwrap().to_string();
    assert!(reason.contains("over the limit"), "{reason}");
    assert_eq!(reports[2].line, 3);
}

#[test]
fn deep_nesting_does_not_crash_and_is_passed_through() {
    let deep = |text: &str| {
        format!(
            "{{\"a\":{}1{},\"id\":{}2{},\"text\":\"{text}\"}}\n",
            "[".repeat(100_000),
            "]".repeat(100_000),
            "{\"k\":".repeat(50_000),
            "}".repeat(50_000),
        )
    };
    let (out, reports) = run(deep("x  ").as_bytes(), &JsonlOptions::default());
    assert!(out == deep("x").as_bytes(), "the deep values pass through");
    assert_eq!(reports[0].status, LineStatus::Changed);
}

#[test]
fn grouped_records_are_cleaned_as_pages_of_one_document() {
    let mut options = JsonlOptions::default();
    options.group_by = vec!["doc".into()];
    options.batch_lines = 2; // groups span batches
    let input = concat!(
        "{\"doc\":\"a\",\"page\":1,\"text\":\"甲  \\n\"}\n",
        "{\"doc\":\"a\",\"page\":2,\"text\":\"\\n乙\"}\n",
        "{\"doc\":\"a\",\"page\":3,\"text\":\"丙\"}\n",
        "{\"page\":1,\"text\":\"无组  \"}\n",
        "{\"doc\":\"b\",\"page\":1,\"text\":\"丁\"}\n",
    );
    let (out, reports) = run(input.as_bytes(), &options);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        concat!(
            "{\"doc\":\"a\",\"page\":1,\"text\":\"甲\"}\n",
            "{\"doc\":\"a\",\"page\":2,\"text\":\"乙\"}\n",
            "{\"doc\":\"a\",\"page\":3,\"text\":\"丙\"}\n",
            "{\"page\":1,\"text\":\"无组\"}\n",
            "{\"doc\":\"b\",\"page\":1,\"text\":\"丁\"}\n",
        )
    );
    assert_eq!(reports.len(), 5);
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_ocrtidy"))
}

#[test]
fn cli_writes_errors_changes_and_row_aligned_attributes() {
    let dir = std::env::temp_dir().join(format!("ocrtidy-jsonl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let errors = dir.join("errors.jsonl");
    let attrs = dir.join("attrs.jsonl");
    let changes = dir.join("changes.jsonl");
    let input = "{\"id\":\"d1\",\"text\":\"中文  \\n\\n\\n下一段\"}\nbroken\n\n{\"id\":7,\"text\":\"好\"}\n";
    let mut child = bin()
        .args(["clean", "--jsonl", "--quiet", "--threads", "2", "--errors"])
        .arg(&errors)
        .arg("--attributes")
        .arg(&attrs)
        .arg("--changes")
        .arg(&changes)
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        stdout,
        "{\"id\":\"d1\",\"text\":\"中文\\n下一段\"}\nbroken\n\n{\"id\":7,\"text\":\"好\"}\n"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("1 line(s)"), "{stderr}");

    let errors = std::fs::read_to_string(&errors).unwrap();
    let e: serde_json::Value = serde_json::from_str(errors.trim()).unwrap();
    assert_eq!(e["line"], 2);
    assert!(e["reason"].as_str().unwrap().contains("malformed"));

    let attrs = std::fs::read_to_string(&attrs).unwrap();
    let rows: Vec<serde_json::Value> = attrs
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 4, "one attributes row per output line");
    assert_eq!(rows[0]["id"], "d1");
    let spans = rows[0]["attributes"]["ocrtidy__changes"]
        .as_array()
        .unwrap();
    assert!(!spans.is_empty());
    for s in spans {
        let s = s.as_array().unwrap();
        assert!(s[0].as_u64().unwrap() <= s[1].as_u64().unwrap());
        assert!(s[1].as_u64().unwrap() <= "中文\n下一段".chars().count() as u64);
    }
    assert_eq!(rows[1]["id"], serde_json::Value::Null);
    assert_eq!(rows[3]["id"], 7);

    let changes = std::fs::read_to_string(&changes).unwrap();
    for l in changes.lines() {
        let c: serde_json::Value = serde_json::from_str(l).unwrap();
        assert_eq!(c["id"], "d1");
        assert_eq!(c["line"], 1);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn cli_directory_mode_mirrors_the_tree() {
    let root = std::env::temp_dir().join(format!("ocrtidy-dir-{}", std::process::id()));
    let input = root.join("in");
    let output = root.join("out");
    std::fs::create_dir_all(input.join("sub/deeper")).unwrap();
    std::fs::write(input.join("a.txt"), "第一段  \r\n\r\n第二段\r\n").unwrap();
    std::fs::write(input.join("sub/deeper/b.txt"), "English  \n").unwrap();
    std::fs::write(input.join("sub/bad.bin"), b"\xff\xfe\x00").unwrap();
    let out = bin()
        .args(["clean", "--quiet", "--threads", "2"])
        .arg(&input)
        .arg("-o")
        .arg(&output)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(output.join("a.txt")).unwrap(),
        "第一段\n第二段\n"
    );
    assert_eq!(
        std::fs::read_to_string(output.join("sub/deeper/b.txt")).unwrap(),
        "English\n"
    );
    assert_eq!(
        std::fs::read(output.join("sub/bad.bin")).unwrap(),
        b"\xff\xfe\x00"
    );

    // Directory mode with JSON Lines files.
    let jin = root.join("jin");
    let jout = root.join("jout");
    std::fs::create_dir_all(jin.join("x")).unwrap();
    std::fs::write(jin.join("x/p.jsonl"), "{\"text\":\"a  \"}\r\n\nbad\n").unwrap();
    let out = bin()
        .args(["clean", "--jsonl", "--quiet"])
        .arg(&jin)
        .arg("-o")
        .arg(&jout)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(jout.join("x/p.jsonl")).unwrap(),
        "{\"text\":\"a\"}\r\n\nbad\n"
    );

    // The output directory must differ from the input.
    let out = bin()
        .arg("clean")
        .arg(&input)
        .arg("-o")
        .arg(&input)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let _ = std::fs::remove_dir_all(&root);
}
