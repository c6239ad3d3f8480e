//! Date mentions, from the `marsad-dates` crate, converted to the engine's spans.

use chrono::NaiveDate;

use crate::pipeline::DateSpan;

/// Date mentions of `text` resolved against `published` (char offsets).
pub fn find(text: &str, published: Option<NaiveDate>) -> Vec<DateSpan> {
    marsad_dates::find_dates(text, published)
        .into_iter()
        .map(|m| DateSpan {
            start: m.start,
            end: m.end,
            text: m.text,
            value: m.value,
            precision: m.precision,
        })
        .collect()
}
