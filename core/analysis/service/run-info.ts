/**
 * What the last runs left in an analysis's run directory (`.hml/<stem>/`, CONTRACTS "Run directory"), for code
 * lenses and inlay hints: the outcome per stage (`state.json`), a generated sample's cross section and event count
 * (the stage's `stage.json` summary) and the metrics of `results.json`.
 *
 * Reads are cheap and cached: one `stat` of `state.json` and `results.json` per call (at most every
 * `minIntervalMs`), files re-read only when their modification time changes.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ResultsFile } from '../../../protocol/results';
import { runDirFor, readState, readStageRecord, type StageOutcome } from '../../pipeline/rundir';
import { stageFolderName } from '../../pipeline/plan';

export interface StageRun {
  state: StageOutcome['state'];
  /** ISO-8601 time of the outcome. */
  time: string;
  code?: string;
  message?: string;
  /** For `generate:<sample>`: cross section in pb (null when unknown) and events kept. */
  crossSection?: number | null;
  events?: number;
}

export interface RunInfo {
  runDir: string;
  /** Last outcome per stage name (`generate:wjets`, `train:bdt` …). */
  stages: Record<string, StageRun>;
  /** The latest results.json (`.hml/<stem>/results.json`), when there is one. */
  results?: ResultsFile;
}

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
}

function build(runDir: string): RunInfo {
  const stages: Record<string, StageRun> = {};
  for (const [name, o] of Object.entries(readState(runDir))) {
    const run: StageRun = { state: o.state, time: o.time, code: o.code, message: o.message };
    if (name.startsWith('generate:') && o.state !== 'failed') {
      const rec = readStageRecord(join(runDir, stageFolderName(name, o.key)));
      const xs = rec?.summary?.crossSection;
      if (typeof xs === 'number' || xs === null) run.crossSection = xs;
      if (typeof rec?.summary?.events === 'number') run.events = rec.summary.events;
    }
    stages[name] = run;
  }
  let results: ResultsFile | undefined;
  try {
    results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8')) as ResultsFile;
  } catch {
    results = undefined;
  }
  return { runDir, stages, results };
}

/**
 * A run-info reader for file URIs (other schemes have no run directory). Returns undefined when the run
 * directory has no state yet.
 */
export function createRunInfoReader(minIntervalMs = 1000): (uri: string) => RunInfo | undefined {
  const cache = new Map<string, { checked: number; stamp: string; info: RunInfo | undefined }>();
  return (uri: string) => {
    if (!uri.startsWith('file:')) return undefined;
    let path: string;
    try {
      path = fileURLToPath(uri);
    } catch {
      return undefined;
    }
    const runDir = runDirFor(path);
    const now = Date.now();
    const hit = cache.get(runDir);
    if (hit && now - hit.checked < minIntervalMs) return hit.info;
    const stamp = `${mtime(join(runDir, 'state.json'))}:${mtime(join(runDir, 'results.json'))}`;
    if (hit && hit.stamp === stamp) {
      hit.checked = now;
      return hit.info;
    }
    const info = stamp === '-1:-1' ? undefined : build(runDir);
    cache.set(runDir, { checked: now, stamp, info });
    return info;
  };
}

/** Resolves a path written in an analysis file relative to the file; undefined when it does not exist. */
export function resolveAnalysisPath(fromUri: string, p: string): string | undefined {
  if (!fromUri.startsWith('file:') || /[*?[\]{}]/.test(p)) return undefined;
  try {
    const full = p.startsWith('/') ? p : join(dirname(fileURLToPath(fromUri)), p);
    statSync(full);
    return pathToFileURL(full).href;
  } catch {
    return undefined;
  }
}
