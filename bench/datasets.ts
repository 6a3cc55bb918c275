/**
 * Dataset benchmarks, each next to an anchor measured in the same run (best of N wall-clock; the machine is
 * shared, so timings are noisy):
 *
 *  1. events → `set` rows/s (fatjet0 pt, eta, phi, mass, fatjet.size) vs numpy computing the same columns from the
 *     same arrays (vectorised).
 *  2. events → 33×33 jet images/s (kt R=0.3 subjets, translate to subjet0, rotate subjet1 to −90°, pixelate):
 *     ours in full, and the translate/rotate/pixelate part alone vs an HML-style numpy loop per jet
 *     (np.histogram2d) fed the same subjet axes (Python has no FastJet binding here, so the anchor gets its subjets
 *     from us and the comparable figure excludes reclustering).
 *  3. HDF5 write and read (gzip 4, same chunk shapes) of the same arrays: h5wasm (ours) vs h5py 3.7 / HDF5 1.10.
 *  4. End to end: buildDataset events/s for set and image datasets (no anchor; for scale).
 *
 * Events: the built-in generator's w-jets (pT 250–300 GeV) with fatjets (anti-kt R=1.0, pT > 200 GeV, |η| < 2)
 * reconstructed from its particles by core/jets before timing.
 *
 * Run: node --import tsx bench/datasets.ts [events=2000]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { EventBatch } from '../core/physics/events';
import { pseudorapidity, phi as phiOf, pt as ptOf } from '../core/physics/fourvector';
import { reconstruct } from '../core/jets/reconstruct';
import { evaluateObservable } from '../core/observables';
import { generateBuiltin } from '../core/sources/builtin';
import { createRepresentation, pixelate, transformPoints, recluster } from '../core/representations';
import type { ImageSettings } from '../core/representations/types';
import { H5Writer, loadH5 } from '../core/datasets/h5';
import { buildDataset } from '../core/datasets/build';
import { DatasetFile } from '../core/datasets/read';

const N = Number(process.argv[2] ?? 2000);
const DIR = join('bench', '.cache', 'datasets');
const PY = '/usr/bin/python3';
rmSync(DIR, { recursive: true, force: true });
mkdirSync(DIR, { recursive: true });

function best(n: number, fn: () => void): number {
  let b = Infinity;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    fn();
    b = Math.min(b, performance.now() - t);
  }
  return b / 1000;
}
async function bestAsync(n: number, fn: () => Promise<void>): Promise<number> {
  let b = Infinity;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    b = Math.min(b, performance.now() - t);
  }
  return b / 1000;
}
function py(script: string, ...args: string[]): Record<string, number> {
  const p = spawnSync(PY, ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (p.status !== 0) throw new Error(p.stderr);
  return JSON.parse(p.stdout.trim().split('\n').pop()!) as Record<string, number>;
}
const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const row = (what: string, ours: number, anchor: number | undefined, unit: string, anchorName: string) =>
  console.log(`${what.padEnd(44)} ours ${fmt(ours).padStart(8)} ${unit}   ${anchorName} ${anchor === undefined ? '-' : fmt(anchor).padStart(8) + ' ' + unit}   ratio ${anchor === undefined ? '-' : (ours / anchor).toFixed(2)}`);

/** Fatjets (anti-kt R=1.0, pT > 200 GeV, |η| < 2) from the particles, with core/jets' batch reconstruction. */
function withFatjets(b: EventBatch): EventBatch {
  const collections = new Map(b.collections);
  collections.set('fatjet', reconstruct(b, 'fatjet', { algorithm: 'antikt', r: 1.0, min_pt: 200, max_eta: 2 }, ['particle']));
  return { ...b, collections };
}

async function main(): Promise<void> {
  console.log(`# bench/datasets: ${N} w-jets events (built-in generator, pT 250-300 GeV); best-of-N wall clock on a shared 2-core machine`);
  let t = performance.now();
  const raw: EventBatch[] = [];
  for await (const b of generateBuiltin({ process: 'w-jets', events: N, pt: [250, 300], seed: 7n, batchSize: 500 })) raw.push(b);
  const genS = (performance.now() - t) / 1000;
  t = performance.now();
  const batches = raw.map(withFatjets);
  const recoS = (performance.now() - t) / 1000;
  const nJets = batches.reduce((a, b) => a + b.collections.get('fatjet')!.offsets[b.size], 0);
  console.log(`# generation ${genS.toFixed(1)} s, fatjet clustering ${recoS.toFixed(1)} s (not part of the figures); ${nJets} fatjets`);

  // ---- export the arrays the numpy anchors use
  const fj = { px: [] as number[], py: [] as number[], pz: [] as number[], e: [] as number[], off: [0] };
  const cons = { eta: [] as number[], phi: [] as number[], pt: [] as number[], off: [0] };
  const subj: number[] = []; // per leading jet: s0 eta, s0 phi, s1 eta, s1 phi, has_s1
  const lead: { eta: Float64Array; phi: Float64Array; pt: Float64Array; px: number[]; py: number[]; pz: number[]; e: number[] }[] = [];
  for (const b of batches) {
    const j = b.collections.get('fatjet')!, p = b.collections.get('particle')!;
    for (let i = 0; i < b.size; i++) {
      for (let r = j.offsets[i]; r < j.offsets[i + 1]; r++) { fj.px.push(j.px[r]); fj.py.push(j.py[r]); fj.pz.push(j.pz[r]); fj.e.push(j.e[r]); }
      fj.off.push(fj.px.length);
      if (j.offsets[i + 1] === j.offsets[i]) continue;
      const jr = j.offsets[i];
      const rows = j.constituents!.index.subarray(j.constituents!.offsets[jr], j.constituents!.offsets[jr + 1]);
      const c = { eta: new Float64Array(rows.length), phi: new Float64Array(rows.length), pt: new Float64Array(rows.length), px: [] as number[], py: [] as number[], pz: [] as number[], e: [] as number[] };
      rows.forEach((r, k) => {
        c.eta[k] = pseudorapidity(p.px[r], p.py[r], p.pz[r]); c.phi[k] = phiOf(p.px[r], p.py[r]); c.pt[k] = ptOf(p.px[r], p.py[r]);
        c.px.push(p.px[r]); c.py.push(p.py[r]); c.pz.push(p.pz[r]); c.e.push(p.e[r]);
        cons.eta.push(c.eta[k]); cons.phi.push(c.phi[k]); cons.pt.push(c.pt[k]);
      });
      cons.off.push(cons.eta.length);
      const s = recluster(c.px, c.py, c.pz, c.e, 'kt', 0.3);
      const ax = (q: { px: number; py: number; pz: number }) => [pseudorapidity(q.px, q.py, q.pz), phiOf(q.px, q.py)];
      subj.push(...ax(s[0]), ...(s[1] ? ax(s[1]) : [0, 0]), s[1] ? 1 : 0);
      lead.push(c);
    }
  }
  const dump = (name: string, a: number[], T: Float64ArrayConstructor | Uint32ArrayConstructor) => writeFileSync(join(DIR, name), new Uint8Array(T.from(a).buffer));
  dump('fj_px', fj.px, Float64Array); dump('fj_py', fj.py, Float64Array); dump('fj_pz', fj.pz, Float64Array); dump('fj_e', fj.e, Float64Array); dump('fj_off', fj.off, Uint32Array);
  dump('c_eta', cons.eta, Float64Array); dump('c_phi', cons.phi, Float64Array); dump('c_pt', cons.pt, Float64Array); dump('c_off', cons.off, Uint32Array); dump('subj', subj, Float64Array);

  // ---- 1. set rows
  const setRep = createRepresentation({ type: 'set', observables: ['fatjet0.pt', 'fatjet0.eta', 'fatjet0.phi', 'fatjet0.mass', 'fatjet.size'] });
  const setS = best(5, () => { for (const b of batches) setRep.evaluate(b); });
  const setPy = py(`
import numpy as np, time, json, sys
d = sys.argv[1]
L = lambda n, t: np.fromfile(d + "/" + n, dtype=t)
px, py, pz, e, off = L("fj_px", "<f8"), L("fj_py", "<f8"), L("fj_pz", "<f8"), L("fj_e", "<f8"), L("fj_off", "<u4")
best = 1e9
for _ in range(5):
    t = time.perf_counter()
    first = off[:-1].astype(np.int64); has = off[1:] > off[:-1]; i = np.where(has, first, 0)
    x, y, z, en = px[i], py[i], pz[i], e[i]
    pt = np.hypot(x, y); eta = np.arcsinh(z / pt); phi = np.arctan2(y, x)
    m2 = (en + z) * (en - z) - pt * pt; m = np.where(m2 >= 0, np.sqrt(np.abs(m2)), -np.sqrt(np.abs(m2)))
    out = np.stack([np.where(has, v, np.nan) for v in (pt, eta, phi, m)] + [np.diff(off).astype(np.float64)], axis=1).astype(np.float32)
    best = min(best, time.perf_counter() - t)
print(json.dumps({"s": best}))
`, DIR);
  row('events -> set rows (5 columns)', N / setS, N / setPy.s, 'ev/s', 'numpy');
  // The same table through the general expression evaluator, plus substructure (no anchor: numpy has no tau21).
  const evaluator = (b: EventBatch, x: string) => { const c = evaluateObservable(b, x); return c.kind === 'scalar' ? c.values : { offsets: c.offsets, values: c.values }; };
  const setEval = createRepresentation({ type: 'set', observables: ['fatjet0.pt', 'fatjet0.eta', 'fatjet0.phi', 'fatjet0.mass', 'fatjet.size'] }, { evaluator });
  row('  same via core/observables evaluator', N / best(3, () => { for (const b of batches) setEval.evaluate(b); }), undefined, 'ev/s', 'numpy');
  const setSub = createRepresentation({ type: 'set', observables: ['fatjet0.mass', 'fatjet0.tau21', 'fatjet0.tau32'] }, { evaluator });
  row('  mass, tau21, tau32 via evaluator', N / best(1, () => { for (const b of batches) setSub.evaluate(b); }), undefined, 'ev/s', 'numpy');

  // ---- 2. images
  const imgSettings: ImageSettings = { type: 'image', height: 'fatjet0.constituents.phi', width: 'fatjet0.constituents.eta', channel: 'fatjet0.constituents.pt', subjets: { algorithm: 'kt', r: 0.3 }, translate: 'subjet0', rotate: { axis: 'subjet1', orientation: -90 }, pixels: [33, 33], range: [[-1.6, 1.6], [-1.6, 1.6]] };
  const imgRep = createRepresentation(imgSettings);
  const imgS = best(3, () => { for (const b of batches) imgRep.evaluate(b); });
  const out = new Float32Array(33 * 33);
  const nLead = lead.length;
  const partS = best(5, () => {
    for (let j = 0; j < nLead; j++) {
      const c = lead[j];
      const s = subj.slice(j * 5, j * 5 + 5);
      out.fill(0);
      const pts = { x: Float64Array.from(c.eta), y: Float64Array.from(c.phi), weights: [c.pt] };
      transformPoints(pts, { translate: { x: s[0], y: s[1] }, wrapY: true, rotate: s[4] ? { x: s[2], y: s[3], orientation: -90 } : undefined });
      pixelate(pts, [33, 33], imgSettings.range, out);
    }
  });
  const imgPy = py(`
import numpy as np, time, json, sys, math
d = sys.argv[1]
L = lambda n, t: np.fromfile(d + "/" + n, dtype=t)
eta, phi, pt, off, subj = L("c_eta", "<f8"), L("c_phi", "<f8"), L("c_pt", "<f8"), L("c_off", "<u4"), L("subj", "<f8").reshape(-1, 5)
wrap = lambda a: (a + np.pi) % (2 * np.pi) - np.pi
best = 1e9
for _ in range(3):
    t = time.perf_counter()
    for j in range(len(off) - 1):
        a, b = off[j], off[j + 1]
        s = subj[j]
        x = eta[a:b] - s[0]; y = wrap(phi[a:b] - s[1])
        if s[4]:
            ang = math.radians(-90) - math.atan2(wrap(s[3] - s[1]), s[2] - s[0])
            c, sn = math.cos(ang), math.sin(ang)
            x, y = c * x - sn * y, sn * x + c * y
        h, _, _ = np.histogram2d(y, x, bins=[33, 33], range=[[-1.6, 1.6], [-1.6, 1.6]], weights=pt[a:b])
    best = min(best, time.perf_counter() - t)
print(json.dumps({"s": best}))
`, DIR);
  row('events -> 33x33 images (full, with subjets)', N / imgS, undefined, 'ev/s', 'numpy');
  row('jets -> images (translate/rotate/pixelate)', nLead / partS, nLead / imgPy.s, 'jet/s', 'numpy+histogram2d');

  // ---- 3. HDF5 write / read of the same arrays
  await loadH5();
  const reps = Math.max(1, Math.ceil(20000 / nLead));
  const nImg = nLead * reps;
  const images = new Float32Array(nImg * 1089);
  for (let r = 0; r < reps; r++) {
    for (let j = 0; j < nLead; j++) {
      const c = lead[j];
      const pts = { x: Float64Array.from(c.eta), y: Float64Array.from(c.phi), weights: [c.pt] };
      const s = subj.slice(j * 5, j * 5 + 5);
      transformPoints(pts, { translate: { x: s[0], y: s[1] }, wrapY: true, rotate: s[4] ? { x: s[2], y: s[3], orientation: -90 } : undefined });
      pixelate(pts, [33, 33], imgSettings.range, images, (r * nLead + j) * 1089);
    }
  }
  const features = new Float32Array(nImg * 10).map((_, i) => Math.sin(i) * 100);
  const labels = Int8Array.from({ length: nImg }, (_, i) => i & 1);
  const weights = Float64Array.from({ length: nImg }, (_, i) => 1 + (i % 7) / 7);
  writeFileSync(join(DIR, 'images.f32'), new Uint8Array(images.buffer));
  writeFileSync(join(DIR, 'features.f32'), new Uint8Array(features.buffer));
  const mb = (images.byteLength + features.byteLength + labels.byteLength + weights.byteLength) / 1e6;
  const ourFile = join(DIR, 'ours.h5');
  const wS = await bestAsync(3, async () => {
    const w = await H5Writer.create(ourFile, 4);
    w.group('/train');
    const step = 4096;
    const di = w.dataset('/train/images', 'f32', [33, 33, 1], nImg), df = w.dataset('/train/features', 'f32', [10], nImg);
    for (let a = 0; a < nImg; a += step) {
      const b = Math.min(nImg, a + step);
      di.append(images.subarray(a * 1089, b * 1089));
      df.append(features.subarray(a * 10, b * 10));
    }
    w.dataset('/train/labels', 'i8', [], nImg).append(labels);
    w.dataset('/train/weights', 'f64', [], nImg).append(weights);
    w.close();
  });
  const rS = await bestAsync(3, async () => {
    const h5 = await loadH5();
    const f = new h5.File(ourFile, 'r');
    for (const name of ['images', 'features', 'labels', 'weights']) {
      const ds = f.get(`train/${name}`) as import('h5wasm').Dataset;
      const n = ds.shape![0];
      for (let a = 0; a < n; a += 16384) ds.slice([[a, Math.min(n, a + 16384)]]);
    }
    f.close();
  });
  const chunkImg = Math.max(1, Math.floor((1 << 20) / (1089 * 4)));
  const h5py = py(`
import numpy as np, h5py, time, json, sys
d, n = sys.argv[1], int(sys.argv[2])
images = np.fromfile(d + "/images.f32", dtype="<f4").reshape(n, 33, 33, 1)
features = np.fromfile(d + "/features.f32", dtype="<f4").reshape(n, 10)
labels = (np.arange(n) & 1).astype(np.int8)
weights = 1 + (np.arange(n) % 7) / 7
fn = d + "/h5py.h5"
bw = br = 1e9
for _ in range(3):
    t = time.perf_counter()
    with h5py.File(fn, "w") as f:
        g = f.create_group("train")
        g.create_dataset("images", data=images, chunks=(${chunkImg}, 33, 33, 1), maxshape=(None, 33, 33, 1), compression="gzip", compression_opts=4)
        g.create_dataset("features", data=features, chunks=(min(n, 26214), 10), maxshape=(None, 10), compression="gzip", compression_opts=4)
        g.create_dataset("labels", data=labels, chunks=(min(n, 65536),), maxshape=(None,), compression="gzip", compression_opts=4)
        g.create_dataset("weights", data=weights, chunks=(min(n, 65536),), maxshape=(None,), compression="gzip", compression_opts=4)
    bw = min(bw, time.perf_counter() - t)
for _ in range(3):
    t = time.perf_counter()
    with h5py.File(fn, "r") as f:
        for k in ("images", "features", "labels", "weights"):
            f["train/" + k][()]
    br = min(br, time.perf_counter() - t)
print(json.dumps({"w": bw, "r": br}))
`, DIR, String(nImg));
  row(`HDF5 write gzip-4 (${mb.toFixed(0)} MB: images+features+...)`, mb / wS, mb / h5py.w, 'MB/s', 'h5py');
  row('HDF5 read all, gzip-4', mb / rS, mb / h5py.r, 'MB/s', 'h5py');

  // ---- 4. end to end (for scale)
  const e2e = async (settings: Parameters<typeof buildDataset>[0]['settings'], name: string) => {
    async function* replay(): AsyncGenerator<EventBatch> { for (const b of batches) yield b; }
    let path = '';
    // Best of 2: the first build also pays JIT warm-up; fsync of the file and the card is included.
    const s = await bestAsync(2, async () => {
      path = (await buildDataset({ name, settings, samples: [{ name: 'wjets', label: 1, batches: replay() }, { name: 'wjets_copy', label: 0, batches: replay() }], split: { train: 0.7, test: 0.3 }, seed: 1, outDir: join(DIR, name) })).path;
    });
    const r = { path };
    const f = await DatasetFile.open(r.path);
    let n = 0;
    const t1 = performance.now();
    for (const b of f.batches('train', { batchSize: 256, seed: 1 })) n += b.n;
    const rb = (performance.now() - t1) / 1000;
    f.close();
    row(`buildDataset ${name} end to end`, (2 * N) / s, undefined, 'ev/s', '-');
    row(`shuffled batches of 256 (${name}, train)`, n / rb, undefined, 'rows/s', '-');
  };
  await e2e({ type: 'set', observables: ['fatjet0.pt', 'fatjet0.eta', 'fatjet0.phi', 'fatjet0.mass', 'fatjet.size'] }, 'set');
  await e2e(imgSettings, 'images');
}

await main();
