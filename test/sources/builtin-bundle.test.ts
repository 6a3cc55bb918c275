// The built-in generator's worker threads from an esbuild bundle (as dist/cli.mjs + dist/builtin-worker.mjs) and
// the in-process fallback when the worker file is missing: both give exactly the events of the source build.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import type { EventBatch } from '../../core/physics/events';
import { generateBuiltin, type BuiltinSettings } from '../../core/sources/builtin/index';

type Module = typeof import('../../core/sources/builtin/index');

async function bundle(dir: string, withWorker: boolean): Promise<Module> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const common = { bundle: true, platform: 'node' as const, format: 'esm' as const, target: 'node20', logLevel: 'error' as const };
  await esbuild.build({ ...common, entryPoints: ['core/sources/builtin/index.ts'], outfile: join(dir, 'cli.mjs') });
  if (withWorker) await esbuild.build({ ...common, entryPoints: ['core/sources/builtin/worker.ts'], outfile: join(dir, 'builtin-worker.mjs') });
  return (await import(pathToFileURL(resolve(dir, 'cli.mjs')).href)) as Module;
}

async function pxOf(gen: Module['generateBuiltin'], s: BuiltinSettings, workers: number): Promise<number[]> {
  const out: number[] = [];
  for await (const b of gen(s, { workers }) as AsyncIterable<EventBatch>) out.push(...b.collections.get('eflowtrack')!.px);
  return out;
}

const settings: BuiltinSettings = { process: 'w-jets', events: 520, pt: [250, 300], seed: 77n };

test('bundled generator uses dist-style worker threads and matches the source build exactly', async () => {
  const ref = await pxOf(generateBuiltin, settings, 1);
  const m = await bundle('test/.cache/builtin-bundle', true);
  assert.match(String(m.builtinWorkerEntry()), /builtin-worker\.mjs$/);
  assert.deepEqual(await pxOf(m.generateBuiltin, settings, 2), ref);
});

test('without a worker file the bundle generates in-process, with the same events', async () => {
  const ref = await pxOf(generateBuiltin, settings, 2);
  const m = await bundle('test/.cache/builtin-bundle-noworker', false);
  assert.equal(m.builtinWorkerEntry(), undefined);
  assert.deepEqual(await pxOf(m.generateBuiltin, settings, 2), ref);
});
