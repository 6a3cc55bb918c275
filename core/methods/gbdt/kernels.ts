/**
 * The two hot loops of the boosting engine, shared by the main thread and the worker threads (hist-worker.ts).
 * Plain functions on typed arrays, no allocation.
 */
export type Codes = Uint16Array | Uint32Array;

/**
 * Gradient/hessian histogram of rows[begin..end) into `hist` (zeroed first). `codes` is the row-major matrix of
 * `f · 256 + bin`, so the (g, h) pair of a code lives at hist[2·code], hist[2·code + 1].
 */
export function buildHist(hist: Float64Array, codes: Codes, F: number, rows: Uint32Array, begin: number, end: number, grad: Float64Array, hess: Float64Array): void {
  hist.fill(0);
  const F2 = F & ~1;
  for (let k = begin; k < end; k++) {
    const r = rows[k];
    const g = grad[r];
    const h = hess[r];
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
  const { margin, y, w, grad, hess, rows, cols, tree } = a;
  const n = margin.length;
  if (options.tree) for (let i = begin; i < end; i++) margin[i] += treeValue(tree, cols, n, i);
  if (options.init) for (let i = begin; i < end; i++) rows[i] = i;
  if (!options.gradients) return;
  let l = 0;
  let sw = 0;
  for (let i = begin; i < end; i++) {
    const p = 1 / (1 + Math.exp(-margin[i]));
    const wi = w ? w[i] : 1;
    const yi = y[i];
    grad[i] = (p - yi) * wi;
    const h = p * (1 - p);
    hess[i] = (h > 1e-16 ? h : 1e-16) * wi;
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

/**
 * Adds each leaf's value to the margins of its rows, for the positions [begin, end) of `rows` (disjoint
 * positions are disjoint rows, so chunks never touch the same margin).
 */
export function marginRange(a: SharedArrays, begin: number, end: number): void {
  const { rows, margin, segBegin, segEnd, segValue } = a;
  const count = a.ctrl[CTRL.SEGMENTS];
  for (let s = 0; s < count; s++) {
    const sb = segBegin[s] > begin ? segBegin[s] : begin;
    const se = segEnd[s] < end ? segEnd[s] : end;
    const v = segValue[s];
    for (let k = sb; k < se; k++) margin[rows[k]] += v;
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
export const CTRL = { GEN: 0, DONE: 1, TASK: 2, BEGIN: 3, END: 4, CHUNKS: 5, THREADS: 6, WITH_LOSS: 7, APPLY_TREE: 8, INIT_ROWS: 9, SEGMENTS: 10, NEXT: 11, SIZE: 12 } as const;
export const TASK = { STOP: 0, HIST: 1, GRAD: 2, APPLY: 3, MARGIN: 4 } as const;

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

/** What a worker binds to for one training (all SharedArrayBuffer-backed). */
export interface SharedArrays {
  codes: Codes;
  /** Column-major bins (F, n) for routing rows through a tree. */
  cols: Uint8Array;
  tree: SharedTree;
  /** Leaf row segments of the latest tree (positions in `rows`) and their values, `ctrl[SEGMENTS]` of them. */
  segBegin: Int32Array;
  segEnd: Int32Array;
  segValue: Float64Array;
  F: number;
  rows: Uint32Array;
  grad: Float64Array;
  hess: Float64Array;
  margin: Float64Array;
  y: Float64Array;
  w: Float64Array | undefined;
  /** MAX_CHUNKS histograms of F·512 doubles. */
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
    if (task === TASK.HIST) buildHist(a.partials.subarray(c * stride, (c + 1) * stride), a.codes, a.F, a.rows, cb, ce, a.grad, a.hess);
    else if (task === TASK.MARGIN) marginRange(a, cb, ce);
    else {
      gradientRange(a, cb, ce, { tree: ctrl[CTRL.APPLY_TREE] === 1, init: ctrl[CTRL.INIT_ROWS] === 1, gradients: task === TASK.GRAD, loss: ctrl[CTRL.WITH_LOSS] === 1, lossAt: 2 * c });
    }
  }
}
