-- An article's entities in one row. The extraction writer inserted ~38 entity rows per article
-- (bench ingest corpus), each a heap tuple, a primary-key entry and a foreign-key check against
-- articles: ~0.4 ms of Postgres time per article, ~10 % of all it spent storing one, for a table
-- the store only ever writes and deletes by article. They are now one row per article (an article
-- without entities has none), the list as JSON text: an array of [entity_type, text, name,
-- entity_id, country, sector, start_char, end_char] in ordinal order. Kept as text: Postgres never
-- looks into it on the write path.
CREATE TABLE article_entities (
    article_id TEXT COLLATE "C" PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    entities   TEXT NOT NULL
);

INSERT INTO article_entities (article_id, entities)
    SELECT article_id,
           json_agg(json_build_array(entity_type, text, name, entity_id, country, sector,
                                     start_char, end_char) ORDER BY ordinal)::text
    FROM entities
    GROUP BY article_id;

DROP TABLE entities;

-- The entities one row each, as the table they replace had them (ordinal from 0).
CREATE VIEW entities AS
    SELECT e.article_id, (x.ord - 1)::integer AS ordinal, x.t ->> 0 AS entity_type,
           x.t ->> 1 AS text, x.t ->> 2 AS name, x.t ->> 3 AS entity_id, x.t ->> 4 AS country,
           x.t ->> 5 AS sector, (x.t ->> 6)::integer AS start_char, (x.t ->> 7)::integer AS end_char
    FROM article_entities e
    CROSS JOIN LATERAL json_array_elements(e.entities::json) WITH ORDINALITY AS x (t, ord);
