-- Indexes that answer the common filters without visiting the table: a page's sequence numbers
-- come from an index-only scan plus a top-N sort, and only the page's rows are then read.

-- A country and a date range: the date range walks the index, the countries are checked on the
-- index entries.
DROP INDEX events_date_idx;
CREATE INDEX events_date_idx ON events (event_date) INCLUDE (countries, sequence);

-- A kind and a place: the kind and the latitude range walk the index, the longitude (or the
-- boxes) are checked on the index entries.
CREATE INDEX events_kind_place_idx ON events (kind, place_lat) INCLUDE (place_lon, sequence)
    WHERE place_lat IS NOT NULL AND place_lon IS NOT NULL;

-- The event log in sequence order with the columns most filters test: a filter that matches often
-- walks this narrow index (about 80 entries a page against about 7 rows a page of the table) until
-- the page is full, without visiting the table.
CREATE INDEX events_log_idx ON events (sequence)
    INCLUDE (kind, event_date, countries, actor_ids, place_lat, place_lon, plover_type, modality,
             confidence, article_id);
