//! The corrections of the last document scored, reused in the next round of the same run.

use ocrtidy_core::Context;

use super::groups::for_each_group;
use super::{correct_group, correct_lm, Correction, Params, Slot, Wanted, WordLm};
use crate::model::Model;

/// The last document a [`Typo`](crate::Typo) pass scored in a run (kept in the pass's
/// [`ocrtidy_core::PassMemory`]): the pipeline runs
/// every pass at least twice on a document (the second round confirms the fixed point), and
/// the second time the Han text is most often the same, only moved by edits of other passes
/// (paragraph breaks, spaces). The corrections depend on the text only through its Han runs
/// (with no protected terms and no OCR confidences), and those of a document group (see
/// [`DOCUMENT_CHARS`](super::groups::DOCUMENT_CHARS)) only through the runs of the group, so they are reused group by group,
/// moved to the runs' new offsets: on a long text, a round that changed a few characters scores
/// again only the groups that hold them.
pub(crate) struct Memo {
    /// The parameters the corrections were found with.
    params: Params,
    /// Whether only the applied corrections were found (see [`correct_memo`]).
    applied_only: bool,
    /// Every document group, in order.
    groups: Vec<GroupMemo>,
}

/// One document group of a [`Memo`].
#[derive(Default)]
struct GroupMemo {
    /// The runs' lengths, and their ids one after the other (2 bytes a Han character).
    key: RunKey,
    /// The corrections with the run (in the group) and the position in it of their character.
    found: Vec<(usize, usize, Correction)>,
}

/// The Han runs of a document group as ids: what its corrections depend on.
#[derive(Default, PartialEq)]
struct RunKey {
    lens: Vec<u32>,
    ids: Vec<u16>,
}

impl RunKey {
    fn of(runs: &[Vec<Slot>]) -> RunKey {
        RunKey {
            lens: runs.iter().map(|run| run.len() as u32).collect(),
            ids: runs.iter().flatten().map(|s| s.id).collect(),
        }
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
    let mut old = last
        .take()
        .filter(|m| m.params == *params && m.applied_only == applied_only)
        .map_or_else(Vec::new, |m| m.groups);
    let mut groups = Vec::new();
    let mut out = Vec::new();
    // The corrections of one group, before `keep`.
    let mut fresh = Vec::new();
    let mut complete = true;
    for_each_group(text, model, |g, runs| {
        let key = RunKey::of(runs);
        match old.get_mut(g).filter(|m| m.key == key) {
            Some(m) => {
                out.extend(m.found.iter().map(|(r, p, c)| Correction {
                    start: runs[*r][*p].start,
                    end: runs[*r][*p].end,
                    ..c.clone()
                }));
                groups.push(std::mem::take(m));
            }
            None => {
                let before = out.len();
                // No protected terms here (see above).
                let wanted = Wanted {
                    protected: &[],
                    applied_only,
                };
                correct_group(runs, model, params, context, lm, &wanted, &mut fresh);
                out.extend(fresh.drain(..).filter(|c| keep(c)));
                let mut found = Vec::with_capacity(out.len() - before);
                locate(runs, &out[before..], &mut found);
                complete &= found.len() == out.len() - before;
                groups.push(GroupMemo { key, found });
            }
        }
    });
    if complete && !groups.is_empty() {
        *last = Some(Memo {
            params: *params,
            applied_only,
            groups,
        });
    }
    out
}

/// Pushes each of `found` (corrections of characters of `runs`, in text order) into `memo` with
/// the index of its run in `runs` and its position in the run; stops at one that is of no
/// character of the runs (then `memo` is shorter than `found`).
fn locate(runs: &[Vec<Slot>], found: &[Correction], memo: &mut Vec<(usize, usize, Correction)>) {
    for c in found {
        let Some(r) = runs
            .partition_point(|run| run[0].start <= c.start)
            .checked_sub(1)
        else {
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
}
