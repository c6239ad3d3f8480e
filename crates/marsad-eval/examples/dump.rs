//! Dumps extractions of the bench articles and the gold-set sentences as JSON lines (for diffing
//! engine changes): `dump EVAL_DIR`.

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/eval".to_owned());
    let engine = marsad_extract::Engine::builtin().expect("built-in data loads");
    let mut docs = marsad_eval::generated_articles(16);
    for (file, lang) in [
        ("arabic-gsr/assault.dev.jsonl", "ar"),
        ("arabic-gsr/protest.dev.jsonl", "ar"),
        ("plover-gsr/plover_gsr_cameo.jsonl", "en"),
    ] {
        let content = std::fs::read_to_string(format!("{dir}/{file}")).unwrap_or_default();
        for (i, line) in content.lines().enumerate() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap_or_default();
            let text = v.get("text").and_then(|t| t.as_str()).unwrap_or("");
            docs.push(marsad_core::Document {
                id: format!("{file}:{i}"),
                text: text.to_owned(),
                lang: Some(lang.to_owned()),
                ..Default::default()
            });
        }
    }
    for d in &docs {
        println!(
            "{}",
            serde_json::to_string(&engine.extract(d)).unwrap_or_default()
        );
    }
}
