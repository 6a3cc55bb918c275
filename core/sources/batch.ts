/**
 * Helpers shared by the readers: which collections to build, and assembling a batch (empty collections for the
 * requested names a file does not have, CONTRACTS "missing collections are empty, not errors").
 */
import { emptyCollection, type Collection } from '../physics/events';
import type { ReadOptions, SourceEventBatch } from './types';

export const DEFAULT_BATCH_SIZE = 1000;

export function batchSizeOf(opts: ReadOptions): number {
  const n = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_BATCH_SIZE;
}

/** Lower-cased requested names, or undefined for "everything". */
export function requestedCollections(opts: ReadOptions): Set<string> | undefined {
  return opts.collections ? new Set(opts.collections.map((c) => c.toLowerCase())) : undefined;
}

export function assembleBatch(
  firstEvent: number,
  weights: number[] | Float64Array,
  built: Collection[],
  requested: Set<string> | undefined,
  namedWeights?: Map<string, number[]>,
): SourceEventBatch {
  const size = weights.length;
  const collections = new Map<string, Collection>();
  for (const c of built) if (!requested || requested.has(c.name)) collections.set(c.name, c);
  if (requested) for (const name of requested) if (!collections.has(name)) collections.set(name, emptyCollection(name, size));
  let nw: Map<string, Float64Array> | undefined;
  if (namedWeights && namedWeights.size > 0) {
    nw = new Map();
    for (const [k, v] of namedWeights) nw.set(k, Float64Array.from(v));
  }
  return { size, firstEvent, weights: Float64Array.from(weights), collections, namedWeights: nw };
}

/**
 * Scale factor that makes Σw = σ over the whole file (CONTRACTS "Event weights"): σ in pb, `sumWeights` the raw
 * sum over every event of the file. Without a known σ (or with Σw = 0) weights are left as the file has them.
 */
export function weightScale(crossSectionPb: number | undefined, sumWeights: number): number {
  if (crossSectionPb === undefined || !Number.isFinite(crossSectionPb) || !(sumWeights !== 0) || !Number.isFinite(sumWeights)) return 1;
  return crossSectionPb / sumWeights;
}
