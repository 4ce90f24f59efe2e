-- Full-text search reads event_search (migration 0010), one narrow row per event: its id, date, status
-- and words. This file is the definition of those words; the migrator runs it again whenever it
-- changes, and the last statement then computes every row again with the new definition.

-- The words of an event: title, then summary, then place, as English stems of accent-free words.
create or replace function event_search_vector(title text, summary text, place text) returns tsvector
language sql stable parallel safe as $$
    select setweight(to_tsvector('timeline_english', coalesce(title, '')), 'A') ||
           setweight(to_tsvector('timeline_english', coalesce(summary, '')), 'B') ||
           setweight(to_tsvector('timeline_english', coalesce(place, '')), 'C')
$$;

-- Kept by the database: any change to the words, the date or the status of an event reaches its row.
create or replace function event_search_row() returns trigger language plpgsql as $$
begin
    insert into event_search (id, occurred_on, published, search)
    values (new.id, new.occurred_on, new.status = 'published', event_search_vector(new.title, new.summary, new.place_name))
    on conflict (id) do update set occurred_on = excluded.occurred_on, published = excluded.published, search = excluded.search;
    return null;
end $$;

create or replace trigger events_search after insert or update of title, summary, place_name, occurred_on, status on events
    for each row execute function event_search_row();

insert into event_search (id, occurred_on, published, search)
select id, occurred_on, status = 'published', event_search_vector(title, summary, place_name) from events
on conflict (id) do update set occurred_on = excluded.occurred_on, published = excluded.published, search = excluded.search;
