/**
 * The incremental parse (core/analysis/incremental.ts) must give exactly what a full parse gives: the same
 * diagnostics (messages, ranges, codes, fixes), the same node offsets and expressions, the same YAML node ranges.
 * Random edits from a fixed seed (printed in the test name; override with HML_INCR_SEED) on the examples and on a
 * generated larger analysis: typing, deletions, pasted junk and pasted slices of the file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { visit, type Document } from 'yaml';
import { parseAnalysisText, type ParsedAnalysis } from '../../core/analysis/index';
import { FastRng } from '../../core/util/random';
import { bigAnalysis } from '../../bench/analysis-validate-text';

const SEED = Number(process.env.HML_INCR_SEED ?? 4242);
const ROOT = join(import.meta.dirname, '..', '..');
const JUNK = ['{', '}', '[', ']', ':', ': ', '- ', '\n', '\n  ', '\n    x: 1', '\n  s999:\n    label: signal', '\t', '"', "'", '# c', '\n# c\n', '&a ', '*a', '|', '>', ',', '---\n', 'fatjet0.', ' and ', '((', '\r\n', 'type: cnn', '0.', '-', '<', '\n\n', '\nfoo: 1', '\nevaluation: {}', '\n  d0:\n    type: set', '\n...\n', '%YAML 1.2\n', '  ', '\n      '];

function ranges(doc: Document | undefined): string {
  if (!doc) return '';
  const out: string[] = [String(doc.range)];
  visit(doc, (_k, n) => {
    const r = (n as { range?: number[] | null } | null)?.range;
    out.push(r ? r.join(',') : '-');
  });
  return out.join(' ');
}

function summary(p: ParsedAnalysis): unknown {
  return {
    diagnostics: p.diagnostics,
    analysis: p.analysis,
    nodes: [...p.document.nodes.entries()].map(([k, v]) => [k, v.start, v.end, v.keyStart, v.keyEnd]),
    expressions: p.document.expressions.map((e) => [e.path, e.text, e.offset, e.check?.diagnostics]),
    ranges: ranges(p.document.yaml),
  };
}

test(`incremental re-validation equals a full one on random edits (seed ${SEED})`, () => {
  const rng = new FastRng(SEED);
  const dir = join(ROOT, 'examples');
  const sources = readdirSync(dir).filter((f) => f.endsWith('.hml.yaml')).sort().map((f) => [f, readFileSync(join(dir, f), 'utf8')]);
  sources.push(['big', bigAnalysis(200)], ['crlf', sources[0][1].replace(/\n/g, '\r\n')]);
  let edits = 0;
  let reused = 0;
  for (const [name, original] of sources) {
    let text = original;
    let prev = parseAnalysisText(text, name);
    for (let i = 0; i < 150; i++, edits++) {
      // Back to the valid file now and then (every edit in the first third): most edits start from a clean file.
      if (i % 15 === 0 || i < 50) {
        text = original;
        prev = parseAnalysisText(text, name);
      }
      const a = rng.int(text.length + 1);
      const kind = rng.int(8);
      let b = a;
      let insert = '';
      if (kind === 0) b = Math.min(text.length, a + 1 + rng.int(12));
      else if (kind === 1) insert = JUNK[rng.int(JUNK.length)];
      else if (kind === 2) {
        const s = rng.int(Math.max(1, text.length));
        insert = text.slice(s, s + rng.int(60));
      } else {
        b = Math.min(text.length, a + rng.int(2));
        insert = String.fromCharCode(32 + rng.int(95));
      }
      const next = text.slice(0, a) + insert + text.slice(b);
      const full = parseAnalysisText(next, name);
      const before = prev.document.yaml;
      const incr = parseAnalysisText(next, name, prev.document);
      if (before && incr.document.yaml === before) reused++;
      assert.deepEqual(summary(incr), summary(full), `${name}, edit ${i} (seed ${SEED}): replaced [${a}, ${b}) by ${JSON.stringify(insert)}`);
      text = next;
      prev = incr;
    }
  }
  // The incremental path must actually be taken, not only the fall-back (which any YAML error in the previous
  // version forces, so random junk takes it most of the time).
  assert.ok(reused > edits / 50, `only ${reused} of ${edits} edits were re-parsed incrementally`);
});

test('a typed digit in any entry of a large analysis is re-parsed incrementally, with the same result', () => {
  let text = bigAnalysis(300);
  let prev = parseAnalysisText(text);
  let n = 0;
  for (let i = text.indexOf('samples:'); i < text.length; i += 97) {
    // Digits in values only (a digit in a name could make it equal a sibling's: a full parse, rightly).
    if (!/[0-9]/.test(text[i]) || !text.slice(text.lastIndexOf('\n', i) + 1, i).includes(': ')) continue;
    const next = text.slice(0, i) + String((Number(text[i]) + 1) % 10) + text.slice(i + 1);
    const before = prev.document.yaml;
    const incr = parseAnalysisText(next, 'big', prev.document);
    assert.equal(incr.document.yaml, before, `offset ${i}: not incremental`);
    assert.deepEqual(summary(incr), summary(parseAnalysisText(next, 'big')), `offset ${i}`);
    text = next;
    prev = incr;
    n++;
  }
  assert.ok(n > 5);
});
