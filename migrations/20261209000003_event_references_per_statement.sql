-- An event's article and place are checked once per statement instead of once per row. As foreign
-- keys, each event row ran two lookups of its own (its article, locked FOR KEY SHARE; its place),
-- ~6.5 µs of Postgres CPU a row on a COPY of 53,188 real event rows (~37 µs a row against ~30
-- without the keys), most of it inside the event-write lock. The same rules, checked per statement
-- on the distinct keys of its rows: ~1.5 µs a row.
--
-- What the foreign keys did, and what does it now:
-- * inserting or updating an event whose article or place does not exist fails with SQLSTATE
--   23503 (foreign_key_violation), and the articles and places it names are locked FOR KEY SHARE
--   until the transaction ends: `marsad_check_event_references`, after each statement;
-- * deleting an article deletes its events (ON DELETE CASCADE): `marsad_delete_article_events`;
-- * changing the id of an article, or deleting or renaming a place, that events name fails with
--   23503: `marsad_refuse_referenced_key`.
ALTER TABLE events
    DROP CONSTRAINT events_article_id_fkey,
    DROP CONSTRAINT events_place_gazetteer_id_fkey;

CREATE FUNCTION marsad_check_event_references() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing TEXT;
BEGIN
    PERFORM 1 FROM articles a
    WHERE a.id IN (SELECT DISTINCT n.article_id FROM new_events n)
    ORDER BY a.id
    FOR KEY SHARE;
    SELECT d.id INTO missing
    FROM (SELECT DISTINCT n.article_id AS id FROM new_events n) d
    WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = d.id)
    LIMIT 1;
    IF FOUND THEN
        RAISE foreign_key_violation USING
            MESSAGE = 'insert or update on table "events" violates foreign key constraint "events_article_id_fkey"',
            DETAIL = format('Key (article_id)=(%s) is not present in table "articles".', missing);
    END IF;
    PERFORM 1 FROM places p
    WHERE p.gazetteer_id IN (SELECT DISTINCT n.place_gazetteer_id FROM new_events n)
    ORDER BY p.gazetteer_id
    FOR KEY SHARE;
    SELECT d.id INTO missing
    FROM (SELECT DISTINCT n.place_gazetteer_id AS id FROM new_events n
          WHERE n.place_gazetteer_id IS NOT NULL) d
    WHERE NOT EXISTS (SELECT 1 FROM places p WHERE p.gazetteer_id = d.id)
    LIMIT 1;
    IF FOUND THEN
        RAISE foreign_key_violation USING
            MESSAGE = 'insert or update on table "events" violates foreign key constraint "events_place_gazetteer_id_fkey"',
            DETAIL = format('Key (place_gazetteer_id)=(%s) is not present in table "places".', missing);
    END IF;
    RETURN NULL;
END
$$;

-- A trigger with a transition table serves one event kind.
CREATE TRIGGER events_references_on_insert AFTER INSERT ON events
    REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION marsad_check_event_references();
CREATE TRIGGER events_references_on_update AFTER UPDATE ON events
    REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION marsad_check_event_references();

CREATE FUNCTION marsad_delete_article_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM events e USING old_articles o WHERE e.article_id = o.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER articles_delete_events AFTER DELETE ON articles
    REFERENCING OLD TABLE AS old_articles
    FOR EACH STATEMENT EXECUTE FUNCTION marsad_delete_article_events();

-- TG_ARGV[0]: the events column that names the row; TG_ARGV[1]: the row's key column.
CREATE FUNCTION marsad_refuse_referenced_key() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    key TEXT := to_jsonb(OLD) ->> TG_ARGV[1];
    referenced BOOLEAN;
BEGIN
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM events WHERE %I = $1)', TG_ARGV[0])
        INTO referenced USING key;
    IF referenced THEN
        RAISE foreign_key_violation USING
            MESSAGE = format('update or delete on table "%s" violates a foreign key of table "events"', TG_TABLE_NAME),
            DETAIL = format('Key (%s)=(%s) is still referenced from table "events".', TG_ARGV[1], key);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER articles_id_referenced AFTER UPDATE OF id ON articles
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
    EXECUTE FUNCTION marsad_refuse_referenced_key('article_id', 'id');
CREATE TRIGGER places_referenced AFTER DELETE ON places
    FOR EACH ROW EXECUTE FUNCTION marsad_refuse_referenced_key('place_gazetteer_id', 'gazetteer_id');
CREATE TRIGGER places_id_referenced AFTER UPDATE OF gazetteer_id ON places
    FOR EACH ROW WHEN (OLD.gazetteer_id IS DISTINCT FROM NEW.gazetteer_id)
    EXECUTE FUNCTION marsad_refuse_referenced_key('place_gazetteer_id', 'gazetteer_id');
