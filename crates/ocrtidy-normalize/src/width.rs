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

/// Whether `text` holds a full-width letter or digit, found on the bytes: they are encoded
/// `EF BC 90`..`EF BD 9A`, and `EF` is only ever a lead byte (searched for with `memchr`).
fn has_fullwidth_alnum(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memchr_iter(0xEF, b).any(|j| {
        if let [_, b1, b2, ..] = b[j..] {
            let c = 0xF000 | (u32::from(b1 & 0x3F) << 6) | u32::from(b2 & 0x3F);
            char::from_u32(c).is_some_and(is_fullwidth_alnum)
        } else {
            false
        }
    })
}

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
        // Both rules need a full-width letter or digit: most texts have none.
        if !has_fullwidth_alnum(text) {
            return;
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fullwidth_alnum_found_on_the_bytes() {
        for t in [
            "",
            "abc",
            "中文，。！",
            "\u{ff0f}\u{ff20}\u{ff3b}\u{ff40}\u{ff5b}\u{fffd}",
        ] {
            assert!(!has_fullwidth_alnum(t), "{t:?}");
        }
        for t in ["０", "中Ｚ文", "，ａ", "ｚ", "x９", "\u{ff10}", "\u{ff5a}"] {
            assert!(has_fullwidth_alnum(t), "{t:?}");
        }
        let all: String = ('\u{ff00}'..='\u{ffef}').collect();
        for (i, c) in all.char_indices() {
            let one = &all[i..i + c.len_utf8()];
            assert_eq!(has_fullwidth_alnum(one), is_fullwidth_alnum(c), "{c:?}");
        }
    }
}
