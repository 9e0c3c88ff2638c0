//! Behaviour of the typo pass that its data-driven cases (`tests/cases/typo.cases` at the
//! workspace root) cannot show: long documents, user data, OCR confidences, random text.

use ocrtidy_core::{replay, Cleaned, Context, Pass, PassId, PassKind, PassSpec, RuleSpec, Runner};
use ocrtidy_typo::{ConfusionKind, ConfusionTable, Lexicon, Typo};
use proptest::prelude::*;

fn run(pass: Typo, input: &str) -> Cleaned {
    let passes: Vec<Box<dyn Pass>> = vec![Box::new(pass)];
    let cleaned = Runner::new(passes).run(input, &Context::default());
    assert_eq!(
        replay(input, &cleaned.changes).as_deref(),
        Some(cleaned.text.as_str()),
        "ledger does not replay for {input:?}"
    );
    cleaned
}

fn applied_rules(c: &Cleaned) -> Vec<&'static str> {
    let mut v: Vec<&str> = c.applied().map(|c| c.rule).collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Document support: 科学发展观 four times, each time after 科学发展, makes 科学发展关 (关 and
/// 观 sound alike; 发展关 is no word) a misreading.
const SUPPORTED: &str = "把思想统一到科学发展观上来。学习科学发展观的内涵。坚持科学发展观不动摇。\
                         贯彻落实科学发展观。我们要牢固树立科学发展关，推动经济发展。";

/// Filler that the corrector leaves alone, to make a document long.
fn filler(sentences: usize) -> String {
    "今天天气很好，我们去公园散步。".repeat(sentences)
}

#[test]
fn a_phrase_that_recurs_in_the_document_corrects_its_variant() {
    let want = SUPPORTED.replace("发展关", "发展观");
    let cleaned = run(Typo::embedded(), SUPPORTED);
    assert_eq!(cleaned.text, want);
    assert_eq!(applied_rules(&cleaned), ["typo-zh-evidence"]);
    // Counts, not shares of the page: the same four occurrences are as strong on a page of
    // 1,000 sentences around them (at most the cache model's size dilutes them).
    for n in [300, 1000] {
        let long = format!("{}{SUPPORTED}{}", filler(n), filler(n));
        let cleaned = run(Typo::embedded(), &long);
        assert_eq!(cleaned.text, format!("{}{want}{}", filler(n), filler(n)));
        assert_eq!(
            applied_rules(&cleaned),
            ["typo-zh-evidence"],
            "{n} sentences"
        );
    }
    // The newspaper's case: 总体国家安全观 four times on a page, 安全关教育 once.
    let page = "树牢总体国家安全观，感悟新时代国家安全成就。研讨总体国家安全观有关内容。\
                推动总体国家安全关教育常态化。领悟总体国家安全观的要素。宣传总体国家安全观。";
    let long = format!("{}{page}{}", filler(1000), filler(1000));
    let cleaned = run(Typo::embedded(), &long);
    assert_eq!(cleaned.text, long.replace("安全关", "安全观"));
    assert_eq!(applied_rules(&cleaned), ["typo-zh-evidence"]);
}

#[test]
fn protected_terms_are_never_corrected() {
    let mut lex = Lexicon::over_embedded();
    lex.load_protected("网时\n".as_bytes(), "protect.txt")
        .unwrap();
    let typo = Typo::new(&lex, &ConfusionTable::embedded());
    let t = "网时，用户可以修改配置文件。";
    let cleaned = run(typo, t);
    assert_eq!(cleaned.text, t);
    assert!(cleaned.changes.is_empty());
}

#[test]
fn user_lexicon_words_are_known() {
    // 用产 is not a word: 用户 is suggested (weakly: recorded with all suggestions).
    let t = "请在安装前阅读用产手册。";
    let cleaned = run(Typo::embedded().with_all_suggestions(true), t);
    assert_eq!(cleaned.text, t);
    assert_eq!(cleaned.changes[0].candidates[0].text, "户");
    // A user lexicon that knows 用产 (say, a product line) keeps it unquestioned.
    let mut lex = Lexicon::over_embedded();
    lex.load_user("用产\t2000\n".as_bytes(), "user.tsv")
        .unwrap();
    let typo = Typo::new(&lex, &ConfusionTable::embedded()).with_all_suggestions(true);
    let cleaned = run(typo, t);
    assert!(cleaned.changes.iter().all(|c| c.after != "户"));
}

#[test]
fn learned_tables_add_candidates() {
    // 嘿 for 黑 is in no embedded table; a learned table makes it a candidate.
    let t = "天色已经嘿了。";
    assert!(run(Typo::embedded().with_all_suggestions(true), t)
        .changes
        .iter()
        .all(|c| c.after != "黑"));
    let mut table = ConfusionTable::embedded();
    table
        .load("嘿\t黑\t0.2\t7\n", ConfusionKind::Learned, "learned.tsv")
        .unwrap();
    let typo = Typo::new(Lexicon::embedded(), &table).with_all_suggestions(true);
    let cleaned = run(typo, t);
    assert!(cleaned
        .changes
        .iter()
        .any(|c| c.before == "嘿" && c.candidates[0].text == "黑"));
}

/// Byte range of the first occurrence of `needle` in `text`.
fn span(text: &str, needle: &str) -> std::ops::Range<usize> {
    let start = text.find(needle).expect("needle in text");
    start..start + needle.len()
}

#[test]
fn low_ocr_confidence_makes_a_likely_correction_applied() {
    let t = "他们网时到达了会场。";
    // Without confidences: a suggestion (see `tests/cases/typo.cases`).
    assert_eq!(run(Typo::embedded(), t).applied().count(), 0);
    // The engine was unsure of 网: applied, and the rule says why.
    let ctx = Context::with_confidences([(span(t, "网"), 0.35)]);
    let passes: Vec<Box<dyn Pass>> = vec![Box::new(Typo::embedded())];
    let cleaned = Runner::new(passes).run(t, &ctx);
    assert_eq!(cleaned.text, "他们同时到达了会场。");
    assert_eq!(applied_rules(&cleaned), ["typo-zh-low-confidence"]);
    // Sure of it: not even a strong suggestion.
    let ctx = Context::with_confidences([(span(t, "网时"), 0.99)]);
    let passes: Vec<Box<dyn Pass>> = vec![Box::new(Typo::embedded())];
    let sure = Runner::new(passes).run(t, &ctx);
    assert_eq!(sure.text, t);
    let weak = |c: &Cleaned| {
        c.changes
            .iter()
            .find(|c| c.before == "网")
            .map_or(0.0, |c| c.confidence)
    };
    assert!(weak(&sure) < weak(&run(Typo::embedded(), t)));
}

/// A pass before the typo pass that deletes a leading `##` marker: the confidences, given in
/// the input's offsets, must follow the text.
struct DropMarker;

static DROP_MARKER: PassSpec = PassSpec {
    id: PassId::StrayTokens,
    summary: "a toy pass",
    kind: PassKind::Character,
    removes_text: true,
    rerun: true,
    local: false,
    written_back: false,
    rules: &[RuleSpec {
        id: "marker",
        explain: "",
    }],
};

impl Pass for DropMarker {
    fn spec(&self) -> &'static PassSpec {
        &DROP_MARKER
    }
    fn run(&self, input: &ocrtidy_core::PassInput<'_>, sink: &mut ocrtidy_core::EditSink<'_>) {
        if input.text.starts_with("##") {
            let _ = sink.delete(0..2, "marker", 1.0);
        }
    }
}

#[test]
fn confidences_follow_the_text_through_earlier_passes() {
    let t = "##他们网时到达了会场。";
    let ctx = Context::with_confidences([(span(t, "网"), 0.35)]);
    let passes: Vec<Box<dyn Pass>> = vec![Box::new(DropMarker), Box::new(Typo::embedded())];
    let cleaned = Runner::new(passes).run(t, &ctx);
    assert_eq!(cleaned.text, "他们同时到达了会场。");
    assert_eq!(
        replay(t, &cleaned.changes).as_deref(),
        Some(cleaned.text.as_str())
    );
    // A confidence on another character changes nothing there.
    let ctx = Context::with_confidences([(span(t, "到"), 0.35)]);
    let passes: Vec<Box<dyn Pass>> = vec![Box::new(DropMarker), Box::new(Typo::embedded())];
    assert_eq!(
        Runner::new(passes).run(t, &ctx).text,
        "他们网时到达了会场。"
    );
}

/// Characters that the confusion tables connect, to make random text that triggers the scorer.
const ALPHABET: &[char] = &[
    '土', '士', '人', '残', '疾', '关', '观', '安', '全', '网', '同', '时', '找', '拷', '贝', '己',
    '已', '经', '遭', '遵', '守', '受', '除', '徐', '清', '的', '。', '，', ' ', '\n', 'a',
];

fn chinese_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(ALPHABET), 0..80)
        .prop_map(|v| v.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn never_panics_and_replays_on_arbitrary_text(s in any::<String>()) {
        let cleaned = run(Typo::embedded(), &s);
        let again = run(Typo::embedded(), &cleaned.text);
        prop_assert_eq!(again.text, cleaned.text);
    }

    #[test]
    fn converges_with_random_confidences(
        s in chinese_text(),
        spans in proptest::collection::vec((0usize..200, 1usize..20, 0.0f32..1.0), 0..6),
    ) {
        let ctx = Context::with_confidences(spans.into_iter().map(|(a, l, c)| (a..a + l, c)));
        let passes: Vec<Box<dyn Pass>> = vec![Box::new(Typo::embedded())];
        let runner = Runner::new(passes);
        // Spans anywhere (beyond the text, splitting chars): no panic, a ledger that replays,
        // and a run that converges (its output is a fixed point under the same evidence).
        let cleaned = runner.run(&s, &ctx);
        prop_assert_eq!(replay(&s, &cleaned.changes), Some(cleaned.text.clone()));
        prop_assert!(cleaned.stats.converged);
    }

    #[test]
    fn idempotent_on_confusable_chinese(s in chinese_text()) {
        let cleaned = run(Typo::embedded(), &s);
        let again = run(Typo::embedded(), &cleaned.text);
        prop_assert_eq!(again.text, cleaned.text);
    }
}

/// A toy word language model for `Typo::with_lm`: a few words, with a bonus for one of them.
#[derive(Debug)]
struct ToyLm {
    words: Vec<&'static str>,
    /// log10 P of the favoured word (the others: -5).
    favoured: (&'static str, f32),
}

impl ocrtidy_typo::chinese::WordLm for ToyLm {
    fn index(&self, word: &str) -> Option<u32> {
        self.words
            .iter()
            .position(|w| *w == word)
            .map(|i| i as u32 + 1)
    }
    fn unk(&self) -> u32 {
        0
    }
    fn log10_prob(&self, _context: &[u32], word: u32) -> f32 {
        match word {
            0 => -7.0,
            w if self.words[w as usize - 1] == self.favoured.0 => self.favoured.1,
            _ => -5.0,
        }
    }
}

/// The confidence of the change of `before` in `input` (`None`: no change recorded).
fn confidence_of(pass: Typo, input: &str, before: &str) -> Option<f32> {
    let cleaned = run(pass, input);
    cleaned
        .changes
        .iter()
        .find(|c| c.before == before)
        .map(|c| c.confidence)
}

#[test]
fn a_language_model_weighs_the_candidates_in_context() {
    let input = "为残疾人土及执行管理提供服务。";
    let lm = |favoured| {
        std::sync::Arc::new(ToyLm {
            words: vec![
                "残疾",
                "残疾人",
                "人士",
                "残疾人士",
                "士",
                "土",
                "及",
                "执行",
                "管理",
            ],
            favoured,
        })
    };
    let with = |favoured| {
        Typo::embedded()
            .with_all_suggestions(true)
            .with_lm(lm(favoured))
    };
    let plain = confidence_of(Typo::embedded().with_all_suggestions(true), input, "土")
        .expect("土 is questioned without a model");
    // A model that knows 残疾人士 well raises the correction; one that prefers 残疾人 + 土
    // lowers it.
    let up = confidence_of(with(("残疾人士", -2.0)), input, "土").expect("still a change");
    assert!(up > plain, "{up} <= {plain}");
    let down = confidence_of(with(("土", -1.0)), input, "土").unwrap_or(0.0);
    assert!(down < plain, "{down} >= {plain}");
}

#[test]
fn a_form_the_document_repeats_is_not_judged_by_the_language_model() {
    // 过孔 (a via, on a page about circuit boards) three more times: the model's preference for
    // 过度 does not count at any of them.
    let text = "放置过孔。移动过孔。删除过孔。检查过孔。";
    let lm = std::sync::Arc::new(ToyLm {
        words: vec!["过度", "过", "孔", "度"],
        favoured: ("过度", -1.0),
    });
    let with = Typo::embedded().with_all_suggestions(true).with_lm(lm);
    let without = Typo::embedded().with_all_suggestions(true);
    assert_eq!(run(with, text).changes, run(without, text).changes);
}
