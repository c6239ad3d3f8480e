//! The event store's queries against real Postgres (a fresh database per test): every filter,
//! pagination while events arrive, clusters of mentions, timelines and re-extraction.

use chrono::NaiveDate;
use marsad_core::{
    Acled, Actor, DatePrecision, Event, EventDate, Evidence, Kind, Location, Modality, Plover, Role,
};
use marsad_store::{
    EventFilter, ExtractionRecord, NewArticle, PlaceFilter, RequeueFilter, Store, TimelineBucket,
    TimelineGroup,
};
use sqlx::PgPool;

fn article(body: &str, n: u8, source: &str, published: &str) -> NewArticle {
    NewArticle {
        content_hash: vec![n; 32],
        lang: "en".into(),
        body: body.into(),
        source: Some(source.into()),
        published: Some(published.parse().unwrap()),
        ..Default::default()
    }
}

fn actor(id: &str, name: &str, country: &str, sector: &str, role: Role) -> Actor {
    Actor {
        text: name.into(),
        name: name.to_owned().into(),
        id: id.to_owned().into(),
        country: Some(country.to_owned().into()),
        sector: Some(sector.to_owned().into()),
        role,
        start: 0,
        end: 1,
    }
}

fn place(gid: &str, name: &str, country: &str, lat: f64, lon: f64) -> Location {
    Location {
        text: name.into(),
        name: name.to_owned().into(),
        country: Some(country.to_owned().into()),
        admin1: None,
        lat: Some(lat),
        lon: Some(lon),
        gazetteer_id: Some(gid.to_owned().into()),
        start: 0,
        end: 1,
    }
}

fn event(id: &str, kind: Kind, date: Option<&str>, evidence: &str) -> Event {
    Event {
        id: id.into(),
        kind,
        plover: Plover::default(),
        cameo: None,
        acled: None,
        actors: Vec::new(),
        location: None,
        date: match date {
            Some(d) => EventDate {
                value: Some(d.parse().unwrap()),
                precision: Some(DatePrecision::Day),
                text: Some(d.into()),
                resolved: true,
            },
            None => EventDate::unresolved(),
        },
        modality: Modality::Asserted,
        confidence: 0.8,
        evidence: Evidence {
            text: evidence.into(),
            start: 0,
            end: evidence.chars().count(),
        },
        engine_version: "test".into(),
    }
}

fn riyadh() -> Location {
    place("geonames:108410", "Riyadh", "SAU", 24.6877, 46.7219)
}

fn damascus() -> Location {
    place("geonames:170654", "Damascus", "SYR", 33.5102, 36.2913)
}

/// Four events in two articles covering every filter. Each evidence is a span of its article, as the
/// API says it is.
async fn seeded(pool: PgPool) -> (Store, String, String) {
    let store = Store::new(pool);
    let a = store
        .put_article(&article(
            "Envoys met in Riyadh to discuss the coalition against ISIS. Later the coalition said the talks went well.",
            1,
            "wire",
            "2026-02-10",
        ))
        .await
        .unwrap();
    let b = store
        .put_article(&NewArticle {
            lang: "ar".into(),
            title: Some("غارة جوية قرب دمشق".into()),
            ..article(
                "شنت طائرات حربية غارات على مواقع قرب دمشق اليوم. ونفى الجيش وقوع اشتباكات عنيفة قرب حلب.",
                2,
                "outlet",
                "2026-03-05",
            )
        })
        .await
        .unwrap();

    let mut meeting = event(
        "e_meeting",
        Kind::Meeting,
        Some("2026-02-09"),
        "Envoys met in Riyadh",
    );
    meeting.plover = Plover {
        plover_type: Some("CONSULT".into()),
        mode: Some("visit".into()),
        context: vec![],
    };
    meeting.actors = vec![
        actor("Q851", "Saudi Arabia", "SAU", "GOV", Role::Host),
        actor("Q7788380", "Tom Barrack", "USA", "GOV", Role::Participant),
    ];
    meeting.location = Some(riyadh());
    meeting.confidence = 0.9;
    let mut statement = event("e_statement", Kind::Statement, None, "the coalition said");
    statement.actors = vec![actor(
        "Q18786209",
        "Global Coalition",
        "",
        "IGO",
        Role::Actor,
    )];
    statement.actors[0].country = None;
    statement.modality = Modality::Reported;
    statement.confidence = 0.4;

    let mut strike = event(
        "e_strike",
        Kind::AirStrike,
        Some("2026-03-05"),
        "شنت طائرات حربية غارات على مواقع قرب دمشق",
    );
    strike.plover = Plover {
        plover_type: Some("ASSAULT".into()),
        mode: Some("aerial".into()),
        context: vec![],
    };
    strike.acled = Some(Acled {
        event_type: "Explosions/Remote violence".into(),
        sub_event_type: "Air/drone strike".into(),
    });
    strike.actors = vec![
        Actor {
            text: "القوات الجوية".into(),
            ..actor(
                "israel-air-force",
                "Israeli Air Force",
                "ISR",
                "MIL",
                Role::Actor,
            )
        },
        actor("Q858", "Syria", "SYR", "GOV", Role::Target),
    ];
    strike.location = Some(damascus());
    let mut clash = event(
        "e_clash",
        Kind::ArmedClash,
        Some("2026-03-20"),
        "اشتباكات عنيفة",
    );
    clash.acled = Some(Acled {
        event_type: "Battles".into(),
        sub_event_type: "Armed clash".into(),
    });
    clash.location = Some(place("geonames:170063", "Aleppo", "SYR", 36.2021, 37.1343));
    clash.modality = Modality::Negated;
    clash.confidence = 0.3;

    store
        .put_extraction(&a.article_id, &[], &[meeting, statement], "v1")
        .await
        .unwrap();
    store
        .put_extraction(&b.article_id, &[], &[strike, clash], "v1")
        .await
        .unwrap();
    (store, a.article_id, b.article_id)
}

async fn ids(store: &Store, filter: EventFilter) -> Vec<String> {
    store
        .list_events(&filter, 0, 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event.id)
        .collect()
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn each_filter_selects_what_it_names(pool: PgPool) {
    let (store, a, b) = seeded(pool).await;
    let all = ids(&store, EventFilter::default()).await;
    assert_eq!(all, ["e_meeting", "e_statement", "e_strike", "e_clash"]);
    let f = EventFilter::default;
    let day = |s: &str| s.parse::<NaiveDate>().unwrap();

    let cases: Vec<(&str, EventFilter, Vec<&str>)> = vec![
        (
            "kind",
            EventFilter {
                kinds: vec!["AIR_STRIKE".into()],
                ..f()
            },
            vec!["e_strike"],
        ),
        (
            "plover",
            EventFilter {
                plover_types: vec!["CONSULT".into()],
                ..f()
            },
            vec!["e_meeting"],
        ),
        (
            "acled type",
            EventFilter {
                acled_event_types: vec!["Battles".into()],
                ..f()
            },
            vec!["e_clash"],
        ),
        (
            "acled sub-type",
            EventFilter {
                acled_sub_event_types: vec!["Air/drone strike".into()],
                ..f()
            },
            vec!["e_strike"],
        ),
        (
            "actor id",
            EventFilter {
                actors: vec!["Q858".into()],
                ..f()
            },
            vec!["e_strike"],
        ),
        (
            "actor name",
            EventFilter {
                actors: vec!["tom barrack".into()],
                ..f()
            },
            vec!["e_meeting"],
        ),
        (
            "actor fuzzy name",
            EventFilter {
                actors: vec!["Barrak".into()],
                ..f()
            },
            vec!["e_meeting"],
        ),
        (
            "actor as written",
            EventFilter {
                actors: vec!["القوات الجوية".into()],
                ..f()
            },
            vec!["e_strike"],
        ),
        (
            "unknown actor",
            EventFilter {
                actors: vec!["Nobody Atall".into()],
                ..f()
            },
            vec![],
        ),
        (
            "actor in a role",
            EventFilter {
                actors: vec!["Q858".into()],
                actor_role: Some(Role::Target),
                ..f()
            },
            vec!["e_strike"],
        ),
        (
            "actor not in that role",
            EventFilter {
                actors: vec!["Q858".into()],
                actor_role: Some(Role::Actor),
                ..f()
            },
            vec![],
        ),
        (
            "any actor in a role",
            EventFilter {
                actor_role: Some(Role::Host),
                ..f()
            },
            vec!["e_meeting"],
        ),
        (
            "country of place or actor",
            EventFilter {
                countries: vec!["SYR".into()],
                ..f()
            },
            vec!["e_strike", "e_clash"],
        ),
        (
            "country of an actor only",
            EventFilter {
                countries: vec!["USA".into()],
                ..f()
            },
            vec!["e_meeting"],
        ),
        (
            "sector",
            EventFilter {
                sectors: vec!["IGO".into()],
                ..f()
            },
            vec!["e_statement"],
        ),
        (
            "event dates",
            EventFilter {
                since: Some(day("2026-03-01")),
                until: Some(day("2026-03-10")),
                ..f()
            },
            vec!["e_strike"],
        ),
        (
            "article",
            EventFilter {
                article_id: Some(a.clone()),
                ..f()
            },
            vec!["e_meeting", "e_statement"],
        ),
        (
            "modality",
            EventFilter {
                modalities: vec![Modality::Negated, Modality::Reported],
                ..f()
            },
            vec!["e_statement", "e_clash"],
        ),
        (
            "min confidence",
            EventFilter {
                min_confidence: Some(0.85),
                ..f()
            },
            vec!["e_meeting"],
        ),
        (
            "bbox",
            EventFilter {
                place: Some(PlaceFilter::BoundingBox {
                    min_lat: 32.0,
                    min_lon: 35.0,
                    max_lat: 37.0,
                    max_lon: 38.0,
                }),
                ..f()
            },
            vec!["e_strike", "e_clash"],
        ),
        (
            "bbox across the antimeridian misses",
            EventFilter {
                place: Some(PlaceFilter::BoundingBox {
                    min_lat: 32.0,
                    min_lon: 170.0,
                    max_lat: 37.0,
                    max_lon: -170.0,
                }),
                ..f()
            },
            vec![],
        ),
        (
            "radius",
            EventFilter {
                place: Some(PlaceFilter::Radius {
                    lat: 33.5,
                    lon: 36.3,
                    km: 30.0,
                }),
                ..f()
            },
            vec!["e_strike"],
        ),
        (
            "radius too small",
            EventFilter {
                place: Some(PlaceFilter::Radius {
                    lat: 33.9,
                    lon: 36.3,
                    km: 30.0,
                }),
                ..f()
            },
            vec![],
        ),
        (
            "English text, stemmed, in the article",
            EventFilter {
                text: Some("envoy discussed".into()),
                ..f()
            },
            vec!["e_meeting", "e_statement"],
        ),
        (
            "English text in an evidence, found through its article",
            EventFilter {
                text: Some("said".into()),
                ..f()
            },
            vec!["e_meeting", "e_statement"],
        ),
        (
            "an excluded word: the evidence matches, its article does not",
            EventFilter {
                text: Some("coalition -ISIS".into()),
                ..f()
            },
            vec!["e_statement"],
        ),
        (
            "an excluded English word, stemmed or not, excludes",
            EventFilter {
                text: Some("said -coalition".into()),
                ..f()
            },
            vec![],
        ),
        (
            "an excluded English word, by itself",
            EventFilter {
                text: Some("-coalitions".into()),
                ..f()
            },
            vec!["e_meeting", "e_strike", "e_clash"],
        ),
        (
            "an excluded English word among alternatives excludes every form of it",
            EventFilter {
                text: Some("غارات or -coalition".into()),
                ..f()
            },
            vec!["e_meeting", "e_strike", "e_clash"],
        ),
        (
            "exclusions only: whatever lacks the word in its evidence or its article",
            EventFilter {
                text: Some("-Riyadh".into()),
                ..f()
            },
            vec!["e_statement", "e_strike", "e_clash"],
        ),
        (
            "an exclusion among alternatives",
            EventFilter {
                text: Some("غارات or -Riyadh".into()),
                ..f()
            },
            vec!["e_statement", "e_strike", "e_clash"],
        ),
        (
            "English text in the article only",
            EventFilter {
                text: Some("ISIS".into()),
                ..f()
            },
            vec!["e_meeting", "e_statement"],
        ),
        (
            "Arabic text, stemmed, stopword ignored",
            EventFilter {
                text: Some("في الحربية".into()),
                ..f()
            },
            vec!["e_strike", "e_clash"],
        ),
        (
            "Arabic text in the title",
            EventFilter {
                text: Some("جوية".into()),
                ..f()
            },
            vec!["e_strike", "e_clash"],
        ),
        (
            "Arabic phrase",
            EventFilter {
                text: Some("\"اشتباكات عنيفة\"".into()),
                ..f()
            },
            vec!["e_strike", "e_clash"],
        ),
        (
            "Arabic phrase, words out of order",
            EventFilter {
                text: Some("\"عنيفة اشتباكات\"".into()),
                ..f()
            },
            vec![],
        ),
        (
            "text excluded: in the article, not in the strike's evidence",
            EventFilter {
                text: Some("غارات -اشتباكات".into()),
                article_id: Some(b.clone()),
                ..f()
            },
            vec!["e_strike"],
        ),
        (
            "everything at once",
            EventFilter {
                kinds: vec!["MEETING".into()],
                countries: vec!["SAU".into()],
                actors: vec!["Q851".into()],
                text: Some("Riyadh".into()),
                place: Some(PlaceFilter::Radius {
                    lat: 24.7,
                    lon: 46.7,
                    km: 10.0,
                }),
                ..f()
            },
            vec!["e_meeting"],
        ),
    ];
    for (what, filter, expected) in cases {
        assert_eq!(ids(&store, filter).await, expected, "{what}");
    }

    // Ingest time: every article is from just now.
    let now = chrono::Utc::now();
    let later = EventFilter {
        ingested_after: Some(now + chrono::Duration::hours(1)),
        ..f()
    };
    assert!(ids(&store, later).await.is_empty());
    let recent = EventFilter {
        ingested_after: Some(now - chrono::Duration::hours(1)),
        ingested_before: Some(now + chrono::Duration::hours(1)),
        ..f()
    };
    assert_eq!(ids(&store, recent).await.len(), 4);

    // Bad filters are the caller's error, not the database's.
    let bad = EventFilter {
        place: Some(PlaceFilter::Radius {
            lat: 95.0,
            lon: 0.0,
            km: 1.0,
        }),
        ..f()
    };
    assert!(matches!(
        store.list_events(&bad, 0, 10).await,
        Err(marsad_store::StoreError::InvalidArgument(_))
    ));
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn pages_stay_exact_while_events_arrive(pool: PgPool) {
    let store = Store::new(pool);
    let mut articles = Vec::new();
    for n in 0..40u8 {
        articles.push(
            store
                .put_article(&article(&format!("story {n}"), n + 1, "wire", "2026-02-10"))
                .await
                .unwrap()
                .article_id,
        );
    }
    for (n, id) in articles.iter().take(20).enumerate() {
        let events = [event(
            &format!("e{n}"),
            Kind::Statement,
            Some("2026-02-10"),
            "said",
        )];
        store.put_extraction(id, &[], &events, "v1").await.unwrap();
    }
    // A writer keeps adding events while a reader pages through.
    let writer_store = store.clone();
    let later: Vec<String> = articles[20..].to_vec();
    let writer = tokio::spawn(async move {
        for (n, id) in later.iter().enumerate() {
            let events = [event(
                &format!("late{n}"),
                Kind::Statement,
                Some("2026-02-10"),
                "said",
            )];
            writer_store
                .put_extraction(id, &[], &events, "v1")
                .await
                .unwrap();
            tokio::task::yield_now().await;
        }
    });
    let filter = EventFilter {
        kinds: vec!["STATEMENT".into()],
        ..Default::default()
    };
    let mut seen = Vec::new();
    let mut after = 0;
    loop {
        let page = store.list_events(&filter, after, 3).await.unwrap();
        if page.is_empty() {
            if writer.is_finished() {
                // One last read after the writer is done.
                let rest = store.list_events(&filter, after, 1000).await.unwrap();
                seen.extend(rest.iter().map(|e| (e.sequence, e.event.id.clone())));
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            continue;
        }
        after = page.last().unwrap().sequence;
        seen.extend(page.iter().map(|e| (e.sequence, e.event.id.clone())));
    }
    writer.await.unwrap();
    assert_eq!(seen.len(), 40, "every event once");
    assert!(seen.windows(2).all(|w| w[0].0 < w[1].0), "in log order");
    let mut names: Vec<&str> = seen.iter().map(|(_, id)| id.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), 40, "nothing repeated");
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn mentions_from_two_sources_form_one_cluster(pool: PgPool) {
    let store = Store::new(pool);
    let ar = store
        .put_article(&article("ar", 1, "alsharq", "2026-02-10"))
        .await
        .unwrap()
        .article_id;
    let en = store
        .put_article(&article("en", 2, "reuters", "2026-02-10"))
        .await
        .unwrap()
        .article_id;
    let dup = store
        .put_article(&article("en copy", 3, "reuters", "2026-02-11"))
        .await
        .unwrap()
        .article_id;

    let meeting = |id: &str, date: &str, confidence: f32| {
        let mut e = event(id, Kind::Meeting, Some(date), "met");
        e.actors = vec![
            actor("Q851", "Saudi Arabia", "SAU", "GOV", Role::Host),
            actor("Q858", "Syria", "SYR", "GOV", Role::Participant),
        ];
        e.location = Some(riyadh());
        e.confidence = confidence;
        e
    };
    let join = |id: &str| {
        let mut e = event(id, Kind::CoalitionJoin, None, "joined");
        e.actors = vec![
            actor("Q858", "Syria", "SYR", "GOV", Role::Actor),
            actor("Q18786209", "Global Coalition", "", "IGO", Role::Recipient),
        ];
        e
    };
    let other_meeting = {
        let mut e = meeting("ar_m2", "2026-02-09", 0.7);
        e.location = Some(damascus());
        e
    };
    store
        .put_extraction(
            &ar,
            &[],
            &[
                meeting("ar_m", "2026-02-09", 0.9),
                join("ar_j"),
                other_meeting,
            ],
            "v1",
        )
        .await
        .unwrap();
    store
        .put_extraction(
            &en,
            &[],
            &[meeting("en_m", "2026-02-10", 0.8), join("en_j")],
            "v1",
        )
        .await
        .unwrap();
    store
        .put_extraction(&dup, &[], &[meeting("dup_m", "2026-02-09", 0.6)], "v1")
        .await
        .unwrap();

    let events = store
        .list_events(&EventFilter::default(), 0, 100)
        .await
        .unwrap();
    let cluster_of = |id: &str| {
        events
            .iter()
            .find(|e| e.event.id == id)
            .and_then(|e| e.cluster_id.clone())
            .unwrap()
    };
    assert_eq!(cluster_of("ar_m"), cluster_of("en_m"));
    assert_eq!(cluster_of("ar_m"), cluster_of("dup_m"));
    assert_eq!(cluster_of("ar_j"), cluster_of("en_j"));
    assert_ne!(cluster_of("ar_m2"), cluster_of("ar_m"), "another place");
    let m = events.iter().find(|e| e.event.id == "en_m").unwrap();
    assert_eq!((m.cluster_mentions, m.cluster_sources), (3, 2));

    let clusters = store
        .list_clusters(
            &EventFilter {
                kinds: vec!["MEETING".into()],
                ..Default::default()
            },
            0,
            10,
            true,
        )
        .await
        .unwrap();
    assert_eq!(clusters.len(), 2);
    let riyadh_cluster = clusters.iter().find(|c| c.mention_count == 3).unwrap();
    assert_eq!(riyadh_cluster.source_count, 2);
    assert_eq!(riyadh_cluster.sources, ["alsharq", "reuters"]);
    assert_eq!(
        riyadh_cluster.date,
        "2026-02-09".parse().ok(),
        "majority date"
    );
    assert_eq!(
        riyadh_cluster
            .representative
            .as_ref()
            .map(|r| r.event.id.as_str()),
        Some("ar_m"),
        "the most confident mention"
    );
    assert_eq!(riyadh_cluster.mentions.len(), 3);
    assert_eq!(store.stats().await.unwrap().clusters, 3);

    // Re-extracting keeps cluster ids; an event that disappears leaves its cluster to the others.
    let before = cluster_of("ar_m");
    store
        .put_extraction(&ar, &[], &[meeting("ar_m", "2026-02-09", 0.9)], "v2")
        .await
        .unwrap();
    store
        .put_extraction(
            &en,
            &[],
            &[meeting("en_m", "2026-02-10", 0.8), join("en_j")],
            "v2",
        )
        .await
        .unwrap();
    let after = store
        .list_events(&EventFilter::default(), 0, 100)
        .await
        .unwrap();
    for e in &after {
        if e.event.kind == Kind::Meeting {
            assert_eq!(e.cluster_id.as_deref(), Some(before.as_str()));
        }
    }
    assert_eq!(
        store.stats().await.unwrap().clusters,
        2,
        "the Damascus meeting's cluster is gone"
    );
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn one_batch_clusters_its_articles_with_each_other_and_the_store(pool: PgPool) {
    let store = Store::new(pool);
    let mut ids = Vec::new();
    for (n, source) in [(1, "alsharq"), (2, "reuters"), (3, "afp"), (4, "sana")] {
        ids.push(
            store
                .put_article(&article(source, n, source, "2026-03-02"))
                .await
                .unwrap()
                .article_id,
        );
    }
    let strike = |id: &str, place: Location| {
        let mut e = event(id, Kind::AirStrike, Some("2026-03-01"), "an air strike");
        e.actors = vec![actor("Q1", "Air force", "SYR", "MIL", Role::Actor)];
        e.location = Some(place);
        e
    };
    // A place 6 km from Damascus under another gazetteer id is the same place.
    let suburb = place("geonames:1", "Jobar", "SYR", 33.53, 36.35);
    // Stored before the batch.
    store
        .put_extraction(&ids[0], &[], &[strike("s0", damascus())], "v1")
        .await
        .unwrap();
    let e1 = [strike("s1", suburb.clone())];
    let e2 = [strike("s2", damascus()), strike("s2b", riyadh())];
    let e3 = [strike("s3", riyadh())];
    let counts = store
        .put_extractions(&[
            ExtractionRecord {
                article_id: &ids[1],
                entities: &[],
                events: &e1,
                engine_version: "v1",
            },
            ExtractionRecord {
                article_id: &ids[2],
                entities: &[],
                events: &e2,
                engine_version: "v1",
            },
            ExtractionRecord {
                article_id: &ids[3],
                entities: &[],
                events: &e3,
                engine_version: "v1",
            },
        ])
        .await
        .unwrap();
    assert_eq!(counts, [1, 2, 1]);
    let events = store
        .list_events(&EventFilter::default(), 0, 100)
        .await
        .unwrap();
    let order: Vec<&str> = events.iter().map(|e| e.event.id.as_str()).collect();
    assert_eq!(
        order,
        ["s0", "s1", "s2", "s2b", "s3"],
        "log order is batch order"
    );
    let cluster_of = |id: &str| {
        events
            .iter()
            .find(|e| e.event.id == id)
            .and_then(|e| e.cluster_id.clone())
            .unwrap()
    };
    assert_eq!(cluster_of("s1"), cluster_of("s0"), "joins the stored event");
    assert_eq!(cluster_of("s2"), cluster_of("s0"));
    assert_eq!(
        cluster_of("s3"),
        cluster_of("s2b"),
        "joins an event earlier in the batch"
    );
    assert_ne!(cluster_of("s3"), cluster_of("s0"));
    let damascus_strike = events.iter().find(|e| e.event.id == "s2").unwrap();
    assert_eq!(
        (
            damascus_strike.cluster_mentions,
            damascus_strike.cluster_sources
        ),
        (3, 3)
    );
    assert_eq!(store.stats().await.unwrap().clusters, 2);
    assert_eq!(
        store.stats().await.unwrap().pending,
        0,
        "all taken off the queue"
    );
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn timeline_counts_by_day_week_kind_and_country(pool: PgPool) {
    let (store, _, _) = seeded(pool).await;
    let by_kind = store
        .timeline(
            &EventFilter::default(),
            TimelineBucket::Day,
            TimelineGroup::Kind,
        )
        .await
        .unwrap();
    let day = |s: &str| s.parse::<NaiveDate>().unwrap();
    assert_eq!(
        by_kind.counts,
        vec![
            (day("2026-02-09"), "MEETING".to_owned(), 1),
            (day("2026-03-05"), "AIR_STRIKE".to_owned(), 1),
            (day("2026-03-20"), "ARMED_CLASH".to_owned(), 1),
        ]
    );
    assert_eq!(by_kind.undated, 1);
    let by_country = store
        .timeline(
            &EventFilter {
                since: Some(day("2026-03-01")),
                ..Default::default()
            },
            TimelineBucket::Week,
            TimelineGroup::Country,
        )
        .await
        .unwrap();
    assert_eq!(
        by_country.counts,
        vec![
            (day("2026-03-02"), "ISR".to_owned(), 1),
            (day("2026-03-02"), "SYR".to_owned(), 1),
            (day("2026-03-16"), "SYR".to_owned(), 1),
        ]
    );
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn requeue_puts_matching_articles_back_on_the_queue(pool: PgPool) {
    let (store, _, b) = seeded(pool).await;
    assert_eq!(store.stats().await.unwrap().pending, 0);
    let queued = store
        .requeue_articles(&RequeueFilter {
            kinds: vec!["AIR_STRIKE".into()],
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(queued, 1);
    let claimed = store
        .claim_pending(10, std::time::Duration::from_secs(30))
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(claimed[0].id, b);
    // Requeueing what is already queued adds nothing.
    let again = store
        .requeue_articles(&RequeueFilter {
            article_ids: vec![b.clone()],
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(again, 0);
    let all = store
        .requeue_articles(&RequeueFilter {
            ingested_since: Some(chrono::Utc::now().date_naive()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(all, 1);
}

/// More articles match than are looked up one by one (over 2,000): the log is walked and each
/// event's article checked. Phrases, single words and excluded words give what they give for a
/// few articles.
#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn text_search_over_thousands_of_matching_articles(pool: PgPool) {
    let store = Store::new(pool.clone());
    let articles: Vec<NewArticle> = (0..2300u32)
        .map(|i| {
            let mut hash = vec![0u8; 32];
            hash[..4].copy_from_slice(&i.to_le_bytes());
            hash[31] = 0xee;
            // Every article names Deir ez-Zor; one in three says "convoy", one in ten "Zor Deir".
            let body = match i % 30 {
                0 => format!("Report {i}: Zor Deir ez, a convoy was seen near Deir ez-Zor."),
                n if n % 3 == 0 => format!("Report {i}: a convoy was seen near Deir ez-Zor."),
                n if n % 10 == 0 => format!("Report {i}: Zor Deir ez, shelling near Deir ez-Zor."),
                _ => format!("Report {i}: shelling was heard near Deir ez-Zor."),
            };
            NewArticle {
                content_hash: hash,
                lang: "en".into(),
                body,
                source: Some("wire".into()),
                published: Some("2026-02-10".parse().unwrap()),
                ..Default::default()
            }
        })
        .collect();
    let stored = store.put_articles(&articles).await.unwrap();
    // Events for the first 300 articles, one each: its evidence is the sentence after the colon.
    let mut expected_convoy = Vec::new();
    let mut expected_all = Vec::new();
    for (i, (outcome, article)) in stored.iter().zip(&articles).enumerate().take(300) {
        let sentence = article.body.split_once(": ").unwrap().1;
        let id = format!("e{i}");
        expected_all.push(id.clone());
        if article.body.contains("convoy") {
            expected_convoy.push(id.clone());
        }
        store
            .put_extraction(
                &outcome.article_id,
                &[],
                &[event(&id, Kind::Statement, Some("2026-02-10"), sentence)],
                "v1",
            )
            .await
            .unwrap();
    }
    let text = |q: &str| EventFilter {
        text: Some(q.into()),
        ..Default::default()
    };
    assert_eq!(
        ids(&store, text("\"Deir ez-Zor\"")).await,
        expected_all,
        "phrase"
    );
    assert_eq!(ids(&store, text("convoy")).await, expected_convoy, "word");
    // In order and exact across pages.
    let mut paged = Vec::new();
    let mut after = 0;
    loop {
        let page = store.list_events(&text("Deir"), after, 37).await.unwrap();
        let Some(last) = page.last() else { break };
        after = last.sequence;
        paged.extend(page.into_iter().map(|e| e.event.id));
    }
    assert_eq!(paged, expected_all, "pages");
    // "Zor Deir" is in every article's words, but as a phrase only where it is written so.
    let zor_deir: Vec<String> = (0..300)
        .filter(|i| i % 10 == 0)
        .map(|i| format!("e{i}"))
        .collect();
    assert_eq!(
        ids(&store, text("\"Zor Deir\"")).await,
        zor_deir,
        "phrase in order"
    );
    // Excluded word: the articles that say "convoy" do not match, their evidence may.
    let no_convoy: Vec<String> = expected_all
        .iter()
        .filter(|id| !expected_convoy.contains(id))
        .cloned()
        .collect();
    assert_eq!(
        ids(&store, text("shelling -convoy")).await,
        no_convoy,
        "excluded word"
    );

    // With statistics, the bound that decides whether to look the articles up (the planner
    // would expect a handful for the phrase) is at least what matches, and the answers hold.
    sqlx::query("analyze articles")
        .execute(&pool)
        .await
        .unwrap();
    for (query, matching) in [
        ("\"Deir ez-Zor\"", 2300.0),
        ("convoy", 770.0),
        ("Deir convoy", 770.0),
    ] {
        let bound: f64 = sqlx::query_scalar(
            "select c.reltuples * marsad_article_share_bound(marsad_search_query($1))
             from pg_class c where c.oid = 'articles'::regclass",
        )
        .bind(query)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert!(
            bound >= matching * 0.9,
            "{query}: bound {bound}, {matching} match"
        );
    }
    assert_eq!(
        ids(&store, text("\"Deir ez-Zor\"")).await,
        expected_all,
        "phrase, analysed"
    );
    assert_eq!(
        ids(&store, text("convoy")).await,
        expected_convoy,
        "word, analysed"
    );
    assert_eq!(
        ids(&store, text("shelling -convoy")).await,
        no_convoy,
        "excluded, analysed"
    );
}

/// The stored values of every cluster recomputed from all its mentions (the definition the
/// incremental tallies must agree with): majorities count mentions, ties go to the larger summed
/// confidence (exact decimal sums), then the smaller value.
const CLUSTERS_FROM_MENTIONS: &str = "
    with m as (
        select e.cluster_id, e.sequence, e.kind, e.cluster_day, e.event_date, e.date_precision,
               e.place_gazetteer_id, e.place_name, e.place_country, e.place_lat, e.place_lon,
               coalesce(e.place_gazetteer_id, e.place_name) as place_key, e.modality,
               e.confidence, e.actor_ids, e.countries, nullif(a.source, '') as source,
               coalesce(nullif(a.source, ''), 'article:' || coalesce(a.duplicate_of, a.id)) as source_key
        from events e join articles a on a.id = e.article_id
        where e.cluster_id is not null
    ),
    totals as (
        select cluster_id, min(kind) as kind, max(confidence) as confidence,
               count(*)::int as mentions, count(distinct source_key)::int as source_count,
               coalesce(array_agg(distinct source order by source) filter (where source is not null), '{}') as sources
        from m group by cluster_id
    ),
    representative as (
        select distinct on (cluster_id) cluster_id, sequence
        from m order by cluster_id, confidence desc, sequence
    ),
    dates as (
        select distinct on (cluster_id) cluster_id, event_date, date_precision
        from m where event_date is not null
        group by cluster_id, event_date, date_precision
        order by cluster_id, count(*) desc, sum(confidence::numeric) desc, event_date, date_precision nulls first
    ),
    days as (
        select distinct on (cluster_id) cluster_id, cluster_day
        from m where cluster_day is not null
        group by cluster_id, cluster_day
        order by cluster_id, count(*) desc, sum(confidence::numeric) desc, cluster_day
    ),
    place_keys as (
        select distinct on (cluster_id) cluster_id, place_key
        from m where place_key is not null
        group by cluster_id, place_key
        order by cluster_id, count(*) desc, sum(confidence::numeric) desc, place_key
    ),
    places as (
        select distinct on (m.cluster_id) m.cluster_id, m.place_gazetteer_id, m.place_name,
               m.place_country, m.place_lat, m.place_lon
        from m join place_keys k on k.cluster_id = m.cluster_id and k.place_key = m.place_key
        order by m.cluster_id, m.confidence desc, m.sequence
    ),
    modalities as (
        select distinct on (cluster_id) cluster_id, modality
        from m group by cluster_id, modality
        order by cluster_id, count(*) desc, sum(confidence::numeric) desc, modality
    ),
    actors as (
        select cluster_id, array_agg(distinct a order by a) as actor_ids
        from m cross join lateral unnest(m.actor_ids) a group by cluster_id
    ),
    countries as (
        select cluster_id, array_agg(distinct c order by c) as countries
        from m cross join lateral unnest(m.countries) c group by cluster_id
    )
    select t.cluster_id as id, t.kind, r.sequence as representative_sequence, d.event_date,
           d.date_precision, p.place_gazetteer_id, p.place_name, p.place_country, p.place_lat,
           p.place_lon, mo.modality, t.confidence, t.mentions as mention_count, t.source_count,
           t.sources, coalesce(ac.actor_ids, '{}') as actor_ids,
           coalesce(co.countries, '{}') as countries, coalesce(d.event_date, dy.cluster_day) as match_day,
           case when d.event_date is not null then d.date_precision end as match_precision
    from totals t
    join representative r using (cluster_id)
    left join dates d using (cluster_id)
    left join days dy using (cluster_id)
    left join places p using (cluster_id)
    left join modalities mo using (cluster_id)
    left join actors ac using (cluster_id)
    left join countries co using (cluster_id)";

/// The clusters as stored, in the shape of [`CLUSTERS_FROM_MENTIONS`], as text rows in id order.
async fn clusters_as_text(pool: &PgPool, query: &str) -> Vec<String> {
    sqlx::query_scalar(&format!(
        "select (r.id, r.kind, r.representative_sequence, r.event_date, r.date_precision,
                 r.place_gazetteer_id, r.place_name, r.place_country, r.place_lat, r.place_lon,
                 r.modality, r.confidence, r.mention_count, r.source_count, r.sources, r.actor_ids,
                 r.countries, r.match_day, r.match_precision)::text
         from ({query}) r order by r.id"
    ))
    .fetch_all(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn incremental_cluster_values_equal_a_recompute_from_every_mention(pool: PgPool) {
    let store = Store::new(pool.clone());
    let sources = ["alsharq", "reuters", "afp", ""];
    // Small, repetitive values so that mentions pile into few clusters and majorities tie often:
    // confidences 0.6/0.7/0.8 make equal decimal sums that float4 sums would round apart.
    let make = |article: usize, round: usize| -> Vec<Event> {
        (0..3)
            .filter(|k| !(article + k + round).is_multiple_of(4))
            .map(|k| repetitive_event(k, article * 7 + k * 3 + round))
            .collect()
    };
    let mut ids = Vec::new();
    for i in 0..24u8 {
        let source = sources[usize::from(i) % sources.len()];
        let published = ["2026-02-10", "2026-02-11"][usize::from(i) % 2];
        ids.push(
            store
                .put_article(&article(&format!("body {i}"), i + 1, source, published))
                .await
                .unwrap()
                .article_id,
        );
    }
    let reference = |pool: PgPool| async move {
        let stored = clusters_as_text(&pool, "select * from event_clusters").await;
        let recomputed = clusters_as_text(&pool, CLUSTERS_FROM_MENTIONS).await;
        assert_eq!(
            stored, recomputed,
            "stored cluster values = recomputed ones"
        );
        let tallies: Vec<String> = sqlx::query_scalar(
            "select (cluster_id, attr, value, mentions, confidence_sum, best_confidence, best_sequence)::text
             from event_cluster_tallies order by 1",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        let rebuilt: Vec<String> = sqlx::query_scalar(
            "select (cluster_id, attr, value, count(*)::int, sum(confidence::numeric), max(confidence),
                     (array_agg(sequence order by confidence desc, sequence))[1])::text
             from event_cluster_votes group by cluster_id, attr, value order by 1",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        assert_eq!(
            tallies, rebuilt,
            "tallies = the votes of the stored mentions"
        );
        stored.len()
    };
    // First round: one article at a time, then batches; each batch mixes stored and new clusters.
    for (i, id) in ids.iter().enumerate().take(6) {
        store
            .put_extraction(id, &[], &make(i, 0), "v1")
            .await
            .unwrap();
    }
    let events: Vec<Vec<Event>> = (0..ids.len()).map(|i| make(i, 0)).collect();
    for batch in (6..ids.len()).collect::<Vec<_>>().chunks(6) {
        let records: Vec<ExtractionRecord<'_>> = batch
            .iter()
            .map(|&i| ExtractionRecord {
                article_id: &ids[i],
                entities: &[],
                events: &events[i],
                engine_version: "v1",
            })
            .collect();
        store.put_extractions(&records).await.unwrap();
    }
    let clusters = reference(pool.clone()).await;
    assert!(clusters >= 2, "{clusters} clusters");
    let mentions: i64 = sqlx::query_scalar("select max(mention_count)::int8 from event_clusters")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(mentions >= 5, "mentions pile up ({mentions})");

    // Re-extraction: articles lose, keep and change events, so clusters lose mentions (and some
    // disappear) in the same writes that add mentions to others.
    let again: Vec<Vec<Event>> = (0..ids.len()).map(|i| make(i, 1)).collect();
    for batch in (0..ids.len()).step_by(3).collect::<Vec<_>>().chunks(4) {
        let records: Vec<ExtractionRecord<'_>> = batch
            .iter()
            .map(|&i| ExtractionRecord {
                article_id: &ids[i],
                entities: &[],
                events: &again[i],
                engine_version: "v2",
            })
            .collect();
        store.put_extractions(&records).await.unwrap();
        reference(pool.clone()).await;
    }
    store.put_extraction(&ids[1], &[], &[], "v3").await.unwrap();
    reference(pool.clone()).await;
}

/// Stored cluster values = a recompute from every mention, and tallies = the votes of the stored
/// mentions, as text.
async fn assert_clusters_match_their_mentions(pool: &PgPool) {
    let stored = clusters_as_text(pool, "select * from event_clusters").await;
    let recomputed = clusters_as_text(pool, CLUSTERS_FROM_MENTIONS).await;
    assert_eq!(
        stored, recomputed,
        "stored cluster values = recomputed ones"
    );
    let tallies = rows_as_text(
        pool,
        "select (cluster_id, attr, value, mentions, confidence_sum, best_confidence, best_sequence)::text
         from event_cluster_tallies order by 1",
    )
    .await;
    let rebuilt = rows_as_text(
        pool,
        "select (cluster_id, attr, value, count(*)::int, sum(confidence::numeric), max(confidence),
                 (array_agg(sequence order by confidence desc, sequence))[1])::text
         from event_cluster_votes group by cluster_id, attr, value order by 1",
    )
    .await;
    assert_eq!(
        tallies, rebuilt,
        "tallies = the votes of the stored mentions"
    );
}

async fn rows_as_text(pool: &PgPool, query: &str) -> Vec<String> {
    sqlx::query_scalar(query).fetch_all(pool).await.unwrap()
}

/// Everything clustering stores: cluster rows (but their timestamps), each event's cluster and the
/// tallies.
async fn cluster_snapshot(pool: &PgPool) -> Vec<String> {
    let mut rows = rows_as_text(
        pool,
        "select (c.id, c.seq, c.kind, c.representative_sequence, c.event_date, c.date_precision,
                 c.place_gazetteer_id, c.place_name, c.place_country, c.place_lat, c.place_lon,
                 c.modality, c.confidence, c.mention_count, c.source_count, c.sources, c.actor_ids,
                 c.countries, c.match_day, c.match_precision)::text
         from event_clusters c order by c.id",
    )
    .await;
    rows.extend(
        rows_as_text(
            pool,
            "select (sequence, article_id, id, cluster_id, cluster_day)::text from events
             order by sequence",
        )
        .await,
    );
    rows.extend(
        rows_as_text(
            pool,
            "select (cluster_id, attr, value, mentions, confidence_sum, best_confidence,
                     best_sequence)::text
             from event_cluster_tallies order by 1",
        )
        .await,
    );
    rows
}

/// What article `i` reports in extraction round `round`: few, repetitive values so that mentions
/// pile into few clusters and majorities tie often; in the second round articles lose, keep and
/// change events, and every fifth loses all of them (the first article, a cluster of its own).
fn round_events(i: usize, round: usize) -> Vec<Event> {
    if round == 1 && i.is_multiple_of(5) {
        return Vec::new();
    }
    let alone = (i == 0).then(|| event("e9", Kind::ArmedClash, Some("2026-03-20"), "evidence"));
    (0..3)
        .filter(|k| !(i + k + round).is_multiple_of(4))
        .map(|k| repetitive_event(k, i * 7 + k * 3 + round * 5))
        .chain(alone)
        .collect()
}

/// Event `k` of an article, its values drawn from `n`: a meeting or (k = 2) an air strike, one of
/// three dates (or none), places, actor pairs, modalities and confidences.
fn repetitive_event(k: usize, n: usize) -> Event {
    let places = [
        riyadh(),
        damascus(),
        place("geonames:1", "Jobar", "SYR", 33.53, 36.35),
    ];
    let actors = [
        actor("Q851", "Saudi Arabia", "SAU", "GOV", Role::Host),
        actor("Q858", "Syria", "SYR", "GOV", Role::Participant),
        actor("Q30", "United States", "USA", "GOV", Role::Actor),
    ];
    let mut e = event(
        &format!("e{k}"),
        if k == 2 {
            Kind::AirStrike
        } else {
            Kind::Meeting
        },
        (!n.is_multiple_of(5)).then(|| ["2026-02-09", "2026-02-10", "2026-02-11"][n % 3]),
        "evidence",
    );
    if n % 6 == 1 {
        e.date.precision = Some(DatePrecision::Week);
    }
    e.location = (n % 4 != 3).then(|| places[n % 3].clone());
    e.actors = vec![actors[n % 3].clone(), actors[(n + k) % 3].clone()];
    e.actors.dedup_by(|a, b| a.id == b.id);
    e.modality = [Modality::Asserted, Modality::Reported][n % 2];
    e.confidence = [0.6, 0.7, 0.8][(n / 2) % 3];
    e
}

/// Writes `batches` of round `round` all at once, each its own `PutExtractions`; the batches in
/// the order they took the event-write lock (the order of their first event's sequence number).
async fn write_concurrently(
    store: &Store,
    ids: &[String],
    batches: &[Vec<usize>],
    round: usize,
) -> Vec<usize> {
    let tasks: Vec<_> = batches
        .iter()
        .map(|batch| {
            let store = store.clone();
            let work: Vec<(String, Vec<Event>)> = batch
                .iter()
                .map(|&i| (ids[i].clone(), round_events(i, round)))
                .collect();
            tokio::spawn(async move {
                let records: Vec<ExtractionRecord<'_>> = work
                    .iter()
                    .map(|(id, events)| ExtractionRecord {
                        article_id: id,
                        entities: &[],
                        events,
                        engine_version: "v1",
                    })
                    .collect();
                store.put_extractions(&records).await.unwrap();
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let mut order: Vec<(i64, usize)> = Vec::new();
    for (b, batch) in batches.iter().enumerate() {
        let articles: Vec<&str> = batch.iter().map(|&i| ids[i].as_str()).collect();
        let first: Option<i64> =
            sqlx::query_scalar("select min(sequence) from events where article_id = any($1)")
                .bind(&articles)
                .fetch_one(store.pool())
                .await
                .unwrap();
        order.push((first.expect("every batch stores an event"), b));
    }
    order.sort_unstable();
    order.into_iter().map(|(_, b)| b).collect()
}

async fn write_serially(store: &Store, ids: &[String], batches: &[&Vec<usize>], round: usize) {
    for batch in batches {
        let events: Vec<Vec<Event>> = batch.iter().map(|&i| round_events(i, round)).collect();
        store
            .put_extractions(&records(ids, batch, &events, "v1"))
            .await
            .unwrap();
    }
}

/// The records of the articles `batch` (indexes into `ids`) with their `events`, in order.
fn records<'a>(
    ids: &'a [String],
    batch: &[usize],
    events: &'a [Vec<Event>],
    engine_version: &'a str,
) -> Vec<ExtractionRecord<'a>> {
    batch
        .iter()
        .zip(events)
        .map(|(&i, events)| ExtractionRecord {
            article_id: &ids[i],
            entities: &[],
            events,
            engine_version,
        })
        .collect()
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn concurrent_writers_cluster_as_a_serial_run_does(pool: PgPool) {
    // A second database for the serial run, next to the test's.
    let name: String = sqlx::query_scalar("select current_database() || '_serial'")
        .fetch_one(&pool)
        .await
        .unwrap();
    sqlx::query(&format!("drop database if exists {name}"))
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query(&format!("create database {name}"))
        .execute(&pool)
        .await
        .unwrap();
    let serial_pool = PgPool::connect_with((*pool.connect_options()).clone().database(&name))
        .await
        .unwrap();
    marsad_store::MIGRATOR.run(&serial_pool).await.unwrap();

    let sources = ["alsharq", "reuters", "afp", ""];
    let concurrent = Store::new(pool.clone());
    let serial = Store::new(serial_pool.clone());
    let mut ids = Vec::new();
    for i in 0..40u8 {
        let a = article(
            &format!("body {i}"),
            i + 1,
            sources[usize::from(i) % sources.len()],
            ["2026-02-10", "2026-02-11"][usize::from(i) % 2],
        );
        ids.push(concurrent.put_article(&a).await.unwrap().article_id);
        assert_eq!(
            serial.put_article(&a).await.unwrap().article_id,
            ids[i as usize]
        );
    }

    // First extraction of every article, eight writers at once; then a re-extraction of three
    // articles in four, in which clusters lose mentions (some all of them) while others gain.
    let first: Vec<Vec<usize>> = (0..40)
        .collect::<Vec<_>>()
        .chunks(5)
        .map(<[_]>::to_vec)
        .collect();
    let again: Vec<Vec<usize>> = (0..40)
        .filter(|i| i % 4 != 3)
        .collect::<Vec<_>>()
        .chunks(3)
        .map(<[_]>::to_vec)
        .collect();
    let order = write_concurrently(&concurrent, &ids, &first, 0).await;
    assert_clusters_match_their_mentions(&pool).await;
    let before: Vec<String> =
        rows_as_text(&pool, "select id from event_clusters order by id").await;
    let second = write_concurrently(&concurrent, &ids, &again, 1).await;
    assert_clusters_match_their_mentions(&pool).await;

    write_serially(
        &serial,
        &ids,
        &order.iter().map(|&b| &first[b]).collect::<Vec<_>>(),
        0,
    )
    .await;
    write_serially(
        &serial,
        &ids,
        &second.iter().map(|&b| &again[b]).collect::<Vec<_>>(),
        1,
    )
    .await;
    assert_clusters_match_their_mentions(&serial_pool).await;
    assert_eq!(
        cluster_snapshot(&pool).await,
        cluster_snapshot(&serial_pool).await,
        "concurrent writers store the clusters a serial run in their lock order stores"
    );

    let after: Vec<String> = rows_as_text(&pool, "select id from event_clusters order by id").await;
    assert!(
        before.iter().any(|c| !after.contains(c)),
        "re-extraction empties clusters"
    );
    let max: i32 = sqlx::query_scalar("select max(mention_count) from event_clusters")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(max >= 5, "mentions pile up ({max})");

    serial_pool.close().await;
    sqlx::query(&format!("drop database {name}"))
        .execute(&pool)
        .await
        .unwrap();
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn search_vectors_are_the_ones_postgres_computes(pool: PgPool) {
    let (store, _, _) = seeded(pool.clone()).await;
    // Events store none (migration 20261209000001): their evidence is stemmed when a query needs it.
    let stored: bool = sqlx::query_scalar(
        "select exists(select 1 from pg_attribute
                       where attrelid = 'events'::regclass and attname = 'search' and not attisdropped)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(!stored);
    // Articles, after being marked extracted.
    let (articles, differing): (i64, i64) = sqlx::query_as(
        "select count(*), count(*) filter (where search is distinct from
                marsad_search_vector(lang, coalesce(title, '') || ' ' || body))
         from articles a join article_extractions x on x.article_id = a.id",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((articles, differing), (2, 0));
    let found: Vec<String> = sqlx::query_scalar(
        "select id from events
             where marsad_search_vector(lang, evidence_text) @@ marsad_search_query($1)",
    )
    .bind("طائرات")
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(found, ["e_strike"]);
    let found = ids(
        &store,
        EventFilter {
            text: Some("Envoys".into()),
            ..Default::default()
        },
    )
    .await;
    assert_eq!(found, ["e_meeting", "e_statement"], "the article's events");
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn an_events_evidence_is_searched_in_its_articles_language(pool: PgPool) {
    // One write: two events of an English article share their evidence, and an Arabic-tagged
    // article has an event with the same text. The evidence's vector is computed when a query
    // needs it (migration 20261209000001), in the language of the event's article.
    let store = Store::new(pool.clone());
    let text = "Coalition envoys were meeting about the strikes";
    let en = store
        .put_article(&article(text, 7, "wire", "2026-02-10"))
        .await
        .unwrap();
    let ar = store
        .put_article(&NewArticle {
            lang: "ar".into(),
            ..article(&format!("{text}."), 8, "outlet", "2026-02-10")
        })
        .await
        .unwrap();
    let en_events = [
        event("e_meeting", Kind::Meeting, Some("2026-02-09"), text),
        event("e_statement", Kind::Statement, Some("2026-02-09"), text),
    ];
    let ar_events = [event("e_other", Kind::Meeting, Some("2026-02-09"), text)];
    store
        .put_extractions(&[
            ExtractionRecord {
                article_id: &en.article_id,
                entities: &[],
                events: &en_events,
                engine_version: "v1",
            },
            ExtractionRecord {
                article_id: &ar.article_id,
                entities: &[],
                events: &ar_events,
                engine_version: "v1",
            },
        ])
        .await
        .unwrap();
    let rows: Vec<(String, String, bool, bool)> = sqlx::query_as(
        "select id, lang, pg_typeof(actors) = 'json'::regtype,
                marsad_search_vector(lang, evidence_text) @@ to_tsquery('english', 'meet')
         from events order by id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        rows,
        [
            ("e_meeting".into(), "en".into(), true, true),
            ("e_other".into(), "ar".into(), true, false),
            ("e_statement".into(), "en".into(), true, true),
        ]
    );
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn entities_read_back_one_row_each_and_a_re_extraction_replaces_them(pool: PgPool) {
    use marsad_core::{Entity, EntityType};
    // Stored one row per article (migration 20261208000001); the `entities` view gives them back
    // as the table they replaced had them.
    let store = Store::new(pool.clone());
    let a = store
        .put_article(&article(
            "Envoys from \"Riyadh\" met\tin Amman",
            9,
            "wire",
            "2026-02-10",
        ))
        .await
        .unwrap();
    let b = store
        .put_article(&article("Nothing named here", 10, "wire", "2026-02-10"))
        .await
        .unwrap();
    let entity =
        |t: EntityType, text: &str, id: &str, country: Option<&str>, start: usize| Entity {
            entity_type: t,
            text: text.into(),
            name: text.to_owned().into(),
            id: id.to_owned().into(),
            country: country.map(|c| c.to_owned().into()),
            sector: None,
            start,
            end: start + text.chars().count(),
        };
    let first = [
        entity(
            EntityType::Gpe,
            "\"Riyadh\"",
            "geonames:108410",
            Some("SAU"),
            13,
        ),
        entity(EntityType::Loc, "Amman", "geonames:250441", None, 29),
    ];
    for (article_id, entities) in [(&a.article_id, &first[..]), (&b.article_id, &[][..])] {
        store
            .put_extractions(&[ExtractionRecord {
                article_id,
                entities,
                events: &[],
                engine_version: "v1",
            }])
            .await
            .unwrap();
    }
    type Row = (
        String,
        i32,
        String,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        i32,
        i32,
    );
    let rows = || async {
        sqlx::query_as::<_, Row>(
            "select article_id, ordinal, entity_type, text, name, entity_id, country, sector,
                    start_char, end_char
             from entities order by article_id, ordinal",
        )
        .fetch_all(&pool)
        .await
        .unwrap()
    };
    let id = a.article_id.clone();
    assert_eq!(
        rows().await,
        [
            (
                id.clone(),
                0,
                "GPE".into(),
                "\"Riyadh\"".into(),
                "\"Riyadh\"".into(),
                "geonames:108410".into(),
                Some("SAU".into()),
                None,
                13,
                21
            ),
            (
                id.clone(),
                1,
                "LOC".into(),
                "Amman".into(),
                "Amman".into(),
                "geonames:250441".into(),
                None,
                None,
                29,
                34
            ),
        ]
    );
    // Re-extracting replaces the list; an extraction without entities leaves none.
    let second = [entity(
        EntityType::Loc,
        "Amman",
        "geonames:250441",
        Some("JOR"),
        29,
    )];
    store
        .put_extraction(&a.article_id, &second, &[], "v2")
        .await
        .unwrap();
    let now = rows().await;
    assert_eq!(now.len(), 1);
    assert_eq!((now[0].1, now[0].6.as_deref()), (0, Some("JOR")));
    store
        .put_extraction(&a.article_id, &[], &[], "v3")
        .await
        .unwrap();
    assert!(rows().await.is_empty());
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn event_references_are_checked_per_statement_as_foreign_keys_were(pool: PgPool) {
    // Migration 20261209000003: the events' article and place are checked by statement triggers.
    let (_store, first, second) = seeded(pool.clone()).await;
    // The SQLSTATE of a statement with one text parameter that must fail.
    let refused = |sql: &'static str, value: String| {
        let pool = pool.clone();
        async move {
            let err = sqlx::query(sql)
                .bind(value)
                .execute(&pool)
                .await
                .unwrap_err();
            err.as_database_error()
                .and_then(|e| e.code())
                .map(|c| c.into_owned())
        }
    };
    let unknown_article = refused(
        "insert into events (id, article_id, kind, modality, confidence, evidence_text,
                             evidence_start, evidence_end, engine_version)
         values ('e_x', $1, 'attack', 'asserted', 0.5, 'x', 0, 1, 'v1')",
        "a_missing".into(),
    );
    assert_eq!(unknown_article.await.as_deref(), Some("23503"));
    let unknown_place = refused(
        "update events set place_gazetteer_id = 'geonames:0' where article_id = $1",
        first.clone(),
    );
    assert_eq!(unknown_place.await.as_deref(), Some("23503"));
    let named: String = sqlx::query_scalar(
        "select place_gazetteer_id from events where place_gazetteer_id is not null limit 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let place_in_use = refused("delete from places where gazetteer_id = $1", named);
    assert_eq!(place_in_use.await.as_deref(), Some("23503"));
    let renamed = refused(
        "update articles set id = 'a_renamed' where id = $1",
        first.clone(),
    );
    assert_eq!(renamed.await.as_deref(), Some("23503"));

    // Deleting an article deletes its events, and only its events.
    let count = |article: String| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("select count(*) from events where article_id = $1")
                .bind(article)
                .fetch_one(&pool)
                .await
                .unwrap()
        }
    };
    let kept = count(second.clone()).await;
    assert!(count(first.clone()).await > 0 && kept > 0);
    sqlx::query("delete from articles where id = $1")
        .bind(&first)
        .execute(&pool)
        .await
        .unwrap();
    assert_eq!(count(first).await, 0);
    assert_eq!(count(second).await, kept);
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn concurrent_first_extractions_of_one_article_replace_each_other(pool: PgPool) {
    // A write skips deleting the events and entities of an article never extracted before. Four
    // writes of one new article at once: each waits for the one before it to release the article's
    // row lock and must then see its stamp, replace its events, and not collide with them.
    let store = Store::new(pool.clone());
    let events = [
        event(
            "e1",
            Kind::Meeting,
            Some("2026-02-10"),
            "Envoys met in Riyadh.",
        ),
        event(
            "e2",
            Kind::ArmedClash,
            Some("2026-02-10"),
            "Forces clashed near Damascus.",
        ),
    ];
    let mut articles = Vec::new();
    for round in 0..6u8 {
        let a = store
            .put_article(&article(
                &format!("Envoys met in Riyadh. Forces clashed near Damascus. Report {round}."),
                40 + round,
                "wire",
                "2026-02-10",
            ))
            .await
            .unwrap();
        let version = format!("v{round}");
        let writes = (0..4).map(|_| store.put_extraction(&a.article_id, &[], &events, &version));
        for result in futures::future::join_all(writes).await {
            assert_eq!(result.unwrap(), 2, "round {round}");
        }
        let (stored, distinct): (i64, i64) =
            sqlx::query_as("select count(*), count(distinct id) from events where article_id = $1")
                .bind(&a.article_id)
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!((stored, distinct), (2, 2), "round {round}");
        let stamp: (String, bool) = sqlx::query_as(
            "select engine_version, extracted_at <= now() from article_extractions
             where article_id = $1",
        )
        .bind(&a.article_id)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(stamp, (version, true));
        articles.push(a.article_id);
    }
    // A stamp goes with its article.
    sqlx::query("delete from articles where id = any($1)")
        .bind(&articles)
        .execute(&pool)
        .await
        .unwrap();
    let left: i64 = sqlx::query_scalar("select count(*) from article_extractions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn two_stores_writing_in_turn_keep_cluster_tallies_exact(pool: PgPool) {
    // Each store keeps the tallies it committed in memory for its next write (migration
    // 20261210000002). Two stores on one database, as two replicas of the storage service, write
    // in turn into the same clusters: each must notice the other's writes and start from the
    // stored tallies, never from its own stale ones.
    let stores = [Store::new(pool.clone()), Store::new(pool.clone())];
    let mut ids = Vec::new();
    for i in 0..16u8 {
        let published = ["2026-02-10", "2026-02-11"][usize::from(i) % 2];
        ids.push(
            stores[0]
                .put_article(&article(&format!("turns {i}"), 60 + i, "wire", published))
                .await
                .unwrap()
                .article_id,
        );
    }
    let events: Vec<Vec<Event>> = (0..ids.len())
        .map(|i| (0..3).map(|k| repetitive_event(k, i * 5 + k)).collect())
        .collect();
    // Writes of two articles each, alternating stores; then re-extractions, alternating again.
    for (turn, pair) in ids.chunks(2).enumerate() {
        let records: Vec<ExtractionRecord<'_>> = pair
            .iter()
            .enumerate()
            .map(|(j, id)| ExtractionRecord {
                article_id: id,
                entities: &[],
                events: &events[turn * 2 + j],
                engine_version: "v1",
            })
            .collect();
        stores[turn % 2].put_extractions(&records).await.unwrap();
        assert_clusters_match_their_mentions(&pool).await;
    }
    for (turn, id) in ids.iter().enumerate().step_by(3) {
        let again = vec![repetitive_event(1, turn + 1)];
        stores[turn % 2]
            .put_extraction(id, &[], &again, "v2")
            .await
            .unwrap();
        assert_clusters_match_their_mentions(&pool).await;
    }
    let biggest: i64 = sqlx::query_scalar("select max(mention_count)::int8 from event_clusters")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(
        biggest >= 4,
        "mentions pile into shared clusters ({biggest})"
    );
}

/// A write whose events take several `COPY` pieces (1 MiB each) and whose votes are counted in
/// many steps (32 clusters each), the insert driven from between the steps: every event is stored
/// once, with consecutive sequence numbers and its own text, and the clusters equal a recompute,
/// on the first extraction and on a re-extraction that moves mentions between clusters.
#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn a_write_of_several_copy_pieces_stores_every_event_and_cluster_exactly(pool: PgPool) {
    let store = Store::new(pool.clone());
    const ARTICLES: usize = 60;
    const EVENTS: usize = 30;
    let make = |article: usize, round: usize| -> Vec<Event> {
        (0..EVENTS)
            .map(|k| {
                let n = article * EVENTS + k + round * 7;
                let mut e = repetitive_event(k, n);
                let day = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
                    + chrono::Duration::days(3 * (n % 50) as i64);
                e.date.value = Some(day);
                let text = format!("article {article} event {k} round {round}: ")
                    + &"وقعت اشتباكات قرب الحدود. ".repeat(25);
                e.evidence = Evidence {
                    end: text.chars().count(),
                    text,
                    start: 0,
                };
                e
            })
            .collect()
    };
    let mut ids = Vec::new();
    for i in 0..ARTICLES {
        let n = u8::try_from(i + 1).unwrap();
        let published = ["2026-01-10", "2026-01-20"][i % 2];
        let stored = store
            .put_article(&article(&format!("body {i}"), n, "wire", published))
            .await
            .unwrap();
        ids.push(stored.article_id);
    }
    let check = |pool: PgPool, events: Vec<Vec<Event>>, ids: Vec<String>| async move {
        let (count, distinct, span): (i64, i64, i64) = sqlx::query_as(
            "select count(*), count(distinct sequence), max(sequence) - min(sequence) + 1
             from events",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        let expected = i64::try_from(ARTICLES * EVENTS).unwrap();
        assert_eq!((count, distinct), (expected, expected));
        assert!(
            span >= expected,
            "sequences {span} apart for {expected} events"
        );
        let texts: Vec<(String, String, String)> =
            sqlx::query_as("select article_id, id, evidence_text from events")
                .fetch_all(&pool)
                .await
                .unwrap();
        let want: std::collections::HashMap<(&str, &str), &str> = ids
            .iter()
            .zip(&events)
            .flat_map(|(id, evs)| {
                evs.iter()
                    .map(move |e| ((id.as_str(), &*e.id), e.evidence.text.as_str()))
            })
            .collect();
        for (article_id, id, text) in &texts {
            assert_eq!(
                Some(text.as_str()),
                want.get(&(article_id.as_str(), id.as_str())).copied(),
                "{article_id}/{id}"
            );
        }
        assert_clusters_match_their_mentions(&pool).await;
    };

    let all: Vec<usize> = (0..ARTICLES).collect();
    let first: Vec<Vec<Event>> = all.iter().map(|&i| make(i, 0)).collect();
    store
        .put_extractions(&records(&ids, &all, &first, "v1"))
        .await
        .unwrap();
    let copied: i64 =
        sqlx::query_scalar("select sum(octet_length(evidence_text))::int8 from events")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(copied > 2 << 20, "the events' text alone is {copied} bytes");
    let clusters: i64 = sqlx::query_scalar("select count(*) from event_clusters")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(clusters > 64, "{clusters} clusters");
    check(pool.clone(), first.clone(), ids.clone()).await;

    // Every other article again, with other days: its mentions leave clusters and join others.
    let mut latest = first;
    let every_other: Vec<usize> = (0..ARTICLES).step_by(2).collect();
    let again: Vec<Vec<Event>> = every_other.iter().map(|&i| make(i, 1)).collect();
    store
        .put_extractions(&records(&ids, &every_other, &again, "v2"))
        .await
        .unwrap();
    for (&i, events) in every_other.iter().zip(&again) {
        latest[i] = events.clone();
    }
    check(pool.clone(), latest, ids.clone()).await;
}

/// A store remembers the clusters it has read and written (their profiles, for the next writes'
/// candidates) and reads only the days it has not seen: the same writes made by one store (after
/// two by another), and by a new store each time (which reads every candidate), store the same
/// clusters, tallies and assignments. The writes spread over days in turn (weeks and undated mentions among them), so
/// that later ones need days partly seen, and re-extraction moves mentions between clusters.
#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn a_store_that_remembers_clusters_assigns_as_one_that_reads_them_all(pool: PgPool) {
    let mut ids = Vec::new();
    for i in 0..30u8 {
        let source = ["alsharq", "reuters", ""][usize::from(i) % 3];
        let published = ["2026-01-10", "2026-02-20", "2026-03-30"][usize::from(i) % 3];
        let stored = Store::new(pool.clone())
            .put_article(&article(&format!("body {i}"), i + 1, source, published))
            .await
            .unwrap();
        ids.push(stored.article_id);
    }
    // Article i's events in round r of write w: days spread over three months, drifting with the
    // round, but for the third write's (January only) and the fourth's (March only): the fifth
    // needs the February between them, where only the first two writes put clusters.
    let make = |i: usize, round: usize, write: usize| -> Vec<Event> {
        (0..4)
            .filter(|k| !(i + k + round).is_multiple_of(5))
            .map(|k| {
                let n = i * 4 + k + round * 3;
                let mut e = repetitive_event(k, n);
                let spread = n * 11 + round * 17;
                let day = match write {
                    2 => spread % 20,
                    3 => 60 + spread % 20,
                    _ => spread % 90,
                };
                if e.date.value.is_some() {
                    e.date.value = Some(
                        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()
                            + chrono::Duration::days(day as i64),
                    );
                }
                e
            })
            .collect()
    };
    // Batches of articles, in order: small ones first, so that the days known grow piecewise.
    let writes: Vec<(usize, Vec<usize>)> = vec![
        (0, vec![0, 1, 2, 3]),
        (0, vec![4, 5, 6, 7]),
        (0, (8..16).collect()),
        (0, (16..24).collect()),
        (0, (24..30).collect()),
        (1, vec![0, 7, 14, 21, 28]),
        (1, (1..30).step_by(2).collect()),
        (2, (0..30).step_by(3).collect()),
    ];
    let run = |remembering: bool| {
        let pool = pool.clone();
        let ids = ids.clone();
        let writes = writes.clone();
        async move {
            sqlx::query(
                "truncate events, event_clusters, event_cluster_state, article_extractions
                 restart identity",
            )
            .execute(&pool)
            .await
            .unwrap();
            let one = Store::new(pool.clone());
            for (n, (round, batch)) in writes.iter().enumerate() {
                let events: Vec<Vec<Event>> = batch.iter().map(|&i| make(i, *round, n)).collect();
                // The first writes are another store's (before this one started): clusters it
                // has to read, days it has to learn.
                let store = if remembering && n >= 2 {
                    one.clone()
                } else {
                    Store::new(pool.clone())
                };
                store
                    .put_extractions(&records(&ids, batch, &events, "v1"))
                    .await
                    .unwrap();
            }
            assert_clusters_match_their_mentions(&pool).await;
            cluster_snapshot(&pool).await
        }
    };
    let remembered = run(true).await;
    let read_each_time = run(false).await;
    assert!(remembered.len() > 60, "{} rows", remembered.len());
    assert_eq!(remembered, read_each_time);
}

/// A store keeps its memory of a write's tallies before the write commits, at the version its
/// statements advanced the stored state to: a version a rolled-back change reached is never
/// reached again by another change.
#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn a_rolled_back_cluster_state_version_is_never_given_again(pool: PgPool) {
    let change_and_read = |pool: PgPool, commit: bool| async move {
        let mut tx = pool.begin().await.unwrap();
        sqlx::query("delete from event_cluster_state where cluster_id = 'none'")
            .execute(&mut *tx)
            .await
            .unwrap();
        let version: i64 = sqlx::query_scalar("select version from event_cluster_state_version")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        if commit {
            tx.commit().await.unwrap();
        } else {
            tx.rollback().await.unwrap();
        }
        version
    };
    let before: i64 = sqlx::query_scalar("select version from event_cluster_state_version")
        .fetch_one(&pool)
        .await
        .unwrap();
    let rolled_back = change_and_read(pool.clone(), false).await;
    assert_ne!(rolled_back, before, "a change advances the version");
    let committed = change_and_read(pool.clone(), true).await;
    assert_ne!(committed, rolled_back, "the rolled-back version came again");
    assert_ne!(committed, before);
}
