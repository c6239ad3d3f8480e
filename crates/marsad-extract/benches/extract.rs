//! Criterion benchmark of `Engine::extract` on the seed articles: one thread, and all cores.

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use marsad_core::Document;
use marsad_extract::Engine;

fn seed_documents() -> Vec<Document> {
    [
        (
            "ar",
            include_str!("../tests/fixtures/barrack-coalition-ar.txt"),
        ),
        (
            "en",
            include_str!("../tests/fixtures/barrack-coalition-en.txt"),
        ),
    ]
    .iter()
    .map(|(lang, text)| Document {
        id: format!("seed-{lang}"),
        text: (*text).to_owned(),
        published: chrono::NaiveDate::from_ymd_opt(2026, 2, 10),
        lang: Some((*lang).to_owned()),
        ..Default::default()
    })
    .collect()
}

fn bench(c: &mut Criterion) {
    let engine = Arc::new(Engine::builtin().expect("built-in data loads"));
    let docs = seed_documents();
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let mut group = c.benchmark_group("extract");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("seed pair, one thread", |b| {
        b.iter(|| {
            for d in &docs {
                std::hint::black_box(engine.extract(d));
            }
        })
    });
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    group.throughput(Throughput::Bytes((bytes * threads * 8) as u64));
    group.bench_function(format!("seed pair x8, {threads} threads"), |b| {
        b.iter(|| {
            std::thread::scope(|s| {
                for _ in 0..threads {
                    let engine = Arc::clone(&engine);
                    let docs = &docs;
                    s.spawn(move || {
                        for _ in 0..8 {
                            for d in docs {
                                std::hint::black_box(engine.extract(d));
                            }
                        }
                    });
                }
            })
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
