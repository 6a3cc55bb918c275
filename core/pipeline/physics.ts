/**
 * The physics the dataset stage applies while re-reading stored events: reconstruction (jets from particles),
 * the observable evaluator and the preselection. One place that adapts core/jets and core/observables to the
 * dataset builder, so the executors stay about files and stages.
 */
import type { Analysis } from '../analysis/model';
import type { Preselection } from '../datasets/build';
import { lookupObservable } from '../expressions/catalog';
import { addReconstruction } from '../jets/reconstruct';
import { evaluateCut, evaluateObservable, type EvaluateOptions } from '../observables/evaluate';
import type { Collection, EventBatch } from '../physics/events';
import type { FeatureInfo, ObservableEvaluator } from '../representations/types';

export interface StagePhysics {
  /** Applies `reconstruction:` to a batch (identity without reconstruction). */
  reconstruct(batch: EventBatch): EventBatch;
  evaluator: ObservableEvaluator;
  describe: (expression: string) => FeatureInfo | undefined;
  preselection?: Preselection;
}

type Reconstruction = NonNullable<Analysis['reconstruction']>;

const INPUTS: Record<string, readonly string[]> = {
  particle: ['particle'],
  eflow: ['eflowtrack', 'eflowphoton', 'eflowneutralhadron'],
  tower: ['tower'],
  track: ['track'],
};

const NEUTRINOS = new Set([12, 14, 16]);

/**
 * Visible final-state particles (the `particle` input of `reconstruction:`): status 1 where a status is stored,
 * neutrinos dropped. Returns the name of the collection to cluster: `particle` itself when nothing is dropped
 * (the built-in generator stores only visible final-state particles), else a derived `particle:visible`.
 */
function visibleParticles(batch: EventBatch): string {
  const c = batch.collections.get('particle');
  if (!c) return 'particle';
  const status = c.fields.status;
  const pdg = c.fields.pdg_id;
  const keep = (r: number): boolean => (!status || status[r] === 1) && (!pdg || !NEUTRINOS.has(Math.abs(pdg[r])));
  let all = true;
  for (let r = 0; r < c.px.length && all; r++) all = keep(r);
  if (all) return 'particle';
  const name = 'particle:visible';
  if (batch.collections.has(name)) return name;
  const rows: number[] = [];
  const offsets = new Uint32Array(batch.size + 1);
  for (let ev = 0; ev < batch.size; ev++) {
    offsets[ev] = rows.length;
    for (let r = c.offsets[ev]; r < c.offsets[ev + 1]; r++) if (keep(r)) rows.push(r);
  }
  offsets[batch.size] = rows.length;
  const take = (a: Float64Array): Float64Array => Float64Array.from(rows, (r) => a[r]);
  const fields: Record<string, Float64Array> = {};
  for (const [k, v] of Object.entries(c.fields)) fields[k] = take(v);
  fields.source_row = Float64Array.from(rows);
  const derived: Collection = { name, offsets, px: take(c.px), py: take(c.py), pz: take(c.pz), e: take(c.e), fields };
  batch.collections.set(name, derived);
  return name;
}

/** Unit and words for an observable expression, from the catalog entry of its last observable. */
export function describeObservable(expression: string): FeatureInfo | undefined {
  const m = /([A-Za-z_][A-Za-z0-9_]*)\s*\)*\s*$/.exec(expression);
  const spec = m ? lookupObservable(m[1]) : undefined;
  if (!spec) return undefined;
  const outer = /^\s*(abs|min|max|sum|log|sqrt)\s*\(/.exec(expression)?.[1];
  const unit = outer === 'log' ? '1' : outer === 'sqrt' ? `sqrt(${spec.unit})` : spec.unit;
  const objects = expression.slice(0, m!.index).replace(/^\s*(abs|min|max|sum|log|sqrt)\s*\(/, '').replace(/\.\s*$/, '');
  return { name: expression, unit, definition: `${outer ? `${outer} of the ` : ''}${spec.title.toLowerCase()}${objects ? ` of ${objects}` : ''}` };
}

export async function stagePhysics(reconstruction: Reconstruction, preselection: readonly string[]): Promise<StagePhysics> {
  const entries = Object.entries(reconstruction);
  const opts: EvaluateOptions = { collections: entries.map(([n]) => n) };
  const evaluator: ObservableEvaluator = (batch, expression) => {
    const col = evaluateObservable(batch, expression, opts);
    return col.kind === 'scalar' ? col.values : { offsets: col.offsets, values: col.values };
  };
  return {
    reconstruct(batch) {
      for (const [name, def] of entries) {
        const inputs = def.input === 'particle' ? [visibleParticles(batch)] : INPUTS[def.input];
        addReconstruction(batch, name, { algorithm: def.algorithm, r: def.r, p: def.p, min_pt: def.min_pt, max_eta: def.max_eta }, inputs, def.replace);
      }
      return batch;
    },
    evaluator,
    describe: describeObservable,
    preselection: preselection.length ? { cuts: [...preselection], evaluate: (batch) => preselection.map((c) => evaluateCut(batch, c, opts)) } : undefined,
  };
}
