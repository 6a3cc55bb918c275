import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { HmlError } from '../../util/errors';
import { registerSimdKernels } from './kernels/register';

/**
 * Backend selection for the networks (ARCHITECTURE.md "Technology choices"):
 *   1. `@tensorflow/tfjs-node` when it is installed (an optional dependency: its install downloads libtensorflow);
 *   2. else tfjs's `wasm` backend with our WebAssembly-SIMD gradient kernels registered (kernels/register.ts);
 *   3. else tfjs's stock `cpu` backend (correct but very slow for convolutions).
 * The choice is made once per process; `nnBackend()` returns the name that runs, for TrainResult.backend.
 */
export type BackendPreference = 'auto' | 'node' | 'wasm' | 'cpu';

export interface NnBackend {
  /** `tfjs-node`, `tfjs-wasm+simd`, `tfjs-wasm` (no SIMD kernels) or `tfjs-cpu`. */
  readonly name: string;
  /** The tfjs backend name (`tensorflow`, `wasm`, `cpu`). */
  readonly tfBackend: string;
}

let current: Promise<NnBackend> | undefined;
let currentPreference: BackendPreference | undefined;

/**
 * Selects and initialises the backend. `HML_NN_BACKEND` (auto | node | wasm | cpu) overrides `preference`, so a
 * user or a benchmark can force one. Calling again with another preference switches backends.
 */
export function initNnBackend(preference: BackendPreference = 'auto'): Promise<NnBackend> {
  const env = process.env.HML_NN_BACKEND as BackendPreference | undefined;
  const pref = env && ['auto', 'node', 'wasm', 'cpu'].includes(env) ? env : preference;
  if (current && currentPreference === pref) return current;
  currentPreference = pref;
  current = select(pref);
  return current;
}

async function select(pref: BackendPreference): Promise<NnBackend> {
  if (pref === 'auto' || pref === 'node') {
    if (await tryTfjsNode()) return { name: 'tfjs-node', tfBackend: 'tensorflow' };
    if (pref === 'node') {
      throw new HmlError('nn-backend', "HML_NN_BACKEND asks for '@tensorflow/tfjs-node', which is not installed (or failed to load); install it with `npm install @tensorflow/tfjs-node`, or set HML_NN_BACKEND=auto to use the built-in wasm backend", { exitCode: 1 });
    }
  }
  if (pref === 'auto' || pref === 'wasm') {
    try {
      await initWasm();
      const simd = registerSimdKernels();
      return { name: simd ? 'tfjs-wasm+simd' : 'tfjs-wasm', tfBackend: 'wasm' };
    } catch (err) {
      if (pref === 'wasm') throw err;
    }
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return { name: 'tfjs-cpu', tfBackend: 'cpu' };
}

async function tryTfjsNode(): Promise<boolean> {
  // A computed specifier keeps bundlers and tsc from resolving the optional package at build time.
  const spec = ['@tensorflow', 'tfjs-node'].join('/');
  try {
    await import(spec);
    await tf.setBackend('tensorflow');
    await tf.ready();
    return tf.getBackend() === 'tensorflow';
  } catch {
    return false;
  }
}

let wasmRegistered = false;

async function initWasm(): Promise<void> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (!wasmRegistered) {
    // The .wasm binaries sit in the package's dist/; resolving the package from here works under tsx and from the
    // esbuild bundle (where tfjs-backend-wasm stays external and is resolved from node_modules beside dist/).
    const req = createRequire(import.meta.url);
    const dir = join(dirname(req.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
    wasm.setWasmPaths(dir + '/');
    wasmRegistered = true;
  }
  const ok = await tf.setBackend('wasm');
  if (!ok) throw new Error('the tfjs wasm backend failed to initialise');
  await tf.ready();
}

/** The backend that runs now (initialising with `auto` if needed). */
export async function nnBackend(): Promise<NnBackend> {
  return initNnBackend(currentPreference ?? 'auto');
}

export { tf };
