use marsad_extract::lexicon::{EntryRef, Lexicon};
use marsad_extract::matcher::Matcher;
fn main() {
    let mut lex = Lexicon::default();
    for &(name, content) in marsad_extract::BUILTIN_FILES {
        match name {
            "triggers.tsv" => lex.read_triggers(name, content).unwrap(),
            "actors.tsv" => lex.read_actors(name, content).unwrap(),
            "titles.tsv" => lex.read_titles(name, content).unwrap(),
            "cues.tsv" => lex.read_cues(name, content).unwrap(),
            "stop-names.tsv" => lex.read_stop_names(name, content).unwrap(),
            "places.tsv" | "gazetteer.tsv" => lex.read_gazetteer(name, content).unwrap(),
            _ => {}
        }
    }
    let docs = marsad_eval::generated_articles(64);
    let texts: Vec<String> = docs.iter().map(|d| marsad_extract::normalize::normalize(&d.text).text).collect();
    let all = lex.patterns.clone();
    let nonplace: Vec<_> = all.iter().filter(|p| !matches!(p.entry, EntryRef::Place(_))).cloned().collect();
    println!("patterns all {} nonplace {}", all.len(), nonplace.len());
    for (label, pats) in [("all", &all), ("nonplace", &nonplace)] {
        let t = std::time::Instant::now();
        let m = Matcher::build(pats).unwrap();
        println!("{label} build {:?}", t.elapsed());
        let t = std::time::Instant::now();
        let mut n = 0;
        for _ in 0..20 { for tx in &texts { let mut out = Vec::new(); m.find(tx, &mut out); n += out.len(); } }
        println!("{label} per doc {:?} hits/doc {}", t.elapsed() / (20 * texts.len() as u32), n / (20 * texts.len()));
        for kind in [aho_corasick::AhoCorasickKind::DFA, aho_corasick::AhoCorasickKind::ContiguousNFA] {
            if label == "all" && kind == aho_corasick::AhoCorasickKind::DFA { continue; }
            let mut uniq: Vec<&str> = pats.iter().map(|p| p.text.as_str()).collect();
            uniq.sort(); uniq.dedup();
            let t = std::time::Instant::now();
            let ac = aho_corasick::AhoCorasick::builder().kind(Some(kind)).build(&uniq).unwrap();
            let b = t.elapsed();
            let t = std::time::Instant::now();
            let mut n = 0;
            for _ in 0..20 { for tx in &texts { n += ac.find_overlapping_iter(tx.as_str()).count(); } }
            println!("{label} {kind:?} build {b:?} mem {} per doc {:?} raw/doc {}", ac.memory_usage(), t.elapsed() / (20 * texts.len() as u32), n / (20 * texts.len()));
        }
    }
}
#[allow(dead_code)]
fn _unused() {}
