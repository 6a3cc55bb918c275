import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FUNCTIONS, OBJECT_KINDS, OBSERVABLES, closest, lookupChildKind, lookupFunction, lookupObjectKind, lookupObservable, observableAccepts } from '../../core/expressions/index';

const REQUIRED = ['px', 'py', 'pz', 'e', 'pt', 'eta', 'phi', 'mass', 'charge', 'b_tag', 'tau_tag', 'size', 'tau1', 'tau2', 'tau3', 'tau4', 'tau5', 'tau21', 'tau32', 'inv_mass', 'delta_r', 'd2', 'c2', 'd2_b2', 'c2_b2', 'sd_mass', 'n_constituents', 'delta_phi', 'rapidity'];

test('the catalog covers the HML observables and the added substructure', () => {
  for (const name of REQUIRED) {
    const o = lookupObservable(name);
    assert.ok(o, name);
    assert.equal(o.name, name);
    assert.ok(o.doc.length > 10 && o.unit.length > 0, name);
  }
});

test('every tauMN with 1 <= N < M <= 5 exists, and no other', () => {
  for (let m = 1; m <= 5; m++) for (let n = 1; n <= 5; n++) assert.equal(lookupObservable(`tau${m}${n}`) !== undefined, n < m, `tau${m}${n}`);
  assert.equal(lookupObservable('tau6'), undefined);
});

test('names and aliases are case-insensitive and unique', () => {
  assert.equal(lookupObservable('PT')?.name, 'pt');
  assert.equal(lookupObservable('M')?.name, 'mass');
  assert.equal(lookupObservable('E')?.name, 'e');
  assert.equal(lookupObservable('dR')?.name, 'delta_r');
  assert.equal(lookupObservable('softdrop_mass')?.name, 'sd_mass');
  const seen = new Map<string, string>();
  for (const o of OBSERVABLES) {
    for (const n of [o.name, ...o.aliases]) {
      assert.equal(n, n.toLowerCase(), `${n} must be lower case`);
      assert.ok(!seen.has(n), `${n} is used by ${seen.get(n)} and ${o.name}`);
      seen.set(n, o.name);
    }
  }
  assert.equal(lookupObjectKind('Jets')?.name, 'jet');
  assert.equal(lookupObjectKind('MET')?.name, 'missinget');
  assert.equal(lookupChildKind('constituent')?.name, 'constituents');
});

test('object kinds: the Delphes collections, with docs', () => {
  for (const k of ['particle', 'jet', 'fatjet', 'electron', 'muon', 'photon', 'missinget', 'eflowtrack', 'eflowphoton', 'eflowneutralhadron', 'track', 'tower', 'genjet', 'subjet']) {
    const spec = OBJECT_KINDS.find((x) => x.name === k);
    assert.ok(spec && spec.level === 'top' && spec.doc.length > 10, k);
  }
  assert.deepEqual(lookupObjectKind('fatjet')?.children, ['constituents', 'subjets']);
});

test('which objects an observable accepts', () => {
  const tau21 = lookupObservable('tau21')!;
  assert.ok(observableAccepts(tau21, 'fatjet'));
  assert.ok(!observableAccepts(tau21, 'muon'));
  assert.ok(!observableAccepts(lookupObservable('eta')!, 'missinget'));
  assert.ok(observableAccepts(lookupObservable('phi')!, 'missinget'));
  assert.ok(!observableAccepts(lookupObservable('b_tag')!, 'electron'));
  assert.ok(observableAccepts(lookupObservable('charge')!, 'constituents'));
  assert.equal(lookupObservable('delta_r')!.arity, 'pair');
  assert.equal(lookupObservable('inv_mass')!.arity, 'combined');
  assert.equal(lookupObservable('size')!.arity, 'count');
});

test('functions and did-you-mean', () => {
  assert.deepEqual(FUNCTIONS.map((f) => f.name).sort(), ['abs', 'log', 'max', 'min', 'sqrt', 'sum']);
  assert.equal(lookupFunction('ABS')?.maxArgs, 1);
  assert.equal(closest('tau2l', ['tau21', 'tau32', 'pt']), 'tau21');
  assert.equal(closest('xyzzy', ['pt', 'eta']), undefined);
});
