import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { HmlError } from '../../util/errors';
import { buildHist, chunkCount, codesRange, chunkStart, CTRL, gradientRange, marginRange, MAX_CHUNKS, runShare, slotCount, SPIN_MS, TASK, type Codes, type SharedArrays, type SharedTree, type SplitBatch } from './kernels';

/** A node to split (see `Engine.splitNodes`); `mid` and `hist` receive the results. */
export interface SplitJob {
  begin: number;
  end: number;
  feature: number;
  bin: number;
  defaultLeft: boolean;
  mid: number;
  hist: Float64Array;
}

/** Rows at positions [begin, end) of `rows` get `left`, or, with a `feature` ≥ 0, `left` / `right` by that split. */
export interface Segment {
  begin: number;
  end: number;
  feature: number;
  bin: number;
  defaultLeft: boolean;
  left: number;
  right: number;
}

/**
 * Runs the engine's hot loops (binning, gradients, histograms, partitions, margin updates) on the main thread plus
 * optional worker threads; what stays on the calling thread is the split search and the adding of chunk
 * histograms. A depthwise level costs two tasks whatever its number of nodes (`splitNodes`), so a tree of depth d
 * costs 2(d − 1) + 3 (gradients, root histogram, levels, margins; the last level is not partitioned).
 *
 * Determinism: work is cut into chunks whose boundaries depend only on the row-range length (kernels.ts
 * `chunkCount`), each chunk's partial result goes to its own slot, and the main thread adds the slots in chunk
 * order. Threads take chunks from a shared counter (load balancing), but which thread computes a chunk does not
 * change its result, and one thread runs exactly the same chunks and additions: a model is bit-identical for any
 * thread count.
 *
 * Workers are kept (unref'd) between trainings and block on `Atomics.wait` between tasks, so a task costs a
 * notify and a wait, not a message. Where no worker entry is available (a bundle built without
 * dist/gbdt-worker.mjs), everything runs on the main thread with the same results.
 */
export class Engine {
  /** Cut values per feature (binning.ts), from the binning done by `create`. */
  cuts: Float32Array[] = [];

  private constructor(
    readonly arrays: SharedArrays,
    private readonly workers: Worker[],
  ) {}

  get threads(): number {
    return this.workers.length + 1;
  }

  /**
   * Binds the threads to one training and bins its row-major `features` (n, F) into at most `maxBins` bins per
   * feature, one feature per thread at a time (the cuts and bins of `binTraining`).
   */
  static async create(threads: number, n: number, F: number, features: Float32Array, maxBins: number, y: Float64Array, w: Float64Array | undefined, maxNodes: number): Promise<Engine> {
    const sab = (bytes: number): SharedArrayBuffer => new SharedArrayBuffer(Math.max(8, bytes));
    const f64 = (len: number): Float64Array => new Float64Array(sab(len * 8));
    const sharedCodes: Codes = F <= 256 ? new Uint16Array(sab(n * F * 2)) : new Uint32Array(sab(n * F * 4));
    // workers need the features in shared memory; one thread bins from the caller's array (no copy)
    let sharedFeatures = features;
    if (threads > 1) {
      sharedFeatures = new Float32Array(sab(n * F * 4));
      sharedFeatures.set(features.subarray(0, n * F));
    }
    const shared = (src: Float64Array): Float64Array => {
      const out = f64(src.length);
      out.set(src);
      return out;
    };
    const sharedCols = new Uint8Array(sab(n * F));
    const i32 = (len: number): Int32Array => new Int32Array(sab(len * 4));
    const tree: SharedTree = { feature: i32(maxNodes), bin: i32(maxNodes), defaultLeft: i32(maxNodes), left: i32(maxNodes), right: i32(maxNodes), value: f64(maxNodes) };
    const arrays: SharedArrays = {
      features: sharedFeatures,
      cutsOut: new Float32Array(sab(F * 256 * 4)),
      cutsLen: i32(F),
      codes: sharedCodes,
      cols: sharedCols,
      tree,
      F,
      segBegin: i32(maxNodes),
      segEnd: i32(maxNodes),
      segFeature: i32(maxNodes),
      segBin: i32(maxNodes),
      segDefaultLeft: i32(maxNodes),
      segValue: f64(2 * maxNodes),
      rows: new Uint32Array(sab(n * 4)),
      scratch: new Uint32Array(sab(n * 4)),
      scratchR: new Uint32Array(sab(n * 4)),
      batch: Object.fromEntries(
        ['nodeFeature', 'nodeBin', 'nodeDefaultLeft', 'nodeU0', 'nodeU1', 'uNode', 'uBegin', 'uEnd', 'uLeft', 'uLo', 'uRo', 'hNode', 'hBegin', 'hEnd', 'hRight'].map((k) => [k, i32(slotCount(F))]),
      ) as unknown as SplitBatch,
      gh: f64(2 * n),
      margin: f64(n),
      y: shared(y),
      w: w ? shared(w) : undefined,
      partials: f64(slotCount(F) * F * 512),
      lossPartials: f64(2 * MAX_CHUNKS),
      ctrl: new Int32Array(sab(CTRL.SIZE * 4)),
    };
    let workers = threads > 1 ? await acquireWorkers(threads - 1) : [];
    // bind every worker to this training's arrays before the first task
    try {
      await Promise.all(
        workers.map(
          (wk, i) =>
            new Promise<void>((resolve, reject) => {
              const onMsg = (m: { bound?: number }): void => {
                if (m.bound === i + 1) {
                  wk.off('message', onMsg);
                  resolve();
                }
              };
              wk.on('message', onMsg);
              wk.once('error', reject);
              wk.postMessage({ id: i + 1, arrays });
            }),
        ),
      );
    } catch {
      // a worker that cannot bind: run on the main thread alone (same results)
      poolBroken = true;
      busy = false;
      workers = [];
    }
    arrays.ctrl[CTRL.THREADS] = workers.length + 1;
    const engine = new Engine(arrays, workers);
    arrays.ctrl[CTRL.MAX_BINS] = maxBins;
    engine.run(TASK.BIN, 0, 0, F, false);
    engine.cuts = Array.from({ length: F }, (_, f) => arrays.cutsOut.slice(f * 256, f * 256 + arrays.cutsLen[f]));
    const chunks = chunkCount(n);
    if (chunks === 1) codesRange(arrays, 0, n);
    else engine.run(TASK.CODES, 0, n, chunks, false);
    return engine;
  }

  /** Histogram of rows[begin..end) into `out`. */
  hist(out: Float64Array, begin: number, end: number): void {
    const a = this.arrays;
    const chunks = chunkCount(end - begin);
    if (chunks === 1) {
      buildHist(out, a.codes, a.F, a.rows, begin, end, a.gh);
      return;
    }
    this.run(TASK.HIST, begin, end, chunks, false);
    this.reduce(out, chunks);
  }

  /** Adds the chunk histograms in slots first..first + chunks − 1 in chunk order. */
  private reduce(out: Float64Array, chunks: number, first = 0): void {
    const a = this.arrays;
    const stride = a.F * 512;
    out.set(a.partials.subarray(first * stride, (first + 1) * stride));
    for (let c = first + 1; c < first + chunks; c++) {
      const p = a.partials.subarray(c * stride, (c + 1) * stride);
      for (let i = 0; i < stride; i++) out[i] += p[i];
    }
  }

  /**
   * Splits a batch of nodes: stable partition of each job's rows[begin..end) (bin ≤ `bin` of feature `feature`
   * left, NaN left when `defaultLeft`), setting `job.mid` to the first position of the right part, and the
   * histogram of each job's smaller child (left when mid − begin ≤ end − mid) into `job.hist`, with the chunks and
   * order of additions of `hist()`. Two tasks per batch of up to `slotCount(F)` pieces, whatever the number of
   * nodes: every thread partitions pieces, then builds histogram chunks and places pieces.
   */
  splitNodes(jobs: SplitJob[]): void {
    const cap = slotCount(this.arrays.F);
    let i = 0;
    while (i < jobs.length) {
      let end = i;
      let pieces = 0;
      for (; end < jobs.length; end++) {
        const k = chunkCount(jobs[end].end - jobs[end].begin);
        if (pieces + k > cap) break;
        pieces += k;
      }
      this.splitBatch(jobs.slice(i, end));
      i = end;
    }
  }

  private splitBatch(jobs: SplitJob[]): void {
    const a = this.arrays;
    const b = a.batch;
    let u = 0;
    jobs.forEach((job, j) => {
      const len = job.end - job.begin;
      // pieces only serve the threads (a stable partition does not depend on them)
      const pieces = this.workers.length > 0 ? chunkCount(len) : 1;
      b.nodeFeature[j] = job.feature;
      b.nodeBin[j] = job.bin;
      b.nodeDefaultLeft[j] = job.defaultLeft ? 1 : 0;
      b.nodeU0[j] = u;
      for (let c = 0; c < pieces; c++, u++) {
        b.uNode[u] = j;
        b.uBegin[u] = chunkStart(job.begin, len, pieces, c);
        b.uEnd[u] = chunkStart(job.begin, len, pieces, c + 1);
      }
      b.nodeU1[j] = u;
    });
    this.run(TASK.PARTITION, 0, 0, u, false);
    let h = 0;
    const firstSlot: number[] = [];
    jobs.forEach((job, j) => {
      let lo = job.begin;
      for (let v = b.nodeU0[j]; v < b.nodeU1[j]; v++) lo += b.uLeft[v];
      job.mid = lo;
      let ro = lo;
      lo = job.begin;
      for (let v = b.nodeU0[j]; v < b.nodeU1[j]; v++) {
        b.uLo[v] = lo;
        b.uRo[v] = ro;
        lo += b.uLeft[v];
        ro += b.uEnd[v] - b.uBegin[v] - b.uLeft[v];
      }
      const right = job.mid - job.begin > job.end - job.mid;
      const sb = right ? job.mid : job.begin;
      const se = right ? job.end : job.mid;
      const chunks = chunkCount(se - sb);
      firstSlot.push(h);
      for (let c = 0; c < chunks; c++, h++) {
        b.hNode[h] = j;
        b.hRight[h] = right ? 1 : 0;
        b.hBegin[h] = chunkStart(sb, se - sb, chunks, c);
        b.hEnd[h] = chunkStart(sb, se - sb, chunks, c + 1);
      }
    });
    a.ctrl[CTRL.H_UNITS] = h;
    this.run(TASK.PLACE_HIST, 0, 0, h + u, false);
    jobs.forEach((job, j) => this.reduce(job.hist, (j + 1 < jobs.length ? firstSlot[j + 1] : h) - firstSlot[j], firstSlot[j]));
  }

  /**
   * One parallel pass over all rows: add the tree in `arrays.tree` to the margins (`applyTree`), reset
   * rows[i] = i (`initRows`), then gradients and hessians (unless `gradients` is false); with `withLoss`, returns
   * the mean log-loss at the margins.
   */
  gradients(options: { applyTree: boolean; initRows: boolean; withLoss: boolean; gradients?: boolean }): number {
    const a = this.arrays;
    const n = a.margin.length;
    const chunks = chunkCount(n);
    const grads = options.gradients ?? true;
    const withLoss = options.withLoss && grads;
    a.ctrl[CTRL.APPLY_TREE] = options.applyTree ? 1 : 0;
    a.ctrl[CTRL.INIT_ROWS] = options.initRows ? 1 : 0;
    if (chunks === 1) {
      gradientRange(a, 0, n, { tree: options.applyTree, init: options.initRows, gradients: grads, loss: withLoss, lossAt: 0 });
    } else {
      this.run(grads ? TASK.GRAD : TASK.APPLY, 0, n, chunks, withLoss);
    }
    if (!withLoss) return NaN;
    let l = 0;
    let sw = 0;
    for (let c = 0; c < chunks; c++) {
      l += a.lossPartials[2 * c];
      sw += a.lossPartials[2 * c + 1];
    }
    return sw !== 0 ? l / sw : NaN;
  }

  /** Adds the leaf values of `segments` (see `SharedArrays.segBegin`) to the margins; they cover positions [0, m) of `rows`. */
  addSegments(segments: Segment[], m: number): void {
    const a = this.arrays;
    segments.forEach((g, i) => {
      a.segBegin[i] = g.begin;
      a.segEnd[i] = g.end;
      a.segFeature[i] = g.feature;
      a.segBin[i] = g.bin;
      a.segDefaultLeft[i] = g.defaultLeft ? 1 : 0;
      a.segValue[2 * i] = g.left;
      a.segValue[2 * i + 1] = g.right;
    });
    a.ctrl[CTRL.SEGMENTS] = segments.length;
    const chunks = chunkCount(m);
    if (chunks === 1) marginRange(a, 0, m);
    else this.run(TASK.MARGIN, 0, m, chunks, false);
  }

  private run(task: number, begin: number, end: number, chunks: number, withLoss: boolean): void {
    const a = this.arrays;
    const ctrl = a.ctrl;
    ctrl[CTRL.TASK] = task;
    ctrl[CTRL.BEGIN] = begin;
    ctrl[CTRL.END] = end;
    ctrl[CTRL.CHUNKS] = chunks;
    ctrl[CTRL.WITH_LOSS] = withLoss ? 1 : 0;
    Atomics.store(ctrl, CTRL.NEXT, 0);
    const k = this.workers.length;
    if (k > 0) {
      Atomics.store(ctrl, CTRL.DONE, 0);
      Atomics.add(ctrl, CTRL.GEN, 1);
      Atomics.notify(ctrl, CTRL.GEN);
    }
    runShare(a, 0);
    if (k > 0) waitFor(ctrl, k);
  }

  /** Releases the workers (they go back to the pool for the next training). */
  close(): void {
    if (this.workers.length === 0) return;
    const ctrl = this.arrays.ctrl;
    ctrl[CTRL.TASK] = TASK.STOP;
    Atomics.add(ctrl, CTRL.GEN, 1);
    Atomics.notify(ctrl, CTRL.GEN);
    busy = false;
  }
}

function waitFor(ctrl: Int32Array, k: number): void {
  // poll first (see SPIN_MS), then sleep
  const until = performance.now() + SPIN_MS;
  while (Atomics.load(ctrl, CTRL.DONE) < k && performance.now() < until);
  const deadline = Date.now() + 120_000;
  for (;;) {
    const d = Atomics.load(ctrl, CTRL.DONE);
    if (d >= k) return;
    Atomics.wait(ctrl, CTRL.DONE, d, 1000);
    if (Date.now() > deadline) {
      throw new HmlError('gbdt-worker', 'a gbdt worker thread stopped answering; run again with threads: 1 and report the problem', { exitCode: 1 });
    }
  }
}

const pool: Worker[] = [];
let poolBroken = false;
let busy = false;

/** Up to `k` ready workers, or none when worker threads are unavailable (or already in use by another training). */
async function acquireWorkers(k: number): Promise<Worker[]> {
  if (poolBroken || busy) return [];
  const entry = workerEntry();
  if (!entry) return [];
  try {
    while (pool.length < k) {
      const w = new Worker(entry);
      await new Promise<void>((resolve, reject) => {
        w.once('message', (m: { ready?: boolean }) => (m.ready ? resolve() : reject(new Error('unexpected worker message'))));
        w.once('error', reject);
        w.once('exit', (code) => reject(new Error(`gbdt worker exited with code ${code}`)));
      });
      w.removeAllListeners('exit');
      w.removeAllListeners('error');
      w.on('error', () => (poolBroken = true));
      w.unref();
      pool.push(w);
    }
  } catch {
    poolBroken = true;
    return [];
  }
  busy = true;
  return pool.slice(0, k);
}

/** dist/gbdt-worker.mjs next to the bundle, or, from sources (tsx), the bootstrap next to this file. */
function workerEntry(): URL | undefined {
  for (const rel of ['./gbdt-worker.mjs', './hist-worker-dev.mjs']) {
    const u = new URL(rel, import.meta.url);
    if (u.protocol === 'file:' && existsSync(fileURLToPath(u))) return u;
  }
  return undefined;
}
