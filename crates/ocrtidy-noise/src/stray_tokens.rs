use std::ops::Range;

use ocrtidy_core::{Candidate, EditSink, Pass, PassId, PassInput, PassKind, PassSpec, RuleSpec};

use crate::chars::{
    is_ambiguous_closing_punct, is_break, is_bullet, is_cjk_context, is_closing_punct, is_dash,
    is_han, is_han_main_block, is_horizontal_space, is_odd_closing_punct, is_punct_or_junk,
    is_strong_junk, is_weak_junk,
};
use crate::converge::{converge, Deletion};
use crate::lines::{line_ranges_into, match_lines, skip_hspace, skip_hspace_back, NO_LINE};

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
/// - `line-start-punct` (applied): closing punctuation that starts a line of Chinese text, which
///   Chinese typesetting keeps on the previous line: half-width `, . ; : ! ?`, closing quotes `” ’`
///   and `：` always, a run of two or more, and a single full-width `。，、；？！` only on a page
///   that shows other OCR noise (a typesetter without line-breaking rules may start a line with
///   it).
/// - `stray-letter` (applied): a lone lowercase Latin letter between Chinese characters; for a
///   letter shaped like its capital (`c o s u v w x z k p`) only a suggestion, with the capital
///   as candidate (`被 c 标准库使用` → `C`).
/// - `stray-word` (suggestion): an English function word between Chinese characters
///   (`帮助企业 and 个体工商户`), with its Chinese equivalent as candidate (`和`).
///
/// Kept: a single bullet symbol followed by text (`■ 本报讯`, `• 安装`), short dashes (`-`, `--`, `——`), anything with letters or
/// digits (e-mails, URLs, phone numbers, times, amounts, model numbers, file names, commands,
/// English terms and acronyms such as `Linux`, `APT`, `CT`, `Wi-Fi`), single capital letters and
/// digits (`X 窗口`, `第 3 章`), math symbols between operands.
///
/// The Chinese-context checks look past whitespace, line breaks and the symbols this pass removes,
/// so that its output (and the joined lines the layout passes make of it) triggers nothing more.
#[derive(Debug, Default, Clone)]
pub struct StrayTokens;

/// Lowercase letters that OCR confuses with their capitals.
const CASE_ALIKE: &str = "cosuvwxzkp";

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
        if is_break(c) {
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

/// [`prev_meaningful`] of `pos` in the line that starts at `line_start`, and whether it was
/// found in the line (else the text before the line was read).
fn prev_meaningful_in(text: &str, line_start: usize, pos: usize) -> (Option<char>, bool) {
    match prev_meaningful(&text[line_start..], pos - line_start) {
        Some(c) => (Some(c), true),
        None => (prev_meaningful(text, line_start), false),
    }
}

/// [`next_meaningful`] of `pos` in the line that ends at `line_end`, and whether it was found in
/// the line (else the text after the line was read). The line holds no break, so its closing
/// punctuation is meaningful: the scan that goes on past its end finds what the whole one does.
fn next_meaningful_in(text: &str, line_end: usize, pos: usize) -> (Option<char>, bool) {
    match next_meaningful(&text[..line_end], pos) {
        Some(c) => (Some(c), true),
        None => (next_meaningful(text, line_end), false),
    }
}

/// Whether removing `range` leaves the punctuation around it in the context it had. The
/// punctuation passes run before this one and choose a mark's width from its neighbours: a removal
/// that brings half-width punctuation next to Chinese text (`版————,`) would make them change the
/// output on a second run, so it is not made.
fn keeps_punct_context(text: &str, range: &Range<usize>) -> bool {
    let before = text[..range.start]
        .chars()
        .rev()
        .find(|&c| !is_horizontal_space(c));
    let after = text[range.end..].chars().find(|&c| !is_horizontal_space(c));
    let (Some(b), Some(a)) = (before, after) else {
        return true;
    };
    let cjk = |c: char| is_cjk_context(c);
    let ascii_punct = |c: char| c.is_ascii_punctuation();
    !((cjk(b) && ascii_punct(a)) || (ascii_punct(b) && cjk(a)))
}

/// Whether a page shows OCR noise: at least 2 signs, and 3 per 100 lines, of what only noise
/// produces (a line of Chinese text that starts with half-width punctuation or a closing quote, a
/// line of symbols, a token of rule and speck symbols). Ambiguous evidence (a full-width comma at
/// a line start) is acted on only on such pages. Read from the [`LineNoise`] of each line.
fn is_noisy(lines: impl IntoIterator<Item = LineNoise>) -> bool {
    let (lines, signs) = lines.into_iter().fold((0usize, 0usize), |(l, s), n| {
        (l + usize::from(n.text), s + n.signs as usize)
    });
    signs >= 2 && signs * 100 >= lines * 3
}

/// What a line counts towards [`is_noisy`]: whether it has text (a line of whitespace only is
/// not counted), and its signs of noise. It depends on the line's text alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct LineNoise {
    text: bool,
    signs: u32,
}

impl LineNoise {
    fn of(line: &str) -> LineNoise {
        let s = line.trim();
        if s.is_empty() {
            return LineNoise {
                text: false,
                signs: 0,
            };
        }
        let mut signs = 0usize;
        if is_garbage_line(s) {
            signs += 1;
        } else {
            let lead = s
                .find(|c: char| !is_odd_closing_punct(c))
                .unwrap_or(s.len());
            if lead > 0 && is_chinese(&s[lead..]) {
                signs += 1;
            }
            signs += symbol_tokens(s);
        }
        LineNoise {
            text: true,
            // A token takes two bytes at least (a character and a space): a line of less
            // than 8 GiB has fewer signs than `u32::MAX`.
            signs: u32::try_from(signs).unwrap_or(u32::MAX),
        }
    }
}

/// The number of tokens (runs of non-whitespace) of `s` made of removable symbols only, not all
/// of them dashes.
fn symbol_tokens(s: &str) -> usize {
    let mut n = 0;
    // In a token: whether all its characters so far are symbols, and all are dashes.
    let mut token: Option<(bool, bool)> = None;
    let b = s.as_bytes();
    let mut k = 0;
    while k < b.len() {
        if matches!(token, Some((false, _))) {
            // A token with a character that is not a symbol counts no more: only its end is
            // looked for, at the characters that may be whitespace.
            k += maybe_space(&b[k..]);
            if k >= b.len() {
                break;
            }
        }
        let Some(c) = s[k..].chars().next() else {
            break;
        };
        k += c.len_utf8();
        if c.is_whitespace() {
            if let Some((true, false)) = token.take() {
                n += 1;
            }
        } else {
            let (symbols, dashes) = token.unwrap_or((true, true));
            token = Some((symbols && is_removable_symbol(c), dashes && is_dash(c)));
        }
    }
    if let Some((true, false)) = token {
        n += 1;
    }
    n
}

/// The offset of the first character of `b` (UTF-8, from a character boundary) that may be
/// whitespace, or its length: whitespace is ASCII or starts with `C2`, `E1`, `E2` or `E3`
/// (U+0085, U+00A0, U+1680, U+2000..U+205F, U+3000); the other characters are passed over by
/// their lead byte.
fn maybe_space(b: &[u8]) -> usize {
    let mut i = 0;
    while let Some(&x) = b.get(i) {
        i += match x {
            b'\t'..=b'\r' | b' ' | 0xC2 | 0xE1..=0xE3 => return i,
            0xE4..=0xEF | 0xE0 => 3,
            0xC0..=0xDF => 2,
            0xF0..=0xFF => 4,
            _ => 1,
        };
    }
    b.len()
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

/// Whether a line of punctuation and symbols only is garbage. A bracket keeps the line: it may
/// close a parenthesis whose text wrapped (`）`), or be code (`}`).
fn is_garbage_line(s: &str) -> bool {
    // ASCII letters and digits and the ideographs of the main block (but `丨`), the most common
    // characters, are text: decided without the tables.
    let text = |c: char| c.is_ascii_alphanumeric() || (is_han_main_block(c) && c != '丨');
    s.chars()
        .all(|c| !text(c) && (c.is_whitespace() || is_punct_or_junk(c)))
        && !s.chars().any(|c| {
            matches!(
                c,
                '{' | '}'
                    | '['
                    | ']'
                    | '<'
                    | '>'
                    | '('
                    | ')'
                    | '（'
                    | '）'
                    | '【'
                    | '】'
                    | '《'
                    | '》'
            )
        })
}

/// Deletions and suggestions collected in text order.
#[derive(Default)]
struct Plan {
    deletions: Vec<(Range<usize>, &'static str, f32)>,
    /// How many deletions were asked for (some may have been trimmed to nothing).
    asked: usize,
}

impl Plan {
    /// Records a deletion; a range that overlaps the previous one is trimmed to follow it.
    fn delete(&mut self, mut range: Range<usize>, rule: &'static str, confidence: f32) {
        self.asked += 1;
        if let Some((last, _, _)) = self.deletions.last() {
            range.start = range.start.max(last.end);
        }
        if range.start < range.end {
            self.deletions.push((range, rule, confidence));
        }
    }
}

impl StrayTokens {
    /// The pass's declaration: id, summary, flags and every rule it may record.
    pub const SPEC: PassSpec = PassSpec {
        id: PassId::StrayTokens,
        summary: "OCR garbage removed: symbol runs, stray punctuation and letters",
        kind: PassKind::Character,
        removes_text: false,
        rerun: true,
        local: false,
        written_back: true,
        rules: &[
            RuleSpec {
                id: "garbage-line",
                explain: "A line made only of punctuation and symbols (`|||`, `———`, `~ _ •`, a lone `。`) is deleted together with its line break, as is a line that would be left with only punctuation once this pass's other deletions are made. Always applied (confidence 0.9). A line containing any bracket (`（）()[]{}<>【】《》`) is kept, since it may close a wrapped parenthesis or be code; any line with a letter, digit or ideograph is not garbage.",
            },
            RuleSpec {
                id: "symbol-run",
                explain: "Symbols read from rules, borders and specks are deleted: any token containing `丨 ¦ ■ □ ▪ █ �` and similar (also glued inside a word: `第一章■` → `第一章`), runs of four or more dashes, weak symbols such as `| _ ~ • « » ° ©` when they stand alone at a line edge or next to Chinese text, and a weak symbol glued after `。，、；？！` at a line end (`。|`). Always applied (confidence 0.9). Kept: a single bullet followed by text (`■ 本报讯`), short dashes (`-`, `——`), a degree sign after a digit, a symbol that is quoted or glossed (`_ (下划线)`), and weak symbols between Latin words (a pipe in a command).",
            },
            RuleSpec {
                id: "line-start-punct",
                explain: "Closing punctuation at the start of a line of Chinese text, which Chinese typesetting never puts there, is deleted (with the space after it when the token is only punctuation): `, 我们` at a line start → `我们`. Half-width `, . ; : ! ?`, closing quotes `” ’` and `：` always qualify, as does a run of two or more marks; a single full-width `。，、；？！` only on a page that shows other OCR noise (at least 2 signs and 3 per 100 lines). Always applied when it fires (confidence 0.8). Not removed: marks glued to a Latin word or number (`.list`, `:8080`), or before text that is not Chinese.",
            },
            RuleSpec {
                id: "stray-letter",
                explain: "A lone lowercase Latin letter standing between Chinese characters or Chinese punctuation is OCR noise and is deleted with its surrounding spaces: `网络 r 安全` → `网络安全` (applied, confidence 0.75). If the letter is one whose capital has the same shape (`c o s u v w x z k p`), it is only suggested (confidence 0.5) with the capital as first candidate and deletion as second: `被 c 标准库使用` → suggest `C`. Single capital letters and digits (`X 窗口`, `第 3 章`) are never touched.",
            },
            RuleSpec {
                id: "stray-word",
                explain: "An English function word (`and`, `or`, `of`, `with`, `in`, `on`, `at`, `for`, `to`, `from`, `by`, `is`, `are`, `the`, `an`) standing between Chinese characters, with an ideograph on at least one side, is flagged with its likely Chinese equivalents: `帮助企业 and 个体工商户` → suggest `和` or `与`. Only ever suggested (confidence 0.6), never applied; for `the` and `an` the candidate is deletion. Latin words in Latin context are not looked at.",
            },
        ],
    };
}

impl Pass for StrayTokens {
    fn spec(&self) -> &'static PassSpec {
        &Self::SPEC
    }

    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        input.memory.with(|memo: &mut LineMemo| {
            // The facts of the lines of `input.text` when it is too long for the memo: the
            // later planning rounds of this run read them (the text outlives the rounds).
            let mut first: Option<Known> = None;
            let mut round = 0;
            let deletions = converge(input.text, sink, |text, sink| {
                // The buffers of the plan before the last one are reused.
                let mut known = std::mem::take(&mut memo.spare);
                let old = match &first {
                    Some(known) => (input.text, known),
                    None => (memo.text.as_str(), &memo.known),
                };
                let deletions = plan(text, old, &mut known, &mut memo.matched, sink);
                if text.len() <= MEMO_BYTES {
                    memo.text.clear();
                    memo.text.push_str(text);
                    memo.spare = std::mem::replace(&mut memo.known, known);
                } else {
                    *memo = LineMemo::default();
                    if round == 0 {
                        first = Some(known);
                    }
                }
                round += 1;
                deletions
            });
            for (range, rule, confidence) in deletions {
                let _ = sink.delete(range, rule, confidence);
            }
        });
    }
}

/// The lines of the pass's last plan in a run and what it learnt of them, kept in the run's
/// [`PassMemory`](ocrtidy_core::PassMemory): a later plan (the next planning round of
/// [`converge`], or the pass in the runner's next round, on a text that other passes changed in
/// a few places) passes over a line that reads as an inert one, and takes a line's part of
/// [`is_noisy`] from an equal line, instead of reading the line again. Both depend on the
/// line's text alone (see [`scan_line`] and [`LineNoise`]), so a line is known by its text,
/// compared byte for byte; what the rest of the text says is read anew by every plan.
#[derive(Default)]
struct LineMemo {
    /// The text of the last plan (empty when it was longer than [`MEMO_BYTES`]).
    text: String,
    /// Its lines.
    known: Known,
    /// Buffers for the next plan: those of the plan before the last, and of [`match_lines`].
    spare: Known,
    matched: Vec<usize>,
}

/// The longest text that a [`LineMemo`] keeps: the memo holds a copy of the text and about 60
/// bytes per line (what the last two plans knew, and the matches) for the whole run, which on a
/// long document would add more memory than its rounds save. Records and pages are far below
/// it; the planning rounds of one run of the pass on a longer text still share what the first
/// round learnt of its lines.
const MEMO_BYTES: usize = if cfg!(test) { 1 << 10 } else { 1 << 20 };

/// What a plan learnt of the lines of its text: their ranges and, for each, whether it is inert
/// and its [`LineNoise`] when known (not for a text whose [`is_noisy`] the plan did not need,
/// unless an earlier plan knew it of an equal line; `noise` is empty when no line's is known).
#[derive(Default)]
struct Known {
    lines: Vec<Range<usize>>,
    inert: Vec<bool>,
    noise: Vec<Option<LineNoise>>,
}

/// Plans the deletions of one round on `text` (suggestions go into `sink`) and writes what it
/// learns of the lines of `text` into `new` (its buffers reused); `old` is the text of an
/// earlier plan of the run and what that plan learnt of its lines, `matched` a buffer.
fn plan(
    text: &str,
    old: (&str, &Known),
    new: &mut Known,
    matched: &mut Vec<usize>,
    sink: &mut EditSink<'_>,
) -> Vec<Deletion> {
    let (old_text, old) = old;
    let mut plan = Plan::default();
    line_ranges_into(text, &mut new.lines);
    match_lines(text, &new.lines, old_text, &old.lines, matched);
    let old_line = |i: usize| matched.get(i).copied().filter(|&k| k != NO_LINE);
    let old_noise = |i: usize| old_line(i).and_then(|k| old.noise.get(k).copied().flatten());
    // Needed only for a line that starts with one full-width mark: computed then.
    let mut noisy = Noisy {
        text,
        lines: &new.lines,
        known: &old_noise,
        noise: std::mem::take(&mut new.noise),
        value: None,
    };
    noisy.noise.clear();
    let mut scratch = Scratch::default();
    new.inert.clear();
    new.inert.reserve(new.lines.len());
    for (i, line) in new.lines.iter().enumerate() {
        if old_line(i).is_some_and(|k| old.inert[k]) {
            new.inert.push(true);
            continue;
        }
        let quiet = scan_line(
            text,
            line.clone(),
            &mut noisy,
            &mut plan,
            &mut scratch,
            sink,
        );
        new.inert.push(quiet);
    }
    plan.deletions
        .retain(|(r, _, _)| keeps_punct_context(text, r));
    // A line's part of `is_noisy`, if this plan did not need it, is known from an equal line.
    if noisy.value.is_none() && !old.noise.is_empty() && !matched.is_empty() {
        noisy.noise.extend((0..new.lines.len()).map(old_noise));
    }
    new.noise = noisy.noise;
    plan.deletions
}

/// [`is_noisy`] of a text, computed on first use; a line's part of it is taken from what an
/// earlier plan knew of an equal line (`known`) where it can be.
struct Noisy<'a> {
    text: &'a str,
    lines: &'a [Range<usize>],
    known: &'a dyn Fn(usize) -> Option<LineNoise>,
    /// Each line's part, once computed.
    noise: Vec<Option<LineNoise>>,
    value: Option<bool>,
}

impl Noisy<'_> {
    fn get(&mut self) -> bool {
        if let Some(value) = self.value {
            return value;
        }
        let (text, known) = (self.text, self.known);
        self.noise.clear();
        self.noise.extend(
            (self.lines.iter().enumerate()).map(|(i, line)| {
                Some(known(i).unwrap_or_else(|| LineNoise::of(&text[line.clone()])))
            }),
        );
        let value = is_noisy(self.noise.iter().flatten().copied());
        self.value = Some(value);
        value
    }
}

/// Buffers reused from line to line.
#[derive(Default)]
struct Scratch {
    tokens: Vec<Tok>,
}

/// A token of a line, as [`tokenize`] reads it.
struct Tok {
    range: Range<usize>,
    /// Made of removable symbols only.
    symbol: bool,
    /// Its first character, when it has two characters or more and no removable symbol.
    word: Option<char>,
    /// Whether it may hold a run that [`glued_runs`] finds: strong junk, or four dashes (other
    /// than weak junk) or more in all.
    glued: bool,
}

/// Plans the deletions and suggestions of one line. Returns whether the line is inert: it yields
/// nothing, and nothing outside it was read to decide so (blank, plain words only, or tokens
/// whose neighbours in the line settle them: see [`scan_tokens`]). An inert line yields nothing
/// whatever surrounds it, so inertness depends on the line's text alone.
fn scan_line(
    text: &str,
    line: Range<usize>,
    noisy: &mut Noisy<'_>,
    plan: &mut Plan,
    scratch: &mut Scratch,
    sink: &mut EditSink<'_>,
) -> bool {
    tokenize(text, &line, scratch);
    if scratch.tokens.is_empty() {
        return true;
    }
    if is_garbage_line(&text[line.clone()]) {
        plan.delete(line_with_break(text, &line), "garbage-line", 0.9);
        return false;
    }
    let mark = plan.deletions.len();
    let asked = plan.asked;
    let local = scan_tokens(text, &line, scratch, noisy, plan, sink);
    if plan.asked == asked {
        return local;
    }
    // A line left with punctuation only goes whole.
    if plan.deletions.len() > mark {
        let mut rest = String::new();
        let mut pos = line.start;
        for (r, _, _) in &plan.deletions[mark..] {
            rest.push_str(&text[pos.min(r.start)..r.start]);
            pos = pos.max(r.end);
        }
        rest.push_str(&text[pos.min(line.end)..line.end]);
        if is_garbage_line(&rest) {
            plan.deletions.truncate(mark);
            plan.delete(line_with_break(text, &line), "garbage-line", 0.9);
        }
    }
    false
}

/// The line with the break after it (or before it, for the last line), if there is one.
fn line_with_break(text: &str, line: &Range<usize>) -> Range<usize> {
    if text[line.end..].starts_with('\n') {
        line.start..line.end + 1
    } else if line.start > 0 && text[..line.start].ends_with('\n') {
        line.start - 1..line.end
    } else {
        line.clone()
    }
}

/// Plans the deletions and suggestions of the tokens of a line; returns whether it made no
/// suggestion and read nothing outside the line (the neighbours of a token that is not a plain
/// word, [`is_plain_word`], were found in the line; neither [`is_noisy`], nor the text that
/// follows a line-start mark, nor what precedes a degree sign was read). The deletions it asked
/// for are counted in `plan`.
fn scan_tokens(
    text: &str,
    line: &Range<usize>,
    scratch: &mut Scratch,
    noisy: &mut Noisy<'_>,
    plan: &mut Plan,
    sink: &mut EditSink<'_>,
) -> bool {
    // Nothing read outside the line, no suggestion made.
    let mut local = true;
    let line = line.clone();
    let tokens = &scratch.tokens;
    // The last token that is not a symbol token: text follows token `i` when it is after `i`.
    let last_text = tokens.iter().rposition(|t| !t.symbol);
    let has_text_after = |i: usize| last_text.is_some_and(|k| k > i);
    // Only symbol tokens and removed punctuation so far: the next token starts the line.
    let mut start_clear = true;
    for (i, tok) in tokens.iter().enumerate() {
        let t = &tok.range;
        let s = &text[t.clone()];
        // At an edge when only symbol tokens separate it from the line's start or end.
        let at_start = start_clear;
        start_clear = at_start && tok.symbol;
        // `。|` at a line end: a weak symbol glued after Chinese sentence punctuation (a spacing
        // pass removed the space OCR put between them) is a speck, not text.
        if !tok.symbol && !has_text_after(i) {
            let kept = s.trim_end_matches(is_weak_junk);
            if kept.len() < s.len() && kept.ends_with(is_ambiguous_closing_punct) {
                plan.delete(t.start + kept.len()..t.end, "symbol-run", 0.9);
            }
        }
        if is_plain_word(s, tok.word, at_start) {
            continue;
        }
        let at_end = !has_text_after(i);
        let (prev, prev_in_line) = prev_meaningful_in(text, line.start, t.start);
        let (next, next_in_line) = next_meaningful_in(text, line.end, t.end);
        local &= prev_in_line && next_in_line;
        let cjk_before = prev.is_some_and(is_cjk_context);
        let cjk_after = next.is_some_and(is_cjk_context);
        let mut chars = s.chars();
        let first_char = chars.next();
        let single = first_char.filter(|_| chars.next().is_none());

        // A single bullet before text may start a list item; line breaks cannot be trusted (a
        // layout pass may have joined its line to the previous one), so it stays wherever it is.
        if has_text_after(i) && single.is_some_and(is_bullet) {
            continue;
        }
        if tok.symbol {
            let delete = if s.chars().any(is_strong_junk) {
                true
            } else if s.chars().all(|c| is_dash(c) && !is_weak_junk(c)) {
                s.chars().count() >= 4
            } else {
                let degree = s == "°" && {
                    // Past whitespace, this may read the lines before.
                    local = false;
                    text[..t.start]
                        .trim_end()
                        .ends_with(|c: char| c.is_ascii_digit())
                };
                // A symbol that the text talks about: glossed (`_ (下划线)`) or quoted.
                let glossed = text[t.end..]
                    .trim_start_matches(is_horizontal_space)
                    .starts_with(['(', '（', '”', '"', '’', '」'])
                    || text[..t.start]
                        .trim_end_matches(is_horizontal_space)
                        .ends_with(['“', '"', '‘', '「']);
                !degree && !glossed && (at_start || at_end || cjk_before || cjk_after)
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
                .find(|&(_, c)| !(is_closing_punct(c) || is_removable_symbol(c)))
                .map_or(s.len(), |(k, _)| k);
            let puncts = s[..lead].chars().filter(|&c| is_closing_punct(c)).count();
            let odd = s[..lead].chars().any(is_odd_closing_punct);
            // `.list`, `:8080`: a file extension or a port, not noise.
            let glued_to_latin = s[lead..].starts_with(|c: char| c.is_ascii_alphanumeric());
            // Then whether the page is noisy, and the text after the marks (past the line's
            // end, for a short line), may be read.
            local &= glued_to_latin || puncts == 0;
            // A single full-width mark goes on a noisy page only; whether the page is noisy
            // (which reads every line) is asked last.
            let sure = odd || puncts >= 2;
            if !glued_to_latin
                && puncts > 0
                && is_chinese(&text[t.start + lead..])
                && (sure || noisy.get())
            {
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
        let in_chinese = cjk_before && cjk_after;
        // The token as it reads once the symbols this pass removes are gone.
        let mut core = text[from..t.end]
            .chars()
            .filter(|&c| !is_removable_symbol(c));
        let lone = core.next().filter(|_| core.next().is_none());
        match lone {
            // A letter whose capital has the same shape is likely a misread capital (`C 语言`).
            Some(c) if in_chinese && CASE_ALIKE.contains(c) && from == t.start => {
                let upper = c.to_ascii_uppercase().to_string();
                let cands = vec![Candidate::new(upper, 0.6), Candidate::new("", 0.3)];
                let _ = sink.suggest(t.clone(), cands, "stray-letter", 0.5);
                local = false;
                continue;
            }
            Some(c) if in_chinese && c.is_ascii_lowercase() => {
                let range = token_with_space(text, t, &line, true);
                plan.delete(range, "stray-letter", 0.75);
                start_clear = at_start;
                continue;
            }
            _ => {}
        }
        // Rule and speck symbols glued to text: any run of strong junk, four dashes or more.
        // A bullet glued to the end of a word and followed by text is a list bullet whose line was
        // joined to the previous one: it stays, as it did at the line start. A token without
        // such characters has no such run (most tokens here: a word with a hyphen).
        let runs = if tok.glued {
            glued_runs(&text[from..t.end])
        } else {
            Vec::new()
        };
        for run in runs {
            let bullet = from + run.end == t.end
                && has_text_after(i)
                && text[from + run.start..t.end].chars().all(is_bullet);
            if !bullet {
                plan.delete(from + run.start..from + run.end, "symbol-run", 0.9);
            }
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
            local = false;
        }
    }
    local
}

/// Whether no rule of [`scan_tokens`] can apply to token `s` (most tokens): two characters or
/// more, none of them a symbol this pass removes (`word`, from [`tokenize`]), no closing
/// punctuation at a line start, and not an English function word.
fn is_plain_word(s: &str, word: Option<char>, at_start: bool) -> bool {
    word.is_some_and(|first| {
        let closing = at_start && is_closing_punct(first);
        // Every function word starts with a lowercase ASCII letter.
        let function_word = first.is_ascii_lowercase()
            && s.len() <= 4
            && FUNCTION_WORDS.iter().any(|(w, _)| *w == s);
        !(closing || function_word)
    })
}

/// [`tokenize`]'s classes of characters: horizontal space, removable symbol (see
/// [`removable_class`]), other.
const SPACE: u8 = 2;
const REMOVABLE: u8 = 1;
const OTHER: u8 = 0;

/// [`tokenize`]'s class of each ASCII character: the space and the tab are horizontal space,
/// `| _ ~ - =` removable symbols (weak junk and dashes; no strong junk is ASCII).
const ASCII_CLASS: [u8; 128] = {
    let mut t = [OTHER; 128];
    t[b' ' as usize] = SPACE;
    t[b'\t' as usize] = SPACE;
    t[b'|' as usize] = REMOVABLE;
    t[b'_' as usize] = REMOVABLE;
    t[b'~' as usize] = REMOVABLE;
    t[b'-' as usize] = REMOVABLE;
    t[b'=' as usize] = REMOVABLE;
    t
};

/// [`tokenize`]'s class of any character: horizontal space, a symbol this pass removes (no
/// ideograph but `丨`), or other.
fn removable_class(c: char) -> u8 {
    if is_horizontal_space(c) {
        SPACE
    } else if !(is_han(c) && c != '丨') && is_removable_symbol(c) {
        REMOVABLE
    } else {
        OTHER
    }
}

/// The [`removable_class`] of a three-byte character (lead byte `x`, `E0`..`EF`) from its bytes,
/// where they tell without decoding it: the only space among them is `U+3000` (`E3 80 80`), and
/// the removable symbols are `丨` (`E4 B8 A8`), `﹣`, `－` and `U+FFFD` (`EF ..`) and those of
/// U+2000..U+2FFF (`E2`, decoded, but for the quotes U+2018..U+201F, none of them a symbol).
#[inline(always)]
fn class3(x: u8, y: u8, z: u8) -> Option<u8> {
    match (x, y, z) {
        (0xE3, 0x80, 0x80) => Some(SPACE),
        (0xE4, 0xB8, 0xA8) | (0xEF, 0xB9, 0xA3) | (0xEF, 0xBC, 0x8D) | (0xEF, 0xBF, 0xBD) => {
            Some(REMOVABLE)
        }
        (0xE2, 0x80, 0x98..=0x9F) => Some(OTHER),
        (0xE2, _, _) => None,
        _ => Some(OTHER),
    }
}

/// The [`removable_class`] and the length of the character at byte `k` of `s` (a character
/// boundary before its end), from its bytes where they are enough: ASCII, `E5`..`E9`
/// (U+5000..U+9FFF, unified ideographs) and the other three-byte characters but most of `E2`
/// (see [`class3`]). The text is valid UTF-8, so a lead byte's continuation bytes follow.
#[inline(always)]
fn class_at(s: &str, k: usize) -> (u8, usize) {
    let b = s.as_bytes();
    match b[k] {
        x @ 0x00..=0x7F => (ASCII_CLASS[usize::from(x)], 1),
        0xE5..=0xE9 => (OTHER, 3),
        x @ 0xE0..=0xEF if class3(x, b[k + 1], b[k + 2]).is_some() => {
            (class3(x, b[k + 1], b[k + 2]).unwrap_or(OTHER), 3)
        }
        _ => s[k..]
            .chars()
            .next()
            .map_or((OTHER, 1), |c| (removable_class(c), c.len_utf8())),
    }
}

/// Splits `line` into tokens (maximal runs of non-space characters) in one scan, and records
/// for each whether it is made of removable symbols only (`symbol`), when it has two
/// characters or more and no removable symbol, its first character (`word`), and whether
/// [`glued_runs`] may find a run in it (`glued`).
fn tokenize(text: &str, line: &Range<usize>, scratch: &mut Scratch) {
    scratch.tokens.clear();
    let s = &text[line.clone()];
    let b = s.as_bytes();
    let close = |scratch: &mut Scratch, t: &Token, end: usize| {
        let word = if t.n >= 2 && !t.any {
            s[t.start..].chars().next()
        } else {
            None
        };
        scratch.tokens.push(Tok {
            range: line.start + t.start..line.start + end,
            symbol: t.all,
            word,
            glued: t.strong || t.dashes >= 4,
        });
    };
    // The open token (none while `n` is 0).
    let mut t = Token {
        start: 0,
        n: 0,
        any: false,
        all: true,
        strong: false,
        dashes: 0,
    };
    let mut k = 0;
    while k < b.len() {
        if t.n > 0 {
            // Inside a token, the characters that are neither space nor symbol only count: ASCII
            // and `E5`..`E9` (U+5000..U+9FFF, unified ideographs, none of them a space or a
            // symbol; `丨` is U+4E28) are passed over by their lead byte, the other three-byte
            // ones (Chinese punctuation, full-width forms, curly quotes) by their bytes where
            // [`class3`] tells. The text is valid UTF-8, so a lead byte's continuation bytes
            // follow.
            let n = t.n;
            while let Some(&x) = b.get(k) {
                if x < 0x80 && ASCII_CLASS[usize::from(x)] == OTHER {
                    k += 1;
                } else if (0xE5..=0xE9).contains(&x)
                    || ((0xE0..=0xEF).contains(&x) && class3(x, b[k + 1], b[k + 2]) == Some(OTHER))
                {
                    k += 3;
                } else {
                    break;
                }
                t.n += 1;
            }
            if t.n > n {
                t.all = false;
            }
            if k >= b.len() {
                break;
            }
        }
        let at = k;
        let (class, len) = class_at(s, k);
        k += len;
        if class == SPACE {
            if t.n > 0 {
                close(scratch, &t, at);
                t.n = 0;
            }
            continue;
        }
        let removable = class == REMOVABLE;
        if t.n == 0 {
            t = Token {
                start: at,
                n: 1,
                any: removable,
                all: removable,
                strong: false,
                dashes: 0,
            };
        } else {
            t.n += 1;
            t.any |= removable;
            t.all &= removable;
        }
        if removable {
            if let Some(c) = s[at..].chars().next() {
                t.strong |= is_strong_junk(c);
                t.dashes += usize::from(is_dash(c) && !is_weak_junk(c));
            }
        }
    }
    if t.n > 0 {
        close(scratch, &t, b.len());
    }
}

/// A token being read by [`tokenize`]: its start in the line, how many characters it has,
/// whether any and whether all of them are removable symbols, whether any is strong junk, and
/// how many are dashes other than weak junk (the classes of [`glued_runs`]).
struct Token {
    start: usize,
    n: usize,
    any: bool,
    all: bool,
    strong: bool,
    dashes: usize,
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
        // Most characters: letters, digits and ideographs (of which only `丨` is junk).
        if c.is_ascii_alphanumeric() || (is_han(c) && c != '丨') {
            Glued::Other
        } else if is_strong_junk(c) {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The tokens of `text` with their `symbol`, `word` and `glued`.
    fn tokens_glued(text: &str) -> Vec<(&str, bool, Option<char>, bool)> {
        let mut scratch = Scratch::default();
        tokenize(text, &(0..text.len()), &mut scratch);
        scratch
            .tokens
            .iter()
            .map(|t| (&text[t.range.clone()], t.symbol, t.word, t.glued))
            .collect()
    }

    fn tokens(text: &str) -> Vec<(&str, bool, Option<char>)> {
        tokens_glued(text)
            .into_iter()
            .map(|(t, symbol, word, _)| (t, symbol, word))
            .collect()
    }

    /// [`tokenize`] as a plain scan of the chars would do it.
    fn tokens_by_chars(text: &str) -> Vec<(&str, bool, Option<char>, bool)> {
        let removable = |c: char| {
            !(c.is_ascii_alphanumeric() || (is_han(c) && c != '丨')) && is_removable_symbol(c)
        };
        text.split(is_horizontal_space)
            .filter(|t| !t.is_empty())
            .map(|t| {
                let n = t.chars().count();
                let any = t.chars().any(removable);
                let first = t.chars().next().filter(|_| n >= 2 && !any);
                let dashes = t
                    .chars()
                    .filter(|&c| is_dash(c) && !is_weak_junk(c))
                    .count();
                let glued = t.chars().any(is_strong_junk) || dashes >= 4;
                // A token that is not flagged has no glued run.
                assert!(glued || glued_runs(t).is_empty(), "{t:?}");
                (t, t.chars().all(removable), first, glued)
            })
            .collect()
    }

    #[test]
    fn tokens_as_by_chars() {
        for text in [
            "",
            " ",
            "ab  cd",
            "\u{3000}中\u{a0}文\t，\u{3000}",
            "||| 第一章■ x 丨丨 中丨文 。。 丨中 中丨",
            "使用 apt 命令 — 4 —  ~~ __ 龘 䶵 一 㐀𠀀 é|ü",
            "中 文 x 中文中 ■中 中■",
            "a—b—c—d—e 中----文 ——— x-y =-=- ~~~~ 第一章█ ＿－－－－",
        ] {
            assert_eq!(tokens_glued(text), tokens_by_chars(text), "{text:?}");
        }
        // Every char between ideographs and alone.
        let mut buf = String::new();
        for c in (0..=0x10FFFF).step_by(7).filter_map(char::from_u32) {
            if is_break(c) {
                continue;
            }
            buf.clear();
            buf.extend(['中', c, '文', ' ', c, ' ', c, c]);
            assert_eq!(tokens_glued(&buf), tokens_by_chars(&buf), "{c:?}");
        }
        // Every three-byte char (read by its bytes inside a token) so, and after a symbol.
        for c in ('\u{800}'..='\u{FFFF}').filter(|&c| !is_break(c)) {
            buf.clear();
            buf.extend(['中', c, '文', ' ', c, ' ', c, c, ' ', 'a', c, '-', c]);
            assert_eq!(tokens_glued(&buf), tokens_by_chars(&buf), "{c:?}");
        }
    }

    #[test]
    fn common_text_is_not_punct() {
        for c in ('0'..='9')
            .chain('a'..='z')
            .chain('A'..='Z')
            .chain('\u{4e00}'..='\u{9fff}')
            .filter(|&c| c != '丨')
        {
            assert!(!(c.is_whitespace() || is_punct_or_junk(c)), "{c:?}");
        }
    }

    #[test]
    fn symbol_tokens_as_by_chars() {
        let by_chars = |s: &str| {
            s.split(char::is_whitespace)
                .filter(|t| {
                    !t.is_empty() && t.chars().all(is_removable_symbol) && !t.chars().all(is_dash)
                })
                .count()
        };
        let mut all = String::new();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            // Whitespace starts with a byte that `maybe_space` stops at.
            let mut buf = [0; 4];
            if c.is_whitespace() {
                assert_eq!(maybe_space(c.encode_utf8(&mut buf).as_bytes()), 0, "{c:?}");
            }
            if c.is_whitespace() || is_removable_symbol(c) || c as u32 % 97 == 0 {
                all.push(c);
                all.push(if c as u32 % 3 == 0 { ' ' } else { '|' });
            }
        }
        for s in [
            "",
            "|| a|| ||a — —— -- ~ 中 ■ \u{2003}|\u{85}_\u{3000}__x",
            "中文||\u{a0}||",
            all.as_str(),
        ] {
            assert_eq!(symbol_tokens(s), by_chars(s), "{s:?}");
        }
    }

    #[test]
    fn classes_by_lead_byte_as_by_chars() {
        let mut buf = String::new();
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            buf.clear();
            buf.push(c);
            assert_eq!(
                class_at(&buf, 0),
                (removable_class(c), c.len_utf8()),
                "{c:?}"
            );
            if c.is_ascii() {
                assert_eq!(ASCII_CLASS[c as usize], removable_class(c), "{c:?}");
            }
        }
    }

    #[test]
    fn tokens_with_their_classes() {
        assert_eq!(
            tokens("ab  cd"),
            [("ab", false, Some('a')), ("cd", false, Some('c'))]
        );
        let wide = "\u{3000}中\u{a0}文\t，\u{3000}";
        let toks: Vec<&str> = tokens(wide).into_iter().map(|t| t.0).collect();
        assert_eq!(toks, ["中", "文", "，"]);
        // Symbols only; a word with a symbol glued on; a single letter; the ideograph `丨`.
        assert_eq!(
            tokens("||| 第一章■ x 丨丨 中丨文 。。"),
            [
                ("|||", true, None),
                ("第一章■", false, None),
                ("x", false, None),
                ("丨丨", true, None),
                ("中丨文", false, None),
                ("。。", false, Some('。')),
            ]
        );
    }
}

#[cfg(test)]
mod memory_tests {
    use super::*;
    use crate::lines::line_ranges;
    use ocrtidy_core::{Context, PassMemory, Runner};

    // The pass without its memory (`Forgetful`): every line read anew in every plan.
    use ocrtidy_core::testing::Forgetful;

    static MARKS: PassSpec = PassSpec {
        id: PassId::new("marks"),
        summary: "",
        kind: PassKind::Character,
        removes_text: true,
        rerun: true,
        local: false,
        written_back: false,
        rules: &[RuleSpec {
            id: "mark",
            explain: "",
        }],
    };

    /// Edits the text between the rounds of the pass, where the pass reads beyond a line: in each
    /// round it removes the first `#` and turns the first `&` into an ideograph (a line's
    /// neighbours turn Chinese or Latin), breaks the line at the first `@` (lines move, a token
    /// starts a line) and turns the first `%` into a rule symbol (the page's signs of noise
    /// change).
    struct Marks;

    impl Pass for Marks {
        fn spec(&self) -> &'static PassSpec {
            &MARKS
        }
        fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
            let mut edits: Vec<(usize, &str)> = [('#', ""), ('&', "文"), ('@', "\n"), ('%', "丨")]
                .into_iter()
                .filter_map(|(mark, with)| input.text.find(mark).map(|i| (i, with)))
                .collect();
            edits.sort();
            for (i, with) in edits {
                let _ = sink.replace(i..i + 1, with, "mark", 1.0);
            }
        }
    }

    /// Pseudo-random texts of lines made of pieces that the pass acts on with or without their
    /// neighbours: lines that start with closing punctuation (removed on a noisy page only),
    /// lone letters and function words between Chinese text on this line or the next, symbols,
    /// degree signs, garbage lines, plain Chinese and English lines, and the marks of [`Marks`].
    fn texts(count: usize) -> impl Iterator<Item = String> {
        let pieces = [
            "软件包管理系统负责安装升级和删除",
            "，我们",
            "。",
            ", 我们",
            "x",
            "r",
            "c",
            "and",
            "网络 r 安全",
            "帮助企业 and 个体工商户",
            "|||",
            "丨丨",
            "———————",
            "~",
            "The quick brown fox jumps over a lazy dog",
            "a",
            "中文",
            "°",
            "25",
            "_ (下划线)",
            "■ 本报讯",
            "安装。|",
            "第一章■",
            "#",
            "@",
            "%",
            "&",
            "ab&",
            ". 1",
            "",
            "  ",
        ];
        let mut rng = ocrtidy_core::testing::Lcg::new(0x9e37_79b9_7f4a_7c15);
        let mut next = move |n: usize| rng.below(n);
        (0..count).map(move |_| {
            let mut text = String::new();
            // Some texts longer than `MEMO_BYTES`, planned without the run's memo.
            let lines = if next(8) == 0 { 120 } else { next(30) + 1 };
            for _ in 0..lines {
                for k in 0..next(4) + 1 {
                    if k > 0 && next(2) == 0 {
                        text.push(' ');
                    }
                    text.push_str(pieces[next(pieces.len())]);
                }
                text.push_str(["\n", "\n", "\n", "\n\n", "\u{c}", "\r\n"][next(6)]);
            }
            text
        })
    }

    #[test]
    fn remembered_lines_plan_as_lines_read_anew() {
        // The texts change between the rounds of a run (another pass edits them, and this
        // pass's own deletions make the next planning round's text): the pass with its memory
        // changes and suggests what the pass without it does, in every round.
        let mut long = 0;
        for text in texts(400) {
            long += usize::from(text.len() > MEMO_BYTES);
            let context = Context::default();
            let kept =
                Runner::new(vec![Box::new(StrayTokens), Box::new(Marks)]).run(&text, &context);
            let anew = Runner::new(vec![Box::new(Forgetful(StrayTokens)), Box::new(Marks)])
                .run(&text, &context);
            assert_eq!(kept.text, anew.text, "{text:?}");
            assert_eq!(kept.changes, anew.changes, "{text:?}");
            assert_eq!(kept.stats.rounds, anew.stats.rounds, "{text:?}");
        }
        assert!(long > 10, "{long}");
    }

    #[test]
    fn lines_whose_plan_reads_beyond_them_are_read_again() {
        // The line `，我们走了` is removed once the page shows a second sign of noise (`丨`); the
        // `.` of `. 1` once the text after it, on the next line, turns Chinese; `r` once its
        // neighbour on the line before does.
        for (text, out) in [
            ("，我们走了\na | b\n%\n", "我们走了\na | b\n"),
            (". 1\nab&文\n", "1\nab文文\n"),
            ("中文&\nr 中文\n", "中文文\n中文\n"),
            ("中文\nr\n&中文\n", "中文\n文中文\n"),
        ] {
            let context = Context::default();
            let kept =
                Runner::new(vec![Box::new(StrayTokens), Box::new(Marks)]).run(text, &context);
            let anew = Runner::new(vec![Box::new(Forgetful(StrayTokens)), Box::new(Marks)])
                .run(text, &context);
            assert_eq!(kept.text, anew.text, "{text:?}");
            assert_eq!(kept.changes, anew.changes, "{text:?}");
            assert_eq!(kept.text, out, "{text:?}");
        }
    }

    #[test]
    fn a_plan_reads_again_only_what_it_cannot_know() {
        // The second plan, on the text with a line edited, scans the edited line and the lines
        // that read beyond themselves, and takes the other lines' parts of `is_noisy`.
        let first =
            "软件包管理系统\nThe quick brown fox jumps over a lazy dog\nx 中文\n，我们\n|||\n";
        let second =
            "软件包管理系统负责\nThe quick brown fox jumps over a lazy dog\nx 中文\n，我们\n|||\n";
        let (empty, mut matched) = (Known::default(), Vec::new());
        let mut known = Known::default();
        let dels = plan(
            first,
            ("", &empty),
            &mut known,
            &mut matched,
            &mut EditSink::new(first),
        );
        assert!(!dels.is_empty());
        assert_eq!(known.inert, [true, true, false, false, false, true]);
        assert!(known.noise.len() == 6 && known.noise.iter().all(Option::is_some));
        let (mut again, mut fresh) = (Known::default(), Known::default());
        let mut sink = EditSink::new(second);
        let dels = plan(second, (first, &known), &mut again, &mut matched, &mut sink);
        assert_eq!(matched, [NO_LINE, 1, 2, 3, 4, 5]);
        let mut sink = EditSink::new(second);
        let anew = plan(second, ("", &empty), &mut fresh, &mut matched, &mut sink);
        assert_eq!(dels, anew);
        assert_eq!((again.inert, again.noise), (fresh.inert, fresh.noise));
    }

    #[test]
    fn lines_are_matched_past_removed_and_joined_lines() {
        let old = "甲\n乙\n丙\n丁\n戊\n\n己\n庚";
        let new = "甲\n丙\n丁戊\n\n己\n庚";
        let (old_lines, new_lines) = (line_ranges(old), line_ranges(new));
        let mut found = Vec::new();
        match_lines(new, &new_lines, old, &old_lines, &mut found);
        assert_eq!(found, [0, 2, NO_LINE, 5, 6, 7]);
    }

    #[test]
    fn a_long_text_is_planned_without_a_memo() {
        let long: String = (0..200).map(|i| format!("第{i}行 r 文字\n")).collect();
        assert!(long.len() > MEMO_BYTES);
        let (context, memory) = (Context::default(), PassMemory::default());
        for _ in 0..2 {
            let mut sink = EditSink::new(&long);
            StrayTokens.run(&PassInput::new(&long, &context, &memory), &mut sink);
            assert!(!sink.is_empty());
            memory.with(|memo: &mut LineMemo| {
                assert!(memo.text.is_empty() && memo.known.lines.is_empty());
            });
        }
        let short = "第一行 r 文字\n";
        StrayTokens.run(
            &PassInput::new(short, &context, &memory),
            &mut EditSink::new(short),
        );
        memory.with(|memo: &mut LineMemo| {
            assert_eq!(
                (memo.text.as_str(), memo.known.lines.len()),
                ("第一行文字\n", 2)
            );
        });
    }
}
