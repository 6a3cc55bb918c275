import type { Dataset } from '../../datasets/types';
import type { SourceLocation } from '../../util/errors';
import { checkInteger, checkNumber, pickSetting, requireBothClasses, requireDatasetKind, settingError } from '../checks';
import type { Activation, Architecture, LayerSpec } from './architecture';

/**
 * Settings of the three network methods, as the analysis file spells them (snake_case) or TypeScript callers
 * (camelCase). Every value is checked before any training starts.
 */
export type NetworkType = 'mlp' | 'cnn' | 'pfn';
export type Scaling = 'none' | 'minmax' | 'standard';
/** How NaN (missing objects) are replaced, fitted on the training split: below the minimum, the mean, or a number. */
export type FillRule = 'below-min' | 'mean' | number;
export type ClassWeight = 'none' | 'balanced' | { signal: number; background: number };

export interface CommonSettings {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /**
   * Stop when the validation loss has not improved by `minDelta` for `patience` epochs; 0 = never stop early.
   * Defaults follow core/analysis/schema.ts (epochs 20, batch 128, early stopping off, mlp [32, 32], cnn filters
   * [8, 16, 32] + dense [64], pfn Φ [100, 100, 128] and F [100, 100]).
   */
  patience: number;
  minDelta: number;
  /** Restore the weights of the epoch with the lowest validation loss when training ends. */
  restoreBest: boolean;
  classWeight: ClassWeight;
  scaling: Scaling;
  fill: FillRule;
  /** Fraction of the end of `train` used for validation when the dataset has no validation split. */
  validationFraction: number;
  activation: Activation;
  dropout: number;
}

export interface MlpSettings extends CommonSettings { layers: number[] }
export interface CnnSettings extends CommonSettings { filters: number[]; kernelSize: number; pool: number; dense: number[] }
export interface PfnSettings extends CommonSettings { phi: number[]; f: number[] }
export type NetworkSettings = MlpSettings | CnnSettings | PfnSettings;

const ACTIVATIONS: readonly Activation[] = ['relu', 'tanh', 'sigmoid', 'elu', 'selu', 'linear'];

function intList(type: NetworkType, key: string, v: unknown, def: number[], loc?: SourceLocation, allowEmpty = false): number[] {
  if (v === undefined) return def;
  if (!Array.isArray(v) || (!allowEmpty && v.length === 0) || v.some((x) => typeof x !== 'number' || !Number.isInteger(x) || x < 1 || x > 65536)) {
    throw settingError(type, key, v, `a list of ${allowEmpty ? '' : 'one or more '}integers from 1 to 65536 (units per layer)`, loc);
  }
  return v as number[];
}

function oneOf<T extends string>(type: NetworkType, key: string, v: unknown, allowed: readonly T[], def: T, loc?: SourceLocation): T {
  if (v === undefined) return def;
  if (typeof v !== 'string' || !allowed.includes(v as T)) throw settingError(type, key, v, `one of ${allowed.join(', ')}`, loc);
  return v as T;
}

/** Parses and checks settings; throws HmlError (code `method-setting`) naming the key and the allowed values. */
export function parseSettings(type: NetworkType, raw: Record<string, unknown>, loc?: SourceLocation): NetworkSettings {
  const get = (k: string): unknown => pickSetting(raw, k);
  const num = (k: string, def: number, min: number, max: number, minExclusive = false): number =>
    get(k) === undefined ? def : checkNumber(type, k, get(k), min, max, { minExclusive }, loc);
  const int = (k: string, def: number, min: number, max: number): number => (get(k) === undefined ? def : checkInteger(type, k, get(k), min, max, loc));
  const epochs = get('epochs');
  if (epochs !== undefined && (typeof epochs !== 'number' || epochs < 1)) {
    throw settingError(type, 'epochs', epochs, 'an integer ≥ 1 (the number of passes over the training data)', loc);
  }
  // early_stopping: the patience in epochs as the analysis schema spells it (0 = off), or true / false / { patience }.
  const es = get('earlyStopping');
  let patience = int('patience', 0, 0, 100000);
  if (es === false) patience = 0;
  else if (es === true) patience = patience || 5;
  else if (typeof es === 'number') patience = checkInteger(type, 'early_stopping', es, 0, 100000, loc);
  else if (es !== undefined) {
    if (typeof es !== 'object' || es === null) throw settingError(type, 'early_stopping', es, 'a patience in epochs (0 = off), true, false or { patience }', loc);
    const e = es as Record<string, unknown>;
    if (pickSetting(e, 'patience') !== undefined) patience = checkInteger(type, 'early_stopping.patience', pickSetting(e, 'patience'), 0, 100000, loc);
  }
  const cw = get('classWeight');
  let classWeight: ClassWeight;
  if (cw === 'balanced' || cw === 'none' || cw === undefined) classWeight = cw ?? 'none';
  else if (typeof cw === 'object' && cw !== null) {
    const o = cw as Record<string, unknown>;
    classWeight = {
      signal: checkNumber(type, 'class_weight.signal', o.signal ?? 1, 0, 1e12, { minExclusive: true }, loc),
      background: checkNumber(type, 'class_weight.background', o.background ?? 1, 0, 1e12, { minExclusive: true }, loc),
    };
  } else throw settingError(type, 'class_weight', cw, "'none', 'balanced' or { signal: w, background: w }", loc);
  const fillRaw = get('fill');
  let fill: FillRule = 'below-min';
  if (fillRaw === 'mean' || fillRaw === 'below-min') fill = fillRaw;
  else if (typeof fillRaw === 'number' && Number.isFinite(fillRaw)) fill = fillRaw;
  else if (fillRaw !== undefined) throw settingError(type, 'fill', fillRaw, "'below-min', 'mean' or a number", loc);

  const common: CommonSettings = {
    epochs: int('epochs', 20, 1, 100000),
    batchSize: int('batchSize', 128, 1, 1 << 20),
    learningRate: num('learningRate', 1e-3, 0, 10, true),
    patience,
    minDelta: num('minDelta', 0, 0, 1e9),
    restoreBest: get('restoreBest') === undefined ? true : get('restoreBest') === true,
    classWeight,
    // `scale` is the analysis schema's name; `scaling` is accepted too.
    scaling: oneOf(type, get('scale') !== undefined ? 'scale' : 'scaling', get('scale') ?? get('scaling'), ['none', 'minmax', 'standard'] as const, type === 'cnn' ? 'none' : 'standard', loc),
    fill,
    validationFraction: num('validationFraction', 0.2, 0, 0.9, true),
    activation: oneOf(type, 'activation', get('activation'), ACTIVATIONS, 'relu', loc),
    dropout: num('dropout', 0, 0, 0.95),
  };
  if (type === 'mlp') return { ...common, layers: intList(type, 'layers', get('layers'), [32, 32], loc) };
  if (type === 'cnn') {
    return {
      ...common,
      filters: intList(type, 'filters', get('filters'), [8, 16, 32], loc),
      kernelSize: get('kernel') !== undefined ? checkInteger(type, 'kernel', get('kernel'), 1, 31, loc) : int('kernelSize', 3, 1, 31),
      pool: int('pool', 2, 1, 16),
      dense: intList(type, 'dense', get('dense'), [64], loc, true),
    };
  }
  return { ...common, phi: intList(type, 'phi', get('phi'), [100, 100, 128], loc), f: intList(type, 'f', get('f'), [100, 100], loc) };
}

/**
 * Checks that run before training: the dataset kind fits the network, both classes are present, and the
 * architecture fits the input (e.g. enough pixels for the pooling).
 */
export function checkDataset(type: NetworkType, dataset: Dataset, settings: NetworkSettings, loc?: SourceLocation): void {
  requireDatasetKind(type, dataset, type === 'mlp' ? ['set'] : type === 'cnn' ? ['image'] : ['cloud'], loc);
  requireBothClasses(type, dataset, loc);
  if (type === 'cnn') {
    const s = settings as CnnSettings;
    let side = Math.min(dataset.rowShape[0], dataset.rowShape[1]);
    for (let i = 0; i < s.filters.length - 1; i++) side = Math.floor(side / s.pool);
    if (side < 1) {
      throw settingError(type, 'filters', s.filters, `fewer convolution blocks: ${s.filters.length - 1} poolings of ${s.pool} shrink the ${dataset.rowShape[0]}×${dataset.rowShape[1]} image to nothing`, loc);
    }
  }
}

/** The architecture for `settings` on rows of `rowShape` (see architecture.ts for the layer semantics). */
export function buildArchitecture(type: NetworkType, settings: NetworkSettings, rowShape: readonly number[]): Architecture {
  const layers: LayerSpec[] = [];
  const act = settings.activation;
  const denseStack = (inputs: number, units: number[], dropout: number): number => {
    for (const u of units) {
      layers.push({ kind: 'dense', inputs, units: u, activation: act });
      if (dropout > 0) layers.push({ kind: 'dropout', rate: dropout });
      inputs = u;
    }
    return inputs;
  };
  let width: number;
  if (type === 'mlp') {
    width = denseStack(rowShape[0], (settings as MlpSettings).layers, settings.dropout);
  } else if (type === 'cnn') {
    const s = settings as CnnSettings;
    let ch = rowShape[2];
    s.filters.forEach((f, i) => {
      layers.push({ kind: 'conv2d', inChannels: ch, filters: f, kernel: s.kernelSize, activation: act, padding: 'same' });
      if (i < s.filters.length - 1 && s.pool > 1) layers.push({ kind: 'maxpool2d', pool: s.pool });
      ch = f;
    });
    layers.push({ kind: 'global-avg-pool' });
    width = denseStack(ch, s.dense, settings.dropout);
  } else {
    const s = settings as PfnSettings;
    const latent = denseStack(rowShape[1], s.phi, 0);
    layers.push({ kind: 'masked-sum' });
    width = denseStack(latent, s.f, settings.dropout);
  }
  layers.push({ kind: 'dense', inputs: width, units: 1, activation: 'linear' });
  return { inputShape: [...rowShape], layers };
}
