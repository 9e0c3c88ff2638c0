//! ocrtidy cleans text produced by OCR. It repairs what it is sure of, proposes what it is not,
//! and accounts for every change.
//!
//! ```
//! let cleaned = ocrtidy::Pipeline::default().clean("第一段  \r\n\r\n\r\n第二段\r\n");
//! assert_eq!(cleaned.text, "第一段\n第二段");
//! // Every change carries its pass, rule, confidence and span in the original input.
//! assert!(cleaned.changes.iter().all(|c| c.applied));
//! assert_eq!(ocrtidy::replay("第一段  \r\n\r\n\r\n第二段\r\n", &cleaned.changes).as_deref(),
//!            Some(cleaned.text.as_str()));
//! ```
//!
//! This crate is the facade: it wires the pass crates into a [`Pipeline`] through the pass
//! registry in [`registry`], and re-exports the types a library user needs.

pub mod chunked;
pub mod document;
pub mod eval;
pub mod registry;
pub mod stream;

pub use ocrtidy_core::{
    replay, text, Candidate, Change, Cleaned, ConfidenceSpan, Context, EditSink, FurnitureHint,
    LineBreakHint, Pass, PassId, PassInput, PassKind, PassSpec, RuleSpec, RunStats, Step,
};
pub use ocrtidy_decode::{
    decode, DecodeError, DecodeOptions, DecodeReport, Decoded, EncodingChoice,
};
pub use ocrtidy_normalize::{ParagraphSeparator, ScriptConversion};
pub use registry::{available_passes, BuildError, Config, UnknownPass};

use ocrtidy_core::Runner;

/// An ordered set of passes with their configuration, ready to clean text.
#[derive(Debug)]
pub struct Pipeline {
    runner: Runner,
    context: Context,
}

impl Default for Pipeline {
    /// The default pipeline: every available pass with the default configuration.
    fn default() -> Self {
        PipelineBuilder::default()
            .build()
            .expect("the default configuration uses embedded data only and is valid")
    }
}

impl Pipeline {
    pub fn builder() -> PipelineBuilder {
        PipelineBuilder::default()
    }

    /// Cleans one text.
    pub fn clean(&self, text: &str) -> Cleaned {
        self.runner.run(text, &self.context)
    }

    /// Cleans one text and returns only the cleaned text, the same as [`Pipeline::clean`]'s,
    /// without building the change ledger: for a caller that does not read it.
    ///
    /// ```
    /// let pipeline = ocrtidy::Pipeline::default();
    /// let text = "第一段  \r\n\r\n\r\n第二段\r\n";
    /// assert_eq!(pipeline.clean_text(text), pipeline.clean(text).text);
    /// ```
    pub fn clean_text(&self, text: &str) -> String {
        self.runner.run_text(text, &self.context).0
    }

    /// [`Pipeline::clean_text`] on a text given away: its buffer is reused, so a long document
    /// is not held twice while it is cleaned.
    ///
    /// ```
    /// let pipeline = ocrtidy::Pipeline::default();
    /// let text = "第一段  \r\n\r\n\r\n第二段\r\n";
    /// assert_eq!(pipeline.clean_text_owned(text.to_string()), pipeline.clean_text(text));
    /// ```
    pub fn clean_text_owned(&self, text: String) -> String {
        self.runner.run_text_owned(text, &self.context).0
    }

    /// Cleans one text with document evidence of its own, such as the OCR engine's confidences
    /// of its spans (`Context::with_confidences`, in `text`'s offsets; the typo pass uses them).
    pub fn clean_with(&self, text: &str, context: &Context) -> Cleaned {
        self.runner.run(text, context)
    }

    /// Cleans the pages of one document together, so that cross-page evidence (running
    /// headers, page-number sequences, fragments continued on the next page) is available, and
    /// returns one result per page: its text and its ledger, with offsets rebased to the page.
    /// The pages are joined with a form feed, the page separator; see [`stream::pages`].
    pub fn clean_pages(&self, pages: &[&str]) -> Vec<Cleaned> {
        stream::pages::clean_pages(self, pages)
    }

    /// The texts of [`Pipeline::clean_pages`] alone, for a caller that reads no ledger: the
    /// run keeps no ledger and no suggestions (as [`Pipeline::clean_text`]), which makes a
    /// document's pages cost about what they cost cleaned one by one. The pages are found
    /// again at the form feeds of the cleaned text; where that cannot tell them apart (a page
    /// with a form feed of its own, or an empty page whose separator collapsed), they are
    /// cleaned again with the ledger.
    ///
    /// ```
    /// let pipeline = ocrtidy::Pipeline::default();
    /// let pages = ["第一页  \n人民日报\n\n第一段", "人民日报\n第二段\n", ""];
    /// let texts: Vec<String> = pipeline.clean_pages(&pages).into_iter().map(|c| c.text).collect();
    /// assert_eq!(pipeline.clean_pages_text(&pages), texts);
    /// ```
    pub fn clean_pages_text(&self, pages: &[&str]) -> Vec<String> {
        stream::pages::clean_pages_text(self, pages)
    }

    /// [`Pipeline::clean_pages`] with document evidence of each page's own (confidences and
    /// line-break hints in the page's offsets, as for [`Pipeline::clean_with`]), such as the
    /// pages of one document laid out from the OCR engine's output.
    pub fn clean_pages_with(&self, pages: &[(&str, &Context)]) -> Vec<Cleaned> {
        stream::pages::clean_pages_with(self, pages)
    }

    /// Decodes bytes (see [`ocrtidy_decode`]: UTF-8 with or without BOM, UTF-16 by BOM,
    /// GB18030/GBK and Big5 by detection or label) and cleans the text.
    ///
    /// The ledger is in offsets of the decoded text. Every malformed byte sequence, which the
    /// decoder replaced by one U+FFFD, is recorded as a change of pass `decode`, rule
    /// `invalid-bytes`: `before` and `after` are `"\u{FFFD}"`, it is not applied (the U+FFFD
    /// stays in the text: what the bytes meant is unknown), and its one candidate is the empty
    /// string (deleting the mark). The byte range in the input is in the [`DecodeReport`].
    ///
    /// ```
    /// use ocrtidy::{DecodeOptions, PassId, Pipeline};
    /// let bytes = b"\xb5\xda\xd2\xbb\xb6\xce"; // 第一段 in GBK
    /// let (cleaned, report) = Pipeline::default().clean_bytes(bytes, &DecodeOptions::default());
    /// assert_eq!((cleaned.text.as_str(), report.encoding), ("第一段", "GBK"));
    ///
    /// let (cleaned, report) =
    ///     Pipeline::default().clean_bytes("第一\u{0}段".as_bytes(), &DecodeOptions::default());
    /// assert_eq!((cleaned.text.as_str(), report.invalid_bytes()), ("第一段", 0));
    ///
    /// let mut damaged = "第一段落的文字".as_bytes().to_vec();
    /// damaged.insert(6, 0xff);
    /// let (cleaned, report) = Pipeline::builder()
    ///     .only([PassId::Newlines])
    ///     .build()
    ///     .unwrap()
    ///     .clean_bytes(&damaged, &DecodeOptions::default());
    /// assert_eq!(report.invalid_bytes(), 1);
    /// let note = cleaned.changes.iter().find(|c| c.pass == PassId::Decode).unwrap();
    /// assert_eq!((note.rule, note.applied, note.start), ("invalid-bytes", false, 6));
    /// ```
    pub fn clean_bytes(&self, bytes: &[u8], options: &DecodeOptions) -> (Cleaned, DecodeReport) {
        let decoded = ocrtidy_decode::decode(bytes, options);
        let mut cleaned = self.clean(&decoded.text);
        record_invalid_bytes(&mut cleaned, &decoded.text, &decoded.report);
        if decoded.report.bom
            && decoded.report.encoding == "UTF-8"
            && decoded.report.invalid.is_empty()
        {
            // Offsets then refer to the input bytes themselves, BOM included.
            record_bom(&mut cleaned, "\u{feff}");
        }
        (cleaned, decoded.report)
    }

    /// The ids of the passes this pipeline runs, in order.
    pub fn passes(&self) -> Vec<PassId> {
        self.runner.pass_ids()
    }

    /// Whether every pass of the pipeline is line-local ([`PassSpec::local`]), so that a long
    /// text can be cleaned piece by piece in bounded memory ([`chunked`]) with the same result.
    pub fn is_local(&self) -> bool {
        self.nonlocal_pass().is_none()
    }

    /// The first pass that is not line-local.
    pub(crate) fn nonlocal_pass(&self) -> Option<PassId> {
        self.runner.specs().find(|s| !s.local).map(|s| s.id)
    }
}

/// Ends the text of `cleaned` (the result of cleaning `original`) with one line break, as a
/// text file ends, and records it in the ledger (`blank-lines`/`final-newline`, fused into a
/// change at the end of the text when there is one), so that the bytes a program writes and the
/// replay of its ledger agree. An empty text, or one that ends with a line break, is left as
/// it is.
///
/// ```
/// use ocrtidy::{replay, Pipeline};
/// let input = "第一段  \n\n\n第二段\n\n";
/// let mut cleaned = Pipeline::default().clean(input);
/// assert_eq!(cleaned.text, "第一段\n第二段");
/// ocrtidy::end_with_newline(&mut cleaned, input);
/// assert_eq!(cleaned.text, "第一段\n第二段\n");
/// assert_eq!(replay(input, &cleaned.changes).as_deref(), Some(cleaned.text.as_str()));
/// ```
pub fn end_with_newline(cleaned: &mut Cleaned, original: &str) {
    if cleaned.text.is_empty() || cleaned.text.ends_with('\n') {
        return;
    }
    let out_len = cleaned.text.len();
    cleaned.text.push('\n');
    let step = Step {
        pass: PassId::BlankLines,
        rule: "final-newline",
        confidence: 1.0,
    };
    let at_end = cleaned
        .changes
        .iter()
        .rposition(|c| c.applied && c.end == original.len() && c.out_end == out_len);
    if let Some(i) = at_end {
        let c = &mut cleaned.changes[i];
        c.after.push('\n');
        c.out_end += 1;
        if c.before == c.after {
            // The text's own final line break, removed and put back: no change at all.
            cleaned.changes.remove(i);
        } else {
            c.history.push(step);
        }
        return;
    }
    let chars = original.chars().count();
    let change = Change {
        pass: step.pass,
        rule: step.rule,
        start: original.len(),
        end: original.len(),
        char_start: chars,
        char_end: chars,
        before: String::new(),
        after: "\n".to_string(),
        confidence: 1.0,
        applied: true,
        candidates: Vec::new(),
        out_start: out_len,
        out_end: out_len + 1,
        history: Vec::new(),
    };
    // Where a stable sort of the ledger with the change pushed last would put it. A sorted
    // ledger (the runner's) takes it there without being sorted again or doubled by the push:
    // on a long document the ledger is the largest thing held.
    let key = |c: &Change| (c.start, c.end, !c.applied);
    if cleaned.changes.is_sorted_by_key(key) {
        let at = cleaned.changes.partition_point(|c| key(c) <= key(&change));
        cleaned.changes.reserve_exact(1);
        cleaned.changes.insert(at, change);
    } else {
        cleaned.changes.push(change);
        cleaned.changes.sort_by_key(key);
    }
}

/// Makes the ledger of `cleaned` (the result of cleaning the text after a UTF-8 byte order
/// mark) refer to the input as it was, BOM included: every offset moves past the BOM and an
/// applied `decode`/`bom` change records its removal. Replaying the ledger on the input (with
/// its BOM, as UTF-8) then gives the output. Nothing happens when `bom` is empty.
///
/// ```
/// use ocrtidy::{replay, Pipeline};
/// let input = "\u{feff}Hello  world\n";
/// let mut cleaned = Pipeline::default().clean(&input[3..]);
/// ocrtidy::record_bom(&mut cleaned, &input[..3]);
/// assert_eq!(cleaned.changes[0].rule, "bom");
/// assert_eq!(replay(input, &cleaned.changes).as_deref(), Some(cleaned.text.as_str()));
/// ```
pub fn record_bom(cleaned: &mut Cleaned, bom: &str) {
    if bom.is_empty() {
        return;
    }
    let chars = bom.chars().count();
    for c in &mut cleaned.changes {
        c.start += bom.len();
        c.end += bom.len();
        c.char_start += chars;
        c.char_end += chars;
    }
    cleaned.changes.insert(
        0,
        Change {
            pass: PassId::Decode,
            rule: "bom",
            start: 0,
            end: bom.len(),
            char_start: 0,
            char_end: chars,
            before: bom.to_string(),
            after: String::new(),
            confidence: 1.0,
            applied: true,
            candidates: Vec::new(),
            out_start: 0,
            out_end: 0,
            history: Vec::new(),
        },
    );
}

/// Adds a `decode`/`invalid-bytes` suggestion to the ledger of `cleaned` (the result of cleaning
/// `text`) for every malformed byte sequence of `report` (see [`Pipeline::clean_bytes`]).
pub fn record_invalid_bytes(cleaned: &mut Cleaned, text: &str, report: &DecodeReport) {
    if report.invalid.is_empty() {
        return;
    }
    let chars = text::CharIndex::new(text);
    for run in &report.invalid {
        let start = run.text_offset;
        let end = start + '\u{fffd}'.len_utf8();
        if text.get(start..end) != Some("\u{fffd}") {
            continue;
        }
        let (out_start, out_end) = output_range(&cleaned.changes, start, end);
        cleaned.changes.push(Change {
            pass: PassId::Decode,
            rule: "invalid-bytes",
            start,
            end,
            char_start: chars.char_offset(start),
            char_end: chars.char_offset(end),
            before: "\u{fffd}".to_string(),
            after: "\u{fffd}".to_string(),
            confidence: 1.0,
            applied: false,
            candidates: vec![Candidate::new("", 0.2)],
            out_start,
            out_end,
            history: Vec::new(),
        });
    }
    cleaned.changes.sort_by_key(|c| (c.start, c.end));
}

/// The declaration of the decoding step: not a text pass (it runs before the pipeline, in
/// [`Pipeline::clean_bytes`] and the CLI), but its changes are in the ledger like any other.
pub static DECODE: PassSpec = PassSpec {
    id: PassId::Decode,
    summary: "input decoding: a UTF-8 byte order mark removed, undecodable byte runs flagged",
    kind: PassKind::Character,
    removes_text: false,
    rerun: false,
    local: false,
    written_back: false,
    rules: &[
        RuleSpec {
            id: "bom",
            explain: "The UTF-8 byte order mark (bytes EF BB BF, U+FEFF) at the very start of the input file is removed, and this change records it so that the ledger's offsets refer to the file as it was. It is always applied (confidence 1.0), but only recorded when the input decoded as UTF-8 with no damaged bytes; a UTF-16 BOM, or the BOM of a damaged UTF-8 file, is dropped by the decoder without an entry. A U+FEFF further inside the text is not this rule: unicode-forms removes it under its own `bom` rule.",
        },
        RuleSpec {
            id: "invalid-bytes",
            explain: "Each byte sequence that could not be decoded in the detected encoding (a stray byte in UTF-8, a broken GBK or Big5 pair) was replaced by the decoder with one replacement character `�`; this entry flags it. It is only a suggestion: the `�` stays in the text, because what the bytes meant is unknown, and the single candidate (score 0.2) is to delete it. The command line records it for plain-text input only, not for hOCR/ALTO/PAGE files.",
        },
    ],
};

/// Where the original range `start..end` lies in the output: shifted by the applied changes
/// before it, or the output range of the applied change that covers it.
fn output_range(changes: &[Change], start: usize, end: usize) -> (usize, usize) {
    let mut delta: isize = 0;
    for c in changes.iter().filter(|c| c.applied) {
        if c.end <= start {
            delta += c.after.len() as isize - (c.end - c.start) as isize;
        } else if c.start < end {
            return (c.out_start, c.out_end);
        }
    }
    (
        start.saturating_add_signed(delta),
        end.saturating_add_signed(delta),
    )
}

/// Chooses passes and configuration for a [`Pipeline`], and adds a user's own passes.
///
/// ```
/// use ocrtidy::{EditSink, Pass, PassId, PassInput, PassKind, PassSpec, Pipeline, RuleSpec};
///
/// /// Replaces the OCR misreading `rn` → `m` in one known word.
/// struct Modern;
///
/// static MODERN: PassSpec = PassSpec {
///     id: PassId::new("modern"),
///     summary: "`rnodern` read as `modern`",
///     kind: PassKind::Character,
///     removes_text: false,
///     rerun: true,
///     local: false,
///     written_back: true,
///     rules: &[RuleSpec { id: "rn-m", explain: "`rn` misread for `m` in `modern`." }],
/// };
///
/// impl Pass for Modern {
///     fn spec(&self) -> &'static PassSpec {
///         &MODERN
///     }
///     fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
///         for (at, _) in input.text.match_indices("rnodern") {
///             let _ = sink.replace(at..at + 7, "modern", "rn-m", 0.9);
///         }
///     }
/// }
///
/// let pipeline = Pipeline::builder()
///     .insert_after(PassId::UnicodeForms, Modern)
///     .build()
///     .unwrap();
/// let cleaned = pipeline.clean("a rnodern press");
/// assert_eq!(cleaned.text, "a modern press");
/// assert!(cleaned.changes.iter().any(|c| c.pass == PassId::new("modern") && c.rule == "rn-m"));
/// ```
#[derive(Clone, Default)]
pub struct PipelineBuilder {
    only: Option<Vec<PassId>>,
    skip: Vec<PassId>,
    config: Config,
    custom: Vec<(Place, std::sync::Arc<dyn Pass>)>,
}

/// Where a user's pass goes: before or after a registered pass.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Place {
    Before(PassId),
    After(PassId),
}

impl std::fmt::Debug for PipelineBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PipelineBuilder")
            .field("only", &self.only)
            .field("skip", &self.skip)
            .field("config", &self.config)
            .field(
                "custom",
                &self
                    .custom
                    .iter()
                    .map(|(at, p)| (at, p.id()))
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

/// A user's pass shared by the builders it was cloned into.
struct Shared(std::sync::Arc<dyn Pass>);

impl Pass for Shared {
    fn spec(&self) -> &'static PassSpec {
        self.0.spec()
    }
    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        self.0.run(input, sink)
    }
    fn rerun(&self) -> bool {
        self.0.rerun()
    }
}

impl PipelineBuilder {
    /// Runs only these passes (still in pipeline order). A user's passes added with
    /// [`PipelineBuilder::insert_before`]/[`PipelineBuilder::insert_after`] run as well.
    pub fn only(mut self, passes: impl IntoIterator<Item = PassId>) -> Self {
        self.only = Some(passes.into_iter().collect());
        self
    }

    /// Leaves these passes out (a user's pass too, by its id).
    pub fn skip(mut self, passes: impl IntoIterator<Item = PassId>) -> Self {
        self.skip.extend(passes);
        self
    }

    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// Adds a user's pass right before the registered pass `anchor` (whether or not that one
    /// runs). Its changes carry its own [`PassSpec::id`]; its id must be kebab-case and unlike
    /// every other pass's, which [`PipelineBuilder::build`] checks.
    pub fn insert_before(mut self, anchor: PassId, pass: impl Pass + 'static) -> Self {
        self.custom
            .push((Place::Before(anchor), std::sync::Arc::new(pass)));
        self
    }

    /// Adds a user's pass right after the registered pass `anchor`; see
    /// [`PipelineBuilder::insert_before`]. Passes inserted at the same place run in the order
    /// they were added.
    pub fn insert_after(mut self, anchor: PassId, pass: impl Pass + 'static) -> Self {
        self.custom
            .push((Place::After(anchor), std::sync::Arc::new(pass)));
        self
    }

    /// Builds the passes. Fails when a selected pass is not available in this build or its
    /// configuration or data is invalid, or a user's pass has a bad or taken id or an unknown
    /// anchor.
    pub fn build(self) -> Result<Pipeline, BuildError> {
        let available = available_passes();
        if let Some(only) = &self.only {
            for id in only {
                if !available.contains(id) {
                    return Err(BuildError::Unavailable(*id));
                }
            }
        }
        let mut seen: Vec<PassId> = registry::specs().map(|s| s.id).collect();
        for (place, pass) in &self.custom {
            let id = pass.id();
            let (Place::Before(anchor) | Place::After(anchor)) = *place;
            let problem = if !PassId::is_valid_name(id.name()) {
                Some("its id is not kebab-case".to_string())
            } else if seen.contains(&id) {
                Some("another pass has its id".to_string())
            } else if !available.contains(&anchor) {
                Some(format!(
                    "it is placed next to `{anchor}`, which is not a text pass"
                ))
            } else {
                None
            };
            if let Some(message) = problem {
                return Err(BuildError::Invalid { pass: id, message });
            }
            seen.push(id);
        }
        let (custom, skip) = (&self.custom, &self.skip);
        let custom_at = |place: Place| -> Vec<Box<dyn Pass>> {
            custom
                .iter()
                .filter(|(p, pass)| *p == place && !skip.contains(&pass.id()))
                .map(|(_, pass)| Box::new(Shared(pass.clone())) as Box<dyn Pass>)
                .collect()
        };
        let mut passes: Vec<Box<dyn Pass>> = Vec::new();
        for &id in available {
            passes.extend(custom_at(Place::Before(id)));
            let wanted = self.only.as_ref().is_none_or(|o| o.contains(&id));
            if wanted && !self.skip.contains(&id) {
                let explicitly = self.only.is_some();
                if let Some(pass) = registry::build_pass(id, &self.config, explicitly)? {
                    passes.push(pass);
                }
            }
            passes.extend(custom_at(Place::After(id)));
        }
        Ok(Pipeline {
            runner: Runner::new(passes),
            context: Context::default(),
        })
    }
}

#[cfg(test)]
mod newline_tests {
    use super::*;

    fn suggestion(start: usize, end: usize) -> Change {
        Change {
            pass: PassId::Typo,
            rule: "typo-zh",
            start,
            end,
            char_start: start,
            char_end: end,
            before: "x".repeat(end - start),
            after: "y".repeat(end - start),
            confidence: 0.6,
            applied: false,
            candidates: Vec::new(),
            out_start: start,
            out_end: end,
            history: Vec::new(),
        }
    }

    #[test]
    fn the_final_line_break_goes_where_a_sort_of_the_ledger_puts_it() {
        let original = "abcd";
        // A suggestion on the last char, an applied change and a suggestion that are both empty
        // at the end (a suggestion sorts after an applied change of the same range).
        for changes in [
            vec![suggestion(3, 4), suggestion(4, 4)],
            // Not sorted by `applied`: the ledger is sorted as a whole.
            vec![suggestion(4, 4), suggestion(3, 4)],
        ] {
            let mut cleaned = Cleaned {
                text: "abcd".to_string(),
                changes,
                ..Cleaned::default()
            };
            end_with_newline(&mut cleaned, original);
            assert_eq!(cleaned.text, "abcd\n");
            let order: Vec<(usize, usize, bool)> = cleaned
                .changes
                .iter()
                .map(|c| (c.start, c.end, c.applied))
                .collect();
            assert_eq!(order, [(3, 4, false), (4, 4, true), (4, 4, false)]);
            assert_eq!(cleaned.changes[1].rule, "final-newline");
        }
    }
}
