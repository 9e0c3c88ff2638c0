use std::ops::Range;

use ocrtidy_core::{Candidate, EditSink, Pass, PassId, PassInput};

use crate::chars::{
    is_bullet, is_cjk_context, is_closing_punct, is_dash, is_han, is_line_sep, is_punct_or_junk,
    is_strong_junk, is_weak_junk,
};
use crate::lines::{line_ranges, skip_hspace, skip_hspace_back, token_ranges};

/// Removes OCR garbage that the page never said, and flags stray English words in Chinese text.
///
/// It runs before the layout passes, so the text still has one printed line per line. A token is
/// a run of non-space characters.
///
/// Rules:
/// - `garbage-line` (applied): a line made of punctuation and symbols only (`|||`, `。`,
///   `———`, `~ _ •`), removed with its line break.
/// - `symbol-run` (applied): a token of symbols read from rules, borders and specks: any token
///   with `丨 ¦ ■ □ � …` (also inside a word), a run of four or more dashes, and the weak symbols
///   `| _ ~ • « » ° ©` when they stand at a line edge or next to Chinese text (between Latin
///   words they may be a pipe or a range, and stay).
/// - `line-start-punct` (applied): closing punctuation (`。，、；：”）` and ASCII `, . ; : ) '`)
///   that starts a line of Chinese text; Chinese typesetting never starts a printed line with it.
/// - `stray-letter` (applied): a lone lowercase Latin letter between Chinese characters.
/// - `stray-word` (suggestion): an English function word between Chinese characters
///   (`帮助企业 and 个体工商户`), with its Chinese equivalent as candidate (`和`).
///
/// Kept: list bullets that start a line, short dashes (`-`, `--`, `——`), anything with letters or
/// digits (e-mails, URLs, phone numbers, times, amounts, model numbers, file names, commands,
/// English terms and acronyms such as `Linux`, `APT`, `CT`, `Wi-Fi`), single capital letters and
/// digits (`X 窗口`, `第 3 章`), math symbols between operands.
///
/// The Chinese-context checks look past whitespace, line breaks and the symbols this pass removes,
/// so that its output (and the joined lines the layout passes make of it) triggers nothing more.
#[derive(Debug, Default, Clone)]
pub struct StrayTokens;

/// An English function word and the Chinese words it most likely stands for.
const FUNCTION_WORDS: &[(&str, &[&str])] = &[
    ("and", &["和", "与"]),
    ("or", &["或", "或者"]),
    ("of", &["的"]),
    ("with", &["与", "和"]),
    ("in", &["在"]),
    ("on", &["在"]),
    ("at", &["在"]),
    ("for", &["为"]),
    ("to", &["到"]),
    ("from", &["从"]),
    ("by", &["由"]),
    ("is", &["是"]),
    ("are", &["是"]),
    ("the", &[""]),
    ("an", &[""]),
];

/// A symbol that this pass may remove (or a dash, which it removes in runs); skipped when
/// looking for a token's neighbours.
fn is_removable_symbol(c: char) -> bool {
    is_strong_junk(c) || is_weak_junk(c) || is_dash(c)
}

/// The nearest character before `pos` that is neither whitespace nor a removable symbol.
fn prev_meaningful(text: &str, pos: usize) -> Option<char> {
    text[..pos]
        .chars()
        .rev()
        .find(|&c| !c.is_whitespace() && !is_removable_symbol(c))
}

/// The nearest character at or after `pos` that is neither whitespace nor a removable symbol,
/// nor closing punctuation that starts the next line (the `line-start-punct` rule removes it).
fn next_meaningful(text: &str, pos: usize) -> Option<char> {
    let mut line_start = false;
    for c in text[pos..].chars() {
        if is_line_sep(c) {
            line_start = true;
        } else if !(c.is_whitespace()
            || is_removable_symbol(c)
            || (line_start && is_closing_punct(c)))
        {
            return Some(c);
        }
    }
    None
}

/// Whether the text that starts `s` is Chinese: among its first eight characters (other than
/// whitespace and removable symbols) there
/// are ideographs, at least as many as Latin letters. (A short window keeps the decision local,
/// so that later edits further along the line cannot change it.)
fn is_chinese(s: &str) -> bool {
    let window = s
        .chars()
        .filter(|&c| !c.is_whitespace() && !is_removable_symbol(c))
        .take(8);
    let (han, latin) = window.fold((0, 0), |(h, l), c| {
        (
            h + usize::from(is_han(c)),
            l + usize::from(c.is_ascii_alphabetic()),
        )
    });
    han > 0 && han >= latin
}

/// A token made only of symbols this pass may remove.
fn is_symbol_token(s: &str) -> bool {
    s.chars()
        .all(|c| is_strong_junk(c) || is_weak_junk(c) || is_dash(c))
}

/// Whether a line of punctuation and symbols only is garbage. Brackets of code (`{ } [ ] < >`)
/// keep a line.
fn is_garbage_line(s: &str) -> bool {
    s.chars().all(|c| c.is_whitespace() || is_punct_or_junk(c))
        && !s
            .chars()
            .any(|c| matches!(c, '{' | '}' | '[' | ']' | '<' | '>'))
}

/// Deletions and suggestions collected in text order.
#[derive(Default)]
struct Plan {
    deletions: Vec<(Range<usize>, &'static str, f32)>,
}

impl Plan {
    /// Records a deletion; a range that overlaps the previous one is trimmed to follow it.
    fn delete(&mut self, mut range: Range<usize>, rule: &'static str, confidence: f32) {
        if let Some((last, _, _)) = self.deletions.last() {
            range.start = range.start.max(last.end);
        }
        if range.start < range.end {
            self.deletions.push((range, rule, confidence));
        }
    }
}

impl Pass for StrayTokens {
    fn id(&self) -> PassId {
        PassId::StrayTokens
    }

    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        let text = input.text;
        let mut plan = Plan::default();
        for line in line_ranges(text) {
            scan_line(text, line, &mut plan, sink);
        }
        for (range, rule, confidence) in plan.deletions {
            let _ = sink.delete(range, rule, confidence);
        }
    }
}

fn scan_line(text: &str, line: Range<usize>, plan: &mut Plan, sink: &mut EditSink<'_>) {
    let tokens = token_ranges(text, line.clone());
    if tokens.is_empty() {
        return;
    }
    if is_garbage_line(&text[line.clone()]) {
        let after = text[line.end..].chars().next();
        let range = if after == Some('\n') {
            line.start..line.end + 1
        } else if line.start > 0 && text[..line.start].ends_with('\n') {
            line.start - 1..line.end
        } else {
            line.clone()
        };
        plan.delete(range, "garbage-line", 0.9);
        return;
    }
    let symbol: Vec<bool> = tokens
        .iter()
        .map(|t| is_symbol_token(&text[t.clone()]))
        .collect();
    let has_text_after = |i: usize| symbol[i + 1..].iter().any(|s| !s);
    // Only symbol tokens and removed punctuation so far: the next token starts the line.
    let mut start_clear = true;
    for (i, t) in tokens.iter().enumerate() {
        let s = &text[t.clone()];
        // At an edge when only symbol tokens separate it from the line's start or end.
        let at_start = start_clear;
        start_clear = at_start && symbol[i];
        let at_end = symbol[i + 1..].iter().all(|&b| b);
        let prev = prev_meaningful(text, t.start);
        let next = next_meaningful(text, t.end);
        let cjk_before = prev.is_some_and(is_cjk_context);
        let cjk_after = next.is_some_and(is_cjk_context);
        let mut chars = s.chars();
        let first_char = chars.next();
        let single = first_char.filter(|_| chars.next().is_none());

        if at_start && has_text_after(i) && single.is_some_and(is_bullet) {
            continue;
        }
        if symbol[i] {
            let delete = if s.chars().any(is_strong_junk) {
                true
            } else if s.chars().all(|c| is_dash(c) && !is_weak_junk(c)) {
                s.chars().count() >= 4
            } else {
                let degree = s == "°"
                    && text[..t.start]
                        .trim_end()
                        .ends_with(|c: char| c.is_ascii_digit());
                !degree && (at_start || at_end || cjk_before || cjk_after)
            };
            if delete {
                let range = token_with_space(text, t, &line, cjk_before && cjk_after);
                plan.delete(range, "symbol-run", 0.9);
            }
            continue;
        }
        let mut from = t.start;
        if at_start {
            let lead = s
                .char_indices()
                .find(|&(_, c)| !(is_closing_punct(c) || is_strong_junk(c) || is_dash(c)))
                .map_or(s.len(), |(k, _)| k);
            let has_punct = s[..lead].chars().any(is_closing_punct);
            if has_punct && is_chinese(&text[t.start + lead..]) {
                let end = if lead == s.len() {
                    skip_hspace(text, t.end).min(line.end)
                } else {
                    t.start + lead
                };
                plan.delete(t.start..end, "line-start-punct", 0.8);
                from = t.start + lead;
                start_clear = lead == s.len();
            }
        }
        let in_chinese = cjk_before && cjk_after && from == t.start;
        // The token as it reads once the symbols this pass removes are gone.
        let mut core = s.chars().filter(|&c| !is_removable_symbol(c));
        let lone = core.next().filter(|_| core.next().is_none());
        if in_chinese && lone.is_some_and(|c| c.is_ascii_lowercase()) {
            let range = token_with_space(text, t, &line, true);
            plan.delete(range, "stray-letter", 0.75);
            start_clear = at_start;
            continue;
        }
        // Rule and speck symbols glued to text: any run of strong junk, four dashes or more.
        for run in glued_runs(&text[from..t.end]) {
            plan.delete(from + run.start..from + run.end, "symbol-run", 0.9);
        }
        if !in_chinese || !(prev.is_some_and(is_han) || next.is_some_and(is_han)) {
            continue;
        }
        if let Some((_, words)) = FUNCTION_WORDS.iter().find(|(w, _)| *w == s) {
            let start = skip_hspace_back(text, t.start).max(line.start);
            let end = skip_hspace(text, t.end).min(line.end);
            let n = words.len() as f32;
            let candidates = words
                .iter()
                .enumerate()
                .map(|(k, w)| Candidate::new(*w, 0.6 - 0.2 * k as f32 / n))
                .collect();
            let _ = sink.suggest(start..end, candidates, "stray-word", 0.6);
        }
    }
}

/// Class of a character for [`glued_runs`].
#[derive(PartialEq, Eq, Clone, Copy)]
enum Glued {
    Strong,
    Dash,
    Other,
}

/// The runs of strong junk, and of four dashes or more, inside a token.
fn glued_runs(s: &str) -> Vec<Range<usize>> {
    let class = |c: char| {
        if is_strong_junk(c) {
            Glued::Strong
        } else if is_dash(c) && !is_weak_junk(c) {
            Glued::Dash
        } else {
            Glued::Other
        }
    };
    let mut out = Vec::new();
    let mut run: Option<(usize, Glued, usize)> = None;
    let close = |run: Option<(usize, Glued, usize)>, end: usize, out: &mut Vec<Range<usize>>| {
        if let Some((start, cls, n)) = run {
            if cls == Glued::Strong || (cls == Glued::Dash && n >= 4) {
                out.push(start..end);
            }
        }
    };
    for (i, c) in s.char_indices() {
        let cls = class(c);
        match run {
            Some((start, r, n)) if r == cls => run = Some((start, r, n + 1)),
            _ => {
                close(run.take(), i, &mut out);
                if cls != Glued::Other {
                    run = Some((i, cls, 1));
                }
            }
        }
    }
    close(run, s.len(), &mut out);
    out
}

/// The range to delete for token `t`: the token with the spaces that would otherwise be left
/// doubled, or both sides' spaces when Chinese text closes up around it.
fn token_with_space(
    text: &str,
    t: &Range<usize>,
    line: &Range<usize>,
    close_up: bool,
) -> Range<usize> {
    let before = skip_hspace_back(text, t.start).max(line.start);
    let after = skip_hspace(text, t.end).min(line.end);
    if before == line.start && after == line.end {
        line.clone()
    } else if before == line.start {
        t.start..after
    } else if after == line.end {
        before..t.end
    } else if close_up {
        before..after
    } else {
        t.start..after
    }
}
