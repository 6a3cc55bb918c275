import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCut, parseExpression, parseObjectSelection, walkExpression, type ExprNode, type ObservableNode } from '../../core/expressions/index';
import { Rng } from '../../core/util/random';

function ok(text: string): ExprNode {
  const r = parseExpression(text);
  assert.deepEqual(r.diagnostics, [], `${text}: ${JSON.stringify(r.diagnostics)}`);
  assert.ok(r.ast);
  return r.ast;
}

/** Compact text form of a tree, to compare structure. */
function show(n: ExprNode): string {
  switch (n.kind) {
    case 'number':
      return String(n.value);
    case 'observable':
      return n.objects.map(showRef).join(',') + (n.name ? `.${n.name}` : '');
    case 'unary':
      return `(${n.op}${show(n.operand)})`;
    case 'binary':
      return `(${show(n.left)} ${n.op} ${show(n.right)})`;
    case 'compare':
      return `(${n.operands.map((o, i) => (i ? `${n.ops[i - 1]} ` : '') + show(o)).join(' ')})`;
    case 'logical':
      return `(${show(n.left)} ${n.op} ${show(n.right)})`;
    case 'not':
      return `(not ${show(n.operand)})`;
    case 'call':
      return `${n.name}(${n.args.map(show).join(', ')})`;
    case 'reduce':
      return `(${n.veto ? 'veto ' : ''}${n.mode} ${show(n.operand)})`;
    case 'error':
      return '<error>';
  }
}

function showRef(r: ObservableNode['objects'][number]): string {
  const s = r.selection;
  const sel = s.kind === 'all' ? '' : s.kind === 'index' ? `[${s.index}]` : `[${s.start}:${s.end ?? ''}]`;
  return r.name + sel + (r.child ? '.' + showRef(r.child) : '');
}

test('object references: index, all, slices, children', () => {
  assert.equal(show(ok('jet0.pt')), 'jet[0].pt');
  assert.equal(show(ok('jet.pt')), 'jet.pt');
  assert.equal(show(ok('jet:3.pt')), 'jet[0:3].pt');
  assert.equal(show(ok('jet1:.pt')), 'jet[1:].pt');
  assert.equal(show(ok('jet1:3.pt')), 'jet[1:3].pt');
  assert.equal(show(ok('fatjet0.constituents.pt')), 'fatjet[0].constituents.pt');
  assert.equal(show(ok('jet:3.constituents1:3.pt')), 'jet[0:3].constituents[1:3].pt');
  assert.equal(show(ok('jet0,jet1.delta_r')), 'jet[0],jet[1].delta_r');
  assert.equal(show(ok('jet.size')), 'jet.size');
});

test('names and aliases are case-insensitive and canonical in the tree', () => {
  assert.equal(show(ok('Jets0.PT')), 'jet[0].pt');
  assert.equal(show(ok('FatJet0.M')), 'fatjet[0].mass');
  assert.equal(show(ok('jet0,jet1.dR')), 'jet[0],jet[1].delta_r');
  assert.equal(show(ok('MET.phi')), 'missinget.phi');
  const n = ok('FatJet0.M') as ObservableNode;
  assert.equal(n.nameText, 'M');
  assert.equal(n.objects[0].text, 'FatJet');
});

test('collections defined in the analysis are not split at trailing digits', () => {
  const r = parseExpression('ak8.pt + ak80.pt', 0, { collections: ['ak8'] });
  assert.equal(show(r.ast!), '(ak8.pt + ak8[0].pt)');
  assert.equal(show(parseExpression('ak8.pt').ast!), 'ak[8].pt');
});

test('precedence: arithmetic, comparisons, not, and, or', () => {
  assert.equal(show(ok('1 + 2 * 3 - -4 / 2')), '((1 + (2 * 3)) - ((-4) / 2))');
  assert.equal(show(ok('a0.pt > 1 or b0.pt > 2 and not c0.pt > 3')), '((a[0].pt > 1) or ((b[0].pt > 2) and (not (c[0].pt > 3))))');
  assert.equal(show(ok('(a0.pt > 1 or b0.pt > 2) and c0.pt > 3')), '(((a[0].pt > 1) or (b[0].pt > 2)) and (c[0].pt > 3))');
  assert.equal(show(ok('a0.pt>1&&b0.pt>2||!c0.pt>3')), '(((a[0].pt > 1) and (b[0].pt > 2)) or (not (c[0].pt > 3)))');
});

test('chained comparisons keep all operands', () => {
  const n = ok('60 < fatjet0.mass <= 120');
  assert.equal(n.kind, 'compare');
  if (n.kind === 'compare') {
    assert.deepEqual(n.ops, ['<', '<=']);
    assert.equal(n.operands.length, 3);
  }
});

test('functions and prefixes', () => {
  assert.equal(show(ok('abs(jet0.eta) < 2.5')), '(abs(jet[0].eta) < 2.5)');
  assert.equal(show(ok('max(jet0.pt, jet1.pt, 3)')), 'max(jet[0].pt, jet[1].pt, 3)');
  assert.equal(show(ok('sum(jet.pt) > 500')), '(sum(jet.pt) > 500)');
  assert.equal(show(ok('veto any electron.pt > 10')), '(veto any (electron.pt > 10))');
  assert.equal(show(ok('veto muon.pt > 10')), '(veto all (muon.pt > 10))');
  assert.equal(show(ok('any(jet.pt > 30 and abs(jet.eta) < 2.5)')), '(any ((jet.pt > 30) and (abs(jet.eta) < 2.5)))');
  assert.equal(show(ok('fatjet.size > 0 and veto any electron.pt > 10')), '((fatjet.size > 0) and (veto any (electron.pt > 10)))');
  assert.equal(show(ok('min(jet0,jet1.delta_r, 3)')), 'min(jet[0],jet[1].delta_r, 3)');
});

test('ranges point into the file when a base offset is given', () => {
  const text = 'fatjet0.mass > 60';
  const r = parseCut(text, 1000);
  const n = r.ast!;
  assert.deepEqual(n.range, { start: 1000, end: 1017 });
  assert.equal(n.kind, 'compare');
  if (n.kind === 'compare') {
    const o = n.operands[0] as ObservableNode;
    assert.deepEqual(o.nameRange, { start: 1008, end: 1012 });
    assert.deepEqual(o.objects[0].nameRange, { start: 1000, end: 1006 });
    assert.deepEqual(o.objects[0].range, { start: 1000, end: 1007 });
    assert.deepEqual(n.opRanges[0], { start: 1013, end: 1014 });
  }
  // Every child range lies inside its parent's.
  walkExpression(n, (c, p) => {
    if (p) assert.ok(c.range.start >= p.range.start && c.range.end <= p.range.end, JSON.stringify([c, p]));
  });
});

test('errors are recovered with precise ranges and fixes', () => {
  let r = parseCut('(fatjet.size > 0');
  assert.deepEqual(r.diagnostics.map((d) => [d.code, d.range.start, d.range.end]), [['expr-unbalanced', 0, 1]]);
  assert.deepEqual(r.diagnostics[0].fixes?.[0].edits, [{ range: { start: 16, end: 16 }, newText: ')' }]);
  r = parseCut('fatjet.size = 1');
  assert.equal(r.diagnostics[0].code, 'expr-single-equals');
  assert.deepEqual(r.diagnostics[0].fixes?.[0].edits, [{ range: { start: 12, end: 13 }, newText: '==' }]);
  r = parseCut('jet0.pt > and jet1.pt > 3');
  assert.equal(r.diagnostics[0].code, 'expr-expected');
  assert.deepEqual(r.diagnostics[0].range, { start: 10, end: 13 });
  r = parseCut('jet0.pt > 3)');
  assert.equal(r.diagnostics[0].code, 'expr-unbalanced');
  r = parseCut('jet0.pt > 3 jet1.pt > 4');
  assert.equal(r.diagnostics[0].code, 'expr-unexpected');
  assert.deepEqual(r.diagnostics[0].range, { start: 12, end: 16 });
  r = parseCut('jet0.');
  assert.equal(r.diagnostics[0].code, 'expr-expected');
  r = parseCut('   ');
  assert.equal(r.ast, undefined);
  assert.equal(r.diagnostics[0].code, 'expr-empty');
  r = parseExpression('jet1:2.5.pt');
  assert.equal(r.diagnostics[0].code, 'expr-bad-slice');
  r = parseExpression('jet3:1.pt');
  assert.equal(r.diagnostics[0].code, 'expr-empty-slice');
  assert.equal(r.diagnostics[0].severity, 'warning');
});

test('object selections for object-valued keys', () => {
  assert.deepEqual(parseObjectSelection('fatjet0.constituents').diagnostics, []);
  assert.deepEqual(parseObjectSelection('subjet0').diagnostics, []);
  assert.equal(parseObjectSelection('fatjet0.mass').diagnostics[0].code, 'expr-not-object');
});

test('deep nesting gives a diagnostic, not a stack overflow', () => {
  for (const text of ['('.repeat(100000) + 'jet0.pt', '-'.repeat(100000) + '1', 'not '.repeat(50000) + 'x0.pt > 1', 'abs('.repeat(20000) + '1']) {
    const r = parseExpression(text);
    assert.ok(r.diagnostics.some((d) => d.code === 'expr-too-deep'), text.slice(0, 10));
  }
});

test('fuzz: random token soup never throws and ranges stay inside the text', () => {
  const seed = 20261122n;
  const rng = new Rng(seed);
  const pieces = ['jet', 'jet0', 'fatjet1', ':', '3', '.', 'pt', 'constituents', ',', '(', ')', '>', '<=', '==', '=', 'and', 'or', 'not', 'veto', 'any', 'abs', 'max', '+', '-', '*', '/', ' ', '1.5', 'e', '$', '"', 'tau21', '\u00e9', '\t', '!', '&&', '||'];
  for (let i = 0; i < 3000; i++) {
    let text = '';
    const n = 1 + rng.int(14);
    for (let j = 0; j < n; j++) text += pieces[rng.int(pieces.length)];
    try {
      for (const f of [parseExpression, parseCut, parseObjectSelection]) {
        const r = f(text, 7);
        for (const d of r.diagnostics) assert.ok(d.range.start >= 7 && d.range.end <= 7 + text.length && d.range.start <= d.range.end, `${JSON.stringify(text)} ${JSON.stringify(d)}`);
        if (r.ast) walkExpression(r.ast, (c) => assert.ok(c.range.start >= 7 && c.range.end <= 7 + text.length && c.range.start <= c.range.end, `${JSON.stringify(text)} ${JSON.stringify(c)}`));
      }
    } catch (err) {
      assert.fail(`fuzz case ${i} (seed ${seed}) ${JSON.stringify(text)}: ${String(err)}`);
    }
  }
});
