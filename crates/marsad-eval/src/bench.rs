//! Throughput of `Engine::extract` on generated articles of the seed's size: the two seed
//! articles shipped as fixtures of `marsad-extract`, their paragraphs reordered and their numbers
//! varied, so that no two documents are identical.

use std::fmt;
use std::time::Instant;

use marsad_core::Document;
use marsad_extract::Engine;
use serde::Serialize;

const SEED_AR: &str = include_str!("../../marsad-extract/tests/fixtures/barrack-coalition-ar.txt");
const SEED_EN: &str = include_str!("../../marsad-extract/tests/fixtures/barrack-coalition-en.txt");

/// Throughput figures.
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    pub threads: usize,
    pub seconds: f64,
    pub articles: u64,
    pub bytes: u64,
    pub mean_article_bytes: u64,
    pub articles_per_second: f64,
    pub mb_per_second: f64,
    pub articles_per_second_per_core: f64,
    pub mb_per_second_per_core: f64,
    pub events_per_article: f64,
}

impl fmt::Display for BenchReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "extract: {} articles ({} B mean) in {:.2} s on {} thread(s), {:.1} events/article",
            self.articles,
            self.mean_article_bytes,
            self.seconds,
            self.threads,
            self.events_per_article
        )?;
        writeln!(
            f,
            "  {:.0} articles/s, {:.1} MB/s; per core {:.0} articles/s, {:.1} MB/s",
            self.articles_per_second,
            self.mb_per_second,
            self.articles_per_second_per_core,
            self.mb_per_second_per_core
        )
    }
}

/// A small deterministic generator (xorshift), so that runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// `count` articles generated from the seed articles.
pub fn generated_articles(count: usize) -> Vec<Document> {
    let mut rng = Rng(0x5eed_2026_0210);
    (0..count)
        .map(|i| {
            let (lang, source) = if i % 2 == 0 {
                ("ar", SEED_AR)
            } else {
                ("en", SEED_EN)
            };
            let mut paragraphs: Vec<&str> = source
                .split("\n\n")
                .filter(|p| !p.trim().is_empty())
                .collect();
            for j in (1..paragraphs.len()).rev() {
                let k = (rng.next() % (j as u64 + 1)) as usize;
                paragraphs.swap(j, k);
            }
            let member = 60 + rng.next() % 60;
            let text = paragraphs.join("\n\n").replace("90", &member.to_string());
            Document {
                id: format!("bench-{i}"),
                text,
                title: None,
                published: chrono::NaiveDate::from_ymd_opt(2026, 2, 10),
                lang: Some(lang.to_owned()),
            }
        })
        .collect()
}

/// Runs `engine.extract` on `threads` threads for at least `min_seconds`.
pub fn bench_extract(engine: &Engine, threads: usize, min_seconds: f64) -> BenchReport {
    let threads = threads.max(1);
    let docs = generated_articles(64);
    let doc_bytes: u64 = docs.iter().map(|d| d.text.len() as u64).sum();
    // Warm up.
    for d in &docs {
        std::hint::black_box(engine.extract(d));
    }
    let start = Instant::now();
    let results: Vec<(u64, u64, u64)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let docs = &docs;
                s.spawn(move || {
                    let (mut articles, mut bytes, mut events) = (0u64, 0u64, 0u64);
                    let mut i = t;
                    while start.elapsed().as_secs_f64() < min_seconds
                        || articles < docs.len() as u64
                    {
                        let d = &docs[i % docs.len()];
                        let extraction = std::hint::black_box(engine.extract(d));
                        events += extraction.events.len() as u64;
                        articles += 1;
                        bytes += d.text.len() as u64;
                        i += 1;
                    }
                    (articles, bytes, events)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or((0, 0, 0)))
            .collect()
    });
    let seconds = start.elapsed().as_secs_f64();
    let articles: u64 = results.iter().map(|r| r.0).sum();
    let bytes: u64 = results.iter().map(|r| r.1).sum();
    let events: u64 = results.iter().map(|r| r.2).sum();
    let articles_per_second = articles as f64 / seconds;
    let mb_per_second = bytes as f64 / seconds / 1e6;
    BenchReport {
        threads,
        seconds,
        articles,
        bytes,
        mean_article_bytes: doc_bytes / docs.len() as u64,
        articles_per_second,
        mb_per_second,
        articles_per_second_per_core: articles_per_second / threads as f64,
        mb_per_second_per_core: mb_per_second / threads as f64,
        events_per_article: events as f64 / articles.max(1) as f64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_articles_are_seed_sized_and_distinct() {
        let docs = generated_articles(8);
        assert_eq!(docs.len(), 8);
        assert!(docs.iter().all(|d| d.text.len() > 2500));
        assert_ne!(docs[0].text, docs[2].text);
    }
}
