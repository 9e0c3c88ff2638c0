//! Properties over arbitrary input: readers and layout never panic, spans stay valid, every
//! recognised word reaches the text or the furniture list, and laying out is deterministic.

use ocrtidy_formats::{
    convert, read, BBox, Block, Document, Format, LayoutOptions, Line, Page, Word,
};
use proptest::prelude::*;

fn check_spans(out: &ocrtidy_formats::Converted) {
    let mut end = 0;
    for s in &out.spans {
        assert!(s.range.start >= end && s.range.start <= s.range.end);
        assert!(out.text.get(s.range.clone()).is_some());
        end = s.range.end;
    }
    // Line-break hints sit on distinct `\n`s of the text, in order.
    for w in out.breaks.windows(2) {
        assert!(w[0].at < w[1].at);
    }
    for b in &out.breaks {
        assert_eq!(out.text.as_bytes().get(b.at), Some(&b'\n'));
    }
}

/// A fragment soup: XML, JSON and TSV pieces that readers must survive in any order.
fn soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("<div class='ocr_page' title='bbox 0 0 100 100'>".to_string()),
        Just("<span class='ocr_line' title='bbox 1 2 30 10'>".to_string()),
        Just("<span class='ocrx_word' title='bbox 1 2 3 4; x_wconf 90'>字</span>".to_string()),
        Just("</span>".to_string()),
        Just("</div>".to_string()),
        Just("<alto><Page WIDTH='10' HEIGHT='10'><TextBlock><TextLine>".to_string()),
        Just("<String CONTENT='词' HPOS='1' VPOS='1' WIDTH='2' HEIGHT='2' WC='2'/>".to_string()),
        Just("<PcGts><Page><TextRegion id='r'><TextLine><TextEquiv><Unicode>".to_string()),
        Just("<Coords points='1,1 5,1 5,5'/>".to_string()),
        Just("&amp;&#x4e00;&bogus;".to_string()),
        Just("[[[[0,0],[9,0],[9,9],[0,9]],[\"行\",0.5]]".to_string()),
        Just("{\"lines\":[{\"box\":[0,0,5,5],\"text\":\"行\",\"score\":1}]}".to_string()),
        Just("5\t1\t1\t1\t1\t1\t1\t2\t3\t4\t90\t词\n".to_string()),
        "[ -~一-龥\n\t]{0,12}",
    ];
    prop::collection::vec(piece, 0..12).prop_map(|v| v.concat())
}

fn doc() -> impl Strategy<Value = Document> {
    let word = (
        "[a-z一-龥，。]{1,6}",
        0f32..600.0,
        0f32..800.0,
        1f32..300.0,
        1f32..40.0,
        prop::option::of(0f32..1.0),
    )
        .prop_map(|(t, x, y, w, h, c)| Word {
            text: t,
            bbox: BBox::new(x, y, x + w, y + h),
            conf: c,
            id: None,
            hyphen: None,
        });
    let line = prop::collection::vec(word, 1..4).prop_map(|words| Line {
        words,
        ..Line::default()
    });
    let block = prop::collection::vec(line, 1..30).prop_map(|lines| Block {
        lines,
        ..Block::default()
    });
    (
        prop::collection::vec(block, 1..3),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(blocks, ordered, segmented)| Document {
            pages: vec![Page {
                blocks,
                ..Page::default()
            }],
            ordered,
            segmented,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn readers_never_panic(input in soup()) {
        for f in Format::ALL {
            let _ = read(&input, f);
            if let Ok(out) = convert(&input, f, &LayoutOptions::default()) {
                check_spans(&out);
            }
        }
    }

    #[test]
    fn write_back_never_panics(input in soup(), id in "[a-z_0-9]{0,4}", text in "[ -~一-龥]{0,6}") {
        let texts = std::collections::HashMap::from([(id, text)]);
        for f in Format::ALL {
            let _ = ocrtidy_formats::write_back(&input, f, &texts);
            let mut printed = LayoutOptions::default();
            printed.printed_lines = true;
            if let Ok(out) = convert(&input, f, &printed) {
                check_spans(&out);
                let edits = [(0..out.text.len().min(1), "改")];
                let _ = ocrtidy_formats::element_texts(&out, &edits);
            }
        }
    }

    #[test]
    fn layout_keeps_every_word(doc in doc()) {
        let out = ocrtidy_formats::convert_document(&doc, &LayoutOptions::default());
        check_spans(&out);
        let again = ocrtidy_formats::convert_document(&doc, &LayoutOptions::default());
        prop_assert_eq!(&out, &again);
        // Every word is in the text or in the dropped furniture (a word merged across a gutter
        // may be split into two spans).
        let kept: String = out.spans.iter().map(|s| &out.text[s.range.clone()]).collect();
        let dropped: String = out.dropped.iter().map(|d| d.text.as_str()).collect();
        let words: usize = doc.pages[0].blocks.iter().flat_map(|b| &b.lines).map(|l| l.words.len()).sum();
        prop_assert!(out.spans.len() + out.dropped.len() >= words);
        let all: String = doc.pages[0].blocks.iter().flat_map(|b| &b.lines).flat_map(|l| &l.words).map(|w| w.text.as_str()).collect();
        let mut have: Vec<char> = kept.chars().chain(dropped.chars()).filter(|c| !c.is_whitespace()).collect();
        let mut want: Vec<char> = all.chars().filter(|c| !c.is_whitespace()).collect();
        have.sort_unstable();
        want.sort_unstable();
        prop_assert_eq!(have, want);
        prop_assert!(!out.text.contains("\n\n"));
        prop_assert!(!out.text.starts_with('\n') && !out.text.ends_with('\n'));
        let mut printed = LayoutOptions::default();
        printed.printed_lines = true;
        check_spans(&ocrtidy_formats::convert_document(&doc, &printed));
    }
    #[test]
    fn marked_furniture_is_what_drop_leaves_out(doc in doc(), printed in any::<bool>()) {
        use ocrtidy_formats::{Furniture, Role};
        let with = |furniture| {
            let mut o = LayoutOptions::default();
            o.furniture = furniture;
            o.printed_lines = printed;
            ocrtidy_formats::convert_document(&doc, &o)
        };
        let (drop, mark) = (with(Furniture::Drop), with(Furniture::Mark));
        check_spans(&mark);
        // The marks are lines of their own, in order, and are the dropped lines.
        let marked: Vec<&str> = mark.furniture.iter().map(|(r, _)| &mark.text[r.clone()]).collect();
        let mut end = 0;
        for (r, role) in &mark.furniture {
            prop_assert!(r.start >= end && r.start < r.end && *role != Role::Body);
            prop_assert!(r.start == 0 || mark.text[..r.start].ends_with('\n'));
            prop_assert!(mark.text[r.end..].is_empty() || mark.text[r.end..].starts_with('\n'));
            end = r.end;
        }
        let dropped: Vec<String> = drop.dropped.iter().map(|d| d.text.clone()).collect();
        let sorted = |s: String| {
            let mut c: Vec<char> = s.chars().filter(|c| !c.is_whitespace()).collect();
            c.sort_unstable();
            c
        };
        prop_assert_eq!(sorted(marked.concat()), sorted(dropped.concat()));
        // Removing each with the breaks that set it apart gives the dropped layout, unless the
        // page holds nothing else.
        if !drop.text.is_empty() {
            let mut out = String::new();
            let mut at = 0;
            for (r, role) in &mark.furniture {
                let text = &mark.text;
                let (mut start, mut end) = (r.start, r.end);
                if *role == Role::Header {
                    end += text[end..].len() - text[end..].trim_start_matches('\n').len();
                } else {
                    start -= text[..start].len() - text[..start].trim_end_matches('\n').len();
                }
                out.push_str(&text[at..start.max(at)]);
                at = end;
            }
            out.push_str(&mark.text[at..]);
            prop_assert_eq!(out, drop.text);
        }
    }
}
