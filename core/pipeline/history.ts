/**
 * The run history: every `hml run` leaves `runs/<time>-<pid>.json` (settings, seeds, versions, timings, host).
 * `compareRuns` says what differs between two of them: which stages changed key, which settings changed, how
 * long each took, and which software versions differ.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { HmlError } from '../util/errors';
import { readLock } from './rundir';
import type { RunRecord } from './runner';

export function listRuns(runDir: string): { file: string; record: RunRecord }[] {
  const dir = join(runDir, 'runs');
  if (!existsSync(dir)) return [];
  const out: { file: string; record: RunRecord }[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json')).sort()) {
    try {
      out.push({ file: join(dir, name), record: JSON.parse(readFileSync(join(dir, name), 'utf8')) as RunRecord });
    } catch {
      // a record being written by a run that was killed before its first atomic write: nothing to show
    }
  }
  return out;
}

export interface SettingChange {
  path: string;
  before: unknown;
  after: unknown;
}

export interface RunComparison {
  a: string;
  b: string;
  /** Stages present in both runs whose key changed, with the settings that changed (upstream changes have none). */
  changed: { stage: string; keyA: string; keyB: string; settings: SettingChange[] }[];
  same: string[];
  onlyA: string[];
  onlyB: string[];
  timings: { stage: string; secondsA: number; secondsB: number; stateA: string; stateB: string }[];
  versions: SettingChange[];
  seed: { a: number; b: number };
}

/** Compares two run records (paths or records). */
export function compareRuns(a: RunRecord, b: RunRecord, names: [string, string] = ['a', 'b']): RunComparison {
  const sa = new Map(a.stages.map((s) => [s.stage, s]));
  const sb = new Map(b.stages.map((s) => [s.stage, s]));
  const cmp: RunComparison = { a: names[0], b: names[1], changed: [], same: [], onlyA: [], onlyB: [], timings: [], versions: diff(a.versions, b.versions, ''), seed: { a: a.seed, b: b.seed } };
  for (const [name, x] of sa) {
    const y = sb.get(name);
    if (!y) {
      cmp.onlyA.push(name);
      continue;
    }
    if (x.key === y.key) cmp.same.push(name);
    else cmp.changed.push({ stage: name, keyA: x.key, keyB: y.key, settings: diff(x.settings, y.settings, '') });
    cmp.timings.push({ stage: name, secondsA: x.seconds, secondsB: y.seconds, stateA: x.state, stateB: y.state });
  }
  for (const name of sb.keys()) if (!sa.has(name)) cmp.onlyB.push(name);
  return cmp;
}

function diff(x: unknown, y: unknown, path: string): SettingChange[] {
  const isObj = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
  if (isObj(x) && isObj(y)) {
    const out: SettingChange[] = [];
    for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) out.push(...diff(x[k], y[k], path ? `${path}.${k}` : k));
    return out;
  }
  return JSON.stringify(x) === JSON.stringify(y) ? [] : [{ path: path || '(all)', before: x, after: y }];
}

/** `hml clean`: deletes the run directory (refuses while a live run holds the lock). */
export function cleanRunDir(runDir: string): { removed: boolean } {
  if (!existsSync(runDir)) return { removed: false };
  const lock = readLock(runDir);
  if (lock) {
    let alive: boolean;
    try {
      process.kill(lock.pid, 0);
      alive = true;
    } catch (e) {
      alive = (e as NodeJS.ErrnoException).code === 'EPERM';
    }
    if (alive) throw new HmlError('locked', `the analysis is being run by process ${lock.pid} on ${lock.host} since ${lock.started}; stop it before cleaning`, { exitCode: 3 });
  }
  rmSync(runDir, { recursive: true, force: true });
  return { removed: true };
}
