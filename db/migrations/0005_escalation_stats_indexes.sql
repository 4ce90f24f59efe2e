-- The escalation curve (/v1/stats/escalation) reads only the date, kind and level of published events,
-- plus the columns of the common filters (country, and id for the actor filter). Covering partial
-- indexes let it answer from the index alone (an index-only scan) instead of reading the whole table:
-- at 1M events a month curve went from about 0.8 s to 0.3 s, a kind filter from 0.7 s to 0.14 s.
create index events_stats on events (occurred_on, kind) include (escalation_level, country_code, id) where status = 'published';
create index events_stats_kind on events (kind, occurred_on) include (escalation_level, country_code, id) where status = 'published';
