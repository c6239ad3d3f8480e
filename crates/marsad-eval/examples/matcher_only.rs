//! Times normalisation and the pattern matcher alone on the benchmark articles (a development
//! aid): `cargo run --release -p marsad-eval --example matcher_only -- [COUNT]`.

use marsad_extract::{matcher::Matcher, normalize::normalize, Engine};

fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5000);
    let engine = Engine::builtin().expect("built-in data loads");
    let lex = engine.lexicon();
    let t = std::time::Instant::now();
    let matcher = Matcher::build(&lex.patterns).expect("patterns compile");
    println!("build {:.3} s, {matcher:?}", t.elapsed().as_secs_f64());
    let docs = marsad_eval::generated_articles(64);
    let normalized: Vec<String> = docs.iter().map(|d| normalize(&d.text).text).collect();
    let start = std::time::Instant::now();
    let mut hits = 0usize;
    let mut out = Vec::new();
    for i in 0..count {
        out.clear();
        matcher.find(&normalized[i % normalized.len()], &mut out);
        hits += out.len();
    }
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "{count} articles in {seconds:.3} s: {:.1} us per article, {hits} hits",
        seconds * 1e6 / count as f64
    );
}
