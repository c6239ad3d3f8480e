//! `marsad timeline`: counts of matching events per day or week, per kind or country.

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Result;
use clap::Args;
use marsad_proto::v1;
use serde::Serialize;

use crate::events::{raw_storage, FilterArgs};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum By {
    Day,
    Week,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum Group {
    Kind,
    Country,
}

#[derive(Debug, Args)]
pub(crate) struct TimelineArgs {
    #[command(flatten)]
    filter: FilterArgs,
    /// Bucket width.
    #[arg(long, value_enum, default_value = "day")]
    by: By,
    /// What to count by.
    #[arg(long, value_enum, default_value = "kind")]
    group: Group,
    /// JSON Lines: {"period": ..., "key": ..., "count": ...}.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Serialize)]
struct Line<'a> {
    period: &'a str,
    key: &'a str,
    count: u64,
}

pub(crate) async fn run(args: TimelineArgs) -> Result<()> {
    let filter = args.filter.filter()?;
    let mut client = raw_storage(&args.filter.storage_url).await?;
    let response = client
        .event_timeline(v1::EventTimelineRequest {
            filter: Some(filter),
            bucket: match args.by {
                By::Day => v1::TimelineBucket::Day,
                By::Week => v1::TimelineBucket::Week,
            } as i32,
            group: match args.group {
                Group::Kind => v1::TimelineGroup::Kind,
                Group::Country => v1::TimelineGroup::Country,
            } as i32,
        })
        .await
        .map_err(|s| anyhow::anyhow!("storage service: {}", s.message()))?
        .into_inner();
    let mut out = std::io::stdout().lock();
    if args.json {
        for c in &response.counts {
            serde_json::to_writer(
                &mut out,
                &Line {
                    period: &c.period_start,
                    key: &c.key,
                    count: c.count,
                },
            )?;
            writeln!(out)?;
        }
        return Ok(());
    }
    // A table: one row per period, one column per key.
    let mut keys: Vec<&str> = response.counts.iter().map(|c| c.key.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    let mut rows: BTreeMap<&str, BTreeMap<&str, u64>> = BTreeMap::new();
    for c in &response.counts {
        *rows
            .entry(c.period_start.as_str())
            .or_default()
            .entry(c.key.as_str())
            .or_default() += c.count;
    }
    let widths: Vec<usize> = keys.iter().map(|k| k.chars().count().max(5)).collect();
    let mut header = format!(
        "{:<10}",
        if matches!(args.by, By::Week) {
            "WEEK"
        } else {
            "DAY"
        }
    );
    for (k, w) in keys.iter().zip(&widths) {
        header.push_str(&format!("  {k:>w$}"));
    }
    writeln!(out, "{header}  {:>7}", "TOTAL")?;
    for (period, counts) in &rows {
        let mut line = format!("{period:<10}");
        for (k, w) in keys.iter().zip(&widths) {
            line.push_str(&format!("  {:>w$}", counts.get(k).copied().unwrap_or(0)));
        }
        writeln!(out, "{line}  {:>7}", counts.values().sum::<u64>())?;
    }
    writeln!(
        out,
        "{} periods; {} matching events without a date",
        rows.len(),
        response.undated
    )?;
    Ok(())
}
