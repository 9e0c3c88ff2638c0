//! Data-driven cases for the `duplicates` pass: OCR repeats go, legitimate repeats stay.
//! The input is what the layout passes leave: one paragraph per line.

mod common;

use common::{check, fix, keep, suggest, Case};
use ocrtidy_noise::Duplicates;

const FIXES: &[Case] = &[
    // A paragraph read twice (double text layer).
    fix(
        "服务器提供客户端运行所需的信息，客户端安装在另一台机器上。\n服务器提供客户端运行所需的信息，客户端安装在另一台机器上。\n下一段从这里开始。",
        "服务器提供客户端运行所需的信息，客户端安装在另一台机器上。\n下一段从这里开始。",
        &["repeated-line"],
    ),
    // The second copy differs by one misread character.
    fix(
        "当服务器安装在一台机器上，而它的客户端安装在另一台机器上时，机器本身被称为服务器。\n当服务器安装在一台机器上，而它的客户端安装在另一台机器上时，机器本身被称为服务噐。",
        "当服务器安装在一台机器上，而它的客户端安装在另一台机器上时，机器本身被称为服务器。",
        &["repeated-line"],
    ),
    // A block of two paragraphs repeated by an overlapping scan strip.
    fix(
        "为了简化标准设置，互联网连接运行在单独的路由器上。\n主服务器提供网络服务。\n为了简化标准设置，互联网连接运行在单独的路由器上。\n主服务器提供网络服务。\n第三段。",
        "为了简化标准设置，互联网连接运行在单独的路由器上。\n主服务器提供网络服务。\n第三段。",
        &["repeated-block"],
    ),
    // A sentence read twice inside a paragraph.
    fix(
        "所有服务分配了专用名称。所有服务分配了专用名称。并且只在 IPv4 上提供。",
        "所有服务分配了专用名称。并且只在 IPv4 上提供。",
        &["repeated-sentence"],
    ),
    // The end of one paragraph repeated at the start of the next (seam between two blocks).
    fix(
        "安装主服务器后可以通过网络安装其他机器。这包括漫游工作站和无盘工作站。\n这包括漫游工作站和无盘工作站。工作站的数量可以是任意多个。",
        "安装主服务器后可以通过网络安装其他机器。这包括漫游工作站和无盘工作站。\n工作站的数量可以是任意多个。",
        &["repeated-sentence"],
    ),
    // English.
    fix(
        "The main server provides the services that clients need to run.\nThe main server provides the services that clients need to run.",
        "The main server provides the services that clients need to run.",
        &["repeated-line"],
    ),
    fix(
        "Thin clients boot from the network. Thin clients boot from the network. They need no disk.",
        "Thin clients boot from the network. They need no disk.",
        &["repeated-sentence"],
    ),
];

const SUGGESTIONS: &[Case] = &[
    // Too short to be sure: a heading may be printed twice on purpose.
    suggest("网络服务的配置说明\n网络服务的配置说明", &["repeated-line"]),
    // A sentence of the lead reappears at the end of a later paragraph: real text repeats
    // itself too (nothing says the engine read it twice), so it is only flagged.
    suggest(
        "昨日，区防控办发布通报。截至目前，对筛查出的相关人员已全部落实管控措施。\n快速开展排查。各街道连夜组织力量，逐户核实登记信息。对筛查出的相关人员已全部落实管控措施。\n第三段。",
        &["repeated-sentence"],
    ),
    // A near copy at a seam: flagged, not removed.
    suggest(
        "昨日，区防控办发布通报。截至目前，对筛查出的相关人员已全部落实管控措施。\n快速开展排查。各街道连夜组织力量，逐户核实登记信息。对筛查出的有关人员己全部落实管控措施。",
        &["repeated-sentence"],
    ),
];

const KEEPS: &[Case] = &[
    // A headline whose words recur in the body.
    keep("市总工会全力支援疫情防控\n本报讯 市总工会全力支援疫情防控，积极筹措资金和物资。"),
    // A subheading that the lead restates.
    keep("快速划定风险区域\n快速划定风险区域。全县划定为防范区，部分地区划定为管控区。"),
    // List items with a shared prefix.
    keep("1. 安装主服务器并设置网络\n2. 安装主服务器并设置打印机\n3. 安装主服务器并设置邮件"),
    // A refrain.
    keep("啊朋友再见\n啊朋友再见\n啊朋友再见吧再见吧"),
    // Table rows.
    keep("型号    价格    数量\n型号    价格    数量"),
    keep("2021    35.6    12.0\n2021    35.6    12.0"),
    // A quotation repeated in the commentary.
    keep("他说：“我们一定要坚持到底，决不放弃。”\n“我们一定要坚持到底，决不放弃。”这句话激励了大家。"),
    // A one-sentence summary paragraph that repeats an earlier sentence.
    keep("本章介绍安装步骤。安装程序会自动检测网络硬件并完成配置。\n安装程序会自动检测网络硬件并完成配置。"),
    // Distinct paragraphs that share many words.
    keep("主服务器提供 DHCP 服务。\n主服务器提供 DNS 服务。"),
    keep("Chapter 1\nChapter 1 describes the installation of the main server."),
    keep("Install the main server first.\nInstall the thin client server next."),
    keep("第一段。\n\u{c}第二段。"),
];

#[test]
fn fixes() {
    check(Duplicates, FIXES);
}

#[test]
fn suggestions() {
    check(Duplicates, SUGGESTIONS);
}

#[test]
fn keeps() {
    check(Duplicates, KEEPS);
}

#[test]
fn at_least_as_many_keep_cases_as_fix_cases() {
    assert!(KEEPS.len() >= FIXES.len() + SUGGESTIONS.len() - 2);
}

#[test]
fn page_break_between_copies_is_kept() {
    let runner = ocrtidy_core::Runner::new(vec![Box::new(Duplicates)]);
    let text = "服务器提供客户端运行所需的信息，客户端安装在另一台机器上。\n\u{c}服务器提供客户端运行所需的信息，客户端安装在另一台机器上。\n下一段。";
    let out = runner.run(text, &ocrtidy_core::Context::default());
    assert_eq!(
        out.text,
        "服务器提供客户端运行所需的信息，客户端安装在另一台机器上。\n\u{c}下一段。"
    );
}

#[test]
fn linear_on_a_large_document() {
    // 2,000 distinct paragraphs: must finish quickly (no all-pairs comparison).
    let mut text = String::new();
    for i in 0..2000 {
        text.push_str(&format!(
            "第{i}段的内容包括服务器编号{i}和客户端编号{}。这是第{i}段的第二句话。\n",
            i * 7
        ));
    }
    let runner = ocrtidy_core::Runner::new(vec![Box::new(Duplicates)]);
    let start = std::time::Instant::now();
    let out = runner.run(&text, &ocrtidy_core::Context::default());
    assert_eq!(out.text, text);
    assert!(start.elapsed().as_secs() < 20);
}
