//! Places named the way conflict reports name them, on invented sentences: a small town after a
//! settlement noun ("the town of X", "مدينة X") is a place even where the document names no
//! country; the first word of an unknown longer name ("near Debre Markos") is not a small town of
//! that name elsewhere.

mod common;

use common::{document, engine};
use marsad_core::Event;

fn events(text: &str, lang: &str) -> Vec<Event> {
    engine().extract(&document(text, lang)).events
}

/// The country of the place of the first event that has one.
fn place_country(text: &str, lang: &str) -> Option<String> {
    let evs = events(text, lang);
    assert!(!evs.is_empty(), "no event in {text:?}");
    evs.iter()
        .find_map(|e| e.location.as_ref())
        .and_then(|l| l.country.as_deref().map(str::to_owned))
}

#[test]
fn a_small_town_after_a_settlement_noun_is_a_place() {
    for text in [
        "Government forces recaptured the town of Kidal after heavy fighting.",
        "Militants attacked an army post on the outskirts of Kidal on Monday.",
    ] {
        assert_eq!(place_country(text, "en").as_deref(), Some("MLI"), "{text}");
    }
    assert_eq!(
        place_country("هاجم مسلحون مواقع للجيش في مدينة كيدال.", "ar").as_deref(),
        Some("MLI")
    );
}

#[test]
fn the_first_word_of_an_unknown_name_is_no_small_town_elsewhere() {
    // "Debre" is also a GeoNames name of Debar (North Macedonia, 18,000 people).
    let text = "Fano militiamen and the Ethiopian army exchanged fire near Debre Markos.";
    assert_ne!(place_country(text, "en").as_deref(), Some("MKD"));
    // A place-type word after the name does not make it a fragment.
    let text = "Armed men attacked a checkpoint near Djibo town on Monday.";
    assert_eq!(place_country(text, "en").as_deref(), Some("BFA"));
}
