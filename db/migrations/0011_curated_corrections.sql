-- Corrections to the curated data set reach running databases, and old links keep working.

-- Ids events had before a rename (a corrected date in the id): GET /v1/events/{old} answers
-- 301 Moved Permanently to the current id, so a link in an article never breaks.
create table event_aliases (
    slug       text primary key check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 100),
    event_id   bigint not null references events (id),
    created_at timestamptz not null default now()
);
create index event_aliases_event on event_aliases (event_id);

-- A hash of the curated file's entry (with the sources it cites) the event was last loaded or
-- corrected from: the loader compares it with the file to see what the file changed.
alter table events add column curated_hash text;

-- A correction in the curated file that was not applied because an editor had changed the event
-- through the API: the editor's work is not overwritten; a person decides. Cleared once resolved.
create table curated_conflicts (
    event_id     bigint primary key references events (id),
    curated_hash text not null,
    file_reason  text,
    detected_at  timestamptz not null default now()
);
