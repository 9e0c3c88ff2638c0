use std::cell::OnceCell;
use std::collections::HashMap;
use std::ops::Range;

use ocrtidy_core::{Candidate, EditSink, Pass, PassId, PassInput};

use crate::chars::{is_dash, is_hspace, is_strong_junk, is_weak_junk};
use crate::converge::{converge, Deletion};
use crate::lines::{line_ranges, skip_hspace_back};
use crate::similar::{
    key, key_and_digits, lengths_allow, similarity_at_least, FastHash, Histogram, ShingleFilter,
    ShingleIndex, SHINGLE,
};

/// Removes lines, blocks of lines and sentences that OCR repeated (overlapping regions, double
/// text layers, re-scanned strips), and proposes the removal of repeats it is not sure about.
///
/// It runs after the layout passes, so a line is a paragraph. Fragments are compared by a key
/// without whitespace (ASCII lower-cased, full-width folded); two copies are near-equal when their
/// normalised edit similarity is at least 0.9. Detection is linear in the document size: lines
/// are compared with the few lines before them only, and sentences are looked up in a
/// character-shingle index of the earlier text.
///
/// Rules:
/// - `repeated-line` / `repeated-block`: a paragraph (or a block of up to 8) that repeats the
///   one(s) right before it. Removed when the copy has at least 20 characters and is exact, or
///   near-exact with at least 30 characters and the same digits; otherwise (8+ characters)
///   suggested.
/// - `repeated-sentence`: a sentence that repeats the sentence right before it in the same
///   paragraph (removed from 10 characters when exact, from 20 when near-exact); a sentence of 12+
///   characters at a seam that an earlier paragraph already said word for word: the last sentence
///   of a paragraph that had already ended, or the first sentence of a paragraph that repeats the
///   end of the previous one (removed). Near copies at a seam, and copies of 15+ characters inside a
///   paragraph, are suggested.
///
/// Kept: short lines (refrains, table cells, headings), table-like lines, a headline or
/// subheading that the body restates (it has no sentence-ending punctuation), list items that
/// share a prefix, a sentence in quotes.
#[derive(Debug, Default, Clone)]
pub struct Duplicates;

/// How many preceding paragraphs a paragraph is compared with (the longest repeated block).
const MAX_BLOCK: usize = 8;
/// The similarity from which two fragments are near-equal.
const NEAR: f64 = 0.9;

#[derive(Clone)]
struct Para {
    range: Range<usize>,
    key: Vec<char>,
    /// The histogram of the key, built on first use.
    hist: OnceCell<Histogram>,
    table_like: bool,
}

impl Para {
    fn hist(&self) -> &Histogram {
        self.hist.get_or_init(|| Histogram::of(&self.key))
    }

    fn new(text: &str, range: Range<usize>) -> Para {
        let line = &text[range.clone()];
        let (k, digits) = key_and_digits(line);
        // [`is_table_like`], with the counts the key gives (its length is the visible count).
        let table_like = if line.contains("  ") {
            is_table_like(line)
        } else {
            digits * 2 > k.len()
        };
        Para {
            table_like,
            hist: OnceCell::new(),
            key: k,
            range,
        }
    }

    /// The paragraph as it reads once the `cut` ranges (sorted by start) are removed.
    fn without(&self, text: &str, cut: &[Range<usize>]) -> Para {
        let inside: Vec<&Range<usize>> = cut
            .iter()
            .filter(|c| c.start < self.range.end && c.end > self.range.start)
            .collect();
        if inside.is_empty() {
            return self.clone();
        }
        let mut s = String::new();
        let mut pos = self.range.start;
        for c in inside {
            s.push_str(&text[pos..c.start.max(pos)]);
            pos = pos.max(c.end);
        }
        s.push_str(&text[pos.min(self.range.end)..self.range.end]);
        let k = key(&s);
        Para {
            table_like: is_table_like(&s),
            hist: OnceCell::new(),
            key: k,
            range: self.range.clone(),
        }
    }
}

struct Sentence<'a> {
    /// Bytes of the sentence in the text (from its first visible character).
    range: Range<usize>,
    /// Its key: a stretch of its paragraph's key.
    key: &'a [char],
    /// Ends with sentence-ending punctuation.
    terminal: bool,
    quoted: bool,
}

/// What to do with a detected repeat.
enum Verdict {
    Remove(f32),
    Suggest(f32),
    Keep,
}

impl Pass for Duplicates {
    fn id(&self) -> PassId {
        PassId::Duplicates
    }

    fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
        for (range, rule, confidence) in converge(input.text, sink, plan) {
            let _ = sink.delete(range, rule, confidence);
        }
    }
}

/// Plans the removals of one round: repeated lines and blocks, then repeated sentences, then
/// the lines that the sentence removals left repeating their neighbour.
fn plan(text: &str, sink: &mut EditSink<'_>) -> Vec<Deletion> {
    {
        let lines = line_ranges(text);
        let mut paras: Vec<Para> = Vec::with_capacity(lines.len());
        paras.extend(
            lines
                .into_iter()
                .filter(|r| !text[r.clone()].trim().is_empty())
                .map(|r| Para::new(text, r)),
        );
        let mut edits: Vec<(Range<usize>, &'static str, f32)> = Vec::new();
        let removed = repeated_lines(text, &paras, &mut edits, Some(&mut *sink));
        let before = edits.len();
        repeated_sentences(text, &paras, &removed, &mut edits, sink);
        // Removing sentences can leave a paragraph that repeats its neighbour: compare again what
        // stays, so that the output holds no repeat this pass would remove.
        let mut cut: Vec<Range<usize>> =
            edits[before..].iter().map(|(r, _, _)| r.clone()).collect();
        cut.sort_by_key(|r| (r.start, r.end));
        if !cut.is_empty() {
            let reduced: Vec<Para> = paras
                .iter()
                .zip(&removed)
                .filter(|(_, &gone)| !gone)
                .map(|(p, _)| p.without(text, &cut))
                .collect();
            repeated_lines(text, &reduced, &mut edits, None);
        }
        edits
    }
}

/// A line of a table: cells separated by wide gaps, or mostly digits.
fn is_table_like(line: &str) -> bool {
    // Without a double space the line is one cell: only the digits can decide.
    if !line.contains("  ") {
        let (visible, digits) = line.chars().fold((0usize, 0usize), |(v, d), c| {
            (
                v + usize::from(!c.is_whitespace()),
                d + usize::from(c.is_ascii_digit()),
            )
        });
        return digits * 2 > visible;
    }
    let gaps = line
        .trim()
        .split("  ")
        .filter(|s| !s.trim().is_empty())
        .count();
    let visible = line.chars().filter(|c| !c.is_whitespace()).count();
    let digits = line.chars().filter(|c| c.is_ascii_digit()).count();
    gaps >= 3 || digits * 2 > visible
}

fn digits(k: &[char]) -> Vec<char> {
    k.iter().copied().filter(char::is_ascii_digit).collect()
}

/// Finds paragraphs and blocks of paragraphs that repeat the ones right before them; pushes the
/// removals into `edits`, the suggestions into `sink`, and returns which paragraphs go.
fn repeated_lines(
    text: &str,
    paras: &[Para],
    edits: &mut Vec<(Range<usize>, &'static str, f32)>,
    mut sink: Option<&mut EditSink<'_>>,
) -> Vec<bool> {
    let n = paras.len();
    let mut removed = vec![false; n];
    // Paragraphs are compared with the `MAX_BLOCK` before them only: the similarity of `a` and
    // `b` is cached at `sims[b][b - a - 1]`.
    let mut sims: Vec<[Option<Option<f64>>; MAX_BLOCK]> = vec![[None; MAX_BLOCK]; n];
    let mut sim = |a: usize, b: usize| -> Option<f64> {
        *sims[b][b - a - 1].get_or_insert_with(|| {
            let (pa, pb) = (&paras[a], &paras[b]);
            if pa.table_like || pb.table_like {
                return None;
            }
            if !lengths_allow(pa.key.len(), pb.key.len(), NEAR) {
                return None;
            }
            similarity_at_least(&pa.key, pa.hist(), &pb.key, pb.hist(), NEAR)
        })
    };
    let mut j = 1;
    while j < n {
        let mut found = None;
        for k in (1..=MAX_BLOCK.min(j).min(n - j)).rev() {
            let mut min_sim = 1.0f64;
            let all = (0..k).all(|t| match sim(j - k + t, j + t) {
                Some(s) => {
                    min_sim = min_sim.min(s);
                    true
                }
                None => false,
            });
            if all {
                found = Some((k, min_sim));
                break;
            }
        }
        let Some((k, min_sim)) = found else {
            j += 1;
            continue;
        };
        let block = j..j + k;
        let chars: usize = block.clone().map(|i| paras[i].key.len()).sum();
        let exact = min_sim >= 1.0;
        let same_digits = block
            .clone()
            .all(|i| digits(&paras[i].key) == digits(&paras[i - k].key));
        let verdict = if chars >= 20 && exact {
            Verdict::Remove(0.95)
        } else if chars >= 30 && same_digits {
            Verdict::Remove(0.8)
        } else if chars >= 8 {
            Verdict::Suggest(min_sim as f32 * 0.7)
        } else {
            Verdict::Keep
        };
        let rule = if k == 1 {
            "repeated-line"
        } else {
            "repeated-block"
        };
        match verdict {
            Verdict::Remove(c) => {
                for r in block_ranges(text, paras, block.clone()) {
                    edits.push((r, rule, c));
                }
                for i in block.clone() {
                    removed[i] = true;
                }
            }
            Verdict::Suggest(c) => {
                if let Some(sink) = sink.as_deref_mut() {
                    for i in block.clone() {
                        let cands = vec![Candidate::new("", c)];
                        let _ = sink.suggest(paras[i].range.clone(), cands, rule, c);
                    }
                }
            }
            Verdict::Keep => {}
        }
        j = block.end;
    }
    removed
}

/// The byte ranges that remove paragraphs `block` with the line breaks before them, without
/// removing a page break: when one lies in the way, the breaks after the block go instead, or
/// the contents of the lines only.
fn block_ranges(text: &str, paras: &[Para], block: Range<usize>) -> Vec<Range<usize>> {
    let first = &paras[block.start].range;
    let last = &paras[block.end - 1].range;
    let before = paras[block.start - 1].range.end..last.end;
    if !text[before.clone()].contains('\u{c}') {
        return vec![before];
    }
    if let Some(next) = paras.get(block.end) {
        let after = first.start..next.range.start;
        if !text[after.clone()].contains('\u{c}') {
            return vec![after];
        }
    }
    block.map(|i| paras[i].range.clone()).collect()
}

/// Splits a paragraph into sentences: after `。！？!?` (with the closing quotes and brackets that
/// follow) and after a `.` that ends a Latin word before a space.
/// They are written into `out` (cleared first, so that one buffer serves every paragraph).
fn sentences<'a>(text: &str, para: &'a Para, out: &mut Vec<Sentence<'a>>) {
    let s = &text[para.range.clone()];
    out.clear();
    // The key of a sentence is the stretch of the paragraph's key between the numbers of
    // non-whitespace characters before its ends, counted while scanning (`seen`). An open
    // sentence: its start, the count at its start, whether it has a letter or digit.
    let mut seen = 0usize;
    let mut open: Option<(usize, usize, bool)> = None;
    let mut chars = s.char_indices().peekable();
    let mut prev: Option<char> = None;
    let push = |out: &mut Vec<Sentence<'a>>,
                (a, ka, alnum): (usize, usize, bool),
                (b, kb): (usize, usize),
                terminal: bool| {
        // Punctuation and symbols alone are no sentence.
        if !alnum {
            return;
        }
        let body = &s[a..b];
        let k = &para.key[ka..kb];
        debug_assert_eq!(k, key(body).as_slice());
        out.push(Sentence {
            range: para.range.start + a..para.range.start + b,
            key: k,
            terminal,
            quoted: body.starts_with(['“', '「', '"', '‘']),
        });
    };
    while let Some((i, c)) = chars.next() {
        if open.is_none() {
            if is_hspace(c) {
                // Horizontal space is whitespace: not in the key.
                prev = Some(c);
                continue;
            }
            open = Some((i, seen, false));
        }
        // Looked up until the first letter or digit only (a Unicode table look-up).
        if let Some(sentence) = open.as_mut().filter(|o| !o.2) {
            sentence.2 = c.is_alphanumeric();
        }
        seen += usize::from(!c.is_whitespace());
        let ends = match c {
            '。' | '！' | '？' | '!' | '?' => true,
            '.' => {
                prev.is_some_and(|p| p.is_alphabetic())
                    && chars.peek().is_none_or(|&(_, n)| is_hspace(n))
            }
            _ => false,
        };
        prev = Some(c);
        if ends {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if matches!(d, '”' | '’' | '」' | '』' | '）' | ')' | '》' | '"') {
                    end = j + d.len_utf8();
                    seen += 1;
                    chars.next();
                } else {
                    break;
                }
            }
            if let Some(sentence) = open.take() {
                push(out, sentence, (end, seen), true);
            }
        }
    }
    if let Some(sentence) = open {
        // The trailing space after `b` is whitespace: `seen` counts up to `b`.
        let b = s.trim_end_matches(is_hspace).len();
        if b > sentence.0 {
            push(out, sentence, (b, seen), false);
        }
    }
}

/// The earlier text: the keys of the kept sentences of the paragraphs seen so far, one stream,
/// indexed by shingles. Before a look-up, the shingles pushed since the last one go into a Bloom
/// filter; the index itself is filled (in stream order, so with the same postings) only right
/// before a look-up that the filter cannot rule out, so a document without repeats never builds
/// it.
#[derive(Default)]
struct Earlier {
    stream: Vec<char>,
    /// For each stream position, the sentence (numbered in stream order) it belongs to.
    sentence_of: Vec<usize>,
    /// For each sentence, its stream range.
    bounds: Vec<Range<usize>>,
    index: ShingleIndex,
    filter: ShingleFilter,
    /// The sentences `bounds[..filtered]` are in the filter.
    filtered: usize,
    /// The sentences `bounds[..indexed]` are in the index.
    indexed: usize,
    /// The room the index gets when its first look-up fills it.
    capacity: usize,
}

impl Earlier {
    /// An empty stream with room for `total` characters.
    fn with_capacity(total: usize) -> Self {
        Earlier {
            stream: Vec::with_capacity(total),
            sentence_of: Vec::with_capacity(total),
            bounds: Vec::new(),
            index: ShingleIndex::default(),
            filter: ShingleFilter::with_capacity(total),
            filtered: 0,
            indexed: 0,
            capacity: total,
        }
    }

    fn push(&mut self, k: &[char]) {
        let start = self.stream.len();
        let id = self.bounds.len();
        self.stream.extend_from_slice(k);
        self.sentence_of.extend(std::iter::repeat_n(id, k.len()));
        self.bounds.push(start..self.stream.len());
    }

    /// Records in the filter the sentences pushed since the last look-up.
    fn filter_catch_up(&mut self) {
        for b in &self.bounds[self.filtered..] {
            self.filter.insert(&self.stream, b.clone());
        }
        self.filtered = self.bounds.len();
    }

    /// Indexes the sentences pushed since the last look-up.
    fn catch_up(&mut self) {
        if self.indexed == 0 && self.capacity > 0 {
            self.index = ShingleIndex::with_capacity(std::mem::take(&mut self.capacity));
        }
        for b in &self.bounds[self.indexed..] {
            self.index.insert(&self.stream, b.clone());
        }
        self.indexed = self.bounds.len();
    }

    /// Whether `k` occurs word for word inside one earlier sentence.
    fn contains(&mut self, k: &[char]) -> bool {
        if k.len() < SHINGLE {
            return false;
        }
        self.filter_catch_up();
        // A copy inside one earlier sentence has all its shingles indexed.
        if !(0..=k.len() - SHINGLE).all(|o| self.filter.may_contain(&k[o..])) {
            return false;
        }
        self.catch_up();
        self.index.get(k).iter().any(|&p| {
            let end = p + k.len();
            end <= self.stream.len()
                && self.sentence_of[p] == self.sentence_of[end - 1]
                && self.stream[p..end] == *k
        })
    }

    /// The best similarity (at least `min`) of `k` with a stretch of one earlier sentence,
    /// found by voting shingles onto alignment diagonals.
    fn near(&mut self, k: &[char], min: f64) -> Option<f64> {
        if k.len() < SHINGLE {
            return None;
        }
        self.filter_catch_up();
        // A diagonal gets at most one vote per shingle of `k`, and only from an indexed one.
        let need = ((k.len() - SHINGLE + 1) / 4).max(2);
        let found = (0..=k.len() - SHINGLE)
            .filter(|&o| self.filter.may_contain(&k[o..]))
            .count();
        if found < need {
            return None;
        }
        self.catch_up();
        let mut votes: HashMap<usize, usize, FastHash> =
            HashMap::with_capacity_and_hasher(k.len(), FastHash::default());
        for o in 0..=k.len() - SHINGLE {
            for &p in self.index.get(&k[o..]) {
                if p >= o {
                    *votes.entry(p - o).or_default() += 1;
                }
            }
        }
        let mut best: Vec<(usize, usize)> = votes.into_iter().filter(|&(_, v)| v >= need).collect();
        best.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let hk = Histogram::of(k);
        best.into_iter()
            .take(4)
            .filter_map(|(d, _)| {
                let id = self.sentence_of.get(d)?;
                let b = &self.bounds[*id];
                let region = &self.stream[d.max(b.start)..(d + k.len()).min(b.end)];
                similarity_at_least(k, &hk, region, &Histogram::of(region), min)
            })
            .reduce(f64::max)
    }
}

/// Finds repeated sentences in the paragraphs that stay; pushes removals into `edits` and
/// suggestions into `sink`.
fn repeated_sentences(
    text: &str,
    paras: &[Para],
    removed: &[bool],
    edits: &mut Vec<(Range<usize>, &'static str, f32)>,
    sink: &mut EditSink<'_>,
) {
    // The stream holds at most the keys of all paragraphs: reserved once, not grown.
    let total: usize = paras.iter().map(|p| p.key.len()).sum();
    let mut earlier = Earlier::with_capacity(total);
    let mut prev_last: Option<&[char]> = None;
    // Buffers reused from paragraph to paragraph.
    let mut sents: Vec<Sentence<'_>> = Vec::new();
    let mut keep: Vec<bool> = Vec::new();
    const RULE: &str = "repeated-sentence";
    for (p, para) in paras.iter().enumerate() {
        if removed[p] || para.table_like {
            continue;
        }
        sentences(text, para, &mut sents);
        let sents = &sents;
        keep.clear();
        keep.resize(sents.len(), true);
        // A sentence that repeats the one before it.
        let mut last_kept: Option<usize> = None;
        for (i, s) in sents.iter().enumerate() {
            if let Some(l) = last_kept {
                let a = &sents[l];
                let close = lengths_allow(a.key.len(), s.key.len(), NEAR);
                let sim = close.then(|| {
                    let (ha, hs) = (Histogram::of(a.key), Histogram::of(s.key));
                    similarity_at_least(a.key, &ha, s.key, &hs, NEAR)
                });
                if let Some(sim) = sim.flatten() {
                    let n = s.key.len();
                    let exact = sim >= 1.0;
                    if (exact && n >= 10) || (n >= 20 && digits(a.key) == digits(s.key)) {
                        keep[i] = false;
                        let start = skip_hspace_back(text, s.range.start).max(a.range.end);
                        // Symbols after it go too, the space before the next sentence stays.
                        let end = skip_noise(text, s.range.end, para.range.end);
                        let end = skip_hspace_back(text, end).max(s.range.end);
                        edits.push((start..end, RULE, if exact { 0.9 } else { 0.8 }));
                        continue;
                    } else if n >= 10 {
                        let c = sim as f32 * 0.7;
                        let _ = sink.suggest(s.range.clone(), vec![Candidate::new("", c)], RULE, c);
                    }
                }
            }
            last_kept = Some(i);
        }
        let kept = |keep: &[bool]| keep.iter().filter(|&&k| k).count();
        // The first sentence repeats the end of the previous paragraph.
        if let (Some(first), Some(prev)) = (keep.iter().position(|&k| k), prev_last.as_ref()) {
            let s = &sents[first];
            if kept(&keep) >= 2 && s.terminal && !s.quoted && s.key.len() >= 12 && s.key == *prev {
                keep[first] = false;
                edits.push((
                    s.range.start
                        ..skip_noise(text, next_kept_start(sents, &keep, first), para.range.end),
                    RULE,
                    0.85,
                ));
            }
        }
        // The last sentences repeat earlier paragraphs after the paragraph had ended.
        while kept(&keep) >= 2 {
            let Some(i) = keep.iter().rposition(|&k| k) else {
                break;
            };
            let s = &sents[i];
            if !s.terminal || s.quoted || s.key.len() < 12 {
                break;
            }
            if earlier.contains(s.key) {
                keep[i] = false;
                let start = skip_noise_back(text, s.range.start, para.range.start);
                let end = skip_noise(text, s.range.end, para.range.end);
                edits.push((start..end, RULE, 0.85));
            } else {
                if let Some(sim) = earlier.near(s.key, 0.85) {
                    let c = sim as f32 * 0.7;
                    let _ = sink.suggest(s.range.clone(), vec![Candidate::new("", c)], RULE, c);
                }
                break;
            }
        }
        // Other copies of earlier sentences are only flagged.
        let last = keep.iter().rposition(|&k| k);
        for (i, s) in sents.iter().enumerate() {
            if keep[i]
                && Some(i) != last
                && s.terminal
                && !s.quoted
                && s.key.len() >= 15
                && earlier.contains(s.key)
            {
                let _ = sink.suggest(s.range.clone(), vec![Candidate::new("", 0.5)], RULE, 0.5);
            }
        }
        for (i, s) in sents.iter().enumerate() {
            if keep[i] {
                earlier.push(s.key);
            }
        }
        prev_last = keep
            .iter()
            .rposition(|&k| k)
            .filter(|&i| sents[i].terminal)
            .map(|i| sents[i].key);
    }
}

/// The end of the removal of sentence `i` at a paragraph start: up to the next kept sentence.
fn next_kept_start(sents: &[Sentence<'_>], keep: &[bool], i: usize) -> usize {
    sents[i + 1..]
        .iter()
        .zip(&keep[i + 1..])
        .find(|(_, &k)| k)
        .map_or(sents[i].range.end, |(s, _)| s.range.start)
}

/// Whitespace and the symbols the `stray-tokens` pass removes: a removal takes them along, so
/// that it leaves none at a new line edge.
fn is_noise(c: char) -> bool {
    is_hspace(c) || is_strong_junk(c) || is_weak_junk(c) || (is_dash(c) && c.is_ascii())
}

/// The end of the noise that starts at `pos`, at most `ceil`.
fn skip_noise(text: &str, pos: usize, ceil: usize) -> usize {
    text[pos..ceil]
        .char_indices()
        .find(|&(_, c)| !is_noise(c))
        .map_or(ceil, |(i, _)| pos + i)
}

/// The start of the noise that ends at `pos`, at least `floor`.
fn skip_noise_back(text: &str, pos: usize, floor: usize) -> usize {
    text[floor..pos]
        .char_indices()
        .rev()
        .find(|&(_, c)| !is_noise(c))
        .map_or(floor, |(i, c)| floor + i + c.len_utf8())
}
