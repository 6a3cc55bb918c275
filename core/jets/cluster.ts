/**
 * Sequential-recombination jet clustering (the generalised-kt family) that reproduces FastJet 3.4 exactly.
 *
 * Distances (FastJet conventions, y = rapidity, φ in [0, 2π) internally):
 *   d_ij = min(kt_i^{2p}, kt_j^{2p}) · ΔR_ij² / R²,   d_iB = kt_i^{2p},
 *   ΔR_ij² = (y_i − y_j)² + Δφ_ij²  with Δφ wrapped into [0, π].
 * p = 1 (kt), 0 (Cambridge/Aachen), −1 (anti-kt), any p for genkt. Recombination: E-scheme (four-vector sum).
 * A pair exactly at ΔR = R is not merged (strict "<", as FastJet).
 *
 * Why it mirrors FastJet's internals: when two distances are exactly equal (symmetric configurations, repeated
 * particles, lattice-like inputs) the jets depend on the order in which candidates are visited. FastJet picks
 * one of several strategies by multiplicity (ClusterSequence::_best_strategy) and each visits candidates in its
 * own order. We pick the same strategy by the same rule and implement each one with the same visiting order
 * (same nearest-neighbour scan order, same tile layout and linked-list insertion at the head, same slot reuse,
 * same min-heap tie rule), so ties resolve identically. The code is our own, on typed arrays (structure of
 * arrays, no object per particle), with a workspace reused between events.
 *
 * Strategies (cost): N2Plain (N², small N), N2Tiled (tiles of size R, linear scan for the minimum),
 * N2MinHeapTiled (tiles + min-heap), N2MHTLazy9 / N2MHTLazy25 (tiles of size R or R/2 with per-tile maximum
 * nearest-neighbour distance so that far tiles are skipped): roughly N^1.5 or better for realistic events.
 */
import { HmlError } from '../util/errors';

// local copy: an imported binding is a getter call under tsx's module interop, too slow for the inner loops
const TWO_PI = 2 * Math.PI;

export type JetAlgorithm = 'antikt' | 'kt' | 'cambridge' | 'genkt';
export type Strategy = 'N2Plain' | 'N2Tiled' | 'N2MinHeapTiled' | 'N2MHTLazy9' | 'N2MHTLazy25';

export interface JetDefinition {
  algorithm: JetAlgorithm;
  /** Jet radius R (dimensionless, in y–φ). */
  r: number;
  /** Exponent p of genkt (kt^{2p}); ignored for the named algorithms. */
  p?: number;
  /** Force a strategy (testing); default: FastJet's choice by multiplicity and R. */
  strategy?: Strategy;
  /**
   * Recombination scheme: `E` (four-vector sum, default) or `WTA_pt` (winner-take-all: pT1 + pT2 along the
   * harder one's rapidity, φ and mass; used for N-subjettiness axes).
   */
  recombination?: 'E' | 'WTA_pt';
}

/** History codes, FastJet's values. */
export const INVALID = -3;
export const INEXISTENT_PARENT = -2;
export const BEAM_JET = -1;

const PI = Math.PI;
const DBL_MAX = Number.MAX_VALUE;
const MAX_RAP = 1e5;
const TILE_EDGE_SECURITY_MARGIN = 1e-7;

/** The exponent p of the generalised-kt measure for a definition. */
export function algorithmPower(def: JetDefinition): number {
  switch (def.algorithm) {
    case 'kt':
      return 1;
    case 'cambridge':
      return 0;
    case 'antikt':
      return -1;
    case 'genkt':
      if (def.p === undefined || !Number.isFinite(def.p)) throw new HmlError('jets.genkt-needs-p', 'genkt needs a finite exponent p (kt^{2p}); add `p:` to the jet definition');
      return def.p;
  }
}

/** FastJet's automatic strategy choice (ClusterSequence::_best_strategy, FastJet 3.4, built without CGAL). */
export function bestStrategy(def: JetDefinition, n: number): Strategy {
  const R = def.r;
  const bR = Math.max(R, 0.1);
  if (n <= 30 || n <= 39.0 / (bR + 0.6)) return 'N2Plain';
  const parabola = (a: number, b: number, c: number, x: number): number => c * (a * x * x + b * x + 1);
  const p = algorithmPower(def);
  // timing studies exist only for kt, cam, antikt; genkt maps to antikt (p < 0) or kt
  const alg = def.algorithm === 'genkt' ? (p < 0 ? 'antikt' : 'kt') : def.algorithm;
  const logN = Math.log(n);
  const l9to25 = alg === 'antikt' ? parabola(0.169967, -0.512589, 12.1572, bR) : parabola(0.16237, -0.484612, 12.3373, bR);
  // NlnN / NlnNCam need CGAL or are not reached below ~10^6 particles; without CGAL FastJet uses N2MHTLazy25.
  if (bR < 0.65) {
    if (n < parabola(-45.4947, 54.3528, 44.6283, bR)) return 'N2Tiled';
    if (logN < parabola(0.677807, -1.05006, 10.6994, bR)) return 'N2MinHeapTiled';
    if (logN < l9to25) return 'N2MHTLazy9';
    return 'N2MHTLazy25';
  } else if (bR < 0.5 * PI) {
    if (logN < -1.31304 * bR + 7.29621) return 'N2Tiled';
    if (logN < l9to25) return 'N2MHTLazy9';
    return 'N2MHTLazy25';
  }
  if (n < 75) return 'N2Plain';
  const lim = alg === 'antikt' ? 700 : 1000;
  return n < lim ? 'N2MHTLazy9' : 'N2MHTLazy25';
}

/**
 * The clustering history of one event, FastJet's layout: pseudojets 0..n−1 are the inputs, later ones are
 * merged; history entries 0..n−1 are the inputs, entry k ≥ n is step k with parents, dij and the running
 * maximum of dij. All momenta in GeV.
 */
export class ClusterSequence {
  readonly n: number;
  readonly r: number;
  readonly power: number;
  readonly algorithm: JetAlgorithm;
  private readonly algCode: number;
  private readonly wta: boolean;
  strategy: Strategy = 'N2Plain';
  readonly px: Float64Array;
  readonly py: Float64Array;
  readonly pz: Float64Array;
  readonly e: Float64Array;
  readonly kt2: Float64Array;
  readonly rap: Float64Array;
  /** φ in [0, 2π) (FastJet convention). */
  readonly phi: Float64Array;
  readonly jetHist: Int32Array;
  nJets = 0;
  readonly parent1: Int32Array;
  readonly parent2: Int32Array;
  readonly child: Int32Array;
  readonly histJet: Int32Array;
  readonly dij: Float64Array;
  readonly maxDij: Float64Array;
  nHist = 0;

  constructor(n: number, def: JetDefinition) {
    this.n = n;
    this.r = def.r;
    this.algorithm = def.algorithm;
    this.power = algorithmPower(def);
    this.wta = def.recombination === 'WTA_pt';
    this.algCode = def.algorithm === 'kt' ? 0 : def.algorithm === 'cambridge' ? 1 : def.algorithm === 'antikt' ? 2 : 3;
    const m = Math.max(2 * n, 1);
    // two allocations per event instead of fourteen
    const f = new Float64Array(9 * m), i = new Int32Array(5 * m);
    this.px = f.subarray(0, m);
    this.py = f.subarray(m, 2 * m);
    this.pz = f.subarray(2 * m, 3 * m);
    this.e = f.subarray(3 * m, 4 * m);
    this.kt2 = f.subarray(4 * m, 5 * m);
    this.rap = f.subarray(5 * m, 6 * m);
    this.phi = f.subarray(6 * m, 7 * m);
    this.dij = f.subarray(7 * m, 8 * m);
    this.maxDij = f.subarray(8 * m, 9 * m);
    this.jetHist = i.subarray(0, m);
    this.parent1 = i.subarray(m, 2 * m);
    this.parent2 = i.subarray(2 * m, 3 * m);
    this.child = i.subarray(3 * m, 4 * m);
    this.histJet = i.subarray(4 * m, 5 * m);
  }

  /** Sets kt², rapidity and φ ∈ [0, 2π) of pseudojet k from its momentum, with FastJet's formulas. */
  finishJet(k: number): void {
    const x = this.px[k], y = this.py[k], z = this.pz[k], t = this.e[k];
    const kt2 = x * x + y * y;
    this.kt2[k] = kt2;
    let f = kt2 === 0 ? 0 : Math.atan2(y, x);
    if (f < 0) f += TWO_PI;
    if (f >= TWO_PI) f -= TWO_PI;
    this.phi[k] = f;
    if (t === Math.abs(z) && kt2 === 0) {
      const mr = MAX_RAP + Math.abs(z);
      this.rap[k] = z >= 0 ? mr : -mr;
    } else {
      const m2 = Math.max(0, (t + z) * (t - z) - kt2);
      const epz = t + Math.abs(z);
      const r = 0.5 * Math.log((kt2 + m2) / (epz * epz));
      this.rap[k] = z > 0 ? -r : r;
    }
  }

  /** The algorithm's momentum scale kt^{2p} for pseudojet k (FastJet's jet_scale_for_algorithm). */
  scale(k: number): number {
    const kt2 = this.kt2[k];
    const p = this.power;
    switch (this.algCode) {
      case 0:
        return kt2;
      case 1:
        return 1;
      case 2:
        return kt2 > 1e-300 ? 1 / kt2 : 1e300;
    }
    const k2 = p <= 0 && kt2 < 1e-300 ? 1e-300 : kt2;
    return Math.pow(k2, p);
  }

  /** Records the merging of pseudojets i and j (E-scheme); returns the new pseudojet's index. */
  recombine(i: number, j: number, dij: number): number {
    const k = this.nJets++;
    if (this.wta) this.winnerTakesAll(i, j, k);
    else {
      this.px[k] = this.px[i] + this.px[j];
      this.py[k] = this.py[i] + this.py[j];
      this.pz[k] = this.pz[i] + this.pz[j];
      this.e[k] = this.e[i] + this.e[j];
      this.finishJet(k);
    }
    const step = this.nHist;
    this.jetHist[k] = step;
    const hi = this.jetHist[i], hj = this.jetHist[j];
    this.addStep(hi < hj ? hi : hj, hi < hj ? hj : hi, k, dij);
    return k;
  }

  /** Pseudojet k = pT_i + pT_j along the harder of i, j (its y, φ and mass kept exactly). */
  private winnerTakesAll(i: number, j: number, k: number): void {
    const h = this.kt2[i] >= this.kt2[j] ? i : j;
    const pt = Math.sqrt(this.kt2[i]) + Math.sqrt(this.kt2[j]);
    const m = Math.max(0, this.m(h));
    const mt = Math.sqrt(pt * pt + m * m), y = this.rap[h], f = this.phi[h];
    this.px[k] = pt * Math.cos(f);
    this.py[k] = pt * Math.sin(f);
    this.pz[k] = mt * Math.sinh(y);
    this.e[k] = mt * Math.cosh(y);
    this.kt2[k] = pt * pt;
    this.rap[k] = y;
    this.phi[k] = f;
  }

  /** Records the merging of pseudojet i with the beam (it becomes an inclusive jet). */
  beam(i: number, diB: number): void {
    this.addStep(this.jetHist[i], BEAM_JET, INVALID, diB);
  }

  private addStep(p1: number, p2: number, jet: number, d: number): void {
    const s = this.nHist++;
    this.parent1[s] = p1;
    this.parent2[s] = p2;
    this.child[s] = INVALID;
    this.histJet[s] = jet;
    this.dij[s] = d;
    const prev = this.maxDij[s - 1];
    this.maxDij[s] = d > prev ? d : prev;
    this.child[p1] = s;
    if (p2 >= 0) this.child[p2] = s;
  }

  /** Transverse momentum of pseudojet k in GeV. */
  pt(k: number): number {
    return Math.sqrt(this.kt2[k]);
  }

  /** Mass of pseudojet k in GeV (−√(−m²) if space-like). */
  m(k: number): number {
    const t = this.e[k], z = this.pz[k];
    const mm = (t + z) * (t - z) - this.kt2[k];
    return mm < 0 ? -Math.sqrt(-mm) : Math.sqrt(mm);
  }

  /**
   * Inclusive jets with pT ≥ ptmin (GeV), as pseudojet indices sorted by decreasing pT (FastJet's
   * inclusive_jets + sorted_by_pt; equal pT keep FastJet's pre-sort order).
   */
  inclusiveJets(ptmin = 0): Int32Array {
    const dcut = ptmin * ptmin;
    const out: number[] = [];
    if (this.algorithm === 'kt') {
      for (let i = this.nHist - 1; i >= 0; i--) {
        if (this.maxDij[i] < dcut) break;
        if (this.parent2[i] === BEAM_JET && this.dij[i] >= dcut) out.push(this.histJet[this.parent1[i]]);
      }
    } else if (this.algorithm === 'cambridge') {
      for (let i = this.nHist - 1; i >= 0; i--) {
        if (this.parent2[i] !== BEAM_JET) break;
        const j = this.histJet[this.parent1[i]];
        if (this.kt2[j] >= dcut) out.push(j);
      }
    } else {
      for (let i = this.nHist - 1; i >= 0; i--) {
        if (this.parent2[i] === BEAM_JET) {
          const j = this.histJet[this.parent1[i]];
          if (this.kt2[j] >= dcut) out.push(j);
        }
      }
    }
    return this.sortByPt(out);
  }

  /**
   * Sorts pseudojet indices by decreasing pT exactly as FastJet's sorted_by_pt does with libstdc++'s std::sort
   * (introsort), so that jets of bitwise-equal pT come out in the same order as FastJet's.
   */
  sortByPt(idx: number[]): Int32Array {
    const a = Int32Array.from(idx);
    const kt2 = this.kt2;
    introsort(a, (x, y) => -kt2[x] < -kt2[y]);
    return a;
  }

  /** Number of exclusive jets at resolution dcut (GeV² for kt: clustering stops before the first dij > dcut). */
  nExclusiveJets(dcut: number): number {
    let i = this.nHist - 1;
    while (i >= 0) {
      if (this.maxDij[i] <= dcut) break;
      i--;
    }
    return 2 * this.n - (i + 1);
  }

  /** Exclusive jets at resolution dcut, as pseudojet indices in FastJet's order (not sorted). */
  exclusiveJetsDcut(dcut: number): Int32Array {
    return this.exclusiveJetsUpTo(this.nExclusiveJets(dcut));
  }

  /** The event clustered to exactly `njets` jets (or all particles if fewer), FastJet's order (not sorted). */
  exclusiveJetsUpTo(njets: number): Int32Array {
    const n = this.n;
    let stop = 2 * n - njets;
    if (stop < n) stop = n;
    const out: number[] = [];
    for (let i = stop; i < this.nHist; i++) {
      const p1 = this.parent1[i];
      if (p1 < stop) out.push(this.histJet[p1]);
      const p2 = this.parent2[i];
      if (p2 < stop && p2 > 0) out.push(this.histJet[p2]);
    }
    return Int32Array.from(out);
  }

  /** Input particle indices (0..n−1) making up pseudojet k, in FastJet's constituents() order. */
  constituents(k: number): Int32Array {
    const out: number[] = [];
    const stack = [this.jetHist[k]];
    while (stack.length > 0) {
      const h = stack.pop() as number;
      const p1 = this.parent1[h];
      if (p1 === INEXISTENT_PARENT) {
        out.push(this.histJet[h]);
        continue;
      }
      const p2 = this.parent2[h];
      if (p2 !== BEAM_JET) stack.push(p2);
      stack.push(p1);
    }
    return Int32Array.from(out);
  }

  /**
   * Exclusive subjets of pseudojet k: undo the last clusterings inside it until `nsub` pieces (or all its
   * particles) remain, or (when dcut ≥ 0) until all remaining pieces have max dij ≤ dcut. FastJet's
   * get_subhist_set; result in increasing history order.
   */
  exclusiveSubjets(k: number, nsub: number, dcut = -1): Int32Array {
    if (nsub === 0) return new Int32Array(0);
    const set = this.subhist(k, nsub, dcut);
    const out = new Int32Array(set.length);
    for (let i = 0; i < set.length; i++) out[i] = this.histJet[set[i]];
    return out;
  }

  /** dij of the merging that took pseudojet k from nsub+1 to nsub subjets (0 if it has ≤ nsub particles). */
  exclusiveSubdmerge(k: number, nsub: number): number {
    const set = this.subhist(k, nsub, -1);
    return this.dij[set[set.length - 1]];
  }

  /** History entries of the subjets of k (ascending), FastJet's get_subhist_set. */
  private subhist(k: number, nsub: number, dcut: number): number[] {
    const set = [this.jetHist[k]];
    let njet = 1;
    for (;;) {
      const h = set[set.length - 1];
      if (njet === nsub) break;
      const p1 = this.parent1[h];
      if (p1 < 0) break;
      if (this.maxDij[h] <= dcut) break;
      set.pop();
      insertSorted(set, p1);
      insertSorted(set, this.parent2[h]);
      njet++;
    }
    return set;
  }

  /** Parents of pseudojet k as [harder, softer] by pT (FastJet's has_parents), or null for an input particle. */
  parents(k: number): [number, number] | null {
    const h = this.jetHist[k];
    const p1 = this.parent1[h];
    if (p1 < 0) return null;
    const a = this.histJet[p1], b = this.histJet[this.parent2[h]];
    return this.kt2[a] < this.kt2[b] ? [b, a] : [a, b];
  }
}

/**
 * libstdc++'s std::sort (introsort: median-of-three quicksort down to 16 elements, then one insertion sort),
 * reproduced so that equal keys end up in the same order as in FastJet's C++. `less` is the strict comparison.
 */
export function introsort(a: Int32Array, less: (x: number, y: number) => boolean): void {
  const n = a.length;
  if (n < 2) return;
  const swap = (i: number, j: number): void => {
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  };
  const loop = (first: number, last: number, depth: number): void => {
    while (last - first > 16) {
      if (depth === 0) {
        // libstdc++ falls back to heapsort here; not reached for jet lists (depth 2·log2 n), sort plainly
        const part = Array.from(a.subarray(first, last)).sort((x, y) => (less(x, y) ? -1 : less(y, x) ? 1 : 0));
        a.set(part, first);
        return;
      }
      depth--;
      const mid = first + ((last - first) >> 1);
      // move median of (first+1, mid, last-1) to first
      const A = first + 1, B = mid, C = last - 1;
      if (less(a[A], a[B])) {
        if (less(a[B], a[C])) swap(first, B);
        else if (less(a[A], a[C])) swap(first, C);
        else swap(first, A);
      } else if (less(a[A], a[C])) swap(first, A);
      else if (less(a[B], a[C])) swap(first, C);
      else swap(first, B);
      // unguarded partition around a[first]
      let lo = first + 1, hi = last;
      const pivot = a[first];
      for (;;) {
        while (less(a[lo], pivot)) lo++;
        hi--;
        while (less(pivot, a[hi])) hi--;
        if (!(lo < hi)) break;
        swap(lo, hi);
        lo++;
      }
      loop(lo, last, depth);
      last = lo;
    }
  };
  loop(0, n, 2 * Math.floor(Math.log2(n)));
  const linearInsert = (i: number): void => {
    const v = a[i];
    let j = i - 1;
    while (less(v, a[j])) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  };
  const insertion = (first: number, last: number): void => {
    for (let i = first + 1; i < last; i++) {
      if (less(a[i], a[first])) {
        const v = a[i];
        a.copyWithin(first + 1, first, i);
        a[first] = v;
      } else linearInsert(i);
    }
  };
  if (n > 16) {
    insertion(0, 16);
    for (let i = 16; i < n; i++) linearInsert(i);
  } else insertion(0, n);
}

function insertSorted(a: number[], v: number): void {
  let i = a.length;
  a.push(v);
  while (i > 0 && a[i - 1] > v) {
    a[i] = a[i - 1];
    i--;
  }
  a[i] = v;
}

// ---------------------------------------------------------------------------------------------------------------
// Workspace: "brief jets" as structure of arrays, reused between events (grown when needed).

class Workspace {
  cap = 0;
  eta!: Float64Array;
  phi!: Float64Array;
  kt2!: Float64Array;
  nnd!: Float64Array;
  nn!: Int32Array;
  jet!: Int32Array;
  prev!: Int32Array;
  next!: Int32Array;
  tile!: Int32Array;
  flag!: Int32Array;
  diJ!: Float64Array;
  diJjet!: Int32Array;
  stack!: Int32Array;
  heapVal!: Float64Array;
  heapMin!: Int32Array;
  heapSize = 0;
  // tiles
  tileCap = 0;
  tileHead!: Int32Array;
  tileTag!: Uint8Array;
  tileNb!: Int32Array;
  tileNbEnd!: Int32Array;
  tileRH!: Int32Array;
  tileMaxNN!: Float64Array;
  tileEtaC!: Float64Array;
  tilePhiC!: Float64Array;
  union = new Int32Array(75);
  oldEta = 0;
  oldPhi = 0;
  oldTile = 0;
  stepA = 0;
  stepB = 0;
  /** Shape of the grid whose neighbour lists tileNb holds (rows, φ tiles, 1 = 3×3 or 2 = 5×5). */
  layoutRows = -1;
  layoutPhi = -1;
  layoutK = -1;
  /** Running result of scanList: best distance and neighbour. */
  scanBest = 0;
  scanJ = -1;
  counts = new Float64Array(40);

  constructor() {
    this.ensure(64);
    this.ensureTiles(64);
  }


  ensure(n: number): void {
    if (n <= this.cap) return;
    const c = Math.max(n, 2 * this.cap, 64);
    this.cap = c;
    this.eta = new Float64Array(c);
    this.phi = new Float64Array(c);
    this.kt2 = new Float64Array(c);
    this.nnd = new Float64Array(c);
    this.nn = new Int32Array(c);
    this.jet = new Int32Array(c);
    this.prev = new Int32Array(c);
    this.next = new Int32Array(c);
    this.tile = new Int32Array(c);
    this.flag = new Int32Array(c);
    this.diJ = new Float64Array(c);
    this.diJjet = new Int32Array(c);
    this.stack = new Int32Array(c + 8);
    this.heapVal = new Float64Array(c);
    this.heapMin = new Int32Array(c);
  }

  ensureTiles(nt: number): void {
    if (nt <= this.tileCap) return;
    this.layoutRows = -1;
    const c = Math.max(nt, 2 * this.tileCap, 64);
    this.tileCap = c;
    this.tileHead = new Int32Array(c);
    this.tileTag = new Uint8Array(c);
    this.tileNb = new Int32Array(c * 25);
    this.tileNbEnd = new Int32Array(c);
    this.tileRH = new Int32Array(c);
    this.tileMaxNN = new Float64Array(c);
    this.tileEtaC = new Float64Array(c);
    this.tilePhiC = new Float64Array(c);
  }

  // FastJet's MinHeap: heap[i] holds a value and the location of the minimum of its subtree; children of i are
  // 2i+1 and 2i+2; ties keep the current holder (strict "<" everywhere).
  heapInit(values: Float64Array, n: number): void {
    const v = this.heapVal, m = this.heapMin;
    this.heapSize = n;
    for (let i = 0; i < n; i++) {
      v[i] = values[i];
      m[i] = i;
    }
    for (let i = n - 1; i > 0; i--) {
      const parent = (i - 1) >> 1;
      if (v[m[i]] < v[m[parent]]) m[parent] = m[i];
    }
  }

  heapUpdate(loc: number, value: number): void {
    const v = this.heapVal, m = this.heapMin, size = this.heapSize;
    const start = loc;
    if (m[start] !== start && !(value < v[m[start]])) {
      v[start] = value;
      return;
    }
    v[start] = value;
    m[start] = start;
    let change = true;
    while (change) {
      change = false;
      if (m[loc] === start) {
        m[loc] = loc;
        change = true;
      }
      let child = 2 * loc + 1;
      if (child < size && v[m[child]] < v[m[loc]]) {
        m[loc] = m[child];
        change = true;
      }
      child++;
      if (child < size && v[m[child]] < v[m[loc]]) {
        m[loc] = m[child];
        change = true;
      }
      if (loc === 0) break;
      loc = (loc - 1) >> 1;
    }
  }
}

const WS = new Workspace();

/**
 * Clusters particles `px[offset..offset+count-1]` (GeV) with the given definition. Returns the full history;
 * particle k of the result is input row offset + k.
 */
export function cluster(
  px: ArrayLike<number>,
  py: ArrayLike<number>,
  pz: ArrayLike<number>,
  e: ArrayLike<number>,
  def: JetDefinition,
  offset = 0,
  count = px.length - offset,
): ClusterSequence {
  if (!(def.r > 0) || !Number.isFinite(def.r)) throw new HmlError('jets.bad-radius', `jet radius must be a positive number, got ${def.r}`);
  const n = count;
  const cs = new ClusterSequence(n, def);
  for (let i = 0; i < n; i++) {
    cs.px[i] = px[offset + i];
    cs.py[i] = py[offset + i];
    cs.pz[i] = pz[offset + i];
    cs.e[i] = e[offset + i];
    cs.finishJet(i);
    cs.jetHist[i] = i;
    cs.parent1[i] = INEXISTENT_PARENT;
    cs.parent2[i] = INEXISTENT_PARENT;
    cs.child[i] = INVALID;
    cs.histJet[i] = i;
    cs.dij[i] = 0;
    cs.maxDij[i] = 0;
  }
  cs.nJets = n;
  cs.nHist = n;
  if (n === 0) return cs;
  const strategy = def.strategy ?? bestStrategy(def, n);
  cs.strategy = strategy;
  WS.ensure(n);
  switch (strategy) {
    case 'N2Plain':
      runN2Plain(cs, WS);
      break;
    case 'N2Tiled':
      runTiled(cs, WS, false);
      break;
    case 'N2MinHeapTiled':
      runTiled(cs, WS, true);
      break;
    case 'N2MHTLazy9':
      runLazy(cs, WS, 1);
      break;
    case 'N2MHTLazy25':
      runLazy(cs, WS, 2);
      break;
  }
  return cs;
}

function setJetInfo(cs: ClusterSequence, ws: Workspace, b: number, k: number, r2: number): void {
  ws.eta[b] = cs.rap[k];
  ws.phi[b] = cs.phi[k];
  ws.kt2[b] = cs.scale(k);
  ws.jet[b] = k;
  ws.nnd[b] = r2;
  ws.nn[b] = -1;
}

function dist(ws: Workspace, a: number, b: number): number {
  let dphi = Math.abs(ws.phi[a] - ws.phi[b]);
  const deta = ws.eta[a] - ws.eta[b];
  if (dphi > PI) dphi = TWO_PI - dphi;
  return dphi * dphi + deta * deta;
}

function bjDiJ(ws: Workspace, a: number): number {
  let kt2 = ws.kt2[a];
  const nn = ws.nn[a];
  if (nn >= 0 && ws.kt2[nn] < kt2) kt2 = ws.kt2[nn];
  return ws.nnd[a] * kt2;
}

// ---------------------------------------------------------------------------------------------------------------
// N2Plain: all pairs; the brief-jet array is compacted by moving the last entry into the freed slot.

function runN2Plain(cs: ClusterSequence, ws: Workspace): void {
  let n = cs.n;
  const R2 = cs.r * cs.r, invR2 = 1 / R2;
  const eta = ws.eta, phi = ws.phi, kt2 = ws.kt2, nnd = ws.nnd, nn = ws.nn, jet = ws.jet, diJ = ws.diJ;
  for (let i = 0; i < n; i++) {
    setJetInfo(cs, ws, i, i, R2);
    ws.next[i] = i + 1; // the brief jets as one list, for pairList
  }
  // each jet against all before it, both directions (FastJet's _bj_set_NN_crosscheck)
  for (let a = 1; a < n; a++) pairList(ws, a, 0, a);
  for (let i = 0; i < n; i++) diJ[i] = bjDiJ(ws, i);
  let tail = n;
  while (tail !== 0) {
    let dmin = diJ[0], imin = 0;
    for (let i = 1; i < n; i++) {
      if (diJ[i] < dmin) {
        imin = i;
        dmin = diJ[i];
      }
    }
    let A = imin, B = nn[A];
    dmin *= invR2;
    if (B >= 0) {
      if (A < B) {
        const t = A;
        A = B;
        B = t;
      }
      const k = cs.recombine(jet[A], jet[B], dmin);
      setJetInfo(cs, ws, B, k, R2);
    } else {
      cs.beam(jet[A], dmin);
    }
    tail--;
    n--;
    eta[A] = eta[tail];
    phi[A] = phi[tail];
    kt2[A] = kt2[tail];
    nnd[A] = nnd[tail];
    nn[A] = nn[tail];
    jet[A] = jet[tail];
    diJ[A] = diJ[tail];
    for (let I = 0; I < tail; I++) {
      if (nn[I] === A || nn[I] === B) {
        // recompute I's neighbour over the live entries (FastJet's _bj_set_NN_nocross)
        let best = R2, bestJ = -1;
        for (let J = 0; J < tail; J++) {
          if (J === I) continue;
          const d = dist(ws, I, J);
          if (d < best) {
            best = d;
            bestJ = J;
          }
        }
        nn[I] = bestJ;
        nnd[I] = best;
        diJ[I] = bjDiJ(ws, I);
      }
      if (B >= 0) {
        const d = dist(ws, I, B);
        if (d < nnd[I] && I !== B) {
          nnd[I] = d;
          nn[I] = B;
          diJ[I] = bjDiJ(ws, I);
        }
        if (d < nnd[B] && I !== B) {
          nnd[B] = d;
          nn[B] = I;
        }
      }
      if (nn[I] === tail) nn[I] = A;
    }
    if (B >= 0) diJ[B] = bjDiJ(ws, B);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Tiling shared by the tiled strategies.

interface Tiling {
  etaMin: number;
  etaMax: number;
  sizeEta: number;
  sizePhi: number;
  halfEta: number;
  halfPhi: number;
  nPhi: number;
  iEtaMin: number;
  iEtaMax: number;
  nTiles: number;
}

/** FastJet's TilingExtent: rapidity range worth tiling, from a histogram of the particles' rapidities. */
function tilingExtent(cs: ClusterSequence, ws: Workspace): [number, number] {
  const nrap = 20, nbins = 40;
  const counts = ws.counts;
  counts.fill(0);
  let minrap = DBL_MAX, maxrap = -DBL_MAX;
  for (let i = 0; i < cs.n; i++) {
    if (cs.e[i] === Math.abs(cs.pz[i])) continue;
    const rap = cs.rap[i];
    if (rap < minrap) minrap = rap;
    if (rap > maxrap) maxrap = rap;
    let ibin = Math.trunc(rap + nrap);
    if (ibin < 0) ibin = 0;
    if (ibin >= nbins) ibin = nbins - 1;
    counts[ibin]++;
  }
  let maxInBin = 0;
  for (let ib = 0; ib < nbins; ib++) if (maxInBin < counts[ib]) maxInBin = counts[ib];
  let allowed = Math.floor(Math.max(maxInBin * 0.25, 4));
  if (allowed > maxInBin) allowed = maxInBin;
  let cum = 0;
  for (let ib = 0; ib < nbins; ib++) {
    cum += counts[ib];
    if (cum >= allowed) {
      const y = ib - nrap;
      if (y > minrap) minrap = y;
      break;
    }
  }
  cum = 0;
  for (let ib = nbins - 1; ib >= 0; ib--) {
    cum += counts[ib];
    if (cum >= allowed) {
      const y = ib - nrap + 1;
      if (y < maxrap) maxrap = y;
      break;
    }
  }
  if (minrap === DBL_MAX) {
    // every particle is along the beam: FastJet's behaviour is undefined here; use one row of tiles
    minrap = 0;
    maxrap = 0;
  }
  return [minrap, maxrap];
}

/**
 * Builds tiles. `k` = 1: 3×3 neighbourhoods, tile size max(0.1, R) (classic and Lazy9); `k` = 2: 5×5, size
 * max(0.1, R)/2 (Lazy25). `lazy` selects the lazy tilings' narrowing of the rapidity grid for small extents.
 */
function makeTiles(cs: ClusterSequence, ws: Workspace, k: number, lazy: boolean): Tiling {
  const size = Math.max(0.1, cs.r) / k;
  let sizeEta = size;
  const nPhi = Math.max(k === 1 ? 3 : 5, Math.floor(TWO_PI / size));
  const sizePhi = TWO_PI / nPhi;
  let [etaMin, etaMax] = tilingExtent(cs, ws);
  let iEtaMin: number, iEtaMax: number;
  const minRows = k === 1 ? 2 : 3;
  if (lazy && etaMax - etaMin < minRows * sizeEta) {
    sizeEta = (etaMax - etaMin) / minRows;
    iEtaMin = 0;
    iEtaMax = minRows - 1;
    etaMax -= sizeEta;
  } else {
    iEtaMin = Math.floor(etaMin / sizeEta);
    iEtaMax = Math.floor(etaMax / sizeEta);
    etaMin = iEtaMin * sizeEta;
    etaMax = iEtaMax * sizeEta;
  }
  const nRows = iEtaMax - iEtaMin + 1;
  const nTiles = nRows * nPhi;
  ws.ensureTiles(nTiles);
  if (ws.layoutRows !== nRows || ws.layoutPhi !== nPhi || ws.layoutK !== k) {
    // neighbour lists depend only on the grid's shape: rebuilt when it changes, not for every event
    const idx = (row: number, iphi: number): number => row * nPhi + ((iphi + nPhi) % nPhi);
    const nb = ws.tileNb;
    for (let row = 0; row < nRows; row++) {
      for (let iphi = 0; iphi < nPhi; iphi++) {
        const t = idx(row, iphi);
        let p = t * 25;
        nb[p++] = t;
        for (let d = 1; d <= k; d++) {
          if (row - d >= 0) for (let dp = -k; dp <= k; dp++) nb[p++] = idx(row - d, iphi + dp);
        }
        for (let d = 1; d <= k; d++) nb[p++] = idx(row, iphi - d);
        ws.tileRH[t] = p - t * 25;
        for (let d = 1; d <= k; d++) nb[p++] = idx(row, iphi + d);
        for (let d = 1; d <= k; d++) {
          if (row + d < nRows) for (let dp = -k; dp <= k; dp++) nb[p++] = idx(row + d, iphi + dp);
        }
        ws.tileNbEnd[t] = p - t * 25;
        ws.tilePhiC[t] = (iphi + 0.5) * sizePhi;
      }
    }
    ws.layoutRows = nRows;
    ws.layoutPhi = nPhi;
    ws.layoutK = k;
  }
  ws.tileHead.fill(-1, 0, nTiles);
  ws.tileTag.fill(0, 0, nTiles);
  ws.tileMaxNN.fill(0, 0, nTiles);
  const etaC = ws.tileEtaC;
  for (let row = 0, t = 0; row < nRows; row++) {
    const c = (row + 0.5) * sizeEta + etaMin;
    for (let iphi = 0; iphi < nPhi; iphi++) etaC[t++] = c;
  }
  return { etaMin, etaMax, sizeEta, sizePhi, halfEta: sizeEta * 0.5, halfPhi: sizePhi * 0.5, nPhi, iEtaMin, iEtaMax, nTiles };
}

function tileIndex(tl: Tiling, eta: number, phi: number): number {
  let ieta: number;
  if (eta <= tl.etaMin) ieta = 0;
  else if (eta >= tl.etaMax) ieta = tl.iEtaMax - tl.iEtaMin;
  else {
    ieta = Math.trunc((eta - tl.etaMin) / tl.sizeEta);
    if (ieta > tl.iEtaMax - tl.iEtaMin) ieta = tl.iEtaMax - tl.iEtaMin;
  }
  const iphi = Math.trunc((phi + TWO_PI) / tl.sizePhi) % tl.nPhi;
  return iphi + ieta * tl.nPhi;
}

/** Sets brief jet b to pseudojet k and inserts it at the head of its tile's list. */
function tjSetJetInfo(cs: ClusterSequence, ws: Workspace, tl: Tiling, b: number, k: number, r2: number): void {
  setJetInfo(cs, ws, b, k, r2);
  const t = tileIndex(tl, ws.eta[b], ws.phi[b]);
  ws.tile[b] = t;
  ws.prev[b] = -1;
  const h = ws.tileHead[t];
  ws.next[b] = h;
  if (h >= 0) ws.prev[h] = b;
  ws.tileHead[t] = b;
}

function removeFromTiles(ws: Workspace, b: number): void {
  const p = ws.prev[b], nx = ws.next[b];
  if (p < 0) ws.tileHead[ws.tile[b]] = nx;
  else ws.next[p] = nx;
  if (nx >= 0) ws.prev[nx] = p;
}

/**
 * One clustering step from brief jet `a` with the smallest distance and its neighbour, as A > B (B < 0: A goes
 * to the beam; ws.stepA / ws.stepB say which): records it in the history, takes
 * A (and old B) out of the tiling and puts the merged jet in B's slot; B's old position stays in ws.old*.
 */
function tiledStep(cs: ClusterSequence, ws: Workspace, tl: Tiling, a: number, dmin: number, r2: number): void {
  let A = a, B = ws.nn[a];
  if (B > A) {
    // the merged jet goes to the lower slot
    A = B;
    B = a;
  }
  ws.stepA = A;
  ws.stepB = B;
  if (B >= 0) {
    const k = cs.recombine(ws.jet[A], ws.jet[B], dmin);
    removeFromTiles(ws, A);
    ws.oldEta = ws.eta[B];
    ws.oldPhi = ws.phi[B];
    ws.oldTile = ws.tile[B];
    removeFromTiles(ws, B);
    tjSetJetInfo(cs, ws, tl, B, k, r2);
  } else {
    cs.beam(ws.jet[A], dmin);
    removeFromTiles(ws, A);
  }
}

/**
 * Offers jet a and each jet of the list from `b0` up to (excluding) `stop` to each other as nearest neighbour
 * (strict "<", in list order: FastJet's initial set-up).
 */
function pairList(ws: Workspace, a: number, b0: number, stop: number): void {
  const eta = ws.eta, phi = ws.phi, nnd = ws.nnd, nn = ws.nn, next = ws.next;
  const ea = eta[a], pa = phi[a];
  let best = nnd[a], bestJ = nn[a];
  for (let b = b0; b !== stop; b = next[b]) {
    let dp = Math.abs(pa - phi[b]);
    if (dp > PI) dp = TWO_PI - dp;
    const de = ea - eta[b];
    const d = dp * dp + de * de;
    if (d < best) {
      best = d;
      bestJ = b;
    }
    if (d < nnd[b]) {
      nnd[b] = d;
      nn[b] = a;
    }
  }
  nnd[a] = best;
  nn[a] = bestJ;
}

/** All pairs inside tile t, each jet against those before it in the tile's list. */
function tileSelfPairs(ws: Workspace, t: number): void {
  const head = ws.tileHead, next = ws.next;
  for (let a = head[t]; a >= 0; a = next[a]) pairList(ws, a, head[t], a);
}

/** Initial nearest neighbours over each tile and its right-hand neighbours (FastJet's tiled set-up). */
function tiledInitialNN(ws: Workspace, nTiles: number): void {
  const next = ws.next, head = ws.tileHead, nb = ws.tileNb;
  for (let t = 0; t < nTiles; t++) {
    tileSelfPairs(ws, t);
    const base = t * 25;
    for (let q = base + ws.tileRH[t]; q < base + ws.tileNbEnd[t]; q++) {
      const rt = nb[q];
      for (let a = head[t]; a >= 0; a = next[a]) pairList(ws, a, head[rt], -1);
    }
  }
}

/**
 * Nearest neighbour of brief jet I over tile t and its neighbours, from scratch (strict "<", first found wins,
 * tiles in neighbour-list order and jets in list order as FastJet).
 */
function nearestOverTiles(ws: Workspace, I: number, t: number, r2: number): void {
  const eta = ws.eta, phi = ws.phi, head = ws.tileHead, nb = ws.tileNb;
  const eI = eta[I], pI = phi[I];
  ws.scanBest = r2;
  ws.scanJ = -1;
  const base = t * 25, end = base + ws.tileNbEnd[t];
  for (let q = base; q < end; q++) scanList(ws, I, eI, pI, head[nb[q]]);
  ws.nnd[I] = ws.scanBest;
  ws.nn[I] = ws.scanJ;
}

/** Scans the tile list from J0 for a closer neighbour of I (best so far in ws.scanBest / ws.scanJ). */
function scanList(ws: Workspace, I: number, eI: number, pI: number, J0: number): void {
  const eta = ws.eta, phi = ws.phi, next = ws.next;
  let best = ws.scanBest, bestJ = ws.scanJ;
  for (let J = J0; J >= 0; J = next[J]) {
    let dp = Math.abs(pI - phi[J]);
    if (dp > PI) dp = TWO_PI - dp;
    const de = eI - eta[J];
    const d = dp * dp + de * de;
    if (d < best && J !== I) {
      best = d;
      bestJ = J;
    }
  }
  ws.scanBest = best;
  ws.scanJ = bestJ;
}

function addUntaggedNeighbours(ws: Workspace, t: number, n: number): number {
  const base = t * 25, end = base + ws.tileNbEnd[t], nb = ws.tileNb, tag = ws.tileTag, u = ws.union;
  for (let q = base; q < end; q++) {
    const nt = nb[q];
    if (!tag[nt]) {
      tag[nt] = 1;
      u[n++] = nt;
    }
  }
  return n;
}

/** Builds the tiles and registers every input particle in them (brief jet i = particle i). */
function tiledSetup(cs: ClusterSequence, ws: Workspace, k: number, lazy: boolean): Tiling {
  const tl = makeTiles(cs, ws, k, lazy);
  const R2 = cs.r * cs.r;
  for (let i = 0; i < cs.n; i++) tjSetJetInfo(cs, ws, tl, i, i, R2);
  return tl;
}

/**
 * N2Tiled (heap = false: linear scan of a compact diJ table) and N2MinHeapTiled (heap = true). Brief-jet slots
 * are never compacted; the merged jet reuses the lower of the two slots.
 */
function runTiled(cs: ClusterSequence, ws: Workspace, heap: boolean): void {
  let n = cs.n;
  const R2 = cs.r * cs.r, invR2 = 1 / R2;
  const tl = tiledSetup(cs, ws, 1, false);
  tiledInitialNN(ws, tl.nTiles);
  const nnd = ws.nnd, nn = ws.nn, next = ws.next, head = ws.tileHead, tag = ws.tileTag, u = ws.union;
  const diJ = ws.diJ, diJjet = ws.diJjet, posn = ws.flag, stack = ws.stack;
  let sp = 0;
  if (heap) {
    for (let i = 0; i < n; i++) {
      diJ[i] = bjDiJ(ws, i);
      posn[i] = 0;
    }
    ws.heapInit(diJ, n);
  } else {
    for (let i = 0; i < n; i++) {
      diJ[i] = bjDiJ(ws, i);
      diJjet[i] = i;
      posn[i] = i;
    }
  }
  while (n > 0) {
    let A: number, dmin: number;
    if (heap) {
      A = ws.heapMin[0];
      dmin = ws.heapVal[A] * invR2;
    } else {
      let best = 0;
      dmin = diJ[0];
      for (let i = 1; i < n; i++) {
        if (diJ[i] < dmin) {
          best = i;
          dmin = diJ[i];
        }
      }
      A = diJjet[best];
      dmin *= invR2;
    }
    tiledStep(cs, ws, tl, A, dmin, R2);
    A = ws.stepA;
    const B = ws.stepB, oldBTile = ws.oldTile;
    if (heap) ws.heapUpdate(A, DBL_MAX);
    const tA = ws.tile[A];
    let nNear = addUntaggedNeighbours(ws, tA, 0);
    if (B >= 0) {
      const tB = ws.tile[B];
      if (tB !== tA) nNear = addUntaggedNeighbours(ws, tB, nNear);
      if (oldBTile !== tA && oldBTile !== tB) nNear = addUntaggedNeighbours(ws, oldBTile, nNear);
      if (heap) {
        posn[B] = 1;
        stack[sp++] = B;
      }
    }
    if (!heap) {
      n--;
      const last = diJjet[n];
      posn[last] = posn[A];
      diJ[posn[A]] = diJ[n];
      diJjet[posn[A]] = last;
    }
    for (let it = 0; it < nNear; it++) {
      const t = u[it];
      tag[t] = 0;
      for (let I = head[t]; I >= 0; I = next[I]) {
        if (nn[I] === A || (nn[I] === B && B >= 0)) {
          nnd[I] = R2;
          nn[I] = -1;
          if (heap && posn[I] !== 1) {
            posn[I] = 1;
            stack[sp++] = I;
          }
          nearestOverTiles(ws, I, t, R2);
          if (!heap) diJ[posn[I]] = bjDiJ(ws, I);
        }
        if (B >= 0) {
          const d = dist(ws, I, B);
          if (d < nnd[I] && I !== B) {
            nnd[I] = d;
            nn[I] = B;
            if (heap) {
              if (posn[I] !== 1) {
                posn[I] = 1;
                stack[sp++] = I;
              }
            } else diJ[posn[I]] = bjDiJ(ws, I);
          }
          if (d < nnd[B] && I !== B) {
            nnd[B] = d;
            nn[B] = I;
          }
        }
      }
    }
    if (heap) {
      while (sp > 0) {
        const I = stack[--sp];
        ws.heapUpdate(I, bjDiJ(ws, I));
        posn[I] = 0;
      }
      n--;
    } else if (B >= 0) diJ[posn[B]] = bjDiJ(ws, B);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// N2MHTLazy9 (k = 1) and N2MHTLazy25 (k = 2): tiles remember the largest nearest-neighbour distance of their jets,
// so tiles that cannot hold a closer neighbour are skipped.

function distanceToTile(etaC: Float64Array, phiC: Float64Array, halfEta: number, halfPhi: number, eta: number, phi: number, ownTile: number, t: number): number {
  const deta = etaC[ownTile] === etaC[t] ? 0 : Math.abs(eta - etaC[t]) - halfEta;
  let dphi = Math.abs(phi - phiC[t]);
  if (dphi > PI) dphi = TWO_PI - dphi;
  dphi -= halfPhi;
  if (dphi < 0) dphi = 0;
  return dphi * dphi + deta * deta;
}

/**
 * Lazy tilings' from-scratch neighbour search for I (FastJet's _set_NN): tiles farther than the best distance
 * so far are skipped. Flags I for a heap update; returns the new stack pointer.
 */
function lazySetNN(ws: Workspace, tl: Tiling, I: number, r2: number, sp: number): number {
  const eta = ws.eta, phi = ws.phi, head = ws.tileHead, nb = ws.tileNb, etaC = ws.tileEtaC, phiC = ws.tilePhiC;
  const halfEta = tl.halfEta, halfPhi = tl.halfPhi;
  if (ws.flag[I] !== 1) {
    ws.flag[I] = 1;
    ws.stack[sp++] = I;
  }
  const tI = ws.tile[I];
  const base = tI * 25, end = base + ws.tileNbEnd[tI];
  const eI = eta[I], pI = phi[I];
  ws.scanBest = r2;
  ws.scanJ = -1;
  for (let q = base; q < end; q++) {
    const t = nb[q];
    if (ws.scanBest < distanceToTile(etaC, phiC, halfEta, halfPhi, eI, pI, tI, t)) continue;
    scanList(ws, I, eI, pI, head[t]);
  }
  ws.nnd[I] = ws.scanBest;
  ws.nn[I] = ws.scanJ;
  return sp;
}

/** Adds the untagged neighbour tiles of a jet at (eta, phi) in jTile that may hold a jet whose neighbour it was. */
function lazyAddUsingMaxInfo(ws: Workspace, tl: Tiling, jEta: number, jPhi: number, jTile: number, nNear: number): number {
  const nb = ws.tileNb, tag = ws.tileTag, u = ws.union, maxNN = ws.tileMaxNN;
  const base = jTile * 25, end = base + ws.tileNbEnd[jTile];
  for (let q = base; q < end; q++) {
    const t = nb[q];
    if (tag[t]) continue;
    const d = distanceToTile(ws.tileEtaC, ws.tilePhiC, tl.halfEta, tl.halfPhi, jEta, jPhi, jTile, t) - TILE_EDGE_SECURITY_MARGIN;
    if (d > maxNN[t]) continue;
    tag[t] = 1;
    u[nNear++] = t;
  }
  return nNear;
}

function runLazy(cs: ClusterSequence, ws: Workspace, k: number): void {
  let n = cs.n;
  const R2 = cs.r * cs.r, invR2 = 1 / R2;
  const tl = tiledSetup(cs, ws, k, true);
  const nnd = ws.nnd, nn = ws.nn, next = ws.next, head = ws.tileHead, nb = ws.tileNb, tag = ws.tileTag, u = ws.union;
  const eta = ws.eta, phi = ws.phi, tile = ws.tile, flag = ws.flag, stack = ws.stack, maxNN = ws.tileMaxNN;
  const etaC = ws.tileEtaC, phiC = ws.tilePhiC, halfEta = tl.halfEta, halfPhi = tl.halfPhi;
  const nTiles = tl.nTiles;
  // initial neighbours: inside each tile first, then right-hand tiles that can matter
  for (let t = 0; t < nTiles; t++) {
    tileSelfPairs(ws, t);
    for (let a = head[t]; a >= 0; a = next[a]) if (nnd[a] > maxNN[t]) maxNN[t] = nnd[a];
  }
  for (let t = 0; t < nTiles; t++) {
    const base = t * 25;
    for (let q = base + ws.tileRH[t]; q < base + ws.tileNbEnd[t]; q++) {
      const rt = nb[q];
      for (let a = head[t]; a >= 0; a = next[a]) {
        const dtt = distanceToTile(etaC, phiC, halfEta, halfPhi, eta[a], phi[a], tile[a], rt);
        if (dtt <= nnd[a] || dtt <= maxNN[rt]) pairList(ws, a, head[rt], -1);
      }
    }
  }
  for (let t = 0; t < nTiles; t++) {
    maxNN[t] = 0;
    for (let a = head[t]; a >= 0; a = next[a]) if (nnd[a] > maxNN[t]) maxNN[t] = nnd[a];
  }
  const diJ = ws.diJ;
  for (let i = 0; i < n; i++) {
    diJ[i] = bjDiJ(ws, i);
    flag[i] = 0;
  }
  ws.heapInit(diJ, n);
  let sp = 0;

  while (n > 0) {
    const top = ws.heapMin[0];
    tiledStep(cs, ws, tl, top, ws.heapVal[top] * invR2, R2);
    const A = ws.stepA, B = ws.stepB;
    ws.heapUpdate(A, DBL_MAX);
    let nNear = 0;
    if (B >= 0) {
      const tB = tile[B];
      const eB = eta[B], pB = phi[B];
      const base = tB * 25, end = base + ws.tileNbEnd[tB];
      for (let q = base; q < end; q++) {
        const t = nb[q];
        const dtt = distanceToTile(etaC, phiC, halfEta, halfPhi, eB, pB, tB, t);
        if (!(dtt <= nnd[B] || dtt <= maxNN[t])) continue;
        u[nNear++] = t;
        tag[t] = 1;
        for (let I = head[t]; I >= 0; I = next[I]) {
          if (nn[I] === A || nn[I] === B) sp = lazySetNN(ws, tl, I, R2, sp);
          // update I against the new jet B
          let dp = Math.abs(phi[I] - pB);
          if (dp > PI) dp = TWO_PI - dp;
          const de = eta[I] - eB;
          const d = dp * dp + de * de;
          if (d < nnd[I] && I !== B) {
            nnd[I] = d;
            nn[I] = B;
            if (flag[I] !== 1) {
              flag[I] = 1;
              stack[sp++] = I;
            }
          }
          if (d < nnd[B] && I !== B) {
            nnd[B] = d;
            nn[B] = I;
          }
        }
      }
    }
    const nDone = nNear;
    nNear = lazyAddUsingMaxInfo(ws, tl, eta[A], phi[A], tile[A], nNear);
    if (B >= 0) {
      nNear = lazyAddUsingMaxInfo(ws, tl, ws.oldEta, ws.oldPhi, ws.oldTile, nNear);
      flag[B] = 1;
      stack[sp++] = B;
    }
    for (let it = 0; it < nDone; it++) tag[u[it]] = 0;
    for (let it = nDone; it < nNear; it++) {
      const t = u[it];
      tag[t] = 0;
      for (let I = head[t]; I >= 0; I = next[I]) {
        if (nn[I] === A || (nn[I] === B && B >= 0)) sp = lazySetNN(ws, tl, I, R2, sp);
      }
    }
    while (sp > 0) {
      const I = stack[--sp];
      ws.heapUpdate(I, bjDiJ(ws, I));
      flag[I] = 0;
      const tI = tile[I];
      if (maxNN[tI] < nnd[I]) maxNN[tI] = nnd[I];
    }
    n--;
  }
}
