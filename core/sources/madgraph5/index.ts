/**
 * The MadGraph5 engine in one import: plan and dry run, generation, results, and the events of a finished run
 * as a sample source whose weights sum to the banner's cross section (pb).
 */
import { openFilesSource, type FilesSource } from '../files';
import type { ReadOptions } from '../types';
import type { MadGraph5Generator } from '../../analysis/model';
import { generateMadgraph5, type Mg5Result, type Mg5RunOptions } from './runner';
import { planMadgraph5, renderDryRun } from './script';
import { fromGenerator, type Mg5ClusterOptions } from './settings';

export { fromGenerator, mg5Seed, MAX_MG5_SEED, type Mg5Settings, type Mg5ClusterOptions, type Mg5Scalar } from './settings';
export { planMadgraph5, renderDryRun, type Mg5Plan, type SeededCard } from './script';
export { generateMadgraph5, findMg5, checkMg5Tools, Mg5LogWatcher, type Mg5Result, type Mg5RunOptions, type Mg5Progress, type Mg5Stage, type Mg5Tools } from './runner';
export { parseMg5Output, parseBanner, eventFilesOf, type Mg5Run, type Mg5RunFiles, type BannerFacts } from './results';
export { seedPythia8Card, seedDelphesCard } from './cards';

/** The dry run of an analysis sample: both MG5 scripts and the seeded cards, nothing executed. */
export function dryRunMadgraph5(
  gen: MadGraph5Generator,
  ctx: { analysisSeed: number; sample: string; workDir: string; baseDir?: string; cluster?: Mg5ClusterOptions },
): string {
  return renderDryRun(planMadgraph5(fromGenerator(gen, ctx), ctx.workDir));
}

/**
 * The events of a finished generation (Delphes ROOT, HepMC3 or LHE, multi_run sub-runs in order), normalised so
 * that Σw = the banner's "Integrated weight (pb)" over the whole sample.
 */
export function openMadgraph5Events(result: Mg5Result, opts: ReadOptions = {}): Promise<FilesSource> {
  return openFilesSource({ files: result.files }, { ...opts, crossSection: opts.crossSection ?? result.crossSection });
}

/**
 * One call for a pipeline `generate:<sample>` stage: settings from the analysis sample, generation in the fresh
 * `workDir`, and the resulting events (Σw = banner σ, pb). `cross_section` overrides can be applied by the caller
 * by rescaling weights, or passed as `read.crossSection`.
 */
export async function generateMadgraph5Sample(
  gen: MadGraph5Generator,
  ctx: { analysisSeed: number; sample: string; workDir: string; baseDir?: string; cluster?: Mg5ClusterOptions; seed?: number },
  run: Mg5RunOptions = {},
  read: ReadOptions = {},
): Promise<{ result: Mg5Result; source: FilesSource }> {
  const result = await generateMadgraph5(fromGenerator(gen, ctx), ctx.workDir, run);
  return { result, source: await openMadgraph5Events(result, read) };
}
