use ocrtidy_core::text::chars::is_cjk_letter;
use ocrtidy_core::text::TextRange;
use ocrtidy_core::{
    Context, EditSink, LineBreakHint, Pass, PassId, PassInput, PassKind, PassMemory, PassSpec,
    RuleSpec,
};

use crate::break_score::{self, BreakTrace, BreakView, PageFacts};
use crate::furniture::{classify_page_memo, opens_title, PageMemo};
use crate::page::{self, is_wide, visible_chars_upto, width, Line};

/// Decides for every line break inside a page whether it is a soft wrap (join) or a paragraph
/// break (keep), and removes the first-line indent of paragraphs.
///
/// Evidence, weighed per page:
/// - sentence-final punctuation at the line end: in Chinese and mixed lines `。！？；：…`,
///   closing quotes and brackets, and `*` `=` `<` `>` `"` `'` `’` `“` `‘` that OCR reads for
///   a degraded `。` or `”`; in Latin lines `.!?:;…`, a closing quote or bracket only after one
///   of them, and never a full stop after an initial (`Susan G.`); a short token of stray marks
///   after a space (`the :`, `启动。 、`) is OCR noise and does not count, and neither are one
///   or two specks glued after a Chinese full stop (`完成了。，`); a lone Latin `o` right after
///   a CJK letter (`复制到目录 o`) is a faint `。` that OCR read as a letter and ends the line; a bracket that closes right
///   after a Latin word or a number in a Chinese line (`grep(1)`, `（热键 E）`) ends nothing,
///   and neither does a quote mark that ends a CJK line when the next line closes it
///   (`如“` / `staff”）`: it opens a quotation; see `quote_runs_on`);
/// - a change of script after a sentence end: a line ending a sentence in a wide character
///   (`第二段在这里。`) before a line of Latin text without wide characters, or a Latin line
///   ending a sentence before a line starting with a CJK letter, ends its paragraph whatever
///   its width (a wrap before a Latin term mid-sentence ends no sentence and is joined);
/// - the line's width against the page's typical full line (the upper quartile of widths, in
///   half-em units), so a short last line ends its paragraph;
/// - blank lines: when a page has blank lines between some of its lines (tesseract's blocks),
///   a line ending a sentence before a blank line ends its paragraph (a Chinese line ending in
///   a mark that OCR reads for a degraded `。`, such as `“`, only when it is also short); when it
///   has none (RapidOCR, or text already reflowed) every line ending a sentence does;
/// - a first-line indent that OCR dropped: on a Chinese page wrapped at a column width, a line
///   one and a half to two and a half ems short of the full width after a full line that ends a
///   sentence, running on into a full line, starts a paragraph; so does such a line after a
///   blank line when the line before it lost its final mark (or OCR read it as a look-alike);
/// - an open line (no final punctuation) well short of the full width on a page wrapped at a
///   column width ends its paragraph before a blank line, or when it is less than half the full
///   width: OCR of degraded pages loses or misreads the final `。` (not for the first line, a
///   line without a CJK character, or before a line less than half the full width: missed
///   furniture and columns read out of order); on a page whose widths do not cluster at a
///   column width (OCR lost pieces of its lines), before a blank line too;
/// - on a noisy page of Latin text (see `NOISY_PAGE`), a line ending a sentence before a blank
///   line and a word in lower case does not end it: the final mark is as often a speck;
/// - in Latin text, a line ending in a comma before a blank line and a capitalised word (also
///   after an opening quote) ends its paragraph (a full stop that OCR misread), on a page with
///   blank lines between some of its lines;
/// - reflowed text: a page whose breaks are all blank or none (one paragraph per line, with or
///   without blank separators) and whose widths do not cluster at a column width, or whose
///   typical line is wider than any printed column (see `PARAGRAPH_WIDTH`), keeps its
///   breaks, so the output of this pass is left as it is when it is cleaned again (or in the
///   next round, after `blank-lines` removed the blank lines that decided a break);
/// - short standalone lines at a paragraph start (headlines at most half as wide as the line
///   after them, bylines such as `张慧 摄` or `（李俊华）`, list items; at least two visible
///   characters, and two only when they make a word of the dictionary: a speck or two Latin
///   letters that OCR read are no headline) are never glued to the next line;
/// - fragments: a line of at most five visible characters that reads as a piece of a printed
///   line rather than a headline (specks, Latin tokens of at most two letters with or without
///   CJK letters, CJK letters that split into no dictionary words but with two single chars;
///   see `is_fragment`; on pages without blank lines, specks only) on a page wrapped at a
///   column width joins the line before it when that line does not end a sentence or the
///   fragment ends the page, else the line after it unless it ends a sentence itself, whatever
///   the rules or the geometry say;
/// - a line that starts with a particle that starts no Chinese sentence (`的`, not in `的确`,
///   `的士`, `的哥`; `们`) continues the line before it, whatever that line's end, the page's
///   layout or the geometry say (OCR misread the end, or took the lines of a paragraph for
///   paragraphs);
/// - page furniture (see [`crate::Furniture`]) stands alone when it is kept, and so does any
///   line that reads as a date or a dated header (a join must never make one).
///
/// - line-break hints from the page geometry (see [`Context::line_break_in`], given for OCR
///   formats with boxes): a paragraph break found from indents, gaps and short lines is kept,
///   a wrap is joined unless the line is a byline, a title, a standalone line, furniture or a
///   date (the rules above that read the text itself); breaks without a hint (plain text) are
///   decided from the text alone.
///
/// A line that does not end a sentence is joined to the next line of the same page, even across
/// blank lines (OCR emits those inside paragraphs too). Chinese and Japanese joins insert
/// nothing; Latin joins insert one space, a join after a hyphen none; a join between Latin text
/// and a CJK letter follows the document's own spacing habit, one next to CJK punctuation
/// inserts nothing (`地址；` + `LTSP`). Breaks across a page (`\f`) are never
/// joined. The output is a fixed point: on reflowed text every kept break is kept again.
///
/// Rules: `soft-wrap`, `soft-wrap-blank` (across blank lines), `fragment`, `first-line-indent`.
#[derive(Debug, Default, Clone)]
pub struct LineJoin;

/// A line shorter than the full width by more than this many half-em units ends a paragraph
/// (CJK text; Latin text uses half of it).
pub(crate) const SHORT_TOLERANCE: usize = 6;
/// A page with at least this share of noise characters (see [`break_score::page_noise`]) is
/// noisy: on the development corpus, Latin pages of heavy degradation have 0.011 to 0.033, the
/// others at most 0.007 (all such pages are in half B of its documents: the rule that reads it
/// was found there, and changes nothing on half A).
pub(crate) const NOISY_PAGE: f32 = 0.01;
/// No printed column is wider than this (half-em units: 80 CJK characters, 160 Latin ones); a
/// page whose typical line is wider holds one paragraph per line.
pub(crate) const PARAGRAPH_WIDTH: usize = 160;
/// Lines of at most this many visible chars may be fragments (see [`is_fragment`]). On the
/// development corpus 6 has one break error less than 5 on either half of the documents, but
/// takes misread six-character running titles (`数字生活时报`) for fragments: glued to the next
/// line, they escape the furniture pass's cross-page evidence (`--group-by`). 4 is worse.
pub(crate) const FRAGMENT_CHARS: usize = 5;
/// Lines at most this wide (half-em units) without punctuation that start a paragraph stand
/// alone: headlines, bylines, list items.
pub(crate) const STANDALONE_WIDTH: usize = 12;

impl LineJoin {
    /// The pass's declaration: id, summary, flags and every rule it may record.
    pub const SPEC: PassSpec = PassSpec {
        id: PassId::LineJoin,
        summary: "soft line wraps joined, paragraph breaks kept, indents removed",
        kind: PassKind::Layout,
        removes_text: false,
        rerun: true,
        local: false,
        written_back: false,
        rules: &[
            RuleSpec {
                id: "soft-wrap",
                explain: "A line break inside a paragraph (a soft wrap of the printed column) is replaced, with the line's trailing spaces and the next line's indent, by nothing between Chinese characters, after a hyphen, and between a Chinese letter and a curly quote on its inner side (`名为` + `“设置”` → `名为“设置”`), and by one space between Latin words (between scripts, as the document spaces them): `中华人民\\n共和国` → `中华人民共和国`. Always applied (confidence 0.9). A break is kept when the line ends a sentence (`。！？；：…`, closing quotes, `.!?` in Latin text) and is short or followed by a blank line, or is followed by a line in another script (a Chinese sentence end before a line of Latin text without wide characters, a Latin sentence end before a line starting with a CJK letter; a wrap before a Latin term mid-sentence is still joined), when OCR dropped a first-line indent, when the line is an open short line on a column-wrapped page (or before a blank line on a page whose widths do not cluster at a column width), or when hOCR/ALTO/PAGE geometry says paragraph break; headlines, bylines, list items, furniture, date lines, page breaks and already reflowed pages are never joined, except that a line starting with a particle no Chinese sentence starts with (`的`, not in `的确`; `们`) is always joined to the line before it unless one of them is furniture, a byline or a date.",
            },
            RuleSpec {
                id: "soft-wrap-blank",
                explain: "The same join as `soft-wrap`, but across one or more blank lines: OCR engines split a paragraph into blocks, so a line that does not end its sentence is joined to the next line of the same page even over blank lines: `它的主要\\n\\n功能是` → `它的主要功能是`. Always applied, with the lower confidence 0.75. A blank line after a line that ends a sentence is a paragraph break and is kept (blank-lines then normalises it), except on a noisy page of Latin text (at least 1 % of its characters specks and stray marks) before a word in lower case, where the final `.` or `:` is as often a speck (`a particular piece:` / `of hardware works`); a page break is never crossed.",
            },
            RuleSpec {
                id: "fragment",
                explain: "A line of at most five visible characters that reads as a piece of a printed line, not as a headline (a speck or two, Latin tokens of at most two letters with or without CJK letters such as `3 So` or `Ra 站`, CJK letters that split into dictionary words only with two single characters or more among them such as `以使用网`), is joined to its neighbour even where the geometry or the other rules would keep the break: to the line before it when that line does not end a sentence or the fragment ends the page, else to the line after it unless the fragment ends a sentence itself. OCR cuts such pieces from the lines of a degraded page or of a neighbouring column; they are no paragraph of their own. Headlines made of words (`安装步骤`, `第一章`, `短标题`, `Git 入门`), furniture, bylines and dates are left alone, and so are pages already one paragraph per line; on a page without blank lines between some of its lines (one line per text box) only specks count. Confidence 0.6.",
            },
            RuleSpec {
                id: "first-line-indent",
                explain: "The leading spaces or ideographic spaces of a line that starts a paragraph (the first line of a page, or a line after a kept break) are deleted, as the output convention is one paragraph per line without indentation: `　　本报讯…` → `本报讯…`. Always applied (confidence 0.9). Indentation inside joined lines disappears with the `soft-wrap` join instead.",
            },
        ],
    };
}

impl Pass for LineJoin {
    fn spec(&self) -> &'static PassSpec {
        &Self::SPEC
    }

    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        join_text(input.text, input.context, sink, None, Some(input.memory));
    }
}

/// What the pass keeps from one round of a run to the next (its [`PassMemory`]): the text of its
/// last round and, for each of its pages, what decided that page when the page made no edit.
///
/// A page's decisions are a function of its own lines, of whether the lines next to it (the
/// last line of the page before, the first of the page after) are blank (a lone page number
/// between blank lines, see the furniture's per-page classification), and of the geometry's
/// line-break hints inside it; the document's spacing habit between scripts is read only by a
/// join. So a page that made no edit makes none again while those are the same: the round
/// that confirms the fixed point, and every round a long text runs until its slowest page
/// settles, skips the pages that settled before.
///
#[derive(Default)]
struct Settled {
    /// The text of the last round that had several pages (an entry of an older round still
    /// tells what its page's evidence decides).
    text: String,
    /// Per page of the last round (in order): the evidence of a page that made no edit.
    pages: Vec<Option<PageKey>>,
}

/// The longest text whose settled pages the pass remembers: [`Settled`] holds a copy of the
/// text for the whole run, one byte more per byte of input while every later pass runs, which
/// a long document (cleaned in about 7 bytes per byte) should not pay; 4 MiB is some 1,300
/// pages of Chinese.
const SETTLED_BYTES: usize = 4 << 20;

/// What decides a page (see [`Settled`]): its bytes in its round's text, whether the lines
/// next to it are blank (`None` at the text's ends), and the line-break hints inside it
/// (offsets from its start).
struct PageKey {
    bytes: std::ops::Range<usize>,
    prev_blank: Option<bool>,
    next_blank: Option<bool>,
    hints: Vec<(usize, LineBreakHint)>,
}

impl PageKey {
    /// The key of page `range` (indices into `lines`) of a text.
    fn new(lines: &[Line], range: &std::ops::Range<usize>, context: &Context) -> Self {
        let bytes = lines[range.start].range.start..lines[range.end - 1].range.end;
        let breaks = context.line_breaks();
        let from = breaks.partition_point(|&(at, _)| at < bytes.start);
        let hints = breaks[from..]
            .iter()
            .take_while(|&&(at, _)| at <= bytes.end)
            .map(|&(at, hint)| (at - bytes.start, hint))
            .collect();
        PageKey {
            prev_blank: range.start.checked_sub(1).map(|i| lines[i].is_blank()),
            next_blank: lines.get(range.end).map(Line::is_blank),
            bytes,
            hints,
        }
    }

    /// True when `self` (of `text`) and `other` (of `other_text`) decide a page alike.
    fn same(&self, text: &str, other: &PageKey, other_text: &str) -> bool {
        self.prev_blank == other.prev_blank
            && self.next_blank == other.next_blank
            && self.hints == other.hints
            && text[self.bytes.clone()] == other_text[other.bytes.clone()]
    }
}

/// A run of the pass over a text: what every page reads, and what it carries from page to page.
struct Run<'t> {
    text: &'t str,
    context: &'t Context,
    /// The spacing habit between scripts, found on the first join that needs it.
    mixed_space: Option<bool>,
    /// Where breaks are traced for fitting a scorer offline (see [`trace_line_breaks`]).
    trace: Option<&'t mut Vec<BreakTrace>>,
}

fn join_text(
    text: &str,
    context: &Context,
    sink: &mut EditSink<'_>,
    trace: Option<&mut Vec<BreakTrace>>,
    memory: Option<&PassMemory>,
) {
    let lines = page::lines(text);
    let run = Run {
        text,
        context,
        mixed_space: None,
        trace,
    };
    let pages = page::pages(&lines);
    // A text of one page changed since the last round (or the pass would not run again), so
    // the page did: only a text of several pages reads the memory, and only one of at most
    // `SETTLED_BYTES`.
    match memory.filter(|_| pages.len() > 1 && text.len() <= SETTLED_BYTES) {
        Some(memory) => memory.with(|settled: &mut Settled| {
            join_pages(run, &lines, pages, sink, Some(settled));
        }),
        None => join_pages(run, &lines, pages, sink, None),
    }
}

/// [`join_text`] of the pages `pages` of `lines`, skipping those that `settled` (when given)
/// knows made no edit, and leaving there those that make none now.
fn join_pages(
    mut run: Run<'_>,
    lines: &[Line],
    pages: Vec<std::ops::Range<usize>>,
    sink: &mut EditSink<'_>,
    settled: Option<&mut Settled>,
) {
    let (text, context) = (run.text, run.context);
    let mut now = Vec::new();
    for (p, range) in pages.into_iter().enumerate() {
        let key = settled
            .as_ref()
            .map(|_| PageKey::new(lines, &range, context));
        let unchanged = settled
            .as_deref()
            .zip(key.as_ref())
            .is_some_and(|(last, key)| {
                last.pages
                    .get(p)
                    .and_then(Option::as_ref)
                    .is_some_and(|old| key.same(text, old, &last.text))
            });
        if unchanged {
            now.push(key);
            continue;
        }
        let mut memo = classify_page_memo(text, lines, range.clone());
        let items: Vec<usize> = range.filter(|&i| !lines[i].is_blank()).collect();
        let traced = run.trace.is_some();
        let edited = match Page::new(text, lines, &items, &memo, traced) {
            Some(page) => join_page(&mut run, &page, &mut memo, sink),
            None => false,
        };
        now.push(key.filter(|_| !edited));
    }
    if let Some(settled) = settled {
        // The text is read only for the pages that settled (none in a first round).
        if now.iter().any(Option::is_some) {
            settled.text.clear();
            settled.text.push_str(text);
        }
        settled.pages = now;
    }
}

/// A page and its evidence: its lines with text (`items`, indices into `lines`), what each of
/// them is, and what the page as a whole is.
struct Page<'p> {
    text: &'p str,
    lines: &'p [Line],
    items: &'p [usize],
    /// The width of every item, whether it is furniture and whether it ends a sentence,
    /// computed once. `item_ends` is empty on a page that its widths alone show reflowed when
    /// its breaks are not traced: every break there is kept whatever the lines' ends say (see
    /// [`join_page`]), so nothing reads them.
    item_width: Vec<usize>,
    is_furniture: Vec<bool>,
    item_ends: Vec<bool>,
    /// The page's typical full line width (of the lines that are not furniture).
    full: usize,
    /// How many breaks cross blank lines.
    blank_breaks: usize,
    /// Blank lines between some of its lines (tesseract's blocks).
    has_blanks: bool,
    /// Every break blank, or none.
    uniform: bool,
    /// Wrapped at a column width (see [`is_wrapped`]).
    wrapped: bool,
    /// Its paragraphs are already one per line: it keeps its breaks.
    reflowed: bool,
    /// How many items are not furniture.
    body_lines: usize,
    /// Its OCR noise and share of wide chars (see [`break_score::page_noise`]), computed when
    /// a rule asks.
    noise: std::cell::OnceCell<(f32, f32)>,
    /// [`is_fragment`] of every item, computed when a rule asks (the two breaks around an
    /// item both may).
    fragments: Vec<std::cell::Cell<Option<bool>>>,
}

impl<'p> Page<'p> {
    /// The page of `items`; `None` when it has no line with text. `traced`: its breaks are
    /// traced (see [`trace_line_breaks`]), which reads every line's end.
    fn new(
        text: &'p str,
        lines: &'p [Line],
        items: &'p [usize],
        memo: &PageMemo<'_>,
        traced: bool,
    ) -> Option<Page<'p>> {
        if items.is_empty() {
            return None;
        }
        let item_width: Vec<usize> = items.iter().map(|&i| width(lines[i].text(text))).collect();
        let is_furniture: Vec<bool> = items.iter().map(|i| memo.furniture.contains(i)).collect();
        let body: Vec<usize> = item_width
            .iter()
            .zip(&is_furniture)
            .filter(|(_, &f)| !f)
            .map(|(&w, _)| w)
            .collect();
        let full = page::full_width(&body);
        let breaks = items.len().saturating_sub(1);
        let blank_breaks = items.windows(2).filter(|w| w[1] > w[0] + 1).count();
        let has_blanks = breaks > 0 && blank_breaks * 10 >= breaks;
        // Text whose paragraphs are already one per line keeps its breaks: its long lines end
        // sentences, or its widths do not cluster at a column width.
        // Every break blank, or none: the layout of reflowed text (one paragraph per line, with
        // or without blank separators); OCR mixes the two. Such a page is only cut at a column
        // width when its widths say so.
        let uniform = !has_blanks || blank_breaks == breaks;
        let wrapped = is_wrapped(&body, full);
        // So is a page without blank lines whose typical line is wider than any printed
        // column: its lines are paragraphs already (the output of a first round, after
        // `blank-lines`), and a break kept from evidence that is gone now (a blank line) stays.
        // The tests of the widths first: a page they settle (most pages of a text already
        // cleaned once, its paragraphs one per line) needs no line's end.
        let reflowed_by_widths = (uniform && body.len() >= 4 && !wrapped)
            || (uniform && body.len() >= 2 && median(&body) > PARAGRAPH_WIDTH);
        let item_ends: Vec<bool> = if reflowed_by_widths && !traced {
            Vec::new()
        } else {
            items
                .iter()
                .map(|&i| ends_sentence(lines[i].text(text)))
                .collect()
        };
        let reflowed =
            reflowed_by_widths || is_reflowed(&item_width, &item_ends, &is_furniture, full);
        Some(Page {
            text,
            lines,
            items,
            item_width,
            is_furniture,
            item_ends,
            full,
            blank_breaks,
            has_blanks,
            uniform,
            wrapped,
            reflowed,
            body_lines: body.len(),
            noise: std::cell::OnceCell::new(),
            fragments: vec![std::cell::Cell::new(None); items.len()],
        })
    }

    /// [`is_fragment`] of item `k`, computed at most once.
    fn fragment(&self, k: usize) -> bool {
        let slot = &self.fragments[k];
        if let Some(v) = slot.get() {
            return v;
        }
        let v = is_fragment(self.lines[self.items[k]].text(self.text));
        slot.set(Some(v));
        v
    }

    /// For fitting a line-break scorer offline (`trace_line_breaks`): the pages it would decide
    /// are raw OCR lines (blank lines between some of them, not all) wrapped at a column width,
    /// of the size it was fitted on; their page-level evidence is computed only when traced.
    fn facts(&self) -> Option<PageFacts> {
        (!self.uniform
            && !self.reflowed
            && self.wrapped
            && self.body_lines >= break_score::MIN_LINES)
            .then(|| {
                PageFacts::new(
                    self.text,
                    self.lines,
                    self.items,
                    &self.item_width,
                    &self.item_ends,
                    self.full,
                    self.blank_breaks,
                )
            })
    }

    /// True when the page is Latin text (under a tenth of its visible chars wide: curly quotes
    /// and dashes count as noise only there) with OCR noise (see [`NOISY_PAGE`]).
    fn noisy_latin(&self) -> bool {
        let (noise, wide) = *self
            .noise
            .get_or_init(|| break_score::page_noise(self.text, self.lines, self.items));
        wide < 0.1 && noise >= NOISY_PAGE
    }

    /// The break between items `k` and `k + 1`, unless one of them is empty.
    fn break_at(&self, k: usize) -> Option<Break<'p>> {
        let (a, b) = (&self.lines[self.items[k]], &self.lines[self.items[k + 1]]);
        let (a_text, b_text) = (a.text(self.text), b.text(self.text));
        let (Some(a_last), Some(b_first)) = (a_text.chars().last(), b_text.chars().next()) else {
            return None;
        };
        Some(Break {
            k,
            a,
            b,
            a_text,
            b_text,
            blank: self.items[k + 1] > self.items[k] + 1,
            a_last,
            b_first,
            cjk: is_wide(a_last) || is_wide(b_first),
        })
    }

    /// What the rules that read the text say of a break (`paragraph_start`: the break before
    /// was kept, or this is the first).
    fn text_rules(&self, br: &Break<'_>, paragraph_start: bool) -> TextRules {
        let (k, full, cjk, blank) = (br.k, self.full, br.cjk, br.blank);
        let (wa, wb) = (self.item_width[k], self.item_width[k + 1]);
        let tolerance = if cjk {
            SHORT_TOLERANCE
        } else {
            SHORT_TOLERANCE / 2
        };
        let short = wa + tolerance < full;
        // An open line well short of the full width ends its paragraph when a blank line follows
        // on a page wrapped at a column width (OCR lost its final punctuation), and so does one
        // less than half the full width without a blank line. On a page whose widths do not
        // cluster at a column width (OCR of a degraded page lost pieces of its lines) the blank
        // line is the evidence left, so there it counts too. Not the first line, nor a line
        // without a CJK character (a bare number: missed furniture), and only before a line
        // that starts a paragraph of some width. Once reflowed, the page reads as reflowed text
        // (see above), so the break stays on the next cleaning.
        let open_end = cjk
            && short
            && wa * 5 < full * 4
            && (blank || wa * 2 < full)
            && !self.uniform
            && (self.wrapped || blank)
            && k > 0
            && br.a_text.chars().filter(|&c| is_wide(c)).count() >= 1
            && wb * 2 >= full;
        // Latin text on a noisy page: a full stop or colon at the end of a line before a word
        // in lower case is as often a speck that OCR read as a sentence end (`a particular
        // piece:` / `of hardware`).
        // A quote mark at the end of a line whose next line closes it (`如“` / `Students”）`)
        // opens a quotation that runs on: no sentence ends there, whatever mark OCR read.
        let ends_sentence = self.item_ends[k]
            && !(!cjk && blank && starts_lower(br.b_text) && self.noisy_latin() && !self.uniform)
            && !quote_runs_on(br.a_text, br.b_text);
        // Latin text: a comma before a blank line and a capitalised word is a full stop that
        // OCR misread (`…when running apt,` / `Running cron-apt…`).
        let comma_end =
            !cjk && blank && !self.uniform && br.a_last == ',' && starts_capitalised(br.b_text);
        // A first-line indent that OCR dropped: after a full line that ends a sentence, a line
        // just the indent (one and a half to two and a half ems) short of the full width that
        // runs on into a full line of the same block starts a paragraph; the wrapped lines of a
        // justified column are full. So it does after a blank line when the line before lost
        // its final mark (or OCR read it as a look-alike): the block the blank line opens
        // starts with the indent.
        let indented_start =
            cjk && (ends_sentence && !blank || blank && !self.uniform)
                && self.wrapped
                && (3..=5).contains(&full.saturating_sub(wb))
                && !self.item_ends[k + 1]
                && self.items.get(k + 2).is_some_and(|&c| {
                    c == self.items[k + 1] + 1 && self.item_width[k + 2] + 2 >= full
                });
        let standalone = paragraph_start
            && (wa <= STANDALONE_WIDTH || wa * 2 <= wb)
            && !self.fragment(br.k)
            && !br.a_text.contains(INNER_PUNCT);
        // A sentence that ends where the script changes (a Chinese line ending `。` before a
        // line of Latin text, or a Latin sentence before a line in a CJK script) ends its
        // paragraph more often than not: a mid-sentence wrap before a Latin term does not end
        // a sentence and is still joined (`我们使用` + `Python 编写`).
        let script_switch = ends_sentence && script_switch(br.a_text, br.b_text);
        // A mark that OCR reads for a degraded `。` (`*`, `=`, `<`, `>`, a quote) at the end of
        // a full line before a blank line is as often an opening quote that the line wrapped
        // after, or a speck, as a sentence end: only a short line counts it before a blank line.
        let blank_end = blank && (short || !(cjk && ends_in_look_alike(br.a_text)));
        let keep = (ends_sentence && (blank_end || short || !self.has_blanks))
            || script_switch
            || indented_start
            || comma_end
            || open_end;
        TextRules {
            indented_start,
            open_end,
            comma_end,
            keep,
            standalone,
        }
    }

    /// The lines that are never joined to their neighbour: bylines, a title that opens the
    /// page, standalone lines, furniture, and every line of a reflowed page.
    fn guarded(&self, br: &Break<'_>, rules: &TextRules) -> bool {
        is_byline(br.a_text)
            || (br.k == 0 && opens_title(br.a_text))
            || is_byline(br.b_text)
            || self.reflowed
            || rules.standalone
            || self.is_furniture[br.k]
            || self.is_furniture[br.k + 1]
    }

    /// The features of a break for a fitted scorer (see `break_score`).
    fn features(
        &self,
        facts: &PageFacts,
        br: &Break<'_>,
        rules: &TextRules,
        paragraph_start: bool,
    ) -> [f32; break_score::N] {
        let view = BreakView {
            text: self.text,
            lines: self.lines,
            items: self.items,
            item_width: &self.item_width,
            item_ends: &self.item_ends,
            k: br.k,
            blank: br.blank,
            cjk: br.cjk,
            prev_keep: paragraph_start,
            rules: [
                rules.indented_start,
                rules.open_end,
                rules.comma_end,
                rules.keep,
            ],
        };
        break_score::break_features(&view, facts)
    }
}

/// A line break between items `k` and `k + 1` of a page, whose lines `a` and `b` have text.
struct Break<'p> {
    k: usize,
    a: &'p Line,
    b: &'p Line,
    a_text: &'p str,
    b_text: &'p str,
    /// Blank lines between the two.
    blank: bool,
    a_last: char,
    b_first: char,
    /// A wide (CJK) character on either side.
    cjk: bool,
}

/// What the rules that read the text say of a break.
struct TextRules {
    /// A first-line indent that OCR dropped.
    indented_start: bool,
    /// An open line well short of the full width.
    open_end: bool,
    /// A comma that OCR read for a full stop.
    comma_end: bool,
    /// Their decision: the break is a paragraph break.
    keep: bool,
    /// The line before the break is a standalone line (a headline, a byline, a list item).
    standalone: bool,
}

/// Decides the breaks of one page, joining the soft wraps and stripping the indents of the
/// lines that start a paragraph; true when it made an edit.
fn join_page(
    run: &mut Run<'_>,
    page: &Page<'_>,
    memo: &mut PageMemo<'_>,
    sink: &mut EditSink<'_>,
) -> bool {
    let items = page.items;
    let facts = run.trace.as_ref().and_then(|_| page.facts());
    // A date line, and the line directly above it, stay as they are: joined, they could read
    // as a header or a publication title on the next cleaning. Asked only for breaks that
    // nothing else keeps (the test is costly), and at most once per line.
    let mut is_date_at = |j: usize| -> bool { items.get(j).is_some_and(|&i| memo.date_like(i)) };

    let mut edited = strip_indent(&page.lines[items[0]], sink);
    let mut paragraph_start = true;
    for k in 0..items.len().saturating_sub(1) {
        let Some(br) = page.break_at(k) else {
            continue;
        };
        let keep = if run.trace.is_none() && page.reflowed {
            // Every break of a reflowed page is guarded (see [`Page::guarded`]): kept whatever
            // the rules that read the text or the geometry say, so neither is asked.
            true
        } else {
            let rules = page.text_rules(&br, paragraph_start);
            let hint = run
                .context
                .line_break_in(TextRange::new(br.a.content.end, br.b.content.start));
            let text_break = match hint {
                Some(LineBreakHint::ParagraphBreak) => true,
                Some(LineBreakHint::Wrap) => false,
                None => rules.keep,
            };
            if let Some(trace) = run.trace.as_deref_mut() {
                let guard = page.guarded(&br, &rules)
                    || is_date_at(k)
                    || is_date_at(k + 1)
                    || is_date_at(k + 2);
                let features = facts
                    .as_ref()
                    .filter(|_| hint.is_none())
                    .map(|facts| page.features(facts, &br, &rules, paragraph_start));
                trace.push(BreakTrace {
                    start: br.a.content.end,
                    end: br.b.content.start,
                    features,
                    rules: rules.keep,
                    guard,
                    keep: text_break || guard,
                });
                text_break || guard
            } else {
                text_break
                    || page.guarded(&br, &rules)
                    || is_date_at(k)
                    || is_date_at(k + 1)
                    || is_date_at(k + 2)
            }
        };
        // A line that starts with a particle no Chinese sentence starts with (`的`, `们`)
        // continues the line before it, whatever its end or the page's layout said; furniture,
        // bylines and dates stay as they are.
        let continues = keep
            && starts_with_enclitic(br.b_text)
            && !page.is_furniture[k]
            && !page.is_furniture[k + 1]
            && !is_byline(br.a_text)
            && !is_date_at(k)
            && !is_date_at(k + 1);
        let keep = if continues {
            if let Some(last) = run.trace.as_deref_mut().and_then(|t| t.last_mut()) {
                last.keep = false;
            }
            false
        } else {
            keep
        };
        // On a page wrapped at a column width, a fragment (see [`is_fragment`]) joins the line
        // before it when that line does not end a sentence or the fragment ends the page, else
        // the line after it unless it ends a sentence itself (`的。`), whatever the geometry or
        // the rules said; furniture, bylines and dates stay as they are.
        // On a page without blank lines between some of its lines (one line per text box, as
        // RapidOCR emits it) a short line is as often the last line of a paragraph in a narrow
        // column: only specks count there.
        let piece = |j: usize| {
            if page.uniform {
                is_speck_line(page.lines[items[j]].text(page.text))
            } else {
                page.fragment(j)
            }
        };
        let fragment = page.wrapped
            && !page.reflowed
            && !page.is_furniture[k]
            && !page.is_furniture[k + 1]
            && ((piece(k + 1) && (!page.item_ends[k] || k + 2 == items.len()))
                || (paragraph_start && !page.item_ends[k] && piece(k)))
            && !is_byline(br.a_text)
            && !is_byline(br.b_text)
            && !(is_date_at(k) || is_date_at(k + 1) || is_date_at(k + 2));
        if fragment {
            // The traced decision (pushed above for this break) is the pass's.
            if let Some(last) = run.trace.as_deref_mut().and_then(|t| t.last_mut()) {
                last.keep = false;
            }
        }
        if keep && !fragment {
            edited |= strip_indent(br.b, sink);
            paragraph_start = true;
            continue;
        }
        let (rule, confidence) = if fragment && keep {
            ("fragment", 0.6)
        } else if br.blank {
            ("soft-wrap-blank", 0.75)
        } else {
            ("soft-wrap", 0.9)
        };
        let glue = run.glue(&br);
        let _ = sink.replace(br.a.content.end..br.b.content.start, glue, rule, confidence);
        edited = true;
        paragraph_start = false;
    }
    edited
}

impl Run<'_> {
    /// What replaces a soft wrap: nothing after a hyphen, an opening quote or between wide
    /// characters, one space between Latin words, and between a CJK letter and Latin text what
    /// the document's own spacing habit says.
    fn glue(&mut self, br: &Break<'_>) -> &'static str {
        let (a_last, b_first) = (br.a_last, br.b_first);
        // An opening quote at the line end (`“`, or a straight quote after a CJK char that
        // opens a pair: the line's straight quotes of its kind odd in number and no curly one
        // left open, `例如"` + `staff"`, not `“网络"`) takes no space after it.
        let a = br.a_text;
        let opening_quote = match a_last {
            '“' | '‘' => true,
            '"' | '\'' => {
                let (open, close) = if a_last == '"' {
                    ('“', '”')
                } else {
                    ('‘', '’')
                };
                a[..a.len() - 1].chars().next_back().is_some_and(is_wide)
                    && a.matches(a_last).count() % 2 == 1
                    && a.matches(open).count() <= a.matches(close).count()
            }
            _ => false,
        };
        // A curly quote takes no space from a Chinese letter on its inner side, as
        // `cjk-spacing` writes them (`用户` + `“坦` → `用户“坦`, `大小”` + `的` → `大小”的`).
        let quote_gap = (is_cjk_letter(a_last) && matches!(b_first, '“' | '‘'))
            || (matches!(a_last, '”' | '’') && is_cjk_letter(b_first));
        if a_last == '-' || opening_quote || quote_gap || (is_wide(a_last) && is_wide(b_first)) {
            ""
        } else if br.cjk {
            // Between a CJK letter and Latin text, as the document spaces its scripts; never
            // next to CJK punctuation (`地址；` + `LTSP`, `apt` + `，`).
            let wide = if is_wide(a_last) { a_last } else { b_first };
            let text = self.text;
            if wide.is_alphanumeric()
                && *self
                    .mixed_space
                    .get_or_insert_with(|| spaces_between_scripts(text))
            {
                " "
            } else {
                ""
            }
        } else {
            " "
        }
    }
}

/// True when the page's long lines (wider than half the full width, so headlines do not count)
/// nearly all end a sentence: its paragraphs are already one per line, and a line that does not
/// end a sentence is a heading or a fragment, not a wrap.
fn is_reflowed(
    item_width: &[usize],
    item_ends: &[bool],
    is_furniture: &[bool],
    full: usize,
) -> bool {
    let min_width = (2 * STANDALONE_WIDTH).max(full / 2);
    let (mut long, mut open) = (0usize, 0usize);
    for k in 0..item_width.len().saturating_sub(1) {
        if is_furniture[k] || item_width[k] <= min_width {
            continue;
        }
        long += 1;
        if !item_ends[k] {
            open += 1;
        }
    }
    long >= 3 && open * 5 < long
}

/// The median of `widths` (not empty).
fn median(widths: &[usize]) -> usize {
    let mut w = widths.to_vec();
    w.sort_unstable();
    w[w.len() / 2]
}

/// True when most lines of a page (their widths in `widths`) lie within a few half-em units of
/// the full width `full` (at least four of them): the text is wrapped at a column width, as OCR
/// emits it. Paragraphs that are one per line vary far more in width.
fn is_wrapped(widths: &[usize], full: usize) -> bool {
    let tolerance = SHORT_TOLERANCE.max(full / 8);
    let near = widths
        .iter()
        .filter(|&&w| w.abs_diff(full) <= tolerance)
        .count();
    near >= 4 && near * 3 >= widths.len()
}

/// True when the line `a` and the line `b` after it are in different scripts: `a` ends in a
/// wide character (CJK punctuation or a letter) and `b` is Latin text without any wide
/// character, or `a` has no wide character and `b` starts with a CJK letter. Latin text means
/// at least two ASCII letters (a bare number or a mark is no line of another script).
fn script_switch(a: &str, b: &str) -> bool {
    let latin = |s: &str| {
        !s.chars().any(is_wide) && s.bytes().filter(u8::is_ascii_alphabetic).take(2).count() == 2
    };
    match (a.chars().last(), b.chars().next()) {
        (Some(a_last), Some(_)) if is_wide(a_last) => a.chars().any(is_cjk_letter) && latin(b),
        (Some(_), Some(b_first)) => is_cjk_letter(b_first) && latin(a),
        _ => false,
    }
}

/// True when the CJK line `a` ends, after stray marks, in a quote mark that the line `b` after
/// it closes: the first quote mark of `b`, before any sentence-final mark, is a closing one
/// (`”`; `’` or `'` not between two letters, where it is an apostrophe; `"` after a Latin letter
/// or digit or before anything but a letter), as in `共享组（如"` / `staff"）`. Such a quote
/// opens a quotation that runs on across the break; OCR's reading of a degraded `。` as `“`
/// (`章节“` / `还要…`) is not closed by the next line. Lines of Latin text keep their own rule
/// (a quote ends a sentence only after `.!?`).
fn quote_runs_on(a: &str, b: &str) -> bool {
    let opens = |c: char| matches!(c, '“' | '‘' | '"' | '\'');
    if !strip_noise_tail(a, false)
        .chars()
        .next_back()
        .is_some_and(opens)
        || !a.chars().any(is_wide)
    {
        return false;
    }
    let mut prev: Option<char> = None;
    let mut it = b.chars().peekable();
    while let Some(c) = it.next() {
        let before_letter = it.peek().is_some_and(|n| n.is_alphanumeric());
        match c {
            '”' => return true,
            '’' | '\'' if !(prev.is_some_and(char::is_alphanumeric) && before_letter) => {
                return true
            }
            '"' => return prev.is_some_and(|p| p.is_ascii_alphanumeric()) || !before_letter,
            '“' | '‘' | '。' | '！' | '？' | '!' | '?' => return false,
            _ => {}
        }
        prev = Some(c);
    }
    false
}

/// True when `s` starts with a Latin letter in lower case, after opening quotes (`‘the`).
fn starts_lower(s: &str) -> bool {
    s.trim_start_matches(['“', '"', '‘', '\''])
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase())
}

/// True when `s` starts with a capitalised Latin word (`Running`, not `RAM` or `apt`), after
/// opening quotes (`“The`).
fn starts_capitalised(s: &str) -> bool {
    let mut it = s.trim_start_matches(['“', '"', '‘', '\'']).chars();
    matches!((it.next(), it.next()), (Some(a), Some(b)) if a.is_ascii_uppercase() && b.is_ascii_lowercase())
}

/// A line of at most two visible chars that is no word: one char, or two that are Latin letters,
/// a letter and a digit, or CJK letters that make no word of the dictionary (`ES`, `2和`, `人了`;
/// not `苹果`). OCR reads such lines from specks; they are no headline or paragraph of their own.
fn is_speck_line(s: &str) -> bool {
    match visible_chars_upto(s, 3) {
        3 => false,
        2 => {
            let word: String = s.chars().filter(|c| !c.is_whitespace()).collect();
            !(word.chars().all(is_cjk_letter)
                && ocrtidy_lexicon::Lexicon::embedded().freq(&word).is_some())
        }
        _ => true,
    }
}

/// A line of at most five visible chars that reads as a piece of a printed line rather than a
/// headline: a speck line (see [`is_speck_line`]), marks and Latin words of at most two letters
/// with or without CJK letters (`3 So`, `Ra 站`; not `Git 入门`), or CJK letters that do not
/// split into words of the dictionary with at most one single char among them (`以使用网`,
/// `引导莱音`; not `安装步骤`, `第一章`, `短标题`), with at most digits and marks beside them
/// (`[二状 4`; not `图 12`). OCR cuts such pieces from lines of a degraded page or of a
/// neighbouring column; they are no paragraph of their own.
fn is_fragment(s: &str) -> bool {
    match visible_chars_upto(s, FRAGMENT_CHARS + 1) {
        0..=2 => return is_speck_line(s),
        n if n > FRAGMENT_CHARS => return false,
        _ => {}
    }
    let cjk: String = s.chars().filter(|&c| is_cjk_letter(c)).collect();
    let latin_word = s
        .split(|c: char| !c.is_ascii_alphabetic())
        .map(str::len)
        .max()
        .unwrap_or(0);
    if cjk.is_empty() || latin_word > 0 {
        // A Latin word of three letters or more is a word (`Git 入门`, `SSH 配置`).
        return latin_word < 3;
    }
    cjk.chars().nth(1).is_some() && !splits_into_words(&cjk)
}

/// True when the CJK letters `s` split into words of the dictionary with at most one single
/// char among them (`安装步骤`, `短标题`; not `以使用网`).
fn splits_into_words(s: &str) -> bool {
    let lexicon = ocrtidy_lexicon::Lexicon::embedded();
    let ends: Vec<usize> = s.char_indices().map(|(i, c)| i + c.len_utf8()).collect();
    // `singles[j]`: the fewest single chars in a split of the first `j` chars into words.
    let mut singles = vec![usize::MAX; ends.len() + 1];
    singles[0] = 0;
    for j in 1..=ends.len() {
        let start = |i: usize| if i == 0 { 0 } else { ends[i - 1] };
        singles[j] = singles[j - 1].saturating_add(1);
        for i in 0..j - 1 {
            if singles[i] < singles[j] && lexicon.freq(&s[start(i)..ends[j - 1]]).is_some() {
                singles[j] = singles[i];
            }
        }
    }
    singles[ends.len()] <= 1
}

/// True when the line `s` starts with a Chinese particle that attaches to the word before it and
/// starts no sentence: `的` (not in `的确`, `的士`, `的哥`) or `们`. OCR that reads a line with
/// such a start after a sentence end misread the end (`有一个主服务器；` / `的原因是…`), or the
/// line is the rest of a paragraph whose lines it took for paragraphs.
fn starts_with_enclitic(s: &str) -> bool {
    let mut it = s.chars();
    match it.next() {
        Some('的') => !matches!(it.next(), Some('确' | '士' | '哥') | None),
        Some('们') => it.next().is_some(),
        _ => false,
    }
}

/// A short line entirely in brackets, as a byline or a source note: `（李俊华）`.
fn is_byline(s: &str) -> bool {
    let bracketed =
        (s.starts_with('（') && s.ends_with('）')) || (s.starts_with('(') && s.ends_with(')'));
    bracketed && width(s) <= 2 * STANDALONE_WIDTH
}

/// Deletes the indent of `line`; true when it has one.
fn strip_indent(line: &Line, sink: &mut EditSink<'_>) -> bool {
    if line.indented() {
        let _ = sink.delete(
            line.range.start..line.content.start,
            "first-line-indent",
            0.9,
        );
    }
    line.indented()
}

/// Punctuation inside a sentence: a line containing it is not a standalone heading.
pub(crate) const INNER_PUNCT: &[char] = &['，', '。', '、', '；', '：', ',', ';', ':'];

/// Characters that end a sentence (or a standalone unit) at a line end, including the symbols
/// that OCR reads for a degraded `。` or `”` (an opening quote cannot end a printed CJK line).
pub(crate) fn is_final(c: char) -> bool {
    matches!(
        c,
        '。' | '！'
            | '？'
            | '!'
            | '?'
            | '；'
            | ';'
            | '：'
            | ':'
            | '…'
            | '”'
            | '」'
            | '』'
            | '）'
            | ')'
            | '.'
            | '．'
            | '“'
            | '‘'
            | '*'
            | '='
            | '"'
            | '\''
            | '’'
            | '<'
            | '>'
    )
}

/// True when the CJK line `s` ends, after stray marks, in one of the marks that OCR reads for a
/// degraded `。` or `”` (`*`, `=`, `<`, `>`, straight and curly quotes) rather than in real
/// final punctuation.
fn ends_in_look_alike(s: &str) -> bool {
    strip_noise_tail(s, false)
        .chars()
        .next_back()
        .is_some_and(|c| matches!(c, '*' | '=' | '<' | '>' | '"' | '\'' | '’' | '“' | '‘'))
}

/// True when the line `s` ends a sentence (or a standalone unit).
///
/// Trailing noise goes first: a short token of stray marks after a space (`piece :`, `的 、`)
/// is what OCR reads from specks in the margin, not the line's last word. Then Chinese and
/// mixed lines end a sentence on a final character (see [`is_final`]). Lines without a wide
/// character follow Latin typography: `.` `!` `?` `:` `;` `…` end a sentence, a closing quote
/// or bracket only after one of them (`said."`), and `*` `=` or an opening quote never (they
/// stand for a degraded `。` only in Chinese text).
pub(crate) fn ends_sentence(s: &str) -> bool {
    // Quick answers: an ASCII line has no wide char, and a lead byte `E5`..`E9` starts a
    // unified ideograph (U+5000..U+9FFF).
    let latin =
        s.is_ascii() || !(s.bytes().any(|b| (0xE5..=0xE9).contains(&b)) || s.chars().any(is_wide));
    let core = strip_noise_tail(s, latin);
    let core = if latin {
        strip_stray_letter(core)
    } else {
        core
    };
    let mut rev = core.chars().rev();
    let Some(last) = rev.next() else {
        return false;
    };
    if !latin {
        // A bracket that closes right after a Latin word or a number (`grep(1)`, `(kill)`,
        // `（热键 E）`) holds a reference or a gloss inside a Chinese sentence: the sentence goes on
        // after it, and ends with its own `。`.
        if matches!(last, ')' | '）') && rev.next().is_some_and(|c| c.is_ascii_alphanumeric()) {
            return false;
        }
        return is_final(last) || stop_before_specks(core) || misread_stop(core);
    }
    match last {
        // An initial or an abbreviation of single letters (`Susan G.`, `e.g.`) ends no sentence.
        '.' => !core.rsplit(page::is_space).next().is_some_and(|w| {
            w.split('.')
                .all(|p| p.chars().count() <= 1 && p.chars().all(char::is_alphabetic))
        }),
        '!' | '?' | ':' | ';' | '…' => true,
        '"' | '\'' | '’' | '”' | ')' | ']' => rev
            .find(|c| !matches!(c, '"' | '\'' | '’' | '”' | ')' | ']'))
            .is_some_and(|c| matches!(c, '.' | '!' | '?')),
        _ => false,
    }
}

/// True when the CJK line `core` ends in a lone Latin `o` right after a CJK letter, glued or
/// after spaces (`安装完成 o`, `目录o`): OCR's reading of a faint `。`. A Chinese sentence ends
/// in no Latin word of one letter; a Latin word that ends in `o` (`使用 foo`, `Hello`) or a
/// lone `o` after a Latin word or a digit is left alone.
fn misread_stop(core: &str) -> bool {
    let Some(head) = core.strip_suffix('o') else {
        return false;
    };
    head.trim_end_matches(page::is_space)
        .chars()
        .next_back()
        .is_some_and(is_cjk_letter)
}

/// True when a CJK line ends in a full stop (`。！？；`) followed directly by one or two stray
/// marks (`完成了。，`, `会话。-`, `通信。、|`): no printed sentence puts a comma, a dash or a bar
/// right after its full stop, so they are specks that OCR read in the margin of a degraded page
/// (glued, unlike the tokens [`strip_noise_tail`] drops).
fn stop_before_specks(core: &str) -> bool {
    let speck = |c: char| {
        matches!(
            c,
            '，' | ',' | '、' | '-' | '—' | '|' | '.' | '·' | '`' | '~' | '_' | '^' | '•'
        )
    };
    let mut rev = core.chars().rev();
    let mut marks = 0;
    for c in rev.by_ref() {
        if speck(c) {
            marks += 1;
            if marks > 2 {
                return false;
            }
        } else {
            return marks > 0 && matches!(c, '。' | '！' | '？' | '；');
        }
    }
    false
}

/// The Latin line `core` (after [`strip_noise_tail`]) without a last token of one ASCII letter
/// that is no word (not `a`, `A` or `I`) after a sentence end (`upgraded. k`, `system?*). : g`):
/// a speck that OCR read as a letter, not the start of a sentence cut by the line end.
fn strip_stray_letter(core: &str) -> &str {
    let Some(cut) = core.rfind(page::is_space) else {
        return core;
    };
    let token = &core[cut..].trim_start_matches(page::is_space);
    let stray = token.len() == 1
        && token.bytes().all(|b| b.is_ascii_alphabetic())
        && !matches!(*token, "a" | "A" | "I");
    if !stray {
        return core;
    }
    let head = strip_noise_tail(core[..cut].trim_end_matches(page::is_space), true);
    let ends = head
        .trim_end_matches(['"', '\'', '’', '”', ')', ']'])
        .ends_with(['.', '!', '?']);
    if ends {
        head
    } else {
        core
    }
}

/// `s` without trailing tokens of stray marks: whitespace-separated tokens of at most two
/// characters, all of them marks that OCR reads from specks (`:` and `;` only in Latin text,
/// where a space never precedes them; a lone `。` or `.` is never dropped).
pub(crate) fn strip_noise_tail(s: &str, latin: bool) -> &str {
    let noise = |c: char| {
        matches!(
            c,
            ',' | '*'
                | '='
                | '"'
                | '\''
                | '`'
                | '~'
                | '|'
                | '_'
                | '-'
                | '—'
                | '«'
                | '»'
                | '‘'
                | '’'
                | '“'
                | '”'
                | '•'
                | '·'
                | '°'
                | '¢'
                | '©'
                | '^'
                | '、'
                | '，'
        ) || (latin && matches!(c, ':' | ';'))
    };
    let mut core = s.trim_end_matches(page::is_space);
    loop {
        // The last token can only be noise when the last char is (a quick answer for most
        // lines, without searching back for a space).
        if !core.chars().next_back().is_some_and(noise) {
            return core;
        }
        let Some(cut) = core.rfind(page::is_space) else {
            return core;
        };
        let token = core[cut..].trim_start_matches(page::is_space);
        let head = core[..cut].trim_end_matches(page::is_space);
        if head.is_empty() || token.chars().count() > 2 || !token.chars().all(noise) {
            return core;
        }
        core = head;
    }
}

/// True when the text writes a space between CJK and Latin letters or digits more often than
/// not (`使用 apt 命令` against `使用apt命令`).
fn spaces_between_scripts(text: &str) -> bool {
    // Each character's class: wide, ASCII letter or digit, a plain space, or anything else.
    #[derive(Clone, Copy, PartialEq)]
    enum Class {
        Wide,
        Alnum,
        Space,
        Other,
    }
    let class = |c: char| {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                Class::Alnum
            } else if c == ' ' {
                Class::Space
            } else {
                Class::Other
            }
        } else if is_wide(c) {
            Class::Wide
        } else {
            Class::Other
        }
    };
    // Every pair or triple that counts holds exactly one ASCII letter or digit (the other end
    // is wide): look around each of them, with no decoding of the text between.
    let before = |end: usize| text[..end].chars().next_back().map_or(Class::Other, class);
    let after = |start: usize| text[start..].chars().next().map_or(Class::Other, class);
    let (mut spaced, mut tight) = (0usize, 0usize);
    // Only the ends of a run of them can touch a wide char. Chinese text has few of them: the
    // search skips a block without one at a time.
    let b = text.as_bytes();
    let next_alnum = |from: usize| {
        const BLOCK: usize = 32;
        let mut k = from;
        while k < b.len() {
            let end = (k + BLOCK).min(b.len());
            let block = &b[k..end];
            if block
                .iter()
                .fold(false, |any, c| any | c.is_ascii_alphanumeric())
            {
                return block
                    .iter()
                    .position(u8::is_ascii_alphanumeric)
                    .map(|i| k + i);
            }
            k = end;
        }
        None
    };
    let mut from = 0;
    while let Some(p) = next_alnum(from) {
        let q = b[p..]
            .iter()
            .position(|c| !c.is_ascii_alphanumeric())
            .map_or(b.len(), |k| p + k);
        // ASCII bytes are whole chars, and a plain space one byte: all positions are char
        // boundaries.
        match before(p) {
            Class::Wide => tight += 1,
            Class::Space if before(p - 1) == Class::Wide => spaced += 1,
            _ => {}
        }
        match after(q) {
            Class::Wide => tight += 1,
            Class::Space if after(q + 1) == Class::Wide => spaced += 1,
            _ => {}
        }
        from = q;
    }
    spaced > tight
}

/// Every line break of `text` as [`LineJoin`] decides it without context: where it is, the
/// features a fitted scorer would read, the rules' decision, the guards and the final decision.
/// For fitting a scorer offline (`scripts/fit_line_breaks.py`); not part of the stable API.
#[doc(hidden)]
pub fn trace_line_breaks(text: &str) -> Vec<BreakTrace> {
    let mut out = Vec::new();
    join_text(
        text,
        &Context::default(),
        &mut EditSink::new(text),
        Some(&mut out),
        None,
    );
    out
}

#[cfg(test)]
mod tests {
    use super::{ends_sentence, spaces_between_scripts, trace_line_breaks, LineJoin};
    use ocrtidy_core::{Context, LineBreakHint, Runner};

    #[test]
    fn traced_breaks_are_the_decisions_of_the_pass() {
        // A raw OCR page: lines wrapped at a column width, blank lines between three blocks.
        let text: Vec<char> = "软件包管理系统负责安装升级和删除系统里的各种程序并且自动处理依赖"
            .chars()
            .collect();
        let mut page = String::new();
        for k in 0..14 {
            page.extend((0..24).map(|i| text[(k + i) % text.len()]));
            page.push_str(match k {
                4 | 9 => "。\n\n",
                _ => "\n",
            });
        }
        let traced = trace_line_breaks(&page);
        assert_eq!(traced.len(), 13);
        assert!(traced.iter().all(|t| t.features.is_some()));
        let kept: Vec<usize> = (0..13).filter(|&k| traced[k].keep).collect();
        assert_eq!(kept, vec![4, 9]);
        assert_eq!(&page[traced[4].start..traced[4].end], "\n\n");
        let cleaned = Runner::new(vec![Box::new(LineJoin)]).run(&page, &Context::default());
        assert_eq!(cleaned.text.matches('\n').count(), 2 * 2 + 1);
        // Reflowed text (one paragraph per line) is not a page a scorer decides.
        let traced = trace_line_breaks("第一段写完了。\n第二段也写完了。\n第三段。\n第四段。");
        assert_eq!(traced.len(), 3);
        assert!(traced.iter().all(|t| t.features.is_none() && t.keep));
    }

    /// Runs the pass on `marked`, where `¶` is a `\n` with a paragraph-break hint, `↵` one
    /// with a wrap hint and `\n` one without; returns the text and the rules applied.
    fn join_hinted(marked: &str) -> (String, Vec<&'static str>) {
        let mut text = String::new();
        let mut hints = Vec::new();
        for c in marked.chars() {
            match c {
                '¶' => hints.push((text.len(), LineBreakHint::ParagraphBreak)),
                '↵' => hints.push((text.len(), LineBreakHint::Wrap)),
                _ => {}
            }
            text.push(if matches!(c, '¶' | '↵') { '\n' } else { c });
        }
        let context = Context::default().with_line_breaks(hints);
        let cleaned = Runner::new(vec![Box::new(LineJoin)]).run(&text, &context);
        let rules = cleaned.changes.iter().map(|c| c.rule).collect();
        (cleaned.text, rules)
    }

    #[test]
    fn geometry_hints_decide_breaks_the_text_cannot() {
        // (input with hints, output, rules)
        let cases: &[(&str, &str, &[&str])] = &[
            // A paragraph break from the geometry is kept where the text would join (OCR lost
            // the final punctuation)…
            (
                "第一段的最后一行没有句号¶¶第二段从这里开始写",
                "第一段的最后一行没有句号\n\n第二段从这里开始写",
                &[],
            ),
            // …and a wrap is joined where the text would keep (a full line ends a sentence).
            (
                "这一行写到行尾正好是句号。↵下一行接着写同一段落的",
                "这一行写到行尾正好是句号。下一行接着写同一段落的",
                &["soft-wrap"],
            ),
            // Without hints, the same lines follow the text's rules.
            (
                "第一段的最后一行没有句号\n\n第二段从这里开始写",
                "第一段的最后一行没有句号第二段从这里开始写",
                &["soft-wrap-blank"],
            ),
            (
                "这一行写到行尾正好是句号。\n下一行接着写同一段落的",
                "这一行写到行尾正好是句号。\n下一行接着写同一段落的",
                &[],
            ),
            // Keep: a wrap hint never glues a byline or a short headline to the next line.
            (
                "（李俊华）↵本报讯今天上午在市中心举行了",
                "（李俊华）\n本报讯今天上午在市中心举行了",
                &[],
            ),
            (
                "短标题↵这一行是正文的第一行写得很长很长↵第二行",
                "短标题\n这一行是正文的第一行写得很长很长第二行",
                &["soft-wrap"],
            ),
        ];
        for &(input, want, rules) in cases {
            let (got, got_rules) = join_hinted(input);
            assert_eq!(got, want, "{input:?}");
            assert_eq!(got_rules, rules, "{input:?}: rules");
        }
    }

    #[test]
    fn fragments_join_whatever_the_geometry_says() {
        // A page wrapped at a column width: full lines around the break under test.
        let page = |middle: &str| {
            let full = "软件包管理系统负责安装升级和删除程序↵";
            format!("{full}{full}{full}{middle}{full}{full}自动处理依赖关系。")
        };
        // (the break under test, its output, rules)
        let cases: &[(&str, &str, &[&str])] = &[
            // A fragment that the geometry made a paragraph of its own joins the next line
            // after a sentence end, the line before it otherwise…
            (
                "第一段写到这里结束了。¶¶以使用网¶",
                "第一段写到这里结束了。\n\n以使用网",
                &["fragment"],
            ),
            (
                "第一段写到这里还没有¶¶以使用网¶",
                "第一段写到这里还没有以使用网\n",
                &["fragment"],
            ),
            // …but a headline made of words stays.
            (
                "第一段写到这里结束了。¶¶第一章¶",
                "第一段写到这里结束了。\n\n第一章\n",
                &[],
            ),
        ];
        for &(middle, want, rules) in cases {
            let (got, got_rules) = join_hinted(&page(middle));
            let want = page(want).replace('↵', "");
            assert_eq!(got, want, "{middle:?}");
            let got_rules: Vec<&str> = got_rules
                .into_iter()
                .filter(|&r| r != "soft-wrap")
                .collect();
            assert_eq!(got_rules, rules, "{middle:?}: rules");
        }
    }

    #[test]
    fn spacing_habit_between_scripts() {
        let cases: &[(&str, bool)] = &[
            ("使用 apt 命令安装，再用 dpkg 检查", true),
            ("使用apt命令安装，再用dpkg检查", false),
            ("使用 apt命令安装", false),
            ("plain English text", false),
            ("中文没有拉丁字母", false),
            ("", false),
        ];
        for &(text, expected) in cases {
            assert_eq!(spaces_between_scripts(text), expected, "{text:?}");
        }
    }

    #[test]
    fn sentence_ends() {
        // (line, ends a sentence)
        let cases: &[(&str, bool)] = &[
            // Chinese: final punctuation, also with OCR's space before it and degraded forms.
            ("系统会自动重新启动。", true),
            ("系统会自动重新启动 。", true),
            ("请运行 :", true),
            ("系统会自动重新启动*", true),
            ("（李俊华）", true),
            // A bracket closing a reference or a gloss in Latin letters goes on.
            ("这些脚本会调用 grep(1)", false),
            ("可以编辑其属性（热键 E）", false),
            ("请参见手册页（man 1 ls）。", true),
            ("系统会自动检查依赖关", false),
            ("系统会自动检查依赖，", false),
            // Stray marks after a space are dropped first.
            ("系统会自动重新启动。 、", true),
            ("系统会自动检查依赖关 、", false),
            ("系统会自动检查依赖关 ，，", false),
            // A full stop with specks glued after it still ends the sentence; a colon or an
            // ellipsis before them, or three marks, do not count.
            ("系统会自动重新启动。，", true),
            ("系统会自动重新启动。-|", true),
            ("系统会自动重新启动；、", true),
            ("系统会自动重新启动：，", false),
            ("系统会自动重新启动。，，，", false),
            ("系统会自动重新启动，", false),
            // A lone `o` after a CJK letter is a faint `。` that OCR read as a letter.
            ("系统会自动重新启动 o", true),
            ("系统会自动重新启动o", true),
            ("然后运行命令 foo", false),
            ("请选择第 2 o", false),
            // Latin: sentence punctuation, a closing quote only after it.
            ("The system is ready now.", true),
            ("Is the system ready?", true),
            ("Run the following command:", true),
            ("He said “it is ready.”", true),
            ("(see the manual page.)", true),
            ("the library called”", false),
            ("the packages (see below)", false),
            ("the packages that the system *", false),
            ("the packages that the system*", false),
            ("the packages that the :", false),
            ("the packages were upgraded. ;", true),
            // A stray letter after a sentence end is a speck; a word of one letter is not.
            ("the packages were upgraded. k", true),
            ("the packages were upgraded?*). : g", true),
            ("the packages were upgraded. a", false),
            ("the packages were upgraded and k", false),
            // Initials and abbreviations of single letters do not end a sentence.
            ("written by Susan G.", false),
            ("written by J.H.M.", false),
            ("options, e.g.", false),
            ("This is version 2.", true),
            ("", false),
            ("。", true),
        ];
        for &(line, expected) in cases {
            assert_eq!(ends_sentence(line), expected, "{line:?}");
        }
    }
}

#[cfg(test)]
mod memory_tests {
    use super::{join_text, LineJoin};
    use ocrtidy_core::{
        Context, EditSink, LineBreakHint, Pass, PassId, PassInput, PassKind, PassMemory, PassSpec,
        RuleSpec, Runner,
    };

    /// The pass without its memory: every page decided anew in every round.
    struct Forgetful;

    impl Pass for Forgetful {
        fn spec(&self) -> &'static PassSpec {
            &LineJoin::SPEC
        }
        fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
            join_text(input.text, input.context, sink, None, None);
        }
    }

    /// The pass tracing its breaks, which decides every break by all its rules (the pass
    /// alone keeps the breaks of a reflowed page without asking them).
    struct Traced;

    impl Pass for Traced {
        fn spec(&self) -> &'static PassSpec {
            &LineJoin::SPEC
        }
        fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
            let mut trace = Vec::new();
            join_text(input.text, input.context, sink, Some(&mut trace), None);
        }
    }

    static EAT: PassSpec = PassSpec {
        id: PassId::new("eat-hash"),
        summary: "",
        kind: PassKind::Character,
        removes_text: true,
        rerun: true,
        local: false,
        written_back: false,
        rules: &[RuleSpec {
            id: "eat",
            explain: "",
        }],
    };

    /// Deletes the first `#` of the text in each round: the page that holds it changes in
    /// later rounds while the others settle.
    struct EatHash;

    impl Pass for EatHash {
        fn spec(&self) -> &'static PassSpec {
            &EAT
        }
        fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
            if let Some(i) = input.text.find('#') {
                let _ = sink.delete(i..i + 1, "eat", 1.0);
            }
        }
    }

    /// A pseudo-random text of `lines` lines of one to `words` of `pieces` each, every line
    /// ended by a page break, a blank line or a line feed, and, when `hinted`, geometry hints
    /// (wrap or paragraph break) at some of its line feeds: the text and its hints.
    fn random_pages(
        pieces: &[&str],
        next: &mut impl FnMut(usize) -> usize,
        lines: usize,
        words: usize,
        hinted: bool,
    ) -> (String, Vec<(usize, LineBreakHint)>) {
        let mut text = String::new();
        let mut hints = Vec::new();
        for _ in 0..lines {
            for _ in 0..next(words) + 1 {
                text.push_str(pieces[next(pieces.len())]);
            }
            match next(12) {
                0 => text.push('\u{c}'),
                1 | 2 => text.push_str("\n\n"),
                _ => {
                    if hinted && next(4) == 0 {
                        let hint = if next(2) == 0 {
                            LineBreakHint::Wrap
                        } else {
                            LineBreakHint::ParagraphBreak
                        };
                        hints.push((text.len(), hint));
                    }
                    text.push('\n');
                }
            }
        }
        (text, hints)
    }

    #[test]
    fn settled_pages_decide_as_pages_decided_anew() {
        // Pages of pseudo-random lines (Chinese and Latin, wrapped and short, indented, with
        // and without final marks, blank lines, page numbers, `#` that another pass eats one
        // per round), with and without geometry hints: the pass with its memory changes what
        // the pass without it changes, in every round.
        let pieces = [
            "软件包管理系统负责安装升级和删除系统里的各种程序",
            "并且自动处理依赖",
            "。",
            "，",
            "The quick brown fox jumps over the lazy dog",
            " and more",
            ".",
            "#",
            "的",
            "12",
            "2021年3月18日 星期四",
            "　　",
            "  ",
        ];
        let mut rng = ocrtidy_core::testing::Lcg::new(0x9e37_79b9_7f4a_7c15);
        let mut next = |n: usize| rng.below(n);
        for round in 0..300 {
            let lines = next(40) + 1;
            let (text, hints) = random_pages(&pieces, &mut next, lines, 4, round % 3 == 0);
            let context = Context::default().with_line_breaks(hints);
            let kept =
                Runner::new(vec![Box::new(LineJoin), Box::new(EatHash)]).run(&text, &context);
            let anew =
                Runner::new(vec![Box::new(Forgetful), Box::new(EatHash)]).run(&text, &context);
            assert_eq!(kept.text, anew.text, "{text:?}");
            assert_eq!(kept.changes, anew.changes, "{text:?}");
            assert_eq!(kept.stats.rounds, anew.stats.rounds, "{text:?}");
        }
    }

    #[test]
    fn reflowed_pages_decide_as_by_all_rules() {
        // Pages of pseudo-random lines (paragraphs, wrapped and short lines, with and without
        // final marks, lines that start with `的`, blank lines, page numbers), with and without
        // geometry hints, cleaned over several rounds (the later rounds read the paragraphs the
        // first joined): the pass, which skips the rules on a reflowed page, changes what the
        // traced pass, which asks them of every break, changes.
        let pieces = [
            "软件包管理系统负责安装升级和删除系统里的各种程序",
            "并且自动处理依赖",
            "。",
            "，",
            "The quick brown fox jumps over the lazy dog",
            " and more",
            ".",
            "的",
            "12",
            "2021年3月18日 星期四",
            "　　",
            "第一段写完了。",
        ];
        let mut rng = ocrtidy_core::testing::Lcg::new(0x2545_f491_4f6c_dd1d);
        let mut next = |n: usize| rng.below(n);
        for round in 0..400 {
            // Every other text of long lines, as a cleaned text has them.
            let words = if round % 2 == 0 { 4 } else { 12 };
            let lines = next(30) + 1;
            let (text, hints) = random_pages(&pieces, &mut next, lines, words, round % 3 == 0);
            let context = Context::default().with_line_breaks(hints);
            let plain = Runner::new(vec![Box::new(Forgetful)]).run(&text, &context);
            let traced = Runner::new(vec![Box::new(Traced)]).run(&text, &context);
            assert_eq!(plain.text, traced.text, "{text:?}");
            assert_eq!(plain.changes, traced.changes, "{text:?}");
            let again = Runner::new(vec![Box::new(Forgetful)]).run(&plain.text, &context);
            let again_traced = Runner::new(vec![Box::new(Traced)]).run(&plain.text, &context);
            assert_eq!(again.text, again_traced.text, "{:?}", plain.text);
        }
    }

    #[test]
    fn a_settled_page_is_decided_again_when_its_hints_change() {
        // The second page keeps its break from the text alone; a wrap hint joins it.
        let text = "甲乙。\u{c}第一行写完了。\n第二行也写完了。";
        let memory = PassMemory::default();
        let edits = |context: &Context| {
            let mut sink = EditSink::new(text);
            LineJoin.run(&PassInput::new(text, context, &memory), &mut sink);
            sink.len()
        };
        assert_eq!(edits(&Context::default()), 0);
        assert_eq!(edits(&Context::default()), 0);
        let at = text.find('\n').unwrap();
        let hinted = Context::default().with_line_breaks(vec![(at, LineBreakHint::Wrap)]);
        assert_eq!(edits(&hinted), 1);
    }
}
