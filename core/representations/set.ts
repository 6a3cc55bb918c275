import type { EventBatch } from '../physics/events';
import { HmlError } from '../util/errors';
import { evaluateSimpleObservable, KINEMATIC_ATTRIBUTES, parseObjectPath } from './objects';
import type { FeatureInfo, ObservableEvaluator, Representation, RepresentationRows, SetSettings } from './types';

/**
 * The `set` representation: a table with one float32 column per observable, one row per selected event, NaN
 * where an object is missing (CONTRACTS.md "Datasets": methods decide how to treat NaN).
 *
 * `evaluator` is the general observable evaluator (core/observables); without one only simple paths
 * (`fatjet0.pt`, `jet.size`) work, and other expressions give a clear error.
 */
export function setRepresentation(s: SetSettings, evaluator?: ObservableEvaluator, describe?: (expression: string) => FeatureInfo | undefined): Representation {
  if (!Array.isArray(s.observables) || s.observables.length === 0) {
    throw new HmlError('bad-set-settings', 'a set dataset needs observables, e.g. observables: [fatjet0.mass, fatjet0.tau21]', { exitCode: 2 });
  }
  const F = s.observables.length;
  const features = s.observables.map((o) => describe?.(o) ?? describeSimple(o));
  return {
    kind: 'set',
    rowShape: [F],
    features,
    settings: s,
    evaluate(batch: EventBatch, select?: Uint8Array): RepresentationRows {
      let n = 0;
      for (let i = 0; i < batch.size; i++) if (!select || select[i]) n++;
      const data = new Float32Array(n * F);
      for (let f = 0; f < F; f++) {
        const col = evaluateOne(batch, s.observables[f], evaluator);
        let row = 0;
        for (let i = 0; i < batch.size; i++) {
          if (select && !select[i]) continue;
          data[row * F + f] = col[i];
          row++;
        }
      }
      return { n, data };
    },
  };
}

function evaluateOne(batch: EventBatch, expression: string, evaluator: ObservableEvaluator | undefined): Float64Array {
  const col = evaluator ? evaluator(batch, expression) : evaluateSimpleObservable(batch, expression);
  if (col === undefined) {
    throw new HmlError('unsupported-observable', `'${expression}' needs the observable evaluator; simple paths such as fatjet0.pt or jet.size work without it`, { exitCode: 2 });
  }
  if (!(col instanceof Float64Array)) {
    throw new HmlError('not-one-per-event', `observable '${expression}' gives a list per event, but a set dataset needs one value per event; pick one object (e.g. jet0 instead of jet) or reduce it (e.g. sum(...), max(...))`, { location: { event: batch.firstEvent }, exitCode: 2 });
  }
  if (col.length !== batch.size) {
    throw new HmlError('not-one-per-event', `observable '${expression}' gave ${col.length} values for ${batch.size} events`, { location: { event: batch.firstEvent }, exitCode: 1 });
  }
  return col;
}

function describeSimple(expression: string): FeatureInfo {
  const p = parseObjectPath(expression);
  if (p && p.index !== undefined && p.attribute && !p.constituents) {
    const k = KINEMATIC_ATTRIBUTES[p.attribute];
    return { name: expression, unit: k?.unit ?? '1', definition: `${k?.definition ?? p.attribute} of ${p.collection} number ${p.index} (0-based, as ordered by its source)` };
  }
  if (p && p.index === undefined && p.attribute === 'size') return { name: expression, unit: '1', definition: `number of ${p.collection} objects` };
  return { name: expression, unit: '1', definition: expression };
}
