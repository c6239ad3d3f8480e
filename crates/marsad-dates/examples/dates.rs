//! Print the date mentions in stdin: `cargo run -p marsad-dates --example dates -- 2026-02-10 < text`.
//! The optional argument is the publication date (YYYY-MM-DD).

use std::io::Read;

fn main() {
    let published = std::env::args()
        .nth(1)
        .and_then(|s| chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok());
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .expect("read stdin");
    for m in marsad_dates::find_dates(&text, published) {
        let value = m.value.map_or_else(|| "-".to_owned(), |v| v.to_string());
        println!(
            "{}..{}\t{}\t{}\t{}",
            m.start,
            m.end,
            value,
            m.precision.as_str(),
            m.text
        );
    }
}
