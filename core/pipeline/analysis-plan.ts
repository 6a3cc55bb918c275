/**
 * From an analysis file to the stage graph:
 *   generate:<sample> → reconstruct:<sample> (with `reconstruction:`) → dataset:<name> (every sample) →
 *   train:<method> → evaluate → export
 * Each stage's settings are exactly what changes its output, so editing a method's epochs re-trains that method
 * and re-evaluates, but never regenerates events; relabelling a sample rebuilds datasets but not its events.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import type { Analysis } from '../analysis/model';
import { validateText } from '../analysis/validate';
import * as builtinGenerator from '../sources/builtin';
import { HmlError } from '../util/errors';
import type { StageSpec } from './types';

export interface LoadedAnalysis {
  path: string;
  dir: string;
  text: string;
  analysis: Analysis;
  /** `name:` or the file stem. */
  name: string;
}

/** Reads and validates an analysis file; a missing file or an invalid one is exit code 2 with the first error. */
export function loadAnalysisFile(path: string): LoadedAnalysis {
  const abs = resolve(path);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new HmlError(code === 'ENOENT' ? 'file-not-found' : 'file-unreadable', code === 'ENOENT' ? `${path} does not exist; give the path of an analysis file (*.hml.yaml)` : `cannot read ${path}: ${(e as Error).message}`, { exitCode: 2, location: { file: path } });
  }
  const v = validateText(text);
  const errors = v.diagnostics.filter((d) => d.severity === 1);
  if (!v.analysis || errors.length > 0) {
    const d = errors[0];
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more; run \`hml validate ${path}\`)` : '';
    throw new HmlError(
      String(d?.code ?? 'invalid-analysis'),
      `${d?.message ?? 'the analysis file is not valid'}${more}`,
      { exitCode: 2, location: { file: path, line: (d?.range.start.line ?? 0) + 1, column: (d?.range.start.character ?? 0) + 1 } },
    );
  }
  const stem = abs.replace(/^.*[\\/]/, '').replace(/\.(hml\.)?ya?ml$/i, '');
  return { path: abs, dir: dirname(abs), text, analysis: v.analysis, name: v.analysis.name ?? stem };
}

/** Files of a `files:` generator with their sizes and modification times, so a changed file re-runs the stage. */
function fileFingerprints(dir: string, files: readonly string[]): { path: string; size: number | null; mtimeMs: number | null }[] {
  return files.map((f) => {
    const p = isAbsolute(f) ? f : resolve(dir, f);
    try {
      const s = statSync(p);
      return { path: p, size: s.size, mtimeMs: Math.round(s.mtimeMs) };
    } catch {
      // globs and missing files are resolved (and reported) by the stage itself
      return { path: p, size: null, mtimeMs: null };
    }
  });
}

/** The built-in generator's output version when it declares one (`BUILTIN_GENERATOR_VERSION`), else 1. */
function generatorVersion(): number {
  // looked up by a computed name: the export may not exist yet, and a static access makes the bundler warn
  const name = 'BUILTIN_GENERATOR_VERSION';
  const v = (builtinGenerator as Record<string, unknown>)[name];
  return typeof v === 'number' ? v : 1;
}

/**
 * Before running: every event file named without a glob must exist (a missing input is bad input, exit 2,
 * reported before any stage starts rather than as a failed stage halfway through).
 */
export function checkInputFiles(loaded: LoadedAnalysis): void {
  for (const [name, smp] of Object.entries(loaded.analysis.samples)) {
    const g = smp.generator;
    const paths = g.engine === 'files' ? g.files : g.engine === 'madgraph5' && g.cards ? Object.values(g.cards).filter((x): x is string => typeof x === 'string') : [];
    for (const f of paths) {
      if (/[*?[\]{}]/.test(f)) continue;
      const p = isAbsolute(f) ? f : resolve(loaded.dir, f);
      try {
        statSync(p);
      } catch {
        const line = loaded.text.split('\n').findIndex((l) => l.includes(f));
        throw new HmlError('file-not-found', `sample '${name}': ${f} does not exist (looked for ${p}); fix the path (relative paths start at the analysis file's folder)`, {
          exitCode: 2,
          location: { file: loaded.path, line: line >= 0 ? line + 1 : undefined, column: line >= 0 ? loaded.text.split('\n')[line].indexOf(f) + 1 : undefined },
        });
      }
    }
  }
}

export function planAnalysis(loaded: LoadedAnalysis): StageSpec[] {
  const a = loaded.analysis;
  const specs: StageSpec[] = [];
  const sampleNames = Object.keys(a.samples);
  for (const name of sampleNames) {
    const g = a.samples[name].generator;
    const settings: Record<string, unknown> = { generator: g, crossSection: a.samples[name].cross_section };
    // a new generator release that changes its events must regenerate, whatever the engine version
    if (g.engine === 'builtin') settings.generatorVersion = generatorVersion();
    if (g.engine === 'files') settings.files = fileFingerprints(loaded.dir, g.files);
    if (g.engine === 'madgraph5' && g.cards) settings.cards = fileFingerprints(loaded.dir, Object.values(g.cards).filter((x): x is string => typeof x === 'string'));
    specs.push({ name: `generate:${name}`, kind: 'generate', settings, needs: [] });
  }
  // jets are clustered once per sample and shared by every dataset; editing `reconstruction:` re-runs these
  // stages and the datasets after them (through their input keys), never the generation
  const reco = a.reconstruction && Object.keys(a.reconstruction).length > 0 ? a.reconstruction : undefined;
  if (reco) {
    for (const name of sampleNames) specs.push({ name: `reconstruct:${name}`, kind: 'reconstruct', settings: { reconstruction: reco }, needs: [`generate:${name}`] });
  }
  for (const [name, d] of Object.entries(a.datasets)) {
    specs.push({
      name: `dataset:${name}`,
      kind: 'dataset',
      settings: {
        dataset: d,
        preselection: a.preselection,
        samples: sampleNames.map((s) => ({ name: s, label: a.samples[s].label })),
      },
      needs: sampleNames.flatMap((s) => (reco ? [`generate:${s}`, `reconstruct:${s}`] : [`generate:${s}`])),
    });
  }
  const methods = Object.entries(a.methods ?? {});
  for (const [name, m] of methods) {
    // the method as the schema defines it, defaults included: what the language server documents is what runs
    specs.push({ name: `train:${name}`, kind: 'train', settings: { method: { ...m } }, needs: [`dataset:${m.dataset}`] });
  }
  if (methods.length > 0) {
    const datasetsUsed = [...new Set(methods.map(([, m]) => m.dataset))];
    specs.push({
      name: 'evaluate',
      kind: 'evaluate',
      settings: { evaluation: a.evaluation, methods: methods.map(([n, m]) => ({ name: n, type: m.type, dataset: m.dataset })), preselection: a.preselection },
      needs: [...methods.map(([n]) => `train:${n}`), ...datasetsUsed.map((d) => `dataset:${d}`)],
    });
    if (a.export) {
      const chosen = a.export.methods ?? methods.map(([n]) => n);
      specs.push({
        name: 'export',
        kind: 'export',
        settings: { export: a.export, methods: chosen, name: loaded.name },
        needs: ['evaluate', ...chosen.map((n) => `train:${n}`), ...[...new Set(chosen.map((n) => a.methods![n].dataset))].map((d) => `dataset:${d}`)],
      });
    }
  }
  return specs;
}
