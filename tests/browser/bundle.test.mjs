// The offline single file (dist/coopmatch.html, from `cargo xtask bundle`)
// opened straight from disk: it starts, loads the inlined demo data and
// matches, and requests nothing but itself (data: modules aside).
// Skipped when the file has not been built.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { ROOT } from './harness.mjs';

const FILE = join(ROOT, 'dist', 'coopmatch.html');

test('the offline file works from file:// with no server and no network', { skip: !existsSync(FILE) && 'run `cargo xtask bundle` first' }, async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  try {
    const context = await browser.newContext({ locale: 'zh-CN', offline: true });
    const requests = [];
    context.on('request', (r) => requests.push(r.url()));
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const url = pathToFileURL(FILE).href;
    await page.goto(url);
    await page.waitForSelector('html[data-ready]', { state: 'attached', timeout: 30_000 });
    assert.equal(await page.getAttribute('html', 'data-ready'), 'true', await page.textContent('#error').catch(() => ''));
    const count = Number(await page.textContent('#profile-count'));
    assert.ok(count > 10, `profiles: ${count}`);
    await page.fill('#challenge-text', '动力电池包快充温升过快，需要改进热管理和液冷板设计');
    await page.click('#match-btn');
    await page.waitForSelector('#results > li', { timeout: 10_000 });
    const first = await page.textContent('#results > li');
    assert.match(first, /电池|热管理|液冷/);
    const foreign = requests.filter((r) => r !== url && !r.startsWith('data:') && !r.startsWith('blob:'));
    assert.deepEqual(foreign, []);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
