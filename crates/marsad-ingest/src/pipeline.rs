//! One article's way through ingest: validate, hash, store (the acknowledgement), then extract and
//! store the events. Extraction failures never fail the ingest: the article stays queued.

use std::time::Duration;

use futures::StreamExt;
use marsad_client::{ExtractionClient, StorageClient};
use marsad_proto::{relay, v1};
use prost::Message;
use tonic::{Code, Status};

/// Largest article text accepted by default, in bytes.
pub const DEFAULT_MAX_TEXT_BYTES: usize = 2 * 1024 * 1024;

/// How long the ingest path keeps a new article to itself before queue workers may take it.
const INLINE_LEASE_SECONDS: u32 = 60;

/// The outcome of storing one article.
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    pub article_id: String,
    pub created: bool,
    pub extracted: bool,
    pub event_count: u32,
    pub lang: String,
    pub near_duplicate_of: Option<String>,
}

impl Stored {
    /// What Storage said of an article it was given, before any extraction.
    fn new(stored: &v1::PutArticleResponse, lang: &str) -> Self {
        Self {
            article_id: stored.article_id.clone(),
            created: stored.created,
            extracted: stored.extraction == v1::ExtractionState::Done as i32,
            event_count: 0,
            lang: lang.to_owned(),
            near_duplicate_of: (!stored.duplicate_of.is_empty())
                .then(|| stored.duplicate_of.clone()),
        }
    }
}

/// Largest request the bulk path sends to Extraction or Storage in one call (text bytes, or
/// encoded bytes for extractions), under the 16 MiB message limit: a chunk of 512 articles' events
/// (~7 MiB encoded on the bench corpus) goes in one `PutExtractions`.
const MAX_CALL_BYTES: usize = 8 << 20;

/// The outcome of one item of a bulk ingest, in input order.
#[derive(Debug, Clone)]
pub(crate) enum ItemOutcome {
    Stored(Stored),
    Rejected(Status),
}

fn storage_unavailable(status: Status) -> Status {
    match status.code() {
        Code::Unavailable | Code::DeadlineExceeded => Status::unavailable(format!(
            "storage is unavailable, the article was not stored: {}",
            status.message()
        )),
        _ => status,
    }
}

fn doc_bytes(doc: &(usize, v1::ExtractRequest)) -> usize {
    doc.1.text.len() + doc.1.title.len()
}

fn record_bytes(record: &(usize, relay::PutExtractionRequest)) -> usize {
    record.1.encoded_len()
}

/// Splits `items` into consecutive groups whose `size`s add up to at most `max` (a single item
/// larger than `max` is a group of its own).
fn groups<T>(items: Vec<T>, max: usize, size: fn(&T) -> usize) -> Vec<Vec<T>> {
    let mut out: Vec<Vec<T>> = Vec::new();
    let mut current = Vec::new();
    let mut bytes = 0usize;
    for item in items {
        let n = size(&item);
        if !current.is_empty() && bytes + n > max {
            out.push(std::mem::take(&mut current));
            bytes = 0;
        }
        bytes += n;
        current.push(item);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The ingest path, shared by the RPCs and the queue worker.
#[derive(Debug, Clone)]
pub struct Pipeline {
    storage: StorageClient,
    extraction: ExtractionClient,
    max_text_bytes: usize,
}

fn invalid(message: impl Into<String>) -> Status {
    Status::invalid_argument(message.into())
}

/// Share of characters that are control characters other than whitespace.
fn control_share(text: &str) -> f64 {
    let (mut control, mut total) = (0usize, 0usize);
    for c in text.chars().take(100_000) {
        total += 1;
        if c.is_control() && !c.is_whitespace() {
            control += 1;
        }
    }
    if total == 0 {
        0.0
    } else {
        control as f64 / total as f64
    }
}

impl Pipeline {
    pub fn new(
        storage: StorageClient,
        extraction: ExtractionClient,
        max_text_bytes: usize,
    ) -> Self {
        Self {
            storage,
            extraction,
            max_text_bytes,
        }
    }

    /// Checks a request and turns it into the article to store (its strings moved, not copied).
    pub(crate) fn validate(&self, req: v1::IngestArticleRequest) -> Result<v1::Article, Status> {
        let text = req.text.as_str();
        if text.trim().is_empty() {
            return Err(invalid("text: the article body is empty"));
        }
        if text.len() > self.max_text_bytes {
            return Err(invalid(format!(
                "text: {} bytes is over the limit of {} bytes",
                text.len(),
                self.max_text_bytes
            )));
        }
        if control_share(text) > 0.05 {
            return Err(invalid("text: looks like binary data, not an article"));
        }
        let lang = match req.lang.as_str() {
            "" => marsad_sources::detect_language(text),
            l => marsad_sources::normalize_lang_tag(l)
                .ok_or_else(|| invalid(format!("lang: {l:?} is not a language code")))?,
        };
        marsad_proto::convert::parse_date("published", &req.published)?;
        if req.title.len() > 4096 {
            return Err(invalid("title: over 4096 bytes"));
        }
        let (content_hash, simhash) = marsad_sources::signatures(text);
        Ok(v1::Article {
            title: req.title,
            text: req.text,
            lang,
            source: req.source,
            url: req.url,
            published: req.published,
            content_hash: hex::encode(content_hash),
            simhash,
            ..Default::default()
        })
    }

    /// Validates and stores an article, then extracts it if this call stored it. Errors mean the
    /// article was not stored.
    pub(crate) async fn ingest(&self, req: &v1::IngestArticleRequest) -> Result<Stored, Status> {
        let article = self.validate(req.clone())?;
        let stored = self
            .storage
            .put_article(v1::PutArticleRequest {
                article: Some(article.clone()),
                lease_seconds: INLINE_LEASE_SECONDS,
            })
            .await
            .map_err(storage_unavailable)?;
        let mut result = Stored::new(&stored, &article.lang);
        if stored.created {
            let article = v1::Article {
                id: stored.article_id,
                ..article
            };
            match self.extract_and_store(&article).await {
                Ok(count) => {
                    result.extracted = true;
                    result.event_count = count;
                }
                Err(status) => {
                    tracing::warn!(article_id = %article.id, code = ?status.code(), message = status.message(), "extraction deferred to the queue");
                    marsad_runtime::metrics::extraction_failures("inline", 1);
                    self.release(&article.id, &status).await;
                }
            }
        }
        Ok(result)
    }

    /// Extracts a stored article and replaces its events.
    pub(crate) async fn extract_and_store(&self, article: &v1::Article) -> Result<u32, Status> {
        let extraction = self
            .extraction
            .extract(v1::ExtractRequest {
                id: article.id.clone(),
                text: article.text.clone(),
                title: article.title.clone(),
                lang: article.lang.clone(),
                published: article.published.clone(),
            })
            .await?;
        let stored = self
            .storage
            .put_extraction(v1::PutExtractionRequest {
                article_id: article.id.clone(),
                entities: extraction.entities,
                events: extraction.events,
                engine_version: extraction.engine_version,
            })
            .await?;
        Ok(stored.event_count)
    }

    /// The bulk path for one chunk of a batch: validates every item (on a blocking thread: hashing
    /// and language detection are CPU work), stores the valid ones with one `PutArticles` (the
    /// acknowledgement: one transaction), extracts the new ones with `ExtractBatch`, and stores
    /// their events with one `PutExtractions`. Extraction failures leave the article queued (its
    /// lease is released). One outcome per item, in input order.
    pub(crate) async fn ingest_many(
        &self,
        requests: Vec<v1::IngestArticleRequest>,
    ) -> Vec<ItemOutcome> {
        let started = std::time::Instant::now();
        let this = self.clone();
        let validated = match tokio::task::spawn_blocking(move || {
            requests
                .into_iter()
                .map(|r| this.validate(r))
                .collect::<Vec<_>>()
        })
        .await
        {
            Ok(v) => v,
            Err(err) => {
                tracing::error!(error = %err, "validation task failed");
                return Vec::new();
            }
        };
        let mut outcomes: Vec<Option<ItemOutcome>> = Vec::with_capacity(validated.len());
        let mut slots = Vec::new();
        let mut articles = Vec::new();
        for (i, v) in validated.into_iter().enumerate() {
            match v {
                Ok(article) => {
                    slots.push(i);
                    articles.push(article);
                    outcomes.push(None);
                }
                Err(status) => outcomes.push(Some(ItemOutcome::Rejected(status))),
            }
        }
        // The store links a new article to a near duplicate already stored; one that nearly
        // duplicates an earlier item of this same chunk goes in a second transaction, after the
        // first copy is committed, so it is linked too.
        let validated_at = started.elapsed();
        let mut later = vec![false; articles.len()];
        for j in 0..articles.len() {
            let (hash_j, sim_j) = (&articles[j].content_hash, articles[j].simhash);
            later[j] = sim_j != 0
                && (0..j).any(|i| {
                    !later[i]
                        && articles[i].simhash != 0
                        && articles[i].content_hash != *hash_j
                        && marsad_sources::is_near_duplicate(articles[i].simhash, sim_j)
                });
        }
        let mut first_wave = (Vec::new(), Vec::new());
        let mut second_wave = (Vec::new(), Vec::new());
        for ((slot, article), later) in slots.into_iter().zip(articles).zip(later) {
            let wave = if later {
                &mut second_wave
            } else {
                &mut first_wave
            };
            wave.0.push(slot);
            wave.1.push(article);
        }
        let mut to_extract: Vec<(usize, v1::Article)> = Vec::new();
        for (slots, articles) in [first_wave, second_wave] {
            if !articles.is_empty() {
                self.put_wave(&slots, articles, &mut outcomes, &mut to_extract)
                    .await;
            }
        }
        to_extract.sort_by_key(|(slot, _)| *slot);
        let (extract_slots, to_extract): (Vec<usize>, Vec<v1::Article>) =
            to_extract.into_iter().unzip();
        let new_articles = to_extract.len();
        let stored_at = started.elapsed();
        let counts = self.extract_and_store_many(to_extract).await;
        tracing::debug!(
            items = outcomes.len(),
            new = new_articles,
            validate_ms = validated_at.as_millis() as u64,
            store_ms = (stored_at - validated_at).as_millis() as u64,
            extract_and_store_events_ms = (started.elapsed() - stored_at).as_millis() as u64,
            "chunk ingested"
        );
        for (slot, count) in extract_slots.into_iter().zip(counts) {
            if let (Some(ItemOutcome::Stored(stored)), Ok(count)) = (outcomes[slot].as_mut(), count)
            {
                stored.extracted = true;
                stored.event_count = count;
            }
        }
        outcomes
            .into_iter()
            .map(|o| o.unwrap_or_else(|| ItemOutcome::Rejected(Status::internal("not processed"))))
            .collect()
    }

    /// Stores one wave of valid articles with one `PutArticles`, fills in their outcomes, and
    /// collects the new ones to extract.
    async fn put_wave(
        &self,
        slots: &[usize],
        articles: Vec<v1::Article>,
        outcomes: &mut [Option<ItemOutcome>],
        to_extract: &mut Vec<(usize, v1::Article)>,
    ) {
        // The articles go into the request and come back out of it after the call (by
        // reference: the request is encoded, not copied).
        let request = v1::PutArticlesRequest {
            articles: articles
                .into_iter()
                .map(|a| v1::PutArticleRequest {
                    article: Some(a),
                    lease_seconds: INLINE_LEASE_SECONDS,
                })
                .collect(),
        };
        let answer = self.storage.put_articles(&request).await;
        let articles: Vec<v1::Article> = request
            .articles
            .into_iter()
            .map(|r| r.article.unwrap_or_default())
            .collect();
        match answer {
            Err(status) => {
                let status = storage_unavailable(status);
                for &slot in slots {
                    outcomes[slot] = Some(ItemOutcome::Rejected(status.clone()));
                }
            }
            Ok(response) if response.results.len() != articles.len() => {
                let status = Status::internal(format!(
                    "storage answered {} results for {} articles",
                    response.results.len(),
                    articles.len()
                ));
                for &slot in slots {
                    outcomes[slot] = Some(ItemOutcome::Rejected(status.clone()));
                }
            }
            Ok(response) => {
                for ((slot, article), result) in slots.iter().zip(articles).zip(response.results) {
                    let stored = match result.stored {
                        Some(stored) if result.error.is_empty() => stored,
                        _ => {
                            outcomes[*slot] =
                                Some(ItemOutcome::Rejected(invalid(if result.error.is_empty() {
                                    "storage refused the article".to_owned()
                                } else {
                                    result.error
                                })));
                            continue;
                        }
                    };
                    let done = Stored::new(&stored, &article.lang);
                    if stored.created {
                        to_extract.push((
                            *slot,
                            v1::Article {
                                id: stored.article_id,
                                ..article
                            },
                        ));
                    }
                    outcomes[*slot] = Some(ItemOutcome::Stored(done));
                }
            }
        }
    }

    /// Extracts stored articles in bulk and replaces their events; one result per article, in
    /// order. An article whose extraction or storing failed is released back to the queue.
    pub(crate) async fn extract_and_store_many(
        &self,
        articles: Vec<v1::Article>,
    ) -> Vec<Result<u32, Status>> {
        if articles.is_empty() {
            return Vec::new();
        }
        let extract_started = std::time::Instant::now();
        let ids: Vec<String> = articles.iter().map(|a| a.id.clone()).collect();
        // Extract, in calls of bounded size, two at a time (the texts moved into the requests).
        let documents: Vec<(usize, v1::ExtractRequest)> = articles
            .into_iter()
            .enumerate()
            .map(|(i, a)| {
                (
                    i,
                    v1::ExtractRequest {
                        id: a.id,
                        text: a.text,
                        title: a.title,
                        lang: a.lang,
                        published: a.published,
                    },
                )
            })
            .collect();
        let calls = groups(documents, MAX_CALL_BYTES, doc_bytes);
        // The entities and events stay encoded: they go on to Storage as Extraction wrote them.
        let mut results: Vec<Result<relay::ExtractResponse, Status>> = (0..ids.len())
            .map(|_| Err(Status::internal("not extracted")))
            .collect();
        let mut answers = futures::stream::iter(calls.into_iter().map(|call| {
            let extraction = self.extraction.clone();
            let (slots, documents): (Vec<usize>, Vec<v1::ExtractRequest>) =
                call.into_iter().unzip();
            async move {
                let answer = extraction
                    .extract_batch_relayed(v1::ExtractBatchRequest { documents })
                    .await;
                (slots, answer)
            }
        }))
        .buffered(2);
        while let Some((slots, answer)) = answers.next().await {
            match answer {
                Ok(response) if response.results.len() == slots.len() => {
                    for (slot, result) in slots.into_iter().zip(response.results) {
                        results[slot] = match result.extraction {
                            Some(extraction) if result.error.is_empty() => Ok(extraction),
                            _ => Err(invalid(result.error)),
                        };
                    }
                }
                Ok(_) => {
                    for slot in slots {
                        results[slot] = Err(Status::internal(
                            "extraction answered the wrong number of results",
                        ));
                    }
                }
                Err(status) => {
                    for slot in slots {
                        results[slot] = Err(status.clone());
                    }
                }
            }
        }

        tracing::debug!(
            articles = ids.len(),
            extract_ms = extract_started.elapsed().as_millis() as u64,
            "chunk extracted"
        );
        // Store the events of what was extracted, in transactions of bounded size.
        let mut out: Vec<Result<u32, Status>> = Vec::with_capacity(ids.len());
        let mut records: Vec<(usize, relay::PutExtractionRequest)> = Vec::new();
        for (i, (id, result)) in ids.iter().zip(results).enumerate() {
            match result {
                Ok(extraction) => {
                    records.push((
                        i,
                        relay::PutExtractionRequest {
                            article_id: id.clone(),
                            entities: extraction.entities,
                            events: extraction.events,
                            engine_version: extraction.engine_version,
                        },
                    ));
                    out.push(Err(Status::internal("not stored")));
                }
                Err(status) => out.push(Err(status)),
            }
        }
        for call in groups(records, MAX_CALL_BYTES, record_bytes) {
            let (slots, extractions): (Vec<usize>, Vec<relay::PutExtractionRequest>) =
                call.into_iter().unzip();
            let request = relay::PutExtractionsRequest { extractions };
            match self.storage.put_extractions_relayed(&request).await {
                Ok(response) if response.event_counts.len() == slots.len() => {
                    for (slot, count) in slots.into_iter().zip(response.event_counts) {
                        out[slot] = Ok(count);
                    }
                }
                Err(status) if !matches!(status.code(), Code::InvalidArgument | Code::NotFound) => {
                    // Storage is down or overloaded: one-by-one retries would only add load.
                    // The articles stay queued; the worker extracts them later.
                    tracing::warn!(code = ?status.code(), message = status.message(), articles = slots.len(), "bulk PutExtractions failed; left to the queue");
                    for slot in slots {
                        out[slot] = Err(status.clone());
                    }
                }
                answer => {
                    // One bad record fails the whole transaction: store them one by one.
                    if let Err(status) = &answer {
                        tracing::warn!(code = ?status.code(), message = status.message(), "bulk PutExtractions refused a record; storing one by one");
                    }
                    let mut singles = Vec::with_capacity(request.extractions.len());
                    for record in request.extractions {
                        let stored = match record.decoded() {
                            Ok(record) => self.storage.put_extraction(record).await,
                            Err(err) => Err(Status::internal(format!(
                                "extraction answered an event or entity that does not parse: {err}"
                            ))),
                        };
                        singles.push(stored.map(|r| r.event_count));
                    }
                    for (slot, result) in slots.into_iter().zip(singles) {
                        out[slot] = result;
                    }
                }
            }
        }

        // Whatever failed goes back to the queue now rather than when its lease runs out.
        let failed: Vec<(String, Status)> = ids
            .into_iter()
            .zip(&out)
            .filter_map(|(id, r)| r.as_ref().err().map(|s| (id, s.clone())))
            .collect();
        if !failed.is_empty() {
            tracing::warn!(articles = failed.len(), "extraction deferred to the queue");
            for (id, status) in failed {
                self.release(&id, &status).await;
            }
        }
        out
    }

    /// Hands a queued article back to the queue after a failed attempt.
    pub(crate) async fn release(&self, article_id: &str, status: &Status) {
        let error = format!("{:?}: {}", status.code(), status.message());
        if let Err(err) = self
            .storage
            .release_pending(v1::ReleasePendingRequest {
                article_id: article_id.to_owned(),
                error,
            })
            .await
        {
            // The lease expires by itself; the worker retries then.
            tracing::warn!(article_id, code = ?err.code(), "could not release the lease");
        }
    }

    pub(crate) async fn claim(
        &self,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<v1::Article>, Status> {
        Ok(self
            .storage
            .claim_pending(v1::ClaimPendingRequest {
                limit,
                lease_seconds: u32::try_from(lease.as_secs()).unwrap_or(u32::MAX).max(1),
            })
            .await?
            .articles)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_stay_under_the_byte_limit_in_order() {
        fn size(n: &usize) -> usize {
            *n
        }
        let g = groups(vec![3, 3, 3, 10, 1, 1], 6, size);
        assert_eq!(g, vec![vec![3, 3], vec![3], vec![10], vec![1, 1]]);
        assert!(groups(Vec::new(), 6, size).is_empty());
    }

    #[test]
    fn control_characters_mark_binary() {
        assert!(control_share("plain text\nwith lines\t") < 0.01);
        assert!(control_share("\u{0}\u{1}\u{2}ab") > 0.5);
    }
}
