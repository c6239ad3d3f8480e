-- A version of the stored cluster tallies, advanced by every statement that changes them.
--
-- A store keeps the tallies it committed in memory; its next write starts from them instead of
-- reading and decoding the touched clusters' rows again. On `marsad bench ingest` that read took
-- ~20 ms of each 256-article write's ~330 ms under the event-write lock. The memory is used only
-- while this version is still the one it committed at: another store, or anything else that
-- changed `event_cluster_state` since, has advanced it.
--
-- The version row is updated in the changing transaction, so two changes never interleave, and a
-- writer reads the version after its own changes, still in its transaction.
CREATE TABLE event_cluster_state_version (
    only_row BOOLEAN PRIMARY KEY DEFAULT true CHECK (only_row),
    version  BIGINT NOT NULL
);
INSERT INTO event_cluster_state_version (version) VALUES (0);

CREATE FUNCTION marsad_advance_cluster_state_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE event_cluster_state_version SET version = version + 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER event_cluster_state_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON event_cluster_state
    FOR EACH STATEMENT EXECUTE FUNCTION marsad_advance_cluster_state_version();
