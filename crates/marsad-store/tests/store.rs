//! The store against real Postgres (a fresh database per test): bulk writes, exact and near
//! duplicates, the queue's leases, atomic re-extraction.

use std::time::Duration;

use marsad_core::{Event, EventDate, Evidence, Kind, Modality, Plover};
use marsad_store::{NewArticle, Store};
use sqlx::PgPool;

fn article(body: &str, hash_byte: u8, simhash: Option<i64>) -> NewArticle {
    NewArticle {
        content_hash: vec![hash_byte; 32],
        lang: "en".into(),
        body: body.into(),
        simhash,
        ..Default::default()
    }
}

fn event(id: &str, kind: Kind) -> Event {
    Event {
        id: id.into(),
        kind,
        plover: Plover::default(),
        cameo: None,
        acled: None,
        actors: Vec::new(),
        location: None,
        date: EventDate::unresolved(),
        modality: Modality::Asserted,
        confidence: 0.9,
        evidence: Evidence {
            text: "x".into(),
            start: 0,
            end: 1,
        },
        engine_version: "test".into(),
    }
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn bulk_put_reports_each_item_and_links_near_duplicates(pool: PgPool) {
    let store = Store::new(pool);
    let wire = 0x0f0f_1234_abcd_5555_i64;
    let outcomes = store
        .put_articles(&[
            article("first", 1, Some(wire)),
            article("other story", 2, Some(!wire)),
            article("first again", 1, Some(wire)),
            article("republished", 3, Some(wire ^ 0b101)),
        ])
        .await
        .unwrap();
    let created: Vec<bool> = outcomes.iter().map(|o| o.created).collect();
    assert_eq!(created, [true, true, false, true]);
    assert_eq!(
        outcomes[2].article_id, outcomes[0].article_id,
        "exact duplicate in the batch"
    );
    assert_eq!(
        outcomes[3].duplicate_of, None,
        "batch members are not compared with each other"
    );

    // A later copy with a changed footer links to the first.
    let later = store
        .put_article(&article("republished later", 4, Some(wire ^ 0b11)))
        .await
        .unwrap();
    assert!(later.created);
    assert_eq!(
        later.duplicate_of.as_deref(),
        Some(outcomes[0].article_id.as_str())
    );
    let stored = store.get_article(&later.article_id).await.unwrap();
    assert_eq!(
        stored.duplicate_of.as_deref(),
        Some(outcomes[0].article_id.as_str())
    );
    // Far apart is not a near duplicate.
    let far = store
        .put_article(&article("unrelated", 5, Some(0x7777_0000_1111_2222)))
        .await
        .unwrap();
    assert_eq!(far.duplicate_of, None);
    assert_eq!(store.stats().await.unwrap().articles, 5);
}

/// Content already stored, put again in a later batch or by two batches at once, is a duplicate:
/// one row per content, its first text kept, queued once.
#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn content_put_again_or_twice_at_once_is_stored_once(pool: PgPool) {
    let store = Store::new(pool.clone());
    let first = store
        .put_articles(&[
            article("original text", 1, None),
            article("second", 2, None),
        ])
        .await
        .unwrap();
    assert!(first.iter().all(|o| o.created));

    // The same content hash with another text, next to new content.
    let again = store
        .put_articles(&[article("changed text", 1, None), article("new", 3, None)])
        .await
        .unwrap();
    let created: Vec<bool> = again.iter().map(|o| o.created).collect();
    assert_eq!(created, [false, true]);
    assert_eq!(again[0].article_id, first[0].article_id);
    assert!(
        again[0].pending,
        "the stored article still waits for extraction"
    );
    let stored = store.get_article(&first[0].article_id).await.unwrap();
    assert_eq!(stored.body, "original text");

    // Two batches of the same new content at once, on two connections: each content is created
    // by exactly one of them, and both report the same article.
    let batch: Vec<NewArticle> = (10..60)
        .map(|n| article(&format!("story {n}"), n, None))
        .collect();
    let other = Store::new(pool.clone());
    let (a, b) = tokio::join!(store.put_articles(&batch), other.put_articles(&batch));
    let (a, b) = (a.unwrap(), b.unwrap());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.article_id, y.article_id);
        assert!(x.created != y.created, "{x:?} and {y:?}");
        assert!(x.pending && y.pending);
    }
    assert_eq!(store.stats().await.unwrap().articles, 3 + 50);

    // The same content inserted by a transaction that commits while the put waits for it (its
    // row not yet visible when the put looked): a duplicate, not an error.
    let raced = article("raced", 70, None);
    let mut racing = pool.begin().await.unwrap();
    sqlx::query(
        "insert into articles (id, content_hash, lang, body)
         values ('a_' || encode(substring($1 from 1 for 16), 'hex'), $1, 'en', 'raced')",
    )
    .bind(&raced.content_hash)
    .execute(&mut *racing)
    .await
    .unwrap();
    let put = tokio::spawn(async move { other.put_articles(&[raced]).await });
    // Until the put waits for the racing transaction's lock.
    let mut waits = false;
    for _ in 0..200 {
        waits = sqlx::query_scalar(
            "select exists(select 1 from pg_stat_activity
                           where datname = current_database() and wait_event_type = 'Lock')",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        if waits {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(waits, "the put never waited for the racing insert");
    racing.commit().await.unwrap();
    let outcome = put.await.unwrap().unwrap();
    assert!(!outcome[0].created, "{outcome:?}");
    assert_eq!(store.stats().await.unwrap().articles, 3 + 50 + 1);
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn leases_hide_claimed_articles_until_they_expire_or_are_released(pool: PgPool) {
    let store = Store::new(pool);
    let mut a = article("a", 1, None);
    a.initial_lease = Duration::from_secs(60);
    let held = store.put_article(&a).await.unwrap();
    let free = store.put_article(&article("b", 2, None)).await.unwrap();
    let claimed = store
        .claim_pending(10, Duration::from_secs(30))
        .await
        .unwrap();
    let ids: Vec<&str> = claimed.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        ids,
        [free.article_id.as_str()],
        "the article held by its ingest path is not claimable"
    );
    assert!(store
        .claim_pending(10, Duration::from_secs(30))
        .await
        .unwrap()
        .is_empty());
    store
        .release_pending(&free.article_id, "extraction down")
        .await
        .unwrap();
    store
        .release_pending(&held.article_id, "extraction down")
        .await
        .unwrap();
    assert_eq!(
        store
            .claim_pending(10, Duration::from_secs(30))
            .await
            .unwrap()
            .len(),
        2
    );
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn reextraction_replaces_events_atomically(pool: PgPool) {
    let store = Store::new(pool);
    let stored = store.put_article(&article("text", 1, None)).await.unwrap();
    let first = [event("e1", Kind::Meeting), event("e2", Kind::Statement)];
    assert_eq!(
        store
            .put_extraction(&stored.article_id, &[], &first, "v1")
            .await
            .unwrap(),
        2
    );
    assert_eq!(store.stats().await.unwrap().pending, 0);

    // A failing batch (second article unknown) leaves the first article's events untouched.
    let second = [event("e3", Kind::AirStrike)];
    let err = store
        .put_extractions(&[
            marsad_store::ExtractionRecord {
                article_id: &stored.article_id,
                entities: &[],
                events: &second,
                engine_version: "v2",
            },
            marsad_store::ExtractionRecord {
                article_id: "a_unknown",
                entities: &[],
                events: &second,
                engine_version: "v2",
            },
        ])
        .await;
    assert!(err.is_err());
    let events = store
        .list_events(&Default::default(), 0, 100)
        .await
        .unwrap();
    let kinds: Vec<Kind> = events.iter().map(|e| e.event.kind).collect();
    assert_eq!(kinds, [Kind::Meeting, Kind::Statement]);

    assert_eq!(
        store
            .put_extraction(&stored.article_id, &[], &second, "v2")
            .await
            .unwrap(),
        1
    );
    let events = store
        .list_events(&Default::default(), 0, 100)
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].event.kind, Kind::AirStrike);
}

/// Before the migrations have run (the service applies them once Postgres answers), a call is
/// told to retry (UNAVAILABLE), not that the server failed (INTERNAL).
#[sqlx::test(migrations = false)]
async fn calls_before_the_migrations_are_unavailable(pool: PgPool) {
    let store = Store::new(pool);
    let err = store
        .claim_pending(10, Duration::from_secs(60))
        .await
        .expect_err("no schema yet");
    let status = tonic::Status::from(err);
    assert_eq!(status.code(), tonic::Code::Unavailable, "{status:?}");
    assert!(
        !status.message().contains("relation"),
        "no database text: {status:?}"
    );
}
