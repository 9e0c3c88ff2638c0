//! Splitting a changed stretch into diff tokens: one token per CJK character (and per other
//! whitespace or other non-alphanumeric character), one per run of Latin letters/digits.

use ocrtidy_core::text::chars::is_cjk_letter;
use ocrtidy_eval::align::{align, Op};

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk_letter(c)
}

/// Byte ranges of the tokens of `s`.
pub(crate) fn tokens(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let mut end = i + c.len_utf8();
        let class = |c: char| {
            if c.is_whitespace() {
                0
            } else if is_word_char(c) {
                2
            } else {
                0
            }
        };
        let k = class(c);
        if k != 0 {
            while let Some(&(j, d)) = it.peek() {
                if class(d) != k {
                    break;
                }
                end = j + d.len_utf8();
                it.next();
            }
        }
        out.push((i, end));
    }
    out
}

/// A piece of a refined change: text common to both sides, or text only in `before`/`after`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Piece<'a> {
    Same(&'a str),
    Del(&'a str),
    Ins(&'a str),
}

/// Refines a change `before → after` into token-level pieces (deletions before insertions in
/// each changed run).
pub(crate) fn refine<'a>(before: &'a str, after: &'a str) -> Vec<Piece<'a>> {
    let (tb, ta) = (tokens(before), tokens(after));
    // Very long changes are shown whole: token alignment there helps nobody.
    if tb.len().saturating_mul(ta.len()) > 4_000_000 {
        return vec![Piece::Del(before), Piece::Ins(after)];
    }
    let mut table = std::collections::HashMap::new();
    let mut sym = |s: &'a str| {
        let n = table.len() as u32;
        *table.entry(s).or_insert(n)
    };
    let sb: Vec<u32> = tb.iter().map(|&(a, b)| sym(&before[a..b])).collect();
    let sa: Vec<u32> = ta.iter().map(|&(a, b)| sym(&after[a..b])).collect();
    let mut pieces = Vec::new();
    let (mut i, mut j) = (0, 0);
    let mut del: Option<(usize, usize)> = None;
    let mut ins: Option<(usize, usize)> = None;
    let flush = |pieces: &mut Vec<Piece<'a>>,
                 del: &mut Option<(usize, usize)>,
                 ins: &mut Option<(usize, usize)>| {
        if let Some((a, b)) = del.take() {
            pieces.push(Piece::Del(&before[a..b]));
        }
        if let Some((a, b)) = ins.take() {
            pieces.push(Piece::Ins(&after[a..b]));
        }
    };
    let extend = |r: &mut Option<(usize, usize)>, span: (usize, usize)| {
        *r = Some(match *r {
            Some((a, _)) => (a, span.1),
            None => span,
        });
    };
    for op in align(&sb, &sa) {
        match op {
            Op::Equal => {
                flush(&mut pieces, &mut del, &mut ins);
                let (a, b) = tb[i];
                pieces.push(Piece::Same(&before[a..b]));
                i += 1;
                j += 1;
            }
            Op::Replace => {
                extend(&mut del, tb[i]);
                extend(&mut ins, ta[j]);
                i += 1;
                j += 1;
            }
            Op::Delete => {
                extend(&mut del, tb[i]);
                i += 1;
            }
            Op::Insert => {
                extend(&mut ins, ta[j]);
                j += 1;
            }
        }
    }
    flush(&mut pieces, &mut del, &mut ins);
    // Merge neighbouring Same pieces.
    let mut merged: Vec<Piece<'a>> = Vec::with_capacity(pieces.len());
    for p in pieces {
        if let (Some(Piece::Same(prev)), Piece::Same(cur)) = (merged.last(), &p) {
            let start = prev.as_ptr() as usize - before.as_ptr() as usize;
            let end = cur.as_ptr() as usize - before.as_ptr() as usize + cur.len();
            let joined = &before[start..end];
            merged.pop();
            merged.push(Piece::Same(joined));
        } else {
            merged.push(p);
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_is_refined_by_character_latin_by_word() {
        use Piece::*;
        assert_eq!(
            refine("使用 apt 命令", "使用apt命令"),
            vec![Same("使用"), Del(" "), Same("apt"), Del(" "), Same("命令")]
        );
        assert_eq!(
            refine("the quick brwn fox", "the quick brown fox"),
            vec![Same("the quick "), Del("brwn"), Ins("brown"), Same(" fox")]
        );
        assert_eq!(
            refine("a  \r\n", "a\n"),
            vec![Same("a"), Del("  \r"), Same("\n")]
        );
        assert_eq!(
            refine("己经", "已经"),
            vec![Del("己"), Ins("已"), Same("经")]
        );
        assert_eq!(refine("", "，"), vec![Ins("，")]);
    }
}
