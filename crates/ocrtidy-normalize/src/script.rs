//! Character classification shared by the script-aware passes: Han ideographs, other CJK
//! scripts, CJK punctuation, and the "neighbour on the same line" look-ups the passes use as
//! context evidence.

use crate::is_horizontal_space;

/// A Han ideograph: CJK Unified Ideographs and their extensions, compatibility ideographs, and
/// `〇`.
pub fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF
        | 0x20000..=0x2FA1F
        | 0x30000..=0x323AF)
        || c == '\u{3007}'
}

/// Han, kana, hangul or bopomofo: a character of CJK running text.
pub fn is_cjk_letter(c: char) -> bool {
    is_han(c)
        || matches!(c as u32,
            0x3040..=0x30FF     // hiragana, katakana
            | 0x3100..=0x312F   // bopomofo
            | 0x31F0..=0x31FF   // katakana phonetic extensions
            | 0xAC00..=0xD7AF) // hangul syllables
}

/// Full-width punctuation of Chinese text (not the quotes `“”‘’`, which Latin text uses too).
pub fn is_cjk_punct(c: char) -> bool {
    is_tight_punct(c) || matches!(c, '…' | '—' | '～' | '·')
}

/// Full-width punctuation that opens a group (no space wanted after it).
pub fn is_cjk_opening(c: char) -> bool {
    matches!(c, '（' | '《' | '〈' | '【' | '「' | '『' | '〔' | '〖')
}

/// Full-width punctuation that closes a clause or a group.
pub fn is_cjk_closing(c: char) -> bool {
    matches!(
        c,
        '，' | '。'
            | '、'
            | '；'
            | '：'
            | '？'
            | '！'
            | '）'
            | '》'
            | '〉'
            | '】'
            | '」'
            | '』'
            | '〕'
            | '〗'
    )
}

/// Full-width punctuation that takes no space on either side: the opening and closing marks.
pub fn is_tight_punct(c: char) -> bool {
    is_cjk_opening(c) || is_cjk_closing(c)
}

/// A symbol that OCR produces from rules, borders and specks, and that the noise passes delete
/// wherever it stands: `丨` `¦`, box drawing and geometric shapes (`■ □ ▲ ●`…) and U+FFFD
/// (runs of dashes: see [`first_visible`]). The spacing and punctuation decisions look through them, so that deleting one
/// later does not change what a second run decides. Weak symbols that may stay (`• | _ ~`) are
/// not looked through.
pub fn is_noise(c: char) -> bool {
    matches!(c, '丨' | '¦' | '\u{fffd}' | '\u{2500}'..='\u{25ff}')
}

/// The first visible character of `chars` (walking forwards or backwards from a position):
/// spaces, noise symbols and runs of four or more `—` (rules read as dashes) are skipped, and so
/// are line breaks when `cross_lines` is set (the layout passes may join lines later); a page
/// break ends the search. The decisions of the spacing and punctuation passes look at this
/// neighbour, so that what later passes delete or join does not change them.
pub fn first_visible(chars: impl Iterator<Item = char>, cross_lines: bool) -> Option<char> {
    let mut chars = chars.peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{c}' => return None,
            '\n' | '\r' if !cross_lines => return None,
            '\n' | '\r' => {}
            '—' => {
                let mut run = 1;
                while chars.next_if_eq(&'—').is_some() {
                    run += 1;
                }
                if run < 4 {
                    return Some('—');
                }
            }
            c if is_horizontal_space(c) || is_noise(c) => {}
            c => return Some(c),
        }
    }
    None
}

/// A line break or page break.
pub fn is_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{c}')
}

/// The nearest character before byte `i` on the same line, skipping horizontal spaces.
pub fn prev_non_space(text: &str, i: usize) -> Option<char> {
    text[..i]
        .chars()
        .rev()
        .find(|&c| !is_horizontal_space(c))
        .filter(|&c| !is_break(c))
}

/// The nearest character from byte `i` on on the same line, skipping horizontal spaces.
pub fn next_non_space(text: &str, i: usize) -> Option<char> {
    text[i..]
        .chars()
        .find(|&c| !is_horizontal_space(c))
        .filter(|&c| !is_break(c))
}

/// The byte ranges of the lines of `text` (without their break characters).
pub fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> + '_ {
    let mut start = 0;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        match text[start..].find(is_break) {
            Some(k) => {
                let line = (start, &text[start..start + k]);
                start += k + 1; // every break char is one byte
                Some(line)
            }
            None => {
                done = true;
                Some((start, &text[start..]))
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert!(is_han('中') && is_han('〇') && is_han('𠀀'));
        assert!(!is_han('a') && !is_han('，') && !is_han('ア'));
        assert!(is_cjk_letter('ア') && is_cjk_letter('한'));
        assert!(is_cjk_punct('，') && !is_cjk_punct(','));
    }

    #[test]
    fn neighbours_stay_on_the_line() {
        let t = "中 \n , 文";
        assert_eq!(prev_non_space(t, 5), None);
        assert_eq!(next_non_space(t, 3), None);
        assert_eq!(next_non_space(t, 5), Some(','));
        assert_eq!(prev_non_space(t, 8), Some(','));
    }

    #[test]
    fn first_visible_skips_noise_and_dash_runs() {
        assert_eq!(first_visible("  ■ ————中".chars(), false), Some('中'));
        assert_eq!(first_visible(" —— 中".chars(), false), Some('—'));
        assert_eq!(first_visible(" \n中".chars(), false), None);
        assert_eq!(first_visible(" \n中".chars(), true), Some('中'));
        assert_eq!(first_visible(" \u{c}中".chars(), true), None);
    }

    #[test]
    fn lines_split_on_every_break() {
        let v: Vec<_> = lines("a\nbc\u{c}\nd").collect();
        assert_eq!(v, vec![(0, "a"), (2, "bc"), (5, ""), (6, "d")]);
    }
}
