// The semantic tier's Web Worker (a module worker): the multilingual
// sentence-embedding model runs here, off the page's main thread and apart
// from the matcher's worker, so that its module and its ~27 MB model file
// are loaded only when the semantic tier is used. Nothing is fetched from
// anywhere but the page's own origin.
//
// Messages in (each may carry an `id`, echoed in the replies):
//   { type: 'load', url?: string, bytes?: ArrayBuffer }
//       Loads the model file (default `model/e5-small-zh-en.cme`, beside
//       the page); checked on load: a damaged, truncated or other-version
//       file is an error.
//   { type: 'embed', text: string, isQuery?: boolean }
//       The unit-length embedding of `text`, as a challenge (isQuery, the
//       default) or as a profile's work.
//   { type: 'count', text: string, isQuery?: boolean }
//       The tokens the model would run for `text` (prefix and window
//       markers included), without embedding it.
// Messages out:
//   { type: 'loaded', id, dimension, about, kernel, ms, fetchMs, wasmBytes }
//   { type: 'embedded', id, vector: Float32Array (transferred), tokens, ms, wasmBytes }
//   { type: 'counted', id, tokens }
//   { type: 'error', id, message }
// wasmBytes: the module's memory size after the call (it only grows).

import init, { SemanticModel } from './pkg-semantic/coopmatch_semantic.js';

export const DEFAULT_MODEL_URL = 'model/e5-small-zh-en.cme';

let ready = null; // the module's init promise
let model = null;
let memory = null; // the module's WebAssembly.Memory

async function start() {
  if (!ready) {
    ready = init().then((exports) => {
      memory = exports.memory;
    });
  }
  return ready;
}

async function load({ url, bytes }) {
  await start();
  const t0 = performance.now();
  if (!bytes) {
    const response = await fetch(new URL(url || DEFAULT_MODEL_URL, self.location.href));
    if (!response.ok) throw new Error(`model file: HTTP ${response.status}`);
    bytes = await response.arrayBuffer();
  }
  const fetchMs = performance.now() - t0;
  if (model) model.free();
  model = null;
  model = new SemanticModel(new Uint8Array(bytes));
  return {
    type: 'loaded',
    dimension: model.dimension,
    about: model.about,
    kernel: model.kernel,
    ms: performance.now() - t0,
    fetchMs,
    wasmBytes: memory ? memory.buffer.byteLength : 0,
  };
}

function embed({ text, isQuery = true }) {
  if (!model) throw new Error('no model loaded');
  if (typeof text !== 'string') throw new Error('text must be a string');
  const t0 = performance.now();
  const vector = model.embed(text, isQuery);
  const ms = performance.now() - t0;
  return {
    type: 'embedded',
    vector,
    tokens: model.tokenCount(text, isQuery),
    ms,
    wasmBytes: memory ? memory.buffer.byteLength : 0,
  };
}

function count({ text, isQuery = true }) {
  if (!model) throw new Error('no model loaded');
  if (typeof text !== 'string') throw new Error('text must be a string');
  return { type: 'counted', tokens: model.tokenCount(text, isQuery) };
}

if (typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope) {
  // One message at a time, in order: a load finishes before the next embed.
  let queue = Promise.resolve();
  self.onmessage = (event) => {
    const message = event.data || {};
    queue = queue.then(async () => {
      try {
        let reply;
        if (message.type === 'load') reply = await load(message);
        else if (message.type === 'embed') reply = embed(message);
        else if (message.type === 'count') reply = count(message);
        else throw new Error(`unknown message type ${message.type}`);
        const transfer = reply.vector ? [reply.vector.buffer] : [];
        self.postMessage({ ...reply, id: message.id }, transfer);
      } catch (error) {
        self.postMessage({ type: 'error', id: message.id, message: String(error && error.message ? error.message : error) });
      }
    });
  };
}
