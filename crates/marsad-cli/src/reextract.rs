//! `marsad reextract`: puts stored articles back on the extraction queue (`RequeueArticles`); the
//! ingest service's queue workers re-extract them with the current engine and replace their events
//! atomically (cluster ids stay where the event is the same). Shows progress until the queue is
//! drained.

use std::time::{Duration, Instant};

use anyhow::Result;
use clap::Args;
use marsad_client::DEFAULT_STORAGE_URL;
use marsad_proto::v1;

use crate::events::raw_storage;

#[derive(Debug, Args)]
pub(crate) struct ReextractArgs {
    /// Only articles ingested on or after this day (YYYY-MM-DD).
    #[arg(long)]
    since: Option<String>,
    /// Only articles ingested on or before this day (YYYY-MM-DD).
    #[arg(long)]
    until: Option<String>,
    /// Only articles with a stored event of this kind (repeatable).
    #[arg(long = "kind", value_name = "KIND")]
    kinds: Vec<String>,
    /// Only these articles (repeatable).
    #[arg(long = "article", value_name = "ID")]
    articles: Vec<String>,
    /// Queue them and return without waiting for the queue to drain.
    #[arg(long)]
    no_wait: bool,
    /// Give up waiting after this many seconds (0: wait as long as it takes).
    #[arg(long, default_value_t = 0)]
    timeout: u64,
    /// Storage service URL.
    #[arg(long, env = "MARSAD_STORAGE_URL", default_value = DEFAULT_STORAGE_URL)]
    storage_url: String,
}

pub(crate) async fn run(args: ReextractArgs) -> Result<std::process::ExitCode> {
    for date in args.since.iter().chain(&args.until) {
        chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
            .map_err(|_| anyhow::anyhow!("{date:?} is not a date of the form YYYY-MM-DD"))?;
    }
    let kinds: Vec<String> = args.kinds.iter().map(|k| k.to_ascii_uppercase()).collect();
    let all = args.since.is_none()
        && args.until.is_none()
        && kinds.is_empty()
        && args.articles.is_empty();
    let mut client = raw_storage(&args.storage_url).await?;
    let queued = client
        .requeue_articles(v1::RequeueArticlesRequest {
            ingested_since: args.since.clone().unwrap_or_default(),
            ingested_until: args.until.clone().unwrap_or_default(),
            kinds,
            article_ids: args.articles.clone(),
            all,
        })
        .await
        .map_err(|s| anyhow::anyhow!("storage service: {}", s.message()))?
        .into_inner()
        .queued;
    eprintln!("{queued} articles queued for re-extraction");
    if args.no_wait || queued == 0 {
        return Ok(std::process::ExitCode::SUCCESS);
    }
    let pending = |client: &mut v1::storage_service_client::StorageServiceClient<_>| {
        let mut client = client.clone();
        async move {
            client
                .stats(v1::StatsRequest {})
                .await
                .map(|r| r.into_inner().pending)
                .map_err(|s| anyhow::anyhow!("storage service: {}", s.message()))
        }
    };
    let start_pending = pending(&mut client).await?;
    let bar = indicatif::ProgressBar::new(start_pending);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} articles re-extracted ({per_sec}, eta {eta})",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let started = Instant::now();
    loop {
        let left = pending(&mut client).await?;
        bar.set_position(start_pending.saturating_sub(left));
        if left == 0 {
            bar.finish();
            eprintln!("queue drained in {:.1} s", started.elapsed().as_secs_f64());
            return Ok(std::process::ExitCode::SUCCESS);
        }
        if args.timeout > 0 && started.elapsed() > Duration::from_secs(args.timeout) {
            bar.abandon();
            eprintln!("{left} articles still queued after {} s; is the ingest service (its queue worker) running?", args.timeout);
            return Ok(std::process::ExitCode::FAILURE);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
