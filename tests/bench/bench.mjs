// One system on one data set, in this process:
//
//   node --expose-gc bench.mjs LIB DATA_DIR [--passes N]
//
// LIB is coopmatch (the release WASM in www/pkg, the build the page uses),
// minisearch, flexsearch or lunr, with the peers set up as in
// ../shared/tools/peers/peers.mjs. Prints one JSON line: lib, profiles,
// challenges, build_ms, heap_mb, p50_ms, p95_ms (latency over N passes of
// every challenge, top 100), and ndcg10 / p1 when DATA_DIR has qrels.tsv.
// For coopmatch, heap_mb is the WASM memory after indexing plus the JS
// heap growth, and build_ms includes cutting the JSONL text into pieces
// and parsing it inside WASM (2,000 lines a piece, as the page's worker
// does, with the worker's own function).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const [lib, dir] = process.argv.slice(2);
const passesArg = process.argv.indexOf('--passes');
const passes = passesArg > 0 ? Number(process.argv[passesArg + 1]) : 3;
if (!lib || !dir) {
  console.error('usage: node --expose-gc bench.mjs LIB DATA_DIR [--passes N]');
  process.exit(2);
}
const readLines = f => fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter(l => l.trim());
const profilesText = fs.readFileSync(path.join(dir, 'profiles.jsonl'), 'utf8');
const profiles = readLines('profiles.jsonl').map(l => JSON.parse(l));
const challenges = readLines('challenges.jsonl').map(l => JSON.parse(l));

// The peers index a profile's titles and abstracts as two fields.
const docs = profiles.map(p => ({
  id: p.id,
  title: (p.works || []).map(w => w.title || '').join(' '),
  body: (p.works || []).map(w => w.abstract || '').join(' '),
}));
const queryText = c => `${c.title || ''} ${c.description || ''}`.trim();

let wasmMemory = () => 0;
async function setup() {
  if (lib === 'coopmatch') {
    const pkg = process.env.COOPMATCH_PKG || path.join(here, '..', '..', 'www', 'pkg');
    const mod = await import(path.join(pkg, 'coopmatch.js'));
    const exports = mod.initSync({ module: fs.readFileSync(path.join(pkg, 'coopmatch_bg.wasm')) });
    wasmMemory = () => exports.memory.buffer.byteLength;
    // The page's worker cuts JSONL into pieces with this function.
    const { jsonlPieces } = await import(path.join(here, '..', '..', 'www', 'worker.js'));
    return () => {
      const m = new mod.Matcher();
      // In pieces of 2,000 lines, as the page's worker loads: the text of
      // one piece at a time crosses into WASM memory, not the whole file.
      for (const piece of jsonlPieces(profilesText, 2000)) {
        const report = m.loadProfilesChunk(piece.data, 'jsonl', piece.lineOffset);
        if (report.errors.some(e => !e.loaded)) throw new Error(`rows rejected: ${JSON.stringify(report.errors[0])}`);
      }
      const options = { top: 100, explain: false, profile: false };
      return c => m.match(c, options).map(r => [r.id, r.score]);
    };
  }
  if (lib === 'minisearch') {
    const { default: MiniSearch } = await import('minisearch');
    return () => {
      const ms = new MiniSearch({ fields: ['title', 'body'] });
      ms.addAll(docs);
      return c => ms.search(queryText(c), { combineWith: 'OR' }).slice(0, 100).map(r => [r.id, r.score]);
    };
  }
  if (lib === 'flexsearch') {
    const { default: FlexSearch } = await import('flexsearch');
    return () => {
      const idx = new FlexSearch.Document({ document: { id: 'id', index: ['title', 'body'] }, tokenize: 'strict' });
      for (const d of docs) idx.add(d);
      return c => {
        const best = new Map();
        for (const field of idx.search(queryText(c), { limit: 100, suggest: true }))
          field.result.forEach((id, rank) => best.set(id, Math.max(best.get(id) || 0, 100 - rank)));
        return [...best];
      };
    };
  }
  if (lib === 'lunr') {
    const { default: lunr } = await import('lunr');
    return () => {
      const idx = lunr(function () {
        this.ref('id'); this.field('title'); this.field('body');
        for (const d of docs) this.add(d);
      });
      return c => idx.search(queryText(c).replace(/[:~^*+\-]/g, ' ')).slice(0, 100).map(r => [r.ref, r.score]);
    };
  }
  console.error('LIB must be coopmatch, minisearch, flexsearch or lunr');
  process.exit(2);
}

// nDCG@10 and P@1 exactly as ../shared/tools/ireval.py computes them.
function quality(ranked) {
  const qrels = path.join(dir, 'qrels.tsv');
  if (!fs.existsSync(qrels)) return {};
  const rel = new Map();
  for (const line of fs.readFileSync(qrels, 'utf8').split('\n').slice(1)) {
    const [c, p, g] = line.split('\t');
    if (!c || !(Number(g) > 0)) continue;
    if (!rel.has(c)) rel.set(c, new Map());
    rel.get(c).set(p, Number(g));
  }
  let ndcg = 0, p1 = 0;
  for (const [c, gains] of rel) {
    const list = (ranked.get(c) || []).slice()
      .sort((a, b) => b[1] - a[1] || (String(a[0]) < String(b[0]) ? -1 : String(a[0]) > String(b[0]) ? 1 : 0))
      .map(x => String(x[0]));
    let dcg = 0;
    list.slice(0, 10).forEach((p, i) => { dcg += (gains.get(p) || 0) / Math.log2(i + 2); });
    const ideal = [...gains.values()].sort((a, b) => b - a).slice(0, 10)
      .reduce((s, g, i) => s + g / Math.log2(i + 2), 0);
    ndcg += dcg / ideal;
    p1 += list.length && gains.has(list[0]) ? 1 : 0;
  }
  return { ndcg10: +(ndcg / rel.size).toFixed(4), p1: +(p1 / rel.size).toFixed(4) };
}

const build = await setup();
global.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const t0 = performance.now();
const search = build();
const buildMs = performance.now() - t0;
global.gc?.();
const heapMb = (process.memoryUsage().heapUsed - heapBefore + wasmMemory()) / 1e6;

const latencies = [];
const ranked = new Map();
for (let pass = 0; pass < passes; pass++) {
  for (const c of challenges) {
    const s = performance.now();
    const hits = search(c);
    latencies.push(performance.now() - s);
    if (pass === 0) ranked.set(String(c.id), hits);
  }
}
latencies.sort((a, b) => a - b);
const pct = q => +latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))].toFixed(3);
console.log(JSON.stringify({
  lib: lib === 'coopmatch' ? 'coopmatch-wasm' : lib,
  profiles: profiles.length, challenges: challenges.length,
  build_ms: Math.round(buildMs), heap_mb: +heapMb.toFixed(1), p50_ms: pct(0.5), p95_ms: pct(0.95),
  ...quality(ranked),
}));
