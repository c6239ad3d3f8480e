-- Marsad's schema: articles, the extraction queue, entities, events and their actors, places.
-- The schema changes only through migrations in this directory.

CREATE TABLE articles (
    id            TEXT PRIMARY KEY,                 -- 'a_' + hex of the first 16 bytes of content_hash
    content_hash  BYTEA NOT NULL UNIQUE,            -- SHA-256 of the normalised text
    lang          TEXT NOT NULL,
    title         TEXT,
    body          TEXT NOT NULL,
    source        TEXT,
    url           TEXT,
    published_on  DATE,
    ingested_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    duplicate_of  TEXT REFERENCES articles (id),
    simhash       BIGINT,
    extracted_at  TIMESTAMPTZ,
    engine_version TEXT
);

CREATE INDEX articles_ingested_at_idx ON articles (ingested_at);
CREATE INDEX articles_published_on_idx ON articles (published_on);

-- Articles waiting for extraction. A row leaves the queue in the same transaction that stores the
-- article's events; a worker leases rows with SKIP LOCKED and a lease that expires.
CREATE TABLE extraction_queue (
    article_id    TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    enqueued_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    leased_until  TIMESTAMPTZ,
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT
);

CREATE INDEX extraction_queue_ready_idx ON extraction_queue (leased_until NULLS FIRST, enqueued_at);

-- Places resolved against the gazetteer, shared by events.
CREATE TABLE places (
    gazetteer_id  TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    country       TEXT,
    admin1        TEXT,
    lat           DOUBLE PRECISION,
    lon           DOUBLE PRECISION
);

CREATE TABLE entities (
    article_id    TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    ordinal       INTEGER NOT NULL,
    entity_type   TEXT NOT NULL,
    text          TEXT NOT NULL,
    name          TEXT NOT NULL,
    entity_id     TEXT NOT NULL,
    country       TEXT,
    sector        TEXT,
    start_char    INTEGER NOT NULL,
    end_char      INTEGER NOT NULL,
    PRIMARY KEY (article_id, ordinal)
);

-- `sequence` orders the event log: ListEvents pages and WatchEvents resume on it.
CREATE TABLE events (
    sequence        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id              TEXT NOT NULL,
    article_id      TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    plover_type     TEXT,
    plover_mode     TEXT,
    plover_context  TEXT[] NOT NULL DEFAULT '{}',
    cameo           TEXT,
    acled_event_type     TEXT,
    acled_sub_event_type TEXT,
    place_text      TEXT,
    place_name      TEXT,
    place_country   TEXT,
    place_admin1    TEXT,
    place_lat       DOUBLE PRECISION,
    place_lon       DOUBLE PRECISION,
    place_gazetteer_id TEXT REFERENCES places (gazetteer_id),
    place_start     INTEGER,
    place_end       INTEGER,
    event_date      DATE,
    date_precision  TEXT,
    date_text       TEXT,
    date_resolved   BOOLEAN NOT NULL DEFAULT FALSE,
    modality        TEXT NOT NULL,
    confidence      REAL NOT NULL,
    evidence_text   TEXT NOT NULL,
    evidence_start  INTEGER NOT NULL,
    evidence_end    INTEGER NOT NULL,
    engine_version  TEXT NOT NULL,
    countries       TEXT[] NOT NULL DEFAULT '{}',   -- place and actor countries, for filtering
    stored_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (article_id, id)
);

CREATE INDEX events_kind_idx ON events (kind, sequence);
CREATE INDEX events_date_idx ON events (event_date);
CREATE INDEX events_countries_idx ON events USING GIN (countries);

CREATE TABLE event_actors (
    event_sequence  BIGINT NOT NULL REFERENCES events (sequence) ON DELETE CASCADE,
    ordinal         INTEGER NOT NULL,
    text            TEXT NOT NULL,
    name            TEXT NOT NULL,
    actor_id        TEXT NOT NULL,
    country         TEXT,
    sector          TEXT,
    role            TEXT NOT NULL,
    start_char      INTEGER NOT NULL,
    end_char        INTEGER NOT NULL,
    PRIMARY KEY (event_sequence, ordinal)
);

CREATE INDEX event_actors_actor_idx ON event_actors (actor_id);

-- Wakes WatchEvents streams when events are committed.
CREATE FUNCTION notify_events_stored() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('marsad_events', '');
    RETURN NULL;
END;
$$;

CREATE TRIGGER events_stored AFTER INSERT ON events
    FOR EACH STATEMENT EXECUTE FUNCTION notify_events_stored();
