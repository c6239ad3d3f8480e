-- The vote tallies of a cluster in one row. A write that adds mentions to ~1,400 clusters updated
-- ~20,000 tally rows (one per cluster, attribute and value), re-reading its new mentions through
-- the votes view to compute them, all under the event-write lock: 0.45 s of every 256-article
-- write. The store now reads the tallies of the clusters it touches (one row each), adds the votes
-- of the mentions it has in hand, derives the stored values in memory and writes one row back per
-- cluster.
--
-- `tallies` is a JSON array of [attr, value, mentions, confidence_sum, best_confidence,
-- best_sequence], one per (attr, value), with the sum and the confidence as text (`numeric`'s and
-- `real`'s, exact): the attributes, values and rules are those of `event_cluster_votes` and of
-- migration 20261204000001. Kept as text: Postgres never looks into it on the write path.
CREATE TABLE event_cluster_state (
    cluster_id TEXT PRIMARY KEY,
    tallies    TEXT NOT NULL
) WITH (fillfactor = 80);

INSERT INTO event_cluster_state (cluster_id, tallies)
    SELECT cluster_id,
           json_agg(json_build_array(attr, value, mentions, confidence_sum::text,
                                     best_confidence::text, best_sequence)
                    ORDER BY attr, value COLLATE "C")::text
    FROM event_cluster_tallies
    GROUP BY cluster_id;

DROP TABLE event_cluster_tallies;

-- The tallies one row per (cluster, attr, value), as the table they replace had them.
CREATE VIEW event_cluster_tallies AS
    SELECT s.cluster_id, (x.t ->> 0)::smallint AS attr, x.t ->> 1 AS value,
           (x.t ->> 2)::integer AS mentions, (x.t ->> 3)::numeric AS confidence_sum,
           (x.t ->> 4)::real AS best_confidence, (x.t ->> 5)::bigint AS best_sequence
    FROM event_cluster_state s CROSS JOIN LATERAL json_array_elements(s.tallies::json) AS x (t);
