// Runs tests/bench/chromium.html (or the page named as the first argument,
// e.g. event.html) in Debian's Chromium and prints its result
// as one JSON line. Started by `cargo xtask bench`, which serves the
// repository at COOPMATCH_URL and copies the corpus under target/bench-data/browser/.
import { createRequire } from 'node:module';
const require = createRequire(new URL('../browser/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const page_ = process.argv[2] || 'chromium.html';
const url = new URL(`tests/bench/${page_}`, process.env.COOPMATCH_URL).href;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--enable-precise-memory-info'],
});
try {
  const page = await browser.newPage();
  await page.goto(url);
  await page.waitForFunction(() => window.benchResult, null, { timeout: 300_000 });
  const result = await page.evaluate(() => window.benchResult);
  if (result.error) throw new Error(result.error);
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
}
