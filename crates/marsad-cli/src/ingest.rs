//! `marsad ingest`: reads files and directories (plain text, HTML, feeds, JSON Lines), sends their
//! articles to the ingest service, and reports per item and in a summary.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use marsad_client::{ClientConfig, IngestClient, DEFAULT_INGEST_URL};
use marsad_proto::v1;

/// Articles per streamed batch.
const BATCH: usize = 500;

#[derive(Debug, Args)]
pub(crate) struct IngestArgs {
    /// Files or directories: .txt, .html, RSS/Atom feeds, .jsonl batches.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Publication date of the articles, YYYY-MM-DD (relative dates resolve against it).
    #[arg(long)]
    published: Option<String>,
    /// Language of the articles (ar, en, ...); detected when absent.
    #[arg(long)]
    lang: Option<String>,
    /// Name of the source (outlet or feed).
    #[arg(long)]
    source: Option<String>,
    /// Ingest service URL.
    #[arg(long, env = "MARSAD_INGEST_URL", default_value = DEFAULT_INGEST_URL)]
    ingest_url: String,
    /// Don't print a line per item.
    #[arg(long, short)]
    quiet: bool,
}

fn request_from(article: marsad_sources::Article) -> v1::IngestArticleRequest {
    v1::IngestArticleRequest {
        text: article.text,
        title: article.title.unwrap_or_default(),
        lang: article.lang,
        source: article
            .source_name
            .unwrap_or_else(|| article.origin.clone()),
        url: article.url.unwrap_or_default(),
        published: article.published.map(|d| d.to_string()).unwrap_or_default(),
        client_ref: article.source,
    }
}

pub(crate) async fn run(args: IngestArgs) -> Result<ExitCode> {
    if let Some(p) = &args.published {
        chrono::NaiveDate::parse_from_str(p, "%Y-%m-%d")
            .with_context(|| format!("--published {p:?} is not a date of the form YYYY-MM-DD"))?;
    }
    let hints = marsad_sources::Hints {
        lang: args.lang.clone(),
        published: args.published.clone(),
        source_name: args.source.clone(),
        ..Default::default()
    };
    let limits = marsad_sources::Limits::default();
    let client = IngestClient::connect(ClientConfig::new(&args.ingest_url))?;

    let mut requests = Vec::new();
    let mut unreadable = 0usize;
    for path in &args.paths {
        if !path.exists() {
            eprintln!("{}: no such file or directory", path.display());
            unreadable += 1;
            continue;
        }
        for item in marsad_sources::read_path(path, &hints, &limits) {
            match item {
                Ok(article) => {
                    for warning in &article.warnings {
                        eprintln!("{}: warning: {warning}", article.source);
                    }
                    requests.push(request_from(article));
                }
                Err(err) => {
                    eprintln!("{}: rejected: {}", err.item, err.error);
                    unreadable += 1;
                }
            }
        }
    }

    let total = requests.len();
    let progress = if total > BATCH {
        let bar = ProgressBar::new(total as u64);
        bar.set_style(
            ProgressStyle::with_template(
                "{bar:40} {pos}/{len} articles  {per_sec}  eta {eta}  {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let (mut stored, mut duplicates, mut rejected, mut events) = (0usize, 0usize, unreadable, 0u64);
    let mut pending = 0usize;
    let mut report = |r: &v1::IngestArticleResponse, quiet: bool| {
        let outcome =
            v1::IngestOutcome::try_from(r.outcome).unwrap_or(v1::IngestOutcome::Unspecified);
        match outcome {
            v1::IngestOutcome::Stored => stored += 1,
            v1::IngestOutcome::Duplicate => duplicates += 1,
            _ => rejected += 1,
        }
        events += u64::from(r.event_count);
        if !r.extracted && outcome != v1::IngestOutcome::Rejected {
            pending += 1;
        }
        let line = match outcome {
            v1::IngestOutcome::Stored if r.extracted => {
                format!(
                    "{}: stored as {} ({}), {} events",
                    r.client_ref, r.article_id, r.lang, r.event_count
                )
            }
            v1::IngestOutcome::Stored => format!(
                "{}: stored as {} ({}), extraction queued",
                r.client_ref, r.article_id, r.lang
            ),
            v1::IngestOutcome::Duplicate => {
                format!(
                    "{}: duplicate of {}, nothing changed",
                    r.client_ref, r.article_id
                )
            }
            _ => format!("{}: rejected: {}", r.client_ref, r.error),
        };
        if !quiet || outcome == v1::IngestOutcome::Rejected {
            progress.suspend(|| println!("{line}"));
        }
    };

    if total == 1 {
        let request = requests.remove(0);
        let client_ref = request.client_ref.clone();
        match client.ingest_article(request).await {
            Ok(response) => report(
                &v1::IngestArticleResponse {
                    client_ref,
                    ..response
                },
                args.quiet,
            ),
            Err(status) if status.code() == tonic::Code::InvalidArgument => report(
                &v1::IngestArticleResponse {
                    outcome: v1::IngestOutcome::Rejected as i32,
                    client_ref,
                    error: status.message().to_owned(),
                    ..Default::default()
                },
                args.quiet,
            ),
            Err(status) => anyhow::bail!(
                "ingest service at {}: {}",
                args.ingest_url,
                status.message()
            ),
        }
    } else {
        let mut requests = requests.into_iter().peekable();
        while requests.peek().is_some() {
            let chunk: Vec<_> = requests.by_ref().take(BATCH).collect();
            let n = chunk.len() as u64;
            let response = client
                .ingest_batch(futures::stream::iter(chunk))
                .await
                .map_err(|status| {
                    anyhow::anyhow!(
                        "ingest service at {}: {}",
                        args.ingest_url,
                        status.message()
                    )
                })?;
            for result in &response.results {
                report(result, args.quiet || total > 50);
            }
            progress.inc(n);
        }
    }
    progress.finish_and_clear();
    println!(
        "{} stored, {} duplicates, {} rejected; {} events extracted{}",
        stored,
        duplicates,
        rejected,
        events,
        if pending > 0 {
            format!("; {pending} waiting for extraction")
        } else {
            String::new()
        }
    );
    Ok(if rejected > 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
