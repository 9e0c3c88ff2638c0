use ocrtidy_core::text::chars::is_cjk_letter;
use ocrtidy_core::{Candidate, EditSink, Pass, PassId, PassInput, PassKind, PassSpec, RuleSpec};
use ocrtidy_lexicon::Lexicon;

use crate::furniture::{is_date_like, opens_title};
use crate::line_join::{ends_sentence, INNER_PUNCT, STANDALONE_WIDTH};
use crate::page::{self, is_wide, width, Line};

/// Finds a paragraph that ends mid-sentence and the block that continues it, as columns and
/// inserted blocks put them apart (`…反映新时代国家安全` … several paragraphs later …
/// `事业取得的重大成就，…`).
///
/// It runs after line joins, so every remaining line is a paragraph. A paragraph qualifies when
/// it does not end a sentence and is not a short standalone line (a headline, a byline).
/// - Paragraphs that cannot start a sentence (they start with `，`, `、`, `；`, `：`, `。` or a
///   closing bracket, not standing apart before a space as a speck does, or with a lower-case
///   Latin word after a paragraph ending in a Latin word) right after the open one are joined
///   to it, when the chain ends a sentence.
/// - A paragraph that stops mid-word, followed after exactly one blank line by a paragraph
///   that starts with the rest of the word (a frequent word across the seam, and no longer
///   word starting the next paragraph: `…文献资` + `料，…` → `资料`), is joined to it the same
///   way (`split-word`): the next paragraph cannot start a sentence.
/// - The same evidence further down the page, or a frequent dictionary word across the seam
///   with one of the next three paragraphs (`伴` + `随者` → `伴随`), is recorded as a
///   suggestion: on the corpus, moving text on this evidence did more harm than good (OCR of
///   degraded pages starts many garbage lines with punctuation).
///
/// Paragraphs are never moved across a page break.
///
/// Rules: `split-fragment` and `split-word` (joined), `split-fragment-suggest` (suggestion).
#[derive(Debug, Clone)]
pub struct SplitFragments {
    lexicon: Option<&'static Lexicon>,
}

impl Default for SplitFragments {
    fn default() -> Self {
        SplitFragments::new(Some(Lexicon::embedded()))
    }
}

/// A two-char seam word must be at least this frequent in the lexicon to count as evidence
/// (longer words a tenth of it).
const SEAM_MIN_FREQ: u32 = 500;

impl SplitFragments {
    /// A pass using `lexicon` for the seam-word evidence (`None`: structural evidence only).
    pub fn new(lexicon: Option<&'static Lexicon>) -> Self {
        SplitFragments { lexicon }
    }
}

impl SplitFragments {
    /// The pass's declaration: id, summary, flags and every rule it may record.
    pub const SPEC: PassSpec = PassSpec {
        id: PassId::SplitFragments,
        summary: "paragraphs cut apart by columns rejoined",
        kind: PassKind::Layout,
        removes_text: false,
        rerun: true,
        local: false,
        written_back: false,
        rules: &[
            RuleSpec {
                id: "split-fragment",
                explain: "A paragraph that stops mid-sentence is joined to the paragraph right after it when that one cannot start a sentence: it starts with `，、；：。）」』` (not standing apart before a space) after a paragraph ending in a Chinese character, or with a lowercase Latin word after one ending in a Latin letter: `…反映新时代国家安全\\n，事业取得…` → `…反映新时代国家安全，事业取得…`. Applied (confidence 0.8) only when the chain of such paragraphs ends a sentence, with nothing inserted between Chinese text and a space between Latin words. Short standalone lines (headlines, bylines), date lines and `《…》` titles are never joined, and nothing crosses a page break.",
            },
            RuleSpec {
                id: "split-word",
                explain: "A paragraph that stops mid-word is joined to the paragraph right after it, across exactly one blank line (a seam between OCR blocks; paragraphs one per line or further apart are left alone), when that one starts with the rest of the word: the paragraph does not end a sentence and ends in a CJK letter, a frequent dictionary word runs across the seam, and no dictionary word starting at the next paragraph's first character is longer than the part of the seam word in it, so the next paragraph cannot start a sentence of its own: `…地方文献资\\n\\n料，这次…` → `…地方文献资料，这次…` (`资料`), while `…共有十二人\\n\\n人民群众…` stays apart (`人民` starts a word). Applied (confidence 0.7), nothing inserted, under the same conditions as `split-fragment`: the chain of joined paragraphs ends a sentence, short standalone lines, date lines and titles are never joined, nothing crosses a page break.",
            },
            RuleSpec {
                id: "split-fragment-suggest",
                explain: "A paragraph that stops mid-sentence gets a suggestion (never applied) to continue it with a paragraph further down the same page: either the first later paragraph (two or more paragraphs on) that starts the way a continuation does (confidence 0.6), or, failing that, one of the three paragraphs after the next whose first characters form a frequent dictionary word with its last ones (`伴` + `随者` → `伴随`; confidence 0.5 for a word of 3+ characters, 0.3 for 2). The candidate is the continued text. Moving text on this evidence alone did more harm than good on the test corpus, hence only a suggestion.",
            },
        ],
    };
}

impl Pass for SplitFragments {
    fn spec(&self) -> &'static PassSpec {
        &Self::SPEC
    }

    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        let text = input.text;
        let lines = page::lines(text);
        for range in page::pages(&lines) {
            let items: Vec<usize> = range.filter(|&i| !lines[i].is_blank()).collect();
            self.page(text, &lines, &items, sink);
        }
    }
}

impl SplitFragments {
    fn page(&self, text: &str, lines: &[Line], items: &[usize], sink: &mut EditSink<'_>) {
        // The items that could continue a paragraph, by the kind of tail they need, in page
        // order: a search for the next one is a binary search, not a scan of the page.
        let (mut after_wide, mut after_latin) = (Vec::new(), Vec::new());
        // Fragments further down are only ever suggested: not looked for when the sink drops
        // suggestions (a run without a ledger).
        let suggest = sink.keeps_suggestions();
        for (k, &j) in items.iter().enumerate().filter(|_| suggest) {
            match continuation_start(lines[j].text(text)) {
                Some(Tail::Wide) => after_wide.push(k),
                Some(Tail::Latin) => after_latin.push(k),
                None => {}
            }
        }
        let chain_end = chain_ends(text, lines, items, self.lexicon);
        let mut i = 0;
        while i < items.len() {
            let p = &lines[items[i]];
            let p_text = p.text(text);
            if !is_open(p_text) {
                i += 1;
                continue;
            }
            // Adjacent fragments are joined only when the chain ends a sentence: a paragraph
            // that is still open could be joined differently on the next cleaning.
            if let Some(last) = chain_end[i] {
                let mut prev = p;
                for &j in &items[i + 1..=last] {
                    let q = &lines[j];
                    let (rule, confidence) = if continues(prev.text(text), q.text(text)) {
                        ("split-fragment", 0.8)
                    } else {
                        ("split-word", 0.7)
                    };
                    let glue = glue(prev.text(text), q.text(text));
                    let _ = sink.replace(prev.content.end..q.content.start, glue, rule, confidence);
                    prev = q;
                }
                i = last + 1;
                continue;
            }
            if !suggest {
                i += 1;
                continue;
            }
            // A fragment further down: propose, never move text on this evidence alone.
            let candidates = match p_text.chars().last() {
                Some(t) if is_wide(t) => after_wide.as_slice(),
                Some(t) if t.is_ascii_alphabetic() => after_latin.as_slice(),
                _ => &[],
            };
            let next = candidates[candidates.partition_point(|&k| k < i + 2)..]
                .iter()
                .map(|&k| &lines[items[k]])
                .find(|q| continues(p_text, q.text(text)));
            if let Some(q) = next {
                let _ = sink.suggest(
                    p.content.end..p.content.end,
                    vec![Candidate::new(
                        format!("{}{}", glue(p_text, q.text(text)), q.text(text)),
                        0.6,
                    )],
                    "split-fragment-suggest",
                    0.6,
                );
            } else {
                self.suggest(text, lines, items, i, sink);
            }
            i += 1;
        }
    }

    fn suggest(
        &self,
        text: &str,
        lines: &[Line],
        items: &[usize],
        i: usize,
        sink: &mut EditSink<'_>,
    ) {
        let Some(lex) = self.lexicon else {
            return;
        };
        let p = &lines[items[i]];
        let p_text = p.text(text);
        for &j in items.iter().skip(i + 2).take(3) {
            let q_text = lines[j].text(text);
            if let Some(word) = seam_word(lex, p_text, q_text) {
                let _ = sink.suggest(
                    p.content.end..p.content.end,
                    vec![Candidate::new(q_text, 0.5)],
                    "split-fragment-suggest",
                    if word.chars().count() >= 3 { 0.5 } else { 0.3 },
                );
                return;
            }
        }
    }
}

/// A paragraph that ends mid-sentence and is not a short standalone line.
fn is_open(s: &str) -> bool {
    // The cheap tests first: most lines fail them.
    !s.is_empty()
        && !ends_sentence(s)
        && (width(s) > STANDALONE_WIDTH || s.contains(INNER_PUNCT))
        && !is_date_like(s)
        && !opens_title(s)
}

/// For every item `k` of a page, the last item of the run of items right after it that
/// continue it one after the other up to a line that ends a sentence; `None` when the run breaks
/// off or stays open, or meets a date line (or the line above one). Found from the end of the
/// page back, so the pass stays linear in the page's lines.
fn chain_ends(
    text: &str,
    lines: &[Line],
    items: &[usize],
    lexicon: Option<&Lexicon>,
) -> Vec<Option<usize>> {
    let item = |k: usize| lines[items[k]].text(text);
    let mut end = vec![None; items.len()];
    for k in (0..items.len().saturating_sub(1)).rev() {
        let q = item(k + 1);
        // A word cut at a block seam: exactly one blank line between the two, as OCR separates
        // its blocks (paragraphs one per line are text already reflowed, and more blank lines
        // a seam the word does not cross).
        let word_cut = || {
            items[k + 1] == items[k] + 2 && lexicon.is_some_and(|lex| word_across(lex, item(k), q))
        };
        if !(continues(item(k), q) || word_cut())
            || is_date_like(q)
            || (k + 2 < items.len() && is_date_like(item(k + 2)))
        {
            continue;
        }
        end[k] = if ends_sentence(q) {
            Some(k + 1)
        } else {
            end[k + 1]
        };
    }
    end
}

/// The kind of paragraph end a line can continue.
#[derive(Clone, Copy)]
enum Tail {
    /// A wide (CJK) character.
    Wide,
    /// A Latin letter.
    Latin,
}

/// Which tail `q` could continue (see [`continues`]), from its start alone.
fn continuation_start(q: &str) -> Option<Tail> {
    let c = q.chars().next()?;
    if matches!(c, '，' | '、' | '；' | '：' | '。' | '）' | '」' | '』') {
        let apart = q.chars().nth(1).is_some_and(page::is_space);
        return (!apart).then_some(Tail::Wide);
    }
    let first_word = q.bytes().take_while(u8::is_ascii_alphabetic).count();
    (c.is_ascii_lowercase() && first_word >= 2).then_some(Tail::Latin)
}

/// True when `q` cannot start a sentence and so continues `tail`.
fn continues(tail: &str, q: &str) -> bool {
    let (Some(t), Some(c)) = (tail.chars().last(), q.chars().next()) else {
        return false;
    };
    if matches!(c, '，' | '、' | '；' | '：' | '。' | '）' | '」' | '』') {
        // A mark standing apart before a space is a speck that OCR read at the indent of a
        // new paragraph (`、     如果…`), not the rest of a sentence.
        let apart = q.chars().nth(1).is_some_and(page::is_space);
        return is_wide(t) && !apart;
    }
    t.is_ascii_alphabetic() && c.is_ascii_lowercase() && {
        let first_word: String = q.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
        first_word.len() >= 2
    }
}

fn glue(tail: &str, q: &str) -> &'static str {
    match (tail.chars().last(), q.chars().next()) {
        (Some(a), Some(b)) if !is_wide(a) && !is_wide(b) => " ",
        _ => "",
    }
}

/// True when `q` starts with the end of a word cut at the end of `p`, so it cannot start a
/// sentence of its own: `p` does not end a sentence and ends in a CJK letter, a frequent word
/// runs across the seam (`时空伴` + `随者` → `伴随`; `并制` + `作完成` → `制作`), and no
/// dictionary word starting at `q`'s first character is longer than the part of the seam word
/// in `q` (`随者` and `作完` are no words, while after `…的` a `人民…` starts a word of its
/// own).
fn word_across(lex: &Lexicon, p: &str, q: &str) -> bool {
    if ends_sentence(p) || !p.chars().last().is_some_and(is_cjk_letter) {
        return false;
    }
    let Some((_, in_q)) = seam_word_split(lex, p, q) else {
        return false;
    };
    let head: Vec<char> = q.chars().take(lex.max_word_chars().min(8)).collect();
    let mut word = String::with_capacity(32);
    for (n, &c) in head.iter().enumerate() {
        if !is_cjk_letter(c) {
            break;
        }
        word.push(c);
        if n + 1 > in_q && lex.contains(&word) {
            return false;
        }
    }
    true
}

/// A frequent dictionary word of 2–4 chars that exists only across the seam of `p` and `q`.
fn seam_word(lex: &Lexicon, p: &str, q: &str) -> Option<String> {
    seam_word_split(lex, p, q).map(|(word, _)| word)
}

/// [`seam_word`] and how many of its characters are in `q`.
fn seam_word_split(lex: &Lexicon, p: &str, q: &str) -> Option<(String, usize)> {
    let left: Vec<char> = p
        .chars()
        .rev()
        .take(2)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let right: Vec<char> = q.chars().take(2).collect();
    if !left.iter().chain(&right).all(|c| is_wide(*c)) {
        return None;
    }
    let mut word = String::with_capacity(16);
    for l in (1..=left.len()).rev() {
        for r in (1..=right.len()).rev() {
            word.clear();
            word.extend(left[left.len() - l..].iter().chain(&right[..r]));
            let min = if l + r == 2 {
                SEAM_MIN_FREQ
            } else {
                SEAM_MIN_FREQ / 10
            };
            if lex.freq(&word).is_some_and(|f| f >= min) {
                return Some((word, r));
            }
        }
    }
    None
}
