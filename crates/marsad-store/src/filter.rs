//! Which events a query, a watch, a timeline or an export wants, and its translation into SQL
//! predicates over `events e` (bound parameters only). Every predicate is one indexable condition
//! on the events table: what the filter needs from other tables is denormalised onto it at write
//! time (actor ids and roles, sectors, countries, the article's ingest time, its language).

use chrono::{DateTime, NaiveDate, Utc};
use marsad_core::{Modality, Role};
use sqlx::{Postgres, QueryBuilder};

use crate::StoreError;

/// Which events a query or a watch wants. Empty lists and `None` match everything.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub kinds: Vec<String>,
    /// ISO3 codes; matches the event's place or any actor's country.
    pub countries: Vec<String>,
    /// Event date range, inclusive.
    pub since: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub article_id: Option<String>,
    pub plover_types: Vec<String>,
    pub modalities: Vec<Modality>,
    pub min_confidence: Option<f32>,
    pub acled_event_types: Vec<String>,
    pub acled_sub_event_types: Vec<String>,
    /// Actors by id, or by name (canonical or as written, trigram match); any of them.
    pub actors: Vec<String>,
    /// With `actors`: only where one of them has this role; alone: any actor in this role.
    pub actor_role: Option<Role>,
    /// Sector codes of any actor.
    pub sectors: Vec<String>,
    /// Ingest-time range of the article, `[after, before)`.
    pub ingested_after: Option<DateTime<Utc>>,
    pub ingested_before: Option<DateTime<Utc>>,
    pub place: Option<PlaceFilter>,
    /// Full-text query (web-search syntax) over the evidence and the article.
    pub text: Option<String>,
    pub cluster_id: Option<String>,
}

/// Where events must be placed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PlaceFilter {
    /// A box; `max_lon < min_lon` crosses the antimeridian.
    BoundingBox {
        min_lat: f64,
        min_lon: f64,
        max_lat: f64,
        max_lon: f64,
    },
    /// Within `km` of a point (great-circle distance).
    Radius { lat: f64, lon: f64, km: f64 },
}

const EARTH_RADIUS_KM: f64 = 6371.0088;
const KM_PER_DEGREE_LAT: f64 = 111.32;

impl PlaceFilter {
    /// Checks the coordinates; the message names the problem for the caller.
    pub fn validate(&self) -> Result<(), String> {
        let lat_ok = |v: f64| (-90.0..=90.0).contains(&v);
        let lon_ok = |v: f64| (-180.0..=180.0).contains(&v);
        match *self {
            PlaceFilter::BoundingBox {
                min_lat,
                min_lon,
                max_lat,
                max_lon,
            } => {
                if !(lat_ok(min_lat) && lat_ok(max_lat) && lon_ok(min_lon) && lon_ok(max_lon)) {
                    return Err(
                        "bbox: latitudes must be within -90..90 and longitudes within -180..180"
                            .into(),
                    );
                }
                if min_lat > max_lat {
                    return Err("bbox: min_lat is above max_lat".into());
                }
            }
            PlaceFilter::Radius { lat, lon, km } => {
                if !(lat_ok(lat) && lon_ok(lon)) {
                    return Err(
                        "near: latitude must be within -90..90 and longitude within -180..180"
                            .into(),
                    );
                }
                if !(km > 0.0 && km <= 20_000.0) {
                    return Err("near: radius_km must be within (0, 20000]".into());
                }
            }
        }
        Ok(())
    }

    /// Boxes (lon/lat) covering the place; one, or two across the antimeridian.
    fn boxes(&self) -> Vec<[f64; 4]> {
        match *self {
            PlaceFilter::BoundingBox {
                min_lat,
                min_lon,
                max_lat,
                max_lon,
            } => {
                if max_lon < min_lon {
                    vec![
                        [min_lon, min_lat, 180.0, max_lat],
                        [-180.0, min_lat, max_lon, max_lat],
                    ]
                } else {
                    vec![[min_lon, min_lat, max_lon, max_lat]]
                }
            }
            PlaceFilter::Radius { lat, lon, km } => {
                let dlat = km / KM_PER_DEGREE_LAT;
                let min_lat = (lat - dlat).max(-90.0);
                let max_lat = (lat + dlat).min(90.0);
                let cos = lat
                    .abs()
                    .max(min_lat.abs())
                    .max(max_lat.abs())
                    .to_radians()
                    .cos();
                let dlon = if cos < 1e-6 {
                    360.0
                } else {
                    km / (KM_PER_DEGREE_LAT * cos)
                };
                if dlon >= 180.0 || max_lat >= 90.0 || min_lat <= -90.0 {
                    return vec![[-180.0, min_lat, 180.0, max_lat]];
                }
                let (west, east) = (lon - dlon, lon + dlon);
                if west < -180.0 {
                    vec![
                        [west + 360.0, min_lat, 180.0, max_lat],
                        [-180.0, min_lat, east, max_lat],
                    ]
                } else if east > 180.0 {
                    vec![
                        [west, min_lat, 180.0, max_lat],
                        [-180.0, min_lat, east - 360.0, max_lat],
                    ]
                } else {
                    vec![[west, min_lat, east, max_lat]]
                }
            }
        }
    }
}

/// Great-circle distance in km.
pub fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * a.sqrt().min(1.0).asin()
}

impl EventFilter {
    /// Checks what the wire types cannot.
    pub fn validate(&self) -> Result<(), StoreError> {
        let bad = |msg: String| Err(StoreError::InvalidArgument(msg));
        if let Some(place) = &self.place {
            if let Err(msg) = place.validate() {
                return bad(format!("filter.{msg}"));
            }
        }
        if let Some(text) = &self.text {
            if text.chars().count() > 500 {
                return bad("filter.text: at most 500 characters".into());
            }
        }
        if self.actors.len() > 50 || self.actors.iter().any(|a| a.trim().is_empty()) {
            return bad("filter.actors: at most 50 non-empty ids or names".into());
        }
        if let (Some(a), Some(b)) = (self.ingested_after, self.ingested_before) {
            if a > b {
                return bad("filter.ingested_before is before ingested_after".into());
            }
        }
        Ok(())
    }
}

/// A filter ready for SQL: names of actors already resolved to ids.
#[derive(Debug, Clone, Default)]
pub(crate) struct Resolved {
    pub filter: EventFilter,
    /// `Some` when the filter names actors: every id they resolve to (may be empty: no match).
    pub actor_ids: Option<Vec<String>>,
}

impl Resolved {
    /// True when no event can match.
    pub fn matches_nothing(&self) -> bool {
        self.actor_ids.as_ref().is_some_and(Vec::is_empty)
    }
}

/// Resolves the actors a filter names to ids: see [`resolve_actor`].
pub(crate) async fn resolve(
    pool: &sqlx::PgPool,
    filter: &EventFilter,
) -> Result<Resolved, StoreError> {
    filter.validate()?;
    let actor_ids = if filter.actors.is_empty() {
        None
    } else {
        let mut ids = Vec::new();
        for value in filter.actors.iter().map(|a| a.trim()) {
            ids.extend(resolve_actor(pool, value).await?);
        }
        ids.sort_unstable();
        ids.dedup();
        Some(ids)
    };
    Ok(Resolved {
        filter: filter.clone(),
        actor_ids,
    })
}

/// Most actors a misspelt name resolves to.
const MAX_FUZZY_ACTORS: i64 = 20;

/// The ids `value` names: itself (an id is matched as given), plus the actors whose name or a
/// surface form is `value` (case-insensitive); only when no known id or name matches, the actors
/// whose names are closest to it by trigram word similarity, for misspellings and partial names.
async fn resolve_actor(pool: &sqlx::PgPool, value: &str) -> Result<Vec<String>, StoreError> {
    let ids: Vec<String> = sqlx::query_scalar(
        "with exact as (
            select actor_id from actor_names where actor_id = $1
            union select actor_id from actor_names where lower(name) = lower($1)
         )
         select actor_id from exact
         union all
         select actor_id from (
            select actor_id, max(word_similarity($1, name)) as similarity
            from actor_names
            where $1 <% name and not exists (select 1 from exact)
            group by actor_id
            order by similarity desc, actor_id
            limit $2
         ) fuzzy",
    )
    .bind(value)
    .bind(MAX_FUZZY_ACTORS)
    .fetch_all(pool)
    .await?;
    Ok(std::iter::once(value.to_owned()).chain(ids).collect())
}

/// Appends ` and ...` predicates on `events e` for the filter.
pub(crate) fn push_predicates(query: &mut QueryBuilder<'_, Postgres>, resolved: &Resolved) {
    push_structured(query, resolved);
    if let Some(text) = &resolved.filter.text {
        let words = QueryWords::of(text);
        if let Some(required) = &words.required {
            query
                .push(" and e.article_id in (select a.id from articles a where a.search @@ marsad_search_query(")
                .push_bind(required.clone())
                .push("))");
        }
        if words.excludes {
            push_whole_query(query, &words, WholeQuery::LookUp);
        }
    }
}

/// What a full-text query (web-search syntax) asks of an article.
///
/// An event's evidence is a span of its article (title and text), so an evidence with every word
/// and phrase of a query belongs to an article that has them too. Excluded words (`-word`,
/// `-"a phrase"`) are the exception: an evidence can lack a word its article has. So the events a
/// query can match are those of the articles with its *required* words (the query without its
/// exclusions), and, when it excludes something, each of those events matches if its evidence or
/// its article matches the whole query.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct QueryWords {
    /// The query as written.
    pub text: String,
    /// The query without its exclusions; `None` when it requires nothing: a query of exclusions
    /// only, or one with an exclusion and an alternative (`a or -b` matches what has neither).
    pub required: Option<String>,
    /// The query excludes something.
    pub excludes: bool,
    /// The query's alternatives (split at `or`), each as its required and its excluded words.
    alternatives: Vec<Alternative>,
}

/// One alternative of a query: words and phrases it requires and words and phrases it excludes,
/// each as a query of its own (the excluded ones as alternatives: `a or "b c"`).
#[derive(Debug, Clone, PartialEq, Default)]
struct Alternative {
    required: Vec<String>,
    excluded: Vec<String>,
}

impl QueryWords {
    /// Splits a query as Postgres's `websearch_to_tsquery` reads it: a `-` at the start of a word
    /// or a phrase, or right after a phrase, excludes that word or phrase; inside quotes, `-` is a
    /// letter; `or` between words separates alternatives. Erring towards dropping more keeps the
    /// required words a superset of the matches.
    pub(crate) fn of(text: &str) -> Self {
        let mut alternatives = vec![Alternative::default()];
        let mut word = String::new();
        let mut excluding = false;
        let mut chars = text.chars().peekable();
        let end_word =
            |word: &mut String, excluding: &mut bool, alternatives: &mut Vec<Alternative>| {
                if word.is_empty() {
                    return;
                }
                let words = std::mem::take(word);
                let current = alternatives.last_mut().expect("one alternative at least");
                if std::mem::take(excluding) {
                    current.excluded.push(words);
                } else if words.eq_ignore_ascii_case("or") {
                    alternatives.push(Alternative::default());
                } else {
                    current.required.push(words);
                }
            };
        while let Some(c) = chars.next() {
            match c {
                '"' => {
                    end_word(&mut word, &mut excluding, &mut alternatives);
                    word.push('"');
                    word.extend(chars.by_ref().take_while(|&inner| inner != '"'));
                    word.push('"');
                    end_word(&mut word, &mut excluding, &mut alternatives);
                }
                '-' if word.is_empty()
                    && !excluding
                    && chars.peek().is_some_and(|next| !next.is_whitespace()) =>
                {
                    excluding = true;
                }
                c if c.is_whitespace() => end_word(&mut word, &mut excluding, &mut alternatives),
                c => word.push(c),
            }
        }
        end_word(&mut word, &mut excluding, &mut alternatives);
        // A dangling `or` ("a or") separates nothing.
        alternatives.retain(|a| !(a.required.is_empty() && a.excluded.is_empty()));
        let excludes = alternatives.iter().any(|a| !a.excluded.is_empty());
        let has_words = |a: &Alternative| {
            a.required
                .iter()
                .any(|w| w.chars().any(char::is_alphanumeric))
        };
        // Without exclusions, the query is its required words; with them, only a query of one
        // alternative requires its words of every match.
        let requires_something = if excludes {
            alternatives.len() == 1 && has_words(&alternatives[0])
        } else {
            alternatives.iter().any(has_words)
        };
        let required = alternatives
            .iter()
            .map(|a| a.required.join(" "))
            .collect::<Vec<_>>()
            .join(" or ");
        Self {
            text: text.to_owned(),
            required: requires_something.then_some(required),
            excludes,
            alternatives,
        }
    }

    /// Appends the whole query as a tsquery: its alternatives ORed, each its required words
    /// (`marsad_search_query`) and none of its excluded ones. An exclusion is one negated
    /// alternative of every form of every excluded word: `marsad_search_query` ORs the query's
    /// Arabic, English and simple forms, and `-coalition` that way would be
    /// `!'coalition' | !'coalit'`, true of every English text (which has 'coalit' only).
    fn push_tsquery(&self, query: &mut QueryBuilder<'_, Postgres>) {
        if !self.excludes {
            query
                .push("marsad_search_query(")
                .push_bind(self.text.clone())
                .push(")");
            return;
        }
        query.push("(");
        for (i, alternative) in self.alternatives.iter().enumerate() {
            if i > 0 {
                query.push(" || ");
            }
            query.push("(");
            if !alternative.required.is_empty() {
                query
                    .push("marsad_search_query(")
                    .push_bind(alternative.required.join(" "))
                    .push(")");
            }
            if !alternative.excluded.is_empty() {
                if !alternative.required.is_empty() {
                    query.push(" && ");
                }
                query
                    .push("!!marsad_search_query(")
                    .push_bind(alternative.excluded.join(" or "))
                    .push(")");
            }
            query.push(")");
        }
        query.push(")");
    }
}

/// ` and (the article or the evidence matches the whole query)`, for queries with exclusions.
/// `article_matches` says whether the event's article does; by default it is looked up per event
/// (a scalar subquery: as `exists` or `in`, the planner hashes every article matching the whole
/// query first, ~30,000 for a place name, 88 ms). The evidence's vector is not stored (migration
/// 20261209000001): it is computed here, and only for events whose article does not match, the
/// article being tested first.
fn push_whole_query(
    query: &mut QueryBuilder<'_, Postgres>,
    words: &QueryWords,
    article_matches: WholeQuery,
) {
    query.push(" and (");
    match article_matches {
        WholeQuery::LookUp => {
            query.push(
                "(select whole.search from articles whole where whole.id = e.article_id) @@ ",
            );
            words.push_tsquery(query);
        }
        WholeQuery::Column(column) => {
            query.push(column);
        }
    }
    query.push(" or marsad_search_vector(e.lang, e.evidence_text) @@ ");
    words.push_tsquery(query);
    query.push(")");
}

/// How [`push_whole_query`] knows whether an event's article matches the whole query.
enum WholeQuery {
    LookUp,
    /// A boolean column of the query says.
    Column(&'static str),
}

/// How a page of a full-text search is read (see [`QueryWords`]): from the events of the articles
/// with the query's required words. Those articles are looked up first (bounded), so that the
/// planner knows what it joins: its estimates for that semi-join, and for phrases of words that
/// occur together, are often off many times, and the wrong guess walks the whole log.
#[derive(Debug, Clone)]
pub(crate) struct TextPlan {
    pub words: QueryWords,
    /// The articles with the required words.
    pub articles: ArticleMatches,
}

/// The articles with a query's required words. The events of a few are read by article id,
/// through the (article_id, id) index (which carries their sequence numbers) or by walking the log
/// against the ids, as the planner, which sees the ids, prefers; when many match, the log is
/// walked and each event's article checked; when the query requires nothing, every article.
#[derive(Debug, Clone)]
pub(crate) enum ArticleMatches {
    Few {
        ids: Vec<String>,
        /// Those that match the whole query, when it excludes something.
        whole: Vec<String>,
    },
    Many,
    All,
}

/// The fewest matching articles whose events are always read by article id.
const FEW_ARTICLES: f64 = 2000.0;

impl TextPlan {
    /// Plans a text search for pages of `limit` events.
    ///
    /// Reading by article id costs a visit to each matching article, N of them; walking the log
    /// costs a visit per event until `limit` match, about `limit` × (articles in the store) / N
    /// when an article's events are spread like the others'. Measured at a million events, one
    /// article visit costs about as much as one walked event, so the ids are looked up while
    /// N² ≤ `limit` × articles (N ≤ 5,000 for 100-event pages over 250,000 articles), and always
    /// while N ≤ 2,000; N is first bounded from the column statistics, then counted by the
    /// (bounded) lookup itself.
    pub(crate) async fn new(
        pool: &sqlx::PgPool,
        text: &str,
        limit: u32,
    ) -> Result<Self, StoreError> {
        let words = QueryWords::of(text);
        let Some(required) = &words.required else {
            return Ok(Self {
                words,
                articles: ArticleMatches::All,
            });
        };
        // Whether to look the ids up is decided on an upper bound of the matching articles from
        // the statistics (see migration 20261206000002), in the same statement: the planner's
        // own estimate is low for phrases and for words that occur together, and a lookup that
        // goes over the bound visits the bound's worth of articles for nothing (35 ms for the
        // phrase "Deir ez-Zor" at a million events). The `offset 0` keeps `few` a subquery whose
        // columns are computed once: flattened, the bound was computed in the output and again
        // in the lookup's gate (two calls of the statistics function, ~0.6 ms).
        let mut query = QueryBuilder::<Postgres>::new(
            "select few.bound, few.upper <= few.bound, found.ids, found.whole
             from (select greatest(",
        );
        query
            .push_bind(FEW_ARTICLES)
            .push(", sqrt(")
            .push_bind(f64::from(limit))
            .push(
                " * greatest(c.reltuples, 0)))::int8 as bound,
                          greatest(c.reltuples, 0)
                              * marsad_article_share_bound(marsad_search_query(",
            )
            .push_bind(required.clone())
            .push(
                ")) as upper
                   from pg_class c where c.oid = 'articles'::regclass offset 0) few,
             lateral (
                 select coalesce(array_agg(m.id), '{}') as ids,
                        coalesce(array_agg(m.id) filter (where ",
            );
        if words.excludes {
            query.push("m.search @@ ");
            words.push_tsquery(&mut query);
        } else {
            query.push("false");
        }
        query
            .push(
                "), '{}') as whole
                 from (select a.id, a.search from articles a
                       where few.upper <= few.bound and a.search @@ marsad_search_query(",
            )
            .push_bind(required.clone())
            .push(") limit few.bound + 1) m) found");
        let (bound, looked_up, ids, whole): (i64, bool, Vec<String>, Vec<String>) =
            query.build_query_as().fetch_one(pool).await?;
        Ok(Self {
            articles: if looked_up && ids.len() as i64 <= bound {
                ArticleMatches::Few { ids, whole }
            } else {
                ArticleMatches::Many
            },
            words,
        })
    }
}

/// Appends a query for the sequence numbers of one page: the first `limit` matching events after
/// `after` (and up to `upto`), in log order. Only `events` columns are read, so an index that
/// covers the filter answers it without visiting the table; a text search (the filter's, planned)
/// reads the events of the articles with its required words.
pub(crate) fn push_page_sequences(
    query: &mut QueryBuilder<'_, Postgres>,
    resolved: &Resolved,
    text_plan: Option<&TextPlan>,
    after: i64,
    upto: Option<i64>,
    limit: u32,
) {
    // Few matching articles and excluded words: the candidates (the events of those articles) are
    // sorted first, and the evidence of an event whose article does not match the whole query is
    // stemmed only as the page fills (`offset 0` keeps the candidates a subquery). Testing every
    // candidate stemmed hundreds of evidences for a page of 100 (p99 60 ms at 300,000 events).
    let few_whole = match text_plan {
        Some(TextPlan {
            words,
            articles: ArticleMatches::Few { whole, .. },
        }) if words.excludes => Some((words, whole)),
        _ => None,
    };
    if let Some((_, whole)) = few_whole {
        query
            .push("select p.sequence from (select e.sequence, e.article_id = any(")
            .push_bind(whole.clone())
            .push(") as whole from events e");
    } else {
        query.push("select e.sequence from events e");
    }
    if let Some(
        plan @ TextPlan {
            words:
                QueryWords {
                    required: Some(required),
                    ..
                },
            articles: ArticleMatches::Many,
            ..
        },
    ) = text_plan
    {
        // Many articles match: walk the log and look each event's article up (once per article).
        // The `offset 0` keeps this a lookup per event: as a semi-join, a phrase whose words occur
        // together, which the planner counts as rare, starts from the articles and reads all
        // their events.
        query.push(" join lateral (select");
        if plan.words.excludes {
            query.push(" a.search @@ ");
            plan.words.push_tsquery(query);
            query.push(" as whole");
        }
        query
            .push(
                " from articles a where a.id = e.article_id \
                 and a.search @@ marsad_search_query(",
            )
            .push_bind(required.clone())
            .push(") offset 0) matching_article on true");
    }
    query.push(" where e.sequence > ").push_bind(after);
    if let Some(upto) = upto {
        query.push(" and e.sequence <= ").push_bind(upto);
    }
    push_structured(query, resolved);
    if let Some(plan) = text_plan {
        if let ArticleMatches::Few { ids, .. } = &plan.articles {
            query
                .push(" and e.article_id = any(")
                .push_bind(ids.clone())
                .push(")");
        }
        if plan.words.excludes && few_whole.is_none() {
            let article_matches = match &plan.articles {
                ArticleMatches::Many if plan.words.required.is_some() => {
                    WholeQuery::Column("matching_article.whole")
                }
                _ => WholeQuery::LookUp,
            };
            push_whole_query(query, &plan.words, article_matches);
        }
    }
    if let Some((words, _)) = few_whole {
        query.push(
            " order by e.sequence offset 0) p \
             where p.whole or (select marsad_search_vector(x.lang, x.evidence_text) \
                               from events x where x.sequence = p.sequence) @@ ",
        );
        words.push_tsquery(query);
        query.push(" order by p.sequence limit ");
    } else {
        query.push(" order by e.sequence limit ");
    }
    query.push_bind(i64::from(limit));
}

/// ` and column = any(values)`, unless `values` is empty (no constraint).
fn push_any(query: &mut QueryBuilder<'_, Postgres>, column: &str, values: &[String]) {
    if !values.is_empty() {
        query
            .push(format!(" and {column} = any("))
            .push_bind(values.to_vec())
            .push(")");
    }
}

/// The predicates of every filter but the text search.
fn push_structured(query: &mut QueryBuilder<'_, Postgres>, resolved: &Resolved) {
    let f = &resolved.filter;
    push_any(query, "e.kind", &f.kinds);
    if !f.countries.is_empty() {
        query
            .push(" and e.countries && ")
            .push_bind(f.countries.clone());
    }
    if let Some(since) = f.since {
        query.push(" and e.event_date >= ").push_bind(since);
    }
    if let Some(until) = f.until {
        query.push(" and e.event_date <= ").push_bind(until);
    }
    if let Some(article) = &f.article_id {
        query
            .push(" and e.article_id = ")
            .push_bind(article.clone());
    }
    push_any(query, "e.plover_type", &f.plover_types);
    let modalities: Vec<String> = f.modalities.iter().map(|m| m.as_str().to_owned()).collect();
    push_any(query, "e.modality", &modalities);
    if let Some(min) = f.min_confidence {
        query.push(" and e.confidence >= ").push_bind(min);
    }
    push_any(query, "e.acled_event_type", &f.acled_event_types);
    push_any(query, "e.acled_sub_event_type", &f.acled_sub_event_types);
    match (&resolved.actor_ids, f.actor_role) {
        (Some(ids), Some(role)) => {
            let keys: Vec<String> = ids
                .iter()
                .map(|id| format!("{}:{id}", role.as_str()))
                .collect();
            // The ids select through their index; the roles are checked on those rows.
            query
                .push(" and e.actor_ids && ")
                .push_bind(ids.clone())
                .push(" and e.actor_roles && ")
                .push_bind(keys);
        }
        (Some(ids), None) => {
            query.push(" and e.actor_ids && ").push_bind(ids.clone());
        }
        (None, Some(role)) => {
            query
                .push(" and exists (select 1 from unnest(e.actor_roles) r where starts_with(r, ")
                .push_bind(format!("{}:", role.as_str()))
                .push("))");
        }
        (None, None) => {}
    }
    if !f.sectors.is_empty() {
        query
            .push(" and e.sectors && ")
            .push_bind(f.sectors.clone());
    }
    if let Some(after) = f.ingested_after {
        query.push(" and e.ingested_at >= ").push_bind(after);
    }
    if let Some(before) = f.ingested_before {
        query.push(" and e.ingested_at < ").push_bind(before);
    }
    if let Some(place) = &f.place {
        let boxes = place.boxes();
        // The latitude range alone, for the (kind, place_lat) index; the boxes then decide.
        let south = boxes.iter().map(|b| b[1]).fold(f64::INFINITY, f64::min);
        let north = boxes.iter().map(|b| b[3]).fold(f64::NEG_INFINITY, f64::max);
        query
            .push(" and e.place_lat between ")
            .push_bind(south)
            .push("::float8 and ")
            .push_bind(north)
            .push("::float8");
        query.push(" and e.place_lat is not null and e.place_lon is not null and (");
        for (i, [w, s, east, n]) in boxes.into_iter().enumerate() {
            if i > 0 {
                query.push(" or ");
            }
            query
                .push("point(e.place_lon, e.place_lat) <@ box(point(")
                .push_bind(w)
                .push("::float8, ")
                .push_bind(s)
                .push("::float8), point(")
                .push_bind(east)
                .push("::float8, ")
                .push_bind(n)
                .push("::float8))");
        }
        query.push(")");
        if let PlaceFilter::Radius { lat, lon, km } = *place {
            query
                .push(" and 2 * 6371.0088 * asin(least(1.0, sqrt(power(sin(radians(e.place_lat - ")
                .push_bind(lat)
                .push("::float8) / 2), 2) + cos(radians(")
                .push_bind(lat)
                .push("::float8)) * cos(radians(e.place_lat)) * power(sin(radians(e.place_lon - ")
                .push_bind(lon)
                .push("::float8) / 2), 2)))) <= ")
                .push_bind(km);
        }
    }
    if let Some(cluster) = &f.cluster_id {
        query
            .push(" and e.cluster_id = ")
            .push_bind(cluster.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_requires_its_words_without_its_exclusions() {
        let of = |text: &str| {
            let words = QueryWords::of(text);
            (words.required, words.excludes)
        };
        let required = |text: &str| Some(text.to_owned());
        assert_eq!(of("كمين حلب"), (required("كمين حلب"), false));
        assert_eq!(
            of("\"Deir ez-Zor\" strike"),
            (required("\"Deir ez-Zor\" strike"), false)
        );
        assert_eq!(of("strike -ambush"), (required("strike"), true));
        assert_eq!(of("-\"Deir ez-Zor\" strike"), (required("strike"), true));
        assert_eq!(
            of("\"air strike\"-drone raid"),
            (required("\"air strike\" raid"), true)
        );
        // Inside a phrase or a word, a hyphen is a letter.
        assert_eq!(
            of("\"pro -government\""),
            (required("\"pro -government\""), false)
        );
        assert_eq!(of("ez-Zor"), (required("ez-Zor"), false));
        // A lone dash excludes nothing.
        assert_eq!(of("strike - ambush"), (required("strike - ambush"), false));
        // Nothing required: exclusions only, or an exclusion among alternatives.
        assert_eq!(of("-ambush"), (None, true));
        assert_eq!(of("strike or -ambush"), (None, true));
        assert_eq!(of("strike or raid"), (required("strike or raid"), false));
        assert_eq!(of("  "), (None, false));
        // A dangling `or` separates nothing.
        assert_eq!(of("strike or"), (required("strike"), false));
        assert_eq!(of("strike or !!"), (required("strike or !!"), false));
        let alternatives = QueryWords::of("strike OR \"air raid\" -drone -\"no fly\"").alternatives;
        assert_eq!(
            alternatives,
            [
                Alternative {
                    required: vec!["strike".into()],
                    excluded: vec![],
                },
                Alternative {
                    required: vec!["\"air raid\"".into()],
                    excluded: vec!["drone".into(), "\"no fly\"".into()],
                },
            ]
        );
    }

    #[test]
    fn radius_boxes_cover_the_circle_and_wrap() {
        let riyadh = PlaceFilter::Radius {
            lat: 24.7,
            lon: 46.7,
            km: 50.0,
        };
        let boxes = riyadh.boxes();
        assert_eq!(boxes.len(), 1);
        let [w, s, e, n] = boxes[0];
        assert!(w < 46.3 && e > 47.1 && s < 24.3 && n > 25.1);
        let fiji = PlaceFilter::Radius {
            lat: -17.7,
            lon: 179.9,
            km: 100.0,
        };
        assert_eq!(fiji.boxes().len(), 2);
        assert!((distance_km(24.7136, 46.6753, 21.4858, 39.1925) - 845.0).abs() < 15.0);
    }

    #[test]
    fn bad_places_are_refused() {
        assert!(PlaceFilter::Radius {
            lat: 91.0,
            lon: 0.0,
            km: 1.0
        }
        .validate()
        .is_err());
        assert!(PlaceFilter::BoundingBox {
            min_lat: 10.0,
            min_lon: 0.0,
            max_lat: 5.0,
            max_lon: 1.0
        }
        .validate()
        .is_err());
    }
}
