//! Every reader on its fixtures: the text laid out, the furniture dropped, confidences and
//! sources kept, and clear errors for broken files.

use ocrtidy_formats::{
    convert, detect, read, Converted, ErrorKind, Format, Furniture, LayoutOptions,
};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn run(name: &str, format: Format) -> Converted {
    convert(&fixture(name), format, &LayoutOptions::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

const TWO_COLUMNS: &str = "春天来了山上的花都开了河里的冰也化开了鸟儿在树上唱歌。\n\
夏天很热我们去海边游泳还在沙滩上堆了一座小城堡然后吃了西瓜。\n\
秋天树叶变成了金黄色农民伯伯都在田里收割稻谷大家都很高兴。\n\
冬天下雪了";

/// (fixture, format given, detected format, expected text, expected dropped furniture)
const CASES: &[(&str, Format, Format, &str, &[&str])] = &[
    (
        "rapidocr-two-column.json",
        Format::RapidOcrJson,
        Format::RapidOcrJson,
        TWO_COLUMNS,
        &["晨光学报", "2024年1月1日", "— 7 —"],
    ),
    // A line merged across the gutter is split back into its columns.
    (
        "rapidocr-merged.json",
        Format::RapidOcrJson,
        Format::RapidOcrJson,
        TWO_COLUMNS,
        &["晨光学报", "2024年1月1日", "— 7 —"],
    ),
    (
        "rapidocr-triples.json",
        Format::RapidOcrJson,
        Format::RapidOcrJson,
        TWO_COLUMNS,
        &["晨光学报", "2024年1月1日", "— 7 —"],
    ),
    (
        "paddle2.json",
        Format::PaddleOcrJson,
        Format::PaddleOcrJson,
        TWO_COLUMNS,
        &["晨光学报", "2024年1月1日", "— 7 —"],
    ),
    (
        "paddle3.json",
        Format::PaddleOcrJson,
        Format::PaddleOcrJson,
        TWO_COLUMNS,
        &["晨光学报", "2024年1月1日", "— 7 —"],
    ),
    (
        "tesseract.hocr",
        Format::Hocr,
        Format::Hocr,
        "第一段使用 apt 命令安装软件包，内容比较长这是第一段的第二行，还有 Debian 系统说明第一段结束。\n\
         English words come next in the second paragraph of the page.\n\
         第三段的第一行文字也很长很长的第三段的第二行文字继续写下去了呀全文完。",
        &["晨光", "学报", "2024年5月1日", "—", "3", "—"],
    ),
    // Kraken: lines without word elements, HTML void elements and entities.
    (
        "kraken.hocr",
        Format::Hocr,
        Format::Hocr,
        "Kraken reads lines without word boxes & more.",
        &[],
    ),
    // Namespaced ALTO with a word hyphenated across lines (SUBS_CONTENT).
    (
        "sample.alto.xml",
        Format::Alto,
        Format::Alto,
        "The example shows it.\nSecond block.",
        &[],
    ),
    // PAGE: ReadingOrder puts the second region of the file first; word text wins over line
    // text; legacy `Point` coordinates.
    (
        "sample.page.xml",
        Format::Page,
        Format::Page,
        "PAGE reading order comes second.",
        &[],
    ),
    (
        "sample.tsv",
        Format::TesseractTsv,
        Format::TesseractTsv,
        "Tesseract TSV works well.",
        &[],
    ),
];

#[test]
fn fixtures_are_laid_out() {
    for &(name, format, detected, text, dropped) in CASES {
        let input = fixture(name);
        assert_eq!(detect(&input).ok(), Some(detected), "{name}: detection");
        for f in [format, Format::Auto] {
            let out = run(name, f);
            assert_eq!(out.text, text, "{name} as {f}");
            let got: Vec<&str> = out.dropped.iter().map(|d| d.text.as_str()).collect();
            assert_eq!(got, dropped, "{name}: dropped furniture");
        }
    }
}

#[test]
fn spans_point_back_to_elements() {
    for &(name, format, ..) in CASES {
        let out = run(name, format);
        let mut end = 0;
        for s in &out.spans {
            assert!(s.range.start >= end, "{name}: spans sorted and disjoint");
            assert!(
                out.text.get(s.range.clone()).is_some(),
                "{name}: span on char boundaries"
            );
            end = s.range.end;
        }
        assert!(!out.spans.is_empty(), "{name}: has spans");
    }
    // A word keeps its id, box and confidence.
    let out = run("tesseract.hocr", Format::Hocr);
    let at = out.text.find("apt").unwrap_or(usize::MAX);
    let span = out.sources(at..at + 3).next().expect("a span under `apt`");
    assert_eq!(&out.text[span.range.clone()], "apt");
    assert_eq!(span.conf, Some(0.9));
    assert!(span
        .source
        .id
        .as_deref()
        .is_some_and(|id| id.starts_with("word_1_")));
    assert!(span.source.bbox.is_some());
    // The low-confidence line (x_wconf 35) is visible to a later pass.
    let at = out.text.find("Debian").unwrap_or(usize::MAX);
    assert_eq!(out.min_confidence(at..at + 6), Some(0.35));
    // PAGE: the TextEquiv with the lowest index wins, with its confidence.
    let out = run("sample.page.xml", Format::Page);
    let at = out.text.find("reading").unwrap_or(usize::MAX);
    let span = out
        .sources(at..at + 7)
        .next()
        .expect("a span under `reading`");
    assert_eq!(span.source.id.as_deref(), Some("w2"));
    assert_eq!(span.conf, Some(0.9));
    // ALTO: the whole hyphenated word comes from the first part's element.
    let out = run("sample.alto.xml", Format::Alto);
    let at = out.text.find("example").unwrap_or(usize::MAX);
    let span = out
        .sources(at..at + 7)
        .next()
        .expect("a span under `example`");
    assert_eq!(span.source.id.as_deref(), Some("s2"));
    assert_eq!(span.conf, Some(0.61));
}

#[test]
fn furniture_can_be_kept_and_tagged() {
    let mut options = LayoutOptions::default();
    options.furniture = Furniture::Keep;
    let out = convert(
        &fixture("rapidocr-two-column.json"),
        Format::RapidOcrJson,
        &options,
    )
    .unwrap_or_default();
    assert!(
        out.text.starts_with("晨光学报\n2024年1月1日\n春天"),
        "{}",
        out.text
    );
    assert!(out.text.ends_with("冬天下雪了\n— 7 —"), "{}", out.text);
    assert!(out.dropped.is_empty());
    let roles: Vec<_> = out.spans.iter().map(|s| s.source.role).collect();
    assert_eq!(roles.first(), Some(&ocrtidy_formats::Role::Header));
    assert_eq!(roles.last(), Some(&ocrtidy_formats::Role::Footer));
}

#[test]
fn keep_lines_gives_one_line_per_printed_line() {
    let mut options = LayoutOptions::default();
    options.keep_lines = true;
    let out = convert(
        &fixture("rapidocr-two-column.json"),
        Format::RapidOcrJson,
        &options,
    )
    .unwrap_or_default();
    assert_eq!(out.text.lines().count(), 10);
    assert!(
        out.text.starts_with("春天来了山上的花都开\n了河里"),
        "{}",
        out.text
    );
}

/// (fixture, format, line, element, words the message must contain)
type Broken = (
    &'static str,
    Format,
    Option<usize>,
    Option<&'static str>,
    &'static str,
);

const BROKEN: &[Broken] = &[
    (
        "broken-bbox.hocr",
        Format::Hocr,
        Some(4),
        Some("span"),
        "bad bbox",
    ),
    (
        "truncated.hocr",
        Format::Hocr,
        Some(7),
        Some("span"),
        "ends inside",
    ),
    (
        "broken.alto.xml",
        Format::Alto,
        Some(5),
        Some("String"),
        "without `CONTENT`",
    ),
    (
        "broken.page.xml",
        Format::Page,
        Some(5),
        Some("Coords"),
        "bad points",
    ),
    (
        "broken.tsv",
        Format::TesseractTsv,
        Some(3),
        Some("left"),
        "not a number",
    ),
    (
        "broken-paddle.json",
        Format::PaddleOcrJson,
        None,
        Some("$[1][0]"),
        "not a box",
    ),
    (
        "broken-rapidocr.json",
        Format::RapidOcrJson,
        None,
        Some("$.lines[1]"),
        "no `text`",
    ),
    (
        "truncated-rapidocr.json",
        Format::RapidOcrJson,
        Some(3),
        None,
        "syntax error",
    ),
    // Valid input of another format.
    ("sample.alto.xml", Format::Hocr, None, None, "ocr_page"),
    ("sample.tsv", Format::Alto, None, None, "no `alto` root"),
    (
        "kraken.hocr",
        Format::RapidOcrJson,
        Some(1),
        None,
        "syntax error",
    ),
];

#[test]
fn broken_files_give_clear_errors() {
    for &(name, format, line, element, words) in BROKEN {
        let err = match read(&fixture(name), format) {
            Ok(doc) => panic!("{name} as {format}: read {doc:?}"),
            Err(e) => e.in_file(name),
        };
        assert_eq!(err.line, line, "{name}: line in {err}");
        assert_eq!(err.element.as_deref(), element, "{name}: element in {err}");
        let msg = err.to_string();
        assert!(msg.starts_with(name), "{msg}");
        assert!(msg.contains(words), "{name}: `{msg}` lacks `{words}`");
    }
}

#[test]
fn detection_by_content() {
    let cases: &[(&str, Option<Format>)] = &[
        ("第一段\n第二段\n", Some(Format::Text)),
        ("[注] 方括号开头的正文", Some(Format::Text)),
        ("{不是 JSON", Some(Format::Text)),
        (r#"{"res": {"rec_texts": []}}"#, Some(Format::PaddleOcrJson)),
        (
            r#"[[[[0,0],[1,0],[1,1],[0,1]], ["字", 0.9]]]"#,
            Some(Format::PaddleOcrJson),
        ),
        (
            r#"[[[[[0,0],[1,0],[1,1],[0,1]], ["字", 0.9]]]]"#,
            Some(Format::PaddleOcrJson),
        ),
        (
            r#"[[[[0,0],[1,0],[1,1],[0,1]], "字", 0.9]]"#,
            Some(Format::RapidOcrJson),
        ),
        (
            r#"{"boxes": [], "txts": [], "scores": []}"#,
            Some(Format::RapidOcrJson),
        ),
        (r#"{"other": 1}"#, None),
        ("<root><child/></root>", None),
    ];
    for &(input, want) in cases {
        assert_eq!(detect(input).ok(), want, "{input}");
    }
    let err = detect("<root/>").err().map(|e| e.kind);
    assert!(matches!(err, Some(ErrorKind::Unrecognized(_))));
}

#[test]
fn plain_text_passes_through() {
    for text in ["", "一行", "第一段\n\n第二段\n", "  缩进\r\n\u{c}下一页"] {
        let out = convert(text, Format::Text, &LayoutOptions::default()).unwrap_or_default();
        assert_eq!(out.text, text);
        let auto = convert(text, Format::Auto, &LayoutOptions::default()).unwrap_or_default();
        assert_eq!(auto.text, text);
    }
}

#[test]
fn format_names_round_trip() {
    for f in Format::ALL {
        assert_eq!(f.name().parse::<Format>().ok(), Some(f));
    }
    assert!("docx".parse::<Format>().is_err());
}
