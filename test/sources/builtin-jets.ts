/**
 * Test-only jet tools for the built-in generator's physics checks: a small generalised-kt clustering with its
 * merge tree, soft drop (β = 0) and N-subjettiness with exclusive-kt axes. Private to the tests (core/jets is the
 * product's implementation); kept simple and exact rather than fast.
 */
import type { EventBatch } from '../../core/physics/events';

export interface PseudoJets {
  px: number[];
  py: number[];
  pz: number[];
  e: number[];
}

interface Node {
  px: number;
  py: number;
  pz: number;
  e: number;
  y: number;
  phi: number;
  pt2: number;
  /** children node ids, or −1 for a leaf */
  c1: number;
  c2: number;
  /** input index for a leaf */
  leaf: number;
}

function mk(px: number, py: number, pz: number, e: number, c1: number, c2: number, leaf: number): Node {
  const pt2 = px * px + py * py;
  const E = Math.max(e, Math.abs(pz) + 1e-12);
  const y = 0.5 * Math.log((E + pz) / (E - pz));
  return { px, py, pz, e, y, phi: Math.atan2(py, px), pt2, c1, c2, leaf };
}

function dphi(a: number, b: number): number {
  let d = Math.abs(a - b);
  if (d > Math.PI) d = 2 * Math.PI - d;
  return d;
}

export function dr2(a: { y: number; phi: number }, b: { y: number; phi: number }): number {
  const dy = a.y - b.y;
  const dp = dphi(a.phi, b.phi);
  return dy * dy + dp * dp;
}

export interface Clustered {
  nodes: Node[];
  /** inclusive jets (node ids), sorted by decreasing p_T */
  jets: number[];
}

/** Generalised-kt clustering (p = −1 anti-kt, 0 C/A, 1 kt), E-scheme, inclusive jets, plain O(N²)–O(N³). */
export function cluster(inp: PseudoJets, R: number, p: number, nExclusive = 0): Clustered {
  const nodes: Node[] = [];
  const active: number[] = [];
  for (let i = 0; i < inp.px.length; i++) {
    nodes.push(mk(inp.px[i], inp.py[i], inp.pz[i], inp.e[i], -1, -1, i));
    active.push(i);
  }
  const jets: number[] = [];
  const R2 = R * R;
  const kt = (n: Node): number => (p === 0 ? 1 : Math.pow(n.pt2, p));
  // nearest-neighbour cache
  const nnDist = new Map<number, number>();
  const nnOf = new Map<number, number>();
  const updateNN = (a: number): void => {
    let best = R2, bj = -1;
    for (const b of active) {
      if (b === a) continue;
      const d = dr2(nodes[a], nodes[b]);
      if (d < best) {
        best = d;
        bj = b;
      }
    }
    nnDist.set(a, best);
    nnOf.set(a, bj);
  };
  for (const a of active) updateNN(a);
  while (active.length > nExclusive) {
    let dmin = Infinity, ai = -1;
    for (const a of active) {
      const b = nnOf.get(a) as number;
      const d = (nExclusive > 0 ? nnDist.get(a)! : nnDist.get(a)!) * (b >= 0 ? Math.min(kt(nodes[a]), kt(nodes[b])) : kt(nodes[a])) / (nExclusive > 0 ? 1 : R2);
      const dd = nExclusive > 0 && b < 0 ? Infinity : d;
      if (dd < dmin) {
        dmin = dd;
        ai = a;
      }
    }
    if (ai < 0) break;
    const bj = nnOf.get(ai) as number;
    active.splice(active.indexOf(ai), 1);
    if (bj < 0) {
      jets.push(ai);
    } else {
      active.splice(active.indexOf(bj), 1);
      const A = nodes[ai], B = nodes[bj];
      const id = nodes.length;
      nodes.push(mk(A.px + B.px, A.py + B.py, A.pz + B.pz, A.e + B.e, ai, bj, -1));
      active.push(id);
      updateNN(id);
    }
    for (const a of active) {
      const b = nnOf.get(a);
      if (b === ai || b === bj) updateNN(a);
      else if (a !== nodes.length - 1 && bj >= 0) {
        const d = dr2(nodes[a], nodes[nodes.length - 1]);
        if (d < nnDist.get(a)!) {
          nnDist.set(a, d);
          nnOf.set(a, nodes.length - 1);
        }
      }
    }
  }
  if (nExclusive > 0) jets.push(...active);
  jets.sort((a, b) => nodes[b].pt2 - nodes[a].pt2);
  return { nodes, jets };
}

export function leaves(c: Clustered, id: number, out: number[] = []): number[] {
  const n = c.nodes[id];
  if (n.c1 < 0) out.push(n.leaf);
  else {
    leaves(c, n.c1, out);
    leaves(c, n.c2, out);
  }
  return out;
}

export function mass(n: { px: number; py: number; pz: number; e: number }): number {
  return Math.sqrt(Math.max(n.e * n.e - n.px * n.px - n.py * n.py - n.pz * n.pz, 0));
}

function subset(inp: PseudoJets, idx: number[]): PseudoJets {
  return { px: idx.map((i) => inp.px[i]), py: idx.map((i) => inp.py[i]), pz: idx.map((i) => inp.pz[i]), e: idx.map((i) => inp.e[i]) };
}

/** Soft-drop mass (β = 0, z_cut) of a jet's constituents, after C/A reclustering. */
export function softDropMass(cons: PseudoJets, zcut: number): number {
  const ca = cluster(cons, 10, 0);
  let id = ca.jets[0];
  for (;;) {
    const n = ca.nodes[id];
    if (n.c1 < 0) break;
    const a = ca.nodes[n.c1], b = ca.nodes[n.c2];
    const pa = Math.sqrt(a.pt2), pb = Math.sqrt(b.pt2);
    if (Math.min(pa, pb) / (pa + pb) > zcut) break;
    id = pa > pb ? n.c1 : n.c2;
  }
  return mass(ca.nodes[id]);
}

/** τ_N with exclusive-kt axes (β = 1, normalised by Σp_T·R0). */
export function tauN(cons: PseudoJets, N: number, R0: number): number {
  if (cons.px.length <= N) return 0;
  const kt = cluster(cons, 10, 1, N);
  const axes = kt.jets.map((j) => kt.nodes[j]);
  let num = 0, den = 0;
  for (let i = 0; i < cons.px.length; i++) {
    const n = mk(cons.px[i], cons.py[i], cons.pz[i], cons.e[i], -1, -1, i);
    const pt = Math.sqrt(n.pt2);
    let dmin = Infinity;
    for (const a of axes) dmin = Math.min(dmin, dr2(n, a));
    num += pt * Math.sqrt(dmin);
    den += pt;
  }
  return num / (den * R0);
}

export interface FatJetInfo {
  pt: number;
  eta: number;
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

/** Leading anti-kt jet of radius R with its substructure, for every event of a batch. */
export function leadingFatJets(batch: EventBatch, R: number, zcut = 0.1): FatJetInfo[] {
  const res: FatJetInfo[] = [];
  for (let ev = 0; ev < batch.size; ev++) {
    const inp = eflowInputs(batch, ev);
    const cl = cluster(inp, R, -1);
    if (cl.jets.length === 0) continue;
    const j = cl.nodes[cl.jets[0]];
    const cons = subset(inp, leaves(cl, cl.jets[0]));
    const pt = Math.sqrt(j.pt2);
    res.push({
      pt,
      eta: Math.asinh(j.pz / pt),
      y: j.y,
      phi: j.phi,
      mass: mass(j),
      sdMass: softDropMass(cons, zcut),
      tau1: tauN(cons, 1, R),
      tau2: tauN(cons, 2, R),
      tau3: tauN(cons, 3, R),
      nConst: cons.px.length,
      dr01: cl.jets.length > 1 ? Math.sqrt(dr2(j, cl.nodes[cl.jets[1]])) : NaN,
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
