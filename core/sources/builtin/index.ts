/**
 * The built-in event generator (`engine: builtin`): hard process, shower, hadronisation, underlying event,
 * pile-up and a fast CMS-like detector, on all cores (worker threads), deterministic for a seed whatever the
 * number of workers or the batch size. Reference: PHYSICS.md; departures in docs/physics.md.
 *
 * Units: GeV, radians, pb. Each event carries the weight σ_window / N (CONTRACTS "Event weights").
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { EventBatch } from '../../physics/events';
import { HmlError } from '../../util/errors';
import { CHUNK_EVENTS, type ChunkRequest, type ChunkSettings, generateChunk } from './chunk';
import { concatBatches, sliceBatch } from './output';
import { BUILTIN_PROCESSES, type BuiltinProcess, nominalCrossSection } from './processes';

export { applyBTagging, bTagEfficiency } from './detector';
export { nominalCrossSection, BUILTIN_PROCESSES, type BuiltinProcess } from './processes';
export { CHUNK_EVENTS } from './chunk';
export { TRUTH_HARD, TRUTH_RESONANCE, TRUTH_SHOWER_HEAVY } from './event';

/**
 * Version of the generator's output for the pipeline's stage keys (CONTRACTS "Run directory"): bump it whenever
 * the same settings and seed would give different events, so cached samples are regenerated.
 */
export const BUILTIN_GENERATOR_VERSION = 2;

export interface BuiltinSettings {
  process: BuiltinProcess;
  /** Number of events to generate. */
  events: number;
  /** p_T window [lo, hi] in GeV: boson p_T (z/w/higgs), tagged-top p_T (top), leading-parton p_T (qcd). */
  pt: readonly [number, number];
  /** Centre-of-mass energy in GeV (default 13000; 7–14 TeV accepted with a rough cross-section scaling). */
  sqrtS?: number;
  /** Mean number of pile-up interactions per event (default 0). */
  pileup?: number;
  /** Underlying event (default true). */
  underlyingEvent?: boolean;
  seed: bigint;
  /** Events per yielded batch (default 1000). */
  batchSize?: number;
  /** Cross section override in pb (default: nominalCrossSection). */
  crossSection?: number;
  /** α_s(m_Z) of the shower (default 0.118). */
  alphaSMz?: number;
  /**
   * z-jets / w-jets: the boson recoils against a parton (`parton`, V + jet, default) or against Z → νν̄
   * (`invisible`, pp → VZ(→ νν̄): the topology where the two leading small-R jets are the boson's prongs).
   */
  recoil?: 'parton' | 'invisible';
}

export interface BuiltinOptions {
  /** Worker threads (default: available cores; 0 or 1 = in-process). */
  workers?: number;
  /** Called after each chunk with events done so far and the total. */
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/**
 * Where the worker entry lives: dist/builtin-worker.mjs next to the bundle (dist/cli.mjs), or, from sources
 * (tsx), the bootstrap worker-dev.mjs next to this file that registers tsx inside the worker.
 */
export function builtinWorkerEntry(): URL | undefined {
  for (const rel of ['./builtin-worker.mjs', './worker-dev.mjs']) {
    const u = new URL(rel, import.meta.url);
    if (u.protocol === 'file:' && existsSync(fileURLToPath(u))) return u;
  }
  return undefined;
}

function validate(s: BuiltinSettings): void {
  if (!BUILTIN_PROCESSES.includes(s.process)) {
    throw new HmlError('builtin-process', `unknown built-in process '${String(s.process)}'; use one of ${BUILTIN_PROCESSES.join(', ')}`);
  }
  if (!Number.isInteger(s.events) || s.events <= 0) {
    throw new HmlError('builtin-events', `events must be a positive integer (got ${s.events})`);
  }
  if (s.recoil === 'invisible' && s.process !== 'w-jets' && s.process !== 'z-jets') {
    throw new HmlError('builtin-recoil', `recoil: invisible is available for w-jets and z-jets only (got ${s.process})`);
  }
  if (s.pileup !== undefined && !(s.pileup >= 0 && s.pileup <= 1000)) {
    throw new HmlError('builtin-pileup', `pileup is the mean number of interactions, 0–1000 (got ${s.pileup})`);
  }
}

interface Pending {
  resolve: (b: EventBatch) => void;
  reject: (e: Error) => void;
}

/** A small pool of generator workers; `run` returns the chunk's batch. */
class Pool {
  private workers: Worker[] = [];
  private idle: Worker[] = [];
  private queue: { req: ChunkRequest; p: Pending }[] = [];
  private busy = new Map<Worker, { req: ChunkRequest; p: Pending }>();
  failed: Error | undefined;

  constructor(entry: URL, n: number) {
    for (let k = 0; k < n; k++) {
      const w = new Worker(entry);
      w.on('message', (msg: { ready?: boolean; chunk?: number; batch?: EventBatch; error?: string }) => {
        if (msg.ready) {
          this.idle.push(w);
          this.pump();
          return;
        }
        const job = this.busy.get(w);
        this.busy.delete(w);
        this.idle.push(w);
        if (job) {
          if (msg.error !== undefined) job.p.reject(new HmlError('builtin-worker', `built-in generator failed in chunk ${job.req.chunk}: ${msg.error}`, { exitCode: 1 }));
          else job.p.resolve(msg.batch as EventBatch);
        }
        this.pump();
      });
      w.on('error', (err) => this.fail(w, err));
      w.on('exit', (code) => {
        if (code !== 0 && !this.closing) this.fail(w, new Error(`worker exited with code ${code}`));
      });
      this.workers.push(w);
    }
  }

  private fail(w: Worker, err: Error): void {
    this.failed ??= err;
    const job = this.busy.get(w);
    this.busy.delete(w);
    if (job) job.p.reject(err);
    for (const q of this.queue.splice(0)) q.p.reject(err);
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const w = this.idle.shift() as Worker;
      const job = this.queue.shift() as { req: ChunkRequest; p: Pending };
      this.busy.set(w, job);
      w.postMessage(job.req);
    }
  }

  run(req: ChunkRequest): Promise<EventBatch> {
    return new Promise((resolve, reject) => {
      if (this.failed) {
        reject(this.failed);
        return;
      }
      this.queue.push({ req, p: { resolve, reject } });
      this.pump();
    });
  }

  private closing = false;

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/**
 * Generates `settings.events` events of a built-in process in batches of `batchSize` events. Deterministic for a
 * seed: chunks of CHUNK_EVENTS events are seeded from deriveSeed(seed, chunk index), whatever the workers.
 */
export async function* generateBuiltin(settings: BuiltinSettings, opts: BuiltinOptions = {}): AsyncGenerator<EventBatch> {
  validate(settings);
  const sqrtS = settings.sqrtS ?? 13000;
  const sigma = settings.crossSection ?? nominalCrossSection(settings.process, settings.pt, sqrtS, settings.recoil);
  const total = settings.events;
  const weight = sigma / total;
  const batchSize = Math.max(1, settings.batchSize ?? 1000);
  const cs: ChunkSettings = {
    process: settings.process,
    pt: [settings.pt[0], settings.pt[1]],
    sqrtS,
    pileup: settings.pileup ?? 0,
    underlyingEvent: settings.underlyingEvent ?? true,
    seed: settings.seed.toString(),
    alphaSMz: settings.alphaSMz,
    recoil: settings.recoil,
  };
  const nChunks = Math.ceil(total / CHUNK_EVENTS);
  const request = (c: number): ChunkRequest => {
    const first = c * CHUNK_EVENTS;
    return { settings: cs, chunk: c, firstEvent: first, events: Math.min(CHUNK_EVENTS, total - first), weight };
  };
  const nWorkers = Math.min(opts.workers ?? availableParallelism(), nChunks);
  const entry = nWorkers > 1 ? builtinWorkerEntry() : undefined;
  let pool = entry ? new Pool(entry, nWorkers) : undefined;
  const ahead = new Map<number, Promise<EventBatch>>();
  const window = 2 * nWorkers;
  let pending: EventBatch[] = [];
  let pendingEvents = 0;
  let emitted = 0;
  let done = 0;
  const abortError = (): HmlError => new HmlError('cancelled', 'generation was cancelled', { exitCode: 130 });
  try {
    for (let c = 0; c < nChunks; c++) {
      if (opts.signal?.aborted) throw abortError();
      let batch: EventBatch;
      if (pool) {
        for (let k = c; k < Math.min(nChunks, c + window); k++) {
          if (ahead.has(k)) continue;
          const p = pool.run(request(k));
          p.catch(() => undefined); // chunks still in flight when the consumer stops must not be unhandled rejections
          ahead.set(k, p);
        }
        const p = ahead.get(c) as Promise<EventBatch>;
        ahead.delete(c);
        try {
          batch = await p;
        } catch (err) {
          // A worker that cannot start (no loader for the entry, a sandbox without threads) falls back to
          // in-process generation; the chunk seeds make the result identical.
          if (done > 0 || !(pool.failed)) throw err;
          await pool.close();
          pool = undefined;
          ahead.clear();
          batch = generateChunk(request(c));
        }
      } else {
        batch = generateChunk(request(c));
        await new Promise<void>((r) => setImmediate(r)); // keep the event loop (progress, cancellation) alive
      }
      done += batch.size;
      opts.onProgress?.(done, total);
      pending.push(batch);
      pendingEvents += batch.size;
      while (pendingEvents >= batchSize || (c === nChunks - 1 && pendingEvents > 0)) {
        const merged = concatBatches(pending, emitted);
        const take = Math.min(batchSize, merged.size);
        const out = take === merged.size ? merged : sliceBatch(merged, 0, take);
        const rest = take === merged.size ? undefined : sliceBatch(merged, take, merged.size);
        pending = rest ? [rest] : [];
        pendingEvents = rest ? rest.size : 0;
        emitted += out.size;
        yield out;
        if (opts.signal?.aborted) throw abortError();
      }
    }
  } finally {
    if (pool) await pool.close();
  }
}
