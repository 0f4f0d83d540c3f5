// Rendering of match results, the highlighted challenge and the reverse
// view. Everything that comes from data goes through el()/highlight(),
// which only create text nodes.

import { el, highlight, spansFor } from './dom.js';
import { t, kindLabel } from './i18n.js';
import { strengthKey } from './strength.js';

const KIND_CLASSES = new Set(['expert', 'lab', 'team', 'patent']);

export function formatScore(score) {
  const n = Number(score);
  return Number.isFinite(n) ? n.toFixed(2) : '0.00';
}

function percent(share) {
  const n = Number(share);
  return Number.isFinite(n) ? Math.round(n * 100) : 0;
}

function kindBadge(kind) {
  const cls = KIND_CLASSES.has(kind) ? kind : 'other';
  return el('span', { class: `badge badge-${cls}`, text: kindLabel(kind) });
}

/** A bar, a number and its strength in words for a calibrated 0..1 score. */
function scoreBlock(score) {
  const n = Math.min(Math.max(Number(score) || 0, 0), 1);
  const fill = el('span', { class: 'scorebar-fill' });
  // CSSOM assignment, not a style attribute: allowed under style-src 'self'.
  fill.style.width = `${(n * 100).toFixed(1)}%`;
  const key = strengthKey(score);
  return el(
    'div',
    { class: 'score', attrs: { title: t('scoreMeaning') } },
    el('span', { class: 'score-label', text: t('scoreLabel') }),
    el('span', { class: 'scorebar', attrs: { 'aria-hidden': 'true' } }, fill),
    el('span', { class: 'score-num', text: formatScore(score) }),
    el('span', { class: `score-strength strength-${key}`, text: t(`strength_${key}`) }),
  );
}

const MAX_CHIPS = 8;

/** Matched terms as chips, each with its share of the score; the rest summed up in a last chip. */
function termChips(terms) {
  const list = Array.isArray(terms) ? terms : [];
  if (list.length === 0) return null;
  const ul = el('ul', { class: 'chips', attrs: { 'aria-label': t('termsLabel') } });
  const shown = list.slice(0, MAX_CHIPS);
  const rest = list.slice(MAX_CHIPS);
  for (const term of shown) {
    const pct = percent(term.share);
    ul.append(
      el(
        'li',
        { class: 'chip', attrs: { title: t('shareTitle', { n: pct }) } },
        el('span', { class: 'chip-term', text: term.term }),
        el('span', { class: 'chip-share', text: `${pct}%` }),
      ),
    );
  }
  if (rest.length) {
    const share = percent(rest.reduce((sum, x) => sum + (Number(x.share) || 0), 0));
    ul.append(
      el(
        'li',
        { class: 'chip chip-more', attrs: { title: rest.map((x) => x.term).join(t('listSep')) } },
        el('span', { class: 'chip-term', text: t('moreTerms', { n: rest.length }) }),
        el('span', { class: 'chip-share', text: `${share}%` }),
      ),
    );
  }
  return el('div', { class: 'terms' }, el('span', { class: 'terms-label', text: t('termsLabel') }), ul);
}

/** Keywords as a comma list with highlighted parts, or null. */
function keywordLine(keywords, spans, field = 'keywords') {
  const list = Array.isArray(keywords) ? keywords : [];
  if (list.length === 0) return null;
  const p = el('p', { class: 'keywords' }, el('span', { class: 'field-label', text: `${t('keywordsLabel')}${t('colon')}` }));
  list.forEach((kw, i) => {
    if (i > 0) p.append(t('listSep'));
    p.append(highlight(kw, spansFor(spans, field, i)));
  });
  return p;
}

/** The best-matching work of a result, with its matched words marked. */
function evidence(profile, explanation) {
  const works = explanation && Array.isArray(explanation.works) ? explanation.works : [];
  const best = works[0];
  const box = el('div', { class: 'evidence' });
  if (best && best.index >= 0 && profile.works && profile.works[best.index]) {
    const work = profile.works[best.index];
    box.append(el('p', { class: 'evidence-label', text: t('bestWork') }));
    const title = el('p', { class: 'work-title' }, highlight(work.title, best.titleSpans));
    if (work.year) title.append(el('span', { class: 'work-year', text: ` (${work.year})` }));
    box.append(title);
    if (work.abstract) box.append(el('p', { class: 'work-abstract' }, highlight(work.abstract, best.abstractSpans)));
    return box;
  }
  // Index -1 (or no works): the evidence is the profile's own summary and keywords.
  const spans = explanation ? explanation.profileSpans : [];
  box.append(el('p', { class: 'evidence-label', text: t('ownProfile') }));
  if (profile.summary) box.append(el('p', { class: 'work-abstract' }, highlight(profile.summary, spansFor(spans, 'summary'))));
  const kw = keywordLine(profile.keywords, spans);
  if (kw) box.append(kw);
  return box.childElementCount > 1 ? box : null;
}

function metaLine(parts) {
  const p = el('p', { class: 'meta' });
  parts.filter((x) => x).forEach((part, i) => {
    if (i > 0) p.append(el('span', { class: 'sep', text: ' · ', attrs: { 'aria-hidden': 'true' } }));
    p.append(el('span', { text: part }));
  });
  return p;
}

function patentInfo(profile) {
  if (profile.kind !== 'patent' && !profile.number && !profile.licence) return null;
  const dl = el('dl', { class: 'patent-info' });
  const add = (label, value) => {
    if (value) dl.append(el('div', {}, el('dt', { text: label }), el('dd', { text: value })));
  };
  add(t('patentNumber'), profile.number);
  add(t('licenceFee'), profile.licence && profile.licence.fee);
  add(t('licenceTerms'), profile.licence && profile.licence.terms);
  return dl.childElementCount ? dl : null;
}

/** One result card (an <li>) for a MatchResult. */
function resultCard(result, rank) {
  const profile = result.profile || {};
  const explanation = result.explanation;
  const headingId = `result-${rank}`;
  const nameSpans = explanation ? spansFor(explanation.profileSpans, 'name') : [];
  const head = el(
    'div',
    { class: 'card-head' },
    el('span', { class: 'rank', text: String(rank), attrs: { 'aria-label': t('rankLabel', { n: rank }) } }),
    el('h3', { id: headingId, class: 'result-name' }, highlight(profile.name || profile.id, nameSpans)),
    kindBadge(profile.kind),
  );
  const article = el(
    'article',
    { class: 'result', attrs: { 'aria-labelledby': headingId, 'data-id': profile.id, 'data-kind': profile.kind, 'data-score': result.score } },
    head,
    metaLine([profile.institution, profile.discipline, profile.region]),
    patentInfo(profile),
    scoreBlock(result.score),
    termChips(explanation && explanation.terms),
    evidence(profile, explanation),
  );
  return el('li', { class: 'result-item' }, article);
}

/** Replaces the list's children with cards for the results. */
export function renderResults(list, results) {
  list.replaceChildren(...results.map((r, i) => resultCard(r, i + 1)));
}

/**
 * The read-only highlighted challenge: title, description and keywords of
 * the challenge, with the spans (field title | description | keywords).
 */
// The highlighted copy of the challenge shows at most this many UTF-16
// units of each field: laying out a pasted megabyte (especially one with no
// spaces to wrap at) would freeze the tab, and no one reads that far.
const MAX_SHOWN = 20000;

/** `text` cut to MAX_SHOWN with its spans, and an ellipsis when cut. */
function shownText(text, spans) {
  const s = String(text);
  if (s.length <= MAX_SHOWN) return highlight(s, spans);
  const frag = highlight(s.slice(0, MAX_SHOWN), spans.filter(([, b]) => b <= MAX_SHOWN));
  frag.append(document.createTextNode(' …'));
  return frag;
}

export function renderChallengeText(container, challenge, spans) {
  const c = typeof challenge === 'string' ? { description: challenge } : challenge || {};
  const nodes = [];
  if (c.title) nodes.push(el('p', { class: 'hl-title' }, shownText(c.title, spansFor(spans, 'title'))));
  if (c.description) nodes.push(el('p', { class: 'hl-description' }, shownText(c.description, spansFor(spans, 'description'))));
  const kw = keywordLine(c.keywords, spans);
  if (kw) nodes.push(kw);
  container.replaceChildren(...nodes);
  return nodes.length > 0;
}

/** One card of the reverse view for a ChallengeMatch. */
function challengeCard(match, rank) {
  const c = match.challenge || {};
  const spans = match.explanation ? match.explanation.challengeSpans : [];
  const headingId = `challenge-${rank}`;
  const head = el(
    'div',
    { class: 'card-head' },
    el('span', { class: 'rank', text: String(rank), attrs: { 'aria-label': t('rankLabel', { n: rank }) } }),
    el('h3', { id: headingId, class: 'result-name' }, highlight(c.title || c.id, c.title ? spansFor(spans, 'title') : [])),
  );
  const body = el('div', { class: 'challenge-text' });
  if (c.description) body.append(el('p', {}, highlight(c.description, spansFor(spans, 'description'))));
  const kw = keywordLine(c.keywords, spans);
  if (kw) body.append(kw);
  const article = el(
    'article',
    { class: 'result', attrs: { 'aria-labelledby': headingId, 'data-id': c.id, 'data-score': match.score } },
    head,
    metaLine([c.enterprise, c.industry, c.region]),
    scoreBlock(match.score),
    termChips(match.explanation && match.explanation.terms),
    body,
  );
  return el('li', { class: 'result-item' }, article);
}

export function renderChallengeMatches(list, matches) {
  list.replaceChildren(...matches.map((m, i) => challengeCard(m, i + 1)));
}

/** A short description of the chosen profile for the reverse view. */
export function renderProfileDetail(container, profile) {
  if (!profile) {
    container.replaceChildren();
    return;
  }
  container.replaceChildren(
    el('div', { class: 'card-head' }, el('h3', { class: 'result-name', text: profile.name || profile.id }), kindBadge(profile.kind)),
    metaLine([profile.institution, profile.discipline, profile.region]),
    patentInfo(profile) || '',
    keywordLine(profile.keywords, []) || '',
  );
}
