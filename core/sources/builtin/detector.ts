/**
 * Fast detector after the Delphes CMS card (PHYSICS.md §5): tracker efficiency and log-normal momentum smearing
 * (|η| ≤ 2.5), 3.8 T bending to the calorimeter face, ECAL / HCAL cells in η–φ with log-normal energy
 * resolution and thresholds, particle flow (tracks + neutral excess per cell as EFlowPhoton /
 * EFlowNeutralHadron), E_T^miss from the eflow objects, and parametric b-tagging of jets (`applyBTagging`).
 * Momenta and energies in GeV, angles in radians.
 *
 * Departure: ECAL η edges are made symmetric (k·0.0174, |k| ≤ 170, i.e. out to ±2.958) instead of the card's
 * barrel −85…86 plus endcaps, which overlap by a fraction of a cell on the negative side.
 */
import type { Collection, EventBatch } from '../../physics/events';
import { chargeOf, isNeutrino } from './constants';
import type { ColBuilder } from './output';
import { ST_ACTIVE, type PList } from './record';

interface Uniform {
  uniform(): number;
  normal(): number;
}

class Calorimeter {
  readonly edges: Float64Array;
  readonly nPhi: Int32Array;
  readonly offset: Int32Array;
  readonly nCells: number;
  readonly sumE: Float64Array;
  readonly trkE: Float64Array;
  readonly trkVar: Float64Array;
  readonly touched: Int32Array;
  nTouched = 0;
  readonly cellEta: Int32Array;

  constructor(edges: number[], nPhiOf: (etaCentre: number) => number) {
    this.edges = Float64Array.from(edges);
    const nb = edges.length - 1;
    this.nPhi = new Int32Array(nb);
    this.offset = new Int32Array(nb + 1);
    for (let b = 0; b < nb; b++) {
      this.nPhi[b] = nPhiOf(Math.abs(0.5 * (edges[b] + edges[b + 1])));
      this.offset[b + 1] = this.offset[b] + this.nPhi[b];
    }
    this.nCells = this.offset[nb];
    this.sumE = new Float64Array(this.nCells);
    this.trkE = new Float64Array(this.nCells);
    this.trkVar = new Float64Array(this.nCells);
    this.touched = new Int32Array(this.nCells);
    this.cellEta = new Int32Array(this.nCells);
    for (let b = 0; b < nb; b++) for (let k = this.offset[b]; k < this.offset[b + 1]; k++) this.cellEta[k] = b;
  }

  /** Cell index of (η, φ), or −1 outside the η coverage. */
  cell(eta: number, phi: number): number {
    const ed = this.edges;
    if (eta < ed[0] || eta >= ed[ed.length - 1]) return -1;
    let lo = 0, hi = ed.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (ed[mid] <= eta) lo = mid;
      else hi = mid;
    }
    const n = this.nPhi[lo];
    let ip = Math.floor(((phi + Math.PI) / (2 * Math.PI)) * n);
    if (ip >= n) ip -= n;
    if (ip < 0) ip += n;
    return this.offset[lo] + ip;
  }

  deposit(c: number, e: number, tracked: boolean, trkSigma: number): void {
    if (this.sumE[c] === 0 && this.trkE[c] === 0) this.touched[this.nTouched++] = c;
    this.sumE[c] += e;
    if (tracked) {
      this.trkE[c] += e;
      this.trkVar[c] += trkSigma * trkSigma;
    }
  }

  reset(): void {
    for (let k = 0; k < this.nTouched; k++) {
      const c = this.touched[k];
      this.sumE[c] = 0;
      this.trkE[c] = 0;
      this.trkVar[c] = 0;
    }
    this.nTouched = 0;
  }
}

const HF_EDGES = [3.125, 3.3, 3.475, 3.65, 3.825, 4.0, 4.175, 4.35, 4.525, 4.7, 5.0];

function symmetric(pos: number[]): number[] {
  const neg = pos.filter((x) => x > 0).map((x) => -x).reverse();
  return [...neg, ...pos.filter((x) => x >= 0)];
}

function ecalEdges(): number[] {
  const pos: number[] = [];
  for (let k = 0; k <= 170; k++) pos.push(Math.round(k * 0.0174 * 1e6) / 1e6);
  return symmetric([...pos, ...HF_EDGES]);
}

function hcalEdges(): number[] {
  const pos: number[] = [];
  for (let k = 0; k <= 19; k++) pos.push(Math.round(k * 0.087 * 1e6) / 1e6);
  pos.push(1.74, 1.83, 1.93, 2.043, 2.172, 2.322, 2.5, 2.65, 2.868, 2.95, 3.125, 3.3, 3.475, 3.65, 3.825, 4.0, 4.175, 4.35, 4.525, 4.7, 5.0);
  return symmetric(pos);
}

/** Relative track p_T resolution (CMS card). kind: 0 hadron, 1 electron, 2 muon. */
function trackResolution(kind: number, pt: number, aeta: number): number {
  const reg = aeta <= 0.5 ? 0 : aeta <= 1.5 ? 1 : 2;
  const c0 = kind === 0 ? [0.06, 0.1, 0.25][reg] : kind === 1 ? [0.03, 0.05, 0.15][reg] : [0.01, 0.015, 0.025][reg];
  const c1 = kind === 2 ? [1.0e-4, 1.5e-4, 3.5e-4][reg] : [1.3e-3, 1.7e-3, 3.1e-3][reg];
  return Math.sqrt(c0 * c0 + pt * pt * c1 * c1);
}

function trackEfficiency(kind: number, pt: number, aeta: number): number {
  if (pt <= 0.1 || aeta > 2.5) return 0;
  const central = aeta <= 1.5;
  if (pt <= 1) {
    if (kind === 0) return central ? 0.7 : 0.6;
    if (kind === 1) return central ? 0.73 : 0.5;
    return central ? 0.75 : 0.7;
  }
  if (kind === 0) return central ? 0.95 : 0.85;
  if (kind === 1) return pt > 100 ? (central ? 0.99 : 0.9) : central ? 0.95 : 0.83;
  return central ? 0.99 : 0.98;
}

function ecalSigma(e: number, aeta: number): number {
  if (aeta <= 3.0) {
    const base = Math.sqrt(0.008 * 0.008 * e * e + 0.11 * 0.11 * e + 0.4 * 0.4);
    if (aeta <= 1.5) return (1 + 0.64 * aeta * aeta) * base;
    if (aeta <= 2.5) return (2.16 + 5.6 * (aeta - 2) * (aeta - 2)) * base;
  }
  return Math.sqrt(0.107 * 0.107 * e * e + 2.08 * 2.08 * e);
}

function hcalSigma(e: number, aeta: number): number {
  if (aeta <= 3.0) return Math.sqrt(0.05 * 0.05 * e * e + 1.5 * 1.5 * e);
  return Math.sqrt(0.13 * 0.13 * e * e + 2.7 * 2.7 * e);
}

function logNormal(mean: number, sigma: number, rng: Uniform): number {
  if (mean <= 0) return 0;
  const r = sigma / mean;
  const s2 = Math.log(1 + r * r);
  const mu = Math.log(mean) - 0.5 * s2;
  return Math.exp(mu + Math.sqrt(s2) * rng.normal());
}

/** Output builders the detector fills for one event at a time. */
export interface DetectorOutput {
  particle: ColBuilder; // fields pdg_id, charge, status, vertex
  track: ColBuilder; // pdg_id, charge, vertex
  eflowtrack: ColBuilder; // pdg_id, charge, vertex
  eflowphoton: ColBuilder;
  eflowneutralhadron: ColBuilder;
  tower: ColBuilder; // eem, ehad
  missinget: ColBuilder; // met, phi
  electron: ColBuilder; // pdg_id, charge
  muon: ColBuilder; // pdg_id, charge
  photon: ColBuilder; // pdg_id
}

function addTrack(b: ColBuilder, px: number, py: number, pz: number, e: number, pdg: number, q: number, vtx: number): void {
  const k = b.add(px, py, pz, e);
  b.f[0][k] = pdg;
  b.f[1][k] = q;
  b.f[2][k] = vtx;
}

const B_FIELD_BEND = 0.735; // 0.3·B·R/2 in GeV for B = 3.8 T, R = 1.29 m

export class Detector {
  private ecal = new Calorimeter(ecalEdges(), (a) => (a < 2.958 ? 360 : 36));
  private hcal = new Calorimeter(hcalEdges(), (a) => (a < 1.653 ? 72 : a < 4.525 ? 36 : 18));

  /**
   * Simulates the detector response to the final-state particles (status ST_ACTIVE) of `ev` and appends one
   * event to every output builder (the caller calls endEvent on each afterwards).
   */
  simulate(ev: PList, out: DetectorOutput, rng: Uniform): void {
    let metX = 0, metY = 0;
    const t0 = out.eflowtrack.rows, p0 = out.eflowphoton.rows, n0 = out.eflowneutralhadron.rows;
    for (let h = 0; h < ev.n; h++) {
      if (ev.status[h] !== ST_ACTIVE) continue;
      const pdg = ev.pdg[h];
      const q = chargeOf(pdg);
      const px = ev.px[h], py = ev.py[h], pz = ev.pz[h], e = ev.e[h], m = ev.m[h];
      const r = out.particle.add(px, py, pz, e);
      out.particle.f[0][r] = pdg;
      out.particle.f[1][r] = q;
      out.particle.f[2][r] = 1;
      out.particle.f[3][r] = ev.sys[h];
      if (isNeutrino(pdg)) continue;
      const pt = Math.sqrt(px * px + py * py);
      if (pt < 1e-9) continue;
      const p = Math.sqrt(pt * pt + pz * pz);
      const eta = 0.5 * Math.log((p + pz) / (p - pz));
      const aeta = Math.abs(eta);
      if (!(aeta < 5)) continue;
      const phi = Math.atan2(py, px);
      const apdg = pdg < 0 ? -pdg : pdg;
      const kind = apdg === 11 ? 1 : apdg === 13 ? 2 : 0;
      let tracked = false;
      let res = 0;
      if (q !== 0 && aeta <= 2.5) {
        if (rng.uniform() < trackEfficiency(kind, pt, aeta)) {
          tracked = true;
          res = trackResolution(kind, pt, aeta);
          const pts = logNormal(pt, res * pt, rng);
          const f = pts / pt;
          const tx = px * f, ty = py * f, tz = pz * f;
          const te = Math.sqrt(tx * tx + ty * ty + tz * tz + m * m);
          addTrack(out.track, tx, ty, tz, te, pdg, q, ev.sys[h]);
          addTrack(out.eflowtrack, tx, ty, tz, te, pdg, q, ev.sys[h]);
          metX -= tx;
          metY -= ty;
        }
      }
      if (apdg === 13) continue; // muons leave (almost) nothing in the calorimeters
      let phiC = phi;
      if (q !== 0) {
        if (pt < B_FIELD_BEND) {
          if (aeta < 1.5) continue; // curls up inside the barrel
        } else {
          phiC = phi - q * Math.asin(B_FIELD_BEND / pt);
          if (phiC <= -Math.PI) phiC += 2 * Math.PI;
          else if (phiC > Math.PI) phiC -= 2 * Math.PI;
        }
      }
      if (apdg === 11 || apdg === 22) {
        const c = this.ecal.cell(eta, phiC);
        if (c >= 0) this.ecal.deposit(c, e, tracked, res * e);
      } else {
        const c = this.hcal.cell(eta, phiC);
        if (c >= 0) this.hcal.deposit(c, e, tracked, res * e);
      }
    }
    const [mx, my] = this.cells(this.ecal, true, out, rng);
    const [hx, hy] = this.cells(this.hcal, false, out, rng);
    this.leptonsAndPhotons(out, t0, p0, n0, rng);
    metX -= mx + hx;
    metY -= my + hy;
    const met = Math.sqrt(metX * metX + metY * metY);
    const k = out.missinget.add(metX, metY, 0, met);
    out.missinget.f[0][k] = met;
    out.missinget.f[1][k] = Math.atan2(metY, metX);
  }

  /**
   * Isolated electrons, muons and photons (PHYSICS.md §5.5) from this event's eflow objects with p_T > 10 GeV:
   * efficiency (e, γ: 0.95 for |η| ≤ 1.5, 0.85 to 2.5; μ: 0.95 for |η| ≤ 2.4, × exp(0.5 − 5·10⁻⁴ p_T) above
   * 1 TeV), then isolation: Σp_T of the other eflow objects with p_T > 0.5 GeV within ΔR < 0.5, over p_T, below
   * 0.12 (e, γ) or 0.25 (μ). The eflow objects stay in the eflow collections (jets may contain them).
   */
  private leptonsAndPhotons(out: DetectorOutput, t0: number, p0: number, n0: number, rng: Uniform): void {
    const tr = out.eflowtrack, ph = out.eflowphoton;
    for (let r = t0; r < tr.rows; r++) {
      const a = Math.abs(tr.f[0][r]);
      if (a !== 11 && a !== 13) continue;
      const pt = Math.hypot(tr.px[r], tr.py[r]);
      if (pt <= 10) continue;
      const aeta = Math.abs(Math.asinh(tr.pz[r] / pt));
      let eff: number;
      if (a === 11) eff = aeta <= 1.5 ? 0.95 : aeta <= 2.5 ? 0.85 : 0;
      else eff = aeta <= 2.4 ? 0.95 * (pt > 1000 ? Math.exp(0.5 - 5e-4 * pt) : 1) : 0;
      if (!(rng.uniform() < eff)) continue;
      if (this.isolation(out, t0, p0, n0, tr, r, pt) >= (a === 11 ? 0.12 : 0.25)) continue;
      const b = a === 11 ? out.electron : out.muon;
      const k = b.add(tr.px[r], tr.py[r], tr.pz[r], tr.e[r]);
      b.f[0][k] = tr.f[0][r];
      b.f[1][k] = tr.f[1][r];
    }
    for (let r = p0; r < ph.rows; r++) {
      const pt = Math.hypot(ph.px[r], ph.py[r]);
      if (pt <= 10) continue;
      const aeta = Math.abs(Math.asinh(ph.pz[r] / pt));
      const eff = aeta <= 1.5 ? 0.95 : aeta <= 2.5 ? 0.85 : 0;
      if (!(rng.uniform() < eff)) continue;
      if (this.isolation(out, t0, p0, n0, ph, r, pt) >= 0.12) continue;
      const k = out.photon.add(ph.px[r], ph.py[r], ph.pz[r], ph.e[r]);
      out.photon.f[0][k] = 22;
    }
  }

  /** Relative isolation of row r of `self` against this event's eflow objects (p_T > 0.5 GeV, ΔR < 0.5). */
  private isolation(out: DetectorOutput, t0: number, p0: number, n0: number, self: ColBuilder, r: number, pt: number): number {
    const eta = Math.asinh(self.pz[r] / pt), phi = Math.atan2(self.py[r], self.px[r]);
    let sum = 0;
    for (const [b, from] of [[out.eflowtrack, t0], [out.eflowphoton, p0], [out.eflowneutralhadron, n0]] as const) {
      for (let k = from; k < b.rows; k++) {
        if (b === self && k === r) continue;
        const pk = Math.hypot(b.px[k], b.py[k]);
        if (pk <= 0.5) continue;
        const de = Math.asinh(b.pz[k] / pk) - eta;
        let dp = Math.abs(Math.atan2(b.py[k], b.px[k]) - phi);
        if (dp > Math.PI) dp = 2 * Math.PI - dp;
        if (de * de + dp * dp < 0.25) sum += pk;
      }
    }
    return sum / pt;
  }

  /** Smears the touched cells, writes towers and neutral eflow candidates; returns their Σp_T. */
  private cells(cal: Calorimeter, isEcal: boolean, out: DetectorOutput, rng: Uniform): [number, number] {
    let sx = 0, sy = 0;
    const eMin = isEcal ? 0.5 : 1.0;
    const sig = isEcal ? 2.0 : 1.0;
    const neutral = isEcal ? out.eflowphoton : out.eflowneutralhadron;
    for (let t = 0; t < cal.nTouched; t++) {
      const c = cal.touched[t];
      const b = cal.cellEta[c];
      const etaLo = cal.edges[b], etaHi = cal.edges[b + 1];
      const aetaC = Math.abs(0.5 * (etaLo + etaHi));
      const eTrue = cal.sumE[c];
      const sigma = isEcal ? ecalSigma(eTrue, aetaC) : hcalSigma(eTrue, aetaC);
      const eCell = logNormal(eTrue, sigma, rng);
      if (eCell < eMin) continue;
      const sigCell = isEcal ? ecalSigma(eCell, aetaC) : hcalSigma(eCell, aetaC);
      // the direction is drawn uniformly inside the cell (Delphes SmearTowerCenter)
      const n = cal.nPhi[b];
      const ip = c - cal.offset[b];
      const eta = etaLo + (etaHi - etaLo) * rng.uniform();
      const phi = -Math.PI + ((ip + rng.uniform()) * 2 * Math.PI) / n;
      const cosh = Math.cosh(eta);
      const ch = Math.cos(phi), sh = Math.sin(phi), th = Math.tanh(eta);
      if (eCell / sigCell >= sig) {
        const et = eCell / cosh;
        const k = out.tower.add(et * ch, et * sh, eCell * th, eCell);
        out.tower.f[0][k] = isEcal ? eCell : 0;
        out.tower.f[1][k] = isEcal ? 0 : eCell;
      }
      const en = eCell - cal.trkE[c];
      if (en > eMin && en / Math.sqrt(sigCell * sigCell + cal.trkVar[c]) > sig) {
        const et = en / cosh;
        neutral.add(et * ch, et * sh, en * th, en);
        sx += et * ch;
        sy += et * sh;
      }
    }
    cal.reset();
    return [sx, sy];
  }
}

/** b-tagging efficiency vs p_T (GeV) by flavour (5, 4, else light), Delphes CMS card parametrisation. */
export function bTagEfficiency(flavour: number, pt: number): number {
  if (flavour === 5) return 0.85 * Math.tanh(0.0025 * pt) * (25 / (1 + 0.063 * pt));
  if (flavour === 4) return (0.25 * Math.tanh(0.018 * pt)) / (1 + 0.0013 * pt);
  return 0.01 + 3.8e-5 * pt;
}

/**
 * Parametric b-tagging (PHYSICS.md §5.6) of a jet collection in `batch`: the jet flavour is the heaviest of the
 * truth partons (`parton` collection: b, c quarks after the shower and hard partons) with p_T > 1 GeV, |η| < 2.5
 * within ΔR < 0.5 of the jet axis (b beats c beats light); the tag is drawn from the CMS-card efficiency.
 * Returns one value per jet: 1 (bit 0 of the Delphes `BTag` field) or 0.
 */
export function applyBTagging(jets: Collection, batch: EventBatch, rng: { uniform(): number }): Float64Array {
  const tags = new Float64Array(jets.px.length);
  const partons = batch.collections.get('parton');
  const nEv = jets.offsets.length - 1;
  for (let ev = 0; ev < nEv; ev++) {
    for (let j = jets.offsets[ev]; j < jets.offsets[ev + 1]; j++) {
      const jx = jets.px[j], jy = jets.py[j], jz = jets.pz[j];
      const jpt = Math.hypot(jx, jy);
      if (jpt <= 0) continue;
      const jeta = Math.asinh(jz / jpt);
      const jphi = Math.atan2(jy, jx);
      let flav = 0;
      if (partons) {
        const pid = partons.fields.pdg_id;
        for (let k = partons.offsets[ev]; k < partons.offsets[ev + 1]; k++) {
          const a = Math.abs(pid[k]);
          if (a !== 4 && a !== 5) continue;
          const pt = Math.hypot(partons.px[k], partons.py[k]);
          if (pt <= 1) continue;
          const eta = Math.asinh(partons.pz[k] / pt);
          if (Math.abs(eta) >= 2.5) continue;
          let dphi = Math.abs(Math.atan2(partons.py[k], partons.px[k]) - jphi);
          if (dphi > Math.PI) dphi = 2 * Math.PI - dphi;
          const deta = eta - jeta;
          if (deta * deta + dphi * dphi < 0.25 && a > flav) flav = a;
        }
      }
      tags[j] = rng.uniform() < bTagEfficiency(flav, jpt) ? 1 : 0;
    }
  }
  return tags;
}
