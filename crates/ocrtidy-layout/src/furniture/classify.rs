//! Per-page classification: the furniture at the top, at the bottom and anywhere on a page,
//! from the questions each line answers (asked at most once), repeated with the lines that
//! recur across pages until nothing new is found.

use std::ops::Range;

use super::headers::{
    date_facts, is_bracketed_title, is_date_line, is_header_with_date, is_merged_header,
    is_pure_date, is_title_like, may_hold_date, pure_date_rest,
};
use super::markers::{
    is_continuation, is_continuation_counted, is_page_number, is_page_number_counted, page_core,
};
use super::recurring::recurring;
use super::seams::{page_seams, with_seams};
use super::FurnitureKind;
use crate::page::{self, Line};

/// Furniture lines of the whole text: indices into `lines`, in order. `settled` (when given)
/// holds what the pages of the pass's last round found on their own (see [`Settled`]): a page
/// found there is not read again, and what this round's pages find is left there.
pub(super) fn classify(
    text: &str,
    lines: &[Line],
    settled: Option<&mut Settled>,
) -> Vec<(usize, FurnitureKind)> {
    // The memo reads the lines' text only, which the inferred pages do not change.
    let mut memo = Memo::new(text, lines, 0..lines.len());
    // The pages of the text (form feeds), and per page what the last round found on it (none
    // without a memory).
    let sheets = page::pages(lines);
    let mut recalled: Vec<Option<PageFacts>> = Vec::new();
    if let Some(last) = settled.as_deref() {
        for (p, range) in sheets.iter().enumerate() {
            let key = PageKey::new(lines, range);
            let facts = last
                .pages
                .get(p)
                .and_then(Option::as_ref)
                .filter(|old| key.same(text, &old.key, &last.text))
                .map(|old| PageFacts {
                    key,
                    seams: old.seams.clone(),
                    found: old.found.clone(),
                });
            recalled.push(facts);
        }
    }
    // Pages concatenated without form feeds: the seams that recurring headers and page
    // numbers imply inside each page (the indices of the lines stay the same).
    let mut seams: Vec<usize> = Vec::new();
    for (p, range) in sheets.iter().enumerate() {
        match recalled.get(p).and_then(Option::as_ref) {
            Some(facts) => seams.extend(facts.seams.iter().map(|&k| range.start + k)),
            None => page_seams(&mut memo, lines, range.clone(), &mut seams),
        }
    }
    let remember = settled.is_some();
    let inferred = with_seams(lines, &mut seams);
    let lines_now = inferred.as_deref().unwrap_or(lines);
    let found = classify_with(&mut memo, lines_now, lines, &sheets, &recalled, remember);
    if let Some(settled) = settled {
        // What each page found on its own: the seams inside it, and the furniture of the
        // first scan of its inferred pages (before any line recurs across pages).
        let mut pages = Vec::with_capacity(sheets.len());
        let mut recalled = recalled.into_iter();
        for (p, range) in sheets.iter().enumerate() {
            pages.push(Some(match recalled.next().flatten() {
                Some(facts) => facts,
                None => PageFacts {
                    key: PageKey::new(lines, range),
                    seams: seams
                        .iter()
                        .filter(|&&k| range.contains(&k))
                        .map(|&k| k - range.start)
                        .collect(),
                    found: found.first[p].clone(),
                },
            }));
        }
        settled.text.clear();
        settled.text.push_str(text);
        settled.pages = pages;
    }
    found.all
}

/// What the furniture pass keeps from one round of a run to the next (in its
/// [`ocrtidy_core::PassMemory`]), for a text of several pages: the text of its last round and,
/// for each of its pages (form feeds), what the page found on its own.
///
/// Everything the classification finds before it compares pages (the seams inside a page, the
/// furniture of each inferred page on its own) is a function of the page's lines, and at most
/// of whether the lines next to it are blank (`seam_page_number` reads the lines next to a
/// line standing alone). So a page that is the same as in the last round finds the same, and
/// is not read again: the round that confirms the fixed point, and every round a long text
/// runs until its slowest page settles, reads only the pages that changed, then compares the
/// edges of all pages anew (see [`recurring`]), which is cheap.
#[derive(Default)]
pub(super) struct Settled {
    /// The text of the last round that had several pages.
    text: String,
    /// Per page of the last round (in order): what it found on its own.
    pages: Vec<Option<PageFacts>>,
}

#[cfg(test)]
impl Settled {
    /// Nothing is kept.
    pub(super) fn is_empty(&self) -> bool {
        self.text.is_empty() && self.pages.is_empty()
    }
}

/// What a page found on its own (see [`Settled`]).
struct PageFacts {
    key: PageKey,
    /// The seams inside the page: its lines that start an inferred page (from its first).
    seams: Vec<usize>,
    /// The furniture that the first scan of its inferred pages found (lines from its first).
    found: Vec<(usize, FurnitureKind)>,
}

/// What decides what a page finds on its own: its bytes in its round's text, and whether the
/// lines next to it are blank (`None` at the text's ends).
struct PageKey {
    bytes: Range<usize>,
    prev_blank: Option<bool>,
    next_blank: Option<bool>,
}

impl PageKey {
    /// The key of page `range` (indices into `lines`) of a text.
    fn new(lines: &[Line], range: &Range<usize>) -> Self {
        PageKey {
            bytes: lines[range.start].range.start..lines[range.end - 1].range.end,
            prev_blank: range.start.checked_sub(1).map(|i| lines[i].is_blank()),
            next_blank: lines.get(range.end).map(Line::is_blank),
        }
    }

    /// True when `self` (of `text`) and `other` (of `other_text`) decide a page alike.
    fn same(&self, text: &str, other: &PageKey, other_text: &str) -> bool {
        self.prev_blank == other.prev_blank
            && self.next_blank == other.next_blank
            && text[self.bytes.clone()] == other_text[other.bytes.clone()]
    }
}

/// The longest text whose pages the pass remembers: [`Settled`] holds a copy of the text for
/// the whole run, one byte more per byte of input while every later pass runs, which a long
/// document should not pay; 4 MiB is some 1,300 pages of Chinese.
pub(super) const SETTLED_BYTES: usize = if cfg!(test) { 1 << 10 } else { 4 << 20 };

/// What [`classify_with`] found: all the furniture, and per page of the text what the first
/// scan of its inferred pages found (lines from the page's first; only when asked for).
struct Found {
    all: Vec<(usize, FurnitureKind)>,
    first: Vec<Vec<(usize, FurnitureKind)>>,
}

/// The classification of `lines` (the text's lines `original` with the seams inside its
/// pages `sheets`, see [`classify`]): each page scanned until nothing new is found, then again
/// with the lines that recur across pages. The first scan of the inferred pages of a page of
/// the text whose facts are `recalled` (by page, when there are any) is taken from them;
/// `first` asks for what the first scan found on each page of the text.
fn classify_with(
    memo: &mut Memo<'_>,
    lines: &[Line],
    original: &[Line],
    sheets: &[Range<usize>],
    recalled: &[Option<PageFacts>],
    first: bool,
) -> Found {
    let pages = page::pages(lines);
    let mut kinds = Known::new(0..lines.len());
    // The first scan: page by page, or from the facts of the page of the text it is part of.
    for range in &pages {
        let sheet = original[range.start].page;
        match recalled.get(sheet).and_then(Option::as_ref) {
            Some(facts) => {
                let first = sheets[sheet].start;
                for &(k, kind) in &facts.found {
                    if range.contains(&(first + k)) {
                        kinds.set(first + k, kind);
                    }
                }
            }
            None => classify_page_with(memo, range.clone(), &mut kinds),
        }
    }
    let first = sheets
        .iter()
        .filter(|_| first)
        .map(|r| {
            r.clone()
                .filter_map(|i| kinds.get(i).map(|kind| (i - r.start, kind)))
                .collect()
        })
        .collect();
    // Removing furniture can expose more (a title above a date line that a continuation marker
    // separated from it, a header below a recurring line): repeat until nothing new is found,
    // so that cleaning the output again finds nothing. Only pages that changed are scanned again.
    let mut dirty: Vec<bool> = vec![false; pages.len()];
    loop {
        let mut changed = false;
        if pages.len() >= 2 {
            for i in recurring(memo, &pages, &kinds) {
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
        for (p, range) in pages.iter().enumerate() {
            if !dirty[p] {
                continue;
            }
            dirty[p] = false;
            classify_page_with(memo, range.clone(), &mut kinds);
        }
    }
    Found {
        all: kinds.found(),
        first,
    }
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
    /// [`is_date_like`](super::is_date_like) of line `i`, computed at most once.
    pub(crate) fn date_like(&mut self, i: usize) -> bool {
        self.memo.date_like(i)
    }
}

/// The furniture found so far among a range of lines.
pub(super) struct Known {
    base: usize,
    kinds: Vec<Option<FurnitureKind>>,
}

impl Known {
    pub(super) fn new(lines: Range<usize>) -> Self {
        Known {
            base: lines.start,
            kinds: vec![None; lines.len()],
        }
    }

    pub(super) fn get(&self, i: usize) -> Option<FurnitureKind> {
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
pub(super) enum Q {
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
pub(super) struct Memo<'a> {
    text: &'a str,
    pub(super) lines: &'a [Line],
    /// The lines asked about.
    base: Range<usize>,
    answers: Vec<[Option<bool>; QUESTIONS]>,
    /// [`date_facts`] of each line: the date questions share it.
    facts: Vec<Option<Option<usize>>>,
    /// [`may_hold_date`] of each line, which every date question needs.
    may_date: Vec<Option<bool>>,
    /// The visible chars of each line counted up to 17, which the continuation and the page
    /// number questions need (most lines are asked both).
    visible: Vec<Option<usize>>,
}

impl<'a> Memo<'a> {
    pub(super) fn new(text: &'a str, lines: &'a [Line], base: Range<usize>) -> Self {
        let base = base.start.min(lines.len())..base.end.min(lines.len());
        Memo {
            text,
            lines,
            answers: vec![[None; QUESTIONS]; base.len()],
            facts: vec![None; base.len()],
            may_date: vec![None; base.len()],
            visible: vec![None; base.len()],
            base,
        }
    }

    pub(super) fn text(&self, i: usize) -> &'a str {
        self.lines[i].text(self.text)
    }

    /// [`is_date_like`](super::is_date_like).
    pub(super) fn date_like(&mut self, i: usize) -> bool {
        // All three questions need a year or a weekday (see [`may_hold_date`]): a line known
        // to hold neither is settled by that answer alone, as most lines are once asked.
        let slot = i
            .checked_sub(self.base.start)
            .and_then(|k| self.may_date.get(k));
        if slot == Some(&Some(false)) {
            return false;
        }
        self.ask(i, Q::Date60) || self.ask(i, Q::Merged) || self.ask(i, Q::HeaderWithDate)
    }

    pub(super) fn ask(&mut self, i: usize, q: Q) -> bool {
        let Some(k) = i
            .checked_sub(self.base.start)
            .filter(|&k| k < self.answers.len())
        else {
            return answer(self.text(i), q);
        };
        if let Some(v) = self.answers[k][q as usize] {
            return v;
        }
        let s = self.text(i);
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
            Q::PageLabel => {
                self.ask(i, Q::PageNumber) && !page_core(s).chars().all(|c| c.is_ascii_digit())
            }
            Q::Continuation => is_continuation_counted(s, self.visible(k, s)),
            Q::PageNumber => is_page_number_counted(s, self.visible(k, s)),
            _ => answer(s, q),
        };
        self.answers[k][q as usize] = Some(v);
        v
    }

    /// `visible_chars_upto(s, 17)` of line `s` (slot `k`), counted at most once.
    fn visible(&mut self, k: usize, s: &str) -> usize {
        *self.visible[k].get_or_insert_with(|| page::visible_chars_upto(s, 17))
    }

    /// [`date_facts`] up to the longest date line a question asks for (60 visible chars).
    fn date_facts(&mut self, k: usize, s: &str) -> Option<usize> {
        *self.facts[k].get_or_insert_with(|| date_facts(s, 60))
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
        .clone()
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
    if let Some(i) = seam_page_number(memo, page, &body[top_end..bottom], known, &out) {
        out.push((i, FurnitureKind::PageNumber));
    }
    out.sort_by_key(|(i, _)| *i);
    out
}

/// A bare page number standing alone in the middle of a page, between blank lines: where a
/// two-column page's number, printed below the gutter, lands when the engine reads it after
/// the first column (`…主题有：` / `12` / `所有使用了…`). Taken only on a page that shows it is
/// a numbered page, with a running header, title or recurring line already found and no page
/// number at its top or bottom, and only when it is the page's one such line (a list or a
/// table has several). `body` is the page's body between its top and bottom furniture; `new`
/// is the furniture this scan found.
fn seam_page_number(
    memo: &mut Memo<'_>,
    page: Range<usize>,
    body: &[usize],
    known: &Known,
    new: &[(usize, FurnitureKind)],
) -> Option<usize> {
    let lines = memo.lines;
    let page_kinds = new
        .iter()
        .map(|&(_, k)| k)
        .chain(page.filter_map(|i| known.get(i)));
    let mut headed = false;
    for k in page_kinds {
        match k {
            FurnitureKind::PageNumber => return None,
            FurnitureKind::RunningHeader
            | FurnitureKind::RunningTitle
            | FurnitureKind::RecurringLine => headed = true,
            FurnitureKind::ContinuationMarker => {}
        }
    }
    if !headed {
        return None;
    }
    let alone = |i: usize| {
        i > 0 && lines[i - 1].is_blank() && lines.get(i + 1).is_some_and(|l| l.is_blank())
    };
    let mut found = None;
    for &i in body {
        if alone(i)
            && memo.ask(i, Q::PageNumber)
            && memo.text(i).trim().parse::<u16>().is_ok_and(|n| n > 0)
        {
            if found.is_some() {
                return None;
            }
            found = Some(i);
        }
    }
    found
}
