-- Reads send stored bytes. Each event's public JSON (its list item and its full document) is rendered
-- by the app's one renderer (src/Timeline.Api/Events/EventRenderer.cs) inside the transaction of every
-- change that touches it, and stored here; lists, the detail and the exports send it as it is. Building
-- it in SQL on every read (event_summary(), the event_documents view) cost 1.6 ms per page of 50 and
-- 2.9 ms per event under load; reading a stored text costs microseconds.
alter table events add column item_json text, add column document_json text;
-- lz4 (not the default pglz): a document is read on every detail request and every exported row, and
-- lz4 decompresses several times faster.
alter table events alter column item_json set compression lz4, alter column document_json set compression lz4;
-- Rows written by bulk SQL (scripts/synthetic.sql) have no JSON yet; the app renders them at start-up.
create index events_unrendered on events (id) where document_json is null;

-- Which renderer version the stored JSON comes from. When the app's renderer is newer (its JSON shape
-- changed), start-up renders every event again. A migration that changes what documents show (a level's
-- name) sets it to 0 for the same effect.
create table rendered_json (
    singleton        boolean primary key default true check (singleton),
    renderer_version integer not null
);
insert into rendered_json values (true, 0);

-- The full-text vector was a generated column, which PostgreSQL recomputes on every UPDATE of the row,
-- storing rendered JSON included. A trigger recomputes it only when the words change.
alter table events drop column search;
alter table events add column search tsvector;
create function events_search_vector() returns trigger language plpgsql as $$
begin
    new.search :=
        setweight(to_tsvector('timeline_words', coalesce(new.title, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(new.title, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(new.summary, '')), 'B') ||
        setweight(to_tsvector('timeline_words', coalesce(new.summary, '')), 'B') ||
        setweight(to_tsvector('timeline_words', coalesce(new.place_name, '')), 'C');
    return new;
end $$;
create trigger events_search before insert or update of title, summary, place_name on events
    for each row execute function events_search_vector();
update events set title = title;
create index events_search on events using gin (search);

-- Journalists need to know when a link was last seen working, and whether quoted words are a translation.
alter table sources add column url_checked_on date;
alter table quotes add column original_language text check (original_language ~ '^[a-z]{2}$');

-- A revision keeps the document exactly as it was served (json keeps the text; jsonb would reorder keys).
alter table revisions alter column snapshot type json using snapshot::json;

-- The SQL definitions of the JSON are replaced by the app's renderer: one definition, not two.
drop function event_document(events);
drop view event_documents;
drop function event_summary(events);
