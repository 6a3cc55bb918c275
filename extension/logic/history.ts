/**
 * The run history the editor keeps per analysis (newest last) and the comparison of two runs: which metrics of
 * which method changed, and how the stage timings differ. Storage is injected (VS Code's workspaceState in
 * the extension, a Map in tests).
 */
import type { ResultsFile } from '../../protocol/results';
import type { RunState } from './progress';

export interface HistoryEntry {
  id: string;
  analysis: string;
  started: string;
  finished?: string;
  status: RunState['status'];
  seconds?: number;
  /** Stages that ran (not cached) and their seconds. */
  stages: { stage: string; state: string; seconds?: number }[];
  /** method → metric name → value (from results.json after the run). */
  metrics: Record<string, Record<string, number | null>>;
}

export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void> | void;
}

export function entryFrom(state: RunState, results: ResultsFile | undefined, analysis: string): HistoryEntry {
  const metrics: HistoryEntry['metrics'] = {};
  for (const m of results?.methods ?? []) {
    metrics[m.name] = Object.fromEntries(m.metrics.map((x) => [x.name, x.value]));
  }
  return {
    id: `${state.started ?? new Date().toISOString()}`,
    analysis,
    started: state.started ?? '',
    finished: state.finished,
    status: state.status,
    seconds: state.seconds,
    stages: [...state.stages.values()].map((s) => ({ stage: s.stage, state: s.state, seconds: s.seconds })),
    metrics,
  };
}

export class RunHistory {
  constructor(private readonly store: KeyValueStore, private readonly limit = 20) {}

  private key(analysis: string): string {
    return `hml.history:${analysis}`;
  }

  list(analysis: string): HistoryEntry[] {
    return this.store.get<HistoryEntry[]>(this.key(analysis)) ?? [];
  }

  /** Adds (or replaces, same id: a re-attached run finishing) an entry; keeps the newest `limit`. */
  async add(entry: HistoryEntry): Promise<void> {
    const list = this.list(entry.analysis).filter((e) => e.id !== entry.id);
    list.push(entry);
    list.sort((a, b) => a.started.localeCompare(b.started));
    await this.store.update(this.key(entry.analysis), list.slice(-this.limit));
  }
}

export interface MetricChange {
  method: string;
  metric: string;
  a: number | null;
  b: number | null;
  delta: number | null;
}

export interface HistoryComparison {
  a: string;
  b: string;
  metrics: MetricChange[];
  timings: { stage: string; a?: number; b?: number }[];
}

export function compareEntries(a: HistoryEntry, b: HistoryEntry): HistoryComparison {
  const metrics: MetricChange[] = [];
  const methods = [...new Set([...Object.keys(a.metrics), ...Object.keys(b.metrics)])].sort();
  for (const m of methods) {
    const names = [...new Set([...Object.keys(a.metrics[m] ?? {}), ...Object.keys(b.metrics[m] ?? {})])].sort();
    for (const n of names) {
      const va = a.metrics[m]?.[n] ?? null;
      const vb = b.metrics[m]?.[n] ?? null;
      metrics.push({ method: m, metric: n, a: va, b: vb, delta: va !== null && vb !== null ? vb - va : null });
    }
  }
  const stages = [...new Set([...a.stages.map((s) => s.stage), ...b.stages.map((s) => s.stage)])];
  const timings = stages.map((stage) => ({ stage, a: a.stages.find((s) => s.stage === stage)?.seconds, b: b.stages.find((s) => s.stage === stage)?.seconds }));
  return { a: a.started, b: b.started, metrics, timings };
}

const fmt = (v: number | null | undefined): string => (v === null || v === undefined ? '—' : Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4));

/** The comparison as a Markdown document (opened in a preview / untitled editor). */
export function comparisonMarkdown(c: HistoryComparison): string {
  const out = [`# Run comparison`, '', `A: ${c.a}  `, `B: ${c.b}`, '', '| method | metric | A | B | B − A |', '|---|---|---:|---:|---:|'];
  for (const m of c.metrics) out.push(`| ${m.method} | ${m.metric} | ${fmt(m.a)} | ${fmt(m.b)} | ${m.delta === null ? '—' : (m.delta >= 0 ? '+' : '') + fmt(m.delta)} |`);
  out.push('', '| stage | A [s] | B [s] |', '|---|---:|---:|');
  for (const t of c.timings) out.push(`| ${t.stage} | ${fmt(t.a)} | ${fmt(t.b)} |`);
  return out.join('\n') + '\n';
}
