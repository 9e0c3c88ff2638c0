use std::collections::HashMap;
use std::ops::Range;

use ocrtidy_core::text::distance::levenshtein_within;
use ocrtidy_core::text::{Bias, Edit, EditSet, OffsetMap, TextRange};
use ocrtidy_core::{
    Candidate, EditSink, FurnitureHint, Pass, PassId, PassInput, PassKind, PassSpec, RuleSpec,
};

use crate::page::{self, is_space, visible_chars, Line};

/// Removes page furniture: running headers and footers, page numbers and continuation markers.
///
/// Pages are split at `\f`. Evidence is per page first, so that one page on its own is cleaned:
/// - at the top of a page (before the first body line): a date line (`2021年3月18日 星期四`,
///   `Monday, March 15, 2021`), a header that OCR merged from a title and a date with a run of
///   spaces, a short title line without sentence punctuation directly above a date line or in
///   `《…》`, page numbers and continuation markers;
/// - at the bottom of a page: page numbers (`12`, `- 12 -`, `— 4 —`, `第3版`, `第 3 页`,
///   `Page 3 of 10`), continuation markers and date lines;
/// - anywhere, as a line of its own: continuation markers (`（下转第2版）`, `（上接第1版）`,
///   `(continued on page 4)`) and unambiguous page labels (`第3版`, `Page 3`, `— 4 —`);
/// - across pages (when the text has several): a first or last line of at least two pages
///   that is the same once digits are normalised (repeated, so a header of several lines goes
///   line by line).
///
/// Evidence from the page geometry comes first: when the [`Context`] carries the layout's
/// furniture lines (running headers and footers, page numbers found by their position on the
/// page, see `Context::with_furniture`), each is removed as a change of its own, with the line
/// breaks that set it apart from the body (those after a header, those before a footer), which
/// gives the text a layout that leaves them out gives. The text rules then run on the rest of
/// the text as if those lines were not there.
///
/// The whole line and its line break are removed; a form feed is never touched. With
/// [`Furniture::keep`] the lines stay and each is recorded as a suggestion with its rule id.
///
/// Rules: `layout-header`, `layout-footer` (from the geometry, confidence 0.95),
/// `running-header`, `running-title`, `page-number`, `continuation-marker`, `recurring-line`.
///
/// [`Context`]: ocrtidy_core::Context
#[derive(Debug, Default, Clone)]
pub struct Furniture {
    keep: bool,
}

impl Furniture {
    /// A pass that removes furniture.
    pub fn new() -> Self {
        Furniture { keep: false }
    }

    /// A pass that keeps furniture and tags it in the ledger as suggestions.
    pub fn keep() -> Self {
        Furniture { keep: true }
    }
}

/// What a furniture line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FurnitureKind {
    /// A date line or a header merged from title and date.
    RunningHeader,
    /// A publication title above a date line.
    RunningTitle,
    PageNumber,
    ContinuationMarker,
    /// A line repeated at the top or bottom of several pages.
    RecurringLine,
}

impl FurnitureKind {
    pub fn rule(self) -> &'static str {
        match self {
            FurnitureKind::RunningHeader => "running-header",
            FurnitureKind::RunningTitle => "running-title",
            FurnitureKind::PageNumber => "page-number",
            FurnitureKind::ContinuationMarker => "continuation-marker",
            FurnitureKind::RecurringLine => "recurring-line",
        }
    }

    fn confidence(self) -> f32 {
        match self {
            FurnitureKind::ContinuationMarker => 0.95,
            FurnitureKind::PageNumber | FurnitureKind::RunningHeader => 0.9,
            FurnitureKind::RecurringLine => 0.85,
            FurnitureKind::RunningTitle => 0.8,
        }
    }
}

impl Furniture {
    /// The pass's declaration: id, summary, flags and every rule it may record.
    pub const SPEC: PassSpec = PassSpec {
        id: PassId::Furniture,
        summary: "running headers, page numbers and continuation markers removed",
        kind: PassKind::Layout,
        removes_text: true,
        rerun: true,
        written_back: false,
        rules: &[
            RuleSpec {
                id: "layout-header",
                explain: "A line that the page geometry of an hOCR, ALTO or PAGE file places above the body as a running header (title, page number at the top) is deleted with the line breaks that set it off from the body. Applied (confidence 0.95), or only suggested with `--keep-furniture`. It applies only when the input carries layout and the tagged range is still a whole line; the text rules then run on the rest. Character fixes elsewhere in a change fused with it are still written back to the OCR file.",
            },
            RuleSpec {
                id: "layout-footer",
                explain: "A line that the page geometry of an hOCR, ALTO or PAGE file places below the body as a running footer or page number is deleted with the line breaks before it. Applied (confidence 0.95), or only suggested with `--keep-furniture`. Plain text input has no such evidence, and a tagged range that an earlier pass joined into another line is left alone.",
            },
            RuleSpec {
                id: "running-header",
                explain: "A date line or dated header is deleted as page furniture: at the top of a page a date of at most 60 visible characters (`2021年3月18日 星期四`, `Monday, March 15, 2021`) with at most 3 other words and no `。，；`, a header merged from a title and a date by a run of spaces, or a title ending in a date; at the bottom a date line of at most 30 characters; anywhere a line that is only a date. Applied (confidence 0.9), or suggested with `--keep-furniture`. Body sentences that mention a date are kept (too long, or with sentence punctuation).",
            },
            RuleSpec {
                id: "running-title",
                explain: "A publication or section title at the top of a page is deleted: a short line (2–24 visible characters, no sentence punctuation, not ending in `.`) that is a `《…》` title, or stands directly above a date line, or directly below a date line that opens the page, or is the first line of a page that has a date-only line anywhere: `数字生活导报` above `2021年3月18日 星期四`. Applied (confidence 0.8, the least sure furniture rule), or suggested with `--keep-furniture`. A short line in the body with no date next to it (a headline) stays.",
            },
            RuleSpec {
                id: "page-number",
                explain: "A page number at the top or bottom of a page is deleted with its line break: `12`, `- 12 -`, `— 4 —`, `第3版`, `第 3 页`, `Page 3 of 10`, `p. 7` (at most 14 visible characters, no clause punctuation, numbers of at most 4 digits). Applied (confidence 0.9), or suggested with `--keep-furniture`. In the middle of a page only page labels that are not bare numbers (`第3版`, `Page 3`) are removed; a bare number or `— 4 —` inside the body is kept.",
            },
            RuleSpec {
                id: "continuation-marker",
                explain: "A newspaper continuation marker standing as a line of its own, anywhere on the page, is deleted: `（下转第2版）`, `（上接第1版）`, `(continued on page 4)`, `Continued from page 5`, and bracketed `（…第N版）` lines whose verb or number OCR misread (`(上扶第2版)`). Applied (confidence 0.95), or suggested with `--keep-furniture`. Longer lines (over 16 visible characters for the Chinese forms, 40 for the Latin ones) are kept as body text.",
            },
            RuleSpec {
                id: "recurring-line",
                explain: "When the text has several pages (form feeds), a first or last line of a page that looks like furniture (a short title, a date, a page label) and recurs at the edge of at least two pages, equal once digits and spaces are normalised or within one edit in four characters, is deleted: `THE RIVER PRESS    Chapter 3` at the top of each page. Applied (confidence 0.85), or suggested with `--keep-furniture`. A single-page text never triggers it, and lines in the middle of a page are not compared.",
            },
        ],
    };
}

impl Pass for Furniture {
    fn spec(&self) -> &'static PassSpec {
        &Self::SPEC
    }

    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        let text = input.text;
        let marked = layout_lines(text, input.context.furniture());
        if marked.is_empty() {
            let lines = page::lines(text);
            for (i, kind) in classify(text, &lines) {
                let line = &lines[i];
                let mut range = line.range.clone();
                if text[range.end..].starts_with('\n') {
                    range.end += 1;
                }
                self.push(
                    sink,
                    line.content.clone(),
                    range,
                    kind.rule(),
                    kind.confidence(),
                );
            }
            return;
        }
        // The geometry's furniture first; the text rules read the text without it.
        for m in &marked {
            self.push(
                sink,
                m.content.clone(),
                m.remove.clone(),
                m.rule,
                LAYOUT_CONFIDENCE,
            );
        }
        let mut b = EditSet::builder(text);
        for m in &marked {
            // Disjoint and inside the text by construction.
            let _ = b.push(Edit::replace(
                TextRange::new(m.remove.start, m.remove.end),
                "",
            ));
        }
        let set = b.finish();
        let rest = set.apply(text);
        let map = OffsetMap::from_edits(&set, text.len());
        // A range of the rest in `text`, without the removed lines at its edges.
        let back = |r: Range<usize>| {
            let start = map.to_src(r.start, Bias::Right);
            start..map.to_src(r.end, Bias::Left).max(start)
        };
        let lines = page::lines(&rest);
        for (i, kind) in classify(&rest, &lines) {
            let line = &lines[i];
            let mut range = line.range.clone();
            if rest[range.end..].starts_with('\n') {
                range.end += 1;
            }
            let content = back(line.content.clone());
            // The removed lines inside the range (between the line and its break) are not
            // removed again.
            let range = back(range);
            let mut from = range.start;
            for m in marked.iter().filter(|m| m.remove.start < range.end) {
                if m.remove.end <= from {
                    continue;
                }
                if m.remove.start > from {
                    self.push(
                        sink,
                        content.clone(),
                        from..m.remove.start,
                        kind.rule(),
                        kind.confidence(),
                    );
                }
                from = m.remove.end;
            }
            if from < range.end {
                self.push(
                    sink,
                    content,
                    from..range.end,
                    kind.rule(),
                    kind.confidence(),
                );
            }
        }
    }
}

/// The confidence of a removal that the page geometry found.
const LAYOUT_CONFIDENCE: f32 = 0.95;

impl Furniture {
    /// Removes `remove` (the furniture line `content` with its line break), or with
    /// [`Furniture::keep`] suggests removing `content`.
    fn push(
        &self,
        sink: &mut EditSink<'_>,
        content: Range<usize>,
        remove: Range<usize>,
        rule: &'static str,
        confidence: f32,
    ) {
        if self.keep {
            if !content.is_empty() {
                let _ = sink.suggest(
                    content,
                    vec![Candidate::new("", confidence)],
                    rule,
                    confidence,
                );
            }
        } else if !remove.is_empty() {
            let _ = sink.delete(remove, rule, confidence);
        }
    }
}

/// A furniture line of the layout, found in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Marked {
    /// The line without indentation and trailing whitespace.
    content: Range<usize>,
    /// What is removed: the whole line with the line breaks that set it apart from its page's
    /// body.
    remove: Range<usize>,
    rule: &'static str,
}

/// The layout's furniture lines (ranges of `text`) as whole lines of `text`, with what to
/// remove for each, sorted and disjoint. A range that is no longer a line of its own (a pass
/// before this one joined it to another, or it holds a line break) is left alone.
fn layout_lines(text: &str, furniture: &[(TextRange, FurnitureHint)]) -> Vec<Marked> {
    let mut out: Vec<Marked> = Vec::new();
    let bytes = text.as_bytes();
    for &(r, hint) in furniture {
        let (start, end) = (r.start, r.end);
        if end > text.len()
            || start >= end
            || !text.is_char_boundary(start)
            || !text.is_char_boundary(end)
            || text[start..end].contains(['\n', '\u{c}'])
        {
            continue;
        }
        // The whole line, indentation and trailing whitespace included.
        let ls = start - (text[..start].len() - text[..start].trim_end_matches(is_space).len());
        let le = end + (text[end..].len() - text[end..].trim_start_matches(is_space).len());
        let at_start = ls == 0 || matches!(bytes[ls - 1], b'\n' | b'\x0c');
        let at_end = le == text.len() || matches!(bytes[le], b'\n' | b'\x0c');
        if !at_start || !at_end || text[ls..le].trim_matches(is_space).is_empty() {
            continue;
        }
        let content = ls + (le - ls - text[ls..le].trim_start_matches(is_space).len())
            ..le - (text[ls..le].len() - text[ls..le].trim_end_matches(is_space).len());
        // The breaks after the line, when body text follows on its page.
        let after = {
            let n = bytes[le..].iter().take_while(|&&b| b == b'\n').count();
            (n > 0 && bytes.get(le + n).is_some_and(|&b| b != b'\x0c')).then_some(le..le + n)
        };
        // The breaks before the line, when body text precedes it on its page.
        let before = {
            let n = bytes[..ls]
                .iter()
                .rev()
                .take_while(|&&b| b == b'\n')
                .count();
            (n > 0 && ls > n && bytes[ls - n - 1] != b'\x0c').then_some(ls - n..ls)
        };
        let (remove, rule) = match hint {
            FurnitureHint::Header => (
                after
                    .map(|a| ls..a.end)
                    .or(before.map(|b| b.start..le))
                    .unwrap_or(ls..le),
                "layout-header",
            ),
            FurnitureHint::Footer => (
                before
                    .map(|b| b.start..le)
                    .or(after.map(|a| ls..a.end))
                    .unwrap_or(ls..le),
                "layout-footer",
            ),
        };
        out.push(Marked {
            content,
            remove,
            rule,
        });
    }
    out.sort_by_key(|m| (m.remove.start, m.remove.end));
    // Two lines that claim the same breaks (a page of furniture only): the later one keeps
    // only what the earlier leaves.
    let mut end = 0;
    out.retain_mut(|m| {
        m.remove.start = m.remove.start.max(end);
        if m.remove.start >= m.remove.end {
            return false;
        }
        end = m.remove.end;
        true
    });
    out
}

/// Furniture lines of the whole text: indices into `lines`, in order.
pub(crate) fn classify(text: &str, lines: &[Line]) -> Vec<(usize, FurnitureKind)> {
    let pages = page::pages(lines);
    let mut memo = Memo::new(text, lines, 0..lines.len());
    let mut kinds = Known::new(0..lines.len());
    // Removing furniture can expose more (a title above a date line that a continuation marker
    // separated from it, a header below a recurring line): repeat until nothing new is found,
    // so that cleaning the output again finds nothing. Only pages that changed are scanned again.
    let mut dirty: Vec<bool> = vec![true; pages.len()];
    loop {
        let mut changed = false;
        for (p, range) in pages.iter().enumerate() {
            if !dirty[p] {
                continue;
            }
            dirty[p] = false;
            classify_page_with(&mut memo, range.clone(), &mut kinds);
        }
        if pages.len() >= 2 {
            for i in recurring(&mut memo, &pages, &kinds) {
                if kinds.get(i).is_none() {
                    kinds.set(i, FurnitureKind::RecurringLine);
                    // Pages are numbered from 0 without gaps: `pages[p]` holds the lines of
                    // page `p`.
                    dirty[lines[i].page] = true;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    kinds.found()
}

/// Furniture lines of one page (`page` indexes `lines`), from per-page evidence only.
pub fn classify_page(
    text: &str,
    lines: &[Line],
    page: Range<usize>,
) -> Vec<(usize, FurnitureKind)> {
    let mut memo = Memo::new(text, lines, page.clone());
    let mut known = Known::new(page.clone());
    classify_page_with(&mut memo, page, &mut known);
    known.found()
}

/// [`classify_page`], keeping the answers for [`PageMemo::date_like`].
pub(crate) fn classify_page_memo<'a>(
    text: &'a str,
    lines: &'a [Line],
    page: Range<usize>,
) -> PageMemo<'a> {
    let mut memo = Memo::new(text, lines, page.clone());
    let mut known = Known::new(page.clone());
    classify_page_with(&mut memo, page, &mut known);
    PageMemo {
        furniture: known.found().into_iter().map(|(i, _)| i).collect(),
        memo,
    }
}

/// The furniture of a page and the answers about its lines that [`classify_page_memo`] found.
pub(crate) struct PageMemo<'a> {
    /// The furniture lines (indices into the lines), in order.
    pub(crate) furniture: Vec<usize>,
    memo: Memo<'a>,
}

impl PageMemo<'_> {
    /// [`is_date_like`] of line `i`, computed at most once.
    pub(crate) fn date_like(&mut self, i: usize) -> bool {
        self.memo.date_like(i)
    }
}

/// The furniture found so far among a range of lines.
struct Known {
    base: usize,
    kinds: Vec<Option<FurnitureKind>>,
}

impl Known {
    fn new(lines: Range<usize>) -> Self {
        Known {
            base: lines.start,
            kinds: vec![None; lines.len()],
        }
    }

    fn get(&self, i: usize) -> Option<FurnitureKind> {
        i.checked_sub(self.base)
            .and_then(|k| self.kinds.get(k))
            .copied()
            .flatten()
    }

    fn set(&mut self, i: usize, kind: FurnitureKind) {
        if let Some(slot) = i.checked_sub(self.base).and_then(|k| self.kinds.get_mut(k)) {
            *slot = Some(kind);
        }
    }

    /// The furniture lines in order.
    fn found(&self) -> Vec<(usize, FurnitureKind)> {
        self.kinds
            .iter()
            .enumerate()
            .filter_map(|(k, kind)| kind.map(|kind| (self.base + k, kind)))
            .collect()
    }
}

/// Scans a page until nothing new is found, ignoring and extending `known` (indexed by line).
fn classify_page_with(memo: &mut Memo<'_>, page: Range<usize>, known: &mut Known) {
    loop {
        let found = scan_page(memo, page.clone(), known);
        if found.is_empty() {
            return;
        }
        for (i, kind) in found {
            known.set(i, kind);
        }
    }
}

/// A question about one line, see [`Memo`].
#[derive(Clone, Copy)]
enum Q {
    /// [`is_date_line`] with at most 60 visible chars.
    Date60,
    /// [`is_date_line`] with at most 30 visible chars.
    Date30,
    Merged,
    HeaderWithDate,
    Continuation,
    PageNumber,
    /// A page label that is not a bare number (furniture anywhere on a page).
    PageLabel,
    Title,
    BracketedTitle,
    PureDate,
}

const QUESTIONS: usize = 10;

/// The answers about the lines of one text (or one page), each computed at most once: a page
/// is scanned until nothing new is found and then again when cross-page evidence changes it,
/// and every scan asks the same questions.
struct Memo<'a> {
    text: &'a str,
    lines: &'a [Line],
    /// The lines asked about.
    base: Range<usize>,
    answers: Vec<[Option<bool>; QUESTIONS]>,
    /// [`date_facts`] of each line: the date questions share it.
    facts: Vec<Option<Option<usize>>>,
    /// [`may_hold_date`] of each line, which every date question needs.
    may_date: Vec<Option<bool>>,
}

impl<'a> Memo<'a> {
    fn new(text: &'a str, lines: &'a [Line], base: Range<usize>) -> Self {
        let base = base.start.min(lines.len())..base.end.min(lines.len());
        Memo {
            text,
            lines,
            answers: vec![[None; QUESTIONS]; base.len()],
            facts: vec![None; base.len()],
            may_date: vec![None; base.len()],
            base,
        }
    }

    fn text(&self, i: usize) -> &'a str {
        self.lines[i].text(self.text)
    }

    /// [`is_date_like`].
    fn date_like(&mut self, i: usize) -> bool {
        self.ask(i, Q::Date60) || self.ask(i, Q::Merged) || self.ask(i, Q::HeaderWithDate)
    }

    fn ask(&mut self, i: usize, q: Q) -> bool {
        let s = self.text(i);
        let Some(k) = i
            .checked_sub(self.base.start)
            .filter(|&k| k < self.answers.len())
        else {
            return answer(s, q);
        };
        if let Some(v) = self.answers[k][q as usize] {
            return v;
        }
        // The date questions differ only in the length limit: analyse the line once.
        let v = match q {
            Q::Date60 | Q::Date30 | Q::PureDate | Q::Merged | Q::HeaderWithDate
                if !*self.may_date[k].get_or_insert_with(|| may_hold_date(s)) =>
            {
                false
            }
            Q::Date60 => self.date_facts(k, s).is_some_and(|n| n <= 60),
            Q::Date30 => self.date_facts(k, s).is_some_and(|n| n <= 30),
            Q::PureDate => self.date_facts(k, s).is_some_and(|n| n <= 30) && pure_date_rest(s),
            _ => answer(s, q),
        };
        self.answers[k][q as usize] = Some(v);
        v
    }

    fn date_facts(&mut self, k: usize, s: &str) -> Option<usize> {
        *self.facts[k].get_or_insert_with(|| date_facts(s))
    }
}

fn answer(s: &str, q: Q) -> bool {
    match q {
        Q::Date60 => is_date_line(s, 60),
        Q::Date30 => is_date_line(s, 30),
        Q::Merged => is_merged_header(s),
        Q::HeaderWithDate => is_header_with_date(s),
        Q::Continuation => is_continuation(s),
        Q::PageNumber => is_page_number(s),
        Q::PageLabel => is_page_number(s) && !page_core(s).chars().all(|c| c.is_ascii_digit()),
        Q::Title => is_title_like(s),
        Q::BracketedTitle => is_bracketed_title(s),
        Q::PureDate => is_pure_date(s),
    }
}

/// One scan of a page, ignoring the lines in `known`; returns only new furniture, in order.
fn scan_page(
    memo: &mut Memo<'_>,
    page: Range<usize>,
    known: &Known,
) -> Vec<(usize, FurnitureKind)> {
    let lines = memo.lines;
    // A date standing alone anywhere on the page (tesseract reads the date at the right of a
    // header after the left column): counted over the whole page, known furniture included, so
    // that the answer does not change as furniture is peeled off.
    let page_has_date = page
        .clone()
        .any(|i| !lines[i].is_blank() && memo.ask(i, Q::PureDate));
    let first_line = page.clone().find(|&i| !lines[i].is_blank());
    let body: Vec<usize> = page
        .filter(|&i| !lines[i].is_blank() && known.get(i).is_none())
        .collect();
    let mut out = Vec::new();

    // Top of the page.
    let mut top_end = 0;
    while top_end < body.len() {
        let i = body[top_end];
        let kind = if memo.date_like(i) {
            Some(FurnitureKind::RunningHeader)
        } else if memo.ask(i, Q::Continuation) {
            Some(FurnitureKind::ContinuationMarker)
        } else if memo.ask(i, Q::PageNumber) {
            Some(FurnitureKind::PageNumber)
        } else if memo.ask(i, Q::Title)
            && (memo.ask(i, Q::BracketedTitle)
                || (Some(i) == first_line && page_has_date)
                || (top_end > 0
                    && Some(body[top_end - 1]) == first_line
                    && memo.date_like(body[top_end - 1]))
                || (top_end + 1 < body.len() && {
                    let j = body[top_end + 1];
                    memo.ask(j, Q::Date60) || memo.ask(j, Q::Merged)
                }))
        {
            Some(FurnitureKind::RunningTitle)
        } else {
            None
        };
        match kind {
            Some(k) => out.push((i, k)),
            None => break,
        }
        top_end += 1;
    }

    // Bottom of the page.
    let mut bottom = body.len();
    while bottom > top_end {
        let i = body[bottom - 1];
        let kind = if memo.ask(i, Q::Continuation) {
            FurnitureKind::ContinuationMarker
        } else if memo.ask(i, Q::PageNumber) {
            FurnitureKind::PageNumber
        } else if memo.ask(i, Q::Date30) || memo.ask(i, Q::Merged) {
            FurnitureKind::RunningHeader
        } else {
            break;
        };
        out.push((i, kind));
        bottom -= 1;
    }

    // Anywhere in the body: unambiguous markers and page labels.
    for &i in &body[top_end..bottom] {
        if memo.ask(i, Q::Continuation) {
            out.push((i, FurnitureKind::ContinuationMarker));
        } else if memo.ask(i, Q::PureDate) {
            out.push((i, FurnitureKind::RunningHeader));
        } else if memo.ask(i, Q::PageLabel) {
            out.push((i, FurnitureKind::PageNumber));
        }
    }
    out.sort_by_key(|(i, _)| *i);
    out
}

/// Lines at the top or bottom of two or more pages that are equal with digits normalised.
fn recurring(memo: &mut Memo<'_>, pages: &[Range<usize>], known: &Known) -> Vec<usize> {
    let lines = memo.lines;
    // Each distinct key once, with the (page, line) pairs where it stands at an edge.
    type Hits = Vec<(usize, usize)>;
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut keys: Vec<(Vec<char>, Hits)> = Vec::new();
    for (p, range) in pages.iter().enumerate() {
        let mut body = range
            .clone()
            .filter(|&i| !lines[i].is_blank() && known.get(i).is_none());
        // Only the first and the last line: the classification loop peels a header of several
        // lines one by one, and line joins can only make an edge line longer, never bring a
        // body line to the edge.
        let first = body.next();
        let last = body.next_back();
        for i in first.into_iter().chain(last) {
            // Only lines that could be furniture: a title, a date, a page label.
            let candidate =
                memo.ask(i, Q::Title) || memo.date_like(i) || memo.ask(i, Q::PageNumber);
            if !candidate {
                continue;
            }
            let key = normalise(memo.text(i));
            if visible_chars(&key) >= 2 {
                let k = *index.entry(key).or_insert_with_key(|key| {
                    keys.push((key.chars().collect(), Vec::new()));
                    keys.len() - 1
                });
                keys[k].1.push((p, i));
            }
        }
    }
    // Keys equal up to OCR misreads (`数字生活导报` and `数字生活粤报`) on other pages count
    // too: at least four chars and at most one edit in four.
    let mut out = Vec::new();
    for (k, (key, hits)) in keys.iter().enumerate() {
        let mut pages_hit: Vec<usize> = hits.iter().map(|(p, _)| *p).collect();
        for (o, (other, other_hits)) in keys.iter().enumerate() {
            if o != k && similar(key, other) {
                pages_hit.extend(other_hits.iter().map(|(p, _)| *p));
            }
        }
        pages_hit.sort_unstable();
        pages_hit.dedup();
        if pages_hit.len() >= 2 {
            out.extend(hits.iter().map(|(_, i)| *i));
        }
    }
    out.sort_unstable();
    out
}

/// Two edge-line keys that differ by at most one edit in four chars (both at least four long).
fn similar(a: &[char], b: &[char]) -> bool {
    let n = a.len().max(b.len());
    if a.len().min(b.len()) < 4 || a.len().abs_diff(b.len()) * 4 > n {
        return false;
    }
    levenshtein_within(a, b, n / 4).is_some()
}

/// Digits become `#`, whitespace goes: `2021年3月18日` and `2021年4月1日` compare equal.
fn normalise(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_whitespace() {
            continue;
        }
        if c.is_ascii_digit() {
            if !out.ends_with('#') {
                out.push('#');
            }
        } else {
            out.push(c);
        }
    }
    out
}

const SENTENCE_PUNCT: &[char] = &['，', '。', '；', '：', '！', '？', ',', ';', '!', '?', '、'];

/// A publication title: a short line without sentence punctuation. (Line joins never build one
/// above a date line, see [`crate::LineJoin`], so the title rule is stable.)
fn is_title_like(s: &str) -> bool {
    let s = &denoise(s);
    let n = visible_chars(s);
    (2..=24).contains(&n) && !s.contains(SENTENCE_PUNCT) && !s.ends_with('.')
}

/// A line that reads as a date or a header ending in a date, wherever it is on the page. Line
/// joins keep such lines apart, so that a join never turns body text into a header.
pub(crate) fn is_date_like(s: &str) -> bool {
    // All three rules need a year or a weekday: settle most lines with one scan.
    may_hold_date(s) && (is_date_line(s, 60) || is_merged_header(s) || is_header_with_date(s))
}

fn is_bracketed_title(s: &str) -> bool {
    s.starts_with('《')
        && s.ends_with('》')
        && s.matches('《').count() == 1
        && visible_chars(s) <= 20
}

/// The first line of a page that opens a `《…》` title: the layout passes never join it, so a
/// join cannot complete a title that the next cleaning would remove.
pub(crate) fn opens_title(s: &str) -> bool {
    s.starts_with('《')
}

/// A date as a running header prints it: `2021年3月18日`, `星期四`, `Monday, March 15, 2021`.
/// Lines longer than `max_chars` visible chars, with sentence punctuation, or with more than a
/// few words besides the date (OCR misreads some) are body text.
fn is_date_line(s: &str, max_chars: usize) -> bool {
    if !may_hold_date(s) {
        return false;
    }
    // The length and punctuation tests of the denoised line, without building it.
    let too_long = |n| n > max_chars;
    if denoised_fails(s, too_long, |w| w.contains(['。', '，', '；'])) {
        return false;
    }
    let s = &denoise(s);
    if visible_chars(s) > max_chars || s.contains(['。', '，', '；']) {
        return false;
    }
    (has_cjk_date(s) || has_latin_date(s)) && non_date_words(s) <= 3
}

/// A line that is a date and nothing else (`2020年10月22日 星期四`, `Tuesday, May 17, 2022`,
/// one misread word allowed): furniture wherever it stands.
fn is_pure_date(s: &str) -> bool {
    is_date_line(s, 30) && pure_date_rest(s)
}

/// The rest of [`is_pure_date`] after the date line test.
fn pure_date_rest(s: &str) -> bool {
    non_date_words(s) <= 1 && {
        let chars: Vec<char> = s.chars().collect();
        (0..chars.len()).any(|i| year_at(&chars, i))
    }
}

/// The visible chars of the denoised line when `s` is a date line of any length (see
/// [`is_date_line`]: `is_date_line(s, max)` is `date_facts(s) <= max`).
fn date_facts(s: &str) -> Option<usize> {
    if !may_hold_date(s) || denoised_fails(s, |_| false, |w| w.contains(['。', '，', '；'])) {
        return None;
    }
    let s = &denoise(s);
    ((has_cjk_date(s) || has_latin_date(s)) && non_date_words(s) <= 3).then(|| visible_chars(s))
}

/// Whether `s` can hold a date at all: every date rule needs a year (four ASCII digits, which
/// [`denoise`] never removes) or a weekday (`星期`, `礼拜`). Settles most body lines without
/// allocating.
fn may_hold_date(s: &str) -> bool {
    // A plain count vectorises, and single-char searches are fast (a char-set pattern would
    // decode every char).
    s.bytes().filter(u8::is_ascii_digit).count() >= 4 || s.contains('星') || s.contains('礼')
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
fn is_header_with_date(s: &str) -> bool {
    if !may_hold_date(s) || denoised_fails(s, |n| n > 60, |_| false) {
        return false;
    }
    let s = &denoise(s);
    if visible_chars(s) > 60 || s.contains(SENTENCE_PUNCT) && !ends_with_latin_year(s) {
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
    year || weekday
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
fn is_merged_header(s: &str) -> bool {
    if !may_hold_date(s) {
        return false;
    }
    let parts = split_on_space_runs(s);
    parts.len() >= 2
        && visible_chars(s) <= 60
        && parts.iter().any(|p| is_date_line(p, 40))
        && parts
            .iter()
            .all(|p| is_date_line(p, 40) || is_title_like(p) || is_page_number(p) || is_noise(p))
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
    visible_chars(s) <= 2 && !s.chars().any(|c| c.is_alphanumeric())
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

/// `（下转第2版）`, `(上接第1版)`, `(continued on page 4)`, `Continued from page 5`.
fn is_continuation(s: &str) -> bool {
    // Every rule below needs `版`, `页` or `面`, or `cont` in some case (Unicode lowercasing
    // turns no other character into an ASCII `c`, `o`, `n` or `t`).
    let cjk_page = s.contains('版') || s.contains('页') || s.contains('面');
    let latin = contains_ascii_ci(s, "cont");
    if !cjk_page && !latin {
        return false;
    }
    // Every rule below wants at most 40 visible chars: stop counting after the 41st.
    let n = s.chars().filter(|c| !c.is_whitespace()).take(41).count();
    if n > 40 {
        return false;
    }
    let has_digit = || {
        s.chars()
            .any(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c))
    };
    let cjk = ["上接", "下转", "接第", "转第", "续第", "转下页", "接上页"];
    if n <= 16 && cjk_page && has_digit() && cjk.iter().any(|k| s.contains(k)) {
        return true;
    }
    // A bracketed `（…第N版）` whose verb or number OCR misread: `(上扶第2版)`, `(上接第世版)`.
    let bracketed =
        (s.starts_with('(') || s.starts_with('（')) && (s.ends_with(')') || s.ends_with('）'));
    if bracketed && n <= 10 && s.contains('第') && s.contains('版') {
        return true;
    }
    // Every Latin marker holds `cont` in some case (see above).
    if !latin {
        return false;
    }
    let lower = s.to_lowercase();
    n <= 40
        && (lower.contains("continued on")
            || lower.contains("continued from")
            || lower.contains("continues on")
            || lower.contains("cont. on"))
        && (lower.contains("page") || lower.contains("next") || has_digit())
}

/// Whether `s` contains the ASCII `needle` (lowercase) in any ASCII case (`needle` must be
/// ASCII).
fn contains_ascii_ci(s: &str, needle: &str) -> bool {
    let needle = needle.as_bytes();
    let Some(&first) = needle.first() else {
        return true;
    };
    let bytes = s.as_bytes();
    // Compare only where the first byte occurs in either case, found with a fast search (most
    // lines have none).
    [first.to_ascii_lowercase(), first.to_ascii_uppercase()]
        .into_iter()
        .any(|f| {
            let mut from = 0;
            while let Some(k) = s[from..].find(char::from(f)) {
                let i = from + k;
                if bytes
                    .get(i..i + needle.len())
                    .is_some_and(|w| w.eq_ignore_ascii_case(needle))
                {
                    return true;
                }
                from = i + 1;
            }
            false
        })
}

/// The letters, digits and ideographs of a line, without the dashes and brackets around a page
/// number (`— 4 —` → `4`, `一27一` → `27`).
fn page_core(s: &str) -> String {
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

/// `12`, `- 12 -`, `— 4 —`, `第3版`, `第 3 页`, `Page 3`, `Page 3 of 10`, `p. 7`.
fn is_page_number(s: &str) -> bool {
    // More than 14 visible chars (counting stops at the 15th).
    let long = page::visible_chars_upto(s, 15) == 15;
    if long || s.contains(['，', '。', ',', ';', '；', ':', '：', '、']) {
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
            if digits(rest) {
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

    /// Marked text (`[` … `]` a header, `{` … `}` a footer) → the text and its context.
    fn marked(src: &str) -> (String, ocrtidy_core::Context) {
        let mut text = String::new();
        let mut marks = Vec::new();
        let mut open = 0;
        for c in src.chars() {
            match c {
                '[' | '{' => open = text.len(),
                ']' => marks.push((open..text.len(), FurnitureHint::Header)),
                '}' => marks.push((open..text.len(), FurnitureHint::Footer)),
                c => text.push(c),
            }
        }
        (text, ocrtidy_core::Context::default().with_furniture(marks))
    }

    #[test]
    fn layout_furniture_is_removed_with_the_breaks_that_set_it_apart() {
        use ocrtidy_core::Runner;
        // (marked text, the text the layout gives without the furniture, rules)
        let cases: &[(&str, &str, &[&str])] = &[
            (
                "[晨光学报]\n\n[2024年1月1日]\n\n正文第一行写到右边\n正文结束。\n\n{— Vl —}",
                "正文第一行写到右边\n正文结束。",
                &["layout-header", "layout-header", "layout-footer"],
            ),
            // Pages: a form feed is never removed.
            (
                "甲页正文。\n\n{484)}\n\u{c}[标题]\n\n乙页正文。",
                "甲页正文。\n\u{c}乙页正文。",
                &["layout-footer", "layout-header"],
            ),
            // A text rule's page number just above the layout's footer: both go, each with its
            // own rule, and the breaks are not removed twice.
            (
                "正文写到这里。\n- 12 -\n\n{— Vl —}\n\u{c}下一页。",
                "正文写到这里。\n- 12 -\n\u{c}下一页。",
                &["page-number", "layout-footer", "page-number"],
            ),
        ];
        let runner = Runner::new(vec![Box::new(Furniture::new())]);
        for &(src, dropped, rules) in cases {
            let (text, context) = marked(src);
            let got = runner.run(&text, &context);
            let want = runner.run(dropped, &ocrtidy_core::Context::default());
            assert_eq!(got.text, want.text, "{src:?}");
            assert_eq!(
                ocrtidy_core::replay(&text, &got.changes).as_deref(),
                Some(got.text.as_str())
            );
            let got_rules: Vec<&str> = got.changes.iter().map(|c| c.rule).collect();
            assert_eq!(got_rules, rules, "{src:?}");
            assert_eq!(got.stats.rejected_edits, 0);
            assert!(got.changes.iter().all(|c| !c.before.contains('\u{c}')));
            // Cleaning the output again (plain text, no marks) changes nothing.
            let again = runner.run(&got.text, &ocrtidy_core::Context::default());
            assert!(again.changes.is_empty(), "{src:?}");
        }
        // Kept: each line is a suggestion with its rule.
        let (text, context) = marked("[晨光学报]\n\n正文。");
        let kept = Runner::new(vec![Box::new(Furniture::keep())]).run(&text, &context);
        assert_eq!(kept.text, text);
        let rules: Vec<&str> = kept.changes.iter().map(|c| c.rule).collect();
        assert_eq!(rules, ["layout-header"]);
    }

    #[test]
    fn a_mark_that_is_no_longer_a_line_of_its_own_is_left_alone() {
        let text = "正文 484) 接着写\n下一行";
        let marks = [(TextRange::new(7, 11), FurnitureHint::Footer)];
        assert!(layout_lines(text, &marks).is_empty());
        // Out of bounds or across a line break: ignored.
        let marks = [
            (TextRange::new(0, 100), FurnitureHint::Header),
            (TextRange::new(0, 20), FurnitureHint::Header),
        ];
        assert!(layout_lines(text, &marks).is_empty());
    }

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
        ] {
            assert!(is_page_number(s), "{s}");
        }
        for s in ["2021", "第3章", "Chapter 3", "第一个", "abc", "12345"] {
            assert!(!is_page_number(s) || s == "2021", "{s}");
        }
    }

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
        assert!(is_continuation("（下转第2版）"));
        assert!(is_continuation("(continued on page 4)"));
        assert!(!is_continuation("转第二个路口"));
        // Latin markers in any case; a body line without the words is not one.
        assert!(is_continuation("CONTINUED ON PAGE 4"));
        assert!(is_continuation("Cont. on p. 3"));
        assert!(!is_continuation("The river continues to rise."));
        assert!(!is_continuation(
            "本报讯 近日，市图书馆古籍数字化工程第一期顺利完成"
        ));
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
