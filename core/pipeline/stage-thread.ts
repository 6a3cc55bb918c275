/**
 * Runs a stage executor on a worker thread (stage-worker.ts) with the same context the runner gives it in
 * process: same inputs, output folder and seed, so the output is identical; only the thread differs.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { HmlError, type SourceLocation } from '../util/errors';
import type { PlannedStage, StageContext, StageInput, StageSummary } from './types';

/** What the parent sends: everything of a StageContext that is data. */
export interface StageJob {
  type: 'run';
  stage: PlannedStage;
  outDir: string;
  scratchDir: string;
  inputs: StageInput[];
  shared: unknown;
  seed: string;
  analysisSeed: number;
  threads: number;
}

export type StageWorkerReply =
  | { type: 'ready' }
  | { type: 'progress'; done: number; total: number; unit: string }
  | { type: 'metric'; name: string; value: number | null; epoch?: number }
  | { type: 'log'; level: 'debug' | 'info' | 'warning' | 'error'; message: string }
  | { type: 'done'; summary: StageSummary }
  | { type: 'error'; error: { name?: string; message: string; code?: string; exitCode?: number; location?: unknown; detail?: string; stack?: string } };

/** dist/stage-worker.mjs next to the bundle, or, from sources (tsx), the bootstrap next to this file. */
export function stageWorkerEntry(): URL | undefined {
  for (const rel of ['./stage-worker.mjs', './stage-worker-dev.mjs']) {
    const u = new URL(rel, import.meta.url);
    if (u.protocol === 'file:' && existsSync(fileURLToPath(u))) return u;
  }
  return undefined;
}

/** Runs `ctx.stage` on a new worker thread; resolves with its summary, rejects with its error. */
export function runInStageWorker(ctx: StageContext, entry: URL): Promise<StageSummary> {
  return new Promise((resolve, reject) => {
    const w = new Worker(entry);
    let settled = false;
    const finish = (f: () => void): void => {
      if (settled) return;
      settled = true;
      ctx.signal.removeEventListener('abort', onAbort);
      void w.terminate();
      f();
    };
    const onAbort = (): void => w.postMessage({ type: 'abort' });
    ctx.signal.addEventListener('abort', onAbort);
    w.on('message', (m: StageWorkerReply) => {
      switch (m.type) {
        case 'ready': {
          const job: StageJob = {
            type: 'run',
            stage: ctx.stage,
            outDir: ctx.outDir,
            scratchDir: ctx.scratchDir,
            inputs: [...ctx.inputs.values()],
            shared: ctx.shared,
            seed: ctx.seed.toString(),
            analysisSeed: ctx.analysisSeed,
            threads: ctx.threads,
          };
          w.postMessage(job);
          if (ctx.signal.aborted) onAbort();
          break;
        }
        case 'progress':
          ctx.progress(m.done, m.total, m.unit);
          break;
        case 'metric':
          ctx.metric(m.name, m.value, m.epoch);
          break;
        case 'log':
          ctx.log(m.level, m.message);
          break;
        case 'done':
          finish(() => resolve(m.summary));
          break;
        case 'error': {
          const e = m.error;
          const err =
            e.name === 'HmlError' && e.code
              ? new HmlError(e.code, e.message, { exitCode: e.exitCode, location: e.location as SourceLocation | undefined, detail: e.detail })
              : Object.assign(new Error(e.message), { code: e.code, stack: e.stack });
          finish(() => reject(err));
          break;
        }
      }
    });
    w.on('error', (err) => finish(() => reject(err)));
    w.on('exit', (code) => finish(() => reject(new HmlError('stage-worker', `${ctx.stage.name}: its worker thread stopped (exit code ${code})`, { exitCode: 1 }))));
  });
}
