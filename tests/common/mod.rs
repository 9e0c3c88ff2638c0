//! Helpers shared by the CLI test files.

use std::path::{Path, PathBuf};

/// A fresh temporary directory of this test process, named `name`.
pub fn tmpdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ocrtidy-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The change records of a JSON Lines file (change records only: summaries are skipped), read
/// back as the library's `Change` (extra fields such as `id` are ignored).
pub fn changes(path: &Path) -> Vec<ocrtidy::Change> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v.get("pass").is_some())
        .map(|v| serde_json::from_value(v).unwrap())
        .collect()
}
