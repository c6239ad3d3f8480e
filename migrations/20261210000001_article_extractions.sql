-- When, and by which engine, each article was last extracted: a narrow table of its own instead of
-- two columns of `articles`.
--
-- Stamping the two columns was an UPDATE of the whole article row in every extraction write. An
-- article row is wide (title, body and search vector, ~1.5 KB in line), so three updates in four
-- found no room on their page and were not HOT. Each such update added a new entry to every index
-- of the table, the search GIN's hundreds of lexemes included. On `marsad bench ingest` (5,000
-- articles) only 26 % of those updates were HOT. Postgres CPU per article fell by ~0.15 ms once
-- the write only locked the rows.
--
-- The write now locks its articles (FOR NO KEY UPDATE, as the UPDATE did, so two writes of one
-- article still wait for each other) and upserts a row here. No path updates article rows any
-- more, so new pages of `articles` are filled whole again.
CREATE TABLE article_extractions (
    article_id     TEXT COLLATE "C" PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    extracted_at   TIMESTAMPTZ NOT NULL,
    engine_version TEXT NOT NULL
);

INSERT INTO article_extractions (article_id, extracted_at, engine_version)
    SELECT id, extracted_at, coalesce(engine_version, '')
    FROM articles
    WHERE extracted_at IS NOT NULL;

ALTER TABLE articles DROP COLUMN extracted_at, DROP COLUMN engine_version;
ALTER TABLE articles RESET (fillfactor);
