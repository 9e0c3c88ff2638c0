//! Times scoring a 1 MB text against a 1 MB perturbed copy (distance, alignment and the full
//! metric set), to show that alignment is not quadratic in memory.
//!
//! `cargo run --release -p ocrtidy-eval --example align_1mb [-- ERROR_RATE [latin]]`

use std::time::Instant;

use ocrtidy_eval::{align, score, Unit};

fn main() {
    let rate: f64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0.05);
    let latin = std::env::args().nth(2).is_some_and(|s| s == "latin");
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    // About 1 MB of Chinese-like text (3 bytes per character) or of Latin words, with a
    // paragraph break every ~300 characters.
    let mut gt = String::new();
    while gt.len() < 1_000_000 {
        let r = next();
        if r % 300 == 0 {
            gt.push('\n');
        } else if latin {
            gt.push(if r % 6 == 0 {
                ' '
            } else {
                (b'a' + (r % 26) as u8) as char
            });
        } else if r % 20 == 0 {
            gt.push('，');
        } else {
            gt.push(char::from_u32(0x4E00 + (r % 3000) as u32).unwrap_or('字'));
        }
    }
    // OCR-like damage: substitutions, deletions, insertions and extra line breaks.
    let mut pred = String::with_capacity(gt.len() + gt.len() / 8);
    for c in gt.chars() {
        let r = next();
        let p = (r % 1_000_000) as f64 / 1_000_000.0;
        if p < rate * 0.5 {
            pred.push(char::from_u32(0x4E00 + (r % 3000) as u32).unwrap_or('字'));
        } else if p < rate * 0.7 {
        } else if p < rate * 0.85 {
            pred.push(c);
            pred.push('\n');
        } else if p < rate {
            pred.push(c);
            pred.push('丨');
        } else {
            pred.push(c);
        }
    }
    println!(
        "gt {} bytes / {} chars, pred {} bytes / {} chars, damage rate {rate}",
        gt.len(),
        gt.chars().count(),
        pred.len(),
        pred.chars().count()
    );
    let (a, b): (Vec<u32>, Vec<u32>) = (
        pred.chars().map(|c| c as u32).collect(),
        gt.chars().map(|c| c as u32).collect(),
    );
    let t = Instant::now();
    let d = align::distance(&a, &b);
    println!("distance {d} in {:.2?}", t.elapsed());
    let t = Instant::now();
    let ops = align::align(&a, &b);
    println!("alignment ({} steps) in {:.2?}", ops.len(), t.elapsed());
    let t = Instant::now();
    let c = score(&pred, &gt, &[], Unit::Grapheme);
    let s = c.summary(1);
    println!(
        "all metrics in {:.2?}: CER {:.4} CER_content {:.4} WER {:.4} LB P/R/F1 {:.3}/{:.3}/{:.3}",
        t.elapsed(),
        s.cer_raw,
        s.cer_content,
        s.wer,
        s.lb_precision,
        s.lb_recall,
        s.lb_f1
    );
}
