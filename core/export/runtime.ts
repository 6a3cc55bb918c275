/**
 * Runs an ONNX model with onnxruntime-node (CPU). Loaded lazily: only export validation and `hml check-bundle`
 * need it, and its native library costs ~30 ms to load.
 */
import { createRequire } from 'node:module';
import { HmlError } from '../util/errors';

interface OrtTensor {
  readonly data: unknown;
  readonly dims: readonly number[];
}
interface OrtSession {
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release?(): Promise<void>;
}
interface OrtModule {
  InferenceSession: { create(model: Uint8Array | string, options?: Record<string, unknown>): Promise<OrtSession> };
  Tensor: new (type: 'float32', data: Float32Array, dims: readonly number[]) => OrtTensor;
  env: { versions?: Record<string, string> };
}

let ortModule: OrtModule | undefined;

export function loadOrt(): OrtModule {
  if (!ortModule) {
    try {
      ortModule = createRequire(import.meta.url)('onnxruntime-node') as OrtModule;
    } catch (e) {
      throw new HmlError('onnxruntime-missing', 'onnxruntime-node is not installed; install it with `ONNXRUNTIME_NODE_INSTALL=skip npm install onnxruntime-node` to validate ONNX models', { exitCode: 1, cause: e });
    }
  }
  return ortModule;
}

export function ortVersion(): string {
  try {
    return loadOrt().env.versions?.node ?? 'unknown';
  } catch {
    return 'not installed';
  }
}

export interface FeedArray {
  data: Float32Array;
  shape: readonly number[];
}

/** Runs `model` on the feeds in batches along axis 0 and returns output `score` flattened. */
export async function runOnnx(model: Uint8Array | string, feeds: Record<string, FeedArray>, output = 'score', batch = 4096): Promise<Float32Array> {
  const ort = loadOrt();
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const n = Object.values(feeds)[0]?.shape[0] ?? 0;
  const out = new Float32Array(n);
  for (let start = 0; start < n; start += batch) {
    const end = Math.min(n, start + batch);
    const f: Record<string, OrtTensor> = {};
    for (const [name, a] of Object.entries(feeds)) {
      const row = a.shape.slice(1).reduce((x, y) => x * y, 1);
      f[name] = new ort.Tensor('float32', a.data.subarray(start * row, end * row), [end - start, ...a.shape.slice(1)]);
    }
    const r = await session.run(f);
    const t = r[output];
    if (!t) throw new HmlError('onnx-output', `the model has no output '${output}'`, { exitCode: 1 });
    out.set(t.data as Float32Array, start);
  }
  await session.release?.();
  return out;
}
