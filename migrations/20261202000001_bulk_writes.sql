-- Faster writes. Lists travel packed into one text per row so that a batch of events is one
-- UNNEST statement (arrays of arrays cannot be bound), and search vectors are built with the text
-- search configuration of the article's language only: on Arabic text the `english` and `simple`
-- configurations give the words as written, on English text `arabic` gives them lowercased, so the
-- other two added nothing a query (which is still parsed all three ways) needs, and cost two thirds
-- of the time Postgres spent storing an article. Text in other languages keeps all three.

CREATE FUNCTION marsad_unpack(packed TEXT) RETURNS TEXT[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(string_to_array(nullif(packed, ''), chr(31)), '{}')
$$;

DO $do$
DECLARE
    lexemes TEXT[];
BEGIN
    SELECT array_agg(DISTINCT lexeme ORDER BY lexeme) INTO lexemes FROM (
        SELECT word AS lexeme FROM search_stopwords
        UNION SELECT unnest(tsvector_to_array(to_tsvector('arabic', word))) FROM search_stopwords
        UNION SELECT unnest(tsvector_to_array(to_tsvector('simple', word))) FROM search_stopwords
    ) s;
    EXECUTE format($f$
        CREATE FUNCTION marsad_search_vector(lang TEXT, doc TEXT) RETURNS tsvector
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $body$
            SELECT CASE lang
                WHEN 'ar' THEN ts_delete(to_tsvector('arabic', left(coalesce(doc, ''), 100000)), %1$L::text[])
                WHEN 'en' THEN ts_delete(to_tsvector('english', left(coalesce(doc, ''), 100000)), %1$L::text[])
                ELSE marsad_search_vector(doc)
            END
        $body$ $f$, lexemes);
END
$do$;

ALTER TABLE articles DROP COLUMN search;
ALTER TABLE articles
    ADD COLUMN search tsvector
        GENERATED ALWAYS AS (marsad_search_vector(lang, coalesce(title, '') || ' ' || body)) STORED;
CREATE INDEX articles_search_idx ON articles USING GIN (search);

-- The article's language, for the event's search vector.
ALTER TABLE events ADD COLUMN lang TEXT;
UPDATE events e SET lang = a.lang FROM articles a WHERE a.id = e.article_id;
ALTER TABLE events DROP COLUMN search;
ALTER TABLE events
    ADD COLUMN search tsvector GENERATED ALWAYS AS (marsad_search_vector(lang, evidence_text)) STORED;
CREATE INDEX events_search_idx ON events USING GIN (search);

-- New mentions are matched against clusters (one row each, however many mentions) rather than
-- against every mention: the day a cluster is compared on (its majority date and precision, else
-- its mentions' majority publication day).
ALTER TABLE event_clusters
    ADD COLUMN match_day DATE,
    ADD COLUMN match_precision TEXT;
UPDATE event_clusters c SET
    match_day = coalesce(c.event_date,
        (SELECT min(e.cluster_day) FROM events e WHERE e.cluster_id = c.id)),
    match_precision = CASE WHEN c.event_date IS NOT NULL THEN c.date_precision END;
CREATE INDEX event_clusters_match_idx ON event_clusters (kind, match_day);
CREATE INDEX event_clusters_match_coarse_idx ON event_clusters (kind, match_day)
    WHERE match_precision IN ('week', 'month', 'year');

-- An event's actors live in the event row (JSON, in the order the engine gave them): one row per
-- event instead of one per actor, and a page of events is read with one statement. The arrays
-- `actor_ids` and `actor_roles` still serve the filters.
ALTER TABLE events ADD COLUMN actors JSONB NOT NULL DEFAULT '[]';
UPDATE events e SET actors = a.actors
FROM (
    SELECT event_sequence, jsonb_agg(jsonb_build_object(
        'text', text, 'name', name, 'id', actor_id, 'country', country, 'sector', sector,
        'role', role, 'start', start_char, 'end', end_char) ORDER BY ordinal) AS actors
    FROM event_actors GROUP BY event_sequence
) a
WHERE a.event_sequence = e.sequence;
DROP TABLE event_actors;

-- Indexes no query uses any more: clustering reads event_clusters; (article_id, id) is unique
-- already; a sector or a role alone selects too much for an index to help, and a role with actors
-- goes through the actor_ids index.
DROP INDEX events_cluster_day_idx;
DROP INDEX events_cluster_coarse_idx;
DROP INDEX events_article_idx;
DROP INDEX events_sectors_idx;
DROP INDEX events_actor_roles_idx;

-- Cluster rows are rewritten whenever a mention joins; room on each page keeps those updates HOT.
ALTER TABLE event_clusters SET (fillfactor = 70);
