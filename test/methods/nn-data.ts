import type { Dataset, DatasetArrays, DatasetKind } from '../../core/datasets/types';
import { Rng } from '../../core/util/random';

/**
 * Small synthetic datasets for the network tests and bench/training.ts: signal and background differ by a known
 * shift, so a working network reaches a clearly better-than-random AUC in a few epochs.
 */
function arrays(kind: DatasetKind, n: number, rowShape: number[], rng: Rng, shift: number): DatasetArrays {
  const per = rowShape.reduce((a, b) => a * b, 1);
  const labels = new Int8Array(n);
  const x = new Float32Array(n * per);
  let mask: Uint8Array | undefined;
  if (kind === 'cloud') mask = new Uint8Array(n * rowShape[0]);
  for (let i = 0; i < n; i++) {
    const y = i % 2;
    labels[i] = y;
    for (let k = 0; k < per; k++) {
      let v = rng.normal();
      if (kind === 'image') {
        // a blob in the centre for signal, spread out for background
        const H = rowShape[0], W = rowShape[1];
        const r = Math.floor(k / (W * rowShape[2])), c = Math.floor(k / rowShape[2]) % W;
        const d2 = ((r - H / 2) ** 2 + (c - W / 2) ** 2) / (H * W);
        v = 0.3 * Math.abs(v) + (y ? shift * Math.exp(-20 * d2) : shift * 0.5 * Math.exp(-5 * d2));
      } else if (kind === 'set') {
        v += y * shift * (k % 3 === 0 ? 1 : 0.3);
      } else {
        v += y * shift * 0.5;
      }
      x[i * per + k] = v;
    }
    if (mask) {
      const nReal = 2 + rng.int(rowShape[0] - 1);
      for (let p = 0; p < nReal; p++) mask[i * rowShape[0] + p] = 1;
    }
  }
  const weights = new Float64Array(n).fill(1);
  const sample = new Int16Array(n).map((_, i) => i % 2);
  const base = { n, labels, weights, sample };
  if (kind === 'set') return { ...base, features: x };
  if (kind === 'image') return { ...base, images: x };
  return { ...base, cloud: x, mask };
}

export function syntheticDataset(kind: DatasetKind, n: { train: number; validation?: number; test: number }, rowShape: number[], seed = 1, shift = 1): Dataset {
  const rng = new Rng(BigInt(seed));
  const nFeat = kind === 'image' ? rowShape[2] : rowShape[rowShape.length - 1];
  return {
    name: `synthetic-${kind}`,
    kind,
    featureNames: Array.from({ length: nFeat }, (_, i) => `f${i}`),
    featureUnits: Array.from({ length: nFeat }, () => '1'),
    rowShape,
    sampleNames: ['background', 'signal'],
    train: arrays(kind, n.train, rowShape, rng, shift),
    validation: n.validation ? arrays(kind, n.validation, rowShape, rng, shift) : undefined,
    test: arrays(kind, n.test, rowShape, rng, shift),
  };
}
