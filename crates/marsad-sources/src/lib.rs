//! # marsad-sources
//!
//! Marsad's sources library: raw bytes in, clean [`Article`]s out. Pure library, no network,
//! no global state. The ingest service and the `marsad ingest` CLI call it.
//!
//! ## Inputs ([`SourceFormat`])
//! - **Text**: plain text; page furniture removed ([`strip_furniture`]); a first line repeated
//!   right below itself is taken as the title.
//! - **Html**: a page; main text by readability (`dom_smoothie`) after dropping navigation,
//!   share bars, read-also / related / comment blocks; title, publication time, author,
//!   canonical URL and language from JSON-LD (`NewsArticle` ...), OpenGraph and `<meta>`
//!   ([`html_article`]).
//! - **Feed**: RSS 2.0 / Atom / RSS 1.0; one article per item, from the item's page when the
//!   caller supplies it (url → html in [`Hints::pages`]), else from its content or summary
//!   ([`parse_feed`]).
//! - **JsonLines**: the batch form `{"id","text","title"?,"published"? YYYY-MM-DD,"lang"? ar|en}`;
//!   `id` becomes [`Article::source`]; the text is kept verbatim (offsets of the batch contract
//!   refer to it) unless [`Hints::clean_jsonl`]; a malformed line is an [`ItemError`] for that
//!   line and the rest go through.
//! - **Directories** ([`read_path`]): recursive, sorted by name, hidden files and directories
//!   skipped, symlinked directories not followed.
//!
//! ## Entry points
//! - [`read_bytes`] / [`read_path`]: any input, format sniffed ([`sniff`]) or given in
//!   [`Hints::format`]; one `Result` per item, never a panic.
//! - [`decode`]: charset detection (hint, BOM, `<meta>`, XML declaration, `chardetng`) and
//!   decoding that reports the count of invalid bytes ([`Article::invalid_bytes`] + a warning).
//! - [`detect_language`], [`strip_furniture`], [`normalize`].
//! - Duplicates: [`content_hash`] (SHA-256 of normalised text), [`simhash`] +
//!   [`is_near_duplicate`] / [`hamming`].
//!
//! ## Offsets
//! [`Article::text`] is final: cleaning happens before it is returned and nothing here changes
//! it afterwards, so character offsets computed on it stay valid once it is stored.
//!
//! ## Limits and hostile input ([`Limits`], [`SourceError`])
//! Text over `max_bytes` (2 MiB), inputs over `max_input_bytes`, empty bodies, binary junk,
//! malformed JSON/feeds, XML with entity declarations (billion laughs), HTML nested deeper than
//! `max_html_depth` (read by tag stripping, no recursion), too many items: each is a typed error
//! for the item concerned.

mod decode;
mod dedup;
mod error;
mod feed;
mod furniture;
mod html;
mod lang;
mod normalize;
mod read;

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

pub use decode::{decode, CharsetSource, Decoded};
pub use dedup::{
    content_hash, hamming, is_near_duplicate, signatures, simhash, NEAR_DUPLICATE_MAX_DISTANCE,
};
pub use error::{ItemError, SourceError};
pub use feed::parse_feed;
pub use furniture::strip_furniture;
pub use html::{html_article, html_to_text};
pub use lang::{detect_language, normalize_lang_tag};
pub use normalize::normalize;
pub use read::{read_bytes, read_path, sniff};

/// Size and count limits. `Limits::default()` is what the service uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Maximum size of one article's text, in UTF-8 bytes (default 2 MiB).
    pub max_bytes: usize,
    /// Maximum size of one raw input: a file, a page, a feed, a batch (default 64 MiB).
    pub max_input_bytes: usize,
    /// Maximum number of items read from one feed or batch (default 100 000).
    pub max_items: usize,
    /// Maximum number of files read from one directory tree (default 100 000).
    pub max_files: usize,
    /// HTML nested deeper than this is read by tag stripping instead of a DOM (default 512).
    pub max_html_depth: usize,
    /// HTML with more elements than this is read by tag stripping instead of readability
    /// (default 200 000).
    pub max_html_elements: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_bytes: 2 << 20,
            max_input_bytes: 64 << 20,
            max_items: 100_000,
            max_files: 100_000,
            max_html_depth: 512,
            max_html_elements: 200_000,
        }
    }
}

/// What an input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SourceFormat {
    /// Plain text.
    Text,
    /// An HTML page.
    Html,
    /// An RSS or Atom feed.
    Feed,
    /// JSON Lines in the batch form.
    JsonLines,
}

impl SourceFormat {
    /// `"text"`, `"html"`, `"feed"`, `"jsonl"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Html => "html",
            Self::Feed => "feed",
            Self::JsonLines => "jsonl",
        }
    }
}

/// What the caller knows about an input. All optional; `Hints::default()` knows nothing.
#[derive(Debug, Clone, Default)]
pub struct Hints {
    /// Language given by the caller (`"ar"`, `"en"`, ...): wins over detection.
    pub lang: Option<String>,
    /// Publication date given by the caller, `YYYY-MM-DD`: wins over the source's own.
    pub published: Option<String>,
    /// Charset from the HTTP header (a label or a whole `Content-Type` value).
    pub charset: Option<String>,
    /// `Content-Type` of the input, used by [`sniff`].
    pub content_type: Option<String>,
    /// Name of the source (outlet, feed name), copied to [`Article::source_name`].
    pub source_name: Option<String>,
    /// Title given by the caller (plain text inputs): removed where repeated at the top.
    pub title: Option<String>,
    /// Force the format instead of sniffing it.
    pub format: Option<SourceFormat>,
    /// Pages the caller already has, url → HTML: a feed item linking to one is read from it.
    pub pages: HashMap<String, String>,
    /// Also strip furniture from JSON Lines texts (default: keep them verbatim).
    pub clean_jsonl: bool,
}

/// One clean article.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    /// The item: JSON Lines `id`, feed item link (or id), or the origin for single inputs.
    pub source: String,
    /// The input it came from: file path, URL or the caller's label.
    pub origin: String,
    /// [`Hints::source_name`].
    pub source_name: Option<String>,
    /// Format of the input it came from.
    pub format: SourceFormat,
    /// Title, if any.
    pub title: Option<String>,
    /// The cleaned text: final, offsets refer to it. Never empty.
    pub text: String,
    /// `"ar"`, `"en"`, another ISO 639-1 code, or `"und"`.
    pub lang: String,
    /// Publication date (the caller's, else the date of `published_at`, else the source's).
    pub published: Option<NaiveDate>,
    /// Publication time, when the source gives one with a time.
    pub published_at: Option<DateTime<Utc>>,
    /// Author(s), comma-separated.
    pub author: Option<String>,
    /// Canonical URL: `<link rel=canonical>`, `og:url`, JSON-LD `url`, the feed item's link, or
    /// the URL the page was fetched from.
    pub url: Option<String>,
    /// Encoding the bytes were decoded with (`"UTF-8"`, `"windows-1256"`, ...).
    pub encoding: &'static str,
    /// Bytes that could not be decoded (replaced by U+FFFD, also reported in `warnings`).
    pub invalid_bytes: usize,
    /// Anything the caller should know: invalid bytes, fallbacks, overruled hints.
    pub warnings: Vec<String>,
}

impl Article {
    /// [`content_hash`] of the text.
    pub fn content_hash(&self) -> [u8; 32] {
        content_hash(&self.text)
    }

    /// [`simhash`] of the text.
    pub fn simhash(&self) -> u64 {
        simhash(&self.text)
    }
}
