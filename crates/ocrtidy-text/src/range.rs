use std::fmt;
use std::ops::Range;

/// A half-open byte range `[start, end)` in some text.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct TextRange {
    pub start: usize,
    pub end: usize,
}

impl TextRange {
    /// Creates a range. `start` must not exceed `end`; a reversed pair is normalised to an empty
    /// range at `start` so that no caller can build an inverted range.
    pub fn new(start: usize, end: usize) -> Self {
        TextRange {
            start,
            end: end.max(start),
        }
    }

    /// An empty range at `offset` (an insertion point).
    pub fn empty(offset: usize) -> Self {
        TextRange {
            start: offset,
            end: offset,
        }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// True when the two ranges share at least one byte.
    pub fn overlaps(&self, other: &TextRange) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// True when `offset` lies in `[start, end]` (both ends included).
    pub fn contains_inclusive(&self, offset: usize) -> bool {
        self.start <= offset && offset <= self.end
    }

    pub fn as_range(&self) -> Range<usize> {
        self.start..self.end
    }

    /// The smallest range covering both.
    pub fn cover(&self, other: &TextRange) -> TextRange {
        TextRange::new(self.start.min(other.start), self.end.max(other.end))
    }
}

impl From<Range<usize>> for TextRange {
    fn from(r: Range<usize>) -> Self {
        TextRange::new(r.start, r.end)
    }
}

impl fmt::Debug for TextRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}
