// Issue #4's scale case in the browser: 300 enterprises × 1,000
// participants, 12 slots, 60 tables, every constraint type in use,
// planned the way the page's Event view plans (matcher scores, then the
// scheduler module, then meeting topics). Reports window.benchResult.
import init, { Matcher } from '../../www/pkg/coopmatch.js';
import { planEvent } from '../../www/event-engine.js';

const base = '../../target/bench-data/browser/';
const lines = async f => (await (await fetch(base + f)).text()).split('\n').filter(l => l.trim()).map(l => JSON.parse(l));

async function main() {
  await init();
  const all = await lines('profiles.jsonl');
  const profiles = all.slice(0, 1000).map((p, i) => ({ ...p, institution: `University ${i % 40}` }));
  // 300 challenges: the corpus's own, then works of profiles not in the event.
  const own = await lines('challenges.jsonl');
  const extra = all.slice(1000, 1000 + 300 - own.length)
    .map((p, i) => ({ id: `x${i}`, title: p.works[0].title, description: p.works[0].abstract }));
  const challenges = [...own, ...extra].slice(0, 300).map((c, i) => ({ ...c, enterprise: `Enterprise ${i % 250}` }));
  const m = new Matcher();
  m.loadProfiles(profiles);
  const slots = Array.from({ length: 12 }, (_, i) => {
    const t = 9 * 60 + i * 20;
    const hm = x => `${String(Math.floor(x / 60)).padStart(2, '0')}:${String(x % 60).padStart(2, '0')}`;
    return { start: hm(t), end: hm(t + 20) };
  });
  const spec = {
    name: 'scale', slots, tables: 60,
    meetings_per_enterprise: { min: 1, max: 3 }, meetings_per_participant: { max: 4 },
    unavailable: { [profiles[0].id]: [0, 1], [challenges[0].id]: ['09:00'] },
    conflicts: [[challenges[1].id, profiles[1].id]],
    avoid_same_institution: true,
    forced: [[challenges[2].id, profiles[2].id]],
    excluded: [[challenges[3].id, profiles[3].id]],
    limits: { [profiles[4].id]: { max: 2 } },
    min_score: 0.05, fairness: true,
  };
  // The scores alone, for the breakdown (planEvent computes them again).
  const s0 = performance.now();
  m.eventInput(challenges);
  const scoreMs = performance.now() - s0;
  const t0 = performance.now();
  const schedule = await planEvent(m, spec, challenges);
  const ms = performance.now() - t0;
  window.benchResult = {
    lib: 'coopmatch-event-chromium', enterprises: challenges.length, participants: profiles.length,
    slots: 12, tables: 60, plan_ms: Math.round(ms), of_which_scoring_ms: Math.round(scoreMs), meetings: schedule.totals.meetings,
    slots_used: schedule.totals.slots_used, unplaced: schedule.totals.unplaced,
  };
  document.getElementById('status').textContent = JSON.stringify(window.benchResult);
}
main().catch(e => { window.benchResult = { error: String(e && e.message || e) }; });
