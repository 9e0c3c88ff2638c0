//! `Pipeline::clean_pages`: the pages of one document cleaned together and split back per page.

use ocrtidy::{replay, Cleaned, PassId, Pipeline};
use proptest::prelude::*;

fn texts(cleaned: &[Cleaned]) -> Vec<&str> {
    cleaned.iter().map(|c| c.text.as_str()).collect()
}

fn rules(cleaned: &Cleaned) -> Vec<&'static str> {
    cleaned.applied().map(|c| c.rule).collect()
}

/// Every page's ledger replays on the page to the page's output, with offsets in the page.
fn assert_ledgers(pages: &[&str], cleaned: &[Cleaned]) {
    assert_eq!(pages.len(), cleaned.len());
    for (page, c) in pages.iter().zip(cleaned) {
        assert_eq!(
            replay(page, &c.changes).as_deref(),
            Some(c.text.as_str()),
            "ledger of page {page:?}: {:#?}",
            c.changes
        );
        let mut last_end = 0;
        for ch in c.applied() {
            assert!(ch.start >= last_end, "applied changes overlap");
            last_end = ch.end;
            assert_eq!(&page[ch.start..ch.end], ch.before);
            assert_eq!(page[..ch.start].chars().count(), ch.char_start);
            assert_eq!(page[..ch.end].chars().count(), ch.char_end);
            assert_eq!(&c.text[ch.out_start..ch.out_end], ch.after);
        }
    }
}

/// Pages, expected outputs, expected applied rules per page.
type Case<'a> = (&'a [&'a str], &'a [&'a str], &'a [&'a [&'a str]]);

#[test]
fn pages_are_cleaned_and_split_back() {
    let cases: &[Case<'_>] = &[
        // Keep-cases: clean pages stay as they are, with no change.
        (
            &["第一页。", "第二页。"],
            &["第一页。", "第二页。"],
            &[&[], &[]],
        ),
        (&["一\n二", "三"], &["一\n二", "三"], &[&[], &[]]),
        (&["Page one.", ""], &["Page one.", ""], &[&[], &[]]),
        (&["", "", ""], &["", "", ""], &[&[], &[], &[]]),
        (&["  缩进的第一行"], &["  缩进的第一行"], &[&[]]),
        // Fix-cases: breaks at page edges are dropped, as for a document of its own.
        (
            &["第一页  \n", "\n第二页\r\n"],
            &["第一页", "第二页"],
            &[&["document-end"], &["page-break", "document-end"]],
        ),
        (
            &["标题\n\n\n正文。\n", "下一页。"],
            &["标题\n正文。", "下一页。"],
            &[&["blank-lines", "document-end"], &[]],
        ),
        (
            &["\n\n", "内容"],
            &["", "内容"],
            &[&["document-start"], &[]],
        ),
        (
            &["A\n", "", "\nC"],
            &["A", "", "C"],
            &[&["document-end"], &[], &["page-break"]],
        ),
    ];
    let pipeline = Pipeline::builder()
        .only([PassId::Newlines, PassId::TrailingSpace, PassId::BlankLines])
        .build()
        .unwrap();
    for (pages, want, want_rules) in cases {
        let cleaned = pipeline.clean_pages(pages);
        assert_ledgers(pages, &cleaned);
        assert_eq!(texts(&cleaned), *want, "pages {pages:?}");
        for (c, r) in cleaned.iter().zip(want_rules.iter()) {
            assert_eq!(rules(c), *r, "pages {pages:?}");
        }
    }
}

#[test]
fn a_single_page_is_cleaned_like_a_document() {
    let pipeline = Pipeline::default();
    for page in ["第一段  \r\n\r\n第二段\r\n", "", "\u{c}甲\u{c}乙\u{c}"] {
        let alone = pipeline.clean(page);
        let grouped = pipeline.clean_pages(&[page]);
        assert_eq!(grouped.len(), 1);
        assert_eq!(grouped[0].text, alone.text);
        assert_eq!(grouped[0].changes, alone.changes);
    }
    assert!(pipeline.clean_pages(&[]).is_empty());
}

#[test]
fn without_blank_lines_the_page_edges_are_left_alone() {
    let pipeline = Pipeline::builder()
        .only([PassId::Newlines])
        .build()
        .unwrap();
    let pages = ["一\r\n", "\r\n二"];
    let cleaned = pipeline.clean_pages(&pages);
    assert_ledgers(&pages, &cleaned);
    assert_eq!(texts(&cleaned), ["一\n", "\n二"]);
}

#[test]
fn a_form_feed_inside_a_page_does_not_move_the_page_boundaries() {
    let pipeline = Pipeline::default();
    let pages = ["上\u{c}下", "次页"];
    let cleaned = pipeline.clean_pages(&pages);
    assert_ledgers(&pages, &cleaned);
    assert_eq!(texts(&cleaned), ["上\n\u{c}下", "次页"]);
}

fn page_strategy() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("中文".to_string()),
        Just("text".to_string()),
        Just(" ".to_string()),
        Just("\u{3000}".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\r".to_string()),
        Just("\u{c}".to_string()),
        Just("。".to_string()),
        Just("\t".to_string()),
        "\\PC{0,3}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any pages through the default pipeline: every page's ledger replays to its output.
    #[test]
    fn split_ledgers_replay(pages in prop::collection::vec(page_strategy(), 0..5)) {
        let pipeline = Pipeline::default();
        let pages: Vec<&str> = pages.iter().map(String::as_str).collect();
        let cleaned = pipeline.clean_pages(&pages);
        prop_assert_eq!(cleaned.len(), pages.len());
        assert_ledgers(&pages, &cleaned);
    }

    /// Any pages (empty ones, form feeds inside pages): the texts cleaned without a ledger are
    /// those split through it, with and without the pass that trims the pages' edges.
    #[test]
    fn texts_alone_are_the_split_texts(pages in prop::collection::vec(page_strategy(), 0..5)) {
        let pages: Vec<&str> = pages.iter().map(String::as_str).collect();
        let trimmed = Pipeline::builder().skip([PassId::BlankLines]).build().unwrap();
        for pipeline in [Pipeline::default(), trimmed] {
            let cleaned = pipeline.clean_pages(&pages);
            prop_assert_eq!(pipeline.clean_pages_text(&pages), texts(&cleaned));
        }
    }

    /// Any pages: cleaning the split outputs again as a group changes nothing (with passes
    /// that are idempotent on their own, so that this tests the splitting).
    #[test]
    fn split_outputs_are_idempotent(pages in prop::collection::vec(page_strategy(), 0..5)) {
        let pipeline = Pipeline::builder()
            .only([PassId::Newlines, PassId::TrailingSpace, PassId::BlankLines])
            .build()
            .unwrap();
        let pages: Vec<&str> = pages.iter().map(String::as_str).collect();
        let cleaned = pipeline.clean_pages(&pages);
        assert_ledgers(&pages, &cleaned);
        let outputs: Vec<&str> = texts(&cleaned);
        let again = pipeline.clean_pages(&outputs);
        prop_assert_eq!(texts(&again), outputs.clone());
        for c in &again {
            prop_assert_eq!(c.applied().count(), 0, "{:?}", c.changes);
        }
    }
}
