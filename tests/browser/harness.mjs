// Test harness: launches the system Chromium through playwright-core, opens
// the page and records every request, console error, page error, dialog and
// CSP violation of the session.
//
// Environment:
//   COOPMATCH_URL   base URL of the served www/ (e.g. http://127.0.0.1:40123/).
//                   When unset, the harness serves COOPMATCH_ROOT/www itself
//                   on 127.0.0.1 with the same strict CSP as `cargo xtask serve`.
//   CHROMIUM        path to chromium (default /usr/bin/chromium)
//   COOPMATCH_ROOT  repo root (default: two levels above this file)

import { createServer } from 'node:http';
import { readFile, mkdir } from 'node:fs/promises';
import { join, normalize, extname, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = resolve(process.env.COOPMATCH_ROOT || join(dirname(fileURLToPath(import.meta.url)), '..', '..'));
export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";
const CSP_MARKER = '[coopmatch-test] CSP violation';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ts': 'text/plain; charset=utf-8',
};

/**
 * A static server for `dir` on 127.0.0.1 with the page's CSP: www/ when
 * COOPMATCH_URL is unset, and the Vite app's build output in vite.test.mjs.
 * Returns { url, close }.
 */
export async function serveWww(dir) {
  const server = createServer(async (req, res) => {
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      let file = normalize(join(dir, path));
      if (!file.startsWith(dir)) throw new Error('outside');
      if (path.endsWith('/')) file = join(file, 'index.html');
      const body = await readFile(file);
      res.writeHead(200, {
        'Content-Type': MIME[extname(file)] || 'application/octet-stream',
        'Content-Security-Policy': CSP,
        'Cache-Control': 'no-store',
      });
      res.end(body);
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
    }
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => new Promise((ok) => server.close(ok)) };
}

/**
 * Headless Debian Chromium ($CHROMIUM, default /usr/bin/chromium) through
 * playwright-core, with the flags this machine's closed network needs.
 */
export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * Opens the page in a fresh browser. Returns { browser, context, page, baseUrl,
 * origin, log, close, goto }. log = { requests, consoleErrors, pageErrors,
 * cspViolations, dialogs }.
 */
export async function openPage({ locale = 'zh-CN', viewport = { width: 1280, height: 900 } } = {}) {
  let server = null;
  let baseUrl = process.env.COOPMATCH_URL;
  if (!baseUrl) {
    server = await serveWww(resolve(ROOT, 'www'));
    baseUrl = server.url;
  }
  if (!baseUrl.endsWith('/')) baseUrl += '/';
  const origin = new URL(baseUrl).origin;

  const browser = await launchChromium();
  const context = await browser.newContext({ locale, viewport, acceptDownloads: true });
  const log = { requests: [], consoleErrors: [], pageErrors: [], cspViolations: [], dialogs: [] };

  // Every request of every page and worker in the context.
  context.on('request', (request) => log.requests.push(request.url()));
  await context.addInitScript((marker) => {
    document.addEventListener('securitypolicyviolation', (event) => {
      console.error(`${marker}: ${event.violatedDirective} blocked ${event.blockedURI || '(inline)'} at ${event.sourceFile}:${event.lineNumber}`);
    });
  }, CSP_MARKER);

  const page = await context.newPage();
  page.on('console', (message) => {
    const text = message.text();
    if (text.includes(CSP_MARKER) || /Content Security Policy/i.test(text)) log.cspViolations.push(text);
    if (message.type() === 'error') log.consoleErrors.push(text);
  });
  page.on('pageerror', (error) => log.pageErrors.push(String(error && error.stack ? error.stack : error)));
  page.on('dialog', async (dialog) => {
    log.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    await dialog.dismiss().catch(() => {});
  });

  async function goto(path = '') {
    await page.goto(new URL(path, baseUrl).href);
    // The page sets data-ready="true" once the engine and demo data are in,
    // or "error" when it could not start.
    await page.waitForSelector('html[data-ready]', { state: 'attached', timeout: 20_000 }).catch(() => {});
    const ready = await page.getAttribute('html', 'data-ready');
    if (ready !== 'true') {
      const shown = await page.textContent('#error').catch(() => '');
      throw new Error(`page did not start (data-ready=${ready}): ${shown}\n${JSON.stringify({ ...log, requests: undefined }, null, 1)}`);
    }
  }
  await goto();

  return {
    browser,
    context,
    page,
    baseUrl,
    origin,
    log,
    goto,
    async close() {
      await browser.close();
      if (server) await server.close();
    },
  };
}

/** URLs of the session that left the page's origin (blob: URLs of the origin are local). */
export function foreignRequests(log, origin) {
  return log.requests.filter((url) => {
    if (url.startsWith(`blob:${origin}/`)) return false;
    try {
      return new URL(url).origin !== origin;
    } catch {
      return true;
    }
  });
}

/**
 * Types text into the challenge box and presses Match (which matches at
 * once), then lets the debounced input handler (150 ms) run too, so that
 * nothing re-renders under the caller afterwards.
 */
export async function matchText(page, text) {
  await page.fill('#challenge-text', text);
  await page.click('#match-btn');
  await page.waitForTimeout(300);
}

/** Summary of the result cards: [{ id, kind, name, text }]. */
export function readResults(page, selector = '#results > li') {
  return page.$$eval(selector, (items) =>
    items.map((li) => {
      const article = li.querySelector('article');
      return {
        id: article.dataset.id,
        kind: article.dataset.kind,
        name: li.querySelector('h3').textContent,
        score: Number(article.dataset.score),
        shownScore: li.querySelector('.score-num').textContent,
        text: li.textContent,
        marks: [...li.querySelectorAll('mark')].map((m) => m.textContent),
      };
    }),
  );
}

export async function screenshotPath(name) {
  const dir = join(ROOT, 'target', 'screenshots');
  await mkdir(dir, { recursive: true });
  return join(dir, name);
}

/** A strict RFC 4180 reader (CRLF or LF rows, quoted cells with doubled quotes). */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else cell += c;
      i += 1;
      continue;
    }
    if (c === '"' && cell === '') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      i += 1;
      continue;
    } else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
    i += 1;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/**
 * WCAG contrast of the visible text under `root` (a selector): returns the
 * number of text elements checked and a line for each below 4.5:1.
 * Elements matching `skip` (a selector) are left out.
 */
export function textContrast(page, { root = 'body', skip }) {
  return page.evaluate(({ root, skip }) => {
    const parse = (c) => {
      const m = c.match(/rgba?\(([^)]+)\)/);
      if (!m) return null;
      const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
      return { r, g, b, a };
    };
    const lum = ({ r, g, b }) => {
      const f = (v) => {
        const x = v / 255;
        return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = (el) => {
      for (let n = el; n; n = n.parentElement) {
        const bg = parse(getComputedStyle(n).backgroundColor);
        if (bg && bg.a >= 0.99) return bg;
      }
      return { r: 255, g: 255, b: 255, a: 1 };
    };
    const out = [];
    const seen = new Set();
    const walker = document.createTreeWalker(document.querySelector(root), NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      if (!node.textContent.trim() || seen.has(el) || !el.checkVisibility() || el.closest(skip)) continue;
      seen.add(el);
      const [a, b] = [lum(parse(getComputedStyle(el).color)), lum(background(el))].sort((x, y) => y - x);
      const ratio = (a + 0.05) / (b + 0.05);
      if (ratio < 4.5) out.push(`${el.tagName}.${el.className} "${node.textContent.trim().slice(0, 30)}" ${ratio.toFixed(2)}`);
    }
    return { checked: seen.size, failures: out };
  }, { root, skip });
}
