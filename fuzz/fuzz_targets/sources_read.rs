//! Any bytes through the sources reader (format sniffing, charset decoding, HTML, RSS/Atom, JSON
//! Lines): never a panic, every article within the limits.
#![no_main]
use libfuzzer_sys::fuzz_target;
use marsad_sources::{read_bytes, Hints, Limits};

fuzz_target!(|data: &[u8]| {
    let limits = Limits::default();
    for item in read_bytes(data, "fuzz", &Hints::default(), &limits)
        .into_iter()
        .flatten()
    {
        assert!(item.text.len() <= limits.max_bytes);
    }
    let _ = marsad_sources::parse_feed(data, &Default::default(), &limits);
});
