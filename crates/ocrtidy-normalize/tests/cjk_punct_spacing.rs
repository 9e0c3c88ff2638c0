mod support;

use ocrtidy_core::Pass;
use ocrtidy_normalize::{CjkPunct, CjkSpacing};
use support::{check, check_passes, keep, keep_passes, run};

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

fn both() -> Vec<Box<dyn Pass>> {
    vec![punct(), spacing()]
}

/// A line of typeset Chinese (ten clause marks glued to the text, no OCR fault) before the
/// case: enough evidence for the passes to take the whole text as typeset.
macro_rules! typeset {
    ($s:literal) => {
        concat!(
            "系统安装完成后，请重新启动计算机。登录以后，打开终端，检查网络连接；",
            "如果一切正常，就可以开始使用了。遇到问题时，请先阅读手册，再向社区求助。\n",
            $s
        )
    };
}

/// The same kind of line as tesseract writes it: spaces around the marks.
macro_rules! ocr {
    ($s:literal) => {
        concat!(
            "系统安装完成后 ，请重新启动计算机 。登录以后 ， 打开终端，检查网络连接 ；\n",
            $s
        )
    };
}

#[test]
fn typeset_text_keeps_its_style() {
    keep_passes(
        both,
        &[
            typeset!("使用 apt （高级包管理工具）安装软件包。"),
            typeset!("这是 Debian 11（bullseye）的默认主题。"),
            typeset!("软件包 fonts-linex （默认安装）提供字体。"),
            typeset!("服务器上创建的是一个目录， /srv/home0。"),
            typeset!("它依赖于 libfoo （参见第 2 节）和 libbar。"),
            // Half-width pairs set off by spaces are the source's when it writes full-width
            // ones too.
            typeset!("电路板（PCB）是原理图 (或网表) 的物理实现。"),
            typeset!("也可以（在需要时）运行 (见下文) 命令。"),
            typeset!("参见 ls(1) 和 apt-get(8) 手册页。"),
            typeset!("版本 3.5 共有 1,000 个软件包，会议 9:00 开始。"),
            // A source that spaces its marks next to Latin words does so by habit.
            typeset!("这时， GIMP 达到了版本 0.99 ，开发者们也毕业了。"),
        ],
    );
}

#[test]
fn typeset_text_still_gets_unambiguous_fixes() {
    check_passes(
        both,
        &[
            (
                typeset!("名称(无域名）关联"),
                typeset!("名称（无域名）关联"),
                &["paren-width"],
            ),
            (
                typeset!("在德语环境中,它显示为 1.000,1。"),
                typeset!("在德语环境中，它显示为 1.000,1。"),
                &["cjk-punct"],
            ),
            (
                typeset!("配置《但不必需)选择"),
                typeset!("配置（但不必需）选择"),
                &["bracket-misread", "paren-width"],
            ),
            // Without any full-width pair, a spaced pair is read as an OCR engine's.
            (
                typeset!("软件包管理 (例如检查已安装的软件包) 的工具"),
                typeset!("软件包管理（例如检查已安装的软件包）的工具"),
                &["paren-width", "space-around-punct"],
            ),
            // Marks glued to Latin words by habit (more than LATIN_HABIT times for each spaced
            // one): the one spaced mark is a fault.
            (
                typeset!("它支持 GIMP、Inkscape、KiCad、LibreOffice。也支持 Krita、Blender、Scribus、Darktable。在 GIMP ，点击菜单。"),
                typeset!("它支持 GIMP、Inkscape、KiCad、LibreOffice。也支持 Krita、Blender、Scribus、Darktable。在 GIMP，点击菜单。"),
                &["space-around-punct"],
            ),
        ],
    );
}

#[test]
fn ocr_text_gets_the_spacing_rules() {
    check_passes(
        both,
        &[
            (
                ocr!("使用 apt （高级包管理工具）安装软件包。"),
                "系统安装完成后，请重新启动计算机。登录以后，打开终端，检查网络连接；\n\
                 使用 apt（高级包管理工具）安装软件包。",
                &["space-around-punct"],
            ),
            (
                ocr!("这是 Debian 11（bullseye）的默认主题。"),
                "系统安装完成后，请重新启动计算机。登录以后，打开终端，检查网络连接；\n\
                 这是 Debian 11(bullseye)的默认主题。",
                &["paren-width", "space-around-punct"],
            ),
            (
                ocr!("电路板（PCB）是原理图 (或网表) 的物理实现。"),
                "系统安装完成后，请重新启动计算机。登录以后，打开终端，检查网络连接；\n\
                 电路板（PCB）是原理图（或网表）的物理实现。",
                &["paren-width", "space-around-punct"],
            ),
        ],
    );
}
