//! Duplicate signatures: [`content_hash`] (SHA-256 of the normalised text, for exact
//! duplicates) and a 64-bit [`simhash`] over word 3-shingles with [`is_near_duplicate`] (Hamming
//! distance at most [`NEAR_DUPLICATE_MAX_DISTANCE`]) for a story republished with a changed
//! headline, byline or footer.

use sha2::{Digest, Sha256};
use unicode_segmentation::UnicodeSegmentation;

use crate::normalize::normalize;

pub use marsad_core::near_duplicate::{hamming, is_near_duplicate, NEAR_DUPLICATE_MAX_DISTANCE};

/// SHA-256 of [`crate::normalize::normalize`]`(text)`: equal for texts that differ only in
/// Unicode form, Arabic letter variants, diacritics, tatweel, case or whitespace.
pub fn content_hash(text: &str) -> [u8; 32] {
    Sha256::digest(normalize(text).as_bytes()).into()
}

/// [`content_hash`] and [`simhash`] of `text`, normalising it once.
pub fn signatures(text: &str) -> ([u8; 32], u64) {
    let norm = normalize(text);
    (
        Sha256::digest(norm.as_bytes()).into(),
        simhash_normalized(&norm),
    )
}

/// 64-bit FNV-1a followed by a SplitMix64 finaliser: stable across runs and platforms.
fn hash64(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// 64-bit SimHash of the normalised text's word 3-shingles (each shingle weight 1; texts of
/// fewer than 3 words use their words). Empty text gives 0.
pub fn simhash(text: &str) -> u64 {
    simhash_normalized(&normalize(text))
}

/// [`simhash`] of text already normalised.
fn simhash_normalized(norm: &str) -> u64 {
    let words: Vec<&str> = norm.unicode_words().collect();
    let mut acc = [0i64; 64];
    let mut add = |h: u64| {
        for (i, a) in acc.iter_mut().enumerate() {
            if (h >> i) & 1 == 1 {
                *a += 1;
            } else {
                *a -= 1;
            }
        }
    };
    if words.len() < 3 {
        for w in &words {
            add(hash64(w));
        }
    } else {
        let mut buf = String::new();
        for win in words.windows(3) {
            buf.clear();
            buf.push_str(win[0]);
            buf.push(' ');
            buf.push_str(win[1]);
            buf.push(' ');
            buf.push_str(win[2]);
            add(hash64(&buf));
        }
    }
    if words.is_empty() {
        return 0;
    }
    acc.iter()
        .enumerate()
        .fold(0u64, |h, (i, &a)| if a > 0 { h | (1 << i) } else { h })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_ignores_arabic_variants() {
        assert_eq!(content_hash("أكّد الرئيس  "), content_hash("اكد الرئيس"));
        assert_ne!(content_hash("اكد الرئيس"), content_hash("نفى الرئيس"));
        assert_eq!(simhash(""), 0);
        for text in [
            "",
            "  ",
            "أكّد الرئيس  ",
            "Coalition STRIKES hit the depot",
            "a b",
        ] {
            assert_eq!(signatures(text), (content_hash(text), simhash(text)));
        }
    }
}
