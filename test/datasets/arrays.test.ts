import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDataset, type BuildDatasetOptions } from '../../core/datasets/build';
import { readDataset, verifyDataset } from '../../core/datasets/read';
import { summarizeDataset } from '../../core/datasets/summary';
import type { RepresentationSettings } from '../../core/representations/types';
import { syntheticSample } from './synthetic';

const PY = '/usr/bin/python3';

/** Same name, seed and samples in separate directories: the row order is identical across representations. */
function options(settings: RepresentationSettings): BuildDatasetOptions {
  return {
    name: 'jets',
    settings,
    samples: [
      { name: 'two_prong', label: 1, batches: syntheticSample({ seed: 11, events: 300, batch: 64, twoProng: true, sigma: 1 }) },
      { name: 'one_prong', label: 0, batches: syntheticSample({ seed: 12, events: 300, batch: 64, twoProng: false, sigma: 1 }) },
    ],
    split: { train: 0.7, test: 0.3 },
    seed: 3,
    outDir: mkdtempSync(join(tmpdir(), 'hml-arr-')),
  };
}

const IMAGE: RepresentationSettings = {
  type: 'image', height: 'fatjet0.constituents.phi', width: 'fatjet0.constituents.eta', channel: 'fatjet0.constituents.pt',
  subjets: { algorithm: 'kt', r: 0.2 }, translate: 'subjet0', rotate: { axis: 'subjet1', orientation: -90 }, pixels: [33, 33], range: [[-1.6, 1.6], [-1.6, 1.6]],
};
const CLOUD: RepresentationSettings = { type: 'cloud', object: 'fatjet0.constituents', features: ['pt', 'delta_eta', 'delta_phi', 'delta_r', 'pt_fraction', 'charge', 'pdg_class'], max_particles: 40 };

function py(script: string, ...args: string[]): unknown {
  const p = spawnSync(PY, ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(p.status, 0, p.stderr);
  return JSON.parse(p.stdout);
}

test('image and cloud datasets: h5py shapes, dtypes, chunking, mask, padding, and per-row consistency between them', async () => {
  const img = await buildDataset(options(IMAGE));
  const cld = await buildDataset(options(CLOUD));
  const seen = py(`
import h5py, json, sys, numpy as np
fi, fc = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
out = {}
for s in ("train", "test"):
    im, cl, m = fi[s + "/images"], fc[s + "/cloud"], fc[s + "/mask"]
    imv, clv, mv = im[()], cl[()], m[()]
    pt = np.where(mv == 1, clv[:, :, 0], 0).sum(axis=1)
    out[s] = {
        "images": [im.dtype.str, list(im.shape), list(im.chunks), im.chunks[0] * 33 * 33 * 4 <= 1 << 20, im.compression],
        "cloud": [cl.dtype.str, list(cl.shape)], "mask": [m.dtype.str, list(m.shape)],
        "mask_counts": [int(mv.sum(axis=1).min()), int(mv.sum(axis=1).max())],
        "padding_zero": bool((clv[mv == 0] == 0).all()),
        "pt_sorted": bool((np.diff(np.where(mv == 1, clv[:, :, 0], -1), axis=1) <= 1e-6).all()),
        "dr_ok": float(np.abs(np.hypot(clv[:, :, 1], clv[:, :, 2]) - clv[:, :, 3])[mv == 1].max()),
        "image_sum_vs_cloud_pt": float(np.abs(imv.sum(axis=(1, 2, 3)) - pt).max() / pt.max()),
        "labels_equal": bool((fi[s + "/labels"][()] == fc[s + "/labels"][()]).all()),
        "classes": sorted(set(clv[:, :, 6][mv == 1].astype(int).tolist())),
        "charge_consistent": bool(((clv[:, :, 5] != 0) == (clv[:, :, 6] == 1))[mv == 1].all()),
    }
out["axes"] = [list(fi["train/images"].attrs["axes"]), list(fc["train/cloud"].attrs["axes"])]
out["names"] = [list(fi.attrs["feature_names"]), list(fc.attrs["feature_names"]), list(fc.attrs["feature_units"])]
out["rep"] = json.loads(fi.attrs["representation"])
print(json.dumps(out))
`, img.path, cld.path) as Record<string, unknown> & { train: Record<string, unknown>; test: Record<string, unknown> };
  for (const s of ['train', 'test'] as const) {
    const v = seen[s] as Record<string, unknown>;
    const n = s === 'train' ? 420 : 180;
    assert.deepEqual((v.images as unknown[]).slice(0, 2), ['<f4', [n, 33, 33, 1]]);
    assert.equal((v.images as unknown[])[3], true, 'image chunks at most 1 MiB');
    assert.equal((v.images as unknown[])[4], 'gzip');
    assert.deepEqual(v.cloud, ['<f4', [n, 40, 7]]);
    assert.deepEqual(v.mask, ['|u1', [n, 40]]);
    assert.deepEqual(v.mask_counts, [10, 29], 'synthetic jets have 10-29 constituents');
    assert.equal(v.padding_zero, true);
    assert.equal(v.pt_sorted, true, 'hardest constituents first');
    assert.ok((v.dr_ok as number) < 1e-5);
    assert.ok((v.image_sum_vs_cloud_pt as number) < 1e-5, `every constituent lands in the image: ${v.image_sum_vs_cloud_pt}`);
    assert.equal(v.labels_equal, true, 'same seed and name: same row order');
    assert.deepEqual(v.classes, [1, 2, 3], 'charged hadrons, neutral hadrons, photons');
    assert.equal(v.charge_consistent, true);
  }
  assert.deepEqual(seen.axes, [['height', 'width', 'channel'], ['event', 'particle', 'feature']]);
  assert.deepEqual(seen.names, [['fatjet0.constituents.pt'], ['pt', 'delta_eta', 'delta_phi', 'delta_r', 'pt_fraction', 'charge', 'pdg_class'], ['GeV', '1', 'rad', '1', '1', 'e', '1']]);
  assert.deepEqual((seen.rep as { rotate: unknown }).rotate, { axis: 'subjet1', orientation: -90 });
  // Content hash (no preselection: the empty cut list is stored as "[]"): writer, JS re-read and h5py agree.
  for (const r of [img, cld]) {
    assert.equal(await verifyDataset(r.path), r.contentHash);
    const p = spawnSync(PY, [new URL('./h5dump.py', import.meta.url).pathname, r.path, '1'], { encoding: 'utf8', maxBuffer: 1 << 26 });
    assert.equal(p.status, 0, p.stderr);
    assert.equal((JSON.parse(p.stdout) as { content_hash: string }).content_hash, r.contentHash);
  }

  // Inspector summaries: the signal's second prong sits straight below the centre after rotation to -90 degrees.
  const sum = await summarizeDataset(img.path);
  const mean = sum.meanImage!;
  assert.deepEqual(mean.shape, [33, 33, 1]);
  const at = (c: 0 | 1, r: number, col: number) => mean.byClass[c][r * 33 + col];
  let below = 0, above = 0;
  for (let r = 0; r < 16; r++) below += at(1, r, 16);
  for (let r = 17; r < 33; r++) above += at(1, r, 16);
  assert.ok(below > 5 * above, `signal mean image: below ${below}, above ${above}`);
  assert.ok(at(1, 16, 16) > 0 && at(0, 16, 16) > at(1, 16, 16), 'one-prong jets concentrate at the centre');
  const cs = await summarizeDataset(cld.path, { bins: 10 });
  assert.equal(cs.features.length, 7);
  const particles = (await readDataset(cld.path)).train.mask!.reduce((a, b) => a + b, 0) + (await readDataset(cld.path)).test.mask!.reduce((a, b) => a + b, 0);
  assert.equal(cs.features[0].counts[0].reduce((a, b) => a + b, 0) + cs.features[0].counts[1].reduce((a, b) => a + b, 0), particles);
  assert.equal(cs.multiplicity!.counts[0].reduce((a, b) => a + b, 0) + cs.multiplicity!.counts[1].reduce((a, b) => a + b, 0), 600);
  assert.deepEqual(cs.splits.train.perClass, [210, 210]);
});

test('cloud truncation keeps the hardest max_particles, identical to the first rows of a longer cloud', async () => {
  const long = await readDataset((await buildDataset(options(CLOUD))).path);
  const short = await readDataset((await buildDataset(options({ ...CLOUD, max_particles: 5 } as RepresentationSettings))).path);
  const F = 7;
  for (let i = 0; i < short.test.n; i++) {
    for (let p = 0; p < 5; p++) {
      assert.equal(short.test.mask![i * 5 + p], 1);
      for (let f = 0; f < F; f++) assert.equal(short.test.cloud![(i * 5 + p) * F + f], long.test.cloud![(i * 40 + p) * F + f]);
    }
  }
});

test('set summary: histograms by class on shared binning, missing values counted', async () => {
  const r = await buildDataset(options({ type: 'set', observables: ['fatjet0.pt', 'fatjet0.mass', 'jet0.pt'] }));
  const s = await summarizeDataset(r.path, { bins: 8 });
  assert.equal(s.features.length, 3);
  const pt = s.features[0];
  assert.equal(pt.edges.length, 9);
  assert.equal(pt.counts[0].reduce((a, b) => a + b, 0), 300);
  assert.equal(pt.counts[1].reduce((a, b) => a + b, 0), 300);
  assert.deepEqual(s.features[2].missing, [300, 300], 'jet0.pt is missing (no jet collection)');
  assert.equal(s.splits.test.rows, 180);
  assert.deepEqual(Object.values(s.splits.test.perSample), [90, 90]);
});
