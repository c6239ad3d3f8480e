//! Text normalisation used for matching and hashing (never for the stored text): Unicode NFKC,
//! Arabic letter folding (hamza/alef forms, taa marbuta, alef maqsura), removal of diacritics
//! and tatweel, Arabic-Indic digits to ASCII, case folding and whitespace collapsing.

use unicode_normalization::{is_nfkc_quick, IsNormalized, UnicodeNormalization};

/// Folds one already-NFKC character; `None` drops it.
fn fold_char(c: char) -> Option<char> {
    Some(match c {
        'أ' | 'إ' | 'آ' | 'ٱ' | 'ٲ' | 'ٳ' => 'ا',
        'ؤ' => 'و',
        'ئ' => 'ي',
        'ى' => 'ي',
        'ة' => 'ه',
        'ک' => 'ك',
        'ی' => 'ي',
        // tatweel, harakat, Quranic marks, superscript alef
        '\u{0640}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{0610}'..='\u{061A}'
        | '\u{06D6}'..='\u{06ED}'
        // zero-width and bidi controls
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}' => return None,
        '٠'..='٩' => char::from(b'0' + (u32::from(c) - 0x0660) as u8),
        '۰'..='۹' => char::from(b'0' + (u32::from(c) - 0x06F0) as u8),
        _ => c,
    })
}

/// The normalised form of `text` (see the module doc). Whitespace runs become one space; the
/// result is trimmed.
pub fn normalize(text: &str) -> String {
    // Text that the quick check finds in NFKC already (most text) is its own NFKC: its characters
    // are folded as they are, without the decomposition and recomposition of `nfkc()`.
    if is_nfkc_quick(text.chars()) == IsNormalized::Yes {
        fold(text.len(), text.chars())
    } else {
        fold(text.len(), text.nfkc())
    }
}

/// Folds, lowercases and collapses the whitespace of NFKC characters.
fn fold(capacity: usize, chars: impl Iterator<Item = char>) -> String {
    let mut out = String::with_capacity(capacity);
    let mut pending_space = false;
    for c in chars {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        let Some(f) = fold_char(c) else { continue };
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        if f.is_uppercase() {
            out.extend(f.to_lowercase());
        } else {
            out.push(f);
        }
    }
    out
}

/// A key for comparing short lines (titles, furniture labels): [`normalize`] with punctuation
/// and symbols at both ends removed.
pub(crate) fn line_key(line: &str) -> String {
    let n = normalize(line);
    n.trim_matches(|c: char| !c.is_alphanumeric()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arabic_folding() {
        assert_eq!(normalize("أَكَّدَ  إِنَّ   مدرسةٌ على"), "اكد ان مدرسه علي");
        assert_eq!(normalize("الـــقـــدس ٢٠٢٥"), "القدس 2025");
        assert_eq!(normalize("Hello\u{00A0}WORLD"), "hello world");
        assert_eq!(line_key("  اقرأ أيضاً: "), "اقرا ايضا");
    }

    #[test]
    fn text_not_in_nfkc_is_normalised_first() {
        // Compatibility forms (ligatures, presentation forms, full-width letters), a decomposed
        // accent, marks out of canonical order: the quick check sends these through NFKC.
        assert_eq!(normalize("ﬁnal ＡＢＣ"), "final abc");
        assert_eq!(normalize("ﻻ ﷲ"), "لا الله");
        assert_eq!(normalize("Cafe\u{301} café"), "café café");
        for text in [
            "ﬁnal ＡＢＣ ﻻ ﷲ",
            "Cafe\u{301} café",
            "ا\u{655}\u{653} إ\u{653} a\u{301}\u{316}",
            "أَكَّدَ  إِنَّ   مدرسةٌ على ٢٠٢٥",
            "Hello\u{00A0}WORLD \u{2126} \u{212B} \u{1E9B}\u{323}",
        ] {
            assert_eq!(normalize(text), fold(text.len(), text.nfkc()), "{text}");
        }
    }
}
