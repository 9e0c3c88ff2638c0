use ocrtidy_text::{merge_segments, Bias, CharIndex, OffsetMap, Segment, TextRange};

use crate::pass::{EditMeta, PendingSuggestion};
use crate::{
    Candidate, Change, Context, EditSink, Pass, PassId, PassInput, PassMemory, PassSpec, Step,
};

/// The result of cleaning one text.
#[derive(Clone, Debug, Default)]
pub struct Cleaned {
    /// The cleaned text.
    pub text: String,
    /// Applied changes and suggestions, sorted by their position in the original input.
    pub changes: Vec<Change>,
    pub stats: RunStats,
}

impl Cleaned {
    /// The applied changes only.
    pub fn applied(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.applied)
    }

    /// The suggestions only.
    pub fn suggestions(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| !c.applied)
    }
}

/// Counters of one run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunStats {
    /// Edits refused because they overlapped, split a char or lay outside the text (a pass bug;
    /// the text is left as it was there).
    pub rejected_edits: usize,
    /// Suggestions dropped because a later pass changed the text they referred to.
    pub superseded_suggestions: usize,
    /// How many rounds of all passes ran.
    pub rounds: usize,
    /// True when the last round changed nothing, so the output is a fixed point (of the passes
    /// that may run again, see [`crate::Pass::rerun`]).
    pub converged: bool,
}

/// An applied edit being tracked through the passes: its history and payload.
#[derive(Clone, Debug)]
struct Entry {
    /// The first of the edits fused into this change: most changes are one edit, kept without
    /// a heap allocation of its own.
    first: Tracked,
    /// The rest, for the few changes that have any: the ledger of a long document holds an
    /// entry per change for the whole run.
    more: Option<Box<More>>,
}

/// What few entries of the ledger have: later edits and rejected alternatives.
#[derive(Clone, Debug)]
struct More {
    /// The later edits fused into this change, in the order they were made.
    later: Vec<Tracked>,
    candidates: Vec<Candidate>,
}

/// One edit of a change, with its sequence number (the order edits were made in) and whether
/// it touched material text (removed or inserted anything but whitespace).
#[derive(Clone, Debug)]
struct Tracked {
    seq: u64,
    step: Step,
    material: bool,
}

impl Entry {
    fn new(first: Tracked, later: Vec<Tracked>, candidates: Vec<Candidate>) -> Entry {
        let more = (!later.is_empty() || !candidates.is_empty())
            .then(|| Box::new(More { later, candidates }));
        Entry { first, more }
    }

    /// The later edits fused into this change, in the order they were made.
    fn later(&self) -> &[Tracked] {
        self.more.as_ref().map_or(&[], |m| &m.later)
    }

    fn candidates(&self) -> &[Candidate] {
        self.more.as_ref().map_or(&[], |m| &m.candidates)
    }

    /// The first edit, the later ones and the candidates.
    fn into_parts(self) -> (Tracked, Vec<Tracked>, Vec<Candidate>) {
        match self.more {
            Some(more) => {
                let More { later, candidates } = *more;
                (self.first, later, candidates)
            }
            None => (self.first, Vec::new(), Vec::new()),
        }
    }

    /// The edits fused into this change, in the order they were made.
    fn steps(&self) -> impl Iterator<Item = &Tracked> {
        std::iter::once(&self.first).chain(self.later())
    }
}

/// Whether a text holds anything but whitespace.
fn is_material(text: &str) -> bool {
    text.chars().any(|c| !c.is_whitespace())
}

#[derive(Clone)]
struct TrackedSuggestion {
    /// Range in the current text.
    cur: TextRange,
    /// Range in the original text.
    orig: TextRange,
    pass: PassId,
    /// Made by a pass that runs in the first round only: kept across rounds.
    once: bool,
    before: String,
    s: PendingSuggestion,
}

/// Runs passes in order over a text and keeps the change ledger in original offsets.
#[derive(Default)]
pub struct Runner {
    passes: Vec<Box<dyn Pass>>,
}

impl std::fmt::Debug for Runner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.passes.iter().map(|p| p.id()))
            .finish()
    }
}

impl Runner {
    /// A runner over `passes`, run in the order given.
    pub fn new(passes: Vec<Box<dyn Pass>>) -> Self {
        Runner { passes }
    }

    /// The ids of the passes, in run order.
    pub fn pass_ids(&self) -> Vec<PassId> {
        self.passes.iter().map(|p| p.id()).collect()
    }

    /// The declarations of the passes, in run order.
    pub fn specs(&self) -> impl Iterator<Item = &'static PassSpec> + '_ {
        self.passes.iter().map(|p| p.spec())
    }

    /// Cleans `original`.
    ///
    /// The passes run in rounds until a round changes nothing (at most [`Runner::MAX_ROUNDS`]),
    /// as ruff re-applies fixes until none applies: a repair can expose another (a corrected
    /// character completes a word that another pass reads). The output of a converged run is a
    /// fixed point of the passes that may run again: cleaning it again changes nothing. A pass
    /// whose [`Pass::rerun`] is false runs in the first round only, so that it never reads its
    /// own output (a second conversion of a converted text converts it further). Suggestions are
    /// those of the last round, made on the final text, and those of the first-round-only passes
    /// that no later pass invalidated.
    ///
    /// A pass that changed nothing is not run again until the text changes: a pass is a
    /// function of its text and context, so it would find the same nothing (its suggestions are
    /// kept). In the round that confirms convergence only the passes before the last change run.
    pub fn run(&self, original: &str, context: &Context) -> Cleaned {
        let mut state = State {
            original,
            context,
            current: original.to_string(),
            ledger: Vec::new(),
            suggestions: Vec::new(),
            stats: RunStats::default(),
            seq: 0,
        };
        self.rounds(&mut state);
        let changes = build_changes(original, &state.current, state.ledger, state.suggestions);
        Cleaned {
            text: state.current,
            changes,
            stats: state.stats,
        }
    }

    /// Cleans `original` as [`Runner::run`] does and returns only the cleaned text and the
    /// run's statistics, without keeping a change ledger or suggestions: for a caller that does
    /// not read them. The passes run in the same rounds on the same texts, so the text is
    /// `run`'s (`superseded_suggestions` stays 0). With a non-empty context, which must be moved
    /// through the ledger into each pass's text, this is `run` with the ledger dropped.
    pub fn run_text(&self, original: &str, context: &Context) -> (String, RunStats) {
        if !context.is_empty() {
            let cleaned = self.run(original, context);
            return (cleaned.text, cleaned.stats);
        }
        self.run_text_owned(original.to_string(), context)
    }

    /// [`Runner::run_text`] on a text the caller gives away: its buffer becomes the first
    /// current text, so a long document is not held twice while it is cleaned.
    pub fn run_text_owned(&self, original: String, context: &Context) -> (String, RunStats) {
        if !context.is_empty() {
            let cleaned = self.run(&original, context);
            return (cleaned.text, cleaned.stats);
        }
        let mut state = TextState {
            context,
            current: original,
            stats: RunStats::default(),
        };
        self.rounds(&mut state);
        (state.current, state.stats)
    }

    /// The rounds of a run, the same for [`Runner::run`] and [`Runner::run_text`] so that both
    /// read the same texts: each pass in order, until a round changes nothing. A pass whose
    /// [`Pass::rerun`] is false runs in the first round only; a pass that changed nothing is
    /// skipped until the text changes, and what it left (its suggestions) is replayed.
    fn rounds<R: Rounds>(&self, state: &mut R) {
        // The text version (how many times a pass changed it), and per pass the version it
        // last read when it then changed nothing, with what it left.
        let mut version: u64 = 0;
        let mut quiet: Vec<Option<(u64, R::Quiet)>> = vec![None; self.passes.len()];
        let memories: Vec<PassMemory> = self.passes.iter().map(|_| PassMemory::default()).collect();
        for round in 0..Self::MAX_ROUNDS {
            state.stats().rounds = round + 1;
            state.begin_round();
            let mut changed = false;
            for ((pass, quiet), memory) in self.passes.iter().zip(&mut quiet).zip(&memories) {
                if round > 0 && !pass.rerun() {
                    continue;
                }
                if let Some((seen, left)) = quiet {
                    if *seen == version {
                        state.replay(left);
                        continue;
                    }
                }
                match state.step(pass.as_ref(), memory) {
                    None => {
                        changed = true;
                        version += 1;
                        *quiet = None;
                    }
                    Some(left) => *quiet = Some((version, left)),
                }
            }
            if !changed {
                state.stats().converged = true;
                break;
            }
        }
    }

    /// The most rounds a run makes before it reports that it did not converge.
    pub const MAX_ROUNDS: usize = 4;
}

/// The evolving state of one run.
struct State<'o> {
    original: &'o str,
    /// The run's context, in the original's offsets.
    context: &'o Context,
    current: String,
    /// Changed regions: src = original, dst = current text.
    ledger: Vec<(Segment, Entry)>,
    suggestions: Vec<TrackedSuggestion>,
    stats: RunStats,
    /// A counter that orders the steps of fused changes by the time they were made.
    seq: u64,
}

/// What [`Runner::rounds`] drives: a run that keeps a ledger ([`State`]) or one that keeps
/// only the text ([`TextState`]).
trait Rounds {
    /// What a pass that changed nothing leaves, replayed when it is skipped.
    type Quiet: Clone;
    fn stats(&mut self) -> &mut RunStats;
    /// Called at the start of every round.
    fn begin_round(&mut self);
    /// Runs one pass: `None` when it changed the text, else what it left.
    fn step(&mut self, pass: &dyn Pass, memory: &PassMemory) -> Option<Self::Quiet>;
    /// A pass skipped on a text it found nothing to change in leaves what it left then.
    fn replay(&mut self, left: &Self::Quiet);
}

impl Rounds for State<'_> {
    /// The suggestions the pass made.
    type Quiet = Vec<TrackedSuggestion>;

    fn stats(&mut self) -> &mut RunStats {
        &mut self.stats
    }

    fn begin_round(&mut self) {
        // Suggestions are those of the last round, except those of first-round-only passes.
        self.suggestions.retain(|t| t.once);
    }

    fn step(&mut self, pass: &dyn Pass, memory: &PassMemory) -> Option<Self::Quiet> {
        let before = self.suggestions.len();
        let context = self.context;
        if self.run_pass(pass, context, memory) {
            None
        } else {
            Some(self.suggestions[before..].to_vec())
        }
    }

    fn replay(&mut self, left: &Self::Quiet) {
        self.suggestions.extend(left.iter().cloned());
    }
}

/// The state of a run that keeps only the text (no ledger, no suggestions).
struct TextState<'c> {
    context: &'c Context,
    current: String,
    stats: RunStats,
}

impl Rounds for TextState<'_> {
    type Quiet = ();

    fn stats(&mut self) -> &mut RunStats {
        &mut self.stats
    }

    fn begin_round(&mut self) {}

    fn step(&mut self, pass: &dyn Pass, memory: &PassMemory) -> Option<()> {
        // Nobody reads the suggestions here: they are not kept.
        let mut sink = EditSink::for_pass(&self.current, pass.spec()).without_suggestions();
        pass.run(
            &PassInput {
                text: &self.current,
                context: self.context,
                memory,
            },
            &mut sink,
        );
        let (set, _, _, rejected) = sink.finish();
        self.stats.rejected_edits += rejected;
        if set.is_empty() {
            return Some(());
        }
        self.current = set.apply(&self.current);
        None
    }

    fn replay(&mut self, _: &()) {}
}

impl State<'_> {
    /// Runs one pass; returns whether it changed the text.
    fn run_pass(&mut self, pass: &dyn Pass, context: &Context, memory: &PassMemory) -> bool {
        let id = pass.id();
        let original = self.original;
        let mut sink = EditSink::for_pass(&self.current, pass.spec());
        // The context's confidences and line-break hints are in the original's offsets: map
        // them into the text this pass reads.
        let mapped;
        let context = if context.is_empty() || self.ledger.is_empty() {
            context
        } else {
            mapped = context.map_through(&OffsetMap::from_segments(
                self.ledger.iter().map(|(s, _)| *s).collect(),
                original.len(),
                self.current.len(),
            ));
            &mapped
        };
        pass.run(
            &PassInput {
                text: &self.current,
                context,
                memory,
            },
            &mut sink,
        );
        let (set, metas, new_suggestions, rejected) = sink.finish();
        self.stats.rejected_edits += rejected;

        // Suggestions are located in the original through the ledger as it stands.
        if !new_suggestions.is_empty() {
            let map = OffsetMap::from_segments(
                self.ledger.iter().map(|(s, _)| *s).collect(),
                original.len(),
                self.current.len(),
            );
            for s in new_suggestions {
                let orig = TextRange::new(
                    map.to_src(s.range.start, Bias::Left),
                    map.to_src(s.range.end, Bias::Right),
                );
                self.suggestions.push(TrackedSuggestion {
                    cur: s.range,
                    orig,
                    pass: id,
                    once: !pass.rerun(),
                    before: self.current[s.range.as_range()].to_string(),
                    s,
                });
            }
        }
        if set.is_empty() {
            return false;
        }

        let next = set.apply(&self.current);
        let pass_map = OffsetMap::from_edits(&set, self.current.len());

        // Move suggestions along; drop those whose text this pass changed.
        let stats = &mut self.stats;
        let segments = pass_map.segments();
        self.suggestions.retain_mut(|t| {
            // Every way of hitting the suggestion needs a segment that ends after its start and
            // starts before its end; the segments are sorted and disjoint, so their ends are
            // sorted too and the candidates are one run found by binary search.
            let first = segments.partition_point(|seg| seg.src.end <= t.cur.start);
            let mut candidates = segments[first..]
                .iter()
                .take_while(|seg| seg.src.start < t.cur.end);
            let hit = candidates.any(|seg| {
                seg.src.overlaps(&t.cur)
                    || (seg.src.is_empty()
                        && t.cur.start < seg.src.start
                        && seg.src.start < t.cur.end)
                    || (t.cur.is_empty()
                        && seg.src.start < t.cur.start
                        && t.cur.start < seg.src.end)
            });
            if hit {
                stats.superseded_suggestions += 1;
                return false;
            }
            t.cur = TextRange::new(
                pass_map.to_dst(t.cur.start, Bias::Right),
                pass_map.to_dst(t.cur.end, Bias::Left),
            );
            true
        });

        let seq0 = self.seq;
        self.seq += metas.len() as u64;
        let current = &self.current;
        let new: Vec<(Segment, (u64, bool, EditMeta))> = pass_map
            .segments()
            .iter()
            .copied()
            .zip(metas)
            .enumerate()
            .map(|(i, (seg, m))| {
                let material = is_material(&current[seg.src.as_range()])
                    || is_material(&next[seg.dst.as_range()]);
                (seg, (seq0 + i as u64, material, m))
            })
            .collect();
        self.ledger = merge_segments(&self.ledger, &new, |src, dst, olds, news| {
            if original[src.as_range()] == next[dst.as_range()] {
                // A later pass restored the original text: nothing changed here.
                return None;
            }
            let mut steps = olds
                .iter()
                .flat_map(|e| e.steps().cloned())
                .chain(news.iter().map(|(seq, material, m)| Tracked {
                    seq: *seq,
                    step: Step {
                        pass: id,
                        rule: m.rule,
                        confidence: m.confidence,
                    },
                    material: *material,
                }));
            let count = olds.iter().map(|e| 1 + e.later().len()).sum::<usize>() + news.len();
            let (first, later) = if count == 1 {
                (steps.next()?, Vec::new())
            } else {
                // Sized exactly: `collect` would guess low and grow (most fused changes are two
                // or three edits).
                let mut all: Vec<Tracked> = Vec::with_capacity(count);
                all.extend(steps);
                // Put the steps in the order they were made.
                all.sort_by_key(|t| t.seq);
                let first = all.remove(0);
                (first, all)
            };
            let candidates = news
                .last()
                .map(|(_, _, m)| m.candidates.clone())
                .or_else(|| olds.last().map(|e| e.candidates().to_vec()))
                .unwrap_or_default();
            Some((Segment { src, dst }, Entry::new(first, later, candidates)))
        });
        // The merge reserves room for every old and new region; fused and restored regions
        // leave part of it unused for the rest of the run.
        if self.ledger.capacity() - self.ledger.len() > self.ledger.len() / 4 {
            self.ledger.shrink_to_fit();
        }
        self.current = next;
        true
    }
}

fn build_changes(
    original: &str,
    output: &str,
    ledger: Vec<(Segment, Entry)>,
    suggestions: Vec<TrackedSuggestion>,
) -> Vec<Change> {
    // Char offsets of every change, in one sweep over the original (the ledger is sorted).
    let offsets: Vec<usize> = ledger
        .iter()
        .flat_map(|(seg, _)| [seg.src.start, seg.src.end])
        .chain(suggestions.iter().flat_map(|t| [t.orig.start, t.orig.end]))
        .collect();
    let char_offsets = CharIndex::char_offsets(original, &offsets);
    let mut chars = char_offsets.chunks_exact(2).map(|c| (c[0], c[1]));
    let mut changes = Vec::with_capacity(ledger.len() + suggestions.len());
    for (seg, entry) in ledger {
        let (char_start, char_end) = chars.next().unwrap_or_default();
        let (first, later, candidates) = entry.into_parts();
        let (last, steps) = if later.is_empty() {
            // One edit (most changes): no history to allocate.
            (first.step, Vec::new())
        } else {
            let mut steps: Vec<Tracked> = std::iter::once(first).chain(later).collect();
            // The change is named after its principal edit: the last one that removed or
            // inserted material text; whitespace tidying around it (blank lines, line joins) is
            // history.
            let principal = steps
                .iter()
                .rposition(|t| t.material)
                .unwrap_or(steps.len() - 1);
            let last = steps.remove(principal).step;
            let steps: Vec<Step> = steps.into_iter().map(|t| t.step).collect();
            (last, steps)
        };
        let confidence = steps
            .iter()
            .map(|s| s.confidence)
            .fold(last.confidence, f32::min);
        changes.push(Change {
            pass: last.pass,
            rule: last.rule,
            start: seg.src.start,
            end: seg.src.end,
            char_start,
            char_end,
            before: original[seg.src.as_range()].to_string(),
            after: output[seg.dst.as_range()].to_string(),
            confidence,
            applied: true,
            candidates,
            out_start: seg.dst.start,
            out_end: seg.dst.end,
            history: steps,
        });
    }
    for t in suggestions {
        let (char_start, char_end) = chars.next().unwrap_or_default();
        changes.push(Change {
            pass: t.pass,
            rule: t.s.rule,
            start: t.orig.start,
            end: t.orig.end,
            char_start,
            char_end,
            before: t.before,
            after: t
                .s
                .candidates
                .first()
                .map(|c| c.text.clone())
                .unwrap_or_default(),
            confidence: t.s.confidence,
            applied: false,
            candidates: t.s.candidates,
            out_start: t.cur.start,
            out_end: t.cur.end,
            history: Vec::new(),
        });
    }
    changes.sort_by_key(|c| (c.start, c.end, !c.applied));
    changes
}

#[cfg(test)]
mod rerun_tests {
    use super::*;
    use crate::{PassKind, PassSpec, RuleSpec};

    /// Appends `x` after every `a`, suggesting `b` for every `a` (never a fixed point).
    struct Grow {
        rerun: bool,
    }

    static GROW: PassSpec = PassSpec {
        id: PassId::new("grow"),
        summary: "",
        kind: PassKind::Character,
        removes_text: false,
        rerun: true,
        local: false,
        written_back: false,
        rules: &[
            RuleSpec {
                id: "grow",
                explain: "",
            },
            RuleSpec {
                id: "maybe",
                explain: "",
            },
        ],
    };

    static EAT_Y: PassSpec = PassSpec {
        id: PassId::new("eat-y"),
        summary: "",
        kind: PassKind::Character,
        removes_text: true,
        rerun: true,
        local: false,
        written_back: false,
        rules: &[RuleSpec {
            id: "eat",
            explain: "",
        }],
    };

    impl Pass for Grow {
        fn spec(&self) -> &'static PassSpec {
            &GROW
        }
        fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
            for (i, _) in input.text.match_indices('a') {
                let _ = sink.insert(i + 1, "x", "grow", 1.0);
                let _ = sink.suggest(i..i + 1, vec![Candidate::new("b", 0.5)], "maybe", 0.5);
            }
        }
        fn rerun(&self) -> bool {
            self.rerun
        }
    }

    /// Deletes one `y` per round: keeps the run going for as many rounds as there are `y`s.
    struct EatY;

    impl Pass for EatY {
        fn spec(&self) -> &'static PassSpec {
            &EAT_Y
        }
        fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
            if let Some(i) = input.text.find('y') {
                let _ = sink.delete(i..i + 1, "eat", 1.0);
            }
        }
    }

    fn run(rerun: bool, text: &str) -> Cleaned {
        Runner::new(vec![Box::new(Grow { rerun }), Box::new(EatY)]).run(text, &Context::default())
    }

    static COUNT: PassSpec = PassSpec {
        id: PassId::new("count"),
        summary: "",
        kind: PassKind::Character,
        removes_text: false,
        rerun: true,
        local: false,
        written_back: false,
        rules: &[RuleSpec {
            id: "seen",
            explain: "",
        }],
    };

    /// Changes nothing, suggests on the first character, and counts its runs.
    struct Count(std::sync::atomic::AtomicUsize);

    impl Pass for Count {
        fn spec(&self) -> &'static PassSpec {
            &COUNT
        }
        fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
            self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if !input.text.is_empty() {
                let _ = sink.suggest(0..1, vec![Candidate::new("z", 0.5)], "seen", 0.5);
            }
        }
    }

    #[test]
    fn a_pass_that_changed_nothing_is_not_run_again_on_the_same_text() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        struct Shared(Arc<Count>);
        impl Pass for Shared {
            fn spec(&self) -> &'static PassSpec {
                &COUNT
            }
            fn run(&self, input: &PassInput<'_>, sink: &mut EditSink<'_>) {
                self.0.run(input, sink)
            }
        }
        // After the last change: it reads "ayy" → "ay" → "a" in rounds 1 and 2, and the third
        // round (which confirms) would show it "a" again.
        let count = Arc::new(Count(AtomicUsize::new(0)));
        let after = Runner::new(vec![Box::new(EatY), Box::new(Shared(count.clone()))])
            .run("ayy", &Context::default());
        assert_eq!((after.text.as_str(), after.stats.rounds), ("a", 3));
        assert_eq!(count.0.load(Ordering::Relaxed), 2);
        // Its suggestion is still there, once.
        assert_eq!(after.suggestions().count(), 1);
        // Before the change: its text changes every round, so it runs every round.
        let count = Arc::new(Count(AtomicUsize::new(0)));
        let before = Runner::new(vec![Box::new(Shared(count.clone())), Box::new(EatY)])
            .run("ayy", &Context::default());
        assert_eq!(before.text, "a");
        assert_eq!(count.0.load(Ordering::Relaxed), 3);
        assert_eq!(before.suggestions().count(), 1);
    }

    #[test]
    fn a_pass_that_may_not_rerun_runs_in_the_first_round_only() {
        let once = run(false, "ayy");
        assert_eq!(once.text, "ax");
        assert_eq!(once.stats.rounds, 3);
        assert!(once.stats.converged);
        // Its suggestion outlives the later rounds.
        let s: Vec<&Change> = once.suggestions().collect();
        assert_eq!(s.len(), 1);
        assert_eq!((s[0].start, s[0].end, s[0].rule), (0, 1, "maybe"));
        // The default: it runs in every round.
        let every = run(true, "ayy");
        assert_eq!(every.text, "axxxx");
        assert_eq!(every.stats.rounds, 4);
    }
}
