//! Conversions between the domain model (`marsad-core`) and the wire messages. Wire to domain is
//! fallible: a message from the network may name an unknown kind, role or date.

use chrono::NaiveDate;
use marsad_core as core;

use crate::v1;

/// A wire message field that does not hold a valid value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid field `{field}`: {reason}")]
pub struct InvalidField {
    pub field: &'static str,
    pub reason: String,
}

impl InvalidField {
    pub fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self {
            field,
            reason: reason.into(),
        }
    }
}

impl From<InvalidField> for tonic::Status {
    fn from(err: InvalidField) -> Self {
        tonic::Status::invalid_argument(err.to_string())
    }
}

/// Parses an optional `YYYY-MM-DD` field (empty means absent).
pub fn parse_date(field: &'static str, value: &str) -> Result<Option<NaiveDate>, InvalidField> {
    if value.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| {
            InvalidField::new(
                field,
                format!("{value:?} is not a date of the form YYYY-MM-DD"),
            )
        })
}

/// An optional string of the core types on the wire (none: empty).
/// An optional label as the wire has it (none: empty), moved.
fn wire_owned(s: Option<core::Label>) -> String {
    s.map(core::Label::into_owned).unwrap_or_default()
}

fn off(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

pub fn modality_to_wire(m: core::Modality) -> v1::Modality {
    match m {
        core::Modality::Asserted => v1::Modality::Asserted,
        core::Modality::Planned => v1::Modality::Planned,
        core::Modality::Intended => v1::Modality::Intended,
        core::Modality::Negated => v1::Modality::Negated,
        core::Modality::Hypothetical => v1::Modality::Hypothetical,
        core::Modality::Reported => v1::Modality::Reported,
    }
}

pub fn modality_from_wire(value: i32) -> Result<core::Modality, InvalidField> {
    match v1::Modality::try_from(value) {
        Ok(v1::Modality::Asserted) => Ok(core::Modality::Asserted),
        Ok(v1::Modality::Planned) => Ok(core::Modality::Planned),
        Ok(v1::Modality::Intended) => Ok(core::Modality::Intended),
        Ok(v1::Modality::Negated) => Ok(core::Modality::Negated),
        Ok(v1::Modality::Hypothetical) => Ok(core::Modality::Hypothetical),
        Ok(v1::Modality::Reported) => Ok(core::Modality::Reported),
        Ok(v1::Modality::Unspecified) | Err(_) => Err(InvalidField::new(
            "modality",
            format!("{value} is not a modality"),
        )),
    }
}

fn precision_to_wire(p: Option<core::DatePrecision>) -> v1::DatePrecision {
    match p {
        None => v1::DatePrecision::Unspecified,
        Some(core::DatePrecision::Day) => v1::DatePrecision::Day,
        Some(core::DatePrecision::Week) => v1::DatePrecision::Week,
        Some(core::DatePrecision::Month) => v1::DatePrecision::Month,
        Some(core::DatePrecision::Year) => v1::DatePrecision::Year,
    }
}

fn precision_from_wire(value: i32) -> Result<Option<core::DatePrecision>, InvalidField> {
    match v1::DatePrecision::try_from(value) {
        Ok(v1::DatePrecision::Unspecified) => Ok(None),
        Ok(v1::DatePrecision::Day) => Ok(Some(core::DatePrecision::Day)),
        Ok(v1::DatePrecision::Week) => Ok(Some(core::DatePrecision::Week)),
        Ok(v1::DatePrecision::Month) => Ok(Some(core::DatePrecision::Month)),
        Ok(v1::DatePrecision::Year) => Ok(Some(core::DatePrecision::Year)),
        Err(_) => Err(InvalidField::new(
            "date.precision",
            format!("{value} is not a date precision"),
        )),
    }
}

/// [`entity_into_wire`] of a borrowed entity (a copy of it).
pub fn entity_to_wire(e: &core::Entity) -> v1::Entity {
    entity_into_wire(e.clone())
}

/// An entity as the wire has it; its strings moved, not copied.
pub fn entity_into_wire(e: core::Entity) -> v1::Entity {
    v1::Entity {
        r#type: e.entity_type.as_str().to_owned(),
        text: e.text,
        name: e.name.into_owned(),
        id: e.id.into_owned(),
        country: wire_owned(e.country),
        sector: wire_owned(e.sector),
        start: off(e.start),
        end: off(e.end),
    }
}

/// [`entity_into_core`] of a borrowed entity (a copy of it).
pub fn entity_from_wire(e: &v1::Entity) -> Result<core::Entity, InvalidField> {
    entity_into_core(e.clone())
}

/// An entity of the wire as the core has it; its strings moved, not copied.
pub fn entity_into_core(e: v1::Entity) -> Result<core::Entity, InvalidField> {
    Ok(core::Entity {
        entity_type: e
            .r#type
            .parse()
            .map_err(|err: core::ParseError| InvalidField::new("entity.type", err.to_string()))?,
        text: e.text,
        name: e.name.into(),
        id: e.id.into(),
        country: opt_owned(e.country),
        sector: opt_owned(e.sector),
        start: e.start as usize,
        end: e.end as usize,
    })
}

/// An optional field of the wire (empty: none), moved into a `String` or a [`core::Label`].
fn opt_owned<T: From<String>>(s: String) -> Option<T> {
    (!s.is_empty()).then(|| T::from(s))
}

/// [`event_into_wire`] of a borrowed event (a copy of it).
pub fn event_to_wire(e: &core::Event) -> v1::Event {
    event_into_wire(e.clone())
}

/// An event as the wire has it; its strings moved, not copied.
pub fn event_into_wire(e: core::Event) -> v1::Event {
    v1::Event {
        id: e.id,
        kind: e.kind.as_str().to_owned(),
        plover: Some(v1::Plover {
            r#type: wire_owned(e.plover.plover_type),
            mode: wire_owned(e.plover.mode),
            context: e.plover.context,
        }),
        cameo: wire_owned(e.cameo),
        acled: e.acled.map(|a| v1::Acled {
            event_type: a.event_type.into_owned(),
            sub_event_type: a.sub_event_type.into_owned(),
        }),
        actors: e
            .actors
            .into_iter()
            .map(|a| v1::Actor {
                text: a.text,
                name: a.name.into_owned(),
                id: a.id.into_owned(),
                country: wire_owned(a.country),
                sector: wire_owned(a.sector),
                role: a.role.as_str().to_owned(),
                start: off(a.start),
                end: off(a.end),
            })
            .collect(),
        location: e.location.map(|l| v1::Location {
            text: l.text,
            name: l.name.into_owned(),
            country: wire_owned(l.country),
            admin1: wire_owned(l.admin1),
            lat: l.lat.unwrap_or(f64::NAN),
            lon: l.lon.unwrap_or(f64::NAN),
            gazetteer_id: wire_owned(l.gazetteer_id),
            start: off(l.start),
            end: off(l.end),
        }),
        date: Some(v1::EventDate {
            value: e.date.value.map(|d| d.to_string()).unwrap_or_default(),
            precision: precision_to_wire(e.date.precision) as i32,
            text: e.date.text.unwrap_or_default(),
            resolved: e.date.resolved,
        }),
        modality: modality_to_wire(e.modality) as i32,
        confidence: e.confidence,
        evidence: Some(v1::Span {
            text: e.evidence.text,
            start: off(e.evidence.start),
            end: off(e.evidence.end),
        }),
        engine_version: e.engine_version.into_owned(),
        article_id: String::new(),
        sequence: 0,
        stored_at: None,
        ..Default::default()
    }
}

/// [`event_into_core`] of a borrowed event (a copy of it).
pub fn event_from_wire(e: &v1::Event) -> Result<core::Event, InvalidField> {
    event_into_core(e.clone())
}

/// An event of the wire as the core has it, checked (kind, actor roles, evidence span, date,
/// precision, modality); its strings moved, not copied.
pub fn event_into_core(e: v1::Event) -> Result<core::Event, InvalidField> {
    let kind = e
        .kind
        .parse()
        .map_err(|err: core::UnknownKind| InvalidField::new("event.kind", err.to_string()))?;
    let plover = e.plover.unwrap_or_default();
    let date = e.date.unwrap_or_default();
    let evidence = e.evidence.unwrap_or_default();
    if evidence.end < evidence.start {
        return Err(InvalidField::new("event.evidence", "end before start"));
    }
    let actors = e
        .actors
        .into_iter()
        .map(|a| {
            Ok(core::Actor {
                role: a.role.parse().map_err(|err: core::ParseError| {
                    InvalidField::new("actor.role", err.to_string())
                })?,
                text: a.text,
                name: a.name.into(),
                id: a.id.into(),
                country: opt_owned(a.country),
                sector: opt_owned(a.sector),
                start: a.start as usize,
                end: a.end as usize,
            })
        })
        .collect::<Result<Vec<_>, InvalidField>>()?;
    let finite = |x: f64| x.is_finite().then_some(x);
    Ok(core::Event {
        id: e.id,
        kind,
        plover: core::Plover {
            plover_type: opt_owned(plover.r#type),
            mode: opt_owned(plover.mode),
            context: plover.context,
        },
        cameo: opt_owned(e.cameo),
        acled: e.acled.map(|a| core::Acled {
            event_type: a.event_type.into(),
            sub_event_type: a.sub_event_type.into(),
        }),
        actors,
        location: e.location.map(|l| core::Location {
            text: l.text,
            name: l.name.into(),
            country: opt_owned(l.country),
            admin1: opt_owned(l.admin1),
            lat: finite(l.lat),
            lon: finite(l.lon),
            gazetteer_id: opt_owned(l.gazetteer_id),
            start: l.start as usize,
            end: l.end as usize,
        }),
        date: core::EventDate {
            value: parse_date("event.date.value", &date.value)?,
            precision: precision_from_wire(date.precision)?,
            text: opt_owned(date.text),
            resolved: date.resolved,
        },
        modality: modality_from_wire(e.modality)?,
        confidence: e.confidence,
        evidence: core::Evidence {
            text: evidence.text,
            start: evidence.start as usize,
            end: evidence.end as usize,
        },
        engine_version: e.engine_version.into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire_event(kind: &str, role: &str, evidence: (u32, u32)) -> v1::Event {
        v1::Event {
            id: "e1".into(),
            kind: kind.into(),
            plover: Some(v1::Plover {
                r#type: "ASSAULT".into(),
                mode: String::new(),
                context: vec!["military".into()],
            }),
            cameo: "190".into(),
            acled: Some(v1::Acled {
                event_type: "Battles".into(),
                sub_event_type: "Armed clash".into(),
            }),
            actors: vec![
                v1::Actor {
                    text: "the army".into(),
                    name: "Army".into(),
                    id: "a1".into(),
                    country: "SY".into(),
                    sector: String::new(),
                    role: role.into(),
                    start: 3,
                    end: 11,
                },
                v1::Actor {
                    text: "rebels".into(),
                    role: "target".into(),
                    ..Default::default()
                },
            ],
            location: Some(v1::Location {
                text: "Idlib".into(),
                name: "Idlib".into(),
                country: "SY".into(),
                admin1: String::new(),
                lat: 35.9,
                lon: f64::NAN,
                gazetteer_id: "g1".into(),
                start: 20,
                end: 25,
            }),
            date: Some(v1::EventDate {
                value: "2025-03-01".into(),
                precision: v1::DatePrecision::Day as i32,
                text: "Saturday".into(),
                resolved: true,
            }),
            modality: v1::Modality::Reported as i32,
            confidence: 0.75,
            evidence: Some(v1::Span {
                text: "the army shelled Idlib".into(),
                start: evidence.0,
                end: evidence.1,
            }),
            engine_version: "v1".into(),
            ..Default::default()
        }
    }

    #[test]
    fn wire_events_and_entities_convert_with_their_checks() {
        let kind = core::Kind::ALL[0].as_str();
        let event = event_from_wire(&wire_event(kind, "target", (0, 22))).unwrap();
        assert_eq!(event.kind.as_str(), kind);
        assert_eq!(event.actors.len(), 2);
        let place = event.location.as_ref().unwrap();
        assert_eq!(
            (place.lat, place.lon, place.admin1.as_deref()),
            (Some(35.9), None, None)
        );
        assert_eq!(event.evidence.text, "the army shelled Idlib");
        // And back to the wire, moved or copied alike, and to the core again unchanged.
        assert_eq!(
            prost::Message::encode_to_vec(&event_into_wire(event.clone())),
            prost::Message::encode_to_vec(&event_to_wire(&event))
        );
        assert_eq!(
            event_into_core(event_into_wire(event.clone())).as_ref(),
            Ok(&event)
        );
        assert_eq!(
            event_into_core(wire_event(kind, "target", (0, 22))),
            Ok(event)
        );
        let field = |e: v1::Event| event_into_core(e).unwrap_err().field;
        assert_eq!(field(wire_event(kind, "nobody", (0, 22))), "actor.role");
        assert_eq!(
            field(wire_event("no-such-kind", "target", (0, 22))),
            "event.kind"
        );
        assert_eq!(field(wire_event(kind, "target", (22, 0))), "event.evidence");
        let entity = v1::Entity {
            r#type: "GPE".into(),
            text: "Idlib".into(),
            name: "Idlib".into(),
            id: "g1".into(),
            country: "SY".into(),
            sector: String::new(),
            start: 1,
            end: 6,
        };
        let core_entity = entity_from_wire(&entity).unwrap();
        assert_eq!(
            entity_into_core(entity_into_wire(core_entity.clone())).as_ref(),
            Ok(&core_entity)
        );
        assert_eq!(entity_to_wire(&core_entity), entity);
        assert_eq!(
            (core_entity.text.as_str(), core_entity.sector),
            ("Idlib", None)
        );
        assert_eq!(
            entity_into_core(v1::Entity::default()).unwrap_err().field,
            "entity.type"
        );
    }
}
