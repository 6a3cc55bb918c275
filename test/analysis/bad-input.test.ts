import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAnalysisText, type ParsedAnalysis } from '../../core/analysis/index';
import { Rng } from '../../core/util/random';

/** Runs the validator and checks the invariants every result must keep, whatever the input. */
function robust(text: string, label: string, maxMs = 5000): ParsedAnalysis {
  const t = performance.now();
  let r: ParsedAnalysis;
  try {
    r = parseAnalysisText(text, label);
  } catch (err) {
    assert.fail(`${label}: threw ${String(err)}`);
  }
  const ms = performance.now() - t;
  assert.ok(ms < maxMs, `${label}: took ${ms} ms`);
  const lines = r.document.lines;
  for (const d of r.diagnostics) {
    const s = lines.offsetAt(d.range.start);
    const e = lines.offsetAt(d.range.end);
    assert.ok(s <= e && e <= text.length, `${label}: bad range ${JSON.stringify(d)}`);
    assert.ok(typeof d.code === 'string' && d.code.length > 0 && d.message.length > 0, label);
    assert.ok([1, 2, 3, 4].includes(d.severity), label);
    assert.notEqual(d.code, 'internal-error', `${label}: ${d.message}`);
  }
  return r;
}

test('empty and whitespace-only files', () => {
  for (const t of ['', '\n\n', '   ', '# only a comment\n', '---\n', '~']) {
    const r = robust(t, JSON.stringify(t));
    assert.ok(r.diagnostics.some((d) => d.severity === 1), JSON.stringify(t));
    assert.equal(r.analysis, undefined);
  }
});

test('binary junk', () => {
  const rng = new Rng(7n);
  for (let k = 0; k < 20; k++) {
    let s = '';
    for (let i = 0; i < 4000; i++) s += String.fromCharCode(rng.int(65536));
    robust(s, `junk ${k} (seed 7)`);
  }
  robust(readFileSync(process.execPath).subarray(0, 200000).toString('latin1'), 'node binary');
});

test('a 10 MB file is refused with one diagnostic, quickly', () => {
  const big = 'hml: 1\n' + 'x: '.padEnd(100, 'y') + '\n'.repeat(1) + ('# filler ' + 'z'.repeat(90) + '\n').repeat(100_000);
  assert.ok(big.length > 10_000_000);
  const r = robust(big, '10 MB', 2000);
  assert.deepEqual(r.diagnostics.map((d) => d.code), ['file-too-large']);
});

test('deeply nested YAML', () => {
  robust('hml: 1\nsamples: ' + '['.repeat(50000) + ']'.repeat(50000) + '\n', 'deep flow');
  robust('hml: 1\nsamples: ' + '{a: '.repeat(5000) + '1' + '}'.repeat(5000) + '\n', 'deep flow map');
  let block = 'hml: 1\nsamples:\n';
  for (let i = 0; i < 1000; i++) block += ' '.repeat(2 * (i + 1)) + `k${i}:\n`;
  robust(block, 'deep block');
  const r = robust('hml: 1\nsamples:\n  a:\n    label: signal\n    generator: ' + '['.repeat(200) + ']'.repeat(200) + '\n', 'nested list as generator');
  assert.ok(r.diagnostics.some((d) => d.code === 'wrong-type'));
});

test('tabs', () => {
  const r = robust('hml: 1\nsamples:\n\tsig:\n\t\tlabel: signal\n', 'tabs');
  assert.ok(r.diagnostics.some((d) => d.code === 'yaml-syntax' && /[Tt]ab/.test(d.message)));
});

test('anchors and aliases: reused blocks validate, alias bombs stop', () => {
  const ok = `hml: 1
samples:
  sig:
    label: signal
    generator: &gen { engine: builtin, process: w-jets, events: 1000 }
  bkg:
    label: background
    generator: *gen
reconstruction:
  fatjet: { r: 1.0 }
datasets:
  d: { type: set, observables: [fatjet0.mass] }
`;
  assert.deepEqual(robust(ok, 'anchors').diagnostics, []);
  const bad = ok.replace('events: 1000', 'events: many');
  const r = robust(bad, 'bad anchor');
  assert.ok(r.diagnostics.filter((d) => d.code === 'wrong-type').length >= 2, 'reported at the anchor and at the alias');
  let bomb = 'a: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
  for (let i = 1; i < 12; i++) bomb += `a${i}: &a${i} [*a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}, *a${i - 1}]\n`;
  robust('hml: 1\n' + bomb + 'samples:\n  s: *a11\n', 'alias bomb', 3000);
  robust('hml: 1\nsamples: *nope\n', 'undefined alias');
  robust('hml: 1\nsamples: &x\n  s: *x\n', 'self alias');
});

test('several YAML documents, odd scalars and odd keys', () => {
  robust('hml: 1\n---\nhml: 2\n', 'two documents');
  robust('? [a, b]\n: 1\n', 'complex key');
  robust('hml: !!binary aGVsbG8=\nseed: .inf\nname: !custom x\n', 'tags');
  robust('hml: 1\nseed: 1e400\nsamples: null\ndatasets: []\n', 'odd values');
  robust('\uFEFFhml: 1\r\nsamples:\r\n  a: {}\r\n', 'BOM and CRLF');
  robust('"unterminated', 'unterminated string');
});

test('fuzz: mutated examples never throw (fixed seed, printed on failure)', () => {
  const dir = join(import.meta.dirname, '..', '..', 'examples');
  const sources = readdirSync(dir).filter((f) => f.endsWith('.hml.yaml')).map((f) => readFileSync(join(dir, f), 'utf8'));
  const seed = 424242n;
  const rng = new Rng(seed);
  const inserts = [':', '-', '[', ']', '{', '}', ',', '"', "'", '&a', '*a', '!', '#', '\t', '\n', '  ', '|', '>', '?', 'jet0.', '(', ')', 'and', '1e9', '-1', 'null', '~', '\u0000', '\uD800'];
  for (let i = 0; i < 400; i++) {
    let text = sources[rng.int(sources.length)];
    const edits = 1 + rng.int(6);
    for (let k = 0; k < edits; k++) {
      const at = rng.int(text.length + 1);
      const op = rng.int(3);
      if (op === 0) text = text.slice(0, at) + inserts[rng.int(inserts.length)] + text.slice(at);
      else if (op === 1) text = text.slice(0, at) + text.slice(at + 1 + rng.int(20));
      else {
        const from = rng.int(text.length);
        text = text.slice(0, at) + text.slice(from, from + 1 + rng.int(30)) + text.slice(at);
      }
    }
    try {
      robust(text, `fuzz case ${i}`);
    } catch (err) {
      assert.fail(`fuzz case ${i} with seed ${seed} failed: ${err instanceof Error ? err.message : String(err)}\n--- input ---\n${text}`);
    }
  }
});
