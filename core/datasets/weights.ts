import { HmlError } from '../util/errors';

/**
 * Physics and training weights.
 *
 * Physics weights (CONTRACTS.md "Event weights"): per sample Σw over generated events = σ [pb], so over kept
 * events Σw = σ × kept fraction. Sources already deliver weights normalised that way; when the analysis states a
 * cross section for a sample, every event weight is rescaled by σ / (⟨w⟩ × N_generated), with ⟨w⟩ the mean raw
 * weight of the events streamed. For unit raw weights this is the familiar σ_i / N_i — the stitching of pT- or
 * HT-sliced samples: each slice carries σ_i / N_i per event, so summing the slices rebuilds the full spectrum.
 *
 * Training weights are separate (a `train_weights` array beside `weights`): optional reweighting of a spectrum
 * (e.g. the jet pT) to a target class or to flat, then class balance, per split, so that each class sums to half
 * the rows of the split (mean training weight 1).
 */
export interface SampleNormalisation {
  /** Cross section used, pb (the stated one, or Σ raw weights × N_generated / N_streamed when none is stated). */
  crossSection: number;
  /** Number of generated events the normalisation refers to. */
  nGenerated: number;
  /** Events streamed through the builder. */
  nStreamed: number;
  /** Σ raw weights over the streamed events. */
  rawWeightSum: number;
  /** Factor applied to every raw event weight. */
  scale: number;
}

export function sampleNormalisation(sample: string, raw: { sum: number; n: number }, crossSection?: number, nGenerated?: number): SampleNormalisation {
  const nGen = nGenerated ?? raw.n;
  if (nGenerated !== undefined && (!Number.isFinite(nGenerated) || nGenerated < raw.n)) {
    throw new HmlError('bad-n-generated', `sample '${sample}': nGenerated (${nGenerated}) is below the ${raw.n} events read; state the number of generated events`, { exitCode: 2 });
  }
  if (crossSection === undefined) {
    return { crossSection: raw.n > 0 ? (raw.sum * nGen) / raw.n : 0, nGenerated: nGen, nStreamed: raw.n, rawWeightSum: raw.sum, scale: 1 };
  }
  if (!(crossSection >= 0) || !Number.isFinite(crossSection)) {
    throw new HmlError('bad-cross-section', `sample '${sample}': cross section must be a non-negative number of pb, got ${crossSection}`, { exitCode: 2 });
  }
  if (raw.n === 0) return { crossSection, nGenerated: nGen, nStreamed: 0, rawWeightSum: 0, scale: 0 };
  if (raw.sum === 0) {
    throw new HmlError('zero-weights', `sample '${sample}': the events' weights sum to zero, so a cross section of ${crossSection} pb cannot be applied; check the source's weights`, { exitCode: 1 });
  }
  return { crossSection, nGenerated: nGen, nStreamed: raw.n, rawWeightSum: raw.sum, scale: (crossSection * raw.n) / (raw.sum * nGen) };
}

export interface TrainWeightSettings {
  /**
   * Class balance: `weighted` (default) keeps the physics-weight shape inside each class and gives both classes
   * the same total; `count` gives every row of a class the same weight; `none` uses the physics weights as they are.
   */
  readonly balance?: 'weighted' | 'count' | 'none';
  /** Reweight a spectrum (e.g. `fatjet0.pt`, GeV) so the classes share it and a tagger cannot learn it. */
  readonly reweight?: {
    readonly observable: string;
    readonly bins: number;
    /** [min, max] in the observable's unit; values outside go to the edge bins. */
    readonly range: readonly [number, number];
    /** Spectrum to match: the signal's (default), the background's, or flat. */
    readonly target?: 'signal' | 'background' | 'flat';
  };
}

/**
 * Training weights for the rows `rows` (indices into the global arrays), returned in the same order.
 * `spectrum` holds the reweighting observable per global row (NaN goes to no bin and keeps factor 1).
 */
export function trainingWeights(rows: ArrayLike<number>, labels: Int8Array, weights: Float64Array, settings: TrainWeightSettings | undefined, spectrum?: Float64Array): Float64Array {
  const n = rows.length;
  const out = new Float64Array(n);
  const balance = settings?.balance ?? 'weighted';
  for (let k = 0; k < n; k++) out[k] = balance === 'count' ? 1 : weights[rows[k]];
  const rw = settings?.reweight;
  if (rw && spectrum) {
    const bins = rw.bins, [lo, hi] = rw.range;
    const binOf = (v: number) => (Number.isNaN(v) ? -1 : Math.min(bins - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * bins))));
    const hist = [new Float64Array(bins), new Float64Array(bins)];
    for (let k = 0; k < n; k++) {
      const b = binOf(spectrum[rows[k]]);
      if (b >= 0) hist[labels[rows[k]]][b] += out[k];
    }
    const norm = (h: Float64Array) => { const s = h.reduce((a, b) => a + b, 0); return s > 0 ? h.map((v) => v / s) : h; };
    const shape = [norm(hist[0]), norm(hist[1])];
    const target = rw.target === 'flat' ? new Float64Array(bins).fill(1 / bins) : shape[rw.target === 'background' ? 0 : 1];
    for (let k = 0; k < n; k++) {
      const b = binOf(spectrum[rows[k]]);
      if (b < 0) continue;
      const own = shape[labels[rows[k]]][b];
      out[k] *= own > 0 ? target[b] / own : 0;
    }
  }
  if (balance === 'none') return out;
  const sums = [0, 0], counts = [0, 0];
  for (let k = 0; k < n; k++) { sums[labels[rows[k]]] += out[k]; counts[labels[rows[k]]]++; }
  // Each class sums to half the rows of the split (mean weight 1); a class with a non-positive total keeps
  // unit weights so training still sees it.
  const factor = sums.map((s, c) => (s > 0 ? n / 2 / s : counts[c] > 0 ? NaN : 0));
  for (let k = 0; k < n; k++) {
    const c = labels[rows[k]];
    out[k] = Number.isNaN(factor[c]) ? n / 2 / counts[c] : out[k] * factor[c];
  }
  return out;
}
