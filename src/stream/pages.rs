//! Cleaning the pages of one document together and splitting the result back per page.
//!
//! The pages are joined with a form feed (the page separator of the output convention) so that
//! passes see cross-page evidence (running headers, page-number sequences, fragments continued
//! on the next page). The cleaned text and the change ledger are then cut back at the
//! separators: every page gets its own text and its own ledger, with offsets rebased to the
//! page, so that replaying a page's ledger on the page reproduces the page's output.
//!
//! A change that spans a separator (a run of breaks around a page break, say) is split into one
//! piece per page; the form feeds of its replacement text are matched to the separators in
//! order. When the pipeline brings breaks to the output convention (the `blank-lines` pass),
//! each page is a document of its own: the breaks left at a page's start and end (the `\n` of
//! the `\n\f` page-break marker) are removed and recorded as `document-start` / `document-end`
//! changes of that pass, as cleaning the page alone would.

use ocrtidy_core::{Change, Cleaned, Context, LineBreakHint, PassId, Step};

use crate::Pipeline;

/// The separator placed between the pages of one document.
pub const PAGE_SEPARATOR: &str = "\u{c}";

/// See [`Pipeline::clean_pages`].
pub(crate) fn clean_pages(pipeline: &Pipeline, pages: &[&str]) -> Vec<Cleaned> {
    match pages {
        [] => Vec::new(),
        [one] => vec![pipeline.clean(one)],
        _ => {
            let joined = pages.join(PAGE_SEPARATOR);
            let cleaned = pipeline.clean(&joined);
            let trim = pipeline.passes().contains(&PassId::BlankLines);
            split_pages(pages, &joined, cleaned, trim)
        }
    }
}

/// See [`Pipeline::clean_pages_with`].
pub(crate) fn clean_pages_with(pipeline: &Pipeline, pages: &[(&str, &Context)]) -> Vec<Cleaned> {
    match pages {
        [] => Vec::new(),
        [(one, context)] => vec![pipeline.clean_with(one, context)],
        _ => {
            let texts: Vec<&str> = pages.iter().map(|(t, _)| *t).collect();
            let joined = texts.join(PAGE_SEPARATOR);
            let context = joined_context(pages);
            let cleaned = pipeline.clean_with(&joined, &context);
            let trim = pipeline.passes().contains(&PassId::BlankLines);
            split_pages(&texts, &joined, cleaned, trim)
        }
    }
}

/// See [`Pipeline::clean_pages_text`].
pub(crate) fn clean_pages_text(pipeline: &Pipeline, pages: &[&str]) -> Vec<String> {
    match pages {
        [] => Vec::new(),
        [one] => vec![pipeline.clean_text(one)],
        _ => split_texts(pipeline, pages).unwrap_or_else(|| {
            clean_pages(pipeline, pages)
                .into_iter()
                .map(|c| c.text)
                .collect()
        }),
    }
}

/// The pages' texts of [`clean_pages`], from the joined text cleaned without a ledger and cut
/// at its form feeds. Passes never insert a form feed and remove one only where pages collapse
/// (an empty page) or at the text's edges, so when no page holds a form feed of its own and the
/// cleaned text has as many as there are separators, its `i`-th form feed is the `i`-th
/// separator, which is where [`split_pages`] cuts through the ledger; the breaks at a page's
/// edges then go as [`trim_end`] and [`trim_start`] remove them. `None` otherwise (a separator
/// went with an empty page): only the ledger says where the pages are.
fn split_texts(pipeline: &Pipeline, pages: &[&str]) -> Option<Vec<String>> {
    if pages.iter().any(|p| p.contains(PAGE_SEPARATOR)) {
        return None;
    }
    let text = pipeline.clean_text_owned(pages.join(PAGE_SEPARATOR));
    if text.matches(PAGE_SEPARATOR).count() != pages.len() - 1 {
        return None;
    }
    let trim = pipeline.passes().contains(&PassId::BlankLines);
    Some(
        text.split(PAGE_SEPARATOR)
            .map(|p| {
                if trim {
                    p.trim_matches(is_edge_break)
                } else {
                    p
                }
            })
            .map(str::to_string)
            .collect(),
    )
}

/// The contexts of the pages moved to the pages' offsets in the joined text.
fn joined_context(pages: &[(&str, &Context)]) -> Context {
    let mut confidences = Vec::new();
    let mut breaks: Vec<(usize, LineBreakHint)> = Vec::new();
    let mut furniture = Vec::new();
    let mut at = 0;
    for (text, context) in pages {
        confidences.extend(
            context
                .confidences()
                .iter()
                .map(|s| (s.range.start + at..s.range.end + at, s.confidence)),
        );
        breaks.extend(context.line_breaks().iter().map(|&(b, h)| (b + at, h)));
        furniture.extend(
            context
                .furniture()
                .iter()
                .map(|&(r, h)| (r.start + at..r.end + at, h)),
        );
        at += text.len() + PAGE_SEPARATOR.len();
    }
    Context::with_confidences(confidences)
        .with_line_breaks(breaks)
        .with_furniture(furniture)
}

/// Where page `i` lies: bytes and code points of the joined input.
struct PageSpan {
    start: usize,
    end: usize,
    char_start: usize,
}

/// Cuts `cleaned` (the result of cleaning `joined = pages.join("\f")`) back into pages.
fn split_pages(pages: &[&str], joined: &str, cleaned: Cleaned, trim_edges: bool) -> Vec<Cleaned> {
    let mut spans = Vec::with_capacity(pages.len());
    let (mut at, mut chars_at) = (0, 0);
    for page in pages {
        spans.push(PageSpan {
            start: at,
            end: at + page.len(),
            char_start: chars_at,
        });
        at += page.len() + PAGE_SEPARATOR.len();
        chars_at += page.chars().count() + 1;
    }
    let page_of = |offset: usize| {
        spans
            .partition_point(|s| s.start <= offset)
            .saturating_sub(1)
    };

    let output = cleaned.text.as_str();
    let mut applied: Vec<&Change> = cleaned.changes.iter().filter(|c| c.applied).collect();
    applied.sort_by_key(|c| (c.start, c.end));

    // Output cut of every separator: page i ends at cuts[i].0, page i + 1 starts at cuts[i].1.
    let mut cuts: Vec<(usize, usize)> = Vec::with_capacity(pages.len().saturating_sub(1));
    // Cuts inside changes, keyed by separator index: (change index, lo, hi) in the change's text.
    let mut inner: Vec<Option<(usize, usize, usize)>> = vec![None; pages.len()];
    let mut delta: isize = 0;
    let mut ci = 0;
    for (i, span) in spans.iter().enumerate().take(pages.len() - 1) {
        let sep = span.end;
        while ci < applied.len() && applied[ci].end <= sep {
            delta += applied[ci].after.len() as isize - applied[ci].before.len() as isize;
            ci += 1;
        }
        match applied.get(ci) {
            Some(c) if c.start <= sep => {
                let seps_before = (0..i)
                    .rev()
                    .take_while(|&p| inner[p].is_some_and(|x| x.0 == ci))
                    .count();
                let (lo, hi) = cut_in_change(c, seps_before, sep);
                inner[i] = Some((ci, lo, hi));
                cuts.push((c.out_start + lo, c.out_start + hi));
            }
            _ => {
                let lo = (sep as isize + delta).clamp(0, output.len() as isize) as usize;
                cuts.push((lo, (lo + PAGE_SEPARATOR.len()).min(output.len())));
            }
        }
    }

    let mut out_bounds = Vec::with_capacity(pages.len());
    for i in 0..pages.len() {
        let ob = if i == 0 { 0 } else { cuts[i - 1].1 };
        let oe = cuts.get(i).map_or(output.len(), |c| c.0);
        out_bounds.push((ob, oe.max(ob)));
    }

    let mut result: Vec<Cleaned> = out_bounds
        .iter()
        .map(|&(ob, oe)| Cleaned {
            text: output.get(ob..oe).unwrap_or_default().to_string(),
            changes: Vec::new(),
            stats: Default::default(),
        })
        .collect();
    if let Some(first) = result.first_mut() {
        // The run's counters belong to the whole document; they are reported once.
        first.stats = cleaned.stats.clone();
    }

    for (idx, c) in applied.iter().enumerate() {
        let first = page_of(c.start);
        let last = if c.end > c.start {
            page_of(c.end)
        } else {
            first
        };
        if first == last {
            let span = &spans[first];
            let (ob, _) = out_bounds[first];
            let mut piece = (*c).clone();
            piece.start -= span.start;
            piece.end -= span.start;
            piece.char_start -= span.char_start;
            piece.char_end -= span.char_start;
            piece.out_start = piece.out_start.saturating_sub(ob);
            piece.out_end = piece.out_end.saturating_sub(ob);
            result[first].changes.push(piece);
            continue;
        }
        // A change across separators: one piece per page.
        for p in first..=last {
            let span = &spans[p];
            let b0 = c.start.max(span.start);
            let b1 = c.end.min(span.end).max(b0);
            let a0 = if p == first {
                0
            } else {
                inner[p - 1].filter(|x| x.0 == idx).map_or(0, |x| x.2)
            };
            let a1 = if p == last {
                c.after.len()
            } else {
                inner[p]
                    .filter(|x| x.0 == idx)
                    .map_or(c.after.len(), |x| x.1)
            };
            let a1 = a1.max(a0);
            let before = &joined[b0..b1];
            let after = c.after.get(a0..a1).unwrap_or_default();
            if before == after {
                continue;
            }
            let (ob, _) = out_bounds[p];
            let char_start = c.char_start + joined[c.start..b0].chars().count();
            result[p].changes.push(Change {
                start: b0 - span.start,
                end: b1 - span.start,
                char_start: char_start - span.char_start,
                char_end: char_start + before.chars().count() - span.char_start,
                before: before.to_string(),
                after: after.to_string(),
                out_start: (c.out_start + a0).saturating_sub(ob),
                out_end: (c.out_start + a1).saturating_sub(ob),
                ..(*c).clone()
            });
        }
    }

    for s in cleaned.changes.iter().filter(|c| !c.applied) {
        let p = page_of(s.start);
        let span = &spans[p];
        let (ob, oe) = out_bounds[p];
        let end = s.end.min(span.end).max(s.start);
        let mut piece = s.clone();
        piece.start -= span.start;
        piece.end = end - span.start;
        piece.char_start -= span.char_start;
        piece.char_end = piece.char_start + joined[s.start..end].chars().count();
        piece.out_start = s.out_start.clamp(ob, oe) - ob;
        piece.out_end = s.out_end.clamp(ob, oe) - ob;
        result[p].changes.push(piece);
    }

    for (page, cleaned) in pages.iter().zip(result.iter_mut()) {
        if trim_edges {
            trim_end(page, cleaned);
            trim_start(page, cleaned);
        }
        cleaned
            .changes
            .sort_by_key(|c| (c.start, c.end, !c.applied));
    }
    result
}

/// Where the separator at `sep` (inside change `c`) falls in the change's replacement text, as
/// `(lo, hi)`: the first page ends at `lo`, the next starts at `hi`. The form feeds of the
/// original text are matched to those of the replacement in order; a separator with no form
/// feed left in the replacement cuts at its end.
fn cut_in_change(c: &Change, seps_before: usize, sep: usize) -> (usize, usize) {
    let ff = PAGE_SEPARATOR.as_bytes()[0];
    let before = c.before.as_bytes();
    let after = c.after.as_bytes();
    let ff_before: Vec<usize> = (0..before.len()).filter(|&k| before[k] == ff).collect();
    let ff_after: Vec<usize> = (0..after.len()).filter(|&k| after[k] == ff).collect();
    let rank = ff_before
        .iter()
        .position(|&k| c.start + k == sep)
        .unwrap_or(0);
    let target = if ff_before.len() == ff_after.len() {
        ff_after.get(rank)
    } else {
        // Fewer form feeds in the replacement: only separators claim them, in order.
        ff_after.get(seps_before)
    };
    match target {
        Some(&k) => (k, k + 1),
        None => (after.len(), after.len()),
    }
}

fn is_edge_break(c: char) -> bool {
    matches!(c, '\n' | '\u{c}')
}

/// The steps of the changes fused into a new one, oldest first.
fn fused_history(merged: &[Change]) -> Vec<Step> {
    let mut steps = Vec::new();
    for m in merged {
        steps.extend(m.history.iter().cloned());
        steps.push(Step {
            pass: m.pass,
            rule: m.rule,
            confidence: m.confidence,
        });
    }
    steps
}

/// A change of `page[start..end]` into `after` (at `out_start` in the page's output) that
/// replaces the `merged` changes.
fn fused_change(
    page: &str,
    (start, end): (usize, usize),
    after: &str,
    out_start: usize,
    merged: &[Change],
    rule: &'static str,
) -> Option<Change> {
    let before = page.get(start..end)?;
    if before == after {
        return None;
    }
    let char_start = page.get(..start)?.chars().count();
    let mut history = fused_history(merged);
    let confidence = history.iter().map(|s| s.confidence).fold(1.0, f32::min);
    // Named, as the runner names a fused change, after the last of the merged changes that
    // moved material text (a footer removed at the page's end), else after the page edge.
    let material = |t: &str| t.chars().any(|c| !c.is_whitespace());
    let (pass, rule) = match merged
        .iter()
        .rposition(|m| material(&m.before) || material(&m.after))
    {
        Some(i) => {
            // That change's own step, after its history and those of the changes before it.
            let own: usize = merged[..=i].iter().map(|m| m.history.len() + 1).sum();
            history.remove(own - 1);
            (merged[i].pass, merged[i].rule)
        }
        None => (PassId::BlankLines, rule),
    };
    Some(Change {
        pass,
        rule,
        start,
        end,
        char_start,
        char_end: char_start + before.chars().count(),
        before: before.to_string(),
        after: after.to_string(),
        confidence,
        applied: true,
        candidates: Vec::new(),
        out_start,
        out_end: out_start + after.len(),
        history,
    })
}

/// Removes the breaks at the end of a page's output, fusing the changes there into one.
fn trim_end(page: &str, cleaned: &mut Cleaned) {
    let len = cleaned.text.len();
    let x = cleaned.text.trim_end_matches(is_edge_break).len();
    if x == len {
        return;
    }
    let (mut applied, suggestions): (Vec<Change>, Vec<Change>) =
        std::mem::take(&mut cleaned.changes)
            .into_iter()
            .partition(|c| c.applied);
    applied.sort_by_key(|c| (c.start, c.end));
    let j = applied.iter().position(|c| c.out_end > x);
    let (y, x0) = match j.map(|j| &applied[j]) {
        Some(c) if c.out_start <= x => (c.start, c.out_start),
        Some(c) => (c.start.saturating_sub(c.out_start - x), x),
        None => (page.len().saturating_sub(len - x), x),
    };
    let merged = applied.split_off(j.unwrap_or(applied.len()));
    let fused = fused_change(
        page,
        (y, page.len()),
        &cleaned.text[x0..x],
        x0,
        &merged,
        "document-end",
    );
    applied.extend(fused);
    cleaned.text.truncate(x);
    cleaned.changes = applied;
    cleaned.changes.extend(suggestions.into_iter().map(|mut s| {
        s.out_start = s.out_start.min(x);
        s.out_end = s.out_end.min(x);
        s
    }));
}

/// Removes the breaks at the start of a page's output, fusing the changes there into one.
fn trim_start(page: &str, cleaned: &mut Cleaned) {
    let x = cleaned.text.len() - cleaned.text.trim_start_matches(is_edge_break).len();
    if x == 0 {
        return;
    }
    let (mut applied, suggestions): (Vec<Change>, Vec<Change>) =
        std::mem::take(&mut cleaned.changes)
            .into_iter()
            .partition(|c| c.applied);
    applied.sort_by_key(|c| (c.start, c.end));
    let k = applied.iter().rposition(|c| c.out_start < x);
    let (y, x1) = match k.map(|k| &applied[k]) {
        Some(c) if c.out_end >= x => (c.end, c.out_end),
        Some(c) => ((c.end + (x - c.out_end)).min(page.len()), x),
        None => (x.min(page.len()), x),
    };
    let rest = applied.split_off(k.map_or(0, |k| k + 1));
    let mut changes: Vec<Change> = Vec::with_capacity(rest.len() + 1);
    changes.extend(fused_change(
        page,
        (0, y),
        &cleaned.text[x..x1],
        0,
        &applied,
        "document-start",
    ));
    for mut c in rest {
        c.out_start -= x;
        c.out_end -= x;
        changes.push(c);
    }
    for mut s in suggestions {
        s.out_start = s.out_start.saturating_sub(x);
        s.out_end = s.out_end.saturating_sub(x);
        changes.push(s);
    }
    cleaned.text.drain(..x);
    cleaned.changes = changes;
}

#[cfg(test)]
mod tests {
    use super::*;
    use ocrtidy_core::text::TextRange;

    #[test]
    fn pages_are_found_at_the_form_feeds_unless_one_is_gone_or_is_a_page_s_own() {
        let pipeline = Pipeline::default();
        let texts = |pages: &[&str]| -> Vec<String> {
            clean_pages(&pipeline, pages)
                .into_iter()
                .map(|c| c.text)
                .collect()
        };
        // Edges trimmed, a running header on both pages, a line joined across lines.
        let pages = ["\n第一页 的文字\n\n\n", "\n\n第二页\n继续\n"];
        assert_eq!(split_texts(&pipeline, &pages), Some(texts(&pages)));
        // An empty page: its separator collapses (`\f\f` -> `\n\f`), so the cleaned text has
        // one form feed for two separators.
        assert_eq!(split_texts(&pipeline, &["甲", "", "乙"]), None);
        // A form feed of a page's own.
        assert_eq!(split_texts(&pipeline, &["上\u{c}下", "次页"]), None);
        // Both go through the ledger, with the same texts.
        for pages in [&["甲", "", "乙"][..], &["上\u{c}下", "次页"]] {
            assert_eq!(clean_pages_text(&pipeline, pages), texts(pages));
        }
    }

    #[test]
    fn page_evidence_moves_with_the_page() {
        use LineBreakHint::{ParagraphBreak, Wrap};
        let first = Context::with_confidences([(0..2, 0.5)]).with_line_breaks([(2, Wrap)]);
        let none = Context::default();
        let third = Context::with_confidences([(2..3, 0.25)])
            .with_line_breaks([(1, ParagraphBreak)])
            .with_furniture([(0..1, ocrtidy_core::FurnitureHint::Header)]);
        // "ab\ncd" at 0, "" at 6, "x\ny" at 7 (a one-byte separator between pages).
        let joined = joined_context(&[("ab\ncd", &first), ("", &none), ("x\ny", &third)]);
        assert_eq!(joined.line_breaks(), [(2, Wrap), (8, ParagraphBreak)]);
        assert_eq!(
            joined.furniture(),
            [(TextRange::new(7, 8), ocrtidy_core::FurnitureHint::Header)]
        );
        let spans: Vec<(TextRange, f32)> = joined
            .confidences()
            .iter()
            .map(|s| (s.range, s.confidence))
            .collect();
        assert_eq!(
            spans,
            [(TextRange::new(0, 2), 0.5), (TextRange::new(9, 10), 0.25)]
        );
    }
}
