//! Typed errors: [`SourceError`] says what is wrong with one input or item, [`ItemError`] says
//! which item of which input it was. Every bad input becomes one of these, never a panic.

use std::fmt;

/// What is wrong with an input or with one item of it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    /// Nothing left once whitespace and page furniture are removed.
    #[error("empty: no text left after removing whitespace and page furniture")]
    Empty,
    /// An input or an article's text is over a size limit (see [`crate::Limits`]).
    #[error("too large: {what} is {size} bytes, limit {limit}")]
    TooLarge {
        /// `"text"` (the article's text) or `"input"` (the raw bytes of one file/page/feed/batch).
        what: &'static str,
        /// Observed size in bytes (for `input` read from disk: the file size).
        size: usize,
        /// The limit in force.
        limit: usize,
    },
    /// The bytes are not text: a high share of NULs / control characters / undecodable bytes.
    #[error("binary content: {percent}% control or undecodable characters")]
    Binary {
        /// Share of the sample that is control characters or undecodable, in percent.
        percent: u8,
    },
    /// The input does not parse as the format it claims or was sniffed to be.
    #[error("malformed {format}: {reason}")]
    Malformed {
        /// `"json"`, `"feed"`, `"html"`, ...
        format: &'static str,
        /// Parser message, shortened.
        reason: String,
    },
    /// XML that declares entities (a DTD with `<!ENTITY`): refused, so entity-expansion attacks
    /// ("billion laughs", external entities) can neither blow up memory nor read files.
    #[error("unsafe XML: {reason}")]
    UnsafeXml {
        /// What was found.
        reason: String,
    },
    /// A feed or batch holds more items than [`crate::Limits::max_items`], or a directory more
    /// files than [`crate::Limits::max_files`]: the first `limit` were read, the rest were not.
    #[error("too many items: only the first {limit} were read")]
    TooManyItems {
        /// The limit in force.
        limit: usize,
    },
    /// Reading a file or directory failed.
    #[error("I/O error on {path}: {message}")]
    Io {
        /// The path.
        path: String,
        /// The OS message.
        message: String,
    },
}

/// A [`SourceError`] for one item: which input (`origin`) and which item of it (`item`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemError {
    /// The input the item came from: file path, URL, or the caller's label.
    pub origin: String,
    /// The item: a JSON Lines `id` (or `line N` when the line has none), a feed item's link or
    /// id, or the origin itself for single-article inputs.
    pub item: String,
    /// 1-based line number, for JSON Lines.
    pub line: Option<usize>,
    /// What went wrong.
    pub error: SourceError,
}

impl ItemError {
    pub(crate) fn new(origin: &str, item: impl Into<String>, error: SourceError) -> Self {
        Self {
            origin: origin.to_string(),
            item: item.into(),
            line: None,
            error,
        }
    }
}

impl fmt::Display for ItemError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.origin)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if self.item != self.origin {
            write!(f, " [{}]", self.item)?;
        }
        write!(f, ": {}", self.error)
    }
}

impl std::error::Error for ItemError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}

/// Shortens a parser message for an error (keeps errors small when a parser quotes its input).
pub(crate) fn short(msg: impl fmt::Display) -> String {
    let s = msg.to_string();
    if s.chars().count() <= 200 {
        s
    } else {
        let mut t: String = s.chars().take(200).collect();
        t.push('…');
        t
    }
}
