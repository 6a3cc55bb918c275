/**
 * Four-vector helpers on plain numbers (no objects). Units: GeV for momenta, energies and masses; radians for
 * angles. Conventions (CONTRACTS.md "Units and coordinates"): φ in (−π, π]; rapidity y for clustering and
 * substructure; pseudorapidity η for `eta`, `delta_r` and images.
 *
 * The rapidity and mass formulas are the ones FastJet uses (PseudoJet), so that values computed here agree with
 * FastJet to the last bits where the same operations are performed.
 */
import { HmlError } from '../util/errors';

export const TWO_PI = 2 * Math.PI;
/** Rapidity given to massless particles along the beam (|y| = MAX_RAP + |pz|), as FastJet does. */
export const MAX_RAP = 1e5;

/** Transverse momentum √(px² + py²) in GeV. */
export function pt(px: number, py: number): number {
  return Math.sqrt(px * px + py * py);
}

/** Squared invariant mass (E+pz)(E−pz) − pT² in GeV², the FastJet form (negative for space-like vectors). */
export function m2(px: number, py: number, pz: number, e: number): number {
  return (e + pz) * (e - pz) - (px * px + py * py);
}

/** Invariant mass in GeV; −√(−m²) for space-like vectors (FastJet and CLHEP convention). */
export function mass(px: number, py: number, pz: number, e: number): number {
  const mm = m2(px, py, pz, e);
  return mm < 0 ? -Math.sqrt(-mm) : Math.sqrt(mm);
}

/**
 * Rapidity y = ½ ln((E+pz)/(E−pz)), computed as FastJet does (from pT² + max(m², 0) over (E + |pz|)², stable for
 * large |pz|). A massless particle exactly along the beam gets ±(1e5 + |pz|).
 */
export function rapidity(px: number, py: number, pz: number, e: number): number {
  const kt2 = px * px + py * py;
  if (e === Math.abs(pz) && kt2 === 0) {
    const maxRapHere = MAX_RAP + Math.abs(pz);
    return pz >= 0 ? maxRapHere : -maxRapHere;
  }
  const em2 = Math.max(0, (e + pz) * (e - pz) - kt2);
  const ePlusPz = e + Math.abs(pz);
  const r = 0.5 * Math.log((kt2 + em2) / (ePlusPz * ePlusPz));
  return pz > 0 ? -r : r;
}

/** Pseudorapidity η = asinh(pz / pT); ±1e5-style large values are not used: pT = 0 gives ±Infinity (0 if pz = 0). */
export function pseudorapidity(px: number, py: number, pz: number): number {
  const p = Math.sqrt(px * px + py * py);
  if (p === 0) return pz === 0 ? 0 : pz > 0 ? Infinity : -Infinity;
  return Math.asinh(pz / p);
}

/** Azimuth in (−π, π] (0 for pT = 0). */
export function phi(px: number, py: number): number {
  if (px === 0 && py === 0) return 0;
  const f = Math.atan2(py, px);
  return f === -Math.PI ? Math.PI : f;
}

/** Azimuth in [0, 2π), FastJet's `phi()` convention (used by `hml jets` output and inside clustering). */
export function phi02pi(px: number, py: number): number {
  if (px === 0 && py === 0) return 0;
  let f = Math.atan2(py, px);
  if (f < 0) f += TWO_PI;
  if (f >= TWO_PI) f -= TWO_PI;
  return f;
}

/** Wraps an azimuth difference into (−π, π]. */
export function wrapPhi(dphi: number): number {
  let d = dphi % TWO_PI;
  if (d > Math.PI) d -= TWO_PI;
  else if (d <= -Math.PI) d += TWO_PI;
  return d;
}

/** |Δφ| in [0, π] for two azimuths in any convention. */
export function deltaPhi(phi1: number, phi2: number): number {
  let d = Math.abs(phi1 - phi2) % TWO_PI;
  if (d > Math.PI) d = TWO_PI - d;
  return d;
}

/** ΔR² = Δ(rap)² + Δφ² with φ wrapped; `rap` may be y or η, the caller decides (CONTRACTS). */
export function deltaR2(rap1: number, phi1: number, rap2: number, phi2: number): number {
  const dy = rap1 - rap2;
  const dp = deltaPhi(phi1, phi2);
  return dy * dy + dp * dp;
}

/** ΔR = √(Δ(rap)² + Δφ²) with φ wrapped. */
export function deltaR(rap1: number, phi1: number, rap2: number, phi2: number): number {
  return Math.sqrt(deltaR2(rap1, phi1, rap2, phi2));
}

/** A four-momentum (px, py, pz, E) in GeV, used where a handful of vectors are returned (never per particle). */
export interface FourMomentum {
  px: number;
  py: number;
  pz: number;
  e: number;
}

/** Sum of the four-momenta at `rows` of the given columns (E-scheme). */
export function sumRows(px: ArrayLike<number>, py: ArrayLike<number>, pz: ArrayLike<number>, e: ArrayLike<number>, rows: ArrayLike<number>): FourMomentum {
  let x = 0, y = 0, z = 0, t = 0;
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k];
    x += px[i];
    y += py[i];
    z += pz[i];
    t += e[i];
  }
  return { px: x, py: y, pz: z, e: t };
}

/**
 * Relative tolerance for "E < |p|" in input validation: momenta are often stored in float32 (Delphes) or printed
 * with a few digits (text, LHE), so a massless particle can come out with E slightly below |p|.
 */
export const MASS_SHELL_TOLERANCE = 1e-6;

/**
 * Checks the momenta of particles `from .. to-1` and throws an HmlError naming event and particle for NaN or
 * infinite components, negative energy, or E < |p| beyond rounding (relative 1e-6, plus 1e-9 GeV absolute).
 * Treatment documented for callers: slightly space-like vectors inside the tolerance are accepted unchanged;
 * their mass is then reported negative (−√(−m²)), as FastJet does.
 *
 * @param event 0-based event number in the file (for the message); `particle` in the message is 0-based within
 *   the event.
 */
export function validateMomenta(
  px: ArrayLike<number>,
  py: ArrayLike<number>,
  pz: ArrayLike<number>,
  e: ArrayLike<number>,
  from: number,
  to: number,
  event: number,
  file?: string,
): void {
  for (let i = from; i < to; i++) {
    const x = px[i], y = py[i], z = pz[i], t = e[i];
    const where = { file, event, particle: i - from };
    if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z) || !Number.isFinite(t)) {
      throw new HmlError('physics.non-finite-momentum', `particle has a non-finite momentum (${x}, ${y}, ${z}, ${t}); fix or drop it in the input`, { location: where });
    }
    if (t < 0) {
      throw new HmlError('physics.negative-energy', `particle has negative energy E = ${t} GeV; check the input's column order (px py pz E)`, { location: where });
    }
    const p = Math.sqrt(x * x + y * y + z * z);
    if (t < p * (1 - MASS_SHELL_TOLERANCE) - 1e-9) {
      throw new HmlError('physics.space-like-momentum', `particle has E = ${t} GeV below |p| = ${p} GeV (beyond rounding); check the input's column order (px py pz E)`, { location: where });
    }
  }
}
