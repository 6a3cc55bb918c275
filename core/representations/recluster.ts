import { cluster } from '../jets/cluster';
import { phi as phiOf } from '../physics/fourvector';

/**
 * Reclustering of one jet's constituents into subjets for the image pipeline (translate / rotate / flip), on
 * plain arrays so the pipeline stays testable without events. The clustering itself is core/jets (FastJet-exact
 * generalised kt, distances in rapidity y and φ, E-scheme).
 */
export type ReclusterAlgorithm = 'kt' | 'antikt' | 'cambridge';

export interface Subjet {
  /** Four-momentum, GeV. */
  px: number;
  py: number;
  pz: number;
  e: number;
  /** Transverse momentum, GeV. */
  pt: number;
  /** Azimuth in (−π, π], radians. */
  phi: number;
}

/**
 * Inclusive jets of radius `r` (y–φ) from the given particles (GeV) with pT ≥ `minPt` GeV, hardest first.
 */
export function recluster(
  px: ArrayLike<number>,
  py: ArrayLike<number>,
  pz: ArrayLike<number>,
  e: ArrayLike<number>,
  algorithm: ReclusterAlgorithm,
  r: number,
  minPt = 0,
): Subjet[] {
  if (px.length === 0) return [];
  const cs = cluster(px, py, pz, e, { algorithm, r });
  return Array.from(cs.inclusiveJets(minPt), (k) => ({
    px: cs.px[k], py: cs.py[k], pz: cs.pz[k], e: cs.e[k], pt: cs.pt(k), phi: phiOf(cs.px[k], cs.py[k]),
  }));
}
