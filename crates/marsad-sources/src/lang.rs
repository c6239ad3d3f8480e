//! Language identification: `"ar"`, `"en"`, another ISO 639-1 code, or `"und"`. Script shares
//! decide Arabic vs Latin for short or mixed texts; `whatlang` decides within a script for
//! longer texts (Arabic vs Persian/Urdu, English vs other Latin-script languages).

use std::sync::OnceLock;

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

/// [`char::is_alphabetic`] of the characters of the Arabic block (U+0600 to U+06FF), one bit
/// each: the standard library finds these in its slow table.
fn arabic_block_alphabetic() -> &'static [u64; 4] {
    static TABLE: OnceLock<[u64; 4]> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = [0u64; 4];
        for (i, c) in ('\u{0600}'..='\u{06FF}').enumerate() {
            if c.is_alphabetic() {
                table[i / 64] |= 1 << (i % 64);
            }
        }
        table
    })
}

/// A few very common English function words, for short Latin-script texts.
const EN_WORDS: &[&str] = &[
    "the", "of", "and", "to", "in", "a", "is", "on", "for", "with", "that", "by", "at", "was",
    "from", "said", "has", "have", "its", "as", "are", "were", "be", "it", "an", "this", "will",
];

/// Words that are frequent in English and rare in the other Latin-script languages.
const ENGLISH_WORDS: &[&str] = &[
    "the", "of", "and", "that", "with", "from", "said", "have", "has", "were", "this", "which",
    "their", "been", "would", "they", "its", "into", "than", "after",
];

/// Frequent short words of other Latin-script languages (French, Spanish, Portuguese, Italian,
/// Catalan, German, Dutch, Afrikaans, Frisian, the Scandinavian languages, Tagalog, Indonesian
/// and Malay, Turkish, Swahili, Polish, Czech, Romanian, Hungarian, Finnish, Estonian, Welsh,
/// Latin) that are not English words.
const OTHER_WORDS: &[&str] = &[
    "de", "la", "le", "les", "des", "et", "du", "une", "en", "pour", "dans", "que", "qui", "sur",
    "pas", "par", "avec", "ce", "il", "sont", "los", "las", "y", "del", "por", "con", "una",
    "para", "es", "se", "lo", "da", "das", "dos", "em", "um", "uma", "com", "os", "e", "na", "ao",
    "di", "che", "della", "non", "sono", "si", "der", "und", "ist", "nicht", "zu", "den", "von",
    "mit", "sich", "auf", "ein", "eine", "dem", "werden", "wird", "auch", "im", "het", "een",
    "van", "niet", "op", "te", "zijn", "voor", "met", "nie", "om", "vir", "fan", "yn", "ang", "ng",
    "sa", "mga", "ay", "ito", "yang", "dan", "ini", "itu", "untuk", "dengan", "tidak", "dari",
    "akan", "ke", "ada", "atau", "bir", "ve", "bu", "ile", "ya", "wa", "kwa", "za", "og", "er",
    "det", "til", "av", "att", "och", "som", "ikke", "w", "z", "je", "ze", "cu", "nu", "pe", "din",
    "este", "az", "hogy", "nem", "egy", "ja", "ei", "ole", "yr", "mae", "cum", "quod", "ku", "mu",
    "ni", "kuri", "ji", "bi", "li", "ne",
];

/// Fewest words of the head for [`clearly_english`] to decide.
const CLEARLY_ENGLISH_MIN_WORDS: usize = 60;

/// The share of [`ENGLISH_WORDS`] among the words of the head, in percent, from which it may be
/// English whatever the trigrams say (English news prose has 10 to 25 %).
const CLEARLY_ENGLISH_PERCENT: usize = 12;

/// Whether the head of a Latin-script text is English beyond doubt: at least
/// [`CLEARLY_ENGLISH_MIN_WORDS`] words, of which at least [`CLEARLY_ENGLISH_PERCENT`] % are
/// [`ENGLISH_WORDS`] and at most a fifth as many [`OTHER_WORDS`], and at least 99 % of its letters
/// ASCII. Spares whatlang's trigram scoring (most of the language detection's cost) on English
/// articles; whatlang calls them English too (checked on English news and on texts of other
/// Latin-script languages mixed with English in any proportion).
pub(crate) fn clearly_english(head: &str) -> bool {
    let (words, english, other) = word_counts(head);
    if words < CLEARLY_ENGLISH_MIN_WORDS
        || english * 100 < words * CLEARLY_ENGLISH_PERCENT
        || other * 5 > english
    {
        return false;
    }
    let (mut ascii, mut non_ascii) = (0usize, 0usize);
    for c in head.chars() {
        if c.is_ascii_alphabetic() {
            ascii += 1;
        } else if !c.is_ascii() && c.is_alphabetic() {
            non_ascii += 1;
        }
    }
    non_ascii * 100 <= ascii
}

/// Words of `head` (split at whitespace), and how many of them are [`ENGLISH_WORDS`] and
/// [`OTHER_WORDS`] (once the non-letters around them are trimmed, in any case).
pub(crate) fn word_counts(head: &str) -> (usize, usize, usize) {
    let (mut words, mut english, mut other) = (0usize, 0usize, 0usize);
    for w in head.split_whitespace() {
        words += 1;
        let w = w.trim_matches(|c: char| !c.is_alphabetic());
        if w.len() > 6 {
            continue;
        }
        if ENGLISH_WORDS.iter().any(|e| w.eq_ignore_ascii_case(e)) {
            english += 1;
        } else if OTHER_WORDS.iter().any(|e| w.eq_ignore_ascii_case(e)) {
            other += 1;
        }
    }
    (words, english, other)
}

/// Detects the language of `text` (see the module doc). Empty or letterless text gives `"und"`.
pub fn detect_language(text: &str) -> String {
    detect(text, true)
}

/// [`detect_language`], with or without the [`clearly_english`] shortcut (the same answers).
fn detect(text: &str, english_shortcut: bool) -> String {
    // The first 20,000 characters, borrowed.
    let sample = &text[..text
        .char_indices()
        .nth(20_000)
        .map_or(text.len(), |(i, _)| i)];
    let (mut arabic, mut latin, mut letters, mut pu) = (0usize, 0usize, 0usize, 0usize);
    let arabic_block = arabic_block_alphabetic();
    let is_alphabetic = |c: &char| match u32::from(*c) {
        u @ 0x0600..=0x06FF => arabic_block[(u as usize - 0x0600) / 64] >> (u % 64) & 1 == 1,
        _ => c.is_alphabetic(),
    };
    for c in sample.chars().filter(is_alphabetic) {
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
    if english_shortcut && latin * 2 > letters && clearly_english(&sample[..head_end]) {
        return "en".into();
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

    #[test]
    fn arabic_block_table_is_is_alphabetic() {
        let table = arabic_block_alphabetic();
        for (i, c) in ('\u{0600}'..='\u{06FF}').enumerate() {
            assert_eq!(
                table[i / 64] >> (i % 64) & 1 == 1,
                c.is_alphabetic(),
                "{c:?}"
            );
        }
    }

    const ENGLISH: &str = "The coalition said in a statement that the strikes had hit weapons depots and command centres used by the group in the east of the country. It said that the operation would continue until the threat had been removed, and that civilians had not been harmed. Officials from the ministry of defence told reporters that they were working with their partners to secure the border.";

    /// Other Latin-script languages quoting English, the way news does.
    const QUOTING: &[(&str, &str)] = &[
        ("fr", "Le porte-parole du Pentagone a déclaré mardi que « the coalition will continue to support our partners on the ground », avant d'ajouter que les frappes aériennes menées dans la nuit contre des positions de l'organisation État islamique dans l'est de la Syrie avaient visé des dépôts d'armes et des centres de commandement. Le ministre a estimé que « this is not the time for half measures » et a appelé les pays de la région à renforcer leur coopération."),
        ("es", "El portavoz del Departamento de Estado afirmó el martes que \"the United States remains committed to a peaceful solution\" y subrayó que Washington no reconocerá los resultados de las elecciones celebradas el domingo en la región. Un analista citado por la agencia Reuters dijo que \"this crisis will not be solved by force alone\" y que la comunidad internacional debe presionar a ambas partes para que vuelvan a la mesa de negociaciones."),
        ("de", "Der Sprecher des Weißen Hauses sagte am Dienstag, \"we have made it clear that there will be consequences\", und kündigte neue Sanktionen gegen mehrere Unternehmen an, die im Verdacht stehen, die Milizen mit Waffen zu beliefern. Ein Vertreter der Opposition sagte der Nachrichtenagentur AFP, \"the people want peace, not more weapons\", und forderte einen sofortigen Waffenstillstand."),
        ("it", "Il portavoce del ministero degli Esteri ha dichiarato martedì che \"the situation on the ground is deteriorating rapidly\" e ha invitato tutte le parti a rispettare il cessate il fuoco concordato la settimana scorsa. Il segretario generale delle Nazioni Unite ha condannato l'attacco, affermando che \"those responsible must be held accountable\", mentre Mosca ha respinto ogni responsabilità."),
        ("pt", "O porta-voz do governo afirmou nesta terça-feira que \"we will not negotiate with terrorists\" e confirmou que as forças armadas realizaram uma operação no norte do país contra um grupo armado que havia sequestrado vinte trabalhadores de uma empresa de mineração. Um diplomata ocidental ouvido pela Reuters disse que \"this is a turning point for the region\" e que a comunidade internacional deve apoiar os esforços de estabilização."),
        ("tr", "Dışişleri Bakanlığı sözcüsü salı günü yaptığı açıklamada, \"we are closely monitoring the situation\" diyerek bölgedeki gelişmelerin yakından takip edildiğini söyledi. Bakan, ateşkesin korunması için tüm tarafları itidale davet ederek, \"there is no military solution to this conflict\" ifadesini kullandı. Muhalefet temsilcileri ise saldırıların sivil yerleşim yerlerini hedef aldığını ve uluslararası toplumun harekete geçmesi gerektiğini belirtti."),
        ("id", "Juru bicara Kementerian Luar Negeri mengatakan pada hari Selasa bahwa \"the government will do everything in its power to protect its citizens\" dan menegaskan bahwa evakuasi warga negara Indonesia dari wilayah konflik akan dilakukan secepatnya. Seorang analis yang dikutip oleh Reuters mengatakan bahwa \"this conflict has been building for years\" dan bahwa dialog adalah satu-satunya jalan keluar bagi kedua belah pihak."),
    ];

    #[test]
    fn the_english_shortcut_gives_whatlangs_answer() {
        assert!(clearly_english(ENGLISH));
        assert_eq!(detect_language(ENGLISH), "en");
        assert_eq!(detect(ENGLISH, false), "en");
        for (lang, text) in QUOTING {
            assert!(!clearly_english(text), "{lang}");
            assert_eq!(detect_language(text), *lang);
            // With a whole English paragraph before or after, or in alternate sentences.
            let sentences: Vec<&str> = text.split_inclusive(". ").collect();
            let english: Vec<&str> = ENGLISH.split_inclusive(". ").collect();
            let interleaved: String = sentences
                .iter()
                .zip(english.iter().chain(std::iter::repeat(&"")))
                .flat_map(|(a, b)| [*a, " ", *b, " "])
                .collect();
            for mixed in [
                format!("{ENGLISH}\n\n{text}"),
                format!("{text}\n\n{ENGLISH}"),
                format!("{ENGLISH}\n{ENGLISH}\n{text}"),
                interleaved,
            ] {
                assert_eq!(detect_language(&mixed), detect(&mixed, false), "{mixed}");
            }
        }
        // Too short to decide, or not mostly ASCII letters.
        assert!(!clearly_english(
            "The strikes hit the depot and the border."
        ));
        let accented = ENGLISH.replace('e', "é");
        assert!(!clearly_english(&accented));
    }
}
