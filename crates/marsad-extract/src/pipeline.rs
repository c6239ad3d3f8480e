//! From hits to events: resolve overlapping hits, build actors (titles with nationalities,
//! metonymy of capitals), places (gazetteer disambiguation by the document's countries), clauses
//! and modality, then one candidate event per trigger with its arguments, the context scorer, and
//! the merge of repeated mentions of one real event into one event with a stable id.

use chrono::NaiveDate;
use marsad_core::{
    stable_id, Acled, Actor, DatePrecision, Document, Entity, EntityType, Event, EventDate,
    Evidence, Extraction, Kind, Label, Location, Modality, Plover, Role,
};

use crate::lexicon::{ActorType, CueClass, EntryRef, Lexicon, PlaceKind};
use crate::matcher::Hit;
use crate::normalize::{normalize, normalize_into, Normalized};
use crate::scorer::{Features, FxBuild, ScoreClass};
use crate::segment;
use crate::Engine;

/// A date found in the text (char offsets into the original).
#[derive(Debug, Clone)]
pub struct DateSpan {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub value: Option<NaiveDate>,
    pub precision: DatePrecision,
}

/// An actor mention, resolved (char offsets into the original). Its strings are the lexicon's
/// (borrowed from the built-in data: copies allocate nothing) but for titled actors, whose names
/// are made.
#[derive(Debug, Clone)]
struct ActorMention {
    start: usize,
    end: usize,
    entity_type: EntityType,
    name: Label,
    id: Label,
    country: Option<Label>,
    sector: Option<Label>,
    /// A place-name read as an actor only when nothing marks it as a place ("في دمشق").
    locative: bool,
}

#[derive(Debug, Clone)]
struct PlaceMention {
    start: usize,
    end: usize,
    place: u32,
}

#[derive(Debug, Clone, Copy)]
struct CueMention {
    start: usize,
    end: usize,
    class: CueClass,
}

#[derive(Debug, Clone, Copy)]
struct TriggerMention {
    start: usize,
    end: usize,
    trigger: u32,
    verb: bool,
    imperfect: bool,
    future: bool,
}

/// A candidate event with the features the scorer reads (exposed for training).
#[derive(Debug, Clone)]
pub struct Candidate {
    pub kind: Kind,
    /// The trigger's PLOVER type (what the scorer decides on).
    pub plover_type: Option<String>,
    /// The PLOVER type of the event it makes, after modality: a promise or intent of a
    /// cooperative act is AGREE, of a coercive one THREATEN; a refused cooperative act REJECT.
    pub event_plover_type: Option<String>,
    pub modality: Modality,
    pub features: Features,
    pub sentence_start: usize,
    pub sentence_end: usize,
    pub trigger_start: usize,
    pub trigger_end: usize,
    /// Whether the engine keeps it (the scorer's decision, where the scorer applies).
    pub kept: bool,
}

struct Doc<'a> {
    engine: &'a Engine,
    text: &'a str,
    norm: Normalized,
    /// Byte offset of each original char (and the end).
    char_bytes: Vec<u32>,
    lang: String,
}

impl Doc<'_> {
    fn orig(&self, start: usize, end: usize) -> &str {
        let s = self.char_bytes[start.min(self.char_bytes.len() - 1)] as usize;
        let e = self.char_bytes[end.min(self.char_bytes.len() - 1)] as usize;
        &self.text[s..e]
    }
}

/// Detects `ar` or `en` from the script, falling back to whatlang for other Latin text.
pub fn detect_lang(text: &str) -> String {
    let (mut arabic, mut latin) = (0usize, 0usize);
    for c in text.chars().take(4000) {
        if crate::normalize::is_arabic(c) {
            arabic += 1;
        } else if c.is_ascii_alphabetic() {
            latin += 1;
        }
    }
    if arabic > latin {
        return "ar".to_owned();
    }
    if latin == 0 {
        return "und".to_owned();
    }
    match whatlang::detect_lang(
        &text[..text.char_indices().nth(2000).map_or(text.len(), |(i, _)| i)],
    ) {
        Some(whatlang::Lang::Eng) | None => "en".to_owned(),
        Some(other) => other.code().chars().take(2).collect(),
    }
}

/// Keeps the longest of overlapping spans; equal spans are all kept. Items are taken longest
/// first (then by start, then in their order); an item is kept unless it overlaps a kept span
/// other than its own (an empty item: unless a kept span has its position strictly inside). The
/// kept spans never overlap (but for equal ones), so each char has at most one kept span over it:
/// a table of owners per char answers the test. Output: by start, then in the order taken.
///
/// `owner` is that table, all zeros, shared by the calls of one document (each leaves it all
/// zeros again by clearing the spans it kept, rather than zeroing a table of the whole text).
fn longest_first<T: Copy>(
    items: Vec<(usize, usize, T)>,
    owner: &mut Vec<u32>,
) -> Vec<(usize, usize, T)> {
    let items: Vec<(usize, usize, T)> = by_length(&items)
        .iter()
        .map(|&i| items[i as usize])
        .collect();
    let len = items.iter().map(|i| i.1).max().unwrap_or(0);
    // Per char: 1 + the index (into `items`) of the kept span over it; 0 for none.
    if owner.len() < len + 1 {
        owner.resize(len + 1, 0);
    }
    let mut kept: Vec<(usize, usize)> = Vec::with_capacity(items.len());
    for (seq, item) in items.iter().enumerate() {
        let (s, e) = (item.0, item.1);
        let clash = if s == e {
            let o = owner[s];
            o != 0 && items[o as usize - 1].0 < s
        } else {
            owner[s..e].iter().any(|&o| {
                o != 0 && {
                    let k = &items[o as usize - 1];
                    !(k.0 == s && k.1 == e)
                }
            })
        };
        if !clash {
            if s < e {
                owner[s..e].fill(seq as u32 + 1);
            }
            kept.push((s, seq));
        }
    }
    for &(s, seq) in &kept {
        owner[s..items[seq].1].fill(0);
    }
    kept.sort_unstable();
    kept.into_iter().map(|(_, seq)| items[seq]).collect()
}

/// Lengths up to which [`by_length`] counts items in a bucket of their own.
const LENGTH_BUCKETS: usize = 256;

/// The indices of `items` longest first, then by start, then in their order. A counting sort by
/// length (stable: the items of a length stay in their order), then the items of each length by
/// start (a stable sort, of items nearly always in that order already); lengths past
/// [`LENGTH_BUCKETS`] share the last bucket, sorted by length and start.
fn by_length<T>(items: &[(usize, usize, T)]) -> Vec<u32> {
    let length = |item: &(usize, usize, T)| (item.1 - item.0).min(LENGTH_BUCKETS - 1);
    // Only the buckets up to the longest are read (a document's spans are short).
    let longest = items.iter().map(length).max().unwrap_or(0);
    let bucket = |item: &(usize, usize, T)| longest - length(item);
    // Per bucket (longest first), where its items go.
    let mut at = [0u32; LENGTH_BUCKETS + 1];
    let at = &mut at[..longest + 2];
    for item in items {
        at[bucket(item) + 1] += 1;
    }
    for b in 1..at.len() {
        at[b] += at[b - 1];
    }
    let mut order = vec![0u32; items.len()];
    for (i, item) in items.iter().enumerate() {
        let slot = &mut at[bucket(item)];
        order[*slot as usize] = i as u32;
        *slot += 1;
    }
    // Each bucket's slot has moved on to its end.
    let mut start = 0;
    for &end in &at[..=longest] {
        let end = end as usize;
        if end - start > 1 {
            order[start..end].sort_by_key(|&i| {
                let item = &items[i as usize];
                (std::cmp::Reverse(item.1 - item.0), item.0)
            });
        }
        start = end;
    }
    order
}

/// Of the hits over one span, keeps those that read the least of the word past their pattern:
/// "bombed" is the pattern "bombed" (an air strike) rather than "bomb" with a suffix (a bomb). The
/// hits come from [`longest_first`]: hits over one span are next to each other.
///
/// Only hits of one class compete: triggers with triggers, titles with titles ("مسلحون" is the
/// title "مسلحون", gunmen, rather than "مسلح", a gunman, with a plural ending); a place and an
/// actor over one span are both kept.
fn prefer_exact(hits: Vec<(usize, usize, Hit)>) -> Vec<(usize, usize, Hit)> {
    let same_span = |a: &(usize, usize, Hit), b: &(usize, usize, Hit)| (a.0, a.1) == (b.0, b.1);
    if !hits.windows(2).any(|w| same_span(&w[0], &w[1])) {
        return hits;
    }
    let class = |h: &Hit| std::mem::discriminant(&h.entry);
    let mut kept = Vec::with_capacity(hits.len());
    for run in hits.chunk_by(same_span) {
        kept.extend(run.iter().copied().filter(|h| {
            run.iter()
                .filter(|o| class(&o.2) == class(&h.2))
                .all(|o| o.2.suffix >= h.2.suffix)
        }));
    }
    kept
}

/// The longest sentence read as one; longer ones are cut at spaces.
const MAX_SENTENCE_CHARS: usize = 1500;

const FAMILY_VIOLENT: &[Kind] = &[
    Kind::Abduction,
    Kind::ArmedClash,
    Kind::TerritoryRegained,
    Kind::TerritoryTaken,
    Kind::AirStrike,
    Kind::Shelling,
    Kind::SuicideBombing,
    Kind::RemoteExplosive,
    Kind::Grenade,
    Kind::ChemicalWeapon,
    Kind::Attack,
    Kind::SexualViolence,
    Kind::ProtestExcessiveForce,
    Kind::MobViolence,
    Kind::Arrest,
    Kind::WeaponsSeizure,
    Kind::PropertyDestruction,
    Kind::ProtestIntervention,
    Kind::Sanction,
    Kind::Threat,
    Kind::Accusation,
];

/// Custody, detention and transfer: an armed group held in them is no agent.
/// Civilian titles (their English labels) that name a crowd, which can act violently as one.
const CROWD_LABELS: &[&str] = &[
    "villagers",
    "residents",
    "protesters",
    "demonstrators",
    "supporters",
];

/// Whether an actor is a crowd of civilians (a civilian title whose label is a crowd's).
fn is_crowd(a: &ActorMention) -> bool {
    a.sector.as_deref() == Some("CVL") && CROWD_LABELS.contains(&a.name.as_ref())
}
/// Of those, the ones that demonstrate: their violence is a riot.
const PROTESTER_LABELS: &[&str] = &["protesters", "demonstrators", "supporters"];
/// Words after a verb that show it has no object of its own ("killed in the raid").
const PREPOSITIONS: &[&str] = &[
    "in",
    "during",
    "on",
    "at",
    "by",
    "as",
    "after",
    "when",
    "while",
    "near",
    "following",
    "with",
    "and",
    "or",
    "from",
    "for",
    "over",
    "amid",
];

const FAMILY_CUSTODY: &[Kind] = &[
    Kind::CustodyHandover,
    Kind::DetaineeTransfer,
    Kind::Repatriation,
    Kind::PrisonerRelease,
    Kind::Arrest,
];

const FAMILY_JOINT: &[Kind] = &[
    Kind::Agreement,
    Kind::Ceasefire,
    Kind::ForceIntegration,
    Kind::Meeting,
];

pub(crate) fn extract(engine: &Engine, doc: &Document) -> Extraction {
    let (extraction, _) = run(engine, doc, false);
    extraction
}

pub(crate) fn candidates(engine: &Engine, doc: &Document) -> Vec<Candidate> {
    run(engine, doc, true).1
}

fn run(engine: &Engine, document: &Document, keep_all: bool) -> (Extraction, Vec<Candidate>) {
    let lang = document
        .lang
        .clone()
        .filter(|l| !l.is_empty())
        .unwrap_or_else(|| detect_lang(&document.text));
    let Buffers {
        mut norm,
        mut char_bytes,
        mut owner,
        mut hits,
    } = Buffers::take();
    normalize_into(&document.text, &mut norm);
    char_offsets(&document.text, &mut char_bytes);
    let doc = Doc {
        engine,
        text: &document.text,
        norm,
        char_bytes,
        lang,
    };

    hits.clear();
    hits.reserve(doc.norm.text.len() / 16 + 16);
    engine.matcher.find(&doc.norm.text, &mut hits);

    // Lines, furniture and sentences (normalised bytes).
    let lines = segment::lines(&doc.norm.text);
    let furniture_starts: Vec<usize> = hits
        .iter()
        .filter(|h| matches!(h.entry, EntryRef::Cue(c) if engine.lexicon.cues[c as usize] == CueClass::Furniture))
        .map(|h| h.start)
        .collect();
    let normalized_title = document.title.as_deref().map(|t| normalize(t).text);
    let furniture = segment::furniture_lines(
        &doc.norm.text,
        &lines,
        &furniture_starts,
        normalized_title.as_deref(),
    );
    // Sentences are cut on the original text (case matters to UAX #29), line by line.
    let mut sentences: Vec<(usize, usize)> = Vec::with_capacity(lines.len() * 2);
    for (&(ls, le), &skip) in lines.iter().zip(&furniture) {
        if skip || ls == le {
            continue;
        }
        let (cs, ce) = (doc.norm.orig_char(ls), doc.norm.orig_char(le));
        let line = doc.orig(cs, ce);
        let line_start_byte = doc.char_bytes[cs] as usize;
        for (offset, sentence) in segment::sentences_of_line(line) {
            let s_byte = line_start_byte + offset;
            let e_byte = s_byte + sentence.len();
            let s_char = doc.char_bytes.partition_point(|&b| (b as usize) < s_byte);
            let e_char = doc.char_bytes.partition_point(|&b| (b as usize) < e_byte);
            // An overlong "sentence" (a page without stops) is cut at spaces into pieces of at
            // most MAX_SENTENCE_CHARS, which bounds the work per sentence.
            let mut start = s_char;
            while e_char > start {
                let mut end = e_char;
                if end - start > MAX_SENTENCE_CHARS {
                    let limit = start + MAX_SENTENCE_CHARS;
                    let (lb, hb) = (
                        doc.char_bytes[start] as usize,
                        doc.char_bytes[limit] as usize,
                    );
                    end = doc.text[lb..hb]
                        .rfind(char::is_whitespace)
                        .filter(|&i| i > 0)
                        .map_or(limit, |i| {
                            doc.char_bytes.partition_point(|&b| (b as usize) < lb + i)
                        });
                }
                sentences.push((start, end));
                start = end;
                while start < e_char && doc.orig(start, start + 1).trim().is_empty() {
                    start += 1;
                }
            }
        }
    }
    let in_sentence = |c: usize| {
        let i = sentences.partition_point(|&(_, e)| e <= c);
        i < sentences.len() && sentences[i].0 <= c
    };
    let mut entity_hits: Vec<(usize, usize, Hit)> = Vec::with_capacity(hits.len());
    let mut trigger_hits: Vec<(usize, usize, Hit)> = Vec::with_capacity(hits.len() / 4 + 4);
    let mut cues: Vec<CueMention> = Vec::with_capacity(hits.len() / 4 + 4);
    for &h in &hits {
        let (s, e) = (doc.norm.orig_char(h.start), doc.norm.orig_char(h.end));
        if !in_sentence(s) {
            continue;
        }
        match h.entry {
            EntryRef::Trigger(_) => trigger_hits.push((s, e, h)),
            EntryRef::Cue(c) => cues.push(CueMention {
                start: s,
                end: e,
                class: engine.lexicon.cues[c as usize],
            }),
            _ => entity_hits.push((s, e, h)),
        }
    }
    // The owners table of `longest_first` (all zeros), shared by its three calls.
    let entity_hits = prefer_exact(longest_first(entity_hits, &mut owner));
    let cues: Vec<CueMention> = longest_first(
        cues.into_iter().map(|c| (c.start, c.end, c)).collect(),
        &mut owner,
    )
    .into_iter()
    .map(|(_, _, c)| c)
    .filter(|c| c.class != CueClass::Neutral)
    .collect();
    let named_spans: Vec<(usize, usize)> = entity_hits
        .iter()
        .filter(|(_, _, h)| {
            matches!(h.entry, EntryRef::Actor(a)
                if matches!(engine.lexicon.actors[a as usize].actor_type, ActorType::Person | ActorType::Org))
        })
        .map(|(s, e, _)| (*s, *e))
        .collect();
    // Dates (a trigger inside a date, "March", is no trigger; nor is a modality cue: the month in
    // "4 May 2024" is no "may").
    let dates = find_dates(doc.text, document.published);
    let in_date = |s: usize, e: usize| {
        let d = dates.partition_point(|d| d.end <= s);
        d < dates.len() && dates[d].start < e
    };
    let cues: Vec<CueMention> = cues
        .into_iter()
        .filter(|c| !(c.class.is_modality() && in_date(c.start, c.end)))
        .collect();
    let triggers: Vec<TriggerMention> = prefer_exact(longest_first(trigger_hits, &mut owner))
        .into_iter()
        .filter_map(|(s, e, h)| {
            let EntryRef::Trigger(t) = h.entry else {
                return None;
            };
            engine.lexicon.triggers[t as usize].kind?;
            if named_spans.iter().any(|&(ns, ne)| ns <= s && e <= ne) {
                return None;
            }
            if in_date(s, e) {
                return None;
            }
            Some(TriggerMention {
                start: s,
                end: e,
                trigger: t,
                verb: engine.trigger_is_verb[t as usize],
                imperfect: h.imperfect,
                future: h.future,
            })
        })
        .collect();

    // Actors and places.
    let (actors, places) = build_entities(&doc, &entity_hits);

    let mut events: Vec<Draft<'_>> = Vec::with_capacity(triggers.len());
    let mut candidates: Vec<Candidate> = Vec::new();
    // Every mention list is sorted by start: a sentence's mentions are a sub-slice.
    fn in_range<T>(items: &[T], start: impl Fn(&T) -> usize, ss: usize, se: usize) -> &[T] {
        let a = items.partition_point(|x| start(x) < ss);
        let b = a + items[a..].partition_point(|x| start(x) < se);
        &items[a..b]
    }
    // Per-sentence buffers, reused from one sentence to the next.
    let mut clauses: Vec<(usize, usize)> = Vec::new();
    let mut pending: Vec<Pending<'_>> = Vec::new();
    let mut triggers_read: Vec<(f32, Kind)> = Vec::new();
    for &(ss, se) in &sentences {
        let s_triggers = in_range(&triggers, |t| t.start, ss, se);
        if s_triggers.is_empty() {
            continue;
        }
        let s_actors = in_range(&actors, |a| a.start, ss, se);
        let s_places = in_range(&places, |p| p.start, ss, se);
        let s_cues = in_range(&cues, |c| c.start, ss, se);
        let s_dates = in_range(&dates, |d| d.start, ss, se);
        clause_bounds(&doc, ss, se, &mut clauses);
        let words = std::cell::OnceCell::new();
        let ctx = SentenceCtx {
            span: (ss, se),
            clauses: &clauses,
            triggers: s_triggers,
            actors: s_actors,
            places: s_places,
            cues: s_cues,
            dates: s_dates,
            words: &words,
        };
        pending.clear();
        pending.extend(
            s_triggers
                .iter()
                .map(|trig| build_event(&doc, trig, &ctx, keep_all)),
        );
        pool_sentence_features(&mut pending);
        let first = events.len();
        triggers_read.clear();
        for p in pending.drain(..) {
            let read = (p.entry.weight, p.kind);
            let (candidate, event) = decide(engine, p, keep_all);
            if let Some(candidate) = candidate {
                candidates.push(candidate);
            }
            if let Some(event) = event {
                events.push(event);
                triggers_read.push(read);
            }
        }
        specify_violence(&mut events[first..], &triggers_read);
        specify_disappearance(&doc, &mut events[first..]);
    }

    let events: Vec<Event> = merge_events(&engine.lexicon, events)
        .iter()
        .map(|d| d.make(&doc))
        .collect();
    let mut entities: Vec<Entity> = Vec::with_capacity(actors.len() + places.len() + dates.len());
    entities.extend(actors.iter().map(|a| Entity {
        entity_type: a.entity_type,
        text: doc.orig(a.start, a.end).to_owned(),
        name: a.name.clone(),
        id: a.id.clone(),
        country: a.country.clone(),
        sector: a.sector.clone(),
        start: a.start,
        end: a.end,
    }));
    for p in &places {
        let entry = &engine.lexicon.places[p.place as usize];
        if entities
            .iter()
            .any(|e| e.start == p.start && e.end == p.end)
        {
            continue;
        }
        entities.push(Entity {
            entity_type: EntityType::Loc,
            text: doc.orig(p.start, p.end).to_owned(),
            name: entry.name.clone(),
            id: entry.id.clone(),
            country: entry.country.clone(),
            sector: None,
            start: p.start,
            end: p.end,
        });
    }
    for d in &dates {
        entities.push(Entity {
            entity_type: EntityType::Date,
            text: d.text.clone(),
            name: Label::Owned(d.value.map_or_else(|| d.text.clone(), |v| v.to_string())),
            id: d
                .value
                .map_or_else(Label::default, |v| Label::Owned(v.to_string())),
            country: None,
            sector: None,
            start: d.start,
            end: d.end,
        });
    }
    entities.sort_by_key(|e| (e.start, e.end));
    let Doc {
        norm,
        char_bytes,
        lang,
        ..
    } = doc;
    Buffers {
        norm,
        char_bytes,
        owner,
        hits,
    }
    .give_back();
    (
        Extraction {
            id: document.id.clone(),
            lang,
            entities,
            events,
        },
        candidates,
    )
}

/// The byte offset of each char of `text`, and its length, into `out` (cleared first): what
/// `char_indices` gives, read from the bytes without decoding them. Every byte's offset is written
/// where the next char's goes, and kept (the slot advanced) only for a byte that starts a char
/// (not a continuation byte `10xxxxxx`): no branch on the text.
fn char_offsets(text: &str, out: &mut Vec<u32>) {
    out.clear();
    // An ASCII text (checked with vector instructions): every byte is a char.
    if text.is_ascii() {
        out.extend(0..=text.len() as u32);
        return;
    }
    // Sized for the worst case (one byte per char), written in place, then cut to the chars.
    out.resize(text.len() + 1, 0);
    let mut n = 0;
    for (i, &b) in text.as_bytes().iter().enumerate() {
        out[n] = i as u32;
        n += usize::from(b & 0xC0 != 0x80);
    }
    out[n] = text.len() as u32;
    out.truncate(n + 1);
}

/// The large per-document buffers (a few bytes per char of the text each), kept per thread
/// between documents: allocated per document, each cost a large request, and the allocator's
/// consolidation of the small blocks freed since, more than filling it.
#[derive(Default)]
struct Buffers {
    norm: Normalized,
    char_bytes: Vec<u32>,
    /// The owners table of [`longest_first`]: all zeros between uses.
    owner: Vec<u32>,
    hits: Vec<Hit>,
}

thread_local! {
    static BUFFERS: std::cell::Cell<Buffers> = std::cell::Cell::new(Buffers::default());
}

impl Buffers {
    /// The thread's buffers (empty ones on its first document, or after a panic lost them).
    fn take() -> Self {
        BUFFERS.try_with(std::cell::Cell::take).unwrap_or_default()
    }

    /// Keeps the buffers for the thread's next document, but for those of an unusually long one.
    fn give_back(self) {
        const KEEP_CHARS: usize = 1 << 18;
        if self.char_bytes.capacity() <= KEEP_CHARS {
            let _ = BUFFERS.try_with(|b| b.set(self));
        }
    }
}

fn find_dates(text: &str, published: Option<NaiveDate>) -> Vec<DateSpan> {
    crate::dates::find(text, published)
}

/// Builds actor mentions (composites of titles and nationalities) and place mentions.
fn build_entities<'e>(
    doc: &Doc<'e>,
    hits: &[(usize, usize, Hit)],
) -> (Vec<ActorMention>, Vec<PlaceMention>) {
    let lex = &doc.engine.lexicon;
    let arabic = doc.lang == "ar";
    // Countries named in the document, to disambiguate places (a handful: a vector).
    let mut doc_countries: Vec<&str> = Vec::new();
    for (_, _, h) in hits {
        if let EntryRef::Actor(a) = h.entry {
            if let Some(c) = &lex.actors[a as usize].country {
                if !doc_countries.contains(&&**c) {
                    doc_countries.push(c);
                }
            }
        }
    }
    let mut places: Vec<PlaceMention> = Vec::with_capacity(hits.len() / 2 + 1);
    let mut i = 0;
    while i < hits.len() {
        // Group the place entries of one span.
        let (s, e, _) = hits[i];
        let mut best: Option<u32> = None;
        let mut j = i;
        while j < hits.len() && hits[j].0 == s && hits[j].1 == e {
            if let EntryRef::Place(p) = hits[j].2.entry {
                let better = match best {
                    None => true,
                    Some(b) => {
                        place_rank(lex, p, &doc_countries) > place_rank(lex, b, &doc_countries)
                    }
                };
                if better {
                    best = Some(p);
                }
            }
            j += 1;
        }
        if let Some(p) = best {
            // Latin place names must be capitalised in the original; small places count only in
            // the countries the document names.
            let span = doc.orig(s, e);
            let latin = span.chars().any(|c| c.is_ascii_alphabetic());
            let cased = !latin || span.chars().any(char::is_uppercase);
            let entry = &lex.places[p as usize];
            let in_doc = entry
                .country
                .as_deref()
                .is_some_and(|c| doc_countries.contains(&c));
            let major = matches!(entry.kind, PlaceKind::Country | PlaceKind::Admin1)
                || entry.population >= 100_000;
            // A Latin name after "in", "near", "at"... is a place even when the document names
            // no country (ACLED notes: "attacked a military post in Djibo").
            // So is a name after a settlement noun, in either language ("the town of Kidal",
            // "مدينة كيدال"). Read only for the places neither named country nor size admits.
            let said_as_place = || {
                (entry.population >= 1000
                    || matches!(
                        entry.kind,
                        PlaceKind::Region
                            | PlaceKind::Camp
                            | PlaceKind::Crossing
                            | PlaceKind::Landmark
                    ))
                    && ((latin && is_locative(&doc.norm.text, doc, s))
                        || after_settlement_noun(doc, s))
                    && !(latin && runs_on_into_a_name(doc, e))
            };
            if cased && (in_doc || major || said_as_place()) {
                places.push(PlaceMention {
                    start: s,
                    end: e,
                    place: p,
                });
            }
        }
        i = j;
    }

    let mut actors: Vec<ActorMention> = Vec::with_capacity(hits.len() / 2 + 1);
    let mut titled: Vec<usize> = Vec::new();
    // Per hit: whether a title took it as its state.
    let mut consumed = vec![false; hits.len()];
    let gap_ok = |from: usize, to: usize, max_words: usize| -> bool {
        if to < from {
            return false;
        }
        let between = doc.orig(from, to);
        !between.contains([
            '.', '،', ',', '؛', ';', '\n', ':', '(', ')', '"', '“', '”', '«', '»',
        ]) && between.split_whitespace().count() <= max_words
    };
    for (idx, &(s, e, h)) in hits.iter().enumerate() {
        let EntryRef::Title(t) = h.entry else {
            continue;
        };
        let title = &lex.titles[t as usize];
        // Arabic: the nationality or state follows the title; English: it precedes it, or
        // follows after "of".
        let partner = if arabic {
            hits.iter()
                .enumerate()
                .skip(idx + 1)
                .take(4)
                .find(|(_, (ps, _, ph))| is_state_like(lex, ph.entry) && gap_ok(e, *ps, 2))
        } else {
            hits.iter()
                .enumerate()
                .take(idx)
                .rev()
                .take(3)
                .find(|(_, (_, pe, ph))| is_state_like(lex, ph.entry) && gap_ok(*pe, s, 2))
                .or_else(|| {
                    hits.iter()
                        .enumerate()
                        .skip(idx + 1)
                        .take(2)
                        .find(|(_, (ps, _, ph))| {
                            is_state_like(lex, ph.entry)
                                && doc.orig(e, *ps).trim().trim_end_matches("the").trim() == "of"
                        })
                })
        };
        let (start, end, country, country_name) = match partner {
            Some((pi, &(ps, pe, ph))) => {
                consumed[pi] = true;
                let EntryRef::Actor(a) = ph.entry else {
                    unreachable!()
                };
                let entry = &lex.actors[a as usize];
                (
                    s.min(ps),
                    e.max(pe),
                    entry.country.clone(),
                    Some(&*entry.name),
                )
            }
            None => (s, e, None, None),
        };
        let label = if title.label.is_empty() {
            doc.orig(s, e)
        } else {
            &title.label
        };
        // "{country} {label}", made in one allocation.
        let name = match country_name {
            Some(c) => {
                let mut name = String::with_capacity(c.len() + 1 + label.len());
                name.push_str(c);
                name.push(' ');
                name.push_str(label);
                name
            }
            None => label.to_owned(),
        };
        let id = crate::lexicon::slug(&name);
        titled.push(actors.len());
        actors.push(ActorMention {
            start,
            end,
            entity_type: if title.sector.as_ref() == "CVL" {
                EntityType::Person
            } else {
                EntityType::Org
            },
            name: Label::Owned(name),
            id: Label::Owned(id),
            country,
            sector: Some(title.sector.clone()),
            locative: false,
        });
    }
    for (idx, &(s, e, h)) in hits.iter().enumerate() {
        let EntryRef::Actor(a) = h.entry else {
            continue;
        };
        if consumed[idx] {
            continue;
        }
        let entry = &lex.actors[a as usize];
        let locative = matches!(entry.actor_type, ActorType::Gpe | ActorType::Capital)
            && is_locative(&doc.norm.text, doc, s);
        let sector = match entry.actor_type {
            ActorType::Gpe | ActorType::Capital => {
                entry.sector.clone().or(Some(Label::Borrowed("GOV")))
            }
            _ => entry.sector.clone(),
        };
        actors.push(ActorMention {
            start: s,
            end: e,
            entity_type: entry.actor_type.entity_type(),
            name: entry.name.clone(),
            id: entry.id.clone(),
            country: entry.country.clone(),
            sector,
            locative,
        });
    }
    // Countries from the gazetteer are states too, where the actor lexicon has no entry.
    for p in &places {
        let entry = &lex.places[p.place as usize];
        if entry.kind == PlaceKind::Country
            && !actors.iter().any(|a| a.start < p.end && p.start < a.end)
        {
            actors.push(ActorMention {
                start: p.start,
                end: p.end,
                entity_type: EntityType::Gpe,
                name: entry.name.clone(),
                id: entry.id.clone(),
                country: entry.country.clone(),
                sector: Some(Label::Borrowed("GOV")),
                locative: is_locative(&doc.norm.text, doc, p.start),
            });
        }
    }
    // Per actor: whether it is dropped (a title that another actor stands for).
    let mut dropped = vec![false; actors.len()];
    // A named group next to a bare title is that group: "JNIM militants", "مسلحو داعش".
    let mut is_titled = vec![false; actors.len()];
    for &t in &titled {
        is_titled[t] = true;
    }
    for &t in &titled {
        if actors[t].country.is_some() {
            continue;
        }
        let (ts, te) = (actors[t].start, actors[t].end);
        let group = actors.iter().enumerate().position(|(i, a)| {
            a.entity_type == EntityType::Org
                && !is_titled[i]
                && a.sector.is_some()
                && ((a.end <= ts && doc.orig(a.end, ts).trim().is_empty())
                    || (a.start >= te && doc.orig(te, a.start).trim().is_empty()))
        });
        if let Some(g) = group {
            actors[g].start = actors[g].start.min(ts);
            actors[g].end = actors[g].end.max(te);
            dropped[t] = true;
        }
    }
    // Apposition: a titled actor followed closely by a named person is that person
    // ("المبعوث الأمريكي الخاص إلى سوريا، توماس باراك").
    for &t in &titled {
        let (t_end, t_country, t_sector) = (
            actors[t].end,
            actors[t].country.clone(),
            actors[t].sector.clone(),
        );
        if !matches!(
            t_sector.as_deref(),
            Some("GOV" | "MIL" | "COP" | "JUD" | "LEG")
        ) {
            continue;
        }
        let person = actors.iter().position(|a| {
            a.entity_type == EntityType::Person
                && a.start >= t_end
                && a.start - t_end <= 60
                && !doc.orig(t_end, a.start).contains(['.', '\n'])
        });
        if let Some(p) = person {
            if actors[p].country.is_none() || actors[p].country == t_country || t_country.is_none()
            {
                if actors[p].country.is_none() {
                    actors[p].country = t_country;
                }
                if actors[p].sector.is_none() {
                    actors[p].sector = t_sector;
                }
                dropped[t] = true;
            }
        }
    }
    // `retain` visits the actors in order.
    let mut index = 0;
    actors.retain(|_| {
        index += 1;
        !dropped[index - 1]
    });
    actors.sort_by_key(|a| a.start);
    // One actor per span and name (two patterns of one word, "جيش" and "الجيش", give one army).
    actors.dedup_by(|b, a| a.start == b.start && a.end == b.end && a.id == b.id);
    // Two bare titles of one sector side by side are one actor: "مسلحون مجهولون" (gunmen,
    // unknown) are unknown gunmen, not gunmen and their target.
    actors.dedup_by(|b, a| {
        let bare = |x: &ActorMention| x.country.is_none() && x.entity_type == EntityType::Org;
        let one = bare(a)
            && bare(b)
            && a.sector.is_some()
            && a.sector == b.sector
            && a.end <= b.start
            && doc.orig(a.end, b.start).trim().is_empty();
        if one {
            a.end = b.end;
        }
        one
    });
    if arabic {
        resolve_possessives(doc, &mut actors);
    }
    (actors, places)
}

/// An Arabic title with a possessive pronoun and no state of its own ("قواته", "its forces";
/// "حكومتها", "its government") belongs to the nearest state-bearing actor before it in its
/// sentence ("قال الجيش الأميركي إن قواته ...").
fn resolve_possessives(doc: &Doc<'_>, actors: &mut [ActorMention]) {
    for i in 0..actors.len() {
        if actors[i].country.is_some()
            || !matches!(
                actors[i].sector.as_deref(),
                Some("GOV" | "MIL" | "COP" | "JUD" | "LEG")
            )
        {
            continue;
        }
        let text = doc.orig(actors[i].start, actors[i].end);
        if !(text.ends_with('ه') || text.ends_with("ها") || text.ends_with("هم")) {
            continue;
        }
        let start = actors[i].start;
        let owner = actors[..i].iter().rev().find(|a| {
            a.country.is_some()
                && a.end <= start
                && start - a.end <= 120
                && !doc.orig(a.end, start).contains(['.', '\n'])
        });
        if let Some(country) = owner.and_then(|a| a.country.clone()) {
            actors[i].country = Some(country);
        }
    }
}

fn is_state_like(lex: &crate::lexicon::Lexicon, entry: EntryRef) -> bool {
    matches!(entry, EntryRef::Actor(a)
        if matches!(lex.actors[a as usize].actor_type, ActorType::Nationality | ActorType::Gpe))
}

/// Whether the word before a char offset makes the name a place ("في", "in", "ب").
fn is_locative(norm_text: &str, doc: &Doc<'_>, start_char: usize) -> bool {
    let (ns, ne) = (
        doc.norm.byte_of_orig_char(start_char.saturating_sub(12)),
        doc.norm.byte_of_orig_char(start_char),
    );
    let before = &doc.norm.text[ns..ne];
    let last_word = before.split_whitespace().last().unwrap_or("");
    let _ = norm_text;
    if before.ends_with(char::is_whitespace) {
        matches!(
            last_word,
            "في" | "وفي" | "الي" | "من" | "in" | "to" | "from" | "at" | "across" | "near"
        )
    } else {
        // a proclitic ب or في attached: "بدمشق"
        matches!(last_word, "ب" | "وب" | "فب")
    }
}

/// Whether the name starting at `start_char` follows a settlement or district noun: "town of",
/// "outskirts of", "مدينة", "بلدة", "مخيم"...
fn after_settlement_noun(doc: &Doc<'_>, start_char: usize) -> bool {
    const ENGLISH: &[&str] = &[
        "town",
        "city",
        "village",
        "villages",
        "area",
        "district",
        "province",
        "region",
        "outskirts",
        "countryside",
        "suburbs",
        "vicinity",
        "municipality",
        "camp",
        "governorate",
    ];
    const ARABIC: &[&str] = &[
        "مدينه",
        "بلده",
        "قريه",
        "مخيم",
        "ناحيه",
        "قضاء",
        "محافظه",
        "بلدات",
        "قري",
        "مدن",
        "ريف",
        "منطقه",
        "اطراف",
        "ضواحي",
    ];
    let (ns, ne) = (
        doc.norm.byte_of_orig_char(start_char.saturating_sub(24)),
        doc.norm.byte_of_orig_char(start_char),
    );
    let before = &doc.norm.text[ns..ne];
    if !before.ends_with(char::is_whitespace) {
        return false;
    }
    let mut words = before.split_whitespace().rev();
    match words.next() {
        Some("of") => words.next().is_some_and(|w| ENGLISH.contains(&w)),
        Some(w) => {
            let w = w
                .strip_prefix('و')
                .filter(|r| r.chars().count() >= 3)
                .unwrap_or(w);
            let w = w
                .strip_prefix('ب')
                .filter(|r| r.chars().count() >= 3)
                .unwrap_or(w);
            let w = w.strip_prefix("ال").unwrap_or(w);
            ARABIC.contains(&w)
        }
        None => false,
    }
}

/// Whether the Latin name ending at `end_char` runs on into another capitalised word that is no
/// place-type word: "near Debre Markos" names Debre Markos, not the town of Debre (a small place
/// known only by that first word is a fragment of a longer, unknown name).
fn runs_on_into_a_name(doc: &Doc<'_>, end_char: usize) -> bool {
    const PLACE_WORDS: &[&str] = &[
        "City",
        "Town",
        "Village",
        "District",
        "Province",
        "Governorate",
        "Region",
        "State",
        "County",
        "Camp",
        "Airport",
        "Base",
        "Crossing",
        "Port",
        "Valley",
        "Mountains",
    ];
    let last = doc.char_bytes.len() - 1;
    let rest = doc.orig(end_char.min(last), (end_char + 24).min(last));
    let Some(after_space) = rest.strip_prefix(' ') else {
        return false;
    };
    let next: &str = after_space
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .next()
        .unwrap_or("");
    next.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && !PLACE_WORDS.contains(&next)
}

fn place_rank(lex: &crate::lexicon::Lexicon, p: u32, doc_countries: &[&str]) -> (bool, u8, u64) {
    let entry = &lex.places[p as usize];
    let in_doc = entry
        .country
        .as_deref()
        .is_some_and(|c| doc_countries.contains(&c));
    let kind_rank = match entry.kind {
        PlaceKind::Country => 6,
        PlaceKind::Admin1 => 4,
        PlaceKind::City => 5,
        PlaceKind::Region => 3,
        PlaceKind::Camp | PlaceKind::Crossing | PlaceKind::Landmark => 3,
        PlaceKind::Town => 2,
    };
    (in_doc, kind_rank, entry.population)
}

/// Clause boundaries inside a sentence: complementisers ("أن", "that") and semicolons.
///
/// The cuts come in order (each at or after the one before): a clause ends at each one that is
/// not where the last ended. `clauses` is cleared first.
fn clause_bounds(doc: &Doc<'_>, ss: usize, se: usize, clauses: &mut Vec<(usize, usize)>) {
    clause_cuts(doc.orig(ss, se), ss, se, clauses);
}

/// What [`clause_cuts`] reads of a byte, bits: [`CB_MARK`] a `t` or a 0x86 (the second byte of
/// ن; every complementiser has one or the other), [`CB_STOP`] a byte that may end a word: ASCII
/// whitespace, ";", 0x9B (the second byte of "؛") or the lead byte of a multi-byte whitespace
/// char (U+0085, U+00A0, U+1680, U+2000.., U+3000).
const CB_MARK: u8 = 1;
const CB_STOP: u8 = 2;

/// [`clause_cuts`]'s bits of every byte.
const CLAUSE_BYTES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = match b as u8 {
            b't' | 0x86 => CB_MARK,
            b' ' | 0x09..=0x0D | b';' | 0x9B | 0xC2 | 0xE1 | 0xE2 | 0xE3 => CB_STOP,
            _ => 0,
        };
        b += 1;
    }
    table
};

/// [`clause_bounds`] of `sentence`, the text of chars `ss..se`.
///
/// Words end at whitespace and semicolons (";" and "؛"), each with the delimiter that ends it
/// (as `split_inclusive`). One pass over the bytes by table, which only stops at the bytes that
/// may end a word; a word is compared with the complementisers only when it has a byte of ن or a
/// t, and char offsets are counted only where a cut falls.
fn clause_cuts(sentence: &str, ss: usize, se: usize, clauses: &mut Vec<(usize, usize)>) {
    clauses.clear();
    let mut last_cut = ss;
    let mut cut = |at: usize, clauses: &mut Vec<(usize, usize)>| {
        if at != last_cut {
            clauses.push((last_cut, at));
            last_cut = at;
        }
    };
    // The char offset of a byte offset (a char boundary), counted on from the last one asked:
    // cuts come in order.
    let (mut counted_byte, mut counted_char) = (0usize, ss);
    let mut char_at = |byte: usize| {
        counted_char += sentence[counted_byte..byte].chars().count();
        counted_byte = byte;
        counted_char
    };
    let complementiser = |w: &str| {
        let core = w.trim_matches(|c: char| !crate::normalize::is_word_char(c));
        matches!(
            core,
            "أن" | "إن" | "ان" | "وأن" | "وإن" | "بأن" | "بان" | "that" | "That"
        )
    };
    let bytes = sentence.as_bytes();
    // The start of the word being read, and whether it has a mark byte.
    let (mut word_byte, mut marked) = (0usize, 0u8);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let class = CLAUSE_BYTES[usize::from(b)];
        marked |= class;
        i += 1;
        if class & CB_STOP == 0 {
            continue;
        }
        // `end`: past the delimiter, if this byte is one's.
        let (end, semicolon) = match b {
            b';' => (i, true),
            0x9B if i >= 2 && bytes[i - 2] == 0xD8 => (i, true),
            0x9B => continue,
            0x00..=0x7F => (i, false),
            _ => {
                let c = sentence[i - 1..].chars().next().unwrap_or('x');
                if !c.is_whitespace() {
                    continue;
                }
                (i - 1 + c.len_utf8(), false)
            }
        };
        if marked & CB_MARK != 0 && word_byte > 0 && complementiser(&sentence[word_byte..end]) {
            let at = char_at(word_byte);
            cut(at, clauses);
        }
        if semicolon {
            let at = char_at(end);
            cut(at, clauses);
        }
        word_byte = end;
        marked = 0;
        i = end;
    }
    // The last word (it never ends with a semicolon, which would have ended a word of its own).
    if marked & CB_MARK != 0 && word_byte > 0 && complementiser(&sentence[word_byte..]) {
        let at = char_at(word_byte);
        cut(at, clauses);
    }
    cut(se, clauses);
}

/// One sentence's mentions (sorted by start, living as long as `'m`), shared by the candidates
/// of its triggers.
struct SentenceCtx<'m, 's> {
    span: (usize, usize),
    clauses: &'s [(usize, usize)],
    triggers: &'m [TriggerMention],
    actors: &'m [ActorMention],
    places: &'m [PlaceMention],
    cues: &'m [CueMention],
    dates: &'m [DateSpan],
    /// The sentence's hashed word features, computed once when a scored candidate needs them.
    words: &'s std::cell::OnceCell<Vec<&'static str>>,
}

/// The hashed word features of a sentence (normalised words of two chars or more, a leading و
/// dropped from longer ones), each once.
fn sentence_words(doc: &Doc<'_>, ss: usize, se: usize) -> Vec<&'static str> {
    let normalized = &doc.norm.text[doc.norm.byte_of_orig_char(ss)..doc.norm.byte_of_orig_char(se)];
    let mut seen: Vec<&'static str> = Vec::new();
    // The buckets already named (a name is its bucket's: one bit per bucket rather than a
    // comparison of the names, which grew with the square of the sentence's words).
    let mut named = [0u64; WORD_BUCKETS as usize / 64];
    for word in normalized
        .split(|c: char| !crate::normalize::is_word_char(c))
        .filter(|w| w.chars().nth(1).is_some())
    {
        let word = word
            .strip_prefix('و')
            .filter(|w| w.chars().nth(2).is_some())
            .unwrap_or(word);
        let key = fnv(word);
        let bucket = (key % WORD_BUCKETS) as usize;
        let (slot, bit) = (bucket / 64, 1u64 << (bucket % 64));
        if named[slot] & bit == 0 {
            named[slot] |= bit;
            seen.push(bucket_name("w", key));
        }
    }
    seen
}

fn build_event<'a>(
    doc: &'a Doc<'_>,
    trig: &TriggerMention,
    ctx: &SentenceCtx<'a, '_>,
    keep_all: bool,
) -> Pending<'a> {
    let (sentence, clauses, s_triggers, s_actors, s_places, s_cues, s_dates) = (
        ctx.span,
        ctx.clauses,
        ctx.triggers,
        ctx.actors,
        ctx.places,
        ctx.cues,
        ctx.dates,
    );
    let engine = doc.engine;
    let lex = &engine.lexicon;
    let entry = &lex.triggers[trig.trigger as usize];
    let own_kind = entry.kind.expect("blockers were dropped");
    // "seized a border police camp": a position taken, not people arrested; "captured a
    // fisherman": people taken, not a position.
    let kind = match (own_kind, seized_object(doc, trig, ctx.span.1)) {
        (Kind::Arrest, SeizedObject::Position) => Kind::TerritoryTaken,
        (Kind::Arrest, SeizedObject::Weapons) => Kind::WeaponsSeizure,
        (Kind::TerritoryTaken, SeizedObject::People) => Kind::Abduction,
        _ => own_kind,
    };
    let info = kind.info();
    let entry_plover = entry.plover.as_ref().filter(|_| kind == own_kind);
    let plover_type: Option<&str> = entry_plover.map(|p| p.as_ref()).or(info.plover_type);
    let plover_label: Option<Label> = entry_plover
        .cloned()
        .or(info.plover_type.map(Label::Borrowed));
    let clause = clauses
        .iter()
        .copied()
        .find(|&(cs, ce)| trig.start >= cs && trig.start < ce)
        .unwrap_or(sentence);
    let in_clause = |p: usize| p >= clause.0 && p < clause.1;
    let (ss, se) = sentence;
    let sentence_text = doc.orig(ss, se);

    // Modality.
    let near_before = |c: &CueMention, window: usize| {
        in_clause(c.start) && c.end <= trig.start && trig.start - c.end <= window
    };
    let has = |class: CueClass, window: usize| {
        s_cues
            .iter()
            .any(|c| c.class == class && near_before(c, window))
    };
    let question = sentence_text.trim_end().ends_with(['?', '؟'])
        || s_cues
            .iter()
            .any(|c| c.class == CueClass::Question && c.start < trig.start);
    // A denial verb scopes over the clause it introduces ("denied that it attacked").
    let denial = s_cues.iter().any(|c| {
        c.class == CueClass::Negation && c.end <= trig.start && trig.start - c.end <= 60 && {
            let t = doc.orig(c.start, c.end).to_lowercase();
            t.starts_with("deni") || t.contains("نف")
        }
    });
    let negated = has(CueClass::Negation, 25) || denial;
    let conditional = s_cues.iter().any(|c| {
        c.class == CueClass::Conditional
            && c.start < trig.start
            && trig.start - c.end < 60
            && conditional_applies(doc, c)
    });
    let planned = has(CueClass::Planned, 80)
        || s_cues.iter().any(|c| {
            c.class == CueClass::Planned
                && in_clause(c.start)
                && c.start >= trig.end
                && c.start - trig.end < 25
        })
        || trig.future;
    let intended = has(CueClass::Intended, 40);
    let reported = s_cues.iter().any(|c| c.class == CueClass::Reported);
    // A reversal verb just before the trigger, in its clause, with no other trigger between:
    // the trigger is its object ("suspended military aid", "lifted the curfew").
    let reversed = s_cues.iter().any(|c| {
        c.class == CueClass::Reversal
            && in_clause(c.start)
            && c.end <= trig.start
            && trig.start - c.end <= 30
            && !s_triggers
                .iter()
                .any(|t| t.start >= c.end && t.start < trig.start)
    });
    let modality = if negated {
        Modality::Negated
    } else if question || conditional {
        Modality::Hypothetical
    } else if intended {
        Modality::Intended
    } else if planned {
        Modality::Planned
    } else if reported {
        Modality::Reported
    } else {
        Modality::Asserted
    };

    // Protesters right after the trigger, in its clause, with no other trigger between: its
    // object ("arrested 15 demonstrators", "اعتقلت الشرطة عشرات المتظاهرين").
    let protesters_object = s_cues.iter().any(|c| {
        c.class == CueClass::Participant
            && in_clause(c.start)
            && c.start >= trig.end
            && c.start - trig.end <= 40
            && !s_triggers
                .iter()
                .any(|t| t.start >= trig.end && t.end <= c.start)
    });

    // Actors and roles.
    // The actors that may take a role (never a locative): those of the trigger's clause, or of
    // its sentence when the clause has none; walked in place, not collected.
    let clause_has_actor = s_actors.iter().any(|a| in_clause(a.start) && !a.locative);
    let pool = || {
        s_actors
            .iter()
            .filter(move |a| !a.locative && (!clause_has_actor || in_clause(a.start)))
    };
    // Sized for every role it can take (four cues' and the pool's), so that it never grows.
    let mut roles: Vec<(&ActorMention, Role)> = Vec::with_capacity(s_actors.len() + 4);
    let cue_role = |class: CueClass| -> Option<&ActorMention> {
        let cue = s_cues
            .iter()
            .filter(|c| c.class == class)
            .min_by_key(|c| c.start.abs_diff(trig.start))?;
        let after = |a: &&ActorMention, window: usize| {
            !a.locative && a.start >= cue.end && a.start - cue.end <= window
        };
        s_actors
            .iter()
            .filter(|a| after(a, 90) && a.entity_type == EntityType::Person)
            .min_by_key(|a| a.start)
            .or_else(|| {
                s_actors
                    .iter()
                    .filter(|a| after(a, 70))
                    .min_by_key(|a| a.start)
            })
    };
    for (class, role) in [
        (CueClass::Host, Role::Host),
        (CueClass::Chair, Role::Chair),
        (CueClass::Mediator, Role::Mediator),
        (CueClass::Agent, Role::Actor),
    ] {
        if let Some(a) = cue_role(class) {
            roles.push((a, role));
        }
    }
    let assigned = |roles: &Vec<(&ActorMention, Role)>, a: &ActorMention| {
        roles.iter().any(|(r, _)| r.start == a.start)
    };
    // In custody, detention and transfer, an armed group (or civilians) held or fought is the
    // detainee or target, never the agent or the recipient: the Arabic genitive of a detention
    // word, members' words between ("احتجاز عناصر داعش", "لمحتجزي داعش", "مكافحة داعش"); in
    // English also the group right before a detainee or members' word ("ISIS detainees"), the
    // latter only as the trigger's object ("handed over ISIS fighters").
    let custody = FAMILY_CUSTODY.contains(&kind);
    let held = |a: &ActorMention| -> bool {
        if !custody
            || !matches!(
                a.sector.as_deref(),
                Some("INS" | "REB" | "UAF" | "OPP" | "CVL")
            )
        {
            return false;
        }
        // Only whitespace, punctuation and members' words from `from` to `to`.
        let bridge = |from: usize, to: usize| -> bool {
            if from > to || to - from > 24 {
                return false;
            }
            let mut p = from;
            while p < to {
                if let Some(m) = s_cues
                    .iter()
                    .find(|c| c.class == CueClass::Member && c.start == p && c.end <= to)
                {
                    p = m.end;
                } else if doc.orig(p, p + 1).chars().all(|ch| !ch.is_alphanumeric()) {
                    p += 1;
                } else {
                    return false;
                }
            }
            true
        };
        s_cues.iter().any(|c| match c.class {
            CueClass::Held => {
                (c.end <= a.start && bridge(c.end, a.start))
                    || (doc.lang == "en" && c.start >= a.end && bridge(a.end, c.start))
            }
            CueClass::Member => {
                doc.lang == "en"
                    && a.start >= trig.end
                    // after the group, or the group's own last word ("ISIS fighters" as one)
                    && ((c.start >= a.end && bridge(a.end, c.start))
                        || (c.start > a.start && c.end <= a.end))
            }
            _ => false,
        })
    };
    if FAMILY_JOINT.contains(&kind) {
        for a in pool() {
            if !assigned(&roles, a) {
                roles.push((a, Role::Participant));
            }
        }
    } else {
        let violent = FAMILY_VIOLENT.contains(&kind)
            || ScoreClass::of_plover(plover_type) == Some(ScoreClass::Assault);
        // A trigger that is an actor's own word ("gunmen", "مسلحون") names the agent.
        if violent && !roles.iter().any(|(_, r)| *r == Role::Actor) {
            if let Some(own) = pool().find(|a| {
                a.start <= trig.start
                    && trig.end <= a.end
                    && !assigned(&roles, a)
                    && a.sector.as_deref() != Some("CVL")
                    && !held(a)
            }) {
                roles.push((own, Role::Actor));
            }
        }
        // A toll told as the result of the sentence's violence (", killing two officers", "ما أدى
        // إلى مقتل") has that violence's agent, not the nearest actor before it (often its
        // target: "attacked a police post, killing two officers").
        // English: a crowd of civilians right before an active verb with an object is its agent
        // ("residents beat a suspected thief", "protesters burned tyres"), not "villagers were
        // attacked" or "villagers killed in the raid".
        if violent && doc.lang == "en" && !roles.iter().any(|(_, r)| *r == Role::Actor) {
            let crowd = pool()
                .filter(|a| {
                    a.end <= trig.start
                        && trig.start - a.end <= 40
                        && is_crowd(a)
                        && !assigned(&roles, a)
                })
                .max_by_key(|a| a.end);
            if let Some(crowd) = crowd {
                let gap = doc.orig(crowd.end, trig.start);
                let passive = gap
                    .split_whitespace()
                    .any(|w| matches!(w, "was" | "were" | "been" | "being" | "is" | "are" | "be"));
                let next = doc
                    .orig(trig.end, (trig.end + 24).min(se))
                    .split_whitespace()
                    .next()
                    .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()));
                let object = next.is_some_and(|w| !w.is_empty() && !PREPOSITIONS.contains(&w));
                if !passive && !gap.contains([',', ';']) && object {
                    roles.push((crowd, Role::Actor));
                }
            }
        }
        let result = violent && tells_a_result(doc, trig, ss);
        let has_agent = roles.iter().any(|(_, r)| *r == Role::Actor) || result;
        if !has_agent {
            // SVO: the nearest actor before the trigger; VSO (Arabic verbs, or nouns other than
            // violent ones): the first actor after it.
            let before = pool()
                .filter(|a| {
                    a.end <= trig.start
                        && !assigned(&roles, a)
                        && a.sector.as_deref() != Some("CVL")
                        && !held(a)
                })
                .max_by_key(|a| a.end);
            let after = pool()
                .filter(|a| a.start >= trig.end && !assigned(&roles, a) && !held(a))
                .min_by_key(|a| a.start);
            // Arabic custody nouns take their agent as the genitive right after them ("بتولي
            // سوريا مسؤولية", "تسلم العراق"): a state there is the agent.
            let genitive_state = after.filter(|a| {
                doc.lang == "ar"
                    && custody
                    && !trig.verb
                    && a.entity_type == EntityType::Gpe
                    && doc.orig(trig.end, a.start).trim().is_empty()
                    && a.start - trig.end <= 1
            });
            let agent = match (before, after) {
                _ if genitive_state.is_some() => genitive_state,
                (Some(b), _) if trig.start - b.end < 80 || doc.lang != "ar" => Some(b),
                (_, Some(a))
                    if doc.lang == "ar"
                        && (trig.verb || !violent)
                        && a.sector.as_deref() != Some("CVL") =>
                {
                    Some(a)
                }
                (Some(b), _) => Some(b),
                _ => None,
            };
            if let Some(a) = agent {
                if kind == Kind::CoalitionJoin && a.sector.as_deref() == Some("IGO") {
                    roles.push((a, Role::Recipient));
                } else {
                    roles.push((a, Role::Actor));
                }
            }
        }
        for a in pool() {
            // A result's victims are named after it.
            if assigned(&roles, a) || (result && a.end <= trig.start) {
                continue;
            }
            let role = if violent || held(a) {
                if a.sector.as_deref() == Some("CVL") {
                    Role::Victim
                } else {
                    Role::Target
                }
            } else {
                Role::Recipient
            };
            roles.push((a, role));
        }
    }

    // Place: the nearest place not read as an actor, preferring the clause.
    let place = s_places
        .iter()
        .filter(|p| {
            let is_actor = s_actors.iter().any(|a| a.start == p.start && !a.locative);
            let is_host = roles
                .iter()
                .any(|(a, r)| *r == Role::Host && a.start == p.start);
            (!is_actor || is_host) && in_clause(p.start) && p.start.abs_diff(trig.start) <= 90
        })
        .min_by_key(|p| p.start.abs_diff(trig.start));

    // Date: the nearest date of the clause.
    let date = s_dates
        .iter()
        .filter(|d| in_clause(d.start))
        .min_by_key(|d| d.start.abs_diff(trig.start));
    let actors = roles;

    // Features for the scorer, built only where they are read: a scored candidate, or training.
    let class = ScoreClass::of_plover(plover_type);
    let scored = class.is_some_and(|c| doc.lang == "ar" && engine.scorer.has(c));
    let b = |v: bool| if v { 1.0 } else { 0.0 };
    let features: Features = if scored || keep_all {
        let count = |class: CueClass| s_cues.iter().filter(|c| c.class == class).count() as f32;
        let words = sentence_text.split_whitespace().count();
        let same_family = s_triggers
            .iter()
            .filter(|t| {
                let e = &lex.triggers[t.trigger as usize];
                let p = e
                    .plover
                    .as_deref()
                    .or(e.kind.and_then(|k| k.info().plover_type));
                ScoreClass::of_plover(p) == class
            })
            .count() as f32;
        let has_number = sentence_text
            .chars()
            .any(|c| c.is_ascii_digit() || ('٠'..='٩').contains(&c));
        let first_words = trig.start.saturating_sub(ss) < 12;
        let agent_country = actors
            .iter()
            .any(|(a, r)| *r == Role::Actor && a.country.is_some());
        let agent_any = actors.iter().any(|(_, r)| *r == Role::Actor);
        let target_any = actors
            .iter()
            .any(|(_, r)| matches!(r, Role::Target | Role::Victim));
        let mut features: Features = vec![
            ("trigger_weight", entry.weight),
            ("verb", b(trig.verb && !trig.imperfect)),
            ("imperfect", b(trig.imperfect)),
            ("future", b(trig.future)),
            ("noun", b(!trig.verb)),
            ("toll", b(count(CueClass::Toll) > 0.0)),
            ("toll_many", b(count(CueClass::Toll) > 1.0)),
            ("number", b(has_number)),
            (
                "time",
                b(count(CueClass::Time) > 0.0 || !s_dates.is_empty()),
            ),
            ("place", b(!s_places.is_empty())),
            ("armed", b(count(CueClass::Armed) > 0.0)),
            ("agent", b(agent_any)),
            ("agent_country", b(agent_country)),
            ("target", b(target_any)),
            ("negated", b(negated)),
            ("question", b(question)),
            ("conditional", b(conditional)),
            ("planned", b(planned)),
            ("intended", b(intended)),
            ("reported", b(reported)),
            ("background", b(count(CueClass::Background) > 0.0)),
            ("generic", b(count(CueClass::Generic) > 0.0)),
            ("pluperfect", b(count(CueClass::Pluperfect) > 0.0)),
            ("reversed", b(reversed)),
            ("crowd", b(count(CueClass::Crowd) > 0.0)),
            (
                "participant",
                b(s_cues.iter().any(|c| {
                    c.class == CueClass::Participant && c.start < trig.end && trig.start < c.end
                })),
            ),
            ("object", b(is_object(doc, trig, ss, s_triggers))),
            ("triggers_same_family", (same_family).ln_1p()),
            ("long_sentence", b(words > 35)),
            ("short_sentence", b(words < 10)),
            ("sentence_initial", b(first_words)),
            ("quote", b(sentence_text.contains(['«', '"', '“']))),
            (kind_feature(kind), 1.0),
        ];
        if class.is_some() && doc.lang == "ar" {
            arabic_word_features(doc, trig, ctx, &mut features);
            // Lexical context: the trigger and the sentence's words, hashed into a fixed set of
            // feature names (bounded, whatever the input).
            features.push((bucket_name("t", trig.trigger as u64), 1.0));
            let words = ctx.words.get_or_init(|| sentence_words(doc, ss, se));
            features.extend(words.iter().map(|&w| (w, 1.0)));
        }
        features
    } else {
        Vec::new()
    };

    Pending {
        trig: *trig,
        entry,
        kind,
        plover_type: plover_label,
        modality,
        actors,
        place,
        date,
        features,
        class,
        scored,
        reversed,
        protesters_object,
        describes: doc.lang == "en" && describes_a_person(doc, trig, ss),
        evidence: (ss, se),
    }
}

/// What the object of an English "seized" or "captured" names, read over its words up to the
/// first preposition or comma (at most eight): a position ("seized a border guard police camp in
/// Maungdaw"), weapons ("seized a large cache of weapons"), people ("captured a fisherman"), or
/// none of them ("seized 2 kg of drugs at the airport").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SeizedObject {
    Position,
    Weapons,
    People,
    Other,
}

fn seized_object(doc: &Doc<'_>, trig: &TriggerMention, sentence_end: usize) -> SeizedObject {
    const POSITIONS: &[&str] = &[
        "camp",
        "base",
        "outpost",
        "post",
        "checkpoint",
        "headquarters",
        "barracks",
        "station",
        "airport",
        "airbase",
        "town",
        "village",
        "city",
        "district",
        "positions",
        "position",
        "hill",
        "bridge",
        "crossing",
        "garrison",
        "stronghold",
        "port",
    ];
    const PEOPLE: &[&str] = &[
        "man",
        "men",
        "woman",
        "women",
        "boy",
        "boys",
        "girl",
        "girls",
        "child",
        "children",
        "civilian",
        "civilians",
        "person",
        "people",
        "fisherman",
        "fishermen",
        "farmer",
        "farmers",
        "herder",
        "herders",
        "trader",
        "traders",
        "driver",
        "drivers",
        "worker",
        "workers",
        "journalist",
        "journalists",
        "soldier",
        "soldiers",
        "officer",
        "officers",
        "policeman",
        "policemen",
        "fighter",
        "fighters",
        "militant",
        "militants",
        "member",
        "members",
        "villager",
        "villagers",
        "resident",
        "residents",
        "passenger",
        "passengers",
        "student",
        "students",
        "official",
        "officials",
        "chief",
        "hostages",
        "prisoners",
    ];
    const WEAPONS: &[&str] = &[
        "weapons",
        "arms",
        "cache",
        "caches",
        "ammunition",
        "explosives",
        "rifles",
        "guns",
        "rockets",
        "mines",
        "grenades",
        "munitions",
    ];
    const OBJECT_ENDS: &[&str] = &[
        "at",
        "in",
        "near",
        "from",
        "on",
        "after",
        "during",
        "with",
        "to",
        "and",
        "for",
        "belonging",
        "by",
        "as",
    ];
    if doc.lang != "en" {
        return SeizedObject::Other;
    }
    let word = doc.orig(trig.start, trig.end);
    if !word.eq_ignore_ascii_case("seized") && !word.eq_ignore_ascii_case("captured") {
        return SeizedObject::Other;
    }
    let object = doc.orig(trig.end, (trig.end + 60).min(sentence_end));
    let mut people = false;
    for w in object.split_whitespace().take(8) {
        let bare = w.trim_end_matches([',', '.', ';', ':']);
        let is = |list: &[&str]| list.iter().any(|p| bare.eq_ignore_ascii_case(p));
        if is(OBJECT_ENDS) {
            break;
        }
        if is(POSITIONS) {
            return SeizedObject::Position;
        }
        if is(WEAPONS) {
            return SeizedObject::Weapons;
        }
        people |= is(PEOPLE);
        if bare.len() != w.len() {
            break;
        }
    }
    if people {
        SeizedObject::People
    } else {
        SeizedObject::Other
    }
}

/// Whether an English trigger is a participle that describes a person rather than tells an
/// event: "accused of", "suspected of" right after a noun ("a man accused of blasphemy"), not
/// after an auxiliary or a pronoun ("was accused of", "they accused of").
fn describes_a_person(doc: &Doc<'_>, trig: &TriggerMention, ss: usize) -> bool {
    const NOT_A_NOUN: &[&str] = &[
        "was",
        "were",
        "is",
        "are",
        "be",
        "been",
        "being",
        "has",
        "have",
        "had",
        "get",
        "got",
        "gets",
        "he",
        "she",
        "they",
        "we",
        "i",
        "you",
        "it",
        "who",
        "which",
        "that",
        "and",
        "or",
        "also",
        "publicly",
        "repeatedly",
        "formally",
        "officially",
    ];
    let word = doc.orig(trig.start, trig.end);
    if !word.eq_ignore_ascii_case("accused") && !word.eq_ignore_ascii_case("suspected") {
        return false;
    }
    let end = doc.char_bytes.len() - 1;
    let after = doc.orig(trig.end, (trig.end + 4).min(end));
    if !after.starts_with(" of ") {
        return false;
    }
    let before = doc.orig(trig.start.saturating_sub(24).max(ss), trig.start);
    let Some(previous) = before.split_whitespace().next_back() else {
        return false;
    };
    previous.chars().all(char::is_alphabetic)
        && !NOT_A_NOUN.iter().any(|w| previous.eq_ignore_ascii_case(w))
}

/// Whether a trigger tells the result of what its sentence told before it: an English participle
/// after a comma (", killing two") or after "resulting in", "leaving"; an Arabic noun after "أدى
/// إلى", "أسفر عن", "خلف" (within its last three words).
fn tells_a_result(doc: &Doc<'_>, trig: &TriggerMention, ss: usize) -> bool {
    let from = trig.start.saturating_sub(30).max(ss);
    if doc.lang == "ar" {
        let (a, b) = (
            doc.norm.byte_of_orig_char(from),
            doc.norm.byte_of_orig_char(trig.start),
        );
        let before: Vec<&str> = doc.norm.text[a..b]
            .split_whitespace()
            .rev()
            .take(3)
            .collect();
        return before.iter().enumerate().any(|(i, w)| {
            let next = i.checked_sub(1).map(|j| before[j]);
            matches!(
                (strip_conjunction(w), next),
                ("ادي" | "ادت" | "يؤدي", Some("الي")) | ("اسفر" | "اسفرت", Some("عن"))
            ) || matches!(strip_conjunction(w), "خلف" | "مخلفا" | "مخلفه")
        });
    }
    let before = doc.orig(from, trig.start).trim_end();
    let word = doc.orig(trig.start, trig.end);
    (before.ends_with(',') && word.ends_with("ing"))
        || before.ends_with("resulting in")
        || before.ends_with("leaving")
}

/// Whether a conditional cue makes what follows hypothetical. Arabic "قد" does so only before an
/// imperfect verb ("قد يهاجم", "may attack"); before a perfect one it asserts ("قد قتل", "has
/// killed"; "وكان ... قد قتلوا", "had killed").
fn conditional_applies(doc: &Doc<'_>, cue: &CueMention) -> bool {
    let cue_text = normalize(doc.orig(cue.start, cue.end)).text;
    if strip_conjunction(&cue_text) != "قد" {
        return true;
    }
    let end = doc.char_bytes.len() - 1;
    let rest = doc.orig(cue.end, (cue.end + 24).min(end));
    let next = normalize(rest.split_whitespace().next().unwrap_or("")).text;
    let letters = next.chars().count();
    next.starts_with(['ي', 'ن'])
        || (next.starts_with('ت') && letters >= 4 && !next.ends_with('ت') && !next.ends_with("وا"))
}

/// Relative pronouns: a trigger just after one is in a relative clause, which describes what is
/// named before it ("الحريري الذي اغتيل") rather than telling news of its own.
const RELATIVE_PRONOUNS: &[&str] = &[
    "الذي",
    "التي",
    "الذين",
    "اللذين",
    "اللتين",
    "اللذان",
    "اللتان",
    "اللاتي",
    "اللواتي",
];

/// The normalised word (byte span) around a normalised byte range.
fn word_around(norm: &str, start: usize, end: usize) -> (usize, usize) {
    let ws = norm[..start]
        .char_indices()
        .rev()
        .take_while(|&(_, c)| crate::normalize::is_word_char(c))
        .last()
        .map_or(start, |(i, _)| i);
    let we = end
        + norm[end..]
            .char_indices()
            .find(|&(_, c)| !crate::normalize::is_word_char(c))
            .map_or(norm.len() - end, |(i, _)| i);
    (ws, we)
}

/// Strips the conjunction proclitics و ف of an Arabic word.
fn strip_conjunction(word: &str) -> &str {
    word.strip_prefix('و')
        .or_else(|| word.strip_prefix('ف'))
        .filter(|w| w.chars().count() >= 2)
        .unwrap_or(word)
}

/// Morphology and syntax of the Arabic word that carries a trigger, the features that tell a
/// report of an event from a reference to one:
/// - `m_def`: the definite article ("الهجوم", "للهجوم"): an event already known to the reader;
/// - `m_li`, `m_bi`: the prepositions ل ("to, for": a purpose, "لاغتيال") and ب ("by, with")
///   attached;
/// - `m_plural_at`: a sound feminine plural ("تفجيرات", "اعتداءات"): events in general;
/// - `m_verb_pl`: a verb with a plural subject ending ("قتلوا", "خطفوا"): agents acting;
/// - `m_noun_pron`: a noun with a possessive pronoun ("هجومها");
/// - `c_anchor`, `c_cause`: right after a preposition of time or of cause ("بعد الهجوم", "جراء
///   الانفجار");
/// - `c_relative`: within three words after a relative pronoun;
/// - `c_idafa`: a noun followed by a definite genitive ("اغتيال الحريري"), the name of a known event;
/// - `c_speech_before`: a statement verb before it ("قال ان ...");
/// - `c_first2`: among the sentence's first two words (Arabic news opens on its verb);
/// - `p_nom`, `p_obl`: a participant word in the nominative ("المتظاهرون": they act) or the
///   oblique case ("المتظاهرين": acted upon, counted, or a genitive);
/// - `p_crowd_near`: a crowd size, a number or a participant word within three words before or
///   four after;
/// - `p_subj_after`: a nominative participant word within three words after (the protesters are
///   the subject: "تظاهر المحتجون").
fn arabic_word_features(
    doc: &Doc<'_>,
    trig: &TriggerMention,
    ctx: &SentenceCtx<'_, '_>,
    features: &mut Features,
) {
    let norm = doc.norm.text.as_str();
    let (ns, ne) = (
        doc.norm.byte_of_orig_char(ctx.span.0),
        doc.norm.byte_of_orig_char(ctx.span.1),
    );
    let (ts, te) = (
        doc.norm.byte_of_orig_char(trig.start).max(ns),
        doc.norm.byte_of_orig_char(trig.end).min(ne),
    );
    if ts >= te {
        return;
    }
    let (ws, we) = word_around(norm, ts, te);
    let (ws, we) = (ws.max(ns), we.min(ne));
    let word = strip_conjunction(&norm[ws..we]);
    let prefix = strip_conjunction(&norm[ws..ts]);
    let trigger_text = &norm[ts..te];
    let mut push = |name: &'static str, on: bool| {
        if on {
            features.push((name, 1.0));
        }
    };
    let definite = trigger_text.starts_with("ال") || prefix.ends_with("لل");
    push("m_def", definite);
    push("m_li", prefix.starts_with('ل'));
    push("m_bi", prefix.starts_with('ب'));
    if trig.verb {
        push("m_verb_pl", word.ends_with("وا") || word.ends_with("ون"));
    } else {
        let plural = ["ات", "اته", "اتها", "اتهم"]
            .iter()
            .any(|s| word.ends_with(s));
        push("m_plural_at", plural);
        push(
            "m_noun_pron",
            !plural && (word.ends_with("ها") || word.ends_with("هم")),
        );
    }
    // The words before and after (normalised, within the sentence).
    let before: Vec<&str> = norm[ns..ws]
        .split(|c: char| !crate::normalize::is_word_char(c))
        .filter(|w| !w.is_empty())
        .rev()
        .take(3)
        .collect();
    let after_text = &norm[we..ne];
    let after: Vec<&str> = after_text
        .split(|c: char| !crate::normalize::is_word_char(c))
        .filter(|w| !w.is_empty())
        .take(4)
        .collect();
    push(
        "c_relative",
        before
            .iter()
            .any(|w| RELATIVE_PRONOUNS.contains(&strip_conjunction(w))),
    );
    push(
        "c_first2",
        before.len() < 2 && norm[ns..ws].split_whitespace().count() < 2,
    );
    if !trig.verb {
        // A definite genitive right after the noun: no punctuation between.
        let next_is_definite = after_text
            .strip_prefix(' ')
            .is_some_and(|rest| rest.starts_with("ال"));
        push("c_idafa", next_is_definite);
    }
    // Cues: the word right before the trigger's word, and windows around it.
    let word_start = doc.norm.orig_char(ws);
    let word_end = doc.norm.orig_char(we);
    let right_before = |class: CueClass| {
        ctx.cues.iter().any(|c| {
            c.class == class && c.end <= word_start && doc.orig(c.end, word_start).trim().is_empty()
        })
    };
    push("c_anchor", right_before(CueClass::Anchor));
    push("c_cause", right_before(CueClass::Cause));
    let lex = &doc.engine.lexicon;
    push(
        "c_speech_before",
        ctx.triggers.iter().any(|t| {
            t.end <= trig.start && lex.triggers[t.trigger as usize].kind == Some(Kind::Statement)
        }),
    );
    let participant_here = ctx
        .cues
        .iter()
        .any(|c| c.class == CueClass::Participant && c.start < trig.end && trig.start < c.end);
    if participant_here {
        push("p_nom", word.ends_with("ون"));
        push("p_obl", word.ends_with("ين"));
    } else {
        // Window bounds (original chars): three words back, four forward.
        let back_bytes: usize = norm[ns..ws]
            .split_whitespace()
            .rev()
            .take(3)
            .map(|w| w.len() + 1)
            .sum();
        let window_start = doc.norm.orig_char(ws.saturating_sub(back_bytes).max(ns));
        // The ends of the third and fourth words after (or of the last one before them), in one
        // pass: each word's offset is where `split_whitespace` found it.
        let (mut end3, mut end4) = (we, we);
        let rest = &norm[we..ne];
        for (i, w) in rest.split_whitespace().take(4).enumerate() {
            let end = we + (w.as_ptr() as usize - rest.as_ptr() as usize) + w.len();
            if i < 3 {
                end3 = end;
            }
            end4 = end;
        }
        let (after3, after4) = (doc.norm.orig_char(end3), doc.norm.orig_char(end4));
        let near = ctx.cues.iter().any(|c| {
            matches!(c.class, CueClass::Crowd | CueClass::Participant)
                && ((c.start >= window_start && c.end <= word_start)
                    || (c.start >= word_end && c.start < after4))
        }) || before
            .iter()
            .chain(after.iter())
            .any(|w| w.chars().all(|c| c.is_ascii_digit()));
        push("p_crowd_near", near);
        push(
            "p_subj_after",
            ctx.cues.iter().any(|c| {
                c.class == CueClass::Participant
                    && c.start >= word_end
                    && c.start < after3
                    && doc.orig(c.start, c.end).ends_with("ون")
            }),
        );
    }
}

/// Features of the whole sentence for the candidates of a class that the scorer reads at the
/// sentence's level (protest): for each general feature, whether any candidate of the class in
/// the sentence has it (`s_` + its name). A protest is told by several words together (a crowd,
/// a verb, the protesters acting), not always by the trigger that carries the most.
fn pool_sentence_features(pending: &mut [Pending<'_>]) {
    let class = ScoreClass::Protest;
    let members = pending
        .iter()
        .filter(|p| p.class == Some(class) && !p.features.is_empty())
        .count();
    if members == 0 {
        return;
    }
    let mut pooled: Vec<(&'static str, f32)> = Vec::new();
    for p in pending.iter().filter(|p| p.class == Some(class)) {
        for &(name, value) in &p.features {
            let Some(pooled_name) = pooled_feature_name(name) else {
                continue;
            };
            match pooled.iter_mut().find(|(n, _)| *n == pooled_name) {
                Some(slot) => slot.1 = slot.1.max(value),
                None => pooled.push((pooled_name, value)),
            }
        }
    }
    for p in pending.iter_mut().filter(|p| p.class == Some(class)) {
        if !p.features.is_empty() {
            p.features.extend(pooled.iter().copied());
        }
    }
}

/// The general scorer features that [`pool_sentence_features`] pools (besides the kinds).
const POOLED_FEATURES: &[&str] = &[
    "trigger_weight",
    "verb",
    "imperfect",
    "future",
    "noun",
    "toll",
    "toll_many",
    "number",
    "time",
    "place",
    "armed",
    "agent",
    "agent_country",
    "target",
    "negated",
    "question",
    "conditional",
    "planned",
    "intended",
    "reported",
    "background",
    "generic",
    "pluperfect",
    "reversed",
    "crowd",
    "participant",
    "object",
    "triggers_same_family",
    "long_sentence",
    "short_sentence",
    "sentence_initial",
    "quote",
    "m_def",
    "m_li",
    "m_bi",
    "m_plural_at",
    "m_verb_pl",
    "m_noun_pron",
    "c_relative",
    "c_first2",
    "c_idafa",
    "c_anchor",
    "c_cause",
    "c_speech_before",
    "p_nom",
    "p_obl",
    "p_crowd_near",
    "p_subj_after",
];

/// The sentence-level name (`s_` + name) of a general scorer feature or a kind; none for the
/// lexical ones (word and trigger buckets).
fn pooled_feature_name(name: &'static str) -> Option<&'static str> {
    use std::collections::HashMap;
    use std::sync::OnceLock;
    // Made once: a bounded, static set of names.
    static NAMES: OnceLock<HashMap<&'static str, &'static str, FxBuild>> = OnceLock::new();
    NAMES
        .get_or_init(|| {
            POOLED_FEATURES
                .iter()
                .copied()
                .chain(Kind::ALL.iter().map(|&k| kind_feature(k)))
                .map(|n| (n, &*Box::leak(format!("s_{n}").into_boxed_str())))
                .collect()
        })
        .get(name)
        .copied()
}

/// A candidate event with its features, before the scorer decides on it.
struct Pending<'a> {
    trig: TriggerMention,
    entry: &'a crate::lexicon::TriggerEntry,
    kind: Kind,
    plover_type: Option<Label>,
    modality: Modality,
    actors: Vec<(&'a ActorMention, Role)>,
    place: Option<&'a PlaceMention>,
    date: Option<&'a DateSpan>,
    features: Features,
    class: Option<ScoreClass>,
    /// Whether the scorer decides on it.
    scored: bool,
    /// Whether a reversal verb makes it the object of an undoing ("suspended aid").
    reversed: bool,
    /// Whether protesters are its object ("arrested 15 demonstrators", "فرقت المتظاهرين").
    protesters_object: bool,
    /// Whether the trigger only describes a person ("a man accused of theft"): no event.
    describes: bool,
    evidence: (usize, usize),
}

/// The scorer's decision on a candidate: the candidate (when training), the event (when kept).
fn decide<'a>(
    engine: &Engine,
    pending: Pending<'a>,
    keep_all: bool,
) -> (Option<Candidate>, Option<Draft<'a>>) {
    let Pending {
        trig,
        entry,
        kind,
        plover_type,
        modality,
        actors,
        place,
        date,
        features,
        class,
        scored,
        reversed,
        protesters_object,
        describes,
        evidence: (ss, se),
    } = pending;
    let info = kind.info();
    let b = |v: bool| if v { 1.0 } else { 0.0 };
    let date_resolved = date.is_some_and(|d| d.value.is_some());
    let mut confidence = (0.5
        + 0.1 * (actors.len().min(3) as f32)
        + 0.05 * b(place.is_some())
        + 0.05 * b(date_resolved))
        * entry.weight.min(1.0);
    let mut keep = !reversed && !describes;
    if let Some(class) = class.filter(|_| scored) {
        let p = engine.scorer.probability(class, &features);
        confidence = p;
        keep = keep && p >= engine.scorer.threshold(class);
    }
    let event_plover = plover_for_modality(plover_type.as_ref(), modality);
    let candidate = keep_all.then(|| Candidate {
        kind,
        plover_type: plover_type.as_deref().map(str::to_owned),
        event_plover_type: event_plover.as_deref().map(str::to_owned),
        modality,
        features,
        sentence_start: ss,
        sentence_end: se,
        trigger_start: trig.start,
        trigger_end: trig.end,
        kept: keep,
    });
    if !keep {
        return (candidate, None);
    }
    // An attack on armed men is a battle, not violence against civilians (ACLED): militants
    // attacking a military post, gunmen killing soldiers.
    // Arrests of protesters are a protest with intervention, violence on them excessive force
    // against protesters (ACLED).
    let armed_target = event_actors_armed_target(&actors);
    let crowd_agent = actors
        .iter()
        .find(|(a, r)| *r == Role::Actor && is_crowd(a))
        .map(|(a, _)| a.name.as_ref());
    let read_kind = kind;
    let (kind, info) = match kind {
        Kind::Arrest if protesters_object => {
            (Kind::ProtestIntervention, Kind::ProtestIntervention.info())
        }
        Kind::Attack if protesters_object => (
            Kind::ProtestExcessiveForce,
            Kind::ProtestExcessiveForce.info(),
        ),
        Kind::Attack if armed_target => (Kind::ArmedClash, Kind::ArmedClash.info()),
        // Violence by a crowd of civilians: a riot when they demonstrate, mob violence otherwise
        // (ACLED).
        Kind::Attack | Kind::PropertyDestruction if crowd_agent.is_some() => {
            let kind = if crowd_agent.is_some_and(|n| PROTESTER_LABELS.contains(&n)) {
                Kind::Riot
            } else {
                Kind::MobViolence
            };
            (kind, kind.info())
        }
        _ => (kind, info),
    };
    let (plover_type, mode) = if matches!(kind, Kind::Riot | Kind::MobViolence) && kind != read_kind
    {
        // A crowd's violence is told by a word of violence; its type is the crowd's.
        (
            plover_for_modality(info.plover_type.map(Label::Borrowed).as_ref(), modality),
            info.plover_mode.map(Label::Borrowed),
        )
    } else if event_plover == plover_type {
        (
            plover_type,
            entry.mode.clone().or(info.plover_mode.map(Label::Borrowed)),
        )
    } else {
        (event_plover, None)
    };
    let draft = Draft {
        trigger: (trig.start, trig.end),
        kind,
        plover_type,
        mode,
        cameo: entry.cameo.clone().or(info.cameo.map(Label::Borrowed)),
        acled: info.acled,
        actors,
        place,
        date,
        modality,
        confidence: confidence.clamp(0.0, 1.0),
        evidence: (ss, se),
    };
    (candidate, Some(draft))
}

/// Violent kinds that name the means or the nature of the violence, most specific first.
const SPECIFIC_VIOLENCE: &[Kind] = &[
    Kind::SuicideBombing,
    Kind::ChemicalWeapon,
    Kind::RemoteExplosive,
    Kind::Grenade,
    Kind::AirStrike,
    Kind::Shelling,
    Kind::ProtestExcessiveForce,
    Kind::SexualViolence,
    Kind::Abduction,
];

/// One sentence's violent events told by a generic word ("killed", "مقتل", or a weak trigger such
/// as "gunmen") take the kind of a specific one of the same sentence and modality ("in a suicide
/// bombing", "abducted"), so that they merge into one event: the means tells what happened. A
/// demonstration takes the kind of a riot in its sentence the same way.
///
/// `triggers` holds each event's trigger weight and the kind its trigger read before the context
/// changed it (an attack on armed men is a battle, but still told by a generic word).
/// An arrest told with a disappearance in its sentence ("detained an activist at his home; his
/// whereabouts remain unknown", "اعتقلته ... واقتادته إلى جهة مجهولة") is a forced disappearance
/// (ACLED) by the arresting agent: the arrest takes the kind, and merges with the disappearance.
fn specify_disappearance(doc: &Doc<'_>, events: &mut [Draft<'_>]) {
    const DISAPPEARANCE: &[&str] = &[
        "whereabouts",
        "disappear",
        "unknown location",
        "unknown destination",
        "undisclosed location",
        "not been seen",
        "not been heard",
        "incommunicado",
        "مجهول",
        "اخفاء",
        "إخفاء",
        "اختفاء",
    ];
    let disappeared = |e: &Draft<'_>| {
        e.kind == Kind::Abduction && {
            let text = doc.orig(e.trigger.0, e.trigger.1).to_lowercase();
            DISAPPEARANCE.iter().any(|w| text.contains(w))
        }
    };
    let Some(modality) = events.iter().find(|e| disappeared(e)).map(|e| e.modality) else {
        return;
    };
    for e in events
        .iter_mut()
        .filter(|e| e.kind == Kind::Arrest && e.modality == modality)
    {
        e.retype(Kind::Abduction);
    }
}

fn specify_violence(events: &mut [Draft<'_>], triggers: &[(f32, Kind)]) {
    if events.len() < 2 {
        return;
    }
    for i in 0..events.len() {
        let (weight, trigger_kind) = triggers.get(i).copied().unwrap_or((1.0, events[i].kind));
        let weak = weight < 0.7;
        let specifics: &[Kind] = match events[i].kind {
            Kind::Attack => SPECIFIC_VIOLENCE,
            Kind::ArmedClash if weak || trigger_kind == Kind::Attack => SPECIFIC_VIOLENCE,
            // A demonstration that turned violent is a riot ("protesters burned tyres"); one
            // met with force is that force ("fired pellets at protesters", "dispersed the
            // demonstration"): ACLED codes the demonstration as one event of that kind.
            Kind::PeacefulProtest => &[
                Kind::Riot,
                Kind::ProtestExcessiveForce,
                Kind::ProtestIntervention,
            ],
            // Bombardment by aircraft is an air strike ("قصفت طائرات حربية", "jets shelled"):
            // the aircraft is named right next to it (further off, it is another strike).
            Kind::Shelling => &[Kind::AirStrike],
            _ => continue,
        };
        let violent = specifics == SPECIFIC_VIOLENCE;
        let (ts, te) = events[i].trigger;
        let near = |e: &Draft<'_>| e.trigger.0 <= te + 3 && ts <= e.trigger.1 + 3;
        let protest = events[i].kind == Kind::PeacefulProtest;
        let same = |e: &Draft<'_>| {
            e.modality == events[i].modality
                && (e.plover_type == events[i].plover_type || protest)
                && (events[i].kind != Kind::Shelling || near(e))
        };
        let specific = specifics
            .iter()
            .copied()
            .find(|&k| events.iter().any(|e| e.kind == k && same(e)))
            .or_else(|| {
                // A weak trigger ("gunmen"), or violence with no agent (", killing two
                // officers"), takes the kind of the strongest violent event.
                let agentless = !events[i].actors.iter().any(|(_, r)| *r == Role::Actor);
                ((weak || agentless) && violent)
                    .then(|| {
                        events
                            .iter()
                            .zip(triggers)
                            .enumerate()
                            .filter(|&(j, (e, &(w, _)))| {
                                j != i && w >= 0.7 && FAMILY_VIOLENT.contains(&e.kind) && same(e)
                            })
                            .map(|(_, x)| x)
                            .max_by(|a, b| a.1 .0.total_cmp(&b.1 .0))
                            .map(|(e, _)| e.kind)
                    })
                    .flatten()
            });
        if let Some(kind) = specific {
            events[i].retype(kind);
        }
    }
}

/// An event before its strings are made: what merging reads, and references to the mentions and
/// lexicon entries that make the rest. Only the events that survive merging are made.
struct Draft<'a> {
    /// The trigger's span (char offsets): part of the event's id, so that two events of one
    /// sentence differ.
    trigger: (usize, usize),
    kind: Kind,
    plover_type: Option<Label>,
    mode: Option<Label>,
    cameo: Option<Label>,
    acled: Option<(&'static str, &'static str)>,
    actors: Vec<(&'a ActorMention, Role)>,
    place: Option<&'a PlaceMention>,
    date: Option<&'a DateSpan>,
    modality: Modality,
    confidence: f32,
    /// The sentence (char offsets).
    evidence: (usize, usize),
}

impl Draft<'_> {
    /// Makes the event one of `kind`, with that kind's PLOVER type (for its modality), mode, CAMEO
    /// code and ACLED types. (A more specific kind of the same PLOVER type leaves the type as it
    /// was: that type, for the same modality.)
    fn retype(&mut self, kind: Kind) {
        let info = kind.info();
        self.kind = kind;
        let plover = info.plover_type.map(Label::Borrowed);
        self.plover_type = plover_for_modality(plover.as_ref(), self.modality);
        self.mode = info.plover_mode.map(Label::Borrowed);
        self.cameo = info.cameo.map(Label::Borrowed);
        self.acled = info.acled;
    }

    fn date_resolved(&self) -> bool {
        self.date.is_some_and(|d| d.value.is_some())
    }

    /// The event, with its stable id.
    fn make(&self, doc: &Doc<'_>) -> Event {
        let lex = &doc.engine.lexicon;
        let evidence_text = doc.orig(self.evidence.0, self.evidence.1);
        // Local actors named without a state (police, civilians, officials, a court) belong to
        // the country where the event takes place: "police in Basra" are Iraqi police.
        let place_country = self
            .place
            .and_then(|p| lex.places[p.place as usize].country.as_ref());
        let country_of = |a: &ActorMention| -> Option<Label> {
            a.country
                .as_ref()
                .or_else(|| place_country.filter(|_| is_local_sector(a.sector.as_deref())))
                .cloned()
        };
        // The numbers of the id, written once: evidence start, end, and the trigger "start:end".
        let mut numbers = String::with_capacity(48);
        push_decimal(&mut numbers, self.evidence.0);
        let a = numbers.len();
        push_decimal(&mut numbers, self.evidence.1);
        let b = numbers.len();
        push_decimal(&mut numbers, self.trigger.0);
        numbers.push(':');
        push_decimal(&mut numbers, self.trigger.1);
        let id = stable_id(
            "ev_",
            &[
                self.kind.as_str(),
                evidence_text,
                &numbers[..a],
                &numbers[a..b],
                &numbers[b..],
            ],
        );
        Event {
            id,
            kind: self.kind,
            plover: Plover {
                plover_type: self.plover_type.clone(),
                mode: self.mode.clone(),
                context: Vec::new(),
            },
            cameo: self.cameo.clone(),
            acled: self.acled.map(|(t, s)| Acled {
                event_type: Label::Borrowed(t),
                sub_event_type: Label::Borrowed(s),
            }),
            actors: self
                .actors
                .iter()
                .map(|&(a, role)| Actor {
                    text: doc.orig(a.start, a.end).to_owned(),
                    name: a.name.clone(),
                    id: a.id.clone(),
                    country: country_of(a),
                    sector: a.sector.clone(),
                    role,
                    start: a.start,
                    end: a.end,
                })
                .collect(),
            location: self.place.map(|p| {
                let entry = &lex.places[p.place as usize];
                Location {
                    text: doc.orig(p.start, p.end).to_owned(),
                    name: entry.name.clone(),
                    country: entry.country.clone(),
                    admin1: entry.admin1.clone(),
                    lat: entry.lat,
                    lon: entry.lon,
                    gazetteer_id: Some(entry.id.clone()),
                    start: p.start,
                    end: p.end,
                }
            }),
            date: self.date.map_or_else(EventDate::unresolved, |d| EventDate {
                value: d.value,
                precision: d.value.map(|_| d.precision),
                text: Some(d.text.clone()),
                resolved: d.value.is_some(),
            }),
            modality: self.modality,
            confidence: self.confidence,
            evidence: Evidence {
                text: evidence_text.to_owned(),
                start: self.evidence.0,
                end: self.evidence.1,
            },
            engine_version: doc.engine.version.clone(),
        }
    }
}

/// Appends `n` in decimal, as `write!(out, "{n}")` does, without the formatting machinery (three
/// numbers per event id).
fn push_decimal(out: &mut String, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[start..].iter().map(|&d| char::from(d)));
}

/// The PLOVER type of an event of trigger type `plover` under `modality` (the PLOVER and CAMEO
/// conventions: "will withdraw" is AGREE (CAMEO 03x), "will impose sanctions" THREATEN (13x),
/// "will not accept" REJECT (12x)).
fn plover_for_modality(plover: Option<&Label>, modality: Modality) -> Option<Label> {
    let p = plover?;
    Some(match (modality, p.as_ref()) {
        (
            Modality::Planned | Modality::Intended,
            "RETREAT" | "CONCEDE" | "AID" | "SUPPORT" | "COOPERATE" | "CONSULT",
        ) => Label::Borrowed("AGREE"),
        (Modality::Planned | Modality::Intended, "SANCTION" | "COERCE" | "ASSAULT") => {
            Label::Borrowed("THREATEN")
        }
        (Modality::Negated, "AGREE" | "SUPPORT" | "COOPERATE" | "CONCEDE" | "AID" | "RETREAT") => {
            Label::Borrowed("REJECT")
        }
        _ => p.clone(),
    })
}

const WORD_BUCKETS: u64 = 4096;
const TRIGGER_BUCKETS: u64 = 1024;

fn fnv(word: &str) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for b in word.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

/// A feature name from a fixed table: `w<n>` for word buckets, `t<n>` for triggers.
fn bucket_name(prefix: &str, key: u64) -> &'static str {
    use std::sync::OnceLock;
    static WORDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    static TRIGGERS: OnceLock<Vec<&'static str>> = OnceLock::new();
    let table = |p: &str, n: u64| -> Vec<&'static str> {
        (0..n)
            .map(|i| &*Box::leak(format!("{p}{i}").into_boxed_str()))
            .collect()
    };
    if prefix == "t" {
        TRIGGERS.get_or_init(|| table("t", TRIGGER_BUCKETS))[(key % TRIGGER_BUCKETS) as usize]
    } else {
        WORDS.get_or_init(|| table("w", WORD_BUCKETS))[(key % WORD_BUCKETS) as usize]
    }
}

fn kind_feature(kind: Kind) -> &'static str {
    // Leaked once per kind: a bounded, static set of names.
    use std::sync::OnceLock;
    static NAMES: OnceLock<Vec<(Kind, &'static str)>> = OnceLock::new();
    NAMES
        .get_or_init(|| {
            Kind::ALL
                .iter()
                .map(|&k| {
                    let name: &'static str =
                        Box::leak(format!("kind_{}", k.as_str()).into_boxed_str());
                    (k, name)
                })
                .collect()
        })
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("kind_other", |(_, n)| n)
}

/// Merges mentions of one real event: same kind and modality, no conflicting date or place
/// country; statements merge only when they share a named speaker. The most informative mention
/// gives the evidence; actors are united.
fn merge_events<'a>(lex: &Lexicon, events: Vec<Draft<'a>>) -> Vec<Draft<'a>> {
    let mut merged: Vec<Draft<'a>> = Vec::with_capacity(events.len());
    for event in events {
        let Some(m) = merged.iter_mut().find(|m| compatible(lex, m, &event)) else {
            merged.push(event);
            continue;
        };
        let violent = FAMILY_VIOLENT.contains(&m.kind);
        let info = |e: &Draft<'_>| {
            e.date_resolved() as u8 * 2 + e.place.is_some() as u8 * 2 + e.actors.len().min(4) as u8
        };
        let (mut primary, secondary) = if info(&event) > info(m) {
            (event, std::mem::replace(m, placeholder_draft()))
        } else {
            (std::mem::replace(m, placeholder_draft()), event)
        };
        let (secondary_date, secondary_resolved) = (secondary.date, secondary.date_resolved());
        for (a, role) in secondary.actors {
            // Violence keeps one role per actor (a victim named twice is one victim), but the
            // agent's role is never lost to another mention's ("killed by police" and "a
            // policeman killed" in one sentence).
            if !primary.actors.iter().any(|(p, p_role)| {
                p.id == a.id
                    && (*p_role == role
                        || (violent && *p_role != Role::Actor && role != Role::Actor))
            }) {
                primary.actors.push((a, role));
            }
        }
        if !primary.date_resolved() && secondary_resolved {
            primary.date = secondary_date;
        }
        if primary.place.is_none() {
            primary.place = secondary.place;
        }
        primary.confidence = primary.confidence.max(secondary.confidence);
        *m = primary;
    }
    merged
}

/// Whether the trigger is the object of the word before it: another trigger ("تفريق
/// المتظاهرين", "killed protesters") or a preposition ("على المتظاهرين", "against").
fn is_object(
    doc: &Doc<'_>,
    trig: &TriggerMention,
    ss: usize,
    s_triggers: &[TriggerMention],
) -> bool {
    let before = doc.orig(ss, trig.start);
    let gap = before.len() - before.trim_end().len();
    if gap == 0 {
        return false;
    }
    let prev_end = trig.start - before[before.trim_end().len()..].chars().count();
    if s_triggers
        .iter()
        .any(|t| t.end == prev_end && t.trigger != trig.trigger)
    {
        return true;
    }
    let prev = before.split_whitespace().last().unwrap_or("");
    let prev = crate::normalize::normalize(prev).text;
    matches!(
        prev.as_str(),
        "علي" | "ضد" | "بين" | "against" | "on" | "at"
    )
}

/// Sectors of actors that, named without a state, are of the country where they act: police,
/// civilians, officials, courts, legislators.
fn is_local_sector(sector: Option<&str>) -> bool {
    matches!(sector, Some("COP" | "CVL" | "GOV" | "JUD" | "LEG"))
}

/// Whether an event's targets include an armed actor (forces, police, rebels, insurgents).
fn event_actors_armed_target(actors: &[(&ActorMention, Role)]) -> bool {
    actors.iter().any(|(a, role)| {
        *role == Role::Target
            && matches!(
                a.sector.as_deref(),
                Some("MIL" | "COP" | "REB" | "INS" | "UAF")
            )
    })
}

/// A cheap stand-in while a merged event is taken out and put back.
fn placeholder_draft<'a>() -> Draft<'a> {
    Draft {
        trigger: (0, 0),
        kind: Kind::Statement,
        plover_type: None,
        mode: None,
        cameo: None,
        acled: None,
        actors: Vec::new(),
        place: None,
        date: None,
        modality: Modality::Asserted,
        confidence: 0.0,
        evidence: (0, 0),
    }
}

fn compatible(lex: &Lexicon, a: &Draft<'_>, b: &Draft<'_>) -> bool {
    let factual = |m: Modality| matches!(m, Modality::Asserted | Modality::Reported);
    if a.kind != b.kind
        || (a.modality != b.modality && !(factual(a.modality) && factual(b.modality)))
    {
        return false;
    }
    if let (Some(da), Some(db)) = (a.date, b.date) {
        if da.value.is_some() && db.value.is_some() && da.value != db.value {
            return false;
        }
    }
    let place = |p: &PlaceMention| &lex.places[p.place as usize];
    if let (Some(pa), Some(pb)) = (a.place, b.place) {
        if place(pa).country != place(pb).country {
            return false;
        }
    }
    match a.kind {
        Kind::Statement | Kind::Praise | Kind::Accusation | Kind::Request => {
            // A named speaker in common.
            a.actors.iter().any(|(x, rx)| {
                *rx == Role::Actor
                    && b.actors
                        .iter()
                        .any(|(y, ry)| *ry == Role::Actor && x.id == y.id)
            })
        }
        _ if FAMILY_VIOLENT.contains(&a.kind) => {
            // Violence merges only when it is placed in the same spot, or told in one sentence
            // ("attacked a post, killing 12 soldiers").
            a.evidence.0 == b.evidence.0
                || matches!((a.place, b.place), (Some(pa), Some(pb)) if place(pa).id == place(pb).id)
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn by_length_orders_as_the_keyed_sort() {
        let mut next = crate::test_rng::xorshift(0x5eed_1e57_0f0b_u64);
        for round in 0..3000u32 {
            let n = (next() % 40) as usize;
            // Short spans mostly, some past the buckets.
            let spread = if round.is_multiple_of(5) { 600 } else { 12 };
            let items: Vec<(usize, usize, u32)> = (0..n)
                .map(|k| {
                    let s = (next() % 50) as usize;
                    (s, s + (next() % spread) as usize, k as u32)
                })
                .collect();
            let mut keyed: Vec<(usize, usize, u32)> = items.clone();
            keyed.sort_by_key(|&(s, e, k)| (std::cmp::Reverse(e - s), s, k));
            let fast: Vec<(usize, usize, u32)> = by_length(&items)
                .iter()
                .map(|&i| items[i as usize])
                .collect();
            assert_eq!(fast, keyed, "{items:?}");
        }
    }

    #[test]
    fn char_offsets_are_those_of_char_indices() {
        let mut out = vec![7];
        for text in ["", "a", "قال الوزير", "é😀x\u{85}", "Hello, عالم!\n"] {
            char_offsets(text, &mut out);
            let expected: Vec<u32> = text
                .char_indices()
                .map(|(i, _)| i as u32)
                .chain([text.len() as u32])
                .collect();
            assert_eq!(out, expected, "{text:?}");
        }
    }

    #[test]
    fn push_decimal_writes_what_format_writes() {
        for n in [0, 7, 10, 99, 100, 12_345, 1_000_000, usize::MAX] {
            let mut out = String::from("x");
            push_decimal(&mut out, n);
            assert_eq!(out, format!("x{n}"));
        }
    }

    #[test]
    fn clause_bytes_stop_at_every_whitespace_char() {
        for c in (0..=0x10_FFFF)
            .filter_map(char::from_u32)
            .filter(|c| c.is_whitespace())
        {
            let mut buf = [0u8; 4];
            let first = c.encode_utf8(&mut buf).as_bytes()[0];
            assert!(CLAUSE_BYTES[usize::from(first)] & CB_STOP != 0, "{c:?}");
        }
    }

    #[test]
    fn clause_cuts_read_what_the_word_by_word_reading_reads() {
        let pieces = [
            "أن", "إن", "ان", "وأن", "بأن", "بان", "وإن", "that", "That", "thatt", "ن", "t", " ",
            "  ", "\n", "\t", ";", "؛", "\u{2006}", "\u{00A0}", "\u{3000}", "(", ")", "\"", ".",
            "،", "قال", "said", "é", "ğ", "©", "…", "ڛ", "\u{85}", "\u{2029}", "\u{0651}",
            "\u{064B}", "x", "٣", "—", "«", "»",
        ];
        let mut next = crate::test_rng::xorshift(0x2545_f491_4f6c_dd1d);
        let (mut fast, mut slow) = (Vec::new(), Vec::new());
        for _ in 0..20_000 {
            let text: String = (0..(next() % 12))
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect();
            let ss = (next() % 50) as usize;
            let se = ss + text.chars().count();
            clause_cuts(&text, ss, se, &mut fast);
            clause_cuts_reference(&text, ss, se, &mut slow);
            assert_eq!(fast, slow, "{text:?}");
        }
    }

    /// The clause cuts as they were read before [`clause_cuts`] (word by word, chars counted
    /// throughout).
    fn clause_cuts_reference(
        sentence: &str,
        ss: usize,
        se: usize,
        clauses: &mut Vec<(usize, usize)>,
    ) {
        clauses.clear();
        let mut last_cut = ss;
        let mut cut = |at: usize, clauses: &mut Vec<(usize, usize)>| {
            if at != last_cut {
                clauses.push((last_cut, at));
                last_cut = at;
            }
        };
        // Words with the delimiter that ends them (as `split_inclusive`), their char offsets counted
        // in the same pass.
        let (mut word_byte, mut word_char, mut pos) = (0usize, ss, ss);
        let mut word = |end_byte: usize,
                        end_char: usize,
                        semicolon: bool,
                        clauses: &mut Vec<(usize, usize)>| {
            let w = &sentence[word_byte..end_byte];
            // Every complementiser has a ن (its second byte 0x86) or a t: a cheap test first.
            let complementiser = w.bytes().any(|b| b == 0x86 || b == b't') && {
                let core = w.trim_matches(|c: char| !crate::normalize::is_word_char(c));
                matches!(
                    core,
                    "أن" | "إن" | "ان" | "وأن" | "وإن" | "بأن" | "بان" | "that" | "That"
                )
            };
            if complementiser && word_char > ss {
                cut(word_char, clauses);
            }
            if semicolon {
                cut(end_char, clauses);
            }
            word_byte = end_byte;
            word_char = end_char;
        };
        // Words end at whitespace and semicolons (";" and "؛"). ASCII and the Arabic block (two
        // bytes, no whitespace in it) are read from their bytes; other chars are decoded.
        let bytes = sentence.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            pos += 1;
            let (len, delimiter, semicolon) = if b < 0x80 {
                let semicolon = b == b';';
                (
                    1,
                    semicolon || b == b' ' || (0x09..=0x0D).contains(&b),
                    semicolon,
                )
            } else if (0xD8..=0xDB).contains(&b) {
                let semicolon = b == 0xD8 && bytes.get(i + 1) == Some(&0x9B);
                (2, semicolon, semicolon)
            } else {
                let c = sentence[i..].chars().next().unwrap_or(' ');
                (c.len_utf8(), c.is_whitespace(), false)
            };
            i += len;
            if delimiter {
                word(i, pos, semicolon, clauses);
            }
        }
        // The last word (an empty one changes nothing; it never ends with a semicolon, which would
        // have ended a word of its own).
        word(sentence.len(), pos, false, clauses);
        cut(se, clauses);
    }
}
