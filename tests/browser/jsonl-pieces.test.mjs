// The worker's JSONL cutter (jsonlPieces in www/worker.js) against the
// plain definition it replaced: split on '\n', groups of `chunk` lines
// rejoined, rows = lines that `trim()` leaves non-empty. Runs in Node, no
// browser: the cutter is plain string code.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonlPieces } from '../../www/worker.js';

function bySplitting(text, chunk) {
  const lines = text.split('\n');
  const out = [];
  for (let i = 0; i < lines.length; i += chunk) {
    const group = lines.slice(i, i + chunk);
    out.push({ data: group.join('\n'), lineOffset: i, rows: group.filter((l) => l.trim() !== '').length });
  }
  return out;
}

test('pieces of a file with blank lines, CRLF and a final newline', () => {
  const text = '{"id":"a"}\r\n\r\n{"id":"b"}\n   \n{"id":"c"}\n';
  assert.deepEqual(jsonlPieces(text, 2), [
    { data: '{"id":"a"}\r\n\r', lineOffset: 0, rows: 1 },
    { data: '{"id":"b"}\n   ', lineOffset: 2, rows: 1 },
    { data: '{"id":"c"}\n', lineOffset: 4, rows: 1 },
  ]);
  assert.deepEqual(jsonlPieces(text, 2), bySplitting(text, 2));
});

test('empty text is one empty piece, as splitting gives', () => {
  assert.deepEqual(jsonlPieces('', 3), [{ data: '', lineOffset: 0, rows: 0 }]);
  assert.deepEqual(jsonlPieces('\n', 1), bySplitting('\n', 1));
});

test('a chunk size that is not a positive whole number counts as at least 1', () => {
  assert.deepEqual(jsonlPieces('a\nb', 0.5), bySplitting('a\nb', 1));
  assert.deepEqual(jsonlPieces('a\nb\nc', 2.7), bySplitting('a\nb\nc', 2));
  // Not a number at all: one line a piece, not a loop that never ends.
  assert.deepEqual(jsonlPieces('a\nb', NaN), bySplitting('a\nb', 1));
  assert.deepEqual(jsonlPieces('a\nb', undefined), bySplitting('a\nb', 1));
  assert.deepEqual(jsonlPieces('a\nb\nc', Infinity), bySplitting('a\nb\nc', 3));
});

test('same pieces as splitting on 20,000 random texts', () => {
  // Unicode white space that trim() removes, a BOM, CJK, CR and U+2028
  // (which is not a line break here, as in split('\n')).
  const alphabet = ['{"id":1}', '\n', '\n', ' ', '\r', '\t', '\u3000', '\u00a0', 'x', '中', '\ufeff', '\u2028'];
  let seed = 7;
  const next = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let t = 0; t < 20000; t += 1) {
    let text = '';
    const len = next(30);
    for (let i = 0; i < len; i += 1) text += alphabet[next(alphabet.length)];
    const chunk = 1 + next(5);
    assert.deepEqual(jsonlPieces(text, chunk), bySplitting(text, chunk), JSON.stringify({ text, chunk }));
  }
});
