/**
 * Electric charge (units of e) from a PDG Monte Carlo particle number, following the PDG numbering scheme
 * (quark content from the digits n_q1 n_q2 n_q3), so that readers of LHE and HepMC3 files, which store only the
 * id, can fill the `charge` field without a particle table.
 */
const QUARK_THREE_CHARGE = [0, -1, 2, -1, 2, -1, 2, -1, 2]; // d u s c b t b' t', index = quark number

/** Charge in units of e; 0 for neutral and for numbers outside the scheme. */
export function pdgCharge(pdg: number): number {
  return threeCharge(pdg) / 3;
}

function threeCharge(pdg: number): number {
  const n = Math.abs(pdg);
  const sign = pdg < 0 ? -1 : 1;
  if (n >= 1000000000) {
    // nucleus 10LZZZAAAI
    return sign * 3 * (Math.floor(n / 10000) % 1000);
  }
  if (n <= 8) return sign * QUARK_THREE_CHARGE[n];
  if (n >= 11 && n <= 18) return n % 2 === 1 ? -3 * sign : 0;
  if (n === 24 || n === 37) return 3 * sign;
  if (n < 100) return 0; // gauge and Higgs bosons, generator specials
  const core = n % 10000;
  const q1 = Math.floor(core / 1000) % 10;
  const q2 = Math.floor(core / 100) % 10;
  const q3 = Math.floor(core / 10) % 10;
  if (q2 > 8 || q3 > 8 || q1 > 8) return 0;
  let c: number;
  if (q1 === 0) {
    if (q2 === 0 || q3 === 0) return 0;
    // meson: for an up-type n_q2 the quark is n_q2 and the antiquark n_q3; for a down-type n_q2 the reverse
    c = q2 % 2 === 0 ? QUARK_THREE_CHARGE[q2] - QUARK_THREE_CHARGE[q3] : QUARK_THREE_CHARGE[q3] - QUARK_THREE_CHARGE[q2];
  } else if (q3 === 0) {
    c = QUARK_THREE_CHARGE[q1] + QUARK_THREE_CHARGE[q2]; // diquark
  } else {
    c = QUARK_THREE_CHARGE[q1] + QUARK_THREE_CHARGE[q2] + QUARK_THREE_CHARGE[q3]; // baryon
  }
  return sign * c;
}
