//! The pass as it was written on a `char` per character (one `Vec<char>` of the piece and one
//! decision slot per char): the reference that the byte-offset implementation is tested against.

use ocrtidy_core::EditSink;

use super::{
    full_of, half_of, is_line_break, is_paren_open, is_tight_punct_or_han, pieces, proper_close,
    Decision, LATIN_WINDOW, MAX_PAIR,
};
use crate::is_horizontal_space;
use crate::script::{first_visible, is_break, is_cjk_punct, is_han, is_noise, is_tight_punct};

/// Decides the marks of `text` in pieces of whole pages of about `piece_bytes`.
pub(super) fn decide(text: &str, piece_bytes: usize, sink: &mut EditSink<'_>) {
    let mut whole = Whole {
        text,
        typeset: None,
        chosen_style: None,
    };
    let mut before = None;
    for (base, piece) in pieces(text, piece_bytes) {
        run_piece(piece, base, &mut whole, &mut before, sink);
    }
}

struct Ctx<'a> {
    chars: &'a [char],
}

impl Ctx<'_> {
    fn at(&self, k: usize) -> Option<char> {
        self.chars.get(k).copied()
    }

    /// The nearest visible character before index `k` on the same page (see
    /// [`first_visible`]: line breaks, spaces and noise skipped, since the layout and noise
    /// passes may join lines and delete symbols later).
    fn prev(&self, k: usize) -> Option<char> {
        first_visible(self.chars[..k].iter().rev().copied(), true)
    }

    /// The nearest visible character after index `k` on the same page.
    fn next(&self, k: usize) -> Option<char> {
        first_visible(self.chars[k + 1..].iter().copied(), true)
    }

    /// The nearest visible character after index `k` on the same line.
    fn next_on_line(&self, k: usize) -> Option<char> {
        first_visible(self.chars[k + 1..].iter().copied(), false)
    }

    /// No Han character among the `LATIN_WINDOW` nearest visible characters on either side of
    /// index `k` on its page (spaces and line breaks do not count, so joining lines does not
    /// change the answer).
    fn latin_context(&self, k: usize) -> bool {
        let visible = |c: &char| !is_horizontal_space(*c) && !is_line_break(*c);
        let before = self.chars[..k]
            .iter()
            .rev()
            .copied()
            .take_while(|&c| c != '\u{c}')
            .filter(visible)
            .take(LATIN_WINDOW);
        let after = self.chars[k + 1..]
            .iter()
            .copied()
            .take_while(|&c| c != '\u{c}')
            .filter(visible)
            .take(LATIN_WINDOW);
        !before.chain(after).any(|c| is_han(c) && !is_noise(c))
    }
}

struct Whole<'a> {
    text: &'a str,
    /// The text reads as typeset (see [`crate::evidence`]).
    typeset: Option<bool>,
    /// The text writes full-width bracket pairs too, or half-width pairs glued to the text
    /// before them (see [`pair_brackets`]).
    chosen_style: Option<bool>,
}

impl Whole<'_> {
    fn typeset(&mut self) -> bool {
        let text = self.text;
        *self
            .typeset
            .get_or_insert_with(|| crate::evidence::is_typeset(text))
    }

    /// Whether any page has a full-width pair or a glued half-width one. The marks decided
    /// before the brackets are not brackets, spaces, breaks or Han characters, so the text as
    /// written gives the same answer as the text with those decisions.
    fn chosen_style(&mut self) -> bool {
        let text = self.text;
        *self.chosen_style.get_or_insert_with(|| {
            pieces(text, super::PIECE_BYTES).any(|(_, piece)| {
                let chars: Vec<char> = piece.chars().collect();
                find_pairs(&chars).into_iter().any(|(o, c)| {
                    (chars[o] == '（' && chars[c] == '）') || is_glued_half_pair(&chars, o, c)
                })
            })
        })
    }
}

/// Decides the marks of one piece of whole pages at byte offset `base` of the text. `before`
/// is the last character of the pieces before it that is neither a space nor a break, as
/// decided (a bracket at the start of a line looks back across breaks).
fn run_piece(
    text: &str,
    base: usize,
    whole: &mut Whole<'_>,
    before: &mut Option<char>,
    sink: &mut EditSink<'_>,
) {
    // One `char` and one byte of decision per character: byte offsets are recounted when
    // the edits are written.
    let mut eff: Vec<char> = text.chars().collect();
    // Decision for a char index.
    let mut decided: Vec<Option<Decision>> = vec![None; eff.len()];

    let ctx = Ctx { chars: &eff };
    // Whether the marks below decided anything (most texts: nothing to write into `eff`).
    let mut marked = false;
    for (k, &c) in eff.iter().enumerate() {
        // Only these marks are decided here (see `full_of`, `half_of`): the context of
        // any other character is not looked at.
        if !matches!(
            c,
            ',' | ':' | ';' | '?' | '!' | '*' | '，' | '：' | '；' | '？' | '！'
        ) {
            continue;
        }
        let prev = ctx.prev(k);
        let next = ctx.next(k);
        let after_han = prev.is_some_and(is_han);
        if full_of(c).is_some() {
            // Typeset text that sets a half-width comma right after a Han character
            // (`下, 内核`, `频率,因此`) writes it so: OCR faults would have made the text count
            // as OCR output. (Not `:` `;`: tesseract writes `处理: (1)` for `处理：（1）` on
            // its cleanest pages.)
            let styled = c == ',' && after_han && k > 0 && eff[k - 1] != ' ' && whole.typeset();
            if !styled && (after_han || (c == ';' && next.is_some_and(is_han))) {
                decided[k] = Some(Decision::CjkPunct);
                marked = true;
            }
        } else if c == '*' && after_han && ctx.next_on_line(k).is_none() {
            decided[k] = Some(Decision::AsteriskFullStop);
            marked = true;
        } else if half_of(c).is_some()
            && prev.is_some_and(|p| p.is_ascii_alphanumeric())
            && ctx.latin_context(k)
        {
            decided[k] = Some(Decision::LatinHalfwidth);
            marked = true;
        }
    }
    // Brackets are decided on the text as this pass leaves it, so that a second run
    // decides the same. (`.` and brackets are not decided above, so `eff` keeps them.)
    if marked {
        for (e, d) in eff.iter_mut().zip(&decided) {
            if let Some(d) = *d {
                *e = d.target(*e);
            }
        }
    }
    // Full stops look at the marks after them as this pass leaves them.
    let view = Ctx { chars: &eff };
    let mut stops = Vec::new();
    // (A text without a `.` has none to decide.)
    let dotted = text.as_bytes().contains(&b'.');
    for (k, &c) in eff.iter().enumerate().filter(|_| dotted) {
        if c != '.' || !view.prev(k).is_some_and(is_han) {
            continue;
        }
        let dots = view.at(k + 1) == Some('.') || k > 0 && view.at(k - 1) == Some('.');
        // Only at the end of a line: inside a line a `.` may be a dateline's
        // (`7月23日. 星期日`) or a file name's.
        let end_ok = view.next_on_line(k).is_none();
        if end_ok && !dots {
            stops.push(k);
        }
    }
    for k in stops {
        decided[k] = Some(Decision::FullStop);
        eff[k] = '。';
    }
    // Every pair is closed by `)` or `）` (see `find_pairs`), which the decisions above never
    // write: a piece without one has no pair to decide.
    if memchr::memchr(b')', text.as_bytes()).is_some() || text.contains('）') {
        pair_brackets(&mut eff, &mut decided, whole, base, *before);
    }
    if let Some(&last) = eff
        .iter()
        .rev()
        .find(|&&c| !is_horizontal_space(c) && !is_break(c))
    {
        *before = Some(last);
    }
    drop(eff);
    // Most texts need no decision: their chars are not decoded again.
    if decided.iter().all(Option::is_none) {
        return;
    }

    for ((i, c), d) in text.char_indices().zip(&decided) {
        if let Some(d) = *d {
            let to = d.target(c);
            if to != c {
                let i = base + i;
                let _ = sink.replace(
                    i..i + c.len_utf8(),
                    to.to_string(),
                    d.rule(),
                    d.confidence(),
                );
            }
        }
    }
}

/// Pairs brackets within a paragraph and decides their width. `eff` is the text with the
/// decisions made so far. Pairs are decided by their opening mark from left to right, updating
/// `eff`, so that each decision sees the final form of everything before it. When `text` is
/// typeset (see [`crate::evidence`]) and has full-width pairs too, or half-width pairs glued to
/// the text before them, a consistent pair, `(…)` or `（…）`, is the source's and stays; only
/// mismatched and misread pairs are decided.
fn pair_brackets(
    eff: &mut [char],
    decided: &mut [Option<Decision>],
    whole: &mut Whole<'_>,
    base: usize,
    before: Option<char>,
) {
    let mut pairs = find_pairs(eff);
    pairs.sort_unstable();
    // Only a text that writes full-width pairs too, or half-width pairs glued to the text
    // before them, has chosen its spaced half-width ones (`Whole::chosen_style`): tesseract's
    // Chinese model never writes `（`, and it reads the white space of a full-width `（` as a
    // space before the mark.
    for (open, k) in pairs {
        let (o, c) = (eff[open], eff[k]);
        let misread = !matches!(o, '(' | '（');
        let ctx = Ctx { chars: eff };
        let content = &eff[open + 1..k];
        let has_han = content.iter().any(|&x| is_han(x));
        // The piece before this one (see `pieces`) ends with a form feed.
        let before_mark = match open {
            0 if base > 0 => Some('\u{c}'),
            0 => None,
            _ => Some(eff[open - 1]),
        };
        let prev = ctx.prev(open);
        let full = match before_mark {
            // OCR engines set a full-width `（` off with a space (the glyph's own white space)
            // and glue a half-width `(` to the ideograph before it.
            Some(b) if is_horizontal_space(b) => prev.is_some_and(is_tight_punct) || has_han,
            Some(b) if is_break(b) => {
                prev_across_breaks(eff, open)
                    .or(before)
                    .is_some_and(is_tight_punct_or_han)
                    || has_han
            }
            None => has_han,
            Some(b) => is_cjk_punct(b),
        };
        // A full-width or misread mark around Chinese content is evidence of a full-width pair.
        let full = full || (has_han && (misread || o == '（' || c == '）'));
        let keep_as_is =
            !misread && o == '（' && c == '）' && (has_han || !ctx.latin_context(open));
        if keep_as_is {
            continue;
        }
        let (oo, cc) = if full { ('（', '）') } else { ('(', ')') };
        if (oo, cc) == (o, c) {
            continue;
        }
        let consistent = matches!((o, c), ('(', ')') | ('（', '）'));
        if consistent && whole.chosen_style() && whole.typeset() {
            continue;
        }
        decided[open] = Some(if misread {
            Decision::BracketMisread(full)
        } else {
            Decision::ParenWidth(full)
        });
        decided[k] = Some(Decision::ParenWidth(full));
        eff[open] = oo;
        eff[k] = cc;
    }
}

/// A half-width pair around Chinese content whose `(` is glued to the character before it
/// (`“飞线”(默认值)`, `开发版(而不是发布版)`): the source writes half-width pairs.
fn is_glued_half_pair(chars: &[char], open: usize, close: usize) -> bool {
    open > 0
        && (chars[open], chars[close]) == ('(', ')')
        && !is_horizontal_space(chars[open - 1])
        && !is_break(chars[open - 1])
        && chars[open + 1..close].iter().any(|&x| is_han(x))
}

/// The nearest non-space character before index `k`, across line breaks.
fn prev_across_breaks(chars: &[char], k: usize) -> Option<char> {
    chars[..k]
        .iter()
        .rev()
        .copied()
        .find(|&c| !is_horizontal_space(c) && !is_break(c))
}

/// The bracket pairs `(open, close)` closed by `)` or `）` within a paragraph and at most
/// `MAX_PAIR` characters apart. A misread opener (`〈《【〔`) counts only when its own closing
/// mark does not come first.
fn find_pairs(chars: &[char]) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    for k in 0..chars.len() {
        let c = chars[k];
        // Every mark looked at below is below U+3016 or above U+FF07: ideographs are passed
        // over with one test.
        if ('\u{3016}'..='\u{ff07}').contains(&c) {
            continue;
        }
        // A page break ends the search (OCR engines put blank lines inside paragraphs).
        if c == '\u{c}' {
            stack.clear();
            continue;
        }
        if is_paren_open(c) {
            stack.push(k);
            continue;
        }
        if matches!(c, '〉' | '》' | '】' | '〕') {
            if let Some(&top) = stack.last() {
                if proper_close(chars[top]) == c {
                    stack.pop();
                }
            }
            continue;
        }
        if !matches!(c, ')' | '）') {
            continue;
        }
        let Some(open) = stack.pop() else { continue };
        if k - open > MAX_PAIR {
            continue;
        }
        let o = chars[open];
        let misread = !matches!(o, '(' | '（');
        if misread && chars[open + 1..k].contains(&proper_close(o)) {
            continue;
        }
        pairs.push((open, k));
    }
    pairs
}
