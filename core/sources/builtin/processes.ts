/**
 * Hard processes of the built-in generator (PHYSICS.md §1): the processes, their nominal leading-order cross
 * sections (pb, √s = 13 TeV, approximate), the p_T spectrum sampler, the rapidity stand-in for parton densities,
 * and the flavour mixes.
 */
import { HmlError } from '../../util/errors';
import type { FastRng } from '../../util/random';
import { BR_H_BB, BR_W_HAD, BR_Z_HAD } from './constants';

export type BuiltinProcess = 'z-jets' | 'w-jets' | 'top-jets' | 'higgs-bb' | 'qcd-jets';
export const BUILTIN_PROCESSES: readonly BuiltinProcess[] = ['z-jets', 'w-jets', 'top-jets', 'higgs-bb', 'qcd-jets'];

/**
 * Cumulative cross sections σ(p_T > p) in pb at √s = 13 TeV, LO (PHYSICS.md §1.3): [p (GeV), σ (pb)] anchors.
 * qcd-jets: p̂_T of the 2 → 2 scattering; Z/W/H: boson p_T, all decays; top: p_T of either top.
 */
const ANCHORS: Record<BuiltinProcess, readonly (readonly [number, number])[]> = {
  'qcd-jets': [[170, 1.26e5], [300, 8.7e3], [470, 878], [600, 230], [800, 42.7], [1000, 10.4], [1400, 0.96]],
  'z-jets': [[200, 70], [250, 30], [300, 15], [500, 2.0], [800, 0.25]],
  'w-jets': [[200, 180], [250, 78], [300, 39], [500, 5.0], [800, 0.6]],
  'higgs-bb': [[200, 0.3], [250, 0.15], [300, 0.08], [500, 0.012]],
  'top-jets': [[300, 25], [400, 8], [500, 3], [600, 1.2], [800, 0.2]],
};

/** Branching ratio forced by each process (the hadronic decay that makes the tagged jet). */
const FORCED_BR: Record<BuiltinProcess, number> = {
  'qcd-jets': 1,
  'z-jets': BR_Z_HAD,
  'w-jets': BR_W_HAD,
  'higgs-bb': BR_H_BB,
  'top-jets': BR_W_HAD,
};

/**
 * Rough √s scaling of the 13 TeV tables, σ ∝ (√s/13 TeV)^k, with k set so that 13.6 TeV gives +10 % for V + jet
 * and QCD, +12 % for ggF Higgs and +15 % for tt̄ (PHYSICS.md §1.3) [approx]; only used between 7 and 14 TeV.
 */
const SQRT_S_EXPONENT: Record<BuiltinProcess, number> = { 'qcd-jets': 2.1, 'z-jets': 2.1, 'w-jets': 2.1, 'higgs-bb': 2.5, 'top-jets': 3.1 };

function slope(a: readonly (readonly [number, number])[], i: number): number {
  return Math.log(a[i][1] / a[i + 1][1]) / Math.log(a[i + 1][0] / a[i][0]);
}

function segmentOf(a: readonly (readonly [number, number])[], p: number): number {
  let i = 0;
  while (i < a.length - 2 && p > a[i + 1][0]) i++;
  return i;
}

/** σ(p_T > p) in pb at 13 TeV (all decays), piecewise power law between anchors, extrapolated at both ends. */
export function sigmaAbove(process: BuiltinProcess, p: number): number {
  const a = ANCHORS[process];
  const i = segmentOf(a, p);
  return a[i][1] * Math.pow(p / a[i][0], -slope(a, i));
}

function checkWindow(process: BuiltinProcess, pt: readonly [number, number]): void {
  if (!BUILTIN_PROCESSES.includes(process)) {
    throw new HmlError('builtin-process', `unknown built-in process '${String(process)}'; use one of ${BUILTIN_PROCESSES.join(', ')}`);
  }
  if (!(pt[0] > 0) || !(pt[1] > pt[0]) || !Number.isFinite(pt[1])) {
    throw new HmlError('builtin-pt-window', `the p_T window must be [lo, hi] GeV with 0 < lo < hi < ∞ (got [${pt[0]}, ${pt[1]}])`);
  }
}

/** Factor applied to the 13 TeV tables at another √s (GeV); throws outside 7–14 TeV. */
export function sqrtSFactor(process: BuiltinProcess, sqrtS: number): number {
  if (Math.abs(sqrtS - 13000) < 1) return 1;
  if (!(sqrtS >= 7000 && sqrtS <= 14000)) {
    throw new HmlError('builtin-sqrt-s', `the built-in generator is tuned at √s = 13 TeV and scales only between 7 and 14 TeV (got ${sqrtS} GeV); use engine: madgraph5 for other energies`);
  }
  return Math.pow(sqrtS / 13000, SQRT_S_EXPONENT[process]);
}

/**
 * Nominal cross section (pb) of a process in a p_T window [lo, hi] GeV at √s (GeV): σ(> lo) − σ(> hi), times the
 * forced branching ratio (hadronic Z/W, H → bb̄, the tagged top's W → qq̄′). Approximate (PHYSICS.md §1.3:
 * qcd-jets ±20 %, V/H within a factor ≈ 2, tt̄ ±50 %); an analysis can override it.
 */
export function nominalCrossSection(process: BuiltinProcess, ptWindow: readonly [number, number], sqrtS = 13000, recoil: 'parton' | 'invisible' = 'parton'): number {
  checkWindow(process, ptWindow);
  const s = sigmaAbove(process, ptWindow[0]) - sigmaAbove(process, ptWindow[1]);
  const r = recoil === 'invisible' && (process === 'w-jets' || process === 'z-jets') ? INVISIBLE_RECOIL : 1;
  return s * r * FORCED_BR[process] * sqrtSFactor(process, sqrtS);
}

/**
 * V + Z(→ νν̄) relative to V + jet at the same boson p_T [approx, factor 2]: σ(VZ)/σ(V + jet) ≈ 0.004 at
 * p_T ≈ 250–300 GeV, times BR(Z → νν̄) = 0.2 (order 10⁻² pb for hadronic W in 250–300 GeV, PHYSICS.md §6).
 */
const INVISIBLE_RECOIL = 0.004 * 0.2;

/** Draws p_T (GeV) in [lo, hi] from the process's spectrum dσ/dp_T (inverse of the piecewise power law). */
export function samplePt(process: BuiltinProcess, lo: number, hi: number, rng: FastRng): number {
  const a = ANCHORS[process];
  const sHi = sigmaAbove(process, hi);
  const sLo = sigmaAbove(process, lo);
  const u = sHi + (sLo - sHi) * rng.uniform();
  // find the segment whose σ range holds u (σ decreasing in p)
  let i = 0;
  while (i < a.length - 2 && u < a[i + 1][1]) i++;
  const p = a[i][0] * Math.pow(u / a[i][1], -1 / slope(a, i));
  return Math.min(hi, Math.max(lo, p));
}

/** Rapidity stand-in for parton densities (PHYSICS.md §1.1): σ_Y and σ_y* per process. */
export function rapiditySpread(process: BuiltinProcess): [number, number] {
  return process === 'top-jets' ? [0.8, 0.6] : [0.9, 0.75];
}

/**
 * Draws (y3, y4) = (Y + y*, Y − y*) with truncated Gaussians |y| < 4, and checks x1, x2 ≤ 1 for transverse
 * masses mt3, mt4 at √s. Returns false if 1000 tries fail (the window is beyond the kinematic reach).
 */
export function sampleRapidities(process: BuiltinProcess, mt3: number, mt4: number, sqrtS: number, rng: FastRng, out: Float64Array): boolean {
  const [sY, sYs] = rapiditySpread(process);
  for (let k = 0; k < 1000; k++) {
    const Y = sY * rng.normal();
    const ys = sYs * rng.normal();
    const y3 = Y + ys, y4 = Y - ys;
    if (Math.abs(y3) >= 4 || Math.abs(y4) >= 4) continue;
    const x1 = (mt3 * Math.exp(y3) + mt4 * Math.exp(y4)) / sqrtS;
    const x2 = (mt3 * Math.exp(-y3) + mt4 * Math.exp(-y4)) / sqrtS;
    if (x1 > 1 || x2 > 1) continue;
    out[0] = y3;
    out[1] = y4;
    out[2] = x1;
    out[3] = x2;
    return true;
  }
  return false;
}

/** Recoil / light-quark flavour shares (PHYSICS.md §1.2): u 0.50, d 0.30, s 0.10, c 0.07, b 0.03. */
export function sampleQuarkFlavour(rng: FastRng): number {
  const u = rng.uniform();
  if (u < 0.5) return 2;
  if (u < 0.8) return 1;
  if (u < 0.9) return 3;
  if (u < 0.97) return 4;
  return 5;
}

/** qcd-jets final-state mix vs x_T = 2p_T/√s (PHYSICS.md §1.2): [x_T, gg, qg, qq]. */
const QCD_MIX: readonly (readonly [number, number, number, number])[] = [
  [0.03, 0.47, 0.43, 0.1],
  [0.046, 0.4, 0.45, 0.15],
  [0.09, 0.28, 0.5, 0.22],
  [0.15, 0.18, 0.5, 0.32],
  [0.3, 0.07, 0.43, 0.5],
];

/** Shares [gg, qg, qq] of the qcd-jets final state at x_T (linear interpolation, clamped at the ends). */
export function qcdMix(xT: number): [number, number, number] {
  const t = QCD_MIX;
  if (xT <= t[0][0]) return [t[0][1], t[0][2], t[0][3]];
  for (let i = 0; i < t.length - 1; i++) {
    if (xT <= t[i + 1][0]) {
      const f = (xT - t[i][0]) / (t[i + 1][0] - t[i][0]);
      return [t[i][1] + f * (t[i + 1][1] - t[i][1]), t[i][2] + f * (t[i + 1][2] - t[i][2]), t[i][3] + f * (t[i + 1][3] - t[i][3])];
    }
  }
  const l = t[t.length - 1];
  return [l[1], l[2], l[3]];
}
