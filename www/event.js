// The "Event" view: planning a matchmaking day. The organiser sets the time
// slots, tables and meeting rules, chooses the enterprises (challenges) and
// the kinds of research participants (loaded profiles), and the engine's
// planEvent() returns the schedule: a timetable grid, agendas, unplaced
// meetings and unmet requests with reasons. Exports are Blob downloads
// (timetable CSV, agenda CSV, JSON, event settings) and printed agendas.
// Everything from data is put on the page as text (el() / textContent).

import { el } from './dom.js';
import { t } from './i18n.js';
import { formatScore } from './render.js';
import { formatFromName, readText, renderReport } from './import.js';
import { download, stamp } from './export.js';

const $ = (id) => document.getElementById(id);
const KINDS = ['expert', 'lab', 'team', 'patent'];
/** EventSpec fields the form edits; anything else from a loaded event file is kept as is. */
const FORM_FIELDS = new Set(['name', 'slots', 'tables', 'meetings_per_enterprise', 'meetings_per_participant', 'min_score', 'avoid_same_institution', 'fairness']);
const EXTRA_KEYS = ['unavailable', 'forced', 'excluded', 'conflicts', 'limits'];
const GRID_TOPICS = 3;

let ctx = null; // { api(), matcher(), samples(), showError(err, context), clearError() }

const ev = {
  imported: null, // { name, challenges } of an imported challenges file, or null for the samples
  importReport: null, // { report, fileName } of that import, for re-rendering
  unchecked: new Set(), // challenge ids the organiser took out (so new ones start checked)
  extra: {}, // fields of a loaded event file the form does not edit
  dataVersion: 0, // bumped when the loaded profiles change
  sub: null, // { key, matcher } of a matcher holding only the chosen kinds
  kindCounts: null, // { version, counts: {kind: n} } of the loaded profiles
  result: null, // { schedule, spec, challengeIds, kinds, participants, elapsed }
  agendaId: '',
};

// ---- small helpers -----------------------------------------------------------

function challenges() {
  return ev.imported ? ev.imported.challenges : ctx.samples() || [];
}

function chosenChallenges() {
  return challenges().filter((c) => !ev.unchecked.has(c.id));
}

function chosenKinds() {
  return [...document.querySelectorAll('#ev-parties-form input[name="ev-kind"]:checked')].map((x) => x.value);
}

function enterpriseName(c) {
  return c.enterprise || c.title || c.id;
}

function formatElapsed(ms) {
  return ms < 1000 ? t('evMs', { n: Math.max(1, Math.round(ms)) }) : t('evSeconds', { n: (ms / 1000).toFixed(1) });
}

/** 'HH:MM' + minutes, wrapping at midnight. */
function addMinutes(hhmm, minutes) {
  const [h, m] = hhmm.split(':').map(Number);
  const total = (((h * 60 + m + minutes) % 1440) + 1440) % 1440;
  return `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

/** Minutes of an 'H:MM' / 'HH:MM' label, or null. */
function minutesOf(label) {
  const m = /^\s*(\d{1,2}):(\d{2})\s*$/.exec(String(label ?? ''));
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) return null;
  return Number(m[1]) * 60 + Number(m[2]);
}

function fieldLabel(id) {
  const label = document.querySelector(`label[for="${id}"]`);
  return label ? label.textContent.trim() : id;
}

/** A whole number >= min from an input; '' gives null when allowed, else an error naming the field. */
function intField(id, { min = 0, optional = false } = {}) {
  const raw = $(id).value.trim();
  if (raw === '' && optional) return null;
  const n = Number(raw);
  if (raw === '' || !Number.isInteger(n) || n < min) {
    throw new Error(t('evBadInteger', { field: fieldLabel(id), min, value: raw }));
  }
  return n;
}

function scoreField(id) {
  const raw = $(id).value.trim();
  const n = raw === '' ? 0 : Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new Error(t('evBadScore', { field: fieldLabel(id), value: raw }));
  return n;
}

// ---- time slots ---------------------------------------------------------------

function slotRow(slot, i) {
  const n = i + 1;
  const start = el('input', { class: 'slot-start', attrs: { type: 'text', value: slot.start, 'aria-label': t('evSlotStartLabel', { n }), autocomplete: 'off', spellcheck: 'false' } });
  const end = el('input', { class: 'slot-end', attrs: { type: 'text', value: slot.end, 'aria-label': t('evSlotEndLabel', { n }), autocomplete: 'off', spellcheck: 'false' } });
  const remove = el('button', { class: 'btn btn-small btn-icon slot-remove', text: '×', attrs: { type: 'button', 'aria-label': t('evSlotRemoveLabel', { n }), title: t('evSlotRemoveLabel', { n }) } });
  return el('tr', {}, el('td', { class: 'num', text: String(n) }), el('td', {}, start), el('td', {}, end), el('td', {}, remove));
}

function readSlots() {
  return [...document.querySelectorAll('#ev-slots tbody tr')].map((tr) => ({
    start: tr.querySelector('.slot-start').value.trim(),
    end: tr.querySelector('.slot-end').value.trim(),
  }));
}

function renderSlots(slots) {
  $('ev-slots').tBodies[0].replaceChildren(...slots.map(slotRow));
  $('ev-slots-caption').textContent = t('evSlotsCaption', { n: slots.length });
}

/** Slots from the start time, meeting length, break and count. */
function generateSlots() {
  const start = $('ev-start').value;
  if (minutesOf(start) === null) throw new Error(t('evBadTime'));
  const length = intField('ev-length', { min: 1 });
  const pause = intField('ev-break', { min: 0 });
  const count = intField('ev-slot-count', { min: 1 });
  const slots = [];
  for (let i = 0, at = start; i < Math.min(count, 256); i++) {
    const end = addMinutes(at, length);
    slots.push({ start: at, end });
    at = addMinutes(end, pause);
  }
  return slots;
}

function regenerate() {
  try {
    renderSlots(generateSlots());
  } catch (err) {
    ctx.showError(err, t('evErrorContext'));
  }
}

function relabelSlots() {
  const slots = readSlots();
  renderSlots(slots);
  $('ev-slot-count').value = String(slots.length);
}

function addSlot() {
  const slots = readSlots();
  const last = slots[slots.length - 1];
  const pause = Number($('ev-break').value) || 0;
  const length = Number($('ev-length').value) || 20;
  let start = '';
  if (last && minutesOf(last.end) !== null) start = addMinutes(last.end, pause);
  else if (!last && minutesOf($('ev-start').value) !== null) start = $('ev-start').value;
  slots.push({ start, end: start ? addMinutes(start, length) : '' });
  renderSlots(slots);
  $('ev-slot-count').value = String(slots.length);
  const inputs = document.querySelectorAll('#ev-slots .slot-start');
  inputs[inputs.length - 1].focus();
}

// ---- the event spec ---------------------------------------------------------------

/** The EventSpec of the form plus the extra fields of a loaded event file. */
function buildSpec() {
  const slots = readSlots();
  if (slots.length === 0) throw new Error(t('evNoSlots'));
  const entMax = intField('ev-ent-max', { min: 1, optional: true });
  const partMax = intField('ev-part-max', { min: 1, optional: true });
  const spec = { ...ev.extra };
  spec.name = $('ev-name').value.trim() || t('evDefaultName');
  spec.slots = slots;
  spec.tables = intField('ev-tables', { min: 1 });
  spec.meetings_per_enterprise = { min: intField('ev-ent-min', { min: 0 }) };
  if (entMax !== null) spec.meetings_per_enterprise.max = entMax;
  spec.meetings_per_participant = partMax !== null ? { max: partMax } : {};
  spec.min_score = scoreField('ev-min-score');
  spec.avoid_same_institution = $('ev-avoid-same').checked;
  spec.fairness = $('ev-fairness').checked;
  return spec;
}

function setNumber(id, value) {
  $(id).value = value === undefined || value === null ? '' : String(value);
}

/** Fills the form from an event file's object; other fields are kept in ev.extra. */
function applyEventFile(doc) {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error(t('evBadEventFile'));
  if ('name' in doc) $('ev-name').value = String(doc.name ?? '');
  if (Array.isArray(doc.slots)) {
    const slots = doc.slots.map((s) => (s && typeof s === 'object' ? { start: String(s.start ?? ''), end: String(s.end ?? '') } : { start: String(s ?? ''), end: '' }));
    renderSlots(slots);
    $('ev-slot-count').value = String(slots.length);
    // The generator fields follow the file where its labels are clock times.
    const [a, b] = slots;
    if (a && minutesOf(a.start) !== null) $('ev-start').value = a.start.trim().padStart(5, '0');
    if (a && minutesOf(a.start) !== null && minutesOf(a.end) !== null) {
      $('ev-length').value = String((minutesOf(a.end) - minutesOf(a.start) + 1440) % 1440);
      if (b && minutesOf(b.start) !== null) $('ev-break').value = String((minutesOf(b.start) - minutesOf(a.end) + 1440) % 1440);
    }
  }
  if ('tables' in doc) setNumber('ev-tables', doc.tables);
  const me = doc.meetings_per_enterprise || {};
  if ('meetings_per_enterprise' in doc) {
    setNumber('ev-ent-min', me.min ?? 0);
    setNumber('ev-ent-max', me.max);
  }
  if ('meetings_per_participant' in doc) setNumber('ev-part-max', (doc.meetings_per_participant || {}).max);
  if ('min_score' in doc) setNumber('ev-min-score', doc.min_score);
  if ('avoid_same_institution' in doc) $('ev-avoid-same').checked = Boolean(doc.avoid_same_institution);
  if ('fairness' in doc) $('ev-fairness').checked = Boolean(doc.fairness);
  ev.extra = Object.fromEntries(Object.entries(doc).filter(([key]) => !FORM_FIELDS.has(key)));
  renderExtra();
}

function renderExtra() {
  const parts = [];
  for (const key of EXTRA_KEYS) {
    const v = ev.extra[key];
    const n = Array.isArray(v) ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0;
    if (n > 0) parts.push(t(`evExtra_${key}`, { n }));
  }
  const other = Object.keys(ev.extra).filter((k) => !EXTRA_KEYS.includes(k));
  if (other.length) parts.push(t('evExtra_other', { list: other.join(', ') }));
  $('ev-extra').hidden = parts.length === 0;
  $('ev-extra-text').textContent = parts.length ? `${t('evExtraIntro')}${parts.join(t('listSep'))}` : '';
}

async function loadEventFile(file) {
  if (!file) return;
  ctx.clearError();
  try {
    const text = await readText(file);
    let doc;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new Error(`${t('evBadEventFile')} (${err.message})`);
    }
    applyEventFile(doc);
    markStale();
  } catch (err) {
    ctx.showError(err, file.name);
  }
}

function exportEvent() {
  ctx.clearError();
  try {
    download(`coopmatch-event-${stamp()}.json`, 'application/json', `${JSON.stringify(buildSpec(), null, 2)}\n`);
  } catch (err) {
    ctx.showError(err, t('evErrorContext'));
  }
}

// ---- who takes part ----------------------------------------------------------------

function renderEnterprises() {
  const list = challenges();
  const items = list.map((c) => {
    const box = el('input', { attrs: { type: 'checkbox', name: 'ev-enterprise', value: c.id } });
    box.checked = !ev.unchecked.has(c.id);
    const title = c.title && c.title !== enterpriseName(c) ? el('span', { class: 'ev-enterprise-title', text: c.title }) : null;
    return el('label', { class: 'check ev-enterprise' }, box, el('span', { class: 'ev-enterprise-text' }, el('span', { class: 'ev-enterprise-name', text: enterpriseName(c) }), title));
  });
  $('ev-enterprises').replaceChildren(...items);
  $('ev-challenge-source').textContent = ev.imported ? t('evSourceFile', { name: ev.imported.name, n: list.length }) : t('evSourceSamples', { n: list.length });
  $('ev-use-samples').hidden = !ev.imported;
  renderCounts();
}

function renderCounts() {
  const total = challenges().length;
  $('ev-enterprise-count').textContent = t('evEnterpriseCount', { n: chosenChallenges().length, total });
  const matcher = ctx.matcher();
  const loaded = matcher ? matcher.profileCount : 0;
  $('ev-participant-count').textContent = t('evParticipantCount', { n: participantCount(), total: loaded });
}

/** Participants of the chosen kinds. Counting by kind reads every profile, so it is done once per data change. */
function participantCount() {
  const matcher = ctx.matcher();
  if (!matcher) return 0;
  const kinds = chosenKinds();
  if (KINDS.every((k) => kinds.includes(k))) return matcher.profileCount;
  if (!ev.kindCounts || ev.kindCounts.version !== ev.dataVersion) {
    const counts = {};
    try {
      for (const p of matcher.profiles()) counts[p.kind] = (counts[p.kind] || 0) + 1;
    } catch {
      // No profiles to count.
    }
    ev.kindCounts = { version: ev.dataVersion, counts };
  }
  return kinds.reduce((sum, k) => sum + (ev.kindCounts.counts[k] || 0), 0);
}

async function importChallenges(file) {
  if (!file) return;
  ctx.clearError();
  try {
    const text = await readText(file);
    const parsed = ctx.api().parseChallenges(text, formatFromName(file.name));
    const list = parsed.challenges || [];
    const report = { rows: parsed.rows, errors: parsed.errors || [], replaced: 0 };
    ev.importReport = { report, fileName: file.name };
    renderReport($('ev-challenges-report'), report, file.name);
    if (list.length === 0) throw new Error(t('evNoChallengesInFile'));
    ev.imported = { name: file.name, challenges: list };
    ev.unchecked.clear();
    renderEnterprises();
    markStale();
  } catch (err) {
    ctx.showError(err, file.name);
  }
}

function useSamples() {
  ev.imported = null;
  ev.importReport = null;
  ev.unchecked.clear();
  $('ev-challenges-report').replaceChildren();
  renderEnterprises();
  markStale();
}

/**
 * The matcher to plan with: the page's own when every kind takes part,
 * else one holding only the profiles of the chosen kinds (so the
 * schedule is the one the CLI gives for that profile file).
 */
function plannerFor(kinds) {
  const matcher = ctx.matcher();
  if (KINDS.every((k) => kinds.includes(k))) return matcher;
  const key = `${ev.dataVersion}|${[...kinds].sort().join(',')}`;
  if (ev.sub && ev.sub.key === key) return ev.sub.matcher;
  if (ev.sub) ev.sub.matcher.free();
  const sub = new (ctx.api().Matcher)();
  sub.loadProfiles(matcher.profiles().filter((p) => kinds.includes(p.kind)));
  ev.sub = { key, matcher: sub };
  return sub;
}

// ---- the engine ----------------------------------------------------------------------
// The scheduler is either part of the matcher's module (Matcher.planEvent,
// timetableCsv and agendaCsv exports) or its own module loaded on demand
// through event-engine.js (when the matcher gives Matcher.eventInput). Both
// return the same Schedule and throw an Error naming the bad item.

let eventEngine = null;

async function engine() {
  if (!eventEngine) eventEngine = await import('./event-engine.js');
  return eventEngine;
}

async function planWith(matcher, spec, chosen) {
  if (typeof matcher.eventInput === 'function') return (await engine()).planEvent(matcher, spec, chosen);
  return matcher.planEvent(spec, chosen);
}

async function timetableCsvOf(schedule) {
  const api = ctx.api();
  if (api && typeof api.timetableCsv === 'function') return api.timetableCsv(schedule);
  return (await engine()).timetableCsv(schedule);
}

async function agendaCsvOf(schedule, partyId) {
  const api = ctx.api();
  if (api && typeof api.agendaCsv === 'function') return api.agendaCsv(schedule, partyId);
  return (await engine()).agendaCsv(schedule, partyId);
}

// ---- running ---------------------------------------------------------------------

function markStale() {
  $('ev-stale').hidden = !ev.result;
}

const nextPaint = () => new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 0)));

/** Counts finished runs (planned or refused) on the view, for tests and tools to wait on. */
function finishRun() {
  const view = $('view-event');
  view.dataset.runs = String((Number(view.dataset.runs) || 0) + 1);
}

async function run() {
  if (!ctx.matcher()) return;
  ctx.clearError();
  const status = $('ev-status');
  let spec;
  let planner;
  const chosen = chosenChallenges();
  const kinds = chosenKinds();
  try {
    spec = buildSpec();
    if (chosen.length === 0) throw new Error(t('evNoEnterprises'));
    if (participantCount() === 0) throw new Error(t('evNoParticipants'));
    planner = plannerFor(kinds);
  } catch (err) {
    ctx.showError(err, t('evErrorContext'));
    finishRun();
    return;
  }
  $('ev-run').disabled = true;
  status.textContent = t('evRunning');
  await nextPaint();
  try {
    const started = performance.now();
    const schedule = await planWith(planner, spec, chosen);
    const elapsed = performance.now() - started;
    ev.result = { schedule, spec, challengeIds: chosen.map((c) => c.id), kinds, participants: planner.profileCount, elapsed };
    const ids = new Set([...schedule.enterprise_agendas, ...schedule.participant_agendas].map((a) => a.id));
    if (!ids.has(ev.agendaId)) ev.agendaId = schedule.enterprise_agendas[0] ? schedule.enterprise_agendas[0].id : '';
    renderResult();
    $('ev-stale').hidden = true;
  } catch (err) {
    status.textContent = '';
    ctx.showError(err, t('evErrorContext'));
  } finally {
    $('ev-run').disabled = false;
    finishRun();
  }
}

// ---- rendering the schedule -----------------------------------------------------------

function th(text, scope = 'col', cls) {
  return el('th', { text, class: cls, attrs: { scope } });
}

function slotLabel(slot) {
  return slot.end ? `${slot.start}–${slot.end}` : slot.start;
}

function topicList(topics, max = Infinity) {
  const list = (Array.isArray(topics) ? topics : []).slice(0, max);
  if (list.length === 0) return null;
  const ul = el('ul', { class: 'ev-topics', attrs: { 'aria-label': t('evColTopics') } });
  for (const topic of list) ul.append(el('li', { text: topic }));
  return ul;
}

function forcedBadge(forced) {
  return forced ? el('span', { class: 'badge badge-forced', text: t('evForced') }) : null;
}

function renderTotals(result) {
  const { schedule, elapsed } = result;
  const tot = schedule.totals;
  const items = [
    [t('evTotMeetings'), String(tot.meetings), t('evTotMeetingsDetail', { selected: tot.selected, unplaced: tot.unplaced }), 'meetings'],
    [t('evTotSlots'), String(tot.slots_used), t('evTotSlotsDetail', { total: schedule.slots.length, lower: tot.slots_lower_bound }), 'slots'],
    [t('evTotMean'), formatScore(tot.mean_score), t('evTotMeanDetail', { total: (Number(tot.total_score) || 0).toFixed(2) }), 'mean'],
  ];
  if (schedule.fairness) {
    const f = schedule.fairness;
    items.push([t('evTotFairness'), formatScore(f.worst_best_score), t('evTotFairnessDetail', { served: f.enterprises_served, with: f.enterprises_with_partners }), 'fairness']);
  }
  items.push(
    [t('evTotEnterprises'), `${tot.enterprises_with_meetings} / ${schedule.enterprise_agendas.length}`, null, 'enterprises'],
    [t('evTotParticipants'), `${tot.participants_with_meetings} / ${schedule.participant_agendas.length}`, null, 'participants'],
    [t('evTotElapsed'), formatElapsed(elapsed), null, 'elapsed'],
  );
  $('ev-totals').replaceChildren(
    ...items.map(([label, value, detail, key]) =>
      el('div', { class: 'ev-total', attrs: { 'data-total': key } }, el('dt', { text: label }), el('dd', {}, el('span', { class: 'ev-total-value', text: value }), detail ? el('span', { class: 'ev-total-detail', text: detail }) : null)),
    ),
  );
}

function meetingCell(m) {
  return el(
    'td',
    { class: m.forced ? 'ev-cell ev-forced' : 'ev-cell', attrs: { 'data-enterprise': m.enterprise_id, 'data-participant': m.participant_id, 'data-score': m.score } },
    el('span', { class: 'ev-party ev-ent', text: m.enterprise_name }),
    el('span', { class: 'ev-meets' }, el('span', { text: '↔', attrs: { 'aria-hidden': 'true' } }), el('span', { class: 'sr-only', text: ` ${t('evMeets')} ` })),
    el('span', { class: 'ev-party ev-part', text: m.participant_name }),
    el('span', { class: 'ev-cell-meta' }, el('span', { class: 'ev-score', text: formatScore(m.score), attrs: { title: t('evColScore') } }), forcedBadge(m.forced)),
    topicList(m.topics, GRID_TOPICS),
  );
}

function renderGrid(schedule) {
  const tables = Number(schedule.tables) || 0;
  const bySlot = schedule.slots.map(() => new Map());
  for (const m of schedule.meetings) {
    if (bySlot[m.slot]) bySlot[m.slot].set(m.table, m);
  }
  const head = el('tr', {}, th(t('evColTime')));
  for (let k = 1; k <= tables; k++) head.append(th(t('evColTable', { n: k })));
  const rows = schedule.slots.map((slot, s) => {
    const tr = el('tr', { attrs: { 'data-slot': s } }, th(slotLabel(slot), 'row', 'ev-time'));
    for (let k = 1; k <= tables; k++) {
      const m = bySlot[s].get(k);
      tr.append(m ? meetingCell(m) : el('td', { class: 'ev-cell ev-empty' }, el('span', { class: 'sr-only', text: t('evEmptyTable') })));
    }
    return tr;
  });
  $('ev-grid').replaceChildren(
    el('caption', { id: 'ev-grid-caption', text: t('evGridCaption', { slots: schedule.slots.length, tables }) }),
    el('thead', {}, head),
    el('tbody', {}, ...rows),
  );
}

function allAgendas(schedule) {
  return [...schedule.enterprise_agendas, ...schedule.participant_agendas];
}

function fillAgendaSelect(schedule) {
  const group = (label, agendas) => {
    const g = document.createElement('optgroup');
    g.label = label;
    g.append(...agendas.map((a) => new Option(t('evAgendaOption', { name: a.name || a.id, n: a.meetings.length }), a.id)));
    return g;
  };
  const select = $('ev-agenda-select');
  select.replaceChildren(
    group(t('evAgendaEnterprises'), schedule.enterprise_agendas),
    group(t('evAgendaParticipants'), schedule.participant_agendas.filter((a) => a.meetings.length > 0)),
  );
  if ([...select.options].some((o) => o.value === ev.agendaId)) select.value = ev.agendaId;
  else {
    select.selectedIndex = select.options.length ? 0 : -1;
    ev.agendaId = select.value;
  }
}

/** An agenda as a table (screen and print). */
function agendaTable(agenda, { captionText } = {}) {
  const body = el('tbody');
  for (const m of agenda.meetings) {
    const who = el('td', {}, el('span', { class: 'ev-party', text: m.counterpart_name || m.counterpart_id }));
    if (m.counterpart_institution && m.counterpart_institution !== m.counterpart_name) who.append(el('span', { class: 'ev-inst', text: m.counterpart_institution }));
    const badge = forcedBadge(m.forced);
    if (badge) who.append(' ', badge);
    body.append(
      el(
        'tr',
        { attrs: { 'data-counterpart': m.counterpart_id, 'data-slot': m.slot } },
        th(slotLabel(m), 'row', 'ev-time'),
        el('td', { class: 'num', text: String(m.table) }),
        who,
        el('td', { class: 'num', text: formatScore(m.score) }),
        el('td', {}, topicList(m.topics) || ''),
      ),
    );
  }
  return el(
    'table',
    { class: 'report-table ev-agenda-table' },
    el('caption', { text: captionText || t('evAgendaCaption', { name: agenda.name || agenda.id }) }),
    el('thead', {}, el('tr', {}, th(t('evColTime')), th(t('evColTableShort')), th(t('evColCounterpart')), th(t('evColScore')), th(t('evColTopics')))),
    body,
  );
}

function renderAgenda(schedule) {
  const agenda = allAgendas(schedule).find((a) => a.id === ev.agendaId);
  const box = $('ev-agenda');
  $('ev-export-agenda').disabled = !agenda;
  if (!agenda) {
    box.replaceChildren();
    return;
  }
  const nodes = [];
  if (agenda.meetings.length) nodes.push(agendaTable(agenda));
  else nodes.push(el('p', { class: 'hint', text: `${t('evAgendaCaption', { name: agenda.name || agenda.id })}${t('colon')}${t('evAgendaEmpty')}` }));
  box.replaceChildren(...nodes);
  box.dataset.agenda = agenda.id;
}

function problemsBlock(id, heading, count, noneText, table) {
  const details = el('details', { id, class: 'card ev-problem' }, el('summary', {}, el('h3', { text: heading })));
  if (count === 0) details.append(el('p', { class: 'report-ok', text: noneText }));
  else details.append(el('p', { class: 'hint', text: t('evReasonsNote') }), el('div', { class: 'table-wrap' }, table));
  // Open when short enough to read at a glance (and when empty, to show that all is well).
  details.open = count <= 12;
  return details;
}

function renderProblems(schedule) {
  const unplaced = schedule.unplaced || [];
  const unmet = schedule.unmet || [];
  const unplacedTable = el(
    'table',
    { class: 'report-table' },
    el('caption', { class: 'sr-only', text: t('evUnplacedHeading', { n: unplaced.length }) }),
    el('thead', {}, el('tr', {}, th(t('evColEnterprise')), th(t('evColParticipant')), th(t('evColScore')), th(t('evColReason')))),
    el(
      'tbody',
      {},
      ...unplaced.map((u) =>
        el(
          'tr',
          { attrs: { 'data-enterprise': u.enterprise_id, 'data-participant': u.participant_id } },
          el('td', {}, u.enterprise_name || u.enterprise_id, u.forced ? ' ' : null, forcedBadge(u.forced)),
          el('td', { text: u.participant_name || u.participant_id }),
          el('td', { class: 'num', text: formatScore(u.score) }),
          el('td', { class: 'ev-reason', text: u.reason }),
        ),
      ),
    ),
  );
  const unmetTable = (list, caption) =>
    el(
      'table',
      { class: 'report-table' },
      el('caption', { class: 'sr-only', text: caption }),
      el('thead', {}, el('tr', {}, th(t('evColKind')), th(t('evColParty')), th(t('evColReason')))),
      el(
        'tbody',
        {},
        ...list.map((u) =>
          el(
            'tr',
            { class: `unmet-${u.kind}`, attrs: { 'data-kind': u.kind, 'data-id': u.id } },
            el('td', { text: t(`evUnmet_${u.kind}`) }),
            el('td', {}, u.name || u.id, u.counterpart_id ? ` ↔ ${u.counterpart_id}` : null),
            el('td', { class: 'ev-reason', text: u.reason }),
          ),
        ),
      ),
    );
  // The enterprises' unmet requests matter most; participants without any
  // possible partner (often many, with a high minimum score) come apart.
  const ents = unmet.filter((u) => u.side !== 'participant');
  const parts = unmet.filter((u) => u.side === 'participant');
  const blocks = [
    problemsBlock('ev-unplaced', t('evUnplacedHeading', { n: unplaced.length }), unplaced.length, t('evNoneUnplaced'), unplacedTable),
    problemsBlock('ev-unmet', t('evUnmetHeading', { n: ents.length }), ents.length, t('evNoneUnmet'), unmetTable(ents, t('evUnmetHeading', { n: ents.length }))),
  ];
  if (parts.length) blocks.push(problemsBlock('ev-unmet-participants', t('evUnmetParticipantsHeading', { n: parts.length }), parts.length, '', unmetTable(parts, t('evUnmetParticipantsHeading', { n: parts.length }))));
  $('ev-problems').replaceChildren(...blocks);
}

function renderResult() {
  const result = ev.result;
  $('ev-results').hidden = !result;
  if (!result) {
    $('ev-status').textContent = '';
    return;
  }
  const { schedule } = result;
  $('ev-status').textContent = t('evDone', { n: schedule.totals.meetings, time: formatElapsed(result.elapsed) });
  $('ev-results-heading').textContent = t('evResultsHeading', { name: schedule.name });
  renderTotals(result);
  renderGrid(schedule);
  fillAgendaSelect(schedule);
  renderAgenda(schedule);
  renderProblems(schedule);
}

// ---- exports and printing ------------------------------------------------------------

function fileSafe(s) {
  return String(s).replace(/[^\w.-]+/g, '_').slice(0, 60) || 'agenda';
}

async function guardedExport(fn) {
  ctx.clearError();
  try {
    await fn();
  } catch (err) {
    ctx.showError(err, t('evErrorContext'));
  }
}

function exportTimetable() {
  if (!ev.result) return;
  const { schedule } = ev.result;
  guardedExport(async () => download(`coopmatch-timetable-${stamp()}.csv`, 'text/csv;charset=utf-8', await timetableCsvOf(schedule)));
}

function exportAgenda() {
  if (!ev.result || !ev.agendaId) return;
  const { schedule } = ev.result;
  const id = ev.agendaId;
  guardedExport(async () => download(`coopmatch-agenda-${fileSafe(id)}-${stamp()}.csv`, 'text/csv;charset=utf-8', await agendaCsvOf(schedule, id)));
}

function exportJson() {
  if (!ev.result) return;
  const r = ev.result;
  const api = ctx.api();
  const doc = {
    tool: 'coopmatch',
    engineVersion: api && api.version ? api.version() : null,
    exportedAt: new Date().toISOString(),
    event: r.spec,
    enterprises: r.challengeIds,
    participants: { kinds: r.kinds, count: r.participants },
    elapsedMs: Math.round(r.elapsed),
    schedule: r.schedule,
  };
  guardedExport(() => download(`coopmatch-schedule-${stamp()}.json`, 'application/json', `${JSON.stringify(doc, null, 2)}\n`));
}

/** Every enterprise agenda and every participant agenda with meetings, one per printed page. */
function renderPrintAgendas() {
  const container = $('print-agendas');
  if (!ev.result) {
    container.replaceChildren();
    return;
  }
  const { schedule } = ev.result;
  const agendas = [...schedule.enterprise_agendas, ...schedule.participant_agendas.filter((a) => a.meetings.length > 0)];
  container.replaceChildren(
    ...agendas.map((a) => {
      const head = el(
        'header',
        { class: 'print-head' },
        el('p', { class: 'print-event', text: schedule.name }),
        el('h2', { text: a.name || a.id }),
        el('p', { class: 'print-meta', text: [t(`evPrintSide_${a.side}`), a.institution && a.institution !== a.name ? a.institution : null, a.id].filter(Boolean).join(' · ') }),
      );
      const body = a.meetings.length ? agendaTable(a, { captionText: t('evAgendaCaption', { name: a.name || a.id }) }) : el('p', { text: t('evAgendaEmpty') });
      return el('section', { class: 'print-agenda', attrs: { 'data-id': a.id, 'data-side': a.side } }, head, body);
    }),
  );
}

function printAgendas() {
  if (!ev.result) return;
  renderPrintAgendas();
  document.body.classList.add('printing-agendas');
  window.print();
}

// ---- wiring -----------------------------------------------------------------------------

/**
 * Sets the view up. c = { api, matcher, samples } (getters, since the engine
 * loads later) and showError/clearError of the page's alert region.
 */
export function initEvent(c) {
  ctx = c;
  renderSlots(generateSlots());

  for (const id of ['ev-start', 'ev-length', 'ev-break', 'ev-slot-count']) $(id).addEventListener('change', regenerate);
  $('ev-generate').addEventListener('click', regenerate);
  $('ev-add-slot').addEventListener('click', addSlot);
  $('ev-slots').addEventListener('click', (event) => {
    const button = event.target.closest('.slot-remove');
    if (!button) return;
    const row = button.closest('tr');
    const index = [...row.parentElement.children].indexOf(row);
    row.remove();
    relabelSlots();
    // Focus stays in the list: on the row that took the removed one's place.
    const buttons = document.querySelectorAll('#ev-slots .slot-remove');
    (buttons[Math.min(index, buttons.length - 1)] || $('ev-add-slot')).focus();
  });

  for (const id of ['ev-time-form', 'ev-rules-form', 'ev-parties-form']) {
    const form = $(id);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      run();
    });
    form.addEventListener('input', markStale);
    form.addEventListener('change', markStale);
  }

  $('ev-event-file').addEventListener('change', async (event) => {
    await loadEventFile(event.target.files && event.target.files[0]);
    event.target.value = '';
  });
  $('ev-export-event').addEventListener('click', exportEvent);
  $('ev-extra-clear').addEventListener('click', () => {
    ev.extra = {};
    renderExtra();
    markStale();
  });

  $('ev-enterprises').addEventListener('change', (event) => {
    const box = event.target;
    if (box.name !== 'ev-enterprise') return;
    if (box.checked) ev.unchecked.delete(box.value);
    else ev.unchecked.add(box.value);
    renderCounts();
  });
  const setAll = (checked) => {
    ev.unchecked = checked ? new Set() : new Set(challenges().map((x) => x.id));
    for (const box of document.querySelectorAll('#ev-enterprises input')) box.checked = checked;
    renderCounts();
    markStale();
  };
  $('ev-select-all').addEventListener('click', () => setAll(true));
  $('ev-select-none').addEventListener('click', () => setAll(false));
  $('ev-challenges-file').addEventListener('change', async (event) => {
    await importChallenges(event.target.files && event.target.files[0]);
    event.target.value = '';
  });
  $('ev-use-samples').addEventListener('click', useSamples);
  for (const box of document.querySelectorAll('#ev-parties-form input[name="ev-kind"]')) box.addEventListener('change', renderCounts);

  $('ev-run').addEventListener('click', run);
  $('ev-agenda-select').addEventListener('change', (event) => {
    ev.agendaId = event.target.value;
    if (ev.result) renderAgenda(ev.result.schedule);
  });
  $('ev-export-timetable').addEventListener('click', exportTimetable);
  $('ev-export-agenda').addEventListener('click', exportAgenda);
  $('ev-export-json').addEventListener('click', exportJson);
  $('ev-print').addEventListener('click', printAgendas);
  window.addEventListener('afterprint', () => document.body.classList.remove('printing-agendas'));

  return {
    /** The loaded profiles or the sample challenges changed. */
    onDataChange() {
      ev.dataVersion += 1;
      if (ev.sub) {
        ev.sub.matcher.free();
        ev.sub = null;
      }
      renderEnterprises();
      markStale();
    },
    /** The interface language changed. */
    rerender() {
      relabelSlots();
      renderExtra();
      renderEnterprises();
      if (ev.importReport) renderReport($('ev-challenges-report'), ev.importReport.report, ev.importReport.fileName);
      renderResult();
      if (document.body.classList.contains('printing-agendas')) renderPrintAgendas();
    },
  };
}
