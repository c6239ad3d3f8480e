//! The queue worker: leases articles waiting for extraction from the storage service, extracts
//! them, stores their events; backs off while the extraction service is down.

use std::time::Duration;

use tokio::sync::watch;

use crate::Pipeline;

/// How the queue worker polls and backs off.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Pause between polls of an empty queue.
    pub poll_interval: Duration,
    /// Articles leased per poll.
    pub batch: u32,
    /// How long a lease lasts before another worker may take the article.
    pub lease: Duration,
    /// Longest pause after failures.
    pub max_backoff: Duration,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_secs(1),
            batch: 64,
            lease: Duration::from_secs(120),
            max_backoff: Duration::from_secs(30),
        }
    }
}

/// Drains the queue until `closing` turns true.
pub(crate) async fn drain_queue(
    pipeline: Pipeline,
    config: WorkerConfig,
    mut closing: watch::Receiver<bool>,
) {
    let mut failures: u32 = 0;
    loop {
        if *closing.borrow() {
            return;
        }
        let pause = match pipeline.claim(config.batch, config.lease).await {
            Ok(articles) if articles.is_empty() => {
                failures = 0;
                config.poll_interval
            }
            Ok(articles) => {
                if *closing.borrow() {
                    // Give them back rather than waiting out their leases.
                    for article in &articles {
                        pipeline
                            .release(&article.id, &tonic::Status::aborted("worker stopping"))
                            .await;
                    }
                    return;
                }
                // One ExtractBatch and one PutExtractions for the lot; failures are released.
                let claimed = articles.len();
                let results = pipeline.extract_and_store_many(articles).await;
                let failed = results.iter().filter(|r| r.is_err()).count();
                marsad_runtime::metrics::extraction_failures("queue", failed as u64);
                let events: u32 = results.iter().filter_map(|r| r.as_ref().ok()).sum();
                tracing::info!(
                    articles = claimed,
                    failed,
                    events,
                    "queued articles extracted"
                );
                if failed > 0 {
                    failures += 1;
                    backoff(&config, failures)
                } else {
                    failures = 0;
                    Duration::ZERO
                }
            }
            Err(status) => {
                failures += 1;
                tracing::debug!(code = ?status.code(), "cannot claim from the queue");
                backoff(&config, failures)
            }
        };
        if !pause.is_zero() {
            tokio::select! {
                () = tokio::time::sleep(pause) => {}
                _ = closing.changed() => {}
            }
        }
    }
}

fn backoff(config: &WorkerConfig, failures: u32) -> Duration {
    config
        .poll_interval
        .saturating_mul(1 << failures.min(6))
        .min(config.max_backoff)
}
