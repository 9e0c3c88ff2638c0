//! One truth for the output bytes: what `ocrtidy clean` writes, the replay of its `--changes`
//! and its reports agree byte for byte; and every change is named after the pass that made it.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{changes, tmpdir};

fn sample(name: &str) -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .join("data/samples")
        .join(name)
}

#[test]
fn output_replay_and_reports_agree_byte_for_byte() {
    let dir = tmpdir("one-truth");
    let mut inputs: Vec<(String, Vec<u8>)> = vec![
        (
            "zh.txt".into(),
            std::fs::read(sample("zh-newspaper.txt")).unwrap(),
        ),
        (
            "en.txt".into(),
            std::fs::read(sample("en-book.txt")).unwrap(),
        ),
    ];
    for (i, text) in [
        "no final line break",
        "第一段  \r\n\r\n\r\n第二段 ，完\r\n\r\n\r\n",
        "\n\n\n",
        "",
        "\u{feff}带 BOM 的 文本\n\n",
        "Lines  \nwith trailing   \n\n\n\nblank lines\n\n",
    ]
    .iter()
    .enumerate()
    {
        inputs.push((format!("case{i}.txt"), text.as_bytes().to_vec()));
    }
    for (name, bytes) in &inputs {
        let input = dir.join(name);
        std::fs::write(&input, bytes).unwrap();
        let (out, ch, report) = (dir.join("out.txt"), dir.join("c.jsonl"), dir.join("r.json"));
        let diff = dir.join("r.diff");
        for (report_path, _) in [(&report, "json"), (&diff, "diff")] {
            let run = Command::new(env!("CARGO_BIN_EXE_ocrtidy"))
                .arg("clean")
                .arg(&input)
                .arg("-o")
                .arg(&out)
                .arg("--changes")
                .arg(&ch)
                .arg("--report")
                .arg(report_path)
                .output()
                .unwrap();
            assert!(
                run.status.success(),
                "{name}: {}",
                String::from_utf8_lossy(&run.stderr)
            );
        }
        let output = std::fs::read_to_string(&out).unwrap();
        let input_text = String::from_utf8(bytes.clone()).unwrap();
        assert_eq!(
            ocrtidy::replay(&input_text, &changes(&ch)).as_deref(),
            Some(output.as_str()),
            "{name}: the replay of --changes is the output"
        );
        assert!(
            output.is_empty() || output.ends_with('\n') && !output.ends_with("\n\n"),
            "{name}: {output:?}"
        );
        // The JSON report's records are the ledger of the text it shows (BOM apart).
        let shown = input_text.strip_prefix('\u{feff}').unwrap_or(&input_text);
        assert_eq!(
            ocrtidy::replay(shown, &changes(&report)).as_deref(),
            Some(output.as_str()),
            "{name}: the JSON report replays to the output"
        );
        let diff_text = std::fs::read_to_string(&diff).unwrap();
        if output.ends_with('\n') {
            // The diff's new side ends with a line break, as the output does.
            let no_newline_marks = diff_text.matches("\\ No newline at end of file").count();
            let input_lacks = !shown.is_empty() && !shown.ends_with('\n');
            assert_eq!(
                no_newline_marks,
                usize::from(input_lacks),
                "{name}:\n{diff_text}"
            );
        }
    }
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn the_sample_page_credits_each_removal_to_its_pass() {
    let dir = tmpdir("attribution");
    let ch = dir.join("c.jsonl");
    let run = Command::new(env!("CARGO_BIN_EXE_ocrtidy"))
        .arg("clean")
        .arg(sample("zh-newspaper.txt"))
        .arg("--changes")
        .arg(&ch)
        .output()
        .unwrap();
    assert!(run.status.success());
    let all = changes(&ch);
    let passes: Vec<&str> = all.iter().map(|c| c.pass.name()).collect();
    for pass in ["furniture", "duplicates", "stray-tokens"] {
        assert!(passes.contains(&pass), "{pass} missing from {passes:?}");
    }
    // A change named after a whitespace pass moved only whitespace.
    for c in &all {
        if matches!(
            c.pass.name(),
            "blank-lines" | "line-join" | "trailing-space"
        ) && c.applied
        {
            assert!(
                c.before
                    .chars()
                    .chain(c.after.chars())
                    .all(char::is_whitespace)
                    || c.rule == "hyphen"
                    || c.pass.name() == "line-join",
                "{c:?}"
            );
        }
    }
    let blank: Vec<_> = all
        .iter()
        .filter(|c| c.pass.name() == "blank-lines")
        .collect();
    assert!(
        blank.iter().all(|c| c
            .before
            .chars()
            .chain(c.after.chars())
            .all(char::is_whitespace)),
        "{blank:?}"
    );
    std::fs::remove_dir_all(dir).ok();
}
