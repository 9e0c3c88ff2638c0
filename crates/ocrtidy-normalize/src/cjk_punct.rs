use ocrtidy_core::{EditSink, Pass, PassId, PassInput};

use crate::is_horizontal_space;
use crate::script::{first_visible, is_break, is_cjk_punct, is_han, is_noise, is_tight_punct};

/// Punctuation width by script context, and bracket misreads.
///
/// Chinese prose takes full-width punctuation, Latin text and technical tokens half-width. OCR
/// engines mix them up (tesseract's Chinese model emits `,` `:` `;` `(` after ideographs), so
/// the pass decides each mark from its neighbours on the same line (spaces skipped):
///
/// - `,` `:` `?` `!` right after a Han character become `，` `：` `？` `！`; `;` also when a Han
///   character follows it (rule `cjk-punct`). After a digit or a Latin letter nothing changes,
///   so numbers (`3.5`, `1,000`), times (`9:00`), URLs, e-mail addresses, file names and code
///   keep their marks — none of them has an ideograph right before the mark.
/// - `.` right after a Han character at the end of a line becomes `。` (rule `full-stop`); inside
///   a line it is left alone (a dateline's `7月23日. 星期日`, a file name); `..` and `...` too.
/// - `*` after a Han character at the end of a line is tesseract's reading of `。` (rule
///   `asterisk-full-stop`, confidence 0.6): on the development corpus 36 of 39 such marks are
///   a full stop in the ground truth.
/// - Parentheses are decided as a pair (same page, at most 80 characters apart, blank lines
///   allowed: OCR engines break paragraphs into blocks). The evidence is the OCR engine's
///   spacing: the white space inside a full-width `（` glyph comes out as a space before it, while
///   a half-width `(` is read glued to the ideograph before it. So a pair set off by a space
///   (or starting a line) becomes `（…）` when its content has a Han character or it follows
///   CJK punctuation; Latin content after a space stays as it is (`本地 (Squid) 贮存`,
///   `Debian 11 (bullseye)`); a pair glued to a Han character stays as it is
///   (`ls(1)`, `名称(无域名)`), except that a pair that already has one full-width or misread
///   mark and Chinese content is made whole (`(无域名）` → `（无域名）`). Directly after CJK
///   punctuation a pair is full-width; in Latin text a full-width pair becomes `(…)` (rule
///   `paren-width`). On the development corpus (tesseract, Chinese) this spacing evidence picks
///   the ground truth's width about twice as often as not.
/// - But spacing is evidence only of OCR: in typeset text (see [`crate::evidence`]: no more
///   punctuation faults than born-digital Chinese has) that writes full-width pairs too, a
///   consistent pair `(…)` or `（…）` is the source's choice and stays, however it is spaced
///   (`原理图 (或网表) 的`, `版本 11（bullseye）`); there only a mismatched pair (`(无域名）`) or
///   a misread mark is decided. Text without any full-width pair gives no such evidence
///   (tesseract's Chinese model never writes `（`), so the spacing rules apply to it. On the
///   corpus' ground truth this leaves 18 `paren-width` changes of 146, most of them mismatched
///   pairs of the source, and tesseract's CER is unchanged.
/// - An opening `〈` `《` `【` `〔` closed by `)` or `）` is an OCR misread of `（` (rule
///   `bracket-misread`); `《书名》` is left alone.
/// - In Latin text (no Han character among the 8 nearest visible characters on either side) `，：；？！` after a
///   letter or digit become half-width (rule `latin-halfwidth`).
///
/// Rules: `cjk-punct`, `full-stop`, `asterisk-full-stop`, `paren-width`, `bracket-misread`,
/// `latin-halfwidth`.
#[derive(Debug, Default, Clone)]
pub struct CjkPunct;

/// Largest distance in characters between the two marks of a bracket pair.
const MAX_PAIR: usize = 80;
/// Characters looked at on each side to decide that a mark sits in Latin text.
const LATIN_WINDOW: usize = 8;

fn full_of(c: char) -> Option<char> {
    Some(match c {
        ',' => '，',
        ':' => '：',
        ';' => '；',
        '?' => '？',
        '!' => '！',
        _ => return None,
    })
}

fn half_of(c: char) -> Option<char> {
    Some(match c {
        '，' => ',',
        '：' => ':',
        '；' => ';',
        '？' => '?',
        '！' => '!',
        _ => return None,
    })
}

struct Ctx<'a> {
    chars: &'a [(usize, char)],
}

impl Ctx<'_> {
    fn at(&self, k: usize) -> Option<char> {
        self.chars.get(k).map(|x| x.1)
    }

    /// The nearest visible character before index `k` on the same page (see
    /// [`first_visible`]: line breaks, spaces and noise skipped, since the layout and noise
    /// passes may join lines and delete symbols later).
    fn prev(&self, k: usize) -> Option<char> {
        first_visible(self.chars[..k].iter().rev().map(|x| x.1), true)
    }

    /// The nearest visible character after index `k` on the same page.
    fn next(&self, k: usize) -> Option<char> {
        first_visible(self.chars[k + 1..].iter().map(|x| x.1), true)
    }

    /// The nearest visible character after index `k` on the same line.
    fn next_on_line(&self, k: usize) -> Option<char> {
        first_visible(self.chars[k + 1..].iter().map(|x| x.1), false)
    }

    /// No Han character among the `LATIN_WINDOW` nearest visible characters on either side of
    /// index `k` on its page (spaces and line breaks do not count, so joining lines does not
    /// change the answer).
    fn latin_context(&self, k: usize) -> bool {
        let visible = |c: &char| !is_horizontal_space(*c) && !is_line_break(*c);
        let before = self.chars[..k]
            .iter()
            .rev()
            .map(|x| x.1)
            .take_while(|&c| c != '\u{c}')
            .filter(visible)
            .take(LATIN_WINDOW);
        let after = self.chars[k + 1..]
            .iter()
            .map(|x| x.1)
            .take_while(|&c| c != '\u{c}')
            .filter(visible)
            .take(LATIN_WINDOW);
        !before.chain(after).any(|c| is_han(c) && !is_noise(c))
    }
}

fn is_line_break(c: char) -> bool {
    matches!(c, '\n' | '\r')
}

fn is_paren_open(c: char) -> bool {
    matches!(c, '(' | '（' | '〈' | '《' | '【' | '〔')
}

fn proper_close(c: char) -> char {
    match c {
        '〈' => '〉',
        '《' => '》',
        '【' => '】',
        '〔' => '〕',
        _ => '）',
    }
}

impl Pass for CjkPunct {
    fn id(&self) -> PassId {
        PassId::CjkPunct
    }

    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        let text = input.text;
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let ctx = Ctx { chars: &chars };
        // Replacement decided for a char index, with its rule.
        let mut decided: Vec<Option<(char, &'static str)>> = vec![None; chars.len()];

        for (k, &(_, c)) in chars.iter().enumerate() {
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
            if let Some(f) = full_of(c) {
                if after_han || (c == ';' && next.is_some_and(is_han)) {
                    decided[k] = Some((f, "cjk-punct"));
                }
            } else if c == '*' && after_han && ctx.next_on_line(k).is_none() {
                decided[k] = Some(('。', "asterisk-full-stop"));
            } else if let Some(h) = half_of(c) {
                if prev.is_some_and(|p| p.is_ascii_alphanumeric()) && ctx.latin_context(k) {
                    decided[k] = Some((h, "latin-halfwidth"));
                }
            }
        }
        // Brackets are decided on the text as this pass leaves it, so that a second run
        // decides the same.
        let mut eff: Vec<(usize, char)> = chars
            .iter()
            .zip(&decided)
            .map(|(&(i, c), d)| (i, d.map_or(c, |d| d.0)))
            .collect();
        // Full stops look at the marks after them as this pass leaves them.
        let view = Ctx { chars: &eff };
        for (k, &(_, c)) in chars.iter().enumerate() {
            if c != '.' || !view.prev(k).is_some_and(is_han) {
                continue;
            }
            let dots = view.at(k + 1) == Some('.') || k > 0 && view.at(k - 1) == Some('.');
            // Only at the end of a line: inside a line a `.` may be a dateline's
            // (`7月23日. 星期日`) or a file name's.
            let end_ok = view.next_on_line(k).is_none();
            if end_ok && !dots {
                decided[k] = Some(('。', "full-stop"));
            }
        }
        for (k, d) in decided.iter().enumerate() {
            if let Some((to, _)) = *d {
                eff[k].1 = to;
            }
        }
        pair_brackets(&mut eff, &mut decided, text);

        for (k, d) in decided.iter().enumerate() {
            if let Some((to, rule)) = *d {
                let (i, c) = chars[k];
                if to != c {
                    let conf = match rule {
                        "bracket-misread" => 0.8,
                        "asterisk-full-stop" => 0.6,
                        _ => 0.9,
                    };
                    let _ = sink.replace(i..i + c.len_utf8(), to.to_string(), rule, conf);
                }
            }
        }
    }
}

/// Pairs brackets within a paragraph and decides their width. `eff` is the text with the
/// decisions made so far. Pairs are decided by their opening mark from left to right, updating
/// `eff`, so that each decision sees the final form of everything before it. When `text` is
/// typeset (see [`crate::evidence`]) and has full-width pairs too, a consistent pair, `(…)` or
/// `（…）`, is the source's and stays; only mismatched and misread pairs are decided.
fn pair_brackets(
    eff: &mut [(usize, char)],
    decided: &mut [Option<(char, &'static str)>],
    text: &str,
) {
    let mut pairs = find_pairs(eff);
    pairs.sort_unstable();
    // Only a text that writes full-width pairs too has chosen its half-width ones (tesseract's
    // Chinese model never writes `（`).
    let has_full = pairs
        .iter()
        .any(|&(o, c)| eff[o].1 == '（' && eff[c].1 == '）');
    // The verdict on the text, counted when a consistent pair would change.
    let mut typeset: Option<bool> = None;
    for (open, k) in pairs {
        let (o, c) = (eff[open].1, eff[k].1);
        let misread = !matches!(o, '(' | '（');
        let ctx = Ctx { chars: eff };
        let content = &eff[open + 1..k];
        let has_han = content.iter().any(|x| is_han(x.1));
        let before = if open == 0 {
            None
        } else {
            Some(eff[open - 1].1)
        };
        let prev = ctx.prev(open);
        let full = match before {
            // OCR engines set a full-width `（` off with a space (the glyph's own white space)
            // and glue a half-width `(` to the ideograph before it.
            Some(b) if is_horizontal_space(b) => prev.is_some_and(is_tight_punct) || has_han,
            Some(b) if is_break(b) => {
                prev_across_breaks(eff, open).is_some_and(is_tight_punct_or_han) || has_han
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
        if consistent
            && has_full
            && *typeset.get_or_insert_with(|| crate::evidence::is_typeset(text))
        {
            continue;
        }
        let rule = if misread {
            "bracket-misread"
        } else {
            "paren-width"
        };
        decided[open] = Some((oo, rule));
        decided[k] = Some((cc, "paren-width"));
        eff[open].1 = oo;
        eff[k].1 = cc;
    }
}

fn is_tight_punct_or_han(c: char) -> bool {
    is_han(c) || is_tight_punct(c)
}

/// The nearest non-space character before index `k`, across line breaks.
fn prev_across_breaks(chars: &[(usize, char)], k: usize) -> Option<char> {
    chars[..k]
        .iter()
        .rev()
        .map(|x| x.1)
        .find(|&c| !is_horizontal_space(c) && !is_break(c))
}

/// The bracket pairs `(open, close)` closed by `)` or `）` within a paragraph and at most
/// `MAX_PAIR` characters apart. A misread opener (`〈《【〔`) counts only when its own closing
/// mark does not come first.
fn find_pairs(chars: &[(usize, char)]) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    for k in 0..chars.len() {
        let c = chars[k].1;
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
                if proper_close(chars[top].1) == c {
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
        let o = chars[open].1;
        let misread = !matches!(o, '(' | '（');
        if misread && chars[open + 1..k].iter().any(|x| x.1 == proper_close(o)) {
            continue;
        }
        pairs.push((open, k));
    }
    pairs
}
