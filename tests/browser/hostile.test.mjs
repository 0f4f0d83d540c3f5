// Hostile input in the page (issue #7), in one browser session (Chinese
// interface): profiles and challenges whose every field holds HTML and
// script payloads are imported, matched, shown in the reverse view and the
// event planner, and exported; nothing may execute (no dialog, no payload
// callback, no element or event-handler attribute added from data), and
// the page's CSP is never violated. Over the whole session (load, paste,
// import, match, export) only the page's own origin is contacted, and the
// browser keeps nothing but the language choice. Last, determinism: the
// WASM build ranks fixtures and generated data with exactly the scores of
// the native command-line tool, run from this test
// (target/release/coopmatch; `cargo xtask test` builds it first).
// The tests run in order and share the page.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPage, matchText, readResults, foreignRequests, ROOT } from './harness.mjs';

// Each payload calls window.__pwned(tag) if it ever runs, and alert() (a
// dialog) as a second witness. The CSP would block inline handlers, but
// then it reports a violation, which fails the test too: data must never
// become markup in the first place.
const hit = (tag) => `window.__pwned&&window.__pwned('${tag}');alert('${tag}')`;
const payloads = (tag) => [
  `<img src=x onerror="${hit(tag + '-img')}">`,
  `<script>${hit(tag + '-script')}</script>`,
  `javascript:${hit(tag + '-js')}`,
  `"><svg onload="${hit(tag + '-svg')}">`,
  `'><iframe srcdoc="<script>parent.${hit(tag + '-iframe')}</script>"></iframe>`,
  `<a href="javascript:${hit(tag + '-a')}">x</a><style>*{display:none}</style>`,
  `\${${hit(tag + '-tpl')}}{{constructor.constructor('${hit(tag + '-ng')}')()}}`,
];
const P = (tag, i = 0) => payloads(tag)[i % payloads(tag).length];

// A topic the demo data does not cover, so the hostile profiles rank first.
const TOPIC_ZH = '超导磁悬浮轴承';
const TOPIC_EN = 'superconducting maglev bearing';

function hostileProfile(n) {
  return {
    id: `${P('id', n)}-${n}`,
    kind: n % 2 ? 'patent' : 'lab',
    name: P('name', n),
    institution: P('institution', n + 1),
    discipline: P('discipline', n + 2),
    region: P('region', n + 3),
    keywords: [TOPIC_ZH, P('keyword', n + 4), TOPIC_EN],
    summary: `${P('summary', n + 5)} ${TOPIC_ZH} ${TOPIC_EN}`,
    works: [
      { title: `${P('title', n + 6)} ${TOPIC_ZH}`, abstract: `${TOPIC_EN} ${P('abstract', n)} ${TOPIC_ZH}`, year: 2020 },
      P('worktitle', n + 1),
    ],
    licence: { fee: P('fee', n + 2), terms: P('terms', n + 3) },
    number: P('number', n + 4),
  };
}
const HOSTILE_PROFILES = Array.from({ length: 7 }, (_, n) => hostileProfile(n));
// Rows the importer rejects: their messages quote the hostile id and value.
const HOSTILE_REJECTS = [
  { id: P('rejected-id', 0), kind: P('rejected-kind', 1) },
  { id: P('rejected-id', 3), works: P('rejected-works', 2) },
  { name: P('no-id', 5) },
];
const HOSTILE_CHALLENGE = `${P('challenge', 0)} 需要${TOPIC_ZH} ${P('challenge', 3)} ${TOPIC_EN} ${P('challenge', 1)}`;
const HOSTILE_CHALLENGES = Array.from({ length: 3 }, (_, n) => ({
  id: `${P('cid', n)}-${n}`,
  title: `${P('ctitle', n + 1)} ${TOPIC_ZH}`,
  description: `${P('cdesc', n + 2)} ${TOPIC_EN}`,
  keywords: [P('ckw', n + 3), TOPIC_ZH],
  enterprise: P('enterprise', n + 4),
  industry: P('industry', n + 5),
  region: P('cregion', n + 6),
}));
const CSV_PROFILES = [
  ['id', 'name', 'keywords', 'summary', P('header', 0)],
  ['csv-1', P('csv-name', 1), TOPIC_ZH, `${TOPIC_EN} ${P('csv-summary', 3)}`, P('csv-extra', 2)],
  ['csv-2', '=HYPERLINK("javascript:alert(1)")', TOPIC_ZH, P('csv-summary', 4), 'x'],
]
  .map((row) => row.map((c) => `"${c.replaceAll('"', '""')}"`).join(','))
  .join('\r\n');

let s; // the session: { page, context, log, origin, baseUrl, close, goto }

before(async () => {
  s = await openPage({ locale: 'zh-CN' });
  // Witnesses, installed before any page script on every later navigation.
  await s.context.addInitScript(() => {
    window.__pwnedLog = [];
    window.__pwned = (tag) => window.__pwnedLog.push(String(tag));
    window.__added = [];
    // Elements data must never turn into (the page's own markup has none of
    // these but <form>, which it never creates), and attributes that run
    // or load something: event handlers, srcdoc, and URL attributes.
    const risky = /^(SCRIPT|IMG|IMAGE|SVG|IFRAME|FRAME|OBJECT|EMBED|BASE|META|LINK|STYLE|VIDEO|AUDIO|SOURCE|MATH)$/i;
    const urlAttr = /^(href|src|action|formaction|xlink:href|data|poster|background|ping)$/i;
    const check = (node) => {
      if (node.nodeType !== 1) return;
      const attrs = [...node.attributes].filter(
        (a) => /^on/i.test(a.name) || a.name === 'srcdoc' || (urlAttr.test(a.name) && /^\s*(javascript|data|vbscript):/i.test(a.value)),
      );
      if (risky.test(node.tagName) || attrs.length) {
        window.__added.push(`${node.tagName} ${attrs.map((a) => `${a.name}=${a.value}`).join(' ')}`.slice(0, 200));
      }
      for (const child of node.children) check(child);
    };
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'attributes') check(r.target);
        for (const n of r.addedNodes) check(n);
      }
    }).observe(document, { childList: true, subtree: true, attributes: true });
  });
  await s.goto();
  // What the parser and the page's start-up added is the baseline.
  await s.page.evaluate(() => window.__added.splice(0));
});

after(async () => {
  await s?.close();
});

async function witnesses(page) {
  await page.waitForTimeout(300);
  return page.evaluate(() => ({ pwned: window.__pwnedLog, added: window.__added }));
}

async function assertNothingRan(label) {
  const { page, log } = s;
  const w = await witnesses(page);
  assert.deepEqual(w.pwned, [], `${label}: a payload ran`);
  assert.deepEqual(w.added, [], `${label}: data became markup`);
  assert.deepEqual(log.dialogs, [], `${label}: a dialog opened`);
  assert.deepEqual(log.cspViolations, [], `${label}: CSP violation`);
  // No element outside the page's own vocabulary, anywhere.
  assert.equal(await page.locator('img, iframe, object, embed, svg, script:not([src]), style, [onerror], [onload], [srcdoc], a[href^="javascript:" i]').count(), 0, `${label}: foreign element`);
  assert.equal(await page.locator('form').count(), 5, `${label}: a form was added`);
}

test('1. the witnesses work, and the page starts clean', async () => {
  const { page } = s;
  assert.equal(await page.evaluate(() => typeof window.__pwned), 'function');
  // The observer sees markup added by script (then the test removes it).
  const seen = await page.evaluate(() => {
    const probe = document.createElement('img');
    probe.setAttribute('data-probe', '');
    document.body.append(probe);
    probe.remove();
    return new Promise((ok) => setTimeout(() => ok(window.__added.splice(0)), 50));
  });
  assert.equal(seen.length, 1, 'the mutation observer is not watching');
  await assertNothingRan('start');
});

test('2. profiles with payloads in every field import, match and render as literal text', async () => {
  const { page } = s;
  const file = [...HOSTILE_PROFILES, ...HOSTILE_REJECTS];
  await page.click('#import-card > summary');
  await page.setInputFiles('#import-file', { name: `${P('file', 0)}.json`, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
  await page.waitForFunction((n) => new RegExp(`已加载 ${n} 条`).test(document.querySelector('#import-report .report-summary')?.textContent || ''), HOSTILE_PROFILES.length);
  // The rejected rows are listed, their messages quoting the payloads as text.
  const report = await page.textContent('#import-report');
  assert.match(report, /拒绝 3 条/);
  assert.ok(report.includes(P('rejected-kind', 1).slice(0, 30)), 'the rejected kind is not quoted');
  await assertNothingRan('import report');

  await matchText(page, HOSTILE_CHALLENGE);
  const results = await readResults(page);
  const ids = new Set(HOSTILE_PROFILES.map((p) => p.id));
  const shown = results.filter((r) => ids.has(r.id));
  assert.equal(shown.length, HOSTILE_PROFILES.length, `hostile profiles not all shown: ${results.map((r) => r.id)}`);
  for (const p of HOSTILE_PROFILES) {
    const r = shown.find((x) => x.id === p.id);
    assert.equal(r.name, p.name, 'the name is not shown as written');
  }
  // The challenge panel reproduces the hostile challenge as text, with marks.
  assert.equal(await page.textContent('#challenge-highlight'), HOSTILE_CHALLENGE);
  assert.ok((await page.locator('#challenge-highlight mark').count()) > 0);
  await assertNothingRan('results');
});

test('3. a hostile CSV (payloads in cells and in a header) imports as text', async () => {
  const { page } = s;
  await page.setInputFiles('#import-file', { name: 'hostile.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV_PROFILES) });
  await page.waitForFunction(() => /hostile\.csv/.test(document.getElementById('import-report').textContent));
  await matchText(page, `${TOPIC_ZH} ${TOPIC_EN}`);
  const names = (await readResults(page)).map((r) => r.name);
  assert.ok(names.includes('=HYPERLINK("javascript:alert(1)")'), `names: ${names}`);
  await assertNothingRan('csv');
});

test('4. the reverse view shows a hostile profile and ranks hostile challenge text as text', async () => {
  const { page } = s;
  await page.click('#tab-reverse');
  const target = HOSTILE_PROFILES[1];
  assert.ok(await page.$eval('#profile-select', (sel, id) => [...sel.options].some((o) => o.value === id), target.id));
  await page.selectOption('#profile-select', target.id);
  await page.waitForFunction(() => document.getElementById('profile-detail').textContent.length > 0);
  const detail = await page.textContent('#profile-detail');
  assert.ok(detail.includes(target.name), 'profile detail does not show the name as text');
  await page.fill('#profile-search', P('search', 3));
  await page.fill('#profile-search', '');
  await assertNothingRan('reverse view');
  await page.click('#tab-match');
});

test('5. the event planner with hostile challenges and participants renders text only', async () => {
  const { page } = s;
  await page.click('#tab-event');
  await page.setInputFiles('#ev-challenges-file', { name: `${P('evfile', 1)}.json`, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(HOSTILE_CHALLENGES)) });
  await page.waitForFunction((n) => document.querySelectorAll('#ev-enterprises input').length === n, HOSTILE_CHALLENGES.length);
  await page.fill('#ev-name', P('eventname', 2));
  const runs = Number((await page.getAttribute('#view-event', 'data-runs')) || 0);
  await page.click('#ev-run');
  await page.waitForFunction((n) => Number(document.getElementById('view-event').dataset.runs || 0) > n, runs, { timeout: 30_000 });
  assert.equal(await page.isVisible('#error'), false, await page.textContent('#error'));
  const grid = await page.textContent('#ev-grid');
  assert.ok(HOSTILE_CHALLENGES.some((c) => grid.includes(c.enterprise)), 'no hostile enterprise in the grid');
  // Every agenda, one after the other.
  const agendas = await page.$$eval('#ev-agenda-select option', (os) => os.map((o) => o.value));
  for (const value of agendas.slice(0, 6)) await page.selectOption('#ev-agenda-select', value);
  await assertNothingRan('event');
  await page.click('#tab-match');
});

test('6. exports of hostile results are files, not navigation', async () => {
  const { page } = s;
  await matchText(page, HOSTILE_CHALLENGE);
  for (const button of ['#export-csv', '#export-json']) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
    const text = await readFile(await download.path(), 'utf8');
    assert.ok(text.includes('onerror'), `${button}: the payloads are not exported as data`);
  }
  assert.equal(new URL(page.url()).origin, s.origin, 'the page navigated away');
  await assertNothingRan('export');
});

test('7. lone surrogates and invisible characters from JS strings match like the plain text', async () => {
  const { page } = s;
  await matchText(page, `${TOPIC_ZH}\ud800 ${TOPIC_EN}\udfff`);
  const plain = (await readResults(page)).map((r) => r.id);
  assert.ok(plain.length > 0);
  await matchText(page, `\u202e${TOPIC_ZH}\u202c \u200bsuper\u200bconducting ma\u00adglev bearing\ufeff`);
  assert.deepEqual((await readResults(page)).map((r) => r.id).slice(0, 3), plain.slice(0, 3));
  await assertNothingRan('surrogates');
});

test('8. the language switch is the only thing stored', async () => {
  const { page } = s;
  await page.click('#lang-toggle');
  await page.click('#lang-toggle');
  const stored = await page.evaluate(async () => ({
    local: Object.keys(localStorage),
    session: Object.keys(sessionStorage),
    cookie: document.cookie,
    idb: indexedDB.databases ? (await indexedDB.databases()).map((d) => d.name) : [],
    caches: typeof caches === 'undefined' ? [] : await caches.keys(),
    workers: navigator.serviceWorker ? (await navigator.serviceWorker.getRegistrations()).length : 0,
  }));
  assert.deepEqual(stored.local.filter((k) => k !== 'coopmatch.lang'), [], `localStorage: ${stored.local}`);
  assert.deepEqual(stored, { local: stored.local, session: [], cookie: '', idb: [], caches: [], workers: 0 });
  assert.deepEqual(await s.context.cookies(), []);
});

// ---- determinism: WASM in the browser vs the native command-line tool ------

/** Deterministic synthetic profiles and challenges (a linear congruential generator). */
function generated(nProfiles, nChallenges) {
  const WORDS = ['钛合金', '疲劳', '增材制造', '焊接', '视觉', '电池', '热管理', '液冷', '轴承', '振动', 'titanium', 'fatigue',
    'welding', 'vision', 'battery', 'thermal', 'bearing', 'vibration', 'sludge', '5G', '散热', 'GaN', 'Ti-6Al-4V', 'ISO 9001',
    'Café', 'naïve', '\u200bhidden', '👩‍🔬', 'e\u0301cole'];
  let x = 2024;
  const next = () => {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    return x >>> 16;
  };
  const words = (k) => Array.from({ length: k }, () => WORDS[next() % WORDS.length]).join(next() % 3 ? ' ' : '');
  const profiles = Array.from({ length: nProfiles }, (_, i) => ({
    id: `g${i}`,
    kind: ['expert', 'lab', 'team', 'patent'][i % 4],
    keywords: [words(1), words(1)],
    summary: words(8),
    works: Array.from({ length: i % 4 }, () => ({ title: words(4), abstract: words(15) })),
  }));
  const challenges = Array.from({ length: nChallenges }, (_, i) => ({ id: `gc${i}`, title: words(3), description: words(20 + (i % 5) * 10) }));
  return { profiles, challenges };
}

test('9. WASM scores equal the native CLI\'s, on the fixtures and generated data', async () => {
  const { page } = s;
  const bin = process.env.COOPMATCH_BIN || join(ROOT, 'target', 'release', 'coopmatch');
  assert.ok(existsSync(bin), `${bin} is missing: run \`cargo build --release\` first (cargo xtask test does)`);
  const dir = await mkdtemp(join(tmpdir(), 'coopmatch-golden-'));
  try {
    const fixtures = async (name) => (await readFile(join(ROOT, 'tests', 'fixtures', name), 'utf8')).split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
    const gen = generated(400, 12);
    const profiles = [...(await fixtures('profiles.jsonl')), ...gen.profiles];
    const challenges = [...(await fixtures('challenges.jsonl')), ...gen.challenges];
    const profilesText = profiles.map((p) => JSON.stringify(p)).join('\n') + '\n';
    const challengesText = challenges.map((c) => JSON.stringify(c)).join('\n') + '\n';
    await writeFile(join(dir, 'profiles.jsonl'), profilesText);
    await writeFile(join(dir, 'challenges.jsonl'), challengesText);
    const out = execFileSync(bin, ['score', '--profiles', join(dir, 'profiles.jsonl'), '--challenges', join(dir, 'challenges.jsonl'), '--top', 'all'], { encoding: 'utf8', maxBuffer: 256 << 20 });
    await writeFile(join(dir, 'golden.jsonl'), out);
    const golden = new Map(challenges.map((c) => [String(c.id), []]));
    for (const line of out.split('\n').filter(Boolean)) {
      const row = JSON.parse(line);
      golden.get(String(row.challenge)).push([String(row.profile), row.score]);
    }
    assert.equal([...golden.values()].reduce((n, rows) => n + rows.length, 0), profiles.length * challenges.length);

    // The same module the page uses, run twice (a fresh matcher each time).
    const runs = await page.evaluate(
      async ({ profilesText, challenges }) => {
        const { default: init, Matcher } = await import('./pkg/coopmatch.js');
        await init();
        const once = () => {
          const m = new Matcher();
          const report = m.loadProfiles(profilesText, 'jsonl');
          const out = {};
          for (const c of challenges) out[c.id] = m.match(c, { top: 0, explain: false, profile: false }).map((r) => [r.id, r.score]);
          return { added: report.added, out };
        };
        return [once(), once()];
      },
      { profilesText, challenges },
    );
    assert.deepEqual(runs[0], runs[1], 'two WASM runs differ');
    assert.equal(runs[0].added, profiles.length);
    let pairs = 0;
    for (const c of challenges) {
      const wasm = runs[0].out[c.id];
      // The CLI's `--top all` lists every pair; the page lists those scoring above 0.
      const native = golden.get(String(c.id)).filter(([, score]) => score > 0);
      assert.ok(native.length > 0, `challenge ${c.id} matched nothing`);
      assert.deepEqual(wasm, native, `challenge ${c.id}: WASM and native rankings differ`);
      pairs += wasm.length;
    }
    assert.ok(pairs > 100, `too few scored pairs to compare: ${pairs}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('9b. every export given hostile JS values throws an Error and the module keeps working', async () => {
  const { page } = s;
  const out = await page.evaluate(async () => {
    const core = await import('./pkg/coopmatch.js');
    await core.default();
    const ev = await import('./pkg-event/coopmatch_event.js');
    await ev.default();
    let deep = [];
    for (let i = 0; i < 10_000; i++) deep = [deep];
    let deepObj = {};
    for (let i = 0, cur = deepObj; i < 10_000; i++) cur = cur.a = {};
    const cyclic = { id: 'c' };
    cyclic.self = cyclic;
    const m = new core.Matcher();
    m.loadProfiles('{"id":"a","summary":"bearing vibration"}\n', 'jsonl');
    const works = () => m.match('bearing', { top: 5 }).length === 1;
    const E = [{ id: 'e0', name: 'E', institution: '' }];
    const P = [{ id: 'p0', name: 'P', institution: '' }];
    const u = (a) => new Uint32Array(a);
    const f = (a) => new Float64Array(a);
    const calls = {
      'loadProfiles(deep array)': () => m.loadProfiles([deep]),
      'loadProfiles(deep field)': () => m.loadProfiles([{ id: 'x', works: deep }]),
      'loadProfiles(cycle)': () => m.loadProfiles([cyclic]),
      'loadProfiles(number)': () => m.loadProfiles(5),
      'loadProfilesChunk(huge offset)': () => m.loadProfilesChunk('bad\n', 'jsonl', 4294967295),
      'match(deep options)': () => m.match('bearing', deepObj),
      'match(deep challenge)': () => m.match(deepObj),
      'match(null)': () => m.match(null),
      'match(1 MB)': () => m.match('a'.repeat(1 << 20)),
      'match(top -1)': () => m.match('bearing', { top: -1 }),
      'matchProfile(unknown)': () => m.matchProfile('nobody', []),
      'topics(1 MB)': () => m.topics('x'.repeat(1 << 20), 'a'),
      'eventInput(deep)': () => m.eventInput([deep]),
      'loadIndex(junk)': () => m.loadIndex(new Uint8Array([0x89, 67, 77, 88, 13, 10, 26, 10, 1, 0, 0, 0])),
      'new Matcher(deep)': () => new core.Matcher(deepObj),
      'parseChallenges(deep)': () => core.parseChallenges([deepObj]),
      'planSchedule(undefined)': () => ev.planSchedule(undefined, E, P, u([]), u([]), f([])),
      'planSchedule(deep)': () => ev.planSchedule(deepObj, E, P, u([]), u([]), f([])),
      'planSchedule(out of range)': () => ev.planSchedule({ slots: [{ start: 'a' }], tables: 1 }, E, P, u([5]), u([9]), f([0.5])),
      'planSchedule(NaN)': () => ev.planSchedule({ slots: [{ start: 'a' }], tables: 1 }, E, P, u([0]), u([0]), f([NaN])),
      'timetableCsv(deep)': () => ev.timetableCsv({ meetings: deep }),
      'agendaCsv({})': () => ev.agendaCsv({}, 'x'),
    };
    const results = {};
    for (const [name, call] of Object.entries(calls)) {
      let outcome;
      try {
        call();
        outcome = 'returned';
      } catch (e) {
        outcome = e instanceof Error && !(e instanceof WebAssembly.RuntimeError) ? `Error: ${e.message}` : `TRAP ${e}`;
      }
      results[name] = { outcome: outcome.slice(0, 160), stillWorks: works() };
    }
    // Lone surrogates in objects become U+FFFD, as in strings.
    const report = m.loadProfiles([{ id: 'u\ud800', summary: 'bearing \udfff' }]);
    return { results, lone: report.added, ids: m.match('bearing', { top: 5 }).map((r) => r.id) };
  });
  for (const [name, r] of Object.entries(out.results)) {
    assert.ok(!r.outcome.startsWith('TRAP'), `${name}: ${r.outcome}`);
    assert.ok(r.stillWorks, `${name}: the module stopped working after ${r.outcome}`);
  }
  // Too deep for serde_json (128 levels), or for JSON.stringify itself; a cycle.
  for (const name of ['loadProfiles(deep array)', 'match(deep options)', 'loadProfiles(cycle)']) {
    assert.match(out.results[name].outcome, /recursion limit|not a JSON value/, name);
  }
  assert.match(out.results['match(1 MB)'].outcome, /MAX_CHALLENGE_BYTES/);
  assert.match(out.results['planSchedule(undefined)'].outcome, /event: not a JSON value/);
  assert.equal(out.lone, 1);
  assert.ok(out.ids.includes('u\ufffd'), `ids: ${out.ids}`);
});

test('10. over the whole session: only the page\'s origin was contacted, no CSP violation, no error', async () => {
  const { log, origin } = s;
  assert.ok(log.requests.some((u) => u.endsWith('.wasm')), 'the wasm was not requested?');
  assert.deepEqual(foreignRequests(log, origin), []);
  // Not even to "x" (the img payload's src), relative to the origin.
  assert.deepEqual(log.requests.filter((u) => /\/x$|\/y$/.test(u)), []);
  assert.deepEqual(log.cspViolations, []);
  assert.deepEqual(log.pageErrors, []);
  assert.deepEqual(log.dialogs, []);
  assert.deepEqual(log.consoleErrors, []);
});

// Last, in a browser of its own (should the page freeze, it takes no other
// test with it): a pasted challenge of 1 MB. The engine refuses it at once
// (MAX_CHALLENGE_BYTES), and the page must stay responsive: laid out whole
// in the highlight panel (one `pre-wrap` text node), Chromium took about
// 185 s for 1 MB; the panel now shows at most 20,000 characters a field.
test('11. a pasted challenge of 1 MB without a space is refused naming the limit, without freezing the page', async () => {
  const own = await openPage({ locale: 'zh-CN' });
  try {
    const { page } = own;
    const text = '钛合金Ti6Al4V增材制造fatigue'.repeat(30_000);
    const started = Date.now();
    const finished = await Promise.race([
      (async () => {
        await page.$eval('#challenge-text', (el, v) => {
          el.value = v;
          el.dispatchEvent(new Event('input', { bubbles: true }));
        }, text);
        await page.click('#match-btn', { timeout: 20_000 });
        await page.waitForSelector('#error:not([hidden])', { timeout: 20_000 });
        return true;
      })(),
      new Promise((ok) => setTimeout(() => ok(false), 25_000)),
    ]);
    assert.ok(finished && Date.now() - started < 20_000, `the page froze (${Date.now() - started} ms)`);
    assert.match(await page.textContent('#error-text'), /600000|MAX_CHALLENGE_BYTES/);
    assert.deepEqual(own.log.pageErrors, []);
  } finally {
    await own.close();
  }
});
