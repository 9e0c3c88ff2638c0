mod support;

use ocrtidy_core::Pass;
use ocrtidy_normalize::{ControlChars, UnicodeForms, Width};
use support::{check, keep};

fn control() -> Box<dyn Pass> {
    Box::new(ControlChars)
}
fn forms() -> Box<dyn Pass> {
    Box::new(UnicodeForms)
}
fn width() -> Box<dyn Pass> {
    Box::new(Width)
}

#[test]
fn control_chars_fixes() {
    check(
        control,
        &[
            ("第一\0段", "第一段", &["nul"]),
            ("标题\u{1}\u{2}正文", "标题正文", &["control-char"]),
            ("a\u{7f}b\u{9b}c", "abc", &["control-char"]),
            ("上一行\u{b}下一行", "上一行\n下一行", &["vertical-tab"]),
            ("\0\0", "", &["nul"]),
        ],
    );
}

#[test]
fn control_chars_keeps() {
    keep(
        control,
        &[
            "列\t表\n第二行\r\n第三页\u{c}",
            "NEL\u{85}stays for newlines",
            "普通文字。",
        ],
    );
}

#[test]
fn unicode_forms_fixes() {
    check(
        forms,
        &[
            (
                "⼈们和⺠族",
                "人们和民族",
                &["cjk-radical", "kangxi-radical"],
            ),
            ("⻓江⻔户", "长江门户", &["cjk-radical"]),
            ("零\u{200b}宽\u{2060}字", "零宽字", &["zero-width"]),
            ("\u{feff}开头和中\u{feff}间", "开头和中间", &["bom"]),
            ("infor\u{ad}mation", "information", &["soft-hyphen"]),
            ("ﬁle ﬂow oﬃce", "file flow office", &["ligature"]),
            ("Cafe\u{301} crème", "Café crème", &["nfc"]),
            ("\u{f900}", "\u{8c48}", &["compat-ideograph"]),
            ("中\u{200d}文", "中文", &["zero-width"]),
            // The zero-width space goes, and the acute then composes with its base.
            ("e\u{200b}\u{301}", "é", &["zero-width"]),
            // Joiners next to ASCII: the pass works on runs of non-ASCII text, and the ASCII
            // character on either side is still the joiner's neighbour.
            ("a\u{200c}中", "a中", &["zero-width"]),
            ("中\u{200d}\u{200b}a", "中a", &["zero-width"]),
            ("x\u{301}\n\u{fb01}", "x\u{301}\nfi", &["ligature"]),
        ],
    );
}

#[test]
fn unicode_forms_keeps() {
    keep(
        forms,
        &[
            // Never NFKC: full-width punctuation and full-width letters stay.
            "你好，世界！（注）：１２３",
            "㎡ ① ™ ½ ²",
            // Joiners in emoji sequences and in Persian stay.
            "👨\u{200d}👩\u{200d}👧",
            "می\u{200c}خواهم",
            // Radical-only shapes with no ideograph counterpart stay.
            "⺮",
            // A combining mark at the start of the text, and after an emoji joiner.
            "\u{301}开头的组合符",
            "👍\u{200d}a",
            "Café",
        ],
    );
}

#[test]
fn width_fixes() {
    check(
        width,
        &[
            ("使用ＡＰＴ命令", "使用APT命令", &["fullwidth-alnum"]),
            ("第１２３页", "第123页", &["fullwidth-alnum"]),
            (
                "访问ｗｗｗ．ｅｘａｍｐｌｅ．ｃｏｍ",
                "访问www.example.com",
                &["fullwidth-alnum", "fullwidth-symbol"],
            ),
            (
                "发到ｕｓｅｒ＠ｈｏｓｔ",
                "发到user@host",
                &["fullwidth-alnum", "fullwidth-symbol"],
            ),
            (
                "版本３．５",
                "版本3.5",
                &["fullwidth-alnum", "fullwidth-symbol"],
            ),
        ],
    );
}

#[test]
fn width_keeps() {
    keep(
        width,
        &[
            "你好，世界！（注）：",
            "全角空格\u{3000}保留",
            "半角 abc 123",
            // A full-width symbol between half-width letters is not this pass's business.
            "a．b",
            "ｶﾀｶﾅ",
        ],
    );
}
