/**
 * Exported models vs the native ones: rows per second scoring 100k rows with onnxruntime-node (the bundle's
 * model.onnx) against the engine's own predict (the anchor), for a GBDT (100 trees, depth 3) and an MLP
 * (32-64-32), plus the time to write a whole bundle. Best of 5 on a shared 2-core machine: timings are noisy.
 *   node --import tsx bench/export.ts
 */
import { graphForSaved } from '../core/export/bundle';
import { runOnnx } from '../core/export/runtime';
import { trainGbdt } from '../core/methods/gbdt/train';
import { trainNetwork } from '../core/methods/nn/train';
import type { Dataset } from '../core/datasets/types';
import type { TrainedModel } from '../core/methods/types';
import { syntheticDataset } from '../test/methods/nn-data';

async function best(n: number, f: () => Promise<unknown> | unknown): Promise<number> {
  let b = Infinity;
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await f();
    b = Math.min(b, performance.now() - t0);
  }
  return b;
}

async function compare(name: string, model: TrainedModel, ds: Dataset): Promise<void> {
  const { graph } = await graphForSaved(model.toJSON(), ds);
  const bytes = graph.build({ name, docString: name, producerVersion: 'bench' });
  const t = ds.test;
  const feeds = { features: { data: t.features!, shape: [t.n, ds.rowShape[0]] } };
  await runOnnx(bytes, feeds); // warm-up (session creation is inside the timed call too)
  const ort = await best(5, () => runOnnx(bytes, feeds, 'score', 100_000));
  const native = await best(5, () => model.predict(t));
  const rate = (ms: number): string => `${((t.n / ms) * 1000 / 1e6).toFixed(2)} M rows/s`;
  console.log(`${name.padEnd(5)} onnxruntime ${rate(ort).padStart(15)}   native (anchor) ${rate(native).padStart(15)}   ratio ort/native ${(native / ort).toFixed(2)}`);
}

const ds = syntheticDataset('set', { train: 20_000, test: 100_000 }, [3], 1);
const { model: bdt } = await trainGbdt(ds, { trees: 100, depth: 3 }, { seed: 1n });
await compare('gbdt', bdt, ds);
const { model: mlp } = await trainNetwork('mlp', ds, { layers: [32, 64, 32], epochs: 1, batch_size: 256 }, { seed: 1n });
await compare('mlp', mlp, ds);
