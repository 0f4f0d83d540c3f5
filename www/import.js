// Import of the visitor's own profiles: reading a file, choosing the format,
// and the validation report (a table of line, id, field, message).

import { el } from './dom.js';
import { t } from './i18n.js';

export const MAX_FILE_BYTES = 20 * 1024 * 1024;

/** 'csv' | 'json' | 'jsonl' from the file name, or undefined to let the engine detect. */
export function formatFromName(name) {
  const m = /\.([a-z0-9]+)$/i.exec(String(name || ''));
  const ext = m ? m[1].toLowerCase() : '';
  if (ext === 'csv') return 'csv';
  if (ext === 'json') return 'json';
  if (ext === 'jsonl' || ext === 'ndjson') return 'jsonl';
  return undefined;
}

/** The file's text, without a leading byte-order mark. */
export async function readText(file) {
  if (file.size > MAX_FILE_BYTES) throw new Error(t('errorFileTooBig'));
  const text = await file.text();
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** A warning on a row that was loaded (its id replaced an earlier profile), not a rejection. */
function isWarning(row) {
  return Boolean(row && (row.loaded === true || row.warning));
}

/** Counts for the summary line: rows loaded, rejected and replacing an earlier profile. */
export function summarize(report) {
  const errors = Array.isArray(report.errors) ? report.errors : [];
  const rejected = errors.filter((e) => !isWarning(e)).length;
  const replaced = Number(report.replaced) || 0;
  const rows = Number(report.rows);
  const loaded = Number.isFinite(rows) ? Math.max(0, rows - rejected) : (Number(report.added) || 0) + replaced;
  return { loaded, rejected, replaced };
}

/** Fills container with the summary and the table of problem rows. */
export function renderReport(container, report, fileName) {
  const counts = summarize(report);
  const errors = Array.isArray(report.errors) ? report.errors : [];
  const nodes = [];
  if (fileName) nodes.push(el('p', { class: 'report-file', text: t('importFile', { name: fileName }) }));
  nodes.push(el('p', { class: 'report-summary', text: t('importSummary', counts) }));
  if (errors.length === 0) {
    nodes.push(el('p', { class: 'report-ok', text: t('importNoIssues') }));
  } else {
    const tbody = el('tbody');
    for (const row of errors) {
      tbody.append(
        el(
          'tr',
          { class: isWarning(row) ? 'warning' : 'error' },
          // Line 0: the engine could not tell the line (a replacement found at load time).
          el('td', { class: 'num', text: row.line > 0 ? row.line : '—' }),
          el('td', { text: row.id ?? '' }),
          el('td', { text: row.field ?? '' }),
          el('td', { text: row.message ?? '' }),
        ),
      );
    }
    const table = el(
      'table',
      { class: 'report-table' },
      el('caption', { text: t('reportCaption') }),
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', { text: t('colLine'), attrs: { scope: 'col' } }),
          el('th', { text: t('colId'), attrs: { scope: 'col' } }),
          el('th', { text: t('colField'), attrs: { scope: 'col' } }),
          el('th', { text: t('colMessage'), attrs: { scope: 'col' } }),
        ),
      ),
      tbody,
    );
    nodes.push(el('div', { class: 'table-wrap' }, table));
  }
  container.replaceChildren(...nodes);
}
