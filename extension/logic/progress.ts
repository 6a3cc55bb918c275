/**
 * The state of one run, folded from its progress events (protocol/progress.ts). Pure: the extension feeds it
 * lines from the CLI's stdout or from `.hml/<stem>/progress.ndjson` (re-attach), and the status bar, the
 * notification, the tree and the results panel's live curves read the folded state.
 */
import { parseProgressLine, type HmlProgressEvent, type StageState } from '../../protocol/progress';

export interface StageView {
  stage: string;
  state: StageState;
  done?: number;
  total?: number;
  unit?: string;
  seconds?: number;
  error?: { code: string; message: string; location?: { file?: string; line?: number; column?: number; event?: number } };
  /** Latest value of each metric the stage reported (loss, val_auc …). */
  metrics: Record<string, number | null>;
}

export interface EpochPoint {
  stage: string;
  epoch: number;
  name: string;
  value: number | null;
}

export interface RunState {
  analysis?: string;
  started?: string;
  finished?: string;
  status: 'running' | 'success' | 'failed' | 'cancelled';
  stages: Map<string, StageView>;
  /** Per-epoch metrics in arrival order (live training curves). */
  epochs: EpochPoint[];
  /** Last warning / error log lines (most recent last, at most 50). */
  logs: { level: string; message: string; stage?: string }[];
  seconds?: number;
}

export function emptyRun(): RunState {
  return { status: 'running', stages: new Map(), epochs: [], logs: [] };
}

function stageOf(s: RunState, name: string): StageView {
  let v = s.stages.get(name);
  if (!v) {
    v = { stage: name, state: 'stale', metrics: {} };
    s.stages.set(name, v);
  }
  return v;
}

/** Applies one event (mutates and returns `s`). A `plan` event starts a new run: what came before is dropped. */
export function applyEvent(s: RunState, e: HmlProgressEvent): RunState {
  switch (e.type) {
    case 'plan': {
      const fresh = emptyRun();
      Object.assign(s, fresh, { analysis: e.analysis, started: e.time });
      for (const st of e.stages) s.stages.set(st.stage, { stage: st.stage, state: st.state, metrics: {} });
      break;
    }
    case 'stage-started':
      Object.assign(stageOf(s, e.stage), { state: 'running', done: undefined, total: undefined });
      break;
    case 'progress':
      Object.assign(stageOf(s, e.stage), { done: e.done, total: e.total, unit: e.unit });
      break;
    case 'metric': {
      stageOf(s, e.stage).metrics[e.name] = e.value;
      if (e.epoch !== undefined) s.epochs.push({ stage: e.stage, epoch: e.epoch, name: e.name, value: e.value });
      break;
    }
    case 'log':
      if (e.level === 'warning' || e.level === 'error') {
        s.logs.push({ level: e.level, message: e.message, stage: e.stage });
        if (s.logs.length > 50) s.logs.shift();
      }
      break;
    case 'stage-cached':
      stageOf(s, e.stage).state = 'cached';
      break;
    case 'stage-finished':
      Object.assign(stageOf(s, e.stage), { state: 'finished', seconds: e.seconds });
      break;
    case 'stage-failed':
      Object.assign(stageOf(s, e.stage), { state: 'failed', error: { code: e.code, message: e.message, location: e.location } });
      break;
    case 'run-finished':
      s.status = e.status;
      s.finished = e.time;
      s.seconds = e.seconds;
      break;
  }
  return s;
}

/** Folds a chunk of NDJSON text; foreign or torn lines are skipped. */
export function applyText(s: RunState, text: string): RunState {
  for (const line of text.split('\n')) {
    const e = parseProgressLine(line);
    if (e) applyEvent(s, e);
  }
  return s;
}

/** Splits a stream into lines across chunk borders: returns the complete lines, keeps the rest. */
export class LineBuffer {
  private rest = '';
  push(chunk: string): string[] {
    const text = this.rest + chunk;
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    return lines;
  }
  flush(): string[] {
    const r = this.rest;
    this.rest = '';
    return r ? [r] : [];
  }
}

/** Overall progress in [0, 1]: finished and cached stages count whole, running ones by done / total. */
export function fraction(s: RunState): number {
  const all = [...s.stages.values()].filter((v) => v.state !== 'blocked');
  if (all.length === 0) return 0;
  let sum = 0;
  for (const v of all) {
    if (v.state === 'finished' || v.state === 'cached' || v.state === 'failed') sum += 1;
    else if (v.state === 'running' && v.total) sum += Math.min(1, (v.done ?? 0) / v.total);
  }
  return sum / all.length;
}

/** One line for the status bar / notification: `train:bdt 40/100 trees · 3/7 stages`. */
export function describe(s: RunState): string {
  const all = [...s.stages.values()];
  const settled = all.filter((v) => v.state === 'finished' || v.state === 'cached').length;
  if (s.status !== 'running') {
    const failed = all.find((v) => v.state === 'failed');
    if (s.status === 'failed' && failed) return `${failed.stage} failed: ${failed.error?.message ?? ''}`.trim();
    return `${s.status} · ${settled}/${all.length} stages${s.seconds !== undefined ? ` · ${s.seconds.toFixed(1)} s` : ''}`;
  }
  const running = all.filter((v) => v.state === 'running');
  const parts = running.map((v) => (v.total ? `${v.stage} ${v.done ?? 0}/${v.total} ${v.unit ?? ''}`.trim() : v.stage));
  return `${parts.join(', ') || 'starting'} · ${settled}/${all.length} stages`;
}
