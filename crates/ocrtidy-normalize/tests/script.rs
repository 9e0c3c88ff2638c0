mod support;

use ocrtidy_core::Pass;
use ocrtidy_normalize::MixedScript;
use support::{keep, run};

fn mixed() -> Box<dyn Pass> {
    Box::new(MixedScript)
}

const SIMPLIFIED: &str = "这是一个简体中文的文档，学习网络与数据库的配置。我们为学校提供服务器，\
    让学生们在课堂上使用。开发者说这个系统很稳定，讨论了许多问题。";

#[test]
fn isolated_traditional_chars_in_a_simplified_text_are_converted() {
    let input = format!("{SIMPLIFIED}安装軟件很简单。");
    let cleaned = run(vec![mixed()], &input);
    assert_eq!(cleaned.text, format!("{SIMPLIFIED}安装软件很简单。"));
    let rules: Vec<&str> = cleaned.applied().map(|c| c.rule).collect();
    assert_eq!(rules, ["traditional-in-simplified"]);
}

#[test]
fn a_run_of_traditional_chars_is_a_quotation_and_stays() {
    let input = format!("{SIMPLIFIED}书名是《學習與實踐》。");
    let cleaned = run(vec![mixed()], &input);
    assert_eq!(cleaned.text, input);
}

#[test]
fn ambiguous_conversions_are_suggestions() {
    let trad = "這是一個繁體中文的文檔，學習網絡與數據庫的配置。我們為學校提供服務器，\
        讓學生們在課堂上使用。開發者說這個系統很穩定，討論了許多問題。";
    // `发` has two Traditional counterparts (發, 髮): suggest, do not decide.
    let input = format!("{trad}頭发很長。");
    let cleaned = run(vec![mixed()], &input);
    assert_eq!(cleaned.text, input);
    let s: Vec<_> = cleaned.suggestions().collect();
    assert_eq!(s.len(), 1);
    assert_eq!(s[0].rule, "simplified-in-traditional");
    let cands: Vec<&str> = s[0].candidates.iter().map(|c| c.text.as_str()).collect();
    assert!(cands.contains(&"發") && cands.contains(&"髮"), "{cands:?}");
}

#[test]
fn mixed_script_keeps() {
    keep(
        mixed,
        &[
            SIMPLIFIED,
            // Too little evidence to call the document Simplified.
            "學习",
            // A balanced mix is a bilingual text, not a misread.
            "简体：学习网络数据库；繁體：學習網絡數據庫",
            "Plain English text.",
        ],
    );
}

#[cfg(feature = "opencc")]
mod opencc {
    use super::support::run;
    use ocrtidy_core::Pass;
    use ocrtidy_normalize::{ScriptConversion, ScriptConvert};

    fn conv(c: ScriptConversion) -> Box<dyn Pass> {
        Box::new(ScriptConvert::new(c).expect("embedded config loads"))
    }

    #[test]
    fn t2s_and_s2t() {
        let cleaned = run(
            vec![conv(ScriptConversion::T2s)],
            "開放中文轉換\n第二行 Rust 實現",
        );
        assert_eq!(cleaned.text, "开放中文转换\n第二行 Rust 实现");
        assert!(cleaned.applied().all(|c| c.rule == "opencc"));
        let cleaned = run(
            vec![conv(ScriptConversion::S2t)],
            "开放中文转换是完全由 Rust 实现的。",
        );
        assert_eq!(cleaned.text, "開放中文轉換是完全由 Rust 實現的。");
        let cleaned = run(vec![conv(ScriptConversion::S2tw)], "软件");
        assert_eq!(cleaned.text, "軟件");
    }

    #[test]
    fn names_parse() {
        for &c in ScriptConversion::ALL {
            assert_eq!(c.name().parse::<ScriptConversion>().ok(), Some(c));
            assert!(ScriptConvert::new(c).is_ok());
        }
        assert!("x2y".parse::<ScriptConversion>().is_err());
    }
}
