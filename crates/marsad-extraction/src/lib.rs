//! The extraction service: article in, entities and events out, over gRPC. Stateless: the engine
//! is loaded once at start and shared; health is SERVING as soon as it is loaded.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;

use marsad_core::Document;
use marsad_extract::Engine;
use marsad_proto::convert::{self, InvalidField};
use marsad_proto::v1;
use marsad_proto::v1::extraction_service_server::{ExtractionService, ExtractionServiceServer};
use marsad_runtime::{ServerLimits, ServingStatus};
use tokio::net::TcpListener;
use tonic::service::Routes;
use tonic::{Request, Response, Status};

/// The gRPC service name, as health and reflection report it.
pub const SERVICE_NAME: &str = marsad_proto::v1::extraction_service_server::SERVICE_NAME;

/// Largest article text the service extracts from, in bytes.
pub const DEFAULT_MAX_TEXT_BYTES: usize = 2 * 1024 * 1024;

/// How the extraction service runs.
#[derive(Debug, Clone, Default)]
pub struct ExtractionConfig {
    /// Extra lexicon files extending the built-in data.
    pub lexicon_dir: Option<PathBuf>,
    pub limits: ServerLimits,
    /// 0 means [`DEFAULT_MAX_TEXT_BYTES`].
    pub max_text_bytes: usize,
}

/// Why the service could not start or answer.
#[derive(Debug, thiserror::Error)]
pub enum ExtractionError {
    #[error("cannot load the engine's data: {0}")]
    Engine(#[from] marsad_extract::Error),
    #[error(transparent)]
    Transport(#[from] tonic::transport::Error),
    #[error(transparent)]
    Field(#[from] InvalidField),
    #[error("the engine task failed")]
    Task(#[from] tokio::task::JoinError),
}

impl From<ExtractionError> for Status {
    fn from(err: ExtractionError) -> Self {
        match err {
            ExtractionError::Field(field) => field.into(),
            ExtractionError::Engine(_) | ExtractionError::Transport(_) => {
                Status::unavailable(err.to_string())
            }
            ExtractionError::Task(_) => Status::internal("extraction failed on this article"),
        }
    }
}

struct ExtractionApi {
    engine: Arc<Engine>,
    max_text_bytes: usize,
    /// Blocking tasks an `ExtractBatch` is split into (the cores available).
    parallelism: usize,
}

/// Documents of one `ExtractBatch` at most.
pub const MAX_BATCH_DOCUMENTS: usize = 4096;

fn to_wire(engine: &Engine, extraction: marsad_core::Extraction) -> v1::ExtractResponse {
    v1::ExtractResponse {
        id: extraction.id,
        lang: extraction.lang,
        entities: extraction
            .entities
            .into_iter()
            .map(convert::entity_into_wire)
            .collect(),
        events: extraction
            .events
            .into_iter()
            .map(convert::event_into_wire)
            .collect(),
        engine_version: engine.version().to_owned(),
    }
}

/// Runs the engine over `docs` on up to `parallelism` blocking threads; results in input order.
pub async fn extract_many(
    engine: Arc<Engine>,
    docs: Vec<Document>,
    parallelism: usize,
) -> Result<Vec<v1::ExtractResponse>, tokio::task::JoinError> {
    if docs.is_empty() {
        return Ok(Vec::new());
    }
    let parallelism = parallelism.clamp(1, docs.len());
    let per_task = docs.len().div_ceil(parallelism);
    let mut tasks = Vec::with_capacity(parallelism);
    let mut docs = docs.into_iter().peekable();
    while docs.peek().is_some() {
        let part: Vec<Document> = docs.by_ref().take(per_task).collect();
        let engine = engine.clone();
        tasks.push(tokio::task::spawn_blocking(move || {
            part.iter()
                .map(|doc| to_wire(&engine, engine.extract(doc)))
                .collect::<Vec<_>>()
        }));
    }
    let mut out = Vec::new();
    for task in tasks {
        out.extend(task.await?);
    }
    Ok(out)
}

/// Turns a wire request into the engine's document, refusing what the engine must not see.
pub fn document_from_request(
    req: v1::ExtractRequest,
    max_text_bytes: usize,
) -> Result<Document, InvalidField> {
    if req.text.trim().is_empty() {
        return Err(InvalidField::new("text", "must not be empty"));
    }
    if req.text.len() > max_text_bytes {
        return Err(InvalidField::new(
            "text",
            format!(
                "{} bytes is over the limit of {max_text_bytes}",
                req.text.len()
            ),
        ));
    }
    let lang = match req.lang.as_str() {
        "" => None,
        l if l.len() <= 8 && l.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-') => {
            Some(l.to_ascii_lowercase())
        }
        other => {
            return Err(InvalidField::new(
                "lang",
                format!("{other:?} is not a language code"),
            ))
        }
    };
    Ok(Document {
        id: req.id,
        published: convert::parse_date("published", &req.published)?,
        title: (!req.title.is_empty()).then_some(req.title),
        text: req.text,
        lang,
    })
}

#[tonic::async_trait]
impl ExtractionService for ExtractionApi {
    async fn extract(
        &self,
        request: Request<v1::ExtractRequest>,
    ) -> Result<Response<v1::ExtractResponse>, Status> {
        let doc = document_from_request(request.into_inner(), self.max_text_bytes)?;
        let engine = self.engine.clone();
        let response = tokio::task::spawn_blocking(move || to_wire(&engine, engine.extract(&doc)))
            .await
            .map_err(ExtractionError::from)?;
        Ok(Response::new(response))
    }

    async fn extract_batch(
        &self,
        request: Request<v1::ExtractBatchRequest>,
    ) -> Result<Response<v1::ExtractBatchResponse>, Status> {
        let documents = request.into_inner().documents;
        if documents.len() > MAX_BATCH_DOCUMENTS {
            return Err(Status::invalid_argument(format!(
                "documents: {} is over the limit of {MAX_BATCH_DOCUMENTS} per batch",
                documents.len()
            )));
        }
        let mut results: Vec<v1::ExtractBatchResult> = Vec::with_capacity(documents.len());
        let mut valid = Vec::with_capacity(documents.len());
        for (i, req) in documents.into_iter().enumerate() {
            match document_from_request(req, self.max_text_bytes) {
                Ok(doc) => {
                    valid.push((i, doc));
                    results.push(v1::ExtractBatchResult::default());
                }
                Err(err) => results.push(v1::ExtractBatchResult {
                    extraction: None,
                    error: err.to_string(),
                }),
            }
        }
        let (slots, docs): (Vec<usize>, Vec<Document>) = valid.into_iter().unzip();
        let extractions = extract_many(self.engine.clone(), docs, self.parallelism)
            .await
            .map_err(ExtractionError::from)?;
        for (slot, extraction) in slots.into_iter().zip(extractions) {
            results[slot].extraction = Some(extraction);
        }
        Ok(Response::new(v1::ExtractBatchResponse { results }))
    }

    async fn engine_info(
        &self,
        _request: Request<v1::EngineInfoRequest>,
    ) -> Result<Response<v1::EngineInfoResponse>, Status> {
        let stats = self.engine.stats();
        Ok(Response::new(v1::EngineInfoResponse {
            engine_version: self.engine.version().to_owned(),
            lexicon_entries: u32::try_from(stats.lexicon_entries).unwrap_or(u32::MAX),
            gazetteer_entries: u32::try_from(stats.gazetteer_entries).unwrap_or(u32::MAX),
        }))
    }
}

/// Loads the engine, then serves the extraction API on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    config: ExtractionConfig,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ExtractionError> {
    let health = marsad_runtime::health(&[SERVICE_NAME]).await;
    let lexicon_dir = config.lexicon_dir.clone();
    let engine =
        tokio::task::spawn_blocking(move || Engine::load(lexicon_dir.as_deref())).await??;
    let stats = engine.stats();
    tracing::info!(
        engine_version = engine.version(),
        lexicon_entries = stats.lexicon_entries,
        gazetteer_entries = stats.gazetteer_entries,
        "engine loaded"
    );
    marsad_runtime::set_status(&health.reporter, &[SERVICE_NAME], ServingStatus::Serving).await;
    let api = ExtractionApi {
        engine: Arc::new(engine),
        max_text_bytes: if config.max_text_bytes == 0 {
            DEFAULT_MAX_TEXT_BYTES
        } else {
            config.max_text_bytes
        },
        parallelism: std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    let server = ExtractionServiceServer::new(api)
        .max_decoding_message_size(config.limits.max_message_bytes)
        .max_encoding_message_size(config.limits.max_message_bytes);
    marsad_runtime::serve(
        listener,
        Routes::new(server),
        health,
        &config.limits,
        shutdown,
    )
    .await?;
    Ok(())
}
