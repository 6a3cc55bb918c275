import { argsortDescending } from './sort';

/**
 * Expected yields and discovery significance.
 *
 * Yields after a score threshold t (select score ≥ t):
 *   s(t) = 1000 · L[fb⁻¹] · Σ_k∈signal σ_k[pb] · ε_presel,k · ε_k(t),   b(t) likewise over every background sample,
 * where ε_k(t) is the weighted fraction of sample k's rows in the split that pass. (1 pb = 1000 fb.) Each row
 * therefore carries a yield weight c_k · w_i with c_k = 1000 · L · σ_k · ε_presel,k / Σ_{i∈k} w_i.
 * Without cross sections (or without a luminosity) the yields are the weighted counts of the split itself
 * (× 1000 · L when a luminosity is given), as CONTRACTS weights are σ-normalised.
 */
export interface YieldSettings {
  /** Integrated luminosity in fb⁻¹. */
  luminosity?: number;
  /** Cross section in pb per sample index (null/undefined: unknown). */
  crossSections?: readonly (number | null | undefined)[];
  /** Preselection efficiency per sample index (fraction of generated events in the dataset; default 1). */
  preselectionEfficiencies?: readonly (number | null | undefined)[];
}

export type YieldMode = 'cross-section' | 'weighted-counts';

/** Per-row yield weights (see module doc) and which convention produced them. */
export function yieldWeights(labels: ArrayLike<number>, weights: ArrayLike<number> | undefined, sample: ArrayLike<number> | undefined, settings: YieldSettings): { w: Float64Array; mode: YieldMode } {
  const n = labels.length;
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = weights ? weights[i] : 1;
  const L = settings.luminosity;
  const xs = settings.crossSections;
  let useXs = L !== undefined && xs !== undefined && sample !== undefined;
  if (useXs) {
    for (let i = 0; i < n; i++) {
      const v = xs![sample![i]];
      if (v === null || v === undefined || !Number.isFinite(v)) {
        useXs = false;
        break;
      }
    }
  }
  if (!useXs) {
    const scale = L !== undefined ? 1000 * L : 1;
    if (scale !== 1) for (let i = 0; i < n; i++) w[i] *= scale;
    return { w, mode: 'weighted-counts' };
  }
  const total = new Map<number, number>();
  for (let i = 0; i < n; i++) total.set(sample![i], (total.get(sample![i]) ?? 0) + w[i]);
  const c = new Map<number, number>();
  for (const [k, tot] of total) {
    const eff = settings.preselectionEfficiencies?.[k] ?? 1;
    c.set(k, tot !== 0 ? (1000 * L! * xs![k]! * eff) / tot : 0);
  }
  for (let i = 0; i < n; i++) w[i] *= c.get(sample![i])!;
  return { w, mode: 'cross-section' };
}

/** Z = s / √(s + b); NaN when s + b ≤ 0. */
export function simpleSignificance(s: number, b: number): number {
  return s + b > 0 ? s / Math.sqrt(s + b) : NaN;
}

/**
 * Asimov discovery significance (Cowan, Cranmer, Gross, Vitells, Eur. Phys. J. C 71 (2011) 1554):
 *   without uncertainty  Z_A = √(2((s + b) ln(1 + s/b) − s));
 *   with σ_b = `relativeUncertainty` · b
 *   Z_A = √(2((s + b) ln((s + b)(b + σ_b²) / (b² + (s + b)σ_b²)) − (b²/σ_b²) ln(1 + σ_b² s / (b(b + σ_b²))))).
 * NaN when b ≤ 0; negative s gives −Z_A(|s|) so that a deficit reads as a negative significance.
 */
export function asimovSignificance(s: number, b: number, relativeUncertainty = 0): number {
  if (!(b > 0) || !Number.isFinite(s)) return NaN;
  if (s < 0) return -asimovSignificance(-s, b, relativeUncertainty);
  if (s === 0) return 0;
  let q: number;
  if (relativeUncertainty > 0) {
    const sb2 = (relativeUncertainty * b) ** 2;
    q = 2 * ((s + b) * Math.log(((s + b) * (b + sb2)) / (b * b + (s + b) * sb2)) - ((b * b) / sb2) * Math.log1p((sb2 * s) / (b * (b + sb2))));
  } else {
    q = 2 * ((s + b) * Math.log1p(s / b) - s);
  }
  return Math.sqrt(Math.max(0, q));
}

export type SignificanceDefinition = 'simple' | 'asimov';

export function significance(def: SignificanceDefinition, s: number, b: number, relativeUncertainty = 0): number {
  return def === 'simple' ? simpleSignificance(s, b) : asimovSignificance(s, b, relativeUncertainty);
}

/** Cumulative yields at every distinct score threshold (descending). */
export interface YieldScan {
  thresholds: Float64Array;
  s: Float64Array;
  b: Float64Array;
  /** Σ w² of the selected signal / background yield weights (MC statistical variance). */
  s2: Float64Array;
  b2: Float64Array;
  /** Unweighted number of selected background MC rows. */
  nb: Float64Array;
}

export function scanYields(scores: ArrayLike<number>, labels: ArrayLike<number>, yw: Float64Array, order?: Uint32Array): YieldScan {
  const n = scores.length;
  order ??= argsortDescending(scores);
  const out: number[][] = [[], [], [], [], [], []];
  let s = 0, b = 0, s2 = 0, b2 = 0, nb = 0;
  let k = 0;
  while (k < n) {
    const t = scores[order[k]];
    let j = k;
    for (; j < n; j++) {
      const r = order[j];
      const v = scores[r];
      if (v !== t && !(v !== v && t !== t)) break;
      const w = yw[r];
      if (labels[r] === 1) {
        s += w;
        s2 += w * w;
      } else {
        b += w;
        b2 += w * w;
        nb++;
      }
    }
    k = j;
    if (t !== t) continue; // NaN scores are never selected
    out[0].push(t);
    out[1].push(s);
    out[2].push(b);
    out[3].push(s2);
    out[4].push(b2);
    out[5].push(nb);
  }
  return { thresholds: Float64Array.from(out[0]), s: Float64Array.from(out[1]), b: Float64Array.from(out[2]), s2: Float64Array.from(out[3]), b2: Float64Array.from(out[4]), nb: Float64Array.from(out[5]) };
}

/** Yields of rows with score ≥ threshold. */
export function yieldsAt(scores: ArrayLike<number>, labels: ArrayLike<number>, yw: Float64Array, threshold: number): { s: number; b: number; s2: number; b2: number; nb: number } {
  let s = 0, b = 0, s2 = 0, b2 = 0, nb = 0;
  for (let i = 0; i < scores.length; i++) {
    if (!(scores[i] >= threshold)) continue;
    const w = yw[i];
    if (labels[i] === 1) {
      s += w;
      s2 += w * w;
    } else {
      b += w;
      b2 += w * w;
      nb++;
    }
  }
  return { s, b, s2, b2, nb };
}

/**
 * The threshold that maximises the significance on a scan, among thresholds that keep at least
 * `minBackgroundEvents` background MC rows (fewer make b, and so Z, a fluctuation). Null when none qualifies.
 */
export function bestThreshold(scan: YieldScan, def: SignificanceDefinition, relativeUncertainty: number, minBackgroundEvents: number): { threshold: number; z: number; index: number } | null {
  let best: { threshold: number; z: number; index: number } | null = null;
  for (let i = 0; i < scan.thresholds.length; i++) {
    if (scan.nb[i] < minBackgroundEvents) continue;
    const z = significance(def, scan.s[i], scan.b[i], relativeUncertainty);
    if (Number.isFinite(z) && (best === null || z > best.z)) best = { threshold: scan.thresholds[i], z, index: i };
  }
  return best;
}

/**
 * MC statistical uncertainty of Z from √Σw² of s and b (linear propagation, numerical derivatives).
 */
export function significanceUncertainty(def: SignificanceDefinition, s: number, b: number, sigmaS: number, sigmaB: number, relativeUncertainty = 0): number {
  const z = (ss: number, bb: number): number => significance(def, ss, bb, relativeUncertainty);
  const hs = Math.max(Math.abs(s), 1e-300) * 1e-6;
  const hb = Math.max(Math.abs(b), 1e-300) * 1e-6;
  const dzds = (z(s + hs, b) - z(s - hs, b)) / (2 * hs);
  const dzdb = (z(s, b + hb) - z(s, b - hb)) / (2 * hb);
  return Math.sqrt((dzds * sigmaS) ** 2 + (dzdb * sigmaB) ** 2);
}
