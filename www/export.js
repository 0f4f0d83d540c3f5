// Export of the current results as CSV (UTF-8 with BOM, RFC 4180) or JSON,
// downloaded through a Blob URL: nothing is sent anywhere.

import { t } from './i18n.js';
import { strengthKey } from './strength.js';

export const CSV_COLUMNS = [
  'rank',
  'score',
  // The score in words, in the reader's language (see strength.js).
  'strength',
  'id',
  'name',
  'kind',
  'institution',
  'discipline',
  'region',
  'matched terms',
  'best work',
];

/**
 * One CSV cell. Text starting with = + - @ tab or CR is prefixed with an
 * apostrophe so that spreadsheets do not run it as a formula; cells holding
 * a comma, quote, CR or LF are quoted with inner quotes doubled (RFC 4180).
 */
export function csvCell(value) {
  let s = value === undefined || value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  if (/[",\r\n]/.test(s)) s = `"${s.replace(/"/g, '""')}"`;
  return s;
}

export function toCsv(rows) {
  return `\uFEFF${rows.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

function termsText(explanation) {
  const terms = explanation && Array.isArray(explanation.terms) ? explanation.terms : [];
  return terms.map((x) => `${x.term} (${Math.round((Number(x.share) || 0) * 100)}%)`).join('; ');
}

/** The title of the best-matching work, or '' when the evidence is the profile itself. */
function bestWorkTitle(result) {
  const works = result.explanation && Array.isArray(result.explanation.works) ? result.explanation.works : [];
  const best = works[0];
  const profileWorks = (result.profile && result.profile.works) || [];
  if (!best || best.index < 0 || !profileWorks[best.index]) return '';
  return profileWorks[best.index].title || '';
}

function scoreText(score) {
  const n = Number(score);
  return Number.isFinite(n) ? n.toFixed(4) : '';
}

export function resultsToCsv(results) {
  const rows = [CSV_COLUMNS];
  results.forEach((r, i) => {
    const p = r.profile || {};
    rows.push([
      i + 1,
      scoreText(r.score),
      t(`strength_${strengthKey(r.score)}`),
      p.id,
      p.name,
      p.kind,
      p.institution,
      p.discipline,
      p.region,
      termsText(r.explanation),
      bestWorkTitle(r),
    ]);
  });
  return toCsv(rows);
}

/** A JSON document: the challenge, the filters and the ranked results. */
export function resultsToJson(results, { challenge, filters, engineVersion }) {
  const doc = {
    tool: 'coopmatch',
    engineVersion: engineVersion || null,
    exportedAt: new Date().toISOString(),
    challenge,
    filters,
    results: results.map((r, i) => ({
      rank: i + 1,
      score: r.score,
      profile: r.profile,
      matchedTerms: (r.explanation && r.explanation.terms) || [],
      bestWork: bestWorkTitle(r) || null,
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Saves text as a file via a temporary <a download> pointing at a Blob URL. */
export function download(filename, mime, text) {
  const url = URL.createObjectURL(new Blob([text], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file-name stamp like 20250101-1230. */
export function stamp(date = new Date()) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}-${pad(date.getHours())}${pad(date.getMinutes())}`;
}
