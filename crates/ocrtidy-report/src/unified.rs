//! A line-based unified diff of one document, built from the ledger's spans (not a re-diff):
//! each applied change covers the lines of its original span and of its output span; changes
//! on the same or touching lines form one block, and blocks closer than twice the context
//! form one hunk. The result applies with `patch -p1` and reads in code review tools.

use crate::Document;

/// Lines of context around each block, as `diff -u`.
pub const CONTEXT: usize = 3;

/// Line starts of `s` (byte offsets); a final line without `\n` counts, an empty tail does not.
fn line_starts(s: &str) -> Vec<usize> {
    let mut v = vec![0];
    v.extend(s.match_indices('\n').map(|(i, _)| i + 1));
    if v.last() == Some(&s.len()) {
        v.pop();
    }
    v
}

/// The line holding byte `pos`; the end of a text that ends with `\n` (or is empty) is the
/// start of a virtual line after the last one.
fn line_of(s: &str, starts: &[usize], pos: usize) -> usize {
    if pos >= s.len() && (s.is_empty() || s.ends_with('\n')) {
        return starts.len();
    }
    starts.partition_point(|&st| st <= pos).saturating_sub(1)
}

/// The lines `[a, b)` of `s`.
fn lines<'s>(
    s: &'s str,
    starts: &'s [usize],
    a: usize,
    b: usize,
) -> impl Iterator<Item = &'s str> + 's {
    (a..b).map(move |k| {
        let end = starts.get(k + 1).copied().unwrap_or(s.len());
        &s[starts[k]..end]
    })
}

struct Block {
    old: (usize, usize),
    new: (usize, usize),
}

/// Renders the unified diff of `doc` with `a/NAME` and `b/NAME` headers; empty when no change
/// was applied.
pub fn render(doc: &Document<'_>) -> String {
    let (orig, out) = (doc.original, doc.output);
    let (os, ns) = (line_starts(orig), line_starts(out));
    let mut applied: Vec<_> = doc
        .changes
        .iter()
        .filter(|c| {
            c.applied
                && orig.get(c.start..c.end).is_some()
                && out.get(c.out_start..c.out_end).is_some()
        })
        .collect();
    applied.sort_by_key(|c| (c.start, c.end));
    let mut blocks: Vec<Block> = Vec::new();
    for c in applied {
        let old = (
            line_of(orig, &os, c.start),
            (line_of(orig, &os, c.end) + 1).min(os.len()),
        );
        let new = (
            line_of(out, &ns, c.out_start),
            (line_of(out, &ns, c.out_end) + 1).min(ns.len()),
        );
        match blocks.last_mut() {
            Some(b) if old.0 < b.old.1 || new.0 < b.new.1 => {
                b.old.1 = b.old.1.max(old.1);
                b.new.1 = b.new.1.max(new.1);
            }
            _ => blocks.push(Block { old, new }),
        }
    }
    if blocks.is_empty() {
        return String::new();
    }
    let mut s = format!("--- a/{}\n+++ b/{}\n", doc.name, doc.name);
    let mut i = 0;
    while i < blocks.len() {
        let mut j = i;
        while j + 1 < blocks.len() && blocks[j + 1].old.0 - blocks[j].old.1 <= 2 * CONTEXT {
            j += 1;
        }
        let old_a = blocks[i].old.0.saturating_sub(CONTEXT);
        let new_a = blocks[i].new.0 - (blocks[i].old.0 - old_a);
        let old_b = (blocks[j].old.1 + CONTEXT).min(os.len());
        let new_b = blocks[j].new.1 + (old_b - blocks[j].old.1);
        let header = |a: usize, b: usize| {
            let n = b - a;
            let start = if n == 0 { a } else { a + 1 };
            if n == 1 {
                format!("{start}")
            } else {
                format!("{start},{n}")
            }
        };
        s.push_str(&format!(
            "@@ -{} +{} @@\n",
            header(old_a, old_b),
            header(new_a, new_b)
        ));
        let mut push = |prefix: char, line: &str| {
            s.push(prefix);
            s.push_str(line);
            if !line.ends_with('\n') {
                s.push_str("\n\\ No newline at end of file\n");
            }
        };
        let mut old_pos = old_a;
        for b in &blocks[i..=j] {
            for l in lines(orig, &os, old_pos, b.old.0) {
                push(' ', l);
            }
            for l in lines(orig, &os, b.old.0, b.old.1) {
                push('-', l);
            }
            for l in lines(out, &ns, b.new.0, b.new.1) {
                push('+', l);
            }
            old_pos = b.old.1;
        }
        for l in lines(orig, &os, old_pos, old_b) {
            push(' ', l);
        }
        i = j + 1;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use ocrtidy_core::{Change, PassId};

    fn applied(original: &str, start: usize, end: usize, after: &str, out_start: usize) -> Change {
        Change {
            pass: PassId::TrailingSpace,
            rule: "trailing-space/line-end",
            start,
            end,
            char_start: 0,
            char_end: 0,
            before: original[start..end].into(),
            after: after.into(),
            confidence: 1.0,
            applied: true,
            candidates: vec![],
            out_start,
            out_end: out_start + after.len(),
            history: vec![],
        }
    }

    #[test]
    fn one_hunk_with_context() {
        let original = "一\n二\n三  \n四\n五\n六\n七\n八\n";
        let output = "一\n二\n三\n四\n五\n六\n七\n八\n";
        let c = [applied(original, 11, 13, "", 11)];
        let doc = Document {
            name: "p.txt",
            original,
            output,
            changes: &c,
        };
        assert_eq!(
            render(&doc),
            "--- a/p.txt\n+++ b/p.txt\n@@ -1,6 +1,6 @@\n 一\n 二\n-三  \n+三\n 四\n 五\n 六\n"
        );
    }

    #[test]
    fn missing_final_newline_and_no_changes() {
        let original = "第一段\r\n";
        let output = "第一段";
        let c = [applied(original, 9, 11, "", 9)];
        let doc = Document {
            name: "x",
            original,
            output,
            changes: &c,
        };
        assert_eq!(
            render(&doc),
            "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-第一段\r\n+第一段\n\\ No newline at end of file\n"
        );
        let doc = Document {
            name: "x",
            original: "好",
            output: "好",
            changes: &[],
        };
        assert_eq!(render(&doc), "");
    }
}
