//! Turns the embedded jieba word list into the sorted form of `src/dict.rs`, LZ4-compressed
//! (written to `OUT_DIR/jieba-dict.bin.lz4` and embedded by `Lexicon::embedded`), so that
//! start-up only decompresses the list instead of parsing 349k lines. Nothing is written without
//! the `embedded-dict` feature.

use std::env;
use std::fs;
use std::path::PathBuf;

#[allow(dead_code)]
#[path = "src/dict.rs"]
mod dict;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/dict.rs");
    if env::var_os("CARGO_FEATURE_EMBEDDED_DICT").is_none() {
        return;
    }
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let source = manifest.join("../../data/lexicon/jieba-dict.txt");
    println!("cargo:rerun-if-changed={}", source.display());
    let text = fs::read_to_string(&source)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", source.display()));
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap_or_default()).join("jieba-dict.bin.lz4");
    let sorted = dict::encode(&dict::parse_list(&text));
    fs::write(&out, lz4_flex::compress_prepend_size(&sorted))
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}
