//! `marsad serve`: runs one service, or all three in one process on their own ports, talking real
//! gRPC to each other. SIGTERM or Ctrl-C drains.
//!
//! Security and observability are switched on by configuration: TLS (`--tls-cert`/`--tls-key`,
//! mutual with `--tls-client-ca`), bearer tokens with scopes (`--auth-tokens-file` or
//! `MARSAD_AUTH_TOKENS`), per-client rate limits (`--rate-limit-rps`), a plaintext health port for
//! probes (`--health-listen`), Prometheus metrics (`--metrics-listen`), OTLP traces
//! (`MARSAD_OTLP_ENDPOINT`). See deploy/README.md.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use marsad_client::{DEFAULT_EXTRACTION_URL, DEFAULT_STORAGE_URL};
use marsad_runtime::{RateLimit, ServerLimits, ServerTls, SharedListener, TokenStore};
use tokio::net::TcpListener;

use crate::security;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Which {
    Ingest,
    Extract,
    Store,
    All,
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Which service to run.
    which: Which,
    /// Address to listen on (one service). Defaults: ingest 127.0.0.1:50051, extract
    /// 127.0.0.1:50052, store 127.0.0.1:50053.
    #[arg(long, env = "MARSAD_LISTEN")]
    listen: Option<SocketAddr>,
    /// With `all`: the ingest service's address.
    #[arg(long, env = "MARSAD_INGEST_LISTEN", default_value = "127.0.0.1:50051")]
    ingest_listen: SocketAddr,
    /// With `all`: the extraction service's address.
    #[arg(long, env = "MARSAD_EXTRACT_LISTEN", default_value = "127.0.0.1:50052")]
    extract_listen: SocketAddr,
    /// With `all`: the storage service's address.
    #[arg(long, env = "MARSAD_STORE_LISTEN", default_value = "127.0.0.1:50053")]
    store_listen: SocketAddr,
    /// Postgres URL (storage).
    #[arg(long, env = "MARSAD_DATABASE_URL")]
    database_url: Option<String>,
    /// Largest Postgres pool (storage).
    #[arg(long, env = "MARSAD_DATABASE_MAX_CONNECTIONS", default_value_t = 16)]
    database_max_connections: u32,
    /// Don't apply migrations at start (storage); run `marsad migrate` instead.
    #[arg(long, env = "MARSAD_NO_MIGRATE")]
    no_migrate: bool,
    /// Storage service URL (ingest).
    #[arg(long, env = "MARSAD_STORAGE_URL", default_value = DEFAULT_STORAGE_URL)]
    storage_url: String,
    /// Extraction service URL (ingest).
    #[arg(long, env = "MARSAD_EXTRACTION_URL", default_value = DEFAULT_EXTRACTION_URL)]
    extraction_url: String,
    /// Directory of lexicon files extending the built-in data (extraction).
    #[arg(long, env = "MARSAD_LEXICON_DIR")]
    lexicon_dir: Option<PathBuf>,
    /// Largest gRPC message, in bytes.
    #[arg(long, env = "MARSAD_MAX_MESSAGE_BYTES", default_value_t = 16 * 1024 * 1024)]
    max_message_bytes: usize,
    /// Largest article text, in bytes (ingest, extraction).
    #[arg(long, env = "MARSAD_MAX_ARTICLE_BYTES", default_value_t = 2 * 1024 * 1024)]
    max_article_bytes: usize,
    /// Deadline of a request when the client sets a longer one or none, in seconds.
    #[arg(long, env = "MARSAD_REQUEST_TIMEOUT_SECS", default_value_t = 120)]
    request_timeout_secs: u64,
    /// Requests in flight before new ones are shed with ResourceExhausted.
    #[arg(long, env = "MARSAD_MAX_IN_FLIGHT", default_value_t = 512)]
    max_in_flight: usize,

    /// PEM certificate chain of the gRPC listener(s): switches TLS on (with --tls-key).
    #[arg(long, env = "MARSAD_TLS_CERT", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PEM private key of the gRPC listener(s).
    #[arg(long, env = "MARSAD_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// PEM CA that client certificates must chain to: switches mutual TLS on.
    #[arg(long, env = "MARSAD_TLS_CLIENT_CA", requires = "tls_cert")]
    tls_client_ca: Option<PathBuf>,
    /// PEM CA that the other services' certificates chain to (ingest's calls to storage and
    /// extraction). Default: --tls-client-ca, then none (plaintext calls).
    #[arg(long, env = "MARSAD_TLS_CA")]
    tls_ca: Option<PathBuf>,
    /// Client certificate for ingest's calls under mutual TLS. Default: --tls-cert.
    #[arg(long, env = "MARSAD_TLS_CLIENT_CERT")]
    tls_client_cert: Option<PathBuf>,
    /// Client key for ingest's calls under mutual TLS. Default: --tls-key.
    #[arg(long, env = "MARSAD_TLS_CLIENT_KEY")]
    tls_client_key: Option<PathBuf>,
    /// Name to check the other services' certificates against (default: the URL's host).
    #[arg(long, env = "MARSAD_TLS_DOMAIN")]
    tls_domain: Option<String>,
    /// Bearer tokens file: lines `token-or-sha256:<hex> scope1,scope2 client-name`; scopes:
    /// ingest, read, extract, admin. Switches authentication on. (Inline alternative: the
    /// environment variable MARSAD_AUTH_TOKENS, entries separated by newlines or `;`.)
    #[arg(long, env = "MARSAD_AUTH_TOKENS_FILE")]
    auth_tokens_file: Option<PathBuf>,
    /// Requests per second allowed to each client (token's client name, or peer address without
    /// auth); 0 turns rate limiting off.
    #[arg(long, env = "MARSAD_RATE_LIMIT_RPS", default_value_t = 0.0)]
    rate_limit_rps: f64,
    /// Burst allowed to each client above the rate (default: the rate, at least 1).
    #[arg(long, env = "MARSAD_RATE_LIMIT_BURST")]
    rate_limit_burst: Option<u32>,
    /// Plaintext address serving only grpc.health.v1, for probes (which send no token and no TLS).
    /// With `all`: ingest on this port, extraction on port+1, storage on port+2.
    #[arg(long, env = "MARSAD_HEALTH_LISTEN")]
    health_listen: Option<SocketAddr>,
    /// Address of the Prometheus endpoint (plain HTTP, GET /metrics); one per process.
    #[arg(long, env = "MARSAD_METRICS_LISTEN")]
    metrics_listen: Option<SocketAddr>,
}

/// What every server of this process shares: TLS, tokens, rate limit.
struct Edge {
    tls: Option<ServerTls>,
    auth: Option<std::sync::Arc<TokenStore>>,
    rate_limit: Option<RateLimit>,
}

impl ServeArgs {
    fn edge(&self) -> Result<Edge> {
        let tls = match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => Some(ServerTls::from_files(
                cert,
                key,
                self.tls_client_ca.as_deref(),
            )?),
            _ => None,
        };
        let auth = match (&self.auth_tokens_file, std::env::var("MARSAD_AUTH_TOKENS")) {
            (Some(path), _) => Some(TokenStore::from_file(path)?),
            (None, Ok(inline)) if !inline.trim().is_empty() => Some(TokenStore::parse(&inline)?),
            _ => None,
        };
        let rate_limit = (self.rate_limit_rps > 0.0).then(|| RateLimit {
            per_second: self.rate_limit_rps,
            burst: self
                .rate_limit_burst
                .unwrap_or(self.rate_limit_rps.ceil() as u32)
                .max(1),
        });
        tracing::info!(
            tls = tls.is_some(),
            mutual_tls = self.tls_client_ca.is_some(),
            auth = auth.is_some(),
            rate_limit_rps = self.rate_limit_rps,
            "security settings"
        );
        if tls.is_some() && self.health_listen.is_none() {
            tracing::warn!("TLS is on without --health-listen: gRPC probes (no TLS) will fail");
        }
        Ok(Edge {
            tls,
            auth: auth.map(std::sync::Arc::new),
            rate_limit,
        })
    }

    fn limits(&self, edge: &Edge, health: Option<SharedListener>) -> ServerLimits {
        ServerLimits {
            max_message_bytes: self.max_message_bytes,
            request_timeout: Duration::from_secs(self.request_timeout_secs),
            max_in_flight: self.max_in_flight,
            tls: edge.tls.clone(),
            auth: edge.auth.clone(),
            rate_limit: edge.rate_limit,
            health_listener: health,
            ..ServerLimits::default()
        }
    }

    /// Client settings for ingest's calls to storage and extraction.
    fn client_settings(&self) -> Result<(Option<marsad_client::ClientTls>, Option<String>)> {
        let ca = self.tls_ca.as_deref().or(self.tls_client_ca.as_deref());
        let mutual = self.tls_client_ca.is_some() || self.tls_client_cert.is_some();
        let (cert, key) = if mutual {
            (
                self.tls_client_cert.as_deref().or(self.tls_cert.as_deref()),
                self.tls_client_key.as_deref().or(self.tls_key.as_deref()),
            )
        } else {
            (None, None)
        };
        let tls = security::client_tls(ca, cert, key, self.tls_domain.clone())?;
        Ok((tls, security::client_token()?))
    }

    fn store_config(&self, limits: ServerLimits) -> Result<marsad_store::StoreConfig> {
        let url = self
            .database_url
            .as_deref()
            .context("the storage service needs --database-url or MARSAD_DATABASE_URL")?;
        let options = url.parse().map_err(|_| {
            // sqlx's message may quote the URL, password included: don't pass it on.
            anyhow::anyhow!("invalid database URL {}", security::redact_url(url))
        })?;
        tracing::info!(database = %security::redact_url(url), "storage database");
        let mut config = marsad_store::StoreConfig::new(options);
        config.max_connections = self.database_max_connections;
        config.run_migrations = !self.no_migrate;
        config.limits = limits;
        Ok(config)
    }

    fn extraction_config(&self, limits: ServerLimits) -> marsad_extraction::ExtractionConfig {
        marsad_extraction::ExtractionConfig {
            lexicon_dir: self.lexicon_dir.clone(),
            limits,
            max_text_bytes: self.max_article_bytes,
        }
    }

    fn ingest_config(
        &self,
        storage_url: String,
        extraction_url: String,
        limits: ServerLimits,
    ) -> Result<marsad_ingest::IngestConfig> {
        let mut config = marsad_ingest::IngestConfig::new(storage_url, extraction_url);
        config.limits = limits;
        config.max_text_bytes = self.max_article_bytes;
        let (tls, token) = self.client_settings()?;
        for client in [&mut config.storage, &mut config.extraction] {
            client.tls = tls.clone();
            client.token = token.clone();
        }
        Ok(config)
    }
}

fn health_listener(
    addr: Option<SocketAddr>,
    offset: u16,
    what: &str,
) -> Result<Option<SharedListener>> {
    let Some(mut addr) = addr else {
        return Ok(None);
    };
    if offset > 0 && addr.port() != 0 {
        addr.set_port(
            addr.port()
                .checked_add(offset)
                .context("health port out of range")?,
        );
    }
    let listener = SharedListener::bind(addr)
        .with_context(|| format!("cannot listen on {addr} for the {what} service's health"))?;
    tracing::info!(service = what, addr = %listener.local_addr(), "health (plaintext) listening");
    Ok(Some(listener))
}

async fn bind(addr: SocketAddr, what: &str) -> Result<TcpListener> {
    let listener = TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr} for the {what} service"))?;
    tracing::info!(service = what, addr = %listener.local_addr()?, "listening");
    Ok(listener)
}

/// A shutdown future that every service of the process can await.
fn shared_shutdown() -> impl Fn() -> futures::future::BoxFuture<'static, ()> {
    let (tx, rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        marsad_runtime::shutdown_signal().await;
        let _ = tx.send(true);
    });
    move || {
        let mut rx = rx.clone();
        Box::pin(async move {
            let _ = rx.wait_for(|stop| *stop).await;
        })
    }
}

pub(crate) async fn run(args: ServeArgs) -> Result<()> {
    let result = run_services(args).await;
    marsad_runtime::shutdown_telemetry();
    result
}

async fn run_services(args: ServeArgs) -> Result<()> {
    let shutdown = shared_shutdown();
    let edge = args.edge()?;
    if let Some(addr) = args.metrics_listen {
        let listener = TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr} for metrics"))?;
        tracing::info!(addr = %listener.local_addr()?, "metrics listening (GET /metrics)");
        tokio::spawn(marsad_runtime::metrics::serve_metrics(listener, shutdown()));
    }
    let health = args.health_listen;
    match args.which {
        Which::Store => {
            let limits = args.limits(&edge, health_listener(health, 0, "storage")?);
            let config = args.store_config(limits)?;
            let listener = bind(args.listen.unwrap_or(args.store_listen), "storage").await?;
            marsad_store::serve(listener, config, shutdown()).await?;
        }
        Which::Extract => {
            let limits = args.limits(&edge, health_listener(health, 0, "extraction")?);
            let listener = bind(args.listen.unwrap_or(args.extract_listen), "extraction").await?;
            marsad_extraction::serve(listener, args.extraction_config(limits), shutdown()).await?;
        }
        Which::Ingest => {
            let limits = args.limits(&edge, health_listener(health, 0, "ingest")?);
            let listener = bind(args.listen.unwrap_or(args.ingest_listen), "ingest").await?;
            let config = args.ingest_config(
                args.storage_url.clone(),
                args.extraction_url.clone(),
                limits,
            )?;
            marsad_ingest::serve(listener, config, shutdown()).await?;
        }
        Which::All => {
            let store_config =
                args.store_config(args.limits(&edge, health_listener(health, 2, "storage")?))?;
            let extraction_limits = args.limits(&edge, health_listener(health, 1, "extraction")?);
            let ingest_limits = args.limits(&edge, health_listener(health, 0, "ingest")?);
            let store_listener = bind(args.store_listen, "storage").await?;
            let extract_listener = bind(args.extract_listen, "extraction").await?;
            let ingest_listener = bind(args.ingest_listen, "ingest").await?;
            let scheme = if edge.tls.is_some() { "https" } else { "http" };
            let storage_url = format!("{scheme}://{}", store_listener.local_addr()?);
            let extraction_url = format!("{scheme}://{}", extract_listener.local_addr()?);
            let ingest_config = args.ingest_config(storage_url, extraction_url, ingest_limits)?;
            let store = async {
                marsad_store::serve(store_listener, store_config, shutdown())
                    .await
                    .context("storage service")
            };
            let extract = async {
                marsad_extraction::serve(
                    extract_listener,
                    args.extraction_config(extraction_limits),
                    shutdown(),
                )
                .await
                .context("extraction service")
            };
            let ingest = async {
                marsad_ingest::serve(ingest_listener, ingest_config, shutdown())
                    .await
                    .context("ingest service")
            };
            // The first failure ends the process; a clean shutdown waits for all three to drain.
            tokio::try_join!(store, extract, ingest)?;
        }
    }
    tracing::info!("stopped");
    Ok(())
}
