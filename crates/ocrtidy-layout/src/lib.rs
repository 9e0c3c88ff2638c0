//! Layout repair passes of ocrtidy: they read the page and line structure that OCR engines leave
//! in plain text (one line per printed line, blank lines between blocks, a form feed per page)
//! and turn it into the output convention (one paragraph per line).
//!
//! - [`Furniture`]: running headers and footers, page numbers, continuation markers.
//! - [`Dehyphenate`]: Latin words hyphenated across a line break.
//! - [`LineJoin`]: soft wraps joined, paragraph breaks kept, first-line indents removed.
//! - [`SplitFragments`]: a paragraph cut off mid-sentence and its continuation further down.
//!
//! Architecture invariants: these passes never insert or delete a form feed (page boundaries
//! survive so pages can be split back), never join across a page break, do no IO and print
//! nothing. The line and page model they share is in [`page`].

mod break_score;
mod dehyphenate;
mod furniture;
mod line_join;
pub mod page;
mod split_fragments;

#[doc(hidden)]
pub use break_score::{BreakTrace, FEATURE_NAMES};
pub use dehyphenate::Dehyphenate;
pub use furniture::{classify_page, Furniture, FurnitureKind};
#[doc(hidden)]
pub use line_join::trace_line_breaks;
pub use line_join::LineJoin;
pub use split_fragments::SplitFragments;
