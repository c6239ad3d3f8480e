//! One real-world event, many mentions: at write time (inside PutExtraction(s)' transaction, under
//! the event-write lock) each new event joins a compatible cluster that none of its article's other
//! events took, or starts its own. A cluster is compared on its best-supported values (majority
//! day, place of the majority place, every actor of its mentions); one founded earlier in the same
//! write, on its founding mention. Compatible: same kind; days within one of each other (or
//! overlapping at their precision; an undated event uses its article's publication day); places
//! the same gazetteer entry or within 25 km; and overlapping actors (or, when either side names no
//! actor, the same place). Re-extracting an article keeps the cluster of every event whose stable
//! id it had before. The stored values are derived from per-cluster vote tallies (see
//! [`crate::tally`]), which a write updates with its new mentions only. A store remembers the
//! profiles of the clusters it has read and written ([`KnownClusters`]), so that a write reads from
//! Postgres only the candidates of days it has not seen.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, Duration, NaiveDate};
use marsad_core::{stable_id, DatePrecision, Event};
use sqlx::{Postgres, Transaction};

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
struct Candidate<'k> {
    cluster: Cow<'k, str>,
    profile: Cow<'k, Profile>,
}

/// Clusters for `mentions`, in order. Each keeps its previous cluster when no earlier event of its
/// article took it; otherwise it joins the best-matching cluster (stored, or founded earlier in this
/// write by another article) that no earlier event of its article took, or founds its own. The
/// stored candidates come from `known`, which reads those it does not know yet in one statement.
pub(crate) async fn assign(
    tx: &mut Transaction<'_, Postgres>,
    mentions: &[Mention<'_>],
    known: &mut KnownClusters,
) -> Result<Vec<String>, StoreError> {
    let stored = known.candidates(tx, mentions).await?;
    let mut founded: HashMap<&str, Candidates<'_>> = HashMap::new();
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
                            cluster: Cow::Owned(c.clone()),
                            profile: Cow::Borrowed(&m.profile),
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
struct Candidates<'k> {
    by_day: BTreeMap<NaiveDate, Vec<Candidate<'k>>>,
    periods: Vec<Candidate<'k>>,
}

impl<'k> Candidates<'k> {
    fn push(&mut self, candidate: Candidate<'k>) {
        match candidate.profile.range() {
            None => {}
            Some((start, end)) if start == end => {
                self.by_day.entry(start).or_default().push(candidate);
            }
            Some(_) => self.periods.push(candidate),
        }
    }

    /// Every candidate [`score`] may accept for `me` (and a few it rejects).
    fn near<'c>(&'c self, me: &Profile) -> impl Iterator<Item = &'c Candidate<'k>> {
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
    candidates: impl Iterator<Item = &'c Candidate<'c>>,
    taken: &HashSet<String>,
) -> Option<String> {
    let mut best: Option<(u32, &str)> = None;
    for c in candidates {
        let Some(s) = score(me, &c.profile) else {
            continue;
        };
        let better = match best {
            None => true,
            Some((bs, bc)) => s > bs || (s == bs && &*c.cluster < bc),
        };
        if better && !taken.contains(&*c.cluster) {
            best = Some((s, &c.cluster));
        }
    }
    best.map(|(_, c)| c.to_owned())
}

/// The stored clusters a store knows the profiles of, by kind, with the day windows in which it
/// knows every one: kept with the tallies in the store's memory of its last write (see
/// [`crate::tally::ClusterMemory`], whose version check covers these too), so that a write reads
/// only the candidates of days it has not seen. The writes that change clusters give back their
/// stored profiles ([`KnownClusters::update`]), so what is known stays what is stored.
#[derive(Debug, Default)]
pub(crate) struct KnownClusters {
    by_kind: HashMap<String, KnownOfKind>,
    /// The kind each known cluster is filed under.
    kinds: HashMap<String, String>,
}

#[derive(Debug, Default)]
struct KnownOfKind {
    profiles: HashMap<String, Profile>,
    /// Disjoint, sorted, inclusive day windows in which every cluster of the kind is known...
    days: Vec<(NaiveDate, NaiveDate)>,
    /// ... and those in which every cluster of a week, month or year is.
    coarse: Vec<(NaiveDate, NaiveDate)>,
}

/// Precisions of clusters found by their coarse windows.
const COARSE: [&str; 3] = ["week", "month", "year"];

impl KnownClusters {
    /// How many clusters are known.
    pub(crate) fn len(&self) -> usize {
        self.kinds.len()
    }

    /// Stored clusters the mentions could join, by kind: those of the mentions' kinds whose day is
    /// compatible with some mention's (within a day, or a coarse date that covers it); [`score`]
    /// then decides per mention. The mentions' day windows are merged per kind first (see
    /// [`merged_windows`]): a write's ~4,000 mentions made hundreds of overlapping windows, each
    /// coarse one a year long. Only the parts of the windows not known yet are read, in one
    /// statement over the (kind, match_day) indexes.
    async fn candidates(
        &mut self,
        tx: &mut Transaction<'_, Postgres>,
        mentions: &[Mention<'_>],
    ) -> Result<HashMap<&str, Candidates<'_>>, StoreError> {
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
        let days = merged_windows(days);
        let coarse = merged_windows(coarse);
        self.read_unknown(tx, &days, &coarse).await?;

        let mut found: HashMap<&str, Candidates<'_>> = HashMap::new();
        for (kind, known) in &self.by_kind {
            let in_days = windows_of(&days, kind);
            let in_coarse = windows_of(&coarse, kind);
            if in_days.is_empty() && in_coarse.is_empty() {
                continue;
            }
            for (id, profile) in &known.profiles {
                let Some(day) = profile.day else { continue };
                let is_coarse = profile
                    .precision
                    .is_some_and(|p| COARSE.contains(&p.as_str()));
                if within(in_days, day) || (is_coarse && within(in_coarse, day)) {
                    found.entry(kind.as_str()).or_default().push(Candidate {
                        cluster: Cow::Borrowed(id),
                        profile: Cow::Borrowed(profile),
                    });
                }
            }
        }
        Ok(found)
    }

    /// Reads the stored clusters in the parts of `days` and `coarse` (merged windows, by kind) not
    /// known yet, and records the windows as known.
    async fn read_unknown(
        &mut self,
        tx: &mut Transaction<'_, Postgres>,
        days: &[(&str, NaiveDate, NaiveDate)],
        coarse: &[(&str, NaiveDate, NaiveDate)],
    ) -> Result<(), StoreError> {
        let (day_kinds, day_lows, day_highs) = self.unknown_parts(days, false);
        let (coarse_kinds, coarse_lows, coarse_highs) = self.unknown_parts(coarse, true);
        if day_kinds.is_empty() && coarse_kinds.is_empty() {
            return Ok(());
        }
        // The two parts can find the same coarse cluster: `union` keeps it once.
        let rows: Vec<StoredProfile> = sqlx::query_as(
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
        .bind(&day_kinds)
        .bind(&day_lows)
        .bind(&day_highs)
        .bind(&coarse_kinds)
        .bind(&coarse_lows)
        .bind(&coarse_highs)
        .fetch_all(&mut **tx)
        .await?;
        for ((kind, low), high) in day_kinds.iter().zip(day_lows).zip(day_highs) {
            let known = self.by_kind.entry((*kind).to_owned()).or_default();
            cover(&mut known.days, (low, high));
        }
        for ((kind, low), high) in coarse_kinds.iter().zip(coarse_lows).zip(coarse_highs) {
            let known = self.by_kind.entry((*kind).to_owned()).or_default();
            cover(&mut known.coarse, (low, high));
        }
        self.update(rows);
        Ok(())
    }

    /// The parts of `windows` (merged, by kind) in which not every cluster (every coarse one, if
    /// `coarse`) is known, as column arrays.
    fn unknown_parts<'w>(
        &self,
        windows: &[(&'w str, NaiveDate, NaiveDate)],
        coarse: bool,
    ) -> (Vec<&'w str>, Vec<NaiveDate>, Vec<NaiveDate>) {
        let mut out = (Vec::new(), Vec::new(), Vec::new());
        for &(kind, low, high) in windows {
            let known = self.by_kind.get(kind);
            let covered = known.map_or(&[][..], |k| if coarse { &k.coarse } else { &k.days });
            // Where every cluster is known, every coarse one is.
            let also = known.filter(|_| coarse).map_or(&[][..], |k| &k.days[..]);
            for (l, h) in uncovered(covered, (low, high)) {
                for (l, h) in uncovered(also, (l, h)) {
                    out.0.push(kind);
                    out.1.push(l);
                    out.2.push(h);
                }
            }
        }
        out
    }

    /// Records the stored profiles of clusters a write read or wrote.
    pub(crate) fn update(&mut self, stored: Vec<StoredProfile>) {
        for row in stored {
            let (id, kind, profile) = row.into_parts();
            if let Some(old_kind) = self.kinds.get(&id).filter(|k| **k != kind) {
                if let Some(known) = self.by_kind.get_mut(old_kind) {
                    known.profiles.remove(&id);
                }
            }
            self.kinds.insert(id.clone(), kind.clone());
            self.by_kind
                .entry(kind)
                .or_default()
                .profiles
                .insert(id, profile);
        }
    }

    /// Forgets clusters a write deleted.
    pub(crate) fn remove<'a>(&mut self, ids: impl IntoIterator<Item = &'a str>) {
        for id in ids {
            if let Some(kind) = self.kinds.remove(id) {
                if let Some(known) = self.by_kind.get_mut(&kind) {
                    known.profiles.remove(id);
                }
            }
        }
    }
}

/// A stored cluster's profile, as `event_clusters` holds it.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct StoredProfile {
    id: String,
    kind: String,
    match_day: Option<NaiveDate>,
    match_precision: Option<String>,
    place_gazetteer_id: Option<String>,
    place_lat: Option<f64>,
    place_lon: Option<f64>,
    actor_ids: Vec<String>,
}

impl StoredProfile {
    fn into_parts(self) -> (String, String, Profile) {
        let profile = Profile {
            day: self.match_day,
            precision: self.match_precision.and_then(|p| p.parse().ok()),
            gazetteer_id: self.place_gazetteer_id,
            lat: self.place_lat,
            lon: self.place_lon,
            actor_ids: self.actor_ids,
        };
        (self.id, self.kind, profile)
    }
}

/// The windows of `kind` among merged windows sorted by kind.
fn windows_of<'w>(
    windows: &'w [(&str, NaiveDate, NaiveDate)],
    kind: &str,
) -> &'w [(&'w str, NaiveDate, NaiveDate)] {
    let start = windows.partition_point(|w| w.0 < kind);
    let end = windows.partition_point(|w| w.0 <= kind);
    &windows[start..end]
}

/// Whether `day` is in one of `windows` (sorted, disjoint).
fn within(windows: &[(&str, NaiveDate, NaiveDate)], day: NaiveDate) -> bool {
    let i = windows.partition_point(|w| w.2 < day);
    windows.get(i).is_some_and(|w| w.1 <= day)
}

/// The parts of `want` outside `covered` (sorted, disjoint, inclusive windows).
fn uncovered(
    covered: &[(NaiveDate, NaiveDate)],
    want: (NaiveDate, NaiveDate),
) -> Vec<(NaiveDate, NaiveDate)> {
    let (mut low, high) = want;
    let mut out = Vec::new();
    for &(c_low, c_high) in covered {
        if c_high < low {
            continue;
        }
        if c_low > high {
            break;
        }
        if c_low > low {
            out.push((low, c_low.pred_opt().unwrap_or(c_low)));
        }
        match c_high.succ_opt() {
            Some(next) => low = next,
            None => return out,
        }
        if low > high {
            return out;
        }
    }
    out.push((low, high));
    out
}

/// Adds `window` to `covered` (sorted, disjoint, inclusive windows), merging what overlaps or
/// touches it.
fn cover(covered: &mut Vec<(NaiveDate, NaiveDate)>, window: (NaiveDate, NaiveDate)) {
    let windows = covered.drain(..).chain([window]);
    *covered = merged_windows(windows.map(|(low, high)| ((), low, high)).collect())
        .into_iter()
        .map(|((), low, high)| (low, high))
        .collect();
}

/// Day windows `(kind, low, high)` (inclusive) as the fewest disjoint windows covering the same days
/// of each kind, sorted by kind and day.
fn merged_windows<K: Ord + Copy>(
    mut windows: Vec<(K, NaiveDate, NaiveDate)>,
) -> Vec<(K, NaiveDate, NaiveDate)> {
    windows.sort_unstable();
    let mut merged: Vec<(K, NaiveDate, NaiveDate)> = Vec::new();
    for (kind, low, high) in windows {
        match merged.last_mut() {
            // Overlapping or adjacent days of the same kind.
            Some(last) if last.0 == kind && low <= last.2.succ_opt().unwrap_or(last.2) => {
                last.2 = last.2.max(high);
            }
            _ => merged.push((kind, low, high)),
        }
    }
    merged
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
    fn known_windows_leave_only_the_unknown_days_to_read() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let mut covered = Vec::new();
        assert_eq!(
            uncovered(&covered, (d("2026-02-01"), d("2026-02-10"))),
            [(d("2026-02-01"), d("2026-02-10"))]
        );
        cover(&mut covered, (d("2026-02-03"), d("2026-02-04")));
        cover(&mut covered, (d("2026-02-08"), d("2026-02-08")));
        assert_eq!(
            uncovered(&covered, (d("2026-02-01"), d("2026-02-10"))),
            [
                (d("2026-02-01"), d("2026-02-02")),
                (d("2026-02-05"), d("2026-02-07")),
                (d("2026-02-09"), d("2026-02-10")),
            ]
        );
        assert_eq!(
            uncovered(&covered, (d("2026-02-03"), d("2026-02-04"))),
            [],
            "all known"
        );
        assert_eq!(
            uncovered(&covered, (d("2026-02-04"), d("2026-02-06"))),
            [(d("2026-02-05"), d("2026-02-06"))]
        );
        // Touching windows merge; the result stays sorted and disjoint.
        cover(&mut covered, (d("2026-02-05"), d("2026-02-07")));
        assert_eq!(
            covered,
            [(d("2026-02-03"), d("2026-02-08"))],
            "2-3..4, 5..7 and 8 are one window"
        );
        cover(&mut covered, (d("2026-01-01"), d("2026-01-02")));
        assert_eq!(
            covered,
            [
                (d("2026-01-01"), d("2026-01-02")),
                (d("2026-02-03"), d("2026-02-08"))
            ]
        );
        let windows = [
            ("attack", d("2026-01-01"), d("2026-01-02")),
            ("meeting", d("2026-01-05"), d("2026-01-06")),
            ("meeting", d("2026-01-09"), d("2026-01-09")),
        ];
        let meeting = windows_of(&windows, "meeting");
        assert_eq!(meeting.len(), 2);
        assert!(within(meeting, d("2026-01-06")));
        assert!(within(meeting, d("2026-01-09")));
        assert!(!within(meeting, d("2026-01-07")));
        assert!(!within(meeting, d("2026-01-01")), "another kind's days");
        assert!(windows_of(&windows, "protest").is_empty());
    }

    #[test]
    fn windows_merge_per_kind_into_the_days_they_cover() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let merged = merged_windows(vec![
            ("meeting", d("2026-02-10"), d("2026-02-12")),
            ("attack", d("2026-02-01"), d("2026-02-03")),
            ("meeting", d("2026-02-08"), d("2026-02-10")),
            ("meeting", d("2026-02-13"), d("2026-02-14")),
            ("meeting", d("2026-02-20"), d("2026-02-21")),
            ("attack", d("2026-02-02"), d("2026-02-02")),
        ]);
        assert_eq!(
            merged,
            [
                ("attack", d("2026-02-01"), d("2026-02-03")),
                ("meeting", d("2026-02-08"), d("2026-02-14")),
                ("meeting", d("2026-02-20"), d("2026-02-21")),
            ]
        );
    }
}
