/**
 * Four-vector helpers on flat Float64Array storage (px, py, pz, E at offsets o..o+3), GeV. No allocation in the
 * hot paths: callers pass scratch arrays.
 */
import type { FastRng } from '../../util/random';

/** Källén function λ(a, b, c) (arguments are squared masses, GeV²). */
export function kallen(a: number, b: number, c: number): number {
  return a * a + b * b + c * c - 2 * (a * b + a * c + b * c);
}

/** Momentum of either daughter in a two-body decay M → m1 m2 (GeV); 0 below threshold. */
export function twoBodyP(M: number, m1: number, m2: number): number {
  const l = kallen(M * M, m1 * m1, m2 * m2);
  return l > 0 ? Math.sqrt(l) / (2 * M) : 0;
}

/**
 * Boosts v[o..o+3] by velocity (bx, by, bz); gamma passed in to keep precision for highly boosted frames
 * (gamma = E/M of the frame's parent). Use a negative velocity for the inverse boost.
 */
export function boost(v: Float64Array, o: number, bx: number, by: number, bz: number, gamma: number): void {
  const b2 = bx * bx + by * by + bz * bz;
  if (b2 <= 1e-300) return;
  const bp = bx * v[o] + by * v[o + 1] + bz * v[o + 2];
  const g2 = (gamma - 1) / b2;
  const f = g2 * bp + gamma * v[o + 3];
  v[o] += f * bx;
  v[o + 1] += f * by;
  v[o + 2] += f * bz;
  v[o + 3] = gamma * (v[o + 3] + bp);
}

/** Boost from the rest frame of a parent (Px, Py, Pz, E, mass M) into the frame where it has that momentum. */
export function boostToLab(v: Float64Array, o: number, Px: number, Py: number, Pz: number, E: number, M: number): void {
  boost(v, o, Px / E, Py / E, Pz / E, E / M);
}

/** Boost into the rest frame of a parent (Px, Py, Pz, E, mass M). */
export function boostToRest(v: Float64Array, o: number, Px: number, Py: number, Pz: number, E: number, M: number): void {
  boost(v, o, -Px / E, -Py / E, -Pz / E, E / M);
}

/**
 * Writes a unit vector at polar angle (cosθ) and azimuth φ around the axis (nx, ny, nz) (unit) into out[0..2].
 */
export function directionAround(out: Float64Array, nx: number, ny: number, nz: number, cosT: number, phi: number): void {
  // A unit vector orthogonal to n: cross n with the coordinate axis it is least aligned with.
  let ax: number, ay: number, az: number;
  const anx = Math.abs(nx), any = Math.abs(ny), anz = Math.abs(nz);
  if (anx <= any && anx <= anz) {
    ax = 0; ay = nz; az = -ny;
  } else if (any <= anz) {
    ax = -nz; ay = 0; az = nx;
  } else {
    ax = ny; ay = -nx; az = 0;
  }
  const an = Math.sqrt(ax * ax + ay * ay + az * az);
  ax /= an; ay /= an; az /= an;
  const bx = ny * az - nz * ay, by = nz * ax - nx * az, bz = nx * ay - ny * ax;
  const sinT = Math.sqrt(Math.max(0, 1 - cosT * cosT));
  const c = Math.cos(phi) * sinT, s = Math.sin(phi) * sinT;
  out[0] = cosT * nx + c * ax + s * bx;
  out[1] = cosT * ny + c * ay + s * by;
  out[2] = cosT * nz + c * az + s * bz;
}

const dir = new Float64Array(3);

/**
 * Two-body decay of a parent (P at offset po of `parent`, mass M) into masses m1, m2. The daughter 1 direction in
 * the parent's rest frame has polar angle acos(cosT) relative to the parent's flight direction (the z axis if the
 * parent is at rest) and azimuth φ. Daughter four-vectors go to out[0..3] and out[4..7], in the lab.
 */
export function twoBodyDecay(parent: Float64Array, po: number, M: number, m1: number, m2: number, cosT: number, phi: number, out: Float64Array): void {
  const Px = parent[po], Py = parent[po + 1], Pz = parent[po + 2], E = parent[po + 3];
  const p = twoBodyP(M, m1, m2);
  const pp = Math.sqrt(Px * Px + Py * Py + Pz * Pz);
  if (pp > 1e-12) directionAround(dir, Px / pp, Py / pp, Pz / pp, cosT, phi);
  else directionAround(dir, 0, 0, 1, cosT, phi);
  out[0] = p * dir[0];
  out[1] = p * dir[1];
  out[2] = p * dir[2];
  out[3] = Math.sqrt(p * p + m1 * m1);
  out[4] = -out[0];
  out[5] = -out[1];
  out[6] = -out[2];
  out[7] = Math.sqrt(p * p + m2 * m2);
  if (pp > 1e-12) {
    boostToLab(out, 0, Px, Py, Pz, E, M);
    boostToLab(out, 4, Px, Py, Pz, E, M);
  }
}

/**
 * Relativistic Breit–Wigner in m² (PHYSICS.md §1.4), mass window [mMin, mMax] (GeV).
 */
export function breitWigner(rng: FastRng, M: number, G: number, mMin: number, mMax: number): number {
  const mg = M * G;
  const lo = Math.atan((mMin * mMin - M * M) / mg);
  const hi = Math.atan((mMax * mMax - M * M) / mg);
  const m2 = M * M + mg * Math.tan(lo + (hi - lo) * rng.uniform());
  return Math.sqrt(Math.max(m2, 0));
}

// Scratch for the n-body generator (up to MAX_N daughters).
const MAX_N = 24;
const rnd = new Float64Array(MAX_N);
const invMas = new Float64Array(MAX_N);
const pd = new Float64Array(MAX_N);

/**
 * Flat n-body phase space (GENBOD-style sequential generator with weight rejection) for a parent at rest with
 * mass M decaying to masses m[0..n-1]. Writes rest-frame four-vectors to out[4k..4k+3]. Returns false if below
 * threshold. The caller boosts to the lab.
 */
export function nBodyRest(rng: FastRng, M: number, m: ArrayLike<number>, n: number, out: Float64Array): boolean {
  if (n > MAX_N) throw new RangeError(`n-body decay with ${n} daughters exceeds ${MAX_N}`);
  let sumM = 0;
  for (let i = 0; i < n; i++) sumM += m[i];
  const te = M - sumM;
  if (te <= 0) return false;
  if (n === 2) {
    const p = twoBodyP(M, m[0], m[1]);
    const cosT = 2 * rng.uniform() - 1;
    directionAround(dir, 0, 0, 1, cosT, 2 * Math.PI * rng.uniform());
    out[0] = p * dir[0]; out[1] = p * dir[1]; out[2] = p * dir[2]; out[3] = Math.sqrt(p * p + m[0] * m[0]);
    out[4] = -out[0]; out[5] = -out[1]; out[6] = -out[2]; out[7] = Math.sqrt(p * p + m[1] * m[1]);
    return true;
  }
  // Maximum weight bound (as in GENBOD): product of momenta at the extreme mass assignments.
  let emmax = te + m[0];
  let emmin = 0;
  let wtmax = 1;
  for (let i = 1; i < n; i++) {
    emmin += m[i - 1];
    emmax += m[i];
    wtmax *= twoBodyP(emmax, emmin, m[i]);
  }
  for (let tries = 0; tries < 10000; tries++) {
    rnd[0] = 0;
    for (let i = 1; i < n - 1; i++) rnd[i] = rng.uniform();
    rnd[n - 1] = 1;
    // insertion sort of the middle
    for (let i = 2; i < n - 1; i++) {
      const x = rnd[i];
      let j = i - 1;
      while (j >= 1 && rnd[j] > x) {
        rnd[j + 1] = rnd[j];
        j--;
      }
      rnd[j + 1] = x;
    }
    let sum = 0;
    for (let i = 0; i < n; i++) {
      sum += m[i];
      invMas[i] = rnd[i] * te + sum;
    }
    let wt = 1;
    for (let i = 0; i < n - 1; i++) {
      pd[i] = twoBodyP(invMas[i + 1], invMas[i], m[i + 1]);
      wt *= pd[i];
    }
    if (rng.uniform() * wtmax <= wt) break;
  }
  // Build momenta: daughters 0 and 1 back-to-back in the frame of invMas[1], then add daughters one by one.
  let cosT = 2 * rng.uniform() - 1;
  directionAround(dir, 0, 0, 1, cosT, 2 * Math.PI * rng.uniform());
  let p = pd[0];
  out[0] = p * dir[0]; out[1] = p * dir[1]; out[2] = p * dir[2]; out[3] = Math.sqrt(p * p + m[0] * m[0]);
  out[4] = -out[0]; out[5] = -out[1]; out[6] = -out[2]; out[7] = Math.sqrt(p * p + m[1] * m[1]);
  for (let i = 2; i < n; i++) {
    p = pd[i - 1];
    cosT = 2 * rng.uniform() - 1;
    directionAround(dir, 0, 0, 1, cosT, 2 * Math.PI * rng.uniform());
    // Previous daughters recoil against the new one: boost them with the recoil velocity of the subsystem.
    const eSub = Math.sqrt(p * p + invMas[i - 1] * invMas[i - 1]);
    const bx = -p * dir[0] / eSub, by = -p * dir[1] / eSub, bz = -p * dir[2] / eSub;
    const gamma = eSub / invMas[i - 1];
    for (let k = 0; k < i; k++) boost(out, 4 * k, bx, by, bz, gamma);
    out[4 * i] = p * dir[0];
    out[4 * i + 1] = p * dir[1];
    out[4 * i + 2] = p * dir[2];
    out[4 * i + 3] = Math.sqrt(p * p + m[i] * m[i]);
  }
  return true;
}
