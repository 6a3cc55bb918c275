import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { initNnBackend, tf } from '../../core/methods/nn/backend';
import { BIAS_ACT_GRAD } from '../../core/methods/nn/kernels/register';
import { Rng } from '../../core/util/random';

/**
 * Our WebAssembly-SIMD kernels on the wasm backend against tfjs's stock `cpu` kernels on the same random inputs
 * (N(0, 1)). Tolerances: absolute 2e-5 × max(1, max |reference|) for the dot-product kernels; the convolution
 * filter gradient sums tens of thousands of float32 terms per output in a different order than the cpu kernel,
 * so it gets 1e-5 relative to the largest reference value (what fast-training.md measured).
 */

type Run = () => tf.Tensor | tf.Tensor[];

function randn(shape: number[], seed: number): Float32Array {
  const rng = new Rng(BigInt(seed));
  const a = new Float32Array(shape.reduce((x, y) => x * y, 1));
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  return a;
}

/** Runs `make` on the cpu backend and on wasm (with our kernels) and returns both outputs as arrays. */
async function onBoth(make: (t: (shape: number[], seed: number) => tf.Tensor) => Run): Promise<{ cpu: Float32Array[]; wasm: Float32Array[] }> {
  const out: Record<string, Float32Array[]> = {};
  for (const backend of ['cpu', 'wasm']) {
    await tf.setBackend(backend);
    const run = make((shape, seed) => tf.tensor(randn(shape, seed), shape));
    const r = run();
    out[backend] = (Array.isArray(r) ? r : [r]).map((t) => Float32Array.from(t.dataSync() as Float32Array));
  }
  return { cpu: out.cpu, wasm: out.wasm };
}

function assertClose(a: Float32Array, ref: Float32Array, relTol: number, what: string): void {
  assert.equal(a.length, ref.length, `${what}: length`);
  let maxRef = 0, maxDiff = 0;
  for (let i = 0; i < ref.length; i++) {
    maxRef = Math.max(maxRef, Math.abs(ref[i]));
    maxDiff = Math.max(maxDiff, Math.abs(a[i] - ref[i]));
  }
  assert.ok(maxDiff <= relTol * Math.max(1, maxRef), `${what}: max |diff| ${maxDiff} > ${relTol} × ${Math.max(1, maxRef)}`);
}

const convCases: { name: string; x: number[]; k: number[]; stride: number; pad: 'same' | 'valid' }[] = [
  { name: 'same 3x3 8→16', x: [16, 12, 12, 8], k: [3, 3, 8, 16], stride: 1, pad: 'same' },
  { name: 'same 3x3 1→8 (first layer)', x: [16, 33, 33, 1], k: [3, 3, 1, 8], stride: 1, pad: 'same' },
  { name: 'valid 3x3 4→12', x: [8, 11, 11, 4], k: [3, 3, 4, 12], stride: 1, pad: 'valid' },
  { name: 'same 5x5 stride 2', x: [8, 13, 13, 3], k: [5, 5, 3, 8], stride: 2, pad: 'same' },
  { name: 'valid 3x3 6→6 (not a multiple of 4: fallbacks)', x: [4, 9, 9, 6], k: [3, 3, 6, 6], stride: 1, pad: 'valid' },
];

describe('nn SIMD kernels agree with tfjs cpu kernels', () => {
  before(async () => {
    const be = await initNnBackend('wasm');
    assert.equal(be.name, 'tfjs-wasm+simd');
  });

  for (const c of convCases) {
    it(`Conv2DBackpropFilter ${c.name}`, async () => {
      const info = tf.backend_util.computeConv2DInfo(c.x as [number, number, number, number], c.k as [number, number, number, number], c.stride, 1, c.pad);
      const dyShape = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
      const r = await onBoth((t) => {
        const x = t(c.x, 1), dy = t(dyShape, 2);
        return () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', filterShape: c.k }) as tf.Tensor;
      });
      assertClose(r.wasm[0], r.cpu[0], 1e-5, 'dW');
    });

    it(`Conv2DBackpropInput ${c.name}`, async () => {
      const info = tf.backend_util.computeConv2DInfo(c.x as [number, number, number, number], c.k as [number, number, number, number], c.stride, 1, c.pad);
      const dyShape = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
      const r = await onBoth((t) => {
        const filter = t(c.k, 3), dy = t(dyShape, 4);
        return () => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x, dilations: 1 }) as tf.Tensor;
      });
      assertClose(r.wasm[0], r.cpu[0], 2e-5, 'dX');
    });
  }

  for (const [name, shape, pool, pad] of [
    ['2x2 valid, odd size', [8, 33, 33, 8], 2, 'valid'],
    ['3x3 same', [4, 10, 10, 16], 3, 'same'],
    ['2x2 valid, 6 channels (JS fallback)', [4, 8, 8, 6], 2, 'valid'],
  ] as const) {
    it(`MaxPoolGrad ${name}`, async () => {
      const r = await onBoth((t) => {
        const x = t([...shape], 5);
        const y = tf.maxPool(x as tf.Tensor4D, pool, pool, pad);
        const dy = t(y.shape, 6);
        return () => tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, { filterSize: pool, strides: pool, pad }) as tf.Tensor;
      });
      assertClose(r.wasm[0], r.cpu[0], 0, 'MaxPoolGrad');
    });
  }

  it('MaxPoolGrad sends each gradient to the first of tied maxima, as the cpu kernel does', async () => {
    const r = await onBoth(() => {
      const x = tf.tensor4d(new Float32Array(2 * 4 * 4 * 4).map((_, i) => Math.floor(i / 37)), [2, 4, 4, 4]);
      const y = tf.maxPool(x, 2, 2, 'valid');
      const dy = tf.onesLike(y);
      return () => tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y }, { filterSize: 2, strides: 2, pad: 'valid' }) as tf.Tensor;
    });
    assertClose(r.wasm[0], r.cpu[0], 0, 'ties');
  });

  for (const [name, a, b, ta, tb] of [
    ['Xᵀ·dY 300×20 · 300×64', [300, 20], [300, 64], true, false],
    ['dY·Wᵀ 300×64 · 20×64', [300, 64], [20, 64], false, true],
    ['Xᵀ·dY one column', [256, 64], [256, 1], true, false],
    ['dY·Wᵀ one column', [256, 1], [64, 1], false, true],
    ['large Xᵀ·dY, 3 columns (transpose fallback)', [3000, 70], [3000, 3], true, false],
    ['batched 3×(5×8)ᵀ·(5×4)', [3, 5, 8], [3, 5, 4], true, false],
  ] as const) {
    it(`BatchMatMul ${name}`, async () => {
      const r = await onBoth((t) => {
        const x = t([...a], 7), y = t([...b], 8);
        return () => tf.matMul(x, y, ta, tb);
      });
      assertClose(r.wasm[0], r.cpu[0], 2e-5, 'matmul');
    });
  }

  it(`${BIAS_ACT_GRAD} equals dy·step(y) and its column sums`, async () => {
    await tf.setBackend('wasm');
    const dy = tf.tensor(randn([50, 7, 16], 9), [50, 7, 16]), y = tf.tensor(randn([50, 7, 16], 10), [50, 7, 16]);
    for (const relu of [true, false]) {
      const [dpre, db] = tf.engine().runKernel(BIAS_ACT_GRAD, { dy, y }, { relu }) as tf.Tensor[];
      const refPre = relu ? tf.mul(dy, tf.step(y)) : dy;
      assertClose(dpre.dataSync() as Float32Array, refPre.dataSync() as Float32Array, 0, 'dpre');
      assertClose(db.dataSync() as Float32Array, tf.sum(tf.reshape(refPre, [-1, 16]), 0).dataSync() as Float32Array, 2e-6, 'db');
    }
  });

  it('the committed kernel binaries are the assembled WAT sources (npm run build regenerates them)', async () => {
    const spec = join(import.meta.dirname, '../../scripts/build-wasm.mjs');
    const mod = (await import(spec)) as { assembleKernels(): Promise<Record<string, Uint8Array>>; generatedSource(m: Record<string, Uint8Array>): string; GENERATED_PATH: string };
    const expected = mod.generatedSource(await mod.assembleKernels());
    assert.equal(readFileSync(mod.GENERATED_PATH, 'utf8'), expected, 'core/methods/nn/kernels/generated.ts is stale: run `node scripts/build-wasm.mjs`');
  });
});
