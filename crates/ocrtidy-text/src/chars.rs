//! Characters: [`CharIndex`] converts byte offsets to char offsets, and the character classes
//! every crate of the workspace decides by (Han, kana, hangul, CJK punctuation, full-width
//! forms, wide characters, horizontal space and breaks). Each class is defined once, here, by
//! Unicode blocks where a block is what it means, and tested against Unicode's block table.

/// Converts byte offsets of one text into code-point (char) offsets.
///
/// Building the index is linear in the text; each lookup is a binary search over one checkpoint
/// per 64 bytes plus a scan of at most 64 bytes, so converting many offsets stays cheap.
#[derive(Debug, Clone)]
pub struct CharIndex<'a> {
    text: &'a str,
    /// `checkpoints[i]` is the number of chars in `text[..i * STRIDE_ALIGNED]`, where the byte
    /// position is rounded down to a char boundary and stored in `positions[i]`.
    positions: Vec<usize>,
    counts: Vec<usize>,
}

const STRIDE: usize = 64;

impl<'a> CharIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut positions = Vec::with_capacity(text.len() / STRIDE + 1);
        let mut counts = Vec::with_capacity(text.len() / STRIDE + 1);
        let mut next = 0;
        let mut count = 0;
        for (i, _) in text.char_indices() {
            if i >= next {
                positions.push(i);
                counts.push(count);
                next = i + STRIDE;
            }
            count += 1;
        }
        positions.push(text.len());
        counts.push(count);
        CharIndex {
            text,
            positions,
            counts,
        }
    }

    /// The number of chars before byte `offset`. An offset inside a multi-byte char counts that
    /// char as not yet reached; an offset past the end is clamped to the end.
    pub fn char_offset(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        let slot = match self.positions.binary_search(&offset) {
            Ok(i) => return self.counts[i],
            Err(i) => i - 1,
        };
        let base = self.positions[slot];
        let mut count = self.counts[slot];
        for (i, _) in self.text[base..].char_indices() {
            if base + i >= offset {
                break;
            }
            count += 1;
        }
        count
    }

    /// The total number of chars in the text.
    pub fn len_chars(&self) -> usize {
        *self.counts.last().unwrap_or(&0)
    }
}

impl CharIndex<'_> {
    /// [`CharIndex::char_offset`] for many offsets at once, in one forward sweep over the text:
    /// `result[i]` is the number of chars before byte `offsets[i]` (an offset inside a multi-byte
    /// char counts that char as not yet reached; past the end is clamped to the end). The offsets
    /// may come in any order; sorted ones cost one pass over the text.
    pub fn char_offsets(text: &str, offsets: &[usize]) -> Vec<usize> {
        let bytes = text.as_bytes();
        // The chars before a byte offset are the char starts (non-continuation bytes) before it.
        // Between char boundaries the standard library's (word-at-a-time) count does it.
        let count = |from: usize, to: usize| match text.get(from..to) {
            Some(s) => s.chars().count(),
            None => bytes[from..to]
                .iter()
                .filter(|&&b| (b as i8) >= -0x40)
                .count(),
        };
        let mut out = vec![0; offsets.len()];
        let sorted = offsets.windows(2).all(|w| w[0] <= w[1]);
        let mut order: Vec<usize> = (0..offsets.len()).collect();
        if !sorted {
            order.sort_by_key(|&i| offsets[i]);
        }
        let (mut pos, mut chars) = (0, 0);
        for i in order {
            let offset = offsets[i].min(text.len());
            chars += count(pos, offset);
            pos = offset;
            out[i] = chars;
        }
        out
    }
}

// ---------------------------------------------------------------------------------------------
// Character classes. A class that a block of Unicode's `Blocks.txt` defines is tested against
// that table (the `unicode-blocks` crate) in `block_tests` below.

/// A Han ideograph: every block of CJK Unified Ideographs (the main block U+4E00–U+9FFF and
/// Extensions A to J), the two blocks of CJK Compatibility Ideographs, and `〇` (U+3007, the
/// ideographic zero of Chinese numbers such as 二〇二四, which Unicode gives the Han script but
/// files under CJK Symbols and Punctuation).
///
/// Radicals (`⺀`, `⼀`), strokes, ideographic description characters and the Yijing hexagrams
/// (U+4DC0–U+4DFF, between Extension A and the main block) are not ideographs and not Han here.
/// Unassigned code points inside the blocks count as Han, so that a text from a newer Unicode
/// version is read the same way.
#[inline]
pub fn is_han(c: char) -> bool {
    let u = c as u32;
    // The main block first: nearly every Han character of running text is there.
    if (0x4E00..=0x9FFF).contains(&u) {
        return true;
    }
    matches!(u,
        0x3400..=0x4DBF         // Extension A
        | 0xF900..=0xFAFF       // Compatibility Ideographs
        | 0x20000..=0x2A6DF     // Extension B
        | 0x2A700..=0x2EE5F     // Extensions C, D, E, F, I (contiguous)
        | 0x2F800..=0x2FA1F     // Compatibility Ideographs Supplement
        | 0x30000..=0x3347F)    // Extensions G, H, J (contiguous)
        || c == '\u{3007}'
}

/// The main CJK Unified Ideographs block, U+4E00–U+9FFF, alone: where nearly all Han text is,
/// so a fast first test; and, unlike [`is_han`], only characters that are their own NFC form
/// with combining class 0 (the compatibility ideographs are not).
#[inline]
pub fn is_han_main_block(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// A CJK compatibility ideograph (blocks CJK Compatibility Ideographs U+F900–U+FAFF and its
/// Supplement U+2F800–U+2FA1F): duplicates of unified ideographs kept for round trips with
/// legacy encodings, which normalisation (NFC) maps to the unified ones. Part of [`is_han`].
#[inline]
pub fn is_compatibility_ideograph(c: char) -> bool {
    matches!(c, '\u{F900}'..='\u{FAFF}' | '\u{2F800}'..='\u{2FA1F}')
}

/// Japanese kana: the Hiragana and Katakana blocks, Katakana Phonetic Extensions, and the
/// historic and small kana of plane 1 (Kana Supplement, Kana Extended-A and -B, Small Kana
/// Extension). Half-width katakana (U+FF65–U+FF9F, in the Halfwidth and Fullwidth Forms block)
/// is not included: OCR of Chinese produces it only as noise.
#[inline]
pub fn is_kana(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF         // Hiragana, Katakana
        | 0x31F0..=0x31FF       // Katakana Phonetic Extensions
        | 0x1AFF0..=0x1AFFF     // Kana Extended-B
        | 0x1B000..=0x1B16F) // Kana Supplement, Kana Extended-A, Small Kana Extension
}

/// Korean hangul: the Hangul Syllables block and the jamo blocks (Hangul Jamo, its Extended-A
/// and -B, Hangul Compatibility Jamo). Half-width hangul (U+FFA0–U+FFDC) is not included, as
/// in [`is_kana`].
#[inline]
pub fn is_hangul(c: char) -> bool {
    matches!(c as u32,
        0xAC00..=0xD7AF         // Hangul Syllables
        | 0x1100..=0x11FF       // Hangul Jamo
        | 0x3130..=0x318F       // Hangul Compatibility Jamo
        | 0xA960..=0xA97F       // Hangul Jamo Extended-A
        | 0xD7B0..=0xD7FF) // Hangul Jamo Extended-B
}

/// Bopomofo (zhuyin), the phonetic alphabet of Mandarin used in Taiwan: the Bopomofo and
/// Bopomofo Extended blocks.
#[inline]
pub fn is_bopomofo(c: char) -> bool {
    matches!(c, '\u{3100}'..='\u{312F}' | '\u{31A0}'..='\u{31BF}')
}

/// A letter of CJK running text: Han, kana, hangul or bopomofo. Text made of these is set without
/// spaces between words, and tokenised (diffs, spacing) character by character.
#[inline]
pub fn is_cjk_letter(c: char) -> bool {
    is_han(c) || is_kana(c) || is_hangul(c) || is_bopomofo(c)
}

/// Full-width punctuation that opens a group: `（《〈【「『〔〖`. Chinese typesetting wants no
/// space after it.
#[inline]
pub fn is_cjk_opening(c: char) -> bool {
    matches!(c, '（' | '《' | '〈' | '【' | '「' | '『' | '〔' | '〖')
}

/// Full-width punctuation that closes a clause or a group: `，。、；：？！` and `）》〉】」』〕〗`.
/// Chinese typesetting wants no space before it.
#[inline]
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

/// Full-width punctuation that takes no space on either side: [`is_cjk_opening`] or
/// [`is_cjk_closing`].
#[inline]
pub fn is_tight_punct(c: char) -> bool {
    is_cjk_opening(c) || is_cjk_closing(c)
}

/// Punctuation of Chinese text: [`is_tight_punct`] and `…` `—` `～` `·`. The curly quotes
/// `“”‘’` are not in it (Latin text uses them just as much; see [`is_curly_quote`]); nor is the
/// rest of the full-width ASCII variants (`％`, `＃`…), which are symbols of either script.
#[inline]
pub fn is_cjk_punct(c: char) -> bool {
    is_tight_punct(c) || matches!(c, '…' | '—' | '～' | '·')
}

/// The typographic quotes `“` `”` `‘` `’`, which Chinese and Latin text share.
#[inline]
pub fn is_curly_quote(c: char) -> bool {
    matches!(c, '“' | '”' | '‘' | '’')
}

/// A full-width variant of a printable ASCII character, U+FF01–U+FF5E (`！`…`～`): the part of
/// the Halfwidth and Fullwidth Forms block that [`fold_fullwidth`] maps to ASCII.
#[inline]
pub fn is_fullwidth_ascii(c: char) -> bool {
    ('\u{FF01}'..='\u{FF5E}').contains(&c)
}

/// A full-width digit or Latin letter: `０`–`９`, `Ａ`–`Ｚ`, `ａ`–`ｚ`.
#[inline]
pub fn is_fullwidth_alnum(c: char) -> bool {
    matches!(c, '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ')
}

/// The ASCII character of a full-width one ([`is_fullwidth_ascii`]: `Ａ` → `A`, `！` → `!`);
/// any other character unchanged. (The ideographic space U+3000 is not folded.)
#[inline]
pub fn fold_fullwidth(c: char) -> char {
    if is_fullwidth_ascii(c) {
        char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
    } else {
        c
    }
}

/// A character that a CJK font sets on a full em: East Asian Width "wide" or "fullwidth" in the
/// blocks of CJK text (ideographs, radicals, CJK symbols and punctuation, kana, bopomofo,
/// hangul, Yi, the CJK compatibility, vertical, small and enclosed forms, the full-width forms)
/// and everything on the two ideographic planes (U+20000–U+3FFFD but the noncharacters). Wide
/// symbols of other blocks (emoji, hexagrams) are not included: OCR of print does not produce
/// them, and the layout decisions that ask this are about lines of CJK text. Unassigned code points inside these
/// ranges count as wide, so that text of a newer Unicode version is measured alike.
#[inline]
pub fn is_wide(c: char) -> bool {
    // The common cases first: everything below U+1100 (ASCII, Latin) is narrow, the main block
    // of ideographs is wide.
    let u = c as u32;
    if u < 0x1100 {
        return false;
    }
    if (0x4E00..=0x9FFF).contains(&u) {
        return true;
    }
    matches!(u,
        0x1100..=0x115F         // Hangul Jamo: the leading consonants
        | 0x2E80..=0x3029       // radicals, description characters, CJK symbols and punctuation…
        | 0x3030..=0x303E       // …but not the combining tone marks nor U+303F half fill space
        | 0x3041..=0x3098       // Hiragana, without the combining sound marks U+3099–U+309A
        | 0x309B..=0x3163       // Katakana, Bopomofo, Hangul Compatibility Jamo…
        | 0x3165..=0x3247       // …without the hangul filler; Kanbun, strokes, enclosed letters…
        | 0x3250..=0x4DBF       // …without the ambiguous circled numbers U+3248–U+324F; Ext. A
        | 0xA000..=0xA4CF       // Yi
        | 0xA960..=0xA97F       // Hangul Jamo Extended-A
        | 0xAC00..=0xD7A3       // Hangul Syllables
        | 0xF900..=0xFAFF       // CJK Compatibility Ideographs
        | 0xFE10..=0xFE19       // Vertical Forms
        | 0xFE30..=0xFE6F       // CJK Compatibility Forms, Small Form Variants
        | 0xFF01..=0xFF60       // full-width ASCII variants and white parentheses
        | 0xFFE0..=0xFFE6       // full-width signs
        | 0x1AFF0..=0x1B16F     // the kana of plane 1
        | 0x20000..=0x2FFFD     // the ideographic planes, without their last two code points
        | 0x30000..=0x3FFFD) // (noncharacters)
}

/// Horizontal whitespace as OCR engines emit it: space, tab, no-break space and the ideographic
/// space U+3000.
#[inline]
pub fn is_horizontal_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{a0}' | '\u{3000}')
}

/// A line or page break: line feed, carriage return (left over from CRLF or CR text) and form
/// feed (a page break). Each is one byte in UTF-8.
#[inline]
pub fn is_break(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{c}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_chars_before_offsets() {
        let text = "ab清徐cd".repeat(40);
        let idx = CharIndex::new(&text);
        for (byte, _) in text.char_indices() {
            assert_eq!(idx.char_offset(byte), text[..byte].chars().count());
        }
        assert_eq!(idx.char_offset(text.len()), text.chars().count());
        assert_eq!(idx.len_chars(), text.chars().count());
    }

    #[test]
    fn many_offsets_match_single_lookups() {
        let text = "ab清徐cd𠀀 é".repeat(30);
        let idx = CharIndex::new(&text);
        let mut offsets: Vec<usize> = (0..text.len() + 5).rev().collect();
        offsets.extend([3, 0, 7, 7, text.len() + 9]);
        let got = CharIndex::char_offsets(&text, &offsets);
        for (o, g) in offsets.iter().zip(got) {
            assert_eq!(g, idx.char_offset(*o), "offset {o}");
        }
        offsets.sort_unstable();
        let got = CharIndex::char_offsets(&text, &offsets);
        for (o, g) in offsets.iter().zip(got) {
            assert_eq!(g, idx.char_offset(*o), "offset {o}");
        }
        assert!(CharIndex::char_offsets("", &[0, 4]).iter().all(|&c| c == 0));
    }

    #[test]
    fn empty_text() {
        let idx = CharIndex::new("");
        assert_eq!(idx.char_offset(0), 0);
        assert_eq!(idx.char_offset(10), 0);
    }
}

/// The classes against Unicode's tables: `Blocks.txt` (the `unicode-blocks` crate) and East Asian
/// Width (`unicode-width`), over every code point (but a sample of the empty planes).
#[cfg(test)]
mod block_tests {
    use super::*;
    use unicode_blocks::{self as ub, UnicodeBlock};
    use unicode_width::UnicodeWidthChar;

    /// Every code point of planes 0–3 and 14–16, and a sample of the empty planes 4–13.
    fn all_chars() -> impl Iterator<Item = char> {
        let empty = 0x40000..0xE0000u32;
        (0..=0x3FFFFu32)
            .chain(empty.step_by(97))
            .chain(0xE0000..=0x10FFFF)
            .filter_map(char::from_u32)
    }

    /// `class` is true exactly on the code points of `blocks`, and of `extra`.
    fn exactly_blocks(
        name: &str,
        class: fn(char) -> bool,
        blocks: &[UnicodeBlock],
        extra: &[char],
    ) {
        let wrong: Vec<String> = all_chars()
            .filter(|&c| {
                let want = extra.contains(&c)
                    || ub::find_unicode_block(c).is_some_and(|b| blocks.contains(&b));
                class(c) != want
            })
            .take(10)
            .map(|c| format!("U+{:04X}", c as u32))
            .collect();
        assert!(
            wrong.is_empty(),
            "{name} disagrees with Blocks.txt at {wrong:?}"
        );
    }

    const HAN: [UnicodeBlock; 13] = [
        ub::CJK_UNIFIED_IDEOGRAPHS,
        ub::CJK_UNIFIED_IDEOGRAPHS_EXTENSION_A,
        ub::CJK_UNIFIED_IDEOGRAPHS_EXTENSION_B,
        ub::CJK_UNIFIED_IDEOGRAPHS_EXTENSION_C,
        ub::CJK_UNIFIED_IDEOGRAPHS_EXTENSION_D,
        ub::CJK_UNIFIED_IDEOGRAPHS_EXTENSION_E,
        ub::CJK_UNIFIED_IDEOGRAPHS_EXTENSION_F,
        ub::CJK_UNIFIED_IDEOGRAPHS_EXTENSION_G,
        ub::CJK_UNIFIED_IDEOGRAPHS_EXTENSION_H,
        ub::CJK_UNIFIED_IDEOGRAPHS_EXTENSION_I,
        ub::CJK_UNIFIED_IDEOGRAPHS_EXTENSION_J,
        ub::CJK_COMPATIBILITY_IDEOGRAPHS,
        ub::CJK_COMPATIBILITY_IDEOGRAPHS_SUPPLEMENT,
    ];
    const KANA: [UnicodeBlock; 7] = [
        ub::HIRAGANA,
        ub::KATAKANA,
        ub::KATAKANA_PHONETIC_EXTENSIONS,
        ub::KANA_SUPPLEMENT,
        ub::KANA_EXTENDED_A,
        ub::KANA_EXTENDED_B,
        ub::SMALL_KANA_EXTENSION,
    ];
    const HANGUL: [UnicodeBlock; 5] = [
        ub::HANGUL_SYLLABLES,
        ub::HANGUL_JAMO,
        ub::HANGUL_COMPATIBILITY_JAMO,
        ub::HANGUL_JAMO_EXTENDED_A,
        ub::HANGUL_JAMO_EXTENDED_B,
    ];
    const BOPOMOFO: [UnicodeBlock; 2] = [ub::BOPOMOFO, ub::BOPOMOFO_EXTENDED];

    #[test]
    fn han_is_the_ideograph_blocks_and_ideographic_zero() {
        exactly_blocks("is_han", is_han, &HAN, &['〇']);
        exactly_blocks(
            "is_han_main_block",
            is_han_main_block,
            &[ub::CJK_UNIFIED_IDEOGRAPHS],
            &[],
        );
        exactly_blocks(
            "is_compatibility_ideograph",
            is_compatibility_ideograph,
            &HAN[11..],
            &[],
        );
    }

    #[test]
    fn kana_hangul_bopomofo_are_their_blocks() {
        exactly_blocks("is_kana", is_kana, &KANA, &[]);
        exactly_blocks("is_hangul", is_hangul, &HANGUL, &[]);
        exactly_blocks("is_bopomofo", is_bopomofo, &BOPOMOFO, &[]);
        let letters: Vec<UnicodeBlock> = [&HAN[..], &KANA, &HANGUL, &BOPOMOFO].concat();
        exactly_blocks("is_cjk_letter", is_cjk_letter, &letters, &['〇']);
    }

    #[test]
    fn cjk_punctuation_is_cjk_punctuation() {
        let cjk_blocks = [
            ub::CJK_SYMBOLS_AND_PUNCTUATION,
            ub::HALFWIDTH_AND_FULLWIDTH_FORMS,
        ];
        for c in all_chars().filter(|&c| is_tight_punct(c)) {
            let block = ub::find_unicode_block(c).unwrap();
            assert!(cjk_blocks.contains(&block), "{c} is in {}", block.name());
            assert!(is_wide(c) && is_cjk_punct(c) && !is_cjk_letter(c), "{c}");
        }
        // Every opening bracket is closed by the code point after it.
        for c in all_chars().filter(|&c| is_cjk_opening(c)) {
            let close = char::from_u32(c as u32 + 1).unwrap();
            assert!(is_cjk_closing(close) && !is_cjk_closing(c), "{c} {close}");
        }
        let punct = all_chars().filter(|&c| is_cjk_punct(c)).count();
        assert_eq!(punct, 8 + 15 + 4);
        assert!(!is_cjk_punct('“') && is_curly_quote('“') && !is_cjk_punct(','));
    }

    #[test]
    fn fullwidth_forms_fold_to_ascii() {
        let forms = ub::HALFWIDTH_AND_FULLWIDTH_FORMS;
        for c in all_chars() {
            let fw = forms.contains(c) && fold_fullwidth(c) != c;
            assert_eq!(is_fullwidth_ascii(c), fw, "U+{:04X}", c as u32);
            if fw {
                assert!(fold_fullwidth(c).is_ascii_graphic(), "{c}");
                assert!(is_wide(c), "{c}");
            } else {
                assert_eq!(fold_fullwidth(c), c);
            }
            let alnum = is_fullwidth_ascii(c) && fold_fullwidth(c).is_ascii_alphanumeric();
            assert_eq!(is_fullwidth_alnum(c), alnum, "{c}");
        }
        assert_eq!(fold_fullwidth('Ａ'), 'A');
        assert_eq!(fold_fullwidth('～'), '~');
        assert_eq!(fold_fullwidth('\u{3000}'), '\u{3000}');
    }

    /// `is_wide` agrees with East Asian Width (W or F: width 2) on the blocks of CJK text and
    /// is false outside them, but for code points unassigned in Unicode 17, which count as wide.
    #[test]
    fn wide_is_east_asian_wide_on_cjk_blocks() {
        let not_text = [
            ub::YIJING_HEXAGRAM_SYMBOLS,
            ub::TAI_XUAN_JING_SYMBOLS,
            ub::ENCLOSED_IDEOGRAPHIC_SUPPLEMENT,
            ub::IDEOGRAPHIC_SYMBOLS_AND_PUNCTUATION,
            ub::NUSHU,
        ];
        let cjk_text = |c: char| {
            let block = ub::find_unicode_block(c);
            (ub::is_cjk(c) && !block.is_some_and(|b| not_text.contains(&b)))
                || block.is_some_and(|b| b == ub::YI_SYLLABLES || b == ub::YI_RADICALS)
                || matches!(c as u32, 0x20000..=0x2FFFD | 0x30000..=0x3FFFD)
        };
        let unassigned = [
            0x2E9A..=0x2E9A,
            0x2EF4..=0x2EFF,
            0x2FD6..=0x2FEF,
            0x3097..=0x3098,
            0x3100..=0x3104,
            0x3130..=0x3130,
            0x318F..=0x318F,
            0x31E6..=0x31EE,
            0x321F..=0x321F,
            0xA48D..=0xA48F,
            0xA4C7..=0xA4CF,
            0xA97D..=0xA97F,
            0xFE53..=0xFE53,
            0xFE67..=0xFE67,
            0xFE6C..=0xFE6F,
            0x1AFF4..=0x1AFF4,
            0x1AFFC..=0x1AFFC,
            0x1AFFF..=0x1AFFF,
            0x1B129..=0x1B131,
            0x1B133..=0x1B14F,
            0x1B153..=0x1B154,
            0x1B156..=0x1B163,
            0x1B169..=0x1B16F,
        ];
        let mut wrong = Vec::new();
        for c in all_chars() {
            let eaw = c.width() == Some(2);
            let hole = unassigned.iter().any(|r| r.contains(&(c as u32)));
            if is_wide(c) != (cjk_text(c) && eaw) && !(hole && is_wide(c)) {
                wrong.push(format!("U+{:04X}", c as u32));
            }
        }
        assert!(
            wrong.is_empty(),
            "is_wide disagrees with East Asian Width at {wrong:?}"
        );
    }

    #[test]
    fn spaces_and_breaks() {
        let spaces: Vec<char> = all_chars().filter(|&c| is_horizontal_space(c)).collect();
        assert_eq!(spaces, ['\t', ' ', '\u{a0}', '\u{3000}']);
        let breaks: Vec<char> = all_chars().filter(|&c| is_break(c)).collect();
        assert_eq!(breaks, ['\n', '\u{c}', '\r']);
        assert!(breaks.iter().all(|c| c.len_utf8() == 1));
    }
}
