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

export function binTraining(features: Float32Array, n: number, nFeatures: number, maxBins: number): { cuts: Float32Array[]; binned: Uint8Array } {
  const cuts: Float32Array[] = [];
  const binned = new Uint8Array(n * nFeatures);
  const sorter = new ColumnSorter(n);
  const v = new Float32Array(n);
  for (let f = 0; f < nFeatures; f++) {
    const m = sorter.sort(features, n, nFeatures, f);
    const order = sorter.order;
    for (let k = 0; k < m; k++) v[k] = features[order[k] * nFeatures + f];
    const c = cutsOfSorted(v.subarray(0, m), maxBins);
    cuts.push(c);
    sweep(sorter, m, v, c, binned, n, nFeatures, f);
  }
  return { cuts, binned };
}

/** Assigns bins along the sorted order: one pass, no search. NaN rows get MISSING_BIN. */
function sweep(sorter: ColumnSorter, m: number, v: Float32Array, c: Float32Array, out: Uint8Array, n: number, F: number, f: number): void {
  const order = sorter.order;
  let b = 0;
  const K = c.length;
  for (let k = 0; k < m; k++) {
    const x = v[k];
    while (b < K && x > c[b]) b++;
    out[order[k] * F + f] = b;
  }
  for (let k = m; k < n; k++) out[order[k] * F + f] = MISSING_BIN;
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

  sort(features: Float32Array, n: number, F: number, f: number): number {
    const { keys, count } = this;
    let m = 0;
    let nanAt = n;
    let src = this.order;
    for (let i = 0; i < n; i++) {
      const x = features[i * F + f];
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
