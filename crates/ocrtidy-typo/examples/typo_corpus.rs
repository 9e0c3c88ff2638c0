//! Calibration tool: reads JSON Lines records `{"id", "text", "gtclean"}` on standard input and
//! prints every correction the corrector considers (suggestions included) for `text` and for
//! `gtclean` as tab-separated lines: field, id, start, end, candidates (char:score,...), apply.
//! `scripts/typo_eval.py` turns them into precision figures.
use std::io::{BufRead, Write};

use ocrtidy_typo::Typo;

fn field(record: &serde_json::Value, name: &str) -> Option<String> {
    record.get(name)?.as_str().map(str::to_string)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut ch = ocrtidy_typo::ChannelParams::default();
    let mut extra = ocrtidy_typo::ConfusionTable::embedded();
    for a in &args {
        if let Some((k, v)) = a.split_once('=') {
            match k {
                "vbase" => ch.visual_base = v.parse().unwrap_or(ch.visual_base),
                "vslope" => ch.visual_slope = v.parse().unwrap_or(ch.visual_slope),
                "pbase" => ch.phonetic_base = v.parse().unwrap_or(ch.phonetic_base),
                "lfloor" => ch.learned_floor = v.parse().unwrap_or(ch.learned_floor),
                "learned" => {
                    let text = std::fs::read_to_string(v).unwrap_or_default();
                    let _ = extra.load(&text, ocrtidy_typo::ConfusionKind::Learned, v);
                }
                _ => {}
            }
        }
    }
    let mut typo = Typo::with_channel(ocrtidy_typo::Lexicon::embedded(), &extra, ch);
    let mut p = *typo.params();
    for a in &args {
        if let Some((k, v)) = a.split_once('=') {
            let v: f32 = v.parse().unwrap_or(0.0);
            match k {
                "single" => p.single_penalty = v,
                "evidence" => p.evidence_weight = v,
                "maxsingle" => p.max_single_freq = v as u32,
                "apply" => p.apply = v,
                "margin" => p.margin = v,
                "suggest" => p.suggest = v,
                "bonded" => p.allow_bonded = v > 0.0,
                "overlap" => p.overlap = v > 0.0,
                "bond" => p.bond_weight = v,
                "noisy" => p.max_noisy_neighbours = v as usize,
                "calscale" => p.cal_scale = v,
                "calbias" => p.cal_bias = v,
                "wctx" => p.context_weight = v,
                "wch" => p.channel_weight = v,
                "ovis" => p.visual_offset = v,
                "opho" => p.phonetic_offset = v,
                "olea" => p.learned_offset = v,
                "oev" => p.evidence_offset = v,
                "wsup" => p.support_weight = v,
                "worph" => p.orphan_weight = v,
                "orphfloor" => p.orphan_floor = v,
                "olong" => p.long_word_offset = v,
                "evmin" => p.evidence_min = v as u32,
                "supk" => p.support_min_context = v as usize,
                "supmin" => p.support_min = v as u32,
                "cache" => p.cache_words = v,
                "maxcand" => p.max_candidates = v as usize,
                "lmw" => p.lm_weight = v,
                _ => {}
            }
        }
    }
    typo = typo.with_params(p);
    // A word language model for the context (`OCRTIDY_LM=path/to/zh_CN.lm`).
    let lm = std::env::var_os("OCRTIDY_LM").map(|p| {
        ocrtidy_typo::kenlm::KenLm::open(&p)
            .unwrap_or_else(|e| panic!("{}: {e}", p.to_string_lossy()))
    });
    let lm = lm.as_ref().map(|l| l as &dyn ocrtidy_typo::chinese::WordLm);
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines().map_while(Result::ok) {
        let Ok(record) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        let id = field(&record, "id").unwrap_or_default();
        for f in ["text", "gtclean"] {
            let Some(t) = field(&record, f) else { continue };
            for l in ocrtidy_typo::latin::correct(&t) {
                let _ = writeln!(
                    out,
                    "latin-{f}\t{id}\t{}\t{}\t{}\t{}",
                    l.start,
                    l.end,
                    l.replacement,
                    u8::from(l.apply)
                );
            }
            let none = ocrtidy_core::Context::default();
            for c in ocrtidy_typo::chinese::correct_lm(
                &t,
                typo.model_for_debug(),
                typo.params(),
                &none,
                lm,
            )
            .into_iter()
            // What the pass drops (see `Typo::inside_long_word`).
            .filter(|c| !typo.inside_long_word(&t, c.start, c.end))
            {
                let cands: Vec<String> = c
                    .candidates
                    .iter()
                    .map(|(ch, s, e)| format!("{ch}:{s:.3}:{}", u8::from(*e)))
                    .collect();
                let feats: Vec<String> = c.features.iter().map(|x| format!("{x:.3}")).collect();
                let _ = writeln!(
                    out,
                    "{f}\t{id}\t{}\t{}\t{}\t{}\t{}",
                    c.start,
                    c.end,
                    cands.join(","),
                    u8::from(c.apply),
                    feats.join(" ")
                );
            }
        }
    }
}
