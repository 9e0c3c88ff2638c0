//! Builds the typo model of the embedded word list and confusion tables at compile time and
//! writes it to `OUT_DIR/model.bin` (embedded as it is and read in place by `Model::embedded`), so that
//! start-up does not spend a few hundred milliseconds building it. The model code itself is compiled in here, so
//! the stored model is exactly what `Model::build` makes at run time (a unit test checks it).

use std::env;
use std::fs;
use std::path::PathBuf;

#[allow(dead_code)]
#[path = "src/confusion.rs"]
mod confusion;
#[allow(dead_code)]
#[path = "src/flat.rs"]
mod flat;
#[allow(dead_code)]
#[path = "src/model.rs"]
mod model;

use confusion::ConfusionTable;
use model::{ChannelParams, Model};
use ocrtidy_lexicon::Lexicon;

fn main() {
    for f in [
        "build.rs",
        "src/confusion.rs",
        "src/flat.rs",
        "src/model.rs",
    ] {
        println!("cargo:rerun-if-changed={f}");
    }
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let data = manifest.join("../../data");
    println!(
        "cargo:rerun-if-changed={}",
        data.join("confusion").display()
    );
    let dict = data.join("lexicon/jieba-dict.txt");
    println!("cargo:rerun-if-changed={}", dict.display());
    let text =
        fs::read_to_string(&dict).unwrap_or_else(|e| panic!("cannot read {}: {e}", dict.display()));
    // The same list, in the same order, as `Lexicon::embedded` holds it.
    let lexicon = Lexicon::from_word_list(&text);
    let model = Model::build(
        &lexicon,
        &ConfusionTable::embedded(),
        ChannelParams::default(),
    );
    let mut bytes = Vec::new();
    model.write(&Model::stamp(&lexicon), &mut bytes);
    let out = PathBuf::from(env::var_os("OUT_DIR").unwrap_or_default()).join("model.bin");
    fs::write(&out, &bytes).unwrap_or_else(|e| panic!("cannot write {}: {e}", out.display()));
}
