// The semantic tier's speed in the browser: the page's own worker
// (www/semantic-worker.js) loads the model file, then embeds challenges of
// 64 and 256 tokens (prefix, <s> and </s> included), each a different
// slice of the mixed Chinese/English fixture text, RUNS times after WARMUP
// runs. Reports through window.benchResult for tests/bench/semantic.mjs.
const RUNS = 21;
const WARMUP = 3;
const LENGTHS = [64, 256];

function call(worker, message) {
  return new Promise((resolve, reject) => {
    const id = Math.random();
    const listener = (event) => {
      if (event.data.id !== id) return;
      worker.removeEventListener('message', listener);
      if (event.data.type === 'error') reject(new Error(event.data.message));
      else resolve(event.data);
    };
    worker.addEventListener('message', listener);
    worker.postMessage({ ...message, id });
  });
}

/** A slice of `chars` from `start` with exactly `tokens` tokens, if one exists. */
async function sliceOf(worker, chars, start, tokens) {
  let lo = start + 1;
  let hi = Math.min(chars.length, start + tokens * 4);
  // The count grows with the end; find the longest slice within `tokens`.
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const r = await call(worker, { type: 'count', text: chars.slice(start, mid).join(''), isQuery: true });
    if (r.tokens <= tokens) lo = mid;
    else hi = mid - 1;
  }
  return chars.slice(start, lo).join('');
}

async function main() {
  const texts = await (await fetch('../../crates/semantic/tests/fixtures/texts.json')).json();
  const chars = [...texts.texts.find((t) => t.name === 'long-10000').text];
  const worker = new Worker('../../www/semantic-worker.js', { type: 'module' });
  if (location.search.includes('baseline')) {
    // The same page and worker without the model: what the renderer costs
    // anyway, to subtract from its peak memory.
    await call(worker, { type: 'embed', text: '' }).catch(() => {});
    window.benchResult = { baseline: true };
    return;
  }
  const loaded = await call(worker, { type: 'load' });
  const result = { kernel: loaded.kernel, load_ms: Math.round(loaded.ms), fetch_ms: Math.round(loaded.fetchMs), wasm_mb_after_load: +(loaded.wasmBytes / 1e6).toFixed(1) };
  let wasmBytes = loaded.wasmBytes;
  for (const tokens of LENGTHS) {
    const times = [];
    let actual = 0;
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const text = await sliceOf(worker, chars, (i * 131) % (chars.length / 2), tokens);
      const r = await call(worker, { type: 'embed', text, isQuery: true });
      wasmBytes = Math.max(wasmBytes, r.wasmBytes);
      actual = r.tokens;
      if (i >= WARMUP) times.push(r.ms);
    }
    times.sort((a, b) => a - b);
    result[`p50_ms_${tokens}`] = +times[Math.floor(times.length / 2)].toFixed(1);
    result[`min_ms_${tokens}`] = +times[0].toFixed(1);
    result[`max_ms_${tokens}`] = +times[times.length - 1].toFixed(1);
    result[`tokens_${tokens}`] = actual;
  }
  result.wasm_mb_peak = +(wasmBytes / 1e6).toFixed(1);
  worker.terminate();
  window.benchResult = result;
  document.getElementById('status').textContent = JSON.stringify(result);
}
main().catch((e) => { window.benchResult = { error: String(e && e.stack ? e.stack : e) }; });
