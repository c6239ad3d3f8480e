//! Fault tests, each bounded in count and time, on 127.0.0.1 only; each prints what it checked.
//!
//! - Postgres SIGKILLed (postmaster and backends) and restarted in the middle of ingesting 10,000
//!   articles: every acknowledged article is stored exactly once, the services recover by
//!   themselves. Runs on a private Postgres cluster of its own (initdb into a temp dir).
//! - The extraction service killed mid-run and started again: the queue drains, every article
//!   extracted once.
//! - Overload: many concurrent clients beyond capacity are shed quickly, memory stays bounded, the
//!   admitted load is served.
//! - Hostile input at the wire: truncated, invalid UTF-8 and oversized protobuf, and hostile
//!   texts through ingest: a clear error code, no crash, no partial writes.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::{Buf, BufMut, Bytes};
use marsad_client::{ExtractionClient, IngestClient, StorageClient};
use marsad_tests::*;
use prost::Message;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use tonic::Code;

// ------------------------------------------------------------------------------------------
// A private Postgres cluster that this test may kill without harming anyone else's.

const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

struct PrivatePostgres {
    dir: PathBuf,
    port: u16,
    as_postgres: bool,
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

impl PrivatePostgres {
    fn run(&self, program: &str, args: &[&str]) -> std::process::Output {
        let path = format!("{PG_BIN}/{program}");
        let output = if self.as_postgres {
            Command::new("runuser")
                .args(["-u", "postgres", "--", &path])
                .args(args)
                .output()
        } else {
            Command::new(&path).args(args).output()
        }
        .expect("run a Postgres program");
        assert!(
            output.status.success(),
            "{program} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    fn init(port: u16) -> Self {
        let dir =
            std::env::temp_dir().join(format!("marsad-faults-pg-{}-{}", std::process::id(), port));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let as_postgres = is_root();
        if as_postgres {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres", &dir.display().to_string()])
                .status()
                .unwrap();
            assert!(status.success());
        }
        let pg = Self {
            dir,
            port,
            as_postgres,
        };
        pg.run(
            "initdb",
            &[
                "-D",
                &pg.data(),
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
                "-E",
                "UTF8",
            ],
        );
        pg
    }

    fn start(&self) {
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=40",
            self.port,
            self.dir.display()
        );
        let log = self.dir.join("postgres.log").display().to_string();
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data(),
                "-l",
                &log,
                "-o",
                &opts,
                "-w",
                "-t",
                "30",
                "start",
            ],
        );
    }

    fn postmaster_pid(&self) -> Option<u32> {
        std::fs::read_to_string(self.dir.join("data/postmaster.pid"))
            .ok()?
            .lines()
            .next()?
            .trim()
            .parse()
            .ok()
    }

    /// SIGKILLs the postmaster and every one of its backends; returns how many processes died.
    fn crash(&self) -> usize {
        let pid = self.postmaster_pid().expect("postmaster.pid");
        let mut pids = vec![pid];
        for entry in std::fs::read_dir("/proc").unwrap().flatten() {
            let Ok(child) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            // pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|p| p.parse::<u32>().ok());
            if ppid == Some(pid) {
                pids.push(child);
            }
        }
        let args: Vec<String> = pids.iter().map(u32::to_string).collect();
        let _ = Command::new("kill").arg("-9").args(&args).status();
        pids.len()
    }

    fn options(&self) -> PgConnectOptions {
        PgConnectOptions::new()
            .host("127.0.0.1")
            .port(self.port)
            .username("postgres")
            .database("postgres")
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let data = self.data();
        let path = format!("{PG_BIN}/pg_ctl");
        let args = ["-D", data.as_str(), "-m", "immediate", "-w", "stop"];
        let _ = if self.as_postgres {
            Command::new("runuser")
                .args(["-u", "postgres", "--", &path])
                .args(args)
                .output()
        } else {
            Command::new(&path).args(args).output()
        };
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn article_text(i: usize, nonce: u64) -> String {
    format!(
        "Fault-test article {i}. Officials in Basra said on Monday that the provincial council met \
         to discuss the budget. Reference {nonce}-{i}."
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_killed_mid_ingest_loses_and_duplicates_nothing() {
    if !Path::new(PG_BIN).join("initdb").exists() {
        panic!("Postgres 15 binaries missing at {PG_BIN}: run deploy/local/postgres.sh");
    }
    const N: usize = 10_000;
    const CONCURRENCY: usize = 16;
    const CHUNK: usize = 50;
    let started = Instant::now();
    let pg = Arc::new(PrivatePostgres::init(vacant_addr().await.port()));
    pg.start();

    let storage = start_storage(pg.options()).await;
    // A stand-in extraction service that answers UNIMPLEMENTED at once: ingest's inline
    // extraction fails fast and articles wait in the queue; this test is about the
    // acknowledgement contract, and the debug-build engine would make it CPU-bound.
    let stub = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let stub_url = format!("http://{}", stub.local_addr().unwrap());
    let stub_task = tokio::spawn(
        tonic::transport::Server::builder()
            .add_routes(tonic::service::Routes::default())
            .serve_with_incoming(tonic::transport::server::TcpIncoming::from(stub)),
    );
    let ingest = start_ingest(storage.url(), stub_url).await;
    wait_serving(&ingest.url(), "", Duration::from_secs(30)).await;

    let mut config = client_config(ingest.url(), None, None);
    config.request_timeout = Duration::from_secs(5);
    let client = IngestClient::connect(config).unwrap();
    let nonce = rand_nonce();
    let next = Arc::new(AtomicUsize::new(0));
    let acked = Arc::new(Mutex::new(Vec::<(usize, String)>::with_capacity(N)));
    let failed_calls = Arc::new(AtomicUsize::new(0));
    let gave_up = Arc::new(AtomicUsize::new(0));
    let deadline = started + Duration::from_secs(90);

    // Each client streams batches of CHUNK articles (IngestBatch); an article is acknowledged
    // when its batch answers with it stored (or already stored, after a retry); everything else
    // in the batch is sent again, as a real client would.
    let mut workers = Vec::new();
    for _ in 0..CONCURRENCY {
        let (client, next, acked, failed_calls, gave_up) = (
            client.clone(),
            next.clone(),
            acked.clone(),
            failed_calls.clone(),
            gave_up.clone(),
        );
        workers.push(tokio::spawn(async move {
            loop {
                let first = next.fetch_add(CHUNK, Ordering::SeqCst);
                if first >= N {
                    return;
                }
                let mut pending: Vec<usize> = (first..(first + CHUNK).min(N)).collect();
                while !pending.is_empty() {
                    let requests: Vec<v1::IngestArticleRequest> = pending
                        .iter()
                        .map(|&i| v1::IngestArticleRequest {
                            text: article_text(i, nonce),
                            lang: "en".into(),
                            source: "faults".into(),
                            published: "2026-02-10".into(),
                            ..Default::default()
                        })
                        .collect();
                    match client.ingest_batch(futures::stream::iter(requests)).await {
                        Ok(response) => {
                            let mut retry = Vec::new();
                            for (k, &i) in pending.iter().enumerate() {
                                match response.results.get(k) {
                                    Some(r)
                                        if !r.article_id.is_empty()
                                            && (r.outcome == v1::IngestOutcome::Stored as i32
                                                || r.outcome
                                                    == v1::IngestOutcome::Duplicate as i32) =>
                                    {
                                        acked.lock().unwrap().push((i, r.article_id.clone()));
                                    }
                                    _ => retry.push(i),
                                }
                            }
                            if !retry.is_empty() {
                                failed_calls.fetch_add(1, Ordering::Relaxed);
                            }
                            pending = retry;
                        }
                        Err(status) => {
                            assert_ne!(status.code(), Code::InvalidArgument, "{status:?}");
                            failed_calls.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    if !pending.is_empty() {
                        if Instant::now() > deadline {
                            gave_up.fetch_add(pending.len(), Ordering::Relaxed);
                            break;
                        }
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                }
            }
        }));
    }

    // The crash: once a quarter is acknowledged, SIGKILL Postgres, keep it down 2 s, restart.
    let crash_report = {
        let acked = acked.clone();
        let pg = pg.clone();
        tokio::spawn(async move {
            while acked.lock().unwrap().len() < N / 4 {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            let at = acked.lock().unwrap().len();
            let killed = tokio::task::spawn_blocking({
                let pg = pg.clone();
                move || pg.crash()
            })
            .await
            .unwrap();
            tokio::time::sleep(Duration::from_secs(2)).await;
            let down_until = acked.lock().unwrap().len();
            tokio::task::spawn_blocking(move || pg.start())
                .await
                .unwrap();
            (at, killed, down_until)
        })
    };
    for worker in workers {
        worker.await.unwrap();
    }
    let (killed_at, killed, acked_while_down) = crash_report.await.unwrap();
    let ingest_elapsed = started.elapsed();

    // Recovery by themselves: storage reports SERVING again, and a new article goes through.
    wait_serving(&storage.url(), "", Duration::from_secs(20)).await;
    let after = client
        .ingest_article(v1::IngestArticleRequest {
            text: article_text(N + 1, nonce),
            lang: "en".into(),
            source: "faults".into(),
            ..Default::default()
        })
        .await
        .expect("ingest after recovery");

    let pool = PgPoolOptions::new()
        .max_connections(2)
        .connect_with(pg.options())
        .await
        .unwrap();
    let acked = acked.lock().unwrap().clone();
    let acked_ids: Vec<String> = acked.iter().map(|(_, id)| id.clone()).collect();
    let distinct_acked: HashSet<&String> = acked_ids.iter().collect();
    let (rows, distinct_hashes): (i64, i64) = sqlx::query_as(
        "select count(*), count(distinct content_hash) from articles where source = 'faults'",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let found: i64 = sqlx::query_scalar("select count(*) from articles where id = any($1)")
        .bind(&acked_ids)
        .fetch_one(&pool)
        .await
        .unwrap();
    let lost = acked_ids.len() as i64 - found;
    let duplicated = rows - distinct_hashes;
    println!(
        "postgres crash: {N} articles, {CONCURRENCY} clients streaming batches of {CHUNK}; SIGKILLed postmaster + {} backends at {killed_at} acked (acked while down: {}); \
         acknowledged {}, distinct ids {}, stored {rows} (distinct content {distinct_hashes}), duplicated {duplicated}, lost {lost}, \
         batches retried by the client {} (the services' own retries hid the outage when 0), gave up {}; ingest took {:.1?}; after recovery: {}",
        killed - 1,
        acked_while_down - killed_at,
        acked.len(),
        distinct_acked.len(),
        failed_calls.load(Ordering::Relaxed),
        gave_up.load(Ordering::Relaxed),
        ingest_elapsed,
        after.article_id,
    );
    pool.close().await;
    assert!(
        killed >= 2,
        "the postmaster and at least one backend were killed"
    );
    assert_eq!(
        gave_up.load(Ordering::Relaxed),
        0,
        "every article acknowledged in time"
    );
    assert_eq!(acked.len(), N);
    assert_eq!(distinct_acked.len(), N, "one article id per article");
    assert_eq!(lost, 0, "acknowledged articles lost");
    assert_eq!(duplicated, 0, "articles stored twice");
    assert_eq!(rows, N as i64 + 1);

    ingest.stop().await;
    storage.stop().await;
    stub_task.abort();
    drop(pg);
}

fn rand_nonce() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
}

// ------------------------------------------------------------------------------------------

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn extraction_killed_mid_run_queue_drains_once(pool: PgPoolOptions, db: PgConnectOptions) {
    const N: usize = 40;
    let started = Instant::now();
    let storage = start_storage(db.clone()).await;
    let extraction = start_extraction_isolated(None);
    let extraction_addr = extraction.addr;
    let ingest = start_ingest(storage.url(), extraction.url()).await;
    wait_serving(&ingest.url(), "", Duration::from_secs(30)).await;
    wait_serving(&extraction.url(), "", Duration::from_secs(30)).await;

    let client = IngestClient::connect(client_config(ingest.url(), None, None)).unwrap();
    let nonce = rand_nonce();
    let mut extraction = Some(extraction);
    let mut inline = 0;
    let mut deferred = 0;
    let mut restarted = None;
    for i in 0..N {
        if i == N / 4 {
            extraction.take().unwrap().kill();
            println!("extraction killed after {i} articles");
        }
        if i == N / 2 {
            restarted = Some(
                tokio::task::spawn_blocking(move || {
                    start_extraction_isolated(Some(extraction_addr))
                })
                .await
                .unwrap(),
            );
            println!("extraction restarted on {extraction_addr} after {i} articles");
        }
        let response = client
            .ingest_article(v1::IngestArticleRequest {
                text: article_text(i, nonce),
                lang: "en".into(),
                ..Default::default()
            })
            .await
            .expect("acknowledged whether or not extraction is up");
        if response.extracted {
            inline += 1;
        } else {
            deferred += 1;
        }
    }
    let storage_client = StorageClient::connect(client_config(storage.url(), None, None)).unwrap();
    let drained = eventually("the queue to drain", Duration::from_secs(60), || async {
        let stats = storage_client
            .stats(v1::StatsRequest::default())
            .await
            .ok()?;
        (stats.pending == 0).then_some(stats)
    })
    .await;

    let pool = pool.connect_with(db).await.unwrap();
    let unextracted: i64 = sqlx::query_scalar(
        "select count(*) from articles a
             where not exists (select 1 from article_extractions x where x.article_id = a.id)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    let per_article: Vec<(String, i64, i64)> = sqlx::query_as(
        "select a.id, count(e.id), count(distinct e.id) from articles a left join events e on e.article_id = a.id group by a.id",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let counts: Vec<i64> = per_article.iter().map(|(_, n, _)| *n).collect();
    let duplicated_events: i64 = per_article.iter().map(|(_, n, d)| n - d).sum();
    let (min, max) = (
        counts.iter().copied().min().unwrap_or(0),
        counts.iter().copied().max().unwrap_or(0),
    );
    println!(
        "extraction kill: {N} articles acknowledged ({inline} extracted inline, {deferred} deferred to the queue); queue drained in {:.1?} total; \
         articles {}, unextracted {unextracted}, events per article min {min} max {max}, duplicated events {duplicated_events}, total events {}",
        started.elapsed(),
        per_article.len(),
        drained.events,
    );
    assert!(
        deferred > 0,
        "some articles were ingested while extraction was down"
    );
    assert_eq!(per_article.len(), N);
    assert_eq!(unextracted, 0);
    assert_eq!(duplicated_events, 0);
    assert!(
        min > 0 && min == max,
        "every article extracted exactly once, same events each"
    );
    assert_eq!(drained.events as i64, counts.iter().sum::<i64>());

    ingest.stop().await;
    drop(restarted);
    storage.stop().await;
}

// ------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overload_is_shed_quickly_with_bounded_memory() {
    const CLIENTS: usize = 64;
    const CALLS: usize = 10;
    let limits = ServerLimits {
        max_in_flight: 4,
        ..ServerLimits::default()
    };
    let extraction = start_extraction_with(None, limits).await;
    wait_serving(&extraction.url(), "", Duration::from_secs(30)).await;
    let text =
        "Protesters gathered in Tahrir Square in Cairo on Friday demanding reforms. ".repeat(20);
    let rss_before = vm_rss_kib();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let mut config = client_config(extraction.url(), None, None);
        config.request_timeout = Duration::from_secs(10);
        let client = ExtractionClient::connect(config).unwrap();
        let text = text.clone();
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            for _ in 0..CALLS {
                let t = Instant::now();
                let result = client
                    .extract(v1::ExtractRequest {
                        text: text.clone(),
                        lang: "en".into(),
                        ..Default::default()
                    })
                    .await;
                out.push((result.map(|_| ()).map_err(|s| s.code()), t.elapsed()));
            }
            out
        }));
    }
    let mut ok = 0;
    let mut shed = 0;
    let mut other = Vec::new();
    let mut slowest_rejection = Duration::ZERO;
    for task in tasks {
        for (result, elapsed) in task.await.unwrap() {
            match result {
                Ok(()) => ok += 1,
                Err(Code::ResourceExhausted | Code::Unavailable) => {
                    shed += 1;
                    slowest_rejection = slowest_rejection.max(elapsed);
                }
                Err(code) => other.push(code),
            }
        }
    }
    let elapsed = started.elapsed();
    let rss_after = vm_rss_kib();
    // The admitted load is still served once the storm is over.
    let after = ExtractionClient::connect(client_config(extraction.url(), None, None))
        .unwrap()
        .extract(v1::ExtractRequest {
            text: text.clone(),
            ..Default::default()
        })
        .await;
    println!(
        "overload: {CLIENTS} clients x {CALLS} calls against max_in_flight 4: {ok} served, {shed} shed (RESOURCE_EXHAUSTED/UNAVAILABLE), other {other:?}; \
         slowest rejection {slowest_rejection:?}; took {elapsed:.1?}; VmRSS {rss_before} KiB -> {rss_after} KiB; after the storm: {}",
        if after.is_ok() { "served" } else { "FAILED" }
    );
    assert!(ok > 0 && shed > 0);
    assert!(other.is_empty(), "only shedding codes: {other:?}");
    assert!(slowest_rejection < Duration::from_secs(2), "shed quickly");
    assert!(
        rss_after.saturating_sub(rss_before) < 256 * 1024,
        "memory bounded"
    );
    assert!(after.is_ok());
    extraction.stop().await;
}

// ------------------------------------------------------------------------------------------
// Raw bytes at the wire: a codec that sends what it is given and returns what it gets.

#[derive(Debug, Clone, Default)]
struct RawCodec;
#[derive(Debug)]
struct RawEncoder;
#[derive(Debug)]
struct RawDecoder;

impl tonic::codec::Encoder for RawEncoder {
    type Item = Bytes;
    type Error = tonic::Status;
    fn encode(
        &mut self,
        item: Bytes,
        dst: &mut tonic::codec::EncodeBuf<'_>,
    ) -> Result<(), Self::Error> {
        dst.put(item);
        Ok(())
    }
}

impl tonic::codec::Decoder for RawDecoder {
    type Item = Bytes;
    type Error = tonic::Status;
    fn decode(
        &mut self,
        src: &mut tonic::codec::DecodeBuf<'_>,
    ) -> Result<Option<Bytes>, Self::Error> {
        Ok(Some(src.copy_to_bytes(src.remaining())))
    }
}

impl tonic::codec::Codec for RawCodec {
    type Encode = Bytes;
    type Decode = Bytes;
    type Encoder = RawEncoder;
    type Decoder = RawDecoder;
    fn encoder(&mut self) -> RawEncoder {
        RawEncoder
    }
    fn decoder(&mut self) -> RawDecoder {
        RawDecoder
    }
}

async fn raw_call(url: &str, path: &'static str, body: Bytes) -> Code {
    let channel = tonic::transport::Endpoint::from_shared(url.to_owned())
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut grpc = tonic::client::Grpc::new(channel).max_encoding_message_size(64 * 1024 * 1024);
    grpc.ready().await.unwrap();
    let mut request = tonic::Request::new(body);
    request.set_timeout(Duration::from_secs(20));
    match grpc
        .unary(
            request,
            http::uri::PathAndQuery::from_static(path),
            RawCodec,
        )
        .await
    {
        Ok(_) => Code::Ok,
        Err(status) => status.code(),
    }
}

#[sqlx::test(migrator = "marsad_store::MIGRATOR")]
async fn hostile_input_gets_clear_errors_and_no_partial_writes(
    pool: PgPoolOptions,
    db: PgConnectOptions,
) {
    let stack = Stack::start(db.clone()).await;
    let url = stack.ingest.url();
    let ingest_path = "/marsad.v1.IngestService/IngestArticle";
    let valid = v1::IngestArticleRequest {
        text: "The army shelled the town of Idlib on Monday, killing five civilians.".into(),
        lang: "en".into(),
        ..Default::default()
    }
    .encode_to_vec();

    let mut wire = Vec::new();
    let truncated = Bytes::copy_from_slice(&valid[..valid.len() - 7]);
    wire.push((
        "truncated protobuf",
        raw_call(&url, ingest_path, truncated).await,
    ));
    let mut bad_utf8 = vec![0x0a, 4];
    bad_utf8.extend_from_slice(&[0xff, 0xfe, 0xc3, 0x28]);
    wire.push((
        "invalid UTF-8 in text",
        raw_call(&url, ingest_path, Bytes::from(bad_utf8)).await,
    ));
    let mut bad_length = vec![0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f];
    bad_length.extend_from_slice(b"short");
    wire.push((
        "length prefix past the end",
        raw_call(&url, ingest_path, Bytes::from(bad_length)).await,
    ));
    let oversized = v1::IngestArticleRequest {
        text: "a".repeat(17 * 1024 * 1024),
        ..Default::default()
    }
    .encode_to_vec();
    wire.push((
        "17 MiB message (limit 16 MiB)",
        raw_call(&url, ingest_path, Bytes::from(oversized)).await,
    ));
    wire.push((
        "garbage bytes",
        raw_call(
            &url,
            ingest_path,
            Bytes::from_static(&[0xde, 0xad, 0xbe, 0xef, 0x99]),
        )
        .await,
    ));
    wire.push((
        "unknown method",
        raw_call(&url, "/marsad.v1.IngestService/Nope", Bytes::new()).await,
    ));

    // Hostile texts through the API: each is stored (acknowledged) or refused, never a crash.
    let client = stack.ingest_client();
    let nested_html = format!(
        "{}Idlib{}",
        "<div>".repeat(100_000),
        "</div>".repeat(100_000)
    );
    let feed = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]><rss><channel>{}</channel></rss>",
        "<item><title>&lol2;</title><description><![CDATA[<script>x</script>]]></description></item>".repeat(2000)
    );
    let texts: Vec<(&str, String)> = vec![
        ("100k-deep nested HTML", nested_html),
        ("billion-laughs RSS feed as text", feed),
        (
            "NUL and control bytes",
            "Attack\u{0} in\u{1}\u{7f} Aleppo \u{0}\u{0}".into(),
        ),
        (
            "bidi overrides and lone combining marks",
            "\u{202e}\u{0651}\u{064b}هجوم\u{200f}\u{2066}".repeat(500),
        ),
        ("text over the 2 MiB article limit", "x ".repeat(1_100_000)),
        ("whitespace only", " \n\t ".repeat(1000)),
    ];
    let mut api = Vec::new();
    let mut stored = 0;
    for (what, text) in texts {
        let result = client
            .ingest_article(v1::IngestArticleRequest {
                text,
                ..Default::default()
            })
            .await;
        let code = match &result {
            Ok(r) => {
                if r.outcome == v1::IngestOutcome::Stored as i32 {
                    stored += 1;
                }
                Code::Ok
            }
            Err(status) => status.code(),
        };
        api.push((what, code));
    }
    let serving = marsad_client::is_serving(&url, "").await.unwrap_or(false)
        && marsad_client::is_serving(&stack.storage.url(), "")
            .await
            .unwrap_or(false);
    let pool = pool.connect_with(db).await.unwrap();
    let articles: i64 = sqlx::query_scalar("select count(*) from articles")
        .fetch_one(&pool)
        .await
        .unwrap();
    let orphans: i64 = sqlx::query_scalar(
        "select count(*) from events e where not exists (select 1 from articles a where a.id = e.article_id)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    println!("hostile wire input: {wire:?}");
    println!("hostile texts: {api:?}");
    println!("after: services SERVING {serving}; articles in the database {articles} (stored responses {stored}); orphan events {orphans}");
    for (what, code) in &wire {
        assert!(
            matches!(
                code,
                Code::Internal
                    | Code::InvalidArgument
                    | Code::OutOfRange
                    | Code::ResourceExhausted
                    | Code::Unimplemented
            ),
            "{what}: {code:?}"
        );
        assert_ne!(*code, Code::Ok, "{what}");
    }
    for (what, code) in &api {
        assert!(
            matches!(
                code,
                Code::Ok | Code::InvalidArgument | Code::OutOfRange | Code::ResourceExhausted
            ),
            "{what}: {code:?}"
        );
    }
    assert!(serving, "no crash: still SERVING");
    assert_eq!(articles, stored, "no partial writes");
    assert_eq!(orphans, 0);
    stack.stop().await;
}
