// The README's picture of the page, docs/page.png (not a test; run by hand
// after `cargo xtask build`): `node tests/browser/docs-screenshot.mjs`.
// The page in English with a sample challenge and its first matches, at a
// width a README shows without scaling much. Reduce it to 64 colours
// afterwards to keep the repository small (Pillow:
// `Image.open(p).convert('RGB').quantize(64, dither=Image.Dither.NONE).save(p, optimize=True)`).

import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPage, readResults } from './harness.mjs';

const out = resolve(fileURLToPath(new URL('../../docs/page.png', import.meta.url)));
const session = await openPage({ locale: 'en-US', viewport: { width: 1100, height: 760 } });
try {
  const { page } = session;
  const value = await page.$eval('#sample-select option:nth-child(2)', (o) => o.value);
  await page.selectOption('#sample-select', value);
  await page.waitForFunction(() => document.querySelectorAll('#results > li').length >= 3);
  if ((await readResults(page)).length < 3) throw new Error('fewer than 3 results for the sample challenge');
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await session.close();
}
