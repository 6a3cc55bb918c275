// Bundles the extension, the language server and the CLI with esbuild (webviews get their own entry points
// once they exist). One command: `npm run build`; `--watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';
import { buildWasm } from './build-wasm.mjs';

const watch = process.argv.includes('--watch');
// Packages that load .wasm / .node files next to their own sources, or are optional at run time, stay external.
const external = [
  'vscode',
  'onnxruntime-node',
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs-backend-wasm',
  // tfjs-backend-wasm (external) requires tfjs-core from node_modules; keeping tfjs external too means one copy of
  // tfjs-core at run time (not a bundled second one) and a bundle ~1 MB smaller.
  '@tensorflow/tfjs',
  '@tensorflow/tfjs-core',
  'h5wasm',
  'jsroot',
];

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  external,
  logLevel: 'warning',
};

const entries = [
  { entryPoints: ['cli/main.ts'], outfile: 'dist/cli.mjs', format: 'esm',
    banner: { js: "import { createRequire as __hmlCreateRequire } from 'node:module'; const require = __hmlCreateRequire(import.meta.url);" } },
  { entryPoints: ['server/main.ts'], outfile: 'dist/server.cjs', format: 'cjs' },
  { entryPoints: ['extension/extension.ts'], outfile: 'dist/extension.cjs', format: 'cjs' },
  // worker thread of the built-in generator, loaded by dist/cli.mjs from next to itself
  { entryPoints: ['core/sources/builtin/worker.ts'], outfile: 'dist/builtin-worker.mjs', format: 'esm' },
  // histogram worker threads of the gradient-boosted trees, loaded by dist/cli.mjs from next to itself
  { entryPoints: ['core/methods/gbdt/hist-worker.ts'], outfile: 'dist/gbdt-worker.mjs', format: 'esm' },
  // jet reconstruction worker threads of the pipeline's reconstruct stage, loaded by dist/cli.mjs from next to itself
  { entryPoints: ['core/pipeline/reconstruct-worker.ts'], outfile: 'dist/reconstruct-worker.mjs', format: 'esm' },
  // a whole stage (datasets with --jobs > 1) on a worker thread of the CLI
  { entryPoints: ['core/pipeline/stage-worker.ts'], outfile: 'dist/stage-worker.mjs', format: 'esm',
    banner: { js: "import { createRequire as __hmlCreateRequire } from 'node:module'; const require = __hmlCreateRequire(import.meta.url);" } },
].filter((e) => existsSync(e.entryPoints[0]));

for (const w of [
  ['webviews/results/main.ts', 'dist/webviews/results.js'],
  ['webviews/event-display/main.ts', 'dist/webviews/event-display.js'],
  ['webviews/dataset/main.ts', 'dist/webviews/dataset.js'],
]) {
  if (existsSync(w[0])) {
    entries.push({ entryPoints: [w[0]], outfile: w[1], format: 'iife', platform: 'browser', target: 'es2022', external: [] });
  }
}

// WebAssembly-SIMD kernels for the networks: .wat sources → committed core/methods/nn/kernels/generated.ts.
await buildWasm();

const contexts = await Promise.all(entries.map((e) => esbuild.context({ ...common, ...e })));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
}
