-- Full-text search reads event_search (migration 0010), one narrow row per event: its id, date, status
-- and words, and event_words (migration 0013), one row per word of each event in (word, date, id)
-- order. This file is the definition of those words; the migrator runs it again whenever it changes,
-- and the last statements then compute every row of both again with the new definition.

-- The words of an event: title, then summary, then place, as English stems of accent-free words.
create or replace function event_search_vector(title text, summary text, place text) returns tsvector
language sql stable parallel safe as $$
    select setweight(to_tsvector('timeline_english', coalesce(title, '')), 'A') ||
           setweight(to_tsvector('timeline_english', coalesce(summary, '')), 'B') ||
           setweight(to_tsvector('timeline_english', coalesce(place, '')), 'C')
$$;

-- Kept by the database: any change to the words, the date or the status of an event reaches its rows.
create or replace function event_search_row() returns trigger language plpgsql as $$
declare
    words tsvector := event_search_vector(new.title, new.summary, new.place_name);
begin
    -- The event's former words go first, found by their key from its former row (no index on id needed).
    delete from event_words w using event_search s
    where s.id = new.id and w.word = any (tsvector_to_array(s.search)) and w.occurred_on = s.occurred_on and w.id = s.id;
    insert into event_search (id, occurred_on, published, search)
    values (new.id, new.occurred_on, new.status = 'published', words)
    on conflict (id) do update set occurred_on = excluded.occurred_on, published = excluded.published, search = excluded.search;
    insert into event_words (word, occurred_on, id, published)
    select word, new.occurred_on, new.id, new.status = 'published' from unnest(tsvector_to_array(words)) word;
    return null;
end $$;

create or replace trigger events_search after insert or update of title, summary, place_name, occurred_on, status on events
    for each row execute function event_search_row();

insert into event_search (id, occurred_on, published, search)
select id, occurred_on, status = 'published', event_search_vector(title, summary, place_name) from events
on conflict (id) do update set occurred_on = excluded.occurred_on, published = excluded.published, search = excluded.search;

-- In key order, so the index grows at its end.
truncate event_words;
insert into event_words (word, occurred_on, id, published)
select word, s.occurred_on, s.id, s.published from event_search s, unnest(tsvector_to_array(s.search)) word
order by word, s.occurred_on, s.id;
