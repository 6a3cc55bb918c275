import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ANALYSIS_SCHEMA, parseAnalysisText, schemaNodeAt, type ObjectNode, type SchemaNode } from '../../core/analysis/index';

/** Expands an LSP snippet with its defaults: `${1:x}` → x, `${2|a,b|}` → a, `$0` → ''. */
function expand(snippet: string): string {
  return snippet.replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1').replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\d+/g, '');
}

function walk(n: SchemaNode, path: string, visit: (n: SchemaNode, path: string) => void): void {
  visit(n, path);
  if (n.kind === 'object') for (const [k, f] of Object.entries(n.fields)) walk(f.node, `${path}.${k}`, visit);
  else if (n.kind === 'map') walk(n.values, `${path}.*`, visit);
  else if (n.kind === 'array') walk(n.items, `${path}[]`, visit);
  else if (n.kind === 'tagged') for (const [k, v] of Object.entries(n.variants)) walk(v, `${path}<${k}>`, visit);
  else if (n.kind === 'union') n.variants.forEach((v, i) => walk(v, `${path}|${i}`, visit));
}

test('every key has a description, every number its range, every enum value its doc', () => {
  walk(ANALYSIS_SCHEMA, '', (n, path) => {
    assert.ok(n.description.trim().length > 0, `${path}: no description`);
    if (n.kind === 'string' && n.enum) for (const e of n.enum) assert.ok(e.description.length > 0, `${path}=${e.value}: no description`);
  });
  const gev: string[] = [];
  walk(ANALYSIS_SCHEMA, '', (n, path) => {
    if (n.kind === 'number' && n.unit === 'GeV') gev.push(path);
  });
  for (const p of ['.samples.*.generator<builtin>.sqrt_s', '.reconstruction.*.min_pt']) assert.ok(gev.includes(p), p);
});

test('defaults satisfy their own schema', () => {
  // The smallest valid analysis picks up every default; it must validate clean.
  const r = parseAnalysisText('hml: 1\nsamples:\n  s: { label: signal, generator: { engine: builtin, process: w-jets } }\n  b: { label: background, generator: { engine: builtin, process: qcd-jets } }\nreconstruction:\n  fatjet: { r: 1.0 }\ndatasets:\n  d: { type: set, observables: [fatjet0.mass] }\n  i: { type: image, height: fatjet0.constituents.phi, width: fatjet0.constituents.eta }\n  c: { type: cloud, object: fatjet0.constituents }\nmethods:\n  m: { type: mlp, dataset: d }\n  n: { type: cnn, dataset: i }\n  p: { type: pfn, dataset: c }\n  g: { type: gbdt, dataset: d }\n  k: { type: cut-and-count, dataset: d }\nexport: {}\n');
  assert.deepEqual(r.diagnostics, []);
  const a = r.analysis!;
  assert.equal(a.seed, 0);
  assert.deepEqual(a.datasets.d.split, { train: 0.7, test: 0.3 });
  assert.deepEqual(a.export, { formats: ['onnx'], model_card: true, dataset: 'none', validation: true });
});

test('completion snippets expand to valid entries', () => {
  const base = (section: string, entry: string) => {
    const lines = ['hml: 1', 'samples:', '  s: { label: signal, generator: { engine: builtin, process: w-jets } }', '  b: { label: background, generator: { engine: builtin, process: qcd-jets } }', 'reconstruction:', '  fatjet: { r: 1.0 }', 'datasets:', '  features: { type: set, observables: [fatjet0.mass] }', '  images: { type: image, height: fatjet0.constituents.phi, width: fatjet0.constituents.eta }', '  constituents: { type: cloud, object: fatjet0.constituents }'];
    const indented = entry.split('\n').map((l) => '  ' + l).join('\n');
    if (section === 'datasets') lines.splice(7, 0, indented);
    else lines.push(`${section}:`, indented);
    return lines.join('\n') + '\n';
  };
  const samples = schemaNodeAt(['samples']);
  assert.equal(samples?.kind, 'map');
  const checked: string[] = [];
  if (samples?.kind === 'map' && samples.snippet) {
    const text = base('methods', 'm: { type: gbdt, dataset: features }').replace('samples:\n', `samples:\n${expand(samples.snippet).replace(/^/gm, '  ').replace(/^ {2}name:/m, '  extra:')}\n`);
    assert.deepEqual(parseAnalysisText(text).diagnostics, [], text);
    checked.push('sample');
  }
  for (const section of ['datasets', 'methods'] as const) {
    const t = schemaNodeAt([section, 'x']);
    assert.equal(t?.kind, 'tagged');
    if (t?.kind !== 'tagged') continue;
    for (const [name, v] of Object.entries(t.variants) as [string, ObjectNode][]) {
      assert.ok(v.snippet, `${section} ${name} has a snippet`);
      const entry = expand(v.snippet!).replace(/^(\w+):/, 'fresh:');
      const text = base(section, entry);
      assert.deepEqual(parseAnalysisText(text).diagnostics, [], text);
      checked.push(name);
    }
  }
  assert.equal(checked.length, 9);
});
