/**
 * The run directory `.hml/<analysis file stem>/` beside the analysis file (CONTRACTS "Run directory"):
 *   <kind>-<name>-<key>/     one committed folder per stage key (stage.json + the stage's outputs)
 *   .tmp-<folder>-<pid>-<r>/ a stage being written; renamed into place only when complete
 *   lock                     pid, host, start time of the run holding the analysis
 *   state.json               last outcome per stage name (for `hml status`: failed stages)
 *   runs/<time>-<pid>.json   one provenance record per run (the run history)
 *   progress.ndjson          every progress event of every run, appended
 */
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { writeFileAtomic, temporaryPathFor } from '../util/atomic';
import { HmlError } from '../util/errors';
import type { StageRecord } from './types';

/** `examples/wjets.hml.yaml` → `examples/.hml/wjets`. */
export function runDirFor(analysisPath: string): string {
  const abs = resolve(analysisPath);
  const stem = basename(abs).replace(/\.(hml\.)?ya?ml$/i, '');
  return join(dirname(abs), '.hml', stem);
}

export interface LockInfo {
  pid: number;
  host: string;
  started: string;
}

export interface LockHandle {
  readonly path: string;
  /** A warning to show when a stale lock was taken over. */
  readonly warning?: string;
  release(): void;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the analysis lock. The lock file is written completely to a temporary name and then hard-linked into
 * place, which fails if a lock exists: no half-written lock is ever visible. A lock whose pid is dead on this
 * host is stale and taken over with a warning; a live one (or one from another host) is exit code 3.
 */
export function acquireLock(runDir: string): LockHandle {
  mkdirSync(runDir, { recursive: true });
  const path = join(runDir, 'lock');
  const me: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  let warning: string | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    const tmp = temporaryPathFor(path);
    writeFileAtomic(tmp, JSON.stringify(me) + '\n');
    try {
      linkSync(tmp, path);
      rmSync(tmp, { force: true });
      return {
        path,
        warning,
        release: () => {
          const cur = readLock(runDir);
          if (cur && cur.pid === me.pid && cur.host === me.host) rmSync(path, { force: true });
        },
      };
    } catch (e) {
      rmSync(tmp, { force: true });
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = readLock(runDir);
    if (holder && holder.host === me.host && !pidAlive(holder.pid)) {
      warning = `took over a stale lock of process ${holder.pid} on ${holder.host} (started ${holder.started}); that run was killed`;
      rmSync(path, { force: true });
      continue;
    }
    if (!holder) {
      // unreadable lock: only possible from a foreign writer; treat an old one as stale
      const age = Date.now() - statSync(path).mtimeMs;
      if (age > 60_000) {
        warning = 'took over an unreadable lock file older than a minute';
        rmSync(path, { force: true });
        continue;
      }
    }
    const who = holder ? `process ${holder.pid} on ${holder.host} since ${holder.started}` : 'another process';
    throw new HmlError('locked', `the analysis is being run by ${who}; wait for it to finish or stop it (lock: ${path})`, { exitCode: 3 });
  }
  throw new HmlError('locked', `could not take the lock ${path}`, { exitCode: 3 });
}

export function readLock(runDir: string): LockInfo | undefined {
  try {
    const v = JSON.parse(readFileSync(join(runDir, 'lock'), 'utf8')) as LockInfo;
    return typeof v.pid === 'number' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** A fresh temporary folder for a stage being written (same file system as the target, so rename is atomic). */
export function makeTempStageDir(runDir: string, folder: string): string {
  const tmp = join(runDir, `.tmp-${folder}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
  mkdirSync(tmp, { recursive: true });
  return tmp;
}

/** Renames a finished temporary folder into place; an existing committed folder with the same key wins. */
export function commitStageDir(tmp: string, finalDir: string): void {
  if (existsSync(join(finalDir, 'stage.json'))) {
    rmSync(tmp, { recursive: true, force: true });
    return;
  }
  rmSync(finalDir, { recursive: true, force: true });
  renameSync(tmp, finalDir);
}

/** Whether a committed folder exists for the stage (the `stage.json` record is written last inside the temp folder). */
export function isCommitted(runDir: string, folder: string): boolean {
  return existsSync(join(runDir, folder, 'stage.json'));
}

export function readStageRecord(dir: string): StageRecord | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'stage.json'), 'utf8')) as StageRecord;
  } catch {
    return undefined;
  }
}

/** Removes temporary folders left behind by killed runs (only when holding the lock). */
export function sweepTemporaries(runDir: string): number {
  if (!existsSync(runDir)) return 0;
  let n = 0;
  for (const name of readdirSync(runDir)) {
    if (name.startsWith('.tmp-') || /^\..*\.tmp-\d+-/.test(name)) {
      rmSync(join(runDir, name), { recursive: true, force: true });
      n++;
    }
  }
  return n;
}

export interface StageOutcome {
  key: string;
  state: 'finished' | 'failed' | 'cached';
  time: string;
  code?: string;
  message?: string;
}

export type StateFile = Record<string, StageOutcome>;

export function readState(runDir: string): StateFile {
  try {
    return JSON.parse(readFileSync(join(runDir, 'state.json'), 'utf8')) as StateFile;
  } catch {
    return {};
  }
}

export function updateState(runDir: string, stage: string, outcome: StageOutcome): void {
  const s = readState(runDir);
  s[stage] = outcome;
  writeFileAtomic(join(runDir, 'state.json'), JSON.stringify(s, null, 1) + '\n');
}

/** Appends NDJSON lines (a torn last line from a kill is skipped by `parseProgressLine`). */
export function appendLine(path: string, line: string): void {
  writeFileSync(path, line + '\n', { flag: 'a' });
}
