// The page end to end, in one browser session (Chinese interface): loading,
// matching Chinese and English text with highlights, filters, import with a
// validation report, untrusted data shown as text, the reverse view, export,
// and — over the whole session — no request off the origin, no CSP
// violation, no console error. The tests run in order and share the page.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { openPage, matchText, readResults, foreignRequests, parseCsv } from './harness.mjs';

// Challenges on topics the demo data covers (www/demo/profiles.json).
const ZH_CHALLENGE = '我们生产新能源汽车动力电池包，快充时电芯温升过快、温差大，需要改进电池包热管理和液冷板设计。';
const ZH_TOPIC = /电池|热管理|液冷|储能|锂/;
const EN_CHALLENGE = 'Our CNC machining centres need predictive maintenance: detect spindle bearing faults early from vibration data and estimate remaining useful life.';
const EN_TOPIC = /bearing|spindle|predictive maintenance|vibration|轴承|预测性维护|振动/i;

let s; // the session: { page, log, origin, baseUrl, close }

before(async () => {
  s = await openPage({ locale: 'zh-CN' });
});

after(async () => {
  await s?.close();
});

/** All result cards are in a state where matching has run for `text`. */
async function expectResults(text, topic) {
  await matchText(s.page, text);
  const results = await readResults(s.page);
  assert.ok(results.length > 0, `no results for: ${text}`);
  assert.match(results[0].text, topic, `top result off topic: ${results[0].text.slice(0, 200)}`);
  return results;
}

test('1. loads the engine and the demo data, shows the count, logs no error', async () => {
  const { page, log, baseUrl } = s;
  const demo = JSON.parse(await (await fetch(new URL('demo/profiles.json', baseUrl))).text());
  const ids = new Set(demo.map((p) => String(p.id)));
  assert.ok(ids.size > 10, 'demo data too small to test with');
  assert.equal(await page.textContent('#profile-count'), String(ids.size));
  assert.match(await page.textContent('#data-status'), /演示数据/);
  assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
  // Privacy and demo-data statements are on the page.
  assert.match(await page.textContent('.notice'), /虚构的演示数据/);
  assert.match(await page.textContent('.site-footer'), /不会离开本机/);
  // Sample challenges come from demo/challenges.json.
  const samples = JSON.parse(await (await fetch(new URL('demo/challenges.json', baseUrl))).text());
  assert.equal(await page.locator('#sample-select option').count(), samples.length + 1);
  // Facets filled the selects.
  assert.ok((await page.locator('#discipline-filter option').count()) > 2);
  assert.ok((await page.locator('#region-filter option').count()) > 2);
  assert.equal(await page.isVisible('#error'), false, await page.textContent('#error'));
  assert.deepEqual(log.consoleErrors, []);
  assert.deepEqual(log.pageErrors, []);
});

test('2a. a Chinese challenge ranks on-topic profiles with highlights in the work and in the challenge', async () => {
  const { page } = s;
  const results = await expectResults(ZH_CHALLENGE, ZH_TOPIC);
  // Ranked by score, each shown as a number in 0..1.
  for (let i = 1; i < results.length; i++) assert.ok(results[i - 1].score >= results[i].score, 'not sorted by score');
  for (const r of results) {
    assert.ok(r.score > 0 && r.score <= 1, `score ${r.score}`);
    assert.equal(r.shownScore, r.score.toFixed(2));
  }
  // The top result's evidence has <mark>ed words, and they are words of the challenge topic.
  const evidenceMarks = await page.$$eval('#results > li:first-child .evidence mark', (ms) => ms.map((m) => m.textContent));
  assert.ok(evidenceMarks.length > 0, 'no <mark> in the best work');
  assert.ok(evidenceMarks.some((m) => ZH_TOPIC.test(m) || ZH_CHALLENGE.includes(m)), `marks: ${evidenceMarks}`);
  // Matched terms are shown as chips with a share.
  const chips = await page.$$eval('#results > li:first-child .chip', (cs) => cs.map((c) => c.textContent));
  assert.ok(chips.length > 0 && chips.every((c) => /\d+%$/.test(c)), `chips: ${chips}`);
  // The highlighted challenge reproduces the text exactly, with marks on parts of it.
  assert.equal(await page.textContent('#challenge-highlight'), ZH_CHALLENGE);
  const challengeMarks = await page.$$eval('#challenge-highlight mark', (ms) => ms.map((m) => m.textContent));
  assert.ok(challengeMarks.length > 0, 'no <mark> in the challenge panel');
  assert.ok(challengeMarks.some((m) => ZH_TOPIC.test(m)), `challenge marks: ${challengeMarks}`);
  // The live region announces the count.
  assert.equal(await page.getAttribute('#match-status', 'aria-live'), 'polite');
  assert.equal(await page.textContent('#match-status'), `找到 ${results.length} 项匹配`);
});

test('2b. an English challenge ranks on-topic profiles with highlights', async () => {
  const { page } = s;
  await expectResults(EN_CHALLENGE, EN_TOPIC);
  const marks = await page.$$eval('#results > li:first-child mark', (ms) => ms.map((m) => m.textContent));
  assert.ok(marks.length > 0, 'no <mark> in the top result');
  const challengeMarks = await page.$$eval('#challenge-highlight mark', (ms) => ms.map((m) => m.textContent));
  assert.ok(challengeMarks.length > 0, 'no <mark> in the challenge panel');
  for (const m of challengeMarks) assert.ok(EN_CHALLENGE.includes(m), `mark ${m} not in the challenge`);
});

test('2c. picking a sample challenge fills the text and matches at once', async () => {
  const { page } = s;
  const value = await page.$eval('#sample-select option:nth-child(2)', (o) => o.value);
  await page.selectOption('#sample-select', value);
  const text = await page.inputValue('#challenge-text');
  assert.ok(text.length > 0);
  assert.ok((await page.locator('#results > li').count()) > 0);
  assert.ok((await page.locator('#challenge-highlight mark').count()) > 0);
  // Editing the text turns it back into free text.
  await page.fill('#challenge-text', `${text} `);
  assert.equal(await page.inputValue('#sample-select'), '');
});

test('3. the kind filter narrows the list to the checked kind', async () => {
  const { page } = s;
  const before = await expectResults(ZH_CHALLENGE, ZH_TOPIC);
  const kinds = [...new Set(before.map((r) => r.kind))];
  assert.ok(kinds.length >= 2, `need mixed kinds to test the filter, got ${kinds}`);
  const keep = kinds[kinds.length - 1];
  for (const kind of ['expert', 'lab', 'team', 'patent']) {
    await page.setChecked(`#filters input[value="${kind}"]`, kind === keep);
  }
  const after = await readResults(page);
  assert.ok(after.length > 0, 'filter emptied the list');
  assert.ok(after.every((r) => r.kind === keep), `kinds after filter: ${after.map((r) => r.kind)}`);
  assert.notDeepEqual(after.map((r) => r.id), before.map((r) => r.id));
  // The badge says the kind in words.
  const badges = await page.$$eval('#results .badge', (bs) => bs.map((b) => b.textContent));
  const label = { expert: '专家', lab: '实验室·平台', team: '博士团队', patent: '开放许可专利' }[keep];
  assert.ok(badges.every((b) => b === label), `badges: ${badges}`);
  // Min score filter: a high threshold drops the low scores.
  for (const kind of ['expert', 'lab', 'team', 'patent']) await page.setChecked(`#filters input[value="${kind}"]`, true);
  const all = await readResults(page);
  const threshold = Math.ceil(all[Math.floor(all.length / 2)].score * 20) / 20;
  await page.$eval('#min-score', (el, v) => {
    el.value = String(v);
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }, threshold);
  const high = await readResults(page);
  assert.ok(high.length < all.length, 'min score did not narrow the list');
  assert.ok(high.every((r) => r.score >= threshold - 0.005), `scores ${high.map((r) => r.score)} < ${threshold}`);
  await page.$eval('#min-score', (el) => {
    el.value = '0';
    el.dispatchEvent(new Event('change', { bubbles: true }));
  });
  // Discipline select: every result then has that discipline in its meta line.
  const discipline = await page.$eval('#discipline-filter option:nth-child(2)', (o) => o.value);
  await page.selectOption('#discipline-filter', discipline);
  const metas = await page.$$eval('#results .meta', (ms) => ms.map((m) => m.textContent));
  assert.ok(metas.every((m) => m.includes(discipline)), `metas ${metas} vs ${discipline}`);
  await page.selectOption('#discipline-filter', '');
});

test('4. importing a CSV with a bad row reports it by line and loads the good rows', async () => {
  const { page } = s;
  const countBefore = Number(await page.textContent('#profile-count'));
  const csv = [
    'id,kind,name,institution,discipline,region,keywords,summary,work1_title,work1_abstract,work1_year',
    'imp-1,expert,赵明远,测试海洋大学,海洋工程,山东,海水淡化;反渗透膜,研究反渗透海水淡化膜的抗污染改性。,反渗透膜抗污染改性研究,提出一种反渗透海水淡化膜表面抗污染涂层。,2021',
    ',lab,缺少编号的实验室,测试海洋大学,材料,山东,石墨烯,这一行没有编号。,,,',
    'imp-2,team,"Desalination PhD Team, Test Ocean University",Test Ocean University,Ocean Engineering,Shandong,reverse osmosis;desalination,"PhD team on reverse osmosis membranes, fouling and desalination.",Anti-fouling reverse osmosis membranes,We coat reverse osmosis membranes to reduce fouling in seawater desalination.,2022',
  ].join('\n');
  await page.click('#import-card > summary');
  await page.setInputFiles('#import-file', { name: 'mine.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.waitForSelector('#import-report .report-summary');
  assert.match(await page.textContent('#import-report .report-summary'), /已加载 2 条，拒绝 1 条，替换 0 条/);
  const rows = await page.$$eval('#import-report tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.equal(rows.length, 1, JSON.stringify(rows));
  assert.equal(rows[0][0], '3');
  assert.match(rows[0].join(' '), /\bid\b/);
  assert.equal(Number(await page.textContent('#profile-count')), countBefore + 2);
  assert.match(await page.textContent('#data-status'), /演示数据 \+ 导入数据/);
  // The imported profiles are matched.
  await matchText(page, '反渗透海水淡化膜污染 reverse osmosis desalination fouling');
  const ids = (await readResults(page)).map((r) => r.id);
  assert.ok(ids.slice(0, 2).includes('imp-1') && ids.slice(0, 3).includes('imp-2'), `ids: ${ids}`);
});

test('4b. dropping a JSON Lines file (no extension: format detected) on the drop zone imports it', async () => {
  const { page } = s;
  const countBefore = Number(await page.textContent('#profile-count'));
  const jsonl = [
    JSON.stringify({ id: 'drop-1', kind: 'patent', name: '一种光伏组件清洗机器人', institution: '测试能源学院', discipline: '机械工程', region: '甘肃', keywords: ['光伏清洗', '机器人'], summary: '用于光伏电站的组件清洗机器人。', number: 'ZL202300000000.1', licence: { fee: '免费', terms: '开放许可，3年' } }),
    JSON.stringify({ id: 'imp-1', kind: 'expert', name: '赵明远（更新）', institution: '测试海洋大学', discipline: '海洋工程', region: '山东', keywords: ['海水淡化'] }),
  ].join('\n');
  await page.evaluate((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'profiles-export', { type: '' }));
    const zone = document.getElementById('drop-zone');
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, jsonl);
  await page.waitForFunction(() => /profiles-export/.test(document.getElementById('import-report').textContent));
  assert.match(await page.textContent('#import-report .report-summary'), /已加载 2 条，拒绝 0 条，替换 1 条/);
  // The replacement is listed as a warning row for imp-1.
  const rows = await page.$$eval('#import-report tbody tr', (trs) => trs.map((tr) => [tr.className, ...[...tr.cells].map((c) => c.textContent)]));
  assert.ok(rows.some((r) => r[0] === 'warning' && r[2] === 'imp-1'), JSON.stringify(rows));
  assert.equal(Number(await page.textContent('#profile-count')), countBefore + 1);
  // A patent shows its number and licence terms.
  await matchText(page, '光伏组件清洗机器人');
  const card = page.locator('#results article[data-id="drop-1"]');
  assert.match(await card.textContent(), /ZL202300000000\.1/);
  assert.match(await card.textContent(), /开放许可，3年/);
  assert.equal(await card.locator('.badge').textContent(), '开放许可专利');
});

const HOSTILE = [
  {
    id: 'x-img',
    kind: 'lab',
    name: '<img src=x onerror=alert(1)>',
    institution: '<b>Bold</b> University',
    discipline: '物理',
    region: '北京',
    keywords: ['超导磁悬浮轴承', 'superconducting maglev bearing'],
    summary: '<script>alert(2)</script>研究高温超导磁悬浮轴承。',
    works: [{ title: '<img src=y onerror=alert(3)>超导磁悬浮轴承的稳定性', abstract: '高温超导磁悬浮轴承 superconducting maglev bearing <svg onload=alert(4)>', year: 2020 }],
  },
  {
    id: 'x-formula',
    kind: 'expert',
    name: '=HYPERLINK("http://example.invalid","click")',
    institution: '@SUM(1+1)',
    discipline: '-2+3',
    region: '+北京',
    // No keywords or summary: the work is the best evidence, so its title is exported.
    works: [{ title: 'Title, with "quotes": 超导磁悬浮轴承', abstract: '超导磁悬浮轴承 superconducting maglev bearing dynamics', year: 2019 }],
  },
];
const HOSTILE_CHALLENGE = '需要高温超导磁悬浮轴承 superconducting maglev bearing';

test('5. hostile profile text renders as literal text: no element, no script, no dialog', async () => {
  const { page, log } = s;
  await page.setInputFiles('#import-file', { name: 'hostile.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(HOSTILE)) });
  await page.waitForFunction(() => /已加载 2 条/.test(document.querySelector('#import-report .report-summary')?.textContent || ''));
  await matchText(page, HOSTILE_CHALLENGE);
  const results = await readResults(page);
  const names = results.map((r) => r.name);
  assert.ok(names.includes('<img src=x onerror=alert(1)>'), `names: ${names}`);
  assert.ok(names.includes('=HYPERLINK("http://example.invalid","click")'), `names: ${names}`);
  assert.equal(await page.locator('#results img, #results script, #results svg, #results b').count(), 0);
  assert.equal(await page.locator('img').count(), 0);
  assert.match(await page.textContent('#results'), /<script>alert\(2\)<\/script>|<img src=y onerror=alert\(3\)>/);
  await page.waitForTimeout(300);
  assert.deepEqual(log.dialogs, []);
  // The reverse view's profile list shows the name as text too.
  assert.ok(await page.$eval('#profile-select', (s) => [...s.options].some((o) => o.text.startsWith('<img src=x onerror=alert(1)>'))));
});

test('7. exporting CSV gives UTF-8 with BOM, RFC 4180 quoting and defused formulas; JSON too', async () => {
  const { page } = s;
  const shown = await readResults(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  assert.match(download.suggestedFilename(), /^coopmatch-results-.*\.csv$/);
  const text = await readFile(await download.path(), 'utf8');
  assert.equal(text.charCodeAt(0), 0xfeff, 'no BOM');
  const rows = parseCsv(text.slice(1));
  assert.deepEqual(rows[0], ['rank', 'score', 'strength', 'id', 'name', 'kind', 'institution', 'discipline', 'region', 'matched terms', 'best work']);
  assert.equal(rows.length - 1, shown.length);
  // The strength column says the score in words, by the calibration's levels.
  const level = (n) => (n >= 0.5 ? '高度吻合' : n >= 1 / 3 ? '较好' : n >= 0.2 ? '部分相关' : '较弱');
  assert.ok(rows.slice(1).every((r) => r[2] === level(Number(r[1]))), `strengths: ${rows.slice(1).map((r) => r[1] + ' ' + r[2])}`);
  assert.deepEqual(rows.slice(1).map((r) => r[3]), shown.map((r) => r.id));
  const formula = rows.find((r) => r[3] === 'x-formula');
  assert.ok(formula, 'x-formula not exported');
  assert.equal(formula[4], `'=HYPERLINK("http://example.invalid","click")`);
  assert.equal(formula[6], "'@SUM(1+1)");
  assert.equal(formula[7], "'-2+3");
  assert.equal(formula[8], "'+北京");
  assert.equal(formula[10], 'Title, with "quotes": 超导磁悬浮轴承');
  assert.ok(text.includes(`,"Title, with ""quotes"": 超导磁悬浮轴承"`), 'quoted best work');
  // The engine trims fields, so tab and CR prefixes are checked on the page's own cell encoder.
  const cells = await page.evaluate(async () => {
    const { csvCell } = await import('./export.js');
    return ['=1+1', '+1', '-1', '@A1', '\tx', '\rx', 'plain', 'a,b', 'say "hi"', 'two\nlines', '0.5'].map(csvCell);
  });
  const expected = ["'=1+1", "'+1", "'-1", "'@A1", "'\tx", `"'\rx"`, 'plain', '"a,b"', '"say ""hi"""', '"two\nlines"', '0.5'];
  assert.deepEqual(cells, expected);
  // The raw text has the quoted, doubled-quote form.
  assert.ok(text.includes(`"'=HYPERLINK(""http://example.invalid"",""click"")"`), 'RFC 4180 quoting');
  const img = rows.find((r) => r[3] === 'x-img');
  assert.equal(img[4], '<img src=x onerror=alert(1)>');
  assert.ok(rows.slice(1).every((r) => r.length === 11 && Number(r[1]) > 0 && Number(r[1]) <= 1));

  const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
  const doc = JSON.parse(await readFile(await jsonDownload.path(), 'utf8'));
  assert.equal(doc.challenge, HOSTILE_CHALLENGE);
  assert.deepEqual(doc.results.map((r) => r.profile.id), shown.map((r) => r.id));
  assert.ok(doc.results.every((r, i) => r.rank === i + 1 && Array.isArray(r.matchedTerms)));
});

test('6. the reverse view ranks the sample challenges for a chosen profile', async () => {
  const { page } = s;
  // Find a battery profile through the forward match, then look it up in reverse.
  const top = (await expectResults(ZH_CHALLENGE, ZH_TOPIC))[0];
  await page.focus('#tab-match');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.getAttribute('#tab-reverse', 'aria-selected'), 'true');
  assert.equal(await page.isVisible('#view-reverse'), true);
  assert.equal(await page.isVisible('#view-match'), false);
  // The search box narrows the profile list.
  const total = await page.locator('#profile-select option').count();
  await page.fill('#profile-search', top.name);
  await page.waitForFunction((n) => document.querySelectorAll('#profile-select option').length < n, total);
  assert.ok(await page.$eval('#profile-select', (s, id) => [...s.options].some((o) => o.value === id), top.id));
  await page.selectOption('#profile-select', top.id);
  await page.waitForFunction(() => document.querySelectorAll('#reverse-results > li').length > 0);
  assert.match(await page.textContent('#profile-detail'), new RegExp(top.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  const ranked = await readResults(page, '#reverse-results > li');
  for (let i = 1; i < ranked.length; i++) assert.ok(ranked[i - 1].score >= ranked[i].score, 'not sorted');
  assert.match(ranked[0].text, ZH_TOPIC, `top challenge off topic: ${ranked[0].text.slice(0, 200)}`);
  assert.ok(ranked[0].marks.length > 0, 'no highlighted words in the top challenge');
  assert.ok((await page.locator('#reverse-results > li:first-child .chip').count()) > 0);
  assert.match(await page.textContent('#reverse-status'), /共 \d+ 条相关需求/);
  // What a score means, in the view that compares challenges, and each score's strength in words.
  assert.match(await page.textContent('#reverse-score-note'), /0\.50/);
  const strengths = await page.$$eval('#reverse-results > li .score-strength', (xs) => xs.map((x) => x.textContent));
  assert.equal(strengths.length, ranked.length);
  assert.ok(strengths.every((x) => ['高度吻合', '较好', '部分相关', '较弱'].includes(x)), `strengths: ${strengths}`);
  // Back to the match view with the keyboard.
  await page.focus('#tab-reverse');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await page.getAttribute('#tab-match', 'aria-selected'), 'true');
  assert.equal(await page.isVisible('#view-match'), true);
});

test('8. over the whole session: no request off the origin, no CSP violation, no error', async () => {
  const { log, origin } = s;
  assert.ok(log.requests.some((u) => u.endsWith('.wasm')), 'the wasm was not requested?');
  assert.deepEqual(foreignRequests(log, origin), []);
  assert.deepEqual(log.cspViolations, []);
  assert.deepEqual(log.consoleErrors, []);
  assert.deepEqual(log.pageErrors, []);
  assert.deepEqual(log.dialogs, []);
});
