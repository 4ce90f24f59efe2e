-- Core schema: events with their actors, sources, quotes, claims and relations, the two
-- vocabularies (kinds, escalation ladder) and the append-only revision history.

create table escalation_levels (
    level       smallint primary key check (level between 0 and 7),
    name        text not null unique,
    description text not null,
    examples    text not null
);

insert into escalation_levels (level, name, description, examples) values
    (0, 'De-escalation', 'Steps that lower tension or open a path to settlement.', 'talks, ceasefire or guarantee proposals, prisoner exchanges'),
    (1, 'Rhetoric', 'Words that raise tension without changing forces on the ground.', 'warnings, accusations, "red line" statements'),
    (2, 'Posture', 'Changes to doctrine, deployments or economic pressure short of new capability.', 'doctrine changes, deployments near borders, exercises, sanctions'),
    (3, 'Capability', 'Decisions that give a party new reach or striking power.', 'weapons transfers that extend reach (long-range missiles, jets)'),
    (4, 'Spill-over', 'The war physically reaches NATO territory or airspace without casualties.', 'munitions or drones landing on NATO territory, airspace violations'),
    (5, 'Spill-over with casualties', 'The war kills people or causes damage on NATO territory.', 'deaths or damage on NATO territory'),
    (6, 'Direct clash', 'Armed engagement between the forces of NATO members and Russia.', 'armed engagement between NATO members'' and Russian forces'),
    (7, 'Nuclear use', 'Any use of a nuclear weapon.', 'detonation of a nuclear weapon');

create table kinds (
    code        text primary key check (code ~ '^[a-z]+(-[a-z]+)*$'),
    name        text not null,
    description text not null
);

insert into kinds (code, name, description) values
    ('incident', 'Incident', 'Something that happened on the ground, at sea or in the air: a strike, a crash, an airspace violation.'),
    ('statement', 'Statement', 'An official warning, accusation or declaration by a government, alliance or leader.'),
    ('policy', 'Policy', 'A formal change of doctrine, law or standing policy.'),
    ('military-aid', 'Military aid', 'A decision to supply, allow or restrict weapons and military support.'),
    ('diplomacy', 'Diplomacy', 'Talks, summits, proposals and agreements.'),
    ('deployment', 'Deployment', 'Forces or weapons moved, stationed or put on alert.'),
    ('sanctions', 'Sanctions', 'Economic or political restrictive measures.'),
    ('military-operation', 'Military operation', 'A campaign or major operation by armed forces.');

create table actors (
    id           bigint generated always as identity primary key,
    slug         text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 100),
    name         text not null check (length(btrim(name)) between 1 and 200),
    type         text not null check (type in ('person', 'state', 'organisation', 'alliance')),
    country_code text check (country_code ~ '^[A-Z]{2}$'),
    wikidata_qid text check (wikidata_qid ~ '^Q[1-9][0-9]*$'),
    description  text,
    version      integer not null default 1,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now()
);

create table events (
    id                   bigint generated always as identity primary key,
    slug                 text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 100),
    title                text not null check (length(btrim(title)) between 1 and 300),
    summary              text not null check (length(btrim(summary)) between 1 and 5000),
    kind                 text not null references kinds (code),
    occurred_on          date not null,
    occurred_until       date,
    date_precision       text not null check (date_precision in ('day', 'month', 'year')),
    approximate          boolean not null default false,
    date_note            text,
    place_name           text,
    country_code         text check (country_code ~ '^[A-Z]{2}$'),
    latitude             double precision check (latitude between -90 and 90),
    longitude            double precision check (longitude between -180 and 180),
    tags                 text[] not null default '{}',
    escalation_level     smallint not null references escalation_levels (level),
    escalation_rationale text not null,
    status               text not null default 'published' check (status in ('published', 'retracted')),
    retraction_reason    text,
    retracted_at         timestamptz,
    retracted_by         text,
    wikidata_qid         text check (wikidata_qid ~ '^Q[1-9][0-9]*$'),
    version              integer not null default 1 check (version >= 1),
    created_at           timestamptz not null default now(),
    updated_at           timestamptz not null default now(),
    search               tsvector generated always as (
        setweight(to_tsvector('simple', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(title, '')), 'A') ||
        setweight(to_tsvector('english', coalesce(summary, '')), 'B') ||
        setweight(to_tsvector('simple', coalesce(place_name, '')), 'C')
    ) stored,
    check (occurred_until is null or occurred_until >= occurred_on),
    check (date_precision <> 'month' or extract(day from occurred_on) = 1),
    check (date_precision <> 'year' or (extract(day from occurred_on) = 1 and extract(month from occurred_on) = 1)),
    check ((latitude is null) = (longitude is null)),
    check (status = 'published' or (retraction_reason is not null and retracted_at is not null and retracted_by is not null)),
    check (array_position(tags, null) is null)
);

-- The keyset sort of every list and export, in both directions.
create index events_occurred_on_id on events (occurred_on, id);
create index events_kind_occurred_on on events (kind, occurred_on, id);
create index events_country_occurred_on on events (country_code, occurred_on, id);
create index events_level_occurred_on on events (escalation_level, occurred_on, id);
create index events_updated_at on events (updated_at, id);
create index events_tags on events using gin (tags);
create index events_search on events using gin (search);

create table event_actors (
    event_id bigint not null references events (id),
    actor_id bigint not null references actors (id),
    role     text not null check (role in ('speaker', 'initiator', 'target', 'affected', 'mediator', 'participant')),
    primary key (event_id, actor_id, role)
);
-- "Events of this actor" filter and the actor page.
create index event_actors_actor on event_actors (actor_id, event_id);

create table sources (
    id                   bigint generated always as identity primary key,
    slug                 text not null unique check (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' and length(slug) <= 100),
    outlet               text,
    title                text not null check (length(btrim(title)) between 1 and 500),
    title_is_descriptive boolean not null default false,
    author               text,
    language             text not null check (language ~ '^[a-z]{2}$'),
    published_on         date,
    url                  text check (url ~ '^https?://'),
    seed                 text,
    note                 text
);

create table event_sources (
    event_id  bigint not null references events (id),
    source_id bigint not null references sources (id),
    position  smallint not null default 0,
    primary key (event_id, source_id)
);
create index event_sources_source on event_sources (source_id);

create table quotes (
    id          bigint generated always as identity primary key,
    event_id    bigint not null references events (id),
    position    smallint not null default 0,
    speaker_id  bigint not null references actors (id),
    text        text not null check (length(btrim(text)) > 0),
    language    text not null check (language ~ '^[a-z]{2}$'),
    translation text,
    source_id   bigint references sources (id),
    said_on     date
);
create index quotes_event on quotes (event_id, position);
create index quotes_speaker on quotes (speaker_id);

create table claims (
    id        bigint generated always as identity primary key,
    event_id  bigint not null references events (id),
    position  smallint not null default 0,
    statement text not null check (length(btrim(statement)) > 0),
    status    text not null check (status in ('alleged', 'disputed', 'confirmed', 'refuted'))
);
create index claims_event on claims (event_id, position);

create table claim_claimants (
    claim_id bigint not null references claims (id),
    actor_id bigint not null references actors (id),
    primary key (claim_id, actor_id)
);

create table claim_sources (
    claim_id  bigint not null references claims (id),
    source_id bigint not null references sources (id),
    primary key (claim_id, source_id)
);

create table event_relations (
    from_event_id bigint not null references events (id),
    to_event_id   bigint not null references events (id),
    type          text not null check (type in ('responds-to', 'escalates', 'follows', 'same-thread', 'contradicts')),
    note          text,
    primary key (from_event_id, to_event_id, type),
    check (from_event_id <> to_event_id)
);
create index event_relations_to on event_relations (to_event_id);

-- Every change to an event, append-only: who, when, why and the full document as it then was.
create table revisions (
    id         bigint generated always as identity primary key,
    event_id   bigint not null references events (id),
    version    integer not null,
    action     text not null check (action in ('created', 'revised', 'retracted')),
    changed_at timestamptz not null default now(),
    changed_by text not null,
    reason     text,
    snapshot   jsonb not null,
    unique (event_id, version)
);

create function revisions_are_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'revisions are append-only';
end $$;

create trigger revisions_append_only before update or delete on revisions
    for each row execute function revisions_are_append_only();

-- One number that changes with every write: it stamps ETags and Last-Modified of lists and exports.
create table dataset_version (
    singleton  boolean primary key default true check (singleton),
    version    bigint not null,
    changed_at timestamptz not null
);
insert into dataset_version values (true, 1, now());

create function bump_dataset_version() returns trigger language plpgsql as $$
begin
    update dataset_version set version = version + 1, changed_at = now();
    return null;
end $$;

create trigger events_bump after insert or update or delete on events for each statement execute function bump_dataset_version();
create trigger actors_bump after insert or update or delete on actors for each statement execute function bump_dataset_version();
create trigger event_actors_bump after insert or update or delete on event_actors for each statement execute function bump_dataset_version();
create trigger sources_bump after insert or update or delete on sources for each statement execute function bump_dataset_version();
create trigger event_sources_bump after insert or update or delete on event_sources for each statement execute function bump_dataset_version();
create trigger quotes_bump after insert or update or delete on quotes for each statement execute function bump_dataset_version();
create trigger claims_bump after insert or update or delete on claims for each statement execute function bump_dataset_version();
create trigger event_relations_bump after insert or update or delete on event_relations for each statement execute function bump_dataset_version();
