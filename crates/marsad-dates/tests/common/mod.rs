//! Shared helpers for the integration tests.
#![allow(dead_code)]

use chrono::NaiveDate;
use marsad_dates::{find_dates, DateMention, DatePrecision};

pub fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, dd).unwrap()
}

/// Publication date of the seed article: Tuesday 2026-02-10.
pub fn pubd() -> Option<NaiveDate> {
    Some(d(2026, 2, 10))
}

/// Exactly one mention in `text`; checks its text, value and precision.
#[track_caller]
pub fn one(
    text: &str,
    p: Option<NaiveDate>,
    want: &str,
    value: Option<NaiveDate>,
    prec: DatePrecision,
) {
    let ms = find_dates(text, p);
    assert_eq!(ms.len(), 1, "{text:?}: expected one mention, got {ms:#?}");
    let m = &ms[0];
    assert_eq!(m.text, want, "{text:?}: span");
    assert_eq!(m.value, value, "{text:?}: value ({m:?})");
    assert_eq!(m.precision, prec, "{text:?}: precision");
    check_offsets(text, &ms);
}

/// Exactly one mention, resolved against the seed publication date.
#[track_caller]
pub fn day(text: &str, want: &str, value: NaiveDate) {
    one(text, pubd(), want, Some(value), DatePrecision::Day);
}

#[track_caller]
pub fn none(text: &str) {
    let ms = find_dates(text, pubd());
    assert!(ms.is_empty(), "{text:?}: expected no mention, got {ms:#?}");
}

/// Offsets are char offsets into `text`, in order, non-overlapping, and `text` matches.
#[track_caller]
pub fn check_offsets(text: &str, ms: &[DateMention]) {
    let chars: Vec<char> = text.chars().collect();
    let mut prev_end = 0;
    for m in ms {
        assert!(m.start < m.end, "{m:?}");
        assert!(m.end <= chars.len(), "{m:?}");
        assert!(m.start >= prev_end, "overlap or disorder: {ms:?}");
        let s: String = chars[m.start..m.end].iter().collect();
        assert_eq!(s, m.text, "offsets do not match text");
        prev_end = m.end;
    }
}
