//! Properties of both noise passes on arbitrary input: no panic, no refused edit, the ledger
//! replays to the output, and the output is a fixed point.

use ocrtidy_core::{replay, Context, Pass, Runner};
use ocrtidy_noise::{Duplicates, StrayTokens};
use proptest::prelude::*;

fn both() -> Runner {
    let passes: Vec<Box<dyn Pass>> = vec![Box::new(StrayTokens), Box::new(Duplicates)];
    Runner::new(passes)
}

/// Text made of the pieces OCR noise is made of, so that the rules actually fire.
fn ocr_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("服务器提供客户端运行所需的信息。".to_string()),
        Just("对筛查出的相关人员已全部落实管控措施。".to_string()),
        Just("The server provides the information. ".to_string()),
        Just("\n".to_string()),
        Just("\u{c}".to_string()),
        Just(" ".to_string()),
        Just("丨".to_string()),
        Just("|".to_string()),
        Just("。".to_string()),
        Just(" a ".to_string()),
        Just(" and ".to_string()),
        Just("————".to_string()),
        Just("~".to_string()),
        Just("•".to_string()),
        Just("\u{FFFD}".to_string()),
        "[a-z]{1,3}",
        "[\u{4e00}-\u{4e20}]{1,4}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

/// No refused edit, the ledger replays to the output, and each pass is idempotent on its own.
/// (Run one after the other, a removal by `duplicates` can give a stray letter the Chinese
/// neighbours that make `stray-tokens` remove it on a second run; the full pipeline's
/// convergence is checked at the workspace level.)
fn check(text: &str) -> Result<(), TestCaseError> {
    let ctx = Context::default();
    let out = both().run(text, &ctx);
    prop_assert_eq!(out.stats.rejected_edits, 0);
    let replayed = replay(text, &out.changes);
    prop_assert_eq!(replayed.as_deref(), Some(out.text.as_str()));
    let singles: [Box<dyn Pass>; 2] = [Box::new(StrayTokens), Box::new(Duplicates)];
    for pass in singles {
        let id = pass.id();
        let r = Runner::new(vec![pass]);
        let once = r.run(text, &ctx);
        prop_assert_eq!(once.stats.rejected_edits, 0);
        let twice = r.run(&once.text, &ctx);
        prop_assert_eq!(
            &twice.text,
            &once.text,
            "{} not idempotent on {:?}",
            id,
            text
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_unicode(text in any::<String>()) {
        check(&text)?;
    }

    #[test]
    fn ocr_like_noise(text in ocr_like()) {
        check(&text)?;
    }
}
