//! Write-back: corrected word texts go back into the file they came from, and every other byte
//! (coordinates, ids, confidences, layout) stays.

use std::collections::HashMap;

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
    // `SUBS_CONTENT` is not mistaken for `CONTENT`.
    let out = write_back(&input, Format::Alto, &texts(&[("s2", "exem")])).unwrap();
    assert!(out.contains(r#"ID="s2" CONTENT="exem" SUBS_TYPE="HypPart1" SUBS_CONTENT="example""#));
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
    assert_only_changed(
        &input,
        &out,
        &[(">reading<", ">Reading<"), (">order<", ">orders<")],
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
