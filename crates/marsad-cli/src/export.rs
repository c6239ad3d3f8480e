//! `marsad export`: every matching event, streamed from the storage service (`ExportEvents`) and
//! written as it arrives in JSON Lines, CSV, PLOVER-style JSON or GDELT-style TSV (see
//! `marsad_store::export`); memory stays constant whatever the count.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use marsad_proto::v1;
use marsad_store::export::{Format, Writer};

use crate::events::{raw_storage, FilterArgs};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub(crate) enum FormatArg {
    Jsonl,
    Csv,
    Plover,
    Gdelt,
}

#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    #[command(flatten)]
    filter: FilterArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "jsonl")]
    format: FormatArg,
    /// Write to this file (default: stdout).
    #[arg(short = 'o', long)]
    output: Option<PathBuf>,
    /// Resume after this sequence number.
    #[arg(long, default_value_t = 0)]
    after: u64,
}

pub(crate) async fn run(args: ExportArgs) -> Result<()> {
    let filter = args.filter.filter()?;
    let format = match args.format {
        FormatArg::Jsonl => Format::Jsonl,
        FormatArg::Csv => Format::Csv,
        FormatArg::Plover => Format::Plover,
        FormatArg::Gdelt => Format::Gdelt,
    };
    let out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(std::io::BufWriter::with_capacity(
            1 << 16,
            std::fs::File::create(path)
                .with_context(|| format!("cannot create {}", path.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let mut writer = Writer::new(out, format);
    writer.header()?;
    let mut client = raw_storage(&args.filter.storage_url).await?;
    let mut stream = client
        .export_events(v1::ExportEventsRequest {
            filter: Some(filter),
            after_sequence: args.after,
            batch_size: 1000,
        })
        .await
        .map_err(|s| anyhow::anyhow!("storage service: {}", s.message()))?
        .into_inner();
    let mut count = 0u64;
    let mut last = args.after;
    while let Some(batch) = stream.message().await.map_err(|s| {
        anyhow::anyhow!(
            "storage service: {} (resume with --after {last})",
            s.message()
        )
    })? {
        for event in &batch.events {
            writer.write(event)?;
            last = event.sequence;
            count += 1;
        }
    }
    writer.finish()?;
    if let Some(path) = &args.output {
        eprintln!("{count} events written to {}", path.display());
    }
    Ok(())
}
