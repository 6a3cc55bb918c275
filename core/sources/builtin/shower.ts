/**
 * Final-state parton shower (PHYSICS.md §2): a p_T-ordered Catani–Seymour dipole shower after Höche's simple
 * final-state shower (arXiv:1411.4085 §3), extended to beam pseudo-partons (massless anchors along the beams), a
 * massive spectator (the W in t → bW, or a top) and a massive emitter (a top radiating before its decay, with the
 * quasi-collinear kernel's dead cone). Evolution variable t = k_T² (GeV²), Sudakov veto algorithm with a cached
 * trial per dipole, kernels q → qg, g → gg, g → qq̄, one-loop running α_s(k_T²), cut-off t₀ = 1 GeV².
 *
 * Partons live in a `PList` (LHE-style colour tags; massless except tops); anchors (status ST_ANCHOR) are
 * spectators only.
 */
import type { FastRng } from '../../util/random';
import { ALPHA_S_MZ, CA, CF, M_B_QUARK, M_C_QUARK, TR, alphaS } from './constants';
import { boost, directionAround, kallen } from './kinematics';
import { ST_ACTIVE, type PList } from './record';

export interface ShowerParams {
  /** Cut-off in k_T² (GeV²). */
  t0: number;
  /** α_s(m_Z) of the shower's one-loop coupling. */
  alphaSMz: number;
}

export const DEFAULT_SHOWER: ShowerParams = { t0: 1, alphaSMz: ALPHA_S_MZ };

const K_QG = 0; // q → q g
const K_GG = 1; // g → g g
const K_QQ = 2; // g → q q̄
const NF = 5;
const QMASS2 = [0, 0, 0, 0, M_C_QUARK * M_C_QUARK, M_B_QUARK * M_B_QUARK];

/** Allocator of fresh colour tags, shared by everything that builds one event. */
export class ColourTags {
  next = 100;
  fresh(): number {
    return this.next++;
  }
  reset(): void {
    this.next = 100;
  }
}

function canEmit(pl: PList, i: number): boolean {
  if (pl.status[i] !== ST_ACTIVE) return false;
  const a = pl.pdg[i] < 0 ? -pl.pdg[i] : pl.pdg[i];
  return a === 21 || (a >= 1 && a <= 6);
}

/** Scratch state for one shower call, reused (grows as needed). */
class State {
  mem = new Int32Array(256);
  nMem = 0;
  // per member slot × side (0 = colour end, 1 = anticolour end)
  partner = new Int32Array(512);
  tT = new Float64Array(512);
  tZ = new Float64Array(512);
  tK = new Int32Array(512);
  colOwner = new Int32Array(1 << 14).fill(-1);
  acolOwner = new Int32Array(1 << 14).fill(-1);

  ensure(n: number): void {
    if (n <= this.mem.length) return;
    const cap = Math.max(n, 2 * this.mem.length);
    const m = new Int32Array(cap);
    m.set(this.mem);
    this.mem = m;
    const grow = <T extends Int32Array | Float64Array>(a: T, C: new (k: number) => T): T => {
      const b = new C(2 * cap);
      b.set(a);
      return b;
    };
    this.partner = grow(this.partner, Int32Array);
    this.tT = grow(this.tT, Float64Array);
    this.tZ = grow(this.tZ, Float64Array);
    this.tK = grow(this.tK, Int32Array);
  }

  ensureTag(tag: number): void {
    if (tag < this.colOwner.length) return;
    let n = this.colOwner.length;
    while (n <= tag) n *= 2;
    const a = new Int32Array(n).fill(-1);
    a.set(this.colOwner);
    this.colOwner = a;
    const b = new Int32Array(n).fill(-1);
    b.set(this.acolOwner);
    this.acolOwner = b;
  }
}

const st = new State();
const q4 = new Float64Array(4);
const v4 = new Float64Array(4);
const dir3 = new Float64Array(3);

/** Overestimate integral I (per unit ln t) of a dipole, kernel shares written to shareOut[0..1]. */
function trialIntegral(isGluon: boolean, s: number, t0: number, aMax: number, shareOut: Float64Array): number {
  const r = 1 - (4 * t0) / s;
  if (r <= 0) return 0;
  const sq = Math.sqrt(r);
  const zm = 0.5 * (1 - sq);
  const zp = 0.5 * (1 + sq);
  const L = Math.log((1 - zm) / (1 - zp));
  const c = aMax / (2 * Math.PI);
  if (!isGluon) {
    shareOut[0] = 1;
    return c * 2 * CF * L;
  }
  const iGG = c * CA * L;
  const iQQ = c * NF * (TR / 2) * (zp - zm);
  shareOut[0] = iGG / (iGG + iQQ);
  return iGG + iQQ;
}

const share = new Float64Array(2);

/** Draws the next trial (t, z, kernel) of slot-side `ss` (emitter i, spectator k) below tMax. */
function drawTrial(pl: PList, ss: number, i: number, k: number, tMax: number, p: ShowerParams, aMax: number, rng: FastRng): void {
  const s = 2 * pl.dot(i, k);
  const isGluon = pl.pdg[i] === 21;
  const I = s > 0 ? trialIntegral(isGluon, s, p.t0, aMax, share) : 0;
  if (I <= 0) {
    st.tT[ss] = 0;
    return;
  }
  // No emission is possible above s/4 (y ≤ 1), so the evolution may start there: exact, and saves trials.
  const tStart = Math.min(tMax, s / 4);
  const t = tStart * Math.pow(rng.uniform(), 1 / I);
  st.tT[ss] = t;
  const zm = 0.5 * (1 - Math.sqrt(1 - (4 * p.t0) / s));
  const zp = 1 - zm;
  let kernel = isGluon ? K_GG : K_QG;
  if (isGluon && rng.uniform() >= share[0]) kernel = K_QQ;
  st.tK[ss] = kernel;
  const R = rng.uniform();
  st.tZ[ss] = kernel === K_QQ ? zm + (zp - zm) * R : 1 + (zm - 1) * Math.pow((1 - zp) / (1 - zm), R);
}

function rebuildOwners(pl: PList): void {
  for (let a = 0; a < st.nMem; a++) {
    const i = st.mem[a];
    if (pl.col[i] > 0) {
      st.ensureTag(pl.col[i]);
      st.colOwner[pl.col[i]] = i;
    }
    if (pl.acol[i] > 0) {
      st.ensureTag(pl.acol[i]);
      st.acolOwner[pl.acol[i]] = i;
    }
  }
}

function clearOwners(pl: PList): void {
  for (let a = 0; a < st.nMem; a++) {
    const i = st.mem[a];
    if (pl.col[i] > 0) st.colOwner[pl.col[i]] = -1;
    if (pl.acol[i] > 0) st.acolOwner[pl.acol[i]] = -1;
  }
}

function partnerOf(pl: PList, i: number, side: number): number {
  if (!canEmit(pl, i)) return -1;
  if (side === 0) return pl.col[i] > 0 ? st.acolOwner[pl.col[i]] : -1;
  return pl.acol[i] > 0 ? st.colOwner[pl.acol[i]] : -1;
}

/**
 * Showers one colour-singlet system. `members` are the PList indices of its partons and anchors; emissions are
 * appended to `pl` with the emitter's `sys`. `tStart` is the starting k_T² (GeV²). Returns the number of
 * emissions.
 */
export function showerSystem(pl: PList, members: ArrayLike<number>, tStart: number, tags: ColourTags, rng: FastRng, p: ShowerParams = DEFAULT_SHOWER): number {
  const aMax = alphaS(p.t0, p.alphaSMz);
  st.nMem = 0;
  st.ensure(members.length + 8);
  for (let a = 0; a < members.length; a++) st.mem[st.nMem++] = members[a];
  rebuildOwners(pl);
  for (let a = 0; a < st.nMem; a++) {
    for (let side = 0; side < 2; side++) {
      const ss = 2 * a + side;
      const k = partnerOf(pl, st.mem[a], side);
      st.partner[ss] = k;
      if (k >= 0) drawTrial(pl, ss, st.mem[a], k, tStart, p, aMax, rng);
      else st.tT[ss] = 0;
    }
  }
  let emissions = 0;
  for (let guard = 0; guard < 100000; guard++) {
    // winner: the largest trial scale
    let best = -1;
    let tBest = p.t0;
    const nSS = 2 * st.nMem;
    for (let ss = 0; ss < nSS; ss++) {
      if (st.tT[ss] > tBest) {
        tBest = st.tT[ss];
        best = ss;
      }
    }
    if (best < 0) break;
    const a = best >> 1;
    const side = best & 1;
    const i = st.mem[a];
    const k = st.partner[best];
    const t = tBest;
    const z = st.tZ[best];
    const kernel = st.tK[best];
    const j = tryEmission(pl, i, k, side, t, z, kernel, aMax, p, tags, rng);
    if (j < 0) {
      drawTrial(pl, best, i, k, t, p, aMax, rng);
      continue;
    }
    emissions++;
    // register the new parton and refresh the dipoles touched by the emission
    st.ensure(st.nMem + 1);
    const aj = st.nMem++;
    st.mem[aj] = j;
    st.tT[2 * aj] = 0;
    st.tT[2 * aj + 1] = 0;
    st.partner[2 * aj] = -2;
    st.partner[2 * aj + 1] = -2;
    rebuildOwners(pl);
    for (let b = 0; b < st.nMem; b++) {
      const e = st.mem[b];
      for (let sd = 0; sd < 2; sd++) {
        const ss = 2 * b + sd;
        const kk = partnerOf(pl, e, sd);
        const touched = e === i || e === j || e === k || kk === i || kk === j || kk === k;
        if (kk !== st.partner[ss] || touched) {
          st.partner[ss] = kk;
          if (kk >= 0) drawTrial(pl, ss, e, kk, t, p, aMax, rng);
          else st.tT[ss] = 0;
        }
      }
    }
  }
  clearOwners(pl);
  return emissions;
}

/**
 * Veto step and, on acceptance, the emission: returns the new parton's index or −1 (vetoed). Implements
 * PHYSICS.md §2.4 steps 4–6 with the kinematics of §2.5 and the colour rules of §2.7.
 */
function tryEmission(pl: PList, i: number, k: number, side: number, t: number, z: number, kernel: number, aMax: number, p: ShowerParams, tags: ColourTags, rng: FastRng): number {
  // masses: the top quark as emitter (radiation before its decay), the W in t → bW or a top as spectator
  const mi = pl.m[i];
  const mk = pl.m[k];
  const sik = 2 * pl.dot(i, k);
  const y = t / (sik * z * (1 - z));
  if (y > 1) return -1;
  let w = (1 - y) * (alphaS(t, p.alphaSMz) / aMax);
  let flav = 0;
  // quasi-collinear massive q → qg kernel: the −m²/(p_i·p_j) term (p_i·p_j = y·s_ik/2) is the dead cone
  if (kernel === K_QG) w *= (2 / (1 - z * (1 - y)) - (1 + z) - (mi > 0 ? (2 * mi * mi) / (y * sik) : 0)) * (1 - z) * 0.5;
  else if (kernel === K_GG) w *= (2 / (1 - z * (1 - y)) - 2 + z * (1 - z)) * (1 - z) * 0.5;
  else {
    w *= 1 - 2 * z * (1 - z);
    flav = 1 + rng.int(NF);
    if (flav >= 4 && sik * y < 4 * QMASS2[flav]) return -1;
  }
  const massive = mi > 0 || mk > 0;
  const Q2 = sik + mi * mi + mk * mk;
  let cosT = 0;
  if (massive) {
    // i (mass m_i) and j (massless) back to back in the p_ij frame; z fixes the angle to the spectator
    const sij = mi * mi + y * sik;
    const mij = Math.sqrt(sij);
    if (mij + mk > Math.sqrt(Q2)) return -1;
    const l1 = kallen(Q2, sij, mk * mk);
    const betaK = Math.sqrt(Math.max(l1, 0)) / (Q2 - sij - mk * mk);
    const pStar = (sij - mi * mi) / (2 * mij);
    const eStar = (sij + mi * mi) / (2 * mij);
    cosT = (eStar - z * mij) / (pStar * betaK);
    if (!(Math.abs(cosT) <= 1)) return -1;
  }
  if (rng.uniform() >= w) return -1;

  const phi = 2 * Math.PI * rng.uniform();
  const j = pl.add(0, 0, 0, 0, 0, 21, ST_ACTIVE, pl.sys[i]);
  if (massive) massiveKinematics(pl, i, j, k, mi * mi + y * sik, Q2, mi, mk, cosT, phi);
  else masslessKinematics(pl, i, j, k, t, z, y, phi);

  // colour (§2.7); i keeps the z share, j takes 1 − z
  const b = tags.fresh();
  if (kernel === K_QG) {
    if (side === 0) {
      pl.col[j] = pl.col[i];
      pl.acol[j] = b;
      pl.col[i] = b;
    } else {
      pl.acol[j] = pl.acol[i];
      pl.col[j] = b;
      pl.acol[i] = b;
    }
  } else if (kernel === K_GG) {
    if (side === 0) {
      pl.col[j] = pl.col[i];
      pl.acol[j] = b;
      pl.col[i] = b;
    } else {
      pl.acol[j] = pl.acol[i];
      pl.col[j] = b;
      pl.acol[i] = b;
    }
  } else {
    // g → q q̄: the parton joined to the spectator keeps the z share
    const colA = pl.col[i], acolC = pl.acol[i];
    if (side === 0) {
      pl.pdg[i] = flav;
      pl.col[i] = colA;
      pl.acol[i] = 0;
      pl.pdg[j] = -flav;
      pl.col[j] = 0;
      pl.acol[j] = acolC;
    } else {
      pl.pdg[i] = -flav;
      pl.col[i] = 0;
      pl.acol[i] = acolC;
      pl.pdg[j] = flav;
      pl.col[j] = colA;
      pl.acol[j] = 0;
    }
  }
  return j;
}

/** Catani–Seymour FF map with a massless spectator: exact four-momentum conservation. */
function masslessKinematics(pl: PList, i: number, j: number, k: number, t: number, z: number, y: number, phi: number): void {
  const Qx = pl.px[i] + pl.px[k], Qy = pl.py[i] + pl.py[k], Qz = pl.pz[i] + pl.pz[k], QE = pl.e[i] + pl.e[k];
  const M = Math.sqrt(Math.max(QE * QE - Qx * Qx - Qy * Qy - Qz * Qz, 1e-30));
  // emitter direction in the dipole rest frame
  v4[0] = pl.px[i]; v4[1] = pl.py[i]; v4[2] = pl.pz[i]; v4[3] = pl.e[i];
  boost(v4, 0, -Qx / QE, -Qy / QE, -Qz / QE, QE / M);
  const vn = Math.sqrt(v4[0] * v4[0] + v4[1] * v4[1] + v4[2] * v4[2]);
  directionAround(dir3, v4[0] / vn, v4[1] / vn, v4[2] / vn, 0, phi);
  const kt = Math.sqrt(t);
  q4[0] = kt * dir3[0]; q4[1] = kt * dir3[1]; q4[2] = kt * dir3[2]; q4[3] = 0;
  boost(q4, 0, Qx / QE, Qy / QE, Qz / QE, QE / M);
  const ix = pl.px[i], iy = pl.py[i], iz = pl.pz[i], ie = pl.e[i];
  const kx = pl.px[k], ky = pl.py[k], kz = pl.pz[k], ke = pl.e[k];
  const a1 = (1 - z) * y, a2 = z * y;
  pl.setP(i, z * ix + a1 * kx + q4[0], z * iy + a1 * ky + q4[1], z * iz + a1 * kz + q4[2], z * ie + a1 * ke + q4[3]);
  pl.setP(j, (1 - z) * ix + a2 * kx - q4[0], (1 - z) * iy + a2 * ky - q4[1], (1 - z) * iz + a2 * kz - q4[2], (1 - z) * ie + a2 * ke - q4[3]);
  pl.setP(k, (1 - y) * kx, (1 - y) * ky, (1 - y) * kz, (1 - y) * ke);
}

/**
 * Massive map (PHYSICS.md §2.5, generalised to a massive emitter): the spectator keeps its direction in the dipole
 * frame; i (mass mi) and j (massless) are back to back in the p_ij frame at angle acos(cosT) to the spectator.
 */
function massiveKinematics(pl: PList, i: number, j: number, k: number, sij: number, Q2: number, mi: number, mk: number, cosT: number, phi: number): void {
  const Qx = pl.px[i] + pl.px[k], Qy = pl.py[i] + pl.py[k], Qz = pl.pz[i] + pl.pz[k], QE = pl.e[i] + pl.e[k];
  const M = Math.sqrt(Q2);
  // spectator direction in Q's rest frame
  v4[0] = pl.px[k]; v4[1] = pl.py[k]; v4[2] = pl.pz[k]; v4[3] = pl.e[k];
  boost(v4, 0, -Qx / QE, -Qy / QE, -Qz / QE, QE / M);
  const vn = Math.sqrt(v4[0] * v4[0] + v4[1] * v4[1] + v4[2] * v4[2]);
  const nx = v4[0] / vn, ny = v4[1] / vn, nz = v4[2] / vn;
  const pk = Math.sqrt(Math.max(kallen(Q2, sij, mk * mk), 0)) / (2 * M);
  const ek = Math.sqrt(pk * pk + mk * mk);
  const eij = M - ek;
  const mij = Math.sqrt(sij);
  // i and j in p_ij's rest frame, then to Q's frame (p_ij moves along −n with momentum pk), then to the lab
  const h = (sij - mi * mi) / (2 * mij);
  directionAround(dir3, nx, ny, nz, cosT, phi);
  q4[0] = h * dir3[0]; q4[1] = h * dir3[1]; q4[2] = h * dir3[2]; q4[3] = Math.sqrt(h * h + mi * mi);
  v4[0] = -q4[0]; v4[1] = -q4[1]; v4[2] = -q4[2]; v4[3] = h;
  const bx = (-pk * nx) / eij, by = (-pk * ny) / eij, bz = (-pk * nz) / eij;
  boost(q4, 0, bx, by, bz, eij / mij);
  boost(v4, 0, bx, by, bz, eij / mij);
  boost(q4, 0, Qx / QE, Qy / QE, Qz / QE, QE / M);
  boost(v4, 0, Qx / QE, Qy / QE, Qz / QE, QE / M);
  pl.setP(i, q4[0], q4[1], q4[2], q4[3]);
  pl.setP(j, v4[0], v4[1], v4[2], v4[3]);
  q4[0] = pk * nx; q4[1] = pk * ny; q4[2] = pk * nz; q4[3] = ek;
  boost(q4, 0, Qx / QE, Qy / QE, Qz / QE, QE / M);
  pl.setP(k, q4[0], q4[1], q4[2], q4[3]);
}
