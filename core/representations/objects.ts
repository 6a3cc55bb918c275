import type { Collection, EventBatch } from '../physics/events';
import { HmlError } from '../util/errors';
import { pseudorapidity as etaOf, mass as massOf, phi as phiOf, pt as ptOf, rapidity as rapidityOf } from '../physics/fourvector';

/**
 * Direct access to objects and their constituents in an event batch, for the representations. Only the simple
 * forms `<collection><index>[.constituents][.<attribute>]` and `<collection>.size` are understood here; anything
 * else goes through the observable evaluator (core/observables).
 */
export interface ObjectPath {
  /** Lower-case collection name, e.g. `fatjet`. */
  readonly collection: string;
  /** 0-based object index in the event, or undefined for the whole collection. */
  readonly index?: number;
  readonly constituents: boolean;
  /** Attribute name (lower case), e.g. `pt`, `phi`, `charge`; undefined when the path ends at the object. */
  readonly attribute?: string;
}

const PATH = /^\s*([a-z_]+?)(\d+)?((?:\.constituents)?)(?:\.([a-z_][a-z0-9_]*))?\s*$/;

/** Parses a simple object path, or returns undefined when the expression is not one. Case-insensitive. */
export function parseObjectPath(expression: string): ObjectPath | undefined {
  const m = PATH.exec(expression.toLowerCase());
  if (!m) return undefined;
  const attr = m[4];
  if (attr === 'constituents') return { collection: m[1], index: m[2] === undefined ? undefined : Number(m[2]), constituents: true };
  return { collection: m[1], index: m[2] === undefined ? undefined : Number(m[2]), constituents: m[3] !== '', attribute: attr };
}

/** Attributes computed from the four-momentum; other names are looked up in `Collection.fields`. */
export const KINEMATIC_ATTRIBUTES: Readonly<Record<string, { unit: string; definition: string }>> = {
  pt: { unit: 'GeV', definition: 'transverse momentum' },
  eta: { unit: '1', definition: 'pseudorapidity' },
  phi: { unit: 'rad', definition: 'azimuth in (-pi, pi]' },
  y: { unit: '1', definition: 'rapidity' },
  rapidity: { unit: '1', definition: 'rapidity' },
  e: { unit: 'GeV', definition: 'energy' },
  energy: { unit: 'GeV', definition: 'energy' },
  et: { unit: 'GeV', definition: 'transverse energy E pT/|p|' },
  px: { unit: 'GeV', definition: 'momentum x component' },
  py: { unit: 'GeV', definition: 'momentum y component' },
  pz: { unit: 'GeV', definition: 'momentum z component' },
  p: { unit: 'GeV', definition: 'momentum magnitude' },
  mass: { unit: 'GeV', definition: 'invariant mass' },
  m: { unit: 'GeV', definition: 'invariant mass' },
};

/** Value of `attribute` for row `row` of `c` (NaN when the collection lacks that field). */
export function attributeValue(c: Collection, row: number, attribute: string): number {
  const px = c.px[row], py = c.py[row], pz = c.pz[row], e = c.e[row];
  switch (attribute) {
    case 'pt': return ptOf(px, py);
    case 'eta': return etaOf(px, py, pz);
    case 'phi': return phiOf(px, py);
    case 'y': case 'rapidity': return rapidityOf(px, py, pz, e);
    case 'e': case 'energy': return e;
    case 'px': return px;
    case 'py': return py;
    case 'pz': return pz;
    case 'p': return Math.hypot(px, py, pz);
    case 'et': { const p = Math.hypot(px, py, pz); return p > 0 ? (e * ptOf(px, py)) / p : 0; }
    case 'mass': case 'm': return massOf(px, py, pz, e);
    case 'one': return 1;
    default: {
      const f = c.fields[attribute];
      return f ? f[row] : NaN;
    }
  }
}

/** The collection, or an error that says how to get it. */
export function requireCollection(batch: EventBatch, name: string, what: string): Collection {
  const c = batch.collections.get(name);
  if (!c) {
    throw new HmlError('missing-collection', `${what} needs the collection '${name}', which these events do not have; add it under 'reconstruction:' or use one of: ${[...batch.collections.keys()].join(', ') || '(none)'}`, { location: { event: batch.firstEvent }, exitCode: 1 });
  }
  return c;
}

/**
 * Constituent rows of object `index` of `collection` in event `event`, as row numbers of the source collection;
 * an empty array when the event has fewer objects.
 */
export function constituentRows(batch: EventBatch, jets: Collection, event: number, index: number): { source: Collection; rows: Uint32Array; jetRow: number } | undefined {
  const refs = jets.constituents;
  if (!refs) {
    throw new HmlError('no-constituents', `collection '${jets.name}' carries no constituents; build it with 'reconstruction:' (clustering keeps constituents) or choose a collection that has them`, { location: { event: batch.firstEvent + event }, exitCode: 1 });
  }
  const first = jets.offsets[event];
  if (first + index >= jets.offsets[event + 1]) return undefined;
  const jetRow = first + index;
  const source = requireCollection(batch, refs.source, `the constituents of '${jets.name}'`);
  return { source, rows: refs.index.subarray(refs.offsets[jetRow], refs.offsets[jetRow + 1]), jetRow };
}

/**
 * Evaluates a simple per-event path (`fatjet0.pt`, `jet1.eta`, `jet.size`) into one value per event (NaN where
 * the object is missing), or returns undefined when the path is not of that form.
 */
export function evaluateSimpleObservable(batch: EventBatch, expression: string): Float64Array | undefined {
  const p = parseObjectPath(expression);
  if (!p || p.constituents) return undefined;
  const out = new Float64Array(batch.size);
  const c = batch.collections.get(p.collection);
  if (p.index === undefined) {
    if (p.attribute !== 'size') return undefined;
    for (let i = 0; i < batch.size; i++) out[i] = c ? c.offsets[i + 1] - c.offsets[i] : 0;
    return out;
  }
  if (p.attribute === undefined) return undefined;
  for (let i = 0; i < batch.size; i++) {
    const row = c ? c.offsets[i] + p.index : 0;
    out[i] = c && row < c.offsets[i + 1] ? attributeValue(c, row, p.attribute) : NaN;
  }
  return out;
}
