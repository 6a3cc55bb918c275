import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import * as esbuild from 'esbuild';

/**
 * The networks must run from an esbuild bundle as dist/cli.mjs is built (scripts/build.mjs: ESM, node20, tfjs and
 * its wasm backend external, require shim banner): the wasm backend has to find its .wasm files from the bundle
 * and register on the same tfjs-core instance the bundled code uses.
 */
it('a bundled network trains on the wasm backend with the SIMD kernels', async () => {
  const root = join(import.meta.dirname, '../..');
  const dir = join(root, 'test/.cache/nn-bundle');
  mkdirSync(dir, { recursive: true });
  const entry = join(dir, 'entry.ts');
  writeFileSync(entry, `
import { trainNetwork } from '../../../core/methods/nn';
import { syntheticDataset } from '../../methods/nn-data';
const ds = syntheticDataset('image', { train: 64, validation: 16, test: 16 }, [8, 8, 1], 1, 0.5);
const r = await trainNetwork('cnn', ds, { filters: [4, 8], epochs: 1, batch_size: 32 }, { seed: 1n });
console.log(JSON.stringify({ backend: r.backend, n: r.model.predict(ds.test).length }));
`);
  const out = join(dir, 'bundle.mjs');
  await esbuild.build({
    entryPoints: [entry], outfile: out, bundle: true, platform: 'node', target: 'node20', format: 'esm', logLevel: 'error',
    external: ['@tensorflow/tfjs', '@tensorflow/tfjs-core', '@tensorflow/tfjs-node', '@tensorflow/tfjs-backend-wasm'],
    banner: { js: "import { createRequire as __hmlCreateRequire } from 'node:module'; const require = __hmlCreateRequire(import.meta.url);" },
  });
  const r = spawnSync(process.execPath, [out], { encoding: 'utf8', env: { ...process.env, HML_NN_BACKEND: 'auto' } });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout.trim().split('\n').pop()!), { backend: 'tfjs-wasm+simd', n: 16 });
});
