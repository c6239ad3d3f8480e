//! Extracts a fixed number of generated seed-size articles on one thread and prints the time:
//! `cargo run --release -p marsad-eval --example fixed_work -- [COUNT]` (a steadier figure than
//! the timed benchmark on a busy machine, e.g. under `perf stat`).

fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5000);
    let engine = marsad_extract::Engine::builtin().expect("built-in data loads");
    let docs = marsad_eval::generated_articles(64);
    for d in &docs {
        std::hint::black_box(engine.extract(d));
    }
    let cpu0 = cpu_seconds();
    let start = std::time::Instant::now();
    let mut events = 0usize;
    for i in 0..count {
        events += std::hint::black_box(engine.extract(&docs[i % docs.len()]))
            .events
            .len();
    }
    let seconds = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu0;
    println!(
        "{count} articles in {seconds:.3} s ({cpu:.2} s cpu): {:.0} articles/s, {:.0} per cpu second, {events} events",
        count as f64 / seconds,
        count as f64 / cpu
    );
}

/// The CPU time of this thread (user and system), from `/proc` (Linux; 0 elsewhere).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or(Vec::new(), |(_, rest)| rest.split_whitespace().collect());
    let ticks: f64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i).and_then(|f| f.parse::<f64>().ok()))
        .sum();
    ticks / 100.0
}
