// The matchmaking "Event" view end to end, in one browser session (Chinese
// interface) on the demo data (24 sample challenges as enterprises, every
// loaded profile as research participants): the slot generator, planning
// 4 slots × 12 tables with at least one meeting per enterprise (the grid,
// nobody twice in a slot, totals), agendas, the CSV and JSON exports,
// printing one agenda per page, errors in the alert region (the engine's
// and the page's own), an event file with forced and unavailable
// constraints, the kind filter, imported challenges, the language switch,
// 360 px, and — over the whole session — no request off the origin, no CSP
// violation, no console error. Writes target/screenshots/event.png and
// event-agendas.pdf. The tests run in order and share the page.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { openPage, foreignRequests, parseCsv, screenshotPath, textContrast } from './harness.mjs';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let s; // the session: { page, log, origin, baseUrl, close }
let demo; // { profiles, challenges } as the page loads them
let planned; // what test 3 planned: { meetings: [{ slot, table, enterprise, participant }] }

before(async () => {
  s = await openPage({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
  const get = async (path) => JSON.parse(await (await fetch(new URL(path, s.baseUrl))).text());
  demo = { profiles: await get('demo/profiles.json'), challenges: await get('demo/challenges.json') };
});

after(async () => {
  await s?.close();
});

/** Sets a field's value and fires input + change, as typing and leaving it does. */
async function setField(page, selector, value) {
  await page.$eval(
    selector,
    (el, v) => {
      el.value = v;
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    },
    String(value),
  );
}

async function setEvent(page, { start, length, pause, slots, tables, min, max = '', partMax = '', minScore = '0' }) {
  if (start !== undefined) await setField(page, '#ev-start', start);
  if (length !== undefined) await setField(page, '#ev-length', length);
  if (pause !== undefined) await setField(page, '#ev-break', pause);
  if (slots !== undefined) await setField(page, '#ev-slot-count', slots);
  if (tables !== undefined) await setField(page, '#ev-tables', tables);
  if (min !== undefined) await setField(page, '#ev-ent-min', min);
  await setField(page, '#ev-ent-max', max);
  await setField(page, '#ev-part-max', partMax);
  await setField(page, '#ev-min-score', minScore);
}

/** Presses "plan" and waits until the run has finished (planned, or refused with an error). */
async function plan(page) {
  const runs = Number((await page.getAttribute('#view-event', 'data-runs')) || 0);
  await page.click('#ev-run');
  await page.waitForFunction((n) => Number(document.getElementById('view-event').dataset.runs || 0) > n, runs, { timeout: 30_000 });
}

/** The grid as the page shows it: rows of { label, cells: [{ table, enterprise, participant, score, text }] }. */
function readGrid(page) {
  return page.$$eval('#ev-grid tbody tr', (trs) =>
    trs.map((tr) => ({
      slot: Number(tr.dataset.slot),
      label: tr.querySelector('th[scope="row"]').textContent,
      cells: [...tr.querySelectorAll('td')].map((td, i) => ({
        table: i + 1,
        enterprise: td.dataset.enterprise || null,
        participant: td.dataset.participant || null,
        score: td.dataset.score ? Number(td.dataset.score) : null,
        shownScore: td.querySelector('.ev-score')?.textContent ?? null,
        forced: td.classList.contains('ev-forced'),
        text: td.textContent,
      })),
    })),
  );
}

function meetingsOf(grid) {
  return grid.flatMap((row) => row.cells.filter((c) => c.enterprise).map((c) => ({ slot: row.slot, label: row.label, ...c })));
}

/** Nobody (enterprise or participant) twice in one slot row. */
function assertNoDoubleBooking(grid) {
  for (const row of grid) {
    for (const side of ['enterprise', 'participant']) {
      const ids = row.cells.map((c) => c[side]).filter(Boolean);
      assert.equal(new Set(ids).size, ids.length, `${side} twice in slot ${row.label}: ${ids}`);
    }
  }
}

async function downloadText(page, selector) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return { name: download.suggestedFilename(), text: await readFile(await download.path(), 'utf8') };
}

async function expectError(page, pattern) {
  await page.waitForSelector('#error:not([hidden])');
  assert.equal(await page.getAttribute('#error', 'role'), 'alert');
  const text = await page.textContent('#error-text');
  assert.match(text, pattern);
  await page.click('#error-dismiss');
  assert.equal(await page.isHidden('#error'), true);
  return text;
}

test('1. the Event tab opens with every sample challenge chosen and every loaded profile taking part', async () => {
  const { page } = s;
  await page.click('#tab-event');
  assert.equal(await page.getAttribute('#tab-event', 'aria-selected'), 'true');
  assert.equal(await page.textContent('#tab-event'), '对接会排期');
  assert.equal(await page.isVisible('#view-event'), true);
  assert.equal(await page.isHidden('#view-match'), true);
  assert.equal(await page.isHidden('#view-reverse'), true);
  // Roving tabindex over the three tabs; the keyboard reaches the new one.
  assert.deepEqual(await page.$$eval('[role="tab"]', (ts) => ts.map((t) => t.tabIndex)), [-1, -1, 0]);
  await page.focus('#tab-event');
  await page.keyboard.press('Home');
  assert.equal(await page.getAttribute('#tab-match', 'aria-selected'), 'true');
  await page.keyboard.press('End');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-event');
  assert.equal(await page.isVisible('#view-event'), true);

  assert.equal(demo.challenges.length, 24);
  assert.equal(await page.locator('#ev-enterprises input[type="checkbox"]').count(), 24);
  assert.equal(await page.locator('#ev-enterprises input:checked').count(), 24);
  assert.equal(await page.textContent('#ev-enterprise-count'), '已选 24 / 24 家');
  const loaded = Number(await page.textContent('#profile-count'));
  assert.equal(loaded, demo.profiles.length);
  assert.equal(await page.textContent('#ev-participant-count'), `参加 ${loaded} 项，已加载 ${loaded} 项`);
  // Default slots: generated from 09:00, 20 minutes, 5 minutes' break.
  const slots = await page.$$eval('#ev-slots tbody tr', (trs) => trs.map((tr) => [tr.querySelector('.slot-start').value, tr.querySelector('.slot-end').value]));
  assert.deepEqual(slots.slice(0, 2), [['09:00', '09:20'], ['09:25', '09:45']]);
  assert.equal(slots.length, Number(await page.inputValue('#ev-slot-count')));
  // Every slot input has its own accessible name.
  const names = await page.$$eval('#ev-slots input, #ev-slots button', (xs) => xs.map((x) => x.getAttribute('aria-label')));
  assert.equal(new Set(names).size, names.length);
  assert.ok(names.every(Boolean));
  assert.equal(await page.isHidden('#ev-results'), true);
});

test('2. the slot list is generated from start, length, break and count, and can be edited', async () => {
  const { page } = s;
  await setEvent(page, { start: '13:30', length: 15, pause: 0, slots: 3 });
  const read = () => page.$$eval('#ev-slots tbody tr', (trs) => trs.map((tr) => `${tr.querySelector('.slot-start').value}-${tr.querySelector('.slot-end').value}`));
  assert.deepEqual(await read(), ['13:30-13:45', '13:45-14:00', '14:00-14:15']);
  assert.equal(await page.textContent('#ev-slots caption'), '时段列表（3 个）');
  await page.click('#ev-add-slot');
  assert.deepEqual(await read(), ['13:30-13:45', '13:45-14:00', '14:00-14:15', '14:15-14:30']);
  assert.equal(await page.inputValue('#ev-slot-count'), '4');
  // The new row's start field has the focus, for typing.
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), '第 4 个时段的开始');
  await page.click('#ev-slots tbody tr:nth-child(2) .slot-remove');
  assert.deepEqual(await read(), ['13:30-13:45', '14:00-14:15', '14:15-14:30']);
  assert.equal(await page.inputValue('#ev-slot-count'), '3');
  assert.equal(await page.getAttribute('#ev-slots tbody tr:nth-child(2) .slot-start', 'aria-label'), '第 2 个时段的开始');
  // Crossing midnight wraps.
  await setEvent(page, { start: '23:50', length: 20, pause: 0, slots: 2 });
  assert.deepEqual(await read(), ['23:50-00:10', '00:10-00:30']);
});

test('3. 4 slots × 12 tables, at least 1 meeting per enterprise: a grid without double bookings, and totals', async () => {
  const { page } = s;
  await setEvent(page, { start: '09:00', length: 20, pause: 5, slots: 4, tables: 12, min: 1 });
  await page.check('#ev-fairness');
  await plan(page);
  assert.equal(await page.isVisible('#error'), false, await page.textContent('#error'));
  assert.equal(await page.isVisible('#ev-results'), true);
  const status = await page.textContent('#ev-status');
  assert.match(status, /^已排出 \d+ 场会谈，用时 [\d.]+ (毫秒|秒)$/);
  assert.equal(await page.getAttribute('#ev-status', 'aria-live'), 'polite');

  // The grid: a caption, column headers per table, a row header per slot with its times.
  assert.equal(await page.textContent('#ev-grid caption'), '时间表：4 个时段 × 12 张桌');
  const heads = await page.$$eval('#ev-grid thead th', (ths) => ths.map((th) => [th.getAttribute('scope'), th.textContent]));
  assert.deepEqual(heads, [['col', '时间'], ...Array.from({ length: 12 }, (_, i) => ['col', `${i + 1} 号桌`])]);
  const grid = await readGrid(page);
  assert.deepEqual(grid.map((r) => r.label), ['09:00–09:20', '09:25–09:45', '09:50–10:10', '10:15–10:35']);
  assert.ok(grid.every((r) => r.cells.length === 12));
  const meetings = meetingsOf(grid);
  assert.ok(meetings.length >= 24, `only ${meetings.length} meetings`);
  assert.ok(meetings.length <= 48);
  assertNoDoubleBooking(grid);
  // Each cell names both sides with their names, a score and topics.
  const enterpriseName = new Map(demo.challenges.map((c) => [c.id, c.enterprise]));
  const participantName = new Map(demo.profiles.map((p) => [String(p.id), p.name]));
  for (const m of meetings) {
    assert.ok(m.text.includes(enterpriseName.get(m.enterprise)), `cell ${m.text} lacks ${enterpriseName.get(m.enterprise)}`);
    assert.ok(m.text.includes(participantName.get(m.participant)), `cell ${m.text} lacks ${participantName.get(m.participant)}`);
    assert.ok(m.score > 0 && m.score <= 1, `score ${m.score}`);
    assert.equal(m.shownScore, m.score.toFixed(2));
  }
  assert.ok((await page.locator('#ev-grid td .ev-topics li').count()) >= meetings.length, 'meetings without topics');
  // Minimum 1: every enterprise meets someone.
  assert.deepEqual(new Set(meetings.map((m) => m.enterprise)), new Set(demo.challenges.map((c) => c.id)));
  // A participant never meets the same enterprise twice.
  const pairs = meetings.map((m) => `${m.enterprise}|${m.participant}`);
  assert.equal(new Set(pairs).size, pairs.length);

  // Totals agree with the grid.
  const total = (key) => page.textContent(`#ev-totals [data-total="${key}"] .ev-total-value`);
  assert.equal(Number(await total('meetings')), meetings.length);
  assert.ok(status.includes(`已排出 ${meetings.length} 场会谈`));
  const usedSlots = new Set(meetings.map((m) => m.slot)).size;
  assert.equal(Number(await total('slots')), usedSlots);
  assert.match(await page.textContent('#ev-totals [data-total="slots"]'), /共 4 个，至少需要 \d+ 个/);
  const mean = meetings.reduce((a, m) => a + m.score, 0) / meetings.length;
  assert.equal(await total('mean'), mean.toFixed(2));
  assert.equal(await total('enterprises'), '24 / 24');
  assert.equal(await total('participants'), `${new Set(meetings.map((m) => m.participant)).size} / ${demo.profiles.length}`);
  const worstBest = Math.min(...demo.challenges.map((c) => Math.max(...meetings.filter((m) => m.enterprise === c.id).map((m) => m.score))));
  assert.equal(await total('fairness'), worstBest.toFixed(2));
  assert.match(await total('elapsed'), /^[\d.]+ (毫秒|秒)$/);
  assert.match(await page.textContent('#ev-unplaced summary'), /未能排入时间表的会谈（0）/);
  assert.match(await page.textContent('#ev-results-heading'), /^排期结果：校企技术对接会$/);
  assert.equal(await page.isHidden('#ev-stale'), true);
  // Unchanged settings plan the same schedule again.
  await plan(page);
  assert.deepEqual(meetingsOf(await readGrid(page)).map((m) => [m.slot, m.table, m.enterprise, m.participant]), meetings.map((m) => [m.slot, m.table, m.enterprise, m.participant]));
  planned = { meetings };

  // The screenshot, for people to look at.
  const path = await screenshotPath('event.png');
  await page.screenshot({ path, fullPage: true });
  const bytes = await readFile(path);
  assert.ok(bytes.subarray(0, 8).equals(PNG));
  assert.ok(bytes.length > 50_000, `event.png is suspiciously small (${bytes.length} bytes)`);
});

test('4. the agenda select shows an enterprise\'s and a participant\'s agenda, matching the grid', async () => {
  const { page } = s;
  const { meetings } = planned;
  const groups = await page.$$eval('#ev-agenda-select optgroup', (gs) => gs.map((g) => [g.label, g.children.length]));
  assert.deepEqual(groups, [['企业', 24], ['成果方（有会谈的）', new Set(meetings.map((m) => m.participant)).size]]);
  // An enterprise with the most meetings.
  const count = (id, side) => meetings.filter((m) => m[side] === id).length;
  const ent = [...new Set(meetings.map((m) => m.enterprise))].sort((a, b) => count(b, 'enterprise') - count(a, 'enterprise'))[0];
  await page.selectOption('#ev-agenda-select', ent);
  assert.equal(await page.getAttribute('#ev-agenda', 'data-agenda'), ent);
  const name = demo.challenges.find((c) => c.id === ent).enterprise;
  assert.equal(await page.textContent('#ev-agenda caption'), `${name} 的日程`);
  const heads = await page.$$eval('#ev-agenda thead th', (ths) => ths.map((th) => [th.getAttribute('scope'), th.textContent]));
  assert.deepEqual(heads, [['col', '时间'], ['col', '桌号'], ['col', '对接方'], ['col', '匹配度'], ['col', '话题']]);
  const rows = await page.$$eval('#ev-agenda tbody tr', (trs) => trs.map((tr) => ({ who: tr.dataset.counterpart, time: tr.querySelector('th').textContent, table: Number(tr.cells[1].textContent) })));
  const expected = meetings.filter((m) => m.enterprise === ent).map((m) => ({ who: m.participant, time: m.label, table: m.table }));
  assert.deepEqual(rows, expected);
  assert.ok(rows.length >= 1);
  // A participant's agenda.
  const part = meetings[meetings.length - 1].participant;
  await page.selectOption('#ev-agenda-select', part);
  const prow = await page.$$eval('#ev-agenda tbody tr', (trs) => trs.map((tr) => [tr.dataset.counterpart, tr.querySelector('th').textContent]));
  assert.deepEqual(prow, meetings.filter((m) => m.participant === part).map((m) => [m.enterprise, m.label]));
  assert.match(await page.textContent('#ev-agenda'), new RegExp(demo.profiles.find((p) => String(p.id) === part).name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  await page.selectOption('#ev-agenda-select', ent);
});

test('5. exports: the timetable CSV (with BOM) matches the grid; an agenda CSV; everything as JSON; the settings as an event file', async () => {
  const { page } = s;
  const { meetings } = planned;
  const timetable = await downloadText(page, '#ev-export-timetable');
  assert.match(timetable.name, /^coopmatch-timetable-.*\.csv$/);
  assert.equal(timetable.text.charCodeAt(0), 0xfeff, 'no BOM');
  const rows = parseCsv(timetable.text.slice(1));
  assert.deepEqual(rows[0], ['start', 'end', 'table', 'enterprise_id', 'enterprise', 'participant_id', 'participant', 'score', 'topics', 'forced']);
  assert.equal(rows.length - 1, meetings.length);
  const fromCsv = rows.slice(1).map((r) => `${r[0]}–${r[1]}|${r[2]}|${r[3]}|${r[5]}`).sort();
  const fromGrid = meetings.map((m) => `${m.label}|${m.table}|${m.enterprise}|${m.participant}`).sort();
  assert.deepEqual(fromCsv, fromGrid);

  const ent = await page.inputValue('#ev-agenda-select');
  const agenda = await downloadText(page, '#ev-export-agenda');
  assert.ok(agenda.name.startsWith(`coopmatch-agenda-${ent}-`) && agenda.name.endsWith('.csv'), agenda.name);
  assert.equal(agenda.text.charCodeAt(0), 0xfeff);
  const arows = parseCsv(agenda.text.slice(1));
  assert.equal(arows[0][3], 'counterpart_id');
  assert.deepEqual(arows.slice(1).map((r) => r[3]), meetings.filter((m) => m.enterprise === ent).map((m) => m.participant));

  const json = await downloadText(page, '#ev-export-json');
  assert.match(json.name, /^coopmatch-schedule-.*\.json$/);
  const doc = JSON.parse(json.text);
  assert.equal(doc.tool, 'coopmatch');
  assert.equal(doc.schedule.meetings.length, meetings.length);
  assert.equal(doc.event.tables, 12);
  assert.equal(doc.event.slots.length, 4);
  assert.deepEqual(doc.event.meetings_per_enterprise, { min: 1 });
  assert.equal(doc.enterprises.length, 24);
  assert.equal(doc.participants.count, demo.profiles.length);

  const event = await downloadText(page, '#ev-export-event');
  assert.match(event.name, /^coopmatch-event-.*\.json$/);
  const spec = JSON.parse(event.text);
  assert.deepEqual(spec.slots, [
    { start: '09:00', end: '09:20' },
    { start: '09:25', end: '09:45' },
    { start: '09:50', end: '10:10' },
    { start: '10:15', end: '10:35' },
  ]);
  assert.equal(spec.tables, 12);
  assert.equal(spec.fairness, true);
});

test('6. "Print agendas" prints every agenda, one per page, and nothing else', async () => {
  const { page } = s;
  const { meetings } = planned;
  await page.evaluate(() => {
    window.__printed = 0;
    window.print = () => {
      window.__printed += 1;
    };
  });
  assert.equal(await page.isHidden('#print-agendas'), true, 'the print container shows on screen');
  await page.click('#ev-print');
  assert.equal(await page.evaluate(() => window.__printed), 1);
  const agendas = 24 + new Set(meetings.map((m) => m.participant)).size;
  const sections = await page.$$eval('#print-agendas .print-agenda', (xs) => xs.map((x) => [x.dataset.side, x.dataset.id, x.querySelectorAll('tbody tr').length]));
  assert.equal(sections.length, agendas);
  assert.equal(sections.filter((x) => x[0] === 'enterprise').length, 24);
  assert.equal(sections.reduce((a, x) => a + x[2], 0), 2 * meetings.length, 'each meeting is on both agendas');
  assert.equal(await page.isHidden('#print-agendas'), true, 'still hidden on screen');

  await page.emulateMedia({ media: 'print' });
  try {
    await expectPrinted(page, agendas);
  } finally {
    await page.emulateMedia({ media: 'screen' });
  }
  await page.evaluate(() => window.dispatchEvent(new Event('afterprint')));
  assert.equal(await page.evaluate(() => document.body.classList.contains('printing-agendas')), false);
});

/** In print media: only the agendas show, one per page of the PDF Chromium prints. */
async function expectPrinted(page, agendas) {
  assert.equal(await page.isVisible('#print-agendas'), true);
  for (const chrome of ['.site-header', '.tabs', '#view-event', '.site-footer', '.notice']) {
    assert.equal(await page.isHidden(chrome), true, `${chrome} is printed`);
  }
  assert.equal(await page.$eval('#print-agendas .print-agenda', (x) => getComputedStyle(x).breakAfter), 'page');
  // The PDF Chromium prints has one page per agenda.
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  await writeFile(await screenshotPath('event-agendas.pdf'), pdf);
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) || []).length;
  assert.equal(pages, agendas, `${pages} PDF pages for ${agendas} agendas`);
}

test('7. bad settings show the engine\'s message, or the page\'s own, in the alert region', async () => {
  const { page } = s;
  // 24 enterprises need at least 24 meetings; 2 slots × 10 tables have 20 places.
  await setEvent(page, { slots: 2, tables: 10, min: 1 });
  assert.equal(await page.isVisible('#ev-stale'), true, 'no stale notice after changing the settings');
  await plan(page);
  await expectError(page, /^出错了： 排期: event: the enterprises need at least 24 meetings in total \(sum of their minimums\) but the event has only 2 slots × 10 tables = 20 meeting places$/);
  // The last schedule stays on the page, flagged as out of date.
  assert.equal(meetingsOf(await readGrid(page)).length, planned.meetings.length);
  assert.equal(await page.isVisible('#ev-stale'), true);
  // More per-enterprise minimum than slots.
  await setEvent(page, { slots: 3, tables: 12, min: 4 });
  await plan(page);
  await expectError(page, /meetings_per_enterprise\.min \(4\) is more than the number of slots \(3\)/);
  // min above max.
  await setEvent(page, { slots: 4, tables: 12, min: 2, max: 1 });
  await plan(page);
  await expectError(page, /meetings_per_enterprise\.min \(2\) is greater than max \(1\)/);
  // The page's own checks name the field, in the interface language.
  await setEvent(page, { slots: 4, tables: '2.5', min: 1 });
  await plan(page);
  await expectError(page, /“桌数”应为不小于 1 的整数（现为“2\.5”）/);
  await setEvent(page, { tables: 12, min: 1, minScore: '1.5' });
  await plan(page);
  await expectError(page, /“最低匹配度（0–1）”应为 0 到 1 之间的数/);
  await setEvent(page, { tables: 12, min: 1 });
  await page.click('#ev-select-none');
  assert.equal(await page.textContent('#ev-enterprise-count'), '已选 0 / 24 家');
  await plan(page);
  await expectError(page, /请至少选择一家企业/);
  await page.click('#ev-select-all');
  assert.equal(await page.locator('#ev-enterprises input:checked').count(), 24);
});

test('8. an event file sets the form and adds forced and unavailable constraints; an unknown field is named', async () => {
  const { page } = s;
  const forcedParticipant = String(demo.profiles[demo.profiles.length - 1].id);
  const file = {
    name: '测试对接会',
    slots: [
      { start: '14:00', end: '14:15' },
      { start: '14:20', end: '14:35' },
      { start: '14:40', end: '14:55' },
    ],
    tables: 10,
    meetings_per_enterprise: { min: 1, max: 2 },
    meetings_per_participant: { max: 1 },
    min_score: 0.05,
    fairness: false,
    forced: [['ch-05', forcedParticipant]],
    unavailable: { 'ch-01': ['14:00', 1] },
  };
  await page.setInputFiles('#ev-event-file', { name: 'event.json', mimeType: 'application/json', buffer: Buffer.from(`\uFEFF${JSON.stringify(file)}`) });
  await page.waitForFunction(() => document.getElementById('ev-tables').value === '10');
  assert.equal(await page.inputValue('#ev-name'), '测试对接会');
  assert.equal(await page.inputValue('#ev-start'), '14:00');
  assert.equal(await page.inputValue('#ev-length'), '15');
  assert.equal(await page.inputValue('#ev-break'), '5');
  assert.equal(await page.inputValue('#ev-slot-count'), '3');
  assert.equal(await page.inputValue('#ev-ent-max'), '2');
  assert.equal(await page.inputValue('#ev-part-max'), '1');
  assert.equal(await page.inputValue('#ev-min-score'), '0.05');
  assert.equal(await page.isChecked('#ev-fairness'), false);
  assert.equal(await page.isVisible('#ev-extra'), true);
  assert.match(await page.textContent('#ev-extra-text'), /1 方有不可到场的时段.*1 对必须安排的会谈/);
  await plan(page);
  assert.equal(await page.isVisible('#error'), false, await page.textContent('#error'));
  const grid = await readGrid(page);
  assert.deepEqual(grid.map((r) => r.label), ['14:00–14:15', '14:20–14:35', '14:40–14:55']);
  assertNoDoubleBooking(grid);
  const meetings = meetingsOf(grid);
  const forced = meetings.filter((m) => m.forced);
  assert.deepEqual(forced.map((m) => [m.enterprise, m.participant]), [['ch-05', forcedParticipant]]);
  assert.match(forced[0].text, /指定/);
  // ch-01 only in its one free slot (the third).
  assert.ok(meetings.filter((m) => m.enterprise === 'ch-01').every((m) => m.slot === 2), 'ch-01 met in an unavailable slot');
  // Limits: at most 2 per enterprise, 1 per participant, scores >= 0.05 unless forced.
  const per = (side) => Object.values(meetings.reduce((a, m) => ({ ...a, [m[side]]: (a[m[side]] || 0) + 1 }), {}));
  assert.ok(per('enterprise').every((n) => n <= 2));
  assert.ok(per('participant').every((n) => n === 1));
  assert.ok(meetings.every((m) => m.forced || m.score >= 0.05));
  assert.match(await page.textContent('#ev-results-heading'), /测试对接会/);
  // The exported settings carry the file's constraints along.
  const spec = JSON.parse((await downloadText(page, '#ev-export-event')).text);
  assert.deepEqual(spec.forced, file.forced);
  assert.deepEqual(spec.unavailable, file.unavailable);

  // A misspelt field reaches the engine, which names it.
  await page.setInputFiles('#ev-event-file', { name: 'typo.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ ...file, fairnes: true })) });
  await page.waitForFunction(() => /fairnes/.test(document.getElementById('ev-extra-text').textContent));
  await plan(page);
  await expectError(page, /unknown field `fairnes`/);
  // Not JSON at all: the file is named.
  await page.setInputFiles('#ev-event-file', { name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"slots": [') });
  await expectError(page, /^出错了： broken\.json: 活动文件应是一个 JSON 对象/);
  await page.click('#ev-extra-clear');
  assert.equal(await page.isHidden('#ev-extra'), true);
});

test('8b. unmet requests are listed with the engine\'s reasons, enterprises apart from participants', async () => {
  const { page } = s;
  await setEvent(page, { start: '09:00', length: 20, pause: 5, slots: 4, tables: 12, min: 2, minScore: '0.2' });
  await plan(page);
  assert.equal(await page.isVisible('#error'), false, await page.textContent('#error'));
  const meetings = meetingsOf(await readGrid(page));
  assert.ok(meetings.every((m) => m.score >= 0.2 || m.forced), 'a meeting below the minimum score');
  const unmet = await page.$$eval('#ev-unmet tbody tr', (trs) => trs.map((tr) => ({ id: tr.dataset.id, kind: tr.dataset.kind, what: tr.cells[0].textContent, reason: tr.cells[2].textContent })));
  assert.ok(unmet.length > 0, 'no unmet request with a minimum of 2 at score 0.2');
  // Each listed enterprise really has fewer than 2 meetings, and the reason says why.
  for (const u of unmet) {
    assert.ok(['below_minimum', 'no_admissible_partner', 'no_meeting'].includes(u.kind), u.kind);
    assert.ok(meetings.filter((m) => m.enterprise === u.id).length < 2, `${u.id} has 2 meetings but is listed`);
    assert.match(u.reason, /min_score 0\.2|minimum|admissible/);
  }
  assert.ok(unmet.some((u) => u.what === '低于最少场次'));
  // Enterprises not listed have their 2 meetings.
  const listed = new Set(unmet.map((u) => u.id));
  for (const c of demo.challenges.filter((x) => !listed.has(x.id))) {
    assert.ok(meetings.filter((m) => m.enterprise === c.id).length >= 2, `${c.id} is short but not listed`);
  }
  assert.match(await page.textContent('#ev-unmet summary'), new RegExp(`企业未满足的要求（${unmet.length}）`));
  // Participants without a partner above 0.2 are a separate, collapsed list.
  assert.equal(await page.$eval('#ev-unmet-participants', (d) => d.open), false);
  const kinds = await page.$$eval('#ev-unmet-participants tbody tr', (trs) => [...new Set(trs.map((tr) => tr.dataset.kind))]);
  assert.deepEqual(kinds, ['no_admissible_partner']);
  await setEvent(page, { min: 1 });
});

test('9. the kind filter and imported challenges decide who takes part', async () => {
  const { page } = s;
  await setEvent(page, { start: '09:00', length: 20, pause: 5, slots: 4, tables: 12, min: 1 });
  const kindOf = new Map(demo.profiles.map((p) => [String(p.id), p.kind]));
  const patents = demo.profiles.filter((p) => p.kind === 'patent').length;
  assert.ok(patents > 0);
  await page.uncheck('#ev-parties-form input[value="patent"]');
  assert.equal(await page.textContent('#ev-participant-count'), `参加 ${demo.profiles.length - patents} 项，已加载 ${demo.profiles.length} 项`);
  await plan(page);
  assert.equal(await page.isVisible('#error'), false, await page.textContent('#error'));
  const meetings = meetingsOf(await readGrid(page));
  assert.ok(meetings.length >= 24);
  assert.ok(meetings.every((m) => kindOf.get(m.participant) !== 'patent'), 'a patent takes part');
  await page.check('#ev-parties-form input[value="patent"]');

  const challenges = [
    { id: 'imp-c1', title: '海水淡化反渗透膜污染', description: '反渗透海水淡化膜污染严重，需要抗污染改性方案。', enterprise: '测试水务有限公司', keywords: ['反渗透', '海水淡化'] },
    { id: 'imp-c2', title: 'Spindle bearing faults', description: 'Detect CNC spindle bearing faults early from vibration data and estimate remaining useful life.', enterprise: 'Test Machining Ltd' },
    { id: '', title: 'no id', description: 'a row without an id' },
  ];
  await page.setInputFiles('#ev-challenges-file', { name: 'challenges.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(challenges)) });
  await page.waitForFunction(() => document.querySelectorAll('#ev-enterprises input').length === 2);
  assert.match(await page.textContent('#ev-challenge-source'), /导入的需求：challenges\.json，共 2 条/);
  assert.match(await page.textContent('#ev-challenges-report .report-summary'), /已加载 2 条，拒绝 1 条/);
  assert.equal(await page.textContent('#ev-enterprise-count'), '已选 2 / 2 家');
  await plan(page);
  assert.equal(await page.isVisible('#error'), false, await page.textContent('#error'));
  const imported = meetingsOf(await readGrid(page));
  assert.deepEqual(new Set(imported.map((m) => m.enterprise)), new Set(['imp-c1', 'imp-c2']));
  assert.deepEqual(await page.$$eval('#ev-agenda-select optgroup:first-child option', (os) => os.map((o) => o.value)), ['imp-c1', 'imp-c2']);
  await page.click('#ev-use-samples');
  assert.equal(await page.locator('#ev-enterprises input:checked').count(), 24);
  assert.equal(await page.isHidden('#ev-use-samples'), true);
});

test('10. the language switch relabels the view; 360 px wide needs no horizontal scrolling', async () => {
  const { page } = s;
  await plan(page);
  await page.click('#lang-toggle');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.textContent('#tab-event'), 'Matchmaking event');
  assert.equal(await page.textContent('#ev-grid caption'), 'Timetable: 4 slots × 12 tables');
  assert.equal(await page.textContent('#ev-grid thead th:nth-child(2)'), 'Table 1');
  assert.match(await page.textContent('#ev-status'), /^\d+ meetings planned in [\d.]+ (ms|s)$/);
  assert.equal(await page.textContent('#ev-slots caption'), 'Time slots (4)');
  assert.equal(await page.getAttribute('#ev-slots tbody tr:first-child .slot-start', 'aria-label'), 'Start of slot 1');
  assert.equal(await page.textContent('#ev-enterprise-count'), '24 of 24 selected');
  assert.equal(await page.textContent('#ev-print'), 'Print agendas');
  // Every control of the view has an accessible name.
  const unnamed = await page.$$eval('#view-event input, #view-event select, #view-event button', (controls) =>
    controls
      .filter((c) => {
        const labelled = [...(c.labels || [])].some((l) => l.textContent.trim() !== '');
        const aria = (c.getAttribute('aria-label') || '').trim() !== '';
        const text = c.tagName === 'BUTTON' && c.textContent.trim() !== '';
        return !(labelled || aria || text);
      })
      .map((c) => c.outerHTML.slice(0, 120)),
  );
  assert.deepEqual(unnamed, []);
  // Text colours of the view (settings, totals, grid, agenda, problem lists) meet WCAG AA.
  const { checked, failures } = await textContrast(page, { root: '#view-event', skip: '.sr-only, option, button:disabled' });
  assert.ok(checked > 100, `only ${checked} text elements checked`);
  assert.deepEqual(failures, []);
  await page.setViewportSize({ width: 360, height: 800 });
  const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(widths[0] <= widths[1], `the event view is ${widths[0]} px wide in a ${widths[1]} px window`);
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.click('#lang-toggle');
  assert.equal(await page.textContent('#ev-grid caption'), '时间表：4 个时段 × 12 张桌');
});

test('11. over the whole session: no request off the origin, no CSP violation, no error', async () => {
  const { log, origin } = s;
  assert.deepEqual(foreignRequests(log, origin), []);
  assert.deepEqual(log.cspViolations, []);
  assert.deepEqual(log.consoleErrors, []);
  assert.deepEqual(log.pageErrors, []);
  assert.deepEqual(log.dialogs, []);
});
