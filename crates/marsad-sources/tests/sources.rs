//! End-to-end tests of marsad-sources on committed fixtures (tests/fixtures, written by
//! make_fixtures.py) and on hostile inputs generated here.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use marsad_sources::*;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn bytes(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).expect("fixture exists")
}

fn one(name: &str) -> Article {
    let mut r = read_path(&fixture(name), &Hints::default(), &Limits::default());
    assert_eq!(r.len(), 1, "{name}: {r:?}");
    r.remove(0).unwrap_or_else(|e| panic!("{name}: {e}"))
}

const AR_TITLE: &str = "باراك: مشاركة سوريا في تحالف محاربة داعش تفتح مسارًا جديدًا للأمن الإقليمي";
const AR_FIRST: &str = "أكد المبعوث الأمريكي الخاص إلى سوريا";
const AR_LAST: &str = "للقضاء على التنظيم في كلا البلدين.";
const AR_FURNITURE: &[&str] = &[
    "مشاركة المقال",
    "حجم الخط",
    "اقرأ أيضا",
    "اقرأ أيضاً",
    "مقالات مقترحة",
    "عرض الكل",
    "التعليقات",
    "الرئيسية",
    "جميع الحقوق محفوظة",
    "ارتفاع أسعار الذهب",
    "Facebook",
    "window.dataLayer",
];

fn assert_no_furniture(text: &str, furniture: &[&str]) {
    for f in furniture {
        assert!(!text.contains(f), "furniture {f:?} left in:\n{text}");
    }
}

#[test]
fn arabic_html_page_metadata_text_and_no_furniture() {
    let a = one("article-ar.html");
    assert_eq!(a.format, SourceFormat::Html);
    assert_eq!(a.title.as_deref(), Some(AR_TITLE));
    assert_eq!(a.lang, "ar");
    assert_eq!(a.published, NaiveDate::from_ymd_opt(2025, 11, 11));
    assert_eq!(
        a.published_at.map(|t| t.to_rfc3339()).as_deref(),
        Some("2025-11-11T07:15:00+00:00")
    );
    assert_eq!(a.author.as_deref(), Some("سارة الأحمد"));
    assert_eq!(
        a.url.as_deref(),
        Some("https://example-news.sy/politics/barrack-coalition")
    );
    assert_eq!(a.encoding, "UTF-8");
    assert_eq!(a.invalid_bytes, 0);
    assert!(a.text.starts_with(AR_FIRST), "{}", a.text);
    assert!(a.text.ends_with(AR_LAST), "{}", a.text);
    assert!(a.text.contains("\n\nوقال “باراك”"), "paragraphs kept apart");
    assert!(!a.text.contains(AR_TITLE), "title repeated in the text");
    assert_no_furniture(&a.text, AR_FURNITURE);
}

#[test]
fn english_html_page_jsonld_graph_and_no_furniture() {
    let a = one("article-en.html");
    assert_eq!(
        a.title.as_deref(),
        Some("Barrack: Syria's participation in the anti-ISIS coalition opens a new path for regional security")
    );
    assert_eq!(a.lang, "en");
    assert_eq!(a.published, NaiveDate::from_ymd_opt(2025, 11, 11));
    assert_eq!(a.author.as_deref(), Some("John Smith, Jane Doe"));
    assert_eq!(
        a.url.as_deref(),
        Some("https://wire.example.com/world/barrack-syria-coalition")
    );
    assert!(a
        .text
        .starts_with("The US Special Envoy to Syria, Thomas Barrack, said"));
    assert!(a.text.ends_with("eliminate the group in both countries."));
    assert_no_furniture(
        &a.text,
        &[
            "Share this article",
            "Font size",
            "Read also",
            "Read more",
            "Related articles",
            "Comments",
            "All rights reserved",
            "Gold prices",
            "Home",
            "By John Smith",
            "A+",
        ],
    );
}

#[test]
fn html_article_direct_call_uses_url_for_relative_canonical() {
    let html = r#"<html><head><link rel="canonical" href="/a/b"><meta property="article:published_time" content="2024-02-03"></head>
        <body><article><h1>Talks resume</h1><p>Talks between the two delegations resumed in Geneva on Thursday after a two-week pause, officials said.</p></article></body></html>"#;
    let a = html_article(
        html,
        Some("https://news.example.org/x?y=1"),
        &Limits::default(),
    )
    .expect("article");
    assert_eq!(a.url.as_deref(), Some("https://news.example.org/a/b"));
    assert_eq!(a.published, NaiveDate::from_ymd_opt(2024, 2, 3));
    assert_eq!(a.published_at, None);
    assert_eq!(a.title.as_deref(), Some("Talks resume"));
}

#[test]
fn windows_1256_page_declared_by_http_equiv() {
    let a = one("article-ar-windows-1256.html");
    assert_eq!(a.encoding, "windows-1256");
    assert_eq!(a.invalid_bytes, 0);
    assert_eq!(a.lang, "ar");
    assert_eq!(a.title.as_deref(), Some(AR_TITLE));
    assert!(a.text.starts_with(AR_FIRST), "{}", a.text);
    assert_no_furniture(&a.text, &["مشاركة المقال", "اقرأ أيضا", "فيسبوك"]);
    let d = decode(&bytes("article-ar-windows-1256.html"), None);
    assert_eq!(d.source, CharsetSource::Meta);
}

#[test]
fn iso_8859_6_page_reports_invalid_bytes() {
    let a = one("article-ar-iso-8859-6.html");
    assert_eq!(a.encoding, "ISO-8859-6");
    assert_eq!(a.invalid_bytes, 2);
    assert!(
        a.warnings.iter().any(|w| w.contains("2 invalid byte")),
        "{:?}",
        a.warnings
    );
    assert!(a.text.contains('\u{FFFD}'), "replaced, not dropped");
    assert!(a.text.starts_with(AR_FIRST));
}

#[test]
fn undeclared_windows_1256_is_detected() {
    let d = decode(&bytes("plain-ar-windows-1256.txt"), None);
    assert_eq!(d.encoding, "windows-1256");
    assert_eq!(d.source, CharsetSource::Detected);
    assert!(d.text.starts_with(AR_FIRST));
    // The caller's hint comes first, even when it is wrong for the bytes.
    let hinted = decode(
        &bytes("plain-ar-windows-1256.txt"),
        Some("text/plain; charset=ISO-8859-6"),
    );
    assert_eq!(hinted.encoding, "ISO-8859-6");
    assert_eq!(hinted.source, CharsetSource::Hint);
    assert!(hinted.invalid_bytes > 0);
}

#[test]
fn utf16_with_bom_both_orders() {
    let le = one("plain-ar-utf16le.txt");
    assert_eq!(le.encoding, "UTF-16LE");
    assert_eq!(le.lang, "ar");
    assert!(le.text.starts_with(AR_FIRST));
    let be = one("plain-en-utf16be.txt");
    assert_eq!(be.encoding, "UTF-16BE");
    assert_eq!(be.lang, "en");
    assert!(be.text.starts_with("The US Special Envoy"));
    // BOM-less UTF-16 is recognised by its NUL pattern.
    let raw = &bytes("plain-en-utf16be.txt")[2..];
    let d = decode(raw, None);
    assert_eq!(
        (d.encoding, d.source),
        ("UTF-16BE", CharsetSource::Detected)
    );
}

#[test]
fn utf8_bom_and_invalid_bytes_are_reported() {
    let a = one("plain-en-invalid-utf8.txt");
    assert_eq!(a.encoding, "UTF-8");
    assert_eq!(a.invalid_bytes, 3);
    assert!(!a.text.starts_with('\u{FEFF}'));
    assert_eq!(a.text.matches('\u{FFFD}').count(), 3);
    assert!(a.warnings.iter().any(|w| w.contains("3 invalid byte")));
}

#[test]
fn captured_plain_text_page_is_cleaned() {
    let a = one("barrack-coalition-ar.txt");
    assert_eq!(a.format, SourceFormat::Text);
    assert_eq!(a.title.as_deref(), Some(AR_TITLE));
    assert!(a.text.starts_with(AR_FIRST), "{}", a.text);
    assert!(a.text.ends_with(AR_LAST), "{}", a.text);
    assert_no_furniture(
        &a.text,
        &[
            "مشاركة المقال",
            "حجم الخط",
            "اقرأ أيضا",
            "مقالات مقترحة",
            "عرض الكل",
            "باراك: مشاركة",
        ],
    );
    // strip_furniture is idempotent: the stored text is final.
    assert_eq!(strip_furniture(&a.text, a.title.as_deref()), a.text);
}

#[test]
fn strip_furniture_with_title() {
    let raw = std::fs::read_to_string(fixture("barrack-coalition-ar.txt")).expect("fixture");
    let out = strip_furniture(&raw, Some(AR_TITLE));
    assert!(out.starts_with(AR_FIRST));
    assert!(out.ends_with(AR_LAST));
    assert_eq!(
        out.matches("\n\n").count(),
        10,
        "10 paragraph breaks between the 11 body paragraphs"
    );
}

#[test]
fn rss_feed_items_and_linked_page() {
    let mut pages = HashMap::new();
    let page = std::fs::read_to_string(fixture("article-ar.html")).expect("fixture");
    pages.insert(
        "https://example-news.sy/politics/barrack-coalition".to_string(),
        page,
    );
    let items = parse_feed(&bytes("feed-ar.rss"), &pages, &Limits::default()).expect("feed parses");
    assert_eq!(items.len(), 3);
    let a: Vec<&Article> = items.iter().map(|r| r.as_ref().expect("item ok")).collect();
    // Item 1: full text from the supplied page, not the truncated description.
    assert_eq!(a[0].title.as_deref(), Some(AR_TITLE));
    assert!(a[0].text.ends_with(AR_LAST));
    assert_eq!(a[0].author.as_deref(), Some("سارة الأحمد"));
    assert_eq!(a[0].format, SourceFormat::Feed);
    // Item 2: HTML description, read-also paragraph dropped, dc:creator and RFC 2822 date.
    assert_eq!(
        a[1].source,
        "https://example-news.sy/security/idlib-shelling"
    );
    assert_eq!(
        a[1].url.as_deref(),
        Some("https://example-news.sy/security/idlib-shelling")
    );
    assert!(a[1].text.starts_with("قصفت قوات النظام"));
    assert!(!a[1].text.contains("اقرأ أيضا") && !a[1].text.contains("<p>"));
    assert_eq!(a[1].author.as_deref(), Some("مراسل المثال"));
    assert_eq!(
        a[1].published_at.map(|t| t.to_rfc3339()).as_deref(),
        Some("2025-11-10T15:40:00+00:00")
    );
    // Item 3: content:encoded (CDATA) over the empty description, share widget dropped.
    assert!(a[2].text.starts_with("بحث وزير الدفاع العراقي"));
    assert!(!a[2].text.contains("مشاركة"));
    assert!(a.iter().all(|x| x.lang == "ar"));
}

#[test]
fn atom_feed_items_and_empty_item_error() {
    let items = read_path(
        &fixture("feed-en.atom"),
        &Hints::default(),
        &Limits::default(),
    );
    assert_eq!(items.len(), 3);
    let first = items[0].as_ref().expect("first entry");
    assert_eq!(
        first.source,
        "https://wire.example.com/world/barrack-syria-coalition"
    );
    assert_eq!(first.published, NaiveDate::from_ymd_opt(2025, 11, 11));
    assert_eq!(first.author.as_deref(), Some("John Smith"));
    assert!(first.text.starts_with("The US Special Envoy"));
    let second = items[1].as_ref().expect("second entry");
    assert_eq!(
        second.title.as_deref(),
        Some("Drone strike hits convoy near Deir ez-Zor")
    );
    assert_eq!(
        second.text,
        "A drone strike hit a convoy near Deir ez-Zor in eastern Syria on Monday, killing three fighters, a war monitor said.\n\nThe coalition did not comment on the strike."
    );
    assert_eq!(
        second.published,
        NaiveDate::from_ymd_opt(2025, 11, 10),
        "updated used when no published"
    );
    let err = items[2].as_ref().expect_err("only furniture");
    assert_eq!(err.item, "https://wire.example.com/world/empty");
    assert_eq!(err.error, SourceError::Empty);
}

#[test]
fn json_lines_batch_with_malformed_lines() {
    let items = read_path(
        &fixture("batch.jsonl"),
        &Hints::default(),
        &Limits::default(),
    );
    assert_eq!(items.len(), 6, "blank line skipped");
    let ar = items[0].as_ref().expect("line 1");
    assert_eq!((ar.source.as_str(), ar.lang.as_str()), ("ar-1", "ar"));
    assert_eq!(ar.title.as_deref(), Some(AR_TITLE));
    assert_eq!(ar.published, NaiveDate::from_ymd_opt(2025, 11, 11));
    assert_eq!(ar.format, SourceFormat::JsonLines);
    let en = items[1].as_ref().expect("line 2");
    assert_eq!((en.source.as_str(), en.lang.as_str()), ("en-1", "en"));
    let e3 = items[2].as_ref().expect_err("line 3 malformed");
    assert_eq!((e3.line, e3.item.as_str()), (Some(3), "line 3"));
    assert!(matches!(
        e3.error,
        SourceError::Malformed { format: "json", .. }
    ));
    let n = items[3].as_ref().expect("line 5, numeric id");
    assert_eq!(n.source, "42");
    assert_eq!(
        n.text, "  A short English sentence about a ceasefire in Gaza.  ",
        "batch text kept verbatim"
    );
    let e6 = items[4].as_ref().expect_err("line 6 has no text");
    assert_eq!((e6.line, e6.item.as_str()), (Some(6), "no-text"));
    let e7 = items[5].as_ref().expect_err("line 7 bad date");
    assert_eq!(e7.item, "bad-date");
    assert!(e7.to_string().contains("YYYY-MM-DD"));
}

#[test]
fn hints_override_language_and_date() {
    let hints = Hints {
        lang: Some("en".into()),
        published: Some("2024-01-02".into()),
        source_name: Some("wire".into()),
        ..Hints::default()
    };
    let r = read_bytes(
        "غارة على غزة".as_bytes(),
        "label",
        &hints,
        &Limits::default(),
    );
    let a = r[0].as_ref().expect("ok");
    assert_eq!(a.lang, "en");
    assert_eq!(a.published, NaiveDate::from_ymd_opt(2024, 1, 2));
    assert_eq!(a.source_name.as_deref(), Some("wire"));
    assert_eq!((a.source.as_str(), a.origin.as_str()), ("label", "label"));
}

#[test]
fn directory_walk_sorted_recursive_skips_hidden() {
    let items = read_path(&fixture("dir"), &Hints::default(), &Limits::default());
    let sources: Vec<String> = items
        .iter()
        .map(|r| r.as_ref().expect("ok").source.clone())
        .collect();
    assert_eq!(sources.len(), 3, "{sources:?}");
    assert_eq!(sources[0], "dir-1");
    assert!(sources[1].ends_with("b-story.txt"));
    assert!(sources[2].ends_with("c-page.html"));
    let missing = read_path(
        &fixture("no-such-dir"),
        &Hints::default(),
        &Limits::default(),
    );
    assert!(matches!(
        missing[0].as_ref().expect_err("missing").error,
        SourceError::Io { .. }
    ));
}

#[test]
fn exact_and_near_duplicates() {
    let orig = one("dup/wire-original.txt");
    let repub = one("dup/wire-republished.txt");
    let other = one("dup/other-story.txt");
    let d_same = hamming(orig.simhash(), repub.simhash());
    let d_other = hamming(orig.simhash(), other.simhash());
    println!("distance republished={d_same} other={d_other}");
    assert!(
        is_near_duplicate(orig.simhash(), repub.simhash()),
        "republished wire story: {d_same} bits"
    );
    assert!(
        !is_near_duplicate(orig.simhash(), other.simhash()),
        "different story: {d_other} bits"
    );
    assert_ne!(orig.content_hash(), repub.content_hash());
    // English: the same story vs a different one.
    let en = one("article-en.html");
    let en2 = format!(
        "Envoy hails Syria's coalition role\n\n{}\n\nReporting by Jane Doe; editing by John Smith",
        en.text
    );
    assert!(is_near_duplicate(simhash(&en.text), simhash(&en2)));
    assert!(!is_near_duplicate(
        simhash(&en.text),
        simhash(&one("dir/b-story.txt").text)
    ));
    // Exact: Unicode form, hamza/alef, taa marbuta, alef maqsura, diacritics, tatweel, case, spaces.
    assert_eq!(
        content_hash("أعلنت الحكومةُ   عن مبادرة على الحدود"),
        content_hash("اعلنت الحكومه عن مبـادره علي الحدود\n")
    );
    assert_eq!(
        content_hash("Coalition STRIKES"),
        content_hash("coalition strikes")
    );
    assert_ne!(
        content_hash("strike in Gaza"),
        content_hash("strike in Rafah")
    );
}

#[test]
fn language_detection() {
    assert_eq!(one("article-ar.html").lang, "ar");
    assert_eq!(detect_language("Explosion"), "en");
    assert_eq!(detect_language("انفجار"), "ar");
    assert_eq!(detect_language("Der Außenminister sagte am Dienstag, dass die Koalition ihre Einsätze gegen die Organisation im Norden des Landes fortsetzen werde."), "de");
    assert_eq!(detect_language("— 2025 —"), "und");
}

// ---- hostile and bad input ----

#[test]
fn billion_laughs_is_refused() {
    let r = parse_feed(
        &bytes("billion-laughs.rss"),
        &HashMap::new(),
        &Limits::default(),
    );
    assert!(matches!(r, Err(SourceError::UnsafeXml { .. })), "{r:?}");
}

#[test]
fn malformed_feed_is_a_typed_error() {
    let r = read_path(
        &fixture("malformed.rss"),
        &Hints::default(),
        &Limits::default(),
    );
    assert!(matches!(
        r[0].as_ref().expect_err("malformed").error,
        SourceError::Malformed { format: "feed", .. }
    ));
    let forced = Hints {
        format: Some(SourceFormat::Feed),
        ..Hints::default()
    };
    let r = read_bytes(b"plain words, not a feed", "x", &forced, &Limits::default());
    assert!(matches!(
        r[0].as_ref().expect_err("not xml").error,
        SourceError::Malformed { .. }
    ));
}

#[test]
fn binary_junk_is_refused() {
    let r = read_path(&fixture("junk.bin"), &Hints::default(), &Limits::default());
    assert!(
        matches!(
            r[0].as_ref().expect_err("junk").error,
            SourceError::Binary { .. }
        ),
        "{r:?}"
    );
    let mut nul = b"some text ".repeat(20);
    nul.extend([0u8; 40]);
    let r = read_bytes(&nul, "nul", &Hints::default(), &Limits::default());
    assert!(matches!(
        r[0].as_ref().expect_err("nul").error,
        SourceError::Binary { .. }
    ));
}

#[test]
fn empty_and_furniture_only_bodies() {
    for body in ["", "   \n\t ", "مشاركة المقال:\nحجم الخط:\nعرض الكل\n"]
    {
        let r = read_bytes(body.as_bytes(), "e", &Hints::default(), &Limits::default());
        assert_eq!(
            r[0].as_ref().expect_err("empty").error,
            SourceError::Empty,
            "{body:?}"
        );
    }
    let html = "<html><body><nav>Home</nav><div class=\"share\">Share</div></body></html>";
    assert_eq!(
        html_article(html, None, &Limits::default()),
        Err(SourceError::Empty)
    );
}

#[test]
fn giant_item_over_the_text_limit() {
    let para = "The coalition said the strike hit a depot near the border on Monday. ";
    let giant = para.repeat((2 << 20) / para.len() + 10);
    let r = read_bytes(
        giant.as_bytes(),
        "giant",
        &Hints::default(),
        &Limits::default(),
    );
    match &r[0].as_ref().expect_err("too large").error {
        SourceError::TooLarge {
            what: "text",
            size,
            limit,
        } => assert!(size > limit && *limit == 2 << 20),
        e => panic!("{e}"),
    }
    // One giant line in a batch fails alone.
    let batch =
        format!("{{\"id\":\"g\",\"text\":\"{giant}\"}}\n{{\"id\":\"ok\",\"text\":\"fine\"}}\n");
    let r = read_bytes(
        batch.as_bytes(),
        "b.jsonl",
        &Hints::default(),
        &Limits::default(),
    );
    assert!(matches!(
        r[0].as_ref().expect_err("giant").error,
        SourceError::TooLarge { .. }
    ));
    assert_eq!(r[1].as_ref().expect("ok").text, "fine");
    // A raw input over max_input_bytes is refused before decoding.
    let small = Limits {
        max_input_bytes: 1000,
        ..Limits::default()
    };
    let r = read_bytes(giant.as_bytes(), "giant", &Hints::default(), &small);
    assert!(matches!(
        r[0].as_ref().expect_err("input").error,
        SourceError::TooLarge { what: "input", .. }
    ));
}

#[test]
fn broken_html_still_yields_text() {
    let html = "<html><head><title>Clashes in Daraa</title><body><div><p>Clashes erupted in Daraa on Sunday between local gunmen and security forces, residents said.<p>At least four people were wounded <b>in the <i>fighting</b></i>, a hospital source said.</div></div></span><table><tr><td>stray cell";
    let a = html_article(html, None, &Limits::default()).expect("extracts what it can");
    assert!(a.text.contains("Clashes erupted in Daraa"), "{}", a.text);
    assert!(
        a.text
            .contains("At least four people were wounded in the fighting"),
        "{}",
        a.text
    );
    assert_eq!(a.title.as_deref(), Some("Clashes in Daraa"));
}

#[test]
fn deeply_nested_html_does_not_overflow() {
    let n = 100_000;
    let mut html = String::from("<html><body>");
    html.push_str(&"<div>".repeat(n));
    html.push_str(
        "<p>Deep inside, the statement said the talks would resume on Monday in Riyadh.</p>",
    );
    html.push_str(&"</div>".repeat(n));
    html.push_str("</body></html>");
    let a = html_article(&html, None, &Limits::default()).expect("text found");
    assert!(a.text.contains("the talks would resume on Monday"));
    assert!(
        a.warnings.iter().any(|w| w.contains("nested")),
        "{:?}",
        a.warnings
    );
    // Unclosed as well.
    let unclosed = format!(
        "{}<p>Unclosed but readable text about the ceasefire.</p>",
        "<div><span>".repeat(n)
    );
    let a = html_article(&unclosed, None, &Limits::default()).expect("text found");
    assert!(a.text.contains("Unclosed but readable text"));
    // And through html_to_text, for feed fragments.
    assert!(html_to_text(&html).contains("Deep inside"));
}

#[test]
fn huge_feed_is_capped_per_item() {
    let mut xml =
        String::from("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Big</title>");
    for i in 0..3000 {
        xml.push_str(&format!(
            "<item><title>Item {i}</title><link>https://big.example/{i}</link><description>Clashes were reported in district {i} on Monday, officials said.</description></item>"
        ));
    }
    xml.push_str("</channel></rss>");
    let limits = Limits {
        max_items: 2000,
        ..Limits::default()
    };
    let items = parse_feed(xml.as_bytes(), &HashMap::new(), &limits).expect("parses");
    assert_eq!(items.len(), 2001);
    assert!(items[..2000].iter().all(Result::is_ok));
    assert_eq!(
        items[2000].as_ref().expect_err("cap").error,
        SourceError::TooManyItems { limit: 2000 }
    );
}

#[test]
fn sniffing_by_content_type_extension_and_bytes() {
    assert_eq!(
        sniff(&bytes("feed-en.atom"), None, None),
        SourceFormat::Feed
    );
    assert_eq!(
        sniff(&bytes("article-ar.html"), None, None),
        SourceFormat::Html
    );
    assert_eq!(
        sniff(&bytes("batch.jsonl"), None, None),
        SourceFormat::JsonLines
    );
    assert_eq!(
        sniff(&bytes("plain-ar-utf16le.txt"), None, None),
        SourceFormat::Text
    );
    assert_eq!(
        sniff(b"<p>x</p>", None, Some("text/plain")),
        SourceFormat::Text
    );
    assert_eq!(
        sniff(b"", Some("/a/b.ndjson"), None),
        SourceFormat::JsonLines
    );
}

#[test]
fn hostile_bytes_never_panic() {
    // A cheap deterministic fuzz over every format: no panics, one result at least.
    let seeds: Vec<Vec<u8>> = [
        "article-ar.html",
        "feed-ar.rss",
        "feed-en.atom",
        "batch.jsonl",
        "article-ar-iso-8859-6.html",
    ]
    .iter()
    .map(|n| bytes(n))
    .collect();
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for round in 0..60 {
        let mut b = seeds[round % seeds.len()].clone();
        for _ in 0..(round % 7 + 1) * 5 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let i = (x as usize) % b.len();
            match x % 3 {
                0 => b[i] = (x >> 8) as u8,
                1 => b.truncate(i.max(1)),
                _ => b.insert(i, b'<'),
            }
        }
        for format in [
            None,
            Some(SourceFormat::Html),
            Some(SourceFormat::Feed),
            Some(SourceFormat::JsonLines),
            Some(SourceFormat::Text),
        ] {
            let hints = Hints {
                format,
                ..Hints::default()
            };
            assert!(
                !read_bytes(&b, "fuzz", &hints, &Limits::default()).is_empty()
                    || format == Some(SourceFormat::JsonLines)
            );
        }
    }
}

#[test]
fn legacy_encoded_feed_by_xml_declaration() {
    let xml = "<?xml version=\"1.0\" encoding=\"windows-1256\"?><rss version=\"2.0\"><channel><title>أخبار</title><item><title>قصف على ريف إدلب</title><link>https://x.example/1</link><description>قصفت قوات النظام قرى في ريف إدلب الجنوبي صباح الإثنين.</description></item></channel></rss>";
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1256.encode(xml);
    assert!(!unmappable);
    let items = read_bytes(&bytes, "legacy.xml", &Hints::default(), &Limits::default());
    let a = items[0].as_ref().expect("item");
    assert_eq!(a.encoding, "windows-1256");
    assert_eq!(a.title.as_deref(), Some("قصف على ريف إدلب"));
    assert!(a.text.starts_with("قصفت قوات النظام"));
    assert_eq!(decode(&bytes, None).source, CharsetSource::XmlDeclaration);
}

#[test]
fn nesting_just_under_the_limit_goes_through_the_dom() {
    let depth = Limits::default().max_html_depth - 2;
    let html = format!(
        "<html><body>{}<p>Near the limit, the statement said the talks would resume on Monday in Riyadh after a pause.</p>{}</body></html>",
        "<div>".repeat(depth),
        "</div>".repeat(depth)
    );
    let a = html_article(&html, None, &Limits::default()).expect("text found");
    assert!(a.text.contains("talks would resume"));
    assert!(!a.warnings.iter().any(|w| w.contains("nested")));
}
