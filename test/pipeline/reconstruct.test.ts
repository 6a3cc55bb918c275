/**
 * The reconstruct stage: jets are clustered once per sample and shared by every dataset; the files and the
 * datasets are the same whatever --jobs and --threads; editing `reconstruction:` re-runs the reconstruct stages
 * and what follows, never the generation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSession, runSession } from '../../core/pipeline/session';
import type { RunOutcome } from '../../core/pipeline/runner';

const ANALYSIS = `hml: 1
name: reco
seed: 5
samples:
  w: { label: signal, generator: { engine: builtin, process: w-jets, events: 60, pt: [250, 300] } }
  q: { label: background, generator: { engine: builtin, process: qcd-jets, events: 60, pt: [250, 300] } }
reconstruction:
  fatjet: { algorithm: antikt, r: 1.0, min_pt: 200 }
  jet: { algorithm: antikt, r: 0.4, min_pt: 20 }
preselection:
  - fatjet.size > 0
datasets:
  feats:
    type: set
    observables: [fatjet0.mass, fatjet0.tau21, jet.size]
  imgs:
    type: image
    height: fatjet0.constituents.phi
    width: fatjet0.constituents.eta
    channel: fatjet0.constituents.pt
    pixels: [9, 9]
    range: [[-1.2, 1.2], [-1.2, 1.2]]
`;

function analysisFile(text = ANALYSIS): string {
  const dir = mkdtempSync(join(tmpdir(), 'hml-reco-'));
  const p = join(dir, 'reco.hml.yaml');
  writeFileSync(p, text);
  return p;
}

/** sha of every dataset and reconstruct output, by stage name. */
function outputs(out: RunOutcome): Record<string, string> {
  const r: Record<string, string> = {};
  for (const s of out.planned) {
    if (s.kind === 'dataset') r[s.name] = (JSON.parse(readFileSync(join(out.runDir, s.folder, 'summary.json'), 'utf8')) as { contentHash: string }).contentHash;
    if (s.kind === 'reconstruct') r[s.name] = readFileSync(join(out.runDir, s.folder, 'jets.hmlev')).toString('base64');
  }
  return r;
}

const states = (out: RunOutcome): Record<string, string> => Object.fromEntries(out.stages.map((s) => [s.stage, s.state]));

test('reconstruct stages: same files and datasets with --jobs 1 --threads 1 and --jobs 2 --threads 2; a reconstruction edit regenerates nothing', async () => {
  const a = analysisFile();
  const one = await runSession(openSession(a), { jobs: 1, threads: 1 });
  assert.equal(one.exitCode, 0, one.firstError?.message);
  assert.deepEqual(
    one.planned.map((s) => s.name).filter((n) => n.startsWith('reconstruct:') || n.startsWith('dataset:')),
    ['reconstruct:w', 'reconstruct:q', 'dataset:feats', 'dataset:imgs'],
  );
  // both datasets read the jets of the one reconstruct stage per sample
  for (const d of ['dataset:feats', 'dataset:imgs']) assert.deepEqual([...one.planned.find((s) => s.name === d)!.needs].sort(), ['generate:q', 'generate:w', 'reconstruct:q', 'reconstruct:w']);
  // the reconstruct file holds the jets only (a small fraction of the events)
  const rw = one.planned.find((s) => s.name === 'reconstruct:w')!;
  const gw = one.planned.find((s) => s.name === 'generate:w')!;
  const size = (dir: string, f: string): number => readFileSync(join(one.runDir, dir, f)).length;
  assert.ok(size(rw.folder, 'jets.hmlev') < 0.2 * size(gw.folder, 'events.hmlev'));

  const b = analysisFile();
  const two = await runSession(openSession(b), { jobs: 2, threads: 2 });
  assert.equal(two.exitCode, 0, two.firstError?.message);
  assert.deepEqual(outputs(two), outputs(one));

  // a changed reconstruction: events reused, jets and datasets rebuilt
  writeFileSync(a, ANALYSIS.replace('min_pt: 20', 'min_pt: 30'));
  const three = await runSession(openSession(a), { jobs: 1, threads: 1 });
  assert.equal(three.exitCode, 0);
  const st = states(three);
  assert.deepEqual([st['generate:w'], st['generate:q']], ['cached', 'cached']);
  assert.deepEqual([st['reconstruct:w'], st['reconstruct:q'], st['dataset:feats'], st['dataset:imgs']], ['finished', 'finished', 'finished', 'finished']);
  // a changed dataset only: the jets are reused
  writeFileSync(a, ANALYSIS.replace('min_pt: 20', 'min_pt: 30').replace('pixels: [9, 9]', 'pixels: [7, 7]'));
  const four = await runSession(openSession(a), { jobs: 1, threads: 1 });
  const st4 = states(four);
  assert.deepEqual([st4['reconstruct:w'], st4['dataset:feats'], st4['dataset:imgs']], ['cached', 'cached', 'finished']);
  assert.ok(readdirSync(four.runDir).some((n) => n.startsWith('dataset-imgs-')));
});
