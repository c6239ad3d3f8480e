-- The version of the stored cluster tallies (migration 20261210000002) is drawn from a sequence
-- instead of counted up, so that a number is never given twice, even by transactions that roll
-- back.
--
-- A store now keeps its memory of a write's tallies before the write commits (the commit ends the
-- event-write lock, and the next writer takes the memory as soon as it has the lock). If that
-- commit fails, the memory carries a version only the rolled-back transaction had. Counted up,
-- another store's write of as many statements could reach the same number with other tallies,
-- and the memory would pass for valid; drawn from a sequence, no later version equals it.
CREATE SEQUENCE event_cluster_state_version_seq;
SELECT setval('event_cluster_state_version_seq', greatest(version, 1)) FROM event_cluster_state_version;

CREATE OR REPLACE FUNCTION marsad_advance_cluster_state_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE event_cluster_state_version SET version = nextval('event_cluster_state_version_seq');
    RETURN NULL;
END
$$;
