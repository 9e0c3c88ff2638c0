//! Throughput of every pass alone and of the default pipeline, on OCR-like Chinese and English
//! text (`benches/data/{zh,en}.txt`, made by `benches/data/make_data.py`), in bytes per second on
//! one core. Also the JSON Lines engine on one thread.
//!
//! ```sh
//! cargo bench --bench passes              # everything
//! cargo bench --bench passes -- pipeline  # a subset
//! ```

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ocrtidy::stream::{clean_jsonl, JsonlOptions};
use ocrtidy::{available_passes, PassId, Pipeline};

const ZH: &str = include_str!("data/zh.txt");
const EN: &str = include_str!("data/en.txt");

/// Passes that only run when configured (script conversion needs a conversion).
fn runs_alone(id: PassId) -> Option<Pipeline> {
    Pipeline::builder().only([id]).build().ok()
}

fn passes(c: &mut Criterion) {
    let mut group = c.benchmark_group("pass");
    for (lang, text) in [("zh", ZH), ("en", EN)] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        for &id in available_passes() {
            let Some(pipeline) = runs_alone(id) else {
                continue;
            };
            group.bench_with_input(BenchmarkId::new(id.name(), lang), text, |b, t| {
                b.iter(|| pipeline.clean(t))
            });
        }
    }
    group.finish();
}

fn pipeline(c: &mut Criterion) {
    let pipeline = Pipeline::default();
    let mut group = c.benchmark_group("pipeline");
    for (lang, text) in [("zh", ZH), ("en", EN)] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::new("default", lang), text, |b, t| {
            b.iter(|| pipeline.clean(t))
        });
    }
    group.finish();
}

fn jsonl(c: &mut Criterion) {
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

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = benches;
    config = config();
    targets = passes, pipeline, jsonl
}
criterion_main!(benches);
