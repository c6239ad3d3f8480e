//! The scorer's morphological and syntactic context features and the modality of "قد", on small
//! invented sentences.

mod common;

use common::engine;
use marsad_core::{Document, Modality};
use marsad_extract::Candidate;

fn candidates(text: &str) -> Vec<Candidate> {
    engine().candidates(&Document {
        id: "t".into(),
        text: text.into(),
        lang: Some("ar".into()),
        ..Default::default()
    })
}

/// The candidate whose trigger text is `trigger` (its verb reading when there is one).
fn candidate(text: &str, trigger: &str) -> Candidate {
    let chars: Vec<char> = text.chars().collect();
    let mut found: Vec<Candidate> = candidates(text)
        .into_iter()
        .filter(|c| {
            chars[c.trigger_start..c.trigger_end]
                .iter()
                .collect::<String>()
                == trigger
        })
        .collect();
    found.sort_by_key(|c| !(has(c, "verb") || has(c, "imperfect")));
    found
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no candidate {trigger:?} in {text:?}"))
}

fn has(c: &Candidate, feature: &str) -> bool {
    c.features.iter().any(|(n, v)| *n == feature && *v != 0.0)
}

#[test]
fn definite_and_plural_triggers_are_marked() {
    let c = candidate("وندد الوزير بالهجوم على القرية.", "الهجوم");
    assert!(has(&c, "m_def") && has(&c, "m_bi"), "{:?}", c.features);
    let c = candidate("تتواصل التفجيرات في البلاد منذ سنوات.", "التفجيرات");
    assert!(
        has(&c, "m_plural_at") && has(&c, "m_def"),
        "{:?}",
        c.features
    );
    let c = candidate("شن مسلحون هجوما على حاجز للشرطة صباح امس.", "هجوما");
    assert!(
        !has(&c, "m_def") && !has(&c, "m_plural_at"),
        "{:?}",
        c.features
    );
}

#[test]
fn verbs_with_plural_subjects_and_sentence_initial_verbs() {
    let c = candidate("خطفوا ثلاثة عمال من منازلهم ليلا.", "خطفوا");
    assert!(
        has(&c, "m_verb_pl") && has(&c, "c_first2"),
        "{:?}",
        c.features
    );
}

#[test]
fn anchors_causes_and_relative_clauses() {
    let c = candidate("عادت الحياة الى المدينة بعد الهجوم.", "الهجوم");
    assert!(has(&c, "c_anchor"), "{:?}", c.features);
    let c = candidate("قتل ثلاثة اشخاص جراء انفجار في السوق.", "انفجار");
    assert!(
        has(&c, "c_cause") && !has(&c, "c_anchor"),
        "{:?}",
        c.features
    );
    let c = candidate("زار الوزير القرية التي شهدت هجوما قبل عام.", "هجوما");
    assert!(has(&c, "c_relative"), "{:?}", c.features);
    let c = candidate("وصل المحققون لكشف ملابسات اغتيال القاضي.", "اغتيال");
    assert!(has(&c, "c_idafa"), "{:?}", c.features);
}

#[test]
fn protesters_acting_or_acted_upon() {
    let c = candidate("ورفع المتظاهرون لافتات امام البرلمان.", "المتظاهرون");
    assert!(has(&c, "p_nom") && !has(&c, "p_obl"), "{:?}", c.features);
    let c = candidate("فرقت الشرطة المتظاهرين امام البرلمان.", "المتظاهرين");
    assert!(has(&c, "p_obl") && !has(&c, "p_nom"), "{:?}", c.features);
    let c = candidate("تظاهر آلاف العمال امس امام البرلمان.", "تظاهر");
    assert!(has(&c, "p_crowd_near"), "{:?}", c.features);
}

#[test]
fn protest_candidates_read_the_whole_sentence() {
    // The participant word sees the verb of its sentence, as `s_verb`.
    let c = candidate("تظاهر الطلاب امس ورفع المتظاهرون لافتات.", "المتظاهرون");
    assert!(has(&c, "s_verb") && has(&c, "s_p_nom"), "{:?}", c.features);
    // Assault candidates do not.
    let c = candidate("قتل مسلحون ثلاثة جنود امس.", "قتل");
    assert!(!c.features.iter().any(|(n, _)| n.starts_with("s_")));
}

#[test]
fn qad_before_a_perfect_verb_asserts() {
    let c = candidate("وكان مسلحون قد خطفوا ثلاثة عمال امس.", "خطفوا");
    assert_ne!(c.modality, Modality::Hypothetical);
    let c = candidate("قد يخطف المسلحون العمال.", "خطف");
    assert_eq!(c.modality, Modality::Hypothetical);
}

fn extract(text: &str, lang: &str) -> marsad_core::Extraction {
    engine().extract(&Document {
        id: "t".into(),
        text: text.into(),
        lang: Some(lang.into()),
        ..Default::default()
    })
}

#[test]
fn the_means_of_violence_names_the_event() {
    // "killed" and "landmine" tell one event: a landmine explosion.
    let x = extract(
        "Two farmers were killed when a landmine exploded in a field near Kassala.",
        "en",
    );
    let kinds: Vec<&str> = x.events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["REMOTE_EXPLOSIVE"], "{kinds:?}");
}

#[test]
fn arrests_of_protesters_are_an_intervention() {
    let x = extract(
        "Police arrested 30 demonstrators near the parliament in Amman on Monday.",
        "en",
    );
    assert!(
        x.events
            .iter()
            .any(|e| e.kind.as_str() == "PROTEST_INTERVENTION"),
        "{:?}",
        x.events.iter().map(|e| e.kind).collect::<Vec<_>>()
    );
}

#[test]
fn local_actors_take_the_country_of_the_place() {
    let x = extract(
        "Police arrested three journalists in Baghdad on Monday.",
        "en",
    );
    let police = x
        .events
        .iter()
        .flat_map(|e| e.actors.iter())
        .find(|a| a.text.eq_ignore_ascii_case("police"))
        .expect("police is an actor");
    assert_eq!(police.country.as_deref(), Some("IRQ"));
}

#[test]
fn its_forces_are_the_forces_of_the_state_before() {
    let x = extract("وقال الجيش الأميركي إن قواته قصفت مواقع للمسلحين امس.", "ar");
    let forces = x
        .entities
        .iter()
        .find(|e| e.text == "قواته")
        .expect("قواته is an actor");
    assert_eq!(forces.country.as_deref(), Some("USA"));
}
