//! Invariants of the whole default pipeline on arbitrary text:
//! replaying the ledger gives the output, nothing outside a change moves, offsets map back,
//! cleaning is idempotent, and no input panics.

use ocrtidy::{replay, Change, Pipeline};
use proptest::prelude::*;

fn check_invariants(pipeline: &Pipeline, input: &str) -> Result<(), TestCaseError> {
    let cleaned = pipeline.clean(input);
    let out = &cleaned.text;
    // Replaying the applied changes on the input reproduces the output; since replay copies
    // everything outside the changes verbatim, nothing outside a change moved.
    let replayed = replay(input, &cleaned.changes);
    prop_assert_eq!(replayed.as_deref(), Some(out.as_str()));
    let applied: Vec<&Change> = cleaned.applied().collect();
    for w in applied.windows(2) {
        prop_assert!(w[0].end <= w[1].start, "applied changes overlap");
    }
    for c in &cleaned.changes {
        prop_assert!(c.start <= c.end && c.end <= input.len());
        prop_assert!(input.is_char_boundary(c.start) && input.is_char_boundary(c.end));
        prop_assert_eq!(c.char_start, input[..c.start].chars().count());
        prop_assert_eq!(c.char_end, input[..c.end].chars().count());
        prop_assert!((0.0..=1.0).contains(&c.confidence));
        prop_assert!(c.out_start <= c.out_end && c.out_end <= out.len());
        if c.applied {
            prop_assert_eq!(&input[c.start..c.end], c.before.as_str());
            prop_assert_eq!(&out[c.out_start..c.out_end], c.after.as_str());
        }
    }
    // Idempotence: the output is a fixed point.
    let again = pipeline.clean(out);
    prop_assert_eq!(
        &again.text,
        out,
        "cleaning the output changed it: {:?}",
        again.applied().collect::<Vec<_>>()
    );
    Ok(())
}

/// Text shaped like OCR output: CJK and Latin words, both widths of punctuation, all kinds of
/// spaces and breaks, control characters, radicals, ligatures and hyphens.
fn ocr_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::sample::select(vec![
            "清徐", "疫情", "残疾人土", "安全关", "本报讯", "记者", "杨文", "以快制快", "伴随",
            "the", "infor-", "mation", "Linux", "well-", "known", "Page", "12", "3.5", "9:00",
            "第3版", "（下转第2版）", "— 4 —", "a@b.com", "http://x.cn/a", "DebianEdu",
        ]).prop_map(str::to_string),
        3 => proptest::sample::select(vec![
            "，", ",", "。", ".", "：", ":", "；", ";", "！", "?", "（", ")", "〈", "“", "\"",
            "|", "丨", "■", "•", "~", "_", "—————", "\u{fffd}", "-",
        ]).prop_map(str::to_string),
        3 => proptest::sample::select(vec![
            " ", "  ", "\u{3000}", "\t", "\n", "\n\n", "\r\n", "\r", "\u{c}", "\u{a0}",
        ]).prop_map(str::to_string),
        1 => proptest::sample::select(vec![
            "\u{0}", "\u{7}", "\u{200b}", "\u{ad}", "\u{feff}", "\u{2f08}", "\u{fb01}", "Ａ１",
            "\u{2028}", "e\u{301}", "發", "後",
        ]).prop_map(str::to_string),
        1 => any::<char>().prop_map(|c| c.to_string()),
    ];
    proptest::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn default_pipeline_invariants_on_ocr_like_text(input in ocr_like()) {
        check_invariants(&Pipeline::default(), &input)?;
    }

    #[test]
    fn default_pipeline_invariants_on_any_unicode(input in any::<String>()) {
        check_invariants(&Pipeline::default(), &input)?;
    }
}

#[test]
fn every_pass_alone_keeps_the_invariants() {
    let samples = [
        "第一段  \r\n\r\n第二段，清徐 县\u{c}\n  Page 3\n",
        "infor-\nmation is well-\nknown.\n\n\nNext paragraph\u{3000}\n",
        "",
        "\u{c}\u{c}\n",
    ];
    // Script conversion runs only with a conversion chosen.
    let mut config = ocrtidy::Config::default();
    config.script = Some(ocrtidy::ScriptConversion::T2s);
    for &id in ocrtidy::available_passes() {
        let pipeline = Pipeline::builder()
            .only([id])
            .config(config.clone())
            .build()
            .unwrap_or_else(|e| panic!("pass {id} does not build: {e}"));
        for s in samples {
            check_invariants(&pipeline, s).unwrap_or_else(|e| panic!("pass {id} on {s:?}: {e}"));
        }
    }
}
