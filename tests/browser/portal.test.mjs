// <coop-matcher> embedded in a mock portal with hostile CSS
// (www/portal-demo.html): it renders and matches through its shadow root,
// its events carry their documented detail, loading runs in a worker with
// progress and cancel, a prebuilt .cmx index loads, and a corrupted one
// gives a clear error. Over the whole session: no request off the origin,
// no CSP violation, no page error.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPage, foreignRequests, ROOT } from './harness.mjs';

const ZH_CHALLENGE = '我们生产新能源汽车动力电池包，快充时电芯温升过快、温差大，需要改进电池包热管理和液冷板设计。';

let s;

before(async () => {
  s = await openPage({ locale: 'zh-CN' });
  await s.page.goto(new URL('portal-demo.html', s.baseUrl).href);
  await s.page.waitForSelector('coop-matcher[data-ready="true"]', { state: 'attached', timeout: 30_000 });
});

after(async () => {
  await s?.close();
});

/** A .cmx index of the demo data, built by the native command-line tool. */
function demoIndex() {
  const bin = ['release', 'debug'].map((p) => join(ROOT, 'target', p, 'coopmatch')).find(existsSync);
  assert.ok(bin, 'build the CLI first (cargo build --release)');
  const out = join(mkdtempSync(join(tmpdir(), 'coopmatch-')), 'demo.cmx');
  execFileSync(bin, ['index', '--profiles', join(ROOT, 'www/demo/profiles.json'), '-o', out], { stdio: 'pipe' });
  return readFileSync(out);
}

test('1. the component survives hostile host CSS and matches', async () => {
  const { page } = s;
  const host = page.locator('coop-matcher');
  const box = await host.boundingBox();
  assert.ok(box && box.height > 100 && box.width > 200, `component not laid out: ${JSON.stringify(box)}`);
  const style = await page.evaluate(() => {
    const el = document.querySelector('coop-matcher');
    const cs = getComputedStyle(el);
    const button = el.shadowRoot.querySelector('button[part=button]');
    const bs = getComputedStyle(button);
    return {
      display: cs.display,
      visibility: cs.visibility,
      opacity: cs.opacity,
      color: cs.color,
      fontSize: cs.fontSize,
      buttonDisplay: bs.display,
      buttonBg: bs.backgroundColor,
      sheets: el.shadowRoot.adoptedStyleSheets.length,
    };
  });
  assert.equal(style.display, 'block');
  assert.equal(style.visibility, 'visible');
  assert.equal(style.opacity, '1');
  assert.notEqual(style.color, 'rgb(255, 0, 0)');
  assert.equal(style.fontSize, '15px');
  assert.notEqual(style.buttonDisplay, 'none');
  // The documented custom property reached inside.
  assert.equal(style.buttonBg, 'rgb(122, 31, 31)');
  assert.equal(style.sheets, 1);

  const matched = page.evaluate(
    () => new Promise((resolve) => document.querySelector('coop-matcher').addEventListener('match', (e) => resolve(e.detail), { once: true })),
  );
  await page.fill('coop-matcher textarea', ZH_CHALLENGE);
  await page.click('coop-matcher button[part=button]');
  const detail = await matched;
  assert.equal(detail.challenge, ZH_CHALLENGE);
  assert.ok(detail.results.length > 0 && detail.results.length <= 8, `results: ${detail.results.length}`);
  assert.ok(typeof detail.ms === 'number');
  assert.match(detail.results[0].profile.name + detail.results[0].profile.summary, /电池|热管理|液冷/);
  const cards = await page.locator('coop-matcher li').count();
  assert.equal(cards, detail.results.length);
  assert.ok(await page.locator('coop-matcher li').first().isVisible());
  assert.match(await page.textContent('#last-match'), /条结果/);
});

test('2. select and the kinds/results attributes', async () => {
  const { page } = s;
  const selected = page.evaluate(
    () => new Promise((resolve) => document.querySelector('coop-matcher').addEventListener('select', (e) => resolve(e.detail), { once: true })),
  );
  await page.locator('coop-matcher li button').first().click();
  const detail = await selected;
  assert.equal(detail.rank, 0);
  assert.ok(detail.profile.id && detail.score > 0);
  assert.match(await page.textContent('#last-select'), /%/);

  const rematched = page.evaluate(
    () => new Promise((resolve) => {
      const el = document.querySelector('coop-matcher');
      el.addEventListener('match', (e) => resolve(e.detail.results.map((r) => r.profile.kind)), { once: true });
      el.setAttribute('kinds', 'lab');
      el.setAttribute('results', '3');
    }),
  );
  const kinds = await rematched;
  assert.ok(kinds.length > 0 && kinds.length <= 3);
  assert.ok(kinds.every((k) => k === 'lab'), kinds.join());
  await page.evaluate(() => {
    const el = document.querySelector('coop-matcher');
    el.removeAttribute('kinds');
    el.setAttribute('results', '8');
    el.setAttribute('lang', 'en');
  });
  assert.equal(await page.textContent('coop-matcher button[part=button]'), 'Match');
});

test('3. untrusted profile text is shown as text', async () => {
  const { page } = s;
  const names = await page.evaluate(async () => {
    const el = document.querySelector('coop-matcher');
    const evil = '<img src=x onerror="window.__pwned=1">';
    const text = JSON.stringify([{ id: 'x1', name: evil, keywords: ['钛合金'], works: [{ title: '钛合金 疲劳', abstract: '' }] }]);
    await el.load({ text });
    const results = await el.match('钛合金');
    return { name: results[0].profile.name, shown: el.shadowRoot.querySelector('.name').textContent, imgs: el.shadowRoot.querySelectorAll('img').length, pwned: window.__pwned };
  });
  assert.equal(names.shown, names.name);
  assert.equal(names.imgs, 0);
  assert.equal(names.pwned, undefined);
});

test('4. a large load runs in the worker with progress, and cancel stops it', async () => {
  const { page } = s;
  const got = await page.evaluate(async () => {
    const el = document.querySelector('coop-matcher');
    const lines = [];
    for (let i = 0; i < 30000; i += 1) {
      lines.push(JSON.stringify({ id: `g${i}`, name: `Profile ${i}`, works: [{ title: `laser welding of titanium alloy ${i}`, abstract: 'fatigue crack growth in additively manufactured parts under cyclic load' }] }));
    }
    const text = lines.join('\n');
    const progress = [];
    let longest = 0;
    const obs = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longest = Math.max(longest, e.duration);
    });
    obs.observe({ type: 'longtask', buffered: false });
    const onProgress = (e) => progress.push(e.detail);
    el.addEventListener('progress', onProgress);
    const t0 = performance.now();
    const loaded = await el.load({ text });
    const ms = performance.now() - t0;
    const statusDuring = progress.length;
    // Now cancel a second load after its first progress report.
    const cancelled = new Promise((resolve) => {
      el.addEventListener('progress', function once(e) {
        if (e.detail.phase === 'index' && e.detail.indexed > 0) {
          el.removeEventListener('progress', once);
          const busy = el.shadowRoot.querySelector('button[part=cancel]').hidden === false;
          el.shadowRoot.querySelector('button[part=cancel]').click();
          resolve(busy);
        }
      });
    });
    const second = el.load({ text });
    const cancelVisible = await cancelled;
    const secondResult = await second;
    el.removeEventListener('progress', onProgress);
    obs.disconnect();
    return {
      loaded,
      ms,
      statusDuring,
      last: progress.filter((p) => p.phase === 'index').at(-2),
      cancelVisible,
      secondResult,
      ready: el.getAttribute('data-ready'),
      status: el.shadowRoot.querySelector('[part=status] span').textContent,
      longest,
    };
  });
  assert.equal(got.loaded, true);
  assert.ok(got.statusDuring >= 15, `progress reports: ${got.statusDuring}`);
  assert.equal(got.last.total, 30000);
  assert.ok(got.last.indexed > 0 && got.last.indexed <= 30000);
  assert.equal(got.cancelVisible, true);
  assert.equal(got.secondResult, false);
  assert.equal(got.ready, 'cancelled');
  assert.match(got.status, /cancelled/i);
  console.log(`30,000 profiles via the worker in ${got.ms.toFixed(0)} ms; longest main-thread task ${got.longest.toFixed(0)} ms`);
  // Generating the 30 MB of test text above is itself one long task; the
  // loading after it must not add one much longer.
  assert.ok(got.longest < 1000, `long task of ${got.longest} ms`);
});

test('5. a prebuilt .cmx index loads; a corrupted or foreign one is a clear error', async () => {
  const { page } = s;
  const bytes = demoIndex();
  const run = (b64) =>
    page.evaluate(async (data) => {
      const el = document.querySelector('coop-matcher');
      const raw = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
      const errors = [];
      const onError = (e) => errors.push(e.detail);
      el.addEventListener('error', onError);
      let kind = null;
      const onLoaded = (e) => {
        kind = e.detail.kind;
      };
      el.addEventListener('loaded', onLoaded);
      const ok = await el.load({ bytes: raw.buffer, format: 'cmx' });
      el.removeEventListener('error', onError);
      el.removeEventListener('loaded', onLoaded);
      const shown = el.shadowRoot.querySelector('[part=error]');
      return { ok, kind, errors, shown: shown.hidden ? '' : shown.textContent };
    }, b64);
  const good = await run(bytes.toString('base64'));
  assert.equal(good.ok, true, JSON.stringify(good));
  assert.equal(good.kind, 'index');
  const results = await page.evaluate(() => document.querySelector('coop-matcher').match('动力电池 热管理 液冷板'));
  assert.ok(results.length > 0);

  const flipped = Buffer.from(bytes);
  flipped[flipped.length - 10] ^= 0x40;
  const bad = await run(flipped.toString('base64'));
  assert.equal(bad.ok, false);
  assert.equal(bad.errors[0].phase, 'load');
  assert.match(bad.errors[0].message, /checksum/);
  assert.match(bad.shown, /checksum/);

  const cut = await run(Buffer.from(bytes.subarray(0, 1000)).toString('base64'));
  assert.match(cut.errors[0].message, /truncated/);
  const version = Buffer.from(bytes);
  version[8] = 9;
  assert.match((await run(version.toString('base64'))).errors[0].message, /version 9 is not supported/);
});

test('5b. a .cmx index from a URL is decoded while it downloads; damage is a clear error', async () => {
  const { page } = s;
  const bytes = demoIndex();
  const flipped = Buffer.from(bytes);
  flipped[Math.floor(flipped.length / 2)] ^= 0x40;
  // Same-origin URLs answered by the test (the worker's fetch goes through
  // the page's routes): the index, a damaged copy, a cut copy, not an index.
  const bodies = {
    'good.cmx': bytes,
    'flipped.cmx': flipped,
    'cut.cmx': bytes.subarray(0, bytes.length - 100),
    'foreign.cmx': Buffer.from('{"id": "p1", "name": "not an index"}\n'),
  };
  await page.route('**/served/*.cmx', (route) => {
    const body = bodies[new URL(route.request().url()).pathname.split('/').pop()];
    route.fulfill({ status: 200, contentType: 'application/octet-stream', body });
  });
  const load = (url) =>
    page.evaluate(async (url) => {
      const el = document.querySelector('coop-matcher');
      const errors = [];
      const onError = (e) => errors.push(e.detail.message);
      el.addEventListener('error', onError);
      let loaded = null;
      const onLoaded = (e) => {
        loaded = e.detail;
      };
      el.addEventListener('loaded', onLoaded);
      const ok = await el.load({ url });
      el.removeEventListener('error', onError);
      el.removeEventListener('loaded', onLoaded);
      return { ok, kind: loaded && loaded.kind, total: loaded && loaded.total, errors };
    }, url);
  const good = await load('served/good.cmx');
  assert.equal(good.ok, true, JSON.stringify(good));
  assert.equal(good.kind, 'index');
  assert.equal(good.total, 166);
  const results = await page.evaluate(() => document.querySelector('coop-matcher').match('动力电池 热管理 液冷板'));
  assert.ok(results.length > 0);
  assert.match((await load('served/flipped.cmx')).errors[0], /checksum/);
  assert.match((await load('served/cut.cmx')).errors[0], /truncated/);
  assert.match((await load('served/foreign.cmx')).errors[0], /not a coopmatch index file/);
  await page.unroute('**/served/*.cmx');
});

test('6. remember-on-this-device is opt-in, survives a reload, and forget deletes it', async () => {
  const { page } = s;
  const dbNames = () => page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
  const file = {
    name: 'mine.jsonl',
    mimeType: 'application/json',
    buffer: Buffer.from(['{"id":"m1","name":"My Lab One","keywords":["钛合金"]}', '{"id":"m2","name":"My Lab Two","keywords":["焊缝"]}'].join('\n')),
  };
  await page.reload();
  await page.waitForSelector('coop-matcher[data-ready="true"]', { state: 'attached' });
  assert.ok(!(await dbNames()).includes('coopmatch'), 'stored before any opt-in');
  // Opening a file without opting in writes nothing.
  await page.setInputFiles('coop-matcher input[type=file]', file);
  await page.waitForFunction(() => /2/.test(document.querySelector('coop-matcher').shadowRoot.querySelector('[part=status] span').textContent));
  assert.ok(!(await dbNames()).includes('coopmatch'), 'stored without opt-in');
  // Opting in saves it; a reload uses it.
  await page.check('coop-matcher input[type=checkbox]');
  await page.setInputFiles('coop-matcher input[type=file]', { ...file, name: 'mine2.jsonl' });
  await page.waitForFunction(async () => (await indexedDB.databases()).some((d) => d.name === 'coopmatch'));
  await page.waitForTimeout(200);
  await page.reload();
  await page.waitForSelector('coop-matcher[data-ready="true"]', { state: 'attached' });
  const status = await page.evaluate(() => document.querySelector('coop-matcher').shadowRoot.querySelector('[part=status] span').textContent);
  assert.match(status, /保存的资源（2 条）|saved on this device \(2\)/);
  const ids = await page.evaluate(async () => (await document.querySelector('coop-matcher').match('钛合金')).map((r) => r.profile.id));
  assert.deepEqual(ids, ['m1']);
  // Forget deletes the database and goes back to the portal's data.
  await page.click('coop-matcher button[part=forget]');
  await page.waitForFunction(async () => !(await indexedDB.databases()).some((d) => d.name === 'coopmatch'));
  await page.waitForFunction(() => document.querySelector('coop-matcher').getAttribute('aria-busy') === 'false');
  const after = await page.evaluate(async () => (await document.querySelector('coop-matcher').match('动力电池 热管理')).length);
  assert.ok(after > 0);
});

test('7. no request left the origin, no CSP violation, no page error', () => {
  assert.deepEqual(foreignRequests(s.log, s.origin), []);
  assert.deepEqual(s.log.cspViolations, []);
  assert.deepEqual(s.log.pageErrors, []);
});
