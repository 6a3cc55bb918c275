import type { Dataset, DatasetArrays, DatasetKind } from '../datasets/types';
import { HmlError, type SourceLocation } from '../util/errors';
import type { MethodType } from './types';

/**
 * Checks every method runs before training starts, so that bad settings fail in a second with a message that
 * says what to change, not after minutes of training.
 */

/** The dataset kind must be one the method consumes (e.g. cut-and-count and gbdt need a `set` dataset). */
export function requireDatasetKind(method: MethodType, dataset: Dataset, kinds: readonly DatasetKind[], location?: SourceLocation): void {
  if (!kinds.includes(dataset.kind)) {
    throw new HmlError(
      'method-dataset-kind',
      `method '${method}' needs a ${kinds.map((k) => `'${k}'`).join(' or ')} dataset, but dataset '${dataset.name}' is a '${dataset.kind}' dataset; ` +
        `point the method at a dataset built with representation ${kinds[0]}, or choose a method for ${dataset.kind} data`,
      { location },
    );
  }
}

/**
 * The training split must hold both classes with a non-zero total training weight, otherwise there is nothing
 * to separate.
 */
export function requireBothClasses(method: MethodType, dataset: Dataset, location?: SourceLocation): void {
  const arr = dataset.train;
  if (arr.n === 0) {
    throw new HmlError('dataset-empty', `dataset '${dataset.name}' has no training events; loosen the preselection or generate more events before training '${method}'`, { location });
  }
  let nSig = 0;
  let nBkg = 0;
  for (let i = 0; i < arr.n; i++) {
    if (trainingWeight(arr, i) === 0) continue;
    if (arr.labels[i] === 1) nSig++;
    else nBkg++;
  }
  if (nSig === 0 || nBkg === 0) {
    const missing = nSig === 0 ? 'signal' : 'background';
    throw new HmlError(
      'dataset-one-class',
      `dataset '${dataset.name}' has no ${missing} events (with non-zero weight) in its training split, so '${method}' cannot learn to separate the classes; ` +
        `add a ${missing} sample to the dataset (samples with label ${missing === 'signal' ? 1 : 0})`,
      { location },
    );
  }
}

/** Training weight of row `i` (absent training weights mean 1). */
export function trainingWeight(arr: DatasetArrays, i: number): number {
  return arr.trainWeights ? arr.trainWeights[i] : 1;
}

/** Throws a settings error for `key` with a message that names the allowed values. */
export function settingError(method: MethodType, key: string, value: unknown, expected: string, location?: SourceLocation): HmlError {
  return new HmlError('method-setting', `method '${method}': '${key}' is ${JSON.stringify(value)}, but it must be ${expected}`, { location });
}

/** Reads a setting that may be spelled in snake_case (analysis files) or camelCase (TypeScript callers). */
export function pickSetting(raw: Record<string, unknown>, camel: string): unknown {
  if (raw[camel] !== undefined) return raw[camel];
  const snake = camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return raw[snake];
}

export function checkInteger(method: MethodType, key: string, v: unknown, min: number, max: number, location?: SourceLocation): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw settingError(method, key, v, `an integer from ${min} to ${max}`, location);
  }
  return v;
}

export function checkNumber(method: MethodType, key: string, v: unknown, min: number, max: number, options: { minExclusive?: boolean } = {}, location?: SourceLocation): number {
  const low = options.minExclusive ? (x: number) => x > min : (x: number) => x >= min;
  if (typeof v !== 'number' || !Number.isFinite(v) || !low(v) || v > max) {
    throw settingError(method, key, v, `a number ${options.minExclusive ? '>' : '≥'} ${min} and ≤ ${max}`, location);
  }
  return v;
}
