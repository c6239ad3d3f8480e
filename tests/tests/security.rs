//! Security at the edge of every service: bearer tokens with scopes, TLS and mutual TLS between
//! the services, health reachable by probes without a token or TLS, per-client rate limits, and
//! the message-size and deadline limits.

use std::sync::Arc;
use std::time::Duration;

use marsad_client::{ExtractionClient, IngestClient, StorageClient};
use marsad_tests::*;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use tonic::Code;

const FEEDER: &str = "feeder-token-0123456789";
const READER: &str = "reader-token-0123456789";
const SERVICE: &str = "service-token-0123456789";

fn tokens() -> Arc<TokenStore> {
    let reader_digest = marsad_runtime::auth::token_digest(READER);
    Arc::new(
        TokenStore::parse(&format!(
            "{FEEDER} ingest feeder\n{reader_digest} read analyst\n{SERVICE} admin ingest-service\n"
        ))
        .unwrap(),
    )
}

fn secured(pki: Option<&TestPki>, health: bool) -> ServerLimits {
    ServerLimits {
        auth: Some(tokens()),
        tls: pki.map(|p| p.server_tls(true)),
        health_listener: health
            .then(|| SharedListener::bind("127.0.0.1:0".parse().unwrap()).unwrap()),
        ..ServerLimits::default()
    }
}

async fn code_of<T: std::fmt::Debug>(
    call: impl std::future::Future<Output = Result<T, tonic::Status>>,
) -> Code {
    match call.await {
        Ok(_) => Code::Ok,
        Err(status) => status.code(),
    }
}

/// Checks the plaintext health port: SERVING without token and without TLS.
async fn plain_health(listener: &SharedListener) -> bool {
    let url = format!("http://{}", listener.local_addr());
    marsad_client::is_serving(&url, "liveness")
        .await
        .unwrap_or(false)
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn tokens_and_scopes_gate_every_rpc(_: PgPoolOptions, db: PgConnectOptions) {
    let storage_limits = secured(None, false);
    let storage = start_storage_with(db, storage_limits).await;
    let extraction = start_extraction_with(None, secured(None, false)).await;
    let service = |url: String| client_config(url, None, Some(SERVICE));
    let ingest = start_ingest_with(
        service(storage.url()),
        service(extraction.url()),
        secured(None, false),
    )
    .await;
    // Health needs no token.
    wait_serving(&ingest.url(), "", Duration::from_secs(20)).await;
    wait_serving(&storage.url(), "", Duration::from_secs(20)).await;

    let ingest_as = |token: Option<&str>| {
        IngestClient::connect(client_config(ingest.url(), None, token)).unwrap()
    };
    let storage_as = |token: Option<&str>| {
        StorageClient::connect(client_config(storage.url(), None, token)).unwrap()
    };
    let article = sample_request(SAMPLE_EN);

    let none = code_of(ingest_as(None).ingest_article(article.clone())).await;
    let bad =
        code_of(ingest_as(Some("not-a-known-token-at-all")).ingest_article(article.clone())).await;
    let wrong_scope = code_of(ingest_as(Some(READER)).ingest_article(article.clone())).await;
    let ok = ingest_as(Some(FEEDER))
        .ingest_article(article.clone())
        .await
        .expect("feeder ingests");
    println!("IngestArticle: no token {none:?}, bad token {bad:?}, read scope {wrong_scope:?}, ingest scope OK ({} events)", ok.event_count);
    assert_eq!(none, Code::Unauthenticated);
    assert_eq!(bad, Code::Unauthenticated);
    assert_eq!(wrong_scope, Code::PermissionDenied);
    assert!(
        ok.event_count > 0,
        "ingest → storage and extraction ran with the service token"
    );

    let list = v1::ListEventsRequest::default();
    let reader_list = storage_as(Some(READER))
        .list_events(list.clone())
        .await
        .expect("reader lists");
    let feeder_list = code_of(storage_as(Some(FEEDER)).list_events(list.clone())).await;
    let anon_stats = code_of(storage_as(None).stats(v1::StatsRequest::default())).await;
    let reader_put =
        code_of(storage_as(Some(READER)).put_article(v1::PutArticleRequest::default())).await;
    let reader_claim =
        code_of(storage_as(Some(READER)).claim_pending(v1::ClaimPendingRequest::default())).await;
    let reader_extract = code_of(
        ExtractionClient::connect(client_config(extraction.url(), None, Some(READER)))
            .unwrap()
            .extract(v1::ExtractRequest {
                text: "x".into(),
                ..Default::default()
            }),
    )
    .await;
    println!(
        "StorageService: reader ListEvents OK ({} events), feeder ListEvents {feeder_list:?}, anonymous Stats {anon_stats:?}, reader PutArticle {reader_put:?}, reader ClaimPending {reader_claim:?}; ExtractionService: reader Extract {reader_extract:?}",
        reader_list.events.len()
    );
    assert_eq!(reader_list.events.len() as u32, ok.event_count);
    assert_eq!(feeder_list, Code::PermissionDenied);
    assert_eq!(anon_stats, Code::Unauthenticated);
    assert_eq!(reader_put, Code::PermissionDenied);
    assert_eq!(reader_claim, Code::PermissionDenied);
    assert_eq!(reader_extract, Code::PermissionDenied);

    // Reflection stays open without a token.
    let channel = tonic::transport::Endpoint::from_shared(storage.url())
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut reflection =
        tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient::new(channel);
    let request = tonic_reflection::pb::v1::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(
            tonic_reflection::pb::v1::server_reflection_request::MessageRequest::ListServices(
                String::new(),
            ),
        ),
    };
    let mut stream = reflection
        .server_reflection_info(futures::stream::iter([request]))
        .await
        .expect("reflection without a token")
        .into_inner();
    let first = stream.message().await.unwrap().unwrap();
    println!(
        "reflection without a token answered: {:?}",
        first.message_response.is_some()
    );
    assert!(first.message_response.is_some());

    ingest.stop().await;
    extraction.stop().await;
    storage.stop().await;
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn mutual_tls_between_services_and_plaintext_health_for_probes(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let pki = TestPki::generate();
    let storage_limits = secured(Some(&pki), true);
    let storage_health = storage_limits.health_listener.clone().unwrap();
    let storage = start_storage_with(db, storage_limits).await;
    let extraction = start_extraction_with(None, secured(Some(&pki), true)).await;
    // Ingest presents the server certificate as its client certificate (EKU serverAuth+clientAuth).
    let service_tls = marsad_client::ClientTls {
        identity: Some((
            pki.server_cert_pem.clone().into_bytes(),
            pki.server_key_pem.clone().into_bytes(),
        )),
        ..pki.client_tls(false)
    };
    let service = |url: String| client_config(url, Some(service_tls.clone()), Some(SERVICE));
    let ingest_limits = secured(Some(&pki), true);
    let ingest_health = ingest_limits.health_listener.clone().unwrap();
    let ingest = start_ingest_with(
        service(storage.url()),
        service(extraction.url()),
        ingest_limits,
    )
    .await;

    // Probes: plaintext, no token, on the health port.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let serving = |l: SharedListener| async move {
        let url = format!("http://{}", l.local_addr());
        marsad_client::is_serving(&url, "").await.unwrap_or(false)
    };
    while !(serving(ingest_health.clone()).await && serving(storage_health.clone()).await) {
        assert!(
            std::time::Instant::now() < deadline,
            "ingest (over mTLS to storage) never turned SERVING"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(plain_health(&storage_health).await);
    println!(
        "plaintext health ports SERVING without TLS or token: ingest {}, storage {}",
        ingest_health.local_addr(),
        storage_health.local_addr()
    );

    // The TLS port refuses plaintext, and mutual TLS refuses a client without a certificate.
    let plaintext = marsad_client::is_serving(&storage.url(), "").await;
    let no_cert = marsad_client::health_check(
        &client_config(storage.url(), Some(pki.client_tls(false)), None),
        "",
    )
    .await;
    let with_cert = marsad_client::health_check(
        &client_config(storage.url(), Some(pki.client_tls(true)), None),
        "",
    )
    .await;
    println!(
        "TLS port: plaintext client {:?}, TLS without client cert {:?}, mTLS client {:?}",
        plaintext.as_ref().map_err(|s| s.code()),
        no_cert.as_ref().map_err(|s| s.code()),
        with_cert.as_ref().map_err(|s| s.code())
    );
    assert!(
        !matches!(plaintext, Ok(true)),
        "the TLS port does not speak plaintext"
    );
    assert!(no_cert.is_err(), "mutual TLS requires a client certificate");
    assert!(with_cert.unwrap());

    // The whole path over mTLS: client → ingest → storage + extraction.
    let client = IngestClient::connect(client_config(
        ingest.url(),
        Some(pki.client_tls(true)),
        Some(FEEDER),
    ))
    .unwrap();
    let response = client
        .ingest_article(sample_request(SAMPLE_AR))
        .await
        .expect("ingest over mTLS");
    let reader = StorageClient::connect(client_config(
        storage.url(),
        Some(pki.client_tls(true)),
        Some(READER),
    ))
    .unwrap();
    let events = all_events(&reader, v1::EventFilter::default()).await;
    println!(
        "over mTLS: article {} stored, extracted inline: {}, {} events listed",
        response.article_id,
        response.extracted,
        events.len()
    );
    assert!(response.extracted);
    assert_eq!(events.len() as u32, response.event_count);

    ingest.stop().await;
    extraction.stop().await;
    storage.stop().await;
}

#[tokio::test]
async fn per_client_rate_limit_gives_resource_exhausted() {
    let limits = ServerLimits {
        auth: Some(tokens()),
        rate_limit: Some(RateLimit {
            per_second: 2.0,
            burst: 5,
        }),
        ..ServerLimits::default()
    };
    let extraction = start_extraction_with(None, limits).await;
    wait_serving(&extraction.url(), "", Duration::from_secs(20)).await;
    let as_client = |token| {
        ExtractionClient::connect(client_config(extraction.url(), None, Some(token))).unwrap()
    };
    let service = as_client(SERVICE);
    let mut codes = Vec::new();
    for _ in 0..20 {
        codes.push(code_of(service.engine_info(v1::EngineInfoRequest::default())).await);
    }
    let ok = codes.iter().filter(|c| **c == Code::Ok).count();
    let limited = codes
        .iter()
        .filter(|c| **c == Code::ResourceExhausted)
        .count();
    // Another client has its own bucket; health is never limited.
    let other = code_of(as_client(READER).engine_info(v1::EngineInfoRequest::default())).await;
    let health = marsad_client::is_serving(&extraction.url(), "").await;
    println!("20 rapid calls by one client: {ok} OK, {limited} RESOURCE_EXHAUSTED; another client: {other:?}; health: {health:?}");
    assert!(
        (5..=7).contains(&ok),
        "burst of 5 (+ refill) admitted, got {ok}"
    );
    assert_eq!(ok + limited, 20);
    assert_eq!(
        other,
        Code::PermissionDenied,
        "the reader's own bucket let it through to the scope check"
    );
    assert!(health.unwrap());
    extraction.stop().await;
}

#[tokio::test]
async fn message_size_and_deadline_limits_are_enforced() {
    let limits = ServerLimits {
        max_message_bytes: 64 * 1024,
        request_timeout: Duration::from_millis(20),
        ..ServerLimits::default()
    };
    let extraction = start_extraction_with(None, limits).await;
    wait_serving(&extraction.url(), "", Duration::from_secs(20)).await;
    let client = ExtractionClient::connect(client_config(extraction.url(), None, None)).unwrap();
    let too_big = client
        .extract(v1::ExtractRequest {
            text: "a".repeat(100 * 1024),
            ..Default::default()
        })
        .await
        .unwrap_err();
    // An admissible article that takes longer than the server's 20 ms deadline on a debug build.
    let sentence =
        "The army shelled the town of Idlib on Monday, killing five civilians, officials said. ";
    let slow_text = sentence.repeat(6 * 1024 / sentence.len());
    let started = std::time::Instant::now();
    let slow = client
        .extract(v1::ExtractRequest {
            text: slow_text,
            ..Default::default()
        })
        .await;
    let slow_elapsed = started.elapsed();
    // The client's own deadline is honoured too, on an article (60 KiB) that takes more than
    // 1 ms on any build: a release build extracts the 6 KiB one in less.
    let mut short = client_config(extraction.url(), None, None);
    short.request_timeout = Duration::from_millis(1);
    let client_deadline = ExtractionClient::connect(short)
        .unwrap()
        .extract(v1::ExtractRequest {
            text: sentence.repeat(60 * 1024 / sentence.len()),
            ..Default::default()
        })
        .await;
    let small = client
        .extract(v1::ExtractRequest {
            text: "Protesters marched in Cairo.".into(),
            ..Default::default()
        })
        .await;
    println!(
        "100 KiB message over a 64 KiB limit: {:?}; 6 KiB article under a 20 ms server deadline: {:?} after {:?}; 1 ms client deadline: {:?}; small article: {:?}",
        too_big.code(),
        slow.as_ref().map(|_| "OK").map_err(|s| s.code()),
        slow_elapsed,
        client_deadline.as_ref().map(|_| "OK").map_err(|s| s.code()),
        small.as_ref().map(|_| "OK").map_err(|s| s.code()),
    );
    assert!(
        matches!(too_big.code(), Code::OutOfRange | Code::ResourceExhausted),
        "{too_big:?}"
    );
    match slow {
        Ok(_) => assert!(
            slow_elapsed < Duration::from_millis(400),
            "answered late without a deadline error"
        ),
        Err(status) => {
            assert!(
                matches!(status.code(), Code::Cancelled | Code::DeadlineExceeded),
                "{status:?}"
            );
            assert!(slow_elapsed < Duration::from_secs(5));
        }
    }
    assert!(matches!(
        client_deadline.unwrap_err().code(),
        Code::DeadlineExceeded | Code::Cancelled
    ));
    assert!(small.is_ok());
    extraction.stop().await;
}
