import { argsortDescending } from './sort';

/**
 * Weighted ROC curve and AUC.
 *
 * Conventions (the same as scikit-learn's `roc_curve` / `roc_auc_score`, so numbers can be compared to 1e-12):
 * - a row is selected as signal when `score ≥ threshold`; label 1 = signal, 0 = background;
 * - one ROC point per distinct score (ties are one point), plus a leading (0, 0) point whose threshold is
 *   `max score + 1`;
 * - rows with weight exactly 0 are dropped first (they would only add collinear points);
 * - ε_S = cumulative signal weight / total signal weight, ε_B likewise; negative weights are allowed and can make
 *   the curve non-monotonic, in which case the trapezoidal AUC is still the signed area under it;
 * - NaN scores rank below every other score (least signal-like).
 */
export interface RocCurveData {
  /** Background efficiency ε_B per point. */
  fpr: Float64Array;
  /** Signal efficiency ε_S per point. */
  tpr: Float64Array;
  /** Score threshold per point (select score ≥ threshold); decreasing. */
  thresholds: Float64Array;
  /** Cumulative selected weights per point (signal, background). */
  tps: Float64Array;
  fps: Float64Array;
  /** Cumulative selected unweighted background MC events per point. */
  backgroundEvents: Float64Array;
  totalSignal: number;
  totalBackground: number;
}

export interface RocOptions {
  /** Drop points that lie on a straight line between their neighbours (sklearn's `drop_intermediate`). Default false. */
  dropIntermediate?: boolean;
  /** A precomputed `argsortDescending(scores)`, to share one sort between several metrics. */
  order?: Uint32Array;
}

/** The weighted ROC curve over every distinct threshold. */
export function rocCurve(scores: ArrayLike<number>, labels: ArrayLike<number>, weights?: ArrayLike<number>, options: RocOptions = {}): RocCurveData {
  const n = scores.length;
  checkLengths(n, labels, weights);
  const order = options.order ?? argsortDescending(scores);
  const tps = new Float64Array(n + 1);
  const fps = new Float64Array(n + 1);
  const nb = new Float64Array(n + 1);
  const thr = new Float64Array(n + 1);
  let m = 1; // slot 0 is the (0, 0) point
  let ts = 0;
  let fs = 0;
  let cb = 0;
  let k = 0;
  while (k < n) {
    const s0 = scoreOf(scores, order[k]);
    // a tie group: every row with the same score (NaN ties with NaN)
    let j = k;
    for (; j < n; j++) {
      const r = order[j];
      const s = scoreOf(scores, r);
      if (s !== s0 && !(s !== s && s0 !== s0)) break;
      const w = weights ? weights[r] : 1;
      if (w === 0) continue;
      if (labels[r] === 1) ts += w;
      else {
        fs += w;
        cb++;
      }
    }
    // a group of only zero-weight rows adds no point (sklearn removes them before sorting)
    let any = weights === undefined;
    if (!any) for (let q = k; q < j; q++) if (weights![order[q]] !== 0) { any = true; break; }
    if (any) {
      tps[m] = ts;
      fps[m] = fs;
      nb[m] = cb;
      thr[m] = s0;
      m++;
    }
    k = j;
  }
  thr[0] = m > 1 ? thr[1] + 1 : Infinity;
  let keep: Uint32Array | undefined;
  if (options.dropIntermediate && m > 3) {
    // same rule as sklearn: keep a point unless both second differences vanish (applied to the points without (0,0))
    const idx: number[] = [0, 1];
    for (let i = 2; i < m - 1; i++) {
      const d2f = fps[i + 1] - fps[i] - (fps[i] - fps[i - 1]);
      const d2t = tps[i + 1] - tps[i] - (tps[i] - tps[i - 1]);
      if (d2f !== 0 || d2t !== 0) idx.push(i);
    }
    idx.push(m - 1);
    keep = Uint32Array.from(idx);
  }
  const count = keep ? keep.length : m;
  const pick = (i: number): number => (keep ? keep[i] : i);
  const totalSignal = tps[m - 1];
  const totalBackground = fps[m - 1];
  const out: RocCurveData = {
    fpr: new Float64Array(count),
    tpr: new Float64Array(count),
    thresholds: new Float64Array(count),
    tps: new Float64Array(count),
    fps: new Float64Array(count),
    backgroundEvents: new Float64Array(count),
    totalSignal,
    totalBackground,
  };
  for (let i = 0; i < count; i++) {
    const p = pick(i);
    out.tps[i] = tps[p];
    out.fps[i] = fps[p];
    out.backgroundEvents[i] = nb[p];
    out.thresholds[i] = thr[p];
    out.tpr[i] = tps[p] / totalSignal;
    out.fpr[i] = fps[p] / totalBackground;
  }
  return out;
}

/**
 * Area under the weighted ROC curve, equal to sklearn's `roc_auc_score(labels, scores, sample_weight=weights)`.
 * NaN when either class has zero total weight (sklearn raises there).
 */
export function rocAuc(scores: ArrayLike<number>, labels: ArrayLike<number>, weights?: ArrayLike<number>, order?: Uint32Array): number {
  const n = scores.length;
  checkLengths(n, labels, weights);
  order ??= argsortDescending(scores);
  return aucFromOrder(scores, labels, order, (r) => (weights ? weights[r] : 1));
}

/**
 * AUC for rows in a fixed descending-score order with a per-row weight function: the kernel shared by `rocAuc`
 * and the bootstrap (which reweights rows by their resampling multiplicity without sorting again).
 */
export function aucFromOrder(scores: ArrayLike<number>, labels: ArrayLike<number>, order: Uint32Array, weightOf: (row: number) => number): number {
  const n = order.length;
  // First pass: totals, so that each point is normalised exactly as sklearn does (tps / tps[-1]).
  let totS = 0;
  let totB = 0;
  for (let k = 0; k < n; k++) {
    const r = order[k];
    const w = weightOf(r);
    if (labels[r] === 1) totS += w;
    else totB += w;
  }
  // sklearn's totals are the last cumulative sums, accumulated in the same order, so they are equal bit for bit.
  if (!(totS !== 0 && totB !== 0)) return NaN;
  let area = 0;
  let ts = 0;
  let fs = 0;
  let prevX = 0;
  let prevY = 0;
  let k = 0;
  while (k < n) {
    const s0 = scoreOf(scores, order[k]);
    let j = k;
    let nonzero = false;
    for (; j < n; j++) {
      const r = order[j];
      const s = scoreOf(scores, r);
      if (s !== s0 && !(s !== s && s0 !== s0)) break;
      const w = weightOf(r);
      if (w === 0) continue;
      nonzero = true;
      if (labels[r] === 1) ts += w;
      else fs += w;
    }
    if (nonzero) {
      const x = fs / totB;
      const y = ts / totS;
      area += ((x - prevX) * (y + prevY)) / 2;
      prevX = x;
      prevY = y;
    }
    k = j;
  }
  return area;
}

function scoreOf(scores: ArrayLike<number>, r: number): number {
  const s = scores[r];
  return s === 0 ? 0 : s;
}

function checkLengths(n: number, labels: ArrayLike<number>, weights?: ArrayLike<number>): void {
  if (labels.length !== n) throw new RangeError(`labels have ${labels.length} entries, scores ${n}`);
  if (weights && weights.length !== n) throw new RangeError(`weights have ${weights.length} entries, scores ${n}`);
}
