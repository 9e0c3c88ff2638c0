//! Metric cases (values as `score.py` computes them) and properties over arbitrary text.

use ocrtidy_eval::{furniture_counts, score, Unit};
use proptest::prelude::*;

#[test]
fn cer_wer_and_content() {
    // (pred, gt, ed_raw, n_raw, ed_content, n_content, ed_words, n_words)
    let cases = [
        ("第一段\n第二段", "第一段\n第二段", 0, 7, 0, 6, 0, 2),
        ("第一段\n第二\n段", "第一段\n第二段", 1, 7, 0, 6, 2, 2),
        ("使用apt命令", "使用 apt 命令", 2, 9, 0, 7, 3, 3),
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
        ("多余", "", 2, 0, 2, 0, 1, 0),
        ("第一段\u{c}", "第一段", 1, 3, 0, 3, 0, 1),
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
