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
use super::seams::infer_pages;
use super::FurnitureKind;
use crate::page::{self, Line};

/// Furniture lines of the whole text: indices into `lines`, in order.
pub(super) fn classify(text: &str, lines: &[Line]) -> Vec<(usize, FurnitureKind)> {
    // Pages concatenated without form feeds: the seams that recurring headers and page
    // numbers imply (the indices of the lines stay the same).
    // The memo reads the lines' text only, which the inferred pages do not change.
    let mut memo = Memo::new(text, lines, 0..lines.len());
    let inferred = infer_pages(&mut memo, lines);
    let lines = inferred.as_deref().unwrap_or(lines);
    let pages = page::pages(lines);
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
