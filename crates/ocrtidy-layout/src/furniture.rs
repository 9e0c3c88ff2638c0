use std::collections::HashMap;
use std::ops::Range;

use ocrtidy_core::{Candidate, EditSink, Pass, PassId, PassInput};

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
/// The whole line and its line break are removed; a form feed is never touched. With
/// [`Furniture::keep`] the lines stay and each is recorded as a suggestion with its rule id.
///
/// Rules: `running-header`, `running-title`, `page-number`, `continuation-marker`,
/// `recurring-line`.
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

impl Pass for Furniture {
    fn id(&self) -> PassId {
        PassId::Furniture
    }

    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        let text = input.text;
        let lines = page::lines(text);
        let found = classify(text, &lines);
        for (i, kind) in found {
            let line = &lines[i];
            if self.keep {
                let _ = sink.suggest(
                    line.content.clone(),
                    vec![Candidate::new("", kind.confidence())],
                    kind.rule(),
                    kind.confidence(),
                );
            } else {
                let mut range = line.range.clone();
                if text[range.end..].starts_with('\n') {
                    range.end += 1;
                }
                let _ = sink.delete(range, kind.rule(), kind.confidence());
            }
        }
    }
}

/// Furniture lines of the whole text: indices into `lines`, in order.
pub(crate) fn classify(text: &str, lines: &[Line]) -> Vec<(usize, FurnitureKind)> {
    let pages = page::pages(lines);
    let mut kinds: HashMap<usize, FurnitureKind> = HashMap::new();
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
            for (i, kind) in classify_page_with(text, lines, range.clone(), &mut kinds) {
                kinds.insert(i, kind);
            }
        }
        if pages.len() >= 2 {
            for i in recurring(text, lines, &pages, &kinds) {
                if let std::collections::hash_map::Entry::Vacant(e) = kinds.entry(i) {
                    e.insert(FurnitureKind::RecurringLine);
                    if let Some(p) = pages.iter().position(|r| r.contains(&i)) {
                        dirty[p] = true;
                    }
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    let mut out: Vec<(usize, FurnitureKind)> = kinds.into_iter().collect();
    out.sort_by_key(|(i, _)| *i);
    out
}

/// Furniture lines of one page (`page` indexes `lines`), from per-page evidence only.
pub fn classify_page(
    text: &str,
    lines: &[Line],
    page: Range<usize>,
) -> Vec<(usize, FurnitureKind)> {
    let mut known = HashMap::new();
    let mut out = classify_page_with(text, lines, page, &mut known);
    out.sort_by_key(|(i, _)| *i);
    out
}

/// Scans a page until nothing new is found, ignoring and extending `known`; returns the new
/// furniture.
fn classify_page_with(
    text: &str,
    lines: &[Line],
    page: Range<usize>,
    known: &mut HashMap<usize, FurnitureKind>,
) -> Vec<(usize, FurnitureKind)> {
    let mut out = Vec::new();
    loop {
        let found = scan_page(text, lines, page.clone(), known);
        if found.is_empty() {
            return out;
        }
        for &(i, kind) in &found {
            known.insert(i, kind);
        }
        out.extend(found);
    }
}

/// One scan of a page, ignoring the lines in `known`; returns only new furniture.
fn scan_page(
    text: &str,
    lines: &[Line],
    page: Range<usize>,
    known: &HashMap<usize, FurnitureKind>,
) -> Vec<(usize, FurnitureKind)> {
    // A date standing alone anywhere on the page (tesseract reads the date at the right of a
    // header after the left column): counted over the whole page, known furniture included, so
    // that the answer does not change as furniture is peeled off.
    let page_has_date = page.clone().any(|i| is_pure_date(lines[i].text(text)));
    let first_line = page.clone().find(|&i| !lines[i].is_blank());
    let body: Vec<usize> = page
        .filter(|&i| !lines[i].is_blank() && !known.contains_key(&i))
        .collect();
    let mut out = Vec::new();
    let s = |k: usize| lines[body[k]].text(text);

    // Top of the page.
    let mut top_end = 0;
    while top_end < body.len() {
        let line = s(top_end);
        let kind = if is_date_line(line, 60) || is_merged_header(line) || is_header_with_date(line)
        {
            Some(FurnitureKind::RunningHeader)
        } else if is_continuation(line) {
            Some(FurnitureKind::ContinuationMarker)
        } else if is_page_number(line) {
            Some(FurnitureKind::PageNumber)
        } else if is_title_like(line)
            && (is_bracketed_title(line)
                || (Some(body[top_end]) == first_line && page_has_date)
                || (top_end > 0
                    && Some(body[top_end - 1]) == first_line
                    && is_date_like(s(top_end - 1)))
                || (top_end + 1 < body.len()
                    && (is_date_line(s(top_end + 1), 60) || is_merged_header(s(top_end + 1)))))
        {
            Some(FurnitureKind::RunningTitle)
        } else {
            None
        };
        match kind {
            Some(k) => out.push((body[top_end], k)),
            None => break,
        }
        top_end += 1;
    }

    // Bottom of the page.
    let mut bottom = body.len();
    while bottom > top_end {
        let line = s(bottom - 1);
        let kind = if is_continuation(line) {
            FurnitureKind::ContinuationMarker
        } else if is_page_number(line) {
            FurnitureKind::PageNumber
        } else if is_date_line(line, 30) || is_merged_header(line) {
            FurnitureKind::RunningHeader
        } else {
            break;
        };
        out.push((body[bottom - 1], kind));
        bottom -= 1;
    }

    // Anywhere in the body: unambiguous markers and page labels.
    for &i in &body[top_end..bottom] {
        let line = lines[i].text(text);
        if is_continuation(line) {
            out.push((i, FurnitureKind::ContinuationMarker));
        } else if is_pure_date(line) {
            out.push((i, FurnitureKind::RunningHeader));
        } else if is_page_number(line) && !page_core(line).chars().all(|c| c.is_ascii_digit()) {
            out.push((i, FurnitureKind::PageNumber));
        }
    }
    out.sort_by_key(|(i, _)| *i);
    out
}

/// Lines at the top or bottom of two or more pages that are equal with digits normalised.
fn recurring(
    text: &str,
    lines: &[Line],
    pages: &[Range<usize>],
    known: &HashMap<usize, FurnitureKind>,
) -> Vec<usize> {
    let mut seen: HashMap<String, Vec<(usize, usize)>> = HashMap::new();
    for (p, range) in pages.iter().enumerate() {
        let body: Vec<usize> = range
            .clone()
            .filter(|&i| !lines[i].is_blank() && !known.contains_key(&i))
            .collect();
        // Only the first and the last line: the classification loop peels a header of several
        // lines one by one, and line joins can only make an edge line longer, never bring a
        // body line to the edge.
        let mut picks: Vec<usize> = body.first().copied().into_iter().collect();
        if let Some(&last) = body.last() {
            if !picks.contains(&last) {
                picks.push(last);
            }
        }
        for i in picks {
            let line = lines[i].text(text);
            // Only lines that could be furniture: a title, a date, a page label.
            let candidate = is_title_like(line) || is_date_like(line) || is_page_number(line);
            let key = normalise(line);
            if candidate && visible_chars(&key) >= 2 {
                seen.entry(key).or_default().push((p, i));
            }
        }
    }
    // Keys equal up to OCR misreads (`数字生活导报` and `数字生活粤报`) on other pages count
    // too: at least four chars and at most one edit in four.
    let keys: Vec<(&String, &Vec<(usize, usize)>)> = seen.iter().collect();
    let mut out = Vec::new();
    for (key, hits) in &keys {
        let mut pages_hit: Vec<usize> = hits.iter().map(|(p, _)| *p).collect();
        for (other, other_hits) in &keys {
            if other != key && similar(key, other) {
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
fn similar(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let n = a.len().max(b.len());
    if a.len().min(b.len()) < 4 || a.len().abs_diff(b.len()) * 4 > n {
        return false;
    }
    levenshtein(&a, &b) * 4 <= n
}

fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
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
    is_date_line(s, 60) || is_merged_header(s) || is_header_with_date(s)
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
    let s = &denoise(s);
    if visible_chars(s) > max_chars || s.contains(['。', '，', '；']) {
        return false;
    }
    (has_cjk_date(s) || has_latin_date(s)) && non_date_words(s) <= 3
}

/// A line that is a date and nothing else (`2020年10月22日 星期四`, `Tuesday, May 17, 2022`,
/// one misread word allowed): furniture wherever it stands.
fn is_pure_date(s: &str) -> bool {
    is_date_line(s, 30) && non_date_words(s) <= 1 && {
        let chars: Vec<char> = s.chars().collect();
        (0..chars.len()).any(|i| year_at(&chars, i))
    }
}

/// A line at the top of a page that ends with a date after a title without sentence punctuation
/// (`Systems & Networks Gazette Monday, March 15, 2021`, single spaces).
fn is_header_with_date(s: &str) -> bool {
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
    let lower = s.to_lowercase();
    let named = lower
        .split(|c: char| !c.is_alphabetic())
        .any(|w| MONTHS.contains(&w) || WEEKDAYS.contains(&w));
    // `15, 2021`: a day and a year, as in a date whose names OCR garbled.
    let day_year = lower
        .split(',')
        .zip(lower.split(',').skip(1))
        .any(|(a, b)| {
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
    let n = visible_chars(s);
    let has_digit = s
        .chars()
        .any(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c));
    let cjk = ["上接", "下转", "接第", "转第", "续第", "转下页", "接上页"];
    if n <= 16 && has_digit && s.contains(['版', '页', '面']) && cjk.iter().any(|k| s.contains(k))
    {
        return true;
    }
    // A bracketed `（…第N版）` whose verb or number OCR misread: `(上扶第2版)`, `(上接第世版)`.
    let bracketed =
        (s.starts_with('(') || s.starts_with('（')) && (s.ends_with(')') || s.ends_with('）'));
    if bracketed && n <= 10 && s.contains('第') && s.contains('版') {
        return true;
    }
    let lower = s.to_lowercase();
    n <= 40
        && (lower.contains("continued on")
            || lower.contains("continued from")
            || lower.contains("continues on")
            || lower.contains("cont. on"))
        && (lower.contains("page") || lower.contains("next") || has_digit)
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
    if visible_chars(s) > 14 || s.contains(['，', '。', ',', ';', '；', ':', '：', '、']) {
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
    }
}
