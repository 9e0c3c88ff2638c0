//! Running headers: date lines, titles, and headers that OCR merged from a title and a date.

use super::markers::is_page_number;
use crate::page::{is_space, visible_chars, visible_chars_upto};

const SENTENCE_PUNCT: &[char] = &['，', '。', '；', '：', '！', '？', ',', ';', '!', '?', '、'];

/// A publication title: a short line without sentence punctuation. (Line joins never build one
/// above a date line, see [`crate::LineJoin`], so the title rule is stable.)
pub(super) fn is_title_like(s: &str) -> bool {
    // The tests of the denoised line (see [`denoise`]) without building it: its words are
    // joined by a space, so its visible chars are theirs, it holds a mark when one of them
    // does, and it ends as the last one does.
    let mut n = 0;
    let mut last = "";
    for w in s.split(is_space).filter(|w| !w.is_empty() && !is_noise(w)) {
        n += visible_chars_upto(w, 25);
        if n > 24 || w.contains(SENTENCE_PUNCT) {
            return false;
        }
        last = w;
    }
    n >= 2 && !last.ends_with('.')
}

/// A line that reads as a date or a header ending in a date, wherever it is on the page. Line
/// joins keep such lines apart, so that a join never turns body text into a header.
pub(crate) fn is_date_like(s: &str) -> bool {
    // All three rules need a year or a weekday: settle most lines with one scan.
    may_hold_date(s) && (is_date_line(s, 60) || is_merged_header(s) || is_header_with_date(s))
}

pub(super) fn is_bracketed_title(s: &str) -> bool {
    s.starts_with('《')
        && s.ends_with('》')
        && s.matches('《').count() == 1
        && visible_chars_upto(s, 21) <= 20
}

/// The first line of a page that opens a `《…》` title: the layout passes never join it, so a
/// join cannot complete a title that the next cleaning would remove.
pub(crate) fn opens_title(s: &str) -> bool {
    s.starts_with('《')
}

/// A date as a running header prints it: `2021年3月18日`, `星期四` (also `5月12日 星期` when
/// OCR lost the day), `Monday, March 15, 2021`. Lines longer than `max_chars` visible chars,
/// with sentence punctuation, or with more than a few words besides the date (OCR misreads
/// some) are body text.
pub(super) fn is_date_line(s: &str, max_chars: usize) -> bool {
    if !may_hold_date(s) {
        return false;
    }
    // The length and punctuation tests of the denoised line, without building it.
    let too_long = |n| n > max_chars;
    if denoised_fails(s, too_long, |w| w.contains(['。', '，', '；'])) {
        return false;
    }
    let s = &denoise(s);
    if visible_chars_upto(s, max_chars.saturating_add(1)) > max_chars
        || s.contains(['。', '，', '；'])
    {
        return false;
    }
    (has_cjk_date(s) || has_latin_date(s)) && non_date_words(s) <= 3
}

/// A line that is a date and nothing else (`2020年10月22日 星期四`, `Tuesday, May 17, 2022`,
/// one misread word allowed): furniture wherever it stands.
pub(super) fn is_pure_date(s: &str) -> bool {
    is_date_line(s, 30) && pure_date_rest(s)
}

/// The rest of [`is_pure_date`] after the date line test.
pub(super) fn pure_date_rest(s: &str) -> bool {
    non_date_words(s) <= 1 && {
        let chars: Vec<char> = s.chars().collect();
        (0..chars.len()).any(|i| year_at(&chars, i))
    }
}

/// The visible chars of the denoised line when `s` is a date line of at most `max_chars` of
/// them (see [`is_date_line`]: for any `max <= max_chars`, `is_date_line(s, max)` is
/// `date_facts(s, max_chars).is_some_and(|n| n <= max)`). A longer line is settled as soon as
/// its words pass the limit, without the date tests.
pub(super) fn date_facts(s: &str, max_chars: usize) -> Option<usize> {
    let too_long = |n| n > max_chars;
    if !may_hold_date(s) || denoised_fails(s, too_long, |w| w.contains(['。', '，', '；'])) {
        return None;
    }
    let s = &denoise(s);
    ((has_cjk_date(s) || has_latin_date(s)) && non_date_words(s) <= 3).then(|| visible_chars(s))
}

/// Whether `s` can hold a date at all: every date rule needs a year (four ASCII digits, which
/// [`denoise`] never removes) or a weekday (`星期`, `礼拜`). Settles most body lines without
/// allocating.
pub(super) fn may_hold_date(s: &str) -> bool {
    let b = s.as_bytes();
    // A branch-free count of the digits (in bytes, per block of 64), which vectorises, and a
    // search for `星` (E6 98 9F) and `礼` (E7 A4 BC). A search per char would stop at each of
    // the chars' last bytes (`9F`, `BC`), as common in Chinese text as the middle ones.
    let digits: usize = b
        .chunks(64)
        .map(|block| {
            usize::from(
                block
                    .iter()
                    .map(|&x| u8::from(x.is_ascii_digit()))
                    .sum::<u8>(),
            )
        })
        .sum();
    // The weekday chars are found from their middle bytes (`98`, `A4`), searched with
    // `memchr`: few chars of a line hold either.
    digits >= 4
        || memchr::memchr2_iter(0x98, 0xA4, b).any(|i| {
            i > 0
                && matches!(
                    (b[i - 1], b[i], b.get(i + 1)),
                    (0xE6, 0x98, Some(0x9F)) | (0xE7, 0xA4, Some(0xBC))
                )
        })
}

/// Whether the words that [`denoise`] keeps of `s` fail a test without building the denoised
/// line: `too_long` on their visible chars (a running total, so it must be monotone) or `bad`
/// on any one of them.
fn denoised_fails(s: &str, too_long: impl Fn(usize) -> bool, bad: impl Fn(&str) -> bool) -> bool {
    let mut n = 0;
    for w in s.split(is_space).filter(|w| !w.is_empty()) {
        let v = visible_chars(w);
        if v <= 2 && !w.chars().any(|c| c.is_alphanumeric()) {
            continue;
        }
        n += v;
        if too_long(n) || bad(w) {
            return true;
        }
    }
    false
}

/// A line at the top of a page that ends with a date after a title without sentence punctuation
/// (`Systems & Networks Gazette Monday, March 15, 2021`, single spaces).
pub(super) fn is_header_with_date(s: &str) -> bool {
    if !may_hold_date(s) || denoised_fails(s, |n| n > 60, |_| false) {
        return false;
    }
    let s = &denoise(s);
    if visible_chars_upto(s, 61) > 60 || s.contains(SENTENCE_PUNCT) && !ends_with_latin_year(s) {
        return false;
    }
    let trimmed = s.trim_end_matches(|c: char| !c.is_alphanumeric());
    let cjk_end = has_cjk_date(s)
        && (trimmed.ends_with('日') || trimmed.ends_with("星期") || {
            let mut it = trimmed.chars().rev();
            let last = it.next();
            let prev: String = it.take(2).collect::<Vec<_>>().into_iter().rev().collect();
            last.is_some_and(|c| "一二三四五六日天".contains(c))
                && (prev == "星期" || prev == "礼拜")
        });
    cjk_end || (has_latin_date(s) && ends_with_latin_year(s) && !s.contains(['.', ';', '!', '?']))
}

fn ends_with_latin_year(s: &str) -> bool {
    let t: Vec<char> = s
        .trim_end_matches(|c: char| !c.is_alphanumeric())
        .chars()
        .collect();
    t.len() >= 4 && year_at(&t, t.len() - 4)
}

/// Words of a line that are not part of a date: ideographs other than the date characters,
/// Latin words other than month and weekday names.
fn non_date_words(s: &str) -> usize {
    let mut n = 0;
    let mut word = String::new();
    let flush = |word: &mut String, n: &mut usize| {
        if !word.is_empty() {
            let w = word.to_lowercase();
            let is_name = |names: &[&str]| {
                names
                    .iter()
                    .any(|m| *m == w || (w.len() >= 3 && m.starts_with(&w)))
            };
            if !is_name(MONTHS) && !is_name(WEEKDAYS) {
                *n += 1;
            }
            word.clear();
        }
    };
    for c in s.chars() {
        if c.is_alphabetic() && !crate::page::is_wide(c) {
            word.push(c);
            continue;
        }
        flush(&mut word, &mut n);
        if crate::page::is_wide(c)
            && c.is_alphabetic()
            && !"年月日星期礼拜一二三四五六天周".contains(c)
        {
            n += 1;
        }
    }
    flush(&mut word, &mut n);
    n
}

fn year_at(chars: &[char], i: usize) -> bool {
    i + 4 <= chars.len()
        && chars[i..i + 4].iter().all(|c| c.is_ascii_digit())
        && matches!((chars[i], chars[i + 1]), ('1', '9') | ('2', '0'))
        && (i == 0 || !chars[i - 1].is_ascii_digit())
        && chars.get(i + 4).is_none_or(|c| !c.is_ascii_digit())
}

fn has_cjk_date(s: &str) -> bool {
    let chars: Vec<char> = s.chars().filter(|c| !is_space(*c)).collect();
    let year = (0..chars.len()).any(|i| year_at(&chars, i) && chars.get(i + 4) == Some(&'年'));
    let weekday = chars.windows(3).any(|w| {
        (w[0] == '星' && w[1] == '期' || w[0] == '礼' && w[1] == '拜')
            && "一二三四五六日天".contains(w[2])
    });
    // A weekday whose day OCR lost at the line end, right after a date (`5月12日 星期`).
    let bare_weekday = matches!(
        chars.as_slice(),
        [.., d, '日' | '月' | '号', '星', '期'] | [.., d, '日' | '月' | '号', '礼', '拜']
            if d.is_ascii_digit()
    );
    year || weekday || bare_weekday
}

const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];
const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

fn has_latin_date(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    if !(0..chars.len()).any(|i| year_at(&chars, i)) {
        return false;
    }
    // A month or weekday name needs ASCII letters: lowercasing makes no other ASCII letter
    // than `k` (from the Kelvin sign), which none of the names holds.
    let named = s.bytes().any(|b| b.is_ascii_alphabetic()) && {
        let lower = s.to_lowercase();
        lower
            .split(|c: char| !c.is_alphabetic())
            .any(|w| MONTHS.contains(&w) || WEEKDAYS.contains(&w))
    };
    // `15, 2021`: a day and a year, as in a date whose names OCR garbled. (Lowercasing changes
    // no comma, digit or whitespace, so the line itself answers as its lowercase would.)
    let day_year = s.split(',').zip(s.split(',').skip(1)).any(|(a, b)| {
        let day: String = a.chars().rev().take_while(|c| c.is_ascii_digit()).collect();
        let b = b.trim_start();
        (1..=2).contains(&day.len())
            && b.len() >= 4
            && b.as_bytes()[..4].iter().all(|c| c.is_ascii_digit())
    });
    named || day_year
}

/// A header whose parts (title, date, page) OCR merged into one line with a run of spaces.
pub(super) fn is_merged_header(s: &str) -> bool {
    if !may_hold_date(s) {
        return false;
    }
    // A space run to split at and the length first: they settle most lines without splitting
    // them.
    if !may_have_space_run(s) || visible_chars_upto(s, 61) > 60 {
        return false;
    }
    let parts = split_on_space_runs(s);
    parts.len() >= 2
        && parts.iter().any(|p| is_date_line(p, 40))
        && parts
            .iter()
            .all(|p| is_date_line(p, 40) || is_title_like(p) || is_page_number(p) || is_noise(p))
}

/// A running header of a title and a page number that a run of spaces sets apart, in either
/// order (`THE HISTORY OF PRINTING   47`, `48   CHAPTER THREE`): at most 60 visible chars, one
/// part a bare page number and the others title-like.
pub(super) fn is_numbered_header(s: &str) -> bool {
    // The byte scan for a digit first: it settles most lines; then a search for a space run
    // that can set two parts apart, which settles most of the rest without counting their chars.
    if !crate::page::has_ascii_digit(s) || !may_have_space_run(s) || visible_chars_upto(s, 61) > 60
    {
        return false;
    }
    let parts = split_on_space_runs(s);
    let numbers = parts
        .iter()
        .filter(|p| {
            let p = p.trim_matches(is_space);
            !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit())
        })
        .count();
    parts.len() >= 2 && numbers == 1 && parts.iter().all(|p| is_page_number(p) || is_title_like(p))
}

/// The line without its noise tokens (see [`is_noise`]), words joined by one space.
fn denoise(s: &str) -> String {
    let words: Vec<&str> = s
        .split(is_space)
        .filter(|w| !w.is_empty() && !is_noise(w))
        .collect();
    words.join(" ")
}

/// A part of at most two visible chars with no letter or digit: OCR specks (`“ 、`, `。`).
fn is_noise(s: &str) -> bool {
    visible_chars_upto(s, 3) <= 2 && !s.chars().any(|c| c.is_alphanumeric())
}

/// Whether `s` may hold a run of spaces that [`split_on_space_runs`] cuts at: a run of three
/// spaces or more, or one with a tab or an ideographic space in it (which count three), needs
/// three ASCII spaces in a row, or a tab, an ideographic space, a no-break space or a carriage
/// return (the other spaces of [`is_space`]) somewhere. One branch-free scan of the byte
/// windows, which vectorises (a search for the wide spaces would stop at every `80` or `A0`,
/// common last bytes of Chinese chars).
fn may_have_space_run(s: &str) -> bool {
    let b = s.as_bytes();
    let head = b.iter().take(2).any(|&x| x == b'\t' || x == b'\r') || b.starts_with(&[0xC2, 0xA0]);
    head || (b.len() >= 3
        && b.iter()
            .zip(&b[1..])
            .zip(&b[2..])
            .fold(false, |hit, ((&x, &y), &z)| {
                hit | (z == b'\t')
                    | (z == b'\r')
                    | ((y == 0xC2) & (z == 0xA0))
                    | ((x == 0xE3) & (y == 0x80) & (z == 0x80))
                    | ((x == b' ') & (y == b' ') & (z == b' '))
            }))
}

fn split_on_space_runs(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut run_start: Option<usize> = None;
    let mut run_len = 0;
    for (i, c) in s.char_indices() {
        if is_space(c) {
            if run_start.is_none() {
                run_start = Some(i);
                run_len = 0;
            }
            run_len += if c == '\u{3000}' || c == '\t' { 3 } else { 1 };
        } else {
            if let Some(r) = run_start.take() {
                if run_len >= 3 {
                    parts.push(&s[start..r]);
                    start = i;
                }
            }
        }
    }
    parts.push(&s[start..]);
    parts.retain(|p| !p.trim_matches(is_space).is_empty());
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_headers() {
        assert!(is_date_line("2021年3月18日 星期四", 60));
        assert!(is_date_line("Monday, March 15, 2021", 60));
        assert!(is_date_line("Moriday, Mareh 15, 2021", 60));
        assert!(!is_date_line("他在2021年毕业，后来去了北京。", 60));
        assert!(is_merged_header(
            "《系统管理员手册》          2021年3月18日 星期四"
        ));
        assert!(!is_merged_header("安装      软件包"));
    }

    #[test]
    fn date_facts_as_date_lines() {
        // Lines around each limit: a title word of 5 to 45 letters before a date of 19 visible
        // chars.
        let titled: Vec<String> = (5..=45)
            .map(|n| format!("{} Monday, March 15, 2021", "x".repeat(n)))
            .collect();
        let lines = [
            "2021年3月18日 星期四",
            "Monday, March 15, 2021",
            "他在2021年毕业，后来去了北京。",
            "《系统管理员手册》 2021年3月18日 星期四",
            "2021年3月18日 星期四 这是一个很长的标题 还有更多的文字在这里 一直写下去 直到超过三十个字",
        ];
        assert!(titled.iter().any(|s| is_date_line(s, 60)));
        for s in lines.into_iter().chain(titled.iter().map(String::as_str)) {
            for max in [30, 40, 60] {
                assert_eq!(
                    date_facts(s, 60).is_some_and(|n| n <= max),
                    is_date_line(s, max),
                    "{s} {max}"
                );
            }
        }
    }

    #[test]
    fn space_run_prefilter() {
        // Every text of up to five chars of spaces, letters and ideographs: the prefilter answers
        // as the searches do, and a split needs its answer.
        // Chars that share bytes with the spaces: `à` (C3 A0), U+2000 (E2 80 80), `〠` (E3 80 A0).
        let alphabet = [
            ' ', '\t', '\r', '\u{a0}', '\u{3000}', 'a', '甲', 'à', '\u{2000}', '〠',
        ];
        let mut texts = vec![String::new()];
        for _ in 0..5 {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|t| {
                    alphabet.iter().map(move |&c| {
                        let mut t = t.clone();
                        t.push(c);
                        t
                    })
                })
                .collect();
            texts.extend(longer);
        }
        for t in &texts {
            let by_search = t.contains(['\t', '\r', '\u{3000}', '\u{a0}']) || t.contains("   ");
            assert_eq!(may_have_space_run(t), by_search, "{t:?}");
            if split_on_space_runs(t).len() >= 2 {
                assert!(may_have_space_run(t), "{t:?}");
            }
        }
    }

    #[test]
    fn date_prefilter_as_by_search() {
        for s in [
            "",
            "星",
            "礼拜",
            "2021",
            "12 34",
            "x1y2z3",
            "早期",
            "社",
            "昨天是星期四",
            "a1b2c3d4",
            "星",
            "礼",
            "明星",
            "x礼拜",
            "昊礼社",
        ] {
            let by_search = s.bytes().filter(u8::is_ascii_digit).count() >= 4
                || s.contains('星')
                || s.contains('礼');
            assert_eq!(may_hold_date(s), by_search, "{s}");
        }
    }

    #[test]
    fn date_prefilter() {
        // A year needs four ASCII digits, a weekday `星期` or `礼拜`.
        for s in [
            "2021年3月18日",
            "星期四",
            "礼拜天",
            "Monday, March 15, 2021",
            "15, 2021",
        ] {
            assert!(may_hold_date(s), "{s}");
        }
        for s in [
            "本报讯 近日，市图书馆",
            "第3版",
            "Page 3 of 10",
            "Monday, March 15",
        ] {
            assert!(!may_hold_date(s), "{s}");
            assert!(!is_date_line(s, 60) && !is_merged_header(s) && !is_header_with_date(s));
        }
    }
}
