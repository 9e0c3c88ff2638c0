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
        if crate::model::is_han(c) {
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

/// Calls `f(index, runs)` for every document group of the Han runs of `text`, in order (see
/// [`DOCUMENT_CHARS`]): a group is the longest sequence of runs of at most that many characters
/// together, or one longer run.
pub(super) fn for_each_group(text: &str, model: &Model, mut f: impl FnMut(usize, &[Vec<Slot>])) {
    let mut group: Vec<Vec<Slot>> = Vec::new();
    let (mut g, mut chars) = (0, 0);
    for_each_run(text, model, |run| {
        if !group.is_empty() && chars + run.len() > DOCUMENT_CHARS {
            f(g, &group);
            group.clear();
            (g, chars) = (g + 1, 0);
        }
        chars += run.len();
        group.push(run.to_vec());
    });
    if !group.is_empty() {
        f(g, &group);
    }
}
