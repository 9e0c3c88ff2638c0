//! Behaviour of the typo pass: corrections applied, suggested, and text left alone.

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

/// (input document, expected output, expected rules of the applied changes)
const FIXES: &[(&str, &str, &[&str])] = &[
    // The newspaper's 残疾人土: 土/士 are near-identical glyphs, and 人士 recurs on the page.
    (
        "社会各界爱心人士纷纷参与。为老年人、残疾人土及执行管控任务的公安干警送菜。感谢爱心人士。",
        "社会各界爱心人士纷纷参与。为老年人、残疾人士及执行管控任务的公安干警送菜。感谢爱心人士。",
        &["typo-zh-evidence"],
    ),
    // The newspaper's 安全关教育: 关/观 sound alike, 安全观 is in the lexicon and recurs.
    (
        "不断推动总体国家安全关教育常态化。树牢总体国家安全观，领悟总体国家安全观的内涵，宣传安全观。",
        "不断推动总体国家安全观教育常态化。树牢总体国家安全观，领悟总体国家安全观的内涵，宣传安全观。",
        &["typo-zh-evidence"],
    ),
    // Tesseract's 找贝 a few lines away from a correct 拷贝.
    (
        "在遵守版权声明的前提下，允许找贝和发布本文档的完整拷贝。",
        "在遵守版权声明的前提下，允许拷贝和发布本文档的完整拷贝。",
        &["typo-zh-evidence"],
    ),
    // 己/已.
    ("这个软件包己经安装好了。", "这个软件包已经安装好了。", &["typo-zh"]),
    ("这是我己经说过的话。", "这是我已经说过的话。", &["typo-zh"]),
    // Latin: an OCR-typical edit toward a word that recurs in the document.
    (
        "Debian is free. Deb1an runs on many machines; Debian is stable.",
        "Debian is free. Debian runs on many machines; Debian is stable.",
        &["typo-latin-ocr"],
    ),
    // RapidOCR glued two words that recur apart.
    (
        "Debian Edu is a project. Install Debian Edu today. DebianEdu ships a server.",
        "Debian Edu is a project. Install Debian Edu today. Debian Edu ships a server.",
        &["typo-latin-split"],
    ),
];

/// Text that must not change (and must not even be questioned where noted).
const KEEPS: &[&str] = &[
    "清除疫情来势凶猛。",
    "清除垃圾文件可以释放磁盘空间。",
    "请先卸载旧版本，再安装新版本。",
    "该命令将删除所有的临时文件。",
    "所有用户都必须遵守这些规定。",
    "李明在北京大学学习计算机科学。",
    "士兵们在土地上休息。",
    "今天天气很好，我们去公园散步。",
    "国家安全教育日的主题是总体国家安全观。",
    "我们未来的计划是扩大生产。",
    // 抗疫 is not in the lexicon, 抗议 is: a sound-alike, not a look-alike, and 疫 recurs in
    // 疫情 on the page. At most a weak suggestion.
    "同心抗疫工会行动。做好抗疫一线工作人员关心关爱工作，疫情防控。",
    "在选择区域上画，不要越过边界。",
    "The quick brown fox jumps over the lazy dog.",
    "使用 apt 命令安装软件包，然后运行 dpkg -l 查看。",
    "Use i386 or amd64 with x86 and ext4; LibreOffice reads UTF8 files.",
    "",
];

#[test]
fn fixes_are_applied_with_their_rules_and_idempotent() {
    for &(input, want, rules) in FIXES {
        let cleaned = run(Typo::embedded(), input);
        assert_eq!(cleaned.text, want, "input {input:?}");
        assert_eq!(applied_rules(&cleaned), rules, "rules for {input:?}");
        let again = run(Typo::embedded(), &cleaned.text);
        assert_eq!(again.text, cleaned.text, "not idempotent on {input:?}");
        assert_eq!(again.applied().count(), 0);
    }
}

#[test]
fn keeps_are_left_alone() {
    for &t in KEEPS {
        let cleaned = run(Typo::embedded(), t);
        assert_eq!(cleaned.text, t);
        assert_eq!(cleaned.applied().count(), 0, "changed a keep-case {t:?}");
    }
    // Without 清徐 in the document, 清除 is not even questioned.
    assert!(run(Typo::embedded(), "清除疫情来势凶猛。")
        .changes
        .is_empty());
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
fn weak_or_balanced_recurrence_is_no_support() {
    // Alone, 发展关 is not even questioned (关 is a frequent character).
    let t = "我们要牢固树立科学发展关，推动经济发展。";
    assert!(run(Typo::embedded(), t).changes.is_empty());
    // The variant recurs about as often as the phrase (three times each): two readings, not a
    // misreading.
    let t = "学习科学发展观的内涵。把握科学发展关的要求。坚持科学发展观不动摇。\
             贯彻落实科学发展观。我们要牢固树立科学发展关，推动经济发展。跨过科学发展关。";
    let cleaned = run(Typo::embedded(), t);
    assert_eq!(cleaned.text, t);
    assert_eq!(cleaned.applied().count(), 0);
    // Recurring only twice is not enough either.
    let t = "学习科学发展观的内涵。坚持科学发展观不动摇。我们要牢固树立科学发展关，推动经济发展。";
    let cleaned = run(Typo::embedded(), t);
    assert_eq!(cleaned.text, t);
    assert_eq!(cleaned.applied().count(), 0);
}

/// The suggestions: (document, the questioned character, the top candidate).
const SUGGESTIONS: &[(&str, &str, &str)] = &[
    // 清徐 (a county) is named nine times on the page: 清除疫情 becomes suspicious. Replacing
    // one valid word by another on document evidence is only ever suggested.
    (
        "清除疫情来势凶猛。清徐县委召开会议，清徐县政府部署防控，清徐县人民医院，清徐的干部，\
         清徐的群众，清徐县城，清徐县委书记，清徐县长，清徐人民团结一心。",
        "除",
        "徐",
    ),
    // Alone, 残疾人土 is suspicious but not sure enough.
    (
        "为老年人、残疾人土及执行管控任务的公安干警送菜。",
        "土",
        "士",
    ),
    // Tesseract's 网时 for 同时: likely (同时 is frequent, 网时 no word) but below the threshold.
    ("网时，用户可以修改配置文件。", "网", "同"),
    // 遭守 has two readings (遵守, 遭受): suggested, never applied.
    ("系统会自动遭守这些规则。", "遭", "遵"),
];

#[test]
fn uncertain_corrections_are_suggestions_with_ranked_candidates() {
    for &(input, before, top) in SUGGESTIONS {
        let cleaned = run(Typo::embedded(), input);
        assert_eq!(cleaned.text, input, "a suggestion changed the text");
        let s = cleaned
            .changes
            .iter()
            .find(|c| !c.applied && c.before == before)
            .unwrap_or_else(|| panic!("no suggestion for {before} in {input:?}"));
        assert_eq!(s.candidates[0].text, top, "top candidate in {input:?}");
        assert!(s.candidates.windows(2).all(|w| w[0].score >= w[1].score));
    }
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
    // 用产 is not a word: 用户 is suggested.
    let t = "请在安装前阅读用产手册。";
    let cleaned = run(Typo::embedded(), t);
    assert_eq!(cleaned.text, t);
    assert_eq!(cleaned.changes[0].candidates[0].text, "户");
    // A user lexicon that knows 用产 (say, a product line) keeps it unquestioned.
    let mut lex = Lexicon::over_embedded();
    lex.load_user("用产\t2000\n".as_bytes(), "user.tsv")
        .unwrap();
    let cleaned = run(Typo::new(&lex, &ConfusionTable::embedded()), t);
    assert!(cleaned.changes.iter().all(|c| c.after != "户"));
}

#[test]
fn the_threshold_moves_suggestions_to_corrections() {
    let t = "请在安装前阅读用产手册。";
    let cleaned = run(Typo::embedded().with_threshold(0.2), t);
    assert_eq!(cleaned.text, "请在安装前阅读用户手册。");
    let cleaned = run(
        Typo::embedded().with_threshold(0.9999),
        "这个软件包己经安装好了。",
    );
    assert_eq!(cleaned.applied().count(), 0);
}

#[test]
fn learned_tables_add_candidates() {
    // 嘿 for 黑 is in no embedded table; a learned table makes it a candidate.
    let t = "天色已经嘿了。";
    assert!(run(Typo::embedded(), t)
        .changes
        .iter()
        .all(|c| c.after != "黑"));
    let mut table = ConfusionTable::embedded();
    table
        .load("嘿\t黑\t0.2\t7\n", ConfusionKind::Learned, "learned.tsv")
        .unwrap();
    let cleaned = run(Typo::new(Lexicon::embedded(), &table), t);
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
    // Without confidences: a suggestion (see SUGGESTIONS).
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
