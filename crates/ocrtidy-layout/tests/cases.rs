//! Data-driven cases for the layout passes: input, expected output, and the rule ids that must
//! appear in the ledger. Every case runs the layout passes between the normalisation passes
//! they rely on (newlines, trailing spaces before; blank lines after), as the pipeline does.

use ocrtidy_core::{replay, Cleaned, Context, Pass, Runner};
use ocrtidy_layout::{Dehyphenate, Furniture, LineJoin, SplitFragments};
use ocrtidy_normalize::{BlankLines, Newlines, ParagraphSeparator, TrailingSpace};

fn runner(keep_furniture: bool) -> Runner {
    let passes: Vec<Box<dyn Pass>> = vec![
        Box::new(Newlines),
        Box::new(TrailingSpace),
        Box::new(if keep_furniture {
            Furniture::keep()
        } else {
            Furniture::new()
        }),
        Box::new(Dehyphenate),
        Box::new(LineJoin),
        Box::new(SplitFragments::new(None)),
        Box::new(BlankLines::new(ParagraphSeparator::Line)),
    ];
    Runner::new(passes)
}

fn clean(input: &str) -> Cleaned {
    runner(false).run(input, &Context::default())
}

/// Checks one case: the output, the rules used, the ledger replay and idempotence.
fn check(input: &str, expected: &str, rules: &[&str]) {
    let cleaned = clean(input);
    assert_eq!(cleaned.text, expected, "input: {input:?}");
    let used: Vec<&str> = cleaned
        .changes
        .iter()
        .flat_map(|c| std::iter::once(c.rule).chain(c.history.iter().map(|s| s.rule)))
        .collect();
    for rule in rules {
        assert!(
            used.contains(rule),
            "rule {rule} missing for {input:?}: {used:?}"
        );
    }
    assert_eq!(replay(input, &cleaned.changes).as_deref(), Some(expected));
    let again = clean(&cleaned.text);
    assert_eq!(again.text, cleaned.text, "not idempotent for {input:?}");
    assert_eq!(cleaned.stats.rejected_edits, 0);
}

/// A Chinese page with a two-em full line of 16 characters.
const PAGE_ZH: &str = "《开源技术周报》\n\n2023年5月22日 星期一\n\n（上接第3版）\n\
    安装软件包时，系统会自动检查依赖关\n系并下载所需的文件。\n\n\
    如果下载失败，可以更换镜像后再试，\n或者使用离线安装包。\n\n\
    （下转第5版）\n\n— 4 —\n\u{c}";

#[test]
fn chinese_page_furniture_and_joins() {
    check(
        PAGE_ZH,
        "安装软件包时，系统会自动检查依赖关系并下载所需的文件。\n如果下载失败，可以更换镜像后再试，或者使用离线安装包。",
        &[
            "running-title",
            "running-header",
            "continuation-marker",
            "page-number",
            "soft-wrap",
        ],
    );
}

#[test]
fn join_cases() {
    let cases: &[(&str, &str, &[&str])] = &[
        // A soft wrap inside a Chinese sentence: nothing is inserted.
        (
            "这是一个很长的句子它在这一行的末尾\n被折断了然后继续写完。",
            "这是一个很长的句子它在这一行的末尾被折断了然后继续写完。",
            &["soft-wrap"],
        ),
        // A word across the break (`时空伴` + `随者`).
        (
            "密接者和时空伴\n随者需要立即报告。",
            "密接者和时空伴随者需要立即报告。",
            &["soft-wrap"],
        ),
        // Blank lines inside a paragraph (tesseract emits them) are joined too.
        (
            "第一行文字没有结束标点所以继续到\n\n下一行，直到句号为止。",
            "第一行文字没有结束标点所以继续到下一行，直到句号为止。",
            &["soft-wrap-blank"],
        ),
        // Latin text: one space.
        (
            "The quick brown fox jumps over the\nlazy dog and keeps running home.",
            "The quick brown fox jumps over the lazy dog and keeps running home.",
            &["soft-wrap"],
        ),
        // The first-line indent of a paragraph goes.
        (
            "　　第一段的开头有两个全角空格。\n　　第二段也有缩进。",
            "第一段的开头有两个全角空格。\n第二段也有缩进。",
            &["first-line-indent"],
        ),
        // Mixed script: the document writes a space between Chinese and Latin, so the join does.
        (
            "使用 apt 命令安装软件包，然后用 dpkg\n命令检查 Debian 系统的状态。",
            "使用 apt 命令安装软件包，然后用 dpkg 命令检查 Debian 系统的状态。",
            &["soft-wrap"],
        ),
        // ... next to a CJK letter, never next to CJK punctuation.
        (
            "使用 apt 命令安装软件包，然后用 dpkg\n命令检查 Debian 系统的状态，再用 apt\n，继续安装其他的软件包。",
            "使用 apt 命令安装软件包，然后用 dpkg 命令检查 Debian 系统的状态，再用 apt，继续安装其他的软件包。",
            &["soft-wrap"],
        ),
        // OCR lost the final `。` of a short last line before a blank line: the paragraph ends
        // there all the same (the page is wrapped at a column width, and a full line follows).
        (
            "软件包管理系统负责安装、升级和删除系统里的\n各种程序，并且自动处理它们之间的依赖关系，\n\
             这样用户就省去了许多麻烦\n\n下载软件包时，系统会先检查本地的缓存目录，\n\
             如果缓存里已经有了同一个版本就直接使用它，\n否则从镜像站点下载。\n\
             然后校验下载下来的每一个文件是否完整无损，\n最后再解包安装。\n安装完成后会给出提示。",
            "软件包管理系统负责安装、升级和删除系统里的各种程序，并且自动处理它们之间的依赖关系，\
             这样用户就省去了许多麻烦\n下载软件包时，系统会先检查本地的缓存目录，\
             如果缓存里已经有了同一个版本就直接使用它，否则从镜像站点下载。\n\
             然后校验下载下来的每一个文件是否完整无损，最后再解包安装。\n安装完成后会给出提示。",
            &["soft-wrap"],
        ),
        // ... but a short fragment before a blank line, followed by another fragment, is a
        // column read out of order: joined.
        (
            "软件包管理系统负责安装、升级和删除系统里的\n各种程序，并且自动处理它们之间的依赖关系，\n\
             这样用户就省去了许多麻烦\n\n见问题\n下载软件包时，系统会先检查本地的缓存目录，\n\
             如果缓存里已经有了同一个版本就直接使用它，\n然后校验下载下来的每一个文件是否完整无损，\n否则从镜像站点下载。",
            "软件包管理系统负责安装、升级和删除系统里的各种程序，并且自动处理它们之间的依赖关系，\
             这样用户就省去了许多麻烦见问题下载软件包时，系统会先检查本地的缓存目录，\
             如果缓存里已经有了同一个版本就直接使用它，然后校验下载下来的每一个文件是否完整无损，否则从镜像站点下载。",
            &["soft-wrap", "soft-wrap-blank"],
        ),
        // Latin text: a stray mark after a space is noise, not the end of a sentence.
        (
            "Debian installs the packages that the system *\nneeds before any other package.",
            "Debian installs the packages that the system * needs before any other package.",
            &["soft-wrap"],
        ),
        // Latin text: a closing quote ends a sentence only after a full stop.
        (
            "Every program on the system needs the library called”\nlibc, which is always installed.",
            "Every program on the system needs the library called” libc, which is always installed.",
            &["soft-wrap"],
        ),
        // Latin text: an initial is not the end of a sentence.
        (
            "The authors of the rewritten FAQ are Susan G.\nKleinmann and Sven Rudolph.",
            "The authors of the rewritten FAQ are Susan G. Kleinmann and Sven Rudolph.",
            &["soft-wrap"],
        ),
        // Latin text: a comma before a blank line and a capitalised word is a misread full stop.
        (
            "Backups are written every night while the system is idle, and\n\
             they are kept for a week on the server,\n\n\
             Running cron-apt as described above keeps the packages current.\n\n\
             It is installed by default.\n\n\
             The administrator can change the schedule in the configuration file at any time.",
            "Backups are written every night while the system is idle, and \
             they are kept for a week on the server,\n\
             Running cron-apt as described above keeps the packages current.\n\
             It is installed by default.\n\
             The administrator can change the schedule in the configuration file at any time.",
            &["soft-wrap"],
        ),
        // ... but not before a lower-case word or an acronym: the sentence goes on.
        (
            "Backups are written every night while the system is idle, and\n\
             they are kept for a week on the server,\n\n\
             which is backed up to tape on Sundays.\n\n\
             It is installed by default.\n\n\
             The administrator can change the schedule in the configuration file at any time.",
            "Backups are written every night while the system is idle, and \
             they are kept for a week on the server, \
             which is backed up to tape on Sundays.\n\
             It is installed by default.\n\
             The administrator can change the schedule in the configuration file at any time.",
            &["soft-wrap", "soft-wrap-blank"],
        ),
        (
            "Backups are written every night while the system is idle, and\n\
             they are kept for a week in the server,\n\n\
             RAM permitting, as compressed archives.\n\n\
             It is installed by default.\n\n\
             The administrator can change the schedule in the configuration file at any time.",
            "Backups are written every night while the system is idle, and \
             they are kept for a week in the server, \
             RAM permitting, as compressed archives.\n\
             It is installed by default.\n\
             The administrator can change the schedule in the configuration file at any time.",
            &["soft-wrap", "soft-wrap-blank"],
        ),
        // Reflowed text with blank lines between its paragraphs keeps its paragraphs.
        (
            "第一段是一个很长的段落，它说明了软件包管理系统的基本概念和它要解决的主要问题，例如依赖关系\n\n\
             第二段没有句号结尾因为原文在这里就是一个标题\n\n\
             第三段又是一个很长的段落，它介绍了安装软件包的具体步骤，包括下载、校验、解包和配置这几个阶段，每个阶段都可能出错。\n\n\
             第四段说明了出错以后应该怎么办，以及去哪里报告问题。",
            "第一段是一个很长的段落，它说明了软件包管理系统的基本概念和它要解决的主要问题，例如依赖关系\n\
             第二段没有句号结尾因为原文在这里就是一个标题\n\
             第三段又是一个很长的段落，它介绍了安装软件包的具体步骤，包括下载、校验、解包和配置这几个阶段，每个阶段都可能出错。\n\
             第四段说明了出错以后应该怎么办，以及去哪里报告问题。",
            &[],
        ),
    ];
    for (input, expected, rules) in cases {
        check(input, expected, rules);
    }
}

/// Two paragraphs of a page wrapped at 16 characters (the full width, 32 half-em units).
const P1: [&str; 3] = [
    "系统管理员可以通过软件包管理工具",
    "来安装升级和删除系统里面的程序，",
    "并且自动处理它们之间的依赖关系。",
];
const P3: [&str; 3] = [
    "安装完成以后系统会运行软件包自带",
    "的配置脚本，用户可以按照提示修改",
    "默认的设置，也可以在以后再修改。",
];
/// A paragraph whose last line lost its `。`: a fragment of two characters.
const P5: [&str; 4] = [
    "系统管理员可以通过软件包管理工具",
    "来安装升级和删除系统里面的程序，",
    "并且自动处理它们之间的依赖关系和",
    "冲突",
];

#[test]
fn evidence_of_lost_layout() {
    let p2_indented = "下载软件包时系统会先检查本地\n的缓存目录，如果缓存里已经有了同\n\
        一个版本就直接使用它，否则从镜像\n站点下载。";
    let p2_full = "下载软件包时系统会先检查本地的缓\n存目录，如果缓存里已经有了同一个\n\
        版本就直接使用它，否则从镜像站点\n下载。";
    let p1 = P1.concat();
    let p2 = "下载软件包时系统会先检查本地的缓存目录，如果缓存里已经有了同一个版本就直接使用它，否则从镜像站点下载。";
    let p3 = P3.concat();
    let p5 = P5.concat();
    // Five more paragraphs ending a sentence, separated by blank lines.
    let blocks = [P1.join("\n"), P3.join("\n")];
    let more = [0, 1, 0, 1, 0].map(|i| blocks[i].clone()).join("\n\n");
    let more_out = [0, 1, 0, 1, 0].map(|i| [&p1, &p3][i].clone()).join("\n");
    let cases: Vec<(String, String, &[&str])> = vec![
        // The indent that OCR dropped: after a full line ending a sentence, a line two ems
        // short of the full width running on into a full line starts a paragraph.
        (
            format!("{}\n{p2_indented}\n\n{}", P1.join("\n"), P3.join("\n")),
            format!("{p1}\n{p2}\n{p3}"),
            &["soft-wrap"],
        ),
        // ... but a full line after it continues the paragraph (a sentence ends at a wrap) on
        // a page whose blank lines mark its paragraphs.
        (
            format!("{}\n{p2_full}\n\n{}", P1.join("\n"), P3.join("\n")),
            format!("{p1}{p2}\n{p3}"),
            &["soft-wrap"],
        ),
        // A fragment of two characters that lost its `。` before a blank line ends its
        // paragraph (the page has enough paragraphs that its output reads as reflowed text,
        // so the break stays on the next round).
        (
            format!("{}\n\n{}\n\n{more}", P5.join("\n"), P3.join("\n")),
            format!("{p5}\n{p3}\n{more_out}"),
            &["soft-wrap"],
        ),
        // So does one less than half the full width before a line of some width, on a page
        // with blank lines between its blocks.
        (
            format!("{}\n{}\n\n{more}", P5.join("\n"), P3.join("\n")),
            format!("{p5}\n{p3}\n{more_out}"),
            &["soft-wrap"],
        ),
        // A stray character is no headline: it is joined.
        (
            format!("{}\n\no\n{}", P1.join("\n"), P3.join("\n")),
            format!("{p1}\no{p3}"),
            &["soft-wrap"],
        ),
    ];
    for (input, expected, rules) in &cases {
        check(input, expected, rules);
    }
}

#[test]
fn keep_cases() {
    // Text that must not change (beyond the break convention).
    let cases: &[&str] = &[
        // Paragraphs that end with sentence-final punctuation.
        "第一段结束了。\n第二段也结束了！\n第三段是问句吗？",
        // Headline, byline and photo credit stay standalone.
        "春季植树活动启动\n（李俊华）\n本报讯 全市各区今天开展植树活动，共有三千人参加。\n张慧 摄",
        // A short list without punctuation.
        "苹果\n香蕉\n橘子",
        // English paragraphs.
        "This is the first paragraph.\nThis is the second one.",
        // A page break stays, and nothing is joined across it.
        "第一页的最后一行没有句号\n\u{c}第二页的第一行",
        // Body lines that look a little like furniture but are not at the page edges.
        "他在2021年毕业，后来去了北京。\n这是第二段。\n第三段，结束。",
        // A final `。` followed by a stray mark from a speck still ends the paragraph.
        "系统安装完成以后会自动重新启动。 、\n下一步是设置管理员的密码。",
        // Chinese text sets a space before `:` often: it still ends the line.
        "要更新软件包列表，请运行 :\n然后就可以安装新的软件包了。",
        // Latin: a full stop inside closing quotes, a version number, a colon.
        "He said “the system is ready.”\nThe next paragraph starts here.",
        "The current release is version 2.\nIt was published last year.",
        "Run the following command:\nIt updates the list of packages.",
        // A sentence mentioning a page is not a continuation marker.
        "请转第二个路口后左转。\n然后直走。",
        // Reflowed text (one paragraph per line, widths far apart): a paragraph without final
        // punctuation is not joined to the next one.
        "第一段是一个很长的段落，它说明了软件包管理系统的基本概念和它要解决的主要问题，例如依赖关系\n\
         第二段没有句号结尾因为原文在这里就是一个标题\n\
         第三段又是一个很长的段落，它介绍了安装软件包的具体步骤，包括下载、校验、解包和配置这几个阶段，每个阶段都可能出错。\n\
         第四段说明了出错以后应该怎么办，以及去哪里报告问题。",
    ];
    for input in cases {
        let cleaned = clean(input);
        assert_eq!(&cleaned.text, input, "changed: {input:?}");
    }
}

#[test]
fn furniture_cases() {
    let cases: &[(&str, &str, &[&str])] = &[
        // Header merged from title and date by a run of spaces, page number at the bottom.
        (
            "《系统管理员手册》          2021年3月18日 星期四\n正文第一段。\n第二段。\n第3版",
            "正文第一段。\n第二段。",
            &["running-header", "page-number"],
        ),
        // English header, continuation marker and `Page N of M`.
        (
            "Systems & Networks Gazette\nMonday, March 15, 2021\nThe body starts here.\n(Continued on page 4)\nPage 3 of 10",
            "The body starts here.",
            &["running-title", "running-header", "continuation-marker", "page-number"],
        ),
        // A bare page number between dashes at the bottom.
        ("正文。\n- 12 -", "正文。", &["page-number"]),
        // The page break survives the removal of the footer.
        ("正文一。\n第3页\u{c}正文二。\n第4页", "正文一。\n\u{c}正文二。", &["page-number"]),
        // A line recurring at the top of two pages (digits normalised) is a running header.
        (
            "科技周刊 第3期\n第一页正文。\u{c}科技周刊 第4期\n第二页正文。",
            "第一页正文。\n\u{c}第二页正文。",
            &["recurring-line"],
        ),
    ];
    for (input, expected, rules) in cases {
        check(input, expected, rules);
    }
}

#[test]
fn keep_furniture_tags_instead_of_removing() {
    let input = "正文第一段。\n第3版";
    let cleaned = runner(true).run(input, &Context::default());
    assert_eq!(cleaned.text, input);
    let s: Vec<_> = cleaned.suggestions().collect();
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].rule, "page-number");
    assert_eq!(s[0].before, "第3版");
    assert_eq!(s[0].after, "");
}

#[test]
fn dehyphenation_cases() {
    let cases: &[(&str, &str, &[&str])] = &[
        // A soft hyphen of justified text.
        (
            "We need more infor-\nmation about the system.",
            "We need more information about the system.",
            &["dehyphenate"],
        ),
        // The joined form elsewhere in the document decides.
        (
            "The config-\nuration is read at start. Change the configuration later.",
            "The configuration is read at start. Change the configuration later.",
            &["dehyphenate"],
        ),
        // A real compound: the hyphenated form elsewhere keeps the hyphen.
        (
            "Use the time-\nsaving mode. The time-saving mode is the default.",
            "Use the time-saving mode. The time-saving mode is the default.",
            &["hyphen-kept"],
        ),
        // A common compound element keeps the hyphen without other evidence.
        (
            "It is a well-\nknown problem of this program.",
            "It is a well-known problem of this program.",
            &["hyphen-kept"],
        ),
    ];
    for (input, expected, rules) in cases {
        check(input, expected, rules);
    }
    // Keep: a dash before a capitalised word or a number is not a hyphenated word.
    for input in ["The range is 10-\n20 percent.", "See part A-\nB."] {
        let cleaned = clean(input);
        assert!(
            !cleaned.changes.iter().any(|c| c.rule == "dehyphenate"),
            "{input:?}"
        );
    }
}

#[test]
fn split_fragments() {
    // Paragraphs already one per line (long lines nearly all end a sentence): an orphaned start
    // right after an open paragraph is joined to it.
    check(
        "第一段介绍了这个系统的背景和它要解决的主要问题。\n这一部分说明了系统的基本结构和主要的\n，以及各个模块之间的关系和它们的接口。\n第三段说明了安装的步骤和需要注意的地方。\n第四段是总结和下一步的工作计划。\n第五段列出了参考的文献和相关的资料。\n第六段是致谢，感谢所有参与的人员。",
        "第一段介绍了这个系统的背景和它要解决的主要问题。\n这一部分说明了系统的基本结构和主要的，以及各个模块之间的关系和它们的接口。\n第三段说明了安装的步骤和需要注意的地方。\n第四段是总结和下一步的工作计划。\n第五段列出了参考的文献和相关的资料。\n第六段是致谢，感谢所有参与的人员。",
        &["split-fragment"],
    );
    // A mark standing apart before spaces is a speck at the indent of a new paragraph: the
    // open paragraph above is left alone.
    let input = "第一段介绍了这个系统的背景和它要解决的主要问题。\n这一部分说明了系统的基本结构和主要的\n、    以及各个模块之间的关系和它们的接口。\n第三段说明了安装的步骤和需要注意的地方。\n第四段是总结和下一步的工作计划。\n第五段列出了参考的文献和相关的资料。\n第六段是致谢，感谢所有参与的人员。";
    let cleaned = clean(input);
    assert!(
        !cleaned.changes.iter().any(|c| c.rule == "split-fragment"),
        "{:?}",
        cleaned.text
    );
    // Further down, a note in between: only a suggestion, the text stays.
    let input = "第一段介绍了这个系统的背景和它要解决的主要问题。\n这一部分说明了系统的基本结构和主要的\n（图略）\n，以及各个模块之间的关系和它们的接口。\n第三段说明了安装的步骤和需要注意的地方。\n第四段是总结和下一步的工作计划。\n第五段列出了参考的文献和相关的资料。\n第六段是致谢，感谢所有参与的人员。";
    let cleaned = clean(input);
    assert_eq!(cleaned.text, input);
    let s: Vec<_> = cleaned.suggestions().collect();
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].rule, "split-fragment-suggest");
    assert_eq!(s[0].after, "，以及各个模块之间的关系和它们的接口。");
}

#[test]
fn seam_word_suggestion_uses_the_lexicon() {
    let passes: Vec<Box<dyn Pass>> = vec![Box::new(SplitFragments::default())];
    let input =
        "第一段说明了情况。\n本市发现多名时空伴\n另一篇报道的标题\n随者已全部落实管控措施。";
    let cleaned = Runner::new(passes).run(input, &Context::default());
    assert_eq!(cleaned.text, input);
    let s: Vec<_> = cleaned.suggestions().collect();
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!(s[0].rule, "split-fragment-suggest");
}

#[test]
fn split_fragments_far_and_long() {
    // The continuation further down is found past lines that could only continue a Latin tail
    // and past ordinary paragraphs: the suggestion names the first line that fits.
    let input = "第一段介绍了这个系统的背景和它要解决的主要问题。\n这一部分说明了系统的基本结构和主要的\n（图略）\nand then the rest of an English sentence goes on here.\n第三段说明了安装的步骤和需要注意的地方。\n，以及各个模块之间的关系和它们的接口。\n第四段是总结和下一步的工作计划。\n第五段列出了参考的文献和相关的资料。\n第六段是致谢，感谢所有参与的人员。";
    let cleaned = clean(input);
    assert_eq!(cleaned.text, input);
    let s: Vec<_> = cleaned
        .suggestions()
        .filter(|s| s.rule == "split-fragment-suggest")
        .collect();
    assert_eq!(s.len(), 1, "{s:?}");
    assert_eq!(s[0].after, "，以及各个模块之间的关系和它们的接口。");

    // Lines in a row that all start mid-sentence: the rest of the open paragraph when the run
    // ends a sentence, however long it is; left alone when the run stays open.
    let only = |input: &str| {
        let passes: Vec<Box<dyn Pass>> = vec![Box::new(SplitFragments::default())];
        Runner::new(passes).run(input, &Context::default())
    };
    for (run, last, joined) in [
        (3, "，最后一行结束了这个句子。", true),
        (400, "，最后一行结束了这个句子。", true),
        (3, "，最后一行没有结束这个句子", false),
    ] {
        let mut input = String::from(
            "第一段介绍了这个系统的背景和它要解决的主要问题。\n这一部分说明了系统的基本结构和主要的\n",
        );
        for _ in 0..run {
            input.push_str("，以及各个模块之间的关系和它们的接口以及\n");
        }
        input.push_str(last);
        input.push_str("\n第六段是致谢，感谢所有参与的人员。");
        let cleaned = only(&input);
        assert_eq!(
            cleaned.changes.iter().any(|c| c.rule == "split-fragment"),
            joined,
            "{run}: {:?}",
            cleaned.text
        );
        if joined {
            assert_eq!(cleaned.text.lines().count(), 3, "{run}");
        }
    }
}
