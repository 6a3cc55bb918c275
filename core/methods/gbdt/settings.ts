import type { SourceLocation } from '../../util/errors';
import { checkInteger, checkNumber, pickSetting, settingError } from '../checks';

/**
 * Settings of the `gbdt` method (gradient-boosted decision trees, log-loss). Names follow XGBoost where one
 * exists, so a physicist can carry settings over; in analysis files they may be written in snake_case
 * (`learning_rate`, `max_depth` …).
 */
export interface GbdtSettings {
  /** Number of boosting rounds (trees), ≥ 1. XGBoost `num_boost_round`. */
  trees: number;
  /** Shrinkage per tree, XGBoost `eta`. */
  learningRate: number;
  /** `depthwise`: grow level by level to `maxDepth` (XGBoost default); `lossguide`: always split the leaf with the largest gain, up to `maxLeaves` (LightGBM style). */
  growth: 'depthwise' | 'lossguide';
  /** Maximum depth; 0 means unlimited (only with `lossguide`). */
  maxDepth: number;
  /** Maximum number of leaves per tree for `lossguide` (0 = unlimited, then `maxDepth` must be > 0). */
  maxLeaves: number;
  /** Minimum sum of hessians (p(1−p) × training weight) in a child. XGBoost `min_child_weight`. */
  minChildWeight: number;
  /** L2 regularisation on leaf values. XGBoost `lambda`. */
  lambda: number;
  /** Minimum loss reduction to make a split. XGBoost `gamma`. */
  gamma: number;
  /** Fraction of training rows drawn (without replacement, seeded) for each tree. */
  subsample: number;
  /** Fraction of features drawn (seeded) for each tree. XGBoost `colsample_bytree`. */
  colsampleBytree: number;
  /** Histogram bins per feature for values that are not missing (2–255; missing values get a bin of their own). */
  bins: number;
  /** Stop when the validation log-loss has not improved for this many rounds (0 = off); the best round is kept. */
  earlyStoppingRounds: number;
  /**
   * Fraction of the end of `train` used as validation split when the dataset has none and early stopping is on
   * (CONTRACTS "Datasets"). Default 0.2.
   */
  validationFraction: number;
  /** Evaluate the validation AUC for the training curves every this many rounds (and at the last). 0 = auto (≈ 20 points). */
  aucEvery: number;
}

export const GBDT_DEFAULTS: Readonly<GbdtSettings> = Object.freeze({
  trees: 100,
  learningRate: 0.3,
  growth: 'depthwise',
  maxDepth: 6,
  maxLeaves: 0,
  minChildWeight: 1,
  lambda: 1,
  gamma: 0,
  subsample: 1,
  colsampleBytree: 1,
  bins: 255,
  earlyStoppingRounds: 0,
  validationFraction: 0.2,
  aucEvery: 0,
});

/** How core/analysis/schema.ts (and so the analysis file and the language server) spells these settings. */
const SCHEMA_NAMES: Partial<Record<keyof GbdtSettings, string>> = { maxDepth: 'depth', lambda: 'l2', colsampleBytree: 'colsample', earlyStoppingRounds: 'early_stopping' };

/**
 * Settings from an analysis file or a caller, with defaults filled in; throws an HmlError (code
 * `method-setting`) naming the bad key and what it must be.
 */
export function resolveGbdtSettings(raw: Partial<GbdtSettings> | Record<string, unknown> = {}, location?: SourceLocation): GbdtSettings {
  const r = raw as Record<string, unknown>;
  const get = <K extends keyof GbdtSettings>(k: K): unknown => pickSetting(r, k) ?? (k in SCHEMA_NAMES ? r[SCHEMA_NAMES[k]!] : undefined) ?? GBDT_DEFAULTS[k];
  const m = 'gbdt' as const;
  const growth = get('growth');
  if (growth !== 'depthwise' && growth !== 'lossguide') throw settingError(m, 'growth', growth, "'depthwise' or 'lossguide'", location);
  const s: GbdtSettings = {
    trees: checkInteger(m, 'trees', get('trees'), 1, 100000, location),
    learningRate: checkNumber(m, 'learning_rate', get('learningRate'), 0, 10, { minExclusive: true }, location),
    growth,
    maxDepth: checkInteger(m, 'max_depth', get('maxDepth'), 0, 63, location),
    maxLeaves: checkInteger(m, 'max_leaves', get('maxLeaves'), 0, 1 << 20, location),
    minChildWeight: checkNumber(m, 'min_child_weight', get('minChildWeight'), 0, Number.MAX_VALUE, {}, location),
    lambda: checkNumber(m, 'lambda', get('lambda'), 0, Number.MAX_VALUE, {}, location),
    gamma: checkNumber(m, 'gamma', get('gamma'), 0, Number.MAX_VALUE, {}, location),
    subsample: checkNumber(m, 'subsample', get('subsample'), 0, 1, { minExclusive: true }, location),
    colsampleBytree: checkNumber(m, 'colsample_bytree', get('colsampleBytree'), 0, 1, { minExclusive: true }, location),
    bins: checkInteger(m, 'bins', get('bins'), 2, 255, location),
    earlyStoppingRounds: checkInteger(m, 'early_stopping_rounds', get('earlyStoppingRounds'), 0, 100000, location),
    validationFraction: checkNumber(m, 'validation_fraction', get('validationFraction'), 0, 0.9, { minExclusive: true }, location),
    aucEvery: checkInteger(m, 'auc_every', get('aucEvery'), 0, 100000, location),
  };
  if (s.growth === 'depthwise' && s.maxDepth === 0) throw settingError(m, 'max_depth', 0, "≥ 1 with growth 'depthwise' (0 = unlimited is only for 'lossguide')", location);
  if (s.growth === 'lossguide') {
    if (s.maxLeaves === 1) throw settingError(m, 'max_leaves', 1, '0 (unlimited) or ≥ 2', location);
    if (s.maxLeaves === 0 && s.maxDepth === 0) throw settingError(m, 'max_leaves', 0, "≥ 2 when max_depth is 0 (otherwise trees grow without limit)", location);
  }
  return s;
}
