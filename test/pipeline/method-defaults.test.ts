/**
 * What the language server documents is what runs: every method's settings as core/analysis/schema.ts fills them
 * in (defaults included) are accepted by that method's own settings parser, and the schema's names reach it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateText } from '../../core/analysis/validate';
import { resolveCutAndCountSettings } from '../../core/methods/cut-and-count/settings';
import { resolveGbdtSettings } from '../../core/methods/gbdt/settings';
import { parseSettings } from '../../core/methods/nn/settings';

const ANALYSIS = `hml: 1
samples:
  s: { label: signal, generator: { engine: builtin, process: w-jets, events: 10, pt: [250, 300] } }
  b: { label: background, generator: { engine: builtin, process: qcd-jets, events: 10, pt: [250, 300] } }
datasets:
  table: { type: set, observables: [particle0.pt] }
  image: { type: image, height: particle.phi, width: particle.eta, channel: particle.pt, pixels: [8, 8], range: [[-1, 1], [-1, 1]] }
  cloud: { type: cloud, object: particle, features: [pt, eta], max_particles: 8 }
methods:
  cuts: { type: cut-and-count, dataset: table }
  bdt: { type: gbdt, dataset: table }
  mlp: { type: mlp, dataset: table }
  cnn: { type: cnn, dataset: image }
  pfn: { type: pfn, dataset: cloud }
`;

/** The methods with every schema default filled in, as the pipeline passes them to the trainers. */
function defaultedMethods(text = ANALYSIS): Record<string, Record<string, unknown>> {
  const v = validateText(text);
  const errors = v.diagnostics.filter((d) => d.severity === 1);
  assert.deepEqual(errors.map((e) => e.message), []);
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, m] of Object.entries(v.analysis!.methods ?? {})) {
    const { type: _t, dataset: _d, ...settings } = m as Record<string, unknown>;
    out[name] = settings;
  }
  return out;
}

test("every method's schema defaults are accepted by its trainer's settings parser", () => {
  const m = defaultedMethods();
  // the schema fills in more than the type and the dataset, so this really exercises the defaults
  for (const name of ['cuts', 'bdt', 'mlp', 'cnn', 'pfn']) assert.ok(Object.keys(m[name]).length >= 3, name);
  const cuts = resolveCutAndCountSettings(m.cuts);
  assert.equal(cuts.bins, m.cuts.bins);
  assert.equal(cuts.topology, m.cuts.topology);
  assert.equal(cuts.objective, m.cuts.loss);
  const bdt = resolveGbdtSettings(m.bdt);
  assert.equal(bdt.trees, m.bdt.trees);
  assert.equal(bdt.maxDepth, m.bdt.depth);
  assert.equal(bdt.learningRate, m.bdt.learning_rate);
  assert.equal(bdt.lambda, m.bdt.l2);
  assert.equal(bdt.colsampleBytree, m.bdt.colsample);
  assert.equal(bdt.earlyStoppingRounds, m.bdt.early_stopping);
  assert.equal(bdt.bins, m.bdt.bins);
  for (const t of ['mlp', 'cnn', 'pfn'] as const) {
    const s = parseSettings(t, m[t]);
    assert.equal(s.epochs, m[t].epochs, t);
    assert.equal(s.batchSize, m[t].batch_size, t);
    assert.equal(s.patience, m[t].early_stopping, t);
  }
});

test("the schema's names for non-default values reach the parsers (none is silently ignored)", () => {
  const m = defaultedMethods(
    ANALYSIS.replace('{ type: cut-and-count, dataset: table }', '{ type: cut-and-count, dataset: table, loss: asimov, bins: 7, topology: parallel }')
      .replace('{ type: gbdt, dataset: table }', '{ type: gbdt, dataset: table, depth: 2, l2: 3, colsample: 0.5, early_stopping: 4, bins: 31 }')
      .replace('{ type: mlp, dataset: table }', '{ type: mlp, dataset: table, early_stopping: 6, epochs: 3 }'),
  );
  const cuts = resolveCutAndCountSettings(m.cuts);
  assert.deepEqual([cuts.objective, cuts.bins, cuts.topology], ['asimov', 7, 'parallel']);
  const bdt = resolveGbdtSettings(m.bdt);
  assert.deepEqual([bdt.maxDepth, bdt.lambda, bdt.colsampleBytree, bdt.earlyStoppingRounds, bdt.bins], [2, 3, 0.5, 4, 31]);
  const mlp = parseSettings('mlp', m.mlp);
  assert.deepEqual([mlp.patience, mlp.epochs], [6, 3]);
});
