import type { CutDescription, MethodResult, MetricValue, RocCurve, WorkingPoint } from '../../protocol/results';
import type { DatasetArrays } from '../datasets/types';
import type { MethodType, TrainingCurvePoint } from '../methods/types';
import { bootstrapUncertainties } from './bootstrap';
import { decimateRoc, scoreHistograms } from './curves';
import { accuracy, rejectionAt } from './efficiency';
import { rocAuc, rocCurve } from './roc';
import {
  asimovSignificance,
  bestThreshold,
  scanYields,
  significance,
  significanceUncertainty,
  simpleSignificance,
  yieldsAt,
  yieldWeights,
  type SignificanceDefinition,
} from './significance';
import { argsortDescending } from './sort';

/** Scores of one split with what the metrics need from it. Weights are the physics weights (absent = 1). */
export interface ScoredSplit {
  scores: ArrayLike<number>;
  labels: ArrayLike<number>;
  weights?: ArrayLike<number>;
  /** Sample index per row (into `sampleNames`), needed for cross-section yields. */
  sample?: ArrayLike<number>;
}

/** A ScoredSplit from a dataset split and a model's scores on it. */
export function scoredSplit(arrays: DatasetArrays, scores: ArrayLike<number>): ScoredSplit {
  return { scores, labels: arrays.labels, weights: arrays.weights, sample: arrays.sample };
}

export interface MetricOptions {
  /** Signal efficiencies for `rejection@ε` metrics and working points. Default [0.5, 0.3]. */
  signalEfficiencies?: number[];
  /** Threshold for `accuracy`. Default 0.5, or 1 (all cuts passed) for cut-and-count. */
  accuracyThreshold?: number;
  /** Luminosity in fb⁻¹ for yields. */
  luminosity?: number;
  /** Cross section in pb per sample name (all samples of a split must have one to use them). */
  crossSections?: Record<string, number | null>;
  /** Preselection efficiency per sample name (default 1). */
  preselectionEfficiencies?: Record<string, number>;
  /** Relative background uncertainty for the Asimov significance (e.g. 0.1 for 10 %). Default 0. */
  backgroundUncertainty?: number;
  /** Which significance chooses the threshold. Default `simple` (s/√(s+b)). */
  significance?: SignificanceDefinition;
  /** Minimum background MC rows above a threshold for it to be eligible. Default 10. */
  minBackgroundEvents?: number;
  /** Bootstrap replicates for AUC and rejection uncertainties (0 = none). Default 100. */
  bootstrap?: number;
  /** Seed for the bootstrap. */
  seed?: bigint | number;
  /** Score histogram bins. Default 40. */
  histogramBins?: number;
  /** Maximum ROC points in the decimated copy. Default 500. */
  maxRocPoints?: number;
}

export interface MethodResultInput {
  name: string;
  type: MethodType;
  dataset: string;
  sampleNames?: readonly string[];
  backend?: string;
  train: ScoredSplit;
  validation?: ScoredSplit;
  test: ScoredSplit;
  curves?: TrainingCurvePoint[];
  cuts?: CutDescription[];
  importances?: Record<string, number>;
  trainSeconds?: number;
  options?: MetricOptions;
}

/**
 * Assembles the results.json entry of one method from its scores on train / validation / test.
 *
 * - `auc`, `accuracy`, `rejection@ε` on the test split (weighted by the physics weights), with bootstrap
 *   uncertainties for AUC and rejections;
 * - `significance` (s/√(s+b)) and `asimov_significance` on the test split at the threshold that maximises the
 *   chosen significance on the validation split (the maximum over test thresholds is biased upwards), among
 *   thresholds keeping ≥ `minBackgroundEvents` background MC rows; params carry s, b, the MC statistical
 *   uncertainty √Σw² of b, the threshold and the yield convention. Without a validation split the threshold is
 *   chosen on test and flagged `threshold-on-test`.
 * - ROC of the test split (full, collinear points dropped, and decimated), score histograms train/test.
 * Non-finite values become null with a flag (CONTRACTS "results.json").
 */
export function buildMethodResult(input: MethodResultInput): MethodResult {
  const o = input.options ?? {};
  const effs = o.signalEfficiencies ?? [0.5, 0.3];
  const test = input.test;
  const order = argsortDescending(test.scores);
  const metrics: MetricValue[] = [];
  const workingPoints: WorkingPoint[] = [];

  const full = rocCurve(test.scores, test.labels, test.weights, { order, dropIntermediate: true });
  const boot = (o.bootstrap ?? 100) > 0 ? bootstrapUncertainties(test.scores, test.labels, test.weights, effs, o.bootstrap ?? 100, o.seed ?? 0, order) : undefined;

  metrics.push(metric('auc', rocAuc(test.scores, test.labels, test.weights, order), boot?.auc, { split: 'test', bootstrap: boot?.replicates ?? 0 }));
  const accThr = o.accuracyThreshold ?? (input.type === 'cut-and-count' ? 1 : 0.5);
  metrics.push(metric('accuracy', accuracy(test.scores, test.labels, accThr, test.weights), undefined, { threshold: accThr, split: 'test' }));

  // Rejection on the curve with every threshold (dropping collinear points does not change the interpolation).
  for (const e of effs) {
    const r = rejectionAt(full, e);
    const name = `rejection@${e}`;
    const m = metric(name, r.value, boot?.rejection[name], { signal_efficiency: e, background_efficiency: finiteOrNull(r.backgroundEfficiency), split: 'test' });
    if (r.lowerBound) m.flags = [...(m.flags ?? []), 'lower-bound'];
    metrics.push(m);
    if (Number.isFinite(r.threshold)) workingPoints.push({ threshold: r.threshold, signalEfficiency: e, backgroundEfficiency: r.backgroundEfficiency, label: name });
  }

  const sig = significanceMetrics(input, o);
  metrics.push(...sig.metrics);
  if (sig.workingPoint) workingPoints.push(sig.workingPoint);

  const drawn = decimateRoc(full, o.maxRocPoints ?? 500);
  const result: MethodResult = {
    name: input.name,
    type: input.type,
    dataset: input.dataset,
    metrics,
    workingPoints,
    roc: { full: toRoc(full), decimated: sanitizeRoc(drawn) },
    scores: scoreHistograms(input.train, test, o.histogramBins ?? 40),
    significance: sig.curve,
    curves: (input.curves ?? []).map((p) => ({ ...p })),
  };
  if (input.backend !== undefined) result.backend = input.backend;
  if (input.cuts) result.cuts = input.cuts;
  if (input.importances) result.importances = input.importances;
  if (input.trainSeconds !== undefined) result.trainSeconds = input.trainSeconds;
  return result;
}

function significanceMetrics(input: MethodResultInput, o: MetricOptions): { metrics: MetricValue[]; workingPoint?: WorkingPoint; curve: MethodResult['significance'] } {
  const def = o.significance ?? 'simple';
  const rel = o.backgroundUncertainty ?? 0;
  const minB = o.minBackgroundEvents ?? 10;
  const names = input.sampleNames ?? [];
  const yieldSettings = {
    luminosity: o.luminosity,
    crossSections: o.crossSections ? names.map((n) => o.crossSections![n] ?? null) : undefined,
    preselectionEfficiencies: o.preselectionEfficiencies ? names.map((n) => o.preselectionEfficiencies![n]) : undefined,
  };
  const test = input.test;
  const choose = input.validation ?? test;
  const flags: string[] = input.validation ? [] : ['threshold-on-test'];
  const ywTest = yieldWeights(test.labels, test.weights, test.sample, yieldSettings);
  const ywChoose = choose === test ? ywTest : yieldWeights(choose.labels, choose.weights, choose.sample, yieldSettings);
  if (choose !== test && ywChoose.mode === 'weighted-counts') {
    // Weighted counts of the validation split are scaled per class to the test split's totals, so that Z on
    // validation and on test refer to the same expected yields.
    scaleClassesTo(ywChoose.w, choose.labels, ywTest.w, test.labels);
  }
  const scan = scanYields(choose.scores, choose.labels, ywChoose.w);
  const best = bestThreshold(scan, def, rel, minB);
  const zs = Array.from(scan.thresholds, (_, i) => (scan.nb[i] >= minB ? significance(def, scan.s[i], scan.b[i], rel) : NaN));
  const pick = evenlySpaced(scan.thresholds.length, 500);
  const curve = {
    thresholds: pick.map((i) => scan.thresholds[i]),
    z: pick.map((i) => (Number.isFinite(zs[i]) ? zs[i] : 0)),
    best: best ? { threshold: best.threshold, z: best.z } : null,
  };
  const common = { luminosity: o.luminosity ?? null, yields: ywTest.mode, chosen_on: input.validation ? 'validation' : 'test', min_background_events: minB, definition_chosen_by: def };
  if (!best) {
    const f = [...flags, 'too-few-background-events'];
    return {
      metrics: [
        { name: 'significance', value: null, params: common, flags: f },
        { name: 'asimov_significance', value: null, params: { ...common, background_uncertainty: rel }, flags: f },
      ],
      curve,
    };
  }
  const y = yieldsAt(test.scores, test.labels, ywTest.w, best.threshold);
  const sigmaS = Math.sqrt(y.s2);
  const sigmaB = Math.sqrt(y.b2);
  const params = { ...common, threshold: best.threshold, s: y.s, b: y.b, b_mc_stat: sigmaB, s_mc_stat: sigmaS, background_events: y.nb };
  const testFlags = y.nb < minB ? [...flags, 'few-background-events-in-test'] : flags;
  const zSimple = simpleSignificance(y.s, y.b);
  const zAsimov = asimovSignificance(y.s, y.b, rel);
  const m1 = metric('significance', zSimple, significanceUncertainty('simple', y.s, y.b, sigmaS, sigmaB), params);
  const m2 = metric('asimov_significance', zAsimov, significanceUncertainty('asimov', y.s, y.b, sigmaS, sigmaB, rel), { ...params, background_uncertainty: rel });
  for (const m of [m1, m2]) if (testFlags.length) m.flags = [...(m.flags ?? []), ...testFlags];
  // Efficiencies of the chosen threshold on the test split, for the working point.
  let ws = 0, wsAll = 0, wb = 0, wbAll = 0;
  for (let i = 0; i < test.scores.length; i++) {
    const w = test.weights ? test.weights[i] : 1;
    const pass = test.scores[i] >= best.threshold;
    if (test.labels[i] === 1) {
      wsAll += w;
      if (pass) ws += w;
    } else {
      wbAll += w;
      if (pass) wb += w;
    }
  }
  return {
    metrics: [m1, m2],
    workingPoint: { threshold: best.threshold, signalEfficiency: wsAll ? ws / wsAll : 0, backgroundEfficiency: wbAll ? wb / wbAll : 0, label: 'max_significance' },
    curve,
  };
}

function scaleClassesTo(w: Float64Array, labels: ArrayLike<number>, ref: Float64Array, refLabels: ArrayLike<number>): void {
  const tot = [0, 0];
  const refTot = [0, 0];
  for (let i = 0; i < w.length; i++) tot[labels[i] === 1 ? 1 : 0] += w[i];
  for (let i = 0; i < ref.length; i++) refTot[refLabels[i] === 1 ? 1 : 0] += ref[i];
  const f = [tot[0] ? refTot[0] / tot[0] : 1, tot[1] ? refTot[1] / tot[1] : 1];
  for (let i = 0; i < w.length; i++) w[i] *= f[labels[i] === 1 ? 1 : 0];
}

function evenlySpaced(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: max }, (_, i) => Math.round((i * (n - 1)) / (max - 1)));
}

function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

function metric(name: string, value: number, uncertainty: number | undefined, params: Record<string, number | string | boolean | null>): MetricValue {
  const m: MetricValue = { name, value: finiteOrNull(value), params };
  if (!Number.isFinite(value)) m.flags = [Number.isNaN(value) ? 'nan' : 'infinite'];
  if (uncertainty !== undefined) m.uncertainty = finiteOrNull(uncertainty);
  return m;
}

function toRoc(r: { tpr: Float64Array; fpr: Float64Array; thresholds: Float64Array }): RocCurve {
  return sanitizeRoc({ tpr: Array.from(r.tpr), fpr: Array.from(r.fpr), thresholds: Array.from(r.thresholds) });
}

/** JSON has no NaN/Infinity: a non-finite entry becomes the nearest finite stand-in (thresholds only, in practice). */
function sanitizeRoc(r: RocCurve): RocCurve {
  const fix = (v: number): number => (Number.isFinite(v) ? v : v > 0 ? Number.MAX_VALUE : v < 0 ? -Number.MAX_VALUE : 0);
  return { tpr: r.tpr.map(fix), fpr: r.fpr.map(fix), thresholds: r.thresholds.map(fix) };
}
