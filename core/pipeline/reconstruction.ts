/**
 * `reconstruction:` applied to stored events: jets from the visible final-state particles (or Delphes particle
 * flow, towers, tracks). Kept apart from the observable evaluator so the reconstruction worker threads load only
 * the clustering code.
 */
import type { Analysis } from '../analysis/model';
import { addReconstruction } from '../jets/reconstruct';
import type { Collection, EventBatch } from '../physics/events';
import { HmlError } from '../util/errors';

export type Reconstruction = NonNullable<Analysis['reconstruction']>;

const INPUTS: Record<string, readonly string[]> = {
  particle: ['particle'],
  eflow: ['eflowtrack', 'eflowphoton', 'eflowneutralhadron'],
  tower: ['tower'],
  track: ['track'],
};

/**
 * Visible final-state particles (the `particle` input of `reconstruction:`): status 1 where a status is stored,
 * neutrinos dropped. Returns the name of the collection to cluster: `particle` itself when nothing is dropped
 * (the built-in generator stores only visible final-state particles), else a derived `particle:visible`.
 */
function visibleParticles(batch: EventBatch): string {
  const c = batch.collections.get('particle');
  if (!c) return 'particle';
  const name = 'particle:visible';
  if (batch.collections.has(name)) return name;
  const status = c.fields.status;
  const pdg = c.fields.pdg_id;
  // one pass into a mask with plain loops: this runs over every particle of every event (a closure and a Set
  // lookup per row cost as much as the clustering of the small-R jets)
  const n = c.px.length;
  const keep = new Uint8Array(n);
  let kept = 0;
  for (let r = 0; r < n; r++) {
    let k = !status || status[r] === 1;
    if (k && pdg) {
      const a = Math.abs(pdg[r]);
      k = a !== 12 && a !== 14 && a !== 16;
    }
    if (k) {
      keep[r] = 1;
      kept++;
    }
  }
  if (kept === n) return 'particle';
  const rows = new Uint32Array(kept);
  const offsets = new Uint32Array(batch.size + 1);
  let w = 0;
  for (let ev = 0; ev < batch.size; ev++) {
    offsets[ev] = w;
    for (let r = c.offsets[ev]; r < c.offsets[ev + 1]; r++) if (keep[r]) rows[w++] = r;
  }
  offsets[batch.size] = w;
  const take = (a: Float64Array): Float64Array => {
    const out = new Float64Array(kept);
    for (let i = 0; i < kept; i++) out[i] = a[rows[i]];
    return out;
  };
  const fields: Record<string, Float64Array> = {};
  for (const [k, v] of Object.entries(c.fields)) fields[k] = take(v);
  fields.source_row = Float64Array.from(rows);
  const derived: Collection = { name, offsets, px: take(c.px), py: take(c.py), pz: take(c.pz), e: take(c.e), fields };
  batch.collections.set(name, derived);
  return name;
}

/**
 * Applies `reconstruction:` to a batch in place (jet collections added, derived input collections registered) and
 * returns it. Pure per batch, so batches may be reconstructed in any order or thread with the same result.
 */
export function applyReconstruction(batch: EventBatch, reconstruction: Reconstruction): EventBatch {
  for (const [name, def] of Object.entries(reconstruction)) {
    const inputs = def.input === 'particle' ? [visibleParticles(batch)] : INPUTS[def.input];
    addReconstruction(batch, name, { algorithm: def.algorithm, r: def.r, p: def.p, min_pt: def.min_pt, max_eta: def.max_eta }, inputs, def.replace);
  }
  return batch;
}

/**
 * What reconstruction adds to a batch, as a batch of its own (same size, first event and weights): the jet
 * collections and derived multi-input collections they point into, never the stored collections again, so the
 * reconstruct stage's file is a few per cent of the events' size. Jets clustered from `particle:visible` point
 * back into `particle` (through its `source_row`), the same four-vectors in the same order.
 */
export function reconstructionDelta(batch: EventBatch, reconstruction: Reconstruction): EventBatch {
  const before = new Set(batch.collections.keys());
  applyReconstruction(batch, reconstruction);
  const visible = batch.collections.get('particle:visible');
  const collections = new Map<string, Collection>();
  for (const [name, c] of batch.collections) {
    if ((before.has(name) && !Object.hasOwn(reconstruction, name)) || name === 'particle:visible') continue;
    if (visible && c.constituents?.source === 'particle:visible') {
      const src = visible.fields.source_row;
      const index = new Uint32Array(c.constituents.index.length);
      for (let i = 0; i < index.length; i++) index[i] = src[c.constituents.index[i]];
      collections.set(name, { ...c, constituents: { source: 'particle', offsets: c.constituents.offsets, index } });
    } else collections.set(name, c);
  }
  return { size: batch.size, firstEvent: batch.firstEvent, weights: batch.weights, collections };
}

/** Adds a `reconstructionDelta` of the same events back onto their batch. */
export function mergeDelta(batch: EventBatch, delta: EventBatch, where: string): EventBatch {
  if (delta.size !== batch.size || delta.firstEvent !== batch.firstEvent) {
    throw new HmlError('reconstruct-mismatch', `${where}: reconstructed events ${delta.firstEvent}+${delta.size} do not match stored events ${batch.firstEvent}+${batch.size}; run \`hml clean\` on the analysis and run again`, { exitCode: 1 });
  }
  for (const [name, c] of delta.collections) batch.collections.set(name, c);
  return batch;
}
