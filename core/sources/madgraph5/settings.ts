/**
 * What the MadGraph5 chain needs from an analysis sample: a plain settings object, so that the runner does not
 * depend on how the analysis file is parsed. `fromGenerator` builds it from the analysis model's
 * `MadGraph5Generator` (core/analysis/model.ts).
 *
 * Units: GeV for `sqrt_s` and every run-card energy; pb for cross sections.
 */
import { isAbsolute, resolve } from 'node:path';
import type { MadGraph5Generator } from '../../analysis/model';
import { deriveSeed } from '../../util/random';

export type Mg5Scalar = string | number | boolean;

/** MG5 options for running on a batch system (set at the MG5_aMC> prompt, before `launch`). */
export interface Mg5ClusterOptions {
  /** 0 single core, 1 cluster, 2 multicore (MG5's `run_mode`). */
  run_mode?: 0 | 1 | 2;
  /** Batch system: MG5's own cluster support. */
  cluster_type?: 'slurm' | 'condor' | 'lsf' | 'pbs' | 'sge';
  cluster_queue?: string;
  /** Cores to use in multicore mode (or jobs per node). */
  nb_core?: number;
}

export interface Mg5Settings {
  /** `sm`, another model name of the MG5 installation, or a path to a UFO folder. */
  model: string;
  /** Process lines: the first is `generate`, the others `add process`. */
  processes: readonly string[];
  /** Multiparticle labels (`define label = particles`). */
  definitions?: Readonly<Record<string, string>>;
  shower: 'pythia8' | 'none';
  detector: 'delphes' | 'none';
  /** MadSpin on; turned on automatically when `decays` is given. */
  madspin: boolean;
  /** MadSpin decay lines (`t > w+ b, w+ > j j`). */
  decays?: readonly string[];
  /** Run-card settings, `set key value` each, in this order (after the ones derived from events / sqrt_s / seed). */
  settings?: Readonly<Record<string, Mg5Scalar>>;
  /** User cards (absolute paths, or relative to `baseDir`). */
  cards?: Readonly<{ run?: string; param?: string; pythia8?: string; delphes?: string; madspin?: string }>;
  /** Events per run. */
  events: number;
  /** Centre-of-mass energy in GeV; sets ebeam1 = ebeam2 = sqrt_s / 2 unless the settings give them. */
  sqrt_s?: number;
  /** Number of runs with different seeds (MG5 `multi_run`); 1 means one `generate_events`. */
  multi_run: number;
  /** The seed (1…900,000,000) written into the run card (iseed), the Pythia8 card and the Delphes card. */
  seed: number;
  /** Mean pile-up; MG5 runs support it only through a user Delphes card with a PileUpMerger. */
  pileup?: number;
  cluster?: Mg5ClusterOptions;
  /** Folder that relative card and model paths are resolved against (the analysis file's folder). */
  baseDir?: string;
}

/** Largest seed accepted everywhere: Pythia8's `Random:seed` limit (MG5's RANMAR accepts it too). */
export const MAX_MG5_SEED = 900_000_000;

/** The MG5 seed of a sample: hash(analysis seed, sample), in 1…900,000,000, so samples get independent streams. */
export function mg5Seed(analysisSeed: number, sample: string): number {
  return 1 + Number(deriveSeed(analysisSeed, 'madgraph5', sample) % BigInt(MAX_MG5_SEED - 1));
}

/** Builds the plain settings from the analysis model's generator block. */
export function fromGenerator(
  gen: MadGraph5Generator,
  ctx: { analysisSeed: number; sample: string; baseDir?: string; cluster?: Mg5ClusterOptions; seed?: number },
): Mg5Settings {
  const decays = gen.decays && gen.decays.length > 0 ? [...gen.decays] : undefined;
  return {
    model: gen.model,
    processes: [...gen.processes],
    definitions: gen.definitions ? { ...gen.definitions } : undefined,
    shower: gen.shower,
    detector: gen.detector,
    madspin: gen.madspin || decays !== undefined,
    decays,
    settings: gen.settings ? (gen.settings as Record<string, Mg5Scalar>) : undefined,
    cards: gen.cards ? { ...gen.cards } : undefined,
    events: gen.events,
    sqrt_s: gen.sqrt_s,
    multi_run: gen.multi_run,
    seed: ctx.seed ?? mg5Seed(ctx.analysisSeed, ctx.sample),
    pileup: gen.pileup,
    cluster: ctx.cluster,
    baseDir: ctx.baseDir,
  };
}

/** Absolute path of a user file given in the analysis. */
export function resolveUserPath(s: Mg5Settings, p: string): string {
  return isAbsolute(p) ? p : resolve(s.baseDir ?? process.cwd(), p);
}
