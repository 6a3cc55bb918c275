/**
 * Representations: how selected events become rows of a dataset (`set`, `image`, `cloud`).
 */
import { checkExpression } from '../expressions/check';
import { parseExpression } from '../expressions/parser';
import { HmlError } from '../util/errors';
import { checkCloudSettings, cloudRepresentation } from './cloud';
import { checkImageSettings, imageRepresentation } from './image';
import { setRepresentation } from './set';
import type { FeatureInfo, ObservableEvaluator, Representation, RepresentationSettings } from './types';

export type * from './types';
export { imageFromConstituents, transformPoints, pixelate, normalizeImage } from './image';
export { recluster, type Subjet } from './recluster';
export { pdgClass, CLOUD_FEATURES } from './cloud';

export interface RepresentationOptions {
  /** General observable evaluator (core/observables) for `set` columns. */
  evaluator?: ObservableEvaluator;
  /** Unit and definition of an observable (from the observable catalog), for attributes and cards. */
  describe?: (expression: string) => FeatureInfo | undefined;
}

/**
 * Settings problems, as messages, without reading any event (for `hml validate` and the language server).
 * `collections` are the analysis' `reconstruction:` names (they parse as collections).
 */
export function checkRepresentation(s: RepresentationSettings, collections?: Iterable<string>): string[] {
  switch (s.type) {
    case 'set': {
      if (!Array.isArray(s.observables) || s.observables.length === 0) return ['a set dataset needs observables, e.g. [fatjet0.mass, fatjet0.tau21]'];
      const out: string[] = [];
      for (const o of s.observables) {
        const parsed = parseExpression(o, 0, { collections });
        const diags = parsed.ast ? [...parsed.diagnostics, ...checkExpression(parsed.ast, { context: 'observable', collections }).diagnostics] : parsed.diagnostics;
        for (const d of diags) if (d.severity === 'error') out.push(`'${o}': ${d.message}`);
      }
      return out;
    }
    case 'image': return checkImageSettings(s);
    case 'cloud': return checkCloudSettings(s);
    default: return [`unknown dataset type '${(s as { type: string }).type}'; use set, image or cloud`];
  }
}

export function createRepresentation(s: RepresentationSettings, options: RepresentationOptions = {}): Representation {
  switch (s.type) {
    case 'set': return setRepresentation(s, options.evaluator, options.describe);
    case 'image': return imageRepresentation(s);
    case 'cloud': return cloudRepresentation(s);
    default: throw new HmlError('bad-dataset-type', `unknown dataset type '${(s as { type: string }).type}'; use set, image or cloud`, { exitCode: 2 });
  }
}
