/**
 * Test helpers for the built-in generator's physics checks: leading fat jets with soft drop (β = 0) and
 * N-subjettiness (exclusive-kt axes, β = 1), built on core/jets' clustering. Soft drop and τ_N are written here
 * for the checks only (core/jets' own substructure may differ in details such as the τ_N axes).
 */
import type { EventBatch } from '../../core/physics/events';
import { type ClusterSequence, cluster } from '../../core/jets/cluster';

export interface PseudoJets {
  px: number[];
  py: number[];
  pz: number[];
  e: number[];
}

function dphi(a: number, b: number): number {
  let d = Math.abs(a - b);
  if (d > Math.PI) d = 2 * Math.PI - d;
  return d;
}

function dr2(cs: ClusterSequence, a: number, b: number): number {
  const dy = cs.rap[a] - cs.rap[b];
  const dp = dphi(cs.phi[a], cs.phi[b]);
  return dy * dy + dp * dp;
}

function subset(inp: PseudoJets, idx: ArrayLike<number>): PseudoJets {
  const out: PseudoJets = { px: [], py: [], pz: [], e: [] };
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k];
    out.px.push(inp.px[i]);
    out.py.push(inp.py[i]);
    out.pz.push(inp.pz[i]);
    out.e.push(inp.e[i]);
  }
  return out;
}

/** Soft-drop mass (β = 0, z_cut) of a jet's constituents, after Cambridge/Aachen reclustering (GeV). */
export function softDropMass(cons: PseudoJets, zcut: number): number {
  const ca = cluster(cons.px, cons.py, cons.pz, cons.e, { algorithm: 'cambridge', r: 10 });
  let k = ca.inclusiveJets()[0];
  for (;;) {
    const par = ca.parents(k);
    if (!par) break;
    const pa = ca.pt(par[0]), pb = ca.pt(par[1]);
    if (pb / (pa + pb) > zcut) break;
    k = par[0];
  }
  return Math.max(ca.m(k), 0);
}

/** τ_N with exclusive-kt axes (β = 1), normalised by Σp_T·R0. */
export function tauN(cons: PseudoJets, N: number, R0: number): number {
  const n = cons.px.length;
  if (n <= N) return 0;
  const kt = cluster(cons.px, cons.py, cons.pz, cons.e, { algorithm: 'kt', r: 10 });
  const axes = kt.exclusiveJetsUpTo(N);
  let num = 0, den = 0;
  for (let i = 0; i < n; i++) {
    let dmin = Infinity;
    for (const a of axes) dmin = Math.min(dmin, dr2(kt, i, a));
    const pt = kt.pt(i);
    num += pt * Math.sqrt(dmin);
    den += pt;
  }
  return num / (den * R0);
}

export interface FatJetInfo {
  pt: number;
  y: number;
  phi: number;
  mass: number;
  sdMass: number;
  tau1: number;
  tau2: number;
  tau3: number;
  nConst: number;
  /** ΔR(jet0, jet1) in y–φ (NaN if one jet). */
  dr01: number;
}

/** Jet inputs of event `ev`: eflowtrack + eflowphoton + eflowneutralhadron. */
export function eflowInputs(batch: EventBatch, ev: number, ptMin = 0): PseudoJets {
  const out: PseudoJets = { px: [], py: [], pz: [], e: [] };
  for (const name of ['eflowtrack', 'eflowphoton', 'eflowneutralhadron']) {
    const c = batch.collections.get(name)!;
    for (let r = c.offsets[ev]; r < c.offsets[ev + 1]; r++) {
      if (Math.hypot(c.px[r], c.py[r]) < ptMin) continue;
      out.px.push(c.px[r]);
      out.py.push(c.py[r]);
      out.pz.push(c.pz[r]);
      out.e.push(c.e[r]);
    }
  }
  return out;
}

/**
 * The fat jet (anti-kt, radius R, p_T > 20 GeV) of each event with its substructure: the leading jet, or, with
 * `matchPdg`, the leading jet within ΔR < 0.6 of the first truth resonance of that |PDG id| (status 22 in the
 * `parton` collection): in V/H + jet the recoil parton is an equally hard jet, so "leading" would be the recoil
 * jet half of the time. ΔR(jet0, jet1) is between the two leading R = 0.4 jets.
 */
export function leadingFatJets(batch: EventBatch, R: number, zcut = 0.1, matchPdg?: number): FatJetInfo[] {
  const res: FatJetInfo[] = [];
  const part = batch.collections.get('parton');
  for (let ev = 0; ev < batch.size; ev++) {
    const inp = eflowInputs(batch, ev);
    const cs = cluster(inp.px, inp.py, inp.pz, inp.e, { algorithm: 'antikt', r: R });
    const jets = cs.inclusiveJets(20);
    let j = jets.length > 0 ? jets[0] : -1;
    if (matchPdg !== undefined && part) {
      j = -1;
      for (let r = part.offsets[ev]; r < part.offsets[ev + 1]; r++) {
        if (part.fields.status[r] !== 22 || Math.abs(part.fields.pdg_id[r]) !== matchPdg) continue;
        const pt = Math.hypot(part.px[r], part.py[r]);
        const y = 0.5 * Math.log((part.e[r] + part.pz[r]) / (part.e[r] - part.pz[r]));
        let ph = Math.atan2(part.py[r], part.px[r]);
        if (ph < 0) ph += 2 * Math.PI;
        for (const k of jets) {
          if (pt > 0 && (cs.rap[k] - y) ** 2 + dphi(cs.phi[k], ph) ** 2 < 0.36) {
            j = k;
            break;
          }
        }
        break;
      }
    }
    if (j < 0) continue;
    const cons = subset(inp, cs.constituents(j));
    const s4 = cluster(inp.px, inp.py, inp.pz, inp.e, { algorithm: 'antikt', r: 0.4 });
    const small = s4.inclusiveJets(20);
    res.push({
      pt: cs.pt(j),
      y: cs.rap[j],
      phi: cs.phi[j],
      mass: Math.max(cs.m(j), 0),
      sdMass: softDropMass(cons, zcut),
      tau1: tauN(cons, 1, R),
      tau2: tauN(cons, 2, R),
      tau3: tauN(cons, 3, R),
      nConst: cons.px.length,
      dr01: small.length > 1 ? Math.sqrt(dr2(s4, small[0], small[1])) : NaN,
    });
  }
  return res;
}

/**
 * Peak of a mass distribution (PHYSICS.md §6): the mode of a smoothed histogram, then a Gaussian core fitted as
 * the truncated mean and rms within ±1.5σ of the mode (σ iterated, the centre kept at the mode's neighbourhood).
 */
export function peak(values: number[], lo: number, hi: number, bins: number): { mode: number; core: number; width: number } {
  const h = new Float64Array(bins);
  const w = (hi - lo) / bins;
  for (const v of values) {
    const b = Math.floor((v - lo) / w);
    if (b >= 0 && b < bins) h[b]++;
  }
  let best = 0, bi = 0;
  for (let b = 0; b < bins; b++) {
    let s = 0;
    for (let k = -2; k <= 2; k++) if (b + k >= 0 && b + k < bins) s += h[b + k] * (3 - Math.abs(k));
    if (s > best) {
      best = s;
      bi = b;
    }
  }
  const mode = lo + (bi + 0.5) * w;
  let sd = 0.1 * Math.max(mode, 10);
  let mean = mode;
  for (let it = 0; it < 20; it++) {
    const sel = values.filter((v) => Math.abs(v - mode) < 1.5 * sd);
    if (sel.length < 10) break;
    mean = sel.reduce((a, b) => a + b, 0) / sel.length;
    const v = sel.reduce((a, b) => a + (b - mean) * (b - mean), 0) / sel.length;
    // a Gaussian truncated at ±1.5σ has rms 0.738σ
    sd = Math.sqrt(v) / 0.738;
  }
  return { mode, core: mean, width: sd };
}

/** AUC of score (higher = signal) for signal vs background arrays. */
export function auc(sig: number[], bkg: number[]): number {
  const all = [...sig.map((s) => [s, 1]), ...bkg.map((b) => [b, 0])].sort((a, b) => a[0] - b[0]);
  let rankSum = 0;
  let i = 0;
  while (i < all.length) {
    let j = i;
    while (j + 1 < all.length && all[j + 1][0] === all[i][0]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (all[k][1] === 1) rankSum += r;
    i = j + 1;
  }
  return (rankSum - (sig.length * (sig.length + 1)) / 2) / (sig.length * bkg.length);
}
