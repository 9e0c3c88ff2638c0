//! Page seams in text without form feeds: book pages concatenated with blank lines only
//! (`THE HISTORY OF PRINTING   47` at the top of each page, a lone `47` at the bottom), found
//! from running headers that recur with a rising page number, or from lone page numbers that
//! count up, so that the furniture rules see those lines at the edge of a page.

use std::ops::Range;

use ocrtidy_core::text::distance::levenshtein_within;

use super::classify::{Memo, Q};
use super::headers::is_numbered_header;
use super::markers::page_core;
use crate::page::{self, Line};

/// The lines of `text` with the pages that [`page_seams`] finds inside each page of the text
/// (renumbered from 0); `None` when no seam is found.
#[cfg(test)]
pub(super) fn infer_pages(memo: &mut Memo<'_>, lines: &[Line]) -> Option<Vec<Line>> {
    let mut seams: Vec<usize> = Vec::new();
    for range in page::pages(lines) {
        page_seams(memo, lines, range, &mut seams);
    }
    with_seams(lines, &mut seams)
}

/// The seams that recurring headers and page numbers imply inside one page `range` of `lines`
/// (each the index of the first line of a new page), added to `seams`; they read the lines of
/// the page only.
///
/// A seam is set:
/// - before each line of a running header that recurs (the same once digits are left out, at
///   least twice on the page, each standing apart after a blank line or set apart from its
///   number by a run of spaces, with some body lines between them) with a page number that
///   rises from one to the next (`THE HISTORY OF PRINTING   46` … `THE HISTORY OF PRINTING   47`);
/// - before each date line (or the running title right above it) that comes right after a page
///   number or a continuation marker, the foot of the page before, or that recurs as it is (the
///   date of a newspaper issue on each of its pages), when such date lines recur;
/// - after each lone page number (`12`, `— 12 —`, `Page 12`, standing apart between blank lines)
///   of a run of at least three that count up by one, with about as many body lines (at least
///   three) between each two of them, as pages have.
///
/// The questions about each line are asked through `memo` (of `lines`), which the
/// classification then reads again: each is answered once.
pub(super) fn page_seams(
    memo: &mut Memo<'_>,
    lines: &[Line],
    range: Range<usize>,
    seams: &mut Vec<usize>,
) {
    header_seams(memo, lines, range.clone(), seams);
    dated_seams(memo, lines, range.clone(), seams);
    number_seams(memo, lines, range, seams);
}

/// `lines` with the pages that `seams` (the index of the first line of each new page, in any
/// order; left sorted, each once) cut; `None` when there is none.
pub(super) fn with_seams(lines: &[Line], seams: &mut Vec<usize>) -> Option<Vec<Line>> {
    if seams.is_empty() {
        return None;
    }
    seams.sort_unstable();
    seams.dedup();
    let mut out = lines.to_vec();
    let mut shift = 0;
    let mut next = seams.iter().peekable();
    for (i, line) in out.iter_mut().enumerate() {
        while next.next_if(|&&s| s <= i).is_some() {
            shift += 1;
        }
        line.page += shift;
    }
    Some(out)
}

/// The number of a numbered running header: its last run of ASCII digits (at most four).
fn number_of(s: &str) -> Option<u32> {
    let head = &s[..s.rfind(|c: char| c.is_ascii_digit())? + 1];
    let digits = &head[head.trim_end_matches(|c: char| c.is_ascii_digit()).len()..];
    (digits.len() <= 4).then(|| digits.parse().ok()).flatten()
}

/// True when line `i` stands apart: first on its page, or after a blank line.
fn after_blank(lines: &[Line], range: &Range<usize>, i: usize) -> bool {
    i == range.start || lines[i - 1].is_blank()
}

/// Seams before running headers with a rising page number (see [`page_seams`]).
fn header_seams(memo: &mut Memo<'_>, lines: &[Line], range: Range<usize>, seams: &mut Vec<usize>) {
    // Candidates: title-like lines, or a title and a number apart, that hold a number; keyed
    // by their text without digits and spaces.
    let mut found: Vec<(String, usize, u32)> = Vec::new();
    for i in range.clone() {
        let s = memo.text(i);
        // Every candidate holds a number (below): the byte scan settles most lines first.
        if s.is_empty() || !page::has_ascii_digit(s) || memo.ask(i, Q::PageNumber) {
            continue;
        }
        // A title and a number that a run of spaces sets apart is a header wherever it stands
        // (pages concatenated with single line breaks glue it to the text around it); a plain
        // title-like line only after a blank line.
        let numbered = is_numbered_header(s);
        if !(numbered || (after_blank(lines, &range, i) && memo.ask(i, Q::Title))) {
            continue;
        }
        let Some(n) = number_of(s) else {
            continue;
        };
        let key: String = s
            .chars()
            .filter(|c| !c.is_ascii_digit() && !page::is_space(*c))
            .collect();
        if page::visible_chars_upto(&key, 4) >= 4 {
            found.push((key, i, n));
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    for group in found.chunk_by(|a, b| a.0 == b.0) {
        if group.len() < 2 {
            continue;
        }
        let rising = group.windows(2).all(|w| {
            let body = (w[0].1 + 1..w[1].1)
                .filter(|&j| !lines[j].is_blank())
                .count();
            w[1].2 > w[0].2 && w[1].2 <= w[0].2 + 2 && body >= 2
        });
        if rising {
            seams.extend(group.iter().map(|g| g.1).filter(|&i| i > range.start));
        }
    }
}

/// Seams before dated running headers at the head of a page (see [`page_seams`]).
fn dated_seams(memo: &mut Memo<'_>, lines: &[Line], range: Range<usize>, seams: &mut Vec<usize>) {
    let prev = |i: usize| (range.start..i).rev().find(|&j| !lines[j].is_blank());
    // The head of each page that a date line opens (with the running title right above it),
    // whether a page number or a continuation marker, the foot of a page, comes before it, and
    // the date line without spaces.
    let mut heads: Vec<(usize, bool, Vec<char>)> = Vec::new();
    for i in range.clone() {
        let s = memo.text(i);
        if s.is_empty() || !after_blank(lines, &range, i) || !memo.date_like(i) {
            continue;
        }
        let head = prev(i)
            .filter(|&j| {
                after_blank(lines, &range, j)
                    && memo.ask(j, Q::Title)
                    && !memo.ask(j, Q::PageNumber)
            })
            .unwrap_or(i);
        let foot =
            prev(head).is_some_and(|j| memo.ask(j, Q::PageNumber) || memo.ask(j, Q::Continuation));
        let key: Vec<char> = s.chars().filter(|c| !page::is_space(*c)).collect();
        heads.push((head, foot, key));
    }
    if heads.len() < 2 {
        return;
    }
    // A head counts after the foot of a page, or when its date line recurs as it is (the same
    // digits, and up to an OCR misread, one edit in four chars, in the rest) on the page before
    // or after, as a newspaper's date does on every page (dated entries of a diary differ in
    // their dates).
    let digits = |key: &[char]| -> Vec<char> {
        key.iter().filter(|c| c.is_ascii_digit()).copied().collect()
    };
    let same = |a: &[char], b: &[char]| {
        digits(a) == digits(b) && levenshtein_within(a, b, a.len().max(b.len()) / 4).is_some()
    };
    for (k, (head, foot, key)) in heads.iter().enumerate() {
        // Compared with the heads before and after it only: the text stays linear.
        let recurs = || {
            [k.wrapping_sub(1), k + 1]
                .iter()
                .filter_map(|&o| heads.get(o))
                .any(|other| same(key, &other.2))
        };
        if *head > range.start && (*foot || recurs()) {
            seams.push(*head);
        }
    }
}

/// The fewest body lines between two lone page numbers.
const MIN_PAGE_LINES: usize = 3;

/// Seams after lone page numbers that count up (see [`page_seams`]).
fn number_seams(memo: &mut Memo<'_>, lines: &[Line], range: Range<usize>, seams: &mut Vec<usize>) {
    let apart =
        |i: usize| after_blank(lines, &range, i) && (i + 1 == range.end || lines[i + 1].is_blank());
    let mut lone: Vec<(usize, u32)> = Vec::new();
    for i in range.clone() {
        let s = memo.text(i);
        if s.is_empty() || !apart(i) || !memo.ask(i, Q::PageNumber) {
            continue;
        }
        // `12`, `— 12 —`, `Page 12`, `第12版`.
        if let Some(n) = number_of(&page_core(s)) {
            lone.push((i, n));
        }
    }
    let body = |r: Range<usize>| r.filter(|&j| !lines[j].is_blank()).count();
    // Runs of numbers that count up by one, with body lines before the first and a page's worth
    // between the others: at least `MIN_PAGE_LINES`, and about as many each time (the longest
    // at most twice the shortest), as pages are; numbered sections vary far more.
    let mut start = 0;
    while start < lone.len() {
        let mut end = start + 1;
        while end < lone.len()
            && lone[end].1 == lone[end - 1].1 + 1
            && body(lone[end - 1].0 + 1..lone[end].0) >= MIN_PAGE_LINES
        {
            end += 1;
        }
        let gaps: Vec<usize> = lone[start..end]
            .windows(2)
            .map(|w| body(w[0].0 + 1..w[1].0))
            .collect();
        let (shortest, longest) = (
            gaps.iter().copied().min().unwrap_or(0),
            gaps.iter().copied().max().unwrap_or(0),
        );
        let even = longest <= 2 * shortest;
        if end - start >= 3 && even && body(range.start..lone[start].0) > 0 {
            for &(i, _) in &lone[start..end] {
                // The first line with text after the number starts the next page.
                if let Some(j) = (i + 1..range.end).find(|&j| !lines[j].is_blank()) {
                    seams.push(j);
                }
            }
        }
        start = end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages_of(text: &str) -> Vec<usize> {
        let lines = page::lines(text);
        let mut memo = Memo::new(text, &lines, 0..lines.len());
        let inferred = infer_pages(&mut memo, &lines).unwrap_or_else(|| lines.clone());
        inferred
            .iter()
            .filter(|l| !l.is_blank())
            .map(|l| l.page)
            .collect()
    }

    #[test]
    fn numbers_of_headers() {
        assert_eq!(number_of("THE RIVER PRESS   12"), Some(12));
        assert_eq!(number_of("48   CHAPTER THREE"), Some(48));
        assert_eq!(number_of("2023年5月22日 星期一"), Some(22));
        assert_eq!(number_of("港口的历史"), None);
        assert_eq!(number_of("Issue 123456"), None);
    }

    #[test]
    fn seams_from_headers_and_page_numbers() {
        // Running headers with a rising number: a page starts at each.
        let t = "THE RIVER PRESS   12\n\nBody one.\nBody two.\n\n12\n\nTHE RIVER PRESS   13\n\nBody three.\nBody four.\n\n13";
        assert_eq!(pages_of(t), vec![0, 0, 0, 0, 1, 1, 1, 1]);
        // Lone page numbers counting up: a page ends after each.
        let t = "B1.\n\n7\n\nB2.\nB3.\nB4.\n\n8\n\nB5.\nB6.\nB7.\nB8.\n\n9\n\nB9.";
        assert_eq!(pages_of(t), vec![0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3]);
        // Dated headers after the page number at the foot of the page before.
        let t = "报名\n\n2021年3月18日 星期四\n\n甲。\n\n- 2 -\n\n报名\n\n2021年3月18日 星期四\n\n乙。\n\n- 3 -";
        assert_eq!(pages_of(t), vec![0, 0, 0, 0, 1, 1, 1, 1]);
        // Keep: a repeated heading without a number, two numbers only, numbers that do not
        // count up, a header whose number falls.
        for t in [
            "Summary\n\nBody one.\nBody two.\n\nSummary\n\nBody three.\nBody four.",
            "Body one.\n\n7\n\nBody two.\n\n8\n\nBody three.",
            "Body one.\n\n7\n\nBody two.\n\n9\n\nBody three.\n\n11\n\nBody four.",
            // Dated entries (a diary) without a page number before them.
            "第一天\n\n2021年3月18日 星期四\n\n甲。\n乙。\n\n第二天\n\n2021年3月19日 星期五\n\n丙。",
            // Numbered sections: too short between numbers, or of very different lengths.
            "1\n\nB1.\n\n2\n\nB2.\n\n3\n\nB3.",
            "Intro.\n\n1\n\nB1.\nB2.\nB3.\n\n2\n\nB4.\nB5.\nB6.\nB7.\nB8.\nB9.\nB10.\n\n3\n\nB11.",
            "THE RIVER PRESS   13\n\nBody one.\nBody two.\n\nTHE RIVER PRESS   12\n\nBody three.",
        ] {
            let lines = page::lines(t);
            let mut memo = Memo::new(t, &lines, 0..lines.len());
            assert!(infer_pages(&mut memo, &lines).is_none(), "{t:?}");
        }
    }
}
