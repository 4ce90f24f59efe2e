-- Synthetic data for load tests and benchmarks: run by scripts/synthetic.sh on a fresh, migrated database.
--   psql -v events=100000 -v seed=42 -f scripts/synthetic.sql
-- Deterministic: every random choice is a hash of (row number, seed, purpose), not random(), so the same
-- size and seed give the same rows whatever the plan. Everything is marked: ids start with "synthetic-",
-- titles and names with "[synthetic]", every event has the tag "synthetic". No URL is invented: synthetic
-- sources have none. Places are real names with jittered coordinates; the events at them are not real.
\set ON_ERROR_STOP on
set synchronous_commit = off;
set maintenance_work_mem = '256MB';
set max_parallel_workers_per_gather = 0;

-- A uniform number in [0, 1) from a row number and a purpose ("salt"), under the chosen seed.
create function pg_temp.u(n bigint, salt int) returns double precision language sql immutable parallel safe as
$$ select (hashint8extended(n, current_setting('synthetic.seed')::bigint * 1000 + salt) & 2147483647)::double precision / 2147483648.0 $$;
select set_config('synthetic.seed', :'seed', false) as seed_set \gset

do $$ begin
    if exists (select 1 from events) then
        raise exception 'This database already holds events: synthetic data goes into a fresh database of its own.';
    end if;
end $$;

begin;

insert into actors (slug, name, type, country_code, description)
select 'synthetic-actor-' || lpad(i::text, 3, '0'),
       '[synthetic] Actor ' || lpad(i::text, 3, '0'),
       (array['person', 'person', 'state', 'organisation', 'alliance'])[1 + (i % 5)],
       (array['UA', 'RU', 'PL', 'LT', 'LV', 'EE', 'RO', 'DE', 'US', 'GB', 'FR', 'BY'])[1 + (i % 12)],
       'Generated for load tests; not a real actor.'
from generate_series(1, 200) i
order by i;

insert into sources (slug, outlet, title, language, published_on, note)
select 'synthetic-source-' || lpad(i::text, 6, '0'),
       '[synthetic] Outlet ' || lpad((1 + i % 25)::text, 2, '0'),
       '[synthetic] Report ' || i,
       (array['en', 'en', 'en', 'uk', 'ru', 'pl', 'de'])[1 + floor(pg_temp.u(i, 1) * 7)::int],
       date '2022-01-01' + floor(pg_temp.u(i, 2) * 1461)::int,
       'Generated for load tests; not a real source.'
from generate_series(1, greatest(100, :events / 20)) i
order by i;

-- Events in date order, as a real timeline mostly is (its rows arrive roughly in date order).
insert into events (slug, title, summary, kind, occurred_on, occurred_until, date_precision, approximate,
                    place_name, country_code, latitude, longitude, tags, escalation_level, escalation_rationale,
                    status, retraction_reason, retracted_at, retracted_by, created_at, updated_at)
with g as (
    select g,
           date '2022-01-01' + floor(pg_temp.u(g, 10) * 1461)::int as day,
           case when pg_temp.u(g, 11) < 0.85 then 'day' when pg_temp.u(g, 11) < 0.96 then 'month' else 'year' end as precision,
           (array['statement', 'statement', 'statement', 'incident', 'incident', 'diplomacy', 'diplomacy', 'military-aid',
                  'military-aid', 'policy', 'deployment', 'sanctions', 'military-operation'])[1 + floor(pg_temp.u(g, 12) * 13)::int] as kind,
           1 + floor(pg_temp.u(g, 13) * 17)::int as place,
           (array['drone', 'missile', 'warning', 'sanctions', 'talks', 'exercise', 'airspace', 'convoy', 'doctrine', 'ceasefire'])[1 + floor(pg_temp.u(g, 14) * 10)::int] as word,
           -- Levels skewed low: most events are rhetoric or posture, very few at the top of the ladder.
           floor(7.2 * power(pg_temp.u(g, 15), 3.5))::int as level
    from generate_series(1, :events) g
), d as (
    select g.*,
           case precision when 'day' then day when 'month' then date_trunc('month', day)::date else date_trunc('year', day)::date end as start_on,
           (array['Kyiv', 'Kharkiv', 'Odesa', 'Lviv', 'Przewodów', 'Rzeszów', 'Warsaw', 'Vilnius', 'Riga', 'Tallinn',
                  'Bucharest', 'Chișinău', 'Moscow', 'Kaliningrad', 'Minsk', 'Brussels', 'Helsinki'])[place] as place_name,
           (array['UA', 'UA', 'UA', 'UA', 'PL', 'PL', 'PL', 'LT', 'LV', 'EE', 'RO', 'MD', 'RU', 'RU', 'BY', 'BE', 'FI'])[place] as country,
           (array[50.45, 49.99, 46.48, 49.84, 50.47, 50.04, 52.23, 54.69, 56.95, 59.44, 44.43, 47.01, 55.76, 54.71, 53.90, 50.85, 60.17])[place] as lat,
           (array[30.52, 36.23, 30.72, 24.03, 23.93, 22.00, 21.01, 25.28, 24.11, 24.75, 26.10, 28.86, 37.62, 20.45, 27.56, 4.35, 24.94])[place] as lon
    from g
)
select 'synthetic-' || lpad(g::text, 7, '0'),
       '[synthetic] ' || initcap(replace(kind, '-', ' ')) || ' #' || g || ': ' || word || ' near ' || place_name,
       '[synthetic] A generated ' || kind || ' event about a ' || word || ' near ' || place_name ||
           ', made for load tests and benchmarks. It did not happen. The text is long enough to look like a real summary: ' ||
           'officials commented, analysts weighed the risk of escalation, and neighbouring states reviewed their air-defence posture.',
       kind,
       start_on,
       case when precision = 'day' and pg_temp.u(g, 20) < 0.06 then start_on + 1 + floor(pg_temp.u(g, 21) * 10)::int end,
       precision,
       pg_temp.u(g, 22) < 0.05,
       case when pg_temp.u(g, 23) < 0.7 then place_name end,
       case when pg_temp.u(g, 23) < 0.7 then country end,
       case when pg_temp.u(g, 23) < 0.4 then round((lat + (pg_temp.u(g, 24) - 0.5) * 0.4)::numeric, 4)::double precision end,
       case when pg_temp.u(g, 23) < 0.4 then round((lon + (pg_temp.u(g, 25) - 0.5) * 0.4)::numeric, 4)::double precision end,
       array['synthetic', (array['air-defence', 'drones', 'nuclear', 'sanctions', 'airspace', 'black-sea', 'baltic', 'energy', 'cyber', 'long-range-missiles'])[1 + floor(pg_temp.u(g, 26) * 10)::int]],
       level,
       '[synthetic] Level ' || level || ', chosen by the generator.',
       case when pg_temp.u(g, 27) < 0.01 then 'retracted' else 'published' end,
       case when pg_temp.u(g, 27) < 0.01 then '[synthetic] Retracted by the generator to exercise retraction notices.' end,
       case when pg_temp.u(g, 27) < 0.01 then (start_on + 30)::timestamptz end,
       case when pg_temp.u(g, 27) < 0.01 then 'synthetic' end,
       (start_on + 1)::timestamptz,
       (start_on + 1)::timestamptz + make_interval(secs => floor(pg_temp.u(g, 28) * 86400))
from d
order by start_on, g;

select min(id) as actor0 from actors where slug like 'synthetic-actor-%' \gset
select min(id) as source0, count(*) as sources from sources where slug like 'synthetic-source-%' \gset

-- 0–3 actors per event, with roles.
insert into event_actors (event_id, actor_id, role)
select distinct e.id, :actor0 + floor(pg_temp.u(e.id * 4 + k, 30) * 200)::bigint,
       (array['speaker', 'initiator', 'target', 'affected', 'mediator', 'participant'])[1 + floor(pg_temp.u(e.id * 4 + k, 31) * 6)::int]
from events e cross join generate_series(1, 3) k
where k <= floor(pg_temp.u(e.id, 32) * 4);

-- 1–2 sources per event.
insert into event_sources (event_id, source_id, position)
select distinct on (e.id, s) e.id, s, (k - 1)::smallint
from events e cross join generate_series(1, 2) k
cross join lateral (select :source0 + floor(pg_temp.u(e.id * 2 + k, 33) * :sources)::bigint as s) src
where k <= 1 + floor(pg_temp.u(e.id, 34) * 2)
order by e.id, s, k;

-- A quote on one event in five, by a synthetic actor: no real person's words are made up.
insert into quotes (event_id, position, speaker_id, text, language, source_id, said_on)
select e.id, 0, :actor0 + floor(pg_temp.u(e.id, 40) * 200)::bigint,
       '[synthetic] Generated quote ' || e.id || ': we are watching the situation closely, and we will respond.',
       'en', :source0 + floor(pg_temp.u(e.id, 41) * :sources)::bigint, e.occurred_on
from events e
where pg_temp.u(e.id, 42) < 0.2;

-- A claim on one event in ten, with a claimant and a source.
insert into claims (event_id, position, statement, status)
select e.id, 0, '[synthetic] Generated claim about event ' || e.id || '.',
       (array['alleged', 'disputed', 'confirmed', 'refuted'])[1 + floor(pg_temp.u(e.id, 50) * 4)::int]
from events e
where pg_temp.u(e.id, 51) < 0.1;

insert into claim_claimants (claim_id, actor_id)
select c.id, :actor0 + floor(pg_temp.u(c.id, 52) * 200)::bigint from claims c;

insert into claim_sources (claim_id, source_id)
select c.id, :source0 + floor(pg_temp.u(c.id, 53) * :sources)::bigint from claims c;

-- One event in twenty relates to the event before it.
insert into event_relations (from_event_id, to_event_id, type, note)
select e.id, e.id - 1, (array['responds-to', 'escalates', 'follows', 'same-thread', 'contradicts'])[1 + floor(pg_temp.u(e.id, 60) * 5)::int], null
from events e
where pg_temp.u(e.id, 61) < 0.05 and e.id > (select min(id) from events);

commit;

select set_config('synthetic.comment', format('synthetic events=%s seed=%s', :'events', :'seed'), false) as comment_set \gset
do $$ begin execute format('comment on database %I is %L', current_database(), current_setting('synthetic.comment')); end $$;

analyze;
select count(*) as events, (select count(*) from event_actors) as event_actors, (select count(*) from event_sources) as event_sources,
       (select count(*) from quotes) as quotes, (select count(*) from claims) as claims, (select count(*) from event_relations) as relations
from events;
