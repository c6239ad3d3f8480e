//! Runs the evaluation and the benchmark without the CLI:
//! `cargo run --release -p marsad-eval --example eval -- ../shared/eval [seed|arabic-gsr|plover-gsr|bench]...`

use marsad_eval::GoldSet;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let eval_dir = args
        .first()
        .cloned()
        .unwrap_or_else(|| "../shared/eval".to_owned());
    let engine = match marsad_extract::Engine::builtin() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    };
    if args.iter().any(|a| a == "bench") {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        print!("{}", marsad_eval::bench_extract(&engine, 1, 3.0));
        print!("{}", marsad_eval::bench_extract(&engine, threads, 3.0));
        return;
    }
    let sets: Vec<GoldSet> = args.iter().skip(1).filter_map(|a| a.parse().ok()).collect();
    match marsad_eval::run_eval(&engine, std::path::Path::new(&eval_dir), &sets) {
        Ok(report) => print!("{report}"),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
