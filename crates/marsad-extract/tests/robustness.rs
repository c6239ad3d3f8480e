//! The engine never panics, whatever the input: random strings over a mixed alphabet (Arabic
//! letters and marks, Latin, digits, punctuation, direction marks, emoji), lone combining marks,
//! huge lines. A panic inside `extract` would be caught and hidden, so a panic hook counts them.

mod common;

use common::engine;
use marsad_core::Document;
use std::sync::atomic::{AtomicUsize, Ordering};

static PANICS: AtomicUsize = AtomicUsize::new(0);

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

const POOL: &[&str] = &[
    "ق",
    "ت",
    "ل",
    "ا",
    "ل",
    "ه",
    "ج",
    "و",
    "م",
    "ة",
    "ى",
    "أ",
    "إ",
    "ـ",
    "\u{064B}",
    "\u{0651}",
    "\u{0670}",
    "\u{0301}",
    "\u{200F}",
    "\u{200D}",
    "\u{202E}",
    "\u{FEFF}",
    "٣",
    "٢٠٢٦",
    "؟",
    "،",
    "a",
    "Z",
    "é",
    "ß",
    "İ",
    "3",
    "2024",
    ".",
    "!",
    "?",
    ":",
    "\"",
    "«",
    "»",
    "(",
    ")",
    " ",
    "  ",
    "\n",
    "\r\n",
    "\t",
    "\u{00A0}",
    "\u{2028}",
    "🙂",
    "👩‍👩‍👧",
    "\0",
    "中",
    "ก",
    "ـــ",
    "هجوم",
    "مظاهرة",
    "المتظاهرين",
    "قتل",
    "أمس",
    "الثلاثاء",
    "دمشق",
    "في",
    "لم",
    "هل",
    "منذ",
    "attacked",
    "killed",
    "protest",
    "in",
    "Djibo",
    "March",
    "3 March 2024",
    "yesterday",
    "not",
    "ISIS",
    "Riyadh",
    "the",
    "militants",
    "suspended aid",
    "will",
    "tear gas",
    "JNIM",
];

fn check(text: &str, lang: Option<&str>) {
    let doc = Document {
        id: "fuzz".into(),
        text: text.to_owned(),
        title: Some(text.chars().take(40).collect()),
        published: chrono::NaiveDate::from_ymd_opt(2026, 2, 10),
        lang: lang.map(str::to_owned),
    };
    let chars = text.chars().count();
    let extraction = engine().extract(&doc);
    for e in &extraction.events {
        assert!(e.evidence.start <= e.evidence.end && e.evidence.end <= chars);
        for a in &e.actors {
            assert!(a.start <= a.end && a.end <= chars);
        }
    }
    for e in &extraction.entities {
        assert!(e.start <= e.end && e.end <= chars);
    }
    let _ = engine().candidates(&doc);
}

#[test]
fn random_and_garbage_inputs_never_panic() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Ordering::SeqCst);
        previous(info);
    }));
    let mut rng = Rng(0x00c0_ffee_1234_5678);
    for i in 0..3000 {
        let len = (rng.next() % 60) as usize;
        let text: String = (0..len)
            .map(|_| POOL[(rng.next() % POOL.len() as u64) as usize])
            .collect();
        let lang = match i % 3 {
            0 => Some("ar"),
            1 => Some("en"),
            _ => None,
        };
        check(&text, lang);
    }
    // Lone combining marks, only marks, only spaces, empty.
    for text in [
        "",
        " ",
        "\u{064B}",
        "\u{0301}\u{0301}\u{0301}",
        "\u{0651}هجوم",
        "ـــــ",
        "\n\n\n",
        "\u{FEFF}",
    ] {
        check(text, None);
        check(text, Some("ar"));
    }
    // Huge lines: one line of 25k chars, mixed scripts, no break (cut into bounded pieces).
    let huge: String = "قتل مسلحون 12 جنديا في هجوم attacked in Djibo ".repeat(500);
    check(&huge, Some("ar"));
    let marks: String = "\u{064B}".repeat(100_000);
    check(&marks, None);
    // Random bytes read lossily.
    for _ in 0..200 {
        let bytes: Vec<u8> = (0..(rng.next() % 200)).map(|_| rng.next() as u8).collect();
        check(&String::from_utf8_lossy(&bytes), None);
    }
    assert_eq!(PANICS.load(Ordering::SeqCst), 0, "the engine panicked");
}
