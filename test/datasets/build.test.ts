import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDataset, type BuildDatasetOptions, type Preselection } from '../../core/datasets/build';
import { DatasetFile, readDataset, verifyDataset } from '../../core/datasets/read';
import { HmlError } from '../../core/util/errors';
import type { EventBatch } from '../../core/physics/events';
import { syntheticSample } from './synthetic';

const PY = '/usr/bin/python3';
const HERE = new URL('.', import.meta.url).pathname;

interface Dump {
  content_hash: string;
  objects: Record<string, { kind: string; attrs: Record<string, unknown>; dtype?: string; shape?: number[]; chunks?: number[] | null; compression?: string | null; compression_opts?: number | null; maxshape?: number[]; sha256?: string; head?: (number | null)[]; nan_count?: number; sum?: number }>;
}

function h5dump(path: string, n = 8): Dump {
  const p = spawnSync(PY, [join(HERE, 'h5dump.py'), path, String(n)], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(p.status, 0, p.stderr);
  return JSON.parse(p.stdout) as Dump;
}

/** fatjet.size > 0, as the observable evaluator would give it (one mask per cut). */
const hasFatjet: Preselection = {
  cuts: ['fatjet.size > 0'],
  evaluate: (b: EventBatch) => {
    const c = b.collections.get('fatjet')!;
    const m = new Uint8Array(b.size);
    for (let i = 0; i < b.size; i++) m[i] = c.offsets[i + 1] > c.offsets[i] ? 1 : 0;
    return [m];
  },
};

function options(outDir: string, over: Partial<BuildDatasetOptions> = {}, batch = 100): BuildDatasetOptions {
  return {
    name: 'features',
    settings: { type: 'set', observables: ['fatjet0.pt', 'fatjet0.mass', 'fatjet0.eta', 'jet0.pt'] },
    samples: [
      { name: 'wjets', label: 1, description: 'two-prong jets', batches: syntheticSample({ seed: 1, events: 700, batch, twoProng: true, sigma: 26, missingEvery: 7 }) },
      { name: 'qcd', label: 0, description: 'one-prong jets', batches: syntheticSample({ seed: 2, events: 1300, batch: batch + 37, twoProng: false, sigma: 5000 }), crossSection: 11800 },
    ],
    preselection: hasFatjet,
    split: { train: 0.6, validation: 0.1, test: 0.3 },
    seed: 42,
    outDir,
    provenance: { generator: 'synthetic test events' },
    ...over,
  };
}

test('set dataset: h5py reads shapes, dtypes, values, attributes, chunking and the same content hash', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hml-ds-'));
  const r = await buildDataset(options(dir));
  const d = h5dump(r.path);
  assert.equal(d.content_hash, r.contentHash, 'content hash recomputed by h5py equals the stored one');
  const root = d.objects['/'].attrs;
  assert.equal(root.content_hash, r.contentHash);
  assert.deepEqual(root.feature_names, ['fatjet0.pt', 'fatjet0.mass', 'fatjet0.eta', 'jet0.pt']);
  assert.deepEqual(root.feature_units, ['GeV', 'GeV', '1', 'GeV']);
  assert.deepEqual(root.sample_names, ['wjets', 'qcd']);
  assert.deepEqual(root.sample_labels, [1, 0]);
  assert.deepEqual(root.split_fractions, [0.6, 0.1, 0.3]);
  assert.equal(root.seed, '42');
  assert.equal(root.kind, 'set');
  assert.deepEqual(root.row_shape, [4]);
  assert.deepEqual(root.preselection, ['fatjet.size > 0']);
  const cutflow = JSON.parse(root.cutflow as string) as Record<string, { cut: string; events: number; weighted: number }[]>;
  // 700 events, every 7th without a fatjet: 100 removed.
  assert.deepEqual(cutflow.wjets.map((c) => c.events), [700, 600]);
  assert.ok(Math.abs(cutflow.wjets[1].weighted - 26 * 600 / 700) < 1e-9);
  assert.deepEqual(cutflow.qcd.map((c) => c.events), [1300, 1300]);
  assert.ok(Math.abs(cutflow.qcd[0].weighted - 11800) < 1e-6, 'stated cross section replaces the source normalisation');
  const n = { train: 0, validation: 0, test: 0 };
  for (const split of ['train', 'validation', 'test'] as const) {
    const f = d.objects[`/${split}/features`];
    n[split] = f.shape![0];
    assert.equal(f.dtype, '<f4');
    assert.equal(f.shape![1], 4);
    assert.equal(f.compression, 'gzip');
    assert.equal(f.compression_opts, 4);
    assert.deepEqual(f.maxshape, [-1, 4]);
    assert.ok(f.chunks && f.chunks[1] === 4);
    assert.equal(f.nan_count, n[split], 'jet0.pt is NaN (no jet collection): one NaN per row');
    assert.equal(d.objects[`/${split}/labels`].dtype, '|i1');
    assert.equal(d.objects[`/${split}/weights`].dtype, '<f8');
    assert.equal(d.objects[`/${split}/train_weights`].dtype, '<f8');
    assert.equal(d.objects[`/${split}/sample`].dtype, '<i2');
    assert.deepEqual(d.objects[`/${split}/labels`].shape, [n[split]]);
    assert.deepEqual(d.objects[`/${split}/sample`].attrs.sample_names, ['wjets', 'qcd']);
  }
  assert.deepEqual(n, r.counts);
  assert.equal(n.train + n.validation + n.test, 1900);
  // Values: what h5py reads equals what readDataset returns.
  const ds = await readDataset(r.path);
  assert.deepEqual(d.objects['/train/features'].head!.slice(0, 3), Array.from(ds.train.features!.subarray(0, 3)));
  assert.equal(d.objects['/train/features'].head![3], null);
  assert.ok(Math.abs(d.objects['/test/weights'].sum! - ds.test.weights.reduce((a, b) => a + b, 0)) < 1e-9);
  // Card beside the file.
  const card = JSON.parse(readFileSync(join(dir, 'dataset_card.json'), 'utf8'));
  assert.equal(card.checksums.content_hash, r.contentHash);
  assert.equal(card.split.seed, '42');
  assert.deepEqual(card.columns.map((c: { unit: string }) => c.unit), ['GeV', 'GeV', '1', 'GeV']);
  assert.match(card.licence, /choose a licence/);
  assert.deepEqual(readdirSync(dir).sort(), ['dataset_card.json', 'features.h5'], 'no staging or temporary files left');
});

test('same analysis + seed gives identical bytes and content hash whatever the batch size (job split); another seed does not', async () => {
  const a = await buildDataset(options(mkdtempSync(join(tmpdir(), 'hml-ds-'))));
  const b = await buildDataset(options(mkdtempSync(join(tmpdir(), 'hml-ds-')), {}, 53));
  assert.equal(a.contentHash, b.contentHash);
  assert.deepEqual(readFileSync(a.path), readFileSync(b.path), 'byte-identical (HDF5 timestamps pinned)');
  assert.equal(a.card.file.sha256, b.card.file.sha256);
  const c = await buildDataset(options(mkdtempSync(join(tmpdir(), 'hml-ds-')), { seed: 43 }));
  assert.notEqual(a.contentHash, c.contentHash);
});

test('split is stratified per sample and label, seeded, and rows are mixed', async () => {
  const r = await buildDataset(options(mkdtempSync(join(tmpdir(), 'hml-ds-'))));
  const ds = await readDataset(r.path);
  const perSample = (arr: Int16Array) => [0, 1].map((s) => arr.filter((v) => v === s).length);
  assert.deepEqual(perSample(ds.train.sample), [Math.round(0.6 * 600), Math.round(0.6 * 1300)]);
  assert.deepEqual(perSample(ds.validation!.sample), [Math.round(0.1 * 600), Math.round(0.1 * 1300)]);
  assert.deepEqual(perSample(ds.test.sample), [600 - 360 - 60, 1300 - 780 - 130]);
  // Labels follow the samples.
  for (const split of [ds.train, ds.validation!, ds.test]) for (let i = 0; i < split.n; i++) assert.equal(split.labels[i], split.sample[i] === 0 ? 1 : 0);
  // Mixed order: the last 10 % of train holds both classes in about the global proportion.
  const tail = ds.train.labels.subarray(Math.floor(ds.train.n * 0.9));
  const sig = tail.reduce((a, b) => a + b, 0) / tail.length;
  assert.ok(sig > 0.15 && sig < 0.5, `signal fraction at the end of train: ${sig}`);
});

test('physics weights: sigma x kept fraction per sample; sliced samples stitched by sigma_i/N_i; training weights balanced', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hml-ds-'));
  const r = await buildDataset(options(dir, {
    samples: [
      { name: 'sig', label: 1, batches: syntheticSample({ seed: 5, events: 400, batch: 64, twoProng: true, sigma: 1, missingEvery: 4 }), crossSection: 3 },
      // two pT slices of one process, unit raw weights: each gets sigma_i/N_i
      { name: 'qcd_lo', label: 0, group: 'qcd', batches: unitWeights(syntheticSample({ seed: 6, events: 1000, batch: 128, twoProng: false, sigma: 1 })), crossSection: 1000, nGenerated: 2000 },
      { name: 'qcd_hi', label: 0, group: 'qcd', batches: unitWeights(syntheticSample({ seed: 7, events: 300, batch: 128, twoProng: false, sigma: 1, ptScale: 2 })), crossSection: 30 },
    ],
    trainWeights: { weights: 'physics-balanced' },
  }));
  const ds = await readDataset(r.path);
  const all = [ds.train, ds.validation!, ds.test];
  const sumW = (s: number) => all.reduce((acc, d) => acc + d.weights.reduce((a, w, i) => a + (d.sample[i] === s ? w : 0), 0), 0);
  assert.ok(Math.abs(sumW(0) - 3 * 300 / 400) < 1e-9, `signal: ${sumW(0)}`);
  // qcd_lo: 1000 of 2000 generated events streamed, sigma 1000 pb: each event 0.5 pb.
  for (const d of all) for (let i = 0; i < d.n; i++) {
    if (d.sample[i] === 1) assert.ok(Math.abs(d.weights[i] - 1000 / 2000) < 1e-12);
    if (d.sample[i] === 2) assert.ok(Math.abs(d.weights[i] - 30 / 300) < 1e-12);
  }
  assert.ok(Math.abs(sumW(1) - 500) < 1e-6 && Math.abs(sumW(2) - 30) < 1e-9);
  const samples = JSON.parse((await DatasetFile.open(r.path).then((f) => { const a = f.info.attributes.samples; f.close(); return a; })) as string);
  assert.equal(samples[1].group, 'qcd');
  assert.equal(samples[1].n_generated, 2000);
  // Training weights: per split each class sums to n/2; inside a class proportional to the physics weight.
  for (const d of all) {
    const s = [0, 0];
    for (let i = 0; i < d.n; i++) s[d.labels[i]] += d.trainWeights![i];
    assert.ok(Math.abs(s[0] - d.n / 2) < 1e-6 && Math.abs(s[1] - d.n / 2) < 1e-6, `class sums ${s} for n=${d.n}`);
    const ratio = (i: number) => d.trainWeights![i] / d.weights[i];
    const bkg = Array.from({ length: d.n }, (_, i) => i).filter((i) => d.labels[i] === 0);
    for (const i of bkg) assert.ok(Math.abs(ratio(i) / ratio(bkg[0]) - 1) < 1e-9);
  }
});

test('pT reweighting: background training weights reproduce the signal pT spectrum', async () => {
  const r = await buildDataset(options(mkdtempSync(join(tmpdir(), 'hml-ds-')), {
    samples: [
      { name: 'sig', label: 1, batches: syntheticSample({ seed: 8, events: 600, batch: 100, twoProng: true, sigma: 1 }) },
      { name: 'bkg', label: 0, batches: syntheticSample({ seed: 9, events: 600, batch: 100, twoProng: false, sigma: 1, ptScale: 1.04 }) },
    ],
    split: { train: 1, test: 0 },
    trainWeights: { weights: 'physics-balanced', reweight: { observable: 'fatjet0.pt', bins: 4, range: [260, 300], target: 'signal' } },
  }));
  const ds = await readDataset(r.path);
  const d = ds.train;
  const hist = (label: number, w: Float64Array) => {
    const h = new Float64Array(4);
    for (let i = 0; i < d.n; i++) if (d.labels[i] === label) h[Math.min(3, Math.max(0, Math.floor((d.features![i * 4] - 260) / 10)))] += w[i];
    const s = h.reduce((a, b) => a + b, 0);
    return Array.from(h, (v) => v / s);
  };
  const sig = hist(1, d.trainWeights!), bkg = hist(0, d.trainWeights!), raw = hist(0, d.weights);
  for (let b = 0; b < 4; b++) assert.ok(Math.abs(sig[b] - bkg[b]) < 1e-6, `bin ${b}: ${sig[b]} vs ${bkg[b]}`);
  assert.ok(raw.some((v, b) => Math.abs(v - sig[b]) > 0.05), 'the raw spectra differ (the test means something)');
});

test('truncated, garbage and modified files give clear dataset-corrupt errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hml-ds-'));
  const r = await buildDataset(options(dir));
  const bytes = readFileSync(r.path);
  const cut = join(dir, 'cut.h5');
  writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
  await assert.rejects(readDataset(cut), (e: unknown) => e instanceof HmlError && e.code === 'dataset-corrupt' && /truncated or damaged/.test(e.message) && e.location?.file === cut);
  const junk = join(dir, 'junk.h5');
  writeFileSync(junk, 'not an hdf5 file at all');
  await assert.rejects(readDataset(junk), (e: unknown) => e instanceof HmlError && e.code === 'dataset-corrupt' && /not an HDF5 file/.test(e.message));
  await assert.rejects(readDataset(join(dir, 'absent.h5')), (e: unknown) => e instanceof HmlError && e.code === 'dataset-missing');
  // Flip bytes inside the first stored chunk of train/features (located with h5py): either HDF5's gzip decoder
  // notices or the content hash does.
  const bad = join(dir, 'flipped.h5');
  copyFileSync(r.path, bad);
  const loc = spawnSync(PY, ['-c', 'import h5py,sys; i=h5py.File(sys.argv[1],"r")["train/features"].id.get_chunk_info(0); print(i.byte_offset, i.size)', bad], { encoding: 'utf8' });
  assert.equal(loc.status, 0, loc.stderr);
  const [offset, size] = loc.stdout.trim().split(' ').map(Number);
  const b = readFileSync(bad);
  for (let i = offset + Math.floor(size / 2); i < offset + Math.floor(size / 2) + 16; i++) b[i] ^= 0x5a;
  writeFileSync(bad, b);
  await assert.rejects(verifyDataset(bad), (e: unknown) => e instanceof HmlError && e.code === 'dataset-corrupt');
  assert.equal(await verifyDataset(r.path), r.contentHash);
});

test('batched reader: seeded shuffle, every row exactly once, other epochs differ, file order without shuffle', async () => {
  const r = await buildDataset(options(mkdtempSync(join(tmpdir(), 'hml-ds-'))));
  const f = await DatasetFile.open(r.path);
  try {
    const whole = f.split('train');
    const key = (d: { features?: Float32Array }, i: number) => `${d.features![i * 4]}:${d.features![i * 4 + 1]}`;
    const collect = (seed: number, epoch: number, shuffle = true) => {
      const out: string[] = [];
      for (const b of f.batches('train', { batchSize: 100, seed, epoch, shuffle, windowBlocks: 1 })) {
        assert.ok(b.n <= 100);
        for (let i = 0; i < b.n; i++) out.push(key(b, i));
      }
      return out;
    };
    const e0 = collect(1, 0), e0b = collect(1, 0), e1 = collect(1, 1);
    const all = Array.from({ length: whole.n }, (_, i) => key(whole, i));
    assert.deepEqual([...e0].sort(), [...all].sort());
    assert.deepEqual(e0, e0b);
    assert.notDeepEqual(e0, e1);
    assert.deepEqual(collect(1, 0, false), all);
  } finally {
    f.close();
  }
});

async function* unitWeights(src: AsyncIterable<EventBatch>): AsyncGenerator<EventBatch> {
  for await (const b of src) yield { ...b, weights: new Float64Array(b.size).fill(1) };
}

test('event: every row maps back to the generated event it came from (sample + index, hml events --from)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hml-ds-'));
  const o = options(dir, {}, 90);
  const r = await buildDataset(o);
  const ds = await readDataset(r.path);
  // the leading fat jet's pT of every generated event, regenerated from the same seeded streams
  const truth = async (seed: number, events: number, twoProng: boolean, sigma: number, missingEvery?: number): Promise<(number | undefined)[]> => {
    const pts: (number | undefined)[] = [];
    for await (const b of syntheticSample({ seed, events, batch: 64, twoProng, sigma, missingEvery })) {
      const c = b.collections.get('fatjet')!;
      for (let i = 0; i < b.size; i++) pts.push(c.offsets[i + 1] > c.offsets[i] ? Math.hypot(c.px[c.offsets[i]], c.py[c.offsets[i]]) : undefined);
    }
    return pts;
  };
  const want = [await truth(1, 700, true, 26, 7), await truth(2, 1300, false, 5000)];
  const seen = [new Set<number>(), new Set<number>()];
  for (const split of ['train', 'validation', 'test'] as const) {
    const a = ds[split]!;
    assert.ok(a.event, `${split} has the event array`);
    for (let k = 0; k < a.n; k++) {
      const s = a.sample[k], ev = a.event[k];
      assert.ok(!seen[s].has(ev), `event ${ev} of sample ${s} appears once`);
      seen[s].add(ev);
      const pt = want[s][ev];
      assert.ok(pt !== undefined, `row ${k} of ${split} points at event ${ev}, which has a fat jet`);
      assert.ok(Math.abs(a.features![k * 4] - pt) <= 1e-4 * pt, `${split} row ${k}: fatjet0.pt ${a.features![k * 4]} = event ${ev}'s ${pt}`);
    }
  }
  // every kept event exactly once: wjets loses every 7th (no fat jet), qcd keeps all
  assert.equal(seen[0].size, 600);
  assert.equal(seen[1].size, 1300);
  const h = h5dump(r.path, 4);
  assert.equal(h.objects['/test/event'].dtype, '<i4');
});
