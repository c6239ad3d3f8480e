//! Release-mode throughput measurement: `cargo run --release -p marsad-dates --example throughput`.
//! Builds ~24 MB of Arabic news text (the seed article plus date-dense lines) and ~24 MB of
//! English, runs `find_dates` over them in 64 KB documents, and prints MB/s.

use std::time::Instant;

use chrono::NaiveDate;
use marsad_dates::find_dates;

fn build(seed: &str, extra: &str, target: usize) -> Vec<String> {
    let doc: String = format!("{seed}\n{extra}\n");
    let per = (64 * 1024 / doc.len()).max(1);
    let one = doc.repeat(per);
    (0..target / one.len() + 1).map(|_| one.clone()).collect()
}

fn run(name: &str, docs: &[String], p: Option<NaiveDate>) {
    let bytes: usize = docs.iter().map(String::len).sum();
    // warm-up (builds the keyword table)
    let _ = find_dates(&docs[0], p);
    let mut best = f64::MAX;
    let mut count = 0;
    for _ in 0..3 {
        let t = Instant::now();
        count = 0;
        for d in docs {
            count += find_dates(d, p).len();
        }
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!(
        "{name}: {:.1} MB in {:.3} s = {:.0} MB/s ({count} mentions)",
        bytes as f64 / 1e6,
        best,
        bytes as f64 / 1e6 / best
    );
}

fn main() {
    let ar = include_str!("../../../tests/fixtures/barrack-coalition-ar.txt");
    let en = include_str!("../../../tests/fixtures/barrack-coalition-en.txt");
    let p = NaiveDate::from_ymd_opt(2026, 2, 10);
    let ar_docs = build(
        ar,
        "وقال الوزير أمس الإثنين إن الاجتماع الذي عقد في 10 فبراير 2026 سيتبعه لقاء الأسبوع المقبل، بعد أن اتفق الطرفان منذ أشهر.",
        24_000_000,
    );
    let en_docs = build(
        en,
        "The minister said on Monday that the February 10, 2026 meeting will be followed by talks next week, two days ago officials said.",
        24_000_000,
    );
    run("arabic", &ar_docs, p);
    run("english", &en_docs, p);
    let plain: Vec<String> = ar_docs
        .iter()
        .map(|d| d.replace(char::is_numeric, ""))
        .collect();
    run("arabic (no digits)", &plain, p);
}
