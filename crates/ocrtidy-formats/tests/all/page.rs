//! PAGE's `TextEquiv` hierarchy as OCR-D ground truth and workflows write it: a line's own
//! text is what it reads, its words only when they spell it out; `index`, then `conf`, among
//! several readings; a region's own text when it has no lines; and the write-back that keeps
//! the levels (region, line, word, glyph) in step.

use std::collections::HashMap;

use ocrtidy_formats::writeback::{write_back_report, write_back_with, Options};
use ocrtidy_formats::{convert, element_texts_placed, read, Converted, Format, LayoutOptions};

fn fixture() -> String {
    let path = format!(
        "{}/tests/fixtures/ocrd-gt.page.xml",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path).unwrap()
}

fn converted(input: &str) -> Converted {
    convert(input, Format::Page, &LayoutOptions::default()).unwrap()
}

fn texts(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The element's own text: the last `Unicode` before its end tag (PAGE lists an element's
/// `TextEquiv`s after its children), as the file writes it.
fn unicode_of<'a>(file: &'a str, id: &str) -> &'a str {
    let at = file.find(&format!("id=\"{id}\"")).unwrap();
    let tag = file[..at]
        .rsplit('<')
        .next()
        .unwrap()
        .split(' ')
        .next()
        .unwrap();
    let end = at + file[at..].find(&format!("</{tag}>")).unwrap();
    let from = at + file[at..end].rfind("<Unicode>").unwrap() + "<Unicode>".len();
    let to = from + file[from..].find("</Unicode>").unwrap();
    &file[from..to]
}

/// The line texts the file's `TextLine`s (and line-less regions) give, in reading order.
const GT_LINES: [&str; 7] = [
    "Monatsſchrift. Erſtes Hcft.",
    "wo die Men-",
    "ſchen wohnen, ſo gar",
    "viel Glück",
    "Zweyter Abſatz ohne",
    "Zeilen im Bereich.",
    "Enbe rc.",
];

#[test]
fn a_lines_own_text_is_what_it_reads() {
    let out = converted(&fixture());
    let lines: Vec<&str> = out
        .text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    // Exactly the ground truth's lines: no space before the full stop that the words cut off,
    // the hyphen kept at the line end (so dehyphenation can join `Men-` `ſchen`), words listed
    // out of order not followed, the region's own text split at its line breaks.
    assert_eq!(lines, GT_LINES);
}

#[test]
fn words_are_read_only_when_they_spell_the_line_out() {
    let input = fixture();
    let out = converted(&input);
    let id_of = |s: &str| {
        let at = out.text.find(s).unwrap();
        out.spans
            .iter()
            .find(|sp| sp.range.start <= at && at < sp.range.end)
            .and_then(|sp| sp.source.id.clone())
    };
    // The line's text, whole, addressed by the line's id.
    assert_eq!(id_of("Monatsſchrift."), Some("l1".into()));
    assert_eq!(id_of("Men-"), Some("l2".into()));
    assert_eq!(id_of("wohnen"), Some("l3".into()));
    // Words that spell their line out keep their own ids (and boxes, confidences).
    assert_eq!(id_of("Glück"), Some("l4w2".into()));
    assert_eq!(id_of("Enbe"), Some("l5w1".into()));
    // The region without lines: its lines have no id of their own.
    assert_eq!(id_of("Zeilen"), None);
    let doc = read(&input, Format::Page).unwrap();
    let l4 = &doc.pages[0].blocks[0].lines[3];
    assert_eq!(l4.words.len(), 2);
    assert_eq!(l4.words[1].conf, Some(0.7));
}

#[test]
fn the_lowest_index_then_the_highest_confidence_is_read() {
    let doc = read(&fixture(), Format::Page).unwrap();
    let words: Vec<&str> = doc.pages[0].blocks[0].lines[3]
        .words
        .iter()
        .map(|w| w.text.as_str())
        .collect();
    // `index="1"` before `index="2"` whatever their `conf`; on equal indices the higher `conf`.
    assert_eq!(words, ["viel", "Glück"]);
}

#[test]
fn ground_truth_reads_back_as_its_own_text() {
    // Ground truth laid out from its own PAGE file is its text: the same words, in order.
    let out = converted(&fixture());
    let got: Vec<&str> = out.text.split_whitespace().collect();
    let want: Vec<&str> = GT_LINES.iter().flat_map(|l| l.split_whitespace()).collect();
    assert_eq!(got, want);
}

#[test]
fn a_corrected_line_text_goes_into_its_words_and_region() {
    let input = fixture();
    let out = write_back_report(
        &input,
        Format::Page,
        &texts(&[("l1", "Monatsſchrift. Erſtes Heft.")]),
    )
    .unwrap();
    assert_eq!((out.stale.clone(), out.skipped.clone()), (vec![], vec![]));
    assert_eq!(unicode_of(&out.text, "l1w4"), "Heft.");
    // The words that were not corrected, and the full stop as its own word, stay.
    assert_eq!(unicode_of(&out.text, "l1w1"), "Monatsſchrift");
    assert_eq!(unicode_of(&out.text, "l1w2"), ".");
    assert!(out.text.contains(
        "<TextEquiv><Unicode>Monatsſchrift. Erſtes Heft.</Unicode></TextEquiv>\n      </TextLine>"
    ));
    assert!(out
        .text
        .contains("<Unicode>Monatsſchrift. Erſtes Heft.\nwo die Men-\n"));
    // Only those three texts changed.
    assert_eq!(out.text.replace("Heft.", "Hcft."), input);
    // Written again: nothing changes.
    let again = write_back_report(
        &out.text,
        Format::Page,
        &texts(&[("l1", "Monatsſchrift. Erſtes Heft.")]),
    )
    .unwrap();
    assert_eq!(again.text, out.text);
}

#[test]
fn words_that_do_not_spell_the_line_are_left_and_reported() {
    let input = fixture();
    let out = write_back_report(
        &input,
        Format::Page,
        &texts(&[("l3", "ſchen wohnen, ſogar")]),
    )
    .unwrap();
    // The line and the region follow; the words, listed out of order, cannot.
    assert_eq!(unicode_of(&out.text, "l3"), "ſchen wohnen, ſogar");
    assert!(out
        .text
        .contains("\nſchen wohnen, ſogar\nviel Glück</Unicode>"));
    assert_eq!(unicode_of(&out.text, "l3w3"), "ſo");
    assert_eq!(out.stale.len(), 1, "{:?}", out.stale);
    let s = &out.stale[0];
    assert_eq!(
        (s.element.as_str(), s.id.as_deref()),
        ("TextLine", Some("l3"))
    );
    assert!(s.reason.contains("not its text"), "{s}");
}

#[test]
fn a_corrected_word_goes_into_its_glyphs() {
    let input = fixture();
    let out = write_back_report(&input, Format::Page, &texts(&[("l5w1", "Ende")])).unwrap();
    assert_eq!(out.stale, vec![]);
    let glyphs: Vec<&str> = (1..=4)
        .map(|g| unicode_of(&out.text, &format!("l5w1g{g}")))
        .collect();
    assert_eq!(glyphs, ["E", "n", "d", "e"]);
    assert!(out
        .text
        .contains("<Unicode>Ende rc.</Unicode></TextEquiv>\n      </TextLine>"));
    // Glyphs that do not spell their word out are left, and said so.
    let out = write_back_report(&input, Format::Page, &texts(&[("l5w2", "rc")])).unwrap();
    assert_eq!(unicode_of(&out.text, "l5w2g1"), "x");
    assert_eq!(unicode_of(&out.text, "l5w2"), "rc");
    let got: Vec<_> = out
        .stale
        .iter()
        .map(|s| (s.element.as_str(), s.id.as_deref()))
        .collect();
    assert_eq!(got, [("Word", Some("l5w2"))]);
}

#[test]
fn an_emptied_line_empties_its_words_and_its_part_of_the_region() {
    let input = fixture();
    let out = write_back_report(&input, Format::Page, &texts(&[("l3", "")])).unwrap();
    assert_eq!(unicode_of(&out.text, "l3"), "");
    // The words (listed out of order) cannot follow and are reported; the region drops the line.
    assert!(out
        .text
        .contains("<Unicode>Monatsſchrift. Erſtes Hcft.\nwo die Men-\nviel Glück</Unicode>"));
    let out = write_back_report(&input, Format::Page, &texts(&[("l2", "")])).unwrap();
    assert_eq!(out.stale, vec![]);
    for w in 1..=4 {
        assert_eq!(unicode_of(&out.text, &format!("l2w{w}")), "");
    }
    assert!(out
        .text
        .contains("<Unicode>Monatsſchrift. Erſtes Hcft.\nſchen wohnen"));
    // Read again, the emptied line is gone.
    let lines: Vec<String> = converted(&out.text)
        .text
        .lines()
        .map(str::to_string)
        .collect();
    assert!(!lines.iter().any(|l| l.contains("Men")), "{lines:?}");
}

#[test]
fn what_cannot_be_placed_is_named_and_the_rest_is_written() {
    let input = fixture();
    let conv = converted(&input);
    // A correction in the region without lines (no id to write it into) and one in a line.
    let at = |s: &str| {
        let i = conv.text.find(s).unwrap();
        i..i + s.len()
    };
    let edits = [(at("Abſatz"), "Abſaz"), (at("Hcft"), "Heft")];
    let (placed, unplaced) = element_texts_placed(&conv, &edits);
    assert_eq!(placed, texts(&[("l1", "Monatsſchrift. Erſtes Heft.")]));
    assert_eq!(unplaced.len(), 1);
    let msg = unplaced[0].to_string();
    assert!(
        msg.contains("`Zweyter Abſatz ohne`") && msg.contains("Zweyter Abſaz ohne"),
        "{msg}"
    );
    // An element without a text to rewrite is skipped, named, and the rest is written.
    let input = input.replace(
        "<Word id=\"l2w1\"><Coords points=\"100,150 200,150 200,190 100,190\"/><TextEquiv><Unicode>wo</Unicode></TextEquiv></Word>",
        "<Word id=\"l2w1\"><Coords points=\"100,150 200,150 200,190 100,190\"/></Word>",
    );
    let out = write_back_report(
        &input,
        Format::Page,
        &texts(&[("l2w1", "wa"), ("l1", "Monatsſchrift. Erſtes Heft.")]),
    )
    .unwrap();
    assert_eq!(unicode_of(&out.text, "l1w4"), "Heft.");
    assert_eq!(out.skipped.len(), 1);
    assert_eq!(out.skipped[0].id.as_deref(), Some("l2w1"));
    assert!(
        out.skipped[0].to_string().contains("`wa`"),
        "{}",
        out.skipped[0]
    );
}

#[test]
fn the_engines_reading_can_be_kept_as_another_index() {
    let input = fixture();
    let options = Options::default().keep_readings(true);
    let t = texts(&[("l1w4", "Heft."), ("l4w1", "vieI")]);
    let out = write_back_with(&input, Format::Page, &t, &options).unwrap();
    assert_eq!(out.stale, vec![]);
    // The correction is `index="1"`; the file's readings follow in their order.
    assert!(out.text.contains(
        "<TextEquiv index=\"1\" comments=\"ocrtidy\"><Unicode>Heft.</Unicode></TextEquiv>\
         <TextEquiv index=\"2\"><Unicode>Hcft.</Unicode></TextEquiv></Word>"
    ));
    assert!(out.text.contains(
        "<TextEquiv index=\"3\" conf=\"0.9\"><Unicode>vicl</Unicode></TextEquiv>\n          \
         <TextEquiv index=\"1\" comments=\"ocrtidy\"><Unicode>vieI</Unicode></TextEquiv>\
         <TextEquiv index=\"2\" conf=\"0.4\"><Unicode>viel</Unicode></TextEquiv>"
    ));
    // The line above follows the same way.
    assert!(out.text.contains(
        "<TextEquiv index=\"1\" comments=\"ocrtidy\"><Unicode>Monatsſchrift. Erſtes Heft.</Unicode></TextEquiv>\
         <TextEquiv index=\"2\"><Unicode>Monatsſchrift. Erſtes Hcft.</Unicode>"
    ));
    // Read back, the corrections are the text; written again, nothing changes.
    let lines = converted(&out.text).text;
    assert!(
        lines.contains("Monatsſchrift. Erſtes Heft.") && lines.contains("vieI Glück"),
        "{lines}"
    );
    let again = write_back_with(&out.text, Format::Page, &t, &options).unwrap();
    assert_eq!(again.text, out.text);
}
