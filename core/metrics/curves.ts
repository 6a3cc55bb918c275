import type { RocCurve, ScoreHistograms } from '../../protocol/results';

/**
 * Score histograms for the results view: train and test, signal and background, on one shared binning, each
 * weighted and normalised to unit area. The range is [0, 1] when every score lies in it (probabilistic methods,
 * and cut-and-count's graded score), otherwise the min–max of the finite scores. NaN scores are left out.
 */
export function scoreHistograms(
  train: { scores: ArrayLike<number>; labels: ArrayLike<number>; weights?: ArrayLike<number> },
  test: { scores: ArrayLike<number>; labels: ArrayLike<number>; weights?: ArrayLike<number> },
  bins = 40,
): ScoreHistograms {
  let lo = Infinity;
  let hi = -Infinity;
  for (const split of [train, test]) {
    for (let i = 0; i < split.scores.length; i++) {
      const v = split.scores[i];
      if (Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
  }
  if (!(lo <= hi)) {
    lo = 0;
    hi = 1;
  } else if (lo >= 0 && hi <= 1) {
    lo = 0;
    hi = 1;
  } else if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + i * width));
  const fill = (split: typeof train, label: number): number[] => {
    const h = new Float64Array(bins);
    for (let i = 0; i < split.scores.length; i++) {
      if ((split.labels[i] === 1 ? 1 : 0) !== label) continue;
      const v = split.scores[i];
      if (!Number.isFinite(v)) continue;
      const b = Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)));
      h[b] += split.weights ? split.weights[i] : 1;
    }
    let sum = 0;
    for (let b = 0; b < bins; b++) sum += h[b];
    return Array.from(h, (v) => (sum !== 0 ? v / (sum * width) : 0));
  };
  return {
    edges,
    train: { signal: fill(train, 1), background: fill(train, 0) },
    test: { signal: fill(test, 1), background: fill(test, 0) },
  };
}

/**
 * A copy of a ROC curve with at most about `maxPoints` points for drawing, keeping its shape both on linear axes
 * (points evenly spaced in arc length in the (ε_B, ε_S) plane) and on the usual log rejection plot (points evenly
 * spaced in log10 ε_B), always keeping the first and last points.
 */
export function decimateRoc(roc: { tpr: ArrayLike<number>; fpr: ArrayLike<number>; thresholds: ArrayLike<number> }, maxPoints = 500): RocCurve {
  const n = roc.tpr.length;
  const keep = new Uint8Array(n);
  if (n <= maxPoints) keep.fill(1);
  else {
    const budget = Math.max(2, Math.floor(maxPoints / 2) - 1);
    let length = 0;
    for (let i = 1; i < n; i++) length += Math.hypot(roc.fpr[i] - roc.fpr[i - 1], roc.tpr[i] - roc.tpr[i - 1]);
    let minLog = Infinity;
    let maxLog = -Infinity;
    for (let i = 0; i < n; i++) {
      if (roc.fpr[i] > 0) {
        const l = Math.log10(roc.fpr[i]);
        if (l < minLog) minLog = l;
        if (l > maxLog) maxLog = l;
      }
    }
    const stepArc = length / budget;
    const stepLog = (maxLog - minLog) / budget;
    keep[0] = 1;
    keep[n - 1] = 1;
    let arc = 0;
    let lastLog = -Infinity;
    for (let i = 1; i < n - 1; i++) {
      arc += Math.hypot(roc.fpr[i] - roc.fpr[i - 1], roc.tpr[i] - roc.tpr[i - 1]);
      if (arc >= stepArc) {
        keep[i] = 1;
        arc = 0;
      }
      if (roc.fpr[i] > 0) {
        const l = Math.log10(roc.fpr[i]);
        if (l - lastLog >= stepLog) {
          keep[i] = 1;
          lastLog = l;
        }
      }
    }
  }
  const out: RocCurve = { tpr: [], fpr: [], thresholds: [] };
  for (let i = 0; i < n; i++) {
    if (!keep[i]) continue;
    out.tpr.push(roc.tpr[i]);
    out.fpr.push(roc.fpr[i]);
    out.thresholds.push(roc.thresholds[i]);
  }
  return out;
}
