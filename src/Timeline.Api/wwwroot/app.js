// The timeline page: plain JavaScript over the public API, no build step.
// The view lives in the URL hash so it can be shared: #/?from=…&kind=… (filters) and
// #/events/{id}?… (an open event, with the filters it was opened from).
// <body data-state="loading|ready|error" data-view="…"> says which view is on screen: the browser tests wait on it.
'use strict';

(() => {
  const FILTERS = ['from', 'to', 'kind', 'actor', 'country', 'q'];
  const SORTS = ['date', '-date']; // oldest first (the API's default), newest first
  const BUCKETS = ['month', 'week', 'day'];
  const PAGE_SIZE = 25;

  // Used until (or unless) the API's vocabularies answer: the ladder and kinds from the schema.
  const FALLBACK_LEVELS = [
    'De-escalation', 'Rhetoric', 'Posture', 'Capability', 'Spill-over', 'Spill-over with casualties', 'Direct clash', 'Nuclear use',
  ].map((name, level) => ({ level, name }));
  const FALLBACK_KINDS = [
    ['incident', 'Incident'], ['statement', 'Statement'], ['policy', 'Policy'], ['military-aid', 'Military aid'],
    ['diplomacy', 'Diplomacy'], ['deployment', 'Deployment'], ['sanctions', 'Sanctions'], ['military-operation', 'Military operation'],
  ].map(([id, name]) => ({ id, name }));
  const BASE_COUNTRIES = ['UA', 'RU', 'BY', 'PL', 'LT', 'LV', 'EE', 'FI', 'RO', 'MD', 'DE', 'FR', 'GB', 'US', 'TR', 'SK', 'HU', 'NO', 'SE', 'DK', 'NL', 'BE', 'CZ', 'BG'];
  const RELATION_WORDS = {
    'responds-to': ['Responds to', 'Responded to by'],
    escalates: ['Escalates', 'Escalated by'],
    follows: ['Follows', 'Followed by'],
    'same-thread': ['Same thread as', 'Same thread as'],
    contradicts: ['Contradicts', 'Contradicted by'],
  };
  const CLAIM_WORDS = { confirmed: 'Confirmed', disputed: 'Disputed', alleged: 'Alleged', refuted: 'Refuted' };

  const $ = (id) => document.getElementById(id);
  const ui = {
    form: $('filters'), from: $('f-from'), to: $('f-to'), kind: $('f-kind'), actor: $('f-actor'), country: $('f-country'),
    q: $('f-q'), bucket: $('f-bucket'), reset: $('reset'), problem: $('problem'), status: $('status'), chart: $('chart'),
    legend: $('legend'), list: $('event-list'), more: $('more'), event: $('event'), layout: $('layout'), json: $('json-link'),
    actorOptions: $('actor-options'), countryOptions: $('country-options'), skip: $('skip'),
    filterBox: $('filter-box'), filterCount: $('filter-count'), sort: $('f-sort'), embed: $('embed-url'),
    fromEcho: $('f-from-echo'), toEcho: $('f-to-echo'),
  };

  const state = {
    levels: FALLBACK_LEVELS,
    kinds: FALLBACK_KINDS,
    countries: new Set(BASE_COUNTRIES),
    actors: [], // {id, name} from /v1/actors: the actor box shows names, the URL and the API take ids
    listKey: null, // the filters + bucket the chart and list were loaded for
    stats: null,
    loaded: 0,
    cursor: null,
    run: 0, // bumps on every new load: answers to older loads are dropped
    eventRun: 0,
    firstRender: true,
  };

  // ---------- URL hash <-> view ----------

  function parseHash() {
    let hash = location.hash.replace(/^#/, '');
    if (!hash.startsWith('/')) hash = '/' + hash;
    const at = hash.indexOf('?');
    const path = at >= 0 ? hash.slice(0, at) : hash;
    const params = new URLSearchParams(at >= 0 ? hash.slice(at + 1) : '');
    const match = path.match(/^\/events\/([^/]+)\/?$/);
    let eventId = null;
    if (match) {
      try { eventId = decodeURIComponent(match[1]); } catch { eventId = match[1]; }
    }
    return { eventId, params: viewParams(params) };
  }

  /** Only the keys the page knows, without blanks, in a stable order. */
  function viewParams(source) {
    const params = new URLSearchParams();
    for (const key of [...FILTERS, 'sort', 'bucket']) {
      const value = (source.get(key) || '').trim();
      if (value && !(key === 'bucket' && value === 'month') && !(key === 'sort' && value === 'date')) params.set(key, value);
    }
    return params;
  }

  function hashFor(eventId, params) {
    const query = params.toString();
    return '#/' + (eventId ? 'events/' + encodeURIComponent(eventId) : '') + (query ? '?' + query : '');
  }

  function apiQuery(params, extra = {}) {
    const query = new URLSearchParams();
    for (const key of FILTERS) if (params.get(key)) query.set(key, params.get(key));
    for (const [key, value] of Object.entries(extra)) if (value !== null && value !== undefined) query.set(key, value);
    return query.toString();
  }

  function formParams() {
    const params = new URLSearchParams();
    params.set('from', ui.from.value);
    params.set('to', ui.to.value);
    params.set('kind', ui.kind.value);
    params.set('actor', actorId(ui.actor.value));
    params.set('country', countryCode(ui.country.value));
    params.set('q', ui.q.value);
    params.set('sort', ui.sort.value);
    params.set('bucket', ui.bucket.value);
    return viewParams(params);
  }

  function fillForm(params) {
    ui.from.value = params.get('from') || '';
    ui.to.value = params.get('to') || '';
    const kind = params.get('kind') || '';
    if (kind && ![...ui.kind.options].some((o) => o.value === kind)) ui.kind.append(new Option(kind, kind));
    ui.kind.value = kind;
    ui.actor.value = actorLabel(params.get('actor') || '');
    ui.country.value = params.get('country') ? countryName(params.get('country')) : '';
    ui.q.value = params.get('q') || '';
    ui.sort.value = SORTS.includes(params.get('sort')) ? params.get('sort') : 'date';
    echoDate(ui.from, ui.fromEcho);
    echoDate(ui.to, ui.toEcho);
    const bucket = params.get('bucket') || 'month';
    ui.bucket.value = BUCKETS.includes(bucket) ? bucket : 'month';
    const active = FILTERS.filter((key) => params.get(key)).length;
    ui.filterCount.textContent = active ? `(${active} active)` : '';
  }

  /** Actor box: a name picked from the list (or typed) gives its id; anything else is passed on as typed. */
  function actorId(text) {
    const t = text.trim();
    if (!t) return '';
    const hit = state.actors.find((a) => a.name.toLowerCase() === t.toLowerCase() || a.id === t.toLowerCase());
    return hit ? hit.id : t.toLowerCase();
  }
  const actorLabel = (id) => (state.actors.find((a) => a.id === id) || { name: id }).name;

  /** Country box: an English name ("Poland") or an ISO code ("PL") gives the code. */
  function countryCode(text) {
    const t = text.trim();
    if (!t) return '';
    if (/^[a-z]{2}$/i.test(t)) return t.toUpperCase();
    const wanted = t.toLowerCase();
    for (const code of state.countries) if (countryName(code).toLowerCase() === wanted) return code;
    for (let a = 65; a <= 90; a++) {
      for (let b = 65; b <= 90; b++) {
        const code = String.fromCharCode(a, b);
        const name = countryName(code);
        if (name !== code && name.toLowerCase() === wanted) return code;
      }
    }
    return t;
  }

  /** Under a date box: the date as the page writes it ("21 Feb 2022"), or how to write it. */
  function echoDate(input, echo) {
    const value = input.value.trim();
    const valid = /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(asDate(value).getTime()) && asDate(value).toISOString().slice(0, 10) === value;
    echo.textContent = !value ? '' : valid ? fmtDay.format(asDate(value)) : 'Write the date as YYYY-MM-DD, e.g. 2022-02-21';
    echo.classList.toggle('invalid', Boolean(value) && !valid);
  }

  // ---------- API ----------

  class ApiProblem extends Error {
    constructor(problem) {
      super(problem.title || 'The API reported a problem');
      this.problem = problem;
    }
  }

  async function api(path, signal) {
    let response;
    try {
      response = await fetch(path, { headers: { Accept: 'application/json' }, signal });
    } catch (error) {
      if (error.name === 'AbortError') throw error;
      throw new ApiProblem({ title: 'The API cannot be reached', detail: 'Check your connection and try again.' });
    }
    const type = response.headers.get('content-type') || '';
    let body = null;
    if (type.includes('json')) {
      try { body = await response.json(); } catch { body = null; }
    }
    if (!response.ok) {
      const problem = body && typeof body === 'object' ? body : {};
      throw new ApiProblem({
        title: problem.title || `The API answered ${response.status} ${response.statusText}`.trim(),
        detail: problem.detail || '',
        status: problem.status || response.status,
        errors: problem.errors || null,
      });
    }
    return body;
  }

  /** A list from a vocabulary endpoint, whatever its exact shape: [..], {items:[..]} or {data:[..]}. */
  function listOf(body) {
    if (Array.isArray(body)) return body;
    for (const key of ['items', 'data', 'levels', 'kinds', 'actors', 'tags']) {
      if (body && Array.isArray(body[key])) return body[key];
    }
    return [];
  }
  const idOf = (x) => (typeof x === 'string' ? x : x && (x.id ?? x.code ?? x.slug ?? x.value));
  const nameOf = (x) => (typeof x === 'string' ? x : x && (x.name ?? x.label ?? x.title ?? idOf(x)));

  async function loadVocabularies() {
    const [ladder, kinds, actors] = await Promise.allSettled([
      api('/v1/escalation-ladder'), api('/v1/kinds'), api('/v1/actors'),
    ]);
    if (ladder.status === 'fulfilled') {
      const levels = listOf(ladder.value)
        .map((l) => ({ level: Number(l.level ?? l.id), name: nameOf(l), description: l.description }))
        .filter((l) => Number.isInteger(l.level) && l.level >= 0 && l.level <= 7 && l.name);
      if (levels.length) state.levels = FALLBACK_LEVELS.map((f) => levels.find((l) => l.level === f.level) || f);
    }
    if (kinds.status === 'fulfilled') {
      const list = listOf(kinds.value).map((k) => ({ id: idOf(k), name: nameOf(k) })).filter((k) => typeof k.id === 'string');
      if (list.length) state.kinds = list;
    }
    if (actors.status === 'fulfilled') {
      state.actors = listOf(actors.value).map((a) => ({ id: idOf(a), name: nameOf(a) })).filter((a) => typeof a.id === 'string');
      ui.actorOptions.replaceChildren(...state.actors.map((a) => new Option('', a.name)));
    }
    renderKindOptions();
    fillForm(parseHash().params); // names for the ids in the link
    renderLegend();
    if (state.stats) renderChart(state.stats);
  }

  // ---------- rendering helpers ----------

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') node.className = value;
      else if (key === 'text') node.textContent = value;
      else node.setAttribute(key, value === true ? '' : value);
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const SVG = 'http://www.w3.org/2000/svg';
  function svg(tag, attrs = {}, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries(attrs)) if (value !== null && value !== undefined) node.setAttribute(key, value);
    for (const child of children) if (child) node.append(child);
    return node;
  }

  const levelName = (level) => (state.levels.find((l) => l.level === level) || { name: `Level ${level}` }).name;
  const kindName = (id) => (state.kinds.find((k) => k.id === id) || { name: id }).name;
  let regionNames = null;
  try { regionNames = new Intl.DisplayNames(['en'], { type: 'region' }); } catch { regionNames = null; }
  let languageNames = null;
  try { languageNames = new Intl.DisplayNames(['en'], { type: 'language' }); } catch { languageNames = null; }
  const countryName = (code) => {
    try { return (regionNames && regionNames.of(code)) || code; } catch { return code; }
  };
  const languageName = (code) => {
    try { return (languageNames && languageNames.of(code)) || code; } catch { return code; }
  };

  /** "Przewodów, Poland"; just "Ukraine" when the place is the country itself. */
  function placeText(location) {
    if (!location) return '';
    const country = location.country ? countryName(location.country) : null;
    return [location.place, country && country !== location.place ? country : null].filter(Boolean).join(', ');
  }

  const fmtDay = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  const fmtMonth = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });
  const fmtMonthShort = new Intl.DateTimeFormat('en-GB', { month: 'short', timeZone: 'UTC' });
  const asDate = (iso) => new Date(iso + 'T00:00:00Z');

  /** A date at the precision the sources support: "15 Nov 2022", "Nov 2022" or "2022"; "c." when approximate. */
  function formatEventDate(date) {
    if (!date || !date.start) return 'Date unknown';
    const one = (iso) => (date.precision === 'year' ? iso.slice(0, 4) : date.precision === 'month' ? fmtMonth.format(asDate(iso)) : fmtDay.format(asDate(iso)));
    let text = one(date.start);
    if (date.end && date.end !== date.start) {
      const sameMonth = date.precision === 'day' && date.start.slice(0, 7) === date.end.slice(0, 7);
      text = sameMonth ? `${Number(date.start.slice(8, 10))}–${one(date.end)}` : `${text} – ${one(date.end)}`;
    }
    return (date.approximate ? 'c. ' : '') + text;
  }

  function levelBadge(escalation) {
    const level = escalation && Number.isInteger(escalation.level) ? escalation.level : null;
    if (level === null) return el('span', { class: 'level' }, 'Level ?');
    return el('span', { class: `level lvl-${level}`, title: escalation.rationale || null },
      el('span', { class: 'level-num' }, String(level)), ' ', escalation.name || levelName(level));
  }

  function clearProblem() {
    ui.problem.hidden = true;
    ui.problem.replaceChildren();
  }

  function showProblem(problem, context) {
    const items = [];
    if (problem.errors && typeof problem.errors === 'object') {
      for (const [field, messages] of Object.entries(problem.errors)) {
        for (const message of [].concat(messages)) if (!problem.detail || !problem.detail.includes(message)) items.push(`${field}: ${message}`);
      }
    }
    ui.problem.replaceChildren(
      el('p', { class: 'problem-title' }, el('strong', {}, problem.title || 'The API reported a problem'), problem.status ? ` (${problem.status})` : ''),
      problem.detail ? el('p', { class: 'problem-detail' }, problem.detail) : null,
      items.length ? el('ul', {}, items.map((i) => el('li', {}, i))) : null,
      el('p', { class: 'problem-context' }, context));
    ui.problem.hidden = false;
  }

  function setStatus(text) {
    ui.status.textContent = text;
  }

  // ---------- the escalation curve ----------

  function renderLegend() {
    ui.legend.replaceChildren(
      ...state.levels.map((l) => el('li', {}, el('span', { class: `swatch lvl-${l.level}`, 'aria-hidden': 'true' }), `${l.level} ${l.name}`)),
      el('li', { class: 'legend-mean' }, el('span', { class: 'swatch-line', 'aria-hidden': 'true' }), 'mean level'));
  }

  function bucketLabel(bucket, size) {
    if (size === 'month') return fmtMonth.format(asDate(bucket.start));
    if (size === 'week') return `week of ${fmtDay.format(asDate(bucket.start))}`;
    return fmtDay.format(asDate(bucket.start));
  }

  function renderChart(stats) {
    const buckets = Array.isArray(stats.buckets) ? stats.buckets : [];
    const size = stats.bucket || 'month';
    if (!buckets.length) {
      ui.chart.replaceChildren(el('p', { class: 'empty' }, 'No events match these filters, so there is no curve to draw.'));
      return;
    }
    const available = Math.max(280, Math.round(ui.chart.clientWidth || 800));
    const narrow = available < 560;
    const margin = { top: 10, right: 8, bottom: 92, left: narrow ? 26 : 34 };
    // On a phone a bar keeps at least 12px: the chart scrolls sideways in its box rather than squeezing 48 months into 310px.
    const width = narrow ? Math.max(available, Math.ceil(margin.left + margin.right + buckets.length * 12)) : available;
    const levelHeight = narrow ? 20 : 26;
    const plotH = levelHeight * 8;
    const countH = 40;
    const height = margin.top + plotH + margin.bottom;
    const plotW = width - margin.left - margin.right;
    const step = plotW / buckets.length;
    // A few buckets should not become slabs: bars at most 48px wide, centred in their slot.
    const barW = Math.max(Math.min(step > 6 ? step - Math.min(step * 0.18, 4) : step, 48), 0.6);
    const gap = step - barW;
    const baseY = margin.top + plotH;
    const maxCount = Math.max(1, ...buckets.map((b) => b.events || 0));
    const total = buckets.reduce((sum, b) => sum + (b.events || 0), 0);
    const peak = buckets.reduce((best, b) => (b.maxLevel !== null && (best === null || b.maxLevel > best.maxLevel) ? b : best), null);

    const summary = peak
      ? `Escalation curve, ${buckets.length} ${size}s from ${bucketLabel(buckets[0], size)} to ${bucketLabel(buckets[buckets.length - 1], size)}: ${total} events; highest level ${peak.maxLevel} (${levelName(peak.maxLevel)}), first reached in ${bucketLabel(peak, size)}.`
      : `Escalation curve, ${buckets.length} ${size}s with no events.`;
    const root = svg('svg', { viewBox: `0 0 ${width} ${height}`, width, height, role: 'img', 'aria-label': summary, class: 'curve' });

    // Ladder rungs: a bar that reaches level L ends on the gridline labelled L.
    const grid = svg('g', { class: 'grid' });
    for (let level = 0; level <= 7; level++) {
      const y = baseY - (level + 1) * levelHeight;
      grid.append(svg('line', { x1: margin.left, x2: width - margin.right, y1: y, y2: y, 'data-level': level }));
      const label = svg('text', { x: margin.left - 6, y: y + 4, 'text-anchor': 'end', class: 'axis-label level-label', 'data-level': level });
      label.textContent = String(level);
      grid.append(label);
    }
    grid.append(svg('line', { x1: margin.left, x2: width - margin.right, y1: baseY, y2: baseY, class: 'baseline' }));
    root.append(grid);

    // One mark per bucket: a bar up to the highest level reached, or a flat tick when the bucket is empty.
    const marks = svg('g', { class: 'marks' });
    buckets.forEach((b, i) => {
      const x = margin.left + i * step + gap / 2;
      const empty = !b.events || b.maxLevel === null || b.maxLevel === undefined;
      const h = empty ? 2 : (b.maxLevel + 1) * levelHeight;
      const rect = svg('rect', {
        x: x.toFixed(2), y: (baseY - h).toFixed(2), width: barW.toFixed(2), height: h,
        class: empty ? 'mark empty' : `mark lvl-${b.maxLevel}`, 'data-start': b.start, 'data-end': b.end,
        'data-events': b.events || 0, 'data-max-level': empty ? '' : b.maxLevel,
      });
      const kinds = b.byKind && typeof b.byKind === 'object' ? Object.entries(b.byKind).map(([k, n]) => `${n} ${kindName(k).toLowerCase()}`).join(', ') : '';
      const title = svg('title');
      title.textContent = empty
        ? `${bucketLabel(b, size)}: no events`
        : `${bucketLabel(b, size)}: ${b.events} event${b.events === 1 ? '' : 's'} (${kinds}); highest level ${b.maxLevel} ${levelName(b.maxLevel)}, mean ${Number(b.meanLevel).toFixed(2)}`;
      rect.append(title);
      marks.append(rect);
    });
    root.append(marks);

    // Mean level: a line through the buckets that have events, broken where a bucket is empty.
    let d = '';
    let open = false;
    buckets.forEach((b, i) => {
      if (b.meanLevel === null || b.meanLevel === undefined || !b.events) { open = false; return; }
      const x = margin.left + (i + 0.5) * step;
      const y = baseY - (Number(b.meanLevel) + 1) * levelHeight;
      d += `${open ? 'L' : 'M'}${x.toFixed(1)} ${y.toFixed(1)}`;
      open = true;
    });
    if (d) root.append(svg('path', { d, class: 'mean-line' }));
    if (buckets.length <= 80) {
      const dots = svg('g', { class: 'mean-dots' });
      buckets.forEach((b, i) => {
        if (b.meanLevel === null || b.meanLevel === undefined || !b.events) return;
        dots.append(svg('circle', { cx: (margin.left + (i + 0.5) * step).toFixed(1), cy: (baseY - (Number(b.meanLevel) + 1) * levelHeight).toFixed(1), r: 2.5 }));
      });
      root.append(dots);
    }

    // Number of events per bucket: a strip under the date axis, with its own scale (0 and the maximum).
    const counts = svg('g', { class: 'counts' });
    const countTop = baseY + 34;
    for (const [value, y] of [[0, countTop + countH], [maxCount, countTop]]) {
      counts.append(svg('line', { x1: margin.left, x2: width - margin.right, y1: y, y2: y, class: 'count-rule' }));
      const tick = svg('text', { x: margin.left - 6, y: y + 4, 'text-anchor': 'end', class: 'axis-label count-label' });
      tick.textContent = String(value);
      counts.append(tick);
    }
    buckets.forEach((b, i) => {
      if (!b.events) return;
      const h = Math.max(1.5, (b.events / maxCount) * countH);
      counts.append(svg('rect', { x: (margin.left + i * step + gap / 2).toFixed(2), y: (countTop + countH - h).toFixed(2), width: barW.toFixed(2), height: h.toFixed(2) }));
    });
    const maxLabel = svg('text', { x: margin.left + 4, y: countTop + countH + 16, class: 'axis-label count-title' });
    maxLabel.textContent = `Events per ${size} (at most ${maxCount})`;
    counts.append(maxLabel);
    root.append(counts);

    // Date labels, thinned out to fit: years, months or days depending on the span.
    const axis = svg('g', { class: 'x-axis' });
    // A small tick at every month (or every day of a short day view), labelled or not.
    if (size !== 'day' || buckets.length <= 120) {
      buckets.forEach((b, i) => {
        const prev = buckets[i - 1];
        if (size === 'day' || !prev || prev.start.slice(0, 7) !== b.start.slice(0, 7)) {
          const x = margin.left + i * step;
          axis.append(svg('line', { x1: x, x2: x, y1: baseY, y2: baseY + 3, class: 'minor' }));
        }
      });
    }
    const maxLabels = Math.max(2, Math.floor(plotW / (narrow ? 46 : 64)));
    const ticks = chooseTicks(buckets, size, maxLabels);
    const minGap = narrow ? 44 : 56;
    // A first bucket that only just starts the period (e.g. the week of 30 Dec) gives way to the next label.
    if (ticks.length > 1 && ticks[0].index === 0 && ticks[1].index * step < minGap) ticks.shift();
    let lastX = -Infinity;
    for (const { index, text } of ticks) {
      const x = margin.left + index * step;
      if (x - lastX < minGap) continue;
      lastX = x;
      axis.append(svg('line', { x1: x, x2: x, y1: baseY, y2: baseY + 5 }));
      const label = svg('text', { x: x + 2, y: baseY + 17, class: 'axis-label' });
      label.textContent = text;
      axis.append(label);
    }
    root.append(axis);
    ui.chart.replaceChildren(root);
  }

  /** Date labels for the x axis: days, months or years, whichever fits; at most about maxLabels. */
  function chooseTicks(buckets, size, maxLabels) {
    if (size === 'day' && buckets.length <= maxLabels) {
      return buckets.map((b, index) => ({ index, text: fmtDay.format(asDate(b.start)).replace(/ \d{4}$/, '') }));
    }
    // Month ticks where they fit, else quarters (Jan, Apr, Jul, Oct), else years; the year is written at its first tick.
    const months = [];
    buckets.forEach((b, i) => {
      const prev = buckets[i - 1];
      if (!prev || prev.start.slice(0, 7) !== b.start.slice(0, 7)) months.push(i);
    });
    const month = (i) => Number(buckets[i].start.slice(5, 7));
    const quarters = months.filter((i) => (month(i) - 1) % 3 === 0);
    const years = months.filter((i) => month(i) === 1);
    const label = (list, yearOnly) => {
      let lastYear = null;
      return list.map((index) => {
        const start = buckets[index].start;
        const year = start.slice(0, 4);
        const text = yearOnly ? year : fmtMonthShort.format(asDate(start)) + (year !== lastYear ? ` ${year}` : '');
        lastYear = year;
        return { index, text };
      });
    };
    if (months.length <= maxLabels) return label(months, false);
    if (quarters.length <= maxLabels) return label(quarters, false);
    const every = Math.ceil(years.length / maxLabels);
    return label(years.filter((_, k) => k % every === 0), true);
  }

  function renderKindOptions() {
    const current = ui.kind.value;
    ui.kind.replaceChildren(new Option('All kinds', ''), ...state.kinds.map((k) => new Option(k.name, k.id)));
    if (current && ![...ui.kind.options].some((o) => o.value === current)) ui.kind.append(new Option(current, current));
    ui.kind.value = current;
  }

  function renderCountryOptions() {
    ui.countryOptions.replaceChildren(...[...state.countries].map(countryName).sort().map((name) => new Option('', name)));
  }

  // ---------- the list ----------

  function eventItem(e, params, currentId) {
    const place = placeText(e.location);
    if (e.location && e.location.country) state.countries.add(e.location.country);
    const retracted = e.status === 'retracted';
    const link = el('a', { class: 'event-link', href: hashFor(e.id, params), 'aria-current': e.id === currentId ? 'true' : null },
      el('span', { class: 'event-date' }, el('time', { datetime: e.date && e.date.start }, formatEventDate(e.date))),
      el('span', { class: 'event-title' }, e.title, retracted ? el('span', { class: 'retracted-badge' }, 'Retracted') : null),
      el('span', { class: 'event-meta' },
        levelBadge(e.escalation), ' ',
        el('span', { class: 'kind' }, kindName(e.kind)),
        place ? el('span', { class: 'place' }, place) : null));
    return el('li', { class: `event lvl-edge-${e.escalation ? e.escalation.level : 'x'}${retracted ? ' is-retracted' : ''}`, 'data-id': e.id }, link);
  }

  function appendItems(items, params, currentId) {
    ui.list.append(...items.map((e) => eventItem(e, params, currentId)));
    state.loaded += items.length;
    renderCountryOptions();
  }

  function listStatus() {
    const total = state.stats ? state.stats.totalEvents : state.loaded;
    if (!total) return 'No events match these filters.';
    return `Showing ${state.loaded.toLocaleString('en-GB')} of ${total.toLocaleString('en-GB')} event${total === 1 ? '' : 's'}` + (state.cursor ? ' — “Load more” for the next ones.' : '.');
  }

  // ---------- loading ----------

  let controller = null;

  async function loadTimeline(params) {
    const run = ++state.run;
    if (controller) controller.abort();
    controller = new AbortController();
    const signal = controller.signal;
    document.body.dataset.state = 'loading';
    setStatus('Loading the timeline…');
    ui.more.hidden = true;
    ui.json.href = '/v1/timeline?' + apiQuery(params, { format: 'json' });
    ui.embed.value = `${location.origin}/v1/timeline?` + apiQuery(params, { format: 'timelinejs' });
    try {
      const [stats, page] = await Promise.all([
        api('/v1/stats/escalation?' + apiQuery(params, { bucket: params.get('bucket') || 'month' }), signal),
        api('/v1/events?' + apiQuery(params, { sort: params.get('sort'), limit: PAGE_SIZE }), signal),
      ]);
      if (run !== state.run) return;
      clearProblem();
      state.stats = stats;
      state.loaded = 0;
      state.cursor = page && page.nextCursor ? page.nextCursor : null;
      ui.list.replaceChildren();
      const current = parseHash().eventId;
      appendItems(listOf(page), params, current);
      renderChart(stats);
      ui.more.hidden = !state.cursor;
      setStatus(listStatus());
      document.body.dataset.view = params.toString();
      document.body.dataset.state = 'ready';
      if (state.firstRender) {
        state.firstRender = false;
        performance.mark('timeline-rendered');
      }
    } catch (error) {
      if (error.name === 'AbortError' || run !== state.run) return;
      state.stats = null;
      state.loaded = 0;
      state.cursor = null;
      ui.list.replaceChildren();
      ui.chart.replaceChildren();
      showProblem(error.problem || { title: 'Something went wrong', detail: String(error.message || error) },
        'Nothing is shown for this view. Change the filters above and apply them again.');
      setStatus('The timeline could not be loaded: ' + (error.problem ? error.problem.title : error.message));
      document.body.dataset.view = params.toString();
      document.body.dataset.state = 'error';
    }
  }

  async function loadMore() {
    const { params } = parseHash();
    if (!state.cursor) return;
    const run = state.run;
    ui.more.disabled = true;
    setStatus('Loading more events…');
    try {
      const page = await api('/v1/events?' + apiQuery(params, { sort: params.get('sort'), limit: PAGE_SIZE, cursor: state.cursor }));
      if (run !== state.run) return;
      const before = ui.list.children.length;
      state.cursor = page && page.nextCursor ? page.nextCursor : null;
      appendItems(listOf(page), params, parseHash().eventId);
      ui.more.hidden = !state.cursor;
      setStatus(listStatus());
      // Keep the keyboard where the reading continues.
      const first = ui.list.children[before];
      if (first && !state.cursor) first.querySelector('a').focus();
    } catch (error) {
      showProblem(error.problem || { title: 'Something went wrong', detail: String(error.message || error) }, 'The next events could not be loaded.');
      setStatus('Loading more events failed.');
    } finally {
      ui.more.disabled = false;
    }
  }

  async function openEvent(id, params, focus) {
    const run = ++state.eventRun;
    ui.event.hidden = false;
    ui.layout.classList.add('has-event');
    ui.event.replaceChildren(el('p', { class: 'loading' }, 'Loading the event…'));
    for (const a of ui.list.querySelectorAll('a[aria-current]')) a.removeAttribute('aria-current');
    const item = ui.list.querySelector(`li[data-id="${CSS.escape(id)}"] a`);
    if (item) item.setAttribute('aria-current', 'true');
    try {
      const event = await api('/v1/events/' + encodeURIComponent(id));
      if (run !== state.eventRun) return;
      ui.event.replaceChildren(renderEvent(event, params));
      document.title = `${event.title} — Escalation timeline`;
      document.body.dataset.event = 'ready';
    } catch (error) {
      if (run !== state.eventRun) return;
      const problem = error.problem || { title: 'Something went wrong', detail: String(error.message || error) };
      ui.event.replaceChildren(el('div', { class: 'problem', role: 'alert' },
        el('p', { class: 'problem-title' }, el('strong', {}, problem.title), problem.status ? ` (${problem.status})` : ''),
        problem.detail ? el('p', { class: 'problem-detail' }, problem.detail) : null),
        el('p', {}, el('a', { href: hashFor(null, params) }, '← Back to the timeline')));
      document.body.dataset.event = 'error';
    }
    if (focus) {
      const heading = ui.event.querySelector('h2') || ui.event;
      heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
      ui.event.scrollIntoView({ block: 'start', behavior: 'instant' });
    }
  }

  function closeEvent() {
    state.eventRun++;
    ui.event.hidden = true;
    ui.event.replaceChildren();
    ui.layout.classList.remove('has-event');
    delete document.body.dataset.event;
    document.title = 'Escalation timeline — the war in Ukraine and the Russia–NATO confrontation';
    for (const a of ui.list.querySelectorAll('a[aria-current]')) a.removeAttribute('aria-current');
  }

  // ---------- one event ----------

  function renderEvent(e, params) {
    const sources = Array.isArray(e.sources) ? e.sources : [];
    const number = new Map(sources.map((s, i) => [s.id, i + 1]));
    const refs = (ids) => {
      const known = (ids || []).filter((id) => number.has(id)).map((id) => number.get(id)).sort((a, b) => a - b).map((n) => `[${n}]`);
      return known.length ? el('span', { class: 'refs' }, ' ', known.join(' ')) : null;
    };
    const place = placeText(e.location);
    const retracted = e.status === 'retracted' && e.retraction;

    const article = el('article', { class: 'event-detail', 'data-id': e.id },
      el('p', { class: 'back' },
        el('a', { href: hashFor(null, params), class: 'back-link' }, '← Back to the timeline')),
      el('p', { class: 'detail-meta' },
        el('time', { datetime: e.date && e.date.start }, formatEventDate(e.date)),
        ' · ', kindName(e.kind), place ? ` · ${place}` : ''),
      el('h2', { id: 'event-title' }, e.title),
      retracted ? el('div', { class: 'retraction', role: 'note' },
        el('strong', {}, 'Retracted'), ` on ${fmtDay.format(new Date(e.retraction.retractedAt))} by ${e.retraction.retractedBy}: ${e.retraction.reason}`) : null,
      el('p', { class: 'level-line' }, levelBadge(e.escalation), e.escalation && e.escalation.rationale ? el('span', { class: 'rationale' }, e.escalation.rationale) : null),
      e.date && e.date.note ? el('p', { class: 'date-note' }, 'On the date: ', e.date.note) : null,
      el('p', { class: 'summary' }, e.summary));

    if (Array.isArray(e.actors) && e.actors.length) {
      article.append(el('h3', {}, 'Who'), el('ul', { class: 'actors' },
        e.actors.map((a) => el('li', {},
          el('a', { href: hashFor(null, viewParams(new URLSearchParams({ actor: a.id }))), title: `All events of ${a.name}` }, a.name),
          ' ', el('span', { class: 'role' }, a.role)))));
    }

    if (Array.isArray(e.claims) && e.claims.length) {
      article.append(el('h3', {}, 'Claims'), el('ul', { class: 'claims' },
        e.claims.map((c) => el('li', { class: `claim claim-${c.status}`, 'data-status': c.status },
          el('span', { class: `claim-status status-${c.status}` }, CLAIM_WORDS[c.status] || c.status),
          el('span', { class: 'claim-statement' }, c.statement),
          Array.isArray(c.claimants) && c.claimants.length ? el('span', { class: 'claimants' }, '— ', c.claimants.map((a) => a.name).join(', ')) : null,
          refs(c.sources)))));
    }

    if (Array.isArray(e.quotes) && e.quotes.length) {
      article.append(el('h3', {}, 'Quotes'), ...e.quotes.map((q) => el('figure', { class: 'quote' },
        el('blockquote', { lang: q.language || null }, q.text),
        q.translation ? el('p', { class: 'translation' }, el('span', { class: 'label' }, 'Translation: '), q.translation) : null,
        el('figcaption', {}, '— ', q.speaker ? q.speaker.name : 'Unknown speaker',
          q.originalLanguage ? el('span', { class: 'translated' }, ` (the source's translation from ${languageName(q.originalLanguage)})`) : '',
          q.saidOn ? `, ${fmtDay.format(asDate(q.saidOn))}` : '', refs(q.source ? [q.source] : [])))));
    }

    article.append(el('h3', {}, 'Sources'));
    if (sources.length) {
      article.append(el('ol', { class: 'sources' }, sources.map((s) => {
        // A descriptive title (our words for an untitled source) is shown in brackets, once.
        const title = s.titleIsDescriptive && !/^\[.*\]$/.test(s.title) ? `[${s.title}]` : s.title;
        return el('li', { 'data-source': s.id },
          s.outlet ? el('span', { class: 'outlet' }, s.outlet, ': ') : null,
          s.url ? el('a', { href: s.url, rel: 'noopener noreferrer', class: 'source-link' }, el('cite', {}, title)) : el('cite', {}, title),
          s.author ? ` — ${s.author}` : '',
          s.publishedOn ? `, ${fmtDay.format(asDate(s.publishedOn))}` : '',
          s.language && s.language !== 'en' ? el('span', { class: 'lang' }, ` (${s.language})`) : null,
          s.url && s.urlCheckedOn ? el('span', { class: 'checked' }, ` · link checked ${fmtDay.format(asDate(s.urlCheckedOn))}`) : null,
          s.url ? null : el('span', { class: 'no-url' }, ' · no link known'));
      })));
    } else {
      article.append(el('p', { class: 'muted' }, 'No sources are recorded for this event.'));
    }

    if (Array.isArray(e.relations) && e.relations.length) {
      article.append(el('h3', {}, 'Related events'), el('ul', { class: 'relations' },
        e.relations.map((r) => {
          const words = RELATION_WORDS[r.type] || [r.type, r.type];
          const other = r.event || {};
          return el('li', {},
            el('span', { class: 'relation-type' }, r.direction === 'incoming' ? words[1] : words[0]), ' ',
            el('a', { href: hashFor(other.id, params) }, other.title || other.id),
            other.start ? el('span', { class: 'muted' }, ` (${fmtDay.format(asDate(other.start))})`) : null,
            r.note ? el('span', { class: 'relation-note' }, ` — ${r.note}`) : null);
        })));
    }

    if (Array.isArray(e.tags) && e.tags.length) {
      article.append(el('p', { class: 'tags' }, e.tags.map((t) => el('span', { class: 'tag' }, t))));
    }
    article.append(citeSection(e));
    article.append(el('p', { class: 'api-links' },
      el('a', { href: '/v1/events/' + encodeURIComponent(e.id) }, 'This event as JSON'), ' · ',
      el('a', { href: '/v1/events/' + encodeURIComponent(e.id) + '/revisions' }, 'History of corrections'),
      e.wikidataQid ? [' · ', el('a', { href: `https://www.wikidata.org/wiki/${e.wikidataQid}`, rel: 'noopener noreferrer' }, `Wikidata ${e.wikidataQid}`)] : null));
    return article;
  }

  /** "Cite this event": a permalink and the API's citation (title, date, data set, version, access date, sources). */
  function citeSection(e) {
    const id = encodeURIComponent(e.id);
    const text = el('pre', { class: 'citation', id: 'citation-text', tabindex: '0', 'aria-label': 'Citation' }, 'Loading the citation…');
    fetch(`/v1/events/${id}/citation`, { headers: { Accept: 'text/plain' } })
      .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`${r.status}`))))
      .then((body) => { text.textContent = body.trimEnd(); text.dataset.state = 'ready'; })
      .catch(() => { text.textContent = 'The citation could not be loaded; the permalink above still works.'; text.dataset.state = 'error'; });
    return el('section', { class: 'cite', 'aria-labelledby': 'cite-title' },
      el('h3', { id: 'cite-title' }, 'Cite this event'),
      el('div', { class: 'copy-row' },
        el('label', { for: 'permalink' }, 'Permalink'),
        el('input', { id: 'permalink', class: 'copy-field', readonly: true, value: `${location.origin}${location.pathname}#/events/${id}` }),
        el('button', { type: 'button', class: 'secondary copy', 'data-copy': 'permalink' }, 'Copy link')),
      text,
      el('p', { class: 'cite-actions' },
        el('button', { type: 'button', class: 'secondary copy', 'data-copy': 'citation-text' }, 'Copy citation'), ' ',
        el('a', { href: `/v1/events/${id}/citation?format=csl`, download: `${e.id}.csl.json` }, 'CSL-JSON for Zotero or Pandoc')));
  }

  // ---------- routing ----------

  let lastEventId = null;

  function route() {
    const { eventId, params } = parseHash();
    fillForm(params);
    const key = params.toString();
    const reload = key !== state.listKey;
    if (reload) {
      state.listKey = key;
      loadTimeline(params);
    }
    if (eventId) {
      if (eventId !== lastEventId || reload) openEvent(eventId, params, eventId !== lastEventId);
    } else if (lastEventId) {
      closeEvent();
      const back = ui.list.querySelector(`li[data-id="${CSS.escape(lastEventId)}"] a`);
      if (back) back.focus();
    }
    lastEventId = eventId;
  }

  function navigate(params, eventId = null) {
    const hash = hashFor(eventId, params);
    if (hash === location.hash || (hash === '#/' && !location.hash)) route();
    else location.hash = hash;
  }

  ui.form.addEventListener('submit', (event) => {
    event.preventDefault();
    navigate(formParams(), null);
  });
  ui.bucket.addEventListener('change', () => navigate(formParams(), parseHash().eventId));
  ui.reset.addEventListener('click', () => {
    const params = new URLSearchParams();
    if (ui.bucket.value !== 'month') params.set('bucket', ui.bucket.value);
    navigate(params, null);
  });
  ui.more.addEventListener('click', loadMore);
  ui.sort.addEventListener('change', () => navigate(formParams(), parseHash().eventId));
  ui.from.addEventListener('input', () => echoDate(ui.from, ui.fromEcho));
  ui.to.addEventListener('input', () => echoDate(ui.to, ui.toEcho));
  // Copy buttons: data-copy names the field or block whose text is copied.
  document.addEventListener('click', async (event) => {
    const button = event.target.closest && event.target.closest('button[data-copy]');
    if (!button) return;
    const source = document.getElementById(button.dataset.copy);
    if (!source) return;
    const text = 'value' in source ? source.value : source.textContent;
    let copied = false;
    try {
      await navigator.clipboard.writeText(text);
      copied = true;
    } catch {
      // No clipboard permission: select the text so Ctrl+C copies it.
      const range = document.createRange();
      if ('select' in source) source.select(); else { range.selectNodeContents(source); getSelection().removeAllRanges(); getSelection().addRange(range); }
      try { copied = document.execCommand('copy'); } catch { copied = false; }
    }
    const label = button.dataset.label || (button.dataset.label = button.textContent);
    button.textContent = copied ? 'Copied' : 'Selected: press Ctrl+C';
    setStatus(copied ? `${label.replace(/^Copy /, '')} copied to the clipboard.` : 'Copying was not allowed: the text is selected, press Ctrl+C.');
    setTimeout(() => { button.textContent = label; }, 2500);
  });
  ui.skip.addEventListener('click', (event) => {
    event.preventDefault();
    ui.list.focus();
  });
  // Click a bar to zoom into its period: month → weeks, week → days.
  ui.chart.addEventListener('click', (event) => {
    const mark = event.target.closest && event.target.closest('rect.mark');
    if (!mark) return;
    const params = formParams();
    params.set('from', mark.dataset.start);
    params.set('to', mark.dataset.end);
    const size = params.get('bucket') || 'month';
    params.set('bucket', size === 'month' ? 'week' : 'day');
    navigate(viewParams(params), null);
  });
  window.addEventListener('hashchange', route);
  let resizeTimer = null;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => { if (state.stats) renderChart(state.stats); }, 150);
  });

  renderKindOptions();
  renderLegend();
  renderCountryOptions();
  // On a phone the curve comes first: the filters start folded unless the link carries some.
  if (window.matchMedia('(max-width: 560px)').matches && !FILTERS.some((key) => parseHash().params.get(key))) ui.filterBox.open = false;
  route();
  loadVocabularies();
})();
