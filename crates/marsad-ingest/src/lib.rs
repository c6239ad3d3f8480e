//! The ingest service: validates articles, stores them through the storage service (an
//! acknowledged article is in Postgres), has them extracted through the extraction service, and runs
//! the worker that drains the queue of articles whose extraction had to wait.

pub mod feeder;
pub mod follow;
mod pipeline;
mod service;
mod worker;

use std::future::Future;
use std::time::Duration;

use marsad_client::{ClientConfig, ExtractionClient, StorageClient};
use marsad_runtime::{ServerLimits, ServingStatus};
use tokio::net::TcpListener;
use tonic::service::Routes;

/// The sources library this crate reads inputs with (re-exported for the CLI and the tests).
pub use marsad_sources;
pub use pipeline::{Pipeline, DEFAULT_MAX_TEXT_BYTES};
pub use service::BatchConfig;
pub use worker::WorkerConfig;

/// The gRPC service name, as health and reflection report it.
pub const SERVICE_NAME: &str = marsad_proto::v1::ingest_service_server::SERVICE_NAME;

/// How the ingest service runs.
#[derive(Debug, Clone)]
pub struct IngestConfig {
    pub storage: ClientConfig,
    pub extraction: ClientConfig,
    pub limits: ServerLimits,
    /// Largest article text accepted, in bytes.
    pub max_text_bytes: usize,
    /// Items of a batch processed at once (kept for compatibility: the batch path now works in
    /// chunks, see `batch`).
    pub batch_concurrency: usize,
    /// How a client-streamed batch is cut into chunks.
    pub batch: BatchConfig,
    pub worker: WorkerConfig,
    /// How often health re-checks the storage service.
    pub health_interval: Duration,
}

impl IngestConfig {
    pub fn new(storage_url: impl Into<String>, extraction_url: impl Into<String>) -> Self {
        let mut extraction = ClientConfig::new(extraction_url);
        // Inline extraction is best effort: the queue catches what fails, so don't wait long.
        extraction.retry = marsad_client::RetryPolicy::none();
        extraction.request_timeout = Duration::from_secs(20);
        let mut storage = ClientConfig::new(storage_url);
        // Bulk writes (a chunk of a batch in one transaction) take longer than single ones.
        storage.request_timeout = Duration::from_secs(120);
        Self {
            storage,
            extraction,
            limits: ServerLimits::default(),
            max_text_bytes: DEFAULT_MAX_TEXT_BYTES,
            batch_concurrency: 16,
            batch: BatchConfig::default(),
            worker: WorkerConfig::default(),
            health_interval: Duration::from_secs(2),
        }
    }
}

/// Why the ingest service could not start.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error(transparent)]
    Client(#[from] marsad_client::ClientError),
    #[error(transparent)]
    Transport(#[from] tonic::transport::Error),
}

/// Serves the ingest API on `listener`, and runs the queue worker, until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    config: IngestConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), IngestError> {
    let storage = StorageClient::connect(config.storage.clone())?;
    let extraction = ExtractionClient::connect(config.extraction.clone())?;
    let pipeline = Pipeline::new(storage.clone(), extraction.clone(), config.max_text_bytes);
    let health = marsad_runtime::health(&[SERVICE_NAME]).await;

    let (closing_tx, closing_rx) = tokio::sync::watch::channel(false);
    let health_task = tokio::spawn(watch_storage(
        config.storage.clone(),
        health.reporter.clone(),
        config.health_interval,
    ));
    let worker_task = tokio::spawn(worker::drain_queue(
        pipeline.clone(),
        config.worker.clone(),
        closing_rx,
    ));

    let api = service::IngestApi::new(pipeline, config.batch.clone());
    let server = marsad_proto::v1::ingest_service_server::IngestServiceServer::new(api)
        .max_decoding_message_size(config.limits.max_message_bytes)
        .max_encoding_message_size(config.limits.max_message_bytes);
    let shutdown = async move {
        shutdown.await;
        let _ = closing_tx.send(true);
    };
    let result = marsad_runtime::serve(
        listener,
        Routes::new(server),
        health,
        &config.limits,
        shutdown,
    )
    .await;
    health_task.abort();
    // The worker finishes the article in hand, then stops.
    let _ = tokio::time::timeout(Duration::from_secs(10), worker_task).await;
    result.map_err(Into::into)
}

/// Keeps health in step with the storage service: SERVING while it reports SERVING.
async fn watch_storage(
    storage: ClientConfig,
    reporter: marsad_runtime::HealthReporter,
    interval: Duration,
) {
    let mut last = None;
    loop {
        let status = match marsad_client::health_check(
            &storage,
            marsad_proto::v1::storage_service_server::SERVICE_NAME,
        )
        .await
        {
            Ok(true) => ServingStatus::Serving,
            _ => ServingStatus::NotServing,
        };
        if last != Some(status) {
            tracing::info!(status = ?status, storage = %storage.url, "ingest health");
            marsad_runtime::set_status(&reporter, &[SERVICE_NAME], status).await;
            last = Some(status);
        }
        tokio::time::sleep(interval).await;
    }
}
