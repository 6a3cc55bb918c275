import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset, DatasetArrays } from '../../datasets/types';
import { writeFileAtomic } from '../../util/atomic';
import { HmlError } from '../../util/errors';
import { hashValue, sha256Hex } from '../../util/hash';
import { deriveSeed, FastRng, Rng } from '../../util/random';
import type { TrainContext, TrainingCurvePoint, TrainResult } from '../types';
import { rocAuc } from '../../metrics/roc';
import { lossAndGrads } from './backprop';
import { type Architecture, dropoutWidths, initialParams, paramShapes, sizeOf } from './architecture';
import { initNnBackend } from './backend';
import { decodeFloat32, encodeFloat32, logits, makeSaved, NetworkModel } from './model';
import { applyPreprocessing, fitPreprocessing } from './preprocess';
import { buildArchitecture, checkDataset, type NetworkSettings, type NetworkType, parseSettings } from './settings';

/**
 * The training loop shared by mlp, cnn and pfn. A lean loop instead of tfjs-layers' model.fit: per-step framework
 * overhead dominates small networks, so each step is one tape (tf.valueAndGrads) over the forward pass, batches
 * are gathered in JS (no GatherV2), and Adam runs in JS on flat float32 arrays (a handful of small tensors instead
 * of ~10 tfjs ops per weight). Every random choice (initial weights, shuffling, dropout) comes from a seeded
 * stream derived from ctx.seed and the epoch, so a run is reproducible on one backend and resumes exactly from a
 * checkpoint. The wasm path runs on one thread with a fixed summation order, so ctx.threads cannot change results
 * (it is not used); tfjs-node and the cpu backend give slightly different (but each reproducible) numbers.
 */

const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };
const CHECKPOINT_VERSION = 1;

interface Split { x: Float32Array; mask?: Float32Array; y: Float32Array; w: Float32Array; n: number }

interface State {
  epoch: number;
  params: Float32Array[];
  m: Float32Array[];
  v: Float32Array[];
  step: number;
  best: number;
  bestParams: Float32Array[];
  wait: number;
  stopped: boolean;
  curves: TrainingCurvePoint[];
}

/**
 * One Adam step in place (Kingma & Ba, with tfjs/Keras's ε outside the bias-corrected square root). Kept as a small
 * function of typed arrays so V8 optimises the loop on its own.
 */
function adamUpdate(p: Float32Array, m: Float32Array, v: Float32Array, g: Float32Array, lr: number, step: number): void {
  const { beta1, beta2, epsilon } = ADAM;
  const lrT = (lr * Math.sqrt(1 - Math.pow(beta2, step))) / (1 - Math.pow(beta1, step));
  for (let j = 0; j < p.length; j++) {
    const gj = g[j];
    const mj = beta1 * m[j] + (1 - beta1) * gj;
    const vj = beta2 * v[j] + (1 - beta2) * gj * gj;
    m[j] = mj;
    v[j] = vj;
    p[j] -= (lrT * mj) / (Math.sqrt(vj) + epsilon);
  }
}

/** Copies rows order[s .. s+nb) of the split into the batch buffers (no per-row allocation: no subarray views). */
function gatherRows(tr: Split, order: Uint32Array, s: number, nb: number, perRow: number, nPart: number, bx: Float32Array, by: Float32Array, bw: Float32Array, bm?: Float32Array): void {
  const x = tr.x;
  for (let i = 0; i < nb; i++) {
    const r = order[s + i];
    const src = r * perRow, dst = i * perRow;
    if (perRow >= 256) bx.set(x.subarray(src, src + perRow), dst);
    else for (let k = 0; k < perRow; k++) bx[dst + k] = x[src + k];
    by[i] = tr.y[r];
    bw[i] = tr.w[r];
    if (bm && tr.mask) for (let p = 0; p < nPart; p++) bm[i * nPart + p] = tr.mask[r * nPart + p];
  }
}

/** Seeded in-place Fisher–Yates shuffle. */
function shuffle(order: Uint32Array, rng: FastRng): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
}

function cancelled(): HmlError {
  return new HmlError('cancelled', 'training was cancelled; run again to resume from the last finished epoch (its checkpoint is kept)', { exitCode: 130 });
}

/** Class weights × training weights for the rows `rows` of `arr`. */
function sampleWeights(arr: DatasetArrays, rows: ArrayLike<number>, wSig: number, wBkg: number): Float32Array {
  const w = new Float32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    w[i] = (arr.trainWeights ? arr.trainWeights[r] : 1) * (arr.labels[r] === 1 ? wSig : wBkg);
  }
  return w;
}

function classWeights(settings: NetworkSettings, arr: DatasetArrays, rows: ArrayLike<number>): [number, number] {
  const cw = settings.classWeight;
  if (cw === 'none') return [1, 1];
  if (cw !== 'balanced') return [cw.signal, cw.background];
  let s = 0, b = 0;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const t = arr.trainWeights ? arr.trainWeights[r] : 1;
    if (arr.labels[r] === 1) s += t;
    else b += t;
  }
  return [(s + b) / (2 * s), (s + b) / (2 * b)];
}

function range(a: number, b: number): Uint32Array {
  const r = new Uint32Array(b - a);
  for (let i = 0; i < r.length; i++) r[i] = a + i;
  return r;
}

/** Weighted mean binary cross-entropy of logits z against labels y. */
function bce(z: Float32Array, y: Float32Array, w: Float32Array): number {
  let s = 0, sw = 0;
  for (let i = 0; i < z.length; i++) {
    const zi = z[i];
    // softplus(z) − y·z, stable for large |z|
    const sp = Math.max(zi, 0) + Math.log1p(Math.exp(-Math.abs(zi)));
    s += w[i] * (sp - y[i] * zi);
    sw += w[i];
  }
  return sw > 0 ? s / sw : NaN;
}

function encodeList(a: readonly Float32Array[]): string[] {
  return a.map(encodeFloat32);
}

function decodeList(a: readonly string[], shapes: number[][]): Float32Array[] {
  return a.map((s, i) => decodeFloat32(s, sizeOf(shapes[i])));
}

function saveCheckpoint(path: string, fingerprint: string, st: State): void {
  writeFileAtomic(path, JSON.stringify({
    version: CHECKPOINT_VERSION, fingerprint, epoch: st.epoch, step: st.step, best: Number.isFinite(st.best) ? st.best : null,
    wait: st.wait, stopped: st.stopped, curves: st.curves,
    params: encodeList(st.params), m: encodeList(st.m), v: encodeList(st.v), bestParams: encodeList(st.bestParams),
  }));
}

function loadCheckpoint(path: string, fingerprint: string, shapes: number[][]): State | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const c = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    if (c.version !== CHECKPOINT_VERSION || c.fingerprint !== fingerprint) return undefined;
    return {
      epoch: c.epoch as number, step: c.step as number, best: c.best === null ? Infinity : (c.best as number),
      wait: c.wait as number, stopped: c.stopped as boolean, curves: c.curves as TrainingCurvePoint[],
      params: decodeList(c.params as string[], shapes), m: decodeList(c.m as string[], shapes),
      v: decodeList(c.v as string[], shapes), bestParams: decodeList(c.bestParams as string[], shapes),
    };
  } catch {
    // A damaged checkpoint is not trusted: start again from epoch 0.
    return undefined;
  }
}

/**
 * Trains a network of `type` on `dataset`. `rawSettings` as in the analysis file (snake_case or camelCase);
 * bad settings, a dataset of the wrong kind or a dataset with one class throw HmlError before training starts.
 */
export async function trainNetwork(type: NetworkType, dataset: Dataset, rawSettings: Record<string, unknown>, ctx: TrainContext): Promise<TrainResult> {
  const loc = ctx.settingsLocation;
  const settings = parseSettings(type, rawSettings, loc);
  checkDataset(type, dataset, settings, loc);
  const be = await initNnBackend();
  const kind = dataset.kind;
  const rowShape = dataset.rowShape;

  // Validation: the dataset's own split, else the end of train (CONTRACTS.md "Datasets").
  let trainRows: Uint32Array, valArr: DatasetArrays, valRows: Uint32Array;
  if (dataset.validation && dataset.validation.n > 0) {
    trainRows = range(0, dataset.train.n);
    valArr = dataset.validation;
    valRows = range(0, dataset.validation.n);
  } else {
    const nVal = Math.max(1, Math.floor(dataset.train.n * settings.validationFraction));
    trainRows = range(0, dataset.train.n - nVal);
    valArr = dataset.train;
    valRows = range(dataset.train.n - nVal, dataset.train.n);
  }
  const pre = fitPreprocessing(kind, rowShape, dataset.train, trainRows, settings.scaling, settings.fill);
  const [wSig, wBkg] = classWeights(settings, dataset.train, trainRows);
  const mk = (arr: DatasetArrays, rows: Uint32Array): Split => {
    const { x, mask } = applyPreprocessing(kind, rowShape, arr, pre, rows);
    const y = new Float32Array(rows.length);
    for (let i = 0; i < rows.length; i++) y[i] = arr.labels[rows[i]];
    return { x, mask, y, w: sampleWeights(arr, rows, wSig, wBkg), n: rows.length };
  };
  const tr = mk(dataset.train, trainRows);
  const va = mk(valArr, valRows);

  const arch = buildArchitecture(type, settings, rowShape);
  const shapes = paramShapes(arch);
  const fingerprint = hashValue({
    type, settings, arch, seed: String(ctx.seed), data: sha256Hex(new Uint8Array(tr.x.buffer)), labels: sha256Hex(new Uint8Array(tr.y.buffer)),
    weights: sha256Hex(new Uint8Array(tr.w.buffer)), val: sha256Hex(new Uint8Array(va.x.buffer)),
  });
  const ckPath = ctx.checkpointDir ? join(ctx.checkpointDir, 'checkpoint.json') : undefined;
  let st = ckPath ? loadCheckpoint(ckPath, fingerprint, shapes) : undefined;
  if (!st) {
    const params = initialParams(arch, new Rng(deriveSeed(String(ctx.seed), 'nn-init')));
    st = {
      epoch: 0, params, m: shapes.map((s) => new Float32Array(sizeOf(s))), v: shapes.map((s) => new Float32Array(sizeOf(s))),
      step: 0, best: Infinity, bestParams: params.map((p) => p.slice()), wait: 0, stopped: false, curves: [],
    };
  }

  const perRow = sizeOf(rowShape);
  const nPart = kind === 'cloud' ? rowShape[0] : 0;
  const bs = Math.min(settings.batchSize, tr.n);
  const bx = new Float32Array(bs * perRow), by = new Float32Array(bs), bw = new Float32Array(bs);
  const bm = nPart ? new Float32Array(bs * nPart) : undefined;
  const drops = dropoutWidths(arch);
  const lr = settings.learningRate;

  for (; st.epoch < settings.epochs && !st.stopped; ) {
    const epoch = st.epoch;
    const order = range(0, tr.n);
    shuffle(order, new FastRng(deriveSeed(String(ctx.seed), 'nn-shuffle', epoch)));
    const dropRng = new FastRng(deriveSeed(String(ctx.seed), 'nn-dropout', epoch));
    let lossSum = 0;
    for (let s = 0; s < tr.n; s += bs) {
      if (ctx.signal?.aborted) throw cancelled();
      const nb = Math.min(bs, tr.n - s);
      gatherRows(tr, order, s, nb, perRow, nPart, bx, by, bw, bm);
      const masks = drops.map((d) => {
        const m = new Float32Array((d.perParticle ? nb * nPart : nb) * d.width);
        const keep = 1 / (1 - d.rate);
        for (let k = 0; k < m.length; k++) m[k] = dropRng.uniform() < d.rate ? 0 : keep;
        return m;
      });
      const r = lossAndGrads(arch, st.params, shapes, {
        x: bx.subarray(0, nb * perRow), n: nb, y: by.subarray(0, nb), w: bw.subarray(0, nb), mask: bm?.subarray(0, nb * nPart), dropoutMasks: masks,
      });
      st.step++;
      for (let k = 0; k < st.params.length; k++) adamUpdate(st.params[k], st.m[k], st.v[k], r.grads[k], lr, st.step);
      lossSum += r.loss * nb;
    }
    const loss = lossSum / tr.n;
    const zv = logits(arch, st.params, va.x, va.n, va.mask);
    const valLoss = bce(zv, va.y, va.w);
    const valAuc = rocAuc(zv, va.y);
    st.epoch = epoch + 1;
    st.curves.push({ epoch: st.epoch, loss, val_loss: Number.isFinite(valLoss) ? valLoss : null, val_auc: Number.isFinite(valAuc) ? valAuc : null });
    if (valLoss < st.best - settings.minDelta) {
      st.best = valLoss;
      st.bestParams = st.params.map((p) => p.slice());
      st.wait = 0;
    } else {
      st.wait++;
      if (settings.patience > 0 && st.wait >= settings.patience) st.stopped = true;
    }
    if (ckPath) saveCheckpoint(ckPath, fingerprint, st);
    ctx.onMetric?.('loss', loss, st.epoch);
    ctx.onMetric?.('val_loss', valLoss, st.epoch);
    ctx.onMetric?.('val_auc', valAuc, st.epoch);
    ctx.onProgress?.(st.epoch, settings.epochs, 'epoch');
  }

  const finalParams = settings.restoreBest && Number.isFinite(st.best) ? st.bestParams : st.params;
  const saved = makeSaved(type, kind, dataset.featureNames, arch, pre, finalParams, be.name);
  return { model: new NetworkModel(saved, finalParams.map((p) => p.slice())), curves: st.curves, backend: be.name };
}

export const trainMlp = (dataset: Dataset, settings: Record<string, unknown>, ctx: TrainContext): Promise<TrainResult> => trainNetwork('mlp', dataset, settings, ctx);
export const trainCnn = (dataset: Dataset, settings: Record<string, unknown>, ctx: TrainContext): Promise<TrainResult> => trainNetwork('cnn', dataset, settings, ctx);
export const trainPfn = (dataset: Dataset, settings: Record<string, unknown>, ctx: TrainContext): Promise<TrainResult> => trainNetwork('pfn', dataset, settings, ctx);

export type { Architecture };
