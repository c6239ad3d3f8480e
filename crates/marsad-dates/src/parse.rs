//! The date grammar: walks the token stream once, tries every pattern at each keyword or number
//! token, keeps the longest match, and resolves it against the publication date.
//!
//! Patterns (Arabic and English share most of them):
//! - relative days: اليوم / أمس / أول أمس / أمس الأول / غدا / بعد غد / البارحة, today, yesterday,
//!   tomorrow, the day before yesterday, last night, this morning; an Arabic weekday may follow;
//! - weekdays: [last|next|this] Monday, الأحد [الماضي|المقبل], optionally followed by an explicit
//!   date ("الثلاثاء الموافق 10 فبراير 2026", "Tuesday, February 10");
//! - unit-relative: الأسبوع الماضي, الشهر الجاري, هذا العام, منتصف الشهر الماضي, last week,
//!   earlier this month, late last year;
//! - durations: قبل يومين, منذ ثلاثة أيام, منذ أشهر (vague), two days ago, a week ago;
//! - explicit dates: day-month[-year] (numeric or Arabic ordinal day), month-day[-year] (English),
//!   month-year, early/mid/late month, bare month after a preposition, numeric dates, years after
//!   عام / سنة / a preposition / a calendar marker; Gregorian and Hijri months.
//!
//! Prefixes "يوم" and Arabic day parts ("صباح", "مساء", …) are folded into the following mention.

use chrono::{Datelike, NaiveDate};
use marsad_core::DatePrecision;

use crate::hijri;
use crate::lexicon::{Form, Kw, Rel, Unit};
use crate::resolve::{self, add_days, add_months, month_len, ymd};
use crate::token::{Tk, Token};

/// A match: tokens `first..end`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Found {
    pub first: usize,
    pub end: usize,
    pub value: Option<NaiveDate>,
    pub precision: DatePrecision,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Explicit,
    Weekday,
    RelDay,
    Other,
}

#[derive(Debug, Clone, Copy)]
struct M {
    end: usize,
    value: Option<NaiveDate>,
    prec: DatePrecision,
    kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cal {
    Greg,
    Hijri,
}

#[derive(Debug, Clone, Copy)]
struct Mo {
    cal: Cal,
    m: u32,
    strict: bool,
    end: usize,
}

#[derive(Debug, Clone, Copy)]
struct Yr {
    y: i32,
    mark: Option<Cal>,
    adj_mark: bool,
    end: usize,
}

enum YearSpec {
    Abs(Yr),
    /// "من العام الماضي": publication year + delta.
    Rel(i32),
}

fn longer(a: Option<M>, b: Option<M>) -> Option<M> {
    match (a, b) {
        (Some(x), Some(y)) => Some(if y.end > x.end { y } else { x }),
        (x, None) => x,
        (None, y) => y,
    }
}

fn rel_delta(r: Rel) -> i32 {
    match r {
        Rel::Past => -1,
        Rel::This => 0,
        Rel::Next => 1,
    }
}

struct Parser<'a> {
    t: &'a [Token],
    p: Option<NaiveDate>,
}

/// Find all mentions in a token stream: leftmost, longest, non-overlapping.
pub(crate) fn parse(toks: &[Token], published: Option<NaiveDate>) -> Vec<Found> {
    let ps = Parser {
        t: toks,
        p: published,
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if matches!(toks[i].tk, Tk::Word(_) | Tk::Num { .. }) {
            if let Some(m) = ps.at(i) {
                debug_assert!(m.end > i);
                out.push(Found {
                    first: i,
                    end: m.end,
                    value: m.value,
                    precision: m.prec,
                });
                i = m.end;
                continue;
            }
        }
        i += 1;
    }
    out
}

impl Parser<'_> {
    // ---- token access -------------------------------------------------------------------

    /// Keyword at `i`, rejecting words that needed a proclitic stripped.
    fn kw(&self, i: usize) -> Option<Kw> {
        let t = self.t.get(i)?;
        match t.tk {
            Tk::Word(k) if !t.clitic => Some(k),
            _ => None,
        }
    }

    /// Keyword at `i`, proclitic allowed (first word of a mention).
    fn kwc(&self, i: usize) -> Option<Kw> {
        match self.t.get(i)?.tk {
            Tk::Word(k) => Some(k),
            _ => None,
        }
    }

    fn latin(&self, i: usize) -> bool {
        self.t.get(i).is_some_and(|t| t.latin)
    }

    fn num(&self, i: usize) -> Option<(u32, u8)> {
        match self.t.get(i)?.tk {
            Tk::Num { val, digits } => Some((val, digits)),
            _ => None,
        }
    }

    fn punct(&self, i: usize, cs: &[char]) -> bool {
        matches!(self.t.get(i), Some(Token { tk: Tk::Punct(c), .. }) if cs.contains(c))
    }

    /// Tokens `i` and `j` touch (no space between).
    fn adj(&self, i: usize, j: usize) -> bool {
        match (self.t.get(i), self.t.get(j)) {
            (Some(a), Some(b)) => a.end == b.start,
            _ => false,
        }
    }

    /// A preposition right before token `i` announces a date ("في 2014", "in May").
    fn cue_before(&self, i: usize) -> bool {
        i > 0
            && matches!(
                self.kwc(i - 1),
                Some(
                    Kw::Cue
                        | Kw::Mundh
                        | Kw::Qabl
                        | Kw::Bad
                        | Kw::Before
                        | Kw::After
                        | Kw::Min
                        | Kw::Of
                )
            )
    }

    // ---- top level ----------------------------------------------------------------------

    fn at(&self, i: usize) -> Option<M> {
        let mut best = self.core(i);
        match self.kwc(i) {
            Some(Kw::Unit(Unit::Day, Form::Indef)) if !self.latin(i) => {
                // "يوم الأحد", "يوم أمس", "يوم غد", "يوم 10 فبراير"
                if self.kw(i + 1) == Some(Kw::Ghad) {
                    best = longer(best, Some(self.rel_days(1, i + 2)));
                } else if self.kw(i + 1).is_some() || self.num(i + 1).is_some() {
                    if let Some(m) = self.core(i + 1) {
                        let ok = match m.kind {
                            Kind::Weekday | Kind::RelDay => true,
                            Kind::Explicit => m.prec == DatePrecision::Day,
                            Kind::Other => false,
                        };
                        if ok {
                            best = longer(best, Some(m));
                        }
                    }
                }
            }
            // "صباح اليوم", "مساء أمس", "فجر يوم الأحد"
            Some(Kw::ArDayPart) if self.kw(i + 1).is_some() => {
                if let Some(m) = self.at(i + 1) {
                    if matches!(m.kind, Kind::RelDay | Kind::Weekday) {
                        best = longer(best, Some(m));
                    }
                }
            }
            _ => {}
        }
        best
    }

    fn core(&self, i: usize) -> Option<M> {
        match self.t.get(i)?.tk {
            Tk::Num { .. } => {
                let mut b = self.day_first(i);
                b = longer(b, self.numeric(i));
                b = longer(b, self.year_alone(i));
                b = longer(b, self.duration(i));
                b
            }
            Tk::Word(_) => {
                let mut b = self.rel_day(i);
                b = longer(b, self.weekday(i));
                b = longer(b, self.unit_rel(i));
                b = longer(b, self.duration(i));
                b = longer(b, self.day_first(i));
                b = longer(b, self.month_first(i));
                b = longer(b, self.part_month(i));
                b = longer(b, self.year_alone(i));
                b
            }
            _ => None,
        }
    }

    fn rel_days(&self, delta: i64, end: usize) -> M {
        M {
            end,
            value: self.p.and_then(|p| add_days(p, delta)),
            prec: DatePrecision::Day,
            kind: Kind::RelDay,
        }
    }

    // ---- relative days ------------------------------------------------------------------

    fn rel_day(&self, i: usize) -> Option<M> {
        let latin = self.latin(i);
        let (delta, mut j): (i64, usize) = match self.kwc(i)? {
            Kw::Today => {
                if matches!(
                    self.kw(i + 1),
                    Some(Kw::NotToday | Kw::Ordinal(_) | Kw::Hadi | Kw::Twenty | Kw::Thirty)
                ) {
                    return None;
                }
                (0, i + 1)
            }
            Kw::Yesterday => {
                if !latin && self.kw(i + 1) == Some(Kw::Ordinal(1)) {
                    (-2, i + 2)
                } else {
                    (-1, i + 1)
                }
            }
            Kw::Tomorrow => (1, i + 1),
            Kw::Awwal => {
                let mut j = i + 1;
                if self.kw(j) == Some(Kw::Min) {
                    j += 1;
                }
                if self.kw(j) != Some(Kw::Yesterday) {
                    return None;
                }
                (-2, j + 1)
            }
            Kw::Bad if self.kw(i + 1) == Some(Kw::Ghad) => (2, i + 2),
            Kw::The if self.kw(i + 1) == Some(Kw::Unit(Unit::Day, Form::Indef)) => {
                match (self.kw(i + 2), self.kw(i + 3)) {
                    (Some(Kw::Before), Some(Kw::Yesterday)) => (-2, i + 4),
                    (Some(Kw::After), Some(Kw::Tomorrow)) => (2, i + 4),
                    _ => return None,
                }
            }
            Kw::Rel(r) if latin => match (r, self.kw(i + 1)) {
                (Rel::Past, Some(Kw::EnDayPart(true))) => (-1, i + 2),
                (Rel::This, Some(Kw::EnDayPart(_))) => (0, i + 2),
                _ => return None,
            },
            _ => return None,
        };
        match self.kw(j) {
            Some(Kw::Weekday(_)) if !self.latin(j) => j += 1,
            Some(Kw::EnDayPart(_)) if latin && self.latin(j) && delta.abs() == 1 => j += 1,
            _ => {}
        }
        Some(self.rel_days(delta, j))
    }

    // ---- weekdays -----------------------------------------------------------------------

    fn weekday(&self, i: usize) -> Option<M> {
        let (pre, j) = match self.kwc(i)? {
            Kw::Rel(r) if self.latin(i) => (Some(r), i + 1),
            _ => (None, i),
        };
        let k = if j == i { self.kwc(j) } else { self.kw(j) };
        let Some(Kw::Weekday(w)) = k else {
            return None;
        };
        let mut e = j + 1;
        let mut rel = pre;
        if rel.is_none() && !self.latin(j) {
            if let Some(Kw::Rel(r)) = self.kw(e) {
                rel = Some(r);
                e += 1;
            }
        }
        // Weekday followed by the explicit date.
        let mut k = e;
        if self.punct(k, &[',', '،']) {
            k += 1;
        }
        if self.kw(k) == Some(Kw::Muwafiq) {
            k += 1;
        }
        if self.kw(k).is_some() || self.num(k).is_some() {
            let mut d = self.day_first(k);
            d = longer(d, self.month_first(k));
            d = longer(d, self.numeric(k));
            if let Some(m) = d {
                if m.prec == DatePrecision::Day && m.kind == Kind::Explicit {
                    return Some(m);
                }
            }
        }
        Some(M {
            end: e,
            value: self.p.and_then(|p| resolve::weekday(p, w, rel)),
            prec: DatePrecision::Day,
            kind: Kind::Weekday,
        })
    }

    // ---- weeks, months, years relative to publication -----------------------------------

    fn unit_rel(&self, i: usize) -> Option<M> {
        let mut j = i;
        let mut part = None;
        let mut earlier = false;
        match self.kwc(i)? {
            Kw::Part(p) => {
                part = Some(p);
                j += 1;
                if self.punct(j, &['-']) && self.adj(i, j) {
                    j += 1;
                }
            }
            Kw::Earlier | Kw::Later if self.latin(i) => {
                earlier = true;
                j += 1;
            }
            _ => {}
        }
        let k = if j == i { self.kwc(j) } else { self.kw(j) };
        let (unit, rel, end) = match k? {
            Kw::Unit(u, Form::Def) if !self.latin(j) => match self.kw(j + 1) {
                Some(Kw::Rel(r)) => (u, r, j + 2),
                // "مطلع الشهر", "نهاية العام": the current one.
                _ if part.is_some() && u != Unit::Week => (u, Rel::This, j + 1),
                _ => return None,
            },
            Kw::Rel(r) => match self.kw(j + 1) {
                Some(Kw::Unit(u, Form::Indef)) if self.latin(j) => (u, r, j + 2),
                Some(Kw::Unit(u, Form::Def)) if !self.latin(j) && r == Rel::This => (u, r, j + 2),
                _ => return None,
            },
            _ => return None,
        };
        if earlier && rel != Rel::This {
            return None;
        }
        let delta = rel_delta(rel);
        let p = self.p;
        let (value, prec) = match unit {
            Unit::Day => return None,
            Unit::Week => (
                p.and_then(|p| add_days(resolve::week_start(p)?, 7 * i64::from(delta))),
                DatePrecision::Week,
            ),
            Unit::Month => {
                let start = p.and_then(|p| resolve::month_start(p, delta));
                match part {
                    Some(pt) => (
                        start.and_then(|s| ymd(s.year(), s.month(), resolve::part_day(pt))),
                        DatePrecision::Week,
                    ),
                    None => (start, DatePrecision::Month),
                }
            }
            Unit::Year => {
                let y = p.map(|p| p.year() + delta);
                match part {
                    Some(pt) => (
                        y.and_then(|y| ymd(y, resolve::part_month(pt), 1)),
                        DatePrecision::Month,
                    ),
                    None => (y.and_then(|y| ymd(y, 1, 1)), DatePrecision::Year),
                }
            }
        };
        Some(M {
            end,
            value,
            prec,
            kind: Kind::Other,
        })
    }

    // ---- durations ----------------------------------------------------------------------

    /// Does a date start at token `e` (so a preceding "منذ عام" / "قبل يوم" is not a duration)?
    fn date_follows(&self, e: usize) -> bool {
        self.num(e).is_some()
            || matches!(
                self.kw(e),
                Some(
                    Kw::Weekday(_)
                        | Kw::GMonth(..)
                        | Kw::HMonth(..)
                        | Kw::Kanun
                        | Kw::Tishrin
                        | Kw::Rabi
                        | Kw::Jumada
                        | Kw::Dhu
                        | Kw::Today
                        | Kw::Yesterday
                        | Kw::Tomorrow
                        | Kw::Ghad
                )
            )
    }

    /// A length of time at `j`: (count, unit, end); count `None` when vague ("أيام", "a few").
    fn span_of_time(&self, j: usize, first: bool) -> Option<(Option<u32>, Unit, usize)> {
        let k = if first { self.kwc(j) } else { self.kw(j) };
        let unit_after = |at: usize| match self.kw(at) {
            Some(Kw::Unit(u, Form::Plural | Form::Indef)) => Some(u),
            _ => None,
        };
        match k {
            Some(Kw::Unit(u, Form::Indef)) => {
                if self.date_follows(j + 1) {
                    return None;
                }
                Some((Some(1), u, j + 1))
            }
            Some(Kw::Unit(u, Form::Dual)) => Some((Some(2), u, j + 1)),
            Some(Kw::Unit(u, Form::Plural)) => Some((None, u, j + 1)),
            Some(Kw::NumWord(n)) => {
                if let Some(u) = unit_after(j + 1) {
                    return Some((Some(u32::from(n)), u, j + 2));
                }
                if n == 1 && self.kw(j + 1) == Some(Kw::Few) {
                    let u = unit_after(j + 2)?;
                    return Some((None, u, j + 3));
                }
                None
            }
            Some(Kw::Vague | Kw::Few) => Some((None, unit_after(j + 1)?, j + 2)),
            _ => {
                let (v, d) = self.num(j)?;
                if d > 3 || v == 0 {
                    return None;
                }
                Some((Some(v), unit_after(j + 1)?, j + 2))
            }
        }
    }

    fn duration(&self, i: usize) -> Option<M> {
        let (n, unit, end) = match self.kwc(i) {
            Some(Kw::Qabl | Kw::Mundh) if !self.latin(i) => {
                let (n, u, e) = self.span_of_time(i + 1, false)?;
                // "قبل يومين من الانتخابات" counts from another event, not publication.
                if self.kw(e) == Some(Kw::Min) {
                    return None;
                }
                (n, u, e)
            }
            _ if self.latin(i) || (self.num(i).is_some() && self.latin(i + 1)) => {
                let (n, u, e) = self.span_of_time(i, true)?;
                if self.kw(e) != Some(Kw::Ago) {
                    return None;
                }
                (n, u, e + 1)
            }
            _ => return None,
        };
        Some(self.ago(n, unit, end))
    }

    fn ago(&self, n: Option<u32>, unit: Unit, end: usize) -> M {
        let (value, prec) = match (n, unit) {
            (None, Unit::Day) => (None, DatePrecision::Week),
            (None, Unit::Week | Unit::Month) => (None, DatePrecision::Month),
            (None, Unit::Year) => (None, DatePrecision::Year),
            (Some(n), u) => {
                let n = i64::from(n);
                let m = i32::try_from(n).unwrap_or(i32::MAX / 24);
                let p = self.p;
                match u {
                    Unit::Day => (p.and_then(|p| add_days(p, -n)), DatePrecision::Day),
                    Unit::Week => (p.and_then(|p| add_days(p, -7 * n)), DatePrecision::Week),
                    Unit::Month => (p.and_then(|p| add_months(p, -m)), DatePrecision::Month),
                    Unit::Year => (p.and_then(|p| add_months(p, -12 * m)), DatePrecision::Year),
                }
            }
        };
        M {
            end,
            value,
            prec,
            kind: Kind::Other,
        }
    }

    // ---- months, days, years ------------------------------------------------------------

    /// A single month name (possibly two words) at `i`: (calendar, month, strict, end).
    fn month_word(&self, i: usize, first: bool) -> Option<(Cal, u32, bool, usize)> {
        let k = if first { self.kwc(i) } else { self.kw(i) }?;
        let second = self.kw(i + 1);
        Some(match k {
            Kw::GMonth(m, s) => {
                let mut e = i + 1;
                if self.latin(i) && self.punct(e, &['.']) && self.adj(i, e) {
                    e += 1;
                }
                (Cal::Greg, u32::from(m), s, e)
            }
            Kw::Kanun => match second? {
                Kw::Ordinal(2) => (Cal::Greg, 1, false, i + 2),
                Kw::Ordinal(1) => (Cal::Greg, 12, false, i + 2),
                _ => return None,
            },
            Kw::Tishrin => match second? {
                Kw::Ordinal(1) => (Cal::Greg, 10, false, i + 2),
                Kw::Ordinal(2) => (Cal::Greg, 11, false, i + 2),
                _ => return None,
            },
            Kw::HMonth(m, s) => (Cal::Hijri, u32::from(m), s, i + 1),
            Kw::Rabi => match second? {
                Kw::Ordinal(1) => (Cal::Hijri, 3, false, i + 2),
                Kw::Ordinal(2) | Kw::AlAkhir => (Cal::Hijri, 4, false, i + 2),
                _ => return None,
            },
            Kw::Jumada => match second? {
                Kw::Ordinal(1) => (Cal::Hijri, 5, false, i + 2),
                Kw::Ordinal(2) | Kw::AlAkhir => (Cal::Hijri, 6, false, i + 2),
                _ => return None,
            },
            Kw::Dhu => match second? {
                Kw::Qida => (Cal::Hijri, 11, false, i + 2),
                Kw::Hijja => (Cal::Hijri, 12, false, i + 2),
                _ => return None,
            },
            _ => return None,
        })
    }

    /// A month name with an optional second name for the same month: "شباط/فبراير",
    /// "يناير (كانون الثاني)".
    fn month_at(&self, i: usize, first: bool) -> Option<Mo> {
        let (cal, m, mut strict, mut end) = self.month_word(i, first)?;
        if cal == Cal::Greg && self.punct(end, &['/', '(', '-', '\\', '|']) {
            let open = self.punct(end, &['(']);
            if let Some((Cal::Greg, m2, s2, e2)) = self.month_word(end + 1, false) {
                if m2 == m {
                    if !open {
                        end = e2;
                        strict &= s2;
                    } else if self.punct(e2, &[')']) {
                        end = e2 + 1;
                        strict &= s2;
                    }
                }
            }
        }
        Some(Mo {
            cal,
            m,
            strict,
            end,
        })
    }

    /// A 4-digit year at `i` with an optional calendar marker ("2014م", "1447 هـ").
    fn year_at(&self, i: usize) -> Option<Yr> {
        let (v, d) = self.num(i)?;
        if d != 4 {
            return None;
        }
        // Part of a longer number ("2014.5", "1,2014").
        let joined = |a: usize, b: usize, c: usize| {
            self.punct(b, &['.', ',', '٫', '٬']) && self.adj(a, b) && self.adj(b, c)
        };
        if self.num(i + 2).is_some() && joined(i, i + 1, i + 2) {
            return None;
        }
        if i >= 2 && self.num(i - 2).is_some() && joined(i - 2, i - 1, i) {
            return None;
        }
        let mut end = i + 1;
        let mut mark = None;
        let mut adj_mark = false;
        match self.kw(end) {
            Some(Kw::HijriMark) => mark = Some(Cal::Hijri),
            Some(Kw::GregMark) => mark = Some(Cal::Greg),
            _ => {}
        }
        if mark.is_some() {
            adj_mark = self.adj(i, end);
            end += 1;
        }
        Some(Yr {
            y: i32::try_from(v).ok()?,
            mark,
            adj_mark,
            end,
        })
    }

    /// The year part after a month: "2026", "، 2026", "من عام 2026", "من العام الماضي".
    fn year_after(&self, j: usize) -> Option<(YearSpec, usize, bool)> {
        let mut k = j;
        let comma = self.punct(k, &[',', '،']);
        if comma {
            k += 1;
        }
        if matches!(self.kw(k), Some(Kw::Min | Kw::Of)) {
            k += 1;
        }
        match self.kw(k) {
            Some(Kw::Unit(Unit::Year, f @ (Form::Indef | Form::Def))) => {
                if let Some(y) = self.year_at(k + 1) {
                    return Some((YearSpec::Abs(y), y.end, comma));
                }
                match (f, self.kw(k + 1)) {
                    (Form::Def, Some(Kw::Rel(r))) if !self.latin(k) => {
                        Some((YearSpec::Rel(rel_delta(r)), k + 2, comma))
                    }
                    _ => None,
                }
            }
            _ => {
                let y = self.year_at(k)?;
                Some((YearSpec::Abs(y), y.end, comma))
            }
        }
    }

    /// A day of the month at `i`: a 1–2 digit number (with an English ordinal suffix) or an
    /// Arabic ordinal ("العاشر", "الحادي عشر", "الثاني والعشرين"). Returns (day, end, is_word).
    fn day_at(&self, i: usize) -> Option<(u32, usize, bool)> {
        if let Some((v, d)) = self.num(i) {
            if d > 2 || v == 0 || v > 31 {
                return None;
            }
            let mut e = i + 1;
            if self.kw(e) == Some(Kw::OrdSuffix) && self.adj(i, e) {
                e += 1;
            }
            return Some((v, e, false));
        }
        let next = self.kw(i + 1);
        // "والعشرين" keeps its و.
        let tens = match self.t.get(i + 1) {
            Some(t) if t.clitic => match self.kwc(i + 1) {
                Some(Kw::Twenty) => Some(20),
                Some(Kw::Thirty) => Some(30),
                _ => None,
            },
            _ => None,
        };
        let r = match self.kwc(i)? {
            Kw::Ordinal(n) => {
                let n = u32::from(n);
                if (2..=9).contains(&n) && next == Some(Kw::NumWord(10)) {
                    (n + 10, i + 2)
                } else if let (Some(t), true) = (tens, n <= 9) {
                    (t + n, i + 2)
                } else {
                    (n, i + 1)
                }
            }
            Kw::Hadi => {
                if next == Some(Kw::NumWord(10)) {
                    (11, i + 2)
                } else {
                    (tens? + 1, i + 2)
                }
            }
            Kw::Twenty => (20, i + 1),
            Kw::Thirty => (30, i + 1),
            _ => return None,
        };
        if r.0 > 31 {
            return None;
        }
        Some((r.0, r.1, true))
    }

    /// "10 فبراير 2026", "العاشر من شباط", "10th of February", "3 آذار".
    fn day_first(&self, i: usize) -> Option<M> {
        let (d, mut j, word) = self.day_at(i)?;
        if matches!(self.kw(j), Some(Kw::Min | Kw::Of)) {
            j += 1;
        } else if word {
            return None;
        }
        if self.kw(j) == Some(Kw::Unit(Unit::Month, Form::Indef)) && !self.latin(j) {
            j += 1;
        }
        let mo = self.month_at(j, false)?;
        self.finish_date(Some(d), mo, true, None)
    }

    /// Dates led by a month: "February 10, 2026", "فبراير 2026", "يناير الماضي", "last May",
    /// "شهر رمضان", "في مارس" (after a preposition, not for ambiguous names).
    fn month_first(&self, i: usize) -> Option<M> {
        let (pre, shahr, j) = match self.kwc(i)? {
            Kw::Rel(r) if self.latin(i) => (Some(r), false, i + 1),
            Kw::Unit(Unit::Month, Form::Indef) if !self.latin(i) => (None, true, i + 1),
            _ => (None, false, i),
        };
        let mo = self.month_at(j, j == i)?;
        if pre.is_none() && self.latin(j) {
            if let Some((d, e, false)) = self.day_at(mo.end) {
                let mo2 = Mo { end: e, ..mo };
                if let Some(m) = self.finish_date(Some(d), mo2, true, None) {
                    return Some(m);
                }
            }
        }
        let bare_ok = shahr || (!mo.strict && self.cue_before(i));
        self.finish_date(None, mo, bare_ok, pre)
    }

    /// "منتصف فبراير", "mid-February", "أواخر شهر رمضان", "early 2026", "منتصف عام 2025".
    fn part_month(&self, i: usize) -> Option<M> {
        let Some(Kw::Part(part)) = self.kwc(i) else {
            return None;
        };
        let mut j = i + 1;
        if self.punct(j, &['-']) && self.adj(i, j) {
            j += 1;
        }
        if self.kw(j) == Some(Kw::Unit(Unit::Month, Form::Indef)) && !self.latin(j) {
            j += 1;
        }
        if let Some(mo) = self.month_at(j, false) {
            let m = self.finish_date(None, mo, true, None)?;
            let value = m.value.and_then(|v| match mo.cal {
                Cal::Greg => ymd(v.year(), v.month(), resolve::part_day(part)),
                Cal::Hijri => add_days(v, i64::from(resolve::part_day(part)) - 1),
            });
            return Some(M {
                value,
                prec: DatePrecision::Week,
                ..m
            });
        }
        // Part of a year.
        if matches!(
            self.kw(j),
            Some(Kw::Unit(Unit::Year, Form::Indef | Form::Def))
        ) && !self.latin(j)
        {
            j += 1;
        }
        let y = self.year_at(j)?;
        if !(1800..=2200).contains(&y.y) || y.mark == Some(Cal::Hijri) {
            return None;
        }
        Some(M {
            end: y.end,
            value: ymd(y.y, resolve::part_month(part), 1),
            prec: DatePrecision::Month,
            kind: Kind::Other,
        })
    }

    /// Finish a date once the month is known: optional year (or relative year), optional
    /// relative suffix ("الماضي"), then resolve.
    fn finish_date(
        &self,
        d: Option<u32>,
        mo: Mo,
        bare_ok: bool,
        pre_rel: Option<Rel>,
    ) -> Option<M> {
        let mut end = mo.end;
        let mut year: Option<Yr> = None;
        let mut year_rel: Option<i32> = None;
        let mut rel = pre_rel;
        if rel.is_none() {
            if let Some((ys, e, comma)) = self.year_after(end) {
                match ys {
                    YearSpec::Abs(y) => {
                        let range = if comma { 1900..=2100 } else { 1700..=2200 };
                        let ok = match mo.cal {
                            Cal::Greg => range.contains(&y.y),
                            Cal::Hijri => (1..=1600).contains(&y.y) || range.contains(&y.y),
                        };
                        if ok {
                            year = Some(y);
                            end = e;
                        }
                    }
                    YearSpec::Rel(delta) => {
                        year_rel = Some(delta);
                        end = e;
                    }
                }
            }
            if year.is_none() && year_rel.is_none() {
                if let Some(Kw::Rel(r)) = self.kw(end) {
                    if !self.latin(end) {
                        rel = Some(r);
                        end += 1;
                    }
                }
            }
        }
        if d.is_none() && year.is_none() && year_rel.is_none() && rel.is_none() && !bare_ok {
            return None;
        }
        if let Some(d) = d {
            let max = match mo.cal {
                Cal::Greg => month_len(2024, mo.m),
                Cal::Hijri => 30,
            };
            if d > max {
                return None;
            }
        }
        let m = mo.m;
        let p = self.p;
        let value = match mo.cal {
            Cal::Greg => match (year, year_rel) {
                (Some(y), _) => Some(ymd(y.y, m, d.unwrap_or(1))?),
                (None, Some(delta)) => p.and_then(|p| ymd(p.year() + delta, m, d.unwrap_or(1))),
                (None, None) => p.and_then(|p| match d {
                    Some(d) => resolve::greg_day(p, m, d, rel),
                    None => resolve::greg_month(p, m, rel),
                }),
            },
            Cal::Hijri => match (year, year_rel) {
                (Some(y), _) if y.y <= 1600 => {
                    Some(hijri::to_gregorian(i64::from(y.y), m, d.unwrap_or(1))?)
                }
                // "رمضان 2026": the Hijri month that falls in that Gregorian year.
                (Some(y), _) => hijri_in_greg_year(y.y, m, d),
                (None, Some(delta)) => p.and_then(|p| hijri_in_greg_year(p.year() + delta, m, d)),
                (None, None) => p.and_then(|p| resolve::hijri_no_year(p, m, d, rel)),
            },
        };
        Some(M {
            end,
            value,
            prec: if d.is_some() {
                DatePrecision::Day
            } else {
                DatePrecision::Month
            },
            kind: Kind::Explicit,
        })
    }

    // ---- numbers ------------------------------------------------------------------------

    /// "2026/02/10", "2026-02-10", "10/2/2026", "10.02.2026", "1447/08/22 هـ".
    fn numeric(&self, i: usize) -> Option<M> {
        let (a, ad) = self.num(i)?;
        let sep = match self.t.get(i + 1)?.tk {
            Tk::Punct(c @ ('/' | '-' | '.')) => c,
            _ => return None,
        };
        let (b, bd) = self.num(i + 2)?;
        let (c, cd) = self.num(i + 4)?;
        if !(self.punct(i + 3, &[sep])
            && self.adj(i, i + 1)
            && self.adj(i + 1, i + 2)
            && self.adj(i + 2, i + 3)
            && self.adj(i + 3, i + 4))
        {
            return None;
        }
        let seps = ['/', '-', '.'];
        // Not part of a longer run ("1/2/2026/3", "192.168.1.1").
        if i > 0 && self.adj(i - 1, i) && (self.num(i - 1).is_some() || self.punct(i - 1, &seps)) {
            return None;
        }
        if self.punct(i + 5, &seps) && self.adj(i + 4, i + 5) && self.num(i + 6).is_some() {
            return None;
        }
        let (y, m, d) = if ad == 4 && bd <= 2 && cd <= 2 {
            (a, b, c)
        } else if cd == 4 && ad <= 2 && bd <= 2 {
            (c, b, a)
        } else {
            return None;
        };
        let y = i32::try_from(y).ok()?;
        let mut end = i + 5;
        let mark = match self.kw(end) {
            Some(Kw::HijriMark) => Some(Cal::Hijri),
            Some(Kw::GregMark) => Some(Cal::Greg),
            _ => None,
        };
        if mark.is_some() {
            end += 1;
        }
        let value = if mark == Some(Cal::Hijri) || (1300..=1500).contains(&y) {
            if !(1..=12).contains(&m) || !(1..=30).contains(&d) {
                return None;
            }
            hijri::to_gregorian(i64::from(y), m, d)?
        } else if (1800..=2200).contains(&y) {
            ymd(y, m, d)?
        } else {
            return None;
        };
        Some(M {
            end,
            value: Some(value),
            prec: DatePrecision::Day,
            kind: Kind::Explicit,
        })
    }

    /// "عام 2014", "سنة 1447 هـ", "في 2014", "in 2014", "2014م".
    fn year_alone(&self, i: usize) -> Option<M> {
        let (y, noun) = match self.kwc(i) {
            Some(Kw::Unit(Unit::Year, Form::Indef | Form::Def)) if !self.latin(i) => {
                (self.year_at(i + 1)?, true)
            }
            Some(_) => return None,
            None => (self.year_at(i)?, false),
        };
        let hijri = y.mark == Some(Cal::Hijri);
        let ok = if hijri {
            (1..=1600).contains(&y.y)
        } else if noun {
            (1000..=2200).contains(&y.y)
        } else {
            (1800..=2100).contains(&y.y)
                && (self.cue_before(i) || (y.mark == Some(Cal::Greg) && y.adj_mark))
        };
        if !ok {
            return None;
        }
        let value = if hijri {
            hijri::to_gregorian(i64::from(y.y), 1, 1)
        } else {
            ymd(y.y, 1, 1)
        };
        Some(M {
            end: y.end,
            value,
            prec: DatePrecision::Year,
            kind: Kind::Other,
        })
    }
}

/// The Gregorian date of Hijri month `m` (day `d` or 1) that falls in Gregorian year `gy`.
fn hijri_in_greg_year(gy: i32, m: u32, d: Option<u32>) -> Option<NaiveDate> {
    let (hy, _, _) = hijri::from_gregorian(ymd(gy, 1, 1)?);
    (hy..=hy + 1)
        .filter_map(|h| hijri::to_gregorian(h, m, d.unwrap_or(1)))
        .find(|g| g.year() == gy)
}
