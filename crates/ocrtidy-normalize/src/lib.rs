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

/// Every text of at most `max_len` chars drawn from `alphabet`, shortest first: the inputs of
/// the exhaustive tests that compare a fast scan with a plain reading of every char.
#[cfg(test)]
pub(crate) fn all_texts(alphabet: &[char], max_len: usize) -> Vec<String> {
    let mut texts = vec![String::new()];
    let mut last = vec![String::new()];
    for _ in 0..max_len {
        last = last
            .iter()
            .flat_map(|t| alphabet.iter().map(move |&c| format!("{t}{c}")))
            .collect();
        texts.extend(last.iter().cloned());
    }
    texts
}
