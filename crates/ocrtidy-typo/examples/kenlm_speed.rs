//! Open time and query throughput of a KenLM binary (a measurement, not a test):
//! `cargo run --release -p ocrtidy-typo --example kenlm_speed [MODEL]` (default: `KENLM_MODEL`,
//! else Debian's `/usr/lib/x86_64-linux-gnu/libime/zh_CN.lm`).
use std::time::{Duration, Instant};

use ocrtidy_typo::kenlm::KenLm;

fn main() {
    let path = std::env::args()
        .nth(1)
        .or_else(|| std::env::var("KENLM_MODEL").ok())
        .unwrap_or_else(|| "/usr/lib/x86_64-linux-gnu/libime/zh_CN.lm".to_string());
    let mut best = Duration::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        let lm = KenLm::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        best = best.min(start.elapsed());
        drop(lm);
    }
    let lm = KenLm::open(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    println!("open: best of 5 {best:?}");

    // Word-trigram queries over random ids (xorshift).
    let mut state = 42u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let n = lm.vocab_size() as u64;
    let ids: Vec<u32> = (0..1_000_000).map(|_| (next() % n) as u32).collect();
    let start = Instant::now();
    let mut sum = 0f32;
    for window in ids.windows(3) {
        sum += lm.score(&window[..2], window[2]);
    }
    let qps = (ids.len() - 2) as f64 / start.elapsed().as_secs_f64();
    println!("score (random trigrams): {qps:.0} queries/s ({sum})");

    let sentence = ["我们", "是", "中国人", "中国", "人民", "银行"];
    let start = Instant::now();
    let mut count = 0;
    while start.elapsed().as_millis() < 500 {
        for _ in 0..1000 {
            sum += lm.sentence_logprob(&sentence, true, true);
            count += sentence.len() + 1;
        }
    }
    let qps = count as f64 / start.elapsed().as_secs_f64();
    println!("sentence_logprob (with vocabulary lookup): {qps:.0} words/s ({sum})");

    if let Some(words) = lm.words() {
        let words: Vec<&str> = words.collect();
        let start = Instant::now();
        let found = words.iter().filter(|w| lm.index(w).is_some()).count();
        let qps = found as f64 / start.elapsed().as_secs_f64();
        println!("index: {qps:.0} lookups/s");
    };
}
