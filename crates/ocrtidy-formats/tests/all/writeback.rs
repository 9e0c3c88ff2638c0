//! Write-back: corrected word texts go back into the file they came from, and every other byte
//! (coordinates, ids, confidences, layout) stays.

use std::collections::HashMap;

use crate::words;
use ocrtidy_formats::writeback::{write_back_report, WrittenBack};
use ocrtidy_formats::{convert, element_texts, read, write_back, Format, LayoutOptions};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn texts(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The bytes of `before` and `after` outside the rewritten texts are the same: removing every
/// `old → new` from both sides leaves the same string.
fn assert_only_changed(before: &str, after: &str, changes: &[(&str, &str)]) {
    let (mut a, mut b) = (before.to_string(), after.to_string());
    for (old, new) in changes {
        a = a.replacen(old, "", 1);
        b = b.replacen(new, "", 1);
    }
    assert_eq!(a, b);
}

#[test]
fn hocr_words_are_rewritten_in_place() {
    let input = fixture("tesseract.hocr");
    let out = write_back(
        &input,
        Format::Hocr,
        &texts(&[("word_1_5", "使用了"), ("word_1_6", "a<p>t")]),
    )
    .unwrap();
    assert!(out.contains("title='bbox 162 100 208 120; x_wconf 90'>使用了</span>"));
    assert!(out.contains("title='bbox 215 100 250 120; x_wconf 90'>a&lt;p&gt;t</span>"));
    assert_only_changed(
        &input,
        &out,
        &[(">使用<", ">使用了<"), (">apt<", ">a&lt;p&gt;t<")],
    );
    // The result reads back with the new words and the old boxes.
    let doc = read(&out, Format::Hocr).unwrap();
    let words: Vec<_> = doc.pages[0]
        .blocks
        .iter()
        .flat_map(|b| &b.lines)
        .flat_map(|l| &l.words)
        .collect();
    let w = words
        .iter()
        .find(|w| w.id.as_deref() == Some("word_1_6"))
        .unwrap();
    assert_eq!(w.text, "a<p>t");
    assert_eq!(w.bbox.map(|b| (b.x0, b.x1)), Some((215.0, 250.0)));
}

#[test]
fn alto_content_attributes_are_rewritten_in_place() {
    let input = fixture("sample.alto.xml");
    let out = write_back(&input, Format::Alto, &texts(&[("s4", "show\"s")])).unwrap();
    assert!(out.contains(r#"<alto:String ID="s4" CONTENT="show&quot;s" HPOS="190""#));
    assert_only_changed(
        &input,
        &out,
        &[("CONTENT=\"shows\"", "CONTENT=\"show&quot;s\"")],
    );
    // `SUBS_CONTENT` is not mistaken for `CONTENT` (and follows the corrected part).
    let out = write_back(&input, Format::Alto, &texts(&[("s2", "exem-")])).unwrap();
    assert!(out.contains(r#"ID="s2" CONTENT="exem" SUBS_TYPE="HypPart1" SUBS_CONTENT="exemple""#));
    assert!(out.contains(r#"ID="s3" CONTENT="ple" SUBS_TYPE="HypPart2" SUBS_CONTENT="exemple""#));
    // The part without its hyphen is still the part, not the whole word.
    assert_eq!(
        write_back(&input, Format::Alto, &texts(&[("s2", "exem")])).unwrap(),
        out
    );
}

#[test]
fn page_text_equiv_read_is_rewritten() {
    let input = fixture("sample.page.xml");
    // w2 has two readings; the reader takes index 0, so that one is rewritten.
    let out = write_back(
        &input,
        Format::Page,
        &texts(&[("w2", "Reading"), ("w3", "orders")]),
    )
    .unwrap();
    assert!(out.contains(
        r#"<TextEquiv index="1" conf="0.2"><Unicode>raeding</Unicode></TextEquiv><TextEquiv index="0" conf="0.9"><Unicode>Reading</Unicode>"#
    ));
    assert!(out.contains("<Unicode>orders</Unicode>"));
    // The line's text repeats its words, so it follows them.
    assert_only_changed(
        &input,
        &out,
        &[
            (">reading<", ">Reading<"),
            (">order<", ">orders<"),
            (">PAGE reading order<", ">PAGE Reading orders<"),
        ],
    );
}

#[test]
fn unknown_ids_and_formats_are_errors_not_guesses() {
    let input = fixture("tesseract.hocr");
    let e = write_back(&input, Format::Hocr, &texts(&[("word_9_9", "x")])).unwrap_err();
    assert!(e.to_string().contains("word_9_9"), "{e}");
    assert!(write_back("[]", Format::PaddleOcrJson, &texts(&[("a", "b")])).is_err());
    // Nothing to change: the file comes back byte for byte.
    assert_eq!(
        write_back(&input, Format::Hocr, &HashMap::new()).unwrap(),
        input
    );
}

#[test]
fn edits_of_the_text_map_to_element_texts() {
    let input = fixture("tesseract.hocr");
    let conv = convert(&input, Format::Hocr, &LayoutOptions::default()).unwrap();
    let at = |s: &str| {
        let i = conv.text.find(s).unwrap();
        i..i + s.len()
    };
    let apt = at("apt");
    let install = at("安装");
    let edits = [
        // Inside one word.
        (apt.start + 1..apt.start + 2, "P"),
        // Across two words: the first takes the replacement, the second loses its part.
        (install.start..install.end + "软件".len(), "装好"),
    ];
    let got = element_texts(&conv, &edits);
    assert_eq!(got.get("word_1_6").map(String::as_str), Some("aPt"));
    assert_eq!(got.get("word_1_8").map(String::as_str), Some("装好"));
    assert_eq!(got.get("word_1_9").map(String::as_str), Some("包"));
    assert_eq!(got.len(), 3);
    let out = write_back(&input, Format::Hocr, &got).unwrap();
    assert!(
        out.contains(">aPt</span>") && out.contains(">装好</span>") && out.contains(">包</span>")
    );
}

#[test]
fn checked_texts_name_an_element_without_an_id() {
    // Two words without ids share their line's id: neither can be addressed alone.
    let input = "<html><body><div class='ocr_page' id='page_1' title='bbox 0 0 600 800'>\
        <span class='ocr_line' id='line_1' title='bbox 10 10 300 40'>\
        <span class='ocrx_word' title='bbox 10 10 100 40; x_wconf 90'>安壮</span> \
        <span class='ocrx_word' title='bbox 110 10 300 40; x_wconf 90'>软件</span>\
        </span></div></body></html>";
    let conv = convert(input, Format::Hocr, &LayoutOptions::default()).unwrap();
    let i = conv.text.find("壮").unwrap();
    let edits = [(i..i + "壮".len(), "装")];
    // The lenient form leaves the correction out; the checked form says why.
    assert!(element_texts(&conv, &edits).is_empty());
    let e = ocrtidy_formats::element_texts_checked(&conv, &edits, Format::Hocr).unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("`安壮`") && msg.contains("no id"), "{msg}");
    // An edit of the separators alone changes no element: no error.
    let gap = conv.text.find(' ').map(|g| g..g + 1);
    if let Some(gap) = gap {
        let got = ocrtidy_formats::element_texts_checked(&conv, &[(gap, "")], Format::Hocr);
        assert_eq!(got, Ok(HashMap::new()));
    }
    // With ids, the checked form gives what the lenient one gives.
    let input = fixture("tesseract.hocr");
    let conv = convert(&input, Format::Hocr, &LayoutOptions::default()).unwrap();
    let i = conv.text.find("apt").unwrap();
    let edits = [(i..i + 1, "A")];
    assert_eq!(
        ocrtidy_formats::element_texts_checked(&conv, &edits, Format::Hocr),
        Ok(element_texts(&conv, &edits))
    );
}

/// `input` with each `old` (which must occur exactly once) replaced by its `new`: the bytes
/// outside the rewritten texts are the input's.
fn replaced(input: &str, pairs: &[(&str, &str)]) -> String {
    let mut out = input.to_string();
    for (old, new) in pairs {
        assert_eq!(out.matches(old).count(), 1, "{old}");
        out = out.replacen(old, new, 1);
    }
    out
}

/// Writes `pairs` back into `input`, checks that writing them again into the result changes
/// nothing (and reports the same), and returns the result.
fn written(input: &str, format: Format, pairs: &[(&str, &str)]) -> WrittenBack {
    let t = texts(pairs);
    let first = write_back_report(input, format, &t).unwrap();
    assert_eq!(write_back(input, format, &t).unwrap(), first.text);
    let again = write_back_report(&first.text, format, &t).unwrap();
    assert_eq!(again.text, first.text, "writing back again: {pairs:?}");
    first
}

#[test]
fn page_line_and_region_texts_follow_their_words() {
    let input = fixture("levels.page.xml");
    // A misread Latin word, a stray token removed whole, a misread Chinese word.
    let out = written(
        &input,
        Format::Page,
        &[("w2", "quick"), ("w3", ""), ("w6", "安装")],
    );
    assert_eq!(out.stale, vec![]);
    assert_eq!(
        out.text,
        replaced(
            &input,
            &[
                ("<Unicode>qiuck</Unicode>", "<Unicode>quick</Unicode>"),
                ("<Unicode>~</Unicode>", "<Unicode></Unicode>"),
                ("<Unicode>安妆</Unicode>", "<Unicode>安装</Unicode>"),
                // The line's reading (index 0) follows; the other reading (index 1) stays.
                (
                    r#""0.8"><Unicode>The qiuck ~ R&amp;D<"#,
                    r#""0.8"><Unicode>The quick R&amp;D<"#,
                ),
                // Chinese words joined with nothing between them, as the file joined them.
                (
                    r#""0.85"><Unicode>第一段安妆过程。<"#,
                    r#""0.85"><Unicode>第一段安装过程。<"#,
                ),
                // The region's text: its lines joined by a line break.
                (
                    "<Unicode>The qiuck ~ R&amp;D\n第一段安妆过程。<",
                    "<Unicode>The quick R&amp;D\n第一段安装过程。<",
                ),
            ]
        )
    );
    assert!(out
        .text
        .contains(r#"<TextEquiv index="1" conf="0.5"><Unicode>Tlie qiuck ~ R&amp;D<"#));
    // The emptied word keeps its element and box; the reader skips it.
    assert!(out.text.contains(
        r#"<Word id="w3"><Coords points="205,100 212,100 212,120 205,120"/><TextEquiv conf="0.12"><Unicode></Unicode>"#
    ));
    assert_eq!(
        words(&out.text, Format::Page)[..2],
        [
            vec!["The", "quick", "R&D"],
            vec!["第一段", "安装", "过程。"]
        ]
    );
}

#[test]
fn page_text_that_is_not_its_words_joined_is_left_and_reported() {
    let input = fixture("levels.page.xml");
    // The line reads `The end .`, another reading than its words `The` `emd.`: it stays as
    // the file has it, and so does the region that repeats the line.
    let out = written(&input, Format::Page, &[("w9", "end.")]);
    assert_eq!(
        out.text,
        replaced(
            &input,
            &[("<Unicode>emd.</Unicode>", "<Unicode>end.</Unicode>")]
        )
    );
    assert_eq!(out.stale.len(), 1, "{:?}", out.stale);
    let s = &out.stale[0];
    assert_eq!(
        (s.element.as_str(), s.id.as_deref(), s.line),
        ("TextLine", Some("r2_l1"), 28)
    );
    assert_eq!(
        s.to_string(),
        "line 28: `TextLine` `r2_l1`: its text `The end .` is not its words `The` `emd.` \
         joined, so it was left (it may be another reading)"
    );
    // A line without text of its own between the words and the region's text: the region
    // cannot follow, and says so.
    let out = written(&input, Format::Page, &[("w11", "monsters")]);
    assert_eq!(
        out.text,
        replaced(
            &input,
            &[(
                "<Unicode>rnonsters</Unicode>",
                "<Unicode>monsters</Unicode>"
            )]
        )
    );
    let got: Vec<_> = out
        .stale
        .iter()
        .map(|s| (s.element.as_str(), s.id.as_deref()))
        .collect();
    assert_eq!(got, [("TextRegion", Some("r4"))]);
    assert!(
        out.stale[0].reason.contains("has no text of its own"),
        "{}",
        out.stale[0]
    );
    // Unchanged words report nothing, even under an inconsistent line.
    let same = written(&input, Format::Page, &[("w9", "emd.")]);
    assert_eq!((same.text, same.stale), (input.clone(), vec![]));
}

#[test]
fn page_lines_without_words_update_their_region() {
    let input = fixture("levels.page.xml");
    let out = written(&input, Format::Page, &[("r3_l1", "第二段使用apt命令")]);
    assert_eq!(out.stale, vec![]);
    assert_eq!(
        out.text,
        replaced(
            &input,
            &[
                (
                    "<Unicode>第二段使用ａｐｔ命令</Unicode>",
                    "<Unicode>第二段使用apt命令</Unicode>"
                ),
                (
                    "<Unicode>第二段使用ａｐｔ命令\n安装",
                    "<Unicode>第二段使用apt命令\n安装"
                ),
            ]
        )
    );
}

#[test]
fn alto_hyphenated_pairs_keep_their_whole_word() {
    let input = fixture("hyphen.alto.xml");
    // (new texts, then `CONTENT`s and `SUBS_CONTENT`s before → after)
    type Pairs = &'static [(&'static str, &'static str)];
    let cases: &[(Pairs, Pairs)] = &[
        // The second part corrected alone: the whole word of both parts follows.
        (
            &[("s4", "mation")],
            &[
                (r#"CONTENT="rnation""#, r#"CONTENT="mation""#),
                (
                    r#""HypPart1" SUBS_CONTENT="inforrnation""#,
                    r#""HypPart1" SUBS_CONTENT="information""#,
                ),
                (
                    r#""HypPart2" SUBS_CONTENT="inforrnation""#,
                    r#""HypPart2" SUBS_CONTENT="information""#,
                ),
            ],
        ),
        // The whole word, as the layout writes the pair on the first part's span: split back
        // into the parts at the edit.
        (
            &[("s3", "information")],
            &[
                (r#"CONTENT="rnation""#, r#"CONTENT="mation""#),
                (
                    r#""HypPart1" SUBS_CONTENT="inforrnation""#,
                    r#""HypPart1" SUBS_CONTENT="information""#,
                ),
                (
                    r#""HypPart2" SUBS_CONTENT="inforrnation""#,
                    r#""HypPart2" SUBS_CONTENT="information""#,
                ),
            ],
        ),
        // The first part as the reader read it, with its `HYP`'s hyphen: the `HYP` keeps
        // printing the hyphen, `CONTENT` does not take a second one.
        (
            &[("s3", "inf0r-")],
            &[
                (r#"CONTENT="infor""#, r#"CONTENT="inf0r""#),
                (
                    r#""HypPart1" SUBS_CONTENT="inforrnation""#,
                    r#""HypPart1" SUBS_CONTENT="inf0rrnation""#,
                ),
                (
                    r#""HypPart2" SUBS_CONTENT="inforrnation""#,
                    r#""HypPart2" SUBS_CONTENT="inf0rrnation""#,
                ),
            ],
        ),
        // A hyphen the whole word keeps (`e-` `mail`).
        (
            &[("s5", "e-mail")],
            &[
                (r#"CONTENT="rnail""#, r#"CONTENT="mail""#),
                (
                    r#""HypPart1" SUBS_CONTENT="e-rnail""#,
                    r#""HypPart1" SUBS_CONTENT="e-mail""#,
                ),
                (
                    r#""HypPart2" SUBS_CONTENT="e-rnail""#,
                    r#""HypPart2" SUBS_CONTENT="e-mail""#,
                ),
            ],
        ),
        (
            &[("s6", "mail")],
            &[
                (r#"CONTENT="rnail""#, r#"CONTENT="mail""#),
                (
                    r#""HypPart1" SUBS_CONTENT="e-rnail""#,
                    r#""HypPart1" SUBS_CONTENT="e-mail""#,
                ),
                (
                    r#""HypPart2" SUBS_CONTENT="e-rnail""#,
                    r#""HypPart2" SUBS_CONTENT="e-mail""#,
                ),
            ],
        ),
    ];
    for (new, changes) in cases {
        let out = written(&input, Format::Alto, new);
        assert_eq!(out.text, replaced(&input, changes), "{new:?}");
        assert_eq!(out.stale, vec![], "{new:?}");
    }
    // Reading the result back gives the corrected whole word.
    let out = written(&input, Format::Alto, &[("s3", "information")]);
    let conv = convert(&out.text, Format::Alto, &LayoutOptions::default()).unwrap();
    assert!(conv.text.contains(" information e-rnail "), "{}", conv.text);
}

#[test]
fn alto_pair_whose_whole_word_is_not_its_parts_is_reported() {
    let input = fixture("hyphen.alto.xml");
    // `exam` `pIe` but `SUBS_CONTENT="exemplar"`: a corrected part leaves the whole word.
    let out = written(&input, Format::Alto, &[("s8", "ple")]);
    assert_eq!(
        out.text,
        replaced(&input, &[(r#"CONTENT="pIe""#, r#"CONTENT="ple""#)])
    );
    let ids: Vec<_> = out.stale.iter().map(|s| s.id.as_deref()).collect();
    assert_eq!(ids, [Some("s7"), Some("s8")]);
    assert!(out.stale[0]
        .reason
        .contains("`SUBS_CONTENT` `exemplar` is not the parts `exam` `pIe` joined"));
    // A corrected whole word cannot be split into such parts: it goes into `SUBS_CONTENT`.
    let out = written(&input, Format::Alto, &[("s7", "exemplary")]);
    assert_eq!(
        out.text,
        replaced(
            &input,
            &[
                (
                    r#"SUBS_CONTENT="exemplar" HPOS="470""#,
                    r#"SUBS_CONTENT="exemplary" HPOS="470""#
                ),
                (
                    r#"SUBS_CONTENT="exemplar" HPOS="40""#,
                    r#"SUBS_CONTENT="exemplary" HPOS="40""#
                ),
            ]
        )
    );
    assert_eq!(out.stale.len(), 1);
    assert!(out.stale[0]
        .reason
        .contains("went into `SUBS_CONTENT` only"));
}

#[test]
fn the_layouts_whole_word_goes_back_into_both_parts() {
    // The path `ocrtidy clean --write-back` takes: an edit of the laid-out text, mapped to
    // element texts, written back.
    let input = fixture("hyphen.alto.xml");
    let conv = convert(&input, Format::Alto, &LayoutOptions::default()).unwrap();
    let at = conv.text.find("inforrnation").unwrap() + "infor".len();
    let got = element_texts(&conv, &[(at..at + 2, "m")]);
    assert_eq!(got, texts(&[("s3", "information")]));
    let out = write_back(&input, Format::Alto, &got).unwrap();
    assert!(
        out.contains(r#"ID="s3" CONTENT="infor" SUBS_TYPE="HypPart1" SUBS_CONTENT="information""#)
    );
    assert!(
        out.contains(r#"ID="s4" CONTENT="mation" SUBS_TYPE="HypPart2" SUBS_CONTENT="information""#)
    );
}

#[test]
fn emptied_words_keep_their_elements() {
    // ALTO: `CONTENT=""` is valid; the box and id stay, the reader skips the word.
    let input = fixture("hyphen.alto.xml");
    let out = written(&input, Format::Alto, &[("s2", "")]);
    assert_eq!(
        out.text,
        replaced(
            &input,
            &[(r#"ID="s2" CONTENT="|""#, r#"ID="s2" CONTENT="""#)]
        )
    );
    assert_eq!(words(&out.text, Format::Alto)[0], ["More", "infor-"]);
    // hOCR: an empty `ocrx_word` with its box.
    let input = fixture("tesseract.hocr");
    let out = written(&input, Format::Hocr, &[("word_1_6", "")]);
    assert_eq!(
        out.text,
        replaced(&input, &[("x_wconf 90'>apt</span>", "x_wconf 90'></span>")])
    );
    assert!(!words(&out.text, Format::Hocr)
        .concat()
        .contains(&"apt".to_string()));
    assert!(words(&input, Format::Hocr)
        .concat()
        .contains(&"apt".to_string()));
}

#[test]
fn unchanged_texts_change_no_byte() {
    for (name, format, pairs) in [
        (
            "levels.page.xml",
            Format::Page,
            &[("w2", "qiuck"), ("r3_l2", "安装软件包。")][..],
        ),
        (
            "hyphen.alto.xml",
            Format::Alto,
            &[("s3", "inforrnation"), ("s6", "rnail")][..],
        ),
        ("hyphen.alto.xml", Format::Alto, &[("s3", "infor-")][..]),
    ] {
        let input = fixture(name);
        let out = written(&input, format, pairs);
        assert_eq!((out.text, out.stale), (input, vec![]), "{name} {pairs:?}");
    }
}

proptest::proptest! {
    /// Any new texts for any elements: no panic, the file still reads, and writing the same
    /// texts into the result changes nothing.
    #[test]
    fn writing_back_is_idempotent_and_keeps_the_file_readable(
        picks in proptest::collection::vec((0usize..32, "[a-z安装妆 ~<&;\\-\n]{0,7}"), 0..6),
    ) {
        let files: [(&str, Format, &[&str]); 4] = [
            (
                "ocrd-gt.page.xml",
                Format::Page,
                &["l1", "l1w2", "l2", "l2w3", "l3", "l3w1", "l4w1", "l5w1", "l5w2", "l5w1g2", "r2"],
            ),
            (
                "levels.page.xml",
                Format::Page,
                &[
                    "w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8", "w9", "w10", "r1_l1", "r3_l1",
                    "r3_l2",
                ],
            ),
            (
                "hyphen.alto.xml",
                Format::Alto,
                &["s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8"],
            ),
            (
                "tesseract.hocr",
                Format::Hocr,
                &["word_1_1", "word_1_5", "word_1_6", "word_1_8", "word_1_9"],
            ),
        ];
        for (name, format, ids) in files {
            let input = fixture(name);
            let t: HashMap<String, String> = picks
                .iter()
                .map(|(i, s)| (ids[i % ids.len()].to_string(), s.clone()))
                .collect();
            let first = write_back_report(&input, format, &t).unwrap();
            let again = write_back_report(&first.text, format, &t).unwrap();
            proptest::prop_assert_eq!(&again.text, &first.text, "{} {:?}", name, t);
            proptest::prop_assert!(read(&first.text, format).is_ok(), "{}", name);
        }
    }
}

#[test]
fn elements_without_a_text_to_rewrite_are_skipped_and_named() {
    // ALTO: the id of a `TextLine` (its `String`s have no ids of their own) names no
    // `CONTENT`; the other corrections are written.
    let input = fixture("hyphen.alto.xml");
    let out = write_back_report(
        &input,
        Format::Alto,
        &texts(&[("tl1", "More | information"), ("s1", "Mere")]),
    )
    .unwrap();
    assert_eq!(out.text, replaced(&input, &[("\"More\"", "\"Mere\"")]));
    let got: Vec<String> = out.skipped.iter().map(ToString::to_string).collect();
    assert_eq!(
        got,
        [
            "line 7: `TextLine` `tl1`: the correction to `More | information` was not written \
          back: a `TextLine` has no `CONTENT` to write it into"
        ]
    );
    // hOCR: an empty element.
    let input = fixture("tesseract.hocr").replacen(
        "<span class='ocr_line'",
        "<span class='ocrx_word' id='empty_1'/><span class='ocr_line'",
        1,
    );
    let out = write_back_report(
        &input,
        Format::Hocr,
        &texts(&[("empty_1", "x"), ("word_1_5", "使用了")]),
    )
    .unwrap();
    assert!(out.text.contains(">使用了</span>"));
    assert_eq!(out.skipped.len(), 1);
    assert_eq!(out.skipped[0].id.as_deref(), Some("empty_1"));
}
