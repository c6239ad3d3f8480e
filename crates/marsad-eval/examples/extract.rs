//! Prints the extraction of one text file as JSON:
//! `cargo run -p marsad-eval --example extract -- FILE [LANG] [PUBLISHED]`

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: extract FILE [LANG] [YYYY-MM-DD]");
        std::process::exit(2);
    };
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let doc = marsad_core::Document {
        id: path.clone(),
        text,
        title: None,
        published: args
            .get(2)
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
        lang: args.get(1).cloned(),
    };
    let engine = marsad_extract::Engine::builtin().expect("built-in data loads");
    println!(
        "{}",
        serde_json::to_string_pretty(&engine.extract(&doc)).unwrap_or_default()
    );
}
