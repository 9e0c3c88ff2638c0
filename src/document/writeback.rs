//! Writing the corrections of a run back into the hOCR, ALTO or PAGE file the text was laid out
//! from ([`EngineDocument::write_back`]; `ocrtidy_formats::writeback` does the rewriting).
//!
//! The file keeps its printed layout, so only character corrections go back
//! ([`written_back`]): the edits of the layout passes (furniture, line joins, dehyphenation,
//! split fragments, blank lines, newline and trailing-space normalisation, duplicates) stay in
//! the cleaned text only. The ledger fuses the edits of several passes at one place into one
//! change (`\n;` → `；`: a line join and a punctuation fix), so each applied change is aligned
//! character by character ([`split_change`]) and only its character edits are kept: a
//! whitespace edit goes back only inside an element (a space inside a word), a hyphen deleted
//! along with a dehyphenated line break stays, and a change that a removal pass (furniture,
//! duplicates) took part in stays whole. The ledger's applied changes are final edits relative
//! to the pipeline's input, the laid-out text, whatever round made them.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use ocrtidy_decode::Decoded;
use ocrtidy_formats::{Format, FormatError, Role, Span};

use super::EngineDocument;
use crate::{Change, Cleaned, PassId};

/// Whether the edits of `pass` are written back into the OCR file: character corrections are,
/// edits of the layout (which the file keeps: it is what is printed on the page) are not. Read
/// from the pass's declaration ([`crate::PassSpec::written_back`]); a pass this build does not
/// declare is layout.
///
/// ```
/// use ocrtidy::{document::written_back, PassId};
/// assert!(written_back(PassId::Typo));
/// assert!(!written_back(PassId::LineJoin));
/// ```
pub fn written_back(pass: PassId) -> bool {
    crate::registry::spec(pass).is_some_and(|s| s.written_back)
}

/// Passes that remove printed text (furniture, repeated fragments): a change they took part in
/// is left out whole, as the characters other passes corrected in it are gone from the text.
fn removes_text(pass: PassId) -> bool {
    crate::registry::spec(pass).is_some_and(|s| s.removes_text)
}

/// A removal of a line that the layout tagged as a running header or footer: it removes only
/// such lines (elements whose role is not body) and the breaks around them, so the character
/// fixes of the body that the ledger fused with it (a mark at the end of the line above a page
/// number) still go back.
fn removes_layout_furniture(pass: PassId, rule: &str) -> bool {
    pass == PassId::Furniture && matches!(rule, "layout-header" | "layout-footer")
}

/// The written-back file and what went into it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WriteBack {
    /// The file with the corrections in its elements (a BOM of the input is kept).
    pub text: String,
    /// Applied changes with at least one edit on an element that has an id of its own (the
    /// corrections of elements without one are [`WriteBack::unplaced`]).
    pub written: usize,
    /// Elements whose text was rewritten.
    pub elements: usize,
    /// Applied changes left out whole (layout edits only, or a removal took part).
    pub left_out: usize,
    /// Texts of enclosing elements left as they were although the words under them changed
    /// (a PAGE line whose text is not its words joined), and words and glyphs left under a
    /// corrected PAGE line or word whose text they do not spell out.
    pub stale: Vec<super::Stale>,
    /// Corrections of elements without an id of their own (a line of a PAGE region that has
    /// text but no `TextLine`, an ALTO `String` without `ID`): not written back, the rest is.
    pub unplaced: Vec<super::Unplaced>,
    /// Corrections of elements that have no text to rewrite: not written back.
    pub skipped: Vec<super::Skipped>,
}

/// Why corrections cannot be written back into a file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WriteBackError {
    /// The format has no word elements with ids to write into (Tesseract TSV, PaddleOCR and
    /// RapidOCR JSON).
    Unsupported(Format),
    /// The file was not valid UTF-8 (the encoding it was decoded from is given): the
    /// write-back keeps the file's bytes, and an XML declaration naming another encoding
    /// would lie.
    NotUtf8(&'static str),
    /// The file cannot take the corrections: an element without an id of its own, an id the
    /// file does not have.
    Format(FormatError),
}

impl fmt::Display for WriteBackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteBackError::Unsupported(format) => write!(
                f,
                "a {} file cannot take corrections back (only hOCR, ALTO and PAGE files have \
                 word elements with ids to write into)",
                format.name()
            ),
            WriteBackError::NotUtf8(encoding) => write!(
                f,
                "the file is not valid UTF-8 (decoded as {encoding}); write-back keeps the \
                 file's bytes and needs UTF-8"
            ),
            WriteBackError::Format(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl std::error::Error for WriteBackError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            // Displayed as the reader's own error, so its source is that error's source.
            WriteBackError::Format(e) => std::error::Error::source(e),
            _ => None,
        }
    }
}

impl From<FormatError> for WriteBackError {
    fn from(e: FormatError) -> Self {
        WriteBackError::Format(e)
    }
}

impl EngineDocument {
    /// Writes the applied corrections of `cleaned` (a run on [`EngineDocument::text`]) back into
    /// `file`, the decoded file this document was read from: only the texts of the elements
    /// that changed are rewritten, every other byte (ids, boxes, confidences, whitespace) stays.
    /// The file must be hOCR, ALTO or PAGE, decoded from UTF-8 (a BOM is kept).
    ///
    /// ```
    /// use ocrtidy::document::{EngineDocument, Format, Furniture};
    /// use ocrtidy::DecodeOptions;
    ///
    /// let bytes = "<div class='ocr_page' title='bbox 0 0 600 100'>\
    ///   <span class='ocr_line' title='bbox 0 0 600 20'>\
    ///     <span class='ocrx_word' id='w1' title='bbox 0 0 100 20'>使用</span>\
    ///     <span class='ocrx_word' id='w2' title='bbox 100 0 200 20'>ａｐｔ命令</span>\
    ///   </span></div>".as_bytes();
    /// let file = ocrtidy::decode(bytes, &DecodeOptions::default());
    /// let document = EngineDocument::read(&file.text, Format::Auto, Furniture::Mark)?.unwrap();
    /// let cleaned = document.clean(&ocrtidy::Pipeline::default());
    /// let written = document.write_back(&file, &cleaned)?;
    /// assert!(written.text.contains("id='w2' title='bbox 100 0 200 20'>apt命令</span>"));
    /// // One element rewritten; nothing of the layout was left out.
    /// assert_eq!((written.elements, written.left_out), (1, 0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write_back(
        &self,
        file: &Decoded,
        cleaned: &Cleaned,
    ) -> Result<WriteBack, WriteBackError> {
        self.write_back_with(file, cleaned, &super::WriteBackOptions::default())
    }

    /// [`EngineDocument::write_back`] with `options` (PAGE: keep the engine's reading as
    /// another `TextEquiv`, [`super::WriteBackOptions::keep_readings`]).
    pub fn write_back_with(
        &self,
        file: &Decoded,
        cleaned: &Cleaned,
        options: &super::WriteBackOptions,
    ) -> Result<WriteBack, WriteBackError> {
        let (format, converted) = (self.format, &self.converted);
        if !matches!(format, Format::Hocr | Format::Alto | Format::Page) {
            return Err(WriteBackError::Unsupported(format));
        }
        if file.report.encoding != "UTF-8" || file.report.invalid_bytes() > 0 {
            return Err(WriteBackError::NotUtf8(file.report.encoding));
        }
        let mut edits: Vec<(Range<usize>, String)> = Vec::new();
        let (mut written, mut left_out) = (0, 0);
        // An edit on an element whose id names it alone is written (one that several spans
        // share, or none, cannot be: see `unplaced`).
        let mut ids: HashMap<&str, usize> = HashMap::new();
        for s in &converted.spans {
            if let Some(id) = s.source.id.as_deref() {
                *ids.entry(id).or_default() += 1;
            }
        }
        let placed = |r: &Range<usize>| {
            converted.sources(r.clone()).any(|s| {
                s.source
                    .id
                    .as_deref()
                    .is_some_and(|id| ids.get(id) == Some(&1))
            })
        };
        for change in cleaned.applied() {
            let split = split_change(&converted.text, &converted.spans, change);
            if split.is_empty() {
                left_out += 1;
            } else {
                written += usize::from(split.iter().any(|(r, _)| placed(r)));
                edits.extend(split);
            }
        }
        let refs: Vec<(Range<usize>, &str)> =
            edits.iter().map(|(r, t)| (r.clone(), t.as_str())).collect();
        let (mut texts, unplaced) = ocrtidy_formats::element_texts_placed(converted, &refs);
        // Elements whose text came out as it was are not rewritten (their escaping stays as is).
        let old: HashMap<&str, &str> = converted
            .spans
            .iter()
            .filter_map(|s| {
                Some((
                    s.source.id.as_deref()?,
                    converted.text.get(s.range.clone())?,
                ))
            })
            .collect();
        texts.retain(|id, text| old.get(id.as_str()) != Some(&text.as_str()));
        let ocrtidy_formats::writeback::WrittenBack {
            mut text,
            stale,
            skipped,
        } = ocrtidy_formats::writeback::write_back_with(&file.text, format, &texts, options)?;
        if file.report.bom {
            text.insert(0, '\u{feff}');
        }
        Ok(WriteBack {
            text,
            written,
            elements: texts.len().saturating_sub(skipped.len()),
            left_out,
            stale,
            unplaced,
            skipped,
        })
    }
}

/// The character edits of one applied change, in the laid-out text's offsets (sorted,
/// disjoint): the change's text aligned character by character with its replacement, and the
/// layout part of it dropped (see the module doc). Empty when nothing of it is written back.
/// `text` is the laid-out text the change was made on, `spans` its elements
/// ([`Converted::spans`](super::Converted::spans)).
///
/// ```
/// use ocrtidy::document::{split_change, EngineDocument, Format, Furniture};
/// // Two printed lines: the line join is layout, the punctuation fix a correction.
/// let hocr = "<div class='ocr_page' title='bbox 0 0 600 100'>\
///   <span class='ocr_line' title='bbox 0 0 600 20'>\
///     <span class='ocrx_word' id='w1' title='bbox 0 0 300 20'>这是第一行的文字，接着写</span></span>\
///   <span class='ocr_line' title='bbox 0 20 600 40'>\
///     <span class='ocrx_word' id='w2' title='bbox 0 20 300 40'>下去,直到句末。</span></span></div>";
/// let document = EngineDocument::read(hocr, Format::Hocr, Furniture::Mark)?.unwrap();
/// let text = document.text();
/// let cleaned = document.clean(&ocrtidy::Pipeline::default());
/// assert_eq!(cleaned.text, "这是第一行的文字，接着写下去，直到句末。");
/// let edits: Vec<(&str, String)> = cleaned
///     .applied()
///     .flat_map(|c| split_change(text, &document.converted().spans, c))
///     .map(|(range, new)| (&text[range], new))
///     .collect();
/// assert_eq!(edits, [(",", "，".to_string())]);
/// # Ok::<(), ocrtidy::document::FormatError>(())
/// ```
pub fn split_change(text: &str, spans: &[Span], change: &Change) -> Vec<(Range<usize>, String)> {
    let steps: Vec<(PassId, &str)> = change
        .history
        .iter()
        .map(|s| (s.pass, s.rule))
        .chain([(change.pass, change.rule)])
        .collect();
    let passes: Vec<PassId> = steps.iter().map(|&(p, _)| p).collect();
    let layout_furniture = steps.iter().any(|&(p, r)| removes_layout_furniture(p, r));
    if !passes.iter().any(|&p| written_back(p))
        || steps
            .iter()
            .any(|&(p, r)| removes_text(p) && !removes_layout_furniture(p, r))
    {
        return Vec::new();
    }
    if text.get(change.start..change.end) != Some(change.before.as_str()) {
        debug_assert!(false, "a change that does not fit the text it was made on");
        return Vec::new();
    }
    let dehyphenated = passes.contains(&PassId::Dehyphenate);
    let before: Vec<(usize, char)> = change
        .before
        .char_indices()
        .map(|(i, c)| (change.start + i, c))
        .collect();
    let after: Vec<char> = change.after.chars().collect();
    let Some(ops) = align(change.start, &before, &after) else {
        // Too long to align: all or nothing.
        return if passes.iter().all(|&p| written_back(p)) && !layout_furniture {
            vec![(change.start..change.end, change.after.clone())]
        } else {
            Vec::new()
        };
    };
    let inside = |at: usize, insertion: bool| {
        let i = spans.partition_point(|s| s.range.end <= at);
        spans
            .get(i)
            .is_some_and(|s| s.range.start < at || (!insertion && s.range.start == at))
    };
    // With a layout furniture removal: nothing of the removed lines goes back.
    let in_furniture = |at: usize| {
        layout_furniture && {
            let i = spans.partition_point(|s| s.range.end <= at);
            spans
                .get(i)
                .is_some_and(|s| s.range.start <= at && s.source.role != Role::Body)
        }
    };
    let mut out: Vec<(Range<usize>, String)> = Vec::new();
    // The edit being built, and whether the previous op was part of it.
    let mut open = false;
    for op in ops {
        let keep = match op {
            Op::Match(..) => false,
            Op::Sub(at, ..) | Op::Del(at, _) | Op::Ins(at, _) if in_furniture(at) => false,
            Op::Sub(at, a, b) if a.is_whitespace() || b.is_whitespace() => inside(at, false),
            Op::Del(at, a) if a.is_whitespace() => inside(at, false),
            Op::Del(_, '-') if dehyphenated => false,
            Op::Ins(at, b) if b.is_whitespace() => inside(at, true),
            _ => true,
        };
        if !keep {
            open = false;
            continue;
        }
        let (range, add) = match op {
            Op::Sub(at, a, b) => (at..at + a.len_utf8(), Some(b)),
            Op::Del(at, a) => (at..at + a.len_utf8(), None),
            Op::Ins(at, b) => (at..at, Some(b)),
            Op::Match(..) => continue,
        };
        match out.last_mut() {
            Some((r, t)) if open && r.end == range.start => {
                r.end = range.end;
                t.extend(add);
            }
            _ => out.push((range, add.into_iter().collect())),
        }
        open = true;
    }
    out
}

/// One step of an alignment: byte offset in the text and the characters.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Match(usize, char),
    Sub(usize, char, char),
    Del(usize, char),
    Ins(usize, char),
}

/// Aligns `before` (chars with their offsets) with `after` at the least cost, where editing
/// whitespace is cheap and turning whitespace into a visible character dear, so that `\n;` →
/// `；` reads as `;` → `；` plus a deleted line break. `base` is the offset of `before` (where
/// an insertion into an empty `before` goes). `None` when the change is too long to align (a
/// quadratic table).
fn align(base: usize, before: &[(usize, char)], after: &[char]) -> Option<Vec<Op>> {
    const MAX_CELLS: usize = 1 << 20;
    let (n, m) = (before.len(), after.len());
    if (n + 1).saturating_mul(m + 1) > MAX_CELLS {
        return None;
    }
    let indel = |c: char| if c.is_whitespace() { 1 } else { 2 };
    let sub = |a: char, b: char| match (a == b, a.is_whitespace(), b.is_whitespace()) {
        (true, ..) => 0,
        (false, true, true) => 1,
        (false, false, false) => 2,
        _ => 5,
    };
    let w = m + 1;
    let mut cost = vec![0u32; (n + 1) * w];
    for j in 1..=m {
        cost[j] = cost[j - 1] + indel(after[j - 1]);
    }
    for i in 1..=n {
        let a = before[i - 1].1;
        cost[i * w] = cost[(i - 1) * w] + indel(a);
        for j in 1..=m {
            let b = after[j - 1];
            cost[i * w + j] = (cost[(i - 1) * w + j - 1] + sub(a, b))
                .min(cost[(i - 1) * w + j] + indel(a))
                .min(cost[i * w + j - 1] + indel(b));
        }
    }
    // Offset of the i-th char of `before` (the end for i == n).
    let end = before.last().map_or(base, |(at, c)| at + c.len_utf8());
    let at = |i: usize| before.get(i).map_or(end, |(at, _)| *at);
    let mut ops = Vec::with_capacity(n.max(m));
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        let here = cost[i * w + j];
        if i > 0 && j > 0 {
            let (a, b) = (before[i - 1].1, after[j - 1]);
            if here == cost[(i - 1) * w + j - 1] + sub(a, b) {
                ops.push(if a == b {
                    Op::Match(at(i - 1), a)
                } else {
                    Op::Sub(at(i - 1), a, b)
                });
                i -= 1;
                j -= 1;
                continue;
            }
        }
        if i > 0 && here == cost[(i - 1) * w + j] + indel(before[i - 1].1) {
            ops.push(Op::Del(at(i - 1), before[i - 1].1));
            i -= 1;
        } else {
            ops.push(Op::Ins(at(i), after[j - 1]));
            j -= 1;
        }
    }
    ops.reverse();
    Some(ops)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Step;
    use ocrtidy_formats::SourceRef;

    #[test]
    fn character_passes_are_written_back_and_layout_passes_not() {
        let back = [
            PassId::ControlChars,
            PassId::UnicodeForms,
            PassId::Modernise,
            PassId::Width,
            PassId::ScriptConvert,
            PassId::MixedScript,
            PassId::CjkPunct,
            PassId::CjkSpacing,
            PassId::StrayTokens,
            PassId::Typo,
        ];
        for p in crate::registry::specs().map(|s| s.id) {
            assert_eq!(written_back(p), back.contains(&p), "{p}");
        }
    }

    /// A laid-out text whose words (split at `|`) are elements `w0`, `w1`, …; the text is the
    /// words without the bars.
    fn layout(words: &str) -> (String, Vec<Span>) {
        let mut text = String::new();
        let mut spans = Vec::new();
        for (i, part) in words.split('|').enumerate() {
            // Separators (spaces, line breaks) at the ends of a part are outside its element.
            let body = part.trim();
            let lead = part.len() - part.trim_start().len();
            let start = text.len() + lead;
            text.push_str(part);
            if !body.is_empty() {
                spans.push(Span {
                    range: start..start + body.len(),
                    source: SourceRef {
                        page: 0,
                        block: 0,
                        line: 0,
                        word: Some(i),
                        id: Some(format!("w{i}")),
                        bbox: None,
                        role: Role::Body,
                    },
                    conf: None,
                });
            }
        }
        (text, spans)
    }

    fn change(text: &str, before: &str, after: &str, passes: &[PassId]) -> Change {
        let start = text.find(before).unwrap();
        let (last, earlier) = passes.split_last().unwrap();
        Change {
            pass: *last,
            rule: "test",
            start,
            end: start + before.len(),
            char_start: 0,
            char_end: 0,
            before: before.to_string(),
            after: after.to_string(),
            confidence: 1.0,
            applied: true,
            candidates: Vec::new(),
            out_start: 0,
            out_end: 0,
            history: earlier
                .iter()
                .map(|&pass| Step {
                    pass,
                    rule: "test",
                    confidence: 1.0,
                })
                .collect(),
        }
    }

    /// The edits as `(old text, new text)` pairs.
    fn split(words: &str, before: &str, after: &str, passes: &[PassId]) -> Vec<(String, String)> {
        let (text, spans) = layout(words);
        let c = change(&text, before, after, passes);
        split_change(&text, &spans, &c)
            .into_iter()
            .map(|(r, t)| (text[r].to_string(), t))
            .collect()
    }

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn fused_changes_keep_only_their_character_edits() {
        // (words of the laid-out text split at `|`, change before, after, its passes, edits)
        type Case<'a> = (
            &'a str,
            &'a str,
            &'a str,
            &'a [PassId],
            &'a [(&'a str, &'a str)],
        );
        let cases: &[Case] = &[
            // A line join fused with a punctuation fix: the fix goes back, the join not.
            (
                "系统|\n;| 但是",
                "\n; ",
                "；",
                &[PassId::CjkPunct, PassId::CjkSpacing, PassId::LineJoin],
                &[(";", "；")],
            ),
            (
                "括号|)|\n(|注",
                ")\n(",
                "）（",
                &[PassId::CjkPunct, PassId::LineJoin],
                &[(")", "）"), ("(", "（")],
            ),
            // A stray mark deleted with the line break before it.
            (
                "安装|\n”|后",
                "\n”",
                "",
                &[PassId::StrayTokens, PassId::LineJoin],
                &[("”", "")],
            ),
            // Dehyphenation: neither the hyphen nor the break go back, a typo fix inside does.
            (
                "infor-|\nmatlon",
                "infor-\nmatlon",
                "information",
                &[PassId::Dehyphenate, PassId::Typo],
                &[("l", "i")],
            ),
            // A space inside a word element goes back; one between two elements does not.
            (
                "中 国|人民",
                "中 国",
                "中国",
                &[PassId::CjkSpacing],
                &[(" ", "")],
            ),
            ("中| 国", " ", "", &[PassId::CjkSpacing], &[]),
            // Character passes alone, inside words.
            (
                "使用|ａｐｔ",
                "ａｐｔ",
                "apt",
                &[PassId::Width],
                &[("ａｐｔ", "apt")],
            ),
            ("安妆|软件", "妆", "装", &[PassId::Typo], &[("妆", "装")]),
        ];
        for (words, before, after, passes, want) in cases {
            assert_eq!(
                split(words, before, after, passes),
                pairs(want),
                "{words:?}"
            );
        }
    }

    #[test]
    fn insertions_go_where_they_were_made() {
        // A glued word split inside one element (`adaptat` → `adapt at`): a space inserted.
        let (text, spans) = layout("使用|adaptat");
        let at = text.find("adapt").unwrap() + "adapt".len();
        let mut c = change(&text, "", "", &[PassId::Typo]);
        (c.start, c.end, c.after) = (at, at, " ".to_string());
        assert_eq!(
            split_change(&text, &spans, &c),
            vec![(at..at, " ".to_string())]
        );
        // The same space between two elements is layout.
        c.start = text.find("adaptat").unwrap();
        c.end = c.start;
        assert_eq!(split_change(&text, &spans, &c), vec![]);
    }

    #[test]
    fn layout_changes_and_removals_are_left_out() {
        let cases: &[(&str, &str, &str, &[PassId])] = &[
            ("第一行|\n第二行", "\n", "", &[PassId::LineJoin]),
            ("段落|\n\n|下一段", "\n\n", "\n", &[PassId::BlankLines]),
            ("infor-|\nmation", "-\n", "", &[PassId::Dehyphenate]),
            // A header line removed after a punctuation fix inside it: left out whole.
            (
                "正文|\n\n|《下村第|6版)",
                "\n\n《下村第6版)",
                "",
                &[PassId::CjkPunct, PassId::Furniture, PassId::BlankLines],
            ),
            ("重复|重复", "重复", "", &[PassId::Duplicates]),
        ];
        for (words, before, after, passes) in cases {
            assert_eq!(split(words, before, after, passes), pairs(&[]), "{words:?}");
        }
    }

    #[test]
    fn body_fixes_fused_with_a_layout_furniture_removal_go_back() {
        // `正文:` then a page number the layout tagged as a footer: the ledger fused the
        // mark's fix with the footer's removal (and the final line break).
        let (text, mut spans) = layout("正文|:|\n\n|第 13 页");
        spans.last_mut().unwrap().source.role = Role::Footer;
        let mut c = change(
            &text,
            ":\n\n第 13 页",
            "：\n",
            &[PassId::CjkPunct, PassId::Furniture, PassId::BlankLines],
        );
        let rules = ["paren-width", "layout-footer", "final-newline"];
        c.rule = rules[2];
        for (step, rule) in c.history.iter_mut().zip(rules) {
            step.rule = rule;
        }
        let edits: Vec<(String, String)> = split_change(&text, &spans, &c)
            .into_iter()
            .map(|(r, t)| (text[r].to_string(), t))
            .collect();
        assert_eq!(edits, pairs(&[(":", "：")]));
        // A fix inside the removed footer never goes back.
        let mut c = change(
            &text,
            ":\n\n第 13 页",
            "：\n",
            &[PassId::CjkPunct, PassId::Furniture, PassId::BlankLines],
        );
        c.before = "第 13 页".into();
        c.start = text.find("第 13 页").unwrap();
        c.end = text.len();
        c.after = String::new();
        for (step, rule) in c.history.iter_mut().zip(rules) {
            step.rule = rule;
        }
        assert_eq!(split_change(&text, &spans, &c), vec![]);
        // The text rules' furniture (`page-number`) still leaves a change out whole: the
        // line it removed is body text in the layout.
        let mut c = change(
            &text,
            ":\n\n第 13 页",
            "：\n",
            &[PassId::CjkPunct, PassId::Furniture, PassId::BlankLines],
        );
        c.history[1].rule = "page-number";
        spans.last_mut().unwrap().source.role = Role::Body;
        assert_eq!(split_change(&text, &spans, &c), vec![]);
    }

    proptest::proptest! {
        /// The alignment spells out both texts; the split edits are sorted, disjoint, inside
        /// the change and on char boundaries, and never panic.
        #[test]
        fn alignment_and_split_are_well_formed(
            words in "[a-c中国 \n|;；,，-]{0,16}",
            cut in 0usize..64,
            len in 0usize..64,
            after in "[a-c中国 \n;；，-]{0,8}",
            mask in 0usize..(1 << 6),
        ) {
            let (text, spans) = layout(&words);
            let start = text.floor_char_boundary(cut.min(text.len()));
            let end = text.floor_char_boundary((start + len).min(text.len()));
            let before = &text[start..end];
            let chars: Vec<(usize, char)> = before.char_indices().collect();
            let after_chars: Vec<char> = after.chars().collect();
            let ops = align(start, &chars, &after_chars).unwrap();
            let (mut b, mut a) = (String::new(), String::new());
            for op in &ops {
                match *op {
                    Op::Match(_, c) => { b.push(c); a.push(c); }
                    Op::Sub(_, x, y) => { b.push(x); a.push(y); }
                    Op::Del(_, x) => b.push(x),
                    Op::Ins(_, y) => a.push(y),
                }
            }
            proptest::prop_assert_eq!(&b, before);
            proptest::prop_assert_eq!(&a, &after);
            let pool = [PassId::Width, PassId::CjkPunct, PassId::Typo, PassId::LineJoin, PassId::Dehyphenate, PassId::BlankLines];
            let mut passes: Vec<PassId> =
                (0..6).filter(|i| mask & (1 << i) != 0).map(|i| pool[i]).collect();
            if passes.is_empty() {
                passes.push(PassId::Typo);
            }
            let (last, earlier) = passes.split_last().unwrap();
            let mut c = change(&text, "", "", &[*last]);
            c.start = start;
            c.end = end;
            c.before = before.to_string();
            c.after = after.clone();
            c.history = earlier
                .iter()
                .map(|&pass| Step { pass, rule: "test", confidence: 1.0 })
                .collect();
            let mut at = start;
            for (r, _) in split_change(&text, &spans, &c) {
                proptest::prop_assert!(at <= r.start && r.start <= r.end && r.end <= end);
                proptest::prop_assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
                at = r.end;
            }
        }
    }

    #[test]
    fn alignment_prefers_visible_substitutions_and_cheap_whitespace() {
        let before: Vec<(usize, char)> = "\n; ".char_indices().collect();
        let after: Vec<char> = "；".chars().collect();
        assert_eq!(
            align(0, &before, &after),
            Some(vec![
                Op::Del(0, '\n'),
                Op::Sub(1, ';', '；'),
                Op::Del(2, ' ')
            ])
        );
        // Too long to align.
        let long: Vec<(usize, char)> = "字".repeat(2000).char_indices().collect();
        let after: Vec<char> = "字".repeat(1000).chars().collect();
        assert_eq!(align(0, &long, &after), None);
    }
}
