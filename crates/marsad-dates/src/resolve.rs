//! Calendar arithmetic used to resolve mentions against a publication date: weekdays before and
//! after, week and month starts, month shifting, and picking the year for year-less dates.
//!
//! Conventions (documented in the crate root):
//! - weeks start on Monday (ISO);
//! - a bare weekday is the most recent such day on or before publication;
//! - a year-less date takes the year that puts it nearest publication, counting days after
//!   publication double (news reports mostly look back);
//! - early / mid / late month periods start on the 1st, 11th and 21st.

use chrono::{Datelike, Duration, NaiveDate};

use crate::hijri;
use crate::lexicon::{Part, Rel};

pub(crate) fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

pub(crate) fn add_days(d: NaiveDate, n: i64) -> Option<NaiveDate> {
    d.checked_add_signed(Duration::days(n))
}

/// Weekday index of `d`, 0 = Monday.
fn wd(d: NaiveDate) -> i64 {
    i64::from(d.weekday().num_days_from_monday())
}

/// Resolve a weekday (0 = Monday) relative to `p`.
/// `None` rel: most recent on or before `p`; Past: strictly before; Next: strictly after;
/// This: the one in `p`'s ISO week.
pub(crate) fn weekday(p: NaiveDate, day: u8, rel: Option<Rel>) -> Option<NaiveDate> {
    let back = (wd(p) - i64::from(day)).rem_euclid(7);
    match rel {
        None => add_days(p, -back),
        Some(Rel::Past) => add_days(p, -(if back == 0 { 7 } else { back })),
        Some(Rel::Next) => {
            let fwd = (i64::from(day) - wd(p)).rem_euclid(7);
            add_days(p, if fwd == 0 { 7 } else { fwd })
        }
        Some(Rel::This) => add_days(week_start(p)?, i64::from(day)),
    }
}

pub(crate) fn week_start(p: NaiveDate) -> Option<NaiveDate> {
    add_days(p, -wd(p))
}

/// First day of the month `delta` months from `p`'s month.
pub(crate) fn month_start(p: NaiveDate, delta: i32) -> Option<NaiveDate> {
    let idx = p.year() * 12 + p.month0() as i32 + delta;
    ymd(idx.div_euclid(12), idx.rem_euclid(12) as u32 + 1, 1)
}

/// `p` shifted by `delta` months, clamping the day to the month's length.
pub(crate) fn add_months(p: NaiveDate, delta: i32) -> Option<NaiveDate> {
    let first = month_start(p, delta)?;
    let len = month_len(first.year(), first.month());
    ymd(first.year(), first.month(), p.day().min(len))
}

pub(crate) fn month_len(y: i32, m: u32) -> u32 {
    let next = if m == 12 {
        ymd(y + 1, 1, 1)
    } else {
        ymd(y, m + 1, 1)
    };
    match (next, ymd(y, m, 1)) {
        (Some(n), Some(f)) => (n - f).num_days() as u32,
        _ => 31,
    }
}

/// Start day of an early / mid / late part of a month.
pub(crate) fn part_day(part: Part) -> u32 {
    match part {
        Part::Early => 1,
        Part::Mid => 11,
        Part::Late => 21,
    }
}

/// Start month of an early / mid / late part of a year.
pub(crate) fn part_month(part: Part) -> u32 {
    match part {
        Part::Early => 1,
        Part::Mid => 5,
        Part::Late => 9,
    }
}

fn score(d: NaiveDate, p: NaiveDate) -> i64 {
    let diff = (d - p).num_days();
    if diff > 0 {
        diff * 2
    } else {
        -diff
    }
}

/// Pick a year for a year-less date. `make(year)` builds the candidate (None if invalid that year,
/// e.g. 29 February). `key` maps a candidate to the date used for comparison.
fn pick(
    p: NaiveDate,
    years: [i32; 3],
    rel: Option<Rel>,
    make: impl Fn(i32) -> Option<NaiveDate>,
    key: impl Fn(NaiveDate) -> (NaiveDate, NaiveDate),
) -> Option<NaiveDate> {
    let cands = years.iter().filter_map(|&y| make(y).map(|d| (d, key(d))));
    match rel {
        None => cands.min_by_key(|&(_, (a, _))| score(a, p)).map(|c| c.0),
        // Strictly before publication: compare the end of the period.
        Some(Rel::Past) => cands
            .filter(|&(_, (_, e))| e < p)
            .max_by_key(|c| c.0)
            .map(|c| c.0),
        Some(Rel::Next) => cands
            .filter(|&(_, (a, _))| a > p)
            .min_by_key(|c| c.0)
            .map(|c| c.0),
        Some(Rel::This) => cands.map(|c| c.0).nth(1),
    }
}

/// Year for a Gregorian day-month without a year.
pub(crate) fn greg_day(p: NaiveDate, m: u32, d: u32, rel: Option<Rel>) -> Option<NaiveDate> {
    let y = p.year();
    pick(p, [y - 1, y, y + 1], rel, |yy| ymd(yy, m, d), |c| (c, c))
}

/// First day of a Gregorian month without a year.
pub(crate) fn greg_month(p: NaiveDate, m: u32, rel: Option<Rel>) -> Option<NaiveDate> {
    let y = p.year();
    pick(
        p,
        [y - 1, y, y + 1],
        rel,
        |yy| ymd(yy, m, 1),
        |c| {
            let mid = ymd(c.year(), c.month(), 15).unwrap_or(c);
            let end = ymd(c.year(), c.month(), month_len(c.year(), c.month())).unwrap_or(c);
            match rel {
                Some(Rel::Next) => (c, end),
                Some(Rel::Past) => (mid, end),
                _ => (mid, end),
            }
        },
    )
}

/// Hijri day-month (day 1 when `d` is None) without a year, converted to Gregorian.
pub(crate) fn hijri_no_year(
    p: NaiveDate,
    m: u32,
    d: Option<u32>,
    rel: Option<Rel>,
) -> Option<NaiveDate> {
    let (hy, _, _) = hijri::from_gregorian(p);
    let hy = i32::try_from(hy).ok()?;
    pick(
        p,
        [hy - 1, hy, hy + 1],
        rel,
        |yy| hijri::to_gregorian(i64::from(yy), m, d.unwrap_or(1)),
        |c| match d {
            Some(_) => (c, c),
            None => (add_days(c, 14).unwrap_or(c), add_days(c, 28).unwrap_or(c)),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        ymd(y, m, dd).unwrap()
    }

    #[test]
    fn weekdays() {
        let p = d(2026, 2, 10); // Tuesday
        assert_eq!(weekday(p, 1, None), Some(p));
        assert_eq!(weekday(p, 0, None), Some(d(2026, 2, 9)));
        assert_eq!(weekday(p, 3, None), Some(d(2026, 2, 5)));
        assert_eq!(weekday(p, 1, Some(Rel::Past)), Some(d(2026, 2, 3)));
        assert_eq!(weekday(p, 6, Some(Rel::Past)), Some(d(2026, 2, 8)));
        assert_eq!(weekday(p, 1, Some(Rel::Next)), Some(d(2026, 2, 17)));
        assert_eq!(weekday(p, 4, Some(Rel::Next)), Some(d(2026, 2, 13)));
        assert_eq!(weekday(p, 4, Some(Rel::This)), Some(d(2026, 2, 13)));
        assert_eq!(weekday(p, 0, Some(Rel::This)), Some(d(2026, 2, 9)));
    }

    #[test]
    fn months() {
        let p = d(2026, 1, 31);
        assert_eq!(month_start(p, -1), Some(d(2025, 12, 1)));
        assert_eq!(month_start(p, 1), Some(d(2026, 2, 1)));
        assert_eq!(add_months(p, 1), Some(d(2026, 2, 28)));
        assert_eq!(add_months(p, -13), Some(d(2024, 12, 31)));
        assert_eq!(month_len(2024, 2), 29);
        assert_eq!(month_len(2025, 12), 31);
    }

    #[test]
    fn year_less_dates() {
        let p = d(2026, 2, 10);
        assert_eq!(greg_day(p, 3, 3, None), Some(d(2026, 3, 3)));
        assert_eq!(greg_day(p, 12, 15, None), Some(d(2025, 12, 15)));
        assert_eq!(greg_day(p, 8, 1, None), Some(d(2025, 8, 1)));
        assert_eq!(greg_day(p, 2, 10, Some(Rel::Past)), Some(d(2025, 2, 10)));
        assert_eq!(greg_day(p, 1, 10, Some(Rel::Past)), Some(d(2026, 1, 10)));
        assert_eq!(greg_day(p, 1, 10, Some(Rel::Next)), Some(d(2027, 1, 10)));
        assert_eq!(greg_day(p, 2, 29, None), None);
        assert_eq!(greg_month(p, 1, Some(Rel::Past)), Some(d(2026, 1, 1)));
        assert_eq!(greg_month(p, 2, Some(Rel::Past)), Some(d(2025, 2, 1)));
        assert_eq!(greg_month(p, 2, Some(Rel::This)), Some(d(2026, 2, 1)));
        assert_eq!(greg_month(p, 3, Some(Rel::Next)), Some(d(2026, 3, 1)));
        assert_eq!(greg_month(p, 11, None), Some(d(2025, 11, 1)));
        assert_eq!(greg_month(p, 4, None), Some(d(2026, 4, 1)));
    }

    #[test]
    fn hijri_year_less() {
        let p = d(2026, 2, 10); // 22 Sha'ban 1447
        assert_eq!(hijri_no_year(p, 9, None, None), Some(d(2026, 2, 18)));
        assert_eq!(
            hijri_no_year(p, 9, None, Some(Rel::Past)),
            hijri::to_gregorian(1446, 9, 1)
        );
    }
}
