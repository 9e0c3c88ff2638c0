//! `ocrtidy clean --write-back FILE`: the character corrections of a run written into the
//! hOCR, ALTO or PAGE file it was laid out from, every other byte kept; the layout's edits
//! (furniture, line joins, dehyphenation, blank lines) stay in the cleaned text only.
//!
//! Fixtures (`tests/data/writeback/`): one Chinese page as hOCR (a running header with
//! full-width digits, a paragraph of three printed lines with a full-width `ａｐｔ`, an ASCII
//! comma between Chinese words, a misread `安妆` and a Latin word hyphenated across a line
//! break, then a second paragraph), the paragraph as ALTO, as PAGE with line-level text, and
//! as PAGE with the text on the word, line and region levels; and as ALTO with a full-width
//! Latin word hyphenated across two lines (`HypPart1`/`HypPart2`).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn data(name: &str) -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .join("tests/data/writeback")
        .join(name)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn tmpdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ocrtidy-wb-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn ocrtidy<S: AsRef<OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ocrtidy"))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `input` with each `old` (which must occur exactly once) replaced by its `new`.
fn replaced(input: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = input.to_string();
    for (old, new) in pairs {
        assert_eq!(out.matches(old).count(), 1, "{old}");
        out = out.replacen(old, new, 1);
    }
    out
}

/// The corrections of the hOCR page: inside three word elements.
const HOCR_FIXES: &[(&str, &str)] = &[
    (">第一段使用ａｐｔ命令<", ">第一段使用apt命令<"),
    (">安装软件包,<", ">安装软件包，<"),
    (">安妆过程<", ">安装过程<"),
];

#[test]
fn page_corrections_can_keep_the_engines_reading() {
    // OCR-D provenance: the corrected text is `index="1"`, the engine's reading follows.
    let dir = tmpdir("page-keep");
    let input = data("zh-words.page.xml");
    let (_, written) = write_back(&input, &dir, &["--keep-ocr-reading"]);
    assert!(written.contains(
        "<TextEquiv index=\"1\" comments=\"ocrtidy\"><Unicode>安装过程</Unicode></TextEquiv>\
         <TextEquiv index=\"2\" conf=\"0.61\"><Unicode>安妆过程</Unicode></TextEquiv>"
    ));
    assert!(written.contains(
        "<TextEquiv index=\"1\" comments=\"ocrtidy\"><Unicode>可以查看系统的安装日志。安装过程很简单。</Unicode></TextEquiv>\
         <TextEquiv index=\"2\" conf=\"0.80\"><Unicode>可以查看系统的安装日志。安妆过程很简单。</Unicode>"
    ));
    // The written file, cleaned and written back again, stays as it is.
    let again_in = dir.join("again.page.xml");
    std::fs::write(&again_in, &written).unwrap();
    let (_, again) = write_back(&again_in, &dir, &["--keep-ocr-reading"]);
    assert_eq!(again, written);
}

/// Cleans `input` with `--write-back` into `dir`; returns the run and the written file.
fn write_back(input: &Path, dir: &Path, extra: &[&str]) -> (Output, String) {
    let out = dir.join("written");
    let mut args = vec![
        "clean",
        "--input-format",
        "auto",
        input.to_str().unwrap(),
        "--write-back",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let run = ocrtidy(&args);
    assert!(run.status.success(), "{}", stderr(&run));
    let written = read(&out);
    (run, written)
}

#[test]
fn hocr_corrections_go_into_the_words_and_nothing_else() {
    let dir = tmpdir("hocr");
    let input = data("zh-page.hocr");
    let original = read(&input);
    let changes = dir.join("changes.jsonl");
    let (run, written) = write_back(&input, &dir, &["--changes", changes.to_str().unwrap()]);

    // Byte for byte the input with the three words corrected: every id, bbox and x_wconf, the
    // running header (its digits stay full-width: the header is printed), `infor-` and
    // `mation` on their lines, and the line breaks are the file's.
    assert_eq!(written, replaced(&original, HOCR_FIXES));
    assert!(written.contains(">２０２４年５月１日</span>"));
    assert!(written.contains("x_wconf 95'>infor-</span>"));
    assert!(written.contains("x_wconf 94'>mation</span>"));
    assert!(stderr(&run).contains("5 corrections written back into 3 elements"));

    // The cleaned text and the changes file are those of a run without --write-back.
    let plain_changes = dir.join("plain.jsonl");
    let plain = ocrtidy(&[
        "clean",
        "--input-format",
        "auto",
        input.to_str().unwrap(),
        "--changes",
        plain_changes.to_str().unwrap(),
    ]);
    assert_eq!(stdout(&run), stdout(&plain));
    assert_eq!(
        stdout(&run),
        "第一段使用apt命令安装软件包，安装完成后可以查看系统的安装日志。这里有更多的 \
         information 说明，安装过程很简单。\n第二段说明安装步骤和注意事项。\n"
    );
    assert_eq!(read(&changes), read(&plain_changes));
}

#[test]
fn alto_content_attributes_are_rewritten() {
    let dir = tmpdir("alto");
    let input = data("zh-page.alto.xml");
    let (_, written) = write_back(&input, &dir, &[]);
    assert_eq!(
        written,
        replaced(
            &read(&input),
            &[
                (
                    "CONTENT=\"第一段使用ａｐｔ命令\"",
                    "CONTENT=\"第一段使用apt命令\""
                ),
                ("CONTENT=\"安装软件包,\"", "CONTENT=\"安装软件包，\""),
                ("CONTENT=\"安妆过程\"", "CONTENT=\"安装过程\""),
            ]
        )
    );
}

#[test]
fn page_lines_without_words_take_their_corrections() {
    let dir = tmpdir("page");
    let input = data("zh-lines.page.xml");
    let (_, written) = write_back(&input, &dir, &[]);
    assert_eq!(
        written,
        replaced(
            &read(&input),
            &[
                (
                    "<Unicode>第一段使用ａｐｔ命令安装软件包,安装完成后<",
                    "<Unicode>第一段使用apt命令安装软件包，安装完成后<"
                ),
                ("。安妆过程很简单。<", "。安装过程很简单。<"),
            ]
        )
    );
}

#[test]
fn page_line_and_region_texts_follow_the_corrected_words() {
    let dir = tmpdir("page-words");
    let input = data("zh-words.page.xml");
    let (run, written) = write_back(&input, &dir, &[]);
    // The words, and the line and region texts that repeat them (Chinese words joined with
    // nothing between them, lines with a line break, as the file joined them).
    assert_eq!(
        written,
        replaced(
            &read(&input),
            &[
                (">第一段使用ａｐｔ命令<", ">第一段使用apt命令<"),
                (">安装软件包,<", ">安装软件包，<"),
                (">安妆过程<", ">安装过程<"),
                (
                    "\"0.88\"><Unicode>第一段使用ａｐｔ命令安装软件包,安装完成后<",
                    "\"0.88\"><Unicode>第一段使用apt命令安装软件包，安装完成后<",
                ),
                (
                    "\"0.80\"><Unicode>可以查看系统的安装日志。安妆过程很简单。<",
                    "\"0.80\"><Unicode>可以查看系统的安装日志。安装过程很简单。<",
                ),
                (
                    "\"0.84\"><Unicode>第一段使用ａｐｔ命令安装软件包,安装完成后\n可以查看系统的安装日志。安妆过程很简单。<",
                    "\"0.84\"><Unicode>第一段使用apt命令安装软件包，安装完成后\n可以查看系统的安装日志。安装过程很简单。<",
                ),
            ]
        )
    );
    assert!(stderr(&run).contains("into 3 elements"), "{}", stderr(&run));
}

#[test]
fn words_that_are_not_their_line_text_are_left_and_said() {
    // The second line's own text is another reading than its words: the line's text is what
    // the line reads, so it is corrected; its words cannot take the correction (they do not
    // spell the line out), stay as they were, and a warning names the line.
    let dir = tmpdir("page-stale");
    let input = dir.join("stale.page.xml");
    let original = read(&data("zh-words.page.xml")).replace(
        "\"0.80\"><Unicode>可以查看系统的安装日志。安妆过程很简单。<",
        "\"0.80\"><Unicode>可以査看系统的安装日志。安妆过程很简单。<",
    );
    std::fs::write(&input, &original).unwrap();
    let (run, written) = write_back(&input, &dir, &[]);
    assert!(written.contains("\"0.80\"><Unicode>可以査看系统的安装日志。安装过程很简单。<"));
    assert!(written.contains(">安妆过程<"));
    let err = stderr(&run);
    assert!(
        err.contains("warning: ")
            && err.contains("`TextLine` `l2`: its words `可以查看系统的安装日志。`")
            && err.contains("did not go into them"),
        "{err}"
    );
    // Quiet: no warning.
    let (run, _) = write_back(&input, &dir, &["-q"]);
    assert!(!stderr(&run).contains("warning"), "{}", stderr(&run));
}

#[test]
fn alto_hyphenated_word_goes_back_into_both_parts() {
    // The layout writes the pair as its whole word (`SUBS_CONTENT`) on the first part: the
    // corrected word is split back into the parts, and both parts' whole word follows.
    let dir = tmpdir("alto-hyphen");
    let input = data("zh-hyphen.alto.xml");
    let (_, written) = write_back(&input, &dir, &[]);
    assert_eq!(
        written,
        replaced(
            &read(&input),
            &[
                (
                    "CONTENT=\"ｉｎｆｏｒ\" SUBS_TYPE=\"HypPart1\" SUBS_CONTENT=\"ｉｎｆｏｒｍａｔｉｏｎ\"",
                    "CONTENT=\"infor\" SUBS_TYPE=\"HypPart1\" SUBS_CONTENT=\"information\"",
                ),
                (
                    "CONTENT=\"ｍａｔｉｏｎ\" SUBS_TYPE=\"HypPart2\" SUBS_CONTENT=\"ｉｎｆｏｒｍａｔｉｏｎ\"",
                    "CONTENT=\"mation\" SUBS_TYPE=\"HypPart2\" SUBS_CONTENT=\"information\"",
                ),
            ]
        )
    );
}

#[test]
fn writing_back_the_written_file_again_changes_nothing() {
    for name in [
        "zh-page.hocr",
        "zh-page.alto.xml",
        "zh-lines.page.xml",
        "zh-words.page.xml",
        "zh-hyphen.alto.xml",
    ] {
        let dir = tmpdir(&format!("again-{name}"));
        let (_, first) = write_back(&data(name), &dir, &[]);
        let copy = dir.join(name);
        std::fs::write(&copy, &first).unwrap();
        let (run, second) = write_back(&copy, &dir, &[]);
        assert_eq!(first, second, "{name}");
        assert!(
            stderr(&run).contains("0 corrections written back"),
            "{name}"
        );
    }
}

#[test]
fn dash_writes_the_file_to_stdout_when_the_text_goes_elsewhere() {
    let dir = tmpdir("dash");
    let input = data("zh-page.hocr");
    let text = dir.join("out.txt");
    let run = ocrtidy(&[
        "clean",
        "--input-format",
        "hocr",
        input.to_str().unwrap(),
        "-o",
        text.to_str().unwrap(),
        "--write-back",
        "-",
        "-q",
    ]);
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(stdout(&run), replaced(&read(&input), HOCR_FIXES));
    assert!(read(&text).starts_with("第一段使用apt命令"));
    assert_eq!(stderr(&run), "");
}

/// Runs `args` and expects exit status 2 with `reason` in the message, and no written file.
fn fails<S: AsRef<OsStr> + std::fmt::Debug>(args: &[S], reason: &str) {
    let run = ocrtidy(args);
    let msg = stderr(&run);
    assert_eq!(run.status.code(), Some(2), "{args:?}: {msg}");
    assert!(msg.contains(reason), "{args:?}: {msg}");
    assert!(msg.starts_with("ocrtidy: error: "), "{msg}");
}

#[test]
fn what_cannot_be_written_back_is_an_error_or_a_warning() {
    let dir = tmpdir("errors");
    let out = dir.join("never-written.xml");
    let out_s = out.to_str().unwrap();
    let hocr = data("zh-page.hocr");
    let hocr_s = hocr.to_str().unwrap();
    let alto = data("zh-page.alto.xml");
    let with = |args: &[&str]| -> Vec<String> {
        let mut v: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        v.extend(["--write-back".to_string(), out_s.to_string()]);
        v
    };

    fails(
        &with(&[
            "clean",
            "--input-format",
            "auto",
            hocr_s,
            alto.to_str().unwrap(),
        ]),
        "exactly one input file, got 2",
    );
    fails(
        &with(&[
            "clean",
            "--input-format",
            "auto",
            data("").to_str().unwrap(),
        ]),
        "not a directory",
    );
    fails(&with(&["clean", "--jsonl", hocr_s]), "not with --jsonl");
    fails(&with(&["clean", hocr_s]), "is plain text");

    let tsv = dir.join("page.tsv");
    std::fs::write(
        &tsv,
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
         5\t1\t1\t1\t1\t1\t100\t100\t80\t20\t90\t安妆\n",
    )
    .unwrap();
    fails(
        &with(&[
            "clean",
            "--input-format",
            "tesseract-tsv",
            tsv.to_str().unwrap(),
        ]),
        "a tesseract-tsv file cannot take corrections back",
    );
    let rapid =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/layout/page1.rapidocr.json");
    fails(
        &with(&["clean", "--input-format", "auto", rapid.to_str().unwrap()]),
        "a rapidocr-json file cannot take corrections back",
    );

    // Words without ids of their own: that correction has nowhere to go. It is named in a
    // warning, and the others are written.
    let no_ids = dir.join("no-ids.hocr");
    let no_ids_text = read(&hocr)
        .replace(" id='word_1_10'", "")
        .replace(" id='word_1_11'", "");
    std::fs::write(&no_ids, &no_ids_text).unwrap();
    let run = ocrtidy(&with(&[
        "clean",
        "--input-format",
        "hocr",
        no_ids.to_str().unwrap(),
    ]));
    let msg = stderr(&run);
    assert!(run.status.success(), "{msg}");
    assert!(
        msg.contains(
            "no-ids.hocr: the word `安妆过程` (page 1, block 2, line 3) has \
             no id of its own, so its correction to `安装过程` cannot be written back"
        ),
        "{msg}"
    );
    assert!(
        msg.contains("1 element correction not written back"),
        "{msg}"
    );
    assert_eq!(read(&out), replaced(&no_ids_text, &HOCR_FIXES[..2]));
    std::fs::remove_file(&out).unwrap();

    // The input is never overwritten, under its own name or another.
    let copy = dir.join("copy.hocr");
    std::fs::copy(&hocr, &copy).unwrap();
    let copy_s = copy.to_str().unwrap();
    let dotted = format!("{}/./copy.hocr", dir.display());
    for target in [copy_s, dotted.as_str()] {
        fails(
            &[
                "clean",
                "--input-format",
                "hocr",
                copy_s,
                "--write-back",
                target,
            ],
            "input file is output file",
        );
    }
    assert_eq!(read(&copy), read(&hocr));
    fails(
        &[
            "clean",
            "--input-format",
            "hocr",
            hocr_s,
            "-o",
            out_s,
            "--write-back",
            out_s,
        ],
        "the same file as -o",
    );
    // `-` only when the cleaned text does not go to standard output.
    fails(
        &[
            "clean",
            "--input-format",
            "hocr",
            hocr_s,
            "--write-back",
            "-",
        ],
        "the cleaned text already goes to standard output",
    );
    assert!(!out.exists());
}
