/**
 * Network training speed against PyTorch CPU (Debian python3-torch via /usr/bin/python3), same run, same
 * architectures, data, batch sizes and thread count (our wasm path is single-threaded, so PyTorch gets 1 thread;
 * its 2-thread time is printed for information). Figures are the best epoch of N (the machine is shared and
 * noisy). Also the stock tfjs `cpu` backend on the CNN: one batch through tf.valueAndGrads, extrapolated to an epoch.
 *
 *   node --import tsx bench/training.ts [--quick]
 *
 * Targets (issue 7): CNN epoch ≥ 50× faster than tfjs-cpu and ≤ 3× PyTorch (stretch ≤ 2×), MLP ≤ 1.5× PyTorch,
 * PFN measured.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dataset } from '../core/datasets/types';
import { trainNetwork } from '../core/methods/nn';
import { forward, initialParams, paramShapes } from '../core/methods/nn/architecture';
import { initNnBackend, tf } from '../core/methods/nn/backend';
import { buildArchitecture, parseSettings, type NetworkType } from '../core/methods/nn/settings';
import { Rng } from '../core/util/random';
import { syntheticDataset } from '../test/methods/nn-data';

const quick = process.argv.includes('--quick');
const repeats = quick ? 2 : 4;

interface Case {
  name: string;
  type: NetworkType;
  dataset: Dataset;
  settings: Record<string, unknown>;
}

const cnnData = syntheticDataset('image', { train: 2000, validation: 64, test: 64 }, [33, 33, 1], 11, 0.5);
const cases: Case[] = [
  { name: 'cnn b128', type: 'cnn', dataset: cnnData, settings: { batch_size: 128 } },
  { name: 'cnn b256', type: 'cnn', dataset: cnnData, settings: { batch_size: 256 } },
  { name: 'mlp b256', type: 'mlp', dataset: syntheticDataset('set', { train: 20000, validation: 64, test: 64 }, [20], 12, 0.5), settings: { layers: [64, 64], batch_size: 256 } },
  { name: 'pfn b256', type: 'pfn', dataset: syntheticDataset('cloud', { train: 5000, validation: 64, test: 64 }, [30, 4], 13, 0.5), settings: { phi: [64, 64, 64], f: [64, 64], batch_size: 256 } },
];

interface Timing { wall: number; cpu: number }

async function ourEpoch(c: Case): Promise<{ best: Timing; backend: string }> {
  const times: number[] = [];
  const cpus: number[] = [];
  let t = performance.now();
  let u = process.cpuUsage();
  const r = await trainNetwork(c.type, c.dataset, { ...c.settings, epochs: repeats + 1, early_stopping: false, scaling: 'none' }, {
    seed: 1n,
    onProgress: () => {
      const now = performance.now();
      const cu = process.cpuUsage(u);
      times.push((now - t) / 1000);
      cpus.push((cu.user + cu.system) / 1e6);
      t = now;
      u = process.cpuUsage();
    },
  });
  // The first epoch includes one-off set-up (XNNPACK operator creation, JIT warm-up); PyTorch's warm-up is in its
  // best-of-N as well.
  return { best: { wall: Math.min(...times.slice(1)), cpu: Math.min(...cpus.slice(1)) }, backend: r.backend };
}

/** Stock tfjs cpu backend: one batch of the CNN through tf.valueAndGrads, extrapolated to an epoch. */
async function tfjsCpuCnnEpoch(c: Case): Promise<Timing> {
  await initNnBackend('cpu');
  const settings = parseSettings('cnn', c.settings);
  const arch = buildArchitecture('cnn', settings, c.dataset.rowShape);
  const params = initialParams(arch, new Rng(1n)).map((p, i) => tf.tensor(p, paramShapes(arch)[i]));
  const bs = settings.batchSize;
  const x = tf.tensor(c.dataset.train.images!.subarray(0, bs * 33 * 33), [bs, 33, 33, 1]);
  const y = tf.tensor2d(Float32Array.from(c.dataset.train.labels.subarray(0, bs)), [bs, 1]);
  const t = performance.now();
  const u = process.cpuUsage();
  tf.tidy(() => {
    const { grads } = tf.valueAndGrads((...ps: tf.Tensor[]) => {
      const z = forward(arch, ps, x);
      return tf.mean(tf.sub(tf.softplus(z), tf.mul(y, z))) as tf.Scalar;
    })(params);
    grads.forEach((g) => g.dataSync());
  });
  const cu = process.cpuUsage(u);
  const batches = Math.ceil(c.dataset.train.n / bs);
  return { wall: ((performance.now() - t) / 1000) * batches, cpu: ((cu.user + cu.system) / 1e6) * batches };
}

function runTorch(threads: number, dir: string): Record<string, Timing> {
  const spec = {
    threads,
    cases: cases.map((c, i) => {
      const d = c.dataset.train;
      const x = join(dir, `x${i}.f32`), y = join(dir, `y${i}.f32`);
      const arr = c.type === 'mlp' ? d.features! : c.type === 'cnn' ? d.images! : d.cloud!;
      writeFileSync(x, arr);
      writeFileSync(y, Float32Array.from(d.labels));
      let mask: string | undefined;
      if (d.mask) {
        mask = join(dir, `m${i}.f32`);
        writeFileSync(mask, Float32Array.from(d.mask));
      }
      const s = parseSettings(c.type, c.settings) as unknown as Record<string, unknown>;
      return { name: c.name, kind: c.type, n: d.n, rowShape: c.dataset.rowShape, x, y, mask, batchSize: s.batchSize, repeats: repeats + 1, layers: s.layers, filters: s.filters, dense: s.dense, phi: s.phi, f: s.f };
    }),
  };
  // One Python process per case, so one case's state (allocator, oneDNN caches) cannot slow the next.
  const result: Record<string, Timing> = {};
  for (const one of spec.cases) {
    const specPath = join(dir, `spec-${threads}.json`);
    writeFileSync(specPath, JSON.stringify({ threads, cases: [one] }));
    const r = spawnSync('/usr/bin/python3', [join(import.meta.dirname, 'training_torch.py'), specPath], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`PyTorch anchor failed: ${r.stderr}`);
    Object.assign(result, (JSON.parse(r.stdout.trim().split('\n').pop()!) as { epoch_s: Record<string, Timing> }).epoch_s);
  }
  return result;
}

const dir = mkdtempSync(join(tmpdir(), 'hml-bench-training-'));
try {
  const ours: Record<string, Timing> = {};
  let backend = '';
  for (const c of cases) {
    const r = await ourEpoch(c);
    ours[c.name] = r.best;
    backend = r.backend;
  }
  const torch1 = runTorch(1, dir);
  const torch2 = runTorch(2, dir);
  const cpu = quick ? { wall: NaN, cpu: NaN } : await tfjsCpuCnnEpoch(cases[0]);

  console.log(`network training, one epoch, best of ${repeats} (ours: ${backend}, 1 thread; PyTorch ${'CPU'}, same run)`);
  console.log('wall: elapsed seconds; cpu: process CPU seconds (robust when other jobs share the cores)');
  console.log('case        ours wall  torch-1t wall  ratio |  ours cpu  torch-1t cpu  ratio | torch-2t wall  target');
  const targets: Record<string, string> = { 'cnn b128': '≤ 3× (stretch 2×)', 'cnn b256': '≤ 3× (stretch 2×)', 'mlp b256': '≤ 1.5×', 'pfn b256': 'measured' };
  const f = (v: number, w = 9): string => v.toFixed(3).padStart(w);
  for (const c of cases) {
    const o = ours[c.name], p = torch1[c.name];
    console.log(`${c.name.padEnd(10)} ${f(o.wall)}  ${f(p.wall, 13)}  ${(o.wall / p.wall).toFixed(2).padStart(4)}× | ${f(o.cpu)}  ${f(p.cpu, 12)}  ${(o.cpu / p.cpu).toFixed(2).padStart(4)}× | ${f(torch2[c.name].wall, 13)}  ${targets[c.name]}`);
  }
  if (!quick) {
    const o = ours['cnn b128'];
    console.log(`tfjs stock cpu backend, cnn b128 epoch (one batch × ${Math.ceil(2000 / 128)}): wall ${cpu.wall.toFixed(1)} s, cpu ${cpu.cpu.toFixed(1)} s; ` +
      `ours ${o.wall.toFixed(3)} s / ${o.cpu.toFixed(3)} s: ${(cpu.wall / o.wall).toFixed(0)}× (wall), ${(cpu.cpu / o.cpu).toFixed(0)}× (cpu) faster (target ≥ 50×)`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
