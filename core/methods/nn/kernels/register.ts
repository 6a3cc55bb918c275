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
        if (!memory || info.inChannels % 4 !== 0 || info.strideHeight !== info.strideWidth) return origPoolGrad.kernelFunc(args);
        const out = be.makeOutput(x.shape, 'float32');
        be.typedArrayFromHeap(out).fill(0);
        simdFor(memory).maxpool_grad(offset(be, x), offset(be, dy), offset(be, out), info.batchSize, info.inHeight,
          info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.filterHeight, info.filterWidth,
          info.strideHeight, info.padInfo.top, info.padInfo.left);
        return out as tf.TensorInfo;
      },
    });
  }
  registered = true;
  return true;
}

/** Which kernels this module replaces or adds on the wasm backend (for reports and tests). */
export const SIMD_KERNELS = ['Conv2DBackpropFilter', 'Conv2DBackpropInput', 'MaxPoolGrad'] as const;
