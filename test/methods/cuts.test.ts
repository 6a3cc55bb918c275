import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeCut, loadCutAndCountModel, trainCutAndCount, type CutAndCountModel } from '../../core/methods/cut-and-count';
import { rocCurve } from '../../core/metrics';
import { HmlError } from '../../core/util/errors';
import type { Rng } from '../../core/util/random';
import { makeArrays, makeDataset } from './gbdt-data';

// Four features, each built for one cut shape:
//   mass:  signal peaks in 60–100 GeV on a flat background 0–300 GeV     → 'in'
//   pt:    signal harder (exponential tails)                              → 'ge'
//   iso:   signal small, background spread                                → 'le'
//   angle: signal at both ends of [−3, 3], background in the middle       → 'out'
const names = ['fatjet0.mass', 'jet0.pt', 'muon0.iso', 'delta_phi'];
const units = ['GeV', 'GeV', '1', 'rad'];
function row(rng: Rng, y: number, out: Float32Array): void {
  out[0] = y ? 80 + 8 * rng.normal() : 300 * rng.uniform();
  out[1] = y ? 200 + 150 * rng.exponential() : 200 + 60 * rng.exponential();
  out[2] = y ? 0.05 * rng.exponential() : 0.5 * rng.uniform();
  out[3] = y ? (rng.uniform() < 0.5 ? -1 : 1) * (2.2 + 0.5 * rng.uniform()) : 2 * rng.normal() * 0.5;
}

test('finds each of the four cut shapes where the data was built for it, with readable text and units', async () => {
  const train = makeArrays(20000, 4, 1, row, 0.2);
  const ds = makeDataset('cuts', names, units, train, makeArrays(5000, 4, 2, row, 0.2));
  const r = await trainCutAndCount(ds, { bins: 60, topology: 'parallel' }, { seed: 1n });
  const m = r.model as CutAndCountModel;
  const byFeature = new Map(m.cuts.map((c) => [c.feature, c]));
  const mass = byFeature.get('fatjet0.mass')!;
  assert.equal(mass.shape, 'in');
  assert.ok(mass.low! > 50 && mass.low! < 75 && mass.high! > 85 && mass.high! < 110, `${mass.low}–${mass.high}`);
  assert.equal(byFeature.get('jet0.pt')!.shape, 'ge');
  assert.equal(byFeature.get('muon0.iso')!.shape, 'le');
  assert.equal(byFeature.get('delta_phi')!.shape, 'out');
  assert.match(describeCut(mass).text, /^\d+(\.\d+)? GeV ≤ fatjet0\.mass ≤ \d+(\.\d+)? GeV$/);
  assert.match(describeCut(byFeature.get('muon0.iso')!).text, /^muon0\.iso ≤ [\d.]+$/, 'dimensionless: no unit');
  assert.match(describeCut(byFeature.get('delta_phi')!).text, /^delta_phi < -[\d.]+ rad or delta_phi > [\d.]+ rad$/);
  assert.deepEqual(r.cuts, m.describe());
  // graded score: several ROC points, and score 1 (all cuts) is much purer than the inclusive sample
  const scores = m.predict(ds.test);
  const distinct = new Set(scores);
  assert.ok(distinct.size >= 4, `${distinct.size} score values`);
  assert.ok(rocCurve(scores, ds.test.labels).fpr.length >= 5);
  let s1 = 0, b1 = 0;
  for (let i = 0; i < scores.length; i++) {
    if (scores[i] !== 1) continue;
    if (ds.test.labels[i]) s1++;
    else b1++;
  }
  assert.ok(s1 > 10 * b1, `selected ${s1} signal, ${b1} background`);
  // the cut flow curve: one point per cut, background efficiency falling
  assert.equal(r.curves.length, m.cuts.length);
  for (let k = 1; k < r.curves.length; k++) assert.ok((r.curves[k].background_efficiency as number) <= (r.curves[k - 1].background_efficiency as number));
});

test('sequential topology optimises each cut after the previous ones and scores by the cut-flow step', async () => {
  const train = makeArrays(20000, 4, 3, row, 0.2);
  const ds = makeDataset('cuts', names, units, train, train);
  const r = await trainCutAndCount(ds, { topology: 'sequential', bins: 50 }, { seed: 1n });
  const m = r.model as CutAndCountModel;
  assert.equal(m.score, 'cutflow');
  assert.ok(m.cuts.length >= 2);
  assert.equal(m.cuts[0].feature, 'fatjet0.mass');
  // cutflow score: an event failing the first cut scores 0 whatever it does later
  const probe = { ...train, n: 1, features: Float32Array.from([250, 10000, 0, 2.5]) };
  assert.equal(m.predict(probe)[0], 0);
  // the objective grows along the flow
  for (let k = 1; k < r.curves.length; k++) assert.ok((r.curves[k].objective as number) >= (r.curves[k - 1].objective as number) * 0.999);
});

test('NaN fails every cut shape, out included; save/load round trip; objective and shapes settings', async () => {
  const train = makeArrays(8000, 4, 5, row, 0.2);
  const ds = makeDataset('cuts', names, units, train, train);
  const r = await trainCutAndCount(ds, { shapes: ['out'], features: ['delta_phi'], objective: 'asimov' }, { seed: 1n });
  const m = r.model as CutAndCountModel;
  assert.equal(m.cuts.length, 1);
  assert.equal(m.cuts[0].shape, 'out');
  const probe = { ...train, n: 2, features: Float32Array.from([80, 300, 0, NaN, 80, 300, 0, 2.5]) };
  assert.deepEqual(Array.from(m.predict(probe)), [0, 1]);
  const back = loadCutAndCountModel(JSON.parse(JSON.stringify(m.toJSON())));
  assert.deepEqual(Array.from(back.predict(train)), Array.from(m.predict(train)));
  assert.deepEqual(back.describe(), m.describe());
});

test('bad settings fail before training', async () => {
  const train = makeArrays(500, 4, 6, row, 0.2);
  const ds = makeDataset('cuts', names, units, train, train);
  await assert.rejects(trainCutAndCount(ds, { topology: 'diagonal' }, { seed: 1n }), (e: unknown) => e instanceof HmlError && /topology/.test(e.message));
  await assert.rejects(trainCutAndCount(ds, { features: ['nope'] }, { seed: 1n }), (e: unknown) => e instanceof HmlError && /nope/.test(e.message));
  await assert.rejects(trainCutAndCount({ ...ds, kind: 'cloud' }, {}, { seed: 1n }), (e: unknown) => e instanceof HmlError && e.code === 'method-dataset-kind');
  await assert.rejects(trainCutAndCount({ ...ds, train: { ...train, labels: new Int8Array(train.n).fill(1) } }, {}, { seed: 1n }), (e: unknown) => e instanceof HmlError && e.code === 'dataset-one-class');
});
