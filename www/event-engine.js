// The event planner: scores come from the page's matcher, the planning
// from the scheduler's own WASM module (./pkg-event/), loaded the first
// time an event is planned so the matcher module everyone loads stays small.
let scheduler = null;

async function loadScheduler() {
  if (!scheduler) {
    const mod = await import('./pkg-event/coopmatch_event.js');
    await mod.default();
    scheduler = mod;
  }
  return scheduler;
}

/**
 * Plans the one-to-one meetings of an event between the challenges'
 * enterprises and every profile loaded in `matcher`, and adds to each
 * meeting the words that carried its score, for the agenda.
 * Throws an Error with a readable message on a bad event.
 */
export async function planEvent(matcher, spec, challenges) {
  const s = await loadScheduler();
  const input = matcher.eventInput(challenges);
  const schedule = s.planSchedule(spec, input.enterprises, input.participants,
    input.enterprise, input.participant, input.score);
  // Topics: every planned pair, explained one challenge at a time (the
  // engine scores each challenge once for all its meetings).
  const wanted = new Map();
  for (const m of [...schedule.meetings, ...schedule.unplaced]) {
    if (!wanted.has(m.enterprise_id)) wanted.set(m.enterprise_id, new Set());
    wanted.get(m.enterprise_id).add(m.participant_id);
  }
  const found = new Map();
  for (const c of challenges) {
    const ids = wanted.get(String(c.id));
    if (!ids) continue;
    const list = [...ids];
    matcher.topics(c, list).forEach((t, i) => found.set(`${c.id}\u0000${list[i]}`, t));
  }
  const topics = (e, p) => found.get(`${e}\u0000${p}`) || [];
  for (const m of [...schedule.meetings, ...schedule.unplaced]) m.topics = topics(m.enterprise_id, m.participant_id);
  for (const a of schedule.enterprise_agendas) for (const e of a.meetings) e.topics = topics(a.id, e.counterpart_id);
  for (const a of schedule.participant_agendas) for (const e of a.meetings) e.topics = topics(e.counterpart_id, a.id);
  return schedule;
}

/** The whole timetable as CSV text (UTF-8 BOM, formulas neutralised). */
export async function timetableCsv(schedule) {
  return (await loadScheduler()).timetableCsv(schedule);
}

/** One enterprise's or participant's agenda as CSV text. */
export async function agendaCsv(schedule, partyId) {
  return (await loadScheduler()).agendaCsv(schedule, partyId);
}
