//! Property-style tests over generated strings: offsets always lie on char boundaries, inside the
//! text, in order and non-overlapping, and `text` is exactly the slice they name. Also checks that
//! nothing panics for extreme publication dates. Uses a tiny xorshift generator (no extra deps).

mod common;

use chrono::NaiveDate;
use common::*;
use marsad_dates::find_dates;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

/// Fragments that exercise the grammar, its edges, and awkward Unicode.
const FRAGS: &[&str] = &[
    " ",
    " ",
    " ",
    "\n",
    "\r\n",
    "\t",
    "\u{a0}",
    "،",
    ",",
    ".",
    "/",
    "-",
    "(",
    ")",
    ":",
    "“",
    "”",
    "اليوم",
    "أمس",
    "أول",
    "من",
    "غداً",
    "بعد",
    "غد",
    "يوم",
    "الثلاثاء",
    "الإثنين",
    "الخميس",
    "الجمعة",
    "الماضي",
    "المقبلة",
    "القادم",
    "الأسبوع",
    "الشهر",
    "العام",
    "السنة",
    "منتصف",
    "مطلع",
    "أواخر",
    "قبل",
    "منذ",
    "يومين",
    "أيام",
    "أشهر",
    "اشهر",
    "ثلاثة",
    "عدة",
    "فبراير",
    "شباط",
    "كانون",
    "الثاني",
    "الأول",
    "تشرين",
    "آذار",
    "آب",
    "مارس",
    "رمضان",
    "شعبان",
    "ربيع",
    "جمادى",
    "الآخرة",
    "ذو",
    "الحجة",
    "هـ",
    "م",
    "هجري",
    "للهجرة",
    "عام",
    "شهر",
    "العاشر",
    "الحادي",
    "عشر",
    "والعشرين",
    "الموافق",
    "صباح",
    "وأمس",
    "بالأمس",
    "لليوم",
    "في",
    "10",
    "2026",
    "٢٠٢٦",
    "۱۰",
    "1447",
    "3",
    "31",
    "99",
    "0",
    "12345678901234567890",
    "١٠",
    "today",
    "yesterday",
    "Monday",
    "last",
    "next",
    "this",
    "week",
    "month",
    "year",
    "ago",
    "two",
    "a",
    "few",
    "days",
    "February",
    "Feb",
    "May",
    "mid",
    "early",
    "late",
    "th",
    "of",
    "in",
    "the",
    "before",
    "earlier",
    "night",
    "on",
    "\u{064E}",
    "\u{0651}",
    "\u{0640}",
    "\u{200C}",
    "\u{0670}",
    "ـ",
    "😀",
    "e\u{301}",
    "中文",
    "\u{feff}",
    "ا",
    "ل",
    "و",
    "ب",
    "ف",
    "ة",
    "ى",
    "ی",
    "ك",
    "x",
    "Z",
];

#[test]
fn offsets_hold_for_generated_text() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let pubs = [
        Some(d(2026, 2, 10)),
        None,
        Some(d(2024, 2, 29)),
        Some(d(2025, 12, 31)),
        Some(d(2026, 1, 1)),
    ];
    let mut total = 0usize;
    for case in 0..20_000 {
        let n = (rng.next() % 24) as usize + 1;
        let mut text = String::new();
        for _ in 0..n {
            text.push_str(rng.pick(FRAGS));
            // Glue fragments together sometimes, so clitics and adjacency get exercised.
            if !rng.next().is_multiple_of(3) {
                text.push(' ');
            }
        }
        let p = pubs[case % pubs.len()];
        let ms = find_dates(&text, p);
        total += ms.len();
        check_offsets(&text, &ms);
        for m in &ms {
            assert!(!m.text.trim().is_empty(), "{text:?} {m:?}");
            if p.is_none() {
                // Without a publication date only absolute dates may resolve; they must also
                // resolve to the same value with one.
                if let Some(v) = m.value {
                    let again = find_dates(&text, Some(d(2000, 6, 15)));
                    assert!(
                        again
                            .iter()
                            .any(|x| x.start == m.start && x.value == Some(v)),
                        "{text:?}"
                    );
                }
            }
        }
    }
    assert!(total > 1000, "generator found too few mentions ({total})");
}

#[test]
fn random_unicode_never_breaks_offsets() {
    let mut rng = Rng(12345);
    for _ in 0..5_000 {
        let n = (rng.next() % 40) as usize;
        let text: String = (0..n)
            .map(|_| {
                let r = rng.next();
                let c = match r % 4 {
                    0 => 0x20 + (r >> 8) % 0x60,    // ASCII
                    1 => 0x0600 + (r >> 8) % 0x100, // Arabic block
                    2 => 0x06F0 + (r >> 8) % 0x10,  // Persian digits
                    _ => (r >> 8) % 0x11_0000,      // anything
                } as u32;
                char::from_u32(c).unwrap_or('\u{FFFD}')
            })
            .collect();
        let ms = find_dates(&text, Some(d(2026, 2, 10)));
        check_offsets(&text, &ms);
    }
}

#[test]
fn extreme_publication_dates_do_not_panic() {
    let text =
        "اليوم أمس غدا بعد غد الأسبوع الماضي الأسبوع المقبل الشهر المقبل العام المقبل قبل 999 عاما \
                منذ 999 شهرا الجمعة المقبلة الأحد الماضي هذا الأسبوع 10 فبراير شهر رمضان المقبل \
                in May last week next Monday this Monday 99 years ago mid-February";
    for p in [NaiveDate::MIN, NaiveDate::MAX, d(1, 1, 1), d(-1, 12, 31)] {
        let ms = find_dates(text, Some(p));
        check_offsets(text, &ms);
        assert!(ms.len() > 10);
    }
}

#[test]
fn mentions_are_sorted_and_disjoint_on_dense_text() {
    let text =
        "اليوم الثلاثاء أمس الإثنين 10 فبراير 2026 الأسبوع الماضي 2026/02/10 قبل يومين، ".repeat(50);
    let ms = find_dates(&text, pubd());
    check_offsets(&text, &ms);
    assert_eq!(ms.len(), 6 * 50);
}
