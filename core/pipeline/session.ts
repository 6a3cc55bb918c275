/**
 * One place that turns an analysis path into everything the engine needs (loaded analysis, stage specs,
 * executors, shared context), used by `hml run`, `hml status`, `hml export` and the extension.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/atomic';
import { join } from 'node:path';
import type { ResultsFile } from '../../protocol/results';
import { checkInputFiles, loadAnalysisFile, planAnalysis, type LoadedAnalysis } from './analysis-plan';
import { PIPELINE_EXECUTORS, type PipelineShared } from './executors';
import { runDirFor } from './rundir';
import { runPipeline, type RunOptions, type RunOutcome } from './runner';
import type { StageSpec } from './types';
import { softwareVersions } from './versions';

export interface Session {
  loaded: LoadedAnalysis;
  specs: StageSpec[];
  runDir: string;
  shared: PipelineShared;
}

/** Loads and plans; `withExport` adds an export stage with default settings when the file has none. */
export function openSession(analysisPath: string, opts: { withExport?: boolean } = {}): Session {
  const loaded = loadAnalysisFile(analysisPath);
  if (opts.withExport && !loaded.analysis.export) {
    loaded.analysis = { ...loaded.analysis, export: { formats: ['onnx'], model_card: true, dataset: 'none', validation: true } };
  }
  return { loaded, specs: planAnalysis(loaded), runDir: runDirFor(loaded.path), shared: { loaded, versions: softwareVersions() } };
}

export async function runSession(s: Session, o: Omit<RunOptions, 'analysisPath' | 'specs' | 'executors' | 'seed' | 'shared'>): Promise<RunOutcome> {
  checkInputFiles(s.loaded);
  const out = await runPipeline({ ...o, analysisPath: s.loaded.path, specs: s.specs, executors: PIPELINE_EXECUTORS, seed: s.loaded.analysis.seed, shared: s.shared, versions: s.shared.versions });
  // the results view reads the latest results beside the stage folders
  const ev = out.planned.find((p) => p.name === 'evaluate');
  if (ev && existsSync(join(out.runDir, ev.folder, 'results.json'))) writeFileAtomic(join(out.runDir, 'results.json'), readFileSync(join(out.runDir, ev.folder, 'results.json')));
  return out;
}

/** results.json of the current plan's evaluate stage, when it is up to date. */
export function currentResults(s: Session, planned: RunOutcome['planned']): ResultsFile | undefined {
  const ev = planned.find((p) => p.name === 'evaluate');
  const path = ev && join(s.runDir, ev.folder, 'results.json');
  return path && existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as ResultsFile) : undefined;
}
