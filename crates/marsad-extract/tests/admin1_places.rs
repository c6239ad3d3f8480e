//! First-level regions generated for every country (`iso3166-2:*` rows of the gazetteer) resolve
//! in English reports, and never take a name from the country or major city it shares it with.

mod common;

use common::{document, engine};
use marsad_core::EntityType;

/// The (gazetteer id, country) of the place entity whose text is `span` in `text`.
fn place(text: &str, span: &str) -> (String, Option<String>) {
    let out = engine().extract(&document(text, "en"));
    let hit = out
        .entities
        .iter()
        .find(|e| matches!(e.entity_type, EntityType::Loc | EntityType::Gpe) && e.text == span)
        .unwrap_or_else(|| panic!("no place {span:?} in {text:?}: {:?}", out.entities));
    (
        hit.id.to_string(),
        hit.country.as_deref().map(str::to_owned),
    )
}

fn assert_admin1(text: &str, span: &str, iso: &str, country: &str) {
    let (id, c) = place(text, span);
    assert_eq!(id, format!("iso3166-2:{iso}"), "{span:?} in {text:?}");
    assert_eq!(c.as_deref(), Some(country), "{span:?} in {text:?}");
}

#[test]
fn admin1_regions_resolve() {
    assert_admin1(
        "ISWAP fighters killed four farmers in Borno on Tuesday.",
        "Borno",
        "NG-BO",
        "NGA",
    );
    assert_admin1(
        "Gunmen attacked a village in Plateau State overnight.",
        "Plateau State",
        "NG-PL",
        "NGA",
    );
    assert_admin1(
        "M23 rebels captured the town of Rubaya in North Kivu.",
        "North Kivu",
        "CD-NK",
        "COD",
    );
    assert_admin1(
        "Russian forces shelled several villages in Donetsk Oblast.",
        "Donetsk Oblast",
        "UA-14",
        "UKR",
    );
    assert_admin1(
        "Insurgents raided a market in Cabo Delgado.",
        "Cabo Delgado",
        "MZ-P",
        "MOZ",
    );
}

#[test]
fn countries_and_cities_keep_their_names() {
    // Niger State (Nigeria) and the Kano, Lagos states do not take the country or the cities.
    let (id, c) = place("Soldiers were killed in an ambush in Niger.", "Niger");
    assert!(!id.starts_with("iso3166-2:"), "Niger resolved to {id}");
    assert_eq!(c.as_deref(), Some("NER"));
    for (text, span, country) in [
        ("A bomb exploded at a market in Kano.", "Kano", "NGA"),
        ("Police dispersed protesters in Lagos.", "Lagos", "NGA"),
        ("A blast hit a mosque in Kabul.", "Kabul", "AFG"),
        (
            "Shelling hit residential areas of Donetsk.",
            "Donetsk",
            "UKR",
        ),
    ] {
        let (id, c) = place(text, span);
        // The city (or, for a capital, the state it stands for), never the region.
        assert!(!id.starts_with("iso3166-2:"), "{span} resolved to {id}");
        assert_eq!(c.as_deref(), Some(country), "{span}");
    }
    // "Kano State" is the region, "Kano" the city.
    assert_admin1(
        "Herders clashed with farmers in Kano State.",
        "Kano State",
        "NG-KN",
        "NGA",
    );
}
