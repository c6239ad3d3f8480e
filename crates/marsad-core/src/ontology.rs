//! The event-kind table (`data/ontology.tsv`): each Marsad kind with its PLOVER type and mode,
//! CAMEO code and ACLED event type and sub-event type. The table is data, read once.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// The ontology table as shipped.
pub const ONTOLOGY_TSV: &str = include_str!("../data/ontology.tsv");

macro_rules! kinds {
    ($($variant:ident => $name:literal),+ $(,)?) => {
        /// A Marsad event kind (the domain code of `ontology.md`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Kind { $($variant),+ }

        impl Kind {
            /// Every kind, in table order.
            pub const ALL: &'static [Kind] = &[$(Kind::$variant),+];

            /// The domain code, e.g. `"COALITION_JOIN"`.
            pub const fn as_str(self) -> &'static str {
                match self { $(Kind::$variant => $name),+ }
            }
        }

        impl FromStr for Kind {
            type Err = UnknownKind;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s { $($name => Ok(Kind::$variant),)+ other => Err(UnknownKind(other.to_owned())) }
            }
        }
    };
}

kinds! {
    CoalitionJoin => "COALITION_JOIN",
    CoalitionLeave => "COALITION_LEAVE",
    Meeting => "MEETING",
    Statement => "STATEMENT",
    Praise => "PRAISE",
    Agreement => "AGREEMENT",
    Ceasefire => "CEASEFIRE",
    ForceIntegration => "FORCE_INTEGRATION",
    CustodyHandover => "CUSTODY_HANDOVER",
    DetaineeTransfer => "DETAINEE_TRANSFER",
    Repatriation => "REPATRIATION",
    PrisonerRelease => "PRISONER_RELEASE",
    Arrest => "ARREST",
    Abduction => "ABDUCTION",
    ArmedClash => "ARMED_CLASH",
    TerritoryRegained => "TERRITORY_REGAINED",
    TerritoryTaken => "TERRITORY_TAKEN",
    AirStrike => "AIR_STRIKE",
    Shelling => "SHELLING",
    SuicideBombing => "SUICIDE_BOMBING",
    RemoteExplosive => "REMOTE_EXPLOSIVE",
    Grenade => "GRENADE",
    ChemicalWeapon => "CHEMICAL_WEAPON",
    Attack => "ATTACK",
    SexualViolence => "SEXUAL_VIOLENCE",
    PeacefulProtest => "PEACEFUL_PROTEST",
    ProtestIntervention => "PROTEST_INTERVENTION",
    ProtestExcessiveForce => "PROTEST_EXCESSIVE_FORCE",
    Riot => "RIOT",
    MobViolence => "MOB_VIOLENCE",
    Deployment => "DEPLOYMENT",
    Withdrawal => "WITHDRAWAL",
    BaseEstablished => "BASE_ESTABLISHED",
    WeaponsSeizure => "WEAPONS_SEIZURE",
    PropertyDestruction => "PROPERTY_DESTRUCTION",
    GroupChange => "GROUP_CHANGE",
    Sanction => "SANCTION",
    Aid => "AID",
    Threat => "THREAT",
    Accusation => "ACCUSATION",
    Request => "REQUEST",
    Rejection => "REJECTION",
}

/// A name that is not a Marsad kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown event kind {0:?}")]
pub struct UnknownKind(pub String);

/// One row of the ontology table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindInfo {
    pub kind: Kind,
    /// PLOVER type; `None` for kinds PLOVER does not code (statements).
    pub plover_type: Option<&'static str>,
    /// Default PLOVER mode; `None` when the type has no specific mode.
    pub plover_mode: Option<&'static str>,
    /// Default CAMEO code.
    pub cameo: Option<&'static str>,
    /// ACLED event type and sub-event type, when the kind is an ACLED event.
    pub acled: Option<(&'static str, &'static str)>,
    pub description: &'static str,
}

fn non_empty(s: &'static str) -> Option<&'static str> {
    let s = s.trim();
    (!s.is_empty()).then_some(s)
}

fn table() -> &'static HashMap<Kind, KindInfo> {
    static TABLE: OnceLock<HashMap<Kind, KindInfo>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = HashMap::new();
        for line in ONTOLOGY_TSV.lines() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&'static str> = line.split('\t').collect();
            assert_eq!(
                cols.len(),
                7,
                "ontology.tsv: 7 columns expected in {line:?}"
            );
            let kind: Kind = cols[0].parse().expect("ontology.tsv names a known kind");
            let acled = match (non_empty(cols[4]), non_empty(cols[5])) {
                (Some(t), Some(s)) => Some((t, s)),
                _ => None,
            };
            table.insert(
                kind,
                KindInfo {
                    kind,
                    plover_type: non_empty(cols[1]),
                    plover_mode: non_empty(cols[2]),
                    cameo: non_empty(cols[3]),
                    acled,
                    description: cols[6].trim(),
                },
            );
        }
        table
    })
}

impl Kind {
    /// The kind's row of the ontology table.
    pub fn info(self) -> &'static KindInfo {
        table()
            .get(&self)
            .expect("every kind has a row in ontology.tsv")
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Kind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Kind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The 16 PLOVER types.
pub const PLOVER_TYPES: &[&str] = &[
    "AGREE",
    "CONSULT",
    "SUPPORT",
    "CONCEDE",
    "COOPERATE",
    "AID",
    "RETREAT",
    "REQUEST",
    "ACCUSE",
    "REJECT",
    "THREATEN",
    "PROTEST",
    "SANCTION",
    "MOBILIZE",
    "COERCE",
    "ASSAULT",
];

/// ACLED event types, spelled as ACLED spells them.
pub const ACLED_EVENT_TYPES: &[&str] = &[
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Protests",
    "Riots",
    "Strategic developments",
];

/// ACLED sub-event types, spelled as ACLED spells them.
pub const ACLED_SUB_EVENT_TYPES: &[&str] = &[
    "Armed clash",
    "Government regains territory",
    "Non-state actor overtakes territory",
    "Air/drone strike",
    "Shelling/artillery/missile attack",
    "Suicide bomb",
    "Remote explosive/landmine/IED",
    "Grenade",
    "Chemical weapon",
    "Attack",
    "Sexual violence",
    "Abduction/forced disappearance",
    "Peaceful protest",
    "Protest with intervention",
    "Excessive force against protesters",
    "Violent demonstration",
    "Mob violence",
    "Agreement",
    "Arrests",
    "Change to group/activity",
    "Disrupted weapons use",
    "Headquarters or base established",
    "Looting/property destruction",
    "Non-violent transfer of territory",
    "Other",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_a_row_with_valid_spellings() {
        for &kind in Kind::ALL {
            let info = kind.info();
            if let Some(t) = info.plover_type {
                assert!(PLOVER_TYPES.contains(&t), "{kind}: bad PLOVER type {t}");
            }
            if let Some((t, s)) = info.acled {
                assert!(ACLED_EVENT_TYPES.contains(&t), "{kind}: bad ACLED type {t}");
                assert!(
                    ACLED_SUB_EVENT_TYPES.contains(&s),
                    "{kind}: bad ACLED sub-type {s}"
                );
            }
        }
        assert_eq!(table().len(), Kind::ALL.len());
    }

    #[test]
    fn kinds_round_trip_through_their_names() {
        for &kind in Kind::ALL {
            assert_eq!(kind.as_str().parse::<Kind>(), Ok(kind));
        }
        assert!("INVESTMENT".parse::<Kind>().is_err());
    }

    #[test]
    fn seed_mappings_follow_the_ontology() {
        assert_eq!(Kind::Meeting.info().plover_type, Some("CONSULT"));
        assert_eq!(Kind::CoalitionJoin.info().cameo, Some("057"));
        assert_eq!(
            Kind::AirStrike.info().acled,
            Some(("Explosions/Remote violence", "Air/drone strike"))
        );
        assert_eq!(Kind::Statement.info().plover_type, None);
    }
}
