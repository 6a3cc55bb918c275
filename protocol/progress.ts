/**
 * The progress stream of `hml run --progress json` (CONTRACTS.md "Progress stream"): NDJSON on stdout, one
 * event per line, also appended to `.hml/<stem>/progress.ndjson`. Shared by the CLI (writer), the extension
 * (reader, re-attach after reload) and the webviews (live training curves).
 */
export const PROGRESS_PROTOCOL_VERSION = 1;

export type StageState = 'cached' | 'stale' | 'blocked' | 'running' | 'finished' | 'failed';

interface Base {
  v: typeof PROGRESS_PROTOCOL_VERSION;
  /** ISO-8601 time at which the event was emitted. */
  time: string;
  /** Stage name (`generate:wjets`, `dataset:features`, `train:bdt`, `evaluate`, `export`) where it applies. */
  stage?: string;
}

export interface PlanEvent extends Base {
  type: 'plan';
  analysis: string;
  stages: { stage: string; key: string; state: StageState; needs: string[] }[];
}
export interface StageStartedEvent extends Base { type: 'stage-started'; stage: string; key: string }
export interface ProgressEvent extends Base { type: 'progress'; stage: string; done: number; total: number; unit: string }
export interface MetricEvent extends Base { type: 'metric'; stage: string; name: string; value: number | null; epoch?: number }
export interface LogEvent extends Base { type: 'log'; level: 'debug' | 'info' | 'warning' | 'error'; message: string }
export interface StageCachedEvent extends Base { type: 'stage-cached'; stage: string; key: string }
export interface StageFinishedEvent extends Base { type: 'stage-finished'; stage: string; key: string; seconds: number }
export interface StageFailedEvent extends Base {
  type: 'stage-failed';
  stage: string;
  code: string;
  message: string;
  location?: { file?: string; line?: number; column?: number; event?: number };
  log?: string;
}
export interface RunFinishedEvent extends Base { type: 'run-finished'; status: 'success' | 'failed' | 'cancelled'; seconds: number }

export type HmlProgressEvent =
  | PlanEvent
  | StageStartedEvent
  | ProgressEvent
  | MetricEvent
  | LogEvent
  | StageCachedEvent
  | StageFinishedEvent
  | StageFailedEvent
  | RunFinishedEvent;

/** Parses one NDJSON line; returns undefined for blank or foreign lines (a reader must never throw on them). */
export function parseProgressLine(line: string): HmlProgressEvent | undefined {
  const t = line.trim();
  if (!t.startsWith('{')) return undefined;
  try {
    const obj = JSON.parse(t) as Partial<HmlProgressEvent>;
    if (obj && obj.v === PROGRESS_PROTOCOL_VERSION && typeof obj.type === 'string') return obj as HmlProgressEvent;
  } catch {
    // a torn last line of a killed run: ignore it
  }
  return undefined;
}
