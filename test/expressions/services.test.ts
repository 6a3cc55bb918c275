import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expressionCompletions, expressionHover, expressionTokens, parseCut } from '../../core/expressions/index';

test('semantic tokens cover objects, indices, observables, functions, keywords, numbers and operators', () => {
  const text = 'veto any abs(jet0.eta) > 2.5 and fatjet:2.constituents.pt < 3';
  const ast = parseCut(text, 10).ast!;
  const toks = expressionTokens(ast, text, 10).map((t) => [text.slice(t.range.start - 10, t.range.end - 10), t.type]);
  assert.deepEqual(toks, [
    ['veto', 'keyword'],
    ['any', 'keyword'],
    ['abs', 'function'],
    ['jet', 'object'],
    ['0', 'index'],
    ['eta', 'observable'],
    ['>', 'operator'],
    ['2.5', 'number'],
    ['and', 'keyword'],
    ['fatjet', 'object'],
    [':2', 'index'],
    ['constituents', 'object'],
    ['pt', 'observable'],
    ['<', 'operator'],
    ['3', 'number'],
  ]);
  const unknown = expressionTokens(parseCut('jet0.ptt > 1').ast!, 'jet0.ptt > 1').find((t) => t.type === 'observable');
  assert.equal(unknown?.unknown, true);
});

test('hover explains observables with formula and unit, objects, functions and keywords', () => {
  const text = 'fatjet0.tau21 < 0.5 and any jet.b_tag == 1';
  const ast = parseCut(text).ast!;
  const h = expressionHover(ast, text, 0, text.indexOf('tau21') + 2)!;
  assert.deepEqual(h.range, { start: 8, end: 13 });
  assert.match(h.contents, /τ2\/τ1|tau_2/);
  assert.match(expressionHover(ast, text, 0, 2)!.contents, /Large-radius jets/);
  assert.match(expressionHover(ast, text, 0, text.indexOf('any'))!.contents, /at least one/);
  const m = expressionHover(parseCut('fatjet0.mass > 3').ast!, 'fatjet0.mass > 3', 0, 9)!;
  assert.match(m.contents, /\[GeV\]/);
});

test('completion after a dot offers what the object accepts', () => {
  const labels = (t: string) => expressionCompletions(t, t.length).map((c) => c.label);
  const fat = labels('fatjet0.');
  assert.ok(fat.includes('tau21') && fat.includes('constituents') && fat.includes('sd_mass'));
  assert.ok(!fat.includes('delta_r'), 'pair observables need two objects');
  const mu = labels('muon0.');
  assert.ok(mu.includes('pt') && mu.includes('charge') && !mu.includes('tau21'));
  const pair = labels('jet0,jet1.');
  assert.ok(pair.includes('delta_r') && pair.includes('inv_mass') && !pair.includes('pt'));
  const cons = labels('fatjet0.constituents.');
  assert.ok(cons.includes('delta_eta') && cons.includes('log_pt_rel') && cons.includes('charge'));
  assert.ok(labels('x > 3 and ').includes('fatjet'));
  assert.ok(labels('').includes('abs'));
  assert.ok(labels('ak8.', ).length === 0);
  assert.ok(expressionCompletions('ak8.', 4, ['ak8']).some((c) => c.label === 'tau21'));
});
