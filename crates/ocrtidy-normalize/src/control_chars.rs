use ocrtidy_core::{EditSink, Pass, PassId, PassInput, PassKind, PassSpec, RuleSpec};

/// Removes NUL and the other C0/C1 control characters that OCR engines and PDF extractors leak
/// into text. Tab, line feed, carriage return and form feed are kept (the form feed separates
/// pages), and so is NEL (U+0085), which the `newlines` pass turns into a line feed. A vertical
/// tab is a line break in word-processor exports and becomes `\n`.
///
/// Each run of removed characters is one change.
///
/// Rules: `nul` (a run containing NUL), `control-char`, `vertical-tab`.
#[derive(Debug, Default, Clone)]
pub struct ControlChars;

/// A control character this pass removes (the pass finds them by their bytes; this is the
/// definition its tests read them against).
#[cfg(test)]
fn is_removed(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}' | '\u{b}' | '\u{85}'))
        || c == '\u{7f}'
}

/// Whether `bytes` may hold a character this pass changes, on the bytes alone: a C0 control
/// other than tab, LF, CR and FF (the vertical tab included), DEL, or a lead byte `C2` (C1
/// controls are `C2 80`..`C2 9F`; other characters start with it too).
fn may_hold_control(bytes: &[u8]) -> bool {
    // Whole blocks folded without a branch per byte (the compiler vectorises the fold).
    bytes.chunks(BLOCK).any(|block| {
        block.iter().fold(false, |hit, &b| {
            hit | ((b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
                || b == 0x7f
                || b == 0xc2)
        })
    })
}

impl ControlChars {
    /// The pass's declaration: id, summary, flags and every rule it may record.
    pub const SPEC: PassSpec = PassSpec {
        id: PassId::ControlChars,
        summary: "NUL and other control characters removed (tab, LF, CR, FF kept)",
        kind: PassKind::Character,
        removes_text: false,
        rerun: true,
        local: false,
        written_back: true,
        rules: &[
            RuleSpec {
                id: "nul",
                explain: "A run of control characters that contains at least one NUL (U+0000) is deleted as one change; PDF extractors and some OCR engines leak NULs into text. Always applied (confidence 1.0). Tab, line feed, carriage return, form feed (the page separator), vertical tab and NEL (U+0085) are never part of the run.",
            },
            RuleSpec {
                id: "control-char",
                explain: "A run of other control characters without a NUL (C0 controls such as U+0001–U+0008 or U+001B, DEL U+007F, C1 controls U+0080–U+009F) is deleted as one change. Always applied (confidence 1.0). Tab, line feed, carriage return and form feed are kept, NEL (U+0085) is left for the newlines pass, and a vertical tab is handled by `vertical-tab`.",
            },
            RuleSpec {
                id: "vertical-tab",
                explain: "A vertical tab (U+000B), which word-processor exports use as a manual line break, becomes a line feed: `line one` VT `line two` → `line one\\nline two`. Always applied, with confidence 0.9 (it is a guess that the character meant a line break). Nothing else is touched by this rule.",
            },
        ],
    };
}

impl Pass for ControlChars {
    fn spec(&self) -> &'static PassSpec {
        &Self::SPEC
    }

    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        let text = input.text;
        if !may_hold_control(text.as_bytes()) {
            return;
        }
        // The changed characters are found by their bytes: C0 controls and DEL are one ASCII
        // byte, C1 controls are `C2 80`..`C2 9F`, and no other byte of a character (lead or
        // continuation) is in those ranges. Only the blocks of 256 bytes where
        // `may_hold_control` sees such a byte are read (a `·`, `C2 B7`, in a Chinese text is
        // one), byte by byte; a character or run that crosses into the next block is followed.
        let bytes = text.as_bytes();
        // The run of removed characters being read: start, end, and whether it holds a NUL.
        let mut run: Option<(usize, usize, bool)> = None;
        let mut i = 0;
        for (k, block) in bytes.chunks(BLOCK).enumerate() {
            let end = (k + 1) * BLOCK;
            if i >= end || !may_hold_control(block) {
                continue;
            }
            i = i.max(k * BLOCK);
            while i < end.min(bytes.len()) {
                let b = bytes[i];
                let (len, removed) = match b {
                    b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => (1, false),
                    0x00..=0x1f | 0x7f => (1, true),
                    // U+0085 (NEL) is left for the newlines pass.
                    0xc2 if matches!(bytes.get(i + 1), Some(0x80..=0x84 | 0x86..=0x9f)) => {
                        (2, true)
                    }
                    _ => {
                        i += 1;
                        continue;
                    }
                };
                if removed {
                    match &mut run {
                        Some((_, e, nul)) if *e == i => {
                            *e = i + len;
                            *nul |= b == 0;
                        }
                        _ => {
                            if let Some((s, e, nul)) = run.take() {
                                delete_run(sink, s, e, nul);
                            }
                            run = Some((i, i + len, b == 0));
                        }
                    }
                } else if b == 0x0b {
                    if let Some((s, e, nul)) = run.take() {
                        delete_run(sink, s, e, nul);
                    }
                    let _ = sink.replace(i..i + 1, "\n", "vertical-tab", 0.9);
                }
                i += len;
            }
        }
        if let Some((s, e, nul)) = run {
            delete_run(sink, s, e, nul);
        }
    }
}

/// The blocks of bytes that [`may_hold_control`] looks at in one go.
const BLOCK: usize = 256;

/// Deletes a run of removed characters, named after whether it holds a NUL.
fn delete_run(sink: &mut EditSink<'_>, start: usize, end: usize, nul: bool) {
    let _ = sink.delete(start..end, if nul { "nul" } else { "control-char" }, 1.0);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pass as it read a text char by char before it read bytes: the tests' reference.
    struct ByChars;

    impl Pass for ByChars {
        fn spec(&self) -> &'static PassSpec {
            &ControlChars::SPEC
        }

        fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
            let text = input.text;
            let mut run: Option<(usize, bool)> = None;
            for (i, c) in text.char_indices() {
                if is_removed(c) {
                    let r = run.get_or_insert((i, false));
                    r.1 |= c == '\0';
                    continue;
                }
                if let Some((s, nul)) = run.take() {
                    delete_run(sink, s, i, nul);
                }
                if c == '\u{b}' {
                    let _ = sink.replace(i..i + 1, "\n", "vertical-tab", 0.9);
                }
            }
            if let Some((s, nul)) = run {
                delete_run(sink, s, text.len(), nul);
            }
        }
    }

    /// The text and the changes of a run of `pass` alone on `text`.
    fn cleaned(pass: Box<dyn Pass>, text: &str) -> (String, Vec<(usize, usize, &'static str)>) {
        let out =
            ocrtidy_core::Runner::new(vec![pass]).run(text, &ocrtidy_core::Context::default());
        let changes = out
            .changes
            .iter()
            .map(|c| (c.start, c.end, c.rule))
            .collect();
        (out.text, changes)
    }

    /// Characters around the classes' edges.
    const ATOMS: [char; 21] = [
        '\0', '\u{1}', '\t', '\n', '\u{b}', '\u{c}', '\r', '\u{1f}', ' ', 'a', '\u{7f}', '\u{80}',
        '\u{84}', '\u{85}', '\u{86}', '\u{9f}', '\u{a0}', '·', 'é', '中', '😀',
    ];

    #[test]
    fn the_bytes_are_read_as_the_chars() {
        // Every text of up to three of them.
        let mut texts = vec![String::new()];
        for _ in 0..3 {
            let longer: Vec<String> = texts
                .iter()
                .flat_map(|t| ATOMS.iter().map(move |&c| format!("{t}{c}")))
                .collect();
            texts.extend(longer);
        }
        for text in &texts {
            let pass = cleaned(Box::new(ControlChars), text);
            assert_eq!(pass, cleaned(Box::new(ByChars), text), "{text:?}");
        }
    }

    #[test]
    fn the_bytes_are_read_as_the_chars_across_blocks() {
        // Long texts of mostly plain characters: runs and two-byte controls cross the blocks'
        // edges, and most blocks hold nothing to change.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..500 {
            let mut text = String::new();
            while text.len() < 3 * BLOCK {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let r = (state >> 33) as usize;
                text.push(if r % 8 == 0 {
                    ATOMS[r / 8 % ATOMS.len()]
                } else {
                    '中'
                });
            }
            let pass = cleaned(Box::new(ControlChars), &text);
            assert_eq!(pass, cleaned(Box::new(ByChars), &text), "{text:?}");
        }
    }

    #[test]
    fn every_changed_char_is_seen_on_the_bytes() {
        for c in (0..0x800).filter_map(char::from_u32) {
            if is_removed(c) || c == '\u{b}' {
                assert!(may_hold_control(c.to_string().as_bytes()), "{c:?}");
            }
        }
        assert!(!may_hold_control(
            "plain text\t,\r\n\u{c} 中文，。".as_bytes()
        ));
    }
}
