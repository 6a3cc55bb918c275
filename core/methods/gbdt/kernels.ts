/**
 * The hot loops of the boosting engine (binning, gradients, histograms, partitions, margins), shared by the main
 * thread and the worker threads (hist-worker.ts). Plain functions on typed arrays, no allocation in the loops.
 */
import { FeatureBinner } from './binning';

export type Codes = Uint16Array | Uint32Array;

/**
 * Gradient/hessian histogram of rows[begin..end) into `hist` (zeroed first). `codes` is the row-major matrix of
 * `f · 256 + bin`, so the (g, h) pair of a code lives at hist[2·code], hist[2·code + 1].
 */
export function buildHist(hist: Float64Array, codes: Codes, F: number, rows: Uint32Array, begin: number, end: number, gh: Float64Array): void {
  hist.fill(0);
  addHist(hist, codes, F, rows, begin, end, gh);
}

/** Adds the rows[begin..end) to `hist` (see buildHist). */
export function addHist(hist: Float64Array, codes: Codes, F: number, rows: Uint32Array, begin: number, end: number, gh: Float64Array): void {
  const F2 = F & ~1;
  for (let k = begin; k < end; k++) {
    const r = rows[k];
    const g = gh[2 * r];
    const h = gh[2 * r + 1];
    const o = r * F;
    // two features per iteration: fewer loop branches in the hottest loop of the engine
    let f = 0;
    for (; f < F2; f += 2) {
      const c0 = codes[o + f] << 1;
      const c1 = codes[o + f + 1] << 1;
      hist[c0] += g;
      hist[c0 + 1] += h;
      hist[c1] += g;
      hist[c1 + 1] += h;
    }
    if (f < F) {
      const c = codes[o + f] << 1;
      hist[c] += g;
      hist[c + 1] += h;
    }
  }
}

/**
 * For rows [a, b): first (with `tree`) add the latest tree's leaf value to the margin, then (with `init`)
 * reset rows[i] = i, then g = (p − y)·w, h = max(p(1 − p), 1e-16)·w with p = sigmoid(margin) (unless `gradients`
 * is false). With `loss`, writes the weighted log-loss sum and the weight sum of the range to loss[lossAt],
 * loss[lossAt + 1] (one extra logarithm per row, so only on the rounds that report it).
 */
export function gradientRange(
  a: SharedArrays,
  begin: number,
  end: number,
  options: { tree: boolean; init: boolean; gradients: boolean; loss: boolean; lossAt: number },
): void {
  const { margin, y, w, gh, rows, cols, tree } = a;
  const n = margin.length;
  if (options.tree) for (let i = begin; i < end; i++) margin[i] += treeValue(tree, cols, n, i);
  if (options.init) for (let i = begin; i < end; i++) rows[i] = i;
  if (!options.gradients) return;
  if (!w && !options.loss) {
    // the common case in its own loop (no weight, no loss): the same arithmetic, as (p − y)·1 = p − y exactly
    for (let i = begin; i < end; i++) {
      const p = 1 / (1 + Math.exp(-margin[i]));
      gh[2 * i] = p - y[i];
      const h = p * (1 - p);
      gh[2 * i + 1] = h > 1e-16 ? h : 1e-16;
    }
    return;
  }
  let l = 0;
  let sw = 0;
  for (let i = begin; i < end; i++) {
    const p = 1 / (1 + Math.exp(-margin[i]));
    const wi = w ? w[i] : 1;
    const yi = y[i];
    gh[2 * i] = (p - yi) * wi;
    const h = p * (1 - p);
    gh[2 * i + 1] = (h > 1e-16 ? h : 1e-16) * wi;
    if (options.loss) {
      // −log p for signal, −log(1 − p) for background, clamped so that a saturated p gives a large finite loss
      const q = yi === 1 ? p : 1 - p;
      l -= Math.log(q > 1e-300 ? q : 1e-300) * wi;
      sw += wi;
    }
  }
  if (options.loss) {
    a.lossPartials[options.lossAt] = l;
    a.lossPartials[options.lossAt + 1] = sw;
  }
}

/** Per-thread direction table of the split being partitioned: 1 where a bin goes left. */
const goLeft = new Uint8Array(256);

/** Fills `goLeft` for "bin ≤ `bin`, NaN (MISSING_BIN 255) to the left when `defaultLeft`". */
export function setDirections(bin: number, defaultLeft: boolean): Uint8Array {
  for (let b = 0; b < 256; b++) goLeft[b] = b <= bin ? 1 : 0;
  goLeft[255] = defaultLeft ? 1 : 0;
  return goLeft;
}

/**
 * Splitting a batch of nodes (`Engine.splitNodes`) runs as two tasks of units.
 *
 * PARTITION, unit u (a piece [uBegin, uEnd) of node uNode's positions): its left-going rows go to scratch[uBegin…],
 * its right-going rows to scratchR[uBegin…], both in order, and their count to uLeft[u]. A stable partition is
 * unique, so the pieces change nothing in the result.
 *
 * PLACE_HIST, units 0..hUnits−1 first: histogram chunk h of a node's smaller child, [hBegin, hEnd) in the child's
 * final positions, read straight from the scratch pieces in final order (so it needs no barrier after the
 * placing); then unit hUnits + u copies piece u's two parts to their final positions uLo[u]…, uRo[u]….
 */
export function partitionUnit(a: SharedArrays, u: number): void {
  const { rows, scratch, scratchR, cols, batch } = a;
  const j = batch.uNode[u];
  const f = batch.nodeFeature[j];
  const n = a.margin.length;
  const col = cols.subarray(f * n, (f + 1) * n);
  const dir = setDirections(batch.nodeBin[j], batch.nodeDefaultLeft[j] === 1);
  const cb = batch.uBegin[u];
  const ce = batch.uEnd[u];
  let l = cb;
  let r = cb;
  for (let k = cb; k < ce; k++) {
    const row = rows[k];
    const left = dir[col[row]];
    scratch[l] = row;
    scratchR[r] = row;
    l += left;
    r += 1 - left;
  }
  batch.uLeft[u] = l - cb;
}

export function placeUnit(a: SharedArrays, u: number): void {
  const { rows, scratch, scratchR, batch } = a;
  const cb = batch.uBegin[u];
  const nl = batch.uLeft[u];
  const nr = batch.uEnd[u] - cb - nl;
  rows.set(scratch.subarray(cb, cb + nl), batch.uLo[u]);
  rows.set(scratchR.subarray(cb, cb + nr), batch.uRo[u]);
}

export function histUnit(a: SharedArrays, h: number, out: Float64Array): void {
  const { batch } = a;
  out.fill(0);
  const j = batch.hNode[h];
  const right = batch.hRight[h] === 1;
  const src = right ? a.scratchR : a.scratch;
  const hb = batch.hBegin[h];
  const he = batch.hEnd[h];
  for (let u = batch.nodeU0[j]; u < batch.nodeU1[j]; u++) {
    // piece u holds final positions [p0, p0 + len) of this child at scratch indices uBegin[u]…
    const nl = batch.uLeft[u];
    const p0 = right ? batch.uRo[u] : batch.uLo[u];
    const len = right ? batch.uEnd[u] - batch.uBegin[u] - nl : nl;
    const from = p0 > hb ? p0 : hb;
    const to = p0 + len < he ? p0 + len : he;
    if (from < to) addHist(out, a.codes, a.F, src, batch.uBegin[u] + from - p0, batch.uBegin[u] + to - p0, a.gh);
  }
}

/**
 * Adds the latest tree's leaf values to the margins of the rows at positions [begin, end) of `rows` (see
 * `SharedArrays.segBegin`); disjoint positions are disjoint rows, so chunks never touch the same margin.
 */
export function marginRange(a: SharedArrays, begin: number, end: number): void {
  const { rows, margin, segBegin, segEnd, segFeature, segValue, cols } = a;
  const n = margin.length;
  const count = a.ctrl[CTRL.SEGMENTS];
  for (let s = 0; s < count; s++) {
    const sb = segBegin[s] > begin ? segBegin[s] : begin;
    const se = segEnd[s] < end ? segEnd[s] : end;
    const f = segFeature[s];
    if (f < 0) {
      const v = segValue[2 * s];
      for (let k = sb; k < se; k++) margin[rows[k]] += v;
    } else if (sb < se) {
      // both values picked from a two-entry table (branch-free and exactly the leaf values)
      const dir = setDirections(a.segBin[s], a.segDefaultLeft[s] === 1);
      const col = cols.subarray(f * n, (f + 1) * n);
      const right = 2 * s + 1;
      for (let k = sb; k < se; k++) {
        const row = rows[k];
        margin[row] += segValue[right - dir[col[row]]];
      }
    }
  }
}

let binner: FeatureBinner | undefined;

/** Bins feature f (one thread per feature; the same code and result as `binTraining`). */
export function binFeature(a: SharedArrays, f: number): void {
  const n = a.margin.length;
  if (!binner || binner.n !== n) binner = new FeatureBinner(n);
  const c = binner.bin(a.features, a.F, f, a.ctrl[CTRL.MAX_BINS], a.cols.subarray(f * n, (f + 1) * n));
  a.cutsOut.set(c, f * 256);
  a.cutsLen[f] = c.length;
}

/** Row-major codes f · 256 + bin of the rows [begin, end) from the column-major bins. */
export function codesRange(a: SharedArrays, begin: number, end: number): void {
  const { codes, cols, F } = a;
  const n = a.margin.length;
  for (let i = begin; i < end; i++) {
    const o = i * F;
    for (let f = 0; f < F; f++) codes[o + f] = f * 256 + cols[f * n + i];
  }
}

/**
 * Fixed chunking of a row range: depends only on the range length, never on the number of threads, so that
 * chunk partial sums added in chunk order give the same floating-point result for any thread count.
 */
export const MIN_CHUNK = 4096;
export const MAX_CHUNKS = 16;

export function chunkCount(length: number): number {
  return length < 2 * MIN_CHUNK ? 1 : Math.min(MAX_CHUNKS, Math.floor(length / MIN_CHUNK));
}

export function chunkStart(begin: number, length: number, chunks: number, i: number): number {
  return begin + Math.floor((i * length) / chunks);
}

/** How long a thread polls for the next task (or for the others to finish) before it sleeps, in ms. */
export const SPIN_MS = 1;

/** Slots of the shared control block (Int32Array) between the main thread and the workers. */
export const CTRL = { GEN: 0, DONE: 1, TASK: 2, BEGIN: 3, END: 4, CHUNKS: 5, THREADS: 6, WITH_LOSS: 7, APPLY_TREE: 8, INIT_ROWS: 9, NEXT: 10, H_UNITS: 11, SEGMENTS: 12, MAX_BINS: 13, SIZE: 14 } as const;
export const TASK = { STOP: 0, HIST: 1, GRAD: 2, APPLY: 3, PARTITION: 4, PLACE_HIST: 5, MARGIN: 6, BIN: 7, CODES: 8 } as const;

/**
 * The latest tree in flat form for `applyTree`: per node feature (−1 at leaves), split bin, NaN direction,
 * children, and leaf value; `nodes` = node count in slot 0 of `meta`.
 */
export interface SharedTree {
  feature: Int32Array;
  bin: Int32Array;
  defaultLeft: Int32Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
}

/** Leaf value of row i (column-major bins `cols`, n rows). */
export function treeValue(t: SharedTree, cols: Uint8Array, n: number, i: number): number {
  const { feature, bin, defaultLeft, left, right } = t;
  let k = 0;
  let f = feature[0];
  while (f >= 0) {
    const b = cols[f * n + i];
    k = (b === 255 ? defaultLeft[k] === 1 : b <= bin[k]) ? left[k] : right[k];
    f = feature[k];
  }
  return t.value[k];
}

/** Number of histogram slots in `partials`, and the most pieces or histogram chunks of one node batch. */
export function slotCount(F: number): number {
  return F <= 64 ? 64 : MAX_CHUNKS;
}

/** The node batch being split (see `partitionUnit`); per node j and per unit u, `slotCount` entries each. */
export interface SplitBatch {
  nodeFeature: Int32Array;
  nodeBin: Int32Array;
  nodeDefaultLeft: Int32Array;
  /** Node j's partition units are nodeU0[j] ≤ u < nodeU1[j], in position order. */
  nodeU0: Int32Array;
  nodeU1: Int32Array;
  uNode: Int32Array;
  uBegin: Int32Array;
  uEnd: Int32Array;
  uLeft: Int32Array;
  uLo: Int32Array;
  uRo: Int32Array;
  hNode: Int32Array;
  hBegin: Int32Array;
  hEnd: Int32Array;
  hRight: Int32Array;
}

/** What a worker binds to for one training (all SharedArrayBuffer-backed). */
export interface SharedArrays {
  /** Row-major training features (n, F), for the binning task; cuts come back in cutsOut[f · 256 …] (cutsLen[f] of them). */
  features: Float32Array;
  cutsOut: Float32Array;
  cutsLen: Int32Array;
  codes: Codes;
  /** Column-major bins (F, n) for routing rows through a tree. */
  cols: Uint8Array;
  tree: SharedTree;
  /**
   * Margin updates of the latest tree by row segments (positions in `rows`), `ctrl[SEGMENTS]` of them: segment s
   * adds segValue[2s] to every row, or, when segFeature[s] ≥ 0 (a last split whose rows were not partitioned),
   * segValue[2s] to the rows going left on (segFeature, segBin, segDefaultLeft) and segValue[2s + 1] to the others.
   */
  segBegin: Int32Array;
  segEnd: Int32Array;
  segFeature: Int32Array;
  segBin: Int32Array;
  segDefaultLeft: Int32Array;
  segValue: Float64Array;
  F: number;
  rows: Uint32Array;
  /** Room for the left and the right rows of partitioned pieces (n each). */
  scratch: Uint32Array;
  scratchR: Uint32Array;
  batch: SplitBatch;
  /** Gradient and hessian of row i at gh[2i], gh[2i + 1] (one cache line for both in the histogram loop). */
  gh: Float64Array;
  margin: Float64Array;
  y: Float64Array;
  w: Float64Array | undefined;
  /** slotCount(F) histograms of F·512 doubles. */
  partials: Float64Array;
  /** 2 · MAX_CHUNKS loss / weight partial sums. */
  lossPartials: Float64Array;
  ctrl: Int32Array;
}

/**
 * Thread `id`'s part of a task (0 = main): chunks are taken from a shared counter, so a thread that wakes late
 * takes fewer. Which thread computes a chunk never matters: each chunk writes only its own slot or rows.
 */
export function runShare(a: SharedArrays, _id: number): void {
  const { ctrl } = a;
  const task = ctrl[CTRL.TASK];
  const begin = ctrl[CTRL.BEGIN];
  const end = ctrl[CTRL.END];
  const chunks = ctrl[CTRL.CHUNKS];
  const L = end - begin;
  const stride = a.F * 512;
  for (;;) {
    const c = Atomics.add(ctrl, CTRL.NEXT, 1);
    if (c >= chunks) break;
    const cb = chunkStart(begin, L, chunks, c);
    const ce = chunkStart(begin, L, chunks, c + 1);
    if (task === TASK.HIST) buildHist(a.partials.subarray(c * stride, (c + 1) * stride), a.codes, a.F, a.rows, cb, ce, a.gh);
    else if (task === TASK.PARTITION) partitionUnit(a, c);
    else if (task === TASK.PLACE_HIST) {
      const hUnits = ctrl[CTRL.H_UNITS];
      if (c < hUnits) histUnit(a, c, a.partials.subarray(c * stride, (c + 1) * stride));
      else placeUnit(a, c - hUnits);
    }
    else if (task === TASK.MARGIN) marginRange(a, cb, ce);
    else if (task === TASK.BIN) binFeature(a, c);
    else if (task === TASK.CODES) codesRange(a, cb, ce);
    else {
      gradientRange(a, cb, ce, { tree: ctrl[CTRL.APPLY_TREE] === 1, init: ctrl[CTRL.INIT_ROWS] === 1, gradients: task === TASK.GRAD, loss: ctrl[CTRL.WITH_LOSS] === 1, lossAt: 2 * c });
    }
  }
}
