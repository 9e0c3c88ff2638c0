//! Helpers shared by the CLI test files.

use std::path::{Path, PathBuf};

/// A fresh temporary directory of this test process, named `name`.
pub fn tmpdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ocrtidy-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The change records of a JSON Lines file (change records only: summaries are skipped).
pub fn changes(path: &Path) -> Vec<ocrtidy::Change> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v.get("pass").is_some())
        .map(|v| {
            let s = |k: &str| v[k].as_str().unwrap().to_string();
            let n = |k: &str| v[k].as_u64().unwrap() as usize;
            ocrtidy::Change {
                pass: ocrtidy::PassId::from_name(v["pass"].as_str().unwrap()).unwrap(),
                rule: Box::leak(s("rule").into_boxed_str()),
                start: n("start"),
                end: n("end"),
                char_start: n("char_start"),
                char_end: n("char_end"),
                before: s("before"),
                after: s("after"),
                confidence: v["confidence"].as_f64().unwrap() as f32,
                applied: v["applied"].as_bool().unwrap(),
                candidates: Vec::new(),
                out_start: n("out_start"),
                out_end: n("out_end"),
                history: Vec::new(),
            }
        })
        .collect()
}
