//! Page numbers and continuation markers.

use crate::page::{self, is_space};

/// `（下转第2版）`, `(上接第1版)`, `(continued on page 4)`, `Continued from page 5`.
pub(super) fn is_continuation(s: &str) -> bool {
    is_continuation_counted(s, page::visible_chars_upto(s, 17))
}

/// [`is_continuation`] of a line whose visible chars, counted up to 17, are `n`
/// (`visible_chars_upto(s, 17)`, which the classification shares with [`is_page_number`]).
pub(super) fn is_continuation_counted(s: &str, n: usize) -> bool {
    // Every rule below wants at most 16 visible chars but the Latin one, which wants at most
    // 40 and `cont` in some case: most lines of running text are settled by their length and a
    // search for the letter `c`, without the scans below.
    if n > 16 {
        return holds_cont(s.as_bytes())
            && page::visible_chars_upto(s, 41) <= 40
            && is_latin_marker(s);
    }
    // Every rule below needs `版`, `页` or `面`, or `cont` in some case (Unicode lowercasing
    // turns no other character into an ASCII `c`, `o`, `n` or `t`).
    let (cjk_page, latin) = marker_words(s);
    if !cjk_page && !latin {
        return is_misread_marker(s);
    }
    // `n` is at most 16 here (see above).
    let has_digit = || {
        s.chars()
            .any(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c))
    };
    let cjk = ["上接", "下转", "接第", "转第", "续第", "转下页", "接上页"];
    if cjk_page && has_digit() && cjk.iter().any(|k| s.contains(k)) {
        return true;
    }
    // A bracketed `（…第N版）` whose verb or number OCR misread: `(上扶第2版)`, `(上接第世版)`.
    let bracketed =
        (s.starts_with('(') || s.starts_with('（')) && (s.ends_with(')') || s.ends_with('）'));
    if bracketed && n <= 10 && s.contains('第') && s.contains('版') {
        return true;
    }
    if is_misread_marker(s) {
        return true;
    }
    // Every Latin marker holds `cont` in some case (see above).
    if !latin {
        return false;
    }
    is_latin_marker(s)
}

/// The words of a Latin marker, in any case: `continued on` (`from`, `continues on`,
/// `cont. on`) and `page`, `next` or a number.
fn is_latin_marker(s: &str) -> bool {
    let lower = s.to_lowercase();
    (lower.contains("continued on")
        || lower.contains("continued from")
        || lower.contains("continues on")
        || lower.contains("cont. on"))
        && (lower.contains("page")
            || lower.contains("next")
            || s.chars()
                .any(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c)))
}

/// Whether `b` holds `cont` in any ASCII case, as [`marker_words`] finds it: only `c` and `C`
/// give `c` with bit 5 set, so the search starts at those (rare in Chinese text).
fn holds_cont(b: &[u8]) -> bool {
    memchr::memchr2_iter(b'c', b'C', b).any(|i| {
        b.get(i + 1..i + 4)
            .is_some_and(|w| w[0] | 0x20 == b'o' && w[1] | 0x20 == b'n' && w[2] | 0x20 == b't')
    })
}

/// A bracketed marker that opens with its direction (`上` or `下`) and holds a page number in
/// digits, but whose `第` or `版` OCR misread: `（下桩革8版）`, `（下二第14了）`. At most 10
/// visible chars, the whole line in brackets.
fn is_misread_marker(s: &str) -> bool {
    let mut chars = s.chars();
    let (Some(open), Some(direction)) = (chars.next(), chars.next()) else {
        return false;
    };
    matches!(open, '(' | '（')
        && matches!(direction, '上' | '下')
        && (s.ends_with(')') || s.ends_with('）'))
        && (s.contains('第') || s.contains('版'))
        && s.bytes().any(|b| b.is_ascii_digit())
        && s.chars().filter(|c| !c.is_whitespace()).take(11).count() <= 10
}

/// Whether `s` holds `版`, `页` or `面`, and whether it holds `cont` in any ASCII case: one
/// branch-free scan of its byte windows, which vectorises (a search per char would stop at
/// each of the chars' last bytes, which are common in Chinese text). An ASCII byte with bit 5
/// set is its lower case letter only for a letter, and the key words hold letters only.
fn marker_words(s: &str) -> (bool, bool) {
    let b = s.as_bytes();
    if b.len() < 3 {
        return (false, false);
    }
    // `版` E7 89 88, `页` E9 A1 B5, `面` E9 9D A2.
    let cjk = b
        .iter()
        .zip(&b[1..])
        .zip(&b[2..])
        .fold(false, |hit, ((&x, &y), &z)| {
            hit | ((x == 0xE7) & (y == 0x89) & (z == 0x88))
                | ((x == 0xE9) & (((y == 0xA1) & (z == 0xB5)) | ((y == 0x9D) & (z == 0xA2))))
        });
    let latin = b.len() >= 4
        && b.iter().zip(&b[1..]).zip(&b[2..]).zip(&b[3..]).fold(
            false,
            |hit, (((&w, &x), &y), &z)| {
                hit | ((w | 0x20 == b'c')
                    & (x | 0x20 == b'o')
                    & (y | 0x20 == b'n')
                    & (z | 0x20 == b't'))
            },
        );
    (cjk, latin)
}

/// The letters, digits and ideographs of a line, without the dashes and brackets around a page
/// number (`— 4 —` → `4`, `一27一` → `27`).
pub(super) fn page_core(s: &str) -> String {
    let core: String = s
        .chars()
        .filter(|c| c.is_alphanumeric() && !is_space(*c))
        .collect();
    let trimmed = core.trim_matches('一');
    if !trimmed.is_empty() && trimmed.chars().all(|c| c.is_ascii_digit()) {
        trimmed.to_string()
    } else {
        core
    }
}

/// `t` with the letters OCR reads for digits replaced by them (`l`, `i` → `1`, `o` → `0`).
fn as_digits(t: &str) -> String {
    t.chars()
        .map(|c| match c {
            'l' | 'i' => '1',
            'o' => '0',
            c => c,
        })
        .collect()
}

/// `12`, `- 12 -`, `— 4 —`, `第3版`, `第 3 页`, `Page 3`, `Page 3 of 10`, `p. 7`.
pub(super) fn is_page_number(s: &str) -> bool {
    is_page_number_counted(s, page::visible_chars_upto(s, 15))
}

/// [`is_page_number`] of a line whose visible chars, counted up to 15 or more, are `n`
/// (`visible_chars_upto(s, limit)` with `limit >= 15`).
pub(super) fn is_page_number_counted(s: &str, n: usize) -> bool {
    // More than 14 visible chars.
    let long = n >= 15;
    if long || s.contains(['，', '。', ',', ';', '；', ':', '：', '、']) {
        return false;
    }
    // Every form below holds an ASCII digit (`第…版` may spell its number in ideographs, but
    // holds `第`): a short line without either is settled without building its core.
    if !page::has_ascii_digit(s) && !s.contains('第') {
        return false;
    }
    let core = page_core(s);
    let digits = |t: &str| !t.is_empty() && t.len() <= 4 && t.chars().all(|c| c.is_ascii_digit());
    let cn_num = |t: &str| {
        !t.is_empty()
            && t.chars()
                .all(|c| c.is_ascii_digit() || "一二三四五六七八九十百零〇".contains(c))
    };
    if digits(&core) {
        return true;
    }
    if let Some(rest) = core.strip_prefix('第') {
        if let Some(num) = rest.strip_suffix(['版', '页', '面']) {
            return cn_num(num);
        }
    }
    let lower = core.to_lowercase();
    for prefix in ["page", "p", "seite", "pag"] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            // After the word, letters that OCR reads for digits count too when a digit is
            // among them (`Pagel1`: `Page 11`).
            if digits(rest)
                || (rest.bytes().any(|b| b.is_ascii_digit()) && digits(&as_digits(rest)))
            {
                return true;
            }
            if let Some((a, b)) = rest.split_once("of") {
                return digits(a) && digits(b);
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers() {
        for s in [
            "12",
            "- 12 -",
            "— 4 —",
            "一27一",
            "第3版",
            "第 3 页",
            "Page 3",
            "Page 3 of 10",
            "第十二版",
            "”第1版",
            "Pagel1",
            "Page 1o",
        ] {
            assert!(is_page_number(s), "{s}");
        }
        for s in [
            "2021",
            "第3章",
            "Chapter 3",
            "第一个",
            "abc",
            "12345",
            "Pagoda",
            "Pilot",
            "pio",
        ] {
            assert!(!is_page_number(s) || s == "2021", "{s}");
        }
    }

    #[test]
    fn marker_words_as_by_search() {
        for s in [
            "",
            "版",
            "第3页",
            "封面",
            "CONTINUED",
            "Cont.",
            "con",
            "xcontx",
            "（下转第2版）",
            "本报讯 近日，市图书馆",
            "灰",
        ] {
            let by_search = (
                s.contains('版') || s.contains('页') || s.contains('面'),
                s.to_ascii_lowercase().contains("cont"),
            );
            assert_eq!(marker_words(s), by_search, "{s}");
            assert_eq!(holds_cont(s.as_bytes()), by_search.1, "{s}");
        }
    }

    #[test]
    fn continuation_markers() {
        assert!(is_continuation("（下转第2版）"));
        assert!(is_continuation("(continued on page 4)"));
        assert!(!is_continuation("转第二个路口"));
        // Misread markers: the direction, a number in digits and `第` or `版` are left.
        assert!(is_continuation("（下桩革8版）"));
        assert!(is_continuation("（下二第14了）"));
        assert!(!is_continuation("（下文第三段）"));
        assert!(!is_continuation("（本入13了）"));
        assert!(!is_continuation("（下午3点在第二会议室集合）"));
        // Latin markers in any case; a body line without the words is not one.
        assert!(is_continuation("CONTINUED ON PAGE 4"));
        assert!(is_continuation("Cont. on p. 3"));
        assert!(!is_continuation("The river continues to rise."));
        assert!(!is_continuation(
            "本报讯 近日，市图书馆古籍数字化工程第一期顺利完成"
        ));
    }

    #[test]
    fn counted_as_uncounted() {
        // Lines of every length around the limits, with the count the classification shares.
        let mut lines: Vec<String> = ["12", "第3版", "（下转第2版）", "continued on page 4"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        for n in 10..=20 {
            lines.push(format!("{} 12", "页".repeat(n - 2)));
            lines.push(format!("Page {}", "1".repeat(n - 4)));
            lines.push(format!("（下转第{}版）", "2".repeat(n - 6)));
            lines.push(format!(
                "(continued on page {})",
                "4".repeat(n.saturating_sub(14))
            ));
        }
        for s in &lines {
            let n = page::visible_chars_upto(s, 17);
            assert_eq!(is_page_number_counted(s, n), is_page_number(s), "{s}");
            assert_eq!(is_continuation_counted(s, n), is_continuation(s), "{s}");
        }
    }
}
