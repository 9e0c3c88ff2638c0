use ocrtidy_core::text::chars::{fold_fullwidth, is_fullwidth_alnum};
use ocrtidy_core::{EditSink, Pass, PassId, PassInput, PassKind, PassSpec, RuleSpec};
use unicode_normalization::UnicodeNormalization;

use crate::unicode_forms::is_stable;

/// Full-width ASCII letters and digits (U+FF10–U+FF19, U+FF21–U+FF3A, U+FF41–U+FF5A) become
/// half-width: Chinese text writes Latin words and numbers half-width, and OCR engines trained on
/// mixed data emit either form. A full-width symbol that sits *inside* such a token
/// (`ｗｗｗ．ｅｘａｍｐｌｅ．ｃｏｍ`, `ｕｓｅｒ＠ｈｏｓｔ`, `３．５`) becomes half-width too; full-width
/// punctuation of Chinese prose (`，。：；？！（）`) is never touched here — the `cjk-punct` pass
/// decides it by context. The ideographic space is left to the spacing passes.
///
/// Rules: `fullwidth-alnum`, `fullwidth-symbol`.
#[derive(Debug, Default, Clone)]
pub struct Width;

/// Full-width symbols that are converted when they join two alphanumerics.
fn is_joining_symbol(c: char) -> bool {
    matches!(
        c,
        '．' | '＠' | '＿' | '－' | '／' | '＼' | '＃' | '％' | '＆' | '＋' | '＝' | '～' | '＄'
    )
}

fn is_alnum_either(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_ascii_alphanumeric() || is_fullwidth_alnum(c))
}

impl Width {
    /// The pass's declaration: id, summary, flags and every rule it may record.
    pub const SPEC: PassSpec = PassSpec {
        id: PassId::Width,
        summary: "full-width ASCII letters and digits to half-width",
        kind: PassKind::Character,
        removes_text: false,
        rerun: true,
        local: false,
        written_back: true,
        rules: &[
            RuleSpec {
                id: "fullwidth-alnum",
                explain: "A full-width Latin letter or digit (U+FF10–U+FF19, U+FF21–U+FF3A, U+FF41–U+FF5A) becomes its ordinary half-width form, because Chinese text writes Latin words and numbers half-width and OCR engines emit either: `Ａ１` → `A1`, `２０２１年` → `2021年`. Always applied (confidence 1.0); combining marks after the letter are composed with the new letter. Full-width punctuation of Chinese prose and the ideographic space are not touched here.",
            },
            RuleSpec {
                id: "fullwidth-symbol",
                explain: "A full-width symbol among `．＠＿－／＼＃％＆＋＝～＄` that sits between two letters or digits, at least one of which is full-width, becomes half-width as part of the same token: `ｗｗｗ．ｅｘａｍｐｌｅ．ｃｏｍ` → `www.example.com`, `３．５` → `3.5`. Always applied (confidence 0.9). A full-width symbol next to ideographs or punctuation is left alone, and Chinese punctuation such as `，。：；？！（）` is never changed by this pass (cjk-punct decides it).",
            },
        ],
    };
}

impl Pass for Width {
    fn spec(&self) -> &'static PassSpec {
        &Self::SPEC
    }

    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        let text = input.text;
        let mut prev: Option<char> = None;
        let mut iter = text.char_indices().peekable();
        while let Some((i, c)) = iter.next() {
            let next = iter.peek().map(|&(_, n)| n);
            if is_fullwidth_alnum(c) {
                // Combining marks after the letter compose with its half-width form.
                let mut end = i + c.len_utf8();
                let mut with = fold_fullwidth(c).to_string();
                while let Some(&(j, m)) = iter.peek() {
                    if is_stable(m) {
                        break;
                    }
                    with.push(m);
                    end = j + m.len_utf8();
                    iter.next();
                }
                let with: String = with.nfc().collect();
                let _ = sink.replace(i..end, with, "fullwidth-alnum", 1.0);
            } else if is_joining_symbol(c)
                && is_alnum_either(prev)
                && is_alnum_either(next)
                && (prev.is_some_and(is_fullwidth_alnum) || next.is_some_and(is_fullwidth_alnum))
            {
                let _ = sink.replace(
                    i..i + c.len_utf8(),
                    fold_fullwidth(c).to_string(),
                    "fullwidth-symbol",
                    0.9,
                );
            }
            prev = Some(c);
        }
    }
}
