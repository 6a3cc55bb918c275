/**
 * Re-attaching to a run after a window reload: the CLI appends every progress event to
 * `.hml/<stem>/progress.ndjson` and holds `.hml/<stem>/lock` (pid, host, start time) while it runs. A run is
 * "alive" when that lock names a live pid on this host; the editor then folds the file from the last `plan`
 * event (the start of the current run) and keeps tailing it until `run-finished` or the pid dies.
 */
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { applyEvent, applyText, emptyRun, LineBuffer, type RunState } from './progress';
import { parseProgressLine } from '../../protocol/progress';

/** `dir/wjets.hml.yaml` → `dir/.hml/wjets` (the same rule as core/pipeline/rundir's runDirFor). */
export function runDirOf(analysisPath: string): string {
  const abs = resolve(analysisPath);
  return join(dirname(abs), '.hml', basename(abs).replace(/\.(hml\.)?ya?ml$/i, ''));
}

export interface LockInfo {
  pid: number;
  host: string;
  started: string;
}

export function readLockFile(runDir: string): LockInfo | undefined {
  try {
    const o = JSON.parse(readFileSync(join(runDir, 'lock'), 'utf8')) as Partial<LockInfo>;
    if (typeof o.pid === 'number' && typeof o.host === 'string') return { pid: o.pid, host: o.host, started: String(o.started ?? '') };
  } catch {
    // no lock, or one being written: not running
  }
  return undefined;
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live run of an analysis, or undefined (no lock, a stale lock, or a lock from another host). */
export function liveRun(runDir: string): LockInfo | undefined {
  const lock = readLockFile(runDir);
  if (!lock || lock.host !== hostname() || !pidAlive(lock.pid)) return undefined;
  return lock;
}

/** Byte offset of the last `plan` line of the progress file (0 when there is none). */
export function lastPlanOffset(text: string): number {
  let end = text.length;
  while (end > 0) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const line = text.slice(start, end);
    if (line.includes('"type":"plan"') && parseProgressLine(line)?.type === 'plan') return Buffer.byteLength(text.slice(0, start));
    end = start - 1;
  }
  return 0;
}

/**
 * Reads a growing progress file from a byte offset. `poll()` returns the events' state after the new complete
 * lines; a torn last line waits for the next poll. Folding starts at the current run's `plan`.
 */
export class ProgressTail {
  readonly state: RunState = emptyRun();
  private offset: number;
  private readonly lines = new LineBuffer();

  /** `from`: `last-run` folds the file's last run (re-attach); `end` only what is appended from now (a new run). */
  constructor(readonly file: string, from: 'last-run' | 'end' = 'last-run') {
    this.offset = 0;
    if (existsSync(file)) this.offset = from === 'end' ? statSync(file).size : lastPlanOffset(readFileSync(file, 'utf8'));
  }

  /** Reads what was appended since the last poll; returns the number of events applied. */
  poll(): number {
    let size: number;
    try {
      size = statSync(this.file).size;
    } catch {
      return 0;
    }
    if (size < this.offset) this.offset = 0; // truncated / replaced: start over
    if (size === this.offset) return 0;
    const fd = openSync(this.file, 'r');
    const buf = Buffer.alloc(size - this.offset);
    try {
      readSync(fd, buf, 0, buf.length, this.offset);
    } finally {
      closeSync(fd);
    }
    this.offset = size;
    let n = 0;
    for (const line of this.lines.push(buf.toString('utf8'))) {
      const e = parseProgressLine(line);
      if (e) {
        applyEvent(this.state, e);
        n++;
      }
    }
    return n;
  }
}

/** The state of the last run recorded in a run directory (for the tree and history after a reload). */
export function lastRunState(runDir: string): RunState | undefined {
  const file = join(runDir, 'progress.ndjson');
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  return applyText(emptyRun(), text.slice(lastPlanOffsetChars(text)));
}

function lastPlanOffsetChars(text: string): number {
  // byte offset → char offset: the file may hold non-ASCII log text
  const b = lastPlanOffset(text);
  return Buffer.from(text).subarray(0, b).toString('utf8').length;
}
