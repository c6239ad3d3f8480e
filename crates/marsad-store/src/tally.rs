//! The stored values of clusters, kept up to date under the event-write lock from per-cluster vote
//! tallies. Each mention votes, for its cluster, for a few attributes (numbered as
//! `event_cluster_votes` numbers them: 0 the cluster itself, 1 kind, 2 date with its precision,
//! 3 clustering day, 4 place key, 5 modality, 6 each actor, 7 each country, 8 source key, 9 source);
//! a tally counts, per (cluster, attribute, value), the mentions voting for it, their summed
//! confidence (exact, as `numeric`) and the most confident of them (then the earliest). A cluster's
//! tallies are one row of `event_cluster_state`.
//!
//! A write reads the tallies of the clusters it touches before its events are inserted (or takes
//! them from the store's memory of its own last write, while nothing else has changed them:
//! [`ClusterMemory`]; the tallies of clusters that lost mentions to re-extraction are rebuilt from the
//! events they have left), adds the votes of its new mentions from the rows it has in hand while
//! Postgres inserts their events, derives the stored values in memory, and writes one tallies row
//! and one cluster row per cluster (see [`Refresh`]).
//!
//! Majorities count mentions, ties go to the larger summed confidence, then the smaller value; the
//! representative is the most confident mention (then the earliest); the place is the most
//! confident mention's among those naming the majority place. Orders that depend on the
//! database's collation (place keys, lists) are left to Postgres.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};
use sqlx::{Postgres, Transaction};

use crate::cluster::{KnownClusters, StoredProfile};
use crate::decimal::Decimal;
use crate::StoreError;

/// What a new mention votes for, as its stored event row gives it (its cluster and sequence number
/// are given beside it: they are known only under the event-write lock).
#[derive(Debug, Clone)]
pub(crate) struct NewMention<'a> {
    pub confidence: f32,
    pub kind: &'a str,
    pub event_date: Option<NaiveDate>,
    pub date_precision: Option<&'a str>,
    pub cluster_day: Option<NaiveDate>,
    pub place_key: Option<&'a str>,
    pub modality: &'a str,
    /// As stored (`marsad_unpack` of the packed list: duplicates and all).
    pub actor_ids: Vec<Cow<'a, str>>,
    pub countries: Vec<Cow<'a, str>>,
    /// The source, else the article it duplicates, else the article.
    pub source_key: &'a str,
    /// The source, when not empty.
    pub source: Option<&'a str>,
}

impl NewMention<'_> {
    /// Each (attr, value) the mention votes for, as `event_cluster_votes` gives them.
    fn votes(&self, mut vote: impl FnMut(usize, &str)) {
        vote(0, "");
        vote(1, self.kind);
        if let Some(date) = self.event_date {
            vote(
                2,
                &format!("{}|{}", date_text(date), self.date_precision.unwrap_or("")),
            );
        }
        if let Some(day) = self.cluster_day {
            vote(3, &date_text(day));
        }
        if let Some(place) = self.place_key {
            vote(4, place);
        }
        vote(5, self.modality);
        vote(8, self.source_key);
        if let Some(source) = self.source {
            vote(9, source);
        }
        for actor in &self.actor_ids {
            vote(6, actor);
        }
        for country in &self.countries {
            vote(7, country);
        }
    }
}

/// `to_char(date, 'YYYY-MM-DD')`: the year at least four digits, BC years without a sign.
fn date_text(date: NaiveDate) -> String {
    let year = date.year();
    let shown = if year <= 0 { 1 - year } else { year };
    format!("{shown:04}-{:02}-{:02}", date.month(), date.day())
}

/// `text::date` of what [`date_text`] wrote (years always read as AD, as Postgres reads them).
fn parse_date(text: &str) -> Option<NaiveDate> {
    let mut parts = text.splitn(3, '-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// One tally.
#[derive(Debug, Clone)]
struct Tally {
    mentions: i32,
    confidence_sum: Decimal,
    best_confidence: f32,
    best_sequence: i64,
}

impl Tally {
    fn add(&mut self, confidence: Decimal, real: f32, sequence: i64) -> Result<(), StoreError> {
        self.mentions = self
            .mentions
            .checked_add(1)
            .ok_or_else(|| StoreError::InvalidArgument("too many mentions".into()))?;
        self.confidence_sum = self
            .confidence_sum
            .add(confidence)
            .map_err(|e| StoreError::InvalidArgument(format!("confidence: {e}")))?;
        // `greatest` keeps the stored confidence when equal; the earlier mention wins a tie.
        match real_cmp(real, self.best_confidence) {
            Ordering::Greater => {
                self.best_confidence = real;
                self.best_sequence = sequence;
            }
            Ordering::Equal if sequence < self.best_sequence => self.best_sequence = sequence,
            _ => {}
        }
        Ok(())
    }
}

/// `real`'s order in Postgres: NaN above everything and equal to itself.
fn real_cmp(a: f32, b: f32) -> Ordering {
    match (a.is_nan(), b.is_nan()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Greater,
        (false, true) => Ordering::Less,
        (false, false) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
    }
}

/// `real`'s text, exact (Postgres reads it back to the same value).
fn real_text(x: f32) -> String {
    if x.is_nan() {
        "NaN".into()
    } else if x.is_infinite() {
        if x > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else {
        x.to_string()
    }
}

fn parse_real(text: &str) -> Option<f32> {
    match text {
        "NaN" => Some(f32::NAN),
        "Infinity" => Some(f32::INFINITY),
        "-Infinity" => Some(f32::NEG_INFINITY),
        _ => text.parse().ok(),
    }
}

/// Attributes are numbered 0 to 9.
const ATTRS: usize = 10;

/// The tallies of one attribute of a cluster, sorted by value (bytewise, as a `BTreeMap` of the
/// values would be). Most attributes of a cluster hold one to a few values, so a sorted vector,
/// allocated to fit, is searched in a cache line or two where a `BTreeMap` allocated a node of
/// eleven slots (over 1 KiB) for the first value: a write touching 2,000 clusters walked 20 MiB of
/// mostly empty nodes, and the store's memory of its last write held ten of them per cluster.
#[derive(Debug, Default, Clone)]
struct Values(Vec<(String, Tally)>);

impl Values {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn len(&self) -> usize {
        self.0.len()
    }

    fn position(&self, value: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(v, _)| v.as_str().cmp(value))
    }

    fn get(&self, value: &str) -> Option<&Tally> {
        self.position(value).ok().map(|i| &self.0[i].1)
    }

    fn iter(&self) -> impl Iterator<Item = (&str, &Tally)> {
        self.0.iter().map(|(v, t)| (v.as_str(), t))
    }

    fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(v, _)| v.as_str())
    }

    /// Sets the tally of `value`, keeping the order; values coming in order are appended.
    fn insert(&mut self, value: String, tally: Tally) {
        if self.0.last().is_none_or(|(last, _)| *last < value) {
            self.grow_by_one();
            self.0.push((value, tally));
            return;
        }
        match self.position(&value) {
            Ok(i) => self.0[i].1 = tally,
            Err(i) => {
                self.grow_by_one();
                self.0.insert(i, (value, tally));
            }
        }
    }

    /// The tally of `value`, a new one from `new` when there is none.
    fn get_or_insert_with(&mut self, value: &str, new: impl FnOnce() -> Tally) -> &mut Tally {
        let i = match self.position(value) {
            Ok(i) => i,
            Err(i) => {
                self.grow_by_one();
                self.0.insert(i, (value.to_owned(), new()));
                i
            }
        };
        &mut self.0[i].1
    }

    /// Room for one more value: exactly while the attribute is small (one to four values is the
    /// common case), doubling beyond.
    fn grow_by_one(&mut self) {
        if self.0.len() == self.0.capacity() {
            if self.0.len() < 4 {
                self.0.reserve_exact(1);
            } else {
                self.0.reserve(1);
            }
        }
    }
}

/// A cluster's tallies, by attribute, then value.
#[derive(Debug, Default, Clone)]
struct Tallies([Values; ATTRS]);

impl Tallies {
    fn is_empty(&self) -> bool {
        self.0.iter().all(Values::is_empty)
    }

    fn attr(&self, attr: usize) -> &Values {
        &self.0[attr]
    }

    fn insert(&mut self, attr: i16, value: String, tally: Tally) -> Result<(), String> {
        let slot = usize::try_from(attr)
            .ok()
            .and_then(|a| self.0.get_mut(a))
            .ok_or_else(|| format!("attribute {attr}"))?;
        slot.insert(value, tally);
        Ok(())
    }

    /// Counts one vote of the mention `sequence`.
    fn vote(
        &mut self,
        attr: usize,
        value: &str,
        confidence: Decimal,
        real: f32,
        sequence: i64,
    ) -> Result<(), StoreError> {
        self.0[attr]
            .get_or_insert_with(value, || Tally {
                mentions: 0,
                confidence_sum: Decimal::ZERO,
                best_confidence: real,
                best_sequence: sequence,
            })
            .add(confidence, real, sequence)
    }
}

/// One entry of `event_cluster_state.tallies`.
type Entry = (i16, String, i32, String, String, i64);

fn corrupt(cluster: &str, what: impl std::fmt::Display) -> StoreError {
    StoreError::Database(sqlx::Error::Decode(
        format!("tallies of cluster {cluster}: {what}").into(),
    ))
}

fn decode(cluster: &str, json: &str) -> Result<Tallies, StoreError> {
    let entries: Vec<Entry> = serde_json::from_str(json).map_err(|e| corrupt(cluster, e))?;
    let mut tallies = Tallies::default();
    for (attr, value, mentions, sum, best, sequence) in entries {
        let tally = Tally {
            mentions,
            confidence_sum: Decimal::parse(&sum).map_err(|e| corrupt(cluster, e))?,
            best_confidence: parse_real(&best).ok_or_else(|| corrupt(cluster, &best))?,
            best_sequence: sequence,
        };
        tallies
            .insert(attr, value, tally)
            .map_err(|e| corrupt(cluster, e))?;
    }
    Ok(tallies)
}

fn encode(tallies: &Tallies) -> Result<String, StoreError> {
    let mut entries: Vec<(usize, &str, i32, String, String, i64)> = Vec::new();
    for (attr, values) in tallies.0.iter().enumerate() {
        for (value, t) in values.iter() {
            entries.push((
                attr,
                value,
                t.mentions,
                t.confidence_sum.to_string(),
                real_text(t.best_confidence),
                t.best_sequence,
            ));
        }
    }
    serde_json::to_string(&entries).map_err(|e| StoreError::Database(sqlx::Error::Decode(e.into())))
}

/// Tallies from every remaining vote of `clusters` (those that lost mentions), in one statement.
async fn rebuild(
    tx: &mut Transaction<'_, Postgres>,
    clusters: &[&str],
) -> Result<HashMap<String, Tallies>, StoreError> {
    let rows: Vec<(String, i16, String, i32, String, f32, i64)> = sqlx::query_as(
        "select cluster_id, attr, value, count(*)::int, sum(confidence::numeric)::text,
                max(confidence), (array_agg(sequence order by confidence desc, sequence))[1]
         from event_cluster_votes where cluster_id = any($1)
         group by 1, 2, 3",
    )
    .bind(clusters)
    .fetch_all(&mut **tx)
    .await?;
    let mut out: HashMap<String, Tallies> = HashMap::new();
    for (cluster, attr, value, mentions, sum, best_confidence, best_sequence) in rows {
        let confidence_sum = Decimal::parse(&sum).map_err(|e| corrupt(&cluster, e))?;
        let tally = Tally {
            mentions,
            confidence_sum,
            best_confidence,
            best_sequence,
        };
        let tallies = out.entry(cluster.clone()).or_default();
        tallies
            .insert(attr, value, tally)
            .map_err(|e| corrupt(&cluster, e))?;
    }
    Ok(out)
}

/// The best values of `attr` by (mentions desc, confidence sum desc): all of them when they tie.
fn leaders(tallies: &Tallies, attr: usize) -> Vec<(&str, &Tally)> {
    let mut best: Vec<(&str, &Tally)> = Vec::new();
    for (value, t) in tallies.attr(attr).iter() {
        let order = match best.first() {
            None => Ordering::Greater,
            Some((_, b)) => t
                .mentions
                .cmp(&b.mentions)
                .then_with(|| t.confidence_sum.numeric_cmp(&b.confidence_sum)),
        };
        match order {
            Ordering::Greater => {
                best.clear();
                best.push((value, t));
            }
            Ordering::Equal => best.push((value, t)),
            Ordering::Less => {}
        }
    }
    best
}

/// A cluster's stored values, as [`Refresh::count`] derives them, before the orders that depend on the
/// database's collation are applied.
#[derive(Debug)]
struct Derived<'t> {
    id: &'t str,
    kinds: Vec<&'t str>,
    representative: i64,
    date: Option<(NaiveDate, Option<&'t str>)>,
    day: Option<NaiveDate>,
    /// The leading place keys with their most confident mention.
    places: Vec<(&'t str, i64)>,
    modality: Option<&'t str>,
    confidence: f32,
    mentions: i32,
    source_count: i32,
    sources: Vec<&'t str>,
    actor_ids: Vec<&'t str>,
    countries: Vec<&'t str>,
}

impl<'t> Derived<'t> {
    fn of(id: &'t str, tallies: &'t Tallies) -> Option<Self> {
        let total = tallies.attr(0).get("")?;
        // The majority date: (mentions, sum) desc, then the date, then the precision (none
        // first; precisions are lowercase words, ordered alike under any collation).
        let date = leaders(tallies, 2)
            .into_iter()
            .filter_map(|(v, _)| {
                let (day, precision) = v.split_once('|').unwrap_or((v, ""));
                Some((
                    parse_date(day)?,
                    (!precision.is_empty()).then_some(precision),
                ))
            })
            .min();
        let day = leaders(tallies, 3)
            .into_iter()
            .filter_map(|(v, _)| parse_date(v))
            .min();
        let values = |attr: usize| tallies.attr(attr).keys().collect();
        Some(Self {
            id,
            kinds: values(1),
            representative: total.best_sequence,
            date,
            day,
            places: leaders(tallies, 4)
                .into_iter()
                .map(|(v, t)| (v, t.best_sequence))
                .collect(),
            // Modalities are lowercase words: bytes order them as any collation does.
            modality: leaders(tallies, 5).into_iter().map(|(v, _)| v).min(),
            confidence: total.best_confidence,
            mentions: total.mentions,
            source_count: i32::try_from(tallies.attr(8).len()).unwrap_or(i32::MAX),
            sources: values(9),
            actor_ids: values(6),
            countries: values(7),
        })
    }
}

/// Most clusters a store keeps the tallies of in memory (a few KiB each); past it, it starts over.
const MAX_REMEMBERED_TALLIES: usize = 20_000;

/// Most clusters a store keeps the profiles of (a few hundred bytes each); past it, it starts
/// over.
const MAX_KNOWN_CLUSTERS: usize = 100_000;

/// What a store remembers of the clusters it wrote last: their tallies, and the profiles of the
/// clusters it knows (see [`KnownClusters`]), so that its next write starts from them instead of
/// reading and decoding them again (migrations 20261210000002 and 20261211000001). They stand for the
/// stored ones only while `event_cluster_state_version` is still the version their write left; a
/// write compares the two under the event-write lock.
#[derive(Debug, Default)]
pub(crate) struct ClusterMemory(std::sync::Mutex<RememberedClusters>);

/// Tallies by cluster and known cluster profiles, and the version of the stored state they equal.
#[derive(Debug, Default)]
pub(crate) struct RememberedClusters {
    version: Option<i64>,
    tallies: HashMap<String, Tallies>,
    /// The stored clusters' profiles, for cluster assignment's candidates.
    pub(crate) known: KnownClusters,
}

impl ClusterMemory {
    /// What the memory holds, if it still stands for the stored clusters (else nothing), read under
    /// the event-write lock. The memory is left empty: a write that fails or is abandoned before
    /// [`ClusterMemory::put_back`] leaves nothing behind, and one whose commit fails after it leaves
    /// tallies of a version the stored state never reaches.
    pub(crate) async fn take_valid(
        &self,
        tx: &mut Transaction<'_, Postgres>,
    ) -> Result<RememberedClusters, StoreError> {
        let remembered = self.take();
        let version = state_version(tx).await?;
        Ok(if remembered.version == Some(version) {
            remembered
        } else {
            RememberedClusters {
                version: Some(version),
                ..RememberedClusters::default()
            }
        })
    }

    fn take(&self) -> RememberedClusters {
        std::mem::take(
            &mut *self
                .0
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }

    /// Keeps the tallies of a write about to commit: what it took, with those it wrote. Before the
    /// commit, which ends the event-write lock: the next writer, waiting for the lock, takes the
    /// memory as soon as it has it (put back after the commit, the memory was most often still empty
    /// then, and the next write read back from Postgres what this one had just written).
    pub(crate) fn put_back(&self, written: WrittenTallies) {
        let WrittenTallies {
            mut remembered,
            written,
        } = written;
        remembered
            .tallies
            .extend(written.into_iter().filter(|(_, t)| !t.is_empty()));
        if remembered.tallies.len() > MAX_REMEMBERED_TALLIES
            || remembered.known.len() > MAX_KNOWN_CLUSTERS
        {
            remembered = RememberedClusters::default();
        }
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = remembered;
    }
}

/// What a write gives back to the [`ClusterMemory`] as it commits: what it took from it, at the
/// version of the stored tallies after the write, and the tallies it wrote.
#[derive(Debug)]
pub(crate) struct WrittenTallies {
    remembered: RememberedClusters,
    written: HashMap<String, Tallies>,
}

/// The version of the stored tallies (see [`ClusterMemory`]).
async fn state_version(tx: &mut Transaction<'_, Postgres>) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar("select version from event_cluster_state_version")
            .fetch_one(&mut **tx)
            .await?,
    )
}

/// Most clusters voted into (or encoded) between two calls of [`Refresh::count`]'s `between`.
const CLUSTERS_PER_STEP: usize = 32;

/// Brings the stored values of the clusters of a write's new `mentions` and of the `lost` clusters
/// (which lost mentions to re-extraction) up to date (see the module documentation), in three
/// steps under the event-write lock: [`Refresh::read`] the tallies before the write's events are
/// inserted; [`Refresh::count`] the new votes, alongside the events' insert (it calls back every
/// few clusters, so that the caller can drive the `COPY` meanwhile);
/// [`Refresh::write`] the clusters once the events are in; then [`Refresh::finish`] gives what to
/// put back in the store's memory before the write commits.
pub(crate) struct Refresh<'a> {
    /// The clusters touched, sorted, once each.
    touched: Vec<&'a str>,
    remembered: RememberedClusters,
    state: HashMap<String, Tallies>,
    read_ms: u64,
}

/// What [`Refresh::count`] derived, for [`Refresh::write`].
pub(crate) struct Counted<'r> {
    state_ids: Vec<&'r str>,
    state_json: Vec<String>,
    emptied: Vec<&'r str>,
    derived: Vec<Derived<'r>>,
    read_ms: u64,
    compute_ms: u64,
}

impl<'a> Refresh<'a> {
    /// The tallies of the clusters of the write's new mentions (`clusters`, one per mention) and
    /// of the `lost` clusters, before the mentions' events are inserted: from `remembered` (what
    /// [`ClusterMemory::take_valid`] gave) where it holds them, else stored; a lost cluster's rebuilt
    /// from the votes of the events it has left.
    pub(crate) async fn read(
        tx: &mut Transaction<'_, Postgres>,
        clusters: &'a [String],
        lost: &'a HashSet<String>,
        mut remembered: RememberedClusters,
    ) -> Result<Self, StoreError> {
        let started = std::time::Instant::now();
        let mut touched: Vec<&'a str> = clusters.iter().chain(lost).map(String::as_str).collect();
        touched.sort_unstable();
        touched.dedup();
        let mut refresh = Self {
            touched,
            remembered: RememberedClusters::default(),
            state: HashMap::new(),
            read_ms: 0,
        };
        if refresh.touched.is_empty() {
            refresh.remembered = remembered;
            return Ok(refresh);
        }
        let mut lost_ids: Vec<&str> = lost.iter().map(String::as_str).collect();
        lost_ids.sort_unstable();
        for id in &lost_ids {
            remembered.tallies.remove(*id);
        }
        let mut state = if lost_ids.is_empty() {
            HashMap::new()
        } else {
            rebuild(tx, &lost_ids).await?
        };
        let mut unknown: Vec<&str> = Vec::new();
        for &cluster in refresh.touched.iter().filter(|c| !lost.contains(**c)) {
            match remembered.tallies.remove_entry(cluster) {
                Some((id, tallies)) => {
                    state.insert(id, tallies);
                }
                None => unknown.push(cluster),
            }
        }
        if !unknown.is_empty() {
            let stored: Vec<(String, String)> = sqlx::query_as(
                "select cluster_id, tallies from event_cluster_state where cluster_id = any($1)",
            )
            .bind(&unknown)
            .fetch_all(&mut **tx)
            .await?;
            for (cluster, json) in stored {
                let tallies = decode(&cluster, &json)?;
                state.insert(cluster, tallies);
            }
        }
        refresh.remembered = remembered;
        refresh.state = state;
        refresh.read_ms = started.elapsed().as_millis() as u64;
        Ok(refresh)
    }

    /// Counts the votes of `mentions` (in sequence order, with the clusters given to
    /// [`Refresh::read`] and their `sequences`) and derives each touched cluster's tallies row and
    /// stored values, calling `between` every few clusters.
    pub(crate) fn count<'r>(
        &'r mut self,
        mentions: &[NewMention<'_>],
        clusters: &[String],
        sequences: &[i64],
        mut between: impl FnMut(),
    ) -> Result<Counted<'r>, StoreError> {
        let started = std::time::Instant::now();
        self.vote(mentions, clusters, sequences, &mut between)?;
        let this: &'r Self = self;
        let mut counted = Counted {
            state_ids: Vec::new(),
            state_json: Vec::new(),
            emptied: Vec::new(),
            derived: Vec::with_capacity(this.touched.len()),
            read_ms: this.read_ms,
            compute_ms: 0,
        };
        for (i, &cluster) in this.touched.iter().enumerate() {
            if i % CLUSTERS_PER_STEP == CLUSTERS_PER_STEP - 1 {
                between();
            }
            match kept(&this.state, cluster) {
                Some((id, tallies)) => {
                    counted.state_ids.push(id);
                    counted.state_json.push(encode(tallies)?);
                    counted.derived.extend(Derived::of(id, tallies));
                }
                None => counted.emptied.push(cluster),
            }
        }
        counted.compute_ms = started.elapsed().as_millis() as u64;
        Ok(counted)
    }

    /// Writes what [`Refresh::count`] derived, once the write's events are inserted (a cluster's
    /// place is its mention's, read from the events); the times of the three steps, and the
    /// clusters' profiles as stored.
    pub(crate) async fn write(
        tx: &mut Transaction<'_, Postgres>,
        counted: Counted<'_>,
    ) -> Result<(RefreshTimes, Vec<StoredProfile>), StoreError> {
        let started = std::time::Instant::now();
        if !counted.emptied.is_empty() {
            sqlx::query("delete from event_cluster_state where cluster_id = any($1)")
                .bind(&counted.emptied)
                .execute(&mut **tx)
                .await?;
            sqlx::query("delete from event_clusters where id = any($1)")
                .bind(&counted.emptied)
                .execute(&mut **tx)
                .await?;
        }
        if !counted.state_ids.is_empty() {
            sqlx::query(
                "insert into event_cluster_state as s (cluster_id, tallies)
                 select * from unnest($1::text[], $2::text[])
                 on conflict (cluster_id) do update set tallies = excluded.tallies",
            )
            .bind(&counted.state_ids)
            .bind(&counted.state_json)
            .execute(&mut **tx)
            .await?;
        }
        let tallied = started.elapsed();
        let stored = upsert_clusters(tx, &counted.derived).await?;
        let times = RefreshTimes {
            read_ms: counted.read_ms,
            compute_ms: counted.compute_ms,
            tallies_ms: tallied.as_millis() as u64,
            clusters_ms: (started.elapsed() - tallied).as_millis() as u64,
        };
        Ok((times, stored))
    }

    /// How many clusters the write touches.
    pub(crate) fn touched(&self) -> usize {
        self.touched.len()
    }

    /// What to put back in the store's memory before the write commits: the tallies this
    /// write stored and the profiles of the clusters it wrote (`stored`, from [`Refresh::write`])
    /// or deleted, at the version its own statements advanced the state to.
    pub(crate) async fn finish(
        self,
        tx: &mut Transaction<'_, Postgres>,
        stored: Vec<StoredProfile>,
    ) -> Result<WrittenTallies, StoreError> {
        let mut remembered = self.remembered;
        if !self.touched.is_empty() {
            remembered.version = Some(state_version(tx).await?);
        }
        let emptied = self
            .touched
            .iter()
            .filter(|c| kept(&self.state, c).is_none());
        remembered.known.remove(emptied.copied());
        remembered.known.update(stored);
        Ok(WrittenTallies {
            remembered,
            written: self.state,
        })
    }

    /// The votes of the new mentions, cluster by cluster (each cluster's tallies found once and
    /// voted into while they are in cache), in sequence order within each (the earliest wins
    /// confidence ties).
    fn vote(
        &mut self,
        mentions: &[NewMention<'_>],
        clusters: &[String],
        sequences: &[i64],
        between: &mut impl FnMut(),
    ) -> Result<(), StoreError> {
        let rank: HashMap<&str, usize> = self
            .touched
            .iter()
            .enumerate()
            .map(|(i, &c)| (c, i))
            .collect();
        let mut order: Vec<(usize, usize)> = clusters
            .iter()
            .enumerate()
            .map(|(i, cluster)| (rank[cluster.as_str()], i))
            .collect();
        order.sort_unstable();
        let mut decimals: HashMap<u32, Decimal> = HashMap::new();
        for (n, group) in order.chunk_by(|a, b| a.0 == b.0).enumerate() {
            if n % CLUSTERS_PER_STEP == CLUSTERS_PER_STEP - 1 {
                between();
            }
            let cluster = self.touched[group[0].0];
            let tallies = match self.state.get_mut(cluster) {
                Some(t) => t,
                None => self.state.entry(cluster.to_owned()).or_default(),
            };
            for &(_, i) in group {
                let (m, sequence) = (&mentions[i], sequences[i]);
                let confidence = *decimals
                    .entry(m.confidence.to_bits())
                    .or_insert_with(|| Decimal::from_f32(m.confidence));
                let mut result = Ok(());
                m.votes(|attr, value| {
                    if result.is_ok() {
                        result = tallies.vote(attr, value, confidence, m.confidence, sequence);
                    }
                });
                result?;
            }
        }
        Ok(())
    }
}

/// A touched cluster's tallies in a write's `state`, unless it has no mention left (then the write
/// deletes it).
fn kept<'s>(state: &'s HashMap<String, Tallies>, cluster: &str) -> Option<(&'s str, &'s Tallies)> {
    state
        .get_key_value(cluster)
        .filter(|(_, tallies)| !tallies.is_empty())
        .map(|(id, tallies)| (id.as_str(), tallies))
}

/// How long each step of a [`Refresh`] took, for the write's log line.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct RefreshTimes {
    pub read_ms: u64,
    pub compute_ms: u64,
    pub tallies_ms: u64,
    pub clusters_ms: u64,
}

/// The order of `texts` under the database's collation (what `order by` on a text column gives),
/// as each text's rank; one statement for all the texts a write has to order.
async fn collation_ranks<'t>(
    tx: &mut Transaction<'_, Postgres>,
    texts: Vec<&'t str>,
) -> Result<HashMap<&'t str, usize>, StoreError> {
    let mut texts = texts;
    texts.sort_unstable();
    texts.dedup();
    if texts.len() < 2 {
        return Ok(texts.into_iter().map(|t| (t, 0)).collect());
    }
    let order: Vec<i32> = sqlx::query_scalar(
        "select (t.i - 1)::int from unnest($1::text[]) with ordinality as t(x, i) order by t.x",
    )
    .bind(&texts)
    .fetch_all(&mut **tx)
    .await?;
    let mut ranks = HashMap::with_capacity(texts.len());
    for (rank, i) in order.into_iter().enumerate() {
        let text = usize::try_from(i).ok().and_then(|i| texts.get(i)).copied();
        if let Some(text) = text {
            ranks.insert(text, rank);
        }
    }
    Ok(ranks)
}

/// `text[]` input for `items`.
fn array_literal<'v>(items: impl Iterator<Item = &'v str>) -> String {
    let mut out = String::from("{");
    for (i, item) in items.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        for c in item.chars() {
            if c == '"' || c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
        out.push('"');
    }
    out.push('}');
    out
}

/// Inserts or updates the cluster rows, in id order (new clusters take their log positions in
/// that order, as they always have). Lists are sorted, and the smallest kind and place key among
/// tied ones picked, under the database's collation.
async fn upsert_clusters(
    tx: &mut Transaction<'_, Postgres>,
    derived: &[Derived<'_>],
) -> Result<Vec<StoredProfile>, StoreError> {
    if derived.is_empty() {
        return Ok(Vec::new());
    }
    let mut to_order: Vec<&str> = Vec::new();
    for d in derived {
        for list in [&d.kinds, &d.sources, &d.actor_ids, &d.countries] {
            if list.len() > 1 {
                to_order.extend(list.iter().copied());
            }
        }
        if d.places.len() > 1 {
            to_order.extend(d.places.iter().map(|(k, _)| *k));
        }
    }
    let ranks = collation_ranks(tx, to_order).await?;
    let rank = |text: &str| ranks.get(text).copied().unwrap_or(0);
    let sorted = |list: &[&str]| {
        let mut list = list.to_vec();
        if list.len() > 1 {
            list.sort_by_key(|t| rank(t));
        }
        array_literal(list.into_iter())
    };
    let n = derived.len();
    let mut c = ClusterColumns::with_capacity(n);
    for d in derived {
        c.id.push(d.id);
        c.kind.push(d.kinds.iter().copied().min_by_key(|k| rank(k)));
        c.representative.push(d.representative);
        c.event_date.push(d.date.map(|(day, _)| day));
        c.date_precision.push(d.date.and_then(|(_, p)| p));
        c.place_sequence.push(
            d.places
                .iter()
                .min_by_key(|(k, _)| rank(k))
                .map(|(_, s)| *s),
        );
        c.modality.push(d.modality);
        c.confidence.push(d.confidence);
        c.mentions.push(d.mentions);
        c.source_count.push(d.source_count);
        c.sources.push(sorted(&d.sources));
        c.actor_ids.push(sorted(&d.actor_ids));
        c.countries.push(sorted(&d.countries));
        c.match_day.push(d.date.map(|(day, _)| day).or(d.day));
        c.match_precision.push(d.date.and_then(|(_, p)| p));
    }
    let stored = sqlx::query_as(
        "insert into event_clusters as c (id, kind, representative_sequence, event_date,
            date_precision, place_gazetteer_id, place_name, place_country, place_lat, place_lon,
            modality, confidence, mention_count, source_count, sources, actor_ids, countries,
            match_day, match_precision)
         select t.id, t.kind, t.representative, t.event_date, t.date_precision,
                e.place_gazetteer_id, e.place_name, e.place_country, e.place_lat, e.place_lon,
                t.modality, t.confidence, t.mentions, t.source_count, t.sources::text[],
                t.actor_ids::text[], t.countries::text[], t.match_day, t.match_precision
         from unnest($1::text[], $2::text[], $3::int8[], $4::date[], $5::text[], $6::int8[],
                     $7::text[], $8::float4[], $9::int4[], $10::int4[], $11::text[], $12::text[],
                     $13::text[], $14::date[], $15::text[])
              as t(id, kind, representative, event_date, date_precision, place_sequence, modality,
                   confidence, mentions, source_count, sources, actor_ids, countries, match_day,
                   match_precision)
         left join events e on e.sequence = t.place_sequence
         order by t.id
         on conflict (id) do update set
            kind = excluded.kind, representative_sequence = excluded.representative_sequence,
            event_date = excluded.event_date, date_precision = excluded.date_precision,
            place_gazetteer_id = excluded.place_gazetteer_id, place_name = excluded.place_name,
            place_country = excluded.place_country, place_lat = excluded.place_lat,
            place_lon = excluded.place_lon, modality = excluded.modality,
            confidence = excluded.confidence, mention_count = excluded.mention_count,
            source_count = excluded.source_count, sources = excluded.sources,
            actor_ids = excluded.actor_ids, countries = excluded.countries,
            match_day = excluded.match_day, match_precision = excluded.match_precision,
            updated_at = now()
         returning c.id, c.kind, c.match_day, c.match_precision, c.place_gazetteer_id,
                   c.place_lat, c.place_lon, c.actor_ids",
    )
    .bind(c.id)
    .bind(c.kind)
    .bind(c.representative)
    .bind(c.event_date)
    .bind(c.date_precision)
    .bind(c.place_sequence)
    .bind(c.modality)
    .bind(c.confidence)
    .bind(c.mentions)
    .bind(c.source_count)
    .bind(c.sources)
    .bind(c.actor_ids)
    .bind(c.countries)
    .bind(c.match_day)
    .bind(c.match_precision)
    .fetch_all(&mut **tx)
    .await?;
    Ok(stored)
}

/// The cluster rows as column arrays for [`upsert_clusters`].
struct ClusterColumns<'a> {
    id: Vec<&'a str>,
    kind: Vec<Option<&'a str>>,
    representative: Vec<i64>,
    event_date: Vec<Option<NaiveDate>>,
    date_precision: Vec<Option<&'a str>>,
    place_sequence: Vec<Option<i64>>,
    modality: Vec<Option<&'a str>>,
    confidence: Vec<f32>,
    mentions: Vec<i32>,
    source_count: Vec<i32>,
    sources: Vec<String>,
    actor_ids: Vec<String>,
    countries: Vec<String>,
    match_day: Vec<Option<NaiveDate>>,
    match_precision: Vec<Option<&'a str>>,
}

impl ClusterColumns<'_> {
    fn with_capacity(n: usize) -> Self {
        Self {
            id: Vec::with_capacity(n),
            kind: Vec::with_capacity(n),
            representative: Vec::with_capacity(n),
            event_date: Vec::with_capacity(n),
            date_precision: Vec::with_capacity(n),
            place_sequence: Vec::with_capacity(n),
            modality: Vec::with_capacity(n),
            confidence: Vec::with_capacity(n),
            mentions: Vec::with_capacity(n),
            source_count: Vec::with_capacity(n),
            sources: Vec::with_capacity(n),
            actor_ids: Vec::with_capacity(n),
            countries: Vec::with_capacity(n),
            match_day: Vec::with_capacity(n),
            match_precision: Vec::with_capacity(n),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_print_as_to_char_does() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(date_text(d(2026, 2, 9)), "2026-02-09");
        assert_eq!(date_text(d(12, 1, 1)), "0012-01-01");
        assert_eq!(date_text(d(0, 1, 1)), "0001-01-01");
        assert_eq!(date_text(d(12345, 1, 1)), "12345-01-01");
        assert_eq!(parse_date("2026-02-09"), Some(d(2026, 2, 9)));
        assert_eq!(parse_date("12345-01-01"), Some(d(12345, 1, 1)));
    }

    #[test]
    fn tallies_round_trip_through_their_text() {
        let mut tallies = Tallies::default();
        let tally = |mentions, sum: Decimal, best, seq| Tally {
            mentions,
            confidence_sum: sum,
            best_confidence: best,
            best_sequence: seq,
        };
        tallies
            .insert(
                6,
                "Q\"1\\é".into(),
                tally(3, Decimal::parse("2.10").unwrap(), 0.7, 42),
            )
            .unwrap();
        tallies
            .insert(0, String::new(), tally(1, Decimal::NaN, f32::NAN, 1))
            .unwrap();
        let back = decode("c", &encode(&tallies).unwrap()).unwrap();
        assert_eq!(format!("{back:?}"), format!("{tallies:?}"));
        assert!(tallies
            .insert(10, String::new(), tally(1, Decimal::ZERO, 0.1, 1))
            .is_err());
    }

    #[test]
    fn array_literals_quote_every_item() {
        assert_eq!(array_literal([].into_iter()), "{}");
        assert_eq!(
            array_literal(["a", "", "b\"c\\", "{x, y}"].into_iter()),
            r#"{"a","","b\"c\\","{x, y}"}"#
        );
    }
}
