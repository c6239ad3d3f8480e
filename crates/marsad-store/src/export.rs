//! Export formats of stored events, one record per event, written as they stream in (no format
//! holds more than one event in memory):
//!
//! - **JSON Lines**: the batch contract's event (`design.md`) plus what the store adds
//!   (`article_id`, `sequence`, `cluster_id`, `cluster_mentions`, `cluster_sources`, `source`, `url`);
//!   [`ExportLine`] reads it back.
//! - **CSV**: one row per event, the first actor and the first target in their own columns and
//!   every actor in `actors`; RFC 4180 quoting.
//! - **PLOVER**: one JSON object per line in the shape of POLECAT/PLOVER records: `id`, `date`,
//!   `event_type`, `mode`, `context`, `source` and `target` actors (name, id, country, sector),
//!   `location` (name, country, admin1, lat, lon, geonames id), `text` (the evidence), and more.
//! - **GDELT**: tab-separated, no header, the 61 columns of the GDELT 2.0 event table in its order
//!   ([`GDELT_COLUMNS`]). Filled where Marsad has the data: GlobalEventID (the store's sequence),
//!   dates, actor codes (country + sector, e.g. `SAUGOV`), names, countries and types, the CAMEO
//!   event code with its base and root codes, QuadClass, NumMentions/NumSources/NumArticles of the
//!   event's cluster, ActionGeo name, country, ADM1, lat/lon and feature id, DATEADDED and
//!   SOURCEURL. GoldsteinScale and AvgTone are left empty; country codes are ISO 3166-1 alpha-3
//!   (GDELT's ActionGeo uses FIPS 10-4).

use std::io::{self, Write};

use marsad_core::Event;
use marsad_proto::convert::{self, InvalidField};
use marsad_proto::v1;
use serde::{Deserialize, Serialize};

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jsonl,
    Csv,
    Plover,
    Gdelt,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "jsonl" | "json" => Format::Jsonl,
            "csv" => Format::Csv,
            "plover" => Format::Plover,
            "gdelt" => Format::Gdelt,
            _ => return Err(format!("unknown format {s:?} (jsonl, csv, plover, gdelt)")),
        })
    }
}

/// One line of the JSON Lines export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExportLine {
    pub article_id: String,
    pub sequence: u64,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cluster_id: String,
    #[serde(default)]
    pub cluster_mentions: u32,
    #[serde(default)]
    pub cluster_sources: u32,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub url: String,
    #[serde(flatten)]
    pub event: Event,
}

impl ExportLine {
    /// Reads one line of the JSON Lines export back.
    pub fn parse(line: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(line)
    }

    pub fn from_wire(e: &v1::Event) -> Result<Self, InvalidField> {
        Ok(Self {
            article_id: e.article_id.clone(),
            sequence: e.sequence,
            cluster_id: e.cluster_id.clone(),
            cluster_mentions: e.cluster_mentions,
            cluster_sources: e.cluster_sources,
            source: e.source.clone(),
            url: e.url.clone(),
            event: convert::event_from_wire(e)?,
        })
    }
}

/// Writes events in one format; `header` once, then `write` per event.
#[derive(Debug)]
pub struct Writer<W: Write> {
    out: W,
    format: Format,
}

fn invalid(e: impl std::fmt::Display) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, e.to_string())
}

impl<W: Write> Writer<W> {
    pub fn new(out: W, format: Format) -> Self {
        Self { out, format }
    }

    /// The header line, for the formats that have one (CSV).
    pub fn header(&mut self) -> io::Result<()> {
        if self.format == Format::Csv {
            writeln!(self.out, "{}", CSV_COLUMNS.join(","))?;
        }
        Ok(())
    }

    pub fn write(&mut self, event: &v1::Event) -> io::Result<()> {
        match self.format {
            Format::Jsonl => {
                let line = ExportLine::from_wire(event).map_err(invalid)?;
                serde_json::to_writer(&mut self.out, &line).map_err(invalid)?;
                writeln!(self.out)
            }
            Format::Plover => {
                serde_json::to_writer(&mut self.out, &plover_record(event)).map_err(invalid)?;
                writeln!(self.out)
            }
            Format::Csv => {
                let row = csv_row(event);
                let cells: Vec<String> = row.iter().map(|c| csv_quote(c)).collect();
                writeln!(self.out, "{}", cells.join(","))
            }
            Format::Gdelt => {
                let row = gdelt_row(event);
                let cells: Vec<String> = row
                    .iter()
                    .map(|c| c.replace(['\t', '\n', '\r'], " "))
                    .collect();
                writeln!(self.out, "{}", cells.join("\t"))
            }
        }
    }

    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// The CSV columns, in order.
pub const CSV_COLUMNS: [&str; 33] = [
    "sequence",
    "event_id",
    "article_id",
    "cluster_id",
    "kind",
    "date",
    "date_precision",
    "plover_type",
    "plover_mode",
    "plover_context",
    "cameo",
    "acled_event_type",
    "acled_sub_event_type",
    "modality",
    "confidence",
    "actor1_name",
    "actor1_id",
    "actor1_country",
    "actor1_sector",
    "actor2_name",
    "actor2_id",
    "actor2_country",
    "actor2_sector",
    "actors",
    "place_name",
    "place_country",
    "lat",
    "lon",
    "gazetteer_id",
    "evidence",
    "source",
    "url",
    "cluster_mentions",
];

fn csv_quote(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_owned()
    }
}

const SOURCE_ROLES: [&str; 3] = ["actor", "host", "chair"];
const TARGET_ROLES: [&str; 3] = ["recipient", "target", "victim"];

/// The acting actor and the actor acted upon, as dyadic formats want them: the first actor, host or
/// chair, and the first recipient, target or victim; participants fill in where those are missing.
pub fn dyad(e: &v1::Event) -> (Option<&v1::Actor>, Option<&v1::Actor>) {
    let source = e
        .actors
        .iter()
        .find(|a| SOURCE_ROLES.contains(&a.role.as_str()))
        .or_else(|| e.actors.iter().find(|a| a.role == "participant"));
    let target = e
        .actors
        .iter()
        .find(|a| TARGET_ROLES.contains(&a.role.as_str()))
        .or_else(|| {
            e.actors.iter().find(|a| {
                a.role == "participant" && source.is_none_or(|s| s.id != a.id || s.name != a.name)
            })
        });
    (source, target)
}

fn num(v: f64) -> String {
    if v.is_finite() {
        v.to_string()
    } else {
        String::new()
    }
}

fn date_of(e: &v1::Event) -> String {
    e.date.as_ref().map(|d| d.value.clone()).unwrap_or_default()
}

fn csv_row(e: &v1::Event) -> Vec<String> {
    let (a1, a2) = dyad(e);
    let actor = |a: Option<&v1::Actor>| -> [String; 4] {
        a.map_or_else(Default::default, |a| {
            [
                a.name.clone(),
                a.id.clone(),
                a.country.clone(),
                a.sector.clone(),
            ]
        })
    };
    let plover = e.plover.clone().unwrap_or_default();
    let place = e.location.clone().unwrap_or_default();
    let has_place = e.location.is_some();
    let mut row = vec![
        e.sequence.to_string(),
        e.id.clone(),
        e.article_id.clone(),
        e.cluster_id.clone(),
        e.kind.clone(),
        date_of(e),
        e.date
            .as_ref()
            .and_then(|d| match v1::DatePrecision::try_from(d.precision).ok()? {
                v1::DatePrecision::Day => Some("day"),
                v1::DatePrecision::Week => Some("week"),
                v1::DatePrecision::Month => Some("month"),
                v1::DatePrecision::Year => Some("year"),
                v1::DatePrecision::Unspecified => None,
            })
            .unwrap_or_default()
            .to_owned(),
        plover.r#type,
        plover.mode,
        plover.context.join(";"),
        e.cameo.clone(),
        e.acled
            .as_ref()
            .map(|a| a.event_type.clone())
            .unwrap_or_default(),
        e.acled
            .as_ref()
            .map(|a| a.sub_event_type.clone())
            .unwrap_or_default(),
        convert::modality_from_wire(e.modality)
            .map(|m| m.as_str().to_owned())
            .unwrap_or_default(),
        e.confidence.to_string(),
    ];
    row.extend(actor(a1));
    row.extend(actor(a2));
    row.push(
        e.actors
            .iter()
            .map(|a| {
                if a.country.is_empty() {
                    format!("{}:{}", a.role, a.name)
                } else {
                    format!("{}:{}[{}]", a.role, a.name, a.country)
                }
            })
            .collect::<Vec<_>>()
            .join("; "),
    );
    row.extend([
        place.name,
        place.country,
        if has_place {
            num(place.lat)
        } else {
            String::new()
        },
        if has_place {
            num(place.lon)
        } else {
            String::new()
        },
        place.gazetteer_id,
        e.evidence
            .as_ref()
            .map(|s| s.text.clone())
            .unwrap_or_default(),
        e.source.clone(),
        e.url.clone(),
        e.cluster_mentions.to_string(),
    ]);
    row
}

#[derive(Debug, Serialize)]
struct PloverActor<'a> {
    name: &'a str,
    id: &'a str,
    country: Option<&'a str>,
    sector: Option<&'a str>,
    text: &'a str,
    role: &'a str,
}

#[derive(Debug, Serialize)]
struct PloverLocation<'a> {
    name: &'a str,
    country: Option<&'a str>,
    admin1: Option<&'a str>,
    lat: Option<f64>,
    lon: Option<f64>,
    geonames_id: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct PloverRecord<'a> {
    id: &'a str,
    date: Option<String>,
    event_type: Option<&'a str>,
    mode: Option<&'a str>,
    context: &'a [String],
    source: Option<PloverActor<'a>>,
    target: Option<PloverActor<'a>>,
    location: Option<PloverLocation<'a>>,
    text: &'a str,
    kind: &'a str,
    cameo: Option<&'a str>,
    modality: &'static str,
    confidence: f32,
    story_id: &'a str,
    publisher: Option<&'a str>,
    url: Option<&'a str>,
    cluster_id: Option<&'a str>,
    num_mentions: u32,
    num_sources: u32,
}

fn opt(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

fn plover_record(e: &v1::Event) -> PloverRecord<'_> {
    let (source, target) = dyad(e);
    fn actor(a: &v1::Actor) -> PloverActor<'_> {
        PloverActor {
            name: &a.name,
            id: &a.id,
            country: opt(&a.country),
            sector: opt(&a.sector),
            text: &a.text,
            role: &a.role,
        }
    }
    let empty: &[String] = &[];
    PloverRecord {
        id: &e.id,
        date: opt(&date_of(e)).map(str::to_owned),
        event_type: e.plover.as_ref().and_then(|p| opt(&p.r#type)),
        mode: e.plover.as_ref().and_then(|p| opt(&p.mode)),
        context: e.plover.as_ref().map_or(empty, |p| &p.context),
        source: source.map(actor),
        target: target.map(actor),
        location: e.location.as_ref().map(|l| PloverLocation {
            name: &l.name,
            country: opt(&l.country),
            admin1: opt(&l.admin1),
            lat: l.lat.is_finite().then_some(l.lat),
            lon: l.lon.is_finite().then_some(l.lon),
            geonames_id: opt(&l.gazetteer_id),
        }),
        text: e.evidence.as_ref().map_or("", |s| s.text.as_str()),
        kind: &e.kind,
        cameo: opt(&e.cameo),
        modality: convert::modality_from_wire(e.modality).map_or("", |m| m.as_str()),
        confidence: e.confidence,
        story_id: &e.article_id,
        publisher: opt(&e.source),
        url: opt(&e.url),
        cluster_id: opt(&e.cluster_id),
        num_mentions: e.cluster_mentions,
        num_sources: e.cluster_sources,
    }
}

/// The GDELT 2.0 event table's columns, in order.
pub const GDELT_COLUMNS: [&str; 61] = [
    "GlobalEventID",
    "Day",
    "MonthYear",
    "Year",
    "FractionDate",
    "Actor1Code",
    "Actor1Name",
    "Actor1CountryCode",
    "Actor1KnownGroupCode",
    "Actor1EthnicCode",
    "Actor1Religion1Code",
    "Actor1Religion2Code",
    "Actor1Type1Code",
    "Actor1Type2Code",
    "Actor1Type3Code",
    "Actor2Code",
    "Actor2Name",
    "Actor2CountryCode",
    "Actor2KnownGroupCode",
    "Actor2EthnicCode",
    "Actor2Religion1Code",
    "Actor2Religion2Code",
    "Actor2Type1Code",
    "Actor2Type2Code",
    "Actor2Type3Code",
    "IsRootEvent",
    "EventCode",
    "EventBaseCode",
    "EventRootCode",
    "QuadClass",
    "GoldsteinScale",
    "NumMentions",
    "NumSources",
    "NumArticles",
    "AvgTone",
    "Actor1Geo_Type",
    "Actor1Geo_FullName",
    "Actor1Geo_CountryCode",
    "Actor1Geo_ADM1Code",
    "Actor1Geo_ADM2Code",
    "Actor1Geo_Lat",
    "Actor1Geo_Long",
    "Actor1Geo_FeatureID",
    "Actor2Geo_Type",
    "Actor2Geo_FullName",
    "Actor2Geo_CountryCode",
    "Actor2Geo_ADM1Code",
    "Actor2Geo_ADM2Code",
    "Actor2Geo_Lat",
    "Actor2Geo_Long",
    "Actor2Geo_FeatureID",
    "ActionGeo_Type",
    "ActionGeo_FullName",
    "ActionGeo_CountryCode",
    "ActionGeo_ADM1Code",
    "ActionGeo_ADM2Code",
    "ActionGeo_Lat",
    "ActionGeo_Long",
    "ActionGeo_FeatureID",
    "DATEADDED",
    "SOURCEURL",
];

/// CAMEO QuadClass of a CAMEO event code: 1 verbal cooperation, 2 material cooperation,
/// 3 verbal conflict, 4 material conflict.
pub fn quad_class(cameo: &str) -> Option<u8> {
    let root: u8 = cameo.get(..2)?.parse().ok()?;
    Some(match root {
        1..=5 => 1,
        6..=8 => 2,
        9..=13 => 3,
        14..=20 => 4,
        _ => return None,
    })
}

fn gdelt_row(e: &v1::Event) -> Vec<String> {
    let (a1, a2) = dyad(e);
    let date = chrono::NaiveDate::parse_from_str(&date_of(e), "%Y-%m-%d").ok();
    let mut row: Vec<String> = Vec::with_capacity(61);
    row.push(e.sequence.to_string());
    match date {
        Some(d) => {
            use chrono::Datelike;
            row.push(d.format("%Y%m%d").to_string());
            row.push(d.format("%Y%m").to_string());
            row.push(d.format("%Y").to_string());
            row.push(format!(
                "{:.4}",
                f64::from(d.year()) + f64::from(d.ordinal0()) / 365.0
            ));
        }
        None => row.extend(std::iter::repeat_n(String::new(), 4)),
    }
    for a in [a1, a2] {
        match a {
            Some(a) => {
                row.push(format!("{}{}", a.country, a.sector));
                row.push(a.name.to_uppercase());
                row.push(a.country.clone());
                row.extend(std::iter::repeat_n(String::new(), 4));
                row.push(a.sector.clone());
                row.push(String::new());
                row.push(String::new());
            }
            None => row.extend(std::iter::repeat_n(String::new(), 10)),
        }
    }
    let evidence_start = e.evidence.as_ref().map_or(0, |s| s.start);
    row.push(if evidence_start < 500 { "1" } else { "0" }.to_owned());
    let cameo = e.cameo.as_str();
    row.push(cameo.to_owned());
    row.push(cameo.get(..3).unwrap_or(cameo).to_owned());
    row.push(cameo.get(..2).unwrap_or(cameo).to_owned());
    row.push(quad_class(cameo).map(|q| q.to_string()).unwrap_or_default());
    row.push(String::new()); // GoldsteinScale
    let mentions = e.cluster_mentions.max(1);
    row.push(mentions.to_string());
    row.push(e.cluster_sources.max(1).to_string());
    row.push(mentions.to_string());
    row.push(String::new()); // AvgTone
    row.extend(std::iter::repeat_n(String::new(), 16)); // Actor1Geo_*, Actor2Geo_*
    match &e.location {
        Some(l) => {
            row.push(if l.admin1.is_empty() && l.name == l.country {
                "1".into()
            } else {
                "4".into()
            });
            row.push(l.name.clone());
            row.push(l.country.clone());
            row.push(l.admin1.clone());
            row.push(String::new());
            row.push(num(l.lat));
            row.push(num(l.lon));
            row.push(l.gazetteer_id.clone());
        }
        None => row.extend(std::iter::repeat_n(String::new(), 8)),
    }
    row.push(
        e.stored_at
            .as_ref()
            .and_then(|t| chrono::DateTime::from_timestamp(t.seconds, 0))
            .map(|t| t.format("%Y%m%d%H%M%S").to_string())
            .unwrap_or_default(),
    );
    row.push(e.url.clone());
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> v1::Event {
        v1::Event {
            id: "ev_1".into(),
            kind: "MEETING".into(),
            cameo: "040".into(),
            sequence: 7,
            date: Some(v1::EventDate {
                value: "2026-02-09".into(),
                precision: v1::DatePrecision::Day as i32,
                text: "Monday".into(),
                resolved: true,
            }),
            modality: v1::Modality::Asserted as i32,
            actors: vec![
                v1::Actor {
                    name: "Saudi Arabia".into(),
                    id: "Q851".into(),
                    country: "SAU".into(),
                    sector: "GOV".into(),
                    role: "host".into(),
                    ..Default::default()
                },
                v1::Actor {
                    name: "Syria".into(),
                    id: "Q858".into(),
                    country: "SYR".into(),
                    sector: "GOV".into(),
                    role: "participant".into(),
                    ..Default::default()
                },
            ],
            evidence: Some(v1::Span {
                text: "met, in \"Riyadh\"".into(),
                start: 10,
                end: 26,
            }),
            url: "https://example.org/a".into(),
            cluster_mentions: 3,
            cluster_sources: 2,
            ..Default::default()
        }
    }

    #[test]
    fn gdelt_rows_have_61_columns_in_order() {
        let row = gdelt_row(&event());
        assert_eq!(row.len(), GDELT_COLUMNS.len());
        assert_eq!(row[0], "7");
        assert_eq!(row[1], "20260209");
        assert_eq!(row[5], "SAUGOV");
        assert_eq!(row[15], "SYRGOV");
        assert_eq!(row[26], "040");
        assert_eq!(row[28], "04");
        assert_eq!(row[29], "1");
        assert_eq!((row[31].as_str(), row[32].as_str()), ("3", "2"));
        assert_eq!(row[60], "https://example.org/a");
    }

    #[test]
    fn csv_quotes_and_counts_columns() {
        let row = csv_row(&event());
        assert_eq!(row.len(), CSV_COLUMNS.len());
        let mut w = Writer::new(Vec::new(), Format::Csv);
        w.write(&event()).unwrap();
        let out = String::from_utf8(w.finish().unwrap()).unwrap();
        assert!(out.contains("\"met, in \"\"Riyadh\"\"\""));
    }

    #[test]
    fn plover_record_names_source_and_target() {
        let value = serde_json::to_value(plover_record(&event())).unwrap();
        assert_eq!(value["source"]["country"], "SAU");
        assert_eq!(value["target"]["country"], "SYR");
        assert_eq!(value["date"], "2026-02-09");
        assert_eq!(quad_class("195"), Some(4));
    }
}
