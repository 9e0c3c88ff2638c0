//! The `furniture` pass (this module: the pass, its declaration and its edits) and its
//! evidence: `layout` (the furniture lines the page geometry found), `classify` (per-page
//! classification and the loop with cross-page evidence), `recurring` (lines that recur at the
//! edges of several pages), `seams` (pages concatenated without form feeds), `headers` (dates, titles, merged headers) and `markers` (page
//! numbers, continuation markers).

mod classify;
mod headers;
mod layout;
mod markers;
mod recurring;
mod seams;

use std::ops::Range;

use ocrtidy_core::text::{Bias, Edit, EditSet, OffsetMap, TextRange};
use ocrtidy_core::{Candidate, EditSink, Pass, PassId, PassInput, PassKind, PassSpec, RuleSpec};

use crate::page;
use classify::{classify, Settled, SETTLED_BYTES};
use layout::layout_lines;

pub use classify::classify_page;
pub(crate) use classify::{classify_page_memo, PageMemo};
pub(crate) use headers::{is_date_like, opens_title};

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
/// Pages concatenated without form feeds (blank lines only) are cut where a running header
/// recurs with a rising page number, before a recurring date line (with its title) that
/// follows a page number or repeats as it is, or after lone page numbers that count up a page
/// apart
/// (`seams`), so that the rules above see those lines at the edge of a page; the text keeps
/// its form feeds as they are.
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
        local: false,
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
                explain: "A date line or dated header is deleted as page furniture: at the top of a page a date of at most 60 visible characters (`2021年3月18日 星期四`, `Monday, March 15, 2021`; also `5月18日 星期` when OCR lost the day after `星期`) with at most 3 other words and no `。，；`, a header merged from a title and a date by a run of spaces, or a title ending in a date; at the bottom a date line of at most 30 characters; anywhere a line that is only a date. Applied (confidence 0.9), or suggested with `--keep-furniture`. Body sentences that mention a date are kept (too long, or with sentence punctuation).",
            },
            RuleSpec {
                id: "running-title",
                explain: "A publication or section title at the top of a page is deleted: a short line (2–24 visible characters, no sentence punctuation, not ending in `.`) that is a `《…》` title, or stands directly above a date line, or directly below a date line that opens the page, or is the first line of a page that has a date-only line anywhere: `数字生活导报` above `2021年3月18日 星期四`. Applied (confidence 0.8, the least sure furniture rule), or suggested with `--keep-furniture`. A short line in the body with no date next to it (a headline) stays.",
            },
            RuleSpec {
                id: "page-number",
                explain: "A page number at the top or bottom of a page is deleted with its line break: `12`, `- 12 -`, `— 4 —`, `第3版`, `第 3 页`, `Page 3 of 10`, `p. 7` (at most 14 visible characters, no clause punctuation, numbers of at most 4 digits). Applied (confidence 0.9), or suggested with `--keep-furniture`. In the middle of a page only page labels that are not bare numbers (`第3版`, `Page 3`) are removed; a bare number inside the body is kept, except one standing alone between blank lines on a page that has a running header, title or recurring line and no other page number, and is the page's only such line: a two-column page's number read between the columns.",
            },
            RuleSpec {
                id: "continuation-marker",
                explain: "A newspaper continuation marker standing as a line of its own, anywhere on the page, is deleted: `（下转第2版）`, `（上接第1版）`, `(continued on page 4)`, `Continued from page 5`, and bracketed `（…第N版）` lines whose verb or number OCR misread (`(上扶第2版)`). Applied (confidence 0.95), or suggested with `--keep-furniture`. Longer lines (over 16 visible characters for the Chinese forms, 40 for the Latin ones) are kept as body text.",
            },
            RuleSpec {
                id: "recurring-line",
                explain: "When the text has several pages (form feeds, or pages concatenated with blank lines only, whose seams are inferred: before a running header that recurs standing apart with a rising page number, `THE RIVER PRESS   47` … `THE RIVER PRESS   48`, before a recurring date line (and the title above it) right after a page number or continuation marker or repeated as it is on the next or previous page, and after each of three or more lone page numbers that count up with about a page of text between them), a first or last line of a page that looks like furniture (a short title, a date, a page label, a title and a page number set apart by spaces) and recurs at the edge of at least two pages, equal once digits and spaces are normalised or within one edit in four characters, is deleted: `THE RIVER PRESS    Chapter 3` at the top of each page. Applied (confidence 0.85), or suggested with `--keep-furniture`. A single page without such seams never triggers it, and lines in the middle of a page are not compared.",
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
            for (i, kind) in classify_text(text, &lines, input) {
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
        for (i, kind) in classify_text(&rest, &lines, input) {
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

/// [`classify`] of `text` (the text the pass reads, or that text without the geometry's
/// furniture), with the pass's memory of the run for a text of several pages of at most
/// `SETTLED_BYTES`: a text of one page changed since the last round (or the pass would not run
/// again), so its page did.
fn classify_text(
    text: &str,
    lines: &[page::Line],
    input: &PassInput<'_>,
) -> Vec<(usize, FurnitureKind)> {
    let several = lines.last().is_some_and(|l| l.page > 0);
    if several && text.len() <= SETTLED_BYTES {
        input
            .memory
            .with(|settled: &mut Settled| classify(text, lines, Some(settled)))
    } else {
        classify(text, lines, None)
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

#[cfg(test)]
mod tests {
    use super::*;
    use ocrtidy_core::FurnitureHint;

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
}

#[cfg(test)]
mod memory_tests {
    use super::classify::{Settled, SETTLED_BYTES};
    use super::*;
    use ocrtidy_core::{Context, PassKind, PassMemory, RuleSpec, Runner};

    // The pass without its memory (`Forgetful`): every page read anew in every round.
    use ocrtidy_core::testing::Forgetful;

    static EDIT: PassSpec = PassSpec {
        id: PassId::new("edit-lines"),
        summary: "",
        kind: PassKind::Character,
        removes_text: true,
        rerun: true,
        local: false,
        written_back: false,
        rules: &[RuleSpec {
            id: "edit",
            explain: "",
        }],
    };

    /// In each round, deletes the first `#` of the text and turns the first `~` into `7`: the
    /// pages that hold them change in later rounds (in their length, or only in their bytes:
    /// `第~版` becomes a page label) while the others settle, and a line of only `#` becomes
    /// blank, next to the page after it or before it.
    struct EditLines;

    impl Pass for EditLines {
        fn spec(&self) -> &'static PassSpec {
            &EDIT
        }
        fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
            if let Some(i) = input.text.find('#') {
                let _ = sink.delete(i..i + 1, "edit", 1.0);
            }
            if let Some(i) = input.text.find('~') {
                let _ = sink.replace(i..i + 1, "7", "edit", 1.0);
            }
        }
    }

    /// Pseudo-random texts of pages (form feeds) of body lines and of lines that may be
    /// furniture (dates, titles, page numbers and labels, continuation markers, numbered
    /// running headers, a page's foot before a dated head, which sets a seam), with blank
    /// lines, and the `#` and `~` that [`EditLines`] edits.
    fn texts(count: usize) -> Vec<String> {
        let lines = [
            "正文第一行写到右边，还有很多字。",
            "正文结束。",
            "The body of the page goes on here.",
            "数字生活导报",
            "2021年3月18日 星期四",
            "- 3 -\n\n数字生活导报\n2021年3月18日 星期四\n",
            "- 4 -\n\n2021年3月18日 星期四\n",
            "（下转第2版）\n\n2021年3月19日 星期五\n",
            "12",
            "1~",
            "第~版",
            "（下转第2版）",
            "THE RIVER PRESS   4~",
            "THE RIVER PRESS   47",
            "《短标题》",
            "#",
            "#12",
            "",
            "",
        ];
        let mut rng = ocrtidy_core::testing::Lcg::new(0x5851_f42d_4c95_7f2d);
        let mut next = |n: usize| rng.below(n);
        (0..count)
            .map(|_| {
                let mut text = String::new();
                for _ in 0..next(30) + 4 {
                    text.push_str(lines[next(lines.len())]);
                    text.push_str(if next(8) == 0 { "\u{c}" } else { "\n" });
                }
                text
            })
            .collect()
    }

    #[test]
    fn remembered_pages_find_what_pages_read_anew_find() {
        // The pass with its memory changes (or, keeping the furniture, suggests) what the
        // pass without it does, in every round, on texts that another pass edits between the
        // rounds.
        let mut remembered = 0;
        for text in texts(2000) {
            for pass in [Furniture::new(), Furniture::keep()] {
                let kept = Runner::new(vec![Box::new(pass.clone()), Box::new(EditLines)])
                    .run(&text, &Context::default());
                let anew = Runner::new(vec![Box::new(Forgetful(pass)), Box::new(EditLines)])
                    .run(&text, &Context::default());
                assert_eq!(kept.text, anew.text, "{text:?}");
                assert_eq!(kept.changes, anew.changes, "{text:?}");
                assert_eq!(kept.stats.rounds, anew.stats.rounds, "{text:?}");
            }
            remembered += usize::from(text.contains('\u{c}') && text.len() <= SETTLED_BYTES);
        }
        // Most texts have several pages and are short enough for the memory.
        assert!(remembered > 1000, "{remembered}");
    }

    #[test]
    fn a_long_text_keeps_no_memory() {
        let page = "正文第一行写到右边，还有很多字。\n".repeat(4);
        let long = format!("{page}\u{c}").repeat(20);
        assert!(long.len() > SETTLED_BYTES);
        let context = Context::default();
        let memory = PassMemory::default();
        let run = |text: &str, memory: &PassMemory| {
            let mut sink = EditSink::new(text);
            Furniture::new().run(&PassInput::new(text, &context, memory), &mut sink);
        };
        run(&long, &memory);
        memory.with(|settled: &mut Settled| assert!(settled.is_empty()));
        run("正文。\u{c}正文。", &memory);
        memory.with(|settled: &mut Settled| assert!(!settled.is_empty()));
    }
}
