//! The corrections of the last document scored, reused in the next round of the same run.

use ocrtidy_core::Context;

use rustc_hash::FxHashMap as FxMap;

use super::evidence::{key_id, key_len, run_evidence, Reuse, Segmentation};
use super::groups::{for_each_group, Runs};
use super::score::{evidence_at, Raw, RawRun, RunScratch};
use super::segment::RunBuffers;
use super::support::{SUPPORT_CONTEXT, SUPPORT_SCAN};
use super::{
    cache_words, correct_group, correct_lm, Correction, Group, Kept, Params, Wanted, WordLm,
};
use crate::model::{Model, MAX_WORD};

/// The last document a [`Typo`](crate::Typo) pass scored in a run (kept in the pass's
/// [`ocrtidy_core::PassMemory`]): the pipeline runs
/// every pass at least twice on a document (the second round confirms the fixed point), and
/// the second time the Han text is most often the same, only moved by edits of other passes
/// (paragraph breaks, spaces). The corrections depend on the text only through its Han runs
/// (with no protected terms and no OCR confidences), and those of a document group (see
/// [`DOCUMENT_CHARS`](super::groups::DOCUMENT_CHARS)) only through the runs of the group, so they are reused group by group,
/// moved to the runs' new offsets: on a long text, a round that changed a few characters scores
/// again only the groups that hold them.
///
/// Within a group that changed, a run whose characters are the same is scored again only when
/// something its corrections depend on may have changed (see [`rescore`]): the corrections
/// are exactly those of scoring the group anew, at the cost of the changed runs.
pub(crate) struct Memo {
    /// The parameters the corrections were found with.
    params: Params,
    /// Whether only the applied corrections were found (see [`correct_memo`]).
    applied_only: bool,
    /// Every document group, in order.
    groups: Vec<GroupMemo>,
    /// The scoring's buffers and model look-ups (see `score::LinkCache`).
    scratch: RunScratch,
}

/// One document group of a [`Memo`].
#[derive(Default)]
struct GroupMemo {
    /// The runs' lengths, and their ids one after the other (2 bytes a Han character).
    key: RunKey,
    /// The corrections with the run (in the group) and the position in it of their character.
    found: Vec<(usize, usize, Correction)>,
    /// The number of words of the group's segmentation (see `Group::doc_words`).
    doc_words: usize,
    /// The group's segmentation, for the runs of the next round that are the same.
    segmentation: Segmentation,
    /// The result of each position scored, run by run, before the run's results were combined
    /// (see `score::Raw`), for the runs of the next round that are the same but scored again:
    /// kept only for a group that may be scored again in part ([`RESCORE_MIN_CHARS`]), and
    /// empty otherwise.
    raw: Vec<RawRun>,
    /// The group's evidence, from which [`rescore`] makes the next group's (`Group::again`):
    /// kept, as `raw`, only for a group that may be scored again in part.
    kept: Option<Kept>,
}

/// The Han runs of a document group as ids: what its corrections depend on.
#[derive(Default, PartialEq)]
struct RunKey {
    lens: Vec<u32>,
    ids: Vec<u16>,
}

impl RunKey {
    fn of(runs: &Runs) -> RunKey {
        RunKey {
            lens: runs.iter().map(|run| run.len() as u32).collect(),
            ids: runs.slots().iter().map(|s| s.id).collect(),
        }
    }

    /// The index in `ids` of the first id of each run.
    fn starts(&self) -> Vec<usize> {
        let mut at = 0;
        self.lens
            .iter()
            .map(|&n| {
                at += n as usize;
                at - n as usize
            })
            .collect()
    }

    /// The runs' ids, run by run.
    fn runs(&self) -> Vec<&[u16]> {
        let mut at = 0;
        self.lens
            .iter()
            .map(|&n| {
                let run = &self.ids[at..at + n as usize];
                at += n as usize;
                run
            })
            .collect()
    }
}

/// [`correct_lm`], remembering the last document in `last` (see [`Memo`]), with only the
/// corrections that `keep` keeps: those its caller would drop are neither returned nor
/// remembered (most corrections are suggestions too weak to be shown, and the memo of a long
/// text lives as long as its run). One memo must always be used with the same `keep`.
///
/// `applied_only` says that `keep` keeps only applied corrections: then the positions whose
/// corrections could only be dropped are not all scored (see `score::correct_run`).
#[allow(clippy::too_many_arguments)]
pub(crate) fn correct_memo(
    text: &str,
    model: &Model,
    params: &Params,
    context: &Context,
    lm: Option<&dyn WordLm>,
    keep: &dyn Fn(&Correction) -> bool,
    applied_only: bool,
    last: &mut Option<Memo>,
) -> Vec<Correction> {
    if !context.is_empty() || !model.protected.is_empty() {
        let mut all = correct_lm(text, model, params, context, lm);
        all.retain(keep);
        return all;
    }
    let (mut old, mut scratch) = last
        .take()
        .filter(|m| m.params == *params && m.applied_only == applied_only)
        .map_or_else(Default::default, |m| (m.groups, m.scratch));
    let mut groups = Vec::new();
    let mut out = Vec::new();
    // The positions' results are kept only for a text of at most `RAW_BYTES` (see there).
    let keep_raw = text.len() <= RAW_BYTES;
    // The corrections of one group, before `keep`.
    let mut fresh = Vec::new();
    let mut complete = true;
    for_each_group(text, model, |g, runs| {
        let key = RunKey::of(runs);
        let remap = |(r, p, c): &(usize, usize, Correction)| Correction {
            start: runs[*r][*p].start,
            end: runs[*r][*p].end,
            ..c.clone()
        };
        match old.get_mut(g).filter(|m| m.key == key) {
            Some(m) => {
                out.extend(m.found.iter().map(remap));
                groups.push(std::mem::take(m));
            }
            None => {
                let wanted = Wanted {
                    protected: &[],
                    applied_only,
                };
                // The group this one was in the last round, scored again where it changed.
                let again = old.get_mut(g).and_then(|m| {
                    let scoring = Scoring {
                        model,
                        params,
                        context,
                        lm,
                        wanted: &wanted,
                        keep,
                    };
                    rescore(runs, key, m, &scoring, &mut scratch)
                });
                if let Some(mut m) = again {
                    out.extend(m.found.iter().map(remap));
                    if !keep_raw {
                        m.raw = Vec::new();
                        m.kept = None;
                    }
                    groups.push(m);
                    return;
                }
                let key = RunKey::of(runs);
                let before = out.len();
                // The runs that are the same as one of the group's in the last round keep
                // their segmentation.
                let last = old.get(g).map(|m| {
                    let matched = match_runs(&m.key.runs(), &key.runs());
                    (m, m.key.starts(), matched)
                });
                let reuse = last.as_ref().map(|(m, at, matched)| Reuse {
                    last: &m.segmentation,
                    at,
                    matched,
                });
                // The positions' results and the evidence are kept for a group that may be
                // scored again in part.
                let partly = keep_raw && key.ids.len() >= RESCORE_MIN_CHARS;
                let mut raw = Vec::new();
                let record = partly.then_some((&mut raw, keep));
                // No protected terms here (see above).
                let (doc_words, segmentation, kept) = correct_group(
                    runs,
                    model,
                    params,
                    context,
                    lm,
                    &wanted,
                    reuse.as_ref(),
                    record,
                    &mut scratch,
                    &mut fresh,
                );
                out.extend(fresh.drain(..).filter(|c| keep(c)));
                let mut found = Vec::with_capacity(out.len() - before);
                locate(runs, &out[before..], &mut found);
                complete &= found.len() == out.len() - before;
                groups.push(GroupMemo {
                    key,
                    found,
                    doc_words,
                    segmentation,
                    raw,
                    kept: partly.then_some(kept),
                });
            }
        }
    });
    if complete && !groups.is_empty() {
        *last = Some(Memo {
            params: *params,
            applied_only,
            groups,
            scratch,
        });
    }
    out
}

/// What [`rescore`] scores with.
struct Scoring<'a> {
    model: &'a Model,
    params: &'a Params,
    context: &'a Context,
    lm: Option<&'a dyn WordLm>,
    wanted: &'a Wanted<'a>,
    keep: &'a dyn Fn(&Correction) -> bool,
}

/// The memo of a document group whose runs are `runs` (ids `key`), from `old`, the memo of the
/// group in the last round, or `None` when it would be the group scored anew.
///
/// The corrections of a run depend on its characters and on the group's evidence: the words
/// the segmentation counts (`doc`, the cache model and the near-variants of recurring words),
/// the number of words (the cache model's size, capped at [`Params::cache_words`]) and the
/// pair index of document support. The runs of `old` and of `runs` are matched in order, equal
/// to equal ([`match_runs`]); what changed is what the unmatched runs, old and new, count. Only
/// a scored position (questioned, or with near-variant evidence) has a correction, and a
/// matched run is scored again when: a window of it is a near-variant of a word that became
/// or ceased to be a recurring word (its evidence changes); or one of its scored positions has
/// in its window (`Position::baseline`) a word whose count changed, or is the character of
/// such a word misread for it, one of whose candidates makes the word (a candidate's word:
/// `Scorer::segment`; the window of every other position holds those characters as they are,
/// not the changed word); or one of its scored positions may count in document support
/// (`DocSeq::shared`, at least three characters of shared context, so the two neighbours on
/// one side) a place of an unmatched run whose neighbourhood changed, of its own character or
/// of a confusion of it. The other pair lists hold the same places of matched runs in the same
/// order (on lists longer than `SUPPORT_SCAN`, whose scanned part may shift, every run is
/// scored). The evidence of the other runs is what it was: where the last round's positions'
/// results were kept, a position it points at is one scored then (but one left for later, see
/// `score::correct_run`, that had no applied correction near, and has none now while the
/// questioned positions' results are the same). Every other matched run keeps its
/// corrections. When the cache model's size changed, every run depends on it, and with a
/// language model or with support from contexts under three characters the check
/// is not made: `None`.
///
/// The group's evidence is made from the last group's (`GroupMemo::kept`) and what the
/// unmatched runs count (`Group::again`), not from all the runs anew, when the last group kept
/// it.
///
/// A position is scored on its own (see `score::correct_run`): a matched run scored again only
/// because of the positions marked in it takes the results of its other positions from `old`
/// (`GroupMemo::raw`), and scores only the marked ones before combining them all.
fn rescore(
    runs: &Runs,
    key: RunKey,
    old: &mut GroupMemo,
    s: &Scoring<'_>,
    scratch: &mut RunScratch,
) -> Option<GroupMemo> {
    let (model, params) = (s.model, s.params);
    if key.ids.len() < RESCORE_MIN_CHARS {
        return None;
    }
    let old_runs = old.key.runs();
    let new_runs = key.runs();
    let matched = match_runs(&old_runs, &new_runs);
    let mut old_matched = vec![false; old_runs.len()];
    for &i in matched.iter().flatten() {
        old_matched[i] = true;
    }
    // What the unmatched runs count: words (new +, old -), and pairs of neighbours.
    let partners = model.partners();
    let mut buffers = RunBuffers::default();
    let mut delta: FxMap<u64, i64> = FxMap::default();
    let mut words = old.doc_words as i64;
    // The places of the unmatched runs' characters, with the neighbours `DocSeq::shared`
    // compares (`SUPPORT_CONTEXT` on a side, 0 beyond the run).
    let mut places: Vec<[u16; HOOD]> = Vec::new();
    let unmatched_old = old_runs
        .iter()
        .zip(&old_matched)
        .filter(|(_, &m)| !m)
        .map(|(run, _)| (*run, -1));
    let unmatched_new = new_runs
        .iter()
        .zip(&matched)
        .filter(|(_, m)| m.is_none())
        .map(|(run, _)| (*run, 1));
    let mut removed_places = 0;
    for (run, sign) in unmatched_old.chain(unmatched_new) {
        let count = |k| *delta.entry(k).or_insert(0) += sign;
        let n = run_evidence(run, model, params, partners, &mut buffers, |_, _| (), count);
        words += sign * n as i64;
        let at = |i: usize| run.get(i).copied().unwrap_or(0);
        places.extend(
            (0..run.len()).map(|i| {
                std::array::from_fn(|k| (i + k).checked_sub(SUPPORT_CONTEXT).map_or(0, at))
            }),
        );
        if sign < 0 {
            removed_places = places.len();
        }
    }
    let doc_words = usize::try_from(words).ok()?;
    // Document support's contexts of fewer than three characters, and the language model's
    // look at them (`Position::recurs`), are not followed here.
    if s.lm.is_some() || params.support_min_context < 3 {
        return None;
    }
    if cache_words(doc_words, params) != cache_words(old.doc_words, params) {
        return None;
    }
    let at = old.key.starts();
    let reuse = Reuse {
        last: &old.segmentation,
        at: &at,
        matched: &matched,
    };
    // The group's evidence, from the last group's and what the unmatched runs count.
    let group = match old.kept.take() {
        Some(last) => Group::again(runs, model, params, &reuse, last, &delta),
        None => Group::new(runs, model, params, Some(&reuse)),
    };
    debug_assert_eq!(group.doc_words, doc_words);
    // The words whose count changed, and those of them that became or ceased to be recurring
    // words (whose near-variants are questioned: `NearVariants`).
    let changed: Vec<(u64, bool)> = delta
        .iter()
        .filter(|&(_, &d)| d != 0)
        .map(|(&k, &d)| {
            let now = i64::from(group.doc.get(&k).copied().unwrap_or(0));
            let min = i64::from(params.evidence_min);
            (k, (now >= min) != (now - d >= min))
        })
        .collect();
    let observed = |id: u16| model.reverse[usize::from(id)].iter().map(|&(o, _)| o);
    // Only the characters the group has make windows of it (a character has some forty
    // misreadings, of which a group has a few).
    let present = &group.doc_seq.present;
    // The windows that may look up a changed word (`Scorer::segment`): the word, and the word
    // with one character replaced by one misread for it (a candidate's word), with the index
    // of that character; and those that are near-variants of a recurring word that changed
    // (`NearVariants::hits`).
    let variants = |k: u64| {
        let len = key_len(k);
        (0..len).flat_map(move |j| {
            let shift = 16 * (len - 1 - j);
            let rest = k & !(0xffff << shift);
            observed(key_id(k, j))
                .filter(|&o| present.contains(o))
                .map(move |o| (rest | u64::from(o) << shift, j as u8))
        })
    };
    // The windows that may look up a changed word, as packed keys of two to `MAX_WORD` ids (a
    // window of one character is never looked up as a word), each with the index of the
    // character whose candidate makes it the changed word ([`WHOLE`] for the word itself). A
    // window listed twice marks the same places twice: they are not sorted to be deduplicated.
    let windows = changed
        .iter()
        .flat_map(|&(k, _)| std::iter::once((k, WHOLE)).chain(variants(k)))
        .filter(|&(k, _)| (2..=MAX_WORD).contains(&key_len(k)));
    // The windows that are near-variants of a recurring word that changed.
    let crossed = changed
        .iter()
        .filter(|c| c.1)
        .flat_map(|&(k, _)| variants(k).map(|(v, _)| v))
        .filter(|&k| (2..=MAX_WORD).contains(&key_len(k)));
    // A place of an old unmatched run and one of a new one with the same neighbours count
    // alike wherever they are (the order matters only on long lists, below): only the others
    // can change what support counts.
    let mut net: FxMap<[u16; HOOD], i64> = FxMap::default();
    for (i, p) in places.iter().enumerate() {
        *net.entry(*p).or_insert(0) += if i < removed_places { -1 } else { 1 };
    }
    let moved: Vec<[u16; 5]> = net
        .iter()
        .filter(|&(_, &n)| n != 0)
        .map(|(p, _)| std::array::from_fn(|k| p[SUPPORT_CONTEXT - 2 + k]))
        .collect();
    // Document support (`DocSeq::support`) counts the places of a candidate (or of the
    // observed character) next to the same neighbour that share at least
    // `Params::support_min_context` characters of context, so two on one side: a position may
    // count a place of an unmatched run only if its two neighbours on one side are that
    // place's, and it observes the character there or one misread for it.
    // The characters of those places by their two neighbours on each side.
    // The key: whether the neighbours are after the place, and the two of them in order.
    let mut contexts: FxMap<(bool, u16, u16), Vec<u16>> = FxMap::default();
    for p in &moved {
        for (right, a, b) in [(false, p[0], p[1]), (true, p[3], p[4])] {
            if a != 0 && b != 0 {
                contexts.entry((right, a, b)).or_default().push(p[2]);
            }
        }
    }
    // The characters whose positions may count one of the places `xs`: the place's, or one
    // misread for it (`Model::reverse`, the reverse of the confusions).
    // Marked context by context, by id, with the context's number (so that no context's marks
    // need clearing).
    let mut observes = vec![0u32; model.reverse.len()];
    let observers = |xs: &[u16], stamp: u32, observes: &mut [u32]| {
        for &x in xs {
            observes[usize::from(x)] = stamp;
            for o in observed(x) {
                observes[usize::from(o)] = stamp;
            }
        }
    };
    // Only a position that is scored (questioned, or pointed at by document evidence) has a
    // correction: a matched run is scored again when one of its scored positions may see a
    // change within its window, or when its evidence may have changed. The places that may
    // are found in the group's pair index (`DocSeq`), from the changed words and contexts,
    // rather than by looking at every window of every run: a change touches a few places of
    // a long group.
    let common = |id: u16| {
        model
            .word(&[id])
            .is_some_and(|(_, f)| f > params.max_single_freq)
    };
    let seq = &group.doc_seq;
    // The run of a place of `DocSeq::seq` and the place's index in it.
    let locate_place = |q: usize| {
        let r = seq.run_start.partition_point(|&x| x <= q) - 1;
        (r, q - seq.run_start[r])
    };
    // The places where a window of `key` starts.
    let starts = |key: u64| {
        let len = key_len(key);
        seq.pair_starts(key_id(key, 0), key_id(key, 1))
            .filter(move |&q| (2..len).all(|j| seq.at(q + j) == key_id(key, j)))
    };
    // The runs scored again: the unmatched ones, and those with a window whose evidence may
    // have changed (crossed).
    let mut score: Vec<bool> = matched.iter().map(Option::is_none).collect();
    for k in crossed {
        for q in starts(k) {
            score[locate_place(q).0] = true;
        }
    }
    // The positions touched, in the layout of `DocSeq::seq`, and the runs that have some.
    let mut touched = vec![false; group.single_flags.len()];
    let mut marked = vec![false; new_runs.len()];
    let mut mark = |r: usize, from: usize, to: usize| {
        let at = seq.run_start[r];
        touched[at + from..at + to].fill(true);
        marked[r] = true;
    };
    for (k, j) in windows {
        let len = key_len(k);
        for q in starts(k) {
            let (r, s) = locate_place(q);
            if j == WHOLE {
                let n = new_runs[r].len();
                // The positions whose window holds `s..s + len` (see `Position::baseline`).
                mark(r, (s + len).saturating_sub(MAX_WORD), (s + MAX_WORD).min(n));
            } else {
                // Only the position of the misread character makes the word with one of its
                // candidates: any other position's window has the word as it is, not the
                // changed word.
                let p = s + usize::from(j);
                mark(r, p, p + 1);
            }
        }
    }
    for (stamp, (&(right, a, b), xs)) in (1..).zip(&contexts) {
        observers(xs, stamp, &mut observes);
        for q in seq.pair_starts(a, b) {
            // The observed character after the pair (neighbours before it) or before it.
            let Some(g) = (if right { q.checked_sub(1) } else { Some(q + 2) }) else {
                continue;
            };
            let o = seq.at(g);
            if o != 0 && observes[usize::from(o)] == stamp {
                let (r, s) = locate_place(g);
                mark(r, s, s + 1);
            }
        }
    }
    // The positions touched in run `r`.
    let touched_in = |r: usize| {
        let at = seq.run_start[r];
        &touched[at..at + new_runs[r].len()]
    };
    // The old positions' results, by old run, when they were kept.
    let old_raw = (old.raw.len() == old_runs.len()).then_some(&old.raw);
    // The runs scored again only because of positions touched: the results of the others are
    // the same (see `score::Raw`).
    let mut partial = vec![false; new_runs.len()];
    for r in (0..new_runs.len()).filter(|&r| marked[r]) {
        let run = new_runs[r];
        let n = run.len();
        if score[r] || n < 2 {
            continue;
        }
        let touched = touched_in(r);
        let single = &group.single_flags[seq.run_start[r]..];
        // A touched position is scored when it is questioned, or when document evidence
        // points at it. The evidence of a run that is not crossed is what it was, and a
        // position it pointed at was scored and has a result in the last round's (but one
        // left for later, see `score::correct_run`, that no applied correction was near:
        // none is now either, as the questioned positions' results are the same).
        let evidence = || match (old_raw, matched[r]) {
            (Some(old_raw), Some(i)) => old_raw[i].iter().any(|(p, _)| touched[*p as usize]),
            _ => evidence_at(run, model, &group.variants, touched),
        };
        score[r] = (0..n).any(|i| touched[i] && single[i] && !common(run[i])) || evidence();
        partial[r] = score[r];
    }
    // Support scans at most `SUPPORT_SCAN` places of a pair: which ones, on a longer list,
    // changes with any place added or removed. A list was at most as long as it is now plus
    // the places the unmatched old runs had.
    let mut removed: FxMap<u32, usize> = FxMap::default();
    const C: usize = SUPPORT_CONTEXT;
    for p in &places[..removed_places] {
        for (a, b) in [(p[C - 1], p[C]), (p[C], p[C + 1])] {
            *removed
                .entry(u32::from(a) << 16 | u32::from(b))
                .or_insert(0) += 1;
        }
    }
    let long = places.iter().any(|p| {
        [(p[C - 1], p[C]), (p[C], p[C + 1])].iter().any(|&(a, b)| {
            let gone = removed.get(&(u32::from(a) << 16 | u32::from(b))).copied();
            group.doc_seq.pair_places(a, b) + gone.unwrap_or(0) > SUPPORT_SCAN
        })
    });
    if long {
        score.fill(true);
        partial.fill(false);
    }
    let mut found = Vec::new();
    let mut fresh = Vec::new();
    // The old positions' results, by old run (none when they were not kept).
    let mut old_raw = std::mem::take(&mut old.raw);
    if old_raw.len() != old_runs.len() {
        old_raw.clear();
    }
    let mut raw = Vec::with_capacity(new_runs.len());
    // The old corrections, by run (`matched` is increasing): moved, as the old memo is
    // dropped.
    let mut old_found = std::mem::take(&mut old.found).into_iter().peekable();
    for (r, m) in matched.iter().enumerate() {
        let mut record = RawRun::new();
        if score[r] {
            // The positions of a run scored again only where it was marked keep their
            // results elsewhere.
            let mut known = RawRun::new();
            if let (Some(i), true) = (*m, partial[r]) {
                if let Some(old) = old_raw.get_mut(i) {
                    let touched = touched_in(r);
                    known = std::mem::take(old);
                    known.retain(|(p, _)| !touched[*p as usize]);
                }
            }
            let run_raw = Raw {
                known: &known,
                record: &mut record,
                keep: s.keep,
            };
            group.correct_run(
                r,
                runs,
                s.context,
                s.lm,
                s.wanted,
                Some(run_raw),
                scratch,
                &mut fresh,
            );
            for c in fresh.drain(..).filter(|c| (s.keep)(c)) {
                let p = runs[r].partition_point(|x| x.start < c.start);
                found.push((r, p, c));
            }
        } else if let Some(i) = *m {
            if let Some(old) = old_raw.get_mut(i) {
                record = std::mem::take(old);
            }
            while old_found.next_if(|(o, _, _)| *o < i).is_some() {}
            while let Some((_, p, c)) = old_found.next_if(|(o, _, _)| *o == i) {
                found.push((r, p, c));
            }
        }
        raw.push(record);
    }
    let (_, segmentation, kept) = group.into_parts();
    Some(GroupMemo {
        key,
        found,
        doc_words,
        segmentation,
        raw,
        kept: Some(kept),
    })
}

/// The longest text whose positions' results (`GroupMemo::raw`, every scored position's
/// correction, most of them suggestions that are never shown) the memo keeps for the next
/// round. They take about 30 bytes a Han character for the whole run, too much for a long
/// document (a 30 MB one would hold 270 MB more); without them a group changed in a few places
/// scores its marked runs whole, which gives the same corrections.
const RAW_BYTES: usize = if cfg!(test) { 4_096 } else { 1 << 20 };

/// A group of fewer Han characters (a page) is scored anew: finding what may have changed
/// costs about as much as scoring it.
const RESCORE_MIN_CHARS: usize = if cfg!(test) { 1 } else { 2_000 };

/// In [`rescore`]'s windows, a window that is a changed word itself (not a candidate's word).
const WHOLE: u8 = u8::MAX;

/// A place of a character with its neighbours (see [`rescore`]).
const HOOD: usize = 2 * SUPPORT_CONTEXT + 1;

/// Matches the runs of `new` with equal runs of `old`, in order (an increasing partial map from
/// `new` to `old`): runs are taken in step, and after a pair that differs the next pair that
/// is equal (followed by another, or last) within a few runs on either side.
fn match_runs(old: &[&[u16]], new: &[&[u16]]) -> Vec<Option<usize>> {
    const LOOK: usize = 8;
    let mut matched = vec![None; new.len()];
    let eq = |i: usize, j: usize| i < old.len() && j < new.len() && old[i] == new[j];
    let (mut i, mut j) = (0, 0);
    while i < old.len() && j < new.len() {
        if eq(i, j) {
            matched[j] = Some(i);
            (i, j) = (i + 1, j + 1);
            continue;
        }
        let mut step = (1, 1);
        'look: for d in 1..=2 * LOOK {
            for a in d.saturating_sub(LOOK)..=d.min(LOOK) {
                let (x, y) = (i + a, j + d - a);
                let last = x + 1 == old.len() || y + 1 == new.len();
                if eq(x, y) && (last || eq(x + 1, y + 1)) {
                    step = (a, d - a);
                    break 'look;
                }
            }
        }
        (i, j) = (i + step.0, j + step.1);
    }
    matched
}

/// Pushes each of `found` (corrections of characters of `runs`, in text order) into `memo` with
/// the index of its run in `runs` and its position in the run; stops at one that is of no
/// character of the runs (then `memo` is shorter than `found`).
fn locate(runs: &Runs, found: &[Correction], memo: &mut Vec<(usize, usize, Correction)>) {
    for c in found {
        let Some(r) = runs.run_at(c.start) else {
            return;
        };
        let p = runs[r].partition_point(|s| s.start < c.start);
        if runs[r].get(p).is_none_or(|s| s.start != c.start) {
            return;
        }
        memo.push((r, p, c.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chinese::correct_in;

    #[test]
    fn the_memo_gives_the_corrections_of_the_text_as_it_is() {
        let typo = crate::Typo::embedded();
        let model = typo.model_for_debug();
        let params = *typo.params();
        let strict = Params {
            apply: 3.0,
            ..params
        };
        let none = Context::default();
        let all = |_: &Correction| true;
        // The same Han runs moved (paragraph breaks, spaces), one character changed, a run
        // split: each text gets exactly its own corrections, whatever the memo saw before.
        let text = "把思想统一到科学发展观上来。学习科学发展观的内涵。坚持科学发展观不动摇。\n\n\
                    贯彻落实科学发展观。我们要牢固树立科学发展关，推动经济发展。";
        let moved = text.replace("\n\n", "\n").replace('，', " ， ");
        let fixed = text.replace("发展关", "发展观");
        let split = text.replace("树立科学", "树立 科学");
        let steps = [
            (text, &params),
            (text, &params),
            (moved.as_str(), &params),
            (moved.as_str(), &strict),
            (fixed.as_str(), &params),
            (split.as_str(), &params),
            (text, &params),
        ];
        let mut last = None;
        for (t, p) in steps {
            let want = correct_in(t, model, p, &none);
            assert_eq!(
                correct_memo(t, model, p, &none, None, &all, false, &mut last),
                want,
                "{t}"
            );
        }
        let want = correct_in(&moved, model, &params, &none);
        assert!(want
            .iter()
            .any(|c| c.apply && &moved[c.start..c.end] == "关"));
    }

    #[test]
    fn the_memo_scores_again_only_the_groups_that_changed() {
        let typo = crate::Typo::embedded();
        let model = typo.model_for_debug();
        let params = *typo.params();
        let none = Context::default();
        let all = |_: &Correction| true;
        // Many groups (of DOCUMENT_CHARS = 60 in tests): one character changed in one of them,
        // a run split in another, runs moved; each text gets exactly its own corrections.
        let page = "把思想统一到科学发展观上来。学习科学发展观的内涵。坚持科学发展观不动摇。\n\n\
                    贯彻落实科学发展观。我们要牢固树立科学发展关，推动经济发展。\n";
        let text = page.repeat(6);
        let fixed = text.replacen("发展关", "发展观", 1);
        let split = fixed.replacen("树立科学", "树立 科学", 2);
        let moved = split.replace("\n\n", "\n");
        let mut last = None;
        for t in [&text, &text, &fixed, &split, &moved, &text, &moved] {
            let want = correct_in(t, model, &params, &none);
            assert_eq!(
                correct_memo(t, model, &params, &none, None, &all, false, &mut last),
                want,
                "{t}"
            );
        }
        assert!(!correct_in(&text, model, &params, &none).is_empty());
    }

    #[test]
    fn a_long_text_keeps_no_positions_results_and_the_same_corrections() {
        let typo = crate::Typo::embedded();
        let model = typo.model_for_debug();
        let params = *typo.params();
        let none = Context::default();
        let all = |_: &Correction| true;
        let page = "我们要牢固树立科学发展关，推动经济发展。坚持科学发展观不动摇。\n";
        let text = page.repeat(60);
        assert!(text.len() > RAW_BYTES);
        let fixed = text.replacen("发展关", "发展观", 3);
        // Other runs than the long text's: scored, not taken from its memo.
        let short = "学习科学发展观的内涵。贯彻落实科学发展关。\n".repeat(4);
        let mut last = None;
        for t in [
            &text,
            &fixed,
            &text,
            &short,
            &short.replacen("发展关", "发展观", 1),
        ] {
            let want = correct_in(t, model, &params, &none);
            assert_eq!(
                correct_memo(t, model, &params, &none, None, &all, false, &mut last),
                want,
                "{t}"
            );
            let kept = last
                .as_ref()
                .map_or(0, |m| m.groups.iter().filter(|g| !g.raw.is_empty()).count());
            assert_eq!(kept == 0, t.len() > RAW_BYTES, "{t}");
        }
    }

    #[test]
    fn the_memo_keeps_and_gives_only_what_keep_keeps() {
        let typo = crate::Typo::embedded();
        let model = typo.model_for_debug();
        let params = *typo.params();
        let none = Context::default();
        let page = "把思想统一到科学发展观上来。学习科学发展观的内涵。坚持科学发展观不动摇。\n\n\
                    贯彻落实科学发展观。我们要牢固树立科学发展关，推动经济发展。\n";
        let text = page.repeat(6);
        let fixed = text.replacen("发展关", "发展观", 1);
        let applied = |c: &Correction| c.apply;
        let mut last = None;
        for t in [&text, &text, &fixed, &text] {
            let mut want = correct_in(t, model, &params, &none);
            assert!(want.iter().any(|c| c.apply));
            want.retain(|c| c.apply);
            let got = correct_memo(t, model, &params, &none, None, &applied, true, &mut last);
            assert_eq!(got, want, "{t}");
            let remembered = last
                .as_ref()
                .map_or(0, |m| m.groups.iter().map(|g| g.found.len()).sum::<usize>());
            assert_eq!(remembered, want.len());
        }
    }

    #[test]
    fn a_group_scored_again_where_it_changed_has_the_corrections_of_scoring_it_anew() {
        let typo = crate::Typo::embedded();
        let model = typo.model_for_debug();
        // A cache model of one word: its size never changes, so a group that changed is
        // scored again only where it may have (`rescore`), never anew.
        let params = Params {
            cache_words: 1.0,
            ..*typo.params()
        };
        let none = Context::default();
        let all = |_: &Correction| true;
        let applied = |c: &Correction| c.apply;
        let page = "把思想统一到科学发展观上来。学习科学发展观的内涵。坚持科学发展观不动摇。\n\n\
                    贯彻落实科学发展观。我们要牢固树立科学发展关，推动经济发展。总体国家安全观，\
                    总体国家安全观、总体国家安全观和总体国家安全关。\n";
        let text = page.repeat(3);
        let fixed = text.replacen("发展关", "发展观", 1);
        let split = fixed.replacen("树立科学", "树立 科学", 2);
        let moved = split.replace("\n\n", "\n");
        let broken = moved
            .replacen("安全观", "安全关", 2)
            .replacen("学习", "学刁", 1);
        let joined = broken.replacen("上来。学习", "上来学习", 1);
        let texts = [
            &text, &fixed, &split, &moved, &broken, &joined, &text, &broken,
        ];
        for (keep, applied_only) in [
            (&all as &dyn Fn(&Correction) -> bool, false),
            (&applied, true),
        ] {
            let mut last = None;
            for t in texts {
                let mut want = correct_in(t, model, &params, &none);
                want.retain(|c| keep(c));
                let got = correct_memo(
                    t,
                    model,
                    &params,
                    &none,
                    None,
                    keep,
                    applied_only,
                    &mut last,
                );
                assert_eq!(got, want, "{t}");
            }
        }
        assert!(correct_in(&broken, model, &params, &none)
            .iter()
            .any(|c| c.apply));
    }

    /// Confusable pairs that OCR of Chinese makes (either way) and that the corrector questions.
    const SWAPS: &[(char, char)] = &[
        ('观', '关'),
        ('士', '土'),
        ('徐', '除'),
        ('己', '已'),
        ('未', '末'),
        ('人', '入'),
        ('日', '曰'),
        ('大', '太'),
        ('治', '冶'),
        ('员', '贝'),
    ];

    /// One edit of a text, as OCR and the other passes make them between two rounds: a
    /// character swapped for a look-alike, a character deleted, a paragraph break or a space
    /// inserted, a short span repeated.
    fn edit(text: &str, kind: u8, at: usize, len: usize) -> String {
        let chars: Vec<char> = text.chars().collect();
        if chars.is_empty() {
            return text.to_string();
        }
        let at = at % chars.len();
        let mut out: Vec<char> = chars.clone();
        match kind % 5 {
            0 | 1 => {
                // The next character from `at` that has a look-alike.
                if let Some((k, to)) = (at..chars.len()).chain(0..at).find_map(|k| {
                    SWAPS.iter().find_map(|&(a, b)| {
                        (chars[k] == a)
                            .then_some((k, b))
                            .or_else(|| (chars[k] == b).then_some((k, a)))
                    })
                }) {
                    out[k] = to;
                }
            }
            2 => {
                out.remove(at);
            }
            3 => out
                .splice(
                    at..at,
                    if len % 2 == 0 {
                        vec!['\n', '\n']
                    } else {
                        vec![' ']
                    },
                )
                .for_each(drop),
            _ => {
                let end = (at + 1 + len % 12).min(chars.len());
                let span: Vec<char> = chars[at..end].to_vec();
                out.splice(end..end, span).for_each(drop);
            }
        }
        out.into_iter().collect()
    }

    /// Whether the evidence the memo keeps for each group of `text` (see `Group::again`) is
    /// that of the group made anew: the same word counts, and near-variants that find the same
    /// recurring words for every window of the group's runs. True when a group keeps none.
    fn evidence_is_fresh(text: &str, model: &Model, params: &Params, memo: &Memo) -> bool {
        let mut same = true;
        for_each_group(text, model, |g, runs| {
            let Some(kept) = memo.groups.get(g).and_then(|m| m.kept.as_ref()) else {
                return;
            };
            let fresh = Group::new(runs, model, params, None);
            same &= kept.doc == fresh.doc;
            let hits = |variants: &super::super::evidence::NearVariants, key: u64| {
                let mut found = Vec::new();
                variants.hits(key, model, |j, c| found.push((j, c)));
                found
            };
            for run in runs.iter() {
                let ids: Vec<u16> = run.iter().map(|s| s.id).collect();
                for a in 0..ids.len() {
                    for b in a + 2..(a + MAX_WORD).min(ids.len()) + 1 {
                        if let Some(key) = crate::model::pack(&ids[a..b]) {
                            same &= hits(&kept.variants, key) == hits(&fresh.variants, key);
                        }
                    }
                }
            }
        });
        same
    }

    /// Whether the positions' results the memo keeps for each group of `text` are those of
    /// scoring the group anew (but for the byte ranges, which a kept result does not follow).
    fn raw_is_fresh(
        text: &str,
        model: &Model,
        params: &Params,
        applied_only: bool,
        memo: &Memo,
    ) -> bool {
        let wanted = Wanted {
            protected: &[],
            applied_only,
        };
        let plain = |raw: &[RawRun]| -> Vec<Vec<(u32, Option<Correction>)>> {
            raw.iter()
                .map(|run| {
                    run.iter()
                        .map(|(p, c)| {
                            let c = c.as_ref().map(|c| Correction {
                                start: 0,
                                end: 0,
                                ..c.clone()
                            });
                            (*p, c)
                        })
                        .collect()
                })
                .collect()
        };
        let mut same = true;
        for_each_group(text, model, |g, runs| {
            let mut raw = Vec::new();
            correct_group(
                runs,
                model,
                params,
                &Context::default(),
                None,
                &wanted,
                None,
                Some((&mut raw, &|_: &Correction| true)),
                &mut RunScratch::default(),
                &mut Vec::new(),
            );
            same &= memo
                .groups
                .get(g)
                .is_some_and(|m| m.raw.len() == runs.len() && plain(&m.raw) == plain(&raw));
        });
        same
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        /// Whatever edits happen between rounds, the memo (which scores again only the runs
        /// of a changed group whose corrections may have changed) gives exactly the
        /// corrections of scoring the text anew, suggestions and applied ones.
        #[test]
        fn a_group_scored_again_after_random_edits_has_the_corrections_of_scoring_it_anew(
            edits in proptest::collection::vec((0u8..5, 0usize..10_000, 0usize..64), 1..6),
            cache_words in proptest::prop_oneof![proptest::strategy::Just(1.0f32), proptest::strategy::Just(1000.0f32)],
        ) {
            let typo = crate::Typo::embedded();
            let model = typo.model_for_debug();
            let params = Params { cache_words, ..*typo.params() };
            let none = Context::default();
            let all = |_: &Correction| true;
            let applied = |c: &Correction| c.apply;
            // One paragraph in which words recur (and one misread of each), so that an edit
            // anywhere changes the evidence of places elsewhere; then the sample page.
            let para = "把思想统一到科学发展观上来。学习科学发展观的内涵。坚持科学发展观不动摇。\
                        贯彻落实科学发展观。我们要牢固树立科学发展关，推动经济发展。总体国家安全观，\
                        总体国家安全观、总体国家安全观和总体国家安全关。残疾人士和老年人、残疾人土\
                        的家属。清徐县清徐韵达快递，清除疫情。大会决定，太原市人民政府治理工作。";
            let base = format!(
                "{}\n\n{}",
                para.repeat(3),
                include_str!("../../../../data/samples/zh-newspaper.txt"),
            );
            let mut texts = vec![base.clone()];
            for &(kind, at, len) in &edits {
                let next = edit(texts.last().unwrap(), kind, at, len);
                texts.push(next);
            }
            for (keep, applied_only) in [
                (&all as &dyn Fn(&Correction) -> bool, false),
                (&applied, true),
            ] {
                let mut last = None;
                for t in &texts {
                    let mut want = correct_in(t, model, &params, &none);
                    want.retain(|c| keep(c));
                    let got =
                        correct_memo(t, model, &params, &none, None, keep, applied_only, &mut last);
                    proptest::prop_assert_eq!(got, want, "{}", t);
                    // The results kept for the next round are those of scoring anew.
                    if let Some(memo) = &last {
                        proptest::prop_assert!(raw_is_fresh(t, model, &params, applied_only, memo), "{}", t);
                        // And so is the evidence kept for it.
                        proptest::prop_assert!(evidence_is_fresh(t, model, &params, memo), "{}", t);
                    }
                }
            }
        }
    }
}
