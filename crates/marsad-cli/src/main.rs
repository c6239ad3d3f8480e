//! `marsad`: the one binary. Runs the services, feeds them, queries them, and runs the engine
//! offline. `main` only parses flags and environment, sets up logging and signals, and dispatches.

mod bench_ingest;
mod bench_store;
mod eval;
mod events;
mod export;
mod extract;
mod ingest;
mod reextract;
mod security;
mod serve;
mod timeline;

use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand};
use marsad_client::DEFAULT_STORAGE_URL;

/// mimalloc serves the engine's many small per-article allocations (strings of actors, places,
/// events) with thread-local free lists; glibc malloc spent a fifth of extraction time on them.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Marsad: coalition and security events from Arabic and English news.
#[derive(Debug, Parser)]
#[command(name = "marsad", version, propagate_version = true)]
struct Cli {
    /// Log format for services: text or json.
    #[arg(long, global = true, env = "MARSAD_LOG_FORMAT", default_value = "text")]
    log_format: LogFormatArg,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum LogFormatArg {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a service (ingest, extract, store) or all three in one process.
    Serve(serve::ServeArgs),
    /// Apply the database migrations and exit.
    Migrate {
        /// Postgres URL.
        #[arg(long, env = "MARSAD_DATABASE_URL")]
        database_url: String,
    },
    /// Send articles (files, directories, JSON Lines, HTML, feeds) to the ingest service.
    Ingest(ingest::IngestArgs),
    /// List stored events: a table, or JSON Lines with --json.
    Events(events::EventsArgs),
    /// Stream events as they are stored.
    Watch(events::WatchArgs),
    /// Export matching events: JSON Lines, CSV, PLOVER-style JSON or GDELT-style TSV.
    Export(export::ExportArgs),
    /// Counts of matching events by day or week, by kind or country.
    Timeline(timeline::TimelineArgs),
    /// Re-extract stored articles with the current engine (through the extraction queue).
    Reextract(reextract::ReextractArgs),
    /// Counts of articles, events and queued articles.
    Stats {
        /// Storage service URL.
        #[arg(long, env = "MARSAD_STORAGE_URL", default_value = DEFAULT_STORAGE_URL)]
        storage_url: String,
    },
    /// Extract offline: JSON Lines documents in (files or stdin), one JSON line per document out.
    Extract(extract::ExtractArgs),
    /// Score the engine against the gold sets (precision, recall, F1 per language and kind).
    Eval(eval::EvalArgs),
    /// Benchmarks.
    #[command(subcommand)]
    Bench(eval::BenchCommand),
    /// Retrain the engine's context scorer from the Arabic GSR dev set and write its weights.
    TrainScorer(eval::TrainArgs),
    /// Ask services whether they are SERVING (exit 0 when all are); `--wait` polls until they are.
    Health {
        /// Service URLs.
        #[arg(default_values = [marsad_client::DEFAULT_INGEST_URL, marsad_client::DEFAULT_EXTRACTION_URL, DEFAULT_STORAGE_URL])]
        urls: Vec<String>,
        /// Keep asking for up to this many seconds.
        #[arg(long, default_value_t = 0)]
        wait: u64,
    },
}

/// Where extra lexicon files live (shared by the commands that load the engine).
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct EngineArgs {
    /// Directory of lexicon files extending the built-in data.
    #[arg(long, env = "MARSAD_LEXICON_DIR")]
    pub lexicon_dir: Option<PathBuf>,
}

impl EngineArgs {
    pub(crate) fn load(&self) -> Result<marsad_extract::Engine> {
        Ok(marsad_extract::Engine::load(self.lexicon_dir.as_deref())?)
    }
}

/// Transparent huge pages off for this process. mimalloc asks for them on its arenas
/// (`MADV_HUGEPAGE`), so the kernel zeroed a whole 2 MiB page at the first touch of each, again
/// after every purge: with the ingest path's large short-lived buffers (gRPC messages, COPY data)
/// that zeroing was 15 to 18 % of the process's CPU in `marsad bench ingest` (1 % with them off).
fn disable_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    if let Err(err) = rustix::thread::disable_transparent_huge_pages(true) {
        eprintln!("marsad: could not turn transparent huge pages off: {err}");
    }
}

fn main() -> std::process::ExitCode {
    disable_transparent_huge_pages();
    let cli = Cli::parse();
    let is_service = matches!(cli.command, Command::Serve(_));
    marsad_runtime::init_logging(match cli.log_format {
        LogFormatArg::Json => marsad_runtime::LogFormat::Json,
        LogFormatArg::Text => marsad_runtime::LogFormat::Text,
    });
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("marsad: cannot start the runtime: {err}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(run(cli.command));
    match result {
        Ok(code) => code,
        Err(err) => {
            if is_service {
                tracing::error!(error = %format!("{err:#}"), "service failed");
            }
            eprintln!("marsad: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> Result<std::process::ExitCode> {
    use std::process::ExitCode;
    match command {
        Command::Serve(args) => serve::run(args).await.map(|()| ExitCode::SUCCESS),
        Command::Migrate { database_url } => {
            let options: sqlx::postgres::PgConnectOptions = database_url
                .parse()
                .map_err(|e| anyhow::anyhow!("invalid database URL: {e}"))?;
            marsad_store::migrate(options).await?;
            eprintln!("migrations applied");
            Ok(ExitCode::SUCCESS)
        }
        Command::Ingest(args) => ingest::run(args).await,
        Command::Events(args) => events::list(args).await.map(|()| ExitCode::SUCCESS),
        Command::Watch(args) => events::watch(args).await.map(|()| ExitCode::SUCCESS),
        Command::Export(args) => export::run(args).await.map(|()| ExitCode::SUCCESS),
        Command::Timeline(args) => timeline::run(args).await.map(|()| ExitCode::SUCCESS),
        Command::Reextract(args) => reextract::run(args).await,
        Command::Stats { storage_url } => events::stats(&storage_url)
            .await
            .map(|()| ExitCode::SUCCESS),
        Command::Extract(args) => extract::run(args).map(|()| ExitCode::SUCCESS),
        Command::Health { urls, wait } => health(&urls, wait).await,
        Command::Eval(args) => eval::eval(args).map(|()| ExitCode::SUCCESS),
        Command::Bench(eval::BenchCommand::Ingest(args)) => bench_ingest::run(args).await,
        Command::Bench(eval::BenchCommand::Store(args)) => {
            bench_store::run(args).await.map(|()| ExitCode::SUCCESS)
        }
        Command::Bench(command) => eval::bench(command).map(|()| ExitCode::SUCCESS),
        Command::TrainScorer(args) => eval::train(args).map(|()| ExitCode::SUCCESS),
    }
}

async fn health(urls: &[String], wait_secs: u64) -> Result<std::process::ExitCode> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(wait_secs);
    loop {
        let mut all = true;
        let mut lines = Vec::new();
        for url in urls {
            let state = match marsad_client::health_check(&security::client_config(url)?, "").await
            {
                Ok(true) => "SERVING".to_owned(),
                Ok(false) => {
                    all = false;
                    "NOT_SERVING".to_owned()
                }
                Err(status) => {
                    all = false;
                    format!("unreachable ({})", status.message())
                }
            };
            lines.push(format!("{url}  {state}"));
        }
        if all || std::time::Instant::now() >= deadline {
            for line in lines {
                println!("{line}");
            }
            return Ok(if all {
                std::process::ExitCode::SUCCESS
            } else {
                std::process::ExitCode::FAILURE
            });
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
}
