import type { DatasetArrays, DatasetKind } from '../../datasets/types';
import type { FillRule, Scaling } from './settings';

/**
 * Input preprocessing, fitted on the training split only and stored in the saved model so the export applies the
 * same transform. Per feature (set), per channel (image) or per particle feature (cloud, real particles only):
 *   v ← fill[j] where v is NaN;   x = (v − offset[j]) · scale[j]
 * Padded cloud particles (mask 0) become 0 after preprocessing; the masked sum ignores them anyway.
 */
export interface Preprocessing {
  scaling: Scaling;
  fill: number[];
  offset: number[];
  scale: number[];
}

/** Number of values per row and the feature index of each position are given by the kind and row shape. */
function layout(kind: DatasetKind, rowShape: readonly number[]): { perRow: number; nFeat: number } {
  const perRow = rowShape.reduce((a, b) => a * b, 1);
  const nFeat = kind === 'image' ? rowShape[2] : rowShape[rowShape.length - 1];
  return { perRow, nFeat };
}

export function rawInput(kind: DatasetKind, data: DatasetArrays): Float32Array {
  const x = kind === 'set' ? data.features : kind === 'image' ? data.images : data.cloud;
  if (!x) throw new Error(`dataset split has no ${kind === 'set' ? 'features' : kind === 'image' ? 'images' : 'cloud'} array`);
  return x;
}

export function fitPreprocessing(kind: DatasetKind, rowShape: readonly number[], data: DatasetArrays, rows: ArrayLike<number>, scaling: Scaling, fillRule: FillRule): Preprocessing {
  const { perRow, nFeat } = layout(kind, rowShape);
  const x = rawInput(kind, data);
  const mask = kind === 'cloud' ? data.mask : undefined;
  const min = new Float64Array(nFeat).fill(Infinity), max = new Float64Array(nFeat).fill(-Infinity);
  const sum = new Float64Array(nFeat), cnt = new Float64Array(nFeat), nanCnt = new Float64Array(nFeat);
  const visit = (f: (j: number, v: number) => void): void => {
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      const base = row * perRow;
      for (let k = 0; k < perRow; k++) {
        if (mask && mask[row * (perRow / nFeat) + Math.floor(k / nFeat)] === 0) continue;
        f(k % nFeat, x[base + k]);
      }
    }
  };
  visit((j, v) => {
    if (Number.isNaN(v)) { nanCnt[j]++; return; }
    if (v < min[j]) min[j] = v;
    if (v > max[j]) max[j] = v;
    sum[j] += v;
    cnt[j]++;
  });
  const fill = Array.from({ length: nFeat }, (_, j) => {
    if (typeof fillRule === 'number') return fillRule;
    if (cnt[j] === 0) return 0;
    if (fillRule === 'mean') return sum[j] / cnt[j];
    // Below the observed range, so the network can tell "missing" from any real value.
    const range = max[j] - min[j];
    return min[j] - (range > 0 ? 0.1 * range : 1);
  });
  const offset = new Array<number>(nFeat).fill(0), scale = new Array<number>(nFeat).fill(1);
  if (scaling !== 'none') {
    const lo = new Float64Array(nFeat).fill(Infinity), hi = new Float64Array(nFeat).fill(-Infinity);
    const s1 = new Float64Array(nFeat), s2 = new Float64Array(nFeat), n = new Float64Array(nFeat);
    visit((j, v) => {
      const w = Number.isNaN(v) ? fill[j] : v;
      if (w < lo[j]) lo[j] = w;
      if (w > hi[j]) hi[j] = w;
      s1[j] += w;
      n[j]++;
    });
    for (let j = 0; j < nFeat; j++) if (n[j] > 0) s1[j] /= n[j];
    visit((j, v) => {
      const d = (Number.isNaN(v) ? fill[j] : v) - s1[j];
      s2[j] += d * d;
    });
    for (let j = 0; j < nFeat; j++) {
      if (n[j] === 0) continue;
      if (scaling === 'minmax') {
        offset[j] = lo[j];
        scale[j] = hi[j] > lo[j] ? 1 / (hi[j] - lo[j]) : 1;
      } else {
        const sd = Math.sqrt(s2[j] / n[j]);
        offset[j] = s1[j];
        scale[j] = sd > 0 ? 1 / sd : 1;
      }
    }
  }
  return { scaling, fill, offset, scale };
}

/**
 * Preprocessed float32 rows `rows` of `data` (all rows when absent), row-major in the dataset's own layout.
 * For clouds, also the float32 mask (n, P).
 */
export function applyPreprocessing(kind: DatasetKind, rowShape: readonly number[], data: DatasetArrays, pre: Preprocessing, rows?: ArrayLike<number>): { x: Float32Array; mask?: Float32Array } {
  const { perRow, nFeat } = layout(kind, rowShape);
  const src = rawInput(kind, data);
  const n = rows ? rows.length : data.n;
  const out = new Float32Array(n * perRow);
  const nPart = kind === 'cloud' ? perRow / nFeat : 0;
  const maskOut = kind === 'cloud' ? new Float32Array(n * nPart) : undefined;
  const fill = Float64Array.from(pre.fill), off = Float64Array.from(pre.offset), sc = Float64Array.from(pre.scale);
  for (let r = 0; r < n; r++) {
    const row = rows ? rows[r] : r;
    const sb = row * perRow, db = r * perRow;
    if (maskOut) {
      const m = data.mask;
      for (let p = 0; p < nPart; p++) {
        const real = m ? m[row * nPart + p] !== 0 : true;
        maskOut[r * nPart + p] = real ? 1 : 0;
        if (!real) continue;
        for (let j = 0; j < nFeat; j++) {
          const v = src[sb + p * nFeat + j];
          out[db + p * nFeat + j] = ((Number.isNaN(v) ? fill[j] : v) - off[j]) * sc[j];
        }
      }
    } else {
      for (let k = 0; k < perRow; k++) {
        const j = k % nFeat;
        const v = src[sb + k];
        out[db + k] = ((Number.isNaN(v) ? fill[j] : v) - off[j]) * sc[j];
      }
    }
  }
  return { x: out, mask: maskOut };
}
