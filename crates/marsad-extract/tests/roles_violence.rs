//! Roles in violent events, on invented sentences: an attacker named by the trigger's own word
//! ("gunmen", "مسلحون") is the agent and never also the target; two bare titles side by side
//! ("مسلحون مجهولون") are one actor; a toll told as a result (", killing two officers", "ما أدى
//! إلى مقتل") takes its sentence's agent; one word read by two patterns is one entity.

mod common;

use common::{document, engine};
use marsad_core::{Event, Role};

fn events(text: &str, lang: &str) -> Vec<Event> {
    engine().extract(&document(text, lang)).events
}

/// (text, role) of every actor of every event.
fn roles(text: &str, lang: &str) -> Vec<(String, Role)> {
    events(text, lang)
        .iter()
        .flat_map(|e| e.actors.iter().map(|a| (a.text.clone(), a.role)))
        .collect()
}

#[test]
fn the_attackers_word_is_the_agent_only() {
    for (text, lang, attacker) in [
        (
            "Unknown gunmen shot dead a village chief in Zamfara.",
            "en",
            "gunmen",
        ),
        (
            "Gunmen killed two traders on the road to the market.",
            "en",
            "Gunmen",
        ),
        (
            "قتل مسلحون تاجرين في هجوم على سوق مدينة الموصل أمس.",
            "ar",
            "مسلحون",
        ),
    ] {
        let got = roles(text, lang);
        assert!(
            got.iter().any(|(t, r)| t == attacker && *r == Role::Actor),
            "{text}: {got:?}"
        );
        assert!(
            !got.iter().any(|(t, r)| t == attacker && *r != Role::Actor),
            "{text}: the attacker also took another role: {got:?}"
        );
    }
}

#[test]
fn a_result_takes_the_agent_of_its_sentence() {
    for (text, lang, attacker, target) in [
        (
            "Militants attacked a police post in Kidal, killing two officers.",
            "en",
            "Militants",
            "police",
        ),
        (
            "أطلق مسلحون النار على دورية للشرطة في مدينة الموصل أمس، ما أدى إلى مقتل شرطيين.",
            "ar",
            "مسلحون",
            "شرطة",
        ),
    ] {
        let evs = events(text, lang);
        assert_eq!(evs.len(), 1, "{text}: one event, got {evs:#?}");
        let got = roles(text, lang);
        assert!(
            got.iter()
                .all(|(t, r)| (t == attacker) == (*r == Role::Actor)),
            "{text}: only the attacker is the agent: {got:?}"
        );
        assert!(
            got.iter().any(|(t, r)| t == target && *r == Role::Target),
            "{text}: {got:?}"
        );
    }
}

#[test]
fn two_bare_titles_side_by_side_are_one_actor() {
    let text = "هاجم مسلحون مجهولون نقطة تفتيش للجيش في بلدة جاسم بريف درعا.";
    let got = roles(text, "ar");
    assert!(
        got.iter()
            .any(|(t, r)| t == "مسلحون مجهولون" && *r == Role::Actor),
        "{got:?}"
    );
    assert!(!got.iter().any(|(t, _)| t == "مجهولون"), "{got:?}");
}

#[test]
fn one_word_is_one_entity() {
    let extraction = engine().extract(&document(
        "هاجم مسلحون مجهولون نقطة تفتيش للجيش في بلدة جاسم بريف درعا.",
        "ar",
    ));
    let mut spans: Vec<(usize, usize)> = extraction
        .entities
        .iter()
        .map(|e| (e.start, e.end))
        .collect();
    let all = spans.len();
    spans.sort_unstable();
    spans.dedup();
    assert_eq!(spans.len(), all, "{:?}", extraction.entities);
}
