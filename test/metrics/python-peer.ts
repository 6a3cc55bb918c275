import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs a Python snippet with Debian's /usr/bin/python3 (where sklearn and xgboost are installed), handing it
 * float64 arrays as raw little-endian files in a temporary directory. The snippet sees `D` (the directory),
 * `load(name)` → numpy array and `save(name, array)`; arrays it saves come back as Float64Array.
 */
export function runPython(code: string, inputs: Record<string, ArrayLike<number>>, outputs: string[]): Record<string, Float64Array> {
  const dir = mkdtempSync(join(tmpdir(), 'hml-py-'));
  try {
    for (const [name, arr] of Object.entries(inputs)) {
      writeFileSync(join(dir, `${name}.f64`), Buffer.from(Float64Array.from(arr).buffer));
    }
    const prelude = [
      'import sys, numpy as np',
      'D = sys.argv[1]',
      "def load(n): return np.fromfile(D + '/' + n + '.f64', dtype='<f8')",
      "def save(n, a): np.asarray(a, dtype='<f8').ravel().tofile(D + '/' + n + '.f64')",
    ].join('\n');
    execFileSync('/usr/bin/python3', ['-c', `${prelude}\n${code}`, dir], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OMP_NUM_THREADS: '2' } });
    const out: Record<string, Float64Array> = {};
    for (const name of outputs) {
      const b = readFileSync(join(dir, `${name}.f64`));
      out[name] = new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
    }
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
