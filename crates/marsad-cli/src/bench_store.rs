//! `marsad bench store`: loads generated events (realistic mixes of kinds, countries, dates,
//! places, actors and bilingual evidence) in bulk (UNNEST, secondary indexes built after the load)
//! into a dedicated database through the store's own tables, then measures through gRPC the p50/p99
//! latency of typical `ListEvents` queries and the delay from an event's commit to a watcher
//! seeing it.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::Args;
use marsad_proto::v1;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, PgPool};

#[derive(Debug, Args)]
pub(crate) struct BenchStoreArgs {
    /// Postgres URL of any database on the server; the benchmark creates its own next to it.
    #[arg(long, env = "MARSAD_DATABASE_URL")]
    database_url: String,
    /// The benchmark's database (dropped and recreated unless --reuse).
    #[arg(long, default_value = "marsad_bench")]
    bench_db: String,
    /// Events to generate.
    #[arg(long, default_value_t = 1_000_000)]
    events: usize,
    /// Keep the database if it already holds at least the requested number of events made by this
    /// version of the generator (pending migrations are applied to it).
    #[arg(long)]
    reuse: bool,
    /// Measure with cold caches: skip loading the tables and indexes into memory first.
    #[arg(long)]
    cold: bool,
    /// Measured queries per query type.
    #[arg(long, default_value_t = 200)]
    queries: usize,
    /// Events committed while a watcher waits, for the watch latency.
    #[arg(long, default_value_t = 50)]
    watch_events: usize,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

const KINDS: &[(&str, u32, &str, &str)] = &[
    // kind, weight, PLOVER type, CAMEO
    ("STATEMENT", 22, "", "010"),
    ("MEETING", 12, "CONSULT", "040"),
    ("ARMED_CLASH", 9, "ASSAULT", "190"),
    ("AIR_STRIKE", 8, "ASSAULT", "195"),
    ("SHELLING", 6, "ASSAULT", "194"),
    ("ATTACK", 5, "ASSAULT", "180"),
    ("ARREST", 5, "COERCE", "173"),
    ("PEACEFUL_PROTEST", 5, "PROTEST", "141"),
    ("ACCUSATION", 5, "ACCUSE", "112"),
    ("AGREEMENT", 3, "SUPPORT", "057"),
    ("DEPLOYMENT", 3, "MOBILIZE", "150"),
    ("REMOTE_EXPLOSIVE", 3, "ASSAULT", "1832"),
    ("AID", 3, "AID", "070"),
    ("REQUEST", 3, "REQUEST", "020"),
    ("PRAISE", 2, "SUPPORT", "051"),
    ("CEASEFIRE", 1, "CONCEDE", "0871"),
    ("WITHDRAWAL", 1, "RETREAT", "0874"),
    ("SANCTION", 1, "SANCTION", "163"),
    ("ABDUCTION", 1, "ASSAULT", "181"),
    ("COALITION_JOIN", 1, "SUPPORT", "057"),
];

/// A city: name, latitude, longitude.
type City = (&'static str, f64, f64);

const COUNTRIES: &[(&str, u32, &[City])] = &[
    (
        "SYR",
        24,
        &[
            ("Damascus", 33.51, 36.29),
            ("Aleppo", 36.20, 37.13),
            ("Idlib", 35.93, 36.63),
            ("Deir ez-Zor", 35.34, 40.14),
            ("Raqqa", 35.95, 39.01),
            ("Homs", 34.73, 36.71),
        ],
    ),
    (
        "IRQ",
        14,
        &[
            ("Baghdad", 33.34, 44.40),
            ("Mosul", 36.34, 43.13),
            ("Basra", 30.51, 47.78),
            ("Erbil", 36.19, 44.01),
            ("Kirkuk", 35.47, 44.39),
        ],
    ),
    (
        "YEM",
        10,
        &[
            ("Sanaa", 15.35, 44.21),
            ("Aden", 12.78, 45.04),
            ("Marib", 15.46, 45.32),
            ("Hodeidah", 14.80, 42.95),
        ],
    ),
    (
        "LBN",
        8,
        &[
            ("Beirut", 33.89, 35.50),
            ("Tyre", 33.27, 35.20),
            ("Tripoli", 34.44, 35.85),
        ],
    ),
    (
        "ISR",
        6,
        &[
            ("Jerusalem", 31.77, 35.21),
            ("Tel Aviv", 32.09, 34.78),
            ("Haifa", 32.79, 34.99),
        ],
    ),
    (
        "PSE",
        6,
        &[
            ("Gaza", 31.50, 34.47),
            ("Ramallah", 31.90, 35.20),
            ("Jenin", 32.46, 35.30),
        ],
    ),
    (
        "SAU",
        5,
        &[("Riyadh", 24.69, 46.72), ("Jeddah", 21.49, 39.19)],
    ),
    (
        "IRN",
        5,
        &[("Tehran", 35.69, 51.39), ("Isfahan", 32.65, 51.67)],
    ),
    (
        "TUR",
        5,
        &[("Ankara", 39.93, 32.86), ("Gaziantep", 37.07, 37.38)],
    ),
    (
        "EGY",
        4,
        &[("Cairo", 30.04, 31.24), ("Alexandria", 31.20, 29.92)],
    ),
    (
        "LBY",
        4,
        &[("Tripoli", 32.89, 13.19), ("Benghazi", 32.12, 20.09)],
    ),
    ("JOR", 3, &[("Amman", 31.95, 35.93)]),
    ("USA", 4, &[("Washington", 38.90, -77.04)]),
    ("SDN", 2, &[("Khartoum", 15.50, 32.56)]),
];

const SECTORS: &[&str] = &[
    "GOV", "MIL", "REB", "INS", "IGO", "COP", "CVL", "OPP", "MED",
];
const SOURCES: &[&str] = &[
    "alsharq",
    "reuters",
    "afp",
    "aljazeera",
    "asharq-al-awsat",
    "enab-baladi",
    "sana",
    "rudaw",
    "ap",
    "bbc-arabic",
    "alarabiya",
    "the-national",
];
const EN_WORDS: &[&str] = &[
    "forces",
    "attacked",
    "positions",
    "near",
    "killed",
    "wounded",
    "officials",
    "said",
    "talks",
    "delegation",
    "ministry",
    "announced",
    "strike",
    "drone",
    "convoy",
    "checkpoint",
    "protesters",
    "gathered",
    "agreement",
    "signed",
    "ceasefire",
    "violations",
    "reported",
    "militants",
    "army",
    "coalition",
    "envoy",
    "visit",
    "border",
    "village",
];
const AR_WORDS: &[&str] = &[
    "القوات",
    "هاجمت",
    "مواقع",
    "قرب",
    "مقتل",
    "إصابة",
    "مسؤولون",
    "قال",
    "محادثات",
    "وفد",
    "وزارة",
    "أعلنت",
    "غارة",
    "مسيرة",
    "قافلة",
    "حاجز",
    "متظاهرون",
    "تجمع",
    "اتفاق",
    "توقيع",
    "هدنة",
    "خروقات",
    "أفادت",
    "مسلحون",
    "الجيش",
    "التحالف",
    "المبعوث",
    "زيارة",
    "الحدود",
    "قرية",
];
/// Rarer words, for selective text searches.
const RARE_WORDS: &[&str] = &[
    "ambush",
    "kidnapping",
    "airport",
    "refinery",
    "hospital",
    "prison",
    "embassy",
    "كمين",
    "مطار",
    "مصفاة",
    "مستشفى",
    "سجن",
    "سفارة",
];

const ACTORS: usize = 3000;

/// The shape of the generated data; `--reuse` reloads a database made by another version.
/// 2: each evidence is a sentence of its article's body.
const GENERATOR_VERSION: i32 = 2;

fn weighted<'a, T>(rng: &mut StdRng, items: &'a [T], weight: impl Fn(&T) -> u32) -> &'a T {
    let total: u32 = items.iter().map(&weight).sum();
    let mut pick = rng.random_range(0..total);
    for item in items {
        let w = weight(item);
        if pick < w {
            return item;
        }
        pick -= w;
    }
    &items[items.len() - 1]
}

/// Zipf-like index in 0..n (a few actors appear often, most rarely).
fn zipf(rng: &mut StdRng, n: usize) -> usize {
    let u: f64 = rng.random_range(0.0..1.0);
    ((n as f64).powf(u) - 1.0).floor() as usize % n
}

fn actor_name(i: usize) -> String {
    format!("Actor {i} al-Example")
}

#[derive(Debug, Default, Serialize)]
struct Latency {
    name: String,
    n: usize,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    mean_rows: f64,
}

fn summarize(name: &str, mut samples: Vec<Duration>, rows: usize) -> Latency {
    samples.sort_unstable();
    let n = samples.len();
    let at = |q: f64| {
        let i = ((n as f64 * q).ceil() as usize).clamp(1, n) - 1;
        samples[i].as_secs_f64() * 1000.0
    };
    Latency {
        name: name.to_owned(),
        n,
        p50_ms: at(0.50),
        p99_ms: at(0.99),
        max_ms: samples.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0),
        mean_rows: rows as f64 / n.max(1) as f64,
    }
}

#[derive(Debug, Serialize)]
struct Report {
    events: i64,
    load_seconds: Option<f64>,
    queries: Vec<Latency>,
    watch: Latency,
    watch_from_call_start: Latency,
}

pub(crate) async fn run(args: BenchStoreArgs) -> Result<()> {
    let admin: PgConnectOptions = args
        .database_url
        .parse()
        .context("invalid --database-url")?;
    let admin = admin.disable_statement_logging();
    let bench = admin.clone().database(&args.bench_db);
    let admin_pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(admin.clone())
        .await
        .context("cannot connect to Postgres")?;
    let exists: bool =
        sqlx::query_scalar("select exists(select 1 from pg_database where datname = $1)")
            .bind(&args.bench_db)
            .fetch_one(&admin_pool)
            .await?;
    let mut reuse = false;
    if exists && args.reuse {
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(bench.clone())
            .await?;
        let n: Option<i64> = sqlx::query_scalar("select count(*) from events")
            .fetch_one(&pool)
            .await
            .ok();
        let generator: Option<i32> = sqlx::query_scalar("select version from bench_generator")
            .fetch_one(&pool)
            .await
            .ok();
        reuse = n.is_some_and(|n| n >= args.events as i64) && generator == Some(GENERATOR_VERSION);
        pool.close().await;
        if reuse {
            marsad_store::migrate(bench.clone()).await?;
        }
    }
    let mut load_seconds = None;
    if !reuse {
        if exists {
            sqlx::query(&format!(
                "drop database \"{}\" with (force)",
                args.bench_db.replace('"', "")
            ))
            .execute(&admin_pool)
            .await?;
        }
        sqlx::query(&format!(
            "create database \"{}\"",
            args.bench_db.replace('"', "")
        ))
        .execute(&admin_pool)
        .await?;
        marsad_store::migrate(bench.clone()).await?;
        let pool = PgPoolOptions::new()
            .max_connections(2)
            .connect_with(bench.clone())
            .await?;
        let started = Instant::now();
        load(&pool, args.events).await?;
        load_seconds = Some(started.elapsed().as_secs_f64());
        eprintln!(
            "loaded {} events in {:.1} s",
            args.events,
            started.elapsed().as_secs_f64()
        );
        pool.close().await;
    }
    admin_pool.close().await;
    if !args.cold {
        prewarm(&bench).await?;
    }

    // The storage service, in this process, on a loopback port.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let mut config = marsad_store::StoreConfig::new(bench.clone());
    config.run_migrations = false;
    config.max_connections = 8;
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(marsad_store::serve(listener, config, async move {
        let _ = stop_rx.await;
    }));
    let url = format!("http://{addr}");
    let mut client = loop {
        if let Ok(client) = crate::events::raw_storage(&url).await {
            break client;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };

    let mut rng = StdRng::seed_from_u64(7);
    let mut queries = Vec::new();
    type Make = fn(&mut StdRng) -> v1::EventFilter;
    let cases: [(&str, Make); 5] = [
        ("country + month", |rng| {
            let (country, _, _) = weighted(rng, COUNTRIES, |c| c.1);
            let month: i32 = rng.random_range(0..26);
            let (y, m) = (2024 + month / 12, (month % 12 + 1) as u32);
            let start = chrono::NaiveDate::from_ymd_opt(y, m, 1).unwrap_or_default();
            let end = crate::bench_store::month_end(start);
            v1::EventFilter {
                countries: vec![(*country).to_owned()],
                since: start.to_string(),
                until: end.to_string(),
                ..Default::default()
            }
        }),
        ("kind + bounding box", |rng| {
            let (kind, _, _, _) = weighted(rng, KINDS, |k| k.1);
            let (_, _, places) = weighted(rng, COUNTRIES, |c| c.1);
            let (_, lat, lon) = places[rng.random_range(0..places.len())];
            v1::EventFilter {
                kinds: vec![(*kind).to_owned()],
                bbox: Some(v1::BoundingBox {
                    min_lat: lat - 1.0,
                    min_lon: lon - 1.0,
                    max_lat: lat + 1.0,
                    max_lon: lon + 1.0,
                }),
                ..Default::default()
            }
        }),
        ("actor", |rng| {
            let i = zipf(rng, ACTORS);
            v1::EventFilter {
                actors: vec![if rng.random_bool(0.5) {
                    format!("Q{}", 1000 + i)
                } else {
                    actor_name(i)
                }],
                ..Default::default()
            }
        }),
        ("text search", |rng| {
            let word = if rng.random_bool(0.5) {
                RARE_WORDS[rng.random_range(0..RARE_WORDS.len())]
            } else {
                let (_, _, places) = weighted(rng, COUNTRIES, |c| c.1);
                places[rng.random_range(0..places.len())].0
            };
            v1::EventFilter {
                text: word.to_owned(),
                ..Default::default()
            }
        }),
        ("text, a word excluded", |rng| {
            let (_, _, places) = weighted(rng, COUNTRIES, |c| c.1);
            let place = places[rng.random_range(0..places.len())].0;
            let excluded = RARE_WORDS[rng.random_range(0..RARE_WORDS.len())];
            v1::EventFilter {
                text: format!("\"{place}\" -{excluded}"),
                ..Default::default()
            }
        }),
    ];
    for (name, make) in cases {
        // Warm up caches and connections.
        for _ in 0..20 {
            let filter = make(&mut rng);
            let _ = client
                .list_events(v1::ListEventsRequest {
                    filter: Some(filter),
                    page_size: 100,
                    page_token: String::new(),
                })
                .await;
        }
        let mut samples = Vec::with_capacity(args.queries);
        let mut rows = 0;
        for _ in 0..args.queries {
            let filter = make(&mut rng);
            let started = Instant::now();
            let page = client
                .list_events(v1::ListEventsRequest {
                    filter: Some(filter),
                    page_size: 100,
                    page_token: String::new(),
                })
                .await
                .map_err(|s| anyhow::anyhow!("{name}: {}", s.message()))?
                .into_inner();
            samples.push(started.elapsed());
            rows += page.events.len();
        }
        let latency = summarize(name, samples, rows);
        eprintln!(
            "{name:<22} p50 {:>7.2} ms  p99 {:>7.2} ms  ({:.0} events per page)",
            latency.p50_ms, latency.p99_ms, latency.mean_rows
        );
        queries.push(latency);
    }

    let (watch, watch_from_call_start) =
        watch_latency(&mut client, &bench, args.watch_events).await?;
    eprintln!(
        "watch: commit acknowledged -> seen p50 {:.2} ms p99 {:.2} ms; call start -> seen p50 {:.2} ms p99 {:.2} ms",
        watch.p50_ms, watch.p99_ms, watch_from_call_start.p50_ms, watch_from_call_start.p99_ms
    );
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(bench.clone())
        .await?;
    let events: i64 = sqlx::query_scalar("select count(*) from events")
        .fetch_one(&pool)
        .await?;
    pool.close().await;
    let _ = stop_tx.send(());
    let _ = tokio::time::timeout(Duration::from_secs(10), server).await;
    let report = Report {
        events,
        load_seconds,
        queries,
        watch,
        watch_from_call_start,
    };
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!("events  {}", report.events);
        if let Some(s) = report.load_seconds {
            println!("load    {s:.1} s");
        }
        println!(
            "{:<24} {:>9} {:>9} {:>9}",
            "QUERY", "P50 ms", "P99 ms", "MAX ms"
        );
        for q in report
            .queries
            .iter()
            .chain([&report.watch, &report.watch_from_call_start])
        {
            println!(
                "{:<24} {:>9.2} {:>9.2} {:>9.2}",
                q.name, q.p50_ms, q.p99_ms, q.max_ms
            );
        }
    }
    Ok(())
}

pub(crate) fn month_end(start: chrono::NaiveDate) -> chrono::NaiveDate {
    use chrono::Datelike;
    let (y, m) = if start.month() == 12 {
        (start.year() + 1, 1)
    } else {
        (start.year(), start.month() + 1)
    };
    chrono::NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|d| d.pred_opt())
        .unwrap_or(start)
}

/// Commits events one at a time (through the store library, as PutExtraction does) while a
/// WatchEvents stream waits, and measures when the stream delivers each.
async fn watch_latency(
    client: &mut v1::storage_service_client::StorageServiceClient<tonic::transport::Channel>,
    bench: &PgConnectOptions,
    n: usize,
) -> Result<(Latency, Latency)> {
    let pool = PgPoolOptions::new()
        .max_connections(2)
        .connect_with(bench.clone())
        .await?;
    let store = marsad_store::Store::new(pool.clone());
    let mut stream = client
        .watch_events(v1::WatchEventsRequest {
            filter: Some(v1::EventFilter {
                kinds: vec!["CEASEFIRE".into()],
                text: "watchtoken".into(),
                ..Default::default()
            }),
            after_sequence: 0,
            from_start: false,
        })
        .await
        .map_err(|s| anyhow::anyhow!("watch: {}", s.message()))?
        .into_inner();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut acked = Vec::with_capacity(n);
    let mut called = Vec::with_capacity(n);
    let salt: u64 = rand::random();
    for i in 0..n {
        let mut hash = [0u8; 32];
        hash[..8].copy_from_slice(&salt.to_le_bytes());
        hash[8..16].copy_from_slice(&(i as u64).to_le_bytes());
        // The evidence is a span of the article, as the text search expects.
        let (prefix, evidence) = (format!("watch probe {i}: "), "watchtoken ceasefire");
        let article = store
            .put_article(&marsad_store::NewArticle {
                content_hash: hash.to_vec(),
                lang: "en".into(),
                body: format!("{prefix}{evidence}"),
                source: Some("bench".into()),
                ..Default::default()
            })
            .await?;
        let event = marsad_core::Event {
            id: format!("watch-{salt}-{i}"),
            kind: marsad_core::Kind::Ceasefire,
            plover: Default::default(),
            cameo: None,
            acled: None,
            actors: Vec::new(),
            location: None,
            date: marsad_core::EventDate::unresolved(),
            modality: marsad_core::Modality::Asserted,
            confidence: 0.9,
            evidence: marsad_core::Evidence {
                text: evidence.into(),
                start: prefix.chars().count(),
                end: prefix.chars().count() + evidence.chars().count(),
            },
            engine_version: "bench".into(),
        };
        let start = Instant::now();
        store
            .put_extraction(&article.article_id, &[], &[event], "bench")
            .await?;
        let ack = Instant::now();
        let seen = tokio::time::timeout(Duration::from_secs(5), stream.message())
            .await
            .context("the watcher saw nothing within 5 s")?
            .map_err(|s| anyhow::anyhow!("watch: {}", s.message()))?
            .context("the watch ended")?;
        let now = Instant::now();
        anyhow::ensure!(seen.article_id == article.article_id, "unexpected event");
        acked.push(now.saturating_duration_since(ack));
        called.push(now.saturating_duration_since(start));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    pool.close().await;
    Ok((
        summarize("watch (commit ack->seen)", acked, n),
        summarize("watch (call->seen)", called, n),
    ))
}

/// Reads the event store's tables and indexes into Postgres' buffers (and the OS cache beyond
/// them), so that the figures are those of a server whose working set is in memory.
async fn prewarm(bench: &PgConnectOptions) -> Result<()> {
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(bench.clone())
        .await?;
    sqlx::query("create extension if not exists pg_prewarm")
        .execute(&pool)
        .await
        .context("pg_prewarm (postgresql-contrib) is needed to warm the caches; or pass --cold")?;
    let started = Instant::now();
    let pages: i64 = sqlx::query_scalar(
        "select coalesce(sum(pg_prewarm(c.oid)), 0)::int8 from pg_class c
         join pg_namespace n on n.oid = c.relnamespace
         where n.nspname = 'public' and c.relkind in ('r', 'i')
           and (c.relname like 'events%' or c.relname like 'articles%' or c.relname like 'event_clusters%')",
    )
    .fetch_one(&pool)
    .await?;
    eprintln!(
        "prewarmed {} MB in {:.1} s",
        pages * 8 / 1024,
        started.elapsed().as_secs_f64()
    );
    pool.close().await;
    Ok(())
}

/// Generates and loads `n` events (and their articles, actors, clusters) in bulk.
async fn load(pool: &PgPool, n: usize) -> Result<()> {
    // Secondary indexes are built once, after the load.
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "select indexname, indexdef from pg_indexes
         where schemaname = 'public' and tablename in ('events', 'event_clusters', 'articles', 'actor_names')
           and indexname not like '%_pkey' and indexname not like '%_key'",
    )
    .fetch_all(pool)
    .await?;
    for (name, _) in &indexes {
        sqlx::query(&format!("drop index if exists \"{name}\""))
            .execute(pool)
            .await?;
    }
    sqlx::query("alter table events disable trigger events_stored")
        .execute(pool)
        .await?;

    let mut rng = StdRng::seed_from_u64(42);
    let per_article = 4;
    let articles = n.div_ceil(per_article);
    let start_day = chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default();
    let days = 820i64;
    let chunk = 20_000usize;
    let bar = indicatif::ProgressBar::new(n as u64);
    let mut event_index = 0usize;
    let mut sequence: i64 = 0;
    let mut recent_clusters: Vec<(String, String)> = Vec::new();
    let mut a0 = 0usize;
    while a0 < articles {
        let a1 = (a0 + chunk / per_article).min(articles);
        let mut art = ArticleCols::default();
        let mut ev = EventCols::default();
        for a in a0..a1 {
            let id = format!("a_{a:032x}");
            let day = start_day
                + chrono::Duration::days(
                    (days as f64 * rng.random_range(0.0f64..1.0).sqrt()) as i64,
                );
            let ar = rng.random_bool(0.6);
            let (country, _, places) = weighted(&mut rng, COUNTRIES, |c| c.1);
            let words = if ar { AR_WORDS } else { EN_WORDS };
            let mut body = String::new();
            for _ in 0..60 {
                body.push_str(words[rng.random_range(0..words.len())]);
                body.push(' ');
            }
            if rng.random_bool(0.05) {
                body.push_str(RARE_WORDS[rng.random_range(0..RARE_WORDS.len())]);
            }
            let mut hash = [0u8; 32];
            hash[..8].copy_from_slice(&(a as u64).to_le_bytes());
            art.id.push(id.clone());
            art.hash.push(hash.to_vec());
            art.lang.push(if ar { "ar" } else { "en" }.to_owned());
            art.title.push(format!(
                "{} {}",
                places[0].0,
                words[rng.random_range(0..words.len())]
            ));
            art.source
                .push(SOURCES[rng.random_range(0..SOURCES.len())].to_owned());
            art.url.push(format!("https://news.example/{a}"));
            art.published.push(day);
            for _ in 0..per_article {
                if event_index >= n {
                    break;
                }
                event_index += 1;
                sequence += 1;
                let (kind, _, plover, cameo) = weighted(&mut rng, KINDS, |k| k.1);
                let (pname, lat, lon) = places[rng.random_range(0..places.len())];
                let placed = rng.random_bool(0.7);
                let jitter = |rng: &mut StdRng| rng.random_range(-0.05..0.05);
                let event_day = day - chrono::Duration::days(rng.random_range(0..2));
                let dated = rng.random_bool(0.85);
                let mut evidence = String::new();
                for _ in 0..12 {
                    evidence.push_str(words[rng.random_range(0..words.len())]);
                    evidence.push(' ');
                }
                evidence.push_str(pname);
                if rng.random_bool(0.02) {
                    evidence.push(' ');
                    evidence.push_str(RARE_WORDS[rng.random_range(0..RARE_WORDS.len())]);
                }
                // The evidence is a sentence of the article, as the engine's always is.
                body.push_str(".\n");
                let start = body.chars().count();
                body.push_str(&evidence);
                ev.span
                    .push((start as i32, (start + evidence.chars().count()) as i32));
                let n_actors: i32 = rng.random_range(1..=3);
                let mut ids = Vec::new();
                let mut roles = Vec::new();
                let mut sectors = Vec::new();
                let mut countries = vec![(*country).to_owned()];
                let mut actors = Vec::new();
                for ordinal in 0..n_actors {
                    let i = zipf(&mut rng, ACTORS);
                    let actor_id = format!("Q{}", 1000 + i);
                    let acountry = COUNTRIES[i % COUNTRIES.len()].0;
                    let sector = SECTORS[i % SECTORS.len()];
                    let role = if ordinal == 0 { "actor" } else { "recipient" };
                    actors.push(serde_json::json!({
                        "text": actor_name(i), "name": actor_name(i), "id": actor_id,
                        "country": acountry, "sector": sector, "role": role, "start": 0, "end": 1,
                    }));
                    ids.push(actor_id.clone());
                    roles.push(format!("{role}:{actor_id}"));
                    sectors.push(sector.to_owned());
                    countries.push(acountry.to_owned());
                }
                ev.actors.push(serde_json::Value::Array(actors).to_string());
                for v in [&mut ids, &mut roles, &mut sectors, &mut countries] {
                    v.sort_unstable();
                    v.dedup();
                }
                // About a third of events are another mention of a recent event of the same kind.
                let cluster = recent_clusters
                    .iter()
                    .rev()
                    .take(200)
                    .find(|(k, _)| k == kind)
                    .filter(|_| rng.random_bool(0.3))
                    .map(|(_, c)| c.clone())
                    .unwrap_or_else(|| format!("c_{sequence:016x}"));
                recent_clusters.push(((*kind).to_owned(), cluster.clone()));
                if recent_clusters.len() > 4000 {
                    recent_clusters.drain(..2000);
                }
                ev.sequence.push(sequence);
                ev.id.push(format!("ev_{sequence:030x}"));
                ev.article.push(id.clone());
                ev.kind.push((*kind).to_owned());
                ev.plover
                    .push((!plover.is_empty()).then(|| (*plover).to_owned()));
                ev.cameo.push((*cameo).to_owned());
                ev.place_name.push(placed.then(|| pname.to_owned()));
                ev.place_country.push(placed.then(|| (*country).to_owned()));
                ev.lat.push(placed.then(|| lat + jitter(&mut rng)));
                ev.lon.push(placed.then(|| lon + jitter(&mut rng)));
                ev.date.push(dated.then_some(event_day));
                ev.precision.push(dated.then(|| "day".to_owned()));
                ev.modality.push(
                    if rng.random_bool(0.85) {
                        "asserted"
                    } else {
                        "reported"
                    }
                    .to_owned(),
                );
                ev.confidence.push(rng.random_range(0.3f32..1.0));
                ev.evidence.push(evidence);
                ev.countries.push(countries.join("\u{1f}"));
                ev.actor_ids.push(ids.join("\u{1f}"));
                ev.actor_roles.push(roles.join("\u{1f}"));
                ev.sectors.push(sectors.join("\u{1f}"));
                ev.ingested_at.push(
                    event_day
                        .and_hms_opt(12, 0, 0)
                        .unwrap_or_default()
                        .and_utc(),
                );
                ev.cluster.push(cluster);
                ev.cluster_day.push(if dated { event_day } else { day });
            }
            body.push('.');
            art.body.push(body);
        }
        let mut tx = pool.begin().await?;
        sqlx::query(
            "insert into articles (id, content_hash, lang, title, body, source, url, published_on, ingested_at,
                                   search)
             select id, h, lang, title, body, source, url, published, published::timestamptz,
                    marsad_search_vector(lang, coalesce(title, '') || ' ' || body)
             from unnest($1::text[], $2::bytea[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::date[])
                  as t(id, h, lang, title, body, source, url, published)",
        )
        .bind(&art.id)
        .bind(&art.hash)
        .bind(&art.lang)
        .bind(&art.title)
        .bind(&art.body)
        .bind(&art.source)
        .bind(&art.url)
        .bind(&art.published)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "insert into article_extractions (article_id, extracted_at, engine_version)
             select id, now(), 'bench' from unnest($1::text[]) as t(id)",
        )
        .bind(&art.id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "insert into events (sequence, id, article_id, kind, plover_type, cameo, place_text, place_name,
                place_country, place_lat, place_lon, event_date, date_precision, date_resolved, modality,
                confidence, evidence_text, evidence_start, evidence_end, engine_version, countries,
                actor_ids, actor_roles, sectors, ingested_at, cluster_id, cluster_day, lang, actors)
             overriding system value
             select seq, t.id, article, kind, plover, cameo, pname, pname, pcountry, lat, lon, d, p, d is not null,
                modality, confidence, evidence, span_start, span_end, 'bench',
                string_to_array(countries, chr(31)), string_to_array(actor_ids, chr(31)),
                string_to_array(actor_roles, chr(31)), string_to_array(sectors, chr(31)),
                ingested, cluster, cday, a.lang, actors::json
             from unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                $8::text[], $9::float8[], $10::float8[], $11::date[], $12::text[], $13::text[], $14::float4[],
                $15::text[], $16::text[], $17::text[], $18::text[], $19::text[], $20::timestamptz[],
                $21::text[], $22::date[], $23::text[], $24::int4[], $25::int4[])
                as t(seq, id, article, kind, plover, cameo, pname, pcountry, lat, lon, d, p, modality,
                     confidence, evidence, countries, actor_ids, actor_roles, sectors, ingested, cluster, cday,
                     actors, span_start, span_end)
                join articles a on a.id = t.article",
        )
        .bind(&ev.sequence)
        .bind(&ev.id)
        .bind(&ev.article)
        .bind(&ev.kind)
        .bind(&ev.plover)
        .bind(&ev.cameo)
        .bind(&ev.place_name)
        .bind(&ev.place_country)
        .bind(&ev.lat)
        .bind(&ev.lon)
        .bind(&ev.date)
        .bind(&ev.precision)
        .bind(&ev.modality)
        .bind(&ev.confidence)
        .bind(&ev.evidence)
        .bind(&ev.countries)
        .bind(&ev.actor_ids)
        .bind(&ev.actor_roles)
        .bind(&ev.sectors)
        .bind(&ev.ingested_at)
        .bind(&ev.cluster)
        .bind(&ev.cluster_day)
        .bind(&ev.actors)
        .bind(ev.span.iter().map(|s| s.0).collect::<Vec<_>>())
        .bind(ev.span.iter().map(|s| s.1).collect::<Vec<_>>())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        bar.set_position(event_index as u64);
        a0 = a1;
    }
    bar.finish_and_clear();
    eprintln!("rows loaded; building clusters and indexes");
    sqlx::query(
        "select setval(pg_get_serial_sequence('events', 'sequence'), (select max(sequence) from events))",
    )
    .execute(pool)
    .await?;
    sqlx::query(
        "insert into actor_names (actor_id, name)
         select distinct a->>'id', a->>'name' from events, json_array_elements(actors) a
         on conflict do nothing",
    )
    .execute(pool)
    .await?;
    sqlx::query(
        "insert into event_clusters (id, kind, representative_sequence, event_date, date_precision, place_name,
            place_country, place_lat, place_lon, modality, confidence, mention_count, source_count, sources,
            actor_ids, countries, match_day, match_precision)
         select e.cluster_id, min(e.kind), min(e.sequence), min(e.event_date), 'day', min(e.place_name),
            min(e.place_country), min(e.place_lat), min(e.place_lon), min(e.modality), max(e.confidence),
            count(*), count(distinct a.source), array_agg(distinct a.source), '{}', '{}',
            min(e.cluster_day), 'day'
         from events e join articles a on a.id = e.article_id
         group by e.cluster_id order by min(e.sequence)",
    )
    .execute(pool)
    .await?;
    sqlx::query("alter table events enable trigger events_stored")
        .execute(pool)
        .await?;
    for (name, def) in &indexes {
        let started = Instant::now();
        sqlx::query(def).execute(pool).await?;
        eprintln!("  index {name}: {:.1} s", started.elapsed().as_secs_f64());
    }
    sqlx::query("create table bench_generator (version int not null)")
        .execute(pool)
        .await?;
    sqlx::query("insert into bench_generator values ($1)")
        .bind(GENERATOR_VERSION)
        .execute(pool)
        .await?;
    sqlx::query("vacuum analyze").execute(pool).await?;
    Ok(())
}

#[derive(Default)]
struct ArticleCols {
    id: Vec<String>,
    hash: Vec<Vec<u8>>,
    lang: Vec<String>,
    title: Vec<String>,
    body: Vec<String>,
    source: Vec<String>,
    url: Vec<String>,
    published: Vec<chrono::NaiveDate>,
}

#[derive(Default)]
struct EventCols {
    sequence: Vec<i64>,
    id: Vec<String>,
    article: Vec<String>,
    kind: Vec<String>,
    plover: Vec<Option<String>>,
    cameo: Vec<String>,
    place_name: Vec<Option<String>>,
    place_country: Vec<Option<String>>,
    lat: Vec<Option<f64>>,
    lon: Vec<Option<f64>>,
    date: Vec<Option<chrono::NaiveDate>>,
    precision: Vec<Option<String>>,
    modality: Vec<String>,
    confidence: Vec<f32>,
    evidence: Vec<String>,
    countries: Vec<String>,
    actor_ids: Vec<String>,
    actor_roles: Vec<String>,
    sectors: Vec<String>,
    ingested_at: Vec<chrono::DateTime<chrono::Utc>>,
    cluster: Vec<String>,
    cluster_day: Vec<chrono::NaiveDate>,
    actors: Vec<String>,
    /// The evidence's character span in its article's body.
    span: Vec<(i32, i32)>,
}
