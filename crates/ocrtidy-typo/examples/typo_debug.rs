//! Prints the corrections the typo corrector finds in each line of standard input (or of the
//! arguments), with their scores. For calibrating the parameters.
use std::io::Read;

use ocrtidy_typo::Typo;

fn main() {
    let mut texts: Vec<String> = std::env::args().skip(1).collect();
    if texts.is_empty() {
        let mut s = String::new();
        let _ = std::io::stdin().read_to_string(&mut s);
        texts.push(s);
    }
    let typo = Typo::embedded();
    // A word language model for the context (`OCRTIDY_LM=path/to/zh_CN.lm`).
    let lm = std::env::var_os("OCRTIDY_LM").map(|p| {
        ocrtidy_typo::kenlm::KenLm::open(&p)
            .unwrap_or_else(|e| panic!("{}: {e}", p.to_string_lossy()))
    });
    let lm = lm.as_ref().map(|l| l as &dyn ocrtidy_typo::chinese::WordLm);
    let none = ocrtidy_core::Context::default();
    for t in &texts {
        let found =
            ocrtidy_typo::chinese::correct_lm(t, typo.model_for_debug(), typo.params(), &none, lm);
        // What the pass drops (see `Typo::inside_long_word`).
        for c in found
            .into_iter()
            .filter(|c| !typo.inside_long_word(t, c.start, c.end))
        {
            let lo = t[..c.start].char_indices().rev().nth(3).map_or(0, |x| x.0);
            let hi = t[c.end..]
                .char_indices()
                .nth(4)
                .map_or(t.len(), |x| c.end + x.0);
            println!(
                "{}[{}]{}\t{:?} apply={} {:?}",
                &t[lo..c.start],
                &t[c.start..c.end],
                &t[c.end..hi],
                c.candidates,
                c.apply,
                c.features
            );
        }
    }
}
