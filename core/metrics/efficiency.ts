import type { RocCurveData } from './roc';

/**
 * Background rejection 1/ε_B at a signal efficiency ε_S, and weighted accuracy.
 *
 * ε_B at the requested ε_S is interpolated linearly in ε_S between the two ROC points that bracket it (the first
 * point reaching ε_S and the one before). When that ε_B is 0, no background survives and the rejection is
 * unbounded in this sample: the value returned is then 1/ε_B of the next ROC point with ε_B > 0, a lower bound,
 * flagged `lowerBound`.
 */
export interface Rejection {
  /** 1/ε_B, or the lower bound; NaN when undefined (no point reaches ε_S, or no background at all). */
  value: number;
  /** Interpolated background efficiency at ε_S. */
  backgroundEfficiency: number;
  /** Score threshold of the first ROC point reaching ε_S (select score ≥ threshold). */
  threshold: number;
  lowerBound: boolean;
}

export function rejectionAt(roc: Pick<RocCurveData, 'tpr' | 'fpr' | 'thresholds'>, signalEfficiency: number): Rejection {
  const { tpr, fpr, thresholds } = roc;
  const n = tpr.length;
  let i = 0;
  while (i < n && !(tpr[i] >= signalEfficiency)) i++;
  if (i === n) return { value: NaN, backgroundEfficiency: NaN, threshold: NaN, lowerBound: false };
  let eb: number;
  if (i === 0 || tpr[i] === tpr[i - 1]) eb = fpr[i];
  else eb = fpr[i - 1] + ((signalEfficiency - tpr[i - 1]) * (fpr[i] - fpr[i - 1])) / (tpr[i] - tpr[i - 1]);
  if (eb > 0) return { value: 1 / eb, backgroundEfficiency: eb, threshold: thresholds[i], lowerBound: false };
  let j = i;
  while (j < n && !(fpr[j] > 0)) j++;
  if (j === n) return { value: NaN, backgroundEfficiency: eb, threshold: thresholds[i], lowerBound: false };
  return { value: 1 / fpr[j], backgroundEfficiency: eb, threshold: thresholds[i], lowerBound: true };
}

/**
 * Rejection at ε_S for rows in a fixed descending-score order with a per-row weight (bootstrap kernel): the same
 * rule as `rejectionAt` on the curve those weights give, without building the curve.
 */
export function rejectionFromOrder(scores: ArrayLike<number>, labels: ArrayLike<number>, order: Uint32Array, weightOf: (row: number) => number, signalEfficiency: number): number {
  const n = order.length;
  let totS = 0;
  let totB = 0;
  for (let k = 0; k < n; k++) {
    const r = order[k];
    if (labels[r] === 1) totS += weightOf(r);
    else totB += weightOf(r);
  }
  if (totS === 0 || totB === 0) return NaN;
  let ts = 0;
  let fs = 0;
  let prevT = 0;
  let prevF = 0;
  let eb = NaN;
  let k = 0;
  while (k < n) {
    const s0 = scores[order[k]];
    let j = k;
    for (; j < n; j++) {
      const r = order[j];
      const s = scores[r];
      if (s !== s0 && !(s !== s && s0 !== s0)) break;
      if (labels[r] === 1) ts += weightOf(r);
      else fs += weightOf(r);
    }
    k = j;
    const t = ts / totS;
    const f = fs / totB;
    if (Number.isNaN(eb)) {
      if (t >= signalEfficiency) {
        eb = t === prevT ? f : prevF + ((signalEfficiency - prevT) * (f - prevF)) / (t - prevT);
        if (eb > 0) return 1 / eb;
      }
    }
    // ε_B = 0 at ε_S: the next non-zero ε_B gives the lower bound
    if (!Number.isNaN(eb) && f > 0) return 1 / f;
    prevT = t;
    prevF = f;
  }
  return NaN;
}

/**
 * Weighted accuracy: Σ w over correctly classified rows / Σ w, where a row is called signal when
 * `score ≥ threshold`. Negative weights enter with their sign.
 */
export function accuracy(scores: ArrayLike<number>, labels: ArrayLike<number>, threshold: number, weights?: ArrayLike<number>): number {
  let good = 0;
  let all = 0;
  for (let i = 0; i < scores.length; i++) {
    const w = weights ? weights[i] : 1;
    const predicted = scores[i] >= threshold ? 1 : 0;
    if (predicted === (labels[i] === 1 ? 1 : 0)) good += w;
    all += w;
  }
  return all !== 0 ? good / all : NaN;
}
