use std::cell::{Cell, OnceCell};

use ocrtidy_core::{EditSink, Pass, PassId, PassInput, PassKind, PassMemory, PassSpec, RuleSpec};

use crate::evidence::{is_latin_side, Evidence};
use crate::is_horizontal_space;
use crate::script::{first_visible, is_cjk_letter, is_tight_punct, lines};

/// Spaces inside Chinese text.
///
/// OCR engines insert spaces between ideographs and around full-width punctuation (tesseract:
/// `安装主服务器后 ， 证时`); Chinese writing has none there. But Chinese text also has
/// deliberate spaces, which must stay: around an embedded Latin word or number (`使用 apt 命令`),
/// and the single spaces of journalism (`本报讯（记者 杨文）`, a headline's
/// `以快制快 高效处置局部疫情`, a caption's `张慧 摄`, a dateline's `9月6日 星期二`). The pass
/// decides from evidence on the line:
///
/// - Spaces before or after full-width clause and bracket punctuation (`，。、；：？！（）《》【】`…)
///   are removed (rule `space-around-punct`). Indentation at the start of a line and spaces at
///   its end are left to the layout passes and `trailing-space`.
/// - Except a space between such a mark and a Latin neighbour (a word, a number, an ASCII
///   symbol: `fonts-linex （默认安装）`, `目录， /skole/`) in typeset text that spaces them by
///   habit (see [`crate::evidence`]: the text shows no more punctuation faults than
///   born-digital Chinese, and sets off at least one in four of its marks next to Latin
///   neighbours): that space is the source's. A space on the Chinese side of a mark is always
///   OCR's. On the corpus' ground truth this leaves 45 `space-around-punct` changes of 192
///   (spaces a source sets against its own habit, and spaces after its half-width `,` made
///   full-width by `cjk-punct`), and tesseract's CER is unchanged.
/// - Spaces between a closing curly quote and a following CJK character, or between a CJK
///   character and an opening curly quote, are removed too (`“操作” 菜单` → `“操作”菜单`);
///   curly quotes next to Latin words keep their spaces (rule `space-around-punct`).
/// - A gap between two CJK characters inside a short bracket group (content of at most 12
///   characters, as in `（记者 杨文）`) is kept.
/// - Every other gap between two CJK characters is removed (rule `space-between-han`) when the
///   gap is two or more spaces, when the line has more than 16 CJK characters (running text, where
///   a deliberate space is very rare and OCR spaces are frequent), when it has three or more
///   such gaps, or when the line does not stand on its own (see `is_standalone`: a line that the
///   layout passes would join to its neighbours is running text too). A short standalone line
///   with one or two single gaps is a headline, byline, caption or dateline: its gaps are kept.
/// - A run of two or more spaces between a CJK character and a Latin letter or digit becomes one
///   space (rule `collapse-space`): the source's single space is evidence enough of intent, the
///   extra ones are OCR's.
///
/// Runs of four or more spaces on the first or last visible line of a page are layout gaps (a
/// running header's title and its date, a footer): they are evidence for the furniture pass
/// and are left alone. Elsewhere they are OCR spaces like any other. (Only the page edges:
/// a rule that depended on a line's length would change its mind once the layout passes join
/// the line to its neighbours.)
///
/// Rules: `space-around-punct`, `space-between-han`, `collapse-space`.
#[derive(Debug, Default, Clone)]
pub struct CjkSpacing;

/// Runs of this many spaces or more on the first or last line of a page are layout: the gap
/// between a running header's title and its date. The layout passes read them; this pass
/// leaves them alone.
const LAYOUT_GAP: usize = 4;
/// The first and last this many visible lines of a page may be running headers and footers.
const EDGE_LINES: usize = 2;
/// Lines with more CJK characters than this are running text.
const SHORT_LINE: usize = 16;
/// Bracket groups with at most this many characters are bylines and notes.
const SHORT_GROUP: usize = 12;
/// A short line with this many gaps or more is spaced by OCR.
const MANY_GAPS: usize = 3;

/// A run of horizontal space inside a line, with its neighbours.
struct Gap {
    start: usize,
    end: usize,
    before: char,
    after: char,

    /// The nearest characters on both sides, noise symbols and spaces skipped (`' '` for none).
    left: char,
    right: char,
    /// Both of them are CJK letters (asked once: every rule reads it).
    han: bool,
}

impl CjkSpacing {
    /// The pass's declaration: id, summary, flags and every rule it may record.
    pub const SPEC: PassSpec = PassSpec {
        id: PassId::CjkSpacing,
        summary: "OCR spaces between Chinese chars and around punctuation removed",
        kind: PassKind::Character,
        removes_text: false,
        rerun: true,
        local: false,
        written_back: true,
        rules: &[
            RuleSpec {
                id: "space-around-punct",
                explain: "A space before or after full-width Chinese punctuation (`，。、；：？！（）《》【】` and similar) inside a line is deleted, as is a space between a closing curly quote and a Chinese character or between a Chinese character and an opening curly quote: `安装主服务器后 ， 证时` → `安装主服务器后，证时`, `“操作” 菜单` → `“操作”菜单`. Always applied (confidence 0.95). Kept: indentation and trailing spaces (left to other passes), a space between a mark and a Latin word or number in typeset text that spaces them habitually (at least one in 13 such neighbours spaced), gaps of 4+ spaces on the first or last two lines of a page (header layout), and, near page edges, spaces next to marks not flanked by Chinese characters.",
            },
            RuleSpec {
                id: "space-between-han",
                explain: "A gap between two Chinese (CJK) characters is deleted when it is two or more spaces, or when the line is running text: more than 16 CJK characters, three or more such gaps, or a line that would be joined to its neighbours: `国 家 安 全` → `国家安全`. Always applied (confidence 0.9). Kept: the one or two single spaces of a short standalone line (headline `以快制快 高效处置`, byline `张慧 摄`, dateline `9月6日 星期二`), and gaps inside a short bracket group of at most 12 characters such as `（记者 杨文）`.",
            },
            RuleSpec {
                id: "collapse-space",
                explain: "A run of two or more spaces between a Chinese character and a Latin letter or digit becomes a single space: `使用   apt` → `使用 apt`. Always applied (confidence 0.9). A single space there is the author's and is kept; this rule never removes the last space.",
            },
        ],
    };
}

impl Pass for CjkSpacing {
    fn spec(&self) -> &'static PassSpec {
        &Self::SPEC
    }

    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        space_text(input.text, Some(input.memory), sink);
    }
}

/// The pass on `text`, with its memory of the run when given.
fn space_text(text: &str, memory: Option<&PassMemory>, sink: &mut EditSink<'_>) {
    let all: Vec<(usize, &str)> = lines(text).collect();
    // The page of each line (form feeds before it), so that two lines are compared
    // without scanning the text between them.
    let mut pages = Vec::with_capacity(all.len());
    let mut page = 0usize;
    for &(base, _) in &all {
        // Every break char ends a line, so a form feed before a line is the one right
        // before it.
        page += usize::from(base > 0 && text.as_bytes()[base - 1] == 0x0c);
        pages.push(page);
    }
    // Widths are counted when first needed: a line's is read again as the next line of
    // the line before it.
    let widths = vec![Cell::new(usize::MAX); all.len()];
    let lines = Lines {
        all: &all,
        pages: &pages,
        widths: &widths,
    };
    let doc = Doc {
        text,
        // Most texts hold no no-break or ideographic space: then no line is searched for one.
        wide: has_wide_space(text),
        latin_style: OnceCell::new(),
        read_style: Cell::new(false),
    };
    // A text of one page changed since the last round (or the pass would not run again),
    // so the page did: only a text of several pages reads the memory, and only one of at
    // most `SETTLED_BYTES`.
    match memory.filter(|_| page > 0 && text.len() <= SETTLED_BYTES) {
        Some(memory) => memory.with(|settled: &mut Settled| {
            fix_pages(&doc, &lines, sink, settled);
        }),
        None => {
            fix_lines(&doc, &lines, 0..all.len(), &mut Vec::new(), sink);
        }
    }
}

/// Fixes the lines `range` of `lines`; returns whether it pushed an edit.
fn fix_lines(
    doc: &Doc<'_>,
    lines: &Lines<'_, '_>,
    range: std::ops::Range<usize>,
    gaps: &mut Vec<Gap>,
    sink: &mut EditSink<'_>,
) -> bool {
    let mut edited = false;
    for n in range {
        let (base, line) = lines.all[n];
        // Only a space between two visible characters is a gap: a line without one has
        // nothing to fix, whatever its place. Every rule needs a CJK character or mark
        // next to a gap, and on an ASCII line the neighbours of a gap are its own
        // characters (noise symbols, which are looked through, are not ASCII).
        if line.is_ascii() || !has_inner_space(line, doc.wide) {
            continue;
        }
        let place = Place {
            standalone: is_standalone(lines, n),
            near_edge: is_near_page_edge(lines, n),
        };
        edited |= fix_line(doc, base, line, place, gaps, sink);
    }
    edited
}

/// Fixes the lines of `lines`, page by page, skipping the pages that `settled` knows made no
/// edit, and leaving there those that make none now.
fn fix_pages(doc: &Doc<'_>, lines: &Lines<'_, '_>, sink: &mut EditSink<'_>, settled: &mut Settled) {
    let (text, all) = (doc.text, lines.all);
    // The gaps of the line being fixed, in a buffer reused from line to line.
    let mut gaps = Vec::new();
    let mut now = Vec::new();
    let mut first = 0;
    while first < all.len() {
        // The lines of one page: `first..end`.
        let page = lines.pages[first];
        let end = first
            + lines.pages[first..]
                .iter()
                .take_while(|&&p| p == page)
                .count();
        let (last_base, last_line) = all[end - 1];
        let bytes = all[first].0..last_base + last_line.len();
        if let Some(Some(old)) = settled.pages.get(page) {
            if old.decides_alike(doc, &bytes, &settled.text) {
                now.push(Some(PageKey {
                    bytes,
                    style: old.style,
                }));
                first = end;
                continue;
            }
        }
        doc.read_style.set(false);
        let edited = fix_lines(doc, lines, first..end, &mut gaps, sink);
        now.push((!edited).then(|| {
            PageKey {
                bytes,
                style: doc
                    .read_style
                    .get()
                    .then(|| doc.latin_style.get().copied())
                    .flatten(),
            }
        }));
        first = end;
    }
    // The text is read only for the pages that settled (none in a first round).
    if now.iter().any(Option::is_some) {
        settled.text.clear();
        settled.text.push_str(text);
    }
    settled.pages = now;
}

/// What the pass keeps from one round of a run to the next (its [`PassMemory`]): the text of its
/// last round and, for each of its pages, what decided that page when the page made no edit.
///
/// Every decision on a line reads its page only: the line's place (the lines next to it on its
/// page, see [`is_standalone`] and [`is_near_page_edge`]) and the neighbours of its gaps
/// ([`first_visible`] stops at a page break). The one thing it reads beyond the page is whether
/// the document spaces full-width marks from Latin neighbours by habit (`Doc::latin_style`,
/// counted over the whole text), and only for some gaps. So a page that made no edit makes none
/// again while its bytes are the same and, if it read the habit, the habit is too: the round
/// that confirms the fixed point, and every round a long text runs until its slowest page
/// settles, skips the pages that settled before.
///
#[derive(Default)]
struct Settled {
    /// The text of the last round that had several pages (an entry of an older round still
    /// tells what its page's bytes decide).
    text: String,
    /// Per page of the last round (in order): the evidence of a page that made no edit.
    pages: Vec<Option<PageKey>>,
}

/// The longest text whose settled pages the pass remembers: [`Settled`] holds a copy of the
/// text for the whole run, one byte more per byte of input while every later pass runs, which
/// a long document should not pay; 4 MiB is some 1,300 pages of Chinese.
const SETTLED_BYTES: usize = if cfg!(test) { 1 << 10 } else { 4 << 20 };

/// What decides a page (see [`Settled`]): its bytes in its round's text, and the document's
/// spacing habit when the page read it (`None` when it did not).
struct PageKey {
    bytes: std::ops::Range<usize>,
    style: Option<bool>,
}

impl PageKey {
    /// True when the page `bytes` of `doc` is decided as `self` (a page of `old_text`) was.
    fn decides_alike(&self, doc: &Doc<'_>, bytes: &std::ops::Range<usize>, old_text: &str) -> bool {
        doc.text[bytes.clone()] == old_text[self.bytes.clone()]
            // The page reads the habit again where it read it then: it must be the same.
            && self.style.is_none_or(|style| doc.latin_style() == style)
    }
}

/// A horizontal space between two visible characters of `line` (see `is_horizontal_space`).
/// Searched for by byte (a space or tab byte is never inside a multi-byte character) and with
/// `memchr` for the two others (only when `wide`: the text holds one of them, see
/// [`has_wide_space`]), not by decoding every char: most lines of Chinese text have none.
fn has_inner_space(line: &str, wide: bool) -> bool {
    let inner = line.trim_matches(is_horizontal_space);
    memchr::memchr2(b' ', b'\t', inner.as_bytes()).is_some() || wide && has_wide_space(inner)
}

/// `text` holds a no-break space (U+00A0) or an ideographic space (U+3000). Searched for by
/// their bytes (`C2 A0`, `E3 80 80`): `str::contains` of a char searches for its last byte,
/// here `A0` or `80`, which Chinese text is full of.
fn has_wide_space(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memchr_iter(0xC2, b).any(|i| b.get(i + 1) == Some(&0xA0))
        || memchr::memmem::find(b, "\u{3000}".as_bytes()).is_some()
}

/// What the text's lines are fixed against.
struct Doc<'t> {
    text: &'t str,
    /// The text holds a no-break or ideographic space ([`has_wide_space`]).
    wide: bool,
    /// Whether spaces between full-width marks and Latin neighbours are the source's
    /// ([`Evidence::latin_gaps_are_style`]), counted when such a gap is first met.
    latin_style: OnceCell<bool>,
    /// Whether the page being fixed read `latin_style` (see [`Settled`]).
    read_style: Cell<bool>,
}

impl Doc<'_> {
    /// [`Evidence::latin_gaps_are_style`] of the text, counted once.
    fn latin_style(&self) -> bool {
        *self
            .latin_style
            .get_or_init(|| Evidence::of(self.text).latin_gaps_are_style())
    }
}

/// The lines of the text with their start offsets, and the page each is on.
struct Lines<'a, 't> {
    all: &'a [(usize, &'t str)],
    pages: &'a [usize],
    /// The [`width`] of each line once counted (`usize::MAX` before).
    widths: &'a [Cell<usize>],
}

impl Lines<'_, '_> {
    /// The [`width`] of line `k`, counted once.
    fn width(&self, k: usize) -> usize {
        let w = &self.widths[k];
        if w.get() == usize::MAX {
            w.set(width(self.all[k].1));
        }
        w.get()
    }

    fn same_page(&self, a: usize, b: usize) -> bool {
        self.pages[a] == self.pages[b]
    }

    fn visible(&self, k: usize) -> bool {
        let line = self.all[k].1;
        // A line that starts with neither a space, a tab nor the first byte of a no-break
        // (`C2`) or ideographic (`E3`) space is visible without trimming it.
        match line.as_bytes().first() {
            Some(&b) if !matches!(b, b' ' | b'\t' | 0xC2 | 0xE3) => true,
            _ => !line.trim_matches(crate::is_horizontal_space).is_empty(),
        }
    }
}

/// Where a line stands on its page.
#[derive(Clone, Copy)]
struct Place {
    /// See [`is_standalone`].
    standalone: bool,
    /// Among the first or last `EDGE_LINES` visible lines of its page: where running headers
    /// and footers are.
    near_edge: bool,
}

/// The line `n` is among the first or last `EDGE_LINES` visible lines of its page.
fn is_near_page_edge(lines: &Lines<'_, '_>, n: usize) -> bool {
    let all = lines.all;
    let visible = |k: usize| lines.visible(k);
    let same_page = |a: usize, b: usize| lines.same_page(a, b);
    let before = (0..n)
        .rev()
        .take_while(|&k| same_page(k, n))
        .filter(|&k| visible(k))
        .take(EDGE_LINES)
        .count();
    let after = (n + 1..all.len())
        .take_while(|&k| same_page(n, k))
        .filter(|&k| visible(k))
        .take(EDGE_LINES)
        .count();
    before < EDGE_LINES || after < EDGE_LINES
}

/// Sentence-final marks: a line ending with one ends its paragraph.
fn ends_sentence(line: &str) -> bool {
    line.trim_end_matches(crate::is_horizontal_space)
        .chars()
        .next_back()
        .is_some_and(|c| {
            matches!(
                c,
                '。' | '！'
                    | '？'
                    | '；'
                    | '：'
                    | '…'
                    | '”'
                    | '’'
                    | '）'
                    | '」'
                    | '』'
                    | '】'
                    | '》'
                    | '.'
                    | '!'
                    | '?'
                    | ';'
                    | ':'
            )
        })
}

/// Display width in half-em units (CJK characters are two).
fn width(line: &str) -> usize {
    let b = line.as_bytes();
    let (mut w, mut i) = (0, 0);
    while i < b.len() {
        // Fast paths on the lead byte: ASCII (a space or tab counts nothing), and U+4000 and
        // above (`E4`..`EF`, `F0`..`F4`), all above U+2E7F and none of them a space.
        match b[i] {
            x if x < 0x80 => {
                w += usize::from(x != b' ' && x != b'\t');
                i += 1;
            }
            0xE4..=0xEF => {
                w += 2;
                i += 3;
            }
            0xF0..=0xF4 => {
                w += 2;
                i += 4;
            }
            _ => {
                let Some(c) = line[i..].chars().next() else {
                    break;
                };
                i += c.len_utf8();
                if !crate::is_horizontal_space(c) {
                    w += if is_cjk_letter(c) || c > '\u{2e7f}' {
                        2
                    } else {
                        1
                    };
                }
            }
        }
    }
    w
}

/// The line `n` stands on its own: the layout passes will not join it with a neighbour. It
/// starts a paragraph (first non-blank line of its page, or the line before ends a sentence),
/// and it ends one (it ends a sentence, it is the last line of its page, or it is at most half
/// as wide as the next line, as a headline or byline is). A short line that would be joined is
/// running text, and its spaces are judged as such — so that cleaning the joined output again
/// decides the same.
fn is_standalone(lines: &Lines<'_, '_>, n: usize) -> bool {
    let all = lines.all;
    let same_page = |a: usize, b: usize| lines.same_page(a, b);
    let visible = |k: usize| lines.visible(k);
    let prev = (0..n)
        .rev()
        .find(|&k| visible(k))
        .filter(|&k| same_page(k, n));
    let next = (n + 1..all.len())
        .find(|&k| visible(k))
        .filter(|&k| same_page(n, k));
    let line = all[n].1;
    let starts = prev.is_none_or(|k| ends_sentence(all[k].1));
    let ends = ends_sentence(line) || next.is_none_or(|k| 2 * lines.width(n) <= lines.width(k));
    starts && ends
}

/// Fixes the gaps of one line, at byte `base` of `doc.text`; returns whether it pushed an edit
/// (accepted or not).
fn fix_line(
    doc: &Doc<'_>,
    base: usize,
    line: &str,
    place: Place,
    gaps: &mut Vec<Gap>,
    sink: &mut EditSink<'_>,
) -> bool {
    let text = doc.text;
    gaps.clear();
    // The runs of horizontal space, found by byte (a space, a tab, `C2 A0` or `E3 80 80`: no
    // other char holds these sequences) without decoding the chars between them.
    let b = line.as_bytes();
    let space_at = |i: usize| -> usize {
        match b[i] {
            b' ' | b'\t' => 1,
            0xC2 if b.get(i + 1) == Some(&0xA0) => 2,
            0xE3 if b.get(i + 1..i + 3) == Some(&[0x80, 0x80]) => 3,
            _ => 0,
        }
    };
    // Most lines hold no no-break or ideographic space (none when the text has none, `!wide`):
    // a run then starts at a space or a tab, searched for with `memchr`.
    let ascii_only = !doc.wide || !has_wide_space(line);
    let mut i = 0;
    while i < b.len() {
        if ascii_only {
            match memchr::memchr2(b' ', b'\t', &b[i..]) {
                Some(k) => i += k,
                None => break,
            }
        }
        let n = space_at(i);
        if n == 0 {
            i += 1;
            continue;
        }
        let start = i;
        i += n;
        loop {
            match (i < b.len()).then(|| space_at(i)) {
                Some(n) if n > 0 => i += n,
                _ => break,
            }
        }
        let end = i;
        let (Some(before), Some(after)) = (
            line[..start].chars().next_back(),
            line[end..].chars().next(),
        ) else {
            // Indentation or trailing space.
            continue;
        };
        if !crate::unicode_forms::is_stable(after) {
            // A space that carries a combining mark.
            continue;
        }
        let left = first_visible(text[..base + start].chars().rev(), true).unwrap_or(' ');
        let right = first_visible(text[base + end..].chars(), true).unwrap_or(' ');
        gaps.push(Gap {
            start,
            end,
            before,
            after,
            left,
            right,
            han: is_cjk_letter(left) && is_cjk_letter(right),
        });
    }
    // A line near a page edge with a layout gap is a running header or footer: it stands alone.
    let standalone = place.standalone
        || (place.near_edge
            && gaps
                .iter()
                .any(|g| line[g.start..g.end].chars().count() >= LAYOUT_GAP));
    if place.near_edge {
        // Wide gaps at the top and bottom of a page are layout (a running header's title and
        // its date).
        gaps.retain(|g| line[g.start..g.end].chars().count() < LAYOUT_GAP);
    }
    if gaps.is_empty() {
        return false;
    }
    let han_gap = |g: &Gap| g.han;
    // The bracket groups and the line's CJK letters are read only for a gap between CJK
    // characters, which is all that they decide.
    let groups = if gaps.iter().any(han_gap) {
        short_groups(line)
    } else {
        Vec::new()
    };
    let in_group = |at: usize| groups.iter().any(|&(o, c)| o < at && at < c);
    let counted = gaps
        .iter()
        .filter(|g| han_gap(g) && !in_group(g.start))
        .count();
    let spaced_by_ocr = !standalone
        || counted >= MANY_GAPS
        || line
            .chars()
            .filter(|&c| is_cjk_letter(c))
            .take(SHORT_LINE + 1)
            .count()
            > SHORT_LINE;
    // Near a page edge (headers, datelines, footers) a space next to punctuation goes only
    // when the mark sits between CJK characters: `刊 “ 、` or `。 2019年` may be furniture and
    // noise that the furniture and noise passes must still see apart.
    let flanked = |g: &Gap| {
        if !place.near_edge {
            return true;
        }
        let left_ok = !is_tight_punct(g.left) || {
            let p = base + line[..g.start].rfind(g.left).unwrap_or(0);
            first_visible(text[..p].chars().rev(), true).is_some_and(is_cjk_letter)
        };
        let right_ok = !is_tight_punct(g.right) || {
            let q = base + g.end + line[g.end..].find(g.right).unwrap_or(0) + g.right.len_utf8();
            first_visible(text[q..].chars(), true).is_some_and(is_cjk_letter)
        };
        left_ok && right_ok
    };
    let mut edited = false;
    for g in gaps.iter() {
        let single = line[g.start..g.end].chars().count() == 1;
        let range = base + g.start..base + g.end;
        let quote_gap = !place.near_edge
            && ((matches!(g.left, '”' | '’') && is_cjk_letter(g.right))
                || (matches!(g.right, '“' | '‘') && is_cjk_letter(g.left)));
        // Only noise between the gap and a line edge: nothing to judge the gap by.
        let judged = g.left != ' ' && g.right != ' ';
        // In typeset text that spaces them habitually, a space between a full-width mark and
        // a Latin word, a number or an ASCII symbol is the source's (`fonts-linex （默认安装）`).
        let source_style = || {
            ((is_tight_punct(g.left) && is_latin_side(g.right))
                || (is_tight_punct(g.right) && is_latin_side(g.left)))
                && {
                    doc.read_style.set(true);
                    doc.latin_style()
                }
        };
        if judged
            && flanked(g)
            && (is_tight_punct(g.left) || is_tight_punct(g.right) || quote_gap)
            && !source_style()
        {
            edited = true;
            let _ = sink.delete(range, "space-around-punct", 0.95);
        } else if han_gap(g) {
            if !in_group(g.start) && (spaced_by_ocr || !single) {
                edited = true;
                let _ = sink.delete(range, "space-between-han", 0.9);
            }
        } else if !single
            && ((is_cjk_letter(g.before) && g.after.is_ascii_alphanumeric())
                || (g.before.is_ascii_alphanumeric() && is_cjk_letter(g.after)))
        {
            edited = true;
            let _ = sink.replace(range, " ", "collapse-space", 0.9);
        }
    }
    edited
}

/// Byte spans `(open, close)` (the offsets of the brackets) of short bracket groups on a line
/// (at most `SHORT_GROUP` chars between the brackets).
fn short_groups(line: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    // The open bracket's offset and char index.
    let mut open: Option<(usize, usize)> = None;
    for (k, (i, c)) in line.char_indices().enumerate() {
        match c {
            '（' | '(' | '【' | '〔' => open = Some((i, k)),
            '）' | ')' | '】' | '〕' => {
                if let Some((o, ok)) = open.take() {
                    if k - ok - 1 <= SHORT_GROUP {
                        out.push((o, i));
                    }
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentence_ends_are_the_marks_listed() {
        let marks = "。！？；：…”’）」』】》.!?;:";
        for c in ('\0'..='\u{ffff}').chain(['\u{1f600}']) {
            assert_eq!(
                ends_sentence(&format!("甲{c}  ")),
                marks.contains(c),
                "{c:?}"
            );
        }
    }

    #[test]
    fn width_fast_paths_agree_with_a_plain_count() {
        let mut all = String::new();
        for c in (0..=0x10FFFF).step_by(3).filter_map(char::from_u32) {
            all.push(c);
        }
        for line in [
            "",
            " 甲 乙\t",
            "使用 apt 命令",
            "\u{3000}ㄅ\u{a0}가\u{1100}⺀",
            all.as_str(),
        ] {
            let plain: usize = line
                .chars()
                .filter(|&c| !crate::is_horizontal_space(c))
                .map(|c| {
                    if is_cjk_letter(c) || c > '\u{2e7f}' {
                        2
                    } else {
                        1
                    }
                })
                .sum();
            assert_eq!(width(line), plain, "{line:?}");
        }
    }

    #[test]
    fn inner_space_is_found_as_by_chars() {
        for line in [
            "",
            " ",
            "\u{3000}甲乙\u{3000}",
            "甲 乙",
            "甲\u{3000}乙",
            "甲\u{a0}乙",
            "甲\t乙",
            " \t甲乙丙 ",
            "\u{a0}甲",
            "使用 apt 命令",
            "頁\u{2003}碼",
            "中文，没有空格。",
        ] {
            let by_chars = line
                .trim_matches(is_horizontal_space)
                .contains(is_horizontal_space);
            assert_eq!(has_inner_space(line, true), by_chars, "{line:?}");
            assert_eq!(
                has_inner_space(line, has_wide_space(line)),
                by_chars,
                "{line:?}"
            );
        }
    }
}

#[cfg(test)]
mod memory_tests {
    use super::*;
    use ocrtidy_core::{Context, PassMemory, Runner};

    /// The pass without its memory: every page decided anew in every round.
    struct Forgetful;

    impl Pass for Forgetful {
        fn spec(&self) -> &'static PassSpec {
            &CjkSpacing::SPEC
        }
        fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
            space_text(input.text, None, sink);
        }
    }

    static SPACE: PassSpec = PassSpec {
        id: PassId::new("space-hash"),
        summary: "",
        kind: PassKind::Character,
        removes_text: false,
        rerun: true,
        local: false,
        written_back: false,
        rules: &[RuleSpec {
            id: "space",
            explain: "",
        }],
    };

    /// Turns the first `#` of the text into a space and deletes the first `~` in each round:
    /// the pages that hold them change in later rounds (in their bytes, and in their length)
    /// while the others settle, and the document's evidence changes with them (a `#` or `~`
    /// glued to a mark is a Latin neighbour; a space before the mark is OCR's).
    struct SpaceHash;

    impl Pass for SpaceHash {
        fn spec(&self) -> &'static PassSpec {
            &SPACE
        }
        fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
            if let Some(i) = input.text.find('#') {
                let _ = sink.replace(i..i + 1, " ", "space", 1.0);
            }
            if let Some(i) = input.text.find('~') {
                let _ = sink.delete(i..i + 1, "space", 1.0);
            }
        }
    }

    /// A pseudo-random text of pages (form feeds) of lines of `pieces`, mostly typeset
    /// Chinese (marks glued to the letters before them) with OCR's spaces, Latin words set off
    /// from marks or glued to them, and the `#` and `~` that [`SpaceHash`] edits.
    fn texts(count: usize) -> Vec<String> {
        let pieces = [
            "甲乙，丙丁。",
            "软件包管理。",
            "戊己；",
            "甲 乙",
            "甲 ，乙",
            " #，",
            "使用 apt （默认）",
            "apt，",
            "目录 ， /skole/",
            "“操作” 菜单",
            "（记者 杨文）",
            "甲  乙",
            "2021年  3月",
            "＊",
            "#",
            "甲#乙",
            " ~，",
            "~",
            "　",
            "标题    日期",
        ];
        let mut rng = ocrtidy_core::testing::Lcg::new(0x9e37_79b9_7f4a_7c15);
        let mut next = |n: usize| rng.below(n);
        (0..count)
            .map(|_| {
                let mut text = String::new();
                for _ in 0..next(24) + 2 {
                    for _ in 0..next(4) + 1 {
                        text.push_str(pieces[next(pieces.len())]);
                    }
                    text.push_str(match next(8) {
                        0 => "\u{c}",
                        1 => "\n\n",
                        _ => "\n",
                    });
                }
                text
            })
            .collect()
    }

    #[test]
    fn settled_pages_decide_as_pages_decided_anew() {
        // The pass with its memory changes what the pass without it changes, in every round,
        // on texts that another pass edits between the rounds.
        let mut remembered = 0;
        for text in texts(2000) {
            let kept = Runner::new(vec![Box::new(CjkSpacing), Box::new(SpaceHash)])
                .run(&text, &Context::default());
            let anew = Runner::new(vec![Box::new(Forgetful), Box::new(SpaceHash)])
                .run(&text, &Context::default());
            assert_eq!(kept.text, anew.text, "{text:?}");
            assert_eq!(kept.changes, anew.changes, "{text:?}");
            assert_eq!(kept.stats.rounds, anew.stats.rounds, "{text:?}");
            remembered += usize::from(text.contains('\u{c}') && text.len() <= SETTLED_BYTES);
        }
        // Most texts have several pages and are short enough for the memory.
        assert!(remembered > 300, "{remembered}");
    }

    #[test]
    fn a_settled_page_is_decided_again_when_the_habit_changes() {
        // The first page's space between a mark and a Latin word is the source's while the
        // text is typeset and spaces such gaps by habit, and OCR's once the second page shows
        // too many faults: the page's bytes are the same, its decision is not.
        let typeset = "甲乙，丙丁。".repeat(4);
        let page = format!("{typeset}\n使用 apt （默认）\u{c}");
        let memory = PassMemory::default();
        let edits = |text: &str, memory: &PassMemory| {
            let mut sink = EditSink::new(text);
            let context = Context::default();
            CjkSpacing.run(&PassInput::new(text, &context, memory), &mut sink);
            sink.len()
        };
        let clean = format!("{page}{typeset}");
        assert!(Evidence::of(&clean).latin_gaps_are_style());
        assert_eq!(edits(&clean, &memory), 0);
        assert_eq!(edits(&clean, &memory), 0);
        let faults = "甲 ，乙 ，丙 ，";
        let faulty = format!("{page}{faults}");
        assert!(!Evidence::of(&faulty).latin_gaps_are_style());
        // The gap of the first page, and two of the second (the last mark ends the page).
        let fresh = || PassMemory::default();
        assert_eq!(edits(&format!("{typeset}\u{c}{faults}"), &fresh()), 2);
        assert_eq!(edits(&faulty, &fresh()), 3);
        assert_eq!(edits(&faulty, &memory), 3);
    }

    #[test]
    fn a_long_text_keeps_no_memory() {
        let page = "甲乙，丙丁。\n".repeat(8);
        let long = format!("{page}\u{c}").repeat(20);
        assert!(long.len() > SETTLED_BYTES);
        let memory = PassMemory::default();
        let context = Context::default();
        for text in [long.as_str(), "甲乙。\u{c}丙丁。"] {
            let mut sink = EditSink::new(text);
            CjkSpacing.run(&PassInput::new(text, &context, &memory), &mut sink);
        }
        // The short text of two pages left its pages; the long one never read the memory.
        memory.with(|settled: &mut Settled| {
            assert_eq!(settled.text, "甲乙。\u{c}丙丁。");
            assert_eq!(settled.pages.len(), 2);
        });
        let memory = PassMemory::default();
        let mut sink = EditSink::new(&long);
        CjkSpacing.run(&PassInput::new(&long, &context, &memory), &mut sink);
        memory.with(|settled: &mut Settled| {
            assert!(settled.text.is_empty() && settled.pages.is_empty());
        });
    }
}
