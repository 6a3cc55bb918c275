/**
 * The physics the dataset stage applies while re-reading stored events: reconstruction (jets from particles),
 * the observable evaluator and the preselection. One place that adapts core/jets and core/observables to the
 * dataset builder, so the executors stay about files and stages.
 */
import type { Preselection } from '../datasets/build';
import { lookupObservable } from '../expressions/catalog';
import { evaluateCut, evaluateObservable, type EvaluateOptions } from '../observables/evaluate';
import type { EventBatch } from '../physics/events';
import type { FeatureInfo, ObservableEvaluator } from '../representations/types';
import { applyReconstruction } from './reconstruction';

export interface StagePhysics {
  /** Applies `reconstruction:` to a batch (identity without reconstruction). */
  reconstruct(batch: EventBatch): EventBatch;
  evaluator: ObservableEvaluator;
  describe: (expression: string) => FeatureInfo | undefined;
  preselection?: Preselection;
}

type Reconstruction = import('./reconstruction').Reconstruction;

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
    reconstruct: (batch) => applyReconstruction(batch, reconstruction),
    evaluator,
    describe: describeObservable,
    preselection: preselection.length ? { cuts: [...preselection], evaluate: (batch) => preselection.map((c) => evaluateCut(batch, c, opts)) } : undefined,
  };
}
