//! Postgres access: every statement the storage service runs, through bound parameters only.
//! Event writes take a transaction-scoped advisory lock so that event sequence numbers commit in
//! order, which lets readers resume on a sequence number without missing late commits.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use marsad_core::near_duplicate::{hamming, simhash_bands, NEAR_DUPLICATE_MAX_DISTANCE};
use marsad_core::{
    Acled, Actor, DatePrecision, Entity, Event, EventDate, Evidence, Label, Location, Modality,
    Plover,
};
use sqlx::postgres::{PgListener, PgRow};
use sqlx::{PgPool, Postgres, QueryBuilder, Row};

use crate::filter::{self, EventFilter, Resolved};
use crate::tally::ClusterMemory;
use crate::StoreError;

/// The channel the events trigger notifies (see the migrations).
const EVENTS_CHANNEL: &str = "marsad_events";
/// Advisory lock key serialising event writes ("marsad" in ASCII).
pub(crate) const EVENT_WRITE_LOCK: i64 = 0x6d61_7273_6164;

/// Lets the rest of transaction `tx` run cached (generic) plans (`plan_cache_mode = auto`), or
/// plan every statement for its values again (the pool's `force_custom_plan`, see `serve`).
///
/// A foreign key is checked with one query per inserted row, which Postgres prepares once per
/// connection and runs through the plan cache: under `force_custom_plan` it was planned again for
/// every row, ~30 µs a row, about a third of the time Postgres spent storing a bench ingest batch
/// (entities checked their article; events their article and place, which are checked once per
/// statement since migration 20261209000003). The writers cache plans around
/// the inserts that check keys, and plan for values again before statements whose best plan
/// depends on them. The setting is local: it ends with the transaction.
pub(crate) async fn cache_plans(
    tx: &mut sqlx::Transaction<'_, Postgres>,
    cached: bool,
) -> Result<(), StoreError> {
    sqlx::query("select set_config('plan_cache_mode', $1, true)")
        .bind(if cached { "auto" } else { "force_custom_plan" })
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Access to the Marsad database.
#[derive(Debug, Clone)]
pub struct Store {
    pool: PgPool,
    /// What this store remembers of the clusters it wrote last: tallies and profiles (see
    /// [`ClusterMemory`]).
    cluster_memory: Arc<ClusterMemory>,
}

/// An article to store.
#[derive(Debug, Clone, Default)]
pub struct NewArticle {
    pub content_hash: Vec<u8>,
    pub lang: String,
    pub title: Option<String>,
    pub body: String,
    pub source: Option<String>,
    pub url: Option<String>,
    pub published: Option<NaiveDate>,
    pub simhash: Option<i64>,
    /// How long the caller that stores the article keeps it to extract it itself before the queue's
    /// workers may take it (zero: at once).
    pub initial_lease: Duration,
}

/// An article as stored.
#[derive(Debug, Clone)]
pub struct StoredArticle {
    pub id: String,
    pub content_hash: Vec<u8>,
    pub lang: String,
    pub title: Option<String>,
    pub body: String,
    pub source: Option<String>,
    pub url: Option<String>,
    pub published: Option<NaiveDate>,
    pub ingested_at: DateTime<Utc>,
    pub duplicate_of: Option<String>,
    pub simhash: Option<i64>,
    pub pending: bool,
}

/// What storing an article did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PutOutcome {
    pub article_id: String,
    /// False when the same content was already stored.
    pub created: bool,
    /// True while the article waits for extraction.
    pub pending: bool,
    /// The earlier article this new one nearly duplicates.
    pub duplicate_of: Option<String>,
}

/// An event as stored, with its place in the event log.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    pub event: Event,
    pub article_id: String,
    pub sequence: i64,
    pub stored_at: DateTime<Utc>,
    /// The cluster of mentions of one real-world event this event belongs to.
    pub cluster_id: Option<String>,
    pub cluster_mentions: i32,
    pub cluster_sources: i32,
    /// The article's source and URL.
    pub source: Option<String>,
    pub url: Option<String>,
}

/// One real-world event: the best-supported values of its mentions.
#[derive(Debug, Clone)]
pub struct StoredCluster {
    pub id: String,
    pub seq: i64,
    pub kind: String,
    pub representative: Option<StoredEvent>,
    pub date: Option<NaiveDate>,
    pub date_precision: Option<DatePrecision>,
    pub location: Option<Location>,
    pub modality: Option<Modality>,
    pub confidence: f32,
    pub mention_count: i32,
    pub source_count: i32,
    pub sources: Vec<String>,
    pub actor_ids: Vec<String>,
    pub countries: Vec<String>,
    /// Every mention, when asked for.
    pub mentions: Vec<StoredEvent>,
}

/// Bucket width of a timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimelineBucket {
    #[default]
    Day,
    Week,
}

/// What a timeline counts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimelineGroup {
    #[default]
    Kind,
    Country,
}

/// Event counts per period and key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timeline {
    /// (first day of the period, kind or country, count), by period then key.
    pub counts: Vec<(NaiveDate, String, i64)>,
    /// Matching events without a resolved date.
    pub undated: i64,
}

/// Which stored articles to put back on the extraction queue.
#[derive(Debug, Clone, Default)]
pub struct RequeueFilter {
    pub ingested_since: Option<NaiveDate>,
    pub ingested_until: Option<NaiveDate>,
    pub kinds: Vec<String>,
    pub article_ids: Vec<String>,
}

/// The columns of an event as [`StoredEvent`] has them.
const EVENT_COLUMNS: &str = "e.sequence, e.id, e.article_id, e.kind, e.plover_type, e.plover_mode, \
     e.plover_context, e.cameo, e.acled_event_type, e.acled_sub_event_type, e.place_text, e.place_name, \
     e.place_country, e.place_admin1, e.place_lat, e.place_lon, e.place_gazetteer_id, e.place_start, \
     e.place_end, e.event_date, e.date_precision, e.date_text, e.date_resolved, e.modality, \
     e.confidence, e.evidence_text, e.evidence_start, e.evidence_end, e.engine_version, e.stored_at, \
     e.cluster_id, e.actors, a.source, a.url, c.mention_count, c.source_count";

/// What [`EVENT_COLUMNS`] select from: the event with its article and its cluster.
const EVENT_FROM: &str =
    "events e join articles a on a.id = e.article_id left join event_clusters c on c.id = e.cluster_id";

/// Counts of what the store holds.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    pub clusters: i64,
    pub articles: i64,
    pub events: i64,
    pub pending: i64,
    pub oldest_pending: Option<DateTime<Utc>>,
}

/// The id of the article whose normalised content hashes to `content_hash`.
pub fn article_id(content_hash: &[u8]) -> String {
    format!(
        "a_{}",
        hex::encode(&content_hash[..content_hash.len().min(16)])
    )
}

const ARTICLE_COLUMNS: &str = "a.id, a.content_hash, a.lang, a.title, a.body, a.source, a.url, \
     a.published_on, a.ingested_at, a.duplicate_of, a.simhash, \
     exists(select 1 from extraction_queue q where q.article_id = a.id) as pending";

impl Store {
    pub fn new(pool: PgPool) -> Self {
        Self {
            pool,
            cluster_memory: Arc::default(),
        }
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Stores an article and queues it for extraction, in one transaction. Storing the same content
    /// again changes nothing and returns the first copy's id.
    pub async fn put_article(&self, article: &NewArticle) -> Result<PutOutcome, StoreError> {
        let mut outcomes = self.put_articles(std::slice::from_ref(article)).await?;
        Ok(outcomes.remove(0))
    }

    /// Stores articles and queues the new ones for extraction, in one transaction, with one
    /// statement per table; one outcome per article, in order. Content already stored (or repeated
    /// within the batch) is a duplicate; a new article within a few SimHash bits of an earlier one
    /// is stored with `duplicate_of` set to it.
    pub async fn put_articles(
        &self,
        articles: &[NewArticle],
    ) -> Result<Vec<PutOutcome>, StoreError> {
        if let Some(bad) = articles.iter().find(|a| a.content_hash.len() != 32) {
            return Err(StoreError::InvalidArgument(format!(
                "content_hash must be the 32 bytes of a SHA-256, not {} bytes",
                bad.content_hash.len()
            )));
        }
        if articles.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = articles
            .iter()
            .map(|a| article_id(&a.content_hash))
            .collect();
        // The first occurrence of each content in the batch is the one inserted.
        let mut first_in_batch: HashMap<&str, usize> = HashMap::new();
        let fresh: Vec<usize> = (0..articles.len())
            .filter(|&i| *first_in_batch.entry(ids[i].as_str()).or_insert(i) == i)
            .collect();

        let mut tx = self.pool.begin().await?;
        let near = self.near_duplicates(&mut tx, articles, &fresh).await?;
        // The rest inserts rows whose keys are checked (queue, bands, duplicate_of): ~5 per article.
        cache_plans(&mut tx, true).await?;
        let col = |f: &dyn Fn(&NewArticle) -> Option<String>| -> Vec<Option<String>> {
            fresh.iter().map(|&i| f(&articles[i])).collect()
        };
        // Content already stored is filtered out before its search vector is computed: the
        // vector (stemming the whole text) is most of the insert's cost, and `on conflict` alone
        // computes it for every row before finding the conflict (re-ingesting 5,064 stored
        // articles: 2,771 ms of Postgres with it, 6 ms without). `on conflict` still settles a
        // race with a concurrent insert of the same content.
        let inserted: Vec<String> = sqlx::query_scalar(
            "insert into articles (id, content_hash, lang, title, body, source, url, published_on, simhash, duplicate_of,
                                   search)
             select t.*, marsad_search_vector(t.lang, coalesce(t.title, '') || ' ' || t.body)
             from unnest($1::text[], $2::bytea[], $3::text[], $4::text[], $5::text[], $6::text[],
                         $7::text[], $8::date[], $9::bigint[], $10::text[])
                  as t(id, content_hash, lang, title, body, source, url, published_on, simhash, duplicate_of)
             where not exists (select 1 from articles a where a.content_hash = t.content_hash)
             on conflict (content_hash) do nothing
             returning id",
        )
        .bind(fresh.iter().map(|&i| ids[i].clone()).collect::<Vec<_>>())
        .bind(fresh.iter().map(|&i| articles[i].content_hash.clone()).collect::<Vec<_>>())
        .bind(fresh.iter().map(|&i| articles[i].lang.clone()).collect::<Vec<_>>())
        .bind(col(&|a| a.title.clone()))
        .bind(fresh.iter().map(|&i| articles[i].body.clone()).collect::<Vec<_>>())
        .bind(col(&|a| a.source.clone()))
        .bind(col(&|a| a.url.clone()))
        .bind(fresh.iter().map(|&i| articles[i].published).collect::<Vec<_>>())
        .bind(fresh.iter().map(|&i| articles[i].simhash).collect::<Vec<_>>())
        .bind(fresh.iter().map(|&i| near.get(&i).cloned()).collect::<Vec<_>>())
        .fetch_all(&mut *tx)
        .await?;
        let inserted: std::collections::HashSet<String> = inserted.into_iter().collect();

        let new: Vec<usize> = fresh
            .iter()
            .copied()
            .filter(|&i| inserted.contains(&ids[i]))
            .collect();
        if !new.is_empty() {
            sqlx::query(
                "insert into extraction_queue (article_id, leased_until)
                 select id, now() + make_interval(secs => lease)
                 from unnest($1::text[], $2::float8[]) as t(id, lease)",
            )
            .bind(new.iter().map(|&i| ids[i].clone()).collect::<Vec<_>>())
            .bind(
                new.iter()
                    .map(|&i| articles[i].initial_lease.as_secs_f64())
                    .collect::<Vec<_>>(),
            )
            .execute(&mut *tx)
            .await?;
            let mut band_ids = Vec::new();
            let mut band_numbers = Vec::new();
            let mut band_values = Vec::new();
            for &i in &new {
                if let Some(hash) = articles[i].simhash {
                    for (band, value) in simhash_bands(hash as u64) {
                        band_ids.push(ids[i].clone());
                        band_numbers.push(band);
                        band_values.push(value);
                    }
                }
            }
            if !band_ids.is_empty() {
                sqlx::query(
                    "insert into article_simhash_bands (band, value, article_id)
                     select * from unnest($1::smallint[], $2::integer[], $3::text[])
                     on conflict do nothing",
                )
                .bind(band_numbers)
                .bind(band_values)
                .bind(band_ids)
                .execute(&mut *tx)
                .await?;
            }
        }
        let existing: Vec<String> = ids
            .iter()
            .filter(|id| !inserted.contains(*id))
            .cloned()
            .collect();
        let still_pending: std::collections::HashSet<String> = if existing.is_empty() {
            Default::default()
        } else {
            sqlx::query_scalar::<_, String>(
                "select article_id from extraction_queue where article_id = any($1)",
            )
            .bind(&existing)
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .collect()
        };
        tx.commit().await?;

        Ok((0..articles.len())
            .map(|i| {
                let created = first_in_batch[ids[i].as_str()] == i && inserted.contains(&ids[i]);
                PutOutcome {
                    article_id: ids[i].clone(),
                    created,
                    pending: created || still_pending.contains(&ids[i]),
                    duplicate_of: if created { near.get(&i).cloned() } else { None },
                }
            })
            .collect())
    }

    /// For each new article (by index) with a SimHash, the earliest stored article within the
    /// near-duplicate distance, if any.
    async fn near_duplicates(
        &self,
        tx: &mut sqlx::Transaction<'_, Postgres>,
        articles: &[NewArticle],
        fresh: &[usize],
    ) -> Result<HashMap<usize, String>, StoreError> {
        let (mut bands, mut values) = (Vec::new(), Vec::new());
        for &i in fresh {
            if let Some(hash) = articles[i].simhash {
                for (band, value) in simhash_bands(hash as u64) {
                    bands.push(band);
                    values.push(value);
                }
            }
        }
        if bands.is_empty() {
            return Ok(HashMap::new());
        }
        let candidates: Vec<(String, i64)> = sqlx::query_as(
            "select distinct a.id, a.simhash
             from unnest($1::smallint[], $2::integer[]) as q(band, value)
             join article_simhash_bands b on b.band = q.band and b.value = q.value
             join articles a on a.id = b.article_id
             where a.duplicate_of is null and a.simhash is not null
             order by a.id
             limit 1000",
        )
        .bind(bands)
        .bind(values)
        .fetch_all(&mut **tx)
        .await?;
        let mut found = HashMap::new();
        for &i in fresh {
            let Some(hash) = articles[i].simhash else {
                continue;
            };
            let own_id = article_id(&articles[i].content_hash);
            let best = candidates
                .iter()
                .filter(|(id, _)| *id != own_id)
                .map(|(id, other)| (hamming(hash as u64, *other as u64), id))
                .filter(|(distance, _)| *distance <= NEAR_DUPLICATE_MAX_DISTANCE)
                .min();
            if let Some((_, id)) = best {
                found.insert(i, id.clone());
            }
        }
        Ok(found)
    }

    pub async fn get_article(&self, id: &str) -> Result<StoredArticle, StoreError> {
        let row = sqlx::query(&format!(
            "select {ARTICLE_COLUMNS} from articles a where a.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(row) => Ok(article_from_row(&row)?),
            None => Err(StoreError::NotFound {
                what: "article",
                id: id.to_owned(),
            }),
        }
    }

    /// Replaces the article's entities and events in one transaction and takes it off the queue.
    /// Returns the number of events stored.
    pub async fn put_extraction(
        &self,
        article_id: &str,
        entities: &[Entity],
        events: &[Event],
        engine_version: &str,
    ) -> Result<usize, StoreError> {
        let counts = self
            .put_extractions(&[ExtractionRecord {
                article_id,
                entities,
                events,
                engine_version,
            }])
            .await?;
        Ok(counts[0])
    }

    /// [`Store::put_extraction`] for many articles in one transaction; event counts in order.
    pub async fn put_extractions(
        &self,
        records: &[ExtractionRecord<'_>],
    ) -> Result<Vec<usize>, StoreError> {
        crate::write::put_extractions(&self.pool, &self.cluster_memory, records).await
    }

    /// Leases up to `limit` queued articles for `lease`; an expired lease makes them claimable again.
    pub async fn claim_pending(
        &self,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<StoredArticle>, StoreError> {
        let ids: Vec<String> = sqlx::query_scalar(
            "update extraction_queue set leased_until = now() + make_interval(secs => $2), attempts = attempts + 1
             where article_id in (
                select article_id from extraction_queue
                where leased_until is null or leased_until < now()
                order by enqueued_at
                limit $1
                for update skip locked)
             returning article_id",
        )
        .bind(i64::from(limit))
        .bind(lease.as_secs_f64())
        .fetch_all(&self.pool)
        .await?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(&format!(
            "select {ARTICLE_COLUMNS} from articles a where a.id = any($1) order by a.ingested_at"
        ))
        .bind(&ids)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(article_from_row)
            .collect::<Result<_, _>>()
            .map_err(Into::into)
    }

    /// Ends the lease of a queued article after a failed attempt; it stays queued.
    pub async fn release_pending(&self, article_id: &str, error: &str) -> Result<(), StoreError> {
        sqlx::query(
            "update extraction_queue set leased_until = null, last_error = $2 where article_id = $1",
        )
        .bind(article_id)
        .bind(error)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Events matching `filter` with a sequence number above `after`, in log order.
    pub async fn list_events(
        &self,
        filter: &EventFilter,
        after: i64,
        limit: u32,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        let resolved = filter::resolve(&self.pool, filter).await?;
        self.list_resolved(&resolved, after, None, limit).await
    }

    /// [`Store::list_events`] for a resolved filter, up to `upto` (inclusive) when given.
    pub(crate) async fn list_resolved(
        &self,
        resolved: &Resolved,
        after: i64,
        upto: Option<i64>,
        limit: u32,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        if resolved.matches_nothing() {
            return Ok(Vec::new());
        }
        let text_plan = match resolved.filter.text.as_deref() {
            Some(text) => Some(filter::TextPlan::new(&self.pool, text, limit).await?),
            None => None,
        };
        // The page's sequence numbers first (an index-only walk where an index covers the filter),
        // then only those rows.
        let mut query = QueryBuilder::<Postgres>::new(format!(
            "select {EVENT_COLUMNS} from {EVENT_FROM} where e.sequence in ("
        ));
        filter::push_page_sequences(&mut query, resolved, text_plan.as_ref(), after, upto, limit);
        query.push(") order by e.sequence");
        let rows = query.build().fetch_all(&self.pool).await?;
        rows.iter().map(event_from_row).collect()
    }

    /// The filter with actor names resolved, for repeated use (watches, exports).
    pub(crate) async fn resolve(&self, filter: &EventFilter) -> Result<Resolved, StoreError> {
        filter::resolve(&self.pool, filter).await
    }

    /// Clusters with at least one mention matching `filter`, after cluster position `after`, in
    /// the order they were created.
    pub async fn list_clusters(
        &self,
        filter: &EventFilter,
        after: i64,
        limit: u32,
        include_mentions: bool,
    ) -> Result<Vec<StoredCluster>, StoreError> {
        let resolved = filter::resolve(&self.pool, filter).await?;
        if resolved.matches_nothing() {
            return Ok(Vec::new());
        }
        let mut query =
            QueryBuilder::<Postgres>::new("select c.* from event_clusters c where c.seq > ");
        query.push_bind(after);
        query
            .push(" and c.id in (select e.cluster_id from events e where e.cluster_id is not null");
        filter::push_predicates(&mut query, &resolved);
        query
            .push(") order by c.seq limit ")
            .push_bind(i64::from(limit));
        let rows = query.build().fetch_all(&self.pool).await?;
        if rows.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = rows.iter().map(|r| r.get("id")).collect();
        let representatives: Vec<i64> = rows
            .iter()
            .filter_map(|r| r.get::<Option<i64>, _>("representative_sequence"))
            .collect();
        let member_rows = if include_mentions {
            sqlx::query(&format!(
                "select {EVENT_COLUMNS} from {EVENT_FROM} where e.cluster_id = any($1) order by e.sequence"
            ))
            .bind(&ids)
            .fetch_all(&self.pool)
            .await?
        } else {
            sqlx::query(&format!(
                "select {EVENT_COLUMNS} from {EVENT_FROM} where e.sequence = any($1) order by e.sequence"
            ))
            .bind(&representatives)
            .fetch_all(&self.pool)
            .await?
        };
        let mut by_cluster: HashMap<String, Vec<StoredEvent>> = HashMap::new();
        for event in member_rows
            .iter()
            .map(event_from_row)
            .collect::<Result<Vec<_>, _>>()?
        {
            if let Some(c) = event.cluster_id.clone() {
                by_cluster.entry(c).or_default().push(event);
            }
        }
        rows.iter()
            .map(|row| {
                let id: String = row.try_get("id")?;
                let members = by_cluster.remove(&id).unwrap_or_default();
                let rep: Option<i64> = row.try_get("representative_sequence")?;
                let representative = members.iter().find(|m| Some(m.sequence) == rep).cloned();
                let precision: Option<String> = row.try_get("date_precision")?;
                let modality: Option<String> = row.try_get("modality")?;
                let place_name: Option<String> = row.try_get("place_name")?;
                let location = place_name.map(|name| -> Result<Location, sqlx::Error> {
                    Ok(Location {
                        text: String::new(),
                        name: Label::Owned(name),
                        country: opt_label(row.try_get("place_country")?),
                        admin1: None,
                        lat: row.try_get("place_lat")?,
                        lon: row.try_get("place_lon")?,
                        gazetteer_id: opt_label(row.try_get("place_gazetteer_id")?),
                        start: 0,
                        end: 0,
                    })
                });
                Ok(StoredCluster {
                    id,
                    seq: row.try_get("seq")?,
                    kind: row.try_get("kind")?,
                    representative,
                    date: row.try_get("event_date")?,
                    date_precision: precision.and_then(|p| p.parse().ok()),
                    location: location.transpose()?,
                    modality: modality.and_then(|m| m.parse().ok()),
                    confidence: row.try_get("confidence")?,
                    mention_count: row.try_get("mention_count")?,
                    source_count: row.try_get("source_count")?,
                    sources: row.try_get("sources")?,
                    actor_ids: row.try_get("actor_ids")?,
                    countries: row.try_get("countries")?,
                    mentions: if include_mentions {
                        members
                    } else {
                        Vec::new()
                    },
                })
            })
            .collect()
    }

    /// Counts of matching events per day or week and per kind or country.
    pub async fn timeline(
        &self,
        filter: &EventFilter,
        bucket: TimelineBucket,
        group: TimelineGroup,
    ) -> Result<Timeline, StoreError> {
        let resolved = filter::resolve(&self.pool, filter).await?;
        if resolved.matches_nothing() {
            return Ok(Timeline::default());
        }
        let unit = match bucket {
            TimelineBucket::Day => "day",
            TimelineBucket::Week => "week",
        };
        let (key, from) = match group {
            TimelineGroup::Kind => ("e.kind", "events e"),
            TimelineGroup::Country => (
                "k.country",
                "events e cross join lateral unnest(e.countries) as k(country)",
            ),
        };
        let mut query = QueryBuilder::<Postgres>::new("select date_trunc(");
        query
            .push_bind(unit)
            .push(format!(
                ", e.event_date::timestamp)::date as period, {key} as key, count(*) as n from {from} where e.event_date is not null"
            ));
        filter::push_predicates(&mut query, &resolved);
        query.push(" group by 1, 2 order by 1, 2");
        let rows = query.build().fetch_all(&self.pool).await?;
        let counts = rows
            .iter()
            .map(|r| Ok((r.try_get("period")?, r.try_get("key")?, r.try_get("n")?)))
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
        let mut query = QueryBuilder::<Postgres>::new(
            "select count(*) from events e where e.event_date is null",
        );
        filter::push_predicates(&mut query, &resolved);
        let undated: i64 = query.build_query_scalar().fetch_one(&self.pool).await?;
        Ok(Timeline { counts, undated })
    }

    /// Puts matching stored articles back on the extraction queue (those already there stay as
    /// they are); returns how many were added.
    pub async fn requeue_articles(&self, filter: &RequeueFilter) -> Result<u64, StoreError> {
        let mut query = QueryBuilder::<Postgres>::new(
            "insert into extraction_queue (article_id) select a.id from articles a where true",
        );
        if let Some(since) = filter.ingested_since {
            query
                .push(" and a.ingested_at >= ")
                .push_bind(since)
                .push("::date");
        }
        if let Some(until) = filter.ingested_until {
            query
                .push(" and a.ingested_at < ")
                .push_bind(until)
                .push("::date + 1");
        }
        if !filter.article_ids.is_empty() {
            query
                .push(" and a.id = any(")
                .push_bind(filter.article_ids.clone())
                .push(")");
        }
        if !filter.kinds.is_empty() {
            query
                .push(" and exists (select 1 from events e where e.article_id = a.id and e.kind = any(")
                .push_bind(filter.kinds.clone())
                .push("))");
        }
        query.push(" order by a.ingested_at on conflict (article_id) do nothing");
        Ok(query.build().execute(&self.pool).await?.rows_affected())
    }

    pub async fn stats(&self) -> Result<Stats, StoreError> {
        let row = sqlx::query(
            "select (select count(*) from articles) as articles,
                    (select count(*) from event_clusters) as clusters,
                    (select count(*) from events) as events,
                    (select count(*) from extraction_queue) as pending,
                    (select min(enqueued_at) from extraction_queue) as oldest_pending",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(Stats {
            clusters: row.get("clusters"),
            articles: row.get("articles"),
            events: row.get("events"),
            pending: row.get("pending"),
            oldest_pending: row.get("oldest_pending"),
        })
    }

    /// The highest sequence number stored so far (0 when there are no events).
    pub async fn last_sequence(&self) -> Result<i64, StoreError> {
        Ok(
            sqlx::query_scalar("select coalesce(max(sequence), 0) from events")
                .fetch_one(&self.pool)
                .await?,
        )
    }
}

/// One article's extraction, as [`Store::put_extractions`] takes it.
#[derive(Debug, Clone, Copy)]
pub struct ExtractionRecord<'a> {
    pub article_id: &'a str,
    pub entities: &'a [Entity],
    pub events: &'a [Event],
    pub engine_version: &'a str,
}

/// The key an actor is filtered and clustered by: its id, else its name.
pub(crate) fn actor_key(a: &Actor) -> String {
    if a.id.is_empty() {
        format!("name:{}", a.name.to_lowercase())
    } else {
        a.id.to_string()
    }
}

pub(crate) fn offset(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// A nullable text column as an optional [`Label`].
fn opt_label(value: Option<String>) -> Option<Label> {
    value.map(Label::Owned)
}

fn usize_of(n: i32) -> usize {
    usize::try_from(n).unwrap_or(0)
}

fn article_from_row(row: &PgRow) -> Result<StoredArticle, sqlx::Error> {
    Ok(StoredArticle {
        id: row.try_get("id")?,
        content_hash: row.try_get("content_hash")?,
        lang: row.try_get("lang")?,
        title: row.try_get("title")?,
        body: row.try_get("body")?,
        source: row.try_get("source")?,
        url: row.try_get("url")?,
        published: row.try_get("published_on")?,
        ingested_at: row.try_get("ingested_at")?,
        duplicate_of: row.try_get("duplicate_of")?,
        simhash: row.try_get("simhash")?,
        pending: row.try_get("pending")?,
    })
}

fn event_from_row(row: &PgRow) -> Result<StoredEvent, StoreError> {
    let sqlx::types::Json(actors): sqlx::types::Json<Vec<Actor>> = row.try_get("actors")?;
    let corrupt = |what: String| StoreError::InvalidArgument(format!("stored event: {what}"));
    let kind: String = row.try_get("kind")?;
    let modality: String = row.try_get("modality")?;
    let precision: Option<String> = row.try_get("date_precision")?;
    let acled_type: Option<String> = row.try_get("acled_event_type")?;
    let acled_sub: Option<String> = row.try_get("acled_sub_event_type")?;
    let place_name: Option<String> = row.try_get("place_name")?;
    let location = match place_name {
        Some(name) => Some(Location {
            text: row
                .try_get::<Option<String>, _>("place_text")?
                .unwrap_or_default(),
            name: Label::Owned(name),
            country: opt_label(row.try_get("place_country")?),
            admin1: opt_label(row.try_get("place_admin1")?),
            lat: row.try_get("place_lat")?,
            lon: row.try_get("place_lon")?,
            gazetteer_id: opt_label(row.try_get("place_gazetteer_id")?),
            start: usize_of(row.try_get::<Option<i32>, _>("place_start")?.unwrap_or(0)),
            end: usize_of(row.try_get::<Option<i32>, _>("place_end")?.unwrap_or(0)),
        }),
        None => None,
    };
    let event = Event {
        id: row.try_get("id")?,
        kind: kind
            .parse()
            .map_err(|e: marsad_core::UnknownKind| corrupt(e.to_string()))?,
        plover: Plover {
            plover_type: opt_label(row.try_get("plover_type")?),
            mode: opt_label(row.try_get("plover_mode")?),
            context: row.try_get("plover_context")?,
        },
        cameo: opt_label(row.try_get("cameo")?),
        acled: match (acled_type, acled_sub) {
            (Some(event_type), Some(sub_event_type)) => Some(Acled {
                event_type: Label::Owned(event_type),
                sub_event_type: Label::Owned(sub_event_type),
            }),
            _ => None,
        },
        actors,
        location,
        date: EventDate {
            value: row.try_get("event_date")?,
            precision: precision
                .map(|p| p.parse())
                .transpose()
                .map_err(|e: marsad_core::ParseError| corrupt(e.to_string()))?,
            text: row.try_get("date_text")?,
            resolved: row.try_get("date_resolved")?,
        },
        modality: modality
            .parse()
            .map_err(|e: marsad_core::ParseError| corrupt(e.to_string()))?,
        confidence: row.try_get("confidence")?,
        evidence: Evidence {
            text: row.try_get("evidence_text")?,
            start: usize_of(row.try_get("evidence_start")?),
            end: usize_of(row.try_get("evidence_end")?),
        },
        engine_version: Label::Owned(row.try_get("engine_version")?),
    };
    Ok(StoredEvent {
        event,
        article_id: row.try_get("article_id")?,
        sequence: row.try_get("sequence")?,
        stored_at: row.try_get("stored_at")?,
        cluster_id: row.try_get("cluster_id")?,
        cluster_mentions: row.try_get::<Option<i32>, _>("mention_count")?.unwrap_or(0),
        cluster_sources: row.try_get::<Option<i32>, _>("source_count")?.unwrap_or(0),
        source: row.try_get("source")?,
        url: row.try_get("url")?,
    })
}

/// Listens for committed events and wakes the watchers; reconnects when Postgres goes away.
pub(crate) async fn listen_for_events(pool: PgPool, notify: Arc<tokio::sync::Notify>) {
    loop {
        let listener = async {
            let mut listener = PgListener::connect_with(&pool).await?;
            listener.listen(EVENTS_CHANNEL).await?;
            loop {
                listener.recv().await?;
                notify.notify_waiters();
            }
            #[allow(unreachable_code)]
            Ok::<(), sqlx::Error>(())
        };
        if let Err(err) = listener.await {
            tracing::debug!(error = %err, "event listener disconnected");
        }
        // Watchers also poll, so a lost listener only adds latency.
        notify.notify_waiters();
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}
