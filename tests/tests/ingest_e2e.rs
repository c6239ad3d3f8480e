//! End to end for the ingest issue: the chunked bulk batch path (order, duplicates, near
//! duplicates, bad inputs, extraction down), the client-side feeder (files, directories, JSON
//! Lines, a feed with its saved pages), and following feeds over HTTP from a local server on
//! 127.0.0.1 (conditional GETs, restarts with the same state file, new items once, fetched pages,
//! malformed and unreachable feeds).

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpListener as StdListener;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use marsad_ingest::feeder::{self, Input, Outcome, Summary};
use marsad_ingest::follow::{FollowConfig, FollowState, Follower};
use marsad_ingest::marsad_sources::{Hints, Limits};
use marsad_tests::*;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::Row;

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../crates/marsad-sources/tests/fixtures"
);
const FEED_EN: &str = include_str!("../../crates/marsad-sources/tests/fixtures/feed-en.atom");
const PAGE_EN: &str = include_str!("../../crates/marsad-sources/tests/fixtures/article-en.html");
/// A paragraph of the English page that the feed's summary does not have.
const PAGE_ONLY_EN: &str = "praised the leading role that Iraq";

fn fixture(name: &str) -> PathBuf {
    Path::new(FIXTURES).join(name)
}

/// A scratch directory of this test, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!(
            "marsad-ingest-e2e-{name}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A distinct, realistic English article (numbers, places and sentences vary with `i`).
fn varied_article(i: usize) -> String {
    let cities = [
        "Aleppo", "Homs", "Raqqa", "Mosul", "Erbil", "Idlib", "Daraa", "Hama",
    ];
    let groups = [
        "government forces",
        "tribal gunmen",
        "Islamic State fighters",
        "local militias",
    ];
    let c = cities[i % cities.len()];
    let g = groups[(i / 8) % groups.len()];
    format!(
        "Clashes between {g} and police in {c} killed {} people on Monday, local sources said in report number {i}.\n\n\
         The fighting began near the {c} market at dawn and lasted {} hours, according to a monitor that counted {} wounded.\n\n\
         Officials in {c} said talks on item {i} with {g} would resume within {} days after the {}th round.",
        i % 50 + 2,
        i % 9 + 1,
        i * 3 + 1,
        i % 6 + 2,
        i + 4
    )
}

fn req(client_ref: &str, text: &str) -> v1::IngestArticleRequest {
    v1::IngestArticleRequest {
        client_ref: client_ref.into(),
        ..sample_request(text)
    }
}

async fn count(pool: &sqlx::PgPool, sql: &str) -> i64 {
    sqlx::query(sql)
        .fetch_one(pool)
        .await
        .unwrap()
        .get::<i64, _>(0)
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn a_long_batch_is_chunked_bulk_stored_and_answered_in_order(
    pool_options: PgPoolOptions,
    db: PgConnectOptions,
) {
    let pool = pool_options.connect_with(db.clone()).await.unwrap();
    let stack = Stack::start(db).await;
    // 300 items: more than one chunk of 256 (and each chunk's calls are split further by size).
    // Every 50th repeats an earlier one (an exact duplicate).
    let n = 300usize;
    let items = (0..n).map(|i| {
        if i % 50 == 49 {
            req(&format!("r{i}"), &varied_article(i - 25))
        } else {
            req(&format!("r{i}"), &varied_article(i))
        }
    });
    let response = stack
        .ingest_client()
        .ingest_batch(futures::stream::iter(items))
        .await
        .unwrap();
    assert_eq!(response.results.len(), n);
    for (i, r) in response.results.iter().enumerate() {
        assert_eq!(r.client_ref, format!("r{i}"), "results in input order");
    }
    assert_eq!(
        (response.stored, response.duplicates, response.rejected),
        (294, 6, 0)
    );
    for i in (49..n).step_by(50) {
        let (dup, first) = (&response.results[i], &response.results[i - 25]);
        assert_eq!(dup.outcome, v1::IngestOutcome::Duplicate as i32);
        assert_eq!(
            dup.article_id, first.article_id,
            "duplicate of the first copy"
        );
    }
    assert_eq!(
        response.pending, 0,
        "every stored item was extracted inline"
    );
    assert!(response
        .results
        .iter()
        .filter(|r| r.outcome == v1::IngestOutcome::Stored as i32)
        .all(|r| r.extracted && r.lang == "en"));

    assert_eq!(count(&pool, "select count(*) from articles").await, 294);
    assert_eq!(
        count(&pool, "select count(*) from extraction_queue").await,
        0
    );
    assert_eq!(
        count(
            &pool,
            "select count(*) from articles a
             where simhash is null or lang <> 'en'
                or not exists (select 1 from article_extractions x where x.article_id = a.id)"
        )
        .await,
        0,
        "language, SimHash and extraction stored for every article"
    );
    let events: u64 = response
        .results
        .iter()
        .map(|r| u64::from(r.event_count))
        .sum();
    assert!(events > 0);
    assert_eq!(
        count(&pool, "select count(*) from events").await as u64,
        events
    );
    // The stored content hash is the sources library's.
    let hash: Vec<u8> = sqlx::query_scalar("select content_hash from articles where id = $1")
        .bind(&response.results[0].article_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        hash,
        marsad_ingest::marsad_sources::content_hash(&varied_article(0))
    );
    stack.stop().await;
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn bad_items_in_a_batch_get_reasons_and_the_rest_is_stored(
    pool_options: PgPoolOptions,
    db: PgConnectOptions,
) {
    let pool = pool_options.connect_with(db.clone()).await.unwrap();
    let stack = Stack::start(db).await;
    let mut control_junk = String::new();
    for b in std::fs::read(fixture("junk.bin")).unwrap() {
        control_junk.push(char::from(b % 32));
    }
    let items = vec![
        req("good-1", &varied_article(1)),
        req("too-large", &"word ".repeat(600_000)),
        req("empty", ""),
        req("blank", " \n\t "),
        req("binary", &control_junk),
        req("good-2", &varied_article(2)),
        v1::IngestArticleRequest {
            lang: "arabic!".into(),
            ..req("bad-lang", &varied_article(3))
        },
        v1::IngestArticleRequest {
            published: "10/02/2026".into(),
            ..req("bad-date", &varied_article(4))
        },
        req("good-3", &varied_article(5)),
    ];
    let response = stack
        .ingest_client()
        .ingest_batch(futures::stream::iter(items))
        .await
        .unwrap();
    let by_ref: HashMap<&str, &v1::IngestArticleResponse> = response
        .results
        .iter()
        .map(|r| (r.client_ref.as_str(), r))
        .collect();
    assert_eq!(response.results.len(), 9);
    assert_eq!((response.stored, response.rejected), (3, 6));
    for good in ["good-1", "good-2", "good-3"] {
        assert_eq!(by_ref[good].outcome, v1::IngestOutcome::Stored as i32);
        assert!(by_ref[good].extracted);
    }
    let expect = [
        ("too-large", "over the limit"),
        ("empty", "empty"),
        ("blank", "empty"),
        ("binary", "binary"),
        ("bad-lang", "lang"),
        ("bad-date", "published"),
    ];
    for (what, reason) in expect {
        let r = by_ref[what];
        assert_eq!(r.outcome, v1::IngestOutcome::Rejected as i32, "{what}");
        assert!(r.article_id.is_empty(), "{what}");
        assert!(
            r.error.contains(reason),
            "{what}: {:?} should say {reason:?}",
            r.error
        );
    }
    // Nothing half-stored: three articles, no orphan queue rows, events only for them.
    assert_eq!(count(&pool, "select count(*) from articles").await, 3);
    assert_eq!(
        count(&pool, "select count(*) from extraction_queue").await,
        0
    );
    assert_eq!(
        count(
            &pool,
            "select count(*) from events e where not exists (select 1 from articles a where a.id = e.article_id)"
        )
        .await,
        0
    );
    stack.stop().await;
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn exact_and_near_duplicates_are_reported_per_item(
    pool_options: PgPoolOptions,
    db: PgConnectOptions,
) {
    let pool = pool_options.connect_with(db.clone()).await.unwrap();
    let stack = Stack::start(db).await;
    let original = std::fs::read_to_string(fixture("dup/wire-original.txt")).unwrap();
    let republished = std::fs::read_to_string(fixture("dup/wire-republished.txt")).unwrap();
    let other = std::fs::read_to_string(fixture("dup/other-story.txt")).unwrap();
    let items = vec![
        req("original", &original),
        req("other", &other),
        req("republished", &republished),
        // The same text with other whitespace and diacritics: an exact duplicate.
        req("again", &format!("  {original}\n\n")),
    ];
    let response = stack
        .ingest_client()
        .ingest_batch(futures::stream::iter(items))
        .await
        .unwrap();
    let r = &response.results;
    assert_eq!(r[0].outcome, v1::IngestOutcome::Stored as i32);
    assert!(r[0].near_duplicate_of.is_empty());
    assert!(r[1].near_duplicate_of.is_empty());
    assert_eq!(r[2].outcome, v1::IngestOutcome::Stored as i32);
    assert_eq!(
        r[2].near_duplicate_of, r[0].article_id,
        "the republished wire story points to the first copy"
    );
    assert_eq!(r[3].outcome, v1::IngestOutcome::Duplicate as i32);
    assert_eq!(r[3].article_id, r[0].article_id);
    assert_eq!(
        (
            response.stored,
            response.near_duplicates,
            response.duplicates
        ),
        (3, 1, 1)
    );
    let dup_of: Option<String> =
        sqlx::query_scalar("select duplicate_of from articles where id = $1")
            .bind(&r[2].article_id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(dup_of.as_deref(), Some(r[0].article_id.as_str()));
    stack.stop().await;
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn extraction_down_during_a_batch_leaves_items_queued_then_drained(
    _: PgPoolOptions,
    db: PgConnectOptions,
) {
    let storage = start_storage(db).await;
    let extraction_addr = vacant_addr().await;
    let ingest = start_ingest(storage.url(), format!("http://{extraction_addr}")).await;
    wait_serving(&ingest.url(), "", Duration::from_secs(20)).await;
    let client =
        marsad_client::IngestClient::connect(marsad_client::ClientConfig::new(ingest.url()))
            .unwrap();
    let items = (0..40).map(|i| req(&format!("q{i}"), &varied_article(i)));
    let response = client
        .ingest_batch(futures::stream::iter(items))
        .await
        .expect("acknowledged while extraction is down");
    assert_eq!((response.stored, response.pending), (40, 40));
    assert!(response.results.iter().all(|r| !r.extracted));
    let storage_client =
        marsad_client::StorageClient::connect(marsad_client::ClientConfig::new(storage.url()))
            .unwrap();
    let stats = storage_client.stats(v1::StatsRequest {}).await.unwrap();
    assert_eq!((stats.articles, stats.events, stats.pending), (40, 0, 40));

    let extraction = start_extraction_at(Some(extraction_addr)).await;
    let stats = eventually("the queue to drain", Duration::from_secs(60), || async {
        let stats = storage_client.stats(v1::StatsRequest {}).await.ok()?;
        (stats.pending == 0).then_some(stats)
    })
    .await;
    assert_eq!(stats.articles, 40);
    assert!(stats.events > 0);
    ingest.stop().await;
    extraction.stop().await;
    storage.stop().await;
}

/// Reads `paths` with the CLI's reader and sends them with its batch sender.
async fn feed_paths(
    client: &marsad_client::IngestClient,
    paths: Vec<PathBuf>,
    hints: Hints,
    batch: usize,
) -> (Summary, Vec<v1::IngestArticleResponse>, Vec<String>) {
    let (tx, rx) = tokio::sync::mpsc::channel::<Input>(16);
    let reader = tokio::task::spawn_blocking(move || {
        for p in &paths {
            feeder::read_into(p, &hints, &Limits::default(), &tx);
        }
    });
    let mut summary = Summary::default();
    let mut results = Vec::new();
    let mut unreadable = Vec::new();
    feeder::send_all(client, rx, batch, 2, |outcome| match outcome {
        Outcome::Batch(response, _) => {
            for r in &response.results {
                summary.record(r);
                results.push(r.clone());
            }
        }
        Outcome::Unreadable(item, error) => {
            summary.reject(error);
            unreadable.push(format!("{item}: {error}"));
        }
        Outcome::Warning(..) => {}
    })
    .await
    .unwrap();
    reader.await.unwrap();
    (summary, results, unreadable)
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn files_directories_jsonl_and_a_feed_with_saved_pages(
    pool_options: PgPoolOptions,
    db: PgConnectOptions,
) {
    let pool = pool_options.connect_with(db.clone()).await.unwrap();
    let stack = Stack::start(db).await;
    let client = stack.ingest_client();
    let scratch = Scratch::new("files");
    let pages_dir = scratch.0.join("pages");
    std::fs::create_dir_all(&pages_dir).unwrap();
    std::fs::write(pages_dir.join("saved.html"), PAGE_EN).unwrap();
    let hints = Hints {
        pages: feeder::load_pages(&pages_dir, &Limits::default()),
        ..Default::default()
    };
    assert!(hints
        .pages
        .contains_key("https://wire.example.com/world/barrack-syria-coalition"));

    let paths = vec![
        fixture("feed-en.atom"),
        fixture("feed-ar.rss"),
        fixture("dir"),
        fixture("batch.jsonl"),
        fixture("article-ar.html"),
        fixture("article-ar-windows-1256.html"),
        fixture("plain-ar-utf16le.txt"),
        fixture("malformed.rss"),
        fixture("junk.bin"),
        fixture("billion-laughs.rss"),
        scratch.0.join("missing.txt"),
    ];
    let (summary, results, unreadable) = feed_paths(&client, paths, hints, 4).await;
    assert!(summary.stored >= 10, "{summary}");
    assert_eq!(
        summary.rejected.get("malformed feed"),
        Some(&1),
        "{summary}"
    );
    assert_eq!(
        summary.rejected.get("binary content"),
        Some(&1),
        "{summary}"
    );
    assert_eq!(summary.rejected.get("unsafe XML"), Some(&1), "{summary}");
    assert!(
        summary.rejected.contains_key("unreadable file"),
        "{summary}"
    );
    assert!(unreadable.iter().any(|u| u.contains("malformed.rss")));
    // The feed item linking to the saved page was read from the page, not the summary.
    let item = results
        .iter()
        .find(|r| r.client_ref == "https://wire.example.com/world/barrack-syria-coalition")
        .expect("the feed item's result");
    let body: String = sqlx::query_scalar("select body from articles where id = $1")
        .bind(&item.article_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(body.contains(PAGE_ONLY_EN), "{body}");
    // Arabic pages are stored as Arabic.
    let ar: i64 = count(&pool, "select count(*) from articles where lang = 'ar'").await;
    assert!(ar >= 3);

    // Everything again: all duplicates now, nothing new stored.
    let before = count(&pool, "select count(*) from articles").await;
    let (again, _, _) = feed_paths(
        &client,
        vec![fixture("feed-en.atom"), fixture("dir")],
        Hints::default(),
        100,
    )
    .await;
    assert_eq!(count(&pool, "select count(*) from articles").await, before);
    assert_eq!(again.stored, 0, "{again}");
    assert!(again.duplicates >= 3, "{again}");
    stack.stop().await;
}

/// A feed server on 127.0.0.1: serves `/feed.xml` with an ETag and Last-Modified (answering 304
/// to a matching conditional GET), `/broken.xml` (not a feed), and pages under `/world/`; counts
/// the requests per path and status.
#[derive(Clone)]
struct FeedServer {
    addr: std::net::SocketAddr,
    state: Arc<Mutex<ServerState>>,
    stop: Arc<AtomicBool>,
}

#[derive(Default)]
struct ServerState {
    feed: String,
    etag: String,
    last_modified: String,
    pages: HashMap<String, String>,
    hits: HashMap<(String, u16), usize>,
    user_agents: Vec<String>,
}

impl FeedServer {
    fn start() -> Self {
        let listener = StdListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let server = Self {
            addr: listener.local_addr().unwrap(),
            state: Arc::default(),
            stop: Arc::default(),
        };
        let (state, stop) = (server.state.clone(), server.stop.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let state = state.clone();
                        std::thread::spawn(move || serve_one(stream, &state));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        server
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn set_feed(&self, feed: String, version: u32) {
        let mut s = self.state.lock().unwrap();
        s.feed = feed;
        s.etag = format!("\"v{version}\"");
        s.last_modified = format!("Tue, 1{version} Nov 2025 09:00:00 GMT");
    }

    fn hits(&self, path: &str, status: u16) -> usize {
        let s = self.state.lock().unwrap();
        s.hits.get(&(path.to_owned(), status)).copied().unwrap_or(0)
    }
}

impl Drop for FeedServer {
    fn drop(&mut self) {
        if Arc::strong_count(&self.stop) == 1 {
            self.stop.store(true, Ordering::Relaxed);
        }
    }
}

fn serve_one(mut stream: std::net::TcpStream, state: &Mutex<ServerState>) {
    stream.set_nonblocking(false).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
    let header = |name: &str| {
        head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    };
    let (status, content_type, body, extra) = {
        let mut s = state.lock().unwrap();
        if let Some(ua) = header("user-agent") {
            s.user_agents.push(ua);
        }
        let answer = if path == "/feed.xml" {
            let fresh = header("if-none-match").as_deref() == Some(s.etag.as_str())
                || header("if-modified-since").as_deref() == Some(s.last_modified.as_str());
            let validators = format!("ETag: {}\r\nLast-Modified: {}\r\n", s.etag, s.last_modified);
            if fresh {
                (304, "application/atom+xml", String::new(), validators)
            } else {
                (
                    200,
                    "application/atom+xml; charset=utf-8",
                    s.feed.clone(),
                    validators,
                )
            }
        } else if path == "/broken.xml" {
            (
                200,
                "application/rss+xml",
                "<rss><channel><item><title>x</item>".to_owned(),
                String::new(),
            )
        } else if let Some(page) = s.pages.get(&path) {
            (200, "text/html; charset=utf-8", page.clone(), String::new())
        } else {
            (404, "text/plain", "not found".to_owned(), String::new())
        };
        *s.hits.entry((path.clone(), answer.0)).or_default() += 1;
        answer
    };
    let reason = match status {
        200 => "OK",
        304 => "Not Modified",
        _ => "Not Found",
    };
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n{body}",
        if status == 304 { 0 } else { body.len() }
    );
    let _ = stream.write_all(response.as_bytes());
    let _ = stream.flush();
}

/// The English Atom fixture with its links pointing at `server`, plus `extra` entries.
fn local_feed(server: &FeedServer, extra: &[(&str, &str)]) -> String {
    let mut feed = FEED_EN.replace("https://wire.example.com", &server.url(""));
    let entries: String = extra
        .iter()
        .map(|(slug, text)| {
            format!(
                "<entry><title>{slug}</title><link href=\"{}\"/><id>urn:{slug}</id>\
                 <updated>2025-11-12T10:00:00Z</updated><summary>{text}</summary></entry>\n",
                server.url(&format!("/news/{slug}"))
            )
        })
        .collect();
    feed = feed.replace("</feed>", &format!("{entries}</feed>"));
    feed
}

fn follow_config(feeds: Vec<String>, state: &Path) -> FollowConfig {
    let mut config = FollowConfig::new(feeds, state.to_path_buf());
    config.min_host_interval = Duration::from_millis(20);
    config.retries = 1;
    config.retry_base = Duration::from_millis(50);
    config.request_timeout = Duration::from_secs(5);
    config
}

async fn poll(config: FollowConfig, client: &marsad_client::IngestClient) -> Summary {
    let mut follower = Follower::new(config).unwrap();
    let (_stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    follower.run(client, true, stop_rx, |_| {}).await
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn following_a_feed_is_conditional_restartable_and_ingests_each_item_once(
    pool_options: PgPoolOptions,
    db: PgConnectOptions,
) {
    let pool = pool_options.connect_with(db.clone()).await.unwrap();
    let stack = Stack::start(db).await;
    let client = stack.ingest_client();
    let server = FeedServer::start();
    server.set_feed(local_feed(&server, &[]), 1);
    let scratch = Scratch::new("follow");
    let state_path = scratch.0.join("state").join("feeds.json");
    let feed_url = server.url("/feed.xml");

    // First poll: the feed's items are stored, the validators remembered.
    let first = poll(follow_config(vec![feed_url.clone()], &state_path), &client).await;
    assert!(first.stored >= 2, "{first}");
    // The fixture's third entry is only furniture ("Share this article").
    assert_eq!(first.rejected_total(), 1, "{first}");
    assert_eq!(first.rejected.get("empty body"), Some(&1), "{first}");
    let articles = count(&pool, "select count(*) from articles").await;
    assert_eq!(articles as u64, first.stored);
    let state = FollowState::load(&state_path).unwrap();
    let feed_state = &state.feeds[&feed_url];
    assert_eq!(feed_state.etag.as_deref(), Some("\"v1\""));
    assert!(feed_state.last_modified.is_some());
    assert_eq!(
        feed_state.seen.len() as u64,
        first.stored + 1,
        "stored items and the one refused for good are remembered"
    );
    assert!(server.state.lock().unwrap().user_agents[0].starts_with("marsad/"));

    // Second poll in the same process: a conditional GET answered 304; nothing sent.
    let mut follower = Follower::new(follow_config(vec![feed_url.clone()], &state_path)).unwrap();
    let (_stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut reports = Vec::new();
    follower
        .run(&client, true, stop_rx.clone(), |r| reports.push(r.clone()))
        .await;
    assert!(reports[0].not_modified);
    assert_eq!(server.hits("/feed.xml", 304), 1);
    assert_eq!(server.hits("/feed.xml", 200), 1);

    // A restart with the same state file, against a server that ignores the validators (a new
    // ETag, same items): the feed is fetched again but nothing is ingested twice.
    server.set_feed(local_feed(&server, &[]), 2);
    let restarted = poll(follow_config(vec![feed_url.clone()], &state_path), &client).await;
    assert_eq!(server.hits("/feed.xml", 200), 2);
    assert_eq!(restarted.items(), 0, "nothing new: {restarted}");
    assert_eq!(
        count(&pool, "select count(*) from articles").await,
        articles
    );

    // A new item appears: it alone is ingested, once.
    server.set_feed(
        local_feed(
            &server,
            &[(
                "new-item",
                "Protesters gathered in Basra on Wednesday demanding electricity and clean water, witnesses said.",
            )],
        ),
        3,
    );
    let third = poll(follow_config(vec![feed_url.clone()], &state_path), &client).await;
    assert_eq!((third.stored, third.items()), (1, 1), "{third}");
    let fourth = poll(follow_config(vec![feed_url.clone()], &state_path), &client).await;
    assert_eq!(fourth.items(), 0, "{fourth}");
    assert_eq!(server.hits("/feed.xml", 304), 2);
    assert_eq!(
        count(&pool, "select count(*) from articles").await,
        articles + 1
    );
    stack.stop().await;
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn following_fetches_linked_pages_and_reports_bad_feeds_per_feed(
    pool_options: PgPoolOptions,
    db: PgConnectOptions,
) {
    let pool = pool_options.connect_with(db.clone()).await.unwrap();
    let stack = Stack::start(db).await;
    let client = stack.ingest_client();
    let server = FeedServer::start();
    server.set_feed(local_feed(&server, &[]), 1);
    server
        .state
        .lock()
        .unwrap()
        .pages
        .insert("/world/barrack-syria-coalition".into(), PAGE_EN.to_owned());
    let scratch = Scratch::new("pages");
    let state_path = scratch.0.join("feeds.json");
    let unreachable = format!("http://{}/feed.xml", vacant_addr().await);
    let feeds = vec![
        server.url("/broken.xml"),
        unreachable.clone(),
        server.url("/feed.xml"),
    ];
    let mut config = follow_config(feeds, &state_path);
    config.fetch_pages = true;
    let mut follower = Follower::new(config).unwrap();
    let (_stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut reports = Vec::new();
    let total = follower
        .run(&client, true, stop_rx, |r| reports.push(r.clone()))
        .await;
    assert_eq!(reports.len(), 3);
    assert!(
        reports[0]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("malformed feed")),
        "{:?}",
        reports[0].error
    );
    assert!(
        reports[1]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("cannot fetch")),
        "{:?}",
        reports[1].error
    );
    assert!(reports[2].error.is_none());
    assert_eq!(reports[2].pages_fetched, 1, "the one page the server has");
    assert!(reports[2].pages_failed >= 1, "the others are 404s");
    assert_eq!(total.rejected.get("malformed feed"), Some(&1), "{total}");
    assert_eq!(
        total.rejected.get("unreachable or HTTP error"),
        Some(&1),
        "{total}"
    );
    // The item whose page was fetched holds the page's full text.
    let link = server.url("/world/barrack-syria-coalition");
    let item = reports[2]
        .results
        .iter()
        .find(|r| r.client_ref == link)
        .expect("the item with a page");
    let body: String = sqlx::query_scalar("select body from articles where id = $1")
        .bind(&item.article_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(body.contains(PAGE_ONLY_EN));
    // A failed feed keeps no validators, so the next poll tries it again in full.
    let state = FollowState::load(&state_path).unwrap();
    assert!(state.feeds[&server.url("/broken.xml")].etag.is_none());
    assert!(state.feeds[&unreachable].last_error.is_some());
    stack.stop().await;
}
