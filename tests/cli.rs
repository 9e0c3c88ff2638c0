//! The `ocrtidy` command line as a user meets it.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn ocrtidy(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ocrtidy"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    // A child that exits early closes its stdin; that is not this test's concern.
    let _ = child.stdin.take().expect("stdin").write_all(stdin);
    child.wait_with_output().expect("the binary finishes")
}

fn tmpdir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("ocrtidy-cli-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn cleans_stdin_to_stdout() {
    let out = ocrtidy(
        &[
            "clean",
            "-",
            "--passes",
            "newlines,trailing-space,blank-lines",
        ],
        "第一段  \r\n\r\n第二段\r\n".as_bytes(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "第一段\n第二段\n");
}

#[test]
fn modernise_writes_historical_letters_in_modern_spelling_only_when_asked() {
    let text = "Die Stadt iſt ſchoͤn.\n";
    let plain = ocrtidy(&["clean", "-"], text.as_bytes());
    assert_eq!(String::from_utf8_lossy(&plain.stdout), text);
    for flag in ["--modernise", "--modernize"] {
        let out = ocrtidy(&["clean", "-", flag], text.as_bytes());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "Die Stadt ist schön.\n"
        );
    }
}

/// Standard error of a run that must succeed.
fn stderr_of(args: &[&str], input: &str) -> String {
    let out = ocrtidy(args, input.as_bytes());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn engine_markup_cleaned_as_text_by_default_gets_a_warning() {
    let page = concat!(
        "<?xml version=\"1.0\"?>\n<PcGts xmlns=\"http://schema.primaresearch.org/PAGE/gts/",
        "pagecontent/2019-07-15\"><Page><TextRegion id=\"r\"><TextEquiv><Unicode>Text",
        "</Unicode></TextEquiv></TextRegion></Page></PcGts>\n"
    );
    let warned = |args: &[&str]| stderr_of(args, page).contains("looks like page");
    assert!(warned(&["clean", "-"]));
    // Asked for explicitly, or plain text: no warning.
    assert!(!warned(&["clean", "-", "--input-format", "text"]));
    assert!(!warned(&["clean", "-", "--input-format", "auto"]));
    assert_eq!(stderr_of(&["clean", "-"], "<b>bold</b> text\n"), "");
}

#[test]
fn json_lines_cleaned_as_text_by_default_gets_a_warning() {
    let records = "{\"id\": 1, \"ocr\": \"第一行\\n第二行\"}\n{\"id\": 2, \"ocr\": \"x\"}\n";
    let dir = tmpdir("jsonl-as-text");
    let file = dir.join("records.jsonl");
    std::fs::write(&file, records).unwrap();
    let file = file.to_str().unwrap();
    // From standard input, from a file cleaned whole and from one cleaned piece by piece (only
    // line-local passes): the warning names the field to give.
    for args in [
        &["clean", "-"][..],
        &["clean", file],
        &["clean", file, "--passes", "newlines"],
    ] {
        let err = stderr_of(args, records);
        assert!(
            err.contains("looks like JSON Lines") && err.contains("--field ocr"),
            "{err}"
        );
    }
    // With --jsonl, -q or an explicit --input-format text: no warning; nor for text that only
    // starts with a brace.
    for args in [
        &["clean", "--jsonl", "--field", "ocr", "-"][..],
        &["clean", "-q", "-"],
        &["clean", "--input-format", "text", "-"],
    ] {
        assert_eq!(stderr_of(args, records), "", "{args:?}");
    }
    assert_eq!(stderr_of(&["clean", "-"], "{a} 集合的元素。\n"), "");
}

#[test]
fn output_cleaned_again_is_unchanged_whatever_the_passes() {
    // Without blank-lines, a text keeps its trailing line breaks: the CLI adds none more, so the
    // output is a fixed point (and one line break ends the output either way).
    let input = "第一段写完了。\n\n第二段也写完了。\n\n";
    for passes in [&["--skip", "blank-lines"][..], &[][..]] {
        let mut args = vec!["clean", "-"];
        args.extend_from_slice(passes);
        let once = ocrtidy(&args, input.as_bytes());
        assert!(once.status.success(), "{passes:?}");
        assert!(once.stdout.ends_with(b"\n") && !once.stdout.ends_with(b"\n\n\n"));
        let twice = ocrtidy(&args, &once.stdout);
        assert_eq!(
            String::from_utf8_lossy(&twice.stdout),
            String::from_utf8_lossy(&once.stdout),
            "{passes:?}"
        );
    }
}

#[test]
fn writes_change_records_as_json_lines() {
    let dir = tmpdir("changes");
    let changes = dir.join("changes.jsonl");
    let input = dir.join("in.txt");
    std::fs::write(&input, "清徐 \r\n").unwrap();
    let out = ocrtidy(
        &[
            "clean",
            input.to_str().unwrap(),
            "--passes",
            "newlines,trailing-space",
            "--changes",
            changes.to_str().unwrap(),
        ],
        b"",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&changes).unwrap();
    let records: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .filter(|r: &serde_json::Value| r.get("pass").is_some())
        .collect();
    assert_eq!(records.len(), 2, "{text}");
    let space = &records[0];
    for field in [
        "pass",
        "rule",
        "start",
        "end",
        "char_start",
        "char_end",
        "before",
        "after",
        "confidence",
        "applied",
        "candidates",
    ] {
        assert!(space.get(field).is_some(), "missing {field} in {space}");
    }
    assert_eq!(space["pass"], "trailing-space");
    assert_eq!(space["start"], 6);
    assert_eq!(space["end"], 7);
    assert_eq!(space["char_start"], 2);
    assert_eq!(space["char_end"], 3);
    assert_eq!(space["before"], " ");
    assert_eq!(space["after"], "");
    assert_eq!(space["applied"], true);
    assert_eq!(records[1]["rule"], "crlf");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn lists_passes_in_order() {
    let out = ocrtidy(&["clean", "--list-passes"], b"");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let names: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let expected: Vec<&str> = ocrtidy::available_passes()
        .iter()
        .map(|p| p.name())
        .collect();
    assert_eq!(names, expected);
    assert!(names.contains(&"blank-lines"));
}

#[test]
fn errors_exit_2_with_a_clear_message() {
    let out = ocrtidy(&["clean", "--passes", "no-such-pass", "-"], b"x");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown pass `no-such-pass`"), "{err}");

    let out = ocrtidy(&["clean", "/definitely/not/here.txt"], b"");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/definitely/not/here.txt"), "{err}");

    let out = ocrtidy(&["clean", "--no-such-flag"], b"");
    assert_eq!(out.status.code(), Some(2));

    // A language model that is missing or not a KenLM binary (here an ARPA text file).
    let dir = tmpdir("bad-lm");
    let bad = dir.join("arpa.lm");
    std::fs::write(&bad, "\\data\\\nngram 1=1\n").unwrap();
    let bad = bad.to_str().unwrap();
    for lm in ["/definitely/not/here.lm", bad] {
        let out = ocrtidy(&["clean", "--lm", lm, "-"], "残疾人土".as_bytes());
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(lm) && err.contains("language model"), "{err}");
    }
    assert!(String::from_utf8_lossy(&ocrtidy(&["clean", "--help"], b"").stdout).contains("--lm"));
    // A KenLM binary loads (a fixture of the reader's tests).
    let model = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../ocrtidy-typo/tests/kenlm_data/tiny.trie.bin"
    );
    stderr_of(&["clean", "--lm", model, "-"], "残疾人土及执行管理。");
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let big = "一行文字。\n".repeat(200_000);
    let mut child = Command::new(env!("CARGO_BIN_EXE_ocrtidy"))
        .args(["clean", "-", "--passes", "newlines"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(big.as_bytes());
    });
    // Close our end of stdout right away: the program meets a broken pipe.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn legacy_encodings_are_detected_and_said() {
    // "清徐县防控工作会议召开，要求严格落实各项措施。" in GBK, repeated so detection has evidence.
    let gbk: &[u8] = b"\xc7\xe5\xd0\xec\xcf\xd8\xb7\xc0\xbf\xd8\xb9\xa4\xd7\xf7\xbb\xe1\xd2\xe9\xd5\xd9\xbf\xaa\xa3\xac\xd2\xaa\xc7\xf3\xd1\xcf\xb8\xf1\xc2\xe4\xca\xb5\xb8\xf7\xcf\xee\xb4\xeb\xca\xa9\xa1\xa3\n";
    let input = gbk.repeat(10);
    let out = ocrtidy(&["clean", "-", "--passes", "newlines"], &input);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("清徐县防控工作会议召开，要求严格落实各项措施。\n"),
        "{text}"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("decoded as GBK by detection"), "{err}");
}

#[test]
fn nul_bytes_are_removed_as_recorded_changes() {
    let dir = tmpdir("nul");
    let changes = dir.join("changes.jsonl");
    let out = ocrtidy(
        &["clean", "-", "--changes", changes.to_str().unwrap()],
        "清徐\u{0}县".as_bytes(),
    );
    assert!(out.status.success());
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "清徐县\n");
    let text = std::fs::read_to_string(&changes).unwrap();
    assert!(text.contains("\"pass\":\"control-chars\""), "{text}");
    std::fs::remove_dir_all(dir).ok();
}

/// The section of `help` that `option` is listed in: the last heading line (`Name:`) above it.
fn heading_of<'h>(help: &'h str, option: &str) -> &'h str {
    let at = help
        .lines()
        .map(str::trim_start)
        .position(|l| {
            // `--name` or `-n, --name` at the start of the line: the option's own entry.
            let short = l.starts_with('-') && l.get(2..4) == Some(", ");
            l.starts_with(option) || (short && l[4..].starts_with(option))
        })
        .unwrap_or_else(|| panic!("{option} not in the help"));
    help.lines()
        .take(at)
        .filter(|l| !l.starts_with(' ') && l.ends_with(':'))
        .last()
        .unwrap_or("")
}

#[test]
fn clean_help_groups_options_and_explains_what_a_new_user_needs() {
    for flag in ["-h", "--help"] {
        let out = ocrtidy(&["clean", flag], b"");
        assert!(out.status.success());
        let help = String::from_utf8(out.stdout).unwrap();
        for (option, heading) in [
            ("-o, --output", "Options:"),
            ("-q, --quiet", "Options:"),
            ("--encoding", "Input:"),
            ("--input-format", "Input:"),
            ("--max-doc-bytes", "Input:"),
            ("--script", "Cleaning:"),
            ("--lexicon", "Typo correction:"),
            ("--protect", "Typo correction:"),
            ("--typo-threshold", "Typo correction:"),
            ("--confusions", "Typo correction:"),
            ("--diff", "Reports:"),
            ("--color", "Reports:"),
            ("--jsonl", "JSON Lines and directories:"),
            ("--threads", "JSON Lines and directories:"),
        ] {
            assert_eq!(heading_of(&help, option), heading, "{flag}: {option}");
        }
        // Directory mode is said, and the size limit reads as a size.
        assert!(
            help.contains("[FILE|DIR]") && help.contains("-o OUTDIR"),
            "{help}"
        );
        assert!(help.contains("[default: 64MiB]"), "{help}");
        assert!(!help.contains("67108864"), "{help}");
    }
    // The long help explains the markup of --diff.
    let help = String::from_utf8(ocrtidy(&["clean", "--help"], b"").stdout).unwrap();
    for markup in [
        "`[-old-]`",
        "`{+new+}`",
        "`[?text→candidate?]`",
        "red",
        "green",
        "yellow",
    ] {
        assert!(help.contains(markup), "{markup}");
    }
    assert!(help.contains("ocrtidy clean DIR -o OUTDIR"), "{help}");
}

#[test]
fn max_doc_bytes_takes_a_size_with_a_unit() {
    let text = "第一段文字。\n".repeat(100); // 1,900 bytes
    let refused = ocrtidy(&["clean", "--max-doc-bytes", "1K", "-"], text.as_bytes());
    assert_eq!(refused.status.code(), Some(2));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("over the limit of 1024 bytes"), "{err}");

    for size in ["2KiB", "2 KB", "1900", "64MiB", "2G"] {
        let out = ocrtidy(&["clean", "--max-doc-bytes", size, "-"], text.as_bytes());
        assert!(
            out.status.success(),
            "{size}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!out.stdout.is_empty(), "{size}");
    }
    let refused = ocrtidy(&["clean", "--max-doc-bytes", "1899B", "-"], text.as_bytes());
    assert_eq!(refused.status.code(), Some(2));

    let bad = ocrtidy(&["clean", "--max-doc-bytes", "64 parsecs", "-"], b"x");
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("`64 parsecs` is not a size"), "{err}");
}

/// Every pass and rule that a run records can be explained, in words from the pass's own
/// declaration; an unknown name is an error.
#[test]
fn every_recorded_rule_is_explained() {
    let sample = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/samples/zh-newspaper.txt"
    );
    let dir = tmpdir("explain");
    let changes = dir.join("changes.jsonl");
    let out = ocrtidy(
        &[
            "clean",
            sample,
            "-o",
            "/dev/null",
            "--changes",
            changes.to_str().unwrap(),
        ],
        b"",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = ocrtidy(&["explain", "--json"], b"");
    assert!(out.status.success());
    let all: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let known: std::collections::HashSet<(String, String)> = all
        .iter()
        .map(|r| {
            (
                r["pass"].as_str().unwrap().into(),
                r["rule"].as_str().unwrap().into(),
            )
        })
        .collect();
    let mut seen = 0;
    for line in std::fs::read_to_string(&changes).unwrap().lines() {
        let c: serde_json::Value = serde_json::from_str(line).unwrap();
        let mut steps = vec![(c["pass"].clone(), c["rule"].clone())];
        for s in c["history"].as_array().into_iter().flatten() {
            steps.push((s["pass"].clone(), s["rule"].clone()));
        }
        for (p, r) in steps {
            let key = (
                p.as_str().unwrap().to_string(),
                r.as_str().unwrap().to_string(),
            );
            assert!(known.contains(&key), "{key:?} is not explained");
            seen += 1;
        }
    }
    assert!(seen > 10, "{seen}");
    // One rule in words, a pass with all its rules, and the list.
    let out = ocrtidy(&["explain", "typo/typo-zh"], b"");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("typo: ") && text.contains("\n  typo/typo-zh\n    "),
        "{text}"
    );
    let out = ocrtidy(&["explain", "furniture"], b"");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("furniture/page-number") && text.contains("removes printed text: yes"));
    let out = ocrtidy(&["explain"], b"");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().any(|l| l == "  line-join/soft-wrap"), "{text}");
    let out = ocrtidy(&["explain", "no-such-rule"], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no pass or rule is named `no-such-rule`")
    );
}

/// A plain UTF-8 file cleaned by line-local passes only is cleaned piece by piece
/// (`ocrtidy::chunked`); the same text from standard input is cleaned whole. Output and
/// changes agree byte for byte, over many piece boundaries.
#[test]
fn a_file_cleaned_piece_by_piece_equals_it_cleaned_whole() {
    let dir = tmpdir("chunked");
    let mut text = String::from("\u{feff}");
    for i in 0..12_000 {
        text.push_str(&format!(
            "第{i}條：頭髮乾燥，鬱鬱蔥蔥的森林裡有一隻貓。著作權{}\n",
            if i % 7 == 0 { "\r" } else { "" }
        ));
    }
    text.push_str("最後一行沒有換行");
    assert!(text.len() > 3 * ocrtidy::chunked::CHUNK_BYTES);
    let input = dir.join("trad.txt");
    std::fs::write(&input, &text).unwrap();
    let run = |from_stdin: bool, tag: &str| {
        let out = dir.join(format!("{tag}.out"));
        let changes = dir.join(format!("{tag}.changes"));
        let path = input.to_str().unwrap();
        let args = [
            "clean",
            "--passes",
            "script-convert",
            "--script",
            "t2s",
            if from_stdin { "-" } else { path },
            "-o",
            out.to_str().unwrap(),
            "--changes",
            changes.to_str().unwrap(),
        ];
        let status = ocrtidy(&args, if from_stdin { text.as_bytes() } else { b"" });
        assert!(
            status.status.success(),
            "{}",
            String::from_utf8_lossy(&status.stderr)
        );
        let changes = std::fs::read_to_string(&changes).unwrap();
        let records: Vec<serde_json::Value> = changes
            .lines()
            .map(|l| {
                let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
                v.as_object_mut().unwrap().remove("file");
                v
            })
            .collect();
        (std::fs::read(&out).unwrap(), records)
    };
    let (piecewise, piecewise_changes) = run(false, "file");
    let (whole, whole_changes) = run(true, "stdin");
    assert!(piecewise.starts_with("第0条：头发干燥".as_bytes()));
    assert!(piecewise_changes.len() > 12_000);
    assert_eq!(piecewise, whole);
    assert_eq!(piecewise_changes, whole_changes);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn the_text_is_the_same_with_and_without_a_change_ledger() {
    // Without --changes (or a report or write-back) nobody reads the ledger and the text is
    // cleaned alone; it must be the text written when the ledger is kept. A BOM, a stray
    // byte, spaces between Chinese chars, soft wraps and no final line break.
    let mut input = b"\xEF\xBB\xBF".to_vec();
    input.extend_from_slice(
        "第一章  总论\n\n我们 在 这里\n继续写作，直到\n这一段结束。\n\n".as_bytes(),
    );
    input.push(0xff);
    input.extend_from_slice("最后一行ＡＢＣ".as_bytes());
    let dir = tmpdir("ledger-or-not");
    let changes = dir.join("changes.jsonl");
    let with = ocrtidy(
        &["clean", "-", "--changes", changes.to_str().unwrap()],
        &input,
    );
    let without = ocrtidy(&["clean", "-"], &input);
    assert!(with.status.success() && without.status.success());
    assert!(!std::fs::read(&changes).unwrap().is_empty());
    let text = String::from_utf8(without.stdout.clone()).unwrap();
    assert!(text.ends_with('\n') && !text.contains("我们 在"), "{text}");
    assert_eq!(without.stdout, with.stdout);
    std::fs::remove_dir_all(&dir).unwrap();
}
