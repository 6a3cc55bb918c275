import type { SourceLocation } from '../../util/errors';
import { checkInteger, checkNumber, pickSetting, settingError } from '../checks';

export type CutShape = 'le' | 'ge' | 'in' | 'out';

/**
 * Settings of the `cut-and-count` method (snake_case keys accepted from analysis files).
 */
export interface CutAndCountSettings {
  /**
   * `parallel`: every feature's cut is optimised on all training events, and the selection is their AND.
   * `sequential`: cuts are optimised one feature after the other, each on the events passing the cuts before it
   * (a cut flow).
   */
  topology: 'parallel' | 'sequential';
  /**
   * Graded score so that the ROC has more than one point: `passed` = number of cuts passed / number of cuts;
   * `cutflow` = number of consecutive cuts passed from the first / number of cuts (the cut-flow step reached).
   * Default: `passed` for parallel, `cutflow` for sequential. Score 1 = the selection.
   */
  score: 'passed' | 'cutflow';
  /** Histogram bins per feature between its 0.1 % and 99.9 % quantiles; cut values are bin edges. */
  bins: number;
  /** What the cuts maximise: s/√(s+b) (`significance`), the Asimov Z (`asimov`), or s/√b (`s_over_sqrt_b`). */
  objective: 'significance' | 'asimov' | 's_over_sqrt_b';
  /** Cut shapes tried per feature. Default all four. */
  shapes: CutShape[];
  /** Features to cut on (names as in the dataset); default all, in dataset order (the order of a sequential flow). */
  features: string[] | null;
  /** Background MC events that must pass every cut candidate (avoids cuts tuned on a handful of events). */
  minBackgroundEvents: number;
  /** Luminosity in fb⁻¹ that turns σ-normalised weights (pb) into yields; without it, weighted counts are used. */
  luminosity: number | null;
  /** Relative background uncertainty for the `asimov` objective. */
  backgroundUncertainty: number;
}

export const CUT_AND_COUNT_DEFAULTS: Readonly<Omit<CutAndCountSettings, 'score'>> = Object.freeze({
  topology: 'parallel' as const,
  bins: 100,
  objective: 'significance' as const,
  shapes: ['le', 'ge', 'in', 'out'] as CutShape[],
  features: null,
  minBackgroundEvents: 10,
  luminosity: null,
  backgroundUncertainty: 0,
});

export function resolveCutAndCountSettings(raw: Partial<CutAndCountSettings> | Record<string, unknown> = {}, location?: SourceLocation): CutAndCountSettings {
  const r = raw as Record<string, unknown>;
  const m = 'cut-and-count' as const;
  const get = (k: keyof CutAndCountSettings): unknown => pickSetting(r, k);
  const topology = get('topology') ?? CUT_AND_COUNT_DEFAULTS.topology;
  if (topology !== 'parallel' && topology !== 'sequential') throw settingError(m, 'topology', topology, "'parallel' or 'sequential'", location);
  const score = get('score') ?? (topology === 'parallel' ? 'passed' : 'cutflow');
  if (score !== 'passed' && score !== 'cutflow') throw settingError(m, 'score', score, "'passed' or 'cutflow'", location);
  // `loss` is how core/analysis/schema.ts (the analysis file) names it
  const objective = get('objective') ?? r.loss ?? CUT_AND_COUNT_DEFAULTS.objective;
  if (objective !== 'significance' && objective !== 'asimov' && objective !== 's_over_sqrt_b') throw settingError(m, 'objective', objective, "'significance', 'asimov' or 's_over_sqrt_b'", location);
  const shapes = get('shapes') ?? CUT_AND_COUNT_DEFAULTS.shapes;
  if (!Array.isArray(shapes) || shapes.length === 0 || !shapes.every((s) => s === 'le' || s === 'ge' || s === 'in' || s === 'out')) {
    throw settingError(m, 'shapes', shapes, "a non-empty list of 'le', 'ge', 'in', 'out'", location);
  }
  const features = get('features') ?? null;
  if (features !== null && (!Array.isArray(features) || features.length === 0 || !features.every((f) => typeof f === 'string'))) {
    throw settingError(m, 'features', features, 'a non-empty list of feature names', location);
  }
  const lumi = get('luminosity') ?? null;
  return {
    topology,
    score,
    bins: checkInteger(m, 'bins', get('bins') ?? CUT_AND_COUNT_DEFAULTS.bins, 2, 100000, location),
    objective,
    shapes: [...(shapes as CutShape[])],
    features: features === null ? null : [...(features as string[])],
    minBackgroundEvents: checkInteger(m, 'min_background_events', get('minBackgroundEvents') ?? CUT_AND_COUNT_DEFAULTS.minBackgroundEvents, 0, 1e9, location),
    luminosity: lumi === null ? null : checkNumber(m, 'luminosity', lumi, 0, Number.MAX_VALUE, { minExclusive: true }, location),
    backgroundUncertainty: checkNumber(m, 'background_uncertainty', get('backgroundUncertainty') ?? 0, 0, 100, {}, location),
  };
}
