import { Rng } from '../../util/random';
import { binMatrix, MISSING_BIN } from './binning';
import type { Codes, SharedTree } from './kernels';
import type { GbdtTree } from './model';
import { Engine, type Segment, type SplitJob } from './threads';
import type { GbdtSettings } from './settings';

/**
 * The boosting engine on plain arrays (no Dataset), used by `trainGbdt` and the benchmark.
 *
 * Design for speed (the target is XGBoost `hist`): features are binned once (≤ 255 quantile bins + a NaN bin)
 * to a row-major matrix of codes `f · 256 + bin` (uint16), so one histogram update is
 * `hist[2·code] += g; hist[2·code+1] += h` with no index arithmetic, and to a column-major uint8 copy for
 * partitioning; each node owns a contiguous segment of one row-index array that is partitioned stably (branch-free,
 * through scratch space, so rows stay in ascending order and memory access stays sequential); only the smaller child's
 * histogram is built and the larger one is the parent's minus it (the subtraction trick), reusing the parent's
 * buffer; no per-row objects anywhere.
 *
 * Histograms, gradients, partitions and margin updates run on worker threads when asked (threads.ts); their work
 * is cut into chunks that depend only on the data, and partial sums are added in chunk order, so the model is
 * bit-identical for any thread count. Depth-wise growth splits a whole level per pair of tasks (few wake-ups);
 * the split search runs on the calling thread. The last split of a branch partitions nothing: its rows' margins
 * are updated by the split's own test.
 */
export interface BoostInput {
  /** Row-major float32 features (n, F); NaN is missing. */
  features: Float32Array;
  n: number;
  nFeatures: number;
  /** 1 = signal, 0 = background. */
  labels: ArrayLike<number>;
  /** Training weights (absent = 1). */
  weights?: ArrayLike<number>;
}

export interface BoostCurvePoint {
  epoch: number;
  loss: number;
  val_loss: number | null;
  val_auc: number | null;
}

export interface BoostOutput {
  trees: GbdtTree[];
  baseMargin: number;
  cuts: Float32Array[];
  curves: BoostCurvePoint[];
  /** 1-based round with the best validation loss (the number of trees kept). */
  bestRound: number;
  /** Threads that ran (main thread included). */
  threads: number;
}

export interface BoostHooks {
  /** The training loss after `round` (sampled rounds only; it arrives with the next round's gradient pass). */
  loss?(round: number, loss: number): void;
  /** Called after every round; may be async (used to let cancellation and progress through). `point.loss` may still be pending (−1 or NaN). */
  afterRound?(round: number, point: BoostCurvePoint): void | Promise<void>;
  /** Validation AUC for the curves (injected to keep the engine free of the metrics module). */
  auc?(scores: Float64Array, labels: ArrayLike<number>, weights?: ArrayLike<number>): number;
}

const HIST_STRIDE = 256 * 2; // (g, h) per bin, 256 bins per feature
const EPS_GAIN = 1e-6; // splits gaining less than this are noise (XGBoost's kRtEps)

interface Candidate {
  node: number;
  begin: number;
  end: number;
  depth: number;
  G: number;
  H: number;
  hist: Float64Array | null;
  // best split
  gain: number;
  feature: number;
  bin: number;
  defaultLeft: boolean;
  GL: number;
  HL: number;
}

/** Row-major codes f · 256 + bin from a row-major binned matrix. */
function toCodes(binned: Uint8Array, n: number, F: number): Codes {
  const codes = F <= 256 ? new Uint16Array(n * F) : new Uint32Array(n * F);
  for (let i = 0; i < n * F; i++) codes[i] = (i % F) * 256 + binned[i];
  return codes;
}

/**
 * Boosts `s.trees` rounds. `threads` (main thread included) only changes the speed: the model is bit-identical
 * for any value (see threads.ts).
 */
export async function boost(train: BoostInput, valid: BoostInput | undefined, s: GbdtSettings, seed: bigint, hooks: BoostHooks = {}, threads = 1): Promise<BoostOutput> {
  const { n, nFeatures: F, labels } = train;
  const tw = train.weights;
  // Base margin: log-odds of the weighted signal fraction (starts the boosting at the prior, not at 0.5).
  let sw = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    const w = tw ? tw[i] : 1;
    sw += w;
    if (labels[i] === 1) sy += w;
  }
  const p0 = Math.min(1 - 1e-6, Math.max(1e-6, sw > 0 ? sy / sw : 0.5));
  const baseMargin = Math.log(p0 / (1 - p0));

  const labelArr = Float64Array.from(labels as ArrayLike<number>);
  const weightArr = tw ? Float64Array.from(tw) : undefined;
  // Small trainings stay on one thread: waking workers costs more than it saves (the result is the same).
  const leafCap = s.growth === 'lossguide' && s.maxLeaves > 0 ? s.maxLeaves : 2 ** Math.min(s.maxDepth, 22);
  const maxNodes = Math.min(2 * leafCap, 2 * n + 1);
  // The engine bins the features (in parallel): column-major bins for partitioning (one split reads one feature
  // of every row in the node: one byte per row here instead of one cache line per three rows in the row-major
  // matrix), row-major codes for histograms.
  const engine = await Engine.create(n >= 32768 ? threads : 1, n, F, train.features, s.bins, labelArr, weightArr, maxNodes);
  const cuts = engine.cuts;
  const vCodes = valid ? toCodes(binMatrix(valid.features, valid.n, F, cuts), valid.n, F) : undefined;
  const nBins = cuts.map((c) => c.length + 1);
  try {
    return await boostRounds();
  } finally {
    engine.close();
  }

  async function boostRounds(): Promise<BoostOutput> {
    const { margin, rows } = engine.arrays;
    margin.fill(baseMargin);
    const vMargin = valid ? new Float64Array(valid.n).fill(baseMargin) : undefined;
    const rng = new Rng(seed);
    const pool: Float64Array[] = [];
    const takeHist = (): Float64Array => pool.pop() ?? new Float64Array(F * HIST_STRIDE);
    const trees: GbdtTree[] = [];
    const curves: BoostCurvePoint[] = [];
    let bestLoss = Infinity;
    let bestRound = 0;
    const aucEvery = s.aucEvery > 0 ? s.aucEvery : Math.max(1, Math.round(s.trees / 20));

    for (let round = 0; round < s.trees; round++) {
      // One parallel pass: add the previous tree to the margins, reset the row list, gradients; the loss after
      // the previous round comes out of it when that round reports one.
      const lossPrev = engine.gradients({ applyTree: round > 0 && s.subsample < 1, initRows: s.subsample === 1, withLoss: round > 0 && curves[round - 1].loss === -1 });
      if (round > 0 && curves[round - 1].loss === -1) {
        curves[round - 1].loss = lossPrev;
        hooks.loss?.(round, lossPrev);
      }

      // Row and feature sampling for this tree (seeded, in a fixed order).
      let m = 0;
      if (s.subsample < 1) {
        for (let i = 0; i < n; i++) if (rng.uniform() < s.subsample) rows[m++] = i;
        if (m === 0) rows[m++] = rng.int(n);
      } else {
        m = n; // rows were reset to 0..n−1 by the gradient pass
      }
      let active: number[] = [];
      for (let f = 0; f < F; f++) active.push(f);
      if (s.colsampleBytree < 1) {
        const k = Math.max(1, Math.round(s.colsampleBytree * F));
        active = rng.shuffle(active).slice(0, k).sort((a, b) => a - b);
      }

      const tree = growTree(s, engine, nBins, active, m, takeHist, pool);
      // Margins: with every row in the tree, by the leaves' row segments (parallel over positions); with row
      // subsampling, the next gradient pass routes every row through the tree on its bins. Either way the last
      // split of a branch needs no partitioning.
      if (s.subsample === 1) engine.addSegments(tree.segments, m);
      else shareTree(tree, engine.arrays.tree);
      let valLoss: number | null = null;
      if (valid && vCodes && vMargin) {
        addTreeBinned(tree, vCodes, valid.n, F, vMargin);
        valLoss = logLoss(vMargin, valid.labels, valid.weights);
        if (valLoss < bestLoss) {
          bestLoss = valLoss;
          bestRound = round + 1;
        }
      }
      trees.push(finishTree(tree, cuts));
      const stop = s.earlyStoppingRounds > 0 && valLoss !== null && round + 1 - bestRound >= s.earlyStoppingRounds;
      // The training loss (a logarithm per row) and the validation AUC (a sort) are sampled every `aucEvery`
      // rounds, and at the last round.
      const last = round === s.trees - 1 || stop;
      const evalRound = (round + 1) % aucEvery === 0 || last;
      // −1: "filled in by the next gradient pass"; the last round computes its own
      if (last && s.subsample < 1) engine.gradients({ applyTree: true, initRows: false, withLoss: false, gradients: false });
      const loss = last ? logLoss(margin, labelArr, weightArr) : evalRound ? -1 : NaN;
      if (last) hooks.loss?.(round + 1, loss);
      const valAuc = evalRound && hooks.auc && valid && vMargin ? hooks.auc(vMargin, valid.labels, valid.weights) : null;
      const point: BoostCurvePoint = { epoch: round + 1, loss, val_loss: valLoss, val_auc: valAuc };
      curves.push(point);
      if (hooks.afterRound) await hooks.afterRound(round + 1, point);
      if (stop) break;
    }
    if (s.earlyStoppingRounds > 0 && valid && bestRound > 0) trees.length = bestRound;
    else bestRound = trees.length;
    return { trees, baseMargin, cuts, curves, bestRound, threads: engine.threads };
  }
}

function logLoss(margin: Float64Array, y: ArrayLike<number>, w: ArrayLike<number> | undefined): number {
  let loss = 0;
  let sw = 0;
  for (let i = 0; i < margin.length; i++) {
    const m = margin[i];
    const yi = y[i] === 1 ? 1 : 0;
    const wi = w ? w[i] : 1;
    const l = m >= 0 ? Math.log1p(Math.exp(-m)) + (1 - yi) * m : Math.log1p(Math.exp(m)) - yi * m;
    loss += l * wi;
    sw += wi;
  }
  return sw !== 0 ? loss / sw : NaN;
}

/** A tree while it grows: split thresholds are codes (f · 256 + bin). */
interface GrowingTree {
  feature: number[];
  code: number[];
  defaultLeft: number[];
  left: number[];
  right: number[];
  value: number[];
  gain: number[];
  cover: number[];
  /** The leaves' rows, for the margin update (positions in `rows`; complete without row subsampling). */
  segments: Segment[];
}

/** Grows one tree on the rows [0, m) of `engine.arrays.rows`. */
function growTree(s: GbdtSettings, engine: Engine, nBins: number[], active: number[], m: number, takeHist: () => Float64Array, pool: Float64Array[]): GrowingTree {
  const t: GrowingTree = { feature: [], code: [], defaultLeft: [], left: [], right: [], value: [], gain: [], cover: [], segments: [] };
  const addNode = (H: number): number => {
    t.feature.push(-1);
    t.code.push(0);
    t.defaultLeft.push(0);
    t.left.push(-1);
    t.right.push(-1);
    t.value.push(0);
    t.gain.push(0);
    t.cover.push(H);
    return t.feature.length - 1;
  };
  const lambda = s.lambda;
  const eta = s.learningRate;
  const maxDepth = s.maxDepth > 0 ? s.maxDepth : Infinity;
  const maxLeaves = s.growth === 'lossguide' && s.maxLeaves > 0 ? s.maxLeaves : Infinity;
  const makeLeaf = (c: Candidate): void => {
    t.value[c.node] = (-c.G / (c.H + lambda)) * eta;
    t.segments.push({ begin: c.begin, end: c.end, feature: -1, bin: 0, defaultLeft: false, left: t.value[c.node], right: 0 });
    if (c.hist) pool.push(c.hist);
    c.hist = null;
  };
  const canSplit = (depth: number, H: number): boolean => depth < maxDepth && H >= 2 * s.minChildWeight && H > 0;

  // Node totals of the root from its histogram: every row sits in exactly one bin of feature 0.
  const rootHist = takeHist();
  engine.hist(rootHist, 0, m);
  let G = 0;
  let H = 0;
  for (let b = 0; b < 256; b++) {
    G += rootHist[2 * b];
    H += rootHist[2 * b + 1];
  }
  const root: Candidate = { node: addNode(H), begin: 0, end: m, depth: 0, G, H, hist: rootHist, gain: 0, feature: -1, bin: 0, defaultLeft: false, GL: 0, HL: 0 };
  let open: Candidate[] = [];
  if (canSplit(0, H)) findSplit(root, rootHist, active, nBins, s);
  open.push(root);
  let leaves = 1;
  while (open.length > 0) {
    // depthwise: a whole level at once, first in first out (breadth-first numbering); lossguide: the largest
    // gain first, one node at a time
    let batch: Candidate[];
    if (s.growth === 'lossguide') {
      let pick = 0;
      for (let i = 1; i < open.length; i++) if (open[i].gain > open[pick].gain) pick = i;
      batch = open.splice(pick, 1);
    } else {
      batch = open;
      open = [];
    }
    const splits: { c: Candidate; l: Candidate; r: Candidate; needL: boolean; needR: boolean; job: SplitJob }[] = [];
    for (const c of batch) {
      if (c.feature < 0 || c.gain <= Math.max(s.gamma, EPS_GAIN) || leaves >= maxLeaves) {
        makeLeaf(c);
        continue;
      }
      const GR = c.G - c.GL;
      const HR = c.H - c.HL;
      const depth = c.depth + 1;
      const l: Candidate = { node: addNode(c.HL), begin: c.begin, end: c.begin, depth, G: c.GL, H: c.HL, hist: null, gain: 0, feature: -1, bin: 0, defaultLeft: false, GL: 0, HL: 0 };
      const r: Candidate = { node: addNode(HR), begin: c.end, end: c.end, depth, G: GR, H: HR, hist: null, gain: 0, feature: -1, bin: 0, defaultLeft: false, GL: 0, HL: 0 };
      t.feature[c.node] = c.feature;
      t.code[c.node] = c.feature * 256 + c.bin;
      t.defaultLeft[c.node] = c.defaultLeft ? 1 : 0;
      t.left[c.node] = l.node;
      t.right[c.node] = r.node;
      t.gain[c.node] = c.gain;
      leaves++;
      const needL = canSplit(l.depth, l.H) && leaves < maxLeaves;
      const needR = canSplit(r.depth, r.H) && leaves < maxLeaves;
      if (!needL && !needR) {
        // Both children are final leaves: their margins are updated by this split's test (segment) or by routing
        // rows through the finished tree, so their rows need no partitioning.
        t.value[l.node] = (-l.G / (l.H + lambda)) * eta;
        t.value[r.node] = (-r.G / (r.H + lambda)) * eta;
        t.segments.push({ begin: c.begin, end: c.end, feature: c.feature, bin: c.bin, defaultLeft: c.defaultLeft, left: t.value[l.node], right: t.value[r.node] });
        if (c.hist) pool.push(c.hist);
        c.hist = null;
        continue;
      }
      splits.push({ c, l, r, needL, needR, job: { begin: c.begin, end: c.end, feature: c.feature, bin: c.bin, defaultLeft: c.defaultLeft, mid: 0, hist: takeHist() } });
    }
    // partition every split node and build each one's smaller child's histogram, all nodes in one go
    engine.splitNodes(splits.map((x) => x.job));
    for (const { c, l, r, needL, needR, job } of splits) {
      l.end = job.mid;
      r.begin = job.mid;
      const parentHist = c.hist!;
      c.hist = null;
      // the larger child's histogram is the parent's minus the smaller one's
      const small = l.end - l.begin <= r.end - r.begin ? l : r;
      const large = small === l ? r : l;
      for (let i = 0; i < parentHist.length; i++) parentHist[i] -= job.hist[i];
      small.hist = job.hist;
      large.hist = parentHist;
      if (needL) findSplit(l, l.hist!, active, nBins, s);
      if (needR) findSplit(r, r.hist!, active, nBins, s);
      for (const [child, need] of [[l, needL], [r, needR]] as const) {
        if (!need) {
          pool.push(child.hist!);
          child.hist = null;
        }
      }
      open.push(l, r);
    }
  }
  return t;
}

function findSplit(c: Candidate, hist: Float64Array, active: number[], nBins: number[], s: GbdtSettings): void {
  const { G, H } = c;
  const lambda = s.lambda;
  const mcw = s.minChildWeight;
  const parent = (G * G) / (H + lambda);
  let best = 0;
  for (const f of active) {
    const nb = nBins[f];
    if (nb < 2) continue;
    const base = f * HIST_STRIDE;
    const gm = hist[base + 2 * MISSING_BIN];
    const hm = hist[base + 2 * MISSING_BIN + 1];
    const hasMissing = hm !== 0 || gm !== 0;
    let GL = 0;
    let HL = 0;
    for (let b = 0; b < nb - 1; b++) {
      GL += hist[base + 2 * b];
      HL += hist[base + 2 * b + 1];
      // missing values to the right
      const GR = G - GL;
      const HR = H - HL;
      if (HL >= mcw && HR >= mcw) {
        const gain = (GL * GL) / (HL + lambda) + (GR * GR) / (HR + lambda) - parent;
        if (gain > best) {
          best = gain;
          c.feature = f;
          c.bin = b;
          c.defaultLeft = !hasMissing && HL >= HR; // without missing values in training, NaN follows the heavier child
          c.GL = GL;
          c.HL = HL;
        }
      }
      if (hasMissing) {
        // missing values to the left
        const GL2 = GL + gm;
        const HL2 = HL + hm;
        const GR2 = G - GL2;
        const HR2 = H - HL2;
        if (HL2 >= mcw && HR2 >= mcw) {
          const gain = (GL2 * GL2) / (HL2 + lambda) + (GR2 * GR2) / (HR2 + lambda) - parent;
          if (gain > best) {
            best = gain;
            c.feature = f;
            c.bin = b;
            c.defaultLeft = true;
            c.GL = GL2;
            c.HL = HL2;
          }
        }
      }
    }
  }
  c.gain = best;
}

function addTreeBinned(t: GrowingTree, codes: Codes, n: number, F: number, margin: Float64Array): void {
  const { feature, code, defaultLeft, left, right, value } = t;
  for (let i = 0; i < n; i++) {
    const o = i * F;
    let k = 0;
    let f = feature[0];
    while (f >= 0) {
      const c = codes[o + f];
      k = c === f * 256 + MISSING_BIN ? (defaultLeft[k] ? left[k] : right[k]) : c <= code[k] ? left[k] : right[k];
      f = feature[k];
    }
    margin[i] += value[k];
  }
}

function shareTree(t: GrowingTree, out: SharedTree): void {
  for (let k = 0; k < t.feature.length; k++) {
    const f = t.feature[k];
    out.feature[k] = f;
    out.bin[k] = f >= 0 ? t.code[k] - f * 256 : 0;
    out.defaultLeft[k] = t.defaultLeft[k];
    out.left[k] = t.left[k];
    out.right[k] = t.right[k];
    out.value[k] = t.value[k];
  }
}

function finishTree(t: GrowingTree, cuts: Float32Array[]): GbdtTree {
  const nNodes = t.feature.length;
  const threshold = new Float32Array(nNodes);
  for (let k = 0; k < nNodes; k++) {
    const f = t.feature[k];
    if (f >= 0) threshold[k] = cuts[f][t.code[k] - f * 256];
  }
  return {
    feature: Int32Array.from(t.feature),
    threshold,
    left: Int32Array.from(t.left, (v) => Math.max(v, 0)),
    right: Int32Array.from(t.right, (v) => Math.max(v, 0)),
    defaultLeft: Uint8Array.from(t.defaultLeft),
    value: Float64Array.from(t.value),
    gain: Float64Array.from(t.gain),
    cover: Float64Array.from(t.cover),
  };
}
