/**
 * Every piece of work is the `hml` CLI (dist/cli.mjs) in a child process: the editor's own Node (Electron's,
 * `process.execPath` with ELECTRON_RUN_AS_NODE=1, never a `node` from PATH), argument arrays, no shell. Nothing
 * heavy runs in the extension host.
 *
 * Runs are started detached with their output going to a log file in the run directory, and their progress is
 * read from `.hml/<stem>/progress.ndjson` (which the CLI always appends to): a window reload kills the extension
 * host but not the run, and the reloaded editor re-attaches through the same file (reattach.ts). One code path
 * serves fresh and re-attached runs.
 */
import { closeSync, mkdirSync, openSync, readFileSync, statSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { execa } from 'execa';
import { pidAlive, ProgressTail, runDirOf } from './reattach';
import { describe, type RunState } from './progress';

export interface CliEnvironment {
  /** dist/cli.mjs of the extension. */
  cliPath: string;
  /** The Node to use: the extension host's own executable (Electron's node mode). */
  nodePath?: string;
  madgraph5Executable?: string;
  trainingBackend?: string;
  workers?: number;
}

export function cliEnv(env: CliEnvironment): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...process.env, ELECTRON_RUN_AS_NODE: '1', NO_COLOR: '1' };
  if (env.madgraph5Executable) out.HML_MG5_EXECUTABLE = env.madgraph5Executable;
  if (env.trainingBackend && env.trainingBackend !== 'auto') out.HML_NN_BACKEND = env.trainingBackend;
  return out;
}

/** `hml run` arguments for the whole analysis or some stages. */
export function runArgs(file: string, opts: { stages?: string[]; force?: boolean; workers?: number } = {}): string[] {
  const a = ['run', file];
  for (const s of opts.stages ?? []) a.push('--stage', s);
  if (opts.force) a.push('--force');
  if (opts.workers && opts.workers > 0) a.push('--threads', String(opts.workers));
  a.push('--progress', 'none');
  return a;
}

/** Runs a short CLI command to completion (status, inspect, summaries): stdout, stderr and exit code. */
export async function runCli(env: CliEnvironment, args: string[], opts: { cwd?: string; signal?: AbortSignal; timeoutMs?: number } = {}): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const r = await execa(env.nodePath ?? process.execPath, [env.cliPath, ...args], {
    env: cliEnv(env),
    cwd: opts.cwd,
    reject: false,
    cancelSignal: opts.signal,
    timeout: opts.timeoutMs ?? 120_000,
    maxBuffer: 256 * 1024 * 1024,
    stripFinalNewline: false,
  });
  return { stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), exitCode: r.exitCode ?? 1 };
}

/** Runs a CLI command with `--format json` and parses its stdout; throws with the CLI's message on failure. */
export async function runCliJson<T>(env: CliEnvironment, args: string[], opts: { cwd?: string; signal?: AbortSignal } = {}): Promise<T> {
  const r = await runCli(env, args, opts);
  if (r.exitCode !== 0) {
    const msg = r.stderr.trim().split('\n').filter(Boolean).at(-1) ?? `exit code ${r.exitCode}`;
    throw new Error(msg.replace(/^hml:\s*/, ''));
  }
  return JSON.parse(r.stdout) as T;
}

export interface RunHandle {
  readonly analysis: string;
  readonly runDir: string;
  /** Pid of the CLI process (the lock's pid). */
  readonly pid: number;
  readonly logFile: string;
  readonly tail: ProgressTail;
  /** Resolves with the final state when the run ends (run-finished seen, or the process gone). */
  readonly done: Promise<RunState>;
  cancel(): void;
  /** Stops watching without touching the process (extension deactivation). */
  detach(): void;
}

export interface WatchOptions {
  pollMs?: number;
  onUpdate?: (s: RunState, summary: string) => void;
  onLog?: (text: string) => void;
}

/** Watches a run by pid: tails its progress file (and log) until run-finished or the pid dies. */
export function watchRun(analysis: string, pid: number, tail: ProgressTail, logFile: string, o: WatchOptions = {}, exited?: Promise<unknown>): RunHandle {
  const runDir = runDirOf(analysis);
  let logOffset = 0;
  try {
    logOffset = tail.state.started ? 0 : statSync(logFile).size;
  } catch {
    logOffset = 0;
  }
  let timer: ReturnType<typeof setInterval> | undefined;
  let gone = false;
  void exited?.then(() => (gone = true), () => (gone = true));
  const readLog = (): void => {
    if (!o.onLog) return;
    try {
      const buf = readFileSync(logFile);
      if (buf.length > logOffset) {
        o.onLog(buf.subarray(logOffset).toString('utf8'));
        logOffset = buf.length;
      }
    } catch {
      // no log yet
    }
  };
  const done = new Promise<RunState>((resolve) => {
    const tick = (): void => {
      const n = tail.poll();
      readLog();
      if (n > 0) o.onUpdate?.(tail.state, describe(tail.state));
      const dead = gone || !pidAlive(pid);
      if (tail.state.status !== 'running' || dead) {
        if (dead) {
          tail.poll(); // the last lines written just before exit
          if (tail.state.status === 'running') tail.state.status = 'failed';
        }
        clearInterval(timer);
        o.onUpdate?.(tail.state, describe(tail.state));
        resolve(tail.state);
      }
    };
    timer = setInterval(tick, o.pollMs ?? 250);
  });
  return {
    analysis,
    runDir,
    pid,
    logFile,
    tail,
    done,
    cancel: () => {
      try {
        process.kill(pid, 'SIGTERM'); // the CLI stops cleanly (exit 130, run-finished: cancelled)
      } catch {
        // already gone
      }
    },
    detach: () => clearInterval(timer),
  };
}

/**
 * Starts `hml run` detached (it outlives a window reload), its stdout and stderr into `.hml/<stem>/editor.log`,
 * and watches it.
 */
export function startRun(env: CliEnvironment, analysis: string, opts: { stages?: string[]; force?: boolean; cwd?: string } & WatchOptions = {}): RunHandle {
  const runDir = runDirOf(analysis);
  mkdirSync(runDir, { recursive: true });
  const logFile = join(runDir, 'editor.log');
  const tail = new ProgressTail(join(runDir, 'progress.ndjson'), 'end');
  const fd = openSync(logFile, 'a');
  // node's spawn rather than execa here: a detached child with file descriptors as stdout / stderr, nothing piped
  // back, is all this needs (argument array, no shell).
  const child = spawn(env.nodePath ?? process.execPath, [env.cliPath, ...runArgs(analysis, { ...opts, workers: env.workers })], {
    env: cliEnv(env),
    cwd: opts.cwd,
    detached: true, // own process group: not killed with the extension host on a window reload
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.once('error', () => undefined);
  child.unref();
  if (child.pid === undefined) throw new Error('could not start the hml CLI');
  return watchRun(analysis, child.pid, tail, logFile, opts, exited);
}
