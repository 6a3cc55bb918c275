import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIAGNOSTIC_CODES, parseAnalysisText, SEVERITY_NAME } from '../../core/analysis/index';
import { fixtureFiles, loadFixture } from './fixture-util';

test('there is a broken-file fixture for every analysis rule', () => {
  const covered = new Set(fixtureFiles().map((f) => loadFixture(f).code));
  const untestable = new Set(['file-too-large', 'too-deep', 'yaml-warning', 'no-signal', 'internal-error']); // covered in bad-input.test.ts / by symmetry
  for (const code of Object.keys(DIAGNOSTIC_CODES)) {
    if (!untestable.has(code)) assert.ok(covered.has(code), `no fixture for ${code}`);
  }
});

for (const file of fixtureFiles()) {
  test(`fixture ${file}`, () => {
    const fx = loadFixture(file);
    const { diagnostics, analysis } = parseAnalysisText(fx.text, file);
    const hit = diagnostics.find((d) => d.code === fx.code && (!fx.range || JSON.stringify(d.range) === JSON.stringify(fx.range)));
    assert.ok(hit, `expected ${fx.code} at ${JSON.stringify(fx.range)}; got ${JSON.stringify(diagnostics.map((d) => [d.code, d.range, d.message]), null, 1)}`);
    assert.equal(SEVERITY_NAME[hit.severity], fx.severity);
    assert.equal(hit.source, 'hml');
    assert.ok(hit.message.length > 20, 'messages say how to fix the problem');
    if (fx.severity === 'error') assert.equal(analysis, undefined, 'no model when there are errors');
  });
}

test('fixes carry edits a code action can apply', () => {
  const fx = loadFixture('unknown-key.hml.yaml');
  const d = parseAnalysisText(fx.text).diagnostics.find((x) => x.code === 'unknown-key')!;
  assert.deepEqual(d.data?.path, ['methods', 'bdt', 'treez']);
  const fix = d.data?.fixes?.[0];
  assert.ok(fix);
  assert.equal(fix.title, "Rename to 'trees'");
  assert.deepEqual(fix.edits, [{ range: fx.range, newText: 'trees' }]);
  // Applying the fix gives a clean file.
  const lines = fx.text.split('\n');
  const e = fix.edits[0];
  lines[e.range.start.line] = lines[e.range.start.line].slice(0, e.range.start.character) + e.newText + lines[e.range.start.line].slice(e.range.end.character);
  assert.deepEqual(parseAnalysisText(lines.join('\n')).diagnostics, []);
});

test('the split fix makes the fractions add up', () => {
  const fx = loadFixture('split-sum.hml.yaml');
  const d = parseAnalysisText(fx.text).diagnostics.find((x) => x.code === 'split-sum')!;
  assert.equal(d.data?.fixes?.[0].edits[0].newText, '0.3');
  assert.match(d.message, /0\.9/);
});
