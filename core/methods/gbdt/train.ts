import { availableParallelism } from 'node:os';
import type { Dataset, DatasetArrays } from '../../datasets/types';
import { HmlError } from '../../util/errors';
import { rocAuc } from '../../metrics/roc';
import { requireBothClasses, requireDatasetKind } from '../checks';
import type { TrainContext, TrainResult } from '../types';
import { boost, type BoostInput } from './booster';
import { GbdtModel } from './model';
import { resolveGbdtSettings, type GbdtSettings } from './settings';

/**
 * Trains the `gbdt` method on a `set` dataset: histogram-based gradient boosting with the log-loss.
 *
 * - Training weights: `train.trainWeights` (class balance etc.), 1 when absent; physics weights are for metrics.
 * - Early stopping (`earlyStoppingRounds` > 0) watches the validation log-loss and keeps the best round. Without
 *   a `validation` split in the dataset, the last `validationFraction` (default 20 %) of `train` rows is held out
 *   for it (CONTRACTS "Datasets"); the rows are not shuffled again, since datasets are shuffled when built.
 * - Missing values (NaN): each split learns the side NaN goes to (the one with the larger gain); where a feature
 *   had no NaN in a node at training time, NaN follows the child with the larger hessian sum.
 * - Deterministic: the same dataset, settings and `ctx.seed` give a byte-identical `toJSON()` whatever
 *   `ctx.threads` is (default: up to 4 cores); threads only speed up gradients, histograms, partitions and margins (threads.ts).
 */
export async function trainGbdt(dataset: Dataset, settings: Partial<GbdtSettings> | Record<string, unknown>, ctx: TrainContext): Promise<TrainResult> {
  const loc = ctx.settingsLocation;
  const s = resolveGbdtSettings(settings, loc);
  requireDatasetKind('gbdt', dataset, ['set'], loc);
  if (!dataset.train.features) throw new HmlError('dataset-corrupt', `dataset '${dataset.name}' has no features array in its train split; rebuild it (hml run --force dataset:${dataset.name})`, { location: loc });
  requireBothClasses('gbdt', dataset, loc);
  const F = dataset.featureNames.length;

  let train = asInput(dataset.train, F);
  let valid = dataset.validation?.features ? asInput(dataset.validation, F) : undefined;
  if (!valid && s.earlyStoppingRounds > 0) {
    const nVal = Math.floor(train.n * s.validationFraction);
    if (nVal < 1 || train.n - nVal < 2) {
      throw new HmlError('dataset-too-small', `dataset '${dataset.name}' has ${train.n} training rows, too few to hold out a validation fraction of ${s.validationFraction} for early stopping; add a validation split or set early_stopping_rounds: 0`, { location: loc });
    }
    [train, valid] = splitTail(train, nVal);
  }

  const total = s.trees;
  const out = await boost(train, valid, s, ctx.seed, {
    auc: (scores, labels, weights) => rocAuc(scores, labels, weights),
    loss: (round, loss) => ctx.onMetric?.('loss', loss, round),
    afterRound: async (round, point) => {
      ctx.onProgress?.(round, total, 'trees');
      if (ctx.onMetric) {
        if (point.val_loss !== null) ctx.onMetric('val_loss', point.val_loss, round);
        if (point.val_auc !== null) ctx.onMetric('val_auc', point.val_auc, round);
      }
      if (ctx.signal) {
        // yield so that an abort (and progress lines) can get through between rounds
        await new Promise<void>((resolve) => setImmediate(resolve));
        if (ctx.signal.aborted) throw new HmlError('cancelled', 'training was cancelled; run the stage again to restart it', { exitCode: 130 });
      }
    },
  }, ctx.threads ?? Math.min(4, availableParallelism()));
  const model = new GbdtModel(out.trees, out.baseMargin, [...dataset.featureNames], [...dataset.featureUnits], s);
  const curves = out.curves.map((p) => ({ epoch: p.epoch, loss: Number.isFinite(p.loss) ? p.loss : null, val_loss: p.val_loss, val_auc: p.val_auc }));
  return { model, curves, importances: model.importances(), backend: `native (${out.threads} thread${out.threads > 1 ? 's' : ''})` };
}

function asInput(a: DatasetArrays, F: number): BoostInput {
  return { features: a.features!, n: a.n, nFeatures: F, labels: a.labels, weights: a.trainWeights };
}

function splitTail(a: BoostInput, nVal: number): [BoostInput, BoostInput] {
  const nTr = a.n - nVal;
  const F = a.nFeatures;
  const part = (from: number, to: number): BoostInput => ({
    features: a.features.subarray(from * F, to * F),
    n: to - from,
    nFeatures: F,
    labels: (a.labels as Int8Array).subarray ? (a.labels as Int8Array).subarray(from, to) : Array.from(a.labels).slice(from, to),
    weights: a.weights ? Float64Array.from(a.weights).subarray(from, to) : undefined,
  });
  return [part(0, nTr), part(nTr, a.n)];
}
