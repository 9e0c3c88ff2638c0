use ocrtidy_core::text::chars::{is_compatibility_ideograph, is_han_main_block};
use ocrtidy_core::{EditSink, Pass, PassId, PassInput, PassKind, PassSpec, RuleSpec};
use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use crate::script::{is_cjk_letter, is_cjk_punct, is_han};

/// Unicode form repairs that never change what a Chinese reader sees:
///
/// - NFC (canonical composition) — never NFKC, which would turn `，` into `,` and full-width
///   text into half-width. NFC also maps CJK compatibility ideographs (U+F900–U+FAFF) to the
///   unified ideographs they are canonically equal to (rule `compat-ideograph`).
/// - Kangxi radicals (U+2F00–U+2FD5) and CJK Radicals Supplement characters (U+2E80–U+2EFF)
///   that PDF extraction and OCR emit instead of ideographs (`⼈` → `人`, `⻓` → `长`). Kangxi
///   radicals map by their compatibility decomposition; the supplement by a table of the forms
///   that stand for a whole ideograph (radical-only shapes such as `⺮` are left alone).
/// - Zero-width space, word joiner, soft hyphen and BOMs inside the text are removed; zero-width
///   (non-)joiners only between CJK or ASCII characters, where they can only be noise (they
///   matter in emoji sequences and in Arabic and Indic scripts).
/// - Latin ligatures (`ﬁ` → `fi`, U+FB00–U+FB06) are expanded; `ﬅ` (long s + t) becomes `ſt`.
/// - A soft hyphen is removed, except at a line end, where it marks a word broken across the
///   lines and the `dehyphenate` pass joins the word.
///
/// The text is cut at stable code points (canonical combining class 0 and NFC quick check Yes),
/// so each change covers one character and its combining marks.
///
/// Rules: `nfc`, `compat-ideograph`, `kangxi-radical`, `cjk-radical`, `zero-width`,
/// `soft-hyphen`, `bom`, `ligature`.
#[derive(Debug, Default, Clone)]
pub struct UnicodeForms;

/// CJK Radicals Supplement forms that stand for a whole ideograph.
const RADICALS_SUPPLEMENT: &[(char, char)] = &[
    ('⺁', '厂'),
    ('⺅', '亻'),
    ('⺆', '冂'),
    ('⺊', '卜'),
    ('⺋', '㔾'),
    ('⺌', '小'),
    ('⺍', '小'),
    ('⺎', '兀'),
    ('⺏', '尣'),
    ('⺐', '尢'),
    ('⺒', '巳'),
    ('⺓', '幺'),
    ('⺔', '彑'),
    ('⺖', '忄'),
    ('⺘', '扌'),
    ('⺙', '攵'),
    ('⺛', '旡'),
    ('⺜', '日'),
    ('⺝', '月'),
    ('⺞', '歺'),
    ('⺟', '母'),
    ('⺠', '民'),
    ('⺡', '氵'),
    ('⺢', '氺'),
    ('⺣', '灬'),
    ('⺤', '爫'),
    ('⺦', '丬'),
    ('⺨', '犭'),
    ('⺩', '王'),
    ('⺪', '疋'),
    ('⺫', '罒'),
    ('⺬', '示'),
    ('⺭', '礻'),
    ('⺯', '糸'),
    ('⺰', '纟'),
    ('⺲', '罒'),
    ('⺶', '羊'),
    ('⺹', '耂'),
    ('⺺', '肀'),
    ('⺻', '聿'),
    ('⺼', '月'),
    ('⺽', '臼'),
    ('⺾', '艹'),
    ('⺿', '艹'),
    ('⻀', '艹'),
    ('⻁', '虎'),
    ('⻂', '衤'),
    ('⻃', '覀'),
    ('⻄', '西'),
    ('⻅', '见'),
    ('⻆', '角'),
    ('⻈', '讠'),
    ('⻉', '贝'),
    ('⻊', '足'),
    ('⻋', '车'),
    ('⻌', '辶'),
    ('⻍', '辶'),
    ('⻎', '辶'),
    ('⻏', '阝'),
    ('⻐', '钅'),
    ('⻑', '長'),
    ('⻒', '镸'),
    ('⻓', '长'),
    ('⻔', '门'),
    ('⻖', '阝'),
    ('⻗', '雨'),
    ('⻘', '青'),
    ('⻙', '韦'),
    ('⻚', '页'),
    ('⻛', '风'),
    ('⻜', '飞'),
    ('⻝', '食'),
    ('⻟', '飠'),
    ('⻠', '饣'),
    ('⻡', '首'),
    ('⻢', '马'),
    ('⻣', '骨'),
    ('⻤', '鬼'),
    ('⻥', '鱼'),
    ('⻦', '鸟'),
    ('⻧', '卤'),
    ('⻨', '麦'),
    ('⻩', '黄'),
    ('⻪', '黾'),
    ('⻫', '斉'),
    ('⻬', '齐'),
    ('⻭', '歯'),
    ('⻮', '齿'),
    ('⻯', '竜'),
    ('⻰', '龙'),
    ('⻱', '龜'),
    ('⻲', '亀'),
    ('⻳', '龟'),
];

/// What the pass does with one character before composition.
#[derive(Clone, Copy)]
enum Action {
    Keep,
    Remove(&'static str),
    Map(&'static str, char),
    Ligature(&'static str),
}

fn action(c: char, prev: Option<char>, next: Option<char>) -> Action {
    match c {
        '\u{200b}' | '\u{2060}' | '\u{180e}' => Action::Remove("zero-width"),
        '\u{200c}' | '\u{200d}' => {
            // Characters that joiners never affect, before or after the other passes run.
            let plain = |x: Option<char>| {
                x.is_none_or(|x| {
                    x.is_ascii()
                        || is_cjk_letter(x)
                        || is_cjk_punct(x)
                        || matches!(
                            x,
                            '\u{85}'
                                | '\u{2028}'
                                | '\u{2029}'
                                | '\u{2e80}'..='\u{2fdf}'
                                | '\u{3000}'..='\u{303f}'
                                | '\u{fb00}'..='\u{fb06}'
                                | '\u{ff00}'..='\u{ffef}'
                        )
                })
            };
            if plain(prev) && plain(next) {
                Action::Remove("zero-width")
            } else {
                Action::Keep
            }
        }
        '\u{ad}' => Action::Remove("soft-hyphen"),
        '\u{feff}' => Action::Remove("bom"),
        '\u{fb00}' => Action::Ligature("ff"),
        '\u{fb01}' => Action::Ligature("fi"),
        '\u{fb02}' => Action::Ligature("fl"),
        '\u{fb03}' => Action::Ligature("ffi"),
        '\u{fb04}' => Action::Ligature("ffl"),
        // U+FB05 is long s + t: historical text keeps its `ſ`.
        '\u{fb05}' => Action::Ligature("ſt"),
        '\u{fb06}' => Action::Ligature("st"),
        '\u{2f00}'..='\u{2fd5}' => match std::iter::once(c).nfkc().next() {
            Some(m) if is_han(m) => Action::Map("kangxi-radical", m),
            _ => Action::Keep,
        },
        '\u{2e80}'..='\u{2eff}' => RADICALS_SUPPLEMENT
            .binary_search_by_key(&c, |&(k, _)| k)
            .map(|i| Action::Map("cjk-radical", RADICALS_SUPPLEMENT[i].1))
            .unwrap_or(Action::Keep),
        _ => Action::Keep,
    }
}

/// A boundary may be placed before `c`: nothing before it can compose or reorder with it.
pub(crate) fn is_stable(c: char) -> bool {
    // ASCII and the CJK Unified Ideographs block: combining class 0 and NFC quick check Yes,
    // answered without the tables (most of a Chinese text).
    if c.is_ascii() || is_han_main_block(c) {
        return true;
    }
    canonical_combining_class(c) == 0 && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes
}

impl UnicodeForms {
    /// The pass's declaration: id, summary, flags and every rule it may record.
    pub const SPEC: PassSpec = PassSpec {
        id: PassId::UnicodeForms,
        summary: "NFC, Kangxi radicals, zero-width chars, soft hyphens, ligatures",
        kind: PassKind::Character,
        removes_text: false,
        rerun: true,
        local: false,
        written_back: true,
        rules: &[
            RuleSpec {
                id: "nfc",
                explain: "A character and the combining marks after it are brought to Unicode canonical composition (NFC), so that text that looks the same is stored the same way: `e` + U+0301 (combining acute) → `é`. Always applied (confidence 1.0). Only canonical composition is used, never NFKC, so full-width punctuation such as `，` and full-width letters stay as they are; this rule is the fallback name when no more specific repair in the same character cluster applies (compatibility ideographs outside U+F900–U+FAFF also end up under it).",
            },
            RuleSpec {
                id: "compat-ideograph",
                explain: "A CJK compatibility ideograph (U+F900–U+FAFF), which PDF extraction and some fonts produce, is replaced by the unified ideograph it is canonically equal to, e.g. `豈` (U+F900) → `豈` (U+8C48). The two look identical, but only the unified one matches dictionaries and searches. Always applied (confidence 1.0); it is what NFC does for these characters, named separately so reviewers can tell it apart.",
            },
            RuleSpec {
                id: "kangxi-radical",
                explain: "A Kangxi radical character (U+2F00–U+2FD5), which PDF extraction and OCR emit instead of the ordinary ideograph, is replaced by the ideograph it decomposes to: `⼈` → `人`, `⽇` → `日`. Always applied (confidence 1.0). A radical whose decomposition is not a Han ideograph is left alone.",
            },
            RuleSpec {
                id: "cjk-radical",
                explain: "A character from the CJK Radicals Supplement block (U+2E80–U+2EFF) that stands for a whole ideograph is replaced by that ideograph, from a fixed table: `⻓` → `长`, `⻔` → `门`, `⻢` → `马`. Always applied (confidence 1.0). Forms that are only a component and never a character on their own (such as `⺮`) are not in the table and stay.",
            },
            RuleSpec {
                id: "zero-width",
                explain: "Invisible zero-width characters are deleted: the zero-width space U+200B, the word joiner U+2060 and U+180E always; the zero-width non-joiner U+200C and joiner U+200D only when the nearest visible characters on both sides are ASCII or CJK (letters, punctuation, full-width forms), where they can only be noise. Always applied (confidence 1.0). Joiners next to other scripts are kept, since they matter in emoji sequences and in Arabic and Indic text.",
            },
            RuleSpec {
                id: "soft-hyphen",
                explain: "A soft hyphen (U+00AD, an invisible hyphenation point) inside a line is deleted: `Inter` U+00AD `net` → `Internet`. Always applied (confidence 1.0). A soft hyphen at the end of a line (only spaces or tabs before the line break) is kept, because it marks a word broken across lines and the dehyphenate pass joins that word.",
            },
            RuleSpec {
                id: "bom",
                explain: "A byte order mark character (U+FEFF, invisible) that stands inside the text, typically left where files were concatenated, is deleted. Always applied (confidence 1.0). The BOM at the very start of a UTF-8 file is removed during decoding and recorded under decode/`bom`, not here.",
            },
            RuleSpec {
                id: "ligature",
                explain: "A Latin typographic ligature (U+FB00–U+FB06) is expanded into its letters: `ﬁ` → `fi`, `ﬂ` → `fl`, `ﬀ` → `ff`, `ﬃ` → `ffi`, `ﬄ` → `ffl`, `ﬆ` → `st`, so that `ﬁsh` matches `fish`. Always applied (confidence 1.0). The long-s ligature `ﬅ` becomes `ſt`, keeping the historical long s.",
            },
        ],
    };
}

impl Pass for UnicodeForms {
    fn spec(&self) -> &'static PassSpec {
        &Self::SPEC
    }

    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        let text = input.text;
        let bytes = text.as_bytes();
        // Only runs of non-ASCII characters can change. Each is repaired with the ASCII
        // character before it, which is where its first segment starts: an ASCII character is
        // stable, kept and visible, so segments start at it and a joiner's search for its
        // neighbours stops at it (a neighbour past the end of a run is ASCII, and an ASCII
        // neighbour and none are the same to a joiner).
        let mut buffers = (Vec::new(), Vec::new());
        let mut i = 0;
        while let Some(off) = find_byte(&bytes[i..], false) {
            let run = i + off;
            let end = find_byte(&bytes[run..], true).map_or(bytes.len(), |k| run + k);
            fix_chunk(text, run.saturating_sub(1)..end, &mut buffers, sink);
            i = end;
        }
    }
}

/// The position of the first ASCII byte of `b` (`ascii`), or of the first other byte, tested
/// eight bytes at a time: a run of Chinese or of English text is passed over with one test per
/// word rather than per byte.
fn find_byte(b: &[u8], ascii: bool) -> Option<usize> {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut words = b.chunks_exact(8);
    let mut off = 0;
    for w in &mut words {
        let w = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
        // The high bit of each byte that is searched for.
        let hit = if ascii { !w & HIGH } else { w & HIGH };
        if hit != 0 {
            return Some(off + hit.trailing_zeros() as usize / 8);
        }
        off += 8;
    }
    words
        .remainder()
        .iter()
        .position(|x| x.is_ascii() == ascii)
        .map(|k| off + k)
}

/// Repairs the characters of `text[chunk]`, which starts at the text's start or at an ASCII
/// character, and ends at the text's end or before an ASCII character.
fn fix_chunk(
    text: &str,
    chunk: std::ops::Range<usize>,
    (chars, actions): &mut (Vec<(usize, char)>, Vec<Action>),
    sink: &mut EditSink<'_>,
) {
    // A chunk of plain characters only (most chunks of a Chinese text) is one segment per
    // character, each stable and kept: nothing to repair.
    if all_plain(&text[chunk.clone()]) {
        return;
    }
    chars.clear();
    chars.extend(
        text[chunk.clone()]
            .char_indices()
            .map(|(k, c)| (chunk.start + k, c)),
    );
    // The neighbours of a joiner are the nearest visible characters: invisible format
    // characters around it are removed too, and the decision must not depend on them.
    let visible = |k: usize| !is_invisible(chars[k].1);
    actions.clear();
    actions.extend((0..chars.len()).map(|k| {
        if chars[k].1 == '\u{ad}' && at_line_end(text, chars[k].0 + '\u{ad}'.len_utf8()) {
            // A soft hyphen at a line end marks a word broken across the lines: the
            // dehyphenate pass joins it.
            return Action::Keep;
        }
        if !matches!(chars[k].1, '\u{200c}' | '\u{200d}') {
            // Only joiners look at their neighbours.
            return action(chars[k].1, None, None);
        }
        let prev = (0..k).rev().find(|&j| visible(j)).map(|j| chars[j].1);
        let next = (k + 1..chars.len())
            .find(|&j| visible(j))
            .map(|j| chars[j].1);
        action(chars[k].1, prev, next)
    }));
    let mut seg_start = 0; // index into `chars`
    for k in 1..=chars.len() {
        let boundary =
            k == chars.len() || (is_stable(chars[k].1) && matches!(actions[k], Action::Keep));
        if boundary {
            fix_segment(text, chunk.end, chars, actions, seg_start, k, sink);
            seg_start = k;
        }
    }
}

/// Characters that are stable ([`is_stable`]) and that the pass keeps as they are, answered
/// without the tables: ASCII, the main block of ideographs and the common CJK punctuation.
/// `s.chars().all(is_plain)`, with the characters of the main block of ideographs passed over
/// without decoding: lead byte `E5`..`E9` (U+5000..U+9FFF), or `E4` followed by `B8`..`BF`
/// (U+4E00..U+4FFF).
fn all_plain(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if (0xE5..=0xE9).contains(&b[i]) || (b[i] == 0xE4 && b.get(i + 1) >= Some(&0xB8)) {
            i += 3;
            continue;
        }
        let Some(c) = s[i..].chars().next() else {
            break;
        };
        if !is_plain(c) {
            return false;
        }
        i += c.len_utf8();
    }
    true
}

fn is_plain(c: char) -> bool {
    // `PLAIN_PUNCT.contains(&c)`, as a `match` that the compiler turns into a few comparisons
    // rather than a scan of the list (checked by a test).
    c.is_ascii()
        || is_han_main_block(c)
        || matches!(
            c,
            '，' | '。'
                | '、'
                | '；'
                | '：'
                | '？'
                | '！'
                | '“'
                | '”'
                | '‘'
                | '’'
                | '（'
                | '）'
                | '《'
                | '》'
                | '【'
                | '】'
                | '—'
                | '…'
                | '·'
                | '「'
                | '」'
                | '・'
                | '〈'
                | '〉'
                | '\u{3000}'
        )
}

/// The CJK punctuation of running text that [`is_plain`] accepts, all stable and kept (both
/// checked by tests).
#[cfg(test)]
const PLAIN_PUNCT: [char; 26] = [
    '，', '。', '、', '；', '：', '？', '！', '“', '”', '‘', '’', '（', '）', '《', '》', '【',
    '】', '—', '…', '·', '「', '」', '・', '〈', '〉', '\u{3000}',
];

/// Whether only spaces or tabs stand between `pos` and a line break.
fn at_line_end(text: &str, pos: usize) -> bool {
    text.get(pos..)
        .map(|rest| rest.trim_start_matches([' ', '\t']))
        .is_some_and(|rest| rest.starts_with(['\n', '\r']))
}

/// Invisible format characters that this pass may remove.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{180e}' | '\u{ad}' | '\u{feff}'
    )
}

/// Repairs `chars[from..to]` (one stable character with what attaches to it); the chunk of
/// `chars` ends at `chunk_end`.
fn fix_segment(
    text: &str,
    chunk_end: usize,
    chars: &[(usize, char)],
    actions: &[Action],
    from: usize,
    to: usize,
    sink: &mut EditSink<'_>,
) {
    if to == from + 1 && matches!(actions[from], Action::Keep) && is_stable(chars[from].1) {
        // One stable character kept as it is: already in NFC.
        return;
    }
    let start = chars[from].0;
    let end = chars.get(to).map_or(chunk_end, |x| x.0);
    let seg = &text[start..end];
    if seg.is_ascii() {
        return;
    }
    let mut mapped = String::with_capacity(seg.len());
    let mut rule = None;
    for k in from..to {
        let c = chars[k].1;
        match actions[k] {
            Action::Keep => mapped.push(c),
            Action::Remove(r) => {
                rule.get_or_insert(r);
            }
            Action::Map(r, m) => {
                rule.get_or_insert(r);
                mapped.push(m);
            }
            Action::Ligature(s) => {
                rule.get_or_insert("ligature");
                mapped.push_str(s);
            }
        }
    }
    let out: String = if is_nfc_quick(mapped.chars()) == IsNormalized::Yes {
        mapped
    } else {
        mapped.nfc().collect()
    };
    if out != seg {
        let rule = rule.unwrap_or_else(|| {
            if seg.chars().any(is_compatibility_ideograph) {
                "compat-ideograph"
            } else {
                "nfc"
            }
        });
        let _ = sink.replace(start..end, out, rule, 1.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_byte_as_by_bytes() {
        let texts = [
            "",
            "a",
            "é",
            "abcdefghijk中文",
            "中文字符串很长的一段话，a",
            "x中yz文字符串很长的一段话",
        ];
        for s in texts {
            let b = s.as_bytes();
            for from in 0..=b.len() {
                for ascii in [false, true] {
                    let want = b[from..].iter().position(|x| x.is_ascii() == ascii);
                    assert_eq!(find_byte(&b[from..], ascii), want, "{s:?} {from} {ascii}");
                }
            }
        }
    }

    #[test]
    fn all_plain_as_by_chars() {
        for s in [
            "",
            "中文，测试。",
            "䀀",
            "\u{4dff}一",
            "一\u{4dff}",
            "一丁\u{4fff}",
            "丁\u{200b}",
            "abc",
            "鿿ﬁ",
            "安装（默认）",
        ] {
            assert_eq!(all_plain(s), s.chars().all(is_plain), "{s:?}");
        }
    }

    #[test]
    fn is_plain_as_by_list() {
        for c in ('\0'..='\u{ffff}').chain(['\u{10000}', '\u{20000}']) {
            let want = c.is_ascii() || is_han_main_block(c) || PLAIN_PUNCT.contains(&c);
            assert_eq!(is_plain(c), want, "{c:?}");
        }
    }

    #[test]
    fn plain_punctuation_is_stable_and_kept() {
        for c in PLAIN_PUNCT {
            assert!(is_stable(c), "{c:?}");
            assert!(matches!(action(c, None, None), Action::Keep), "{c:?}");
            assert!(!is_invisible(c), "{c:?}");
        }
    }
}
