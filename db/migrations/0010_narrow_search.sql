-- Full-text search on a narrow table of its own, with one text search configuration.
-- Searching in date order walks the date index and tests each row's words until a page is full (common
-- words), or takes the rows the text index finds and sorts them (rare words). On the events table each
-- row tested was a 3 KB row whose 1 KB vector (title and summary, twice: English stems and exact
-- accent-free words) had to be decompressed: about 6 µs a row. Here a row is the id, the date, the
-- status and a half-size vector: about 0.7 µs. And one query per search lets the planner count matches
-- right (two ORed queries that read a word the same way were counted twice), so it picks the right path.

-- English stems of accent-free words: "warned" finds "warning", "Przewodow" finds Przewodów, and a
-- name the stemmer alters is altered the same way in the text and in the query.
create text search configuration timeline_english (copy = english);
alter text search configuration timeline_english
    alter mapping for hword, hword_part, word with unaccent, english_stem;

-- The vector on the events table goes (with its index and the trigger that kept it).
drop trigger events_search on events;
drop function events_search_vector();
alter table events drop column search;

create table event_search (
    id          bigint primary key references events (id),
    occurred_on date not null,
    published   boolean not null,
    search      tsvector not null
);
-- Not a covering index with the words: a btree entry is limited to 2.7 kB, and a 5,000-character
-- summary's vector can be larger.
create index event_search_published on event_search (occurred_on, id) where published;
create index event_search_all on event_search (occurred_on, id);
create index event_search_words on event_search using gin (search);

-- db/functions/event_search.sql keeps the table in step with the events (a trigger), and fills it.
