-- Incremental cluster refresh. A cluster's stored values (majority date, day, place, modality;
-- representative; actors, countries, sources) were recomputed from every mention of every cluster
-- a write touched, re-reading a dozen wide event rows per cluster (more as clusters grow) while the
-- event-write lock was held. They are now derived from per-cluster vote tallies: one narrow row per
-- (cluster, attribute, value) with the number of mentions voting for it, their summed confidence
-- and the most confident of them (then the earliest). A new mention adds to its cluster's tallies;
-- a cluster that loses mentions (re-extraction) has its tallies rebuilt from its events.
-- Confidences are summed as exact decimals (numeric of the real), so that a tie between two values
-- is a tie whatever order the mentions came in (the float4 running sum it replaces could round two
-- equal sums apart, and differently depending on row order).

-- What one mention votes for; `attr` numbers the attribute:
--   0 the cluster itself (value ''), 1 kind, 2 date ('YYYY-MM-DD|precision'), 3 clustering day,
--   4 place key (gazetteer id, else place name), 5 modality, 6 actor id, 7 country,
--   8 source key (the source, else the article it duplicates, else the article), 9 source.
CREATE VIEW event_cluster_votes AS
    SELECT e.cluster_id, e.article_id, v.attr, v.value, e.confidence, e.sequence
    FROM events e
    JOIN articles a ON a.id = e.article_id
    CROSS JOIN LATERAL (VALUES
        (0::smallint, ''::text),
        (1::smallint, e.kind),
        (2::smallint, to_char(e.event_date, 'YYYY-MM-DD') || '|' || coalesce(e.date_precision, '')),
        (3::smallint, to_char(e.cluster_day, 'YYYY-MM-DD')),
        (4::smallint, coalesce(e.place_gazetteer_id, e.place_name)),
        (5::smallint, e.modality),
        (8::smallint, coalesce(nullif(a.source, ''), 'article:' || coalesce(a.duplicate_of, a.id))),
        (9::smallint, nullif(a.source, ''))
    ) AS v (attr, value)
    WHERE e.cluster_id IS NOT NULL AND v.value IS NOT NULL
    UNION ALL
    SELECT e.cluster_id, e.article_id, 6::smallint, x.value, e.confidence, e.sequence
    FROM events e CROSS JOIN LATERAL unnest(e.actor_ids) AS x (value)
    WHERE e.cluster_id IS NOT NULL
    UNION ALL
    SELECT e.cluster_id, e.article_id, 7::smallint, x.value, e.confidence, e.sequence
    FROM events e CROSS JOIN LATERAL unnest(e.countries) AS x (value)
    WHERE e.cluster_id IS NOT NULL;

CREATE TABLE event_cluster_tallies (
    cluster_id      TEXT NOT NULL,
    attr            SMALLINT NOT NULL,
    value           TEXT NOT NULL,
    mentions        INTEGER NOT NULL,
    confidence_sum  NUMERIC NOT NULL,
    -- The most confident mention voting for the value, then the earliest.
    best_confidence REAL NOT NULL,
    best_sequence   BIGINT NOT NULL,
    PRIMARY KEY (cluster_id, attr, value)
) WITH (fillfactor = 80);

INSERT INTO event_cluster_tallies
    SELECT cluster_id, attr, value, count(*), sum(confidence::numeric), max(confidence),
           (array_agg(sequence ORDER BY confidence DESC, sequence))[1]
    FROM event_cluster_votes
    GROUP BY cluster_id, attr, value;
