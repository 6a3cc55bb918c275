/**
 * The event record of the built-in generator: a structure-of-arrays particle list reused across events (no
 * object per particle). Momenta in GeV.
 */

/** Status codes inside the generator's records. */
export const ST_ACTIVE = 1; // a final parton (shower) or a particle not yet decayed (hadrons)
export const ST_ANCHOR = 2; // beam pseudo-parton or massive colour anchor (W in t → bW): spectator only, never output
export const ST_DECAYED = 3; // hadron that has decayed (its daughters follow)

export class PList {
  n = 0;
  px: Float64Array;
  py: Float64Array;
  pz: Float64Array;
  e: Float64Array;
  m: Float64Array;
  pdg: Int32Array;
  col: Int32Array;
  acol: Int32Array;
  status: Int32Array;
  /** Hadronisation system (partons) or vertex index (hadrons: 0 = primary, k > 0 = pile-up interaction k). */
  sys: Int32Array;

  constructor(capacity = 256) {
    this.px = new Float64Array(capacity);
    this.py = new Float64Array(capacity);
    this.pz = new Float64Array(capacity);
    this.e = new Float64Array(capacity);
    this.m = new Float64Array(capacity);
    this.pdg = new Int32Array(capacity);
    this.col = new Int32Array(capacity);
    this.acol = new Int32Array(capacity);
    this.status = new Int32Array(capacity);
    this.sys = new Int32Array(capacity);
  }

  clear(): void {
    this.n = 0;
  }

  private grow(): void {
    const cap = this.px.length * 2;
    const f = (a: Float64Array): Float64Array => {
      const b = new Float64Array(cap);
      b.set(a);
      return b;
    };
    const g = (a: Int32Array): Int32Array => {
      const b = new Int32Array(cap);
      b.set(a);
      return b;
    };
    this.px = f(this.px);
    this.py = f(this.py);
    this.pz = f(this.pz);
    this.e = f(this.e);
    this.m = f(this.m);
    this.pdg = g(this.pdg);
    this.col = g(this.col);
    this.acol = g(this.acol);
    this.status = g(this.status);
    this.sys = g(this.sys);
  }

  /** Appends a particle and returns its index. */
  add(px: number, py: number, pz: number, e: number, m: number, pdg: number, status: number, sys: number, col = 0, acol = 0): number {
    if (this.n === this.px.length) this.grow();
    const i = this.n++;
    this.px[i] = px;
    this.py[i] = py;
    this.pz[i] = pz;
    this.e[i] = e;
    this.m[i] = m;
    this.pdg[i] = pdg;
    this.status[i] = status;
    this.sys[i] = sys;
    this.col[i] = col;
    this.acol[i] = acol;
    return i;
  }

  /** Appends a particle from a 4-vector in `v` at offset `o` (E last: px, py, pz, E). */
  addVec(v: Float64Array, o: number, m: number, pdg: number, status: number, sys: number, col = 0, acol = 0): number {
    return this.add(v[o], v[o + 1], v[o + 2], v[o + 3], m, pdg, status, sys, col, acol);
  }

  setP(i: number, px: number, py: number, pz: number, e: number): void {
    this.px[i] = px;
    this.py[i] = py;
    this.pz[i] = pz;
    this.e[i] = e;
  }

  /** Minkowski product p_i·p_j. */
  dot(i: number, j: number): number {
    return this.e[i] * this.e[j] - this.px[i] * this.px[j] - this.py[i] * this.py[j] - this.pz[i] * this.pz[j];
  }
}
