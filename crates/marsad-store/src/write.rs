//! The extraction write path: replacing the entities and events of many articles in one
//! transaction, one statement per table (`UNNEST` of column arrays; the events, the largest table,
//! by `COPY`), with cluster assignment for the whole batch (its candidates from the store's memory
//! of the clusters, and one query for the days it has not seen).
//!
//! The places and actor names the events name are added first, in a short transaction of their
//! own. In the write's transaction, everything that takes row locks other writers may also want
//! (the articles, their old events and entities, the queue) comes next; the event-write advisory
//! lock is taken only then, around cluster assignment, the sequence numbers, the event insert
//! (while it runs, this process counts the clusters' new votes), the clusters' writes and the
//! commit; the event rows are written out before it, all but their numbers and clusters. A writer
//! never waits for a row lock while holding the advisory lock, so two batches cannot deadlock on
//! it, and sequence numbers still commit in order.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::task::{Context, Poll, Waker};

use chrono::{DateTime, NaiveDate, Utc};
use marsad_core::{DatePrecision, Event};
use sqlx::{PgPool, Postgres, Transaction};

use crate::cluster::{self, Mention, Profile};
use crate::copy_text::CopyText;
use crate::db::{actor_key, cache_plans, offset, ExtractionRecord, EVENT_WRITE_LOCK};
use crate::tally::{self, ClusterMemory, NewMention};
use crate::StoreError;

/// Separates list items packed into one text for an `UNNEST` statement (arrays of arrays cannot
/// be bound).
const SEP: char = '\u{1f}';

/// Replaces the extractions of `records` in one transaction; event counts in record order. When an
/// article appears more than once, its last record is the one stored.
pub(crate) async fn put_extractions(
    pool: &PgPool,
    cluster_memory: &ClusterMemory,
    records: &[ExtractionRecord<'_>],
) -> Result<Vec<usize>, StoreError> {
    if records.is_empty() {
        return Ok(Vec::new());
    }
    let mut last: HashMap<&str, usize> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        last.insert(r.article_id, i);
    }
    let kept: Vec<usize> = (0..records.len())
        .filter(|&i| last[records[i].article_id] == i)
        .collect();
    let kept_records: Vec<&ExtractionRecord<'_>> = kept.iter().map(|&i| &records[i]).collect();
    // Each article's events, each stable id once.
    let events: Vec<Vec<&Event>> = kept_records
        .iter()
        .map(|r| {
            let mut seen = HashSet::new();
            r.events.iter().filter(|e| seen.insert(&e.id)).collect()
        })
        .collect();

    let started = std::time::Instant::now();
    // The places and actor names the events name, in a transaction of their own, committed
    // first: two writers that add the same new place (or name) wait for each other's insert until
    // that transaction ends, and in the events' transaction that was the whole write, lock and
    // all (up to 0.9 s of a bulk ingest's 256-article writes, idle). Both tables only grow and
    // both inserts skip what is there, so a place or a name whose events then fail to be written
    // is harmless: a gazetteer place, a name that resolves to an actor id.
    let mut names = pool.begin().await?;
    insert_places(&mut names, events.iter().flatten().copied()).await?;
    insert_actor_names(&mut names, events.iter().flatten().copied()).await?;
    names.commit().await?;

    let mut tx = pool.begin().await?;
    // Until the lock: statements whose plans do not depend on their values, and the entities'
    // inserts, whose article keys are checked (see `cache_plans`).
    cache_plans(&mut tx, true).await?;
    let articles = mark_extracted(&mut tx, &kept_records).await?;
    let extracted_before: Vec<&ExtractionRecord<'_>> = kept_records
        .iter()
        .copied()
        .filter(|r| articles[r.article_id].extracted_before)
        .collect();
    let previous = delete_previous(&mut tx, &extracted_before).await?;
    insert_entities(&mut tx, &kept_records).await?;
    sqlx::query("delete from extraction_queue where article_id = any($1)")
        .bind(
            kept_records
                .iter()
                .map(|r| r.article_id)
                .collect::<Vec<_>>(),
        )
        .execute(&mut *tx)
        .await?;

    // Cluster candidates and tallies are read with plans made for their values.
    cache_plans(&mut tx, false).await?;

    let mut rows = Vec::new();
    let mut mentions = Vec::new();
    for (record, events) in kept_records.iter().zip(&events) {
        let article = &articles[record.article_id];
        for &event in events {
            let row = EventRow::of(event);
            mentions.push(Mention {
                article_id: record.article_id,
                event_id: &event.id,
                kind: event.kind.as_str(),
                profile: Profile::of(event, article.published, &row.actor_ids),
                // (A first extraction has no previous events: no key to build.)
                previous: (!previous.is_empty())
                    .then(|| previous.get(&(record.article_id.to_owned(), event.id.clone())))
                    .flatten()
                    .map(String::as_str),
            });
            rows.push((record.article_id, article, event, row));
        }
    }
    // The event rows but for their sequence numbers and clusters, which are given under the lock;
    // likewise what each mention votes for in its cluster.
    let event_rows = event_rows(&rows, &mentions)?;
    let votes: Vec<NewMention<'_>> = rows
        .iter()
        .zip(&mentions)
        .map(|(&(_, article, event, ref row), mention)| {
            let place = event.location.as_ref();
            NewMention {
                confidence: event.confidence,
                kind: event.kind.as_str(),
                event_date: event.date.value,
                date_precision: event.date.precision.map(DatePrecision::as_str),
                cluster_day: mention.profile.day,
                place_key: place.map(|p| p.gazetteer_id.as_deref().unwrap_or(&p.name)),
                modality: event.modality.as_str(),
                actor_ids: unpacked(&row.actor_ids),
                countries: unpacked(&row.countries),
                source_key: &article.source_key,
                source: article.source.as_deref(),
            }
        })
        .collect();
    let lost: HashSet<String> = previous.values().cloned().collect();

    let prepared = started.elapsed();
    sqlx::query("select pg_advisory_xact_lock($1)")
        .bind(EVENT_WRITE_LOCK)
        .execute(&mut *tx)
        .await?;
    let locked = started.elapsed();
    let mut memory = cluster_memory.take_valid(&mut tx).await?;
    let clusters = cluster::assign(&mut tx, &mentions, &mut memory.known).await?;
    let assigned = started.elapsed();
    let sequences = reserve_sequences(&mut tx, event_rows.len()).await?;
    let mut refresh = tally::Refresh::read(&mut tx, &clusters, &lost, memory).await?;
    let touched = refresh.touched();
    // Postgres inserts the events while this process counts their votes: the two take about as
    // long, and both hold the lock. The count drives the insert's `COPY` every few clusters by
    // polling it on the spot (it is awaited, with this task's waker, once the count is done): a
    // count that yielded to the runtime instead waited behind the other tasks' work each time,
    // holding the lock.
    let counted_votes = {
        let mut copy = std::pin::pin!(copy_events(&mut tx, &event_rows, &clusters, &sequences));
        let mut copied = None;
        let counted_votes = refresh.count(&votes, &clusters, &sequences, || {
            if copied.is_none() {
                let mut cx = Context::from_waker(Waker::noop());
                if let Poll::Ready(result) = copy.as_mut().poll(&mut cx) {
                    copied = Some(result);
                }
            }
        });
        match copied {
            Some(result) => result?,
            None => copy.await?,
        }
        counted_votes?
    };
    let inserted = started.elapsed();
    let (refresh_times, stored) = tally::Refresh::write(&mut tx, counted_votes).await?;
    let tallies = refresh.finish(&mut tx, stored).await?;
    let refreshed = started.elapsed();
    // The commit stays synchronous. `synchronous_commit = off` would be safe for the queue: the
    // events, entities, cluster changes and the removal of the articles' queue rows commit or are
    // lost together, and the articles and their queue rows were committed synchronously by
    // `put_articles` (what the ingest acknowledges), so a crash only sends the articles back to
    // the queue to be extracted again. But readers see an asynchronous commit before it is on
    // disk: a ListEvents or WatchEvents reader could be handed events that a crash then loses, and
    // the identity sequence's advance is lost with them, so their sequence numbers would be given
    // again to other events, which a reader resuming after them would skip. And it saves little:
    // the commits of a bulk ingest (5,000 articles) waited 0.6 s in all for the WAL flush, against
    // 61 s under the lock.
    // Put back before the commit, which ends the lock (see `ClusterMemory::put_back`).
    cluster_memory.put_back(tallies);
    tx.commit().await?;
    tracing::debug!(
        articles = kept_records.len(),
        events = rows.len(),
        clusters_touched = touched,
        prepare_ms = prepared.as_millis() as u64,
        lock_wait_ms = (locked - prepared).as_millis() as u64,
        assign_ms = (assigned - locked).as_millis() as u64,
        // The events' insert and the count of their votes, together.
        insert_events_ms = (inserted - assigned).as_millis() as u64,
        refresh_clusters_ms = (refreshed - inserted).as_millis() as u64,
        refresh_read_ms = refresh_times.read_ms,
        refresh_compute_ms = refresh_times.compute_ms,
        refresh_tallies_ms = refresh_times.tallies_ms,
        refresh_upsert_ms = refresh_times.clusters_ms,
        commit_ms = (started.elapsed() - refreshed).as_millis() as u64,
        "extractions written"
    );

    let stored: HashMap<&str, usize> = kept_records
        .iter()
        .zip(&events)
        .map(|(r, e)| (r.article_id, e.len()))
        .collect();
    Ok(records.iter().map(|r| stored[r.article_id]).collect())
}

/// Locks the articles (in id order, so that concurrent writers lock them in the same order) and
/// stamps them as extracted by their records' engine versions; their facts by id. An unknown
/// article fails the whole batch.
async fn mark_extracted<'r>(
    tx: &mut Transaction<'_, Postgres>,
    records: &[&ExtractionRecord<'r>],
) -> Result<HashMap<&'r str, ArticleFacts>, StoreError> {
    let mut sorted: Vec<&ExtractionRecord<'r>> = records.to_vec();
    sorted.sort_by_key(|r| r.article_id);
    let ids: Vec<&str> = sorted.iter().map(|r| r.article_id).collect();
    let versions: Vec<&str> = sorted.iter().map(|r| r.engine_version).collect();
    type Found = (
        String,
        String,
        Option<NaiveDate>,
        DateTime<Utc>,
        Option<String>,
        Option<String>,
    );
    // The row lock an UPDATE would take, without writing the wide article row (see migration
    // 20261210000001).
    let found: Vec<Found> = sqlx::query_as(
        "select a.id, a.lang, a.published_on, a.ingested_at, a.source, a.duplicate_of
         from articles a where a.id = any($1)
         order by a.id
         for no key update",
    )
    .bind(&ids)
    .fetch_all(&mut **tx)
    .await?;
    let mut found: HashMap<String, ArticleFacts> = found
        .into_iter()
        .map(|(id, lang, published, ingested_at, source, duplicate_of)| {
            let source = source.filter(|s| !s.is_empty());
            let source_key = match &source {
                Some(s) => s.clone(),
                None => format!("article:{}", duplicate_of.as_deref().unwrap_or(&id)),
            };
            let facts = ArticleFacts {
                lang,
                published,
                ingested_at,
                source,
                source_key,
                extracted_before: false,
            };
            (id, facts)
        })
        .collect();
    if let Some(missing) = ids.iter().find(|id| !found.contains_key(**id)) {
        return Err(StoreError::NotFound {
            what: "article",
            id: (*missing).to_owned(),
        });
    }
    // A statement of its own, after the locks: a concurrent write of the same article, waited
    // for above, has committed its stamp by now, and this statement's snapshot sees it.
    let stamped: Vec<(String, bool)> = sqlx::query_as(
        "with before as (select article_id from article_extractions where article_id = any($1))
         insert into article_extractions (article_id, extracted_at, engine_version)
         select id, now(), version from unnest($1::text[], $2::text[]) as t(id, version)
         on conflict (article_id) do update
             set extracted_at = excluded.extracted_at, engine_version = excluded.engine_version
         returning article_id, article_id in (select article_id from before)",
    )
    .bind(&ids)
    .bind(&versions)
    .fetch_all(&mut **tx)
    .await?;
    for (id, before) in stamped {
        if let Some(facts) = found.get_mut(&id) {
            facts.extracted_before = before;
        }
    }
    Ok(records
        .iter()
        .map(|r| (r.article_id, found[r.article_id].clone()))
        .collect())
}

/// What the events of an article take from it.
#[derive(Debug, Clone)]
struct ArticleFacts {
    lang: String,
    published: Option<NaiveDate>,
    ingested_at: DateTime<Utc>,
    /// The source, when not empty.
    source: Option<String>,
    /// What a mention's source counts as (see `event_cluster_votes`): the source, else the
    /// article it duplicates, else the article.
    source_key: String,
    /// Whether the article was extracted before this write: only then can it have events and
    /// entities to replace.
    extracted_before: bool,
}

/// Deletes the articles' events and entities; the clusters of the deleted events by (article id,
/// stable event id), so that an event that comes back keeps its cluster.
async fn delete_previous(
    tx: &mut Transaction<'_, Postgres>,
    records: &[&ExtractionRecord<'_>],
) -> Result<HashMap<(String, String), String>, StoreError> {
    if records.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<&str> = records.iter().map(|r| r.article_id).collect();
    let previous: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "delete from events where article_id = any($1) returning article_id, id, cluster_id",
    )
    .bind(&ids)
    .fetch_all(&mut **tx)
    .await?;
    sqlx::query("delete from article_entities where article_id = any($1)")
        .bind(&ids)
        .execute(&mut **tx)
        .await?;
    Ok(previous
        .into_iter()
        .filter_map(|(article, id, cluster)| cluster.map(|c| ((article, id), c)))
        .collect())
}

/// The articles' entities, one row per article with any (see migration 20261208000001): a JSON
/// array of `[entity_type, text, name, entity_id, country, sector, start_char, end_char]` in
/// ordinal order.
async fn insert_entities(
    tx: &mut Transaction<'_, Postgres>,
    records: &[&ExtractionRecord<'_>],
) -> Result<(), StoreError> {
    type EntityRow<'a> = (
        &'a str,
        &'a str,
        &'a str,
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
        i32,
        i32,
    );
    let mut ids = Vec::new();
    let mut lists = Vec::new();
    for r in records.iter().filter(|r| !r.entities.is_empty()) {
        let rows: Vec<EntityRow<'_>> = r
            .entities
            .iter()
            .map(|e| {
                (
                    e.entity_type.as_str(),
                    e.text.as_str(),
                    &*e.name,
                    &*e.id,
                    e.country.as_deref(),
                    e.sector.as_deref(),
                    offset(e.start),
                    offset(e.end),
                )
            })
            .collect();
        ids.push(r.article_id);
        lists.push(
            serde_json::to_string(&rows)
                .map_err(|e| StoreError::InvalidArgument(format!("entities: {e}")))?,
        );
    }
    if ids.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "insert into article_entities (article_id, entities)
         select * from unnest($1::text[], $2::text[])",
    )
    .bind(ids)
    .bind(lists)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The gazetteer places the events name, once each, in id order (so concurrent writers lock them in
/// the same order).
async fn insert_places<'e>(
    tx: &mut Transaction<'_, Postgres>,
    events: impl Iterator<Item = &'e Event>,
) -> Result<(), StoreError> {
    let mut places: Vec<_> = events
        .filter_map(|e| e.location.as_ref())
        .filter_map(|p| p.gazetteer_id.as_deref().map(|gid| (gid, p)))
        .collect();
    places.sort_by(|a, b| a.0.cmp(b.0));
    places.dedup_by(|a, b| a.0 == b.0);
    if places.is_empty() {
        return Ok(());
    }
    sqlx::query(
        "insert into places (gazetteer_id, name, country, admin1, lat, lon)
         select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[])
         on conflict (gazetteer_id) do nothing",
    )
    .bind(places.iter().map(|(gid, _)| *gid).collect::<Vec<_>>())
    .bind(places.iter().map(|(_, p)| &*p.name).collect::<Vec<_>>())
    .bind(places.iter().map(|(_, p)| p.country.as_deref()).collect::<Vec<_>>())
    .bind(places.iter().map(|(_, p)| p.admin1.as_deref()).collect::<Vec<_>>())
    .bind(places.iter().map(|(_, p)| p.lat).collect::<Vec<_>>())
    .bind(places.iter().map(|(_, p)| p.lon).collect::<Vec<_>>())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The canonical names and surface forms of the events' actors, for filters by name.
async fn insert_actor_names<'e>(
    tx: &mut Transaction<'_, Postgres>,
    events: impl Iterator<Item = &'e Event>,
) -> Result<(), StoreError> {
    let mut names: Vec<(String, &str)> = Vec::new();
    for a in events.flat_map(|e| &e.actors) {
        names.push((actor_key(a), &a.name));
        if !a.text.is_empty() && a.text != a.name {
            names.push((actor_key(a), &a.text));
        }
    }
    if names.is_empty() {
        return Ok(());
    }
    names.sort_unstable();
    names.dedup();
    let (ids, names): (Vec<String>, Vec<&str>) = names.into_iter().unzip();
    sqlx::query(
        "insert into actor_names (actor_id, name) select * from unnest($1::text[], $2::text[])
         on conflict do nothing",
    )
    .bind(ids)
    .bind(names)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What an event stores besides its own fields: the sorted, distinct keys filters match on.
pub(crate) struct EventRow {
    pub countries: Vec<String>,
    pub actor_ids: Vec<String>,
    pub actor_roles: Vec<String>,
    pub sectors: Vec<String>,
}

impl EventRow {
    pub(crate) fn of(event: &Event) -> Self {
        let sorted = |mut v: Vec<String>| {
            v.sort_unstable();
            v.dedup();
            v
        };
        Self {
            countries: sorted(event.countries().map(str::to_owned).collect()),
            actor_ids: sorted(event.actors.iter().map(actor_key).collect()),
            actor_roles: sorted(
                event
                    .actors
                    .iter()
                    .map(|a| format!("{}:{}", a.role.as_str(), actor_key(a)))
                    .collect(),
            ),
            sectors: sorted(
                event
                    .actors
                    .iter()
                    .filter_map(|a| a.sector.as_deref().map(str::to_owned))
                    .collect(),
            ),
        }
    }
}

type Row<'a> = (&'a str, &'a ArticleFacts, &'a Event, EventRow);

/// The columns of `events` that [`insert_events`] copies: the sequence number and the cluster, then
/// the rest, which [`event_rows`] writes.
const EVENT_COLUMNS: &str = "sequence, cluster_id, id, article_id, kind, plover_type, plover_mode,
    plover_context, cameo, acled_event_type, acled_sub_event_type, place_text, place_name,
    place_country, place_admin1, place_lat, place_lon, place_gazetteer_id, place_start, place_end,
    event_date, date_precision, date_text, date_resolved, modality, confidence, evidence_text,
    evidence_start, evidence_end, engine_version, countries, actor_ids, actor_roles, sectors,
    ingested_at, cluster_day, lang, actors";

/// The event rows in `COPY` text form, from `id` on (see [`EVENT_COLUMNS`]), in insert order.
struct EventRows {
    text: CopyText,
    /// Where each row ends in `text` (after its newline).
    ends: Vec<usize>,
}

impl EventRows {
    fn len(&self) -> usize {
        self.ends.len()
    }

    fn rows(&self) -> impl Iterator<Item = &str> {
        let text = self.text.as_str();
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(&self.ends).map(move |(a, &b)| &text[a..b])
    }
}

/// Writes the events' rows but for the sequence numbers and clusters, before the event-write lock
/// is taken. Each value is the one the `UNNEST` insert this replaced stored: the lists as
/// `marsad_unpack` of their packed text ([`unpacked`]) and the actors as JSON text.
fn event_rows(rows: &[Row<'_>], mentions: &[Mention<'_>]) -> Result<EventRows, StoreError> {
    let mut c = CopyText::with_capacity(rows.len() * 1024);
    let mut ends = Vec::with_capacity(rows.len());
    for (&(article_id, article, event, ref row), mention) in rows.iter().zip(mentions) {
        let place = event.location.as_ref();
        c.text(&event.id);
        c.text(article_id);
        c.text(event.kind.as_str());
        c.opt_text(event.plover.plover_type.as_deref());
        c.opt_text(event.plover.mode.as_deref());
        c.text_array(unpacked(&event.plover.context));
        c.opt_text(event.cameo.as_deref());
        c.opt_text(event.acled.as_ref().map(|a| &*a.event_type));
        c.opt_text(event.acled.as_ref().map(|a| &*a.sub_event_type));
        c.opt_text(place.map(|p| p.text.as_str()));
        c.opt_text(place.map(|p| &*p.name));
        c.opt_text(place.and_then(|p| p.country.as_deref()));
        c.opt_text(place.and_then(|p| p.admin1.as_deref()));
        c.opt_f64(place.and_then(|p| p.lat));
        c.opt_f64(place.and_then(|p| p.lon));
        c.opt_text(place.and_then(|p| p.gazetteer_id.as_deref()));
        c.opt_int(place.map(|p| i64::from(offset(p.start))));
        c.opt_int(place.map(|p| i64::from(offset(p.end))));
        c.opt_date(event.date.value);
        c.opt_text(event.date.precision.map(DatePrecision::as_str));
        c.opt_text(event.date.text.as_deref());
        c.bool(event.date.resolved);
        c.text(event.modality.as_str());
        c.f32(event.confidence);
        c.text(&event.evidence.text);
        c.int(i64::from(offset(event.evidence.start)));
        c.int(i64::from(offset(event.evidence.end)));
        c.text(&event.engine_version);
        c.text_array(unpacked(&row.countries));
        c.text_array(unpacked(&row.actor_ids));
        c.text_array(unpacked(&row.actor_roles));
        c.text_array(unpacked(&row.sectors));
        c.timestamptz(article.ingested_at);
        c.opt_date(mention.profile.day);
        c.text(&article.lang);
        c.text(
            &serde_json::to_string(&event.actors)
                .map_err(|e| StoreError::InvalidArgument(format!("actors: {e}")))?,
        );
        c.end_row();
        ends.push(c.len());
    }
    Ok(EventRows { text: c, ends })
}

/// Takes `count` sequence numbers for the write's events, consecutive and in insert order. Under
/// the event-write lock: the numbers are taken from the identity sequence here (`COPY` writes a
/// `GENERATED ALWAYS` column as given, like `OVERRIDING SYSTEM VALUE`), so they increase in commit
/// order as when the insert drew them itself.
async fn reserve_sequences(
    tx: &mut Transaction<'_, Postgres>,
    count: usize,
) -> Result<Vec<i64>, StoreError> {
    if count == 0 {
        return Ok(Vec::new());
    }
    // One advance of the sequence by the batch's size: only writers holding the lock draw from it,
    // so the numbers are consecutive (a `nextval` per row cost ~5 µs a row under the lock).
    let count = i64::try_from(count)
        .map_err(|_| StoreError::InvalidArgument(format!("{count} events in one write")))?;
    let last: i64 = sqlx::query_scalar(
        "select setval(s.name, nextval(s.name) + $1 - 1)
         from (select pg_get_serial_sequence('events', 'sequence') as name) s",
    )
    .bind(count)
    .fetch_one(&mut **tx)
    .await?;
    Ok((last - count + 1..=last).collect())
}

/// Bytes of `COPY` data sent at a time: Postgres starts on the first rows while the next are
/// written out.
const COPY_CHUNK_BYTES: usize = 1 << 20;

/// Inserts the events with `COPY`, in order, with their sequence numbers and clusters. Their
/// articles and places are checked once for the statement (migration 20261209000003), not row by
/// row.
async fn copy_events(
    tx: &mut Transaction<'_, Postgres>,
    rows: &EventRows,
    clusters: &[String],
    sequences: &[i64],
) -> Result<(), StoreError> {
    if rows.len() == 0 {
        return Ok(());
    }
    let mut copy = tx
        .copy_in_raw(&format!("copy events ({EVENT_COLUMNS}) from stdin"))
        .await?;
    let mut c = CopyText::with_capacity(COPY_CHUNK_BYTES + 64 * 1024);
    for ((&sequence, cluster), rest) in sequences.iter().zip(clusters).zip(rows.rows()) {
        c.int(sequence);
        c.text(cluster);
        c.end_row_with(rest);
        if c.len() >= COPY_CHUNK_BYTES {
            copy.send(c.as_str().as_bytes()).await?;
            c.clear();
        }
    }
    if c.len() > 0 {
        copy.send(c.as_str().as_bytes()).await?;
    }
    let stored = copy.finish().await?;
    if stored != rows.len() as u64 {
        return Err(StoreError::Database(sqlx::Error::Protocol(format!(
            "copy stored {stored} events of {}",
            rows.len()
        ))));
    }
    Ok(())
}

/// A list as the event row stores it, as the `UNNEST` insert stored it: `marsad_unpack` of the
/// items packed into one text with [`SEP`] between them (an item's own separators made spaces).
/// So a lone empty item is no item, and nothing else changes; items are borrowed unless they
/// hold a separator.
fn unpacked(items: &[String]) -> Vec<Cow<'_, str>> {
    if matches!(items, [only] if only.is_empty()) {
        return Vec::new();
    }
    items
        .iter()
        .map(|item| {
            if item.contains(SEP) {
                Cow::Owned(item.replace(SEP, " "))
            } else {
                Cow::Borrowed(item.as_str())
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `unpacked` replaced: pack with separators, then split as `marsad_unpack` does.
    fn packed_then_split(items: &[String]) -> Vec<String> {
        let packed: Vec<String> = items.iter().map(|i| i.replace(SEP, " ")).collect();
        let packed = packed.join(&SEP.to_string());
        if packed.is_empty() {
            return Vec::new();
        }
        packed.split(SEP).map(str::to_owned).collect()
    }

    #[test]
    fn lists_unpack_as_the_packed_text_did() {
        let sep = SEP.to_string();
        let cases: Vec<Vec<String>> = vec![
            vec![],
            vec![String::new()],
            vec![String::new(), String::new()],
            vec![String::new(), "a".into()],
            vec!["SYR".into(), "USA".into()],
            vec![format!("a{sep}b"), "c".into()],
            vec![sep.clone()],
            vec!["قوات".into(), " ".into()],
        ];
        for items in cases {
            let got: Vec<String> = unpacked(&items).into_iter().map(Cow::into_owned).collect();
            assert_eq!(got, packed_then_split(&items), "{items:?}");
        }
    }
}
