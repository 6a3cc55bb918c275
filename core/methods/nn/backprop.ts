import { type Activation, activate, type Architecture, type LayerSpec } from './architecture';
import { tf } from './backend';
import { BIAS_ACT_GRAD, simdKernelsRegistered } from './kernels/register';

/**
 * One training step's forward and backward pass, written out layer by layer instead of recorded on tfjs's tape.
 * For these small networks per-op overhead dominates: the tape doubles the op count (unfused forward ops inside a
 * gradient scope, Identity / Cast bookkeeping, generic reduction gradients). Here the forward pass runs the fused
 * kernels (matmul or conv2d + bias + activation in one), and the backward pass exactly the kernels each layer needs:
 *   dense / conv2d:  dpre = dy ⊙ act′(y), db = Σ rows dpre (one SIMD kernel on wasm), dW = Xᵀ·dpre
 *                    (Conv2DBackpropFilter), dX = dpre·Wᵀ (Conv2DBackpropInput), skipped for the first layer
 *   maxpool2d: MaxPoolGrad;  global-avg-pool: dX = dy / (H·W) broadcast;  dropout: dy ⊙ mask;
 *   masked-sum: dX[b, p, :] = dy[b, :] · mask[b, p]
 * The loss (weighted binary cross-entropy of sigmoid(z)) and its gradient are computed in JS on the logits.
 * Results agree with tf.grads of the same forward pass (test/methods/nn.test.ts).
 */

interface Cache { input: tf.Tensor; output: tf.Tensor }

function fusedDense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor, act: Activation): tf.Tensor2D {
  const fused = act === 'relu' || act === 'linear';
  // The kernel takes rank-3 operands (as tf.fused.matMul passes them); reshapes are free.
  const y3 = tf.engine().runKernel('_FusedMatMul', { a: tf.reshape(x, [1, ...x.shape]), b: tf.reshape(w, [1, ...w.shape]), bias: b },
    { transposeA: false, transposeB: false, activation: fused ? act : 'linear' }) as tf.Tensor3D;
  const y = tf.reshape(y3, [x.shape[0], w.shape[1]]) as tf.Tensor2D;
  return fused ? y : (activate(y, act) as tf.Tensor2D);
}

function fusedConv(x: tf.Tensor4D, k: tf.Tensor4D, b: tf.Tensor, act: Activation): tf.Tensor4D {
  const fused = act === 'relu' || act === 'linear';
  const y = tf.engine().runKernel('FusedConv2D', { x, filter: k, bias: b }, {
    strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1], activation: fused ? act : 'linear',
  }) as tf.Tensor4D;
  return fused ? y : (activate(y, act) as tf.Tensor4D);
}

/** Mean over height and width, (B, H, W, C) → (B, C); AvgPool with a whole-image window is ~10× faster than Mean on wasm. */
export function globalAvgPool(x: tf.Tensor4D): tf.Tensor2D {
  const [b, hh, ww, ch] = x.shape;
  return tf.reshape(tf.avgPool(x, [hh, ww], [hh, ww], 'valid'), [b, ch]);
}


/** dpre = dy ⊙ act′ expressed through the layer output y, and the bias gradient Σ over all but the last axis. */
function biasActGrad(dy: tf.Tensor, y: tf.Tensor, act: Activation): [tf.Tensor, tf.Tensor] {
  const cols = dy.shape[dy.shape.length - 1];
  if ((act === 'relu' || act === 'linear') && cols % 4 === 0 && simdKernelsRegistered() && tf.getBackend() === 'wasm') {
    const [dpre, db] = tf.engine().runKernel(BIAS_ACT_GRAD, { dy, y }, { relu: act === 'relu' }) as tf.Tensor[];
    return [dpre, db];
  }
  let dpre: tf.Tensor;
  switch (act) {
    case 'relu': dpre = tf.mul(dy, tf.step(y)); break;
    case 'linear': dpre = dy; break;
    case 'sigmoid': dpre = tf.mul(dy, tf.mul(y, tf.sub(1, y))); break;
    case 'tanh': dpre = tf.mul(dy, tf.sub(1, tf.square(y))); break;
    // elu: y' = 1 for y > 0, y + 1 otherwise
    case 'elu': dpre = tf.mul(dy, tf.where(tf.greater(y, 0), tf.onesLike(y), tf.add(y, 1))); break;
  }
  return [dpre, tf.sum(tf.reshape(dpre, [-1, cols]), 0)];
}

export interface StepInput {
  x: tf.Tensor;
  /** Labels and per-row loss weights (class weight × training weight), length B. */
  y: Float32Array;
  w: Float32Array;
  mask?: tf.Tensor2D;
  dropoutMasks: tf.Tensor[];
}

/**
 * Loss (mean over the batch of w·BCE) and the gradients in `paramShapes` order. Call inside tf.tidy; the returned
 * tensors must be read (dataSync) before the tidy ends.
 */
export function lossAndGrads(arch: Architecture, params: readonly tf.Tensor[], inp: StepInput): { loss: number; grads: tf.Tensor[] } {
  const caches: (Cache | undefined)[] = [];
  const pIndex: number[] = [];
  let h = inp.x;
  let pi = 0, di = 0;
  let particles = 0;
  const hasSum = arch.layers.some((l) => l.kind === 'masked-sum');
  if (hasSum) {
    particles = h.shape[1] as number;
    h = tf.reshape(h, [-1, h.shape[2] as number]);
  }
  const dropoutOf: number[] = [];
  for (const l of arch.layers) {
    const input = h;
    pIndex.push(pi);
    dropoutOf.push(l.kind === 'dropout' ? di : -1);
    switch (l.kind) {
      case 'dense': h = fusedDense(h as tf.Tensor2D, params[pi] as tf.Tensor2D, params[pi + 1], l.activation); pi += 2; break;
      case 'conv2d': h = fusedConv(h as tf.Tensor4D, params[pi] as tf.Tensor4D, params[pi + 1], l.activation); pi += 2; break;
      case 'maxpool2d': h = tf.maxPool(h as tf.Tensor4D, l.pool, l.pool, 'valid'); break;
      case 'global-avg-pool': h = globalAvgPool(h as tf.Tensor4D); break;
      case 'flatten': h = tf.reshape(h, [h.shape[0], -1]); break;
      case 'dropout': h = tf.mul(h, inp.dropoutMasks[di++]); break;
      case 'masked-sum': {
        const per = tf.reshape(h, [-1, particles, h.shape[1] as number]);
        h = tf.sum(tf.mul(per, tf.expandDims(inp.mask as tf.Tensor2D, 2)), 1);
        break;
      }
    }
    caches.push({ input, output: h });
  }
  // Loss and dL/dz in JS: the logits are B numbers.
  const z = h.dataSync() as Float32Array;
  const nb = z.length;
  const dz = new Float32Array(nb);
  let loss = 0;
  for (let i = 0; i < nb; i++) {
    const zi = z[i];
    const sp = Math.max(zi, 0) + Math.log1p(Math.exp(-Math.abs(zi)));
    loss += inp.w[i] * (sp - inp.y[i] * zi);
    const sig = zi >= 0 ? 1 / (1 + Math.exp(-zi)) : Math.exp(zi) / (1 + Math.exp(zi));
    dz[i] = (inp.w[i] * (sig - inp.y[i])) / nb;
  }
  loss /= nb;

  const grads: tf.Tensor[] = new Array(pi);
  let g: tf.Tensor = tf.tensor2d(dz, [nb, 1]);
  for (let i = arch.layers.length - 1; i >= 0; i--) {
    const l: LayerSpec = arch.layers[i];
    const c = caches[i] as Cache;
    const first = i === firstWeighted(arch);
    switch (l.kind) {
      case 'dense': {
        const p = pIndex[i];
        const [dpre, db] = biasActGrad(g, c.output, l.activation);
        grads[p] = tf.matMul(c.input as tf.Tensor2D, dpre as tf.Tensor2D, true, false);
        grads[p + 1] = db;
        if (!first) g = tf.matMul(dpre as tf.Tensor2D, params[p] as tf.Tensor2D, false, true);
        break;
      }
      case 'conv2d': {
        const p = pIndex[i];
        const [dpre, db] = biasActGrad(g, c.output, l.activation);
        const k = params[p] as tf.Tensor4D;
        grads[p] = tf.engine().runKernel('Conv2DBackpropFilter', { x: c.input, dy: dpre }, { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', filterShape: k.shape }) as tf.Tensor;
        grads[p + 1] = db;
        if (!first) {
          g = tf.engine().runKernel('Conv2DBackpropInput', { dy: dpre, filter: k }, { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', inputShape: c.input.shape, dilations: [1, 1] }) as tf.Tensor;
        }
        break;
      }
      case 'maxpool2d':
        g = tf.engine().runKernel('MaxPoolGrad', { dy: g, input: c.input, output: c.output }, { filterSize: [l.pool, l.pool], strides: [l.pool, l.pool], pad: 'valid' }) as tf.Tensor;
        break;
      case 'global-avg-pool': {
        const [b, hh, ww, ch] = c.input.shape as number[];
        // (Tile, which broadcastTo runs, is ~30× slower on wasm than a broadcasting multiply.)
        g = tf.mul(tf.onesLike(c.input), tf.reshape(tf.div(g, hh * ww), [b, 1, 1, ch]));
        break;
      }
      case 'flatten':
        g = tf.reshape(g, c.input.shape);
        break;
      case 'dropout':
        g = tf.mul(g, inp.dropoutMasks[dropoutOf[i]]);
        break;
      case 'masked-sum': {
        const latent = g.shape[1] as number;
        g = tf.reshape(tf.mul(tf.expandDims(g, 1), tf.expandDims(inp.mask as tf.Tensor2D, 2)), [-1, latent]);
        break;
      }
    }
    if (first) break;
  }
  return { loss, grads };
}

function firstWeighted(arch: Architecture): number {
  return arch.layers.findIndex((l) => l.kind === 'dense' || l.kind === 'conv2d');
}
