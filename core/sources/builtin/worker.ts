/**
 * Worker-thread entry of the built-in generator: receives chunk requests, answers with the chunk's EventBatch
 * (typed arrays transferred, not copied). Runs from tsx (core/sources/builtin/worker.ts) and from the bundle
 * (dist/builtin-worker.mjs, built by scripts/build.mjs).
 */
import { parentPort } from 'node:worker_threads';
import { generateChunk, type ChunkRequest } from './chunk';
import { batchBuffers } from './output';

const port = parentPort;
if (port) {
  port.on('message', (req: ChunkRequest) => {
    try {
      const batch = generateChunk(req);
      port.postMessage({ chunk: req.chunk, batch }, batchBuffers(batch));
    } catch (err) {
      port.postMessage({ chunk: req.chunk, error: err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err) });
    }
  });
  port.postMessage({ ready: true });
}
