/**
 * Reconstruction: jet collections built on an EventBatch from the analysis file's `reconstruction:` entries, and
 * lazily cached substructure per jet (so observables never recompute it).
 *
 * Units: GeV for momenta and `min_pt`; `r` is the jet radius in y–φ; `max_eta` bounds the jet's pseudorapidity |η|.
 *
 * Constituent references: a reconstructed jet's `constituents.source` names the collection its constituent rows
 * live in. With one input collection that is the input itself. With several (e.g. Delphes particle flow:
 * `eflowtrack`, `eflowphoton`, `eflowneutralhadron`) the inputs are first concatenated, event by event and in the
 * order given, into one derived collection named by joining the names with `+`
 * (`eflowtrack+eflowphoton+eflowneutralhadron`), which `reconstruct` registers on the batch; the jets point into
 * it. The derived collection keeps the inputs' common extra fields and adds `source_collection` (index of the
 * input it came from) and `source_row` (its row there).
 */
import type { Collection, EventBatch } from '../physics/events';
import { emptyCollection } from '../physics/events';
import { pseudorapidity, validateMomenta } from '../physics/fourvector';
import { HmlError } from '../util/errors';
import { cluster, type JetAlgorithm } from './cluster';
import { energyCorrelation, nsubjettiness, softDrop, type NsubjettinessAxes } from './substructure';

/** One `reconstruction:` jet entry. */
export interface JetReconstruction {
  algorithm: JetAlgorithm;
  /** Jet radius R (y–φ). */
  r: number;
  /** genkt exponent. */
  p?: number;
  /** Minimum jet pT in GeV (default 0). */
  min_pt?: number;
  /** Maximum |η| of the jet (default: none). */
  max_eta?: number;
}

/** The input collections of a reconstruction as one collection (the input itself when there is only one). */
export function concatCollections(batch: EventBatch, names: readonly string[]): Collection {
  if (names.length === 1) return batch.collections.get(names[0]) ?? emptyCollection(names[0], batch.size);
  const name = names.join('+');
  const existing = batch.collections.get(name);
  if (existing) return existing;
  const parts = names.map((n) => batch.collections.get(n) ?? emptyCollection(n, batch.size));
  const total = parts.reduce((s, c) => s + c.px.length, 0);
  const fieldNames = Object.keys(parts[0].fields).filter((f) => parts.every((c) => f in c.fields));
  const out = {
    px: new Float64Array(total), py: new Float64Array(total), pz: new Float64Array(total), e: new Float64Array(total),
  };
  const fields: Record<string, Float64Array> = {};
  for (const f of fieldNames) fields[f] = new Float64Array(total);
  const srcColl = new Float64Array(total), srcRow = new Float64Array(total);
  const offsets = new Uint32Array(batch.size + 1);
  let w = 0;
  for (let ev = 0; ev < batch.size; ev++) {
    offsets[ev] = w;
    parts.forEach((c, ci) => {
      for (let r = c.offsets[ev]; r < c.offsets[ev + 1]; r++) {
        out.px[w] = c.px[r];
        out.py[w] = c.py[r];
        out.pz[w] = c.pz[r];
        out.e[w] = c.e[r];
        for (const f of fieldNames) fields[f][w] = c.fields[f][r];
        srcColl[w] = ci;
        srcRow[w] = r;
        w++;
      }
    });
  }
  offsets[batch.size] = w;
  fields.source_collection = srcColl;
  fields.source_row = srcRow;
  const derived: Collection = { name, offsets, ...out, fields };
  batch.collections.set(name, derived);
  return derived;
}

/**
 * Clusters `inputs` of every event of `batch` into jets named `name`: inclusive jets with pT ≥ min_pt (and
 * |η| ≤ max_eta), sorted by decreasing pT, with constituent references (see the module doc) and `radius` = r.
 * Input momenta are validated first: NaN/∞ components, negative energy or E < |p| beyond rounding throw an
 * HmlError naming the event (batch.firstEvent + i) and the particle. Does not add the jets to the batch; see
 * `addReconstruction`.
 */
export function reconstruct(batch: EventBatch, name: string, def: JetReconstruction, inputs: readonly string[]): Collection {
  if (inputs.length === 0) throw new HmlError('reconstruction.no-inputs', `reconstruction '${name}' needs at least one input collection`);
  const src = concatCollections(batch, inputs);
  const minPt = def.min_pt ?? 0, maxEta = def.max_eta ?? Infinity;
  const jdef = { algorithm: def.algorithm, r: def.r, p: def.p };
  const px: number[] = [], py: number[] = [], pz: number[] = [], e: number[] = [];
  const offsets = new Uint32Array(batch.size + 1);
  const consOffsets: number[] = [0];
  const consIndex: number[] = [];
  for (let ev = 0; ev < batch.size; ev++) {
    offsets[ev] = px.length;
    const from = src.offsets[ev], to = src.offsets[ev + 1];
    validateMomenta(src.px, src.py, src.pz, src.e, from, to, batch.firstEvent + ev);
    const cs = cluster(src.px, src.py, src.pz, src.e, jdef, from, to - from);
    for (const j of cs.inclusiveJets(minPt)) {
      if (Math.abs(pseudorapidity(cs.px[j], cs.py[j], cs.pz[j])) > maxEta) continue;
      px.push(cs.px[j]);
      py.push(cs.py[j]);
      pz.push(cs.pz[j]);
      e.push(cs.e[j]);
      const cons = cs.constituents(j);
      cons.sort();
      for (let k = 0; k < cons.length; k++) consIndex.push(from + cons[k]);
      consOffsets.push(consIndex.length);
    }
  }
  offsets[batch.size] = px.length;
  return {
    name,
    offsets,
    px: Float64Array.from(px),
    py: Float64Array.from(py),
    pz: Float64Array.from(pz),
    e: Float64Array.from(e),
    fields: {},
    constituents: { source: src.name, offsets: Uint32Array.from(consOffsets), index: Uint32Array.from(consIndex) },
    radius: def.r,
  };
}

/**
 * Runs `reconstruct` and registers the result on the batch under `name`. A name the batch already has (e.g. a
 * Delphes `jet`) is an error unless `replace` is true (CONTRACTS "Event model").
 */
export function addReconstruction(batch: EventBatch, name: string, def: JetReconstruction, inputs: readonly string[], replace = false): Collection {
  if (batch.collections.has(name) && !replace) {
    throw new HmlError('reconstruction.name-clash', `reconstruction '${name}' clashes with the collection '${name}' the events already have; rename it or add \`replace: true\``);
  }
  const jets = reconstruct(batch, name, def, inputs);
  batch.collections.set(name, jets);
  return jets;
}

// ---------------------------------------------------------------------------------------------------------------
// Substructure per jet, computed on first use and cached per collection.

/** Default R0 (jet radius) when a collection does not say: Delphes CMS card values. */
export function defaultRadius(c: Collection): number {
  return c.radius ?? (c.name === 'fatjet' ? 0.8 : 0.4);
}

type Group = 'tau' | 'ecf1' | 'ecf2' | 'sd';
const cache = new WeakMap<Collection, Map<string, Float64Array>>();

/** Options of the substructure definitions (defaults as the module docs of substructure.ts say). */
export interface SubstructureOptions {
  axes?: NsubjettinessAxes;
}

function constituentRows(c: Collection, row: number): Uint32Array {
  const refs = c.constituents;
  if (!refs) return new Uint32Array(0);
  return refs.index.subarray(refs.offsets[row], refs.offsets[row + 1]);
}

/**
 * The cached values of group `g` for jet `row`, computed on first use. `arr[base]` counts what is filled: for
 * `tau` the number of τ_N computed (τ_1…τ_need only, so `tau21` never pays for the τ_3…τ_5 minimisations; the
 * kt seeds and one-pass axes of τ_N do not depend on how many are asked for), for the others 1.
 */
function group(batch: EventBatch, c: Collection, g: Group, row: number, opts: SubstructureOptions, need?: number): Float64Array {
  let byGroup = cache.get(c);
  if (!byGroup) {
    byGroup = new Map();
    cache.set(c, byGroup);
  }
  const width = g === 'tau' ? 5 : g === 'sd' ? 6 : 4;
  const key = g === 'tau' ? `tau:${opts.axes ?? 'onepass_kt'}` : g;
  let arr = byGroup.get(key);
  if (!arr) {
    arr = new Float64Array(c.px.length * (width + 1));
    byGroup.set(key, arr);
  }
  const base = row * (width + 1);
  const want = g === 'tau' ? (need ?? width) : 1;
  if (arr[base] < want) {
    const src = c.constituents ? batch.collections.get(c.constituents.source) : undefined;
    const rows = constituentRows(c, row);
    const vals = new Float64Array(width).fill(NaN);
    if (src) {
      // an empty jet gives τ = 0, e2 = e3 = 0 (C2, D2 NaN) and a zero groomed jet
      const r0 = defaultRadius(c);
      if (g === 'tau') vals.set(nsubjettiness(src, rows, r0, { axes: opts.axes, maxN: want }));
      else if (g === 'sd') {
        const sd = softDrop(src, rows, r0);
        vals.set([sd.px, sd.py, sd.pz, sd.e, sd.mass, sd.rows.length]);
      } else {
        const f = energyCorrelation(src, rows, g === 'ecf1' ? 1 : 2);
        vals.set([f.e2, f.e3, f.c2, f.d2]);
      }
    }
    arr.set(vals, base + 1);
    arr[base] = src ? want : width;
  }
  return arr.subarray(base + 1, base + 1 + width);
}

/** Substructure observables `jetSubstructure` knows. */
export const SUBSTRUCTURE_NAMES = ['tau1', 'tau2', 'tau3', 'tau4', 'tau5', 'd2', 'c2', 'e2', 'e3', 'd2_b2', 'c2_b2', 'e2_b2', 'e3_b2', 'sd_mass', 'sd_pt', 'sd_px', 'sd_py', 'sd_pz', 'sd_e', 'sd_n_constituents'] as const;

/**
 * One substructure value of jet `row` of collection `c` (a collection of the batch). Values the file stores
 * (Delphes `Tau` → `tau1`…`tau5`, `SoftDroppedP4` → `sd_*`) are used when present; otherwise the value is computed
 * from the constituents (through `c.constituents`) and cached. NaN when the jet has no constituent references and
 * the file stores nothing. `tauMN` ratios: τ_M/τ_N, NaN when τ_N = 0.
 */
export function jetSubstructure(batch: EventBatch, c: Collection, row: number, name: string, opts: SubstructureOptions = {}): number {
  const ratio = /^tau([1-5])([1-5])$/.exec(name);
  if (ratio) {
    const num = jetSubstructure(batch, c, row, `tau${ratio[1]}`, opts);
    const den = jetSubstructure(batch, c, row, `tau${ratio[2]}`, opts);
    return den === 0 ? NaN : num / den;
  }
  const stored = c.fields[name];
  if (stored && !Number.isNaN(stored[row])) return stored[row];
  const tau = /^tau([1-5])$/.exec(name);
  if (tau) return group(batch, c, 'tau', row, opts, Number(tau[1]))[Number(tau[1]) - 1];
  const ecf = /^(e2|e3|c2|d2)(_b2)?$/.exec(name);
  if (ecf) return group(batch, c, ecf[2] ? 'ecf2' : 'ecf1', row, opts)[['e2', 'e3', 'c2', 'd2'].indexOf(ecf[1])];
  if (name.startsWith('sd_')) {
    const sdField = (k: string): number | undefined => (c.fields[k] && !Number.isNaN(c.fields[k][row]) ? c.fields[k][row] : undefined);
    const sx = sdField('sd_px'), sy = sdField('sd_py');
    if (sx !== undefined && sy !== undefined && name === 'sd_pt') return Math.hypot(sx, sy);
    const v = group(batch, c, 'sd', row, opts);
    switch (name) {
      case 'sd_px':
        return v[0];
      case 'sd_py':
        return v[1];
      case 'sd_pz':
        return v[2];
      case 'sd_e':
        return v[3];
      case 'sd_mass':
        return v[4];
      case 'sd_pt':
        return Math.hypot(v[0], v[1]);
      case 'sd_n_constituents':
        return v[5];
    }
  }
  throw new HmlError('observable.unknown-substructure', `unknown substructure observable '${name}'`);
}
