/**
 * Worker-thread entry of the reconstruct stage: receives a batch (buffers transferred) and the `reconstruction:`
 * settings, answers with what reconstruction adds (`reconstructionDelta`, buffers transferred back). Runs from tsx through
 * reconstruct-worker-dev.mjs and from the bundle as dist/reconstruct-worker.mjs (scripts/build.mjs).
 */
import { parentPort } from 'node:worker_threads';
import type { EventBatch } from '../physics/events';
import { batchTransferList } from './batchpool';
import { reconstructionDelta, type Reconstruction } from './reconstruction';

interface Job {
  id: number;
  batch: EventBatch;
  reconstruction: Reconstruction;
}

const port = parentPort;
if (port) {
  port.on('message', (job: Job) => {
    try {
      const out = reconstructionDelta(job.batch, job.reconstruction);
      port.postMessage({ id: job.id, batch: out }, batchTransferList(out));
    } catch (err) {
      // HmlError fields survive as plain data so the stage reports the same code and event number
      const e = err as { message?: string; code?: string; location?: unknown };
      port.postMessage({ id: job.id, error: { message: e?.message ?? String(err), code: e?.code, location: e?.location } });
    }
  });
  port.postMessage({ ready: true });
}
