import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asimovSignificance, buildMethodResult, simpleSignificance, yieldWeights, decimateRoc, rocCurve, scoreHistograms } from '../../core/metrics';
import { Rng } from '../../core/util/random';

test('significance formulas: s/√(s+b), Asimov Z and its background-uncertainty form (Cowan et al. 2011)', () => {
  assert.equal(simpleSignificance(10, 90), 1);
  // Z_A = √(2((s+b)ln(1+s/b) − s)) for s = 10, b = 100
  const za = Math.sqrt(2 * (110 * Math.log(1.1) - 10));
  assert.ok(Math.abs(asimovSignificance(10, 100) - za) < 1e-14);
  // s ≪ b: Z_A → s/√b
  assert.ok(Math.abs(asimovSignificance(1, 1e6) - 1e-3) < 1e-8);
  // a vanishing uncertainty gives back the plain Asimov Z; a larger one lowers Z
  assert.ok(Math.abs(asimovSignificance(10, 100, 1e-7) - za) < 1e-5);
  const z10 = asimovSignificance(10, 100, 0.1);
  assert.ok(z10 < za && z10 > 0);
  // large σ_b: the Cowan formula tends to s/√(b + σ_b²) for s ≪ b
  const s = 1, b = 1e4, rel = 0.01;
  assert.ok(Math.abs(asimovSignificance(s, b, rel) - s / Math.sqrt(b + (rel * b) ** 2)) < 1e-4);
  assert.ok(Number.isNaN(asimovSignificance(1, 0)));
});

test('yields: 1000 · L · σ · ε_presel · ε(t) with cross sections, weighted counts × 1000 L without', () => {
  const labels = [1, 1, 0, 0, 0];
  const weights = [2, 2, 1, 1, 2];
  const sample = [0, 0, 1, 1, 2];
  const xs = yieldWeights(labels, weights, sample, { luminosity: 3, crossSections: [0.5, 10, 20], preselectionEfficiencies: [0.1, 1, 0.5] });
  assert.equal(xs.mode, 'cross-section');
  // sample 0: 1000 · 3 fb⁻¹ · 0.5 pb · 0.1 = 150 events shared by its two rows
  assert.deepEqual(Array.from(xs.w), [75, 75, 15000, 15000, 30000]);
  const counts = yieldWeights(labels, weights, sample, { luminosity: 3 });
  assert.equal(counts.mode, 'weighted-counts');
  assert.deepEqual(Array.from(counts.w), [6000, 6000, 3000, 3000, 6000]);
  assert.deepEqual(Array.from(yieldWeights(labels, weights, sample, {}).w), weights);
});

function split(n: number, seed: number, scale = 1) {
  const rng = new Rng(BigInt(seed));
  const scores = new Float32Array(n);
  const labels = new Int8Array(n);
  const weights = new Float64Array(n);
  const sample = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const y = rng.uniform() < 0.3 ? 1 : 0;
    labels[i] = y;
    scores[i] = 1 / (1 + Math.exp(-(rng.normal() * 1.2 + (y ? 1.5 : -1))));
    weights[i] = (y ? 0.001 : 0.05) * scale * (0.5 + rng.uniform());
    sample[i] = y ? 0 : 1;
  }
  return { scores, labels, weights, sample };
}

test('buildMethodResult: threshold chosen on validation with ≥ 10 background events, MC stat of b, bootstrap, JSON-safe', () => {
  const input = {
    name: 'bdt',
    type: 'gbdt' as const,
    dataset: 'toy',
    sampleNames: ['sig', 'bkg'],
    train: split(5000, 1),
    validation: split(3000, 2),
    test: split(4000, 3),
    options: { luminosity: 10, bootstrap: 30, seed: 5, signalEfficiencies: [0.5, 0.3] },
  };
  const r = buildMethodResult(input);
  const get = (name: string) => r.metrics.find((m) => m.name === name)!;
  const auc = get('auc');
  assert.ok(auc.value! > 0.85 && auc.value! < 1);
  assert.ok(auc.uncertainty! > 0 && auc.uncertainty! < 0.02);
  assert.ok(get('rejection@0.5').value! > 1 && get('rejection@0.5').uncertainty! > 0);
  const z = get('significance');
  assert.equal(z.params!.chosen_on, 'validation');
  const thr = z.params!.threshold as number;
  assert.equal(r.significance!.best!.threshold, thr);
  // the chosen threshold keeps at least 10 background events on validation
  const v = input.validation;
  let nb = 0;
  for (let i = 0; i < v.scores.length; i++) if (v.labels[i] === 0 && v.scores[i] >= thr) nb++;
  assert.ok(nb >= 10);
  // s, b and Z at that threshold on test, in weighted counts × 1000 L
  let s = 0, b = 0, b2 = 0;
  const t = input.test;
  for (let i = 0; i < t.scores.length; i++) {
    if (t.scores[i] < thr) continue;
    const w = t.weights[i] * 10000;
    if (t.labels[i] === 1) s += w;
    else {
      b += w;
      b2 += w * w;
    }
  }
  assert.ok(Math.abs((z.params!.s as number) - s) < 1e-9 * s);
  assert.ok(Math.abs((z.params!.b_mc_stat as number) - Math.sqrt(b2)) < 1e-9 * Math.sqrt(b2));
  assert.ok(Math.abs(z.value! - s / Math.sqrt(s + b)) < 1e-9);
  assert.ok(z.uncertainty! > 0);
  assert.ok(r.workingPoints.some((w) => w.label === 'max_significance') && r.workingPoints.some((w) => w.label === 'rejection@0.5'));
  assert.ok(r.roc.decimated.tpr.length <= 520 && r.roc.decimated.tpr.length > 10);
  // same seed → same numbers (bootstrap included); JSON round trip keeps everything (no NaN/Infinity)
  assert.deepEqual(buildMethodResult(input), r);
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
  // without validation: flagged
  const r2 = buildMethodResult({ ...input, validation: undefined });
  assert.ok(r2.metrics.find((m) => m.name === 'significance')!.flags!.includes('threshold-on-test'));
  // a tight background requirement that no threshold meets: null with a flag
  const r3 = buildMethodResult({ ...input, options: { ...input.options, minBackgroundEvents: 1e9 } });
  const z3 = r3.metrics.find((m) => m.name === 'significance')!;
  assert.equal(z3.value, null);
  assert.ok(z3.flags!.includes('too-few-background-events'));
});

test('score histograms share binning and have unit area; ROC decimation keeps ends and shape', () => {
  const a = split(2000, 7);
  const b = split(2000, 8);
  const h = scoreHistograms(a, b, 20);
  assert.equal(h.edges.length, 21);
  assert.equal(h.edges[0], 0);
  assert.equal(h.edges[20], 1);
  const area = (v: number[]) => v.reduce((x, y) => x + y, 0) * (1 / 20);
  for (const v of [h.train.signal, h.train.background, h.test.signal, h.test.background]) assert.ok(Math.abs(area(v) - 1) < 1e-12);
  const big = split(50000, 9);
  const roc = rocCurve(big.scores, big.labels);
  const d = decimateRoc(roc, 500);
  assert.ok(d.tpr.length <= 520 && d.tpr.length >= 200, `${d.tpr.length}`);
  assert.equal(d.tpr[0], 0);
  assert.equal(d.tpr[d.tpr.length - 1], 1);
  // every original point lies close to the decimated polyline (distance to its nearest segment)
  let worst = 0;
  for (let i = 0; i < roc.fpr.length; i += 97) {
    const px = roc.fpr[i];
    const py = roc.tpr[i];
    let best = Infinity;
    for (let j = 0; j + 1 < d.fpr.length; j++) {
      const ax = d.fpr[j], ay = d.tpr[j], bx = d.fpr[j + 1], by = d.tpr[j + 1];
      const L2 = (bx - ax) ** 2 + (by - ay) ** 2;
      const t = L2 > 0 ? Math.min(1, Math.max(0, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / L2)) : 0;
      best = Math.min(best, Math.hypot(px - ax - t * (bx - ax), py - ay - t * (by - ay)));
    }
    worst = Math.max(worst, best);
  }
  assert.ok(worst < 0.003, `max deviation ${worst}`);
});
