/**
 * One event of the built-in generator, from the hard process to stable particles (PHYSICS.md §1–§4):
 * hard 2 → 2 kinematics, resonance decays, final-state shower per colour-singlet system, hadronisation with a
 * momentum repair per system, hadron decays, underlying event and pile-up. Momenta in GeV.
 *
 * Hard process and recoil (documented in docs/physics.md):
 * - z-jets / w-jets / higgs-bb: pp → V/H + parton; the p_T window cuts on the boson; the recoil parton (quark
 *   80 % / gluon 20 % for V, gluon 70 % / quark 30 % for H) is showered with the beam pseudo-partons.
 * - top-jets: pp → tt̄; the window cuts on the tagged (hadronically decaying) top, chosen at random; the other top
 *   decays inclusively.
 * - qcd-jets: pp → 2 partons, both at the window's p_T; gg / qg / qq mix interpolated in x_T.
 * Then, for every process, an initial-state radiation stand-in (`initialStateRadiation`) kicks the hard system
 * transversely against the ISR gluons.
 */
import type { FastRng } from '../../util/random';
import { BR_W_HAD, BR_W_LEP, CA, CF, M_H, M_T, M_W, M_Z, PDG, W_T, W_W, W_Z, alphaS, massOf } from './constants';
import { hadroniseSystem } from './hadronise';
import { decayAll } from './hadrondecays';
import { boostToLab, boostToRest, breitWigner, twoBodyDecay } from './kinematics';
import { type BuiltinProcess, qcdMix, sampleQuarkFlavour, samplePt, sampleRapidities } from './processes';
import { PList, ST_ACTIVE, ST_ANCHOR } from './record';
import { ColourTags, DEFAULT_SHOWER, type ShowerParams, showerSystem } from './shower';
import { PILEUP_PARAMS, UE_PARAMS, addSoftInteraction } from './ue';

export interface EventOptions {
  process: BuiltinProcess;
  /** p_T window [lo, hi] in GeV on the object of PHYSICS.md §1.2. */
  pt: readonly [number, number];
  /** Centre-of-mass energy, GeV. */
  sqrtS: number;
  /** Mean number of pile-up interactions (0 = off). */
  pileup: number;
  /** Underlying event on (default) or off. */
  underlyingEvent: boolean;
  /**
   * Recoil of V + X (z-jets, w-jets): `parton` (V + jet, default) or `invisible` (V + Z → νν̄, the topology of
   * pp → WZ(→ νν̄) studies, where the two leading small-R jets are the boson's prongs).
   */
  recoil: 'parton' | 'invisible';
  /** Initial-state radiation stand-in (default on; see `initialStateRadiation`). */
  isr: boolean;
  shower: ShowerParams;
}

/** ISR cut-off: emissions below k_T = 10 GeV are left to the underlying event, whose tune to data already holds soft ISR (GeV²). */
const ISR_T0 = 100;

/** Truth parton status codes in the `parton` collection. */
export const TRUTH_RESONANCE = 22;
export const TRUTH_HARD = 23;
export const TRUTH_SHOWER_HEAVY = 71;

const v8 = new Float64Array(8);
const par = new Float64Array(4);
const ys = new Float64Array(4);

/** Per-step timing accumulators (ms), filled when `timing` is on (bench). */
export interface StepTimes {
  hard: number;
  shower: number;
  hadronisation: number;
  ue: number;
}

export class EventGenerator {
  readonly partons = new PList(128);
  /** Stable and decayed hadrons / leptons of the event (status ST_ACTIVE = final). */
  readonly hadrons = new PList(1024);
  /** Truth partons for the output (index into `partons` + status). */
  truthIdx: number[] = [];
  truthStatus: number[] = [];
  private tags = new ColourTags();
  private sysTarget: number[] = []; // per hadronisation system: -1 = sum of partons, else partons index of resonance
  private sysPassive: number[][] = []; // leptons (as hadrons-list templates) per system: [px,py,pz,e,m,pdg]*
  private invisible: number[] = []; // final-state neutrinos of an invisible recoil: [px,py,pz,e,m,pdg]*
  private readonly opts: EventOptions;
  times: StepTimes | undefined;

  constructor(opts: Partial<EventOptions> & Pick<EventOptions, 'process' | 'pt'>) {
    this.opts = { sqrtS: 13000, pileup: 0, underlyingEvent: true, recoil: 'parton', isr: true, shower: DEFAULT_SHOWER, ...opts };
  }

  private newSystem(resonance: number): number {
    this.sysTarget.push(resonance);
    this.sysPassive.push([]);
    return this.sysTarget.length - 1;
  }

  private truth(i: number, status: number): void {
    this.truthIdx.push(i);
    this.truthStatus.push(status);
  }

  /** Generates one event into `hadrons` (and truth into `partons`). */
  generate(rng: FastRng): void {
    const pl = this.partons;
    pl.clear();
    this.hadrons.clear();
    this.tags.reset();
    this.truthIdx.length = 0;
    this.truthStatus.length = 0;
    this.sysTarget.length = 0;
    this.sysPassive.length = 0;
    this.invisible.length = 0;
    const t0 = this.times ? performance.now() : 0;
    switch (this.opts.process) {
      case 'qcd-jets':
        this.qcdJets(rng);
        break;
      case 'top-jets':
        this.topJets(rng);
        break;
      default:
        this.bosonJet(rng);
    }
    if (this.opts.isr) this.initialStateRadiation(rng);
    const t1 = this.times ? performance.now() : 0;
    // post-shower heavy quarks as truth (b-tagging)
    for (let i = 0; i < pl.n; i++) {
      const a = Math.abs(pl.pdg[i]);
      if (pl.status[i] === ST_ACTIVE && (a === 4 || a === 5)) this.truth(i, TRUTH_SHOWER_HEAVY);
    }
    this.hadronise(rng);
    const inv = this.invisible;
    for (let k = 0; k < inv.length; k += 6) this.hadrons.add(inv[k], inv[k + 1], inv[k + 2], inv[k + 3], inv[k + 4], inv[k + 5], ST_ACTIVE, 0);
    const t2 = this.times ? performance.now() : 0;
    if (this.opts.underlyingEvent) addSoftInteraction(this.hadrons, UE_PARAMS, 0, rng);
    const nPu = this.opts.pileup > 0 ? rng.poisson(this.opts.pileup) : 0;
    for (let k = 1; k <= nPu; k++) addSoftInteraction(this.hadrons, PILEUP_PARAMS, k, rng);
    decayAll(this.hadrons, 0, rng);
    if (this.times) {
      const t3 = performance.now();
      this.times.ue += t3 - t2;
      this.times.hadronisation += t2 - t1;
      this.times.hard += t1 - t0; // hard process + decays + shower (split below in bosonJet when timing)
    }
  }

  /** Hard scale² (GeV²) and Casimirs of the two incoming legs, set by the hard process for the ISR. */
  private isrQ2 = 0;
  private isrC: [number, number] = [CF, CA];

  /**
   * Initial-state radiation stand-in (an addition to PHYSICS.md, which has none; docs/physics.md, departure 11).
   * Each incoming leg radiates gluons in a k_T-ordered veto algorithm from the hard scale Q² (p_T² of the window
   * object) down to k_T = 10 GeV with the double-logarithmic density dP = (α_s(k_T²) C/π) (dk_T²/k_T²) (dξ/ξ),
   * ξ ∈ [x k_T/Q, x] the gluon's light-cone fraction (so its rapidity lies between the hard system and its beam),
   * with one-loop α_s(k_T²) and a veto when the leg's x would exceed 1. The hard system (everything radiated so
   * far, resonances and neutrinos included) is then boosted transversely against the summed k_T, so the event
   * stays exactly balanced in p_T, and each gluon is showered with both beams as spectators and hadronised as its
   * own system. It gives the hard system a recoil kick and adds soft / semi-hard jets: dijets are no longer exactly
   * back to back.
   */
  private initialStateRadiation(rng: FastRng): void {
    const Q2 = this.isrQ2;
    if (!(Q2 > ISR_T0)) return;
    const sqrtS = this.opts.sqrtS;
    const aMz = this.opts.shower.alphaSMz;
    const aMax = alphaS(ISR_T0, aMz);
    const L0 = Math.log(Q2 / ISR_T0);
    const Q = Math.sqrt(Q2);
    const em = this.isrEmissions;
    em.length = 0;
    let Kx = 0, Ky = 0;
    for (let leg = 0; leg < 2; leg++) {
      const sign = leg === 0 ? 1 : -1;
      let x = ys[2 + leg];
      // overestimate per unit ln t: (α_s^max C/π) ln(Q/k_T) ≤ (α_s^max C/π) L0/2
      const fHat = (aMax * this.isrC[leg] * L0) / (2 * Math.PI);
      let t = Q2;
      for (;;) {
        t *= Math.pow(rng.uniform(), 1 / fHat);
        if (t < ISR_T0) break;
        if (rng.uniform() * aMax * L0 > alphaS(t, aMz) * Math.log(Q2 / t)) continue;
        const kT = Math.sqrt(t);
        const xi = x * Math.pow(kT / Q, rng.uniform());
        if (x + xi > 0.99) continue;
        x += xi;
        const phi = 2 * Math.PI * rng.uniform() - Math.PI;
        const y = sign * Math.log((xi * sqrtS) / kT);
        em.push(kT, phi, y, sign, x);
        Kx += kT * Math.cos(phi);
        Ky += kT * Math.sin(phi);
      }
    }
    if (em.length === 0) return;
    // boost the hard system transversely by u = βγ = −K/E so that its p_T becomes −K exactly
    const pl = this.partons;
    let E = 0;
    for (let i = 0; i < pl.n; i++) if (pl.status[i] === ST_ACTIVE) E += pl.e[i];
    for (const arr of this.sysPassive) for (let k = 0; k < arr.length; k += 6) E += arr[k + 3];
    const inv = this.invisible;
    for (let k = 0; k < inv.length; k += 6) E += inv[k + 3];
    const ux = -Kx / E, uy = -Ky / E;
    const g = Math.sqrt(1 + ux * ux + uy * uy);
    const boost = (px: number, py: number, e: number): [number, number, number] => {
      const up = ux * px + uy * py;
      const f = up / (1 + g) + e;
      return [px + f * ux, py + f * uy, g * e + up];
    };
    for (let i = 0; i < pl.n; i++) [pl.px[i], pl.py[i], pl.e[i]] = boost(pl.px[i], pl.py[i], pl.e[i]);
    const boostArr = (arr: number[]): void => {
      for (let k = 0; k < arr.length; k += 6) [arr[k], arr[k + 1], arr[k + 3]] = boost(arr[k], arr[k + 1], arr[k + 3]);
    };
    for (const arr of this.sysPassive) boostArr(arr);
    boostArr(inv);
    // the emitted gluons: each joined to both beams, showered from its k_T², hadronised as its own system
    for (let k = 0; k < em.length; k += 5) {
      const sys = this.newSystem(-1);
      const a = this.tags.fresh(), b = this.tags.fresh();
      const gl = this.addOutgoing(em[k], em[k + 1], em[k + 2], 0, 1, PDG.g, ST_ACTIVE, sys, a, b);
      const xa = Math.min(1, em[k + 4]);
      const m = [gl, this.anchor(em[k + 3], xa, 0, a), this.anchor(-em[k + 3], xa, b, 0)];
      showerSystem(pl, m, em[k] * em[k], this.tags, rng, this.opts.shower);
    }
  }

  private isrEmissions: number[] = [];

  private anchor(beamSign: number, x: number, col: number, acol: number): number {
    const E = (x * this.opts.sqrtS) / 2;
    return this.partons.add(0, 0, beamSign * E, E, 0, 0, ST_ANCHOR, -1, col, acol);
  }

  /** Common 2 → 2 kinematics: fills par (pT, phi) and ys (y3, y4, x1, x2). Returns false if out of reach. */
  private kinematics(rng: FastRng, m3: number, m4: number, pT: number): boolean {
    const mt3 = Math.sqrt(m3 * m3 + pT * pT), mt4 = Math.sqrt(m4 * m4 + pT * pT);
    return sampleRapidities(this.opts.process, mt3, mt4, this.opts.sqrtS, rng, ys);
  }

  private addOutgoing(pT: number, phi: number, y: number, m: number, sign: number, pdg: number, status: number, sys: number, col = 0, acol = 0): number {
    const mt = Math.sqrt(m * m + pT * pT);
    return this.partons.add(sign * pT * Math.cos(phi), sign * pT * Math.sin(phi), mt * Math.sinh(y), mt * Math.cosh(y), m, pdg, status, sys, col, acol);
  }

  private drawPt(rng: FastRng): number {
    return samplePt(this.opts.process, this.opts.pt[0], this.opts.pt[1], rng);
  }

  private bosonJet(rng: FastRng): void {
    const proc = this.opts.process;
    const pl = this.partons;
    let M = M_H;
    if (proc === 'z-jets') M = breitWigner(rng, M_Z, W_Z, M_Z - 15 * W_Z, M_Z + 15 * W_Z);
    else if (proc === 'w-jets') M = breitWigner(rng, M_W, W_W, M_W - 15 * W_W, M_W + 15 * W_W);
    const invisible = this.opts.recoil === 'invisible' && proc !== 'higgs-bb';
    const mRecoil = invisible ? breitWigner(rng, M_Z, W_Z, M_Z - 15 * W_Z, M_Z + 15 * W_Z) : 0;
    let pT = this.drawPt(rng);
    for (let k = 0; !this.kinematics(rng, M, mRecoil, pT); k++) {
      if (k > 100) throw new RangeError(`p_T ${pT} GeV is beyond the reach of √s = ${this.opts.sqrtS} GeV`);
      pT = this.drawPt(rng);
    }
    const phi = 2 * Math.PI * rng.uniform() - Math.PI;
    const [y3, y4, x1, x2] = ys;
    this.isrQ2 = pT * pT;
    // incoming legs: q q̄ for V + Z, g g for ggF H, q g for V + parton (either way round)
    if (invisible) this.isrC = [CF, CF];
    else if (proc === 'higgs-bb') this.isrC = [CA, CA];
    else this.isrC = rng.uniform() < 0.5 ? [CF, CA] : [CA, CF];
    // the boson and its decay system
    let bosonPdg: number = PDG.H;
    if (proc === 'z-jets') bosonPdg = PDG.Z;
    else if (proc === 'w-jets') bosonPdg = rng.uniform() < 0.6 ? PDG.W : -PDG.W;
    const sysV = this.newSystem(-1);
    const v = this.addOutgoing(pT, phi, y3, M, 1, bosonPdg, 0, sysV);
    this.sysTarget[sysV] = v;
    this.truth(v, TRUTH_RESONANCE);
    if (invisible) {
      // V + Z(→ νν̄): the recoil is invisible; no recoil parton, no beam dipoles
      const zr = this.addOutgoing(pT, phi, y4, mRecoil, -1, PDG.Z, 0, -1);
      this.truth(zr, TRUTH_RESONANCE);
      par[0] = pl.px[zr]; par[1] = pl.py[zr]; par[2] = pl.pz[zr]; par[3] = pl.e[zr];
      twoBodyDecay(par, 0, mRecoil, 0, 0, vDecayCos(rng), 2 * Math.PI * rng.uniform(), v8);
      const nu = [PDG.nue, PDG.numu, PDG.nutau][rng.int(3)];
      this.invisible.push(v8[0], v8[1], v8[2], v8[3], 0, nu, v8[4], v8[5], v8[6], v8[7], 0, -nu);
      this.decayBoson(proc, v, M, bosonPdg, rng, sysV);
      return;
    }
    // recoil parton
    const sysR = this.newSystem(-1);
    const gluonShare = proc === 'higgs-bb' ? 0.7 : 0.2;
    const a = this.tags.fresh();
    const beamFirst = rng.uniform() < 0.5 ? 1 : -1;
    const xOf = (s: number): number => (s > 0 ? x1 : x2);
    const members: number[] = [];
    if (rng.uniform() < gluonShare) {
      const b = this.tags.fresh();
      members.push(this.addOutgoing(pT, phi, y4, 0, -1, PDG.g, ST_ACTIVE, sysR, a, b));
      members.push(this.anchor(beamFirst, xOf(beamFirst), 0, a));
      members.push(this.anchor(-beamFirst, xOf(-beamFirst), b, 0));
    } else {
      const f = sampleQuarkFlavour(rng) * (rng.uniform() < 0.85 ? 1 : -1);
      if (f > 0) {
        members.push(this.addOutgoing(pT, phi, y4, 0, -1, f, ST_ACTIVE, sysR, a, 0));
        members.push(this.anchor(beamFirst, xOf(beamFirst), 0, a));
      } else {
        members.push(this.addOutgoing(pT, phi, y4, 0, -1, f, ST_ACTIVE, sysR, 0, a));
        members.push(this.anchor(beamFirst, xOf(beamFirst), a, 0));
      }
    }
    this.truth(members[0], TRUTH_HARD);
    showerSystem(pl, members, pT * pT, this.tags, rng, this.opts.shower);
    this.decayBoson(proc, v, M, bosonPdg, rng, sysV);
  }

  /** V / H → q q̄ with the process's flavours and angular distribution, then the decay shower. */
  private decayBoson(proc: BuiltinProcess, v: number, M: number, bosonPdg: number, rng: FastRng, sysV: number): void {
    let q = 5;
    let qbar = -5;
    if (proc === 'z-jets') {
      const u = rng.uniform() * 0.996;
      q = u < 0.17 ? 2 : u < 0.34 ? 4 : u < 0.56 ? 1 : u < 0.78 ? 3 : 5;
      qbar = -q;
    } else if (proc === 'w-jets') {
      [q, qbar] = wHadronic(bosonPdg > 0 ? 1 : -1, rng);
    }
    let cosT = 2 * rng.uniform() - 1;
    if (proc !== 'higgs-bb') cosT = vDecayCos(rng);
    this.decayToPair(v, M, q, qbar, cosT, rng, sysV);
  }

  /** Decays resonance row `v` (mass M) to massless q (cosT to the flight direction) and q̄, and showers them. */
  private decayToPair(v: number, M: number, q: number, qbar: number, cosT: number, rng: FastRng, sys: number): void {
    const pl = this.partons;
    par[0] = pl.px[v]; par[1] = pl.py[v]; par[2] = pl.pz[v]; par[3] = pl.e[v];
    twoBodyDecay(par, 0, M, 0, 0, cosT, 2 * Math.PI * rng.uniform(), v8);
    const c = this.tags.fresh();
    const i = pl.addVec(v8, 0, 0, q, ST_ACTIVE, sys, q > 0 ? c : 0, q > 0 ? 0 : c);
    const j = pl.addVec(v8, 4, 0, qbar, ST_ACTIVE, sys, qbar > 0 ? c : 0, qbar > 0 ? 0 : c);
    this.truth(i, TRUTH_HARD);
    this.truth(j, TRUTH_HARD);
    showerSystem(pl, [i, j], (M * M) / 4, this.tags, rng, this.opts.shower);
  }

  private topJets(rng: FastRng): void {
    const lo = M_T - 15 * W_T, hi = M_T + 15 * W_T;
    const m3 = breitWigner(rng, M_T, W_T, lo, hi);
    const m4 = breitWigner(rng, M_T, W_T, lo, hi);
    let pT = this.drawPt(rng);
    for (let k = 0; !this.kinematics(rng, m3, m4, pT); k++) {
      if (k > 100) throw new RangeError(`p_T ${pT} GeV is beyond the reach of √s = ${this.opts.sqrtS} GeV`);
      pT = this.drawPt(rng);
    }
    const phi = 2 * Math.PI * rng.uniform() - Math.PI;
    const [y3, y4] = ys;
    this.isrQ2 = pT * pT;
    this.isrC = [CA, CA]; // gg → tt̄ dominates
    const taggedSign = rng.uniform() < 0.5 ? 1 : -1; // the tagged top (row 3) is t or t̄
    const s3 = this.newSystem(-1);
    const t3 = this.addOutgoing(pT, phi, y3, m3, 1, taggedSign * PDG.t, 0, s3);
    this.sysTarget[s3] = t3;
    const s4 = this.newSystem(-1);
    const t4 = this.addOutgoing(pT, phi, y4, m4, -1, -taggedSign * PDG.t, 0, s4);
    this.sysTarget[s4] = t4;
    this.truth(t3, TRUTH_RESONANCE);
    this.truth(t4, TRUTH_RESONANCE);
    this.radiateTops(t3, t4, pT, rng);
    this.decayTop(t3, m3, true, rng, s3);
    this.decayTop(t4, m4, false, rng, s4);
  }

  /**
   * Gluon radiation off the tops before they decay (added to PHYSICS.md's model, which has none): each top is a
   * massive emitter joined to one beam (t to one, t̄ to the other), with the dead cone from the massive kernel.
   * The gluons form their own hadronisation system; the tops keep their masses and decay afterwards.
   */
  private radiateTops(t3: number, t4: number, pT: number, rng: FastRng): void {
    const pl = this.partons;
    const sysG = this.newSystem(-1);
    const sys3 = pl.sys[t3], sys4 = pl.sys[t4];
    const A = rng.uniform() < 0.5 ? 1 : -1;
    const members: number[] = [t3, t4];
    for (const [t, beam] of [[t3, A], [t4, -A]]) {
      const c = this.tags.fresh();
      const x = beam > 0 ? ys[2] : ys[3];
      pl.status[t] = ST_ACTIVE;
      pl.sys[t] = sysG;
      if (pl.pdg[t] > 0) {
        pl.col[t] = c;
        members.push(this.anchor(beam, x, 0, c));
      } else {
        pl.acol[t] = c;
        members.push(this.anchor(beam, x, c, 0));
      }
    }
    showerSystem(pl, members, pT * pT, this.tags, rng, this.opts.shower);
    pl.status[t3] = 0;
    pl.status[t4] = 0;
    pl.sys[t3] = sys3;
    pl.sys[t4] = sys4;
  }

  /** t → b W (isotropic), shower of the b with the W as massive spectator, then W → f f̄′ (helicity fractions). */
  private decayTop(t: number, mt: number, hadronic: boolean, rng: FastRng, sys: number): void {
    const pl = this.partons;
    const sign = pl.pdg[t] > 0 ? 1 : -1;
    const mW = breitWigner(rng, M_W, W_W, M_W - 15 * W_W, Math.min(M_W + 15 * W_W, mt - 4.8));
    par[0] = pl.px[t]; par[1] = pl.py[t]; par[2] = pl.pz[t]; par[3] = pl.e[t];
    twoBodyDecay(par, 0, mt, 0, mW, 2 * rng.uniform() - 1, 2 * Math.PI * rng.uniform(), v8);
    const c = this.tags.fresh();
    // the b inherits the top's colour; the W carries the matching tag as the colour anchor of this system
    const b = sign > 0 ? pl.addVec(v8, 0, 0, 5, ST_ACTIVE, sys, c, 0) : pl.addVec(v8, 0, 0, -5, ST_ACTIVE, sys, 0, c);
    const w = sign > 0 ? pl.addVec(v8, 4, mW, 24, ST_ANCHOR, sys, 0, c) : pl.addVec(v8, 4, mW, -24, ST_ANCHOR, sys, c, 0);
    this.truth(b, TRUTH_HARD);
    showerSystem(pl, [b, w], (mt * mt - mW * mW) / 4, this.tags, rng, this.opts.shower);
    this.truth(w, TRUTH_RESONANCE);
    // W decay: the angle of the down-type member is measured in the W frame to the W direction in the top frame
    const Tx = pl.px[t], Ty = pl.py[t], Tz = pl.pz[t], Te = pl.e[t];
    par[0] = pl.px[w]; par[1] = pl.py[w]; par[2] = pl.pz[w]; par[3] = pl.e[w];
    boostToRest(par, 0, Tx, Ty, Tz, Te, mt);
    const cosT = topWCos(rng);
    let lepton = 0;
    let up: number, down: number;
    if (hadronic || rng.uniform() < BR_W_HAD / (BR_W_HAD + 3 * BR_W_LEP)) {
      [up, down] = wHadronic(sign, rng);
    } else {
      const l = [PDG.e, PDG.mu, PDG.tau][rng.int(3)];
      lepton = l;
      up = sign * (l + 1); // ν for W⁺, ν̄ for W⁻
      down = -sign * l; // ℓ⁺ for W⁺, ℓ⁻ for W⁻
    }
    const mDown = lepton ? massOf(lepton) : 0;
    twoBodyDecay(par, 0, mW, mDown, 0, cosT, 2 * Math.PI * rng.uniform(), v8);
    boostToLab(v8, 0, Tx, Ty, Tz, Te, mt);
    boostToLab(v8, 4, Tx, Ty, Tz, Te, mt);
    if (lepton) {
      const p = this.sysPassive[sys];
      p.push(v8[0], v8[1], v8[2], v8[3], mDown, down, v8[4], v8[5], v8[6], v8[7], 0, up);
      return;
    }
    const cc = this.tags.fresh();
    const d = down > 0 ? pl.addVec(v8, 0, 0, down, ST_ACTIVE, sys, cc, 0) : pl.addVec(v8, 0, 0, down, ST_ACTIVE, sys, 0, cc);
    const u = up > 0 ? pl.addVec(v8, 4, 0, up, ST_ACTIVE, sys, cc, 0) : pl.addVec(v8, 4, 0, up, ST_ACTIVE, sys, 0, cc);
    this.truth(d, TRUTH_HARD);
    this.truth(u, TRUTH_HARD);
    showerSystem(pl, [d, u], (mW * mW) / 4, this.tags, rng, this.opts.shower);
  }

  private qcdJets(rng: FastRng): void {
    const pT = this.drawPt(rng);
    let ok = this.kinematics(rng, 0, 0, pT);
    for (let k = 0; !ok; k++) {
      if (k > 100) throw new RangeError(`p_T ${pT} GeV is beyond the reach of √s = ${this.opts.sqrtS} GeV`);
      ok = this.kinematics(rng, 0, 0, this.drawPt(rng));
    }
    const phi = 2 * Math.PI * rng.uniform() - Math.PI;
    const [y3, y4, x1, x2] = ys;
    const [gg, qg] = qcdMix((2 * pT) / this.opts.sqrtS);
    this.isrQ2 = pT * pT;
    const sys = this.newSystem(-1);
    const T = this.tags;
    const members: number[] = [];
    const u = rng.uniform();
    const beamX = (s: number): number => (s > 0 ? x1 : x2);
    const A = rng.uniform() < 0.5 ? 1 : -1; // a random beam
    // incoming legs as the outgoing flavours (gg → gg, qg → qg, qq → qq dominate at LO)
    this.isrC = u < gg ? [CA, CA] : u < gg + qg ? (rng.uniform() < 0.5 ? [CF, CA] : [CA, CF]) : [CF, CF];
    if (u < gg) {
      const c1 = T.fresh(), c2 = T.fresh(), c3 = T.fresh();
      if (rng.uniform() < 0.5) {
        // one line joins the gluons; the open ends go to one beam each
        members.push(this.addOutgoing(pT, phi, y3, 0, 1, PDG.g, ST_ACTIVE, sys, c1, c2));
        members.push(this.addOutgoing(pT, phi, y4, 0, -1, PDG.g, ST_ACTIVE, sys, c2, c3));
        members.push(this.anchor(A, beamX(A), 0, c1), this.anchor(-A, beamX(-A), c3, 0));
      } else {
        const c4 = T.fresh();
        members.push(this.addOutgoing(pT, phi, y3, 0, 1, PDG.g, ST_ACTIVE, sys, c1, c2));
        members.push(this.addOutgoing(pT, phi, y4, 0, -1, PDG.g, ST_ACTIVE, sys, c3, c4));
        members.push(this.anchor(A, beamX(A), 0, c1), this.anchor(-A, beamX(-A), c2, 0));
        members.push(this.anchor(-A, beamX(-A), 0, c3), this.anchor(A, beamX(A), c4, 0));
      }
    } else if (u < gg + qg) {
      const quarkFirst = rng.uniform() < 0.5;
      const f = sampleQuarkFlavour(rng) * (rng.uniform() < 0.85 ? 1 : -1);
      const yq = quarkFirst ? y3 : y4, yg = quarkFirst ? y4 : y3;
      const sq = quarkFirst ? 1 : -1;
      const a = T.fresh(), b = T.fresh();
      if (f > 0) {
        members.push(this.addOutgoing(pT, phi, yq, 0, sq, f, ST_ACTIVE, sys, a, 0));
        members.push(this.addOutgoing(pT, phi, yg, 0, -sq, PDG.g, ST_ACTIVE, sys, b, a));
        members.push(this.anchor(A, beamX(A), 0, b));
      } else {
        members.push(this.addOutgoing(pT, phi, yq, 0, sq, f, ST_ACTIVE, sys, 0, a));
        members.push(this.addOutgoing(pT, phi, yg, 0, -sq, PDG.g, ST_ACTIVE, sys, a, b));
        members.push(this.anchor(A, beamX(A), b, 0));
      }
    } else if (rng.uniform() < 1 / 3) {
      const f = sampleQuarkFlavour(rng);
      const a = T.fresh();
      const first = rng.uniform() < 0.5 ? 1 : -1;
      members.push(this.addOutgoing(pT, phi, y3, 0, 1, first * f, ST_ACTIVE, sys, first > 0 ? a : 0, first > 0 ? 0 : a));
      members.push(this.addOutgoing(pT, phi, y4, 0, -1, -first * f, ST_ACTIVE, sys, first > 0 ? 0 : a, first > 0 ? a : 0));
    } else {
      // two quarks (or, 10 %, two antiquarks), each joined to the beam on the opposite side
      const anti = rng.uniform() < 0.1 ? -1 : 1;
      const ys2 = [y3, y4];
      for (let k = 0; k < 2; k++) {
        const f = anti * sampleQuarkFlavour(rng);
        const a = T.fresh();
        const opp = ys2[k] > 0 ? -1 : 1;
        members.push(this.addOutgoing(pT, phi, ys2[k], 0, k === 0 ? 1 : -1, f, ST_ACTIVE, sys, f > 0 ? a : 0, f > 0 ? 0 : a));
        members.push(f > 0 ? this.anchor(opp, beamX(opp), 0, a) : this.anchor(opp, beamX(opp), a, 0));
      }
    }
    for (const i of members) if (this.partons.status[i] === ST_ACTIVE) this.truth(i, TRUTH_HARD);
    showerSystem(this.partons, members, pT * pT, T, rng, this.opts.shower);
  }

  private sysPartons: number[] = [];

  private hadronise(rng: FastRng): void {
    const pl = this.partons;
    const out = this.hadrons;
    for (let s = 0; s < this.sysTarget.length; s++) {
      const members = this.sysPartons;
      members.length = 0;
      let sx = 0, sy = 0, sz = 0, se = 0;
      for (let i = 0; i < pl.n; i++) {
        if (pl.sys[i] === s && pl.status[i] === ST_ACTIVE) {
          members.push(i);
          sx += pl.px[i]; sy += pl.py[i]; sz += pl.pz[i]; se += pl.e[i];
        }
      }
      const passiveFrom = out.n;
      const pas = this.sysPassive[s];
      for (let k = 0; k < pas.length; k += 6) {
        out.add(pas[k], pas[k + 1], pas[k + 2], pas[k + 3], pas[k + 4], pas[k + 5], ST_ACTIVE, 0);
        sx += pas[k]; sy += pas[k + 1]; sz += pas[k + 2]; se += pas[k + 3];
      }
      const r = this.sysTarget[s];
      if (r >= 0) {
        sx = pl.px[r]; sy = pl.py[r]; sz = pl.pz[r]; se = pl.e[r];
      }
      if (members.length === 0) continue;
      hadroniseSystem(pl, members, passiveFrom, sx, sy, sz, se, out, rng);
    }
  }
}

/** W± → q q̄′ flavours (sign +1: W⁺): ud-type and cs-type halves, CKM 0.95 : 0.05. Returns [up-type, down-type]. */
function wHadronic(sign: number, rng: FastRng): [number, number] {
  const cabibbo = rng.uniform() < 0.05;
  const up = rng.uniform() < 0.5 ? 2 : 4;
  const down = up === 2 ? (cabibbo ? 3 : 1) : cabibbo ? 1 : 3;
  return sign > 0 ? [up, -down] : [-up, down];
}

/** cos θ* of V → q q̄ in V + jet: (1 − f_L)(3/8)(1 + c²) + f_L(3/4)(1 − c²), f_L = 0.2. */
function vDecayCos(rng: FastRng): number {
  for (;;) {
    const c = 2 * rng.uniform() - 1;
    const f = 0.8 * 0.375 * (1 + c * c) + 0.2 * 0.75 * (1 - c * c);
    if (rng.uniform() * 0.6 <= f) return c;
  }
}

/** cos θ* of the down-type member in W → f f̄′ from a top: F₀ = 0.69, F_L = 0.31, F_R = 0. */
function topWCos(rng: FastRng): number {
  for (;;) {
    const c = 2 * rng.uniform() - 1;
    const f = 0.69 * 0.75 * (1 - c * c) + 0.31 * 0.375 * (1 - c) * (1 - c);
    if (rng.uniform() <= f) return c;
  }
}
