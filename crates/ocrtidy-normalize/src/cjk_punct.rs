use std::collections::BTreeMap;

use ocrtidy_core::{EditSink, Pass, PassId, PassInput, PassKind, PassSpec, RuleSpec};

use crate::is_horizontal_space;
use crate::script::{first_visible, is_break, is_cjk_punct, is_han, is_noise, is_tight_punct};

/// Punctuation width by script context, and bracket misreads.
///
/// Chinese prose takes full-width punctuation, Latin text and technical tokens half-width. OCR
/// engines mix them up (tesseract's Chinese model emits `,` `:` `;` `(` after ideographs), so
/// the pass decides each mark from its neighbours on the same line (spaces skipped):
///
/// - `,` `:` `?` `!` right after a Han character become `，` `：` `？` `！`; `;` also when a Han
///   character follows it (rule `cjk-punct`). After a digit or a Latin letter nothing changes,
///   so numbers (`3.5`, `1,000`), times (`9:00`), URLs, e-mail addresses, file names and code
///   keep their marks — none of them has an ideograph right before the mark. In typeset text
///   (see [`crate::evidence`]) a half-width comma glued to the Han character before it is the
///   source's style (`在 systemd 下, 内核`, `实现的模型依赖于频率,因此`) and stays: on the
///   development corpus keeping it changes no OCR figure and leaves 5 fewer characters of the
///   ground truth changed.
/// - `.` right after a Han character at the end of a line becomes `。` (rule `full-stop`); inside
///   a line it is left alone (a dateline's `7月23日. 星期日`, a file name); `..` and `...` too.
/// - `*` after a Han character at the end of a line is tesseract's reading of `。` (rule
///   `asterisk-full-stop`, confidence 0.6): on the development corpus 36 of 39 such marks are
///   a full stop in the ground truth.
/// - Parentheses are decided as a pair (same page, at most 80 characters apart, blank lines
///   allowed: OCR engines break paragraphs into blocks). The evidence is the OCR engine's
///   spacing: the white space inside a full-width `（` glyph comes out as a space before it, while
///   a half-width `(` is read glued to the ideograph before it. So a pair set off by a space
///   (or starting a line) becomes `（…）` when its content has a Han character or it follows
///   CJK punctuation; Latin content after a space stays as it is (`本地 (Squid) 贮存`,
///   `Debian 11 (bullseye)`); a pair glued to a Han character stays as it is
///   (`ls(1)`, `名称(无域名)`), except that a pair that already has one full-width or misread
///   mark and Chinese content is made whole (`(无域名）` → `（无域名）`). Directly after CJK
///   punctuation a pair is full-width; in Latin text a full-width pair becomes `(…)` (rule
///   `paren-width`). On the development corpus (tesseract, Chinese) this spacing evidence picks
///   the ground truth's width about twice as often as not.
/// - But spacing is evidence only of OCR: in typeset text (see [`crate::evidence`]: no more
///   punctuation faults than born-digital Chinese has) that writes full-width pairs too, a
///   consistent pair `(…)` or `（…）` is the source's choice and stays, however it is spaced
///   (`原理图 (或网表) 的`, `版本 11（bullseye）`); there only a mismatched pair (`(无域名）`) or
///   a misread mark is decided. A typeset text that writes a half-width pair around Chinese
///   glued to the text before it (`“飞线”(默认值)时`) has chosen half-width pairs too: OCR
///   reads a full-width `（` with a space before it. Text with neither gives no such evidence
///   (tesseract's Chinese model never writes `（`), so the spacing rules apply to it. On the
///   corpus' ground truth `paren-width` changes 13 characters, most of them in mismatched pairs
///   of the source (28 without the glued-pair evidence); tesseract's CER_raw rises by 0.0002 on its
///   hOCR pages (CER_content unchanged).
/// - An opening `〈` `《` `【` `〔` closed by `)` or `）` is an OCR misread of `（` (rule
///   `bracket-misread`); `《书名》` is left alone.
/// - In Latin text (no Han character among the 8 nearest visible characters on either side) `，：；？！` after a
///   letter or digit become half-width (rule `latin-halfwidth`).
///
/// Rules: `cjk-punct`, `full-stop`, `asterisk-full-stop`, `paren-width`, `bracket-misread`,
/// `latin-halfwidth`.
#[derive(Debug, Default, Clone)]
pub struct CjkPunct;

/// Largest distance in characters between the two marks of a bracket pair.
const MAX_PAIR: usize = 80;
/// Characters looked at on each side to decide that a mark sits in Latin text.
const LATIN_WINDOW: usize = 8;

fn full_of(c: char) -> Option<char> {
    Some(match c {
        ',' => '，',
        ':' => '：',
        ';' => '；',
        '?' => '？',
        '!' => '！',
        _ => return None,
    })
}

fn half_of(c: char) -> Option<char> {
    Some(match c {
        '，' => ',',
        '：' => ':',
        '；' => ';',
        '？' => '?',
        '！' => '!',
        _ => return None,
    })
}

/// The rule that decided a mark. With the mark it replaces it gives the replacement (see
/// [`Decision::target`]), so a decision is one byte and the replacement is not stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    /// `cjk-punct`: the full-width form (see `full_of`).
    CjkPunct,
    /// `asterisk-full-stop`: `。`.
    AsteriskFullStop,
    /// `latin-halfwidth`: the half-width form (see `half_of`).
    LatinHalfwidth,
    /// `full-stop`: `。`.
    FullStop,
    /// `paren-width`: a bracket of the given width (`true`: full).
    ParenWidth(bool),
    /// `bracket-misread`: an opening `（` or `(` (`true`: full).
    BracketMisread(bool),
}

impl Decision {
    fn rule(self) -> &'static str {
        match self {
            Decision::CjkPunct => "cjk-punct",
            Decision::AsteriskFullStop => "asterisk-full-stop",
            Decision::LatinHalfwidth => "latin-halfwidth",
            Decision::FullStop => "full-stop",
            Decision::ParenWidth(_) => "paren-width",
            Decision::BracketMisread(_) => "bracket-misread",
        }
    }

    fn confidence(self) -> f32 {
        match self {
            Decision::BracketMisread(_) => 0.8,
            Decision::AsteriskFullStop => 0.6,
            _ => 0.9,
        }
    }

    /// The replacement of `c`, the original character this decision was made for.
    fn target(self, c: char) -> char {
        match self {
            Decision::CjkPunct => full_of(c).unwrap_or(c),
            Decision::LatinHalfwidth => half_of(c).unwrap_or(c),
            Decision::AsteriskFullStop | Decision::FullStop => '。',
            Decision::ParenWidth(full) | Decision::BracketMisread(full) => {
                match (is_paren_open(c), full) {
                    (true, true) => '（',
                    (true, false) => '(',
                    (false, true) => '）',
                    (false, false) => ')',
                }
            }
        }
    }
}

/// The nearest visible character before byte `i` of `text` on the same page (see
/// [`first_visible`]: line breaks, spaces and noise skipped, since the layout and noise passes
/// may join lines and delete symbols later).
fn prev_visible(text: &str, i: usize) -> Option<char> {
    first_visible(text[..i].chars().rev(), true)
}

/// No Han character among the `LATIN_WINDOW` nearest visible characters on either side of the
/// mark at bytes `at` of `text` on its page (spaces and line breaks do not count, so joining
/// lines does not change the answer). The marks this pass decides are neither Han characters,
/// spaces nor breaks, so the text as written gives the answer of the text as decided.
fn latin_context(text: &str, at: std::ops::Range<usize>) -> bool {
    let visible = |c: &char| !is_horizontal_space(*c) && !is_line_break(*c);
    let before = text[..at.start]
        .chars()
        .rev()
        .take_while(|&c| c != '\u{c}')
        .filter(visible)
        .take(LATIN_WINDOW);
    let after = text[at.end..]
        .chars()
        .take_while(|&c| c != '\u{c}')
        .filter(visible)
        .take(LATIN_WINDOW);
    !before.chain(after).any(|c| is_han(c) && !is_noise(c))
}

/// A table over the first byte of a UTF-8 char: 0 for the bytes in `leads` (chars to look
/// at), else the length of the char the byte starts, so that a scan passes over every other
/// char on its first byte alone.
const fn lead_table(leads: &[u8]) -> [u8; 256] {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = match b {
            0..=0xDF if b < 0x80 => 1,
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xFF => 4,
            // Continuation bytes: never the first byte of a char.
            _ => 1,
        };
        b += 1;
    }
    let mut k = 0;
    while k < leads.len() {
        t[leads[k] as usize] = 0;
        k += 1;
    }
    t
}

/// The first bytes of the marks decided one by one (`,` `:` `;` `?` `!` `*` and, on `EF`,
/// `，` `：` `；` `？` `！`) and of the brackets and the page break that [`pairs_of`] reads (`(`
/// `)`, form feed, `（` `）` on `EF`, `〈〉《》【】〔〕` on `E3`): one scan finds both.
static MARK_LEADS: [u8; 256] = lead_table(b",:;?!*()\x0c\xE3\xEF");
/// The first bytes of the brackets and the page break alone.
static BRACKET_LEADS: [u8; 256] = lead_table(b"()\x0c\xE3\xEF");

/// A bracket or a page break: what [`pairs_of`] reads.
fn is_bracket_event(c: char) -> bool {
    matches!(
        c,
        '\u{c}' | '(' | ')' | '（' | '）' | '〈' | '〉' | '《' | '》' | '【' | '】' | '〔' | '〕'
    )
}

/// The chars of `text` whose first byte `table` marks (see [`lead_table`]), with their byte
/// offsets; every other char is passed over without decoding it.
fn chars_led_by<'a>(
    text: &'a str,
    table: &'a [u8; 256],
) -> impl Iterator<Item = (usize, char)> + 'a {
    let b = text.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < b.len() {
            match table[usize::from(b[i])] {
                0 => {
                    let c = text[i..].chars().next()?;
                    let at = i;
                    i += c.len_utf8();
                    return Some((at, c));
                }
                n => i += usize::from(n),
            }
        }
        None
    })
}

/// The char of `text` at byte `i`.
fn char_at(text: &str, i: usize) -> char {
    text[i..].chars().next().unwrap_or('\0')
}

/// The chars of `text` before byte `i`, last first, as the decisions made so far leave them.
fn decided_before<'a>(
    text: &'a str,
    decided: &'a BTreeMap<usize, Decision>,
    i: usize,
) -> impl Iterator<Item = char> + 'a {
    text[..i]
        .char_indices()
        .rev()
        .map(|(j, c)| decided.get(&j).map_or(c, |d| d.target(c)))
}

fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r')
}

fn is_paren_open(c: char) -> bool {
    matches!(c, '(' | '（' | '〈' | '《' | '【' | '〔')
}

fn proper_close(c: char) -> char {
    match c {
        '〈' => '〉',
        '《' => '》',
        '【' => '】',
        '〔' => '〕',
        _ => '）',
    }
}

impl CjkPunct {
    /// The pass's declaration: id, summary, flags and every rule it may record.
    pub const SPEC: PassSpec = PassSpec {
        id: PassId::CjkPunct,
        summary: "punctuation width by script context, bracket misreads",
        kind: PassKind::Character,
        removes_text: false,
        rerun: true,
        local: false,
        written_back: true,
        rules: &[
            RuleSpec {
                id: "cjk-punct",
                explain: "A half-width `,` `:` `?` `!` directly after a Chinese character (spaces, line breaks and noise symbols skipped) becomes full-width, and so does `;` after or before one: `安装后,重启` → `安装后，重启`. Always applied (confidence 0.9). After a digit or Latin letter nothing changes, so numbers (`1,000`), times (`9:00`), URLs and code keep their marks; in text that looks typeset rather than OCR output, a comma glued to the Chinese character (`在 systemd 下, 内核`, `依赖于频率,因此`) is kept as the source's style.",
            },
            RuleSpec {
                id: "full-stop",
                explain: "A half-width `.` right after a Chinese character at the end of a line becomes the Chinese full stop: `重启系统.` → `重启系统。`. Always applied (confidence 0.9). A `.` inside a line (a dateline's `7月23日. 星期日`, a file name) and `..` or `...` are left alone.",
            },
            RuleSpec {
                id: "asterisk-full-stop",
                explain: "An asterisk `*` right after a Chinese character at the end of a line is Tesseract's usual reading of a faint `。`, and is replaced by it: `完成安装*` → `完成安装。`. Always applied, with the lower confidence 0.6 (on the development corpus 36 of 39 such marks were full stops). An asterisk inside a line or after Latin text stays.",
            },
            RuleSpec {
                id: "paren-width",
                explain: "A bracket pair (at most 80 characters apart on one page) is made consistently full-width `（…）` or half-width `(…)` from OCR spacing evidence: a pair set off by a space or starting a line, with Chinese content or after Chinese punctuation, becomes full-width (`名称 (无域名)` → `名称 （无域名）`); a half/full mixed pair around Chinese content is made whole (`(无域名）` → `（无域名）`); a full-width pair in Latin text becomes half-width. Always applied (confidence 0.9). Left alone: a pair glued to a Chinese character (`ls(1)`, `名称(无域名)`), Latin content after a space (`Debian 11 (bullseye)`), a full-width pair with Chinese content, and, in typeset text that also writes full-width pairs, any consistent pair. Also the rule of the closing bracket of a `bracket-misread` pair.",
            },
            RuleSpec {
                id: "bracket-misread",
                explain: "An opening `〈` `《` `【` or `〔` that is closed by `)` or `）` (within 80 characters, without its own closing mark in between) is an OCR misread of a parenthesis and becomes `（` or `(` by the same width evidence as `paren-width`: `【记者 杨文）` → `（记者 杨文）`. Always applied (confidence 0.8); the closing mark, if it changes width, is recorded as `paren-width`. Proper pairs such as `《书名》` are left alone.",
            },
            RuleSpec {
                id: "latin-halfwidth",
                explain: "A full-width `，` `：` `；` `？` `！` right after a Latin letter or digit becomes half-width when there is no Chinese character among the 8 nearest visible characters on either side (same page): `Hello，world` → `Hello,world`. Always applied (confidence 0.9). Full-width marks with any Chinese text nearby stay full-width.",
            },
        ],
    };
}

impl Pass for CjkPunct {
    fn spec(&self) -> &'static PassSpec {
        &Self::SPEC
    }

    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        // Every decision looks no further than its page (a form feed ends each search) except
        // the two verdicts on the whole text and a bracket's look back across breaks, so a
        // long text is decided in pieces of whole pages: the decisions held at a time (and the
        // bracket pairs) are those of a piece, not of the text.
        decide(input.text, PIECE_BYTES, sink);
    }
}

/// Decides the marks of `text` in pieces of whole pages of about `piece_bytes`.
fn decide(text: &str, piece_bytes: usize, sink: &mut EditSink<'_>) {
    let mut whole = Whole {
        text,
        piece_bytes,
        typeset: None,
        chosen_style: None,
    };
    let mut before = None;
    for (base, piece) in pieces(text, piece_bytes) {
        run_piece(piece, base, &mut whole, &mut before, sink);
    }
}

/// A text longer than this many bytes is decided in pieces of whole pages of about this size.
const PIECE_BYTES: usize = 1 << 20;

/// The pieces of `text` with their byte offsets: runs of whole pages (each piece but the last
/// ends just after a form feed) of at least `size` bytes, or the whole text.
fn pieces(text: &str, size: usize) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() && !(start == 0 && text.is_empty()) {
            return None;
        }
        let from = start;
        let reach = from.saturating_add(size).min(text.len());
        let end = text.as_bytes()[reach..]
            .iter()
            .position(|&b| b == b'\x0c')
            .map_or(text.len(), |p| reach + p + 1);
        start = end.max(from + 1);
        Some((from, &text[from..end]))
    })
}

/// What is decided on the whole text, asked once when first needed.
struct Whole<'a> {
    text: &'a str,
    /// The size of the pieces the text is decided in (see [`pieces`]).
    piece_bytes: usize,
    /// The text reads as typeset (see [`crate::evidence`]).
    typeset: Option<bool>,
    /// The text writes full-width bracket pairs too, or half-width pairs glued to the text
    /// before them (see [`pair_brackets`]).
    chosen_style: Option<bool>,
}

impl Whole<'_> {
    fn typeset(&mut self) -> bool {
        let text = self.text;
        *self
            .typeset
            .get_or_insert_with(|| crate::evidence::is_typeset(text))
    }

    /// Whether any page has a full-width pair or a glued half-width one. The marks decided
    /// before the brackets are not brackets, spaces, breaks or Han characters, so the text as
    /// written gives the same answer as the text with those decisions. `pairs` are the pairs
    /// of the piece at byte `base`, which is not scanned again.
    fn chosen_style(&mut self, base: usize, pairs: &[(usize, usize)]) -> bool {
        let (text, size) = (self.text, self.piece_bytes);
        *self.chosen_style.get_or_insert_with(|| {
            pieces(text, size).any(|(from, piece)| {
                let found;
                let pairs = if from == base {
                    pairs
                } else {
                    found = find_pairs(piece);
                    &found
                };
                pairs.iter().any(|&(o, c)| {
                    (char_at(piece, o) == '（' && char_at(piece, c) == '）')
                        || is_glued_half_pair(piece, o, c)
                })
            })
        })
    }
}

/// Decides the marks of one piece of whole pages at byte offset `base` of the text. `before`
/// is the last character of the pieces before it that is neither a space nor a break, as
/// decided (a bracket at the start of a line looks back across breaks).
///
/// The decisions are kept by byte offset, a few per page: the piece is not decoded into chars,
/// and only the marks looked at are (see [`chars_led_by`]). The later decisions read the text
/// as the earlier ones leave it only where the difference shows: the marks decided are never
/// spaces, breaks, noise or Han characters, and stay visible marks, so whether a neighbour is
/// Han or visible is read on the text as written.
fn run_piece(
    text: &str,
    base: usize,
    whole: &mut Whole<'_>,
    before: &mut Option<char>,
    sink: &mut EditSink<'_>,
) {
    // Decision for a byte offset of a char.
    let mut decided: BTreeMap<usize, Decision> = BTreeMap::new();
    // The brackets and page breaks, for `pairs_of`.
    let mut brackets = Vec::new();
    for (i, c) in chars_led_by(text, &MARK_LEADS) {
        if is_bracket_event(c) {
            brackets.push((i, c));
            continue;
        }
        // Only these marks are decided here (see `full_of`, `half_of`): the context of
        // any other character is not looked at.
        if !matches!(
            c,
            ',' | ':' | ';' | '?' | '!' | '*' | '，' | '：' | '；' | '？' | '！'
        ) {
            continue;
        }
        let prev = prev_visible(text, i);
        let after_han = prev.is_some_and(is_han);
        // The text after the mark.
        let after = &text[i + c.len_utf8()..];
        if full_of(c).is_some() {
            // Typeset text that sets a half-width comma right after a Han character
            // (`下, 内核`, `频率,因此`) writes it so: OCR faults would have made the text count
            // as OCR output. (Not `:` `;`: tesseract writes `处理: (1)` for `处理：（1）` on
            // its cleanest pages.)
            let styled =
                c == ',' && after_han && i > 0 && text.as_bytes()[i - 1] != b' ' && whole.typeset();
            if !styled
                && (after_han
                    || (c == ';' && first_visible(after.chars(), true).is_some_and(is_han)))
            {
                decided.insert(i, Decision::CjkPunct);
            }
        } else if c == '*' && after_han && first_visible(after.chars(), false).is_none() {
            decided.insert(i, Decision::AsteriskFullStop);
        } else if half_of(c).is_some()
            && prev.is_some_and(|p| p.is_ascii_alphanumeric())
            && latin_context(text, i..i + c.len_utf8())
        {
            decided.insert(i, Decision::LatinHalfwidth);
        }
    }
    // Full stops look at the marks after them as this pass leaves them: those are still
    // visible, so the text as written tells whether the line ends.
    let mut stops = Vec::new();
    let b = text.as_bytes();
    for k in memchr::memchr_iter(b'.', b) {
        if !prev_visible(text, k).is_some_and(is_han) {
            continue;
        }
        let dots = b.get(k + 1) == Some(&b'.') || k > 0 && b[k - 1] == b'.';
        // Only at the end of a line: inside a line a `.` may be a dateline's
        // (`7月23日. 星期日`) or a file name's.
        let end_ok = first_visible(text[k + 1..].chars(), false).is_none();
        if end_ok && !dots {
            stops.push(k);
        }
    }
    for k in stops {
        decided.insert(k, Decision::FullStop);
    }
    pair_brackets(text, &brackets, &mut decided, whole, base, *before);
    if let Some((j, c)) = text
        .char_indices()
        .rev()
        .find(|&(_, c)| !is_horizontal_space(c) && !is_break(c))
    {
        *before = Some(decided.get(&j).map_or(c, |d| d.target(c)));
    }
    for (&i, &d) in &decided {
        let c = char_at(text, i);
        let to = d.target(c);
        if to != c {
            let i = base + i;
            let _ = sink.replace(
                i..i + c.len_utf8(),
                to.to_string(),
                d.rule(),
                d.confidence(),
            );
        }
    }
}

/// Pairs brackets within a paragraph and decides their width. `decided` holds the decisions
/// made so far, by byte offset. Pairs are decided by their opening mark from left to right, so
/// that each decision sees the final form of everything before it. When `text` is typeset (see
/// [`crate::evidence`]) and has full-width pairs too, or half-width pairs glued to the text
/// before them, a consistent pair, `(…)` or `（…）`, is the source's and stays; only mismatched
/// and misread pairs are decided.
fn pair_brackets(
    text: &str,
    brackets: &[(usize, char)],
    decided: &mut BTreeMap<usize, Decision>,
    whole: &mut Whole<'_>,
    base: usize,
    before: Option<char>,
) {
    // The decisions so far wrote no bracket (brackets are decided only here, each in one
    // pair), so the pairs are those of the text as written.
    let mut pairs = pairs_of(text, brackets);
    pairs.sort_unstable();
    // Only a text that writes full-width pairs too, or half-width pairs glued to the text
    // before them, has chosen its spaced half-width ones (`Whole::chosen_style`): tesseract's
    // Chinese model never writes `（`, and it reads the white space of a full-width `（` as a
    // space before the mark.
    for &(open, k) in &pairs {
        let (o, c) = (char_at(text, open), char_at(text, k));
        let misread = !matches!(o, '(' | '（');
        let has_han = text[open + o.len_utf8()..k].chars().any(is_han);
        // The piece before this one (see `pieces`) ends with a form feed.
        let before_mark = match open {
            0 if base > 0 => Some('\u{c}'),
            0 => None,
            _ => decided_before(text, decided, open).next(),
        };
        let prev = first_visible(decided_before(text, decided, open), true);
        let full = match before_mark {
            // OCR engines set a full-width `（` off with a space (the glyph's own white space)
            // and glue a half-width `(` to the ideograph before it.
            Some(b) if is_horizontal_space(b) => prev.is_some_and(is_tight_punct) || has_han,
            Some(b) if is_break(b) => {
                decided_before(text, decided, open)
                    .find(|&c| !is_horizontal_space(c) && !is_break(c))
                    .or(before)
                    .is_some_and(is_tight_punct_or_han)
                    || has_han
            }
            None => has_han,
            Some(b) => is_cjk_punct(b),
        };
        // A full-width or misread mark around Chinese content is evidence of a full-width pair.
        let full = full || (has_han && (misread || o == '（' || c == '）'));
        let keep_as_is = !misread
            && o == '（'
            && c == '）'
            && (has_han || !latin_context(text, open..open + o.len_utf8()));
        if keep_as_is {
            continue;
        }
        let (oo, cc) = if full { ('（', '）') } else { ('(', ')') };
        if (oo, cc) == (o, c) {
            continue;
        }
        let consistent = matches!((o, c), ('(', ')') | ('（', '）'));
        if consistent && whole.chosen_style(base, &pairs) && whole.typeset() {
            continue;
        }
        decided.insert(
            open,
            if misread {
                Decision::BracketMisread(full)
            } else {
                Decision::ParenWidth(full)
            },
        );
        decided.insert(k, Decision::ParenWidth(full));
    }
}

/// A half-width pair around Chinese content whose `(` (at byte `open` of `text`) is glued to
/// the character before it (`“飞线”(默认值)`, `开发版(而不是发布版)`): the source writes
/// half-width pairs.
fn is_glued_half_pair(text: &str, open: usize, close: usize) -> bool {
    open > 0
        && (char_at(text, open), char_at(text, close)) == ('(', ')')
        && text[..open]
            .chars()
            .next_back()
            .is_some_and(|b| !is_horizontal_space(b) && !is_break(b))
        && text[open + 1..close].chars().any(is_han)
}

fn is_tight_punct_or_han(c: char) -> bool {
    is_han(c) || is_tight_punct(c)
}

/// The bracket pairs `(open, close)` (byte offsets) of `text` closed by `)` or `）` within a
/// paragraph and at most `MAX_PAIR` characters apart. A misread opener (`〈《【〔`) counts only
/// when its own closing mark does not come first.
fn find_pairs(text: &str) -> Vec<(usize, usize)> {
    let brackets: Vec<(usize, char)> = chars_led_by(text, &BRACKET_LEADS)
        .filter(|&(_, c)| is_bracket_event(c))
        .collect();
    pairs_of(text, &brackets)
}

/// [`find_pairs`] from the brackets and page breaks of `text` with their byte offsets, in order.
fn pairs_of(text: &str, brackets: &[(usize, char)]) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    let mut stack: Vec<(usize, char)> = Vec::new();
    for &(k, c) in brackets {
        // A page break ends the search (OCR engines put blank lines inside paragraphs).
        if c == '\u{c}' {
            stack.clear();
            continue;
        }
        if is_paren_open(c) {
            stack.push((k, c));
            continue;
        }
        if matches!(c, '〉' | '》' | '】' | '〕') {
            if let Some(&(_, top)) = stack.last() {
                if proper_close(top) == c {
                    stack.pop();
                }
            }
            continue;
        }
        if !matches!(c, ')' | '）') {
            continue;
        }
        let Some((open, o)) = stack.pop() else {
            continue;
        };
        // The pair is `MAX_PAIR` chars apart or more when its content has that many (a char
        // is at most four bytes: content that long in bytes is, without counting).
        let content = &text[open + o.len_utf8()..k];
        if content.len() >= 4 * MAX_PAIR || content.chars().count() >= MAX_PAIR {
            continue;
        }
        let misread = !matches!(o, '(' | '（');
        if misread && content.contains(proper_close(o)) {
            continue;
        }
        pairs.push((open, k));
    }
    pairs
}

#[cfg(test)]
mod reference;

#[cfg(test)]
mod tests {
    use super::*;
    use ocrtidy_core::{Context, Runner};
    use proptest::prelude::*;

    /// The pass deciding in pieces of the given size.
    struct Pieced(usize);

    impl Pass for Pieced {
        fn spec(&self) -> &'static PassSpec {
            &CjkPunct::SPEC
        }

        fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
            decide(input.text, self.0, sink);
        }
    }

    /// The changes (rule, span, replacement) and output of the pass deciding in pieces of
    /// `size` bytes.
    fn cleaned(text: &str, size: usize) -> (String, Vec<ocrtidy_core::Change>) {
        let out = Runner::new(vec![Box::new(Pieced(size))]).run(text, &Context::default());
        (out.text, out.changes)
    }

    #[test]
    fn pieces_are_whole_pages_that_cover_the_text() {
        let text = "ab\u{c}cd\u{c}\u{c}efg";
        let all: Vec<_> = pieces(text, 1).collect();
        assert_eq!(all, [(0, "ab\u{c}"), (3, "cd\u{c}"), (6, "\u{c}efg")]);
        assert_eq!(
            pieces(text, 4).collect::<Vec<_>>(),
            [(0, "ab\u{c}cd\u{c}"), (6, "\u{c}efg")]
        );
        assert_eq!(pieces(text, usize::MAX).collect::<Vec<_>>(), [(0, text)]);
        assert_eq!(pieces("", 1).collect::<Vec<_>>(), [(0, "")]);
    }

    #[test]
    fn a_bracket_after_a_page_break_looks_back_into_the_page_before() {
        // The `(` starting the second page follows a Chinese full stop across the break, so
        // the pair is full-width, whether the pages are decided together or apart; the typeset
        // verdict and the pair style are the whole text's.
        let text = "第一页的内容结束了。\n\u{c}(附注)\n第二页,继续\u{c}完成安装*\nHello，world";
        let whole = cleaned(text, usize::MAX);
        assert!(whole.0.contains("（附注）"), "{}", whole.0);
        assert!(whole.0.contains("第二页，继续"), "{}", whole.0);
        assert_eq!(cleaned(text, 1), whole);
    }

    fn paged() -> impl Strategy<Value = String> {
        let atoms = prop::sample::select(vec![
            "中", "文", "学", "a", "Z", "3", " ", "\n", "\n\n", "\u{c}", "\u{c}", ",", "，", ".",
            "。", ":", "：", ";", "?", "!", "*", "(", ")", "（", "）", "〈", "《", "》", "【",
            "】", "■",
        ]);
        prop::collection::vec(atoms, 0..120).prop_map(|v| v.concat())
    }

    /// The pass of [`reference`] (a `char` per character) deciding in pieces of the given size.
    struct Reference(usize);

    impl Pass for Reference {
        fn spec(&self) -> &'static PassSpec {
            &CjkPunct::SPEC
        }

        fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
            reference::decide(input.text, self.0, sink);
        }
    }

    /// What [`cleaned`] gives, from the reference implementation.
    fn cleaned_by_reference(text: &str, size: usize) -> (String, Vec<ocrtidy_core::Change>) {
        let out = Runner::new(vec![Box::new(Reference(size))]).run(text, &Context::default());
        (out.text, out.changes)
    }

    /// Text around every mark the pass decides and every neighbour class it reads: Han and
    /// other letters, spaces of every kind, breaks, noise, dash runs, CJK punctuation, brackets
    /// of every kind and four-byte chars.
    fn marked() -> impl Strategy<Value = String> {
        let atoms = prop::sample::select(vec![
            "中",
            "文",
            "𠀀",
            "ア",
            "a",
            "Z",
            "3",
            " ",
            "\t",
            "\u{a0}",
            "\u{3000}",
            "\n",
            "\r",
            "\u{c}",
            ",",
            "，",
            ".",
            "..",
            "。",
            ":",
            "：",
            ";",
            "；",
            "?",
            "？",
            "!",
            "！",
            "*",
            "(",
            ")",
            "（",
            "）",
            "〈",
            "〉",
            "《",
            "》",
            "【",
            "】",
            "〔",
            "〕",
            "■",
            "丨",
            "————",
            "—",
            "…",
            "、",
            "“",
            "”",
            "é",
        ]);
        prop::collection::vec(atoms, 0..160).prop_map(|v| v.concat())
    }

    #[test]
    fn decides_as_the_reference_on_long_pairs_and_typeset_text() {
        let typeset = "安装完成后，重启系统。然后，打开终端，输入命令；检查结果：是否正常？好！";
        for text in [
            format!("{typeset}\n在 systemd 下, 内核(默认值) 与 （例如 apt） 与 (无域名）"),
            format!("名称 ({}) 和 ({}) 结束.", "长".repeat(79), "长".repeat(80)),
            format!(
                "{}\n名称 ({}) 和 【记者 杨文）",
                typeset.repeat(3),
                "a".repeat(300)
            ),
        ] {
            for size in [1, 7, usize::MAX] {
                assert_eq!(cleaned(&text, size), cleaned_by_reference(&text, size));
            }
        }
    }

    proptest! {
        #[test]
        fn deciding_in_pieces_changes_nothing(text in paged(), size in 1usize..40) {
            prop_assert_eq!(cleaned(&text, size), cleaned(&text, usize::MAX));
        }

        #[test]
        fn decides_as_the_reference(text in marked(), size in prop::sample::select(vec![1usize, 13, usize::MAX])) {
            prop_assert_eq!(cleaned(&text, size), cleaned_by_reference(&text, size));
        }
    }
}
