// The generated package (www/pkg/, with the package.json `cargo xtask build`
// writes) used the way a bundler user uses it: tests/vite-app/ is copied to
// a temporary folder, its locked devDependencies (Vite, TypeScript) are
// installed with `npm ci`, coopmatch is installed from www/pkg, and the app
// is built with `vite build` and opened in Chromium, and served by Vite's
// dev server and opened again. Twice over:
//   1. `npm install path/to/www/pkg`, as the README says: npm links the folder;
//   2. `npm pack` of www/pkg installed as a tarball: a copy, as from a
//      registry; the tarball must hold exactly the package's files, and
//      `tsc --noEmit` must accept the app against the packed coopmatch.d.ts.
// Each time the page must show the expected best profile for four
// challenges (only a working matcher finds all four), with no console or
// page error, no CSP violation (the build is served with the page's strict
// CSP) and no request outside the page's origin.
//
// Skipped, with a message, when www/pkg/package.json has not been built,
// except under `cargo xtask test` (COOPMATCH_URL set), which builds it first,
// where a missing package fails.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, lstat, mkdir, mkdtemp, readdir, rm, copyFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, foreignRequests, launchChromium, serveWww } from './harness.mjs';

const PKG = join(ROOT, 'www', 'pkg');
const APP = join(ROOT, 'tests', 'vite-app');
const PROFILES = join(ROOT, 'tests', 'fixtures', 'profiles.jsonl');
const PACKAGE_FILES = ['coopmatch.d.ts', 'coopmatch.js', 'coopmatch_bg.wasm', 'coopmatch_bg.wasm.d.ts', 'package.json'];
/** [challenge id, best profile id] as tests/vite-app/src/main.ts matches them against tests/fixtures/profiles.jsonl. */
const EXPECTED = [
  ['c-ti', 'ti-am'],
  ['c-weld', 'weld-vision'],
  ['c-battery', 'battery-thermal'],
  ['c-spindle', 'cnc-bearing'],
];

const built = existsSync(join(PKG, 'package.json'));
const underXtask = Boolean(process.env.COOPMATCH_URL);
const skip = !built && !underXtask && 'www/pkg/package.json not built: run `cargo xtask build` first';

const run = promisify(execFile);

/** Runs a command in `cwd`; on failure the error carries its output. */
async function sh(cwd, program, args) {
  try {
    return await run(program, args, { cwd, maxBuffer: 64 << 20, env: { ...process.env, NO_COLOR: '1' } });
  } catch (error) {
    throw new Error(`\`${program} ${args.join(' ')}\` failed in ${cwd}:\n${error.stdout}\n${error.stderr}`);
  }
}

const npm = (cwd, ...args) => sh(cwd, 'npm', [...args, '--no-audit', '--no-fund']);
const nodeBin = (cwd, script, ...args) => sh(cwd, process.execPath, [join(cwd, 'node_modules', script), ...args]);

/** A free TCP port on 127.0.0.1 (Vite takes `--port 0` as its default, 5173). */
function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

/** Starts `vite` (the dev server) in `app`; resolves to { url, stop } once it listens. */
async function startDevServer(app) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [join(app, 'node_modules', 'vite', 'bin', 'vite.js'), '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    { cwd: app, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } },
  );
  let output = '';
  const exited = new Promise((ok) => child.once('exit', (code, signal) => ok(`${code ?? signal}`)));
  const url = `http://127.0.0.1:${port}/`;
  await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`vite dev server did not start in 30 s:\n${output}`)), 30_000);
    const onData = (data) => {
      output += data;
      if (output.includes(url)) {
        clearTimeout(timer);
        ok();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exited.then((how) => {
      clearTimeout(timer);
      fail(new Error(`vite dev server exited (${how}):\n${output}`));
    });
  });
  return {
    url,
    output: () => output,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * Opens `url` in a new context of `browser`, waits for the app to finish and
 * checks what it shows and what the session did.
 */
async function checkApp(browser, url, { csp }) {
  const context = await browser.newContext();
  const log = { requests: [], consoleErrors: [], pageErrors: [], cspViolations: [] };
  context.on('request', (request) => log.requests.push(request.url()));
  try {
    const page = await context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) log.cspViolations.push(message.text());
      if (message.type() === 'error') log.consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => log.pageErrors.push(String(error)));
    await page.goto(url);
    await page.waitForSelector('html[data-ready]', { state: 'attached', timeout: 30_000 });
    const ready = await page.getAttribute('html', 'data-ready');
    const status = await page.textContent('#status');
    assert.equal(ready, 'true', `the app did not start: ${status}\n${JSON.stringify(log, null, 1)}`);
    assert.equal(status, '6 profiles loaded');
    const shown = await page.$$eval('#results > li', (items) =>
      items.map((li) => ({ challenge: li.dataset.challenge, top: li.dataset.top, score: Number(li.dataset.score), text: li.textContent })),
    );
    assert.deepEqual(
      shown.map((r) => [r.challenge, r.top]),
      EXPECTED,
      `best matches: ${shown.map((r) => r.text).join(' | ')}`,
    );
    for (const r of shown) assert.ok(r.score > 0 && r.score <= 1, `score of ${r.challenge}: ${r.score}`);
    // The .wasm came from the page's own server, where Vite put it.
    const origin = new URL(url).origin;
    const wasm = log.requests.filter((r) => new URL(r).pathname.endsWith('.wasm'));
    assert.equal(wasm.length, 1, `wasm requests: ${wasm}`);
    assert.equal(new URL(wasm[0]).origin, origin);
    assert.deepEqual(foreignRequests(log, origin), [], 'requests outside the origin');
    assert.deepEqual(log.pageErrors, [], 'page errors');
    assert.deepEqual(log.consoleErrors, [], 'console errors');
    if (csp) assert.deepEqual(log.cspViolations, [], 'CSP violations');
    return wasm[0];
  } finally {
    await context.close();
  }
}

/** Builds the app into `outDir` (relative to the app) and checks it served with the page's CSP. */
async function buildAndCheck(browser, app, outDir) {
  const { stdout } = await nodeBin(app, 'vite/bin/vite.js', 'build', '--outDir', outDir);
  assert.match(stdout, /coopmatch_bg-[\w-]+\.wasm/, 'vite build emitted the .wasm as an asset');
  const assets = await readdir(join(app, outDir, 'assets'));
  assert.equal(assets.filter((f) => f.endsWith('.wasm')).length, 1, `assets: ${assets}`);
  const server = await serveWww(join(app, outDir));
  try {
    const wasm = await checkApp(browser, server.url, { csp: true });
    assert.match(new URL(wasm).pathname, /^\/assets\/coopmatch_bg-[\w-]+\.wasm$/);
  } finally {
    await server.close();
  }
}

/** Starts the dev server and checks the app there (no CSP: Vite's client needs inline styles). */
async function devAndCheck(browser, app) {
  const dev = await startDevServer(app);
  try {
    await checkApp(browser, dev.url, { csp: false });
    assert.doesNotMatch(dev.output(), /outside of Vite serving allow list|error/i, dev.output());
  } finally {
    await dev.stop();
  }
}

describe('coopmatch as an npm package in a Vite app (tests/vite-app)', { skip }, () => {
  let tmp;
  let app;
  let browser;

  before(async () => {
    assert.ok(built, 'www/pkg/package.json is missing although `cargo xtask test` built www/pkg');
    tmp = await mkdtemp(join(tmpdir(), 'coopmatch-vite-'));
    app = join(tmp, 'vite-app');
    // The app without anything installed or built; the fixture where the
    // app's `../../fixtures/profiles.jsonl?raw` import finds it.
    await cp(APP, app, {
      recursive: true,
      filter: (src) => !relative(APP, src).split(sep).some((part) => part === 'node_modules' || part.startsWith('dist')),
    });
    await mkdir(join(tmp, 'fixtures'));
    await copyFile(PROFILES, join(tmp, 'fixtures', 'profiles.jsonl'));
    await npm(app, 'ci');
    browser = await launchChromium();
  });

  after(async () => {
    if (browser) await browser.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  test('`npm install path/to/www/pkg` (a link): vite build works under the page CSP, and so does the dev server', async () => {
    await npm(app, 'install', PKG);
    assert.ok((await lstat(join(app, 'node_modules', 'coopmatch'))).isSymbolicLink(), 'npm links a folder');
    await buildAndCheck(browser, app, 'dist-linked');
    await devAndCheck(browser, app);
  });

  test('`npm pack` tarball (a copy, as from a registry): its files, tsc against its types, vite build, dev server', async () => {
    const { stdout } = await npm(tmp, 'pack', PKG, '--json', '--pack-destination', tmp);
    const [packed] = JSON.parse(stdout);
    assert.equal(packed.name, 'coopmatch');
    assert.deepEqual(packed.files.map((f) => f.path).sort(), PACKAGE_FILES);
    await npm(app, 'install', join(tmp, packed.filename));
    const installed = join(app, 'node_modules', 'coopmatch');
    assert.ok((await lstat(installed)).isDirectory(), 'a tarball is copied');
    assert.deepEqual((await readdir(installed)).sort(), PACKAGE_FILES);
    // Types resolve through package.json "exports" → "types" and check
    // (strict, skipLibCheck off, so coopmatch.d.ts itself is checked too).
    await nodeBin(app, 'typescript/bin/tsc', '--noEmit', '-p', '.');
    await buildAndCheck(browser, app, 'dist-packed');
    // A copy in node_modules is what Vite pre-bundles: this needs
    // optimizeDeps.exclude (vite.config.js).
    await devAndCheck(browser, app);
  });
});
