import type { DatasetArrays, DatasetKind } from '../../datasets/types';
import { HmlError } from '../../util/errors';
import type { SavedModel, TrainedModel } from '../types';
import { type Architecture, forward, paramShapes, sizeOf } from './architecture';
import { initNnBackend, tf } from './backend';
import { applyPreprocessing, type Preprocessing } from './preprocess';
import type { NetworkType } from './settings';

/**
 * The saved form of a trained network (SavedModel with type mlp | cnn | pfn, version 1). Everything the ONNX
 * exporter needs to write an equivalent graph:
 *   input:          'set' rows (F), 'image' rows (H, W, C) channels last, or 'cloud' rows (P, F) plus a mask (P)
 *   preprocessing:  x = (isNaN(v) ? fill[j] : v − offset[j]) · scale[j] per feature / channel (preprocess.ts);
 *                   padded cloud particles are 0 and excluded by the masked sum
 *   architecture:   layers in order (architecture.ts documents each kind and its weight layout)
 *   weights:        one entry per trainable tensor in architecture order (dense / conv2d: kernel, then bias),
 *                   row-major float32 little-endian, base64
 *   score:          sigmoid(logit) of the final one-unit linear Dense layer
 */
export interface SavedNetwork extends SavedModel {
  type: NetworkType;
  version: 1;
  input: DatasetKind;
  featureNames: string[];
  architecture: Architecture;
  preprocessing: Preprocessing;
  weights: { shape: number[]; data: string }[];
  score: 'sigmoid(logit)';
  /** Backend the model was trained on (tfjs-wasm+simd, tfjs-node, tfjs-cpu). */
  trainedOn: string;
}

export function encodeFloat32(a: Float32Array): string {
  // Buffer views share memory; Node only runs on little-endian hosts in practice, and we check it.
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) throw new Error('big-endian hosts are not supported');
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

export function decodeFloat32(s: string, expected?: number): Float32Array {
  const b = Buffer.from(s, 'base64');
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  if (expected !== undefined && out.length !== expected) throw new Error(`weight has ${out.length} values, expected ${expected}`);
  return out;
}

/** Batch size for inference (no gradients, so larger batches only cost memory). */
const PREDICT_BATCH = 1024;

/** Logits for preprocessed rows `x` (n rows of `perRow`), computed in batches. */
export function logits(arch: Architecture, params: readonly Float32Array[], x: Float32Array, n: number, mask?: Float32Array): Float32Array {
  const shapes = paramShapes(arch);
  const perRow = sizeOf(arch.inputShape);
  const nPart = mask ? arch.inputShape[0] : 0;
  const out = new Float32Array(n);
  const pt = params.map((p, i) => tf.tensor(p, shapes[i]));
  try {
    for (let s = 0; s < n; s += PREDICT_BATCH) {
      const nb = Math.min(PREDICT_BATCH, n - s);
      const z = tf.tidy(() => {
        const xb = tf.tensor(x.subarray(s * perRow, (s + nb) * perRow), [nb, ...arch.inputShape]);
        const mb = mask ? tf.tensor2d(mask.subarray(s * nPart, (s + nb) * nPart), [nb, nPart]) : undefined;
        return forward(arch, pt, xb, { mask: mb });
      });
      out.set(z.dataSync() as Float32Array, s);
      z.dispose();
    }
  } finally {
    pt.forEach((t) => t.dispose());
  }
  return out;
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** A trained network: predicts sigmoid(logit) per row on the current tfjs backend. */
export class NetworkModel implements TrainedModel {
  readonly type: NetworkType;
  readonly input: DatasetKind;

  constructor(readonly saved: SavedNetwork, readonly params: Float32Array[]) {
    this.type = saved.type;
    this.input = saved.input;
  }

  predict(data: DatasetArrays): Float32Array {
    const { x, mask } = applyPreprocessing(this.input, this.saved.architecture.inputShape, data, this.saved.preprocessing);
    const z = logits(this.saved.architecture, this.params, x, data.n, mask);
    for (let i = 0; i < z.length; i++) z[i] = sigmoid(z[i]);
    return z;
  }

  toJSON(): SavedNetwork {
    return this.saved;
  }
}

export function makeSaved(type: NetworkType, input: DatasetKind, featureNames: readonly string[], architecture: Architecture, preprocessing: Preprocessing, params: readonly Float32Array[], trainedOn: string): SavedNetwork {
  const shapes = paramShapes(architecture);
  return {
    type, version: 1, input, featureNames: [...featureNames], architecture, preprocessing,
    weights: params.map((p, i) => ({ shape: shapes[i], data: encodeFloat32(p) })),
    score: 'sigmoid(logit)', trainedOn,
  };
}

/** Restores a network from its saved JSON (initialising the tfjs backend if needed). */
export async function loadNetwork(saved: SavedModel): Promise<NetworkModel> {
  if (!['mlp', 'cnn', 'pfn'].includes(saved.type) || saved.version !== 1) {
    throw new HmlError('model-format', `saved model of type '${saved.type}' version ${saved.version} is not a network this version can read; retrain the method`);
  }
  const s = saved as SavedNetwork;
  const shapes = paramShapes(s.architecture);
  if (!Array.isArray(s.weights) || s.weights.length !== shapes.length) {
    throw new HmlError('model-format', `saved ${s.type} has ${s.weights?.length ?? 0} weight tensors but its architecture needs ${shapes.length}; the file is damaged, retrain the method`);
  }
  const params = s.weights.map((w, i) => decodeFloat32(w.data, sizeOf(shapes[i])));
  await initNnBackend();
  return new NetworkModel(s, params);
}
