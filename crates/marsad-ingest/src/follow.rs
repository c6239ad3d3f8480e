//! Following feeds over HTTP (`marsad ingest --follow`): polls RSS/Atom feeds politely
//! (conditional GETs with ETag and Last-Modified, a minimum interval between requests to one
//! host, retries with backoff on connection errors, 429 and 5xx, a User-Agent), optionally fetches
//! the pages the items link to, sends the new items to the ingest service, and remembers per feed
//! what it has seen in a state file written atomically, so that no item is ingested twice across
//! restarts.
//!
//! The state is only advanced for what the ingest service acknowledged: an item the service could
//! not take (it was unavailable) is not marked seen, and the feed's validators (ETag,
//! Last-Modified) are kept as they were, so the next poll fetches the feed again and retries it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use marsad_client::IngestClient;
use marsad_proto::v1;
use marsad_sources::{Hints, Limits, SourceFormat};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::watch;

use crate::feeder::{request_from, Summary};

/// Items sent per IngestBatch call while following.
const FOLLOW_BATCH: usize = 500;

/// How feeds are followed.
#[derive(Debug, Clone)]
pub struct FollowConfig {
    /// Feed URLs (http or https).
    pub feeds: Vec<String>,
    /// Where the per-feed state lives (see [`default_state_path`]).
    pub state_path: PathBuf,
    /// Pause between two poll rounds.
    pub interval: Duration,
    /// Least time between two requests to the same host.
    pub min_host_interval: Duration,
    /// Fetch the page each new item links to, and read the article from it.
    pub fetch_pages: bool,
    /// Retries of a request after a connection error, a timeout, 429 or 5xx.
    pub retries: u32,
    /// First pause before a retry; doubled each time (with jitter), at most 60 s.
    pub retry_base: Duration,
    /// Deadline of one HTTP request.
    pub request_timeout: Duration,
    pub user_agent: String,
    /// Hints passed to the sources library (language, source name, ...).
    pub hints: Hints,
    pub limits: Limits,
    /// Item keys remembered per feed (the oldest are forgotten first).
    pub max_seen: usize,
}

impl FollowConfig {
    pub fn new(feeds: Vec<String>, state_path: PathBuf) -> Self {
        Self {
            feeds,
            state_path,
            interval: Duration::from_secs(300),
            min_host_interval: Duration::from_secs(2),
            fetch_pages: false,
            retries: 3,
            retry_base: Duration::from_millis(500),
            request_timeout: Duration::from_secs(30),
            user_agent: format!(
                "marsad/{} (news event coder; feed follower)",
                env!("CARGO_PKG_VERSION")
            ),
            hints: Hints::default(),
            limits: Limits::default(),
            max_seen: 20_000,
        }
    }
}

/// `$XDG_STATE_HOME/marsad/feeds.json`, else `~/.local/state/marsad/feeds.json`.
pub fn default_state_path() -> PathBuf {
    let base = std::env::var_os("XDG_STATE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local").join("state")))
        .unwrap_or_else(|| PathBuf::from("."));
    base.join("marsad").join("feeds.json")
}

/// What is remembered of one feed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct FeedState {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// Keys of the items already ingested (or refused for good), oldest first: the first 16
    /// bytes, in hex, of the SHA-256 of the item's link (or id).
    #[serde(default)]
    pub seen: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_polled: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

/// The state file: every followed feed, by URL.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct FollowState {
    #[serde(default)]
    pub feeds: BTreeMap<String, FeedState>,
}

/// Why following could not start or go on.
#[derive(Debug, thiserror::Error)]
pub enum FollowError {
    #[error("cannot read the state file {path}: {message}")]
    ReadState { path: String, message: String },
    #[error("cannot write the state file {path}: {message}")]
    WriteState { path: String, message: String },
    #[error("cannot build the HTTP client: {0}")]
    Http(#[from] reqwest::Error),
}

impl FollowState {
    /// Reads the state file; a missing file is an empty state.
    pub fn load(path: &Path) -> Result<Self, FollowError> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| FollowError::ReadState {
                path: path.display().to_string(),
                message: e.to_string(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(FollowError::ReadState {
                path: path.display().to_string(),
                message: e.to_string(),
            }),
        }
    }

    /// Writes the state atomically: a temporary file in the same directory, flushed to disk,
    /// then renamed over the old one.
    pub fn save(&self, path: &Path) -> Result<(), FollowError> {
        use std::io::Write;
        let err = |e: std::io::Error| FollowError::WriteState {
            path: path.display().to_string(),
            message: e.to_string(),
        };
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir).map_err(err)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "feeds.json".into());
        let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
        let bytes = serde_json::to_vec_pretty(self).map_err(|e| FollowError::WriteState {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        {
            let mut file = std::fs::File::create(&tmp).map_err(err)?;
            file.write_all(&bytes).map_err(err)?;
            file.sync_all().map_err(err)?;
        }
        std::fs::rename(&tmp, path).map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            err(e)
        })?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    }
}

/// The key an item is remembered by.
pub fn item_key(link_or_id: &str) -> String {
    hex::encode(&Sha256::digest(link_or_id.trim().as_bytes())[..16])
}

/// What one poll of one feed did.
#[derive(Debug, Clone, Default)]
pub struct FeedReport {
    pub url: String,
    /// The server answered 304 Not Modified.
    pub not_modified: bool,
    /// Items in the feed, and of those, not seen before.
    pub items: usize,
    pub new_items: usize,
    /// Linked pages fetched, and those that failed.
    pub pages_fetched: usize,
    pub pages_failed: usize,
    /// The feed could not be fetched or read (then nothing else happened).
    pub error: Option<String>,
    /// The service's results for the new items, in feed order.
    pub results: Vec<v1::IngestArticleResponse>,
    /// New items that could not be read: (item, error).
    pub unreadable: Vec<(String, String)>,
    pub summary: Summary,
}

/// What a GET brought back.
enum Fetched {
    NotModified,
    Body {
        bytes: Vec<u8>,
        content_type: Option<String>,
        etag: Option<String>,
        last_modified: Option<String>,
    },
}

/// Polls feeds; keeps the state in memory and writes it after each feed.
pub struct Follower {
    config: FollowConfig,
    http: reqwest::Client,
    state: FollowState,
    next_allowed: HashMap<String, Instant>,
}

impl std::fmt::Debug for Follower {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Follower")
            .field("feeds", &self.config.feeds)
            .field("state_path", &self.config.state_path)
            .finish_non_exhaustive()
    }
}

fn header(resp: &reqwest::Response, name: reqwest::header::HeaderName) -> Option<String> {
    resp.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// A pause of `base * 2^attempt` with up to 25% jitter, at most 60 s.
fn backoff(base: Duration, attempt: u32) -> Duration {
    let pause = base.saturating_mul(1 << attempt.min(10));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let jitter = pause.mul_f64(f64::from(nanos % 1000) / 4000.0);
    (pause + jitter).min(Duration::from_secs(60))
}

impl Follower {
    pub fn new(config: FollowConfig) -> Result<Self, FollowError> {
        let http = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .timeout(config.request_timeout)
            .connect_timeout(config.request_timeout.min(Duration::from_secs(10)))
            .redirect(reqwest::redirect::Policy::limited(5))
            .build()?;
        let state = FollowState::load(&config.state_path)?;
        Ok(Self {
            config,
            http,
            state,
            next_allowed: HashMap::new(),
        })
    }

    pub fn state(&self) -> &FollowState {
        &self.state
    }

    /// Waits for this host's turn, then books the next one.
    async fn wait_turn(&mut self, host: &str) {
        let now = Instant::now();
        if let Some(at) = self.next_allowed.get(host) {
            if *at > now {
                tokio::time::sleep(*at - now).await;
            }
        }
        self.next_allowed.insert(
            host.to_owned(),
            Instant::now() + self.config.min_host_interval,
        );
    }

    /// A GET, conditional when validators are given, with retries and a size limit.
    async fn get(
        &mut self,
        url: &str,
        etag: Option<&str>,
        last_modified: Option<&str>,
    ) -> Result<Fetched, String> {
        let parsed = reqwest::Url::parse(url).map_err(|e| format!("invalid URL {url:?}: {e}"))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(format!(
                "invalid URL {url:?}: only http and https are followed"
            ));
        }
        let host = parsed.host_str().unwrap_or_default().to_owned();
        let mut attempt = 0;
        loop {
            self.wait_turn(&host).await;
            let mut request = self.http.get(parsed.clone());
            if let Some(etag) = etag {
                request = request.header(reqwest::header::IF_NONE_MATCH, etag);
            }
            if let Some(lm) = last_modified {
                request = request.header(reqwest::header::IF_MODIFIED_SINCE, lm);
            }
            let (error, retry_after) = match request.send().await {
                Ok(resp) if resp.status() == reqwest::StatusCode::NOT_MODIFIED => {
                    return Ok(Fetched::NotModified)
                }
                Ok(resp) if resp.status().is_success() => {
                    return self.read_body(resp).await;
                }
                Ok(resp) => {
                    let status = resp.status();
                    let retry_after = header(&resp, reqwest::header::RETRY_AFTER)
                        .and_then(|v| v.trim().parse::<u64>().ok())
                        .map(|s| Duration::from_secs(s.min(60)));
                    let error = format!("HTTP {status} from {url}");
                    if status == reqwest::StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
                    {
                        (error, retry_after)
                    } else {
                        return Err(error);
                    }
                }
                Err(e) => {
                    let mut message = e.to_string();
                    let mut source = std::error::Error::source(&e);
                    while let Some(s) = source {
                        message.push_str(&format!(": {s}"));
                        source = s.source();
                    }
                    (format!("cannot fetch {url}: {message}"), None)
                }
            };
            if attempt >= self.config.retries {
                return Err(error);
            }
            let pause = retry_after.unwrap_or_else(|| backoff(self.config.retry_base, attempt));
            tracing::debug!(url, attempt, ?pause, error, "retrying");
            tokio::time::sleep(pause).await;
            attempt += 1;
        }
    }

    async fn read_body(&self, mut resp: reqwest::Response) -> Result<Fetched, String> {
        let limit = self.config.limits.max_input_bytes;
        if resp.content_length().is_some_and(|n| n > limit as u64) {
            return Err(format!(
                "too large: {} is {} bytes, limit {limit}",
                resp.url(),
                resp.content_length().unwrap_or(0)
            ));
        }
        let content_type = header(&resp, reqwest::header::CONTENT_TYPE);
        let etag = header(&resp, reqwest::header::ETAG);
        let last_modified = header(&resp, reqwest::header::LAST_MODIFIED);
        let url = resp.url().to_string();
        let mut bytes = Vec::new();
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    if bytes.len() + chunk.len() > limit {
                        return Err(format!("too large: {url} is over {limit} bytes"));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) => return Err(format!("cannot fetch {url}: {e}")),
            }
        }
        Ok(Fetched::Body {
            bytes,
            content_type,
            etag,
            last_modified,
        })
    }

    /// Polls every feed once (stopping early, between feeds, once `stop` turns true).
    pub async fn poll_round(
        &mut self,
        client: &IngestClient,
        stop: &watch::Receiver<bool>,
    ) -> Vec<FeedReport> {
        let mut reports = Vec::new();
        for url in self.config.feeds.clone() {
            if *stop.borrow() {
                break;
            }
            let report = self.poll_feed(&url, client).await;
            reports.push(report);
        }
        reports
    }

    /// Polls one feed: fetch (conditional), read, fetch pages, ingest the new items, remember.
    pub async fn poll_feed(&mut self, url: &str, client: &IngestClient) -> FeedReport {
        let mut report = FeedReport {
            url: url.to_owned(),
            ..Default::default()
        };
        let mut feed = self.state.feeds.get(url).cloned().unwrap_or_default();
        feed.last_polled = Some(chrono::Utc::now().to_rfc3339());
        let fetched = self
            .get(url, feed.etag.as_deref(), feed.last_modified.as_deref())
            .await;
        let (bytes, content_type, etag, last_modified) = match fetched {
            Ok(Fetched::NotModified) => {
                report.not_modified = true;
                feed.last_error = None;
                self.remember(url, feed);
                return report;
            }
            Ok(Fetched::Body {
                bytes,
                content_type,
                etag,
                last_modified,
            }) => (bytes, content_type, etag, last_modified),
            Err(error) => {
                report.summary.reject(&error);
                feed.last_error = Some(error.clone());
                report.error = Some(error);
                self.remember(url, feed);
                return report;
            }
        };
        let mut hints = Hints {
            format: Some(SourceFormat::Feed),
            charset: content_type.clone(),
            content_type,
            ..self.config.hints.clone()
        };
        let limits = self.config.limits.clone();
        let mut items = marsad_sources::read_bytes(&bytes, url, &hints, &limits);
        // A feed that does not parse is one error for the feed, identified by its URL.
        if let [Err(e)] = items.as_slice() {
            if e.item == url {
                let error = e.error.to_string();
                report.summary.reject(&error);
                feed.last_error = Some(error.clone());
                report.error = Some(error);
                self.remember(url, feed);
                return report;
            }
        }
        let seen: HashSet<&str> = feed.seen.iter().map(String::as_str).collect();
        let is_new = |key: &str| !seen.contains(key);
        let key_of = |item: &Result<marsad_sources::Article, marsad_sources::ItemError>| match item
        {
            Ok(a) => item_key(&a.source),
            Err(e) => item_key(&e.item),
        };
        report.items = items.len();
        if self.config.fetch_pages {
            let links: Vec<String> = items
                .iter()
                .filter(|i| is_new(&key_of(i)))
                .filter_map(|i| i.as_ref().ok().and_then(|a| a.url.clone()))
                .collect();
            let mut pages = HashMap::new();
            for link in links {
                match self.get(&link, None, None).await {
                    Ok(Fetched::Body {
                        bytes,
                        content_type,
                        ..
                    }) => {
                        let html = marsad_sources::decode(&bytes, content_type.as_deref()).text;
                        pages.insert(link, html);
                        report.pages_fetched += 1;
                    }
                    Ok(Fetched::NotModified) => {}
                    Err(error) => {
                        tracing::warn!(url = %link, error, "linked page not fetched; using the feed item");
                        report.pages_failed += 1;
                    }
                }
            }
            if !pages.is_empty() {
                hints.pages = pages;
                items = marsad_sources::read_bytes(&bytes, url, &hints, &limits);
            }
        }
        let fresh: Vec<_> = items
            .into_iter()
            .map(|i| (key_of(&i), i))
            .filter(|(k, _)| is_new(k))
            .collect();
        drop(seen);
        report.new_items = fresh.len();

        let mut acked: Vec<String> = Vec::new();
        let mut complete = true;
        let mut to_send: Vec<(String, v1::IngestArticleRequest)> = Vec::new();
        for (key, item) in fresh {
            match item {
                Ok(article) => to_send.push((key, request_from(article))),
                Err(e) => {
                    report.summary.reject(&e.error.to_string());
                    report
                        .unreadable
                        .push((e.item.clone(), e.error.to_string()));
                    // Refused for good: don't read it again.
                    acked.push(key);
                }
            }
        }
        let mut pending = to_send.into_iter().peekable();
        while pending.peek().is_some() {
            let chunk: Vec<_> = pending.by_ref().take(FOLLOW_BATCH).collect();
            let (keys, requests): (Vec<String>, Vec<_>) = chunk.into_iter().unzip();
            match client.ingest_batch(futures::stream::iter(requests)).await {
                Ok(response) => {
                    for (key, result) in keys.into_iter().zip(response.results) {
                        report.summary.record(&result);
                        let retry_later = result.outcome == v1::IngestOutcome::Rejected as i32
                            && result.error.contains("Unavailable");
                        if retry_later {
                            complete = false;
                        } else {
                            acked.push(key);
                        }
                        report.results.push(result);
                    }
                }
                Err(status) => {
                    complete = false;
                    let error = format!(
                        "the ingest service did not take the items: {}",
                        status.message()
                    );
                    for _ in &keys {
                        report.summary.reject(&format!("Unavailable: {error}"));
                    }
                    report.error = Some(error);
                    break;
                }
            }
        }
        feed.seen.extend(acked);
        let overflow = feed.seen.len().saturating_sub(self.config.max_seen);
        feed.seen.drain(..overflow);
        if complete {
            // Everything the feed held is in: the next poll may be conditional on this copy.
            feed.etag = etag;
            feed.last_modified = last_modified;
            feed.last_error = None;
        } else {
            feed.last_error = report.error.clone();
        }
        self.remember(url, feed);
        report
    }

    /// Stores a feed's state and writes the state file.
    fn remember(&mut self, url: &str, feed: FeedState) {
        self.state.feeds.insert(url.to_owned(), feed);
        if let Err(err) = self.state.save(&self.config.state_path) {
            tracing::error!(error = %err, "feed state not saved");
        }
    }

    /// Polls every `interval` until `stop` turns true (or once, with `once`); calls `on_report`
    /// after each feed. Returns the totals.
    pub async fn run(
        &mut self,
        client: &IngestClient,
        once: bool,
        mut stop: watch::Receiver<bool>,
        mut on_report: impl FnMut(&FeedReport),
    ) -> Summary {
        let mut total = Summary::default();
        loop {
            for report in self.poll_round(client, &stop).await {
                total.merge(&report.summary);
                on_report(&report);
            }
            if once || *stop.borrow() {
                return total;
            }
            tokio::select! {
                () = tokio::time::sleep(self.config.interval) => {}
                _ = stop.changed() => return total,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_round_trips_atomically() {
        let dir = std::env::temp_dir().join(format!("marsad-follow-{}", std::process::id()));
        let path = dir.join("sub").join("feeds.json");
        assert_eq!(FollowState::load(&path).unwrap(), FollowState::default());
        let mut state = FollowState::default();
        state.feeds.insert(
            "http://127.0.0.1/feed".into(),
            FeedState {
                etag: Some("\"v1\"".into()),
                seen: vec![item_key("http://127.0.0.1/a")],
                ..Default::default()
            },
        );
        state.save(&path).unwrap();
        assert_eq!(FollowState::load(&path).unwrap(), state);
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
        std::fs::write(&path, b"{broken").unwrap();
        assert!(FollowState::load(&path).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn keys_and_backoff() {
        assert_eq!(item_key(" x "), item_key("x"));
        assert_eq!(item_key("x").len(), 32);
        assert!(backoff(Duration::from_millis(100), 0) < Duration::from_millis(130));
        assert!(backoff(Duration::from_millis(100), 3) >= Duration::from_millis(800));
        assert!(backoff(Duration::from_secs(10), 20) <= Duration::from_secs(60));
    }
}
