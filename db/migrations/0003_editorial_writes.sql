-- Editorial writes: the API keys editors sign their changes with, the idempotency records that make
-- POST safe to retry, and the append-only history of actors (events keep theirs in `revisions`).

-- Only a SHA-256 hash of each key is kept: the key itself is shown once, when it is created.
create table api_keys (
    id         bigint generated always as identity primary key,
    name       text not null check (name ~ '^[a-z0-9]+([._-][a-z0-9]+)*$' and length(name) <= 64),
    role       text not null check (role in ('editor', 'admin')),
    key_hash   bytea not null unique check (length(key_hash) = 32),
    key_prefix text not null,
    created_at timestamptz not null default now(),
    revoked_at timestamptz
);
-- A name signs revisions, so at most one live key carries it; a revoked key's name may be reused.
create unique index api_keys_live_name on api_keys (name) where revoked_at is null;

-- One row per (API key, Idempotency-Key): in progress while completed_at is null, then the stored
-- response that a replay returns. Rows older than the retention (24 hours) are purged by later requests.
create table idempotency_records (
    api_key_id    bigint not null references api_keys (id),
    key           text not null check (length(key) between 1 and 255),
    request_hash  bytea not null,
    status_code   integer,
    content_type  text,
    location      text,
    etag          text,
    body          text,
    created_at    timestamptz not null default now(),
    completed_at  timestamptz,
    primary key (api_key_id, key),
    check ((completed_at is null) = (status_code is null))
);
create index idempotency_records_created_at on idempotency_records (created_at);

-- Every change to an actor, append-only, like the event revisions.
create table actor_revisions (
    id         bigint generated always as identity primary key,
    actor_id   bigint not null references actors (id),
    version    integer not null,
    action     text not null check (action in ('created', 'revised')),
    changed_at timestamptz not null default now(),
    changed_by text not null,
    reason     text,
    snapshot   jsonb not null,
    unique (actor_id, version)
);

create trigger actor_revisions_append_only before update or delete on actor_revisions
    for each row execute function revisions_are_append_only();

-- The change feed reads revisions in id order; the feed's timestamp form starts from changed_at.
create index revisions_changed_at on revisions (changed_at, id);
