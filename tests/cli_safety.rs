//! Safe by default: the command line never destroys an input, never reads a file outside the
//! layout root, never hangs on a FIFO, and refuses or reports what it cannot clean.

mod common;

use common::tmpdir;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn ocrtidy_in(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ocrtidy"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let _ = child.stdin.take().expect("stdin").write_all(stdin);
    child.wait_with_output().expect("the binary finishes")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

const PAGE: &str = "第一段  文字\n\n\n第二段\n";

/// Files of `dir` other than those named (temporary files left behind, say).
fn others(dir: &Path, known: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !known.contains(&n.as_str()))
        .collect();
    v.sort();
    v
}

#[test]
fn an_output_that_is_the_input_is_refused_and_the_input_kept() {
    let dir = tmpdir("same");
    std::fs::write(dir.join("p.txt"), PAGE).unwrap();
    std::fs::write(dir.join("c.txt"), PAGE).unwrap();
    std::fs::write(dir.join("in.jsonl"), "{\"text\":\"第一段  文字\"}\n").unwrap();
    std::fs::hard_link(dir.join("p.txt"), dir.join("link.txt")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("p.txt", dir.join("sym.txt")).unwrap();
    let cases: &[&[&str]] = &[
        &["clean", "p.txt", "-o", "p.txt"],
        &["clean", "p.txt", "-o", "./p.txt"],
        &["clean", "p.txt", "-o", "link.txt"],
        #[cfg(unix)]
        &["clean", "p.txt", "-o", "sym.txt"],
        &["clean", "c.txt", "--changes", "c.txt"],
        &[
            "clean",
            "p.txt",
            "c.txt",
            "-o",
            "out.txt",
            "--changes",
            "c.txt",
        ],
        &["clean", "p.txt", "--report", "link.txt"],
        &["clean", "--jsonl", "in.jsonl", "-o", "in.jsonl"],
        &["clean", "--jsonl", "p.txt", "--errors", "link.txt"],
        &["clean", "--jsonl", "p.txt", "--attributes", "p.txt"],
    ];
    for args in cases {
        let out = ocrtidy_in(&dir, args, b"");
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("input file is output file"),
            "{args:?}: {}",
            stderr(&out)
        );
        for f in ["p.txt", "c.txt"] {
            assert_eq!(
                std::fs::read_to_string(dir.join(f)).unwrap(),
                PAGE,
                "{args:?}"
            );
        }
        assert!(!dir.join("out.txt").exists(), "{args:?}");
    }
    // Standard input redirected from the output file is the same file too (as for GNU cat).
    let out = Command::new(env!("CARGO_BIN_EXE_ocrtidy"))
        .args(["clean", "-", "-o", "link.txt"])
        .current_dir(&dir)
        .stdin(std::fs::File::open(dir.join("p.txt")).unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(dir.join("p.txt")).unwrap(), PAGE);
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn two_outputs_naming_one_file_are_refused() {
    let dir = tmpdir("two-outputs");
    std::fs::write(dir.join("p.txt"), PAGE).unwrap();
    let out = ocrtidy_in(
        &dir,
        &["clean", "p.txt", "-o", "o.txt", "--changes", "./o.txt"],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("the same file as -o"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.join("o.txt").exists());
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn write_back_through_a_hard_link_is_refused() {
    let dir = tmpdir("writeback-link");
    let hocr = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/layout/page1.hocr"),
    )
    .unwrap();
    std::fs::write(dir.join("page.hocr"), &hocr).unwrap();
    std::fs::hard_link(dir.join("page.hocr"), dir.join("alias.hocr")).unwrap();
    let out = ocrtidy_in(
        &dir,
        &[
            "clean",
            "page.hocr",
            "--input-format",
            "hocr",
            "--write-back",
            "alias.hocr",
            "-o",
            "out.txt",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(dir.join("page.hocr")).unwrap(),
        hocr
    );
    assert!(!dir.join("out.txt").exists());
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_failed_run_leaves_no_partial_output_and_keeps_an_old_one() {
    let dir = tmpdir("partial");
    std::fs::write(dir.join("a.txt"), PAGE).unwrap();
    std::fs::write(dir.join("out.txt"), "old output\n").unwrap();
    let out = ocrtidy_in(
        &dir,
        &[
            "clean",
            "a.txt",
            "missing.txt",
            "-o",
            "out.txt",
            "--changes",
            "changes.jsonl",
        ],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("missing.txt"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(dir.join("out.txt")).unwrap(),
        "old output\n"
    );
    assert!(!dir.join("changes.jsonl").exists());
    assert_eq!(
        others(&dir, &["a.txt", "out.txt"]),
        Vec::<String>::new(),
        "no temporary file is left behind"
    );
    // A successful run replaces the output and keeps its permissions.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let perms = std::fs::Permissions::from_mode(0o640);
        std::fs::set_permissions(dir.join("out.txt"), perms).unwrap();
    }
    let out = ocrtidy_in(&dir, &["clean", "a.txt", "-o", "out.txt"], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(dir.join("out.txt")).unwrap(),
        "第一段文字\n第二段\n"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(dir.join("out.txt"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640);
    }
    assert_eq!(others(&dir, &["a.txt", "out.txt"]), Vec::<String>::new());
    std::fs::remove_dir_all(dir).ok();
}

/// Runs the binary with a deadline; `None` when it had to be killed.
fn run_with_deadline(dir: &Path, args: &[&str], secs: u64) -> Option<Output> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ocrtidy"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return Some(child.wait_with_output().unwrap());
        }
        if start.elapsed() > Duration::from_secs(secs) {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[cfg(unix)]
#[test]
fn layout_paths_stay_inside_the_root_and_name_regular_files() {
    let dir = tmpdir("layout-root");
    let root = dir.join("root");
    let outside = dir.join("outside");
    std::fs::create_dir_all(root.join("sub")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    let hocr = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/layout/page1.hocr"),
    )
    .unwrap();
    std::fs::write(outside.join("secret.hocr"), &hocr).unwrap();
    std::fs::write(root.join("sub/inside.hocr"), &hocr).unwrap();
    std::os::unix::fs::symlink("../outside/secret.hocr", root.join("out-link.hocr")).unwrap();
    std::os::unix::fs::symlink("sub/inside.hocr", root.join("in-link.hocr")).unwrap();
    let fifo = root.join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status();
    let have_fifo = made.is_ok_and(|s| s.success());
    let secret_abs = outside.join("secret.hocr");
    let records = [
        ("a", "../outside/secret.hocr".to_string()),
        ("b", secret_abs.display().to_string()),
        ("c", "out-link.hocr".to_string()),
        ("d", "sub".to_string()),
        ("e", "fifo".to_string()),
        ("f", "sub/inside.hocr".to_string()),
        ("g", "in-link.hocr".to_string()),
    ];
    let mut input = String::new();
    for (id, path) in &records {
        input.push_str(&serde_json::json!({"id": id, "text": "原文", "hocr": path}).to_string());
        input.push('\n');
    }
    std::fs::write(root.join("in.jsonl"), &input).unwrap();
    let out = run_with_deadline(
        &dir,
        &[
            "clean",
            "--jsonl",
            "--layout-field",
            "hocr",
            "--layout-root",
            "root",
            "root/in.jsonl",
            "--errors",
            "errors.jsonl",
            "-o",
            "out.jsonl",
        ],
        60,
    )
    .expect("a FIFO in a layout field must not hang the run");
    assert!(out.status.success(), "{}", stderr(&out));
    let cleaned = std::fs::read_to_string(dir.join("out.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = cleaned
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), records.len());
    let inside_text = lines[5]["text"].as_str().unwrap().to_string();
    assert_ne!(inside_text, "原文", "a file inside the root is read");
    assert_eq!(
        lines[6]["text"], inside_text,
        "a link inside the root is read"
    );
    for (i, (id, _)) in records.iter().enumerate().take(5) {
        assert_eq!(lines[i]["id"], *id);
        assert_eq!(
            lines[i]["text"], "原文",
            "record {id} must not read its layout"
        );
    }
    let errors = std::fs::read_to_string(dir.join("errors.jsonl")).unwrap();
    let errors: Vec<serde_json::Value> = errors
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let reason = |id: &str| {
        errors
            .iter()
            .find(|e| e["id"] == id)
            .unwrap_or_else(|| panic!("no report for {id}: {errors:?}"))["reason"]
            .as_str()
            .unwrap()
            .to_string()
    };
    for id in ["a", "b", "c"] {
        assert!(
            reason(id).contains("outside the layout root"),
            "{id}: {}",
            reason(id)
        );
    }
    assert!(reason("d").contains("a directory"), "{}", reason("d"));
    if have_fifo {
        assert!(reason("e").contains("a FIFO"), "{}", reason("e"));
    }
    assert!(errors.iter().all(|e| e["fallback"] == true));
    assert_eq!(errors.len(), 5, "{errors:?}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn max_doc_bytes_applies_to_text_files_and_directories() {
    let dir = tmpdir("max-doc");
    std::fs::create_dir_all(dir.join("in")).unwrap();
    std::fs::write(dir.join("in/big.txt"), "第一段  文字。\n".repeat(100)).unwrap();
    std::fs::write(dir.join("in/small.txt"), PAGE).unwrap();
    let out = ocrtidy_in(
        &dir,
        &["clean", "in/big.txt", "--max-doc-bytes", "1000"],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("over the limit of 1000 bytes"),
        "{}",
        stderr(&out)
    );
    assert!(out.stdout.is_empty());
    // Standard input has no size to check beforehand: it is read up to the limit.
    let out = ocrtidy_in(
        &dir,
        &["clean", "-", "--max-doc-bytes", "1000"],
        "第一段  文字。\n".repeat(100).as_bytes(),
    );
    assert_eq!(out.status.code(), Some(2));
    // A directory: the large file is copied unchanged and reported, the others cleaned.
    let out = ocrtidy_in(
        &dir,
        &[
            "clean",
            "in",
            "-o",
            "out",
            "--max-doc-bytes",
            "1000",
            "--errors",
            "errors.jsonl",
        ],
        b"",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(dir.join("out/big.txt")).unwrap(),
        std::fs::read(dir.join("in/big.txt")).unwrap()
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("out/small.txt")).unwrap(),
        "第一段文字\n第二段\n"
    );
    let errors = std::fs::read_to_string(dir.join("errors.jsonl")).unwrap();
    assert!(
        errors.contains("big.txt") && errors.contains("over the limit"),
        "{errors}"
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_directory_output_never_replaces_an_input() {
    let dir = tmpdir("dir-changes");
    std::fs::create_dir_all(dir.join("in")).unwrap();
    std::fs::write(dir.join("in/a.txt"), PAGE).unwrap();
    let out = ocrtidy_in(
        &dir,
        &["clean", "in", "-o", "out", "--changes", "in/a.txt"],
        b"",
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(dir.join("in/a.txt")).unwrap(), PAGE);
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn binary_files_are_skipped_with_a_message() {
    let dir = tmpdir("binary");
    let mut elf = b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00".to_vec();
    elf.extend((0u8..=255).cycle().take(4000));
    std::fs::write(dir.join("prog"), &elf).unwrap();
    let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec();
    png.extend((0u8..=255).rev().cycle().take(3000));
    std::fs::write(dir.join("img.png"), &png).unwrap();
    std::fs::write(dir.join("p.txt"), PAGE).unwrap();
    let out = ocrtidy_in(&dir, &["clean", "prog", "p.txt", "img.png"], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8(out.stdout.clone()).unwrap(),
        "第一段文字\n第二段\n"
    );
    let err = stderr(&out);
    assert!(
        err.contains("prog: binary file") && err.contains("img.png: binary file"),
        "{err}"
    );
    // A stray NUL in OCR text is no sign of a binary file: it is removed as a recorded change.
    let out = ocrtidy_in(&dir, &["clean", "-"], "清徐\u{0}县\n".as_bytes());
    assert_eq!(String::from_utf8(out.stdout.clone()).unwrap(), "清徐县\n");
    // In a directory, a binary file is copied unchanged and reported.
    std::fs::create_dir_all(dir.join("in")).unwrap();
    std::fs::write(dir.join("in/prog"), &elf).unwrap();
    let out = ocrtidy_in(&dir, &["clean", "in", "-o", "out"], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read(dir.join("out/prog")).unwrap(), elf);
    assert!(stderr(&out).contains("binary file"), "{}", stderr(&out));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn offsets_refer_to_the_input_with_a_bom_and_name_the_encoding_otherwise() {
    let dir = tmpdir("bom");
    let text = "\u{feff}第一段  文字\n\n\n第二段 ，完\n";
    std::fs::write(dir.join("bom.txt"), text).unwrap();
    let out = ocrtidy_in(
        &dir,
        &["clean", "bom.txt", "--changes", "c.jsonl", "-o", "o.txt"],
        b"",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let output = std::fs::read_to_string(dir.join("o.txt")).unwrap();
    let changes = common::changes(&dir.join("c.jsonl"));
    assert_eq!(changes[0].rule, "bom");
    // Replaying the ledger on the file's own bytes gives the output.
    let replayed = ocrtidy::replay(text, &changes).expect("the ledger fits the file");
    assert_eq!(replayed, output);
    for c in &changes {
        assert_eq!(&text.as_bytes()[c.start..c.end], c.before.as_bytes());
    }

    // GBK: offsets refer to the decoded text, and every record says so.
    let (gbk, _, _) = encoding_rs::GBK.encode("第一段  文字\n\n\n第二段 ，完\n");
    std::fs::write(dir.join("gbk.txt"), &gbk).unwrap();
    let out = ocrtidy_in(
        &dir,
        &[
            "clean",
            "gbk.txt",
            "--encoding",
            "gbk",
            "--changes",
            "g.jsonl",
            "-o",
            "g.txt",
        ],
        b"",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let raw = std::fs::read_to_string(dir.join("g.jsonl")).unwrap();
    let records: Vec<serde_json::Value> = raw
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!records.is_empty());
    assert!(records
        .iter()
        .all(|r| r["encoding"] == "GBK" && r["offsets"] == "decoded"));
    let (decoded, _) = encoding_rs::GBK.decode_without_bom_handling(&gbk);
    let replayed = ocrtidy::replay(&decoded, &common::changes(&dir.join("g.jsonl"))).unwrap();
    let output = std::fs::read_to_string(dir.join("g.txt")).unwrap();
    assert_eq!(replayed, output);
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn the_inline_diff_never_sends_escape_sequences_to_the_terminal() {
    let dir = tmpdir("diff-escape");
    let out = ocrtidy_in(
        &dir,
        &["clean", "-", "--diff", "--color", "never"],
        "title\u{1b}]0;pwned\u{7}  text\u{1b}[2J end\n".as_bytes(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        !out.stdout.contains(&0x1b),
        "{:?}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(!out.stdout.contains(&0x07));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_duplicate_text_key_is_cleaned_in_its_last_place_and_warned() {
    let dir = tmpdir("dup-keys");
    let out = ocrtidy_in(
        &dir,
        &["clean", "--jsonl", "-", "--errors", "e.jsonl"],
        "{\"id\":1,\"text\":\"第一段  文字\",\"text\":\"第二段  文字\"}\n".as_bytes(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8(out.stdout.clone()).unwrap(),
        "{\"id\":1,\"text\":\"第一段  文字\",\"text\":\"第二段文字\"}\n"
    );
    let e = std::fs::read_to_string(dir.join("e.jsonl")).unwrap();
    assert!(
        e.contains("appears 2 times") && e.contains("\"warning\":true"),
        "{e}"
    );
    assert!(stderr(&out).contains("appears 2 times"), "{}", stderr(&out));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_layout_file_without_text_is_warned() {
    let dir = tmpdir("empty-page");
    let page = r#"<?xml version="1.0" encoding="UTF-8"?>
<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15">
  <Page imageFilename="p.png" imageWidth="100" imageHeight="100">
    <TextRegion id="r1"><Coords points="0,0 10,0 10,10 0,10"/></TextRegion>
  </Page>
</PcGts>
"#;
    std::fs::write(dir.join("p.xml"), page).unwrap();
    let out = ocrtidy_in(&dir, &["clean", "p.xml", "--input-format", "page"], b"");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("holds no text"), "{}", stderr(&out));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn utf16_without_a_bom_and_damaged_utf8_are_decoded_as_such() {
    let dir = tmpdir("utf16");
    let text = "Hello world, this is a page.\nA second line of text.\n";
    let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    std::fs::write(dir.join("le.txt"), &le).unwrap();
    for args in [
        &["clean", "le.txt"][..],
        &["clean", "le.txt", "--encoding", "auto"][..],
    ] {
        let out = ocrtidy_in(&dir, args, b"");
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(
            String::from_utf8(out.stdout.clone()).unwrap(),
            "Hello world, this is a page.\nA second line of text.\n",
            "{args:?}"
        );
        assert!(stderr(&out).contains("UTF-16LE"), "{}", stderr(&out));
    }
    // A short UTF-8 file with one bad byte stays UTF-8 (not windows-1252), the byte reported;
    // its U+FFFD is then a stray token like any other.
    std::fs::write(dir.join("bad.txt"), b"The page \xff was scanned.\n").unwrap();
    let out = ocrtidy_in(&dir, &["clean", "bad.txt"], b"");
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout.clone()).unwrap(),
        "The page was scanned.\n"
    );
    assert!(stderr(&out).contains("1 invalid byte"), "{}", stderr(&out));
    std::fs::remove_dir_all(dir).ok();
}

#[cfg(unix)]
#[test]
fn dev_stdout_is_written_where_it_is_not_replaced() {
    let dir = tmpdir("dev-stdout");
    std::fs::write(dir.join("p.txt"), PAGE).unwrap();
    std::fs::write(dir.join("log.txt"), "earlier line\n").unwrap();
    let log = std::fs::OpenOptions::new()
        .append(true)
        .open(dir.join("log.txt"))
        .unwrap();
    let link = dir.join("log-link.txt");
    std::fs::hard_link(dir.join("log.txt"), &link).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ocrtidy"))
        .args(["clean", "p.txt", "-o", "/dev/stdout"])
        .current_dir(&dir)
        .stdout(log)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    // Appended to the redirection target, which is still the same file (its hard link sees it).
    assert_eq!(
        std::fs::read_to_string(&link).unwrap(),
        "earlier line\n第一段文字\n第二段\n"
    );
    assert_eq!(
        others(&dir, &["p.txt", "log.txt", "log-link.txt"]),
        Vec::<String>::new()
    );
    std::fs::remove_dir_all(dir).ok();
}
