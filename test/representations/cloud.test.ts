import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CollectionBuilder, type EventBatch } from '../../core/physics/events';
import { createRepresentation, checkRepresentation } from '../../core/representations';
import { HmlError } from '../../core/util/errors';

/** One event: a fatjet of three massless constituents around phi = pi (across the wrap), one event without a jet. */
function batch(): EventBatch {
  const parts = new CollectionBuilder('particle', ['pdg_id', 'charge']);
  const jets = new CollectionBuilder('fatjet', [], 'particle', 0.8);
  const cons: [number, number, number, number, number][] = [[0.1, 3.1, 30, 211, 1], [0.3, -3.1, 100, 22, 0], [-0.2, 3.0, 10, 11, -1]];
  let sx = 0, sy = 0, sz = 0, se = 0;
  for (const [eta, phi, pt, pdg, q] of cons) {
    const px = pt * Math.cos(phi), py = pt * Math.sin(phi), pz = pt * Math.sinh(eta), e = pt * Math.cosh(eta);
    parts.add(px, py, pz, e, { pdg_id: pdg, charge: q });
    sx += px; sy += py; sz += pz; se += e;
  }
  jets.add(sx, sy, sz, se, undefined, [0, 1, 2]);
  parts.endEvent(); jets.endEvent();
  parts.endEvent(); jets.endEvent();
  return { size: 2, firstEvent: 0, weights: new Float64Array([1, 1]), collections: new Map([['particle', parts.finish()], ['fatjet', jets.finish()]]) };
}

test('cloud features relative to the jet axis, hardest first, phi wrapped, zero padding and mask', () => {
  const b = batch();
  const j = b.collections.get('fatjet')!;
  const jpt = Math.hypot(j.px[0], j.py[0]), jeta = Math.asinh(j.pz[0] / jpt), jphi = Math.atan2(j.py[0], j.px[0]);
  const rep = createRepresentation({ type: 'cloud', object: 'fatjet0.constituents', features: ['delta_eta', 'delta_phi', 'log_pt', 'pt_fraction', 'log_pt_rel', 'delta_r', 'charge', 'pdg_class', 'is_photon', 'pdg_id'], max_particles: 4 });
  assert.deepEqual(rep.rowShape, [4, 10]);
  const rows = rep.evaluate(b);
  assert.equal(rows.n, 2);
  assert.deepEqual(Array.from(rows.mask!), [1, 1, 1, 0, 0, 0, 0, 0]);
  const F = 10;
  const get = (p: number, f: number) => rows.data[p * F + f];
  // hardest: the photon (100 GeV) at phi = -3.1, which is +0.04 from the jet axis near +pi... wrapped
  const wrap = (d: number) => Math.atan2(Math.sin(d), Math.cos(d));
  const expect = [[0.3, -3.1, 100, 22, 0, 3], [0.1, 3.1, 30, 211, 1, 1], [-0.2, 3.0, 10, 11, -1, 4]];
  expect.forEach(([eta, phi, pt, pdg, q, cls], p) => {
    assert.ok(Math.abs(get(p, 0) - (eta - jeta)) < 1e-6);
    assert.ok(Math.abs(get(p, 1) - wrap(phi - jphi)) < 1e-6 && Math.abs(get(p, 1)) < 0.2, `delta_phi wrapped: ${get(p, 1)}`);
    assert.ok(Math.abs(get(p, 2) - Math.log(pt)) < 1e-5);
    assert.ok(Math.abs(get(p, 3) - pt / jpt) < 1e-6);
    assert.ok(Math.abs(get(p, 4) - Math.log(pt / jpt)) < 1e-5);
    assert.ok(Math.abs(get(p, 5) - Math.hypot(get(p, 0), get(p, 1))) < 1e-6);
    assert.equal(get(p, 6), q);
    assert.equal(get(p, 7), cls);
    assert.equal(get(p, 8), pdg === 22 ? 1 : 0);
    assert.equal(get(p, 9), pdg);
  });
  for (let k = 3 * F; k < rows.data.length; k++) assert.equal(rows.data[k], 0, 'padding and the jet-less event are zero');
  // Only the selected events become rows.
  assert.equal(rep.evaluate(b, new Uint8Array([0, 1])).n, 1);
});

test('set: simple paths without an evaluator, NaN for a missing object, clear error for a list per event', () => {
  const b = batch();
  const rep = createRepresentation({ type: 'set', observables: ['fatjet0.pt', 'fatjet.size', 'fatjet1.pt'] });
  const rows = rep.evaluate(b);
  assert.equal(rows.n, 2);
  assert.equal(rows.data[1], 1);
  assert.ok(Number.isNaN(rows.data[2]) && Number.isNaN(rows.data[3]));
  assert.deepEqual(rep.features.map((f) => f.unit), ['GeV', '1', 'GeV']);
  const ragged = createRepresentation({ type: 'set', observables: ['fatjet.pt'] }, { evaluator: () => ({ offsets: new Uint32Array([0, 1, 1]), values: new Float64Array([5]) }) });
  assert.throws(() => ragged.evaluate(b), (e: unknown) => e instanceof HmlError && e.code === 'not-one-per-event' && /one value per event/.test(e.message));
});

test('settings are checked before any event: messages say what to write', () => {
  assert.deepEqual(checkRepresentation({ type: 'image', height: 'fatjet0.constituents.phi', width: 'fatjet0.constituents.eta', pixels: [33, 33], range: [[-1, 1], [-1, 1]] }), []);
  const bad = checkRepresentation({ type: 'image', height: 'fatjet0.pt', width: 'fatjet0.constituents.eta', pixels: [0, 33], range: [[1, -1], [-1, 1]], rotate: { axis: 'fatjet0', orientation: 10 }, normalize: 'sum' });
  assert.ok(bad.some((m) => /height must be a constituent coordinate/.test(m)));
  assert.ok(bad.some((m) => /pixels must be/.test(m)));
  assert.ok(bad.some((m) => /range must be/.test(m)));
  assert.ok(bad.some((m) => /rotate axis must be 'subjetK'/.test(m)));
  const set = checkRepresentation({ type: 'set', observables: ['fatjet0.mass', 'jet.pt', 'max(jet.pt)'] });
  assert.equal(set.length, 1);
  assert.match(set[0], /'jet.pt'.*one value per event/);
  assert.ok(checkRepresentation({ type: 'cloud', object: 'fatjet0.constituents', features: ['delta_eta', 'spin'], max_particles: 0 }).length === 2);
  assert.throws(() => createRepresentation({ type: 'cloud', object: 'fatjet0.pt', features: ['pt'], max_particles: 3 }), (e: unknown) => e instanceof HmlError && /constituents/.test(e.message));
});

test('cloud over a jet clustered from several particle-flow inputs: charge and class come from each input', async () => {
  const { reconstruct } = await import('../../core/jets/reconstruct');
  const tracks = new CollectionBuilder('eflowtrack', ['pdg_id', 'charge']);
  const photons = new CollectionBuilder('eflowphoton');
  const neutrals = new CollectionBuilder('eflowneutralhadron');
  const add = (b: CollectionBuilder, eta: number, phi: number, pt: number, f?: Record<string, number>) =>
    b.add(pt * Math.cos(phi), pt * Math.sin(phi), pt * Math.sinh(eta), pt * Math.cosh(eta), f);
  add(tracks, 0.1, 0.1, 50, { pdg_id: -211, charge: -1 });
  add(tracks, 0.0, 0.2, 5, { pdg_id: 11, charge: -1 });
  add(photons, 0.2, 0.0, 30);
  add(neutrals, -0.1, 0.1, 20);
  for (const b of [tracks, photons, neutrals]) b.endEvent();
  const batch: EventBatch = { size: 1, firstEvent: 0, weights: new Float64Array([1]), collections: new Map([['eflowtrack', tracks.finish()], ['eflowphoton', photons.finish()], ['eflowneutralhadron', neutrals.finish()]]) };
  batch.collections.set('fatjet', reconstruct(batch, 'fatjet', { algorithm: 'antikt', r: 1.0 }, ['eflowtrack', 'eflowphoton', 'eflowneutralhadron']));
  const rows = createRepresentation({ type: 'cloud', object: 'fatjet0.constituents', features: ['pt', 'charge', 'pdg_class', 'pdg_id'], max_particles: 4 }).evaluate(batch);
  const got = Array.from({ length: 4 }, (_, p) => Array.from(rows.data.subarray(p * 4, p * 4 + 4), (v) => Math.round(v * 1000) / 1000));
  assert.deepEqual(got, [[50, -1, 1, -211], [30, 0, 3, 0], [20, 0, 2, 0], [5, -1, 4, 11]]);
});
