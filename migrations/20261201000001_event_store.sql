-- The event store: filters that stay index-driven at millions of events, full-text search in Arabic
-- and English, clusters of mentions of one real-world event, and re-extraction.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Full text. Every text is indexed three ways in one tsvector: Postgres' `arabic` Snowball
-- configuration (Arabic stems), `english` (English stems, English stopwords) and `simple` (the
-- words as written, for names and words neither stemmer knows). Postgres ships no Arabic stopword
-- list, so Marsad's own is removed from documents (as written and as stemmed) and from queries.
DO $do$
DECLARE
    words TEXT[] := ARRAY[
        'في', 'من', 'على', 'إلى', 'الى', 'عن', 'مع', 'أن', 'ان', 'إن', 'لا', 'ما', 'هذا', 'هذه',
        'ذلك', 'تلك', 'التي', 'الذي', 'الذين', 'كان', 'كانت', 'قد', 'ثم', 'أو', 'او', 'و', 'هو',
        'هي', 'هم', 'بين', 'بعد', 'قبل', 'حتى', 'عند', 'كل', 'لم', 'لن', 'منذ', 'أي', 'اي', 'غير',
        'إلا', 'الا', 'لكن', 'أيضا', 'ايضا', 'حيث', 'عليه', 'عليها', 'فيه', 'فيها', 'منها', 'منه',
        'به', 'بها', 'له', 'لها', 'لهم', 'كما', 'وقد', 'وكان', 'وفي', 'ومن', 'وعلى', 'الى', 'يا',
        'كذلك', 'إذا', 'اذا', 'أما', 'اما', 'نحو', 'لدى', 'خلال', 'ضمن'];
    lexemes TEXT[];
BEGIN
    SELECT array_agg(DISTINCT lexeme ORDER BY lexeme) INTO lexemes FROM (
        SELECT unnest(words) AS lexeme
        UNION SELECT unnest(tsvector_to_array(to_tsvector('arabic', w))) FROM unnest(words) AS w
        UNION SELECT unnest(tsvector_to_array(to_tsvector('simple', w))) FROM unnest(words) AS w
    ) s;

    CREATE TABLE search_stopwords (word TEXT PRIMARY KEY);
    INSERT INTO search_stopwords SELECT DISTINCT unnest(words);

    EXECUTE format($f$
        CREATE FUNCTION marsad_search_vector(doc TEXT) RETURNS tsvector
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $body$
            SELECT ts_delete(
                to_tsvector('arabic', left(coalesce(doc, ''), 100000))
                || to_tsvector('english', left(coalesce(doc, ''), 100000))
                || to_tsvector('simple', left(coalesce(doc, ''), 100000)),
                %L::text[])
        $body$ $f$, lexemes);

    EXECUTE format($f$
        CREATE FUNCTION marsad_search_query(q TEXT) RETURNS tsquery
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $body$
            WITH kept AS (
                SELECT coalesce(string_agg(w, ' '), '') AS q
                FROM regexp_split_to_table(coalesce(q, ''), '\s+') AS w
                WHERE w <> '' AND NOT (trim(both '"' from w) = ANY (%L::text[]))
            )
            SELECT websearch_to_tsquery('arabic', kept.q)
                || websearch_to_tsquery('english', kept.q)
                || websearch_to_tsquery('simple', kept.q)
            FROM kept
        $body$ $f$, words);
END
$do$;

ALTER TABLE articles
    ADD COLUMN search tsvector
        GENERATED ALWAYS AS (marsad_search_vector(coalesce(title, '') || ' ' || body)) STORED;
CREATE INDEX articles_search_idx ON articles USING GIN (search);

-- Actors as the store has seen them (canonical names and the surface forms the texts used), so that
-- a filter by name resolves to ids through a trigram index.
CREATE TABLE actor_names (
    actor_id  TEXT NOT NULL,
    name      TEXT NOT NULL,
    PRIMARY KEY (actor_id, name)
);
CREATE INDEX actor_names_name_trgm_idx ON actor_names USING GIN (name gin_trgm_ops);
CREATE INDEX actor_names_lower_idx ON actor_names (lower(name));

-- One real-world event: its mentions are the events (one per article) that report it.
CREATE TABLE event_clusters (
    id              TEXT PRIMARY KEY,
    -- Position in the cluster log: clusters page on it; it never changes.
    seq             BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    kind            TEXT NOT NULL,
    -- The best-supported values of the mentions (majority, then most confident).
    representative_sequence BIGINT,
    event_date      DATE,
    date_precision  TEXT,
    place_gazetteer_id TEXT,
    place_name      TEXT,
    place_country   TEXT,
    place_lat       DOUBLE PRECISION,
    place_lon       DOUBLE PRECISION,
    modality        TEXT,
    confidence      REAL NOT NULL DEFAULT 0,
    mention_count   INTEGER NOT NULL DEFAULT 0,
    source_count    INTEGER NOT NULL DEFAULT 0,
    sources         TEXT[] NOT NULL DEFAULT '{}',
    actor_ids       TEXT[] NOT NULL DEFAULT '{}',
    countries       TEXT[] NOT NULL DEFAULT '{}',
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Denormalised onto events so that each filter is one indexable predicate on one table.
ALTER TABLE events
    ADD COLUMN actor_ids   TEXT[] NOT NULL DEFAULT '{}',   -- ids of every actor
    ADD COLUMN actor_roles TEXT[] NOT NULL DEFAULT '{}',   -- 'role:id' of every actor
    ADD COLUMN sectors     TEXT[] NOT NULL DEFAULT '{}',
    ADD COLUMN ingested_at TIMESTAMPTZ,                    -- the article's
    ADD COLUMN cluster_id  TEXT,
    -- The day clustering compares: the event's date, else its article's publication date.
    ADD COLUMN cluster_day DATE,
    ADD COLUMN search tsvector GENERATED ALWAYS AS (marsad_search_vector(evidence_text)) STORED;

UPDATE events e SET
    actor_ids = coalesce((SELECT array_agg(DISTINCT a.actor_id) FROM event_actors a WHERE a.event_sequence = e.sequence), '{}'),
    actor_roles = coalesce((SELECT array_agg(DISTINCT a.role || ':' || a.actor_id) FROM event_actors a WHERE a.event_sequence = e.sequence), '{}'),
    sectors = coalesce((SELECT array_agg(DISTINCT a.sector) FROM event_actors a WHERE a.event_sequence = e.sequence AND a.sector IS NOT NULL), '{}'),
    ingested_at = (SELECT ar.ingested_at FROM articles ar WHERE ar.id = e.article_id),
    cluster_day = coalesce(e.event_date, (SELECT ar.published_on FROM articles ar WHERE ar.id = e.article_id)),
    cluster_id = 'c_' || e.article_id || '_' || e.id;
INSERT INTO event_clusters (id, kind, representative_sequence, event_date, date_precision, modality,
                            confidence, mention_count, source_count)
    SELECT cluster_id, kind, sequence, event_date, date_precision, modality, confidence, 1, 1
    FROM events ORDER BY sequence;
INSERT INTO actor_names (actor_id, name)
    SELECT actor_id, name FROM event_actors UNION SELECT actor_id, text FROM event_actors
    ON CONFLICT DO NOTHING;

CREATE INDEX events_actor_ids_idx ON events USING GIN (actor_ids);
CREATE INDEX events_actor_roles_idx ON events USING GIN (actor_roles);
CREATE INDEX events_sectors_idx ON events USING GIN (sectors);
CREATE INDEX events_search_idx ON events USING GIN (search);
CREATE INDEX events_place_idx ON events USING GIST (point(place_lon, place_lat))
    WHERE place_lat IS NOT NULL AND place_lon IS NOT NULL;
CREATE INDEX events_ingested_at_idx ON events (ingested_at);
CREATE INDEX events_cluster_idx ON events (cluster_id);
CREATE INDEX events_article_idx ON events (article_id);
CREATE INDEX events_plover_idx ON events (plover_type, sequence);
CREATE INDEX events_acled_idx ON events (acled_event_type, acled_sub_event_type, sequence);
CREATE INDEX events_cluster_day_idx ON events (kind, cluster_day);
CREATE INDEX events_cluster_coarse_idx ON events (kind, cluster_day)
    WHERE date_precision IN ('week', 'month', 'year');
