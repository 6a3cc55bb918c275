/**
 * The language service on fixtures with a `|` cursor (no server, no LSP transport).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CompletionItem, MarkupContent } from 'vscode-languageserver-types';
import { getLanguageService, type RunInfo } from '../../core/analysis/service/index';
import { createRunInfoReader } from '../../core/analysis/service/run-info';
import { stageFolderName } from '../../core/pipeline/plan';
import { BASE, doc, example, withCursor } from './fixture';

const ls = getLanguageService();
const labels = (marked: string, service = ls): string[] => {
  const w = withCursor(marked);
  return service.doComplete(w.doc, w.position).items.map((i) => i.label);
};
const item = (marked: string, label: string): CompletionItem | undefined => {
  const w = withCursor(marked);
  return ls.doComplete(w.doc, w.position).items.find((i) => i.label === label);
};
const hover = (marked: string): string => {
  const w = withCursor(marked);
  const h = ls.doHover(w.doc, w.position);
  return h ? (h.contents as MarkupContent).value : '';
};

test('completion: keys of a sample, without the ones present', () => {
  const l = labels(BASE.replace('    label: background\n', '    label: background\n    |\n'));
  assert.ok(l.includes('cross_section'));
  assert.ok(!l.includes('label'));
  // the key being typed stays offered (bench: the cursor at the end of an existing key)
  assert.ok(labels(BASE.replace('    label: signal', '    label|: signal')).includes('label'));
});

test('completion: keys of the method variant chosen by type:, inside a flow mapping', () => {
  const l = labels(BASE.replace('dataset: features, trees: 50 }', 'dataset: features, trees: 50, |}'));
  for (const k of ['depth', 'learning_rate', 'subsample']) assert.ok(l.includes(k), k);
  assert.ok(!l.includes('trees') && !l.includes('layers'));
});

test('completion: snippets for whole samples, datasets and methods', () => {
  const d = labels(BASE.replace('datasets:\n', 'datasets:\n  |\n'));
  assert.deepEqual(d, ['new dataset (set)', 'new dataset (image)', 'new dataset (cloud)']);
  const it = item(BASE.replace('methods:\n', 'methods:\n  |\n'), 'new method (gbdt)');
  assert.equal(it?.insertTextFormat, 2);
  assert.match((it?.textEdit as { newText: string }).newText, /type: gbdt/);
  const s = item(BASE.replace('samples:\n', 'samples:\n  |\n'), 'new sample');
  assert.match((s?.textEdit as { newText: string }).newText, /label: \$\{2\|signal,background\|\}/);
  // generator: one item per engine
  const g = withCursor(BASE.replace('    label: background\n', '    label: background\n    |\n'));
  const gens = ls.doComplete(g.doc, g.position).items.filter((i) => i.label === 'generator');
  assert.equal(gens.length, 0); // present already
  const g2 = withCursor('hml: 1\nsamples:\n  x:\n    label: signal\n    |\n');
  const engines = ls.doComplete(g2.doc, g2.position).items.filter((i) => i.label === 'generator').map((i) => i.labelDetails?.description);
  assert.deepEqual(engines, ['builtin', 'madgraph5', 'files']);
});

test('completion: enum values, built-in processes, booleans, references, metrics', () => {
  assert.deepEqual(labels(BASE.replace('label: background', 'label: |')), ['signal', 'background']);
  assert.deepEqual(labels(BASE.replace('process: qcd-jets', 'process: q|')), ['z-jets', 'w-jets', 'top-jets', 'higgs-bb', 'qcd-jets']);
  assert.deepEqual(labels(BASE.replace('    dataset: features\n', '    dataset: |\n')), ['features']);
  assert.deepEqual(labels(BASE.replace('methods: [bdt]', 'methods: [bdt, |]')), ['bdt', 'cuts']);
  const m = labels(BASE.replace('metrics: [auc, rejection@0.5]', 'metrics: [auc, |]'));
  for (const x of ['accuracy', 'auc', 'max_significance', 'rejection@0.5']) assert.ok(m.includes(x), x);
  assert.deepEqual(labels(BASE.replace('min_pt: 200 }', 'min_pt: 200, replace: | }')), ['true', 'false']);
});

test('completion: MadGraph5 run-card keys in settings:', () => {
  const text = 'hml: 1\nsamples:\n  z:\n    label: signal\n    generator:\n      engine: madgraph5\n      processes: ["p p > z j"]\n      settings:\n        pt|\n';
  const l = labels(text);
  for (const k of ['ptj', 'etaj', 'xqcut', 'ickkw']) assert.ok(l.includes(k), k);
  const it = item(text, 'xqcut');
  assert.match((it?.documentation as MarkupContent).value, /MLM/);
});

test('completion: objects and observables in expressions (after fatjet0. what a fat jet has)', () => {
  const after = labels(BASE.replace('observables: [fatjet0.mass, fatjet0.tau21]', 'observables: [fatjet0.mass, fatjet0.|]'));
  for (const x of ['tau21', 'tau32', 'd2', 'sd_mass', 'mass', 'constituents', 'subjets']) assert.ok(after.includes(x), x);
  assert.ok(!after.includes('pdg_id'));
  const met = labels(BASE.replace('  - fatjet.size > 0', '  - missinget.|'));
  assert.ok(met.includes('pt') && !met.includes('eta'));
  const cut = labels(BASE.replace('  - fatjet.size > 0', '  - fatjet.size > 0 and |'));
  for (const x of ['fatjet', 'jet', 'electron', 'abs', 'any', 'veto']) assert.ok(cut.includes(x), x);
  // a collection from reconstruction:
  const custom = labels(BASE.replace('  jet: { r: 0.4 }', '  jet: { r: 0.4 }\n  ak10: { r: 1.0 }').replace('  - fatjet.size > 0', '  - |'));
  assert.ok(custom.includes('ak10'));
  const quoted = labels(BASE.replace('observables: [fatjet0.mass, fatjet0.tau21]', 'observables: [fatjet0.mass, "jet0,jet1.|"]'));
  assert.ok(quoted.includes('delta_r') && quoted.includes('inv_mass'));
  const obj = labels('hml: 1\ndatasets:\n  c:\n    type: cloud\n    object: fatjet0.|\n');
  assert.ok(obj.includes('constituents'));
  const feats = labels('hml: 1\ndatasets:\n  c:\n    type: cloud\n    object: fatjet0.constituents\n    features: [delta_eta, |]\n');
  for (const f of ['delta_phi', 'log_pt', 'pdg_class', 'is_photon', 'pt_fraction']) assert.ok(feats.includes(f), f);
});

test('completion: plain text when the client has no snippets', () => {
  const plain = getLanguageService({ snippetSupport: false });
  const w = withCursor(BASE.replace('methods:\n', 'methods:\n  |\n'));
  const it = plain.doComplete(w.doc, w.position).items.find((i) => i.label === 'new method (gbdt)')!;
  assert.equal(it.insertTextFormat, 1);
  assert.doesNotMatch((it.textEdit as { newText: string }).newText, /\$/);
});

test('hover: observable formula and unit, key meaning, enum value, reference target', () => {
  const h = hover(BASE.replace('fatjet0.tau21]', 'fatjet0.ta|u21]'));
  assert.match(h, /N-subjettiness ratio/);
  assert.match(h, /\\tau_2 \/ \\tau_1/);
  assert.match(hover(BASE.replace('fatjet0.mass,', 'fatjet0.ma|ss,')), /GeV/);
  assert.match(hover(BASE.replace('min_pt: 200', 'min_p|t: 200')), /Minimum jet pT in GeV/);
  assert.match(hover(BASE.replace('process: qcd-jets', 'process: qcd-|jets')), /QCD dijet/);
  const ref = hover(BASE.replace('    dataset: features\n', '    dataset: feat|ures\n'));
  assert.match(ref, /Dataset \*\*features\*\* — set, defined at line 19/);
  assert.match(hover(BASE.replace('  bdt: {', '  bd|t: {')), /Method \*\*bdt\*\* — gbdt on features/);
  assert.match(hover(BASE.replace('metrics: [auc,', 'metrics: [a|uc,')), /ROC/);
});

test('definition, references and rename of a dataset and a method', () => {
  const w = withCursor(BASE.replace('    dataset: features\n', '    dataset: feat|ures\n'));
  const defs = ls.findDefinition(w.doc, w.position);
  assert.equal(defs.length, 1);
  assert.equal(defs[0].range.start.line, 18);
  assert.equal(ls.findReferences(w.doc, w.position, true).length, 3);
  assert.equal(ls.findReferences(w.doc, w.position, false).length, 2);
  const edit = ls.doRename(w.doc, w.position, 'table')!;
  const text = w.doc.getText();
  const lines = text.split('\n');
  for (const e of edit.changes![w.doc.uri]) assert.equal(lines[e.range.start.line].slice(e.range.start.character, e.range.end.character), 'features');
  assert.equal(ls.doRename(w.doc, w.position, 'bad name'), null);
  const m = withCursor(BASE.replace('methods: [bdt]', 'methods: [b|dt]'));
  assert.equal(ls.findReferences(m.doc, m.position, true).length, 2);
  assert.equal(ls.prepareRename(m.doc, m.position)?.placeholder, 'bdt');
  // samples have a definition too (their key)
  const s = withCursor(BASE.replace('  qcd:', '  q|cd:'));
  assert.equal(ls.findDefinition(s.doc, s.position)[0].range.start.line, 6);
});

test('document symbols outline the sections and their entries', () => {
  const syms = ls.findDocumentSymbols(doc(example('wjets-vs-qcd.hml.yaml')));
  const samples = syms.find((s) => s.name === 'samples')!;
  assert.deepEqual(samples.children!.map((c) => [c.name, c.detail]), [['wjets', 'signal · builtin · w-jets'], ['qcd', 'background · builtin · qcd-jets']]);
  assert.deepEqual(syms.find((s) => s.name === 'methods')!.children!.map((c) => c.name), ['cuts', 'bdt', 'mlp', 'cnn']);
});

test('semantic tokens cover objects, observables, operators and references', () => {
  const d = doc('hml: 1\npreselection:\n  - abs(fatjet0.eta) < 2 and jet.size > 1\nmethods:\n  m: { type: gbdt, dataset: x }\n');
  const data = ls.getSemanticTokens(d).data;
  const toks: { line: number; ch: number; len: number; type: number }[] = [];
  let line = 0;
  let ch = 0;
  for (let i = 0; i < data.length; i += 5) {
    line += data[i];
    ch = data[i] ? data[i + 1] : ch + data[i + 1];
    toks.push({ line, ch, len: data[i + 2], type: data[i + 3] });
  }
  const text = d.getText().split('\n');
  const words = toks.map((t) => `${text[t.line].slice(t.ch, t.ch + t.len)}:${t.type}`);
  assert.deepEqual(words.slice(0, 6), ['abs:3', 'fatjet:0', '0:1', 'eta:2', '<:5', '2:1']);
  assert.ok(words.includes('and:4') && words.includes('x:6'), words.join(' '));
});

test('code actions: did-you-mean for keys and observables, a missing split', () => {
  const d1 = doc(BASE.replace('trees: 50', 'tres: 50'));
  const diag1 = ls.doValidation(d1).find((d) => d.code === 'unknown-key')!;
  assert.ok(ls.getCodeActions(d1, diag1.range).some((a) => a.title.includes("'trees'")));
  const d2 = doc(BASE.replace('fatjet0.tau21]', 'fatjet0.tua21]'));
  const diag2 = ls.doValidation(d2).find((d) => d.code === 'expr-unknown-observable')!;
  const a2 = ls.getCodeActions(d2, diag2.range);
  assert.ok(a2.some((a) => a.title.includes('tau21')), JSON.stringify(a2.map((a) => a.title)));
  const d3 = doc(BASE.replace('split: { train: 0.7, test: 0.3 }', 'split: { train: 0.7, validation: 0.1 }'));
  const diag3 = ls.doValidation(d3).find((d) => d.code === 'missing-key')!;
  const fix = ls.getCodeActions(d3, diag3.range).find((a) => a.title.startsWith('Add the missing split'))!;
  assert.ok(fix, JSON.stringify(ls.getCodeActions(d3, diag3.range).map((a) => a.title)));
  const e = fix.edit!.changes![d3.uri][0];
  const lines = d3.getText().split('\n');
  const fixed = lines.map((l, i) => (i === e.range.start.line ? l.slice(0, e.range.start.character) + e.newText + l.slice(e.range.start.character) : l)).join('\n');
  assert.match(fixed, /split: \{ train: 0\.7, validation: 0\.1, test: 0\.2 \}/);
  assert.equal(ls.doValidation(doc(fixed)).filter((d) => d.severity === 1).length, 0);
  // a dataset without split: offer to write one out
  const d4 = doc('hml: 1\ndatasets:\n  t:\n    type: set\n    observables: [fatjet0.mass]\n');
  const add = ls.getCodeActions(d4, { start: { line: 3, character: 4 }, end: { line: 3, character: 4 } }).find((a) => a.title.startsWith('Add a split'))!;
  assert.equal(add.edit!.changes![d4.uri][0].newText, '\n    split: { train: 0.7, validation: 0.1, test: 0.2 }');
});

test('code lenses: Run per sample, dataset and method, and the last result from the run directory', () => {
  const info: RunInfo = {
    runDir: '/x',
    stages: { 'generate:wjets': { state: 'finished', time: new Date().toISOString(), crossSection: 12.5, events: 1000 } },
    results: { version: 1, analysis: 'a', name: 'a', cutflow: [], provenance: { engineVersion: '0', seed: 0, started: '', finished: '', host: '', stages: [] }, methods: [{ name: 'bdt', type: 'gbdt', dataset: 'features', metrics: [{ name: 'auc', value: 0.9531 }], workingPoints: [], roc: { full: { tpr: [], fpr: [], thresholds: [] }, decimated: { tpr: [], fpr: [], thresholds: [] } }, scores: { edges: [], train: { signal: [], background: [] }, test: { signal: [], background: [] } }, curves: [] }] },
  };
  const s = getLanguageService({ runInfo: () => info });
  const d = doc(BASE);
  const lenses = s.getCodeLenses(d);
  const runs = lenses.filter((l) => l.command!.title === '▶ Run').map((l) => l.command!.arguments![1]);
  assert.deepEqual(runs, ['generate:wjets', 'generate:qcd', 'dataset:features', 'train:bdt', 'train:cuts']);
  assert.deepEqual(lenses[0].command!.arguments, [d.uri]);
  const titles = lenses.map((l) => l.command!.title);
  assert.ok(titles.some((t) => /^σ = 12\.5 pb · 1000 events · done just now$/.test(t)), titles.join('|'));
  assert.ok(titles.some((t) => t.startsWith('auc 0.9531')), titles.join('|'));
  // inlay hints: units, and the last cross section of a sample
  const hints = s.getInlayHints(d, { start: { line: 0, character: 0 }, end: { line: 40, character: 0 } });
  const text = d.getText().split('\n');
  const at = hints.map((h) => `${h.position.line}:${String(h.label)}`);
  assert.ok(at.includes('5:GeV'), at.join(' ')); // pt: [250, 300] on line 6
  assert.ok(at.includes('13:GeV')); // min_pt: 200
  assert.ok(at.some((x) => x.startsWith('3:σ = 12.5 pb')), at.join(' '));
  assert.equal(text[5].slice(0, hints.find((h) => h.position.line === 5)!.position.character).endsWith('[250, 300]'), true);
});

test('document links for cards, files and model paths; folding ranges', () => {
  const text = 'hml: 1\nsamples:\n  z:\n    label: signal\n    generator:\n      engine: madgraph5\n      model: ./models/my_ufo\n      processes: ["p p > z j"]\n      cards: { delphes: "cards/delphes.tcl", run: missing.dat }\n  f:\n    label: background\n    generator: { engine: files, files: [events.hepmc, "run_*/x.lhe"] }\n';
  const s = getLanguageService({ resolvePath: (from, p) => (p === 'missing.dat' ? undefined : `file:///base/${p}`) });
  const links = s.findDocumentLinks(doc(text));
  assert.deepEqual(links.map((l) => l.target), ['file:///base/./models/my_ufo', 'file:///base/cards/delphes.tcl', 'file:///base/events.hepmc', 'file:///base/run_*/x.lhe']);
  const lines = text.split('\n');
  const l1 = links[1].range;
  assert.equal(lines[l1.start.line].slice(l1.start.character, l1.end.character), 'cards/delphes.tcl');
  const folds = ls.getFoldingRanges(doc(example('wjets-vs-qcd.hml.yaml')));
  const ex = example('wjets-vs-qcd.hml.yaml').split('\n');
  const samples = ex.indexOf('samples:');
  // the `samples:` block folds down to its last non-blank line before the next top-level key
  let next = samples + 1;
  while (next < ex.length && !/^[a-z]/.test(ex[next])) next++;
  let last = next - 1;
  while (ex[last].trim() === '') last--;
  assert.ok(last > samples + 10);
  assert.ok(folds.some((f) => f.startLine === samples && f.endLine === last), JSON.stringify(folds.slice(0, 5)));
});

test('workspace symbols across analysis files', () => {
  const a = ls.indexEntries(doc(example('wjets-vs-qcd.hml.yaml'), 'file:///w/a.hml.yaml'));
  const b = ls.indexEntries(doc(example('top-tagging.hml.yaml'), 'file:///w/b.hml.yaml'));
  const found = ls.findWorkspaceSymbols([...a, ...b], 'qcd');
  assert.ok(found.length >= 2);
  assert.ok(found.some((f) => f.location.uri === 'file:///w/a.hml.yaml') && found.some((f) => f.location.uri === 'file:///w/b.hml.yaml'));
  assert.equal(ls.findWorkspaceSymbols(a, '').length, a.length);
});

test('the run-directory reader reads state.json, stage records and results.json, cached by mtime', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hml-runinfo-'));
  const file = join(dir, 'ana.hml.yaml');
  writeFileSync(file, BASE);
  const run = join(dir, '.hml', 'ana');
  const read = createRunInfoReader(0);
  assert.equal(read(pathToFileURL(file).href), undefined);
  mkdirSync(join(run, stageFolderName('generate:wjets', 'k1')), { recursive: true });
  writeFileSync(join(run, stageFolderName('generate:wjets', 'k1'), 'stage.json'), JSON.stringify({ summary: { crossSection: 3.25, events: 900 } }));
  writeFileSync(join(run, 'state.json'), JSON.stringify({ 'generate:wjets': { key: 'k1', state: 'finished', time: '2026-01-01T00:00:00Z' }, 'train:bdt': { key: 'k2', state: 'failed', time: '2026-01-01T00:00:00Z', code: 'nan-loss' } }));
  const info = read(pathToFileURL(file).href)!;
  assert.equal(info.stages['generate:wjets'].crossSection, 3.25);
  assert.equal(info.stages['generate:wjets'].events, 900);
  assert.equal(info.stages['train:bdt'].state, 'failed');
  assert.equal(read(pathToFileURL(file).href), info); // unchanged files: the cached object
});

test('stale completion: the previous parse serves completion on a newer version (cursor from the new text)', () => {
  const s = getLanguageService({ staleCompletion: true });
  const uri = 'file:///tmp/hml-test/stale.hml.yaml';
  s.parse({ uri, version: 1, getText: () => BASE });
  const marked = BASE.replace('observables: [fatjet0.mass, fatjet0.tau21]', 'observables: [fatjet0.mass, fatjet0.tau21, fatjet0.|]');
  const w = withCursor(marked, uri);
  const v2 = { uri, version: 2, getText: () => w.doc.getText() };
  const items = s.doComplete(v2, w.position).items;
  assert.ok(items.some((i) => i.label === 'tau32'));
  const edit = items.find((i) => i.label === 'tau32')!.textEdit as { range: { start: { line: number; character: number } } };
  assert.deepEqual(edit.range.start, w.position);
  // keys still come from the schema variant the previous parse saw
  const k = withCursor(BASE.replace('  bdt: { type: gbdt, dataset: features, trees: 50 }', '  bdt: { type: gbdt, dataset: features, trees: 50, dep| }'), uri);
  assert.ok(s.doComplete({ uri, version: 3, getText: () => k.doc.getText() }, k.position).items.some((i) => i.label === 'depth'));
  // diagnostics always come from a fresh parse
  assert.equal(s.doValidation(v2).length, 1);
});
