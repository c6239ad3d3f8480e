//! HTML pages: metadata (JSON-LD `NewsArticle`/`Article`, OpenGraph, `<meta>`, canonical link,
//! `<html lang>`), furniture elements dropped (navigation, share bars, read-also / related /
//! suggested / comment blocks, ads, footers), main text by readability (`dom_smoothie`), then
//! line-level [`strip_furniture`]. Pages nested deeper than [`Limits::max_html_depth`] or with
//! more than [`Limits::max_html_elements`] elements are read by a flat tag stripper instead, so
//! hostile nesting cannot overflow the stack. All tree walks here are iterative.

use dom_query::{Document, NodeRef};
use dom_smoothie::{Config, Readability, ReadabilityError, TextMode};
use serde_json::Value;

use crate::furniture::strip_furniture;
use crate::read::{finish, parse_when, Ctx, Draft};
use crate::{Article, Hints, Limits, SourceError, SourceFormat};

/// Elements that are page furniture, removed before readability runs.
const FURNITURE_SELECTORS: &[&str] = &[
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "svg",
    "canvas",
    "form",
    "button",
    "select",
    "textarea",
    "nav",
    "aside",
    "footer",
    "body > header",
    "[role=navigation]",
    "[role=banner]",
    "[role=contentinfo]",
    "[role=complementary]",
    "[role=search]",
    "[hidden]",
    "[aria-hidden=true]",
    ".share",
    ".sharing",
    ".social",
    "[class*=share-]",
    "[class*=-share]",
    "[class*=sharing]",
    "[class*=social]",
    "[class*=related]",
    "[id*=related]",
    "[class*=read-also]",
    "[class*=readalso]",
    "[class*=read_also]",
    "[class*=also-read]",
    "[class*=read-more]",
    "[class*=suggest]",
    "[class*=recommend]",
    "[id*=recommend]",
    "[class*=comments]",
    "[id*=comments]",
    "[class~=comment]",
    "[class*=comment-]",
    "[class*=newsletter]",
    "[class*=subscribe]",
    "[class*=advert]",
    "[class~=ad]",
    "[class*=ads-]",
    "[id*=advert]",
    "[class*=breadcrumb]",
    "[class*=font-size]",
    "[class*=fontsize]",
    "[class*=font-tools]",
    "[class~=tags]",
    "[class*=tag-list]",
    "[class*=post-tags]",
    "[class*=most-read]",
    "[class*=trending]",
    "[class*=sidebar]",
    "[id*=sidebar]",
    "[class*=cookie]",
    "[class*=outbrain]",
    "[class*=taboola]",
    "[class*=more-news]",
    "[class*=more-stories]",
    "[class*=site-header]",
    "[class*=site-footer]",
];

/// Elements whose content is never text.
const SKIP_ELEMENTS: &[&str] = &[
    "script", "style", "noscript", "template", "head", "svg", "iframe", "canvas", "button",
    "select", "textarea", "object", "embed",
];

/// Elements ending a paragraph (a blank line) and a line (a newline).
const PARAGRAPH_ELEMENTS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "ul",
    "ol",
    "table",
    "figure",
    "pre",
    "dl",
    "hr",
    "address",
];
const LINE_ELEMENTS: &[&str] = &[
    "div",
    "li",
    "tr",
    "dt",
    "dd",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "nav",
    "aside",
    "figcaption",
    "caption",
    "details",
    "summary",
    "td",
    "th",
    "form",
    "fieldset",
    "legend",
    "option",
];

/// Elements that never have an end tag.
const VOID_ELEMENTS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen", "command", "basefont", "frame", "isindex",
];
/// Elements whose end tag may be omitted: not counted for nesting depth.
const OPTIONAL_END: &[&str] = &[
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody", "tfoot",
    "colgroup", "caption", "rt", "rp", "html", "head", "body",
];

/// JSON-LD `@type`s that describe an article.
const ARTICLE_TYPES: &[&str] = &[
    "NewsArticle",
    "Article",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "BlogPosting",
    "LiveBlogPosting",
    "Report",
    "ScholarlyArticle",
];

/// Extracts the article of one HTML page (already decoded). `url` is where it came from (used
/// for a relative canonical link and by readability; must be absolute to be used).
pub fn html_article(
    html: &str,
    url: Option<&str>,
    limits: &Limits,
) -> Result<Article, SourceError> {
    let hints = Hints::default();
    let ctx = Ctx::new(url.unwrap_or("html"), &hints, limits, SourceFormat::Html);
    html_draft(html, url, limits).and_then(|d| finish(d, &ctx))
}

/// Text of an HTML fragment or page: block elements become line breaks, scripts and styles are
/// skipped, whitespace is collapsed. No furniture removal, no readability.
pub fn html_to_text(html: &str) -> String {
    if max_depth(html) > Limits::default().max_html_depth {
        return strip_tags(html);
    }
    let doc = Document::fragment(html);
    node_text(&doc.root())
}

/// Metadata found in the page head and JSON-LD.
#[derive(Debug, Default)]
struct Meta {
    title: Option<String>,
    published: Option<String>,
    author: Option<String>,
    url: Option<String>,
    lang: Option<String>,
    body: Option<String>,
}

pub(crate) fn html_draft(
    html: &str,
    url: Option<&str>,
    limits: &Limits,
) -> Result<Draft, SourceError> {
    if html.len() > limits.max_input_bytes {
        return Err(SourceError::TooLarge {
            what: "input",
            size: html.len(),
            limit: limits.max_input_bytes,
        });
    }
    let url = url.filter(|u| u.starts_with("http://") || u.starts_with("https://"));
    let depth = max_depth(html);
    if depth > limits.max_html_depth {
        let text = strip_tags(html);
        let mut d = Draft {
            url: url.map(str::to_string),
            ..Draft::default()
        };
        d.warnings.push(format!(
            "HTML nested {depth} deep (limit {}): read by tag stripping, without metadata or furniture removal by element",
            limits.max_html_depth
        ));
        d.text = strip_furniture(&text, None);
        return Ok(d);
    }

    let doc = Document::from(html);
    let meta = page_meta(&doc, url);
    let mut warnings = Vec::new();
    for sel in FURNITURE_SELECTORS {
        doc.select(sel).remove();
    }
    let fallback = ["[itemprop=articleBody]", "article", "main", "body"]
        .iter()
        .map(|s| doc.select(s))
        .find(|s| s.exists())
        .map(|s| {
            s.nodes()
                .iter()
                .map(node_text)
                .collect::<Vec<_>>()
                .join("\n\n")
        })
        .unwrap_or_default();

    let cfg = Config {
        text_mode: TextMode::Formatted,
        max_elements_to_parse: limits.max_html_elements,
        ..Config::default()
    };
    let readable = Readability::with_document(doc, url, Some(cfg)).and_then(|mut r| r.parse());
    let (mut text, r_title, r_byline, r_time) = match readable {
        Ok(a) => (
            a.text_content.to_string(),
            Some(a.title),
            a.byline,
            a.published_time,
        ),
        Err(ReadabilityError::TooManyElements(n, max)) => {
            warnings.push(format!("{n} elements (limit {max}): read by tag stripping"));
            (strip_tags(html), None, None, None)
        }
        Err(e) => {
            warnings.push(format!(
                "readability found no main text ({e}); used the page body"
            ));
            (fallback.clone(), None, None, None)
        }
    };
    // Readability can pick a fragment (a caption, a teaser); prefer the whole body then.
    let chars = text.trim().chars().count();
    if chars < 200 && fallback.trim().chars().count() > chars * 3 {
        text = fallback;
    }
    if text.trim().chars().count() < 80 {
        if let Some(body) = meta
            .body
            .as_ref()
            .filter(|b| b.chars().count() > text.chars().count())
        {
            text = body.clone();
        }
    }

    let title = meta
        .title
        .clone()
        .or(r_title.filter(|t| !t.trim().is_empty()));
    let text = strip_furniture(&text, title.as_deref());
    let (published_at, published) = meta
        .published
        .as_deref()
        .or(r_time.as_deref())
        .map(parse_when)
        .unwrap_or((None, None));
    Ok(Draft {
        title,
        text,
        declared_lang: meta.lang,
        published_at,
        published,
        author: meta.author.or(r_byline),
        url: meta.url.or(url.map(str::to_string)),
        warnings,
        ..Draft::default()
    })
}

/// Reads metadata: JSON-LD first, then OpenGraph / `<meta>`, then `<title>`/`<h1>`.
fn page_meta(doc: &Document, url: Option<&str>) -> Meta {
    let mut m = Meta::default();
    for node in doc.select("script[type=\"application/ld+json\"]").nodes() {
        let raw = node.text();
        let Ok(v) = serde_json::from_str::<Value>(raw.trim()) else {
            continue;
        };
        if let Some(a) = find_article(&v) {
            let s = |k: &str| {
                a.get(k)
                    .and_then(Value::as_str)
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
            };
            m.title = m.title.or(s("headline")).or(s("name"));
            m.published = m.published.or(s("datePublished")).or(s("dateCreated"));
            m.author = m.author.or(a.get("author").and_then(person_names));
            m.url = m
                .url
                .or(s("url"))
                .or(a.get("mainEntityOfPage").and_then(|p| {
                    p.as_str()
                        .or_else(|| p.get("@id").and_then(Value::as_str))
                        .map(str::to_string)
                }));
            m.lang = m.lang.or(s("inLanguage"));
            m.body = m.body.or(s("articleBody"));
        }
    }
    let mut og_title = None;
    let mut og_url = None;
    let mut locale = None;
    let mut published = None;
    let mut author = None;
    for node in doc.select("meta[content]").nodes() {
        let key = node
            .attr("property")
            .or_else(|| node.attr("name"))
            .or_else(|| node.attr("itemprop"))
            .or_else(|| node.attr("http-equiv"));
        let (Some(key), Some(content)) = (key, node.attr("content")) else {
            continue;
        };
        let content = content.trim().to_string();
        if content.is_empty() {
            continue;
        }
        match key.to_ascii_lowercase().as_str() {
            "og:title" | "twitter:title" => og_title = og_title.or(Some(content)),
            "og:url" => og_url = og_url.or(Some(content)),
            "og:locale" | "content-language" | "language" | "dc.language" => {
                locale = locale.or(Some(content))
            }
            "article:published_time"
            | "og:published_time"
            | "datepublished"
            | "pubdate"
            | "publishdate"
            | "publish-date"
            | "publish_date"
            | "date"
            | "dc.date"
            | "dc.date.issued"
            | "dcterms.created"
            | "dcterms.issued"
            | "parsely-pub-date"
            | "sailthru.date"
            | "citation_publication_date"
            | "article.published" => published = published.or(Some(content)),
            "author" | "article:author" | "dc.creator" | "parsely-author" | "byl"
                if !content.starts_with("http") =>
            {
                author = author.or(Some(
                    content
                        .trim_start_matches("By ")
                        .trim_start_matches("by ")
                        .to_string(),
                ));
            }
            _ => {}
        }
    }
    let canonical = doc
        .select("link[rel=canonical][href]")
        .attr("href")
        .map(|s| s.trim().to_string());
    let html_lang = doc.select("html[lang]").attr("lang").map(|s| s.to_string());
    let h1 = doc
        .select("h1")
        .nodes()
        .first()
        .map(|n| collapse_ws(&n.text()));
    let head_title = doc
        .select("title")
        .nodes()
        .first()
        .map(|n| collapse_ws(&n.text()));
    let time = doc
        .select("article time[datetime], time[pubdate][datetime]")
        .attr("datetime")
        .map(|s| s.to_string());

    m.title = m
        .title
        .or(og_title)
        .or(h1.clone().filter(|h| !h.is_empty()))
        .or(head_title.filter(|t| !t.is_empty()));
    m.published = m.published.or(published).or(time);
    m.author = m.author.or(author);
    m.url = canonical.or(og_url).or(m.url).map(|c| absolutize(&c, url));
    m.lang = html_lang.or(m.lang).or(locale);
    m
}

/// The first article object in a JSON-LD value (object, array or `@graph`).
fn find_article(v: &Value) -> Option<&Value> {
    let is_article = |o: &Value| match o.get("@type") {
        Some(Value::String(t)) => ARTICLE_TYPES.contains(&t.as_str()),
        Some(Value::Array(ts)) => ts
            .iter()
            .any(|t| t.as_str().is_some_and(|t| ARTICLE_TYPES.contains(&t))),
        _ => false,
    };
    let mut candidates: Vec<&Value> = Vec::new();
    match v {
        Value::Array(a) => candidates.extend(a.iter()),
        o => candidates.push(o),
    }
    let mut graph: Vec<&Value> = Vec::new();
    for c in &candidates {
        if let Some(Value::Array(g)) = c.get("@graph") {
            graph.extend(g.iter());
        }
    }
    candidates.into_iter().chain(graph).find(|o| is_article(o))
}

/// `"Name"`, `{"name": ...}` or an array of these, comma-joined.
fn person_names(v: &Value) -> Option<String> {
    let one = |p: &Value| -> Option<String> {
        p.as_str()
            .or_else(|| p.get("name").and_then(Value::as_str))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty() && !s.starts_with("http"))
    };
    let names: Vec<String> = match v {
        Value::Array(a) => a.iter().filter_map(one).collect(),
        p => one(p).into_iter().collect(),
    };
    (!names.is_empty()).then(|| names.join(", "))
}

fn absolutize(link: &str, base: Option<&str>) -> String {
    match base {
        Some(b) if link.starts_with('/') && !link.starts_with("//") => {
            let scheme_end = b.find("://").map_or(0, |i| i + 3);
            let host_end = b[scheme_end..]
                .find('/')
                .map_or(b.len(), |i| scheme_end + i);
            format!("{}{}", &b[..host_end], link)
        }
        _ => link.to_string(),
    }
}

fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text of a node's subtree by an iterative walk (no recursion).
fn node_text(root: &NodeRef<'_>) -> String {
    enum Step<'a> {
        Enter(NodeRef<'a>),
        Break(&'static str),
    }
    let mut out = String::new();
    let mut stack = vec![Step::Enter(*root)];
    while let Some(step) = stack.pop() {
        match step {
            Step::Break(b) => push_break(&mut out, b),
            Step::Enter(node) => {
                if node.is_text() {
                    push_inline(&mut out, &node.text());
                    continue;
                }
                let name = node.node_name().map(|n| n.to_ascii_lowercase());
                let brk = match name.as_deref() {
                    Some(n) if SKIP_ELEMENTS.contains(&n) => continue,
                    Some("br") => {
                        push_break(&mut out, "\n");
                        continue;
                    }
                    Some(n) if PARAGRAPH_ELEMENTS.contains(&n) => Some("\n\n"),
                    Some(n) if LINE_ELEMENTS.contains(&n) => Some("\n"),
                    _ => None,
                };
                if !(node.is_element() || node.is_document() || node.is_fragment()) {
                    continue;
                }
                if let Some(b) = brk {
                    push_break(&mut out, b);
                    stack.push(Step::Break(b));
                }
                let children = node.children();
                stack.extend(children.into_iter().rev().map(Step::Enter));
            }
        }
    }
    out.trim().to_string()
}

/// Appends inline text with HTML whitespace collapsing.
fn push_inline(out: &mut String, text: &str) {
    for (i, part) in text
        .split(|c: char| c.is_ascii_whitespace() || c == '\u{a0}')
        .enumerate()
    {
        if i > 0 && !out.ends_with([' ', '\n']) && !out.is_empty() {
            out.push(' ');
        }
        out.push_str(part);
    }
}

/// Ends the current line or paragraph (`brk` is `"\n"` or `"\n\n"`), trimming trailing spaces.
fn push_break(out: &mut String, brk: &str) {
    while out.ends_with(' ') {
        out.pop();
    }
    if out.is_empty() {
        return;
    }
    let have = out.len() - out.trim_end_matches('\n').len();
    for _ in have..brk.len() {
        out.push('\n');
    }
}

/// Maximum element nesting depth, by a flat scan of tags (void elements, elements with optional
/// end tags, comments, and script/style contents are skipped). Linear, no allocation per tag.
pub(crate) fn max_depth(html: &str) -> usize {
    let b = html.as_bytes();
    let (mut depth, mut max) = (0usize, 0usize);
    let mut i = 0usize;
    while let Some(off) = memchr_lt(&b[i..]) {
        i += off + 1;
        if b[i..].starts_with(b"!--") {
            i = find(b, i + 3, b"-->").map_or(b.len(), |j| j + 3);
            continue;
        }
        let closing = b.get(i) == Some(&b'/');
        let start = if closing { i + 1 } else { i };
        let end = b[start..]
            .iter()
            .position(|c| !c.is_ascii_alphanumeric())
            .map_or(b.len(), |p| start + p);
        if end == start {
            continue;
        }
        let name = html[start..end].to_ascii_lowercase();
        let tag_end = b[end..]
            .iter()
            .position(|&c| c == b'>')
            .map_or(b.len(), |p| end + p);
        let self_closing = tag_end > 0 && b.get(tag_end - 1) == Some(&b'/');
        i = tag_end.min(b.len());
        if VOID_ELEMENTS.contains(&name.as_str()) || OPTIONAL_END.contains(&name.as_str()) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else if !self_closing {
            if name == "script" || name == "style" {
                let close = format!("</{name}");
                i = find_ci(b, i, close.as_bytes()).unwrap_or(b.len());
                continue;
            }
            depth += 1;
            max = max.max(depth);
        }
    }
    max
}

fn memchr_lt(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'<')
}

fn find(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| from + p)
}

fn find_ci(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
        .map(|p| from + p)
}

/// Text by flat tag stripping, for pages too deep or too big for a DOM: tags removed (block
/// tags become line breaks), script/style/comments skipped, common entities decoded.
pub(crate) fn strip_tags(html: &str) -> String {
    let b = html.as_bytes();
    let mut out = String::with_capacity(html.len() / 2);
    let mut i = 0usize;
    while i < b.len() {
        let Some(off) = memchr_lt(&b[i..]) else {
            push_inline(&mut out, &decode_entities(&html[i..]));
            break;
        };
        if off > 0 {
            push_inline(&mut out, &decode_entities(&html[i..i + off]));
        }
        i += off + 1;
        if b[i..].starts_with(b"!--") {
            i = find(b, i + 3, b"-->").map_or(b.len(), |j| j + 3);
            continue;
        }
        let closing = b.get(i) == Some(&b'/');
        let start = if closing { i + 1 } else { i };
        let end = b[start..]
            .iter()
            .position(|c| !c.is_ascii_alphanumeric())
            .map_or(b.len(), |p| start + p);
        let name = html[start..end].to_ascii_lowercase();
        let tag_end = b[end..]
            .iter()
            .position(|&c| c == b'>')
            .map_or(b.len(), |p| end + p + 1);
        i = tag_end;
        if !closing && SKIP_ELEMENTS.contains(&name.as_str()) && !name.is_empty() {
            let close = format!("</{name}");
            i = find_ci(b, i, close.as_bytes()).unwrap_or(b.len());
            continue;
        }
        if name == "br" {
            push_break(&mut out, "\n");
        } else if PARAGRAPH_ELEMENTS.contains(&name.as_str()) {
            push_break(&mut out, "\n\n");
        } else if LINE_ELEMENTS.contains(&name.as_str()) {
            push_break(&mut out, "\n");
        }
    }
    out.trim().to_string()
}

/// Decodes numeric and the most common named character references.
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let semi = rest[..rest.len().min(12)].find(';');
        let decoded = semi.and_then(|e| {
            let name = &rest[1..e];
            let c = if let Some(num) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
                u32::from_str_radix(num, 16).ok().and_then(char::from_u32)
            } else if let Some(num) = name.strip_prefix('#') {
                num.parse::<u32>().ok().and_then(char::from_u32)
            } else {
                match name {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    "nbsp" => Some('\u{a0}'),
                    "laquo" => Some('«'),
                    "raquo" => Some('»'),
                    "hellip" => Some('…'),
                    "mdash" => Some('—'),
                    "ndash" => Some('–'),
                    _ => None,
                }
            };
            c.map(|c| (c, e + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_scanner() {
        assert_eq!(max_depth("<div><div><p>x<br><img src=a></div></div>"), 2);
        assert_eq!(max_depth("<script>if (a<b) {}</script><div></div>"), 1);
        let deep = "<div>".repeat(1000);
        assert_eq!(max_depth(&deep), 1000);
    }

    #[test]
    fn fragments() {
        assert_eq!(
            html_to_text("<p>One &amp; <b>two</b></p><p>three</p>"),
            "One & two\n\nthree"
        );
        assert_eq!(
            strip_tags("<p>One &amp; <b>two</b></p><script>x</script><p>three&#x21;</p>"),
            "One & two\n\nthree!"
        );
    }
}
