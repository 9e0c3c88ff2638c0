//! Cleans standard input with the normalisation and layout passes only, for measuring this
//! crate on a corpus independently of the CLI: `layout_clean clean - [--passes a,b] [--keep-furniture]`
//! (the argument shape of `ocrtidy clean`, so `scripts/corpus_eval.py --bin` can drive it).

use std::io::{Read, Write};

use ocrtidy_core::{Context, Pass, Runner};
use ocrtidy_layout::{Dehyphenate, Furniture, LineJoin, SplitFragments};
use ocrtidy_normalize::{BlankLines, Newlines, ParagraphSeparator, TrailingSpace};

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let keep = args.iter().any(|a| a == "--keep-furniture");
    let only: Option<Vec<String>> = args
        .iter()
        .position(|a| a == "--passes")
        .and_then(|i| args.get(i + 1))
        .map(|s| s.split(',').map(str::to_string).collect());
    let all: Vec<Box<dyn Pass>> = vec![
        Box::new(Newlines),
        Box::new(TrailingSpace),
        Box::new(if keep {
            Furniture::keep()
        } else {
            Furniture::new()
        }),
        Box::new(Dehyphenate),
        Box::new(LineJoin),
        Box::new(SplitFragments::default()),
        Box::new(BlankLines::new(ParagraphSeparator::Line)),
    ];
    let passes: Vec<Box<dyn Pass>> = all
        .into_iter()
        .filter(|p| {
            only.as_ref()
                .is_none_or(|o| o.iter().any(|n| n.as_str() == p.id().name()))
        })
        .collect();
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input)?;
    let cleaned = Runner::new(passes).run(&input, &Context::default());
    if args.iter().any(|a| a == "--trace") {
        // One line per change on standard error: pass, rule, and the text before.
        let mut err = std::io::stderr().lock();
        for c in &cleaned.changes {
            writeln!(err, "{}\t{}\t{:?}\t{:?}", c.pass, c.rule, c.before, c.after)?;
        }
    }
    std::io::stdout().write_all(cleaned.text.as_bytes())
}
