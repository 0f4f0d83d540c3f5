// The coopmatch package as a bundler user gets it: `npm install path/to/www/pkg`,
// then a bare import. Vite finds the .wasm through the
// `new URL('coopmatch_bg.wasm', import.meta.url)` inside coopmatch.js.
import init, { Matcher, type MatchResult } from 'coopmatch';
// The six test profiles (Chinese and English) as JSONL text.
import profilesText from '../../fixtures/profiles.jsonl?raw';

const challenges: { id: string; text: string }[] = [
  { id: 'c-ti', text: '激光选区熔化Ti-6Al-4V航空支架内部气孔导致疲劳寿命不稳定，需要热等静压工艺方案' },
  { id: 'c-weld', text: 'Machine learning to find porosity and lack of fusion in X-ray images of pipeline weld seams' },
  { id: 'c-battery', text: '新能源汽车电池包快充时电芯温差超过8℃，需要优化液冷板设计' },
  { id: 'c-spindle', text: 'Predictive maintenance for CNC spindle bearings: detect faults early from vibration data.' },
];

async function main(): Promise<void> {
  await init();
  // The parameters are optional (`new Matcher({ topWorks: 5 })` sets some).
  const matcher = new Matcher();
  const report = matcher.loadProfiles(profilesText, 'jsonl');
  if (report.errors.length) throw new Error(`rejected rows: ${JSON.stringify(report.errors)}`);
  const list = document.getElementById('results')!;
  for (const challenge of challenges) {
    const results: MatchResult[] = matcher.match(challenge.text, { top: 3, explain: false });
    const best = results[0];
    const li = document.createElement('li');
    li.dataset.challenge = challenge.id;
    li.dataset.top = best ? best.id : '';
    li.dataset.score = best ? String(best.score) : '0';
    li.textContent = best ? `${challenge.id} → ${best.id} (${best.profile?.name}, ${best.score.toFixed(3)})` : `${challenge.id} → no match`;
    list.append(li);
  }
  document.getElementById('status')!.textContent = `${report.total} profiles loaded`;
  document.documentElement.dataset.ready = 'true';
}

main().catch((error: unknown) => {
  document.getElementById('status')!.textContent = `error: ${error instanceof Error ? error.message : String(error)}`;
  document.documentElement.dataset.ready = 'error';
  console.error(error);
});
