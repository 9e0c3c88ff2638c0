//! Properties of the layout passes over arbitrary input: no panic, the ledger replays to the
//! output, cleaning the output again changes nothing, and form feeds are never added or removed.

use ocrtidy_core::{replay, Context, Pass, Runner};
use ocrtidy_layout::{Dehyphenate, Furniture, LineJoin, SplitFragments};
use ocrtidy_normalize::{BlankLines, Newlines, ParagraphSeparator, TrailingSpace};
use proptest::prelude::*;

fn layout_only() -> Runner {
    let passes: Vec<Box<dyn Pass>> = vec![
        Box::new(Furniture::new()),
        Box::new(Dehyphenate),
        Box::new(LineJoin),
        Box::new(SplitFragments::new(None)),
    ];
    Runner::new(passes)
}

fn pipeline(separator: ParagraphSeparator) -> Runner {
    let passes: Vec<Box<dyn Pass>> = vec![
        Box::new(Newlines),
        Box::new(TrailingSpace),
        Box::new(Furniture::new()),
        Box::new(Dehyphenate),
        Box::new(LineJoin),
        Box::new(SplitFragments::new(None)),
        Box::new(BlankLines::new(separator)),
    ];
    Runner::new(passes)
}

/// Text made of the pieces layout cares about: CJK and Latin words, punctuation, digits,
/// dates, markers, spaces, line breaks and page breaks.
fn ocr_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => Just("文字".to_string()),
        4 => Just("系统的软件包".to_string()),
        3 => Just("word ".to_string()),
        2 => Just("infor-".to_string()),
        2 => Just("mation".to_string()),
        4 => Just("\n".to_string()),
        2 => Just("\n\n".to_string()),
        1 => Just("\u{c}".to_string()),
        1 => Just("\r\n".to_string()),
        2 => Just("。".to_string()),
        2 => Just("，".to_string()),
        1 => Just(".".to_string()),
        1 => Just("　　".to_string()),
        1 => Just("   ".to_string()),
        1 => Just("2021年3月18日 星期四".to_string()),
        1 => Just("（下转第2版）".to_string()),
        1 => Just("第3版".to_string()),
        1 => Just("12".to_string()),
        1 => Just("《周报》".to_string()),
        1 => Just("（李俊华）".to_string()),
        2 => any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.concat())
}

/// A page of raw OCR lines as Tesseract writes them: a dozen to forty lines, most of them near
/// a column width, some short, ending in final punctuation, a comma, a look-alike mark, stray
/// marks or nothing, with blank lines between some of them (the pages the fitted line-break
/// scorer decides).
fn ocr_page() -> impl Strategy<Value = String> {
    let line = (
        prop_oneof![
            6 => Just(20usize),
            1 => 1usize..20,
            1 => 20usize..24,
        ],
        prop::sample::select(vec![
            "", "", "。", "。", "，", "：", "；", "*", "\"", " 、", " ,", "”", "）", " .",
        ]),
        prop_oneof![
            8 => Just(""),
            1 => Just("Debian "),
            1 => Just("(1) "),
            1 => Just("“"),
            1 => Just("　　"),
        ],
        prop_oneof![6 => Just("\n"), 2 => Just("\n\n"), 1 => Just("\n\n\n")],
    );
    prop::collection::vec(line, 12..40).prop_map(|lines| {
        let text: Vec<char> =
            "软件包管理系统负责安装升级和删除系统里的各种程序并且自动处理它们之间的依赖关系"
                .chars()
                .collect();
        let mut out = String::new();
        for (i, (width, end, start, sep)) in lines.into_iter().enumerate() {
            out.push_str(start);
            out.extend((0..width).map(|k| text[(i * 7 + k) % text.len()]));
            out.push_str(end);
            out.push_str(sep);
        }
        out
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn ocr_pages_are_idempotent_and_replay(input in ocr_page()) {
        for sep in [ParagraphSeparator::Line, ParagraphSeparator::Blank] {
            let runner = pipeline(sep);
            let once = runner.run(&input, &Context::default());
            prop_assert_eq!(once.stats.rejected_edits, 0);
            prop_assert_eq!(replay(&input, &once.changes), Some(once.text.clone()));
            let twice = runner.run(&once.text, &Context::default());
            prop_assert_eq!(&twice.text, &once.text, "input {:?}", input);
        }
    }

    #[test]
    fn layout_passes_keep_page_breaks_and_replay(input in ocr_text()) {
        let cleaned = layout_only().run(&input, &Context::default());
        prop_assert_eq!(cleaned.stats.rejected_edits, 0);
        prop_assert_eq!(
            cleaned.text.matches('\u{c}').count(),
            input.matches('\u{c}').count()
        );
        prop_assert_eq!(replay(&input, &cleaned.changes), Some(cleaned.text.clone()));
    }

    #[test]
    fn pipeline_is_idempotent(input in ocr_text()) {
        for sep in [ParagraphSeparator::Line, ParagraphSeparator::Blank] {
            let runner = pipeline(sep);
            let once = runner.run(&input, &Context::default());
            prop_assert_eq!(once.stats.rejected_edits, 0);
            let twice = runner.run(&once.text, &Context::default());
            prop_assert_eq!(&twice.text, &once.text, "input {:?}", input);
        }
    }

    #[test]
    fn arbitrary_unicode_never_panics(input in any::<String>()) {
        let once = pipeline(ParagraphSeparator::Line).run(&input, &Context::default());
        prop_assert_eq!(replay(&input, &once.changes), Some(once.text.clone()));
    }
}
