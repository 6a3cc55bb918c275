import { DatasetFile } from './read';
import type { SplitName } from './split';
import type { DatasetArrays, DatasetKind } from './types';

/**
 * Summaries for the dataset inspector (JSON, plain numbers): counts per split / class / sample, the cut flow,
 * per-feature histograms by class on shared binning (set: each column; cloud: each feature over real particles,
 * plus the multiplicity), and the mean image per class. Read in row blocks, never the whole file at once.
 */
export interface FeatureHistogram {
  name: string;
  unit: string;
  /** bins + 1 edges, shared by both classes. */
  edges: number[];
  /** Row (or particle) counts per bin; index 0 = background, 1 = signal. */
  counts: [number[], number[]];
  /** Σ physics weights (pb) per bin. */
  weighted: [number[], number[]];
  /** NaN (missing) values per class. */
  missing: [number, number];
  /** Values outside [edges[0], edges[bins]] are counted in the edge bins. */
  mean: [number | null, number | null];
}

export interface DatasetSummary {
  name: string;
  kind: DatasetKind;
  contentHash: string | null;
  featureNames: string[];
  featureUnits: string[];
  rowShape: number[];
  sampleNames: string[];
  splits: Record<string, { rows: number; perClass: [number, number]; weightedPerClass: [number, number]; perSample: Record<string, number> }>;
  cutflow: unknown;
  samples: unknown;
  /** The splits the histograms and images were computed on. */
  histogramSplits: SplitName[];
  features: FeatureHistogram[];
  /** cloud only: number of real particles per row. */
  multiplicity?: FeatureHistogram;
  /** image only: mean image per class, flattened (H, W, C); index 0 = background, 1 = signal. */
  meanImage?: { shape: number[]; byClass: [number[], number[]] };
}

export async function summarizeDataset(path: string, o: { bins?: number; splits?: SplitName[]; blockRows?: number } = {}): Promise<DatasetSummary> {
  const f = await DatasetFile.open(path);
  try {
    const info = f.info;
    const bins = o.bins ?? 40;
    const present = Object.keys(info.splits) as SplitName[];
    const use = (o.splits ?? present).filter((s) => present.includes(s));
    const rowSize = info.rowShape.reduce((a, b) => a * b, 1);
    const block = o.blockRows ?? Math.max(1, Math.floor((16 << 20) / Math.max(1, rowSize * 4)));
    const each = (split: SplitName, fn: (d: DatasetArrays) => void) => {
      const n = info.splits[split] ?? 0;
      for (let a = 0; a < n; a += block) fn(f.rows(split, a, Math.min(n, a + block)));
    };
    const splits: DatasetSummary['splits'] = {};
    for (const s of present) {
      const perClass: [number, number] = [0, 0], weighted: [number, number] = [0, 0];
      const perSample: Record<string, number> = Object.fromEntries(info.sampleNames.map((n) => [n, 0]));
      each(s, (d) => {
        for (let i = 0; i < d.n; i++) {
          perClass[d.labels[i]]++;
          weighted[d.labels[i]] += d.weights[i];
          perSample[info.sampleNames[d.sample[i]]]++;
        }
      });
      splits[s] = { rows: info.splits[s] ?? 0, perClass, weightedPerClass: weighted, perSample };
    }
    const summary: DatasetSummary = {
      name: info.name, kind: info.kind, contentHash: info.contentHash ?? null,
      featureNames: [...info.featureNames], featureUnits: [...info.featureUnits], rowShape: [...info.rowShape], sampleNames: [...info.sampleNames],
      splits, cutflow: parseJson(info.attributes.cutflow), samples: parseJson(info.attributes.samples), histogramSplits: use, features: [],
    };
    if (info.kind === 'image') {
      const sums = [new Float64Array(rowSize), new Float64Array(rowSize)];
      const n = [0, 0];
      for (const s of use) each(s, (d) => {
        for (let i = 0; i < d.n; i++) {
          const acc = sums[d.labels[i]];
          n[d.labels[i]]++;
          const img = d.images!;
          for (let k = 0, base = i * rowSize; k < rowSize; k++) acc[k] += img[base + k];
        }
      });
      summary.meanImage = { shape: [...info.rowShape], byClass: [Array.from(sums[0], (v) => (n[0] ? v / n[0] : 0)), Array.from(sums[1], (v) => (n[1] ? v / n[1] : 0))] };
      return summary;
    }
    // set: F columns per row; cloud: F features per real particle.
    const F = info.kind === 'set' ? info.rowShape[0] : info.rowShape[1];
    const P = info.kind === 'cloud' ? info.rowShape[0] : 1;
    const visit = (fn: (feature: number, value: number, label: number, weight: number) => void, mult?: (count: number, label: number, weight: number) => void) => {
      for (const s of use) each(s, (d) => {
        const x = info.kind === 'set' ? d.features! : d.cloud!;
        for (let i = 0; i < d.n; i++) {
          let m = 0;
          for (let p = 0; p < P; p++) {
            if (d.mask && !d.mask[i * P + p]) continue;
            m++;
            for (let k = 0; k < F; k++) fn(k, x[(i * P + p) * F + k], d.labels[i], d.weights[i]);
          }
          mult?.(m, d.labels[i], d.weights[i]);
        }
      });
    };
    const lo = new Float64Array(F).fill(Infinity), hi = new Float64Array(F).fill(-Infinity);
    visit((k, v) => { if (v < lo[k]) lo[k] = v; if (v > hi[k]) hi[k] = v; });
    const hists = Array.from({ length: F }, (_, k) => emptyHistogram(info.featureNames[k] ?? `f${k}`, info.featureUnits[k] ?? '1', lo[k], hi[k], bins));
    const sums = Array.from({ length: F }, () => [0, 0]);
    let multHist: FeatureHistogram | undefined;
    let multSum = [0, 0];
    if (info.kind === 'cloud') { multHist = emptyHistogram('multiplicity', '1', 0, P, Math.min(bins, P)); multSum = [0, 0]; }
    visit(
      (k, v, label, w) => { add(hists[k], v, label, w); if (!Number.isNaN(v)) sums[k][label] += v; },
      multHist ? (m, label, w) => { add(multHist!, m, label, w); multSum[label] += m; } : undefined,
    );
    for (let k = 0; k < F; k++) hists[k].mean = meanOf(sums[k], hists[k]);
    summary.features = hists;
    if (multHist) { multHist.mean = meanOf(multSum, multHist); summary.multiplicity = multHist; }
    return summary;
  } finally {
    f.close();
  }
}

function emptyHistogram(name: string, unit: string, lo: number, hi: number, bins: number): FeatureHistogram {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) { lo = 0; hi = 1; }
  if (hi === lo) { lo -= 0.5; hi += 0.5; }
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins);
  return { name, unit, edges, counts: [new Array(bins).fill(0), new Array(bins).fill(0)], weighted: [new Array(bins).fill(0), new Array(bins).fill(0)], missing: [0, 0], mean: [null, null] };
}

function add(h: FeatureHistogram, v: number, label: number, w: number): void {
  if (Number.isNaN(v)) { h.missing[label]++; return; }
  const bins = h.counts[0].length;
  const lo = h.edges[0], hi = h.edges[bins];
  const b = Math.min(bins - 1, Math.max(0, Math.floor(((v - lo) / (hi - lo)) * bins)));
  h.counts[label][b]++;
  h.weighted[label][b] += w;
}

function meanOf(sum: number[], h: FeatureHistogram): [number | null, number | null] {
  const n = [0, 1].map((c) => h.counts[c].reduce((a, b) => a + b, 0));
  return [n[0] ? sum[0] / n[0] : null, n[1] ? sum[1] / n[1] : null];
}

function parseJson(v: unknown): unknown {
  if (typeof v !== 'string') return null;
  try { return JSON.parse(v); } catch { return null; }
}
