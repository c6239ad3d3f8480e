-- A search query is parsed three ways (arabic, english, simple); most words come out the same in
-- two or three of them, and an OR of copies made the planner count the word two or three times
-- over. The same query, each distinct form once.
DO $do$
DECLARE
    words TEXT[];
BEGIN
    SELECT array_agg(word ORDER BY word) INTO words FROM search_stopwords;
    EXECUTE format($f$
        CREATE OR REPLACE FUNCTION marsad_search_query(q TEXT) RETURNS tsquery
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $body$
            WITH kept AS (
                SELECT coalesce(string_agg(w, ' '), '') AS q
                FROM regexp_split_to_table(coalesce(q, ''), '\s+') AS w
                WHERE w <> '' AND NOT (trim(both '"' from w) = ANY (%L::text[]))
            ),
            forms AS (
                SELECT DISTINCT f::text AS f
                FROM kept, unnest(ARRAY[websearch_to_tsquery('arabic', kept.q),
                                        websearch_to_tsquery('english', kept.q),
                                        websearch_to_tsquery('simple', kept.q)]) AS f
                WHERE numnode(f) > 0
            )
            SELECT coalesce((SELECT string_agg('(' || f || ')', ' | ' ORDER BY f) FROM forms),
                            '')::tsquery
        $body$ $f$, words);
END
$do$;
