/**
 * results.json (CONTRACTS.md "results.json"): written by the `evaluate` stage, read by `hml run`'s table, the
 * results webview and the export. Non-finite numbers are `null` with a reason in `flags`.
 */
export const RESULTS_FORMAT_VERSION = 1;

export interface ResultsFile {
  version: typeof RESULTS_FORMAT_VERSION;
  analysis: string;
  /** Analysis `name`. */
  name: string;
  methods: MethodResult[];
  /** Cut flow per sample: events (and weighted yields, pb) passing after each preselection cut. */
  cutflow: SampleCutflow[];
  provenance: Provenance;
}

export interface MetricValue {
  /** e.g. `auc`, `accuracy`, `rejection@0.5`, `max_significance`. */
  name: string;
  value: number | null;
  /** Statistical uncertainty (bootstrap for AUC / rejection; √Σw² propagated for significance) where known. */
  uncertainty?: number | null;
  /** Parameters of the definition: threshold, signal efficiency, luminosity [fb⁻¹], background uncertainty … */
  params?: Record<string, number | string | boolean | null>;
  /** Why a value is null or special: `lower-bound` (ε_B = 0), `nan`, `too-few-background-events` … */
  flags?: string[];
}

export interface RocCurve {
  /** Signal efficiency ε_S (true positive rate), increasing. */
  tpr: number[];
  /** Background efficiency ε_B (false positive rate). */
  fpr: number[];
  /** Score threshold per point. */
  thresholds: number[];
}

export interface ScoreHistograms {
  /** Shared bin edges (n + 1). */
  edges: number[];
  /** Weighted, normalised to unit area per class. */
  train: { signal: number[]; background: number[] };
  test: { signal: number[]; background: number[] };
}

export interface WorkingPoint {
  /** Score threshold (score ≥ threshold is signal-like). */
  threshold: number;
  signalEfficiency: number;
  backgroundEfficiency: number;
  /** What chose it: `rejection@0.5`, `max_significance` … */
  label: string;
}

export interface CutDescription {
  /** Feature (observable expression). */
  feature: string;
  unit: string;
  /** `le`: x ≤ a; `ge`: x ≥ a; `in`: a ≤ x ≤ b; `out`: x < a or x > b. */
  shape: 'le' | 'ge' | 'in' | 'out';
  low?: number;
  high?: number;
  /** Human-readable, e.g. `60 GeV ≤ fatjet0.mass ≤ 100 GeV`. */
  text: string;
}

export interface MethodResult {
  name: string;
  type: 'cut-and-count' | 'gbdt' | 'mlp' | 'cnn' | 'pfn';
  dataset: string;
  backend?: string;
  metrics: MetricValue[];
  workingPoints: WorkingPoint[];
  roc: { full: RocCurve; decimated: RocCurve };
  scores: ScoreHistograms;
  /** Significance vs threshold (on the validation split where it chose the threshold). */
  significance?: { thresholds: number[]; z: number[]; best: { threshold: number; z: number } | null };
  /** Per epoch (networks) or per iteration (gbdt): loss, val_loss, val_auc … */
  curves: { epoch: number; [metric: string]: number | null }[];
  cuts?: CutDescription[];
  importances?: Record<string, number>;
  trainSeconds?: number;
  /**
   * The most extreme test-split events, for the event display's jumps (optional: older results lack it).
   * `mostSignalLikeBackground`: background rows, highest score first; `leastSignalLikeSignal`: signal rows,
   * lowest score first. `event` is the 0-based index within `sample` (`hml events --sample S --from event`).
   */
  extremes?: { mostSignalLikeBackground: ExtremeEvent[]; leastSignalLikeSignal: ExtremeEvent[] };
}

export interface ExtremeEvent {
  sample: string;
  event: number;
  score: number;
}

export interface SampleCutflow {
  sample: string;
  /** Cross section in pb used for the weights. */
  crossSection: number | null;
  steps: { cut: string; events: number; weighted: number }[];
}

export interface Provenance {
  engineVersion: string;
  seed: number;
  /** ISO-8601 (kept out of hashed files). */
  started: string;
  finished: string;
  host: string;
  stages: { stage: string; key: string; seconds: number; cached: boolean }[];
}
