// The Node benchmark's coopmatch workload, in the browser: load the corpus
// (in pieces of 2,000 lines, cut as the page's worker cuts them), then
// every challenge 3 times, top 100.
// Reports through window.benchResult for tests/bench/chromium.mjs.
import init, { Matcher } from '../../www/pkg/coopmatch.js';
import { jsonlPieces } from '../../www/worker.js';

const base = '../../target/bench-data/browser/';
const text = async f => (await fetch(base + f)).text();

async function main() {
  await init();
  const profilesText = await text('profiles.jsonl');
  const challenges = (await text('challenges.jsonl')).split('\n').filter(l => l.trim()).map(l => JSON.parse(l));
  const heapBefore = performance.memory ? performance.memory.usedJSHeapSize : 0;
  const t0 = performance.now();
  const m = new Matcher();
  for (const piece of jsonlPieces(profilesText, 2000)) m.loadProfilesChunk(piece.data, 'jsonl', piece.lineOffset);
  const buildMs = performance.now() - t0;
  const latencies = [];
  for (let pass = 0; pass < 3; pass++) {
    for (const c of challenges) {
      const s = performance.now();
      m.match(c, { top: 100, explain: false, profile: false });
      latencies.push(performance.now() - s);
    }
  }
  latencies.sort((a, b) => a - b);
  const pct = q => +latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))].toFixed(3);
  window.benchResult = {
    lib: 'coopmatch-wasm-chromium', profiles: m.profileCount, challenges: challenges.length,
    build_ms: Math.round(buildMs), js_heap_growth_mb: +((performance.memory ? performance.memory.usedJSHeapSize : 0) - heapBefore) / 1e6,
    p50_ms: pct(0.5), p95_ms: pct(0.95),
  };
  document.getElementById('status').textContent = JSON.stringify(window.benchResult);
}
main().catch(e => { window.benchResult = { error: String(e) }; });
