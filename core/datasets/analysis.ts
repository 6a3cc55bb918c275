import type { DatasetSpec } from '../analysis/model';
import type { RepresentationSettings } from '../representations/types';
import type { SplitFractions } from './split';
import type { TrainWeightSettings } from './weights';

/**
 * The dataset part of a parsed analysis file (`datasets: <name>: …`) as `buildDataset` options: the representation
 * settings are passed through unchanged (the analysis model's types are accepted as they are), `weights:` and
 * `reweight:` become the training-weight settings (reweighting matches signal to the background, as the schema
 * documents).
 */
export function datasetSettingsFromAnalysis(spec: DatasetSpec): { settings: RepresentationSettings; split: SplitFractions; trainWeights: TrainWeightSettings } {
  const { split, weights, reweight, ...settings } = spec;
  return {
    settings: settings as RepresentationSettings,
    split,
    trainWeights: {
      weights,
      ...(reweight ? { reweight: { observable: reweight.observable, bins: reweight.bins, target: 'background' as const } } : {}),
    },
  };
}
