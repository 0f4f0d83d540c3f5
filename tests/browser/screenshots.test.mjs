// Screenshots of the result view for people to look at, written under
// COOPMATCH_ROOT/target/screenshots/: results.png (Chinese, desktop),
// results-en.png (English), results-mobile.png (360 px) and reverse.png.
// Each is taken only once the view shows real results.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { openPage, matchText, readResults, screenshotPath } from './harness.mjs';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let zh;
let en;

before(async () => {
  const viewport = { width: 1280, height: 1000 };
  [zh, en] = [await openPage({ locale: 'zh-CN', viewport }), await openPage({ locale: 'en-US', viewport })];
});

after(async () => {
  await zh?.close();
  await en?.close();
});

/** A viewport-sized shot (a full page of 20 results is too tall to look at). */
async function shoot(page, name, options = {}) {
  const path = await screenshotPath(name);
  await page.screenshot({ path, ...options });
  const bytes = await readFile(path);
  assert.ok(bytes.subarray(0, 8).equals(PNG), `${name} is not a PNG`);
  assert.ok(bytes.length > 20_000, `${name} is suspiciously small (${bytes.length} bytes)`);
}

test('results view in Chinese: target/screenshots/results.png', async () => {
  const { page } = zh;
  // A sample challenge with a title shows title and description highlighted.
  const value = await page.$eval('#sample-select option:nth-child(2)', (o) => o.value);
  await page.selectOption('#sample-select', value);
  await page.waitForTimeout(250);
  assert.ok((await readResults(page)).length >= 3, 'fewer than 3 results for the sample challenge');
  assert.ok((await page.locator('#challenge-highlight mark').count()) > 0);
  await shoot(page, 'results.png');
});

test('the page in English: target/screenshots/results-en.png', async () => {
  const { page } = en;
  await matchText(page, 'Our CNC machining centres need predictive maintenance: detect spindle bearing faults early from vibration data and estimate remaining useful life.');
  assert.ok((await readResults(page)).length > 0);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await shoot(page, 'results-en.png');
});

test('360 px wide: target/screenshots/results-mobile.png', async () => {
  const { page } = zh;
  await page.setViewportSize({ width: 360, height: 1400 });
  assert.ok((await readResults(page)).length > 0);
  // Scrolled so that the highlighted challenge and the first results show.
  await page.$eval('#challenge-highlight', (el) => el.scrollIntoView({ block: 'start' }));
  await shoot(page, 'results-mobile.png');
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.evaluate(() => window.scrollTo(0, 0));
});

test('reverse view: target/screenshots/reverse.png', async () => {
  const { page } = zh;
  await page.click('#tab-reverse');
  const first = await page.$eval('#profile-select option', (o) => o.value);
  await page.selectOption('#profile-select', first);
  await page.waitForFunction(() => document.querySelectorAll('#reverse-results > li').length > 0 || /没有/.test(document.getElementById('reverse-status').textContent));
  await shoot(page, 'reverse.png');
});
