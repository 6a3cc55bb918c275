/**
 * Soft particles independent of the hard process (PHYSICS.md §4): the underlying event and pile-up interactions.
 * Charged hadrons Poisson with mean ρ_ch·Δη·2π, flat in η, dN/dp_T ∝ p_T(1 + p_T/p₀)^(−8) (sampled exactly as
 * p_T/p₀ = G₂/G₆, a ratio of Gamma variates: the beta-prime(2, 6) distribution), π± : K± : p = 0.82 : 0.12 : 0.06,
 * plus π⁰ (half the charged pions), K⁰_L (a quarter of the K±) and n (as many as p). Each interaction's
 * transverse momentum is balanced so it adds no fake missing E_T.
 */
import type { FastRng } from '../../util/random';
import { PDG, massOf } from './constants';
import { ST_ACTIVE, type PList } from './record';

export interface SoftParams {
  /** Charged density per unit η·φ (all p_T). */
  rho: number;
  /** p₀ of the p_T spectrum, GeV. */
  p0: number;
  /** |η| range. */
  etaMax: number;
  /**
   * Shape k of the Gamma-distributed activity of each interaction (mean 1, relative spread 1/√k): the number of
   * parton interactions per collision fluctuates, so charged multiplicities are negative-binomial, not Poisson.
   */
  shape: number;
}

/**
 * ρ_ch = 1.8, not the reference's 2.5: with this p_T spectrum 2.5 gives 1.12 charged particles per unit η·φ above
 * 0.5 GeV, whereas PHYSICS.md §4 states the density should be 0.8; 1.8 gives that 0.8 (docs/physics.md).
 */
export const UE_PARAMS: SoftParams = { rho: 1.8, p0: 1.5, etaMax: 3.5, shape: 2 };
export const PILEUP_PARAMS: SoftParams = { rho: 0.95, p0: 1.3, etaMax: 3.5, shape: 2 };

function softPt(p0: number, rng: FastRng): number {
  // Gamma(2) / Gamma(6) from products of uniforms; −log of a product of k uniforms is Gamma(k).
  const g2 = -Math.log(rng.uniform() * rng.uniform() + 1e-300);
  let prod = 1;
  for (let k = 0; k < 6; k++) prod *= rng.uniform();
  const g6 = -Math.log(prod + 1e-300);
  return (p0 * g2) / g6;
}

/** Gamma(k, 1/k) variate (mean 1) for integer k: −ln of a product of k uniforms, over k. */
function gammaActivity(k: number, rng: FastRng): number {
  let prod = 1;
  for (let i = 0; i < k; i++) prod *= rng.uniform();
  return -Math.log(prod + 1e-300) / k;
}

function addSoft(out: PList, pdg: number, p: SoftParams, vtx: number, rng: FastRng): void {
  const pt = softPt(p.p0, rng);
  const eta = (2 * rng.uniform() - 1) * p.etaMax;
  const phi = 2 * Math.PI * rng.uniform() - Math.PI;
  const m = massOf(pdg);
  const pz = pt * Math.sinh(eta);
  out.add(pt * Math.cos(phi), pt * Math.sin(phi), pz, Math.sqrt(pt * pt + pz * pz + m * m), m, pdg, ST_ACTIVE, vtx);
}

/**
 * Appends one soft interaction (UE of the hard interaction with vtx = 0, or a pile-up minimum-bias event with
 * vtx = k ≥ 1) to `out`. Unstable π⁰ are left for the hadron-decay step.
 */
export function addSoftInteraction(out: PList, p: SoftParams, vtx: number, rng: FastRng): void {
  const from = out.n;
  const nCh = rng.poisson(p.rho * 2 * p.etaMax * 2 * Math.PI * gammaActivity(p.shape, rng));
  let nPi = 0, nK = 0, nP = 0;
  for (let c = 0; c < nCh; c++) {
    const u = rng.uniform();
    const sign = rng.uniform() < 0.5 ? 1 : -1;
    if (u < 0.82) {
      addSoft(out, sign * PDG.pip, p, vtx, rng);
      nPi++;
    } else if (u < 0.94) {
      addSoft(out, sign * PDG.Kp, p, vtx, rng);
      nK++;
    } else {
      addSoft(out, sign * PDG.p, p, vtx, rng);
      nP++;
    }
  }
  const nPi0 = rng.poisson(nPi / 2);
  for (let c = 0; c < nPi0; c++) addSoft(out, PDG.pi0, p, vtx, rng);
  const nKL = rng.poisson(nK / 4);
  for (let c = 0; c < nKL; c++) addSoft(out, PDG.KL, p, vtx, rng);
  const nN = rng.poisson(nP);
  for (let c = 0; c < nN; c++) addSoft(out, rng.uniform() < 0.5 ? PDG.n : -PDG.n, p, vtx, rng);
  // transverse balance: subtract Σp_T equally, keep p_z, recompute E
  const n = out.n - from;
  if (n === 0) return;
  let sx = 0, sy = 0;
  for (let h = from; h < out.n; h++) {
    sx += out.px[h];
    sy += out.py[h];
  }
  sx /= n;
  sy /= n;
  for (let h = from; h < out.n; h++) {
    out.px[h] -= sx;
    out.py[h] -= sy;
    const m = out.m[h];
    out.e[h] = Math.sqrt(out.px[h] * out.px[h] + out.py[h] * out.py[h] + out.pz[h] * out.pz[h] + m * m);
  }
}
