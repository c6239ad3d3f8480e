//! End to end: ingest → storage → extraction → events, against real Postgres and real gRPC servers.

use std::time::Duration;

use marsad_tests::*;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use tonic::Code;

fn kinds(events: &[v1::Event]) -> Vec<&str> {
    events.iter().map(|e| e.kind.as_str()).collect()
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn ingested_sample_yields_meeting_and_coalition_join(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(db).await;
    let response = stack
        .ingest_client()
        .ingest_article(sample_request(SAMPLE_AR))
        .await
        .expect("ingest the sample");
    assert_eq!(response.outcome, v1::IngestOutcome::Stored as i32);
    assert!(
        response.extracted,
        "extraction runs inline when the service is up"
    );
    assert_eq!(response.lang, "ar");

    let events = all_events(&stack.storage_client(), v1::EventFilter::default()).await;
    assert_eq!(events.len() as u32, response.event_count);
    let meeting = events
        .iter()
        .find(|e| e.kind == "MEETING" && e.date.as_ref().is_some_and(|d| d.value == "2026-02-09"))
        .unwrap_or_else(|| panic!("a MEETING dated 2026-02-09 among {:?}", kinds(&events)));
    assert_eq!(
        meeting.location.as_ref().map(|l| l.country.as_str()),
        Some("SAU")
    );
    assert!(meeting.actors.iter().any(|a| a.country == "SAU"));
    let join = events
        .iter()
        .find(|e| e.kind == "COALITION_JOIN")
        .unwrap_or_else(|| panic!("a COALITION_JOIN among {:?}", kinds(&events)));
    assert!(join.actors.iter().any(|a| a.country == "SYR"));
    for event in &events {
        assert_eq!(event.article_id, response.article_id);
        let evidence = event.evidence.as_ref().expect("evidence");
        let text: String = SAMPLE_AR
            .chars()
            .skip(evidence.start as usize)
            .take((evidence.end - evidence.start) as usize)
            .collect();
        assert_eq!(
            text, evidence.text,
            "evidence offsets point into the article"
        );
    }

    // Filters reach Postgres.
    let meetings = all_events(
        &stack.storage_client(),
        v1::EventFilter {
            kinds: vec!["MEETING".into()],
            countries: vec!["SAU".into()],
            since: "2026-02-09".into(),
            until: "2026-02-09".into(),
            ..Default::default()
        },
    )
    .await;
    assert!(!meetings.is_empty() && meetings.iter().all(|e| e.kind == "MEETING"));
    let none = all_events(
        &stack.storage_client(),
        v1::EventFilter {
            countries: vec!["BRA".into()],
            ..Default::default()
        },
    )
    .await;
    assert!(none.is_empty());
    stack.stop().await;
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn reingesting_the_same_article_changes_nothing(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(db).await;
    let ingest = stack.ingest_client();
    let storage = stack.storage_client();
    let first = ingest
        .ingest_article(sample_request(SAMPLE_AR))
        .await
        .unwrap();
    let before = storage.stats(v1::StatsRequest {}).await.unwrap();
    let second = ingest
        .ingest_article(sample_request(SAMPLE_AR))
        .await
        .unwrap();
    let after = storage.stats(v1::StatsRequest {}).await.unwrap();
    assert_eq!(second.outcome, v1::IngestOutcome::Duplicate as i32);
    assert_eq!(second.article_id, first.article_id);
    assert_eq!(
        (before.articles, before.events),
        (after.articles, after.events)
    );
    assert_eq!(after.articles, 1);
    assert_eq!(after.pending, 0);

    // Re-extracting replaces the article's events: same ids, same count.
    let ids = |events: &[v1::Event]| {
        let mut ids: Vec<String> = events.iter().map(|e| e.id.clone()).collect();
        ids.sort();
        ids
    };
    let old = all_events(&storage, v1::EventFilter::default()).await;
    let article = storage
        .get_article(v1::GetArticleRequest {
            article_id: first.article_id.clone(),
        })
        .await
        .unwrap();
    assert_eq!(article.extraction, v1::ExtractionState::Done as i32);
    let extraction = marsad_client::ExtractionClient::connect(marsad_client::ClientConfig::new(
        stack.extraction.url(),
    ))
    .unwrap()
    .extract(v1::ExtractRequest {
        id: article.id.clone(),
        text: article.text.clone(),
        lang: article.lang.clone(),
        published: article.published.clone(),
        ..Default::default()
    })
    .await
    .unwrap();
    storage
        .put_extraction(v1::PutExtractionRequest {
            article_id: article.id.clone(),
            entities: extraction.entities,
            events: extraction.events,
            engine_version: extraction.engine_version,
        })
        .await
        .unwrap();
    let new = all_events(&storage, v1::EventFilter::default()).await;
    assert_eq!(ids(&old), ids(&new), "stable content-derived ids");
    stack.stop().await;
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn extraction_down_at_ingest_then_the_queue_drains(_: PgPoolOptions, db: PgConnectOptions) {
    let storage = start_storage(db).await;
    let extraction_addr = vacant_addr().await;
    let ingest = start_ingest(storage.url(), format!("http://{extraction_addr}")).await;
    wait_serving(&ingest.url(), "", Duration::from_secs(20)).await;

    let client =
        marsad_client::IngestClient::connect(marsad_client::ClientConfig::new(ingest.url()))
            .unwrap();
    let response = client
        .ingest_article(sample_request(SAMPLE_EN))
        .await
        .expect("acknowledged while extraction is down");
    assert_eq!(response.outcome, v1::IngestOutcome::Stored as i32);
    assert!(!response.extracted);
    let storage_client =
        marsad_client::StorageClient::connect(marsad_client::ClientConfig::new(storage.url()))
            .unwrap();
    let stats = storage_client.stats(v1::StatsRequest {}).await.unwrap();
    assert_eq!((stats.articles, stats.events, stats.pending), (1, 0, 1));

    let extraction = start_extraction_at(Some(extraction_addr)).await;
    let stats = eventually("the queue to drain", Duration::from_secs(30), || async {
        let stats = storage_client.stats(v1::StatsRequest {}).await.ok()?;
        (stats.pending == 0).then_some(stats)
    })
    .await;
    assert!(stats.events > 0, "the drained article has events");
    let events = all_events(&storage_client, v1::EventFilter::default()).await;
    assert!(events.iter().all(|e| e.article_id == response.article_id));
    ingest.stop().await;
    extraction.stop().await;
    storage.stop().await;
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn bad_input_is_invalid_argument_and_stores_nothing(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(db).await;
    let ingest = stack.ingest_client();
    let bad = [
        ("empty body", v1::IngestArticleRequest::default()),
        ("blank body", sample_request(" \n\t ")),
        (
            "bad date",
            v1::IngestArticleRequest {
                published: "10/02/2026".into(),
                ..sample_request("Clashes erupted in Aleppo on Monday.")
            },
        ),
        (
            "bad language",
            v1::IngestArticleRequest {
                lang: "arabic!".into(),
                ..sample_request("Clashes erupted in Aleppo on Monday.")
            },
        ),
        ("binary", sample_request(&"\u{0}\u{1}\u{2}junk".repeat(100))),
        ("too large", sample_request(&"word ".repeat(600_000))),
    ];
    for (what, request) in bad {
        let status = ingest.ingest_article(request).await.expect_err(what);
        assert_eq!(status.code(), Code::InvalidArgument, "{what}: {status:?}");
        assert!(!status.message().is_empty());
    }
    let stats = stack
        .storage_client()
        .stats(v1::StatsRequest {})
        .await
        .unwrap();
    assert_eq!((stats.articles, stats.events, stats.pending), (0, 0, 0));

    // Storage refuses malformed records from other services too.
    let storage = stack.storage_client();
    let status = storage
        .put_article(v1::PutArticleRequest {
            article: Some(v1::Article {
                text: "x".into(),
                lang: "en".into(),
                content_hash: "not-hex".into(),
                ..Default::default()
            }),
            lease_seconds: 0,
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    let status = storage
        .put_extraction(v1::PutExtractionRequest {
            article_id: "a_missing".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    let status = storage
        .list_events(v1::ListEventsRequest {
            filter: Some(v1::EventFilter {
                kinds: vec!["NOT_A_KIND".into()],
                ..Default::default()
            }),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    let status = storage
        .list_events(v1::ListEventsRequest {
            page_token: "garbage".into(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    stack.stop().await;
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn a_batch_reports_each_item_and_stores_the_good_ones(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db).await;
    let items = vec![
        v1::IngestArticleRequest {
            client_ref: "ar".into(),
            ..sample_request(SAMPLE_AR)
        },
        v1::IngestArticleRequest {
            client_ref: "empty".into(),
            ..sample_request("")
        },
        v1::IngestArticleRequest {
            client_ref: "en".into(),
            ..sample_request(SAMPLE_EN)
        },
        v1::IngestArticleRequest {
            client_ref: "ar-again".into(),
            ..sample_request(SAMPLE_AR)
        },
    ];
    let response = stack
        .ingest_client()
        .ingest_batch(futures::stream::iter(items))
        .await
        .unwrap();
    let refs: Vec<&str> = response
        .results
        .iter()
        .map(|r| r.client_ref.as_str())
        .collect();
    assert_eq!(
        refs,
        ["ar", "empty", "en", "ar-again"],
        "one result per item, in order"
    );
    assert_eq!(
        (response.stored, response.duplicates, response.rejected),
        (2, 1, 1)
    );
    assert!(response.results[1].error.contains("empty"));
    assert_eq!(
        response.results[3].article_id,
        response.results[0].article_id
    );
    let stats = stack
        .storage_client()
        .stats(v1::StatsRequest {})
        .await
        .unwrap();
    assert_eq!(stats.articles, 2);
    stack.stop().await;
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn pages_and_watch_see_every_event_once(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(db).await;
    let storage = stack.storage_client();
    let mut watch = storage
        .watch_events(v1::WatchEventsRequest {
            after_sequence: 0,
            from_start: true,
            ..Default::default()
        })
        .await
        .unwrap();
    let ingest = stack.ingest_client();
    ingest
        .ingest_article(sample_request(SAMPLE_AR))
        .await
        .unwrap();
    ingest
        .ingest_article(sample_request(SAMPLE_EN))
        .await
        .unwrap();
    let all = all_events(&storage, v1::EventFilter::default()).await;
    assert!(
        all.len() >= 4,
        "both samples yield events: {:?}",
        kinds(&all)
    );

    // Pages of 1 walk the same log in the same order.
    let mut paged = Vec::new();
    let mut token = String::new();
    loop {
        let page = storage
            .list_events(v1::ListEventsRequest {
                page_size: 1,
                page_token: token,
                ..Default::default()
            })
            .await
            .unwrap();
        paged.extend(page.events.into_iter().map(|e| e.sequence));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    let sequences: Vec<u64> = all.iter().map(|e| e.sequence).collect();
    assert_eq!(paged, sequences);
    assert!(sequences.windows(2).all(|w| w[0] < w[1]));

    let mut watched = Vec::new();
    while watched.len() < all.len() {
        let event = tokio::time::timeout(Duration::from_secs(10), watch.message())
            .await
            .expect("watch delivers stored events")
            .unwrap()
            .unwrap();
        watched.push(event.sequence);
    }
    assert_eq!(watched, sequences);
    stack.stop().await;
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn health_turns_serving_only_when_postgres_answers(_: PgPoolOptions, db: PgConnectOptions) {
    // Storage points at a port where Postgres is not (yet) reachable.
    let proxy_addr = vacant_addr().await;
    let real = (db.get_host().to_owned(), db.get_port());
    let storage = start_storage(db.clone().host("127.0.0.1").port(proxy_addr.port())).await;
    let ingest = start_ingest(storage.url(), "http://127.0.0.1:1".into()).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(!marsad_client::is_serving(&storage.url(), "").await.unwrap());
    assert!(
        !marsad_client::is_serving(&storage.url(), marsad_store::SERVICE_NAME)
            .await
            .unwrap()
    );
    assert!(
        !marsad_client::is_serving(&ingest.url(), "").await.unwrap(),
        "ingest depends on storage"
    );

    // Now Postgres answers through a TCP relay on that port.
    let relay = tokio::net::TcpListener::bind(proxy_addr).await.unwrap();
    let relay_task = tokio::spawn(async move {
        loop {
            let Ok((mut inbound, _)) = relay.accept().await else {
                return;
            };
            let target = if real.0.starts_with('/') {
                "127.0.0.1".to_owned()
            } else {
                real.0.clone()
            };
            let port = real.1;
            tokio::spawn(async move {
                if let Ok(mut outbound) =
                    tokio::net::TcpStream::connect((target.as_str(), port)).await
                {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    wait_serving(
        &storage.url(),
        marsad_store::SERVICE_NAME,
        Duration::from_secs(20),
    )
    .await;
    wait_serving(
        &ingest.url(),
        marsad_ingest::SERVICE_NAME,
        Duration::from_secs(20),
    )
    .await;
    ingest.stop().await;
    storage.stop().await;
    relay_task.abort();
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn every_service_answers_reflection_v1_and_v1alpha(_: PgPoolOptions, db: PgConnectOptions) {
    use tonic_reflection::pb::{v1 as r1, v1alpha as r1a};
    let stack = Stack::start(db).await;
    for (running, service) in [
        (&stack.ingest, "marsad.v1.IngestService"),
        (&stack.extraction, "marsad.v1.ExtractionService"),
        (&stack.storage, "marsad.v1.StorageService"),
    ] {
        let channel = tonic::transport::Endpoint::from_shared(running.url())
            .unwrap()
            .connect()
            .await
            .unwrap();
        let mut v1_client =
            r1::server_reflection_client::ServerReflectionClient::new(channel.clone());
        let request = r1::ServerReflectionRequest {
            host: String::new(),
            message_request: Some(r1::server_reflection_request::MessageRequest::ListServices(
                String::new(),
            )),
        };
        let mut stream = v1_client
            .server_reflection_info(futures::stream::iter([request]))
            .await
            .unwrap()
            .into_inner();
        let Some(r1::server_reflection_response::MessageResponse::ListServicesResponse(list)) =
            stream.message().await.unwrap().unwrap().message_response
        else {
            panic!("v1 reflection lists services")
        };
        let names: Vec<String> = list.service.into_iter().map(|s| s.name).collect();
        assert!(names.iter().any(|n| n == service), "{service} in {names:?}");
        assert!(names.iter().any(|n| n == "grpc.health.v1.Health"));
        assert!(
            !names
                .iter()
                .any(|n| n.starts_with("marsad.") && n != service),
            "{service}'s server advertises only its own API: {names:?}"
        );

        let mut alpha = r1a::server_reflection_client::ServerReflectionClient::new(channel);
        let request = r1a::ServerReflectionRequest {
            host: String::new(),
            message_request: Some(
                r1a::server_reflection_request::MessageRequest::FileContainingSymbol(
                    service.into(),
                ),
            ),
        };
        let mut stream = alpha
            .server_reflection_info(futures::stream::iter([request]))
            .await
            .unwrap()
            .into_inner();
        let response = stream.message().await.unwrap().unwrap();
        assert!(matches!(
            response.message_response,
            Some(r1a::server_reflection_response::MessageResponse::FileDescriptorResponse(ref f)) if !f.file_descriptor_proto.is_empty()
        ));
    }
    stack.stop().await;
}
