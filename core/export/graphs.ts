/**
 * ONNX graphs for every method, built from the methods' saved forms. Every graph's output is `score`
 * float32 [N, 1], signal-like high, equal to the native model's `predict` (within float32 rounding).
 *
 * Inputs: `set` → `features` float32 [N, F]; `image` → `images` float32 [N, H, W, C] (channels last, as tfjs and
 * the HDF5 datasets; the graph transposes to ONNX's channels-first internally); `cloud` → `cloud` float32
 * [N, P, F] and `mask` float32 [N, P] (1 for a real particle). Missing values (NaN) are replaced inside the graph
 * by the fill value the method used in training, then scaled, so a user feeds raw observables.
 */
import { HmlError } from '../util/errors';
import { attr, DT, GraphBuilder } from './onnx';
import type { TreeEnsembleExport } from '../methods/gbdt/model';

/** Network layers as in core/methods/nn/architecture.ts (plain data: the exporter needs no tfjs). */
export type ExportActivation = 'relu' | 'tanh' | 'sigmoid' | 'elu' | 'selu' | 'linear';
export type ExportLayer =
  | { kind: 'dense'; inputs: number; units: number; activation: ExportActivation }
  | { kind: 'conv2d'; inChannels: number; filters: number; kernel: number; activation: ExportActivation; padding: 'same' }
  | { kind: 'maxpool2d'; pool: number }
  | { kind: 'global-avg-pool' }
  | { kind: 'flatten' }
  | { kind: 'dropout'; rate: number }
  | { kind: 'masked-sum' };

/**
 * Input preprocessing applied before the first layer, per feature (set/cloud) or channel (image), as the
 * networks' saved form (core/methods/nn/preprocess.ts): v = isNaN(x) ? fill : x; x' = (v − offset) · scale.
 */
export interface InputPreprocessing {
  fill?: readonly number[];
  offset?: readonly number[];
  scale?: readonly number[];
}

export interface NetworkExport {
  kind: 'set' | 'image' | 'cloud';
  /** Row shape without N: [F], [H, W, C] or [P, F]. */
  inputShape: readonly number[];
  layers: readonly ExportLayer[];
  /** Weights in layer order, kernel then bias; dense kernel [in, out], conv2d kernel [kh, kw, in, out] (tfjs). */
  params: readonly Float32Array[];
  preprocessing?: InputPreprocessing;
  /** The last layer gives the logit; the score is sigmoid(logit) (true for every network of this engine). */
  sigmoidOutput: boolean;
}

export interface BuiltGraph {
  graph: GraphBuilder;
  /** Input names in order, with shapes (N first). */
  inputs: { name: string; shape: (number | string)[]; dtype: 'float32' }[];
  notes: string[];
}

export function networkGraph(net: NetworkExport): BuiltGraph {
  const g = new GraphBuilder();
  const notes: string[] = [];
  const inputs: BuiltGraph['inputs'] = [];
  const inName = net.kind === 'set' ? 'features' : net.kind === 'image' ? 'images' : 'cloud';
  const inShape: (number | string)[] = ['N', ...net.inputShape];
  g.input(inName, DT.FLOAT, inShape);
  inputs.push({ name: inName, shape: inShape, dtype: 'float32' });
  let mask: string | undefined;
  if (net.kind === 'cloud') {
    mask = g.input('mask', DT.FLOAT, ['N', net.inputShape[0]]);
    inputs.push({ name: 'mask', shape: ['N', net.inputShape[0]], dtype: 'float32' });
  }
  let h = preprocess(g, inName, net.preprocessing, net.inputShape.at(-1)!);
  let layout: 'nhwc' | 'nchw' = 'nhwc';
  if (net.kind === 'image') {
    h = g.op('Transpose', [h], [attr.ints('perm', [0, 3, 1, 2])]);
    layout = 'nchw';
    notes.push('images are fed channels-last [N, H, W, C] as in the dataset and tfjs; the graph transposes them to channels-first for ONNX Conv, and conv kernels were permuted from tfjs [kh, kw, in, out] to ONNX [out, in, kh, kw]');
  }
  let p = 0;
  for (const l of net.layers) {
    switch (l.kind) {
      case 'dense': {
        const k = net.params[p++];
        const b = net.params[p++];
        if (layout === 'nchw') throw new HmlError('export-architecture', 'a dense layer directly after a convolution needs a flatten or pooling layer first', { exitCode: 1 });
        // MatMul (not Gemm) so the same layer acts per particle on [N, P, F] for the PFN's Φ network
        h = g.op('MatMul', [h, g.f32('W', [l.inputs, l.units], k)]);
        h = g.op('Add', [h, g.f32('B', [l.units], b)]);
        h = activation(g, h, l.activation);
        break;
      }
      case 'conv2d': {
        const k = net.params[p++];
        const b = net.params[p++];
        const w = permuteConvKernel(k, l.kernel, l.inChannels, l.filters);
        const pad = (l.kernel - 1) / 2;
        if (!Number.isInteger(pad)) throw new HmlError('export-architecture', `conv kernel ${l.kernel} is even; 'same' padding is exported only for odd kernels`, { exitCode: 1 });
        h = g.op('Conv', [h, g.f32('K', [l.filters, l.inChannels, l.kernel, l.kernel], w), g.f32('KB', [l.filters], b)], [
          attr.ints('kernel_shape', [l.kernel, l.kernel]),
          attr.ints('pads', [pad, pad, pad, pad]),
          attr.ints('strides', [1, 1]),
        ]);
        h = activation(g, h, l.activation);
        break;
      }
      case 'maxpool2d':
        h = g.op('MaxPool', [h], [attr.ints('kernel_shape', [l.pool, l.pool]), attr.ints('strides', [l.pool, l.pool])]);
        break;
      case 'global-avg-pool':
        h = g.op('GlobalAveragePool', [h]);
        h = g.op('Flatten', [h], [attr.int('axis', 1)]);
        layout = 'nhwc';
        break;
      case 'flatten':
        if (layout === 'nchw') {
          // tfjs flattens channels-last: go back to NHWC first so the dense weights line up
          h = g.op('Transpose', [h], [attr.ints('perm', [0, 2, 3, 1])]);
          layout = 'nhwc';
        }
        h = g.op('Flatten', [h], [attr.int('axis', 1)]);
        break;
      case 'dropout':
        break;
      case 'masked-sum': {
        if (!mask) throw new HmlError('export-architecture', 'masked-sum needs a cloud input with a mask', { exitCode: 1 });
        const m3 = g.op('Unsqueeze', [mask, g.i64('axes', [1], [2])]);
        h = g.op('Mul', [h, m3]);
        h = g.op('ReduceSum', [h, g.i64('axes', [1], [1])], [attr.int('keepdims', 0)]);
        notes.push('the particle (Φ) network is applied to every particle slot; padded slots are zeroed by the mask before the sum');
        break;
      }
    }
  }
  if (p !== net.params.length) throw new HmlError('export-architecture', `the network has ${net.params.length} weight arrays but its layers use ${p}`, { exitCode: 1 });
  if (net.sigmoidOutput) g.op('Sigmoid', [h], [], 'score');
  else g.op('Identity', [h], [], 'score');
  g.output('score', DT.FLOAT, ['N', 1]);
  return { graph: g, inputs, notes };
}

function preprocess(g: GraphBuilder, x: string, pre: InputPreprocessing | undefined, width: number): string {
  let h = x;
  const fill = pre?.fill ?? new Array<number>(width).fill(0);
  // NaN (a missing object) would poison every later layer: always replace it, by 0 when the method says nothing
  h = g.op('Where', [g.op('IsNaN', [h]), g.f32('fill', [width], fill), h]);
  if (pre?.offset) h = g.op('Sub', [h, g.f32('offset', [width], pre.offset)]);
  if (pre?.scale) h = g.op('Mul', [h, g.f32('scale', [width], pre.scale)]);
  return h;
}

function activation(g: GraphBuilder, h: string, a: ExportActivation): string {
  switch (a) {
    case 'relu':
      return g.op('Relu', [h]);
    case 'tanh':
      return g.op('Tanh', [h]);
    case 'sigmoid':
      return g.op('Sigmoid', [h]);
    case 'elu':
      return g.op('Elu', [h], [attr.float('alpha', 1)]);
    case 'selu':
      // ONNX's default alpha / gamma are the float32 roundings of the constants tfjs uses (Klambauer et al. 2017).
      return g.op('Selu', [h]);
    case 'linear':
      return h;
  }
}

/** tfjs conv kernel [kh, kw, in, out] → ONNX [out, in, kh, kw]. */
export function permuteConvKernel(k: Float32Array, size: number, cin: number, cout: number): Float32Array {
  const out = new Float32Array(k.length);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++) out[((o * cin + i) * size + y) * size + x] = k[((y * size + x) * cin + i) * cout + o];
  return out;
}

/** The flat ai.onnx.ml TreeEnsemble attributes (as `GbdtModel.toTreeEnsemble()` returns them; the graph adds the sigmoid). */
export type TreeEnsembleSpec = Omit<TreeEnsembleExport, 'postTransform'>;

/**
 * Boosted trees as `TreeEnsembleRegressor` (sum of leaves + base margin) followed by `Sigmoid`: the recipe's
 * choice, since the classifier variant has a class-id quirk in onnxruntime. NaN follows `missingTracksTrue`.
 */
export function treeEnsembleGraph(t: TreeEnsembleSpec): BuiltGraph {
  const g = new GraphBuilder();
  g.input('features', DT.FLOAT, ['N', t.nFeatures]);
  const n = t.nodes;
  const margin = g.op(
    'TreeEnsembleRegressor',
    ['features'],
    [
      attr.int('n_targets', 1),
      attr.string('aggregate_function', 'SUM'),
      attr.string('post_transform', 'NONE'),
      attr.floats('base_values', [t.baseMargin]),
      attr.ints('nodes_treeids', n.treeIds),
      attr.ints('nodes_nodeids', n.nodeIds),
      attr.ints('nodes_featureids', n.featureIds),
      attr.floats('nodes_values', n.values),
      attr.strings('nodes_modes', n.modes),
      attr.ints('nodes_truenodeids', n.trueNodeIds),
      attr.ints('nodes_falsenodeids', n.falseNodeIds),
      attr.ints('nodes_missing_value_tracks_true', n.missingTracksTrue),
      attr.ints('target_treeids', t.targets.treeIds),
      attr.ints('target_nodeids', t.targets.nodeIds),
      attr.ints('target_ids', t.targets.ids),
      attr.floats('target_weights', t.targets.weights),
    ],
    'margin',
    'ai.onnx.ml',
  );
  g.op('Sigmoid', [margin], [], 'score');
  g.output('score', DT.FLOAT, ['N', 1]);
  return {
    graph: g,
    inputs: [{ name: 'features', shape: ['N', t.nFeatures], dtype: 'float32' }],
    notes: ['TreeEnsembleRegressor (sum of leaf values plus base margin) followed by Sigmoid; a missing value (NaN) follows each split\'s default direction (nodes_missing_value_tracks_true)'],
  };
}

/** One cut on a feature column, as results.json's CutDescription. */
export interface CutSpec {
  feature: number;
  shape: 'le' | 'ge' | 'in' | 'out';
  low?: number;
  high?: number;
}

/**
 * How the cut list becomes a score (core/methods/cut-and-count): `all` 1 when every cut passes else 0; `passed`
 * the fraction of cuts passed; `cutflow` the fraction of cuts passed in order before the first failure.
 */
export type CutScore = 'all' | 'passed' | 'cutflow';

const f32buf = new Float32Array(1);
const i32buf = new Int32Array(f32buf.buffer);

/** The next float32 above `f` (a float32 value). */
function nextUp32(f: number): number {
  if (f === 0) return 1.401298464324817e-45;
  f32buf[0] = f;
  i32buf[0] += f > 0 ? 1 : -1;
  return f32buf[0];
}

/** Largest float32 ≤ v: with it, `x ≤ v` for a float32 x is exactly `x ≤ roundDown32(v)` in float32. */
export function roundDown32(v: number): number {
  const f = Math.fround(v);
  return f > v ? -nextUp32(-f) : f;
}

/** Smallest float32 ≥ v. */
export function roundUp32(v: number): number {
  const f = Math.fround(v);
  return f < v ? nextUp32(f) : f;
}

/**
 * Cut-and-count as comparisons. Any comparison with NaN is false (CONTRACTS "Expression language"), so an event
 * with a missing feature fails a cut on it. The native cuts compare a float32 feature with a float64 bound; the
 * graph's float32 bounds are rounded outward or inward so every float32 input gets exactly the native verdict.
 */
export function cutsGraph(nFeatures: number, cuts: readonly CutSpec[], mode: CutScore = 'all'): BuiltGraph {
  const g = new GraphBuilder();
  g.input('features', DT.FLOAT, ['N', nFeatures]);
  const passes: string[] = [];
  for (const c of cuts) {
    const col = g.op('Gather', ['features', g.i64('col', [], [c.feature])], [attr.int('axis', 1)]);
    const bound = (v: number | undefined, round: (x: number) => number): string => {
      if (v === undefined || !Number.isFinite(v)) throw new HmlError('export-cuts', `cut on feature ${c.feature} (${c.shape}) lacks a finite bound`, { exitCode: 1 });
      return g.f32('cut', [], [round(v)]);
    };
    let pass: string;
    switch (c.shape) {
      case 'le':
        pass = g.op('LessOrEqual', [col, bound(c.high, roundDown32)]);
        break;
      case 'ge':
        pass = g.op('GreaterOrEqual', [col, bound(c.low, roundUp32)]);
        break;
      case 'in':
        pass = g.op('And', [g.op('GreaterOrEqual', [col, bound(c.low, roundUp32)]), g.op('LessOrEqual', [col, bound(c.high, roundDown32)])]);
        break;
      case 'out':
        pass = g.op('Or', [g.op('Less', [col, bound(c.low, roundUp32)]), g.op('Greater', [col, bound(c.high, roundDown32)])]);
        break;
    }
    passes.push(pass);
  }
  let score: string;
  if (passes.length === 0) {
    // no cuts: everything passes
    const shape = g.op('Shape', ['features']);
    const n = g.op('Slice', [shape, g.i64('s', [1], [0]), g.i64('e', [1], [1])]);
    score = g.op('ConstantOfShape', [n], [{ name: 'value', type: 4, t: { dims: [1], dataType: DT.FLOAT, rawData: new Uint8Array(Float32Array.of(1).buffer) } }]);
  } else if (mode === 'all') {
    score = g.op('Cast', [passes.reduce((a, p) => g.op('And', [a, p]))], [attr.int('to', DT.FLOAT)]);
  } else {
    const terms: string[] = [];
    let run = passes[0];
    for (let i = 0; i < passes.length; i++) {
      if (mode === 'cutflow' && i > 0) run = g.op('And', [run, passes[i]]);
      terms.push(g.op('Cast', [mode === 'cutflow' ? run : passes[i]], [attr.int('to', DT.FLOAT)]));
    }
    const count = terms.length === 1 ? terms[0] : g.op('Sum', terms);
    // count / k rounded once, like the native float64 count / k stored as float32
    score = g.op('Div', [count, g.f32('k', [], [passes.length])]);
  }
  g.op('Unsqueeze', [score, g.i64('axes', [1], [1])], [], 'score');
  g.output('score', DT.FLOAT, ['N', 1]);
  const words = mode === 'all' ? 'score = 1 when every cut passes, 0 otherwise' : mode === 'passed' ? 'score = fraction of the cuts passed' : 'score = fraction of the cuts passed in order before the first failing one (1 = the whole selection)';
  return { graph: g, inputs: [{ name: 'features', shape: ['N', nFeatures], dtype: 'float32' }], notes: [`${words}; a comparison with a missing value (NaN) is false`] };
}
