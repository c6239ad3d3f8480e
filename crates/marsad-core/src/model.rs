//! Documents in, extractions out: the types of the offline batch contract (`design.md`), which the
//! services carry over gRPC and the store keeps. Offsets are char offsets into the document text.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ontology::Kind;

/// A name, id or code of an extraction that mostly comes from the engine's data (lexicons,
/// gazetteer, ontology): borrowed from the built-in data, which lives as long as the program, so
/// that the many copies an extraction makes of it (one per event and actor) allocate nothing;
/// owned where it is made or read at run time. Serialised as a plain string.
pub type Label = Cow<'static, str>;

/// A document to extract from (one line of `marsad extract` input).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub id: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Publication date; relative dates in the text resolve against it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<NaiveDate>,
    /// `ar`, `en`; detected when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

/// What the engine found in one document (one line of `marsad extract` output).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Extraction {
    pub id: String,
    pub lang: String,
    pub entities: Vec<Entity>,
    pub events: Vec<Event>,
}

/// The kind of a named entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum EntityType {
    Person,
    Org,
    /// A state, capital or government standing for its state.
    Gpe,
    Loc,
    Date,
}

impl EntityType {
    pub const fn as_str(self) -> &'static str {
        match self {
            EntityType::Person => "PERSON",
            EntityType::Org => "ORG",
            EntityType::Gpe => "GPE",
            EntityType::Loc => "LOC",
            EntityType::Date => "DATE",
        }
    }
}

impl FromStr for EntityType {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "PERSON" => EntityType::Person,
            "ORG" => EntityType::Org,
            "GPE" => EntityType::Gpe,
            "LOC" => EntityType::Loc,
            "DATE" => EntityType::Date,
            _ => return Err(ParseError::new("entity type", s)),
        })
    }
}

/// A named thing in the text, resolved where possible.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    #[serde(rename = "type")]
    pub entity_type: EntityType,
    pub text: String,
    pub name: Label,
    pub id: Label,
    pub country: Option<Label>,
    pub sector: Option<Label>,
    pub start: usize,
    pub end: usize,
}

/// PLOVER coding of an event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plover {
    /// One of the 16 PLOVER types, or `None` for kinds PLOVER does not code.
    #[serde(rename = "type")]
    pub plover_type: Option<Label>,
    pub mode: Option<Label>,
    #[serde(default)]
    pub context: Vec<String>,
}

/// ACLED coding of an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acled {
    pub event_type: Label,
    pub sub_event_type: Label,
}

/// An actor's role in an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Actor,
    Recipient,
    Participant,
    Host,
    Chair,
    Mediator,
    Target,
    Victim,
}

impl Role {
    pub const ALL: &'static [Role] = &[
        Role::Actor,
        Role::Recipient,
        Role::Participant,
        Role::Host,
        Role::Chair,
        Role::Mediator,
        Role::Target,
        Role::Victim,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Actor => "actor",
            Role::Recipient => "recipient",
            Role::Participant => "participant",
            Role::Host => "host",
            Role::Chair => "chair",
            Role::Mediator => "mediator",
            Role::Target => "target",
            Role::Victim => "victim",
        }
    }
}

impl FromStr for Role {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .iter()
            .copied()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| ParseError::new("role", s))
    }
}

/// An actor of an event: what the text names and what it resolves to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Actor {
    pub text: String,
    pub name: Label,
    pub id: Label,
    pub country: Option<Label>,
    pub sector: Option<Label>,
    pub role: Role,
    pub start: usize,
    pub end: usize,
}

/// A place resolved against the gazetteer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    pub text: String,
    pub name: Label,
    pub country: Option<Label>,
    pub admin1: Option<Label>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub gazetteer_id: Option<Label>,
    pub start: usize,
    pub end: usize,
}

/// How precise a resolved date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DatePrecision {
    Day,
    Week,
    Month,
    Year,
}

impl DatePrecision {
    pub const fn as_str(self) -> &'static str {
        match self {
            DatePrecision::Day => "day",
            DatePrecision::Week => "week",
            DatePrecision::Month => "month",
            DatePrecision::Year => "year",
        }
    }
}

impl FromStr for DatePrecision {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "day" => DatePrecision::Day,
            "week" => DatePrecision::Week,
            "month" => DatePrecision::Month,
            "year" => DatePrecision::Year,
            _ => return Err(ParseError::new("date precision", s)),
        })
    }
}

/// When an event happened, as far as the text says.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventDate {
    /// Start of the period; `None` when unresolved.
    pub value: Option<NaiveDate>,
    pub precision: Option<DatePrecision>,
    /// The text the date came from.
    pub text: Option<String>,
    pub resolved: bool,
}

impl EventDate {
    /// A date the text does not give.
    pub fn unresolved() -> Self {
        Self::default()
    }
}

/// Whether the text says the event happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Modality {
    Asserted,
    Planned,
    Intended,
    Negated,
    Hypothetical,
    Reported,
}

impl Modality {
    pub const ALL: &'static [Modality] = &[
        Modality::Asserted,
        Modality::Planned,
        Modality::Intended,
        Modality::Negated,
        Modality::Hypothetical,
        Modality::Reported,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Modality::Asserted => "asserted",
            Modality::Planned => "planned",
            Modality::Intended => "intended",
            Modality::Negated => "negated",
            Modality::Hypothetical => "hypothetical",
            Modality::Reported => "reported",
        }
    }
}

impl fmt::Display for Modality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Modality {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Modality::ALL
            .iter()
            .copied()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| ParseError::new("modality", s))
    }
}

/// The span of text an event was read from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// One extracted event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Stable, content-derived id (see [`stable_id`]).
    pub id: String,
    pub kind: Kind,
    pub plover: Plover,
    pub cameo: Option<Label>,
    pub acled: Option<Acled>,
    pub actors: Vec<Actor>,
    pub location: Option<Location>,
    pub date: EventDate,
    pub modality: Modality,
    pub confidence: f32,
    pub evidence: Evidence,
    pub engine_version: Label,
}

impl Event {
    /// Countries this event touches: its place and its actors.
    pub fn countries(&self) -> impl Iterator<Item = &str> {
        self.location
            .iter()
            .filter_map(|l| l.country.as_deref())
            .chain(self.actors.iter().filter_map(|a| a.country.as_deref()))
    }
}

/// A value that does not name a member of one of the model's closed sets.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {value:?}")]
pub struct ParseError {
    pub what: &'static str,
    pub value: String,
}

impl ParseError {
    fn new(what: &'static str, value: &str) -> Self {
        Self {
            what,
            value: value.to_owned(),
        }
    }
}

/// A stable identifier derived from content: the first 16 bytes of the SHA-256 of the parts,
/// separated so that `["ab", "c"]` and `["a", "bc"]` differ, in hex.
pub fn stable_id(prefix: &str, parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_le_bytes());
        hasher.update(part.as_bytes());
    }
    let digest = hasher.finalize();
    // Written straight into the id (one allocation, where `hex::encode` and `format!` made two).
    let mut digits = [0u8; 32];
    hex::encode_to_slice(&digest[..16], &mut digits).expect("32 digits for 16 bytes");
    let mut id = String::with_capacity(prefix.len() + digits.len());
    id.push_str(prefix);
    id.push_str(std::str::from_utf8(&digits).expect("hex digits are ASCII"));
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_id_separates_parts() {
        assert_ne!(stable_id("e_", &["ab", "c"]), stable_id("e_", &["a", "bc"]));
        assert_eq!(stable_id("e_", &["x"]), stable_id("e_", &["x"]));
        assert_eq!(stable_id("e_", &["x"]).len(), 2 + 32);
    }

    #[test]
    fn document_reads_the_batch_contract() {
        let doc: Document =
            serde_json::from_str(r#"{"id":"d1","text":"نص","published":"2026-02-10","lang":"ar"}"#)
                .unwrap();
        assert_eq!(doc.published, NaiveDate::from_ymd_opt(2026, 2, 10));
        assert_eq!(doc.lang.as_deref(), Some("ar"));
    }

    #[test]
    fn modality_and_role_spell_as_the_ontology() {
        assert_eq!(
            serde_json::to_string(&Modality::Planned).unwrap(),
            "\"planned\""
        );
        assert_eq!("chair".parse::<Role>(), Ok(Role::Chair));
        assert!("boss".parse::<Role>().is_err());
    }
}
