/**
 * Runs MadGraph5_aMC@NLO (+ Pythia8 + Delphes) for one sample, with execa and argument arrays (no shell):
 * finds `mg5_aMC`, says what is missing, writes the scripts and the seeded cards, streams the log, turns its
 * stages into progress callbacks, detects MG5's errors (MG5 often exits 0 after one), cancels by killing the whole
 * process group, and reads the results back from the process folder.
 *
 * Every generation uses a fresh work folder (MG5 numbers runs and rewrites seeds inside a process folder, so a
 * reused one would mix runs). On failure or cancellation the process folder, cards and scripts are removed; only
 * `mg5.log` stays for diagnosis.
 */
import { accessSync, constants, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, type WriteStream } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { execa } from 'execa';
import { HmlError } from '../../util/errors';
import { writeFileAtomic } from '../../util/atomic';
import { seedDelphesCard, seedPythia8Card } from './cards';
import { eventFilesOf, parseMg5Output, type Mg5Run } from './results';
import { planMadgraph5, type Mg5Plan } from './script';
import type { Mg5Settings } from './settings';

export type Mg5Stage = 'process' | 'survey' | 'refine' | 'pythia8' | 'delphes' | 'storing' | 'done';

export interface Mg5Progress {
  stage: Mg5Stage;
  /** Stages passed so far and expected in all (survey, refine, [pythia8], [delphes], storing per run). */
  done: number;
  total: number;
}

export interface Mg5Tools {
  /** Absolute path of mg5_aMC. */
  mg5: string;
  /** MG5 installation folder (the parent of bin/). */
  mg5Dir: string;
  pythia8?: string;
  delphes?: string;
  root?: string;
}

export interface Mg5RunOptions {
  /** `hml.madgraph5.executable` setting: a path to mg5_aMC (else PATH is searched). */
  executable?: string;
  /** Environment for the search and for MG5 (default process.env). */
  env?: NodeJS.ProcessEnv;
  onProgress?(p: Mg5Progress): void;
  /** Every log line of MG5 (stdout and stderr), ANSI colours removed. */
  onLog?(line: string): void;
  signal?: AbortSignal;
  /** Seconds between SIGTERM and SIGKILL when cancelling (default 5). */
  killGraceSeconds?: number;
}

export interface Mg5Result {
  plan: Mg5Plan;
  /** The run this generation made (the last run of the process folder). */
  run: Mg5Run;
  /** pb, from the banner's "Integrated weight (pb)". */
  crossSection?: number;
  crossSectionError?: number;
  nEvents?: number;
  /** The seed MG5 really used (banner iseed); per sub-run in `run.subRuns`. */
  seed?: number;
  /** The files the sample reads, and their format. */
  files: string[];
  format: 'delphes' | 'hepmc3' | 'lhe';
  logPath: string;
}

function isExecutable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function which(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    if (isExecutable(p)) return p;
  }
  return undefined;
}

/** Finds mg5_aMC from the setting, else on PATH. */
export function findMg5(opts: { executable?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const env = opts.env ?? process.env;
  if (opts.executable) {
    const p = resolve(opts.executable);
    if (!isExecutable(p)) {
      throw new HmlError('mg5-not-found', `the MadGraph5 executable set in hml.madgraph5.executable (${opts.executable}) does not exist or is not executable; point it at <MG5 folder>/bin/mg5_aMC`, { exitCode: 2 });
    }
    return p;
  }
  const found = which('mg5_aMC', env);
  if (!found) {
    throw new HmlError('mg5-not-found', 'MadGraph5_aMC@NLO (mg5_aMC) is not on PATH: install it (https://launchpad.net/mg5amcnlo), then add its bin/ folder to PATH or set hml.madgraph5.executable; or use `engine: builtin`', { exitCode: 2 });
  }
  return found;
}

/** The `key = value` lines of MG5's input/mg5_configuration.txt. */
function mg5Configuration(mg5Dir: string): Record<string, string> {
  const p = join(mg5Dir, 'input/mg5_configuration.txt');
  const out: Record<string, string> = {};
  if (!existsSync(p)) return out;
  for (const line of readFileSync(p, 'utf8').split('\n')) {
    const m = /^\s*([A-Za-z0-9_]+)\s*=\s*([^#\s]+)/.exec(line);
    if (m) out[m[1]] = m[2];
  }
  return out;
}

/**
 * Finds the tools a sample needs (Pythia8 for `shower: pythia8`, Delphes and ROOT for `detector: delphes`) and
 * throws one error that lists everything missing, with how to fix it.
 */
export function checkMg5Tools(mg5: string, needs: { shower: boolean; detector: boolean }, env: NodeJS.ProcessEnv = process.env): Mg5Tools {
  const real = realpathSync(mg5);
  const mg5Dir = dirname(dirname(real));
  const conf = mg5Configuration(mg5Dir);
  const at = (p: string | undefined, dflt: string): string | undefined => {
    const q = p && p !== 'None' ? (isAbsolute(p) ? p : resolve(mg5Dir, p)) : join(mg5Dir, dflt);
    return existsSync(q) ? q : undefined;
  };
  const tools: Mg5Tools = { mg5: real, mg5Dir };
  const missing: string[] = [];
  if (needs.shower) {
    tools.pythia8 = at(conf.pythia8_path, 'HEPTools/pythia8');
    if (!tools.pythia8) missing.push('Pythia8 (run `install pythia8` at the MG5_aMC> prompt, or set shower: none)');
  }
  if (needs.detector) {
    tools.delphes = at(conf.delphes_path, 'Delphes');
    if (!tools.delphes) missing.push('Delphes (run `install Delphes` at the MG5_aMC> prompt, or set detector: none)');
    const rootConfig = env.ROOTSYS && isExecutable(join(env.ROOTSYS, 'bin/root-config')) ? join(env.ROOTSYS, 'bin/root-config') : which('root-config', env);
    tools.root = rootConfig;
    if (!rootConfig) missing.push('ROOT, which Delphes needs (install ROOT and source thisroot.sh so that root-config is on PATH)');
  }
  if (missing.length > 0) {
    throw new HmlError('mg5-missing-tool', `MadGraph5 was found at ${real}, but the sample needs tools that are not installed: ${missing.join('; ')}`, { exitCode: 2 });
  }
  return tools;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
const STAGES: [RegExp, Mg5Stage][] = [
  [/Running Survey/, 'survey'],
  [/Refine results|Running Refine/, 'refine'],
  [/Running Pythia8/, 'pythia8'],
  [/Running Delphes/, 'delphes'],
  [/storing files/, 'storing'],
];
const ERROR_LINE = /Command ".*" interrupted with error|^\s*(MadGraph5Error|InvalidCmd|InvalidRunCard|InvalidCommand|ZeroResult|aMCatNLOError|MadEventError|MadGraph5_aMC@NLOError)\b|^\s*(CRITICAL|ERROR)\s*:|Please report this bug|Error detected in/;

/** Stateful reader of MG5's output: progress stages and the first error, with the recent lines kept for excerpts. */
export class Mg5LogWatcher {
  private recent: string[] = [];
  private done = 0;
  error?: string;
  errorExcerpt?: string;
  private tail = 0;

  constructor(
    readonly total: number,
    private readonly onProgress?: (p: Mg5Progress) => void,
    private readonly onLog?: (line: string) => void,
  ) {}

  line(raw: string): void {
    const line = raw.replace(ANSI, '').replace(/\r/g, '');
    this.onLog?.(line);
    this.recent.push(line);
    if (this.recent.length > 40) this.recent.shift();
    if (this.error !== undefined && this.tail < 12) {
      this.tail++;
      this.errorExcerpt = this.recent.slice(-Math.min(this.recent.length, 25)).join('\n');
    }
    if (this.error === undefined && ERROR_LINE.test(line)) {
      this.error = line.trim();
      this.errorExcerpt = this.recent.slice(-25).join('\n');
      return;
    }
    for (const [re, stage] of STAGES) {
      if (re.test(line)) {
        this.done = Math.min(this.total, this.done + 1);
        this.onProgress?.({ stage, done: this.done, total: this.total });
        return;
      }
    }
  }

  /** The last lines, for an error without a recognised MG5 error line. */
  excerpt(): string {
    return this.recent.slice(-25).join('\n');
  }

  finish(): void {
    this.done = this.total;
    this.onProgress?.({ stage: 'done', done: this.total, total: this.total });
  }
}

async function runMg5(tools: Mg5Tools, script: string, cwd: string, log: WriteStream, watcher: Mg5LogWatcher, opts: Mg5RunOptions, step: string): Promise<void> {
  if (opts.signal?.aborted) throw cancelled(watcher);
  const child = execa(tools.mg5, [script], {
    cwd,
    env: opts.env ?? process.env,
    extendEnv: false,
    stdin: 'ignore',
    buffer: false,
    reject: false,
    detached: true, // own process group, so that cancelling reaches madevent, Pythia8 and Delphes too
  });
  let rest = { out: '', err: '' };
  const feed = (key: 'out' | 'err', chunk: Buffer): void => {
    log.write(chunk);
    const text = rest[key] + chunk.toString('utf8');
    const lines = text.split('\n');
    rest[key] = lines.pop() ?? '';
    for (const l of lines) watcher.line(l);
  };
  child.stdout?.on('data', (c: Buffer) => feed('out', c));
  child.stderr?.on('data', (c: Buffer) => feed('err', c));
  let killTimer: NodeJS.Timeout | undefined;
  let aborted = false;
  const onAbort = (): void => {
    aborted = true;
    killGroup(child.pid, 'SIGTERM');
    killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), (opts.killGraceSeconds ?? 5) * 1000);
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const result = await child;
  opts.signal?.removeEventListener('abort', onAbort);
  if (killTimer) clearTimeout(killTimer);
  // stragglers of the group (a shower left running by a crashed MG5) are ended too
  killGroup(child.pid, 'SIGKILL');
  if (rest.out) watcher.line(rest.out);
  if (rest.err) watcher.line(rest.err);
  rest = { out: '', err: '' };
  if (aborted) throw cancelled(watcher);
  if (watcher.error !== undefined) {
    throw new HmlError('mg5-failed', `MadGraph5 failed during the ${step}: ${watcher.error}`, { exitCode: 1, detail: watcher.errorExcerpt, location: { file: script } });
  }
  if (result.failed || result.exitCode !== 0) {
    const why = result.exitCode !== undefined ? `exit code ${result.exitCode}` : (result.signal ?? 'an error');
    throw new HmlError('mg5-failed', `MadGraph5 stopped with ${why} during the ${step}`, { exitCode: 1, detail: watcher.excerpt(), location: { file: script } });
  }
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is already gone
  }
}

function cancelled(watcher: Mg5LogWatcher): HmlError {
  return new HmlError('cancelled', 'MadGraph5 generation cancelled; its process tree was stopped and its partial output removed', { exitCode: 130, detail: watcher.excerpt() });
}

/**
 * Generates a sample with MadGraph5 in `workDir` (must be new or empty). Returns the run with its cross section,
 * seed and event files.
 */
export async function generateMadgraph5(s: Mg5Settings, workDir: string, opts: Mg5RunOptions = {}): Promise<Mg5Result> {
  const env = opts.env ?? process.env;
  if (existsSync(workDir) && readdirSync(workDir).length > 0) {
    throw new HmlError('mg5-workdir-not-fresh', `the MadGraph5 work folder ${workDir} is not empty; every generation needs a fresh folder (MG5 would continue its run numbering and seeds there)`, { exitCode: 1, location: { file: workDir } });
  }
  const plan = planMadgraph5(s, workDir);
  const mg5 = findMg5({ executable: opts.executable, env });
  const tools = checkMg5Tools(mg5, { shower: s.shower === 'pythia8', detector: s.detector === 'delphes' }, env);
  mkdirSync(workDir, { recursive: true });
  const logPath = join(workDir, 'mg5.log');
  const log = createWriteStream(logPath, { flags: 'a' });
  const perRun = 3 + (s.shower === 'pythia8' ? 1 : 0) + (s.detector === 'delphes' ? 1 : 0);
  const watcher = new Mg5LogWatcher(perRun * s.multi_run, opts.onProgress, opts.onLog);
  const cleanup = (): void => {
    for (const p of [plan.procDir, join(workDir, 'cards'), plan.processScriptPath, plan.launchScriptPath]) rmSync(p, { recursive: true, force: true });
  };
  try {
    writeFileAtomic(plan.processScriptPath, plan.processScript);
    opts.onProgress?.({ stage: 'process', done: 0, total: watcher.total });
    await runMg5(tools, plan.processScriptPath, workDir, log, watcher, opts, 'process generation (step 1)');
    if (!existsSync(plan.procDir)) {
      throw new HmlError('mg5-failed', `MadGraph5 did not write the process folder ${plan.procDir}`, { exitCode: 1, detail: watcher.excerpt() });
    }
    for (const card of plan.seededCards) {
      if (!existsSync(card.from)) {
        throw new HmlError('mg5-missing-card', `the ${card.kind} card ${card.from} does not exist; give an existing card in cards.${card.kind}`, { exitCode: 2, location: { file: card.from } });
      }
      const text = readFileSync(card.from, 'utf8');
      writeFileAtomic(card.path, card.kind === 'pythia8' ? seedPythia8Card(text, plan.seed) : seedDelphesCard(text, plan.seed));
    }
    writeFileAtomic(plan.launchScriptPath, plan.launchScript);
    await runMg5(tools, plan.launchScriptPath, workDir, log, watcher, opts, 'event generation (step 2)');
    const runs = await parseMg5Output(plan.procDir);
    const run = runs[runs.length - 1];
    if (!run) throw new HmlError('mg5-no-output', 'MadGraph5 finished but wrote no run', { exitCode: 1, detail: watcher.excerpt() });
    const format = s.detector === 'delphes' ? 'delphes' : s.shower === 'pythia8' ? 'hepmc3' : 'lhe';
    const files = eventFilesOf(run, format === 'hepmc3' ? 'hepmc' : format);
    if (files.length === 0) {
      throw new HmlError('mg5-no-output', `MadGraph5 finished run ${run.name} but left no ${format} event file in ${run.dir}`, { exitCode: 1, detail: watcher.excerpt() });
    }
    watcher.finish();
    return { plan, run, crossSection: run.crossSection, crossSectionError: run.crossSectionError, nEvents: run.nEvents, seed: run.seed, files, format, logPath };
  } catch (err) {
    cleanup();
    throw err;
  } finally {
    await new Promise<void>((res) => log.end(res));
  }
}
