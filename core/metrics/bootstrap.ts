import { Rng } from '../util/random';
import { rejectionFromOrder } from './efficiency';
import { aucFromOrder } from './roc';
import { argsortDescending } from './sort';

/**
 * Bootstrap uncertainties of the AUC and of rejections: `replicates` resamplings of the rows with replacement
 * (seeded, so reruns give the same numbers), each scored without sorting again (a resampled row keeps its rank;
 * its weight is multiplied by how often it was drawn). The uncertainty is the standard deviation of the finite
 * replicate values (lower-bound rejections count with their bound).
 */
export interface BootstrapResult {
  auc: number;
  rejection: Record<string, number>;
  replicates: number;
}

export function bootstrapUncertainties(
  scores: ArrayLike<number>,
  labels: ArrayLike<number>,
  weights: ArrayLike<number> | undefined,
  signalEfficiencies: readonly number[],
  replicates: number,
  seed: bigint | number,
  order?: Uint32Array,
): BootstrapResult {
  const n = scores.length;
  order ??= argsortDescending(scores);
  const rng = new Rng(seed);
  const mult = new Float64Array(n);
  const aucs: number[] = [];
  const rej: number[][] = signalEfficiencies.map(() => []);
  const weightOf = (r: number): number => mult[r] * (weights ? weights[r] : 1);
  for (let b = 0; b < replicates; b++) {
    mult.fill(0);
    for (let i = 0; i < n; i++) mult[rng.int(n)]++;
    aucs.push(aucFromOrder(scores, labels, order, weightOf));
    signalEfficiencies.forEach((e, k) => rej[k].push(rejectionFromOrder(scores, labels, order, weightOf, e)));
  }
  const rejection: Record<string, number> = {};
  signalEfficiencies.forEach((e, k) => (rejection[`rejection@${e}`] = stdDev(rej[k])));
  return { auc: stdDev(aucs), rejection, replicates };
}

function stdDev(values: number[]): number {
  const v = values.filter(Number.isFinite);
  if (v.length < 2) return NaN;
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1));
}
