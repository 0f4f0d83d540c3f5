// A sharded index (`coopmatch index --shards`) through the page's worker
// and <coop-matcher src=".../manifest.json">: the same results as the whole
// demo data (ids, scores, explanation words), fragments fetched per
// challenge, a damaged fragment and a missing one as clear errors, and no
// request off the page's origin.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, cpSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, normalize, extname, resolve } from 'node:path';
import { ROOT, CSP, launchChromium, foreignRequests } from './harness.mjs';

const WWW = resolve(ROOT, 'www');
const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm' };
let dir;
let server;
let base;
let browser;
let context;
let page;
const requests = [];
const pageErrors = [];

before(async () => {
  const bin = ['release', 'debug'].map((p) => join(ROOT, 'target', p, 'coopmatch')).find(existsSync);
  assert.ok(bin, 'build the CLI first (cargo build --release)');
  dir = mkdtempSync(join(tmpdir(), 'coopmatch-shards-'));
  const good = join(dir, 'good');
  execFileSync(bin, ['index', '--profiles', join(WWW, 'demo/profiles.json'), '--shards', '-o', good], { stdio: 'pipe' });
  // Every dictionary bucket damaged (one flipped byte), or every record missing.
  cpSync(good, join(dir, 'damaged'), { recursive: true });
  for (const f of readdirSync(join(dir, 'damaged')).filter((f) => f.startsWith('terms-'))) {
    const bytes = readFileSync(join(dir, 'damaged', f));
    bytes[bytes.length - 1] ^= 0x10;
    writeFileSync(join(dir, 'damaged', f), bytes);
  }
  cpSync(good, join(dir, 'missing'), { recursive: true });
  for (const f of readdirSync(join(dir, 'missing')).filter((f) => f.startsWith('records-'))) rmSync(join(dir, 'missing', f));

  server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      if (path === '/blank/' || path === '/component/') {
        const body = path === '/blank/'
          ? '<!doctype html><meta charset="utf-8"><title>t</title><p>t</p>'
          : '<!doctype html><meta charset="utf-8"><title>t</title><script type="module" src="/coop-matcher.js"></script><coop-matcher src="/shards/good/manifest.json" lang="en" results="5"></coop-matcher>';
        res.writeHead(200, { 'Content-Type': MIME['.html'], 'Content-Security-Policy': CSP });
        res.end(body);
        return;
      }
      const file = path.startsWith('/shards/') ? normalize(join(dir, path.slice(8))) : normalize(join(WWW, path));
      if (!file.startsWith(dir) && !file.startsWith(WWW)) throw new Error('outside');
      const body = await readFile(file);
      res.writeHead(200, { 'Content-Type': MIME[extname(file)] || 'application/octet-stream', 'Content-Security-Policy': CSP, 'Cache-Control': 'no-store' });
      res.end(body);
    } catch {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${server.address().port}/`;
  browser = await launchChromium();
  context = await browser.newContext();
  context.on('request', (r) => requests.push(r.url()));
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  await page.goto(`${base}blank/`);
});

after(async () => {
  await browser?.close();
  await new Promise((ok) => (server ? server.close(ok) : ok()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Loads `source` into a fresh worker and matches each challenge; returns the load reply and each result reply (or error). */
function run(source, challenges, options) {
  return page.evaluate(
    async ({ source, challenges, options }) => {
      const worker = new Worker('/worker.js', { type: 'module' });
      let next = 1;
      const waiting = new Map();
      worker.onmessage = (e) => {
        const w = waiting.get(e.data.id);
        if (!w || e.data.type === 'progress') return;
        waiting.delete(e.data.id);
        w(e.data);
      };
      const ask = (msg) => new Promise((ok) => {
        const id = next++;
        waiting.set(id, ok);
        worker.postMessage({ ...msg, id });
      });
      const loaded = await ask({ type: 'load', ...source });
      const replies = [];
      for (const challenge of challenges) replies.push(await ask({ type: 'match', challenge, options }));
      worker.terminate();
      return { loaded, replies };
    },
    { source, challenges, options },
  );
}

const demoChallenges = () => JSON.parse(readFileSync(join(WWW, 'demo/challenges.json'), 'utf8'));

test('the worker ranks from the shards as from the whole data', async () => {
  const challenges = demoChallenges();
  const options = { top: 100, explain: true };
  const whole = await run({ url: '/demo/profiles.json' }, challenges, options);
  const sharded = await run({ url: '/shards/good/manifest.json' }, challenges, options);
  assert.equal(sharded.loaded.type, 'loaded', JSON.stringify(sharded.loaded));
  assert.equal(sharded.loaded.kind, 'sharded');
  assert.equal(sharded.loaded.total, whole.loaded.total);
  let compared = 0;
  for (let i = 0; i < challenges.length; i += 1) {
    const e = whole.replies[i];
    const g = sharded.replies[i];
    assert.equal(g.type, 'result', g.message);
    assert.deepEqual(g.results.map((r) => [r.id, r.score]), e.results.map((r) => [r.id, r.score]), `challenge ${i}`);
    for (let k = 0; k < e.results.length; k += 1) {
      assert.deepEqual(g.results[k].profile, e.results[k].profile);
      assert.deepEqual(g.results[k].explanation.works, e.results[k].explanation.works);
      assert.deepEqual(g.results[k].explanation.terms.map((t) => [t.term, t.score]), e.results[k].explanation.terms.map((t) => [t.term, t.score]));
      compared += 1;
    }
    // What this match fetched (nothing when earlier ones fetched it all).
    assert.ok(g.fetches >= 0 && g.rounds >= 0 && g.cachedBytes > 0, JSON.stringify({ ...g, results: undefined }));
  }
  assert.ok(compared > 100, `${compared} results compared`);
  // The first challenge fetched fragments; a repeat of it fetches none.
  assert.ok(sharded.replies[0].fetches > 0 && sharded.replies[0].rounds >= 2);
  const again = await run({ url: '/shards/good/manifest.json' }, [challenges[0], challenges[0]], options);
  assert.equal(again.replies[1].fetches, 0);
  assert.deepEqual(again.replies[1].results.map((r) => r.score), sharded.replies[0].results.map((r) => r.score));
});

test('a damaged or missing fragment is a clear error', async () => {
  const [challenge] = demoChallenges();
  const damaged = await run({ url: '/shards/damaged/manifest.json' }, [challenge], {});
  assert.equal(damaged.replies[0].type, 'error');
  assert.match(damaged.replies[0].message, /index fragment `terms-[0-9a-f]{16}\.bin` is damaged/);
  const missing = await run({ url: '/shards/missing/manifest.json' }, [challenge], {});
  assert.equal(missing.replies[0].type, 'error');
  assert.match(missing.replies[0].message, /could not fetch index fragment records-[0-9a-f]{16}\.bin: HTTP 404/);
  const noManifest = await run({ url: '/shards/none/manifest.json' }, [], {});
  assert.equal(noManifest.loaded.type, 'error');
});

test('<coop-matcher> works from a sharded index', async () => {
  await page.goto(`${base}component/`);
  await page.waitForSelector('coop-matcher[data-ready="true"]', { state: 'attached', timeout: 30_000 });
  const results = await page.evaluate(async () => {
    const el = document.querySelector('coop-matcher');
    const r = await el.match('Battery pack thermal runaway in fast charging; liquid cooling plate design');
    return r.map((x) => ({ id: x.id, name: x.profile.name, shown: el.shadowRoot.querySelectorAll('[part~=result]').length }));
  });
  assert.ok(results.length > 0 && results.length <= 5);
  assert.equal(results[0].shown, results.length);
  assert.ok(results[0].name);
});

test('no request left the origin, and no page error', () => {
  assert.deepEqual(foreignRequests({ requests }, new URL(base).origin), []);
  assert.ok(requests.some((u) => /\/shards\/good\/postings-|\/shards\/good\/terms-/.test(u)));
  assert.deepEqual(pageErrors, []);
});
