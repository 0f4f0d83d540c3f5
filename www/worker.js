// The matcher's Web Worker (a module worker): loading, indexing and
// matching run here, off the page's main thread.
//
// Messages in (each may carry an `id`, echoed in the replies):
//   { type: 'init', wasm?: ArrayBuffer|Uint8Array }   optional; done lazily
//   { type: 'load', url?: string, text?: string, bytes?: ArrayBuffer,
//     format?: 'json'|'jsonl'|'csv'|'cmx', params?: object, chunk?: number }
//       Replaces the loaded profiles. A `.cmx` index (by format, by the
//       `.cmx`/`.cmx.gz` extension or by its magic bytes) from a URL is
//       decoded piece by piece while it downloads (IndexLoader), given as
//       bytes it is loaded whole (Matcher.loadIndex); a `.gz` URL is decompressed here with
//       DecompressionStream('gzip'). Text is indexed `chunk` profiles
//       (default 2000) per WASM call, with a progress message after each.
//       A sharded index (format 'sharded', or a URL ending in manifest.json,
//       from `coopmatch index --shards`): only its manifest is fetched
//       here; each match then fetches the fragments it needs beside it.
//   { type: 'cancel' }          stops a load between two chunks
//   { type: 'match', challenge: string|object, options?: MatchOptions }
//   { type: 'facets' }
//   { type: 'writeIndex' }      the loaded profiles as a .cmx index (to save them)
// Messages out:
//   { type: 'ready', version }
//   { type: 'progress', id, phase: 'fetch'|'parse'|'index', bytes, totalBytes,
//     loaded, indexed, total }   loaded = rows read so far, indexed = profiles in the index
//   { type: 'loaded', id, total, added, errors, rows, kind: 'index'|'text'|'sharded', ms, fetchMs }
//     (fetchMs: until the last byte; for an index from a URL it includes
//     decoding, which runs while the bytes arrive)
//   { type: 'cancelled', id, indexed }
//   { type: 'result', id, results, ms }   (from a sharded index also
//     fetches, fetchedBytes, rounds: the fragments this match fetched)
//   { type: 'facets', id, facets }
//   { type: 'index', id, bytes: ArrayBuffer, total }
//   { type: 'error', id, message }
//
// Only the page's own origin is ever fetched (the URL is resolved against
// the worker's location and refused when it points elsewhere).

import init, { IndexLoader, Matcher, version } from './pkg/coopmatch.js';

const MAGIC = [0x89, 0x43, 0x4d, 0x58];
const DEFAULT_CHUNK = 2000;

/**
 * JSONL text in pieces of `chunk` lines, each { data, lineOffset, rows }:
 * `data` the lines joined by '\n' (as `text.split('\n')` cut into groups of
 * `chunk` and rejoined), `lineOffset` the number of lines before the piece,
 * `rows` its lines that are not blank. Cut with `indexOf` and `slice`
 * rather than split and join: no array of every line, and a piece's text
 * shares the memory of the whole rather than copying it.
 */
export function jsonlPieces(text, chunk) {
  // A size that is not a number would take no line per piece and never end.
  const size = Math.max(1, Math.floor(chunk) || 1);
  const out = [];
  let start = 0;
  let lines = 0;
  // `start` is past the end only after the last line has been taken.
  while (start <= text.length) {
    let at = start;
    let taken = 0;
    let rows = 0;
    let end = text.length;
    while (taken < size && at <= text.length) {
      const newline = text.indexOf('\n', at);
      const lineEnd = newline < 0 ? text.length : newline;
      if (!isBlank(text, at, lineEnd)) rows += 1;
      taken += 1;
      end = lineEnd;
      at = lineEnd + 1;
    }
    out.push({ data: text.slice(start, end), lineOffset: lines, rows });
    lines += taken;
    start = at;
  }
  return out;
}

/** Whether `text.slice(from, to)` is empty or white space only (as `trim()` sees it). */
function isBlank(text, from, to) {
  if (from === to) return true;
  const first = text.charCodeAt(from);
  // Nearly every line starts with '{'; only a line starting with a space
  // or a non-ASCII character needs the full test.
  if (first > 32 && first < 128) return false;
  return !/\S/.test(text.slice(from, to));
}

/** The message handler, separate from the worker so the offline bundle can run it in the page too. */
export function createEngine(post, { wasm: defaultWasm, base } = {}) {
  let ready = null;
  let matcher = null;
  let cancelled = false;
  let loading = null; // id of the load in progress
  let memory = null; // the WASM memory, for the benchmark's peak-memory figure
  let sharded = null; // a sharded index (ShardedMatcher), when one is loaded
  let shardBase = null; // its manifest's URL: fragments are fetched beside it
  const inflight = new Map(); // fragment name -> its fetch, so none is fetched twice at once
  let shardsReady = null; // the sharded index module's init()
  let shardsMemory = null; // and its WASM memory

  function start(wasm) {
    if (!ready) {
      const source = wasm || defaultWasm;
      ready = (source ? init({ module_or_path: source }) : init()).then((exports) => {
        memory = exports.memory;
        matcher = new Matcher();
        return exports;
      });
    }
    return ready;
  }

  const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

  /**
   * Fetches `url` (this origin only). A prebuilt index (by `given` format,
   * its extension or its magic bytes in the first piece) goes piece by
   * piece into an IndexLoader while it downloads, so decoding overlaps the
   * download and the file is never held whole: returns { loader, name }.
   * Anything else is gathered: returns { bytes, name }. null when cancelled.
   */
  async function fetchData(url, id, given) {
    const target = ownUrl(url);
    const response = await fetch(target.href, { credentials: 'same-origin' });
    if (!response.ok) throw new Error(`could not fetch ${target.pathname}: HTTP ${response.status}`);
    const totalBytes = Number(response.headers.get('Content-Length')) || 0;
    const gzip = /\.gz$/i.test(target.pathname);
    // The length of the bytes we read, when the response says it: not for
    // a body that was compressed on the way (then it is the compressed size).
    const exactBytes = !gzip && !response.headers.get('Content-Encoding') && totalBytes ? totalBytes : undefined;
    let stream = response.body;
    if (gzip) stream = stream.pipeThrough(new DecompressionStream('gzip'));
    const reader = stream.getReader();
    const parts = [];
    let loader = null;
    let bytes = 0;
    let lastPost = 0;
    let pieces = 0;
    let decodeMs = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (cancelled) {
          reader.cancel().catch(() => {});
          if (loader) loader.free();
          return null;
        }
        if (bytes === 0 && formatOf(target.pathname, value, given) === 'cmx' && value.length >= MAGIC.length) {
          loader = new IndexLoader(exactBytes);
        }
        if (loader) {
          const t = performance.now();
          loader.push(value);
          decodeMs += performance.now() - t;
        } else parts.push(value);
        pieces += 1;
        bytes += value.length;
        const now = performance.now();
        if (now - lastPost > 50) {
          lastPost = now;
          const indexed = loader ? loader.profilesDecoded : 0;
          post({ type: 'progress', id, phase: 'fetch', bytes, totalBytes, loaded: indexed, indexed, total: 0 });
        }
      }
    } catch (err) {
      reader.cancel().catch(() => {});
      if (loader) loader.free();
      throw err;
    }
    if (loader) return { loader, name: target.pathname, pieces, decodeMs };
    const out = new Uint8Array(bytes);
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return { bytes: out, name: target.pathname };
  }

  /** `url` resolved against the worker's location; refused unless it is of the same origin. */
  function ownUrl(url, against) {
    const here = base || self.location.href;
    const target = new URL(url, against || here);
    const origin = new URL(here).origin;
    if (target.origin !== origin && !(origin === 'null' && target.protocol === 'file:')) {
      throw new Error(`data must come from this page's own origin (${origin}), not ${target.origin}`);
    }
    return target;
  }

  function dropSharded() {
    if (sharded) sharded.free();
    sharded = null;
    shardBase = null;
  }

  /** Opens a sharded index: its manifest only; fragments come with each match. */
  async function loadSharded(msg, t0) {
    const { id } = msg;
    const target = ownUrl(msg.url);
    const response = await fetch(target.href, { credentials: 'same-origin' });
    if (!response.ok) throw new Error(`could not fetch ${target.pathname}: HTTP ${response.status}`);
    const text = await response.text();
    const fetchMs = performance.now() - t0;
    // The sharded index's reader is a module of its own, loaded on first use.
    const shards = await import('./pkg-shards/coopmatch_shards.js');
    if (!shardsReady) shardsReady = shards.default();
    shardsMemory = (await shardsReady).memory;
    const fresh = new shards.ShardedMatcher(text);
    dropSharded();
    sharded = fresh;
    shardBase = target.href;
    // The whole-index matcher is left empty (facets and saving need records).
    if (matcher) matcher.free();
    matcher = new Matcher();
    const total = fresh.profileCount;
    post({ type: 'loaded', id, kind: 'sharded', total, added: total, rows: total, errors: [], ms: performance.now() - t0, fetchMs, manifestBytes: text.length });
  }

  /** One fragment of the sharded index, fetched once however many ask for it at the same time. */
  function fragment(name, counts) {
    let pending = inflight.get(name);
    if (!pending) {
      const url = ownUrl(name, shardBase);
      pending = fetch(url.href, { credentials: 'same-origin' })
        .then(async (response) => {
          if (!response.ok) throw new Error(`could not fetch index fragment ${name}: HTTP ${response.status}`);
          const bytes = new Uint8Array(await response.arrayBuffer());
          counts.fetches += 1;
          counts.fetchedBytes += bytes.length;
          return bytes;
        })
        .finally(() => inflight.delete(name));
      inflight.set(name, pending);
    }
    return pending;
  }

  /** A match against the sharded index: rounds of parallel fragment fetches until it has what it needs. */
  async function matchSharded(challenge, options) {
    const counts = { fetches: 0, fetchedBytes: 0, rounds: 0 };
    // A challenge needs a handful of rounds (words, postings, feedback, records).
    for (let round = 0; round < 32; round += 1) {
      const step = sharded.match(challenge, options);
      if (step.results) return { results: step.results, ...counts };
      counts.rounds += 1;
      const got = await Promise.all(step.need.map((name) => fragment(name, counts).then((bytes) => [name, bytes])));
      for (const [name, bytes] of got) sharded.addFragment(name, bytes);
    }
    throw new Error('the sharded index kept asking for fragments');
  }

  function formatOf(name, bytes, given) {
    if (given) return String(given).toLowerCase().replace(/^\./, '');
    const bare = (name || '').toLowerCase().replace(/\.gz$/, '');
    const ext = bare.includes('.') ? bare.slice(bare.lastIndexOf('.') + 1) : '';
    if (['cmx', 'json', 'jsonl', 'ndjson', 'csv', 'tsv', 'txt'].includes(ext)) return ext;
    if (bytes && MAGIC.every((b, i) => bytes[i] === b)) return 'cmx';
    return '';
  }

  /** Splits CSV text into records (a newline inside quotes does not end one); returns { header, records: [{ text, line }] }. */
  function csvRecords(text) {
    const records = [];
    let start = 0;
    let line = 1;
    let recordLine = 1;
    let quoted = false;
    for (let i = 0; i < text.length; i += 1) {
      const c = text.charCodeAt(i);
      if (c === 34) quoted = !quoted;
      else if (c === 10) {
        if (!quoted) {
          records.push({ text: text.slice(start, i), line: recordLine });
          start = i + 1;
          recordLine = line + 1;
        }
        line += 1;
      }
    }
    if (start < text.length) records.push({ text: text.slice(start), line: recordLine });
    const header = records.shift();
    return { header: header ? header.text : '', records: records.filter((r) => r.text.trim() !== '') };
  }

  /** Pieces of the data, each { data, format, lineOffset, rows }. */
  function pieces(text, format, chunk) {
    const body = text.replace(/^\uFEFF/, '');
    const first = body.trimStart()[0];
    const kind = format === 'json' || (!format && first === '[')
      ? 'json'
      : format === 'jsonl' || format === 'ndjson' || (!format && first === '{')
        ? 'jsonl'
        : 'csv';
    const out = [];
    if (kind === 'json') {
      let items;
      try {
        items = JSON.parse(body);
      } catch (err) {
        // Let the engine report the syntax error in its own words.
        return [{ data: body, format: 'json', lineOffset: 0, rows: 0 }];
      }
      if (!Array.isArray(items)) return [{ data: body, format: 'json', lineOffset: 0, rows: 0 }];
      for (let i = 0; i < items.length; i += chunk) {
        const slice = items.slice(i, i + chunk);
        out.push({ data: slice, format: null, lineOffset: i, rows: slice.length });
      }
    } else if (kind === 'jsonl') {
      for (const piece of jsonlPieces(body, chunk)) out.push({ ...piece, format: 'jsonl' });
    } else {
      const { header, records } = csvRecords(body);
      if (records.length === 0) return [{ data: body, format: 'csv', lineOffset: 0, rows: 0 }];
      for (let i = 0; i < records.length; i += chunk) {
        const slice = records.slice(i, i + chunk);
        // In the piece the header is line 1 and the first record line 2.
        out.push({
          data: `${header}\n${slice.map((r) => r.text).join('\n')}`,
          format: 'csv',
          lineOffset: slice[0].line - 2,
          rows: slice.length,
        });
      }
    }
    return out;
  }

  async function load(msg) {
    const { id } = msg;
    const t0 = performance.now();
    cancelled = false;
    loading = id;
    await start();
    const chunk = Math.max(1, Math.floor(Number(msg.chunk) || DEFAULT_CHUNK));
    let bytes = msg.bytes ? new Uint8Array(msg.bytes) : null;
    let text = typeof msg.text === 'string' ? msg.text : null;
    let name = msg.name || '';
    let fetchMs = 0;
    let loader = null;
    let stats = {};
    if (msg.url && (String(msg.format || '').toLowerCase() === 'sharded' || (!msg.format && /\/manifest\.json$/i.test(new URL(msg.url, base || self.location.href).pathname)))) {
      return loadSharded(msg, t0);
    }
    dropSharded();
    if (msg.url) {
      const t = performance.now();
      const got = await fetchData(msg.url, id, msg.format);
      fetchMs = performance.now() - t;
      if (!got) return post({ type: 'cancelled', id, indexed: 0 });
      ({ bytes, name, loader } = got);
      stats = { pieces: got.pieces, decodeMs: got.decodeMs };
    }
    const format = loader ? 'cmx' : formatOf(name || msg.url, bytes, msg.format);
    if (format === 'cmx') {
      if (!bytes && !loader) throw new Error('a .cmx index must be given as bytes or a URL');
      const size = loader ? loader.received : bytes.length;
      post({ type: 'progress', id, phase: 'index', bytes: size, totalBytes: size, loaded: 0, indexed: 0, total: 0 });
      const fresh = new Matcher();
      let total;
      try {
        total = loader ? fresh.loadIndexFrom(loader) : fresh.loadIndex(bytes);
      } catch (err) {
        fresh.free();
        throw err;
      } finally {
        if (loader) loader.free();
      }
      if (matcher) matcher.free();
      matcher = fresh;
      return post({ type: 'loaded', id, kind: 'index', total, added: total, rows: total, errors: [], ms: performance.now() - t0, fetchMs, ...stats });
    }
    if (text === null) text = new TextDecoder('utf-8', { fatal: false }).decode(bytes || new Uint8Array());
    bytes = null;
    post({ type: 'progress', id, phase: 'parse', bytes: text.length, totalBytes: text.length, loaded: 0, indexed: 0, total: 0 });
    const parts = pieces(text, format === 'ndjson' ? 'jsonl' : format, chunk);
    text = null;
    const total = parts.reduce((n, p) => n + p.rows, 0);
    const fresh = msg.params ? new Matcher(msg.params) : new Matcher();
    const errors = [];
    let added = 0;
    let replaced = 0;
    let rows = 0;
    for (const part of parts) {
      if (cancelled) {
        fresh.free();
        return post({ type: 'cancelled', id, indexed: rows });
      }
      const report = fresh.loadProfilesChunk(part.data, part.format || undefined, part.lineOffset);
      added += report.added;
      replaced += report.replaced;
      rows += part.rows || report.rows;
      for (const e of report.errors) if (errors.length < 1000) errors.push(e);
      post({ type: 'progress', id, phase: 'index', bytes: 0, totalBytes: 0, loaded: rows, indexed: fresh.profileCount, total });
      // Let a 'cancel' message in between two chunks.
      await tick();
    }
    if (matcher) matcher.free();
    matcher = fresh;
    return post({ type: 'loaded', id, kind: 'text', total: matcher.profileCount, added, replaced, rows, errors, ms: performance.now() - t0, fetchMs });
  }

  return async function handle(msg) {
    const { id, type } = msg || {};
    try {
      switch (type) {
        case 'init': {
          const api = await start(msg.wasm);
          post({ type: 'ready', id, version: api ? version() : '' });
          break;
        }
        case 'load':
          await load(msg);
          break;
        case 'cancel':
          cancelled = true;
          break;
        case 'match': {
          await start();
          const t0 = performance.now();
          if (sharded) {
            const got = await matchSharded(msg.challenge, msg.options || undefined);
            post({ type: 'result', id, ...got, ms: performance.now() - t0, cachedBytes: sharded.cachedBytes });
            break;
          }
          const results = matcher.match(msg.challenge, msg.options || undefined);
          post({ type: 'result', id, results, ms: performance.now() - t0 });
          break;
        }
        case 'facets':
          await start();
          post({ type: 'facets', id, facets: matcher.facets(), total: sharded ? sharded.profileCount : matcher.profileCount });
          break;
        case 'writeIndex': {
          await start();
          if (sharded) throw new Error('a sharded index is read from its host; it cannot be saved here');
          const bytes = matcher.writeIndex();
          post({ type: 'index', id, bytes: bytes.buffer, total: matcher.profileCount }, [bytes.buffer]);
          break;
        }
        case 'memory':
          await start();
          post({ type: 'memory', id, bytes: (memory ? memory.buffer.byteLength : 0) + (shardsMemory ? shardsMemory.buffer.byteLength : 0) });
          break;
        default:
          throw new Error(`unknown message type ${JSON.stringify(type)}`);
      }
    } catch (err) {
      post({ type: 'error', id, message: err && err.message ? err.message : String(err) });
    } finally {
      if (type === 'load' && loading === id) loading = null;
    }
  };
}

// Started as a worker: answer the page's messages, one at a time except
// 'cancel', which must get in while a load is running.
if (typeof WorkerGlobalScope !== 'undefined' && self instanceof WorkerGlobalScope) {
  const handle = createEngine((m, transfer) => self.postMessage(m, transfer || []));
  let queue = Promise.resolve();
  self.onmessage = (event) => {
    const msg = event.data;
    if (msg && msg.type === 'cancel') {
      handle(msg);
      return;
    }
    queue = queue.then(() => handle(msg));
  };
}
