//! One article's way through ingest: validate, hash, store (the acknowledgement), then extract and
//! store the events. Extraction failures never fail the ingest: the article stays queued.

use std::time::Duration;

use marsad_client::{ExtractionClient, StorageClient};
use marsad_proto::v1;
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

    /// Checks a request and turns it into the article to store.
    fn validate(&self, req: &v1::IngestArticleRequest) -> Result<v1::Article, Status> {
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
        Ok(v1::Article {
            title: req.title.clone(),
            text: req.text.clone(),
            lang,
            source: req.source.clone(),
            url: req.url.clone(),
            published: req.published.clone(),
            content_hash: hex::encode(marsad_sources::content_hash(text)),
            simhash: marsad_sources::simhash(text),
            ..Default::default()
        })
    }

    /// Validates and stores an article, then extracts it if this call stored it. Errors mean the
    /// article was not stored.
    pub(crate) async fn ingest(&self, req: &v1::IngestArticleRequest) -> Result<Stored, Status> {
        let article = self.validate(req)?;
        let stored = self
            .storage
            .put_article(v1::PutArticleRequest {
                article: Some(article.clone()),
                lease_seconds: INLINE_LEASE_SECONDS,
            })
            .await
            .map_err(|status| match status.code() {
                Code::Unavailable | Code::DeadlineExceeded => Status::unavailable(format!(
                    "storage is unavailable, the article was not stored: {}",
                    status.message()
                )),
                _ => status,
            })?;
        let mut result = Stored {
            article_id: stored.article_id.clone(),
            created: stored.created,
            extracted: stored.extraction == v1::ExtractionState::Done as i32,
            event_count: 0,
            lang: article.lang.clone(),
            near_duplicate_of: (!stored.duplicate_of.is_empty())
                .then(|| stored.duplicate_of.clone()),
        };
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
