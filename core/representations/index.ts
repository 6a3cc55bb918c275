/**
 * Representations: how selected events become rows of a dataset (`set`, `image`, `cloud`).
 */
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

/** Settings problems, as messages, without reading any event (for `hml validate` and the language server). */
export function checkRepresentation(s: RepresentationSettings): string[] {
  switch (s.type) {
    case 'set': return Array.isArray(s.observables) && s.observables.length > 0 ? [] : ['a set dataset needs observables'];
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
