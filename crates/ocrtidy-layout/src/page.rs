//! The line and page model shared by the layout passes.
//!
//! A text is cut into lines at `\n` and `\f`; a form feed also starts a new page. A line's
//! `content` range excludes its leading indentation and trailing whitespace, so the gap between
//! two lines' contents is exactly the break that a join replaces.

use std::ops::Range;

use ocrtidy_core::text::chars::is_horizontal_space;

/// One line of the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// The whole line, without its terminator.
    pub range: Range<usize>,
    /// The line without leading and trailing horizontal whitespace (empty for a blank line,
    /// then positioned at the line start).
    pub content: Range<usize>,
    /// The page the line is on (0-based; a form feed starts the next page).
    pub page: usize,
}

impl Line {
    pub fn is_blank(&self) -> bool {
        self.content.is_empty()
    }

    /// The line's text without indentation and trailing whitespace.
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.content.clone()]
    }

    /// True when the line starts with horizontal whitespace before its content.
    pub fn indented(&self) -> bool {
        !self.is_blank() && self.content.start > self.range.start
    }
}

/// Horizontal whitespace as OCR engines emit it ([`is_horizontal_space`]), and a stray carriage
/// return.
pub fn is_space(c: char) -> bool {
    is_horizontal_space(c) || c == '\r'
}

/// Cuts `text` into lines. Every `\n` and `\f` ends a line; the text after the last terminator
/// is a line too (possibly empty).
pub fn lines(text: &str) -> Vec<Line> {
    // Room for lines of 64 bytes on average (OCR lines are shorter), so that the vector is
    // moved at most once or twice as it grows.
    let mut out = Vec::with_capacity(text.len() / 64 + 1);
    let mut start = 0;
    let mut page = 0;
    // Both terminators are single bytes, found with one vectorised search.
    for end in memchr::memchr2_iter(b'\n', 0x0c, text.as_bytes()) {
        out.push(make_line(text, start, end, page));
        if text.as_bytes()[end] == 0x0c {
            page += 1;
        }
        start = end + 1;
    }
    out.push(make_line(text, start, text.len(), page));
    out
}

fn make_line(text: &str, start: usize, end: usize, page: usize) -> Line {
    let s = &text[start..end];
    let lead = s.len() - trim_start_spaces(s.as_bytes()).len();
    let trail = s.len() - trim_end_spaces(s.as_bytes()).len();
    let content = if lead == s.len() {
        start..start
    } else {
        start + lead..end - trail
    };
    Line {
        range: start..end,
        content,
        page,
    }
}

/// `b` (valid UTF-8) without its leading chars of [`is_space`], found by their bytes: `20`,
/// `09`, `0D`, `C2 A0` (U+00A0) and `E3 80 80` (U+3000).
fn trim_start_spaces(mut b: &[u8]) -> &[u8] {
    loop {
        b = match b {
            [b' ' | b'\t' | b'\r', rest @ ..] => rest,
            [0xC2, 0xA0, rest @ ..] => rest,
            [0xE3, 0x80, 0x80, rest @ ..] => rest,
            _ => return b,
        };
    }
}

/// `b` (valid UTF-8) without its trailing chars of [`is_space`] (see [`trim_start_spaces`]).
/// The sequences start with a lead byte, so at the end of valid UTF-8 each is a whole char.
pub(crate) fn trim_end_spaces(mut b: &[u8]) -> &[u8] {
    loop {
        b = match b {
            [rest @ .., b' ' | b'\t' | b'\r'] => rest,
            [rest @ .., 0xC2, 0xA0] => rest,
            [rest @ .., 0xE3, 0x80, 0x80] => rest,
            _ => return b,
        };
    }
}

/// The lines of `lines` grouped by page: index ranges into `lines`.
pub fn pages(lines: &[Line]) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        match out.last_mut() {
            Some(r) if lines[r.start].page == l.page => r.end = i + 1,
            _ => out.push(i..i + 1),
        }
    }
    out
}

/// True for characters that a CJK font sets on a full em (the workspace's class).
pub use ocrtidy_core::text::chars::is_wide;

/// The printed width of a line in half-em units: a wide character counts 2, any other
/// character 1, and a run of spaces 1 (OCR engines vary in how many spaces they emit).
pub fn width(s: &str) -> usize {
    let mut w = 0;
    let mut in_space = false;
    let lead = s.len() - trim_start_spaces(s.as_bytes()).len();
    let t = &s[lead..lead + trim_start_spaces(trim_end_spaces(s.as_bytes())).len()];
    let b = t.as_bytes();
    let mut i = 0;
    while i < b.len() {
        // Fast paths on the lead byte: ASCII (spaces and narrow chars), and `E5`..`E9`
        // (U+5000..U+9FFF, unified ideographs, all wide); anything else is decoded.
        let (c, len) = match b[i] {
            0xE5..=0xE9 => {
                in_space = false;
                w += 2;
                i += 3;
                continue;
            }
            x if x < 0x80 => {
                // A space counts only when it starts a run of spaces.
                let space = matches!(x, b' ' | b'\t' | b'\r');
                w += usize::from(!(space && in_space));
                in_space = space;
                i += 1;
                continue;
            }
            // Other three-byte chars (CJK and full-width punctuation), decoded in place: the
            // text is valid UTF-8, so the two continuation bytes follow.
            x @ 0xE0..=0xEF if i + 2 < b.len() => {
                let c = (u32::from(x & 0x0F) << 12)
                    | (u32::from(b[i + 1] & 0x3F) << 6)
                    | u32::from(b[i + 2] & 0x3F);
                (char::from_u32(c).unwrap_or(' '), 3)
            }
            _ => match t[i..].chars().next() {
                Some(c) => (c, c.len_utf8()),
                None => break,
            },
        };
        i += len;
        if is_space(c) {
            if !in_space {
                w += 1;
            }
            in_space = true;
            continue;
        }
        in_space = false;
        w += if is_wide(c) { 2 } else { 1 };
    }
    w
}

/// The number of non-space characters.
pub fn visible_chars(s: &str) -> usize {
    visible_chars_upto(s, usize::MAX)
}

/// [`visible_chars`], counting only up to `limit` (`min(visible_chars(s), limit)`).
pub fn visible_chars_upto(s: &str, limit: usize) -> usize {
    let b = s.as_bytes();
    // Most callers ask whether a line is longer than a few chars, and most lines are: count
    // first, in blocks without branches (which vectorise), the bytes that start a char that is
    // never whitespace (`21`..`7F`, and the lead bytes `E4`..`F4`, as below; valid UTF-8 has no
    // `F5`..`FF`), 16 at a time. They are a lower bound of the count, so reaching `limit` with
    // them settles it; otherwise the count below decides. A text with fewer bytes than `limit`
    // cannot reach it.
    if limit <= b.len() {
        let mut lower = 0;
        for block in b.chunks_exact(16) {
            let n: u8 = block
                .iter()
                .map(|&x| {
                    // As signed bytes: `21`..`7F` above 0x20, `E4`..`FF` from -28 to -1.
                    let x = x as i8;
                    u8::from(x > 0x20) + u8::from((-28..0).contains(&x))
                })
                .sum();
            lower += usize::from(n);
            if lower >= limit {
                return limit;
            }
        }
    }
    let mut n = 0;
    let mut i = 0;
    while i < b.len() && n < limit {
        // Fast paths on the lead byte: ASCII; `C3`..`DF` (U+00C0..U+07FF), `E4`..`EF`
        // (U+4000..U+FFFF: Han, full-width forms) and `F0`..`F4`, none of them whitespace; `E3`
        // (CJK punctuation, kana) but for U+3000 (`E3 80 80`). The rest (U+0085, U+00A0, U+1680,
        // U+2000..U+205F) is decoded.
        match b[i] {
            x if x < 0x80 => {
                n += usize::from(!char::from(x).is_whitespace());
                i += 1;
            }
            0xC3..=0xDF => {
                n += 1;
                i += 2;
            }
            0xE3 if b.get(i + 1..i + 3) != Some(&[0x80, 0x80]) => {
                n += 1;
                i += 3;
            }
            0xE4..=0xEF => {
                n += 1;
                i += 3;
            }
            0xF0..=0xF4 => {
                n += 1;
                i += 4;
            }
            _ => match s[i..].chars().next() {
                Some(c) => {
                    n += usize::from(!c.is_whitespace());
                    i += c.len_utf8();
                }
                None => break,
            },
        }
    }
    n
}

/// Whether `s` holds an ASCII digit: a scan without branches, 16 bytes at a time (which
/// vectorises), for the lines of running text that hold none.
pub fn has_ascii_digit(s: &str) -> bool {
    let b = s.as_bytes();
    let mut blocks = b.chunks_exact(16);
    let found = blocks
        .by_ref()
        .any(|block| block.iter().fold(false, |hit, x| hit | x.is_ascii_digit()));
    found || blocks.remainder().iter().any(u8::is_ascii_digit)
}

/// The typical full line width of a block of lines: the upper quartile of the widths, which
/// ignores the short last lines of paragraphs and the odd overlong merged line.
pub fn full_width(widths: &[usize]) -> usize {
    if widths.is_empty() {
        return 0;
    }
    let mut w = widths.to_vec();
    w.sort_unstable();
    w[(w.len() * 3 / 4).min(w.len() - 1)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_pages() {
        let t = "  甲乙\n\n丙 \u{c}丁";
        let ls = lines(t);
        assert_eq!(ls.len(), 4);
        assert_eq!(ls[0].text(t), "甲乙");
        assert!(ls[0].indented());
        assert!(ls[1].is_blank());
        assert_eq!(ls[2].text(t), "丙");
        assert_eq!(ls[3].page, 1);
        assert_eq!(pages(&ls), vec![0..3, 3..4]);
        // Terminators at the ends and in a row.
        let ls = lines("\u{c}\n甲\n\u{c}");
        let got: Vec<_> = ls.iter().map(|l| (l.range.clone(), l.page)).collect();
        assert_eq!(
            got,
            vec![(0..0, 0), (1..1, 1), (2..5, 1), (6..6, 1), (7..7, 2)]
        );
        assert_eq!(lines("").len(), 1);
    }

    /// [`width`] by a plain count of its rule.
    fn plain_width(t: &str) -> usize {
        t.trim_matches(is_space)
            .split(is_space)
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.chars()
                    .map(|c| if is_wide(c) { 2 } else { 1 })
                    .sum::<usize>()
                    + 1
            })
            .sum::<usize>()
            .saturating_sub(1)
    }

    #[test]
    fn widths_of_long_lines() {
        // Lines of up to 60 chars drawn from spaces, ASCII, ideographs inside and outside
        // `E5`..`E9`, punctuation and other scripts (a fixed pseudo-random sequence): the fast
        // paths and the byte trims agree with a plain count.
        // The first 13 pieces are ASCII and ideographs of `E5`..`E9`, the others not.
        let pieces = [
            " ", "  ", "\t", "\r", "a", "Z", "7", ".", "中", "文", "甲", "乙", "\u{1}", "\u{a0}",
            "\u{3000}", "丁", "㐀", "䷀", "，", "。", "“", "”", "é", "😀", "ｱ", "가",
        ];
        let mut rng = ocrtidy_core::testing::Lcg::new(0x2545_f491_4f6c_dd1d);
        let mut next = |n: usize| rng.below(n);
        for round in 0..10_000 {
            let len = next(60);
            // Every other line mostly of the first pieces, the fast paths of `width`.
            let t: String = (0..len)
                .map(|_| {
                    let plain = round % 2 == 1 && next(10) > 0;
                    pieces[next(if plain { 13 } else { pieces.len() })]
                })
                .collect();
            assert_eq!(width(&t), plain_width(&t), "{t:?}");
        }
        let latin = "The quick  brown fox\tjumps over the lazy dog. ".repeat(4);
        assert_eq!(width(&latin), plain_width(&latin));
        let chinese = "中华人民共和国成立于一九四九年，首都北京。".repeat(4);
        assert_eq!(width(&chinese), plain_width(&chinese));
    }

    #[test]
    fn widths() {
        assert_eq!(width("中文"), 4);
        assert_eq!(width("ab  c"), 4);
        assert_eq!(width("使用 apt 命令"), 13);
        // The fast paths agree with a plain count.
        for t in [
            "",
            " 甲\u{3000} 乙 ",
            "é ü\u{a0}x",
            "가나 😀 ａ",
            "\u{2003}丙\u{85}",
        ] {
            assert_eq!(width(t), plain_width(t), "{t:?}");
            let visible = t.chars().filter(|c| !c.is_whitespace()).count();
            assert_eq!(visible_chars(t), visible, "{t:?}");
            assert_eq!(visible_chars_upto(t, 2), visible.min(2), "{t:?}");
        }
        // The lower bound settles long texts; it agrees with the full count at every limit.
        let long = "甲 乙\u{3000}\u{a0}abc\u{2003} é😀\u{85}\u{1680}，。\t\r\u{7f}".repeat(5);
        let visible = long.chars().filter(|c| !c.is_whitespace()).count();
        for limit in 0..=long.len() + 1 {
            assert_eq!(
                visible_chars_upto(&long, limit),
                visible.min(limit),
                "{limit}"
            );
        }
        assert_eq!(full_width(&[10, 40, 40, 40, 38]), 40);
        for t in [
            "",
            "7",
            "第一章",
            "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥 9",
            "abcdefghijklmnop1",
        ] {
            assert_eq!(
                has_ascii_digit(t),
                t.bytes().any(|b| b.is_ascii_digit()),
                "{t}"
            );
        }
        // Every char, alone and after a Han char: the lead-byte paths skip no whitespace.
        let mut buf = String::new();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            buf.clear();
            buf.push('甲');
            buf.push(c);
            assert_eq!(
                visible_chars(&buf),
                1 + usize::from(!c.is_whitespace()),
                "{c:?}"
            );
        }
    }

    #[test]
    fn space_trims_by_bytes() {
        // Every char around a Han char, with every space before and after it: the byte trims
        // agree with the trims by char.
        let spaces = [" ", "\t", "\r", "\u{a0}", "\u{3000}", " \u{3000}\u{a0}\t"];
        let mut buf = String::new();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            for sp in spaces {
                buf.clear();
                buf.push(c);
                buf.push_str(sp);
                buf.push('甲');
                buf.push_str(sp);
                buf.push(c);
                for t in [
                    &buf[..],
                    &buf[c.len_utf8()..],
                    &buf[..buf.len() - c.len_utf8()],
                ] {
                    assert_eq!(
                        trim_start_spaces(t.as_bytes()),
                        t.trim_start_matches(is_space).as_bytes(),
                        "{t:?}"
                    );
                    assert_eq!(
                        trim_end_spaces(t.as_bytes()),
                        t.trim_end_matches(is_space).as_bytes(),
                        "{t:?}"
                    );
                }
            }
        }
    }
}
