//! One real-world event, many mentions: at write time (inside PutExtraction(s)' transaction, under
//! the event-write lock) each new event joins a compatible cluster that none of its article's other
//! events took, or starts its own. A cluster is compared on its best-supported values (majority
//! day, place of the majority place, every actor of its mentions); one founded earlier in the same
//! write, on its founding mention. Compatible: same kind; days within one of each other (or
//! overlapping at their precision; an undated event uses its article's publication day); places
//! the same gazetteer entry or within 25 km; and overlapping actors (or, when either side names no
//! actor, the same place). Re-extracting an article keeps the cluster of every event whose stable
//! id it had before. The stored values are derived from per-cluster vote tallies (see
//! [`crate::tally`]), which a write updates with its new mentions only.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, Duration, NaiveDate};
use marsad_core::{stable_id, DatePrecision, Event};
use sqlx::{Postgres, Row, Transaction};

use crate::filter::distance_km;
use crate::StoreError;

/// Places closer than this are the same place.
pub const SAME_PLACE_KM: f64 = 25.0;

/// What clustering compares of an event.
#[derive(Debug, Clone)]
pub(crate) struct Profile {
    pub day: Option<NaiveDate>,
    pub precision: Option<DatePrecision>,
    pub gazetteer_id: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub actor_ids: Vec<String>,
}

impl Profile {
    pub fn of(event: &Event, published: Option<NaiveDate>, actor_ids: &[String]) -> Self {
        let place = event.location.as_ref();
        Self {
            day: event.date.value.or(published),
            precision: event.date.value.and(event.date.precision),
            gazetteer_id: place.and_then(|p| p.gazetteer_id.as_deref().map(str::to_owned)),
            lat: place.and_then(|p| p.lat),
            lon: place.and_then(|p| p.lon),
            actor_ids: actor_ids.to_vec(),
        }
    }

    /// The days the date covers, inclusive.
    fn range(&self) -> Option<(NaiveDate, NaiveDate)> {
        let start = self.day?;
        Some((start, period_end(start, self.precision)))
    }

    fn placed(&self) -> bool {
        self.gazetteer_id.is_some() || (self.lat.is_some() && self.lon.is_some())
    }
}

/// Last day of the period starting at `start`.
pub(crate) fn period_end(start: NaiveDate, precision: Option<DatePrecision>) -> NaiveDate {
    match precision {
        None | Some(DatePrecision::Day) => start,
        Some(DatePrecision::Week) => start + Duration::days(6),
        Some(DatePrecision::Month) => {
            let (y, m) = if start.month() == 12 {
                (start.year() + 1, 1)
            } else {
                (start.year(), start.month() + 1)
            };
            NaiveDate::from_ymd_opt(y, m, 1).map_or(start, |d| d - Duration::days(1))
        }
        Some(DatePrecision::Year) => NaiveDate::from_ymd_opt(start.year(), 12, 31).unwrap_or(start),
    }
}

/// How well `other` matches `me` (higher is better), or `None` when they cannot be one event.
pub(crate) fn score(me: &Profile, other: &Profile) -> Option<u32> {
    let (my_start, my_end) = me.range()?;
    let (o_start, o_end) = other.range()?;
    let slack = Duration::days(1);
    if o_start > my_end + slack || my_start > o_end + slack {
        return None;
    }
    let mut score = u32::from(my_start == o_start && my_end == o_end);
    let same_place = if me.placed() && other.placed() {
        let by_id = matches!((&me.gazetteer_id, &other.gazetteer_id), (Some(a), Some(b)) if a == b);
        let by_distance = match (me.lat, me.lon, other.lat, other.lon) {
            (Some(a), Some(b), Some(c), Some(d)) => distance_km(a, b, c, d) <= SAME_PLACE_KM,
            _ => false,
        };
        if !(by_id || by_distance) {
            return None;
        }
        true
    } else {
        false
    };
    if same_place {
        score += 3;
    }
    if !me.actor_ids.is_empty() && !other.actor_ids.is_empty() {
        let overlap = me
            .actor_ids
            .iter()
            .filter(|a| other.actor_ids.contains(a))
            .count();
        if overlap == 0 {
            return None;
        }
        score += 2 * u32::try_from(overlap).unwrap_or(u32::MAX / 4);
    } else if !same_place {
        return None;
    }
    Some(score)
}

/// The id of a cluster an event starts.
pub(crate) fn new_cluster_id(article_id: &str, event_id: &str) -> String {
    stable_id("c_", &[article_id, event_id])
}

/// A new event to place in a cluster.
#[derive(Debug, Clone)]
pub(crate) struct Mention<'a> {
    pub article_id: &'a str,
    pub event_id: &'a str,
    pub kind: &'a str,
    pub profile: Profile,
    /// The cluster of the event with the same stable id before this write, if any.
    pub previous: Option<&'a str>,
}

/// A cluster a new event may join: a stored one (on its best-supported values) or one founded
/// earlier in this write (on its founding mention).
#[derive(Debug)]
struct Candidate {
    cluster: String,
    profile: Profile,
}

/// Clusters for `mentions`, in order. Each keeps its previous cluster when no earlier event of its
/// article took it; otherwise it joins the best-matching cluster (stored, or founded earlier in this
/// write by another article) that no earlier event of its article took, or founds its own. The
/// stored candidates for the whole batch come from one statement.
pub(crate) async fn assign(
    tx: &mut Transaction<'_, Postgres>,
    mentions: &[Mention<'_>],
) -> Result<Vec<String>, StoreError> {
    let stored = stored_candidates(tx, mentions).await?;
    let mut founded: HashMap<&str, Candidates> = HashMap::new();
    let mut taken: HashMap<&str, HashSet<String>> = HashMap::new();
    let mut clusters = Vec::with_capacity(mentions.len());
    for m in mentions {
        let taken_here = taken.entry(m.article_id).or_default();
        let cluster = match m.previous {
            Some(c) if !taken_here.contains(c) => c.to_owned(),
            _ => {
                let earlier = founded
                    .get(m.kind)
                    .into_iter()
                    .flat_map(|c| c.near(&m.profile));
                let from_store = stored
                    .get(m.kind)
                    .into_iter()
                    .flat_map(|c| c.near(&m.profile));
                match best(&m.profile, earlier.chain(from_store), taken_here) {
                    Some(c) => c,
                    None => {
                        let c = new_cluster_id(m.article_id, m.event_id);
                        founded.entry(m.kind).or_default().push(Candidate {
                            cluster: c.clone(),
                            profile: m.profile.clone(),
                        });
                        c
                    }
                }
            }
        };
        taken_here.insert(cluster.clone());
        clusters.push(cluster);
    }
    Ok(clusters)
}

/// The candidates of one kind, arranged so that a mention is scored only against those whose dates
/// can match it: single-day candidates by day (a match is within a day of the mention's dates),
/// longer periods (weeks, months, years: few) all. Undated candidates never match.
#[derive(Debug, Default)]
struct Candidates {
    by_day: BTreeMap<NaiveDate, Vec<Candidate>>,
    periods: Vec<Candidate>,
}

impl Candidates {
    fn push(&mut self, candidate: Candidate) {
        match candidate.profile.range() {
            None => {}
            Some((start, end)) if start == end => {
                self.by_day.entry(start).or_default().push(candidate);
            }
            Some(_) => self.periods.push(candidate),
        }
    }

    /// Every candidate [`score`] may accept for `me` (and a few it rejects).
    fn near<'c>(&'c self, me: &Profile) -> impl Iterator<Item = &'c Candidate> {
        let days = me.range().map(|(start, end)| {
            let slack = Duration::days(1);
            (
                start.checked_sub_signed(slack).unwrap_or(NaiveDate::MIN),
                end.checked_add_signed(slack).unwrap_or(NaiveDate::MAX),
            )
        });
        days.into_iter()
            .flat_map(|(low, high)| self.by_day.range(low..=high).flat_map(|(_, c)| c))
            .chain(&self.periods)
    }
}

/// The best-scoring candidate's cluster (ties: the smaller cluster id), skipping `taken`.
fn best<'c>(
    me: &Profile,
    candidates: impl Iterator<Item = &'c Candidate>,
    taken: &HashSet<String>,
) -> Option<String> {
    let mut best: Option<(u32, &str)> = None;
    for c in candidates {
        let Some(s) = score(me, &c.profile) else {
            continue;
        };
        let better = match best {
            None => true,
            Some((bs, bc)) => s > bs || (s == bs && c.cluster.as_str() < bc),
        };
        if better && !taken.contains(&c.cluster) {
            best = Some((s, &c.cluster));
        }
    }
    best.map(|(_, c)| c.to_owned())
}

/// Stored clusters the mentions could join, by kind: those of the mentions' kinds whose day is
/// compatible with some mention's (within a day, or a coarse date that covers it). One statement
/// for the batch over the (kind, match_day) indexes, one row per cluster however many mentions it
/// has; [`score`] then decides per mention. The mentions' day windows are merged per kind first
/// (see [`merged_windows`]): a write's ~4,000 mentions made hundreds of overlapping windows, each
/// coarse one a year long, and every cluster was found again by each window that covered it.
async fn stored_candidates(
    tx: &mut Transaction<'_, Postgres>,
    mentions: &[Mention<'_>],
) -> Result<HashMap<String, Candidates>, StoreError> {
    let mut days: Vec<(&str, NaiveDate, NaiveDate)> = Vec::new();
    let mut coarse: Vec<(&str, NaiveDate, NaiveDate)> = Vec::new();
    for m in mentions {
        if let Some((start, end)) = m.profile.range() {
            let high = end + Duration::days(1);
            days.push((m.kind, start - Duration::days(1), high));
            coarse.push((m.kind, start - Duration::days(366), high));
        }
    }
    if days.is_empty() {
        return Ok(HashMap::new());
    }
    let (day_kinds, day_lows, day_highs) = merged_windows(days);
    let (coarse_kinds, coarse_lows, coarse_highs) = merged_windows(coarse);
    // The two parts can find the same coarse cluster: `union` keeps it once.
    let rows = sqlx::query(
        "select c.id, c.kind, c.match_day, c.match_precision, c.place_gazetteer_id,
                c.place_lat, c.place_lon, c.actor_ids
         from unnest($1::text[], $2::date[], $3::date[]) as w(kind, low, high)
         join event_clusters c on c.kind = w.kind and c.match_day between w.low and w.high
         union
         select c.id, c.kind, c.match_day, c.match_precision, c.place_gazetteer_id,
                c.place_lat, c.place_lon, c.actor_ids
         from unnest($4::text[], $5::date[], $6::date[]) as w(kind, low, high)
         join event_clusters c on c.kind = w.kind
              and c.match_precision in ('week', 'month', 'year')
              and c.match_day between w.low and w.high",
    )
    .bind(day_kinds)
    .bind(day_lows)
    .bind(day_highs)
    .bind(coarse_kinds)
    .bind(coarse_lows)
    .bind(coarse_highs)
    .fetch_all(&mut **tx)
    .await?;
    let mut found: HashMap<String, Candidates> = HashMap::new();
    for row in &rows {
        let precision: Option<String> = row.try_get("match_precision")?;
        found
            .entry(row.try_get("kind")?)
            .or_default()
            .push(Candidate {
                cluster: row.try_get("id")?,
                profile: Profile {
                    day: row.try_get("match_day")?,
                    precision: precision.and_then(|p| p.parse().ok()),
                    gazetteer_id: row.try_get("place_gazetteer_id")?,
                    lat: row.try_get("place_lat")?,
                    lon: row.try_get("place_lon")?,
                    actor_ids: row.try_get("actor_ids")?,
                },
            });
    }
    Ok(found)
}

/// Day windows `(kind, low, high)` (inclusive) as the fewest disjoint windows covering the same days
/// of each kind, as column arrays sorted by kind and day.
fn merged_windows(
    mut windows: Vec<(&str, NaiveDate, NaiveDate)>,
) -> (Vec<&str>, Vec<NaiveDate>, Vec<NaiveDate>) {
    windows.sort_unstable();
    let mut merged: Vec<(&str, NaiveDate, NaiveDate)> = Vec::new();
    for (kind, low, high) in windows {
        match merged.last_mut() {
            // Overlapping or adjacent days of the same kind.
            Some(last) if last.0 == kind && low <= last.2 + Duration::days(1) => {
                last.2 = last.2.max(high);
            }
            _ => merged.push((kind, low, high)),
        }
    }
    let mut columns = (Vec::new(), Vec::new(), Vec::new());
    for (kind, low, high) in merged {
        columns.0.push(kind);
        columns.1.push(low);
        columns.2.push(high);
    }
    columns
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(day: &str, gid: Option<&str>, actors: &[&str]) -> Profile {
        Profile {
            day: Some(day.parse().unwrap()),
            precision: Some(DatePrecision::Day),
            gazetteer_id: gid.map(String::from),
            lat: None,
            lon: None,
            actor_ids: actors.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn compatible_dates_places_and_actors() {
        let a = profile("2026-02-09", Some("g1"), &["Q1", "Q2"]);
        assert!(score(&a, &profile("2026-02-10", Some("g1"), &["Q2"])).is_some());
        assert!(
            score(&a, &profile("2026-02-11", Some("g1"), &["Q2"])).is_none(),
            "two days apart"
        );
        assert!(
            score(&a, &profile("2026-02-09", Some("g2"), &["Q2"])).is_none(),
            "another place"
        );
        assert!(
            score(&a, &profile("2026-02-09", Some("g1"), &["Q3"])).is_none(),
            "other actors"
        );
        assert!(
            score(&a, &profile("2026-02-09", None, &["Q1"])).is_some(),
            "unplaced, same actors"
        );
        assert!(
            score(&a, &profile("2026-02-09", None, &[])).is_none(),
            "nothing in common"
        );
        let mut month = profile("2026-02-01", Some("g1"), &["Q1"]);
        month.precision = Some(DatePrecision::Month);
        assert!(score(&a, &month).is_some(), "within the month");
        let mut near = profile("2026-02-09", None, &["Q1"]);
        (near.lat, near.lon) = (Some(24.70), Some(46.70));
        let mut other = profile("2026-02-09", None, &["Q1"]);
        (other.lat, other.lon) = (Some(24.80), Some(46.75));
        assert!(score(&near, &other).is_some(), "12 km apart");
        other.lat = Some(25.5);
        assert!(score(&near, &other).is_none(), "90 km apart");
    }

    #[test]
    fn windows_merge_per_kind_into_the_days_they_cover() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let (kinds, lows, highs) = merged_windows(vec![
            ("meeting", d("2026-02-10"), d("2026-02-12")),
            ("attack", d("2026-02-01"), d("2026-02-03")),
            ("meeting", d("2026-02-08"), d("2026-02-10")),
            ("meeting", d("2026-02-13"), d("2026-02-14")),
            ("meeting", d("2026-02-20"), d("2026-02-21")),
            ("attack", d("2026-02-02"), d("2026-02-02")),
        ]);
        assert_eq!(kinds, ["attack", "meeting", "meeting"]);
        assert_eq!(lows, [d("2026-02-01"), d("2026-02-08"), d("2026-02-20")]);
        assert_eq!(highs, [d("2026-02-03"), d("2026-02-14"), d("2026-02-21")]);
    }
}
