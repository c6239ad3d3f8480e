//! Page furniture removal on text, line by line: share and font-size widgets, "read also" lines,
//! "view all", copyright and tag lines, the title repeated at the top, and a suggested-articles
//! or comments block with everything after it at the end. The output is the final stored text:
//! the extraction engine's offsets refer to it, so nothing may change it afterwards.

use crate::normalize::line_key;

/// Whole lines (after [`line_key`]) that are furniture wherever they appear.
const EXACT: &[&str] = &[
    // share / tools
    "مشاركه المقال",
    "شارك المقال",
    "شارك الخبر",
    "مشاركه الخبر",
    "شارك",
    "مشاركه",
    "شاركها",
    "انشر",
    "طباعه",
    "ارسال",
    "نسخ الرابط",
    "تم نسخ الرابط",
    "share",
    "share this",
    "share this article",
    "share this story",
    "share article",
    "share on",
    "tweet",
    "print",
    "email",
    "copy link",
    "link copied",
    "save",
    "listen",
    "استمع",
    // font size
    "حجم الخط",
    "تكبير الخط",
    "تصغير الخط",
    "font size",
    "text size",
    "a a",
    "a a a",
    "a a",
    // view all / more
    "عرض الكل",
    "عرض المزيد",
    "شاهد المزيد",
    "المزيد",
    "تحميل المزيد",
    "view all",
    "see all",
    "show all",
    "show more",
    "load more",
    "more",
    "read more",
    // ads
    "اعلان",
    "advertisement",
    "sponsored",
    "ad",
];

/// Social network names: a line made only of these (and separators) is a share bar.
const SOCIAL: &[&str] = &[
    "facebook",
    "twitter",
    "x",
    "whatsapp",
    "telegram",
    "linkedin",
    "email",
    "print",
    "reddit",
    "messenger",
    "فيسبوك",
    "فيس",
    "بوك",
    "تويتر",
    "اكس",
    "واتساب",
    "واتس",
    "اب",
    "تلغرام",
    "تليجرام",
    "لينكد",
    "ان",
    "بريد",
    "البريد",
    "الالكتروني",
    "طباعه",
];

/// Unambiguous prefixes (of the line key) of furniture lines: the line is dropped when it is at
/// most 300 characters long (a read-also line carries the linked headline).
const PREFIX: &[&str] = &[
    "اقرا ايضا",
    "اقرا كذلك",
    "اقرا المزيد",
    "طالع ايضا",
    "شاهد ايضا",
    "مشاركه المقال",
    "شارك المقال",
    "شارك عبر",
    "حجم الخط",
    "جميع الحقوق محفوظه",
    "read also",
    "also read",
    "see also",
    "font size",
    "all rights reserved",
    "share this article",
    "share this story",
];

/// Prefixes that are ordinary words too: furniture only when a `:`, `|` or dash follows.
const LABEL_PREFIX: &[&str] = &[
    "related",
    "tags",
    "topics",
    "read more",
    "more",
    "share",
    "share on",
    "copyright",
    "الوسوم",
    "وسوم",
    "كلمات مفتاحيه",
    "الكلمات المفتاحيه",
    "حقوق النشر",
    "مواضيع",
    "ذات صله",
];

/// Headers of blocks that run to the end of the page: suggested articles, comments.
const TAIL_HEADERS: &[&str] = &[
    "مقالات مقترحه",
    "مقالات ذات صله",
    "اخبار ذات صله",
    "مواضيع ذات صله",
    "موضوعات ذات صله",
    "قد يعجبك ايضا",
    "قد يهمك ايضا",
    "قد يهمك",
    "اقرا ايضا",
    "الاكثر قراءه",
    "الاكثر مشاهده",
    "اخترنا لك",
    "المزيد من الاخبار",
    "اخر الاخبار",
    "التعليقات",
    "اضف تعليق",
    "تعليقات",
    "related articles",
    "related stories",
    "related news",
    "related content",
    "related",
    "recommended",
    "recommended for you",
    "you may also like",
    "you might also like",
    "more stories",
    "more from",
    "most read",
    "most popular",
    "read next",
    "comments",
    "leave a comment",
    "latest news",
];

fn is_social_bar(key: &str) -> bool {
    let mut words = key
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .peekable();
    words.peek().is_some() && words.all(|w| SOCIAL.contains(&w))
}

fn is_copyright(line: &str, key: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('©')
        || t.to_ascii_lowercase().starts_with("(c)")
        || (line.chars().count() <= 200 && key.starts_with("copyright "))
        || (line.chars().count() <= 200
            && (key.contains("all rights reserved") || key.contains("جميع الحقوق محفوظه")))
}

/// True when the line is furniture wherever it appears.
fn is_furniture_line(line: &str, key: &str) -> bool {
    if key.is_empty() {
        // Only punctuation or symbols ("|", "•", "A+ A-" reduces to "a a" so not here).
        return !line.trim().is_empty() && line.chars().count() <= 10;
    }
    if EXACT.contains(&key) || is_social_bar(key) || is_copyright(line, key) {
        return true;
    }
    if line.chars().count() > 300 {
        return false;
    }
    PREFIX.iter().any(|p| {
        key.strip_prefix(p)
            .is_some_and(|rest| rest.is_empty() || !rest.starts_with(|c: char| c.is_alphanumeric()))
    }) || LABEL_PREFIX.iter().any(|p| {
        key.strip_prefix(p).is_some_and(|rest| {
            rest.trim_start()
                .starts_with([':', '|', '-', '–', '—', '»', '：'])
        })
    })
}

/// Removes page furniture from `text` (see the module doc) and returns the cleaned text: lines
/// trimmed, `\r\n` as `\n`, runs of blank lines collapsed to one, no leading/trailing blank
/// lines. `title`, when given, is removed where it is repeated at the top; without one, a first
/// line repeated right below itself keeps a single copy.
pub fn strip_furniture(text: &str, title: Option<&str>) -> String {
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}'))
        .collect();
    let keys: Vec<String> = lines.iter().map(|l| line_key(l)).collect();
    let mut keep = vec![true; lines.len()];

    // 1. Title repeated at the top.
    let title_key = title.map(line_key).filter(|k| !k.is_empty());
    let mut first_content = None;
    let mut seen_first: Option<&str> = None;
    for (i, key) in keys.iter().enumerate() {
        if key.is_empty() && lines[i].is_empty() {
            continue;
        }
        let is_title = match &title_key {
            Some(t) => key == t,
            None => seen_first.is_some_and(|f| f == key),
        };
        if is_title {
            keep[i] = false;
            continue;
        }
        if is_furniture_line(lines[i], key) {
            keep[i] = false;
            continue;
        }
        if title_key.is_none() && seen_first.is_none() {
            seen_first = Some(key);
            continue;
        }
        first_content = Some(i);
        break;
    }

    // 2. Furniture lines anywhere.
    for i in 0..lines.len() {
        if keep[i] && is_furniture_line(lines[i], &keys[i]) {
            keep[i] = false;
        }
    }

    // 3. A tail block (suggested articles, comments): cut from its header to the end when what
    //    follows is no longer than the text before it; otherwise drop the header alone.
    let start = keep
        .iter()
        .zip(&lines)
        .position(|(k, l)| *k && !l.is_empty())
        .or(first_content)
        .unwrap_or(0);
    let total: usize = lines.iter().map(|l| l.chars().count()).sum();
    let mut before = 0usize;
    for i in 0..lines.len() {
        if i > start && TAIL_HEADERS.contains(&keys[i].as_str()) && lines[i].chars().count() <= 60 {
            let after = total - before - lines[i].chars().count();
            if after <= before {
                keep[i..].iter_mut().for_each(|k| *k = false);
                break;
            }
            keep[i] = false;
        }
        before += lines[i].chars().count();
    }

    let mut out = String::with_capacity(text.len());
    let mut blank_pending = false;
    for (i, line) in lines.iter().enumerate() {
        if !keep[i] {
            continue;
        }
        if line.is_empty() {
            blank_pending = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_pending { "\n\n" } else { "\n" });
        }
        blank_pending = false;
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_furniture() {
        let t = "Strike hits depot\nShare this article\nFacebook | Twitter | WhatsApp\n\nA strike hit a depot on Monday, officials said.\n\nRead also: Ceasefire talks resume\n\nThe ministry gave no toll.\n\nRelated articles\nOther story one\nOther story two\n© 2025 Example News. All rights reserved.";
        let out = strip_furniture(t, Some("Strike hits depot"));
        assert_eq!(
            out,
            "A strike hit a depot on Monday, officials said.\n\nThe ministry gave no toll."
        );
    }

    #[test]
    fn mid_text_header_kept_body() {
        let t = "Body one is long enough to count.\nComments\nBody two continues the story at length, much longer than the first part of it, really.";
        let out = strip_furniture(t, None);
        assert!(out.contains("Body two"));
        assert!(!out.contains("Comments"));
    }

    #[test]
    fn ordinary_words_are_not_labels() {
        let t = "Related to this, the minister said more talks would follow.\nTags: Syria, ISIS";
        assert_eq!(
            strip_furniture(t, None),
            "Related to this, the minister said more talks would follow."
        );
    }

    #[test]
    fn repeated_first_line_without_title() {
        let out = strip_furniture("Headline\n\nHeadline\nBody text.", None);
        assert_eq!(out, "Headline\n\nBody text.");
    }
}
