/**
 * Quantile binning of features for histogram-based tree growth.
 *
 * Each feature gets ascending cut values c_0 < c_1 < … < c_{K−1} (K ≤ bins − 1), all of them float32 values that
 * occur in the training data. A value x goes to the first bin b with x ≤ c_b, or to bin K when it is above every
 * cut; NaN goes to the reserved bin `MISSING_BIN`. Because the cuts are float32 and the comparison is `≤`, the
 * split "bin ≤ b" is exactly the test `x ≤ c_b` that ONNX `TreeEnsemble*` nodes (`BRANCH_LEQ`) evaluate in float32,
 * so a tree trained on bins predicts identically on raw features and after export.
 */
export const MISSING_BIN = 255;

/**
 * Cut values per feature (see module doc): quantiles of the non-missing training values, unweighted. Also
 * returns the binned matrix of the same data, since both come from one sort per feature.
 */
export function computeCuts(features: Float32Array, n: number, nFeatures: number, maxBins: number): Float32Array[] {
  return binTraining(features, n, nFeatures, maxBins).cuts;
}

/**
 * Cuts and the binned training data, column-major (F, n): `columns[f · n + i]` is the bin of row i, feature f.
 * Column-major because every write of the sweep then lands in one feature's n bytes (cache-resident), not
 * spread over the whole matrix.
 */
export function binTraining(features: Float32Array, n: number, nFeatures: number, maxBins: number): { cuts: Float32Array[]; columns: Uint8Array } {
  const cuts: Float32Array[] = [];
  const columns = new Uint8Array(n * nFeatures);
  const binner = new FeatureBinner(n);
  for (let f = 0; f < nFeatures; f++) cuts.push(binner.bin(features, nFeatures, f, maxBins, columns.subarray(f * n, (f + 1) * n)));
  return { cuts, columns };
}

/** Bins one feature at a time (cuts and bins from one sort); holds the buffers for n rows. Used by worker threads too. */
export class FeatureBinner {
  private readonly sorter: ColumnSorter;
  private readonly col: Float32Array;
  private readonly v: Float32Array;

  constructor(readonly n: number) {
    this.sorter = new ColumnSorter(n);
    this.col = new Float32Array(n);
    this.v = new Float32Array(n);
  }

  /** Cuts of feature f of the row-major `features` (n, F), and its bins into `out` (n bytes). */
  bin(features: Float32Array, F: number, f: number, maxBins: number, out: Uint8Array): Float32Array {
    const { n, col, v, sorter } = this;
    for (let i = 0; i < n; i++) col[i] = features[i * F + f];
    const m = sorter.sort(col);
    const order = sorter.order;
    for (let k = 0; k < m; k++) v[k] = col[order[k]];
    const c = cutsOfSorted(v.subarray(0, m), maxBins);
    sweep(order, m, v, c, out);
    return c;
  }
}

/** Assigns bins along the sorted order: one pass, no search. NaN rows (after the m sorted ones) get MISSING_BIN. */
function sweep(order: Uint32Array, m: number, v: Float32Array, c: Float32Array, out: Uint8Array): void {
  let b = 0;
  const K = c.length;
  for (let k = 0; k < m; k++) {
    const x = v[k];
    while (b < K && x > c[b]) b++;
    out[order[k]] = b;
  }
  for (let k = m; k < order.length; k++) out[order[k]] = MISSING_BIN;
}

/**
 * Stable ascending argsort of one float32 column by LSD radix sort on the order-preserving transform of the
 * bit pattern (two 16-bit passes): exact, and ~50× faster than a comparator sort on 10⁵ rows. NaN rows are put
 * after the `m` sorted ones.
 */
class ColumnSorter {
  order: Uint32Array;
  private tmp: Uint32Array;
  private keys: Uint32Array;
  private count = new Uint32Array(65536);
  private bits = new Uint32Array(1);
  private flt = new Float32Array(this.bits.buffer);

  constructor(n: number) {
    this.order = new Uint32Array(n);
    this.tmp = new Uint32Array(n);
    this.keys = new Uint32Array(n);
  }

  sort(col: Float32Array): number {
    const { keys, count } = this;
    const n = col.length;
    let m = 0;
    let nanAt = n;
    let src = this.order;
    for (let i = 0; i < n; i++) {
      const x = col[i];
      if (x !== x) {
        src[--nanAt] = i;
        continue;
      }
      this.flt[0] = x === 0 ? 0 : x;
      const u = this.bits[0];
      keys[i] = u & 0x80000000 ? ~u >>> 0 : (u | 0x80000000) >>> 0;
      src[m++] = i;
    }
    // NaN rows were filled from the end backwards: restore their ascending row order
    src.subarray(nanAt).reverse();
    let dst = this.tmp;
    for (const shift of [0, 16]) {
      count.fill(0);
      for (let k = 0; k < m; k++) count[(keys[src[k]] >>> shift) & 0xffff]++;
      let sum = 0;
      for (let d = 0; d < 65536; d++) {
        const c = count[d];
        count[d] = sum;
        sum += c;
      }
      for (let k = 0; k < m; k++) {
        const r = src[k];
        dst[count[(keys[r] >>> shift) & 0xffff]++] = r;
      }
      dst.set(src.subarray(m), m);
      const t = src;
      src = dst;
      dst = t;
    }
    // after two passes the result is back in `this.order`
    this.order = src;
    this.tmp = dst;
    return m;
  }
}

function cutsOfSorted(v: Float32Array, maxBins: number): Float32Array {
  const m = v.length;
  if (m === 0) return new Float32Array(0);
  // Count distinct values first: with few of them every value gets its own bin (exact, like a categorical).
  let unique = 1;
  for (let i = 1; i < m && unique <= maxBins; i++) if (v[i] !== v[i - 1]) unique++;
  const out: number[] = [];
  if (unique <= maxBins) {
    for (let i = 1; i < m; i++) if (v[i] !== v[i - 1]) out.push(v[i - 1]);
    return Float32Array.from(out);
  }
  const top = v[m - 1];
  for (let b = 1; b < maxBins; b++) {
    const c = v[Math.ceil((b * m) / maxBins) - 1];
    if (c >= top) break;
    if (out.length === 0 || c > out[out.length - 1]) out.push(c);
  }
  return Float32Array.from(out);
}

/** Bin index of one value for the given cuts. */
export function binOf(x: number, cuts: Float32Array): number {
  if (x !== x) return MISSING_BIN;
  let lo = 0;
  let hi = cuts.length; // answer in [lo, hi]
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x <= cuts[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The binned matrix, row-major (n, F), one byte per value, for data other than the training data (binary search). */
export function binMatrix(features: Float32Array, n: number, nFeatures: number, cuts: Float32Array[]): Uint8Array {
  const out = new Uint8Array(n * nFeatures);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < nFeatures; f++) {
      const p = i * nFeatures + f;
      out[p] = binOf(features[p], cuts[f]);
    }
  }
  return out;
}
