mod support;

use ocrtidy_core::Pass;
use ocrtidy_normalize::{CjkPunct, CjkSpacing};
use support::{check, keep, run};

fn punct() -> Box<dyn Pass> {
    Box::new(CjkPunct)
}
fn spacing() -> Box<dyn Pass> {
    Box::new(CjkSpacing)
}

#[test]
fn punct_fixes() {
    check(
        punct,
        &[
            ("邮件; 提供", "邮件； 提供", &["cjk-punct"]),
            ("状况 , 然后", "状况 ， 然后", &["cjk-punct"]),
            ("方法:首先", "方法：首先", &["cjk-punct"]),
            ("真的吗?是的!", "真的吗？是的！", &["cjk-punct"]),
            ("主服务器; 相关", "主服务器； 相关", &["cjk-punct"]),
            ("; 于是", "； 于是", &["cjk-punct"]),
            (
                "安装完成.\n然后重启",
                "安装完成。\n然后重启",
                &["full-stop"],
            ),
            // Across a line break (the layout passes may join the lines later).
            ("方法\n: 首先", "方法\n： 首先", &["cjk-punct"]),
            ("安装完成.", "安装完成。", &["full-stop"]),
            (
                "名称 (无域名) 关联",
                "名称 （无域名） 关联",
                &["paren-width"],
            ),
            (
                "互联网 (由于主网络接口 IP) 的",
                "互联网 （由于主网络接口 IP） 的",
                &["paren-width"],
            ),
            (
                "完成。 (see below)",
                "完成。 （see below）",
                &["paren-width"],
            ),
            ("名称(无域名）关联", "名称（无域名）关联", &["paren-width"]),
            (
                "文件会以名称〈先城名) 关联",
                "文件会以名称（先城名） 关联",
                &["bracket-misread", "paren-width"],
            ),
            (
                "配置《但不必需)选择",
                "配置（但不必需）选择",
                &["bracket-misread", "paren-width"],
            ),
            (
                "设置【如在学校内)，但",
                "设置（如在学校内），但",
                &["bracket-misread", "paren-width"],
            ),
            // A pair wrapped over a line break, even a blank line, is still a pair.
            (
                "服务器 (主\n\n机名)和",
                "服务器 （主\n\n机名）和",
                &["paren-width"],
            ),
            (
                "网络架构和服务*\n下一段",
                "网络架构和服务。\n下一段",
                &["asterisk-full-stop"],
            ),
            ("验证和授权 *", "验证和授权 。", &["asterisk-full-stop"]),
            ("Hello，world！", "Hello,world!", &["latin-halfwidth"]),
            (
                "see the manual（page 3）now",
                "see the manual(page 3)now",
                &["paren-width"],
            ),
        ],
    );
}

#[test]
fn punct_keeps() {
    keep(
        punct,
        &[
            "版本 3.5 共有 1,000 个软件包",
            "会议 9:00 开始",
            "访问 http://example.com/a?b=1&c=2 获取",
            "发邮件到 user@example.org 即可",
            "编辑 /etc/apt/sources.list 文件",
            "运行 if (a, b) { c; } 代码",
            "This is an English sentence: it stays, as is; right? Yes!",
            "参见 ls(1) 和 apt-get(8) 手册页",
            "代理在本地 (Squid) 贮存",
            "《软件工程通讯》第3期",
            "他说：“你好。”",
            "省略号...和..都留着",
            "2023年7月23日. 星期日",
            "2021年7月5日.星期一",
            "名称（无域名）关联",
            "名称(无域名)关联",
            "注*：见下文",
            "匹配 *.txt 文件",
            "运行 make *",
            "参见 Debian 11 (bullseye) 的说明",
            "打开（File）菜单",
        ],
    );
}

#[test]
fn spacing_fixes() {
    check(
        spacing,
        &[
            (
                "安装主服务器后 ， 证时",
                "安装主服务器后，证时",
                &["space-around-punct"],
            ),
            ("邮件 ；提供", "邮件；提供", &["space-around-punct"]),
            ("状况 ，然后", "状况，然后", &["space-around-punct"]),
            // In running text (not among the first or last two lines of a page) a space before
            // a mark at the end of a line goes too.
            (
                "标题\n第一行\n状况 ，\n第四行\n第五行",
                "标题\n第一行\n状况，\n第四行\n第五行",
                &["space-around-punct"],
            ),
            (
                "标题\n第一行\n点击“操作” 菜单\n第四行\n第五行",
                "标题\n第一行\n点击“操作”菜单\n第四行\n第五行",
                &["space-around-punct"],
            ),
            (
                "标题\n第一行\n诸如 “重新分区”\n第四行\n第五行",
                "标题\n第一行\n诸如“重新分区”\n第四行\n第五行",
                &["space-around-punct"],
            ),
            (
                "标题\n第一行\n选择 “Install” 选项\n第四行\n第五行",
                "标题\n第一行\n选择“Install”选项\n第四行\n第五行",
                &["space-around-punct"],
            ),
            (
                "完整配置的学校网络的开发和使用环境  它实际上",
                "完整配置的学校网络的开发和使用环境它实际上",
                &["space-between-han"],
            ),
            (
                "所有的服务都已经准备好使用这个系统 和所有需要的东西",
                "所有的服务都已经准备好使用这个系统和所有需要的东西",
                &["space-between-han"],
            ),
            ("短 行 也 有 很 多", "短行也有很多", &["space-between-han"]),
            ("两个  空格", "两个空格", &["space-between-han"]),
            (
                "这是一段很长的正文还没有结束 ■ 接下来的正文继续写下去",
                "这是一段很长的正文还没有结束■接下来的正文继续写下去",
                &["space-between-han"],
            ),
            // A short line inside a paragraph is running text: the layout passes join it.
            (
                "这是一段很长的正文还没有结束\n清徐 记者\n报道",
                "这是一段很长的正文还没有结束\n清徐记者\n报道",
                &["space-between-han"],
            ),
            ("使用  apt   命令", "使用 apt 命令", &["collapse-space"]),
        ],
    );
}

#[test]
fn spacing_keeps() {
    keep(
        spacing,
        &[
            "使用 apt 命令安装 Debian Edu 系统",
            "本报讯（记者 杨文）近日，本市召开会议。",
            "以快制快 高效处置局部疫情",
            "张慧 摄",
            // Header lines: noise around punctuation stays apart for the furniture pass.
            "网络与系统月刊 “ 、         2024年4月9日 星期二\n正文",
            "。 计算机应用文摘\n\n3023年1月29日。\n\n导航对话框现在可以定位到图像超过它的\n边界",
            "《工程设计参考》          2021年6月3日 星期四",
            "科技文化周刊      2023年7月23日 星期日",
            "以快制快 高效处置局部疫情\n本报讯（记者 杨文）近日，本市召开疫情防控工作会议，要求各区县高效处置。",
            "正文的第一段到此结束。\n张慧 摄\n下一段正文从这里开始，内容很长很长很长。",
            "2022年9月6日 星期二",
            "有超过 59,000 个软件包",
            "English words stay  as they are",
            "He said “hello” to 张三",
            "　　首行缩进保留",
            "行尾空格留给别的步骤  ",
        ],
    );
}

#[test]
fn rule_ids_and_ledger_of_a_tesseract_line() {
    let input = "邮件 ; 提供 , 状况 ，它们 (主服务器)\n";
    let cleaned = run(vec![punct(), spacing()], input);
    assert_eq!(cleaned.text, "邮件；提供，状况，它们（主服务器）\n");
    let cleaned = run(vec![punct(), spacing()], "它们(主服务器)\n");
    assert_eq!(cleaned.text, "它们(主服务器)\n");
    assert!(cleaned.applied().all(|c| c.confidence > 0.5));
}
