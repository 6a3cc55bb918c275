import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { expandGlob, openFilesSource } from '../../core/sources/files';
import { HmlError } from '../../core/util/errors';
import { DELPHES_FILE, FIXTURES, HEPMC3_FILE, MG5_TREE } from './helpers';

test('files: engine: globs in natural order, continuous event numbers, Σw = mean σ of the files', async () => {
  assert.deepEqual(expandGlob(join(MG5_TREE, 'Events/run_0[12]_?/*.lhe.gz')), [
    join(MG5_TREE, 'Events/run_02_0/unweighted_events.lhe.gz'),
    join(MG5_TREE, 'Events/run_02_1/unweighted_events.lhe.gz'),
  ]);
  assert.equal(expandGlob(join(MG5_TREE, '**/unweighted_events.lhe.gz')).length, 4);
  const src = await openFilesSource({ files: ['Events/run_02_*/unweighted_events.lhe.gz'], baseFile: join(MG5_TREE, 'analysis.hml.yaml') }, { batchSize: 64 });
  assert.equal(src.files.length, 2);
  assert.equal(src.nEvents, 200);
  assert.ok(Math.abs(src.crossSection!.value - (503.663 + 504.706) / 2) < 1e-9);
  const firsts: number[] = [];
  let sw = 0;
  let n = 0;
  for await (const b of src.batches()) {
    firsts.push(b.firstEvent);
    n += b.size;
    for (const w of b.weights) sw += w;
  }
  assert.deepEqual(firsts, [0, 64, 100, 164]);
  assert.equal(n, 200);
  assert.ok(Math.abs(sw - src.crossSection!.value) < 1e-9);
});

test('files: engine: mixed formats, maxEvents across files, a σ given by the caller, format checks', async () => {
  const src = await openFilesSource({ files: [HEPMC3_FILE, DELPHES_FILE] }, { maxEvents: 105, crossSection: 2, collections: ['particle', 'jet'], batchSize: 50 });
  const sizes: number[] = [];
  let sw = 0;
  for await (const b of src.batches()) {
    sizes.push(b.size);
    for (const w of b.weights) sw += w;
    assert.ok(b.collections.has('jet') && b.collections.has('particle'));
    assert.equal(b.collections.get('particle')!.offsets.length, b.size + 1);
  }
  assert.deepEqual(sizes, [50, 50, 5]);
  // the HepMC3 file's 100 events carry σ/2 (two files), the first 5 Delphes events their share of σ/2
  assert.ok(sw > 1 && sw < 2);
  await assert.rejects(openFilesSource({ files: [HEPMC3_FILE], format: 'lhe' }), (e: unknown) => e instanceof HmlError && e.code === 'wrong-event-format');
  await assert.rejects(openFilesSource({ files: [join(FIXTURES, 'nothing-*.lhe')] }), (e: unknown) => e instanceof HmlError && e.code === 'files-no-match');
  await assert.rejects(openFilesSource({ files: [] }), (e: unknown) => e instanceof HmlError && e.code === 'files-empty');
  await assert.rejects(openFilesSource({ files: [DELPHES_FILE], tree: 'Events' }), (e: unknown) => e instanceof HmlError && /Events/.test(e.message));
});
