//! Input dispatch: format sniffing, [`read_bytes`] and [`read_path`] (files and directory
//! walks), plain-text and JSON Lines items, and the common last step that turns a draft into an
//! [`Article`] (limits, emptiness, binary check, language, dates).

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

use crate::decode::{check_not_binary, decode, Decoded};
use crate::error::{short, ItemError, SourceError};
use crate::furniture::strip_furniture;
use crate::lang::{detect_language, normalize_lang_tag};
use crate::normalize::line_key;
use crate::{Article, Hints, Limits, SourceFormat};

/// An article before limits, language and dates are settled.
#[derive(Debug, Default)]
pub(crate) struct Draft {
    pub source: String,
    pub title: Option<String>,
    pub text: String,
    /// Language the document declares (`<html lang>`, `og:locale`, feed language).
    pub declared_lang: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub published: Option<NaiveDate>,
    pub author: Option<String>,
    pub url: Option<String>,
    pub warnings: Vec<String>,
    /// The item's own language (a batch line's `lang`): wins over the caller's hint.
    pub lang: Option<String>,
    /// The item's own date (a batch line's `published`): wins over the caller's hint.
    pub item_published: Option<NaiveDate>,
}

/// Where a draft came from: the input and how it was decoded.
#[derive(Debug, Clone)]
pub(crate) struct Ctx<'a> {
    pub origin: &'a str,
    pub hints: &'a Hints,
    pub limits: &'a Limits,
    pub format: SourceFormat,
    pub encoding: &'static str,
    pub invalid_bytes: usize,
    pub warnings: Vec<String>,
}

impl<'a> Ctx<'a> {
    pub fn new(
        origin: &'a str,
        hints: &'a Hints,
        limits: &'a Limits,
        format: SourceFormat,
    ) -> Self {
        Self {
            origin,
            hints,
            limits,
            format,
            encoding: "UTF-8",
            invalid_bytes: 0,
            warnings: Vec::new(),
        }
    }

    pub fn with_decoded(mut self, d: &Decoded) -> Self {
        self.encoding = d.encoding;
        self.invalid_bytes = d.invalid_bytes;
        self.warnings.extend(d.warnings.iter().cloned());
        if d.invalid_bytes > 0 {
            self.warnings.push(format!(
                "{} invalid byte(s) in {} input replaced by U+FFFD",
                d.invalid_bytes, d.encoding
            ));
        }
        self
    }

    pub fn item_error(&self, item: impl Into<String>, error: SourceError) -> ItemError {
        ItemError::new(self.origin, item, error)
    }
}

/// Parses a publication date or time as sources write it: RFC 3339, RFC 2822, ISO 8601 without
/// zone (taken as UTC), `YYYY-MM-DD HH:MM[:SS]`, or a leading `YYYY-MM-DD`.
pub(crate) fn parse_when(s: &str) -> (Option<DateTime<Utc>>, Option<NaiveDate>) {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        let t = t.with_timezone(&Utc);
        return (Some(t), Some(t.date_naive()));
    }
    if let Ok(t) = DateTime::parse_from_rfc2822(s) {
        let t = t.with_timezone(&Utc);
        return (Some(t), Some(t.date_naive()));
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%z",
        "%Y-%m-%dT%H:%M%z",
        "%Y-%m-%d %H:%M:%S%z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(s, f) {
            let t = t.with_timezone(&Utc);
            return (Some(t), Some(t.date_naive()));
        }
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return (Some(t.and_utc()), Some(t.date()));
        }
    }
    let date = s
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    (None, date)
}

/// Settles a draft into an article: size limit, emptiness, binary check, language (caller's
/// hint, else detection, else the declared language) and date (caller's hint first).
pub(crate) fn finish(mut d: Draft, ctx: &Ctx<'_>) -> Result<Article, SourceError> {
    if d.text.trim().is_empty() {
        return Err(SourceError::Empty);
    }
    if d.text.len() > ctx.limits.max_bytes {
        return Err(SourceError::TooLarge {
            what: "text",
            size: d.text.len(),
            limit: ctx.limits.max_bytes,
        });
    }
    check_not_binary(&d.text)?;
    let mut warnings = ctx.warnings.clone();
    warnings.append(&mut d.warnings);

    let detected = detect_language(&d.text);
    let declared = d.declared_lang.as_deref().and_then(normalize_lang_tag);
    let hinted = ctx.hints.lang.as_deref().and_then(|l| {
        let n = normalize_lang_tag(l);
        if n.is_none() {
            warnings.push(format!(
                "language hint {l:?} is not an ISO 639-1 code; ignored"
            ));
        }
        n
    });
    let lang = match (d.lang.take().or(hinted), declared) {
        (Some(h), _) => h,
        (None, Some(decl)) if detected == "und" => decl,
        (None, Some(decl)) => {
            if decl != detected && decl != "und" {
                warnings.push(format!(
                    "document declares language {decl:?}, text reads as {detected:?}"
                ));
            }
            detected
        }
        (None, None) => detected,
    };

    let mut published = d.published.or(d.published_at.map(|t| t.date_naive()));
    if let Some(date) = d.item_published {
        published = Some(date);
    } else if let Some(p) = ctx.hints.published.as_deref() {
        match NaiveDate::parse_from_str(p.trim(), "%Y-%m-%d") {
            Ok(date) => published = Some(date),
            Err(_) => warnings.push(format!("published hint {p:?} is not YYYY-MM-DD; ignored")),
        }
    }

    Ok(Article {
        source: if d.source.is_empty() {
            ctx.origin.to_string()
        } else {
            d.source
        },
        origin: ctx.origin.to_string(),
        source_name: ctx.hints.source_name.clone(),
        format: ctx.format,
        title: d
            .title
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty()),
        text: d.text,
        lang,
        published,
        published_at: d.published_at,
        author: d
            .author
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty()),
        url: d.url,
        encoding: ctx.encoding,
        invalid_bytes: ctx.invalid_bytes,
        warnings,
    })
}

/// Guesses the format: from `content_type`, then the extension of `path_or_url`, then the first
/// bytes (XML feed roots, HTML tags, a JSON object on the first line); plain text otherwise.
pub fn sniff(bytes: &[u8], path_or_url: Option<&str>, content_type: Option<&str>) -> SourceFormat {
    let head = sniff_head(bytes);
    let looks_html = || {
        [
            "<!doctype html",
            "<html",
            "<head",
            "<body",
            "<div",
            "<p>",
            "<p ",
            "<article",
            "<meta",
            "<title",
        ]
        .iter()
        .any(|t| head.contains(t))
    };
    let looks_feed = || {
        ["<rss", "<feed", "<rdf:rdf", "<channel"]
            .iter()
            .any(|t| head.contains(t))
    };
    if let Some(ct) = content_type {
        let mime = ct
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match mime.as_str() {
            "text/html" | "application/xhtml+xml" => return SourceFormat::Html,
            "application/rss+xml" | "application/atom+xml" | "application/rdf+xml" => {
                return SourceFormat::Feed
            }
            "application/x-ndjson"
            | "application/ndjson"
            | "application/jsonl"
            | "application/x-jsonlines"
            | "application/jsonlines" => return SourceFormat::JsonLines,
            "text/plain" => return SourceFormat::Text,
            "application/xml" | "text/xml" => {
                return if looks_html() && !looks_feed() {
                    SourceFormat::Html
                } else {
                    SourceFormat::Feed
                }
            }
            _ => {}
        }
    }
    if let Some(p) = path_or_url {
        let p = p.split(['?', '#']).next().unwrap_or(p);
        let name = p.rsplit(['/', '\\']).next().unwrap_or(p);
        if let Some((_, ext)) = name.rsplit_once('.') {
            match ext.to_ascii_lowercase().as_str() {
                "html" | "htm" | "xhtml" | "shtml" | "php" | "asp" | "aspx" => {
                    return SourceFormat::Html
                }
                "rss" | "atom" | "rdf" => return SourceFormat::Feed,
                "jsonl" | "ndjson" => return SourceFormat::JsonLines,
                "txt" | "text" => return SourceFormat::Text,
                "xml" => {
                    return if looks_html() && !looks_feed() {
                        SourceFormat::Html
                    } else {
                        SourceFormat::Feed
                    }
                }
                _ => {}
            }
        }
    }
    let start = head.trim_start();
    if start.starts_with("<?xml") {
        return if looks_feed() || !looks_html() {
            SourceFormat::Feed
        } else {
            SourceFormat::Html
        };
    }
    if looks_feed() && start.starts_with('<') {
        return SourceFormat::Feed;
    }
    if start.starts_with('<') && looks_html() {
        return SourceFormat::Html;
    }
    if start.starts_with('{') {
        let first = start.lines().next().unwrap_or("");
        if serde_json::from_str::<serde_json::Value>(first).is_ok_and(|v| v.is_object()) {
            return SourceFormat::JsonLines;
        }
    }
    if looks_html() && head.matches('<').count() >= 3 {
        return SourceFormat::Html;
    }
    SourceFormat::Text
}

/// The first ~2 KiB as lowercase text (UTF-16 with a BOM decoded), BOM removed.
fn sniff_head(bytes: &[u8]) -> String {
    let (enc, bom_len) = encoding_rs::Encoding::for_bom(bytes).unwrap_or((encoding_rs::UTF_8, 0));
    let end = bytes.len().min(bom_len + 4096);
    let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..end]);
    text.to_lowercase()
}

/// Reads one input of any format (sniffed with [`sniff`] unless [`Hints::format`] is set):
/// one `Result` per item (one for a page or a text, one per feed item or batch line). `origin`
/// names the input (path, URL or label); an `http(s)` origin is the page's URL.
pub fn read_bytes(
    bytes: &[u8],
    origin: &str,
    hints: &Hints,
    limits: &Limits,
) -> Vec<Result<Article, ItemError>> {
    if bytes.len() > limits.max_input_bytes {
        let e = SourceError::TooLarge {
            what: "input",
            size: bytes.len(),
            limit: limits.max_input_bytes,
        };
        return vec![Err(ItemError::new(origin, origin, e))];
    }
    let format = hints
        .format
        .unwrap_or_else(|| sniff(bytes, Some(origin), hints.content_type.as_deref()));
    match format {
        SourceFormat::Feed => crate::feed::feed_items(bytes, origin, hints, limits),
        SourceFormat::JsonLines => jsonl_items(bytes, origin, hints, limits),
        SourceFormat::Text | SourceFormat::Html => {
            let decoded = decode(bytes, hints.charset.as_deref());
            let ctx = Ctx::new(origin, hints, limits, format).with_decoded(&decoded);
            let result = if format == SourceFormat::Html {
                let url = (origin.starts_with("http://") || origin.starts_with("https://"))
                    .then_some(origin);
                crate::html::html_draft(&decoded.text, url, limits).and_then(|d| finish(d, &ctx))
            } else {
                text_article(&decoded.text, &ctx)
            };
            vec![result.map_err(|e| ctx.item_error(origin, e))]
        }
    }
}

/// A plain-text article: furniture stripped; the title is the caller's, or a first line that is
/// repeated right below itself.
fn text_article(text: &str, ctx: &Ctx<'_>) -> Result<Article, SourceError> {
    check_not_binary(text)?;
    let title = ctx.hints.title.clone().or_else(|| {
        let mut it = text.lines().map(str::trim).filter(|l| !l.is_empty());
        let first = it.next()?;
        let second = it.next()?;
        (first.chars().count() <= 300
            && line_key(first) == line_key(second)
            && !line_key(first).is_empty())
        .then(|| first.to_string())
    });
    let cleaned = strip_furniture(text, title.as_deref());
    finish(
        Draft {
            text: cleaned,
            title,
            ..Draft::default()
        },
        ctx,
    )
}

/// JSON Lines in the batch form; one result per non-blank line.
fn jsonl_items(
    bytes: &[u8],
    origin: &str,
    hints: &Hints,
    limits: &Limits,
) -> Vec<Result<Article, ItemError>> {
    let decoded = decode(bytes, hints.charset.as_deref().or(Some("utf-8")));
    let base = Ctx::new(origin, hints, limits, SourceFormat::JsonLines);
    let mut out = Vec::new();
    let mut items = 0usize;
    for (i, raw) in decoded.text.split('\n').enumerate() {
        let line_no = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim().is_empty() {
            continue;
        }
        if items == limits.max_items {
            let mut e = ItemError::new(
                origin,
                format!("line {line_no}"),
                SourceError::TooManyItems {
                    limit: limits.max_items,
                },
            );
            e.line = Some(line_no);
            out.push(Err(e));
            break;
        }
        items += 1;
        let (item, result) = jsonl_line(line, line_no, &base, &decoded);
        out.push(result.map_err(|error| ItemError {
            origin: origin.to_string(),
            item,
            line: Some(line_no),
            error,
        }));
    }
    out
}

fn jsonl_line(
    line: &str,
    line_no: usize,
    base: &Ctx<'_>,
    decoded: &Decoded,
) -> (String, Result<Article, SourceError>) {
    let fallback = format!("line {line_no}");
    let malformed = |reason: String| SourceError::Malformed {
        format: "json",
        reason,
    };
    let value: serde_json::Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => return (fallback, Err(malformed(short(e)))),
    };
    let Some(obj) = value.as_object() else {
        return (
            fallback,
            Err(malformed("a line must be a JSON object".into())),
        );
    };
    let id = match obj.get("id") {
        Some(serde_json::Value::String(s)) if !s.is_empty() => s.clone(),
        Some(serde_json::Value::Number(n)) => n.to_string(),
        _ => return (fallback, Err(malformed("missing or empty \"id\"".into()))),
    };
    let opt_str = |k: &str| -> Result<Option<String>, SourceError> {
        match obj.get(k) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(malformed(format!("\"{k}\" must be a string"))),
        }
    };
    let result = (|| {
        let text = opt_str("text")?.ok_or_else(|| malformed("missing \"text\"".into()))?;
        let title = opt_str("title")?;
        let published = match opt_str("published")? {
            None => None,
            Some(p) => Some(
                NaiveDate::parse_from_str(p.trim(), "%Y-%m-%d")
                    .map_err(|_| malformed(format!("\"published\" {p:?} is not YYYY-MM-DD")))?,
            ),
        };
        let lang = match opt_str("lang")? {
            None => None,
            Some(l) => Some(
                normalize_lang_tag(&l)
                    .ok_or_else(|| malformed(format!("\"lang\" {l:?} is not a language code")))?,
            ),
        };
        let mut ctx = base.clone();
        ctx.encoding = decoded.encoding;
        let bad = if decoded.invalid_bytes > 0 {
            text.matches('\u{FFFD}').count()
        } else {
            0
        };
        if bad > 0 {
            ctx.invalid_bytes = bad;
            ctx.warnings.push(format!(
                "{bad} invalid byte sequence(s) in the batch line replaced by U+FFFD"
            ));
        }
        let text = if base.hints.clean_jsonl {
            strip_furniture(&text, title.as_deref())
        } else {
            text
        };
        finish(
            Draft {
                source: id.clone(),
                title,
                text,
                lang,
                item_published: published,
                ..Draft::default()
            },
            &ctx,
        )
    })();
    (id, result)
}

/// Reads a file, or a directory tree (recursive, sorted by path, hidden entries skipped,
/// symlinked directories not followed), one `Result` per item of every file.
pub fn read_path(path: &Path, hints: &Hints, limits: &Limits) -> Vec<Result<Article, ItemError>> {
    let shown = path.display().to_string();
    let io = |p: &Path, e: std::io::Error| {
        let s = p.display().to_string();
        ItemError::new(
            &s,
            &s,
            SourceError::Io {
                path: s.clone(),
                message: e.to_string(),
            },
        )
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return vec![Err(io(path, e))],
    };
    if !meta.is_dir() {
        return read_file(path, meta.len(), hints, limits);
    }
    let mut files: Vec<(PathBuf, u64)> = Vec::new();
    let mut errors = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    let mut truncated = false;
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(it) => it,
            Err(e) => {
                errors.push(Err(io(&dir, e)));
                continue;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    errors.push(Err(io(&dir, e)));
                    continue;
                }
            };
            if entry.file_name().to_string_lossy().starts_with('.') {
                continue;
            }
            let p = entry.path();
            let Ok(ft) = entry.file_type() else { continue };
            if ft.is_dir() {
                stack.push(p);
            } else if let Ok(m) = std::fs::metadata(&p) {
                // Symlinks to files are read; symlinks to directories are not followed.
                if m.is_file() {
                    if files.len() == limits.max_files {
                        truncated = true;
                        break;
                    }
                    files.push((p, m.len()));
                }
            }
        }
        if truncated {
            break;
        }
    }
    files.sort();
    let mut out: Vec<Result<Article, ItemError>> = Vec::new();
    for (p, len) in &files {
        out.extend(read_file(p, *len, hints, limits));
    }
    out.extend(errors);
    if truncated {
        out.push(Err(ItemError::new(
            &shown,
            &shown,
            SourceError::TooManyItems {
                limit: limits.max_files,
            },
        )));
    }
    out
}

fn read_file(
    path: &Path,
    len: u64,
    hints: &Hints,
    limits: &Limits,
) -> Vec<Result<Article, ItemError>> {
    let shown = path.display().to_string();
    if len > limits.max_input_bytes as u64 {
        let e = SourceError::TooLarge {
            what: "input",
            size: usize::try_from(len).unwrap_or(usize::MAX),
            limit: limits.max_input_bytes,
        };
        return vec![Err(ItemError::new(&shown, &shown, e))];
    }
    match std::fs::read(path) {
        Ok(bytes) => read_bytes(&bytes, &shown, hints, limits),
        Err(e) => vec![Err(ItemError::new(
            &shown,
            &shown,
            SourceError::Io {
                path: shown.clone(),
                message: e.to_string(),
            },
        ))],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing() {
        assert_eq!(
            sniff(b"<?xml version=\"1.0\"?><rss>", None, None),
            SourceFormat::Feed
        );
        assert_eq!(
            sniff(b"<!DOCTYPE html><html>", None, None),
            SourceFormat::Html
        );
        assert_eq!(
            sniff(b"{\"id\":\"1\",\"text\":\"x\"}\n", None, None),
            SourceFormat::JsonLines
        );
        assert_eq!(sniff("نص عادي".as_bytes(), None, None), SourceFormat::Text);
        assert_eq!(
            sniff(b"x", Some("https://a.b/c.html?x=1"), None),
            SourceFormat::Html
        );
        assert_eq!(
            sniff(b"x", None, Some("application/atom+xml; charset=utf-8")),
            SourceFormat::Feed
        );
    }

    #[test]
    fn dates() {
        let (t, d) = parse_when("2025-11-11T09:30:00+03:00");
        assert_eq!(
            t.map(|t| t.to_rfc3339()),
            Some("2025-11-11T06:30:00+00:00".into())
        );
        assert_eq!(d, NaiveDate::from_ymd_opt(2025, 11, 11));
        let (t, d) = parse_when("2025-11-11");
        assert!(t.is_none());
        assert_eq!(d, NaiveDate::from_ymd_opt(2025, 11, 11));
        let (t, _) = parse_when("Tue, 11 Nov 2025 09:30:00 GMT");
        assert!(t.is_some());
    }
}
