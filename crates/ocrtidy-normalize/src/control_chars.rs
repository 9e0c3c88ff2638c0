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

/// A control character this pass removes.
fn is_removed(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}' | '\u{b}' | '\u{85}'))
        || c == '\u{7f}'
}

/// Whether `bytes` may hold a character this pass changes, on the bytes alone: a C0 control
/// other than tab, LF, CR and FF (the vertical tab included), DEL, or a lead byte `C2` (C1
/// controls are `C2 80`..`C2 9F`; other characters start with it too).
fn may_hold_control(bytes: &[u8]) -> bool {
    // Whole blocks folded without a branch per byte (the compiler vectorises the fold).
    bytes.chunks(256).any(|block| {
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
        let mut run: Option<(usize, bool)> = None;
        for (i, c) in text.char_indices() {
            if is_removed(c) {
                let r = run.get_or_insert((i, false));
                r.1 |= c == '\0';
                continue;
            }
            if let Some((s, nul)) = run.take() {
                let _ = sink.delete(s..i, if nul { "nul" } else { "control-char" }, 1.0);
            }
            if c == '\u{b}' {
                let _ = sink.replace(i..i + 1, "\n", "vertical-tab", 0.9);
            }
        }
        if let Some((s, nul)) = run {
            let _ = sink.delete(s..text.len(), if nul { "nul" } else { "control-char" }, 1.0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
