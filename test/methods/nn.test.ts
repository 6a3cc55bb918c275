import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Dataset, DatasetArrays } from '../../core/datasets/types';
import { rocAuc } from '../../core/metrics/roc';
import type { TrainContext } from '../../core/methods/types';
import { forward, initialParams, paramShapes } from '../../core/methods/nn/architecture';
import { lossAndGrads } from '../../core/methods/nn/backprop';
import { initNnBackend, tf } from '../../core/methods/nn/backend';
import { loadNetwork, type SavedNetwork, trainNetwork } from '../../core/methods/nn';
import { buildArchitecture, type CnnSettings, type MlpSettings, parseSettings, type PfnSettings } from '../../core/methods/nn/settings';
import { HmlError } from '../../core/util/errors';
import { Rng } from '../../core/util/random';
import { syntheticDataset } from './nn-data';

const tmp = mkdtempSync(join(tmpdir(), 'hml-nn-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const setData = syntheticDataset('set', { train: 3000, validation: 600, test: 1000 }, [6], 1, 0.8);
const imgData = syntheticDataset('image', { train: 400, validation: 100, test: 200 }, [12, 12, 1], 2, 0.4);
const cloudData = syntheticDataset('cloud', { train: 800, validation: 200, test: 300 }, [10, 3], 3, 0.6);

function ctx(extra: Partial<TrainContext> = {}): TrainContext {
  return { seed: 42n, ...extra };
}

function weightsOf(saved: SavedNetwork): string[] {
  return saved.weights.map((w) => w.data);
}

describe('networks train, predict and save', () => {
  before(async () => {
    await initNnBackend('wasm');
  });

  it('mlp learns a separable set dataset and reports per-epoch loss, val_loss, val_auc', async () => {
    const metrics: [string, number, number | undefined][] = [];
    const progress: number[] = [];
    const r = await trainNetwork('mlp', setData, { layers: [16, 16], epochs: 4, batch_size: 128, dropout: 0.1 }, ctx({
      onMetric: (name, value, epoch) => metrics.push([name, value, epoch]),
      onProgress: (done, total, unit) => { assert.equal(unit, 'epoch'); assert.equal(total, 4); progress.push(done); },
    }));
    assert.equal(r.backend, 'tfjs-wasm+simd');
    assert.deepEqual(progress, [1, 2, 3, 4]);
    assert.deepEqual(metrics.filter((m) => m[2] === 2).map((m) => m[0]), ['loss', 'val_loss', 'val_auc']);
    assert.equal(r.curves.length, 4);
    assert.ok((r.curves[3].loss as number) < (r.curves[0].loss as number), 'training loss falls');
    const auc = rocAuc(r.model.predict(setData.test), setData.test.labels);
    assert.ok(auc > 0.8, `test AUC ${auc}`);
    const scores = r.model.predict(setData.test);
    assert.ok(scores.every((s) => s >= 0 && s <= 1));
  });

  it('same seed gives identical weights; another seed gives different ones', async () => {
    const s = { layers: [8], epochs: 2, batch_size: 256, dropout: 0.2 };
    const a = await trainNetwork('mlp', setData, s, ctx());
    const b = await trainNetwork('mlp', setData, s, ctx());
    const c = await trainNetwork('mlp', setData, s, ctx({ seed: 7n }));
    assert.deepEqual(weightsOf(a.model.toJSON() as SavedNetwork), weightsOf(b.model.toJSON() as SavedNetwork));
    assert.deepEqual(a.curves, b.curves);
    assert.notDeepEqual(weightsOf(a.model.toJSON() as SavedNetwork), weightsOf(c.model.toJSON() as SavedNetwork));
  });

  it('a training stopped after epoch 2 resumes from its checkpoint to the same final weights', async () => {
    const s = { layers: [8, 8], epochs: 5, batch_size: 200, dropout: 0.1, early_stopping: false };
    const full = await trainNetwork('mlp', setData, s, ctx({ checkpointDir: join(tmp, 'full') }));
    const dir = join(tmp, 'resumed');
    const abort = new AbortController();
    await assert.rejects(
      trainNetwork('mlp', setData, s, ctx({ checkpointDir: dir, signal: abort.signal, onProgress: (done) => { if (done === 2) abort.abort(); } })),
      (e: unknown) => e instanceof HmlError && e.code === 'cancelled' && e.exitCode === 130,
    );
    const epochsRun: number[] = [];
    const resumed = await trainNetwork('mlp', setData, s, ctx({ checkpointDir: dir, onProgress: (done) => epochsRun.push(done) }));
    assert.deepEqual(epochsRun, [3, 4, 5], 'only the missing epochs run');
    assert.deepEqual(weightsOf(resumed.model.toJSON() as SavedNetwork), weightsOf(full.model.toJSON() as SavedNetwork));
    assert.deepEqual(resumed.curves, full.curves);
  });

  it('a checkpoint from other settings is not reused', async () => {
    const dir = join(tmp, 'other');
    await trainNetwork('mlp', setData, { layers: [4], epochs: 1 }, ctx({ checkpointDir: dir }));
    const seen: number[] = [];
    await trainNetwork('mlp', setData, { layers: [5], epochs: 1 }, ctx({ checkpointDir: dir, onProgress: (d) => seen.push(d) }));
    assert.deepEqual(seen, [1]);
  });

  it('early stopping stops when the validation loss stops improving', async () => {
    const r = await trainNetwork('mlp', setData, { layers: [32], epochs: 60, learning_rate: 0.05, patience: 2 }, ctx());
    assert.ok(r.curves.length < 60, `stopped after ${r.curves.length} epochs`);
  });

  it('balanced class weights pull the mean score of a 1:4 dataset towards 0.5', async () => {
    const keep: number[] = [];
    for (let i = 0; i < setData.train.n; i++) if (setData.train.labels[i] === 0 || i % 8 === 1) keep.push(i);
    const t = setData.train;
    const sub = (a: DatasetArrays): DatasetArrays => ({
      n: keep.length, labels: Int8Array.from(keep, (i) => a.labels[i]), weights: Float64Array.from(keep, (i) => a.weights[i]),
      sample: Int16Array.from(keep, (i) => a.sample[i]), features: Float32Array.from(keep.flatMap((i) => Array.from(a.features!.subarray(i * 6, i * 6 + 6)))),
    });
    const imbalanced: Dataset = { ...setData, train: sub(t), validation: undefined };
    const mean = (a: Float32Array): number => a.reduce((x, y) => x + y, 0) / a.length;
    const plain = await trainNetwork('mlp', imbalanced, { layers: [8], epochs: 10, batch_size: 256, learning_rate: 0.02 }, ctx());
    const balanced = await trainNetwork('mlp', imbalanced, { layers: [8], epochs: 10, batch_size: 256, learning_rate: 0.02, class_weight: 'balanced' }, ctx());
    const mPlain = mean(plain.model.predict(imbalanced.train)), mBal = mean(balanced.model.predict(imbalanced.train));
    assert.ok(mPlain < 0.3 && mBal > 0.35, `mean score ${mPlain} unweighted, ${mBal} balanced`);
  });

  it('saved JSON round-trips to identical predictions', async () => {
    const r = await trainNetwork('mlp', setData, { layers: [8], epochs: 1, scaling: 'minmax' }, ctx());
    const json = JSON.parse(JSON.stringify(r.model.toJSON())) as SavedNetwork;
    assert.equal(json.type, 'mlp');
    assert.equal(json.version, 1);
    assert.equal(json.score, 'sigmoid(logit)');
    assert.deepEqual(json.weights.map((w) => w.shape), [[6, 8], [8], [8, 1], [1]]);
    const loaded = await loadNetwork(json);
    assert.deepEqual(loaded.predict(setData.test), r.model.predict(setData.test));
  });

  it('missing values get the fill value fitted on train (below the minimum) and it is saved', async () => {
    const f = Float32Array.from(setData.train.features!);
    for (let i = 0; i < setData.train.n; i += 3) f[i * 6 + 1] = NaN;
    const withNaN: Dataset = { ...setData, train: { ...setData.train, features: f } };
    const r = await trainNetwork('mlp', withNaN, { layers: [8], epochs: 1 }, ctx());
    const saved = r.model.toJSON() as SavedNetwork;
    let min = Infinity;
    for (let i = 0; i < setData.train.n; i++) if (!Number.isNaN(f[i * 6 + 1])) min = Math.min(min, f[i * 6 + 1]);
    assert.ok(saved.preprocessing.fill[1] < min, `fill ${saved.preprocessing.fill[1]} below min ${min}`);
    const test = Float32Array.from(setData.test.features!);
    test[1] = NaN;
    const scores = r.model.predict({ ...setData.test, features: test });
    assert.ok(scores.every(Number.isFinite));
  });

  it('cnn (SimpleCNN) learns an image dataset', async () => {
    const r = await trainNetwork('cnn', imgData, { epochs: 4, batch_size: 64, learning_rate: 0.01 }, ctx());
    const saved = r.model.toJSON() as SavedNetwork;
    assert.deepEqual(saved.architecture.layers.map((l) => l.kind), ['conv2d', 'maxpool2d', 'conv2d', 'maxpool2d', 'conv2d', 'global-avg-pool', 'dense', 'dense']);
    assert.deepEqual(saved.weights[0].shape, [3, 3, 1, 8]);
    const auc = rocAuc(r.model.predict(imgData.test), imgData.test.labels);
    assert.ok(auc > 0.75, `test AUC ${auc}`);
  });

  it('pfn learns a cloud dataset and ignores padded particles', async () => {
    const r = await trainNetwork('pfn', cloudData, { phi: [16, 16], f: [16], epochs: 4, batch_size: 64 }, ctx());
    const auc = rocAuc(r.model.predict(cloudData.test), cloudData.test.labels);
    assert.ok(auc > 0.75, `test AUC ${auc}`);
    const t = cloudData.test;
    const junk = Float32Array.from(t.cloud!);
    for (let p = 0; p < t.mask!.length; p++) if (!t.mask![p]) for (let j = 0; j < 3; j++) junk[p * 3 + j] = 1e3 * (j + 1);
    assert.deepEqual(r.model.predict({ ...t, cloud: junk }), r.model.predict(t));
  });
});

describe('backends', () => {
  it('training frees every tensor it allocates (no wasm heap growth from run to run)', async () => {
    await initNnBackend('wasm');
    const be = tf.backend() as unknown as { numDataIds(): number };
    const before = be.numDataIds();
    const r = await trainNetwork('pfn', cloudData, { phi: [8], f: [8], epochs: 1, dropout: 0.2 }, ctx());
    r.model.predict(cloudData.test);
    assert.equal(be.numDataIds(), before);
  });

  it('asking for tfjs-node when it is not installed is a clear error', async (t) => {
    let installed = true;
    try {
      await import(['@tensorflow', 'tfjs-node'].join('/'));
    } catch {
      installed = false;
    }
    if (installed) return t.skip('tfjs-node is installed here');
    await assert.rejects(initNnBackend('node'), (e: unknown) => e instanceof HmlError && e.code === 'nn-backend' && /HML_NN_BACKEND=auto/.test(e.message));
    assert.equal((await initNnBackend('auto')).name, 'tfjs-wasm+simd');
  });
});

describe('settings as the analysis schema spells them', () => {
  it('scale, early_stopping (patience, 0 = off), kernel, pool 1 and the schema defaults', () => {
    const m = parseSettings('mlp', { scale: 'minmax', early_stopping: 3 });
    assert.equal(m.scaling, 'minmax');
    assert.equal(m.patience, 3);
    assert.equal(parseSettings('mlp', { early_stopping: 0 }).patience, 0);
    const d = parseSettings('mlp', {}) as MlpSettings;
    assert.deepEqual([d.epochs, d.batchSize, d.learningRate, d.patience, d.layers, d.scaling], [20, 128, 0.001, 0, [32, 32], 'standard']);
    const c = parseSettings('cnn', { kernel: 5, pool: 1 }) as CnnSettings;
    assert.deepEqual([c.kernelSize, c.filters, c.dense, c.scaling], [5, [8, 16, 32], [64], 'none']);
    assert.ok(!buildArchitecture('cnn', c, [12, 12, 1]).layers.some((l) => l.kind === 'maxpool2d'));
    const p = parseSettings('pfn', {}) as PfnSettings;
    assert.deepEqual([p.phi, p.f], [[100, 100, 128], [100, 100]]);
  });
});

describe('bad settings fail before training', () => {
  const never = (): void => assert.fail('training started');
  const cases: [string, () => Promise<unknown>, string][] = [
    ['cnn on a set dataset', () => trainNetwork('cnn', setData, {}, ctx({ onProgress: never })), 'method-dataset-kind'],
    ['pfn on an image dataset', () => trainNetwork('pfn', imgData, {}, ctx({ onProgress: never })), 'method-dataset-kind'],
    ['zero epochs', () => trainNetwork('mlp', setData, { epochs: 0 }, ctx({ onProgress: never })), 'method-setting'],
    ['a negative learning rate', () => trainNetwork('mlp', setData, { learning_rate: -1 }, ctx({ onProgress: never })), 'method-setting'],
    ['an unknown activation', () => trainNetwork('mlp', setData, { activation: 'swish' }, ctx({ onProgress: never })), 'method-setting'],
    ['a one-class dataset', () => trainNetwork('mlp', { ...setData, train: { ...setData.train, labels: new Int8Array(setData.train.n) } }, {}, ctx({ onProgress: never })), 'dataset-one-class'],
    ['too many poolings for the image', () => trainNetwork('cnn', imgData, { filters: [4, 4, 4, 4, 4, 4] }, ctx({ onProgress: never })), 'method-setting'],
  ];
  for (const [name, run, code] of cases) {
    it(name, async () => {
      await assert.rejects(run, (e: unknown) => {
        assert.ok(e instanceof HmlError, String(e));
        assert.equal(e.code, code, e.message);
        return true;
      });
    });
  }
  it('zero epochs names the key and the allowed values', async () => {
    await assert.rejects(trainNetwork('mlp', setData, { epochs: 0 }, ctx()), /'epochs'.*integer/);
  });
});

describe('the hand-written backward pass equals tf.grads of the forward pass', () => {
  after(() => initNnBackend('wasm'));
  for (const c of [
    ['mlp', setData, { layers: [12, 8], activation: 'tanh' }],
    ['mlp', setData, { layers: [12, 8], activation: 'elu' }],
    ['mlp', setData, { layers: [12, 8], activation: 'sigmoid' }],
    ['mlp', setData, { layers: [12, 8], activation: 'selu' }],
    ['mlp', setData, { layers: [12, 8], activation: 'relu' }],
    ['cnn', imgData, { filters: [4, 8], dense: [6] }],
    ['pfn', cloudData, { phi: [8, 8], f: [8] }],
    ['mlp', setData, { layers: [12, 8], activation: 'relu', dropout: 0 }, 'cpu'],
    ['cnn', imgData, { filters: [4, 8], dense: [6] }, 'cpu'],
    ['pfn', cloudData, { phi: [8, 8], f: [8] }, 'cpu'],
  ] as const) {
    const [type, data, settings] = c;
    const backend = (c.length > 3 ? c[3] : 'wasm') as 'wasm' | 'cpu';
    it(`${type} ${JSON.stringify(settings)} on ${backend}`, async () => {
      await initNnBackend(backend);
      const arch = buildArchitecture(type, parseSettings(type, settings), data.rowShape);
      const shapes = paramShapes(arch);
      const init = initialParams(arch, new Rng(3n));
      const params = init.map((p, i) => tf.tensor(p, shapes[i]));
      const n = 20;
      const d: DatasetArrays = data.train;
      const per = data.rowShape.reduce((a, b) => a * b, 1);
      const raw = (type === 'mlp' ? d.features : type === 'cnn' ? d.images : d.cloud)!.subarray(0, n * per);
      const x = tf.tensor(raw, [n, ...data.rowShape]);
      const mask = d.mask ? tf.tensor2d(Float32Array.from(d.mask.subarray(0, n * data.rowShape[0])), [n, data.rowShape[0]]) : undefined;
      const y = Float32Array.from(d.labels.subarray(0, n));
      const w = new Float32Array(n).map((_, i) => 0.5 + (i % 3));
      const ours = lossAndGrads(arch, init, shapes, { x: raw, n, y, w, mask: d.mask ? Float32Array.from(d.mask.subarray(0, n * data.rowShape[0])) : undefined, dropoutMasks: [] }).grads;
      const yt = tf.tensor2d(y, [n, 1]), wt = tf.tensor2d(w, [n, 1]);
      const ref = tf.tidy(() => tf.grads((...ps: tf.Tensor[]) => {
        const z = forward(arch, ps, x, { mask });
        return tf.div(tf.sum(tf.mul(wt, tf.sub(tf.softplus(z), tf.mul(yt, z)))), n) as tf.Scalar;
      })(params).map((g) => Float32Array.from(g.dataSync() as Float32Array)));
      assert.equal(ours.length, ref.length);
      for (let k = 0; k < ref.length; k++) {
        const scale = Math.max(1e-3, ...Array.from(ref[k], Math.abs));
        for (let i = 0; i < ref[k].length; i++) assert.ok(Math.abs(ours[k][i] - ref[k][i]) <= 1e-4 * scale, `param ${k}[${i}]: ${ours[k][i]} vs ${ref[k][i]}`);
      }
    });
  }
});

describe('saved networks mean the same in PyTorch (peer: Debian python3-torch)', () => {
  it('mlp, cnn and pfn weights, layouts and preprocessing reproduce our scores in torch', async () => {
    const nets = [
      { data: setData, r: await trainNetwork('mlp', setData, { layers: [8, 8], epochs: 1, fill: 'mean' }, ctx()) },
      { data: imgData, r: await trainNetwork('cnn', imgData, { filters: [4, 8], dense: [8], epochs: 1, scaling: 'standard' }, ctx()) },
      { data: cloudData, r: await trainNetwork('pfn', cloudData, { phi: [8, 8], f: [8], epochs: 1 }, ctx()) },
    ];
    const spec = nets.map(({ data, r }, i) => {
      const t = data.test;
      const x = join(tmp, `peer-x${i}.f32`);
      writeFileSync(x, (t.features ?? t.images ?? t.cloud)!);
      let mask: string | undefined;
      if (t.mask) writeFileSync((mask = join(tmp, `peer-m${i}.f32`)), Float32Array.from(t.mask));
      return { saved: r.model.toJSON(), n: t.n, x, mask, expected: Array.from(r.model.predict(t)) };
    });
    const specPath = join(tmp, 'peer.json');
    writeFileSync(specPath, JSON.stringify(spec));
    const p = spawnSync('/usr/bin/python3', [join(import.meta.dirname, 'nn_torch_peer.py'), specPath], { encoding: 'utf8' });
    assert.equal(p.status, 0, p.stderr);
    const maxDiff = JSON.parse(p.stdout) as number[];
    for (const d of maxDiff) assert.ok(d < 1e-5, `max |score diff| ${d}`);
  });
});
