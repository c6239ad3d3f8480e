//! `marsad eval`, `marsad bench extract` and `marsad train-scorer`: the engine measured against the
//! gold sets and for throughput, and its context scorer retrained from the dev gold set.

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use marsad_eval::GoldSet;

use crate::EngineArgs;

/// Where the gold sets live by default, relative to the project root (not shipped in the repo).
const DEFAULT_EVAL_DIR: &str = "../shared/eval";

#[derive(Debug, Args)]
pub(crate) struct EvalArgs {
    /// Directory holding seed/, arabic-gsr/ and plover-gsr/.
    #[arg(long, env = "MARSAD_EVAL_DIR", default_value = DEFAULT_EVAL_DIR)]
    eval_dir: PathBuf,
    /// Only these gold sets (repeatable): seed, arabic-gsr, plover-gsr.
    #[arg(long = "set", value_name = "SET")]
    sets: Vec<String>,
    /// Print the report as one JSON object.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    engine: EngineArgs,
}

#[derive(Debug, Subcommand)]
pub(crate) enum BenchCommand {
    /// Extraction throughput on generated articles of the seed's size, one thread and all cores.
    Extract {
        /// Seconds to run each configuration for.
        #[arg(long, default_value_t = 3.0)]
        seconds: f64,
        /// Threads for the parallel run (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
        /// Print the reports as JSON lines.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        engine: EngineArgs,
    },
    /// End-to-end ingest throughput (client → Ingest → Extraction → Storage → Postgres), and the
    /// rate of a bare Postgres COPY of the same rows.
    Ingest(crate::bench_ingest::BenchIngestArgs),
    /// Event-store query latency (p50/p99 through gRPC) on generated events, and watch latency.
    Store(crate::bench_store::BenchStoreArgs),
}

#[derive(Debug, Args)]
pub(crate) struct TrainArgs {
    /// Directory holding arabic-gsr/.
    #[arg(long, env = "MARSAD_EVAL_DIR", default_value = DEFAULT_EVAL_DIR)]
    eval_dir: PathBuf,
    /// Cross-validation folds for the reported figures.
    #[arg(long, default_value_t = 5)]
    folds: usize,
    /// Where to write the weights (a lexicon-dir file or the shipped data file).
    #[arg(long, default_value = "crates/marsad-extract/data/scorer.tsv")]
    out: PathBuf,
}

pub(crate) fn eval(args: EvalArgs) -> Result<()> {
    let sets = args
        .sets
        .iter()
        .map(|s| s.parse::<GoldSet>())
        .collect::<Result<Vec<_>, _>>()?;
    let engine = args.engine.load()?;
    let report = marsad_eval::run_eval(&engine, &args.eval_dir, &sets)?;
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print!("{report}");
    }
    Ok(())
}

pub(crate) fn bench(command: BenchCommand) -> Result<()> {
    match command {
        BenchCommand::Extract {
            seconds,
            threads,
            json,
            engine,
        } => {
            let engine = engine.load()?;
            let cores = threads
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
                .max(1);
            let mut configurations = vec![1];
            if cores > 1 {
                configurations.push(cores);
            }
            for threads in configurations {
                let report = marsad_eval::bench_extract(&engine, threads, seconds);
                if json {
                    println!("{}", serde_json::to_string(&report)?);
                } else {
                    println!("{report}");
                }
            }
            Ok(())
        }
        // Async: dispatched by `main` before it gets here.
        BenchCommand::Ingest(_) => anyhow::bail!("bench ingest runs from main"),
        BenchCommand::Store(_) => anyhow::bail!("bench store runs from main"),
    }
}

pub(crate) fn train(args: TrainArgs) -> Result<()> {
    let report = marsad_eval::train_scorer(&args.eval_dir, args.folds)?;
    print!("{report}");
    std::fs::write(&args.out, &report.weights_tsv)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    println!("wrote {}", args.out.display());
    Ok(())
}
