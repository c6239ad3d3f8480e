//! Language identification: `"ar"`, `"en"`, another ISO 639-1 code, or `"und"`. Script shares
//! decide Arabic vs Latin for short or mixed texts; `whatlang` decides within a script for
//! longer texts (Arabic vs Persian/Urdu, English vs other Latin-script languages).

use whatlang::{Lang, Script};

/// Letters that Persian and Urdu use and Arabic does not.
fn is_persian_urdu_letter(c: char) -> bool {
    matches!(
        c,
        'پ' | 'چ' | 'ژ' | 'گ' | 'ک' | 'ی' | 'ٹ' | 'ڈ' | 'ڑ' | 'ں' | 'ے' | 'ہ' | 'ھ'
    )
}

fn is_arabic_script(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

/// A few very common English function words, for short Latin-script texts.
const EN_WORDS: &[&str] = &[
    "the", "of", "and", "to", "in", "a", "is", "on", "for", "with", "that", "by", "at", "was",
    "from", "said", "has", "have", "its", "as", "are", "were", "be", "it", "an", "this", "will",
];

/// Detects the language of `text` (see the module doc). Empty or letterless text gives `"und"`.
pub fn detect_language(text: &str) -> String {
    // The first 20,000 characters, borrowed.
    let sample = &text[..text
        .char_indices()
        .nth(20_000)
        .map_or(text.len(), |(i, _)| i)];
    let (mut arabic, mut latin, mut letters, mut pu) = (0usize, 0usize, 0usize, 0usize);
    for c in sample.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        if is_arabic_script(c) {
            arabic += 1;
            if is_persian_urdu_letter(c) {
                pu += 1;
            }
        } else if c.is_ascii_alphabetic() || matches!(c, '\u{00C0}'..='\u{024F}') {
            latin += 1;
        }
    }
    if letters == 0 {
        return "und".into();
    }
    // whatlang's trigram model needs far less than the script count: 2000 chars decide. It runs
    // only where its answer is used (not for Arabic script without Persian/Urdu letters: half of
    // what the ingest sees; ~6 % of the bench ingest process's CPU went to whatlang on it).
    let head_end = sample
        .char_indices()
        .nth(2000)
        .map_or(sample.len(), |(i, _)| i);
    let detect = || whatlang::detect(&sample[..head_end]);
    if arabic * 2 > letters {
        // Arabic script. Arabic proper unless Persian/Urdu letters are frequent and whatlang agrees.
        if pu * 100 >= arabic {
            if let Some(i) = detect().filter(|i| i.script() == Script::Arabic) {
                match i.lang() {
                    Lang::Pes => return "fa".into(),
                    Lang::Urd => return "ur".into(),
                    _ => {}
                }
            }
        }
        return "ar".into();
    }
    let info = detect();
    if latin * 2 > letters {
        if let Some(i) = info.as_ref().filter(|i| i.script() == Script::Latin) {
            if i.is_reliable() || i.confidence() >= 0.5 {
                return iso639_1(i.lang()).into();
            }
        }
        let words: Vec<String> = sample
            .split_whitespace()
            .take(200)
            .map(|w| w.to_lowercase())
            .collect();
        let en = words
            .iter()
            .filter(|w| EN_WORDS.contains(&w.trim_matches(|c: char| !c.is_alphabetic())))
            .count();
        if en > 0 && en * 8 >= words.len() {
            return "en".into();
        }
        // Very short Latin text with no other evidence (a headline, a name): English is the
        // project's only Latin-script language.
        if latin < 40 {
            return "en".into();
        }
        return info.map_or("und", |i| iso639_1(i.lang())).into();
    }
    match info {
        Some(i) if i.is_reliable() => iso639_1(i.lang()).into(),
        _ => "und".into(),
    }
}

/// ISO 639-1 code for a whatlang language (`"und"` where there is none).
fn iso639_1(lang: Lang) -> &'static str {
    match lang.code() {
        "epo" => "eo",
        "eng" => "en",
        "rus" => "ru",
        "cmn" => "zh",
        "spa" => "es",
        "por" => "pt",
        "ita" => "it",
        "ben" => "bn",
        "fra" => "fr",
        "deu" => "de",
        "ukr" => "uk",
        "kat" => "ka",
        "ara" => "ar",
        "hin" => "hi",
        "jpn" => "ja",
        "heb" => "he",
        "yid" => "yi",
        "pol" => "pl",
        "amh" => "am",
        "jav" => "jv",
        "kor" => "ko",
        "nob" => "nb",
        "dan" => "da",
        "swe" => "sv",
        "fin" => "fi",
        "tur" => "tr",
        "nld" => "nl",
        "hun" => "hu",
        "ces" => "cs",
        "ell" => "el",
        "bul" => "bg",
        "bel" => "be",
        "mar" => "mr",
        "kan" => "kn",
        "ron" => "ro",
        "slv" => "sl",
        "hrv" => "hr",
        "srp" => "sr",
        "mkd" => "mk",
        "lit" => "lt",
        "lav" => "lv",
        "est" => "et",
        "tam" => "ta",
        "vie" => "vi",
        "urd" => "ur",
        "tha" => "th",
        "guj" => "gu",
        "uzb" => "uz",
        "pan" => "pa",
        "aze" => "az",
        "ind" => "id",
        "tel" => "te",
        "pes" => "fa",
        "mal" => "ml",
        "ori" => "or",
        "mya" => "my",
        "nep" => "ne",
        "sin" => "si",
        "khm" => "km",
        "tuk" => "tk",
        "aka" => "ak",
        "zul" => "zu",
        "sna" => "sn",
        "afr" => "af",
        "lat" => "la",
        "slk" => "sk",
        "cat" => "ca",
        "tgl" => "tl",
        "hye" => "hy",
        _ => "und",
    }
}

/// Normalises a language tag from a caller, `<html lang>`, `og:locale` or a feed (`"ar-SA"`,
/// `"en_US"`, `"ara"`) to a lowercase ISO 639-1 code; `None` if it is not one.
pub fn normalize_lang_tag(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    match primary.as_str() {
        "ara" => Some("ar".into()),
        "eng" => Some("en".into()),
        "und" => Some("und".into()),
        p if p.len() == 2 && p.bytes().all(|b| b.is_ascii_lowercase()) => Some(p.into()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_texts() {
        assert_eq!(detect_language("قصف"), "ar");
        assert_eq!(detect_language("غارة على غزة"), "ar");
        assert_eq!(detect_language("Airstrike in Gaza"), "en");
        assert_eq!(detect_language("  123 !!"), "und");
        assert_eq!(
            detect_language("وقال Barrack إن التحالف سيواصل عملياته في سوريا"),
            "ar"
        );
    }

    #[test]
    fn long_texts() {
        let fr = "Le ministre des affaires étrangères a déclaré mardi que la coalition poursuivrait ses opérations contre l'organisation dans le nord du pays.";
        assert_eq!(detect_language(fr), "fr");
        let fa = "وزیر امور خارجه ایران گفت که کشورش از گفتگو با همسایگان استقبال می‌کند و این گفتگوها باید ادامه پیدا کند.";
        assert_eq!(detect_language(fa), "fa");
        assert_eq!(normalize_lang_tag("ar-SA").as_deref(), Some("ar"));
        assert_eq!(normalize_lang_tag("en_US").as_deref(), Some("en"));
        assert_eq!(normalize_lang_tag("arabic"), None);
    }
}
