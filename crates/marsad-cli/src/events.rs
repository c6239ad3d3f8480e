//! `marsad events`, `marsad watch` and `marsad stats`: reading the event store, as a readable table
//! or as JSON Lines in the batch contract's event form (plus `article_id` and `sequence`).

use std::io::Write;

use anyhow::{Context, Result};
use clap::Args;
use marsad_client::{ClientConfig, StorageClient, DEFAULT_STORAGE_URL};
use marsad_proto::convert;
use marsad_proto::v1;
use serde::Serialize;

#[derive(Debug, Args)]
pub(crate) struct FilterArgs {
    /// Only these kinds (repeatable), e.g. MEETING.
    #[arg(long = "kind", value_name = "KIND")]
    kinds: Vec<String>,
    /// Only events touching this country (ISO 3166-1 alpha-3; repeatable).
    #[arg(long = "country", value_name = "ISO3")]
    countries: Vec<String>,
    /// Events dated on or after this day (YYYY-MM-DD).
    #[arg(long)]
    since: Option<String>,
    /// Events dated on or before this day (YYYY-MM-DD).
    #[arg(long)]
    until: Option<String>,
    /// Only events of this article.
    #[arg(long)]
    article: Option<String>,
    /// Storage service URL.
    #[arg(long, env = "MARSAD_STORAGE_URL", default_value = DEFAULT_STORAGE_URL)]
    storage_url: String,
}

impl FilterArgs {
    fn filter(&self) -> Result<v1::EventFilter> {
        let mut kinds = Vec::new();
        for kind in &self.kinds {
            let kind = kind.to_ascii_uppercase();
            kind.parse::<marsad_core::Kind>()
                .map_err(|e| anyhow::anyhow!("--kind: {e}; known kinds: {}", known_kinds()))?;
            kinds.push(kind);
        }
        for date in self.since.iter().chain(&self.until) {
            chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
                .with_context(|| format!("{date:?} is not a date of the form YYYY-MM-DD"))?;
        }
        Ok(v1::EventFilter {
            kinds,
            countries: self
                .countries
                .iter()
                .map(|c| c.to_ascii_uppercase())
                .collect(),
            since: self.since.clone().unwrap_or_default(),
            until: self.until.clone().unwrap_or_default(),
            article_id: self.article.clone().unwrap_or_default(),
            ..Default::default()
        })
    }
}

fn known_kinds() -> String {
    marsad_core::Kind::ALL
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[derive(Debug, Args)]
pub(crate) struct EventsArgs {
    #[command(flatten)]
    filter: FilterArgs,
    /// JSON Lines, one event per line.
    #[arg(long)]
    json: bool,
    /// At most this many events.
    #[arg(long)]
    limit: Option<usize>,
}

#[derive(Debug, Args)]
pub(crate) struct WatchArgs {
    #[command(flatten)]
    filter: FilterArgs,
    /// JSON Lines, one event per line.
    #[arg(long)]
    json: bool,
    /// Start after this sequence number (resume); default: only new events.
    #[arg(long)]
    after: Option<u64>,
    /// Start from the first stored event.
    #[arg(long, conflicts_with = "after")]
    from_start: bool,
}

/// An event as `--json` prints it.
#[derive(Debug, Serialize)]
struct EventLine {
    article_id: String,
    sequence: u64,
    #[serde(flatten)]
    event: marsad_core::Event,
}

fn print_json(out: &mut impl Write, event: &v1::Event) -> Result<()> {
    let line = EventLine {
        article_id: event.article_id.clone(),
        sequence: event.sequence,
        event: convert::event_from_wire(event)?,
    };
    serde_json::to_writer(&mut *out, &line)?;
    writeln!(out)?;
    Ok(())
}

fn truncate(s: &str, max: usize) -> String {
    let s = s.replace(['\n', '\t'], " ");
    if s.chars().count() <= max {
        s
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

fn modality_name(m: i32) -> &'static str {
    convert::modality_from_wire(m)
        .map(|m| m.as_str())
        .unwrap_or("?")
}

fn actors_cell(event: &v1::Event) -> String {
    event
        .actors
        .iter()
        .map(|a| {
            let who = if a.country.is_empty() {
                a.name.clone()
            } else {
                format!("{}[{}]", a.name, a.country)
            };
            format!("{}:{}", a.role, who)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

const HEADER: [&str; 7] = [
    "SEQ", "DATE", "KIND", "MODALITY", "ACTORS", "PLACE", "EVIDENCE",
];

fn row(event: &v1::Event) -> [String; 7] {
    let date = event
        .date
        .as_ref()
        .map(|d| d.value.clone())
        .unwrap_or_default();
    [
        event.sequence.to_string(),
        if date.is_empty() { "-".into() } else { date },
        event.kind.clone(),
        modality_name(event.modality).to_owned(),
        truncate(&actors_cell(event), 60),
        event
            .location
            .as_ref()
            .map(|l| truncate(&l.name, 20))
            .unwrap_or_else(|| "-".into()),
        truncate(
            &event
                .evidence
                .as_ref()
                .map(|e| e.text.clone())
                .unwrap_or_default(),
            60,
        ),
    ]
}

fn print_table(out: &mut impl Write, events: &[v1::Event]) -> Result<()> {
    let rows: Vec<[String; 7]> = events.iter().map(row).collect();
    let mut widths = HEADER.map(|h| h.chars().count());
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &[String]| {
        cells
            .iter()
            .zip(widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count())))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_owned()
    };
    writeln!(out, "{}", line(&HEADER.map(String::from)))?;
    for r in &rows {
        writeln!(out, "{}", line(r))?;
    }
    Ok(())
}

pub(crate) async fn list(args: EventsArgs) -> Result<()> {
    let filter = args.filter.filter()?;
    let client = StorageClient::connect(ClientConfig::new(&args.filter.storage_url))?;
    let mut out = std::io::stdout().lock();
    let mut collected = Vec::new();
    let mut page_token = String::new();
    let mut printed = 0usize;
    loop {
        let page = client
            .list_events(v1::ListEventsRequest {
                filter: Some(filter.clone()),
                page_size: 500,
                page_token,
            })
            .await
            .map_err(|s| {
                anyhow::anyhow!(
                    "storage service at {}: {}",
                    args.filter.storage_url,
                    s.message()
                )
            })?;
        for event in page.events {
            if args.limit.is_some_and(|limit| printed >= limit) {
                break;
            }
            printed += 1;
            if args.json {
                print_json(&mut out, &event)?;
            } else {
                collected.push(event);
            }
        }
        if page.next_page_token.is_empty() || args.limit.is_some_and(|limit| printed >= limit) {
            break;
        }
        page_token = page.next_page_token;
    }
    if !args.json {
        print_table(&mut out, &collected)?;
        writeln!(out, "{} events", collected.len())?;
    }
    Ok(())
}

pub(crate) async fn watch(args: WatchArgs) -> Result<()> {
    let filter = args.filter.filter()?;
    let client = StorageClient::connect(ClientConfig::new(&args.filter.storage_url))?;
    let mut stream = client
        .watch_events(v1::WatchEventsRequest {
            filter: Some(filter),
            after_sequence: args.after.unwrap_or(0),
            from_start: args.from_start,
        })
        .await
        .map_err(|s| {
            anyhow::anyhow!(
                "storage service at {}: {}",
                args.filter.storage_url,
                s.message()
            )
        })?;
    let mut out = std::io::stdout().lock();
    while let Some(event) = stream.message().await? {
        if args.json {
            print_json(&mut out, &event)?;
        } else {
            let cells = row(&event);
            writeln!(out, "{}", cells.join("  "))?;
        }
        out.flush()?;
    }
    Ok(())
}

pub(crate) async fn stats(storage_url: &str) -> Result<()> {
    let client = StorageClient::connect(ClientConfig::new(storage_url))?;
    let stats = client
        .stats(v1::StatsRequest {})
        .await
        .map_err(|s| anyhow::anyhow!("storage service at {storage_url}: {}", s.message()))?;
    println!("articles  {}", stats.articles);
    println!("events    {}", stats.events);
    println!("pending   {}", stats.pending);
    Ok(())
}
