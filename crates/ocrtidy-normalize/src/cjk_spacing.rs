use ocrtidy_core::{EditSink, Pass, PassId, PassInput};

use crate::is_horizontal_space;
use crate::script::{is_cjk_letter, is_tight_punct, lines};

/// Spaces inside Chinese text.
///
/// OCR engines insert spaces between ideographs and around full-width punctuation (tesseract:
/// `安装主服务器后 ， 证时`); Chinese writing has none there. But Chinese text also has
/// deliberate spaces, which must stay: around an embedded Latin word or number (`使用 apt 命令`),
/// and the single spaces of journalism (`本报讯（记者 杨文）`, a headline's
/// `以快制快 高效处置局部疫情`, a caption's `张慧 摄`, a dateline's `9月6日 星期二`). The pass
/// decides from evidence on the line:
///
/// - Spaces before or after full-width clause and bracket punctuation (`，。、；：？！（）《》【】`…)
///   are removed (rule `space-around-punct`). Indentation at the start of a line and spaces at
///   its end are left to the layout passes and `trailing-space`.
/// - A gap between two CJK characters inside a short bracket group (content of at most 12
///   characters, as in `（记者 杨文）`) is kept.
/// - Every other gap between two CJK characters is removed (rule `space-between-han`) when the
///   gap is two or more spaces, when the line has more than 16 CJK characters (running text, where
///   a deliberate space is very rare and OCR spaces are frequent), or when it has three or more
///   such gaps. A short line with one or two single gaps is a headline, byline, caption or
///   dateline: its gaps are kept.
/// - A run of two or more spaces between a CJK character and a Latin letter or digit becomes one
///   space (rule `collapse-space`): the source's single space is evidence enough of intent, the
///   extra ones are OCR's.
///
/// Rules: `space-around-punct`, `space-between-han`, `collapse-space`.
#[derive(Debug, Default, Clone)]
pub struct CjkSpacing;

/// Lines with more CJK characters than this are running text.
const SHORT_LINE: usize = 16;
/// Bracket groups with at most this many characters are bylines and notes.
const SHORT_GROUP: usize = 12;
/// A short line with this many gaps or more is spaced by OCR.
const MANY_GAPS: usize = 3;

/// A run of horizontal space inside a line, with its neighbours.
struct Gap {
    start: usize,
    end: usize,
    before: char,
    after: char,
    /// Character index of the gap within its line.
    at: usize,
}

impl Pass for CjkSpacing {
    fn id(&self) -> PassId {
        PassId::CjkSpacing
    }

    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        for (base, line) in lines(input.text) {
            fix_line(base, line, sink);
        }
    }
}

fn fix_line(base: usize, line: &str, sink: &mut EditSink<'_>) {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut gaps = Vec::new();
    let mut k = 0;
    while k < chars.len() {
        if !is_horizontal_space(chars[k].1) {
            k += 1;
            continue;
        }
        let s = k;
        while k < chars.len() && is_horizontal_space(chars[k].1) {
            k += 1;
        }
        if s == 0 || k == chars.len() {
            continue; // indentation or trailing space
        }
        gaps.push(Gap {
            start: chars[s].0,
            end: chars[k].0,
            before: chars[s - 1].1,
            after: chars[k].1,
            at: s,
        });
    }
    if gaps.is_empty() {
        return;
    }
    let groups = short_groups(&chars);
    let in_group = |at: usize| groups.iter().any(|&(o, c)| o < at && at < c);
    let cjk_count = chars.iter().filter(|x| is_cjk_letter(x.1)).count();
    let han_gap = |g: &Gap| is_cjk_letter(g.before) && is_cjk_letter(g.after);
    let counted = gaps
        .iter()
        .filter(|g| han_gap(g) && !in_group(g.at))
        .count();
    let spaced_by_ocr = cjk_count > SHORT_LINE || counted >= MANY_GAPS;
    for g in &gaps {
        let text = &line[g.start..g.end];
        let single = text.chars().count() == 1;
        let range = base + g.start..base + g.end;
        if is_tight_punct(g.before) || is_tight_punct(g.after) {
            let _ = sink.delete(range, "space-around-punct", 0.95);
        } else if han_gap(g) {
            if !in_group(g.at) && (spaced_by_ocr || !single) {
                let _ = sink.delete(range, "space-between-han", 0.9);
            }
        } else if !single
            && ((is_cjk_letter(g.before) && g.after.is_ascii_alphanumeric())
                || (g.before.is_ascii_alphanumeric() && is_cjk_letter(g.after)))
        {
            let _ = sink.replace(range, " ", "collapse-space", 0.9);
        }
    }
}

/// Character-index spans `(open, close)` of short bracket groups on a line.
fn short_groups(chars: &[(usize, char)]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    for (k, &(_, c)) in chars.iter().enumerate() {
        match c {
            '（' | '(' | '【' | '〔' => open = Some(k),
            '）' | ')' | '】' | '〕' => {
                if let Some(o) = open.take() {
                    if k - o - 1 <= SHORT_GROUP {
                        out.push((o, k));
                    }
                }
            }
            _ => {}
        }
    }
    out
}
