//! Roles in custody, detention and transfer events, on invented sentences: an armed group held
//! (the object of detention) is the detainee, a target, never the agent.

mod common;

use common::{document, engine};
use marsad_core::{Event, Kind, Role};

fn events(text: &str, lang: &str) -> Vec<Event> {
    engine().extract(&document(text, lang)).events
}

/// The roles of the actor whose canonical name contains `name` in the first event of `kind`.
fn roles(text: &str, lang: &str, kind: Kind, name: &str) -> Vec<Role> {
    let evs = events(text, lang);
    let ev = evs
        .iter()
        .find(|e| e.kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} in {text:?}: {evs:#?}"));
    let found: Vec<Role> = ev
        .actors
        .iter()
        .filter(|a| a.name.contains(name))
        .map(|a| a.role)
        .collect();
    assert!(!found.is_empty(), "no {name} in {:#?}", ev.actors);
    found
}

#[test]
fn arabic_detained_group_is_the_target() {
    // The group in the genitive of a detention noun, members' word between, before the trigger.
    let text = "وأشاد الوزير بجهود الأردن في احتجاز عناصر داعش، كما رحب بتولي لبنان مسؤولية السجون.";
    assert_eq!(
        roles(text, "ar", Kind::CustodyHandover, "ISIS"),
        vec![Role::Target]
    );
    // The state right after the custody noun is its agent.
    assert_eq!(
        roles(text, "ar", Kind::CustodyHandover, "Lebanon"),
        vec![Role::Actor]
    );
    // The trigger itself names the detainees.
    let text = "وتناول الاجتماع نقل محتجزي داعش من المخيمات إلى العراق.";
    assert!(!roles(text, "ar", Kind::DetaineeTransfer, "ISIS").contains(&Role::Actor));
    // The object of combat is no recipient of a custody handover.
    let text = "وأعلنت بغداد تولي مسؤولية مكافحة داعش في المحافظة.";
    assert_eq!(
        roles(text, "ar", Kind::CustodyHandover, "ISIS"),
        vec![Role::Target]
    );
}

#[test]
fn english_detained_group_is_the_target() {
    let text = "Iraqi forces took over a prison holding ISIS detainees near the border.";
    assert_eq!(
        roles(text, "en", Kind::CustodyHandover, "ISIS"),
        vec![Role::Target]
    );
    let text = "The SDF handed over 150 ISIS fighters to Iraq on Monday.";
    assert_eq!(
        roles(text, "en", Kind::CustodyHandover, "ISIS"),
        vec![Role::Target]
    );
    assert!(roles(text, "en", Kind::CustodyHandover, "Syrian Democratic").contains(&Role::Actor));
}

#[test]
fn a_group_that_takes_custody_stays_the_agent() {
    let text = "The SDF took over the camp after the army withdrew.";
    assert!(roles(text, "en", Kind::CustodyHandover, "Syrian Democratic").contains(&Role::Actor));
}
