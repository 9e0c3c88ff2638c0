use ocrtidy_text::{Edit, EditError, EditSet, EditSetBuilder, TextRange};

use crate::{Candidate, PassId, PassSpec};

/// Document-level information shared by all passes of one run. It grows as passes need more
/// evidence (for instance a document lexicon built over all pages of a grouped document).
///
/// Confidences: the OCR engine's confidence in spans of the input (a word's `x_wconf`, a line's
/// score), sorted by start. The caller gives them in the offsets of the input to
/// [`crate::Runner::run`]; each pass sees them mapped into the text it reads.
///
/// Line-break hints: what the page geometry (indents, vertical gaps, short lines) says about a
/// line break of the input, given by the byte offset of its `\n`, sorted by offset. Mapped like
/// the confidences; a hint whose `\n` a change removed disappears. Plain text has none.
///
/// Layout furniture: the lines that the page geometry found to be running headers or footers
/// (page numbers, running titles), kept in the text for the furniture pass to remove as
/// recorded changes. Each is the range of the line (its first to its last character) with its
/// role, sorted by start, mapped like the confidences; a line that a change removed whole
/// disappears. Plain text has none.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct Context {
    confidences: Vec<ConfidenceSpan>,
    line_breaks: Vec<(usize, LineBreakHint)>,
    furniture: Vec<(TextRange, FurnitureHint)>,
}

/// What the geometry says a furniture line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FurnitureHint {
    /// A running header at the top of its page, before the body.
    Header,
    /// A running footer or page number at the bottom of its page, after the body.
    Footer,
}

/// What the geometry says about a line break.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineBreakHint {
    /// The next line starts a new paragraph.
    ParagraphBreak,
    /// The next line continues the paragraph (a soft wrap).
    Wrap,
}

/// A span of text and the OCR engine's confidence in it, in [0, 1].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ConfidenceSpan {
    pub range: TextRange,
    pub confidence: f32,
}

impl Context {
    /// A context with the engine's confidences of input spans (byte ranges of the input).
    /// Empty spans and NaN confidences are dropped; confidences are clamped to [0, 1].
    pub fn with_confidences(
        spans: impl IntoIterator<Item = (std::ops::Range<usize>, f32)>,
    ) -> Context {
        let mut confidences: Vec<ConfidenceSpan> = spans
            .into_iter()
            .filter(|(r, c)| r.start < r.end && !c.is_nan())
            .map(|(r, c)| ConfidenceSpan {
                range: TextRange::new(r.start, r.end),
                confidence: c.clamp(0.0, 1.0),
            })
            .collect();
        confidences.sort_by_key(|s| (s.range.start, s.range.end));
        Context {
            confidences,
            line_breaks: Vec::new(),
            furniture: Vec::new(),
        }
    }

    /// The same context with line-break hints (byte offsets of `\n`s of the input). Later
    /// hints for the same offset are dropped.
    pub fn with_line_breaks(
        mut self,
        hints: impl IntoIterator<Item = (usize, LineBreakHint)>,
    ) -> Context {
        let mut line_breaks: Vec<(usize, LineBreakHint)> = hints.into_iter().collect();
        line_breaks.sort_by_key(|&(at, _)| at);
        line_breaks.dedup_by_key(|&mut (at, _)| at);
        self.line_breaks = line_breaks;
        self
    }

    /// The same context with the layout's furniture lines (byte ranges of lines of the input).
    /// Empty ranges are dropped; of lines that overlap, the first is kept.
    pub fn with_furniture(
        mut self,
        lines: impl IntoIterator<Item = (std::ops::Range<usize>, FurnitureHint)>,
    ) -> Context {
        let mut furniture: Vec<(TextRange, FurnitureHint)> = lines
            .into_iter()
            .filter(|(r, _)| r.start < r.end)
            .map(|(r, hint)| (TextRange::new(r.start, r.end), hint))
            .collect();
        furniture.sort_by_key(|(r, _)| (r.start, r.end));
        let mut end = 0;
        furniture.retain(|(r, _)| {
            let keep = r.start >= end;
            if keep {
                end = r.end;
            }
            keep
        });
        self.furniture = furniture;
        self
    }

    /// True when the context carries no evidence at all (no confidences, no hints, no
    /// furniture).
    pub fn is_empty(&self) -> bool {
        self.confidences.is_empty() && self.line_breaks.is_empty() && self.furniture.is_empty()
    }

    /// The layout's furniture lines, sorted and disjoint.
    pub fn furniture(&self) -> &[(TextRange, FurnitureHint)] {
        &self.furniture
    }

    /// The line-break hints, sorted by offset.
    pub fn line_breaks(&self) -> &[(usize, LineBreakHint)] {
        &self.line_breaks
    }

    /// The hint for the line breaks in `range` (the whitespace between two lines, possibly with
    /// blank lines): a paragraph break if any `\n` in it has one, else a wrap if any has one.
    pub fn line_break_in(&self, range: TextRange) -> Option<LineBreakHint> {
        let from = self
            .line_breaks
            .partition_point(|&(at, _)| at < range.start);
        let mut found = None;
        for &(at, hint) in &self.line_breaks[from..] {
            if at >= range.end {
                break;
            }
            if hint == LineBreakHint::ParagraphBreak {
                return Some(hint);
            }
            found = Some(hint);
        }
        found
    }

    /// The confidence spans, sorted by start.
    pub fn confidences(&self) -> &[ConfidenceSpan] {
        &self.confidences
    }

    /// The lowest confidence of the spans that overlap `range` (a position between two spans
    /// has none).
    pub fn confidence_in(&self, range: TextRange) -> Option<f32> {
        // Spans may overlap (a line and its words); scan those starting before the end.
        let upto = self
            .confidences
            .partition_point(|s| s.range.start < range.end.max(range.start + 1));
        self.confidences[..upto]
            .iter()
            .filter(|s| s.range.end > range.start)
            .map(|s| s.confidence)
            .reduce(f32::min)
    }

    /// The same context with its spans moved through `map` (from the offsets the spans are in
    /// to the offsets of a changed text). A span that a change swallowed whole disappears.
    pub fn map_through(&self, map: &ocrtidy_text::OffsetMap) -> Context {
        let mut confidences: Vec<ConfidenceSpan> = self
            .confidences
            .iter()
            .filter_map(|s| {
                let start = map.to_dst(s.range.start, ocrtidy_text::Bias::Left);
                let end = map.to_dst(s.range.end, ocrtidy_text::Bias::Right);
                (start < end).then(|| ConfidenceSpan {
                    range: TextRange::new(start, end),
                    confidence: s.confidence,
                })
            })
            .collect();
        confidences.sort_by_key(|s| (s.range.start, s.range.end));
        // A hint stays while its `\n` is untouched: the one byte maps to one byte.
        let line_breaks = self
            .line_breaks
            .iter()
            .filter_map(|&(at, hint)| {
                let start = map.to_dst(at, ocrtidy_text::Bias::Left);
                let end = map.to_dst(at + 1, ocrtidy_text::Bias::Right);
                (end == start + 1).then_some((start, hint))
            })
            .collect();
        // A furniture line stays while something of it is left.
        let mut furniture: Vec<(TextRange, FurnitureHint)> = self
            .furniture
            .iter()
            .filter_map(|&(r, hint)| {
                let start = map.to_dst(r.start, ocrtidy_text::Bias::Left);
                let end = map.to_dst(r.end, ocrtidy_text::Bias::Right);
                (start < end).then(|| (TextRange::new(start, end), hint))
            })
            .collect();
        // Two lines that one change swallowed map onto one range: keep it once.
        furniture.dedup_by_key(|(r, _)| *r);
        let mut end = 0;
        furniture.retain(|(r, _)| {
            let keep = r.start >= end;
            if keep {
                end = r.end;
            }
            keep
        });
        Context {
            confidences,
            line_breaks,
            furniture,
        }
    }
}

/// What a pass reads: the current text (the output of the previous pass), the run's context,
/// and the pass's memory of this run.
#[derive(Clone, Copy, Debug)]
pub struct PassInput<'a> {
    pub text: &'a str,
    pub context: &'a Context,
    /// What the pass kept from its earlier rounds of this run (see [`PassMemory`]).
    pub memory: &'a PassMemory,
}

impl<'a> PassInput<'a> {
    /// An input for running a pass by hand (tests, tools): `memory` is what the pass may keep
    /// between calls on versions of one text.
    pub fn new(text: &'a str, context: &'a Context, memory: &'a PassMemory) -> Self {
        PassInput {
            text,
            context,
            memory,
        }
    }
}

/// A pass's memory of one run of the [`crate::Runner`]: kept from one round to the next, so a
/// pass can reuse work on the parts of its text that did not change since its last round (the
/// round that confirms the fixed point mostly reads the same text again), and dropped when the
/// run ends, so nothing leaks from one document to the next. The runner gives each pass its own;
/// a pass stores one value of a type of its choosing.
#[derive(Default)]
pub struct PassMemory(std::cell::RefCell<Option<Box<dyn std::any::Any>>>);

impl PassMemory {
    /// Calls `f` with the stored value of type `T` (a new `T::default()` the first time, or when
    /// another type was stored). Not reentrant: `f` must not call `with` on the same memory.
    pub fn with<T: Default + 'static, R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        let mut slot = self.0.borrow_mut();
        if !slot.as_ref().is_some_and(|b| b.is::<T>()) {
            *slot = Some(Box::new(T::default()));
        }
        match slot.as_mut().and_then(|b| b.downcast_mut::<T>()) {
            Some(value) => f(value),
            None => f(&mut T::default()),
        }
    }
}

impl std::fmt::Debug for PassMemory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let used = self.0.try_borrow().map(|s| s.is_some()).unwrap_or(true);
        f.debug_struct("PassMemory").field("used", &used).finish()
    }
}

/// A cleaning pass. It reads text and pushes edits, nothing else: it cannot fail, does no IO and
/// prints nothing. Everything that can be wrong with its configuration or data is reported when
/// the pass is built.
pub trait Pass: Send + Sync {
    /// The pass's declaration: id, summary, flags and the rules it may name. Built-in passes
    /// return their `SPEC` constant, declared next to their code.
    fn spec(&self) -> &'static PassSpec;

    /// The pass's id.
    fn id(&self) -> PassId {
        self.spec().id
    }

    /// Reads `input.text` and pushes edits (offsets in `input.text`) into `sink`.
    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>);

    /// Whether the [`crate::Runner`] may run this pass again in its later rounds, on text that
    /// includes the pass's own output ([`PassSpec::rerun`]). A pass that must see each text only
    /// once runs in the first round only, and its suggestions are kept as long as no later pass
    /// changes their text.
    fn rerun(&self) -> bool {
        self.spec().rerun
    }
}

/// Metadata that travels with an applied edit.
#[derive(Clone, Debug)]
pub(crate) struct EditMeta {
    pub rule: &'static str,
    pub confidence: f32,
    pub candidates: Vec<Candidate>,
}

/// A suggestion pushed by a pass: it never alters the text.
#[derive(Clone, Debug)]
pub(crate) struct PendingSuggestion {
    pub range: TextRange,
    pub rule: &'static str,
    pub confidence: f32,
    pub candidates: Vec<Candidate>,
}

/// Where a pass pushes its edits and suggestions. Edits are checked against the text: an edit
/// that overlaps an earlier one, lies outside the text or splits a char is refused with an error
/// (and counted in the run's statistics if the pass ignores the error).
#[derive(Debug)]
pub struct EditSink<'a> {
    text: &'a str,
    builder: EditSetBuilder<'a>,
    metas: Vec<(TextRange, usize, EditMeta)>,
    pub(crate) suggestions: Vec<PendingSuggestion>,
    pub(crate) rejected: usize,
    /// False when nobody reads the suggestions ([`crate::Runner::run_text`]): they are checked
    /// and dropped.
    keep_suggestions: bool,
    /// The declaration of the pass pushing into the sink: in debug builds, a rule it does not
    /// declare is a bug caught at once.
    spec: Option<&'static PassSpec>,
}

impl<'a> EditSink<'a> {
    pub fn new(text: &'a str) -> Self {
        EditSink {
            text,
            builder: EditSet::builder(text),
            metas: Vec::new(),
            suggestions: Vec::new(),
            rejected: 0,
            keep_suggestions: true,
            spec: None,
        }
    }

    /// The sink, dropping the suggestions pushed into it (still checked, and counted when
    /// refused): for a run that keeps no ledger, or a pass's scratch planning whose
    /// suggestions are thrown away.
    pub fn without_suggestions(self) -> Self {
        EditSink {
            keep_suggestions: false,
            ..self
        }
    }

    /// Whether the suggestions pushed into this sink are kept. When they are not (a run that
    /// keeps no ledger), a pass may skip work whose only outcome is a suggestion; its edits
    /// must stay the same.
    pub fn keeps_suggestions(&self) -> bool {
        self.keep_suggestions
    }

    /// A sink for the pass declared by `spec`: in debug builds, pushing an edit or suggestion
    /// with a rule that `spec` does not declare panics.
    pub fn for_pass(text: &'a str, spec: &'static PassSpec) -> Self {
        EditSink {
            spec: Some(spec),
            ..EditSink::new(text)
        }
    }

    fn check_declared(&self, rule: &str) {
        if let Some(spec) = self.spec {
            debug_assert!(
                spec.declares(rule),
                "pass `{}` pushed rule `{rule}`, which its PassSpec does not declare",
                spec.id
            );
        }
    }

    /// The text the edits are made against.
    pub fn text(&self) -> &'a str {
        self.text
    }

    /// Replaces `range` with `with`. A replacement by identical text is silently dropped.
    pub fn replace(
        &mut self,
        range: impl Into<TextRange>,
        with: impl Into<String>,
        rule: &'static str,
        confidence: f32,
    ) -> Result<(), EditError> {
        self.replace_with_alternatives(range, with, rule, confidence, Vec::new())
    }

    /// Like [`EditSink::replace`], recording the alternatives that were considered and rejected.
    pub fn replace_with_alternatives(
        &mut self,
        range: impl Into<TextRange>,
        with: impl Into<String>,
        rule: &'static str,
        confidence: f32,
        candidates: Vec<Candidate>,
    ) -> Result<(), EditError> {
        self.check_declared(rule);
        let range = range.into();
        let edit = Edit::replace(range, with);
        let seq = self.metas.len();
        match self.builder.push_if_changed(edit) {
            Ok(true) => {
                self.metas.push((
                    range,
                    seq,
                    EditMeta {
                        rule,
                        confidence: confidence.clamp(0.0, 1.0),
                        candidates,
                    },
                ));
                Ok(())
            }
            Ok(false) => Ok(()),
            Err(e) => {
                self.rejected += 1;
                debug_assert!(false, "pass pushed a bad edit: {e}");
                Err(e)
            }
        }
    }

    /// Deletes `range`.
    pub fn delete(
        &mut self,
        range: impl Into<TextRange>,
        rule: &'static str,
        confidence: f32,
    ) -> Result<(), EditError> {
        self.replace(range, String::new(), rule, confidence)
    }

    /// Inserts `text` at `offset`.
    pub fn insert(
        &mut self,
        offset: usize,
        text: impl Into<String>,
        rule: &'static str,
        confidence: f32,
    ) -> Result<(), EditError> {
        self.replace(TextRange::empty(offset), text, rule, confidence)
    }

    /// Records a suggestion for `range` with ranked candidates (best first). The text is not
    /// changed. Suggestions may overlap each other and the pass's edits.
    pub fn suggest(
        &mut self,
        range: impl Into<TextRange>,
        candidates: Vec<Candidate>,
        rule: &'static str,
        confidence: f32,
    ) -> Result<(), EditError> {
        self.check_declared(rule);
        let range = range.into();
        if range.end > self.text.len()
            || !self.text.is_char_boundary(range.start)
            || !self.text.is_char_boundary(range.end)
        {
            self.rejected += 1;
            let e = EditError::OutOfBounds {
                range,
                len: self.text.len(),
            };
            debug_assert!(false, "pass pushed a bad suggestion: {e}");
            return Err(e);
        }
        if !self.keep_suggestions {
            return Ok(());
        }
        self.suggestions.push(PendingSuggestion {
            range,
            rule,
            confidence: confidence.clamp(0.0, 1.0),
            candidates,
        });
        Ok(())
    }

    /// The number of edits accepted so far.
    pub fn len(&self) -> usize {
        self.builder.len()
    }

    pub fn is_empty(&self) -> bool {
        self.builder.is_empty()
    }

    /// Splits the sink into the edit set and the metadata of each edit, in edit order.
    pub(crate) fn finish(self) -> (EditSet, Vec<EditMeta>, Vec<PendingSuggestion>, usize) {
        let set = self.builder.finish();
        let mut metas = self.metas;
        // The builder sorts by (start, end); sort the metadata the same way.
        metas.sort_by_key(|(r, seq, _)| (r.start, r.end, *seq));
        let metas = metas.into_iter().map(|(_, _, m)| m).collect();
        (set, metas, self.suggestions, self.rejected)
    }
}

#[cfg(test)]
mod context_tests {
    use super::*;
    use ocrtidy_text::OffsetMap;

    #[test]
    fn confidences_are_sorted_clamped_and_looked_up_by_overlap() {
        let ctx = Context::with_confidences([
            (6..9, 0.4),
            (0..3, 1.5),
            (3..3, 0.1),      // empty: dropped
            (3..6, f32::NAN), // NaN: dropped
            (0..9, 0.8),      // a line over its words
        ]);
        let spans: Vec<(usize, usize, f32)> = ctx
            .confidences()
            .iter()
            .map(|s| (s.range.start, s.range.end, s.confidence))
            .collect();
        assert_eq!(spans, [(0, 3, 1.0), (0, 9, 0.8), (6, 9, 0.4)]);
        assert_eq!(ctx.confidence_in(TextRange::new(0, 3)), Some(0.8));
        assert_eq!(ctx.confidence_in(TextRange::new(6, 9)), Some(0.4));
        assert_eq!(ctx.confidence_in(TextRange::new(9, 12)), None);
        assert_eq!(Context::default().confidence_in(TextRange::new(0, 3)), None);
    }

    #[test]
    fn confidences_move_with_the_text() {
        // "##网时" → "网时": the span of 网 (bytes 2..5) moves to 0..3.
        let text = "##网时";
        let mut b = EditSet::builder(text);
        b.push(Edit::replace(TextRange::new(0, 2), "")).unwrap();
        let map = OffsetMap::from_edits(&b.finish(), text.len());
        let ctx = Context::with_confidences([(2..5, 0.3), (0..2, 0.1)]).map_through(&map);
        let spans: Vec<(usize, usize, f32)> = ctx
            .confidences()
            .iter()
            .map(|s| (s.range.start, s.range.end, s.confidence))
            .collect();
        // The deleted marker's span disappears.
        assert_eq!(spans, [(0, 3, 0.3)]);
    }

    #[test]
    fn line_break_hints_move_with_the_text_and_vanish_with_their_break() {
        use LineBreakHint::{ParagraphBreak, Wrap};
        // "##甲\n乙\n\n丙\n丁": the marker is deleted, and the break after 丙 is joined.
        let text = "##甲\n乙\n\n丙\n丁";
        let ctx = Context::default().with_line_breaks([(14, Wrap), (5, Wrap), (9, ParagraphBreak)]);
        assert_eq!(
            ctx.line_breaks(),
            [(5, Wrap), (9, ParagraphBreak), (14, Wrap)]
        );
        assert_eq!(
            ctx.line_break_in(TextRange::new(9, 11)),
            Some(ParagraphBreak)
        );
        assert_eq!(ctx.line_break_in(TextRange::new(5, 6)), Some(Wrap));
        assert_eq!(ctx.line_break_in(TextRange::new(6, 9)), None);
        let mut b = EditSet::builder(text);
        b.push(Edit::replace(TextRange::new(0, 2), "")).unwrap();
        b.push(Edit::replace(TextRange::new(14, 15), "")).unwrap();
        let map = OffsetMap::from_edits(&b.finish(), text.len());
        let mapped = ctx.map_through(&map);
        assert_eq!(mapped.line_breaks(), [(3, Wrap), (7, ParagraphBreak)]);
        assert!(!mapped.is_empty());
        assert!(Context::default().is_empty());
    }

    #[test]
    fn furniture_lines_are_sorted_disjoint_and_move_with_the_text() {
        use FurnitureHint::{Footer, Header};
        // "页眉\n\n正文\n\n12": the header, a body edit, the footer.
        let text = "页眉\n\n正文\n\n12";
        let ctx = Context::default().with_furniture([
            (16..18, Footer),
            (0..6, Header),
            (3..3, Header), // empty: dropped
            (1..4, Header), // overlaps the header: dropped
        ]);
        assert!(!ctx.is_empty());
        assert_eq!(
            ctx.furniture(),
            [
                (TextRange::new(0, 6), Header),
                (TextRange::new(16, 18), Footer)
            ]
        );
        // The body grows by one byte; then the header is removed with its breaks.
        let mut b = EditSet::builder(text);
        b.push(Edit::replace(TextRange::new(8, 8), "x")).unwrap();
        let map = OffsetMap::from_edits(&b.finish(), text.len());
        let moved = ctx.map_through(&map);
        assert_eq!(
            moved.furniture(),
            [
                (TextRange::new(0, 6), Header),
                (TextRange::new(17, 19), Footer)
            ]
        );
        let mut b = EditSet::builder(text);
        b.push(Edit::replace(TextRange::new(0, 8), "")).unwrap();
        let map = OffsetMap::from_edits(&b.finish(), text.len());
        assert_eq!(
            ctx.map_through(&map).furniture(),
            [(TextRange::new(8, 10), Footer)]
        );
    }
}

#[cfg(test)]
mod sink_tests {
    use super::*;

    #[test]
    fn a_sink_without_suggestions_keeps_edits_and_drops_suggestions() {
        let text = "abc";
        let mut sink = EditSink::new(text).without_suggestions();
        sink.suggest(0..1, vec![Candidate::new("x", 0.5)], "r", 0.5)
            .unwrap();
        sink.replace(1..2, "y", "r", 1.0).unwrap();
        let (set, metas, suggestions, rejected) = sink.finish();
        assert_eq!(set.apply(text), "ayc");
        assert_eq!(metas.len(), 1);
        assert!(suggestions.is_empty());
        assert_eq!(rejected, 0);
        let mut kept = EditSink::new(text);
        kept.suggest(0..1, vec![Candidate::new("x", 0.5)], "r", 0.5)
            .unwrap();
        assert_eq!(kept.finish().2.len(), 1);
    }
}
