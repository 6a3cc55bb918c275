/**
 * Evaluation of the expression language (core/expressions) on columnar event batches.
 *
 * Values are columns over the batch's events:
 * - `scalar`: one number per event (`Float64Array` of length batch.size), NaN where an object is missing
 *   (`jet1.pt` in a one-jet event);
 * - `ragged`: a list of numbers per event (`values` + `offsets`, event i owns values[offsets[i] .. offsets[i+1]−1]),
 *   tagged with a `domain` (the canonical object reference, e.g. `jet`, `fatjet[0].constituents`) so that only
 *   lists over the same objects combine element by element.
 * Booleans are 1/0 in the same columns. Units follow the catalog (GeV, rad, 1).
 *
 * Semantics (CONTRACTS.md "Expression language"): 0-based indices; any comparison with NaN is false; scalars
 * broadcast over ragged values; a cut that is still ragged is reduced with `all` (every object passes; true for no
 * objects) unless prefixed `any` (at least one; false for no objects); `veto` negates after the reduction. Two
 * ragged booleans over different objects joined by `and`/`or` are each reduced with `all` first.
 * `a,b.delta_r` is a scalar for two single objects, else a ragged list over the pairs (distinct unordered pairs
 * when the same objects are named twice).
 *
 * Objects: collections by lower-case name from the batch (a collection the batch lacks is empty, not an error);
 * `constituents` follow `Collection.constituents` and are ordered by decreasing pT within each jet; `subjets` are
 * the jet's constituents reclustered with kt, R = 0.3 (inclusive, ordered by pT). Substructure observables
 * (`tauN`, `tauMN`, `d2`, `c2`, `d2_b2`, `c2_b2`, `sd_mass`) use values the file stores (Delphes `Tau`,
 * `SoftDroppedP4`) and otherwise compute them from the constituents, cached per jet (core/jets/reconstruct).
 * `b_tag` and `tau_tag` read bit 0 of Delphes' bit field.
 */
import type { Collection, EventBatch } from '../physics/events';
import { emptyCollection } from '../physics/events';
import { mass, phi as phiOf, pseudorapidity, rapidity, wrapPhi } from '../physics/fourvector';
import { HmlError } from '../util/errors';
import type { ExprNode, ObjectRefNode, ObservableNode } from '../expressions/ast';
import { lookupObservable } from '../expressions/catalog';
import { objectDomain } from '../expressions/check';
import { parseCut, parseExpression } from '../expressions/parser';
import { cluster } from '../jets/cluster';
import { jetSubstructure, type SubstructureOptions } from '../jets/reconstruct';

export interface ScalarColumn {
  kind: 'scalar';
  /** One value per event. */
  values: Float64Array;
}

export interface RaggedColumn {
  kind: 'ragged';
  values: Float64Array;
  /** Length batch.size + 1. */
  offsets: Uint32Array;
  /** Canonical object reference the list runs over (e.g. `jet`, `fatjet[0].constituents`). */
  domain: string;
}

export type Column = ScalarColumn | RaggedColumn;

export interface EvaluateOptions {
  /** Collection names defined under `reconstruction:` (so the parser never splits them into name + index). */
  collections?: Iterable<string>;
  /** Substructure definitions (N-subjettiness axes); defaults as core/jets/substructure.ts documents. */
  substructure?: SubstructureOptions;
  /** Radius of the `subjets` reclustering (kt), default 0.3. */
  subjetRadius?: number;
}

/** One step of a cut flow: events (and Σ weights) passing this cut and all before it. */
export interface CutflowEntry {
  cut: string;
  events: number;
  /** Σ of the physics weights of the passing events (pb when weights are normalised per CONTRACTS). */
  weighted: number;
}

export interface CutResult {
  /** 1 for events passing every cut. */
  mask: Uint8Array;
  /** First entry `all events`, then one entry per cut, cumulative. */
  cutflow: CutflowEntry[];
}

function parseOrThrow(text: string, cut: boolean, opts: EvaluateOptions): ExprNode {
  const r = cut ? parseCut(text, 0, { collections: opts.collections }) : parseExpression(text, 0, { collections: opts.collections });
  const err = r.diagnostics.find((d) => d.severity === 'error');
  if (err || !r.ast) {
    const msg = err ? err.message : 'empty expression';
    throw new HmlError(err?.code ?? 'expression.empty', `${msg} in '${text}'`, { location: { column: (err?.range.start ?? 0) + 1 } });
  }
  return r.ast;
}

/** Evaluates an observable expression (text or parsed tree) on every event of the batch. */
export function evaluateObservable(batch: EventBatch, expr: string | ExprNode, opts: EvaluateOptions = {}): Column {
  const ast = typeof expr === 'string' ? parseOrThrow(expr, false, opts) : expr;
  return new Evaluator(batch, opts).evalNode(ast);
}

/** Evaluates one cut to a per-event mask (1 = pass), reducing ragged results with `all`. */
export function evaluateCut(batch: EventBatch, expr: string | ExprNode, opts: EvaluateOptions = {}): Uint8Array {
  const ast = typeof expr === 'string' ? parseOrThrow(expr, true, opts) : expr;
  const ev = new Evaluator(batch, opts);
  const v = ev.reduce(ev.evalNode(ast), 'all');
  const mask = new Uint8Array(batch.size);
  for (let i = 0; i < batch.size; i++) mask[i] = v.values[i] === 1 ? 1 : 0;
  return mask;
}

/** Applies cuts in order: the final mask and the cut flow (events and Σ weights after each cut). */
export function evaluateCuts(batch: EventBatch, cuts: readonly (string | ExprNode)[], opts: EvaluateOptions = {}): CutResult {
  const mask = new Uint8Array(batch.size).fill(1);
  const flow = (cut: string): CutflowEntry => {
    let events = 0, weighted = 0;
    for (let i = 0; i < batch.size; i++) {
      if (mask[i]) {
        events++;
        weighted += batch.weights[i];
      }
    }
    return { cut, events, weighted };
  };
  const cutflow = [flow('all events')];
  for (const c of cuts) {
    const m = evaluateCut(batch, c, opts);
    for (let i = 0; i < batch.size; i++) mask[i] &= m[i];
    cutflow.push(flow(typeof c === 'string' ? c : `cut ${cutflow.length}`));
  }
  return { mask, cutflow };
}

// ---------------------------------------------------------------------------------------------------------------

/** Selected objects: rows of `coll`, grouped per event; for children, the parent row of each. */
interface Sel {
  coll: Collection;
  offsets: Uint32Array;
  rows: Uint32Array;
  parentColl?: Collection;
  parentRows?: Uint32Array;
  /** At most one object per event (every level of the reference is an index). */
  single: boolean;
  domain: string;
}

const subjetCache = new WeakMap<Collection, Map<number, { coll: Collection; perJet: Uint32Array }>>();

class Evaluator {
  constructor(readonly batch: EventBatch, readonly opts: EvaluateOptions) {}

  private collection(name: string): Collection {
    return this.batch.collections.get(name) ?? emptyCollection(name, this.batch.size);
  }

  private scalar(fill = NaN): ScalarColumn {
    return { kind: 'scalar', values: new Float64Array(this.batch.size).fill(fill) };
  }

  evalNode(node: ExprNode): Column {
    switch (node.kind) {
      case 'number':
        return this.scalar(node.value);
      case 'observable':
        return this.observable(node);
      case 'unary':
        return this.map1(this.evalNode(node.operand), node.op === '-' ? (x) => -x : (x) => x);
      case 'binary': {
        const f = node.op === '+' ? (a: number, b: number) => a + b : node.op === '-' ? (a: number, b: number) => a - b : node.op === '*' ? (a: number, b: number) => a * b : (a: number, b: number) => a / b;
        return this.map2(this.evalNode(node.left), this.evalNode(node.right), f);
      }
      case 'compare': {
        const vals = node.operands.map((o) => this.evalNode(o));
        let out: Column | undefined;
        node.ops.forEach((op, i) => {
          const f = compareFn(op);
          const c = this.map2(vals[i], vals[i + 1], (a, b) => (f(a, b) ? 1 : 0));
          out = out ? this.logical(out, c, 'and') : c;
        });
        return out as Column;
      }
      case 'logical':
        return this.logical(this.evalNode(node.left), this.evalNode(node.right), node.op);
      case 'not':
        return this.map1(this.evalNode(node.operand), (x) => (x === 1 ? 0 : 1));
      case 'reduce': {
        const r = this.reduce(this.evalNode(node.operand), node.mode);
        return node.veto ? this.map1(r, (x) => (x === 1 ? 0 : 1)) : r;
      }
      case 'call':
        return this.call(node.name, node.args.map((a) => this.evalNode(a)));
      case 'error':
        throw new HmlError('expression.invalid', 'the expression has syntax errors; fix them before evaluating');
    }
  }

  /** all/any over each event's list (scalars pass through as booleans). */
  reduce(v: Column, mode: 'all' | 'any'): ScalarColumn {
    if (v.kind === 'scalar') return { kind: 'scalar', values: v.values.map((x) => (x === 1 ? 1 : 0)) };
    const out = new Float64Array(this.batch.size);
    for (let i = 0; i < this.batch.size; i++) {
      let r = mode === 'all' ? 1 : 0;
      for (let k = v.offsets[i]; k < v.offsets[i + 1]; k++) {
        const b = v.values[k] === 1;
        if (mode === 'all' && !b) {
          r = 0;
          break;
        }
        if (mode === 'any' && b) {
          r = 1;
          break;
        }
      }
      out[i] = r;
    }
    return { kind: 'scalar', values: out };
  }

  private logical(a: Column, b: Column, op: 'and' | 'or'): Column {
    if (a.kind === 'ragged' && b.kind === 'ragged' && a.domain !== b.domain) {
      a = this.reduce(a, 'all');
      b = this.reduce(b, 'all');
    }
    return this.map2(a, b, op === 'and' ? (x, y) => (x === 1 && y === 1 ? 1 : 0) : (x, y) => (x === 1 || y === 1 ? 1 : 0));
  }

  private map1(a: Column, f: (x: number) => number): Column {
    const values = a.values.map(f);
    return a.kind === 'scalar' ? { kind: 'scalar', values } : { ...a, values };
  }

  private map2(a: Column, b: Column, f: (x: number, y: number) => number): Column {
    if (a.kind === 'scalar' && b.kind === 'scalar') {
      const values = new Float64Array(this.batch.size);
      for (let i = 0; i < values.length; i++) values[i] = f(a.values[i], b.values[i]);
      return { kind: 'scalar', values };
    }
    if (a.kind === 'ragged' && b.kind === 'ragged') {
      if (a.domain !== b.domain) {
        throw new HmlError('expression.shape-mismatch', `cannot combine values over '${a.domain}' with values over '${b.domain}' element by element; reduce one with sum/min/max or select single objects`);
      }
      const values = new Float64Array(a.values.length);
      for (let k = 0; k < values.length; k++) values[k] = f(a.values[k], b.values[k]);
      return { ...a, values };
    }
    const r = (a.kind === 'ragged' ? a : b) as RaggedColumn;
    const s = (a.kind === 'scalar' ? a : b) as ScalarColumn;
    const values = new Float64Array(r.values.length);
    for (let i = 0; i < this.batch.size; i++) {
      const sv = s.values[i];
      for (let k = r.offsets[i]; k < r.offsets[i + 1]; k++) values[k] = a.kind === 'ragged' ? f(r.values[k], sv) : f(sv, r.values[k]);
    }
    return { ...r, values };
  }

  private call(name: string, args: Column[]): Column {
    switch (name) {
      case 'abs':
        return this.map1(args[0], Math.abs);
      case 'sqrt':
        return this.map1(args[0], Math.sqrt);
      case 'log':
        return this.map1(args[0], Math.log);
      case 'sum':
      case 'min':
      case 'max': {
        const f = name === 'sum' ? (a: number, b: number) => a + b : name === 'min' ? Math.min : Math.max;
        if (args.length === 1) {
          const a = args[0];
          if (a.kind === 'scalar') return a;
          const out = new Float64Array(this.batch.size);
          for (let i = 0; i < this.batch.size; i++) {
            const from = a.offsets[i], to = a.offsets[i + 1];
            if (from === to) out[i] = name === 'sum' ? 0 : NaN;
            else {
              let acc = a.values[from];
              for (let k = from + 1; k < to; k++) acc = f(acc, a.values[k]);
              out[i] = acc;
            }
          }
          return { kind: 'scalar', values: out };
        }
        return args.reduce((acc, c) => this.map2(acc, c, f));
      }
    }
    throw new HmlError('expression.unknown-function', `unknown function '${name}'; use abs, sqrt, log, sum, min or max`);
  }

  // ------------------------------------------------------------------ objects

  private select(ref: ObjectRefNode): Sel {
    const coll = this.collection(ref.name);
    const nEv = this.batch.size;
    const offsets = new Uint32Array(nEv + 1);
    const rows: number[] = [];
    for (let ev = 0; ev < nEv; ev++) {
      offsets[ev] = rows.length;
      const from = coll.offsets[ev], count = coll.offsets[ev + 1] - from;
      pick(ref, count, (k) => rows.push(from + k));
    }
    offsets[nEv] = rows.length;
    let sel: Sel = { coll, offsets, rows: Uint32Array.from(rows), single: ref.selection.kind === 'index', domain: objectDomain({ ...ref, child: undefined }) };
    let child = ref.child;
    while (child) {
      sel = this.selectChild(sel, child);
      child = child.child;
    }
    return sel;
  }

  /** Children (constituents or subjets) of each selected object, with the child's own index/slice per parent. */
  private selectChild(parent: Sel, ref: ObjectRefNode): Sel {
    const nEv = this.batch.size;
    const offsets = new Uint32Array(nEv + 1);
    const rows: number[] = [], parents: number[] = [];
    let coll: Collection;
    let childrenOf: (p: number) => ArrayLike<number>;
    if (ref.name === 'constituents') {
      const refs = parent.coll.constituents;
      coll = refs ? this.collection(refs.source) : emptyCollection('constituents', nEv);
      const src = coll;
      childrenOf = (p) => {
        if (!refs) return [];
        // ordered by decreasing pT within the jet (catalog)
        const list = Array.from(refs.index.subarray(refs.offsets[p], refs.offsets[p + 1]));
        const pt2 = (r: number): number => src.px[r] * src.px[r] + src.py[r] * src.py[r];
        return list.sort((x, y) => pt2(y) - pt2(x));
      };
    } else if (ref.name === 'subjets') {
      const sj = this.subjets(parent.coll);
      coll = sj.coll;
      childrenOf = (p) => {
        const out: number[] = [];
        for (let r = sj.perJet[p]; r < sj.perJet[p + 1]; r++) out.push(r);
        return out;
      };
    } else {
      throw new HmlError('expression.unknown-child', `'${ref.text}' is not a sub-collection; use constituents or subjets`);
    }
    for (let ev = 0; ev < nEv; ev++) {
      offsets[ev] = rows.length;
      for (let k = parent.offsets[ev]; k < parent.offsets[ev + 1]; k++) {
        const p = parent.rows[k];
        const kids = childrenOf(p);
        pick(ref, kids.length, (i) => {
          rows.push(kids[i]);
          parents.push(p);
        });
      }
    }
    offsets[nEv] = rows.length;
    return {
      coll, offsets, rows: Uint32Array.from(rows), parentColl: parent.coll, parentRows: Uint32Array.from(parents),
      single: parent.single && ref.selection.kind === 'index', domain: `${parent.domain}.${objectDomain({ ...ref, child: undefined })}`,
    };
  }

  /** kt subjets (R = subjetRadius, inclusive, by pT) of every jet of `jets`, cached per collection and radius. */
  private subjets(jets: Collection): { coll: Collection; perJet: Uint32Array } {
    const r = this.opts.subjetRadius ?? 0.3;
    let byR = subjetCache.get(jets);
    if (!byR) subjetCache.set(jets, (byR = new Map()));
    const hit = byR.get(r);
    if (hit) return hit;
    const refs = jets.constituents;
    const src = refs ? this.collection(refs.source) : undefined;
    const px: number[] = [], py: number[] = [], pz: number[] = [], e: number[] = [];
    const perJet = new Uint32Array(jets.px.length + 1);
    const evOff = new Uint32Array(this.batch.size + 1);
    const consOff: number[] = [0], consIdx: number[] = [];
    for (let ev = 0; ev < this.batch.size; ev++) {
      evOff[ev] = px.length;
      for (let j = jets.offsets[ev]; j < jets.offsets[ev + 1]; j++) {
        perJet[j] = px.length;
        if (!refs || !src) continue;
        const rows = refs.index.subarray(refs.offsets[j], refs.offsets[j + 1]);
        const cx = Float64Array.from(rows, (q) => src.px[q]), cy = Float64Array.from(rows, (q) => src.py[q]);
        const cz = Float64Array.from(rows, (q) => src.pz[q]), ce = Float64Array.from(rows, (q) => src.e[q]);
        const cs = cluster(cx, cy, cz, ce, { algorithm: 'kt', r });
        for (const k of cs.inclusiveJets(0)) {
          px.push(cs.px[k]);
          py.push(cs.py[k]);
          pz.push(cs.pz[k]);
          e.push(cs.e[k]);
          for (const c of cs.constituents(k)) consIdx.push(rows[c]);
          consOff.push(consIdx.length);
        }
      }
    }
    evOff[this.batch.size] = px.length;
    perJet[jets.px.length] = px.length;
    const coll: Collection = {
      name: `${jets.name}.subjets`, offsets: evOff, px: Float64Array.from(px), py: Float64Array.from(py), pz: Float64Array.from(pz), e: Float64Array.from(e), fields: {},
      constituents: refs ? { source: refs.source, offsets: Uint32Array.from(consOff), index: Uint32Array.from(consIdx) } : undefined, radius: r,
    };
    const out = { coll, perJet };
    byR.set(r, out);
    return out;
  }

  // ------------------------------------------------------------------ observables

  private observable(node: ObservableNode): Column {
    const name = node.name;
    if (!name) throw new HmlError('expression.object-not-value', 'an object selection is not a value here; add an observable, e.g. `.pt`');
    const spec = lookupObservable(name);
    const canonical = spec?.name ?? name;
    const arity = spec?.arity ?? 'each';
    const sels = node.objects.map((o) => this.select(o));
    const nEv = this.batch.size;
    if (arity === 'count') {
      const out = this.scalar(0);
      for (const s of sels) for (let i = 0; i < nEv; i++) out.values[i] += s.offsets[i + 1] - s.offsets[i];
      return out;
    }
    if (arity === 'combined') {
      const out = this.scalar();
      for (let i = 0; i < nEv; i++) {
        let x = 0, y = 0, z = 0, t = 0, ok = true;
        for (const s of sels) {
          if (s.single && s.offsets[i + 1] === s.offsets[i]) ok = false;
          for (let k = s.offsets[i]; k < s.offsets[i + 1]; k++) {
            const r = s.rows[k];
            x += s.coll.px[r];
            y += s.coll.py[r];
            z += s.coll.pz[r];
            t += s.coll.e[r];
          }
        }
        out.values[i] = ok ? mass(x, y, z, t) : NaN;
      }
      return out;
    }
    if (arity === 'pair') return this.pairs(canonical, sels, node);
    if (sels.length !== 1) throw new HmlError('expression.arity', `'${node.nameText ?? name}' takes one object reference, got ${sels.length}`);
    const s = sels[0];
    const f = this.valueFn(canonical, s);
    if (s.single) {
      const out = this.scalar();
      for (let i = 0; i < nEv; i++) if (s.offsets[i + 1] > s.offsets[i]) out.values[i] = f(s.offsets[i]);
      return out;
    }
    const values = new Float64Array(s.rows.length);
    for (let k = 0; k < values.length; k++) values[k] = f(k);
    return { kind: 'ragged', values, offsets: s.offsets, domain: s.domain };
  }

  /** Value of observable `name` for the k-th selected object of `s`. */
  private valueFn(name: string, s: Sel): (k: number) => number {
    const c = s.coll;
    const row = (k: number): number => s.rows[k];
    const field = (f: string): ((k: number) => number) => {
      const col = c.fields[f];
      return col ? (k) => col[row(k)] : () => NaN;
    };
    const rel = (g: (cc: Collection, r: number) => number): ((k: number) => number) => (k) => {
      if (!s.parentColl || !s.parentRows) return NaN;
      return Math.log(g(c, row(k)) / g(s.parentColl, s.parentRows[k]));
    };
    const ptOf = (cc: Collection, r: number): number => Math.hypot(cc.px[r], cc.py[r]);
    switch (name) {
      case 'px':
        return (k) => c.px[row(k)];
      case 'py':
        return (k) => c.py[row(k)];
      case 'pz':
        return (k) => c.pz[row(k)];
      case 'e':
        return (k) => c.e[row(k)];
      case 'pt':
        return (k) => ptOf(c, row(k));
      case 'eta':
        return (k) => pseudorapidity(c.px[row(k)], c.py[row(k)], c.pz[row(k)]);
      case 'phi':
        return (k) => phiOf(c.px[row(k)], c.py[row(k)]);
      case 'mass':
        return (k) => mass(c.px[row(k)], c.py[row(k)], c.pz[row(k)], c.e[row(k)]);
      case 'rapidity':
        return (k) => rapidity(c.px[row(k)], c.py[row(k)], c.pz[row(k)], c.e[row(k)]);
      case 'log_pt':
        return (k) => Math.log(ptOf(c, row(k)));
      case 'log_e':
        return (k) => Math.log(c.e[row(k)]);
      case 'log_pt_rel':
        return rel(ptOf);
      case 'log_e_rel':
        return rel((cc, r) => cc.e[r]);
      case 'charge':
        return field('charge');
      case 'pdg_id':
        return field('pdg_id');
      case 'b_tag':
      case 'tau_tag': {
        const g = field(name);
        return (k) => {
          const v = g(k);
          return Number.isNaN(v) ? NaN : Math.trunc(v) & 1;
        };
      }
      case 'n_constituents': {
        const refs = c.constituents;
        const stored = c.fields.n_constituents;
        if (refs) return (k) => refs.offsets[row(k) + 1] - refs.offsets[row(k)];
        return stored ? (k) => stored[row(k)] : () => NaN;
      }
    }
    if (/^tau[1-5]([1-5])?$/.test(name) || /^(d2|c2|e2|e3)(_b2)?$/.test(name) || name.startsWith('sd_')) {
      return (k) => jetSubstructure(this.batch, c, row(k), name, this.opts.substructure);
    }
    const col = c.fields[name];
    if (col) return (k) => col[row(k)];
    throw new HmlError('expression.unknown-observable', `unknown observable '${name}'`);
  }

  /** Pair observables: delta_r (η, φ), delta_phi (signed, wrapped), delta_eta. */
  private pairs(name: string, sels: Sel[], node: ObservableNode): Column {
    const nEv = this.batch.size;
    const f = (ca: Collection, ra: number, cb: Collection, rb: number): number => {
      const pa = phiOf(ca.px[ra], ca.py[ra]), pb = phiOf(cb.px[rb], cb.py[rb]);
      const dphi = wrapPhi(pa - pb);
      if (name === 'delta_phi') return dphi;
      const deta = pseudorapidity(ca.px[ra], ca.py[ra], ca.pz[ra]) - pseudorapidity(cb.px[rb], cb.py[rb], cb.pz[rb]);
      if (name === 'delta_eta') return deta;
      return Math.sqrt(deta * deta + dphi * dphi);
    };
    if (sels.length === 1) {
      // a sub-collection alone: relative to its parent jet's axis
      const s = sels[0];
      if (!s.parentColl || !s.parentRows) throw new HmlError('expression.arity', `'${node.nameText ?? name}' needs two objects (e.g. jet0,jet1.${name}) or a sub-collection (fatjet0.constituents.${name})`);
      const values = new Float64Array(s.rows.length);
      for (let k = 0; k < values.length; k++) values[k] = f(s.coll, s.rows[k], s.parentColl, s.parentRows[k]);
      if (s.single) {
        const out = this.scalar();
        for (let i = 0; i < nEv; i++) if (s.offsets[i + 1] > s.offsets[i]) out.values[i] = values[s.offsets[i]];
        return out;
      }
      return { kind: 'ragged', values, offsets: s.offsets, domain: s.domain };
    }
    if (sels.length !== 2) throw new HmlError('expression.arity', `'${node.nameText ?? name}' takes two object references`);
    const [a, b] = sels;
    if (a.single && b.single) {
      const out = this.scalar();
      for (let i = 0; i < nEv; i++) {
        if (a.offsets[i + 1] > a.offsets[i] && b.offsets[i + 1] > b.offsets[i]) out.values[i] = f(a.coll, a.rows[a.offsets[i]], b.coll, b.rows[b.offsets[i]]);
      }
      return out;
    }
    const same = a.domain === b.domain;
    const values: number[] = [];
    const offsets = new Uint32Array(nEv + 1);
    for (let i = 0; i < nEv; i++) {
      offsets[i] = values.length;
      for (let x = a.offsets[i]; x < a.offsets[i + 1]; x++) {
        for (let y = same ? x + 1 : b.offsets[i]; y < b.offsets[i + 1]; y++) values.push(f(a.coll, a.rows[x], b.coll, b.rows[y]));
      }
    }
    offsets[nEv] = values.length;
    return { kind: 'ragged', values: Float64Array.from(values), offsets, domain: `(${a.domain},${b.domain})` };
  }
}

/** Calls `take(k)` for the object positions 0..count−1 that `ref`'s index or slice selects. */
function pick(ref: ObjectRefNode, count: number, take: (k: number) => void): void {
  const s = ref.selection;
  if (s.kind === 'all') for (let k = 0; k < count; k++) take(k);
  else if (s.kind === 'index') {
    if (s.index < count) take(s.index);
  } else {
    const end = Math.min(s.end ?? count, count);
    for (let k = s.start; k < end; k++) take(k);
  }
}

function compareFn(op: string): (a: number, b: number) => boolean {
  switch (op) {
    case '<':
      return (a, b) => a < b;
    case '<=':
      return (a, b) => a <= b;
    case '>':
      return (a, b) => a > b;
    case '>=':
      return (a, b) => a >= b;
    case '==':
      return (a, b) => a === b;
    default:
      return (a, b) => a !== b && !Number.isNaN(a) && !Number.isNaN(b);
  }
}
