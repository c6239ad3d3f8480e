//! Observability across the services: request ids made at the edge (or taken from the caller)
//! and passed on by marsad-client to storage and extraction, RPC metrics by method and code, the
//! domain counters, and no token or article body in the logs.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use marsad_client::{IngestClient, StorageClient};
use marsad_tests::*;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

const FEEDER: &str = "feeder-token-0123456789-observability";
const SERVICE: &str = "service-token-0123456789-observability";

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn request_ids_cross_services_metrics_count_and_logs_stay_clean(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let logs = Captured::default();
    let _ = tracing_subscriber::fmt()
        .with_env_filter("debug,h2=info,hyper=info,tower=info,sqlx=info,rustls=info")
        .with_writer(logs.clone())
        .with_ansi(false)
        .try_init();
    let metrics = marsad_runtime::metrics::install();

    let tokens = Arc::new(
        TokenStore::parse(&format!(
            "{FEEDER} ingest,read feeder\n{SERVICE} admin ingest-service\n"
        ))
        .unwrap(),
    );
    let limits = ServerLimits {
        auth: Some(tokens),
        ..ServerLimits::default()
    };
    let storage = start_storage_with(db, limits.clone()).await;
    let extraction = start_extraction_with(None, limits.clone()).await;
    let service = |url: String| client_config(url, None, Some(SERVICE));
    let ingest = start_ingest_with(service(storage.url()), service(extraction.url()), limits).await;
    wait_serving(&ingest.url(), "", Duration::from_secs(20)).await;

    // A caller-chosen request id, through raw tonic so the metadata is ours.
    let channel = tonic::transport::Endpoint::from_shared(ingest.url())
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut raw = v1::ingest_service_client::IngestServiceClient::new(channel);
    let marker = "Zanzibar-unique-body-marker";
    let mut request = tonic::Request::new(sample_request(&format!("{SAMPLE_EN}\n{marker}")));
    request
        .metadata_mut()
        .insert("x-request-id", "req-observability-42".parse().unwrap());
    request
        .metadata_mut()
        .insert("authorization", format!("Bearer {FEEDER}").parse().unwrap());
    let response = raw
        .ingest_article(request)
        .await
        .expect("ingest")
        .into_inner();
    assert!(response.extracted);

    // An id made at the edge when the caller sends none.
    let client = IngestClient::connect(client_config(ingest.url(), None, Some(FEEDER))).unwrap();
    client
        .ingest_article(sample_request(SAMPLE_AR))
        .await
        .expect("ingest");
    let unauthenticated = IngestClient::connect(client_config(ingest.url(), None, None))
        .unwrap()
        .ingest_article(sample_request("x"))
        .await
        .unwrap_err();
    assert_eq!(unauthenticated.code(), tonic::Code::Unauthenticated);
    let reader = StorageClient::connect(client_config(storage.url(), None, Some(FEEDER))).unwrap();
    let stats = reader
        .stats(v1::StatsRequest::default())
        .await
        .expect("stats");

    tokio::time::sleep(Duration::from_millis(300)).await;
    let text = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
    let lines_with = |needle: &str, service: &str| {
        text.lines()
            .filter(|l| l.contains(needle) && l.contains(service))
            .count()
    };
    let at_ingest = lines_with(
        "request_id=req-observability-42",
        "rpc.service=marsad.v1.IngestService",
    );
    let at_storage = lines_with(
        "request_id=req-observability-42",
        "rpc.service=marsad.v1.StorageService",
    );
    let at_extraction = lines_with(
        "request_id=req-observability-42",
        "rpc.service=marsad.v1.ExtractionService",
    );
    let generated = text
        .lines()
        .filter(|l| l.contains("rpc.method=IngestArticle") && !l.contains("req-observability-42"))
        .filter_map(|l| l.split("request_id=").nth(1))
        .map(|rest| {
            rest.split(|c: char| !c.is_ascii_alphanumeric())
                .next()
                .unwrap_or("")
        })
        .find(|id| id.len() == 32)
        .map(str::to_owned);
    println!(
        "request id req-observability-42 in log lines: ingest {at_ingest}, storage {at_storage}, extraction {at_extraction}; generated id at the edge: {generated:?}"
    );
    assert!(at_ingest > 0 && at_storage > 0 && at_extraction > 0);
    let generated = generated.expect("a generated 32-hex request id");
    assert!(
        lines_with(
            &format!("request_id={generated}"),
            "rpc.service=marsad.v1.StorageService"
        ) > 0,
        "the generated id reaches storage too"
    );

    let leaks: Vec<&str> = [FEEDER, SERVICE, marker, "Bearer", "authorization"]
        .into_iter()
        .filter(|secret| text.contains(secret))
        .collect();
    println!(
        "log bytes captured: {}, secrets or bodies found in logs: {leaks:?}",
        text.len()
    );
    assert!(
        leaks.is_empty(),
        "logs must not contain tokens, headers or article bodies"
    );

    let rendered = metrics.render();
    let sample = |needle: &[&str]| {
        rendered
            .lines()
            .filter(|l| !l.starts_with('#') && needle.iter().all(|n| l.contains(n)))
            .map(|l| {
                l.rsplit(' ')
                    .next()
                    .unwrap_or("0")
                    .parse::<f64>()
                    .unwrap_or(0.0)
            })
            .sum::<f64>()
    };
    let ingest_ok = sample(&[
        "marsad_rpc_requests_total{",
        "method=\"IngestArticle\"",
        "code=\"OK\"",
    ]);
    let ingest_unauth = sample(&[
        "marsad_rpc_requests_total{",
        "method=\"IngestArticle\"",
        "code=\"UNAUTHENTICATED\"",
    ]);
    let put_ok = sample(&[
        "marsad_rpc_requests_total{",
        "method=\"PutArticle\"",
        "code=\"OK\"",
    ]);
    let latency_count = sample(&["marsad_rpc_duration_seconds_count{", "method=\"Extract\""]);
    let articles = sample(&["marsad_articles_stored_total"]);
    let events = sample(&["marsad_events_stored_total"]);
    let denied = sample(&["marsad_auth_denied_total{", "unauthenticated"]);
    let has_queue_gauge = rendered.contains("marsad_extraction_queue_depth");
    println!(
        "metrics: IngestArticle OK {ingest_ok}, UNAUTHENTICATED {ingest_unauth}; PutArticle OK {put_ok}; Extract latency samples {latency_count}; articles stored {articles}; events stored {events}; auth denied {denied}; queue depth gauge present: {has_queue_gauge}; storage stats: {} articles",
        stats.articles
    );
    assert!(
        ingest_ok >= 2.0
            && ingest_unauth >= 1.0
            && put_ok >= 2.0
            && latency_count >= 2.0
            && denied >= 1.0
    );
    assert!(
        articles >= 2.0 && events >= 1.0,
        "domain counters are bumped by storage"
    );
    assert!(has_queue_gauge);

    ingest.stop().await;
    extraction.stop().await;
    storage.stop().await;
}
