//! The Han runs of a text, and the document groups of runs that are scored as one document.

use super::Slot;
use crate::model::Model;

/// The most Han characters whose runs are scored as one document. The document evidence (word
/// counts, near-variants, shared contexts) grows with the document, and with it the work per
/// character: on text without real words (garbage OCR), cost grows faster than the length. A
/// longer text is scored in consecutive groups of runs of about this size (some 300 KB of
/// Chinese, a chapter or fifty newspaper pages), so the pass stays linear; shorter texts, all
/// pages and records in practice, are one group.
///
/// Groups are formed while the text is read and dropped once scored: the pass holds the runs of
/// one group at a time, not of the whole text.
pub(super) const DOCUMENT_CHARS: usize = if cfg!(test) { 60 } else { 100_000 };

/// Calls `f(run)` for every maximal run of Han characters of `text`, in order.
fn for_each_run(text: &str, model: &Model, mut f: impl FnMut(&[Slot])) {
    let mut cur: Vec<Slot> = Vec::new();
    for (i, c) in text.char_indices() {
        // No Han character is below U+3007 (the test `is_han` makes last): the spaces, digits
        // and Latin letters of a text are passed over at once.
        if c >= '\u{3007}' && crate::model::is_han(c) {
            cur.push(Slot {
                start: i,
                end: i + c.len_utf8(),
                id: model.id(c).unwrap_or(0),
            });
        } else if !cur.is_empty() {
            f(&cur);
            cur.clear();
        }
    }
    if !cur.is_empty() {
        f(&cur);
    }
}

/// The Han runs of a document group: their characters one after the other, and where each
/// run ends (one vector for the group, not one a run: a page has hundreds of runs).
#[derive(Default)]
pub(super) struct Runs {
    slots: Vec<Slot>,
    /// `ends[r]`: the end of run `r` in `slots`.
    ends: Vec<usize>,
}

impl Runs {
    /// The number of runs.
    pub(super) fn len(&self) -> usize {
        self.ends.len()
    }

    pub(super) fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The runs, in order.
    pub(super) fn iter(&self) -> impl Iterator<Item = &[Slot]> + Clone + '_ {
        (0..self.len()).map(|r| &self[r])
    }

    /// The characters of all the runs, in order.
    pub(super) fn slots(&self) -> &[Slot] {
        &self.slots
    }

    /// The index of the last run that starts at or before byte `at` of the text (`None`: none).
    pub(super) fn run_at(&self, at: usize) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self[mid][0].start <= at {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo.checked_sub(1)
    }

    pub(super) fn push(&mut self, run: &[Slot]) {
        self.slots.extend_from_slice(run);
        self.ends.push(self.slots.len());
    }

    fn clear(&mut self) {
        self.slots.clear();
        self.ends.clear();
    }
}

impl std::ops::Index<usize> for Runs {
    type Output = [Slot];

    fn index(&self, r: usize) -> &[Slot] {
        let from = if r == 0 { 0 } else { self.ends[r - 1] };
        &self.slots[from..self.ends[r]]
    }
}

/// Calls `f(index, runs)` for every document group of the Han runs of `text`, in order (see
/// [`DOCUMENT_CHARS`]): a group is the longest sequence of runs of at most that many characters
/// together, or one longer run.
pub(super) fn for_each_group(text: &str, model: &Model, mut f: impl FnMut(usize, &Runs)) {
    let mut group = Runs::default();
    let (mut g, mut chars) = (0, 0);
    for_each_run(text, model, |run| {
        if !group.is_empty() && chars + run.len() > DOCUMENT_CHARS {
            f(g, &group);
            group.clear();
            (g, chars) = (g + 1, 0);
        }
        chars += run.len();
        group.push(run);
    });
    if !group.is_empty() {
        f(g, &group);
    }
}
