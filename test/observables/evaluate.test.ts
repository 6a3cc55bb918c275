/**
 * The evaluator on hand-built batches, one test per rule of CONTRACTS.md "Expression language".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CollectionBuilder, type Collection, type EventBatch } from '../../core/physics/events';
import { evaluateCut, evaluateCuts, evaluateObservable, type Column } from '../../core/observables';
import { addReconstruction } from '../../core/jets/reconstruct';

/** A massless four-vector from (pT, η, φ). */
function v(pt: number, eta: number, phi: number, m = 0): [number, number, number, number] {
  const px = pt * Math.cos(phi), py = pt * Math.sin(phi), pz = pt * Math.sinh(eta);
  return [px, py, pz, Math.sqrt(px * px + py * py + pz * pz + m * m)];
}

type Obj = { p: [number, number, number, number]; f?: Record<string, number>; c?: number[] };

function coll(name: string, events: Obj[][], fields: string[] = [], source?: string): Collection {
  const b = new CollectionBuilder(name, fields, source, source ? 0.8 : undefined);
  for (const ev of events) {
    for (const o of ev) b.add(...o.p, o.f, o.c);
    b.endEvent();
  }
  return b.finish();
}

/**
 * Event 0: two jets (100, 40 GeV), one electron (20 GeV), a fat jet with 3 constituents.
 * Event 1: one jet (60 GeV), no electron, no fat jet.
 * Event 2: nothing.
 */
function batch(): EventBatch {
  const particle = coll('particle', [[{ p: v(50, 0.1, 0.2) }, { p: v(30, 0.3, 0.1) }, { p: v(80, 0.2, 0.4) }], [], []]);
  const jet = coll('jet', [[{ p: v(100, 0.5, 0.0, 10), f: { b_tag: 3 } }, { p: v(40, -1.0, 2.0, 5), f: { b_tag: 2 } }], [{ p: v(60, 3.0, -3.0, 8), f: { b_tag: 1 } }], []], ['b_tag']);
  const electron = coll('electron', [[{ p: v(20, 0.4, 0.1) }], [], []]);
  const fatjet = coll('fatjet', [[{ p: [0, 0, 0, 0], f: { tau1: 0.5, tau2: 0.2 }, c: [0, 1, 2] }], [], []], ['tau1', 'tau2'], 'particle');
  // the fat jet's four-vector is the sum of its constituents
  for (let i = 0; i < 3; i++) {
    fatjet.px[0] += particle.px[i];
    fatjet.py[0] += particle.py[i];
    fatjet.pz[0] += particle.pz[i];
    fatjet.e[0] += particle.e[i];
  }
  return { size: 3, firstEvent: 0, weights: Float64Array.from([0.5, 1.5, 2]), collections: new Map([['particle', particle], ['jet', jet], ['electron', electron], ['fatjet', fatjet]]) };
}

function scalar(c: Column): number[] {
  assert.equal(c.kind, 'scalar');
  return Array.from(c.values);
}

function close(a: number, b: number, tol = 1e-9): boolean {
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
}

test('single objects give scalars with NaN where the object is missing; names are case-insensitive', () => {
  const b = batch();
  const pt0 = scalar(evaluateObservable(b, 'jet0.pt'));
  assert.ok(close(pt0[0], 100) && close(pt0[1], 60) && Number.isNaN(pt0[2]));
  const pt1 = scalar(evaluateObservable(b, 'Jet1.PT'));
  assert.ok(close(pt1[0], 40) && Number.isNaN(pt1[1]) && Number.isNaN(pt1[2]));
  const m = scalar(evaluateObservable(b, 'jet0.m'));
  assert.ok(close(m[0], 10, 1e-7));
});

test('collective objects give ragged columns; indices and slices are 0-based', () => {
  const b = batch();
  const c = evaluateObservable(b, 'jet.pt');
  assert.equal(c.kind, 'ragged');
  if (c.kind !== 'ragged') return;
  assert.deepEqual(Array.from(c.offsets), [0, 2, 3, 3]);
  assert.ok(close(c.values[0], 100) && close(c.values[1], 40) && close(c.values[2], 60));
  const s = evaluateObservable(b, 'jet1:.pt');
  assert.equal(s.kind, 'ragged');
  if (s.kind === 'ragged') assert.deepEqual(Array.from(s.offsets), [0, 1, 1, 1]);
});

test('comparisons with NaN are false; not of a false comparison is true', () => {
  const b = batch();
  assert.deepEqual(Array.from(evaluateCut(b, 'jet1.pt > 10')), [1, 0, 0]);
  assert.deepEqual(Array.from(evaluateCut(b, 'jet1.pt <= 10')), [0, 0, 0]);
  assert.deepEqual(Array.from(evaluateCut(b, 'jet1.pt != 10')), [1, 0, 0]);
  assert.deepEqual(Array.from(evaluateCut(b, 'not jet1.pt > 10')), [0, 1, 1]);
});

test('cuts reduce with all by default (true on empty), any when prefixed (false on empty), veto after reducing', () => {
  const b = batch();
  assert.deepEqual(Array.from(evaluateCut(b, 'jet.pt > 50')), [0, 1, 1]);
  assert.deepEqual(Array.from(evaluateCut(b, 'all jet.pt > 50')), [0, 1, 1]);
  assert.deepEqual(Array.from(evaluateCut(b, 'any jet.pt > 50')), [1, 1, 0]);
  assert.deepEqual(Array.from(evaluateCut(b, 'veto jet.pt > 50')), [1, 0, 0]);
  assert.deepEqual(Array.from(evaluateCut(b, 'veto any electron.pt > 10')), [0, 1, 1]);
  assert.deepEqual(Array.from(evaluateCut(b, 'veto any jet.pt > 1000')), [1, 1, 1]);
});

test('comparison chains, arithmetic with broadcasting, functions and their empty-list values', () => {
  const b = batch();
  assert.deepEqual(Array.from(evaluateCut(b, '50 < jet0.pt < 80')), [0, 1, 0]);
  const frac = evaluateObservable(b, 'jet.pt / jet0.pt');
  assert.equal(frac.kind, 'ragged');
  assert.ok(close(frac.values[1], 0.4) && close(frac.values[2], 1));
  const ht = scalar(evaluateObservable(b, 'sum(jet.pt)'));
  assert.ok(close(ht[0], 140) && close(ht[1], 60) && ht[2] === 0);
  const mx = scalar(evaluateObservable(b, 'max(jet.pt)'));
  assert.ok(close(mx[0], 100) && Number.isNaN(mx[2]));
  const mn = scalar(evaluateObservable(b, 'min(jet.pt)'));
  assert.ok(close(mn[0], 40) && Number.isNaN(mn[2]));
  assert.deepEqual(Array.from(evaluateCut(b, 'abs(jet0.eta) < 2.5')), [1, 0, 0]);
  const neg = scalar(evaluateObservable(b, '-jet0.pt + 2 * 3'));
  assert.ok(close(neg[0], -94));
  const sq = scalar(evaluateObservable(b, 'sqrt(jet0.pt) * log(jet0.pt)'));
  assert.ok(close(sq[0], 10 * Math.log(100)));
  assert.throws(() => evaluateObservable(b, 'jet.pt + electron.pt'), /cannot combine/);
});

test('pairs: scalar for two single objects, ragged over distinct pairs otherwise, relative to the parent for constituents', () => {
  const b = batch();
  const dr = scalar(evaluateObservable(b, 'jet0,jet1.delta_r'));
  const dphi = 2.0;
  assert.ok(close(dr[0], Math.hypot(1.5, dphi)), `${dr[0]}`);
  assert.ok(Number.isNaN(dr[1]));
  const pairs = evaluateObservable(b, 'jet,jet.delta_r');
  assert.equal(pairs.kind, 'ragged');
  if (pairs.kind === 'ragged') assert.deepEqual(Array.from(pairs.offsets), [0, 1, 1, 1]);
  const je = evaluateObservable(b, 'jet,electron.delta_phi');
  assert.equal(je.kind, 'ragged');
  if (je.kind === 'ragged') {
    assert.deepEqual(Array.from(je.offsets), [0, 2, 2, 2]);
    assert.ok(close(je.values[0], -0.1) && close(je.values[1], 1.9));
  }
  // Δφ wraps into (−π, π]
  const w = scalar(evaluateObservable(b, 'jet1,jet0.delta_phi'));
  assert.ok(close(w[0], 2.0));
  const rel = evaluateObservable(b, 'fatjet0.constituents.delta_r');
  assert.equal(rel.kind, 'ragged');
  assert.equal(rel.values.length, 3);
});

test('combined and count observables', () => {
  const b = batch();
  const mjj = scalar(evaluateObservable(b, 'jet0,jet1.inv_mass'));
  assert.ok(mjj[0] > 100 && Number.isNaN(mjj[1]) && Number.isNaN(mjj[2]));
  const m2 = scalar(evaluateObservable(b, 'jet:2.inv_mass'));
  assert.ok(close(m2[0], mjj[0]) && close(m2[1], 8, 1e-6) && m2[2] === 0);
  assert.deepEqual(scalar(evaluateObservable(b, 'jet.size')), [2, 1, 0]);
  assert.deepEqual(scalar(evaluateObservable(b, 'jet:1.size')), [1, 1, 0]);
  assert.deepEqual(scalar(evaluateObservable(b, 'fatjet0.constituents.size')), [3, 0, 0]);
  assert.deepEqual(scalar(evaluateObservable(b, 'muon.size')), [0, 0, 0], 'a collection the batch lacks is empty');
  assert.deepEqual(scalar(evaluateObservable(b, 'fatjet0.n_constituents')).slice(0, 1), [3]);
});

test('constituents are ordered by pT and selected per jet; stored fields and Delphes bit fields', () => {
  const b = batch();
  const c = evaluateObservable(b, 'fatjet0.constituents.pt');
  assert.equal(c.kind, 'ragged');
  assert.ok(close(c.values[0], 80) && close(c.values[1], 50) && close(c.values[2], 30));
  const c1 = evaluateObservable(b, 'fatjet:1.constituents1:3.pt');
  assert.ok(close(c1.values[0], 50) && close(c1.values[1], 30) && c1.values.length === 2);
  assert.ok(close(scalar(evaluateObservable(b, 'fatjet0.constituents0.pt'))[0], 80));
  const rel = evaluateObservable(b, 'fatjet0.constituents.log_pt_rel');
  assert.ok(rel.values[0] < 0);
  assert.ok(close(scalar(evaluateObservable(b, 'fatjet0.tau21'))[0], 0.4), 'stored tau values are used');
  const bt = evaluateObservable(b, 'jet.b_tag');
  assert.deepEqual(Array.from(bt.values), [1, 0, 1]);
});

test('substructure of reconstructed jets comes from their constituents; ratio over zero is NaN', () => {
  const b = batch();
  addReconstruction(b, 'ak8', { algorithm: 'antikt', r: 0.8 }, ['particle']);
  assert.throws(() => addReconstruction(b, 'jet', { algorithm: 'antikt', r: 0.4 }, ['particle']), /clashes/);
  const opts = { collections: ['ak8'] };
  assert.deepEqual(scalar(evaluateObservable(b, 'ak8.size', opts)), [1, 0, 0]);
  const t1 = scalar(evaluateObservable(b, 'ak80.tau1', opts));
  assert.ok(t1[0] > 0 && t1[0] < 1);
  const t3 = scalar(evaluateObservable(b, 'ak80.tau3', opts));
  assert.equal(t3[0], 0, 'τ3 = 0 with 3 constituents');
  assert.ok(Number.isNaN(scalar(evaluateObservable(b, 'ak80.tau43', opts))[0]), 'ratio over τ3 = 0 is NaN');
  const sd = scalar(evaluateObservable(b, 'ak80.sd_mass', opts));
  assert.ok(sd[0] > 0 && Number.isNaN(sd[1]));
});

test('ragged booleans over different objects are reduced with all before and/or; cut flow counts and weights', () => {
  const b = batch();
  assert.deepEqual(Array.from(evaluateCut(b, 'jet.pt > 30 and electron.pt > 10')), [1, 1, 1]);
  assert.deepEqual(Array.from(evaluateCut(b, 'jet.pt > 50 or jet.pt < 45')), [1, 1, 1]);
  const r = evaluateCuts(b, ['jet.size >= 1', 'jet0.pt > 80']);
  assert.deepEqual(Array.from(r.mask), [1, 0, 0]);
  assert.deepEqual(r.cutflow.map((c) => [c.cut, c.events, c.weighted]), [['all events', 3, 4], ['jet.size >= 1', 2, 2], ['jet0.pt > 80', 1, 0.5]]);
  assert.throws(() => evaluateCut(b, 'jet0.pt >'), (e: Error) => e.name === 'HmlError');
});
