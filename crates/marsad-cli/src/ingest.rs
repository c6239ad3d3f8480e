//! `marsad ingest`: reads files and directories (plain text, HTML, feeds, JSON Lines) one file at
//! a time and streams their articles to the ingest service in batches, or follows feeds over HTTP
//! (`--follow`); prints a line per item (unless `--quiet`), a progress bar with rate and counts on
//! long runs, and a summary: stored, duplicates, near duplicates, rejected by reason.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use marsad_client::{IngestClient, DEFAULT_INGEST_URL};
use marsad_ingest::feeder::{self, Input, Outcome, Summary};
use marsad_ingest::follow::{self, FollowConfig, Follower};
use marsad_proto::v1;

#[derive(Debug, Args)]
pub(crate) struct IngestArgs {
    /// Files or directories: .txt, .html, RSS/Atom feeds, .jsonl batches.
    #[arg(required_unless_present = "follow")]
    paths: Vec<PathBuf>,
    /// Follow these feed URLs over HTTP instead (polls until Ctrl-C/SIGTERM, or once with --once).
    #[arg(long, num_args = 1.., value_name = "URL")]
    follow: Vec<String>,
    /// Poll the feeds once and exit.
    #[arg(long, requires = "follow")]
    once: bool,
    /// Where feed state (ETag, Last-Modified, items seen) is kept. Default:
    /// $XDG_STATE_HOME/marsad/feeds.json or ~/.local/state/marsad/feeds.json.
    #[arg(long, value_name = "PATH")]
    state: Option<PathBuf>,
    /// Seconds between two polls of the feeds.
    #[arg(long, default_value_t = 300)]
    interval: u64,
    /// Least seconds between two requests to one host.
    #[arg(long, default_value_t = 2.0)]
    min_host_interval: f64,
    /// Fetch the page each new feed item links to and read the article from it.
    #[arg(long)]
    fetch_pages: bool,
    /// Retries of an HTTP request (connection errors, timeouts, 429, 5xx), with backoff.
    #[arg(long, default_value_t = 3)]
    retries: u32,
    /// User-Agent sent with HTTP requests.
    #[arg(long)]
    user_agent: Option<String>,
    /// Directory of saved HTML pages: feed items linking to one (by its canonical URL) are read
    /// from it rather than from the feed's summary.
    #[arg(long, value_name = "DIR")]
    pages: Option<PathBuf>,
    /// Publication date of the articles, YYYY-MM-DD (relative dates resolve against it).
    #[arg(long)]
    published: Option<String>,
    /// Language of the articles (ar, en, ...); detected when absent.
    #[arg(long)]
    lang: Option<String>,
    /// Name of the source (outlet or feed).
    #[arg(long)]
    source: Option<String>,
    /// Articles per streamed batch.
    #[arg(long, default_value_t = 1000)]
    batch: usize,
    /// Batches in flight at once.
    #[arg(long, default_value_t = 2)]
    in_flight: usize,
    /// Ingest service URL.
    #[arg(long, env = "MARSAD_INGEST_URL", default_value = DEFAULT_INGEST_URL)]
    ingest_url: String,
    /// Don't print a line per item (rejections are still printed).
    #[arg(long, short)]
    quiet: bool,
}

fn item_line(r: &v1::IngestArticleResponse) -> String {
    let near = if r.near_duplicate_of.is_empty() {
        String::new()
    } else {
        format!(", near duplicate of {}", r.near_duplicate_of)
    };
    match v1::IngestOutcome::try_from(r.outcome).unwrap_or(v1::IngestOutcome::Unspecified) {
        v1::IngestOutcome::Stored if r.extracted => format!(
            "{}: stored as {} ({}){near}, {} events",
            r.client_ref, r.article_id, r.lang, r.event_count
        ),
        v1::IngestOutcome::Stored => format!(
            "{}: stored as {} ({}){near}, extraction queued",
            r.client_ref, r.article_id, r.lang
        ),
        v1::IngestOutcome::Duplicate => format!(
            "{}: duplicate of {}, nothing changed",
            r.client_ref, r.article_id
        ),
        _ => format!("{}: rejected: {}", r.client_ref, r.error),
    }
}

fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos} articles  {per_sec}  [{elapsed}]  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

fn counts(summary: &Summary) -> String {
    format!(
        "stored {}  near-dup {}  duplicates {}  rejected {}",
        summary.stored,
        summary.near_duplicates,
        summary.duplicates,
        summary.rejected_total()
    )
}

pub(crate) async fn run(args: IngestArgs) -> Result<ExitCode> {
    if let Some(p) = &args.published {
        chrono::NaiveDate::parse_from_str(p, "%Y-%m-%d")
            .with_context(|| format!("--published {p:?} is not a date of the form YYYY-MM-DD"))?;
    }
    let limits = marsad_sources::Limits::default();
    let mut hints = marsad_sources::Hints {
        lang: args.lang.clone(),
        published: args.published.clone(),
        source_name: args.source.clone(),
        ..Default::default()
    };
    if let Some(dir) = &args.pages {
        anyhow::ensure!(dir.is_dir(), "--pages {}: not a directory", dir.display());
        hints.pages = feeder::load_pages(dir, &limits);
        eprintln!(
            "{} saved page(s) loaded from {}",
            hints.pages.len(),
            dir.display()
        );
    }
    let client = IngestClient::connect(crate::security::client_config(&args.ingest_url)?)?;
    let summary = if args.follow.is_empty() {
        ingest_paths(&args, hints, limits, &client).await?
    } else {
        follow_feeds(&args, hints, limits, &client).await?
    };
    print!("{summary}");
    Ok(if summary.rejected_total() > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

async fn ingest_paths(
    args: &IngestArgs,
    hints: marsad_sources::Hints,
    limits: marsad_sources::Limits,
    client: &IngestClient,
) -> Result<Summary> {
    // Files are read on a blocking thread, one at a time, into a bounded channel: the corpus is
    // never held in memory, and reading waits while the service is busy.
    let (tx, rx) = tokio::sync::mpsc::channel::<Input>(args.batch.max(1) * 2);
    let paths = args.paths.clone();
    let reader = tokio::task::spawn_blocking(move || {
        for path in &paths {
            if !feeder::read_into(path, &hints, &limits, &tx) {
                return;
            }
        }
    });
    let progress = progress_bar();
    let mut summary = Summary::default();
    let quiet = args.quiet;
    let result = feeder::send_all(
        client,
        rx,
        args.batch,
        args.in_flight,
        |outcome| match outcome {
            Outcome::Warning(item, warning) => {
                if !quiet {
                    progress.suspend(|| eprintln!("{item}: warning: {warning}"));
                }
            }
            Outcome::Unreadable(item, error) => {
                summary.reject(error);
                progress.inc(1);
                progress.suspend(|| println!("{item}: rejected: {error}"));
            }
            Outcome::Batch(response, _) => {
                for r in &response.results {
                    summary.record(r);
                    let rejected = r.outcome == v1::IngestOutcome::Rejected as i32;
                    if !quiet || rejected {
                        progress.suspend(|| println!("{}", item_line(r)));
                    }
                }
                progress.inc(response.results.len() as u64);
                progress.set_message(counts(&summary));
            }
        },
    )
    .await;
    progress.finish_and_clear();
    reader.abort();
    result.map_err(|status| {
        anyhow::anyhow!(
            "ingest service at {}: {} (what was acknowledged before is stored; {})",
            args.ingest_url,
            status.message(),
            summary.line()
        )
    })?;
    Ok(summary)
}

async fn follow_feeds(
    args: &IngestArgs,
    hints: marsad_sources::Hints,
    limits: marsad_sources::Limits,
    client: &IngestClient,
) -> Result<Summary> {
    let mut config = FollowConfig::new(
        args.follow.clone(),
        args.state
            .clone()
            .unwrap_or_else(follow::default_state_path),
    );
    config.interval = Duration::from_secs(args.interval.max(1));
    config.min_host_interval = Duration::from_secs_f64(args.min_host_interval.max(0.0));
    config.fetch_pages = args.fetch_pages;
    config.retries = args.retries;
    if let Some(ua) = &args.user_agent {
        config.user_agent = ua.clone();
    }
    config.hints = hints;
    config.limits = limits;
    eprintln!(
        "following {} feed(s); state in {}",
        config.feeds.len(),
        config.state_path.display()
    );
    let mut follower = Follower::new(config)?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let signal = tokio::spawn(async move {
        marsad_runtime::shutdown_signal().await;
        eprintln!("stopping after the feed in hand");
        let _ = stop_tx.send(true);
    });
    let quiet = args.quiet;
    let summary = follower
        .run(client, args.once, stop_rx, |report| {
            if let Some(error) = &report.error {
                println!("{}: error: {error}", report.url);
            } else if report.not_modified {
                if !quiet {
                    println!("{}: not modified", report.url);
                }
            } else if !quiet {
                println!(
                    "{}: {} items, {} new{}",
                    report.url,
                    report.items,
                    report.new_items,
                    if report.pages_fetched + report.pages_failed > 0 {
                        format!(
                            ", {} pages fetched, {} failed",
                            report.pages_fetched, report.pages_failed
                        )
                    } else {
                        String::new()
                    }
                );
            }
            for (item, error) in &report.unreadable {
                println!("{item}: rejected: {error}");
            }
            for r in &report.results {
                if !quiet || r.outcome == v1::IngestOutcome::Rejected as i32 {
                    println!("{}", item_line(r));
                }
            }
        })
        .await;
    signal.abort();
    Ok(summary)
}
