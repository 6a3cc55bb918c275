/**
 * Reconstruction of a stream of event batches on worker threads, in order: up to 2 × workers batches are in
 * flight, results come back in input order, so the output is the same batch for batch whatever the number of
 * threads (reconstruction is a pure function of one batch). Without a worker entry (or with one thread) it runs
 * in process.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EventBatch } from '../physics/events';
import { HmlError, type SourceLocation } from '../util/errors';
import { reconstructionDelta, type Reconstruction } from './reconstruction';

/** Every distinct ArrayBuffer under a batch (decoded chunks share one), for a postMessage transfer list. */
export function batchTransferList(b: EventBatch): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const add = (a: { buffer: ArrayBufferLike }): void => {
    if (a.buffer instanceof ArrayBuffer) out.add(a.buffer);
  };
  add(b.weights);
  for (const c of b.collections.values()) {
    for (const a of [c.offsets, c.px, c.py, c.pz, c.e, ...Object.values(c.fields)]) add(a);
    if (c.constituents) {
      add(c.constituents.offsets);
      add(c.constituents.index);
    }
  }
  return [...out];
}

/** dist/reconstruct-worker.mjs next to the bundle, or, from sources (tsx), the bootstrap next to this file. */
function workerEntry(): URL | undefined {
  for (const rel of ['./reconstruct-worker.mjs', './reconstruct-worker-dev.mjs']) {
    const u = new URL(rel, import.meta.url);
    if (u.protocol === 'file:' && existsSync(fileURLToPath(u))) return u;
  }
  return undefined;
}

interface Reply {
  ready?: boolean;
  id?: number;
  batch?: EventBatch;
  error?: { message: string; code?: string; location?: SourceLocation };
}

type Settle = { resolve: (b: EventBatch) => void; reject: (e: Error) => void };

class ReconstructPool {
  private readonly idle: Worker[] = [];
  private readonly queue: { id: number; batch: EventBatch }[] = [];
  private readonly waiting = new Map<number, Settle>();
  private readonly busy = new Map<Worker, number>();
  private readonly workers: Worker[] = [];
  private failed: Error | undefined;
  private closing = false;

  constructor(entry: URL, n: number, private readonly reconstruction: Reconstruction) {
    for (let k = 0; k < n; k++) {
      const w = new Worker(entry);
      w.on('message', (m: Reply) => {
        if (!m.ready) {
          const id = this.busy.get(w)!;
          this.busy.delete(w);
          const s = this.waiting.get(id);
          this.waiting.delete(id);
          if (m.error) s?.reject(new HmlError(m.error.code ?? 'reconstruction', m.error.message, { exitCode: 1, location: m.error.location }));
          else s?.resolve(m.batch!);
        }
        this.idle.push(w);
        this.pump();
      });
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => {
        if (code !== 0 && !this.closing) this.fail(new Error(`reconstruction worker exited with code ${code}`));
      });
      this.workers.push(w);
    }
  }

  private fail(e: Error): void {
    this.failed ??= e;
    for (const s of this.waiting.values()) s.reject(e);
    this.waiting.clear();
    this.queue.length = 0;
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const w = this.idle.shift()!;
      const job = this.queue.shift()!;
      this.busy.set(w, job.id);
      w.postMessage({ id: job.id, batch: job.batch, reconstruction: this.reconstruction }, batchTransferList(job.batch));
    }
  }

  run(id: number, batch: EventBatch): Promise<EventBatch> {
    return new Promise((resolve, reject) => {
      if (this.failed) return reject(this.failed);
      this.waiting.set(id, { resolve, reject });
      this.queue.push({ id, batch });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Yields what `reconstruction` adds to each batch of `input` (`reconstructionDelta`), in input order, using
 * `threads` worker threads (in process when 1 or when no worker entry exists).
 */
export async function* reconstructBatches(input: AsyncIterable<EventBatch>, reconstruction: Reconstruction, threads: number): AsyncGenerator<EventBatch> {
  const entry = threads > 1 ? workerEntry() : undefined;
  if (!entry) {
    for await (const b of input) yield reconstructionDelta(b, reconstruction);
    return;
  }
  const pool = new ReconstructPool(entry, threads, reconstruction);
  const inFlight: Promise<EventBatch>[] = [];
  let id = 0;
  try {
    for await (const b of input) {
      const p = pool.run(id++, b);
      p.catch(() => undefined); // awaited below in order; a batch still in flight when the consumer stops is not unhandled
      inFlight.push(p);
      if (inFlight.length >= 2 * threads) yield await inFlight.shift()!;
    }
    while (inFlight.length > 0) yield await inFlight.shift()!;
  } finally {
    await pool.close();
  }
}
