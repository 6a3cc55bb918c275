import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { openLhe, readLheHeader } from '../../core/sources/lhe';
import { openEventFile } from '../../core/sources/open';
import { HmlError } from '../../core/util/errors';
import { LHE_RUN01, MG5_TREE, scratch } from './helpers';

test('LHE init block of the real MG5 run: beams, IDWTUP, σ ± δσ, weight names', async () => {
  const h = await readLheHeader(LHE_RUN01);
  assert.deepEqual(h.init.beams, [{ pdgId: 2212, energy: 6500 }, { pdgId: 2212, energy: 6500 }]);
  assert.equal(h.init.idwtup, -4);
  assert.deepEqual(h.init.pdfSet, [247000, 247000]);
  assert.equal(h.init.processes.length, 1);
  assert.equal(h.crossSection?.value, 503.647);
  assert.equal(h.crossSection?.error, 2.824566);
  assert.equal(h.mgNumberOfEvents, 100);
  assert.equal(h.weightNames.length, 145);
});

test('LHE events: 100 t t~ events, two final-state tops each, Σw = σ (MG5 w = σ per event is not multiplied again)', async () => {
  const f = await openLhe(LHE_RUN01, { batchSize: 30 });
  assert.equal(f.nEvents, 100);
  let n = 0;
  let sw = 0;
  const firsts: number[] = [];
  for await (const b of f.batches()) {
    firsts.push(b.firstEvent);
    n += b.size;
    for (const w of b.weights) sw += w;
    const p = b.collections.get('particle')!;
    assert.equal(p.offsets[b.size], 2 * b.size);
    for (let i = 0; i < p.px.length; i++) {
      assert.equal(Math.abs(p.fields.pdg_id[i]), 6);
      assert.equal(p.fields.status[i], 1);
      assert.equal(p.fields.charge[i], Math.sign(p.fields.pdg_id[i]) * (2 / 3));
      const m = Math.sqrt(p.e[i] ** 2 - p.px[i] ** 2 - p.py[i] ** 2 - p.pz[i] ** 2);
      assert.ok(Math.abs(m - 173) < 1e-3, `top mass ${m}`);
    }
    assert.equal(b.namedWeights?.size, 145);
  }
  assert.deepEqual(firsts, [0, 30, 60, 90]);
  assert.equal(n, 100);
  assert.ok(Math.abs(sw - 503.647) < 1e-9, `Σw = ${sw}`);
});

test('LHE first event momenta match the file text', async () => {
  const f = await openLhe(LHE_RUN01, { batchSize: 5, maxEvents: 1 });
  const batches = [];
  for await (const b of f.batches()) batches.push(b);
  assert.equal(batches.length, 1);
  const p = batches[0].collections.get('particle')!;
  assert.equal(batches[0].size, 1);
  assert.deepEqual([p.px[0], p.py[0], p.pz[0], p.e[0]], [74.572934375, -27.977000383, -324.65439639, 376.39515431]);
  assert.equal(p.fields.pdg_id[1], -6);
});

test('LHE: collections filter gives empty collections for names the file lacks', async () => {
  const f = await openEventFile(LHE_RUN01, { collections: ['particle', 'fatjet'], maxEvents: 3 });
  for await (const b of f.batches()) {
    assert.equal(b.collections.get('fatjet')!.offsets.length, b.size + 1);
    assert.equal(b.collections.get('fatjet')!.px.length, 0);
    assert.equal(b.collections.get('particle')!.px.length, 6);
  }
});

test('LHE plain text reads the same as gzip; combined multi_run file has 200 events', async () => {
  const dir = scratch('lhe');
  const plain = join(dir, 'events.lhe');
  writeFileSync(plain, gunzipSync(readFileSync(LHE_RUN01)));
  const f = await openEventFile(plain);
  assert.equal(f.format, 'lhe');
  assert.equal(f.nEvents, 100);
  const g = await openEventFile(join(MG5_TREE, 'Events/run_02/unweighted_events.lhe.gz'));
  assert.equal(g.nEvents, 200);
  assert.equal(g.crossSection?.value, 504.184);
});

function expectError(code: string, check: (e: HmlError) => void = () => {}) {
  return (e: unknown) => {
    assert.ok(e instanceof HmlError, String(e));
    assert.equal(e.code, code, e.message);
    check(e);
    return true;
  };
}

test('bad LHE input: truncated gzip, cut-off event, wrong header, missing file', async () => {
  const dir = scratch('lhe-bad');
  const bytes = readFileSync(LHE_RUN01);
  const cutGz = join(dir, 'cut.lhe.gz');
  writeFileSync(cutGz, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
  await assert.rejects(openEventFile(cutGz), expectError('gzip-corrupt', (e) => assert.equal(e.location?.file, cutGz)));

  const text = gunzipSync(bytes).toString('utf8');
  const lines = text.split('\n');
  // cut inside the 4th event: after its header line and one particle line
  let seen = 0;
  let cut = 0;
  for (let i = 0; i < lines.length; i++) if (lines[i].startsWith('<event') && ++seen === 4) { cut = i + 3; break; }
  const cutEvent = join(dir, 'cut-event.lhe.gz');
  writeFileSync(cutEvent, gzipSync(lines.slice(0, cut).join('\n') + '\n'));
  const f = await openEventFile(cutEvent);
  await assert.rejects(
    (async () => {
      for await (const _ of f.batches()) void _;
    })(),
    expectError('lhe-truncated-event', (e) => {
      assert.equal(e.location?.event, 3);
      assert.match(e.format(), /cut-event\.lhe\.gz.*event 3/);
    }),
  );

  const wrong = join(dir, 'wrong.lhe');
  writeFileSync(wrong, '<LesHouches>\n<init>\n</init>\n');
  await assert.rejects(openLhe(wrong), expectError('lhe-bad-header'));
  await assert.rejects(openEventFile(wrong), expectError('unknown-event-format'));
  await assert.rejects(openEventFile(join(dir, 'nope.lhe')), expectError('file-not-found'));
});
