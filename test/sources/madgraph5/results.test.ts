import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventFilesOf, parseBanner, parseMg5Output } from '../../../core/sources/madgraph5/results';
import { openEventFile } from '../../../core/sources/open';
import { HmlError } from '../../../core/util/errors';
import { MG5_TREE, scratch } from '../helpers';

test('real MG5 output: runs, multi_run sub-runs, cross sections from the banner (not crossx.html), events, seeds, files', async () => {
  const runs = await parseMg5Output(MG5_TREE);
  assert.deepEqual(runs.map((r) => r.name), ['run_01', 'run_02']);
  const [r1, r2] = runs;
  assert.equal(r1.crossSection, 503.647);
  assert.equal(r1.crossSectionError, 2.824566);
  assert.equal(r1.nEvents, 100);
  assert.equal(r1.seed, 42);
  assert.equal(r1.tag, 'tag_1');
  assert.match(r1.files.lhe!, /run_01\/unweighted_events\.lhe\.gz$/);
  assert.equal(r1.subRuns.length, 0);
  assert.equal(r2.crossSection, 504.184);
  assert.equal(r2.crossSectionError, 1.97083); // from the combined LHE <init>: this banner has no <init>
  assert.equal(r2.nEvents, 200);
  assert.deepEqual(r2.subRuns.map((s) => [s.name, s.seed, s.crossSection, s.nEvents]), [['run_02_0', 48, 503.663, 100], ['run_02_1', 54, 504.706, 100]]);
  // crossx.html rounds (it says 503.6 / 504.2-ish); the banner value is the full one
  const crossx = readFileSync(join(MG5_TREE, 'crossx.html'), 'utf8');
  assert.ok(!crossx.includes('503.647'));
  assert.deepEqual(eventFilesOf(r2, 'lhe'), [join(MG5_TREE, 'Events/run_02/unweighted_events.lhe.gz')]);
  // the sample's LHE events: Σw = banner σ
  const f = await openEventFile(eventFilesOf(r1, 'lhe')[0]);
  let sw = 0;
  for await (const b of f.batches()) for (const w of b.weights) sw += w;
  assert.ok(Math.abs(sw - r1.crossSection!) < 1e-9);
});

test('MadSpin-decayed runs are attached to their run and preferred for events', async () => {
  const dir = scratch('mg5-madspin');
  cpSync(MG5_TREE, dir, { recursive: true });
  const dec = join(dir, 'Events/run_01_decayed_1');
  mkdirSync(dec);
  copyFileSync(join(dir, 'Events/run_01/unweighted_events.lhe.gz'), join(dec, 'unweighted_events.lhe.gz'));
  copyFileSync(join(dir, 'Events/run_01/run_01_tag_1_banner.txt'), join(dec, 'run_01_decayed_1_tag_1_banner.txt'));
  const runs = await parseMg5Output(dir);
  assert.deepEqual(runs.map((r) => r.name), ['run_01', 'run_02']);
  assert.deepEqual(runs[0].decayed.map((r) => r.name), ['run_01_decayed_1']);
  assert.equal(eventFilesOf(runs[0], 'lhe')[0], join(dec, 'unweighted_events.lhe.gz'));
});

test('banner parsing and a folder without output', async () => {
  assert.deepEqual(parseBanner('#  Number of Events        :  200\n#  Integrated weight (pb)  :  5.04184E+02\n  48 = iseed ! rnd seed\n'), { crossSection: 504.184, nEvents: 200, seed: 48 });
  await assert.rejects(parseMg5Output(scratch('mg5-empty')), (e: unknown) => e instanceof HmlError && e.code === 'mg5-no-output');
});
