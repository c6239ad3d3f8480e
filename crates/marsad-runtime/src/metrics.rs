//! Prometheus metrics: a process-wide recorder, a plain HTTP `/metrics` endpoint, the RPC metrics
//! recorded by the edge layer, and the few domain counters the services bump.
//!
//! | metric | kind | labels |
//! |---|---|---|
//! | `marsad_rpc_requests_total` | counter | service, method, code |
//! | `marsad_rpc_duration_seconds` | histogram | service, method, code |
//! | `marsad_auth_denied_total` | counter | reason (`unauthenticated`, `permission_denied`) |
//! | `marsad_rate_limited_total` | counter | (none) |
//! | `marsad_articles_stored_total` | counter | (none): articles newly stored (rate = articles/s) |
//! | `marsad_events_stored_total` | counter | (none): events written by extractions (rate = events/s) |
//! | `marsad_extraction_failures_total` | counter | reason |
//! | `marsad_extraction_queue_depth` | gauge | (none): articles waiting for extraction |

use std::convert::Infallible;
use std::future::Future;
use std::sync::OnceLock;
use std::time::Duration;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

const LATENCY_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0, 60.0,
];

/// Installs the process-wide Prometheus recorder (once; later calls return the same handle).
pub fn install() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Suffix("duration_seconds".into()),
                    &LATENCY_BUCKETS,
                )
                .expect("non-empty buckets")
                .build_recorder();
            let handle = recorder.handle();
            if metrics::set_global_recorder(recorder).is_err() {
                tracing::warn!("another metrics recorder is installed; /metrics will be empty");
            }
            describe();
            let upkeep = handle.clone();
            std::thread::Builder::new()
                .name("metrics-upkeep".into())
                .spawn(move || loop {
                    std::thread::sleep(Duration::from_secs(5));
                    upkeep.run_upkeep();
                })
                .ok();
            handle
        })
        .clone()
}

fn describe() {
    metrics::describe_counter!(
        "marsad_rpc_requests_total",
        "RPCs finished, by method and code"
    );
    metrics::describe_histogram!(
        "marsad_rpc_duration_seconds",
        metrics::Unit::Seconds,
        "RPC latency, by method and code"
    );
    metrics::describe_counter!("marsad_auth_denied_total", "RPCs refused by authentication");
    metrics::describe_counter!(
        "marsad_rate_limited_total",
        "RPCs refused by per-client rate limits"
    );
    metrics::describe_counter!("marsad_articles_stored_total", "Articles newly stored");
    metrics::describe_counter!(
        "marsad_events_stored_total",
        "Events written by extractions"
    );
    metrics::describe_counter!(
        "marsad_extraction_failures_total",
        "Extractions that failed"
    );
    metrics::describe_gauge!(
        "marsad_extraction_queue_depth",
        "Articles waiting for extraction"
    );
}

/// Serves `GET /metrics` (and `/`) as plain HTTP/1.1 on `listener` until `shutdown` resolves.
pub async fn serve_metrics(
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let handle = install();
    tokio::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            () = &mut shutdown => return Ok(()),
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                Err(err) => {
                    tracing::warn!(error = %err, "metrics accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let handle = handle.clone();
        tokio::spawn(async move {
            let service =
                hyper::service::service_fn(move |req: http::Request<hyper::body::Incoming>| {
                    let handle = handle.clone();
                    async move {
                        let response = if req.method() == http::Method::GET
                            && matches!(req.uri().path(), "/metrics" | "/")
                        {
                            http::Response::builder()
                                .header("content-type", "text/plain; version=0.0.4")
                                .body(handle.render())
                        } else {
                            http::Response::builder()
                                .status(http::StatusCode::NOT_FOUND)
                                .body("not found\n".to_owned())
                        };
                        Ok::<_, Infallible>(response.expect("a valid response"))
                    }
                });
            let conn = hyper::server::conn::http1::Builder::new()
                .header_read_timeout(Duration::from_secs(10))
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            let _ = tokio::time::timeout(Duration::from_secs(60), conn).await;
        });
    }
}

/// Articles newly stored (storage).
pub fn articles_stored(n: u64) {
    metrics::counter!("marsad_articles_stored_total").increment(n);
}

/// Events written by extractions (storage).
pub fn events_stored(n: u64) {
    metrics::counter!("marsad_events_stored_total").increment(n);
}

/// Extractions that failed (`inline`: at ingest, left to the queue; `queue`: by the worker,
/// released for a later attempt).
pub fn extraction_failures(reason: &'static str, n: u64) {
    metrics::counter!("marsad_extraction_failures_total", "reason" => reason).increment(n);
}

/// Articles waiting for extraction (storage, refreshed periodically).
pub fn set_queue_depth(n: u64) {
    metrics::gauge!("marsad_extraction_queue_depth").set(n as f64);
}

pub(crate) fn record_rpc(service: &str, method: &str, code: &'static str, elapsed: Duration) {
    let labels = [
        ("service", service.to_owned()),
        ("method", method.to_owned()),
        ("code", code.to_owned()),
    ];
    metrics::counter!("marsad_rpc_requests_total", &labels).increment(1);
    metrics::histogram!("marsad_rpc_duration_seconds", &labels).record(elapsed.as_secs_f64());
}

pub(crate) fn auth_denied(reason: &'static str) {
    metrics::counter!("marsad_auth_denied_total", "reason" => reason).increment(1);
}

pub(crate) fn rate_limited() {
    metrics::counter!("marsad_rate_limited_total").increment(1);
}
