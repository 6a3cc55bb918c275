/**
 * Reconstruction on batches: several input collections are concatenated into one derived collection the jets
 * point into; jets are sorted by pT and filtered by min_pt and max_eta; bad momenta name the event; the
 * per-jet substructure cache returns the same values as direct computation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CollectionBuilder, type EventBatch } from '../../core/physics/events';
import { addReconstruction, concatCollections, jetSubstructure, reconstruct } from '../../core/jets/reconstruct';
import { cluster } from '../../core/jets/cluster';
import { nsubjettiness, softDrop } from '../../core/jets/substructure';
import { Rng } from '../../core/util/random';
import { generateEvent } from './fastjet-ref';

function batchOf(events: { px: Float64Array; py: Float64Array; pz: Float64Array; e: Float64Array }[], firstEvent = 0): EventBatch {
  // split each event's particles alternately into two collections, like tracks and neutrals
  const a = new CollectionBuilder('eflowtrack', ['charge']), b = new CollectionBuilder('eflowphoton', ['charge']);
  for (const ev of events) {
    for (let i = 0; i < ev.px.length; i++) (i % 2 ? b : a).add(ev.px[i], ev.py[i], ev.pz[i], ev.e[i], { charge: i % 2 ? 0 : 1 });
    a.endEvent();
    b.endEvent();
  }
  return { size: events.length, firstEvent, weights: new Float64Array(events.length).fill(1), collections: new Map([['eflowtrack', a.finish()], ['eflowphoton', b.finish()]]) };
}

test('several inputs: derived collection, constituent refs, pT order, min_pt and max_eta, radius', () => {
  const rng = new Rng(12);
  const events = [generateEvent(rng, 300), generateEvent(rng, 150), generateEvent(rng, 0)];
  const batch = batchOf(events);
  const jets = reconstruct(batch, 'ak4', { algorithm: 'antikt', r: 0.4, min_pt: 20, max_eta: 2.5 }, ['eflowtrack', 'eflowphoton']);
  const src = batch.collections.get('eflowtrack+eflowphoton');
  assert.ok(src, 'derived collection registered');
  const refs = jets.constituents;
  assert.ok(refs);
  assert.equal(refs.source, 'eflowtrack+eflowphoton');
  assert.equal(jets.radius, 0.4);
  assert.deepEqual(Object.keys(src.fields).sort(), ['charge', 'source_collection', 'source_row']);
  for (let ev = 0; ev < batch.size; ev++) {
    // the same jets as clustering the concatenated particles directly
    const from = src.offsets[ev], to = src.offsets[ev + 1];
    const cs = cluster(src.px, src.py, src.pz, src.e, { algorithm: 'antikt', r: 0.4 }, from, to - from);
    const expected = Array.from(cs.inclusiveJets(20)).filter((j) => Math.abs(Math.asinh(cs.pz[j] / cs.pt(j))) <= 2.5);
    assert.equal(jets.offsets[ev + 1] - jets.offsets[ev], expected.length, `event ${ev}`);
    let prev = Infinity;
    for (let k = jets.offsets[ev]; k < jets.offsets[ev + 1]; k++) {
      const pt = Math.hypot(jets.px[k], jets.py[k]);
      assert.ok(pt <= prev && pt >= 20);
      prev = pt;
      // constituents sum to the jet and map back to the inputs
      let sx = 0;
      for (let q: number = refs.offsets[k]; q < refs.offsets[k + 1]; q++) {
        const r: number = refs.index[q];
        assert.ok(r >= from && r < to);
        const orig = batch.collections.get(src.fields.source_collection[r] === 0 ? 'eflowtrack' : 'eflowphoton');
        assert.equal(orig?.px[src.fields.source_row[r]], src.px[r]);
        sx += src.px[r];
      }
      assert.ok(Math.abs(sx - jets.px[k]) <= 1e-9 * pt);
    }
  }
  assert.equal(concatCollections(batch, ['eflowtrack', 'eflowphoton']), src, 'built once per batch');
});

test('substructure cache equals direct computation; bad momenta name the event of the file', () => {
  const rng = new Rng(13);
  const batch = batchOf([generateEvent(rng, 400, 2, 3)], 40);
  const fj = addReconstruction(batch, 'ak8', { algorithm: 'antikt', r: 0.8, min_pt: 50 }, ['eflowtrack', 'eflowphoton']);
  const src = batch.collections.get('eflowtrack+eflowphoton');
  assert.ok(src && fj.constituents && fj.px.length > 0);
  const rows = fj.constituents.index.subarray(fj.constituents.offsets[0], fj.constituents.offsets[1]);
  const tau = nsubjettiness(src, rows, 0.8);
  assert.equal(jetSubstructure(batch, fj, 0, 'tau2'), tau[1]);
  assert.equal(jetSubstructure(batch, fj, 0, 'tau21'), tau[1] / tau[0]);
  assert.equal(jetSubstructure(batch, fj, 0, 'sd_mass'), softDrop(src, rows, 0.8).mass);
  assert.equal(jetSubstructure(batch, fj, 0, 'tau2', { axes: 'kt' }), nsubjettiness(src, rows, 0.8, { axes: 'kt' })[1]);
  const bad = batchOf([generateEvent(rng, 10), generateEvent(rng, 10)], 100);
  bad.collections.get('eflowtrack')!.e[7] = -1;
  assert.throws(() => reconstruct(bad, 'j', { algorithm: 'kt', r: 0.4 }, ['eflowtrack']), /event 101|negative energy/);
  try {
    reconstruct(bad, 'j', { algorithm: 'kt', r: 0.4 }, ['eflowtrack']);
  } catch (e) {
    assert.equal((e as { location?: { event?: number } }).location?.event, 101);
  }
});
