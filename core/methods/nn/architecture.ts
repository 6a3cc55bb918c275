import { tf } from './backend';
import type { Rng } from '../../util/random';

/**
 * Network architectures as plain data, so the saved model, the ONNX exporter and the tfjs forward pass all read
 * one description. Layers run in array order. Every network ends in a Dense layer with one unit and a linear
 * activation: its output is the logit z, and the score is sigmoid(z).
 *
 * Weight layouts (row-major float32, one entry per weight in `paramShapes` order, kernel before bias):
 *   dense   kernel [in, out] (y = x·K + b, as tfjs Dense), bias [out]
 *   conv2d  kernel [kh, kw, in, out] (channels last, as tfjs Conv2D; ONNX wants [out, in, kh, kw]), bias [out];
 *           stride 1, padding `same` (zero padding of (k−1)/2 on each side for odd k)
 * Layers without weights: maxpool2d (window = stride = `pool`, padding valid, floor), global-avg-pool (mean over
 * height and width), flatten, dropout (identity at inference), masked-sum (PFN: Σ over particles of the
 * per-particle features times the mask; the dense layers before it act on each particle separately).
 */
/** selu: 1.0507009873554805 · (x > 0 ? x : 1.6732632423543772 · (eˣ − 1)) (Klambauer et al.; tfjs's constants). */
export type Activation = 'relu' | 'tanh' | 'sigmoid' | 'elu' | 'selu' | 'linear';

export type LayerSpec =
  | { kind: 'dense'; inputs: number; units: number; activation: Activation }
  | { kind: 'conv2d'; inChannels: number; filters: number; kernel: number; activation: Activation; padding: 'same' }
  | { kind: 'maxpool2d'; pool: number }
  | { kind: 'global-avg-pool' }
  | { kind: 'flatten' }
  | { kind: 'dropout'; rate: number }
  | { kind: 'masked-sum' };

export interface Architecture {
  /** `set` rows (F), `image` rows (H, W, C), `cloud` rows (P, F). */
  inputShape: number[];
  layers: LayerSpec[];
}

/** Shapes of the trainable weights in order (kernel then bias per dense / conv2d layer). */
export function paramShapes(arch: Architecture): number[][] {
  const out: number[][] = [];
  for (const l of arch.layers) {
    if (l.kind === 'dense') out.push([l.inputs, l.units], [l.units]);
    else if (l.kind === 'conv2d') out.push([l.kernel, l.kernel, l.inChannels, l.filters], [l.filters]);
  }
  return out;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Glorot-uniform kernels (as Keras's default) and zero biases, drawn from `rng` in layer order. */
export function initialParams(arch: Architecture, rng: Rng): Float32Array[] {
  return paramShapes(arch).map((shape) => {
    const p = new Float32Array(sizeOf(shape));
    if (shape.length === 1) return p;
    const receptive = shape.length === 4 ? shape[0] * shape[1] : 1;
    const fanIn = shape[shape.length - 2] * receptive;
    const fanOut = shape[shape.length - 1] * receptive;
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    for (let i = 0; i < p.length; i++) p[i] = rng.range(-limit, limit);
    return p;
  });
}

export function activate(x: tf.Tensor, a: Activation): tf.Tensor {
  switch (a) {
    case 'relu': return tf.relu(x);
    case 'tanh': return tf.tanh(x);
    case 'sigmoid': return tf.sigmoid(x);
    case 'elu': return tf.elu(x);
    case 'selu': return tf.selu(x);
    case 'linear': return x;
  }
}

/** Activations tfjs fuses into matMul / conv2d (one kernel instead of two on the forward pass). */
function fusable(a: Activation): a is 'relu' | 'sigmoid' | 'elu' | 'linear' {
  return a === 'relu' || a === 'sigmoid' || a === 'elu' || a === 'linear';
}

export interface ForwardOptions {
  /** Dropout masks (already scaled by 1/(1−rate)), one per dropout layer, in order; absent at inference. */
  dropoutMasks?: tf.Tensor[];
  /** PFN: the particle mask (B, P). */
  mask?: tf.Tensor;
}

/** The logit z (B, 1) for a batch `x` of preprocessed rows. `params` follow `paramShapes(arch)`. */
export function forward(arch: Architecture, params: readonly tf.Tensor[], x: tf.Tensor, opts: ForwardOptions = {}): tf.Tensor2D {
  let h = x;
  let pi = 0;
  let di = 0;
  // PFN: dense layers before masked-sum act per particle; fold (B, P) into one axis for them.
  let particles = 0;
  if (arch.layers.some((l) => l.kind === 'masked-sum')) {
    particles = x.shape[1] as number;
    h = tf.reshape(x, [-1, x.shape[2] as number]);
  }
  for (const l of arch.layers) {
    switch (l.kind) {
      case 'dense': {
        const k = params[pi++] as tf.Tensor2D, b = params[pi++];
        if (fusable(l.activation)) {
          h = tf.fused.matMul({ a: h as tf.Tensor2D, b: k, bias: b, activation: l.activation });
        } else {
          h = activate(tf.add(tf.matMul(h as tf.Tensor2D, k), b), l.activation);
        }
        break;
      }
      case 'conv2d': {
        const k = params[pi++] as tf.Tensor4D, b = params[pi++];
        if (fusable(l.activation)) {
          h = tf.fused.conv2d({ x: h as tf.Tensor4D, filter: k, strides: 1, pad: 'same', bias: b, activation: l.activation });
        } else {
          h = activate(tf.add(tf.conv2d(h as tf.Tensor4D, k, 1, 'same'), b), l.activation);
        }
        break;
      }
      case 'maxpool2d':
        h = tf.maxPool(h as tf.Tensor4D, l.pool, l.pool, 'valid');
        break;
      case 'global-avg-pool':
        h = tf.reshape(tf.avgPool(h as tf.Tensor4D, [h.shape[1] as number, h.shape[2] as number], [h.shape[1] as number, h.shape[2] as number], 'valid'), [h.shape[0], -1]);
        break;
      case 'flatten':
        h = tf.reshape(h, [h.shape[0], -1]);
        break;
      case 'dropout': {
        const m = opts.dropoutMasks?.[di++];
        if (m) h = tf.mul(h, m);
        break;
      }
      case 'masked-sum': {
        const latent = h.shape[1] as number;
        const per = tf.reshape(h, [-1, particles, latent]);
        const m = opts.mask ? tf.expandDims(opts.mask, 2) : tf.onesLike(per);
        h = tf.sum(tf.mul(per, m), 1);
        break;
      }
    }
  }
  return h as tf.Tensor2D;
}

/** Output width of each dropout layer's input, for drawing masks of the right shape (per row). */
export function dropoutWidths(arch: Architecture): { rate: number; width: number; perParticle: boolean }[] {
  const out: { rate: number; width: number; perParticle: boolean }[] = [];
  let width = 0;
  let perParticle = arch.layers.some((l) => l.kind === 'masked-sum');
  for (const l of arch.layers) {
    if (l.kind === 'dense') width = l.units;
    else if (l.kind === 'conv2d') width = l.filters;
    else if (l.kind === 'masked-sum') perParticle = false;
    else if (l.kind === 'dropout') out.push({ rate: l.rate, width, perParticle });
  }
  return out;
}
