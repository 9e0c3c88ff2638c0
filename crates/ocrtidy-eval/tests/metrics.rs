//! Metric cases (values as `score.py` computes them) and properties over arbitrary text.

use ocrtidy_eval::{furniture_counts, score, Unit};
use proptest::prelude::*;

#[test]
fn cer_wer_and_content() {
    // (pred, gt, ed_raw, n_raw, ed_content, n_content, ed_words, n_words)
    let cases = [
        ("第一段\n第二段", "第一段\n第二段", 0, 7, 0, 6, 0, 6),
        ("第一段\n第二\n段", "第一段\n第二段", 1, 7, 0, 6, 0, 6),
        // Every CJK character is a word, an embedded Latin word one word.
        ("使用apt命令", "使用 apt 命令", 2, 9, 0, 7, 0, 5),
        ("使用apt命今", "使用 apt 命令", 3, 9, 1, 7, 1, 5),
        (
            "the quick brwn fox",
            "the quick brown fox",
            1,
            19,
            1,
            16,
            1,
            4,
        ),
        ("", "空", 1, 1, 1, 1, 1, 1),
        ("多余", "", 2, 0, 2, 0, 2, 0),
        ("第一段\u{c}", "第一段", 1, 3, 0, 3, 0, 3),
        // A byte order mark is no text.
        ("\u{feff}第一段", "第一段", 0, 3, 0, 3, 0, 3),
        ("多余", "\u{feff}", 2, 0, 2, 0, 2, 0),
    ];
    for (pred, gt, er, nr, ec, nc, ew, nw) in cases {
        let c = score(pred, gt, &[], Unit::Grapheme);
        assert_eq!(
            (
                c.ed_raw,
                c.n_raw,
                c.ed_content,
                c.n_content,
                c.ed_words,
                c.n_words
            ),
            (er, nr, ec, nc, ew, nw),
            "{pred:?} vs {gt:?}"
        );
    }
}

#[test]
fn empty_ground_truth_is_undefined_not_perfect() {
    // Pure insertions against an empty (or BOM-only) ground truth: infinite, as dinglehopper
    // says, never 0; nothing against nothing is 0.
    for gt in ["", "\u{feff}"] {
        let s = score("任何文字 any text", gt, &[], Unit::Grapheme).summary(1);
        assert_eq!(
            (s.cer_raw, s.cer_content, s.wer),
            (f64::INFINITY, f64::INFINITY, f64::INFINITY),
            "{gt:?}"
        );
        assert_eq!(
            serde_json::to_value(s).unwrap()["CER_raw"],
            serde_json::Value::Null
        );
        let s = score("", gt, &[], Unit::Grapheme).summary(1);
        assert_eq!((s.cer_raw, s.cer_content, s.wer), (0.0, 0.0, 0.0));
        let s = score("\u{feff}", gt, &[], Unit::CodePoint).summary(1);
        assert_eq!((s.cer_raw, s.cer_content, s.wer), (0.0, 0.0, 0.0));
    }
    // In a group the record's insertions count, and the rate is finite again.
    let mut c = score("多余", "", &[], Unit::Grapheme);
    c += score("文字", "文字", &[], Unit::Grapheme);
    let s = c.summary(2);
    assert_eq!((s.cer_raw, s.wer), (1.0, 1.0));
}

#[test]
fn wer_is_normalised_as_cer_is() {
    // NFC and NFD spellings of the same words: neither CER nor WER sees a difference.
    let (nfc, nfd) = (
        "café crème brûlée",
        "cafe\u{301} cre\u{300}me bru\u{302}le\u{301}e",
    );
    let s = score(nfd, nfc, &[], Unit::Grapheme).summary(1);
    assert_eq!((s.cer_raw, s.wer), (0.0, 0.0));
    // Code points count the text as given, for both.
    let c = score(nfd, nfc, &[], Unit::CodePoint);
    assert_eq!((c.ed_raw, c.ed_words, c.n_words), (8, 3, 3));
}

#[test]
fn wer_of_chinese_counts_characters_and_latin_words() {
    let gt = "使用 apt 命令安装软件包。\n第二段";
    let words: Vec<&str> = ocrtidy_eval::words(gt).collect();
    assert_eq!(
        words,
        [
            "使", "用", "apt", "命", "令", "安", "装", "软", "件", "包", "。", "第", "二", "段"
        ]
    );
    // OCR that drops the spaces and breaks lines differently reads the same words.
    let c = score("使用apt命令安装\n软件包。第二段", gt, &[], Unit::Grapheme);
    assert_eq!((c.ed_words, c.n_words), (0, 14));
    // One wrong character is one wrong word; a misread Latin word is one.
    let c = score("使用 apr 命令安装软件色。\n第二段", gt, &[], Unit::Grapheme);
    assert_eq!((c.ed_words, c.n_words), (2, 14));
    // Japanese and Korean alike; a combining mark stays with its letter.
    let w: Vec<&str> = ocrtidy_eval::words("テスト한국어 e\u{301}t\u{e9}").collect();
    assert_eq!(w, ["テ", "ス", "ト", "한", "국", "어", "e\u{301}t\u{e9}"]);
}

#[test]
fn graphemes_after_nfc_versus_code_points() {
    // "é" precomposed vs decomposed: the same grapheme after NFC, two code points apart.
    let c = score("cafe\u{301}", "café", &[], Unit::Grapheme);
    assert_eq!((c.ed_raw, c.n_raw), (0, 4));
    let c = score("cafe\u{301}", "café", &[], Unit::CodePoint);
    assert_eq!((c.ed_raw, c.n_raw), (2, 4));
    // A flag is one grapheme of two code points.
    let c = score("🇨🇳", "🇯🇵", &[], Unit::Grapheme);
    assert_eq!((c.ed_raw, c.n_raw), (1, 1));
}

#[test]
fn paragraph_breaks() {
    // (pred, gt, tp, pred boundaries, gt boundaries)
    let cases = [
        ("甲\n乙\n丙", "甲\n乙\n丙", 2, 2, 2),
        ("甲\n\n乙", "甲\n乙", 1, 1, 1), // a blank line is one boundary
        ("甲乙\n丙", "甲\n乙丙", 0, 1, 1), // a break in the wrong place
        ("甲\n乙丙", "甲\n乙\n丙", 1, 1, 2),
        ("甲乙丙", "甲\n乙丙", 0, 0, 1),
        ("甲\n乙", "甲乙", 0, 1, 0),
        ("甲 \n 乙", "甲\n乙", 1, 1, 1), // whitespace around the break belongs to it
    ];
    for (pred, gt, tp, np, ng) in cases {
        let c = score(pred, gt, &[], Unit::Grapheme);
        assert_eq!(
            (c.lb_tp, c.lb_pred, c.lb_gt),
            (tp, np, ng),
            "{pred:?} vs {gt:?}"
        );
    }
}

#[test]
fn furniture_leaks_and_keeps() {
    let items: Vec<String> = [
        "《开源技术周报》",
        "2023年5月22日 星期一",
        "（下转第5版）",
        "— 4 —",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // (pred, leaked items)
    let cases = [
        ("正文第一段\n正文第二段", 0),
        ("《开源技术周报》 2023年5月22日 星期一\n正文", 2), // both in one header line
        ("《开源技朮周报》\n正文", 1),                      // one misread character still leaks
        ("正文\n（下转第5版）", 1),
        ("正文\n4", 1), // a bare page number leaks the footer
        ("正文\n一 4 一", 1),
        ("正文里提到第4章", 0),
        ("本周报道了开源技术的进展", 0),
    ];
    for (pred, leaked) in cases {
        assert_eq!(furniture_counts(pred, &items), (leaked, 4), "{pred:?}");
    }
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics_and_self_scores_perfectly(
        a in "\\PC{0,80}", b in "(\\PC|\n| |\r\n){0,80}"
    ) {
        for unit in [Unit::Grapheme, Unit::CodePoint] {
            let c = score(&a, &b, std::slice::from_ref(&b), unit);
            prop_assert!(c.lb_tp <= c.lb_pred.min(c.lb_gt));
            let s = score(&b, &b, &[], unit);
            prop_assert_eq!((s.ed_raw, s.ed_content, s.ed_words), (0, 0, 0));
            prop_assert_eq!(s.lb_tp, s.lb_gt.min(s.lb_pred));
        }
    }
}
