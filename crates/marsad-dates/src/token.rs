//! One-pass tokenizer: splits text into words, numbers and punctuation, normalises Arabic
//! orthography (hamza-alef, taa marbuta, alef maqsura, diacritics, tatweel), strips the proclitics
//! و ف ب ل ك from Arabic words, classifies each word against the [`crate::lexicon`], and records
//! both char and byte offsets into the original text.
//!
//! Consecutive words that are not keywords are merged into one `Other` token, so the token vector
//! stays small on ordinary prose.

use crate::lexicon::{self, Kw};

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tk {
    /// A keyword.
    Word(Kw),
    /// One or more words that mean nothing to the date grammar.
    Other,
    /// A run of digits (ASCII, Arabic-Indic or Persian); `digits` is the run length (capped).
    Num { val: u32, digits: u8 },
    /// Any other single non-space character.
    Punct(char),
    /// A line break (dates never span one).
    Break,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Token {
    pub tk: Tk,
    /// Char offset where the token begins (including a stripped proclitic).
    pub start: usize,
    /// Char offset just past the token.
    pub end: usize,
    /// Char offset where the keyword proper begins (after a stripped proclitic).
    pub kstart: usize,
    /// Byte offset matching `kstart`.
    pub kbstart: usize,
    /// Byte offset matching `end`.
    pub bend: usize,
    /// A proclitic was stripped to find the keyword.
    pub clitic: bool,
    /// The word is Latin script.
    pub latin: bool,
}

/// Map a char to its normal form: `None` for chars dropped inside words (diacritics, tatweel,
/// joiners); otherwise the normalised char.
#[inline]
pub(crate) fn normalize_char(c: char) -> Option<char> {
    Some(match c {
        'أ' | 'إ' | 'آ' | 'ٱ' | 'ٲ' | 'ٳ' => 'ا',
        'ة' => 'ه',
        'ى' | 'ی' | 'ې' => 'ي',
        'ک' => 'ك',
        'ە' => 'ه',
        'A'..='Z' => c.to_ascii_lowercase(),
        c if is_joiner(c) => return None,
        c => c,
    })
}

/// Chars that sit inside words without being letters: Arabic diacritics, superscript alef,
/// tatweel, Quranic marks, zero-width (non-)joiners and soft hyphens.
#[inline]
fn is_joiner(c: char) -> bool {
    matches!(c,
        '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{0640}'
        | '\u{06D6}'..='\u{06ED}'
        | '\u{200C}' | '\u{200D}' | '\u{00AD}')
}

#[inline]
fn digit_value(c: char) -> Option<u32> {
    match c {
        '0'..='9' => Some(c as u32 - '0' as u32),
        '\u{0660}'..='\u{0669}' => Some(c as u32 - 0x0660),
        '\u{06F0}'..='\u{06F9}' => Some(c as u32 - 0x06F0),
        _ => None,
    }
}

#[inline]
fn is_word_char(c: char) -> bool {
    match c {
        'a'..='z' | 'A'..='Z' => true,
        '\0'..='\u{7F}' => false,
        // Arabic letters, the common case; decided without Unicode tables.
        '\u{0621}'..='\u{063A}'
        | '\u{0641}'..='\u{064A}'
        | '\u{066E}'..='\u{06D3}'
        | '\u{06D5}' => true,
        // Arabic punctuation and digits.
        '\u{0600}'..='\u{060F}'
        | '\u{061B}'..='\u{061F}'
        | '\u{0660}'..='\u{066D}'
        | '\u{06D4}' => false,
        '\u{06F0}'..='\u{06F9}' => false,
        c if is_joiner(c) => true,
        c => c.is_alphabetic(),
    }
}

/// [`normalize_char`] and [`is_word_char`] of the Arabic block (U+0600..U+06FF) by offset.
#[derive(Debug, Clone, Copy)]
struct ArabicChar {
    /// The normalised char, 0 when dropped (always a char of the block when kept).
    normalized: u32,
    /// Its UTF-8 bytes (two: the block's chars are two bytes long).
    utf8: [u8; 2],
    word: bool,
}

fn arabic_table() -> &'static [ArabicChar; 256] {
    static TABLE: std::sync::OnceLock<[ArabicChar; 256]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let blank = ArabicChar {
            normalized: 0,
            utf8: [0; 2],
            word: false,
        };
        let mut table = [blank; 256];
        for (offset, slot) in table.iter_mut().enumerate() {
            let c = char::from_u32(0x600 + offset as u32).unwrap_or(' ');
            let normalized = normalize_char(c);
            let mut utf8 = [0u8; 2];
            if let Some(n) = normalized {
                assert_eq!(n.len_utf8(), 2, "{c:?} normalises out of the Arabic block");
                n.encode_utf8(&mut utf8);
            }
            *slot = ArabicChar {
                normalized: normalized.map_or(0, u32::from),
                utf8,
                word: is_word_char(c),
            };
        }
        table
    })
}

/// [`normalize_char`], by table for ASCII and the Arabic block (what [`tokenize`] reads from
/// the bytes).
#[cfg(test)]
fn normalize_char_fast(c: char) -> Option<char> {
    match c as u32 {
        0..=0x7F => Some(c.to_ascii_lowercase()),
        n @ 0x600..=0x6FF => {
            char::from_u32(arabic_table()[(n - 0x600) as usize].normalized).filter(|&m| m != '\0')
        }
        _ => normalize_char(c),
    }
}

/// [`is_word_char`], by table for the Arabic block.
#[inline]
fn is_word_char_fast(c: char) -> bool {
    match c as u32 {
        0..=0x7F => c.is_ascii_alphabetic(),
        n @ 0x600..=0x6FF => arabic_table()[(n - 0x600) as usize].word,
        _ => is_word_char(c),
    }
}

#[inline]
fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0620}'..='\u{064A}' | '\u{066E}'..='\u{06D5}')
}

/// Tokenize `text`.
pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    // About one token per 16 bytes of news text (keywords, numbers, punctuation and the runs of
    // other words between them): sized once rather than grown.
    let mut toks: Vec<Token> = Vec::with_capacity(text.len() / 16 + 8);
    // The normalised word, as UTF-8 bytes (made of whole chars: always valid UTF-8).
    let mut buf: Vec<u8> = Vec::with_capacity(64);
    let mut alt: Vec<u8> = Vec::with_capacity(64);
    let bytes = text.as_bytes();
    let arabic = arabic_table();
    // The byte offset of the next char, and the char offset of the next token.
    let mut next = 0usize;
    let mut ci = 0usize;
    while next < bytes.len() {
        let b = next;
        let c = match bytes[b] {
            x @ 0..=0x7F => char::from(x),
            _ => text[b..].chars().next().unwrap_or('\0'),
        };
        next = b + c.len_utf8();
        let cstart = ci;
        ci += 1;
        if let Some(d) = digit_value(c) {
            let mut val = d;
            let mut digits: u32 = 1;
            let mut bend = next;
            while let Some(c2) = text[bend..].chars().next() {
                let Some(d2) = digit_value(c2) else { break };
                val = val.saturating_mul(10).saturating_add(d2);
                digits += 1;
                bend += c2.len_utf8();
                ci += 1;
            }
            next = bend;
            toks.push(Token {
                tk: Tk::Num {
                    val,
                    digits: digits.min(255) as u8,
                },
                start: cstart,
                end: ci,
                kstart: cstart,
                kbstart: b,
                bend,
                clitic: false,
                latin: false,
            });
        } else if let Some(bend) = ascii_word_end(bytes, b) {
            // A word of ASCII letters (most English words): lower-cased and looked up only when
            // the lexicon's prefilter lets it through.
            next = bend;
            ci = cstart + (bend - b);
            let word = &bytes[b..bend];
            let found = if word.len() > *lexicon::MAX_KEY_BYTES + 4 {
                None
            } else {
                match lexicon::get_ascii(word, &mut buf) {
                    // English month names only count when capitalised ("may" is a verb).
                    Some(Kw::GMonth(..)) if !c.is_ascii_uppercase() => None,
                    other => other,
                }
            };
            match found {
                Some(kw) => toks.push(Token {
                    tk: Tk::Word(kw),
                    start: cstart,
                    end: ci,
                    kstart: cstart,
                    kbstart: b,
                    bend,
                    clitic: false,
                    latin: true,
                }),
                None => push_other(&mut toks, cstart, ci, b, bend),
            }
        } else if is_word_char_fast(c) {
            buf.clear();
            let cap = c.is_ascii_uppercase();
            let latin = c.is_ascii_alphabetic();
            // The word from its first char: ASCII and the Arabic block (two bytes) read from
            // their bytes, as `is_word_char_fast` and `normalize_char_fast` read them, and their
            // normal forms written as bytes.
            let mut bend = b;
            ci = cstart;
            while bend < bytes.len() {
                let x = bytes[bend];
                if x < 0x80 {
                    if !x.is_ascii_alphabetic() {
                        break;
                    }
                    buf.push(x.to_ascii_lowercase());
                    bend += 1;
                } else if (0xD8..=0xDB).contains(&x) {
                    let offset = (usize::from(x & 0x03) << 6) | usize::from(bytes[bend + 1] & 0x3F);
                    let entry = &arabic[offset];
                    if !entry.word {
                        break;
                    }
                    if entry.normalized != 0 {
                        buf.extend_from_slice(&entry.utf8);
                    }
                    bend += 2;
                } else {
                    let c2 = text[bend..].chars().next().unwrap_or('\0');
                    if !is_word_char(c2) {
                        break;
                    }
                    if let Some(n) = normalize_char(c2) {
                        buf.extend_from_slice(n.encode_utf8(&mut [0u8; 4]).as_bytes());
                    }
                    bend += c2.len_utf8();
                }
                ci += 1;
            }
            next = bend;
            let found = if buf.len() > *lexicon::MAX_KEY_BYTES + 4 || buf.is_empty() {
                None
            } else if latin {
                match lexicon::get(&buf) {
                    // English month names only count when capitalised ("may" is a verb).
                    Some(Kw::GMonth(..)) if !cap => None,
                    other => other.map(|k| (k, 0usize)),
                }
            } else {
                lookup_arabic(&buf, &mut alt)
            };
            match found {
                Some((kw, stripped)) => {
                    let (kstart, kbstart) = normalised_char_at(&text[b..bend], stripped)
                        .map_or((cstart, b), |(k, kb)| (cstart + k, b + kb));
                    toks.push(Token {
                        tk: Tk::Word(kw),
                        start: cstart,
                        end: ci,
                        kstart,
                        kbstart,
                        bend,
                        clitic: stripped > 0,
                        latin,
                    });
                }
                None => push_other(&mut toks, cstart, ci, b, bend),
            }
        } else if c == '\n' || c == '\r' || c == '\u{2028}' || c == '\u{2029}' {
            if !matches!(toks.last(), Some(t) if t.tk == Tk::Break) {
                toks.push(punct_token(Tk::Break, cstart, b, c));
            }
        } else if c.is_whitespace() {
            continue;
        } else {
            toks.push(punct_token(Tk::Punct(c), cstart, b, c));
        }
    }
    toks
}

/// The end of the word at byte `b` when it is made of ASCII letters only (what the general word
/// loop of [`tokenize`] reads as such: it stops at any other ASCII byte); `None` when it does not
/// start with one or runs on into a non-ASCII char.
#[inline]
fn ascii_word_end(bytes: &[u8], b: usize) -> Option<usize> {
    if !bytes[b].is_ascii_alphabetic() {
        return None;
    }
    let end = bytes[b..]
        .iter()
        .position(|x| !x.is_ascii_alphabetic())
        .map_or(bytes.len(), |k| b + k);
    (end == bytes.len() || bytes[end] < 0x80).then_some(end)
}

/// The (char, byte) offset in `word` of its `n`th normalised char (chars dropped by
/// normalisation do not count).
fn normalised_char_at(word: &str, n: usize) -> Option<(usize, usize)> {
    word.char_indices()
        .enumerate()
        .filter(|(_, (_, c))| normalize_char(*c).is_some())
        .nth(n)
        .map(|(k, (kb, _))| (k, kb))
}

fn punct_token(tk: Tk, cstart: usize, b: usize, c: char) -> Token {
    Token {
        tk,
        start: cstart,
        end: cstart + 1,
        kstart: cstart,
        kbstart: b,
        bend: b + c.len_utf8(),
        clitic: false,
        latin: false,
    }
}

fn push_other(toks: &mut Vec<Token>, start: usize, end: usize, b: usize, bend: usize) {
    if let Some(last) = toks.last_mut() {
        if matches!(last.tk, Tk::Other) {
            last.end = end;
            last.bend = bend;
            return;
        }
    }
    toks.push(Token {
        tk: Tk::Other,
        start,
        end,
        kstart: start,
        kbstart: b,
        bend,
        clitic: false,
        latin: false,
    });
}

/// The first char of `word` (normalised UTF-8) when it is in the Arabic block, and the rest.
fn split_arabic(word: &[u8]) -> Option<(char, &[u8])> {
    match word {
        [x @ 0xD8..=0xDB, y, rest @ ..] => {
            char::from_u32((u32::from(x & 0x1F) << 6) | u32::from(y & 0x3F)).map(|c| (c, rest))
        }
        _ => None,
    }
}

/// The chars of UTF-8 `bytes` (those that are no continuation byte `10xxxxxx`).
fn char_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

/// Look an Arabic word (normalised UTF-8) up, stripping proclitics when the whole word is not a
/// keyword. Returns the keyword and how many normalised chars were stripped from the front (0
/// when the span must cover the whole word, as for "لل" → "ال").
fn lookup_arabic(word: &[u8], alt: &mut Vec<u8>) -> Option<(Kw, usize)> {
    if let Some(k) = lexicon::get(word) {
        return Some((k, 0));
    }
    // An Arabic letter is in the Arabic block: two bytes.
    let (first, rest) = split_arabic(word)?;
    if !is_arabic_letter(first) {
        return None;
    }
    if char_count(rest) < 2 {
        return None;
    }
    match first {
        'و' | 'ف' => {
            if let Some(k) = lexicon::get(rest) {
                return Some((k, 1));
            }
            let (second, rest2) = split_arabic(rest)?;
            if matches!(second, 'ب' | 'ل' | 'ك') && char_count(rest2) >= 2 {
                if let Some(k) = lexicon::get(rest2) {
                    return Some((k, 2));
                }
            }
            None
        }
        'ب' | 'ل' | 'ك' => {
            if let Some(k) = lexicon::get(rest) {
                return Some((k, 1));
            }
            if first == 'ل' && rest.starts_with("ل".as_bytes()) {
                // "لليوم" = ل + اليوم
                alt.clear();
                alt.extend_from_slice("ا".as_bytes());
                alt.extend_from_slice(rest);
                return lexicon::get(alt).map(|k| (k, 0));
            }
            None
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The char-reading tokenizer the byte-reading one replaced, kept as its reference.
    mod reference {
        use super::super::*;

        /// The tokenizer as it was, reading chars (the reference of the byte-reading one).
        pub(super) fn tokenize(text: &str) -> Vec<Token> {
            let mut toks: Vec<Token> = Vec::with_capacity(text.len() / 64 + 8);
            let mut buf = String::with_capacity(64);
            let mut alt = String::with_capacity(64);
            let bytes = text.as_bytes();
            let arabic = arabic_table();
            // The byte offset of the next char, and the char offset of the next token.
            let mut next = 0usize;
            let mut ci = 0usize;
            while let Some(c) = text[next..].chars().next() {
                let b = next;
                next = b + c.len_utf8();
                let cstart = ci;
                ci += 1;
                if let Some(d) = digit_value(c) {
                    let mut val = d;
                    let mut digits: u32 = 1;
                    let mut bend = next;
                    while let Some(c2) = text[bend..].chars().next() {
                        let Some(d2) = digit_value(c2) else { break };
                        val = val.saturating_mul(10).saturating_add(d2);
                        digits += 1;
                        bend += c2.len_utf8();
                        ci += 1;
                    }
                    next = bend;
                    toks.push(Token {
                        tk: Tk::Num {
                            val,
                            digits: digits.min(255) as u8,
                        },
                        start: cstart,
                        end: ci,
                        kstart: cstart,
                        kbstart: b,
                        bend,
                        clitic: false,
                        latin: false,
                    });
                } else if is_word_char_fast(c) {
                    buf.clear();
                    let cap = c.is_ascii_uppercase();
                    let latin = c.is_ascii_alphabetic();
                    let mut bend = next;
                    if let Some(n) = normalize_char_fast(c) {
                        buf.push(n);
                    }
                    // The rest of the word: ASCII and the Arabic block (two bytes) read from their
                    // bytes, as `is_word_char_fast` and `normalize_char_fast` read them.
                    while bend < bytes.len() {
                        let x = bytes[bend];
                        let (word, normalized, len) = if x < 0x80 {
                            let lower = char::from(x.to_ascii_lowercase());
                            (x.is_ascii_alphabetic(), Some(lower), 1)
                        } else if (0xD8..=0xDB).contains(&x) {
                            let offset =
                                (usize::from(x & 0x03) << 6) | usize::from(bytes[bend + 1] & 0x3F);
                            let (n, word) = (arabic[offset].normalized, arabic[offset].word);
                            (word, char::from_u32(n).filter(|&m| m != '\0'), 2)
                        } else {
                            let c2 = text[bend..].chars().next().unwrap_or('\0');
                            (is_word_char(c2), normalize_char(c2), c2.len_utf8())
                        };
                        if !word {
                            break;
                        }
                        if let Some(n) = normalized {
                            buf.push(n);
                        }
                        bend += len;
                        ci += 1;
                    }
                    next = bend;
                    let found = if buf.len() > *lexicon::MAX_KEY_BYTES + 4 || buf.is_empty() {
                        None
                    } else if latin {
                        match lexicon::get(buf.as_bytes()) {
                            // English month names only count when capitalised ("may" is a verb).
                            Some(Kw::GMonth(..)) if !cap => None,
                            other => other.map(|k| (k, 0usize)),
                        }
                    } else {
                        lookup_arabic(&buf, &mut alt)
                    };
                    match found {
                        Some((kw, stripped)) => {
                            let (kstart, kbstart) = normalised_char_at(&text[b..bend], stripped)
                                .map_or((cstart, b), |(k, kb)| (cstart + k, b + kb));
                            toks.push(Token {
                                tk: Tk::Word(kw),
                                start: cstart,
                                end: ci,
                                kstart,
                                kbstart,
                                bend,
                                clitic: stripped > 0,
                                latin,
                            });
                        }
                        None => push_other(&mut toks, cstart, ci, b, bend),
                    }
                } else if c == '\n' || c == '\r' || c == '\u{2028}' || c == '\u{2029}' {
                    if !matches!(toks.last(), Some(t) if t.tk == Tk::Break) {
                        toks.push(punct_token(Tk::Break, cstart, b, c));
                    }
                } else if c.is_whitespace() {
                    continue;
                } else {
                    toks.push(punct_token(Tk::Punct(c), cstart, b, c));
                }
            }
            toks
        }

        /// Look an Arabic word up, stripping proclitics when the whole word is not a keyword. Returns the
        /// keyword and how many normalised chars were stripped from the front (0 when the span must cover
        /// the whole word, as for "لل" → "ال").
        fn lookup_arabic(word: &str, alt: &mut String) -> Option<(Kw, usize)> {
            if let Some(k) = lexicon::get(word.as_bytes()) {
                return Some((k, 0));
            }
            let mut chars = word.chars();
            let first = chars.next()?;
            if !is_arabic_letter(first) {
                return None;
            }
            let rest = chars.as_str();
            if rest.chars().count() < 2 {
                return None;
            }
            match first {
                'و' | 'ف' => {
                    if let Some(k) = lexicon::get(rest.as_bytes()) {
                        return Some((k, 1));
                    }
                    let mut c2 = rest.chars();
                    let second = c2.next()?;
                    let rest2 = c2.as_str();
                    if matches!(second, 'ب' | 'ل' | 'ك') && rest2.chars().count() >= 2 {
                        if let Some(k) = lexicon::get(rest2.as_bytes()) {
                            return Some((k, 2));
                        }
                    }
                    None
                }
                'ب' | 'ل' | 'ك' => {
                    if let Some(k) = lexicon::get(rest.as_bytes()) {
                        return Some((k, 1));
                    }
                    if first == 'ل' && rest.starts_with('ل') {
                        // "لليوم" = ل + اليوم
                        alt.clear();
                        alt.push('ا');
                        alt.push_str(rest);
                        return lexicon::get(alt.as_bytes()).map(|k| (k, 0));
                    }
                    None
                }
                _ => None,
            }
        }
    }

    /// A text of `len` pieces drawn from Arabic and Latin letters (with the spelling variants,
    /// diacritics, tatweel and joiners normalisation drops), digits of three scripts, date
    /// keywords with and without proclitics, spaces, breaks and punctuation.
    fn random_text(seed: u64, len: usize) -> String {
        // Pieces separated by "|" (in none of them).
        const PIECES: &str = concat!(
            "ا|أ|إ|آ|ٱ|ة|ى|ی|ک|ە|ب|ل|ك|و|ف|م|ن|س|ي|ه|ر|\u{064E}|\u{0651}|\u{0640}|",
            "\u{0670}|\u{200C}|\u{00AD}|\u{06D6}|ڤ|\u{0750}|ﻻ|é|ß|Ω|a|M|z|Q|0|7|٢|",
            "٠|۲|۹| | |  |\n|\r\n|\u{2028}|\u{00A0}|\t|.|,|/|-|،|؟|ـ|أمس|وأمس|",
            "بالأمس|لليوم|اليوم|الثلاثاء|فبراير|شباط|كانون الثاني|رمضان|هـ|May|may|",
            "Tuesday|last|week|ago|2026|10|منذ|يومين|وبالخميس|فلل|ولل|The|TUESDAY|Of|",
            "yesterdays|aي",
        );
        let pieces: Vec<&str> = PIECES.split('|').collect();
        let mut state = seed | 1;
        let mut text = String::new();
        for _ in 0..len {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            text.push_str(pieces[(state % pieces.len() as u64) as usize]);
        }
        text
    }

    #[test]
    fn byte_reading_tokenizer_reads_what_the_char_reading_one_reads() {
        for seed in 1..3000u64 {
            let text = random_text(
                seed.wrapping_mul(0x9E37_79B9_7F4A_7C15),
                (seed % 60) as usize,
            );
            let fast = tokenize(&text);
            let slow = reference::tokenize(&text);
            assert_eq!(fast.len(), slow.len(), "{text:?}");
            for (f, s) in fast.iter().zip(&slow) {
                assert_eq!(
                    (f.tk, f.start, f.end, f.kstart, f.kbstart, f.bend, f.clitic, f.latin),
                    (s.tk, s.start, s.end, s.kstart, s.kbstart, s.bend, s.clitic, s.latin),
                    "{text:?}"
                );
            }
        }
    }

    fn kinds(text: &str) -> Vec<Tk> {
        tokenize(text).into_iter().map(|t| t.tk).collect()
    }

    #[test]
    fn normalises_and_strips_clitics() {
        let t = tokenize("وأمسِ");
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].tk, Tk::Word(Kw::Yesterday));
        assert!(t[0].clitic);
        assert_eq!((t[0].start, t[0].kstart, t[0].end), (0, 1, 5));
        let t = tokenize("بالأمس");
        assert_eq!(t[0].tk, Tk::Word(Kw::Yesterday));
        assert_eq!(t[0].kstart, 1);
        let t = tokenize("لليوم");
        assert_eq!(t[0].tk, Tk::Word(Kw::Today));
        assert_eq!(t[0].kstart, 0);
    }

    #[test]
    fn tatweel_and_diacritics_inside_words() {
        assert_eq!(kinds("الخـــميس"), vec![Tk::Word(Kw::Weekday(3))]);
        assert_eq!(kinds("غداً"), vec![Tk::Word(Kw::Tomorrow)]);
        assert_eq!(kinds("الإثنين"), vec![Tk::Word(Kw::Weekday(0))]);
    }

    #[test]
    fn numbers_in_three_scripts() {
        assert_eq!(
            kinds("2026 ٢٠٢٦ ۲۰۲۶"),
            vec![
                Tk::Num {
                    val: 2026,
                    digits: 4
                };
                3
            ]
        );
    }

    #[test]
    fn other_words_merge() {
        assert_eq!(kinds("قال الوزير إن"), vec![Tk::Other]);
        assert_eq!(
            kinds("a\nb"),
            vec![Tk::Word(Kw::NumWord(1)), Tk::Break, Tk::Other]
        );
    }

    #[test]
    fn tables_agree_with_the_char_functions() {
        for c in (0u32..0x800).filter_map(char::from_u32) {
            assert_eq!(normalize_char_fast(c), normalize_char(c), "{c:?}");
            assert_eq!(is_word_char_fast(c), is_word_char(c), "{c:?}");
        }
    }

    #[test]
    fn english_months_need_capitals() {
        assert_eq!(kinds("may"), vec![Tk::Other]);
        assert_eq!(kinds("May"), vec![Tk::Word(Kw::GMonth(5, false))]);
    }
}
