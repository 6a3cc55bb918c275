/**
 * Hadronisation (PHYSICS.md §3): Field–Feynman style independent fragmentation with Lund-symmetric z (Monash a, b),
 * Peterson z for the first-rank heavy hadron, Gaussian p_T for each new q q̄ pair, and an exact momentum repair per
 * colour-singlet system (shift, then Newton rescale so Σp = 0 and ΣE = M in the system's rest frame).
 *
 * Simplifications (say so to users, PHYSICS.md §8): after a baryon the chain continues with a fresh light quark
 * (baryon number and charge are conserved only on average); the leftover quark of each chain is dropped.
 */
import type { FastRng } from '../../util/random';
import { PDG, WIDTH, massOf } from './constants';
import { boost, breitWigner } from './kinematics';
import { ST_ACTIVE, type PList } from './record';

const P_S = 0.217; // s : u : d = 0.217 : 1 : 1
const P_DIQUARK = 0.081;
const SIGMA_PT = 0.335 / Math.SQRT2; // per transverse component, GeV
const LUND_A = 0.68;
const LUND_B = 0.98; // GeV⁻²
const EPS_B = 0.005;
const EPS_C = 0.05;
const VECTOR_UD = 0.5;
const VECTOR_S = 0.55;
const W_STOP = 1; // GeV of light-cone momentum left when a chain stops

function lightFlavour(rng: FastRng): number {
  const u = rng.uniform() * (2 + P_S);
  return u < 1 ? 2 : u < 2 ? 1 : 3;
}

/** Meson of quark flavour qa and antiquark flavour qb (light flavours 1–3), signed PDG code. */
function meson(qa: number, qb: number, rng: FastRng): number {
  const strange = qa === 3 || qb === 3;
  const vector = rng.uniform() < (strange ? VECTOR_S : VECTOR_UD);
  if (qa === qb) {
    if (qa === 3) return vector ? PDG.phi : PDG.eta;
    if (vector) return rng.uniform() < 0.5 ? PDG.rho0 : PDG.omega;
    return rng.uniform() < 0.8 ? PDG.pi0 : PDG.eta;
  }
  // off-diagonal: code sign follows the standard convention (u d̄ = π⁺, u s̄ = K⁺, d s̄ = K⁰, s ū = K⁻, s d̄ = K̄⁰)
  if (qa === 2 && qb === 1) return vector ? PDG.rhop : PDG.pip;
  if (qa === 1 && qb === 2) return vector ? -PDG.rhop : -PDG.pip;
  if (qa === 2 && qb === 3) return vector ? PDG.Kstp : PDG.Kp;
  if (qa === 1 && qb === 3) return vector ? PDG.Kst0 : PDG.K0;
  if (qa === 3 && qb === 2) return vector ? -PDG.Kstp : -PDG.Kp;
  return vector ? -PDG.Kst0 : -PDG.K0; // s d̄
}

/** Baryon containing quark q0 (sign: baryon for a quark, antibaryon for an antiquark) and a diquark. */
function baryon(q0: number, rng: FastRng): number {
  const sign = q0 > 0 ? 1 : -1;
  const a = q0 > 0 ? q0 : -q0;
  if (a === 3 || rng.uniform() < 0.1) return sign * PDG.Lambda;
  return sign * (rng.uniform() < 0.5 ? PDG.p : PDG.n);
}

/** First-rank heavy hadron from a b or c quark (signed PDG of the quark). */
function heavyHadron(q: number, rng: FastRng): number {
  const a = q > 0 ? q : -q;
  const u = rng.uniform();
  if (a === 5) {
    // b quark → B̄ mesons (negative codes) and Λ_b; b̄ → B mesons and Λ̄_b
    const s = q > 0 ? -1 : 1;
    if (u < 0.4) return s * PDG.B0;
    if (u < 0.8) return s * PDG.Bp;
    if (u < 0.9) return s * PDG.Bs;
    return -s * PDG.Lb;
  }
  const s = q > 0 ? 1 : -1;
  if (u < 0.55) return s * PDG.D0;
  if (u < 0.8) return s * PDG.Dp;
  if (u < 0.9) return s * PDG.Ds;
  return s * PDG.Lc;
}

/** Lund symmetric f(z) ∝ z⁻¹(1 − z)^a exp(−b m_T²/z), by rejection from a 1/z envelope. */
function lundZ(mT2: number, rng: FastRng): number {
  const c = LUND_B * mT2;
  const zs = (-c + Math.sqrt(c * c + 4 * LUND_A * c)) / (2 * LUND_A);
  const gMax = Math.pow(1 - zs, LUND_A) * Math.exp(-c / zs);
  const lnEps = Math.log(Math.min(0.5, c / 30));
  for (let k = 0; k < 1000; k++) {
    const z = Math.exp(lnEps * (1 - rng.uniform()));
    if (rng.uniform() * gMax <= Math.pow(1 - z, LUND_A) * Math.exp(-c / z)) return z;
  }
  return zs;
}

function peterson(z: number, eps: number): number {
  const d = 1 - 1 / z - eps / (1 - z);
  return 1 / (z * d * d);
}

const PETERSON_MAX = new Map<number, number>();
function petersonMax(eps: number): number {
  let m = PETERSON_MAX.get(eps);
  if (m === undefined) {
    m = 0;
    for (let i = 1; i < 10000; i++) m = Math.max(m, peterson(i / 10000, eps));
    m *= 1.05;
    PETERSON_MAX.set(eps, m);
  }
  return m;
}

function petersonZ(eps: number, rng: FastRng): number {
  const fm = petersonMax(eps);
  for (let k = 0; k < 10000; k++) {
    const z = rng.uniform();
    if (z <= 0 || z >= 1) continue;
    if (rng.uniform() * fm <= peterson(z, eps)) return z;
  }
  return 0.7;
}

/** Mass of a freshly made hadron (Breit–Wigner for ρ). */
function hadronMass(pdg: number, rng: FastRng): number {
  const a = pdg < 0 ? -pdg : pdg;
  const m = massOf(a);
  if (a === PDG.rho0 || a === PDG.rhop) return breitWigner(rng, m, WIDTH[a], 0.3, 1.3);
  return m;
}

const e1 = new Float64Array(3);
const e2 = new Float64Array(3);

function basis(nx: number, ny: number, nz: number): void {
  let ax: number, ay: number, az: number;
  if (Math.abs(nx) <= Math.abs(ny) && Math.abs(nx) <= Math.abs(nz)) {
    ax = 0; ay = nz; az = -ny;
  } else if (Math.abs(ny) <= Math.abs(nz)) {
    ax = -nz; ay = 0; az = nx;
  } else {
    ax = ny; ay = -nx; az = 0;
  }
  const an = Math.sqrt(ax * ax + ay * ay + az * az);
  e1[0] = ax / an; e1[1] = ay / an; e1[2] = az / an;
  e2[0] = ny * e1[2] - nz * e1[1];
  e2[1] = nz * e1[0] - nx * e1[2];
  e2[2] = nx * e1[1] - ny * e1[0];
}

/**
 * Fragments one (anti)quark of flavour q0 (signed PDG 1–5), energy E and unit direction n (system rest frame),
 * appending hadrons to `out` with vertex `vtx`.
 */
function fragmentQuark(q0: number, E: number, nx: number, ny: number, nz: number, out: PList, vtx: number, rng: FastRng): void {
  basis(nx, ny, nz);
  let W = 2 * E;
  let ptx0 = 0, pty0 = 0;
  let q = q0;
  let first = true;
  for (let rank = 0; rank < 200; rank++) {
    const aq = q > 0 ? q : -q;
    const heavy = first && (aq === 4 || aq === 5);
    if (!heavy && W < W_STOP) break;
    const ptx1 = SIGMA_PT * rng.normal();
    const pty1 = SIGMA_PT * rng.normal();
    const ptx = ptx0 - ptx1, pty = pty0 - pty1;
    let pdg: number;
    let q1 = lightFlavour(rng);
    if (heavy) pdg = heavyHadron(q, rng);
    else if (rng.uniform() < P_DIQUARK) pdg = baryon(q, rng);
    else pdg = q > 0 ? meson(aq, q1, rng) : meson(q1, aq, rng);
    const m = hadronMass(pdg, rng);
    const mT2 = m * m + ptx * ptx + pty * pty;
    const z = heavy ? petersonZ(aq === 5 ? EPS_B : EPS_C, rng) : lundZ(mT2, rng);
    let pPlus = z * W;
    if (heavy) pPlus = Math.max(pPlus, Math.sqrt(mT2));
    const pMinus = mT2 / pPlus;
    const eh = 0.5 * (pPlus + pMinus);
    if (!heavy && eh > 0.5 * W) break;
    const pl = 0.5 * (pPlus - pMinus);
    out.add(
      pl * nx + ptx * e1[0] + pty * e2[0],
      pl * ny + ptx * e1[1] + pty * e2[1],
      pl * nz + ptx * e1[2] + pty * e2[2],
      eh,
      m,
      pdg,
      ST_ACTIVE,
      vtx,
    );
    W = Math.max(0, W - pPlus);
    if (q < 0) q1 = -q1;
    q = q1;
    ptx0 = ptx1;
    pty0 = pty1;
    first = false;
  }
}

const P4 = new Float64Array(4);

/**
 * Hadronises one colour-singlet system. `partons` are PList indices (active, massless partons) of `pl`; the
 * hadrons are appended to `out`. Rows [passiveFrom, out.n) already in `out` (e.g. leptons of a W in a top
 * system) take part in the momentum repair. Target four-momentum (GeV) is that of the resonance or of the
 * partons. Returns false if the repair failed and the system was left unrepaired.
 */
export function hadroniseSystem(pl: PList, partons: ArrayLike<number>, passiveFrom: number, tx: number, ty: number, tz: number, te: number, out: PList, rng: FastRng): boolean {
  const M = Math.sqrt(Math.max(te * te - tx * tx - ty * ty - tz * tz, 0));
  if (M < MIN_SYSTEM_MASS) {
    // A lone parton that did not radiate (a recoil parton with no emission): its system is (nearly) massless, so
    // there is no rest frame to repair in. Fragment it in the lab and leave the repair out.
    // Fragment it in the lab, then restore the system's transverse momentum exactly (shared in proportion to
    // energy), so the event stays balanced and E_T^miss is not faked; the energy is then only approximate.
    const from = out.n;
    for (let a = 0; a < partons.length; a++) fragmentInLab(pl, partons[a], out, rng);
    let sx = 0, sy = 0, se = 0;
    for (let h = from; h < out.n; h++) {
      sx += out.px[h];
      sy += out.py[h];
      se += out.e[h];
    }
    for (let h = from; h < out.n; h++) {
      const f = out.e[h] / se;
      out.px[h] += (tx - sx) * f;
      out.py[h] += (ty - sy) * f;
      out.e[h] = Math.sqrt(out.m[h] * out.m[h] + out.px[h] * out.px[h] + out.py[h] * out.py[h] + out.pz[h] * out.pz[h]);
    }
    return out.n > from;
  }
  const bx = tx / te, by = ty / te, bz = tz / te, gamma = te / M;
  // passive particles into the rest frame
  for (let h = passiveFrom; h < out.n; h++) toRest(out, h, bx, by, bz, gamma);
  const hadFrom = out.n;
  let ok = false;
  for (let attempt = 0; attempt < 10 && !ok; attempt++) {
    out.n = hadFrom;
    for (let a = 0; a < partons.length; a++) {
      const i = partons[a];
      P4[0] = pl.px[i]; P4[1] = pl.py[i]; P4[2] = pl.pz[i]; P4[3] = pl.e[i];
      boost(P4, 0, -bx, -by, -bz, gamma);
      const E = P4[3];
      const pn = Math.sqrt(P4[0] * P4[0] + P4[1] * P4[1] + P4[2] * P4[2]);
      if (pn <= 0) continue;
      const nx = P4[0] / pn, ny = P4[1] / pn, nz = P4[2] / pn;
      fragmentParton(pl.pdg[i], E, nx, ny, nz, out, rng);
    }
    ok = repair(out, passiveFrom, M);
  }
  // last resort: drop the softest hadron until the repair succeeds
  while (!ok && out.n - hadFrom > 1) {
    let soft = hadFrom;
    for (let h = hadFrom + 1; h < out.n; h++) if (out.e[h] < out.e[soft]) soft = h;
    removeRow(out, soft);
    ok = repair(out, passiveFrom, M);
  }
  for (let h = passiveFrom; h < out.n; h++) {
    P4[0] = out.px[h]; P4[1] = out.py[h]; P4[2] = out.pz[h]; P4[3] = out.e[h];
    boost(P4, 0, bx, by, bz, gamma);
    out.setP(h, P4[0], P4[1], P4[2], P4[3]);
  }
  return ok;
}

/** Below this system mass (GeV) hadronisation runs in the lab without the momentum repair. */
const MIN_SYSTEM_MASS = 5;

function fragmentInLab(pl: PList, i: number, out: PList, rng: FastRng): void {
  const pn = Math.sqrt(pl.px[i] * pl.px[i] + pl.py[i] * pl.py[i] + pl.pz[i] * pl.pz[i]);
  if (pn <= 0) return;
  fragmentParton(pl.pdg[i], pl.e[i], pl.px[i] / pn, pl.py[i] / pn, pl.pz[i] / pn, out, rng);
}

/** A quark fragments directly; a gluon as a collinear q q̄ pair sharing z : 1 − z, z from z² + (1 − z)². */
function fragmentParton(pdg: number, E: number, nx: number, ny: number, nz: number, out: PList, rng: FastRng): void {
  if (pdg !== 21) {
    fragmentQuark(pdg, E, nx, ny, nz, out, 0, rng);
    return;
  }
  let z = 0.5;
  for (let k = 0; k < 100; k++) {
    z = rng.uniform();
    if (rng.uniform() <= z * z + (1 - z) * (1 - z)) break;
  }
  const f = lightFlavour(rng);
  fragmentQuark(f, z * E, nx, ny, nz, out, 0, rng);
  fragmentQuark(-f, (1 - z) * E, nx, ny, nz, out, 0, rng);
}

function toRest(out: PList, h: number, bx: number, by: number, bz: number, gamma: number): void {
  P4[0] = out.px[h]; P4[1] = out.py[h]; P4[2] = out.pz[h]; P4[3] = out.e[h];
  boost(P4, 0, -bx, -by, -bz, gamma);
  out.setP(h, P4[0], P4[1], P4[2], P4[3]);
}

function removeRow(out: PList, h: number): void {
  const last = out.n - 1;
  if (h !== last) {
    out.px[h] = out.px[last]; out.py[h] = out.py[last]; out.pz[h] = out.pz[last]; out.e[h] = out.e[last];
    out.m[h] = out.m[last]; out.pdg[h] = out.pdg[last]; out.status[h] = out.status[last]; out.sys[h] = out.sys[last];
  }
  out.n = last;
}

/**
 * Momentum repair in the rest frame (PHYSICS.md §3.3): remove Σp in proportion to energy, then scale all |p| by α
 * so that Σ √(m² + α²p²) = M (Newton). Returns false when Σm ≥ M or Newton does not converge.
 */
function repair(out: PList, from: number, M: number): boolean {
  const n = out.n - from;
  if (n < 2) return false;
  let sx = 0, sy = 0, sz = 0, se = 0, sm = 0;
  for (let h = from; h < out.n; h++) {
    sx += out.px[h]; sy += out.py[h]; sz += out.pz[h]; se += out.e[h]; sm += out.m[h];
  }
  if (sm >= M) return false;
  for (let h = from; h < out.n; h++) {
    const f = out.e[h] / se;
    out.px[h] -= sx * f;
    out.py[h] -= sy * f;
    out.pz[h] -= sz * f;
  }
  let alpha = 1;
  for (let it = 0; it < 30; it++) {
    let f = -M, df = 0;
    for (let h = from; h < out.n; h++) {
      const p2 = out.px[h] * out.px[h] + out.py[h] * out.py[h] + out.pz[h] * out.pz[h];
      const m = out.m[h];
      const eh = Math.sqrt(m * m + alpha * alpha * p2);
      f += eh;
      df += (alpha * p2) / eh;
    }
    if (df <= 0) return false;
    let next = alpha - f / df;
    if (next <= 0) next = alpha / 2;
    const done = Math.abs(next - alpha) < 1e-12 * alpha;
    alpha = next;
    if (done) break;
  }
  let etot = 0;
  for (let h = from; h < out.n; h++) {
    out.px[h] *= alpha;
    out.py[h] *= alpha;
    out.pz[h] *= alpha;
    const p2 = out.px[h] * out.px[h] + out.py[h] * out.py[h] + out.pz[h] * out.pz[h];
    out.e[h] = Math.sqrt(out.m[h] * out.m[h] + p2);
    etot += out.e[h];
  }
  return Math.abs(etot - M) < 1e-6 * M;
}
