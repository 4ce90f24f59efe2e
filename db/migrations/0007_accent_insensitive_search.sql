-- Full-text search that ignores accents, so "Przewodow" finds Przewodów and "Kosiniak Kamysz" finds
-- Kosiniak-Kamysz: names are typed without diacritics more often than with them. The English
-- configuration (stems: "warned" finds "warning") stays; the exact-word configuration becomes
-- accent-free and now also covers the summary, where most names are.
create extension if not exists unaccent;

create text search configuration timeline_words (copy = simple);
alter text search configuration timeline_words
    alter mapping for hword, hword_part, word with unaccent, simple;

alter table events drop column search;
alter table events add column search tsvector generated always as (
    setweight(to_tsvector('timeline_words', coalesce(title, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
    setweight(to_tsvector('english', coalesce(summary, '')), 'B') ||
    setweight(to_tsvector('timeline_words', coalesce(summary, '')), 'B') ||
    setweight(to_tsvector('timeline_words', coalesce(place_name, '')), 'C')
) stored;
create index events_search on events using gin (search);
