//! `marsad extract`: the offline batch contract. JSON Lines documents in (files or stdin), one JSON
//! line per document out, in input order; a malformed line yields an error record and the run goes
//! on. No services, no database.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;
use marsad_core::Document;
use serde::Serialize;

use crate::EngineArgs;

#[derive(Debug, Args)]
pub(crate) struct ExtractArgs {
    /// JSON Lines files; standard input when none.
    files: Vec<PathBuf>,
    #[command(flatten)]
    engine: EngineArgs,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
}

#[derive(Debug, Serialize)]
struct ErrorRecord {
    id: Option<String>,
    line: usize,
    error: String,
}

/// Lines are processed in chunks of this many, in parallel within a chunk.
const CHUNK: usize = 256;

/// Parses one input line into a document, or says why it can't.
fn parse_line(line: &str) -> Result<Document, (Option<String>, String)> {
    let value: serde_json::Value =
        serde_json::from_str(line).map_err(|e| (None, format!("not a JSON object: {e}")))?;
    let id = value.get("id").and_then(|v| v.as_str()).map(str::to_owned);
    let doc: Document =
        serde_json::from_value(value).map_err(|e| (id.clone(), format!("not a document: {e}")))?;
    if doc.id.is_empty() {
        return Err((None, "the document has an empty id".into()));
    }
    Ok(doc)
}

pub(crate) fn run(args: ExtractArgs) -> Result<()> {
    let engine = args.engine.load()?;
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let inputs: Vec<Box<dyn BufRead>> = if args.files.is_empty() {
        vec![Box::new(BufReader::new(std::io::stdin()))]
    } else {
        args.files
            .iter()
            .map(|p| {
                std::fs::File::open(p)
                    .map(|f| Box::new(BufReader::new(f)) as Box<dyn BufRead>)
                    .with_context(|| format!("cannot open {}", p.display()))
            })
            .collect::<Result<_>>()?
    };
    let mut line_no = 0usize;
    let mut chunk: Vec<(usize, String)> = Vec::with_capacity(CHUNK);
    for input in inputs {
        for line in input.lines() {
            let line = line.context("cannot read input")?;
            line_no += 1;
            if line.trim().is_empty() {
                continue;
            }
            chunk.push((line_no, line));
            if chunk.len() == CHUNK {
                write_chunk(&engine, &chunk, threads, &mut out)?;
                chunk.clear();
            }
        }
    }
    write_chunk(&engine, &chunk, threads, &mut out)?;
    out.flush()?;
    Ok(())
}

fn write_chunk(
    engine: &marsad_extract::Engine,
    chunk: &[(usize, String)],
    threads: usize,
    out: &mut impl Write,
) -> Result<()> {
    let per_thread = chunk.len().div_ceil(threads).max(1);
    let rendered: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = chunk
            .chunks(per_thread)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|(line_no, line)| match parse_line(line) {
                            Ok(doc) => serde_json::to_string(&engine.extract(&doc)),
                            Err((id, error)) => serde_json::to_string(&ErrorRecord {
                                id,
                                line: *line_no,
                                error,
                            }),
                        })
                        .collect::<Result<Vec<_>, _>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("extraction thread panicked"))
            .collect::<Result<Vec<Vec<_>>, _>>()
            .map(|parts| parts.into_iter().flatten().collect())
    })?;
    for line in rendered {
        writeln!(out, "{line}")?;
    }
    Ok(())
}
