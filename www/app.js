// App wiring: loads the WASM matcher and the demo data, connects the
// controls to the matcher, and keeps the page in step with the state.
// Rendering lives in render.js, import/export in import.js/export.js,
// strings in i18n.js, the tab bar in tabs.js, the matchmaking-event view
// in event.js.

import { debounce } from './dom.js';
import { t, getLang, setLang, initLang, applyI18n, kindLabel } from './i18n.js';
import { renderResults, renderChallengeText, renderChallengeMatches, renderProfileDetail } from './render.js';
import { formatFromName, readText, renderReport } from './import.js';
import { resultsToCsv, resultsToJson, download, stamp } from './export.js';
import { initTabs } from './tabs.js';
import { initEvent } from './event.js';

const $ = (id) => document.getElementById(id);
const TOP = 20;
const DEBOUNCE_MS = 150;

const state = {
  api: null, // the wasm-bindgen module
  matcher: null,
  samples: [], // Challenge objects from demo/challenges.json
  sample: null, // the chosen sample, while the textarea still holds its text
  results: [],
  challenge: null, // what was last matched (text or Challenge)
  demoProfiles: null, // text of demo/profiles.json, for "restore demo data"
  source: 'none', // 'demo' | 'mixed' | 'custom' | 'none'
  reverse: null, // { profileId, matches } of the reverse view
  lastReport: null, // { report, fileName } of the last import
  event: null, // the event view's hooks (event.js)
};

// ---- errors ---------------------------------------------------------------

function showError(err, context) {
  const message = err && err.message ? err.message : String(err);
  $('error-text').textContent = `${t('errorPrefix')} ${context ? `${context}: ` : ''}${message}`;
  $('error').hidden = false;
}

function clearError() {
  $('error').hidden = true;
  $('error-text').textContent = '';
}

/** Runs fn, showing what it throws instead of losing it. */
function guarded(fn, context) {
  try {
    return fn();
  } catch (err) {
    showError(err, context);
    return undefined;
  }
}

// ---- data status and facets -----------------------------------------------

function renderDataStatus() {
  const status = $('data-status');
  if (!state.matcher) return;
  const n = state.matcher.profileCount;
  const source = { demo: 'sourceDemo', mixed: 'sourceMixed', custom: 'sourceCustom', none: 'sourceNone' }[state.source];
  status.replaceChildren();
  const count = document.createElement('strong');
  count.id = 'profile-count';
  count.textContent = String(n);
  // The count is its own element so that it can be read back.
  const sentence = t('profileCount', { n });
  const at = sentence.indexOf(String(n));
  status.append(sentence.slice(0, at), count, sentence.slice(at + String(n).length), t(n === 0 ? 'sourceNone' : source));
}

function fillSelect(select, values, allKey) {
  const previous = select.value;
  const options = [new Option(t(allKey), '')];
  for (const v of values) options.push(new Option(v, v));
  select.replaceChildren(...options);
  select.value = values.includes(previous) ? previous : '';
}

function refreshFacets() {
  const facets = guarded(() => state.matcher.facets(), 'facets') || {};
  fillSelect($('discipline-filter'), facets.disciplines || [], 'allDisciplines');
  fillSelect($('region-filter'), facets.regions || [], 'allRegions');
}

function fillSamples() {
  const select = $('sample-select');
  const previous = select.value;
  const options = [new Option(t('sampleCustom'), '')];
  for (const c of state.samples) {
    const label = c.enterprise ? t('sampleOption', { title: c.title || c.id, enterprise: c.enterprise }) : c.title || c.id;
    options.push(new Option(label, c.id));
  }
  select.replaceChildren(...options);
  select.value = state.samples.some((c) => c.id === previous) ? previous : '';
}

// ---- matching ---------------------------------------------------------------

function selectedKinds() {
  return [...document.querySelectorAll('#filters input[name="kind"]:checked')].map((x) => x.value);
}

function matchOptions() {
  const discipline = $('discipline-filter').value;
  const region = $('region-filter').value;
  return {
    top: TOP,
    kinds: selectedKinds(),
    disciplines: discipline ? [discipline] : [],
    regions: region ? [region] : [],
    minScore: Number($('min-score').value) || 0,
    explain: true,
  };
}

/** The challenge to match: the chosen sample (with its title) while its text is unchanged, else the text. */
function currentChallenge() {
  const text = $('challenge-text').value;
  if (state.sample && text === state.sample.description) return state.sample;
  return text;
}

function isEmptyChallenge(c) {
  if (typeof c === 'string') return c.trim() === '';
  return !c || (!c.title && !c.description && !(c.keywords && c.keywords.length));
}

function runMatch() {
  if (!state.matcher) return;
  const challenge = currentChallenge();
  const options = matchOptions();
  state.challenge = challenge;
  let results = [];
  let statusText;
  if (isEmptyChallenge(challenge)) {
    statusText = t('matchesPrompt');
  } else if (options.kinds.length === 0) {
    statusText = t('noKinds');
  } else {
    const out = guarded(() => state.matcher.match(challenge, options), 'match');
    results = Array.isArray(out) ? out : [];
    statusText = results.length ? t('matchesCount', { n: results.length }) : t('matchesNone');
  }
  state.results = results;
  renderMatchView(statusText);
}

function renderMatchView(statusText) {
  renderResults($('results'), state.results);
  $('match-status').textContent = statusText ?? $('match-status').textContent;
  const top = state.results[0];
  const spans = top && top.explanation ? top.explanation.challengeSpans : [];
  const shown = !isEmptyChallenge(state.challenge) && renderChallengeText($('challenge-highlight'), state.challenge || '', spans);
  if (!shown) $('challenge-highlight').replaceChildren();
  $('challenge-highlight').hidden = !shown;
  $('highlight-empty').hidden = Boolean(shown && top);
  $('export-csv').disabled = state.results.length === 0;
  $('export-json').disabled = state.results.length === 0;
}

/** The status line for the current state, for re-rendering after a language switch. */
function matchStatusText() {
  if (isEmptyChallenge(state.challenge)) return t('matchesPrompt');
  if (selectedKinds().length === 0) return t('noKinds');
  return state.results.length ? t('matchesCount', { n: state.results.length }) : t('matchesNone');
}

const runMatchSoon = debounce(runMatch, DEBOUNCE_MS);

// ---- reverse view -----------------------------------------------------------

function profileMatchesQuery(p, q) {
  if (!q) return true;
  const hay = [p.id, p.name, p.institution, p.discipline, p.region, ...(p.keywords || [])].join(' ').toLowerCase();
  return q
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .every((word) => hay.includes(word));
}

function fillProfileSelect() {
  if (!state.matcher) return;
  const select = $('profile-select');
  const previous = select.value || (state.reverse && state.reverse.profileId) || '';
  const q = $('profile-search').value.trim();
  const profiles = guarded(() => state.matcher.profiles(), 'profiles') || [];
  // Grouped by kind, in load order within a kind.
  const groups = new Map();
  for (const p of profiles.filter((x) => profileMatchesQuery(x, q))) {
    if (!groups.has(p.kind)) groups.set(p.kind, []);
    groups.get(p.kind).push(new Option(p.institution ? `${p.name || p.id} — ${p.institution}` : p.name || p.id, p.id));
  }
  const optgroups = [...groups].map(([kind, options]) => {
    const group = document.createElement('optgroup');
    group.label = kindLabel(kind);
    group.append(...options);
    return group;
  });
  select.replaceChildren(...optgroups);
  if ([...select.options].some((o) => o.value === previous)) select.value = previous;
  else select.selectedIndex = -1;
}

function runReverse() {
  if (!state.matcher) return;
  const id = $('profile-select').value;
  const profiles = guarded(() => state.matcher.profiles(), 'profiles') || [];
  const profile = profiles.find((p) => p.id === id);
  renderProfileDetail($('profile-detail'), profile);
  if (!profile) {
    state.reverse = null;
    $('reverse-results').replaceChildren();
    $('reverse-status').textContent = t('reverseEmpty');
    return;
  }
  const out = guarded(() => state.matcher.matchProfile(id, state.samples, { top: 0, explain: true }), 'matchProfile');
  const matches = (Array.isArray(out) ? out : []).filter((m) => m.score > 0);
  state.reverse = { profileId: id, matches };
  renderReverseView();
}

function renderReverseView() {
  const matches = state.reverse ? state.reverse.matches : [];
  renderChallengeMatches($('reverse-results'), matches);
  if (!state.reverse) $('reverse-status').textContent = t('reverseEmpty');
  else $('reverse-status').textContent = matches.length ? t('challengesCount', { n: matches.length }) : t('reverseNone');
}

// ---- import -----------------------------------------------------------------

function afterDataChange() {
  renderDataStatus();
  refreshFacets();
  fillProfileSelect();
  runMatch();
  if (state.reverse) runReverse();
  if (state.event) state.event.onDataChange();
}

async function importFile(file) {
  if (!file || !state.matcher) return;
  clearError();
  try {
    const text = await readText(file);
    const replace = document.querySelector('input[name="import-mode"]:checked').value === 'replace';
    if (replace) state.matcher.clear();
    const report = state.matcher.loadProfiles(text, formatFromName(file.name));
    state.lastReport = { report, fileName: file.name };
    renderReport($('import-report'), report, file.name);
    if (replace) state.source = 'custom';
    else if (state.source === 'demo') state.source = 'mixed';
    else if (state.source === 'none') state.source = 'custom';
  } catch (err) {
    showError(err, file.name);
  }
  afterDataChange();
}

function loadDemoProfiles() {
  const report = state.matcher.loadProfiles(state.demoProfiles, 'json');
  const errors = report.errors || [];
  const rejected = errors.filter((e) => !(e.loaded === true || e.warning));
  if (rejected.length) {
    showError(new Error(t('demoRejected', { n: rejected.length, msg: rejected[0].message })));
  }
}

function restoreDemo() {
  if (!state.matcher || state.demoProfiles === null) return;
  clearError();
  guarded(() => {
    state.matcher.clear();
    loadDemoProfiles();
    state.source = 'demo';
  }, t('errorDemo'));
  state.lastReport = null;
  $('import-report').replaceChildren();
  afterDataChange();
}

// ---- export -----------------------------------------------------------------

function exportCsv() {
  if (!state.results.length) return;
  download(`coopmatch-results-${stamp()}.csv`, 'text/csv;charset=utf-8', resultsToCsv(state.results));
}

function exportJson() {
  if (!state.results.length) return;
  const options = matchOptions();
  const text = resultsToJson(state.results, {
    challenge: state.challenge,
    filters: { kinds: options.kinds, disciplines: options.disciplines, regions: options.regions, minScore: options.minScore },
    engineVersion: state.api && state.api.version ? guarded(() => state.api.version()) : null,
  });
  download(`coopmatch-results-${stamp()}.json`, 'application/json', text);
}

// ---- language -----------------------------------------------------------------

function updateLangToggle() {
  // The button names the other language, in that language.
  $('lang-toggle').lang = getLang() === 'zh' ? 'en' : 'zh-CN';
}

function rerenderAll() {
  applyI18n();
  updateLangToggle();
  renderDataStatus();
  fillSamples();
  refreshFacets();
  fillProfileSelect();
  renderMatchView(matchStatusText());
  if (state.matcher) renderReverseView();
  if (state.reverse) {
    const profiles = guarded(() => state.matcher.profiles()) || [];
    renderProfileDetail($('profile-detail'), profiles.find((p) => p.id === state.reverse.profileId));
  }
  if (state.lastReport) renderReport($('import-report'), state.lastReport.report, state.lastReport.fileName);
  if (state.event) state.event.rerender();
  renderVersion();
}

function renderVersion() {
  const v = state.api && state.api.version ? guarded(() => state.api.version()) : '';
  $('engine-version').textContent = v ? `coopmatch · ${t('versionLabel', { v })}` : 'coopmatch';
}

// ---- wiring -------------------------------------------------------------------

function wire() {
  $('lang-toggle').addEventListener('click', () => {
    setLang(getLang() === 'zh' ? 'en' : 'zh');
    rerenderAll();
  });
  $('error-dismiss').addEventListener('click', clearError);

  const text = $('challenge-text');
  text.addEventListener('input', () => {
    if (state.sample && text.value !== state.sample.description) {
      state.sample = null;
      $('sample-select').value = '';
    }
    runMatchSoon();
  });
  $('challenge-form').addEventListener('submit', (event) => {
    event.preventDefault();
    runMatchSoon.cancel();
    clearError();
    runMatch();
  });
  $('clear-btn').addEventListener('click', () => {
    text.value = '';
    state.sample = null;
    $('sample-select').value = '';
    runMatchSoon.cancel();
    runMatch();
    text.focus();
  });
  $('sample-select').addEventListener('change', (event) => {
    const c = state.samples.find((x) => x.id === event.target.value) || null;
    state.sample = c;
    text.value = c ? c.description : '';
    runMatchSoon.cancel();
    runMatch();
  });

  $('filters').addEventListener('change', () => runMatch());
  $('filters').addEventListener('submit', (event) => event.preventDefault());
  $('min-score').addEventListener('input', (event) => {
    $('min-score-value').textContent = Number(event.target.value).toFixed(2);
    runMatchSoon();
  });

  $('profile-search').addEventListener('input', debounce(fillProfileSelect, DEBOUNCE_MS));
  $('profile-select').addEventListener('change', runReverse);

  $('import-file').addEventListener('change', async (event) => {
    const file = event.target.files && event.target.files[0];
    await importFile(file);
    event.target.value = '';
  });
  const zone = $('drop-zone');
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    const file = event.dataTransfer && event.dataTransfer.files[0];
    importFile(file);
  });
  // A file dropped next to the zone must not navigate away from the page.
  window.addEventListener('dragover', (event) => event.preventDefault());
  window.addEventListener('drop', (event) => event.preventDefault());
  $('restore-demo').addEventListener('click', restoreDemo);

  $('export-csv').addEventListener('click', exportCsv);
  $('export-json').addEventListener('click', exportJson);

  state.event = initEvent({
    api: () => state.api,
    matcher: () => state.matcher,
    samples: () => state.samples,
    showError,
    clearError,
  });

  initTabs(document.querySelector('[role="tablist"]'), (tabId) => {
    if (tabId === 'tab-reverse' && state.matcher && !state.reverse) {
      const select = $('profile-select');
      if (select.selectedIndex < 0 && select.options.length) select.selectedIndex = 0;
      runReverse();
    }
  });
}

async function fetchText(path) {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.text();
}

async function boot() {
  initLang();
  updateLangToggle();
  wire();
  renderMatchView(t('loading'));
  try {
    const api = await import('./pkg/coopmatch.js');
    await api.default();
    state.api = api;
    state.matcher = new api.Matcher();
  } catch (err) {
    showError(err, t('errorWasm'));
    $('data-status').textContent = t('errorWasm');
    document.documentElement.dataset.ready = 'error';
    return;
  }
  renderVersion();
  try {
    const [profiles, challenges] = await Promise.all([fetchText('./demo/profiles.json'), fetchText('./demo/challenges.json')]);
    state.demoProfiles = profiles;
    loadDemoProfiles();
    state.source = 'demo';
    const parsed = state.api.parseChallenges(challenges, 'json');
    state.samples = parsed.challenges || [];
    if (parsed.errors && parsed.errors.length) {
      showError(new Error(parsed.errors.map((e) => `${e.line}: ${e.message}`).join('; ')), 'demo/challenges.json');
    }
  } catch (err) {
    showError(err, t('errorDemo'));
  }
  fillSamples();
  afterDataChange();
  document.documentElement.dataset.ready = 'true';
}

boot();
