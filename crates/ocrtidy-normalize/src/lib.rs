//! Normalisation passes of ocrtidy: character-level repairs that need no layout knowledge.
//!
//! One pass per module; each reads text and pushes edits, nothing else.

mod blank_lines;
mod cjk_punct;
mod cjk_spacing;
mod control_chars;
pub mod evidence;
mod mixed_script;
mod modernise;
mod newlines;
#[cfg(feature = "opencc")]
mod opencc;
pub mod script;
mod script_convert;
mod trailing_space;
mod unicode_forms;
mod width;

pub use blank_lines::{BlankLines, ParagraphSeparator};
pub use cjk_punct::CjkPunct;
pub use cjk_spacing::CjkSpacing;
pub use control_chars::ControlChars;
pub use mixed_script::MixedScript;
pub use modernise::Modernise;
pub use newlines::Newlines;
pub use script_convert::{ScriptConversion, ScriptConvert, ScriptConvertError};
pub use trailing_space::TrailingSpace;
pub use unicode_forms::UnicodeForms;
pub use width::Width;

pub use ocrtidy_core::text::chars::is_horizontal_space;
