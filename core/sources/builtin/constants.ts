/**
 * Constants of the built-in generator (PHYSICS.md §0): masses and widths in GeV, branching ratios, colour
 * factors, and the particle data table (mass in GeV, charge in units of e) used by hadronisation, decays and the
 * detector.
 */

export const M_Z = 91.1876;
export const W_Z = 2.4952;
export const M_W = 80.377;
export const W_W = 2.085;
export const M_T = 172.5;
export const W_T = 1.42;
export const M_H = 125.25;
/** Kinematic quark masses (GeV): used for the g → qq̄ thresholds and heavy-hadron thresholds. */
export const M_B_QUARK = 4.8;
export const M_C_QUARK = 1.5;

export const ALPHA_S_MZ = 0.118;
export const CF = 4 / 3;
export const CA = 3;
export const TR = 0.5;

export const BR_W_HAD = 0.6741;
export const BR_W_LEP = 0.1086;
export const BR_Z_HAD = 0.6991;
export const BR_H_BB = 0.582;

// PDG codes used in code paths.
export const PDG = {
  d: 1, u: 2, s: 3, c: 4, b: 5, t: 6,
  e: 11, nue: 12, mu: 13, numu: 14, tau: 15, nutau: 16,
  g: 21, gamma: 22, Z: 23, W: 24, H: 25,
  pi0: 111, pip: 211, eta: 221, rho0: 113, rhop: 213, omega: 223, phi: 333,
  KL: 130, KS: 310, K0: 311, Kp: 321, Kst0: 313, Kstp: 323,
  p: 2212, n: 2112, Lambda: 3122,
  D0: 421, Dp: 411, Ds: 431, Lc: 4122,
  B0: 511, Bp: 521, Bs: 531, Lb: 5122,
} as const;

interface Species {
  mass: number;
  /** Charge of the particle (positive PDG code), in units of e. */
  charge: number;
  /** Width in GeV where the mass is drawn from a Breit–Wigner (ρ, K*). */
  width?: number;
  /** Stable for the generator (reaches the detector): PHYSICS.md §3.4. */
  stable: boolean;
}

const TABLE: Record<number, Species> = {
  11: { mass: 0.000511, charge: -1, stable: true },
  12: { mass: 0, charge: 0, stable: true },
  13: { mass: 0.10566, charge: -1, stable: true },
  14: { mass: 0, charge: 0, stable: true },
  15: { mass: 1.77686, charge: -1, stable: false },
  16: { mass: 0, charge: 0, stable: true },
  22: { mass: 0, charge: 0, stable: true },
  111: { mass: 0.13498, charge: 0, stable: false },
  211: { mass: 0.13957, charge: 1, stable: true },
  221: { mass: 0.54786, charge: 0, stable: false },
  113: { mass: 0.7753, charge: 0, width: 0.149, stable: false },
  213: { mass: 0.7753, charge: 1, width: 0.149, stable: false },
  223: { mass: 0.78266, charge: 0, stable: false },
  333: { mass: 1.01946, charge: 0, stable: false },
  130: { mass: 0.49761, charge: 0, stable: true },
  310: { mass: 0.49761, charge: 0, stable: false },
  311: { mass: 0.49761, charge: 0, stable: false },
  321: { mass: 0.49368, charge: 1, stable: true },
  313: { mass: 0.8956, charge: 0, width: 0.047, stable: false },
  323: { mass: 0.8917, charge: 1, width: 0.051, stable: false },
  2212: { mass: 0.93827, charge: 1, stable: true },
  2112: { mass: 0.93957, charge: 0, stable: true },
  3122: { mass: 1.11568, charge: 0, stable: false },
  421: { mass: 1.86484, charge: 0, stable: false },
  411: { mass: 1.86966, charge: 1, stable: false },
  431: { mass: 1.96835, charge: 1, stable: false },
  4122: { mass: 2.28646, charge: 1, stable: false },
  511: { mass: 5.27966, charge: 0, stable: false },
  521: { mass: 5.27934, charge: 1, stable: false },
  531: { mass: 5.36688, charge: 0, stable: false },
  5122: { mass: 5.61960, charge: 0, stable: false },
};

const MAX_CODE = 6000;
/** Dense lookups by |pdg| (codes above MAX_CODE are not produced by the generator). */
export const MASS = new Float64Array(MAX_CODE);
export const WIDTH = new Float64Array(MAX_CODE);
const CHARGE = new Float64Array(MAX_CODE);
const STABLE = new Uint8Array(MAX_CODE);
for (const [code, s] of Object.entries(TABLE)) {
  const c = Number(code);
  MASS[c] = s.mass;
  WIDTH[c] = s.width ?? 0;
  CHARGE[c] = s.charge;
  STABLE[c] = s.stable ? 1 : 0;
}

/** Mass in GeV of a particle by PDG code (0 for unknown codes and partons). */
export function massOf(pdg: number): number {
  const a = pdg < 0 ? -pdg : pdg;
  return a < MAX_CODE ? MASS[a] : 0;
}

/** Charge in units of e by PDG code (sign follows the code). */
export function chargeOf(pdg: number): number {
  const a = pdg < 0 ? -pdg : pdg;
  if (a >= MAX_CODE) return 0;
  return pdg < 0 ? -CHARGE[a] : CHARGE[a];
}

/** True for particles that reach the detector (PHYSICS.md §3.4: γ, e, μ, ν, π±, K±, K⁰_L, p, n). */
export function isStable(pdg: number): boolean {
  const a = pdg < 0 ? -pdg : pdg;
  return a < MAX_CODE && STABLE[a] === 1;
}

/** True for neutrinos. */
export function isNeutrino(pdg: number): boolean {
  const a = pdg < 0 ? -pdg : pdg;
  return a === 12 || a === 14 || a === 16;
}

/** One-loop running α_s with n_f = 5 (PHYSICS.md §2.3), t in GeV². */
export function alphaS(t: number, alphaMz: number = ALPHA_S_MZ): number {
  const b0 = (33 - 2 * 5) / (12 * Math.PI);
  return alphaMz / (1 + alphaMz * b0 * Math.log(t / (M_Z * M_Z)));
}
