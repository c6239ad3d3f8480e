//! Trains the context scorer and writes its weights:
//! `cargo run --release -p marsad-eval --example train_scorer -- ../shared/eval crates/marsad-extract/data/scorer.tsv`

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let eval_dir = args.get(1).map_or("../shared/eval", String::as_str);
    let out = args
        .get(2)
        .map_or("crates/marsad-extract/data/scorer.tsv", String::as_str);
    match marsad_eval::train_scorer(std::path::Path::new(eval_dir), 5) {
        Ok(report) => {
            print!("{report}");
            if let Err(e) = std::fs::write(out, &report.weights_tsv) {
                eprintln!("cannot write {out}: {e}");
                std::process::exit(1);
            }
            println!("wrote {out}");
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
