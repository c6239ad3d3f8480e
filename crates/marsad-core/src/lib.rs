//! Marsad's domain: documents, entities, events, and the ontology table that maps each event kind
//! to PLOVER, CAMEO and ACLED. Pure data and logic, no I/O; every other crate speaks these types.

pub mod model;
pub mod near_duplicate;
pub mod ontology;

pub use model::*;
pub use ontology::{Kind, KindInfo, UnknownKind};
