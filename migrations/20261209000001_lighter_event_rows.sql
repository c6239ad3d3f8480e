-- Lighter event rows: the part of an ingest that Postgres spends most on is copying ~17 event
-- rows per article (bench ingest corpus), ~1,500 bytes each. Measured on a COPY of 87,689 real
-- event rows into a table without indexes: 21–24 µs a row, of which reading the `search` vector
-- took ~4.7 µs and the `actors` jsonb ~5 µs.
--
-- * `search` is dropped. Since migration 20261206000001 nothing reads it through an index: a text
--   search finds events through their articles' vectors, and only a query that excludes words
--   tests an event's own evidence, among the events it already selected. That test now computes
--   the same vector, `marsad_search_vector(lang, evidence_text)`, for those events alone, instead
--   of every event paying for it at write time (stemming before the write, ~7 µs a row, then
--   reading it back, ~4.7 µs, and ~320 bytes stored).
-- * `actors` becomes `json`: the store writes it as JSON text and reads it back whole; nothing
--   looks into it in SQL on the write or read paths, so the jsonb tree it was parsed into on every
--   insert bought nothing. `json` still checks that it is JSON.
ALTER TABLE events DROP COLUMN search;
ALTER TABLE events
    ALTER COLUMN actors DROP DEFAULT,
    ALTER COLUMN actors TYPE json USING actors::json,
    ALTER COLUMN actors SET DEFAULT '[]';

-- Long texts (an article's body and search vector; the few event rows over the TOAST threshold)
-- compressed with lz4 where this Postgres was built with it: pglz compression was ~3 % of the
-- CPU of a bulk ingest, lz4 is several times faster. Values already stored keep their compression.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_settings
               WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
        ALTER TABLE articles
            ALTER COLUMN body SET COMPRESSION lz4,
            ALTER COLUMN title SET COMPRESSION lz4,
            ALTER COLUMN search SET COMPRESSION lz4;
        ALTER TABLE events
            ALTER COLUMN evidence_text SET COMPRESSION lz4,
            ALTER COLUMN actors SET COMPRESSION lz4;
        ALTER TABLE article_entities ALTER COLUMN entities SET COMPRESSION lz4;
    END IF;
END
$$;
