import type { Activation, Architecture } from './architecture';
import { tf } from './backend';
import { BIAS_ACT_GRAD, simdKernelsRegistered } from './kernels/register';

/**
 * One training step's forward and backward pass, written out layer by layer instead of recorded on tfjs's tape,
 * and run as direct calls of the backend's registered kernels (tfjs's public kernel registry) rather than through
 * tfjs ops. For these small networks per-op overhead dominates: the tape doubles the op count (unfused forward ops
 * inside a gradient scope, Identity / Cast bookkeeping, generic reduction gradients), and each op through the
 * engine costs ~10 µs of bookkeeping on top of the kernel. Here the forward pass runs the fused kernels (matmul or
 * conv2d + bias + activation in one), and the backward pass exactly the kernels each layer needs:
 *   dense / conv2d:  dpre = dy ⊙ act′(y), db = Σ rows dpre (one SIMD kernel on wasm), dW = Xᵀ·dpre
 *                    (Conv2DBackpropFilter), dX = dpre·Wᵀ (Conv2DBackpropInput); nothing for the input layer's dX
 *   maxpool2d: MaxPoolGrad;  global-avg-pool: dX = dy / (H·W) broadcast;  dropout: dy ⊙ mask;
 *   masked-sum: out[b] = mask[b]ᵀ·Φ[b] as a batched matmul, dΦ[b, p] = mask[b, p]·dy[b] as a broadcast multiply
 * The loss (weighted binary cross-entropy of sigmoid(z)) and dL/dz are computed in JS on the B logits.
 * Results agree with tf.grads of architecture.ts's forward pass (test/methods/nn.test.ts).
 */

type Info = tf.TensorInfo;
interface RawBackend {
  write(values: Float32Array, shape: number[], dtype: 'float32'): object;
  readSync(dataId: object): ArrayLike<number>;
  disposeData(dataId: object, force?: boolean): boolean;
}

const kernelCache = new Map<string, tf.KernelFunc>();

/** Direct kernel calls on the current backend, with every output freed by `dispose()`. */
class Raw {
  readonly backendName = tf.getBackend();
  readonly backend = tf.backend();
  readonly simd = this.backendName === 'wasm' && simdKernelsRegistered();
  private readonly owned: Info[] = [];

  run(name: string, inputs: Record<string, Info>, attrs: Record<string, unknown> = {}): Info {
    return this.runMulti(name, inputs, attrs)[0];
  }

  runMulti(name: string, inputs: Record<string, Info>, attrs: Record<string, unknown> = {}): Info[] {
    const key = `${this.backendName}/${name}`;
    let k = kernelCache.get(key);
    if (!k) {
      const cfg = tf.getKernel(name, this.backendName);
      if (!cfg) throw new Error(`kernel ${name} is not registered for the ${this.backendName} backend`);
      k = cfg.kernelFunc;
      kernelCache.set(key, k);
    }
    const out = k({ inputs, backend: this.backend, attrs: attrs as tf.NamedAttrMap });
    const list = Array.isArray(out) ? out : [out];
    this.owned.push(...list);
    return list;
  }

  input(values: Float32Array, shape: number[]): Info {
    const dataId = (this.backend as unknown as RawBackend).write(values, shape, 'float32');
    const t = { dataId, shape, dtype: 'float32' } as Info;
    this.owned.push(t);
    return t;
  }

  reshape(x: Info, shape: number[]): Info {
    return this.run('Reshape', { x }, { shape });
  }

  read(x: Info): Float32Array {
    const v = (this.backend as unknown as RawBackend).readSync(x.dataId);
    // wasm's readSync already returns a fresh copy of the heap; other backends may hand out their own storage.
    return this.backendName === 'wasm' && v instanceof Float32Array ? v : Float32Array.from(v);
  }

  dispose(): void {
    const be = this.backend as unknown as RawBackend;
    for (const t of this.owned) be.disposeData(t.dataId);
    this.owned.length = 0;
  }
}

const SELU_SCALE = 1.0507009873554805, SELU_ALPHA = 1.6732632423543772;

function activationKernel(a: Activation): string | undefined {
  return a === 'tanh' ? 'Tanh' : a === 'sigmoid' ? 'Sigmoid' : a === 'elu' ? 'Elu' : a === 'selu' ? 'Selu' : undefined;
}

/** dpre = dy ⊙ act′ expressed through the layer output y, and the bias gradient Σ over all but the last axis. */
function biasActGrad(r: Raw, dy: Info, y: Info, act: Activation): [Info, Info] {
  const cols = dy.shape[dy.shape.length - 1];
  if (r.simd && (act === 'relu' || act === 'linear') && cols % 4 === 0) {
    const [dpre, db] = r.runMulti(BIAS_ACT_GRAD, { dy, y }, { relu: act === 'relu' });
    return [dpre, db];
  }
  let dpre: Info;
  switch (act) {
    case 'linear': dpre = dy; break;
    case 'relu': dpre = r.run('Multiply', { a: dy, b: r.run('Step', { x: y }, { alpha: 0 }) }); break;
    case 'elu': dpre = r.run('EluGrad', { dy, y }); break;
    case 'sigmoid': {
      const one = r.input(Float32Array.of(1), []);
      dpre = r.run('Multiply', { a: dy, b: r.run('Multiply', { a: y, b: r.run('Sub', { a: one, b: y }) }) });
      break;
    }
    case 'selu': {
      // selu′ through y: scale for y > 0, else y + scale·alpha
      const zero = r.input(Float32Array.of(0), []), scale = r.input(Float32Array.of(SELU_SCALE), []);
      const shifted = r.run('Add', { a: y, b: r.input(Float32Array.of(SELU_SCALE * SELU_ALPHA), []) });
      const d = r.run('Select', { condition: r.run('Greater', { a: y, b: zero }), t: r.run('Multiply', { a: r.run('OnesLike', { x: y }), b: scale }), e: shifted });
      dpre = r.run('Multiply', { a: dy, b: d });
      break;
    }
    case 'tanh': {
      const one = r.input(Float32Array.of(1), []);
      dpre = r.run('Multiply', { a: dy, b: r.run('Sub', { a: one, b: r.run('Square', { x: y }) }) });
      break;
    }
  }
  const rows = dy.shape.reduce((a, b) => a * b, 1) / cols;
  return [dpre, r.run('Sum', { x: r.reshape(dpre, [rows, cols]) }, { axis: [0], keepDims: false })];
}

export interface StepBatch {
  /** Preprocessed rows, (B, …rowShape) row-major. */
  x: Float32Array;
  n: number;
  /** Labels and per-row loss weights (class weight × training weight), length B. */
  y: Float32Array;
  w: Float32Array;
  /** PFN: particle mask (B, P). */
  mask?: Float32Array;
  /** Dropout masks (already scaled by 1/(1−rate)), one per dropout layer, (rows, width) each. */
  dropoutMasks: Float32Array[];
}

/** Loss (mean over the batch of w·BCE) and the gradients in `paramShapes` order, on the current tfjs backend. */
export function lossAndGrads(arch: Architecture, params: readonly Float32Array[], shapes: readonly number[][], b: StepBatch): { loss: number; grads: Float32Array[] } {
  const r = new Raw();
  try {
    return step(r, arch, params, shapes, b);
  } finally {
    r.dispose();
  }
}

function step(r: Raw, arch: Architecture, params: readonly Float32Array[], shapes: readonly number[][], b: StepBatch): { loss: number; grads: Float32Array[] } {
  const p = params.map((v, i) => r.input(v, shapes[i]));
  const nb = b.n;
  const inputs: Info[] = [];
  const outputs: Info[] = [];
  const pIndex: number[] = [];
  const dropIndex: number[] = [];
  const dropMasks: Info[] = [];
  let h = r.input(b.x, [nb, ...arch.inputShape]);
  let particles = 0;
  let maskRow: Info | undefined, maskCol: Info | undefined;
  if (arch.layers.some((l) => l.kind === 'masked-sum')) {
    particles = arch.inputShape[0];
    h = r.reshape(h, [nb * particles, arch.inputShape[1]]);
    maskRow = r.input(b.mask as Float32Array, [nb, 1, particles]);
    maskCol = r.input(b.mask as Float32Array, [nb, particles, 1]);
  }
  let pi = 0, di = 0;
  for (const l of arch.layers) {
    inputs.push(h);
    pIndex.push(pi);
    dropIndex.push(l.kind === 'dropout' ? di : -1);
    switch (l.kind) {
      case 'dense': {
        const fused = l.activation === 'relu' || l.activation === 'linear';
        // The kernel takes rank-3 operands (as tf.fused.matMul passes them); reshapes share the data.
        const y3 = r.run('_FusedMatMul', { a: r.reshape(h, [1, ...h.shape]), b: r.reshape(p[pi], [1, ...shapes[pi]]), bias: p[pi + 1] },
          { transposeA: false, transposeB: false, activation: fused ? l.activation : 'linear' });
        h = r.reshape(y3, [h.shape[0], l.units]);
        if (!fused) h = r.run(activationKernel(l.activation) as string, { x: h });
        pi += 2;
        break;
      }
      case 'conv2d': {
        const fused = l.activation === 'relu' || l.activation === 'linear';
        h = r.run('FusedConv2D', { x: h, filter: p[pi], bias: p[pi + 1] },
          { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', dilations: [1, 1], activation: fused ? l.activation : 'linear' });
        if (!fused) h = r.run(activationKernel(l.activation) as string, { x: h });
        pi += 2;
        break;
      }
      case 'maxpool2d':
        h = r.run('MaxPool', { x: h }, { filterSize: [l.pool, l.pool], strides: [l.pool, l.pool], pad: 'valid' });
        break;
      case 'global-avg-pool': {
        const [bb, hh, ww, ch] = h.shape;
        h = r.reshape(r.run('AvgPool', { x: h }, { filterSize: [hh, ww], strides: [hh, ww], pad: 'valid' }), [bb, ch]);
        break;
      }
      case 'flatten':
        h = r.reshape(h, [h.shape[0], h.shape.slice(1).reduce((x, y) => x * y, 1)]);
        break;
      case 'dropout': {
        const m = r.input(b.dropoutMasks[di++], h.shape);
        dropMasks.push(m);
        h = r.run('Multiply', { a: h, b: m });
        break;
      }
      case 'masked-sum': {
        // out[b] = mask[b] (1×P) · Φ[b] (P×L)
        const latent = h.shape[1];
        h = r.reshape(r.run('BatchMatMul', { a: maskRow as Info, b: r.reshape(h, [nb, particles, latent]) }, { transposeA: false, transposeB: false }), [nb, latent]);
        break;
      }
    }
    outputs.push(h);
  }

  // Loss and dL/dz in JS: the logits are B numbers.
  const z = r.read(h);
  const dz = new Float32Array(nb);
  let loss = 0;
  for (let i = 0; i < nb; i++) {
    const zi = z[i];
    const sp = Math.max(zi, 0) + Math.log1p(Math.exp(-Math.abs(zi)));
    loss += b.w[i] * (sp - b.y[i] * zi);
    const sig = zi >= 0 ? 1 / (1 + Math.exp(-zi)) : Math.exp(zi) / (1 + Math.exp(zi));
    dz[i] = (b.w[i] * (sig - b.y[i])) / nb;
  }
  loss /= nb;

  const grads: Info[] = new Array(pi);
  let g = r.input(dz, [nb, 1]);
  const first = arch.layers.findIndex((l) => l.kind === 'dense' || l.kind === 'conv2d');
  for (let i = arch.layers.length - 1; i >= first; i--) {
    const l = arch.layers[i];
    const x = inputs[i], y = outputs[i];
    switch (l.kind) {
      case 'dense': {
        const k = pIndex[i];
        const [dpre, db] = biasActGrad(r, g, y, l.activation);
        const x3 = r.reshape(x, [1, ...x.shape]), d3 = r.reshape(dpre, [1, ...dpre.shape]);
        grads[k] = r.reshape(r.run('BatchMatMul', { a: x3, b: d3 }, { transposeA: true, transposeB: false }), shapes[k]);
        grads[k + 1] = db;
        if (i !== first) {
          g = r.reshape(r.run('BatchMatMul', { a: d3, b: r.reshape(p[k], [1, ...shapes[k]]) }, { transposeA: false, transposeB: true }), x.shape);
        }
        break;
      }
      case 'conv2d': {
        const k = pIndex[i];
        const [dpre, db] = biasActGrad(r, g, y, l.activation);
        grads[k] = r.run('Conv2DBackpropFilter', { x, dy: dpre }, { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', filterShape: shapes[k] });
        grads[k + 1] = db;
        if (i !== first) {
          g = r.run('Conv2DBackpropInput', { dy: dpre, filter: p[k] }, { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', inputShape: x.shape, dilations: [1, 1] });
        }
        break;
      }
      case 'maxpool2d':
        g = r.run('MaxPoolGrad', { dy: g, input: x, output: y }, { filterSize: [l.pool, l.pool], strides: [l.pool, l.pool], pad: 'valid' });
        break;
      case 'global-avg-pool': {
        // dX[b, h, w, c] = dy[b, c] / (H·W), filled in JS (a broadcast costs more as kernels)
        const [bb, hh, ww, ch] = x.shape;
        const dy = r.read(g);
        const dx = new Float32Array(bb * hh * ww * ch);
        const inv = 1 / (hh * ww);
        for (let q = 0; q < bb; q++) {
          for (let c = 0; c < ch; c++) dy[q * ch + c] *= inv;
          for (let s = 0; s < hh * ww; s++) dx.set(dy.subarray(q * ch, (q + 1) * ch), (q * hh * ww + s) * ch);
        }
        g = r.input(dx, x.shape);
        break;
      }
      case 'flatten':
        g = r.reshape(g, x.shape);
        break;
      case 'dropout':
        g = r.run('Multiply', { a: g, b: dropMasks[dropIndex[i]] });
        break;
      case 'masked-sum': {
        // dΦ[b, p, :] = mask[b, p] · dy[b, :] (a broadcasting multiply: ~15× faster than the batched matmul)
        const latent = g.shape[1];
        g = r.reshape(r.run('Multiply', { a: r.reshape(g, [nb, 1, latent]), b: maskCol as Info }), [nb * particles, latent]);
        break;
      }
    }
  }
  return { loss, grads: grads.map((t) => r.read(t)) };
}
