/**
 * Prompt decays of unstable hadrons and τ leptons (PHYSICS.md §3.4), flat n-body phase space (GENBOD-style).
 * Stable: γ, e, μ, ν, π±, K±, K⁰_L, p, n. Branching fractions as in the reference table [approx].
 */
import type { FastRng } from '../../util/random';
import { PDG, chargeOf, isStable, massOf } from './constants';
import { boostToLab, nBodyRest } from './kinematics';
import { ST_ACTIVE, ST_DECAYED, type PList } from './record';

const codes = new Int32Array(32);
const masses = new Float64Array(32);
const mom = new Float64Array(4 * 32);

/** Emits the daughters codes[0..n-1] of row h with flat phase space; false if below threshold. */
function emit(out: PList, h: number, n: number, rng: FastRng): boolean {
  const M = out.m[h];
  for (let k = 0; k < n; k++) masses[k] = massOf(codes[k]);
  if (!nBodyRest(rng, M, masses, n, mom)) return false;
  const px = out.px[h], py = out.py[h], pz = out.pz[h], e = out.e[h], vtx = out.sys[h];
  for (let k = 0; k < n; k++) {
    boostToLab(mom, 4 * k, px, py, pz, e, M);
    out.add(mom[4 * k], mom[4 * k + 1], mom[4 * k + 2], mom[4 * k + 3], masses[k], codes[k], ST_ACTIVE, vtx);
  }
  out.status[h] = ST_DECAYED;
  return true;
}

function set(...c: number[]): number {
  for (let k = 0; k < c.length; k++) codes[k] = c[k];
  return c.length;
}

/** Fills codes[from..from+n-1] with pions whose charges sum to q (n ≥ 1); returns false if impossible. */
function pions(from: number, n: number, q: number, rng: FastRng): boolean {
  if (Math.abs(q) > n) return false;
  for (let tries = 0; tries < 100; tries++) {
    let sum = 0;
    for (let k = 0; k < n - 1; k++) {
      const u = rng.int(3);
      codes[from + k] = u === 0 ? PDG.pip : u === 1 ? -PDG.pip : PDG.pi0;
      sum += u === 0 ? 1 : u === 1 ? -1 : 0;
    }
    const last = q - sum;
    if (last >= -1 && last <= 1) {
      codes[from + n - 1] = last === 1 ? PDG.pip : last === -1 ? -PDG.pip : PDG.pi0;
      return true;
    }
  }
  // deterministic fallback: |q| charged pions of the right sign, the rest neutral
  for (let k = 0; k < n; k++) codes[from + k] = k < Math.abs(q) ? Math.sign(q) * PDG.pip : PDG.pi0;
  return true;
}

/** Charm hadron (signed code) decay: semileptonic K(*)ℓν-like or K + nπ. */
function decayCharm(out: PList, h: number, pdg: number, rng: FastRng): void {
  const s = pdg > 0 ? 1 : -1; // +1: contains c (decays to s, ℓ⁺ ν)
  const a = pdg * s;
  const q = chargeOf(pdg);
  const slPerLepton = a === PDG.Dp ? 0.16 : 0.065;
  const u = rng.uniform();
  if (u < 2 * slPerLepton) {
    const lep = u < slPerLepton ? PDG.e : PDG.mu;
    const had = a === PDG.D0 ? -PDG.Kp : a === PDG.Dp ? -PDG.K0 : a === PDG.Ds ? PDG.eta : PDG.Lambda;
    if (emit(out, h, set(s * had, -s * lep, s * (lep + 1)), rng)) return;
  }
  for (let tries = 0; tries < 20; tries++) {
    const n = 1 + rng.int(3);
    if (a === PDG.Lc) {
      codes[0] = s * PDG.Lambda;
    } else {
      codes[0] = s * (rng.uniform() < 0.5 ? -PDG.Kp : -PDG.K0);
    }
    pions(1, n, q - chargeOf(codes[0]), rng);
    if (emit(out, h, n + 1, rng)) return;
  }
  emit(out, h, set(PDG.pi0, PDG.pi0), rng);
}

/** Bottom hadron decay: B → D ℓ ν (e, μ 10.6 % each, τ 2.5 %), D D̄_s (10 %), else D + nπ. */
function decayBottom(out: PList, h: number, pdg: number, rng: FastRng): void {
  const a = pdg < 0 ? -pdg : pdg;
  const isMeson = a !== PDG.Lb;
  // s = +1: contains a b quark (B̄⁰, B⁻, B̄_s, Λ_b) → a charm hadron with positive code, ℓ⁻ ν̄
  const s = isMeson ? (pdg < 0 ? 1 : -1) : pdg > 0 ? 1 : -1;
  const charm = a === PDG.B0 ? PDG.Dp : a === PDG.Bp ? PDG.D0 : a === PDG.Bs ? PDG.Ds : PDG.Lc;
  const q = chargeOf(pdg);
  const u = rng.uniform();
  if (u < 0.237) {
    const lep = u < 0.106 ? PDG.e : u < 0.212 ? PDG.mu : PDG.tau;
    if (emit(out, h, set(s * charm, s * lep, -s * (lep + 1)), rng)) return;
  }
  if (u >= 0.237 && u < 0.337) {
    if (emit(out, h, set(s * charm, -s * PDG.Ds), rng)) return;
  }
  for (let tries = 0; tries < 20; tries++) {
    const n = 1 + rng.poisson(2);
    codes[0] = s * charm;
    pions(1, n, q - chargeOf(codes[0]), rng);
    if (emit(out, h, n + 1, rng)) return;
  }
  emit(out, h, set(s * charm, -s * PDG.pip), rng);
}

/**
 * Decays every unstable particle in rows [from, out.n) (daughters are appended and processed in turn).
 */
export function decayAll(out: PList, from: number, rng: FastRng): void {
  for (let h = from; h < out.n; h++) {
    if (out.status[h] !== ST_ACTIVE) continue;
    let pdg = out.pdg[h];
    if (isStable(pdg)) continue;
    const s = pdg > 0 ? 1 : -1;
    let a = pdg * s;
    if (a === PDG.K0) {
      // K⁰ / K̄⁰ → K⁰_L or K⁰_S (in place; no momentum change)
      pdg = rng.uniform() < 0.5 ? PDG.KL : PDG.KS;
      out.pdg[h] = pdg;
      a = pdg;
      if (pdg === PDG.KL) continue;
    }
    const u = rng.uniform();
    switch (a) {
      case PDG.pi0:
        emit(out, h, set(PDG.gamma, PDG.gamma), rng);
        break;
      case PDG.eta:
        if (u < 0.39) emit(out, h, set(PDG.gamma, PDG.gamma), rng);
        else if (u < 0.72) emit(out, h, set(PDG.pi0, PDG.pi0, PDG.pi0), rng);
        else if (u < 0.95) emit(out, h, set(PDG.pip, -PDG.pip, PDG.pi0), rng);
        else emit(out, h, set(PDG.pip, -PDG.pip, PDG.gamma), rng);
        break;
      case PDG.rho0:
        if (!emit(out, h, set(PDG.pip, -PDG.pip), rng)) emit(out, h, set(PDG.pi0, PDG.gamma), rng);
        break;
      case PDG.rhop:
        if (!emit(out, h, set(s * PDG.pip, PDG.pi0), rng)) emit(out, h, set(s * PDG.pip, PDG.gamma), rng);
        break;
      case PDG.omega:
        if (u < 0.89) emit(out, h, set(PDG.pip, -PDG.pip, PDG.pi0), rng);
        else if (u < 0.98) emit(out, h, set(PDG.pi0, PDG.gamma), rng);
        else emit(out, h, set(PDG.pip, -PDG.pip), rng);
        break;
      case PDG.phi:
        if (u < 0.49) emit(out, h, set(PDG.Kp, -PDG.Kp), rng);
        else if (u < 0.83) emit(out, h, set(PDG.KL, PDG.KS), rng);
        else emit(out, h, set(PDG.pip, -PDG.pip, PDG.pi0), rng);
        break;
      case PDG.Kstp:
        if (u < 2 / 3) emit(out, h, set(s * PDG.K0, s * PDG.pip), rng);
        else emit(out, h, set(s * PDG.Kp, PDG.pi0), rng);
        break;
      case PDG.Kst0:
        if (u < 2 / 3) emit(out, h, set(s * PDG.Kp, -s * PDG.pip), rng);
        else emit(out, h, set(s * PDG.K0, PDG.pi0), rng);
        break;
      case PDG.KS:
        if (u < 0.69) emit(out, h, set(PDG.pip, -PDG.pip), rng);
        else emit(out, h, set(PDG.pi0, PDG.pi0), rng);
        break;
      case PDG.Lambda:
        if (u < 0.64) emit(out, h, set(s * PDG.p, -s * PDG.pip), rng);
        else emit(out, h, set(s * PDG.n, PDG.pi0), rng);
        break;
      case PDG.tau: {
        // τ⁻ (code 15): ν_τ + π⁻ 30 %, ν_τ ρ⁻ 35 %, ν_τ e⁻ ν̄_e 17.8 %, ν_τ μ⁻ ν̄_μ 17.4 %
        const x = u * 1.002;
        if (x < 0.3) emit(out, h, set(s * PDG.nutau, -s * PDG.pip), rng);
        else if (x < 0.65) emit(out, h, set(s * PDG.nutau, -s * PDG.rhop), rng);
        else if (x < 0.828) emit(out, h, set(s * PDG.nutau, s * PDG.e, -s * PDG.nue), rng);
        else emit(out, h, set(s * PDG.nutau, s * PDG.mu, -s * PDG.numu), rng);
        break;
      }
      case PDG.D0:
      case PDG.Dp:
      case PDG.Ds:
      case PDG.Lc:
        decayCharm(out, h, pdg, rng);
        break;
      case PDG.B0:
      case PDG.Bp:
      case PDG.Bs:
      case PDG.Lb:
        decayBottom(out, h, pdg, rng);
        break;
      default:
        break;
    }
  }
}
