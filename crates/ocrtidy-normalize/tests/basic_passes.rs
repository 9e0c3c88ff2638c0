//! Data-driven cases for the whitespace passes: input → expected output and rules.

use ocrtidy_core::{replay, Context, Pass, Runner};
use ocrtidy_normalize::{BlankLines, Newlines, ParagraphSeparator, TrailingSpace};

fn check(pass: Box<dyn Pass>, input: &str, expected: &str, rules: &[&str]) {
    let runner = Runner::new(vec![pass]);
    let cleaned = runner.run(input, &Context::default());
    assert_eq!(cleaned.text, expected, "input {input:?}");
    let got: Vec<&str> = cleaned.changes.iter().map(|c| c.rule).collect();
    assert_eq!(got, rules, "rules for {input:?}");
    assert_eq!(replay(input, &cleaned.changes).as_deref(), Some(expected));
    // Idempotent: the pass leaves its own output alone.
    let again = runner.run(&cleaned.text, &Context::default());
    assert!(
        again.changes.is_empty(),
        "not idempotent on {input:?}: {:?}",
        again.changes
    );
}

#[test]
fn newlines() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "第一行\r\n第二行\r\n",
            "第一行\n第二行\n",
            &["crlf", "crlf"],
        ),
        ("old mac\rline", "old mac\nline", &["cr"]),
        ("a\r\r\nb", "a\n\nb", &["cr", "crlf"]),
        (
            "行\u{2028}行\u{2029}",
            "行\n行\n",
            &["unicode-line-separator", "unicode-line-separator"],
        ),
        // Keep: LF, form feed between pages, tabs.
        ("第一页\n\u{c}第二页\t完", "第一页\n\u{c}第二页\t完", &[]),
    ];
    for (input, expected, rules) in cases {
        check(Box::new(Newlines), input, expected, rules);
    }
}

#[test]
fn trailing_space() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "清徐县  \n太原\t\n",
            "清徐县\n太原\n",
            &["trailing-space", "trailing-space"],
        ),
        (
            "页尾\u{3000}\u{3000}\u{c}",
            "页尾\u{c}",
            &["trailing-space"],
        ),
        ("end of text   ", "end of text", &["trailing-space"]),
        // Keep: indentation, inner spaces, spaces of Chinese journalism.
        (
            "\u{3000}\u{3000}本报讯（记者 杨文）\n  indented",
            "\u{3000}\u{3000}本报讯（记者 杨文）\n  indented",
            &[],
        ),
        ("使用 apt 命令", "使用 apt 命令", &[]),
    ];
    for (input, expected, rules) in cases {
        check(Box::new(TrailingSpace), input, expected, rules);
    }
}

#[test]
fn blank_lines_one_paragraph_per_line() {
    let cases: &[(&str, &str, &[&str])] = &[
        (
            "第一段\n\n\n第二段\n",
            "第一段\n第二段",
            &["blank-lines", "document-end"],
        ),
        ("\n\n  \n标题\n正文", "标题\n正文", &["document-start"]),
        ("a\n \n\t\nb", "a\nb", &["blank-lines"]),
        // A form feed in a run of breaks is a page break before the next line.
        (
            "第一页末\n\n\u{c}\n第二页",
            "第一页末\n\u{c}第二页",
            &["page-break"],
        ),
        // The trailing form feed of a single page goes with the end of the document.
        ("正文\n\n\u{c}", "正文", &["document-end"]),
        // Keep: single breaks, indentation after a break.
        (
            "一\n\u{3000}\u{3000}二\n三",
            "一\n\u{3000}\u{3000}二\n三",
            &[],
        ),
    ];
    for (input, expected, rules) in cases {
        check(Box::new(BlankLines::default()), input, expected, rules);
    }
}

#[test]
fn blank_lines_blank_separator() {
    check(
        Box::new(BlankLines::new(ParagraphSeparator::Blank)),
        "one\ntwo\n\n\n\nthree",
        "one\n\ntwo\n\nthree",
        &["blank-lines", "blank-lines"],
    );
}
