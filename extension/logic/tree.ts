/**
 * The analysis tree (samples, datasets, methods) as plain data: state of each stage (up to date, stale,
 * running, failed) from `hml status --format json`, overridden by a live run, and each method's latest metric
 * from results.json. extension/views.ts turns the nodes into TreeItems.
 */
import type { ResultsFile } from '../../protocol/results';
import type { RunState } from './progress';

/** The shape `hml status FILE --format json` prints (core/pipeline/runner.ts StageStatusInfo, abridged). */
export interface StatusJson {
  analysis: string;
  runDir: string;
  running: { pid: number; host: string; started: string } | null;
  stages: { stage: string; kind: string; key: string; status: 'up-to-date' | 'stale' | 'failed'; needs: string[]; dir: string; error?: { code?: string; message?: string } }[];
}

export type NodeState = 'up-to-date' | 'stale' | 'running' | 'failed' | 'unknown';

export interface TreeNode {
  id: string;
  label: string;
  kind: 'group' | 'sample' | 'dataset' | 'method' | 'stage';
  stage?: string;
  state?: NodeState;
  /** Short text beside the label: the latest metric, progress or error. */
  description?: string;
  tooltip?: string;
  children?: TreeNode[];
}

const GROUPS: { kind: TreeNode['kind']; prefix: string; label: string }[] = [
  { kind: 'sample', prefix: 'generate:', label: 'Samples' },
  { kind: 'dataset', prefix: 'dataset:', label: 'Datasets' },
  { kind: 'method', prefix: 'train:', label: 'Methods' },
];

/** Which metric the tree shows for a method: AUC when present, else the first one. */
export function headlineMetric(r: ResultsFile | undefined, method: string): string | undefined {
  const m = r?.methods.find((x) => x.name === method);
  if (!m || m.metrics.length === 0) return undefined;
  const pick = m.metrics.find((x) => x.name === 'auc') ?? m.metrics[0];
  return pick.value === null ? `${pick.name} —` : `${pick.name} ${pick.value.toFixed(3)}`;
}

export function buildTree(input: { names?: { samples: string[]; datasets: string[]; methods: string[] }; status?: StatusJson; results?: ResultsFile; live?: RunState }): TreeNode[] {
  const { status, results, live } = input;
  const stateOf = (stage: string): { state: NodeState; note?: string } => {
    const l = live?.status === 'running' ? live.stages.get(stage) : undefined;
    if (l?.state === 'running') return { state: 'running', note: l.total ? `${l.done ?? 0}/${l.total} ${l.unit ?? ''}`.trim() : 'running' };
    if (l?.state === 'failed') return { state: 'failed', note: l.error?.message };
    if (l?.state === 'finished' || l?.state === 'cached') return { state: 'up-to-date' };
    const s = status?.stages.find((x) => x.stage === stage);
    if (!s) return { state: 'unknown' };
    return { state: s.status, note: s.status === 'failed' ? s.error?.message : undefined };
  };
  const names = (prefix: string, list?: string[]): string[] => {
    const fromStatus = status?.stages.filter((s) => s.stage.startsWith(prefix)).map((s) => s.stage.slice(prefix.length)) ?? [];
    return [...new Set([...(list ?? []), ...fromStatus])];
  };
  const lists = { sample: input.names?.samples, dataset: input.names?.datasets, method: input.names?.methods } as Record<string, string[] | undefined>;
  const out: TreeNode[] = [];
  for (const g of GROUPS) {
    const children: TreeNode[] = names(g.prefix, lists[g.kind]).map((n) => {
      const stage = g.prefix + n;
      const st = stateOf(stage);
      const metric = g.kind === 'method' ? headlineMetric(results, n) : undefined;
      const description = st.state === 'running' || st.state === 'failed' ? st.note : [st.state === 'up-to-date' ? undefined : st.state, metric].filter(Boolean).join(' · ') || undefined;
      return { id: stage, label: n, kind: g.kind, stage, state: st.state, description, tooltip: `${stage}: ${st.state}${st.note ? ` — ${st.note}` : ''}${metric ? `\n${metric}` : ''}` };
    });
    out.push({ id: `group:${g.kind}`, label: g.label, kind: 'group', children });
  }
  for (const extra of ['evaluate', 'export']) {
    if (status?.stages.some((s) => s.stage === extra)) {
      const st = stateOf(extra);
      out.push({ id: extra, label: extra, kind: 'stage', stage: extra, state: st.state, description: st.note ?? (st.state === 'up-to-date' ? undefined : st.state) });
    }
  }
  return out;
}
