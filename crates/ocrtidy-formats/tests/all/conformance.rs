//! One test per rule of the ALTO and hOCR specifications the readers follow, on small files
//! written from the specifications (ALTO 4.x schema documentation: `String@SUBS_TYPE`,
//! `String@SUBS_CONTENT`, `HYP`; hOCR 1.2: `ocr_line`, `ocrx_line`, `ocrx_word`).

use crate::words;
use ocrtidy_formats::{convert, read, Converted, Format, LayoutOptions};

/// An ALTO file with one text block of `lines` (`TextLine` elements, 30 units apart).
fn alto(lines: &[&str]) -> String {
    let lines: String = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            format!(
                "<TextLine ID=\"l{i}\" HPOS=\"40\" VPOS=\"{}\" WIDTH=\"520\" HEIGHT=\"20\">{l}</TextLine>\n",
                100 + 30 * i
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <alto xmlns=\"http://www.loc.gov/standards/alto/ns-v4#\"><Layout>\
         <Page ID=\"p1\" WIDTH=\"600\" HEIGHT=\"800\"><PrintSpace>\
         <TextBlock ID=\"b1\" HPOS=\"40\" VPOS=\"100\" WIDTH=\"520\" HEIGHT=\"{}\">\n{lines}\
         </TextBlock></PrintSpace></Page></Layout></alto>",
        30 * lines.len()
    )
}

/// A `String` at word position `x` of its line (100 units per word).
fn string(id: &str, content: &str, x: usize, extra: &str) -> String {
    format!(
        "<String ID=\"{id}\" CONTENT=\"{content}\" HPOS=\"{}\" WIDTH=\"90\" HEIGHT=\"20\" {extra}/>",
        40 + 100 * x
    )
}

/// Laid out as the command line lays out engine files: one printed line per line.
fn text(input: &str, format: Format) -> Converted {
    let mut options = LayoutOptions::default();
    options.printed_lines = true;
    convert(input, format, &options).unwrap()
}

#[test]
fn alto_hyp_prints_its_content_at_the_line_end() {
    // `HYP`: a hyphenation character at the end of a line, its `CONTENT` the character printed.
    let l1 = [string("s1", "Ge", 0, ""), "<HYP CONTENT=\"¬\"/>".into()].concat();
    let l2 = string("s2", "danken", 0, "");
    let input = alto(&[&l1, &l2]);
    assert_eq!(words(&input, Format::Alto), [vec!["Ge¬"], vec!["danken"]]);
    assert_eq!(text(&input, Format::Alto).text, "Ge¬\ndanken");
}

#[test]
fn alto_hyp_without_content_is_a_hyphen() {
    // `CONTENT` is required by the schema; a file without it still printed a hyphen there.
    let l1 = [string("s1", "Ge", 0, ""), "<HYP/>".into()].concat();
    let input = alto(&[&l1]);
    assert_eq!(words(&input, Format::Alto), [vec!["Ge-"]]);
}

#[test]
fn alto_hyphenated_parts_read_as_their_whole_word() {
    // `SUBS_TYPE="HypPart1"`/`"HypPart2"`: the two parts of a word hyphenated across lines,
    // `SUBS_CONTENT` the whole word; the text has the word once, on the first part's line.
    let l1 = [
        string("s1", "ein", 0, ""),
        string(
            "s2",
            "Bei",
            1,
            "SUBS_TYPE=\"HypPart1\" SUBS_CONTENT=\"Beispiel\"",
        ),
        "<HYP CONTENT=\"-\"/>".into(),
    ]
    .concat();
    let l2 = [
        string(
            "s3",
            "spiel",
            0,
            "SUBS_TYPE=\"HypPart2\" SUBS_CONTENT=\"Beispiel\"",
        ),
        string("s4", "hier", 1, ""),
    ]
    .concat();
    let input = alto(&[&l1, &l2]);
    let out = text(&input, Format::Alto);
    assert_eq!(out.text, "ein Beispiel\nhier");
    // The whole word is the first part's element.
    let at = out.text.find("Beispiel").unwrap();
    let span = out.spans.iter().find(|s| s.range.start == at).unwrap();
    assert_eq!(span.source.id.as_deref(), Some("s2"));
    // The parts keep their own text in the model.
    let doc = read(&input, Format::Alto).unwrap();
    let w = &doc.pages[0].blocks[0].lines[0].words[1];
    assert_eq!(w.text, "Bei-");
    assert_eq!(
        w.hyphen,
        Some((ocrtidy_formats::HyphenPart::First, "Beispiel".to_string()))
    );
}

#[test]
fn alto_hyphenated_parts_apart_keep_their_own_text() {
    // A first part whose second part is not at the start of the next line (another block, a
    // page break) is read as printed, hyphen and all.
    let l1 = [
        string(
            "s1",
            "Bei",
            0,
            "SUBS_TYPE=\"HypPart1\" SUBS_CONTENT=\"Beispiel\"",
        ),
        "<HYP CONTENT=\"-\"/>".into(),
    ]
    .concat();
    let l2 = string("s2", "anders", 0, "");
    let input = alto(&[&l1, &l2]);
    assert_eq!(text(&input, Format::Alto).text, "Bei-\nanders");
}

#[test]
fn alto_hyphenated_part_without_subs_content_is_its_content() {
    let l1 = [
        string("s1", "Bei", 0, "SUBS_TYPE=\"HypPart1\""),
        "<HYP CONTENT=\"-\"/>".into(),
    ]
    .concat();
    let l2 = string("s2", "spiel", 0, "SUBS_TYPE=\"HypPart2\"");
    let input = alto(&[&l1, &l2]);
    assert_eq!(text(&input, Format::Alto).text, "Bei-\nspiel");
}

#[test]
fn alto_abbreviation_reads_as_printed() {
    // `SUBS_TYPE="Abbreviation"`: `SUBS_CONTENT` is the expansion; the page prints `CONTENT`.
    let l1 = [
        string(
            "s1",
            "Dr.",
            0,
            "SUBS_TYPE=\"Abbreviation\" SUBS_CONTENT=\"Doktor\"",
        ),
        string("s2", "Faust", 1, ""),
    ]
    .concat();
    let input = alto(&[&l1]);
    assert_eq!(text(&input, Format::Alto).text, "Dr. Faust");
}

#[test]
fn alto_strings_without_ids_are_read() {
    // `ID` is optional on `String`.
    let l1 = "<String CONTENT=\"ohne\"/><SP/><String CONTENT=\"ID\"/>";
    let input = alto(&[l1]);
    assert_eq!(words(&input, Format::Alto), [vec!["ohne", "ID"]]);
}

/// An hOCR page with `body` inside.
fn hocr(body: &str) -> String {
    format!(
        "<html><body><div class='ocr_page' id='page_1' title='bbox 0 0 600 800'>{body}</div>\
         </body></html>"
    )
}

#[test]
fn hocr_words_are_ocrx_word_elements_of_their_line() {
    let input = hocr(
        "<span class='ocr_line' id='line_1' title='bbox 10 10 300 30'>\
         <span class='ocrx_word' id='w1' title='bbox 10 10 100 30; x_wconf 91'>Erste</span> \
         <span class='ocrx_word' id='w2' title='bbox 110 10 300 30; x_wconf 42'>Zeile</span>\
         </span>",
    );
    assert_eq!(words(&input, Format::Hocr), [vec!["Erste", "Zeile"]]);
    let doc = read(&input, Format::Hocr).unwrap();
    let w = &doc.pages[0].blocks[0].lines[0].words[1];
    assert_eq!((w.id.as_deref(), w.conf), (Some("w2"), Some(0.42)));
}

#[test]
fn hocr_an_ocrx_line_without_words_is_one_line() {
    // OCRopus and Kraken write lines as `ocrx_line` (or `ocr_line`) with their text inside.
    let input = hocr(
        "<span class='ocrx_line' id='line_1' title='bbox 10 10 300 30'>Eine Zeile</span>\
         <span class='ocr_line' id='line_2' title='bbox 10 40 300 60'>Noch eine</span>",
    );
    let out = text(&input, Format::Hocr);
    assert_eq!(out.text, "Eine Zeile\nNoch eine");
    assert_eq!(out.spans[0].source.id.as_deref(), Some("line_1"));
}

#[test]
fn hocr_ocrx_words_inside_an_ocrx_line() {
    let input = hocr(
        "<span class='ocrx_line' id='line_1' title='bbox 10 10 300 30'>\
         <span class='ocrx_word' id='w1' title='bbox 10 10 100 30'>mit</span> \
         <span class='ocrx_word' id='w2' title='bbox 110 10 300 30'>Wörtern</span></span>",
    );
    assert_eq!(words(&input, Format::Hocr), [vec!["mit", "Wörtern"]]);
}
