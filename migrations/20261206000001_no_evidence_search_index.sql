-- A text search reads the events of the articles with the query's required words (an event's
-- evidence is a span of its article), and checks an event's own search vector only for queries
-- that exclude words, among those events. Nothing searches the evidence index any more; each
-- event written paid a GIN insert for it.
DROP INDEX IF EXISTS events_search_idx;
