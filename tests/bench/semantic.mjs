// The semantic tier's embedding speed and memory in Debian's Chromium:
// runs tests/bench/semantic.html (the page's own worker, the built model)
// and prints one JSON line, adding the renderer process's peak resident
// memory (VmHWM: the worker, its module and model, and the page).
//
//   cargo xtask model && cargo xtask build
//   (serve the repository root, e.g. python3 -m http.server -d . 8099)
//   COOPMATCH_URL=http://127.0.0.1:8099/ node tests/bench/semantic.mjs
import { createRequire } from 'node:module';
import { readFileSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const require = createRequire(new URL('../browser/package.json', import.meta.url));
const { chromium } = require('playwright-core');

/** Peak resident memory (VmHWM, MB) of the renderers under the browser started with `dataDir`. */
function rendererPeakMb(dataDir) {
  const procs = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const hwm = Number((/VmHWM:\s+(\d+)/.exec(status) || [0, 0])[1]) / 1024;
      procs.push({ pid: Number(pid), ppid, cmd, hwm });
    } catch { /* gone */ }
  }
  const byPid = new Map(procs.map((p) => [p.pid, p]));
  const ours = (p) => {
    for (let q = p; q; q = byPid.get(q.ppid)) if (q.cmd.includes(dataDir)) return true;
    return false;
  };
  return Math.max(0, ...procs.filter((p) => p.cmd.includes('--type=renderer') && ours(p)).map((p) => p.hwm));
}

// `--baseline`: the page and its worker without the model (the renderer's
// own memory, to subtract).
const url = new URL(`tests/bench/semantic.html${process.argv.includes('--baseline') ? '?baseline' : ''}`, process.env.COOPMATCH_URL).href;
const dataDir = mkdtempSync(join(tmpdir(), 'coopmatch-semantic-bench-'));
const context = await chromium.launchPersistentContext(dataDir, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run'],
});
try {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => window.benchResult, null, { timeout: 600_000 });
  const result = await page.evaluate(() => window.benchResult);
  if (result.error) throw new Error(result.error);
  result.renderer_peak_rss_mb = Math.round(rendererPeakMb(dataDir));
  console.log(JSON.stringify(result));
} finally {
  await context.close();
  rmSync(dataDir, { recursive: true, force: true });
}
