//! Every normalisation pass is idempotent, keeps the ledger replayable and never panics.

use crate::support;

use ocrtidy_core::Pass;
use ocrtidy_normalize::{CjkPunct, CjkSpacing, ControlChars, MixedScript, UnicodeForms, Width};
use proptest::prelude::*;
use support::run;

fn passes() -> Vec<Box<dyn Pass>> {
    vec![
        Box::new(ControlChars),
        Box::new(UnicodeForms),
        Box::new(Width),
        Box::new(MixedScript),
        Box::new(CjkPunct),
        Box::new(CjkSpacing),
    ]
}

/// Text that looks like OCR output: ideographs, Latin, digits, both widths of punctuation,
/// spaces, breaks, brackets, radicals, control and invisible characters.
fn ocr_like() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "中", "文", "学", "學", "发", "軟", "件", "a", "Z", "3", " ", "  ", "\u{3000}", "\n",
        "\u{c}", ",", "，", ".", "。", ":", "：", ";", "?", "!", "(", ")", "（", "）", "〈", "《",
        "》", "【", "ｗ", "．", "１", "⼈", "⻓", "\u{200b}", "\u{200d}", "\u{ad}", "\u{feff}",
        "\0", "\u{b}", "\u{301}", "e", "ﬁ", "\u{f900}", "“", "”", "-", "/",
    ]);
    prop::collection::vec(atoms, 0..60).prop_map(|v| v.concat())
}

/// Typeset Chinese: ten clause marks glued to the text, Latin words set off by spaces, a
/// full-width pair.
const TYPESET: &str = "系统安装完成后，请重新启动计算机。登录以后，打开终端，检查网络连接；\
    如果一切正常，就可以开始使用 apt 了。遇到问题时（很少见），请先阅读手册，再向社区求助。";

fn check_all(text: &str) {
    for pass in passes() {
        let id = pass.id();
        let once = run(vec![pass], text);
        let again = run(
            passes().into_iter().filter(|p| p.id() == id).collect(),
            &once.text,
        );
        assert_eq!(again.text, once.text, "{id} is not idempotent on {text:?}");
    }
    let once = run(passes(), text);
    let again = run(passes(), &once.text);
    assert_eq!(
        again.text, once.text,
        "the passes together are not idempotent on {text:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn idempotent_on_ocr_like_text(text in ocr_like()) {
        check_all(&text);
    }

    /// With a typeset paragraph around it, the text is judged typeset (or, if the random part
    /// brings enough faults, not): the rules of both verdicts stay idempotent.
    #[test]
    fn idempotent_on_text_judged_typeset(
        text in ocr_like(),
        at_end in any::<bool>(),
        n in 1..8usize,
    ) {
        let typeset = TYPESET.repeat(n);
        let text = if at_end {
            format!("{typeset}\n{text}")
        } else {
            format!("{text}\n{typeset}")
        };
        check_all(&text);
    }

    #[test]
    fn never_panic_on_arbitrary_unicode(text in "\\PC{0,40}") {
        check_all(&text);
    }
}
