-- An ordered index of words: one row per word of each event, keyed (word, date, id). A search for
-- words that must all appear reads each word's rows in date order (index only) and merges them, so a
-- page costs about the rows of its words in the dates it covers, however rare or common the words:
-- a pair in 1 event of 200 at 1M events read 9,000 events' vectors by the walk of event_search, and
-- reads about 1,500 index entries here. event_search stays for what this cannot answer (phrases, OR,
-- NOT) and for counting.
-- About 33 words an event: 3.3M rows and 350 MB (table and index) at 100k events.
create table event_words (
    word        text not null,
    occurred_on date not null,
    id          bigint not null,
    published   boolean not null,
    primary key (word, occurred_on, id) include (published)
);

-- db/functions/event_search.sql keeps it in step with the events (the same trigger), and fills it.
