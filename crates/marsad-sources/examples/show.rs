//! Prints what the library reads from a path (a debugging aid): `cargo run --example show PATH`.
use marsad_sources::{read_path, Hints, Limits};

fn main() {
    for path in std::env::args().skip(1) {
        for r in read_path(
            std::path::Path::new(&path),
            &Hints::default(),
            &Limits::default(),
        ) {
            match r {
                Ok(a) => println!(
                    "OK {} [{}] {:?} lang={} pub={:?} at={:?} author={:?} url={:?} enc={} invalid={} warn={:?}\n---\n{}\n===",
                    a.source, a.format.as_str(), a.title, a.lang, a.published, a.published_at, a.author, a.url, a.encoding, a.invalid_bytes, a.warnings, a.text
                ),
                Err(e) => println!("ERR {e}\n==="),
            }
        }
    }
}
