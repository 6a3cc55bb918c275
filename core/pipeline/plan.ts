/**
 * Stage keys and graph order. A key hashes the stage's kind, the kind's version, its settings and its inputs'
 * keys, so an edit re-runs exactly the edited stage and what depends on it.
 */
import { HmlError } from '../util/errors';
import { hashValue } from '../util/hash';
import type { ExecutorRegistry, PlannedStage, StageSpec } from './types';

/** Orders specs so that every stage follows its upstream stages; rejects unknown names and cycles. */
export function topologicalOrder(specs: readonly StageSpec[]): StageSpec[] {
  const byName = new Map(specs.map((s) => [s.name, s]));
  if (byName.size !== specs.length) throw new HmlError('duplicate-stage', 'two stages have the same name; rename one of them', { exitCode: 2 });
  const out: StageSpec[] = [];
  const state = new Map<string, 1 | 2>();
  const visit = (s: StageSpec, path: string[]): void => {
    const st = state.get(s.name);
    if (st === 2) return;
    if (st === 1) throw new HmlError('stage-cycle', `stages depend on each other in a cycle: ${[...path, s.name].join(' → ')}`, { exitCode: 2 });
    state.set(s.name, 1);
    for (const n of s.needs) {
      const up = byName.get(n);
      if (!up) throw new HmlError('unknown-stage', `stage ${s.name} needs ${n}, which is not in the plan`, { exitCode: 2 });
      visit(up, [...path, s.name]);
    }
    state.set(s.name, 2);
    out.push(s);
  };
  for (const s of specs) visit(s, []);
  return out;
}

/**
 * Computes every stage's key (in graph order) and its folder name. The analysis seed is part of every key:
 * a different seed gives different events, so nothing may be reused across seeds.
 */
export function assignKeys(specs: readonly StageSpec[], executors: ExecutorRegistry, seed: number): PlannedStage[] {
  const keys = new Map<string, string>();
  const planned: PlannedStage[] = [];
  for (const s of topologicalOrder(specs)) {
    const exec = executors[s.kind];
    if (!exec) throw new HmlError('unknown-stage-kind', `no executor for stage kind '${s.kind}' (stage ${s.name})`, { exitCode: 2 });
    const key = hashValue({
      kind: s.kind,
      kindVersion: exec.version,
      seed,
      settings: s.settings,
      inputs: [...s.needs].sort().map((n) => [n, keys.get(n)]),
    });
    keys.set(s.name, key);
    planned.push({ ...s, key, folder: stageFolderName(s.name, key) });
  }
  return planned;
}

/** `train:bdt` with key abc → `train-bdt-abc`; characters unsafe in file names become `_`. */
export function stageFolderName(stage: string, key: string): string {
  return `${stage.replace(/:/g, '-').replace(/[^A-Za-z0-9._-]/g, '_')}-${key}`;
}

/** The stages `targets` need (transitively), targets included, in graph order. */
export function upstreamClosure(stages: readonly PlannedStage[], targets: readonly string[]): PlannedStage[] {
  const byName = new Map(stages.map((s) => [s.name, s]));
  const want = new Set<string>();
  const add = (n: string): void => {
    if (want.has(n)) return;
    const s = byName.get(n);
    if (!s) {
      throw new HmlError('unknown-stage', `no stage named '${n}'; stages are: ${stages.map((x) => x.name).join(', ')}`, { exitCode: 2 });
    }
    want.add(n);
    for (const u of s.needs) add(u);
  };
  for (const t of targets) add(resolveStageName(stages, t));
  return stages.filter((s) => want.has(s.name));
}

/** Accepts `train:bdt`, `bdt` (when unique) or a kind (`generate` = every generate stage is not allowed here). */
export function resolveStageName(stages: readonly PlannedStage[], name: string): string {
  if (stages.some((s) => s.name === name)) return name;
  const bySuffix = stages.filter((s) => s.name.split(':')[1] === name);
  if (bySuffix.length === 1) return bySuffix[0].name;
  throw new HmlError('unknown-stage', `no stage named '${name}'; stages are: ${stages.map((x) => x.name).join(', ')}`, { exitCode: 2 });
}
