//! `marsad events`, `marsad watch` and `marsad stats`: reading the event store, as a readable table
//! or as JSON Lines in the batch contract's event form (plus `article_id` and `sequence`).

use std::io::Write;

use anyhow::{Context, Result};
use clap::Args;
use marsad_client::{StorageClient, DEFAULT_STORAGE_URL};
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
    /// Only these PLOVER types (repeatable), e.g. ASSAULT.
    #[arg(long = "plover", value_name = "TYPE")]
    plover_types: Vec<String>,
    /// Only these ACLED event types (repeatable), e.g. "Battles".
    #[arg(long = "acled-type", value_name = "TYPE")]
    acled_types: Vec<String>,
    /// Only these ACLED sub-event types (repeatable), e.g. "Air/drone strike".
    #[arg(long = "acled-subtype", value_name = "TYPE")]
    acled_subtypes: Vec<String>,
    /// Events involving this actor: an id (Q858) or a name, canonical or as written (repeatable).
    #[arg(long = "actor", value_name = "ID|NAME")]
    actors: Vec<String>,
    /// With --actor: only in this role; alone: any actor in this role (actor, recipient, host, ...).
    #[arg(long)]
    role: Option<String>,
    /// Only events with an actor of this sector (GOV, MIL, REB, ...; repeatable).
    #[arg(long = "sector", value_name = "CODE")]
    sectors: Vec<String>,
    /// Articles ingested at or after this time (YYYY-MM-DD or RFC 3339).
    #[arg(long, value_name = "TIME")]
    ingested_since: Option<String>,
    /// Articles ingested before this time (YYYY-MM-DD: before the end of that day, or RFC 3339).
    #[arg(long, value_name = "TIME")]
    ingested_until: Option<String>,
    /// Events placed in a box: MIN_LAT,MIN_LON,MAX_LAT,MAX_LON.
    #[arg(long, value_name = "BOX", allow_hyphen_values = true)]
    bbox: Option<String>,
    /// Events placed within a distance of a point: LAT,LON,KM.
    #[arg(
        long,
        value_name = "LAT,LON,KM",
        allow_hyphen_values = true,
        conflicts_with = "bbox"
    )]
    near: Option<String>,
    /// Only these modalities (asserted, planned, intended, negated, hypothetical, reported).
    #[arg(long = "modality", value_name = "MODALITY")]
    modalities: Vec<String>,
    /// Only events at least this confident (0..1).
    #[arg(long)]
    min_confidence: Option<f32>,
    /// Full-text search over the evidence and the articles, Arabic or English ("phrases", OR, -word).
    #[arg(long = "text", short = 'q', value_name = "QUERY")]
    text: Option<String>,
    /// Only mentions of this event cluster.
    #[arg(long)]
    cluster: Option<String>,
    /// Storage service URL.
    #[arg(long, env = "MARSAD_STORAGE_URL", default_value = DEFAULT_STORAGE_URL)]
    pub(crate) storage_url: String,
}

fn numbers<const N: usize>(flag: &str, value: &str) -> Result<[f64; N]> {
    let parts: Vec<f64> = value
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .with_context(|| format!("--{flag} {value:?}: not {N} comma-separated numbers"))?;
    parts
        .try_into()
        .map_err(|_| anyhow::anyhow!("--{flag} {value:?}: expected {N} comma-separated numbers"))
}

/// A time flag: a day (its start, or with `end_of_day` the start of the next) or RFC 3339.
fn time_flag(flag: &str, value: &str, end_of_day: bool) -> Result<prost_types::Timestamp> {
    let t = if let Ok(day) = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        let day = if end_of_day {
            day.succ_opt().unwrap_or(day)
        } else {
            day
        };
        day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
    } else {
        chrono::DateTime::parse_from_rfc3339(value)
            .with_context(|| format!("--{flag} {value:?}: not YYYY-MM-DD or RFC 3339"))?
            .with_timezone(&chrono::Utc)
    };
    Ok(prost_types::Timestamp {
        seconds: t.timestamp(),
        nanos: i32::try_from(t.timestamp_subsec_nanos()).unwrap_or(0),
    })
}

impl FilterArgs {
    pub(crate) fn filter(&self) -> Result<v1::EventFilter> {
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
            plover_types: self
                .plover_types
                .iter()
                .map(|t| t.to_ascii_uppercase())
                .collect(),
            modalities: self
                .modalities
                .iter()
                .map(|m| {
                    m.to_ascii_lowercase()
                        .parse::<marsad_core::Modality>()
                        .map(|m| convert::modality_to_wire(m) as i32)
                        .map_err(|e| anyhow::anyhow!("--modality: {e}"))
                })
                .collect::<Result<_>>()?,
            min_confidence: self.min_confidence.unwrap_or(0.0),
            acled_event_types: self.acled_types.clone(),
            acled_sub_event_types: self.acled_subtypes.clone(),
            actors: self.actors.clone(),
            actor_role: self
                .role
                .as_deref()
                .map(str::to_ascii_lowercase)
                .unwrap_or_default(),
            sectors: self
                .sectors
                .iter()
                .map(|s| s.to_ascii_uppercase())
                .collect(),
            ingested_after: self
                .ingested_since
                .as_deref()
                .map(|v| time_flag("ingested-since", v, false))
                .transpose()?,
            ingested_before: self
                .ingested_until
                .as_deref()
                .map(|v| time_flag("ingested-until", v, true))
                .transpose()?,
            bbox: self
                .bbox
                .as_deref()
                .map(|v| {
                    numbers::<4>("bbox", v).map(|[min_lat, min_lon, max_lat, max_lon]| {
                        v1::BoundingBox {
                            min_lat,
                            min_lon,
                            max_lat,
                            max_lon,
                        }
                    })
                })
                .transpose()?,
            near: self
                .near
                .as_deref()
                .map(|v| {
                    numbers::<3>("near", v).map(|[lat, lon, radius_km]| v1::GeoRadius {
                        lat,
                        lon,
                        radius_km,
                    })
                })
                .transpose()?,
            text: self.text.clone().unwrap_or_default(),
            cluster_id: self.cluster.clone().unwrap_or_default(),
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
    /// One line per real-world event (cluster of mentions) instead of one per mention.
    #[arg(long)]
    clusters: bool,
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
    write_table(out, HEADER, &rows)
}

/// Writes `rows` under `header` in columns padded to their widest cell.
fn write_table<const N: usize>(
    out: &mut impl Write,
    header: [&str; N],
    rows: &[[String; N]],
) -> Result<()> {
    let mut widths = header.map(|h| h.chars().count());
    for r in rows {
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
    writeln!(out, "{}", line(&header.map(String::from)))?;
    for r in rows {
        writeln!(out, "{}", line(r))?;
    }
    Ok(())
}

/// The generated client of the storage service, for the calls `StorageClient` does not wrap.
pub(crate) async fn raw_storage(
    url: &str,
) -> Result<v1::storage_service_client::StorageServiceClient<tonic::transport::Channel>> {
    let channel = tonic::transport::Endpoint::from_shared(url.to_owned())
        .with_context(|| format!("invalid storage URL {url:?}"))?
        .connect_timeout(std::time::Duration::from_secs(3))
        .tcp_nodelay(true)
        .connect()
        .await
        .with_context(|| format!("cannot connect to the storage service at {url}"))?;
    Ok(
        v1::storage_service_client::StorageServiceClient::new(channel)
            .max_decoding_message_size(64 * 1024 * 1024),
    )
}

/// A cluster as `--clusters --json` prints it.
#[derive(Debug, Serialize)]
struct ClusterLine {
    cluster_id: String,
    kind: String,
    date: String,
    place: Option<String>,
    country: Option<String>,
    modality: &'static str,
    confidence: f32,
    mentions: u32,
    sources: u32,
    source_names: Vec<String>,
    actor_ids: Vec<String>,
    countries: Vec<String>,
    evidence: String,
    mention_ids: Vec<String>,
}

fn cluster_line(c: v1::EventCluster) -> ClusterLine {
    ClusterLine {
        cluster_id: c.id,
        kind: c.kind,
        date: c.date.map(|d| d.value).unwrap_or_default(),
        place: c.location.as_ref().map(|l| l.name.clone()),
        country: c
            .location
            .as_ref()
            .map(|l| l.country.clone())
            .filter(|c| !c.is_empty()),
        modality: modality_name(c.modality),
        confidence: c.confidence,
        mentions: c.mention_count,
        sources: c.source_count,
        source_names: c.sources,
        actor_ids: c.actor_ids,
        countries: c.countries,
        evidence: c
            .representative
            .and_then(|r| r.evidence)
            .map(|e| e.text)
            .unwrap_or_default(),
        mention_ids: c
            .mentions
            .iter()
            .map(|m| format!("{}/{}", m.article_id, m.id))
            .collect(),
    }
}

async fn list_clusters(args: EventsArgs) -> Result<()> {
    let filter = args.filter.filter()?;
    let mut client = raw_storage(&args.filter.storage_url).await?;
    let mut out = std::io::stdout().lock();
    let mut page_token = String::new();
    let mut printed = 0usize;
    let mut rows = Vec::new();
    'pages: loop {
        let page = client
            .list_event_clusters(v1::ListEventClustersRequest {
                filter: Some(filter.clone()),
                page_size: 200,
                page_token,
                include_mentions: args.json,
            })
            .await
            .map_err(|s| anyhow::anyhow!("storage service: {}", s.message()))?
            .into_inner();
        for cluster in page.clusters {
            if args.limit.is_some_and(|limit| printed >= limit) {
                break 'pages;
            }
            printed += 1;
            let line = cluster_line(cluster);
            if args.json {
                serde_json::to_writer(&mut out, &line)?;
                writeln!(out)?;
            } else {
                rows.push([
                    line.date.clone(),
                    line.kind.clone(),
                    line.mentions.to_string(),
                    line.sources.to_string(),
                    line.place.clone().unwrap_or_else(|| "-".into()),
                    truncate(&line.countries.join(","), 20),
                    truncate(&line.evidence, 60),
                    line.cluster_id.clone(),
                ]);
            }
        }
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    if !args.json {
        let header = [
            "DATE",
            "KIND",
            "MENTIONS",
            "SOURCES",
            "PLACE",
            "COUNTRIES",
            "EVIDENCE",
            "CLUSTER",
        ];
        write_table(&mut out, header, &rows)?;
        writeln!(out, "{} clusters", rows.len())?;
    }
    Ok(())
}

pub(crate) async fn list(args: EventsArgs) -> Result<()> {
    if args.clusters {
        return list_clusters(args).await;
    }
    let filter = args.filter.filter()?;
    let client = StorageClient::connect(crate::security::client_config(&args.filter.storage_url)?)?;
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
    let client = StorageClient::connect(crate::security::client_config(&args.filter.storage_url)?)?;
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
    let client = StorageClient::connect(crate::security::client_config(storage_url)?)?;
    let stats = client
        .stats(v1::StatsRequest {})
        .await
        .map_err(|s| anyhow::anyhow!("storage service at {storage_url}: {}", s.message()))?;
    println!("articles  {}", stats.articles);
    println!("events    {}", stats.events);
    println!("pending   {}", stats.pending);
    println!("clusters  {}", stats.clusters);
    Ok(())
}
