-- An upper bound on the share of articles a search query matches, from the statistics of the
-- articles' search vectors (one row of pg_stats): the query is split into its alternatives (at
-- `|`), each counts as its rarest required lexeme (negated ones, `!'x'`, require nothing), and the
-- alternatives add up. The planner's own estimate multiplies the frequencies of the words of a
-- phrase or of a conjunction as if they were independent: for "Deir ez-Zor" it expected 56 articles
-- of the 31,048 that match. A lexeme missing from the most common ones counts at the lowest
-- frequency among them. Without statistics (a table never analysed), 0.
--
-- PL/pgSQL so that the statistics query, which has no parameters, is planned once per session
-- (planning the pg_stats view takes ~1.3 ms; a SQL function would plan it on every call).
CREATE FUNCTION marsad_article_share_bound(q tsquery) RETURNS float8
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
    lexemes text[];
    freqs real[];
    share float8;
BEGIN
    SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs
    INTO lexemes, freqs
    FROM pg_stats s
    WHERE s.schemaname = current_schema() AND s.tablename = 'articles' AND s.attname = 'search';
    IF lexemes IS NULL THEN
        RETURN 0;
    END IF;
    SELECT least(1.0, sum(coalesce(b.share, 1.0)))
    INTO share
    FROM (
        SELECT min(coalesce(freqs[array_position(lexemes, replace(m[2], '''''', ''''))],
                            freqs[array_length(lexemes, 1) + 1]))
                   FILTER (WHERE m[1] = '') AS share
        FROM regexp_split_to_table(q::text, '\|') WITH ORDINALITY AS br(branch, ord),
             regexp_matches(br.branch, '(!?)''((?:[^'']|'''')*)''', 'g') AS m
        GROUP BY br.ord
    ) b;
    RETURN coalesce(share, 0);
END
$$;
