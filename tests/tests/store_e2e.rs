//! The event store end to end (real services on 127.0.0.1:0, real Postgres): one real-world event
//! reported in two languages is one cluster, a watch resumes exactly once, an export reads back as
//! what ListEvents lists, and re-extraction is idempotent.

use std::collections::BTreeMap;
use std::time::Duration;

use marsad_tests::*;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use v1::storage_service_client::StorageServiceClient;

async fn raw(url: &str) -> StorageServiceClient<tonic::transport::Channel> {
    StorageServiceClient::connect(url.to_owned())
        .await
        .expect("connect to storage")
}

fn request(text: &str, source: &str) -> v1::IngestArticleRequest {
    v1::IngestArticleRequest {
        source: source.to_owned(),
        ..sample_request(text)
    }
}

async fn ingest_both(stack: &Stack) {
    let ingest = stack.ingest_client();
    for (text, source) in [(SAMPLE_AR, "alsharq"), (SAMPLE_EN, "reuters")] {
        let r = ingest.ingest_article(request(text, source)).await.unwrap();
        assert!(r.extracted, "extracted inline");
    }
}

async fn all_clusters(
    client: &mut StorageServiceClient<tonic::transport::Channel>,
    filter: v1::EventFilter,
) -> Vec<v1::EventCluster> {
    let mut out = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = client
            .list_event_clusters(v1::ListEventClustersRequest {
                filter: Some(filter.clone()),
                page_size: 7,
                page_token,
                include_mentions: true,
            })
            .await
            .unwrap()
            .into_inner();
        out.extend(page.clusters);
        if page.next_page_token.is_empty() {
            return out;
        }
        page_token = page.next_page_token;
    }
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn the_same_event_in_arabic_and_english_is_one_cluster(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db).await;
    ingest_both(&stack).await;
    let mut client = raw(&stack.storage.url()).await;

    let meetings = all_clusters(
        &mut client,
        v1::EventFilter {
            kinds: vec!["MEETING".into()],
            since: "2026-02-09".into(),
            until: "2026-02-09".into(),
            countries: vec!["SAU".into()],
            ..Default::default()
        },
    )
    .await;
    assert_eq!(meetings.len(), 1, "one Riyadh meeting: {meetings:#?}");
    let meeting = &meetings[0];
    assert_eq!(meeting.source_count, 2);
    assert_eq!(meeting.mention_count, 2);
    assert_eq!(meeting.sources, ["alsharq", "reuters"]);
    assert_eq!(meeting.date.as_ref().unwrap().value, "2026-02-09");
    assert_eq!(
        meeting.location.as_ref().map(|l| l.country.as_str()),
        Some("SAU")
    );
    let langs: Vec<&str> = meeting
        .mentions
        .iter()
        .map(|m| m.article_id.as_str())
        .collect();
    assert_eq!(langs.len(), 2);
    assert_ne!(langs[0], langs[1], "one mention per article");

    let joins = all_clusters(
        &mut client,
        v1::EventFilter {
            kinds: vec!["COALITION_JOIN".into()],
            ..Default::default()
        },
    )
    .await;
    assert_eq!(joins.len(), 1, "one coalition join: {joins:#?}");
    assert_eq!(joins[0].source_count, 2);
    assert!(joins[0].countries.contains(&"SYR".to_owned()));

    // The mentions carry their cluster, and the cluster filter finds both.
    let mentions = all_events(
        &stack.storage_client(),
        v1::EventFilter {
            cluster_id: meeting.id.clone(),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(mentions.len(), 2);
    assert!(mentions
        .iter()
        .all(|m| m.cluster_id == meeting.id && m.cluster_sources == 2));

    // Arabic and English text search both reach the meeting.
    for query in ["الرياض", "Riyadh"] {
        let hits = all_events(
            &stack.storage_client(),
            v1::EventFilter {
                kinds: vec!["MEETING".into()],
                text: query.into(),
                ..Default::default()
            },
        )
        .await;
        assert!(!hits.is_empty(), "{query}");
    }
    stack.stop().await;
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn a_watch_resumed_after_a_disconnect_sees_every_event_once(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db).await;
    let storage = stack.storage_client();
    let ingest = stack.ingest_client();
    let filter = v1::EventFilter {
        countries: vec!["SYR".into()],
        ..Default::default()
    };
    let mut stream = storage
        .watch_events(v1::WatchEventsRequest {
            filter: Some(filter.clone()),
            after_sequence: 0,
            from_start: true,
        })
        .await
        .unwrap();
    ingest
        .ingest_article(request(SAMPLE_AR, "alsharq"))
        .await
        .unwrap();
    let expected_first = all_events(&storage, filter.clone()).await.len();
    assert!(expected_first >= 2);
    // Read part of it, then drop the stream mid-way.
    let mut seen: Vec<u64> = Vec::new();
    for _ in 0..expected_first / 2 {
        let event = tokio::time::timeout(Duration::from_secs(10), stream.message())
            .await
            .expect("an event in time")
            .unwrap()
            .unwrap();
        seen.push(event.sequence);
    }
    drop(stream);
    // More events arrive while disconnected.
    ingest
        .ingest_article(request(SAMPLE_EN, "reuters"))
        .await
        .unwrap();
    let expected = all_events(&storage, filter.clone()).await;
    let mut resumed = storage
        .watch_events(v1::WatchEventsRequest {
            filter: Some(filter),
            after_sequence: *seen.last().unwrap(),
            from_start: false,
        })
        .await
        .unwrap();
    while seen.len() < expected.len() {
        let event = tokio::time::timeout(Duration::from_secs(10), resumed.message())
            .await
            .expect("an event in time")
            .unwrap()
            .unwrap();
        seen.push(event.sequence);
    }
    // Nothing more, nothing repeated.
    assert!(
        tokio::time::timeout(Duration::from_millis(700), resumed.message())
            .await
            .is_err(),
        "no extra event"
    );
    let want: Vec<u64> = expected.iter().map(|e| e.sequence).collect();
    assert_eq!(seen, want);
    stack.stop().await;
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn an_export_reads_back_as_what_list_events_lists(_: PgPoolOptions, db: PgConnectOptions) {
    use marsad_store::export::{ExportLine, Format, Writer};
    let stack = Stack::start(db).await;
    ingest_both(&stack).await;
    let mut client = raw(&stack.storage.url()).await;
    for filter in [
        v1::EventFilter::default(),
        v1::EventFilter {
            kinds: vec!["MEETING".into(), "STATEMENT".into()],
            actors: vec!["Q851".into()],
            ..Default::default()
        },
    ] {
        let listed = all_events(&stack.storage_client(), filter.clone()).await;
        assert!(!listed.is_empty());
        let mut stream = client
            .export_events(v1::ExportEventsRequest {
                filter: Some(filter),
                after_sequence: 0,
                batch_size: 5,
            })
            .await
            .unwrap()
            .into_inner();
        let mut writer = Writer::new(Vec::new(), Format::Jsonl);
        let mut batches = 0;
        while let Some(batch) = stream.message().await.unwrap() {
            assert!(batch.events.len() <= 5);
            batches += 1;
            for event in &batch.events {
                writer.write(event).unwrap();
            }
        }
        assert!(batches >= listed.len().div_ceil(5));
        let bytes = writer.finish().unwrap();
        let parsed: Vec<ExportLine> = String::from_utf8(bytes)
            .unwrap()
            .lines()
            .map(|l| ExportLine::parse(l).expect("a JSON line"))
            .collect();
        let expected: Vec<ExportLine> = listed
            .iter()
            .map(|e| ExportLine::from_wire(e).unwrap())
            .collect();
        assert_eq!(parsed, expected);
    }
    // The other formats write one record per event.
    let listed = all_events(&stack.storage_client(), Default::default()).await;
    for (format, extra) in [(Format::Csv, 1), (Format::Plover, 0), (Format::Gdelt, 0)] {
        let mut writer = Writer::new(Vec::new(), format);
        writer.header().unwrap();
        for e in &listed {
            writer.write(e).unwrap();
        }
        let out = String::from_utf8(writer.finish().unwrap()).unwrap();
        assert_eq!(out.lines().count(), listed.len() + extra, "{format:?}");
        if format == Format::Gdelt {
            assert!(out.lines().all(|l| l.split('\t').count() == 61));
        }
    }
    stack.stop().await;
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn reextraction_twice_keeps_event_and_cluster_ids(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(db).await;
    ingest_both(&stack).await;
    let storage = stack.storage_client();
    let mut client = raw(&stack.storage.url()).await;
    let snapshot = |events: Vec<v1::Event>| -> BTreeMap<(String, String), String> {
        events
            .into_iter()
            .map(|e| ((e.article_id, e.id), e.cluster_id))
            .collect()
    };
    let before = snapshot(all_events(&storage, Default::default()).await);
    let clusters_before = storage.stats(v1::StatsRequest {}).await.unwrap().clusters;
    assert!(!before.is_empty());
    let last_before = all_events(&storage, Default::default())
        .await
        .last()
        .unwrap()
        .sequence;
    for round in 0..2 {
        let queued = client
            .requeue_articles(v1::RequeueArticlesRequest {
                all: true,
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner()
            .queued;
        assert_eq!(queued, 2, "round {round}");
        eventually("the queue to drain", Duration::from_secs(30), || {
            let storage = storage.clone();
            async move {
                let stats = storage.stats(v1::StatsRequest {}).await.ok()?;
                (stats.pending == 0).then_some(())
            }
        })
        .await;
        let events = all_events(&storage, Default::default()).await;
        assert!(
            events.iter().all(|e| e.sequence > last_before),
            "round {round}: events were replaced"
        );
        assert_eq!(
            snapshot(events),
            before,
            "round {round}: same ids, same clusters"
        );
        assert_eq!(
            storage.stats(v1::StatsRequest {}).await.unwrap().clusters,
            clusters_before
        );
    }
    // A request that narrows nothing is refused unless it says `all`.
    let err = client
        .requeue_articles(v1::RequeueArticlesRequest::default())
        .await
        .unwrap_err();
    assert_eq!(err.code(), tonic::Code::InvalidArgument);
    stack.stop().await;
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn timelines_and_bad_filters_over_grpc(_: PgPoolOptions, db: PgConnectOptions) {
    let stack = Stack::start(db).await;
    ingest_both(&stack).await;
    let mut client = raw(&stack.storage.url()).await;
    let timeline = client
        .event_timeline(v1::EventTimelineRequest {
            filter: Some(v1::EventFilter {
                kinds: vec!["MEETING".into()],
                ..Default::default()
            }),
            bucket: v1::TimelineBucket::Day as i32,
            group: v1::TimelineGroup::Kind as i32,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(timeline
        .counts
        .iter()
        .any(|c| c.period_start == "2026-02-09" && c.key == "MEETING" && c.count == 2));

    for bad in [
        v1::EventFilter {
            near: Some(v1::GeoRadius {
                lat: 100.0,
                lon: 0.0,
                radius_km: 5.0,
            }),
            ..Default::default()
        },
        v1::EventFilter {
            actor_role: "boss".into(),
            ..Default::default()
        },
        v1::EventFilter {
            sectors: vec!["gov; drop".into()],
            ..Default::default()
        },
    ] {
        let err = client
            .list_events(v1::ListEventsRequest {
                filter: Some(bad),
                ..Default::default()
            })
            .await
            .unwrap_err();
        assert_eq!(err.code(), tonic::Code::InvalidArgument);
    }
    stack.stop().await;
}

/// A storage service started on an empty database answers UNAVAILABLE until its migrations are
/// applied, never a database error, and every call after that succeeds: no statement is prepared
/// against a schema the migrations are still changing ("cached plan must not change result type"
/// on a connection that prepared the claim before a column's collation changed).
#[sqlx::test(migrations = false)]
async fn calls_during_migrations_are_unavailable_then_served(
    _pool: PgPoolOptions,
    db: PgConnectOptions,
) {
    let storage = start_storage(db).await;
    let mut client = raw(&storage.url()).await;
    let claim = v1::ClaimPendingRequest {
        limit: 10,
        lease_seconds: 30,
    };
    let mut unavailable = 0;
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        match client.claim_pending(claim).await {
            Ok(_) => break,
            Err(status) => {
                assert_eq!(
                    status.code(),
                    tonic::Code::Unavailable,
                    "before migrations: {status:?}"
                );
                assert!(!status.message().contains("relation"), "{status:?}");
                unavailable += 1;
            }
        }
        assert!(std::time::Instant::now() < deadline, "never served");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(unavailable > 0, "the first call came before the migrations");
    wait_serving(&storage.url(), "", Duration::from_secs(20)).await;
    // More calls than the pool has connections: each one is used again.
    for _ in 0..40 {
        client
            .claim_pending(claim)
            .await
            .expect("served after migrations");
        client
            .stats(v1::StatsRequest::default())
            .await
            .expect("served after migrations");
    }
    storage.stop().await;
}
