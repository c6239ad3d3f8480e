//! English date expressions.

mod common;

use common::*;
use marsad_dates::{find_dates, DatePrecision as P};

#[test]
fn relative_days() {
    day("He said today that", "today", d(2026, 2, 10));
    day("Yesterday, officials met", "Yesterday", d(2026, 2, 9));
    day("talks tomorrow", "tomorrow", d(2026, 2, 11));
    day(
        "the day before yesterday",
        "the day before yesterday",
        d(2026, 2, 8),
    );
    day(
        "the day after tomorrow",
        "the day after tomorrow",
        d(2026, 2, 12),
    );
    day("last night", "last night", d(2026, 2, 9));
    day("this morning", "this morning", d(2026, 2, 10));
    day("yesterday afternoon", "yesterday afternoon", d(2026, 2, 9));
    day("a raid tonight", "tonight", d(2026, 2, 10));
}

#[test]
fn weekdays() {
    day("said on Monday", "Monday", d(2026, 2, 9));
    day("said on Tuesday", "Tuesday", d(2026, 2, 10));
    day("on Thursday", "Thursday", d(2026, 2, 5));
    day("last Monday", "last Monday", d(2026, 2, 9));
    day("last Tuesday", "last Tuesday", d(2026, 2, 3));
    day("next Monday", "next Monday", d(2026, 2, 16));
    day("this Friday", "this Friday", d(2026, 2, 13));
    day(
        "on Tuesday, February 10, 2026",
        "Tuesday, February 10, 2026",
        d(2026, 2, 10),
    );
}

#[test]
fn relative_periods() {
    one(
        "last week",
        pubd(),
        "last week",
        Some(d(2026, 2, 2)),
        P::Week,
    );
    one(
        "this week",
        pubd(),
        "this week",
        Some(d(2026, 2, 9)),
        P::Week,
    );
    one(
        "next week",
        pubd(),
        "next week",
        Some(d(2026, 2, 16)),
        P::Week,
    );
    one(
        "the past week",
        pubd(),
        "past week",
        Some(d(2026, 2, 2)),
        P::Week,
    );
    one(
        "last month",
        pubd(),
        "last month",
        Some(d(2026, 1, 1)),
        P::Month,
    );
    one(
        "this month",
        pubd(),
        "this month",
        Some(d(2026, 2, 1)),
        P::Month,
    );
    one(
        "earlier this month",
        pubd(),
        "earlier this month",
        Some(d(2026, 2, 1)),
        P::Month,
    );
    one(
        "later this year",
        pubd(),
        "later this year",
        Some(d(2026, 1, 1)),
        P::Year,
    );
    one(
        "last year",
        pubd(),
        "last year",
        Some(d(2025, 1, 1)),
        P::Year,
    );
    one(
        "this year",
        pubd(),
        "this year",
        Some(d(2026, 1, 1)),
        P::Year,
    );
    one(
        "late last year",
        pubd(),
        "late last year",
        Some(d(2025, 9, 1)),
        P::Month,
    );
}

#[test]
fn ago() {
    day("two days ago", "two days ago", d(2026, 2, 8));
    day("3 days ago", "3 days ago", d(2026, 2, 7));
    one(
        "three weeks ago",
        pubd(),
        "three weeks ago",
        Some(d(2026, 1, 20)),
        P::Week,
    );
    one(
        "a week ago",
        pubd(),
        "a week ago",
        Some(d(2026, 2, 3)),
        P::Week,
    );
    one(
        "a month ago",
        pubd(),
        "a month ago",
        Some(d(2026, 1, 10)),
        P::Month,
    );
    one(
        "two years ago",
        pubd(),
        "two years ago",
        Some(d(2024, 2, 10)),
        P::Year,
    );
    one("a few days ago", pubd(), "a few days ago", None, P::Week);
    one(
        "several weeks ago",
        pubd(),
        "several weeks ago",
        None,
        P::Month,
    );
}

#[test]
fn explicit_dates() {
    day("on February 10, 2026", "February 10, 2026", d(2026, 2, 10));
    day("on 10 February 2026", "10 February 2026", d(2026, 2, 10));
    day("on Feb. 10", "Feb. 10", d(2026, 2, 10));
    day("on Feb 10th", "Feb 10th", d(2026, 2, 10));
    day("the 3rd of March", "3rd of March", d(2026, 3, 3));
    day("on Dec. 15", "Dec. 15", d(2025, 12, 15));
    day("September 11, 2001", "September 11, 2001", d(2001, 9, 11));
    day("2026-02-10", "2026-02-10", d(2026, 2, 10));
}

#[test]
fn months_and_years() {
    one(
        "in February 2026",
        pubd(),
        "February 2026",
        Some(d(2026, 2, 1)),
        P::Month,
    );
    one("in May", pubd(), "May", Some(d(2026, 5, 1)), P::Month);
    one(
        "in October",
        pubd(),
        "October",
        Some(d(2025, 10, 1)),
        P::Month,
    );
    one("in March", pubd(), "March", Some(d(2026, 3, 1)), P::Month);
    one(
        "mid-February",
        pubd(),
        "mid-February",
        Some(d(2026, 2, 11)),
        P::Week,
    );
    one(
        "early March",
        pubd(),
        "early March",
        Some(d(2026, 3, 1)),
        P::Week,
    );
    one(
        "late March",
        pubd(),
        "late March",
        Some(d(2026, 3, 21)),
        P::Week,
    );
    one(
        "late January 2025",
        pubd(),
        "late January 2025",
        Some(d(2025, 1, 21)),
        P::Week,
    );
    one(
        "last May",
        pubd(),
        "last May",
        Some(d(2025, 5, 1)),
        P::Month,
    );
    one("in 2014", pubd(), "2014", Some(d(2014, 1, 1)), P::Year);
    one("since 2011", pubd(), "2011", Some(d(2011, 1, 1)), P::Year);
    one(
        "mid-2025",
        pubd(),
        "mid-2025",
        Some(d(2025, 5, 1)),
        P::Month,
    );
}

#[test]
fn not_dates() {
    none("you may go");
    none("they march on");
    none("2014 people were killed");
    none("Jan said hello");
    none("one day we will");
    none("the last day of the talks");
}

#[test]
fn no_publication_date() {
    let ms = find_dates(
        "Yesterday he said the February 10, 2026 talks went well",
        None,
    );
    assert_eq!(ms.len(), 2);
    assert_eq!(ms[0].value, None);
    assert_eq!(ms[0].precision, P::Day);
    assert_eq!(ms[1].value, Some(d(2026, 2, 10)));
    let ms = find_dates("on Feb. 10", None);
    assert_eq!(ms[0].value, None);
}

#[test]
fn mixed_language() {
    let text = "قال اليوم: talks on Monday, then 10 فبراير and last week.";
    let ms = find_dates(text, pubd());
    check_offsets(text, &ms);
    let got: Vec<&str> = ms.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(got, vec!["اليوم", "Monday", "10 فبراير", "last week"]);
}

#[test]
fn seed_article_english() {
    let text = include_str!("../../../tests/fixtures/barrack-coalition-en.txt");
    let ms = find_dates(text, pubd());
    check_offsets(text, &ms);
    let got: Vec<(&str, Option<chrono::NaiveDate>)> =
        ms.iter().map(|m| (m.text.as_str(), m.value)).collect();
    assert_eq!(
        got,
        vec![
            ("Tuesday", Some(d(2026, 2, 10))),
            ("Monday", Some(d(2026, 2, 9)))
        ]
    );
}
