import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
const fake = join(root, 'test', 'fixtures', 'fake-mg5');
const fixtures = join(root, '..', 'shared', 'fixtures');

test('generate stage with engine: madgraph5 (fake MG5 + Delphes output) and engine: files feed a dataset and a method', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hml-mg5-'));
  const delphes = join(fixtures, 'delphes', 'delphes_cms_10ev.root');
  writeFileSync(join(dir, 'mg.hml.yaml'), `hml: 1
name: mg
seed: 1
samples:
  tt:
    label: signal
    generator: { engine: madgraph5, processes: ["p p > t t~"], events: 100, multi_run: 2 }
  bkg:
    label: background
    generator: { engine: files, files: ["${delphes}", "${delphes}"] }
datasets:
  feats:
    type: set
    observables: [jet0.pt, jet.size, jet1.eta]
    split: { train: 0.5, test: 0.5 }
methods:
  cuts: { type: cut-and-count, dataset: feats, bins: 5 }
`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'cli', 'main.ts'), 'run', join(dir, 'mg.hml.yaml'), '--progress', 'json'], {
    encoding: 'utf8',
    cwd: root,
    env: { ...process.env, PATH: `${join(fake, 'root', 'bin')}:${process.env.PATH}`, FAKE_MG5_SHARED: fixtures, HML_MG5_EXECUTABLE: join(fake, 'bin', 'mg5_aMC') },
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /\[tt\] /, "MadGraph5's log goes to stderr");
  const runDir = join(dir, '.hml', 'mg');
  const gen = readdirSync(runDir).find((n) => n.startsWith('generate-tt-'))!;
  const rec = JSON.parse(readFileSync(join(runDir, gen, 'sample.json'), 'utf8')) as { events: number; crossSection: number; sumWeights: number };
  assert.equal(rec.events, 20);
  assert.equal(rec.crossSection, 504.184, 'σ from the banner (pb)');
  assert.ok(Math.abs(rec.sumWeights - 504.184) < 1e-9, 'Σw = σ');
  assert.ok(readdirSync(join(runDir, gen)).includes('madgraph5'), 'the MG5 output is kept in the stage folder');
  const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as { cutflow: { sample: string; crossSection: number }[] };
  assert.deepEqual(results.cutflow.map((c) => c.sample).sort(), ['bkg', 'tt']);
});
