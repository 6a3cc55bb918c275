import type { Dataset } from '../../datasets/types';
import { HmlError } from '../../util/errors';
import { asimovSignificance, simpleSignificance, yieldWeights } from '../../metrics/significance';
import { requireBothClasses, requireDatasetKind } from '../checks';
import type { TrainContext, TrainingCurvePoint, TrainResult } from '../types';
import { CutAndCountModel, describeCut, passes, type Cut } from './model';
import { resolveCutAndCountSettings, type CutAndCountSettings, type CutShape } from './settings';

/**
 * Trains `cut-and-count` on the training split of a `set` dataset.
 *
 * Per feature, weighted signal and background histograms (`bins` equal-width bins between the 0.1 % and 99.9 %
 * quantiles, under/overflow folded into the end bins) give the yields of every candidate cut in O(1) from prefix
 * sums; all four shapes are tried (x ≤ a, x ≥ a, a ≤ x ≤ b, outside [a, b], with a, b bin edges) and the one
 * with the best objective wins, provided at least `minBackgroundEvents` background MC rows pass and it beats not
 * cutting on that feature at all (otherwise the feature gets no cut).
 *
 * Yields use the physics weights (× 1000 · luminosity[fb⁻¹] when a luminosity is set; σ-normalised weights in pb
 * then become event counts). NaN never passes a cut, so cutting on a feature also removes the events where it is
 * missing; rows with NaN still count in the no-cut baseline.
 */
export async function trainCutAndCount(dataset: Dataset, settings: Partial<CutAndCountSettings> | Record<string, unknown>, ctx: TrainContext): Promise<TrainResult> {
  const loc = ctx.settingsLocation;
  const s = resolveCutAndCountSettings(settings, loc);
  requireDatasetKind('cut-and-count', dataset, ['set'], loc);
  const tr = dataset.train;
  if (!tr.features) throw new HmlError('dataset-corrupt', `dataset '${dataset.name}' has no features array in its train split; rebuild it`, { location: loc });
  requireBothClasses('cut-and-count', dataset, loc);
  const F = dataset.featureNames.length;
  const featureIdx = (s.features ?? dataset.featureNames).map((name) => {
    const i = dataset.featureNames.indexOf(name);
    if (i < 0) {
      throw new HmlError('method-setting', `method 'cut-and-count': feature '${name}' is not in dataset '${dataset.name}' (it has ${dataset.featureNames.join(', ')})`, { location: loc });
    }
    return i;
  });

  const n = tr.n;
  const yw = yieldWeights(tr.labels, tr.weights, undefined, { luminosity: s.luminosity ?? undefined }).w;
  const objective = (sv: number, bv: number): number => {
    if (s.objective === 'significance') return simpleSignificance(sv, bv);
    if (s.objective === 'asimov') return asimovSignificance(sv, bv, s.backgroundUncertainty);
    return bv > 0 ? sv / Math.sqrt(bv) : NaN;
  };
  const active = new Uint8Array(n).fill(1);
  const cuts: Cut[] = [];
  const column = new Float64Array(n);
  for (let step = 0; step < featureIdx.length; step++) {
    const f = featureIdx[step];
    for (let i = 0; i < n; i++) column[i] = tr.features[i * F + f];
    const best = bestCut(column, tr.labels, yw, active, s, objective);
    if (best) {
      const cut: Cut = { featureIndex: f, feature: dataset.featureNames[f], unit: dataset.featureUnits[f] ?? '', shape: best.shape };
      if (best.low !== undefined) cut.low = best.low;
      if (best.high !== undefined) cut.high = best.high;
      cuts.push(cut);
      if (s.topology === 'sequential') for (let i = 0; i < n; i++) if (active[i] && !passes(cut, column[i])) active[i] = 0;
    }
    ctx.onProgress?.(step + 1, featureIdx.length, 'features');
    if (ctx.signal?.aborted) throw new HmlError('cancelled', 'training was cancelled; run the stage again to restart it', { exitCode: 130 });
  }

  // Cut flow on the training split: the selection after each cut (AND of the cuts so far).
  const curves: TrainingCurvePoint[] = [];
  const pass = new Uint8Array(n).fill(1);
  let s0 = 0, b0 = 0;
  for (let i = 0; i < n; i++) if (tr.labels[i] === 1) s0 += yw[i]; else b0 += yw[i];
  cuts.forEach((c, k) => {
    let sv = 0, bv = 0;
    for (let i = 0; i < n; i++) {
      if (pass[i] && !passes(c, tr.features![i * F + c.featureIndex])) pass[i] = 0;
      if (!pass[i]) continue;
      if (tr.labels[i] === 1) sv += yw[i];
      else bv += yw[i];
    }
    const z = objective(sv, bv);
    curves.push({ epoch: k + 1, objective: Number.isFinite(z) ? z : null, signal_efficiency: s0 ? sv / s0 : null, background_efficiency: b0 ? bv / b0 : null });
    ctx.onMetric?.('objective', Number.isFinite(z) ? z : NaN, k + 1);
  });

  const model = new CutAndCountModel(cuts, s.topology, s.score, [...dataset.featureNames]);
  return { model, curves, backend: 'native', cuts: cuts.map(describeCut) };
}

interface Candidate {
  shape: CutShape;
  low?: number;
  high?: number;
  z: number;
}

/** The best cut on one feature among the active rows, or null when no cut beats the no-cut baseline. */
function bestCut(
  x: Float64Array,
  labels: ArrayLike<number>,
  yw: Float64Array,
  active: Uint8Array,
  s: CutAndCountSettings,
  objective: (sv: number, bv: number) => number,
): Candidate | null {
  const n = x.length;
  let m = 0;
  let sAll = 0;
  let bAll = 0;
  const finite = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (!active[i]) continue;
    if (labels[i] === 1) sAll += yw[i];
    else bAll += yw[i];
    if (Number.isFinite(x[i])) finite[m++] = x[i];
  }
  if (m < 2) return null;
  const sorted = finite.subarray(0, m).sort();
  const lo = sorted[Math.floor(0.001 * (m - 1))];
  const hi = sorted[Math.ceil(0.999 * (m - 1))];
  if (!(hi > lo)) return null;
  const nb = s.bins;
  const width = (hi - lo) / nb;
  const edge = (k: number): number => (k === nb ? hi : lo + k * width);
  // prefix sums over bins: P[k] = Σ_{bins < k}
  const PS = new Float64Array(nb + 1);
  const PB = new Float64Array(nb + 1);
  const PN = new Float64Array(nb + 1);
  for (let i = 0; i < n; i++) {
    if (!active[i] || !Number.isFinite(x[i])) continue;
    // bin k holds [e_k, e_{k+1}); the cut candidates below use the same edges
    const k = Math.min(nb - 1, Math.max(0, Math.floor((x[i] - lo) / width)));
    if (labels[i] === 1) PS[k + 1] += yw[i];
    else {
      PB[k + 1] += yw[i];
      PN[k + 1]++;
    }
  }
  for (let k = 1; k <= nb; k++) {
    PS[k] += PS[k - 1];
    PB[k] += PB[k - 1];
    PN[k] += PN[k - 1];
  }
  const minB = s.minBackgroundEvents;
  const baseline = objective(sAll, bAll);
  let best: Candidate | null = null;
  const consider = (shape: CutShape, sv: number, bv: number, nbk: number, low?: number, high?: number): void => {
    if (nbk < minB) return;
    const z = objective(sv, bv);
    if (!Number.isFinite(z)) return;
    if (best === null || z > best.z) best = { shape, low, high, z };
  };
  const shapes = new Set(s.shapes);
  for (let j = 1; j < nb; j++) {
    // x ≤ e_j keeps bins [0, j); x ≥ e_j keeps bins [j, nb)
    if (shapes.has('le')) consider('le', PS[j], PB[j], PN[j], undefined, edge(j));
    if (shapes.has('ge')) consider('ge', PS[nb] - PS[j], PB[nb] - PB[j], PN[nb] - PN[j], edge(j), undefined);
  }
  if (shapes.has('in') || shapes.has('out')) {
    for (let i = 1; i < nb - 1; i++) {
      for (let j = i + 1; j < nb; j++) {
        if (shapes.has('in')) consider('in', PS[j] - PS[i], PB[j] - PB[i], PN[j] - PN[i], edge(i), edge(j));
        if (shapes.has('out')) consider('out', PS[i] + PS[nb] - PS[j], PB[i] + PB[nb] - PB[j], PN[i] + PN[nb] - PN[j], edge(i), edge(j));
      }
    }
  }
  const b = best as Candidate | null;
  if (b === null) return null;
  if (Number.isFinite(baseline) && !(b.z > baseline * (1 + 1e-9))) return null;
  return b;
}
