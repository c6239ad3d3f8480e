//! Bytes to text: charset detection (caller's hint, BOM, `<meta charset>` / `http-equiv`, XML
//! declaration, BOM-less UTF-16, UTF-8 validity, then `chardetng`), decoding with `encoding_rs`
//! that counts invalid bytes instead of dropping them, and the binary-junk check.

use std::sync::LazyLock;

use encoding_rs::{DecoderResult, Encoding, UTF_16BE, UTF_16LE, UTF_8};
use regex::bytes::Regex;

use crate::error::SourceError;

/// Where the encoding came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharsetSource {
    /// The caller's hint (an HTTP `Content-Type` charset).
    Hint,
    /// A byte-order mark.
    Bom,
    /// `<meta charset>` or `<meta http-equiv="Content-Type" content="...; charset=...">`.
    Meta,
    /// `<?xml ... encoding="..."?>`.
    XmlDeclaration,
    /// Guessed: BOM-less UTF-16 by its NUL pattern, valid UTF-8, or `chardetng`.
    Detected,
}

/// Text decoded from bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text (BOM removed; undecodable bytes replaced by U+FFFD).
    pub text: String,
    /// WHATWG name of the encoding used: `"UTF-8"`, `"UTF-16LE"`, `"windows-1256"`, `"ISO-8859-6"`, ...
    pub encoding: &'static str,
    /// How the encoding was chosen.
    pub source: CharsetSource,
    /// Number of bytes that could not be decoded (each malformed sequence is one U+FFFD).
    pub invalid_bytes: usize,
    /// Notes for the article's warnings (a hint that was overruled, an unknown label, ...).
    pub warnings: Vec<String>,
}

static META_CHARSET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i-u)<meta\b[^>]*?charset\s*=\s*["']?\s*([a-z0-9_.:\-]+)"#)
        .expect("constant regex")
});
static XML_DECL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?-u)\A\s*<\?xml\b[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)["']"#)
        .expect("constant regex")
});

/// Extracts a charset label from a `Content-Type` value or returns the value itself.
fn charset_label(hint: &str) -> &str {
    let lower = hint.to_ascii_lowercase();
    match lower.find("charset=") {
        Some(i) => hint[i + 8..]
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches(|c| c == '"' || c == '\''),
        None => hint.trim(),
    }
}

/// Decodes `bytes`, choosing the encoding in this order: the caller's `charset_hint` (a label or
/// a whole `Content-Type` value), a BOM (which wins over a contradicting hint, with a warning),
/// `<meta charset>` / `http-equiv` in the first 4 KiB, an XML declaration, BOM-less UTF-16 by
/// its NUL pattern, valid (or nearly valid) UTF-8, then `chardetng`. Undecodable bytes become
/// U+FFFD and are counted in [`Decoded::invalid_bytes`]; nothing is dropped silently.
pub fn decode(bytes: &[u8], charset_hint: Option<&str>) -> Decoded {
    let mut warnings = Vec::new();
    let bom = Encoding::for_bom(bytes);
    if let Some(hint) = charset_hint.filter(|h| !h.trim().is_empty()) {
        let label = charset_label(hint);
        match Encoding::for_label(label.as_bytes()) {
            Some(enc) => match bom {
                Some((bom_enc, _)) if bom_enc != enc => warnings.push(format!(
                    "charset hint {label} contradicts the {} byte-order mark; the BOM wins",
                    bom_enc.name()
                )),
                _ => return finish(bytes, enc, CharsetSource::Hint, warnings),
            },
            None => warnings.push(format!("unknown charset hint {label:?} ignored")),
        }
    }
    if let Some((enc, _)) = bom {
        return finish(bytes, enc, CharsetSource::Bom, warnings);
    }
    let head = &bytes[..bytes.len().min(4096)];
    let declared = META_CHARSET
        .captures(head)
        .map(|c| (c, CharsetSource::Meta))
        .or_else(|| {
            XML_DECL
                .captures(head)
                .map(|c| (c, CharsetSource::XmlDeclaration))
        });
    if let Some((caps, how)) = declared {
        let label = String::from_utf8_lossy(&caps[1]).into_owned();
        match Encoding::for_label(label.as_bytes()) {
            // A declaration read as ASCII cannot be UTF-16: WHATWG treats it as UTF-8.
            Some(enc) if enc == UTF_16LE || enc == UTF_16BE => {
                return finish(bytes, UTF_8, how, warnings)
            }
            Some(enc) if enc == UTF_8 && !mostly_utf8(bytes) => warnings.push(format!(
                "declared charset {label} does not match the bytes; detected instead"
            )),
            Some(enc) => return finish(bytes, enc, how, warnings),
            None => warnings.push(format!("unknown declared charset {label:?} ignored")),
        }
    }
    if let Some(enc) = utf16_by_nuls(bytes) {
        return finish(bytes, enc, CharsetSource::Detected, warnings);
    }
    if mostly_utf8(bytes) {
        return finish(bytes, UTF_8, CharsetSource::Detected, warnings);
    }
    let mut det = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    det.feed(&bytes[..bytes.len().min(1 << 20)], true);
    let enc = det.guess(None, chardetng::Utf8Detection::Allow);
    finish(bytes, enc, CharsetSource::Detected, warnings)
}

fn finish(
    bytes: &[u8],
    enc: &'static Encoding,
    source: CharsetSource,
    warnings: Vec<String>,
) -> Decoded {
    let (text, invalid_bytes) = decode_counting(bytes, enc);
    Decoded {
        text,
        encoding: enc.name(),
        source,
        invalid_bytes,
        warnings,
    }
}

/// Decodes with `enc` (a BOM, if present, is removed and wins), replacing each malformed
/// sequence by U+FFFD and counting the bytes it covered.
fn decode_counting(bytes: &[u8], enc: &'static Encoding) -> (String, usize) {
    let mut decoder = enc.new_decoder_with_bom_removal();
    let mut out = String::with_capacity(
        decoder
            .max_utf8_buffer_length_without_replacement(bytes.len())
            .unwrap_or(bytes.len().saturating_mul(3)),
    );
    let mut input = bytes;
    let mut invalid = 0usize;
    loop {
        let (result, read) = decoder.decode_to_string_without_replacement(input, &mut out, true);
        input = &input[read..];
        match result {
            DecoderResult::InputEmpty => break,
            DecoderResult::OutputFull => {
                let more = decoder
                    .max_utf8_buffer_length_without_replacement(input.len())
                    .unwrap_or(input.len().saturating_mul(3))
                    .max(16);
                out.reserve(more);
            }
            DecoderResult::Malformed(bad, _) => {
                invalid += usize::from(bad).max(1);
                out.push('\u{FFFD}');
            }
        }
    }
    (out, invalid)
}

/// True when the bytes are valid UTF-8, or UTF-8 with a few stray bytes among many valid
/// multi-byte sequences (a damaged UTF-8 file rather than a legacy code page).
fn mostly_utf8(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(1 << 20)];
    let mut rest = sample;
    let mut errors = 0usize;
    let mut multibyte = 0usize;
    loop {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                multibyte += s.chars().filter(|c| c.len_utf8() > 1).count();
                break;
            }
            Err(e) => {
                let valid = &rest[..e.valid_up_to()];
                // Safe: `valid_up_to` bytes are valid UTF-8.
                multibyte += String::from_utf8_lossy(valid)
                    .chars()
                    .filter(|c| c.len_utf8() > 1)
                    .count();
                match e.error_len() {
                    Some(n) => {
                        errors += 1;
                        rest = &rest[e.valid_up_to() + n..];
                    }
                    // Truncated sequence at the end of the sample (or input): not an error
                    // of the encoding choice.
                    None => break,
                }
            }
        }
    }
    errors == 0 || multibyte >= errors.saturating_mul(8)
}

/// BOM-less UTF-16: in text of mostly ASCII-range or Arabic characters one byte of each pair is
/// NUL (Latin) or 0x06 (Arabic) far more often at one parity than at the other.
fn utf16_by_nuls(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 8 {
        return None;
    }
    let pairs = sample.len() / 2;
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        if matches!(pair[0], 0x00 | 0x06) {
            even += 1;
        }
        if matches!(pair[1], 0x00 | 0x06) {
            odd += 1;
        }
    }
    let strong = |a: usize, b: usize| a * 10 >= pairs * 6 && b * 10 <= pairs;
    if strong(odd, even) {
        Some(UTF_16LE)
    } else if strong(even, odd) {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Share (0..=100) of control characters (other than tab, LF, CR, FF) and U+FFFD in the first
/// 64 KiB chars of `text`.
pub(crate) fn junk_percent(text: &str) -> u8 {
    let mut total = 0usize;
    let mut junk = 0usize;
    for c in text.chars().take(65_536) {
        total += 1;
        let bad = c == '\u{FFFD}'
            || (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{0C}' | '\u{85}'));
        if bad {
            junk += 1;
        }
    }
    if total == 0 {
        return 0;
    }
    u8::try_from(junk * 100 / total).unwrap_or(100)
}

/// Refuses text that is binary junk: more than 10% control/undecodable characters, or any run
/// that contains NULs in more than 1% of the sample.
pub(crate) fn check_not_binary(text: &str) -> Result<(), SourceError> {
    let sample: String = text.chars().take(65_536).collect();
    let nuls = sample.chars().filter(|&c| c == '\0').count();
    let total = sample.chars().count().max(1);
    let percent = junk_percent(&sample);
    if percent > 10 || nuls * 100 > total {
        return Err(SourceError::Binary {
            percent: percent.max(1),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_from_content_type() {
        assert_eq!(
            charset_label("text/html; charset=\"windows-1256\""),
            "windows-1256"
        );
        assert_eq!(charset_label("utf-8"), "utf-8");
    }

    #[test]
    fn counts_invalid_utf8() {
        let d = decode(b"abc \xff\xfe\xfd def \xc3\xa9", Some("utf-8"));
        assert_eq!(d.invalid_bytes, 3);
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.text.contains('\u{FFFD}'));
    }

    #[test]
    fn nearly_utf8_stays_utf8() {
        let mut b = "مرحبا بكم في هذا الاختبار الطويل قليلا "
            .repeat(5)
            .into_bytes();
        b.push(0xff);
        let d = decode(&b, None);
        assert_eq!(d.encoding, "UTF-8");
        assert_eq!(d.invalid_bytes, 1);
    }
}
