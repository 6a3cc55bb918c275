import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkExpression, parseCut, parseExpression, parseObjectSelection, type CheckOptions } from '../../core/expressions/index';

function check(text: string, options: CheckOptions) {
  const f = options.context === 'cut' ? parseCut : options.context === 'object' ? parseObjectSelection : parseExpression;
  const r = f(text, 0, { collections: options.collections });
  assert.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), [], text);
  return checkExpression(r.ast!, options);
}
const codes = (text: string, options: CheckOptions) => check(text, options).diagnostics.map((d) => d.code);

test('shapes of observables', () => {
  const obs: CheckOptions = { context: 'per-object' };
  const cases: [string, string, string | undefined][] = [
    ['jet0.pt', 'scalar', undefined],
    ['jet.pt', 'ragged', 'jet'],
    ['jet1:.pt', 'ragged', 'jet[1:]'],
    ['jet.size', 'scalar', undefined],
    ['fatjet0.constituents.pt', 'ragged', 'fatjet[0].constituents'],
    ['fatjet0.constituents.size', 'scalar', undefined],
    ['jet0,jet1.delta_r', 'scalar', undefined],
    ['jet0,jet.delta_r', 'ragged', 'pairs(jet[0];jet)'],
    ['jet:2.inv_mass', 'scalar', undefined],
    ['jet0,jet1.inv_mass', 'scalar', undefined],
    ['sum(jet.pt)', 'scalar', undefined],
    ['max(jet.pt)', 'scalar', undefined],
    ['max(jet0.pt, jet1.pt)', 'scalar', undefined],
    ['abs(jet.eta)', 'ragged', 'jet'],
    ['jet.pt / fatjet0.pt', 'ragged', 'jet'],
    ['fatjet0.constituents.delta_phi', 'ragged', 'fatjet[0].constituents'],
  ];
  for (const [text, shape, domain] of cases) {
    const r = check(text, obs);
    assert.deepEqual(r.diagnostics, [], text);
    assert.equal(r.shape, shape, text);
    assert.equal(r.domain, domain, text);
    assert.equal(r.type, 'number', text);
  }
  assert.equal(check('fatjet0.mass', obs).unit, 'GeV');
  assert.equal(check('fatjet0.tau21', obs).unit, '1');
});

test('a set feature must be one number per event', () => {
  assert.deepEqual(codes('fatjet.mass', { context: 'observable' }), ['expr-not-per-event']);
  assert.deepEqual(codes('jet0,jet.delta_r', { context: 'observable' }), ['expr-not-per-event']);
  assert.deepEqual(codes('jet0.pt > 3', { context: 'observable' }), ['expr-not-number']);
  assert.deepEqual(codes('max(fatjet.mass)', { context: 'observable' }), []);
});

test('cuts: booleans, broadcasting, reductions', () => {
  const cut: CheckOptions = { context: 'cut' };
  assert.deepEqual(codes('60 < fatjet0.mass < 120', cut), []);
  assert.equal(check('jet.pt > 30', cut).shape, 'ragged');
  assert.equal(check('any jet.pt > 30', cut).shape, 'scalar');
  assert.deepEqual(codes('jet.pt > 30 and abs(jet.eta) < 2.5', cut), []);
  assert.deepEqual(codes('fatjet.size > 0 and jet.pt > 30', cut), []);
  assert.deepEqual(codes('jet.pt > 30 and electron.pt > 10', cut), ['expr-shape-mismatch']);
  assert.deepEqual(codes('jet.pt > electron.pt', cut), ['expr-shape-mismatch']);
  assert.deepEqual(codes('(any jet.pt > 30) and (all electron.pt > 10)', cut), []);
  assert.deepEqual(codes('fatjet0.mass', cut), ['expr-not-boolean']);
  assert.deepEqual(codes('veto electron.pt > 10', cut), ['expr-veto-all']);
  assert.deepEqual(codes('veto any electron.pt > 10', cut), []);
  assert.deepEqual(codes('any fatjet0.pt > 10', cut), ['expr-prefix-no-effect']);
  assert.deepEqual(codes('jet0.pt + (jet1.pt > 3) > 1', cut), ['expr-type']);
  assert.deepEqual(codes('not jet0.pt', cut), ['expr-type', 'expr-not-boolean'].slice(0, 1));
});

test('names, object kinds and arity', () => {
  const obs: CheckOptions = { context: 'observable' };
  let r = check('fatjet0.tau2l', obs);
  assert.equal(r.diagnostics[0].code, 'expr-unknown-observable');
  assert.deepEqual(r.diagnostics[0].fixes?.[0].edits, [{ range: { start: 8, end: 13 }, newText: 'tau21' }]);
  r = check('fatjat0.mass', obs);
  assert.equal(r.diagnostics[0].code, 'expr-unknown-object');
  assert.deepEqual(r.diagnostics[0].range, { start: 0, end: 6 });
  assert.equal(r.diagnostics[0].fixes?.[0].edits[0].newText, 'fatjet');
  assert.deepEqual(codes('muon0.tau21', obs), ['expr-observable-object']);
  assert.deepEqual(codes('missinget0.eta', obs), ['expr-observable-object']);
  assert.deepEqual(codes('jet0.delta_r', obs), ['expr-observable-arity']);
  assert.deepEqual(codes('jet0,jet1.pt', obs), ['expr-observable-arity']);
  assert.deepEqual(codes('electron0.constituents.pt', obs), ['expr-bad-child']);
  assert.deepEqual(codes('jet0', obs), ['expr-missing-observable']);
  assert.deepEqual(codes('abz(jet0.pt)', obs), ['expr-unknown-function']);
  assert.deepEqual(codes('abs(jet0.pt, 2)', obs), ['expr-arguments']);
  assert.deepEqual(codes('subjet0.pt', obs), ['expr-subjet-context']);
  assert.deepEqual(codes('subjet0.pt', { context: 'observable', allowSubjet: true }), []);
  assert.deepEqual(codes('ak8_0.pt', { context: 'observable', collections: ['ak8_'] }), []);
  assert.deepEqual(codes('myjets0.tau21', { context: 'observable', collections: ['myjets'] }), []);
});

test('object context', () => {
  const r = check('fatjet0.constituents', { context: 'object' });
  assert.deepEqual(r.diagnostics, []);
  assert.equal(r.type, 'object');
  assert.equal(r.shape, 'ragged');
  assert.equal(r.objectKind, 'constituents');
  const s = check('subjet0', { context: 'object', allowSubjet: true });
  assert.equal(s.shape, 'scalar');
  assert.equal(s.objectKind, 'subjet');
});
