import * as tf from '@tensorflow/tfjs';
import { KERNEL_WASM } from './generated';

/**
 * Registers our WebAssembly-SIMD kernels (conv-grad.wat, assembled by scripts/build-wasm.mjs) on tfjs's `wasm`
 * backend: Conv2DBackpropFilter (missing there, so convolution training fails without it), and faster
 * Conv2DBackpropInput and MaxPoolGrad. The kernels run on the backend's own WebAssembly.Memory, addressing tensors by
 * heap offset with no copy. Shapes they do not handle (NCHW, dilation, channel counts that are not multiples of 4)
 * go to the stock kernel, or for Conv2DBackpropFilter (which has none) to a plain-JS loop.
 */

interface TensorInfoLike { dataId: object; shape: number[]; dtype: string }
interface WasmBackendLike {
  dataIdMap: { get(id: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfoLike;
  typedArrayFromHeap(t: TensorInfoLike): Float32Array;
  wasm: { asm?: { memory?: WebAssembly.Memory }; wasmMemory?: WebAssembly.Memory };
}

interface SimdExports {
  conv_bwd_filter(x: number, dy: number, dw: number, n: number, h: number, w: number, c: number, oh: number, ow: number, co: number, kh: number, kw: number, s: number, pt: number, pl: number): void;
  conv_bwd_input(dy: number, wt: number, dx: number, n: number, h: number, w: number, c: number, oh: number, ow: number, co: number, kh: number, kw: number, s: number, pt: number, pl: number): void;
  bias_act_grad(dy: number, y: number, dpre: number, db: number, rows: number, cols: number, relu: number): void;
  maxpool_grad(x: number, dy: number, dx: number, n: number, h: number, w: number, c: number, oh: number, ow: number, fh: number, fw: number, s: number, pt: number, pl: number): void;
}

const instances = new WeakMap<WebAssembly.Memory, SimdExports>();
let compiled: WebAssembly.Module | undefined;

/** The kernel module instantiated on `memory` (one instance per backend memory). */
function simdFor(memory: WebAssembly.Memory): SimdExports {
  let inst = instances.get(memory);
  if (!inst) {
    compiled ??= new WebAssembly.Module(Buffer.from(KERNEL_WASM['conv-grad'], 'base64'));
    inst = new WebAssembly.Instance(compiled, { env: { memory } }).exports as unknown as SimdExports;
    instances.set(memory, inst);
  }
  return inst;
}

function memoryOf(backend: WasmBackendLike): WebAssembly.Memory | undefined {
  return backend.wasm.asm?.memory ?? backend.wasm.wasmMemory;
}

function offset(backend: WasmBackendLike, t: TensorInfoLike): number {
  const d = backend.dataIdMap.get(t.dataId);
  if (!d) throw new Error('tensor not on the wasm backend');
  return d.memoryOffset;
}

type Conv2DInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;

function convInfo(xShape: number[], filterShape: number[], attrs: tf.NamedAttrMap): Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as [number, number] | number,
    1,
    attrs.pad as 'valid' | 'same' | number,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    false,
    'channelsLast',
  );
}

function simdConvOk(info: Conv2DInfo, attrs: tf.NamedAttrMap): boolean {
  return (attrs.dataFormat === undefined || attrs.dataFormat === 'NHWC')
    && info.dilationHeight === 1 && info.dilationWidth === 1
    && info.strideHeight === info.strideWidth
    && info.outChannels % 4 === 0;
}

/** Plain-JS Conv2DBackpropFilter (Float64 accumulation) for shapes the SIMD kernel does not take. */
export function convBackpropFilterJs(x: Float32Array, dy: Float32Array, info: Conv2DInfo): Float32Array {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow, outChannels: co,
    filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const pt = info.padInfo.top, pl = info.padInfo.left;
  const acc = new Float64Array(kh * kw * c * co);
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const dyo = ((b * oh + i) * ow + j) * co;
        for (let a = 0; a < kh; a++) {
          const ih = i * sh + a - pt;
          if (ih < 0 || ih >= h) continue;
          for (let e = 0; e < kw; e++) {
            const iw = j * sw + e - pl;
            if (iw < 0 || iw >= w) continue;
            const xo = ((b * h + ih) * w + iw) * c;
            const wo = (a * kw + e) * c * co;
            for (let q = 0; q < c; q++) {
              const xv = x[xo + q];
              if (xv === 0) continue;
              const base = wo + q * co;
              for (let o = 0; o < co; o++) acc[base + o] += xv * dy[dyo + o];
            }
          }
        }
      }
    }
  }
  return Float32Array.from(acc);
}

let registered = false;

type Pool2DInfo = ReturnType<typeof tf.backend_util.computePool2DInfo>;

/** Plain-JS MaxPoolGrad: each dy goes to the first maximum of its window (row-major), as tfjs's cpu kernel. */
function maxPoolGradJs(x: Float32Array, dy: Float32Array, dx: Float32Array, info: Pool2DInfo): void {
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow, filterHeight: fh, filterWidth: fw,
    strideHeight: sh, strideWidth: sw } = info;
  const pt = info.padInfo.top, pl = info.padInfo.left;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        for (let q = 0; q < c; q++) {
          let best = -Infinity, at = -1;
          for (let a = 0; a < fh; a++) {
            const ih = i * sh + a - pt;
            if (ih < 0 || ih >= h) continue;
            for (let e = 0; e < fw; e++) {
              const iw = j * sw + e - pl;
              if (iw < 0 || iw >= w) continue;
              const k = ((b * h + ih) * w + iw) * c + q;
              if (x[k] > best) { best = x[k]; at = k; }
            }
          }
          if (at >= 0) dx[at] += dy[((b * oh + i) * ow + j) * c + q];
        }
      }
    }
  }
}

/**
 * Xᵀ·Y or X·Yᵀ for a one-column (or few-column) operand, as the output layer's gradients are: plain JS on heap
 * views beats the transpose + stock matmul by ~10× at these sizes.
 */
function smallMatMul(be: WasmBackendLike, a: TensorInfoLike, b: TensorInfoLike, ta: boolean): tf.TensorInfo | undefined {
  const [ar, ac] = a.shape.slice(-2), [br, bc] = b.shape.slice(-2);
  const m = ta ? ac : ar, k = ta ? ar : ac, n = ta ? bc : br;
  if (m * n * k > 1 << 18) return undefined;
  const out = be.makeOutput([...(a.shape.length >= b.shape.length ? a.shape : b.shape).slice(0, -2), m, n], 'float32');
  const o = be.typedArrayFromHeap(out), x = be.typedArrayFromHeap(a), y = be.typedArrayFromHeap(b);
  if (ta && n === 1) {
    // o[i] = Σ_r x[r, i] · y[r] (the output layer's weight gradient), row by row
    const acc = new Float64Array(m);
    for (let r = 0; r < k; r++) {
      const yr = y[r], base = r * m;
      for (let i = 0; i < m; i++) acc[i] += x[base + i] * yr;
    }
    o.set(acc);
  } else if (!ta && k === 1) {
    // o[i, j] = x[i] · y[j] (an outer product: the gradient through the output layer)
    for (let i = 0; i < m; i++) {
      const xi = x[i], base = i * n;
      for (let j = 0; j < n; j++) o[base + j] = xi * y[j];
    }
  } else if (ta) {
    // o[i, j] = Σ_r x[r, i] · y[r, j]
    o.fill(0);
    for (let r = 0; r < k; r++) {
      for (let i = 0; i < m; i++) {
        const xv = x[r * m + i];
        for (let j = 0; j < n; j++) o[i * n + j] += xv * y[r * n + j];
      }
    }
  } else {
    // o[i, j] = Σ_r x[i, r] · y[j, r]
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let r = 0; r < k; r++) s += x[i * k + r] * y[j * k + r];
        o[i * n + j] = s;
      }
    }
  }
  return out as tf.TensorInfo;
}

/**
 * Our own kernel (wasm only): inputs {dy, y} of shape (…, C) with C a multiple of 4, attr relu (boolean);
 * outputs [dpre, db]: the gradient before a bias + (relu | linear) activation and the bias gradient.
 */
export const BIAS_ACT_GRAD = 'HmlBiasActGrad';

/** Whether the SIMD kernels are registered (on the wasm backend). */
export function simdKernelsRegistered(): boolean {
  return registered;
}

/**
 * Registers the kernels on the `wasm` backend (idempotent). Returns true when the SIMD kernels are in place.
 * Must run after the wasm backend is initialised (its memory must exist).
 */
export function registerSimdKernels(): boolean {
  if (registered) return true;
  if (typeof WebAssembly.validate !== 'function' || !WebAssembly.validate(Buffer.from(KERNEL_WASM['conv-grad'], 'base64'))) return false;

  const origInput = tf.getKernel('Conv2DBackpropInput', 'wasm');
  const origPoolGrad = tf.getKernel('MaxPoolGrad', 'wasm');

  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs = {} }) => {
      const be = backend as WasmBackendLike;
      const x = inputs.x as TensorInfoLike, dy = inputs.dy as TensorInfoLike;
      const info = convInfo(x.shape, attrs.filterShape as number[], attrs);
      const out = be.makeOutput(attrs.filterShape as number[], 'float32');
      const memory = memoryOf(be);
      if (memory && simdConvOk(info, attrs)) {
        be.typedArrayFromHeap(out).fill(0);
        simdFor(memory).conv_bwd_filter(offset(be, x), offset(be, dy), offset(be, out), info.batchSize, info.inHeight,
          info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.outChannels, info.filterHeight,
          info.filterWidth, info.strideHeight, info.padInfo.top, info.padInfo.left);
      } else {
        const r = convBackpropFilterJs(be.typedArrayFromHeap(x), be.typedArrayFromHeap(dy), info);
        be.typedArrayFromHeap(out).set(r);
      }
      return out as tf.TensorInfo;
    },
  });

  const fusedConv = tf.getKernel('FusedConv2D', 'wasm');
  if (origInput) {
    tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
    tf.registerKernel({
      kernelName: 'Conv2DBackpropInput',
      backendName: 'wasm',
      kernelFunc: (args) => {
        const { inputs, backend, attrs = {} } = args;
        const be = backend as WasmBackendLike;
        const dy = inputs.dy as TensorInfoLike, filter = inputs.filter as TensorInfoLike;
        const info = convInfo(attrs.inputShape as number[], filter.shape, attrs);
        const memory = memoryOf(be);
        if (!memory || !simdConvOk(info, attrs)) return origInput.kernelFunc(args);
        if (fusedConv && info.strideHeight === 1 && info.filterHeight % 2 === 1 && info.filterWidth % 2 === 1
          && info.padInfo.top === (info.filterHeight - 1) / 2 && info.padInfo.left === (info.filterWidth - 1) / 2
          && info.padInfo.bottom === info.padInfo.top && info.padInfo.right === info.padInfo.left
          && info.outHeight === info.inHeight && info.outWidth === info.inWidth) {
          // Stride 1, 'same' padding, odd kernel: dx is the 'same' convolution of dy with the kernel rotated by
          // 180° and its channel axes swapped, which XNNPACK's forward convolution does 2–3× faster than a
          // dedicated backward loop.
          const { filterHeight: kh, filterWidth: kw, inChannels: c, outChannels: co } = info;
          const rot = be.makeOutput([kh, kw, co, c], 'float32');
          const dst = be.typedArrayFromHeap(rot), src = be.typedArrayFromHeap(filter);
          for (let a = 0; a < kh; a++) {
            for (let e = 0; e < kw; e++) {
              const so = ((kh - 1 - a) * kw + (kw - 1 - e)) * c * co, d0 = (a * kw + e) * co * c;
              for (let q = 0; q < c; q++) for (let o = 0; o < co; o++) dst[d0 + o * c + q] = src[so + q * co + o];
            }
          }
          const out = fusedConv.kernelFunc({
            inputs: { x: dy as tf.TensorInfo, filter: rot as tf.TensorInfo }, backend,
            attrs: { strides: [1, 1], pad: 'same', dilations: [1, 1], dataFormat: 'NHWC', activation: 'linear' },
          });
          (backend as { disposeData(id: object): void }).disposeData(rot.dataId);
          return out;
        }
        const out = be.makeOutput(attrs.inputShape as number[], 'float32');
        be.typedArrayFromHeap(out).fill(0);
        simdFor(memory).conv_bwd_input(offset(be, dy), offset(be, filter), offset(be, out), info.batchSize, info.inHeight,
          info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.outChannels, info.filterHeight,
          info.filterWidth, info.strideHeight, info.padInfo.top, info.padInfo.left);
        return out as tf.TensorInfo;
      },
    });
  }

  if (origPoolGrad) {
    tf.unregisterKernel('MaxPoolGrad', 'wasm');
    tf.registerKernel({
      kernelName: 'MaxPoolGrad',
      backendName: 'wasm',
      kernelFunc: (args) => {
        const { inputs, backend, attrs = {} } = args;
        const be = backend as WasmBackendLike;
        const dy = inputs.dy as TensorInfoLike, x = inputs.input as TensorInfoLike;
        const info = tf.backend_util.computePool2DInfo(x.shape as [number, number, number, number],
          attrs.filterSize as [number, number] | number, attrs.strides as [number, number] | number, 1,
          attrs.pad as 'valid' | 'same' | number, attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined);
        const memory = memoryOf(be);
        const out = be.makeOutput(x.shape, 'float32');
        be.typedArrayFromHeap(out).fill(0);
        if (!memory || info.inChannels % 4 !== 0 || info.strideHeight !== info.strideWidth) {
          // The stock wasm MaxPoolGrad (tfjs 4.22) routes gradients to the wrong cells for these shapes (see
          // test/methods/nn-kernels.test.ts), so the fallback is ours too.
          maxPoolGradJs(be.typedArrayFromHeap(x), be.typedArrayFromHeap(dy), be.typedArrayFromHeap(out), info);
          return out as tf.TensorInfo;
        }
        simdFor(memory).maxpool_grad(offset(be, x), offset(be, dy), offset(be, out), info.batchSize, info.inHeight,
          info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.filterHeight, info.filterWidth,
          info.strideHeight, info.padInfo.top, info.padInfo.left);
        return out as tf.TensorInfo;
      },
    });
  }
  tf.registerKernel({
    kernelName: BIAS_ACT_GRAD,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs = {} }) => {
      const be = backend as WasmBackendLike;
      const dy = inputs.dy as TensorInfoLike, y = inputs.y as TensorInfoLike;
      const cols = dy.shape[dy.shape.length - 1];
      const rows = dy.shape.reduce((a, b) => a * b, 1) / cols;
      const memory = memoryOf(be);
      if (!memory || cols % 4 !== 0) throw new Error(`${BIAS_ACT_GRAD} needs a multiple of 4 columns`);
      const dpre = be.makeOutput(dy.shape, 'float32');
      const db = be.makeOutput([cols], 'float32');
      simdFor(memory).bias_act_grad(offset(be, dy), offset(be, y), offset(be, dpre), offset(be, db), rows, cols, attrs.relu ? 1 : 0);
      return [dpre, db] as tf.TensorInfo[];
    },
  });

  const origMatMul = tf.getKernel('BatchMatMul', 'wasm');
  const transpose = tf.getKernel('Transpose', 'wasm');
  if (origMatMul && transpose) {
    tf.unregisterKernel('BatchMatMul', 'wasm');
    tf.registerKernel({
      kernelName: 'BatchMatMul',
      backendName: 'wasm',
      kernelFunc: (args) => batchMatMul(args, origMatMul.kernelFunc, transpose.kernelFunc),
    });
  }
  registered = true;
  return true;
}

/**
 * The stock wasm BatchMatMul is ~10× slower with a transposed operand (strided reads), and dense-layer gradients
 * are exactly those: dW = Xᵀ·dY (TN) and dX = dY·Wᵀ (NT). TN is the 1×1 case of our
 * convolution filter-gradient kernel; tiny one-column products run in JS; everything else transposes the operand
 * explicitly (cheap next to the product: for NT it is the small weight matrix) and takes the stock NN path.
 */
function batchMatMul(args: Parameters<tf.KernelFunc>[0], orig: tf.KernelFunc, transposeKernel: tf.KernelFunc): tf.TensorInfo | tf.TensorInfo[] {
  const { inputs, backend, attrs = {} } = args;
  const a = inputs.a as TensorInfoLike, b = inputs.b as TensorInfoLike;
  const ta = attrs.transposeA === true, tb = attrs.transposeB === true;
  if ((!ta && !tb) || a.dtype !== 'float32' || b.dtype !== 'float32') return orig(args);
  const be = backend as WasmBackendLike;
  const memory = memoryOf(be);
  const ra = a.shape.length, rb = b.shape.length;
  const batchA = a.shape.slice(0, -2).reduce((x, y) => x * y, 1), batchB = b.shape.slice(0, -2).reduce((x, y) => x * y, 1);
  if (batchA === 1 && batchB === 1 && ta !== tb) {
    // out[k, j] = Σ_n a[n, k] · b[n, j] (TN, the weight gradient Xᵀ·dY)
    const [n, k] = a.shape.slice(-2), j = b.shape[rb - 1];
    if (memory && ta && j % 4 === 0) {
      const out = be.makeOutput([...(ra >= rb ? a.shape : b.shape).slice(0, -2), k, j], 'float32');
      be.typedArrayFromHeap(out).fill(0);
      // Rows in tiles of t "pixels" (a 1×1 convolution over n/t images of 1×t, so the kernel's innermost loop runs
      // over the tile's rows): each tile stays in cache while all output rows accumulate over it.
      let t = 64;
      while (n % t !== 0) t >>= 1;
      simdFor(memory).conv_bwd_filter(offset(be, a), offset(be, b), offset(be, out), n / t, 1, t, k, 1, t, j, 1, 1, 1, 0, 0);
      return out as tf.TensorInfo;
    }
    const small = smallMatMul(be, a, b, ta);
    if (small) return small;
  }
  const perm = (r: number): number[] => [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2];
  const disposeLater: TensorInfoLike[] = [];
  const at = ta ? (transposeKernel({ inputs: { x: a as tf.TensorInfo }, backend, attrs: { perm: perm(ra) } }) as tf.TensorInfo) : (a as tf.TensorInfo);
  if (ta) disposeLater.push(at);
  const bt = tb ? (transposeKernel({ inputs: { x: b as tf.TensorInfo }, backend, attrs: { perm: perm(rb) } }) as tf.TensorInfo) : (b as tf.TensorInfo);
  if (tb) disposeLater.push(bt);
  const out = orig({ inputs: { a: at, b: bt }, backend, attrs: { ...attrs, transposeA: false, transposeB: false } });
  for (const t of disposeLater) (backend as { disposeData(id: object): void }).disposeData(t.dataId);
  return out;
}

/** Which kernels this module replaces or adds on the wasm backend (for reports and tests). */
export const SIMD_KERNELS = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPoolGrad', 'BatchMatMul'] as const;
