//! Reports of ocrtidy's change ledger, for people and for tools.
//!
//! Every report renders the LEDGER ([`Change`]s with their original span, output span, pass,
//! rule, confidence and candidates), never a re-diff of input and output, so nothing of the
//! provenance of a change is lost.
//!
//! - [`terminal::render`]: the cleaned text with changes marked inline (character-level for
//!   Chinese, word-level for Latin script), with or without ANSI colour.
//! - [`unified::render`]: a line-based unified diff that `patch` and code review tools accept.
//! - [`summary::Summary`]: a per-run summary record (counts per pass and rule, applied vs
//!   suggested) for the JSON Lines change stream.
//! - [`html::render`]: one self-contained HTML page (inline CSS and JS, no network);
//!   [`html::render_with`] adds rule explanations.
//! - [`lang::detect`]: the `lang` tag of a text, from its script.
//!
//! Nothing here prints or does IO: renderers return strings or write to a `fmt::Write`.

pub mod html;
pub mod lang;
pub mod summary;
pub mod terminal;
mod tokens;
pub mod unified;

use ocrtidy_core::Change;

/// One cleaned document as the reports see it.
#[derive(Clone, Copy, Debug)]
pub struct Document<'a> {
    /// A name for headers (a file name, `-` for standard input).
    pub name: &'a str,
    /// The input text.
    pub original: &'a str,
    /// The cleaned text.
    pub output: &'a str,
    /// The ledger: applied changes and suggestions, as the pipeline returned them.
    pub changes: &'a [Change],
}

/// Makes whitespace that a change inserts or deletes visible: `\n` → `↵`, a lone space → `·`,
/// and `\r`, `\f`, `\t` as those escapes (control pictures are missing from many fonts).
pub(crate) fn visible(s: &str) -> String {
    if s == " " {
        return "·".to_string();
    }
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        match c {
            '\n' => out.push('↵'),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_terminal_control(c) => push_control_escape(&mut out, c),
            c => out.push(c),
        }
    }
    out
}

/// A character that a terminal would act on rather than show: C0 controls other than line
/// break, tab and form feed, DEL, and the C1 controls (U+0080–U+009F, among them the CSI).
pub(crate) fn is_terminal_control(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{d}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
}

/// Writes `c` as `\x1b`-style text, so that escape sequences in OCR input never reach the
/// terminal as such.
pub(crate) fn push_control_escape(out: &mut String, c: char) {
    use std::fmt::Write as _;
    let _ = write!(out, "\\x{:02x}", c as u32);
}

/// `text` with every terminal control character shown escaped (see [`is_terminal_control`]).
pub(crate) fn escape_controls(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(is_terminal_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_terminal_control(c) {
            push_control_escape(&mut out, c);
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// The changes ordered for rendering at their output position: sorted by output offset
/// (applied before suggestions at the same place), dropping any whose span is not a valid,
/// non-overlapping range of `output` (defensive: a bad ledger must not make a report panic).
pub(crate) fn in_output_order<'c>(output: &str, changes: &'c [Change]) -> Vec<(usize, &'c Change)> {
    let mut v: Vec<(usize, &Change)> = changes.iter().enumerate().collect();
    v.sort_by_key(|(i, c)| (c.out_start, c.out_end, !c.applied, *i));
    let mut pos = 0;
    v.retain(|(_, c)| {
        let ok = c.out_start >= pos
            && c.out_start <= c.out_end
            && output.get(c.out_start..c.out_end).is_some();
        if ok {
            pos = c.out_end;
        }
        ok
    });
    v
}
