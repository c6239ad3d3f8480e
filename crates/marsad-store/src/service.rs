//! The `marsad.v1.StorageService` gRPC API over [`Store`]: validation of wire messages, paging
//! tokens, and the live event stream.

use std::borrow::Cow;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures::Stream;
use marsad_proto::convert::{self, InvalidField};
use marsad_proto::v1;
use marsad_proto::v1::storage_service_server::StorageService;
use tokio::sync::{mpsc, watch, Notify};
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

use crate::db::{
    ExtractionRecord, NewArticle, PutOutcome, RequeueFilter, StoredArticle, StoredCluster,
    StoredEvent, TimelineBucket, TimelineGroup,
};
use crate::filter::{EventFilter, PlaceFilter};
use crate::{Store, StoreError};

const DEFAULT_PAGE_SIZE: u32 = 100;
const MAX_PAGE_SIZE: u32 = 1000;
const MAX_CLAIM: u32 = 256;
const WATCH_BATCH: u32 = 500;
const DEFAULT_CLUSTER_PAGE: u32 = 50;
const MAX_CLUSTER_PAGE: u32 = 500;
const DEFAULT_EXPORT_BATCH: u32 = 500;
const MAX_EXPORT_BATCH: u32 = 1000;
/// Watchers re-check at least this often even without a notification.
const WATCH_POLL: Duration = Duration::from_millis(500);

pub(crate) struct StorageApi {
    store: Store,
    events_stored: Arc<Notify>,
    closing: watch::Receiver<bool>,
}

impl StorageApi {
    pub(crate) fn new(
        store: Store,
        events_stored: Arc<Notify>,
        closing: watch::Receiver<bool>,
    ) -> Self {
        Self {
            store,
            events_stored,
            closing,
        }
    }
}

fn timestamp(t: chrono::DateTime<chrono::Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: t.timestamp(),
        nanos: i32::try_from(t.timestamp_subsec_nanos()).unwrap_or(0),
    }
}

fn article_to_wire(a: StoredArticle) -> v1::Article {
    v1::Article {
        id: a.id,
        title: a.title.unwrap_or_default(),
        text: a.body,
        lang: a.lang,
        source: a.source.unwrap_or_default(),
        url: a.url.unwrap_or_default(),
        published: a.published.map(|d| d.to_string()).unwrap_or_default(),
        ingested_at: Some(timestamp(a.ingested_at)),
        content_hash: hex::encode(a.content_hash),
        duplicate_of: a.duplicate_of.unwrap_or_default(),
        extraction: if a.pending {
            v1::ExtractionState::Pending as i32
        } else {
            v1::ExtractionState::Done as i32
        },
        simhash: a.simhash.map(|h| h as u64).unwrap_or(0),
    }
}

fn stored_event_to_wire(e: StoredEvent) -> v1::Event {
    let mut wire = convert::event_into_wire(e.event);
    wire.article_id = e.article_id;
    wire.sequence = u64::try_from(e.sequence).unwrap_or(0);
    wire.stored_at = Some(timestamp(e.stored_at));
    wire.cluster_id = e.cluster_id.unwrap_or_default();
    wire.cluster_mentions = u32::try_from(e.cluster_mentions).unwrap_or(0);
    wire.cluster_sources = u32::try_from(e.cluster_sources).unwrap_or(0);
    wire.source = e.source.unwrap_or_default();
    wire.url = e.url.unwrap_or_default();
    wire
}

fn cluster_to_wire(c: StoredCluster) -> v1::EventCluster {
    let location = c.location.map(|l| v1::Location {
        text: l.text,
        name: l.name.into_owned(),
        country: l.country.map(Cow::into_owned).unwrap_or_default(),
        admin1: l.admin1.map(Cow::into_owned).unwrap_or_default(),
        lat: l.lat.unwrap_or(f64::NAN),
        lon: l.lon.unwrap_or(f64::NAN),
        gazetteer_id: l.gazetteer_id.map(Cow::into_owned).unwrap_or_default(),
        start: 0,
        end: 0,
    });
    let date_precision = match c.date_precision {
        None => v1::DatePrecision::Unspecified,
        Some(marsad_core::DatePrecision::Day) => v1::DatePrecision::Day,
        Some(marsad_core::DatePrecision::Week) => v1::DatePrecision::Week,
        Some(marsad_core::DatePrecision::Month) => v1::DatePrecision::Month,
        Some(marsad_core::DatePrecision::Year) => v1::DatePrecision::Year,
    };
    v1::EventCluster {
        id: c.id,
        kind: c.kind,
        representative: c.representative.map(stored_event_to_wire),
        date: Some(v1::EventDate {
            value: c.date.map(|d| d.to_string()).unwrap_or_default(),
            precision: date_precision as i32,
            text: String::new(),
            resolved: c.date.is_some(),
        }),
        location,
        modality: c
            .modality
            .map_or(v1::Modality::Unspecified, convert::modality_to_wire) as i32,
        confidence: c.confidence,
        mention_count: u32::try_from(c.mention_count).unwrap_or(0),
        source_count: u32::try_from(c.source_count).unwrap_or(0),
        sources: c.sources,
        actor_ids: c.actor_ids,
        countries: c.countries,
        mentions: c.mentions.into_iter().map(stored_event_to_wire).collect(),
        sequence: u64::try_from(c.seq).unwrap_or(0),
    }
}

fn time_from_wire(
    field: &'static str,
    t: Option<prost_types::Timestamp>,
) -> Result<Option<chrono::DateTime<chrono::Utc>>, InvalidField> {
    t.map(|t| {
        chrono::DateTime::from_timestamp(t.seconds, u32::try_from(t.nanos).unwrap_or(0))
            .ok_or_else(|| InvalidField::new(field, "out of range"))
    })
    .transpose()
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

fn filter_from_wire(filter: Option<v1::EventFilter>) -> Result<EventFilter, InvalidField> {
    let f = filter.unwrap_or_default();
    for kind in &f.kinds {
        kind.parse::<marsad_core::Kind>()
            .map_err(|e| InvalidField::new("filter.kinds", e.to_string()))?;
    }
    for country in &f.countries {
        if country.len() != 3 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(InvalidField::new(
                "filter.countries",
                format!("{country:?} is not an ISO 3166-1 alpha-3 code"),
            ));
        }
    }
    let since = convert::parse_date("filter.since", &f.since)?;
    let until = convert::parse_date("filter.until", &f.until)?;
    if let (Some(s), Some(u)) = (since, until) {
        if s > u {
            return Err(InvalidField::new("filter.until", "until is before since"));
        }
    }
    let modalities = f
        .modalities
        .iter()
        .map(|&m| convert::modality_from_wire(m))
        .collect::<Result<Vec<_>, _>>()?;
    if !(0.0..=1.0).contains(&f.min_confidence) {
        return Err(InvalidField::new(
            "filter.min_confidence",
            "must be within 0..1",
        ));
    }
    for sector in &f.sectors {
        if sector.is_empty() || sector.len() > 8 || !sector.bytes().all(|b| b.is_ascii_uppercase())
        {
            return Err(InvalidField::new(
                "filter.sectors",
                format!("{sector:?} is not a sector code such as GOV or MIL"),
            ));
        }
    }
    let actor_role = match f.actor_role.as_str() {
        "" => None,
        role => Some(
            role.parse::<marsad_core::Role>()
                .map_err(|e| InvalidField::new("filter.actor_role", e.to_string()))?,
        ),
    };
    let place = match (f.bbox, f.near) {
        (Some(_), Some(_)) => {
            return Err(InvalidField::new(
                "filter.near",
                "give a bounding box or a radius, not both",
            ))
        }
        (Some(b), None) => Some(PlaceFilter::BoundingBox {
            min_lat: b.min_lat,
            min_lon: b.min_lon,
            max_lat: b.max_lat,
            max_lon: b.max_lon,
        }),
        (None, Some(r)) => Some(PlaceFilter::Radius {
            lat: r.lat,
            lon: r.lon,
            km: r.radius_km,
        }),
        (None, None) => None,
    };
    if let Some(place) = &place {
        place
            .validate()
            .map_err(|msg| InvalidField::new("filter.place", msg))?;
    }
    let text = f.text.trim().to_owned();
    Ok(EventFilter {
        kinds: f.kinds,
        countries: f.countries,
        since,
        until,
        article_id: non_empty(f.article_id),
        plover_types: f.plover_types,
        modalities,
        min_confidence: (f.min_confidence > 0.0).then_some(f.min_confidence),
        acled_event_types: f.acled_event_types,
        acled_sub_event_types: f.acled_sub_event_types,
        actors: f.actors,
        actor_role,
        sectors: f.sectors,
        ingested_after: time_from_wire("filter.ingested_after", f.ingested_after)?,
        ingested_before: time_from_wire("filter.ingested_before", f.ingested_before)?,
        place,
        text: non_empty(text),
        cluster_id: non_empty(f.cluster_id),
    })
}

fn put_response(outcome: PutOutcome) -> v1::PutArticleResponse {
    if outcome.created {
        marsad_runtime::metrics::articles_stored(1);
    }
    v1::PutArticleResponse {
        article_id: outcome.article_id,
        created: outcome.created,
        extraction: if outcome.pending {
            v1::ExtractionState::Pending as i32
        } else {
            v1::ExtractionState::Done as i32
        },
        duplicate_of: outcome.duplicate_of.unwrap_or_default(),
    }
}

/// Checks one article a caller wants stored.
fn new_article_from_wire(req: v1::PutArticleRequest) -> Result<NewArticle, InvalidField> {
    let initial_lease = Duration::from_secs(u64::from(req.lease_seconds.min(600)));
    let article = req
        .article
        .ok_or_else(|| InvalidField::new("article", "is required"))?;
    if article.text.trim().is_empty() {
        return Err(InvalidField::new("article.text", "must not be empty"));
    }
    let content_hash = hex::decode(&article.content_hash)
        .ok()
        .filter(|h| h.len() == 32)
        .ok_or_else(|| {
            InvalidField::new("article.content_hash", "must be 64 hex digits (SHA-256)")
        })?;
    if article.lang.is_empty() {
        return Err(InvalidField::new("article.lang", "must be set"));
    }
    Ok(NewArticle {
        content_hash,
        lang: article.lang,
        title: non_empty(article.title),
        body: article.text,
        source: non_empty(article.source),
        url: non_empty(article.url),
        published: convert::parse_date("article.published", &article.published)?,
        simhash: (article.simhash != 0).then_some(article.simhash as i64),
        initial_lease,
    })
}

type WireExtraction = (
    String,
    Vec<marsad_core::Entity>,
    Vec<marsad_core::Event>,
    String,
);

/// Checks one extraction a caller wants stored.
fn extraction_from_wire(req: v1::PutExtractionRequest) -> Result<WireExtraction, InvalidField> {
    require_article_id(&req.article_id)?;
    let entities = req
        .entities
        .into_iter()
        .map(convert::entity_into_core)
        .collect::<Result<Vec<_>, _>>()?;
    let events = req
        .events
        .into_iter()
        .map(convert::event_into_core)
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(e) = events.iter().find(|e| e.id.is_empty()) {
        return Err(InvalidField::new(
            "event.id",
            format!("a {} event has no id", e.kind),
        ));
    }
    Ok((req.article_id, entities, events, req.engine_version))
}

fn page_token(sequence: i64) -> String {
    format!("s{sequence}")
}

fn parse_page_token(token: &str) -> Result<i64, InvalidField> {
    if token.is_empty() {
        return Ok(0);
    }
    token
        .strip_prefix('s')
        .and_then(|n| n.parse::<i64>().ok())
        .filter(|n| *n >= 0)
        .ok_or_else(|| InvalidField::new("page_token", "not a token this service issued"))
}

fn require_article_id(id: &str) -> Result<(), InvalidField> {
    if id.is_empty() {
        return Err(InvalidField::new("article_id", "must not be empty"));
    }
    Ok(())
}

type EventStream = Pin<Box<dyn Stream<Item = Result<v1::Event, Status>> + Send>>;

#[tonic::async_trait]
impl StorageService for StorageApi {
    async fn put_article(
        &self,
        request: Request<v1::PutArticleRequest>,
    ) -> Result<Response<v1::PutArticleResponse>, Status> {
        let article = new_article_from_wire(request.into_inner())?;
        let outcome = self.store.put_article(&article).await?;
        Ok(Response::new(put_response(outcome)))
    }

    async fn put_articles(
        &self,
        request: Request<v1::PutArticlesRequest>,
    ) -> Result<Response<v1::PutArticlesResponse>, Status> {
        // The valid articles (moved, not copied) and, per item, the error of an invalid one.
        let mut valid: Vec<NewArticle> = Vec::new();
        let errors: Vec<Option<InvalidField>> = request
            .into_inner()
            .articles
            .into_iter()
            .map(|req| match new_article_from_wire(req) {
                Ok(article) => {
                    valid.push(article);
                    None
                }
                Err(err) => Some(err),
            })
            .collect();
        let mut outcomes = self.store.put_articles(&valid).await?.into_iter();
        let results = errors
            .into_iter()
            .map(|error| match error {
                None => v1::PutArticleResult {
                    stored: outcomes.next().map(put_response),
                    error: String::new(),
                },
                Some(err) => v1::PutArticleResult {
                    stored: None,
                    error: err.to_string(),
                },
            })
            .collect();
        Ok(Response::new(v1::PutArticlesResponse { results }))
    }

    async fn get_article(
        &self,
        request: Request<v1::GetArticleRequest>,
    ) -> Result<Response<v1::Article>, Status> {
        let id = request.into_inner().article_id;
        require_article_id(&id)?;
        let article = self.store.get_article(&id).await?;
        Ok(Response::new(article_to_wire(article)))
    }

    async fn put_extraction(
        &self,
        request: Request<v1::PutExtractionRequest>,
    ) -> Result<Response<v1::PutExtractionResponse>, Status> {
        let (article_id, entities, events, engine_version) =
            extraction_from_wire(request.into_inner())?;
        let count = self
            .store
            .put_extraction(&article_id, &entities, &events, &engine_version)
            .await?;
        marsad_runtime::metrics::events_stored(u64::try_from(count).unwrap_or(0));
        Ok(Response::new(v1::PutExtractionResponse {
            event_count: u32::try_from(count).unwrap_or(u32::MAX),
        }))
    }

    async fn put_extractions(
        &self,
        request: Request<v1::PutExtractionsRequest>,
    ) -> Result<Response<v1::PutExtractionsResponse>, Status> {
        let parsed = request
            .into_inner()
            .extractions
            .into_iter()
            .map(extraction_from_wire)
            .collect::<Result<Vec<_>, _>>()?;
        let records: Vec<ExtractionRecord<'_>> = parsed
            .iter()
            .map(
                |(article_id, entities, events, engine_version)| ExtractionRecord {
                    article_id,
                    entities,
                    events,
                    engine_version,
                },
            )
            .collect();
        let counts = self.store.put_extractions(&records).await?;
        marsad_runtime::metrics::events_stored(
            counts.iter().map(|c| u64::try_from(*c).unwrap_or(0)).sum(),
        );
        Ok(Response::new(v1::PutExtractionsResponse {
            event_counts: counts
                .into_iter()
                .map(|c| u32::try_from(c).unwrap_or(u32::MAX))
                .collect(),
        }))
    }

    async fn claim_pending(
        &self,
        request: Request<v1::ClaimPendingRequest>,
    ) -> Result<Response<v1::ClaimPendingResponse>, Status> {
        let req = request.into_inner();
        let limit = req.limit.clamp(1, MAX_CLAIM);
        let lease = Duration::from_secs(u64::from(if req.lease_seconds == 0 {
            60
        } else {
            req.lease_seconds.min(3600)
        }));
        let articles = self.store.claim_pending(limit, lease).await?;
        Ok(Response::new(v1::ClaimPendingResponse {
            articles: articles.into_iter().map(article_to_wire).collect(),
        }))
    }

    async fn release_pending(
        &self,
        request: Request<v1::ReleasePendingRequest>,
    ) -> Result<Response<v1::ReleasePendingResponse>, Status> {
        let req = request.into_inner();
        require_article_id(&req.article_id)?;
        let error: String = req.error.chars().take(2000).collect();
        self.store.release_pending(&req.article_id, &error).await?;
        Ok(Response::new(v1::ReleasePendingResponse {}))
    }

    async fn list_events(
        &self,
        request: Request<v1::ListEventsRequest>,
    ) -> Result<Response<v1::ListEventsResponse>, Status> {
        let req = request.into_inner();
        let filter = filter_from_wire(req.filter)?;
        let after = parse_page_token(&req.page_token)?;
        let page_size = match req.page_size {
            0 => DEFAULT_PAGE_SIZE,
            n => n.min(MAX_PAGE_SIZE),
        };
        let events = self.store.list_events(&filter, after, page_size).await?;
        let next_page_token = if events.len() == page_size as usize {
            events
                .last()
                .map(|e| page_token(e.sequence))
                .unwrap_or_default()
        } else {
            String::new()
        };
        Ok(Response::new(v1::ListEventsResponse {
            events: events.into_iter().map(stored_event_to_wire).collect(),
            next_page_token,
        }))
    }

    type WatchEventsStream = EventStream;

    async fn watch_events(
        &self,
        request: Request<v1::WatchEventsRequest>,
    ) -> Result<Response<Self::WatchEventsStream>, Status> {
        let req = request.into_inner();
        let filter = filter_from_wire(req.filter)?;
        let mut cursor = match (req.after_sequence, req.from_start) {
            (0, true) => 0,
            (0, false) => self.store.last_sequence().await?,
            (n, _) => {
                i64::try_from(n).map_err(|_| InvalidField::new("after_sequence", "too large"))?
            }
        };
        let (tx, rx) = mpsc::channel(64);
        let store = self.store.clone();
        let notify = self.events_stored.clone();
        let mut closing = self.closing.clone();
        tokio::spawn(async move {
            loop {
                // Register interest before reading, so a commit between the read and the wait
                // still wakes us.
                let woken = notify.notified();
                let batch = match store.list_events(&filter, cursor, WATCH_BATCH).await {
                    Ok(batch) => batch,
                    Err(err) => {
                        let _ = tx.send(Err(Status::from(err))).await;
                        return;
                    }
                };
                let full = batch.len() == WATCH_BATCH as usize;
                for event in batch {
                    cursor = event.sequence;
                    if tx.send(Ok(stored_event_to_wire(event))).await.is_err() {
                        return; // the client went away
                    }
                }
                if full {
                    continue;
                }
                tokio::select! {
                    () = woken => {}
                    () = tokio::time::sleep(WATCH_POLL) => {}
                    () = async { let _ = closing.wait_for(|c| *c).await; } => {
                        let _ = tx.send(Err(Status::unavailable("the server is shutting down; resume from the last sequence"))).await;
                        return;
                    }
                    () = tx.closed() => return,
                }
            }
        });
        Ok(Response::new(Box::pin(ReceiverStream::new(rx))))
    }

    async fn stats(
        &self,
        _request: Request<v1::StatsRequest>,
    ) -> Result<Response<v1::StatsResponse>, Status> {
        let stats = self.store.stats().await?;
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        Ok(Response::new(v1::StatsResponse {
            articles: count(stats.articles),
            events: count(stats.events),
            pending: count(stats.pending),
            oldest_pending: stats.oldest_pending.map(timestamp),
            clusters: count(stats.clusters),
        }))
    }

    async fn list_event_clusters(
        &self,
        request: Request<v1::ListEventClustersRequest>,
    ) -> Result<Response<v1::ListEventClustersResponse>, Status> {
        let req = request.into_inner();
        let filter = filter_from_wire(req.filter)?;
        let after = parse_page_token(&req.page_token)?;
        let page_size = match req.page_size {
            0 => DEFAULT_CLUSTER_PAGE,
            n => n.min(MAX_CLUSTER_PAGE),
        };
        let clusters = self
            .store
            .list_clusters(&filter, after, page_size, req.include_mentions)
            .await?;
        let next_page_token = if clusters.len() == page_size as usize {
            clusters
                .last()
                .map(|c| page_token(c.seq))
                .unwrap_or_default()
        } else {
            String::new()
        };
        Ok(Response::new(v1::ListEventClustersResponse {
            clusters: clusters.into_iter().map(cluster_to_wire).collect(),
            next_page_token,
        }))
    }

    async fn event_timeline(
        &self,
        request: Request<v1::EventTimelineRequest>,
    ) -> Result<Response<v1::EventTimelineResponse>, Status> {
        let req = request.into_inner();
        let filter = filter_from_wire(req.filter)?;
        let bucket = match v1::TimelineBucket::try_from(req.bucket) {
            Ok(v1::TimelineBucket::Unspecified | v1::TimelineBucket::Day) => TimelineBucket::Day,
            Ok(v1::TimelineBucket::Week) => TimelineBucket::Week,
            Err(_) => return Err(InvalidField::new("bucket", "not a timeline bucket").into()),
        };
        let group = match v1::TimelineGroup::try_from(req.group) {
            Ok(v1::TimelineGroup::Unspecified | v1::TimelineGroup::Kind) => TimelineGroup::Kind,
            Ok(v1::TimelineGroup::Country) => TimelineGroup::Country,
            Err(_) => return Err(InvalidField::new("group", "not a timeline group").into()),
        };
        let timeline = self.store.timeline(&filter, bucket, group).await?;
        Ok(Response::new(v1::EventTimelineResponse {
            counts: timeline
                .counts
                .into_iter()
                .map(|(period, key, count)| v1::TimelineCount {
                    period_start: period.to_string(),
                    key,
                    count: u64::try_from(count).unwrap_or(0),
                })
                .collect(),
            undated: u64::try_from(timeline.undated).unwrap_or(0),
        }))
    }

    type ExportEventsStream =
        Pin<Box<dyn Stream<Item = Result<v1::ExportEventsResponse, Status>> + Send>>;

    async fn export_events(
        &self,
        request: Request<v1::ExportEventsRequest>,
    ) -> Result<Response<Self::ExportEventsStream>, Status> {
        let req = request.into_inner();
        let filter = filter_from_wire(req.filter)?;
        let batch = match req.batch_size {
            0 => DEFAULT_EXPORT_BATCH,
            n => n.min(MAX_EXPORT_BATCH),
        };
        let mut cursor = i64::try_from(req.after_sequence)
            .map_err(|_| InvalidField::new("after_sequence", "too large"))?;
        let resolved = self.store.resolve(&filter).await?;
        // A snapshot of the log as the call starts: the export ends.
        let upto = self.store.last_sequence().await?;
        // Two batches in flight at most: memory stays constant.
        let (tx, rx) = mpsc::channel(2);
        let store = self.store.clone();
        let mut closing = self.closing.clone();
        tokio::spawn(async move {
            loop {
                let page = tokio::select! {
                    page = store.list_resolved(&resolved, cursor, Some(upto), batch) => page,
                    () = async { let _ = closing.wait_for(|c| *c).await; } => {
                        let _ = tx.send(Err(Status::unavailable("the server is shutting down; resume from the last sequence"))).await;
                        return;
                    }
                };
                let events = match page {
                    Ok(events) => events,
                    Err(err) => {
                        let _ = tx.send(Err(Status::from(err))).await;
                        return;
                    }
                };
                let done = events.len() < batch as usize;
                if let Some(last) = events.last() {
                    cursor = last.sequence;
                }
                if !events.is_empty() {
                    let message = v1::ExportEventsResponse {
                        events: events.into_iter().map(stored_event_to_wire).collect(),
                    };
                    if tx.send(Ok(message)).await.is_err() {
                        return;
                    }
                }
                if done {
                    return;
                }
            }
        });
        Ok(Response::new(Box::pin(ReceiverStream::new(rx))))
    }

    async fn requeue_articles(
        &self,
        request: Request<v1::RequeueArticlesRequest>,
    ) -> Result<Response<v1::RequeueArticlesResponse>, Status> {
        let req = request.into_inner();
        for kind in &req.kinds {
            kind.parse::<marsad_core::Kind>()
                .map_err(|e| InvalidField::new("kinds", e.to_string()))?;
        }
        let filter = RequeueFilter {
            ingested_since: convert::parse_date("ingested_since", &req.ingested_since)?,
            ingested_until: convert::parse_date("ingested_until", &req.ingested_until)?,
            kinds: req.kinds,
            article_ids: req.article_ids,
        };
        let narrowed = filter.ingested_since.is_some()
            || filter.ingested_until.is_some()
            || !filter.kinds.is_empty()
            || !filter.article_ids.is_empty();
        if !narrowed && !req.all {
            return Err(StoreError::InvalidArgument(
                "nothing narrows the request: give criteria, or set `all` to requeue every article"
                    .into(),
            )
            .into());
        }
        let queued = self.store.requeue_articles(&filter).await?;
        Ok(Response::new(v1::RequeueArticlesResponse { queued }))
    }
}
