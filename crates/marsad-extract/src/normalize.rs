//! Text normalisation for matching, with a map back to the original text.
//!
//! Arabic: hamza forms of alef become bare alef, taa marbuta becomes haa, alef maqsura becomes
//! yaa, diacritics, tatweel and direction marks are dropped, Arabic-Indic digits become ASCII.
//! Latin letters are lower-cased. Every kept char maps one-to-one to an original char, so a byte
//! span of the normalised text maps back to a char span of the original.

/// Normalised text and, for every byte offset of it, the char offset in the original.
#[derive(Debug, Default)]
pub struct Normalized {
    pub text: String,
    /// `orig[b]` is the original char offset of the normalised char starting at byte `b`
    /// (interior bytes of a char repeat its value); `orig[text.len()]` is the original length.
    orig: Vec<u32>,
}

impl Normalized {
    /// Original char offset of a normalised byte offset (a char boundary or the end).
    #[inline]
    pub fn orig_char(&self, byte: usize) -> usize {
        self.orig[byte.min(self.orig.len() - 1)] as usize
    }

    /// The normalised byte offset of the first kept char at or after an original char offset.
    pub fn byte_of_orig_char(&self, orig_char: usize) -> usize {
        let b = self.orig.partition_point(|&o| (o as usize) < orig_char);
        let mut b = b.min(self.text.len());
        while !self.text.is_char_boundary(b) {
            b += 1;
        }
        b
    }
}

/// Normalises one char; `None` drops it.
#[inline]
pub fn normalize_char(c: char) -> Option<char> {
    Some(match c {
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        'ة' => 'ه',
        'ى' => 'ي',
        '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' => return None,
        '\u{200B}'..='\u{200F}' | '\u{061C}' | '\u{FEFF}' | '\u{202A}'..='\u{202E}' => return None,
        '٠'..='٩' => char::from(b'0' + (c as u32 - '٠' as u32) as u8),
        '۰'..='۹' => char::from(b'0' + (c as u32 - '۰' as u32) as u8),
        '،' => ',',
        '؛' => ';',
        '؟' => '?',
        '“' | '”' | '«' | '»' | '„' | '″' => '"',
        '‘' | '’' | '`' | '´' => '\'',
        '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\t' | '\r' => ' ',
        'A'..='Z' => c.to_ascii_lowercase(),
        c if c.is_ascii() => c,
        // The rest of the Arabic block has no case.
        '\u{0600}'..='\u{06FF}' => c,
        c if c.is_uppercase() => c.to_lowercase().next().unwrap_or(c),
        c => c,
    })
}

/// [`normalize_char`] of U+0600..U+06FF by offset (0: dropped).
fn arabic_table() -> &'static [u32; 256] {
    static TABLE: std::sync::OnceLock<[u32; 256]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = [0u32; 256];
        for (offset, slot) in table.iter_mut().enumerate() {
            let c = char::from_u32(0x600 + offset as u32).unwrap_or(' ');
            *slot = normalize_char(c).map_or(0, u32::from);
        }
        table
    })
}

/// Normalises `text`, keeping the offset map.
///
/// Most chars are kept as they are: the text is copied in runs of unchanged chars (one copy per
/// run) rather than char by char, and only the offset map is written for every byte.
pub fn normalize(text: &str) -> Normalized {
    let mut normalized = Normalized::default();
    normalize_into(text, &mut normalized);
    normalized
}

/// [`normalize`] into `normalized`, whose buffers are reused (a caller that normalises one text
/// after another allocates once, not per text).
pub fn normalize_into(text: &str, normalized: &mut Normalized) {
    let Normalized { text: out, orig } = normalized;
    out.clear();
    orig.clear();
    if text.is_ascii() {
        // An ASCII text (checked with vector instructions): byte for byte, as below, and every
        // byte a char.
        let mut bytes = std::mem::take(out).into_bytes();
        bytes.extend(text.bytes().map(|b| match b {
            b'A'..=b'Z' => b + 32,
            b'\t' | b'\r' => b' ',
            b'`' => b'\'',
            _ => b,
        }));
        *out = String::from_utf8(bytes).expect("ASCII maps to ASCII");
        orig.extend(0..=text.len() as u32);
        return;
    }
    out.reserve(text.len());
    orig.reserve(text.len() + 1);
    let mut count = 0u32;
    let bytes = text.as_bytes();
    let arabic = arabic_table();
    // The start of the run of unchanged chars not yet copied to `out`.
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            // ASCII: upper case folded, tab and carriage return made spaces.
            let n = match b {
                b'A'..=b'Z' => b + 32,
                b'\t' | b'\r' => b' ',
                b'`' => b'\'',
                _ => b,
            };
            if n != b {
                out.push_str(&text[run..i]);
                out.push(char::from(n));
                run = i + 1;
            }
            orig.push(count);
            i += 1;
        } else if (0xD8..=0xDB).contains(&b) && i + 1 < bytes.len() {
            // The Arabic block (U+0600..U+06FF), two bytes: a table.
            let offset = (usize::from(b & 0x03) << 6) | usize::from(bytes[i + 1] & 0x3F);
            let n = arabic[offset];
            if n == 0x600 + offset as u32 {
                orig.extend_from_slice(&[count, count]);
            } else {
                out.push_str(&text[run..i]);
                if n != 0 {
                    let n = char::from_u32(n).unwrap_or(' ');
                    out.push(n);
                    orig.extend(std::iter::repeat_n(count, n.len_utf8()));
                }
                run = i + 2;
            }
            i += 2;
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            let len = c.len_utf8();
            match normalize_char(c) {
                Some(n) if n == c => orig.extend(std::iter::repeat_n(count, len)),
                other => {
                    out.push_str(&text[run..i]);
                    if let Some(n) = other {
                        out.push(n);
                        orig.extend(std::iter::repeat_n(count, n.len_utf8()));
                    }
                    run = i + len;
                }
            }
            i += len;
        }
        count += 1;
    }
    out.push_str(&text[run..]);
    orig.push(count);
}

/// Normalises a lexicon pattern: the same char map, whitespace collapsed, trimmed.
pub fn normalize_pattern(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut space = false;
    for c in pattern.trim().chars().filter_map(normalize_char) {
        if c.is_whitespace() {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out
}

/// Whether a char belongs to a word (letters and digits of any script).
#[inline]
pub fn is_word_char(c: char) -> bool {
    // Fast paths for ASCII and the Arabic letters (U+0620..U+064A, all alphabetic); the Unicode
    // tables for the rest.
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else if ('\u{0620}'..='\u{064A}').contains(&c) {
        true
    } else {
        c.is_alphanumeric()
    }
}

/// Whether a char is an Arabic letter.
#[inline]
pub fn is_arabic(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_forms_fold_and_offsets_map_back() {
        let original = "أكّد الـمبعوثُ ١٢ مرة";
        let n = normalize(original);
        assert_eq!(n.text, "اكد المبعوث 12 مره");
        let start = n.text.find("المبعوث").unwrap();
        let end = start + "المبعوث".len();
        let chars: Vec<char> = original.chars().collect();
        let span: String = chars[n.orig_char(start)..n.orig_char(end)].iter().collect();
        assert_eq!(span.trim_end(), "الـمبعوثُ");
    }

    #[test]
    fn latin_is_lowercased_and_quotes_unified() {
        assert_eq!(normalize("“Barrack” Said").text, "\"barrack\" said");
        assert_eq!(
            normalize_pattern("  Global   Coalition "),
            "global coalition"
        );
    }

    #[test]
    fn word_chars_agree_with_unicode() {
        for c in (0u32..0x3000).filter_map(char::from_u32) {
            assert_eq!(is_word_char(c), c.is_alphanumeric(), "{c:?}");
        }
    }

    #[test]
    fn the_fast_path_agrees_with_the_char_map() {
        let ascii: String = (0u8..0x80).map(char::from).collect();
        let mut text = ascii.clone();
        text.extend((0x600u32..0x700).filter_map(char::from_u32));
        text.push_str("\u{e9}\u{c9}أإآٱةى\u{064B}ـ٣۴،؛؟“»‘\u{00A0}\u{200F}\u{FEFF}Ωω中\u{23A}\n");
        // An ASCII text (its own path) and a mixed one.
        for text in [ascii.as_str(), text.as_str()] {
            agrees_with_the_char_map(text);
        }
    }

    fn agrees_with_the_char_map(text: &str) {
        let n = normalize(text);
        let expected: String = text.chars().filter_map(normalize_char).collect();
        assert_eq!(n.text, expected);
        let mut orig = Vec::new();
        for (k, c) in text.chars().enumerate() {
            if let Some(m) = normalize_char(c) {
                orig.extend(std::iter::repeat_n(k as u32, m.len_utf8()));
            }
        }
        orig.push(text.chars().count() as u32);
        assert_eq!(n.orig, orig);
    }

    #[test]
    fn hijri_digits_and_maqsura() {
        assert_eq!(normalize("مستشفى ١٤٤٧").text, "مستشفي 1447");
    }
}
