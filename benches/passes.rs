//! Throughput of every pass alone and of the default pipeline, on OCR-like Chinese and English
//! text (`benches/data/{zh,en}.txt`, made by `benches/data/make_data.py`), in bytes per second on
//! one core. Also the JSON Lines engine on one thread, and `ocrtidy eval`'s scoring of one
//! (prediction, ground truth) pair: OCR text against its cleaned text (few differences), and a
//! text against a copy with a quarter of its characters damaged (a distance proportional to
//! the length, the expensive case of the alignment). And the default pipeline and the typo
//! pass on real OCR text: the `ocr` field of the Chinese records of the corpus's dev split
//! (`$OCRTIDY_CORPUS`, by default `../shared/ocr-corpus/dev.jsonl` next to the repository; the
//! group is skipped with a message when it is absent), page by page and as one document.
//!
//! Time is the CPU time of the process (`CLOCK_PROCESS_CPUTIME_ID` on Unix; wall time
//! elsewhere), so the figures are per core and stay meaningful when other processes share the
//! machine.
//!
//! ```sh
//! cargo bench --bench passes              # everything
//! cargo bench --bench passes -- pipeline  # a subset
//! cargo bench --bench passes -- corpus    # real OCR text (needs the corpus)
//! ```

use std::time::Duration;

use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ocrtidy::stream::{clean_jsonl, JsonlOptions};
use ocrtidy::{available_passes, PassId, Pipeline};

const ZH: &str = include_str!("data/zh.txt");
const EN: &str = include_str!("data/en.txt");

/// Passes that only run when configured (script conversion needs a conversion).
fn runs_alone(id: PassId) -> Option<Pipeline> {
    Pipeline::builder().only([id]).build().ok()
}

/// The text and a copy that differs in its first Chinese and Latin words, cleaned in turn: the
/// typo pass remembers the last document of a thread (so that a convergence round that finds
/// the same words again costs little), and cleaning one text over and over would measure that
/// memo instead of the pass.
fn variants(text: &str) -> [String; 2] {
    [text.to_string(), format!("中 Zq {text}")]
}

fn passes(c: &mut Criterion<CpuTime>) {
    let mut group = c.benchmark_group("pass");
    for (lang, text) in [("zh", ZH), ("en", EN)] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        for &id in available_passes() {
            let Some(pipeline) = runs_alone(id) else {
                continue;
            };
            let variants = variants(text);
            let mut k = 0usize;
            group.bench_function(BenchmarkId::new(id.name(), lang), |b| {
                b.iter(|| {
                    k += 1;
                    pipeline.clean(&variants[k % 2])
                })
            });
        }
    }
    group.finish();
}

fn pipeline(c: &mut Criterion<CpuTime>) {
    let pipeline = Pipeline::default();
    let mut group = c.benchmark_group("pipeline");
    for (lang, text) in [("zh", ZH), ("en", EN)] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        let variants = variants(text);
        let mut k = 0usize;
        group.bench_function(BenchmarkId::new("default", lang), |b| {
            b.iter(|| {
                k += 1;
                pipeline.clean(&variants[k % 2])
            })
        });
    }
    group.finish();
}

fn jsonl(c: &mut Criterion<CpuTime>) {
    let pipeline = Pipeline::default();
    // One record per page.
    let mut input = String::new();
    for (i, page) in ZH.split('\u{c}').enumerate() {
        let text = serde_json::to_string(page).unwrap_or_default();
        input.push_str(&format!(
            "{{\"id\":\"zh-{i}\",\"text\":{text},\"source\":\"bench\"}}\n"
        ));
    }
    let mut options = JsonlOptions::default();
    options.threads = Some(1);
    let mut group = c.benchmark_group("jsonl");
    group.throughput(Throughput::Bytes(input.len() as u64));
    group.bench_function("default/zh/1-thread", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(input.len());
            clean_jsonl(&pipeline, input.as_bytes(), &mut out, &options, |_| Ok(()))
        })
    });
    group.finish();
}

/// `text` with about `rate` of its characters substituted, deleted or followed by an inserted
/// one (a fixed pseudo-random sequence, so every run scores the same pair).
fn damaged(text: &str, rate: f64) -> String {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    for c in text.chars() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let p = (x % 1_000_000) as f64 / 1_000_000.0;
        let other = char::from_u32(0x4E00 + (x >> 40) as u32 % 3000).unwrap_or('字');
        if p < rate * 0.5 {
            out.push(other);
        } else if p < rate * 0.75 {
        } else if p < rate {
            out.push(c);
            out.push(other);
        } else {
            out.push(c);
        }
    }
    out
}

fn eval(c: &mut Criterion<CpuTime>) {
    let cleaned = Pipeline::default().clean(ZH).text;
    let mut group = c.benchmark_group("eval");
    group.throughput(Throughput::Bytes(ZH.len() as u64));
    for (name, gt) in [
        ("zh/vs-cleaned", cleaned),
        ("zh/vs-damaged-25%", damaged(ZH, 0.25)),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| ocrtidy::eval::score(ZH, &gt, &[], ocrtidy::eval::Unit::Grapheme))
        });
    }
    group.finish();
}

/// The OCR text of the corpus's records in `lang`, in file order (pages of a document are
/// consecutive), or `None` when the corpus is not there.
fn corpus_pages(lang: &str) -> Option<Vec<String>> {
    let path = std::env::var("OCRTIDY_CORPUS").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/ocr-corpus/dev.jsonl"
        )
        .to_string()
    });
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("corpus benchmarks skipped: no {path} (set OCRTIDY_CORPUS to dev.jsonl)");
        return None;
    };
    let pages = text
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|record| record["lang"] == lang)
        .filter_map(|record| record["ocr"].as_str().map(str::to_string))
        .collect();
    Some(pages)
}

/// The default pipeline and the typo pass alone on real OCR text: every page cleaned as its
/// own document, and the same pages joined into one document (blank lines between them). A
/// document should cost about the same per byte either way.
fn corpus(c: &mut Criterion<CpuTime>) {
    let Some(pages) = corpus_pages("zh") else {
        return;
    };
    let whole = pages.join("\n\n");
    let mut group = c.benchmark_group("corpus");
    group.throughput(Throughput::Bytes(whole.len() as u64));
    let typo = runs_alone(PassId::Typo);
    for (name, pipeline) in [("default", Some(Pipeline::default())), ("typo", typo)] {
        let Some(pipeline) = pipeline else {
            continue;
        };
        group.bench_function(BenchmarkId::new(name, "zh-pages"), |b| {
            b.iter(|| {
                for page in &pages {
                    std::hint::black_box(pipeline.clean(page));
                }
            })
        });
        group.bench_function(BenchmarkId::new(name, "zh-whole"), |b| {
            b.iter(|| pipeline.clean(&whole))
        });
    }
    group.finish();
}

/// CPU time of the process (the benchmark thread and any worker threads it starts).
#[cfg(unix)]
fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec for clock_gettime to write into.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

#[cfg(not(unix))]
fn thread_cpu_time() -> Duration {
    use std::sync::OnceLock;
    use std::time::Instant;
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed()
}

/// Criterion measurement of CPU time, formatted like wall time.
struct CpuTime;

impl Measurement for CpuTime {
    type Intermediate = Duration;
    type Value = Duration;

    fn start(&self) -> Duration {
        thread_cpu_time()
    }
    fn end(&self, start: Duration) -> Duration {
        thread_cpu_time().saturating_sub(start)
    }
    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }
    fn zero(&self) -> Duration {
        Duration::ZERO
    }
    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_nanos() as f64
    }
    fn formatter(&self) -> &dyn ValueFormatter {
        WallTime.formatter()
    }
}

fn config() -> Criterion<CpuTime> {
    Criterion::default()
        .with_measurement(CpuTime)
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = benches;
    config = config();
    targets = passes, pipeline, jsonl, eval, corpus
}
criterion_main!(benches);
