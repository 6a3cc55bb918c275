import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lex } from '../../core/expressions/index';

const kinds = (s: string) => lex(s).tokens.map((t) => `${t.kind}:${t.text}`);

test('no whitespace is needed around operators', () => {
  assert.deepEqual(kinds('fatjet0.mass>60'), ['ident:fatjet0', '.:.', 'ident:mass', 'op:>', 'number:60', 'eof:']);
  assert.deepEqual(kinds('a<=b!=c==d'), ['ident:a', 'op:<=', 'ident:b', 'op:!=', 'ident:c', 'op:==', 'ident:d', 'eof:']);
});

test('names are never split inside words', () => {
  assert.deepEqual(kinds('notjet andor fatjet'), ['ident:notjet', 'ident:andor', 'ident:fatjet', 'eof:']);
  assert.deepEqual(kinds('tau21'), ['ident:tau21', 'eof:']);
});

test('a dot after a slice bound is a separator, not a decimal point', () => {
  assert.deepEqual(kinds('jet:3.constituents1:3'), ['ident:jet', ':::', 'number:3', '.:.', 'ident:constituents1', ':::', 'number:3', 'eof:']);
  assert.deepEqual(kinds('3.5 .5 1e3 2.5e-2'), ['number:3.5', 'number:.5', 'number:1e3', 'number:2.5e-2', 'eof:']);
  assert.equal(lex('2.5e-2').tokens[0].value, 0.025);
});

test('offsets are shifted by the base offset', () => {
  const t = lex('jet0.pt', 100).tokens;
  assert.deepEqual([t[0].start, t[0].end, t[2].start, t[2].end], [100, 104, 105, 107]);
});

test('a number glued to a word is reported with a fix, not split', () => {
  const r = lex('x > 50and y');
  assert.equal(r.diagnostics.length, 1);
  assert.equal(r.diagnostics[0].code, 'expr-glued-number');
  assert.deepEqual(r.diagnostics[0].range, { start: 4, end: 9 });
  assert.deepEqual(r.diagnostics[0].fixes?.[0].edits[0], { range: { start: 6, end: 6 }, newText: ' ' });
});

test('unknown characters become one diagnostic per run', () => {
  const r = lex('jet0.pt > 3 $$$ # é');
  assert.deepEqual(r.diagnostics.map((d) => [d.code, d.range.start, d.range.end]), [
    ['expr-bad-character', 12, 15],
    ['expr-bad-character', 16, 17],
    ['expr-bad-character', 18, 19],
  ]);
});
