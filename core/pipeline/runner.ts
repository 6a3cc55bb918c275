/**
 * The pipeline runner: plans keys, takes the analysis lock, reuses committed stages, runs stale ones (independent
 * ones concurrently within `jobs`), writes each stage into a temporary folder renamed into place when complete,
 * records provenance and emits the progress stream (CONTRACTS "Progress stream").
 *
 * Crash safety: a stage folder exists under its final name only once complete (`stage.json` is written last,
 * then the folder is renamed), so `kill -9` at any moment leaves either the old state or the new one. The next
 * run sweeps temporary folders and picks up at the first stage without a committed folder.
 */
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { PROGRESS_PROTOCOL_VERSION, type HmlProgressEvent, type StageState } from '../../protocol/progress';
import { writeFileAtomic } from '../util/atomic';
import { HmlError } from '../util/errors';
import { deriveSeed } from '../util/random';
import { killPoint } from './killpoints';
import { assignKeys, resolveStageName, upstreamClosure } from './plan';
import {
  acquireLock,
  appendLine,
  commitStageDir,
  isCommitted,
  makeTempStageDir,
  readState,
  runDirFor,
  sweepTemporaries,
  updateState,
} from './rundir';
import type { ExecutorRegistry, PlannedStage, ProgressSink, StageContext, StageInput, StageRecord, StageSpec, StageSummary } from './types';

export interface RunOptions {
  /** The analysis file (its stem names the run directory). */
  analysisPath: string;
  /** Override of the run directory (default `.hml/<stem>/` beside the analysis). */
  runDir?: string;
  specs: readonly StageSpec[];
  executors: ExecutorRegistry;
  /** Passed to every executor as `ctx.shared` (the parsed analysis and what the executors need). */
  shared?: unknown;
  /** The analysis seed. */
  seed: number;
  /** `--stage`: run these stages and their stale upstream stages only. */
  targets?: readonly string[];
  /** `--force`: re-run the selected stages (all, without targets) even when their folder exists. */
  force?: boolean;
  /** Concurrent stages (default 1). */
  jobs?: number;
  /** Worker threads per stage. */
  threads?: number;
  /** Extra consumer of progress events (stdout NDJSON, bars); `progress.ndjson` always gets them. */
  sink?: ProgressSink;
  signal?: AbortSignal;
  /** Software versions for the provenance (node, engine, tfjs …). */
  versions?: Record<string, string>;
}

export interface StageRunInfo {
  stage: string;
  kind: string;
  key: string;
  state: 'cached' | 'finished' | 'failed' | 'blocked' | 'cancelled' | 'skipped';
  dir: string;
  seconds: number;
  error?: { code: string; message: string };
}

export interface RunOutcome {
  status: 'success' | 'failed' | 'cancelled';
  /** CONTRACTS "Command line": 0 success, 1 a stage failed, 130 cancelled. */
  exitCode: 0 | 1 | 130;
  runDir: string;
  planned: PlannedStage[];
  stages: StageRunInfo[];
  /** Path of this run's provenance record under `runs/`. */
  record: string;
  /** Warnings (stale lock taken over, temporaries swept). */
  warnings: string[];
  firstError?: HmlError;
}

/** A run's provenance record (`runs/<time>-<pid>.json`); two of them can be compared with `compareRuns`. */
export interface RunRecord {
  analysis: string;
  status: 'running' | 'success' | 'failed' | 'cancelled';
  started: string;
  finished?: string;
  seconds?: number;
  host: string;
  pid: number;
  seed: number;
  versions: Record<string, string>;
  options: { targets: string[]; force: boolean; jobs: number };
  stages: { stage: string; kind: string; key: string; state: string; seconds: number; settings: unknown; seed: string; summary?: StageSummary }[];
}

const now = (): string => new Date().toISOString();

export async function runPipeline(opts: RunOptions): Promise<RunOutcome> {
  const runDir = resolve(opts.runDir ?? runDirFor(opts.analysisPath));
  const planned = assignKeys(opts.specs, opts.executors, opts.seed);
  const selected = opts.targets && opts.targets.length > 0 ? upstreamClosure(planned, opts.targets) : planned;
  const targetNames = new Set(opts.targets && opts.targets.length > 0 ? opts.targets.map((t) => resolveStageName(planned, t)) : planned.map((s) => s.name));
  const jobs = Math.max(1, opts.jobs ?? 1);

  const lock = acquireLock(runDir);
  const warnings: string[] = [];
  if (lock.warning) warnings.push(lock.warning);
  const progressFile = join(runDir, 'progress.ndjson');
  const emit = (e: HmlProgressEvent): void => {
    try {
      appendLine(progressFile, JSON.stringify(e));
    } catch {
      // a full disk must not hide the event from the live consumer
    }
    opts.sink?.(e);
  };
  const started = now();
  const t0 = performance.now();
  const recordPath = join(runDir, 'runs', `${started.replace(/[:.]/g, '-')}-${process.pid}.json`);
  const record: RunRecord = {
    analysis: resolve(opts.analysisPath),
    status: 'running',
    started,
    host: hostname(),
    pid: process.pid,
    seed: opts.seed,
    versions: { node: process.versions.node, ...opts.versions },
    options: { targets: [...(opts.targets ?? [])], force: !!opts.force, jobs },
    stages: [],
  };
  const infos = new Map<string, StageRunInfo>();
  let firstError: HmlError | undefined;
  let cancelled = false;
  const inner = new AbortController();
  const onAbort = (): void => {
    cancelled = true;
    inner.abort();
  };
  opts.signal?.addEventListener('abort', onAbort);
  if (opts.signal?.aborted) onAbort();

  try {
    for (const w of warnings) emit({ v: PROGRESS_PROTOCOL_VERSION, time: now(), type: 'log', level: 'warning', message: w });
    const swept = sweepTemporaries(runDir);
    if (swept > 0) {
      const w = `removed ${swept} unfinished temporary folder(s) left by an interrupted run`;
      warnings.push(w);
      emit({ v: PROGRESS_PROTOCOL_VERSION, time: now(), type: 'log', level: 'info', message: w });
    }
    mkdirSync(join(runDir, 'runs'), { recursive: true });
    writeFileAtomic(recordPath, JSON.stringify(record, null, 1) + '\n');

    const mustRun = (s: PlannedStage): boolean => !isCommitted(runDir, s.folder) || (!!opts.force && targetNames.has(s.name));
    const willRun = new Set(selected.filter(mustRun).map((s) => s.name));
    emit({
      v: PROGRESS_PROTOCOL_VERSION,
      time: now(),
      type: 'plan',
      analysis: resolve(opts.analysisPath),
      stages: planned.map((s) => ({
        stage: s.name,
        key: s.key,
        needs: [...s.needs],
        state: (!selected.includes(s) ? (isCommitted(runDir, s.folder) ? 'cached' : 'blocked') : willRun.has(s.name) ? 'stale' : 'cached') as StageState,
      })),
    });

    const pending = new Map(selected.map((s) => [s.name, s]));
    const running = new Map<string, Promise<void>>();
    const done = new Set<string>();
    const failedOrBlocked = new Set<string>();

    const startStage = async (s: PlannedStage): Promise<void> => {
      const dir = join(runDir, s.folder);
      if (!willRun.has(s.name)) {
        infos.set(s.name, { stage: s.name, kind: s.kind, key: s.key, state: 'cached', dir, seconds: 0 });
        emit({ v: PROGRESS_PROTOCOL_VERSION, time: now(), type: 'stage-cached', stage: s.name, key: s.key });
        done.add(s.name);
        return;
      }
      const info = await executeStage(s, runDir, planned, opts, emit, inner.signal);
      infos.set(s.name, info);
      if (info.state === 'finished') done.add(s.name);
      else {
        failedOrBlocked.add(s.name);
        if (info.state === 'failed' && !firstError) firstError = new HmlError(info.error!.code, info.error!.message, { exitCode: 1 });
      }
    };

    while (pending.size > 0 || running.size > 0) {
      if (!cancelled) {
        for (const [name, s] of pending) {
          if (running.size >= jobs) break;
          if (s.needs.some((n) => failedOrBlocked.has(n))) {
            pending.delete(name);
            failedOrBlocked.add(name);
            infos.set(name, { stage: name, kind: s.kind, key: s.key, state: 'blocked', dir: join(runDir, s.folder), seconds: 0 });
            continue;
          }
          if (!s.needs.every((n) => done.has(n))) continue;
          pending.delete(name);
          running.set(name, startStage(s).finally(() => running.delete(name)));
        }
      }
      if (running.size === 0) {
        if (cancelled || pending.size === 0) break;
        // nothing runnable and nothing running: the rest is blocked
        for (const [name, s] of pending) infos.set(name, { stage: name, kind: s.kind, key: s.key, state: 'blocked', dir: join(runDir, s.folder), seconds: 0 });
        pending.clear();
        break;
      }
      await Promise.race(running.values());
    }
    for (const [name, s] of pending) infos.set(name, { stage: name, kind: s.kind, key: s.key, state: cancelled ? 'cancelled' : 'blocked', dir: join(runDir, s.folder), seconds: 0 });
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    const status: RunOutcome['status'] = cancelled ? 'cancelled' : [...infos.values()].some((i) => i.state === 'failed' || i.state === 'blocked') ? 'failed' : 'success';
    const seconds = (performance.now() - t0) / 1000;
    record.status = status;
    record.finished = now();
    record.seconds = seconds;
    record.stages = selected.map((s) => {
      const i = infos.get(s.name);
      return { stage: s.name, kind: s.kind, key: s.key, state: i?.state ?? 'skipped', seconds: i?.seconds ?? 0, settings: s.settings, seed: deriveSeed(opts.seed, s.key).toString() };
    });
    try {
      writeFileAtomic(recordPath, JSON.stringify(record, null, 1) + '\n');
    } catch {
      // the run's outcome matters more than its record on a full disk
    }
    emit({ v: PROGRESS_PROTOCOL_VERSION, time: now(), type: 'run-finished', status, seconds });
    lock.release();
  }
  const stages = selected.map((s) => infos.get(s.name)!).filter(Boolean);
  const status: RunOutcome['status'] = record.status as RunOutcome['status'];
  return {
    status,
    exitCode: status === 'success' ? 0 : status === 'cancelled' ? 130 : 1,
    runDir,
    planned,
    stages,
    record: recordPath,
    warnings,
    firstError,
  };
}

async function executeStage(
  s: PlannedStage,
  runDir: string,
  planned: readonly PlannedStage[],
  opts: RunOptions,
  emit: (e: HmlProgressEvent) => void,
  signal: AbortSignal,
): Promise<StageRunInfo> {
  const finalDir = join(runDir, s.folder);
  const exec = opts.executors[s.kind];
  killPoint(s.name, 'start');
  const startedAt = now();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  emit({ v: PROGRESS_PROTOCOL_VERSION, time: startedAt, type: 'stage-started', stage: s.name, key: s.key });
  const tmp = makeTempStageDir(runDir, s.folder);
  const inputs = new Map<string, StageInput>();
  for (const n of s.needs) {
    const up = planned.find((p) => p.name === n)!;
    inputs.set(n, { stage: n, kind: up.kind, key: up.key, dir: join(runDir, up.folder) });
  }
  let lastProgress = 0;
  const seed = deriveSeed(opts.seed, s.key);
  const scratchDir = join(runDir, `.work-${s.folder}`);
  const ctx: StageContext = {
    stage: s,
    outDir: tmp,
    scratchDir,
    inputs,
    shared: opts.shared,
    seed,
    analysisSeed: opts.seed,
    signal,
    threads: Math.max(1, opts.threads ?? 1),
    jobs: Math.max(1, opts.jobs ?? 1),
    progress(done, total, unit) {
      // throttled: progress.ndjson must stay small even for per-batch updates
      const t = performance.now();
      if (done < total && t - lastProgress < 200) return;
      lastProgress = t;
      emit({ v: PROGRESS_PROTOCOL_VERSION, time: now(), type: 'progress', stage: s.name, done, total, unit });
    },
    metric(name, value, epoch) {
      emit({ v: PROGRESS_PROTOCOL_VERSION, time: now(), type: 'metric', stage: s.name, name, value: value !== null && Number.isFinite(value) ? value : null, epoch });
    },
    log(level, message) {
      emit({ v: PROGRESS_PROTOCOL_VERSION, time: now(), type: 'log', stage: s.name, level, message });
    },
    killPoint(step) {
      killPoint(s.name, step);
    },
  };
  try {
    if (signal.aborted) throw new HmlError('cancelled', 'cancelled', { exitCode: 130 });
    const summary = (await exec.execute(ctx)) ?? {};
    if (signal.aborted) throw new HmlError('cancelled', 'cancelled', { exitCode: 130 });
    const finished = now();
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const rec: StageRecord = {
      stage: s.name,
      kind: s.kind,
      key: s.key,
      kindVersion: exec.version,
      settings: s.settings,
      inputs: [...inputs.values()].map((i) => ({ stage: i.stage, key: i.key })),
      seed: seed.toString(),
      analysisSeed: opts.seed,
      summary,
      started: startedAt,
      finished,
      seconds,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      host: hostname(),
      pid: process.pid,
      versions: { node: process.versions.node, ...opts.versions },
    };
    writeFileAtomic(join(tmp, 'stage.json'), JSON.stringify(rec, null, 1) + '\n');
    killPoint(s.name, 'written');
    if (existsSync(finalDir)) {
      // --force over a committed folder: move the old one aside first, so that a kill leaves no half folder
      const trash = join(runDir, `.tmp-old-${s.folder}-${process.pid}`);
      renameSync(finalDir, trash);
      killPoint(s.name, 'moved-aside');
      commitStageDir(tmp, finalDir);
      rmSync(trash, { recursive: true, force: true });
    } else {
      commitStageDir(tmp, finalDir);
    }
    killPoint(s.name, 'committed');
    rmSync(scratchDir, { recursive: true, force: true });
    updateState(runDir, s.name, { key: s.key, state: 'finished', time: finished });
    emit({ v: PROGRESS_PROTOCOL_VERSION, time: finished, type: 'stage-finished', stage: s.name, key: s.key, seconds });
    return { stage: s.name, kind: s.kind, key: s.key, state: 'finished', dir: finalDir, seconds };
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    const seconds = (performance.now() - t0) / 1000;
    if (signal.aborted) {
      emit({ v: PROGRESS_PROTOCOL_VERSION, time: now(), type: 'log', stage: s.name, level: 'warning', message: `${s.name} cancelled` });
      return { stage: s.name, kind: s.kind, key: s.key, state: 'cancelled', dir: finalDir, seconds };
    }
    const errno = (err as NodeJS.ErrnoException)?.code;
    const he =
      err instanceof HmlError
        ? err
        : errno === 'ENOSPC'
          ? new HmlError('disk-full', `no space left on the device while running ${s.name}; free some space and run again (earlier stages are intact)`, { exitCode: 1 })
          : undefined;
    const code = he?.code ?? 'stage-error';
    const message = he?.message ?? (err instanceof Error ? err.message : String(err));
    const log = he?.detail ?? (err instanceof Error && !he ? (err.stack ?? '').split('\n').slice(0, 8).join('\n') : undefined);
    try {
      updateState(runDir, s.name, { key: s.key, state: 'failed', time: now(), code, message });
    } catch {
      // full disk: the event below still reports the failure
    }
    emit({
      v: PROGRESS_PROTOCOL_VERSION,
      time: now(),
      type: 'stage-failed',
      stage: s.name,
      code,
      message,
      location: he?.location ? { file: he.location.file, line: he.location.line, column: he.location.column, event: he.location.event } : undefined,
      log,
    });
    return { stage: s.name, kind: s.kind, key: s.key, state: 'failed', dir: finalDir, seconds, error: { code, message } };
  }
}

export interface StageStatusInfo {
  stage: string;
  kind: string;
  key: string;
  status: 'up-to-date' | 'stale' | 'failed';
  needs: string[];
  dir: string;
  /** For failed stages: the error of the last attempt with this key. */
  error?: { code?: string; message?: string; time: string };
  /** Stale stages whose upstream is stale too (they will re-run because of it). */
  staleUpstream?: string[];
}

/** `hml status`: which stages are up to date, stale or failed (failed = the last attempt at this key failed). */
export function pipelineStatus(opts: { analysisPath: string; runDir?: string; specs: readonly StageSpec[]; executors: ExecutorRegistry; seed: number }): StageStatusInfo[] {
  const runDir = resolve(opts.runDir ?? runDirFor(opts.analysisPath));
  const planned = assignKeys(opts.specs, opts.executors, opts.seed);
  const state = readState(runDir);
  const stale = new Set<string>();
  return planned.map((s) => {
    const committed = isCommitted(runDir, s.folder);
    const st = state[s.name];
    let status: StageStatusInfo['status'] = committed ? 'up-to-date' : 'stale';
    if (!committed && st && st.key === s.key && st.state === 'failed') status = 'failed';
    if (!committed) stale.add(s.name);
    const staleUp = s.needs.filter((n) => stale.has(n));
    return {
      stage: s.name,
      kind: s.kind,
      key: s.key,
      status,
      needs: [...s.needs],
      dir: join(runDir, s.folder),
      error: status === 'failed' ? { code: st.code, message: st.message, time: st.time } : undefined,
      staleUpstream: staleUp.length ? staleUp : undefined,
    };
  });
}
