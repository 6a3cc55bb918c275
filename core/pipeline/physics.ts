/**
 * The physics the dataset stage applies while re-reading stored events: reconstruction (jets from particles),
 * the observable evaluator and the preselection. One place that adapts core/jets and core/observables to the
 * dataset builder, so the executors stay about files and stages.
 */
import type { Analysis } from '../analysis/model';
import type { Preselection } from '../datasets/build';
import type { EventBatch } from '../physics/events';
import type { FeatureInfo, ObservableEvaluator } from '../representations/types';
import { HmlError } from '../util/errors';

export interface StagePhysics {
  /** Applies `reconstruction:` to a batch (identity without reconstruction). */
  reconstruct(batch: EventBatch): EventBatch;
  evaluator?: ObservableEvaluator;
  describe?: (expression: string) => FeatureInfo | undefined;
  preselection?: Preselection;
}

type Reconstruction = NonNullable<Analysis['reconstruction']>;

export async function stagePhysics(reconstruction: Reconstruction, preselection: readonly string[]): Promise<StagePhysics> {
  if (Object.keys(reconstruction).length > 0 || preselection.length > 0) {
    throw new HmlError('not-wired', 'reconstruction and preselection need core/jets reconstruct() and core/observables, which this build does not have yet', { exitCode: 1 });
  }
  return { reconstruct: (b) => b };
}
