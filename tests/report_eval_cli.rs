//! `ocrtidy clean --diff/--report/--color` and `ocrtidy eval` end to end.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: &str, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ocrtidy"));
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn ocrtidy");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ocrtidy-report-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir.join(name)
}

const PAGE: &str = "第一段  \r\n\r\n\r\n第二段\r\n";
const NORMALIZE: &str = "--passes=newlines,trailing-space,blank-lines";

#[test]
fn diff_marks_changes_without_colour_when_piped() {
    let out = run(&["clean", "-", NORMALIZE, "--diff"], PAGE, &[]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(
        !text.contains('\x1b'),
        "no colour when stdout is not a terminal: {text:?}"
    );
    assert!(text.starts_with("第一段[-"), "{text:?}");
    assert!(text.contains("第二段"));
    assert!(text.contains("[-"), "{text:?}");
}

#[test]
fn colour_always_unless_no_color_for_auto() {
    let out = run(
        &["clean", "-", NORMALIZE, "--diff", "--color=always"],
        PAGE,
        &[],
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("\x1b[31m"));
    let out = run(
        &["clean", "-", NORMALIZE, "--diff", "--color=auto"],
        PAGE,
        &[("NO_COLOR", "1")],
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\x1b'));
    let out = run(
        &["clean", "-", NORMALIZE, "--diff", "--color=never"],
        PAGE,
        &[],
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\x1b'));
}

#[test]
fn report_formats_follow_the_extension() {
    let diff = tmp("r.diff");
    let html = tmp("r.html");
    let jsonl = tmp("r.jsonl");
    for p in [&diff, &html, &jsonl] {
        let out = run(
            &[
                "clean",
                "-",
                NORMALIZE,
                "--report",
                p.to_str().expect("path"),
            ],
            PAGE,
            &[],
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(String::from_utf8_lossy(&out.stdout), "第一段\n第二段\n");
    }
    let d = std::fs::read_to_string(&diff).expect("diff");
    assert!(d.starts_with("--- a/-\n+++ b/-\n@@ "), "{d}");
    assert!(
        d.contains("-第一段  \r\n") && d.contains("+第一段\n"),
        "{d}"
    );
    let h = std::fs::read_to_string(&html).expect("html");
    assert!(h.starts_with("<!DOCTYPE html>"));
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&jsonl)
        .expect("jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    let (summary, changes) = lines.split_last().expect("records");
    assert_eq!(h.matches("<mark ").count(), changes.len());
    assert_eq!(
        summary["summary"]["changes"].as_u64(),
        Some(changes.len() as u64)
    );
    assert!(changes
        .iter()
        .all(|c| c["file"] == "-" && c["pass"].is_string()));

    let bad = run(&["clean", "-", "--report", "x.txt"], PAGE, &[]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown format"));
}

#[test]
fn eval_scores_a_pair_of_files() {
    let gt = tmp("gt.txt");
    let pred = tmp("pred.txt");
    std::fs::write(&gt, "第一段\n第二段").expect("write");
    std::fs::write(&pred, "第一段\n第二\n段").expect("write");
    let out = run(
        &[
            "eval",
            "--gt",
            gt.to_str().expect("p"),
            "--pred",
            pred.to_str().expect("p"),
            "--json",
        ],
        "",
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!((v["CER_raw"].as_f64().expect("cer") - 1.0 / 7.0).abs() < 1e-12);
    assert_eq!(v["CER_content"].as_f64(), Some(0.0));
    assert!((v["lb_precision"].as_f64().expect("p") - 0.5).abs() < 1e-12);
    assert_eq!(v["lb_recall"].as_f64(), Some(1.0));
}

#[test]
fn eval_reports_errors_against_an_empty_ground_truth_as_undefined() {
    // A BOM-only ground truth is empty: the prediction is all insertions, which no rate of
    // 0 may hide.
    let gt = tmp("empty-gt.txt");
    let pred = tmp("any-pred.txt");
    std::fs::write(&gt, "\u{feff}").expect("write");
    std::fs::write(&pred, "任何文字").expect("write");
    let (gt, pred) = (gt.to_str().expect("p"), pred.to_str().expect("p"));
    let out = run(&["eval", "--gt", gt, "--pred", pred, "--json"], "", &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    for metric in ["CER_raw", "CER_content", "WER"] {
        assert!(v[metric].is_null(), "{metric}: {v}");
    }
    let table = run(&["eval", "--gt", gt, "--pred", pred], "", &[]);
    let t = String::from_utf8_lossy(&table.stdout);
    let row = t.lines().nth(1).expect("row");
    assert_eq!(row.matches("n/a").count(), 3, "{t}");
    // In a corpus the empty record's insertions count in its group, which has ground truth.
    let corpus = tmp("empty-gt.jsonl");
    let recs = [
        r#"{"id":"a","engine":"t","ocr":"多余","gt":""}"#,
        r#"{"id":"b","engine":"u","ocr":"文字","gt":"文字"}"#,
    ];
    std::fs::write(&corpus, recs.join("\n")).expect("write");
    let corpus = corpus.to_str().expect("p");
    let out = run(
        &[
            "eval", "--corpus", corpus, "--by", "engine", "--json", NORMALIZE,
        ],
        "",
        &[],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["groups"]["ALL"]["raw"]["CER_raw"].as_f64(), Some(1.0));
    assert!(v["groups"]["engine=t"]["raw"]["CER_raw"].is_null(), "{v}");
    assert_eq!(
        v["groups"]["engine=u"]["raw"]["CER_raw"].as_f64(),
        Some(0.0)
    );
    let help = run(&["eval", "--help"], "", &[]);
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.contains("full-width CJK punctuation") && help.contains("n/a in the table"),
        "{help}"
    );
}

#[test]
fn eval_cleans_a_corpus_and_groups_records() {
    let corpus = tmp("corpus.jsonl");
    let recs = [
        r#"{"id":"a","engine":"t","lang":"zh","ocr":"第一段  \n\n第二段\n","gt":"第一段\n第二段","gt_furniture":["— 4 —"]}"#,
        r#"{"id":"b","engine":"t","lang":"en","ocr":"One line.\n4\n","gt":"One line.","gt_furniture":["— 4 —"]}"#,
    ];
    std::fs::write(&corpus, recs.join("\n")).expect("write");
    let out = run(
        &[
            "eval",
            "--corpus",
            corpus.to_str().expect("p"),
            "--by",
            "engine,lang",
            "--json",
            NORMALIZE,
        ],
        "",
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let g = &v["groups"];
    assert_eq!(g["ALL"]["raw"]["records"], 2);
    assert_eq!(
        g["engine=t lang=zh"]["cleaned"]["CER_raw"].as_f64(),
        Some(0.0)
    );
    assert!(
        g["engine=t lang=zh"]["raw"]["CER_raw"]
            .as_f64()
            .expect("cer")
            > 0.0
    );
    // The bare page number "4" leaks the footer "— 4 —" in the English record.
    assert_eq!(
        g["engine=t lang=en"]["cleaned"]["furniture_leak"].as_f64(),
        Some(1.0)
    );
    assert_eq!(
        g["engine=t"]["cleaned"]["furniture_leak"].as_f64(),
        Some(0.5)
    );
    let table = run(
        &["eval", "--corpus", corpus.to_str().expect("p"), NORMALIZE],
        "",
        &[],
    );
    let t = String::from_utf8_lossy(&table.stdout);
    assert!(t.contains("ALL") && t.contains("clean"), "{t}");
}

#[test]
fn eval_names_its_fields_and_keeps_the_old_field_option() {
    let help = run(&["eval", "--help"], "", &[]);
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.contains("--ocr-field <NAME>") && help.contains("[default: ocr]"),
        "{help}"
    );
    assert!(
        help.contains("--gt-field <NAME>") && help.contains("[default: gt]"),
        "{help}"
    );
    assert!(
        !help.contains("--field "),
        "the old name stays hidden: {help}"
    );

    let corpus = tmp("fields.jsonl");
    std::fs::write(
        &corpus,
        r#"{"id":"a","page":"第一段  \n第二段","truth":"第一段\n第二段"}"#,
    )
    .expect("write");
    let corpus = corpus.to_str().expect("p");
    let mut tables = Vec::new();
    for name in ["--ocr-field", "--field"] {
        let out = run(
            &[
                "eval",
                "--corpus",
                corpus,
                name,
                "page",
                "--gt-field",
                "truth",
                "--json",
            ],
            "",
            &[],
        );
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(v["field"], "page");
        assert_eq!(v["groups"]["ALL"]["cleaned"]["CER_raw"].as_f64(), Some(0.0));
        tables.push(v);
    }
    assert_eq!(tables[0], tables[1]);
    // A record without the field is an error that names the corpus, the line and the field.
    let out = run(&["eval", "--corpus", corpus], "", &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("{corpus}:1: no string field `ocr`")),
        "{err}"
    );
}

/// The HTML report explains each rule it shows, in the words of the pass's declaration.
#[test]
fn the_html_report_explains_the_rules_it_shows() {
    let report = tmp("explained.html");
    let out = run(
        &[
            "clean",
            "--report",
            report.to_str().unwrap(),
            "-o",
            "/dev/null",
        ],
        "第一段  \n\n\n第二段 ， 完了\n",
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains("Rules used"), "{html}");
    // The start of the explanation of a rule that occurs, as `ocrtidy explain` prints it.
    let explain = run(
        &["explain", "--json", "cjk-spacing/space-around-punct"],
        "",
        &[],
    );
    let rules: Vec<serde_json::Value> = serde_json::from_slice(&explain.stdout).unwrap();
    let words: String = rules[0]["explain"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .take(4)
        .collect::<Vec<_>>()
        .join(" ");
    assert!(html.contains(&words), "{words:?} not in the report");
}
