//! Harness of the end-to-end tests: starts the real services in-process on `127.0.0.1:0` against a
//! real Postgres (a fresh database per test, from `#[sqlx::test]`), waits for their health, and
//! stops them the way SIGTERM does.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use marsad_client::{ClientConfig, IngestClient, StorageClient};
use sqlx::postgres::PgConnectOptions;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use marsad_proto::v1;

/// The bundled sample article (Arabic), published 2026-02-10.
pub const SAMPLE_AR: &str = include_str!("../fixtures/barrack-coalition-ar.txt");
/// Its English rendering.
pub const SAMPLE_EN: &str = include_str!("../fixtures/barrack-coalition-en.txt");
pub const SAMPLE_PUBLISHED: &str = "2026-02-10";

/// A service running in this process.
pub struct Running {
    pub addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    handle: JoinHandle<()>,
}

impl Running {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Kills the service as SIGKILL would: its task is dropped mid-flight, connections cut, no
    /// drain (what is in flight on other tasks, e.g. blocking extraction work, is abandoned).
    pub async fn kill(mut self) {
        self.handle.abort();
        let _ = (&mut self.handle).await;
    }

    /// Stops the service as SIGTERM would, and waits for it to drain.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = tokio::time::timeout(Duration::from_secs(20), &mut self.handle).await;
    }
}

async fn listener(addr: Option<SocketAddr>) -> TcpListener {
    TcpListener::bind(addr.unwrap_or_else(|| "127.0.0.1:0".parse().unwrap()))
        .await
        .expect("bind a loopback port")
}

fn spawn<F, E>(
    addr: SocketAddr,
    serve: impl FnOnce(futures::future::BoxFuture<'static, ()>) -> F,
) -> Running
where
    F: std::future::Future<Output = Result<(), E>> + Send + 'static,
    E: std::fmt::Display,
{
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let shutdown: futures::future::BoxFuture<'static, ()> = Box::pin(async move {
        let _ = stop_rx.await;
    });
    let fut = serve(shutdown);
    let handle = tokio::spawn(async move {
        if let Err(err) = fut.await {
            panic!("service on {addr} failed: {err}");
        }
    });
    Running {
        addr,
        stop: Some(stop_tx),
        handle,
    }
}

/// A free loopback port nobody listens on (yet).
pub async fn vacant_addr() -> SocketAddr {
    let l = listener(None).await;
    l.local_addr().unwrap()
}

pub async fn start_storage(database: PgConnectOptions) -> Running {
    let l = listener(None).await;
    let addr = l.local_addr().unwrap();
    let mut config = marsad_store::StoreConfig::new(database);
    config.max_connections = 4;
    config.health_interval = Duration::from_millis(200);
    spawn(addr, move |shutdown| {
        marsad_store::serve(l, config, shutdown)
    })
}

/// Starts the extraction service, on `addr` if given.
pub async fn start_extraction_at(addr: Option<SocketAddr>) -> Running {
    let l = listener(addr).await;
    let addr = l.local_addr().unwrap();
    let config = marsad_extraction::ExtractionConfig::default();
    spawn(addr, move |shutdown| {
        marsad_extraction::serve(l, config, shutdown)
    })
}

pub async fn start_extraction() -> Running {
    start_extraction_at(None).await
}

pub async fn start_ingest(storage_url: String, extraction_url: String) -> Running {
    let l = listener(None).await;
    let addr = l.local_addr().unwrap();
    let mut config = marsad_ingest::IngestConfig::new(storage_url, extraction_url);
    config.health_interval = Duration::from_millis(200);
    config.worker.poll_interval = Duration::from_millis(200);
    config.worker.max_backoff = Duration::from_millis(800);
    config.extraction.connect_timeout = Duration::from_millis(500);
    spawn(addr, move |shutdown| {
        marsad_ingest::serve(l, config, shutdown)
    })
}

/// All three services on one database.
pub struct Stack {
    pub storage: Running,
    pub extraction: Running,
    pub ingest: Running,
}

impl Stack {
    pub async fn start(database: PgConnectOptions) -> Self {
        let storage = start_storage(database).await;
        let extraction = start_extraction().await;
        let ingest = start_ingest(storage.url(), extraction.url()).await;
        let stack = Self {
            storage,
            extraction,
            ingest,
        };
        wait_serving(&stack.ingest.url(), "", Duration::from_secs(20)).await;
        wait_serving(&stack.extraction.url(), "", Duration::from_secs(20)).await;
        stack
    }

    pub fn ingest_client(&self) -> IngestClient {
        IngestClient::connect(ClientConfig::new(self.ingest.url())).unwrap()
    }

    pub fn storage_client(&self) -> StorageClient {
        StorageClient::connect(ClientConfig::new(self.storage.url())).unwrap()
    }

    pub async fn stop(self) {
        self.ingest.stop().await;
        self.extraction.stop().await;
        self.storage.stop().await;
    }
}

/// Waits until the server at `url` reports `service` SERVING; panics after `timeout`.
pub async fn wait_serving(url: &str, service: &str, timeout: Duration) {
    let deadline = Instant::now() + timeout;
    loop {
        if let Ok(true) = marsad_client::is_serving(url, service).await {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{url} did not turn SERVING within {timeout:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Polls `check` until it returns Some, or panics after `timeout`.
pub async fn eventually<T, F, Fut>(what: &str, timeout: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Every stored event matching `filter`, across pages.
pub async fn all_events(storage: &StorageClient, filter: v1::EventFilter) -> Vec<v1::Event> {
    let mut events = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = storage
            .list_events(v1::ListEventsRequest {
                filter: Some(filter.clone()),
                page_size: 100,
                page_token,
            })
            .await
            .expect("list events");
        events.extend(page.events);
        if page.next_page_token.is_empty() {
            return events;
        }
        page_token = page.next_page_token;
    }
}

pub fn sample_request(text: &str) -> v1::IngestArticleRequest {
    v1::IngestArticleRequest {
        text: text.to_owned(),
        published: SAMPLE_PUBLISHED.to_owned(),
        source: "fixture".to_owned(),
        ..Default::default()
    }
}

// ---------------------------------------------------------------------------------------------
// Security, limits and fault-test helpers (additive).

pub use marsad_runtime::{RateLimit, ServerLimits, ServerTls, SharedListener, TokenStore};

/// Starts the storage service with `limits` (TLS, auth, rate limit, health port ...).
pub async fn start_storage_with(database: PgConnectOptions, limits: ServerLimits) -> Running {
    let l = listener(None).await;
    let addr = l.local_addr().unwrap();
    let mut config = marsad_store::StoreConfig::new(database);
    config.max_connections = 4;
    config.health_interval = Duration::from_millis(200);
    config.limits = limits;
    spawn(addr, move |shutdown| {
        marsad_store::serve(l, config, shutdown)
    })
}

/// Starts the extraction service with `limits`, on `addr` if given.
pub async fn start_extraction_with(addr: Option<SocketAddr>, limits: ServerLimits) -> Running {
    let l = listener(addr).await;
    let addr = l.local_addr().unwrap();
    let config = marsad_extraction::ExtractionConfig {
        limits,
        ..Default::default()
    };
    spawn(addr, move |shutdown| {
        marsad_extraction::serve(l, config, shutdown)
    })
}

/// Starts the ingest service with its own client settings towards storage and extraction.
pub async fn start_ingest_with(
    storage: ClientConfig,
    extraction: ClientConfig,
    limits: ServerLimits,
) -> Running {
    let l = listener(None).await;
    let addr = l.local_addr().unwrap();
    let mut config = marsad_ingest::IngestConfig::new(storage.url.clone(), extraction.url.clone());
    config.health_interval = Duration::from_millis(200);
    config.worker.poll_interval = Duration::from_millis(200);
    config.worker.max_backoff = Duration::from_millis(800);
    let retry = config.extraction.retry.clone();
    config.storage = storage;
    config.extraction = ClientConfig {
        retry,
        connect_timeout: Duration::from_millis(500),
        request_timeout: Duration::from_secs(20),
        ..extraction
    };
    config.limits = limits;
    spawn(addr, move |shutdown| {
        marsad_ingest::serve(l, config, shutdown)
    })
}

/// A throwaway PKI: a CA, a server certificate for `localhost` and `127.0.0.1` (usable as a
/// client certificate too), and a separate client certificate.
pub struct TestPki {
    pub ca_pem: String,
    pub server_cert_pem: String,
    pub server_key_pem: String,
    pub client_cert_pem: String,
    pub client_key_pem: String,
}

impl TestPki {
    pub fn generate() -> Self {
        use rcgen::{
            BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer,
            KeyPair,
        };
        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "marsad test CA");
        let ca_cert = ca_params.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca_params, &ca_key);
        let leaf = |names: Vec<String>, cn: &str| {
            let key = KeyPair::generate().unwrap();
            let mut params = CertificateParams::new(names).unwrap();
            params.distinguished_name.push(DnType::CommonName, cn);
            params.extended_key_usages = vec![
                ExtendedKeyUsagePurpose::ServerAuth,
                ExtendedKeyUsagePurpose::ClientAuth,
            ];
            let cert = params.signed_by(&key, &issuer).unwrap();
            (cert.pem(), key.serialize_pem())
        };
        let (server_cert_pem, server_key_pem) = leaf(
            vec!["localhost".into(), "127.0.0.1".into()],
            "marsad-service",
        );
        let (client_cert_pem, client_key_pem) = leaf(vec!["client".into()], "marsad-client");
        Self {
            ca_pem: ca_cert.pem(),
            server_cert_pem,
            server_key_pem,
            client_cert_pem,
            client_key_pem,
        }
    }

    /// Server TLS, mutual when `mutual`.
    pub fn server_tls(&self, mutual: bool) -> ServerTls {
        ServerTls {
            cert_pem: self.server_cert_pem.clone().into_bytes(),
            key_pem: self.server_key_pem.clone().into_bytes(),
            client_ca_pem: mutual.then(|| self.ca_pem.clone().into_bytes()),
        }
    }

    /// Client TLS trusting the CA, presenting the client certificate when `with_cert`.
    pub fn client_tls(&self, with_cert: bool) -> marsad_client::ClientTls {
        marsad_client::ClientTls {
            ca_pem: Some(self.ca_pem.clone().into_bytes()),
            identity: with_cert.then(|| {
                (
                    self.client_cert_pem.clone().into_bytes(),
                    self.client_key_pem.clone().into_bytes(),
                )
            }),
            domain: Some("localhost".into()),
        }
    }
}

/// A client configuration for `url` with optional TLS and token, and no retries.
pub fn client_config(
    url: String,
    tls: Option<marsad_client::ClientTls>,
    token: Option<&str>,
) -> ClientConfig {
    let mut config = ClientConfig::new(url);
    config.tls = tls;
    config.token = token.map(str::to_owned);
    config.retry = marsad_client::RetryPolicy::none();
    config
}

/// Resident memory of this process, in KiB (Linux `/proc/self/status` VmRSS).
pub fn vm_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

/// A service on a runtime of its own, so that [`Isolated::kill`] ends every task of it (listener,
/// connections, in-flight RPCs) at once, as SIGKILL ends a process.
pub struct Isolated {
    pub addr: SocketAddr,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Isolated {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Ends the service abruptly: no drain, connections cut.
    pub fn kill(mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl Drop for Isolated {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// Starts the extraction service on its own runtime, on `addr` if given (retrying the bind for a
/// few seconds while a killed predecessor lets go of the port).
pub fn start_extraction_isolated(addr: Option<SocketAddr>) -> Isolated {
    let want = addr.unwrap_or_else(|| "127.0.0.1:0".parse().unwrap());
    let deadline = Instant::now() + Duration::from_secs(10);
    let listener = loop {
        match std::net::TcpListener::bind(want) {
            Ok(l) => break l,
            Err(err) if Instant::now() < deadline => {
                let _ = err;
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(err) => panic!("cannot bind {want}: {err}"),
        }
    };
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    runtime.spawn(async move {
        let listener = TcpListener::from_std(listener).unwrap();
        let config = marsad_extraction::ExtractionConfig::default();
        let _ = marsad_extraction::serve(listener, config, std::future::pending::<()>()).await;
    });
    Isolated {
        addr,
        runtime: Some(runtime),
    }
}
