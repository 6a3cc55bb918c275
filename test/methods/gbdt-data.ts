import type { Dataset, DatasetArrays } from '../../core/datasets/types';
import { Rng } from '../../core/util/random';

/** Builds split arrays from a row generator: `row(rng, label)` fills one row's features. */
export function makeArrays(n: number, F: number, seed: number, row: (rng: Rng, label: number, out: Float32Array) => void, signalFraction = 0.5): DatasetArrays {
  const rng = new Rng(BigInt(seed));
  const features = new Float32Array(n * F);
  const labels = new Int8Array(n);
  const buf = new Float32Array(F);
  for (let i = 0; i < n; i++) {
    const y = rng.uniform() < signalFraction ? 1 : 0;
    labels[i] = y;
    row(rng, y, buf);
    features.set(buf, i * F);
  }
  return { n, labels, weights: new Float64Array(n).fill(1), sample: Int16Array.from(labels, (y) => (y ? 0 : 1)), features };
}

export function makeDataset(name: string, featureNames: string[], units: string[], train: DatasetArrays, test: DatasetArrays, validation?: DatasetArrays): Dataset {
  return { name, kind: 'set', featureNames, featureUnits: units, rowShape: [featureNames.length], sampleNames: ['sig', 'bkg'], train, test, validation };
}

/** Five features: shifted Gaussians, a correlated pair and a product feature; `nanRate` of values missing. */
export function gaussianRow(nanRate = 0) {
  return (rng: Rng, y: number, out: Float32Array): void => {
    const z = rng.normal();
    out[0] = rng.normal() + (y ? 0.6 : 0);
    out[1] = rng.normal() * (y ? 1.4 : 1);
    out[2] = 0.7 * z + rng.normal() * 0.7 + (y ? 0.3 : 0);
    out[3] = out[0] * out[2] + rng.normal() * 0.5;
    out[4] = rng.exponential() * (y ? 1.5 : 1);
    if (nanRate > 0) for (let f = 0; f < out.length; f++) if (rng.uniform() < nanRate) out[f] = NaN;
  };
}
