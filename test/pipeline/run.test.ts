import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseProgressLine, type HmlProgressEvent } from '../../protocol/progress';
import type { ResultsFile } from '../../protocol/results';
import { readDataset } from '../../core/datasets/read';
import { loadSavedModel } from '../../core/pipeline/executors';
import type { SavedModel } from '../../core/methods/types';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'cli', 'main.ts');

/** A small real study: built-in generator, a table of simple observables, cuts + BDT, export. */
const ANALYSIS = `hml: 1
name: tiny
seed: 3
samples:
  w:
    label: signal
    generator: { engine: builtin, process: w-jets, events: 200, pt: [250, 300] }
  q:
    label: background
    generator: { engine: builtin, process: qcd-jets, events: 200, pt: [250, 300] }
datasets:
  feats:
    type: set
    observables: [particle.size, particle0.pt, particle1.pt, particle2.eta]
    split: { train: 0.6, validation: 0.1, test: 0.3 }
methods:
  cuts: { type: cut-and-count, dataset: feats, bins: 10 }
  bdt: { type: gbdt, dataset: feats, trees: 12, depth: 2 }
evaluation:
  metrics: [accuracy, auc, max_significance, rejection@0.5]
export:
  formats: [onnx]
  dataset: hdf5
`;

function hml(args: string[], env: Record<string, string> = {}): { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, cwd: root });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

function analysisFile(text = ANALYSIS): string {
  const dir = mkdtempSync(join(tmpdir(), 'hml-run-'));
  const p = join(dir, 'tiny.hml.yaml');
  writeFileSync(p, text);
  return p;
}

/** Metrics without timings (results.json keeps provenance times, which differ run to run). */
function metricsOf(path: string): unknown {
  const r = JSON.parse(readFileSync(join(path, '..', '.hml', 'tiny', 'results.json'), 'utf8')) as ResultsFile;
  return r.methods.map((m) => ({ name: m.name, metrics: m.metrics, roc: m.roc.full, wp: m.workingPoints }));
}

let reference: unknown;
/** Committed generate and dataset stages of the end-to-end test, for the kill test (same analysis, same keys). */
const seeded = mkdtempSync(join(tmpdir(), 'hml-run-seed-'));

test('hml run end to end: NDJSON progress, results.json, table, bundles; second run all cached', async () => {
  const file = analysisFile();
  const r = hml(['run', file, '--progress', 'json', '--jobs', '2', '--threads', '1']);
  assert.equal(r.status, 0, r.stderr);
  const events = r.stdout.trim().split('\n').map((l) => parseProgressLine(l));
  assert.ok(events.every((e) => e !== undefined), 'stdout holds only NDJSON progress events');
  const evs = events as HmlProgressEvent[];
  assert.equal(evs[0].type, 'plan');
  assert.deepEqual(evs.filter((e) => e.type === 'stage-finished').map((e) => e.stage).sort(), ['dataset:feats', 'evaluate', 'export', 'generate:q', 'generate:w', 'train:bdt', 'train:cuts']);
  assert.ok(evs.some((e) => e.type === 'progress' && e.stage === 'train:bdt'));
  const last = evs.at(-1)!;
  assert.ok(last.type === 'run-finished' && last.status === 'success');
  assert.match(r.stderr, /method\s+type\s+accuracy\s+AUC/);
  assert.match(r.stderr, /bdt\s+gbdt/);
  const results = JSON.parse(readFileSync(join(file, '..', '.hml', 'tiny', 'results.json'), 'utf8')) as ResultsFile;
  assert.deepEqual(results.methods.map((m) => m.name), ['cuts', 'bdt']);
  const auc = results.methods[1].metrics.find((m) => m.name === 'auc')!.value!;
  assert.ok(auc > 0.6, `BDT AUC ${auc}`);
  assert.ok(results.cutflow.length === 2);
  // extremes: the 10 highest-scoring background and 10 lowest-scoring signal test rows, recomputed from the saved
  // model on the dataset file and mapped back to (sample, event) through the dataset's `event` array
  {
    const runDir = join(file, '..', '.hml', 'tiny');
    const dsDir = readdirSync(runDir).find((n) => n.startsWith('dataset-feats-'))!;
    const ds = await readDataset(join(runDir, dsDir, 'dataset.h5'));
    const test = ds.test;
    for (const m of results.methods) {
      const trainDir = readdirSync(runDir).find((n) => n.startsWith(`train-${m.name}-`))!;
      const model = await loadSavedModel(JSON.parse(readFileSync(join(runDir, trainDir, 'model.json'), 'utf8')) as SavedModel);
      const scores = model.predict(test);
      const rows = (label: number): { sample: string; event: number; score: number }[] => Array.from({ length: test.n }, (_, r) => r)
        .filter((r) => test.labels[r] === label).map((r) => ({ sample: ds.sampleNames[test.sample[r]], event: test.event![r], score: scores[r] }));
      const bg = rows(0).sort((a, b) => b.score - a.score), sig = rows(1).sort((a, b) => a.score - b.score);
      const ex = m.extremes!;
      assert.ok(ex, `${m.name} has extremes`);
      assert.equal(ex.mostSignalLikeBackground.length, 10);
      assert.equal(ex.leastSignalLikeSignal.length, 10);
      assert.deepEqual(ex.mostSignalLikeBackground.map((x) => x.score), bg.slice(0, 10).map((x) => x.score), `${m.name}: highest background scores`);
      assert.deepEqual(ex.leastSignalLikeSignal.map((x) => x.score), sig.slice(0, 10).map((x) => x.score), `${m.name}: lowest signal scores`);
      assert.ok(ex.mostSignalLikeBackground.every((x) => x.sample === 'q' && bg.some((y) => y.event === x.event && y.score === x.score)));
      assert.ok(ex.leastSignalLikeSignal.every((x) => x.sample === 'w' && sig.some((y) => y.event === x.event && y.score === x.score)));
    }
  }
  // progress.ndjson holds the same events for an editor that re-attaches
  const file2 = readFileSync(join(file, '..', '.hml', 'tiny', 'progress.ndjson'), 'utf8').trim().split('\n');
  assert.equal(file2.length, evs.length);
  // bundles were exported and validated in the export stage
  const exp = readdirSync(join(file, '..', '.hml', 'tiny')).find((n) => n.startsWith('export-'))!;
  for (const m of ['cuts', 'bdt']) {
    const rep = JSON.parse(readFileSync(join(file, '..', '.hml', 'tiny', exp, m, 'validation', 'report.json'), 'utf8')) as { passed: boolean; auc: { onnx: number; results: number } };
    assert.ok(rep.passed);
    assert.equal(rep.auc.onnx, rep.auc.results, 'the ONNX model reproduces the AUC of results.json');
  }
  const again = hml(['run', file, '--progress', 'none']);
  assert.equal(again.status, 0);
  assert.match(again.stdout, /bdt\s+gbdt/);
  const st = hml(['status', file, '--format', 'json']);
  const status = JSON.parse(st.stdout) as { stages: { stage: string; status: string }[] };
  assert.ok(status.stages.every((s) => s.status === 'up-to-date'));
  const hist = hml(['status', file, '--runs', '--format', 'json']);
  assert.equal((JSON.parse(hist.stdout) as unknown[]).length, 2);
  reference = metricsOf(file);
  // the kill test below starts from these events and dataset instead of generating them again
  const runDir = join(file, '..', '.hml', 'tiny');
  for (const n of readdirSync(runDir).filter((x) => /^(generate|dataset)-/.test(x))) cpSync(join(runDir, n), join(seeded, n), { recursive: true });
  // a changed method setting re-runs only that method and what follows
  writeFileSync(file, ANALYSIS.replace('trees: 12', 'trees: 8'));
  const st2 = JSON.parse(hml(['status', file, '--format', 'json']).stdout) as { stages: { stage: string; status: string }[] };
  assert.deepEqual(st2.stages.filter((s) => s.status !== 'up-to-date').map((s) => s.stage), ['train:bdt', 'evaluate', 'export']);
  const out = hml(['export', file, '--progress', 'none', '--out', join(file, '..', 'bundles')]);
  assert.equal(out.status, 0, out.stderr);
  assert.ok(existsSync(join(file, '..', 'bundles', 'datasets', 'feats', 'feats.h5')), 'the dataset is exported when asked');
  assert.ok(existsSync(join(file, '..', 'bundles', 'datasets', 'feats', 'dataset_card.json')));
  const chk = hml(['check-bundle', join(file, '..', 'bundles')]);
  assert.equal(chk.status, 0, chk.stdout + chk.stderr);
  assert.equal(hml(['clean', file]).status, 0);
  assert.ok(!existsSync(join(file, '..', '.hml', 'tiny')));
});

test('kill -9 inside training: the next run reuses events and dataset and gives identical results', () => {
  const file = analysisFile();
  assert.ok(readdirSync(seeded).length >= 3, 'the end-to-end test ran first');
  cpSync(seeded, join(file, '..', '.hml', 'tiny'), { recursive: true });
  const killed = hml(['run', file, '--progress', 'json', '--threads', '1'], { HML_TEST_KILL_AT: 'train:bdt:trees-6' });
  assert.equal(killed.signal, 'SIGKILL');
  const resumed = hml(['run', file, '--progress', 'json', '--threads', '1']);
  assert.equal(resumed.status, 0, resumed.stderr);
  const evs = resumed.stdout.trim().split('\n').map((l) => parseProgressLine(l)!);
  const cached = evs.filter((e) => e.type === 'stage-cached').map((e) => e.stage);
  assert.ok(cached.includes('generate:w') && cached.includes('dataset:feats'), cached.join(','));
  assert.ok(evs.some((e) => e.type === 'log' && /stale lock/.test(e.message)));
  assert.ok(reference, 'the end-to-end test ran first');
  assert.deepEqual(metricsOf(file), reference);
});

test('bad input: missing file and invalid analysis exit 2 with a location; a failing stage exits 1', () => {
  const missing = hml(['run', '/nonexistent/x.hml.yaml']);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /does not exist/);
  const bad = analysisFile(ANALYSIS.replace('depth: 2', 'depth: 0'));
  const r = hml(['run', bad, '--progress', 'none']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /tiny\.hml\.yaml:\d+:\d+/);
  const noFile = analysisFile(ANALYSIS.replace('generator: { engine: builtin, process: qcd-jets, events: 200, pt: [250, 300] }', 'generator: { engine: files, files: [missing/events.hepmc] }'));
  const nf = hml(['run', noFile, '--progress', 'none']);
  assert.equal(nf.status, 2, nf.stderr);
  assert.match(nf.stderr, /tiny\.hml\.yaml:\d+:\d+: .*missing\/events\.hepmc does not exist/);
  const usage = hml(['run', bad, '--jobs', 'x']);
  assert.equal(usage.status, 2);
  // ENOSPC while writing the dataset: the stage fails, the events stay, nothing half-written is kept
  const file = analysisFile();
  const full = hml(['run', file, '--progress', 'none', '--threads', '1'], { HML_TEST_ENOSPC: 'dataset.h5' });
  assert.equal(full.status, 1);
  assert.match(full.stderr, /no space left/);
  const st = JSON.parse(hml(['status', file, '--format', 'json']).stdout) as { stages: { stage: string; status: string }[] };
  const by = Object.fromEntries(st.stages.map((s) => [s.stage, s.status]));
  assert.equal(by['generate:w'], 'up-to-date');
  assert.equal(by['dataset:feats'], 'failed');
  assert.ok(!readdirSync(join(file, '..', '.hml', 'tiny')).some((n) => n.startsWith('.tmp-')));
});
