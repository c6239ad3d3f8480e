//! Wire-compatible views of the messages the ingest service relays from Extraction to Storage
//! without looking inside: an `ExtractBatchResponse` read, and a `PutExtractionsRequest` written,
//! with each entity and event kept as its encoded bytes.
//!
//! On the wire an embedded message and a `bytes` field are the same (a length-delimited field), so
//! a repeated message field can be read as repeated `bytes` and written back unchanged. The ingest
//! path used to decode every event of an extraction into strings only to encode them again for
//! Storage. Storage decodes and checks them, as it always did; a message that does not parse here
//! is refused here, as the generated decoder would.

use prost::bytes::Bytes;

/// `marsad.v1.ExtractBatchResponse`, entities and events encoded.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ExtractBatchResponse {
    #[prost(message, repeated, tag = "1")]
    pub results: Vec<ExtractBatchResult>,
}

/// `marsad.v1.ExtractBatchResult`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ExtractBatchResult {
    #[prost(message, optional, tag = "1")]
    pub extraction: Option<ExtractResponse>,
    #[prost(string, tag = "2")]
    pub error: String,
}

/// `marsad.v1.ExtractResponse`, entities and events encoded.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ExtractResponse {
    #[prost(string, tag = "1")]
    pub id: String,
    #[prost(string, tag = "2")]
    pub lang: String,
    /// Encoded `marsad.v1.Entity` messages.
    #[prost(bytes = "bytes", repeated, tag = "3")]
    pub entities: Vec<Bytes>,
    /// Encoded `marsad.v1.Event` messages.
    #[prost(bytes = "bytes", repeated, tag = "4")]
    pub events: Vec<Bytes>,
    #[prost(string, tag = "5")]
    pub engine_version: String,
}

/// `marsad.v1.PutExtractionsRequest`, entities and events encoded.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PutExtractionsRequest {
    #[prost(message, repeated, tag = "1")]
    pub extractions: Vec<PutExtractionRequest>,
}

/// `marsad.v1.PutExtractionRequest`, entities and events encoded.
#[derive(Clone, PartialEq, prost::Message)]
pub struct PutExtractionRequest {
    #[prost(string, tag = "1")]
    pub article_id: String,
    /// Encoded `marsad.v1.Entity` messages.
    #[prost(bytes = "bytes", repeated, tag = "2")]
    pub entities: Vec<Bytes>,
    /// Encoded `marsad.v1.Event` messages.
    #[prost(bytes = "bytes", repeated, tag = "3")]
    pub events: Vec<Bytes>,
    #[prost(string, tag = "4")]
    pub engine_version: String,
}

impl PutExtractionRequest {
    /// The request as the generated types have it (for the one-by-one fallback), or why its
    /// entities or events do not parse.
    pub fn decoded(&self) -> Result<crate::v1::PutExtractionRequest, prost::DecodeError> {
        use prost::Message;
        crate::v1::PutExtractionRequest::decode(self.encode_to_vec().as_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::v1;
    use prost::Message;

    fn event(id: &str) -> v1::Event {
        v1::Event {
            id: id.into(),
            kind: "MEETING".into(),
            actors: vec![v1::Actor {
                text: "الوفد".into(),
                name: "Delegation".into(),
                role: "participant".into(),
                ..Default::default()
            }],
            evidence: Some(v1::Span {
                text: "التقى الوفد".into(),
                start: 0,
                end: 11,
            }),
            confidence: 0.8,
            ..Default::default()
        }
    }

    #[test]
    fn relayed_extractions_reach_storage_byte_for_byte() {
        let response = v1::ExtractBatchResponse {
            results: vec![
                v1::ExtractBatchResult {
                    extraction: Some(v1::ExtractResponse {
                        id: "a_1".into(),
                        lang: "ar".into(),
                        entities: vec![v1::Entity {
                            r#type: "GPE".into(),
                            text: "دمشق".into(),
                            ..Default::default()
                        }],
                        events: vec![event("e1"), event("e2")],
                        engine_version: "v1".into(),
                    }),
                    error: String::new(),
                },
                v1::ExtractBatchResult {
                    extraction: None,
                    error: "text: must not be empty".into(),
                },
            ],
        };
        let relayed = ExtractBatchResponse::decode(response.encode_to_vec().as_slice()).unwrap();
        assert_eq!(relayed.results[1].error, "text: must not be empty");
        let extraction = relayed.results[0].extraction.clone().unwrap();
        assert_eq!(extraction.events.len(), 2);
        let request = PutExtractionsRequest {
            extractions: vec![PutExtractionRequest {
                article_id: extraction.id.clone(),
                entities: extraction.entities,
                events: extraction.events,
                engine_version: extraction.engine_version,
            }],
        };
        let original = response.results[0].extraction.clone().unwrap();
        let expected = v1::PutExtractionsRequest {
            extractions: vec![v1::PutExtractionRequest {
                article_id: original.id,
                entities: original.entities,
                events: original.events,
                engine_version: original.engine_version,
            }],
        };
        assert_eq!(request.encode_to_vec(), expected.encode_to_vec());
        assert_eq!(
            request.extractions[0].decoded().unwrap(),
            expected.extractions[0]
        );
        // An event that is not an event is refused where it is read as one.
        let mut broken = request.extractions[0].clone();
        broken.events.push(Bytes::from_static(&[0xff, 0xff, 0xff]));
        assert!(broken.decoded().is_err());
    }
}
