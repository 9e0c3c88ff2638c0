//! Normalisation passes of ocrtidy: character-level repairs that need no layout knowledge.
//!
//! One pass per module; each reads text and pushes edits, nothing else.

mod blank_lines;
mod newlines;
mod trailing_space;

pub use blank_lines::{BlankLines, ParagraphSeparator};
pub use newlines::Newlines;
pub use trailing_space::TrailingSpace;

/// Horizontal whitespace as OCR engines emit it: space, tab, no-break space, ideographic space.
pub fn is_horizontal_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\u{a0}' | '\u{3000}')
}
