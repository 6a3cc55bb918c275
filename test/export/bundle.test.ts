import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeBundle, listBundleFiles } from '../../core/export/bundle';
import { checkBundle } from '../../core/export/check';
import { decodeNpy } from '../../core/export/npy';
import { trainNetwork } from '../../core/methods/nn/train';
import type { Dataset } from '../../core/datasets/types';
import type { MethodType, TrainedModel } from '../../core/methods/types';
import { Rng } from '../../core/util/random';
import { syntheticDataset } from '../methods/nn-data';

function withMissing(d: Dataset): Dataset {
  // a missing object in 5 % of the rows of every split (the bundle must document and reproduce NaN handling)
  const rng = new Rng(77);
  for (const split of [d.train, d.validation, d.test]) {
    if (!split?.features) continue;
    for (let i = 0; i < split.n; i++) if (rng.uniform() < 0.05) split.features[i * d.rowShape[0] + rng.int(d.rowShape[0])] = NaN;
  }
  return d;
}

function pythonCheck(path: string): void {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import sys, onnx\nm = onnx.load(sys.argv[1])\nonnx.checker.check_model(m, full_check=True)\nprint(m.ir_version, [(o.domain, o.version) for o in m.opset_import])', path], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

export async function bundleRoundTrip(type: MethodType, model: TrainedModel, dataset: Dataset): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), `hml-bundle-${type}-`));
  const scores = model.predict(dataset.test);
  const sorted = Array.from(scores).sort((a, b) => a - b);
  const thr = sorted[Math.floor(sorted.length / 2)];
  const report = await writeBundle({
    outDir: out,
    analysisName: 'synthetic',
    method: { name: type, type, dataset: dataset.name },
    saved: model.toJSON(),
    model,
    dataset,
    result: {
      name: type, type, dataset: dataset.name, metrics: [], roc: { full: { tpr: [], fpr: [], thresholds: [] }, decimated: { tpr: [], fpr: [], thresholds: [] } },
      scores: { edges: [], train: { signal: [], background: [] }, test: { signal: [], background: [] } }, curves: [],
      workingPoints: [{ threshold: thr, signalEfficiency: 0.7, backgroundEfficiency: 0.3, label: 'median' }],
    },
    features: dataset.featureNames.map((n) => ({ name: n, expression: n, words: `synthetic feature ${n}`, unit: '1' })),
    versions: { engine: 'test', node: process.versions.node },
    seed: 1,
  });
  assert.ok(report.passed, JSON.stringify(report));
  assert.ok(report.maxAbsDiff <= (type === 'gbdt' || type === 'cut-and-count' ? 1e-6 : 1e-5));
  assert.ok(Math.abs(report.auc.onnx - report.auc.native) < 1e-6, `AUC onnx ${report.auc.onnx} native ${report.auc.native}`);
  const cats = report.categories.map((c) => c.name);
  assert.ok(cats.includes('bulk') && cats.includes('tails') && cats.includes('working-points'), cats.join(','));
  pythonCheck(join(out, 'model.onnx'));

  const card = JSON.parse(readFileSync(join(out, 'model_card.json'), 'utf8')) as { inputs: { name: string; trainingRange: { min: number } }[]; outputs: { meaning: string }[]; files: Record<string, string> };
  assert.equal(card.inputs.length, dataset.featureNames.length);
  assert.match(card.outputs[0].meaning, /signal-like high/);
  assert.ok(Object.keys(card.files).includes('model.onnx'));
  const expected = decodeNpy(readFileSync(join(out, 'validation/expected.npy')));
  assert.equal(expected.shape[0], report.rows);

  const ok = await checkBundle(out);
  assert.ok(ok.ok, JSON.stringify(ok.checks));
  // flipping one byte of any file makes the check fail
  const rng = new Rng(5);
  for (const f of listBundleFiles(out)) {
    const p = join(out, f);
    const orig = readFileSync(p);
    const bad = Buffer.from(orig);
    const at = rng.int(bad.length);
    bad[at] ^= 0x01 << rng.int(8);
    writeFileSync(p, bad);
    const r = await checkBundle(out);
    assert.equal(r.ok, false, `flipping byte ${at} of ${f} went unnoticed`);
    writeFileSync(p, orig);
  }
  assert.ok((await checkBundle(out)).ok);
  return out;
}

test('MLP bundle: ONNX (fill + scaling in the graph) reproduces the native model, card, vectors, check-bundle', async () => {
  const ds = withMissing(syntheticDataset('set', { train: 600, test: 300 }, [4], 3));
  const { model } = await trainNetwork('mlp', ds, { layers: [16, 8], epochs: 3, batch_size: 64, scale: 'minmax' }, { seed: 1n });
  rmSync(await bundleRoundTrip('mlp', model, ds), { recursive: true });
});

test('CNN bundle: channels-last input transposed in the graph', async () => {
  const ds = syntheticDataset('image', { train: 200, test: 100 }, [12, 12, 2], 4);
  const { model } = await trainNetwork('cnn', ds, { filters: [4, 8], dense: [8], epochs: 1, batch_size: 50 }, { seed: 2n });
  const out = await bundleRoundTrip('cnn', model, ds);
  const card = JSON.parse(readFileSync(join(out, 'model_card.json'), 'utf8')) as { model: { notes: string[] } };
  assert.match(card.model.notes.join(' '), /channels-first/);
  rmSync(out, { recursive: true });
});

test('PFN bundle: per-particle network and masked sum', async () => {
  const ds = syntheticDataset('cloud', { train: 200, test: 100 }, [10, 3], 5);
  const { model } = await trainNetwork('pfn', ds, { phi: [8, 8], f: [8], epochs: 1, batch_size: 50 }, { seed: 3n });
  rmSync(await bundleRoundTrip('pfn', model, ds), { recursive: true });
});

test('GBDT bundle: TreeEnsembleRegressor + Sigmoid with missing-value directions reproduces the native trees within 1e-6', async () => {
  const { trainGbdt } = await import('../../core/methods/gbdt/train');
  const ds = withMissing(syntheticDataset('set', { train: 800, test: 400 }, [3], 6));
  const { model } = await trainGbdt(ds, { trees: 20, depth: 3, learning_rate: 0.2 }, { seed: 4n });
  rmSync(await bundleRoundTrip('gbdt', model, ds), { recursive: true });
});

test('cut-and-count bundle: graded cut score as ONNX comparisons, exact', async () => {
  const { trainCutAndCount } = await import('../../core/methods/cut-and-count');
  const ds = withMissing(syntheticDataset('set', { train: 800, test: 400 }, [3], 8));
  const { model } = await trainCutAndCount(ds, { topology: 'sequential', bins: 20 }, { seed: 5n });
  rmSync(await bundleRoundTrip('cut-and-count', model, ds), { recursive: true });
});
