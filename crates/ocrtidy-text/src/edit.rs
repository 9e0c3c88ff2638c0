use std::fmt;

use crate::TextRange;

/// Replace `range` of a text with `insert`. A deletion has an empty `insert`, an insertion an
/// empty `range`.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Edit {
    pub range: TextRange,
    pub insert: String,
}

impl Edit {
    pub fn replace(range: impl Into<TextRange>, insert: impl Into<String>) -> Self {
        Edit {
            range: range.into(),
            insert: insert.into(),
        }
    }

    pub fn delete(range: impl Into<TextRange>) -> Self {
        Edit::replace(range, String::new())
    }

    pub fn insert(offset: usize, text: impl Into<String>) -> Self {
        Edit::replace(TextRange::empty(offset), text)
    }

    /// The change in length this edit causes (destination length minus source length).
    pub fn delta(&self) -> isize {
        self.insert.len() as isize - self.range.len() as isize
    }
}

/// Why an edit was refused by an [`EditSetBuilder`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EditError {
    /// The range ends past the end of the text.
    OutOfBounds { range: TextRange, len: usize },
    /// A range end does not fall on a UTF-8 char boundary.
    NotCharBoundary { range: TextRange },
    /// The edit overlaps an edit already in the set (or is a second insertion at the same point).
    Overlap {
        range: TextRange,
        existing: TextRange,
    },
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EditError::OutOfBounds { range, len } => {
                write!(
                    f,
                    "edit {range:?} is out of bounds for a text of {len} bytes"
                )
            }
            EditError::NotCharBoundary { range } => {
                write!(f, "edit {range:?} does not fall on char boundaries")
            }
            EditError::Overlap { range, existing } => {
                write!(f, "edit {range:?} overlaps edit {existing:?}")
            }
        }
    }
}

impl std::error::Error for EditError {}

/// True when the two edits cannot both be applied unambiguously: they share bytes, or they are
/// two insertions at one point. An insertion at the start or end of a non-empty range is fine:
/// the insertion goes first when both start at the same offset.
fn conflicts(a: &TextRange, b: &TextRange) -> bool {
    a.overlaps(b)
        || (a.is_empty() && b.is_empty() && a.start == b.start)
        || (a.is_empty() && b.start < a.start && a.start < b.end)
        || (b.is_empty() && a.start < b.start && b.start < a.end)
}

/// Ordering that puts an insertion before a non-empty range starting at the same offset.
fn order_key(r: &TextRange) -> (usize, usize) {
    (r.start, r.end)
}

/// A sorted set of pairwise disjoint edits against one text.
#[derive(Clone, Default, PartialEq, Eq, Debug)]
pub struct EditSet {
    edits: Vec<Edit>,
}

impl EditSet {
    /// A builder that checks every edit against `text`.
    pub fn builder(text: &str) -> EditSetBuilder<'_> {
        EditSetBuilder {
            text,
            edits: Vec::new(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }

    pub fn len(&self) -> usize {
        self.edits.len()
    }

    pub fn iter(&self) -> std::slice::Iter<'_, Edit> {
        self.edits.iter()
    }

    pub fn into_vec(self) -> Vec<Edit> {
        self.edits
    }

    /// Applies the edits to `text`, which must be the text the set was built against.
    pub fn apply(&self, text: &str) -> String {
        let extra: isize = self.edits.iter().map(Edit::delta).sum();
        let mut out = String::with_capacity((text.len() as isize + extra).max(0) as usize);
        let mut pos = 0;
        for e in &self.edits {
            out.push_str(&text[pos..e.range.start]);
            out.push_str(&e.insert);
            pos = e.range.end;
        }
        out.push_str(&text[pos..]);
        out
    }
}

impl<'a> IntoIterator for &'a EditSet {
    type Item = &'a Edit;
    type IntoIter = std::slice::Iter<'a, Edit>;
    fn into_iter(self) -> Self::IntoIter {
        self.edits.iter()
    }
}

/// Collects edits in any order and yields a sorted, disjoint [`EditSet`].
#[derive(Debug)]
pub struct EditSetBuilder<'a> {
    text: &'a str,
    edits: Vec<Edit>,
}

impl<'a> EditSetBuilder<'a> {
    /// Adds an edit. It is refused when it lies outside the text, splits a char, or conflicts
    /// with an edit already added; the set is left unchanged then.
    pub fn push(&mut self, edit: Edit) -> Result<(), EditError> {
        let r = edit.range;
        if r.end > self.text.len() {
            return Err(EditError::OutOfBounds {
                range: r,
                len: self.text.len(),
            });
        }
        if !self.text.is_char_boundary(r.start) || !self.text.is_char_boundary(r.end) {
            return Err(EditError::NotCharBoundary { range: r });
        }
        // Find the insertion point; edits usually arrive in order, so check the tail first.
        let idx = match self.edits.last() {
            Some(last) if order_key(&last.range) <= order_key(&r) => self.edits.len(),
            None => 0,
            _ => self
                .edits
                .partition_point(|e| order_key(&e.range) <= order_key(&r)),
        };
        // Only neighbours can conflict with a sorted disjoint list, but an empty range can sit
        // inside a neighbour, so check the two on each side.
        let lo = idx.saturating_sub(2);
        let hi = (idx + 2).min(self.edits.len());
        for e in &self.edits[lo..hi] {
            if conflicts(&e.range, &r) {
                return Err(EditError::Overlap {
                    range: r,
                    existing: e.range,
                });
            }
        }
        self.edits.insert(idx, edit);
        Ok(())
    }

    /// Adds an edit that replaces a range with equal text only if it actually changes something.
    /// Returns `Ok(false)` for a no-op edit, which is dropped.
    pub fn push_if_changed(&mut self, edit: Edit) -> Result<bool, EditError> {
        if self.text.get(edit.range.as_range()) == Some(edit.insert.as_str()) {
            return Ok(false);
        }
        self.push(edit).map(|()| true)
    }

    pub fn len(&self) -> usize {
        self.edits.len()
    }

    pub fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }

    pub fn finish(self) -> EditSet {
        EditSet { edits: self.edits }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(text: &str, edits: Vec<Edit>) -> Result<EditSet, EditError> {
        let mut b = EditSet::builder(text);
        for e in edits {
            b.push(e)?;
        }
        Ok(b.finish())
    }

    #[test]
    fn applies_in_any_push_order() {
        let text = "残疾人土 and 安全关";
        let s = set(
            text,
            vec![
                Edit::replace(23..26, "观"),
                Edit::replace(9..12, "士"),
                Edit::replace(12..17, "和"),
            ],
        )
        .unwrap();
        assert_eq!(s.apply(text), "残疾人士和安全观");
    }

    #[test]
    fn rejects_overlap_and_double_insertion() {
        let text = "abcdef";
        assert!(matches!(
            set(text, vec![Edit::delete(1..3), Edit::delete(2..4)]),
            Err(EditError::Overlap { .. })
        ));
        assert!(matches!(
            set(text, vec![Edit::insert(2, "x"), Edit::insert(2, "y")]),
            Err(EditError::Overlap { .. })
        ));
        assert!(matches!(
            set(text, vec![Edit::delete(1..4), Edit::insert(2, "y")]),
            Err(EditError::Overlap { .. })
        ));
    }

    #[test]
    fn insertion_at_range_boundaries_is_fine() {
        let text = "abcdef";
        let s = set(
            text,
            vec![
                Edit::delete(1..3),
                Edit::insert(1, "X"),
                Edit::insert(3, "Y"),
            ],
        )
        .unwrap();
        assert_eq!(s.apply(text), "aXYdef");
    }

    #[test]
    fn rejects_bad_ranges() {
        assert!(matches!(
            set("ab", vec![Edit::delete(1..5)]),
            Err(EditError::OutOfBounds { .. })
        ));
        assert!(matches!(
            set("清徐", vec![Edit::delete(1..3)]),
            Err(EditError::NotCharBoundary { .. })
        ));
    }
}
