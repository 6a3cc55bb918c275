/**
 * Messages between the extension's panel hosts and the webviews (webviews/), typed once for both sides.
 * Host → webview carries data; webview → host asks for things only the host can do (save a file, load events).
 */
import type { MethodResult, ResultsFile } from './results';

/** One epoch-wise metric reported live by a running `train:<method>` stage. */
export interface LiveEpoch {
  stage: string;
  epoch: number;
  name: string;
  value: number | null;
}

/** Feature histograms by class (the `features` part of `hml dataset summary --format json`). */
export interface FeatureHistogram {
  name: string;
  unit: string;
  edges: number[];
  /** [background, signal] counts per bin (label 0, label 1). */
  counts: number[][];
  weighted?: number[][];
}

export interface DatasetSummaryLike {
  name: string;
  kind: string;
  featureNames?: string[];
  sampleNames?: string[];
  splits?: Record<string, { rows: number; perClass: number[]; weightedPerClass?: number[]; perSample?: Record<string, number> }>;
  cutflow?: Record<string, { cut: string; events: number; weighted: number }[]>;
  features?: FeatureHistogram[];
  meanImage?: { shape: number[]; byClass: [number[], number[]] };
}

export type ResultsToWebview =
  | { type: 'results'; analysis: string; results: ResultsFile | null; datasets?: Record<string, DatasetSummaryLike> }
  | { type: 'live'; status: 'running' | 'success' | 'failed' | 'cancelled'; summary: string; epochs: LiveEpoch[] };

/** An event as the display draws it (from the Phoenix export: energies in GeV after conversion, angles in radians). */
export interface DisplayObject {
  kind: 'track' | 'cluster' | 'jet' | 'electron' | 'muon' | 'photon' | 'met';
  collection: string;
  pt: number;
  eta: number;
  phi: number;
  /** Jets: cone radius. */
  radius?: number;
}

export interface EventToWebview {
  type: 'events';
  analysis: string;
  sample: string;
  /** Phoenix JSON: `{ key: event }` (core/sources/phoenix.ts). */
  phoenix: Record<string, unknown>;
  /** Index of the first event of `phoenix` in the sample. */
  from: number;
  /** Index (in the sample) of the event to show; default `from`. */
  show?: number;
  total?: number;
  /** Per-event observables or scores to show beside the display, by event key. */
  extras?: Record<string, Record<string, number | string>>;
  /** Methods whose scores can be ranked. */
  methods?: string[];
  /** Per method, its most extreme test events (results.json `extremes`): the jump buttons show only with these. */
  extremes?: Record<string, NonNullable<MethodResult['extremes']>>;
}

export type DatasetToWebview = { type: 'dataset'; path: string; summary: DatasetSummaryLike };

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'save-png'; name: string; dataUrl: string }
  | { type: 'load-events'; sample: string; from: number; count: number; show?: number }
  | { type: 'jump'; method: string; which: 'most-signal-like-background' | 'least-signal-like-signal' }
  | { type: 'open-event-display'; method?: string };
