//! The client side of ingest, shared by `marsad ingest` and the tests: reads inputs (files,
//! directory trees, JSON Lines, feeds with their saved pages) one file at a time on a blocking
//! thread, streams their articles to the ingest service in batches with a bounded number in
//! flight, and keeps the summary (stored, duplicates, near duplicates, rejections grouped by
//! reason).

use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;
use std::path::{Path, PathBuf};

use futures::stream::FuturesOrdered;
use futures::StreamExt;
use marsad_client::IngestClient;
use marsad_proto::v1;
use marsad_sources::{Hints, ItemError, Limits, SourceFormat};
use tokio::sync::mpsc;
use tonic::Status;

/// JSON Lines files larger than this are read a block of lines at a time instead of whole.
pub const STREAM_JSONL_OVER_BYTES: u64 = 8 << 20;
/// Lines per block when a JSON Lines file is streamed.
const JSONL_BLOCK_LINES: usize = 1000;

/// One item read from the inputs: an article to send, or why an item could not be read.
#[derive(Debug)]
pub enum Input {
    Article(Box<v1::IngestArticleRequest>, Vec<String>),
    Unreadable { item: String, error: String },
}

/// The ingest request for an article read by `marsad_sources`.
pub fn request_from(article: marsad_sources::Article) -> v1::IngestArticleRequest {
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

fn input_of(item: Result<marsad_sources::Article, ItemError>) -> Input {
    match item {
        Ok(mut article) => {
            let warnings = std::mem::take(&mut article.warnings);
            Input::Article(Box::new(request_from(article)), warnings)
        }
        Err(err) => Input::Unreadable {
            item: match err.line {
                Some(line) if !err.item.starts_with("line ") => {
                    format!("{}:{line} [{}]", err.origin, err.item)
                }
                Some(line) => format!("{}:{line}", err.origin),
                None => err.item.clone(),
            },
            error: err.error.to_string(),
        },
    }
}

/// The files of a directory tree, sorted, hidden entries skipped, symlinked directories not
/// followed (the same rules as `marsad_sources::read_path`), without reading them.
pub fn walk(dir: &Path, max_files: usize) -> (Vec<PathBuf>, Vec<Input>) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = match std::fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) => {
                errors.push(Input::Unreadable {
                    item: d.display().to_string(),
                    error: format!("I/O error: {e}"),
                });
                continue;
            }
        };
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let p = entry.path();
            let Ok(ft) = entry.file_type() else { continue };
            if ft.is_dir() {
                stack.push(p);
            } else if std::fs::metadata(&p).is_ok_and(|m| m.is_file()) {
                files.push(p);
            }
        }
    }
    files.sort();
    if files.len() > max_files {
        errors.push(Input::Unreadable {
            item: dir.display().to_string(),
            error: format!(
                "too many items: only the first {max_files} of {} files were read",
                files.len()
            ),
        });
        files.truncate(max_files);
    }
    (files, errors)
}

/// HTML pages saved under `dir`, keyed by their canonical URL (`<link rel=canonical>`,
/// `og:url`, JSON-LD): what [`Hints::pages`] takes, so that feed items linking to them are read
/// from the page rather than from the feed's summary.
pub fn load_pages(dir: &Path, limits: &Limits) -> HashMap<String, String> {
    let (files, _) = walk(dir, limits.max_files);
    let mut pages = HashMap::new();
    for file in files {
        let Ok(bytes) = std::fs::read(&file) else {
            continue;
        };
        if marsad_sources::sniff(&bytes, file.to_str(), None) != SourceFormat::Html {
            continue;
        }
        let html = marsad_sources::decode(&bytes, None).text;
        if let Ok(article) = marsad_sources::html_article(&html, None, limits) {
            if let Some(url) = article.url {
                pages.insert(url, html);
            }
        }
    }
    pages
}

/// Reads one path (file or directory tree) and sends its items to `tx`, one file at a time, so
/// that no more than one file's articles are held at once. Large JSON Lines files are read a
/// block of lines at a time. Returns false when the receiver is gone.
pub fn read_into(path: &Path, hints: &Hints, limits: &Limits, tx: &mpsc::Sender<Input>) -> bool {
    let send = |input: Input| tx.blocking_send(input).is_ok();
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            return send(Input::Unreadable {
                item: path.display().to_string(),
                error: format!("I/O error: {e}"),
            })
        }
    };
    let (files, errors) = if meta.is_dir() {
        walk(path, limits.max_files)
    } else {
        (vec![path.to_path_buf()], Vec::new())
    };
    for file in files {
        let len = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
        let is_jsonl = file
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("jsonl") || e.eq_ignore_ascii_case("ndjson"));
        let ok = if is_jsonl && len > STREAM_JSONL_OVER_BYTES {
            stream_jsonl(&file, hints, limits, &send)
        } else {
            marsad_sources::read_path(&file, hints, limits)
                .into_iter()
                .all(|item| send(input_of(item)))
        };
        if !ok {
            return false;
        }
    }
    errors.into_iter().all(send)
}

/// Reads a JSON Lines file a block of lines at a time (line numbers kept).
fn stream_jsonl(file: &Path, hints: &Hints, limits: &Limits, send: &dyn Fn(Input) -> bool) -> bool {
    let shown = file.display().to_string();
    let reader = match std::fs::File::open(file) {
        Ok(f) => std::io::BufReader::new(f),
        Err(e) => {
            return send(Input::Unreadable {
                item: shown,
                error: format!("I/O error: {e}"),
            })
        }
    };
    let hints = Hints {
        format: Some(SourceFormat::JsonLines),
        ..hints.clone()
    };
    let mut block = Vec::new();
    let mut first_line = 1usize;
    let mut lines = reader.split(b'\n').enumerate().peekable();
    while lines.peek().is_some() {
        block.clear();
        let mut n = 0;
        for (_, line) in lines.by_ref().take(JSONL_BLOCK_LINES) {
            match line {
                Ok(line) => block.extend_from_slice(&line),
                Err(e) => {
                    return send(Input::Unreadable {
                        item: shown,
                        error: format!("I/O error: {e}"),
                    })
                }
            }
            block.push(b'\n');
            n += 1;
        }
        for mut item in marsad_sources::read_bytes(&block, &shown, &hints, limits) {
            if let Err(err) = &mut item {
                if let Some(line) = err.line.as_mut() {
                    *line += first_line - 1;
                    if err.item.starts_with("line ") {
                        err.item = format!("line {line}");
                    }
                }
            }
            if !send(input_of(item)) {
                return false;
            }
        }
        first_line += n;
    }
    true
}

/// What a run of ingest did, over all its batches.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub stored: u64,
    pub duplicates: u64,
    pub near_duplicates: u64,
    /// Stored, but waiting in the queue for extraction.
    pub pending: u64,
    pub events: u64,
    /// Rejections (by the service, or unreadable before sending) by reason.
    pub rejected: BTreeMap<String, u64>,
}

impl Summary {
    /// Counts one result of the service.
    pub fn record(&mut self, r: &v1::IngestArticleResponse) {
        match v1::IngestOutcome::try_from(r.outcome) {
            Ok(v1::IngestOutcome::Stored) => {
                self.stored += 1;
                if !r.near_duplicate_of.is_empty() {
                    self.near_duplicates += 1;
                }
                if !r.extracted {
                    self.pending += 1;
                }
                self.events += u64::from(r.event_count);
            }
            Ok(v1::IngestOutcome::Duplicate) => self.duplicates += 1,
            _ => self.reject(&r.error),
        }
    }

    /// Counts one rejection.
    pub fn reject(&mut self, error: &str) {
        *self.rejected.entry(reason_class(error)).or_default() += 1;
    }

    pub fn rejected_total(&self) -> u64 {
        self.rejected.values().sum()
    }

    pub fn items(&self) -> u64 {
        self.stored + self.duplicates + self.rejected_total()
    }

    /// Adds another summary's counts to this one.
    pub fn merge(&mut self, other: &Summary) {
        self.stored += other.stored;
        self.duplicates += other.duplicates;
        self.near_duplicates += other.near_duplicates;
        self.pending += other.pending;
        self.events += other.events;
        for (reason, n) in &other.rejected {
            *self.rejected.entry(reason.clone()).or_default() += n;
        }
    }

    /// `stored 3 (1 near duplicate), duplicates 1, rejected 2; 14 events`.
    pub fn line(&self) -> String {
        let mut s = format!(
            "stored {} ({} near duplicates), duplicates {}, rejected {}; {} events",
            self.stored,
            self.near_duplicates,
            self.duplicates,
            self.rejected_total(),
            self.events
        );
        if self.pending > 0 {
            s.push_str(&format!("; {} waiting for extraction", self.pending));
        }
        s
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "{}", self.line())?;
        let mut reasons: Vec<(&String, &u64)> = self.rejected.iter().collect();
        reasons.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        for (reason, n) in reasons {
            writeln!(f, "  rejected {n:>6}  {reason}")?;
        }
        Ok(())
    }
}

/// The class of a rejection, for grouping: "empty body", "too large", "binary content",
/// "malformed feed", ... (an unknown message with its numbers blanked out).
pub fn reason_class(error: &str) -> String {
    let e = error.to_ascii_lowercase();
    let class = if e.contains("unavailable") || e.contains("not stored") {
        "service unavailable"
    } else if e.contains("empty") {
        "empty body"
    } else if e.contains("over the limit") || e.contains("too large") {
        "too large"
    } else if e.contains("binary") {
        "binary content"
    } else if e.contains("unsafe xml") {
        "unsafe XML"
    } else if e.contains("malformed feed") {
        "malformed feed"
    } else if e.contains("malformed json") {
        "malformed JSON line"
    } else if e.contains("malformed") {
        "malformed input"
    } else if e.contains("too many items") {
        "too many items"
    } else if e.contains("http ") || e.contains("fetch") || e.contains("connect") {
        "unreachable or HTTP error"
    } else if e.contains("i/o error") || e.contains("no such file") {
        "unreadable file"
    } else if e.contains("lang") {
        "bad language code"
    } else if e.contains("published") || e.contains("date") {
        "bad date"
    } else {
        let blanked: String = error
            .chars()
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .take(80)
            .collect();
        return blanked;
    };
    class.to_owned()
}

/// Sends what arrives on `rx` to the ingest service in client-streamed batches of `batch_size`,
/// `in_flight` batches at once, and calls `on_result` for every item in input order (service
/// results, and local rejections of unreadable inputs as they come). Fails when the service
/// fails a whole batch (it is unavailable): what was acknowledged before stays stored.
pub async fn send_all(
    client: &IngestClient,
    mut rx: mpsc::Receiver<Input>,
    batch_size: usize,
    in_flight: usize,
    mut on_result: impl FnMut(Outcome<'_>),
) -> Result<(), Status> {
    let batch_size = batch_size.max(1);
    let mut flying = FuturesOrdered::new();
    let mut open = true;
    loop {
        // Fill a batch while there is room for it in flight.
        if open && flying.len() < in_flight.max(1) {
            let mut batch = Vec::with_capacity(batch_size.min(1024));
            while batch.len() < batch_size {
                match rx.recv().await {
                    Some(Input::Article(request, warnings)) => {
                        for warning in &warnings {
                            on_result(Outcome::Warning(&request.client_ref, warning));
                        }
                        batch.push(*request);
                    }
                    Some(Input::Unreadable { item, error }) => {
                        on_result(Outcome::Unreadable(&item, &error));
                    }
                    None => {
                        open = false;
                        break;
                    }
                }
                // Don't hold a partial batch back while others are already done.
                if !batch.is_empty() && rx.is_empty() && flying.is_empty() {
                    break;
                }
            }
            if !batch.is_empty() {
                let client = client.clone();
                let n = batch.len();
                flying.push_back(async move {
                    let started = std::time::Instant::now();
                    let response = client.ingest_batch(futures::stream::iter(batch)).await;
                    (n, started.elapsed(), response)
                });
            }
            if open {
                continue;
            }
        }
        match flying.next().await {
            Some((_, elapsed, Ok(response))) => {
                on_result(Outcome::Batch(&response, elapsed));
            }
            Some((_, _, Err(status))) => return Err(status),
            None if !open => return Ok(()),
            None => {}
        }
    }
}

/// What [`send_all`] reports, in order.
#[derive(Debug)]
pub enum Outcome<'a> {
    /// A warning about an article read (invalid bytes, an overruled hint, ...).
    Warning(&'a str, &'a str),
    /// An item that could not be read; it was not sent.
    Unreadable(&'a str, &'a str),
    /// A batch's results, and how long the call took.
    Batch(&'a v1::IngestBatchResponse, std::time::Duration),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_group() {
        assert_eq!(
            reason_class("InvalidArgument: text: the article body is empty"),
            "empty body"
        );
        assert_eq!(
            reason_class("InvalidArgument: text: 3000000 bytes is over the limit of 2097152 bytes"),
            "too large"
        );
        assert_eq!(
            reason_class("binary content: 40% control or undecodable characters"),
            "binary content"
        );
        assert_eq!(
            reason_class("malformed feed: no root element"),
            "malformed feed"
        );
        assert_eq!(reason_class("odd 123 thing"), "odd ### thing");
    }

    #[test]
    fn summary_counts() {
        let mut s = Summary::default();
        s.record(&v1::IngestArticleResponse {
            outcome: v1::IngestOutcome::Stored as i32,
            extracted: true,
            event_count: 3,
            near_duplicate_of: "a_x".into(),
            ..Default::default()
        });
        s.record(&v1::IngestArticleResponse {
            outcome: v1::IngestOutcome::Duplicate as i32,
            ..Default::default()
        });
        s.reject("empty: no text left");
        s.reject("InvalidArgument: text: the article body is empty");
        assert_eq!(
            (s.stored, s.near_duplicates, s.duplicates, s.events),
            (1, 1, 1, 3)
        );
        assert_eq!(s.rejected.get("empty body"), Some(&2));
        assert_eq!(s.items(), 4);
        assert!(s.to_string().contains("rejected      2  empty body"));
    }

    #[test]
    fn large_jsonl_is_streamed_with_line_numbers() {
        let dir = std::env::temp_dir().join(format!("marsad-feeder-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("big.jsonl");
        let mut body = String::new();
        for i in 0..2500 {
            if i == 1500 {
                body.push_str("{not json\n");
            } else {
                body.push_str(&format!(
                    "{{\"id\":\"d{i}\",\"text\":\"Clashes erupted in Aleppo on day {i}.\"}}\n"
                ));
            }
        }
        std::fs::write(&file, &body).unwrap();
        let (tx, mut rx) = mpsc::channel(10_000);
        let send = |input: Input| tx.try_send(input).is_ok();
        assert!(stream_jsonl(
            &file,
            &Hints::default(),
            &Limits::default(),
            &send
        ));
        drop(tx);
        let mut articles = 0;
        let mut bad = Vec::new();
        while let Ok(input) = rx.try_recv() {
            match input {
                Input::Article(r, _) => {
                    articles += 1;
                    assert!(r.client_ref.starts_with('d'));
                }
                Input::Unreadable { item, .. } => bad.push(item),
            }
        }
        assert_eq!(articles, 2499);
        assert_eq!(bad.len(), 1);
        assert!(bad[0].ends_with(":1501"), "{bad:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
