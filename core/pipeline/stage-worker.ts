/**
 * Worker-thread entry that runs one stage executor off the main thread, so that independent CPU-heavy stages
 * (`--jobs 2`: the datasets of several representations) use several cores. The parent (`runInStageWorker`)
 * forwards progress, metrics, logs and kill points; cancellation arrives as a message. Runs from tsx through
 * stage-worker-dev.mjs and from the bundle as dist/stage-worker.mjs (scripts/build.mjs).
 */
import { parentPort } from 'node:worker_threads';
import { killPoint } from './killpoints';
import { IN_PROCESS_EXECUTORS } from './executors';
import type { StageContext, StageInput } from './types';
import type { StageJob, StageWorkerReply } from './stage-thread';

const port = parentPort;
if (port) {
  const ac = new AbortController();
  const send = (m: StageWorkerReply): void => port.postMessage(m);
  port.on('message', (m: StageJob | { type: 'abort' }) => {
    if (m.type === 'abort') {
      ac.abort();
      return;
    }
    const ctx: StageContext = {
      stage: m.stage,
      outDir: m.outDir,
      scratchDir: m.scratchDir,
      inputs: new Map<string, StageInput>(m.inputs.map((i) => [i.stage, i])),
      shared: m.shared,
      seed: BigInt(m.seed),
      analysisSeed: m.analysisSeed,
      signal: ac.signal,
      threads: m.threads,
      progress: (done, total, unit) => send({ type: 'progress', done, total, unit }),
      metric: (name, value, epoch) => send({ type: 'metric', name, value, epoch }),
      log: (level, message) => send({ type: 'log', level, message }),
      killPoint: (step) => killPoint(m.stage.name, step),
    };
    IN_PROCESS_EXECUTORS[m.stage.kind]
      .execute(ctx)
      .then((summary) => send({ type: 'done', summary: summary ?? {} }))
      .catch((err: unknown) => {
        const e = err as { message?: string; code?: string; exitCode?: number; location?: unknown; detail?: string; stack?: string; name?: string };
        send({ type: 'error', error: { name: e?.name, message: e?.message ?? String(err), code: e?.code, exitCode: e?.exitCode, location: e?.location, detail: e?.detail, stack: e?.stack } });
      });
  });
  send({ type: 'ready' });
}
