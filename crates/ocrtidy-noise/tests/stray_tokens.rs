//! Data-driven cases for the `stray-tokens` pass: OCR garbage goes, text stays.

mod common;

use common::{check, fix, keep, suggest, Case};
use ocrtidy_noise::StrayTokens;

const FIXES: &[Case] = &[
    // A column rule read as a character at a line start, or inside a word.
    fix(
        "丨 服务器提供客户端运行所需的信息。",
        "服务器提供客户端运行所需的信息。",
        &["symbol-run"],
    ),
    fix(
        "工作站丨的数量可以是任意多少。",
        "工作站的数量可以是任意多少。",
        &["symbol-run"],
    ),
    // A speck between Chinese characters: the text closes up.
    fix(
        "安装主服务器后，设置了 | 所有服务。",
        "安装主服务器后，设置了所有服务。",
        &["symbol-run"],
    ),
    // A speck glued after the full stop at a line end (the space between them already gone),
    // also after a Latin word.
    fix(
        "咨询请发邮件至 info@example.com。|\n活动期间，居民踊跃参加。",
        "咨询请发邮件至 info@example.com。\n活动期间，居民踊跃参加。",
        &["symbol-run"],
    ),
    fix(
        "服务时间为每天上午九点。~\n活动期间，居民踊跃参加。",
        "服务时间为每天上午九点。\n活动期间，居民踊跃参加。",
        &["symbol-run"],
    ),
    fix(
        "数据 \u{FFFD} 丢失后无法恢复。",
        "数据丢失后无法恢复。",
        &["symbol-run"],
    ),
    fix(
        "简单地关闭该服务\u{FFFD}",
        "简单地关闭该服务",
        &["symbol-run"],
    ),
    // Rules and borders on a line of their own.
    fix(
        "第一章 概述\n——————\n本章介绍网络架构。",
        "第一章 概述\n本章介绍网络架构。",
        &["garbage-line"],
    ),
    fix(
        "系统配置完成。\n~ _ •\n下面介绍用户管理。",
        "系统配置完成。\n下面介绍用户管理。",
        &["garbage-line"],
    ),
    fix(
        "文档的这部分叙述网络架构\n。\n和服务。",
        "文档的这部分叙述网络架构\n和服务。",
        &["garbage-line"],
    ),
    fix(
        "■■■\n正文从这里开始。",
        "正文从这里开始。",
        &["garbage-line"],
    ),
    // Half-width punctuation and closing quotes never start a printed line of Chinese; on a
    // page with other noise, neither does a full-width comma or full stop.
    fix(
        "丨 服务器提供客户端运行所需的信息\n。 而它的客户端安装在另一台机器上\n: 时通过这个概念的扩展",
        "服务器提供客户端运行所需的信息\n而它的客户端安装在另一台机器上\n时通过这个概念的扩展",
        &["symbol-run", "line-start-punct", "line-start-punct"],
    ),
    fix(":的方法。", "的方法。", &["line-start-punct"]),
    fix(
        "这是张假定的网络\n” 拓扑草图。",
        "这是张假定的网络\n拓扑草图。",
        &["line-start-punct"],
    ),
    // A lone lowercase letter inside a Chinese sentence.
    fix("这是张假定的网络\n。，拓扑草图。", "这是张假定的网络\n拓扑草图。", &["line-start-punct"]),
    fix(
        "机器本身被称为 d 服务器。",
        "机器本身被称为服务器。",
        &["stray-letter"],
    ),
    // English: symbols at a line edge, long dash runs.
    fix(
        "The client connects to the server |",
        "The client connects to the server",
        &["symbol-run"],
    ),
    fix(
        "~ The server provides the information.",
        "The server provides the information.",
        &["symbol-run"],
    ),
    fix(
        "See the ———— network section.",
        "See the network section.",
        &["symbol-run"],
    ),
];

const SUGGESTIONS: &[Case] = &[
    suggest(
        "为有效发挥金融作用帮助企业 and 个体工商户渡过难关。",
        &["stray-word"],
    ),
    suggest("可以选择安装服务器 or 工作站。", &["stray-word"]),
    // A lowercase letter shaped like its capital: probably a misread `C`.
    suggest("它经常被 c 标准库使用。", &["stray-letter"]),
];

const KEEPS: &[Case] = &[
    keep("如有疑问请发邮件至 jrfzwdfwzx@163.com 或拨打 18635105098。"),
    keep("开放时间为 9:00 至 17:30，周末休息。"),
    keep("访问 https://www.debian.org/doc/ 获取文档。"),
    keep("基于 Debian 的 Linux 发行版，使用 APT 管理软件包。"),
    keep("患者需要做 CT 检查，医院提供免费 Wi-Fi。"),
    keep("运行 ls | less 查看文件列表。"),
    keep("编辑 /etc/apt/sources.list 文件，然后执行 apt-get update。"),
    keep("• 安装主服务器\n• 添加用户和机器"),
    keep("■ 本报讯 全市共摸排人员7024人。"),
    keep("说明如下：■ 本报讯 全市共摸排人员。"),
    keep("售价 ¥199，型号 RT-AC68U，重 1.5 kg。"),
    keep("取值范围为 1 ~ 5，当 |x| < 1 时收敛。"),
    keep("使用 X 窗口系统和 C 语言，见第 3 章。"),
    keep("这是“漫游工作站”（笔记本）。"),
    keep("室外温度为 30 ° 左右。"),
    keep("——这是破折号。"),
    keep("Use the ~/.bashrc file and the cat command."),
    keep("The DHCP server, see section 3.2 for details."),
    keep("... and so on, until the end."),
    keep("Approximately 5 ~ 10 minutes."),
    keep("Rename file_name.txt to new-name.txt."),
    keep("Options -a and --all are the same."),
    keep("x = a * b + c"),
    keep("{\n}"),
    // A clean page typeset without line-breaking rules may start a line with a comma.
    keep("服务器提供客户端运行所需的信息，客户端安装在另一台机器上时\n，通过这个概念的扩展，机器被称为服务器。"),
    keep("他说：\n“我们一定要坚持到底。”\n）之后的内容"),
    keep("（参见相关章节的说明\n）\n下一段。"),
    keep("所有扩展名为\n.list 的文件都会被读取。"),
    keep("分隔符从 - (连字符)换成了 _ (下划线)。"),
    keep("用“ | ”分隔各个字段。"),
];

#[test]
fn fixes() {
    check(StrayTokens, FIXES);
}

#[test]
fn suggestions() {
    check(StrayTokens, SUGGESTIONS);
}

#[test]
fn keeps() {
    check(StrayTokens, KEEPS);
}

#[test]
fn at_least_as_many_keep_cases_as_fix_cases() {
    assert!(KEEPS.len() >= FIXES.len() + SUGGESTIONS.len());
}

#[test]
fn suggestion_offers_chinese_candidate() {
    let runner = ocrtidy_core::Runner::new(vec![Box::new(StrayTokens)]);
    let out = runner.run("帮助企业 and 个体工商户", &ocrtidy_core::Context::default());
    let s = out.suggestions().next().expect("a suggestion");
    assert_eq!(s.before, " and ");
    assert_eq!(s.after, "和");
    assert_eq!(out.text, "帮助企业 and 个体工商户");
}
