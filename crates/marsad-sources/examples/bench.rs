//! Rough throughput of the sources library on the test fixtures:
//! `cargo run --release --example bench`.
use std::collections::HashMap;
use std::time::Instant;

use marsad_sources::*;

fn main() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/");
    let read = |n: &str| std::fs::read(format!("{dir}{n}")).expect("fixture");
    let limits = Limits::default();

    for name in ["article-ar.html", "article-en.html"] {
        let html = String::from_utf8(read(name)).expect("utf-8");
        let n = 300;
        let t = Instant::now();
        for _ in 0..n {
            html_article(&html, None, &limits).expect("ok");
        }
        let s = t.elapsed().as_secs_f64();
        println!(
            "{name}: {:.0} pages/s ({:.1} KiB each)",
            n as f64 / s,
            html.len() as f64 / 1024.0
        );
    }

    let mut xml =
        String::from("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Big</title>");
    for i in 0..5000 {
        xml.push_str(&format!("<item><title>Item {i}</title><link>https://big.example/{i}</link><description>&lt;p&gt;Clashes were reported in district {i} on Monday between security forces and gunmen, officials said.&lt;/p&gt;</description></item>"));
    }
    xml.push_str("</channel></rss>");
    let t = Instant::now();
    let items = parse_feed(xml.as_bytes(), &HashMap::new(), &limits).expect("ok");
    println!(
        "feed: {:.0} items/s ({} items)",
        items.len() as f64 / t.elapsed().as_secs_f64(),
        items.len()
    );

    let text = String::from_utf8(read("barrack-coalition-ar.txt")).expect("utf-8");
    let mut batch = String::new();
    for i in 0..5000 {
        batch.push_str(&serde_json::json!({"id": i.to_string(), "text": text}).to_string());
        batch.push('\n');
    }
    let t = Instant::now();
    let items = read_bytes(batch.as_bytes(), "b.jsonl", &Hints::default(), &limits);
    let s = t.elapsed().as_secs_f64();
    println!(
        "jsonl: {:.0} docs/s, {:.1} MB/s",
        items.len() as f64 / s,
        batch.len() as f64 / s / 1e6
    );

    let t = Instant::now();
    let mut acc = 0u64;
    for _ in 0..2000 {
        acc ^= simhash(&text);
        acc ^= u64::from(content_hash(&text)[0]);
    }
    let s = t.elapsed().as_secs_f64();
    println!(
        "simhash+content_hash: {:.0} docs/s ({:.1} MB/s) [{acc}]",
        2000.0 / s,
        2000.0 * text.len() as f64 / s / 1e6
    );

    let t = Instant::now();
    for _ in 0..2000 {
        std::hint::black_box(strip_furniture(&text, None));
    }
    println!(
        "strip_furniture: {:.0} docs/s",
        2000.0 / t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    for _ in 0..2000 {
        std::hint::black_box(detect_language(&text));
    }
    println!(
        "detect_language: {:.0} docs/s",
        2000.0 / t.elapsed().as_secs_f64()
    );
}
