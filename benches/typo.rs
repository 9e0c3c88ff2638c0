//! Throughput of the typo pass alone (bytes per second on one core) on OCR-like Chinese text
//! (`benches/data/zh.txt`), clean Chinese prose (`zh_prose.txt`) and English (`en.txt`).
//!
//! ```sh
//! cargo bench --bench typo
//! ```

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use ocrtidy::{PassId, Pipeline};

const ZH: &str = include_str!("data/zh.txt");
const ZH_PROSE: &str = include_str!("data/zh_prose.txt");
const EN: &str = include_str!("data/en.txt");

fn typo(c: &mut Criterion) {
    let pipeline = Pipeline::builder()
        .only([PassId::Typo])
        .build()
        .expect("the typo pass is available");
    // Build the model before measuring.
    let _ = pipeline.clean("预热");
    let mut group = c.benchmark_group("typo");
    group.measurement_time(Duration::from_secs(8));
    for (name, text) in [("zh-ocr", ZH), ("zh-prose", ZH_PROSE), ("en", EN)] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::new("pass", name), text, |b, t| {
            b.iter(|| pipeline.clean(t))
        });
    }
    group.finish();
}

criterion_group!(benches, typo);
criterion_main!(benches);
