/**
 * GBDT and metrics benchmark against their anchors, in one run:
 * - our `gbdt` vs XGBoost 1.7 `hist` (Debian python3-xgboost via /usr/bin/python3): same data (150,000 × 10 train,
 *   50,000 test, 5 % NaN, written to a temporary file), same hyper-parameters (100 trees, depth 3, eta 0.3,
 *   lambda 1, min_child_weight 1, 256 bins incl. missing) and the same thread count (nthread = 2; ours is
 *   single-threaded). Time = binning + training (XGBoost: DMatrix + train, which bins lazily inside train).
 *   Both AUCs are computed with the same function on the same test rows.
 * - AUC of 10⁶ points: our rocAuc vs sklearn roc_auc_score (with sample weights).
 * Timings are best-of-N on a shared 2-core machine (noisy); run: node --import tsx bench/gbdt.ts [reps]
 * Options: --threads N (ours and XGBoost's nthread, default 2); --xgboost-lib PATH: drive libxgboost.so through
 * its C API with ctypes (bench/gbdt_xgb_capi.py) where the Python package (or numpy) is missing; --no-metrics:
 * skip the sklearn AUC anchor; --cpu: also report process CPU time (user + system, best of N) of both, the figure
 * to compare on a loaded machine at --threads 1 (with more threads it counts the workers' spinning too).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boost } from '../core/methods/gbdt/booster';
import { GbdtModel } from '../core/methods/gbdt/model';
import { resolveGbdtSettings } from '../core/methods/gbdt/settings';
import { rocAuc } from '../core/metrics/roc';
import { Rng } from '../core/util/random';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const reps = Number(args.find((a) => /^\d+$/.test(a) && args[args.indexOf(a) - 1] !== '--threads') ?? 3);
const threads = Number(option('--threads') ?? 2);
const xgbLib = option('--xgboost-lib');
const withMetrics = !args.includes('--no-metrics');
const withCpu = args.includes('--cpu');
const F = 10;
const nTrain = 150_000;
const nTest = 50_000;

function makeData(n: number, rng: Rng): { x: Float32Array; y: Int8Array } {
  const x = new Float32Array(n * F);
  const y = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    const sig = rng.uniform() < 0.5 ? 1 : 0;
    y[i] = sig;
    const z = rng.normal();
    for (let f = 0; f < F; f++) {
      // shifted means, a shared latent factor (correlations) and a non-linear feature pair
      let v = rng.normal() + 0.5 * z + (sig ? 0.12 * (f + 1) : 0);
      if (f === 7) v = x[i * F] * x[i * F + 1] + (sig ? 0.3 : 0) + 0.5 * rng.normal();
      if (f === 8) v = Math.abs(v) * (sig ? 1.2 : 1);
      if (rng.uniform() < 0.05) v = NaN;
      x[i * F + f] = v;
    }
  }
  return { x, y };
}

const rng = new Rng(20261122n);
const tr = makeData(nTrain, rng);
const te = makeData(nTest, rng);
const settings = resolveGbdtSettings({ trees: 100, maxDepth: 3, learningRate: 0.3, lambda: 1, minChildWeight: 1, bins: 255 });

// --- ours
let best = Infinity;
let bestCpu = Infinity;
let model: GbdtModel | undefined;
for (let r = 0; r < reps; r++) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const out = await boost({ features: tr.x, n: nTrain, nFeatures: F, labels: tr.y }, undefined, settings, 1n, {}, threads);
  const c = process.cpuUsage(c0);
  const dt = (performance.now() - t0) / 1000;
  best = Math.min(best, dt);
  bestCpu = Math.min(bestCpu, (c.user + c.system) / 1e6);
  model = new GbdtModel(out.trees, out.baseMargin, Array.from({ length: F }, (_, f) => `x${f}`), new Array<string>(F).fill(''), settings);
}
const ourScores = model!.predict({ n: nTest, features: te.x, labels: te.y, weights: new Float64Array(nTest).fill(1), sample: new Int16Array(nTest) });
const ourAuc = rocAuc(ourScores, te.y);

// --- XGBoost, same data
const dir = mkdtempSync(join(tmpdir(), 'hml-bench-'));
const py = `
import sys, time, json, numpy as np, xgboost as xgb
from sklearn.metrics import roc_auc_score
D = sys.argv[1]; F = ${F}; reps = int(sys.argv[2])
xtr = np.fromfile(D + '/xtr.f32', dtype='<f4').reshape(-1, F); ytr = np.fromfile(D + '/ytr.f32', dtype='<f4')
xte = np.fromfile(D + '/xte.f32', dtype='<f4').reshape(-1, F)
params = dict(objective='binary:logistic', tree_method='hist', max_depth=3, eta=0.3, reg_lambda=1.0, min_child_weight=1.0, max_bin=256, nthread=${threads}, base_score=0.5)
best = 1e9; best_cpu = 1e9
for r in range(reps):
    t0 = time.perf_counter(); c0 = time.process_time()
    d = xgb.DMatrix(xtr, label=ytr, missing=np.nan, nthread=${threads})
    bst = xgb.train(params, d, num_boost_round=100)
    best = min(best, time.perf_counter() - t0); best_cpu = min(best_cpu, time.process_time() - c0)
p = bst.predict(xgb.DMatrix(xte, missing=np.nan)).astype('<f8'); p.tofile(D + '/pte.f64')
# metrics anchor: AUC of 1e6 points with weights
rng = np.random.default_rng(5); n = 1000000
y = (rng.random(n) < 0.4).astype(float); s = rng.normal(size=n) + y; w = rng.random(n)
y.tofile(D + '/my.f64'); s.tofile(D + '/ms.f64'); w.tofile(D + '/mw.f64')
bm = 1e9
for r in range(reps):
    t0 = time.perf_counter(); a = roc_auc_score(y, s, sample_weight=w); bm = min(bm, time.perf_counter() - t0)
print(json.dumps(dict(time=best, cpu=best_cpu, version=xgb.__version__, auc_time=bm, auc=a)))
`;
try {
  writeFileSync(join(dir, 'xtr.f32'), tr.x);
  writeFileSync(join(dir, 'ytr.f32'), Float32Array.from(tr.y));
  writeFileSync(join(dir, 'xte.f32'), te.x);
  const res = JSON.parse(
    (xgbLib
      ? execFileSync('/usr/bin/python3', [join(import.meta.dirname, 'gbdt_xgb_capi.py'), xgbLib, dir, String(F), String(reps), String(threads)], { encoding: 'utf8' })
      : execFileSync('/usr/bin/python3', ['-c', withMetrics ? py : py.slice(0, py.indexOf('# metrics anchor')) + "print(json.dumps(dict(time=best, cpu=best_cpu, version=xgb.__version__)))", dir, String(reps)], { encoding: 'utf8' })
    ).trim(),
  ) as { time: number; cpu?: number; version: string; auc_time?: number; auc?: number };
  const pte = readF64(join(dir, 'pte.f64'));
  const xgbAuc = rocAuc(pte, te.y);
  console.log(`gbdt 150,000 x 10, 100 trees, depth 3, ${threads} thread(s) each (best of ${reps}):`);
  console.log(`  ours            ${best.toFixed(3)} s   test AUC ${ourAuc.toFixed(5)}`);
  console.log(`  XGBoost ${res.version} hist ${res.time.toFixed(3)} s   test AUC ${xgbAuc.toFixed(5)}   (nthread=${threads}${xgbLib ? ', C API' : ''})`);
  console.log(`  time ratio ours/xgboost = ${(best / res.time).toFixed(2)}   AUC difference = ${(ourAuc - xgbAuc).toFixed(5)}`);
  if (withCpu && res.cpu !== undefined) {
    console.log(`  process CPU time: ours ${bestCpu.toFixed(3)} s, XGBoost ${res.cpu.toFixed(3)} s, ratio ${(bestCpu / res.cpu).toFixed(2)}`);
  }

  if (withMetrics && !xgbLib && res.auc_time !== undefined) {
    const my = readF64(join(dir, 'my.f64'));
    const ms = readF64(join(dir, 'ms.f64'));
    const mw = readF64(join(dir, 'mw.f64'));
    let bm = Infinity;
    let a = NaN;
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      a = rocAuc(ms, my, mw);
      bm = Math.min(bm, (performance.now() - t0) / 1000);
    }
    console.log(`weighted AUC of 1,000,000 points (best of ${reps}):`);
    console.log(`  ours    ${(bm * 1000).toFixed(1)} ms   AUC ${a}`);
    console.log(`  sklearn ${(res.auc_time * 1000).toFixed(1)} ms   AUC ${res.auc}`);
    console.log(`  time ratio ours/sklearn = ${(bm / res.auc_time).toFixed(2)}   |ΔAUC| = ${Math.abs(a - (res.auc ?? NaN)).toExponential(2)}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function readF64(p: string): Float64Array {
  const b = readFileSync(p);
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}
