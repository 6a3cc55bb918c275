import type { EventBatch } from '../physics/events';
import type { DatasetKind } from '../datasets/types';
import type { ReclusterAlgorithm } from './recluster';

/**
 * Settings of the three representations, as they appear under `datasets:` in an analysis file (snake_case keys
 * kept so the analysis model can hand its parsed object over unchanged). Units: GeV, radians; the image
 * `rotate.orientation` is in degrees (CONTRACTS.md).
 */
export interface SetSettings {
  readonly type: 'set';
  /** Observable expressions, one value per event each (NaN where an object is missing). */
  readonly observables: readonly string[];
}

export type FlipSide = 'left' | 'right' | 'up' | 'down';

export interface ImageSettings {
  readonly type: 'image';
  /** Constituent observable along the image height (rows), e.g. `fatjet0.constituents.phi`. */
  readonly height: string;
  /** Constituent observable along the image width (columns), e.g. `fatjet0.constituents.eta`. */
  readonly width: string;
  /** Channel weight(s), e.g. `fatjet0.constituents.pt` (the default); one channel per entry. */
  readonly channel?: string | readonly string[];
  /** Reclustering of the constituents into subjets (R in y–φ, min_pt in GeV). */
  readonly subjets?: { readonly algorithm: ReclusterAlgorithm; readonly r: number; readonly min_pt?: number };
  /**
   * Move this point to the origin: `subjetK`, or the image's own object (`fatjet0`, also `jet`) for its axis. φ
   * differences are wrapped.
   */
  readonly translate?: string;
  /** Rotate about the origin so that `axis` (`subjetK`) points at `orientation` degrees (0 = +width, 90 = +height). */
  readonly rotate?: { readonly axis: string; readonly orientation: number };
  /**
   * Mirror the image so that the reference sits on `side`: `left`/`right` mirror the width axis, `up`/`down`
   * the height axis. `by: subjet2` uses the third subjet when there is one (else the intensity halves);
   * `by: energy` compares the summed first-channel intensity of the two halves. `true` (the analysis file's
   * boolean) means `{ side: right, by: energy }`; `false` no flip.
   */
  readonly flip?: boolean | FlipSide | { readonly side: FlipSide; readonly by?: 'subjet2' | 'energy' };
  /** [height, width] in pixels. */
  readonly pixels: readonly number[];
  /** [[height min, height max], [width min, width max]] in the axis units (radians / units of η). */
  readonly range: readonly (readonly number[])[];
  /** Per image and channel: none, max (divide by the largest pixel), sum (divide by the total), log (sign·log1p|x|). */
  readonly normalize?: 'none' | 'max' | 'sum' | 'log';
}

export type CloudFeature =
  | 'delta_eta' | 'delta_phi' | 'delta_r' | 'log_pt' | 'log_e' | 'pt' | 'e' | 'eta' | 'phi' | 'pdg_id'
  | 'pt_fraction' | 'log_pt_rel' | 'e_fraction' | 'log_e_rel' | 'charge' | 'pdg_class'
  | 'is_charged_hadron' | 'is_neutral_hadron' | 'is_photon' | 'is_electron' | 'is_muon';

export interface CloudSettings {
  readonly type: 'cloud';
  /**
   * Whose particles: an object's constituents (`fatjet0.constituents`; relative features refer to that object's
   * axis) or a whole collection (`eflowtrack`; relative features refer to the sum of its particles in the event).
   */
  readonly object: string;
  /** Names from `CLOUD_FEATURES` (checked when the representation is created). */
  readonly features: readonly string[];
  /** Fixed length: the hardest `max_particles` particles are kept, the rest zero-padded with mask 0. */
  readonly max_particles: number;
}

export type RepresentationSettings = SetSettings | ImageSettings | CloudSettings;

/** A column from the observable evaluator: one value per event, or a ragged list (offsets length n + 1). */
export type ObservableColumn = Float64Array | { readonly offsets: Uint32Array; readonly values: Float64Array };

/** Evaluates an observable expression on a batch (core/observables provides the general one). */
export type ObservableEvaluator = (batch: EventBatch, expression: string) => ObservableColumn;

/** Rows of one batch, already restricted to the selected events. */
export interface RepresentationRows {
  /** Number of rows. */
  readonly n: number;
  /** Row-major (n, ...rowShape) float32. */
  readonly data: Float32Array;
  /** `cloud` only: (n, P), 1 for a real particle. */
  readonly mask?: Uint8Array;
}

/** Describes a feature (or channel / cloud feature) for attributes and dataset cards. */
export interface FeatureInfo {
  readonly name: string;
  /** GeV, rad, 1 … */
  readonly unit: string;
  readonly definition: string;
}

/** A compiled representation: evaluated batch by batch. */
export interface Representation {
  readonly kind: DatasetKind;
  /** [F] for set, [H, W, C] for image, [P, F] for cloud. */
  readonly rowShape: readonly number[];
  readonly features: readonly FeatureInfo[];
  /** Settings as given, recorded in the file. */
  readonly settings: RepresentationSettings;
  /** Evaluates the rows of the events whose `select[i]` is 1 (all events when `select` is absent). */
  evaluate(batch: EventBatch, select?: Uint8Array): RepresentationRows;
}
