//! Rows of `COPY ... FROM STDIN` in Postgres's text format: fields separated by tabs, `\N` for
//! NULL, backslash, tab, newline and carriage return escaped. Each value is written as the text its
//! column's input function reads back to the same value that binding it gave.

use std::fmt::Write as _;

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};

/// A buffer of rows in `COPY` text format. Fields are written in column order; [`Self::end_row`]
/// ends a row.
#[derive(Debug, Default)]
pub(crate) struct CopyText {
    buf: String,
    /// Whether the next field is the first of its row (no tab before it).
    row_start: bool,
}

impl CopyText {
    pub(crate) fn with_capacity(bytes: usize) -> Self {
        Self {
            buf: String::with_capacity(bytes),
            row_start: true,
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.buf
    }

    /// Empties the buffer, keeping its memory.
    pub(crate) fn clear(&mut self) {
        self.buf.clear();
        self.row_start = true;
    }

    pub(crate) fn len(&self) -> usize {
        self.buf.len()
    }

    fn sep(&mut self) {
        if self.row_start {
            self.row_start = false;
        } else {
            self.buf.push('\t');
        }
    }

    pub(crate) fn end_row(&mut self) {
        self.buf.push('\n');
        self.row_start = true;
    }

    /// Ends the row with the fields of `rest`, a row of another buffer (its end included).
    pub(crate) fn end_row_with(&mut self, rest: &str) {
        self.sep();
        self.buf.push_str(rest);
        self.row_start = true;
    }

    pub(crate) fn null(&mut self) {
        self.sep();
        self.buf.push_str("\\N");
    }

    pub(crate) fn text(&mut self, s: &str) {
        self.sep();
        escape_copy_field(&mut self.buf, s);
    }

    pub(crate) fn opt_text(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.text(s),
            None => self.null(),
        }
    }

    pub(crate) fn int(&mut self, n: i64) {
        self.sep();
        let _ = write!(self.buf, "{n}");
    }

    pub(crate) fn opt_int(&mut self, n: Option<i64>) {
        match n {
            Some(n) => self.int(n),
            None => self.null(),
        }
    }

    pub(crate) fn bool(&mut self, b: bool) {
        self.sep();
        self.buf.push(if b { 't' } else { 'f' });
    }

    /// A `float8`: Rust prints the shortest decimal that reads back to the same bits, never in
    /// exponent form; `NaN`, `inf` and `-inf` are words `float8in` accepts.
    pub(crate) fn opt_f64(&mut self, x: Option<f64>) {
        match x {
            Some(x) => {
                self.sep();
                let _ = write!(self.buf, "{x}");
            }
            None => self.null(),
        }
    }

    /// A `real` (see [`Self::opt_f64`]; `float4in` reads with `strtof`).
    pub(crate) fn f32(&mut self, x: f32) {
        self.sep();
        let _ = write!(self.buf, "{x}");
    }

    pub(crate) fn opt_date(&mut self, d: Option<NaiveDate>) {
        match d {
            Some(d) => {
                self.sep();
                let (year, bc) = pg_year(d.year());
                let _ = write!(self.buf, "{year:04}-{:02}-{:02}", d.month(), d.day());
                if bc {
                    self.buf.push_str(" BC");
                }
            }
            None => self.null(),
        }
    }

    pub(crate) fn timestamptz(&mut self, t: DateTime<Utc>) {
        self.sep();
        let (year, bc) = pg_year(t.year());
        let micros = (t.nanosecond() / 1_000).min(999_999);
        let _ = write!(
            self.buf,
            "{year:04}-{:02}-{:02} {:02}:{:02}:{:02}.{micros:06}+00",
            t.month(),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
        );
        if bc {
            self.buf.push_str(" BC");
        }
    }

    /// A `text[]` of these items (none NULL).
    pub(crate) fn text_array<S: AsRef<str>>(&mut self, items: impl IntoIterator<Item = S>) {
        self.sep();
        self.buf.push('{');
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                self.buf.push(',');
            }
            // Every element quoted, `"` and `\` escaped for the array reader; then the whole
            // escaped for COPY.
            self.buf.push('"');
            for c in item.as_ref().chars() {
                match c {
                    '"' => self.buf.push_str("\\\\\""),
                    '\\' => self.buf.push_str("\\\\\\\\"),
                    c => push_escaped(&mut self.buf, c),
                }
            }
            self.buf.push('"');
        }
        self.buf.push('}');
    }
}

/// Postgres has no year 0: chrono's year 0 is 1 BC.
fn pg_year(year: i32) -> (i64, bool) {
    if year >= 1 {
        (i64::from(year), false)
    } else {
        (1 - i64::from(year), true)
    }
}

/// Appends `s` as one field of a `COPY ... FROM STDIN` text-format row: backslash, tab, newline
/// and carriage return escaped.
pub fn escape_copy_field(out: &mut String, s: &str) {
    if !s
        .bytes()
        .any(|b| matches!(b, b'\\' | b'\t' | b'\n' | b'\r'))
    {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        push_escaped(out, c);
    }
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\\' => out.push_str("\\\\"),
        '\t' => out.push_str("\\t"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_escaped_and_separated() {
        let mut c = CopyText::with_capacity(0);
        c.text("a\tb\\c\nd\re");
        c.null();
        c.opt_int(Some(-3));
        c.bool(true);
        c.end_row();
        let mut rest = CopyText::with_capacity(0);
        rest.text("y");
        rest.end_row();
        c.text("x");
        c.end_row_with(rest.as_str());
        assert_eq!(c.as_str(), "a\\tb\\\\c\\nd\\re\t\\N\t-3\tt\nx\ty\n");
    }

    #[test]
    fn arrays_quote_every_element() {
        let mut c = CopyText::with_capacity(0);
        c.text_array(["a\"b", "c\\d", "", "e\tf"]);
        c.text_array(Vec::<String>::new());
        assert_eq!(
            c.as_str(),
            "{\"a\\\\\"b\",\"c\\\\\\\\d\",\"\",\"e\\tf\"}\t{}"
        );
    }

    #[test]
    fn dates_and_times_in_iso_form() {
        let mut c = CopyText::with_capacity(0);
        c.opt_date(NaiveDate::from_ymd_opt(2026, 3, 4));
        c.opt_date(NaiveDate::from_ymd_opt(0, 1, 2));
        c.opt_date(NaiveDate::from_ymd_opt(12345, 1, 2));
        c.timestamptz(
            DateTime::from_timestamp(1_700_000_000, 123_456_789).expect("valid timestamp"),
        );
        assert_eq!(
            c.as_str(),
            "2026-03-04\t0001-01-02 BC\t12345-01-02\t2023-11-14 22:13:20.123456+00"
        );
    }

    #[test]
    fn floats_print_the_shortest_exact_decimal() {
        let mut c = CopyText::with_capacity(0);
        c.opt_f64(Some(0.1));
        c.opt_f64(Some(1e-7));
        c.f32(0.85);
        c.opt_f64(None);
        assert_eq!(c.as_str(), "0.1\t0.0000001\t0.85\t\\N");
    }
}
