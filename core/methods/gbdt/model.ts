import type { DatasetArrays } from '../../datasets/types';
import { HmlError } from '../../util/errors';
import type { SavedModel, TrainedModel } from '../types';
import type { GbdtSettings } from './settings';

/**
 * A trained boosted-tree ensemble. Score = sigmoid(baseMargin + Σ_trees leaf value), signal-like high.
 *
 * Each tree is flat: node 0 is the root; a split node sends x to `left` when `x ≤ threshold` (float32 compare),
 * to `right` otherwise, and NaN to `left` when `defaultLeft` is 1. Leaves have `feature = −1` and carry `value`
 * (learning rate already applied).
 */
export interface GbdtTree {
  feature: Int32Array;
  threshold: Float32Array;
  left: Int32Array;
  right: Int32Array;
  defaultLeft: Uint8Array;
  value: Float64Array;
  /** Loss reduction of the split (0 at leaves). */
  gain: Float64Array;
  /** Sum of hessians of the training rows in the node. */
  cover: Float64Array;
}

/**
 * The ensemble in the flat shape of ONNX `ai.onnx.ml` `TreeEnsembleRegressor` (or `Classifier`) attributes, for
 * the exporter: `nodes_*` entries one per node of every tree, `target_*` one per leaf. Modes are `BRANCH_LEQ` and
 * `LEAF`; `trueNodeIds` is where `x ≤ value` goes; `missingTracksTrue` sends NaN to the true branch. Feed the
 * summed leaves plus `baseMargin` (ONNX `base_values`) through a sigmoid to get the score.
 */
export interface TreeEnsembleExport {
  nFeatures: number;
  baseMargin: number;
  postTransform: 'LOGISTIC';
  nodes: {
    treeIds: number[];
    nodeIds: number[];
    featureIds: number[];
    values: number[];
    modes: ('BRANCH_LEQ' | 'LEAF')[];
    trueNodeIds: number[];
    falseNodeIds: number[];
    missingTracksTrue: number[];
  };
  targets: { treeIds: number[]; nodeIds: number[]; ids: number[]; weights: number[] };
}

export const GBDT_FORMAT_VERSION = 1;

export interface GbdtSavedModel extends SavedModel {
  type: 'gbdt';
  version: typeof GBDT_FORMAT_VERSION;
  featureNames: string[];
  featureUnits: string[];
  baseMargin: number;
  settings: GbdtSettings;
  /** Number of rounds kept (the best round with early stopping). */
  rounds: number;
  trees: {
    feature: number[];
    threshold: number[];
    left: number[];
    right: number[];
    defaultLeft: number[];
    value: number[];
    gain: number[];
    cover: number[];
  }[];
}

export class GbdtModel implements TrainedModel {
  readonly type = 'gbdt' as const;
  readonly input = 'set' as const;

  constructor(
    readonly trees: GbdtTree[],
    readonly baseMargin: number,
    readonly featureNames: string[],
    readonly featureUnits: string[],
    readonly settings: GbdtSettings,
  ) {}

  get nFeatures(): number {
    return this.featureNames.length;
  }

  /** Raw margins (log-odds) for row-major float32 features (n, F). */
  margins(features: Float32Array, n: number): Float64Array {
    const F = this.nFeatures;
    if (features.length !== n * F) throw new RangeError(`features have ${features.length} values, expected ${n} × ${F}`);
    const out = new Float64Array(n).fill(this.baseMargin);
    for (const t of this.trees) {
      const { feature, threshold, left, right, defaultLeft, value } = t;
      for (let i = 0; i < n; i++) {
        const o = i * F;
        let k = 0;
        let f = feature[0];
        while (f >= 0) {
          const x = features[o + f];
          k = x <= threshold[k] ? left[k] : x !== x && defaultLeft[k] === 1 ? left[k] : right[k];
          f = feature[k];
        }
        out[i] += value[k];
      }
    }
    return out;
  }

  predict(data: DatasetArrays): Float32Array {
    if (!data.features) throw new HmlError('method-dataset-kind', "gbdt needs a 'set' dataset with a features array");
    const m = this.margins(data.features, data.n);
    const out = new Float32Array(data.n);
    for (let i = 0; i < data.n; i++) out[i] = 1 / (1 + Math.exp(-m[i]));
    return out;
  }

  /** Total gain per feature name over all splits. */
  importances(): Record<string, number> {
    const g = new Float64Array(this.nFeatures);
    for (const t of this.trees) for (let k = 0; k < t.feature.length; k++) if (t.feature[k] >= 0) g[t.feature[k]] += t.gain[k];
    const out: Record<string, number> = {};
    this.featureNames.forEach((name, f) => (out[name] = g[f]));
    return out;
  }

  toJSON(): GbdtSavedModel {
    return {
      type: 'gbdt',
      version: GBDT_FORMAT_VERSION,
      featureNames: [...this.featureNames],
      featureUnits: [...this.featureUnits],
      baseMargin: this.baseMargin,
      settings: { ...this.settings },
      rounds: this.trees.length,
      trees: this.trees.map((t) => ({
        feature: Array.from(t.feature),
        threshold: Array.from(t.threshold),
        left: Array.from(t.left),
        right: Array.from(t.right),
        defaultLeft: Array.from(t.defaultLeft),
        value: Array.from(t.value),
        gain: Array.from(t.gain),
        cover: Array.from(t.cover),
      })),
    };
  }

  toTreeEnsemble(): TreeEnsembleExport {
    const e: TreeEnsembleExport = {
      nFeatures: this.nFeatures,
      baseMargin: this.baseMargin,
      postTransform: 'LOGISTIC',
      nodes: { treeIds: [], nodeIds: [], featureIds: [], values: [], modes: [], trueNodeIds: [], falseNodeIds: [], missingTracksTrue: [] },
      targets: { treeIds: [], nodeIds: [], ids: [], weights: [] },
    };
    this.trees.forEach((t, ti) => {
      for (let k = 0; k < t.feature.length; k++) {
        const leaf = t.feature[k] < 0;
        e.nodes.treeIds.push(ti);
        e.nodes.nodeIds.push(k);
        e.nodes.featureIds.push(leaf ? 0 : t.feature[k]);
        e.nodes.values.push(leaf ? 0 : t.threshold[k]);
        e.nodes.modes.push(leaf ? 'LEAF' : 'BRANCH_LEQ');
        e.nodes.trueNodeIds.push(leaf ? 0 : t.left[k]);
        e.nodes.falseNodeIds.push(leaf ? 0 : t.right[k]);
        e.nodes.missingTracksTrue.push(leaf ? 0 : t.defaultLeft[k]);
        if (leaf) {
          e.targets.treeIds.push(ti);
          e.targets.nodeIds.push(k);
          e.targets.ids.push(0);
          e.targets.weights.push(t.value[k]);
        }
      }
    });
    return e;
  }
}

/** Restores a model saved with `GbdtModel.toJSON()`; predictions are identical. */
export function loadGbdtModel(saved: SavedModel): GbdtModel {
  const s = saved as GbdtSavedModel;
  if (s.type !== 'gbdt') throw new HmlError('model-type', `expected a saved 'gbdt' model, got '${String(s.type)}'`);
  if (s.version !== GBDT_FORMAT_VERSION) {
    throw new HmlError('model-version', `saved gbdt model has format version ${String(s.version)}, this engine reads ${GBDT_FORMAT_VERSION}; retrain the method (hml run) to refresh it`);
  }
  const trees = s.trees.map((t) => {
    const n = t.feature.length;
    for (const key of ['threshold', 'left', 'right', 'defaultLeft', 'value'] as const) {
      if (t[key].length !== n) throw new HmlError('model-corrupt', `saved gbdt model is corrupt: a tree has ${n} features but ${t[key].length} entries in '${key}'; retrain the method`);
    }
    return {
      feature: Int32Array.from(t.feature),
      threshold: Float32Array.from(t.threshold),
      left: Int32Array.from(t.left),
      right: Int32Array.from(t.right),
      defaultLeft: Uint8Array.from(t.defaultLeft),
      value: Float64Array.from(t.value),
      gain: Float64Array.from(t.gain ?? new Array<number>(n).fill(0)),
      cover: Float64Array.from(t.cover ?? new Array<number>(n).fill(0)),
    };
  });
  return new GbdtModel(trees, s.baseMargin, [...s.featureNames], [...(s.featureUnits ?? s.featureNames.map(() => ''))], s.settings);
}
