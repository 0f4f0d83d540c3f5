// Large-data benchmark (run by hand, not in CI): 100,000 profiles in
// Chromium through www/worker.js.
//
//   python3 /work/shared/tools/make_perf_corpus.py 100000 /tmp/perf100k
//   cargo build --release && cargo xtask build
//   target/release/coopmatch index --profiles /tmp/perf100k/profiles.jsonl -o /tmp/perf100k/data.cmx
//   gzip -6 -k -f /tmp/perf100k/data.cmx
//   node tests/browser/large.bench.mjs [/tmp/perf100k] [--jsonl]
//
// Reports: index file size against the JSONL (raw and gzip), load time of
// the prebuilt index (raw, .gz decompressed in the worker, and sent with
// `Content-Encoding: gzip` as a compressing web server would), match
// latency p50/p95 in the worker (100 long challenges, explanations on, top
// 10), peak WASM memory, the longest main-thread task during the loads,
// and with --jsonl the chunked load of the JSONL text itself.

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, normalize, extname, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { ROOT, CSP } from './harness.mjs';

const args = process.argv.slice(2);
const DATA = resolve(args.find((a) => !a.startsWith('--')) || '/tmp/perf100k');
const WITH_JSONL = args.includes('--jsonl');
const WWW = resolve(ROOT, 'www');
const MIME = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm' };

for (const f of ['profiles.jsonl', 'challenges.jsonl', 'data.cmx']) {
  if (!existsSync(join(DATA, f))) {
    console.error(`missing ${join(DATA, f)}: see the commands at the top of this file`);
    process.exit(2);
  }
}

const server = createServer(async (req, res) => {
  try {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    let file;
    if (path === '/bench/') {
      res.writeHead(200, { 'Content-Type': MIME['.html'], 'Content-Security-Policy': CSP });
      res.end('<!doctype html><meta charset="utf-8"><title>bench</title><p>bench</p>');
      return;
    }
    // /bench/encoded/F is F.gz sent as F with `Content-Encoding: gzip`, as
    // a web server compressing on the way sends it (the browser inflates).
    const encoded = path.startsWith('/bench/encoded/');
    if (encoded) file = normalize(join(DATA, `${path.slice(15)}.gz`));
    else if (path.startsWith('/bench/')) file = normalize(join(DATA, path.slice(7)));
    else file = normalize(join(WWW, path));
    if (!file.startsWith(DATA) && !file.startsWith(WWW)) throw new Error('outside');
    const body = await readFile(file);
    res.writeHead(200, {
      'Content-Type': MIME[extname(file)] || 'application/octet-stream',
      'Content-Length': body.length,
      'Content-Security-Policy': CSP,
      'Cache-Control': 'no-store',
      ...(encoded ? { 'Content-Encoding': 'gzip' } : {}),
    });
    res.end(body);
  } catch {
    res.writeHead(404);
    res.end();
  }
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const base = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
});
const page = await browser.newPage();
page.on('pageerror', (e) => console.error('page error:', e));
await page.goto(`${base}bench/`);

const challenges = (await readFile(join(DATA, 'challenges.jsonl'), 'utf8'))
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l));

/** Runs one worker session in the page: load `source`, then optionally match. */
function session(source, doMatch) {
  return page.evaluate(
    async ({ source, challenges, doMatch }) => {
      let longest = 0;
      const obs = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) longest = Math.max(longest, e.duration);
      });
      obs.observe({ type: 'longtask' });
      const worker = new Worker('/worker.js', { type: 'module' });
      let nextId = 1;
      const waiting = new Map();
      let progress = 0;
      worker.onmessage = (e) => {
        const m = e.data;
        if (m.type === 'progress') {
          progress += 1;
          return;
        }
        const w = waiting.get(m.id);
        if (w) {
          waiting.delete(m.id);
          if (m.type === 'error') w.reject(new Error(m.message));
          else w.resolve(m);
        }
      };
      const ask = (msg) =>
        new Promise((resolve, reject) => {
          const id = nextId++;
          waiting.set(id, { resolve, reject });
          worker.postMessage({ ...msg, id });
        });
      await ask({ type: 'init' });
      const t0 = performance.now();
      const loaded = await ask({ type: 'load', ...source });
      const loadMs = performance.now() - t0;
      const out = { loadMs, workerMs: loaded.ms, fetchMs: loaded.fetchMs, pieces: loaded.pieces, decodeMs: loaded.decodeMs, total: loaded.total, progress, longestLoad: longest };
      if (doMatch) {
        const inWorker = [];
        const roundTrip = [];
        // Warm up once (first-use costs), then measure every challenge.
        await ask({ type: 'match', challenge: challenges[0], options: { top: 10, explain: true } });
        for (const c of challenges) {
          const t = performance.now();
          const r = await ask({ type: 'match', challenge: c, options: { top: 10, explain: true } });
          roundTrip.push(performance.now() - t);
          inWorker.push(r.ms);
        }
        out.inWorker = inWorker;
        out.roundTrip = roundTrip;
      }
      out.memory = (await ask({ type: 'memory' })).bytes;
      out.longest = longest;
      obs.disconnect();
      worker.terminate();
      return out;
    },
    { source, challenges, doMatch },
  );
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const mb = (n) => `${(n / 1e6).toFixed(1)} MB`;

const sizes = {};
for (const f of ['profiles.jsonl', 'data.cmx', 'data.cmx.gz', 'profiles.jsonl.gz']) {
  if (existsSync(join(DATA, f))) sizes[f] = (await stat(join(DATA, f))).size;
}
console.log(`data: ${DATA}`);
console.log(`JSONL ${mb(sizes['profiles.jsonl'])}; index ${mb(sizes['data.cmx'])} = ${(sizes['data.cmx'] / sizes['profiles.jsonl']).toFixed(3)}x JSONL`);
if (sizes['data.cmx.gz']) {
  console.log(`gzip: index ${mb(sizes['data.cmx.gz'])} = ${(sizes['data.cmx.gz'] / sizes['profiles.jsonl']).toFixed(3)}x JSONL` +
    (sizes['profiles.jsonl.gz'] ? ` (JSONL gzip ${mb(sizes['profiles.jsonl.gz'])})` : ''));
}

const raw = await session({ url: '/bench/data.cmx' }, true);
console.log(`prebuilt index (raw): ${raw.total} profiles, loaded in ${raw.loadMs.toFixed(0)} ms: fetch and decode ${raw.fetchMs.toFixed(0)} ms (decoded as it arrives) + finish ${(raw.workerMs - raw.fetchMs).toFixed(0)} ms; ${raw.pieces} pieces, ${raw.decodeMs.toFixed(0)} ms of it decoding`);
console.log(`match in worker: p50 ${pct(raw.inWorker, 50).toFixed(2)} ms, p95 ${pct(raw.inWorker, 95).toFixed(2)} ms, max ${Math.max(...raw.inWorker).toFixed(2)} ms; round trip p50 ${pct(raw.roundTrip, 50).toFixed(2)} ms, p95 ${pct(raw.roundTrip, 95).toFixed(2)} ms (n=${raw.inWorker.length})`);
console.log(`WASM memory after load + matching (peak; it never shrinks): ${mb(raw.memory)}`);
console.log(`longest main-thread task: ${raw.longest.toFixed(0)} ms`);

if (sizes['data.cmx.gz']) {
  const gz = await session({ url: '/bench/data.cmx.gz' }, false);
  console.log(`prebuilt index (.gz, DecompressionStream in the worker): loaded in ${gz.loadMs.toFixed(0)} ms: fetch, gunzip and decode ${gz.fetchMs.toFixed(0)} ms + finish ${(gz.workerMs - gz.fetchMs).toFixed(0)} ms; memory ${mb(gz.memory)}; longest main-thread task ${gz.longest.toFixed(0)} ms`);
}

if (sizes['data.cmx.gz']) {
  const enc = await session({ url: '/bench/encoded/data.cmx' }, false);
  console.log(`prebuilt index (sent gzip-encoded, inflated by the browser): loaded in ${enc.loadMs.toFixed(0)} ms: fetch and decode ${enc.fetchMs.toFixed(0)} ms + finish ${(enc.workerMs - enc.fetchMs).toFixed(0)} ms; memory ${mb(enc.memory)}`);
}

if (WITH_JSONL) {
  const text = await session({ url: '/bench/profiles.jsonl', chunk: 2000 }, false);
  console.log(`JSONL text, 2,000 profiles per WASM call: ${text.total} profiles in ${(text.loadMs / 1000).toFixed(1)} s, ${text.progress} progress messages; memory ${mb(text.memory)}; longest main-thread task ${text.longest.toFixed(0)} ms`);
}

await browser.close();
server.close();
