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
 * Training weights are separate (a `train_weights` array beside `weights`), computed per split: a base weight
 * (unit, balanced, physics, physics-balanced), optionally times a spectrum reweighting (e.g. the jet pT) towards a
 * target class or flat.
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
   * Base training weight (the analysis file's `weights:` key): `unit` every row 1 (default); `balanced` unit
   * weights scaled so each class sums to the same total (compensates unequal event counts); `physics` the physics
   * weights scaled to mean 1 (training sees the real mixture); `physics-balanced` the physics weights with each
   * class scaled to the same total (several backgrounds keep their σ mixture, the classes are balanced).
   */
  readonly weights?: 'unit' | 'balanced' | 'physics' | 'physics-balanced';
  /**
   * Reweight a spectrum (e.g. `fatjet0.pt`, GeV) so both classes share it and a tagger cannot learn it: the rows
   * of the other class(es) get the ratio target / own shape per bin (shapes from the base weights × |physics
   * weight| of the split's rows).
   */
  readonly reweight?: {
    readonly observable: string;
    /** Default 20. */
    readonly bins?: number;
    /** [min, max] in the observable's unit; default the split's finite min and max. Values outside go to the edge bins. */
    readonly range?: readonly number[];
    /** Spectrum to match: the background's (default, so signal is reweighted, as the analysis schema says), the signal's, or flat. */
    readonly target?: 'signal' | 'background' | 'flat';
  };
}

/**
 * Training weights for the rows `rows` (indices into the global arrays), returned in the same order; mean 1 for
 * every mode but `unit` without reweighting (which is exactly 1). `spectrum` holds the reweighting observable per
 * global row (NaN keeps factor 1).
 */
export function trainingWeights(rows: ArrayLike<number>, labels: Int8Array, weights: Float64Array, settings: TrainWeightSettings | undefined, spectrum?: Float64Array): Float64Array {
  const n = rows.length;
  const out = new Float64Array(n);
  const mode = settings?.weights ?? 'unit';
  const physics = mode === 'physics' || mode === 'physics-balanced';
  for (let k = 0; k < n; k++) out[k] = physics ? weights[rows[k]] : 1;
  const rw = settings?.reweight;
  if (rw && spectrum) {
    const bins = rw.bins ?? 20;
    let lo = rw.range?.[0] ?? Infinity, hi = rw.range?.[1] ?? -Infinity;
    if (!rw.range) for (let k = 0; k < n; k++) { const v = spectrum[rows[k]]; if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; } }
    if (!(hi > lo)) hi = lo + 1;
    const binOf = (v: number) => (Number.isNaN(v) ? -1 : Math.min(bins - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * bins))));
    // Shapes use |physics weight| × base weight, so the spectrum matched is the physical one.
    const hist = [new Float64Array(bins), new Float64Array(bins)];
    for (let k = 0; k < n; k++) {
      const b = binOf(spectrum[rows[k]]);
      if (b >= 0) hist[labels[rows[k]]][b] += physics ? out[k] : Math.abs(weights[rows[k]]);
    }
    const norm = (h: Float64Array) => { const s = h.reduce((a, b) => a + b, 0); return s > 0 ? h.map((v) => v / s) : h; };
    const shape = [norm(hist[0]), norm(hist[1])];
    const targetName = rw.target ?? 'background';
    const target = targetName === 'flat' ? new Float64Array(bins).fill(1 / bins) : shape[targetName === 'background' ? 0 : 1];
    const fixed = targetName === 'flat' ? -1 : targetName === 'background' ? 0 : 1;
    for (let k = 0; k < n; k++) {
      const c = labels[rows[k]];
      const b = binOf(spectrum[rows[k]]);
      if (c === fixed || b < 0) continue;
      const own = shape[c][b];
      out[k] *= own > 0 ? target[b] / own : 0;
    }
  }
  if (mode === 'unit' && !rw) return out;
  if (mode === 'unit' || mode === 'physics') {
    // One global factor: mean 1, the classes keep their relative totals.
    let s = 0;
    for (let k = 0; k < n; k++) s += out[k];
    if (s > 0) for (let k = 0; k < n; k++) out[k] *= n / s;
    return out;
  }
  const sums = [0, 0], counts = [0, 0];
  for (let k = 0; k < n; k++) { sums[labels[rows[k]]] += out[k]; counts[labels[rows[k]]]++; }
  // Each class sums to half the rows of the split; a class with a non-positive total gets unit weights so
  // training still sees it.
  const factor = sums.map((s, c) => (s > 0 ? n / 2 / s : counts[c] > 0 ? NaN : 0));
  for (let k = 0; k < n; k++) {
    const c = labels[rows[k]];
    out[k] = Number.isNaN(factor[c]) ? n / 2 / counts[c] : out[k] * factor[c];
  }
  return out;
}
