import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accuracy, rejectionAt, rocAuc, rocCurve } from '../../core/metrics';
import { argsortDescending } from '../../core/metrics/sort';
import { Rng } from '../../core/util/random';
import { runPython } from './python-peer';

function sample(n: number, seed: number, opts: { ties?: boolean; zeroWeights?: boolean; negativeWeights?: boolean } = {}) {
  const rng = new Rng(BigInt(seed));
  const s = new Float64Array(n);
  const y = new Float64Array(n);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = rng.uniform() < 0.4 ? 1 : 0;
    const v = rng.normal() + y[i];
    s[i] = opts.ties ? Math.round(v * 10) / 10 : v;
    w[i] = rng.uniform() * 2;
    if (opts.zeroWeights && rng.uniform() < 0.1) w[i] = 0;
    if (opts.negativeWeights && rng.uniform() < 0.05) w[i] = -0.2 * rng.uniform();
  }
  return { s, y, w };
}

const CASES = [
  ['continuous scores', 20000, {}],
  ['tied scores and zero weights', 20000, { ties: true, zeroWeights: true }],
  ['a few negative weights', 5000, { ties: true, negativeWeights: true }],
  ['tiny sample', 7, {}],
] as const;

test('AUC, ROC and accuracy equal scikit-learn to 1e-12 (continuous, tied, zero and negative weights, tiny)', () => {
  const data = CASES.map(([label, n, opts], k) => ({ label, ...sample(n, 100 + k, opts) }));
  const inputs: Record<string, Float64Array> = {};
  data.forEach((d, k) => Object.assign(inputs, { [`s${k}`]: d.s, [`y${k}`]: d.y, [`w${k}`]: d.w }));
  const outputs = data.flatMap((_, k) => [`auc${k}`, `fpr${k}`, `tpr${k}`, `thr${k}`, `acc${k}`]);
  // one Python process for every case: importing sklearn dominates the time
  const py = runPython(
    `from sklearn.metrics import roc_auc_score, roc_curve, accuracy_score
for k in range(${data.length}):
    y = load(f'y{k}'); s = load(f's{k}'); w = load(f'w{k}')
    save(f'auc{k}', [roc_auc_score(y, s), roc_auc_score(y, s, sample_weight=w)])
    f, t, th = roc_curve(y, s, sample_weight=w)
    save(f'fpr{k}', f); save(f'tpr{k}', t); save(f'thr{k}', th)
    pred = (s >= 0.5).astype(float)
    save(f'acc{k}', [accuracy_score(y, pred), accuracy_score(y, pred, sample_weight=w)])`,
    inputs,
    outputs,
  );
  data.forEach(({ label, s, y, w }, k) => {
    const auc = py[`auc${k}`];
    assert.ok(Math.abs(rocAuc(s, y) - auc[0]) < 1e-12, `${label}: ${rocAuc(s, y)} vs ${auc[0]}`);
    assert.ok(Math.abs(rocAuc(s, y, w) - auc[1]) < 1e-12, `${label}: ${rocAuc(s, y, w)} vs ${auc[1]}`);
    const c = rocCurve(s, y, w, { dropIntermediate: true });
    const [fpr, tpr, thr] = [py[`fpr${k}`], py[`tpr${k}`], py[`thr${k}`]];
    assert.equal(c.fpr.length, fpr.length, label);
    for (let i = 0; i < c.fpr.length; i++) {
      assert.ok(Math.abs(c.fpr[i] - fpr[i]) < 1e-12 && Math.abs(c.tpr[i] - tpr[i]) < 1e-12, `${label}: point ${i}`);
      assert.ok(c.thresholds[i] === thr[i], `${label}: threshold ${i}`);
    }
    assert.ok(Math.abs(accuracy(s, y, 0.5) - py[`acc${k}`][0]) < 1e-12, label);
    assert.ok(Math.abs(accuracy(s, y, 0.5, w) - py[`acc${k}`][1]) < 1e-12, label);
  });
});

test('the radix argsort (large inputs) agrees with the comparator sort (small inputs) and puts NaN last', () => {
  const rng = new Rng(3n);
  const v = Float64Array.from({ length: 10000 }, () => (rng.uniform() < 0.01 ? NaN : Math.round(rng.normal() * 100) / 10));
  v[5] = -0;
  v[6] = Infinity;
  v[7] = -Infinity;
  const big = argsortDescending(v);
  const expect = Array.from(v.keys()).sort((a, b) => {
    const x = Number.isNaN(v[a]) ? -Infinity : v[a];
    const z = Number.isNaN(v[b]) ? -Infinity : v[b];
    return z - x || (Number.isNaN(v[a]) ? 1 : 0) - (Number.isNaN(v[b]) ? 1 : 0) || a - b;
  });
  assert.deepEqual(Array.from(big), expect);
  const small = argsortDescending(v.subarray(0, 1000));
  assert.deepEqual(Array.from(small), expect.filter((i) => i < 1000));
});

test('rejection interpolates ε_B linearly in ε_S and flags a lower bound when ε_B = 0', () => {
  // scores: signal 4, 3, 2, 1 ; background 2.5, 0.5
  const s = [4, 3, 2.5, 2, 1, 0.5];
  const y = [1, 1, 0, 1, 1, 0];
  const roc = rocCurve(s, y);
  // ε_S = 0.75 is reached at score 2 with ε_B = 0.5; the point before (score 2.5) has ε_S 0.5, ε_B 0.5
  const r75 = rejectionAt(roc, 0.75);
  assert.equal(r75.backgroundEfficiency, 0.5);
  assert.equal(r75.value, 2);
  assert.equal(r75.threshold, 2);
  // ε_S = 0.5 at score 3 with ε_B = 0: rejection ≥ 1 / 0.5 (next point with background)
  const r50 = rejectionAt(roc, 0.5);
  assert.equal(r50.backgroundEfficiency, 0);
  assert.ok(r50.lowerBound);
  assert.equal(r50.value, 2);
  // a sloped segment: one background row shares the score of two signal rows, so the point (ε_S, ε_B) jumps
  // from (0.25, 0) to (0.75, 1); ε_S = 0.5 lies halfway, so ε_B = 0.5
  const roc2 = rocCurve([3, 2, 2, 2, 1], [1, 1, 1, 0, 1]);
  const r = rejectionAt(roc2, 0.5);
  assert.equal(r.backgroundEfficiency, 0.5);
  assert.equal(r.value, 2);
  assert.ok(!r.lowerBound);
  // no background at all: undefined
  assert.ok(Number.isNaN(rejectionAt(rocCurve([1, 2], [1, 1]), 0.5).value));
});
