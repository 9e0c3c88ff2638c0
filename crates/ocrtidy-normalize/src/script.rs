//! Character classification of the script-aware passes: the workspace's classes (Han
//! ideographs, other CJK scripts, CJK punctuation: `ocrtidy_text::chars`), the noise symbols
//! these passes look through, and the "neighbour on the same line" look-ups the passes use as
//! context evidence.

use ocrtidy_core::text::chars::is_horizontal_space;
pub use ocrtidy_core::text::chars::{
    is_break, is_cjk_closing, is_cjk_letter, is_cjk_opening, is_cjk_punct, is_han, is_tight_punct,
};

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
        // The breaks (`is_break`) are the bytes `\n`, `\r` and form feed.
        match memchr::memchr3(b'\n', b'\r', 0x0c, &text.as_bytes()[start..]) {
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
