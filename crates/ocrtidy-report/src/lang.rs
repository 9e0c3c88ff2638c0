//! A small language guess for the `lang` attribute of a report's text: enough for browsers to
//! choose fonts, line breaking and hyphenation, not a language identifier.

/// How many characters of a text are looked at: the start of a long document says enough.
const SAMPLE_CHARS: usize = 100_000;

/// The BCP 47 tag of `text`'s language as far as its script tells: `zh` when Han characters
/// dominate, `ja` when they come with kana, `ko` for Hangul, `en` for Latin-script text whose
/// frequent short words are English, `und` (undetermined) otherwise, the empty text included.
///
/// CJK characters are weighed against Latin *words*, so Chinese with English terms stays `zh`
/// and English with a Chinese name stays `en`.
pub fn detect(text: &str) -> &'static str {
    let (mut han, mut kana, mut hangul) = (0usize, 0usize, 0usize);
    let (mut latin_words, mut english_words) = (0usize, 0usize);
    let mut word = String::new();
    let mut end_word = |word: &mut String| {
        if !word.is_empty() {
            latin_words += 1;
            if is_english_function_word(word) {
                english_words += 1;
            }
            word.clear();
        }
    };
    for c in text.chars().take(SAMPLE_CHARS) {
        if c.is_alphabetic() && is_latin(c) {
            if word.len() < 16 {
                word.extend(c.to_lowercase());
            }
            continue;
        }
        if c != '\'' && c != '’' {
            end_word(&mut word);
        }
        match c {
            '\u{3040}'..='\u{30ff}' | '\u{31f0}'..='\u{31ff}' | '\u{ff66}'..='\u{ff9f}' => {
                kana += 1
            }
            '\u{1100}'..='\u{11ff}' | '\u{3130}'..='\u{318f}' | '\u{ac00}'..='\u{d7af}' => {
                hangul += 1
            }
            c if is_han(c) => han += 1,
            _ => {}
        }
    }
    end_word(&mut word);
    let cjk = han + kana + hangul;
    if cjk > 0 && cjk >= latin_words {
        if hangul * 2 > cjk {
            return "ko";
        }
        // Japanese writes a third or more of its text in kana; Chinese none.
        if kana * 10 >= cjk {
            return "ja";
        }
        if han > 0 {
            return "zh";
        }
    }
    // One word in twenty or more is one of the commonest English words.
    if latin_words > 0 && english_words * 20 >= latin_words {
        return "en";
    }
    "und"
}

fn is_latin(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c, '\u{c0}'..='\u{24f}' | '\u{1e00}'..='\u{1eff}')
}

fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4dbf}'
        | '\u{4e00}'..='\u{9fff}'
        | '\u{f900}'..='\u{faff}'
        | '\u{20000}'..='\u{323af}'
        | '\u{3005}' | '\u{3007}')
}

fn is_english_function_word(w: &str) -> bool {
    matches!(
        w,
        "the"
            | "and"
            | "of"
            | "to"
            | "in"
            | "is"
            | "that"
            | "it"
            | "was"
            | "for"
            | "with"
            | "as"
            | "on"
            | "be"
            | "by"
            | "this"
            | "are"
            | "from"
            | "at"
            | "or"
            | "which"
            | "his"
            | "her"
            | "a"
            | "an"
            | "not"
            | "have"
            | "has"
            | "had"
            | "were"
            | "their"
            | "they"
            | "we"
    )
}

#[cfg(test)]
mod tests {
    use super::detect;

    #[test]
    fn tags_by_the_script_that_dominates() {
        assert_eq!(
            detect("本报讯 近日，市图书馆古籍数字化工程第一期顺利完成。"),
            "zh"
        );
        assert_eq!(detect("他用Python和JavaScript写了一个OCR工具。"), "zh");
        assert_eq!(detect("於是他們決定繼續前進。"), "zh");
        assert_eq!(detect("The word 中国 is the name of the country."), "en");
        assert_eq!(
            detect("It was a well-known valley, and the river ran through it."),
            "en"
        );
        assert_eq!(detect("これは日本語の文章です。漢字も使います。"), "ja");
        assert_eq!(detect("한국어 문장입니다."), "ko");
        assert_eq!(
            detect("Der Fluss läuft durch das Tal, die Stadt liegt am Ufer."),
            "und"
        );
        assert_eq!(detect("1,200 9:00 —— 42"), "und");
        assert_eq!(detect(""), "und");
    }
}
