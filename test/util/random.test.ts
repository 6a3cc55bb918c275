import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rng, deriveSeed } from '../../core/util/random';
import { canonicalJson, hashValue } from '../../core/util/hash';

test('Rng is deterministic for a seed and differs between seeds', () => {
  const a = new Rng(42n), b = new Rng(42n), c = new Rng(43n);
  const xa = Array.from({ length: 5 }, () => a.uniform());
  const xb = Array.from({ length: 5 }, () => b.uniform());
  const xc = Array.from({ length: 5 }, () => c.uniform());
  assert.deepEqual(xa, xb);
  assert.notDeepEqual(xa, xc);
  for (const x of xa) assert.ok(x >= 0 && x < 1);
});

test('Rng uniform has the right mean and variance', () => {
  const r = new Rng(deriveSeed('test', 1));
  let s = 0, s2 = 0;
  const n = 200000;
  for (let i = 0; i < n; i++) { const x = r.uniform(); s += x; s2 += x * x; }
  assert.ok(Math.abs(s / n - 0.5) < 0.005);
  assert.ok(Math.abs(s2 / n - s * s / n / n - 1 / 12) < 0.002);
  let m = 0, v = 0;
  for (let i = 0; i < n; i++) { const x = r.normal(); m += x; v += x * x; }
  assert.ok(Math.abs(m / n) < 0.01);
  assert.ok(Math.abs(v / n - 1) < 0.02);
});

test('canonical JSON ignores key order', () => {
  assert.equal(canonicalJson({ b: 1, a: { d: 2, c: 3 } }), canonicalJson({ a: { c: 3, d: 2 }, b: 1 }));
  assert.equal(hashValue({ x: 1, y: 2 }), hashValue({ y: 2, x: 1 }));
  assert.notEqual(hashValue({ x: 1 }), hashValue({ x: 2 }));
});
