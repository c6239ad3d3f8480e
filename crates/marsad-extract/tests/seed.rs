//! End-to-end checks on the seed article shipped as a fixture (no ../shared needed).

mod common;

use chrono::NaiveDate;
use common::engine;
use marsad_core::{Document, Kind, Modality, Role};

fn seed(lang: &str) -> Document {
    let text = match lang {
        "ar" => include_str!("fixtures/barrack-coalition-ar.txt"),
        _ => include_str!("fixtures/barrack-coalition-en.txt"),
    };
    Document {
        id: format!("seed-{lang}"),
        text: text.to_owned(),
        title: None,
        published: NaiveDate::from_ymd_opt(2026, 2, 10),
        lang: Some(lang.to_owned()),
    }
}

#[test]
fn the_riyadh_meeting_has_host_chair_date_and_place_in_both_languages() {
    for lang in ["ar", "en"] {
        let extraction = engine().extract(&seed(lang));
        let meeting = extraction
            .events
            .iter()
            .find(|e| {
                e.kind == Kind::Meeting && e.date.value == NaiveDate::from_ymd_opt(2026, 2, 9)
            })
            .unwrap_or_else(|| panic!("{lang}: no dated meeting"));
        assert_eq!(
            meeting.location.as_ref().and_then(|l| l.country.as_deref()),
            Some("SAU"),
            "{lang}"
        );
        assert!(
            meeting
                .actors
                .iter()
                .any(|a| a.role == Role::Host && a.country.as_deref() == Some("SAU")),
            "{lang}"
        );
        assert!(
            meeting
                .actors
                .iter()
                .any(|a| a.role == Role::Chair && a.name == "Thomas Barrack"),
            "{lang}"
        );
        assert_eq!(meeting.plover.plover_type.as_deref(), Some("CONSULT"));
    }
}

#[test]
fn required_kinds_come_out_and_nothing_from_furniture() {
    let doc = seed("ar");
    let extraction = engine().extract(&doc);
    for kind in [
        Kind::CoalitionJoin,
        Kind::Agreement,
        Kind::Ceasefire,
        Kind::DetaineeTransfer,
        Kind::Repatriation,
    ] {
        assert!(
            extraction.events.iter().any(|e| e.kind == kind),
            "missing {kind}"
        );
    }
    let join = extraction
        .events
        .iter()
        .find(|e| e.kind == Kind::CoalitionJoin)
        .unwrap();
    assert!(join
        .actors
        .iter()
        .any(|a| a.country.as_deref() == Some("SYR") && a.role == Role::Actor));
    let chars: Vec<char> = doc.text.chars().collect();
    let furniture_start = doc.text[..doc.text.find("اقرأ أيضا").unwrap()]
        .chars()
        .count();
    for e in &extraction.events {
        assert!(
            e.evidence.end <= furniture_start,
            "event from furniture: {:?}",
            e.evidence.text
        );
        let span: String = chars[e.evidence.start..e.evidence.end].iter().collect();
        assert_eq!(span, e.evidence.text);
        assert!(!span.contains('\n'));
        for a in &e.actors {
            let text: String = chars[a.start..a.end].iter().collect();
            assert_eq!(text, a.text);
        }
    }
    let repatriation = extraction
        .events
        .iter()
        .find(|e| e.kind == Kind::Repatriation)
        .unwrap();
    assert_eq!(repatriation.modality, Modality::Planned);
}

#[test]
fn ids_are_stable_and_distinct() {
    let a = engine().extract(&seed("en"));
    let b = engine().extract(&seed("en"));
    let ids: Vec<&str> = a.events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        ids,
        b.events.iter().map(|e| e.id.as_str()).collect::<Vec<_>>()
    );
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len());
}

#[test]
fn denials_and_questions_are_not_asserted() {
    let doc = |text: &str| Document {
        id: "t".into(),
        text: text.into(),
        lang: Some("ar".into()),
        ..Default::default()
    };
    let q = engine().extract(&doc(
        "هل تستخدم في اجهزتكم الامنية اية وسائل تعذيب لانتزاع الاعترافات من المعتقلين؟",
    ));
    assert!(
        q.events.iter().all(|e| e.modality != Modality::Asserted),
        "{:?}",
        q.events
    );
    let en = Document {
        id: "n".into(),
        text: "The army denied that it attacked the village.".into(),
        lang: Some("en".into()),
        ..Default::default()
    };
    let n = engine().extract(&en);
    assert!(
        n.events
            .iter()
            .filter(|e| e.kind == Kind::Attack)
            .all(|e| e.modality == Modality::Negated),
        "{:?}",
        n.events
    );
}

#[test]
fn extract_never_panics_on_odd_input() {
    for text in [
        "",
        "\u{0640}\u{064B}",
        "؟؟؟",
        "a\nb\n\n\n",
        &"قتل ".repeat(2000),
    ] {
        let doc = Document {
            id: "x".into(),
            text: text.into(),
            ..Default::default()
        };
        let _ = engine().extract(&doc);
    }
}
