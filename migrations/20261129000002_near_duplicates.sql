-- Near-duplicate lookup: the 64-bit SimHash of each article split into four 16-bit bands. Two
-- articles within a few bits of each other share at least one band (pigeonhole for distance <= 3;
-- most of the larger distances in practice), so candidates come from an index scan, and the exact
-- Hamming distance is checked in the service.
CREATE TABLE article_simhash_bands (
    band        SMALLINT NOT NULL,
    value       INTEGER NOT NULL,
    article_id  TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (band, value, article_id)
);

CREATE INDEX articles_duplicate_of_idx ON articles (duplicate_of) WHERE duplicate_of IS NOT NULL;
