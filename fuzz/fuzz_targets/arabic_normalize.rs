//! Arabic normalisation keeps a map back to original offsets: it must cover every normalised
//! byte, be non-decreasing, and stay within the original's char count.
#![no_main]
use libfuzzer_sys::fuzz_target;
use marsad_extract::normalize::normalize;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let chars = text.chars().count();
    let n = normalize(text);
    let mut last = 0;
    for (b, _) in n
        .text
        .char_indices()
        .chain(std::iter::once((n.text.len(), ' ')))
    {
        let orig = n.orig_char(b);
        assert!(
            orig <= chars,
            "offset {orig} past the original's {chars} chars"
        );
        assert!(orig >= last, "offsets go backwards");
        last = orig;
    }
    assert_eq!(n.orig_char(n.text.len()), chars);
    for c in 0..=chars {
        let b = n.byte_of_orig_char(c);
        assert!(b <= n.text.len() && n.text.is_char_boundary(b));
    }
});
