import type { CutDescription } from '../../../protocol/results';
import type { DatasetArrays } from '../../datasets/types';
import { HmlError } from '../../util/errors';
import type { SavedModel, TrainedModel } from '../types';
import type { CutAndCountSettings, CutShape } from './settings';

/**
 * One cut on one feature (see `passes`). NaN fails every cut, `out` included (CONTRACTS: any comparison with NaN
 * is false, so an event whose object is missing cannot pass a selection on it).
 */
export interface Cut {
  featureIndex: number;
  feature: string;
  /** Unit of the feature (GeV, rad, 1 …). */
  unit: string;
  shape: CutShape;
  /** `le`: x ≤ high; `ge`: x ≥ low; `in`: low ≤ x ≤ high; `out`: x < low or x > high. */
  low?: number;
  high?: number;
}

export function passes(c: Cut, x: number): boolean {
  switch (c.shape) {
    case 'le':
      return x <= c.high!;
    case 'ge':
      return x >= c.low!;
    case 'in':
      return x >= c.low! && x <= c.high!;
    case 'out':
      return x < c.low! || x > c.high!;
  }
}

/** Readable form with units, e.g. `60 GeV ≤ fatjet0.mass ≤ 100 GeV`. Dimensionless features (unit `1` or empty) get no unit. */
export function describeCut(c: Cut): CutDescription {
  const u = c.unit && c.unit !== '1' ? ` ${c.unit}` : '';
  const v = (x: number): string => `${formatNumber(x)}${u}`;
  let text: string;
  switch (c.shape) {
    case 'le':
      text = `${c.feature} ≤ ${v(c.high!)}`;
      break;
    case 'ge':
      text = `${c.feature} ≥ ${v(c.low!)}`;
      break;
    case 'in':
      text = `${v(c.low!)} ≤ ${c.feature} ≤ ${v(c.high!)}`;
      break;
    case 'out':
      text = `${c.feature} < ${v(c.low!)} or ${c.feature} > ${v(c.high!)}`;
      break;
  }
  const d: CutDescription = { feature: c.feature, unit: c.unit, shape: c.shape, text };
  if (c.low !== undefined) d.low = c.low;
  if (c.high !== undefined) d.high = c.high;
  return d;
}

/** Four significant digits, without trailing zeros or exponent noise for ordinary magnitudes. */
export function formatNumber(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e6) return String(Number(x.toPrecision(4)));
  return x.toExponential(3).replace(/\.?0+e/, 'e');
}

export const CUT_AND_COUNT_FORMAT_VERSION = 1;

export interface CutAndCountSavedModel extends SavedModel {
  type: 'cut-and-count';
  version: typeof CUT_AND_COUNT_FORMAT_VERSION;
  topology: CutAndCountSettings['topology'];
  score: CutAndCountSettings['score'];
  featureNames: string[];
  cuts: Cut[];
}

/**
 * The cut list as a model. `predict` gives the graded score (see CutAndCountSettings.score): 1 means the event
 * passes the whole selection; with no cuts at all every event scores 1.
 */
export class CutAndCountModel implements TrainedModel {
  readonly type = 'cut-and-count' as const;
  readonly input = 'set' as const;

  constructor(
    readonly cuts: Cut[],
    readonly topology: CutAndCountSettings['topology'],
    readonly score: CutAndCountSettings['score'],
    readonly featureNames: string[],
  ) {}

  predict(data: DatasetArrays): Float32Array {
    if (!data.features) throw new HmlError('method-dataset-kind', "cut-and-count needs a 'set' dataset with a features array");
    return this.scoreRows(data.features, data.n);
  }

  scoreRows(features: Float32Array, n: number): Float32Array {
    const F = this.featureNames.length;
    const out = new Float32Array(n);
    const k = this.cuts.length;
    if (k === 0) return out.fill(1);
    for (let i = 0; i < n; i++) {
      let count = 0;
      for (const c of this.cuts) {
        if (passes(c, features[i * F + c.featureIndex])) count++;
        else if (this.score === 'cutflow') break;
      }
      out[i] = count / k;
    }
    return out;
  }

  describe(): CutDescription[] {
    return this.cuts.map(describeCut);
  }

  toJSON(): CutAndCountSavedModel {
    return {
      type: 'cut-and-count',
      version: CUT_AND_COUNT_FORMAT_VERSION,
      topology: this.topology,
      score: this.score,
      featureNames: [...this.featureNames],
      cuts: this.cuts.map((c) => ({ ...c })),
    };
  }
}

export function loadCutAndCountModel(saved: SavedModel): CutAndCountModel {
  const s = saved as CutAndCountSavedModel;
  if (s.type !== 'cut-and-count') throw new HmlError('model-type', `expected a saved 'cut-and-count' model, got '${String(s.type)}'`);
  if (s.version !== CUT_AND_COUNT_FORMAT_VERSION) {
    throw new HmlError('model-version', `saved cut-and-count model has format version ${String(s.version)}, this engine reads ${CUT_AND_COUNT_FORMAT_VERSION}; retrain the method (hml run)`);
  }
  return new CutAndCountModel(s.cuts.map((c) => ({ ...c })), s.topology, s.score, [...s.featureNames]);
}
