//! Hijri ↔ Gregorian conversion with the tabular (arithmetic) Islamic calendar.
//!
//! This is the common 30-year-cycle calendar with leap years 2, 5, 7, 10, 13, 16, 18, 21, 24, 26
//! and 29 and the civil ("Friday") epoch, 1 Muharram 1 AH = 16 July 622 (Julian). Saudi Arabia's
//! Umm al-Qura calendar and sighting-based calendars used elsewhere can differ from it by a day
//! (rarely two) around month starts, so a converted day carries a ±1-day caveat.

use chrono::{Datelike, NaiveDate};

/// Julian Day Number of 0001-01-01 (proleptic Gregorian) minus one.
const JDN_CE_OFFSET: i64 = 1_721_425;
/// Julian Day Number of 1 Muharram 1 AH (civil epoch).
const HIJRI_EPOCH_JDN: i64 = 1_948_440;

fn to_jdn(y: i64, m: i64, d: i64) -> i64 {
    d + (59 * (m - 1) + 1) / 2 + (y - 1) * 354 + (3 + 11 * y).div_euclid(30) + HIJRI_EPOCH_JDN - 1
}

fn jdn_to_date(jdn: i64) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(jdn - JDN_CE_OFFSET).ok()?)
}

fn date_to_jdn(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce()) + JDN_CE_OFFSET
}

/// Is `year` a leap year (355 days, Dhu al-Hijja has 30 days) in the tabular calendar?
pub fn is_leap(year: i64) -> bool {
    (14 + 11 * year).rem_euclid(30) < 11
}

/// Days in a Hijri month under the tabular calendar.
pub fn month_len(year: i64, month: u32) -> u32 {
    if month % 2 == 1 || (month == 12 && is_leap(year)) {
        30
    } else {
        29
    }
}

/// Convert a Hijri date to Gregorian. Day 30 of a 29-day month is accepted (observed calendars
/// sometimes have it) and lands on the next month's first day. Returns `None` for out-of-range
/// months, days or years.
pub fn to_gregorian(year: i64, month: u32, day: u32) -> Option<NaiveDate> {
    if !(1..=12).contains(&month) || !(1..=30).contains(&day) || !(1..=10_000).contains(&year) {
        return None;
    }
    jdn_to_date(to_jdn(year, i64::from(month), i64::from(day)))
}

/// Convert a Gregorian date to Hijri `(year, month, day)`.
pub fn from_gregorian(date: NaiveDate) -> (i64, u32, u32) {
    let jdn = date_to_jdn(date);
    let mut y = (30 * (jdn - HIJRI_EPOCH_JDN) + 10_646).div_euclid(10_631);
    while to_jdn(y, 1, 1) > jdn {
        y -= 1;
    }
    while to_jdn(y + 1, 1, 1) <= jdn {
        y += 1;
    }
    let mut m = 12;
    while m > 1 && to_jdn(y, m, 1) > jdn {
        m -= 1;
    }
    let d = jdn - to_jdn(y, m, 1) + 1;
    (y, m as u32, d as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn epoch() {
        // 16 July 622 Julian = 19 July 622 proleptic Gregorian.
        assert_eq!(to_gregorian(1, 1, 1), Some(ymd(622, 7, 19)));
    }

    #[test]
    fn known_pairs_within_a_day() {
        // (hijri, Umm al-Qura / observed Gregorian)
        let pairs = [
            ((1447, 9, 1), ymd(2026, 2, 18)),   // 1 Ramadan 1447
            ((1447, 1, 1), ymd(2025, 6, 26)),   // 1 Muharram 1447
            ((1446, 9, 1), ymd(2025, 3, 1)),    // 1 Ramadan 1446
            ((1445, 10, 1), ymd(2024, 4, 10)),  // Eid al-Fitr 1445
            ((1444, 12, 10), ymd(2023, 6, 28)), // Eid al-Adha 1444
            ((1400, 1, 1), ymd(1979, 11, 21)),
        ];
        for ((y, m, d), g) in pairs {
            let t = to_gregorian(y, m, d).unwrap();
            let diff = (t - g).num_days().abs();
            assert!(diff <= 1, "{y}-{m}-{d}: tabular {t}, observed {g}");
        }
    }

    #[test]
    fn tabular_values_exact() {
        assert_eq!(to_gregorian(1447, 9, 1), Some(ymd(2026, 2, 18)));
        assert_eq!(to_gregorian(1447, 1, 1), Some(ymd(2025, 6, 27)));
        assert_eq!(to_gregorian(1447, 8, 22), Some(ymd(2026, 2, 10)));
    }

    #[test]
    fn round_trip() {
        let mut d = ymd(1990, 1, 1);
        let end = ymd(2040, 1, 1);
        while d < end {
            let (y, m, dd) = from_gregorian(d);
            assert!(dd <= month_len(y, m), "{d}");
            assert_eq!(to_gregorian(y, m, dd), Some(d));
            d += chrono::Duration::days(1);
        }
    }

    #[test]
    fn leap_cycle() {
        let leaps: Vec<i64> = (1..=30).filter(|&y| is_leap(y)).collect();
        assert_eq!(leaps, vec![2, 5, 7, 10, 13, 16, 18, 21, 24, 26, 29]);
    }

    #[test]
    fn rejects_bad_input() {
        assert_eq!(to_gregorian(1447, 13, 1), None);
        assert_eq!(to_gregorian(1447, 1, 31), None);
        assert_eq!(to_gregorian(0, 1, 1), None);
    }
}
