use ocrtidy_text::{Edit, EditError, EditSet, EditSetBuilder, TextRange};

use crate::{Candidate, PassId};

/// Document-level information shared by all passes of one run. It grows as passes need more
/// evidence (for instance a document lexicon built over all pages of a grouped document).
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct Context {}

/// What a pass reads: the current text (the output of the previous pass) and the run's context.
#[derive(Clone, Copy, Debug)]
pub struct PassInput<'a> {
    pub text: &'a str,
    pub context: &'a Context,
}

/// A cleaning pass. It reads text and pushes edits, nothing else: it cannot fail, does no IO and
/// prints nothing. Everything that can be wrong with its configuration or data is reported when
/// the pass is built.
pub trait Pass: Send + Sync {
    /// The pass's registry id.
    fn id(&self) -> PassId;

    /// Reads `input.text` and pushes edits (offsets in `input.text`) into `sink`.
    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>);
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
}

impl<'a> EditSink<'a> {
    pub fn new(text: &'a str) -> Self {
        EditSink {
            text,
            builder: EditSet::builder(text),
            metas: Vec::new(),
            suggestions: Vec::new(),
            rejected: 0,
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
