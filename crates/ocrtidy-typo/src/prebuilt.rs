//! The model of the embedded lexicon and confusion tables, built at compile time by `build.rs`
//! (see `model.rs`), so that start-up reads the tables in place instead of building them.

use ocrtidy_lexicon::Lexicon;

use crate::confusion::ConfusionTable;
use crate::model::{ChannelParams, Model};

/// [`Model::write`] of the embedded model, written by `build.rs`. Stored as it is, not
/// compressed: the model reads its tables in place from the binary's read-only data, so start-up
/// decompresses nothing and only the pages a run touches are loaded.
static PREBUILT: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/model.bin"));

/// The embedded model's bytes.
fn prebuilt() -> &'static [u8] {
    PREBUILT
}

impl Model {
    /// The model of [`Lexicon::embedded`], the embedded confusion tables and the default channel
    /// parameters: the prebuilt one, or, when the embedded lexicon is not the one it was built
    /// from (the lexicon's `embedded-dict` feature is off), one built now.
    pub fn embedded() -> Model {
        let lexicon = Lexicon::embedded();
        Model::read_static(&Model::stamp(lexicon), prebuilt()).unwrap_or_else(|| {
            Model::build(
                lexicon,
                &ConfusionTable::embedded(),
                ChannelParams::default(),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prebuilt_model_is_the_one_built_at_run_time() {
        let lexicon = Lexicon::embedded();
        let prebuilt = Model::read_static(&Model::stamp(lexicon), prebuilt());
        assert!(prebuilt.is_some(), "the prebuilt model does not read back");
        let built = Model::build(
            lexicon,
            &ConfusionTable::embedded(),
            ChannelParams::default(),
        );
        assert!(prebuilt == Some(built));
    }

    #[test]
    fn a_model_reads_back_only_with_its_stamp() {
        let mut lexicon = Lexicon::new();
        lexicon
            .load_user("清徐县\t50\tns\n清除\t300\n".as_bytes(), "user.tsv")
            .unwrap();
        lexicon.protect("清徐");
        let mut table = ConfusionTable::new();
        table.add('除', '徐', 0.9, crate::ConfusionKind::Visual);
        let model = Model::build(&lexicon, &table, ChannelParams::default());
        let mut bytes = Vec::new();
        model.write(b"stamp", &mut bytes);
        assert!(Model::read(b"stamp", &bytes).as_ref() == Some(&model));
        assert!(Model::read(b"other", &bytes).is_none());
        assert!(Model::read(b"stamp", &bytes[..bytes.len() - 1]).is_none());
        assert!(Model::read(b"stamp", b"").is_none());
    }
}
