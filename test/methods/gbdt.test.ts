import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadGbdtModel, trainGbdt, type GbdtModel } from '../../core/methods/gbdt';
import { rocAuc } from '../../core/metrics/roc';
import { HmlError } from '../../core/util/errors';
import { runPython } from '../metrics/python-peer';
import { gaussianRow, makeArrays, makeDataset } from './gbdt-data';

const names = ['a', 'b', 'c', 'd', 'e'];
const units = ['GeV', '1', 'rad', 'GeV', 'GeV'];

test('gbdt reaches the AUC of XGBoost hist on the same data and hyper-parameters', async () => {
  const train = makeArrays(20000, 5, 1, gaussianRow(0.05));
  const testSplit = makeArrays(10000, 5, 2, gaussianRow(0.05));
  const ds = makeDataset('toy', names, units, train, testSplit);
  const { model } = await trainGbdt(ds, { trees: 50, maxDepth: 3, learningRate: 0.3 }, { seed: 7n });
  const ours = rocAuc(model.predict(testSplit), testSplit.labels);
  const py = runPython(
    `import xgboost as xgb
xtr = load('xtr').reshape(-1, 5); ytr = load('ytr'); xte = load('xte').reshape(-1, 5)
p = dict(objective='binary:logistic', tree_method='hist', max_depth=3, eta=0.3, reg_lambda=1.0, min_child_weight=1.0, max_bin=256, nthread=2)
bst = xgb.train(p, xgb.DMatrix(xtr, label=ytr, missing=np.nan), num_boost_round=50)
save('p', bst.predict(xgb.DMatrix(xte, missing=np.nan)))`,
    { xtr: train.features!, ytr: train.labels, xte: testSplit.features! },
    ['p'],
  );
  const theirs = rocAuc(py.p, testSplit.labels);
  assert.ok(ours > 0.7, `AUC ${ours}`);
  assert.ok(Math.abs(ours - theirs) < 0.005, `ours ${ours} vs xgboost ${theirs}`);
});

test('same seed gives a byte-identical model, also with row and feature subsampling', async () => {
  const ds = makeDataset('toy', names, units, makeArrays(3000, 5, 3, gaussianRow(0.1)), makeArrays(500, 5, 4, gaussianRow(0.1)));
  const settings = { trees: 20, maxDepth: 4, subsample: 0.7, colsampleBytree: 0.6 };
  const a = await trainGbdt(ds, settings, { seed: 11n, threads: 1 });
  const b = await trainGbdt(ds, settings, { seed: 11n, threads: 2 });
  const c = await trainGbdt(ds, settings, { seed: 12n });
  assert.equal(JSON.stringify(a.model.toJSON()), JSON.stringify(b.model.toJSON()));
  assert.notEqual(JSON.stringify(a.model.toJSON()), JSON.stringify(c.model.toJSON()));
});

test('worker threads change nothing: 1, 2 and 3 threads give the same model (binning, histograms, partitions, gradients, margins, subsampling)', async () => {
  // ≥ 32,768 rows, so that the engine really starts workers and splits rows into several chunks
  const train = makeArrays(40000, 5, 21, gaussianRow(0.05));
  const ds = makeDataset('toy', names, units, train, train);
  // depth 7: levels of up to 64 nodes, split in several batches of pieces (threads.ts splitNodes)
  for (const settings of [{ trees: 6, maxDepth: 3 }, { trees: 2, maxDepth: 7 }, { trees: 4, maxDepth: 4, subsample: 0.8, growth: 'lossguide' as const, maxLeaves: 9 }]) {
    const models: string[] = [];
    for (const threads of [1, 2, 3]) {
      const r = await trainGbdt(ds, settings, { seed: 5n, threads });
      assert.equal(r.backend, `native (${threads} thread${threads > 1 ? 's' : ''})`, 'the workers really ran');
      models.push(JSON.stringify(r.model.toJSON()));
    }
    assert.equal(models[1], models[0]);
    assert.equal(models[2], models[0]);
  }
});

test('saved JSON loads back to a model with identical predictions and tree export', async () => {
  const train = makeArrays(3000, 5, 5, gaussianRow(0.1));
  const ds = makeDataset('toy', names, units, train, train);
  const { model, importances } = await trainGbdt(ds, { trees: 15, maxDepth: 3 }, { seed: 1n });
  const json = JSON.parse(JSON.stringify(model.toJSON()));
  const back = loadGbdtModel(json);
  assert.deepEqual(Array.from(back.predict(train)), Array.from(model.predict(train)));
  assert.ok(importances && Object.keys(importances).length === 5 && importances.a > 0);
  // The ONNX-shaped export evaluates to the same margins (x ≤ value goes to the true node; NaN follows missingTracksTrue).
  const e = (model as GbdtModel).toTreeEnsemble();
  const margins = (model as GbdtModel).margins(train.features!, train.n);
  const nodeAt = new Map<string, number>();
  e.nodes.treeIds.forEach((t, i) => nodeAt.set(`${t}:${e.nodes.nodeIds[i]}`, i));
  const leafWeight = new Map<string, number>();
  e.targets.treeIds.forEach((t, i) => leafWeight.set(`${t}:${e.targets.nodeIds[i]}`, e.targets.weights[i]));
  for (let r = 0; r < 200; r++) {
    let m = e.baseMargin;
    for (let t = 0; t < (model as GbdtModel).trees.length; t++) {
      let i = nodeAt.get(`${t}:0`)!;
      while (e.nodes.modes[i] === 'BRANCH_LEQ') {
        const x = Math.fround(train.features![r * 5 + e.nodes.featureIds[i]]);
        const goTrue = x <= Math.fround(e.nodes.values[i]) || (Number.isNaN(x) && e.nodes.missingTracksTrue[i] === 1);
        i = nodeAt.get(`${t}:${goTrue ? e.nodes.trueNodeIds[i] : e.nodes.falseNodeIds[i]}`)!;
      }
      m += leafWeight.get(`${t}:${e.nodes.nodeIds[i]}`)!;
    }
    assert.ok(Math.abs(m - margins[r]) < 1e-12);
  }
});

test('NaN learns a default direction: missing values that mean signal go to the signal side', async () => {
  // feature 0 separates weakly; a missing feature 1 marks signal in 90 % of the cases
  const row = (rng: import('../../core/util/random').Rng, y: number, out: Float32Array): void => {
    out[0] = rng.normal() + (y ? 0.3 : 0);
    out[1] = (y ? rng.uniform() < 0.5 : rng.uniform() < 0.06) ? NaN : rng.normal();
  };
  const train = makeArrays(4000, 2, 9, row);
  const ds = makeDataset('nan', ['x', 'y'], ['1', '1'], train, train);
  const { model } = await trainGbdt(ds, { trees: 10, maxDepth: 2 }, { seed: 1n });
  const root = (model as GbdtModel).trees[0];
  assert.equal(root.feature[0], 1, 'the root splits on the feature whose missingness carries the signal');
  const probe = { ...train, n: 2, features: Float32Array.from([0, NaN, 0, 0]) };
  const [pNaN, pValue] = model.predict(probe);
  assert.ok(pNaN > 0.75 && pValue < 0.5, `NaN row ${pNaN}, value row ${pValue}`);
});

test('early stopping holds out the end of train when there is no validation split, and keeps the best round', async () => {
  const train = makeArrays(3000, 5, 13, gaussianRow());
  const ds = makeDataset('toy', names, units, train, train);
  const r = await trainGbdt(ds, { trees: 400, maxDepth: 6, learningRate: 0.5, earlyStoppingRounds: 5 }, { seed: 1n });
  const kept = (r.model as GbdtModel).trees.length;
  assert.ok(kept < 400 && kept >= 1);
  assert.ok(r.curves.length >= kept + 5 - 1 && r.curves.length < 400);
  const best = Math.min(...r.curves.map((c) => c.val_loss as number));
  assert.equal(r.curves[kept - 1].val_loss, best);
  assert.ok(r.curves.some((c) => typeof c.val_auc === 'number'));
});

test('lossguide growth respects max_leaves', async () => {
  const train = makeArrays(3000, 5, 17, gaussianRow());
  const ds = makeDataset('toy', names, units, train, train);
  const { model } = await trainGbdt(ds, { trees: 5, growth: 'lossguide', maxLeaves: 7, maxDepth: 0 }, { seed: 1n });
  for (const t of (model as GbdtModel).trees) {
    const leaves = Array.from(t.feature).filter((f) => f < 0).length;
    assert.ok(leaves <= 7 && leaves >= 2, `${leaves} leaves`);
  }
});

test('bad settings and datasets fail before training with a clear HmlError', async () => {
  const train = makeArrays(200, 5, 19, gaussianRow());
  const ds = makeDataset('toy', names, units, train, train);
  await assert.rejects(trainGbdt(ds, { trees: 0 }, { seed: 1n }), (e: unknown) => e instanceof HmlError && e.code === 'method-setting' && /trees/.test(e.message));
  await assert.rejects(trainGbdt(ds, { learning_rate: -1 }, { seed: 1n }), (e: unknown) => e instanceof HmlError && /learning_rate/.test(e.message));
  const oneClass = { ...train, labels: new Int8Array(train.n) };
  await assert.rejects(trainGbdt({ ...ds, train: oneClass }, {}, { seed: 1n }), (e: unknown) => e instanceof HmlError && e.code === 'dataset-one-class');
  await assert.rejects(trainGbdt({ ...ds, kind: 'image' }, {}, { seed: 1n }), (e: unknown) => e instanceof HmlError && e.code === 'method-dataset-kind');
});
