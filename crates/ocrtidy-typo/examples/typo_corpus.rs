//! Calibration tool: reads JSON Lines records `{"id", "text", "gtclean"}` on standard input and
//! prints every correction the corrector considers (suggestions included) for `text` and for
//! `gtclean` as tab-separated lines: field, id, start, end, candidates (char:score,...), apply.
//! `scripts/typo_eval.py` turns them into precision figures.
use std::io::{BufRead, Write};

use ocrtidy_typo::Typo;

fn field<'a>(line: &'a str, name: &str) -> Option<String> {
    // Tiny JSON string extraction, enough for the calibration files written by typo_eval.py.
    let key = format!("\"{name}\": \"");
    let start = line.find(&key)? + key.len();
    let mut out = String::new();
    let mut chars = line[start..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'f' => out.push('\u{c}'),
                'r' => out.push('\r'),
                'u' => {
                    let hex: String = chars.by_ref().take(4).collect();
                    let v = u32::from_str_radix(&hex, 16).ok()?;
                    out.push(char::from_u32(v).unwrap_or('\u{fffd}'));
                }
                o => out.push(o),
            },
            c => out.push(c),
        }
    }
    let _ = line;
    None
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
                "evidence" => p.evidence_freq = v,
                "maxsingle" => p.max_single_freq = v as u32,
                "apply" => p.apply = v,
                "margin" => p.margin = v,
                "suggest" => p.suggest = v,
                _ => {}
            }
        }
    }
    typo = typo.with_params(p);
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines().map_while(Result::ok) {
        let id = field(&line, "id").unwrap_or_default();
        for f in ["text", "gtclean"] {
            let Some(t) = field(&line, f) else { continue };
            for c in ocrtidy_typo::chinese::correct(&t, typo.model_for_debug(), typo.params()) {
                let cands: Vec<String> = c
                    .candidates
                    .iter()
                    .map(|(ch, s, e)| format!("{ch}:{s:.3}:{}", u8::from(*e)))
                    .collect();
                let _ = writeln!(out, "{f}\t{id}\t{}\t{}\t{}\t{}", c.start, c.end, cands.join(","), u8::from(c.apply));
            }
        }
    }
}
