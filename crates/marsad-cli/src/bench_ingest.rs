//! `marsad bench ingest`: end-to-end ingest throughput. Generates a corpus of Arabic and English
//! articles from the two seed fixtures (paragraphs picked and shuffled; names, places, numbers and
//! days replaced; event sentences added), so that content hashes differ and near duplicates are
//! rare; pushes it through `IngestBatch` (client → Ingest → Extraction → Storage → Postgres), either
//! against running services (`--ingest-url`) or against the three services started in-process on
//! free loopback ports over a dedicated database (`--database-url`, database `marsad_bench`,
//! dropped and recreated); and measures, in the same run, how fast Postgres alone takes the same
//! rows with `COPY` into scratch tables shaped like the real ones: the article rows alone, and
//! every row the pipeline wrote for the articles (articles, entities, events; read back from the
//! bench database). The ratio to the second is the target's.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::Args;
use futures::stream::FuturesOrdered;
use futures::StreamExt;
use marsad_client::{ClientConfig, IngestClient};
use marsad_proto::v1;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection};
use tokio::net::TcpListener;

const SEED_AR: &str = include_str!("../../../tests/fixtures/barrack-coalition-ar.txt");
const SEED_EN: &str = include_str!("../../../tests/fixtures/barrack-coalition-en.txt");

#[derive(Debug, Args)]
pub(crate) struct BenchIngestArgs {
    /// Articles to push.
    #[arg(long, default_value_t = 20_000)]
    articles: usize,
    /// Articles per IngestBatch call.
    #[arg(long, default_value_t = 1000)]
    batch: usize,
    /// IngestBatch calls in flight at once.
    #[arg(long, default_value_t = 2)]
    concurrency: usize,
    /// A running ingest service to measure (else the services are started in-process).
    #[arg(long)]
    ingest_url: Option<String>,
    /// Postgres URL: the bench database is created next to it (dropped first), and the COPY
    /// baseline runs there.
    #[arg(long, env = "MARSAD_DATABASE_URL")]
    database_url: Option<String>,
    /// Name of the bench database.
    #[arg(long, default_value = "marsad_bench")]
    bench_database: String,
    /// Seed of the corpus generator.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Print the report as one JSON object.
    #[arg(long)]
    json: bool,
}

/// SplitMix64: small, deterministic, good enough to vary a corpus.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const EN_PEOPLE: &[&str] = &[
    "Thomas Barrack",
    "Hakan Fidan",
    "Ayman Safadi",
    "Fuad Hussein",
    "Abdullah Bou Habib",
    "Badr Abdelatty",
    "Faisal bin Farhan",
    "Asaad al-Shaibani",
    "Ahmed Aboul Gheit",
    "Geir Pedersen",
    "Antonio Guterres",
    "Kaja Kallas",
    "Mohammed Shia al-Sudani",
    "Najib Mikati",
    "Nawaf Salam",
    "Joseph Aoun",
    "Murhaf Abu Qasra",
    "Anas Khattab",
];
const EN_CITIES: &[&str] = &[
    "Riyadh",
    "Amman",
    "Baghdad",
    "Beirut",
    "Cairo",
    "Ankara",
    "Doha",
    "Abu Dhabi",
    "Kuwait City",
    "Muscat",
    "Manama",
    "Aleppo",
    "Homs",
    "Deir ez-Zor",
    "Raqqa",
    "Mosul",
    "Erbil",
    "Idlib",
];
const EN_DAYS: &[&str] = &[
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];
const EN_GROUPS: &[&str] = &[
    "government forces",
    "the Syrian Democratic Forces",
    "Islamic State fighters",
    "tribal gunmen",
    "security forces",
    "an armed group",
    "local militias",
    "police",
];
const EN_TOPICS: &[&str] = &[
    "border security",
    "the return of refugees",
    "reconstruction",
    "detainee transfers",
    "energy supplies",
    "counter-terrorism cooperation",
    "humanitarian access",
    "water sharing",
];
const AR_PEOPLE: &[&str] = &[
    "توماس باراك",
    "هاكان فيدان",
    "أيمن الصفدي",
    "فؤاد حسين",
    "عبد الله بو حبيب",
    "بدر عبد العاطي",
    "فيصل بن فرحان",
    "أسعد الشيباني",
    "أحمد أبو الغيط",
    "غير بيدرسن",
    "أنطونيو غوتيريش",
    "محمد شياع السوداني",
    "نواف سلام",
    "جوزاف عون",
    "مرهف أبو قصرة",
    "أنس خطاب",
];
const AR_CITIES: &[&str] = &[
    "الرياض",
    "عمان",
    "بغداد",
    "بيروت",
    "القاهرة",
    "أنقرة",
    "الدوحة",
    "أبوظبي",
    "الكويت",
    "مسقط",
    "المنامة",
    "حلب",
    "حمص",
    "دير الزور",
    "الرقة",
    "الموصل",
    "أربيل",
    "إدلب",
];
const AR_DAYS: &[&str] = &[
    "الإثنين",
    "الثلاثاء",
    "الأربعاء",
    "الخميس",
    "الجمعة",
    "السبت",
    "الأحد",
];
const AR_GROUPS: &[&str] = &[
    "القوات الحكومية",
    "قوات سوريا الديمقراطية",
    "عناصر تنظيم داعش",
    "مسلحين من العشائر",
    "قوات الأمن",
    "مجموعة مسلحة",
    "فصائل محلية",
    "الشرطة",
];
const AR_TOPICS: &[&str] = &[
    "أمن الحدود",
    "عودة اللاجئين",
    "إعادة الإعمار",
    "نقل المحتجزين",
    "إمدادات الطاقة",
    "التعاون في مكافحة الإرهاب",
    "وصول المساعدات الإنسانية",
    "تقاسم المياه",
];

fn paragraphs(text: &str) -> Vec<&str> {
    text.split('\n')
        .map(str::trim)
        .filter(|p| p.chars().count() > 60)
        .collect()
}

/// Replaces every run of ASCII or Arabic-Indic digits with a random number of similar size.
fn renumber(text: &str, rng: &mut Rng) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_number = false;
    for c in text.chars() {
        if c.is_ascii_digit() {
            if !in_number {
                out.push_str(&(1 + rng.below(99)).to_string());
                in_number = true;
            }
        } else {
            in_number = false;
            out.push(c);
        }
    }
    out
}

/// Article `i` of the corpus: deterministic in (`seed`, `i`); even indexes Arabic, odd English.
fn article(seed: u64, i: usize) -> v1::IngestArticleRequest {
    let mut rng = Rng(seed ^ (i as u64).wrapping_mul(0x2545_f491_4f6c_dd1d));
    rng.next();
    let arabic = i.is_multiple_of(2);
    let (seed_text, people, cities, days, groups, topics) = if arabic {
        (SEED_AR, AR_PEOPLE, AR_CITIES, AR_DAYS, AR_GROUPS, AR_TOPICS)
    } else {
        (SEED_EN, EN_PEOPLE, EN_CITIES, EN_DAYS, EN_GROUPS, EN_TOPICS)
    };
    let mut paras = paragraphs(seed_text);
    // Keep about half the paragraphs, shuffled.
    for k in (1..paras.len()).rev() {
        let j = rng.below(k + 1);
        paras.swap(k, j);
    }
    let keep = paras.len() / 3 + rng.below(paras.len() / 3 + 1);
    paras.truncate(keep.max(2));
    let (person, city, day) = (rng.pick(people), rng.pick(cities), rng.pick(days));
    let (orig_person, orig_city, orig_day) = if arabic {
        ("توماس باراك", "الرياض", "الإثنين")
    } else {
        ("Thomas Barrack", "Riyadh", "Monday")
    };
    let mut body: Vec<String> = paras
        .iter()
        .map(|p| {
            let p = p
                .replace(orig_person, person)
                .replace(orig_city, city)
                .replace(orig_day, day);
            renumber(&p, &mut rng)
        })
        .collect();
    // Event sentences of their own: a meeting, a clash, a protest.
    for _ in 0..2 + rng.below(3) {
        let (p2, c2, d2) = (rng.pick(people), rng.pick(cities), rng.pick(days));
        let (g1, g2, t) = (rng.pick(groups), rng.pick(groups), rng.pick(topics));
        let n = 2 + rng.below(40);
        let sentence = match (arabic, rng.below(3)) {
            (true, 0) => format!("والتقى {person} مع {p2} في {c2} يوم {d2} لبحث {t}."),
            (true, 1) => format!(
                "وقتل {n} أشخاص في اشتباكات بين {g1} و{g2} في {c2} يوم {d2}، بحسب مصادر محلية."
            ),
            (true, _) => format!("وتظاهر {n}00 شخص في {c2} يوم {d2} للمطالبة ب{t}."),
            (false, 0) => format!("{person} met {p2} in {c2} on {d2} to discuss {t}."),
            (false, 1) => format!(
                "Clashes between {g1} and {g2} in {c2} killed {n} people on {d2}, local sources said."
            ),
            (false, _) => format!("About {n}00 people protested in {c2} on {d2}, demanding {t}."),
        };
        let at = rng.below(body.len() + 1);
        body.insert(at, sentence);
    }
    let title = if arabic {
        format!(
            "{person}: اجتماع {city} يفتح مسارا جديدا في ملف {}",
            rng.pick(topics)
        )
    } else {
        format!(
            "{person}: the {city} meeting opens a new path on {}",
            rng.pick(topics)
        )
    };
    let day_of_month = 1 + rng.below(28);
    v1::IngestArticleRequest {
        text: body.join("\n\n"),
        title,
        lang: String::new(),
        source: if arabic { "bench-ar" } else { "bench-en" }.to_owned(),
        url: format!("https://bench.invalid/{seed}/{i}"),
        published: format!("2026-02-{day_of_month:02}"),
        client_ref: format!("bench-{i}"),
    }
}

/// The three services, started in-process on free loopback ports.
struct InProcess {
    ingest_url: String,
    stop: tokio::sync::watch::Sender<bool>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

async fn start_services(database: PgConnectOptions) -> Result<InProcess> {
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let shutdown = move || {
        let mut rx = stop_rx.clone();
        async move {
            let _ = rx.wait_for(|s| *s).await;
        }
    };
    let bind = || TcpListener::bind("127.0.0.1:0");
    let (store_l, extract_l, ingest_l) = (bind().await?, bind().await?, bind().await?);
    let storage_url = format!("http://{}", store_l.local_addr()?);
    let extraction_url = format!("http://{}", extract_l.local_addr()?);
    let ingest_url = format!("http://{}", ingest_l.local_addr()?);
    let store_config = marsad_store::StoreConfig::new(database);
    let ingest_config = marsad_ingest::IngestConfig::new(storage_url, extraction_url);
    let mut tasks = Vec::new();
    let s = shutdown();
    tasks.push(tokio::spawn(async move {
        if let Err(e) = marsad_store::serve(store_l, store_config, s).await {
            eprintln!("storage service failed: {e}");
        }
    }));
    let s = shutdown();
    tasks.push(tokio::spawn(async move {
        if let Err(e) = marsad_extraction::serve(extract_l, Default::default(), s).await {
            eprintln!("extraction service failed: {e}");
        }
    }));
    let s = shutdown();
    tasks.push(tokio::spawn(async move {
        if let Err(e) = marsad_ingest::serve(ingest_l, ingest_config, s).await {
            eprintln!("ingest service failed: {e}");
        }
    }));
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(true) = marsad_client::is_serving(&ingest_url, marsad_ingest::SERVICE_NAME).await
        {
            break;
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "the in-process services did not turn SERVING within a minute"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(InProcess {
        ingest_url,
        stop,
        tasks,
    })
}

/// Drops and recreates the bench database next to `url`; returns its options.
async fn fresh_database(url: &str, name: &str) -> Result<PgConnectOptions> {
    anyhow::ensure!(
        name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
        "--bench-database must be letters, digits and _"
    );
    let admin: PgConnectOptions = url
        .parse()
        .map_err(|e| anyhow::anyhow!("invalid database URL: {e}"))?;
    let mut conn = admin
        .connect()
        .await
        .context("cannot connect to Postgres")?;
    sqlx::query(&format!("drop database if exists {name} with (force)"))
        .execute(&mut conn)
        .await?;
    sqlx::query(&format!("create database {name}"))
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    Ok(admin.database(name))
}

/// One row of `COPY ... FROM STDIN` (text format) for an article.
fn copy_row(out: &mut String, req: &v1::IngestArticleRequest) {
    let field = marsad_store::escape_copy_field;
    let hash = marsad_sources::content_hash(&req.text);
    let lang = marsad_sources::detect_language(&req.text);
    let simhash = marsad_sources::simhash(&req.text) as i64;
    out.push_str(&format!(
        "a_{}\t\\\\x{}\t",
        hex_of(&hash[..16]),
        hex_of(&hash)
    ));
    field(out, &lang);
    out.push('\t');
    field(out, &req.title);
    out.push('\t');
    field(out, &req.text);
    out.push('\t');
    field(out, &req.source);
    out.push('\t');
    field(out, &req.url);
    out.push('\t');
    out.push_str(&req.published);
    out.push('\t');
    out.push_str(&simhash.to_string());
    out.push('\n');
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A connection to `database` with an empty `bench_copy` schema for the COPY baselines (and the
/// one-connection pool it came from, which must outlive it).
async fn scratch_schema(
    database: PgConnectOptions,
) -> Result<(sqlx::PgPool, sqlx::pool::PoolConnection<sqlx::Postgres>)> {
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(database)
        .await?;
    let mut conn = pool.acquire().await?;
    sqlx::query("drop schema if exists bench_copy cascade")
        .execute(&mut *conn)
        .await?;
    sqlx::query("create schema bench_copy")
        .execute(&mut *conn)
        .await?;
    Ok((pool, conn))
}

/// Articles per second that Postgres takes with a bare COPY of the same rows into a scratch
/// table shaped like `articles` (same columns, indexes and generated search vector).
async fn copy_rate(database: PgConnectOptions, seed: u64, n: usize) -> Result<f64> {
    let (_pool, mut conn) = scratch_schema(database).await?;
    sqlx::query("create table bench_copy.articles (like public.articles including all)")
        .execute(&mut *conn)
        .await?;
    search_computed_by_postgres(&mut conn, "articles", "coalesce(title, '') || ' ' || body")
        .await?;
    // Rows are prepared before the clock starts: this measures Postgres alone.
    let mut data = String::new();
    for i in 0..n {
        copy_row(&mut data, &article(seed, i));
    }
    let started = Instant::now();
    let mut copy = conn
        .copy_in_raw(
            "copy bench_copy.articles (id, content_hash, lang, title, body, source, url, published_on, simhash) from stdin",
        )
        .await?;
    for piece in data.as_bytes().chunks(1 << 20) {
        copy.send(piece).await?;
    }
    let rows = copy.finish().await?;
    let elapsed = started.elapsed();
    anyhow::ensure!(rows as usize == n, "COPY took {rows} rows of {n}");
    sqlx::query("drop schema bench_copy cascade")
        .execute(&mut *conn)
        .await?;
    Ok(n as f64 / elapsed.as_secs_f64())
}

/// Makes the search vector of scratch table `table` one that Postgres computes from `document` as
/// rows arrive (as the schema once generated it; the store now computes it and writes it like any
/// other column), so that the baseline does the work the pipeline does. The vector keeps a GIN
/// index only where the real table has one on it (the articles' search index; the events' was
/// dropped in migration 20261206000001, and a baseline that still paid for it was ~10 % slower
/// than the schema the pipeline writes).
async fn search_computed_by_postgres(
    conn: &mut sqlx::PgConnection,
    table: &str,
    document: &str,
) -> Result<()> {
    let indexed: bool = sqlx::query_scalar(
        "select exists(
            select 1 from pg_index i
            join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
            where i.indrelid = ('public.' || $1)::regclass and a.attname = 'search')",
    )
    .bind(table)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(&format!(
        "alter table bench_copy.{table} drop column search"
    ))
    .execute(&mut *conn)
    .await?;
    sqlx::query(&format!(
        "alter table bench_copy.{table} add column search tsvector
         generated always as (marsad_search_vector(lang, {document})) stored"
    ))
    .execute(&mut *conn)
    .await?;
    if indexed {
        sqlx::query(&format!(
            "create index on bench_copy.{table} using gin (search)"
        ))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The columns of `table` that a writer gives (not generated, not identity, no default-only
/// timestamps), in order.
async fn written_columns(conn: &mut sqlx::PgConnection, table: &str) -> Result<String> {
    let columns: Vec<String> = sqlx::query_scalar(
        "select attname from pg_attribute
         where attrelid = ('public.' || $1)::regclass and attnum > 0 and not attisdropped
           and attgenerated = '' and attidentity = '' and attname not in ('search', 'stored_at')
         order by attnum",
    )
    .bind(table)
    .fetch_all(&mut *conn)
    .await?;
    Ok(columns.join(", "))
}

/// The scratch tables of the all-rows baseline in schema `bench_copy`: articles, entities (one row
/// per article) and events shaped like the real ones, with their indexes, the articles' search
/// vectors computed by Postgres (events store none since migration 20261209000001).
async fn all_rows_scratch_tables(conn: &mut sqlx::PgConnection) -> Result<()> {
    for table in ["articles", "article_entities", "events"] {
        sqlx::query(&format!(
            "create table bench_copy.{table} (like public.{table} including all)"
        ))
        .execute(&mut *conn)
        .await?;
    }
    search_computed_by_postgres(conn, "articles", "coalesce(title, '') || ' ' || body").await?;
    Ok(())
}

/// What the all-rows baseline measured: its rate, and the machine's CPU time per article over it.
struct AllRowsCopy {
    articles_per_second: f64,
    /// CPU time of the rest of the machine (this process's own, sending the rows, left out) over
    /// the COPY, per article: Postgres's work to store the rows. None off Linux.
    cpu_ms_per_article: Option<f64>,
}

/// Articles per second that Postgres takes with a bare COPY of every row the pipeline wrote for
/// them (articles, entities, events, read back from the bench database before the clock starts)
/// into scratch tables shaped like the real ones (same columns, indexes and search vectors
/// computed by Postgres; no foreign keys), and the CPU time that took.
async fn copy_all_rows_rate(database: PgConnectOptions) -> Result<AllRowsCopy> {
    let (_pool, mut conn) = scratch_schema(database).await?;
    all_rows_scratch_tables(&mut conn).await?;
    let articles: i64 = sqlx::query_scalar("select count(*) from public.articles")
        .fetch_one(&mut *conn)
        .await?;
    let mut tables = Vec::new();
    for (table, order) in [
        ("articles", "ingested_at, id"),
        ("article_entities", "article_id"),
        ("events", "sequence"),
    ] {
        let columns = written_columns(&mut conn, table).await?;
        let mut data = Vec::new();
        {
            let mut out = conn
                .copy_out_raw(&format!(
                    "copy (select {columns} from public.{table} order by {order}) to stdout"
                ))
                .await?;
            while let Some(chunk) = out.next().await {
                data.extend_from_slice(&chunk?);
            }
        }
        tables.push((table, columns, data));
    }
    let cpu_before = CpuTimes::now();
    let started = Instant::now();
    for (table, columns, data) in &tables {
        let mut copy = conn
            .copy_in_raw(&format!("copy bench_copy.{table} ({columns}) from stdin"))
            .await?;
        for piece in data.chunks(1 << 20) {
            copy.send(piece).await?;
        }
        copy.finish().await?;
    }
    let elapsed = started.elapsed();
    let rest = cpu_before
        .zip(CpuTimes::now())
        .map(|(before, after)| before.rest_until(after));
    sqlx::query("drop schema bench_copy cascade")
        .execute(&mut *conn)
        .await?;
    let articles = articles.max(1) as f64;
    Ok(AllRowsCopy {
        articles_per_second: articles / elapsed.as_secs_f64(),
        cpu_ms_per_article: rest.map(|rest| rest * 1000.0 / articles),
    })
}

/// The most articles per second this machine could take end to end if the pipeline cost
/// Postgres no more than the bare COPY of its rows: its CPUs over the CPU time per article of that
/// COPY plus this process's over the push (what the client and the services spent). A ceiling,
/// not a forecast: the pipeline's own Postgres work (lookups, clusters, transactions) comes on top.
fn cpu_ceiling(cpus: usize, copy_cpu_ms: f64, process_cpu_ms: f64) -> Option<f64> {
    let per_article = copy_cpu_ms + process_cpu_ms;
    (per_article > 0.0).then(|| cpus as f64 * 1000.0 / per_article)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[derive(Debug, Default, serde::Serialize)]
struct Report {
    articles: usize,
    batch: usize,
    concurrency: usize,
    seconds: f64,
    articles_per_second: f64,
    batch_p50_ms: f64,
    batch_p99_ms: f64,
    stored: u64,
    duplicates: u64,
    near_duplicates: u64,
    rejected: u64,
    pending: u64,
    events: u64,
    /// COPY of the article rows alone.
    copy_articles_per_second: Option<f64>,
    ratio_to_article_copy: Option<f64>,
    /// COPY of every row written for the articles (articles, entities, events), per article.
    copy_all_rows_articles_per_second: Option<f64>,
    /// End to end over the all-rows COPY: the target's ratio.
    ratio_to_copy: Option<f64>,
    /// CPU time per article of the rest of the machine over the all-rows COPY (Postgres storing
    /// the rows).
    copy_all_rows_cpu_ms_per_article: Option<f64>,
    /// `cpus` over the all-rows COPY's CPU per article plus this process's over the push: what
    /// this machine could take at most with this build and schema (see `cpu_ceiling`).
    ceiling_articles_per_second: Option<f64>,
    /// CPU time per article over the push (from /proc): this process (the client, and the
    /// services when they run in-process), the rest of the machine (Postgres, anything else).
    cpu_ms_per_article_this_process: Option<f64>,
    cpu_ms_per_article_rest: Option<f64>,
    /// Share of the machine's CPU time left idle over the push.
    cpu_idle_share: Option<f64>,
    cpus: Option<usize>,
}

/// CPU seconds from /proc: this process's, and the whole machine's busy and total time.
#[derive(Debug, Clone, Copy)]
struct CpuTimes {
    process: f64,
    busy: f64,
    total: f64,
}

impl CpuTimes {
    /// Now, or none where /proc is not Linux's.
    fn now() -> Option<Self> {
        let ticks = rustix::param::clock_ticks_per_second() as f64;
        let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        // After the command name: state is field 3, utime 14 and stime 15.
        let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
        let tick = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok());
        let process = (tick(11)? + tick(12)?) / ticks;
        // user nice system idle iowait irq softirq steal (guest time is inside user).
        let machine = std::fs::read_to_string("/proc/stat").ok()?;
        let cpu: Vec<f64> = machine
            .lines()
            .next()?
            .split_whitespace()
            .skip(1)
            .take(8)
            .filter_map(|v| v.parse().ok())
            .collect();
        if cpu.len() < 5 {
            return None;
        }
        let total: f64 = cpu.iter().sum();
        let idle = cpu[3] + cpu[4];
        Some(Self {
            process,
            busy: (total - idle) / ticks,
            total: total / ticks,
        })
    }

    /// CPU seconds the rest of the machine (busy, but not this process) spent from `self` to
    /// `later`.
    fn rest_until(self, later: Self) -> f64 {
        ((later.busy - self.busy) - (later.process - self.process)).max(0.0)
    }

    /// Fills in the report's CPU figures for the time since `self`.
    fn report_since(self, report: &mut Report) {
        let Some(now) = Self::now() else {
            return;
        };
        let articles = report.articles.max(1) as f64;
        let process = now.process - self.process;
        let busy = now.busy - self.busy;
        let total = now.total - self.total;
        report.cpu_ms_per_article_this_process = Some(process * 1000.0 / articles);
        report.cpu_ms_per_article_rest = Some(self.rest_until(now) * 1000.0 / articles);
        report.cpu_idle_share = (total > 0.0).then(|| (1.0 - busy / total).clamp(0.0, 1.0));
        report.cpus = std::thread::available_parallelism().ok().map(usize::from);
    }
}

pub(crate) async fn run(args: BenchIngestArgs) -> Result<std::process::ExitCode> {
    let n = args.articles.max(1);
    let bench_db = match (&args.ingest_url, &args.database_url) {
        (None, None) => anyhow::bail!("give --ingest-url (running services) or --database-url"),
        (_, Some(url)) if args.ingest_url.is_none() => {
            Some(fresh_database(url, &args.bench_database).await?)
        }
        (_, Some(url)) => Some(
            url.parse::<PgConnectOptions>()
                .map_err(|e| anyhow::anyhow!("invalid database URL: {e}"))?,
        ),
        (Some(_), None) => None,
    };
    let services = match (&args.ingest_url, &bench_db) {
        (None, Some(db)) => Some(start_services(db.clone()).await?),
        _ => None,
    };
    let ingest_url = services
        .as_ref()
        .map(|s| s.ingest_url.clone())
        .or(args.ingest_url.clone())
        .unwrap_or_default();
    let mut config = ClientConfig::new(&ingest_url);
    config.request_timeout = Duration::from_secs(600);
    let client = IngestClient::connect(config)?;

    // Warm up (connections, caches) on articles outside the measured corpus.
    let warm: Vec<_> = (0..64).map(|i| article(args.seed, n + 1000 + i)).collect();
    client
        .ingest_batch(futures::stream::iter(warm))
        .await
        .context("warm-up batch")?;

    eprintln!(
        "pushing {n} articles in batches of {} ({} in flight) to {ingest_url}",
        args.batch, args.concurrency
    );
    let cpu_before = CpuTimes::now();
    let started = Instant::now();
    let mut latencies = Vec::new();
    let mut report = Report {
        articles: n,
        batch: args.batch,
        concurrency: args.concurrency,
        ..Default::default()
    };
    let mut flying = FuturesOrdered::new();
    let mut next = 0usize;
    let seed = args.seed;
    loop {
        while next < n && flying.len() < args.concurrency.max(1) {
            let (from, to) = (next, (next + args.batch.max(1)).min(n));
            next = to;
            let client = client.clone();
            flying.push_back(async move {
                // Generated as the stream is read, so the corpus is never in memory.
                let items = futures::stream::iter(from..to).map(move |i| article(seed, i));
                let t = Instant::now();
                let response = client.ingest_batch(items).await;
                (t.elapsed(), response)
            });
        }
        let Some((elapsed, response)) = flying.next().await else {
            break;
        };
        let response = response.context("IngestBatch failed")?;
        latencies.push(elapsed);
        report.stored += u64::from(response.stored);
        report.duplicates += u64::from(response.duplicates);
        report.near_duplicates += u64::from(response.near_duplicates);
        report.rejected += u64::from(response.rejected);
        report.pending += u64::from(response.pending);
        report.events += response
            .results
            .iter()
            .map(|r| u64::from(r.event_count))
            .sum::<u64>();
    }
    let elapsed = started.elapsed();
    if let Some(before) = cpu_before {
        before.report_since(&mut report);
    }
    latencies.sort();
    report.seconds = elapsed.as_secs_f64();
    report.articles_per_second = n as f64 / report.seconds;
    report.batch_p50_ms = percentile(&latencies, 50.0).as_secs_f64() * 1000.0;
    report.batch_p99_ms = percentile(&latencies, 99.0).as_secs_f64() * 1000.0;
    eprintln!(
        "pushed {n} articles in {:.1} s; stopping the services, then the COPY baselines",
        report.seconds
    );

    if let Some(services) = services {
        let _ = services.stop.send(true);
        for task in services.tasks {
            let _ = tokio::time::timeout(Duration::from_secs(20), task).await;
        }
    }
    if let Some(db) = bench_db {
        let copy = copy_rate(db.clone(), args.seed, n).await?;
        report.copy_articles_per_second = Some(copy);
        report.ratio_to_article_copy = Some(report.articles_per_second / copy);
        // Only the in-process services leave the bench database holding exactly this run's rows.
        if args.ingest_url.is_none() {
            let all = copy_all_rows_rate(db).await?;
            report.copy_all_rows_articles_per_second = Some(all.articles_per_second);
            report.ratio_to_copy = Some(report.articles_per_second / all.articles_per_second);
            report.copy_all_rows_cpu_ms_per_article = all.cpu_ms_per_article;
            report.ceiling_articles_per_second = match (
                report.cpus,
                all.cpu_ms_per_article,
                report.cpu_ms_per_article_this_process,
            ) {
                (Some(cpus), Some(copy), Some(process)) => cpu_ceiling(cpus, copy, process),
                _ => None,
            };
        }
    }

    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!(
            "ingest end to end: {} articles in {:.1} s = {:.0} articles/s; per batch of {}: p50 {:.0} ms, p99 {:.0} ms",
            n, report.seconds, report.articles_per_second, args.batch, report.batch_p50_ms, report.batch_p99_ms
        );
        println!(
            "  stored {}, duplicates {}, near duplicates {}, rejected {}, extraction pending {}, events {}",
            report.stored, report.duplicates, report.near_duplicates, report.rejected, report.pending, report.events
        );
        if let (Some(this), Some(rest), Some(idle)) = (
            report.cpu_ms_per_article_this_process,
            report.cpu_ms_per_article_rest,
            report.cpu_idle_share,
        ) {
            let who = if args.ingest_url.is_none() {
                "client and services"
            } else {
                "the client"
            };
            println!(
                "  CPU per article over the push: this process ({who}) {this:.2} ms, the rest of the machine (Postgres, anything else) {rest:.2} ms; idle {:.0}% of {} CPUs",
                idle * 100.0,
                report.cpus.unwrap_or(1)
            );
        }
        match (report.copy_articles_per_second, report.ratio_to_article_copy) {
            (Some(copy), Some(ratio)) => println!(
                "postgres COPY of the article rows alone: {copy:.0} articles/s; end to end is {:.1}% of it (1/{:.1})",
                ratio * 100.0,
                1.0 / ratio
            ),
            _ => println!("postgres COPY baseline skipped (give --database-url)"),
        }
        if let (Some(copy), Some(ratio)) = (
            report.copy_all_rows_articles_per_second,
            report.ratio_to_copy,
        ) {
            println!(
                "postgres COPY of all the rows written (articles, entities, events): {copy:.0} articles/s; end to end is {:.1}% of it (1/{:.1}) [target ratio]",
                ratio * 100.0,
                1.0 / ratio
            );
        }
        if let (Some(copy_cpu), Some(process), Some(ceiling)) = (
            report.copy_all_rows_cpu_ms_per_article,
            report.cpu_ms_per_article_this_process,
            report.ceiling_articles_per_second,
        ) {
            println!(
                "  CPU per article of that COPY: {copy_cpu:.2} ms; with this process's {process:.2} ms, {} CPUs take at most {ceiling:.0} articles/s end to end",
                report.cpus.unwrap_or(1)
            );
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ceiling_shares_the_cpus_between_the_copy_and_the_process() {
        // 2 CPUs, 1.3 ms of COPY and 1.2 ms of process per article: 2,000 ms / 2.5 ms.
        let ceiling = cpu_ceiling(2, 1.3, 1.2).unwrap();
        assert!((ceiling - 800.0).abs() < 1e-9, "{ceiling}");
        assert_eq!(cpu_ceiling(2, 0.0, 0.0), None);
    }

    #[test]
    fn cpu_time_over_a_busy_spell_is_this_process() {
        let before = CpuTimes::now().expect("/proc on Linux");
        // Work until this process has used 50 ms of CPU time more.
        let mut x = 0u64;
        while CpuTimes::now().unwrap().process - before.process < 0.05 {
            for _ in 0..10_000 {
                x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
            }
        }
        let mut report = Report {
            articles: 10,
            ..Default::default()
        };
        before.report_since(&mut report);
        let this = report.cpu_ms_per_article_this_process.unwrap();
        // 50 ms over 10 articles is 5 ms each (more if other tests of this process ran too).
        assert!((5.0..=200.0).contains(&this), "{this} ms per article");
        assert!(report.cpu_ms_per_article_rest.unwrap() >= 0.0);
        let idle = report.cpu_idle_share.unwrap();
        assert!((0.0..=1.0).contains(&idle), "idle {idle}");
    }

    #[test]
    fn corpus_is_deterministic_and_varied() {
        let a = article(7, 10);
        assert_eq!(a.text, article(7, 10).text);
        let hashes: std::collections::HashSet<[u8; 32]> = (0..200)
            .map(|i| marsad_sources::content_hash(&article(7, i).text))
            .collect();
        assert_eq!(hashes.len(), 200, "content hashes differ");
        let near = (0..100)
            .filter(|&i| {
                let (x, y) = (article(7, 2 * i), article(7, 2 * i + 2));
                marsad_sources::is_near_duplicate(
                    marsad_sources::simhash(&x.text),
                    marsad_sources::simhash(&y.text),
                )
            })
            .count();
        assert!(near < 10, "{near} near duplicates of 100 pairs");
        assert_eq!(marsad_sources::detect_language(&article(7, 0).text), "ar");
        assert_eq!(marsad_sources::detect_language(&article(7, 1).text), "en");
    }

    /// The index definitions of the articles, article_entities and events tables of `schema`, by
    /// table.
    async fn index_definitions(pool: &sqlx::PgPool, schema: &str) -> Vec<(String, String)> {
        sqlx::query_as(
            "select t.relname::text, regexp_replace(pg_get_indexdef(i.indexrelid), '^.* USING ', '')
             from pg_index i
             join pg_class t on t.oid = i.indrelid
             join pg_namespace n on n.oid = t.relnamespace
             where n.nspname = $1 and t.relname in ('articles', 'article_entities', 'events')
             order by 1, 2",
        )
        .bind(schema)
        .fetch_all(pool)
        .await
        .expect("index definitions")
    }

    #[sqlx::test(migrator = "marsad_store::MIGRATOR")]
    async fn the_all_rows_baseline_has_the_indexes_of_the_real_tables(pool: sqlx::PgPool) {
        let mut conn = pool.acquire().await.expect("a connection");
        sqlx::query("create schema bench_copy")
            .execute(&mut *conn)
            .await
            .expect("scratch schema");
        all_rows_scratch_tables(&mut conn)
            .await
            .expect("scratch tables");
        let real = index_definitions(&pool, "public").await;
        assert!(real
            .iter()
            .any(|(t, d)| t == "articles" && d.contains("gin (search)")));
        assert_eq!(index_definitions(&pool, "bench_copy").await, real);
    }

    #[test]
    fn copy_rows_escape() {
        let mut out = String::new();
        copy_row(
            &mut out,
            &v1::IngestArticleRequest {
                text: "a\tb\nc\\d".into(),
                published: "2026-02-01".into(),
                ..Default::default()
            },
        );
        assert!(out.contains("a\\tb\\nc\\\\d"));
        assert_eq!(out.matches('\t').count(), 8);
        assert!(out.ends_with('\n'));
    }
}
