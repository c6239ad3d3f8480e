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
