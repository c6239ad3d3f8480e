-- One index fewer for every event written: the primary key on `sequence` and the log index
-- (`sequence` with the columns most filters test, migration 20261203000001) had the same key, so
-- each event row paid two btree inserts for it. The key's index now carries the log's columns, and
-- the log index goes: a page of the log is still read from one index without visiting the table,
-- and a lookup by sequence number still finds one entry.
CREATE UNIQUE INDEX events_sequence_log_key ON events (sequence)
    INCLUDE (kind, event_date, countries, actor_ids, place_lat, place_lon, plover_type, modality,
             confidence, article_id);
ALTER TABLE events
    DROP CONSTRAINT events_pkey,
    ADD CONSTRAINT events_pkey PRIMARY KEY USING INDEX events_sequence_log_key;
DROP INDEX events_log_idx;
