// Instructions the release WASM executes to build an index and to match,
// counted by running Node under valgrind's callgrind:
//
//   node tests/bench/instructions.mjs DATA_DIR [--pkg DIR]
//
// Wall time on a shared 2-core machine drifts by 20-40% from minute to
// minute, which hides any change of a few percent; these counts repeat
// within about 2%. V8 runs single-threaded with TurboFan only
// (--no-liftoff --single-threaded), so the same code runs every time.
// Prints one JSON line:
//   build_first  a fresh process's first build, including the TurboFan
//                compilation of every function it runs (which a browser
//                does on another thread, running baseline code meanwhile);
//   build        a second build in the same process, everything compiled;
//   match        a second pass of every challenge (top 100, no
//                explanations), everything compiled.
// Each is the difference of two runs that differ only in that work.
// Needs valgrind (Debian: apt install valgrind); takes a few minutes on
// 2,000 profiles.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const option = name => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

// The measured work, when started by the runs below: BUILDS index builds,
// then PASSES passes of the challenges over the last one.
if (args[0] === '--child') {
  const [, pkg, dir, builds, passes] = args;
  const mod = await import(path.join(pkg, 'coopmatch.js'));
  mod.initSync({ module: fs.readFileSync(path.join(pkg, 'coopmatch_bg.wasm')) });
  const lines = fs.readFileSync(path.join(dir, 'profiles.jsonl'), 'utf8').split('\n');
  const challenges = fs.readFileSync(path.join(dir, 'challenges.jsonl'), 'utf8')
    .split('\n').filter(l => l.trim()).map(l => JSON.parse(l));
  let matcher = null;
  for (let b = 0; b < Number(builds); b++) {
    matcher?.free();
    matcher = new mod.Matcher();
    // In 2,000-line chunks, as bench.mjs and the page's worker load.
    for (let i = 0; i < lines.length; i += 2000) matcher.loadProfiles(lines.slice(i, i + 2000).join('\n'), 'jsonl');
  }
  const options = { top: 100, explain: false, profile: false };
  for (let p = 0; p < Number(passes); p++) for (const c of challenges) matcher.match(c, options);
  process.exit(0);
}

const dir = args[0];
if (!dir) {
  console.error('usage: node tests/bench/instructions.mjs DATA_DIR [--pkg DIR]');
  process.exit(2);
}
const pkg = path.resolve(option('--pkg') || path.join(here, '..', '..', 'www', 'pkg'));

// Instructions of one run of the child above (valgrind reports on stderr).
function instructions(builds, passes) {
  const run = spawnSync('valgrind', [
    '--tool=callgrind', '--callgrind-out-file=/dev/null', '--smc-check=all-non-file',
    process.execPath, '--no-liftoff', '--single-threaded',
    fileURLToPath(import.meta.url), '--child', pkg, path.resolve(dir), String(builds), String(passes),
  ], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const m = /refs:\s+([\d,]+)/.exec(run.stderr || '');
  if (run.status !== 0 || !m) {
    throw new Error(`valgrind failed (${run.error?.message || `status ${run.status}`}):\n${run.stderr}`);
  }
  return Number(m[1].replace(/,/g, ''));
}

const start = instructions(0, 0);
const one = instructions(1, 0);
const two = instructions(2, 0);
const onePass = instructions(1, 1);
const twoPasses = instructions(1, 2);
console.log(JSON.stringify({
  pkg, data: dir,
  build_first: one - start,
  build: two - one,
  match: twoPasses - onePass,
}));
