// Accessibility and language, in an English-speaking browser: labels on
// every control, keyboard use of the tabs, visible focus, the live region,
// text contrast, the language switch (remembered across reloads), errors
// shown in the alert region, and no horizontal scrolling at 360 px.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openPage, matchText, readResults, foreignRequests, textContrast } from './harness.mjs';

const EN_CHALLENGE = 'Battery pack thermal management for electric vehicles: cells overheat during fast charging.';

let s;

before(async () => {
  s = await openPage({ locale: 'en-US' });
});

after(async () => {
  await s?.close();
});

test('English interface by default for an English browser', async () => {
  const { page } = s;
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.textContent('#tab-match'), 'Challenge → expertise');
  assert.match(await page.textContent('.notice'), /fictional demo data.*never leaves/);
  assert.match(await page.textContent('#data-status'), /^\d+ profiles loaded \(demo data\)$/);
});

test('every control has an accessible name', async () => {
  const { page } = s;
  await page.click('#import-card > summary');
  const unnamed = await page.$$eval('input, select, textarea, button', (controls) =>
    controls
      .filter((c) => {
        const labelled = [...(c.labels || [])].some((l) => l.textContent.trim() !== '');
        const aria = (c.getAttribute('aria-label') || '').trim() !== '';
        const by = (c.getAttribute('aria-labelledby') || '')
          .split(/\s+/)
          .some((id) => id && document.getElementById(id)?.textContent.trim());
        const text = c.tagName === 'BUTTON' && c.textContent.trim() !== '';
        return !(labelled || aria || by || text);
      })
      .map((c) => c.outerHTML.slice(0, 120)),
  );
  assert.deepEqual(unnamed, []);
  // Tabs are a proper ARIA tab list with panels.
  const tabs = await page.$$eval('[role="tab"]', (ts) => ts.map((t) => [t.id, t.getAttribute('aria-controls'), !!document.getElementById(t.getAttribute('aria-controls'))]));
  assert.ok(tabs.length >= 2 && tabs.every(([, , ok]) => ok), JSON.stringify(tabs));
});

test('results are announced in a polite live region and listed with headings', async () => {
  const { page } = s;
  await matchText(page, EN_CHALLENGE);
  const results = await readResults(page);
  assert.ok(results.length > 0);
  assert.equal(await page.getAttribute('#match-status', 'aria-live'), 'polite');
  assert.equal(await page.textContent('#match-status'), results.length === 1 ? '1 match' : `${results.length} matches`);
  assert.equal(await page.$eval('#results', (l) => l.tagName), 'OL');
  assert.equal(await page.locator('#results > li h3').count(), results.length);
});

test('keyboard: Tab reaches the controls with a visible focus ring; arrows, Enter and Space switch tabs', async () => {
  const { page } = s;
  await s.goto(); // a fresh page: Tab starts from the top
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.className), 'skip-link');
  // Tab through until the textarea; each step must land on a visible control.
  let reached = false;
  for (let i = 0; i < 12 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement.id === 'challenge-text');
  }
  assert.ok(reached, 'Tab never reached the challenge text');
  const ring = await page.evaluate(() => {
    const cs = getComputedStyle(document.activeElement);
    return [cs.outlineStyle, parseFloat(cs.outlineWidth)];
  });
  assert.equal(ring[0], 'solid');
  assert.ok(ring[1] >= 2, `outline ${ring}`);

  await page.focus('#tab-match');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-reverse');
  assert.equal(await page.getAttribute('#tab-reverse', 'aria-selected'), 'true');
  assert.equal(await page.isHidden('#view-match'), true);
  await page.keyboard.press('Home');
  assert.equal(await page.getAttribute('#tab-match', 'aria-selected'), 'true');
  await page.focus('#tab-reverse');
  await page.keyboard.press('Enter');
  assert.equal(await page.isVisible('#view-reverse'), true);
  await page.focus('#tab-match');
  await page.keyboard.press('Space');
  assert.equal(await page.isVisible('#view-match'), true);
  // Only the selected tab is in the Tab order (roving tabindex).
  const tabs = await page.$$eval('[role="tab"]', (ts) =>
    ts.map((t) => [t.tabIndex, t.getAttribute('aria-selected') === 'true' ? 0 : -1]));
  assert.ok(tabs.length >= 2);
  assert.deepEqual(tabs.map((t) => t[0]), tabs.map((t) => t[1]));
});

test('text colours meet WCAG AA contrast (4.5:1)', async () => {
  const { page } = s;
  await matchText(page, EN_CHALLENGE);
  await page.$eval('#import-card', (d) => (d.open = true));
  const { checked, failures } = await textContrast(page, { skip: 'option, button:disabled, .skip-link' });
  assert.ok(checked > 40, `only ${checked} text elements checked`);
  assert.deepEqual(failures, []);
});

test('the language switch updates the page and lang, and is remembered', async () => {
  const { page } = s;
  await matchText(page, EN_CHALLENGE);
  assert.equal(await page.getAttribute('#lang-toggle', 'lang'), 'zh-CN');
  await page.click('#lang-toggle');
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.equal(await page.textContent('#tab-match'), '按需求找成果');
  assert.match(await page.textContent('#match-status'), /^找到 \d+ 项匹配$/);
  const badge = await page.textContent('#results .badge');
  assert.ok(['专家', '实验室·平台', '博士团队', '开放许可专利'].includes(badge), badge);
  assert.equal(await page.evaluate(() => localStorage.getItem('coopmatch.lang')), 'zh');
  assert.deepEqual(await page.evaluate(() => Object.keys(localStorage)), ['coopmatch.lang']);
  await s.goto();
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  assert.equal(await page.textContent('#tab-reverse'), '按成果找需求');
  await page.click('#lang-toggle');
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  assert.equal(await page.evaluate(() => localStorage.getItem('coopmatch.lang')), 'en');
});

test('errors from the engine are shown in the alert region', async () => {
  const { page } = s;
  await page.click('#import-card > summary').catch(() => {});
  if (!(await page.isVisible('#import-file').catch(() => false))) await page.$eval('#import-card', (d) => (d.open = true));
  await page.setInputFiles('#import-file', { name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('[{"id": "a", ') });
  await page.waitForSelector('#error:not([hidden])');
  assert.equal(await page.getAttribute('#error', 'role'), 'alert');
  assert.match(await page.textContent('#error-text'), /^Error: broken\.json: .+/);
  await page.click('#error-dismiss');
  assert.equal(await page.isHidden('#error'), true);
});

test('no horizontal scrolling at 360 px wide', async () => {
  const { page } = s;
  await page.setViewportSize({ width: 360, height: 780 });
  await matchText(page, EN_CHALLENGE);
  assert.ok((await page.locator('#results > li').count()) > 0);
  const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(widths[0] <= widths[1], `page is ${widths[0]} px wide in a ${widths[1]} px window`);
  await page.click('#tab-reverse');
  const reverse = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(reverse[0] <= reverse[1], `reverse view is ${reverse[0]} px wide`);
});

test('session stayed on the origin without CSP violations or errors', async () => {
  const { log, origin } = s;
  assert.deepEqual(foreignRequests(log, origin), []);
  assert.deepEqual(log.cspViolations, []);
  assert.deepEqual(log.pageErrors, []);
  assert.deepEqual(log.consoleErrors, []);
});
