//! Decoded text through every text stage: HTML to text, furniture stripping, normalisation,
//! language detection, hashing.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let decoded = marsad_sources::decode(data, None);
    let text = decoded.text.as_str();
    let plain = marsad_sources::html_to_text(text);
    let stripped = marsad_sources::strip_furniture(&plain, None);
    let normalized = marsad_sources::normalize(&stripped);
    let _ = marsad_sources::detect_language(&normalized);
    let _ = marsad_sources::simhash(&normalized);
    let _ = marsad_sources::content_hash(&normalized);
    let _ =
        marsad_sources::html_article(text, Some("https://example.invalid/a"), &Default::default());
});
