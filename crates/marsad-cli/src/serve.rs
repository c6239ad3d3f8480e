//! `marsad serve`: runs one service, or all three in one process on their own ports, talking real
//! gRPC to each other. SIGTERM or Ctrl-C drains.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use marsad_client::{DEFAULT_EXTRACTION_URL, DEFAULT_STORAGE_URL};
use marsad_runtime::ServerLimits;
use tokio::net::TcpListener;

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
}

impl ServeArgs {
    fn limits(&self) -> ServerLimits {
        ServerLimits {
            max_message_bytes: self.max_message_bytes,
            request_timeout: Duration::from_secs(self.request_timeout_secs),
            max_in_flight: self.max_in_flight,
            ..ServerLimits::default()
        }
    }

    fn store_config(&self) -> Result<marsad_store::StoreConfig> {
        let url = self
            .database_url
            .as_deref()
            .context("the storage service needs --database-url or MARSAD_DATABASE_URL")?;
        let options = url
            .parse()
            .map_err(|e| anyhow::anyhow!("invalid database URL: {e}"))?;
        let mut config = marsad_store::StoreConfig::new(options);
        config.max_connections = self.database_max_connections;
        config.run_migrations = !self.no_migrate;
        config.limits = self.limits();
        Ok(config)
    }

    fn extraction_config(&self) -> marsad_extraction::ExtractionConfig {
        marsad_extraction::ExtractionConfig {
            lexicon_dir: self.lexicon_dir.clone(),
            limits: self.limits(),
            max_text_bytes: self.max_article_bytes,
        }
    }

    fn ingest_config(
        &self,
        storage_url: String,
        extraction_url: String,
    ) -> marsad_ingest::IngestConfig {
        let mut config = marsad_ingest::IngestConfig::new(storage_url, extraction_url);
        config.limits = self.limits();
        config.max_text_bytes = self.max_article_bytes;
        config
    }
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
    let shutdown = shared_shutdown();
    match args.which {
        Which::Store => {
            let listener = bind(args.listen.unwrap_or(args.store_listen), "storage").await?;
            marsad_store::serve(listener, args.store_config()?, shutdown()).await?;
        }
        Which::Extract => {
            let listener = bind(args.listen.unwrap_or(args.extract_listen), "extraction").await?;
            marsad_extraction::serve(listener, args.extraction_config(), shutdown()).await?;
        }
        Which::Ingest => {
            let listener = bind(args.listen.unwrap_or(args.ingest_listen), "ingest").await?;
            let config = args.ingest_config(args.storage_url.clone(), args.extraction_url.clone());
            marsad_ingest::serve(listener, config, shutdown()).await?;
        }
        Which::All => {
            let store_config = args.store_config()?;
            let store_listener = bind(args.store_listen, "storage").await?;
            let extract_listener = bind(args.extract_listen, "extraction").await?;
            let ingest_listener = bind(args.ingest_listen, "ingest").await?;
            let storage_url = format!("http://{}", store_listener.local_addr()?);
            let extraction_url = format!("http://{}", extract_listener.local_addr()?);
            let ingest_config = args.ingest_config(storage_url, extraction_url);
            let store = async {
                marsad_store::serve(store_listener, store_config, shutdown())
                    .await
                    .context("storage service")
            };
            let extract = async {
                marsad_extraction::serve(extract_listener, args.extraction_config(), shutdown())
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
