-- The public JSON shapes of an event, built where the data lives: one definition serves the
-- single-event endpoint, every export and the snapshot kept in each revision, so they cannot drift.

-- The list item: the event itself, without its linked records.
create function event_summary(e events) returns jsonb language sql stable as $$
    select jsonb_build_object(
        'id', e.slug,
        'title', e.title,
        'summary', e.summary,
        'kind', e.kind,
        'date', jsonb_build_object(
            'start', e.occurred_on,
            'end', e.occurred_until,
            'precision', e.date_precision,
            'approximate', e.approximate,
            'note', e.date_note),
        'location', case when e.place_name is null and e.country_code is null and e.latitude is null then null
                    else jsonb_build_object('place', e.place_name, 'country', e.country_code,
                                            'lat', e.latitude, 'lon', e.longitude) end,
        'tags', to_jsonb(e.tags),
        'escalation', jsonb_build_object(
            'level', e.escalation_level,
            'name', (select l.name from escalation_levels l where l.level = e.escalation_level),
            'rationale', e.escalation_rationale),
        'status', e.status,
        'retraction', case when e.status = 'retracted' then jsonb_build_object(
            'reason', e.retraction_reason, 'retractedAt', e.retracted_at, 'retractedBy', e.retracted_by) end,
        'wikidataQid', e.wikidata_qid,
        'version', e.version,
        'createdAt', e.created_at,
        'updatedAt', e.updated_at)
$$;

-- The full event: the list item plus actors with roles, sources, quotes, claims and relations.
create function event_document(e events) returns jsonb language sql stable as $$
    select event_summary(e) || jsonb_build_object(
        'actors', coalesce((
            select jsonb_agg(jsonb_build_object(
                       'id', a.slug, 'name', a.name, 'type', a.type, 'country', a.country_code, 'role', ea.role)
                   order by a.name, ea.role)
            from event_actors ea join actors a on a.id = ea.actor_id
            where ea.event_id = e.id), '[]'::jsonb),
        'sources', coalesce((
            select jsonb_agg(jsonb_build_object(
                       'id', s.slug, 'outlet', s.outlet, 'title', s.title,
                       'titleIsDescriptive', s.title_is_descriptive, 'author', s.author,
                       'language', s.language, 'publishedOn', s.published_on, 'url', s.url)
                   order by es.position, s.slug)
            from event_sources es join sources s on s.id = es.source_id
            where es.event_id = e.id), '[]'::jsonb),
        'quotes', coalesce((
            select jsonb_agg(jsonb_build_object(
                       'text', q.text,
                       'speaker', jsonb_build_object('id', a.slug, 'name', a.name),
                       'language', q.language, 'translation', q.translation,
                       'source', s.slug, 'saidOn', q.said_on)
                   order by q.position, q.id)
            from quotes q join actors a on a.id = q.speaker_id left join sources s on s.id = q.source_id
            where q.event_id = e.id), '[]'::jsonb),
        'claims', coalesce((
            select jsonb_agg(jsonb_build_object(
                       'statement', c.statement, 'status', c.status,
                       'claimants', coalesce((
                           select jsonb_agg(jsonb_build_object('id', a.slug, 'name', a.name) order by a.name)
                           from claim_claimants cc join actors a on a.id = cc.actor_id
                           where cc.claim_id = c.id), '[]'::jsonb),
                       'sources', coalesce((
                           select jsonb_agg(s.slug order by s.slug)
                           from claim_sources cs join sources s on s.id = cs.source_id
                           where cs.claim_id = c.id), '[]'::jsonb))
                   order by c.position, c.id)
            from claims c
            where c.event_id = e.id), '[]'::jsonb),
        'relations', coalesce((
            select jsonb_agg(r.rel order by r.start_on, r.slug)
            from (
                select o.occurred_on as start_on, o.slug,
                       jsonb_build_object('type', er.type, 'direction', 'outgoing', 'note', er.note,
                           'event', jsonb_build_object('id', o.slug, 'title', o.title, 'start', o.occurred_on)) as rel
                from event_relations er join events o on o.id = er.to_event_id
                where er.from_event_id = e.id
                union all
                select o.occurred_on, o.slug,
                       jsonb_build_object('type', er.type, 'direction', 'incoming', 'note', er.note,
                           'event', jsonb_build_object('id', o.slug, 'title', o.title, 'start', o.occurred_on))
                from event_relations er join events o on o.id = er.from_event_id
                where er.to_event_id = e.id
            ) r), '[]'::jsonb))
$$;
