//! Date mentions in Arabic and English news text, resolved against the publication date.
//!
//! [`find_dates`] tokenizes the text once (normalising Arabic spelling variants, stripping the
//! proclitics و ف ب ل ك from the first word), then matches a small hand-written grammar over the
//! tokens, longest match first. No regular expressions; the keyword table is built once.
//!
//! # Conventions
//! - `value` is the start of the period at the given precision, except for "N units ago", where
//!   it is the anchor date itself (publication minus N units).
//! - `value` is `None` when the mention is relative and no publication date was given, or when it
//!   is vague ("منذ أشهر", "a few days ago").
//! - Weeks start on Monday (ISO). "الأسبوع الماضي" / "last week" is the Monday of the previous
//!   week, with [`DatePrecision::Week`].
//! - A bare weekday ("الخميس", "on Thursday") is the most recent such day on or before
//!   publication; "الماضي" / "last" makes it strictly before, "المقبل" / "القادم" / "next"
//!   strictly after, English "this" the one in the publication week.
//! - "اليوم الثلاثاء" / "أمس الإثنين" resolve from the relative word; the weekday is kept in
//!   the span but not checked.
//! - Early / mid / late a month ("مطلع", "منتصف", "أواخر", early-, mid-, late-) are the dekads
//!   starting on the 1st, 11th and 21st, with [`DatePrecision::Week`]; of a year they start in
//!   January, May and September, with [`DatePrecision::Month`].
//! - A date without a year takes the year that puts it nearest publication, counting days after
//!   publication double; "الماضي" / "المقبل" after it force the past / future occurrence.
//! - Numeric dates are day-first (10/2/2026) unless they start with a 4-digit year.
//! - Hijri dates use the tabular Islamic calendar (see [`hijri`]); it can differ from Umm
//!   al-Qura or sighting-based calendars by a day (rarely two).
//! - Mentions never cross a line break. Prepositions ("في", "on", "in", "منذ" before a date) are
//!   not part of the span; "يوم", "صباح"/"مساء" before a day, "عام"/"سنة" before a year and
//!   "هـ" / "م" after it are.

pub mod hijri;
mod lexicon;
mod parse;
mod resolve;
mod token;

use chrono::NaiveDate;
pub use marsad_core::DatePrecision;

/// One date expression found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateMention {
    /// Char (Unicode scalar) offset of the first char, into the original text.
    pub start: usize,
    /// Char offset just past the last char (half-open).
    pub end: usize,
    /// The matched text as written.
    pub text: String,
    /// Start of the period; `None` if it needs a publication date we don't have, or can't be
    /// resolved.
    pub value: Option<NaiveDate>,
    pub precision: DatePrecision,
}

/// Find date expressions in `text` and resolve them against `published`.
///
/// The result is sorted by `start` and non-overlapping (leftmost, then longest match wins).
pub fn find_dates(text: &str, published: Option<NaiveDate>) -> Vec<DateMention> {
    let toks = token::tokenize(text);
    parse::parse(&toks, published)
        .into_iter()
        .map(|f| {
            let a = &toks[f.first];
            let b = &toks[f.end - 1];
            DateMention {
                start: a.kstart,
                end: b.end,
                text: text[a.kbstart..b.bend].to_owned(),
                value: f.value,
                precision: f.precision,
            }
        })
        .collect()
}
