/**
 * The reusable-model bundle (Les Houches recommendations for reusable ML models in LHC analyses), one folder per
 * method:
 *   model.onnx             the model as an ONNX graph (inputs raw observables; fill and scaling inside)
 *   model_card.json        inputs (definition, unit, order, dtype, missing value, training range), preprocessing,
 *                          outputs (signal-like high), working points, training samples, metrics, versions, sha256
 *   validation/inputs*.npy test inputs (bulk, tails, missing objects, near the working points)
 *   validation/expected.npy the native model's outputs on them, written before the ONNX model is run
 *   validation/vectors.json what each row range is, the tolerances
 *   validation/report.json onnxruntime vs native: max abs / rel differences, the ONNX model's AUC on the test split
 *   SHA256SUMS             sha256 of every file (`sha256sum -c SHA256SUMS` checks it too)
 */
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Dataset, DatasetArrays } from '../datasets/types';
import { rocAuc } from '../metrics/roc';
import type { SavedModel, TrainedModel, MethodType } from '../methods/types';
import type { MethodResult, MetricValue, WorkingPoint } from '../../protocol/results';
import { writeFileAtomic } from '../util/atomic';
import { HmlError } from '../util/errors';
import { sha256Hex } from '../util/hash';
import { Rng } from '../util/random';
import { cutsGraph, networkGraph, treeEnsembleGraph, type BuiltGraph, type CutSpec, type ExportLayer, type TreeEnsembleSpec } from './graphs';
import { encodeNpy } from './npy';
import { IR_VERSION, ML_OPSET, OPSET } from './onnx';
import { ortVersion, runOnnx, type FeedArray } from './runtime';

export const BUNDLE_FORMAT_VERSION = 1;

/** Documentation of one input feature (set datasets) or channel / particle feature (images, clouds). */
export interface FeatureDoc {
  name: string;
  /** The observable expression of the analysis file, e.g. `fatjet0.mass`. */
  expression: string;
  /** In words, e.g. "mass of the leading large-R jet". */
  words?: string;
  /** GeV, rad, 1 … */
  unit: string;
}

export interface SampleDoc {
  name: string;
  label: 'signal' | 'background';
  process: string;
  generator: string;
  /** pb */
  crossSection: number | null;
  events: number;
  cuts: string[];
}

export interface BundleRequest {
  outDir: string;
  analysisName: string;
  method: { name: string; type: MethodType; dataset: string };
  saved: SavedModel;
  /** The native model (for the expected outputs). */
  model: TrainedModel;
  dataset: Dataset;
  /** This method's entry of results.json (metrics, working points, AUC on test). */
  result?: MethodResult;
  features?: FeatureDoc[];
  samples?: SampleDoc[];
  versions: Record<string, string>;
  seed: number;
}

export interface ValidationReport {
  onnxruntime: string;
  rows: number;
  tolerance: { abs: number; rel: number };
  maxAbsDiff: number;
  maxRelDiff: number;
  passed: boolean;
  categories: { name: string; rows: number; maxAbsDiff: number }[];
  /** `tolerance`: 1e-6, or the weighted fraction of signal–background pairs whose scores are closer than twice the largest ONNX–native difference on the test split (the most the AUC can move), when larger. */
  auc: { onnx: number; native: number; results: number | null; absDiff: number | null; tolerance: number; passed: boolean };
}

/** Tolerances of the task: networks 1e-5, trees and cuts 1e-6 (absolute, plus the same relative). */
export function toleranceFor(type: MethodType): number {
  return type === 'gbdt' || type === 'cut-and-count' ? 1e-6 : 1e-5;
}

/** The ONNX graph for a saved model (of any method type). */
export async function graphForSaved(saved: SavedModel, dataset: Dataset): Promise<BuiltGraph> {
  switch (saved.type) {
    case 'gbdt': {
      const { loadGbdtModel } = await import('../methods/gbdt/model');
      return treeEnsembleGraph(loadGbdtModel(saved).toTreeEnsemble() as TreeEnsembleSpec);
    }
    case 'mlp':
    case 'cnn':
    case 'pfn': {
      const { decodeFloat32 } = await import('../methods/nn/model');
      const s = saved as SavedModel & {
        input: 'set' | 'image' | 'cloud';
        architecture: { inputShape: number[]; layers: ExportLayer[] };
        preprocessing: { fill: number[]; offset: number[]; scale: number[] };
        weights: { shape: number[]; data: string }[];
      };
      return networkGraph({
        kind: s.input,
        inputShape: s.architecture.inputShape,
        layers: s.architecture.layers,
        params: s.weights.map((w) => decodeFloat32(w.data)),
        preprocessing: s.preprocessing,
        sigmoidOutput: true,
      });
    }
    case 'cut-and-count': {
      const { loadCutAndCountModel } = await import('../methods/cut-and-count/model');
      const m = loadCutAndCountModel(saved);
      const cuts: CutSpec[] = m.cuts.map((c) => ({ feature: c.featureIndex, shape: c.shape, low: c.low, high: c.high }));
      return cutsGraph(m.featureNames.length || dataset.featureNames.length, cuts, m.score);
    }
  }
  throw new HmlError('export-format', `no ONNX exporter for method type '${String(saved.type)}'`, { exitCode: 1 });
}

interface Vectors {
  arrays: DatasetArrays;
  categories: { name: string; start: number; end: number; what: string }[];
}

function subset(d: DatasetArrays, rows: number[], rowSize: number, pSize: number): DatasetArrays {
  const take = <T extends Float32Array | Uint8Array>(a: T | undefined, size: number, C: new (n: number) => T): T | undefined => {
    if (!a) return undefined;
    const out = new C(rows.length * size);
    rows.forEach((r, i) => out.set(a.subarray(r * size, (r + 1) * size), i * size));
    return out;
  };
  return {
    n: rows.length,
    labels: Int8Array.from(rows, (r) => d.labels[r]),
    weights: Float64Array.from(rows, (r) => d.weights[r]),
    sample: Int16Array.from(rows, (r) => d.sample[r]),
    features: take(d.features, rowSize, Float32Array),
    images: take(d.images, rowSize, Float32Array),
    cloud: take(d.cloud, rowSize, Float32Array),
    mask: take(d.mask, pSize, Uint8Array),
  };
}

function concat(parts: DatasetArrays[]): DatasetArrays {
  const cat = <T extends Float32Array | Uint8Array | Int8Array | Int16Array | Float64Array>(get: (p: DatasetArrays) => T | undefined): T | undefined => {
    const xs = parts.map(get);
    if (xs.some((x) => !x)) return undefined;
    const n = xs.reduce((a, x) => a + x!.length, 0);
    const C = xs[0]!.constructor as new (n: number) => T;
    const out = new C(n);
    let o = 0;
    for (const x of xs) {
      out.set(x as never, o);
      o += x!.length;
    }
    return out;
  };
  return {
    n: parts.reduce((a, p) => a + p.n, 0),
    labels: cat((p) => p.labels)!,
    weights: cat((p) => p.weights)!,
    sample: cat((p) => p.sample)!,
    features: cat((p) => p.features),
    images: cat((p) => p.images),
    cloud: cat((p) => p.cloud),
    mask: cat((p) => p.mask),
  };
}

/**
 * Picks validation rows from the test split: bulk (random), tails (extremes of every feature), missing objects
 * (rows with NaN, and bulk rows with one feature set missing), near the working points (scores closest to each
 * threshold).
 */
export function selectVectors(dataset: Dataset, model: TrainedModel, workingPoints: readonly WorkingPoint[], seed: number): Vectors {
  const t = dataset.test;
  const rowSize = dataset.rowShape.reduce((a, b) => a * b, 1);
  const pSize = dataset.kind === 'cloud' ? dataset.rowShape[0] : 0;
  const x = (dataset.kind === 'set' ? t.features : dataset.kind === 'image' ? t.images : t.cloud)!;
  const nFeat = dataset.rowShape.at(-1)!;
  const rng = new Rng(BigInt(seed) ^ 0x5eedn);
  const parts: DatasetArrays[] = [];
  const categories: Vectors['categories'] = [];
  let at = 0;
  const add = (name: string, what: string, a: DatasetArrays): void => {
    if (a.n === 0) return;
    parts.push(a);
    categories.push({ name, start: at, end: at + a.n, what });
    at += a.n;
  };
  const bulkN = Math.min(t.n, dataset.kind === 'image' ? 64 : 256);
  const bulk = rng.shuffle(Array.from({ length: t.n }, (_, i) => i)).slice(0, bulkN).sort((a, b) => a - b);
  add('bulk', 'random rows of the test split', subset(t, bulk, rowSize, pSize));

  // tails: per feature (channel) the rows holding its smallest and largest values
  const tails = new Set<number>();
  for (let f = 0; f < nFeat; f++) {
    let lo = -1, hi = -1, vlo = Infinity, vhi = -Infinity;
    for (let r = 0; r < t.n; r++) {
      for (let k = f; k < rowSize; k += nFeat) {
        const v = x[r * rowSize + k];
        if (v < vlo) { vlo = v; lo = r; }
        if (v > vhi) { vhi = v; hi = r; }
      }
    }
    if (lo >= 0) tails.add(lo);
    if (hi >= 0) tails.add(hi);
  }
  add('tails', 'rows holding the smallest and largest value of every input in the test split', subset(t, [...tails].sort((a, b) => a - b), rowSize, pSize));

  // missing objects
  const withNaN: number[] = [];
  for (let r = 0; r < t.n && withNaN.length < 32; r++) {
    for (let k = 0; k < rowSize; k++) if (Number.isNaN(x[r * rowSize + k])) { withNaN.push(r); break; }
  }
  add('missing', 'test rows with a missing object (NaN inputs)', subset(t, withNaN, rowSize, pSize));
  if (dataset.kind === 'set') {
    const base = subset(t, bulk.slice(0, Math.min(bulk.length, 4 * nFeat)), rowSize, pSize);
    const f = base.features!;
    for (let i = 0; i < base.n; i++) f[i * nFeat + (i % nFeat)] = NaN;
    add('missing-injected', 'bulk rows with one input set to NaN in turn (an object absent from the event)', base);
  } else if (dataset.kind === 'cloud') {
    const base = subset(t, bulk.slice(0, 8), rowSize, pSize);
    for (let i = 0; i < base.n; i++) {
      const keep = i; // 0 … 7 real particles
      for (let p = keep; p < pSize; p++) {
        base.mask![i * pSize + p] = 0;
        base.cloud!.fill(0, (i * pSize + p) * nFeat, (i * pSize + p + 1) * nFeat);
      }
    }
    add('few-particles', 'bulk rows truncated to 0 … 7 particles (the rest masked)', base);
  } else {
    const base = subset(t, bulk.slice(0, 2), rowSize, pSize);
    base.images!.fill(0);
    add('empty-image', 'all-zero images (no deposits)', base);
  }

  // near working points
  if (workingPoints.length > 0 && t.n > 0) {
    const scores = model.predict(t);
    const near = new Set<number>();
    for (const wp of workingPoints) {
      const idx = Array.from(scores.keys()).sort((a, b) => Math.abs(scores[a] - wp.threshold) - Math.abs(scores[b] - wp.threshold));
      for (const r of idx.slice(0, 8)) near.add(r);
    }
    add('working-points', 'test rows whose score is closest to each working point threshold', subset(t, [...near].sort((a, b) => a - b), rowSize, pSize));
  }
  return { arrays: concat(parts), categories };
}

function feedsFor(kind: Dataset['kind'], rowShape: readonly number[], a: DatasetArrays): Record<string, FeedArray> {
  if (kind === 'set') return { features: { data: a.features!, shape: [a.n, ...rowShape] } };
  if (kind === 'image') return { images: { data: a.images!, shape: [a.n, ...rowShape] } };
  return { cloud: { data: a.cloud!, shape: [a.n, ...rowShape] }, mask: { data: Float32Array.from(a.mask!), shape: [a.n, rowShape[0]] } };
}

function trainingRange(dataset: Dataset): { min: number | null; max: number | null; missingFraction: number }[] {
  const d = dataset.train;
  const x = (dataset.kind === 'set' ? d.features : dataset.kind === 'image' ? d.images : d.cloud)!;
  const nFeat = dataset.rowShape.at(-1)!;
  const rowSize = dataset.rowShape.reduce((a, b) => a * b, 1);
  const pSize = dataset.kind === 'cloud' ? dataset.rowShape[0] : 0;
  const lo = new Array<number>(nFeat).fill(Infinity), hi = new Array<number>(nFeat).fill(-Infinity), miss = new Array<number>(nFeat).fill(0), cnt = new Array<number>(nFeat).fill(0);
  for (let r = 0; r < d.n; r++) {
    for (let k = 0; k < rowSize; k++) {
      if (pSize && d.mask && d.mask[r * pSize + Math.floor(k / nFeat)] === 0) continue;
      const f = k % nFeat;
      const v = x[r * rowSize + k];
      cnt[f]++;
      if (Number.isNaN(v)) miss[f]++;
      else {
        if (v < lo[f]) lo[f] = v;
        if (v > hi[f]) hi[f] = v;
      }
    }
  }
  return lo.map((l, f) => ({ min: Number.isFinite(l) ? l : null, max: Number.isFinite(hi[f]) ? hi[f] : null, missingFraction: cnt[f] ? miss[f] / cnt[f] : 0 }));
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split('\\').join('/'));
    }
  };
  walk(dir);
  return out;
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

/** Writes a complete bundle into `outDir` (which should be a fresh folder) and returns its validation report. */
export async function writeBundle(req: BundleRequest): Promise<ValidationReport> {
  const { dataset, model, saved, method } = req;
  mkdirSync(join(req.outDir, 'validation'), { recursive: true });
  const built = await graphForSaved(saved, dataset);
  const workingPoints = req.result?.workingPoints ?? [];
  const tol = toleranceFor(method.type);

  // 1. validation vectors and the native model's outputs, written before the ONNX model is ever run
  const vec = selectVectors(dataset, model, workingPoints, req.seed);
  const expected = model.predict(vec.arrays);
  const feeds = feedsFor(dataset.kind, dataset.rowShape, vec.arrays);
  const inputFiles: { name: string; file: string; shape: number[]; dtype: string }[] = [];
  for (const [name, a] of Object.entries(feeds)) {
    const file = `validation/input_${name}.npy`;
    writeFileAtomic(join(req.outDir, file), encodeNpy(a.data, a.shape));
    inputFiles.push({ name, file, shape: [...a.shape], dtype: 'float32' });
  }
  writeFileAtomic(join(req.outDir, 'validation/expected.npy'), encodeNpy(expected, [expected.length, 1]));
  writeFileAtomic(
    join(req.outDir, 'validation/vectors.json'),
    JSON.stringify({ inputs: inputFiles, expected: { file: 'validation/expected.npy', output: 'score', shape: [expected.length, 1] }, categories: vec.categories, tolerance: { abs: tol, rel: tol, rule: '|onnx − expected| ≤ abs + rel·|expected|' } }, null, 1) + '\n',
  );

  // 2. the model card (features, preprocessing, outputs, working points, samples, metrics, versions)
  const ranges = trainingRange(dataset);
  const pre = (saved as { preprocessing?: { fill?: number[]; offset?: number[]; scale?: number[]; scaling?: string } }).preprocessing;
  const featureDocs = dataset.featureNames.map((name, i) => req.features?.find((f) => f.name === name) ?? { name, expression: name, unit: dataset.featureUnits[i] ?? '' });
  const metrics: MetricValue[] = req.result?.metrics ?? [];
  const onnxInputs = built.inputs.map((inp) => ({
    name: inp.name,
    shape: inp.shape,
    dtype: inp.dtype,
    layout: inp.name === 'images' ? 'NHWC (channels last)' : inp.name === 'cloud' ? '[N, particles, features]' : inp.name === 'mask' ? '[N, particles], 1 = real particle, 0 = padding' : '[N, features]',
  }));
  const card = {
    format: 'hep-ml-lab model card',
    formatVersion: BUNDLE_FORMAT_VERSION,
    analysis: req.analysisName,
    method: { ...method, backend: req.result?.backend },
    model: { file: 'model.onnx', irVersion: IR_VERSION, opsets: built.graph.usesMl ? { 'ai.onnx': OPSET, 'ai.onnx.ml': ML_OPSET } : { 'ai.onnx': OPSET }, notes: built.notes },
    onnxInputs,
    inputs: featureDocs.map((f, i) => ({
      order: i,
      name: f.name,
      definition: f.expression,
      words: f.words ?? null,
      unit: dataset.featureUnits[i] ?? f.unit,
      dtype: 'float32',
      position: dataset.kind === 'set' ? `features[:, ${i}]` : dataset.kind === 'image' ? `images[:, :, :, ${i}]` : `cloud[:, :, ${i}]`,
      whenMissing: method.type === 'gbdt' ? 'NaN: each split sends it along its learned default direction' : method.type === 'cut-and-count' ? 'NaN: fails any cut on this input' : `NaN: replaced by ${pre?.fill?.[i] ?? 0} inside the graph`,
      trainingRange: ranges[i],
    })),
    preprocessing: pre
      ? { inGraph: true, rule: "v = isNaN(x) ? fill : x; x' = (v − offset) · scale", scaling: pre.scaling ?? null, fill: pre.fill, offset: pre.offset, scale: pre.scale }
      : { inGraph: true, rule: method.type === 'gbdt' ? 'none (trees use raw values)' : 'none (cuts use raw values)' },
    outputs: [{ name: 'score', shape: ['N', 1], dtype: 'float32', range: [0, 1], meaning: 'signal-like high: larger values are more signal-like (label 1 = signal)' }],
    workingPoints: workingPoints.map((w) => ({ label: w.label, threshold: w.threshold, signalEfficiency: w.signalEfficiency, backgroundEfficiency: w.backgroundEfficiency, split: 'test' })),
    dataset: { name: dataset.name, kind: dataset.kind, rowShape: dataset.rowShape, rows: { train: dataset.train.n, validation: dataset.validation?.n ?? 0, test: dataset.test.n }, sampleNames: dataset.sampleNames },
    trainingSamples: req.samples ?? dataset.sampleNames.map((name) => ({ name })),
    metrics: metrics.map((m) => ({ name: m.name, value: m.value, uncertainty: m.uncertainty ?? null, params: m.params ?? {}, flags: m.flags ?? [], split: 'test' })),
    software: req.versions,
    validation: { vectors: 'validation/vectors.json', report: 'validation/report.json', tolerance: tol },
    files: {} as Record<string, string>,
  };

  // 3. the ONNX model (card summary in its metadata so the file documents itself)
  const onnxBytes = built.graph.build({
    name: `${req.analysisName}-${method.name}`,
    docString: `HEP ML Lab ${method.type} '${method.name}' of analysis '${req.analysisName}'. Output 'score' is signal-like high. See model_card.json.`,
    producerVersion: req.versions.engine ?? '0',
    metadata: {
      hml_method: method.name,
      hml_method_type: method.type,
      hml_inputs: JSON.stringify(card.inputs.map((i) => ({ name: i.name, unit: i.unit, order: i.order }))),
      hml_output: 'score: signal-like high, in [0, 1]',
    },
  });
  writeFileAtomic(join(req.outDir, 'model.onnx'), onnxBytes);

  // 4. run the ONNX model: vectors against the native outputs, and the test split's AUC
  const got = await runOnnx(onnxBytes, feeds);
  const categories = vec.categories.map((c) => {
    let m = 0;
    for (let i = c.start; i < c.end; i++) m = Math.max(m, Math.abs(got[i] - expected[i]));
    return { name: c.name, rows: c.end - c.start, maxAbsDiff: m };
  });
  let maxAbs = 0, maxRel = 0, pass = true;
  for (let i = 0; i < got.length; i++) {
    const d = Math.abs(got[i] - expected[i]);
    maxAbs = Math.max(maxAbs, d);
    maxRel = Math.max(maxRel, d / Math.max(Math.abs(expected[i]), 1e-30));
    if (!(d <= tol + tol * Math.abs(expected[i]))) pass = false;
  }
  const testOnnx = await runOnnx(onnxBytes, feedsFor(dataset.kind, dataset.rowShape, dataset.test));
  const testNative = model.predict(dataset.test);
  const aucOnnx = rocAuc(testOnnx, dataset.test.labels, dataset.test.weights);
  const aucNative = rocAuc(testNative, dataset.test.labels, dataset.test.weights);
  const aucResults = metrics.find((m) => m.name === 'auc')?.value ?? null;
  const aucDiff = aucResults === null ? null : Math.abs(aucOnnx - aucResults);
  // float32 rounding moves scores by up to maxAbs (within the tolerance) and can swap near-tied
  // signal–background pairs: the AUC may then move by the weight of those pairs, and no more
  let testMaxAbs = 0;
  for (let i = 0; i < testOnnx.length; i++) testMaxAbs = Math.max(testMaxAbs, Math.abs(testOnnx[i] - testNative[i]));
  const aucTol = Math.max(1e-6, nearTiedPairFraction(testNative, dataset.test.labels, dataset.test.weights, 2 * testMaxAbs) + 1e-9);
  const report: ValidationReport = {
    onnxruntime: ortVersion(),
    rows: got.length,
    tolerance: { abs: tol, rel: tol },
    maxAbsDiff: maxAbs,
    maxRelDiff: finiteOrNull(maxRel) ?? 0,
    passed: pass && (aucDiff === null || aucDiff <= aucTol),
    categories,
    auc: { onnx: aucOnnx, native: aucNative, results: aucResults, absDiff: aucDiff, tolerance: aucTol, passed: aucDiff === null || aucDiff <= aucTol },
  };
  writeFileAtomic(join(req.outDir, 'validation/report.json'), JSON.stringify(report, null, 1) + '\n');

  // 5. checksums: the card lists every other file; SHA256SUMS lists every file including the card
  for (const f of listFiles(req.outDir)) if (f !== 'model_card.json' && f !== 'SHA256SUMS') card.files[f] = sha256Hex(readFileSync(join(req.outDir, f)));
  writeFileAtomic(join(req.outDir, 'model_card.json'), JSON.stringify(card, null, 1) + '\n');
  writeSha256Sums(req.outDir);
  if (!report.passed) {
    throw new HmlError(
      'export-validation',
      `the ONNX model of '${method.name}' does not reproduce the native model: max |Δ| = ${maxAbs.toExponential(2)} (tolerance ${tol}), AUC ${aucOnnx} vs ${aucResults ?? aucNative}; see ${join(req.outDir, 'validation/report.json')}`,
      { exitCode: 1 },
    );
  }
  return report;
}

export function writeSha256Sums(dir: string): void {
  const lines = listFiles(dir)
    .filter((f) => f !== 'SHA256SUMS')
    .map((f) => `${sha256Hex(readFileSync(join(dir, f)))}  ${f}`);
  writeFileAtomic(join(dir, 'SHA256SUMS'), lines.join('\n') + '\n');
}

export { listFiles as listBundleFiles };

/** Weighted fraction of (signal, background) pairs whose scores differ by at most `band`. */
function nearTiedPairFraction(scores: ArrayLike<number>, labels: ArrayLike<number>, weights: ArrayLike<number>, band: number): number {
  const bkg: number[] = [];
  let ws = 0;
  let wb = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] === 1) ws += weights[i];
    else {
      bkg.push(i);
      wb += weights[i];
    }
  }
  if (ws <= 0 || wb <= 0 || band <= 0) return 0;
  bkg.sort((a, b) => scores[a] - scores[b]);
  const sorted = Float64Array.from(bkg, (i) => scores[i]);
  const cum = new Float64Array(bkg.length + 1);
  for (let k = 0; k < bkg.length; k++) cum[k + 1] = cum[k] + weights[bkg[k]];
  const lowerBound = (x: number): number => {
    let lo = 0, hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  let near = 0;
  for (let i = 0; i < scores.length; i++) {
    if (labels[i] !== 1) continue;
    const from = lowerBound(scores[i] - band);
    let to = lowerBound(scores[i] + band);
    while (to < sorted.length && sorted[to] <= scores[i] + band) to++;
    near += weights[i] * (cum[to] - cum[from]);
  }
  return near / (ws * wb);
}
