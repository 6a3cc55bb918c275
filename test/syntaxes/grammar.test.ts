import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tokenize, type Tok } from './tokenize';

const ROOT = join(import.meta.dirname, '..', '..');

/** Scopes at the first character of `text` on a line (the YAML grammar may split a word into several tokens). */
function scopeOf(line: Tok[], text: string): string[] {
  const whole = line.map((x) => x.text).join('');
  const re = new RegExp(`(?<![\\w])${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
  const at = re.exec(whole)?.index ?? -1;
  assert.ok(at >= 0, `no '${text}' in '${whole}'`);
  let pos = 0;
  for (const t of line) {
    if (at < pos + t.text.length) return t.scopes;
    pos += t.text.length;
  }
  throw new Error('unreachable');
}

test('expressions are highlighted inside YAML values, YAML stays YAML', async () => {
  const text = [
    'hml: 1 # version',
    'preselection:',
    '  - fatjet.size > 0 and veto any electron.pt > 10',
    '  - "60 < fatjet0.mass < 120"',
    'datasets:',
    '  features:',
    '    type: set',
    '    observables: [fatjet0.tau21, "jet0,jet1.delta_r", abs(jet0.eta)]',
    '  images:',
    '    height: fatjet0.constituents.phi',
    '    rotate: { axis: subjet1, orientation: -90 }',
    '  cloud:',
    '    features: [delta_eta, log_pt]',
    '    observables:',
    '      - jet:3.constituents1:3.pt',
    'methods:',
    '  bdt: { type: gbdt, dataset: features }',
  ].join('\n');
  const lines = await tokenize(text);
  assert.ok(scopeOf(lines[0], 'hml').some((s) => s.startsWith('entity.name.tag')));
  assert.ok(scopeOf(lines[0], '# version').some((s) => s.startsWith('comment')));
  assert.ok(scopeOf(lines[2], 'fatjet').includes('variable.other.object.hml'));
  assert.ok(scopeOf(lines[2], 'size').includes('support.variable.property.observable.hml'));
  assert.ok(scopeOf(lines[2], 'and').includes('keyword.operator.logical.hml'));
  assert.ok(scopeOf(lines[2], 'veto').includes('keyword.control.reduction.hml'));
  assert.ok(scopeOf(lines[2], '>').includes('keyword.operator.comparison.hml'));
  assert.ok(scopeOf(lines[3], 'mass').includes('support.variable.property.observable.hml'));
  assert.ok(scopeOf(lines[3], '120').includes('constant.numeric.hml'));
  // A dataset called `features` is a YAML key, not an expression; its body stays YAML.
  assert.ok(!scopeOf(lines[5], 'features').some((s) => s.includes('expression')));
  assert.ok(!lines[6].some((t) => t.scopes.some((s) => s.includes('expression'))));
  assert.ok(scopeOf(lines[7], 'tau21').includes('support.variable.property.observable.hml'));
  assert.ok(scopeOf(lines[7], 'delta_r').includes('support.variable.property.observable.hml'));
  assert.ok(scopeOf(lines[7], 'abs').includes('support.function.hml'));
  assert.ok(scopeOf(lines[9], 'constituents').includes('variable.other.object.hml'));
  assert.ok(scopeOf(lines[9], 'phi').includes('support.variable.property.observable.hml'));
  assert.ok(scopeOf(lines[10], 'subjet').includes('variable.other.object.hml'));
  assert.ok(lines[10].some((t) => t.text === '1' && t.scopes.includes('constant.numeric.index.hml')));
  assert.ok(!scopeOf(lines[10], '-90').some((s) => s.includes('expression')));
  assert.ok(scopeOf(lines[12], 'log_pt').includes('support.variable.property.observable.hml'));
  assert.ok(scopeOf(lines[14], 'jet').includes('variable.other.object.hml'));
  assert.ok(lines[14].some((t) => t.text === ':3' && t.scopes.includes('constant.numeric.slice.hml')));
  assert.ok(!lines[16].some((t) => t.scopes.some((s) => s.includes('expression'))));
});

test('every example tokenises, with expressions found in each', async () => {
  for (const f of ['top-tagging.hml.yaml', 'wjets-vs-qcd.hml.yaml', 'zjets-vs-qcd-madgraph.hml.yaml']) {
    const lines = await tokenize(readFileSync(join(ROOT, 'examples', f), 'utf8'));
    const n = lines.flat().filter((t) => t.scopes.includes('support.variable.property.observable.hml')).length;
    assert.ok(n >= 3, `${f}: ${n} observables highlighted`);
  }
});

test('the language configuration keeps YAML comments, brackets and off-side folding', () => {
  const c = JSON.parse(readFileSync(join(ROOT, 'syntaxes', 'language-configuration.json'), 'utf8')) as { comments: { lineComment: string }; brackets: string[][]; folding: { offSide: boolean } };
  assert.equal(c.comments.lineComment, '#');
  assert.deepEqual(c.brackets, [['{', '}'], ['[', ']'], ['(', ')']]);
  assert.equal(c.folding.offSide, true);
});

test('the manifest makes *.hml.yaml open as hml, with this grammar and configuration', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    contributes: { languages: { id: string; filenamePatterns: string[]; configuration: string }[]; grammars: { language: string; scopeName: string; path: string }[]; configurationDefaults: Record<string, Record<string, string>> };
  };
  const lang = pkg.contributes.languages.find((l) => l.id === 'hml')!;
  assert.deepEqual(lang.filenamePatterns, ['*.hml.yaml', '*.hml.yml']);
  readFileSync(join(ROOT, lang.configuration));
  const g = pkg.contributes.grammars.find((x) => x.language === 'hml')!;
  assert.equal(g.scopeName, 'source.hml');
  assert.equal((JSON.parse(readFileSync(join(ROOT, g.path), 'utf8')) as { scopeName: string }).scopeName, 'source.hml');
  // A user-level association wins over any extension's (the Red Hat YAML extension claims *.yaml).
  assert.deepEqual(pkg.contributes.configurationDefaults['files.associations'], { '*.hml.yaml': 'hml', '*.hml.yml': 'hml' });
});

test('compact lists (items at the key\'s indentation) and the following key', async () => {
  const lines = await tokenize('preselection:\n- jet.size > 1\n- "any jet.b_tag == 1"\ndatasets:\n  d:\n    observables:\n    - fatjet0.mass\n    split: { train: 0.5, test: 0.5 }\n');
  assert.ok(scopeOf(lines[1], 'size').includes('support.variable.property.observable.hml'));
  assert.ok(scopeOf(lines[2], 'b_tag').includes('support.variable.property.observable.hml'));
  assert.ok(!lines[3].some((t) => t.scopes.some((s) => s.includes('expression'))));
  assert.ok(scopeOf(lines[6], 'mass').includes('support.variable.property.observable.hml'));
  assert.ok(!lines[7].some((t) => t.scopes.some((s) => s.includes('expression'))));
  assert.ok(scopeOf(lines[7], 'split').some((s) => s.startsWith('entity.name.tag')));
});
