import { HmlError } from '../util/errors';
import { Rng, deriveSeed } from '../util/random';

/** Split fractions; they must sum to 1 within 1e-9 (CONTRACTS.md "Datasets"). */
export interface SplitFractions {
  readonly train: number;
  readonly validation?: number;
  readonly test: number;
}

export const SPLIT_NAMES = ['train', 'validation', 'test'] as const;
export type SplitName = (typeof SPLIT_NAMES)[number];

export function checkSplit(s: SplitFractions): void {
  const v = s.validation ?? 0;
  for (const [k, f] of [['train', s.train], ['validation', v], ['test', s.test]] as const) {
    if (!(f >= 0 && f <= 1)) throw new HmlError('bad-split', `split ${k} must be a fraction in [0, 1], got ${f}`, { exitCode: 2 });
  }
  if (Math.abs(s.train + v + s.test - 1) > 1e-9) {
    throw new HmlError('bad-split', `split fractions must sum to 1 (train ${s.train} + validation ${v} + test ${s.test} = ${s.train + v + s.test}); adjust them`, { exitCode: 2 });
  }
}

/**
 * Stratified, seeded assignment of rows to splits. Stratification is per sample (so also per label): inside
 * each sample the rows are shuffled with a stream seeded from (seed, dataset, sample) and the first
 * round(f_train·n) go to train, the next round(f_validation·n) to validation, the rest to test. Then every
 * split's rows are shuffled with their own seeded stream, so no split is ordered by sample or label (methods
 * that carve a validation part from the end of train get a mixed part).
 *
 * `sampleCounts[s]` rows of sample s occupy global rows offset_s … offset_s + n_s − 1 (samples in order).
 * Returns, per split, the global row indices in file order. Depends only on the counts and the seed.
 */
export function assignSplits(sampleCounts: readonly number[], fractions: SplitFractions, seed: string | number | bigint, dataset: string, sampleNames: readonly string[]): Record<SplitName, Uint32Array> {
  checkSplit(fractions);
  const parts: Record<SplitName, number[]> = { train: [], validation: [], test: [] };
  let offset = 0;
  sampleCounts.forEach((n, s) => {
    const idx = new Uint32Array(n);
    for (let k = 0; k < n; k++) idx[k] = offset + k;
    new Rng(deriveSeed(String(seed), 'dataset-split', dataset, sampleNames[s])).shuffle(idx);
    const nTrain = Math.round(fractions.train * n);
    const nVal = Math.min(n - nTrain, Math.round((fractions.validation ?? 0) * n));
    for (let k = 0; k < n; k++) (k < nTrain ? parts.train : k < nTrain + nVal ? parts.validation : parts.test).push(idx[k]);
    offset += n;
  });
  const out = {} as Record<SplitName, Uint32Array>;
  for (const name of SPLIT_NAMES) {
    const a = Uint32Array.from(parts[name]);
    new Rng(deriveSeed(String(seed), 'dataset-order', dataset, name)).shuffle(a);
    out[name] = a;
  }
  return out;
}
