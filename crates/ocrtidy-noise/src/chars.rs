//! Character classes of the noise passes: the workspace's (`ocrtidy_text::chars`), and the
//! junk, dash, bullet and closing-punctuation sets that only these passes decide by.

pub(crate) use ocrtidy_core::text::chars::{
    is_break, is_cjk_punct, is_curly_quote, is_han, is_han_main_block, is_horizontal_space,
};

/// A character that makes its neighbourhood Chinese: an ideograph, Chinese punctuation or a
/// curly quote.
pub(crate) fn is_cjk_context(c: char) -> bool {
    is_han(c) || is_cjk_punct(c) || is_curly_quote(c)
}

/// Symbols that are never text when OCR emits them: rules and borders read as characters,
/// filled boxes, the replacement character.
pub(crate) fn is_strong_junk(c: char) -> bool {
    matches!(
        c,
        '丨' | '¦' | '■' | '□' | '▪' | '▫' | '◼' | '◾' | '▌' | '▐' | '█' | '\u{FFFD}'
    )
}

/// Symbols that are garbage next to Chinese text or at a line edge, but can be text between
/// Latin words (a pipe in a command, a tilde in a range).
pub(crate) fn is_weak_junk(c: char) -> bool {
    matches!(
        c,
        '|' | '_' | '~' | '•' | '●' | '«' | '»' | '¬' | '°' | '¢' | '©' | '‖' | '¯' | '¨'
    )
}

/// Dash-like characters; a long run of them is a rule, not text.
pub(crate) fn is_dash(c: char) -> bool {
    matches!(
        c,
        '—' | '─' | '━' | '–' | '-' | '=' | '_' | '~' | '―' | '‐' | '‑' | '﹣' | '－'
    )
}

/// Sentence punctuation and closing quotes, which Chinese typesetting keeps off the start of a
/// printed line. (Closing brackets and ASCII double quotes are left out: without line-breaking
/// rules they start lines legitimately, and `"` may open a quotation.)
pub(crate) fn is_closing_punct(c: char) -> bool {
    is_ambiguous_closing_punct(c) || is_odd_closing_punct(c)
}

/// Closing punctuation that may legitimately start a printed line when the typesetter applies no
/// line-breaking rules: full-width sentence punctuation. Removed at a line start only on pages that
/// show other OCR noise.
pub(crate) fn is_ambiguous_closing_punct(c: char) -> bool {
    matches!(c, '。' | '，' | '、' | '；' | '？' | '！')
}

/// Closing punctuation that at the start of a line of Chinese text is almost always noise:
/// half-width sentence punctuation, closing quotes, the full-width colon.
pub(crate) fn is_odd_closing_punct(c: char) -> bool {
    matches!(c, ',' | '.' | ';' | ':' | '!' | '?' | '”' | '’' | '：')
}

/// A bullet that may start a list item.
pub(crate) fn is_bullet(c: char) -> bool {
    matches!(
        c,
        '•' | '●'
            | '○'
            | '◆'
            | '◇'
            | '▪'
            | '■'
            | '□'
            | '*'
            | '-'
            | '·'
            | '–'
            | '—'
            | '►'
            | '▶'
    )
}

/// Punctuation or symbol, as opposed to letters, digits, ideographs and other marks of text.
/// Emoji and unknown symbols count as text, so that a line of them is never taken for garbage.
pub(crate) fn is_punct_or_junk(c: char) -> bool {
    c.is_ascii_punctuation()
        || is_cjk_punct(c)
        || is_strong_junk(c)
        || is_weak_junk(c)
        || is_dash(c)
        || matches!(c, '\u{2010}'..='\u{2027}' | '\u{2030}'..='\u{205E}' | '\u{2500}'..='\u{25FF}'
            | '\u{3001}'..='\u{3003}' | '\u{3008}'..='\u{3011}' | '\u{3014}'..='\u{301F}'
            | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}' | '\u{FF3B}'..='\u{FF40}'
            | '\u{FF5B}'..='\u{FF65}' | '·')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert!(is_han('中') && is_han('〇') && !is_han('a') && !is_han('。'));
        assert!(is_cjk_context('，') && is_cjk_context('字'));
        assert!(is_strong_junk('丨') && !is_strong_junk('|'));
        assert!(is_closing_punct('。') && !is_closing_punct('“'));
        assert!(is_punct_or_junk('—') && !is_punct_or_junk('字') && !is_punct_or_junk('😀'));
    }
}
