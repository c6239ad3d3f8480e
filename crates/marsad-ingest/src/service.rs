//! The `marsad.v1.IngestService` gRPC API: one article, or a client-streamed batch with a result
//! per item in order, processed a few at a time so memory stays bounded.

use futures::StreamExt;
use marsad_proto::v1;
use marsad_proto::v1::ingest_service_server::IngestService;
use tonic::{Request, Response, Status, Streaming};

use crate::pipeline::Stored;
use crate::Pipeline;

pub(crate) struct IngestApi {
    pipeline: Pipeline,
    batch_concurrency: usize,
}

impl IngestApi {
    pub(crate) fn new(pipeline: Pipeline, batch_concurrency: usize) -> Self {
        Self {
            pipeline,
            batch_concurrency: batch_concurrency.max(1),
        }
    }
}

fn response(stored: Stored, client_ref: String) -> v1::IngestArticleResponse {
    v1::IngestArticleResponse {
        article_id: stored.article_id,
        outcome: if stored.created {
            v1::IngestOutcome::Stored
        } else {
            v1::IngestOutcome::Duplicate
        } as i32,
        extracted: stored.extracted,
        event_count: stored.event_count,
        lang: stored.lang,
        client_ref,
        error: String::new(),
        near_duplicate_of: stored.near_duplicate_of.unwrap_or_default(),
    }
}

#[tonic::async_trait]
impl IngestService for IngestApi {
    async fn ingest_article(
        &self,
        request: Request<v1::IngestArticleRequest>,
    ) -> Result<Response<v1::IngestArticleResponse>, Status> {
        let req = request.into_inner();
        let stored = self.pipeline.ingest(&req).await?;
        tracing::info!(article_id = %stored.article_id, created = stored.created, events = stored.event_count, "article ingested");
        Ok(Response::new(response(stored, req.client_ref)))
    }

    async fn ingest_batch(
        &self,
        request: Request<Streaming<v1::IngestArticleRequest>>,
    ) -> Result<Response<v1::IngestBatchResponse>, Status> {
        let pipeline = self.pipeline.clone();
        let mut results = request
            .into_inner()
            .map(|item| {
                let pipeline = pipeline.clone();
                async move {
                    let req = item?;
                    Ok::<_, Status>(match pipeline.ingest(&req).await {
                        Ok(stored) => response(stored, req.client_ref),
                        Err(status) => v1::IngestArticleResponse {
                            outcome: v1::IngestOutcome::Rejected as i32,
                            client_ref: req.client_ref,
                            error: format!("{:?}: {}", status.code(), status.message()),
                            ..Default::default()
                        },
                    })
                }
            })
            .buffered(self.batch_concurrency);
        let mut batch = v1::IngestBatchResponse::default();
        while let Some(result) = results.next().await {
            // A broken stream (bad frame, client gone) ends the batch with an error; what was
            // stored before it stays stored.
            let result = result?;
            match v1::IngestOutcome::try_from(result.outcome) {
                Ok(v1::IngestOutcome::Stored) => batch.stored += 1,
                Ok(v1::IngestOutcome::Duplicate) => batch.duplicates += 1,
                _ => batch.rejected += 1,
            }
            batch.results.push(result);
        }
        tracing::info!(
            stored = batch.stored,
            duplicates = batch.duplicates,
            rejected = batch.rejected,
            "batch ingested"
        );
        Ok(Response::new(batch))
    }
}
