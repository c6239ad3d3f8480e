//! RSS 2.0 / Atom / RSS 1.0 feeds through `feed-rs`: one article per item, from the item's page
//! when the caller supplies it (url → html), else from the item's content or summary. XML that
//! declares entities is refused before parsing (no entity expansion, no external entities).

use std::collections::HashMap;

use feed_rs::model::{Entry, Text};

use crate::decode::{check_not_binary, decode};
use crate::error::short;
use crate::furniture::strip_furniture;
use crate::html::{html_draft, html_to_text};
use crate::read::{finish, Ctx, Draft};
use crate::{Article, Hints, ItemError, Limits, SourceError, SourceFormat};

/// Parses a feed and reads its items. `pages` maps item links to HTML the caller already
/// fetched; those items are read from their page. The outer error is for the feed as a whole
/// (too large, binary, unsafe or malformed XML); inner errors are per item (empty, too large,
/// too many items), identified by the item's link or id.
pub fn parse_feed(
    bytes: &[u8],
    pages: &HashMap<String, String>,
    limits: &Limits,
) -> Result<Vec<Result<Article, ItemError>>, SourceError> {
    parse_with(bytes, "feed", &Hints::default(), pages, limits)
}

pub(crate) fn feed_items(
    bytes: &[u8],
    origin: &str,
    hints: &Hints,
    limits: &Limits,
) -> Vec<Result<Article, ItemError>> {
    parse_with(bytes, origin, hints, &hints.pages, limits)
        .unwrap_or_else(|e| vec![Err(ItemError::new(origin, origin, e))])
}

/// Refuses a DOCTYPE that declares entities (billion laughs, external entities).
fn check_no_entities(text: &str) -> Result<(), SourceError> {
    let head_end = text
        .char_indices()
        .find(|&(i, c)| c == '<' && text[i + 1..].starts_with(|c: char| c.is_alphabetic()))
        .map_or(text.len(), |(i, _)| i);
    let prolog = text[..head_end].to_ascii_uppercase();
    if prolog.contains("<!ENTITY") {
        return Err(SourceError::UnsafeXml {
            reason: "the DTD declares entities".into(),
        });
    }
    Ok(())
}

fn parse_with(
    bytes: &[u8],
    origin: &str,
    hints: &Hints,
    pages: &HashMap<String, String>,
    limits: &Limits,
) -> Result<Vec<Result<Article, ItemError>>, SourceError> {
    if bytes.len() > limits.max_input_bytes {
        return Err(SourceError::TooLarge {
            what: "input",
            size: bytes.len(),
            limit: limits.max_input_bytes,
        });
    }
    let decoded = decode(bytes, hints.charset.as_deref());
    check_not_binary(&decoded.text)?;
    check_no_entities(&decoded.text)?;
    // The text is UTF-8 now: replace the declaration so the parser does not re-decode it.
    let mut xml = decoded.text.trim_start_matches('\u{FEFF}').trim_start();
    if xml.starts_with("<?xml") {
        xml = xml.find("?>").map_or(xml, |e| &xml[e + 2..]);
    }
    let feed = feed_rs::parser::parse(xml.as_bytes()).map_err(|e| SourceError::Malformed {
        format: "feed",
        reason: short(e),
    })?;
    let ctx = Ctx::new(origin, hints, limits, SourceFormat::Feed).with_decoded(&decoded);
    let mut out = Vec::with_capacity(feed.entries.len().min(limits.max_items));
    for (i, entry) in feed.entries.iter().enumerate() {
        if i == limits.max_items {
            out.push(Err(ctx.item_error(
                format!("items after {}", limits.max_items),
                SourceError::TooManyItems {
                    limit: limits.max_items,
                },
            )));
            break;
        }
        let (item, result) = entry_article(entry, feed.language.as_deref(), pages, &ctx);
        out.push(result.map_err(|e| ctx.item_error(item, e)));
    }
    Ok(out)
}

/// Plain text of a feed text construct (HTML converted, entities decoded).
fn text_of(t: &Text) -> String {
    let s = t.content.trim();
    if t.content_type.to_string().contains("html") || (s.contains('<') && s.contains('>')) {
        html_to_text(s)
    } else {
        s.to_string()
    }
}

fn entry_article(
    entry: &Entry,
    feed_lang: Option<&str>,
    pages: &HashMap<String, String>,
    ctx: &Ctx<'_>,
) -> (String, Result<Article, SourceError>) {
    let link = entry
        .links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .or_else(|| entry.links.first())
        .map(|l| l.href.trim().to_string())
        .filter(|l| !l.is_empty());
    let item = link.clone().unwrap_or_else(|| entry.id.clone());
    let title = entry.title.as_ref().map(text_of).filter(|t| !t.is_empty());
    let published_at = entry.published.or(entry.updated);
    let names: Vec<String> = entry
        .authors
        .iter()
        .filter_map(|p| p.name.clone())
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .collect();
    let author = (!names.is_empty()).then(|| names.join(", "));

    let mut warnings = Vec::new();
    let page = link.as_ref().and_then(|l| pages.get(l).map(|p| (l, p)));
    if let Some((l, html)) = page {
        match html_draft(html, Some(l), ctx.limits) {
            Ok(mut d) => {
                d.source = item.clone();
                d.title = d.title.or(title);
                if d.published_at.is_none() && d.published.is_none() {
                    d.published_at = published_at;
                }
                d.author = d.author.or(author);
                d.url = d.url.or(link);
                d.declared_lang = d.declared_lang.or(feed_lang.map(str::to_string));
                return (item, finish(d, ctx));
            }
            Err(e) => warnings.push(format!("linked page unusable ({e}); used the feed item")),
        }
    }
    let body = entry
        .content
        .as_ref()
        .and_then(|c| c.body.as_deref())
        .filter(|b| !b.trim().is_empty())
        .map(|b| {
            if b.contains('<') {
                html_to_text(b)
            } else {
                b.trim().to_string()
            }
        })
        .or_else(|| entry.summary.as_ref().map(text_of))
        .unwrap_or_default();
    let text = strip_furniture(&body, title.as_deref());
    let draft = Draft {
        source: item.clone(),
        title,
        text,
        declared_lang: feed_lang.map(str::to_string),
        published_at,
        author,
        url: link,
        warnings,
        ..Draft::default()
    };
    (item, finish(draft, ctx))
}
