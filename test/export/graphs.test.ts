import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cutsGraph, networkGraph, treeEnsembleGraph, type ExportLayer, type NetworkExport, type TreeEnsembleSpec, type CutSpec } from '../../core/export/graphs';
import { runOnnx } from '../../core/export/runtime';
import { Rng } from '../../core/util/random';

const cache = join(import.meta.dirname, '..', '.cache', 'export');
mkdirSync(cache, { recursive: true });

/** Debian's onnx checker with full_check (the recipe's reference validator). */
function checkWithPython(paths: string[]): void {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import sys, onnx\nfor p in sys.argv[1:]:\n    onnx.checker.check_model(onnx.load(p), full_check=True)\nprint("ok")', ...paths], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /ok/);
}

function randn(rng: Rng, n: number, s = 0.5): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.normal() * s;
  return a;
}

// Klambauer et al. 2017, the constants tfjs uses.
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

function act(x: number, a: string): number {
  return a === 'relu' ? Math.max(0, x) : a === 'tanh' ? Math.tanh(x) : a === 'sigmoid' ? 1 / (1 + Math.exp(-x)) : a === 'elu' ? (x > 0 ? x : Math.exp(x) - 1) : a === 'selu' ? SELU_SCALE * (x > 0 ? x : SELU_ALPHA * (Math.exp(x) - 1)) : x;
}

/** Naive float64 forward pass, channels-last as tfjs: the independent reference for the ONNX graphs. */
function reference(net: NetworkExport, x: Float32Array, mask: Float32Array | undefined, n: number): Float64Array {
  const out = new Float64Array(n);
  const row = net.inputShape.reduce((a, b) => a * b, 1);
  const width = net.inputShape.at(-1)!;
  for (let r = 0; r < n; r++) {
    let h = Array.from(x.subarray(r * row, (r + 1) * row), (v, i) => {
      const f = i % width;
      const filled = Number.isNaN(v) ? (net.preprocessing?.fill?.[f] ?? 0) : v;
      return (filled - (net.preprocessing?.offset?.[f] ?? 0)) * (net.preprocessing?.scale?.[f] ?? 1);
    });
    let shape = [...net.inputShape];
    let p = 0;
    for (const l of net.layers) {
      if (l.kind === 'dense') {
        const k = net.params[p++], b = net.params[p++];
        const rows = h.length / l.inputs;
        const y = new Array<number>(rows * l.units).fill(0);
        for (let q = 0; q < rows; q++) for (let o = 0; o < l.units; o++) {
          let s = b[o];
          for (let i = 0; i < l.inputs; i++) s += h[q * l.inputs + i] * k[i * l.units + o];
          y[q * l.units + o] = act(s, l.activation);
        }
        h = y;
        shape = [...shape.slice(0, -1), l.units];
      } else if (l.kind === 'conv2d') {
        const k = net.params[p++], b = net.params[p++];
        const [H, W, C] = shape;
        const pad = (l.kernel - 1) / 2;
        const y = new Array<number>(H * W * l.filters).fill(0);
        for (let i = 0; i < H; i++) for (let j = 0; j < W; j++) for (let o = 0; o < l.filters; o++) {
          let s = b[o];
          for (let di = 0; di < l.kernel; di++) for (let dj = 0; dj < l.kernel; dj++) {
            const ii = i + di - pad, jj = j + dj - pad;
            if (ii < 0 || jj < 0 || ii >= H || jj >= W) continue;
            for (let c = 0; c < C; c++) s += h[(ii * W + jj) * C + c] * k[((di * l.kernel + dj) * C + c) * l.filters + o];
          }
          y[(i * W + j) * l.filters + o] = act(s, l.activation);
        }
        h = y;
        shape = [H, W, l.filters];
      } else if (l.kind === 'maxpool2d') {
        const [H, W, C] = shape;
        const h2 = Math.floor(H / l.pool), w2 = Math.floor(W / l.pool);
        const y = new Array<number>(h2 * w2 * C).fill(-Infinity);
        for (let i = 0; i < h2 * l.pool; i++) for (let j = 0; j < w2 * l.pool; j++) for (let c = 0; c < C; c++) {
          const t = ((Math.floor(i / l.pool) * w2 + Math.floor(j / l.pool)) * C) + c;
          y[t] = Math.max(y[t], h[(i * W + j) * C + c]);
        }
        h = y;
        shape = [h2, w2, C];
      } else if (l.kind === 'global-avg-pool') {
        const [H, W, C] = shape;
        const y = new Array<number>(C).fill(0);
        for (let i = 0; i < H * W; i++) for (let c = 0; c < C; c++) y[c] += h[i * C + c] / (H * W);
        h = y;
        shape = [C];
      } else if (l.kind === 'flatten') {
        shape = [h.length];
      } else if (l.kind === 'masked-sum') {
        const [P, U] = shape;
        const y = new Array<number>(U).fill(0);
        for (let q = 0; q < P; q++) for (let u = 0; u < U; u++) y[u] += h[q * U + u] * mask![r * P + q];
        h = y;
        shape = [U];
      }
    }
    out[r] = net.sigmoidOutput ? 1 / (1 + Math.exp(-h[0])) : h[0];
  }
  return out;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function params(layers: ExportLayer[], rng: Rng): Float32Array[] {
  const out: Float32Array[] = [];
  for (const l of layers) {
    if (l.kind === 'dense') out.push(randn(rng, l.inputs * l.units), randn(rng, l.units, 0.1));
    if (l.kind === 'conv2d') out.push(randn(rng, l.kernel * l.kernel * l.inChannels * l.filters), randn(rng, l.filters, 0.1));
  }
  return out;
}

test('MLP, CNN and PFN graphs: onnx checker passes, onnxruntime matches the float64 reference within 1e-5', async () => {
  const rng = new Rng(3);
  const mlpLayers: ExportLayer[] = [
    { kind: 'dense', inputs: 3, units: 16, activation: 'relu' },
    { kind: 'dropout', rate: 0.1 },
    { kind: 'dense', inputs: 16, units: 8, activation: 'tanh' },
    { kind: 'dense', inputs: 8, units: 8, activation: 'selu' },
    { kind: 'dense', inputs: 8, units: 1, activation: 'linear' },
  ];
  const mlp: NetworkExport = { kind: 'set', inputShape: [3], layers: mlpLayers, params: params(mlpLayers, rng), preprocessing: { fill: [-1, 0, 2], offset: [10, 0.5, 0], scale: [0.01, 2, 0.3] }, sigmoidOutput: true };
  const cnnLayers: ExportLayer[] = [
    { kind: 'conv2d', inChannels: 2, filters: 4, kernel: 3, activation: 'relu', padding: 'same' },
    { kind: 'maxpool2d', pool: 2 },
    { kind: 'conv2d', inChannels: 4, filters: 3, kernel: 3, activation: 'elu', padding: 'same' },
    { kind: 'flatten' },
    { kind: 'dense', inputs: 4 * 4 * 3, units: 5, activation: 'relu' },
    { kind: 'dense', inputs: 5, units: 1, activation: 'linear' },
  ];
  const cnn: NetworkExport = { kind: 'image', inputShape: [9, 9, 2], layers: cnnLayers, params: params(cnnLayers, rng), sigmoidOutput: true };
  const gapLayers: ExportLayer[] = [
    { kind: 'conv2d', inChannels: 1, filters: 4, kernel: 5, activation: 'relu', padding: 'same' },
    { kind: 'global-avg-pool' },
    { kind: 'dense', inputs: 4, units: 1, activation: 'linear' },
  ];
  const gap: NetworkExport = { kind: 'image', inputShape: [8, 8, 1], layers: gapLayers, params: params(gapLayers, rng), sigmoidOutput: true };
  const pfnLayers: ExportLayer[] = [
    { kind: 'dense', inputs: 4, units: 10, activation: 'relu' },
    { kind: 'dense', inputs: 10, units: 6, activation: 'relu' },
    { kind: 'masked-sum' },
    { kind: 'dense', inputs: 6, units: 5, activation: 'relu' },
    { kind: 'dense', inputs: 5, units: 1, activation: 'linear' },
  ];
  const pfn: NetworkExport = { kind: 'cloud', inputShape: [7, 4], layers: pfnLayers, params: params(pfnLayers, rng), preprocessing: { offset: [0, 0, 1, 1], scale: [1, 1, 0.5, 0.5] }, sigmoidOutput: true };

  const n = 200;
  const paths: string[] = [];
  for (const [name, net] of Object.entries({ mlp, cnn, gap, pfn })) {
    const { graph } = networkGraph(net);
    const bytes = graph.build({ name, docString: name, producerVersion: 'test' });
    const path = join(cache, `${name}.onnx`);
    writeFileSync(path, bytes);
    paths.push(path);
    const row = net.inputShape.reduce((a, b) => a * b, 1);
    const x = randn(rng, n * row, 2);
    if (net.kind === 'set') for (let i = 0; i < x.length; i += 7) x[i] = NaN; // missing objects
    const feeds: Record<string, { data: Float32Array; shape: number[] }> = { [net.kind === 'set' ? 'features' : net.kind === 'image' ? 'images' : 'cloud']: { data: x, shape: [n, ...net.inputShape] } };
    let mask: Float32Array | undefined;
    if (net.kind === 'cloud') {
      const P = net.inputShape[0];
      mask = new Float32Array(n * P);
      for (let r = 0; r < n; r++) {
        const real = 1 + rng.int(P);
        for (let q = 0; q < real; q++) mask[r * P + q] = 1;
        for (let q = real; q < P; q++) for (let f = 0; f < 4; f++) x[(r * P + q) * 4 + f] = 0;
      }
      feeds.mask = { data: mask, shape: [n, P] };
    }
    const got = await runOnnx(bytes, feeds);
    const want = reference(net, x, mask, n);
    assert.ok(maxDiff(got, want) < 1e-5, `${name}: max |ONNX − reference| = ${maxDiff(got, want)}`);
    assert.ok(got.every((v) => Number.isFinite(v)), `${name}: NaN inputs are filled`);
  }
  checkWithPython(paths);
});

test('GBDT as TreeEnsembleRegressor + Sigmoid: NaN follows the default direction, match within 1e-6', async () => {
  // two depth-2 trees on 3 features, hand-made; node 0 root, leaves have mode LEAF
  const trees = [
    { feature: [0, 1, 2, -1, -1, -1, -1], threshold: [0.5, -0.2, 1.0, 0, 0, 0, 0], left: [1, 3, 5, 0, 0, 0, 0], right: [2, 4, 6, 0, 0, 0, 0], defaultLeft: [1, 0, 1, 0, 0, 0, 0], value: [0, 0, 0, 0.3, -0.2, 0.45, -0.6] },
    { feature: [2, -1, 0, -1, -1], threshold: [0.1, 0, -1.5, 0, 0], left: [1, 0, 3, 0, 0], right: [2, 0, 4, 0, 0], defaultLeft: [0, 0, 1, 0, 0], value: [0, 0.12, 0, -0.07, 0.25] },
  ];
  const spec: TreeEnsembleSpec = {
    nFeatures: 3,
    baseMargin: 0.05,
    nodes: { treeIds: [], nodeIds: [], featureIds: [], values: [], modes: [], trueNodeIds: [], falseNodeIds: [], missingTracksTrue: [] },
    targets: { treeIds: [], nodeIds: [], ids: [], weights: [] },
  };
  trees.forEach((t, ti) => t.feature.forEach((f, k) => {
    const leaf = f < 0;
    spec.nodes.treeIds.push(ti); spec.nodes.nodeIds.push(k); spec.nodes.featureIds.push(leaf ? 0 : f);
    spec.nodes.values.push(leaf ? 0 : t.threshold[k]); spec.nodes.modes.push(leaf ? 'LEAF' : 'BRANCH_LEQ');
    spec.nodes.trueNodeIds.push(t.left[k]); spec.nodes.falseNodeIds.push(t.right[k]); spec.nodes.missingTracksTrue.push(t.defaultLeft[k]);
    if (leaf) { spec.targets.treeIds.push(ti); spec.targets.nodeIds.push(k); spec.targets.ids.push(0); spec.targets.weights.push(t.value[k]); }
  }));
  const { graph } = treeEnsembleGraph(spec);
  const bytes = graph.build({ name: 'bdt', docString: 'bdt', producerVersion: 'test' });
  const path = join(cache, 'bdt.onnx');
  writeFileSync(path, bytes);
  const rng = new Rng(9);
  const n = 2000;
  const x = randn(rng, n * 3, 1.5);
  for (let i = 0; i < x.length; i++) if (rng.uniform() < 0.2) x[i] = NaN;
  const want = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let m = spec.baseMargin;
    for (const t of trees) {
      let k = 0;
      while (t.feature[k] >= 0) {
        const v = x[r * 3 + t.feature[k]];
        k = v <= Math.fround(t.threshold[k]) || (Number.isNaN(v) && t.defaultLeft[k] === 1) ? t.left[k] : t.right[k];
      }
      m += t.value[k];
    }
    want[r] = 1 / (1 + Math.exp(-m));
  }
  const got = await runOnnx(bytes, { features: { data: x, shape: [n, 3] } });
  assert.ok(maxDiff(got, want) < 1e-6, `max diff ${maxDiff(got, want)}`);
  checkWithPython([path]);
});

test('cut-and-count as comparisons: NaN fails its cut, graded scores, float64 bounds honoured exactly for float32 inputs', async () => {
  const cuts: CutSpec[] = [
    { feature: 0, shape: 'in', low: 60, high: 100.3 },
    { feature: 1, shape: 'le', high: 0.6 },
    { feature: 2, shape: 'out', low: -1.1, high: 1 },
    { feature: 3, shape: 'ge', low: 2.2 },
  ];
  const rng = new Rng(4);
  const n = 3000;
  const x = new Float32Array(n * 4);
  for (let r = 0; r < n; r++) {
    x[r * 4] = rng.range(40, 120); x[r * 4 + 1] = rng.range(0, 1); x[r * 4 + 2] = rng.range(-2, 2); x[r * 4 + 3] = rng.range(0, 4);
    if (rng.uniform() < 0.1) x[r * 4 + rng.int(4)] = NaN;
  }
  // boundary rows: the float32 neighbours of every float64 bound
  x.set([60, 0.6, -1.1, 2.2], 0);
  x.set([100.3, Math.fround(0.6), 1, Math.fround(2.2)], 4);
  x.set([Math.fround(100.3), 0.6, Math.fround(-1.1), 2.2], 8);
  const pass = (r: number): boolean[] => {
    const [a, b, c, d] = Array.from(x.subarray(r * 4, r * 4 + 4));
    return [a >= 60 && a <= 100.3, b <= 0.6, c < -1.1 || c > 1, d >= 2.2];
  };
  const paths: string[] = [];
  for (const mode of ['all', 'passed', 'cutflow'] as const) {
    const { graph } = cutsGraph(4, cuts, mode);
    const bytes = graph.build({ name: 'cuts', docString: 'cuts', producerVersion: 'test' });
    const path = join(cache, `cuts-${mode}.onnx`);
    writeFileSync(path, bytes);
    paths.push(path);
    const want = new Float32Array(n);
    for (let r = 0; r < n; r++) {
      const p = pass(r);
      if (mode === 'all') want[r] = p.every(Boolean) ? 1 : 0;
      else if (mode === 'passed') want[r] = p.filter(Boolean).length / 4;
      else want[r] = (p.indexOf(false) === -1 ? 4 : p.indexOf(false)) / 4;
    }
    const got = await runOnnx(bytes, { features: { data: x, shape: [n, 4] } });
    assert.deepEqual(Array.from(got), Array.from(want), mode);
    assert.ok(new Set(want).size > 1);
  }
  checkWithPython(paths);
});
