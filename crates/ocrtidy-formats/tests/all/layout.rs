//! Layout decisions on small synthetic pages: what must change (reading order, paragraphs,
//! fragments, furniture) and what must stay (single columns, headings, first lines, the file's
//! own order).

use ocrtidy_formats::{convert_document, BBox, Block, Document, LayoutOptions, Line, Page, Word};

/// One box per entry: (x0, y0, x1, text); every box is 20 units high. CJK characters are
/// about 20 units wide, as on a real page.
type Boxes<'a> = &'a [(f32, f32, f32, &'a str)];

/// A document of one page of one block of `lines`.
fn one_block(lines: Vec<Line>, ordered: bool, segmented: bool) -> Document {
    Document {
        ordered,
        segmented,
        ..Document::single_block(lines)
    }
}

fn doc(boxes: Boxes<'_>, ordered: bool) -> Document {
    let lines = boxes
        .iter()
        .map(|&(x0, y0, x1, text)| {
            let bbox = BBox::new(x0, y0, x1, y0 + 20.0);
            Line {
                words: vec![Word {
                    bbox,
                    ..Word::new(text)
                }],
                bbox,
                ..Line::default()
            }
        })
        .collect();
    one_block(lines, ordered, false)
}

fn layout(boxes: Boxes<'_>, ordered: bool) -> (String, Vec<String>) {
    let out = convert_document(&doc(boxes, ordered), &LayoutOptions::default());
    (out.text, out.dropped.into_iter().map(|d| d.text).collect())
}

/// (what, boxes in engine order, ordered, expected text, expected dropped furniture)
type Case<'a> = (&'a str, Boxes<'a>, bool, &'a str, &'a [&'a str]);

const CASES: &[Case<'_>] = &[
    // Keep: a page without header; its first line is a paragraph's tail, not furniture.
    (
        "first line kept",
        &[
            (40.0, 100.0, 140.0, "接上页。"),
            (80.0, 130.0, 440.0, "新的段落从这里开始写起来"),
            (40.0, 160.0, 440.0, "第二行的文字一直写到右边"),
            (40.0, 190.0, 440.0, "第三行的文字也写到了右边"),
            (40.0, 220.0, 440.0, "第四行的文字还是写到右边"),
            (40.0, 250.0, 200.0, "段落结束。"),
        ],
        false,
        "接上页。\n新的段落从这里开始写起来第二行的文字一直写到右边第三行的文字也写到了右边第四行的文字还是写到右边段落结束。",
        &[],
    ),
    // Keep: short right-aligned lines do not make a single column two (the order stays; an
    // indented line starts a paragraph).
    (
        "single column with right-aligned lines",
        &[
            (80.0, 100.0, 440.0, "一栏的正文从这里开始写"),
            (40.0, 130.0, 440.0, "第二行的文字一直写到右边"),
            (300.0, 160.0, 440.0, "右对齐甲"),
            (40.0, 190.0, 440.0, "第四行的文字一直写到右边"),
            (300.0, 220.0, 440.0, "右对齐乙"),
            (40.0, 250.0, 440.0, "第六行的文字一直写到右边"),
            (300.0, 280.0, 440.0, "右对齐丙"),
            (40.0, 310.0, 440.0, "第八行的文字一直写到右边"),
        ],
        false,
        "一栏的正文从这里开始写第二行的文字一直写到右边\n右对齐甲第四行的文字一直写到右边\n右对齐乙第六行的文字一直写到右边\n右对齐丙第八行的文字一直写到右边",
        &[],
    ),
    // Fix: two columns read column by column; a paragraph wraps from one into the next.
    // Keep: the centred full-width heading stays whole and comes first.
    (
        "heading over two columns",
        &[
            (150.0, 60.0, 350.0, "居中的大标题"),
            (80.0, 100.0, 230.0, "左栏第一段"),
            (270.0, 100.0, 460.0, "右栏接着写完"),
            (40.0, 130.0, 230.0, "左栏第二行字"),
            (270.0, 130.0, 380.0, "这段结束。"),
            (40.0, 160.0, 230.0, "左栏第三行字"),
            (310.0, 160.0, 460.0, "右栏新段落"),
            (40.0, 190.0, 230.0, "左栏第四行字"),
            (270.0, 190.0, 460.0, "右栏最后一行"),
        ],
        false,
        "居中的大标题\n左栏第一段左栏第二行字左栏第三行字左栏第四行字右栏接着写完这段结束。\n右栏新段落右栏最后一行",
        &[],
    ),
    // Fix: fragments of one printed line are joined left to right; a space between Latin words
    // that the engine returned as separate boxes is restored.
    (
        "fragments",
        &[
            (40.0, 100.0, 200.0, "Debian"),
            (260.0, 101.0, 440.0, "Edu is a"),
            (40.0, 130.0, 440.0, "school distribution."),
        ],
        false,
        "Debian Edu is a school distribution.",
        &[],
    ),
    // Fix: a vertical gap well above the line pitch ends a paragraph.
    (
        "vertical gap",
        &[
            (40.0, 100.0, 440.0, "第一段的第一行写到右边"),
            (40.0, 130.0, 440.0, "第一段的第二行写到右边"),
            (40.0, 160.0, 440.0, "第一段的第三行写到右边"),
            (40.0, 220.0, 440.0, "第二段的第一行写到右边"),
            (40.0, 250.0, 440.0, "第二段的第二行写到右边"),
        ],
        false,
        "第一段的第一行写到右边第一段的第二行写到右边第一段的第三行写到右边\n第二段的第一行写到右边第二段的第二行写到右边",
        &[],
    ),
    // Fix: a header (title left, date right) and a page number set apart are dropped.
    (
        "header and footer",
        &[
            (40.0, 40.0, 140.0, "晨光学报"),
            (320.0, 40.0, 440.0, "2024年1月1日"),
            (80.0, 100.0, 440.0, "正文的第一行从这里开始"),
            (40.0, 130.0, 440.0, "正文的第二行一直写到右边"),
            (40.0, 160.0, 440.0, "正文的第三行一直写到右边"),
            (40.0, 190.0, 440.0, "正文的第四行一直写到右边"),
            (40.0, 220.0, 200.0, "正文结束。"),
            (220.0, 400.0, 260.0, "— 3 —"),
        ],
        false,
        "正文的第一行从这里开始正文的第二行一直写到右边正文的第三行一直写到右边正文的第四行一直写到右边正文结束。",
        &["晨光学报", "2024年1月1日", "— 3 —"],
    ),
    // Keep: a format with its own reading order is not reordered by geometry.
    (
        "file order kept",
        &[
            (40.0, 200.0, 440.0, "文件里先出现的行在下面"),
            (40.0, 100.0, 440.0, "文件里后出现的行在上面"),
        ],
        true,
        "文件里先出现的行在下面\n文件里后出现的行在上面",
        &[],
    ),
];

#[test]
fn layout_cases() {
    for &(what, boxes, ordered, text, dropped) in CASES {
        let (got, got_dropped) = layout(boxes, ordered);
        assert_eq!(got, text, "{what}");
        assert_eq!(got_dropped, dropped, "{what}: furniture");
    }
}

#[test]
fn pages_are_separated_by_form_feeds() {
    let mut d = doc(&[(40.0, 100.0, 440.0, "第一页")], true);
    let second = doc(&[(40.0, 100.0, 440.0, "第二页")], true);
    d.pages.push(Page::default());
    d.pages.extend(second.pages);
    let out = convert_document(&d, &LayoutOptions::default());
    assert_eq!(out.text, "第一页\n\u{c}第二页");
    assert_eq!(out.spans[1].source.page, 2);
}

#[test]
fn printed_lines_keep_lines_and_mark_paragraphs_with_blank_lines() {
    let boxes: Boxes<'_> = &[
        (80.0, 130.0, 440.0, "新的段落从这里开始写起来"),
        (40.0, 160.0, 440.0, "第二行的文字一直写到右边"),
        (40.0, 190.0, 200.0, "段落结束。"),
        (80.0, 220.0, 440.0, "另一个段落从这里开始写的"),
        (40.0, 250.0, 200.0, "也结束了。"),
    ];
    let mut options = LayoutOptions::default();
    options.printed_lines = true;
    let out = convert_document(&doc(boxes, true), &options);
    assert_eq!(
        out.text,
        "新的段落从这里开始写起来\n第二行的文字一直写到右边\n段落结束。\n\n另一个段落从这里开始写的\n也结束了。"
    );
    let (joined, _) = layout(boxes, true);
    assert_eq!(
        joined,
        "新的段落从这里开始写起来第二行的文字一直写到右边段落结束。\n另一个段落从这里开始写的也结束了。"
    );
}

/// The printed-lines text with each line break's hint written out: `¶` for a `\n` of a
/// paragraph break, `↵` for a wrap, a plain `\n` where the geometry leaves it to the text.
fn hinted(boxes: Boxes<'_>) -> String {
    let mut options = LayoutOptions::default();
    options.printed_lines = true;
    let out = convert_document(&doc(boxes, true), &options);
    let mut text = String::new();
    for (at, c) in out.text.char_indices() {
        match out.breaks.iter().find(|b| b.at == at) {
            Some(b) if c == '\n' && b.paragraph => text.push('¶'),
            Some(b) if c == '\n' && !b.paragraph => text.push('↵'),
            Some(_) => panic!("a hint at {at} is not on a line break"),
            None => text.push(c),
        }
    }
    text
}

#[test]
fn line_break_hints_from_geometry() {
    // (what, boxes, expected text with hints); lines 30 units apart, 12 characters full width.
    let cases: &[(&str, Boxes<'_>, &str)] = &[
        (
            "indent after a short line: a paragraph break",
            &[
                (80.0, 100.0, 440.0, "新的段落从这里开始写起来"),
                (40.0, 130.0, 440.0, "第二行的文字一直写到右边"),
                (40.0, 160.0, 200.0, "段落结束。"),
                (80.0, 190.0, 440.0, "另一个段落从这里开始写的"),
                (40.0, 220.0, 440.0, "第二行的文字也写到了右边"),
                (40.0, 250.0, 200.0, "也结束了。"),
            ],
            "新的段落从这里开始写起来↵第二行的文字一直写到右边↵段落结束。¶¶另一个段落从这里开始写的↵第二行的文字也写到了右边↵也结束了。",
        ),
        (
            "a gap after a short line, no indents: a paragraph break",
            &[
                (40.0, 100.0, 440.0, "新的段落从这里开始写起来"),
                (40.0, 130.0, 440.0, "第二行的文字一直写到右边"),
                (40.0, 160.0, 200.0, "段落结束。"),
                (40.0, 220.0, 440.0, "另一个段落从这里开始写的"),
                (40.0, 250.0, 440.0, "第二行的文字也写到了右边"),
                (40.0, 280.0, 200.0, "也结束了。"),
            ],
            "新的段落从这里开始写起来↵第二行的文字一直写到右边↵段落结束。¶¶另一个段落从这里开始写的↵第二行的文字也写到了右边↵也结束了。",
        ),
        (
            "an indent after a full line alone: the text decides",
            &[
                (40.0, 100.0, 440.0, "这一行的文字一直写到右边"),
                (40.0, 130.0, 440.0, "第二行的文字一直写到右边"),
                (80.0, 160.0, 440.0, "第三行的开头向右缩进了些"),
                (40.0, 190.0, 440.0, "第四行的文字一直写到右边"),
                (40.0, 220.0, 440.0, "第五行的文字一直写到右边"),
                (40.0, 250.0, 440.0, "第六行的文字一直写到右边"),
            ],
            "这一行的文字一直写到右边↵第二行的文字一直写到右边\n\n第三行的开头向右缩进了些↵第四行的文字一直写到右边↵第五行的文字一直写到右边↵第六行的文字一直写到右边",
        ),
        (
            "a short line alone: the text decides",
            &[
                (40.0, 100.0, 440.0, "这一行的文字一直写到右边"),
                (40.0, 130.0, 440.0, "第二行的文字一直写到右边"),
                (40.0, 160.0, 200.0, "第三行很短"),
                (40.0, 190.0, 440.0, "第四行的文字一直写到右边"),
                (40.0, 220.0, 440.0, "第五行的文字一直写到右边"),
                (40.0, 250.0, 440.0, "第六行的文字一直写到右边"),
            ],
            "这一行的文字一直写到右边↵第二行的文字一直写到右边↵第三行很短\n\n第四行的文字一直写到右边↵第五行的文字一直写到右边↵第六行的文字一直写到右边",
        ),
        (
            "an indent of the page's usual depth after a full line: a paragraph break; \
             an indent of another depth (a damaged line start): the text decides",
            &[
                (80.0, 100.0, 440.0, "第一段的第一行向右缩进"),
                (40.0, 130.0, 200.0, "第一段完。"),
                (80.0, 160.0, 440.0, "第二段的第一行向右缩进"),
                (40.0, 190.0, 200.0, "第二段完。"),
                (80.0, 220.0, 440.0, "第三段的第一行向右缩进"),
                (40.0, 250.0, 200.0, "第三段完。"),
                (80.0, 280.0, 440.0, "第四段的第一行向右缩进"),
                (40.0, 310.0, 440.0, "第四段的末行正好写满了右边"),
                (80.0, 340.0, 440.0, "第五段的第一行向右缩进"),
                (110.0, 370.0, 440.0, "行首的字没有认出来了"),
                (40.0, 400.0, 200.0, "第五段完。"),
            ],
            "第一段的第一行向右缩进↵第一段完。¶¶第二段的第一行向右缩进↵第二段完。¶¶\
             第三段的第一行向右缩进↵第三段完。¶¶第四段的第一行向右缩进↵第四段的末行正好写满了右边¶¶\
             第五段的第一行向右缩进\n\n行首的字没有认出来了↵第五段完。",
        ),
        // Keep: full lines of one column are wraps, also when a line stops a little short
        // (the next line's first character would not have fitted).
        (
            "full lines: wraps",
            &[
                (40.0, 100.0, 440.0, "这一行的文字一直写到右边"),
                (40.0, 130.0, 420.0, "第二行的文字差不多到右边"),
                (40.0, 160.0, 440.0, "第三行的文字一直写到右边"),
                (40.0, 190.0, 440.0, "第四行的文字一直写到右边"),
            ],
            "这一行的文字一直写到右边↵第二行的文字差不多到右边↵第三行的文字一直写到右边↵第四行的文字一直写到右边",
        ),
        // Fix: lines that start with a stray mark (noise, a misread comma) reach past the
        // column's left edge; the other lines are not indented from it.
        (
            "stray marks at line starts: wraps",
            &[
                (40.0, 100.0, 440.0, "这一行的文字一直写到右边"),
                (0.0, 130.0, 440.0, ".第二行前有个杂点写到右边"),
                (40.0, 160.0, 440.0, "第三行的文字一直写到右边"),
                (0.0, 190.0, 440.0, ",第四行前也有杂点写到右边"),
                (40.0, 220.0, 440.0, "第五行的文字一直写到右边"),
                (40.0, 250.0, 440.0, "第六行的文字一直写到右边"),
            ],
            "这一行的文字一直写到右边↵.第二行前有个杂点写到右边↵第三行的文字一直写到右边↵,第四行前也有杂点写到右边↵第五行的文字一直写到右边↵第六行的文字一直写到右边",
        ),
        // Keep: a real indent after a short line still starts a paragraph there.
        (
            "stray marks and a paragraph",
            &[
                (40.0, 100.0, 440.0, "这一行的文字一直写到右边"),
                (0.0, 130.0, 440.0, ".第二行前有个杂点写到右边"),
                (40.0, 160.0, 200.0, "段落结束。"),
                (80.0, 190.0, 440.0, "另一个段落从这里开始写的"),
                (0.0, 220.0, 440.0, ",第五行前也有杂点写到右边"),
                (40.0, 250.0, 440.0, "第六行的文字一直写到右边"),
            ],
            "这一行的文字一直写到右边↵.第二行前有个杂点写到右边↵段落结束。¶¶另一个段落从这里开始写的↵,第五行前也有杂点写到右边↵第六行的文字一直写到右边",
        ),
        (
            "one line: no break, no hint",
            &[(40.0, 100.0, 440.0, "只有一行")],
            "只有一行",
        ),
    ];
    for &(what, boxes, want) in cases {
        assert_eq!(hinted(boxes), want, "{what}");
    }
    // Without printed lines there are no line breaks inside paragraphs, and no hints.
    let out = convert_document(&doc(cases[0].1, true), &LayoutOptions::default());
    assert!(out.breaks.is_empty());
}

/// Words of one line, each `(x0, x1, text)`, 20 units high.
type WordBoxes<'a> = &'a [(f32, f32, &'a str)];

fn words_line(words: WordBoxes<'_>) -> String {
    let words: Vec<Word> = words
        .iter()
        .map(|&(x0, x1, text)| Word {
            bbox: BBox::new(x0, 100.0, x1, 120.0),
            ..Word::new(text)
        })
        .collect();
    let line = Line {
        words,
        ..Line::default()
    };
    convert_document(
        &one_block(vec![line], true, false),
        &LayoutOptions::default(),
    )
    .text
}

#[test]
fn spaces_between_chinese_and_other_words_follow_the_boxes() {
    // (words with boxes, expected text); a space is about 6 units (0.3 line heights) wide.
    let cases: &[(WordBoxes<'_>, &str)] = &[
        // Chinese before a Latin word: a space; a Latin word touching Chinese: none.
        (
            &[
                (0.0, 40.0, "使用"),
                (41.0, 100.0, "JPEG"),
                (100.0, 140.0, "做为"),
            ],
            "使用 JPEG做为",
        ),
        (
            &[
                (0.0, 40.0, "使用"),
                (46.0, 80.0, "apt"),
                (86.0, 126.0, "命令"),
            ],
            "使用 apt 命令",
        ),
        // Straight quotes: spaces outside where the boxes show them, none inside.
        (
            &[
                (0.0, 40.0, "使用"),
                (46.0, 50.0, "\""),
                (50.0, 110.0, "下一层"),
                (110.0, 114.0, "\""),
                (120.0, 140.0, "或"),
            ],
            "使用 \"下一层\" 或",
        ),
        (
            &[
                (0.0, 40.0, "选择"),
                (40.0, 44.0, "\""),
                (44.0, 84.0, "暗显"),
                (84.0, 88.0, "\""),
                (88.0, 108.0, "或"),
            ],
            "选择\"暗显\"或",
        ),
        // A curly opening quote read with a straight closing one: the pair still encloses.
        (
            &[
                (0.0, 40.0, "标准"),
                (40.0, 140.0, "“软件包视图"),
                (146.0, 150.0, "\""),
                (156.0, 196.0, "分类"),
            ],
            "标准“软件包视图\" 分类",
        ),
        // Closing punctuation after Chinese, opening before it: none, whatever the gap.
        (
            &[
                (0.0, 40.0, "参见"),
                (46.0, 50.0, ":"),
                (56.0, 130.0, "Epoptes"),
            ],
            "参见: Epoptes",
        ),
        (
            &[
                (0.0, 40.0, "命令"),
                (46.0, 50.0, "("),
                (50.0, 90.0, "译注"),
                (90.0, 94.0, ")"),
            ],
            "命令 (译注)",
        ),
        // Chinese text stays tight, whatever the gaps (justified lines).
        (
            &[(0.0, 20.0, "中"), (28.0, 48.0, "文"), (56.0, 76.0, "。")],
            "中文。",
        ),
    ];
    for &(words, want) in cases {
        assert_eq!(words_line(words), want);
    }
}

/// A page of blocks in file order (each a list of (x0, y0, x1, text) lines, 20 units high),
/// as a format with a reading order or as an engine's own segmentation gives them.
fn blocks_text(blocks: &[Boxes<'_>], segmented: bool) -> String {
    let blocks = blocks
        .iter()
        .map(|&b| Block {
            lines: doc(b, true).pages[0].blocks[0].lines.clone(),
            ..Block::default()
        })
        .collect();
    let d = Document {
        pages: vec![Page {
            blocks,
            ..Page::default()
        }],
        ordered: true,
        segmented,
    };
    convert_document(&d, &LayoutOptions::default()).text
}

#[test]
fn pieces_of_one_printed_line_in_other_blocks_are_merged_into_it() {
    const BODY: Boxes<'_> = &[
        (40.0, 130.0, 440.0, "第二行的文字一直写到右边"),
        (40.0, 160.0, 440.0, "第三行的文字也写到了右边"),
        (40.0, 190.0, 440.0, "第四行的文字还是写到右边"),
    ];
    // (what, blocks in file order, expected text)
    let cases: &[(&str, &[Boxes<'_>], &str)] = &[
        // Fix: the engine cut the first line and listed its tail after the block.
        (
            "tail of a line",
            &[
                &[
                    (40.0, 100.0, 280.0, "第一行被引擎切断"),
                    BODY[0],
                    BODY[1],
                    BODY[2],
                ],
                &[(290.0, 100.0, 440.0, "后面半行")],
            ],
            "第一行被引擎切断后面半行第二行的文字一直写到右边第三行的文字也写到了右边第四行的文字还是写到右边",
        ),
        // Fix: the piece that bridges the gap comes last; the merge repeats.
        (
            "bridging piece",
            &[
                &[
                    (40.0, 100.0, 200.0, "本文档解"),
                    BODY[0],
                    BODY[1],
                    BODY[2],
                ],
                &[(260.0, 100.0, 440.0, "些关于它的")],
                &[(210.0, 100.0, 250.0, "答一")],
            ],
            "本文档解答一些关于它的第二行的文字一直写到右边第三行的文字也写到了右边第四行的文字还是写到右边",
        ),
        // Fix: the pieces may share a glyph at the seam (boxes overlapping by half a line
        // height).
        (
            "seam glyph",
            &[
                &[(40.0, 100.0, 70.0, "甲"), BODY[0], BODY[1], BODY[2]],
                &[(60.0, 100.0, 440.0, "乙后面的字都在这一块里")],
            ],
            "甲乙后面的字都在这一块里第二行的文字一直写到右边第三行的文字也写到了右边第四行的文字还是写到右边",
        ),
        // Keep: a piece far from the line (more than a line height away) stays where it is.
        (
            "far piece",
            &[
                &[
                    (40.0, 100.0, 200.0, "本文档解"),
                    BODY[0],
                    BODY[1],
                    BODY[2],
                ],
                &[(400.0, 100.0, 440.0, "注")],
            ],
            "本文档解\n第二行的文字一直写到右边第三行的文字也写到了右边第四行的文字还是写到右边\n注",
        ),
        // Keep: a piece that overlaps the line's words is not part of it.
        (
            "overlapping piece",
            &[
                &[
                    (40.0, 100.0, 440.0, "第一行的文字一直写到右边"),
                    BODY[0],
                    BODY[1],
                    BODY[2],
                ],
                &[(300.0, 100.0, 360.0, "批注")],
            ],
            "第一行的文字一直写到右边第二行的文字一直写到右边第三行的文字也写到了右边第四行的文字还是写到右边\n批注",
        ),
        // Keep: the rows of two columns, each column its own block, are never merged (the
        // left column is read first).
        (
            "two columns",
            &[
                &[
                    (40.0, 100.0, 440.0, "左栏第一行写到右边为止"),
                    (40.0, 130.0, 440.0, "左栏第二行写到右边为止"),
                    (40.0, 160.0, 440.0, "左栏第三行写到右边为止"),
                    (40.0, 190.0, 440.0, "左栏第四行写到右边为止"),
                    (40.0, 220.0, 440.0, "左栏第五行写到右边为止"),
                ],
                &[
                    (460.0, 100.0, 860.0, "右栏第一行写到右边为止"),
                    (460.0, 130.0, 860.0, "右栏第二行写到右边为止"),
                    (460.0, 160.0, 860.0, "右栏第三行写到右边为止"),
                    (460.0, 190.0, 860.0, "右栏第四行写到右边为止"),
                    (460.0, 220.0, 860.0, "右栏第五行写到右边为止"),
                ],
            ],
            "左栏第一行写到右边为止左栏第二行写到右边为止左栏第三行写到右边为止左栏第四行写到右边为止左栏第五行写到右边为止右栏第一行写到右边为止右栏第二行写到右边为止右栏第三行写到右边为止右栏第四行写到右边为止右栏第五行写到右边为止",
        ),
    ];
    for &(what, blocks, want) in cases {
        assert_eq!(blocks_text(blocks, false), want, "{what}");
    }
}

#[test]
fn an_engines_own_blocks_are_read_in_column_order() {
    const LEFT: &[&str] = &[
        "左栏第一行写到右边为止",
        "左栏第二行写到右边为止",
        "左栏第三行写到右边为止",
        "左栏第四行写到右边为止",
        "左栏第五行写到右边为止",
    ];
    let left: Vec<(f32, f32, f32, &str)> = (0..5)
        .map(|i| (40.0, 100.0 + 30.0 * i as f32, 440.0, LEFT[i]))
        .collect();
    let right: Vec<(f32, f32, f32, &str)> = (0..5)
        .map(|i| {
            (
                460.0,
                100.0 + 30.0 * i as f32,
                860.0,
                "右栏的每一行都写到右边",
            )
        })
        .collect();
    let whole = "左栏第一行写到右边为止左栏第二行写到右边为止左栏第三行写到右边为止左栏第四行写到右边为止左栏第五行写到右边为止右栏的每一行都写到右边右栏的每一行都写到右边右栏的每一行都写到右边右栏的每一行都写到右边右栏的每一行都写到右边";
    // (what, blocks in file order, segmented, expected text)
    let cases: &[(&str, Vec<Boxes<'_>>, bool, &str)] = &[
        // Fix: the engine listed the left column's last two lines after the right column.
        (
            "blocks out of order",
            vec![&left[..3], &right[..], &left[3..]],
            true,
            whole,
        ),
        // Keep: a format's own reading order is followed, even when geometry disagrees.
        (
            "reading order kept",
            vec![&left[..3], &right[..], &left[3..]],
            false,
            "左栏第一行写到右边为止左栏第二行写到右边为止左栏第三行写到右边为止右栏的每一行都写到右边右栏的每一行都写到右边右栏的每一行都写到右边右栏的每一行都写到右边右栏的每一行都写到右边左栏第四行写到右边为止左栏第五行写到右边为止",
        ),
        // Keep: blocks already in column order stay so.
        ("blocks in order", vec![&left[..], &right[..]], true, whole),
    ];
    for (what, blocks, segmented, want) in cases {
        assert_eq!(blocks_text(blocks, *segmented), *want, "{what}");
    }
}

/// Lines given as (x0, y0, x1, y1, text).
type Tall<'a> = &'a [(f32, f32, f32, f32, &'a str)];

/// Text and dropped furniture of one block of lines.
fn boxed(lines: Tall<'_>) -> (String, Vec<String>) {
    let lines = lines
        .iter()
        .map(|&(x0, y0, x1, y1, text)| {
            let bbox = BBox::new(x0, y0, x1, y1);
            Line {
                words: vec![Word {
                    bbox,
                    ..Word::new(text)
                }],
                bbox,
                ..Line::default()
            }
        })
        .collect();
    let d = one_block(lines, true, false);
    let out = convert_document(&d, &LayoutOptions::default());
    (out.text, out.dropped.into_iter().map(|d| d.text).collect())
}

#[test]
fn a_header_row_is_found_on_a_rotated_page() {
    const BODY: &[(f32, f32, f32, f32, &str)] = &[
        (80.0, 100.0, 440.0, 120.0, "正文的第一行从这里开始"),
        (40.0, 130.0, 440.0, 150.0, "正文的第二行一直写到右边"),
        (40.0, 160.0, 440.0, 180.0, "正文的第三行一直写到右边"),
        (40.0, 190.0, 440.0, 210.0, "正文的第四行一直写到右边"),
        (40.0, 220.0, 200.0, 240.0, "正文结束。"),
    ];
    let body = "正文的第一行从这里开始正文的第二行一直写到右边正文的第三行一直写到右边正文的第四行一直写到右边正文结束。";
    // (what, lines above the body, expected text, expected dropped furniture)
    let cases: &[(&str, Tall<'_>, &str, &[&str])] = &[
        // Fix: a tall title at the left and a date at the right that sits lower (the page is
        // turned) share a row: both are the header.
        (
            "turned header",
            &[
                (40.0, 30.0, 140.0, 60.0, "晨光学报"),
                (320.0, 48.0, 440.0, 68.0, "2024年1月1日"),
            ],
            body,
            &["晨光学报", "2024年1月1日"],
        ),
        // Keep: a heading directly above the body is no header (no gap below its row).
        (
            "heading",
            &[
                (40.0, 30.0, 140.0, 60.0, "一个标题"),
                (320.0, 48.0, 440.0, 68.0, "副题"),
                (40.0, 72.0, 440.0, 92.0, "紧接着的一行正文写到右边"),
            ],
            "一个标题",
            &[],
        ),
    ];
    for &(what, top, want, dropped) in cases {
        let lines: Vec<_> = top.iter().chain(BODY).copied().collect();
        let (text, got_dropped) = boxed(&lines);
        assert!(text.starts_with(want), "{what}: {text}");
        assert_eq!(got_dropped, dropped, "{what}: furniture");
    }
}

#[test]
fn short_lines_inside_a_column_make_no_gutter() {
    // One column of an engine's own blocks, whose short lines have short pieces beside them
    // (a table of two narrow cells), next to a second column.
    let mut left: Vec<(f32, f32, f32, &str)> = (0..4)
        .map(|i| {
            (
                40.0,
                100.0 + 30.0 * i as f32,
                440.0,
                "左栏的文字一直写到右边",
            )
        })
        .collect();
    for (i, (a, b)) in [("短行甲", "片一"), ("短行乙", "片二"), ("短行丙", "片三")]
        .into_iter()
        .enumerate()
    {
        let y = 220.0 + 30.0 * i as f32;
        left.push((40.0, y, 160.0, a));
        left.push((300.0, y, 360.0, b));
    }
    let right: Vec<(f32, f32, f32, &str)> = (0..10)
        .map(|i| {
            (
                480.0,
                100.0 + 30.0 * i as f32,
                880.0,
                "右栏的文字一直写到右边",
            )
        })
        .collect();
    let text = blocks_text(&[&left[..], &right[..]], true);
    // Keep: the pieces stay beside their short lines, not read as a column of their own.
    let at = |s: &str| text.find(s).unwrap_or(usize::MAX);
    assert!(
        at("片一") < at("短行乙") && at("片三") < at("右栏"),
        "{text}"
    );
}

/// `text` without the marked furniture lines and the breaks that set them apart (after a
/// header, before a footer): what the furniture pass removes.
fn unmarked(text: &str, marks: &[(std::ops::Range<usize>, ocrtidy_formats::Role)]) -> String {
    let mut out = String::new();
    let mut at = 0;
    for (r, role) in marks {
        let (mut start, mut end) = (r.start, r.end);
        if *role == ocrtidy_formats::Role::Header {
            end += text[end..].len() - text[end..].trim_start_matches('\n').len();
        } else {
            start -= text[..start].len() - text[..start].trim_end_matches('\n').len();
        }
        out.push_str(&text[at..start]);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

#[test]
fn marked_furniture_stays_in_the_text_and_removing_it_gives_the_dropped_layout() {
    use ocrtidy_formats::{Furniture, Role};
    for &(what, boxes, ordered, _, dropped) in CASES {
        for printed in [false, true] {
            let d = doc(boxes, ordered);
            let with = |furniture| {
                let mut o = LayoutOptions::default();
                o.furniture = furniture;
                o.printed_lines = printed;
                convert_document(&d, &o)
            };
            let (drop, mark, keep) = (
                with(Furniture::Drop),
                with(Furniture::Mark),
                with(Furniture::Keep),
            );
            assert!(
                mark.dropped.is_empty() && keep.furniture.is_empty(),
                "{what}"
            );
            assert!(drop.furniture.is_empty(), "{what}");
            let marked: Vec<&str> = mark
                .furniture
                .iter()
                .map(|(r, _)| &mark.text[r.clone()])
                .collect();
            assert_eq!(marked, dropped, "{what}: marked furniture");
            assert_eq!(
                mark.text, keep.text,
                "{what}: Mark keeps the lines where Keep does"
            );
            assert_eq!(
                unmarked(&mark.text, &mark.furniture),
                drop.text,
                "{what}, printed lines {printed}: removing the marks gives the dropped layout"
            );
            if what == "header and footer" {
                let roles: Vec<Role> = mark.furniture.iter().map(|(_, r)| *r).collect();
                assert_eq!(roles, [Role::Header, Role::Header, Role::Footer]);
            }
        }
    }
}

/// A page of lines, each a list of words `(x0, x1, text)`; line `i` at y = 100 + 30 i. The
/// lines are the engine's own segmentation (as Tesseract's hOCR).
fn words_page(lines: &[Vec<(f32, f32, String)>]) -> String {
    let lines = lines
        .iter()
        .enumerate()
        .map(|(i, ws)| {
            let y = 100.0 + 30.0 * i as f32;
            let words: Vec<Word> = ws
                .iter()
                .map(|(x0, x1, t)| Word {
                    bbox: BBox::new(*x0, y, *x1, y + 20.0),
                    ..Word::new(t.as_str())
                })
                .collect();
            Line {
                bbox: BBox::union_all(words.iter().filter_map(|w| w.bbox.as_ref())),
                words,
                ..Line::default()
            }
        })
        .collect();
    let d = one_block(lines, true, true);
    convert_document(&d, &LayoutOptions::default()).text
}

#[test]
fn a_gutter_that_the_engine_merged_every_line_across_is_found_from_the_words() {
    // Two columns of 12 lines (x 40–440 and 480–880); the engine merged each row into one
    // line, so no line stands in one column. Two rows have a word bridging the gutter.
    let lines: Vec<Vec<(f32, f32, String)>> = (0..12)
        .map(|i| {
            let mut ws = vec![
                (40.0, 240.0, format!("左栏第{i:02}行前半")),
                (240.0, 440.0, format!("左栏第{i:02}行后半")),
                (480.0, 680.0, format!("右栏第{i:02}行前半")),
                (680.0, 880.0, format!("右栏第{i:02}行后半")),
            ];
            if i % 6 == 0 {
                ws[1].1 = 470.0;
            }
            ws
        })
        .collect();
    let text = words_page(&lines);
    let at = |s: &str| text.find(s).unwrap_or(usize::MAX);
    // The left column is read whole before the right one.
    assert!(at("左栏第11行") < at("右栏第00行"), "{text}");
    assert!(at("右栏第00行") < at("右栏第01行"), "{text}");
}

#[test]
fn word_spaces_of_one_column_make_no_gutter() {
    // Keep: one column of English lines, whose word spaces fall anywhere.
    let words = [
        "The", "quick", "brown", "fox", "jumps", "over", "the", "lazy", "dog", "again",
    ];
    let lines: Vec<Vec<(f32, f32, String)>> = (0..14)
        .map(|i| {
            let mut x = 40.0;
            let mut ws = Vec::new();
            for k in 0..10 {
                let w = words[(i * 3 + k) % words.len()];
                let width = 14.0 * w.len() as f32;
                ws.push((x, x + width, format!("{w}{i}")));
                x += width + 12.0;
            }
            ws
        })
        .collect();
    let text = words_page(&lines);
    // Every word in the order of the lines: a false gutter would read the left halves of all
    // lines before the right halves.
    let mut last = 0;
    for (_, _, w) in lines.iter().flatten() {
        let at = text[last..].find(w.as_str()).map(|k| k + last);
        assert!(at.is_some(), "{w} out of order: {text}");
        last = at.unwrap_or(last);
    }
}
