//! Text primitives for ocrtidy: byte ranges, edits, sorted disjoint edit sets and offset maps;
//! the character classes ([`chars`]) and the edit distance ([`distance`]) every crate uses.
//!
//! This crate has no dependencies. Everything here works on UTF-8 byte offsets; [`CharIndex`]
//! converts byte offsets to code-point offsets when a consumer needs them.
//!
//! The model follows rust-analyzer's `TextEdit` and lindera's `OffsetMapping`: an [`Edit`] replaces
//! a range of the text it was made against, an [`EditSet`] is sorted and disjoint (its builder
//! rejects overlaps), and an [`OffsetMap`] records which regions of a source became which regions
//! of a destination, so that maps of successive passes compose and any output offset maps back to
//! the original input.

pub mod chars;
pub mod distance;
mod edit;
mod offset_map;
mod range;

pub use chars::CharIndex;
pub use edit::{Edit, EditError, EditSet, EditSetBuilder};
pub use offset_map::{merge_segments, Bias, OffsetMap, Segment};
pub use range::TextRange;
