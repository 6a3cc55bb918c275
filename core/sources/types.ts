/**
 * Shared types of the event-file readers (LHE, HepMC3, Delphes ROOT) and of `openEventFile`.
 *
 * Units: GeV for momenta and masses, radians for angles, picobarn for cross sections.
 */
import type { EventBatch } from '../physics/events';

export type EventFileFormat = 'lhe' | 'hepmc3' | 'delphes';

/** Options of every reader. */
export interface ReadOptions {
  /** Events per batch (default 1000). Readers hold at most one batch of events in memory. */
  batchSize?: number;
  /**
   * Lower-case collection names to read (CONTRACTS "Event model"). Undefined: every collection the file has.
   * A name the file does not have gives an empty collection, not an error.
   */
  collections?: readonly string[];
  /**
   * Cross section in pb to normalise to (Σw = σ over the whole file). Overrides what the file says; use it when
   * the σ comes from elsewhere (a MadGraph5 banner, the analysis file).
   */
  crossSection?: number;
  /** Stop after this many events. */
  maxEvents?: number;
  /** Name of the tree in Delphes ROOT files (default `Delphes`). */
  tree?: string;
  /** Format to read the file as, instead of sniffing it (`auto` sniffs). */
  format?: EventFileFormat | 'auto';
}

/** A cross section in pb with its uncertainty (pb) where known. */
export interface CrossSection {
  value: number;
  error?: number;
}

/** Batches as the readers yield them: the shared EventBatch plus the named alternative weights of the file. */
export interface SourceEventBatch extends EventBatch {
  /**
   * Alternative weights by name (LHE `<wgt id>`, HepMC3 weight names), raw as the file stores them (not
   * normalised). Absent when the file has none.
   */
  readonly namedWeights?: ReadonlyMap<string, Float64Array>;
}

/** An opened event file. `batches()` may be iterated more than once; each pass re-reads the file. */
export interface EventFile {
  readonly path: string;
  readonly format: EventFileFormat;
  /** Number of events in the file where it is known without reading every event. */
  readonly nEvents?: number;
  /** Cross section in pb, from the file (LHE init block, HepMC3 GenCrossSection) or from `ReadOptions`. */
  readonly crossSection?: CrossSection;
  /** Lower-case collection names the file can give (before the `collections` filter). */
  readonly available: readonly string[];
  /** Format-specific header facts (LHE beams and IDWTUP, HepMC3 weight names, Delphes branches...). */
  readonly info: Record<string, unknown>;
  batches(): AsyncIterable<SourceEventBatch>;
}
