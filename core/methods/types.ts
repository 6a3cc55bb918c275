import type { Dataset, DatasetArrays, DatasetKind } from '../datasets/types';
import type { SourceLocation } from '../util/errors';
import type { CutDescription } from '../../protocol/results';

/**
 * What every method (cut-and-count, gbdt, mlp, cnn, pfn) provides. Scores are "signal-like high": larger means
 * more signal-like, so every metric and export treats all methods alike.
 */
export interface TrainedModel {
  readonly type: MethodType;
  /** Which dataset kind it consumes. */
  readonly input: DatasetKind;
  /** Scores for every row of `data`, signal-like high, in [0, 1] where the method is probabilistic. */
  predict(data: DatasetArrays): Float32Array;
  /** A JSON-serialisable form from which `loadModel` restores an identical model. */
  toJSON(): SavedModel;
}

export type MethodType = 'cut-and-count' | 'gbdt' | 'mlp' | 'cnn' | 'pfn';

export interface SavedModel {
  type: MethodType;
  /** Format version of this method's saved form. */
  version: number;
  [key: string]: unknown;
}

export interface TrainContext {
  /** Seed for this training (derived from the analysis seed and the stage key). */
  readonly seed: bigint;
  /** Directory for checkpoints (one per epoch for networks), so a stopped training resumes. */
  readonly checkpointDir?: string;
  /** Progress within the stage (trees built, epochs done). */
  onProgress?(done: number, total: number, unit: string): void;
  /** Per-epoch or per-iteration metrics: loss, val_loss, val_auc … */
  onMetric?(name: string, value: number, epoch?: number): void;
  /** Cancellation. */
  readonly signal?: AbortSignal;
  /** Worker threads the method may use (results must not depend on it). */
  readonly threads?: number;
  /** Where the method's settings are in the analysis file, so that settings errors point there. */
  readonly settingsLocation?: SourceLocation;
}

export interface TrainingCurvePoint {
  epoch: number;
  [metric: string]: number | null;
}

export interface TrainResult {
  model: TrainedModel;
  /** Per-epoch / per-iteration curves for results.json. */
  curves: TrainingCurvePoint[];
  /** Feature importances where the method has them (gbdt: total gain per feature). */
  importances?: Record<string, number>;
  /** Backend that ran (e.g. `tfjs-wasm+simd`, `tfjs-node`, `native`). */
  backend: string;
  /** The readable cut list (cut-and-count), for results.json and the export. */
  cuts?: CutDescription[];
}

export type Trainer<S> = (dataset: Dataset, settings: S, ctx: TrainContext) => Promise<TrainResult>;
