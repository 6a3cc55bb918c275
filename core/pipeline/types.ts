/**
 * The pipeline engine's vocabulary: a plan is a list of stages (`generate:<sample>` → `dataset:<name>` →
 * `train:<method>` → `evaluate` → `export`); each stage has a kind, settings and upstream stages. What a stage
 * does is a pluggable executor per kind, so the engine (keys, run directory, lock, scheduling, kill safety,
 * progress) is independent of the physics in the stages.
 */
import type { HmlProgressEvent } from '../../protocol/progress';

export type StageKind = 'generate' | 'dataset' | 'train' | 'evaluate' | 'export' | (string & {});

/** One stage of a plan, before keys are computed. */
export interface StageSpec {
  /** Unique name, e.g. `generate:wjets`, `train:bdt`, `evaluate`. */
  readonly name: string;
  readonly kind: StageKind;
  /** Everything that changes this stage's output (hashed into its key); JSON-like. */
  readonly settings: unknown;
  /** Names of the upstream stages whose outputs this stage reads. */
  readonly needs: readonly string[];
}

/** A stage with its key (hash of its settings, its inputs' keys and its kind's version). */
export interface PlannedStage extends StageSpec {
  readonly key: string;
  /** Folder name under the run directory: `<kind>-<name part>-<key>`. */
  readonly folder: string;
}

/** Read-only view of an upstream stage's finished output. */
export interface StageInput {
  readonly stage: string;
  readonly kind: StageKind;
  readonly key: string;
  /** Absolute path of its committed folder. */
  readonly dir: string;
}

/** What an executor gets while it runs. */
export interface StageContext {
  readonly stage: PlannedStage;
  /** Temporary folder to write outputs into; renamed to the stage folder when `execute` resolves. */
  readonly outDir: string;
  /**
   * A folder that survives a killed run (unlike `outDir`), for checkpoints a stage can resume from; the
   * engine deletes it once the stage is committed. Same key → same folder.
   */
  readonly scratchDir: string;
  /** Upstream outputs by stage name. */
  readonly inputs: ReadonlyMap<string, StageInput>;
  /** Whole analysis-level context the executors share (the parsed analysis, its path, options). */
  readonly shared: unknown;
  /** Seed for this stage: hash(analysis seed, stage key) (CONTRACTS "Seeds and reproducibility"). */
  readonly seed: bigint;
  /** The analysis seed the stage seed was derived from. */
  readonly analysisSeed: number;
  readonly signal: AbortSignal;
  /** Worker threads this stage may use (results must not depend on it). */
  readonly threads: number;
  /** Stages the runner may run at once (`--jobs`); above 1 a CPU-heavy stage may move to a worker thread. */
  readonly jobs?: number;
  progress(done: number, total: number, unit: string): void;
  metric(name: string, value: number | null, epoch?: number): void;
  log(level: 'debug' | 'info' | 'warning' | 'error', message: string): void;
  /** Test hook: `HML_TEST_KILL_AT=<stage>:<step>` kills the process with SIGKILL here. */
  killPoint(step: string): void;
}

/** Extra facts a stage reports for its record (event counts, backend …); JSON-like. */
export type StageSummary = Record<string, unknown>;

export interface StageExecutor {
  readonly kind: StageKind;
  /**
   * Version of this kind's output format and algorithm: bump it only when the output would change (CONTRACTS
   * "Run directory": never the engine version, an upgrade must not re-run hours of MadGraph5).
   */
  readonly version: number;
  execute(ctx: StageContext): Promise<StageSummary | void>;
}

export type ExecutorRegistry = Readonly<Record<string, StageExecutor>>;

export type ProgressSink = (event: HmlProgressEvent) => void;

/** The record written as `stage.json` inside every committed stage folder. */
export interface StageRecord {
  stage: string;
  kind: string;
  key: string;
  kindVersion: number;
  settings: unknown;
  inputs: { stage: string; key: string }[];
  seed: string;
  analysisSeed: number;
  summary: StageSummary;
  started: string;
  finished: string;
  seconds: number;
  /**
   * CPU seconds (user + system, all threads of the process) while the stage ran; exact when it ran alone
   * (`--jobs 1`), an upper bound when other stages ran beside it.
   */
  cpuSeconds?: number;
  host: string;
  pid: number;
  versions: Record<string, string>;
}

export type StageStatus = 'up-to-date' | 'stale' | 'failed' | 'blocked';
